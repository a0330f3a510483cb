/* SPDX-License-Identifier: MIT */
/*
 * The change feed: changes appended to the log during a write transaction
 * are queued here and published on the PUB socket only after the commit, so
 * that subscribers never see a change that was not committed.  A slow
 * subscriber loses messages at its high-water mark (it never slows the
 * daemon) and catches up by sequence with a ChangesRequest.
 */
#ifndef EXEMPLAR_OUTBOX_H
#define EXEMPLAR_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.pb-c.h"

typedef struct outbox outbox_t;

/* Binds a PUB socket on endpoint.  Returns NULL with a sentence in err. */
outbox_t *outbox_new(void *zmq_ctx, const char *endpoint, char *err, size_t errlen);
void outbox_destroy(outbox_t **p);

/* Queues a change of the current transaction.  Returns 0 or -EX_EINTERNAL
 * when out of memory. */
int outbox_add(outbox_t *o, const Exemplar__Change *c);
/* Queues any message under a topic (events: "event.<type>.<subject>",
 * common/evnames.h).  Returns 0 or -EX_EINTERNAL when out of memory or the
 * topic is too long. */
int outbox_add_message(outbox_t *o, const char *topic, const ProtobufCMessage *m);
/* The same for a message already encoded (len bytes at data, copied):
 * what was stored is what is published, encoded once. */
int outbox_add_packed(outbox_t *o, const char *topic, const uint8_t *data, size_t len);
/* The transaction committed: publish the queue in order and empty it. */
void outbox_publish(outbox_t *o);
/* The transaction committed, but its write-ahead log record seq is not
 * durable yet (store_txn_commit_nowait): the queue waits, in order after
 * any earlier such, until outbox_durable reports seq; durable is what is
 * durable now.  seq <= durable with nothing waiting is outbox_publish. */
void outbox_publish_after(outbox_t *o, uint64_t seq, uint64_t durable);
/* Everything through log record durable is durable: publishes, in order,
 * what waited for it. */
void outbox_durable(outbox_t *o, uint64_t durable);
/* The transaction failed: forget the queue. */
void outbox_discard(outbox_t *o);

/* Makes every subscriber of a tcp:// (CURVE) feed authenticate again, so
 * that a key revoked by a reload of the keys file loses its subscription:
 * the feed is unbound, which closes every connection, and bound again on
 * the same address.  Subscribers reconnect by themselves (ZeroMQ) through
 * the ZAP handler; until every connection the feed had was judged again
 * (at most 2 s), committed messages are held and then published in order,
 * so the subscribers still valid miss nothing (one that takes longer fills
 * the gap by sequence, ChangesRequest).  Does nothing for ipc:// feeds.
 * 0, or -1 (logged). */
int outbox_reauthenticate(outbox_t *o);

/* Publishes what a re-bound feed held once its wait is over; the
 * scheduler's housekeeping calls it, every 100 ms while outbox_holding(). */
void outbox_tick(outbox_t *o);
/* Is a re-bound feed holding its messages back for its subscribers? */
bool outbox_holding(const outbox_t *o);

/* Connections to the change feed now (for stats and metrics), from the PUB socket's
 * monitor (accepted minus disconnected); drains the monitor's events. */
unsigned long long outbox_subscribers(outbox_t *o);
/* Reads the monitor's pending events; the loop calls it when the monitor's
 * socket is readable (outbox_monitor_socket), so that they never pile up. */
void outbox_monitor_drain(outbox_t *o);
/* The PAIR socket the feed's connection events arrive on, or NULL. */
void *outbox_monitor_socket(const outbox_t *o);

/* How many messages were published since start. */
unsigned long long outbox_published(const outbox_t *o);

#endif
