/* SPDX-License-Identifier: MIT */
/*
 * Durable timers derived from the campaigns (see timers.h).
 */
#include "timers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "day.h"
#include "errors.h"
#include "jobs.h"
#include "key.h"
#include "names.h"
#include "ledger.h"
#include "nom.h"
#include "plans.h"
#include "records.h"
#include "tally.h"

#define SPEC_MAX 4096
/* The summaries: quarters from the first campaign's start to a year ahead. */
#define QUARTERS_AHEAD 4

int timers_cfg_from(const config_t *cfg, timers_cfg_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    char why[160];
    struct {
        const char *key, *text;
        duration_t *v;
        size_t *n;
    } lists[] = {
        {"remind_before", cfg->workers_remind_before, out->before, &out->n_before},
        {"remind_after", cfg->workers_remind_after, out->after, &out->n_after},
        {"stale_after", cfg->workers_stale_after, out->stale, &out->n_stale},
    };
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        if (duration_list_parse(lists[i].text, lists[i].v, TIMERS_OFFSETS_MAX, lists[i].n, why,
                                sizeof(why)) < 0) {
            snprintf(err, errlen, "[workers] %s = %s: %s", lists[i].key, lists[i].text, why);
            return -1;
        }
    }
    struct {
        const char *key, *text;
        duration_t *v;
    } one[] = {
        {"summary_delay", cfg->workers_summary_delay, &out->summary_delay},
        {"catch_up", cfg->workers_catch_up, &out->catch_up},
    };
    for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
        if (duration_parse(one[i].text, one[i].v) < 0) {
            snprintf(err, errlen,
                     "[workers] %s = %s is not a duration (e.g. 30s, 15m, 36h, 14d or 10wd)",
                     one[i].key, one[i].text);
            return -1;
        }
    }
    out->max_attempts = cfg->workers_max_attempts;
    return 0;
}

/* ---- deriving ------------------------------------------------------------ */

typedef struct {
    char id[JOBS_ID_MAX + 1];
    char campaign[CAMPAIGN_ID_MAX + 1], period[CAMPAIGN_ID_MAX + 1];
    char milestone[CAMPAIGN_TEXT_MAX], action[16], offset[32], window[32], quarter[16];
    Exemplar__JobKind kind;
    int64_t fire_ms, deadline_ms;
    Exemplar__State waiting;
} spec_t;

typedef struct {
    spec_t *v;
    size_t n;
    const rules_t *rules;
    const timers_cfg_t *cfg;
} specs_t;

static spec_t *spec_add(specs_t *s)
{
    if (s->n >= SPEC_MAX)
        return NULL;
    spec_t *sp = &s->v[s->n++];
    memset(sp, 0, sizeof(*sp));
    return sp;
}

static void offset_text(const duration_t *d, int sign, char *buf, size_t len)
{
    char d_text[24];
    duration_format(d, d_text, sizeof(d_text));
    snprintf(buf, len, "%c%s", sign < 0 ? '-' : '+', d_text);
}

static void derive_deadlines(specs_t *s, const campaign_t *c)
{
    const workdays_t *w = rules_workdays(s->rules);
    for (size_t i = 0; i < c->n_milestones; i++) {
        const milestone_t *m = &c->milestones[i];
        if (m->action != MILESTONE_PLAN)
            continue;
        int64_t due = milestone_due_ms(m);
        char due_day[16];
        day_format(m->due_day, due_day, sizeof(due_day));
        for (int pass = 0; pass < 2; pass++) {
            const duration_t *offs = pass == 0 ? s->cfg->before : s->cfg->after;
            size_t n = pass == 0 ? s->cfg->n_before : s->cfg->n_after;
            int sign = pass == 0 ? -1 : 1;
            for (size_t k = 0; k < n; k++) {
                spec_t *sp = spec_add(s);
                if (!sp)
                    return;
                sp->kind = pass == 0 ? EXEMPLAR__JOB_KIND__JOB_REMIND_DEADLINE
                                     : EXEMPLAR__JOB_KIND__JOB_REMIND_OVERDUE;
                offset_text(&offs[k], sign, sp->offset, sizeof(sp->offset));
                snprintf(sp->campaign, sizeof(sp->campaign), "%s", c->id);
                snprintf(sp->period, sizeof(sp->period), "%s", m->period);
                snprintf(sp->milestone, sizeof(sp->milestone), "%s", m->name);
                snprintf(sp->action, sizeof(sp->action), "plan");
                sp->deadline_ms = due;
                sp->fire_ms = duration_shift(w, due, &offs[k], sign);
                snprintf(sp->id, sizeof(sp->id), "remind/%s/%s/plan/%s/%s", c->id, m->period,
                         due_day, sp->offset);
            }
        }
    }
}

/* The moment nominations in `state` of period p become stale: the end of
 * the last window of the move table's rows that leave the state (rows with
 * no window, such as withdrawing, do not count); -1 when no row is bound to a
 * window the period has. */
static int64_t stale_moment(const period_t *p, nom_state_t state, window_t *which)
{
    int32_t last = -1;
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
        const nom_move_t *mv = &NOM_MOVES[i];
        if (mv->from != state || mv->window == WIN_ANY || mv->window == WIN_CARRY_OVER ||
            !p->has_window[mv->window])
            continue;
        if (p->window[mv->window].to > last) {
            last = p->window[mv->window].to;
            *which = mv->window;
        }
    }
    return last < 0 ? -1 : day_start_ms(last + 1);
}

static void derive_stale(specs_t *s, const campaign_t *c)
{
    static const nom_state_t WAITING[] = {
        NOM_REGISTERED, NOM_FOSTERING, NOM_UNIT_REVIEWED, NOM_MINISTRY_REVIEWED, NOM_RETURNED,
    };
    const workdays_t *w = rules_workdays(s->rules);
    for (size_t pi = 0; pi < c->n_periods; pi++) {
        const period_t *p = &c->periods[pi];
        for (size_t si = 0; si < sizeof(WAITING) / sizeof(WAITING[0]); si++) {
            window_t win = WIN_ANY;
            int64_t closed = stale_moment(p, WAITING[si], &win);
            if (closed < 0)
                continue;
            char end[16];
            day_format(p->window[win].to, end, sizeof(end));
            for (size_t k = 0; k < s->cfg->n_stale; k++) {
                spec_t *sp = spec_add(s);
                if (!sp)
                    return;
                sp->kind = EXEMPLAR__JOB_KIND__JOB_REMIND_STALE;
                offset_text(&s->cfg->stale[k], 1, sp->offset, sizeof(sp->offset));
                snprintf(sp->campaign, sizeof(sp->campaign), "%s", c->id);
                snprintf(sp->period, sizeof(sp->period), "%s", p->id);
                snprintf(sp->window, sizeof(sp->window), "%s", nom_window_name(win));
                sp->waiting = (Exemplar__State)WAITING[si];
                sp->deadline_ms = closed;
                sp->fire_ms = duration_shift(w, closed, &s->cfg->stale[k], 1);
                snprintf(sp->id, sizeof(sp->id), "stale/%s/%s/%s/%s/%s", c->id, p->id,
                         ex_state_name(sp->waiting), end, sp->offset);
            }
        }
    }
}

static void derive_summaries(specs_t *s, int64_t now_ms)
{
    int32_t first = INT32_MAX;
    for (size_t i = 0; i < rules_campaign_count(s->rules); i++) {
        const campaign_t *c = rules_campaign_at(s->rules, i);
        for (size_t p = 0; p < c->n_periods; p++)
            for (int w = 1; w < WIN_COUNT; w++)
                if (c->periods[p].has_window[w] && c->periods[p].window[w].from < first)
                    first = c->periods[p].window[w].from;
    }
    if (first == INT32_MAX)
        return;
    const workdays_t *w = rules_workdays(s->rules);
    /* Quarters as tally.h numbers them (year * 4 + quarter - 1). */
    unsigned until = day_quarter_of(day_of_ms(now_ms)) + QUARTERS_AHEAD;
    for (unsigned q = day_quarter_of(first); q < until; q++) {
        spec_t *sp = spec_add(s);
        if (!sp)
            return;
        sp->kind = EXEMPLAR__JOB_KIND__JOB_SUMMARY;
        day_quarter_format(q, sp->quarter, sizeof(sp->quarter));
        sp->deadline_ms = day_start_ms(day_quarter_last(q) + 1);
        sp->fire_ms = duration_shift(w, sp->deadline_ms, &s->cfg->summary_delay, 1);
        offset_text(&s->cfg->summary_delay, 1, sp->offset, sizeof(sp->offset));
        snprintf(sp->id, sizeof(sp->id), "summary/%s", sp->quarter);
    }
}

static int spec_cmp(const void *a, const void *b)
{
    return strcmp(((const spec_t *)a)->id, ((const spec_t *)b)->id);
}

/* bsearch: an id against a spec. */
static int spec_id_cmp(const void *id, const void *spec)
{
    return strcmp(id, ((const spec_t *)spec)->id);
}

static void fill_timer(Exemplar__Timer *t, spec_t *sp)
{
    t->id = sp->id;
    t->kind = sp->kind;
    t->fire_ms = sp->fire_ms;
    t->campaign = sp->campaign;
    t->period = sp->period;
    t->milestone = sp->milestone;
    t->action = sp->action;
    t->deadline_ms = sp->deadline_ms;
    t->offset = sp->offset;
    t->window = sp->window;
    t->state_waiting = sp->waiting;
    t->quarter = sp->quarter;
}

/* Cancels pending timers that the campaigns no longer give. */
static int cancel_vanished(store_txn_t *txn, const specs_t *s, size_t *cancelled)
{
    char(*ids)[JOBS_ID_MAX + 1] = calloc(SPEC_MAX, sizeof(*ids));
    if (!ids)
        return -EX_EINTERNAL;
    int n = jobs_due(txn, DB_TIMER_DUE, 0, INT64_MAX, ids, SPEC_MAX);
    for (int i = 0; i < n; i++) {
        if (bsearch(ids[i], s->v, s->n, sizeof(spec_t), spec_id_cmp))
            continue;
        Exemplar__Timer *old = NULL;
        if (jobs_timer_get(txn, ids[i], &old) == 0) {
            Exemplar__Timer t = *old;
            t.state = EXEMPLAR__TIMER_STATE__TIMER_CANCELLED;
            jobs_timer_put(txn, &t, old);
            (*cancelled)++;
        }
        if (old)
            exemplar__timer__free_unpacked(old, NULL);
    }
    free(ids);
    return n < 0 ? n : 0;
}

int timers_sync(store_txn_t *txn, const rules_t *r, const timers_cfg_t *c, int64_t now_ms,
                timers_sync_t *out)
{
    memset(out, 0, sizeof(*out));
    specs_t s = {.v = calloc(SPEC_MAX, sizeof(spec_t)), .rules = r, .cfg = c};
    if (!s.v)
        return -EX_EINTERNAL;
    for (size_t i = 0; i < rules_campaign_count(r); i++) {
        derive_deadlines(&s, rules_campaign_at(r, i));
        derive_stale(&s, rules_campaign_at(r, i));
    }
    derive_summaries(&s, now_ms);
    qsort(s.v, s.n, sizeof(spec_t), spec_cmp);
    int64_t stale_before = duration_shift(rules_workdays(r), now_ms, &c->catch_up, -1);
    int rc = 0;
    for (size_t i = 0; i < s.n && rc == 0; i++) {
        spec_t *sp = &s.v[i];
        if (i && strcmp(sp->id, s.v[i - 1].id) == 0)
            continue; /* two milestones with the same deadline: one reminder */
        Exemplar__Timer *old = NULL;
        rc = jobs_timer_get(txn, sp->id, &old);
        if (rc == -EX_ENOTFOUND) {
            Exemplar__Timer t = EXEMPLAR__TIMER__INIT;
            fill_timer(&t, sp);
            t.created_ms = now_ms;
            t.state = sp->fire_ms < stale_before ? EXEMPLAR__TIMER_STATE__TIMER_SKIPPED
                                                 : EXEMPLAR__TIMER_STATE__TIMER_PENDING;
            jobs_timer_put(txn, &t, NULL);
            if (t.state == EXEMPLAR__TIMER_STATE__TIMER_SKIPPED)
                out->skipped++;
            else
                out->created++;
            rc = 0;
        } else if (rc == 0) {
            /* A cancelled deadline that came back, or a skipped timer that a
             * longer catch_up now reaches, is pending again. */
            bool revive = (old->state == EXEMPLAR__TIMER_STATE__TIMER_CANCELLED ||
                           old->state == EXEMPLAR__TIMER_STATE__TIMER_SKIPPED) &&
                          sp->fire_ms >= stale_before;
            if ((old->state == EXEMPLAR__TIMER_STATE__TIMER_PENDING &&
                 (old->fire_ms != sp->fire_ms || old->deadline_ms != sp->deadline_ms)) ||
                revive) {
                Exemplar__Timer t = EXEMPLAR__TIMER__INIT;
                fill_timer(&t, sp);
                t.created_ms = old->created_ms;
                t.state = EXEMPLAR__TIMER_STATE__TIMER_PENDING;
                jobs_timer_put(txn, &t, old);
                out->moved++;
            }
        }
        if (old)
            exemplar__timer__free_unpacked(old, NULL);
    }
    if (rc == 0)
        rc = cancel_vanished(txn, &s, &out->cancelled);
    free(s.v);
    return rc;
}

/* ---- firing -------------------------------------------------------------- */

static bool unit_valid_on(const Exemplar__Unit *u, int32_t day)
{
    int32_t from, to;
    if (u->valid_from[0] && day_parse(u->valid_from, &from) == 0 && day < from)
        return false;
    if (u->valid_to[0] && day_parse(u->valid_to, &to) == 0 && day > to)
        return false;
    return true;
}

/* Makes job `id` from timer t unless it exists (a job is made once). */
static int make_job(store_txn_t *txn, const Exemplar__Timer *t, const char *id, const char *unit,
                    int64_t now_ms, size_t *made)
{
    Exemplar__Job *old = NULL;
    int rc = jobs_get(txn, id, &old);
    if (rc == 0) {
        exemplar__job__free_unpacked(old, NULL);
        return 0;
    }
    if (rc != -EX_ENOTFOUND)
        return rc;
    Exemplar__Job j = EXEMPLAR__JOB__INIT;
    j.id = (char *)id;
    j.kind = t->kind;
    j.state = EXEMPLAR__JOB_STATE__JOB_READY;
    j.timer = t->id;
    j.unit = (char *)unit;
    j.campaign = t->campaign;
    j.period = t->period;
    j.milestone = t->milestone;
    j.action = t->action;
    j.deadline_ms = t->deadline_ms;
    j.offset = t->offset;
    j.window = t->window;
    j.state_waiting = t->state_waiting;
    j.quarter = t->quarter;
    j.created_ms = now_ms;
    j.available_ms = now_ms;
    jobs_put(txn, &j, NULL);
    (*made)++;
    return 0;
}

static int job_id(char *buf, size_t len, const Exemplar__Timer *t, const char *unit)
{
    int n = snprintf(buf, len, "%s/%s", t->id, unit);
    return n < 0 || (size_t)n >= len ? -EX_EINTERNAL : 0;
}

/* Deadline reminders: one job per unit valid on the deadline's day that has
 * not submitted the period's plan by now. */
static int fire_deadline(store_txn_t *txn, const Exemplar__Timer *t, int64_t now_ms, size_t *made)
{
    Exemplar__Unit **units = NULL;
    size_t n = 0;
    int rc = ledger_units(txn, NULL, &units, &n);
    int32_t day = day_of_ms(t->deadline_ms);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const Exemplar__Unit *u = units[i];
        if (!unit_valid_on(u, day) || plans_unit_has_acted(txn, u->code, t->period))
            continue;
        char id[JOBS_ID_MAX + 1];
        rc = job_id(id, sizeof(id), t, u->code);
        if (rc == 0)
            rc = make_job(txn, t, id, u->code, now_ms, made);
    }
    ledger_units_free(units, n);
    return rc;
}

/* Stale reminders: one job per unit with nominations of the timer's
 * campaign and period still waiting in the state. */
static int fire_stale(store_txn_t *txn, const Exemplar__Timer *t, int64_t now_ms, size_t *made)
{
    uint8_t prefix[KEY_MAX];
    size_t plen = key_by_state(prefix, t->state_waiting, t->campaign, 0) - 8;
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(txn, DB_BY_STATE, &it);
    /* Units seen, in the order met: a small set (the registry's size). */
    char(*seen)[KEY_UNIT_MAX + 1] = NULL;
    size_t nseen = 0, cap = 0;
    if (rc == 0)
        rc = store_iter_seek(&it, prefix, plen, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        if (k.len < plen || memcmp(k.data, prefix, plen) != 0)
            break;
        Exemplar__Nomination *n = NULL;
        if (records_get_nomination(txn, records_state_entry_id(&v), &n) < 0)
            continue;
        bool live = records_state_entry_live(n, &k) && strcmp(n->period, t->period) == 0;
        bool known = false;
        for (size_t i = 0; live && i < nseen; i++)
            known = known || strcmp(seen[i], n->unit) == 0;
        if (live && !known) {
            if (nseen == cap) {
                size_t ncap = cap ? cap * 2 : 64;
                void *grown = realloc(seen, ncap * sizeof(*seen));
                if (!grown) {
                    exemplar__nomination__free_unpacked(n, NULL);
                    rc = -EX_EINTERNAL;
                    break;
                }
                seen = grown;
                cap = ncap;
            }
            snprintf(seen[nseen++], sizeof(seen[0]), "%s", n->unit);
        }
        exemplar__nomination__free_unpacked(n, NULL);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    for (size_t i = 0; rc == 0 && i < nseen; i++) {
        char id[JOBS_ID_MAX + 1];
        rc = job_id(id, sizeof(id), t, seen[i]);
        if (rc == 0)
            rc = make_job(txn, t, id, seen[i], now_ms, made);
    }
    free(seen);
    return rc;
}

int timers_fire_due(store_txn_t *txn, const rules_t *r, int64_t now_ms, size_t max, size_t *jobs)
{
    (void)r;
    *jobs = 0;
    if (max > 64)
        max = 64;
    char ids[64][JOBS_ID_MAX + 1];
    int n = jobs_due(txn, DB_TIMER_DUE, 0, now_ms, ids, max);
    for (int i = 0; i < n; i++) {
        Exemplar__Timer *old = NULL;
        int rc = jobs_timer_get(txn, ids[i], &old);
        if (rc < 0)
            return rc;
        size_t made = 0;
        switch (old->kind) {
        case EXEMPLAR__JOB_KIND__JOB_REMIND_DEADLINE:
        case EXEMPLAR__JOB_KIND__JOB_REMIND_OVERDUE:
            rc = fire_deadline(txn, old, now_ms, &made);
            break;
        case EXEMPLAR__JOB_KIND__JOB_REMIND_STALE:
            rc = fire_stale(txn, old, now_ms, &made);
            break;
        case EXEMPLAR__JOB_KIND__JOB_SUMMARY:
            rc = make_job(txn, old, old->id, "", now_ms, &made);
            break;
        default:
            break;
        }
        if (rc == 0) {
            Exemplar__Timer t = *old;
            t.state = EXEMPLAR__TIMER_STATE__TIMER_FIRED;
            t.fired_ms = now_ms;
            t.jobs = (uint32_t)made;
            jobs_timer_put(txn, &t, old);
            *jobs += made;
        }
        exemplar__timer__free_unpacked(old, NULL);
        if (rc < 0)
            return rc;
    }
    return n;
}
