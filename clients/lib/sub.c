/* SPDX-License-Identifier: MIT */
/*
 * The change-feed half of libexemplar (see exemplar.h): a SUB socket on the
 * daemon's events endpoint that yields decoded exemplar.Change messages.
 * Gap detection and catch-up belong to the caller, who knows which sequence
 * numbers it has seen (exemplarctl's watch does both).
 */
#include "exemplar.h"
#include "zmq_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

/* Changes buffered before ZeroMQ drops new ones for a slow reader; a reader
 * that falls this far behind fills the gap with ex_changes(). */
#define SUB_HWM 10000

struct ex_sub {
    void *sock;
};

static void *open_sub(const char *endpoint, const char *prefix, const ex_curve_keys_t *keys)
{
    void *zctx = ex_zmq_context();
    if (!zctx)
        return NULL;
    void *s = zmq_socket(zctx, ZMQ_SUB);
    if (!s)
        return NULL;
    int zero = 0;
    int hwm = SUB_HWM;
    int64_t max = EX_MAX_REPLY_BYTES;
    if (zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0 ||
        zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof max) != 0 ||
        zmq_setsockopt(s, ZMQ_SUBSCRIBE, prefix, strlen(prefix)) != 0 ||
        (keys && ex_curve_apply(s, keys) != 0) || zmq_connect(s, endpoint) != 0) {
        int e = errno;
        zmq_close(s);
        errno = e;
        return NULL;
    }
    return s;
}

ex_sub_t *ex_sub_new(const char *events_endpoint, const char *topic_prefix)
{
    return ex_sub_new_curve(events_endpoint, topic_prefix, NULL);
}

ex_sub_t *ex_sub_new_curve(const char *events_endpoint, const char *topic_prefix,
                           const ex_curve_keys_t *keys)
{
    if (!events_endpoint || !*events_endpoint) {
        errno = EINVAL;
        return NULL;
    }
    ex_sub_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->sock = open_sub(events_endpoint, topic_prefix ? topic_prefix : "", keys);
    if (!s->sock) {
        int e = errno;
        free(s);
        errno = e;
        return NULL;
    }
    return s;
}

void ex_sub_destroy(ex_sub_t **p)
{
    if (!p || !*p)
        return;
    zmq_close((*p)->sock);
    free(*p);
    *p = NULL;
}

/* Reads one [topic][body] message that zmq_poll said is there and decodes
 * the body with `unpack` when the topic starts with `kind`; 1 when the
 * message is of another kind (skipped). */
static int recv_message(void *sock, const char *kind, ProtobufCMessage **out,
                        ProtobufCMessage *(*unpack)(size_t, const uint8_t *))
{
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    int rc = -EX_EUNAVAIL;
    if (zmq_msg_recv(&msg, sock, ZMQ_DONTWAIT) < 0) /* the topic */
        goto out;
    rc = -EX_EMALFORMED;
    if (!zmq_msg_more(&msg))
        goto out;
    size_t klen = strlen(kind);
    if (zmq_msg_size(&msg) < klen || memcmp(zmq_msg_data(&msg), kind, klen) != 0) {
        ex_zmq_drain(sock);
        rc = 1;
        goto out;
    }
    zmq_msg_close(&msg);
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, sock, 0) < 0) /* the rest of a message is there */
        goto out;
    if (zmq_msg_more(&msg)) {
        ex_zmq_drain(sock);
        goto out;
    }
    *out = unpack(zmq_msg_size(&msg), zmq_msg_data(&msg));
    if (*out)
        rc = 0;
out:
    zmq_msg_close(&msg);
    return rc;
}

static ProtobufCMessage *unpack_change(size_t len, const uint8_t *data)
{
    return (ProtobufCMessage *)exemplar__change__unpack(NULL, len, data);
}

static ProtobufCMessage *unpack_event(size_t len, const uint8_t *data)
{
    return (ProtobufCMessage *)exemplar__event__unpack(NULL, len, data);
}

static ProtobufCMessage *unpack_notification(size_t len, const uint8_t *data)
{
    return (ProtobufCMessage *)exemplar__notification__unpack(NULL, len, data);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the next message of one kind, skipping the others. */
static int next_of(ex_sub_t *s, int timeout_ms, const char *kind, ProtobufCMessage **out,
                   ProtobufCMessage *(*unpack)(size_t, const uint8_t *))
{
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : mono_ms() + timeout_ms;
    for (;;) {
        int64_t left = timeout_ms < 0 ? -1 : deadline - mono_ms();
        if (timeout_ms >= 0 && left < 0)
            left = 0;
        zmq_pollitem_t item = {.socket = s->sock, .events = ZMQ_POLLIN};
        int n = zmq_poll(&item, 1, (long)left);
        if (n <= 0) /* timeout, or a signal (EINTR) */
            return -EX_EUNAVAIL;
        int rc = recv_message(s->sock, kind, out, unpack);
        if (rc <= 0)
            return rc;
    }
}

int ex_sub_next(ex_sub_t *s, int timeout_ms, Exemplar__Change **change)
{
    *change = NULL;
    return next_of(s, timeout_ms, "nomination.", (ProtobufCMessage **)change, unpack_change);
}

int ex_sub_next_event(ex_sub_t *s, int timeout_ms, Exemplar__Event **event)
{
    *event = NULL;
    return next_of(s, timeout_ms, "event.", (ProtobufCMessage **)event, unpack_event);
}

int ex_sub_next_notification(ex_sub_t *s, int timeout_ms, Exemplar__Notification **nt)
{
    *nt = NULL;
    return next_of(s, timeout_ms, "notify.", (ProtobufCMessage **)nt, unpack_notification);
}
