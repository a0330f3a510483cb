/* SPDX-License-Identifier: MIT */
/*
 * The event loop (see loop.h).  Requests arrive on a ROUTER as
 * [identity][payload] from DEALER clients or [identity][empty][payload] from
 * REQ clients; replies go back in the same shape.
 */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "auth.h"
#include "errors.h"
#include "feeds.h"
#include "log.h"
#include "peerlog.h"
#include "sdnotify.h"
#include "wire.pb-c.h"

#define QUIET_MS              50   /* api silence after which background work runs */
#define STATUS_MS             5000 /* STATUS= refreshed (and the metrics, for their clocks) */
#define METRICS_MS            1000 /* at most this late, the metrics snapshot after a change */
#define FIRST_HOUSEKEEPING_MS 1000 /* after start: the first requests come first */
#define QUIET_AFTER_MS        1000 /* after requests, a quiet step at the latest this late */

typedef struct {
    zmq_msg_t identity;
    zmq_msg_t payload;
    void *sock;     /* the api socket it came from: the reply goes back there */
    bool delimiter; /* the peer is a REQ socket: echo the empty frame */
    int feed;       /* -1: from the api socket; else the publisher feed it came from */
    uint8_t *owned; /* a feed's request (the messages are then unused) */
} inbound_t;

/* A reply built on writes whose log record is not durable yet: sent, in
 * order, once it is (the write-ahead log's pipelining, api_unacked_seq). */
typedef struct {
    uint64_t seq;
    zmq_msg_t identity;
    void *sock;
    bool delimiter;
    int feed; /* -1: an api socket's request; else the feed answered */
    uint8_t *reply;
    size_t len;
} held_t;

/* One registered source.  The stage says when in a turn it is served:
 * control sources (signals) first, then request sources (api sockets and
 * publisher feeds) are read into the batch, then event sources (ZAP, the
 * monitors).  */
typedef struct {
    void *socket;
    int fd;
    loop_stage_t stage;
    loop_handler_fn *handler; /* control and event sources */
    void *arg;
    loop_actor_fn *actor; /* api sockets: who sent a message */
    int feed;             /* publisher feeds: their index; else -1 */
} source_t;

struct loop {
    const config_t *cfg;
    api_t *api;
    int signal_fd;
    feeds_t *feeds;        /* publisher feeds, read as requests */
    source_t *src;         /* the registered sources, in registration order */
    zmq_pollitem_t *items; /* one per source, the same order */
    size_t nsrc, capsrc;
    inbound_t *in;
    api_call_t *calls;
    size_t count;
    bool stop;
    bool backlog;       /* api_background has more to do */
    metrics_t *metrics; /* the Prometheus snapshot, or NULL */
    bool metrics_stale; /* something changed since the last refresh */
    int64_t next_watchdog, next_status, next_metrics;
    int64_t housekeeping_from; /* wall clock: no housekeeping before */
    int64_t quiet_due;         /* a quiet step owed after requests; 0: none */
    uint64_t watchdog_ms;
    long last_timeout; /* the poll timeout of the last turn (loop_last_timeout) */
    loop_reload_fn reload;
    void *reload_arg;
    bool reload_failed;
    unsigned long long dropped; /* messages with no way to answer */
    held_t *held;               /* replies waiting for the log, oldest first */
    size_t nheld, capheld;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int add_source(loop_t *l, source_t src)
{
    if (l->nsrc == l->capsrc) {
        size_t cap = l->capsrc ? l->capsrc * 2 : 16;
        source_t *v = realloc(l->src, cap * sizeof(*v));
        if (!v)
            return -1;
        l->src = v;
        zmq_pollitem_t *it = realloc(l->items, cap * sizeof(*it));
        if (!it)
            return -1;
        l->items = it;
        l->capsrc = cap;
    }
    l->src[l->nsrc++] = src;
    return 0;
}

int loop_add(loop_t *l, void *socket, int fd, loop_stage_t stage, loop_handler_fn *handler,
             void *arg)
{
    if (stage == LOOP_REQUESTS || !handler)
        return -1; /* request sources are api sockets (loop_add_api) */
    return add_source(l, (source_t){socket, socket ? -1 : fd, stage, handler, arg, NULL, -1});
}

int loop_add_api(loop_t *l, void *socket, loop_actor_fn *actor)
{
    if (!socket || !actor)
        return -1;
    return add_source(l, (source_t){socket, -1, LOOP_REQUESTS, NULL, NULL, actor, -1});
}

/* auth.c's sources (ZAP, the monitors), registered through its own hook so
 * that auth need not know the loop. */
static int add_auth_source(void *registry, void *socket, void (*handler)(void *arg), void *arg)
{
    return loop_add(registry, socket, -1, LOOP_EVENTS, handler, arg);
}

static void local_actor(zmq_msg_t *payload, actor_t *out)
{
    (void)payload;
    /* ipc:// callers are administrators: the runtime directory's
     * permissions decide who connects */
    auth_local_actor(out);
}

static void handle_signals(void *arg);
static void on_durable(void *arg);

loop_t *loop_new(const config_t *cfg, api_t *api, void *api_socket, int signal_fd)
{
    loop_t *l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    char err[512];
    l->cfg = cfg;
    l->api = api;
    l->signal_fd = signal_fd;
    l->in = calloc(cfg->max_batch, sizeof(*l->in));
    l->calls = calloc(cfg->max_batch, sizeof(*l->calls));
    l->feeds = feeds_new(cfg, err, sizeof(err));
    if (!l->feeds)
        log_error("%s", err);
    /* Registered in the order they are served in: the local api socket, the
     * CURVE one (tcp:// callers are the principals ZAP named), each
     * publisher feed; the signals; then auth's ZAP socket and monitors. */
    bool ok = l->in && l->calls && l->feeds;
    if (ok && api_socket)
        ok = loop_add_api(l, api_socket, local_actor) == 0;
    if (ok && auth_api_socket())
        ok = loop_add_api(l, auth_api_socket(), auth_actor_of) == 0;
    for (size_t i = 0; ok && i < feeds_count(l->feeds); i++)
        ok = add_source(l, (source_t){feeds_socket(l->feeds, i), -1, LOOP_REQUESTS, NULL, NULL,
                                      NULL, (int)i}) == 0;
    if (ok && signal_fd >= 0)
        ok = loop_add(l, NULL, signal_fd, LOOP_CONTROL, handle_signals, l) == 0;
    /* Replies held for the write-ahead log go out, before the turn's
     * requests are read, once its sync says they may. */
    if (ok && api_durable_fd(api) >= 0)
        ok = loop_add(l, NULL, api_durable_fd(api), LOOP_CONTROL, on_durable, l) == 0;
    if (ok)
        ok = auth_register_sources(add_auth_source, l) == 0;
    if (!ok) {
        loop_destroy(&l);
        return NULL;
    }
    /* Oversized messages leave no trace but a closed connection: watch the
     * local api socket's connections too (the CURVE one is watched by auth). */
    peerlog_set_max_message(cfg->max_message_bytes);
    if (api_socket && auth_watch_api_socket(api_socket, cfg->api_endpoint, err, sizeof(err)) < 0)
        log_warning("%s; oversized messages there are not logged", err);
    /* Ping at half the interval, and at least every millisecond when the
     * interval is shorter than two. */
    uint64_t usec = sdnotify_watchdog_usec();
    l->watchdog_ms = usec ? (usec / 2000 ? usec / 2000 : 1) : 0;
    int64_t now = mono_ms();
    l->next_watchdog = now;
    l->next_status = now + STATUS_MS;
    l->metrics_stale = true;
    /* The first housekeeping waits a second, as it always has: the
     * requests of start-up (an operator's fsck after a crash) see the store
     * as it was left before the sweep tidies it. */
    l->housekeeping_from = api_now_ms() + FIRST_HOUSEKEEPING_MS;
    return l;
}

void loop_destroy(loop_t **p)
{
    loop_t *l = *p;
    if (!l)
        return;
    auth_register_sources(NULL, NULL);
    for (size_t i = 0; i < l->nheld; i++) {
        zmq_msg_close(&l->held[i].identity);
        free(l->held[i].reply);
    }
    free(l->held);
    free(l->in);
    free(l->calls);
    free(l->src);
    free(l->items);
    feeds_destroy(&l->feeds);
    free(l);
    *p = NULL;
}

static void drain_frames(void *sock)
{
    int more = 1;
    size_t len = sizeof(more);
    while (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &len) == 0 && more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        zmq_msg_recv(&m, sock, 0);
        zmq_msg_close(&m);
    }
}

static bool has_more(void *sock)
{
    int more = 0;
    size_t len = sizeof(more);
    return zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &len) == 0 && more;
}

static void send_reply(loop_t *l, void *sock, zmq_msg_t *identity, bool delimiter,
                       const uint8_t *data, size_t len)
{
    /* ROUTER drops replies to peers that left; DONTWAIT keeps a peer that
     * stopped reading from stalling everyone else. */
    if (zmq_send(sock, zmq_msg_data(identity), zmq_msg_size(identity), ZMQ_SNDMORE | ZMQ_DONTWAIT) <
            0 ||
        (delimiter && zmq_send(sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) ||
        zmq_send(sock, data, len, ZMQ_DONTWAIT) < 0)
        l->dropped++;
}

/* A message that is not a request: logged with the peer, within peerlog's
 * budget, so a flood of them cannot flood the journal. */
static void log_malformed(zmq_msg_t *payload, const char *why)
{
    const char *uid = zmq_msg_gets(payload, "User-Id");
    const char *addr = zmq_msg_gets(payload, "Peer-Address");
    peerlog(PEERLOG_MALFORMED, LOG_WARNING, "api, refused a malformed message from %s%s%s (%s)",
            uid ? uid : "a local client", addr ? " at " : "", addr ? addr : "", why);
}

/* Receives one message into slot l->count.  Returns 1 when a request was
 * queued, 0 when it was answered or dropped here, -1 when nothing is
 * waiting. */
static int receive_one(loop_t *l, const source_t *src)
{
    void *sock = src->socket;
    inbound_t *in = &l->in[l->count];
    in->sock = sock;
    zmq_msg_init(&in->identity);
    if (zmq_msg_recv(&in->identity, sock, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&in->identity);
        return -1;
    }
    zmq_msg_init(&in->payload);
    in->delimiter = false;
    in->feed = -1;
    in->owned = NULL;
    if (!has_more(sock) || zmq_msg_recv(&in->payload, sock, 0) < 0)
        goto bad;
    peerlog_message_from(zmq_msg_get(&in->payload, ZMQ_SRCFD));
    if (zmq_msg_size(&in->payload) == 0 && has_more(sock)) {
        in->delimiter = true;
        zmq_msg_close(&in->payload);
        zmq_msg_init(&in->payload);
        if (zmq_msg_recv(&in->payload, sock, 0) < 0)
            goto bad;
    }
    if (has_more(sock)) {
        size_t len = 0;
        drain_frames(sock);
        log_malformed(&in->payload, "more than one frame after the delimiter");
        uint8_t *r = api_error_reply(EX_EMALFORMED,
                                     "a request is one frame (an encoded exemplar.Request), "
                                     "after an empty delimiter frame for REQ sockets",
                                     &len);
        if (r)
            send_reply(l, sock, &in->identity, in->delimiter, r, len);
        free(r);
        goto bad;
    }
    api_call_t *call = &l->calls[l->count];
    memset(call, 0, sizeof(*call));
    call->data = zmq_msg_data(&in->payload);
    call->len = zmq_msg_size(&in->payload);
    src->actor(&in->payload, &call->actor);
    l->count++;
    return 1;
bad:
    l->dropped++;
    zmq_msg_close(&in->payload);
    zmq_msg_close(&in->identity);
    return 0;
}

/* Receives one event of feed i into slot l->count; as receive_one. */
static int receive_feed(loop_t *l, size_t i)
{
    inbound_t *in = &l->in[l->count];
    api_call_t *call = &l->calls[l->count];
    memset(call, 0, sizeof(*call));
    size_t len = 0;
    int rc = feeds_receive(l->feeds, i, &in->owned, &len, &call->actor);
    if (rc <= 0)
        return rc;
    in->feed = (int)i;
    in->delimiter = false;
    call->data = in->owned;
    call->len = len;
    l->count++;
    return 1;
}

/* Fills the batch from every readable source in turn, one message each per
 * round, so that a busy source cannot starve the others. */
static void receive_all(loop_t *l, size_t npolled)
{
    size_t max = l->cfg->max_batch;
    bool any = true;
    while (any && l->count < max) {
        any = false;
        for (size_t i = 0; i < npolled && l->count < max; i++) {
            const source_t *s = &l->src[i];
            if (s->stage != LOOP_REQUESTS || !(l->items[i].revents & ZMQ_POLLIN))
                continue;
            if ((s->feed >= 0 ? receive_feed(l, (size_t)s->feed) : receive_one(l, s)) >= 0)
                any = true;
        }
    }
}

/* Serves the readable control or event sources of the turn.  Returns
 * whether any was. */
static bool serve_stage(loop_t *l, size_t npolled, loop_stage_t stage)
{
    bool any = false;
    for (size_t i = 0; i < npolled; i++)
        if (l->src[i].stage == stage && (l->items[i].revents & ZMQ_POLLIN)) {
            l->src[i].handler(l->src[i].arg);
            any = true;
        }
    return any;
}

/* The api refused a message as malformed (or of another protocol version):
 * its reply says why. */
static void log_refused_reply(inbound_t *in, const api_call_t *c)
{
    if (!peerlog_may(PEERLOG_MALFORMED)) {
        peerlog_suppress(PEERLOG_MALFORMED); /* counted, not decoded */
        return;
    }
    Exemplar__Reply *r = c->reply ? exemplar__reply__unpack(NULL, c->reply_len, c->reply) : NULL;
    log_malformed(&in->payload, r && r->error ? r->error->message : ex_err_name(c->rc));
    if (r)
        exemplar__reply__free_unpacked(r, NULL);
}

/* Sends the held replies whose log record is durable now, in order. */
static void release_held(loop_t *l, uint64_t durable)
{
    size_t n = 0;
    for (; n < l->nheld && l->held[n].seq <= durable; n++) {
        held_t *h = &l->held[n];
        if (h->feed >= 0)
            feeds_answered(l->feeds, (size_t)h->feed, h->reply, h->len);
        else
            send_reply(l, h->sock, &h->identity, h->delimiter, h->reply, h->len);
        zmq_msg_close(&h->identity);
        free(h->reply);
    }
    if (n) {
        memmove(l->held, l->held + n, (l->nheld - n) * sizeof(*l->held));
        l->nheld -= n;
    }
}

/* Sends what became durable; returns whether a sync is still to come for
 * something written (the log's syncer is busy). */
static bool log_busy(loop_t *l)
{
    uint64_t durable = api_durable(l->api);
    release_held(l, durable);
    return api_written_seq(l->api) > durable;
}

static void on_durable(void *arg)
{
    log_busy(arg);
}

/* Keeps call i's reply until log record seq is durable.  Returns false
 * when out of memory (the caller then waits for the log and sends). */
static bool hold_reply(loop_t *l, size_t i, uint64_t seq)
{
    if (l->nheld == l->capheld) {
        size_t cap = l->capheld ? l->capheld * 2 : 64;
        held_t *v = realloc(l->held, cap * sizeof(*v));
        if (!v)
            return false;
        l->held = v;
        l->capheld = cap;
    }
    api_call_t *c = &l->calls[i];
    inbound_t *in = &l->in[i];
    held_t *h = &l->held[l->nheld++];
    h->seq = seq;
    h->sock = in->sock;
    h->delimiter = in->delimiter;
    h->feed = in->feed;
    h->reply = c->reply;
    h->len = c->reply_len;
    c->reply = NULL;
    zmq_msg_init(&h->identity);
    if (in->feed < 0)
        zmq_msg_move(&h->identity, &in->identity);
    return true;
}

static void run_batch(loop_t *l)
{
    if (!l->count)
        return;
    api_run_batch(l->api, l->calls, l->count);
    /* With the write-ahead log, a reply waits for the sync of what it
     * depends on (the batch's writes, and any earlier write a read saw).
     * The loop syncs itself (no hand-over: the least latency), except
     * after a full batch: then the load exceeds what one batch takes, and
     * the syncer syncs while the loop reads and applies the next one. */
    uint64_t unacked = 0;
    if (log_busy(l)) {
        if (l->count >= l->cfg->max_batch) {
            api_log_kick(l->api);
            unacked = api_written_seq(l->api);
        } else {
            api_wait_durable(l->api);
            release_held(l, UINT64_MAX);
        }
    }
    for (size_t i = 0; i < l->count; i++) {
        api_call_t *c = &l->calls[i];
        inbound_t *in = &l->in[i];
        if (in->feed < 0 && (c->rc == -EX_EMALFORMED || c->rc == -EX_EPROTOCOL))
            log_refused_reply(in, c);
        if (c->reply && (unacked || l->nheld) && !hold_reply(l, i, unacked)) {
            api_wait_durable(l->api);
            release_held(l, UINT64_MAX);
            unacked = 0;
        }
        if (in->feed >= 0) {
            /* A feed has no one to answer: refusals are logged. */
            if (c->reply)
                feeds_answered(l->feeds, (size_t)in->feed, c->reply, c->reply_len);
            free(in->owned);
            in->owned = NULL;
        } else {
            if (c->reply)
                send_reply(l, in->sock, &in->identity, in->delimiter, c->reply, c->reply_len);
            zmq_msg_close(&in->payload);
            zmq_msg_close(&in->identity);
        }
        free(c->reply);
        c->reply = NULL;
    }
    l->count = 0;
}

void loop_set_metrics(loop_t *l, metrics_t *m)
{
    l->metrics = m;
}

void loop_set_reload(loop_t *l, loop_reload_fn fn, void *arg)
{
    l->reload = fn;
    l->reload_arg = arg;
}

static void format_status(loop_t *l, char *out, size_t len)
{
    const records_counters_t *c = api_counters(l->api);
    snprintf(out, len, "%llu nominations, last change %llu%s", (unsigned long long)c->nominations,
             (unsigned long long)c->last_seq,
             l->reload_failed ? "; the last reload failed, see the log" : "");
}

/* SIGHUP: RELOADING=1, the reload, READY=1 with a fresh STATUS=.  READY=1
 * comes after a failed reload too: the daemon keeps serving with the
 * configuration it had. */
static void reload(loop_t *l)
{
    char status[200];
    int64_t start = mono_ms();
    sdnotify_reloading();
    if (l->reload)
        l->reload_failed = l->reload(l->reload_arg) < 0;
    else
        log_notice("loop, SIGHUP received (nothing to reload)");
    log_debug("loop, reload done in %lld ms", (long long)(mono_ms() - start));
    format_status(l, status, sizeof(status));
    sdnotify_ready(status);
}

static void handle_signals(void *arg)
{
    loop_t *l = arg;
    struct signalfd_siginfo si;
    while (read(l->signal_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            log_notice("loop, stopping on signal %u", si.ssi_signo);
            l->stop = true;
        } else if (si.ssi_signo == SIGHUP && !l->stop) {
            reload(l);
        }
    }
}

static void update_status(loop_t *l)
{
    char status[200];
    format_status(l, status, sizeof(status));
    sdnotify_status(status);
}

/* What is due now: the watchdog, STATUS=, the scheduler's housekeeping (its
 * next deadline: request ids, the sweep, timers and leases), the metrics
 * snapshot.  Returns the ms to the earliest next one: the loop sleeps until
 * then, there is no fixed tick. */
static int64_t housekeeping_due(const loop_t *l)
{
    int64_t due = api_next_deadline(l->api);
    return due > l->housekeeping_from ? due : l->housekeeping_from;
}

static long run_timers(loop_t *l)
{
    int64_t now = mono_ms();
    if (l->watchdog_ms && now >= l->next_watchdog) {
        sdnotify_watchdog();
        l->next_watchdog = now + (int64_t)l->watchdog_ms;
    }
    if (now >= l->next_status) {
        update_status(l);
        l->next_status = now + STATUS_MS;
        l->metrics_stale = true; /* gauges of time (workers seen lately) */
    }
    int64_t real = api_now_ms();
    if (real >= housekeeping_due(l)) {
        api_housekeeping(l->api, real);
        l->metrics_stale = true;
    }
    if (l->metrics && l->metrics_stale && now >= l->next_metrics) {
        metrics_refresh(l->metrics, l->api);
        l->metrics_stale = false;
        l->next_metrics = now + METRICS_MS;
    }
    now = mono_ms();
    int64_t next = l->next_status;
    if (l->watchdog_ms && l->next_watchdog < next)
        next = l->next_watchdog;
    if (l->metrics && l->metrics_stale && l->next_metrics < next)
        next = l->next_metrics;
    if (l->quiet_due && l->quiet_due < next)
        next = l->quiet_due;
    long timeout = next > now ? (long)(next - now) : 0;
    /* the scheduler's deadline is on the wall clock */
    int64_t due = housekeeping_due(l) - api_now_ms();
    if (due < timeout)
        timeout = due > 0 ? (long)due : 0;
    return timeout;
}

long loop_last_timeout(const loop_t *l)
{
    return l->last_timeout;
}

int loop_run(loop_t *l)
{
    update_status(l);
    while (!l->stop) {
        /* Every registered source, in registration order; a source
         * registered while the turn is served (a monitor of a feed a reload
         * re-bound) is polled from the next turn on. */
        size_t n_polled = l->nsrc;
        for (size_t i = 0; i < n_polled; i++)
            l->items[i] = (zmq_pollitem_t){l->src[i].socket, l->src[i].fd, ZMQ_POLLIN, 0};
        long timeout = run_timers(l);
        if (l->backlog && timeout > QUIET_MS)
            timeout = QUIET_MS;
        long closes = peerlog_flush();
        if (closes >= 0 && (timeout < 0 || closes < timeout))
            timeout = closes;
        l->last_timeout = timeout;
        int n = zmq_poll(l->items, (int)n_polled, timeout);
        if (n < 0) {
            if (zmq_errno() == EINTR)
                continue;
            log_error("loop, polling failed (%s)", zmq_strerror(zmq_errno()));
            return -1;
        }
        serve_stage(l, n_polled, LOOP_CONTROL);
        /* Everything that has arrived, up to max_batch, is one commit.  The
         * requests are read before the event sources are served, so a
         * connection's message is counted before the monitor's event of its
         * close is judged (peerlog.h): the stages keep that order whatever
         * order the sources were registered in. */
        receive_all(l, n_polled);
        bool events = serve_stage(l, n_polled, LOOP_EVENTS);
        bool ran = l->count > 0;
        if (ran || events)
            l->metrics_stale = true; /* requests, connections (the feed's subscribers) */
        /* While the log's syncer runs, the requests that arrive gather
         * into the next batch, so that the next sync covers as many as
         * can wait for it (a group commit that grows with the load, as a
         * database's does); a full batch is applied at once, so that
         * applying it overlaps the sync. */
        if (l->count && (l->count >= l->cfg->max_batch || !log_busy(l)))
            run_batch(l);
        /* A poll that timed out is a quiet step: the events index and the
         * tallies catch up.  After requests one is owed within a second
         * (what the fixed tick gave before), not sooner: an early wake-up
         * between a client's calls only shifts the loop's timing. */
        if (n == 0)
            l->quiet_due = 0;
        else if (ran && !l->quiet_due)
            l->quiet_due = mono_ms() + QUIET_AFTER_MS;
        l->backlog = api_background(l->api, n == 0);
    }
    /* What was received is applied, and answered, before the stop. */
    run_batch(l);
    if (l->nheld) {
        api_wait_durable(l->api);
        release_held(l, UINT64_MAX);
    }
    return 0;
}
