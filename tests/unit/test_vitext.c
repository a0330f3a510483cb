/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of Vietnamese folding (common/vitext.c): the table-driven fast
 * path gives, byte for byte, what utf8proc's map gives (the reference is
 * computed here with the same flags): for every code point the table
 * covers, alone and after every Vietnamese letter, for pseudo-random
 * strings of them, and for text the table leaves to utf8proc (combining
 * marks, other scripts, invalid UTF-8); vitext_fold_equals agrees with
 * comparing that reference.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "vitext.h"

static utf8proc_int32_t ref_d(utf8proc_int32_t c, void *data)
{
    (void)data;
    return c == 0x0111 || c == 0x0110 ? 'd' : c;
}

/* What utf8proc alone makes of s (NULL for invalid UTF-8). */
static char *reference(const char *s)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n =
        utf8proc_map_custom((const utf8proc_uint8_t *)s, 0, &out,
                            UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_STRIPMARK |
                                UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE,
                            ref_d, NULL);
    return n < 0 ? NULL : (char *)out;
}

static void same_as_reference(const char *s)
{
    char *want = reference(s), *got = vitext_fold(s);
    if (!want)
        assert_null(got);
    else if (!got || strcmp(want, got) != 0)
        fail_msg("fold of \"%s\": \"%s\", utf8proc says \"%s\"", s, got ? got : "(null)", want);
    if (want) {
        /* the comparison without a copy: equal to it, not to its neighbours */
        char other[1024];
        size_t n = strlen(want);
        if (!vitext_fold_equals(want, s))
            fail_msg("vitext_fold_equals(\"%s\", \"%s\") is false", want, s);
        snprintf(other, sizeof(other), "%sx", want);
        assert_false(vitext_fold_equals(other, s));
        if (n > 0) {
            memcpy(other, want, n);
            other[n - 1] ^= 1;
            other[n] = 0;
            assert_false(vitext_fold_equals(other, s));
            other[n - 1] = 0;
            assert_false(vitext_fold_equals(other, s));
        }
    } else {
        assert_false(vitext_fold_equals("bad ", s));
    }
    free(want);
    free(got);
}

static size_t put(char *buf, utf8proc_int32_t cp)
{
    return (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)buf);
}

/* The code points of the table: U+0001-U+024F and U+1E00-U+1EFF. */
static utf8proc_int32_t table_cp(int i)
{
    return i < 0x24F ? i + 1 : 0x1E00 + (i - 0x24F);
}
#define TABLE_CPS (0x24F + 0x100)

static void every_table_code_point_alone_and_in_pairs(void **state)
{
    (void)state;
    /* after each of these: the pairs a Vietnamese text makes */
    static const utf8proc_int32_t FIRST[] = {'a',    'D',    ' ',    0x0111, 0x0110, 0x00C2,
                                             0x01A1, 0x1EA0, 0x1EF9, 0x0130, 0x00DF, 0x01C4};
    for (int i = 0; i < TABLE_CPS; i++) {
        char buf[32];
        size_t n = put(buf, table_cp(i));
        buf[n] = 0;
        same_as_reference(buf);
        for (size_t f = 0; f < sizeof(FIRST) / sizeof(FIRST[0]); f++) {
            size_t m = put(buf, FIRST[f]);
            m += put(buf + m, table_cp(i));
            buf[m] = 0;
            same_as_reference(buf);
        }
    }
}

static void random_strings_of_the_table(void **state)
{
    (void)state;
    uint64_t x = 0x243F6A8885A308D3ull;
    for (int round = 0; round < 20000; round++) {
        char buf[256];
        size_t n = 0;
        int len = 1 + round % 40;
        for (int k = 0; k < len; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            n += put(buf + n, table_cp((int)(x % TABLE_CPS)));
        }
        buf[n] = 0;
        same_as_reference(buf);
    }
}

static void text_left_to_utf8proc(void **state)
{
    (void)state;
    same_as_reference("");
    same_as_reference("Chiến sĩ thi đua cơ sở");
    same_as_reference("CHIẾN SĨ THI ĐUA CƠ SỞ");
    same_as_reference("Chie\xcc\x82\xcc\x81n si\xcc\x83"); /* decomposed: combining marks */
    same_as_reference("Ω ΣΑΣ 北京 ﬁ Å");                   /* beyond the table */
    same_as_reference("bad \xc3");                         /* truncated UTF-8 */
    same_as_reference("bad \xc0\xaf");                     /* overlong */
    same_as_reference("bad \xed\xa0\x80");                 /* a surrogate */
    char *f = vitext_fold("Đắk Lắk");
    assert_string_equal(f, "dak lak");
    free(f);
    assert_null(vitext_fold("bad \xc3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_table_code_point_alone_and_in_pairs),
        cmocka_unit_test(random_strings_of_the_table),
        cmocka_unit_test(text_left_to_utf8proc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
