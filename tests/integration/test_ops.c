/* SPDX-License-Identifier: MIT */
/*
 * The operator tools against the real daemon: fsck on a clean
 * store; a store the test damages itself (daemon stopped, the LMDB
 * environment opened with the lmdb library, index entries deleted or put
 * wrong, daemon started again) is reported and repaired; a damaged change
 * log is reported and left for a restore, by the daemon and offline by
 * `exemplard --fsck` (refused while a daemon serves).  exemplarctl's exit status is
 * checked too: 0 clean, 1 problems.  Lists as of past instants (the at_ms of
 * each change, no sleeping) against the change log read back as the oracle.
 * Stats: nominations by state, request and batch counters and commit
 * latency percentiles exist and move with the requests made.
 */
#include <inttypes.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

    /* The daemon's own checks, offline on the stopped store: the same
     * problems, exit 1; refused while a daemon serves it (exit 4). */
    char out[8192], want[128];
    snprintf(want, sizeof(want), "gap: change %" PRIu64 " is missing", m.last_seq);
    const char *offline[] = {EXEMPLARD_PATH, "--fsck", "--state-dir", h->dir, NULL};
    /* offline, exemplard speaks the environment's language, else the
     * configured one (vi by default): these are English sentences */
    setenv("LANGUAGE", "en", 1);
    assert_int_equal(harness_run(offline, out, sizeof(out)), 1);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "2 problems"));
    /* and in the person's language: the problems' sentences too */
    setenv("LANGUAGE", "vi", 1);
    assert_int_equal(harness_run(offline, out, sizeof(out)), 1);
    setenv("LANGUAGE", "en", 1);
    char vi[128];
    snprintf(vi, sizeof(vi), "thiếu thay đổi số %" PRIu64, m.last_seq);
    assert_non_null(strstr(out, vi));
    assert_non_null(strstr(out, "2 lỗi"));
    assert_int_equal(harness_restart(h), 0);
    assert_int_equal(harness_run(offline, out, sizeof(out)), 4);
    assert_non_null(strstr(out, "exemplard.lock"));

    Exemplar__Reply *r = fsck(h, true);
    const Exemplar__FsckReply *f = r->fsck;
    print_problems(f);
    assert_true(has_problem(f, want));
    snprintf(want, sizeof(want), "refers to change %" PRIu64 ", which does not exist", m.last_seq);
    assert_true(has_problem(f, want));
    assert_true(f->problems == 2);
    assert_true(f->repaired);
    assert_true(f->problems_after_repair == 2);
    ex_reply_free(r);
    assert_int_equal(ctl_fsck(h, false), 1);
}

/* ---- as-of ---------------------------------------------------------------- */

enum { AS_OF_MAX = 16 };

typedef struct {
    bool exists;
    Exemplar__State state;
    uint64_t version, last_seq;
    int64_t updated_ms;
} past_t;

/* The oracle: each nomination's last change at or before t in the log. */
static void expected_at(const Exemplar__ChangesReply *log, int64_t t, past_t *past)
{
    memset(past, 0, AS_OF_MAX * sizeof(*past));
    for (size_t i = 0; i < log->n_changes; i++) {
        const Exemplar__Change *ch = log->changes[i];
        assert_true(ch->nomination_id < AS_OF_MAX);
        if (ch->at_ms > t)
            continue;
        past_t *p = &past[ch->nomination_id];
        *p = (past_t){true, ch->to, ch->version, ch->seq, ch->at_ms};
    }
}

/* The daemon's answer, paged two at a time, checked against the oracle. */
static void require_as_of(ex_client_t *c, const Exemplar__ChangesReply *log, int64_t t,
                          Exemplar__State filter)
{
    past_t past[AS_OF_MAX];
    expected_at(log, t, past);
    bool seen[AS_OF_MAX] = {false};
    uint8_t token[64];
    ex_list_filter_t f = {.state = filter, .limit = 2, .as_of_ms = t};
    do {
        Exemplar__Reply *r = NULL;
        int rc = ex_list(c, &f, &r);
        itest_require_ok(rc, r, "list as of");
        for (size_t i = 0; i < r->list->n_nominations; i++) {
            const Exemplar__Nomination *n = r->list->nominations[i];
            assert_true(n->id < AS_OF_MAX && past[n->id].exists && !seen[n->id]);
            seen[n->id] = true;
            if (n->state != past[n->id].state || n->version != past[n->id].version ||
                n->last_seq != past[n->id].last_seq || n->updated_ms != past[n->id].updated_ms)
                fail_msg("as of %" PRId64 ": nomination %" PRIu64 " is %d v%" PRIu64
                         " (change %" PRIu64 "), expected %d v%" PRIu64 " (change %" PRIu64 ")",
                         t, n->id, (int)n->state, n->version, n->last_seq, (int)past[n->id].state,
                         past[n->id].version, past[n->id].last_seq);
        }
        assert_true(r->list->next_page_token.len <= sizeof(token));
        if (r->list->next_page_token.len)
            memcpy(token, r->list->next_page_token.data, r->list->next_page_token.len);
        f.page_token = token;
        f.page_token_len = r->list->next_page_token.len;
        ex_reply_free(r);
    } while (f.page_token_len);
    for (size_t id = 0; id < AS_OF_MAX; id++) {
        bool want = past[id].exists && (filter == S(NONE) || past[id].state == filter);
        if (want != seen[id])
            fail_msg("as of %" PRId64 ": nomination %zu %s", t, id,
                     want ? "is missing" : "should not be listed");
    }
}

static void list_as_of_shows_each_past_instant(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t a = itest_register(c, "01", "Một", NULL);
    nom_t b = itest_register(c, "02", "Hai", NULL);
    a = itest_move(c, &a, S(FOSTERING), NULL);
    a = itest_move(c, &a, S(UNIT_REVIEWED), NULL);
    nom_t d = itest_register(c, "01", "Ba", NULL);
    b = itest_move(c, &b, S(FOSTERING), NULL);
    itest_move(c, &a, S(WITHDRAWN), "rút");
    itest_move(c, &d, S(WITHDRAWN), "rút");
    itest_register(c, "03", "Bốn", NULL);

    Exemplar__Reply *log = NULL;
    int rc = ex_changes(c, 1, 100, &log);
    itest_require_ok(rc, log, "changes");
    const Exemplar__ChangesReply *cl = log->changes;
    assert_int_equal(cl->n_changes, 9);
    /* before the first change: nothing; at every change's instant: the oracle */
    require_as_of(c, cl, cl->changes[0]->at_ms - 1, S(NONE));
    for (size_t k = 0; k < cl->n_changes; k++) {
        require_as_of(c, cl, cl->changes[k]->at_ms, S(NONE));
        require_as_of(c, cl, cl->changes[k]->at_ms, S(FOSTERING));
        require_as_of(c, cl, cl->changes[k]->at_ms, S(WITHDRAWN));
    }

    /* exemplarctl: an ISO instant with milliseconds, a date before, today */
    int64_t t = cl->changes[4]->at_ms;
    time_t secs = (time_t)(t / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char iso[96], today[48], out[16384];
    int64_t last = cl->changes[cl->n_changes - 1]->at_ms;
    snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(t % 1000));
    secs = (time_t)(last / 1000);
    struct tm lt;
    gmtime_r(&secs, &lt);
    snprintf(today, sizeof(today), "%04d-%02d-%02d", lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday);
    past_t past[AS_OF_MAX];
    expected_at(cl, t, past);
    size_t want = 0;
    for (size_t id = 0; id < AS_OF_MAX; id++)
        want += past[id].exists;
    const char *at_iso[] = {EXEMPLARCTL_PATH, "--api", h->api, "list", "--as-of", iso, NULL};
    assert_int_equal(harness_run(at_iso, out, sizeof(out)), 0);
    size_t lines = 0;
    for (const char *p = out; (p = strchr(p, '\n')); p++)
        lines++;
    if (lines != want + 1) /* the header */
        fail_msg("list --as-of %s printed %zu lines, expected %zu:\n%s", iso, lines, want + 1, out);
    const char *before[] = {EXEMPLARCTL_PATH, "--api",   h->api,       "--json",
                            "list",           "--as-of", "2020-01-01", NULL};
    assert_int_equal(harness_run(before, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "\"nominations\":[\n  ]"));
    const char *day[] = {EXEMPLARCTL_PATH, "--api",     h->api, "list", "--as-of", today,
                         "--state",        "withdrawn", NULL};
    assert_int_equal(harness_run(day, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "Một"));
    assert_non_null(strstr(out, "Ba"));
    const char *bad[] = {EXEMPLARCTL_PATH, "--api", h->api, "list", "--as-of", "2021-02-30", NULL};
    assert_int_equal(harness_run(bad, out, sizeof(out)), 2);
    ex_reply_free(log);
    ex_client_destroy(&c);
}

/* ---- stats ----------------------------------------------------------------- */

static Exemplar__Reply *stats(ex_client_t *c)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_stats(c, &r);
    itest_require_ok(rc, r, "stats");
    assert_int_equal(r->body_case, EXEMPLAR__REPLY__BODY_STATS);
    assert_int_equal(r->stats->n_nominations_by_state, EXEMPLAR__STATE__STATE_CARRIED_OVER + 1);
    return r;
}

static void stats_count_states_requests_batches_and_commit_times(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t a = itest_register(c, "01", "Một", NULL);
    Exemplar__Reply *r0 = stats(c);
    const Exemplar__StatsReply *s0 = r0->stats;
    assert_true(s0->nominations_by_state[S(REGISTERED)] == 1);
    assert_true(s0->requests >= 2 && s0->batches >= 1 && s0->batches <= s0->requests);
    assert_true(s0->commit_samples >= 1);
    assert_true(s0->commit_p50_us > 0 && s0->commit_p99_us >= s0->commit_p50_us);

    /* counted from here on by the moves themselves */
    nom_t b = itest_register(c, "01", "Hai", NULL);
    itest_register(c, "02", "Ba", NULL);
    a = itest_move(c, &a, S(FOSTERING), NULL);
    itest_move(c, &b, S(WITHDRAWN), "rút");
    Exemplar__Reply *bad = NULL;
    int rc = ex_move(c, 0, a.id, S(RECOGNIZED), a.version, NULL, &bad);
    itest_require_error(rc, bad, EX_ENOMOVE, "no such move");
    ex_reply_free(bad);

    Exemplar__Reply *r1 = stats(c);
    const Exemplar__StatsReply *s1 = r1->stats;
    assert_true(s1->nominations_by_state[S(REGISTERED)] == 1);
    assert_true(s1->nominations_by_state[S(FOSTERING)] == 1);
    assert_true(s1->nominations_by_state[S(WITHDRAWN)] == 1);
    assert_true(s1->nominations_by_state[S(NONE)] == 0);
    assert_true(s1->requests >= s0->requests + 6);
    assert_true(s1->refused >= s0->refused + 1);
    assert_true(s1->batches > s0->batches);
    assert_true(s1->mean_batch_size >= 1.0);
    assert_true(s1->mean_batch_size * (double)s1->batches <= (double)s1->requests + 0.5);
    assert_true(s1->commit_samples >= s0->commit_samples + 5);
    assert_true(s1->commit_p50_us > 0 && s1->commit_p99_us >= s1->commit_p50_us);
    assert_true(s1->commit_failures == 0);
    uint64_t by_state[EXEMPLAR__STATE__STATE_CARRIED_OVER + 1];
    memcpy(by_state, s1->nominations_by_state, sizeof(by_state));
    ex_reply_free(r0);
    ex_reply_free(r1);
    ex_client_destroy(&c);

    /* a fresh daemon counts the same from the store; its counters start over */
    assert_int_equal(harness_stop(h), 0);
    assert_int_equal(harness_restart(h), 0);
    c = harness_client(h, TIMEOUT_MS);
    Exemplar__Reply *r2 = stats(c);
    assert_memory_equal(r2->stats->nominations_by_state, by_state, sizeof(by_state));
    assert_true(r2->stats->commit_samples == 0 && r2->stats->commit_p50_us == 0);
    ex_reply_free(r2);

    /* exemplarctl prints them */
    char out[8192];
    const char *argv[] = {EXEMPLARCTL_PATH, "--api", h->api, "stats", NULL};
    assert_int_equal(harness_run(argv, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "fostering 1, unit-reviewed 0"));
    assert_non_null(strstr(out, "commit latency (last"));
    const char *json[] = {EXEMPLARCTL_PATH, "--api", h->api, "--json", "stats", NULL};
    assert_int_equal(harness_run(json, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "\"withdrawn\":1"));
    assert_non_null(strstr(out, "\"p99_us\":"));
    assert_non_null(strstr(out, "\"mean_batch_size\":"));
    ex_client_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(clean_store_passes, harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(damaged_indexes_are_reported_and_repaired, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(damaged_change_log_is_reported_not_repaired, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(list_as_of_shows_each_past_instant, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(stats_count_states_requests_batches_and_commit_times,
                                        harness_setup, harness_teardown),
    };
    return cmocka_run_group_tests_name("ops", tests, NULL, NULL);
}
