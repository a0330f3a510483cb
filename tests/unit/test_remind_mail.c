/* SPDX-License-Identifier: MIT */
/*
 * Reminder mails (workers/remind/mail.c) and their words
 * (workers/remind/compose.c): RFC 2047 encoded words that decode back to
 * the text, never longer than 75 characters, never cutting a character or
 * a word; the message's headers (Date in Vietnam time, a dot-atom
 * Message-ID, MIME) and CRLF lines; a body that says what to do and where,
 * never a command to run.  The strict parse of real mails is in
 * tests/integration/test_jobs.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "compose.h"
#include "mail.h"

/* Decodes a header value made of encoded words (and the folding between
 * them) back into text, as RFC 2047 section 6.2 says. */
static void decode_words(const char *v, char *out, size_t len)
{
    size_t o = 0;
    while (*v) {
        if (strncmp(v, "\r\n ", 3) == 0) {
            v += 3;
            continue;
        }
        assert_int_equal(strncmp(v, "=?UTF-8?B?", 10), 0);
        const char *end = strstr(v + 10, "?=");
        assert_non_null(end);
        assert_true(end + 2 - v <= 75);
        size_t got = 0;
        assert_int_equal(sodium_base642bin((unsigned char *)out + o, len - o - 1, v + 10,
                                           (size_t)(end - v - 10), NULL, &got, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        /* a word holds whole characters: it never ends on a lead byte */
        assert_true(got > 0);
        unsigned char last = (unsigned char)out[o + got - 1];
        assert_false(last >= 0xC0);
        o += got;
        v = end + 2;
    }
    out[o] = 0;
}

static void encoded_words_decode_back_and_stay_short(void **state)
{
    (void)state;
    const char *subject = "Quá hạn: Hạn gửi kế hoạch và danh sách đăng ký xây dựng điển hình "
                          "tiên tiến giai đoạn 2021-2023, 23:59 ngày 15/9/2021 (Sở Tài nguyên và "
                          "Môi trường tỉnh Bà Rịa - Vũng Tàu)";
    char enc[2048], dec[1024];
    assert_true(mail_encode_words(subject, enc, sizeof(enc)) > 0);
    for (const char *c = enc; *c; c++)
        assert_true((unsigned char)*c < 0x80);
    decode_words(enc, dec, sizeof(dec));
    assert_string_equal(dec, subject);
    /* every line of the folded value fits RFC 5322's 78 characters with
     * "Subject: " in front of the first */
    for (const char *line = enc; line;) {
        const char *next = strstr(line, "\r\n");
        size_t n = next ? (size_t)(next - line) : strlen(line);
        assert_true(n + 9 <= 78);
        line = next ? next + 2 : NULL;
    }
    /* words break after a space, not inside a word: every word but the
     * last decodes to text ending in a space */
    char one[256];
    const char *v = enc, *fold;
    while ((fold = strstr(v, "\r\n ")) != NULL) {
        snprintf(one, sizeof(one), "%.*s", (int)(fold - v), v);
        char d[256];
        decode_words(one, d, sizeof(d));
        assert_int_equal(d[strlen(d) - 1], ' ');
        v = fold + 3;
    }
}

static void ascii_stays_and_too_small_is_refused(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(mail_encode_words("Reminder: plan due", out, sizeof(out)), 18);
    assert_string_equal(out, "Reminder: plan due");
    /* "=?" in plain text would read as an encoded word: encoded instead */
    assert_true(mail_encode_words("a =?b?= c", out, sizeof(out)) > 0);
    assert_int_equal(strncmp(out, "=?UTF-8?B?", 10), 0);
    char tiny[8];
    assert_int_equal(mail_encode_words("Tỉnh Hà Giang", tiny, sizeof(tiny)), -1);
}

static void message_has_the_headers_and_crlf_lines(void **state)
{
    (void)state;
    mail_t m = {.from = "exemplar@bo.gov.vn",
                .from_name = "Vụ Thi đua, Khen thưởng và Tuyên truyền",
                .to = "so@hagiang.gov.vn",
                .to_name = "Sở \"TN&MT\" Hà Giang",
                .job_id = "remind/2021-2025/p1//-2s/HG",
                .subject = "Nhắc việc:\nhạn nộp",
                .text = "Kính gửi: Sở\nViệc cần làm: gửi kế hoạch.\n",
                .date_ms = 1631638800000LL}; /* 2021-09-14 17:00 UTC = 15/9 00:00 +0700 */
    char *msg = NULL, err[128];
    int len = mail_format(&m, &msg, err, sizeof(err));
    assert_true(len > 0);
    assert_non_null(strstr(msg, "Date: Wed, 15 Sep 2021 00:00:00 +0700\r\n"));
    assert_non_null(strstr(msg, "Message-ID: <remind.2021-2025.p1.-2s.HG@exemplar>\r\n"));
    assert_non_null(strstr(msg, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                                "Content-Transfer-Encoding: 8bit\r\n\r\n"));
    assert_non_null(strstr(msg, "\r\nFrom: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "?= <exemplar@bo.gov.vn>\r\n"));
    assert_non_null(strstr(msg, "\r\nSubject: =?UTF-8?B?"));
    /* the body keeps its words, each line ending in CRLF */
    assert_non_null(strstr(msg, "\r\n\r\nKính gửi: Sở\r\nViệc cần làm: gửi kế hoạch.\r\n"));
    for (const char *c = msg; *c; c++)
        if (*c == '\n')
            assert_int_equal(c[-1], '\r');
    /* the headers are 7-bit, the subject's line break did not start a header */
    const char *body = strstr(msg, "\r\n\r\n");
    for (const char *c = msg; c < body; c++)
        assert_true((unsigned char)*c < 0x80);
    assert_null(strstr(msg, "\r\nhạn nộp"));
    free(msg);

    /* a plain ASCII name is a quoted string with its quotes escaped */
    m.to_name = "Unit \"01\"";
    assert_true(mail_format(&m, &msg, err, sizeof(err)) > 0);
    assert_non_null(strstr(msg, "\r\nTo: \"Unit \\\"01\\\"\" <so@hagiang.gov.vn>\r\n"));
    free(msg);
    m.to_name = NULL;
    assert_true(mail_format(&m, &msg, err, sizeof(err)) > 0);
    assert_non_null(strstr(msg, "\r\nTo: so@hagiang.gov.vn\r\n"));
    free(msg);
}

static Exemplar__Job plan_job(Exemplar__ReminderContext *c)
{
    Exemplar__Job j = EXEMPLAR__JOB__INIT;
    j.id = "remind/2021-2025/p1/registration/-7d/HG";
    j.kind = EXEMPLAR__JOB_KIND__JOB_REMIND_DEADLINE;
    j.unit = "HG";
    j.campaign = "2021-2025";
    j.period = "2021-2023";
    j.milestone = "registration";
    c->unit_name = "Tỉnh Hà Giang";
    c->plan_status = "no-plan";
    c->due = "2021-09-15 23:59";
    j.context = c;
    return j;
}

static void body_says_what_to_do_and_where_never_a_command(void **state)
{
    (void)state;
    Exemplar__ReminderContext c = EXEMPLAR__REMINDER_CONTEXT__INIT;
    Exemplar__Job j = plan_job(&c);
    reminder_t r;
    /* no web client: the office to send to and ask */
    assert_int_equal(compose_reminder_for(&j, "en", NULL, &r), 0);
    assert_non_null(strstr(r.text, "the list of exemplars it registers to build"));
    assert_non_null(strstr(r.text, "Department of Emulation, Commendation and Communication"));
    assert_null(strstr(r.text, "exemplarctl"));
    assert_null(strstr(r.text, "http"));
    compose_contact_t who = {.office = "Phòng Thi đua, Sở Nội vụ"};
    assert_int_equal(compose_reminder_for(&j, "en", &who, &r), 0);
    assert_non_null(strstr(r.text, "Send them to Phòng Thi đua, Sở Nội vụ"));
    /* the web client's page for this unit, campaign and period */
    who.web_url = "https://exemplar.example.vn//";
    assert_int_equal(compose_reminder_for(&j, "en", &who, &r), 0);
    assert_non_null(
        strstr(r.text, "https://exemplar.example.vn/units/HG/plans/2021-2025/2021-2023\n"));
    assert_null(strstr(r.text, "exemplarctl"));

    /* a stale reminder with more nominations than it lists */
    Exemplar__StaleNomination n = EXEMPLAR__STALE_NOMINATION__INIT, *list[] = {&n};
    n.id = 7;
    n.name = "Tổ Đo đạc";
    c.stale = list;
    c.n_stale = 1;
    c.stale_total = 5;
    j.kind = EXEMPLAR__JOB_KIND__JOB_REMIND_STALE;
    j.window = "fostering";
    j.state_waiting = EXEMPLAR__STATE__STATE_REGISTERED;
    assert_int_equal(compose_reminder_for(&j, "en", NULL, &r), 0);
    assert_non_null(strstr(r.text, "  ... and 4 more\n"));
    assert_null(strstr(r.text, "exemplarctl"));
    assert_int_equal(compose_reminder_for(&j, "en", &who, &r), 0);
    assert_non_null(
        strstr(r.text, "https://exemplar.example.vn/units/HG/nominations?state=registered"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encoded_words_decode_back_and_stay_short),
        cmocka_unit_test(ascii_stays_and_too_small_is_refused),
        cmocka_unit_test(message_has_the_headers_and_crlf_lines),
        cmocka_unit_test(body_says_what_to_do_and_where_never_a_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
