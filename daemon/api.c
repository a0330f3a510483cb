/* SPDX-License-Identifier: MIT */
/*
 * The request path (see api.h): the request table API_OPS and the batch
 * engine.  Each request is decoded, checked (protocol, role, request id,
 * the bytes of its strings), deduplicated and audited here, then handed to
 * the handler of its row with a narrow call context (api_call.h); a batch
 * of requests is one write transaction (group commit).  Handlers never
 * block and never send: they write through the transaction they are given
 * and pack their reply; the loop sends it after the commit.  Background
 * work is the scheduler's (background.c).
 */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_call.h"
#include "api_dump.h"
#include "api_events.h"
#include "api_jobs.h"
#include "api_noms.h"
#include "api_ops.h"
#include "api_plans.h"
#include "api_rules.h"
#include "api_report.h"
#include "api_summary.h"
#include "api_titles.h"
#include "api_council.h"
#include "api_decision.h"
#include "api_dossier.h"
#include "audit.h"
#include "api_users.h"
#include "users.h"
#include "auth.h"
#include "dedup.h"
#include "errors.h"
#include "i18n.h"
#include "log.h"
#include "names.h"
#include "nomwrite.h"
#include "pbcheck.h"
#include "reqtable.h"
#include "background.h"
#include "wire.pb-c.h"

#define API_COMMIT_WINDOW 1024 /* commit times kept for stats' percentiles */

struct api {
    store_t *store;
    outbox_t *outbox;
    const config_t *cfg;
    records_counters_t counters; /* committed; a batch's deltas in nomwrite_batch_t */
    api_stats_t stats;
    store_wal_report_t wal_report; /* the last stats reply's, whose text it points into */
    rules_t *rules;                /* units, campaigns, evidence, criteria */
    api_jobs_t *jobs;              /* timers and jobs between calls */
    background_t *bg;              /* background work */
    /* the latest commit times (µs), a ring for the percentiles */
    uint32_t commit_us[API_COMMIT_WINDOW];
    size_t commit_samples, commit_next;
};

typedef int handler_fn(call_t *x);
/* A request about the engine itself (stats): it reads the api object. */
typedef int engine_fn(api_t *a, call_t *x);

/* A request type's row: what the daemon adds to its row of the shared
 * table (proto/requests.def: name, reply body, read or write). */
typedef struct {
    handler_fn *handler;
    unsigned roles;    /* ROLE_BIT()s that may send it at all; admin always may */
    engine_fn *engine; /* instead of handler */
} api_op_t;

/* Who may send what.  Moves are then checked row by row against NOM_MOVES;
 * reads are scoped to the unit of a unit officer by the handlers. */
#define R_ANY  (AUTH_READERS | ROLE_BIT(ROLE_PUBLISHER))
#define R_READ AUTH_READERS
#define R_MOVE                                                                                     \
    (ROLE_BIT(ROLE_UNIT_OFFICER) | ROLE_BIT(ROLE_MINISTRY_REVIEWER) | ROLE_BIT(ROLE_APPROVER))
#define R_EVIDENCE ROLE_BIT(ROLE_MINISTRY_REVIEWER)
#define R_PUBLISH  ROLE_BIT(ROLE_PUBLISHER)
#define R_ADMIN    0u
#define R_PLAN     ROLE_BIT(ROLE_UNIT_OFFICER)      /* own unit: api_plans.c checks it */
#define R_REVIEW   ROLE_BIT(ROLE_MINISTRY_REVIEWER) /* accept and return plans */
#define R_WORK     ROLE_BIT(ROLE_WORKER)            /* take, deliver, acknowledge jobs */
/* Whole-programme figures (stats): the roles that read every unit; a unit
 * officer's own figures are in its unit's summary. */
#define R_PROGRAMME (R_READ & ~ROLE_BIT(ROLE_UNIT_OFFICER))

static handler_fn handle_audit;
static engine_fn handle_stats;

/* One row per row of proto/requests.def; api_new refuses to start when a
 * request type has no handler here. */
static const api_op_t API_OPS[EX_REQ_COUNT] = {
    [EX_REQ_INFO] = {api_noms_info, R_ANY},
    [EX_REQ_REGISTER] = {api_noms_register, R_MOVE},
    [EX_REQ_MOVE] = {api_noms_move, R_MOVE},
    [EX_REQ_GET] = {api_noms_get, R_READ},
    [EX_REQ_HISTORY] = {api_noms_history, R_READ},
    [EX_REQ_LIST] = {api_noms_list, R_READ},
    [EX_REQ_CHANGES] = {api_noms_changes, R_READ},
    [EX_REQ_UNITS_IMPORT] = {api_rules_units_import, R_ADMIN},
    [EX_REQ_UNITS_LIST] = {api_rules_units_list, R_ANY},
    [EX_REQ_CAMPAIGN_SHOW] = {api_rules_campaign_show, R_ANY},
    [EX_REQ_EVIDENCE_ADD] = {api_rules_evidence_add, R_EVIDENCE},
    [EX_REQ_EVIDENCE_REVOKE] = {api_rules_evidence_revoke, R_EVIDENCE},
    [EX_REQ_EVIDENCE_LIST] = {api_rules_evidence_list, R_READ},
    [EX_REQ_CHECK] = {api_rules_check, R_READ},
    /* the title catalogue's aliases (api_titles.c) */
    [EX_REQ_TITLE_ALIAS_ADD] = {api_titles_alias_add, R_ADMIN},
    [EX_REQ_TITLE_ALIAS_LIST] = {api_titles_alias_list, R_READ},
    [EX_REQ_AUDIT] = {handle_audit, R_ADMIN},
    [EX_REQ_PUBLISH] = {api_noms_publish, R_PUBLISH},
    [EX_REQ_STATS] = {NULL, R_PROGRAMME, handle_stats},
    [EX_REQ_EVENT_LIST] = {api_noms_event_list, R_READ},
    [EX_REQ_PLAN_SUBMIT] = {api_plans_submit, R_PLAN},
    [EX_REQ_PLAN_SHOW] = {api_plans_show, R_READ},
    [EX_REQ_PLAN_LIST] = {api_plans_list, R_READ},
    [EX_REQ_PLAN_ACCEPT] = {api_plans_accept, R_REVIEW},
    [EX_REQ_PLAN_RETURN] = {api_plans_return, R_REVIEW},
    [EX_REQ_FSCK] = {api_ops_fsck, R_ADMIN},
    [EX_REQ_MOVES] = {api_dump_moves, R_ANY},
    [EX_REQ_BACKUP] = {api_dump_backup, R_ADMIN},
    [EX_REQ_EXPORT] = {api_dump_export, R_ADMIN},
    [EX_REQ_JOB_LEASE] = {api_jobs_lease, R_WORK},
    [EX_REQ_JOB_DELIVER] = {api_jobs_deliver, R_WORK},
    [EX_REQ_JOB_ACK] = {api_jobs_ack, R_WORK},
    [EX_REQ_JOB_LIST] = {api_jobs_list, R_READ | R_WORK},
    [EX_REQ_JOB_RETRY] = {api_jobs_retry, R_ADMIN},
    [EX_REQ_SUMMARY] = {api_summary, R_READ},
    [EX_REQ_REVIEW_REPORT] = {api_report, R_READ},
    /* local accounts and the gateway role (api_users.c); user-passwd: the
     * account itself through a gateway, or an administrator */
    [EX_REQ_USER_ADD] = {api_users_add, R_ADMIN},
    [EX_REQ_USER_PASSWD] = {api_users_passwd, R_READ},
    [EX_REQ_USER_DISABLE] = {api_users_disable, R_ADMIN},
    [EX_REQ_USER_LIST] = {api_users_list, R_ADMIN},
    [EX_REQ_USER_LOGIN] = {api_users_login, ROLE_BIT(ROLE_GATEWAY)},
    /* the council and its secret ballot (api_council.c): a meeting's
     * secretary is a ministry reviewer (the Ministry's council) or a unit
     * officer of the unit (a unit's council, R_PLAN's role); a member of
     * any reading role votes, and the handler checks the seat and level */
    [EX_REQ_COUNCIL_SET] = {api_council_set, R_ADMIN},
    [EX_REQ_COUNCIL_SHOW] = {api_council_show, R_READ},
    [EX_REQ_MEETING_OPEN] = {api_council_meeting_open, R_REVIEW | R_PLAN},
    [EX_REQ_MEETING_ATTEND] = {api_council_meeting_attend, R_REVIEW | R_PLAN},
    [EX_REQ_MEETING_VOTE] = {api_council_meeting_vote, R_READ},
    [EX_REQ_MEETING_CLOSE] = {api_council_meeting_close, R_REVIEW | R_PLAN},
    [EX_REQ_MEETING_SHOW] = {api_council_meeting_show, R_READ},
    /* the unit's dossier (api_dossier.c): a unit officer of the
     * nomination's unit, checked by the handler, or an admin */
    [EX_REQ_ACCLAMATION_SET] = {api_dossier_acclamation_set, ROLE_BIT(ROLE_UNIT_OFFICER)},
    [EX_REQ_JUDGEMENT_SET] = {api_dossier_judgement_set, ROLE_BIT(ROLE_UNIT_OFFICER)},
    [EX_REQ_ATTACHMENT_ADD] = {api_dossier_attachment_add, ROLE_BIT(ROLE_UNIT_OFFICER)},
    [EX_REQ_ATTACHMENT_GET] = {api_dossier_attachment_get, R_READ},
    /* the council's meetings, newest first (api_council.c) */
    [EX_REQ_MEETING_LIST] = {api_council_meeting_list, R_READ},
    /* the issued recognition decision (api_decision.c): the approver who
     * recognizes issues it; anyone who reads sees it and its file */
    [EX_REQ_DECISION_ISSUE] = {api_decision_issue, ROLE_BIT(ROLE_APPROVER)},
    [EX_REQ_DECISION_SHOW] = {api_decision_show, R_READ},
    [EX_REQ_DECISION_GET_FILE] = {api_decision_get_file, R_READ},
    [EX_REQ_DECISION_RECOGNIZE] = {api_decision_recognize, ROLE_BIT(ROLE_APPROVER)},
};

/* The row of a request body, with its shared row in *type; NULL when the
 * body is no request type. */
static const api_op_t *find_op(Exemplar__Request__BodyCase body, const ex_req_type_t **type)
{
    int i = ex_req_index(body);
    if (i < 0)
        return NULL;
    *type = &EX_REQ_TYPES[i];
    return &API_OPS[i];
}

int64_t api_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The narrow context a handler gets for one request of a batch. */
static call_t call_of(api_t *a, store_txn_t *txn, nomwrite_batch_t *nw, const actor_t *actor,
                      int64_t now_ms)
{
    call_t x = {
        .txn = txn,
        .nw = nw,
        .cfg = a->cfg,
        .rules = a->rules,
        .outbox = a->outbox,
        .jobs = a->jobs,
        .actor = actor,
        .now_ms = now_ms,
    };
    Exemplar__Reply init = EXEMPLAR__REPLY__INIT;
    x.reply = init;
    return x;
}

uint8_t *api_error_reply(int code, const char *message, size_t *len)
{
    return api_call_error_reply(0, code, message, 0, EXEMPLAR__STATE__STATE_NONE, len);
}

/* ---- handlers of the engine ------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The p-th percentile (nearest rank) of the commit window, in µs. */
static uint64_t commit_percentile(const uint32_t *sorted, size_t n, unsigned p)
{
    if (!n)
        return 0;
    size_t rank = (n * p + 99) / 100;
    return sorted[rank ? rank - 1 : 0];
}

/* Fills body with the figures of `stats` (by_state and by_code are its
 * arrays; free body with api_events_stats_reply_free after clearing them). */
static int stats_fill(api_t *a, call_t *x, Exemplar__StatsReply *body, uint64_t *by_state,
                      uint64_t *by_code)
{
    api_events_ctx_t ev = api_noms_events_ctx(x);
    int rc = nomwrite_count_states(x->nw);
    if (rc == 0)
        rc = api_events_stats(&ev, body);
    if (rc < 0)
        return rc;
    records_counters_t now;
    nomwrite_counters(x->nw, &now);
    for (size_t s = 0; s <= EX_STATE_MAX; s++)
        by_state[s] = now.in_state[s];
    body->nominations_by_state = by_state;
    body->n_nominations_by_state = EX_STATE_MAX + 1;
    body->requests = a->stats.requests;
    body->refused = a->stats.refused;
    body->batches = a->stats.batches;
    body->mean_batch_size = a->stats.batches ? (double)a->stats.requests / a->stats.batches : 0;
    body->commit_failures = a->stats.commit_failures;
    uint32_t sorted[API_COMMIT_WINDOW];
    size_t n = a->commit_samples;
    memcpy(sorted, a->commit_us, n * sizeof(sorted[0]));
    qsort(sorted, n, sizeof(sorted[0]), cmp_u32);
    body->commit_samples = (uint32_t)n;
    body->commit_p50_us = commit_percentile(sorted, n, 50);
    body->commit_p99_us = commit_percentile(sorted, n, 99);
    /* refusals by code, commits, feed connections, the map */
    for (size_t c = 0; c < EX_ERR_COUNT; c++)
        by_code[c] = a->stats.refused_by_code[c];
    body->refused_by_code = by_code;
    body->n_refused_by_code = EX_ERR_COUNT;
    body->commits = a->stats.commits;
    body->commit_us_total = a->stats.commit_us_total;
    body->subscribers = outbox_subscribers(a->outbox);
    uint64_t map = 0, pages = 0, psize = 0;
    if (store_usage(a->store, &map, &pages, &psize) == 0) {
        body->map_bytes = map;
        body->map_used_pages = pages;
        body->page_size = (uint32_t)psize;
    }
    /* the write-ahead log (store.h); the torn tail's text lives in the store */
    store_wal_report(a->store, &a->wal_report);
    body->wal = a->wal_report.on;
    body->wal_replayed = a->wal_report.replayed;
    body->wal_torn = a->wal_report.torn;
    body->wal_torn_where = a->wal_report.torn_where;
    body->wal_last_seq = a->wal_report.last_seq;
    body->wal_applied = a->wal_report.applied;
    body->wal_checkpoints = a->wal_report.checkpoints;
    body->wal_syncs = a->wal_report.syncs;
    body->wal_bytes = a->wal_report.bytes;
    body->wal_records = a->wal_report.appends;
    /* timers and jobs */
    body->workers = api_jobs_workers(a->jobs, x->now_ms);
    body->jobs = store_count(x->txn, DB_JOBS);
    body->jobs_waiting = store_count(x->txn, DB_JOB_QUEUE);
    body->timers_pending = store_count(x->txn, DB_TIMER_DUE);
    return 0;
}

static void stats_clear(Exemplar__StatsReply *body)
{
    body->nominations_by_state = NULL;
    body->n_nominations_by_state = 0;
    body->refused_by_code = NULL;
    body->n_refused_by_code = 0;
    body->wal_torn_where = (char *)protobuf_c_empty_string; /* a->wal_report's */
    api_events_stats_reply_free(body);
}

static int handle_stats(api_t *a, call_t *x)
{
    Exemplar__StatsReply body;
    uint64_t by_state[EX_STATE_MAX + 1], by_code[EX_ERR_COUNT];
    int rc = stats_fill(a, x, &body, by_state, by_code);
    if (rc < 0)
        return rc;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_STATS;
    x->reply.stats = &body;
    rc = api_pack(x);
    stats_clear(&body);
    return rc;
}

int api_stats_snapshot(api_t *a, Exemplar__StatsReply *body, uint64_t *by_state, uint64_t *by_code)
{
    store_txn_t txn;
    int rc = store_txn_begin(a->store, false, &txn);
    if (rc < 0)
        return rc;
    nomwrite_batch_t nw;
    nomwrite_batch_init(&nw, &txn, NULL, &a->counters);
    call_t x = call_of(a, &txn, &nw, NULL, api_now_ms());
    rc = stats_fill(a, &x, body, by_state, by_code);
    store_txn_abort(&txn);
    return rc;
}

void api_stats_snapshot_free(Exemplar__StatsReply *body)
{
    stats_clear(body);
}

/* The audit list of refused mutating requests (API_OPS: administrators). */
static int handle_audit(call_t *x)
{
    Exemplar__AuditReply *body = NULL;
    int rc = audit_read(x->txn, x->req->audit, &body, x->why, sizeof(x->why));
    if (rc == 0) {
        x->reply.body_case = EXEMPLAR__REPLY__BODY_AUDIT;
        x->reply.audit = body;
        rc = api_pack(x);
    }
    audit_reply_free(body);
    return rc;
}

/* ---- the batch -------------------------------------------------------- */

/* Answers that a retry must see again.  Transient failures (storage,
 * internal) and permission refusals (the keys may change) are not kept. */
static bool remember_answer(int rc)
{
    return rc != -EX_EFULL && rc != -EX_ESTORAGE && rc != -EX_EINTERNAL && rc != -EX_EPERM;
}

/* What a storage-full refusal tells the person: which limit was reached and
 * what frees it (the map's ceiling is configuration, a full disk is not). */
static void full_why(const api_t *a, char *why, size_t len)
{
    if (store_map_full(a->store))
        snprintf(why, len,
                 _("the database reached its size limit ([store] map_max_mib = %llu); nothing "
                   "was written: raise map_max_mib and restart exemplard, then retry with the "
                   "same request id"),
                 (unsigned long long)(a->cfg->map_max >> 20));
    else
        snprintf(why, len,
                 _("the disk holding %.1024s is full; nothing was written: free space there, "
                   "then retry with the same request id"),
                 a->cfg->state_dir);
}

/* The digest a retry must match: the request's bytes without its language
 * (the language asks how the answer is worded, not what is asked), so a
 * retry in another language, or from a client that adds its own, gets the
 * first answer byte for byte.  Requests without a language (most) are
 * digested as they came. */
static uint64_t request_digest(Exemplar__Request *req, const uint8_t *data, size_t len)
{
    if (!req->language[0])
        return dedup_digest(data, len);
    char *language = req->language;
    req->language = (char *)"";
    size_t n = exemplar__request__get_packed_size(req);
    uint8_t *buf = malloc(n ? n : 1);
    uint64_t d = 0;
    if (buf) {
        exemplar__request__pack(req, buf);
        d = dedup_digest(buf, n);
    } else {
        d = dedup_digest(data, len);
    }
    free(buf);
    req->language = language;
    return d;
}

/* Handles one call inside txn and sets *wrote when it wrote anything.  With
 * write_error set, txn is read-only: mutating calls that are not retries
 * are answered with write_error. */
static void run_call(api_t *a, store_txn_t *txn, nomwrite_batch_t *nw, api_call_t *call,
                     int write_error, bool *wrote)
{
    call_t x = call_of(a, txn, nw, &call->actor, api_now_ms());
    actor_t acting; /* the person a gateway acts for (users.h) */
    Exemplar__Request *req = exemplar__request__unpack(NULL, call->len, call->data);
    call->rc = 0;
    uint64_t digest = 0;
    const api_op_t *op = NULL;
    const ex_req_type_t *type = NULL;
    int rc = 0;
    a->stats.requests++;
    if (!req) {
        rc = api_refuse(&x, -EX_EMALFORMED,
                        _("the message is not an encoded exemplar.Request (proto/wire.proto)"));
        goto answer;
    }
    x.req = req;
    if (req->protocol != EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1) {
        rc = api_refuse(&x, -EX_EPROTOCOL,
                        _("protocol version %d is not supported; this daemon speaks version 1"),
                        (int)req->protocol);
        goto answer;
    }
    /* Every sentence of the answer in the request's language (i18n.h): the
     * daemon's own again after the call (below, done). */
    if (req->language[0] && !i18n_known(req->language)) {
        rc = api_refuse(&x, -EX_EINVALID,
                        _("language must be vi or en, or empty for the daemon's own language"));
        goto answer;
    }
    i18n_use(req->language[0] ? req->language : a->cfg->language);
    op = find_op(req->body_case, &type);
    if (!op) {
        rc = api_refuse(&x, -EX_EINVALID,
                        _("the request has no body this daemon knows (field %d); see "
                          "proto/wire.proto"),
                        (int)req->body_case);
        goto answer;
    }
    /* A gateway's request is checked, remembered and audited as the person's. */
    if ((rc = users_resolve(txn, &call->actor, req->on_behalf_of, &acting, x.why, sizeof(x.why))) <
        0)
        goto answer;
    x.actor = &acting;
    if ((rc = auth_check_role(x.actor, type->name, op->roles, x.why, sizeof(x.why))) < 0)
        goto answer;
    if ((type->flags & EX_REQ_WRITES) &&
        !(req->request_id == 0 && (type->flags & EX_REQ_ID_OPTIONAL))) {
        if (req->request_id == 0) {
            rc = api_refuse(
                &x, -EX_EINVALID,
                _("request_id is required for %s: choose a new non-zero id, and send the "
                  "same id again only to retry"),
                type->name);
            goto answer;
        }
        /* A ballot's digest leaves its choices out: the request table keeps
         * the sender next to the digest (api_council.h). */
        digest = req->body_case == EXEMPLAR__REQUEST__BODY_MEETING_VOTE
                     ? api_council_vote_digest(req)
                     : request_digest(req, call->data, call->len);
        bool other = false;
        rc = dedup_lookup(txn, req->request_id, x.actor->name, digest, &call->reply,
                          &call->reply_len, &other);
        if (rc == 0)
            goto done; /* a retry: the first answer, byte for byte */
        if (rc == -EX_EIDREUSE) {
            /* Another principal's id: refused and audited, and nothing of
             * the first request (not even whether it matched) is said. */
            api_refuse(&x, rc,
                       other ? _("request id %llu was already used by another sender (or before "
                                 "this daemon recorded senders); choose a new id")
                             : _("request id %llu was already used for a different request; use "
                                 "a new id"),
                       (unsigned long long)req->request_id);
            goto answer;
        }
        if (rc != -EX_ENOTFOUND)
            goto answer;
        if (write_error) {
            rc = write_error;
            if (rc == -EX_EFULL)
                full_why(a, x.why, sizeof(x.why));
            goto answer;
        }
    }
    if (write_error && (type->flags & EX_REQ_WRITES)) {
        rc = write_error; /* an id-less publish after a failed commit */
        if (rc == -EX_EFULL)
            full_why(a, x.why, sizeof(x.why));
        goto answer;
    }
    /* protobuf-c cut every string at its first NUL and did not check UTF-8:
     * the raw bytes are checked before a handler sees the decoded request. */
    if ((rc = pbcheck_strings(&exemplar__request__descriptor, call->data, call->len, x.why,
                              sizeof(x.why))) < 0)
        goto answer;
    rc = op->engine ? op->engine(a, &x) : op->handler(&x);
    if (x.index_rebuilt)
        background_index_rebuilt(a->bg);
    if (rc == 0 && (((type->flags & EX_REQ_WRITES) && !x.unchanged) || x.wrote))
        *wrote = true;
answer:
    if (rc < 0) {
        a->stats.refused++;
        if (-rc < EX_ERR_COUNT)
            a->stats.refused_by_code[-rc]++;
        free(x.out);
        x.out = api_call_error_reply(req ? req->request_id : 0, rc, x.why, x.current_version,
                                     x.current_state, &x.out_len);
    }
    if (op && (type->flags & EX_REQ_WRITES) && x.out && req->request_id &&
        (rc == 0 || remember_answer(rc)) && rc != -EX_EIDREUSE && !write_error && !x.unchanged) {
        dedup_remember(txn, req->request_id, x.actor->name, digest, x.now_ms, x.out, x.out_len);
        *wrote = true;
    }
    if (rc < 0 && op && (type->flags & EX_REQ_WRITES)) {
        /* Every refused change is audited; with write_error the
         * txn is read-only and only the journal gets it. */
        audit_refusal(txn, x.actor, type->name, req, rc, x.why[0] ? x.why : ex_err_message(rc),
                      x.now_ms);
        *wrote = *wrote || (txn->write && !write_error);
    }
    if (rc < 0 && rc != -EX_ENOTFOUND)
        log_debug("api, %s refused (%s: %s)", type ? type->name : "request", ex_err_name(rc),
                  x.why[0] ? x.why : ex_err_message(rc));
    call->reply = x.out;
    call->reply_len = x.out_len;
    call->rc = rc;
done:
    i18n_use(a->cfg->language);
    if (req)
        exemplar__request__free_unpacked(req, NULL);
}

static void clear_replies(api_call_t *calls, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(calls[i].reply);
        calls[i].reply = NULL;
        calls[i].reply_len = 0;
    }
}

/* After a failed commit: read-only calls and retries are answered from a
 * read transaction, other mutating calls with the commit's error. */
static void answer_without_writes(api_t *a, api_call_t *calls, size_t n, int write_error)
{
    store_txn_t txn;
    nomwrite_batch_t nw;
    bool wrote = false;
    int rc = store_txn_begin(a->store, false, &txn);
    nomwrite_batch_init(&nw, &txn, NULL, &a->counters);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            run_call(a, &txn, &nw, &calls[i], write_error, &wrote);
        else
            calls[i].reply = api_error_reply(rc, NULL, &calls[i].reply_len);
    }
    store_txn_abort(&txn);
}

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Keeps the latest API_COMMIT_WINDOW commit times for stats. */
static void note_commit(api_t *a, int64_t us)
{
    a->commit_us[a->commit_next] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)(us < 0 ? 0 : us);
    a->commit_next = (a->commit_next + 1) % API_COMMIT_WINDOW;
    if (a->commit_samples < API_COMMIT_WINDOW)
        a->commit_samples++;
    a->stats.commits++;
    a->stats.commit_us_total += us > 0 ? (unsigned long long)us : 0;
}

void api_run_batch(api_t *a, api_call_t *calls, size_t n)
{
    a->stats.batches++;
    for (;;) {
        store_txn_t txn;
        nomwrite_batch_t nw;
        bool wrote = false;
        int rc = store_txn_begin(a->store, true, &txn);
        nomwrite_batch_init(&nw, &txn, a->outbox, &a->counters);
        /* After a failed write the txn is dead: the rest waits for the retry. */
        for (size_t i = 0; rc == 0 && txn.rc == 0 && i < n; i++)
            run_call(a, &txn, &nw, &calls[i], 0, &wrote);
        uint64_t seq = 0;
        if (rc == 0 && wrote) {
            int64_t started = mono_us();
            rc = store_txn_commit_nowait(&txn, &seq);
            if (rc == 0)
                note_commit(a, mono_us() - started);
        } else if (rc == 0) {
            store_txn_abort(&txn);
            rc = txn.rc;
        }
        if (rc == 0) {
            background_note_stale(a->bg, nomwrite_batch_apply(&nw));
            outbox_publish_after(a->outbox, seq, seq ? store_durable_seq(a->store) : 0);
            return;
        }
        /* Nothing of the batch was written: memory forgets it too. */
        nomwrite_batch_discard(&nw);
        outbox_discard(a->outbox);
        clear_replies(calls, n);
        if (rc == -EX_EFULL && store_map_full(a->store) && store_grow(a->store) == 0)
            continue; /* the same batch again, in the larger map */
        a->stats.commit_failures++;
        log_error("api, a batch of %zu requests was not committed (%s)", n, ex_err_message(rc));
        answer_without_writes(a, calls, n, rc);
        return;
    }
}

uint64_t api_written_seq(const api_t *a)
{
    return store_written_seq(a->store);
}

uint64_t api_durable(api_t *a)
{
    uint64_t durable = store_durable_seq(a->store);
    outbox_durable(a->outbox, durable);
    return durable;
}

int api_durable_fd(const api_t *a)
{
    return store_durable_fd(a->store);
}

void api_log_kick(api_t *a)
{
    store_log_kick(a->store);
}

void api_wait_durable(api_t *a)
{
    store_wait_durable(a->store, store_written_seq(a->store));
    api_durable(a);
}

api_t *api_new(store_t *store, outbox_t *outbox, const config_t *cfg, char *err, size_t errlen)
{
    /* A row added to proto/requests.def without its handler here. */
    for (size_t i = 0; i < EX_REQ_COUNT; i++)
        if (!API_OPS[i].handler && !API_OPS[i].engine) {
            snprintf(err, errlen,
                     "api, request type %s (proto/requests.def) has no handler in API_OPS "
                     "(daemon/api.c)",
                     EX_REQ_TYPES[i].name);
            return NULL;
        }
    api_t *a = calloc(1, sizeof(*a));
    if (!a) {
        snprintf(err, errlen, "api, out of memory");
        return NULL;
    }
    a->store = store;
    a->outbox = outbox;
    a->cfg = cfg;
    store_txn_t txn;
    int rc = store_txn_begin(store, false, &txn);
    if (rc == 0)
        rc = records_load_counters(&txn, &a->counters);
    store_txn_abort(&txn);
    if (rc < 0) {
        snprintf(err, errlen, "api, cannot read the store's counters (%s)", ex_err_message(rc));
        free(a);
        return NULL;
    }
    if (!(a->jobs = api_jobs_new(cfg, err, errlen)) ||
        !(a->bg = background_new(store, outbox, cfg, err, errlen)) ||
        !(a->rules = rules_new(cfg, store, err, errlen))) {
        api_destroy(&a);
        return NULL;
    }
    return a;
}

int api_reload_rules(api_t *a, const config_t *cfg, char *err, size_t errlen)
{
    timers_cfg_t timers;
    if (timers_cfg_from(cfg, &timers, err, errlen) < 0)
        return -EX_EINVALID;
    rules_t *fresh = rules_new(cfg, a->store, err, errlen);
    if (!fresh)
        return -EX_EINVALID;
    rules_destroy(&a->rules);
    a->rules = fresh;
    api_jobs_set_timers(a->jobs, &timers); /* the campaigns may have changed: derive again */
    return 0;
}

void api_destroy(api_t **p)
{
    if (*p) {
        rules_destroy(&(*p)->rules);
        api_jobs_destroy(&(*p)->jobs);
        background_destroy(&(*p)->bg);
    }
    free(*p);
    *p = NULL;
}

void api_housekeeping(api_t *a, int64_t now_ms)
{
    background_housekeeping(a->bg, a->rules, a->jobs, now_ms);
}

int64_t api_next_deadline(const api_t *a)
{
    return background_next_deadline(a->bg, a->jobs);
}

bool api_background(api_t *a, bool quiet)
{
    return background_step(a->bg, a->rules, quiet);
}

const records_counters_t *api_counters(const api_t *a)
{
    return &a->counters;
}

const api_stats_t *api_stats(const api_t *a)
{
    return &a->stats;
}
