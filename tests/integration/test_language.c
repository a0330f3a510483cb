/* SPDX-License-Identifier: MIT */
/*
 * The language of an answer (Request.language): the same refused request,
 * asked in Vietnamese and in English, is answered with the sentence in each;
 * without a language it is the daemon's own ([rules] language, vi by
 * default); an unknown language is refused as invalid with a sentence.  The
 * Vietnamese sentence holds no English word: none of the English sentence's
 * words and none of a list of words the refusals said before they were
 * translated (ASCII only: Vietnamese words such as "sang" are ASCII too).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

enum { TIMEOUT_MS = 10000 };

#define S(x) EXEMPLAR__STATE__STATE_##x

/* English words of the daemon's refusals (and names of states, roles,
 * windows and moves) that a Vietnamese sentence must not hold. */
static const char *const ENGLISH[] = {
    "the",         "and",     "for",        "not",        "cannot",    "can",        "move",
    "moves",       "moving",  "nomination", "registered", "fostering", "recognized", "withdrawn",
    "returned",    "revoked", "unit",       "reviewed",   "ministry",  "role",       "needs",
    "reason",      "version", "window",     "campaign",   "final",     "state",      "acts",
    "may",         "only",    "admin",      "officer",    "approver",  "reader",     "selected",
    "carried",     "over",    "language",   "must",       "empty",     "daemon",     "own",
    "read",        "again",   "retry",      "with",       "expected",  "request",    "registration",
    "recognition", "review",  "foster",     "recognize",  "withdraw",
};

/* Whether the ASCII word w (lower case) is one of text's words. */
static bool has_word(const char *text, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = text; (p = strstr(p, w)) != NULL; p++) {
        bool start = p == text || !isalpha((unsigned char)p[-1]);
        bool end = !isalpha((unsigned char)p[n]);
        if (start && end)
            return true;
    }
    return false;
}

/* Fails naming any English word in the Vietnamese sentence vi: a word of en
 * (3 letters or more, ASCII, outside quotes) or of ENGLISH. */
static void no_english_in(const char *vi, const char *en)
{
    char word[64];
    for (const char *p = en; *p;) {
        size_t n = 0;
        while (isalpha((unsigned char)*p) && n < sizeof word - 1)
            word[n++] = (char)tolower((unsigned char)*p++);
        word[n] = '\0';
        if (n >= 3 && has_word(vi, word))
            fail_msg("the Vietnamese sentence \"%s\" holds the English word \"%s\"", vi, word);
        while (*p && !isalpha((unsigned char)*p))
            p++;
        while (n == sizeof word - 1 && isalpha((unsigned char)*p))
            p++;
    }
    for (size_t i = 0; i < sizeof ENGLISH / sizeof ENGLISH[0]; i++)
        if (has_word(vi, ENGLISH[i]))
            fail_msg("the Vietnamese sentence \"%s\" holds the English word \"%s\"", vi,
                     ENGLISH[i]);
}

/* The refusal's sentence of a move of n to `to` asked in language (NULL:
 * none set on the request); code is the refusal expected. */
static char *refusal(ex_client_t *c, const nom_t *n, Exemplar__State to, const char *language,
                     int code)
{
    Exemplar__MoveRequest body = EXEMPLAR__MOVE_REQUEST__INIT;
    body.id = n->id;
    body.to = to;
    body.expected_version = n->version;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &body;
    if (language)
        req.language = (char *)language;
    Exemplar__Reply *r = NULL;
    int rc = ex_client_call(c, &req, &r);
    char what[64];
    snprintf(what, sizeof what, "a move asked in \"%s\"", language ? language : "(none)");
    itest_require_error(rc, r, code, what);
    char *msg = strdup(r->error->message);
    assert_non_null(msg);
    ex_reply_free(r);
    return msg;
}

static void a_refusal_comes_in_the_language_of_its_request(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS); /* language "en" unless a request says */
    assert_non_null(c);
    nom_t n = itest_register(c, "01", "Đặng Thuỳ Linh", NULL);

    char *vi = refusal(c, &n, S(RECOGNIZED), "vi", EX_ENOMOVE);
    char *en = refusal(c, &n, S(RECOGNIZED), "en", EX_ENOMOVE);
    print_message("vi: %s\nen: %s\n", vi, en);
    if (!strstr(en, "cannot move to recognized"))
        fail_msg("the English sentence \"%s\" does not say the move is not allowed", en);
    /* The plan's words: the nomination, the states by their Vietnamese names. */
    if (!strstr(vi, "trường hợp đề nghị") || !strstr(vi, "công nhận") || !strstr(vi, "bồi dưỡng"))
        fail_msg("the Vietnamese sentence \"%s\" does not name the nomination and the states "
                 "in the plan's words",
                 vi);
    no_english_in(vi, en);

    /* A second refusal, its arguments translated too (the current state). */
    char *vi2 = refusal(c, &n, S(REVOKED), "vi", EX_ENOMOVE);
    char *en2 = refusal(c, &n, S(REVOKED), "en", EX_ENOMOVE);
    no_english_in(vi2, en2);

    /* Without a language: the daemon's own, Vietnamese by default. */
    ex_client_opts_t o = {.endpoint = h->api, .timeout_ms = TIMEOUT_MS, .retries = -1};
    ex_client_t *plain = ex_client_new(&o);
    assert_non_null(plain);
    char *dflt = refusal(plain, &n, S(RECOGNIZED), NULL, EX_ENOMOVE);
    assert_string_equal(dflt, vi);
    /* and the language of one request does not stay for the next */
    char *after = refusal(plain, &n, S(RECOGNIZED), NULL, EX_ENOMOVE);
    assert_string_equal(after, vi);

    /* An unknown language is refused, with a sentence in the daemon's own. */
    char *bad = refusal(c, &n, S(FOSTERING), "fr", EX_EINVALID);
    if (!strstr(bad, "vi hoặc en"))
        fail_msg("the refusal of language fr says \"%s\"", bad);

    /* The refusals changed nothing: the move itself works. */
    n = itest_move(c, &n, S(FOSTERING), NULL);
    assert_int_equal(n.state, S(FOSTERING));

    free(vi);
    free(en);
    free(vi2);
    free(en2);
    free(dflt);
    free(after);
    free(bad);
    ex_client_destroy(&plain);
    ex_client_destroy(&c);
}

/* A retry (same request id) in another language is the same request: the
 * first answer, byte for byte, in the first language; not a reused id. */
static void a_retry_in_another_language_gets_the_first_answer(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t n = itest_register(c, "01", "Trần Văn Bảo", NULL);
    char *first = NULL;
    const char *const LANGS[] = {"vi", "en", NULL};
    for (size_t i = 0; i < 3; i++) {
        Exemplar__MoveRequest body = EXEMPLAR__MOVE_REQUEST__INIT;
        body.id = n.id;
        body.to = S(RECOGNIZED);
        body.expected_version = n.version;
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        req.request_id = 424242;
        req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
        req.move = &body;
        if (LANGS[i])
            req.language = (char *)LANGS[i];
        Exemplar__Reply *r = NULL;
        int rc = ex_client_call(c, &req, &r);
        itest_require_error(rc, r, EX_ENOMOVE, "a refused move retried in another language");
        if (!first)
            first = strdup(r->error->message);
        else
            assert_string_equal(r->error->message, first);
        ex_reply_free(r);
    }
    if (!strstr(first, "trường hợp đề nghị"))
        fail_msg("the first answer was not the Vietnamese one: %s", first);
    free(first);
    ex_client_destroy(&c);
}

static void the_client_library_refuses_an_unknown_language(void **state)
{
    harness_t *h = *state;
    ex_client_opts_t o = {.endpoint = h->api, .timeout_ms = TIMEOUT_MS, .language = "de"};
    ex_client_t *c = ex_client_new(&o);
    assert_null(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_refusal_comes_in_the_language_of_its_request,
                                        harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(a_retry_in_another_language_gets_the_first_answer,
                                        harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(the_client_library_refuses_an_unknown_language,
                                        harness_setup, harness_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
