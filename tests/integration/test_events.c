/* SPDX-License-Identifier: MIT */
/*
 * Events in, notifications out, against the real daemon:
 *   - 10 000 events published in batches with duplicates mixed in leave
 *     exactly the distinct ones, across a kill -9 in the middle with a batch
 *     in flight, and every acknowledged event is there afterwards; the
 *     nominations naming a subject record each of its events once;
 *   - a publisher's PUB feed (bound here, listed in the daemon's
 *     configuration) with a deliberate gap: the gap is counted in stats, a
 *     late event fills it, garbage is dropped, and the daemon keeps going;
 *   - a subscriber filtering one unit's topic gets exactly that unit's
 *     changes (moves and evidence), in sequence order, and no events.
 * Nothing here sleeps: subscribers are proven live by probes.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "itest.h"

#define S(x) EXEMPLAR__STATE__STATE_##x
#define T(x) EXEMPLAR__EVENT_TYPE__EVENT_##x

enum {
    TIMEOUT_MS = 10000,
    DISTINCT = 10000, /* events in the first test */
    PUBLISHERS = 2,   /* they interleave */
    SUBJECTS = 500,
    BATCH_NEW = 80,  /* new events per batch ... */
    BATCH_DUPS = 20, /* ... and repeats of earlier ones */
    PROBES = 50,     /* probes before a subscriber counts as dead */
    PROBE_WAIT_MS = 200,
    RECV_MS = 5000,
};

static const char *const PUBS[PUBLISHERS] = {"moet", "gso"};

/* ---- building events ------------------------------------------------------ */

typedef struct {
    Exemplar__Event ev;
    Exemplar__TitleAwarded title;
    char id[32], subject[16];
} ev_t;

/* Distinct event k (0-based): publisher k % 2, its seq k / 2 + 1, subject
 * P<k % SUBJECTS>. */
static void make_event(ev_t *e, uint64_t k)
{
    memset(e, 0, sizeof(*e));
    exemplar__event__init(&e->ev);
    exemplar__title_awarded__init(&e->title);
    e->ev.publisher = (char *)PUBS[k % PUBLISHERS];
    e->ev.seq = k / PUBLISHERS + 1;
    snprintf(e->id, sizeof(e->id), "%s-%" PRIu64, PUBS[k % PUBLISHERS], e->ev.seq);
    snprintf(e->subject, sizeof(e->subject), "P%" PRIu64, k % SUBJECTS);
    e->ev.event_id = e->id;
    e->ev.subject = e->subject;
    e->ev.type = T(TITLE_AWARDED);
    e->ev.year = 2021 + (uint32_t)(k % 4);
    e->title.title = (char *)"Chiến sĩ thi đua cơ sở";
    e->ev.detail_case = EXEMPLAR__EVENT__DETAIL_TITLE_AWARDED;
    e->ev.title_awarded = &e->title;
}

/* ---- 10 000 events, duplicates, kill -9 ----------------------------------- */

/* A daemon whose subject index may lag by 1000 events only, so that evidence
 * is read from the index and from the log after it. */
static char lag_dir[64], lag_conf[96];

static int lagging_index_setup(void **state)
{
    char *dir = lag_dir, *conf = lag_conf;
    snprintf(lag_dir, sizeof(lag_dir), "/tmp/exev.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(lag_conf, sizeof(lag_conf), "%s/exemplard.conf", dir);
    FILE *f = fopen(conf, "w");
    if (!f)
        return -1;
    fprintf(f, "[rules]\nenforce = no\n[store]\nevents_index_lag = 1000\n");
    fclose(f);
    harness_t *h = calloc(1, sizeof(*h));
    const char *extra[] = {"--config", conf, NULL};
    if (!h || harness_start(h, extra) < 0) {
        free(h);
        return -1;
    }
    *state = h;
    return 0;
}

static int lagging_index_teardown(void **state)
{
    int rc = harness_teardown(state);
    unlink(lag_conf);
    rmdir(lag_dir);
    return rc;
}

typedef struct {
    uint64_t k[BATCH_NEW + BATCH_DUPS];
    size_t n;
} batch_t;

/* Publishes the batch, retrying across a daemon that is being restarted. */
static Exemplar__Reply *publish_batch(ex_client_t *c, const batch_t *b)
{
    static ev_t evs[BATCH_NEW + BATCH_DUPS];
    Exemplar__Event *v[BATCH_NEW + BATCH_DUPS];
    for (size_t i = 0; i < b->n; i++) {
        make_event(&evs[i], b->k[i]);
        v[i] = &evs[i].ev;
    }
    Exemplar__Reply *r = NULL;
    int rc = ex_publish(c, 0, v, b->n, &r);
    itest_require_ok(rc, r, "publish");
    assert_int_equal(r->publish->n_ingest_seqs, b->n);
    assert_int_equal(r->publish->accepted + r->publish->duplicates, b->n);
    return r;
}

/* Sends the batch on a raw socket and does not wait: it is in flight when
 * the daemon is killed. */
static void send_without_waiting(harness_t *h, const batch_t *b, void **sock)
{
    static ev_t evs[BATCH_NEW + BATCH_DUPS];
    Exemplar__Event *v[BATCH_NEW + BATCH_DUPS];
    for (size_t i = 0; i < b->n; i++) {
        make_event(&evs[i], b->k[i]);
        v[i] = &evs[i].ev;
    }
    Exemplar__PublishRequest pr = EXEMPLAR__PUBLISH_REQUEST__INIT;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    pr.events = v;
    pr.n_events = b->n;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.body_case = EXEMPLAR__REQUEST__BODY_PUBLISH;
    req.publish = &pr;
    size_t len = 0;
    uint8_t *buf = harness_pack(&req, &len);
    assert_non_null(buf);
    *sock = zmq_socket(ex_zmq_context(), ZMQ_DEALER);
    int zero = 0;
    assert_int_equal(zmq_setsockopt(*sock, ZMQ_LINGER, &zero, sizeof(zero)), 0);
    assert_int_equal(zmq_connect(*sock, h->api), 0);
    assert_int_equal(zmq_send(*sock, buf, len, 0), (int)len);
    free(buf);
}

static void count_evidence_changes(ex_client_t *c, uint64_t id, const char *subject,
                                   uint64_t expected)
{
    Exemplar__Reply *h = itest_history(c, id);
    uint64_t n = 0, last_event = 0;
    for (size_t i = 0; i < h->history->n_changes; i++) {
        const Exemplar__Change *ch = h->history->changes[i];
        if (strcmp(ch->verb, "evidence") != 0)
            continue;
        n++;
        assert_int_equal(ch->from, ch->to);
        assert_int_equal(ch->version, 1); /* evidence does not bump the version */
        if (ch->event_seq <= last_event)
            fail_msg("nomination %" PRIu64 ": evidence for event %" PRIu64 " after %" PRIu64, id,
                     ch->event_seq, last_event);
        last_event = ch->event_seq;
    }
    ex_reply_free(h);
    if (n != expected)
        fail_msg("nomination %" PRIu64 " (subject %s) recorded %" PRIu64
                 " evidence changes, the subject has %" PRIu64 " events",
                 id, subject, n, expected);
}

static void ten_thousand_events_with_duplicates_survive_a_kill_exactly_once(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, 2000);
    assert_non_null(c);
    itest_rng_t rng = {itest_seed("events")};

    /* A nomination that exists before its subject's events, and one that
     * is registered after them (kept events apply then). */
    Exemplar__Reply *r = NULL;
    int rc = ex_register_subject(c, 0, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL, "Trần Thị B", NULL,
                                 "P7", &r);
    itest_require_ok(rc, r, "register P7");
    uint64_t early = r->nomination->id;
    ex_reply_free(r);

    uint8_t *acked = calloc(DISTINCT, 1); /* acknowledged (as new or duplicate) */
    assert_non_null(acked);
    uint64_t next = 0, batches = 0, accepted = 0, dup_sent = 0;
    uint64_t kill_at = itest_rng_range(&rng, 30, 90); /* of ~125 batches */
    bool killed = false;
    while (next < DISTINCT) {
        batch_t b = {.n = 0};
        for (int i = 0; i < BATCH_NEW && next < DISTINCT; i++)
            b.k[b.n++] = next++;
        for (int i = 0; i < BATCH_DUPS && next > BATCH_NEW; i++) {
            b.k[b.n++] = itest_rng_range(&rng, 0, next - 1); /* may repeat within the batch */
            dup_sent++;
        }
        if (!killed && batches == kill_at) {
            void *sock = NULL;
            send_without_waiting(h, &b, &sock);
            assert_int_equal(harness_kill9(h), 0);
            zmq_close(sock);
            assert_int_equal(harness_restart(h), 0);
            killed = true;
            /* The batch in flight may or may not have committed: send it
             * again; whatever committed comes back as duplicates. */
        }
        r = publish_batch(c, &b);
        accepted += r->publish->accepted;
        for (size_t i = 0; i < b.n; i++)
            acked[b.k[i]] = 1;
        ex_reply_free(r);
        batches++;
    }
    assert_true(killed);

    rc = ex_register_subject(c, 0, "02", EXEMPLAR__KIND__KIND_INDIVIDUAL, "Lê Văn C", NULL, "P7",
                             &r);
    itest_require_ok(rc, r, "register P7 late");
    uint64_t late = r->nomination->id;
    ex_reply_free(r);

    /* Stats: exactly the distinct events, and every repeat was dropped. */
    rc = ex_stats(c, &r);
    itest_require_ok(rc, r, "stats");
    assert_int_equal(r->stats->events, DISTINCT);
    assert_int_equal(r->stats->gaps, 0);
    uint64_t dups = 0;
    for (size_t i = 0; i < r->stats->n_publishers; i++) {
        const Exemplar__PublisherStats *p = r->stats->publishers[i];
        assert_int_equal(p->events, DISTINCT / PUBLISHERS);
        assert_int_equal(p->last_seq, DISTINCT / PUBLISHERS);
        dups += p->duplicates;
    }
    assert_int_equal(r->stats->n_publishers, PUBLISHERS);
    /* Repeats: the mixed-in ones, plus what the in-flight batch committed. */
    assert_true(dups >= dup_sent && dups <= dup_sent + BATCH_NEW + BATCH_DUPS);
    assert_true(accepted <= DISTINCT);
    /* The index kept within its lag of the log while events kept coming. */
    if (r->stats->indexed < DISTINCT - 1000 - BATCH_NEW - BATCH_DUPS)
        fail_msg("the subject index covers %" PRIu64 " of %d events", r->stats->indexed, DISTINCT);
    ex_reply_free(r);

    /* The evidence ledger: every (publisher, seq) once, under its subject. */
    uint8_t *seen = calloc(DISTINCT, 1);
    assert_non_null(seen);
    uint64_t total = 0, p7 = 0;
    for (int s = 0; s < SUBJECTS; s++) {
        char subject[16];
        snprintf(subject, sizeof(subject), "P%d", s);
        uint64_t after = 0;
        bool more = true;
        while (more) {
            rc = ex_evidence(c, subject, after, 0, &r);
            itest_require_ok(rc, r, "evidence");
            for (size_t i = 0; i < r->event_list->n_events; i++) {
                const Exemplar__Event *e = r->event_list->events[i];
                int p = strcmp(e->publisher, PUBS[0]) == 0 ? 0 : 1;
                uint64_t k = (e->seq - 1) * PUBLISHERS + (uint64_t)p;
                assert_true(k < DISTINCT);
                assert_string_equal(e->subject, subject);
                if (seen[k]++)
                    fail_msg("event %s/%" PRIu64 " is stored twice", e->publisher, e->seq);
                assert_true(e->ingest_seq > after);
                after = e->ingest_seq;
                total++;
                p7 += s == 7;
            }
            more = r->event_list->more;
            ex_reply_free(r);
        }
    }
    assert_int_equal(total, DISTINCT);
    for (uint64_t k = 0; k < DISTINCT; k++)
        if (acked[k] && !seen[k])
            fail_msg("acknowledged event %" PRIu64 " is missing", k);
    assert_int_equal(p7, DISTINCT / SUBJECTS);

    /* Correlation: both nominations of P7 record each of its events once. */
    count_evidence_changes(c, early, "P7", p7);
    count_evidence_changes(c, late, "P7", p7);

    free(seen);
    free(acked);
    ex_client_destroy(&c);
}

/* ---- refusals ---------------------------------------------------------------- */

static void a_reused_seq_and_bad_fields_are_refused_and_nothing_is_stored(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    ev_t a, b;
    make_event(&a, 0);
    make_event(&b, 2); /* moet seq 2 */
    Exemplar__Event *v[2] = {&a.ev, &b.ev};
    Exemplar__Reply *r = NULL;
    int rc = ex_publish(c, 0, v, 1, &r);
    itest_require_ok(rc, r, "publish");
    ex_reply_free(r);

    /* seq 1 again with another event id, in a batch with a new event:
     * refused as a whole. */
    snprintf(b.id, sizeof(b.id), "another");
    b.ev.seq = 1;
    v[0] = &b.ev;
    make_event(&a, 4); /* moet seq 3: must not be stored either */
    v[1] = &a.ev;
    rc = ex_publish(c, 0, v, 2, &r);
    itest_require_error(rc, r, EX_EEVCONFLICT, "seq reused");
    ex_reply_free(r);

    make_event(&a, 4);
    a.ev.subject = (char *)"not a subject";
    v[0] = &a.ev;
    rc = ex_publish(c, 0, v, 1, &r);
    itest_require_error(rc, r, EX_EINVALID, "bad subject");
    assert_non_null(strstr(r->error->message, "event 0"));
    ex_reply_free(r);

    /* Vietnamese texts: a C1 control (U+0085) in a short one, and one of
     * 100 "ế" (300 bytes, over the 256 a text may have) are refused like
     * any other; a short clean one is checked without normalising it. */
    static const char *const BAD_TITLES[] = {"Chiến sĩ\xc2\x85thi đua", NULL};
    char long_title[512];
    for (int k = 0; k < 100; k++)
        memcpy(long_title + 3 * k, "ế", 3);
    long_title[300] = 0;
    for (int t = 0; t < 2; t++) {
        make_event(&a, 4);
        a.title.title = (char *)(BAD_TITLES[t] ? BAD_TITLES[t] : long_title);
        v[0] = &a.ev;
        rc = ex_publish(c, 0, v, 1, &r);
        itest_require_error(rc, r, EX_EINVALID, "bad title text");
        ex_reply_free(r);
    }

    rc = ex_stats(c, &r);
    itest_require_ok(rc, r, "stats");
    assert_int_equal(r->stats->events, 1);
    ex_reply_free(r);
    ex_client_destroy(&c);
}

/* ---- one batch, many publishers ------------------------------------------------ */

/* A gateway's batch interleaving 10 publishers (more than publish keeps
 * loaded at once), sent twice: each publisher's counters are its own; an
 * event twice in one request is stored once. */
static void a_batch_of_many_publishers_counts_each_once(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    enum { NPUB = 10, PER = 3 };
    ev_t evs[NPUB * PER];
    char names[NPUB][8];
    Exemplar__Event *v[NPUB * PER];
    for (int k = 0; k < NPUB * PER; k++) {
        make_event(&evs[k], (uint64_t)k);
        snprintf(names[k % NPUB], sizeof(names[0]), "p%d", k % NPUB);
        evs[k].ev.publisher = names[k % NPUB];
        evs[k].ev.seq = (uint64_t)(k / NPUB) + 1;
        v[k] = &evs[k].ev;
    }
    Exemplar__Reply *r = NULL;
    for (int round = 0; round < 2; round++) {
        int rc = ex_publish(c, 0, v, NPUB * PER, &r);
        itest_require_ok(rc, r, "publish");
        assert_int_equal(r->publish->accepted, round ? 0 : NPUB * PER);
        assert_int_equal(r->publish->duplicates, round ? NPUB * PER : 0);
        ex_reply_free(r);
    }
    /* One new event of each publisher, each sent twice in one request
     * (last event first): stored once, the second copy a duplicate. */
    Exemplar__Event *twice[2 * NPUB];
    for (int k = 0; k < NPUB; k++) {
        evs[k].ev.seq = PER + 1;
        snprintf(evs[k].id, sizeof(evs[k].id), "again-%d", k);
        twice[k] = twice[2 * NPUB - 1 - k] = &evs[k].ev;
    }
    int rc = ex_publish(c, 0, twice, 2 * NPUB, &r);
    itest_require_ok(rc, r, "publish twice in one request");
    assert_int_equal(r->publish->accepted, NPUB);
    assert_int_equal(r->publish->duplicates, NPUB);
    for (int k = 0; k < 2 * NPUB; k++)
        assert_true((r->publish->ingest_seqs[k] != 0) == (k < NPUB));
    ex_reply_free(r);

    rc = ex_stats(c, &r);
    itest_require_ok(rc, r, "stats");
    assert_int_equal(r->stats->n_publishers, NPUB);
    assert_int_equal(r->stats->events, NPUB * (PER + 1));
    for (size_t i = 0; i < r->stats->n_publishers; i++) {
        const Exemplar__PublisherStats *p = r->stats->publishers[i];
        assert_int_equal(p->events, PER + 1);
        assert_int_equal(p->last_seq, PER + 1);
        assert_int_equal(p->duplicates, PER + 1);
        assert_int_equal(p->gaps, 0);
    }
    ex_reply_free(r);
    ex_client_destroy(&c);
}

/* ---- a publisher's PUB feed with a gap ------------------------------------- */

typedef struct {
    char dir[64], conf[96], pub_ep[96];
    void *pub;
} feed_fixture_t;

/* Sends gso's event seq; with title set, that title, every '#' of the
 * encoding then replaced by a NUL (protobuf-c packs C strings). */
static void feed_send_titled(feed_fixture_t *f, uint64_t seq, const char *title)
{
    ev_t e;
    make_event(&e, (seq - 1) * PUBLISHERS + 1); /* publisher "gso", this seq */
    e.ev.publisher = (char *)"";                /* the configuration names the publisher */
    if (title)
        e.title.title = (char *)title;
    size_t len = exemplar__event__get_packed_size(&e.ev);
    uint8_t buf[512];
    assert_true(len <= sizeof(buf));
    exemplar__event__pack(&e.ev, buf);
    for (size_t i = 0; title && i < len; i++)
        if (buf[i] == '#')
            buf[i] = 0;
    assert_int_equal(zmq_send(f->pub, "gso.title", 9, ZMQ_SNDMORE), 9);
    assert_int_equal(zmq_send(f->pub, buf, len, 0), (int)len);
}

static void feed_send(feed_fixture_t *f, uint64_t seq)
{
    feed_send_titled(f, seq, NULL);
}

/* Waits on the daemon's feed for the event of publisher gso with seq. */
static void wait_stored(ex_sub_t *s, uint64_t seq)
{
    for (;;) {
        Exemplar__Event *e = NULL;
        int rc = ex_sub_next_event(s, RECV_MS, &e);
        if (rc < 0)
            fail_msg("waiting for gso seq %" PRIu64 " on the daemon's feed: %s", seq,
                     ex_err_name(rc));
        bool done = strcmp(e->publisher, "gso") == 0 && e->seq == seq;
        exemplar__event__free_unpacked(e, NULL);
        if (done)
            return;
    }
}

static const Exemplar__PublisherStats *gso_stats(const Exemplar__Reply *r)
{
    for (size_t i = 0; i < r->stats->n_publishers; i++)
        if (strcmp(r->stats->publishers[i]->name, "gso") == 0)
            return r->stats->publishers[i];
    fail_msg("stats has no publisher gso");
    return NULL;
}

static void a_publisher_feed_gap_is_counted_and_the_daemon_keeps_going(void **state)
{
    (void)state;
    feed_fixture_t f;
    snprintf(f.dir, sizeof(f.dir), "/tmp/exev.XXXXXX");
    assert_non_null(mkdtemp(f.dir));
    snprintf(f.conf, sizeof(f.conf), "%s/exemplard.conf", f.dir);
    snprintf(f.pub_ep, sizeof(f.pub_ep), "ipc://%s/pub.sock", f.dir);
    f.pub = zmq_socket(ex_zmq_context(), ZMQ_PUB);
    int zero = 0;
    assert_int_equal(zmq_setsockopt(f.pub, ZMQ_LINGER, &zero, sizeof(zero)), 0);
    assert_int_equal(zmq_bind(f.pub, f.pub_ep), 0);
    FILE *conf = fopen(f.conf, "w");
    assert_non_null(conf);
    fprintf(conf, "[rules]\nenforce = no\n[publisher.gso]\nendpoint = %s\ntopic = gso.\n",
            f.pub_ep);
    fclose(conf);

    harness_t *h = calloc(1, sizeof(*h));
    const char *extra[] = {"--config", f.conf, NULL};
    assert_int_equal(harness_start(h, extra), 0);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    Exemplar__Reply *r = NULL;
    int rc = ex_info(c, &r);
    itest_require_ok(rc, r, "info");
    ex_sub_t *s = ex_sub_new(r->info->events_endpoint, "");
    ex_reply_free(r);
    assert_non_null(s);

    /* Our subscription to the daemon first (probed with registrations),
     * then the daemon's to us (probed with seq 1; repeats are dropped). */
    bool live = false;
    for (int i = 0; i < PROBES && !live; i++) {
        itest_register(c, "01", "Thăm dò", NULL);
        Exemplar__Change *ch = NULL;
        live = ex_sub_next(s, PROBE_WAIT_MS, &ch) == 0;
        if (ch)
            exemplar__change__free_unpacked(ch, NULL);
    }
    assert_true(live);
    live = false;
    for (int i = 0; i < PROBES && !live; i++) {
        feed_send(&f, 1);
        Exemplar__Event *e = NULL;
        live = ex_sub_next_event(s, PROBE_WAIT_MS, &e) == 0;
        if (e)
            exemplar__event__free_unpacked(e, NULL);
    }
    assert_true(live);

    /* 2..10, then 13..20: 11 and 12 never come. */
    for (uint64_t seq = 2; seq <= 20; seq++)
        if (seq != 11 && seq != 12)
            feed_send(&f, seq);
    wait_stored(s, 20);
    rc = ex_stats(c, &r);
    itest_require_ok(rc, r, "stats");
    const Exemplar__PublisherStats *g = gso_stats(r);
    assert_int_equal(g->events, 18);
    assert_int_equal(g->last_seq, 20);
    assert_int_equal(g->gaps, 1);
    assert_int_equal(g->missing, 2);
    assert_string_equal(g->endpoint, f.pub_ep);
    ex_reply_free(r);

    /* Garbage and an event claiming another publisher are dropped; the
     * daemon keeps going: a late 11 fills part of the gap, 21 follows. */
    assert_int_equal(zmq_send(f.pub, "gso.x", 5, 0), 5);
    assert_int_equal(zmq_send(f.pub, "gso.x", 5, ZMQ_SNDMORE), 5);
    assert_int_equal(zmq_send(f.pub, "\xff\xff\xff", 3, 0), 3);
    feed_send(&f, 11);
    feed_send(&f, 21);
    wait_stored(s, 21);
    assert_int_equal(harness_alive(h), 1);
    rc = ex_stats(c, &r);
    itest_require_ok(rc, r, "stats");
    g = gso_stats(r);
    assert_int_equal(g->events, 20);
    assert_int_equal(g->late, 1);
    assert_int_equal(g->gaps, 1);
    assert_int_equal(g->last_seq, 21);
    ex_reply_free(r);

    /* A NUL inside a string is dropped whole, not stored cut at the NUL. */
    feed_send_titled(&f, 22, "Chi\xe1\xba\xbfn s\xc4\xa9#<script>");
    feed_send(&f, 23);
    wait_stored(s, 23);
    rc = ex_stats(c, &r);
    itest_require_ok(rc, r, "stats");
    g = gso_stats(r);
    assert_int_equal(g->events, 21); /* 23 stored, 22 not */
    assert_int_equal(g->last_seq, 23);
    ex_reply_free(r); /* (the drop is logged at most once per feed per 10 s) */

    ex_sub_destroy(&s);
    ex_client_destroy(&c);
    assert_int_equal(harness_stop(h), 0);
    harness_cleanup(h, 0);
    free(h);
    zmq_close(f.pub);
    unlink(f.conf);
    char sock[128];
    snprintf(sock, sizeof(sock), "%s/pub.sock", f.dir);
    unlink(sock);
    rmdir(f.dir);
}

/* ---- one unit's topic ---------------------------------------------------------- */

static void a_unit_topic_subscriber_gets_exactly_that_units_changes_in_order(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    Exemplar__Reply *r = NULL;
    int rc = ex_info(c, &r);
    itest_require_ok(rc, r, "info");
    ex_sub_t *s = ex_sub_new(r->info->events_endpoint, "nomination.01.");
    ex_reply_free(r);
    assert_non_null(s);

    uint64_t first = 0;
    for (int i = 0; i < PROBES && !first; i++) {
        itest_register(c, "01", "Thăm dò", NULL);
        Exemplar__Change *ch = NULL;
        if (ex_sub_next(s, PROBE_WAIT_MS, &ch) == 0) {
            first = ch->seq;
            exemplar__change__free_unpacked(ch, NULL);
        }
    }
    assert_true(first > 0);

    /* Units 01, 02 and 010 (which a careless "01" prefix would match), with
     * moves and evidence changes interleaved. */
    static const char *const units[] = {"01", "02", "010"};
    nom_t n[9];
    for (int i = 0; i < 9; i++) {
        char subject[16];
        snprintf(subject, sizeof(subject), "Q%d", i % 3);
        rc = ex_register_subject(c, 0, units[i % 3], EXEMPLAR__KIND__KIND_INDIVIDUAL, "Ứng viên",
                                 NULL, subject, &r);
        itest_require_ok(rc, r, "register");
        n[i] = itest_nom_of(r->nomination);
        ex_reply_free(r);
    }
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 9; i++)
            if ((i + round) % 2 == 0 && n[i].state != S(UNIT_REVIEWED))
                n[i] = itest_move(
                    c, &n[i], n[i].state == S(REGISTERED) ? S(FOSTERING) : S(UNIT_REVIEWED), NULL);
        ev_t e;
        make_event(&e, (uint64_t)round * PUBLISHERS); /* moet seq round+1 */
        snprintf(e.subject, sizeof(e.subject), "Q%d", round);
        Exemplar__Event *v[1] = {&e.ev};
        rc = ex_publish(c, 0, v, 1, &r);
        itest_require_ok(rc, r, "publish");
        ex_reply_free(r);
    }
    nom_t last = itest_register(c, "01", "Kết thúc", NULL);

    changes_t log = itest_changes(c, 1);
    itest_require_contiguous(&log, 1, last.last_seq);
    size_t expected = 0, evidence = 0;
    for (uint64_t seq = first + 1; seq <= last.last_seq; seq++) {
        const change_t *e = &log.v[seq - 1];
        if (strcmp(e->unit, "01") != 0)
            continue;
        Exemplar__Change *ch = NULL;
        rc = ex_sub_next(s, RECV_MS, &ch);
        if (rc < 0)
            fail_msg("unit 01 subscriber: seq %" PRIu64 " did not arrive (%s)", seq,
                     ex_err_name(rc));
        if (ch->seq != seq || strcmp(ch->unit, "01") != 0 || strcmp(ch->verb, e->verb) != 0)
            fail_msg("unit 01 subscriber: got seq %" PRIu64 " (unit %s, %s), expected seq %" PRIu64
                     " (%s)",
                     ch->seq, ch->unit, ch->verb, seq, e->verb);
        evidence += strcmp(ch->verb, "evidence") == 0;
        exemplar__change__free_unpacked(ch, NULL);
        expected++;
    }
    /* Nothing else is queued for it: the sentinel was the last unit-01 change. */
    Exemplar__Change *extra = NULL;
    rc = ex_sub_next(s, 200, &extra);
    if (rc == 0)
        fail_msg("unit 01 subscriber got an extra change seq %" PRIu64 " of unit %s", extra->seq,
                 extra->unit);
    assert_true(expected >= 10);
    assert_true(evidence >= 3); /* Q0's events reach unit 01's nominations */
    changes_free(&log);
    ex_sub_destroy(&s);
    ex_client_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            ten_thousand_events_with_duplicates_survive_a_kill_exactly_once, lagging_index_setup,
            lagging_index_teardown),
        cmocka_unit_test_setup_teardown(
            a_reused_seq_and_bad_fields_are_refused_and_nothing_is_stored, harness_setup,
            harness_teardown),
        cmocka_unit_test_setup_teardown(a_batch_of_many_publishers_counts_each_once, harness_setup,
                                        harness_teardown),
        cmocka_unit_test(a_publisher_feed_gap_is_counted_and_the_daemon_keeps_going),
        cmocka_unit_test_setup_teardown(
            a_unit_topic_subscriber_gets_exactly_that_units_changes_in_order, harness_setup,
            harness_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
