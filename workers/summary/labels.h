/* SPDX-License-Identifier: MIT */
/*
 * Inside the summary renderers, at their bottom (labels.c): the label
 * table's words and the helpers render.c, render_html.c, render_xlsx.c and
 * document.c share.  Not installed.
 */
#ifndef EXEMPLAR_SUMMARY_LABELS_H
#define EXEMPLAR_SUMMARY_LABELS_H

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
    SR_T_STT,
    SR_T_MOTTO1,
    SR_T_MOTTO2,
    SR_T_NUMBER,
    SR_T_REPORT,
    SR_T_SUBJECT,
    SR_T_RECIPIENTS,
    SR_T_ARCHIVE,
    SR_T_GENERAL,
    SR_T_STEP,
    SR_T_IN_STEP,
    SR_T_REACHED,
    SR_T_SIDE,
    SR_T_PERSONS,
    SR_T_AND_MORE,
    SR_T_VN_TIME,
    SR_T_SUM,
    SR_T_FROM_DAY,
    SR_T_INTRO_TOTAL,
    SR_T_FUNNEL_NOTE,
    SR_T_FUNNEL_VAL,
    SR_T_RECOG_COUNT,
    SR_T_OVERDUE_COUNT,
    SR_T_GAP_COUNT,
    SR_T_MAIN_TABLE,
    SR_T_DATA_FROM,
    SR_T_DECISION,
    SR_T_DEC_NUMBER,
    SR_T_DEC_DATE,
    SR_T_DEC_ISSUER,
    SR_T_RV_INTERIM,
    SR_T_RV_FINAL,
    SR_T_RV_INTRO,
    SR_T_RV_TOTALS,
    SR_T_RV_BY_UNIT,
    SR_T_RV_EXPECTED,
    SR_T_RV_REGISTERED,
    SR_T_RV_FOSTERED,
    SR_T_RV_RECOGNIZED,
    SR_T_RV_REVOKED,
    SR_T_RV_CARRIED,
    SR_T_RV_PLANS,
    SR_T_RV_SUBMITTED,
    SR_T_RV_STATUS,
    SR_T_RV_NO_PLAN,
    SR_T_RV_LATE,
    SR_T_RV_RECOG_LIST,
    SR_T_RV_RECOG_COUNT,
    SR_T_RV_PLANS_COUNT,
    SR_T_RV_NOTE,
    SR_T_MIN_TYPE,
    SR_T_MIN_SUBJECT,
    SR_T_MIN_PART_MEETING,
    SR_T_MIN_REF,
    SR_T_MIN_DAY,
    SR_T_MIN_ID,
    SR_T_MIN_OPENED,
    SR_T_MIN_CLOSED,
    SR_T_MIN_BY,
    SR_T_MIN_MEMBER,
    SR_T_MIN_ROLE,
    SR_T_MIN_ATTEND,
    SR_T_MIN_PRESENT,
    SR_T_MIN_IN_WRITING,
    SR_T_MIN_ABSENT,
    SR_T_MIN_N_MEMBERS,
    SR_T_ROLE_CHAIR,
    SR_T_ROLE_DEPUTY,
    SR_T_ROLE_MEMBER,
    SR_T_ROLE_SECRETARY,
    SR_T_MIN_PART_RULES,
    SR_T_MIN_RULESET,
    SR_T_MIN_QUORUM,
    SR_T_MIN_THRESHOLD,
    SR_T_MIN_BASE_MEMBERS,
    SR_T_MIN_BASE_BALLOTS,
    SR_T_MIN_RULES_TEXT,
    SR_T_MIN_SECRET,
    SR_T_MIN_PART_RESULTS,
    SR_T_MIN_APPROVE,
    SR_T_MIN_REJECT,
    SR_T_MIN_NEEDED,
    SR_T_MIN_RESULT,
    SR_T_RES_APPROVED,
    SR_T_RES_NOT_APPROVED,
    SR_T_RES_NO_DECISION,
    SR_T_RES_OPEN,
    SR_T_MIN_OPEN_NOTE,
    SR_T_MIN_SIGN_SECRETARY,
    SR_T_MIN_SIGN_CHAIR,
    SR_T_DEC_TYPE,
    SR_T_DEC_SUBJECT,
    SR_T_DEC_PERIOD,
    SR_T_DEC_BASIS_LAW,
    SR_T_DEC_BASIS_DECREE,
    SR_T_DEC_BASIS_ORG,
    SR_T_DEC_BASIS_ORG2,
    SR_T_DEC_BASIS_PLAN,
    SR_T_DEC_BASIS_PLAN2,
    SR_T_DEC_BASIS_MINUTES,
    SR_T_DEC_OF_DAY,
    SR_T_DEC_PROPOSAL,
    SR_T_DEC_DECIDES,
    SR_T_DEC_ART,
    SR_T_DEC_ART1,
    SR_T_DEC_ART2,
    SR_T_DEC_ART3,
    SR_T_DEC_AS_ART3,
    SR_T_DEC_ANNEX,
    SR_T_DEC_ANNEX_REF,
    SR_T_DEC_ANNEX_OF,
    SR_T_DEC_DRAFT,
    SR_T_COUNT_
};
#define SR_T_COUNT_WORDS SR_T_COUNT_

const char *sr_text(int which, sr_lang_t lang);
const char *sr_milestone_label(const char *milestone, sr_lang_t lang);
/* The time of ms since the epoch in Vietnam time, saying so:
 * "20:30 ngày 07/12/2026 (giờ Việt Nam)" or "20:30 on 7 December 2026
 * (Vietnam time, UTC+7)". */
void sr_format_time(int64_t ms, sr_lang_t lang, char *buf, size_t len);
/* A day as each language writes it: "15/9/2021", "05/3/2020" (Decree
 * 30/2020's leading zeros) or "15 September 2021". */
void sr_format_date(int y, int m, int d, sr_lang_t lang, char *buf, size_t len);
/* The same of "YYYY-MM-DD" (anything else is copied); returns buf. */
const char *sr_format_day(const char *iso, sr_lang_t lang, char *buf, size_t len);
/* The distinct unit codes of s->rows (sorted by unit) and their names;
 * free both arrays (the strings belong to s). */
size_t sr_units(const Exemplar__Summary *s, const char ***codes, const char ***names);
/* Nominations of unit (NULL: all) and kind (-1: both) in state. */
uint64_t sr_count(const Exemplar__Summary *s, const char *unit, int kind, int state);
/* A decision in one line: "Số 9/QĐ-BTNMT ngày 25/08/2023 của Bộ trưởng ..."
 * ("No. 9/QĐ-BTNMT of 25 August 2023, Minister of ..."); "" when d is NULL
 * or has no number (a recognition recorded before decisions were required). */
const char *sr_decision_line(const Exemplar__Decision *d, sr_lang_t lang, char *buf, size_t len);

#endif
