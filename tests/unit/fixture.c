/* SPDX-License-Identifier: MIT */
/*
 * The unit tests' temporary store and handler calls (see fixture.h).
 */
#include "fixture.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include <cmocka.h>

#include "api_noms.h"
#include "errors.h"
#include "nomwrite.h"
#include "records.h"
#include "tmpdir.h"

#define FIXTURE_MAP_SIZE (1u << 20)
#define FIXTURE_MAP_MAX  (1ull << 30)

void fixture_open_sized(fixture_t *f, uint64_t map_size, uint64_t map_max)
{
    char err[256] = "";
    memset(f, 0, sizeof(*f));
    /* The program's name in the directory's: a leftover says whose it is. */
    snprintf(f->dir, sizeof(f->dir), "/tmp/ex-%.32s-XXXXXX", program_invocation_short_name);
    if (!mkdtemp(f->dir))
        fail_msg("mkdtemp(%s): %s", f->dir, strerror(errno));
    if (store_open(f->dir, map_size, map_max, &f->store, err, sizeof(err)) < 0)
        fail_msg("store_open(%s): %s", f->dir, err);
    config_defaults(&f->cfg);
    snprintf(f->cfg.state_dir, sizeof(f->cfg.state_dir), "%s", f->dir);
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(records_load_counters(&t, &f->counters), 0);
    store_txn_abort(&t);
}

void fixture_open(fixture_t *f)
{
    fixture_open_sized(f, FIXTURE_MAP_SIZE, FIXTURE_MAP_MAX);
}

void fixture_set(fixture_t *f, const char *section, const char *key, const char *value)
{
    char err[256] = "";
    if (config_set(&f->cfg, section, key, value, err, sizeof(err)) < 0)
        fail_msg("config_set([%s] %s = %s): %s", section, key, value, err);
}

void fixture_rules(fixture_t *f)
{
    char err[512] = "";
    rules_destroy(&f->rules);
    f->rules = rules_new(&f->cfg, f->store, err, sizeof(err));
    if (!f->rules)
        fail_msg("rules_new: %s", err);
}

void fixture_today(fixture_t *f, const char *day)
{
    fixture_set(f, "rules", "today", day);
    fixture_rules(f);
}

void fixture_outbox(fixture_t *f)
{
    char err[256] = "", feed[128];
    f->zmq = zmq_ctx_new();
    assert_non_null(f->zmq);
    snprintf(feed, sizeof(feed), "ipc://%s/feed", f->dir);
    f->outbox = outbox_new(f->zmq, feed, err, sizeof(err));
    if (!f->outbox)
        fail_msg("outbox_new(%s): %s", feed, err);
}

void fixture_close(fixture_t *f)
{
    rules_destroy(&f->rules);
    outbox_destroy(&f->outbox);
    if (f->zmq)
        zmq_ctx_term(f->zmq);
    f->zmq = NULL;
    store_close(&f->store);
    if (f->dir[0])
        tmpdir_remove(f->dir);
    f->dir[0] = '\0';
}

int fixture_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    fixture_open(f);
    *state = f;
    return 0;
}

int fixture_setup_rules(void **state)
{
    fixture_setup(state);
    fixture_rules(*state);
    return 0;
}

int fixture_setup_registration(void **state)
{
    fixture_setup(state);
    fixture_t *f = *state;
    fixture_today(f, FIXTURE_REGISTRATION_DAY);
    f->now_ms = FIXTURE_REGISTRATION_MS;
    return 0;
}

int fixture_teardown(void **state)
{
    fixture_t *f = *state;
    fixture_close(f);
    free(f);
    return 0;
}

actor_t fixture_actor(role_t role, const char *name, const char *unit)
{
    actor_t a = {.role = role};
    snprintf(a.name, sizeof(a.name), "%s", name);
    snprintf(a.unit, sizeof(a.unit), "%s", unit ? unit : "");
    return a;
}

int fixture_call(fixture_t *f, fixture_handler_fn *h, const actor_t *actor, Exemplar__Request *req,
                 fixture_reply_t *out)
{
    static uint64_t next_id = 1; /* request ids, never 0 (a write needs one) */
    memset(out, 0, sizeof(*out));
    req->protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    if (!req->request_id)
        req->request_id = next_id++;
    size_t len = 0;
    uint8_t *wire = records_pack(&req->base, &len);
    assert_non_null(wire);
    Exemplar__Request *sent = exemplar__request__unpack(NULL, len, wire);
    free(wire);
    assert_non_null(sent);

    store_txn_t txn;
    nomwrite_batch_t nw;
    assert_int_equal(store_txn_begin(f->store, true, &txn), 0);
    nomwrite_batch_init(&nw, &txn, f->outbox, &f->counters);
    call_t x = {
        .txn = &txn,
        .nw = &nw,
        .cfg = &f->cfg,
        .rules = f->rules,
        .outbox = f->outbox,
        .req = sent,
        .actor = actor,
        .now_ms = f->now_ms,
    };
    Exemplar__Reply init = EXEMPLAR__REPLY__INIT;
    x.reply = init;
    out->rc = h(&x);
    out->wrote = x.wrote;
    if (out->rc == 0) {
        assert_non_null(x.out);
        out->reply = exemplar__reply__unpack(NULL, x.out_len, x.out);
        assert_non_null(out->reply);
    } else {
        snprintf(out->why, sizeof(out->why), "%s", x.why);
        out->current_version = x.current_version;
        out->current_state = x.current_state;
    }
    free(x.out);
    /* As the batch does: what the call wrote commits, refused or not. */
    if (txn.rc == 0) {
        assert_int_equal(store_txn_commit(&txn), 0);
        nomwrite_batch_apply(&nw);
        if (f->outbox)
            outbox_publish(f->outbox);
    } else {
        int rc = txn.rc;
        store_txn_abort(&txn);
        nomwrite_batch_discard(&nw);
        if (f->outbox)
            outbox_discard(f->outbox);
        if (out->rc == 0)
            fail_msg("the handler answered but its transaction failed (%s)", ex_err_name(rc));
    }
    exemplar__request__free_unpacked(sent, NULL);
    return out->rc;
}

void fixture_reply_free(fixture_reply_t *r)
{
    if (r->reply)
        exemplar__reply__free_unpacked(r->reply, NULL);
    r->reply = NULL;
}

void fixture_expect(int rc, const fixture_reply_t *r, int code, const char *what)
{
    assert_int_equal(rc, r->rc);
    if (r->rc != code)
        fail_msg("%s: %s (%s), expected %s", what, r->rc ? ex_err_name(r->rc) : "answered", r->why,
                 code ? ex_err_name(code) : "an answer");
    if (code < 0) {
        assert_null(r->reply);
        if (!r->why[0])
            fail_msg("%s: refused without a sentence", what);
    }
}

uint64_t fixture_register(fixture_t *f, const char *unit, Exemplar__Kind kind, const char *name,
                          const char *subject)
{
    static unsigned made; /* subjects are ids of ASCII: one per nomination */
    char own[64];
    if (!subject) {
        snprintf(own, sizeof(own), "%s:S%u", unit, ++made);
        subject = own;
    }
    actor_t officer = fixture_actor(ROLE_UNIT_OFFICER, "officer", unit);
    Exemplar__RegisterRequest b = EXEMPLAR__REGISTER_REQUEST__INIT;
    b.unit = (char *)unit;
    b.kind = kind;
    b.name = (char *)name;
    b.subject = (char *)subject;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &b;
    fixture_reply_t r;
    fixture_expect(fixture_call(f, api_noms_register, &officer, &req, &r), &r, 0, name);
    uint64_t id = r.reply->nomination->id;
    fixture_reply_free(&r);
    return id;
}
