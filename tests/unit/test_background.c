/* SPDX-License-Identifier: MIT */
/*
 * The background scheduler against a real LMDB environment, feed socket,
 * rule book and jobs state: each housekeeping task runs when its deadline
 * has come and not before (request ids are forgotten once a minute), and
 * the sweep of stale by-state entries sleeps until a batch reports some.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include <cmocka.h>

#include "api_jobs.h"
#include "config.h"
#include "dedup.h"
#include "errors.h"
#include "key.h"
#include "nomwrite.h"
#include "records.h"
#include "rules.h"
#include "background.h"
#include "store.h"
#include "fixture.h"

#define T0 1790000000000ll /* a time in ms; the request ids' ttl is hours before it */

typedef struct {
    fixture_t fx; /* the store, an outbox, the configuration and the rules */
    api_jobs_t *jobs;
    background_t *bg;
} test_t;

static int setup(void **state)
{
    test_t *f = calloc(1, sizeof(*f));
    char err[256];
    assert_non_null(f);
    fixture_open(&f->fx);
    fixture_outbox(&f->fx);
    fixture_rules(&f->fx);
    f->jobs = api_jobs_new(&f->fx.cfg, err, sizeof(err));
    assert_non_null(f->jobs);
    f->bg = background_new(f->fx.store, f->fx.outbox, &f->fx.cfg, err, sizeof(err));
    assert_non_null(f->bg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    test_t *f = *state;
    background_destroy(&f->bg);
    assert_null(f->bg);
    api_jobs_destroy(&f->jobs);
    fixture_close(&f->fx);
    free(f);
    return 0;
}

static void remember(test_t *f, uint64_t id, int64_t at_ms)
{
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    dedup_remember(&t, id, "officer-01", 7, at_ms, (const uint8_t *)"answer", 6);
    assert_int_equal(store_txn_commit(&t), 0);
}

static bool remembered(test_t *f, uint64_t id)
{
    store_txn_t t;
    uint8_t *reply = NULL;
    size_t len = 0;
    bool other = false;
    assert_int_equal(store_txn_begin(f->fx.store, false, &t), 0);
    int rc = dedup_lookup(&t, id, "officer-01", 7, &reply, &len, &other);
    store_txn_abort(&t);
    free(reply);
    assert_true(rc == 0 || rc == -EX_ENOTFOUND);
    return rc == 0;
}

static void request_ids_are_forgotten_at_the_prune_deadline_only(void **state)
{
    test_t *f = *state;
    int64_t old = T0 - (int64_t)(f->fx.cfg.request_ttl_hours + 1) * 3600 * 1000;
    remember(f, 1, old);
    assert_int_equal(background_next_deadline(f->bg, f->jobs), 0); /* every task is due at first */
    background_housekeeping(f->bg, f->fx.rules, f->jobs, T0);
    assert_false(remembered(f, 1));
    /* No fixed tick: after a pass nothing is due until the next deadline
     * (the prune's, a minute on, at the latest). */
    int64_t next = background_next_deadline(f->bg, f->jobs);
    assert_true(next > T0);
    assert_true(next <= T0 + 60000);
    /* a request that makes a deadline (a lease running out) brings it forward */
    api_jobs_wake(f->jobs, T0 + 5);
    assert_int_equal(background_next_deadline(f->bg, f->jobs), T0 + 5);

    /* remembered just after a pass: it waits for the next one, a minute on */
    remember(f, 2, old);
    background_housekeeping(f->bg, f->fx.rules, f->jobs, T0 + 1000);
    assert_true(remembered(f, 2));
    background_housekeeping(f->bg, f->fx.rules, f->jobs, T0 + 59000);
    assert_true(remembered(f, 2));
    background_housekeeping(f->bg, f->fx.rules, f->jobs, T0 + 60000);
    assert_false(remembered(f, 2));
}

/* Registers nomination 1 and moves it on, committed: one stale entry. */
static void leave_a_stale_entry(test_t *f, records_counters_t *c)
{
    static Exemplar__Actor actor = {PROTOBUF_C_MESSAGE_INIT(&exemplar__actor__descriptor),
                                    "officer-01", EXEMPLAR__ROLE__ROLE_UNIT_OFFICER, "01"};
    store_txn_t t;
    nomwrite_batch_t b;
    Exemplar__Nomination n;
    exemplar__nomination__init(&n);
    n.version = 1;
    n.state = EXEMPLAR__STATE__STATE_REGISTERED;
    n.unit = "01";
    n.campaign = "2021-2025";
    n.name = "Phòng Tài nguyên";
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    nomwrite_batch_init(&b, &t, f->fx.outbox, c);
    nomwrite_change_t w = {
        .from = EXEMPLAR__STATE__STATE_NONE, .verb = "register", .actor = &actor};
    assert_int_equal(nomwrite_transition(&b, &n, &w), 0);
    n.state = EXEMPLAR__STATE__STATE_FOSTERING;
    n.version++;
    w.from = EXEMPLAR__STATE__STATE_REGISTERED;
    w.verb = "foster";
    assert_int_equal(nomwrite_transition(&b, &n, &w), 0);
    assert_int_equal(store_txn_commit(&t), 0);
    background_note_stale(f->bg, nomwrite_batch_apply(&b));
    outbox_publish(f->fx.outbox);
}

static size_t by_state_entries(test_t *f)
{
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->fx.store, false, &t), 0);
    size_t n = store_count(&t, DB_BY_STATE);
    store_txn_abort(&t);
    return n;
}

static void the_sweep_runs_when_a_batch_reports_stale_entries(void **state)
{
    test_t *f = *state;
    records_counters_t c = {.next_id = 1};
    /* the first pass finds nothing to sweep and goes to sleep */
    background_housekeeping(f->bg, f->fx.rules, f->jobs, T0);
    leave_a_stale_entry(f, &c);
    assert_int_equal(by_state_entries(f), 2);
    background_housekeeping(f->bg, f->fx.rules, f->jobs, T0 + 1000);
    assert_int_equal(by_state_entries(f), 1);

    /* a stale entry nobody reported stays until one is */
    background_t *told = f->bg;
    f->bg = background_new(f->fx.store, f->fx.outbox, &f->fx.cfg, (char[64]){0}, 64);
    background_housekeeping(f->bg, f->fx.rules, f->jobs, T0 + 2000); /* the pass after a restart */
    background_t *blind = f->bg;
    f->bg = told;
    store_txn_t t;
    nomwrite_batch_t b;
    Exemplar__Nomination *n = NULL;
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    nomwrite_batch_init(&b, &t, f->fx.outbox, &c);
    assert_int_equal(records_get_nomination(&t, 1, &n), 0);
    n->state = EXEMPLAR__STATE__STATE_UNIT_REVIEWED;
    n->version++;
    nomwrite_change_t w = {.from = EXEMPLAR__STATE__STATE_FOSTERING, .verb = "review-unit"};
    assert_int_equal(nomwrite_transition(&b, n, &w), 0);
    exemplar__nomination__free_unpacked(n, NULL);
    assert_int_equal(store_txn_commit(&t), 0);
    uint64_t stale = nomwrite_batch_apply(&b);
    outbox_publish(f->fx.outbox);
    assert_int_equal(stale, 1);
    assert_int_equal(by_state_entries(f), 2);
    background_housekeeping(blind, f->fx.rules, f->jobs, T0 + 3000);
    assert_int_equal(by_state_entries(f), 2); /* not told: asleep */
    background_note_stale(blind, stale);
    background_housekeeping(blind, f->fx.rules, f->jobs, T0 + 4000);
    assert_int_equal(by_state_entries(f), 1);
    background_destroy(&blind);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(request_ids_are_forgotten_at_the_prune_deadline_only),
        T(the_sweep_runs_when_a_batch_reports_stale_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
