/* SPDX-License-Identifier: MIT */
/*
 * Remembered answers (see dedup.h), in DB_REQUESTS keyed by the request id
 * in big-endian order.  Clients that make ids time-ordered (the C client
 * does) make every new record an append; pruning walks the database in
 * bounded steps so that it never stalls the loop.  The sender's principal
 * is in the value, not in the key: the key stays 8 time-ordered bytes (an
 * append, shared/RECIPES.md), and one lookup finds whoever used the id.
 */
#include "dedup.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "key.h"
#include "record.pb-c.h"
#include "records.h"

uint64_t dedup_digest(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

int dedup_lookup(store_txn_t *t, uint64_t id, const char *principal, uint64_t digest,
                 uint8_t **reply, size_t *len, bool *other)
{
    uint8_t key[8];
    store_val_t v;
    *other = false;
    key_put_u64(key, id);
    int rc = store_get(t, DB_REQUESTS, key, sizeof(key), &v);
    if (rc < 0)
        return rc;
    Exemplar__RequestRecord *r = exemplar__request_record__unpack(NULL, v.len, v.data);
    if (!r)
        return -EX_ESTORAGE;
    rc = -EX_EIDREUSE;
    /* The principal is compared before the digest, so that whether another
     * principal's request was the same or not is never revealed. */
    if (!r->principal[0] || strcmp(r->principal, principal) != 0) {
        *other = true;
    } else if (r->digest == digest) {
        *reply = malloc(r->reply.len ? r->reply.len : 1);
        rc = *reply ? 0 : -EX_EINTERNAL;
        if (*reply) {
            if (r->reply.len)
                memcpy(*reply, r->reply.data, r->reply.len);
            *len = r->reply.len;
        }
    }
    exemplar__request_record__free_unpacked(r, NULL);
    return rc;
}

void dedup_remember(store_txn_t *t, uint64_t id, const char *principal, uint64_t digest,
                    int64_t now_ms, const uint8_t *reply, size_t len)
{
    Exemplar__RequestRecord r = EXEMPLAR__REQUEST_RECORD__INIT;
    uint8_t key[8];
    r.at_ms = now_ms;
    r.digest = digest;
    r.reply.data = (uint8_t *)reply;
    r.reply.len = len;
    r.principal = (char *)principal;
    key_put_u64(key, id);
    records_put_message(t, DB_REQUESTS, key, sizeof(key), &r.base);
}

size_t dedup_prune(store_txn_t *t, int64_t cutoff_ms, size_t max, uint64_t *resume)
{
    store_iter_t it;
    store_val_t k, v;
    uint8_t start[8];
    size_t seen = 0, dropped = 0;
    if (store_iter_open(t, DB_REQUESTS, &it) < 0)
        return 0;
    key_put_u64(start, *resume);
    int rc = store_iter_seek(&it, *resume ? start : NULL, sizeof(start), &k, &v);
    for (; rc == 0 && seen < max; seen++) {
        *resume = k.len == 8 ? key_get_u64(k.data) + 1 : 0;
        Exemplar__RequestRecord *r = exemplar__request_record__unpack(NULL, v.len, v.data);
        /* A record that does not decode is of no use to anyone: drop it. */
        if (!r || r->at_ms < cutoff_ms) {
            store_iter_del(&it);
            dropped++;
        }
        if (r)
            exemplar__request_record__free_unpacked(r, NULL);
        rc = store_iter_next(&it, &k, &v);
    }
    if (rc == -EX_ENOTFOUND)
        *resume = 0;
    store_iter_close(&it);
    return dropped;
}
