/* SPDX-License-Identifier: MIT */
/*
 * The change feed's queue and PUB socket (see outbox.h).  Each message is two
 * frames: the topic (names.h: "nomination.<unit>.<state>") and the encoded
 * exemplar.Change, or (for published events) "event.<type>.<subject>" and the encoded
 * exemplar.Event.
 */
#include "outbox.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "errors.h"
#include "auth.h"
#include "log.h"
#include "names.h"
#include "records.h"

typedef struct {
    char topic[160]; /* nomination.<unit>.<state> or event.<type>.<subject> */
    uint8_t *data;
    size_t len;
    uint64_t seq; /* the log record that must be durable first (0: none) */
} pending_t;

struct outbox {
    void *pub;
    char endpoint[256];    /* as bound (ZMQ_LAST_ENDPOINT: a wildcard port resolved) */
    void *mon;             /* PAIR end of the PUB socket's monitor; NULL if none */
    long long subscribers; /* connections accepted and not yet disconnected */
    pending_t *queue;
    size_t count, cap;
    unsigned long long published;
    /* After a re-bind (outbox_reauthenticate) committed messages wait here,
     * in order, until the subscribers that were cut have passed ZAP again,
     * so that the ones still valid miss nothing. */
    pending_t *held;
    size_t nheld, heldcap;
    /* Committed messages whose write-ahead log record is not durable yet
     * (outbox_publish_after), in order, until outbox_durable. */
    pending_t *undurable;
    size_t nundurable, undurablecap;
    int64_t hold_until;                        /* monotonic ms; 0: not holding */
    int64_t release_at;                        /* once every expected handshake was judged */
    unsigned long long hold_base, hold_expect; /* auth_feed_handshakes() */
};

/* The longest a re-bound feed waits for its subscribers, and the time a
 * subscriber admitted by ZAP needs to send its subscription. */
#define HOLD_MAX_MS   2000
#define HOLD_GRACE_MS 100

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

outbox_t *outbox_new(void *zmq_ctx, const char *endpoint, char *err, size_t errlen)
{
    outbox_t *o = calloc(1, sizeof(*o));
    if (!o) {
        snprintf(err, errlen, "outbox, out of memory");
        return NULL;
    }
    o->pub = zmq_socket(zmq_ctx, ZMQ_PUB);
    /* A subscriber that stops reading holds up to hwm changes of the
     * daemon's memory (about 300 bytes each, measured by the fault suite's
     * test_fault_sub): 10 000 bound it near 3 MiB per subscriber, where
     * 100 000 allowed 30 MiB, the whole memory target.  Past it the
     * subscriber catches up by sequence (ChangesRequest). */
    int linger = 0, hwm = 10000;
    /* A tcp:// feed is a CURVE server (auth.h); err says why not. */
    if (o->pub && auth_secure_socket(o->pub, endpoint, "events", err, errlen) < 0) {
        outbox_destroy(&o);
        return NULL;
    }
    if (!o->pub || zmq_setsockopt(o->pub, ZMQ_LINGER, &linger, sizeof(linger)) < 0 ||
        zmq_setsockopt(o->pub, ZMQ_SNDHWM, &hwm, sizeof(hwm)) < 0 ||
        zmq_bind(o->pub, endpoint) < 0) {
        snprintf(err, errlen, "outbox, cannot bind the change feed on %s (%s)", endpoint,
                 zmq_strerror(zmq_errno()));
        outbox_destroy(&o);
        return NULL;
    }
    size_t eplen = sizeof(o->endpoint);
    if (zmq_getsockopt(o->pub, ZMQ_LAST_ENDPOINT, o->endpoint, &eplen) < 0)
        snprintf(o->endpoint, sizeof(o->endpoint), "%s", endpoint);
    /* Subscribers for stats: connections come and go on the monitor; without it the
     * count stays 0 (stats only). */
    char ep[64];
    snprintf(ep, sizeof(ep), "inproc://exemplar-outbox-monitor-%p", (void *)o);
    if (zmq_socket_monitor(o->pub, ep, ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED) == 0) {
        o->mon = zmq_socket(zmq_ctx, ZMQ_PAIR);
        if (o->mon && (zmq_setsockopt(o->mon, ZMQ_LINGER, &linger, sizeof(linger)) < 0 ||
                       zmq_connect(o->mon, ep) < 0)) {
            zmq_close(o->mon);
            o->mon = NULL;
        }
    }
    if (!o->mon)
        log_warning("outbox, no monitor on the change feed (%s): its connections are not counted",
                    zmq_strerror(zmq_errno()));
    return o;
}

/* Unbinding terminates the listener and every connection it accepted
 * (libzmq owns them under the listener); binding the same address again
 * may find the old listening socket not yet closed by ZeroMQ's I/O thread,
 * so it is tried for up to a second.  The loop runs nothing else meanwhile:
 * no change is published to a feed that is not bound. */
int outbox_reauthenticate(outbox_t *o)
{
    if (strncmp(o->endpoint, "tcp://", 6) != 0)
        return 0; /* ipc:// subscribers are administrators, with no key to revoke */
    outbox_monitor_drain(o);
    unsigned long long connected = o->subscribers > 0 ? (unsigned long long)o->subscribers : 0;
    if (zmq_unbind(o->pub, o->endpoint) < 0) {
        log_error("outbox, cannot unbind the change feed %s to cut its subscribers (%s)",
                  o->endpoint, zmq_strerror(zmq_errno()));
        return -1;
    }
    /* The connections close only once the socket's own thread has
     * acknowledged the end of their pipes, and a PUB socket is never polled:
     * asking for its events makes it process ZeroMQ's commands, here for
     * 50 ms (holding() goes on doing so).  The monitor reports no
     * disconnection for connections closed this way: none is left. */
    for (int i = 0; i < 25; i++) {
        int events = 0;
        size_t elen = sizeof(events);
        zmq_getsockopt(o->pub, ZMQ_EVENTS, &events, &elen);
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    outbox_monitor_drain(o);
    o->subscribers = 0;
    for (int i = 0; i < 200; i++) {
        if (zmq_bind(o->pub, o->endpoint) == 0) {
            log_notice("outbox, the change feed %s was bound again: its %llu subscribers "
                       "authenticate again",
                       o->endpoint, connected);
            if (connected) {
                o->hold_until = mono_ms() + HOLD_MAX_MS;
                o->release_at = 0;
                o->hold_base = auth_feed_handshakes();
                o->hold_expect = connected;
            }
            return 0;
        }
        if (zmq_errno() != EADDRINUSE)
            break;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    log_error("outbox, cannot bind the change feed %s again (%s): it has no subscribers until "
              "exemplard restarts",
              o->endpoint, zmq_strerror(zmq_errno()));
    return -1;
}

void outbox_monitor_drain(outbox_t *o)
{
    zmq_msg_t msg;
    if (!o->mon)
        return;
    zmq_msg_init(&msg);
    while (zmq_msg_recv(&msg, o->mon, ZMQ_DONTWAIT) >= 0) {
        /* frame 1: u16 event, u32 value (host order); frame 2: the endpoint */
        if (zmq_msg_size(&msg) >= 2) {
            uint16_t ev;
            memcpy(&ev, zmq_msg_data(&msg), sizeof(ev));
            if (ev == ZMQ_EVENT_ACCEPTED)
                o->subscribers++;
            else if (ev == ZMQ_EVENT_DISCONNECTED && o->subscribers > 0)
                o->subscribers--;
        }
        while (zmq_msg_more(&msg) && zmq_msg_recv(&msg, o->mon, ZMQ_DONTWAIT) >= 0)
            ;
    }
    zmq_msg_close(&msg);
}

unsigned long long outbox_subscribers(outbox_t *o)
{
    outbox_monitor_drain(o);
    return (unsigned long long)o->subscribers;
}

void outbox_destroy(outbox_t **p)
{
    outbox_t *o = *p;
    if (!o)
        return;
    outbox_discard(o);
    for (size_t i = 0; i < o->nheld; i++)
        free(o->held[i].data);
    free(o->held);
    for (size_t i = 0; i < o->nundurable; i++)
        free(o->undurable[i].data);
    free(o->undurable);
    free(o->queue);
    if (o->mon) {
        zmq_socket_monitor(o->pub, NULL, 0);
        zmq_close(o->mon);
    }
    if (o->pub)
        zmq_close(o->pub);
    free(o);
    *p = NULL;
}

/* The next slot of the queue with topic copied in, or NULL (out of memory,
 * topic too long). */
static pending_t *queue_slot(outbox_t *o, const char *topic)
{
    if (o->count == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 64;
        pending_t *q = realloc(o->queue, cap * sizeof(*q));
        if (!q)
            return NULL;
        o->queue = q;
        o->cap = cap;
    }
    pending_t *p = &o->queue[o->count];
    size_t n = strlen(topic);
    if (n >= sizeof(p->topic))
        return NULL;
    memcpy(p->topic, topic, n + 1);
    return p;
}

int outbox_add_message(outbox_t *o, const char *topic, const ProtobufCMessage *m)
{
    pending_t *p = queue_slot(o, topic);
    if (!p || !(p->data = records_pack(m, &p->len)))
        return -EX_EINTERNAL;
    o->count++;
    return 0;
}

int outbox_add_packed(outbox_t *o, const char *topic, const uint8_t *data, size_t len)
{
    pending_t *p = queue_slot(o, topic);
    if (!p || !(p->data = malloc(len ? len : 1)))
        return -EX_EINTERNAL;
    memcpy(p->data, data, len);
    p->len = len;
    o->count++;
    return 0;
}

int outbox_add(outbox_t *o, const Exemplar__Change *c)
{
    char topic[96];
    if (ex_topic_format(topic, sizeof(topic), c->unit, c->to) < 0)
        return -EX_EINTERNAL;
    return outbox_add_message(o, topic, &c->base);
}

static void send_all(outbox_t *o, pending_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pending_t *m = &v[i];
        /* PUB never blocks: at the high-water mark a subscriber's message is
         * dropped, and it catches up by sequence. */
        if (zmq_send(o->pub, m->topic, strlen(m->topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
            zmq_send(o->pub, m->data, m->len, ZMQ_DONTWAIT) < 0)
            log_warning("outbox, cannot publish a change (%s)", zmq_strerror(zmq_errno()));
        else
            o->published++;
    }
}

/* Is the feed still waiting for the subscribers it cut?  Publishes what it
 * held, in order, once they are back (every connection it had was judged by
 * ZAP, plus a moment for their subscriptions) or HOLD_MAX_MS have passed. */
static bool holding(outbox_t *o)
{
    if (!o->hold_until)
        return false;
    int events = 0;
    size_t elen = sizeof(events);
    zmq_getsockopt(o->pub, ZMQ_EVENTS, &events, &elen); /* attach the returning subscribers */
    int64_t now = mono_ms();
    if (!o->release_at && auth_feed_handshakes() - o->hold_base >= o->hold_expect)
        o->release_at = now + HOLD_GRACE_MS;
    if (now < o->hold_until && (!o->release_at || now < o->release_at))
        return true;
    send_all(o, o->held, o->nheld);
    for (size_t i = 0; i < o->nheld; i++)
        free(o->held[i].data);
    log_info("outbox, the change feed publishes again (%zu messages waited for %llu of %llu "
             "subscribers to authenticate again)",
             o->nheld, auth_feed_handshakes() - o->hold_base, o->hold_expect);
    o->nheld = 0;
    o->hold_until = o->release_at = 0;
    return false;
}

void *outbox_monitor_socket(const outbox_t *o)
{
    return o ? o->mon : NULL;
}

bool outbox_holding(const outbox_t *o)
{
    return o && o->hold_until != 0;
}

void outbox_tick(outbox_t *o)
{
    holding(o);
}

void outbox_publish_after(outbox_t *o, uint64_t seq, uint64_t durable)
{
    if (seq > durable || o->nundurable) {
        if (o->nundurable + o->count > o->undurablecap) {
            size_t cap = (o->nundurable + o->count) * 2;
            pending_t *v = realloc(o->undurable, cap * sizeof(*v));
            if (!v) {
                /* no memory to wait with: the subscribers catch up by
                 * sequence once the records are durable */
                log_warning("outbox, out of memory: %zu changes are not published", o->count);
                outbox_discard(o);
                return;
            }
            o->undurable = v;
            o->undurablecap = cap;
        }
        for (size_t i = 0; i < o->count; i++) {
            o->queue[i].seq = seq;
            o->undurable[o->nundurable++] = o->queue[i];
        }
        o->count = 0; /* the data changed hands */
        outbox_durable(o, durable);
        return;
    }
    outbox_publish(o);
}

void outbox_durable(outbox_t *o, uint64_t durable)
{
    size_t n = 0;
    while (n < o->nundurable && o->undurable[n].seq <= durable)
        n++;
    if (!n)
        return;
    /* published as outbox_publish would have, in order */
    pending_t *queue = o->queue;
    size_t count = o->count, cap = o->cap;
    o->queue = o->undurable;
    o->count = n;
    o->cap = o->undurablecap;
    outbox_publish(o);
    o->undurable = o->queue;
    o->undurablecap = o->cap;
    o->queue = queue;
    o->count = count;
    o->cap = cap;
    memmove(o->undurable, o->undurable + n, (o->nundurable - n) * sizeof(*o->undurable));
    o->nundurable -= n;
}

void outbox_publish(outbox_t *o)
{
    if (holding(o)) {
        if (o->nheld + o->count > o->heldcap) {
            size_t cap = (o->nheld + o->count) * 2;
            pending_t *v = realloc(o->held, cap * sizeof(*v));
            if (!v) {
                /* no memory to wait with: publish now, subscribers catch up */
                o->hold_until = 1;
                holding(o);
                send_all(o, o->queue, o->count);
                outbox_discard(o);
                return;
            }
            o->held = v;
            o->heldcap = cap;
        }
        /* the data changes hands: the queue forgets it without freeing */
        memcpy(o->held + o->nheld, o->queue, o->count * sizeof(*o->queue));
        o->nheld += o->count;
        o->count = 0;
        return;
    }
    send_all(o, o->queue, o->count);
    outbox_discard(o);
}

void outbox_discard(outbox_t *o)
{
    for (size_t i = 0; i < o->count; i++)
        free(o->queue[i].data);
    o->count = 0;
}

unsigned long long outbox_published(const outbox_t *o)
{
    return o->published;
}
