/* SPDX-License-Identifier: MIT */
/*
 * Criteria evaluation and its explanation (see criteria.h).  The rule book
 * is data (daemon/data/rulesets.yaml); this file only knows that a requirement is
 * "title T in every year the rule set of that year lists it".
 */
#include "criteria.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

static criterion_t *criterion_for(criteria_result_t *r, const rulebook_t *b, const char *title)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->c[i].title, title) == 0)
            return &r->c[i];
    if (r->n == CRITERIA_MAX)
        return NULL;
    criterion_t *c = &r->c[r->n++];
    memset(c, 0, sizeof(*c));
    snprintf(c->title, sizeof(c->title), "%s", title);
    const title_t *t = rulebook_title(b, title);
    c->title_name = t ? t->name : title;
    return c;
}

void criteria_evaluate(const rulebook_t *b, bool collective, const period_t *p, int32_t day,
                       bool recognition, const criteria_fact_t *facts, size_t n_facts,
                       criteria_result_t *out)
{
    memset(out, 0, sizeof(*out));
    out->met = true;
    out->day = day;
    out->recognition = recognition;
    for (size_t y = 0; y < p->n_years; y++) {
        int year = p->years[y];
        const ruleset_t *s = rulebook_for_year(b, year);
        if (!s) {
            out->unjudged[out->n_unjudged++] = year;
            out->met = false;
            continue;
        }
        int32_t decided_by = ruleset_decided_by(s, year);
        bool decided = day > decided_by;
        bool year_pending = false;
        size_t n = collective ? s->n_collective : s->n_individual;
        for (size_t i = 0; i < n; i++) {
            const char *need = collective ? s->collective[i] : s->individual[i];
            criterion_t *c = criterion_for(out, b, need);
            if (!c)
                continue;
            bool held = false, revoked = false;
            for (size_t f = 0; f < n_facts; f++) {
                if (facts[f].year != year || !rulebook_satisfies(b, facts[f].title, need))
                    continue;
                if (facts[f].revoked)
                    revoked = true;
                else
                    held = true;
            }
            if (held) {
                c->met[c->n_met++] = year;
            } else if (!decided && !revoked && !(recognition && s->pending_required)) {
                c->pending[c->n_pending++] = year;
                year_pending = true;
            } else {
                /* decided, revoked, or pending where recognition needs it */
                year_pending = year_pending || (!decided && !revoked);
                c->missing[c->n_missing++] = year;
                if (revoked)
                    c->revoked[c->n_revoked++] = year;
                out->met = false;
            }
        }
        if (year_pending) {
            criteria_pending_t *pp = &out->pending[out->n_pending++];
            pp->year = year;
            pp->decided_by = decided_by;
            pp->required = s->pending_required;
            pp->ruleset = s->id;
        }
    }
}

size_t criteria_turning_days(const rulebook_t *b, const period_t *p, int32_t *out)
{
    size_t n = 0;
    for (size_t y = 0; y < p->n_years && n < CAMPAIGN_YEARS_MAX; y++) {
        const ruleset_t *s = rulebook_for_year(b, p->years[y]);
        if (s)
            out[n++] = ruleset_decided_by(s, p->years[y]) + 1;
    }
    return n;
}

/* Appends to buf at *used, never past len. */
__attribute__((format(printf, 4, 5))) static void add(char *buf, size_t len, size_t *used,
                                                      const char *fmt, ...)
{
    if (*used >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, len - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used = *used + (size_t)n < len ? *used + (size_t)n : len - 1;
}

static void years(char *buf, size_t len, size_t *used, const int *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        add(buf, len, used, "%s%d", i ? ", " : "", v[i]);
}

void criteria_explain(const rulebook_t *b, const period_t *p, const criteria_result_t *r, char *buf,
                      size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    add(buf, len, &used, _("criteria of period %s (years "), p->id);
    years(buf, len, &used, p->years, p->n_years);
    add(buf, len, &used, "): %s", r->met ? _("met") : _("not met"));
    for (size_t i = 0; i < r->n; i++) {
        const criterion_t *c = &r->c[i];
        const char *mark = c->n_missing ? _("missing") : c->n_pending ? _("pending") : _("met");
        add(buf, len, &used, "\n  [%s] %s (%s)", mark, c->title_name, c->title);
        if (c->n_met) {
            add(buf, len, &used, "; %s ", _("present in"));
            years(buf, len, &used, c->met, c->n_met);
        }
        if (c->n_missing) {
            add(buf, len, &used, "; %s ", _("missing in"));
            years(buf, len, &used, c->missing, c->n_missing);
        }
        if (c->n_revoked) {
            add(buf, len, &used, "; %s ", _("revoked in"));
            years(buf, len, &used, c->revoked, c->n_revoked);
        }
        if (c->n_pending) {
            add(buf, len, &used, "; %s ", _("not yet decided in"));
            years(buf, len, &used, c->pending, c->n_pending);
        }
    }
    for (size_t i = 0; i < r->n_pending; i++) {
        const criteria_pending_t *pp = &r->pending[i];
        char by[16];
        day_format(pp->decided_by, by, sizeof(by));
        add(buf, len, &used, "\n  [%s] ", _("pending"));
        add(buf, len, &used, _("the titles of %d are decided by %s (rule set %s); "), pp->year, by,
            pp->ruleset);
        if (!pp->required)
            add(buf, len, &used, "%s", _("they are not required for this review or recognition"));
        else if (r->recognition)
            add(buf, len, &used, "%s",
                _("they are required before recognition: record them once decided"));
        else
            add(buf, len, &used, "%s",
                _("not required for the review, but required before recognition"));
    }
    if (r->n_unjudged) {
        add(buf, len, &used, "\n  [%s] %s ", _("missing"), _("no rule set covers the years"));
        years(buf, len, &used, r->unjudged, r->n_unjudged);
    }
    /* Which law judged which years. */
    const ruleset_t *last = NULL;
    for (size_t y = 0; y < p->n_years; y++) {
        const ruleset_t *s = rulebook_for_year(b, p->years[y]);
        if (s && s != last)
            add(buf, len, &used, "\n  %s %s: %s", _("rule set"), s->id, s->law);
        last = s;
    }
}
