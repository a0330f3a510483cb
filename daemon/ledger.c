/* SPDX-License-Identifier: MIT */
/*
 * Units and evidence in LMDB (see ledger.h).  Keys put the code (or the
 * subject) first, so one prefix scan finds every version of a unit or every
 * title of a subject, in date and year order.
 */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "errors.h"
#include "key.h"
#include "records.h"

#define UNIT_KEY_MAX     (KEY_UNIT_MAX + 1 + 10)
#define EVIDENCE_KEY_MAX (LEDGER_SUBJECT_MAX + 1 + 2 + TITLE_CODE_MAX)

static size_t unit_key(uint8_t *out, const char *code, const char *valid_from)
{
    size_t n = strnlen(code, KEY_UNIT_MAX), f = strnlen(valid_from, 10);
    memcpy(out, code, n);
    out[n] = 0;
    memcpy(out + n + 1, valid_from, f);
    return n + 1 + f;
}

static size_t evidence_key(uint8_t *out, const char *subject, int year, const char *title)
{
    size_t n = strnlen(subject, LEDGER_SUBJECT_MAX), t = title ? strnlen(title, TITLE_CODE_MAX) : 0;
    memcpy(out, subject, n);
    out[n] = 0;
    if (year < 0)
        return n + 1;
    out[n + 1] = (uint8_t)(year >> 8);
    out[n + 2] = (uint8_t)year;
    memcpy(out + n + 3, title, t);
    return n + 3 + t;
}

void ledger_unit_put(store_txn_t *t, const Exemplar__Unit *u)
{
    uint8_t key[UNIT_KEY_MAX];
    records_put_message(t, DB_UNITS, key, unit_key(key, u->code, u->valid_from), &u->base);
}

/* Every record under prefix, decoded with unpack; at most LEDGER_LIST_MAX. */
static int scan(store_txn_t *t, store_db_t db, const uint8_t *prefix, size_t plen,
                const ProtobufCMessageDescriptor *desc, ProtobufCMessage ***out, size_t *n)
{
    store_iter_t it;
    store_val_t k, v;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = store_iter_open(t, db, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, plen ? prefix : NULL, plen, &k, &v);
    while (rc == 0 && k.len >= plen && memcmp(k.data, prefix, plen) == 0 && *n < LEDGER_LIST_MAX) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            ProtobufCMessage **grown = realloc(*out, cap * sizeof(*grown));
            if (!grown) {
                rc = -EX_EINTERNAL;
                break;
            }
            *out = grown;
        }
        ProtobufCMessage *m = protobuf_c_message_unpack(desc, NULL, v.len, v.data);
        if (!m) {
            rc = -EX_ESTORAGE;
            break;
        }
        (*out)[(*n)++] = m;
        rc = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}

int ledger_units(store_txn_t *t, const char *code, Exemplar__Unit ***out, size_t *n)
{
    uint8_t prefix[UNIT_KEY_MAX];
    size_t plen = code && code[0] ? unit_key(prefix, code, "") : 0;
    int rc =
        scan(t, DB_UNITS, prefix, plen, &exemplar__unit__descriptor, (ProtobufCMessage ***)out, n);
    if (rc < 0) {
        ledger_units_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void ledger_units_free(Exemplar__Unit **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        exemplar__unit__free_unpacked(v[i], NULL);
    free(v);
}

static bool valid_on(const Exemplar__Unit *u, int32_t day)
{
    int32_t from, to;
    if (u->valid_from[0] && (day_parse(u->valid_from, &from) < 0 || day < from))
        return false;
    if (u->valid_to[0] && (day_parse(u->valid_to, &to) < 0 || day > to))
        return false;
    return true;
}

int ledger_unit_on(store_txn_t *t, const char *code, int32_t day, Exemplar__Unit **out,
                   Exemplar__Unit **latest)
{
    Exemplar__Unit **v = NULL;
    size_t n = 0;
    *out = NULL;
    if (latest)
        *latest = NULL;
    int rc = ledger_units(t, code, &v, &n);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (!*out && valid_on(v[i], day)) {
            *out = v[i];
            v[i] = NULL;
        }
    }
    if (!*out && latest && n) {
        *latest = v[n - 1];
        v[n - 1] = NULL;
    }
    ledger_units_free(v, n);
    return *out ? 0 : -EX_EUNIT;
}

void ledger_evidence_put(store_txn_t *t, const Exemplar__Evidence *e)
{
    uint8_t key[EVIDENCE_KEY_MAX];
    records_put_message(t, DB_EVIDENCE, key, evidence_key(key, e->subject, e->year, e->title),
                        &e->base);
}

int ledger_evidence_get(store_txn_t *t, const char *subject, int year, const char *title,
                        Exemplar__Evidence **out)
{
    uint8_t key[EVIDENCE_KEY_MAX];
    store_val_t v;
    int rc = store_get(t, DB_EVIDENCE, key, evidence_key(key, subject, year, title), &v);
    if (rc < 0)
        return rc;
    *out = exemplar__evidence__unpack(NULL, v.len, v.data);
    return *out ? 0 : -EX_ESTORAGE;
}

int ledger_evidence_of(store_txn_t *t, const char *subject, Exemplar__Evidence ***out, size_t *n)
{
    uint8_t prefix[EVIDENCE_KEY_MAX];
    size_t plen = evidence_key(prefix, subject, -1, NULL);
    int rc = scan(t, DB_EVIDENCE, prefix, plen, &exemplar__evidence__descriptor,
                  (ProtobufCMessage ***)out, n);
    if (rc < 0) {
        ledger_evidence_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void ledger_evidence_free(Exemplar__Evidence **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        exemplar__evidence__free_unpacked(v[i], NULL);
    free(v);
}
