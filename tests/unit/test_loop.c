/* SPDX-License-Identifier: MIT */
/*
 * The event loop (daemon/loop.c) on a real api over LMDB in a temp dir:
 * sources registered with the loop are polled and their handlers run (an
 * inproc PAIR socket, a timerfd, the signalfd that stops it), and the poll
 * sleeps until the next deadline instead of a fixed second: the first
 * housekeeping comes a second after start, then a job lease stored to run
 * out 1.4 s after start sets the timeout, the jobs' tick takes the lease
 * back then, and the loop plans to sleep for seconds afterwards.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include <cmocka.h>

#include "api.h"
#include "config.h"
#include "jobs.h"
#include "loop.h"
#include "outbox.h"
#include "store.h"
#include "fixture.h"

typedef struct {
    fixture_t fx; /* the store, an outbox and the configuration */
    api_t *api;
    loop_t *loop;
    int sfd, tfd;
    void *pair_in, *pair_out;
    /* what the handlers saw */
    int pair_calls, timer_calls;
    long first_timeout, timer_timeout[2];
    int64_t started_ms;
} test_t;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int setup(void **state)
{
    test_t *f = calloc(1, sizeof(*f));
    char err[256];
    assert_non_null(f);
    fixture_open(&f->fx);
    fixture_outbox(&f->fx);
    f->api = api_new(f->fx.store, f->fx.outbox, &f->fx.cfg, err, sizeof(err));
    assert_non_null(f->api);
    /* SIGTERM through a signalfd, as exemplard does */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    assert_int_equal(sigprocmask(SIG_BLOCK, &set, NULL), 0);
    f->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    assert_true(f->sfd >= 0);
    f->loop = loop_new(&f->fx.cfg, f->api, NULL, f->sfd);
    assert_non_null(f->loop);
    f->pair_in = zmq_socket(f->fx.zmq, ZMQ_PAIR);
    f->pair_out = zmq_socket(f->fx.zmq, ZMQ_PAIR);
    assert_int_equal(zmq_bind(f->pair_in, "inproc://test-loop"), 0);
    assert_int_equal(zmq_connect(f->pair_out, "inproc://test-loop"), 0);
    f->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    assert_true(f->tfd >= 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    test_t *f = *state;
    loop_destroy(&f->loop);
    assert_null(f->loop);
    zmq_close(f->pair_in);
    zmq_close(f->pair_out);
    close(f->tfd);
    close(f->sfd);
    api_destroy(&f->api);
    fixture_close(&f->fx);
    free(f);
    return 0;
}

/* The PAIR socket's handler: takes the message, notes the turn's timeout. */
static void on_pair(void *arg)
{
    test_t *f = arg;
    char buf[16];
    while (zmq_recv(f->pair_in, buf, sizeof(buf), ZMQ_DONTWAIT) >= 0)
        f->pair_calls++;
    f->first_timeout = loop_last_timeout(f->loop);
}

/* The timerfd's handler, at 1.2 s (before the lease ran out) and at 2.5 s
 * (after): notes the turn's timeout; the second stops the loop the way
 * systemd does. */
static void on_timer(void *arg)
{
    test_t *f = arg;
    uint64_t n;
    if (read(f->tfd, &n, sizeof(n)) != (ssize_t)sizeof(n) || f->timer_calls >= 2)
        return;
    f->timer_timeout[f->timer_calls++] = loop_last_timeout(f->loop);
    if (f->timer_calls == 2)
        raise(SIGTERM);
}

static void put_leased_job(test_t *f, int64_t until_ms)
{
    store_txn_t t;
    Exemplar__Job j;
    exemplar__job__init(&j);
    j.id = (char *)"loop-test/1";
    j.kind = EXEMPLAR__JOB_KIND__JOB_REMIND_DEADLINE;
    j.state = EXEMPLAR__JOB_STATE__JOB_LEASED;
    j.attempts = 1;
    j.worker = (char *)"w1";
    j.available_ms = until_ms;
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    jobs_put(&t, &j, NULL);
    assert_int_equal(store_txn_commit(&t), 0);
}

static int job_state(test_t *f)
{
    store_txn_t t;
    Exemplar__Job *j = NULL;
    assert_int_equal(store_txn_begin(f->fx.store, false, &t), 0);
    assert_int_equal(jobs_get(&t, "loop-test/1", &j), 0);
    int s = j->state;
    exemplar__job__free_unpacked(j, NULL);
    store_txn_abort(&t);
    return s;
}

static void registered_sources_run_and_the_poll_sleeps_until_the_next_deadline(void **state)
{
    test_t *f = *state;
    /* request sources are api sockets only */
    assert_int_equal(loop_add(f->loop, f->pair_in, -1, LOOP_REQUESTS, on_pair, f), -1);
    assert_int_equal(loop_add(f->loop, f->pair_in, -1, LOOP_EVENTS, on_pair, f), 0);
    assert_int_equal(loop_add(f->loop, NULL, f->tfd, LOOP_EVENTS, on_timer, f), 0);

    put_leased_job(f, api_now_ms() + 1400);
    assert_int_equal(zmq_send(f->pair_out, "hi", 2, 0), 2);
    /* the timerfd fires at 1.2 s, then 1.3 s later: before any status */
    struct itimerspec its = {.it_value = {1, 200000000}, .it_interval = {1, 300000000}};
    assert_int_equal(timerfd_settime(f->tfd, 0, &its, NULL), 0);

    f->started_ms = mono_ms();
    assert_int_equal(loop_run(f->loop), 0);
    int64_t took = mono_ms() - f->started_ms;

    assert_int_equal(f->pair_calls, 1);
    assert_int_equal(f->timer_calls, 2);
    /* The first turn slept toward the first housekeeping, a second on. */
    assert_true(f->first_timeout <= 1000 && f->first_timeout >= 850);
    /* After it, the loop slept toward the lease's end (1.4 s), not a second:
     * the turn the timerfd woke at 1.2 s had planned about 400 ms. */
    assert_true(f->timer_timeout[0] <= 400 && f->timer_timeout[0] >= 250);
    /* the jobs' tick took the lease back once it had run out */
    assert_int_not_equal(job_state(f), EXEMPLAR__JOB_STATE__JOB_LEASED);
    /* Afterwards nothing was due for seconds: the turn the timerfd woke at
     * 2.5 s had planned to sleep until STATUS= (5 s from the start). */
    assert_true(f->timer_timeout[1] > 2000);
    assert_true(took >= 2500 && took < 4500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            registered_sources_run_and_the_poll_sleeps_until_the_next_deadline, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
