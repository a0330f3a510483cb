/* SPDX-License-Identifier: MIT */
/*
 * The request path (see api.h): decode -> validate -> authorise -> apply,
 * driven by the API_OPS table.  Handlers never block and never send: they
 * write through the transaction they are given and pack their reply; the
 * loop sends it after the commit.
 */
#include "api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_call.h"
#include "audit.h"
#include "api_users.h"
#include "users.h"
#include "auth.h"
#include "api_events.h"
#include "dedup.h"
#include "errors.h"
#include "key.h"
#include "log.h"
#include "names.h"
#include "pbcheck.h"
#include "tally.h"
#include "text.h"
#include "vitext.h"
#include "wire.pb-c.h"

#define NAME_MAX_BYTES    256
#define REASON_MAX_BYTES  1024
#define LIST_DEFAULT      100
#define LIST_MAX          1000
#define LIST_SCAN_MAX     10000 /* index entries one list call may examine */
#define CHANGES_MAX       1000
#define HISTORY_MAX       1000
#define PAGE_TOKEN_MAX    (1 + KEY_MAX)
#define SWEEP_STEP        20000       /* by-state entries examined per housekeeping call */
#define PRUNE_INTERVAL_MS (60 * 1000) /* between passes over the request ids */
#define TALLY_LAG         5000        /* changes the tallies may lag while the api is busy */

typedef int handler_fn(call_t *x);

/* OP_ID_OPTIONAL: mutating, but the body carries its own identity (events:
 * publisher + seq), so a request id is remembered only when one is sent. */
/* OP_MAY_WRITE: not a change of the data (no request id, not remembered),
 * but the handler may write derived data and says so in call_t.wrote. */
enum { OP_MUTATES = 1, OP_READS = 2, OP_ID_OPTIONAL = 4, OP_MAY_WRITE = 8 };

typedef struct {
    Exemplar__Request__BodyCase body;
    const char *name;
    handler_fn *handler;
    unsigned flags;
    unsigned roles; /* ROLE_BIT()s that may send it at all; admin always may */
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

static handler_fn handle_info, handle_register, handle_move, handle_get, handle_history,
    handle_list, handle_changes, handle_audit, handle_publish, handle_stats, handle_evidence;

static const api_op_t API_OPS[] = {
    {EXEMPLAR__REQUEST__BODY_INFO, "info", handle_info, 0, R_ANY},
    {EXEMPLAR__REQUEST__BODY_REGISTER, "register", handle_register, OP_MUTATES, R_MOVE},
    {EXEMPLAR__REQUEST__BODY_MOVE, "move", handle_move, OP_MUTATES, R_MOVE},
    {EXEMPLAR__REQUEST__BODY_GET, "get", handle_get, OP_READS, R_READ},
    {EXEMPLAR__REQUEST__BODY_HISTORY, "history", handle_history, OP_READS, R_READ},
    {EXEMPLAR__REQUEST__BODY_LIST, "list", handle_list, OP_READS, R_READ},
    {EXEMPLAR__REQUEST__BODY_CHANGES, "changes", handle_changes, OP_READS, R_READ},
    /* issue 3, the plan's rules (api_rules.c) */
    {EXEMPLAR__REQUEST__BODY_UNITS_IMPORT, "units-import", api_rules_units_import, OP_MUTATES,
     R_ADMIN},
    {EXEMPLAR__REQUEST__BODY_UNITS_LIST, "units-list", api_rules_units_list, 0, R_ANY},
    {EXEMPLAR__REQUEST__BODY_CAMPAIGN_SHOW, "campaign-show", api_rules_campaign_show, 0, R_ANY},
    {EXEMPLAR__REQUEST__BODY_EVIDENCE_ADD, "evidence-add", api_rules_evidence_add, OP_MUTATES,
     R_EVIDENCE},
    {EXEMPLAR__REQUEST__BODY_EVIDENCE_REVOKE, "evidence-revoke", api_rules_evidence_revoke,
     OP_MUTATES, R_EVIDENCE},
    {EXEMPLAR__REQUEST__BODY_EVIDENCE_LIST, "evidence-list", api_rules_evidence_list, OP_READS,
     R_READ},
    {EXEMPLAR__REQUEST__BODY_CHECK, "check", api_rules_check, OP_READS, R_READ},
    {EXEMPLAR__REQUEST__BODY_AUDIT, "audit", handle_audit, 0, R_ADMIN}, /* issue 7: audit.c */
    /* events in (api_events.c) */
    {EXEMPLAR__REQUEST__BODY_PUBLISH, "publish", handle_publish, OP_MUTATES | OP_ID_OPTIONAL,
     R_PUBLISH},
    {EXEMPLAR__REQUEST__BODY_STATS, "stats", handle_stats, OP_READS, R_PROGRAMME},
    {EXEMPLAR__REQUEST__BODY_EVENT_LIST, "event-list", handle_evidence, OP_READS, R_READ},
    /* issue 9, unit plans (api_plans.c) */
    {EXEMPLAR__REQUEST__BODY_PLAN_SUBMIT, "plan-submit", api_plans_submit, OP_MUTATES, R_PLAN},
    {EXEMPLAR__REQUEST__BODY_PLAN_SHOW, "plan-show", api_plans_show, OP_READS, R_READ},
    {EXEMPLAR__REQUEST__BODY_PLAN_LIST, "plan-list", api_plans_list, OP_READS, R_READ},
    {EXEMPLAR__REQUEST__BODY_PLAN_ACCEPT, "plan-accept", api_plans_accept, OP_MUTATES, R_REVIEW},
    {EXEMPLAR__REQUEST__BODY_PLAN_RETURN, "plan-return", api_plans_return, OP_MUTATES, R_REVIEW},
    /* issue 8, operator tools (api_ops.c) */
    {EXEMPLAR__REQUEST__BODY_FSCK, "fsck", api_ops_fsck, OP_MAY_WRITE, R_ADMIN},
    /* issue 5: timers and jobs (api_jobs.c) */
    {EXEMPLAR__REQUEST__BODY_JOB_LEASE, "job-lease", api_jobs_lease, OP_MUTATES, R_WORK},
    {EXEMPLAR__REQUEST__BODY_JOB_DELIVER, "job-deliver", api_jobs_deliver, OP_MUTATES, R_WORK},
    {EXEMPLAR__REQUEST__BODY_JOB_ACK, "job-ack", api_jobs_ack, OP_MUTATES, R_WORK},
    {EXEMPLAR__REQUEST__BODY_JOB_LIST, "job-list", api_jobs_list, OP_READS, R_READ | R_WORK},
    {EXEMPLAR__REQUEST__BODY_JOB_RETRY, "job-retry", api_jobs_retry, OP_MUTATES, R_ADMIN},
    /* issue 5, the quarterly summary (api_summary.c): catches the tallies up */
    {EXEMPLAR__REQUEST__BODY_SUMMARY, "summary", api_summary, OP_READS | OP_MAY_WRITE, R_READ},
    /* local accounts and the gateway role (api_users.c); user-passwd: the
     * account itself through a gateway, or an administrator */
    {EXEMPLAR__REQUEST__BODY_USER_ADD, "user-add", api_users_add, OP_MUTATES, R_ADMIN},
    {EXEMPLAR__REQUEST__BODY_USER_PASSWD, "user-passwd", api_users_passwd, OP_MUTATES, R_READ},
    {EXEMPLAR__REQUEST__BODY_USER_DISABLE, "user-disable", api_users_disable, OP_MUTATES, R_ADMIN},
    {EXEMPLAR__REQUEST__BODY_USER_LIST, "user-list", api_users_list, OP_READS, R_ADMIN},
    {EXEMPLAR__REQUEST__BODY_USER_LOGIN, "user-login", api_users_login, OP_READS,
     ROLE_BIT(ROLE_GATEWAY)},
};

static const api_op_t *find_op(Exemplar__Request__BodyCase body)
{
    for (size_t i = 0; i < sizeof(API_OPS) / sizeof(API_OPS[0]); i++)
        if (API_OPS[i].body == body)
            return &API_OPS[i];
    return NULL;
}

int64_t api_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- replies ---------------------------------------------------------- */

int api_pack(call_t *x)
{
    x->reply.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    x->reply.request_id = x->req ? x->req->request_id : 0;
    x->out = records_pack(&x->reply.base, &x->out_len);
    return x->out ? 0 : -EX_EINTERNAL;
}

static uint8_t *error_reply(uint64_t request_id, int code, const char *message,
                            uint64_t current_version, Exemplar__State current_state, size_t *len)
{
    Exemplar__Reply r = EXEMPLAR__REPLY__INIT;
    Exemplar__Error e = EXEMPLAR__ERROR__INIT;
    e.code = (Exemplar__ErrorCode)(code < 0 ? -code : code);
    e.name = (char *)ex_err_name(code);
    e.message = (char *)(message && message[0] ? message : ex_err_message(code));
    e.current_version = current_version;
    e.current_state = current_state;
    r.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    r.request_id = request_id;
    r.error = &e;
    return records_pack(&r.base, len);
}

uint8_t *api_error_reply(int code, const char *message, size_t *len)
{
    return error_reply(0, code, message, 0, EXEMPLAR__STATE__STATE_NONE, len);
}

int api_refuse(call_t *x, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->why, sizeof(x->why), fmt, ap);
    va_end(ap);
    return code;
}

/* ---- validation helpers ----------------------------------------------- */

static bool valid_state(Exemplar__State s)
{
    return s >= EX_STATE_MIN && s <= EX_STATE_MAX;
}

static int check_unit_code(call_t *x, const char *unit, bool required)
{
    if (!unit[0] && !required)
        return 0;
    if (!text_is_code(unit, KEY_UNIT_MAX, false))
        return api_refuse(x, -EX_EINVALID,
                          "unit \"%.40s\" is not a unit code: 1-%d characters of A-Z, 0-9, '.', "
                          "'_' or '-' (for example 01 for Hà Nội)",
                          unit, KEY_UNIT_MAX);
    return 0;
}

static int check_campaign(call_t *x, const char *campaign)
{
    if (!campaign[0] || text_is_code(campaign, KEY_CAMPAIGN_MAX, true))
        return 0;
    return api_refuse(
        x, -EX_EINVALID,
        "campaign \"%.40s\" is not a campaign id: 1-%d characters of letters, digits, "
        "'.', '_' or '-' (for example 2021-2025)",
        campaign, KEY_CAMPAIGN_MAX);
}

int api_check_scope(call_t *x, const Exemplar__Nomination *n, const char *verb)
{
    if (nom_actor_in_scope(x->actor, n->unit))
        return 0;
    return api_refuse(x, -EX_EPERM, "%s acts for unit %s and may not %s nomination %llu",
                      x->actor->name, x->actor->unit, verb, (unsigned long long)n->id);
}

/* Unit scope for reads: a unit officer sees only its own unit. */
static int check_read_scope(call_t *x, const Exemplar__Nomination *n)
{
    return api_check_scope(x, n, "read");
}

/* An override opens a closed window and is the administrator's alone; sent
 * by anyone else it is refused whether or not the window is open, never
 * dropped in silence. */
static int check_override(call_t *x, const char *override_reason, const char *verb)
{
    if (!override_reason || !override_reason[0] || x->actor->role == ROLE_ADMIN)
        return 0;
    return api_refuse(x, -EX_EPERM,
                      "only an administrator may override a campaign window (override_reason); "
                      "%s is %s: send the %s without an override",
                      x->actor->name, ex_role_name((Exemplar__Role)x->actor->role) ?: "no role",
                      verb);
}

static int load_nomination(call_t *x, uint64_t id, Exemplar__Nomination **out)
{
    if (id == 0)
        return api_refuse(x, -EX_EINVALID, "id is required: nomination ids start at 1");
    int rc = records_get_nomination(x->txn, id, out);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(x, rc, "no nomination has id %llu", (unsigned long long)id);
    return rc;
}

/* ---- handlers --------------------------------------------------------- */

static int handle_info(call_t *x)
{
    Exemplar__InfoReply info = EXEMPLAR__INFO_REPLY__INIT;
    info.version = (char *)EXEMPLAR_VERSION;
    info.events_endpoint = (char *)x->api->cfg->events_endpoint;
    info.last_seq = x->api->counters.last_seq;
    info.nominations = x->api->counters.nominations;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_INFO;
    x->reply.info = &info;
    return api_pack(x);
}

/* What a change records besides the move itself (issue 3). */
typedef struct {
    const char *override_reason;
    uint64_t linked_id;
    Exemplar__Decision *decision;
} change_extra_t;
/* What the event handlers (api_events.c) work with. */
static api_events_ctx_t events_ctx(call_t *x)
{
    api_events_ctx_t c = {
        .txn = x->txn,
        .outbox = x->api->outbox,
        .counters = &x->api->counters,
        .cfg = x->api->cfg,
        .actor = x->actor,
        .now_ms = x->now_ms,
        .day = rules_today(x->api->rules, x->now_ms),
        .why = x->why,
        .why_len = sizeof(x->why),
        .on_fact = api_rules_event_fact,
        .fact_arg = x->api->rules,
    };
    return c;
}

static int handle_publish(call_t *x)
{
    Exemplar__PublishReply body;
    api_events_ctx_t ev = events_ctx(x);
    int rc = api_events_publish(&ev, x->req->publish, &body);
    if (rc == 0) {
        x->reply.body_case = EXEMPLAR__REPLY__BODY_PUBLISH;
        x->reply.publish = &body;
        rc = api_pack(x);
        api_events_publish_reply_free(&body);
    }
    return rc;
}

/* Nominations per state: one pass over the nominations the first time,
 * kept in step by count_move() after that. */
static int count_states(call_t *x)
{
    records_counters_t *c = &x->api->counters;
    if (c->in_state_known)
        return 0;
    memset(c->in_state, 0, sizeof(c->in_state));
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(x->txn, DB_NOMINATIONS, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        Exemplar__Nomination *n = exemplar__nomination__unpack(NULL, v.len, v.data);
        if (!n) {
            rc = -EX_ESTORAGE;
            break;
        }
        if ((size_t)n->state < sizeof(c->in_state) / sizeof(c->in_state[0]))
            c->in_state[n->state]++;
        exemplar__nomination__free_unpacked(n, NULL);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    c->in_state_known = rc == 0;
    return rc;
}

static void count_move(api_t *a, Exemplar__State from, Exemplar__State to)
{
    records_counters_t *c = &a->counters;
    const size_t n = sizeof(c->in_state) / sizeof(c->in_state[0]);
    if (!c->in_state_known)
        return;
    if (from != EXEMPLAR__STATE__STATE_NONE && (size_t)from < n && c->in_state[from])
        c->in_state[from]--;
    if ((size_t)to < n)
        c->in_state[to]++;
}

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
static int stats_fill(call_t *x, Exemplar__StatsReply *body, uint64_t *by_state, uint64_t *by_code)
{
    api_events_ctx_t ev = events_ctx(x);
    api_t *a = x->api;
    int rc = count_states(x);
    if (rc == 0)
        rc = api_events_stats(&ev, body);
    if (rc < 0)
        return rc;
    for (size_t s = 0; s <= EX_STATE_MAX; s++)
        by_state[s] = a->counters.in_state[s];
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
    /* issue 8: refusals by code, commits, feed connections, the map */
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
    /* issue 5: timers and jobs */
    body->workers = api_jobs_workers(a, x->now_ms);
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
    api_events_stats_reply_free(body);
}

static int handle_stats(call_t *x)
{
    Exemplar__StatsReply body;
    uint64_t by_state[EX_STATE_MAX + 1], by_code[EX_ERR_COUNT];
    int rc = stats_fill(x, &body, by_state, by_code);
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
    call_t x = {.api = a, .txn = &txn, .now_ms = api_now_ms()};
    rc = stats_fill(&x, body, by_state, by_code);
    store_txn_abort(&txn);
    return rc;
}

void api_stats_snapshot_free(Exemplar__StatsReply *body)
{
    stats_clear(body);
}

static int handle_evidence(call_t *x)
{
    Exemplar__EventListReply body;
    api_events_ctx_t ev = events_ctx(x);
    int rc = api_events_evidence(&ev, x->req->event_list, &body);
    if (rc == 0) {
        x->reply.body_case = EXEMPLAR__REPLY__BODY_EVENT_LIST;
        x->reply.event_list = &body;
        rc = api_pack(x);
        api_events_evidence_reply_free(&body);
    }
    return rc;
}

/* Appends the change for n's latest move and queues it for the feed. */
static int record_change(call_t *x, const Exemplar__Nomination *n, Exemplar__State from,
                         const char *verb, const char *reason, uint64_t prev_seq,
                         const change_extra_t *extra)
{
    Exemplar__Change c = EXEMPLAR__CHANGE__INIT;
    Exemplar__Actor actor = EXEMPLAR__ACTOR__INIT;
    actor.name = (char *)x->actor->name;
    actor.role = (Exemplar__Role)x->actor->role;
    actor.unit = (char *)x->actor->unit;
    actor.via = (char *)x->actor->via;
    c.seq = n->last_seq;
    c.nomination_id = n->id;
    c.prev_seq = prev_seq;
    c.from = from;
    c.to = n->state;
    c.verb = (char *)verb;
    c.version = n->version;
    c.actor = &actor;
    c.reason = (char *)(reason ? reason : "");
    c.at_ms = x->now_ms;
    c.day = rules_today(x->api->rules, x->now_ms);
    c.request_id = x->req->request_id;
    c.unit = n->unit;
    c.campaign = n->campaign;
    c.kind = n->kind;
    if (extra) {
        c.override_reason = (char *)(extra->override_reason ? extra->override_reason : "");
        c.linked_id = extra->linked_id;
        c.decision = extra->decision;
    }
    records_append_change(x->txn, &c);
    /* Debug only: the change log itself is the durable record, and a line per
     * change at full load would outrun journald's rate limit. */
    log_fields(LOG_DEBUG,
               LOG_FIELDS(log_u64("CHANGE_SEQ", c.seq), log_u64("NOMINATION_ID", c.nomination_id),
                          log_str("UNIT", c.unit), log_u64("REQUEST_ID", c.request_id)),
               "api, change %llu: nomination %llu %s -> %s (%s)", (unsigned long long)c.seq,
               (unsigned long long)c.nomination_id, ex_state_name(from) ?: "new",
               ex_state_name(c.to) ?: "?", verb);
    return outbox_add(x->api->outbox, &c);
}

static nom_view_t view_of(const Exemplar__Nomination *n)
{
    nom_view_t v = {n->id, n->version, (nom_state_t)n->state, n->unit, n->campaign};
    return v;
}

static int handle_register(call_t *x)
{
    const Exemplar__RegisterRequest *r = x->req->register_;
    char *name = NULL;
    int rc = check_unit_code(x, r->unit, true);
    if (rc == 0)
        rc = check_campaign(x, r->campaign);
    if (rc < 0)
        return rc;
    if (r->kind != EXEMPLAR__KIND__KIND_COLLECTIVE && r->kind != EXEMPLAR__KIND__KIND_INDIVIDUAL)
        return api_refuse(x, -EX_EINVALID, "kind must be collective or individual");
    if (api_events_check_subject(r->subject, x->why, sizeof(x->why)) < 0)
        return -EX_EINVALID;
    /* Scope and override before the unit, campaign and rules are looked at. */
    if (!nom_actor_in_scope(x->actor, r->unit))
        return api_refuse(x, -EX_EPERM, "%s acts for unit %s and may not register in unit %s",
                          x->actor->name, x->actor->unit, r->unit);
    if ((rc = check_override(x, r->override_reason, "registration")) < 0)
        return rc;
    char bad[200];
    rc = text_check_name(r->name, NAME_MAX_BYTES, &name, bad, sizeof(bad));
    if (rc < 0)
        return api_refuse(x, rc, "name %s (names are 1-%d bytes of visible UTF-8 text)", bad,
                          NAME_MAX_BYTES);

    api_t *a = x->api;
    Exemplar__Nomination n = EXEMPLAR__NOMINATION__INIT;
    Exemplar__Unit *unit = NULL;
    n.id = a->counters.next_id;
    n.version = 1;
    n.state = EXEMPLAR__STATE__STATE_REGISTERED;
    n.kind = r->kind;
    n.unit = r->unit;
    n.campaign = r->campaign[0] ? r->campaign : (char *)a->cfg->default_campaign;
    n.name = name;
    n.created_ms = n.updated_ms = x->now_ms;
    n.last_seq = n.state_seq = a->counters.last_seq + 1;

    const nom_move_t *move;
    nom_view_t before = {n.id, 0, NOM_NONE, n.unit, n.campaign};
    rules_ctx_t ctx = {0};
    nom_rules_t nr;
    const nom_rules_t *use = NULL;
    rc = api_rules_register(x, &n, &unit);
    if (rc == 0)
        rc = api_rules_bind(x, &n, r->override_reason, NULL, &ctx, &nr, &use);
    if (rc == 0)
        rc = nom_check_move(&before, NOM_REGISTERED, 0, x->actor, NULL, use, x->why, sizeof(x->why),
                            &move);
    if (rc == 0) {
        change_extra_t extra = {ctx.overridden ? r->override_reason : NULL, 0, NULL};
        records_put_nomination(x->txn, &n, EXEMPLAR__STATE__STATE_NONE);
        rc = record_change(x, &n, EXEMPLAR__STATE__STATE_NONE, move->verb, NULL, 0, &extra);
    }
    if (rc == 0) {
        count_move(a, EXEMPLAR__STATE__STATE_NONE, n.state);
        a->counters.next_id++;
        a->counters.last_seq++;
        a->counters.nominations++;
        api_events_ctx_t ev = events_ctx(x);
        rc = api_events_on_register(&ev, &n);
    }
    if (rc == 0) {
        x->reply.body_case = EXEMPLAR__REPLY__BODY_NOMINATION;
        x->reply.nomination = &n;
        rc = api_pack(x);
    }
    free(name);
    if (unit)
        exemplar__unit__free_unpacked(unit, NULL);
    return rc;
}

static int handle_move(call_t *x)
{
    const Exemplar__MoveRequest *r = x->req->move;
    Exemplar__Nomination *n = NULL;
    char *reason = NULL, *override = NULL;
    if (!valid_state(r->to))
        return api_refuse(x, -EX_EINVALID, "to must be a state (registered .. returned), not %d",
                          (int)r->to);
    if (r->expected_version == 0)
        return api_refuse(x, -EX_EINVALID,
                          "expected_version is required: send the version you last read");
    int rc = text_normalize(r->reason, REASON_MAX_BYTES, false, true, &reason);
    if (rc < 0)
        return api_refuse(x, rc, "reason must be at most %d bytes of UTF-8 text", REASON_MAX_BYTES);
    rc = text_normalize(r->override_reason, REASON_MAX_BYTES, false, true, &override);
    if (rc < 0) {
        free(reason);
        return api_refuse(x, rc, "override_reason must be at most %d bytes of UTF-8 text",
                          REASON_MAX_BYTES);
    }
    rc = load_nomination(x, r->id, &n);
    /* Scope before anything that reveals the nomination (version, state,
     * campaign): nom_check_move checks it first too, but the rules bound
     * before it may refuse with the nomination's campaign and period. */
    if (rc == 0)
        rc = api_check_scope(x, n, "move");
    if (rc == 0)
        rc = check_override(x, override, "move");
    if (rc < 0)
        goto out;

    const nom_move_t *move;
    nom_view_t v = view_of(n);
    rules_ctx_t ctx = {0};
    nom_rules_t nr;
    const nom_rules_t *use = NULL;
    rc = api_rules_bind(x, n, override, r->decision, &ctx, &nr, &use);
    if (rc == 0)
        rc = nom_check_move(&v, (nom_state_t)r->to, r->expected_version, x->actor, reason, use,
                            x->why, sizeof(x->why), &move);
    if (rc < 0) {
        x->current_version = n->version;
        x->current_state = n->state;
        goto out;
    }
    api_t *a = x->api;
    Exemplar__State from = n->state;
    uint64_t prev_seq = n->last_seq;
    Exemplar__Nomination next = EXEMPLAR__NOMINATION__INIT;
    n->state = r->to;
    n->version++;
    n->updated_ms = x->now_ms;
    n->last_seq = n->state_seq = a->counters.last_seq + 1;
    if (r->to == EXEMPLAR__STATE__STATE_REVOKED)
        n->revocation = r->decision;
    if (r->to == EXEMPLAR__STATE__STATE_RECOGNIZED)
        n->recognition = r->decision;
    if (r->to == EXEMPLAR__STATE__STATE_CARRIED_OVER) {
        rc = api_rules_carry_over(x, &ctx, n, &next);
        if (rc < 0)
            goto out;
        n->carried_to = next.id;
    }
    change_extra_t extra = {ctx.overridden ? override : NULL, n->carried_to, r->decision};
    records_put_nomination(x->txn, n, from);
    a->stale_index_entries++;
    rc = record_change(x, n, from, move->verb, reason, prev_seq, &extra);
    if (rc == 0 && next.id) {
        /* the new nomination's registration, linked back, right after */
        change_extra_t back = {NULL, n->id, r->decision};
        next.last_seq = next.state_seq = n->last_seq + 1;
        records_put_nomination(x->txn, &next, EXEMPLAR__STATE__STATE_NONE);
        rc = record_change(x, &next, EXEMPLAR__STATE__STATE_NONE, move->verb, reason, 0, &back);
        if (rc == 0) {
            a->counters.next_id++;
            a->counters.nominations++;
            a->counters.last_seq++;
            count_move(a, EXEMPLAR__STATE__STATE_NONE, next.state);
        }
    }
    if (rc == 0) {
        count_move(a, from, n->state);
        a->counters.last_seq++;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_NOMINATION;
        x->reply.nomination = n;
        rc = api_pack(x);
    }
out:
    if (n && r->decision && n->revocation == r->decision)
        n->revocation = NULL; /* owned by the request, not by n */
    if (n && r->decision && n->recognition == r->decision)
        n->recognition = NULL;
    if (n)
        exemplar__nomination__free_unpacked(n, NULL);
    free(reason);
    free(override);
    return rc;
}

static int handle_get(call_t *x)
{
    Exemplar__Nomination *n = NULL;
    int rc = load_nomination(x, x->req->get->id, &n);
    if (rc == 0)
        rc = check_read_scope(x, n);
    if (rc == 0) {
        x->reply.body_case = EXEMPLAR__REPLY__BODY_NOMINATION;
        x->reply.nomination = n;
        rc = api_pack(x);
    }
    if (n)
        exemplar__nomination__free_unpacked(n, NULL);
    return rc;
}

static void free_changes(Exemplar__Change **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        exemplar__change__free_unpacked(v[i], NULL);
    free(v);
}

static int handle_history(call_t *x)
{
    Exemplar__Nomination *n = NULL;
    Exemplar__Change **v = NULL;
    size_t count = 0;
    int rc = load_nomination(x, x->req->history->id, &n);
    if (rc == 0)
        rc = check_read_scope(x, n);
    if (rc == 0 && !(v = calloc(HISTORY_MAX, sizeof(*v))))
        rc = -EX_EINTERNAL;
    /* Walk the chain from the newest change back to the registration. */
    for (uint64_t seq = rc == 0 ? n->last_seq : 0; seq && count < HISTORY_MAX;) {
        rc = records_get_change(x->txn, seq, &v[count]);
        if (rc < 0) {
            log_error("api, history of nomination %llu is broken at change %llu (%s)",
                      (unsigned long long)n->id, (unsigned long long)seq, ex_err_name(rc));
            rc = -EX_ESTORAGE;
            break;
        }
        seq = v[count++]->prev_seq;
    }
    if (rc == 0) {
        for (size_t i = 0; i < count / 2; i++) {
            Exemplar__Change *t = v[i];
            v[i] = v[count - 1 - i];
            v[count - 1 - i] = t;
        }
        Exemplar__HistoryReply h = EXEMPLAR__HISTORY_REPLY__INIT;
        h.changes = v;
        h.n_changes = count;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_HISTORY;
        x->reply.history = &h;
        rc = api_pack(x);
    }
    free_changes(v, count);
    if (n)
        exemplar__nomination__free_unpacked(n, NULL);
    return rc;
}

/* Which index a list walks; the first byte of its page tokens. */
enum { LIST_BY_STATE = 1, LIST_BY_UNIT = 2, LIST_ALL = 3, LIST_AS_OF = 4 };

static bool list_match(const Exemplar__ListRequest *r, const actor_t *actor,
                       const Exemplar__Nomination *n)
{
    return (r->state == EXEMPLAR__STATE__STATE_NONE || n->state == r->state) &&
           (!r->unit[0] || strcmp(n->unit, r->unit) == 0) &&
           (!r->campaign[0] || strcmp(n->campaign, r->campaign) == 0) &&
           (!r->name_contains[0] || vitext_contains(n->name, r->name_contains)) &&
           nom_actor_in_scope(actor, n->unit);
}

static int handle_list(call_t *x)
{
    const Exemplar__ListRequest *r = x->req->list;
    if (r->state != EXEMPLAR__STATE__STATE_NONE && !valid_state(r->state))
        return api_refuse(x, -EX_EINVALID, "state filter %d is not a state", (int)r->state);
    int rc = check_unit_code(x, r->unit, false);
    if (rc == 0)
        rc = check_campaign(x, r->campaign);
    if (rc < 0)
        return rc;
    if (r->limit > LIST_MAX)
        return api_refuse(x, -EX_EINVALID, "limit must be 1-%d (0 means %d)", LIST_MAX,
                          LIST_DEFAULT);
    if (x->actor->role == ROLE_UNIT_OFFICER && r->unit[0] && strcmp(r->unit, x->actor->unit))
        return api_refuse(x, -EX_EPERM, "%s acts for unit %s and may not list unit %s",
                          x->actor->name, x->actor->unit, r->unit);
    if (r->as_of_ms < 0)
        return api_refuse(x, -EX_EINVALID,
                          "as_of_ms must be a time after 1970 (ms since the epoch)");
    uint32_t limit = r->limit ? r->limit : LIST_DEFAULT;

    /* Choose the index and the key prefix it is scanned under. */
    uint8_t prefix[KEY_MAX];
    size_t plen = 0;
    int kind;
    store_db_t db;
    if (r->as_of_ms) {
        /* the indexes hold the present only: walk every nomination */
        kind = LIST_AS_OF;
        db = DB_NOMINATIONS;
    } else if (r->state != EXEMPLAR__STATE__STATE_NONE) {
        kind = LIST_BY_STATE;
        db = DB_BY_STATE;
        plen = r->campaign[0] ? key_by_state(prefix, r->state, r->campaign, 0) - 8
                              : key_by_state(prefix, r->state, NULL, 0);
    } else if (r->unit[0]) {
        kind = LIST_BY_UNIT;
        db = DB_BY_UNIT;
        plen = key_by_unit(prefix, r->unit, 0) - 8;
    } else {
        kind = LIST_ALL;
        db = DB_NOMINATIONS;
    }
    const uint8_t *resume = NULL;
    size_t resume_len = 0;
    if (r->page_token.len) {
        if (r->page_token.len > PAGE_TOKEN_MAX || r->page_token.data[0] != kind ||
            r->page_token.len - 1 < plen || memcmp(r->page_token.data + 1, prefix, plen))
            return api_refuse(x, -EX_EINVALID,
                              "page_token does not belong to this list: send the same filters as "
                              "for the first page");
        resume = r->page_token.data + 1;
        resume_len = r->page_token.len - 1;
    }

    Exemplar__Nomination **found = calloc(limit, sizeof(*found));
    if (!found)
        return -EX_EINTERNAL;
    size_t count = 0, scanned = 0;
    uint8_t last[KEY_MAX];
    size_t last_len = 0;
    bool more = false;
    store_iter_t it;
    store_val_t k, v;
    rc = store_iter_open(x->txn, db, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, resume ? resume : prefix, resume ? resume_len : plen, &k, &v);
    /* Skip the entry the previous page ended on. */
    if (rc == 0 && resume && k.len == resume_len && memcmp(k.data, resume, resume_len) == 0)
        rc = store_iter_next(&it, &k, &v);
    while (rc == 0) {
        if (k.len < plen || memcmp(k.data, prefix, plen) != 0 || k.len > KEY_MAX)
            break;
        if (count == limit || scanned == LIST_SCAN_MAX) {
            more = true;
            break;
        }
        scanned++;
        memcpy(last, k.data, k.len);
        last_len = k.len;
        Exemplar__Nomination *n = NULL;
        uint64_t id = 0;
        if (kind == LIST_ALL || kind == LIST_AS_OF) {
            n = exemplar__nomination__unpack(NULL, v.len, v.data);
            rc = n ? 0 : -EX_ESTORAGE;
        } else {
            id = kind == LIST_BY_STATE ? records_state_entry_id(&v) : key_tail_u64(k.data, k.len);
            rc = records_get_nomination(x->txn, id, &n);
        }
        if (rc < 0) {
            log_error("api, index entry without a readable nomination %llu (%s)",
                      (unsigned long long)id, ex_err_name(rc));
            rc = -EX_ESTORAGE;
            break;
        }
        /* By-state entries a nomination has moved on from wait for the sweep. */
        bool live = kind != LIST_BY_STATE || records_state_entry_live(n, &k);
        if (kind == LIST_AS_OF && (rc = api_ops_rewind(x->txn, n, r->as_of_ms, &live)) < 0) {
            exemplar__nomination__free_unpacked(n, NULL);
            break;
        }
        if (live && list_match(r, x->actor, n))
            found[count++] = n;
        else
            exemplar__nomination__free_unpacked(n, NULL);
        rc = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;

    uint8_t token[PAGE_TOKEN_MAX];
    if (rc == 0) {
        Exemplar__ListReply l = EXEMPLAR__LIST_REPLY__INIT;
        l.nominations = found;
        l.n_nominations = count;
        if (more && last_len) {
            token[0] = (uint8_t)kind;
            memcpy(token + 1, last, last_len);
            l.next_page_token.data = token;
            l.next_page_token.len = last_len + 1;
        }
        x->reply.body_case = EXEMPLAR__REPLY__BODY_LIST;
        x->reply.list = &l;
        rc = api_pack(x);
    }
    for (size_t i = 0; i < count; i++)
        exemplar__nomination__free_unpacked(found[i], NULL);
    free(found);
    return rc;
}

static int handle_changes(call_t *x)
{
    const Exemplar__ChangesRequest *r = x->req->changes;
    if (r->limit > CHANGES_MAX)
        return api_refuse(x, -EX_EINVALID, "limit must be 1-%d (0 means %d)", CHANGES_MAX,
                          CHANGES_MAX);
    uint32_t limit = r->limit ? r->limit : CHANGES_MAX;
    Exemplar__Change **v = calloc(limit, sizeof(*v));
    if (!v)
        return -EX_EINTERNAL;
    size_t count = 0;
    uint8_t start[8];
    key_put_u64(start, r->from_seq ? r->from_seq : 1);
    store_iter_t it;
    store_val_t k, val;
    int rc = store_iter_open(x->txn, DB_CHANGES, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, start, sizeof(start), &k, &val);
    while (rc == 0 && count < limit) {
        Exemplar__Change *c = exemplar__change__unpack(NULL, val.len, val.data);
        if (!c) {
            log_error("api, change %llu does not decode",
                      (unsigned long long)(k.len == 8 ? key_get_u64(k.data) : 0));
            rc = -EX_ESTORAGE;
            break;
        }
        /* A unit officer's feed holds its own unit only. */
        if (nom_actor_in_scope(x->actor, c->unit))
            v[count++] = c;
        else
            exemplar__change__free_unpacked(c, NULL);
        rc = store_iter_next(&it, &k, &val);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc == 0) {
        Exemplar__ChangesReply c = EXEMPLAR__CHANGES_REPLY__INIT;
        c.changes = v;
        c.n_changes = count;
        c.last_seq = x->api->counters.last_seq;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_CHANGES;
        x->reply.changes = &c;
        rc = api_pack(x);
    }
    free_changes(v, count);
    return rc;
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
                 "the database reached its size limit ([store] map_max_mib = %llu); nothing was "
                 "written: raise map_max_mib and restart exemplard, then retry with the same "
                 "request id",
                 (unsigned long long)(a->cfg->map_max >> 20));
    else
        snprintf(why, len,
                 "the disk holding %.1024s is full; nothing was written: free space there, then "
                 "retry with the same request id",
                 a->cfg->state_dir);
}

/* Handles one call inside txn and sets *wrote when it wrote anything.  With
 * write_error set, txn is read-only: mutating calls that are not retries
 * are answered with write_error. */
static void run_call(api_t *a, store_txn_t *txn, api_call_t *call, int write_error, bool *wrote)
{
    call_t x = {.api = a, .txn = txn, .actor = &call->actor, .now_ms = api_now_ms()};
    actor_t acting; /* the person a gateway acts for (users.h) */
    Exemplar__Reply init = EXEMPLAR__REPLY__INIT;
    x.reply = init;
    Exemplar__Request *req = exemplar__request__unpack(NULL, call->len, call->data);
    call->rc = 0;
    uint64_t digest = 0;
    const api_op_t *op = NULL;
    int rc = 0;
    a->stats.requests++;
    if (!req) {
        rc = api_refuse(&x, -EX_EMALFORMED,
                        "the message is not an encoded exemplar.Request (proto/wire.proto)");
        goto answer;
    }
    x.req = req;
    if (req->protocol != EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1) {
        rc = api_refuse(&x, -EX_EPROTOCOL,
                        "protocol version %d is not supported; this daemon speaks version 1",
                        (int)req->protocol);
        goto answer;
    }
    op = find_op(req->body_case);
    if (!op) {
        rc = api_refuse(&x, -EX_EINVALID,
                        "the request has no body this daemon knows (field %d); see "
                        "proto/wire.proto",
                        (int)req->body_case);
        goto answer;
    }
    /* A gateway's request is checked, remembered and audited as the person's. */
    if ((rc = users_resolve(txn, &call->actor, req->on_behalf_of, &acting, x.why, sizeof(x.why))) <
        0)
        goto answer;
    x.actor = &acting;
    if ((rc = auth_check_role(x.actor, op->name, op->roles, x.why, sizeof(x.why))) < 0)
        goto answer;
    if ((op->flags & OP_MUTATES) && !(req->request_id == 0 && (op->flags & OP_ID_OPTIONAL))) {
        if (req->request_id == 0) {
            rc = api_refuse(&x, -EX_EINVALID,
                            "request_id is required for %s: choose a new non-zero id, and send the "
                            "same id again only to retry",
                            op->name);
            goto answer;
        }
        digest = dedup_digest(call->data, call->len);
        bool other = false;
        rc = dedup_lookup(txn, req->request_id, x.actor->name, digest, &call->reply,
                          &call->reply_len, &other);
        if (rc == 0)
            goto done; /* a retry: the first answer, byte for byte */
        if (rc == -EX_EIDREUSE) {
            /* Another principal's id: refused and audited, and nothing of
             * the first request (not even whether it matched) is said. */
            api_refuse(&x, rc,
                       other ? "request id %llu was already used by another sender (or before "
                               "this daemon recorded senders); choose a new id"
                             : "request id %llu was already used for a different request; use "
                               "a new id",
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
    if (write_error && (op->flags & OP_MUTATES)) {
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
    rc = op->handler(&x);
    if (rc == 0 && (((op->flags & OP_MUTATES) && !x.unchanged) || x.wrote))
        *wrote = true;
answer:
    if (rc < 0) {
        a->stats.refused++;
        if (-rc < EX_ERR_COUNT)
            a->stats.refused_by_code[-rc]++;
        free(x.out);
        x.out = error_reply(req ? req->request_id : 0, rc, x.why, x.current_version,
                            x.current_state, &x.out_len);
    }
    if (op && (op->flags & OP_MUTATES) && x.out && req->request_id &&
        (rc == 0 || remember_answer(rc)) && rc != -EX_EIDREUSE && !write_error && !x.unchanged) {
        dedup_remember(txn, req->request_id, x.actor->name, digest, x.now_ms, x.out, x.out_len);
        *wrote = true;
    }
    if (rc < 0 && op && (op->flags & OP_MUTATES)) {
        /* Every refused change is audited (issue 7); with write_error the
         * txn is read-only and only the journal gets it. */
        audit_refusal(txn, x.actor, op->name, req, rc, x.why[0] ? x.why : ex_err_message(rc),
                      x.now_ms);
        *wrote = *wrote || (txn->write && !write_error);
    }
    if (rc < 0 && rc != -EX_ENOTFOUND)
        log_debug("api, %s refused (%s: %s)", op ? op->name : "request", ex_err_name(rc),
                  x.why[0] ? x.why : ex_err_message(rc));
    call->reply = x.out;
    call->reply_len = x.out_len;
    call->rc = rc;
done:
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
    bool wrote = false;
    int rc = store_txn_begin(a->store, false, &txn);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            run_call(a, &txn, &calls[i], write_error, &wrote);
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
        records_counters_t saved = a->counters;
        store_txn_t txn;
        bool wrote = false;
        int rc = store_txn_begin(a->store, true, &txn);
        /* After a failed write the txn is dead: the rest waits for the retry. */
        for (size_t i = 0; rc == 0 && txn.rc == 0 && i < n; i++)
            run_call(a, &txn, &calls[i], 0, &wrote);
        if (rc == 0 && wrote) {
            int64_t started = mono_us();
            rc = store_txn_commit(&txn);
            if (rc == 0)
                note_commit(a, mono_us() - started);
        } else if (rc == 0) {
            store_txn_abort(&txn);
            rc = txn.rc;
        }
        if (rc == 0) {
            outbox_publish(a->outbox);
            return;
        }
        /* Nothing of the batch was written: undo what memory knows of it. */
        a->counters = saved;
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

api_t *api_new(store_t *store, outbox_t *outbox, const config_t *cfg, char *err, size_t errlen)
{
    api_t *a = calloc(1, sizeof(*a));
    if (!a) {
        snprintf(err, errlen, "api, out of memory");
        return NULL;
    }
    a->store = store;
    a->outbox = outbox;
    a->cfg = cfg;
    /* Unknown after a restart: one background pass finds out. */
    a->stale_index_entries = 1;
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
    if (timers_cfg_from(cfg, &a->timers, err, errlen) < 0 ||
        !(a->rules = rules_new(cfg, store, err, errlen))) {
        free(a);
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
    a->timers = timers;
    a->next_timer_sync_ms = 0; /* the campaigns may have changed: derive again */
    return 0;
}

void api_destroy(api_t **p)
{
    if (*p)
        rules_destroy(&(*p)->rules);
    free(*p);
    *p = NULL;
}

/* Sweeps stale by-state entries in key order, a bounded step at a time:
 * deleting many entries of one leaf together costs one page write, where
 * deleting each at its move would have cost a random page per move. */
static size_t sweep_state_index(api_t *a, store_txn_t *txn)
{
    if (!a->stale_index_entries)
        return 0;
    bool from_start = a->sweep_resume_len == 0;
    size_t dropped =
        records_sweep_state_index(txn, SWEEP_STEP, a->sweep_resume, &a->sweep_resume_len);
    a->stale_index_entries -= dropped < a->stale_index_entries ? dropped : a->stale_index_entries;
    /* A whole pass that found nothing means the count had drifted. */
    if (from_start && a->sweep_resume_len == 0 && dropped == 0)
        a->stale_index_entries = 0;
    return dropped;
}

/* A background write that found the map full: grow it (no transaction is
 * open here), so that the next try succeeds as a request batch would.
 * Returns whether it grew. */
static bool grew_after(api_t *a, int rc)
{
    if (rc != -EX_EFULL || !store_map_full(a->store) || store_grow(a->store) < 0)
        return false;
    log_info("api, the map was full for a background write; grown to %llu MiB",
             (unsigned long long)(store_map_size(a->store) >> 20));
    return true;
}

void api_housekeeping(api_t *a, int64_t now_ms)
{
    outbox_monitor_drain(a->outbox); /* issue 8: count the feed's connections */
    outbox_tick(a->outbox);          /* a feed re-bound by a reload publishes again */
    store_txn_t txn;
    if (store_txn_begin(a->store, true, &txn) < 0)
        return;
    size_t forgotten = 0;
    if (now_ms >= a->next_prune_ms) {
        int64_t cutoff = now_ms - (int64_t)a->cfg->request_ttl_hours * 3600 * 1000;
        forgotten = dedup_prune(&txn, cutoff, 10000, &a->prune_resume);
        a->next_prune_ms = now_ms + (a->prune_resume ? 1000 : PRUNE_INTERVAL_MS);
    }
    size_t swept = sweep_state_index(a, &txn);
    bool jobs = api_jobs_tick(a, &txn, now_ms);
    int rc = forgotten || swept || jobs ? store_txn_commit(&txn) : (store_txn_abort(&txn), 0);
    if (rc < 0) {
        if (!grew_after(a, rc))
            log_warning("api, housekeeping not committed (%s)", ex_err_message(rc));
        return;
    }
    if (forgotten)
        log_debug("api, forgot %zu request ids older than %u hours", forgotten,
                  a->cfg->request_ttl_hours);
    if (swept)
        log_debug("api, swept %zu stale index entries", swept);
}

bool api_background(api_t *a, bool quiet)
{
    bool more = false;
    int rc = api_events_index(a->store, a->cfg->events_index_lag, quiet, &more);
    if (rc < 0 && !grew_after(a, rc))
        log_warning("api, cannot extend the subject index of events (%s); retrying later",
                    ex_err_message(rc));
    /* issue 5: the quarterly tallies follow the change log the same way */
    bool tally_more = false;
    rc = tally_background(a->store, a->rules, TALLY_LAG, quiet, &tally_more);
    if (rc < 0)
        log_warning("api, cannot advance the quarterly tallies (%s); retrying later",
                    ex_err_message(rc));
    return more || tally_more;
}

const records_counters_t *api_counters(const api_t *a)
{
    return &a->counters;
}

const api_stats_t *api_stats(const api_t *a)
{
    return &a->stats;
}
