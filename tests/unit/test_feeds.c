/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the publisher feeds (daemon/feeds.c) against a real ZeroMQ
 * PUB socket on ipc:// in a temp dir, standing for an agency service: a
 * [publisher.NAME] feed turns each [topic][exemplar.Event] into a
 * PublishRequest acted by that publisher (an event without a publisher
 * becomes the section's own); only the configured topic prefixes arrive;
 * one frame, three frames, a body that does not decode or a string with a
 * NUL byte are dropped and the feed goes on with the next message.
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

#include "config.h"
#include "errors.h"
#include "events.pb-c.h"
#include "feeds.h"
#include "nom.h"
#include "records.h"
#include "wire.pb-c.h"
#include "tmpdir.h"

typedef struct {
    char dir[64], endpoint[128];
    void *zmq, *pub;
    config_t cfg;
    feeds_t *feeds;
} fixture_t;

/* Sends [topic][event seq, subject] (publisher as given). */
static void send_event(fixture_t *f, const char *topic, uint64_t seq, const char *publisher)
{
    Exemplar__Event e = EXEMPLAR__EVENT__INIT;
    e.publisher = (char *)publisher;
    e.event_id = "ev";
    e.seq = seq;
    e.subject = "CCCD-1";
    size_t len = 0;
    uint8_t *buf = records_pack(&e.base, &len);
    assert_non_null(buf);
    assert_true(zmq_send(f->pub, topic, strlen(topic), ZMQ_SNDMORE) >= 0);
    assert_true(zmq_send(f->pub, buf, len, 0) >= 0);
    free(buf);
}

/* The next message of the feed within timeout_ms: 1 with the event's seq and
 * publisher, 0 dropped, -1 none. */
static int receive(fixture_t *f, int timeout_ms, uint64_t *seq, char *publisher, size_t plen,
                   actor_t *actor)
{
    zmq_pollitem_t it = {feeds_socket(f->feeds, 0), 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, timeout_ms) <= 0)
        return -1;
    uint8_t *req = NULL;
    size_t len = 0;
    int rc = feeds_receive(f->feeds, 0, &req, &len, actor);
    if (rc != 1)
        return rc;
    Exemplar__Request *r = exemplar__request__unpack(NULL, len, req);
    free(req);
    assert_non_null(r);
    assert_int_equal(r->body_case, EXEMPLAR__REQUEST__BODY_PUBLISH);
    assert_int_equal(r->publish->n_events, 1);
    *seq = r->publish->events[0]->seq;
    snprintf(publisher, plen, "%s", r->publish->events[0]->publisher);
    exemplar__request__free_unpacked(r, NULL);
    return 1;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    char err[256] = "", pubname[64];
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/ex-feeds-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->endpoint, sizeof(f->endpoint), "ipc://%s/tax", f->dir);
    f->zmq = zmq_ctx_new();
    f->pub = zmq_socket(f->zmq, ZMQ_PUB);
    int linger = 0;
    zmq_setsockopt(f->pub, ZMQ_LINGER, &linger, sizeof(linger));
    assert_int_equal(zmq_bind(f->pub, f->endpoint), 0);
    config_defaults(&f->cfg);
    if (config_set(&f->cfg, "publisher.tax", "endpoint", f->endpoint, err, sizeof(err)) < 0 ||
        config_set(&f->cfg, "publisher.tax", "topic", "event.", err, sizeof(err)) < 0)
        fail_msg("%s", err);
    f->feeds = feeds_new(&f->cfg, err, sizeof(err));
    if (!f->feeds)
        fail_msg("feeds_new: %s", err);
    assert_int_equal(feeds_count(f->feeds), 1);
    /* The connection comes up on its own time: probes (seq 999) are sent
     * until one arrives, then the rest are drained. */
    uint64_t seq = 0;
    actor_t a;
    for (int i = 0; i < 200 && seq != 999; i++) {
        send_event(f, "event.probe", 999, "tax");
        if (receive(f, 25, &seq, pubname, sizeof(pubname), &a) != 1)
            seq = 0;
    }
    assert_int_equal(seq, 999);
    while (receive(f, 100, &seq, pubname, sizeof(pubname), &a) == 1)
        ;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    feeds_destroy(&f->feeds);
    zmq_close(f->pub);
    zmq_ctx_term(f->zmq);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static void an_event_becomes_a_publish_request_of_its_publisher(void **state)
{
    fixture_t *f = *state;
    uint64_t seq = 0;
    char publisher[64];
    actor_t a;
    send_event(f, "other.topic", 1, "tax"); /* not a configured prefix */
    send_event(f, "event.title", 2, "");
    assert_int_equal(receive(f, 2000, &seq, publisher, sizeof(publisher), &a), 1);
    assert_int_equal(seq, 2); /* seq 1 was filtered away */
    assert_string_equal(publisher, "tax");
    assert_string_equal(a.name, "tax");
    assert_int_equal(a.role, ROLE_PUBLISHER);
    send_event(f, "event.title", 3, "tax");
    assert_int_equal(receive(f, 2000, &seq, publisher, sizeof(publisher), &a), 1);
    assert_int_equal(seq, 3);
    assert_int_equal(receive(f, 200, &seq, publisher, sizeof(publisher), &a), -1);
}

static void malformed_messages_are_dropped_and_the_feed_goes_on(void **state)
{
    fixture_t *f = *state;
    uint64_t seq = 0;
    char publisher[64];
    actor_t a;
    /* one frame */
    assert_true(zmq_send(f->pub, "event.x", 7, 0) >= 0);
    assert_int_equal(receive(f, 2000, &seq, publisher, sizeof(publisher), &a), 0);
    /* three frames */
    assert_true(zmq_send(f->pub, "event.x", 7, ZMQ_SNDMORE) >= 0);
    assert_true(zmq_send(f->pub, "", 0, ZMQ_SNDMORE) >= 0);
    assert_true(zmq_send(f->pub, "", 0, 0) >= 0);
    assert_int_equal(receive(f, 2000, &seq, publisher, sizeof(publisher), &a), 0);
    /* a body that is not an Event */
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    assert_true(zmq_send(f->pub, "event.x", 7, ZMQ_SNDMORE) >= 0);
    assert_true(zmq_send(f->pub, junk, sizeof(junk), 0) >= 0);
    assert_int_equal(receive(f, 2000, &seq, publisher, sizeof(publisher), &a), 0);
    /* a subject with a NUL byte (protobuf-c would cut it there) */
    static const uint8_t nul[] = {0x2a, 0x03, 'a', 0, 'b'}; /* field 5, "a\0b" */
    assert_true(zmq_send(f->pub, "event.x", 7, ZMQ_SNDMORE) >= 0);
    assert_true(zmq_send(f->pub, nul, sizeof(nul), 0) >= 0);
    assert_int_equal(receive(f, 2000, &seq, publisher, sizeof(publisher), &a), 0);
    /* and the next good one still comes through */
    send_event(f, "event.title", 4, "tax");
    assert_int_equal(receive(f, 2000, &seq, publisher, sizeof(publisher), &a), 1);
    assert_int_equal(seq, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(an_event_becomes_a_publish_request_of_its_publisher, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(malformed_messages_are_dropped_and_the_feed_goes_on, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
