/* SPDX-License-Identifier: MIT */
/*
 * The one write path of a nomination.  Every change a nomination goes
 * through (registration, move, carry-over, revocation, evidence from an
 * event) is one nomwrite_transition(): it takes the next change sequence
 * (and, for a new nomination, the next id), writes the record and its
 * indexes (records.h), appends the change to the change log, queues it for
 * the feed (outbox.h), and notes what the in-memory counters must learn.
 *
 * Counters are never changed by a write: a batch (one write transaction)
 * keeps their deltas, and nomwrite_batch_apply() adds them once the
 * transaction committed; nomwrite_batch_discard() forgets them when it did
 * not.  Readers inside the batch see the committed counters plus the
 * batch's deltas (nomwrite_counters), as they see the transaction's writes.
 */
#ifndef EXEMPLAR_NOMWRITE_H
#define EXEMPLAR_NOMWRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "outbox.h"
#include "record.pb-c.h"
#include "records.h"
#include "store.h"

#define NOMWRITE_STATES 16 /* slots of records_counters_t.in_state */

/* One write transaction's nomination writes. */
typedef struct {
    store_txn_t *txn;
    outbox_t *outbox;              /* NULL: changes are not queued for a feed */
    records_counters_t *committed; /* what is durable: changed by apply only */
    /* The deltas of this batch, applied on commit. */
    uint64_t new_ids;     /* next_id and nominations advance by this */
    uint64_t new_changes; /* last_seq advances by this */
    int64_t in_state[NOMWRITE_STATES];
    uint64_t stale_entries; /* by-state entries this batch left behind */
} nomwrite_batch_t;

/* Starts a batch on txn (read-only transactions work for readers). */
void nomwrite_batch_init(nomwrite_batch_t *b, store_txn_t *txn, outbox_t *outbox,
                         records_counters_t *committed);

/* The counters as the batch's transaction sees them. */
void nomwrite_counters(const nomwrite_batch_t *b, records_counters_t *out);
/* The id the next new nomination of this batch gets. */
uint64_t nomwrite_next_id(const nomwrite_batch_t *b);

/* Counts the nominations per state once (one pass over the nominations in
 * the batch's transaction, less the batch's own deltas); later transitions
 * keep the count in step.  0 or -EX_ESTORAGE. */
int nomwrite_count_states(nomwrite_batch_t *b);

/* The transaction committed: the deltas join the committed counters.
 * Returns how many stale by-state entries the batch left (for the sweep). */
uint64_t nomwrite_batch_apply(nomwrite_batch_t *b);
/* The transaction failed: the deltas are forgotten. */
void nomwrite_batch_discard(nomwrite_batch_t *b);

/* What a change records besides the nomination itself. */
typedef struct {
    Exemplar__State from; /* the state before; STATE_NONE: a new nomination */
    const char *verb;
    const char *reason; /* NULL: none */
    const Exemplar__Actor *actor;
    int64_t at_ms;
    int32_t day; /* the day the change is judged on (rules_today) */
    uint64_t request_id;
    const char *override_reason; /* NULL: none */
    uint64_t linked_id;          /* carry-over: the other nomination */
    Exemplar__Decision *decision;
    uint64_t event_seq; /* evidence: the event recorded */
} nomwrite_change_t;

/* Writes n as it now is (its state, version and fields set by the caller)
 * and its change.  Sets n->last_seq to the new change's sequence,
 * n->state_seq too when the state changed, and n->updated_ms to c->at_ms;
 * for a new nomination (c->from == STATE_NONE) sets n->id to
 * nomwrite_next_id().  Returns 0, or -EX_EINTERNAL when out of memory, which
 * also poisons the transaction (nothing of the batch commits).  Storage
 * errors are sticky on the transaction (store.h). */
int nomwrite_transition(nomwrite_batch_t *b, Exemplar__Nomination *n, const nomwrite_change_t *c);

#endif
