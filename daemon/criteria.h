/* SPDX-License-Identifier: MIT */
/*
 * The criteria of section II.3 of the plan, applied to one subject's
 * evidence: for every evaluation year of the nomination's period, the rule
 * set judging that year names the titles a collective or an individual must
 * hold; a title counts when it is recorded for that year and not revoked (a
 * revoked title breaks the chain of consecutive years).  Pure: the caller
 * reads the evidence.
 */
#ifndef EXEMPLAR_CRITERIA_H
#define EXEMPLAR_CRITERIA_H

#include <stdbool.h>
#include <stddef.h>

#include "campaign.h"

#define CRITERIA_MAX          16
#define CRITERIA_EVIDENCE_MAX 256

/* One recorded title of the subject. */
typedef struct {
    int year;
    char title[TITLE_CODE_MAX + 1];
    bool revoked;
} criteria_fact_t;

typedef struct {
    char title[TITLE_CODE_MAX + 1];
    const char *title_name;
    int met[CAMPAIGN_YEARS_MAX];
    size_t n_met;
    int missing[CAMPAIGN_YEARS_MAX];
    size_t n_missing;
    int revoked[CAMPAIGN_YEARS_MAX]; /* missing because revoked */
    size_t n_revoked;
} criterion_t;

typedef struct {
    criterion_t c[CRITERIA_MAX];
    size_t n;
    int unjudged[CAMPAIGN_YEARS_MAX]; /* years no rule set covers */
    size_t n_unjudged;
    bool met;
} criteria_result_t;

/* Evaluates the criteria for a collective (or an individual) over the
 * period's years. */
void criteria_evaluate(const rulebook_t *b, bool collective, const period_t *p,
                       const criteria_fact_t *facts, size_t n_facts, criteria_result_t *out);

/* Writes the explanation (one line per criterion, in the daemon's
 * language) to buf. */
void criteria_explain(const rulebook_t *b, const period_t *p, const criteria_result_t *r, char *buf,
                      size_t len);

#endif
