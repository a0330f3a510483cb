/* SPDX-License-Identifier: MIT */
/*
 * Acknowledged means durable (guarantee 1): three writer threads send
 * registers and moves continuously and record every acknowledged change;
 * the daemon is killed with SIGKILL at a random moment, measured in
 * acknowledged requests (seeded, so a failing round can be replayed), and
 * restarted on the same directory.  After every restart:
 *   - every acknowledged nomination is there, at its acknowledged version or
 *     later (a move in flight at the kill may or may not have committed);
 *   - the change log is seqs 1..last with no gap, and last is info.last_seq;
 *   - nothing is half-applied: the versions of all nominations add up to
 *     the length of the change log, and each nomination's history is
 *     versions 1..version;
 *   - LMDB's own mdb_stat opens the environment.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itest.h"

#define S(x) EXEMPLAR__STATE__STATE_##x

enum {
    ROUNDS = 5,
    WRITERS = 3,
    WRITER_TIMEOUT_MS = 1000, /* how long a writer waits for a killed daemon */
    ROUND_DEADLINE_MS = 30000,
    MIN_ACKS = 10,  /* acknowledged requests before a kill: a random */
    MAX_ACKS = 120, /* number in [MIN_ACKS, MAX_ACKS] */
    LIVE_MAX = 6,   /* nominations a writer moves at once */
    MAX_NOMS = 20000,
};

static const char *const UNITS[] = {"01", "02", "79", "010"};

/* The main path a writer walks its nominations along. */
static Exemplar__State next_state(Exemplar__State s)
{
    switch (s) {
    case S(REGISTERED):
        return S(FOSTERING);
    case S(FOSTERING):
        return S(UNIT_REVIEWED);
    case S(UNIT_REVIEWED):
        return S(MINISTRY_REVIEWED);
    case S(MINISTRY_REVIEWED):
        return S(RECOGNIZED);
    default:
        return S(NONE);
    }
}

typedef struct {
    uint64_t id, version;
} ack_t;

typedef struct shared shared_t;

typedef struct {
    shared_t *sh;
    int index;
    itest_rng_t rng;
    /* nominations this writer is walking; kept across rounds */
    nom_t live[LIVE_MAX];
    int n_live;
    /* acknowledged changes, all rounds */
    ack_t *acks;
    size_t n_acks, cap_acks;
    /* how the round ended */
    int end_rc;        /* transport error that ended it (-EX_EUNAVAIL expected) */
    char refusal[512]; /* a refusal the daemon should not have made */
    pthread_t thread;
} writer_t;

struct shared {
    const char *api;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t acked; /* acknowledged requests, all writers, all rounds */
    int running;    /* writers still in the current round */
    int killed;     /* the daemon was killed in this round */
};

static void record_ack(writer_t *w, const nom_t *n)
{
    if (w->n_acks == w->cap_acks) {
        size_t cap = w->cap_acks ? w->cap_acks * 2 : 256;
        ack_t *a = realloc(w->acks, cap * sizeof(*a));
        if (!a)
            abort();
        w->acks = a;
        w->cap_acks = cap;
    }
    w->acks[w->n_acks++] = (ack_t){n->id, n->version};
    pthread_mutex_lock(&w->sh->mu);
    w->sh->acked++;
    pthread_cond_broadcast(&w->sh->cv);
    pthread_mutex_unlock(&w->sh->mu);
}

static void refused(writer_t *w, const char *what, const Exemplar__Reply *r)
{
    snprintf(w->refusal, sizeof(w->refusal), "writer %d: %s refused: %s %s", w->index, what,
             r->error->name ? r->error->name : "", r->error->message ? r->error->message : "");
}

/* At the start of a round: the kill may have left a move in flight
 * committed, so read back where each live nomination really is. */
static int refresh_live(writer_t *w, ex_client_t *c)
{
    int k = 0;
    for (int i = 0; i < w->n_live; i++) {
        Exemplar__Reply *r = NULL;
        int rc = ex_get(c, w->live[i].id, &r);
        if (rc < 0)
            return rc;
        if (r->error) {
            refused(w, "get of an acknowledged nomination", r);
            ex_reply_free(r);
            return -EX_ENOTFOUND;
        }
        nom_t n = itest_nom_of(r->nomination);
        ex_reply_free(r);
        if (next_state(n.state) != S(NONE))
            w->live[k++] = n;
    }
    w->n_live = k;
    return 0;
}

static void *writer_main(void *arg)
{
    writer_t *w = arg;
    ex_client_opts_t o = {.endpoint = w->sh->api, .timeout_ms = WRITER_TIMEOUT_MS, .retries = -1};
    ex_client_t *c = ex_client_new(&o);
    w->end_rc = c ? refresh_live(w, c) : -EX_EINTERNAL;
    unsigned serial = 0;

    while (c && w->end_rc == 0 && !w->refusal[0]) {
        Exemplar__Reply *r = NULL;
        int rc;
        bool reg = w->n_live < 2 || (w->n_live < LIVE_MAX && itest_rng_next(&w->rng) % 3 == 0);
        int pick = -1;
        if (reg) {
            char name[64];
            snprintf(name, sizeof(name), "Ứng viên %d-%u", w->index, serial++);
            const char *unit = UNITS[itest_rng_next(&w->rng) % (sizeof(UNITS) / sizeof(UNITS[0]))];
            rc = ex_register(c, 0, unit, EXEMPLAR__KIND__KIND_INDIVIDUAL, name, NULL, &r);
        } else {
            pick = (int)(itest_rng_next(&w->rng) % (uint64_t)w->n_live);
            nom_t *n = &w->live[pick];
            rc = ex_move(c, 0, n->id, next_state(n->state), n->version, NULL, &r);
        }
        if (rc < 0) {
            w->end_rc = rc; /* the daemon is gone (or did not answer) */
            break;
        }
        if (r->error || r->body_case != EXEMPLAR__REPLY__BODY_NOMINATION) {
            if (r->error)
                refused(w, reg ? "register" : "move", r);
            else
                snprintf(w->refusal, sizeof(w->refusal), "writer %d: reply without nomination",
                         w->index);
            ex_reply_free(r);
            break;
        }
        nom_t n = itest_nom_of(r->nomination);
        ex_reply_free(r);
        record_ack(w, &n);
        if (reg) {
            w->live[w->n_live++] = n;
        } else if (next_state(n.state) == S(NONE)) {
            w->live[pick] = w->live[--w->n_live]; /* recognized: done with it */
        } else {
            w->live[pick] = n;
        }
    }
    ex_client_destroy(&c);
    pthread_mutex_lock(&w->sh->mu);
    w->sh->running--;
    pthread_cond_broadcast(&w->sh->cv);
    pthread_mutex_unlock(&w->sh->mu);
    return NULL;
}

/* Waits until `target` requests are acknowledged or no writer runs. */
static bool wait_for_acks(shared_t *sh, uint64_t target)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += ROUND_DEADLINE_MS / 1000;
    pthread_mutex_lock(&sh->mu);
    int rc = 0;
    while (sh->acked < target && sh->running > 0 && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&sh->cv, &sh->mu, &deadline);
    bool reached = sh->acked >= target;
    pthread_mutex_unlock(&sh->mu);
    return reached;
}

static void run_mdb_stat(const harness_t *h, const char *when)
{
    /* MDB_STAT_PATH: LMDB's mdb_stat, found by tests/CMakeLists.txt */
    const char *argv[] = {MDB_STAT_PATH, "-a", h->dir, NULL};
    char out[4096];
    int status = harness_run(argv, out, sizeof(out));
    if (status != 0)
        fail_msg("mdb_stat -a %s %s exited %d:\n%s", h->dir, when, status, out);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_ack(const void *a, const void *b)
{
    const ack_t *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->version < y->version ? -1 : x->version > y->version;
}

/* Every check of the file comment, after a restart. */
static void verify(harness_t *h, writer_t *w, int round)
{
    ex_client_t *c = harness_client(h, 10000);
    assert_non_null(c);

    /* every acknowledged change is there */
    size_t total = 0;
    for (int i = 0; i < WRITERS; i++)
        total += w[i].n_acks;
    ack_t *all = malloc((total ? total : 1) * sizeof(*all));
    assert_non_null(all);
    size_t k = 0;
    for (int i = 0; i < WRITERS; i++)
        for (size_t j = 0; j < w[i].n_acks; j++)
            all[k++] = w[i].acks[j];
    qsort(all, total, sizeof(*all), cmp_ack);
    for (size_t i = 0; i < total; i++) {
        if (i + 1 < total && all[i + 1].id == all[i].id)
            continue; /* check the highest acknowledged version of each */
        Exemplar__Reply *r = NULL;
        int rc = ex_get(c, all[i].id, &r);
        char what[128];
        snprintf(what, sizeof(what), "round %d: get of acknowledged nomination %" PRIu64, round,
                 all[i].id);
        itest_require_ok(rc, r, what);
        if (r->nomination->version < all[i].version)
            fail_msg("%s: version %" PRIu64 ", but version %" PRIu64 " was acknowledged", what,
                     r->nomination->version, all[i].version);
        ex_reply_free(r);
    }
    free(all);

    /* the change log has no gap */
    uint64_t last = itest_last_seq(c);
    changes_t log = itest_changes(c, 1);
    itest_require_contiguous(&log, 1, last);

    /* nothing half-applied: the nominations named by the log (each has its
     * registration there) have versions adding up to the log's length, and
     * whole histories */
    static uint64_t ids[MAX_NOMS];
    size_t n = 0;
    for (size_t i = 0; i < log.n; i++) {
        if (log.v[i].from != S(NONE))
            continue;
        if (n == MAX_NOMS)
            fail_msg("round %d: more than %d nominations", round, MAX_NOMS);
        ids[n++] = log.v[i].nomination_id;
    }
    uint64_t versions = 0;
    for (size_t i = 0; i < n; i++) {
        nom_t g = itest_get(c, ids[i]);
        versions += g.version;
        Exemplar__Reply *r = itest_history(c, ids[i]);
        if (r->history->n_changes != g.version)
            fail_msg("round %d: nomination %" PRIu64 " is at version %" PRIu64
                     " but has %zu history entries",
                     round, ids[i], g.version, r->history->n_changes);
        for (size_t j = 0; j < r->history->n_changes; j++)
            if (r->history->changes[j]->version != j + 1)
                fail_msg("round %d: history of %" PRIu64 " entry %zu has version %" PRIu64, round,
                         ids[i], j, r->history->changes[j]->version);
        ex_reply_free(r);
    }
    if (versions != last)
        fail_msg("round %d: %zu nominations with versions adding up to %" PRIu64
                 ", but the change log has %" PRIu64 " changes",
                 round, n, versions, last);

    /* the list index agrees: exactly those nominations */
    static uint64_t listed[MAX_NOMS];
    ex_list_filter_t every = {.limit = 1000};
    size_t k2 = itest_list_ids(c, &every, listed, MAX_NOMS, 100);
    qsort(ids, n, sizeof(ids[0]), cmp_u64);
    qsort(listed, k2, sizeof(listed[0]), cmp_u64);
    if (k2 != n || memcmp(ids, listed, n * sizeof(ids[0])) != 0)
        fail_msg("round %d: the log names %zu nominations, list returns %zu (or other ids)", round,
                 n, k2);
    fprintf(stderr, "round %d: %zu acknowledged, %zu nominations, %" PRIu64 " changes: ok\n", round,
            total, n, last);
    changes_free(&log);
    ex_client_destroy(&c);
}

static void every_acknowledged_change_survives_kill_9(void **state)
{
    harness_t *h = *state;
    itest_rng_t rng = {itest_seed("crash")};
    shared_t sh = {.api = h->api};
    pthread_mutex_init(&sh.mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&sh.cv, &ca);
    pthread_condattr_destroy(&ca);

    writer_t w[WRITERS];
    memset(w, 0, sizeof(w));
    for (int i = 0; i < WRITERS; i++) {
        w[i].sh = &sh;
        w[i].index = i;
        w[i].rng.s = itest_rng_next(&rng);
    }

    for (int round = 1; round <= ROUNDS; round++) {
        uint64_t target = sh.acked + itest_rng_range(&rng, MIN_ACKS, MAX_ACKS);
        sh.running = WRITERS;
        for (int i = 0; i < WRITERS; i++) {
            w[i].end_rc = 0;
            w[i].refusal[0] = '\0';
            assert_int_equal(pthread_create(&w[i].thread, NULL, writer_main, &w[i]), 0);
        }
        bool reached = wait_for_acks(&sh, target);
        /* kill first, then look at why the round ended */
        int killed = harness_kill9(h);
        for (int i = 0; i < WRITERS; i++)
            pthread_join(w[i].thread, NULL);
        if (killed < 0)
            fail_msg("round %d: the daemon died on its own under load", round);
        for (int i = 0; i < WRITERS; i++)
            if (w[i].refusal[0])
                fail_msg("round %d: %s", round, w[i].refusal);
        if (!reached)
            fail_msg("round %d: only %" PRIu64 " of %" PRIu64
                     " acknowledgements before the writers stopped (%s)",
                     round, sh.acked, target, ex_err_name(w[0].end_rc));
        fprintf(stderr, "round %d: killed after %" PRIu64 " acknowledged requests\n", round,
                sh.acked);

        run_mdb_stat(h, "after kill -9");
        assert_int_equal(harness_restart(h), 0);
        verify(h, w, round);
    }

    /* and a clean stop leaves a clean environment too */
    assert_int_equal(harness_stop(h), 0);
    run_mdb_stat(h, "after a clean stop");
    for (int i = 0; i < WRITERS; i++)
        free(w[i].acks);
    pthread_cond_destroy(&sh.cv);
    pthread_mutex_destroy(&sh.mu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(every_acknowledged_change_survives_kill_9, harness_setup,
                                        harness_teardown),
    };
    return cmocka_run_group_tests_name("crash", tests, NULL, NULL);
}
