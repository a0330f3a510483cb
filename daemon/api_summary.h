/* SPDX-License-Identifier: MIT */
/*
 * The quarterly summary request (api_summary.c), a row of API_OPS (api.c).
 */
#ifndef EXEMPLAR_API_SUMMARY_H
#define EXEMPLAR_API_SUMMARY_H

#include "api_call.h"
#include "tally.h"

/* The quarterly summary (api_summary.c), a row of API_OPS: catches
 * the tallies up in the call's transaction (sets x->wrote), then answers
 * from them; unit officers get their own unit only. */
int api_summary(call_t *x);

/* What the review reports (api_report.c) share with the summary: the units
 * as they stood on the as-of day, the tallies caught up, the recognitions
 * with their decisions. */

/* A unit code's name on the as-of day, looked up once per code: the unit
 * that stood for the code that day (itself, or its successor once it had
 * ended) and that unit's name then. */
typedef struct {
    char code[17];
    char as_of[17];
    char *name;
} summary_uname_t;

typedef struct {
    call_t *x;
    int32_t day; /* the as-of day */
    char day_text[16];
    summary_uname_t *names;
    size_t n_names, cap_names;
} summary_ctx_t;

/* NULL only when out of memory. */
const summary_uname_t *summary_unit_of(summary_ctx_t *c, const char *code);
/* The name of the unit standing for code on the as-of day (else code). */
const char *summary_unit_name(summary_ctx_t *c, const char *code);
/* Rows of codes that had ended by the as-of day counted under the unit that
 * stood for them (merged units), one row per unit, a and b again. */
void summary_regroup(summary_ctx_t *c, tally_row_t *v, size_t *n);
void summary_ctx_free(summary_ctx_t *c);
/* Brings the tallies up to the change log in the call's transaction (a lag
 * of at most 10000 changes), else refuses as unavailable saying how far. */
int summary_catch_up(call_t *x);
/* The tallies of day a unit officer's summary or report holds (only: its
 * unit; "" for everyone): its unit's, and those of the codes its unit
 * carries on on that day (rules_unit_acting: old Lào Cai's 10 for new Lào
 * Cai's officer from 1 July 2025), as api_call.h's scope lets it read their
 * nominations. */
int summary_query_scope(summary_ctx_t *c, int32_t day, const char *campaign, const char *only,
                        tally_result_t *t);
/* Appends t's recognitions to v (room for t->n_recog more), each with its
 * nomination's name, unit and decision. */
int summary_recognitions(summary_ctx_t *c, const tally_result_t *t, Exemplar__SummaryRecognized **v,
                         size_t *nv);

#endif
