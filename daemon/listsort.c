/* SPDX-License-Identifier: MIT */
/*
 * Ordering lists of nominations (see listsort.h).  Keys are computed once
 * per nomination, then sorted with qsort: a name's Vietnamese sort key is a
 * byte string (vitext_sort_key), a rank reads the subject's evidence once.
 */
#include "listsort.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "ledger.h"
#include "vitext.h"

typedef struct {
    Exemplar__Nomination *n;
    unsigned char *name_key;
    size_t name_len;
    int rank;  /* the highest rank held in the period; -1: none */
    int years; /* years of the period holding a title of that rank */
} entry_t;

static bool in_period(const period_t *p, int year)
{
    if (!p)
        return true;
    for (size_t i = 0; i < p->n_years; i++)
        if (p->years[i] == year)
            return true;
    return false;
}

/* The nomination's rank and the years holding it, from its subject's
 * evidence. */
static int rank_of(store_txn_t *t, rules_t *rules, entry_t *e)
{
    e->rank = -1;
    e->years = 0;
    const Exemplar__Nomination *n = e->n;
    if (!n->subject || !n->subject[0])
        return 0;
    const rulebook_t *b = rules_book(rules);
    const campaign_t *c = n->campaign[0] ? rules_campaign(rules, n->campaign) : NULL;
    const period_t *p = c && n->period[0] ? campaign_period(c, n->period) : NULL;
    Exemplar__Evidence **v = NULL;
    size_t count = 0;
    int rc = ledger_evidence_of(t, n->subject, &v, &count);
    if (rc < 0) {
        ledger_evidence_free(v, count);
        return rc == -EX_ENOTFOUND ? 0 : rc;
    }
    int top_years[CAMPAIGN_YEARS_MAX * 4];
    size_t ny = 0;
    for (size_t i = 0; i < count; i++) {
        const Exemplar__Evidence *ev = v[i];
        const title_t *title = rulebook_title(b, ev->title);
        if (ev->revoked || !title || !in_period(p, ev->year))
            continue;
        if (title->rank > e->rank) {
            e->rank = title->rank;
            ny = 0;
        }
        if (title->rank != e->rank)
            continue;
        bool seen = false;
        for (size_t j = 0; j < ny; j++)
            seen |= top_years[j] == ev->year;
        if (!seen && ny < sizeof(top_years) / sizeof(top_years[0]))
            top_years[ny++] = ev->year;
    }
    e->years = (int)ny;
    ledger_evidence_free(v, count);
    return 0;
}

static int by_name(const entry_t *a, const entry_t *b)
{
    size_t m = a->name_len < b->name_len ? a->name_len : b->name_len;
    int r = memcmp(a->name_key, b->name_key, m);
    if (r == 0)
        r = a->name_len < b->name_len ? -1 : a->name_len > b->name_len;
    if (r == 0)
        r = a->n->id < b->n->id ? -1 : a->n->id > b->n->id;
    return r;
}

static int cmp_name(const void *x, const void *y)
{
    return by_name(x, y);
}

static int cmp_rank(const void *x, const void *y)
{
    const entry_t *a = x, *b = y;
    if (a->rank != b->rank)
        return a->rank > b->rank ? -1 : 1;
    if (a->years != b->years)
        return a->years > b->years ? -1 : 1;
    return by_name(a, b);
}

int listsort_sort(store_txn_t *t, rules_t *rules, Exemplar__ListSort how, Exemplar__Nomination **v,
                  size_t n)
{
    if (how != EXEMPLAR__LIST_SORT__LIST_SORT_NAME && how != EXEMPLAR__LIST_SORT__LIST_SORT_RANK)
        return 0;
    if (n < 2 && how == EXEMPLAR__LIST_SORT__LIST_SORT_NAME)
        return 0;
    entry_t *e = calloc(n ? n : 1, sizeof(*e));
    if (!e)
        return -EX_EINTERNAL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        e[i].n = v[i];
        e[i].name_key = vitext_sort_key(v[i]->name, &e[i].name_len);
        if (!e[i].name_key)
            rc = -EX_EINTERNAL;
        else if (how == EXEMPLAR__LIST_SORT__LIST_SORT_RANK)
            rc = rank_of(t, rules, &e[i]);
    }
    if (rc == 0) {
        qsort(e, n, sizeof(*e), how == EXEMPLAR__LIST_SORT__LIST_SORT_RANK ? cmp_rank : cmp_name);
        for (size_t i = 0; i < n; i++)
            v[i] = e[i].n;
    }
    for (size_t i = 0; i < n; i++)
        free(e[i].name_key);
    free(e);
    return rc;
}
