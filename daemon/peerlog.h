/* SPDX-License-Identifier: MIT */
/*
 * What peers do at the edge of the protocol, logged without letting a peer
 * flood the journal: refused handshakes, new connections, messages that are
 * not a request (malformed) and messages ZeroMQ dropped for their size.
 *
 * Rate limit.  Each kind has its own budget of PEERLOG_BURST lines per
 * PEERLOG_WINDOW_MS (a client with the wrong server key retries every
 * 100-200 ms, forever; a broken client may send thousands of bad messages a
 * second).  The last line of a burst says further ones are summarised; when
 * the window ends one line counts those not logged.  Separate budgets, so
 * a flood of one kind does not hide another.
 *
 * Oversized messages.  ZeroMQ (ZMQ_MAXMSGSIZE) drops such a message and
 * closes the connection without telling the socket's owner; only its socket
 * monitor sees ZMQ_EVENT_DISCONNECTED with the connection's descriptor.  A
 * connection that closes before a single message of it reached the daemon
 * is logged as such, naming the size limit as the likely reason: the api's
 * clients send a request as soon as they connect, so a silent close is rare
 * otherwise (an oversized message after earlier ones on the same connection
 * is not told apart from a client that closed).
 */
#ifndef EXEMPLAR_PEERLOG_H
#define EXEMPLAR_PEERLOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#define PEERLOG_WINDOW_MS      10000
#define PEERLOG_BURST          5
#define PEERLOG_CLOSE_GRACE_MS 250

typedef enum {
    PEERLOG_HANDSHAKE, /* a CURVE handshake failed or ZAP refused it */
    PEERLOG_CONNECTED, /* a principal connected */
    PEERLOG_MALFORMED, /* a message that is not a request */
    PEERLOG_OVERSIZED, /* a connection closed before a message of it arrived */
    PEERLOG_KIND_COUNT,
} peerlog_kind_t;

/* Logs one line of kind at priority, unless the kind's budget for this
 * window is spent.  Returns true when the line was logged. */
__attribute__((format(printf, 3, 4))) bool peerlog(peerlog_kind_t kind, int priority,
                                                   const char *fmt, ...);

/* Would a line of kind be logged now?  (To skip costly formatting.) */
bool peerlog_may(peerlog_kind_t kind);

/* Counts a line of kind as not logged (after peerlog_may said no). */
void peerlog_suppress(peerlog_kind_t kind);

/* A message arrived on the connection with descriptor fd (ZMQ_SRCFD). */
void peerlog_message_from(int fd);

/* The api's message size limit, named in PEERLOG_OVERSIZED lines. */
void peerlog_set_max_message(unsigned long long max_bytes);

/* A socket monitor's event on endpoint: ZMQ_EVENT_ACCEPTED starts a
 * connection, ZMQ_EVENT_DISCONNECTED ends one (logged as PEERLOG_OVERSIZED
 * when no message of it arrived).  A failed handshake also ends with a
 * connection closed unheard; it was logged as a handshake failure, so the
 * next such close is not logged again.  value is the event's value (the
 * descriptor for these two events). */
void peerlog_monitor_event(const char *endpoint, uint16_t event, uint32_t value);

/* Logs the silent closes whose grace has passed (a close is judged
 * PEERLOG_CLOSE_GRACE_MS after it was seen, so that a message read late
 * still counts).  Returns the milliseconds until the next one is due, or -1
 * when none waits: the loop polls no longer than that. */
long peerlog_flush(void);

/* Lines not logged so far, per kind (tests, metrics). */
unsigned long long peerlog_suppressed_total(peerlog_kind_t kind);

#endif
