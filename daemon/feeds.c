/* SPDX-License-Identifier: MIT */
/*
 * Publisher feeds (see feeds.h).  The subscription is made before the
 * connection so that nothing the publisher sends after the connection is up
 * is filtered away; what it sent before is lost to any ZeroMQ subscriber and
 * shows up as a gap in its sequence numbers (exemplarctl stats).
 */
#include "feeds.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "errors.h"
#include "log.h"
#include "pbcheck.h"
#include "records.h"
#include "wire.pb-c.h"

#define FEED_HWM         100000
#define FEED_MAX_MESSAGE (1 << 20)
#define LOG_EVERY_MS     10000

typedef struct {
    const config_publisher_t *cfg;
    void *sock;
    unsigned long long dropped, refused;
    int64_t next_log_ms;
} feed_t;

struct feeds {
    void *ctx;
    feed_t *v;
    size_t n;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

feeds_t *feeds_new(const config_t *cfg, char *err, size_t errlen)
{
    feeds_t *f = calloc(1, sizeof(*f));
    if (!f || !(f->v = calloc(cfg->npublishers ? cfg->npublishers : 1, sizeof(*f->v)))) {
        snprintf(err, errlen, "feeds, out of memory");
        free(f);
        return NULL;
    }
    if (!cfg->npublishers)
        return f;
    f->ctx = zmq_ctx_new();
    if (!f->ctx) {
        snprintf(err, errlen, "feeds, cannot create a ZeroMQ context (%s)",
                 zmq_strerror(zmq_errno()));
        feeds_destroy(&f);
        return NULL;
    }
    for (unsigned i = 0; i < cfg->npublishers; i++) {
        const config_publisher_t *p = &cfg->publishers[i];
        void *s = zmq_socket(f->ctx, ZMQ_SUB);
        int linger = 0, hwm = FEED_HWM;
        int64_t maxmsg = FEED_MAX_MESSAGE;
        bool ok = s && zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger)) == 0 &&
                  zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof(hwm)) == 0 &&
                  zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg)) == 0;
        for (unsigned t = 0; ok && t < (p->ntopics ? p->ntopics : 1); t++) {
            const char *topic = p->ntopics ? p->topics[t] : "";
            ok = zmq_setsockopt(s, ZMQ_SUBSCRIBE, topic, strlen(topic)) == 0;
        }
        if (!ok || zmq_connect(s, p->endpoint) < 0) {
            snprintf(err, errlen, "feeds, cannot subscribe to publisher %s at %s (%s)", p->name,
                     p->endpoint, zmq_strerror(zmq_errno()));
            if (s)
                zmq_close(s);
            feeds_destroy(&f);
            return NULL;
        }
        f->v[f->n].cfg = p;
        f->v[f->n].sock = s;
        f->n++;
        log_info("feeds, subscribed to publisher %s at %s (%u topic prefixes)", p->name,
                 p->endpoint, p->ntopics);
    }
    return f;
}

void feeds_destroy(feeds_t **p)
{
    feeds_t *f = *p;
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        zmq_close(f->v[i].sock);
    if (f->ctx)
        zmq_ctx_term(f->ctx);
    free(f->v);
    free(f);
    *p = NULL;
}

size_t feeds_count(const feeds_t *f)
{
    return f->n;
}

void *feeds_socket(const feeds_t *f, size_t i)
{
    return f->v[i].sock;
}

/* Logs at most once per LOG_EVERY_MS per feed; says how many were quiet. */
static bool may_log(feed_t *d)
{
    int64_t now = mono_ms();
    if (now < d->next_log_ms)
        return false;
    d->next_log_ms = now + LOG_EVERY_MS;
    return true;
}

static void drain(void *sock)
{
    int more = 1;
    size_t len = sizeof(more);
    while (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &len) == 0 && more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        int rc = zmq_msg_recv(&m, sock, 0);
        zmq_msg_close(&m);
        if (rc < 0)
            break;
    }
}

static int drop(feed_t *d, const char *why)
{
    d->dropped++;
    if (may_log(d))
        log_warning("feeds, publisher %s sent a message that is not [topic][exemplar.Event] (%s); "
                    "%llu dropped so far",
                    d->cfg->name, why, d->dropped);
    return 0;
}

int feeds_receive(feeds_t *f, size_t i, uint8_t **request, size_t *len, actor_t *actor)
{
    feed_t *d = &f->v[i];
    zmq_msg_t topic, body;
    zmq_msg_init(&topic);
    if (zmq_msg_recv(&topic, d->sock, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&topic);
        return -1;
    }
    bool two = zmq_msg_more(&topic);
    zmq_msg_close(&topic);
    if (!two)
        return drop(d, "one frame");
    zmq_msg_init(&body);
    if (zmq_msg_recv(&body, d->sock, 0) < 0) {
        zmq_msg_close(&body);
        return drop(d, "no second frame");
    }
    if (zmq_msg_more(&body)) {
        drain(d->sock);
        zmq_msg_close(&body);
        return drop(d, "more than two frames");
    }
    /* Checked to the byte before protobuf-c cuts a string at a NUL: the
     * event is re-encoded below, so the api could no longer see it. */
    char bad[256];
    if (pbcheck_strings(&exemplar__event__descriptor, zmq_msg_data(&body), zmq_msg_size(&body), bad,
                        sizeof(bad)) < 0) {
        zmq_msg_close(&body);
        return drop(d, bad);
    }
    Exemplar__Event *e = exemplar__event__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body));
    zmq_msg_close(&body);
    if (!e)
        return drop(d, "the event does not decode");
    /* The section names the publisher: an event without one is its own. */
    char *own = (char *)d->cfg->name; /* protobuf-c strings are not const */
    char *given = e->publisher;
    if (!given[0])
        e->publisher = own;
    Exemplar__PublishRequest pr = EXEMPLAR__PUBLISH_REQUEST__INIT;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    pr.n_events = 1;
    pr.events = &e;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.body_case = EXEMPLAR__REQUEST__BODY_PUBLISH;
    req.publish = &pr;
    *request = records_pack(&req.base, len);
    e->publisher = given; /* freed with the event */
    exemplar__event__free_unpacked(e, NULL);
    if (!*request)
        return drop(d, "out of memory");
    memset(actor, 0, sizeof(*actor));
    snprintf(actor->name, sizeof(actor->name), "%s", own);
    actor->role = ROLE_PUBLISHER;
    return 1;
}

void feeds_answered(feeds_t *f, size_t i, const uint8_t *reply, size_t len)
{
    feed_t *d = &f->v[i];
    Exemplar__Reply *r = exemplar__reply__unpack(NULL, len, reply);
    if (r && r->error && r->error->code != EXEMPLAR__ERROR_CODE__ERROR_OK) {
        d->refused++;
        if (may_log(d))
            log_warning("feeds, an event of publisher %s was refused (%s: %s); %llu refused so far",
                        d->cfg->name, r->error->name, r->error->message, d->refused);
    }
    if (r)
        exemplar__reply__free_unpacked(r, NULL);
}
