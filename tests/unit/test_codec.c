/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the protocol module (proto/): the stable error table and its
 * agreement with wire.proto, the enum names and their parsing, feed topics,
 * and the protobuf encoding of requests and replies as every client sees it
 * (round trips, and truncated or garbage buffers refused).
 */
#include <ctype.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "errors.h"
#include "names.h"
#include "record.pb-c.h"
#include "wire.pb-c.h"

/* "ERROR_NO_SUCH_MOVE" -> "no-such-move": the protocol's spelling of an enum
 * value name from the .proto file, prefix removed. */
static void proto_spelling(const char *enum_name, const char *prefix, char *out, size_t len)
{
    size_t plen = strlen(prefix);
    assert_int_equal(strncmp(enum_name, prefix, plen), 0);
    size_t i = 0;
    for (const char *p = enum_name + plen; *p && i + 1 < len; p++, i++)
        out[i] = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
    out[i] = '\0';
}

/* ---- errors ------------------------------------------------------------- */

/* Codes are numbered in ranges per area (wire.proto); numbers a range has
 * not used yet are "unknown".  The wire enum lists the codes in use. */
static void every_error_code_has_a_distinct_name_and_message(void **state)
{
    (void)state;
    const ProtobufCEnumDescriptor *e = &exemplar__error_code__descriptor;
    for (unsigned ci = 0; ci < e->n_values; ci++) {
        int c = e->values[ci].value;
        const char *name = ex_err_name(c);
        const char *msg = ex_err_message(c);
        assert_non_null(name);
        assert_non_null(msg);
        if (name[0] == '\0' || strcmp(name, "unknown") == 0)
            fail_msg("code %d has no name", c);
        if (msg[0] == '\0')
            fail_msg("code %d has no message", c);
        for (unsigned di = 0; di < ci; di++) {
            int d = e->values[di].value;
            if (strcmp(name, ex_err_name(d)) == 0)
                fail_msg("codes %d and %d share the name %s", d, c, name);
            if (strcmp(msg, ex_err_message(d)) == 0)
                fail_msg("codes %d and %d share the message \"%s\"", d, c, msg);
        }
    }
}

static void error_names_are_the_wire_enum_names(void **state)
{
    (void)state;
    const ProtobufCEnumDescriptor *d = &exemplar__error_code__descriptor;
    unsigned named = 0;
    for (int c = 0; c < EX_ERR_COUNT; c++)
        named += strcmp(ex_err_name(c), "unknown") != 0;
    assert_int_equal(d->n_values, named);
    for (unsigned i = 0; i < d->n_values; i++) {
        char want[64];
        proto_spelling(d->values[i].name, "ERROR_", want, sizeof(want));
        const char *got = ex_err_name(d->values[i].value);
        if (strcmp(got, want) != 0)
            fail_msg("wire.proto's %s (%d) is named \"%s\" in errors.c, expected \"%s\"",
                     d->values[i].name, d->values[i].value, got, want);
    }
}

static void negative_codes_name_the_same_error(void **state)
{
    (void)state;
    for (int c = 1; c < EX_ERR_COUNT; c++) {
        assert_string_equal(ex_err_name(-c), ex_err_name(c));
        assert_string_equal(ex_err_message(-c), ex_err_message(c));
        assert_int_equal(ex_err_exit_status(-c), ex_err_exit_status(c));
    }
}

static void unknown_codes_are_named_unknown(void **state)
{
    (void)state;
    const int unknown[] = {EX_ERR_COUNT, -EX_ERR_COUNT, 1000, -1000, INT_MAX, -INT_MAX};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        assert_string_equal(ex_err_name(unknown[i]), "unknown");
        assert_non_null(ex_err_message(unknown[i]));
        assert_int_equal(ex_err_exit_status(unknown[i]), EXIT_FAILURE_OTHER);
    }
}

/* Error.code comes off the wire: a peer can send any int32, INT_MIN included,
 * and clients look its name up.  Negating INT_MIN is undefined. */
static void int_min_code_is_named_unknown(void **state)
{
    (void)state;
    assert_string_equal(ex_err_name(INT_MIN), "unknown");
    assert_non_null(ex_err_message(INT_MIN));
    assert_int_equal(ex_err_exit_status(INT_MIN), EXIT_FAILURE_OTHER);
}

static void exit_statuses_are_as_documented(void **state)
{
    (void)state;
    static const struct {
        int code, status;
    } want[] = {
        {EX_OK, 0},        {EX_EMALFORMED, 1}, {EX_EPROTOCOL, 1}, {EX_EINVALID, 1},
        {EX_ENOTFOUND, 3}, {EX_ECONFLICT, 4},  {EX_ENOMOVE, 5},   {EX_EREASON, 5},
        {EX_EWINDOW, 5},   {EX_ECRITERIA, 5},  {EX_EPERM, 6},     {EX_EIDREUSE, 1},
        {EX_ETOOBIG, 1},   {EX_EFULL, 8},      {EX_ESTORAGE, 8},  {EX_EUNAVAIL, 7},
        {EX_EINTERNAL, 1}, {EX_EUNIT, 3},      {EX_ECAMPAIGN, 3}, {EX_EEVCONFLICT, 4},
        {EX_ELEASE, 4},
    };
    assert_int_equal(sizeof(want) / sizeof(want[0]), exemplar__error_code__descriptor.n_values);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        int got = ex_err_exit_status(want[i].code);
        if (got != want[i].status)
            fail_msg("%s exits %d, documented %d", ex_err_name(want[i].code), got, want[i].status);
    }
    /* the named constants agree with the numbers README documents */
    assert_int_equal(EXIT_USAGE, 2);
    assert_int_equal(EXIT_NOT_FOUND, 3);
    assert_int_equal(EXIT_CONFLICT, 4);
    assert_int_equal(EXIT_REFUSED, 5);
    assert_int_equal(EXIT_PERMISSION, 6);
    assert_int_equal(EXIT_UNAVAILABLE, 7);
    assert_int_equal(EXIT_STORAGE, 8);
    /* usage is the command line's own status: no protocol error maps to it */
    for (int c = 0; c < EX_ERR_COUNT; c++)
        assert_int_not_equal(ex_err_exit_status(c), EXIT_USAGE);
}

/* ---- names -------------------------------------------------------------- */

typedef const char *(*name_fn)(int);

static const char *state_name(int v)
{
    return ex_state_name((Exemplar__State)v);
}
static const char *kind_name(int v)
{
    return ex_kind_name((Exemplar__Kind)v);
}
static const char *role_name(int v)
{
    return ex_role_name((Exemplar__Role)v);
}
static int state_parse(const char *s)
{
    return (int)ex_state_parse(s);
}
static int kind_parse(const char *s)
{
    return (int)ex_kind_parse(s);
}
static int role_parse(const char *s)
{
    return (int)ex_role_parse(s);
}

/* For every value of the enum but the zero one: the name is the .proto
 * spelling, parses back, and parses in upper case and with '_' too. */
static void check_enum_names(const ProtobufCEnumDescriptor *d, const char *prefix,
                             const char *(*name)(int), int (*parse)(const char *))
{
    for (unsigned i = 0; i < d->n_values; i++) {
        int v = d->values[i].value;
        if (v == 0) {
            assert_null(name(0));
            continue;
        }
        char want[64];
        proto_spelling(d->values[i].name, prefix, want, sizeof(want));
        const char *got = name(v);
        if (!got || strcmp(got, want) != 0)
            fail_msg("%s is named \"%s\", expected \"%s\"", d->values[i].name, got ? got : "(null)",
                     want);
        assert_int_equal(parse(got), v);

        char upper[64], under[64];
        size_t j;
        for (j = 0; got[j] && j + 1 < sizeof(upper); j++) {
            upper[j] = (char)toupper((unsigned char)got[j]);
            under[j] = got[j] == '-' ? '_' : got[j];
        }
        upper[j] = under[j] = '\0';
        assert_int_equal(parse(upper), v);
        assert_int_equal(parse(under), v);
    }
    /* out of range values have no name */
    assert_null(name(-1));
    assert_null(name((int)d->n_values + 7));
    /* unknown, empty, partial and NULL names parse to zero */
    assert_int_equal(parse("bogus"), 0);
    assert_int_equal(parse(""), 0);
    assert_int_equal(parse(NULL), 0);
    const char *first = name(d->values[d->n_values - 1].value);
    char longer[80];
    snprintf(longer, sizeof(longer), "%s-", first);
    assert_int_equal(parse(longer), 0);
    char shorter[80];
    snprintf(shorter, sizeof(shorter), "%.*s", (int)strlen(first) - 1, first);
    assert_int_equal(parse(shorter), 0);
}

static void state_names_round_trip(void **state)
{
    (void)state;
    for (int s = EX_STATE_MIN; s <= EX_STATE_MAX; s++) {
        const char *n = ex_state_name((Exemplar__State)s);
        assert_non_null(n);
        assert_int_equal(ex_state_parse(n), s);
    }
    check_enum_names(&exemplar__state__descriptor, "STATE_", state_name, state_parse);
    assert_int_equal(EX_STATE_MAX - EX_STATE_MIN + 2, exemplar__state__descriptor.n_values);
}

static void state_names_accept_underscore_and_any_case(void **state)
{
    (void)state;
    assert_int_equal(ex_state_parse("unit_reviewed"), EXEMPLAR__STATE__STATE_UNIT_REVIEWED);
    assert_int_equal(ex_state_parse("Ministry-Reviewed"), EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED);
    assert_int_equal(ex_state_parse("NOT_SELECTED"), EXEMPLAR__STATE__STATE_NOT_SELECTED);
    assert_int_equal(ex_state_parse("none"), EXEMPLAR__STATE__STATE_NONE);
    assert_int_equal(ex_state_parse("unitreviewed"), EXEMPLAR__STATE__STATE_NONE);
    assert_int_equal(ex_state_parse("unit reviewed"), EXEMPLAR__STATE__STATE_NONE);
}

static void kind_names_round_trip(void **state)
{
    (void)state;
    check_enum_names(&exemplar__kind__descriptor, "KIND_", kind_name, kind_parse);
    assert_int_equal(ex_kind_parse("Collective"), EXEMPLAR__KIND__KIND_COLLECTIVE);
}

static void role_names_round_trip(void **state)
{
    (void)state;
    check_enum_names(&exemplar__role__descriptor, "ROLE_", role_name, role_parse);
    assert_int_equal(ex_role_parse("unit_officer"), EXEMPLAR__ROLE__ROLE_UNIT_OFFICER);
}

/* Plans, jobs and timers: one table in proto/names.c that the daemon and
 * exemplarctl both read; every value of the .proto enum has its spelling
 * there (a value added to the .proto and not to the table fails here). */
static void check_plain_names(const ProtobufCEnumDescriptor *d, const char *prefix,
                              const char *zero_name, const char *(*name)(int),
                              int (*parse)(const char *))
{
    for (unsigned i = 0; i < d->n_values; i++) {
        int v = d->values[i].value;
        const char *got = name(v);
        if (v == 0) {
            if (zero_name)
                assert_string_equal(got, zero_name);
            else
                assert_null(got);
            continue;
        }
        char want[64];
        proto_spelling(d->values[i].name, prefix, want, sizeof(want));
        if (!got || strcmp(got, want) != 0)
            fail_msg("%s is named \"%s\", expected \"%s\"", d->values[i].name, got ? got : "(null)",
                     want);
        if (parse)
            assert_int_equal(parse(got), v);
    }
    assert_null(name(-1));
    assert_null(name((int)d->n_values + 7));
    if (parse) {
        assert_int_equal(parse("bogus"), 0);
        assert_int_equal(parse(NULL), 0);
    }
}

static const char *plan_state_name(int v)
{
    return ex_plan_state_name((Exemplar__PlanState)v);
}
static const char *job_kind_name(int v)
{
    return ex_job_kind_name((Exemplar__JobKind)v);
}
static const char *job_state_name(int v)
{
    return ex_job_state_name((Exemplar__JobState)v);
}
static const char *timer_state_name(int v)
{
    return ex_timer_state_name((Exemplar__TimerState)v);
}
static int job_kind_parse(const char *s)
{
    return (int)ex_job_kind_parse(s);
}
static int job_state_parse(const char *s)
{
    return (int)ex_job_state_parse(s);
}

static void plan_job_and_timer_names_are_the_proto_spellings(void **state)
{
    (void)state;
    check_plain_names(&exemplar__plan_state__descriptor, "PLAN_", "none", plan_state_name, NULL);
    check_plain_names(&exemplar__job_kind__descriptor, "JOB_", NULL, job_kind_name, job_kind_parse);
    check_plain_names(&exemplar__job_state__descriptor, "JOB_", NULL, job_state_name,
                      job_state_parse);
    check_plain_names(&exemplar__timer_state__descriptor, "TIMER_", NULL, timer_state_name, NULL);
    /* job filters are typed exactly, as they always were */
    assert_int_equal(ex_job_state_parse("PARKED"), 0);
}

/* ---- topics ------------------------------------------------------------- */

static void topic_names_unit_and_target_state(void **state)
{
    (void)state;
    char buf[64];
    int n = ex_topic_format(buf, sizeof(buf), "01", EXEMPLAR__STATE__STATE_RECOGNIZED);
    assert_string_equal(buf, "nomination.01.recognized");
    assert_int_equal(n, (int)strlen("nomination.01.recognized"));

    n = ex_topic_format(buf, sizeof(buf), "79", EXEMPLAR__STATE__STATE_UNIT_REVIEWED);
    assert_string_equal(buf, "nomination.79.unit-reviewed");
    assert_int_equal(n, (int)strlen(buf));
}

static void topic_of_one_unit_does_not_match_a_longer_unit_prefix(void **state)
{
    (void)state;
    char a[64], b[64];
    assert_true(ex_topic_format(a, sizeof(a), "01", EXEMPLAR__STATE__STATE_FOSTERING) > 0);
    assert_true(ex_topic_format(b, sizeof(b), "010", EXEMPLAR__STATE__STATE_FOSTERING) > 0);
    assert_int_equal(strncmp(a, "nomination.01.", strlen("nomination.01.")), 0);
    assert_int_not_equal(strncmp(b, "nomination.01.", strlen("nomination.01.")), 0);
    assert_int_equal(strncmp(a, "nomination.", strlen("nomination.")), 0);
}

static void topic_fits_exactly_or_fails_without_overflow(void **state)
{
    (void)state;
    const char *want = "nomination.01.withdrawn";
    size_t need = strlen(want) + 1;
    struct {
        char buf[64];
        char canary[8];
    } t;

    memset(&t, 'Z', sizeof(t));
    assert_int_equal(ex_topic_format(t.buf, need, "01", EXEMPLAR__STATE__STATE_WITHDRAWN),
                     (int)need - 1);
    assert_string_equal(t.buf, want);

    memset(&t, 'Z', sizeof(t));
    assert_int_equal(ex_topic_format(t.buf, need - 1, "01", EXEMPLAR__STATE__STATE_WITHDRAWN), -1);
    for (size_t i = need - 1; i < sizeof(t.buf); i++)
        assert_int_equal(t.buf[i], 'Z');
    for (size_t i = 0; i < sizeof(t.canary); i++)
        assert_int_equal(t.canary[i], 'Z');
}

static void topic_of_an_unknown_state_says_none(void **state)
{
    (void)state;
    char buf[64];
    assert_true(ex_topic_format(buf, sizeof(buf), "01", (Exemplar__State)42) > 0);
    assert_string_equal(buf, "nomination.01.none");
}

/* ---- protobuf round trips ----------------------------------------------- */

/* Packs a message into a fresh heap buffer. */
static uint8_t *pack_request(const Exemplar__Request *req, size_t *len)
{
    *len = exemplar__request__get_packed_size(req);
    uint8_t *buf = malloc(*len ? *len : 1);
    assert_non_null(buf);
    assert_int_equal(exemplar__request__pack(req, buf), *len);
    return buf;
}

static const char VI_NAME[] = "Phòng Tài nguyên và Môi trường Hà Nội";

static void make_register(Exemplar__Request *req, Exemplar__RegisterRequest *reg)
{
    exemplar__request__init(req);
    exemplar__register_request__init(reg);
    reg->unit = "01";
    reg->kind = EXEMPLAR__KIND__KIND_COLLECTIVE;
    reg->name = (char *)VI_NAME;
    reg->campaign = "2021-2025";
    req->protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req->request_id = 0xfedcba9876543210ull;
    req->body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req->register_ = reg;
}

static void register_request_round_trips(void **state)
{
    (void)state;
    Exemplar__Request req;
    Exemplar__RegisterRequest reg;
    make_register(&req, &reg);
    size_t len;
    uint8_t *buf = pack_request(&req, &len);

    Exemplar__Request *got = exemplar__request__unpack(NULL, len, buf);
    assert_non_null(got);
    assert_int_equal(got->protocol, EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1);
    assert_true(got->request_id == 0xfedcba9876543210ull);
    assert_int_equal(got->body_case, EXEMPLAR__REQUEST__BODY_REGISTER);
    assert_string_equal(got->register_->unit, "01");
    assert_int_equal(got->register_->kind, EXEMPLAR__KIND__KIND_COLLECTIVE);
    assert_string_equal(got->register_->name, VI_NAME);
    assert_string_equal(got->register_->campaign, "2021-2025");

    /* re-encoding the decoded message gives the same bytes */
    size_t len2;
    uint8_t *buf2 = pack_request(got, &len2);
    assert_int_equal(len2, len);
    assert_memory_equal(buf2, buf, len);

    exemplar__request__free_unpacked(got, NULL);
    free(buf2);
    free(buf);
}

static void move_and_list_requests_round_trip(void **state)
{
    (void)state;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__MoveRequest mv = EXEMPLAR__MOVE_REQUEST__INIT;
    mv.id = 1ull << 40;
    mv.to = EXEMPLAR__STATE__STATE_WITHDRAWN;
    mv.expected_version = 0xffffffffffffull;
    mv.reason = "chuyển công tác";
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.request_id = 1;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &mv;
    size_t len;
    uint8_t *buf = pack_request(&req, &len);
    Exemplar__Request *got = exemplar__request__unpack(NULL, len, buf);
    assert_non_null(got);
    assert_int_equal(got->body_case, EXEMPLAR__REQUEST__BODY_MOVE);
    assert_true(got->move->id == 1ull << 40);
    assert_int_equal(got->move->to, EXEMPLAR__STATE__STATE_WITHDRAWN);
    assert_true(got->move->expected_version == 0xffffffffffffull);
    assert_string_equal(got->move->reason, "chuyển công tác");
    exemplar__request__free_unpacked(got, NULL);
    free(buf);

    Exemplar__ListRequest ls = EXEMPLAR__LIST_REQUEST__INIT;
    uint8_t token[] = {0, 1, 2, 0xff, 0};
    ls.state = EXEMPLAR__STATE__STATE_FOSTERING;
    ls.unit = "79";
    ls.campaign = "";
    ls.limit = 2;
    ls.page_token.data = token;
    ls.page_token.len = sizeof(token);
    req.body_case = EXEMPLAR__REQUEST__BODY_LIST;
    req.list = &ls;
    buf = pack_request(&req, &len);
    got = exemplar__request__unpack(NULL, len, buf);
    assert_non_null(got);
    assert_int_equal(got->body_case, EXEMPLAR__REQUEST__BODY_LIST);
    assert_int_equal(got->list->state, EXEMPLAR__STATE__STATE_FOSTERING);
    assert_string_equal(got->list->unit, "79");
    assert_int_equal(got->list->limit, 2);
    assert_int_equal(got->list->page_token.len, sizeof(token));
    assert_memory_equal(got->list->page_token.data, token, sizeof(token));
    exemplar__request__free_unpacked(got, NULL);
    free(buf);
}

static void unknown_enum_numbers_survive_decoding_for_the_daemon_to_refuse(void **state)
{
    (void)state;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__MoveRequest mv = EXEMPLAR__MOVE_REQUEST__INIT;
    mv.id = 1;
    mv.to = (Exemplar__State)42;
    mv.expected_version = 1;
    req.protocol = (Exemplar__ProtocolVersion)99;
    req.request_id = 7;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &mv;
    size_t len;
    uint8_t *buf = pack_request(&req, &len);
    Exemplar__Request *got = exemplar__request__unpack(NULL, len, buf);
    /* proto3 enums are open: the number arrives as sent and validation is
     * the daemon's job (ERROR_PROTOCOL, ERROR_INVALID) */
    assert_non_null(got);
    assert_int_equal(got->protocol, 99);
    assert_int_equal(got->move->to, 42);
    exemplar__request__free_unpacked(got, NULL);
    free(buf);
}

static void truncated_request_fails_to_decode(void **state)
{
    (void)state;
    Exemplar__Request req;
    Exemplar__RegisterRequest reg;
    make_register(&req, &reg);
    size_t len;
    uint8_t *buf = pack_request(&req, &len);

    /* The envelope's scalar fields come first; the body is the last field.
     * A cut anywhere after the body's tag leaves it shorter than its length
     * prefix says, which must not decode. */
    Exemplar__Request head = EXEMPLAR__REQUEST__INIT;
    head.protocol = req.protocol;
    head.request_id = req.request_id;
    size_t head_len = exemplar__request__get_packed_size(&head);
    assert_true(head_len > 0 && head_len + 2 < len);

    for (size_t cut = head_len + 1; cut < len; cut++) {
        uint8_t *copy = malloc(cut);
        assert_non_null(copy);
        memcpy(copy, buf, cut); /* an exact-size copy, so reads past it are caught */
        Exemplar__Request *got = exemplar__request__unpack(NULL, cut, copy);
        if (got) {
            exemplar__request__free_unpacked(got, NULL);
            fail_msg("a request cut to %zu of %zu bytes decoded", cut, len);
        }
        free(copy);
    }
    free(buf);
}

static void garbage_fails_to_decode(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len;
    } garbage[] = {
        {"\xff\xff\xff\xff", 4}, /* a varint tag that never ends */
        {"\x0a\x7f"
         "abc",
         5},                             /* field 1 as a 127-byte string: too short */
        {"\x0f", 1},                     /* wire type 7 does not exist */
        {"\x5a\x05\x0a\x03\x30\x31", 6}, /* register body of length 5, 4 bytes sent */
    };
    for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        Exemplar__Request *got =
            exemplar__request__unpack(NULL, garbage[i].len, (const uint8_t *)garbage[i].bytes);
        if (got) {
            exemplar__request__free_unpacked(got, NULL);
            fail_msg("garbage %zu decoded as a Request", i);
        }
    }
}

static void error_reply_round_trips(void **state)
{
    (void)state;
    Exemplar__Reply rep = EXEMPLAR__REPLY__INIT;
    Exemplar__Error err = EXEMPLAR__ERROR__INIT;
    err.code = EXEMPLAR__ERROR_CODE__ERROR_CONFLICT;
    err.name = (char *)ex_err_name(EX_ECONFLICT);
    err.message = "nomination 3 is at version 4, not 2";
    err.current_version = 4;
    err.current_state = EXEMPLAR__STATE__STATE_UNIT_REVIEWED;
    rep.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    rep.request_id = 99;
    rep.error = &err;

    size_t len = exemplar__reply__get_packed_size(&rep);
    uint8_t *buf = malloc(len);
    assert_non_null(buf);
    assert_int_equal(exemplar__reply__pack(&rep, buf), len);
    Exemplar__Reply *got = exemplar__reply__unpack(NULL, len, buf);
    assert_non_null(got);
    assert_true(got->request_id == 99);
    assert_non_null(got->error);
    assert_int_equal(got->error->code, EX_ECONFLICT);
    assert_string_equal(got->error->name, "conflict");
    assert_string_equal(got->error->message, err.message);
    assert_true(got->error->current_version == 4);
    assert_int_equal(got->error->current_state, EXEMPLAR__STATE__STATE_UNIT_REVIEWED);
    assert_int_equal(got->body_case, EXEMPLAR__REPLY__BODY__NOT_SET);
    exemplar__reply__free_unpacked(got, NULL);
    free(buf);
}

static void history_reply_round_trips_with_its_changes(void **state)
{
    (void)state;
    Exemplar__Change c[3];
    Exemplar__Change *cp[3];
    Exemplar__Actor actor = EXEMPLAR__ACTOR__INIT;
    actor.name = "admin";
    actor.role = EXEMPLAR__ROLE__ROLE_ADMIN;
    for (int i = 0; i < 3; i++) {
        exemplar__change__init(&c[i]);
        c[i].seq = (uint64_t)(10 + i);
        c[i].nomination_id = 5;
        c[i].prev_seq = i ? (uint64_t)(9 + i) : 0;
        c[i].from = (Exemplar__State)i;
        c[i].to = (Exemplar__State)(i + 1);
        c[i].verb = i == 0 ? "register" : i == 1 ? "foster" : "review-unit";
        c[i].version = (uint64_t)(i + 1);
        c[i].actor = &actor;
        c[i].request_id = 0x1234567890abcdefull + (uint64_t)i;
        c[i].unit = "01";
        c[i].campaign = "2021-2025";
        c[i].kind = EXEMPLAR__KIND__KIND_INDIVIDUAL;
        cp[i] = &c[i];
    }
    Exemplar__HistoryReply h = EXEMPLAR__HISTORY_REPLY__INIT;
    h.n_changes = 3;
    h.changes = cp;
    Exemplar__Reply rep = EXEMPLAR__REPLY__INIT;
    rep.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    rep.body_case = EXEMPLAR__REPLY__BODY_HISTORY;
    rep.history = &h;

    size_t len = exemplar__reply__get_packed_size(&rep);
    uint8_t *buf = malloc(len);
    assert_non_null(buf);
    exemplar__reply__pack(&rep, buf);
    Exemplar__Reply *got = exemplar__reply__unpack(NULL, len, buf);
    assert_non_null(got);
    assert_null(got->error);
    assert_int_equal(got->body_case, EXEMPLAR__REPLY__BODY_HISTORY);
    assert_int_equal(got->history->n_changes, 3);
    for (int i = 0; i < 3; i++) {
        const Exemplar__Change *g = got->history->changes[i];
        assert_true(g->seq == (uint64_t)(10 + i));
        assert_true(g->prev_seq == (i ? (uint64_t)(9 + i) : 0));
        assert_int_equal(g->from, i);
        assert_int_equal(g->to, i + 1);
        assert_string_equal(g->verb, c[i].verb);
        assert_true(g->version == (uint64_t)(i + 1));
        assert_string_equal(g->actor->name, "admin");
        assert_true(g->request_id == c[i].request_id);
        assert_string_equal(g->unit, "01");
        assert_int_equal(g->kind, EXEMPLAR__KIND__KIND_INDIVIDUAL);
    }
    exemplar__reply__free_unpacked(got, NULL);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_error_code_has_a_distinct_name_and_message),
        cmocka_unit_test(error_names_are_the_wire_enum_names),
        cmocka_unit_test(negative_codes_name_the_same_error),
        cmocka_unit_test(unknown_codes_are_named_unknown),
        cmocka_unit_test(exit_statuses_are_as_documented),
        cmocka_unit_test(state_names_round_trip),
        cmocka_unit_test(state_names_accept_underscore_and_any_case),
        cmocka_unit_test(kind_names_round_trip),
        cmocka_unit_test(role_names_round_trip),
        cmocka_unit_test(plan_job_and_timer_names_are_the_proto_spellings),
        cmocka_unit_test(topic_names_unit_and_target_state),
        cmocka_unit_test(topic_of_one_unit_does_not_match_a_longer_unit_prefix),
        cmocka_unit_test(topic_fits_exactly_or_fails_without_overflow),
        cmocka_unit_test(topic_of_an_unknown_state_says_none),
        cmocka_unit_test(register_request_round_trips),
        cmocka_unit_test(move_and_list_requests_round_trip),
        cmocka_unit_test(unknown_enum_numbers_survive_decoding_for_the_daemon_to_refuse),
        cmocka_unit_test(truncated_request_fails_to_decode),
        cmocka_unit_test(garbage_fails_to_decode),
        cmocka_unit_test(error_reply_round_trips),
        cmocka_unit_test(history_reply_round_trips_with_its_changes),
        /* last: under UBSan a failure here ends the binary */
        cmocka_unit_test(int_min_code_is_named_unknown),
    };
    return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
