/* SPDX-License-Identifier: MIT */
/*
 * The reply helpers of the request path (daemon/api_call.c): a refusal
 * keeps its sentence and code, a packed reply carries the protocol and the
 * request's id, an error reply decodes to the code's stable name and the
 * default sentence when none is given, and the unit scope check refuses a
 * unit officer outside its unit with a sentence naming only the id.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api_call.h"
#include "errors.h"

static void a_refusal_keeps_its_code_and_sentence(void **state)
{
    (void)state;
    call_t x = {0};
    assert_int_equal(api_refuse(&x, -EX_EINVALID, "limit must be 1-%d", 1000), -EX_EINVALID);
    assert_string_equal(x.why, "limit must be 1-1000");
}

static void a_packed_reply_echoes_the_request_id(void **state)
{
    (void)state;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.request_id = 4242;
    Exemplar__InfoReply info = EXEMPLAR__INFO_REPLY__INIT;
    info.version = "1.0";
    call_t x = {.req = &req};
    Exemplar__Reply init = EXEMPLAR__REPLY__INIT;
    x.reply = init;
    x.reply.body_case = EXEMPLAR__REPLY__BODY_INFO;
    x.reply.info = &info;
    assert_int_equal(api_pack(&x), 0);
    Exemplar__Reply *r = exemplar__reply__unpack(NULL, x.out_len, x.out);
    assert_non_null(r);
    assert_int_equal(r->protocol, EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1);
    assert_int_equal(r->request_id, 4242);
    assert_int_equal(r->body_case, EXEMPLAR__REPLY__BODY_INFO);
    assert_string_equal(r->info->version, "1.0");
    exemplar__reply__free_unpacked(r, NULL);
    free(x.out);
}

static void an_error_reply_names_its_code(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *buf =
        api_call_error_reply(7, -EX_ECONFLICT, NULL, 3, EXEMPLAR__STATE__STATE_FOSTERING, &len);
    assert_non_null(buf);
    Exemplar__Reply *r = exemplar__reply__unpack(NULL, len, buf);
    assert_non_null(r);
    assert_int_equal(r->request_id, 7);
    assert_int_equal(r->error->code, EX_ECONFLICT);
    assert_string_equal(r->error->name, ex_err_name(-EX_ECONFLICT));
    assert_string_equal(r->error->message, ex_err_message(-EX_ECONFLICT));
    assert_int_equal(r->error->current_version, 3);
    assert_int_equal(r->error->current_state, EXEMPLAR__STATE__STATE_FOSTERING);
    exemplar__reply__free_unpacked(r, NULL);
    free(buf);
}

static void a_unit_officer_is_kept_to_its_unit(void **state)
{
    (void)state;
    actor_t officer = {0};
    snprintf(officer.name, sizeof(officer.name), "officer-01");
    snprintf(officer.unit, sizeof(officer.unit), "01");
    officer.role = ROLE_UNIT_OFFICER;
    Exemplar__Nomination n = EXEMPLAR__NOMINATION__INIT;
    n.id = 12;
    n.unit = "79";
    n.name = "a name that must not be revealed";
    call_t x = {.actor = &officer};
    assert_int_equal(api_check_scope(&x, &n, "read"), -EX_EPERM);
    assert_non_null(strstr(x.why, "nomination 12"));
    assert_null(strstr(x.why, n.name));
    n.unit = "01";
    x.why[0] = '\0';
    assert_int_equal(api_check_scope(&x, &n, "read"), 0);
    assert_string_equal(x.why, "");
}

static void a_long_refusal_is_cut_to_its_buffer(void **state)
{
    (void)state;
    call_t x = {0};
    char word[3000];
    memset(word, 'x', sizeof(word) - 1);
    word[sizeof(word) - 1] = '\0';
    assert_int_equal(api_refuse(&x, -EX_ETOOBIG, "%s", word), -EX_ETOOBIG);
    assert_int_equal(strlen(x.why), sizeof(x.why) - 1);
}

static void an_error_reply_keeps_the_sentence_given(void **state)
{
    (void)state;
    size_t len = 0;
    uint8_t *buf = api_call_error_reply(9, -EX_EPERM, "officer-01 acts for unit 01", 0,
                                        EXEMPLAR__STATE__STATE_NONE, &len);
    assert_non_null(buf);
    Exemplar__Reply *r = exemplar__reply__unpack(NULL, len, buf);
    assert_non_null(r);
    assert_int_equal(r->error->code, EX_EPERM);
    assert_string_equal(r->error->message, "officer-01 acts for unit 01");
    /* a refusal that tells no version tells none */
    assert_int_equal(r->error->current_version, 0);
    assert_int_equal(r->error->current_state, EXEMPLAR__STATE__STATE_NONE);
    exemplar__reply__free_unpacked(r, NULL);
    free(buf);
}

static void a_reply_without_a_request_has_no_id(void **state)
{
    (void)state;
    Exemplar__MovesReply moves = EXEMPLAR__MOVES_REPLY__INIT;
    call_t x = {0};
    Exemplar__Reply init = EXEMPLAR__REPLY__INIT;
    x.reply = init;
    x.reply.body_case = EXEMPLAR__REPLY__BODY_MOVES;
    x.reply.moves = &moves;
    assert_int_equal(api_pack(&x), 0);
    Exemplar__Reply *r = exemplar__reply__unpack(NULL, x.out_len, x.out);
    assert_non_null(r);
    assert_int_equal(r->request_id, 0);
    assert_int_equal(r->protocol, EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1);
    exemplar__reply__free_unpacked(r, NULL);
    free(x.out);
}

/* Every role but a unit officer reads every unit; a unit officer its own. */
static void only_a_unit_officer_is_kept_to_a_unit(void **state)
{
    (void)state;
    Exemplar__Nomination n = EXEMPLAR__NOMINATION__INIT;
    n.id = 3;
    n.unit = "79";
    for (int role = ROLE_NONE + 1; role < ROLE_COUNT; role++) {
        actor_t a = {.role = (role_t)role};
        snprintf(a.name, sizeof(a.name), "actor-%d", role);
        snprintf(a.unit, sizeof(a.unit), "01");
        call_t x = {.actor = &a};
        int want = role == ROLE_UNIT_OFFICER ? -EX_EPERM : 0;
        if (api_check_scope(&x, &n, "read") != want)
            fail_msg("role %d: %s", role, x.why);
        assert_int_equal(x.why[0] != '\0', want != 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_refusal_keeps_its_code_and_sentence),
        cmocka_unit_test(a_packed_reply_echoes_the_request_id),
        cmocka_unit_test(an_error_reply_names_its_code),
        cmocka_unit_test(a_unit_officer_is_kept_to_its_unit),
        cmocka_unit_test(a_long_refusal_is_cut_to_its_buffer),
        cmocka_unit_test(an_error_reply_keeps_the_sentence_given),
        cmocka_unit_test(a_reply_without_a_request_has_no_id),
        cmocka_unit_test(only_a_unit_officer_is_kept_to_a_unit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
