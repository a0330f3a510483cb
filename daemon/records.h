/* SPDX-License-Identifier: MIT */
/*
 * What the databases hold: nominations with their two indexes, and the
 * change log that is also every nomination's history.  Values are the
 * protobuf records of proto/record.proto; keys are built by key.h.
 * All writes are sticky on the transaction (store.h): check once at commit.
 */
#ifndef EXEMPLAR_RECORDS_H
#define EXEMPLAR_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.pb-c.h"
#include "store.h"

/* Counters derived from the data on open and advanced in memory. */
typedef struct {
    uint64_t next_id;     /* the next nomination id */
    uint64_t last_seq;    /* the newest change in the log */
    uint64_t nominations; /* how many nominations exist */
    /* Nominations per state (index: the State number), counted on first use
     * (in_state_known) and kept in step by every move after that. */
    uint64_t in_state[16];
    bool in_state_known;
} records_counters_t;

int records_load_counters(store_txn_t *t, records_counters_t *c);

/* 0 with *out (free with exemplar__nomination__free_unpacked), -EX_ENOTFOUND,
 * or -EX_ESTORAGE for a record that does not decode. */
int records_get_nomination(store_txn_t *t, uint64_t id, Exemplar__Nomination **out);

/* Writes n and keeps the indexes in step: old_state is the state n had
 * before (STATE_NONE for a new nomination).  A state change appends a
 * DB_BY_STATE entry under n->state_seq and leaves the old entry stale. */
void records_put_nomination(store_txn_t *t, const Exemplar__Nomination *n,
                            Exemplar__State old_state);

/* Is the DB_BY_STATE entry (key, val) current?  Sets *id to the nomination
 * it names either way.  A stale entry is one the nomination has moved on
 * from. */
bool records_state_entry_live(const Exemplar__Nomination *n, const store_val_t *key);
uint64_t records_state_entry_id(const store_val_t *val);

/* The fields of a stored nomination a plain list filters on, read from
 * its encoding (a DB_NOMINATIONS value) without decoding the rest: a list
 * page copies the stored bytes into its reply as they are, so a decode of
 * every field (and its allocations) would be spent on a filter alone.
 * Strings point into the value and are not NUL-terminated; an absent
 * field reads as protobuf's default (0, empty), the last occurrence of a
 * field wins, as in a full decode. */
typedef struct {
    uint64_t id;
    uint64_t state_seq;
    Exemplar__State state;
    const char *unit, *campaign;
    size_t unit_len, campaign_len;
} records_nom_peek_t;

/* 0, or -EX_ESTORAGE when v is not a well-formed protobuf encoding (a
 * truncated field, a length past its end, a group). */
int records_peek_nomination(const store_val_t *v, records_nom_peek_t *out);

/* records_state_entry_live on a peeked nomination. */
bool records_state_entry_live_peek(const records_nom_peek_t *p, const store_val_t *key);

/* Deletes stale DB_BY_STATE entries, examining at most max entries from
 * *resume on (a key; empty: the start), which is updated for the next call
 * (emptied after a full pass).  Returns how many were deleted. */
size_t records_sweep_state_index(store_txn_t *t, size_t max, uint8_t *resume, size_t *resume_len);

/* Appends c under c->seq (which must be the next sequence). */
void records_append_change(store_txn_t *t, const Exemplar__Change *c);

/* 0 with *out (free with exemplar__change__free_unpacked), -EX_ENOTFOUND or
 * -EX_ESTORAGE. */
int records_get_change(store_txn_t *t, uint64_t seq, Exemplar__Change **out);

/* Writes m, packed, under key (sticky; a failed allocation poisons the
 * transaction with -EX_EINTERNAL). */
void records_put_message(store_txn_t *t, store_db_t db, const void *key, size_t klen,
                         const ProtobufCMessage *m);

/* Packs a message into a fresh heap buffer; NULL when out of memory. */
uint8_t *records_pack(const ProtobufCMessage *m, size_t *len);

#endif
