/* SPDX-License-Identifier: MIT */
/*
 * Inside the request path: the api object and one call being handled, for
 * the files that hold handlers (api.c, api_rules.c).  Not a public header:
 * the loop and main.c use api.h.
 */
#ifndef EXEMPLAR_API_CALL_H
#define EXEMPLAR_API_CALL_H

#include "api.h"
#include "key.h"
#include "rules.h"
#include "timers.h"
#include "events.pb-c.h"
#include "wire.pb-c.h"

#define API_COMMIT_WINDOW 1024 /* commit times kept for stats' percentiles */
#define API_WORKERS_SEEN  32   /* worker names remembered for stats */

struct api {
    store_t *store;
    outbox_t *outbox;
    const config_t *cfg;
    records_counters_t counters;
    api_stats_t stats;
    uint64_t prune_resume;
    int64_t next_prune_ms;
    uint64_t stale_index_entries; /* by-state entries left behind and not yet swept */
    uint8_t sweep_resume[KEY_MAX];
    size_t sweep_resume_len;
    rules_t *rules; /* units, campaigns, evidence, criteria */
    /* issue 8: the latest commit times (µs), a ring for the percentiles */
    uint32_t commit_us[API_COMMIT_WINDOW];
    size_t commit_samples, commit_next;
    /* issue 5: timers and jobs */
    timers_cfg_t timers;
    int64_t next_timer_sync_ms; /* 0: derive at the next tick */
    struct {
        char name[65];
        int64_t at_ms;
    } workers_seen[API_WORKERS_SEEN];
};

/* One request being handled. */
typedef struct {
    api_t *api;
    store_txn_t *txn;
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
} call_t;

/* A refusal with a sentence in x->why; returns code so that handlers can
 * `return api_refuse(...)`. */
__attribute__((format(printf, 3, 4))) int api_refuse(call_t *x, int code, const char *fmt, ...);
/* Packs x->reply (protocol and request id filled in) into x->out. */
int api_pack(call_t *x);

/* Unit scope of a request that names nomination n, checked before anything
 * of n (version, state, name) is revealed: 0, or -EX_EPERM with a sentence
 * naming the caller, its unit, `verb` and n's id only. */
int api_check_scope(call_t *x, const Exemplar__Nomination *n, const char *verb);

/* Handlers of the rules' requests (api_rules.c), rows of API_OPS. */
int api_rules_units_import(call_t *x);
int api_rules_units_list(call_t *x);
int api_rules_campaign_show(call_t *x);
int api_rules_evidence_add(call_t *x);
int api_rules_evidence_revoke(call_t *x);
int api_rules_evidence_list(call_t *x);
int api_rules_check(call_t *x);

/* Handlers of the unit plans' requests (api_plans.c, issue 9), rows of
 * API_OPS: submit (or save a draft) for one's own unit, show and list
 * progress (unit officers: their own unit only), accept and return. */
int api_plans_submit(call_t *x);
int api_plans_show(call_t *x);
int api_plans_list(call_t *x);
int api_plans_accept(call_t *x);
int api_plans_return(call_t *x);

/* Operator tools (api_ops.c, issue 8), rows of API_OPS.  fsck checks the
 * nominations against their indexes and histories and the change log for
 * gaps, in one pass over the store (it holds the loop for that long); with
 * repair set it rebuilds by_state and by_unit in the call's transaction and
 * sets x->wrote. */
int api_ops_fsck(call_t *x);

/* Online operator tools (api_dump.c), rows of API_OPS: backup and export
 * hand over one snapshot in pages (ops.proto's DumpRequest); moves answers
 * the move table this daemon enforces. */
int api_dump_backup(call_t *x);
int api_dump_export(call_t *x);
int api_dump_moves(call_t *x);

/* Timers and jobs (api_jobs.c, issue 5), rows of API_OPS: workers lease,
 * deliver and acknowledge; readers list (unit officers: their unit's
 * jobs); administrators retry a parked job or fire a timer now. */
int api_jobs_lease(call_t *x);
int api_jobs_deliver(call_t *x);
int api_jobs_ack(call_t *x);
int api_jobs_list(call_t *x);
int api_jobs_retry(call_t *x);
/* The loop's tick inside housekeeping's write transaction: derives the
 * timers when due (start, reload, hourly), fires the due ones, takes back
 * leases that ran out.  Returns whether it wrote. */
bool api_jobs_tick(api_t *a, store_txn_t *txn, int64_t now_ms);
/* Workers that asked for jobs in the last ten minutes. */
size_t api_jobs_workers(const api_t *a, int64_t now_ms);
/* The quarterly summary (api_summary.c, issue 5), a row of API_OPS: catches
 * the tallies up in the call's transaction (sets x->wrote), then answers
 * from them; unit officers get their own unit only. */
int api_summary(call_t *x);

/* Rewinds n to the instant as_of_ms from its history: state, version,
 * updated_ms, last_seq and state_seq become those of its last change at or
 * before it (carried_to and revocation are cleared when it was not yet
 * carried over or revoked).  *existed is false, and n unchanged, when n was
 * registered later.  Returns 0, or -EX_ESTORAGE for a broken history. */
int api_ops_rewind(store_txn_t *t, Exemplar__Nomination *n, int64_t as_of_ms, bool *existed);

/* Hooks of register and move (api_rules.c).  With [rules] enforce = no they
 * only fill the new fields and answer as the foundation did. */

/* Validates the register request's rules fields (unit on today's date,
 * campaign, period, subject, head_of) and fills n's period, subject,
 * head_of and unit_name (pointing into *keep, freed by the caller with
 * exemplar__unit__free_unpacked when not NULL). */
int api_rules_register(call_t *x, Exemplar__Nomination *n, Exemplar__Unit **keep);

/* The rules a move of n is checked against: fills ctx and nr and sets *use
 * to nr, or to NULL when rules are off.  ctx and nr must live until the
 * check is done.  Also validates override_reason's use and the decision. */
int api_rules_bind(call_t *x, const Exemplar__Nomination *n, const char *override_reason,
                   const Exemplar__Decision *decision, rules_ctx_t *ctx, nom_rules_t *nr,
                   const nom_rules_t **use);

/* Events become evidence (api_events_ctx_t.on_fact; arg is the rules_t): a
 * title awarded or a performance rating whose text is a title of the rule
 * book (by code, or by name ignoring case and diacritics) is recorded in the
 * ledger for the event's subject and year; a decision revoked marks the
 * subject's evidence resting on that decision number revoked.  Events the
 * rule book does not know are kept as events only.  Returns 0 or a storage
 * error. */
int api_rules_event_fact(void *rules, store_txn_t *txn, const Exemplar__Event *e, int64_t now_ms);

/* A carry-over: the nomination of the next period, registered now, linked
 * to n (n->carried_to is set by the caller).  Fills *out from n. */
int api_rules_carry_over(call_t *x, const rules_ctx_t *ctx, const Exemplar__Nomination *n,
                         Exemplar__Nomination *out);

#endif
