/* SPDX-License-Identifier: MIT */
/*
 * One request being handled, and the reply helpers every handler uses.
 * This is the bottom of the request path: the handler modules (api_noms.c,
 * api_rules.c, api_plans.c, api_ops.c, api_jobs.c, api_summary.c) include
 * it and nothing above it; api.c (the request table and the batch engine)
 * fills a call_t for each request and calls the handler of its row.
 *
 * A handler gets the call's transaction, the batch's nomination writes
 * (nomwrite.h) and the few services it needs, never the api object.
 */
#ifndef EXEMPLAR_API_CALL_H
#define EXEMPLAR_API_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "errors.h"
#include "i18n.h" /* _() for the refusals */
#include "nom.h"
#include "nomwrite.h"
#include "outbox.h"
#include "rules.h"
#include "store.h"
#include "wire.pb-c.h"

/* The jobs' state between calls (api_jobs.c): opaque to everyone else. */
typedef struct api_jobs api_jobs_t;

/* One request being handled. */
typedef struct {
    store_txn_t *txn;
    nomwrite_batch_t *nw; /* the nomination writes of txn (nomwrite.h) */
    const config_t *cfg;
    rules_t *rules; /* units, campaigns, evidence, criteria */
    outbox_t *outbox;
    api_jobs_t *jobs;
    const Exemplar__Request *req;
    const actor_t *actor;
    int64_t now_ms;
    Exemplar__Reply reply; /* the handler sets the body */
    uint8_t *out;          /* the packed reply */
    size_t out_len;
    char why[2048]; /* a refusal's sentence; empty: the code's default */
    uint64_t current_version;
    Exemplar__State current_state;
    bool wrote; /* set by a handler of an OP_MAY_WRITE request that wrote */
    /* Set by a mutating request's handler that changed nothing (a lease
     * that found no job): its answer is not remembered, so an idle worker's
     * polling costs no durable write. */
    bool unchanged;
    /* Set by a handler that rebuilt the by-state index (fsck --repair): the
     * background sweep starts its pass again. */
    bool index_rebuilt;
} call_t;

/* A refusal with a sentence in x->why; returns code so that handlers can
 * `return api_refuse(...)`. */
__attribute__((format(printf, 3, 4))) int api_refuse(call_t *x, int code, const char *fmt, ...);
/* Packs x->reply (protocol and request id filled in) into x->out. */
int api_pack(call_t *x);

/* An encoded error reply (an exemplar.Reply with its error set; message
 * NULL or empty: the code's default sentence).  NULL when out of memory. */
uint8_t *api_call_error_reply(uint64_t request_id, int code, const char *message,
                              uint64_t current_version, Exemplar__State current_state, size_t *len);

/* Unit scope of a request that names nomination n, checked before anything
 * of n (version, state, name) is revealed: 0, or -EX_EPERM with a sentence
 * naming the caller, its unit, `verb` and n's id only. */
int api_check_scope(call_t *x, const Exemplar__Nomination *n, const char *verb);

/* Unit scope of a request about the records of unit `code` (registered
 * with the name unit_name; NULL when not known) for the actor.  Admins,
 * reviewers and approvers: always.  A unit officer: when code is its unit,
 * or when the version of code registered under has ended and the unit that
 * carries it on today (rules_unit_acting: the successor after a merge) is
 * its unit.  With write and the rules enforced, new actions on an ended
 * unit's records belong to that successor alone: the officer of the ended
 * code is then refused.  0, or -EX_EPERM with a sentence naming the
 * caller, its unit, `verb` and `what` (e.g. "nomination 12"); -EX_ESTORAGE.
 * acting (may be NULL) receives the unit that acts today. */
/* Read scope as a predicate (lists, feeds): may the actor see the
 * records of unit code (named unit_name then)?  Its own code, or one its
 * unit carries on today; a storage error reads as no. */
bool api_in_unit_scope(call_t *x, const char *code, const char *unit_name);

int api_check_unit_scope(call_t *x, const char *code, const char *unit_name, bool write,
                         const char *verb, const char *what, char *acting, size_t acting_len);

#endif
