/* SPDX-License-Identifier: MIT */
/*
 * Request ids: the first answer to every mutating request is remembered
 * under its client-chosen id, together with the principal that sent it, for
 * at least the configured time, so that a retry gets the same answer and
 * changes nothing.  Only the sender gets it: the same id from another
 * principal is refused, never answered with someone else's reply.
 */
#ifndef EXEMPLAR_DEDUP_H
#define EXEMPLAR_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* A 64-bit digest of a request's bytes (FNV-1a), to tell a retry from a
 * different request that reuses an id. */
uint64_t dedup_digest(const void *data, size_t len);

/* 0 with *reply set to a heap copy of the remembered answer (free() it)
 * when id was remembered for principal with the same digest;
 * -EX_EIDREUSE when the id was used for a request with another digest, or
 * by another principal (one principal never sees another's answer: *other
 * is then set, so the caller can say so without naming anyone);
 * -EX_ENOTFOUND when the id is new, or -EX_ESTORAGE.
 *
 * A record written before the principal was kept (its principal empty)
 * belongs to nobody: it is refused as -EX_EIDREUSE with *other set, and it
 * expires request_ttl after it was written like any other. */
int dedup_lookup(store_txn_t *t, uint64_t id, const char *principal, uint64_t digest,
                 uint8_t **reply, size_t *len, bool *other);

/* Remembers reply under id for principal (sticky on the transaction). */
void dedup_remember(store_txn_t *t, uint64_t id, const char *principal, uint64_t digest,
                    int64_t now_ms, const uint8_t *reply, size_t len);

/* Forgets answers older than cutoff_ms, looking at no more than max records
 * from *resume on (0: the start); *resume is where to go on next time (0
 * after a full pass).  Returns how many were forgotten. */
size_t dedup_prune(store_txn_t *t, int64_t cutoff_ms, size_t max, uint64_t *resume);

#endif
