/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the change feed's outbox (daemon/outbox.c) over a real
 * ZeroMQ PUB socket on ipc:// in a temp dir, read by a SUB socket: queued
 * changes go out only at outbox_publish, in the order queued, each as a
 * topic frame (nomination.<unit>.<state>) and the encoded change; a
 * discarded queue never goes out; a topic too long is refused; the
 * published count follows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zmq.h>

#include <cmocka.h>

#include "errors.h"
#include "outbox.h"
#include "record.pb-c.h"
#include "tmpdir.h"

typedef struct {
    char dir[64], endpoint[128];
    void *zmq, *sub;
    outbox_t *o;
} fixture_t;

static Exemplar__Change change(uint64_t seq, const char *unit, Exemplar__State to)
{
    Exemplar__Change c = EXEMPLAR__CHANGE__INIT;
    c.seq = seq;
    c.nomination_id = 100 + seq;
    c.unit = (char *)unit;
    c.to = to;
    return c;
}

/* The next message within timeout_ms: its topic and the change's seq (0
 * when none came). */
static uint64_t next(fixture_t *f, int timeout_ms, char *topic, size_t tlen)
{
    zmq_pollitem_t it = {f->sub, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, timeout_ms) <= 0)
        return 0;
    int n = zmq_recv(f->sub, topic, tlen - 1, 0);
    assert_true(n >= 0);
    topic[n < (int)tlen - 1 ? n : (int)tlen - 1] = 0;
    int more = 0;
    size_t ml = sizeof(more);
    zmq_getsockopt(f->sub, ZMQ_RCVMORE, &more, &ml);
    assert_true(more);
    uint8_t buf[512];
    n = zmq_recv(f->sub, buf, sizeof(buf), 0);
    assert_true(n > 0);
    Exemplar__Change *c = exemplar__change__unpack(NULL, (size_t)n, buf);
    assert_non_null(c);
    uint64_t seq = c->seq;
    exemplar__change__free_unpacked(c, NULL);
    return seq;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    char err[256] = "", topic[160];
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/ex-outbox-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->endpoint, sizeof(f->endpoint), "ipc://%s/feed", f->dir);
    f->zmq = zmq_ctx_new();
    f->o = outbox_new(f->zmq, f->endpoint, err, sizeof(err));
    if (!f->o)
        fail_msg("outbox_new: %s", err);
    f->sub = zmq_socket(f->zmq, ZMQ_SUB);
    int linger = 0;
    zmq_setsockopt(f->sub, ZMQ_LINGER, &linger, sizeof(linger));
    assert_int_equal(zmq_setsockopt(f->sub, ZMQ_SUBSCRIBE, "nomination.", 11), 0);
    assert_int_equal(zmq_connect(f->sub, f->endpoint), 0);
    /* The subscription travels to the PUB socket on its own time: probe
     * changes (seq 999) are published until one arrives, then drained. */
    Exemplar__Change probe = change(999, "PROBE", EXEMPLAR__STATE__STATE_REGISTERED);
    uint64_t got = 0;
    for (int i = 0; i < 200 && got != 999; i++) {
        assert_int_equal(outbox_add(f->o, &probe), 0);
        outbox_publish(f->o);
        got = next(f, 25, topic, sizeof(topic));
    }
    assert_int_equal(got, 999);
    while (next(f, 100, topic, sizeof(topic)) == 999)
        ;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    zmq_close(f->sub);
    outbox_destroy(&f->o);
    assert_null(f->o);
    zmq_ctx_term(f->zmq);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static void changes_go_out_at_publish_in_order(void **state)
{
    fixture_t *f = *state;
    char topic[160];
    unsigned long long before = outbox_published(f->o);
    Exemplar__Change a = change(1, "BNV", EXEMPLAR__STATE__STATE_REGISTERED);
    Exemplar__Change b = change(2, "BNV", EXEMPLAR__STATE__STATE_FOSTERING);
    Exemplar__Change c = change(3, "BTC", EXEMPLAR__STATE__STATE_REGISTERED);
    assert_int_equal(outbox_add(f->o, &a), 0);
    assert_int_equal(outbox_add(f->o, &b), 0);
    assert_int_equal(outbox_add(f->o, &c), 0);
    /* Queued, not sent: the transaction has not committed. */
    assert_int_equal(next(f, 200, topic, sizeof(topic)), 0);
    assert_int_equal(outbox_published(f->o), before);
    outbox_publish(f->o);
    assert_int_equal(next(f, 2000, topic, sizeof(topic)), 1);
    assert_string_equal(topic, "nomination.BNV.registered");
    assert_int_equal(next(f, 2000, topic, sizeof(topic)), 2);
    assert_string_equal(topic, "nomination.BNV.fostering");
    assert_int_equal(next(f, 2000, topic, sizeof(topic)), 3);
    assert_string_equal(topic, "nomination.BTC.registered");
    assert_int_equal(outbox_published(f->o), before + 3);
    /* Published once: the queue is empty afterwards. */
    outbox_publish(f->o);
    assert_int_equal(next(f, 200, topic, sizeof(topic)), 0);
}

static void a_discarded_queue_never_goes_out(void **state)
{
    fixture_t *f = *state;
    char topic[160];
    Exemplar__Change lost = change(7, "BNV", EXEMPLAR__STATE__STATE_REGISTERED);
    Exemplar__Change kept = change(8, "BNV", EXEMPLAR__STATE__STATE_REGISTERED);
    assert_int_equal(outbox_add(f->o, &lost), 0);
    outbox_discard(f->o);
    assert_int_equal(outbox_add(f->o, &kept), 0);
    outbox_publish(f->o);
    /* The feed is ordered: the first message after the discard is seq 8. */
    assert_int_equal(next(f, 2000, topic, sizeof(topic)), 8);
    assert_int_equal(next(f, 200, topic, sizeof(topic)), 0);
}

static void a_topic_too_long_is_refused(void **state)
{
    fixture_t *f = *state;
    char topic[400];
    memset(topic, 'x', sizeof(topic) - 1);
    topic[sizeof(topic) - 1] = 0;
    Exemplar__Change c = change(9, "BNV", EXEMPLAR__STATE__STATE_REGISTERED);
    assert_int_equal(outbox_add_message(f->o, topic, &c.base), -EX_EINTERNAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(changes_go_out_at_publish_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(a_discarded_queue_never_goes_out, setup, teardown),
        cmocka_unit_test_setup_teardown(a_topic_too_long_is_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
