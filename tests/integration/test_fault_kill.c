/* SPDX-License-Identifier: MIT */
/*
 * Fault suite: 50 kill -9 at random moments under concurrent load.
 * Four writer threads register and move nominations, each request with its
 * own request id, and record every acknowledged change together with the
 * request that made it and the reply it got.  The daemon is killed with
 * SIGKILL once a random number of further requests is acknowledged (seeded,
 * so a failing round can be replayed with EXEMPLAR_TEST_SEED) and restarted
 * on the same directory (the harness waits for READY=1).  After every
 * restart:
 *   - fsck finds no problem (records, indexes, histories, change log agree);
 *   - every acknowledged change is present: the nomination exists at the
 *     acknowledged version or later, and its history holds that version
 *     with the acknowledged state;
 *   - nothing is half-applied: the nominations' versions add up to the length
 *     of the change log, which has no gap, each history is versions
 *     1..version, and the daemon counts exactly the registrations the log
 *     holds;
 *   - re-sending acknowledged requests with their request ids returns the
 *     first answer, byte for byte, and changes nothing;
 *   - LMDB's own mdb_stat opens the environment (and again after the final
 *     clean stop).
 * (This replaces the foundation's test_crash.c, which did fewer rounds with
 * fewer checks.)
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fault.h"

#define S(x) EXEMPLAR__STATE__STATE_##x

enum {
    ROUNDS = 50,
    WRITERS = 4,
    WRITER_TIMEOUT_MS = 400, /* how long a writer waits for a killed daemon */
    ROUND_DEADLINE_MS = 30000,
    MIN_ACKS = 3,  /* acknowledged requests before a kill: a random */
    MAX_ACKS = 40, /* number in [MIN_ACKS, MAX_ACKS] */
    LIVE_MAX = 6,  /* nominations a writer moves at once */
    RESENDS = 6,   /* acknowledged requests re-sent after each restart */
    MAX_NOMS = 20000,
};

static const char *const UNITS[] = {"01", "02", "79", "010"};

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

/* An acknowledged request: what was sent (to send it again) and the answer. */
typedef struct {
    uint64_t request_id;
    bool reg;
    const char *unit; /* register */
    char name[48];
    uint64_t id;               /* the nomination */
    uint64_t expected_version; /* move */
    Exemplar__State to;
    uint64_t version; /* acknowledged */
    Exemplar__State state;
    uint8_t *reply; /* the reply, encoded again */
    size_t reply_len;
} ack_t;

typedef struct shared shared_t;

typedef struct {
    shared_t *sh;
    int index;
    itest_rng_t rng;
    nom_t live[LIVE_MAX];
    int n_live;
    ack_t *acks;
    size_t n_acks, cap_acks;
    char failure[512]; /* something the daemon should not have done */
    pthread_t thread;
} writer_t;

struct shared {
    const char *api;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t acked;
    int running;
    int killed;
};

static bool killed(shared_t *sh)
{
    pthread_mutex_lock(&sh->mu);
    bool k = sh->killed;
    pthread_mutex_unlock(&sh->mu);
    return k;
}

static void record_ack(writer_t *w, ack_t *a, const Exemplar__Reply *r)
{
    if (w->n_acks == w->cap_acks) {
        size_t cap = w->cap_acks ? w->cap_acks * 2 : 256;
        ack_t *v = realloc(w->acks, cap * sizeof(*v));
        if (!v)
            abort();
        w->acks = v;
        w->cap_acks = cap;
    }
    a->id = r->nomination->id;
    a->version = r->nomination->version;
    a->state = r->nomination->state;
    a->reply_len = exemplar__reply__get_packed_size(r);
    a->reply = malloc(a->reply_len ? a->reply_len : 1);
    if (!a->reply)
        abort();
    exemplar__reply__pack(r, a->reply);
    w->acks[w->n_acks++] = *a;
    pthread_mutex_lock(&w->sh->mu);
    w->sh->acked++;
    pthread_cond_broadcast(&w->sh->cv);
    pthread_mutex_unlock(&w->sh->mu);
}

/* Sends the request an ack_t describes (its first time or again). */
static int send_ack(ex_client_t *c, const ack_t *a, Exemplar__Reply **r)
{
    if (a->reg)
        return ex_register(c, a->request_id, a->unit, EXEMPLAR__KIND__KIND_INDIVIDUAL, a->name,
                           NULL, r);
    return ex_move(c, a->request_id, a->id, a->to, a->expected_version, NULL, r);
}

/* Reads back where a live nomination is (after a kill, or after a request
 * that got no answer and may or may not have committed).  Returns 0, or the
 * transport error. */
static int refresh(writer_t *w, ex_client_t *c, int i)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_get(c, w->live[i].id, &r);
    if (rc < 0)
        return rc;
    if (r->error) {
        snprintf(w->failure, sizeof(w->failure),
                 "writer %d: get of acknowledged nomination %" PRIu64 " refused: %s", w->index,
                 w->live[i].id, r->error->name);
        ex_reply_free(r);
        return -EX_ENOTFOUND;
    }
    w->live[i] = itest_nom_of(r->nomination);
    ex_reply_free(r);
    return 0;
}

static int refresh_all(writer_t *w, ex_client_t *c)
{
    for (int i = 0; i < w->n_live; i++) {
        int rc = refresh(w, c, i);
        if (rc < 0)
            return rc;
        if (next_state(w->live[i].state) == S(NONE))
            w->live[i--] = w->live[--w->n_live];
    }
    return 0;
}

static void *writer_main(void *arg)
{
    writer_t *w = arg;
    ex_client_opts_t o = {.endpoint = w->sh->api, .timeout_ms = WRITER_TIMEOUT_MS, .retries = -1};
    ex_client_t *c = ex_client_new(&o);
    int rc = c ? refresh_all(w, c) : -EX_EINTERNAL;
    bool uncertain = false; /* a request went unanswered while the daemon ran */
    unsigned serial = (unsigned)w->n_acks;

    while (rc == 0 && !w->failure[0]) {
        ack_t a = {.request_id = ex_request_id_new()};
        int pick = -1;
        a.reg = w->n_live < 2 || (w->n_live < LIVE_MAX && itest_rng_next(&w->rng) % 3 == 0);
        if (a.reg) {
            a.unit = UNITS[itest_rng_next(&w->rng) % (sizeof(UNITS) / sizeof(UNITS[0]))];
            snprintf(a.name, sizeof(a.name), "Ứng viên %d-%u", w->index, serial++);
        } else {
            pick = (int)(itest_rng_next(&w->rng) % (uint64_t)w->n_live);
            a.id = w->live[pick].id;
            a.to = next_state(w->live[pick].state);
            a.expected_version = w->live[pick].version;
        }
        Exemplar__Reply *r = NULL;
        rc = send_ack(c, &a, &r);
        if (rc < 0) {
            if (killed(w->sh))
                break;
            /* Unanswered under load: not acknowledged, so either outcome is
             * allowed; find out where the nomination is and go on. */
            uncertain = true;
            rc = pick >= 0 ? refresh(w, c, pick) : 0;
            continue;
        }
        if (r->error && (int)r->error->code == EX_ECONFLICT && uncertain && pick >= 0) {
            ex_reply_free(r); /* the unanswered move committed after all */
            rc = refresh(w, c, pick);
            continue;
        }
        if (r->error || r->body_case != EXEMPLAR__REPLY__BODY_NOMINATION) {
            snprintf(w->failure, sizeof(w->failure), "writer %d: %s refused: %s %s", w->index,
                     a.reg ? "register" : "move", r->error ? r->error->name : "no nomination",
                     r->error && r->error->message ? r->error->message : "");
            ex_reply_free(r);
            break;
        }
        record_ack(w, &a, r);
        nom_t n = itest_nom_of(r->nomination);
        ex_reply_free(r);
        if (a.reg)
            w->live[w->n_live++] = n;
        else if (next_state(n.state) == S(NONE))
            w->live[pick] = w->live[--w->n_live];
        else
            w->live[pick] = n;
    }
    ex_client_destroy(&c);
    pthread_mutex_lock(&w->sh->mu);
    w->sh->running--;
    pthread_cond_broadcast(&w->sh->cv);
    pthread_mutex_unlock(&w->sh->mu);
    return NULL;
}

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
    sh->killed = 1; /* from here on an unanswered request ends a writer */
    pthread_mutex_unlock(&sh->mu);
    return reached;
}

static int cmp_ack(const void *a, const void *b)
{
    const ack_t *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->version < y->version ? -1 : x->version > y->version;
}

/* Every acknowledged change is there, in the record and in its history. */
static void verify_acks(ex_client_t *c, writer_t *w, int round)
{
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
    for (size_t i = 0; i < total;) {
        uint64_t id = all[i].id;
        nom_t g = itest_get(c, id);
        Exemplar__Reply *h = itest_history(c, id);
        for (; i < total && all[i].id == id; i++) {
            if (g.version < all[i].version)
                fail_msg("round %d: nomination %" PRIu64 " is at version %" PRIu64
                         ", but version %" PRIu64 " was acknowledged",
                         round, id, g.version, all[i].version);
            uint64_t v = all[i].version;
            if (v == 0 || v > h->history->n_changes || h->history->changes[v - 1]->version != v ||
                h->history->changes[v - 1]->to != all[i].state)
                fail_msg("round %d: the history of %" PRIu64
                         " lacks the acknowledged change to version %" PRIu64,
                         round, id, v);
        }
        ex_reply_free(h);
    }
    free(all);
}

/* Nothing half-applied: log, records and histories agree. */
static void verify_whole(ex_client_t *c, int round)
{
    uint64_t last = itest_last_seq(c);
    changes_t log = itest_changes(c, 1);
    itest_require_contiguous(&log, 1, last);
    uint64_t versions = 0;
    size_t regs = 0;
    for (size_t i = 0; i < log.n; i++) {
        if (log.v[i].from != S(NONE))
            continue;
        regs++;
        uint64_t id = log.v[i].nomination_id;
        nom_t g = itest_get(c, id);
        versions += g.version;
        Exemplar__Reply *h = itest_history(c, id);
        if (h->history->n_changes != g.version)
            fail_msg("round %d: nomination %" PRIu64 " is at version %" PRIu64
                     " but has %zu history entries",
                     round, id, g.version, h->history->n_changes);
        for (size_t j = 0; j < h->history->n_changes; j++)
            if (h->history->changes[j]->version != j + 1)
                fail_msg("round %d: history of %" PRIu64 " entry %zu has version %" PRIu64, round,
                         id, j, h->history->changes[j]->version);
        ex_reply_free(h);
    }
    if (versions != last)
        fail_msg("round %d: %zu nominations with versions adding up to %" PRIu64
                 ", but the change log has %" PRIu64 " changes",
                 round, regs, versions, last);
    Exemplar__Reply *r = NULL;
    int rc = ex_info(c, &r);
    itest_require_ok(rc, r, "info");
    if (r->info->nominations != regs)
        fail_msg("round %d: the daemon counts %" PRIu64 " nominations, the log registers %zu",
                 round, r->info->nominations, regs);
    ex_reply_free(r);
    changes_free(&log);
}

/* Acknowledged requests sent again: the first answer, byte for byte, and no
 * new change. */
static void verify_resend(ex_client_t *c, writer_t *w, itest_rng_t *rng, int round)
{
    uint64_t before = itest_last_seq(c);
    for (int n = 0; n < RESENDS; n++) {
        writer_t *x = &w[itest_rng_next(rng) % WRITERS];
        if (!x->n_acks)
            continue;
        /* half the time one of the newest (acknowledged just before the kill) */
        size_t j = itest_rng_next(rng) % 2 && x->n_acks > 3
                       ? x->n_acks - 1 - itest_rng_next(rng) % 3
                       : itest_rng_next(rng) % x->n_acks;
        const ack_t *a = &x->acks[j];
        Exemplar__Reply *r = NULL;
        int rc = send_ack(c, a, &r);
        itest_require_ok(rc, r, "re-sent acknowledged request");
        size_t len = exemplar__reply__get_packed_size(r);
        uint8_t *buf = malloc(len ? len : 1);
        assert_non_null(buf);
        exemplar__reply__pack(r, buf);
        if (len != a->reply_len || memcmp(buf, a->reply, len) != 0)
            fail_msg("round %d: request id %" PRIu64 " sent again got another answer", round,
                     a->request_id);
        free(buf);
        ex_reply_free(r);
    }
    if (itest_last_seq(c) != before)
        fail_msg("round %d: re-sent requests changed the log", round);
}

/* LMDB's own reader of the environment agrees that it is sound. */
static void run_mdb_stat(const harness_t *h, const char *when)
{
    /* MDB_STAT_PATH: LMDB's mdb_stat, found by tests/CMakeLists.txt */
    const char *argv[] = {MDB_STAT_PATH, "-a", h->dir, NULL};
    char out[4096];
    int status = harness_run(argv, out, sizeof(out));
    if (status != 0)
        fail_msg("mdb_stat -a %s %s exited %d:\n%s", h->dir, when, status, out);
}

static void every_acknowledged_change_survives_50_kills(void **state)
{
    harness_t *h = *state;
    itest_rng_t rng = {itest_seed("fault_kill")};
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
    int64_t started = fault_now_ms();
    for (int round = 1; round <= ROUNDS; round++) {
        uint64_t target = sh.acked + itest_rng_range(&rng, MIN_ACKS, MAX_ACKS);
        sh.running = WRITERS;
        sh.killed = 0;
        for (int i = 0; i < WRITERS; i++)
            assert_int_equal(pthread_create(&w[i].thread, NULL, writer_main, &w[i]), 0);
        bool reached = wait_for_acks(&sh, target);
        int died = harness_kill9(h);
        for (int i = 0; i < WRITERS; i++)
            pthread_join(w[i].thread, NULL);
        if (died < 0)
            fail_msg("round %d: the daemon died on its own under load", round);
        for (int i = 0; i < WRITERS; i++)
            if (w[i].failure[0])
                fail_msg("round %d: %s", round, w[i].failure);
        if (!reached)
            fail_msg("round %d: only %" PRIu64 " of %" PRIu64 " acknowledgements", round, sh.acked,
                     target);

        char when[64];
        snprintf(when, sizeof(when), "after kill %d", round);
        run_mdb_stat(h, when);
        assert_int_equal(harness_restart(h), 0);
        fault_require_fsck(h, when);
        ex_client_t *c = harness_client(h, 10000);
        assert_non_null(c);
        verify_acks(c, w, round);
        verify_whole(c, round);
        verify_resend(c, w, &rng, round);
        ex_client_destroy(&c);
    }
    fprintf(stderr, "fault_kill: %d kills, %" PRIu64 " acknowledged requests, %.1f s\n", ROUNDS,
            sh.acked, (double)(fault_now_ms() - started) / 1000);
    assert_int_equal(harness_stop(h), 0);
    run_mdb_stat(h, "after a clean stop");
    for (int i = 0; i < WRITERS; i++) {
        for (size_t j = 0; j < w[i].n_acks; j++)
            free(w[i].acks[j].reply);
        free(w[i].acks);
    }
    pthread_cond_destroy(&sh.cv);
    pthread_mutex_destroy(&sh.mu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(every_acknowledged_change_survives_50_kills, harness_setup,
                                        harness_teardown),
    };
    return cmocka_run_group_tests_name("fault_kill", tests, NULL, NULL);
}
