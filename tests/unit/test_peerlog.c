/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of daemon/peerlog.c: every kind of peer mistake has its own
 * budget of PEERLOG_BURST lines per window (a flood of new connections or
 * of bad messages cannot flood the journal), and a connection is reported
 * as closed unheard (an oversized message) only when no message of it
 * arrived and no failed handshake explains it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <stdio.h>

#include <cmocka.h>
#include <zmq.h>

#include "log.h"
#include "peerlog.h"

static void each_kind_has_its_own_burst(void **state)
{
    (void)state;
    log_set_level(LOG_ERR); /* the lines themselves are not the point here */
    int logged = 0;
    for (int i = 0; i < 100; i++)
        logged += peerlog(PEERLOG_CONNECTED, LOG_INFO, "auth, client %d connected", i);
    assert_int_equal(logged, PEERLOG_BURST);
    assert_int_equal(peerlog_suppressed_total(PEERLOG_CONNECTED), 100 - PEERLOG_BURST);
    /* connections used up their budget, not that of malformed messages */
    assert_true(peerlog_may(PEERLOG_MALFORMED));
    assert_true(peerlog(PEERLOG_MALFORMED, LOG_WARNING, "api, a malformed message"));
    assert_false(peerlog_may(PEERLOG_CONNECTED));
}

static void only_connections_closed_unheard_are_reported(void **state)
{
    (void)state;
    log_set_level(LOG_ERR);
    unsigned long long before = peerlog_suppressed_total(PEERLOG_OVERSIZED);
    /* a client that sent a request, then closed: nothing to say */
    peerlog_monitor_event("ipc://x", ZMQ_EVENT_ACCEPTED, 7);
    peerlog_message_from(7);
    peerlog_monitor_event("ipc://x", ZMQ_EVENT_DISCONNECTED, 7);
    /* a failed handshake, then its close: logged as a handshake failure */
    peerlog_monitor_event("tcp://x", ZMQ_EVENT_ACCEPTED, 8);
    peerlog_monitor_event("tcp://x", ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, 71);
    peerlog_monitor_event("tcp://x", ZMQ_EVENT_DISCONNECTED, 8);
    assert_true(peerlog_may(PEERLOG_OVERSIZED));
    /* closes with no message: the burst is logged, the rest counted */
    for (uint32_t fd = 10; fd < 10 + PEERLOG_BURST + 3; fd++) {
        peerlog_monitor_event("ipc://x", ZMQ_EVENT_ACCEPTED, fd);
        peerlog_monitor_event("ipc://x", ZMQ_EVENT_DISCONNECTED, fd);
    }
    /* a message read after its connection's close still counts: fd 30's
     * close is never reported */
    peerlog_monitor_event("ipc://x", ZMQ_EVENT_ACCEPTED, 30);
    peerlog_monitor_event("ipc://x", ZMQ_EVENT_DISCONNECTED, 30);
    peerlog_message_from(30);
    /* closes are judged after their grace, not when seen */
    assert_true(peerlog_may(PEERLOG_OVERSIZED));
    long due = peerlog_flush();
    assert_true(due > 0 && due <= PEERLOG_CLOSE_GRACE_MS);
    struct timespec wait = {0, (PEERLOG_CLOSE_GRACE_MS + 20) * 1000000L};
    nanosleep(&wait, NULL);
    assert_int_equal(peerlog_flush(), -1);
    assert_false(peerlog_may(PEERLOG_OVERSIZED));
    assert_int_equal(peerlog_suppressed_total(PEERLOG_OVERSIZED) - before, 3);
    /* a descriptor out of the tracked range is ignored, not a crash */
    peerlog_monitor_event("ipc://x", ZMQ_EVENT_ACCEPTED, 1u << 30);
    peerlog_message_from(-1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_kind_has_its_own_burst),
        cmocka_unit_test(only_connections_closed_unheard_are_reported),
    };
    return cmocka_run_group_tests_name("peerlog", tests, NULL, NULL);
}
