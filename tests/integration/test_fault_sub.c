/* SPDX-License-Identifier: MIT */
/*
 * Fault suite: a subscriber that stops reading.  A SUB socket with
 * the smallest queues ZeroMQ allows connects to the change feed, reads one
 * change (so its subscription has reached the daemon) and then reads nothing
 * while eight writers make 12 800 changes, more than the feed's high-water
 * mark (10 000 per subscriber, daemon/outbox.c).  Behaviour, not timings:
 *   - every change is acknowledged within a generous deadline (a PUB socket
 *     drops for a slow subscriber instead of blocking the daemon);
 *   - the daemon's anonymous memory (RssAnon: the heap, not the mapped
 *     database file) grows by less than a generous bound;
 *   - afterwards the subscriber catches up: it reads what it was sent (in
 *     order, no duplicate) and a ChangesRequest from the last sequence it
 *     saw returns every later change with no gap.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "fault.h"

enum {
    WRITERS = 8,
    PER_WRITER = 800, /* registrations; each is moved once too */
    CHANGES = WRITERS * PER_WRITER * 2,
    TIMEOUT_MS = 20000,
    DEADLINE_MS = 120000,      /* generous: the load alone takes a few seconds */
    RSS_BOUND_KIB = 24 * 1024, /* growth of RssAnon allowed (about 4 MiB seen) */
};

typedef struct {
    const char *api;
    int index;
    int64_t deadline;
    char failure[256];
} writer_t;

static void *writer_main(void *arg)
{
    writer_t *w = arg;
    ex_client_opts_t o = {.endpoint = w->api, .timeout_ms = TIMEOUT_MS, .retries = -1};
    ex_client_t *c = ex_client_new(&o);
    for (int i = 0; c && i < PER_WRITER && !w->failure[0]; i++) {
        if (fault_now_ms() > w->deadline) {
            snprintf(w->failure, sizeof(w->failure), "writer %d: deadline passed after %d",
                     w->index, i);
            break;
        }
        char name[64];
        snprintf(name, sizeof(name), "Cá nhân %d-%d", w->index, i);
        Exemplar__Reply *r = NULL;
        int rc = ex_register(c, 0, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL, name, NULL, &r);
        if (rc == 0 && !r->error) {
            uint64_t id = r->nomination->id;
            ex_reply_free(r);
            r = NULL;
            rc = ex_move(c, 0, id, EXEMPLAR__STATE__STATE_FOSTERING, 1, NULL, &r);
        }
        if (rc < 0 || r->error)
            snprintf(w->failure, sizeof(w->failure), "writer %d: %s", w->index,
                     rc < 0 ? ex_err_name(rc) : r->error->message);
        ex_reply_free(r);
    }
    ex_client_destroy(&c);
    return NULL;
}

/* Reads one [topic][Change] message; returns its seq, 0 when none came. */
static uint64_t read_change(void *sub, int timeout_ms)
{
    zmq_pollitem_t item = {.socket = sub, .events = ZMQ_POLLIN};
    if (zmq_poll(&item, 1, timeout_ms) <= 0)
        return 0;
    zmq_msg_t m;
    uint64_t seq = 0;
    int more = 1;
    while (more) {
        zmq_msg_init(&m);
        assert_true(zmq_msg_recv(&m, sub, 0) >= 0);
        more = zmq_msg_more(&m);
        if (!more) {
            Exemplar__Change *ch =
                exemplar__change__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
            assert_non_null(ch);
            seq = ch->seq;
            exemplar__change__free_unpacked(ch, NULL);
        }
        zmq_msg_close(&m);
    }
    return seq;
}

static void stalled_subscriber_does_not_hold_the_daemon(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    Exemplar__Reply *r = NULL;
    int rc = ex_info(c, &r);
    itest_require_ok(rc, r, "info");
    char events[128];
    snprintf(events, sizeof(events), "%s", r->info->events_endpoint);
    ex_reply_free(r);

    void *ctx = zmq_ctx_new();
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    int one = 1, zero = 0, small = 4096;
    assert_int_equal(zmq_setsockopt(sub, ZMQ_RCVHWM, &one, sizeof(one)), 0);
    assert_int_equal(zmq_setsockopt(sub, ZMQ_RCVBUF, &small, sizeof(small)), 0);
    assert_int_equal(zmq_setsockopt(sub, ZMQ_LINGER, &zero, sizeof(zero)), 0);
    assert_int_equal(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0), 0);
    assert_int_equal(zmq_connect(sub, events), 0);

    /* changes until one arrives: then the subscription is in place */
    uint64_t seen = 0;
    for (int i = 0; i < 200 && !seen; i++) {
        itest_register(c, "02", "Người đăng ký trước", NULL);
        seen = read_change(sub, 50);
    }
    assert_true(seen > 0);
    uint64_t start_seq = itest_last_seq(c);
    long rss0 = fault_status_kib(h->pid, "RssAnon");
    assert_true(rss0 > 0);

    /* the load, while the subscriber reads nothing */
    int64_t t0 = fault_now_ms();
    pthread_t t[WRITERS];
    writer_t w[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (writer_t){.api = h->api, .index = i, .deadline = t0 + DEADLINE_MS};
        assert_int_equal(pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < WRITERS; i++)
        if (w[i].failure[0])
            fail_msg("%s", w[i].failure);
    int64_t took = fault_now_ms() - t0;
    uint64_t last = itest_last_seq(c);
    assert_true(last == start_seq + CHANGES);
    long rss1 = fault_status_kib(h->pid, "RssAnon");
    print_message("sub: %d changes acknowledged in %" PRId64 " ms with a stalled subscriber; "
                  "daemon RssAnon %ld -> %ld KiB\n",
                  CHANGES, took, rss0, rss1);
#ifndef __SANITIZE_ADDRESS__
    /* Under AddressSanitizer freed memory waits in its quarantine, so the
     * daemon's footprint says nothing about what it holds: bound it only in
     * a plain build. */
    if (rss1 - rss0 > RSS_BOUND_KIB)
        fail_msg("the daemon's anonymous memory grew by %ld KiB (bound %d KiB)", rss1 - rss0,
                 RSS_BOUND_KIB);
#endif

    /* the subscriber wakes up: what it was sent is in order... */
    size_t got = 0;
    for (uint64_t seq; (seq = read_change(sub, 200)) != 0; got++) {
        if (seq <= seen)
            fail_msg("the feed sent %" PRIu64 " after %" PRIu64, seq, seen);
        seen = seq;
    }
    /* ...and it fills the rest from the change log by sequence */
    changes_t log = itest_changes(c, seen + 1);
    /* more changes than the feed's high-water mark: some were dropped */
    assert_true(seen < last);
    itest_require_contiguous(&log, seen + 1, last);
    print_message("sub: the subscriber read %zu more from the feed (up to %" PRIu64
                  "), then %zu from the log up to %" PRIu64 "\n",
                  got, seen, log.n, last);
    changes_free(&log);
    zmq_close(sub);
    zmq_ctx_term(ctx);
    ex_client_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(stalled_subscriber_does_not_hold_the_daemon, harness_setup,
                                        harness_teardown),
    };
    return cmocka_run_group_tests_name("fault_sub", tests, NULL, NULL);
}
