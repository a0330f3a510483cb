/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the jobs and their leases (daemon/jobs.c, and the lease
 * expiry of daemon/api_jobs.c's tick) against a real LMDB environment: the
 * queue index holds ready and leased jobs only, each state in its own part
 * ordered by time; a lease that runs out is taken back at its end and not
 * before, counted as a failure, handed out again, and parked after
 * [workers] max_attempts failures; the backoff of a failed job doubles up
 * to five minutes; names parse back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "api_jobs.h"
#include "config.h"
#include "errors.h"
#include "jobs.h"
#include "rules.h"
#include "store.h"
#include "fixture.h"

#define T0 1790000000000LL /* a time in ms (2026-09-21) */

typedef struct {
    fixture_t fx; /* the store, the configuration and the rules */
    api_jobs_t *jobs;
} test_t;

static int setup(void **state)
{
    test_t *f = calloc(1, sizeof(*f));
    char err[256] = "";
    assert_non_null(f);
    fixture_open(&f->fx);
    fixture_set(&f->fx, "workers", "max_attempts", "3");
    fixture_rules(&f->fx);
    f->jobs = api_jobs_new(&f->fx.cfg, err, sizeof(err));
    if (!f->jobs)
        fail_msg("api_jobs_new: %s", err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    test_t *f = *state;
    api_jobs_destroy(&f->jobs);
    fixture_close(&f->fx);
    free(f);
    return 0;
}

/* Writes job id in state, available (or its lease ending) at at_ms. */
static void put_job(test_t *f, const char *id, Exemplar__JobState st, int64_t at_ms,
                    uint32_t failures)
{
    store_txn_t t;
    Exemplar__Job *old = NULL;
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    int rc = jobs_get(&t, id, &old);
    assert_true(rc == 0 || rc == -EX_ENOTFOUND);
    Exemplar__Job j = EXEMPLAR__JOB__INIT;
    j.id = (char *)id;
    j.kind = EXEMPLAR__JOB_KIND__JOB_SUMMARY;
    j.state = st;
    j.quarter = "2026Q3";
    j.available_ms = at_ms;
    j.failures = failures;
    j.created_ms = T0 - 1000;
    if (st == EXEMPLAR__JOB_STATE__JOB_LEASED) {
        j.worker = "summary-1";
        static uint8_t token[16] = {1, 2, 3};
        j.lease_token.data = token;
        j.lease_token.len = sizeof(token);
    }
    jobs_put(&t, &j, old);
    assert_int_equal(store_txn_commit(&t), 0);
    if (old)
        exemplar__job__free_unpacked(old, NULL);
}

static Exemplar__Job *get_job(test_t *f, const char *id)
{
    store_txn_t t;
    Exemplar__Job *j = NULL;
    assert_int_equal(store_txn_begin(f->fx.store, false, &t), 0);
    assert_int_equal(jobs_get(&t, id, &j), 0);
    store_txn_abort(&t);
    return j;
}

/* The ids in one part of the queue due by until_ms, joined by spaces. */
static void due(test_t *f, int part, int64_t until_ms, char *out, size_t len)
{
    char ids[16][JOBS_ID_MAX + 1];
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->fx.store, false, &t), 0);
    int n = jobs_due(&t, DB_JOB_QUEUE, part, until_ms, ids, 16);
    store_txn_abort(&t);
    assert_true(n >= 0);
    out[0] = 0;
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        int w = snprintf(out + used, len - used, "%s%s", i ? " " : "", ids[i]);
        assert_true(w >= 0 && (size_t)w < len - used);
        used += (size_t)w;
    }
}

static int64_t next_time(test_t *f, int part)
{
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->fx.store, false, &t), 0);
    int64_t next = jobs_next_time(&t, DB_JOB_QUEUE, part);
    store_txn_abort(&t);
    return next;
}

static bool tick(test_t *f, int64_t now_ms)
{
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    bool wrote = api_jobs_tick(f->jobs, &t, f->fx.rules, now_ms);
    assert_int_equal(store_txn_commit(&t), 0);
    return wrote;
}

enum { READY = EXEMPLAR__JOB_STATE__JOB_READY, LEASED = EXEMPLAR__JOB_STATE__JOB_LEASED };

static void the_queue_holds_ready_and_leased_jobs_by_time_in_their_own_parts(void **state)
{
    test_t *f = *state;
    char ids[1024];
    assert_int_equal(next_time(f, LEASED), INT64_MAX);
    put_job(f, "t/b", EXEMPLAR__JOB_STATE__JOB_READY, T0 + 20, 0);
    put_job(f, "t/a", EXEMPLAR__JOB_STATE__JOB_READY, T0 + 10, 0);
    put_job(f, "t/c", EXEMPLAR__JOB_STATE__JOB_LEASED, T0 + 5, 0);
    due(f, READY, T0 + 15, ids, sizeof(ids));
    assert_string_equal(ids, "t/a");
    due(f, READY, T0 + 20, ids, sizeof(ids));
    assert_string_equal(ids, "t/a t/b");
    due(f, LEASED, T0 + 100, ids, sizeof(ids));
    assert_string_equal(ids, "t/c");
    assert_int_equal(next_time(f, LEASED), T0 + 5);

    /* Moving a job moves its entry: leased t/a leaves the ready part. */
    put_job(f, "t/a", EXEMPLAR__JOB_STATE__JOB_LEASED, T0 + 1, 0);
    due(f, READY, T0 + 100, ids, sizeof(ids));
    assert_string_equal(ids, "t/b");
    due(f, LEASED, T0 + 100, ids, sizeof(ids));
    assert_string_equal(ids, "t/a t/c");
    assert_int_equal(next_time(f, LEASED), T0 + 1);

    /* Done and parked jobs are kept but leave the queue. */
    put_job(f, "t/a", EXEMPLAR__JOB_STATE__JOB_DONE, T0 + 1, 0);
    put_job(f, "t/b", EXEMPLAR__JOB_STATE__JOB_PARKED, T0 + 1, 0);
    due(f, READY, INT64_MAX, ids, sizeof(ids));
    assert_string_equal(ids, "");
    due(f, LEASED, INT64_MAX, ids, sizeof(ids));
    assert_string_equal(ids, "t/c");
    Exemplar__Job *j = get_job(f, "t/a");
    assert_int_equal(j->state, EXEMPLAR__JOB_STATE__JOB_DONE);
    assert_string_equal(j->quarter, "2026Q3");
    exemplar__job__free_unpacked(j, NULL);
}

static void a_lease_that_ran_out_is_taken_back_at_its_end_then_parked(void **state)
{
    test_t *f = *state;
    int64_t end = T0 + 60000;
    put_job(f, "lease/x", EXEMPLAR__JOB_STATE__JOB_LEASED, end, 0);

    /* Before its end the lease stands. */
    tick(f, end - 1);
    Exemplar__Job *j = get_job(f, "lease/x");
    assert_int_equal(j->state, EXEMPLAR__JOB_STATE__JOB_LEASED);
    assert_int_equal(j->failures, 0);
    exemplar__job__free_unpacked(j, NULL);

    /* At its end: a failure, ready again at once, with the reason. */
    assert_true(tick(f, end));
    j = get_job(f, "lease/x");
    assert_int_equal(j->state, EXEMPLAR__JOB_STATE__JOB_READY);
    assert_int_equal(j->failures, 1);
    assert_int_equal(j->available_ms, end);
    assert_non_null(strstr(j->last_error, "summary-1"));
    assert_non_null(strstr(j->last_error, "without an acknowledgement"));
    exemplar__job__free_unpacked(j, NULL);
    char ids[1024];
    due(f, LEASED, INT64_MAX, ids, sizeof(ids));
    assert_string_equal(ids, "");
    assert_int_equal(next_time(f, LEASED), INT64_MAX);

    /* Leased again and run out again: the second failure. */
    put_job(f, "lease/x", EXEMPLAR__JOB_STATE__JOB_LEASED, end + 1000, 1);
    tick(f, end + 1000);
    j = get_job(f, "lease/x");
    assert_int_equal(j->state, EXEMPLAR__JOB_STATE__JOB_READY);
    assert_int_equal(j->failures, 2);
    exemplar__job__free_unpacked(j, NULL);

    /* The third, with max_attempts = 3: parked, out of the queue. */
    put_job(f, "lease/x", EXEMPLAR__JOB_STATE__JOB_LEASED, end + 2000, 2);
    tick(f, end + 2000);
    j = get_job(f, "lease/x");
    assert_int_equal(j->state, EXEMPLAR__JOB_STATE__JOB_PARKED);
    assert_int_equal(j->failures, 3);
    exemplar__job__free_unpacked(j, NULL);
    due(f, READY, INT64_MAX, ids, sizeof(ids));
    assert_null(strstr(ids, "lease/x"));
    due(f, LEASED, INT64_MAX, ids, sizeof(ids));
    assert_string_equal(ids, "");
}

static void the_backoff_doubles_up_to_five_minutes(void **state)
{
    (void)state;
    assert_int_equal(jobs_backoff_ms(0), 0);
    assert_int_equal(jobs_backoff_ms(1), 1000);
    assert_int_equal(jobs_backoff_ms(2), 2000);
    assert_int_equal(jobs_backoff_ms(5), 16000);
    assert_int_equal(jobs_backoff_ms(9), 256000);
    assert_int_equal(jobs_backoff_ms(10), 300000);
    assert_int_equal(jobs_backoff_ms(UINT32_MAX), 300000);
}

static void deliveries_and_names(void **state)
{
    (void)state;
    Exemplar__Delivery d = EXEMPLAR__DELIVERY__INIT, *dv[] = {&d};
    d.channel = "mail";
    Exemplar__Job j = EXEMPLAR__JOB__INIT;
    assert_false(jobs_delivered(&j, "mail"));
    j.deliveries = dv;
    j.n_deliveries = 1;
    assert_true(jobs_delivered(&j, "mail"));
    assert_false(jobs_delivered(&j, "topic"));

    const char *kinds[] = {"remind-deadline", "remind-overdue", "remind-stale", "summary"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(jobs_kind_name(jobs_kind_parse(kinds[i])), kinds[i]);
    assert_null(jobs_kind_name(jobs_kind_parse("remind")));
    const char *states[] = {"ready", "leased", "done", "parked"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(jobs_state_name(jobs_state_parse(states[i])), states[i]);
    assert_string_equal(jobs_timer_state_name(EXEMPLAR__TIMER_STATE__TIMER_SKIPPED), "skipped");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            the_queue_holds_ready_and_leased_jobs_by_time_in_their_own_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(a_lease_that_ran_out_is_taken_back_at_its_end_then_parked,
                                        setup, teardown),
        cmocka_unit_test(the_backoff_doubles_up_to_five_minutes),
        cmocka_unit_test(deliveries_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
