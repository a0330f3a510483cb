/* SPDX-License-Identifier: MIT */
/*
 * Content-addressed file store: bytes kept in DB_BLOBS under their SHA-256
 * (libsodium's crypto_hash_sha256), written inside the caller's
 * transaction.  A nomination's dossier keeps its attachments here (the
 * dossier names them by hash) and an issued decision its file; the same
 * bytes stored twice are one record.  Blobs live in the LMDB environment,
 * so a backup (the environment's copy) carries them, and fsck recomputes
 * each hash against its key.
 *
 * A blob is never rewritten: its key is its content.  Nothing deletes a
 * blob here (the records naming it are history that stays).
 */
#ifndef EXEMPLAR_BLOBS_H
#define EXEMPLAR_BLOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define BLOBS_SHA_LEN 32 /* bytes of a SHA-256 */
#define BLOBS_HEX_LEN 65 /* its lower-case hex, NUL included */

/* Computes the SHA-256 of bytes into sha. */
void blobs_hash(const void *bytes, size_t len, uint8_t sha[BLOBS_SHA_LEN]);

/* Stores bytes (len may be 0) under their SHA-256, written to sha_out.
 * Idempotent: bytes already stored are not written again.  Sticky like
 * store_put (the error shows at commit; -EX_EFULL when the map is full).
 * Returns 0, or the transaction's sticky error, or -EX_ESTORAGE. */
int blobs_put(store_txn_t *t, const void *bytes, size_t len, uint8_t sha_out[BLOBS_SHA_LEN]);

/* 0 with *bytes, *len pointing into the map (valid until the transaction
 * ends or its next write), -EX_ENOTFOUND, or -EX_ESTORAGE. */
int blobs_get(store_txn_t *t, const uint8_t sha[BLOBS_SHA_LEN], const void **bytes, size_t *len);

/* Is a blob with this SHA-256 stored? */
bool blobs_has(store_txn_t *t, const uint8_t sha[BLOBS_SHA_LEN]);

/* Checks every blob: its bytes' SHA-256 against its key.  Calls bad(arg,
 * sha) for each blob whose content no longer matches (or whose key is not
 * 32 bytes: sha then the key's first bytes, zero-padded).  *n_blobs (may be
 * NULL) is the number of blobs read.  Returns the number of bad blobs
 * (>= 0) or a negative EX_E* when the store cannot be read. */
typedef void blobs_bad_fn(void *arg, const uint8_t sha[BLOBS_SHA_LEN]);
int blobs_verify(store_txn_t *t, blobs_bad_fn *bad, void *arg, uint64_t *n_blobs);

/* sha as 64 lower-case hex digits and a NUL. */
void blobs_hex(const uint8_t sha[BLOBS_SHA_LEN], char hex[BLOBS_HEX_LEN]);
/* 64 hex digits (either case) to sha: 0, or -EX_EINVALID. */
int blobs_unhex(const char *hex, uint8_t sha[BLOBS_SHA_LEN]);

#endif
