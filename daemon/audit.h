/* SPDX-License-Identifier: MIT */
/*
 * The audit list: every refusal of a mutating request is written
 * to the journal and appended to the LMDB database `audit` (key: a sequence
 * u64 big-endian, value: exemplar.AuditEntry from proto/auth.proto) in the
 * transaction of the batch that refused it, so the list is as durable as the
 * changes themselves.  Admins read it newest first (AuditRequest,
 * `exemplarctl audit`).  Entries are never rewritten or removed by the
 * daemon.
 */
#ifndef EXEMPLAR_AUDIT_H
#define EXEMPLAR_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "nom.h"
#include "store.h"
#include "wire.pb-c.h"

/* Logs the refusal and, when txn is a write transaction, appends it (sticky
 * on txn).  req may be NULL; code is the negative EX_E* refusal. */
void audit_refusal(store_txn_t *txn, const actor_t *a, const char *op, const Exemplar__Request *req,
                   int code, const char *message, int64_t now_ms);

/* Reads a page of the list newest first into *out (free with
 * audit_reply_free).  Returns 0, -EX_EINVALID (limit over 1000, with a
 * sentence in why) or -EX_ESTORAGE / -EX_EINTERNAL. */
int audit_read(store_txn_t *txn, const Exemplar__AuditRequest *r, Exemplar__AuditReply **out,
               char *why, size_t why_len);
void audit_reply_free(Exemplar__AuditReply *r);

#endif
