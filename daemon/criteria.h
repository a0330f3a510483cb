/* SPDX-License-Identifier: MIT */
/*
 * The criteria of section II.3 of the plan, applied to one subject's
 * evidence: for every evaluation year of the nomination's period, the rule
 * set judging that year names the titles a collective or an individual must
 * hold; a title counts when it is recorded for that year and not revoked (a
 * revoked title breaks the chain of consecutive years).  Pure: the caller
 * reads the evidence.
 *
 * Titles exist only once their year is judged: the rule set of year Y says
 * by which day of Y+1 its titles are decided (decided_by).  Judged on a day
 * not after that one, a year without its title is pending, not missing: it
 * never blocks a review, and blocks recognition only when the rule set says
 * `pending: required-for-recognition`.  A revoked title is missing even in
 * a pending year (its decision was made, then annulled).
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
    int pending[CAMPAIGN_YEARS_MAX]; /* not yet decided: neither met nor missing */
    size_t n_pending;
} criterion_t;

/* A year of the period whose titles are not yet decided on the day judged. */
typedef struct {
    int year;
    int32_t decided_by; /* the day by which they are decided */
    bool required;      /* the rule set requires it before recognition */
    const char *ruleset;
} criteria_pending_t;

typedef struct {
    criterion_t c[CRITERIA_MAX];
    size_t n;
    int unjudged[CAMPAIGN_YEARS_MAX]; /* years no rule set covers */
    size_t n_unjudged;
    criteria_pending_t pending[CAMPAIGN_YEARS_MAX];
    size_t n_pending;
    int32_t day;      /* the day judged on */
    bool recognition; /* judged for recognition (pending years may count) */
    bool met;
} criteria_result_t;

/* Evaluates the criteria for a collective (or an individual) over the
 * period's years, on `day`, for a review (recognition false) or for
 * recognition. */
void criteria_evaluate(const rulebook_t *b, bool collective, const period_t *p, int32_t day,
                       bool recognition, const criteria_fact_t *facts, size_t n_facts,
                       criteria_result_t *out);

/* The days after which the verdict on p's years can change without new
 * evidence (each year's decided_by + 1), at most CAMPAIGN_YEARS_MAX in
 * out; returns how many. */
size_t criteria_turning_days(const rulebook_t *b, const period_t *p, int32_t *out);

/* Writes the explanation (one line per criterion, in the daemon's
 * language) to buf. */
void criteria_explain(const rulebook_t *b, const period_t *p, const criteria_result_t *r, char *buf,
                      size_t len);

#endif
