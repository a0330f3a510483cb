/* SPDX-License-Identifier: MIT */
/*
 * Rate-limited logging of peers' mistakes and the connection bookkeeping
 * that tells an oversized message from a normal close (see peerlog.h).  One
 * thread (the loop) calls everything here.
 */
#include "peerlog.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "log.h"

#define FD_TRACKED 65536 /* descriptors above are not tracked (never logged) */

typedef struct {
    int64_t window_start;
    unsigned logged, suppressed;
    unsigned long long suppressed_total;
} budget_t;

static const char *const KIND_WHAT[PEERLOG_KIND_COUNT] = {
    [PEERLOG_HANDSHAKE] = "handshake failures",
    [PEERLOG_CONNECTED] = "connections",
    [PEERLOG_MALFORMED] = "malformed messages",
    [PEERLOG_OVERSIZED] = "connections closed before a message arrived",
};

static budget_t B[PEERLOG_KIND_COUNT];
static unsigned long long MAX_MESSAGE;
static unsigned HANDSHAKES_FAILED; /* closes to come that a handshake failure explains */
/* Per descriptor: accepted and no message arrived yet (a bit per fd). */
static uint8_t SILENT[FD_TRACKED / 8];
/* The monitor's events and the connections' messages reach the loop on
 * different sockets, so a connection's first message can be read before its
 * ACCEPTED event: OPEN marks the descriptors whose ACCEPTED was seen, EARLY
 * those that spoke before it (their ACCEPTED must not mark them silent). */
static uint8_t OPEN[FD_TRACKED / 8];
static uint8_t EARLY[FD_TRACKED / 8];
/* Closes that looked silent, judged PEERLOG_CLOSE_GRACE_MS later: a message
 * the connection sent just before closing can still be waiting in the api
 * socket when its close is read from the monitor. */
#define PENDING_MAX 64
static struct {
    int fd;
    int64_t at_ms;
    const char *endpoint; /* the monitor's, which lives as long as the daemon */
} PENDING[PENDING_MAX];
static size_t N_PENDING;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts a new window when the old one ended, reporting what it held back. */
static budget_t *budget(peerlog_kind_t kind)
{
    budget_t *b = &B[kind];
    int64_t now = mono_ms();
    if (b->window_start == 0 || now - b->window_start >= PEERLOG_WINDOW_MS) {
        if (b->suppressed)
            log_warning("peers, %u more %s were not logged in the last %d s", b->suppressed,
                        KIND_WHAT[kind], PEERLOG_WINDOW_MS / 1000);
        b->window_start = now;
        b->logged = b->suppressed = 0;
    }
    return b;
}

bool peerlog_may(peerlog_kind_t kind)
{
    return budget(kind)->logged < PEERLOG_BURST;
}

void peerlog_suppress(peerlog_kind_t kind)
{
    budget_t *b = budget(kind);
    b->suppressed++;
    b->suppressed_total++;
}

bool peerlog(peerlog_kind_t kind, int priority, const char *fmt, ...)
{
    budget_t *b = budget(kind);
    if (b->logged >= PEERLOG_BURST) {
        peerlog_suppress(kind);
        return false;
    }
    b->logged++;
    char line[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_msg(priority, "%s%s", line, b->logged == PEERLOG_BURST ? " (further ones summarised)" : "");
    return true;
}

static void log_silent_close(const char *endpoint)
{
    peerlog(PEERLOG_OVERSIZED, LOG_WARNING,
            "peers, a connection on %s closed before any message of it arrived: ZeroMQ "
            "drops a message over max_message_bytes (%llu) this way, closing the connection",
            endpoint, MAX_MESSAGE);
}

void peerlog_message_from(int fd)
{
    if (fd < 0 || fd >= FD_TRACKED)
        return;
    for (size_t i = 0; i < N_PENDING;) /* it spoke after all */
        if (PENDING[i].fd == fd)
            PENDING[i] = PENDING[--N_PENDING];
        else
            i++;
    uint8_t bit = (uint8_t)(1u << (fd % 8));
    if (OPEN[fd / 8] & bit)
        SILENT[fd / 8] &= (uint8_t)~bit;
    else
        EARLY[fd / 8] |= bit;
}

void peerlog_set_max_message(unsigned long long max_bytes)
{
    MAX_MESSAGE = max_bytes;
}

void peerlog_monitor_event(const char *endpoint, uint16_t event, uint32_t value)
{
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL ||
        event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL || event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
        if (HANDSHAKES_FAILED < 1000)
            HANDSHAKES_FAILED++;
        return;
    }
    uint32_t fd = value;
    if (fd >= FD_TRACKED)
        return;
    uint8_t bit = (uint8_t)(1u << (fd % 8));
    if (event == ZMQ_EVENT_ACCEPTED) {
        OPEN[fd / 8] |= bit;
        if (EARLY[fd / 8] & bit)
            EARLY[fd / 8] &= (uint8_t)~bit;
        else
            SILENT[fd / 8] |= bit;
    } else if (event == ZMQ_EVENT_DISCONNECTED) {
        bool silent = SILENT[fd / 8] & bit;
        SILENT[fd / 8] &= (uint8_t)~bit;
        OPEN[fd / 8] &= (uint8_t)~bit;
        EARLY[fd / 8] &= (uint8_t)~bit;
        if (!silent)
            return;
        if (HANDSHAKES_FAILED) {
            HANDSHAKES_FAILED--;
            return;
        }
        if (N_PENDING == PENDING_MAX) {
            log_silent_close(endpoint);
            return;
        }
        PENDING[N_PENDING].fd = (int)fd;
        PENDING[N_PENDING].at_ms = mono_ms();
        PENDING[N_PENDING].endpoint = endpoint;
        N_PENDING++;
    }
}

long peerlog_flush(void)
{
    int64_t now = mono_ms();
    long due = -1;
    for (size_t i = 0; i < N_PENDING;) {
        int64_t left = PENDING[i].at_ms + PEERLOG_CLOSE_GRACE_MS - now;
        if (left <= 0) {
            log_silent_close(PENDING[i].endpoint);
            PENDING[i] = PENDING[--N_PENDING];
            continue;
        }
        if (due < 0 || left < due)
            due = (long)left;
        i++;
    }
    return due;
}

unsigned long long peerlog_suppressed_total(peerlog_kind_t kind)
{
    return B[kind].suppressed_total;
}
