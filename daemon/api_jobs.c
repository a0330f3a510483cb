/* SPDX-License-Identifier: MIT */
/*
 * Requests of the workers and of the administrators about jobs:
 * lease, deliver, acknowledge, list, retry; and the loop's tick that derives
 * and fires timers and takes back leases that ran out.
 *
 * The effects are made idempotent by recording them: every delivery is
 * recorded once per channel under the job's deterministic id, the "topic"
 * delivery is published by the daemon itself in the same transaction, and
 * every request carries a request id, so a worker or daemon that dies
 * between a commit and its answer finds the same answer when it asks again.
 *
 * A lease is proven by a secret, not by the attempts counter everyone can
 * list: job_lease hands the holder 16 random bytes (libsodium), the job
 * keeps only their BLAKE2b hash and the principal that took the lease, and
 * deliver and ack must bring the token from that same principal.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_jobs.h"
#include "errors.h"
#include "jobs.h"
#include "key.h"
#include "ledger.h"
#include "log.h"
#include "names.h"
#include "plans.h"
#include "records.h"
#include "text.h"
#include "timers.h"

#define LEASE_DEFAULT_MS 60000u
#define LEASE_MIN_MS     1000u
#define LEASE_MAX_MS     3600000u
#define LEASE_MAX_JOBS   100u
#define QUEUE_SCAN       1024 /* queue entries a lease looks at */
#define LIST_DEFAULT     100u
#define LIST_MAX         1000u
#define DETAIL_MAX       1024
#define SUBJECT_MAX      256
#define TEXT_MAX         8192
#define STALE_LISTED     100
#define WORKER_NAME_MAX  64
#define SYNC_EVERY_MS    3600000ll /* derive timers again hourly (quarters roll on) */
#define EXPIRE_STEP      64
#define TOKEN_BYTES      16
#define TOKEN_HASH_BYTES crypto_generichash_BYTES
#define WORKERS_SEEN     32 /* worker names remembered for stats */

struct api_jobs {
    timers_cfg_t timers;
    int64_t next_timer_sync_ms; /* 0: derive at the next tick */
    /* The earliest moment the tick has work (derive the timers, a timer due,
     * a lease running out): the scheduler's deadline for it (0: now). */
    int64_t next_due_ms;
    struct {
        char name[WORKER_NAME_MAX + 1];
        int64_t at_ms;
    } workers_seen[WORKERS_SEEN];
};

api_jobs_t *api_jobs_new(const config_t *cfg, char *err, size_t errlen)
{
    api_jobs_t *j = calloc(1, sizeof(*j));
    if (!j) {
        snprintf(err, errlen, "jobs, out of memory");
        return NULL;
    }
    if (timers_cfg_from(cfg, &j->timers, err, errlen) < 0) {
        free(j);
        return NULL;
    }
    return j;
}

void api_jobs_destroy(api_jobs_t **p)
{
    free(*p);
    *p = NULL;
}

void api_jobs_set_timers(api_jobs_t *j, const timers_cfg_t *timers)
{
    j->timers = *timers;
    j->next_timer_sync_ms = 0;
    j->next_due_ms = 0;
}

int64_t api_jobs_next_ms(const api_jobs_t *j)
{
    return j->next_due_ms;
}

void api_jobs_wake(api_jobs_t *j, int64_t at_ms)
{
    if (at_ms < j->next_due_ms)
        j->next_due_ms = at_ms;
}

/* What a reply may show of a job: never its lease's hash. */
static void hide_lease(Exemplar__Job *j)
{
    j->lease_hash.len = 0;
}

static bool valid_worker(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > WORKER_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("._-@:", s[i]))
            return false;
    return true;
}

static bool valid_kind(Exemplar__JobKind k)
{
    return jobs_kind_name(k) != NULL;
}

/* A lease that ran out counts as a failure: the job is ready again at once
 * (the worker probably died), or parked after max_attempts failures.  Writes
 * the change; *j is replaced by the stored record. */
static int take_back(api_jobs_t *a, store_txn_t *txn, Exemplar__Job **j, int64_t now_ms)
{
    Exemplar__Job upd = **j;
    char why[160];
    snprintf(why, sizeof(why), "the lease of %s ended without an acknowledgement",
             upd.worker[0] ? upd.worker : "a worker");
    upd.failures++;
    upd.last_error = why;
    upd.available_ms = now_ms;
    upd.state = upd.failures >= a->timers.max_attempts ? EXEMPLAR__JOB_STATE__JOB_PARKED
                                                       : EXEMPLAR__JOB_STATE__JOB_READY;
    jobs_put(txn, &upd, *j);
    log_fields(upd.state == EXEMPLAR__JOB_STATE__JOB_PARKED ? LOG_WARNING : LOG_INFO,
               LOG_FIELDS(log_str("JOB_ID", upd.id), log_str("UNIT", upd.unit)), "jobs, %s: %s%s",
               upd.id, why,
               upd.state == EXEMPLAR__JOB_STATE__JOB_PARKED ? "; parked" : "; handed out again");
    char id[JOBS_ID_MAX + 1];
    snprintf(id, sizeof(id), "%s", upd.id);
    exemplar__job__free_unpacked(*j, NULL);
    *j = NULL;
    return txn->rc < 0 ? txn->rc : jobs_get(txn, id, j);
}

/* Loads job id, taking back its lease if that has run out.  Returns 0 with
 * *out (free with exemplar__job__free_unpacked), or an error. */
static int load_job(api_jobs_t *a, store_txn_t *txn, const char *id, int64_t now_ms,
                    Exemplar__Job **out)
{
    int rc = jobs_get(txn, id, out);
    if (rc == 0 && (*out)->state == EXEMPLAR__JOB_STATE__JOB_LEASED &&
        (*out)->available_ms <= now_ms)
        rc = take_back(a, txn, out, now_ms);
    return rc;
}

/* Takes back the leases that ran out (at most EXPIRE_STEP): from the lease
 * request before it looks for ready jobs, and from the tick so that
 * `exemplarctl jobs` shows them as they are even when no worker asks.
 * Returns how many. */
static size_t expire_leases(api_jobs_t *a, store_txn_t *txn, int64_t now_ms)
{
    char ids[EXPIRE_STEP][JOBS_ID_MAX + 1];
    int n = jobs_due(txn, DB_JOB_QUEUE, EXEMPLAR__JOB_STATE__JOB_LEASED, now_ms, ids, EXPIRE_STEP);
    size_t taken = 0;
    for (int i = 0; i < n; i++) {
        Exemplar__Job *j = NULL;
        if (jobs_get(txn, ids[i], &j) < 0)
            continue;
        if (j->state != EXEMPLAR__JOB_STATE__JOB_LEASED) {
            exemplar__job__free_unpacked(j, NULL);
            continue;
        }
        /* take_back replaces the record with the stored one (NULL on error) */
        Exemplar__Job *now = j;
        if (take_back(a, txn, &now, now_ms) == 0)
            taken++;
        if (now)
            exemplar__job__free_unpacked(now, NULL);
    }
    return taken;
}

/* ---- lease ---------------------------------------------------------------- */

static void format_due(int64_t ms, char *buf, size_t len)
{
    int32_t day = day_of_ms(ms);
    int64_t in_day = ms - day_start_ms(day);
    char d[16];
    day_format(day, d, sizeof(d));
    snprintf(buf, len, "%s %02d:%02d", d, (int)(in_day / 3600000), (int)(in_day / 60000 % 60));
}

typedef struct {
    Exemplar__ReminderContext ctx;
    Exemplar__StaleNomination *stale_rows;
    Exemplar__StaleNomination **stale;
    Exemplar__Unit *unit;
    Exemplar__UnitPlan *plan;
    Exemplar__Nomination **noms;
    size_t nnoms;
    char due[32];
} context_t;

static void context_free(context_t *c)
{
    free(c->stale_rows);
    free(c->stale);
    if (c->unit)
        exemplar__unit__free_unpacked(c->unit, NULL);
    if (c->plan)
        exemplar__unit_plan__free_unpacked(c->plan, NULL);
    for (size_t i = 0; i < c->nnoms; i++)
        exemplar__nomination__free_unpacked(c->noms[i], NULL);
    free(c->noms);
}

/* What the reminder of job j is about, as of now. */
static int fill_context(call_t *x, const Exemplar__Job *j, context_t *c)
{
    Exemplar__ReminderContext init = EXEMPLAR__REMINDER_CONTEXT__INIT;
    memset(c, 0, sizeof(*c));
    c->ctx = init;
    int32_t today = rules_today(x->rules, x->now_ms);
    Exemplar__Unit *latest = NULL;
    if (ledger_unit_on(x->txn, j->unit, today, &c->unit, &latest) < 0) {
        c->unit = latest;
    } else if (latest) {
        exemplar__unit__free_unpacked(latest, NULL);
    }
    c->ctx.unit_name = c->unit ? c->unit->name : (char *)"";
    c->ctx.addressee = c->unit ? (char *)rules_unit_addressee(c->unit, today) : (char *)"";
    const campaign_t *camp = rules_campaign(x->rules, j->campaign);
    c->ctx.campaign_title = camp ? (char *)camp->title : (char *)"";
    if (plans_latest(x->txn, j->unit, j->campaign, j->period, &c->plan) < 0)
        c->plan = NULL;
    c->ctx.plan_status = (char *)plans_status(c->plan);
    format_due(j->deadline_ms, c->due, sizeof(c->due));
    c->ctx.due = c->due;

    uint8_t prefix[KEY_MAX];
    size_t plen = key_by_unit(prefix, j->unit, 0) - 8;
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(x->txn, DB_BY_UNIT, &it);
    size_t cap = 0;
    if (rc == 0)
        rc = store_iter_seek(&it, prefix, plen, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        if (k.len != plen + 8 || memcmp(k.data, prefix, plen) != 0)
            break;
        Exemplar__Nomination *n = NULL;
        if ((rc = records_get_nomination(x->txn, key_tail_u64(k.data, k.len), &n)) < 0)
            break;
        bool mine = strcmp(n->campaign, j->campaign) == 0 && strcmp(n->period, j->period) == 0;
        if (mine && plans_state_live(n->state))
            c->ctx.nominations++;
        if (mine && j->kind == EXEMPLAR__JOB_KIND__JOB_REMIND_STALE &&
            n->state == j->state_waiting) {
            c->ctx.stale_total++;
            if (c->nnoms < STALE_LISTED) {
                if (c->nnoms == cap) {
                    size_t ncap = cap ? cap * 2 : 8;
                    void *grown = realloc(c->noms, ncap * sizeof(*c->noms));
                    if (!grown) {
                        exemplar__nomination__free_unpacked(n, NULL);
                        rc = -EX_EINTERNAL;
                        break;
                    }
                    c->noms = grown;
                    cap = ncap;
                }
                c->noms[c->nnoms++] = n;
                continue;
            }
        }
        exemplar__nomination__free_unpacked(n, NULL);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc == 0 && c->nnoms) {
        c->stale_rows = calloc(c->nnoms, sizeof(*c->stale_rows));
        c->stale = calloc(c->nnoms, sizeof(*c->stale));
        if (!c->stale_rows || !c->stale)
            return -EX_EINTERNAL;
        for (size_t i = 0; i < c->nnoms; i++) {
            Exemplar__StaleNomination row = EXEMPLAR__STALE_NOMINATION__INIT;
            const Exemplar__Nomination *n = c->noms[i];
            row.id = n->id;
            row.name = n->name;
            row.state = n->state;
            Exemplar__Change *ch = NULL;
            if (records_get_change(x->txn, n->state_seq, &ch) == 0) {
                row.since_ms = ch->at_ms;
                exemplar__change__free_unpacked(ch, NULL);
            }
            c->stale_rows[i] = row;
            c->stale[i] = &c->stale_rows[i];
        }
        c->ctx.stale = c->stale;
        c->ctx.n_stale = c->nnoms;
    }
    return rc;
}

static void note_worker(api_jobs_t *a, const char *name, int64_t now_ms)
{
    size_t oldest = 0;
    for (size_t i = 0; i < WORKERS_SEEN; i++) {
        if (strcmp(a->workers_seen[i].name, name) == 0) {
            a->workers_seen[i].at_ms = now_ms;
            return;
        }
        if (a->workers_seen[i].at_ms < a->workers_seen[oldest].at_ms)
            oldest = i;
    }
    snprintf(a->workers_seen[oldest].name, sizeof(a->workers_seen[oldest].name), "%s", name);
    a->workers_seen[oldest].at_ms = now_ms;
}

int api_jobs_lease(call_t *x)
{
    const Exemplar__JobLeaseRequest *r = x->req->job_lease;
    api_jobs_t *a = x->jobs;
    if (!valid_worker(r->worker))
        return api_refuse(x, -EX_EINVALID,
                          _("worker must name the worker: 1-%d letters, digits or . _ - @ : "
                            "(e.g. remind@host1)"),
                          WORKER_NAME_MAX);
    uint32_t lease_ms = r->lease_ms ? r->lease_ms : LEASE_DEFAULT_MS;
    if (lease_ms < LEASE_MIN_MS || lease_ms > LEASE_MAX_MS)
        return api_refuse(x, -EX_EINVALID, _("lease_ms must be %u-%u (or 0 for %u), not %u"),
                          LEASE_MIN_MS, LEASE_MAX_MS, LEASE_DEFAULT_MS, r->lease_ms);
    uint32_t max = r->max ? r->max : 1;
    if (max > LEASE_MAX_JOBS)
        return api_refuse(x, -EX_EINVALID, _("max must be 1-%u (or 0 for 1), not %u"),
                          LEASE_MAX_JOBS, r->max);
    for (size_t i = 0; i < r->n_kinds; i++)
        if (!valid_kind(r->kinds[i]))
            return api_refuse(x, -EX_EINVALID,
                              _("kinds[%zu] = %d is not a job kind (workers.proto JobKind)"), i,
                              (int)r->kinds[i]);
    note_worker(a, r->worker, x->now_ms);
    if (sodium_init() < 0)
        return api_refuse(x, -EX_EINTERNAL, _("libsodium could not be initialised"));

    char(*ids)[JOBS_ID_MAX + 1] = calloc(QUEUE_SCAN, sizeof(*ids));
    Exemplar__Job **stored = calloc(max, sizeof(*stored)); /* owned, freed below */
    Exemplar__Job *leased = calloc(max, sizeof(*leased));  /* shallow copies, as leased */
    Exemplar__Job **out = calloc(max, sizeof(*out));
    context_t *ctx = calloc(max, sizeof(*ctx));
    uint8_t(*token)[TOKEN_BYTES] = calloc(max, sizeof(*token));
    uint8_t(*hash)[TOKEN_HASH_BYTES] = calloc(max, sizeof(*hash));
    int rc = ids && stored && leased && out && ctx && token && hash ? 0 : -EX_EINTERNAL;
    size_t taken = rc == 0 ? expire_leases(a, x->txn, x->now_ms) : 0;
    int due = rc == 0 ? jobs_due(x->txn, DB_JOB_QUEUE, EXEMPLAR__JOB_STATE__JOB_READY, x->now_ms,
                                 ids, QUEUE_SCAN)
                      : 0;
    if (due < 0)
        rc = due;
    size_t n = 0;
    for (int i = 0; rc == 0 && i < due && n < max; i++) {
        Exemplar__Job *j = NULL;
        if ((rc = jobs_get(x->txn, ids[i], &j)) < 0)
            break;
        bool wanted = r->n_kinds == 0;
        for (size_t k = 0; k < r->n_kinds; k++)
            wanted = wanted || r->kinds[k] == j->kind;
        if (!wanted) {
            exemplar__job__free_unpacked(j, NULL);
            continue;
        }
        stored[n] = j;
        Exemplar__Job *upd = &leased[n];
        *upd = *j;
        upd->state = EXEMPLAR__JOB_STATE__JOB_LEASED;
        upd->attempts++;
        upd->worker = r->worker;
        upd->available_ms = x->now_ms + lease_ms;
        api_jobs_wake(x->jobs, upd->available_ms); /* the tick takes it back then */
        randombytes_buf(token[n], TOKEN_BYTES);
        crypto_generichash(hash[n], TOKEN_HASH_BYTES, token[n], TOKEN_BYTES, NULL, 0);
        upd->lease_hash = (ProtobufCBinaryData){TOKEN_HASH_BYTES, hash[n]};
        upd->lease_principal = (char *)x->actor->name;
        jobs_put(x->txn, upd, j);
        hide_lease(upd);
        upd->lease_token = (ProtobufCBinaryData){TOKEN_BYTES, token[n]};
        if (upd->kind != EXEMPLAR__JOB_KIND__JOB_SUMMARY) {
            rc = fill_context(x, upd, &ctx[n]);
            upd->context = &ctx[n].ctx;
        }
        out[n] = upd;
        n++;
        log_fields(LOG_INFO, LOG_FIELDS(log_str("JOB_ID", upd->id), log_str("WORKER", r->worker)),
                   "jobs, %s leased to %s for %u ms (attempt %u)", upd->id, r->worker, lease_ms,
                   upd->attempts);
    }
    /* Nothing leased: not remembered; leases taken back are written. */
    x->unchanged = n == 0;
    x->wrote = taken > 0;
    if (rc == 0) {
        Exemplar__JobsReply body = EXEMPLAR__JOBS_REPLY__INIT;
        body.jobs = out;
        body.n_jobs = n;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_JOBS;
        x->reply.jobs = &body;
        rc = api_pack(x);
    }
    for (size_t i = 0; i < n; i++) {
        context_free(&ctx[i]);
        exemplar__job__free_unpacked(stored[i], NULL);
    }
    sodium_memzero(token, max * sizeof(*token));
    free(hash);
    free(token);
    free(ctx);
    free(out);
    free(leased);
    free(stored);
    free(ids);
    return rc;
}

static int reply_jobs(call_t *x, Exemplar__Job **jobs, size_t n, bool already)
{
    for (size_t i = 0; i < n; i++)
        hide_lease(jobs[i]);
    Exemplar__JobsReply body = EXEMPLAR__JOBS_REPLY__INIT;
    body.jobs = jobs;
    body.n_jobs = n;
    body.already = already;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_JOBS;
    x->reply.jobs = &body;
    return api_pack(x);
}

static int find_job(call_t *x, const char *id, Exemplar__Job **out)
{
    if (!id[0] || strlen(id) > JOBS_ID_MAX)
        return api_refuse(x, -EX_EINVALID, _("id must name a job (1-%d bytes; exemplarctl jobs)"),
                          JOBS_ID_MAX);
    int rc = load_job(x->jobs, x->txn, id, x->now_ms, out);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(x, rc, _("there is no job %s (exemplarctl jobs lists them)"), id);
    return rc;
}

/* ---- deliver -------------------------------------------------------------- */

static const char *const CHANNELS[] = {"topic", "journal", "mail", "file"};

/* Checks the notification of a topic delivery and returns its subject and
 * text normalised in *subject and *text (free() them); on a refusal both are
 * NULL, nothing to free. */
static int check_notification(call_t *x, Exemplar__Notification *nt, char **subject, char **text)
{
    *subject = *text = NULL;
    if (!nt)
        return api_refuse(x, -EX_EINVALID,
                          _("channel topic needs the notification to publish (subject and text)"));
    char bad[200];
    int rc = text_check_name(nt->subject, SUBJECT_MAX, subject, bad, sizeof(bad));
    if (rc < 0)
        rc = api_refuse(x, rc,
                        _("notification.subject %s (one line of 1-%d bytes of visible UTF-8 text)"),
                        bad, SUBJECT_MAX);
    else if ((rc = text_normalize(nt->text, TEXT_MAX, true, true, text)) < 0)
        rc = api_refuse(x, rc, _("notification.text must be 1-%d bytes of UTF-8 text"), TEXT_MAX);
    else if (strcmp(nt->lang, "vi") != 0 && strcmp(nt->lang, "en") != 0)
        rc = api_refuse(x, -EX_EINVALID, _("notification.lang must be vi or en, not \"%.16s\""),
                        nt->lang);
    else if (strlen(nt->link) > DETAIL_MAX)
        rc = api_refuse(x, -EX_ETOOBIG, _("notification.link is longer than %d bytes"), DETAIL_MAX);
    if (rc < 0) {
        free(*subject);
        free(*text);
        *subject = *text = NULL;
    }
    return rc;
}

/* Is the caller the holder of the job's latest lease?  The token must hash
 * to the stored one and the principal must be the one that took the lease:
 * a token read off another worker's traffic is not enough, nor the attempts
 * counter job_list shows.  0, or a refusal. */
static int check_holder(call_t *x, const Exemplar__Job *j, ProtobufCBinaryData token)
{
    if (token.len == 0)
        return api_refuse(x, -EX_EINVALID,
                          _("lease_token is required: send back the lease_token of the job_lease "
                            "reply (a worker that sends only the lease number predates lease "
                            "tokens: update it)"));
    uint8_t h[TOKEN_HASH_BYTES];
    crypto_generichash(h, sizeof(h), token.data, token.len, NULL, 0);
    if (j->lease_hash.len != sizeof(h) || sodium_memcmp(h, j->lease_hash.data, sizeof(h)) != 0)
        return api_refuse(x, -EX_ELEASE,
                          _("this lease_token is not the current lease of job %s (the job is %s): "
                            "drop the job; its deliveries so far are recorded and will not be "
                            "repeated"),
                          j->id, l10n_pgettext("job", jobs_state_name(j->state)));
    if (strcmp(j->lease_principal, x->actor->name) != 0)
        return api_refuse(x, -EX_EPERM,
                          _("job %s is leased to another principal: only the principal that took "
                            "a lease may deliver or acknowledge under it"),
                          j->id);
    return 0;
}

int api_jobs_deliver(call_t *x)
{
    const Exemplar__JobDeliverRequest *r = x->req->job_deliver;
    bool known = false;
    for (size_t i = 0; i < sizeof(CHANNELS) / sizeof(CHANNELS[0]); i++)
        known = known || strcmp(r->channel, CHANNELS[i]) == 0;
    if (!known)
        return api_refuse(x, -EX_EINVALID,
                          _("channel must be topic, journal, mail or file, not \"%.32s\""),
                          r->channel);
    if (strlen(r->detail) > DETAIL_MAX)
        return api_refuse(x, -EX_ETOOBIG, _("detail is longer than %d bytes"), DETAIL_MAX);
    char *subject = NULL, *text = NULL;
    int rc = 0;
    if (strcmp(r->channel, "topic") == 0 &&
        (rc = check_notification(x, r->notification, &subject, &text)) < 0)
        return rc;
    Exemplar__Job *j = NULL;
    if ((rc = find_job(x, r->id, &j)) < 0 || (rc = check_holder(x, j, r->lease_token)) < 0) {
        free(subject);
        free(text);
        if (j)
            exemplar__job__free_unpacked(j, NULL);
        return rc;
    }
    bool already = jobs_delivered(j, r->channel);
    Exemplar__Job upd = *j;
    Exemplar__Delivery d = EXEMPLAR__DELIVERY__INIT;
    Exemplar__Delivery **all = NULL;
    if (!already) {
        d.channel = r->channel;
        d.at_ms = x->now_ms;
        d.worker = (char *)x->actor->name;
        d.detail = r->detail;
        all = calloc(j->n_deliveries + 1, sizeof(*all));
        if (!all)
            rc = -EX_EINTERNAL;
        for (size_t i = 0; all && i < j->n_deliveries; i++)
            all[i] = j->deliveries[i];
        if (all)
            all[j->n_deliveries] = &d;
        upd.deliveries = all;
        upd.n_deliveries = j->n_deliveries + 1;
    }
    if (rc == 0 && !already) {
        jobs_put(x->txn, &upd, j);
        if (subject) {
            Exemplar__Notification nt = *r->notification;
            nt.job = j->id;
            nt.kind = j->kind;
            nt.unit = j->unit;
            nt.subject = subject;
            nt.text = text;
            nt.at_ms = x->now_ms;
            char topic[128];
            snprintf(topic, sizeof(topic), "notify.%s", j->unit[0] ? j->unit : "ministry");
            rc = outbox_add_message(x->outbox, topic, &nt.base);
        }
        log_fields(LOG_INFO,
                   LOG_FIELDS(log_str("JOB_ID", j->id), log_str("UNIT", j->unit),
                              log_str("CHANNEL", r->channel)),
                   "jobs, %s delivered on %s%s%s", j->id, r->channel, r->detail[0] ? " to " : "",
                   r->detail);
    }
    Exemplar__Job *one = &upd;
    if (rc == 0)
        rc = reply_jobs(x, &one, 1, already);
    free(all);
    free(subject);
    free(text);
    exemplar__job__free_unpacked(j, NULL);
    return rc;
}

/* ---- ack ------------------------------------------------------------------ */

static int check_lease(call_t *x, const Exemplar__Job *j, ProtobufCBinaryData token)
{
    int rc = check_holder(x, j, token);
    if (rc < 0 || j->state == EXEMPLAR__JOB_STATE__JOB_LEASED)
        return rc;
    if (j->state == EXEMPLAR__JOB_STATE__JOB_READY)
        return api_refuse(x, -EX_ELEASE,
                          _("the lease of job %s has ended (the job is ready again): drop the job; "
                            "its deliveries so far are recorded and will not be repeated"),
                          j->id);
    return api_refuse(x, -EX_ELEASE, _("job %s is %s: the lease is no longer held"), j->id,
                      l10n_pgettext("job", jobs_state_name(j->state)));
}

int api_jobs_ack(call_t *x)
{
    const Exemplar__JobAckRequest *r = x->req->job_ack;
    if (strlen(r->error) > DETAIL_MAX)
        return api_refuse(x, -EX_ETOOBIG, _("error is longer than %d bytes"), DETAIL_MAX);
    if (!r->ok && !r->error[0])
        return api_refuse(x, -EX_EINVALID, _("a failure (ok = false) needs an error saying why"));
    Exemplar__Job *j = NULL;
    int rc = find_job(x, r->id, &j);
    if (rc == 0)
        rc = check_lease(x, j, r->lease_token);
    Exemplar__Job upd;
    if (rc == 0) {
        upd = *j;
        if (r->ok) {
            upd.state = EXEMPLAR__JOB_STATE__JOB_DONE;
            upd.done_ms = x->now_ms;
        } else {
            upd.failures++;
            upd.last_error = r->error;
            bool park = upd.failures >= x->jobs->timers.max_attempts;
            upd.state = park ? EXEMPLAR__JOB_STATE__JOB_PARKED : EXEMPLAR__JOB_STATE__JOB_READY;
            upd.available_ms = x->now_ms + (park ? 0 : jobs_backoff_ms(upd.failures));
        }
        jobs_put(x->txn, &upd, j);
        log_fields(r->ok ? LOG_INFO : LOG_WARNING,
                   LOG_FIELDS(log_str("JOB_ID", j->id), log_str("UNIT", j->unit)),
                   "jobs, %s %s%s%s", j->id,
                   r->ok                                          ? "done"
                   : upd.state == EXEMPLAR__JOB_STATE__JOB_PARKED ? "failed and parked"
                                                                  : "failed, retried later",
                   r->ok ? "" : ": ", r->ok ? "" : r->error);
        Exemplar__Job *one = &upd;
        rc = reply_jobs(x, &one, 1, false);
    }
    if (j)
        exemplar__job__free_unpacked(j, NULL);
    return rc;
}

/* ---- list and retry ------------------------------------------------------- */

static void free_jobs(Exemplar__Job **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        exemplar__job__free_unpacked(v[i], NULL);
    free(v);
}

static void free_timers(Exemplar__Timer **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        exemplar__timer__free_unpacked(v[i], NULL);
    free(v);
}

int api_jobs_list(call_t *x)
{
    const Exemplar__JobListRequest *r = x->req->job_list;
    uint32_t limit = r->limit ? r->limit : LIST_DEFAULT;
    if (limit > LIST_MAX)
        return api_refuse(x, -EX_EINVALID, _("limit must be 1-%u (or 0 for %u), not %u"), LIST_MAX,
                          LIST_DEFAULT, r->limit);
    if (r->state != EXEMPLAR__JOB_STATE__JOB_STATE_NONE && !jobs_state_name(r->state))
        return api_refuse(x, -EX_EINVALID, _("state %d is not a job state"), (int)r->state);
    if (r->kind != EXEMPLAR__JOB_KIND__JOB_KIND_NONE && !valid_kind(r->kind))
        return api_refuse(x, -EX_EINVALID, _("kind %d is not a job kind"), (int)r->kind);
    if (strlen(r->prefix) > JOBS_ID_MAX || strlen(r->after) > JOBS_ID_MAX)
        return api_refuse(x, -EX_EINVALID, _("prefix and after are at most %d bytes"), JOBS_ID_MAX);
    const char *scope = x->actor->role == ROLE_UNIT_OFFICER ? x->actor->unit : NULL;
    if (scope && r->timers)
        return api_refuse(x, -EX_EPERM, _("timers are listed for the Ministry's roles only"));
    store_db_t db = r->timers ? DB_TIMERS : DB_JOBS;
    void **items = calloc(limit, sizeof(void *));
    if (!items)
        return -EX_EINTERNAL;
    size_t n = 0;
    const char *from = r->after[0] ? r->after : r->prefix;
    size_t plen = strlen(r->prefix);
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(x->txn, db, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, from, strlen(from), &k, &v);
    bool more = false;
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        if (k.len < plen || memcmp(k.data, r->prefix, plen) != 0)
            break;
        if (r->after[0] && k.len == strlen(r->after) && memcmp(k.data, r->after, k.len) == 0)
            continue;
        if (n == limit) {
            more = true;
            break;
        }
        if (r->timers) {
            Exemplar__Timer *t = exemplar__timer__unpack(NULL, v.len, v.data);
            if (!t) {
                rc = -EX_ESTORAGE;
                break;
            }
            if ((r->kind && t->kind != r->kind)) {
                exemplar__timer__free_unpacked(t, NULL);
                continue;
            }
            items[n++] = t;
        } else {
            Exemplar__Job *j = exemplar__job__unpack(NULL, v.len, v.data);
            if (!j) {
                rc = -EX_ESTORAGE;
                break;
            }
            if ((r->kind && j->kind != r->kind) || (r->state && j->state != r->state) ||
                (scope && strcmp(j->unit, scope) != 0)) {
                exemplar__job__free_unpacked(j, NULL);
                continue;
            }
            hide_lease(j);
            items[n++] = j;
        }
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc == 0) {
        Exemplar__JobsReply body = EXEMPLAR__JOBS_REPLY__INIT;
        if (r->timers) {
            body.timers = (Exemplar__Timer **)items;
            body.n_timers = n;
            body.next_after = more && n ? ((Exemplar__Timer *)items[n - 1])->id : (char *)"";
        } else {
            body.jobs = (Exemplar__Job **)items;
            body.n_jobs = n;
            body.next_after = more && n ? ((Exemplar__Job *)items[n - 1])->id : (char *)"";
        }
        x->reply.body_case = EXEMPLAR__REPLY__BODY_JOBS;
        x->reply.jobs = &body;
        rc = api_pack(x);
    }
    if (r->timers)
        free_timers((Exemplar__Timer **)items, n);
    else
        free_jobs((Exemplar__Job **)items, n);
    return rc;
}

int api_jobs_retry(call_t *x)
{
    const Exemplar__JobRetryRequest *r = x->req->job_retry;
    if (!r->id[0] || strlen(r->id) > JOBS_ID_MAX)
        return api_refuse(x, -EX_EINVALID, _("id must name a job or a timer (exemplarctl jobs)"));
    Exemplar__Job *j = NULL;
    int rc = jobs_get(x->txn, r->id, &j);
    if (rc == 0) {
        if (j->state != EXEMPLAR__JOB_STATE__JOB_PARKED &&
            j->state != EXEMPLAR__JOB_STATE__JOB_DONE) {
            rc = api_refuse(x, -EX_EINVALID,
                            _("job %s is %s: only parked or done jobs are handed out again"), j->id,
                            l10n_pgettext("job", jobs_state_name(j->state)));
        } else {
            Exemplar__Job upd = *j;
            upd.state = EXEMPLAR__JOB_STATE__JOB_READY;
            upd.failures = 0;
            upd.last_error = (char *)"";
            upd.available_ms = x->now_ms;
            jobs_put(x->txn, &upd, j);
            log_fields(LOG_NOTICE, LOG_FIELDS(log_str("JOB_ID", j->id)),
                       "jobs, %s handed out again by %s", j->id, x->actor->name);
            Exemplar__Job *one = &upd;
            rc = reply_jobs(x, &one, 1, false);
        }
        exemplar__job__free_unpacked(j, NULL);
        return rc;
    }
    if (rc != -EX_ENOTFOUND)
        return rc;
    Exemplar__Timer *t = NULL;
    rc = jobs_timer_get(x->txn, r->id, &t);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(x, rc, _("there is no job or timer %s (exemplarctl jobs [--timers])"),
                          r->id);
    if (rc < 0)
        return rc;
    if (t->state == EXEMPLAR__TIMER_STATE__TIMER_FIRED) {
        rc = api_refuse(x, -EX_EINVALID,
                        _("timer %s has fired already; retry the jobs it made (prefix %s/)"), t->id,
                        t->id);
    } else {
        Exemplar__Timer upd = *t;
        upd.state = EXEMPLAR__TIMER_STATE__TIMER_PENDING;
        upd.fire_ms = x->now_ms;
        jobs_timer_put(x->txn, &upd, t);
        api_jobs_wake(x->jobs, x->now_ms);
        log_fields(LOG_NOTICE, LOG_FIELDS(log_str("TIMER_ID", t->id)),
                   "jobs, timer %s fires now at the request of %s", t->id, x->actor->name);
        Exemplar__Timer *one = &upd;
        Exemplar__JobsReply body = EXEMPLAR__JOBS_REPLY__INIT;
        body.timers = &one;
        body.n_timers = 1;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_JOBS;
        x->reply.jobs = &body;
        rc = api_pack(x);
    }
    exemplar__timer__free_unpacked(t, NULL);
    return rc;
}

/* ---- the loop's tick ------------------------------------------------------ */

bool api_jobs_tick(api_jobs_t *a, store_txn_t *txn, const rules_t *rules, int64_t now_ms)
{
    bool wrote = false;
    if (now_ms >= a->next_timer_sync_ms) {
        timers_sync_t s;
        int rc = timers_sync(txn, rules, &a->timers, now_ms, &s);
        if (rc < 0) {
            log_warning("jobs, cannot derive the timers (%s); retrying in a minute",
                        ex_err_message(rc));
            a->next_timer_sync_ms = now_ms + 60000;
            a->next_due_ms = a->next_timer_sync_ms;
            return false;
        }
        a->next_timer_sync_ms = now_ms + SYNC_EVERY_MS;
        if (s.created || s.moved || s.cancelled || s.skipped) {
            log_info("jobs, timers derived from the campaigns: %zu new, %zu moved, %zu "
                     "cancelled, %zu skipped (older than [workers] catch_up)",
                     s.created, s.moved, s.cancelled, s.skipped);
            wrote = true;
        }
    }
    bool failed = false;
    if (jobs_next_time(txn, DB_TIMER_DUE, 0) <= now_ms) {
        size_t made = 0;
        int fired = timers_fire_due(txn, rules, now_ms, 64, &made);
        failed = fired < 0;
        if (fired < 0)
            log_warning("jobs, cannot fire the timers due (%s); retrying", ex_err_message(fired));
        else if (fired > 0) {
            log_info("jobs, %d timers fired and made %zu jobs", fired, made);
            wrote = true;
        }
    }
    if (jobs_next_time(txn, DB_JOB_QUEUE, EXEMPLAR__JOB_STATE__JOB_LEASED) <= now_ms &&
        expire_leases(a, txn, now_ms))
        wrote = true;
    /* The next deadline, read after this tick's own writes: the next timer,
     * the next lease to run out, the next derivation.  A step that left due
     * work behind comes back at once; one that could not do it (a failure, a
     * due entry it did not take) in a second, not in a busy loop. */
    int64_t next = a->next_timer_sync_ms;
    int64_t t = jobs_next_time(txn, DB_TIMER_DUE, 0);
    int64_t l = jobs_next_time(txn, DB_JOB_QUEUE, EXEMPLAR__JOB_STATE__JOB_LEASED);
    next = t < next ? t : next;
    next = l < next ? l : next;
    if (next <= now_ms && (failed || !wrote))
        next = now_ms + 1000;
    a->next_due_ms = next;
    return wrote;
}

size_t api_jobs_workers(const api_jobs_t *a, int64_t now_ms)
{
    size_t n = 0;
    for (size_t i = 0; i < WORKERS_SEEN; i++)
        n += a->workers_seen[i].name[0] && now_ms - a->workers_seen[i].at_ms < 600000;
    return n;
}
