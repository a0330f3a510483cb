/* SPDX-License-Identifier: MIT */
/*
 * The title catalogue at run time (see titles.h): resolution of a fact's
 * spelling, the administrator's aliases and the unmatched facts kept.
 */
#include "titles.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "key.h"
#include "records.h"
#include "vitext.h"

const char *titles_fact_text(const Exemplar__Event *e)
{
    if (e->detail_case == EXEMPLAR__EVENT__DETAIL_TITLE_AWARDED)
        return e->title_awarded->title;
    if (e->detail_case == EXEMPLAR__EVENT__DETAIL_PERFORMANCE_RATING)
        return e->performance_rating->rating;
    return NULL;
}

int titles_alias_get(store_txn_t *t, const char *folded, Exemplar__TitleAlias **out)
{
    *out = NULL;
    store_val_t v;
    size_t len = strlen(folded);
    if (!len || len > 511) /* LMDB's largest key */
        return -EX_ENOTFOUND;
    int rc = store_get(t, DB_TITLE_ALIASES, folded, len, &v);
    if (rc < 0)
        return rc;
    *out = exemplar__title_alias__unpack(NULL, v.len, v.data);
    return *out ? 0 : -EX_ESTORAGE;
}

void titles_alias_put(store_txn_t *t, const Exemplar__TitleAlias *a)
{
    records_put_message(t, DB_TITLE_ALIASES, a->folded, strlen(a->folded), &a->base);
}

int titles_resolve(store_txn_t *t, const rulebook_t *b, int year, const char *text,
                   const title_t **out)
{
    *out = rulebook_resolve(b, year, text);
    if (*out || !text[0])
        return 0;
    char *folded = vitext_fold(text);
    if (!folded)
        return 0;
    Exemplar__TitleAlias *a = NULL;
    int rc = titles_alias_get(t, folded, &a);
    free(folded);
    if (rc == -EX_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    const ruleset_t *s = rulebook_for_year(b, year);
    if (!a->ruleset[0] || (s && strcmp(s->id, a->ruleset) == 0))
        *out = rulebook_title(b, a->title);
    exemplar__title_alias__free_unpacked(a, NULL);
    return 0;
}

int titles_aliases(store_txn_t *t, Exemplar__TitleAlias ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    Exemplar__TitleAlias **v = calloc(TITLES_ALIASES_MAX, sizeof(*v));
    if (!v)
        return -EX_EINTERNAL;
    store_iter_t it;
    store_val_t k, val;
    int rc = store_iter_open(t, DB_TITLE_ALIASES, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &val);
    while (rc == 0 && *n < TITLES_ALIASES_MAX) {
        if (!(v[*n] = exemplar__title_alias__unpack(NULL, val.len, val.data))) {
            rc = -EX_ESTORAGE;
            break;
        }
        (*n)++;
        rc = store_iter_next(&it, &k, &val);
    }
    store_iter_close(&it);
    *out = v;
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc < 0) {
        titles_aliases_free(v, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void titles_aliases_free(Exemplar__TitleAlias **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        exemplar__title_alias__free_unpacked(v[i], NULL);
    free(v);
}

void titles_keep_unmatched(store_txn_t *t, const Exemplar__Event *e)
{
    uint8_t k8[8];
    key_put_u64(k8, e->ingest_seq);
    records_put_message(t, DB_FACTS_UNMATCHED, k8, sizeof(k8), &e->base);
}

void titles_forget_unmatched(store_txn_t *t, uint64_t ingest_seq)
{
    uint8_t k8[8];
    key_put_u64(k8, ingest_seq);
    store_del(t, DB_FACTS_UNMATCHED, k8, sizeof(k8));
}

uint64_t titles_unmatched_count(store_txn_t *t)
{
    return store_count(t, DB_FACTS_UNMATCHED);
}

int titles_unmatched(store_txn_t *t, const char *subject, uint64_t after, size_t max,
                     Exemplar__Event **v, size_t *n, bool *more)
{
    *n = 0;
    *more = false;
    if (after == UINT64_MAX)
        return 0;
    uint8_t k8[8];
    key_put_u64(k8, after + 1);
    store_iter_t it;
    store_val_t k, val;
    int rc = store_iter_open(t, DB_FACTS_UNMATCHED, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, k8, sizeof(k8), &k, &val);
    while (rc == 0) {
        Exemplar__Event *e = exemplar__event__unpack(NULL, val.len, val.data);
        if (!e) {
            rc = -EX_ESTORAGE;
            break;
        }
        if (subject && subject[0] && strcmp(e->subject, subject) != 0) {
            exemplar__event__free_unpacked(e, NULL);
        } else if (*n == max) {
            exemplar__event__free_unpacked(e, NULL);
            *more = true;
            break;
        } else {
            v[(*n)++] = e;
        }
        rc = store_iter_next(&it, &k, &val);
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}
