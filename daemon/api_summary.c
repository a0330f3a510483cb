/* SPDX-License-Identifier: MIT */
/*
 * The quarterly summary: a quarter's nominations by unit x kind x
 * state, its moves and recognitions (from the tallies, tally.h), the units
 * overdue with their plans (plans.h: append-only versions, so "by that day"
 * is exact) and the nominations under review whose evidence does not meet
 * the criteria (counted in the tallies as they are judged, tally.h), all as
 * of the end of one day of the quarter (its last by default).
 *
 * The request is a read, but the tallies may lag the change log by what
 * the background step has not reached yet: the handler catches up a lag of
 * at most CATCH_UP_MAX changes in the batch's write transaction first
 * (OP_MAY_WRITE, x->wrote), and refuses a larger one as unavailable, saying
 * how far the build is, rather than hold the loop for seconds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_summary.h"
#include "day.h"
#include "key.h"
#include "errors.h"
#include "ledger.h"
#include "log.h"
#include "plans.h"
#include "tally.h"
#include "text.h"

#define GAP_IDS_MAX  100   /* nominations listed per unit */
#define CATCH_UP_MAX 10000 /* changes a summary tallies itself: one step, about 0.1 s */

const summary_uname_t *summary_unit_of(summary_ctx_t *c, const char *code)
{
    for (size_t i = 0; i < c->n_names; i++)
        if (strcmp(c->names[i].code, code) == 0)
            return &c->names[i];
    if (c->n_names == c->cap_names) {
        size_t cap = c->cap_names ? c->cap_names * 2 : 64;
        summary_uname_t *v = realloc(c->names, cap * sizeof(*v));
        if (!v)
            return NULL;
        c->names = v;
        c->cap_names = cap;
    }
    summary_uname_t *u = &c->names[c->n_names++];
    snprintf(u->code, sizeof(u->code), "%s", code);
    snprintf(u->as_of, sizeof(u->as_of), "%s", code);
    u->name = NULL;
    Exemplar__Unit *on = NULL;
    int rc = rules_unit_as_of(c->x->txn, code, c->day, &on);
    if (on) {
        u->name = strdup(on->name);
        if (rc == 0)
            snprintf(u->as_of, sizeof(u->as_of), "%s", on->code);
        exemplar__unit__free_unpacked(on, NULL);
    }
    return u;
}

const char *summary_unit_name(summary_ctx_t *c, const char *code)
{
    const summary_uname_t *u = summary_unit_of(c, code);
    return u && u->name ? u->name : code;
}

static int by_unit_a_b(const void *x, const void *y)
{
    const tally_row_t *p = x, *q = y;
    int r = strcmp(p->unit, q->unit);
    if (r)
        return r;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

/* Rows of a code that had ended by the as-of day count under the unit that
 * stood for it that day (its successor: old Yên Bái's and old Lào Cai's
 * nominations under new Lào Cai from 1 July 2025), so a unit is one row per
 * kind and state, under the name it had that day. */
void summary_regroup(summary_ctx_t *c, tally_row_t *v, size_t *n)
{
    bool moved = false;
    for (size_t i = 0; i < *n; i++) {
        const summary_uname_t *u = summary_unit_of(c, v[i].unit);
        if (u && strcmp(u->as_of, v[i].unit) != 0) {
            snprintf(v[i].unit, sizeof(v[i].unit), "%s", u->as_of);
            moved = true;
        }
    }
    if (!moved)
        return;
    qsort(v, *n, sizeof(*v), by_unit_a_b);
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        if (k && by_unit_a_b(&v[k - 1], &v[i]) == 0)
            v[k - 1].count += v[i].count;
        else
            v[k++] = v[i];
    }
    *n = k;
}

static int append(void **dst, size_t *n, const void *src, size_t m, size_t size)
{
    if (!m)
        return 0;
    void *v = realloc(*dst, (*n + m) * size);
    if (!v)
        return -EX_EINTERNAL;
    memcpy((char *)v + *n * size, src, m * size);
    *dst = v;
    *n += m;
    return 0;
}

static int by_seq(const void *x, const void *y)
{
    const tally_recog_t *p = x, *q = y;
    return p->seq < q->seq ? -1 : p->seq > q->seq;
}

int summary_query_scope(summary_ctx_t *c, int32_t day, const char *campaign, const char *only,
                        tally_result_t *t)
{
    int rc = tally_query(c->x->txn, day, campaign, only, t);
    if (rc < 0 || !only[0])
        return rc;
    Exemplar__Unit **v = NULL;
    size_t n = 0;
    if ((rc = ledger_units(c->x->txn, NULL, &v, &n)) < 0)
        return rc == -EX_ENOTFOUND ? 0 : rc;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *code = v[i]->code;
        if (strcmp(code, only) == 0 || (i && strcmp(code, v[i - 1]->code) == 0))
            continue; /* its own, or a code already looked at */
        char acting[KEY_UNIT_MAX + 1];
        rc = rules_unit_acting(c->x->txn, code, NULL, day, acting, sizeof(acting), NULL, 0);
        if (rc < 0 || strcmp(acting, only) != 0)
            continue;
        tally_result_t u;
        if ((rc = tally_query(c->x->txn, day, campaign, code, &u)) < 0)
            break;
        rc = append((void **)&t->rows, &t->n_rows, u.rows, u.n_rows, sizeof(*u.rows));
        if (rc == 0)
            rc = append((void **)&t->moves, &t->n_moves, u.moves, u.n_moves, sizeof(*u.moves));
        if (rc == 0)
            rc = append((void **)&t->gaps, &t->n_gaps, u.gaps, u.n_gaps, sizeof(*u.gaps));
        if (rc == 0)
            rc = append((void **)&t->recog, &t->n_recog, u.recog, u.n_recog, sizeof(*u.recog));
        t->recog_count += u.recog_count;
        tally_result_free(&u);
    }
    ledger_units_free(v, n);
    if (rc == 0 && t->n_recog > 1)
        qsort(t->recog, t->n_recog, sizeof(*t->recog), by_seq);
    if (t->n_recog > TALLY_RECOGNIZED_MAX)
        t->n_recog = TALLY_RECOGNIZED_MAX;
    return rc;
}

/* Brings the tallies up to the change log, in the batch's transaction,
 * when they lag by at most CATCH_UP_MAX changes. */
int summary_catch_up(call_t *x)
{
    uint64_t upto, last;
    bool dirty;
    int rc = tally_position(x->txn, &upto, &last, &dirty);
    if (rc < 0 || (upto >= last && !dirty))
        return rc;
    if (last - upto > CATCH_UP_MAX)
        return api_refuse(
            x, -EX_EUNAVAIL,
            _("the quarterly tallies are still being built from the change log in the "
              "background: %" PRIu64 " of %" PRIu64 " changes (%" PRIu64
              "%%) so far; ask again in a minute"),
            upto, last, last ? upto * 100 / last : 0);
    if (!x->txn->write)
        return api_refuse(
            x, -EX_ESTORAGE,
            _("the quarterly tallies are behind the change log and the store cannot be "
              "written just now; ask again"));
    bool more = true;
    for (int steps = 0; rc == 0 && more && steps < 4; steps++)
        rc = tally_advance(x->txn, x->rules, CATCH_UP_MAX, &more);
    if (rc == 0)
        x->wrote = true;
    if (rc == 0 && more)
        return api_refuse(
            x, -EX_EUNAVAIL,
            _("the quarterly tallies are still judging the evidence of changed subjects "
              "in the background; ask again in a minute"));
    return rc;
}

void summary_ctx_free(summary_ctx_t *c)
{
    for (size_t i = 0; i < c->n_names; i++)
        free(c->names[i].name);
    free(c->names);
    c->names = NULL;
    c->n_names = c->cap_names = 0;
}

/* ---- overdue units ------------------------------------------------------ */

static bool valid_on(const Exemplar__Unit *u, const char *day)
{
    return (!u->valid_from[0] || strcmp(u->valid_from, day) <= 0) &&
           (!u->valid_to[0] || strcmp(day, u->valid_to) <= 0);
}

static int32_t period_end(const period_t *p)
{
    int32_t end = INT32_MIN;
    for (int w = 0; w < WIN_COUNT; w++)
        if (p->has_window[w] && p->window[w].to > end)
            end = p->window[w].to;
    return end;
}

/* Did unit submit its plan for (campaign, period) by the as-of day? */
static int submitted_by(summary_ctx_t *c, const char *unit, const char *campaign,
                        const char *period, bool *yes)
{
    Exemplar__UnitPlan **v = NULL;
    size_t n = 0;
    *yes = false;
    int rc = plans_history(c->x->txn, unit, campaign, period, &v, &n);
    if (rc == -EX_ENOTFOUND)
        return 0;
    for (size_t i = 0; rc == 0 && i < n && !*yes; i++)
        *yes = v[i]->submitted_on[0] && strcmp(v[i]->submitted_on, c->day_text) <= 0;
    plans_free(v, n);
    return rc;
}

static int add_overdue(summary_ctx_t *c, Exemplar__Summary *s, const Exemplar__Unit *u,
                       const campaign_t *cp, const period_t *p)
{
    Exemplar__SummaryOverdue **v = realloc(s->overdue, (s->n_overdue + 1) * sizeof(*v));
    Exemplar__SummaryOverdue *o = calloc(1, sizeof(*o));
    if (v)
        s->overdue = v;
    if (!v || !o) {
        free(o);
        return -EX_EINTERNAL;
    }
    exemplar__summary_overdue__init(o);
    char due[16];
    day_format(p->window[WIN_REGISTRATION].to, due, sizeof(due));
    o->unit = strdup(u->code);
    o->unit_name = strdup(u->name);
    o->campaign = strdup(cp->id);
    o->period = strdup(p->id);
    o->milestone = strdup("registration");
    o->due = strdup(due);
    s->overdue[s->n_overdue++] = o;
    (void)c;
    return o->unit && o->unit_name && o->campaign && o->period && o->milestone && o->due
               ? 0
               : -EX_EINTERNAL;
}

static int overdue_units(summary_ctx_t *c, const char *campaign, const char *only, int32_t q_first,
                         Exemplar__Summary *s)
{
    rules_t *rules = c->x->rules;
    Exemplar__Unit **units = NULL;
    size_t nu = 0;
    int rc = ledger_units(c->x->txn, only && only[0] ? only : NULL, &units, &nu);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    for (size_t ci = 0; rc == 0 && ci < rules_campaign_count(rules); ci++) {
        const campaign_t *cp = rules_campaign_at(rules, ci);
        if (campaign && campaign[0] && strcmp(cp->id, campaign) != 0)
            continue;
        for (size_t pi = 0; rc == 0 && pi < cp->n_periods; pi++) {
            const period_t *p = &cp->periods[pi];
            if (!p->has_window[WIN_REGISTRATION] || p->window[WIN_REGISTRATION].to > c->day ||
                period_end(p) < q_first)
                continue;
            const char *prev = "";
            for (size_t i = 0; rc == 0 && i < nu; i++) {
                const Exemplar__Unit *u = units[i];
                if (!valid_on(u, c->day_text) || strcmp(u->code, prev) == 0)
                    continue;
                prev = u->code;
                bool yes;
                rc = submitted_by(c, u->code, cp->id, p->id, &yes);
                if (rc == 0 && !yes)
                    rc = add_overdue(c, s, u, cp, p);
            }
        }
    }
    ledger_units_free(units, nu);
    return rc;
}

/* ---- evidence gaps ------------------------------------------------------ */

/* The names of a gap's nominations, so that a reader of the summary sees
 * who lacks evidence, not only an id; a nomination gone from the store
 * keeps an empty name. */
static int gap_names(summary_ctx_t *c, Exemplar__SummaryGap *g)
{
    g->names = calloc(g->n_nominations ? g->n_nominations : 1, sizeof(char *));
    if (!g->names)
        return -EX_EINTERNAL;
    for (size_t j = 0; j < g->n_nominations; j++) {
        Exemplar__Nomination *n = NULL;
        int rc = records_get_nomination(c->x->txn, g->nominations[j], &n);
        if (rc < 0 && rc != -EX_ENOTFOUND)
            return rc;
        g->names[g->n_names++] = strdup(n ? n->name : "");
        if (n)
            exemplar__nomination__free_unpacked(n, NULL);
        if (!g->names[g->n_names - 1])
            return -EX_EINTERNAL;
    }
    return 0;
}

/* The gap counts per unit come from the tallies (summed over kinds); the
 * nominations listed, up to GAP_IDS_MAX per unit, from tally_gaps. */
static int evidence_gaps(summary_ctx_t *c, const tally_result_t *t, const char *campaign,
                         Exemplar__Summary *s)
{
    for (size_t i = 0; i < t->n_gaps; i++) {
        const tally_row_t *r = &t->gaps[i];
        if (r->count <= 0)
            continue;
        Exemplar__SummaryGap *g = NULL;
        if (s->n_gaps && strcmp(s->gaps[s->n_gaps - 1]->unit, r->unit) == 0)
            g = s->gaps[s->n_gaps - 1]; /* rows come by unit, then kind */
        if (!g) {
            Exemplar__SummaryGap **v = realloc(s->gaps, (s->n_gaps + 1) * sizeof(*v));
            if (v)
                s->gaps = v;
            if (!v || !(g = calloc(1, sizeof(*g))))
                return -EX_EINTERNAL;
            exemplar__summary_gap__init(g);
            s->gaps[s->n_gaps++] = g;
            g->unit = strdup(r->unit);
            g->unit_name = strdup(summary_unit_name(c, r->unit));
            g->nominations = calloc(GAP_IDS_MAX, sizeof(uint64_t));
            if (!g->unit || !g->unit_name || !g->nominations)
                return -EX_EINTERNAL;
        }
        g->count += (uint64_t)r->count;
        s->gap_count += (uint64_t)r->count;
    }
    for (size_t i = 0; i < s->n_gaps; i++) {
        Exemplar__SummaryGap *g = s->gaps[i];
        size_t want = g->count < GAP_IDS_MAX ? (size_t)g->count : GAP_IDS_MAX;
        /* The codes regrouped under this unit (regroup): each one's ids. */
        for (size_t k = 0; k < c->n_names && g->n_nominations < want; k++) {
            size_t got = 0;
            if (strcmp(c->names[k].as_of, g->unit) != 0)
                continue;
            int rc =
                tally_gap_ids(c->x->txn, c->day, campaign, c->names[k].code,
                              want - g->n_nominations, g->nominations + g->n_nominations, &got);
            if (rc < 0)
                return rc;
            g->n_nominations += got;
        }
        int rc = gap_names(c, g);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- the reply ---------------------------------------------------------- */

int summary_recognitions(summary_ctx_t *c, const tally_result_t *t, Exemplar__SummaryRecognized **v,
                         size_t *nv)
{
    for (size_t i = 0; i < t->n_recog; i++) {
        Exemplar__Nomination *n = NULL;
        int rc = records_get_nomination(c->x->txn, t->recog[i].id, &n);
        if (rc == -EX_ENOTFOUND)
            continue;
        if (rc < 0)
            return rc;
        Exemplar__SummaryRecognized *r = calloc(1, sizeof(*r));
        char day[16];
        if (!r) {
            exemplar__nomination__free_unpacked(n, NULL);
            return -EX_EINTERNAL;
        }
        exemplar__summary_recognized__init(r);
        v[(*nv)++] = r;
        r->id = n->id;
        r->name = strdup(n->name);
        r->unit = strdup(n->unit);
        r->unit_name = strdup(n->unit_name[0] ? n->unit_name : summary_unit_name(c, n->unit));
        r->kind = n->kind;
        r->day = strdup(day_format(t->recog[i].day, day, sizeof(day)));
        r->campaign = strdup(n->campaign);
        /* The recognizing decision moves from n to r (both unpacked with
         * the default allocator, freed by free_unpacked). */
        r->decision = n->recognition;
        n->recognition = NULL;
        exemplar__nomination__free_unpacked(n, NULL);
        if (!r->name || !r->unit || !r->unit_name || !r->day || !r->campaign)
            return -EX_EINTERNAL;
    }
    return 0;
}

static int fill_tallies(summary_ctx_t *c, const tally_result_t *t, Exemplar__Summary *s)
{
    s->rows = calloc(t->n_rows ? t->n_rows : 1, sizeof(*s->rows));
    s->moves = calloc(t->n_moves ? t->n_moves : 1, sizeof(*s->moves));
    s->recognized = calloc(t->n_recog ? t->n_recog : 1, sizeof(*s->recognized));
    if (!s->rows || !s->moves || !s->recognized)
        return -EX_EINTERNAL;
    for (size_t i = 0; i < t->n_rows; i++) {
        Exemplar__SummaryRow *r = calloc(1, sizeof(*r));
        if (!r)
            return -EX_EINTERNAL;
        exemplar__summary_row__init(r);
        s->rows[s->n_rows++] = r;
        r->unit = strdup(t->rows[i].unit);
        r->unit_name = strdup(summary_unit_name(c, t->rows[i].unit));
        r->kind = (Exemplar__Kind)t->rows[i].a;
        r->state = (Exemplar__State)t->rows[i].b;
        r->count = (uint64_t)t->rows[i].count;
        s->nominations += r->count;
        if (!r->unit || !r->unit_name)
            return -EX_EINTERNAL;
    }
    for (size_t i = 0; i < t->n_moves; i++) {
        Exemplar__SummaryMove *m = calloc(1, sizeof(*m));
        if (!m)
            return -EX_EINTERNAL;
        exemplar__summary_move__init(m);
        s->moves[s->n_moves++] = m;
        m->unit = strdup(t->moves[i].unit);
        m->from = (Exemplar__State)t->moves[i].a;
        m->to = (Exemplar__State)t->moves[i].b;
        m->count = (uint64_t)t->moves[i].count;
        m->unit_name = strdup(summary_unit_name(c, t->moves[i].unit));
        if (!m->unit || !m->unit_name)
            return -EX_EINTERNAL;
    }
    s->recognized_count = t->recog_count;
    return summary_recognitions(c, t, s->recognized, &s->n_recognized);
}

int api_summary(call_t *x)
{
    const Exemplar__SummaryRequest *r = x->req->summary;
    unsigned q;
    if (day_quarter_parse(r->quarter, &q) < 0)
        return api_refuse(
            x, -EX_EINVALID,
            _("quarter \"%.20s\" is not a quarter: write YEAR Q N, for example 2023Q3 "
              "(July to September 2023; N is 1-4, the year 1970-2999)"),
            r->quarter);
    int32_t first = day_quarter_first(q), last = day_quarter_last(q), day = last;
    char from_text[16], last_text[16], from_said[32], last_said[32];
    day_format(first, from_text, sizeof(from_text));
    day_format(last, last_text, sizeof(last_text));
    if (r->as_of[0] && (day_parse(r->as_of, &day) < 0 || day < first || day > last))
        return api_refuse(x, -EX_EINVALID,
                          _("as_of \"%.20s\" must be a day YYYY-MM-DD of quarter %s (%s to %s)"),
                          r->as_of, r->quarter, l10n_day(from_text, from_said, sizeof(from_said)),
                          l10n_day(last_text, last_said, sizeof(last_said)));
    if (r->campaign[0] && !text_is_code(r->campaign, KEY_CAMPAIGN_MAX, true))
        return api_refuse(x, -EX_EINVALID,
                          _("campaign \"%.40s\" is not a campaign id: 1-%d characters of letters, "
                            "digits, '.', '_' or '-' (for example 2021-2025)"),
                          r->campaign, KEY_CAMPAIGN_MAX);
    if (r->campaign[0] && !rules_campaign(x->rules, r->campaign))
        return api_refuse(x, -EX_ECAMPAIGN,
                          _("no campaign %s (exemplarctl campaign show lists them)"), r->campaign);
    /* A unit officer's summary holds its own unit and the units it carries
     * on (summary_query_scope). */
    const char *only = x->actor->role == ROLE_UNIT_OFFICER ? x->actor->unit : "";

    summary_ctx_t c = {.x = x, .day = day};
    day_format(day, c.day_text, sizeof(c.day_text));
    tally_result_t t = {0};
    Exemplar__Summary s = EXEMPLAR__SUMMARY__INIT;
    char quarter[32];
    day_quarter_format(q, quarter, sizeof(quarter));
    s.quarter = quarter;
    s.as_of = c.day_text;
    s.from = from_text;
    s.generated_at_ms = x->now_ms;
    s.campaign = r->campaign;
    s.scope_unit = (char *)only;
    int rc = summary_catch_up(x);
    if (rc == 0)
        rc = summary_query_scope(&c, c.day, r->campaign, only, &t);
    if (rc == 0) {
        summary_regroup(&c, t.rows, &t.n_rows);
        summary_regroup(&c, t.moves, &t.n_moves);
        summary_regroup(&c, t.gaps, &t.n_gaps);
        rc = fill_tallies(&c, &t, &s);
    }
    if (rc == 0)
        rc = overdue_units(&c, r->campaign, only, first, &s);
    if (rc == 0)
        rc = evidence_gaps(&c, &t, r->campaign, &s);
    if (rc == 0) {
        Exemplar__SummaryReply body = EXEMPLAR__SUMMARY_REPLY__INIT;
        body.summary = &s;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_SUMMARY;
        x->reply.summary = &body;
        rc = api_pack(x);
    }
    /* Free what was allocated; the strings of s itself live on the stack. */
    s.quarter = s.as_of = s.from = s.campaign = s.scope_unit = (char *)"";
    for (size_t i = 0; i < s.n_rows; i++)
        exemplar__summary_row__free_unpacked(s.rows[i], NULL);
    for (size_t i = 0; i < s.n_moves; i++)
        exemplar__summary_move__free_unpacked(s.moves[i], NULL);
    for (size_t i = 0; i < s.n_recognized; i++)
        exemplar__summary_recognized__free_unpacked(s.recognized[i], NULL);
    for (size_t i = 0; i < s.n_overdue; i++)
        exemplar__summary_overdue__free_unpacked(s.overdue[i], NULL);
    for (size_t i = 0; i < s.n_gaps; i++)
        exemplar__summary_gap__free_unpacked(s.gaps[i], NULL);
    free(s.rows);
    free(s.moves);
    free(s.recognized);
    free(s.overdue);
    free(s.gaps);
    summary_ctx_free(&c);
    tally_result_free(&t);
    if (rc < 0 && rc != -EX_EINVALID && !x->why[0])
        log_warning("api, summary of %s failed (%s)", r->quarter, ex_err_message(rc));
    return rc;
}
