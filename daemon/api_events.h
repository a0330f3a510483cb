/* SPDX-License-Identifier: MIT */
/*
 * Events in: the PublishRequest, StatsRequest and EvidenceRequest
 * handlers and the correlation of events with nominations.  api.c's table
 * rows call these with the request's transaction; like every handler they
 * write through it, never block and never send (the outbox publishes after
 * the commit).
 *
 * Storage (store.h): the event log `events` keyed by a global ingest
 * sequence, `events_seen` keyed by publisher + the publisher's seq (the
 * dedup record: new events of one publisher land at the end of its range,
 * an append, where a key of random event ids would cost a random leaf per
 * event), `publishers` (one record of counters per publisher) and
 * `nominations_by_subject`.  `events_by_subject` (evidence for a subject) is
 * derived from the log off the acknowledgement path (api_events_index):
 * its keys are random, and inserting them one by one with each batch cost
 * three quarters of the ingestion rate (bench/events.c); meta key
 * "events_indexed" says how far it reaches.
 *
 * Correlation: every stored event is recorded in the history of each
 * nomination registered with the same subject, as a Change with verb
 * "evidence", the state unchanged and the version unchanged (evidence does
 * not make a move; bumping the version would turn every officer's pending
 * move into a conflict because a publisher spoke).  Events that arrive
 * before the nomination are kept and recorded when it is registered.
 */
#ifndef EXEMPLAR_API_EVENTS_H
#define EXEMPLAR_API_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "nom.h"
#include "nomwrite.h"
#include "store.h"
#include "wire.pb-c.h"

/* Longest publisher name, subject and event id the protocol accepts. */
#define EV_PUBLISHER_MAX 32
#define EV_SUBJECT_MAX   64
#define EV_EVENT_ID_MAX  128
/* Events in one PublishRequest; records recorded at one registration. */
#define EV_PUBLISH_MAX  1000
#define EV_EVIDENCE_MAX 1000

/* What a handler works with: the batch's transaction and the api's state. */
typedef struct {
    store_txn_t *txn;     /* the batch's transaction (nw->txn) */
    outbox_t *outbox;     /* events are queued here for the feed */
    nomwrite_batch_t *nw; /* evidence changes are written through it */
    const config_t *cfg;
    const actor_t *actor;
    int64_t now_ms;
    int32_t day; /* the day changes are judged on (rules_today) */
    char *why;   /* a refusal's sentence (why_len bytes) */
    size_t why_len;
    /* Called for every newly stored event, in the same transaction: the
     * plan's rules turn titles, ratings and revocations into evidence. */
    int (*on_fact)(void *arg, store_txn_t *txn, const Exemplar__Event *e, int64_t now_ms);
    void *fact_arg;
} api_events_ctx_t;

/* Stores the request's events, all or none.  Returns 0 with *out filled
 * (release with api_events_publish_reply_free), or a refusal with a
 * sentence in ctx->why: -EX_EINVALID (an event's field, named with its
 * index), -EX_ETOOBIG (more than EV_PUBLISH_MAX events), -EX_EPERM (a feed
 * publisher's event names another publisher), -EX_EEVCONFLICT (a seq already
 * used for another event id), or a storage error. */
int api_events_publish(const api_events_ctx_t *ctx, const Exemplar__PublishRequest *r,
                       Exemplar__PublishReply *out);
void api_events_publish_reply_free(Exemplar__PublishReply *out);

/* Counters of every publisher known to the store or the configuration. */
int api_events_stats(const api_events_ctx_t *ctx, Exemplar__StatsReply *out);
void api_events_stats_reply_free(Exemplar__StatsReply *out);

/* The events naming a subject, oldest first.  -EX_EINVALID for a bad
 * subject or limit. */
int api_events_evidence(const api_events_ctx_t *ctx, const Exemplar__EventListRequest *r,
                        Exemplar__EventListReply *out);
void api_events_evidence_reply_free(Exemplar__EventListReply *out);

/* Unit scope of a subject's evidence and events: a unit officer reads them
 * only for subjects of nominations of its own unit, or of a unit its unit
 * carries on on `day` (rules_unit_acting: the successor after a merge), *in
 * set, like `list`; every other role reads every subject.  Looks at no more
 * than 1000 of the subject's nominations.  0, or a storage error. */
int api_events_subject_in_scope(store_txn_t *t, const actor_t *a, const char *subject, int32_t day,
                                bool *in);

/* RegisterRequest.subject: empty or a valid subject.  0 or -EX_EINVALID with
 * a sentence in why. */
int api_events_check_subject(const char *subject, char *why, size_t why_len);

/* After a nomination with a subject was written: indexes it by subject and
 * records the events already stored for that subject in its history (at
 * most EV_EVIDENCE_MAX; more are logged).  Updates n (last_seq, updated_ms)
 * and writes it again when it records anything.  0 or an error. */
int api_events_on_register(const api_events_ctx_t *ctx, Exemplar__Nomination *n);

/* Extends events_by_subject (which is derived from the event log) by up to
 * `lag` events in one write transaction of its own, inserting the keys in
 * sorted order so that each leaf of the index is rewritten once per step.
 * Runs when quiet, or when the index lags by `lag` events or more; sets
 * *more while it still lags.  The acknowledgement path never waits for it:
 * readers merge the index with a scan of the log after it. */
int api_events_index(store_t *s, unsigned lag, bool quiet, bool *more);

#endif
