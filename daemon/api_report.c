/* SPDX-License-Identifier: MIT */
/*
 * The interim and final review reports (báo cáo sơ kết, tổng kết): what the
 * plan's section IV.2 has the Ministry's emulation office review at the end
 * of each period and of the campaign.  Per unit and kind, at the end of the
 * as-of day: the nominations registered, fostered and recognised (the
 * quarter tallies of tally.h at that day, regrouped under the units that
 * stood that day as the quarterly summary does), against the expected
 * numbers of the unit's plans (plans.h); the units late with a plan or
 * without one; revocations and carry-overs; and every recognition of the
 * span with its decision (the tallies' recognitions, quarter by quarter).
 */
#include "api_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_summary.h"
#include "day.h"
#include "errors.h"
#include "key.h"
#include "ledger.h"
#include "log.h"
#include "plans.h"
#include "tally.h"
#include "text.h"

#define S(x) EXEMPLAR__STATE__STATE_##x

typedef struct {
    summary_ctx_t c;
    const campaign_t *cp;
    const period_t *only_period; /* the interim report's period; NULL: the campaign */
    const char *only_unit;       /* a unit officer's unit, or "" */
    Exemplar__ReviewReport r;
} report_t;

/* The first and last day of p's windows. */
static void period_span(const period_t *p, int32_t *from, int32_t *to)
{
    for (int w = 0; w < WIN_COUNT; w++) {
        if (!p->has_window[w])
            continue;
        if (p->window[w].from < *from)
            *from = p->window[w].from;
        if (p->window[w].to > *to)
            *to = p->window[w].to;
    }
}

static bool in_span(const report_t *rp, const period_t *p)
{
    return !rp->only_period || rp->only_period == p;
}

/* The expected numbers of unit's plan for p: those of the latest version
 * submitted by the as-of day (0 without one). */
static int expected_of(report_t *rp, const char *unit, const period_t *p, uint64_t *coll,
                       uint64_t *indiv, char *first_submitted, size_t len)
{
    Exemplar__UnitPlan **v = NULL;
    size_t n = 0;
    first_submitted[0] = '\0';
    int rc = plans_history(rp->c.x->txn, unit, rp->cp->id, p->id, &v, &n);
    if (rc == -EX_ENOTFOUND)
        return 0;
    const Exemplar__UnitPlan *latest = NULL;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!v[i]->submitted_on[0] || strcmp(v[i]->submitted_on, rp->c.day_text) > 0)
            continue;
        latest = v[i];
        if (!first_submitted[0] || strcmp(v[i]->submitted_on, first_submitted) < 0)
            snprintf(first_submitted, len, "%s", v[i]->submitted_on);
    }
    if (latest) {
        *coll += latest->expected_collective;
        *indiv += latest->expected_individual;
    }
    plans_free(v, n);
    return rc;
}

static Exemplar__ReviewUnit *unit_row(report_t *rp, const char *code, Exemplar__Kind kind)
{
    Exemplar__ReviewReport *r = &rp->r;
    for (size_t i = 0; i < r->n_units; i++)
        if (strcmp(r->units[i]->unit, code) == 0 && r->units[i]->kind == kind)
            return r->units[i];
    Exemplar__ReviewUnit **v = realloc(r->units, (r->n_units + 1) * sizeof(*v));
    if (!v)
        return NULL;
    r->units = v;
    Exemplar__ReviewUnit *u = calloc(1, sizeof(*u));
    if (!u)
        return NULL;
    exemplar__review_unit__init(u);
    u->unit = strdup(code);
    u->unit_name = strdup(summary_unit_name(&rp->c, code));
    u->kind = kind;
    r->units[r->n_units++] = u;
    return u->unit && u->unit_name ? u : NULL;
}

static int add_plan(report_t *rp, const Exemplar__Unit *u, const period_t *p, const char *due,
                    const char *submitted)
{
    Exemplar__ReviewReport *r = &rp->r;
    Exemplar__ReviewPlan **v = realloc(r->plans, (r->n_plans + 1) * sizeof(*v));
    if (!v)
        return -EX_EINTERNAL;
    r->plans = v;
    Exemplar__ReviewPlan *o = calloc(1, sizeof(*o));
    if (!o)
        return -EX_EINTERNAL;
    exemplar__review_plan__init(o);
    r->plans[r->n_plans++] = o;
    o->unit = strdup(u->code);
    o->unit_name = strdup(u->name);
    o->period = strdup(p->id);
    o->due = strdup(due);
    o->submitted_on = strdup(submitted);
    return o->unit && o->unit_name && o->period && o->due && o->submitted_on ? 0 : -EX_EINTERNAL;
}

/* Every unit valid on the as-of day: its rows (expected numbers) and its
 * plans that are late or missing. */
static int units_and_plans(report_t *rp)
{
    Exemplar__Unit **units = NULL;
    size_t nu = 0;
    int rc = ledger_units(rp->c.x->txn, rp->only_unit[0] ? rp->only_unit : NULL, &units, &nu);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    const char *prev = "";
    const char *day = rp->c.day_text;
    for (size_t i = 0; rc == 0 && i < nu; i++) {
        const Exemplar__Unit *u = units[i];
        if ((u->valid_from[0] && strcmp(u->valid_from, day) > 0) ||
            (u->valid_to[0] && strcmp(day, u->valid_to) > 0) || strcmp(u->code, prev) == 0)
            continue;
        prev = u->code;
        uint64_t coll = 0, indiv = 0;
        for (size_t pi = 0; rc == 0 && pi < rp->cp->n_periods; pi++) {
            const period_t *p = &rp->cp->periods[pi];
            if (!in_span(rp, p))
                continue;
            char first[16], due[16] = "";
            rc = expected_of(rp, u->code, p, &coll, &indiv, first, sizeof(first));
            if (rc < 0 || !p->has_window[WIN_REGISTRATION] ||
                p->window[WIN_REGISTRATION].to > rp->c.day)
                continue; /* no deadline yet */
            day_format(p->window[WIN_REGISTRATION].to, due, sizeof(due));
            if (!first[0] || strcmp(first, due) > 0)
                rc = add_plan(rp, u, p, due, first);
        }
        Exemplar__ReviewUnit *c =
            rc == 0 ? unit_row(rp, u->code, EXEMPLAR__KIND__KIND_COLLECTIVE) : NULL;
        Exemplar__ReviewUnit *n = c ? unit_row(rp, u->code, EXEMPLAR__KIND__KIND_INDIVIDUAL) : NULL;
        if (rc == 0 && (!c || !n))
            rc = -EX_EINTERNAL;
        if (rc == 0) {
            c->expected = coll;
            n->expected = indiv;
        }
    }
    ledger_units_free(units, nu);
    return rc;
}

/* The counts at the as-of day, per unit and kind (units not valid that day
 * but holding nominations get their rows too). */
static int counts(report_t *rp, const tally_result_t *t)
{
    for (size_t i = 0; i < t->n_rows; i++) {
        const tally_row_t *row = &t->rows[i];
        Exemplar__ReviewUnit *u = unit_row(rp, row->unit, (Exemplar__Kind)row->a);
        if (!u)
            return -EX_EINTERNAL;
        uint64_t n = row->count > 0 ? (uint64_t)row->count : 0;
        u->registered += n;
        if (row->b != S(REGISTERED) && row->b != S(WITHDRAWN))
            u->fostered += n;
        if (row->b == S(RECOGNIZED))
            u->recognized += n;
        else if (row->b == S(REVOKED))
            u->revoked += n;
        else if (row->b == S(CARRIED_OVER))
            u->carried_over += n;
    }
    return 0;
}

/* The recognitions of every quarter of the span up to the as-of day. */
static int recognitions(report_t *rp, int32_t from)
{
    Exemplar__ReviewReport *r = &rp->r;
    int rc = 0;
    for (unsigned q = day_quarter_of(from); rc == 0 && day_quarter_first(q) <= rp->c.day; q++) {
        int32_t last = day_quarter_last(q);
        tally_result_t t = {0};
        rc = summary_query_scope(&rp->c, last < rp->c.day ? last : rp->c.day, rp->cp->id,
                                 rp->only_unit, &t);
        if (rc == 0 && t.n_recog) {
            Exemplar__SummaryRecognized **v =
                realloc(r->recognized, (r->n_recognized + t.n_recog) * sizeof(*v));
            if (!v)
                rc = -EX_EINTERNAL;
            else {
                r->recognized = v;
                rc = summary_recognitions(&rp->c, &t, r->recognized, &r->n_recognized);
            }
        }
        r->recognized_count += t.recog_count;
        tally_result_free(&t);
    }
    return rc;
}

static int by_unit_kind(const void *a, const void *b)
{
    const Exemplar__ReviewUnit *p = *(Exemplar__ReviewUnit *const *)a;
    const Exemplar__ReviewUnit *q = *(Exemplar__ReviewUnit *const *)b;
    int c = strcmp(p->unit, q->unit);
    return c ? c : (int)p->kind - (int)q->kind;
}

static void report_free(Exemplar__ReviewReport *r)
{
    for (size_t i = 0; i < r->n_units; i++)
        exemplar__review_unit__free_unpacked(r->units[i], NULL);
    for (size_t i = 0; i < r->n_plans; i++)
        exemplar__review_plan__free_unpacked(r->plans[i], NULL);
    for (size_t i = 0; i < r->n_recognized; i++)
        exemplar__summary_recognized__free_unpacked(r->recognized[i], NULL);
    free(r->units);
    free(r->plans);
    free(r->recognized);
}

int api_report(call_t *x)
{
    const Exemplar__ReviewReportRequest *q = x->req->review_report;
    /* An interim report without a campaign: the one campaign with that period. */
    const char *campaign = q->campaign;
    for (size_t i = 0; !campaign[0] && q->period[0] && i < rules_campaign_count(x->rules); i++) {
        const campaign_t *cp = rules_campaign_at(x->rules, i);
        for (size_t p = 0; p < cp->n_periods; p++)
            if (strcmp(cp->periods[p].id, q->period) == 0)
                campaign = cp->id;
    }
    if (!campaign[0] && q->period[0])
        return api_refuse(x, -EX_ECAMPAIGN,
                          _("no campaign has a period %.40s (exemplarctl campaign show)"),
                          q->period);
    if (!text_is_code(campaign, KEY_CAMPAIGN_MAX, true))
        return api_refuse(x, -EX_EINVALID,
                          _("campaign \"%.40s\" is not a campaign id: 1-%d characters of letters, "
                            "digits, '.', '_' or '-' (for example 2021-2025)"),
                          campaign, KEY_CAMPAIGN_MAX);
    report_t rp = {.only_unit = x->actor->role == ROLE_UNIT_OFFICER ? x->actor->unit : ""};
    exemplar__review_report__init(&rp.r);
    rp.cp = rules_campaign(x->rules, campaign);
    if (!rp.cp)
        return api_refuse(x, -EX_ECAMPAIGN,
                          _("no campaign %s (exemplarctl campaign show lists them)"), campaign);
    for (size_t i = 0; q->period[0] && i < rp.cp->n_periods; i++)
        if (strcmp(rp.cp->periods[i].id, q->period) == 0)
            rp.only_period = &rp.cp->periods[i];
    if (q->period[0] && !rp.only_period)
        return api_refuse(x, -EX_ECAMPAIGN,
                          _("campaign %s has no period %.40s (exemplarctl campaign show)"),
                          campaign, q->period);
    int32_t from = INT32_MAX, to = INT32_MIN, day;
    for (size_t i = 0; i < rp.cp->n_periods; i++)
        if (in_span(&rp, &rp.cp->periods[i]))
            period_span(&rp.cp->periods[i], &from, &to);
    if (from > to)
        return api_refuse(x, -EX_EINVALID, _("campaign %s has no windows to report on"), campaign);
    char from_text[16], to_text[16], from_said[32], to_said[32];
    day_format(from, from_text, sizeof(from_text));
    day_format(to, to_text, sizeof(to_text));
    day = to;
    if (q->as_of[0] && (day_parse(q->as_of, &day) < 0 || day < from || day > to))
        return api_refuse(x, -EX_EINVALID,
                          _("as_of \"%.20s\" must be a day YYYY-MM-DD from %s to %s"), q->as_of,
                          l10n_day(from_text, from_said, sizeof(from_said)),
                          l10n_day(to_text, to_said, sizeof(to_said)));

    rp.c = (summary_ctx_t){.x = x, .day = day};
    day_format(day, rp.c.day_text, sizeof(rp.c.day_text));
    Exemplar__ReviewReport *r = &rp.r;
    r->kind = (char *)(rp.only_period ? "interim" : "final");
    r->campaign = (char *)rp.cp->id;
    r->campaign_title = (char *)rp.cp->title;
    r->period = (char *)(rp.only_period ? rp.only_period->id : "");
    r->from = from_text;
    r->to = to_text;
    r->as_of = rp.c.day_text;
    r->generated_at_ms = x->now_ms;
    r->scope_unit = (char *)rp.only_unit;

    tally_result_t t = {0};
    int rc = summary_catch_up(x);
    if (rc == 0)
        rc = summary_query_scope(&rp.c, day, rp.cp->id, rp.only_unit, &t);
    if (rc == 0) {
        summary_regroup(&rp.c, t.rows, &t.n_rows);
        rc = units_and_plans(&rp);
    }
    if (rc == 0)
        rc = counts(&rp, &t);
    if (rc == 0)
        rc = recognitions(&rp, from);
    if (rc == 0) {
        qsort(r->units, r->n_units, sizeof(*r->units), by_unit_kind);
        Exemplar__ReviewReportReply body = EXEMPLAR__REVIEW_REPORT_REPLY__INIT;
        body.report = r;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_REVIEW_REPORT;
        x->reply.review_report = &body;
        rc = api_pack(x);
    }
    report_free(r);
    summary_ctx_free(&rp.c);
    tally_result_free(&t);
    if (rc < 0 && rc != -EX_EINVALID && !x->why[0])
        log_warning("api, review report of %s %s failed (%s)", campaign, q->period,
                    ex_err_message(rc));
    return rc;
}
