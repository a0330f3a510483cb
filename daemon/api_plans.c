/* SPDX-License-Identifier: MIT */
/*
 * Unit plans on the request path: submit (or save a draft),
 * show, list progress, accept and return.  Each handler validates its
 * request, writes through the batch's transaction and packs its reply, as
 * api_rules.c's do.  Plans live in daemon/plans.c; the registration list of
 * a plan is the unit's nominations in the plan's campaign and period.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_plans.h"
#include "campaign.h"
#include "errors.h"
#include "key.h"
#include "ledger.h"
#include "plans.h"
#include "records.h"
#include "text.h"

#define PLAN_REASON_MAX 1024
#define PLAN_NUMBER_MAX 64
#define PLAN_ISSUER_MAX 256
#define PLAN_NOMS_MAX   10000 /* nominations of one unit a reply carries */
#define PLAN_STATES     16

/* The plan a request names: its campaign (default: the daemon's) and period. */
typedef struct {
    const char *unit;
    const char *campaign;
    const period_t *period;
    int32_t deadline; /* last day of the registration window, -1 without one */
    char deadline_text[16];
} target_t;

static int resolve(call_t *x, const char *unit, bool unit_required, const char *campaign,
                   const char *period, target_t *t)
{
    memset(t, 0, sizeof(*t));
    if ((unit[0] || unit_required) && !text_is_code(unit, KEY_UNIT_MAX, false))
        return api_refuse(x, -EX_EINVALID,
                          _("unit \"%.40s\" is not a unit code: 1-%d characters of A-Z, 0-9, '.', "
                            "'_' or '-'"),
                          unit, KEY_UNIT_MAX);
    t->unit = unit;
    t->campaign = campaign[0] ? campaign : x->cfg->default_campaign;
    if (!period[0])
        return api_refuse(x, -EX_EINVALID, _("period is required, for example 2021-2023"));
    const campaign_t *c = rules_campaign(x->rules, t->campaign);
    if (!c)
        return api_refuse(x, -EX_ECAMPAIGN,
                          _("campaign %.40s is not defined (exemplarctl campaign show)"),
                          t->campaign);
    if (!(t->period = campaign_period(c, period)))
        return api_refuse(x, -EX_ECAMPAIGN,
                          _("campaign %s has no period %.40s (exemplarctl campaign show)"),
                          t->campaign, period);
    t->deadline = -1;
    if (t->period->has_window[WIN_REGISTRATION]) {
        t->deadline = t->period->window[WIN_REGISTRATION].to;
        day_format(t->deadline, t->deadline_text, sizeof(t->deadline_text));
    }
    return 0;
}

/* An ended unit's plans belong to the unit that carries it on (its
 * successor in the registry), as its nominations do. */
static int check_scope(call_t *x, const char *what, const char *unit)
{
    char plan[64];
    snprintf(plan, sizeof(plan), _("the plan of unit %.40s"), unit);
    return api_check_unit_scope(x, unit, NULL, strcmp(what, "submit") == 0, what, plan, NULL, 0);
}

/* The first and last day of any window of p: the period's span. */
static day_range_t period_span(const period_t *p)
{
    day_range_t s = {0, -1};
    bool any = false;
    for (int w = 0; w < WIN_COUNT; w++) {
        if (!p->has_window[w])
            continue;
        if (!any || p->window[w].from < s.from)
            s.from = p->window[w].from;
        if (!any || p->window[w].to > s.to)
            s.to = p->window[w].to;
        any = true;
    }
    return s;
}

static bool unit_overlaps(const Exemplar__Unit *u, day_range_t span)
{
    int32_t from, to;
    if (span.to < span.from)
        return true; /* a period without windows: every unit */
    if (u->valid_from[0] && (day_parse(u->valid_from, &from) < 0 || from > span.to))
        return false;
    if (u->valid_to[0] && (day_parse(u->valid_to, &to) < 0 || to < span.from))
        return false;
    return true;
}

/* The unit's nominations in t's campaign and period: tallied, and kept in
 * *out when out is not NULL (free with free_noms). */
static int unit_nominations(call_t *x, const target_t *t, plans_tally_t *tally,
                            Exemplar__Nomination ***out, size_t *n)
{
    uint8_t prefix[KEY_MAX];
    size_t plen = key_by_unit(prefix, t->unit, 0) - 8;
    size_t count = 0, cap = 0;
    Exemplar__Nomination **v = NULL;
    memset(tally, 0, sizeof(*tally));
    store_iter_t it;
    store_val_t k, val;
    int rc = store_iter_open(x->txn, DB_BY_UNIT, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, prefix, plen, &k, &val);
    while (rc == 0) {
        if (k.len != plen + 8 || memcmp(k.data, prefix, plen) != 0)
            break;
        Exemplar__Nomination *nom = NULL;
        rc = records_get_nomination(x->txn, key_tail_u64(k.data, k.len), &nom);
        if (rc < 0)
            break;
        bool mine = strcmp(nom->campaign, t->campaign) == 0 &&
                    (strcmp(nom->period, t->period->id) == 0 || !nom->period[0]);
        if (mine)
            plans_tally_add(tally, nom);
        if (mine && out && count < PLAN_NOMS_MAX) {
            if (count == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                Exemplar__Nomination **nv = realloc(v, ncap * sizeof(*nv));
                if (!nv) {
                    exemplar__nomination__free_unpacked(nom, NULL);
                    rc = -EX_EINTERNAL;
                    break;
                }
                v = nv;
                cap = ncap;
            }
            v[count++] = nom;
        } else {
            exemplar__nomination__free_unpacked(nom, NULL);
        }
        rc = store_iter_next(&it, &k, &val);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (out) {
        *out = v;
        *n = count;
    } else {
        free(v);
    }
    return rc;
}

static void free_noms(Exemplar__Nomination **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        exemplar__nomination__free_unpacked(v[i], NULL);
    free(v);
}

/* A progress row with its state counts (the pointers point into it). */
typedef struct {
    Exemplar__PlanProgress pr;
    Exemplar__StateCount sc[PLAN_STATES];
    Exemplar__StateCount *scp[PLAN_STATES];
    Exemplar__UnitPlan *plan;
} row_t;

static void fill_progress(row_t *r, const char *unit, const char *unit_name,
                          const Exemplar__UnitPlan *plan, const plans_tally_t *t)
{
    exemplar__plan_progress__init(&r->pr);
    r->pr.unit = (char *)unit;
    r->pr.unit_name = (char *)(unit_name ? unit_name : "");
    r->pr.status = (char *)plans_status(plan);
    if (plan) {
        r->pr.state = plan->state;
        r->pr.late = plan->late;
        r->pr.version = plan->version;
        r->pr.expected_collective = plan->expected_collective;
        r->pr.expected_individual = plan->expected_individual;
    }
    r->pr.registered_collective = t->collective;
    r->pr.registered_individual = t->individual;
    r->pr.recognized = t->recognized;
    r->pr.behind = plan && plans_behind(t, plan->expected_collective, plan->expected_individual);
    size_t n = 0;
    for (int s = 0; s < PLAN_STATES; s++) {
        if (!t->by_state[s])
            continue;
        exemplar__state_count__init(&r->sc[n]);
        r->sc[n].state = (Exemplar__State)s;
        r->sc[n].count = t->by_state[s];
        r->scp[n] = &r->sc[n];
        n++;
    }
    r->pr.states = r->scp;
    r->pr.n_states = n;
}

/* The unit's newest version valid during the period (else its newest
 * version; *in_period tells which, when not NULL), or NULL if no unit has
 * that code. */
static Exemplar__Unit *unit_named(call_t *x, const target_t *t, bool *in_period)
{
    Exemplar__Unit **v = NULL;
    size_t n = 0;
    if (ledger_units(x->txn, t->unit, &v, &n) < 0 || n == 0) {
        ledger_units_free(v, n);
        return NULL;
    }
    day_range_t span = period_span(t->period);
    size_t pick = n - 1;
    bool found = false;
    for (size_t i = 0; i < n; i++)
        if (unit_overlaps(v[i], span)) {
            pick = i;
            found = true;
        }
    if (in_period)
        *in_period = found;
    Exemplar__Unit *u = v[pick];
    v[pick] = NULL;
    ledger_units_free(v, n);
    return u;
}

/* The PlanReply of t: newest version, history, registration list, progress. */
static int reply_plan(call_t *x, const target_t *t)
{
    Exemplar__UnitPlan **hist = NULL;
    Exemplar__Nomination **noms = NULL;
    size_t nh = 0, nn = 0;
    plans_tally_t tally;
    int rc = plans_history(x->txn, t->unit, t->campaign, t->period->id, &hist, &nh);
    if (rc == 0)
        rc = unit_nominations(x, t, &tally, &noms, &nn);
    Exemplar__Unit *u = rc == 0 ? unit_named(x, t, NULL) : NULL;
    if (rc == 0) {
        row_t row;
        fill_progress(&row, t->unit, u ? u->name : "", nh ? hist[nh - 1] : NULL, &tally);
        Exemplar__PlanReply body = EXEMPLAR__PLAN_REPLY__INIT;
        body.plan = nh ? hist[nh - 1] : NULL;
        body.history = hist;
        body.n_history = nh;
        body.registrations = noms;
        body.n_registrations = nn;
        body.progress = &row.pr;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_PLAN;
        x->reply.plan = &body;
        rc = api_pack(x);
    }
    if (u)
        exemplar__unit__free_unpacked(u, NULL);
    plans_free(hist, nh);
    free_noms(noms, nn);
    return rc;
}

static int check_document(call_t *x, const Exemplar__Decision *d, bool required)
{
    int32_t day;
    if (!d || (!d->number[0] && !d->date[0])) {
        if (required)
            return api_refuse(x, -EX_EINVALID,
                              _("document is required to submit: the number and date of the unit's "
                                "own plan (for example 123/KH-STNMT, 2021-09-10)"));
        return 0;
    }
    if (!d->number[0] || strlen(d->number) > PLAN_NUMBER_MAX || strlen(d->issuer) > PLAN_ISSUER_MAX)
        return api_refuse(
            x, -EX_EINVALID,
            _("document needs a number of 1-%d bytes and an issuer of at most %d bytes"),
            PLAN_NUMBER_MAX, PLAN_ISSUER_MAX);
    if (day_parse(d->date, &day) < 0)
        return api_refuse(x, -EX_EINVALID,
                          _("the document's date must be a date YYYY-MM-DD, not \"%.40s\""),
                          d->date);
    return 0;
}

/* Refuses a stale expected_version (0: no check). */
static int check_version(call_t *x, const target_t *t, uint32_t expected, uint32_t current)
{
    if (!expected || expected == current)
        return 0;
    x->current_version = current;
    return api_refuse(
        x, -EX_ECONFLICT,
        _("the plan of unit %s for %s is at version %u, not %u: show it again and retry"), t->unit,
        t->period->id, current, expected);
}

static int refuse_move(call_t *x, const target_t *t, const Exemplar__UnitPlan *cur,
                       plan_verb_t verb)
{
    return api_refuse(
        x, -EX_ENOMOVE, _("the plan of unit %s for %s is %s: it cannot be %s now (%s)"), t->unit,
        t->period->id, cur ? l10n_pgettext("plan", plans_state_name(cur->state)) : "not written",
        verb == PLAN_SUBMIT   ? l10n_pgettext("plan move", "submitted")
        : verb == PLAN_SAVE   ? l10n_pgettext("plan move", "saved as a draft")
        : verb == PLAN_RETURN ? l10n_pgettext("plan move", "returned")
                              : l10n_pgettext("plan move", "accepted"),
        verb == PLAN_SUBMIT || verb == PLAN_SAVE
            ? _("a submitted plan changes again only after the Ministry returns it")
            : _("the Ministry reviews submitted plans only"));
}

int api_plans_submit(call_t *x)
{
    const Exemplar__PlanSubmitRequest *r = x->req->plan_submit;
    target_t t;
    /* scope first: a plan of another unit says nothing, not even its period */
    int rc = check_scope(x, "submit", r->unit);
    if (rc < 0)
        return rc;
    if ((rc = resolve(x, r->unit, true, r->campaign, r->period, &t)) < 0)
        return rc;
    plan_verb_t verb = r->draft ? PLAN_SAVE : PLAN_SUBMIT;
    if (r->expected_collective > PLANS_EXPECTED_MAX || r->expected_individual > PLANS_EXPECTED_MAX)
        return api_refuse(x, -EX_EINVALID, _("expected numbers must be 0-%d"), PLANS_EXPECTED_MAX);
    if (verb == PLAN_SUBMIT && !r->expected_collective && !r->expected_individual)
        return api_refuse(x, -EX_EINVALID,
                          _("a plan registers the expected number of exemplars: set the collective "
                            "or the individual number (or both)"));
    if ((rc = check_document(x, r->document, verb == PLAN_SUBMIT)) < 0)
        return rc;
    if (rules_enforced(x->rules)) {
        bool in_period = false;
        Exemplar__Unit *u = unit_named(x, &t, &in_period);
        if (!u)
            return api_refuse(x, -EX_EUNIT, _("no unit has the code %s (exemplarctl units list)"),
                              r->unit);
        if (!in_period) {
            char from[32], to[32];
            rc = api_refuse(
                x, -EX_EUNIT,
                _("unit %s (%s) is not valid during period %s: it was valid from %s to %s"),
                u->code, u->name, t.period->id, l10n_day(u->valid_from, from, sizeof(from)),
                l10n_day(u->valid_to, to, sizeof(to)));
            exemplar__unit__free_unpacked(u, NULL);
            return rc;
        }
        exemplar__unit__free_unpacked(u, NULL);
    }
    Exemplar__UnitPlan *cur = NULL;
    rc = plans_latest(x->txn, t.unit, t.campaign, t.period->id, &cur);
    if (rc < 0 && rc != -EX_ENOTFOUND)
        return rc;
    char *solutions = NULL;
    Exemplar__Nomination **noms = NULL;
    size_t nn = 0;
    uint64_t *ids = NULL;
    Exemplar__PlanState to;
    rc = check_version(x, &t, r->expected_version, cur ? cur->version : 0);
    if (rc == 0 &&
        plans_next_state(cur ? cur->state : EXEMPLAR__PLAN_STATE__PLAN_NONE, verb, &to) < 0)
        rc = refuse_move(x, &t, cur, verb);
    if (rc == 0) {
        rc = text_normalize(r->solutions, PLANS_SOLUTIONS_MAX, verb == PLAN_SUBMIT, true,
                            &solutions);
        if (rc < 0)
            api_refuse(x, rc,
                       rc == -EX_ETOOBIG
                           ? _("solutions is longer than %d bytes")
                           : _("solutions (the unit's solutions and responsibilities) "
                               "must be 1-%d bytes of UTF-8 text"),
                       PLANS_SOLUTIONS_MAX);
    }
    plans_tally_t tally;
    if (rc == 0 && verb == PLAN_SUBMIT)
        rc = unit_nominations(x, &t, &tally, &noms, &nn);
    if (rc == 0 && nn && !(ids = calloc(nn, sizeof(*ids))))
        rc = -EX_EINTERNAL;
    if (rc == 0) {
        int32_t day = rules_today(x->rules, x->now_ms);
        char today[16];
        day_format(day, today, sizeof(today));
        bool prev_on_time = cur && cur->submitted_on[0] && !cur->late;
        Exemplar__UnitPlan p = EXEMPLAR__UNIT_PLAN__INIT;
        p.unit = (char *)t.unit;
        p.campaign = (char *)t.campaign;
        p.period = (char *)t.period->id;
        p.version = cur ? cur->version + 1 : 1;
        p.state = to;
        p.verb = (char *)plans_verb_name(verb);
        p.expected_collective = r->expected_collective;
        p.expected_individual = r->expected_individual;
        p.solutions = solutions;
        p.document = r->document;
        p.submitted_on = verb == PLAN_SUBMIT ? today : cur ? cur->submitted_on : "";
        p.late =
            verb == PLAN_SUBMIT ? plans_is_late(day, t.deadline, prev_on_time) : cur && cur->late;
        p.deadline = t.deadline_text;
        p.reason = "";
        p.actor = (char *)x->actor->name;
        p.at_ms = x->now_ms;
        for (size_t i = 0; i < nn; i++)
            ids[i] = noms[i]->id;
        p.registered = ids;
        p.n_registered = nn;
        plans_put(x->txn, &p);
        rc = x->txn->rc;
    }
    free(ids);
    free_noms(noms, nn);
    free(solutions);
    if (cur)
        exemplar__unit_plan__free_unpacked(cur, NULL);
    return rc < 0 ? rc : reply_plan(x, &t);
}

static int review(call_t *x, const Exemplar__PlanReviewRequest *r, plan_verb_t verb)
{
    target_t t;
    int rc = resolve(x, r->unit, true, r->campaign, r->period, &t);
    if (rc < 0)
        return rc;
    Exemplar__UnitPlan *cur = NULL;
    rc = plans_latest(x->txn, t.unit, t.campaign, t.period->id, &cur);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(x, rc, _("unit %s has no plan for %s %s"), t.unit, t.campaign,
                          t.period->id);
    if (rc < 0)
        return rc;
    char *reason = NULL;
    Exemplar__PlanState to;
    rc = check_version(x, &t, r->expected_version, cur->version);
    if (rc == 0 && plans_next_state(cur->state, verb, &to) < 0)
        rc = refuse_move(x, &t, cur, verb);
    if (rc == 0 && (rc = text_normalize(r->reason, PLAN_REASON_MAX, false, true, &reason)) < 0)
        api_refuse(x, rc, _("reason must be at most %d bytes of UTF-8 text"), PLAN_REASON_MAX);
    if (rc == 0 && verb == PLAN_RETURN && !reason[0])
        rc = api_refuse(x, -EX_EREASON,
                        _("returning a plan needs a reason: what the unit should revise"));
    char on[32], due[32]; /* the days as the request's language writes them */
    if (rc == 0 && verb == PLAN_ACCEPT && cur->late && !reason[0])
        rc = api_refuse(x, -EX_EREASON,
                        _("the plan of unit %s was submitted late (on %s, the deadline was %s): "
                          "accepting it needs a reason"),
                        t.unit, l10n_day(cur->submitted_on, on, sizeof(on)),
                        l10n_day(cur->deadline, due, sizeof(due)));
    if (rc == 0) {
        Exemplar__UnitPlan p = *cur;
        p.version = cur->version + 1;
        p.state = to;
        p.verb = (char *)plans_verb_name(verb);
        p.reason = reason;
        p.actor = (char *)x->actor->name;
        p.at_ms = x->now_ms;
        plans_put(x->txn, &p);
        rc = x->txn->rc;
    }
    free(reason);
    exemplar__unit_plan__free_unpacked(cur, NULL);
    return rc < 0 ? rc : reply_plan(x, &t);
}

int api_plans_accept(call_t *x)
{
    return review(x, x->req->plan_accept, PLAN_ACCEPT);
}

int api_plans_return(call_t *x)
{
    return review(x, x->req->plan_return, PLAN_RETURN);
}

int api_plans_show(call_t *x)
{
    const Exemplar__PlanShowRequest *r = x->req->plan_show;
    target_t t;
    int rc = check_scope(x, "read", r->unit);
    if (rc < 0)
        return rc;
    rc = resolve(x, r->unit, true, r->campaign, r->period, &t);
    return rc < 0 ? rc : reply_plan(x, &t);
}

int api_plans_list(call_t *x)
{
    const Exemplar__PlanListRequest *r = x->req->plan_list;
    const char *only = r->unit;
    int rc;
    if (x->actor->role == ROLE_UNIT_OFFICER) {
        /* another unit's plans: those of a unit its own carries on only */
        if (only[0] && strcmp(only, x->actor->unit) != 0) {
            if ((rc = check_scope(x, "read", only)) < 0)
                return rc;
        } else {
            only = x->actor->unit;
        }
    }
    target_t t;
    rc = resolve(x, only, false, r->campaign, r->period, &t);
    if (rc < 0)
        return rc;
    Exemplar__Unit **units = NULL;
    size_t nu = 0, kept = 0;
    if ((rc = ledger_units(x->txn, only, &units, &nu)) < 0)
        return rc;
    /* One row per code: the newest version valid during the period. */
    day_range_t span = period_span(t.period);
    for (size_t i = 0; i < nu; i++) {
        Exemplar__Unit *u = units[i];
        if (!unit_overlaps(u, span)) {
            exemplar__unit__free_unpacked(u, NULL);
            continue;
        }
        if (kept && strcmp(units[kept - 1]->code, u->code) == 0)
            exemplar__unit__free_unpacked(units[--kept], NULL);
        units[kept++] = u;
    }
    row_t *rows = kept ? calloc(kept, sizeof(*rows)) : NULL;
    Exemplar__PlanProgress **prs = kept ? calloc(kept, sizeof(*prs)) : NULL;
    if (kept && (!rows || !prs))
        rc = -EX_EINTERNAL;
    uint32_t missing = 0, behind = 0;
    for (size_t i = 0; rc == 0 && i < kept; i++) {
        target_t ut = t;
        ut.unit = units[i]->code;
        rc = plans_latest(x->txn, ut.unit, t.campaign, t.period->id, &rows[i].plan);
        if (rc == -EX_ENOTFOUND)
            rc = 0;
        plans_tally_t tally;
        if (rc == 0)
            rc = unit_nominations(x, &ut, &tally, NULL, NULL);
        if (rc < 0)
            break;
        fill_progress(&rows[i], ut.unit, units[i]->name, rows[i].plan, &tally);
        prs[i] = &rows[i].pr;
        missing += !rows[i].plan || rows[i].plan->state == EXEMPLAR__PLAN_STATE__PLAN_DRAFT;
        behind += rows[i].pr.behind;
    }
    if (rc == 0) {
        char today[16];
        day_format(rules_today(x->rules, x->now_ms), today, sizeof(today));
        Exemplar__PlanListReply body = EXEMPLAR__PLAN_LIST_REPLY__INIT;
        body.campaign = (char *)t.campaign;
        body.period = (char *)t.period->id;
        body.deadline = t.deadline_text;
        body.today = today;
        body.units = prs;
        body.n_units = kept;
        body.missing = missing;
        body.behind = behind;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_PLAN_LIST;
        x->reply.plan_list = &body;
        rc = api_pack(x);
    }
    for (size_t i = 0; rows && i < kept; i++)
        if (rows[i].plan)
            exemplar__unit_plan__free_unpacked(rows[i].plan, NULL);
    free(rows);
    free(prs);
    ledger_units_free(units, kept);
    return rc;
}
