/* SPDX-License-Identifier: MIT */
/*
 * Timers and leased jobs against the real daemon, in C (the Python scenario,
 * test_jobs.py, drives the real workers; this one speaks the protocol
 * directly so that every step is checked at the request that makes it):
 *
 *   - with [workers] catch_up reaching back over the last quarter, the
 *     quarter's summary timer fires on the daemon's own tick into exactly
 *     one ready job;
 *   - a lease that runs out without an acknowledgement is taken back by
 *     the daemon (a failure naming the worker) and handed out again to the
 *     next worker, with a new token; the old token no longer acknowledges;
 *   - a failure reported by the worker holds the job back for its backoff,
 *     and the failure that reaches [workers] max_attempts parks it, out of
 *     every lease; an administrator's retry hands it out again;
 *   - done, the job and the fired timer survive a restart as they were.
 *
 * Waiting is on conditions (the job's state, polled through job_list), never
 * on a fixed sleep for start-up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "errors.h"
#include "harness.h"
#include "itest.h"

#define CONF "[workers]\ncatch_up = 120d\nmax_attempts = 3\n"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* job_list (timers: the timers instead) of the ids starting with prefix. */
static Exemplar__Reply *list(ex_client_t *c, const char *prefix, bool timers)
{
    Exemplar__JobListRequest body = EXEMPLAR__JOB_LIST_REQUEST__INIT;
    body.prefix = (char *)prefix;
    body.timers = timers;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_JOB_LIST;
    req.job_list = &body;
    Exemplar__Reply *r = NULL;
    int rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "job_list");
    return r;
}

/* The job id as listed now (free with ex_reply_free). */
static Exemplar__Reply *job(ex_client_t *c, const char *id)
{
    Exemplar__Reply *r = list(c, id, false);
    for (size_t i = 0; i < r->jobs->n_jobs; i++)
        if (strcmp(r->jobs->jobs[i]->id, id) == 0) {
            Exemplar__Job *keep = r->jobs->jobs[i];
            r->jobs->jobs[i] = r->jobs->jobs[0];
            r->jobs->jobs[0] = keep;
            return r;
        }
    fail_msg("job %s is not listed", id);
    return NULL;
}

/* Leases up to max summary jobs for worker, lease_ms long. */
static Exemplar__Reply *lease(ex_client_t *c, const char *worker, uint32_t lease_ms, uint32_t max)
{
    Exemplar__JobKind kinds[] = {EXEMPLAR__JOB_KIND__JOB_SUMMARY};
    Exemplar__JobLeaseRequest body = EXEMPLAR__JOB_LEASE_REQUEST__INIT;
    body.worker = (char *)worker;
    body.kinds = kinds;
    body.n_kinds = 1;
    body.lease_ms = lease_ms;
    body.max = max;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_JOB_LEASE;
    req.job_lease = &body;
    Exemplar__Reply *r = NULL;
    int rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "job_lease");
    return r;
}

static int ack(ex_client_t *c, const char *id, ProtobufCBinaryData token, const char *error,
               Exemplar__Reply **r)
{
    Exemplar__JobAckRequest body = EXEMPLAR__JOB_ACK_REQUEST__INIT;
    body.id = (char *)id;
    body.ok = error == NULL;
    body.error = error ? (char *)error : "";
    body.lease_token = token;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_JOB_ACK;
    req.job_ack = &body;
    return ex_client_call(c, &req, r);
}

/* The summary timer that fired into one job, waited for; its id in timer. */
static void wait_fired_summary(ex_client_t *c, char *timer, size_t len)
{
    int64_t deadline = now_ms() + 20000;
    for (;;) {
        Exemplar__Reply *r = list(c, "summary/", true);
        for (size_t i = 0; i < r->jobs->n_timers; i++) {
            const Exemplar__Timer *t = r->jobs->timers[i];
            if (t->state == EXEMPLAR__TIMER_STATE__TIMER_FIRED) {
                assert_int_equal(t->jobs, 1);
                snprintf(timer, len, "%s", t->id);
                ex_reply_free(r);
                return;
            }
        }
        ex_reply_free(r);
        if (now_ms() > deadline)
            fail_msg("no summary timer fired within 20 s of READY");
        pause_ms(50); /* a condition, polled: the timer fires on the loop's tick */
    }
}

/* Waits until job id is in state st (the daemon's tick or a lease moves it). */
static Exemplar__Reply *wait_state(ex_client_t *c, const char *id, Exemplar__JobState st,
                                   int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        Exemplar__Reply *r = job(c, id);
        if (r->jobs->jobs[0]->state == st)
            return r;
        ex_reply_free(r);
        if (now_ms() > deadline)
            fail_msg("job %s did not reach state %d within %d ms", id, (int)st, timeout_ms);
        pause_ms(50);
    }
}

static void copy_token(const Exemplar__Job *j, uint8_t *buf, ProtobufCBinaryData *out)
{
    assert_int_equal(j->lease_token.len, 16);
    memcpy(buf, j->lease_token.data, 16);
    *out = (ProtobufCBinaryData){16, buf};
}

static void a_fired_summary_job_is_redelivered_backed_off_parked_and_retried(void **state)
{
    harness_t *h = itest_new_harness(state);
    assert_int_equal(harness_start_conf(h, CONF, NULL), 0);
    ex_client_t *c = harness_client(h, 10000);
    assert_non_null(c);

    char timer[128], id[160];
    wait_fired_summary(c, timer, sizeof(timer));
    snprintf(id, sizeof(id), "%s", timer); /* a summary job is named after its timer */
    Exemplar__Reply *r = wait_state(c, id, EXEMPLAR__JOB_STATE__JOB_READY, 5000);
    assert_string_equal(r->jobs->jobs[0]->timer, timer);
    ex_reply_free(r);

    /* w1 takes every summary job for one second and never acknowledges
     * ours; another quarter's job (when catch_up reaches two) it finishes,
     * so that ours is the only one left. */
    uint8_t t1[16] = {0}, t2[16], t3[16];
    ProtobufCBinaryData tok1 = {0, NULL}, tok2, tok3;
    r = lease(c, "w1", 1000, 100);
    assert_true(r->jobs->n_jobs >= 1);
    for (size_t i = 0; i < r->jobs->n_jobs; i++) {
        const Exemplar__Job *j = r->jobs->jobs[i];
        assert_int_equal(j->state, EXEMPLAR__JOB_STATE__JOB_LEASED);
        if (strcmp(j->id, id) == 0) {
            assert_int_equal(j->attempts, 1);
            copy_token(j, t1, &tok1);
            continue;
        }
        Exemplar__Reply *done = NULL;
        int rc = ack(c, j->id, j->lease_token, NULL, &done);
        itest_require_ok(rc, done, "ack of another quarter's job");
        ex_reply_free(done);
    }
    assert_non_null(tok1.data);
    ex_reply_free(r);
    /* While w1 holds it nobody else gets it. */
    r = lease(c, "w2", 1000, 1);
    assert_int_equal(r->jobs->n_jobs, 0);
    ex_reply_free(r);

    /* The daemon takes the lease back at its end: a failure naming w1. */
    r = wait_state(c, id, EXEMPLAR__JOB_STATE__JOB_READY, 10000);
    assert_int_equal(r->jobs->jobs[0]->failures, 1);
    assert_non_null(strstr(r->jobs->jobs[0]->last_error, "w1"));
    ex_reply_free(r);

    /* Handed out again, to w2, with another token. */
    r = lease(c, "w2", 60000, 1);
    assert_int_equal(r->jobs->n_jobs, 1);
    assert_string_equal(r->jobs->jobs[0]->id, id);
    assert_int_equal(r->jobs->jobs[0]->attempts, 2);
    copy_token(r->jobs->jobs[0], t2, &tok2);
    assert_memory_not_equal(t1, t2, 16);
    ex_reply_free(r);
    /* w1's token no longer acknowledges. */
    int rc = ack(c, id, tok1, NULL, &r);
    itest_require_error(rc, r, EX_ELEASE, "ack under the lease that ran out");
    ex_reply_free(r);

    /* w2 reports a failure: ready again, but only after the backoff (2 s
     * for the second failure). */
    int64_t before = now_ms();
    rc = ack(c, id, tok2, "the reports directory is full", &r);
    itest_require_ok(rc, r, "ack failed");
    assert_int_equal(r->jobs->jobs[0]->state, EXEMPLAR__JOB_STATE__JOB_READY);
    assert_int_equal(r->jobs->jobs[0]->failures, 2);
    assert_true(r->jobs->jobs[0]->available_ms >= before + 2000);
    int64_t available = r->jobs->jobs[0]->available_ms;
    ex_reply_free(r);
    r = lease(c, "w3", 60000, 1);
    if (now_ms() < available)
        assert_int_equal(r->jobs->n_jobs, 0); /* still backing off */
    ex_reply_free(r);
    int64_t deadline = now_ms() + 10000;
    for (;;) {
        r = lease(c, "w3", 60000, 1);
        if (r->jobs->n_jobs == 1)
            break;
        ex_reply_free(r);
        if (now_ms() > deadline)
            fail_msg("the job was not handed out again after its backoff");
        pause_ms(100);
    }
    assert_true(now_ms() >= available);
    assert_int_equal(r->jobs->jobs[0]->attempts, 3);
    copy_token(r->jobs->jobs[0], t3, &tok3);
    ex_reply_free(r);

    /* The third failure reaches max_attempts = 3: parked, leased to nobody. */
    rc = ack(c, id, tok3, "the reports directory is still full", &r);
    itest_require_ok(rc, r, "ack failed again");
    assert_int_equal(r->jobs->jobs[0]->state, EXEMPLAR__JOB_STATE__JOB_PARKED);
    assert_int_equal(r->jobs->jobs[0]->failures, 3);
    ex_reply_free(r);
    r = lease(c, "w4", 60000, 1);
    assert_int_equal(r->jobs->n_jobs, 0);
    ex_reply_free(r);

    /* An administrator retries it (the local socket is one): handed out,
     * done at last. */
    Exemplar__JobRetryRequest retry = EXEMPLAR__JOB_RETRY_REQUEST__INIT;
    retry.id = id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_JOB_RETRY;
    req.job_retry = &retry;
    rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "job_retry");
    ex_reply_free(r);
    r = lease(c, "w4", 60000, 1);
    assert_int_equal(r->jobs->n_jobs, 1);
    assert_int_equal(r->jobs->jobs[0]->failures, 0);
    copy_token(r->jobs->jobs[0], t3, &tok3);
    ex_reply_free(r);
    rc = ack(c, id, tok3, NULL, &r);
    itest_require_ok(rc, r, "ack done");
    assert_int_equal(r->jobs->jobs[0]->state, EXEMPLAR__JOB_STATE__JOB_DONE);
    ex_reply_free(r);
    ex_client_destroy(&c);

    /* A restart keeps the job done and the timer fired with its one job. */
    assert_int_equal(harness_stop(h), 0);
    assert_int_equal(harness_restart(h), 0);
    c = harness_client(h, 10000);
    assert_non_null(c);
    r = job(c, id);
    assert_int_equal(r->jobs->jobs[0]->state, EXEMPLAR__JOB_STATE__JOB_DONE);
    ex_reply_free(r);
    r = list(c, timer, true);
    assert_true(r->jobs->n_timers >= 1);
    assert_string_equal(r->jobs->timers[0]->id, timer);
    assert_int_equal(r->jobs->timers[0]->state, EXEMPLAR__TIMER_STATE__TIMER_FIRED);
    assert_int_equal(r->jobs->timers[0]->jobs, 1);
    ex_reply_free(r);
    ex_client_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(a_fired_summary_job_is_redelivered_backed_off_parked_and_retried,
                                  harness_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
