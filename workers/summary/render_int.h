/* SPDX-License-Identifier: MIT */
/*
 * Inside the summary renderers: the label table's words and helpers shared
 * by render.c, render_html.c and render_xlsx.c.  Not installed.
 */
#ifndef EXEMPLAR_RENDER_INT_H
#define EXEMPLAR_RENDER_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "summary_render.h"

enum {
    SR_T_TITLE,
    SR_T_QUARTER,
    SR_T_AS_OF,
    SR_T_CAMPAIGN,
    SR_T_ALL_CAMPAIGNS,
    SR_T_UNIT,
    SR_T_UNIT_CODE,
    SR_T_KIND,
    SR_T_STATE,
    SR_T_COUNT,
    SR_T_TOTAL,
    SR_T_FUNNEL,
    SR_T_BY_UNIT,
    SR_T_NOMINATIONS,
    SR_T_MOVES,
    SR_T_FROM,
    SR_T_TO,
    SR_T_RECOGNIZED,
    SR_T_NAME,
    SR_T_DAY,
    SR_T_OVERDUE,
    SR_T_PERIOD,
    SR_T_MILESTONE,
    SR_T_DUE,
    SR_T_GAPS,
    SR_T_IDS,
    SR_T_NONE,
    SR_T_GENERATED,
    SR_T_SCOPE,
    SR_T_REGISTRATION,
    SR_T_TOTAL_NOMS,
    SR_T_OTHER,
    SR_T_COUNT_
};
#define SR_T_COUNT_WORDS SR_T_COUNT_

const char *sr_text(int which, sr_lang_t lang);
const char *sr_milestone_label(const char *milestone, sr_lang_t lang);
/* "YYYY-MM-DD HH:MM:SS" (UTC) of ms since the epoch. */
void sr_format_time(int64_t ms, char *buf, size_t len);
/* The distinct unit codes of s->rows (sorted by unit) and their names;
 * free both arrays (the strings belong to s). */
size_t sr_units(const Exemplar__Summary *s, const char ***codes, const char ***names);
/* Nominations of unit (NULL: all) and kind (-1: both) in state. */
uint64_t sr_count(const Exemplar__Summary *s, const char *unit, int kind, int state);

#endif
