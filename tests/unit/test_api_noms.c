/* SPDX-License-Identifier: MIT */
/*
 * The nomination handlers (daemon/api_noms.c) as units: each is called
 * with a call context on a real store with the built-in rules enforced and
 * [rules] today in the 2021-2023 registration window (fixture.h), and the
 * tests read the reply and the store afterwards.  Register, move, get,
 * history and list refuse what they must with their stable codes (never
 * their sentences, which are translated), keep a unit officer to its
 * unit without revealing anything of another unit's nomination, refuse a
 * stale version with the current one, and a refusal writes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api_noms.h"
#include "errors.h"
#include "fixture.h"
#include "key.h"
#include "records.h"

#define STATE(s) EXEMPLAR__STATE__STATE_##s

static const actor_t OFFICER_01 = {.name = "officer-01", .role = ROLE_UNIT_OFFICER, .unit = "01"};
static const actor_t OFFICER_79 = {.name = "officer-79", .role = ROLE_UNIT_OFFICER, .unit = "79"};
static const actor_t READER = {.name = "reader", .role = ROLE_READER};
static const actor_t ADMIN = {.name = "admin", .role = ROLE_ADMIN};

/* ---- requests ------------------------------------------------------------ */

typedef struct {
    const char *unit, *name, *subject, *campaign, *override_reason;
    Exemplar__Kind kind;
} reg_t;

static int do_register(fixture_t *f, const actor_t *a, reg_t r, fixture_reply_t *out)
{
    Exemplar__RegisterRequest b = EXEMPLAR__REGISTER_REQUEST__INIT;
    b.unit = (char *)(r.unit ? r.unit : "01");
    b.name = (char *)(r.name ? r.name : "Phòng Tài nguyên nước");
    b.subject = (char *)(r.subject ? r.subject : "01:PTNN");
    b.campaign = (char *)(r.campaign ? r.campaign : "");
    b.override_reason = (char *)(r.override_reason ? r.override_reason : "");
    b.kind = r.kind ? r.kind : EXEMPLAR__KIND__KIND_COLLECTIVE;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &b;
    return fixture_call(f, api_noms_register, a, &req, out);
}

/* A collective nomination of unit, registered by its officer: its id. */
static uint64_t registered(fixture_t *f, const char *unit, const char *name)
{
    return fixture_register(f, unit, EXEMPLAR__KIND__KIND_COLLECTIVE, name, NULL);
}

static int do_move(fixture_t *f, const actor_t *a, uint64_t id, Exemplar__State to,
                   uint64_t expected, const char *reason, fixture_reply_t *out)
{
    Exemplar__MoveRequest b = EXEMPLAR__MOVE_REQUEST__INIT;
    b.id = id;
    b.to = to;
    b.expected_version = expected;
    b.reason = (char *)(reason ? reason : "");
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &b;
    return fixture_call(f, api_noms_move, a, &req, out);
}

static int do_get(fixture_t *f, const actor_t *a, uint64_t id, fixture_reply_t *out)
{
    Exemplar__GetRequest b = EXEMPLAR__GET_REQUEST__INIT;
    b.id = id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_GET;
    req.get = &b;
    return fixture_call(f, api_noms_get, a, &req, out);
}

static int do_history(fixture_t *f, const actor_t *a, uint64_t id, fixture_reply_t *out)
{
    Exemplar__HistoryRequest b = EXEMPLAR__HISTORY_REQUEST__INIT;
    b.id = id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_HISTORY;
    req.history = &b;
    return fixture_call(f, api_noms_history, a, &req, out);
}

static int do_list(fixture_t *f, const actor_t *a, const Exemplar__ListRequest *b,
                   fixture_reply_t *out)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_LIST;
    req.list = (Exemplar__ListRequest *)b;
    return fixture_call(f, api_noms_list, a, &req, out);
}

/* ---- the store ----------------------------------------------------------- */

static uint64_t stored_count(fixture_t *f)
{
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    uint64_t n = store_count(&t, DB_NOMINATIONS);
    store_txn_abort(&t);
    return n;
}

/* The nomination as stored (free with exemplar__nomination__free_unpacked). */
static Exemplar__Nomination *stored(fixture_t *f, uint64_t id)
{
    store_txn_t t;
    Exemplar__Nomination *n = NULL;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(records_get_nomination(&t, id, &n), 0);
    store_txn_abort(&t);
    return n;
}

/* A refusal: its code, a sentence for the person, and nothing written. */
static void assert_refused(fixture_t *f, int rc, const fixture_reply_t *r, int code, uint64_t noms,
                           const char *what)
{
    fixture_expect(rc, r, code, what);
    assert_int_equal(stored_count(f), noms);
    assert_int_equal(f->counters.nominations, noms);
}

/* ---- register ------------------------------------------------------------ */

static void register_stores_the_nomination_it_answers(void **state)
{
    fixture_t *f = *state;
    fixture_reply_t r;
    assert_int_equal(do_register(f, &OFFICER_01, (reg_t){0}, &r), 0);
    assert_int_equal(r.reply->body_case, EXEMPLAR__REPLY__BODY_NOMINATION);
    const Exemplar__Nomination *n = r.reply->nomination;
    assert_int_equal(n->id, 1);
    assert_int_equal(n->version, 1);
    assert_int_equal(n->state, STATE(REGISTERED));
    assert_string_equal(n->unit, "01");
    assert_string_equal(n->campaign, "2021-2025"); /* the default campaign */
    assert_string_equal(n->period, "2021-2023");   /* the one whose registration is open */
    assert_true(n->unit_name[0] != '\0');          /* from the unit registry */
    assert_string_equal(n->subject, "01:PTNN");
    assert_int_equal(n->created_ms, FIXTURE_REGISTRATION_MS);

    Exemplar__Nomination *s = stored(f, n->id);
    assert_int_equal(s->version, 1);
    assert_int_equal(s->state, STATE(REGISTERED));
    assert_string_equal(s->name, n->name);
    assert_string_equal(s->period, "2021-2023");
    assert_int_equal(s->last_seq, n->last_seq);
    exemplar__nomination__free_unpacked(s, NULL);
    assert_int_equal(f->counters.nominations, 1);
    assert_int_equal(f->counters.last_seq, n->last_seq);
    fixture_reply_free(&r);
}

static void register_normalizes_the_name(void **state)
{
    fixture_t *f = *state;
    fixture_reply_t r;
    /* "Hà" typed with a combining grave accent, and a trailing space */
    assert_int_equal(do_register(f, &OFFICER_01, (reg_t){.name = "Ha\xcc\x80 Nội "}, &r), 0);
    assert_string_equal(r.reply->nomination->name, "Hà Nội");
    fixture_reply_free(&r);
}

static void register_refusals_carry_their_codes(void **state)
{
    fixture_t *f = *state;
    char long_name[300];
    memset(long_name, 'a', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    const struct {
        const char *what;
        const actor_t *actor;
        reg_t r;
        int code;
    } cases[] = {
        {"a unit code with a space", &ADMIN, {.unit = "0 1"}, -EX_EINVALID},
        {"an empty unit code", &ADMIN, {.unit = ""}, -EX_EINVALID},
        {"a campaign id with a slash", &ADMIN, {.campaign = "2021/2025"}, -EX_EINVALID},
        {"a kind that is neither", &OFFICER_01, {.kind = (Exemplar__Kind)99}, -EX_EINVALID},
        {"an empty name", &OFFICER_01, {.name = "   "}, -EX_EINVALID},
        {"a name with a control character", &OFFICER_01, {.name = "a\x01"}, -EX_EINVALID},
        {"a name over 256 bytes", &OFFICER_01, {.name = long_name}, -EX_ETOOBIG},
        {"no subject while rules are enforced", &OFFICER_01, {.subject = ""}, -EX_EINVALID},
        {"another unit's officer", &OFFICER_79, {0}, -EX_EPERM},
        {"a unit officer's override", &OFFICER_01, {.override_reason = "late"}, -EX_EPERM},
        {"a unit code no unit has", &ADMIN, {.unit = "ZZ", .subject = "ZZ:X"}, -EX_EUNIT},
        {"a campaign nobody defined", &ADMIN, {.campaign = "2099-2100"}, -EX_ECAMPAIGN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture_reply_t r;
        int rc = do_register(f, cases[i].actor, cases[i].r, &r);
        assert_refused(f, rc, &r, cases[i].code, 0, cases[i].what);
    }
}

static void register_outside_the_window_needs_an_administrators_override(void **state)
{
    fixture_t *f = *state;
    fixture_today(f, "2021-09-16"); /* the day after the registration window */
    fixture_reply_t r;
    assert_refused(f, do_register(f, &OFFICER_01, (reg_t){0}, &r), &r, -EX_EWINDOW, 0,
                   "registration after the window");
    assert_refused(f, do_register(f, &ADMIN, (reg_t){0}, &r), &r, -EX_EWINDOW, 0,
                   "an administrator's registration after the window");
    assert_int_equal(
        do_register(f, &ADMIN, (reg_t){.override_reason = "the Ministry's letter 12/BTNMT"}, &r),
        0);
    assert_int_equal(r.reply->nomination->state, STATE(REGISTERED));
    assert_int_equal(f->counters.nominations, 1);
    fixture_reply_free(&r);
}

/* ---- move ---------------------------------------------------------------- */

static void move_checks_its_request_before_the_nomination(void **state)
{
    fixture_t *f = *state;
    uint64_t id = registered(f, "01", "Phong A");
    const struct {
        const char *what;
        uint64_t id;
        Exemplar__State to;
        uint64_t expected;
        int code;
    } cases[] = {
        {"a state that does not exist", id, (Exemplar__State)99, 1, -EX_EINVALID},
        {"no expected version", id, STATE(WITHDRAWN), 0, -EX_EINVALID},
        {"no id", 0, STATE(WITHDRAWN), 1, -EX_EINVALID},
        {"an id no nomination has", id + 100, STATE(WITHDRAWN), 1, -EX_ENOTFOUND},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture_reply_t r;
        int rc = do_move(f, &OFFICER_01, cases[i].id, cases[i].to, cases[i].expected, "why", &r);
        assert_refused(f, rc, &r, cases[i].code, 1, cases[i].what);
    }
    Exemplar__Nomination *n = stored(f, id);
    assert_int_equal(n->version, 1);
    assert_int_equal(n->state, STATE(REGISTERED));
    exemplar__nomination__free_unpacked(n, NULL);
}

static void a_stale_version_is_a_conflict_that_tells_the_current_one(void **state)
{
    fixture_t *f = *state;
    uint64_t id = registered(f, "01", "Phong A");
    fixture_reply_t r;
    uint64_t last = f->counters.last_seq;
    assert_int_equal(do_move(f, &OFFICER_01, id, STATE(WITHDRAWN), 7, "merged", &r), -EX_ECONFLICT);
    assert_int_equal(r.current_version, 1);
    assert_int_equal(r.current_state, STATE(REGISTERED));
    assert_int_equal(f->counters.last_seq, last); /* no change was logged */
    Exemplar__Nomination *n = stored(f, id);
    assert_int_equal(n->version, 1);
    exemplar__nomination__free_unpacked(n, NULL);
}

static void another_units_nomination_is_not_revealed(void **state)
{
    fixture_t *f = *state;
    uint64_t id = registered(f, "79", "Phong Bi Mat");
    fixture_reply_t r;
    /* a stale version too: scope comes first, and says nothing of it */
    assert_int_equal(do_move(f, &OFFICER_01, id, STATE(WITHDRAWN), 9, "x", &r), -EX_EPERM);
    assert_int_equal(r.current_version, 0);
    assert_int_equal(r.current_state, STATE(NONE));
    assert_null(strstr(r.why, "Phong Bi Mat"));
    assert_int_equal(do_get(f, &OFFICER_01, id, &r), -EX_EPERM);
    assert_null(strstr(r.why, "Phong Bi Mat"));
    assert_int_equal(do_history(f, &OFFICER_01, id, &r), -EX_EPERM);
    assert_null(strstr(r.why, "Phong Bi Mat"));
    /* its own officer and a reader see it */
    assert_int_equal(do_get(f, &OFFICER_79, id, &r), 0);
    assert_string_equal(r.reply->nomination->name, "Phong Bi Mat");
    fixture_reply_free(&r);
    assert_int_equal(do_get(f, &READER, id, &r), 0);
    fixture_reply_free(&r);
}

static void move_follows_the_table_window_and_reason(void **state)
{
    fixture_t *f = *state;
    uint64_t id = registered(f, "01", "Phong A");
    fixture_reply_t r;
    assert_int_equal(do_move(f, &OFFICER_01, id, STATE(RECOGNIZED), 1, NULL, &r), -EX_ENOMOVE);
    assert_int_equal(do_move(f, &OFFICER_01, id, STATE(FOSTERING), 1, NULL, &r), -EX_EWINDOW);
    assert_int_equal(do_move(f, &OFFICER_01, id, STATE(WITHDRAWN), 1, "", &r), -EX_EREASON);
    assert_int_equal(do_move(f, &READER, id, STATE(WITHDRAWN), 1, "merged", &r), -EX_EPERM);
    Exemplar__Nomination *n = stored(f, id);
    assert_int_equal(n->version, 1);
    exemplar__nomination__free_unpacked(n, NULL);

    fixture_today(f, "2021-10-01"); /* fostering opens */
    assert_int_equal(do_move(f, &OFFICER_01, id, STATE(FOSTERING), 1, NULL, &r), 0);
    assert_int_equal(r.reply->nomination->version, 2);
    assert_int_equal(r.reply->nomination->state, STATE(FOSTERING));
    fixture_reply_free(&r);
    n = stored(f, id);
    assert_int_equal(n->version, 2);
    assert_int_equal(n->state, STATE(FOSTERING));
    exemplar__nomination__free_unpacked(n, NULL);
    /* the same version again is stale now */
    assert_int_equal(do_move(f, &OFFICER_01, id, STATE(WITHDRAWN), 1, "merged", &r), -EX_ECONFLICT);
    assert_int_equal(r.current_version, 2);
    assert_int_equal(r.current_state, STATE(FOSTERING));
}

/* ---- get and history ----------------------------------------------------- */

static void get_refuses_no_id_and_an_unknown_one(void **state)
{
    fixture_t *f = *state;
    fixture_reply_t r;
    assert_int_equal(do_get(f, &READER, 0, &r), -EX_EINVALID);
    assert_int_equal(do_get(f, &READER, 1, &r), -EX_ENOTFOUND);
    assert_int_equal(do_history(f, &READER, 0, &r), -EX_EINVALID);
    assert_int_equal(do_history(f, &READER, 1, &r), -EX_ENOTFOUND);
    assert_false(r.wrote);
}

static void history_lists_the_changes_oldest_first(void **state)
{
    fixture_t *f = *state;
    uint64_t id = registered(f, "01", "Phong A");
    registered(f, "01", "Phong B"); /* another nomination's change between */
    fixture_reply_t r;
    assert_int_equal(do_move(f, &OFFICER_01, id, STATE(WITHDRAWN), 1, "merged into B", &r), 0);
    fixture_reply_free(&r);
    assert_int_equal(do_history(f, &OFFICER_01, id, &r), 0);
    assert_int_equal(r.reply->body_case, EXEMPLAR__REPLY__BODY_HISTORY);
    const Exemplar__HistoryReply *h = r.reply->history;
    assert_int_equal(h->n_changes, 2);
    assert_int_equal(h->changes[0]->nomination_id, id);
    assert_string_equal(h->changes[0]->verb, "register");
    assert_int_equal(h->changes[0]->to, STATE(REGISTERED));
    assert_string_equal(h->changes[1]->verb, "withdraw");
    assert_int_equal(h->changes[1]->from, STATE(REGISTERED));
    assert_int_equal(h->changes[1]->to, STATE(WITHDRAWN));
    assert_string_equal(h->changes[1]->reason, "merged into B");
    assert_string_equal(h->changes[1]->actor->name, "officer-01");
    assert_true(h->changes[0]->seq < h->changes[1]->seq);
    fixture_reply_free(&r);
}

/* ---- list ---------------------------------------------------------------- */

static void list_refusals_carry_their_codes(void **state)
{
    fixture_t *f = *state;
    registered(f, "01", "Phong A");
    uint8_t token[] = {9, 1, 2};
    const struct {
        const char *what;
        const actor_t *actor;
        Exemplar__ListRequest b;
        int code;
    } cases[] = {
        {"a state filter that is no state", &READER, {.state = 99}, -EX_EINVALID},
        {"a unit filter that is no code", &READER, {.unit = "a b"}, -EX_EINVALID},
        {"a campaign filter that is no id", &READER, {.campaign = "a/b"}, -EX_EINVALID},
        {"a limit over 1000", &READER, {.limit = 1001}, -EX_EINVALID},
        {"a time before 1970", &READER, {.as_of_ms = -1}, -EX_EINVALID},
        {"another unit's list", &OFFICER_79, {.unit = "01"}, -EX_EPERM},
        {"a page token of another list",
         &READER,
         {.page_token = {sizeof(token), token}},
         -EX_EINVALID},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Exemplar__ListRequest b = EXEMPLAR__LIST_REQUEST__INIT;
        b.state = cases[i].b.state;
        b.unit = (char *)(cases[i].b.unit ? cases[i].b.unit : "");
        b.campaign = (char *)(cases[i].b.campaign ? cases[i].b.campaign : "");
        b.limit = cases[i].b.limit;
        b.as_of_ms = cases[i].b.as_of_ms;
        b.page_token = cases[i].b.page_token;
        fixture_reply_t r;
        int rc = do_list(f, cases[i].actor, &b, &r);
        assert_refused(f, rc, &r, cases[i].code, 1, cases[i].what);
    }
}

/* The ids of a list reply, in order, into ids; returns how many. */
#define TOKEN_MAX 512

static size_t list_ids(fixture_t *f, const actor_t *a, Exemplar__ListRequest *b, uint64_t *ids,
                       size_t max, Exemplar__ListRequest *next, uint8_t *next_token)
{
    fixture_reply_t r;
    fixture_expect(do_list(f, a, b, &r), &r, 0, "list");
    assert_int_equal(r.reply->body_case, EXEMPLAR__REPLY__BODY_LIST);
    const Exemplar__ListReply *l = r.reply->list;
    assert_true(l->n_nominations <= max);
    for (size_t i = 0; i < l->n_nominations; i++)
        ids[i] = l->nominations[i]->id;
    size_t n = l->n_nominations;
    if (next) {
        /* the next page: the same filters and the reply's token (kept in
         * next_token, TOKEN_MAX bytes) */
        assert_true(l->next_page_token.len <= TOKEN_MAX);
        if (l->next_page_token.len)
            memcpy(next_token, l->next_page_token.data, l->next_page_token.len);
        *next = *b;
        next->page_token.data = next_token;
        next->page_token.len = l->next_page_token.len;
    }
    fixture_reply_free(&r);
    return n;
}

static void list_keeps_a_unit_officer_to_its_unit(void **state)
{
    fixture_t *f = *state;
    uint64_t a = registered(f, "01", "Phong A");
    uint64_t b = registered(f, "79", "Phong B");
    uint64_t c = registered(f, "01", "Phong C");
    uint64_t ids[8];
    Exemplar__ListRequest all = EXEMPLAR__LIST_REQUEST__INIT;
    assert_int_equal(list_ids(f, &READER, &all, ids, 8, NULL, NULL), 3);
    assert_int_equal(ids[0], a);
    assert_int_equal(ids[1], b);
    assert_int_equal(ids[2], c);
    assert_int_equal(list_ids(f, &OFFICER_01, &all, ids, 8, NULL, NULL), 2);
    assert_int_equal(ids[0], a);
    assert_int_equal(ids[1], c);
    Exemplar__ListRequest by_unit = EXEMPLAR__LIST_REQUEST__INIT;
    by_unit.unit = "79";
    assert_int_equal(list_ids(f, &OFFICER_79, &by_unit, ids, 8, NULL, NULL), 1);
    assert_int_equal(ids[0], b);
}

static void list_pages_with_the_token_of_the_reply(void **state)
{
    fixture_t *f = *state;
    uint64_t a = registered(f, "01", "Phong A");
    uint64_t b = registered(f, "01", "Phong B");
    uint64_t c = registered(f, "01", "Phong C");
    fixture_reply_t r;
    assert_int_equal(do_move(f, &OFFICER_01, b, STATE(WITHDRAWN), 1, "merged", &r), 0);
    fixture_reply_free(&r);
    uint64_t ids[4];
    uint8_t token2[TOKEN_MAX], token3[TOKEN_MAX];
    /* every unit 01 nomination, two a page */
    Exemplar__ListRequest p1 = EXEMPLAR__LIST_REQUEST__INIT, p2, p3;
    p1.unit = "01";
    p1.limit = 2;
    assert_int_equal(list_ids(f, &READER, &p1, ids, 4, &p2, token2), 2);
    assert_int_equal(ids[0], a);
    assert_int_equal(ids[1], b);
    assert_true(p2.page_token.len > 0);
    assert_int_equal(list_ids(f, &READER, &p2, ids, 4, &p3, token3), 1);
    assert_int_equal(ids[0], c);
    assert_int_equal(p3.page_token.len, 0); /* the last page */
    /* a token is bound to its filters */
    Exemplar__ListRequest other = p2;
    other.unit = "";
    assert_int_equal(do_list(f, &READER, &other, &r), -EX_EINVALID);
    /* by state: the registered ones only */
    Exemplar__ListRequest reg = EXEMPLAR__LIST_REQUEST__INIT;
    reg.state = STATE(REGISTERED);
    assert_int_equal(list_ids(f, &READER, &reg, ids, 4, NULL, NULL), 2);
    assert_int_equal(ids[0], a);
    assert_int_equal(ids[1], c);
}

/* A page in the index's order carries each stored record as it is (no
 * decode and re-encode): what get answers, field for field, byte for byte;
 * the filters read from the record (state, unit, campaign) and the
 * by-state index's stale entries keep working on it. */
static void list_page_carries_the_stored_records_as_they_are(void **state)
{
    fixture_t *f = *state;
    uint64_t a = registered(f, "01", "Phòng Tài nguyên");
    uint64_t b = registered(f, "79", "Phong B");
    fixture_reply_t r, g;
    assert_int_equal(do_move(f, &OFFICER_01, a, STATE(WITHDRAWN), 1, "merged", &r), 0);
    fixture_reply_free(&r);
    Exemplar__ListRequest all = EXEMPLAR__LIST_REQUEST__INIT;
    fixture_expect(do_list(f, &READER, &all, &r), &r, 0, "list");
    assert_int_equal(r.reply->list->n_nominations, 2);
    assert_int_equal(r.reply->list->next_page_token.len, 0);
    for (size_t i = 0; i < 2; i++) {
        const Exemplar__Nomination *n = r.reply->list->nominations[i];
        fixture_expect(do_get(f, &READER, n->id, &g), &g, 0, "get");
        size_t l1 = 0, l2 = 0;
        uint8_t *p1 = records_pack(&n->base, &l1),
                *p2 = records_pack(&g.reply->nomination->base, &l2);
        assert_non_null(p1);
        assert_non_null(p2);
        assert_int_equal(l1, l2);
        assert_memory_equal(p1, p2, l1);
        free(p1);
        free(p2);
        fixture_reply_free(&g);
    }
    assert_int_equal(r.reply->list->nominations[0]->state, STATE(WITHDRAWN));
    assert_string_equal(r.reply->list->nominations[0]->name, "Phòng Tài nguyên");
    fixture_reply_free(&r);

    uint64_t ids[4];
    /* the stale REGISTERED entry of a is skipped; b's campaign is the default */
    Exemplar__ListRequest reg = EXEMPLAR__LIST_REQUEST__INIT;
    reg.state = STATE(REGISTERED);
    assert_int_equal(list_ids(f, &READER, &reg, ids, 4, NULL, NULL), 1);
    assert_int_equal(ids[0], b);
    reg.campaign = (char *)f->cfg.default_campaign;
    assert_int_equal(list_ids(f, &READER, &reg, ids, 4, NULL, NULL), 1);
    /* every nomination of a campaign, of a unit, of a state: read from the record */
    Exemplar__ListRequest some = EXEMPLAR__LIST_REQUEST__INIT;
    some.campaign = "1990-1995";
    assert_int_equal(list_ids(f, &READER, &some, ids, 4, NULL, NULL), 0);
    some.campaign = (char *)f->cfg.default_campaign;
    assert_int_equal(list_ids(f, &READER, &some, ids, 4, NULL, NULL), 2);
    some.unit = "79";
    assert_int_equal(list_ids(f, &READER, &some, ids, 4, NULL, NULL), 1);
    assert_int_equal(ids[0], b);
    some.unit = "99"; /* an empty index range: an empty last page */
    assert_int_equal(list_ids(f, &READER, &some, ids, 4, NULL, NULL), 0);
    /* pages of one: the last ends the list */
    Exemplar__ListRequest p1 = EXEMPLAR__LIST_REQUEST__INIT, p2, p3;
    uint8_t t2[TOKEN_MAX], t3[TOKEN_MAX];
    p1.limit = 1;
    assert_int_equal(list_ids(f, &READER, &p1, ids, 4, &p2, t2), 1);
    assert_int_equal(ids[0], a);
    assert_true(p2.page_token.len > 0);
    assert_int_equal(list_ids(f, &READER, &p2, ids, 4, &p3, t3), 1);
    assert_int_equal(ids[0], b);
    assert_int_equal(p3.page_token.len, 0);
}

/* A record that does not decode is a storage error, not a short page. */
static void list_refuses_a_damaged_record(void **state)
{
    fixture_t *f = *state;
    uint64_t a = registered(f, "01", "Phong A");
    store_txn_t t;
    uint8_t key[8];
    key_put_u64(key, a);
    static const uint8_t torn[] = {0x08, 0x01, 0x2a, 0x40, 'x'}; /* unit: 64 bytes, 1 there */
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    store_put(&t, DB_NOMINATIONS, key, sizeof(key), torn, sizeof(torn));
    assert_int_equal(store_txn_commit(&t), 0);
    Exemplar__ListRequest all = EXEMPLAR__LIST_REQUEST__INIT;
    fixture_reply_t r;
    assert_int_equal(do_list(f, &READER, &all, &r), -EX_ESTORAGE);
    Exemplar__ListRequest by_unit = EXEMPLAR__LIST_REQUEST__INIT;
    by_unit.unit = "01";
    assert_int_equal(do_list(f, &OFFICER_01, &by_unit, &r), -EX_ESTORAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(register_stores_the_nomination_it_answers,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(register_normalizes_the_name, fixture_setup_registration,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(register_refusals_carry_their_codes,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            register_outside_the_window_needs_an_administrators_override,
            fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(move_checks_its_request_before_the_nomination,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_stale_version_is_a_conflict_that_tells_the_current_one,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(another_units_nomination_is_not_revealed,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(move_follows_the_table_window_and_reason,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(get_refuses_no_id_and_an_unknown_one,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(history_lists_the_changes_oldest_first,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(list_refusals_carry_their_codes, fixture_setup_registration,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(list_keeps_a_unit_officer_to_its_unit,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(list_pages_with_the_token_of_the_reply,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(list_page_carries_the_stored_records_as_they_are,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(list_refuses_a_damaged_record, fixture_setup_registration,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
