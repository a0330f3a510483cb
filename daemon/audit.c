/* SPDX-License-Identifier: MIT */
/*
 * The audit list (see audit.h).  Appending looks up the last key with a
 * cursor inside the same write transaction, so no counter lives in memory
 * and a batch that is rolled back (and run again after the map grows)
 * leaves no gap or double.
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "i18n.h"
#include "key.h"
#include "log.h"
#include "names.h"
#include "records.h"

#define AUDIT_DEFAULT 100
#define AUDIT_MAX     1000

static uint64_t last_seq(store_txn_t *txn)
{
    store_iter_t it;
    store_val_t k, v;
    uint64_t seq = 0;
    if (store_iter_open(txn, DB_AUDIT, &it) < 0)
        return 0;
    if (store_iter_last(&it, &k, &v) == 0 && k.len == 8)
        seq = key_get_u64(k.data);
    store_iter_close(&it);
    return seq;
}

void audit_refusal(store_txn_t *txn, const actor_t *a, const char *op, const Exemplar__Request *req,
                   int code, const char *message, int64_t now_ms)
{
    Exemplar__AuditEntry e = EXEMPLAR__AUDIT_ENTRY__INIT;
    Exemplar__Actor actor = EXEMPLAR__ACTOR__INIT;
    actor.name = (char *)a->name;
    actor.role = (Exemplar__Role)a->role;
    actor.unit = (char *)a->unit;
    actor.via = (char *)a->via; /* the gateway that acted for a->name, if any */
    e.at_ms = now_ms;
    e.actor = &actor;
    e.request = (char *)op;
    e.code = (uint32_t)(code < 0 ? -code : code);
    e.code_name = (char *)ex_err_name(code);
    e.message = (char *)message;
    if (req) {
        e.request_id = req->request_id;
        if (req->body_case == EXEMPLAR__REQUEST__BODY_MOVE) {
            e.nomination_id = req->move->id;
            e.to = req->move->to;
        } else if (req->body_case == EXEMPLAR__REQUEST__BODY_REGISTER) {
            e.unit = req->register_->unit;
        }
    }
    bool stored = txn->write && txn->rc == 0;
    if (stored) {
        e.seq = last_seq(txn) + 1;
        uint8_t key[8];
        key_put_u64(key, e.seq);
        records_put_message(txn, DB_AUDIT, key, sizeof(key), &e.base);
        stored = txn->rc == 0;
    }
    char target[64] = "";
    if (e.nomination_id)
        snprintf(target, sizeof(target), " of nomination %llu to %s",
                 (unsigned long long)e.nomination_id, ex_state_name(e.to) ?: "?");
    else if (e.unit && e.unit[0])
        snprintf(target, sizeof(target), " in unit %.16s", e.unit);
    log_fields(LOG_NOTICE,
               LOG_FIELDS(log_u64("NOMINATION_ID", e.nomination_id),
                          log_str("UNIT", e.unit ? e.unit : ""),
                          log_u64("REQUEST_ID", req ? req->request_id : 0),
                          log_str("ERROR_CODE", e.code_name), log_str("PRINCIPAL", a->name),
                          log_str("GATEWAY", a->via), log_u64("AUDIT_SEQ", stored ? e.seq : 0)),
               "audit, %s%s by %s%s%s (%s%s%s) refused (%s: %s)%s", op, target, a->name,
               a->via[0] ? " via " : "", a->via, ex_role_name((Exemplar__Role)a->role) ?: "no role",
               a->unit[0] ? ", unit " : "", a->unit, e.code_name, message,
               stored ? "" : " [not stored: no write transaction]");
}

int audit_read(store_txn_t *txn, const Exemplar__AuditRequest *r, Exemplar__AuditReply **out,
               char *why, size_t why_len)
{
    *out = NULL;
    if (r->limit > AUDIT_MAX) {
        snprintf(why, why_len, _("limit must be 1-%d (0 means %d)"), AUDIT_MAX, AUDIT_DEFAULT);
        return -EX_EINVALID;
    }
    uint32_t limit = r->limit ? r->limit : AUDIT_DEFAULT;
    Exemplar__AuditReply *reply = calloc(1, sizeof(*reply));
    Exemplar__AuditEntry **v = calloc(limit, sizeof(*v));
    if (!reply || !v) {
        free(reply);
        free(v);
        return -EX_EINTERNAL;
    }
    exemplar__audit_reply__init(reply);
    reply->entries = v;
    reply->last_seq = last_seq(txn);
    /* Walk backwards from before_seq - 1 (or the newest). */
    uint64_t seq = r->before_seq ? r->before_seq - 1 : reply->last_seq;
    if (seq > reply->last_seq)
        seq = reply->last_seq;
    int rc = 0;
    for (; seq >= 1 && reply->n_entries < limit; seq--) {
        uint8_t key[8];
        store_val_t val;
        key_put_u64(key, seq);
        rc = store_get(txn, DB_AUDIT, key, sizeof(key), &val);
        if (rc == -EX_ENOTFOUND) {
            rc = 0;
            continue;
        }
        Exemplar__AuditEntry *e =
            rc == 0 ? exemplar__audit_entry__unpack(NULL, val.len, val.data) : NULL;
        if (!e) {
            log_error("audit, entry %llu does not decode", (unsigned long long)seq);
            rc = -EX_ESTORAGE;
            break;
        }
        v[reply->n_entries++] = e;
    }
    reply->next_before_seq = rc == 0 && seq >= 1 ? seq + 1 : 0;
    if (rc < 0) {
        audit_reply_free(reply);
        return rc;
    }
    *out = reply;
    return 0;
}

void audit_reply_free(Exemplar__AuditReply *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_entries; i++)
        exemplar__audit_entry__free_unpacked(r->entries[i], NULL);
    free(r->entries);
    free(r);
}
