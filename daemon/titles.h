/* SPDX-License-Identifier: MIT */
/*
 * The title catalogue at run time: the title a published fact names,
 * resolved through the rule book (rulebook_resolve: codes, the names of the
 * rule set judging the fact's year, catalogue names and aliases) and then
 * the administrator's aliases (database `title_aliases`, keyed by the folded
 * spelling); and the title facts nothing resolves, kept whole in database
 * `facts_unmatched` (keyed by ingest seq) so that none is dropped unseen.
 * Storage errors are sticky in the transaction (store.h) unless a function
 * returns one.
 */
#ifndef EXEMPLAR_TITLES_H
#define EXEMPLAR_TITLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "campaign.h"
#include "events.pb-c.h"
#include "rules.pb-c.h"
#include "store.h"

#define TITLES_SPELLING_MAX 256 /* bytes of an alias's spelling */
#define TITLES_ALIASES_MAX  1000

/* The text of a title fact (a title awarded, a performance rating), or
 * NULL for any other event. */
const char *titles_fact_text(const Exemplar__Event *e);

/* The title a fact of evaluation year `year` names with text: the rule
 * book's (rulebook_resolve), else an alias an administrator stored for its
 * folded spelling whose rule set (if any) judges `year`.  0 with *out (NULL
 * when nothing resolves), or -EX_ESTORAGE. */
int titles_resolve(store_txn_t *t, const rulebook_t *b, int year, const char *text,
                   const title_t **out);

/* The stored alias of a folded spelling: 0 with *out (free with
 * exemplar__title_alias__free_unpacked), -EX_ENOTFOUND, -EX_ESTORAGE. */
int titles_alias_get(store_txn_t *t, const char *folded, Exemplar__TitleAlias **out);
void titles_alias_put(store_txn_t *t, const Exemplar__TitleAlias *a);
/* Every alias in folded order (at most TITLES_ALIASES_MAX); free with
 * titles_aliases_free. */
int titles_aliases(store_txn_t *t, Exemplar__TitleAlias ***out, size_t *n);
void titles_aliases_free(Exemplar__TitleAlias **v, size_t n);

/* Keeps title fact e (its ingest_seq set) as unmatched. */
void titles_keep_unmatched(store_txn_t *t, const Exemplar__Event *e);
/* Forgets a kept fact (it became evidence). */
void titles_forget_unmatched(store_txn_t *t, uint64_t ingest_seq);
uint64_t titles_unmatched_count(store_txn_t *t);
/* The kept facts with ingest_seq > after, oldest first, of `subject` only
 * when it is not empty, at most max into v (free each with
 * exemplar__event__free_unpacked); *more when others follow.  0 or
 * -EX_ESTORAGE. */
int titles_unmatched(store_txn_t *t, const char *subject, uint64_t after, size_t max,
                     Exemplar__Event **v, size_t *n, bool *more);

#endif
