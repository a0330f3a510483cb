/* SPDX-License-Identifier: MIT */
/*
 * The change feed (guarantee 4): subscribers see every committed change in
 * seq order without gaps, topics are "nomination.<unit>.<state>" so a unit
 * prefix selects one unit, and a subscriber that joins late (or misses some)
 * catches up by sequence with ChangesRequest so that what it heard and what
 * it fetched are exactly 1..last.
 *
 * PUB/SUB drops what is published before a subscription reaches the
 * publisher (the slow joiner), so every subscriber is first proven live by
 * making a change and waiting for it; nothing here sleeps.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "itest.h"

#define S(x) EXEMPLAR__STATE__STATE_##x

enum {
    TIMEOUT_MS = 10000,
    PROBE_WAIT_MS = 200, /* per probe; probes repeat until one arrives */
    PROBE_DEADLINE = 50, /* probes before giving up (10 s) */
    RECV_MS = 5000,      /* a change already committed must arrive within this */
};

/* What one subscriber heard, flattened. */
typedef struct {
    change_t v[512];
    size_t n;
} heard_t;

static void heard_add(heard_t *h, const Exemplar__Change *ch)
{
    if (h->n == sizeof(h->v) / sizeof(h->v[0]))
        fail_msg("a subscriber heard more than %zu changes", h->n);
    change_t *x = &h->v[h->n++];
    memset(x, 0, sizeof(*x));
    x->seq = ch->seq;
    x->nomination_id = ch->nomination_id;
    x->prev_seq = ch->prev_seq;
    x->version = ch->version;
    x->from = ch->from;
    x->to = ch->to;
    snprintf(x->unit, sizeof(x->unit), "%s", ch->unit ? ch->unit : "");
    snprintf(x->verb, sizeof(x->verb), "%s", ch->verb ? ch->verb : "");
}

static char *events_endpoint(ex_client_t *c)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_info(c, &r);
    itest_require_ok(rc, r, "info");
    assert_non_null(r->info->events_endpoint);
    assert_true(r->info->events_endpoint[0] != '\0');
    char *ep = strdup(r->info->events_endpoint);
    ex_reply_free(r);
    return ep;
}

/* Makes probe changes in `unit` until s hears one; records what it heard. */
static void make_live(ex_client_t *c, ex_sub_t *s, const char *unit, heard_t *heard,
                      const char *who)
{
    for (int i = 0; i < PROBE_DEADLINE; i++) {
        itest_register(c, unit, "Thăm dò", NULL);
        Exemplar__Change *ch = NULL;
        int rc = ex_sub_next(s, PROBE_WAIT_MS, &ch);
        if (rc == -EX_EUNAVAIL)
            continue;
        if (rc < 0)
            fail_msg("%s: ex_sub_next failed: %s", who, ex_err_name(rc));
        heard_add(heard, ch);
        exemplar__change__free_unpacked(ch, NULL);
        return;
    }
    fail_msg("%s: no change arrived after %d probes", who, PROBE_DEADLINE);
}

/* Receives until the change with seq `last` has been heard. */
static void drain_until(ex_sub_t *s, uint64_t last, heard_t *heard, const char *who)
{
    while (heard->n == 0 || heard->v[heard->n - 1].seq < last) {
        Exemplar__Change *ch = NULL;
        int rc = ex_sub_next(s, RECV_MS, &ch);
        if (rc < 0)
            fail_msg("%s: waiting for seq %" PRIu64 " (last heard %" PRIu64 "): %s", who, last,
                     heard->n ? heard->v[heard->n - 1].seq : 0, ex_err_name(rc));
        heard_add(heard, ch);
        exemplar__change__free_unpacked(ch, NULL);
    }
}

static const change_t *log_entry(const changes_t *log, uint64_t seq)
{
    return seq >= 1 && seq <= log->n && log->v[seq - 1].seq == seq ? &log->v[seq - 1] : NULL;
}

static void require_same_change(const change_t *heard, const change_t *logged, const char *who)
{
    if (!logged)
        fail_msg("%s: heard seq %" PRIu64 ", which the change log does not have", who, heard->seq);
    if (heard->nomination_id != logged->nomination_id || heard->version != logged->version ||
        heard->to != logged->to || heard->from != logged->from ||
        strcmp(heard->unit, logged->unit) != 0 || strcmp(heard->verb, logged->verb) != 0)
        fail_msg("%s: seq %" PRIu64 " heard as (nomination %" PRIu64 " v%" PRIu64
                 " -> %d, unit %s, %s), logged as (nomination %" PRIu64 " v%" PRIu64
                 " -> %d, unit %s, %s)",
                 who, heard->seq, heard->nomination_id, heard->version, (int)heard->to, heard->unit,
                 heard->verb, logged->nomination_id, logged->version, (int)logged->to, logged->unit,
                 logged->verb);
}

/* Requires that what a subscriber heard is exactly the log from its first
 * heard seq to last: in order, each once, equal to the logged change. */
static void require_heard_all_from_first(const heard_t *heard, const changes_t *log, uint64_t last,
                                         const char *who)
{
    assert_true(heard->n > 0);
    uint64_t first = heard->v[0].seq;
    for (size_t i = 0; i < heard->n; i++) {
        if (heard->v[i].seq != first + i)
            fail_msg("%s: change %zu heard has seq %" PRIu64 ", expected %" PRIu64
                     " (a gap or a reordering)",
                     who, i, heard->v[i].seq, first + i);
        require_same_change(&heard->v[i], log_entry(log, heard->v[i].seq), who);
    }
    if (heard->v[heard->n - 1].seq != last)
        fail_msg("%s: heard up to %" PRIu64 ", the log ends at %" PRIu64, who,
                 heard->v[heard->n - 1].seq, last);
}

/* A workload over several units, including one ("010") that a careless
 * prefix filter for "01" would let through. */
static uint64_t workload(ex_client_t *c)
{
    static const char *const units[] = {"01", "02", "010", "79"};
    nom_t n[8];
    for (int i = 0; i < 8; i++)
        n[i] = itest_register(c, units[i % 4], "Ứng viên", NULL);
    for (int i = 0; i < 8; i++) {
        n[i] = itest_move(c, &n[i], S(FOSTERING), NULL);
        if (i % 2 == 0)
            n[i] = itest_move(c, &n[i], S(UNIT_REVIEWED), NULL);
        if (i % 3 == 0)
            n[i] = itest_move(c, &n[i], S(WITHDRAWN), "rút");
    }
    /* a sentinel in unit 01, so that every subscriber below hears the end */
    nom_t last = itest_register(c, "01", "Kết thúc", NULL);
    return last.last_seq;
}

static void subscribers_see_every_change_in_order_and_late_ones_catch_up(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    char *ep = events_endpoint(c);

    static heard_t all, unit01, late;
    memset(&all, 0, sizeof(all));
    memset(&unit01, 0, sizeof(unit01));
    memset(&late, 0, sizeof(late));

    ex_sub_t *sa = ex_sub_new(ep, "");
    ex_sub_t *su = ex_sub_new(ep, "nomination.01.");
    assert_non_null(sa);
    assert_non_null(su);
    make_live(c, sa, "01", &all, "subscriber to everything");
    make_live(c, su, "01", &unit01, "subscriber to unit 01");

    uint64_t last = workload(c);
    assert_true(last == itest_last_seq(c));

    drain_until(sa, last, &all, "subscriber to everything");
    drain_until(su, last, &unit01, "subscriber to unit 01");

    changes_t log = itest_changes(c, 1);
    itest_require_contiguous(&log, 1, last);

    /* everything, from the first change heard on */
    require_heard_all_from_first(&all, &log, last, "subscriber to everything");

    /* unit 01: exactly the log's unit-01 changes from its first on */
    size_t k = 0;
    for (uint64_t seq = unit01.v[0].seq; seq <= last; seq++) {
        const change_t *e = log_entry(&log, seq);
        assert_non_null(e);
        if (strcmp(e->unit, "01") != 0)
            continue;
        if (k >= unit01.n)
            fail_msg("subscriber to unit 01 missed seq %" PRIu64, seq);
        if (unit01.v[k].seq != seq)
            fail_msg("subscriber to unit 01 heard seq %" PRIu64 " where %" PRIu64 " was expected",
                     unit01.v[k].seq, seq);
        require_same_change(&unit01.v[k], e, "subscriber to unit 01");
        k++;
    }
    for (size_t i = 0; i < unit01.n; i++)
        if (strcmp(unit01.v[i].unit, "01") != 0)
            fail_msg("subscriber to unit 01 heard seq %" PRIu64 " of unit %s", unit01.v[i].seq,
                     unit01.v[i].unit);
    assert_int_equal(k, unit01.n);
    changes_free(&log);

    /* a late subscriber: live from some seq on, the rest fetched by seq */
    ex_sub_t *sl = ex_sub_new(ep, "");
    assert_non_null(sl);
    make_live(c, sl, "02", &late, "late subscriber");
    uint64_t first_live = late.v[0].seq;
    assert_true(first_live > last);
    nom_t end = itest_register(c, "79", "Sau cùng", NULL);
    drain_until(sl, end.last_seq, &late, "late subscriber");

    changes_t caught = itest_changes(c, 1);
    itest_require_contiguous(&caught, 1, end.last_seq);
    /* union: fetched 1..first_live-1, heard first_live..end, exactly once */
    bool *seen = calloc(end.last_seq + 1, sizeof(bool));
    assert_non_null(seen);
    for (size_t i = 0; i < caught.n && caught.v[i].seq < first_live; i++)
        seen[caught.v[i].seq] = true;
    for (size_t i = 0; i < late.n; i++) {
        uint64_t seq = late.v[i].seq;
        if (seq > end.last_seq || seen[seq])
            fail_msg("late subscriber: seq %" PRIu64 " heard twice or out of range", seq);
        seen[seq] = true;
        require_same_change(&late.v[i], log_entry(&caught, seq), "late subscriber");
    }
    for (uint64_t seq = 1; seq <= end.last_seq; seq++)
        if (!seen[seq])
            fail_msg("late subscriber: seq %" PRIu64 " neither heard nor fetched", seq);
    free(seen);
    changes_free(&caught);

    ex_sub_destroy(&sa);
    ex_sub_destroy(&su);
    ex_sub_destroy(&sl);
    assert_null(sa);
    free(ep);
    ex_client_destroy(&c);
}

static void feed_topics_name_unit_and_target_state(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    char *ep = events_endpoint(c);

    /* a raw SUB socket, to see the frames as any language would */
    void *ctx = zmq_ctx_new();
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    assert_non_null(sub);
    int zero = 0;
    zmq_setsockopt(sub, ZMQ_LINGER, &zero, sizeof(zero));
    assert_int_equal(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "nomination.", 11), 0);
    assert_int_equal(zmq_connect(sub, ep), 0);

    nom_t n = {0};
    bool live = false;
    char topic[128];
    uint8_t payload[4096];
    for (int i = 0; i < PROBE_DEADLINE && !live; i++) {
        n = itest_register(c, "79", "Chủ đề", NULL);
        zmq_pollitem_t it = {.socket = sub, .events = ZMQ_POLLIN};
        live = zmq_poll(&it, 1, PROBE_WAIT_MS) == 1;
    }
    if (!live)
        fail_msg("the raw subscriber heard nothing after %d probes", PROBE_DEADLINE);
    /* drain what the probes published, then make one move and read it */
    for (;;) {
        zmq_pollitem_t it = {.socket = sub, .events = ZMQ_POLLIN};
        uint64_t seq_probe = n.last_seq;
        int t = zmq_recv(sub, topic, sizeof(topic) - 1, 0);
        assert_true(t >= 0);
        int more = 0;
        size_t ml = sizeof(more);
        zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &ml);
        assert_true(more);
        int p = zmq_recv(sub, payload, sizeof(payload), 0);
        assert_true(p >= 0 && (size_t)p <= sizeof(payload));
        Exemplar__Change *ch = exemplar__change__unpack(NULL, (size_t)p, payload);
        assert_non_null(ch);
        uint64_t seq = ch->seq;
        exemplar__change__free_unpacked(ch, NULL);
        if (seq == seq_probe)
            break;
        if (zmq_poll(&it, 1, RECV_MS) != 1)
            fail_msg("the raw subscriber did not hear the last probe (seq %" PRIu64 ")", seq_probe);
    }

    n = itest_move(c, &n, S(FOSTERING), NULL);
    zmq_pollitem_t it = {.socket = sub, .events = ZMQ_POLLIN};
    assert_int_equal(zmq_poll(&it, 1, RECV_MS), 1);
    int t = zmq_recv(sub, topic, sizeof(topic) - 1, 0);
    assert_true(t >= 0 && (size_t)t < sizeof(topic));
    topic[t] = '\0';
    assert_string_equal(topic, "nomination.79.fostering");
    char want[64];
    assert_true(ex_topic_format(want, sizeof(want), "79", S(FOSTERING)) > 0);
    assert_string_equal(topic, want);
    int more = 0;
    size_t ml = sizeof(more);
    zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &ml);
    assert_true(more);
    int p = zmq_recv(sub, payload, sizeof(payload), 0);
    assert_true(p > 0 && (size_t)p <= sizeof(payload));
    zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &ml);
    if (more)
        fail_msg("a feed message has more than 2 frames");
    Exemplar__Change *ch = exemplar__change__unpack(NULL, (size_t)p, payload);
    assert_non_null(ch);
    assert_true(ch->seq == n.last_seq);
    assert_true(ch->nomination_id == n.id);
    assert_int_equal(ch->from, S(REGISTERED));
    assert_int_equal(ch->to, S(FOSTERING));
    assert_true(ch->version == 2);
    assert_string_equal(ch->verb, "foster");
    assert_string_equal(ch->unit, "79");
    assert_true(ch->prev_seq != 0 && ch->prev_seq < ch->seq);
    exemplar__change__free_unpacked(ch, NULL);

    zmq_close(sub);
    zmq_ctx_term(ctx);
    free(ep);
    ex_client_destroy(&c);
}

static void seqs_continue_without_gaps_across_a_restart(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    char *ep = events_endpoint(c);
    ex_sub_t *s = ex_sub_new(ep, "");
    assert_non_null(s);
    static heard_t before, after;
    memset(&before, 0, sizeof(before));
    memset(&after, 0, sizeof(after));
    make_live(c, s, "01", &before, "subscriber before the restart");
    nom_t n = itest_register(c, "02", "Trước", NULL);
    drain_until(s, n.last_seq, &before, "subscriber before the restart");
    ex_client_destroy(&c);

    assert_int_equal(harness_stop(h), 0);
    assert_int_equal(harness_restart(h), 0);
    c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    char *ep2 = events_endpoint(c);
    assert_string_equal(ep2, ep);

    /* the same subscriber reconnects by itself; prove it live again */
    make_live(c, s, "01", &after, "subscriber after the restart");
    if (after.v[0].seq <= n.last_seq)
        fail_msg("after the restart seq %" PRIu64 " was published again (last before: %" PRIu64 ")",
                 after.v[0].seq, n.last_seq);
    nom_t m = itest_register(c, "02", "Sau", NULL);
    drain_until(s, m.last_seq, &after, "subscriber after the restart");

    changes_t log = itest_changes(c, 1);
    itest_require_contiguous(&log, 1, m.last_seq);
    require_heard_all_from_first(&after, &log, m.last_seq, "subscriber after the restart");
    /* what was missed while the daemon was down is fetched by seq */
    changes_t missed = itest_changes(c, n.last_seq + 1);
    itest_require_contiguous(&missed, n.last_seq + 1, m.last_seq);
    changes_free(&missed);
    changes_free(&log);

    ex_sub_destroy(&s);
    free(ep);
    free(ep2);
    ex_client_destroy(&c);
}

static void changes_request_pages_by_seq(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t n = itest_register(c, "01", "Một", NULL);
    n = itest_move(c, &n, S(FOSTERING), NULL);
    n = itest_move(c, &n, S(UNIT_REVIEWED), NULL);
    itest_register(c, "02", "Hai", NULL);
    uint64_t last = itest_last_seq(c);
    assert_true(last == 4);

    Exemplar__Reply *r = NULL;
    int rc = ex_changes(c, 2, 2, &r);
    itest_require_ok(rc, r, "changes from 2, limit 2");
    assert_int_equal(r->changes->n_changes, 2);
    assert_true(r->changes->changes[0]->seq == 2);
    assert_true(r->changes->changes[1]->seq == 3);
    assert_true(r->changes->last_seq == 4);
    ex_reply_free(r);

    /* beyond the end: nothing yet, and where the end is */
    rc = ex_changes(c, last + 1, 0, &r);
    itest_require_ok(rc, r, "changes from last + 1");
    assert_int_equal(r->changes->n_changes, 0);
    assert_true(r->changes->last_seq == last);
    ex_reply_free(r);
    rc = ex_changes(c, 1000000, 10, &r);
    itest_require_ok(rc, r, "changes from far beyond the end");
    assert_int_equal(r->changes->n_changes, 0);
    ex_reply_free(r);

    /* the log entries are the histories' entries */
    changes_t log = itest_changes(c, 1);
    itest_require_contiguous(&log, 1, last);
    assert_true(log.v[0].nomination_id == n.id);
    assert_true(log.v[2].nomination_id == n.id);
    assert_true(log.v[2].prev_seq == 2);
    assert_string_equal(log.v[2].verb, "review-unit");
    assert_string_equal(log.v[3].unit, "02");
    changes_free(&log);
    ex_client_destroy(&c);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, harness_setup, harness_teardown)
    const struct CMUnitTest tests[] = {
        T(subscribers_see_every_change_in_order_and_late_ones_catch_up),
        T(feed_topics_name_unit_and_target_state),
        T(seqs_continue_without_gaps_across_a_restart),
        T(changes_request_pages_by_seq),
    };
#undef T
    return cmocka_run_group_tests_name("feed", tests, NULL, NULL);
}
