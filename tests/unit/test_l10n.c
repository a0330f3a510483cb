/* SPDX-License-Identifier: MIT */
/*
 * common/i18n.c: the clients' language, dates, times and text width.  The
 * language follows LANG without a generated locale and finds the real
 * catalogue of the build; dates are d/m/yyyy in Vietnamese and "15
 * September 2021" in English, in Vietnam's time (a UTC evening is the next
 * day there); widths count display columns, so a name typed with combining
 * tone marks is as wide as the same name precomposed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "i18n.h"

/* 2021-09-14T17:30:05Z: 00:30:05 on 15 September 2021 in Vietnam. */
#define EVENING_UTC_MS 1631640605000LL

static void language_follows_lang_without_a_generated_locale(void **state)
{
    (void)state;
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    setenv("LANG", "vi_VN.UTF-8", 1); /* not generated on this machine */
    assert_int_equal(l10n_init(), L10N_VI);
    assert_string_equal(l10n_code(), "vi");
    /* The build's catalogue, not an echo of the msgid. */
    assert_string_equal(_("SEQ"), "SỐ TT");
    assert_string_equal(_("nominations"), "trường hợp đề nghị");
    assert_string_equal(l10n_zone(), "giờ Việt Nam");
}

static void contexts_keep_words_apart(void **state)
{
    (void)state;
    l10n_set_lang(L10N_VI);
    assert_string_equal(l10n_pgettext("state", "returned"), "trả lại để tiếp tục bồi dưỡng");
    assert_string_equal(l10n_pgettext("plan", "returned"), "trả lại để chỉnh sửa");
    assert_string_equal(l10n_pgettext("nope", "returned"), "returned");
    l10n_set_lang(L10N_EN);
    assert_string_equal(l10n_pgettext("state", "returned"), "returned");
    assert_string_equal(_("SEQ"), "SEQ");
    l10n_set_lang(L10N_VI);
}

static void dates_in_vietnam_time(void **state)
{
    (void)state;
    char buf[64];
    l10n_set_lang(L10N_VI);
    assert_string_equal(l10n_date(EVENING_UTC_MS, buf, sizeof buf), "15/9/2021");
    assert_string_equal(l10n_time(EVENING_UTC_MS, buf, sizeof buf), "15/9/2021 00:30:05");
    assert_string_equal(l10n_day("2025-07-01", buf, sizeof buf), "1/7/2025");
    l10n_set_lang(L10N_EN);
    assert_string_equal(l10n_date(EVENING_UTC_MS, buf, sizeof buf), "15 September 2021");
    assert_string_equal(l10n_time(EVENING_UTC_MS, buf, sizeof buf), "15 September 2021 00:30:05");
    assert_string_equal(l10n_day("2025-07-01", buf, sizeof buf), "1 July 2025");
    assert_string_equal(l10n_zone(), "Vietnam time");
    /* Nothing to show, and text that is not a day, pass through. */
    assert_string_equal(l10n_date(0, buf, sizeof buf), "-");
    assert_string_equal(l10n_day("", buf, sizeof buf), "-");
    assert_string_equal(l10n_day("2025-13-01", buf, sizeof buf), "2025-13-01");
    assert_string_equal(l10n_day("2025-7-1", buf, sizeof buf), "2025-7-1");
    l10n_set_lang(L10N_VI);
}

static void width_counts_columns_not_bytes(void **state)
{
    (void)state;
    const char *nfc = "Nguyễn Thị Hằng";                                         /* precomposed */
    const char *nfd = "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Ha\xcc\x86\xcc\x80ng"; /* combining */
    assert_int_equal(l10n_width(nfc), 15);
    assert_int_equal(l10n_width(nfd), 15);
    assert_true(strlen(nfc) != strlen(nfd) && strlen(nfc) > 15);
    assert_int_equal(l10n_width("Hà Nội"), 6);
    assert_int_equal(l10n_width("ĐIỂN HÌNH"), 9);
    assert_int_equal(l10n_width("\xe4\xb8\xad\xe6\x96\x87"), 4); /* two wide characters */
    assert_int_equal(l10n_width("a\xffz"), 3);                   /* a byte that is not UTF-8 */
    assert_int_equal(l10n_width(""), 0);
}

/* exemplarctl prints the error table's sentence when the daemon gives none
 * (a transport or protocol failure): every one has its Vietnamese. */
static void every_error_sentence_is_translated(void **state)
{
    (void)state;
    l10n_set_lang(L10N_VI);
    for (int code = 0; code < EX_ERR_COUNT; code++) {
        const char *en = ex_err_message(code);
        if (strcmp(_(en), en) == 0)
            fail_msg("error %d (%s): \"%s\" has no Vietnamese in vi.po", code, ex_err_name(code),
                     en);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(language_follows_lang_without_a_generated_locale),
        cmocka_unit_test(contexts_keep_words_apart),
        cmocka_unit_test(dates_in_vietnam_time),
        cmocka_unit_test(width_counts_columns_not_bytes),
        cmocka_unit_test(every_error_sentence_is_translated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
