/* SPDX-License-Identifier: MIT */
/*
 * The operator tools against the real daemon (issue 8): fsck on a clean
 * store; a store the test damages itself (daemon stopped, the LMDB
 * environment opened with the lmdb library, index entries deleted or put
 * wrong, daemon started again) is reported and repaired; a damaged change
 * log is reported and left for a restore.  exemplarctl's exit status is
 * checked too: 0 clean, 1 problems.
 */
#include <inttypes.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

enum { TIMEOUT_MS = 20000 };

#define S(x) EXEMPLAR__STATE__STATE_##x

/* One FsckRequest; the reply must be a FsckReply. */
static Exemplar__Reply *fsck(harness_t *h, bool repair)
{
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    Exemplar__FsckRequest body = EXEMPLAR__FSCK_REQUEST__INIT;
    body.repair = repair;
    body.max_problems = 100;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_FSCK;
    req.fsck = &body;
    Exemplar__Reply *r = NULL;
    int rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "fsck");
    assert_int_equal(r->body_case, EXEMPLAR__REPLY__BODY_FSCK);
    ex_client_destroy(&c);
    return r;
}

static bool has_problem(const Exemplar__FsckReply *f, const char *text)
{
    for (size_t i = 0; i < f->n_problem_list; i++)
        if (strstr(f->problem_list[i], text))
            return true;
    return false;
}

static void print_problems(const Exemplar__FsckReply *f)
{
    for (size_t i = 0; i < f->n_problem_list; i++)
        print_message("fsck: %s\n", f->problem_list[i]);
}

/* exemplarctl fsck's exit status. */
static int ctl_fsck(harness_t *h, bool repair)
{
    char out[8192];
    const char *argv[] = {EXEMPLARCTL_PATH,           "--api", h->api, "fsck",
                          repair ? "--repair" : NULL, NULL};
    return harness_run(argv, out, sizeof(out));
}

/* ---- direct access to the stopped daemon's environment ------------------ */

typedef struct {
    MDB_env *env;
    MDB_txn *txn;
} env_t;

static void env_open(env_t *e, const harness_t *h)
{
    assert_int_equal(mdb_env_create(&e->env), 0);
    assert_int_equal(mdb_env_set_maxdbs(e->env, 32), 0);
    assert_int_equal(mdb_env_open(e->env, h->dir, 0, 0640), 0);
    assert_int_equal(mdb_txn_begin(e->env, NULL, 0, &e->txn), 0);
}

static MDB_dbi env_db(env_t *e, const char *name)
{
    MDB_dbi dbi;
    assert_int_equal(mdb_dbi_open(e->txn, name, 0, &dbi), 0);
    return dbi;
}

static void env_close(env_t *e)
{
    assert_int_equal(mdb_txn_commit(e->txn), 0);
    mdb_env_close(e->env);
}

static void put_u64(uint8_t *out, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[i] = (uint8_t)v;
}

/* by_unit: unit NUL id; by_state: state campaign NUL seq (daemon/key.h). */
static size_t unit_key(uint8_t *out, const char *unit, uint64_t id)
{
    size_t n = strlen(unit);
    memcpy(out, unit, n + 1);
    put_u64(out + n + 1, id);
    return n + 9;
}

static size_t state_key(uint8_t *out, Exemplar__State s, const char *campaign, uint64_t seq)
{
    size_t n = strlen(campaign);
    out[0] = (uint8_t)s;
    memcpy(out + 1, campaign, n + 1);
    put_u64(out + 2 + n, seq);
    return n + 10;
}

/* ---- tests ----------------------------------------------------------------- */

static void clean_store_passes(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    for (int i = 0; i < 6; i++) {
        nom_t n = itest_register(c, i % 2 ? "01" : "02", "Tập thể", NULL);
        if (i < 4)
            n = itest_move(c, &n, S(FOSTERING), NULL);
        if (i < 2)
            itest_move(c, &n, S(WITHDRAWN), "rút");
    }
    ex_client_destroy(&c);
    Exemplar__Reply *r = fsck(h, false);
    const Exemplar__FsckReply *f = r->fsck;
    print_problems(f);
    assert_true(f->problems == 0);
    assert_true(f->nominations == 6);
    assert_true(f->changes == 12 && f->last_seq == 12);
    assert_true(f->by_unit_entries == 6);
    /* one live entry each; the rest are stale (housekeeping may have swept some) */
    assert_true(f->by_state_entries == 6 + f->by_state_stale);
    assert_true(f->by_state_stale <= 6);
    assert_false(f->repaired);
    ex_reply_free(r);
    assert_int_equal(ctl_fsck(h, false), 0);
}

static void damaged_indexes_are_reported_and_repaired(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t a = itest_register(c, "01", "Một", NULL);
    nom_t b = itest_register(c, "02", "Hai", NULL);
    itest_register(c, "02", "Ba", NULL);
    a = itest_move(c, &a, S(FOSTERING), NULL);
    ex_client_destroy(&c);
    assert_int_equal(harness_stop(h), 0);

    env_t e;
    env_open(&e, h);
    MDB_dbi by_unit = env_db(&e, "by_unit"), by_state = env_db(&e, "by_state");
    uint8_t key[64], id[8];
    /* b loses its by_unit entry */
    MDB_val k = {unit_key(key, "02", b.id), key};
    assert_int_equal(mdb_del(e.txn, by_unit, &k, NULL), 0);
    /* a gets a second live by_state entry, under a campaign not its own */
    k.mv_size = state_key(key, S(FOSTERING), "khac", a.last_seq);
    put_u64(id, a.id);
    MDB_val v = {sizeof(id), id};
    assert_int_equal(mdb_put(e.txn, by_state, &k, &v, 0), 0);
    /* an entry naming a nomination that does not exist */
    k.mv_size = state_key(key, S(REGISTERED), "2021-2025", 999);
    put_u64(id, 4242);
    assert_int_equal(mdb_put(e.txn, by_state, &k, &v, 0), 0);
    /* a by_unit entry naming a nomination of another unit */
    k.mv_size = unit_key(key, "03", a.id);
    MDB_val empty = {0, ""};
    assert_int_equal(mdb_put(e.txn, by_unit, &k, &empty, 0), 0);
    env_close(&e);
    assert_int_equal(harness_restart(h), 0);

    Exemplar__Reply *r = fsck(h, false);
    const Exemplar__FsckReply *f = r->fsck;
    print_problems(f);
    assert_true(f->problems == 5);
    char want[128];
    snprintf(want, sizeof(want), "nomination %" PRIu64 " of unit 02 has 0 by_unit entries", b.id);
    assert_true(has_problem(f, want));
    snprintf(want, sizeof(want), "nomination %" PRIu64 " (fostering) has 2 live by_state", a.id);
    assert_true(has_problem(f, want));
    assert_true(has_problem(f, "under another campaign than its own (2021-2025)"));
    assert_true(has_problem(f, "names nomination 4242, which does not exist"));
    snprintf(want, sizeof(want), "by_unit entry of unit 03 names nomination %" PRIu64, a.id);
    assert_true(has_problem(f, want));
    ex_reply_free(r);
    assert_int_equal(ctl_fsck(h, false), 1);

    assert_int_equal(ctl_fsck(h, true), 0);
    r = fsck(h, false);
    print_problems(r->fsck);
    assert_true(r->fsck->problems == 0);
    assert_true(r->fsck->by_state_entries == 3 && r->fsck->by_state_stale == 0);
    assert_true(r->fsck->by_unit_entries == 3);
    ex_reply_free(r);

    /* the lists read the rebuilt indexes */
    c = harness_client(h, TIMEOUT_MS);
    uint64_t ids[8];
    ex_list_filter_t unit02 = {.unit = "02"};
    assert_int_equal(itest_list_ids(c, &unit02, ids, 8, 5), 2);
    ex_list_filter_t fostering = {.state = S(FOSTERING)};
    assert_int_equal(itest_list_ids(c, &fostering, ids, 8, 5), 1);
    assert_true(ids[0] == a.id);
    ex_client_destroy(&c);
}

static void damaged_change_log_is_reported_not_repaired(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t a = itest_register(c, "01", "Một", NULL);
    nom_t m = itest_move(c, &a, S(FOSTERING), NULL);
    itest_register(c, "01", "Hai", NULL);
    ex_client_destroy(&c);
    assert_int_equal(harness_stop(h), 0);

    env_t e;
    env_open(&e, h);
    MDB_dbi changes = env_db(&e, "changes");
    uint8_t key[8];
    put_u64(key, m.last_seq);
    MDB_val k = {sizeof(key), key};
    assert_int_equal(mdb_del(e.txn, changes, &k, NULL), 0);
    env_close(&e);
    assert_int_equal(harness_restart(h), 0);

    Exemplar__Reply *r = fsck(h, true);
    const Exemplar__FsckReply *f = r->fsck;
    print_problems(f);
    char want[128];
    snprintf(want, sizeof(want), "gap: change %" PRIu64 " is missing", m.last_seq);
    assert_true(has_problem(f, want));
    snprintf(want, sizeof(want), "refers to change %" PRIu64 ", which does not exist", m.last_seq);
    assert_true(has_problem(f, want));
    assert_true(f->problems == 2);
    assert_true(f->repaired);
    assert_true(f->problems_after_repair == 2);
    ex_reply_free(r);
    assert_int_equal(ctl_fsck(h, false), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(clean_store_passes, harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(damaged_indexes_are_reported_and_repaired, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(damaged_change_log_is_reported_not_repaired, harness_setup,
                                        harness_teardown),
    };
    return cmocka_run_group_tests_name("ops", tests, NULL, NULL);
}
