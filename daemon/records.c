/* SPDX-License-Identifier: MIT */
/*
 * The record layer (see records.h).  A transition costs one rewritten
 * nomination record, an append to the change log and an index move; the
 * history needs no database of its own because each change links to the
 * previous change of its nomination.
 */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "key.h"
#include "pbwire.h"

uint8_t *records_pack(const ProtobufCMessage *m, size_t *len)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(n ? n : 1);
    if (buf)
        *len = protobuf_c_message_pack(m, buf);
    return buf;
}

void records_put_message(store_txn_t *t, store_db_t db, const void *key, size_t klen,
                         const ProtobufCMessage *m)
{
    size_t len = 0;
    uint8_t *buf = records_pack(m, &len);
    if (!buf) {
        if (t->rc == 0)
            t->rc = -EX_EINTERNAL;
        return;
    }
    store_put(t, db, key, klen, buf, len);
    free(buf);
}

static uint64_t last_key(store_txn_t *t, store_db_t db)
{
    store_iter_t it;
    store_val_t k, v;
    uint64_t last = 0;
    if (store_iter_open(t, db, &it) < 0)
        return 0;
    if (store_iter_last(&it, &k, &v) == 0 && k.len == 8)
        last = key_get_u64(k.data);
    store_iter_close(&it);
    return last;
}

int records_load_counters(store_txn_t *t, records_counters_t *c)
{
    c->next_id = last_key(t, DB_NOMINATIONS) + 1;
    c->last_seq = last_key(t, DB_CHANGES);
    c->nominations = store_count(t, DB_NOMINATIONS);
    return t->rc;
}

int records_get_nomination(store_txn_t *t, uint64_t id, Exemplar__Nomination **out)
{
    uint8_t key[8];
    store_val_t v;
    key_put_u64(key, id);
    int rc = store_get(t, DB_NOMINATIONS, key, sizeof(key), &v);
    if (rc < 0)
        return rc;
    *out = exemplar__nomination__unpack(NULL, v.len, v.data);
    return *out ? 0 : -EX_ESTORAGE;
}

void records_put_nomination(store_txn_t *t, const Exemplar__Nomination *n,
                            Exemplar__State old_state)
{
    uint8_t key[8], ikey[KEY_MAX];
    key_put_u64(key, n->id);
    records_put_message(t, DB_NOMINATIONS, key, sizeof(key), &n->base);
    if (old_state != n->state) {
        uint8_t id[8];
        key_put_u64(id, n->id);
        store_put(t, DB_BY_STATE, ikey, key_by_state(ikey, n->state, n->campaign, n->state_seq), id,
                  sizeof(id));
    }
    if (old_state == EXEMPLAR__STATE__STATE_NONE)
        store_put(t, DB_BY_UNIT, ikey, key_by_unit(ikey, n->unit, n->id), "", 0);
}

void records_append_change(store_txn_t *t, const Exemplar__Change *c)
{
    uint8_t key[8];
    key_put_u64(key, c->seq);
    records_put_message(t, DB_CHANGES, key, sizeof(key), &c->base);
}

int records_get_change(store_txn_t *t, uint64_t seq, Exemplar__Change **out)
{
    uint8_t key[8];
    store_val_t v;
    key_put_u64(key, seq);
    int rc = store_get(t, DB_CHANGES, key, sizeof(key), &v);
    if (rc < 0)
        return rc;
    *out = exemplar__change__unpack(NULL, v.len, v.data);
    return *out ? 0 : -EX_ESTORAGE;
}

uint64_t records_state_entry_id(const store_val_t *val)
{
    return val->len == 8 ? key_get_u64(val->data) : 0;
}

bool records_state_entry_live(const Exemplar__Nomination *n, const store_val_t *key)
{
    const uint8_t *k = key->data;
    return key->len > 9 && k[0] == (uint8_t)n->state &&
           key_tail_u64(key->data, key->len) == n->state_seq;
}

int records_peek_nomination(const store_val_t *v, records_nom_peek_t *out)
{
    const uint8_t *p = v->data, *end = p + v->len;
    memset(out, 0, sizeof(*out));
    out->unit = out->campaign = "";
    pbwire_field_t f;
    int rc;
    while ((rc = pbwire_next(&p, end, &f)) > 0) {
        if (f.wire_type == 2 && f.number == 5) {
            out->unit = (const char *)f.bytes;
            out->unit_len = f.len;
        } else if (f.wire_type == 2 && f.number == 6) {
            out->campaign = (const char *)f.bytes;
            out->campaign_len = f.len;
        } else if (f.wire_type == 0 && f.number == 1) {
            out->id = f.varint;
        } else if (f.wire_type == 0 && f.number == 3) {
            out->state = (Exemplar__State)(int32_t)f.varint;
        } else if (f.wire_type == 0 && f.number == 11) {
            out->state_seq = f.varint;
        }
    }
    return rc < 0 ? -EX_ESTORAGE : 0;
}

bool records_state_entry_live_peek(const records_nom_peek_t *p, const store_val_t *key)
{
    const uint8_t *k = key->data;
    return key->len > 9 && k[0] == (uint8_t)p->state &&
           key_tail_u64(key->data, key->len) == p->state_seq;
}

size_t records_sweep_state_index(store_txn_t *t, size_t max, uint8_t *resume, size_t *resume_len)
{
    store_iter_t it;
    store_val_t k, v;
    size_t seen = 0, dropped = 0;
    if (store_iter_open(t, DB_BY_STATE, &it) < 0)
        return 0;
    int rc = store_iter_seek(&it, resume, *resume_len, &k, &v);
    for (; rc == 0 && seen < max && t->rc == 0; seen++) {
        if (k.len > KEY_MAX)
            break;
        memcpy(resume, k.data, k.len);
        *resume_len = k.len;
        Exemplar__Nomination *n = NULL;
        int got = records_get_nomination(t, records_state_entry_id(&v), &n);
        /* An entry naming no nomination is as useless as a stale one. */
        if (got == -EX_ENOTFOUND || (got == 0 && !records_state_entry_live(n, &k))) {
            store_iter_del(&it);
            dropped++;
        }
        if (n)
            exemplar__nomination__free_unpacked(n, NULL);
        rc = store_iter_next(&it, &k, &v);
    }
    if (rc == -EX_ENOTFOUND)
        *resume_len = 0;
    store_iter_close(&it);
    return dropped;
}
