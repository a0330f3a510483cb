/* SPDX-License-Identifier: MIT */
/*
 * The content-addressed file store (see blobs.h): DB_BLOBS, SHA-256 key ->
 * the file's bytes.  LMDB keeps a large value on overflow pages of its
 * own, so a 10 MiB file is one record read without copying.
 */
#include "blobs.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"

_Static_assert(BLOBS_SHA_LEN == crypto_hash_sha256_BYTES, "a blob's key is a SHA-256");

void blobs_hash(const void *bytes, size_t len, uint8_t sha[BLOBS_SHA_LEN])
{
    crypto_hash_sha256(sha, len ? bytes : (const unsigned char *)"", len);
}

int blobs_put(store_txn_t *t, const void *bytes, size_t len, uint8_t sha_out[BLOBS_SHA_LEN])
{
    blobs_hash(bytes, len, sha_out);
    if (t->rc < 0)
        return t->rc;
    store_val_t v;
    int rc = store_get(t, DB_BLOBS, sha_out, BLOBS_SHA_LEN, &v);
    if (rc == 0)
        return 0; /* the same content is already there: its key says so */
    if (rc != -EX_ENOTFOUND)
        return rc;
    store_put(t, DB_BLOBS, sha_out, BLOBS_SHA_LEN, len ? bytes : "", len);
    return t->rc;
}

int blobs_get(store_txn_t *t, const uint8_t sha[BLOBS_SHA_LEN], const void **bytes, size_t *len)
{
    store_val_t v;
    int rc = store_get(t, DB_BLOBS, sha, BLOBS_SHA_LEN, &v);
    if (rc < 0)
        return rc;
    *bytes = v.data;
    *len = v.len;
    return 0;
}

bool blobs_has(store_txn_t *t, const uint8_t sha[BLOBS_SHA_LEN])
{
    store_val_t v;
    return store_get(t, DB_BLOBS, sha, BLOBS_SHA_LEN, &v) == 0;
}

int blobs_verify(store_txn_t *t, blobs_bad_fn *bad, void *arg, uint64_t *n_blobs)
{
    store_iter_t it;
    store_val_t k, v;
    uint64_t n = 0;
    int nbad = 0;
    int rc = store_iter_open(t, DB_BLOBS, &it);
    if (rc < 0)
        return rc;
    for (rc = store_iter_seek(&it, NULL, 0, &k, &v); rc == 0; rc = store_iter_next(&it, &k, &v)) {
        uint8_t sha[BLOBS_SHA_LEN] = {0};
        n++;
        memcpy(sha, k.data, k.len < BLOBS_SHA_LEN ? k.len : BLOBS_SHA_LEN);
        uint8_t got[BLOBS_SHA_LEN];
        blobs_hash(v.data, v.len, got);
        if (k.len != BLOBS_SHA_LEN || memcmp(got, sha, BLOBS_SHA_LEN) != 0) {
            nbad++;
            if (bad)
                bad(arg, sha);
        }
    }
    store_iter_close(&it);
    if (n_blobs)
        *n_blobs = n;
    return rc == -EX_ENOTFOUND ? nbad : rc;
}

void blobs_hex(const uint8_t sha[BLOBS_SHA_LEN], char hex[BLOBS_HEX_LEN])
{
    sodium_bin2hex(hex, BLOBS_HEX_LEN, sha, BLOBS_SHA_LEN);
}

int blobs_unhex(const char *hex, uint8_t sha[BLOBS_SHA_LEN])
{
    size_t got = 0;
    const char *end = NULL;
    if (!hex || strlen(hex) != 2 * BLOBS_SHA_LEN ||
        sodium_hex2bin(sha, BLOBS_SHA_LEN, hex, strlen(hex), NULL, &got, &end) != 0 ||
        got != BLOBS_SHA_LEN)
        return -EX_EINVALID;
    return 0;
}
