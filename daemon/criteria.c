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

void criteria_evaluate(const rulebook_t *b, bool collective, const period_t *p,
                       const criteria_fact_t *facts, size_t n_facts, criteria_result_t *out)
{
    memset(out, 0, sizeof(*out));
    out->met = true;
    for (size_t y = 0; y < p->n_years; y++) {
        int year = p->years[y];
        const ruleset_t *s = rulebook_for_year(b, year);
        if (!s) {
            out->unjudged[out->n_unjudged++] = year;
            out->met = false;
            continue;
        }
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
            } else {
                c->missing[c->n_missing++] = year;
                if (revoked)
                    c->revoked[c->n_revoked++] = year;
                out->met = false;
            }
        }
    }
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
        add(buf, len, &used, "\n  [%s] %s (%s)", c->n_missing ? _("missing") : _("met"),
            c->title_name, c->title);
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
