/* SPDX-License-Identifier: MIT */
/*
 * The unit's dossier of a nomination (proto/dossier.proto): how its
 * collective acclaimed the nominee ("được tập thể thừa nhận, suy tôn", the
 * plan's II.2) and the unit's judgement on each qualitative criterion of
 * the plan (II.3.1, II.3.2).  Stored in DB_DOSSIERS by nomination id; the
 * rule set judging the period's last year says whether an acclamation is
 * required before the unit's review and its threshold (rulesets.yaml
 * `acclamation`, `qualitative`).
 */
#ifndef EXEMPLAR_DOSSIER_H
#define EXEMPLAR_DOSSIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "campaign.h"
#include "dossier.pb-c.h"
#include "store.h"

/* The rule set a nomination's dossier is judged by: the one of the latest
 * year of the period a rule set covers; NULL when none does. */
const ruleset_t *dossier_ruleset(const rulebook_t *b, const period_t *p);

/* The dossier of nomination id: 0 with *out (free with
 * exemplar__dossier__free_unpacked), -EX_ENOTFOUND, -EX_ESTORAGE. */
int dossier_get(store_txn_t *t, uint64_t id, Exemplar__Dossier **out);
void dossier_put(store_txn_t *t, const Exemplar__Dossier *d);

/* Does acclamation a (NULL: none recorded) meet s's threshold: in_favour
 * at least min_in_favour of present, compared as integers? */
bool dossier_acclaimed(const ruleset_t *s, const Exemplar__Acclamation *a);

/* The qualitative criterion `code` of s that applies to the kind of
 * nomination (collective or not); NULL when s has none such. */
const qualitative_t *dossier_criterion(const ruleset_t *s, bool collective, const char *code);

/* Appends to buf (at strlen(buf), never past len) the dossier's lines of
 * `check`, in the current language: the acclamation against the
 * threshold, and each qualitative criterion with the unit's judgement.
 * d may be NULL (nothing recorded). */
void dossier_explain(const ruleset_t *s, bool collective, const Exemplar__Dossier *d, char *buf,
                     size_t len);

/* The sentence refusing the unit's review for want of an acclamation (the
 * verb, the nomination's id), in the current language. */
void dossier_refusal(const ruleset_t *s, const Exemplar__Dossier *d, const char *verb, uint64_t id,
                     char *buf, size_t len);

/* Are the files the rule set requires (rulesets.yaml `dossier.required`,
 * `acclamation` aside) all attached to d (NULL: nothing recorded)?  The
 * parts without a file go to missing (may be NULL), comma-separated. */
bool dossier_files_complete(const ruleset_t *s, const Exemplar__Dossier *d, char *missing,
                            size_t len);

/* Appends to buf the dossier's files for `check`: complete or what is
 * missing, and each part's latest file.  dossier_explain calls it. */
void dossier_explain_files(const ruleset_t *s, const Exemplar__Dossier *d, char *buf, size_t len);

/* The sentence refusing the unit's review for want of the files listed
 * in missing, in the current language. */
void dossier_files_refusal(const ruleset_t *s, const char *missing, const char *verb, uint64_t id,
                           char *buf, size_t len);

#endif
