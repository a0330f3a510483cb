/* SPDX-License-Identifier: MIT */
/*
 * Campaign files and rule sets (YAML, read with libyaml): a campaign is a
 * plan (2021-2025) made of periods (2021-2023, 2023-2025), each with the
 * evaluation years its criteria look at and the windows the move table's
 * WINDOW column refers to; milestones are its printable calendar, and a
 * milestone may be a deadline units must act by (deadline, period, due).
 * The rule book is the title catalogue and the criteria of each legal
 * regime, chosen by evaluation year.  Pure: parsing and lookups, no I/O
 * besides reading the text handed in.
 *
 * Days are those of day.h: counted from 1970-01-01 on Vietnam's calendar.
 */
#ifndef EXEMPLAR_CAMPAIGN_H
#define EXEMPLAR_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "council.h"
#include "day.h"
#include "nom.h"
#include "workdays.h"

#define CAMPAIGN_ID_MAX         32
#define CAMPAIGN_PERIODS_MAX    8
#define CAMPAIGN_YEARS_MAX      12
#define CAMPAIGN_MILESTONES_MAX 32
#define CAMPAIGN_TEXT_MAX       256
#define TITLE_CODE_MAX          16
#define RULEBOOK_TITLES_MAX     64
#define RULEBOOK_SETS_MAX       16
#define RULESET_TITLES_MAX      8
#define TITLE_SATISFIES_MAX     4
#define TITLE_ALIASES_MAX       4
#define RULESET_NAMES_MAX       16

/* A closed range of days, both ends included. */
typedef struct {
    int32_t from, to;
} day_range_t;

typedef struct {
    char id[CAMPAIGN_ID_MAX + 1];
    int years[CAMPAIGN_YEARS_MAX];
    size_t n_years;
    day_range_t window[WIN_COUNT];
    bool has_window[WIN_COUNT];
} period_t;

/* What units must have done by a milestone that is a deadline. */
typedef enum {
    MILESTONE_INFO = 0, /* not a deadline: a date on the calendar */
    MILESTONE_PLAN,     /* submitted the period's plan (plans_unit_has_acted) */
    MILESTONE_ACTION_COUNT
} milestone_action_t;

#define MILESTONE_DUE_SECS_DEFAULT 86399 /* 23:59:59 */
#define MILESTONE_DUE_WD_MAX       2600  /* due_working_days: about ten years */

typedef struct {
    char name[CAMPAIGN_TEXT_MAX];
    day_range_t when;
    /* Deadlines: `deadline: ACTION` with the period it is about. */
    milestone_action_t action;
    char period[CAMPAIGN_ID_MAX + 1]; /* "" unless action != MILESTONE_INFO */
    int32_t due_day;                  /* the deadline's day: `to`, or `from` + due_working_days */
    int32_t due_secs;                 /* seconds into due_day, Vietnam time (default 86399) */
    int32_t due_working_days;         /* 0: not counted in working days */
} milestone_t;

typedef struct {
    char id[CAMPAIGN_ID_MAX + 1];
    char title[CAMPAIGN_TEXT_MAX];
    char source[CAMPAIGN_TEXT_MAX];
    bool relative;  /* days and years are offsets until campaign_resolve() */
    int32_t anchor; /* relative campaigns: the day they were laid out from */
    period_t periods[CAMPAIGN_PERIODS_MAX];
    size_t n_periods;
    milestone_t milestones[CAMPAIGN_MILESTONES_MAX];
    size_t n_milestones;
} campaign_t;

typedef enum { TITLE_ANY = 0, TITLE_COLLECTIVE, TITLE_INDIVIDUAL } title_kind_t;

typedef struct {
    char code[TITLE_CODE_MAX + 1];
    char name[CAMPAIGN_TEXT_MAX];
    title_kind_t kind;
    int rank;
    char satisfies[TITLE_SATISFIES_MAX][TITLE_CODE_MAX + 1];
    size_t n_satisfies;
    /* Other spellings of the title in any year (the plan's "Chiến sỹ thi
     * đua cấp cơ sở", a rating's word): facts naming them resolve to it. */
    char aliases[TITLE_ALIASES_MAX][CAMPAIGN_TEXT_MAX];
    size_t n_aliases;
} title_t;

/* A title's name in one rule set's law (rulesets.yaml `names`): the
 * catalogue is versioned by rule set, so a name the 2022 law gave resolves
 * for the years that law judges. */
typedef struct {
    char code[TITLE_CODE_MAX + 1];
    char name[CAMPAIGN_TEXT_MAX];
} title_name_t;

/* Parts of a dossier a rule set names (rulesets.yaml `dossier`). */
#define RULESET_PARTS_MAX 8
/* A qualitative criterion of the plan, judged by the unit (dossier.h). */
#define RULESET_QUALITATIVE_MAX 8
typedef struct {
    char code[TITLE_CODE_MAX + 1];
    char text[CAMPAIGN_TEXT_MAX]; /* the plan's words */
    title_kind_t kind;            /* collective, individual or any */
} qualitative_t;

typedef struct {
    char id[CAMPAIGN_ID_MAX + 1];
    char law[CAMPAIGN_TEXT_MAX];
    int from_year, to_year; /* to_year 0: open */
    char collective[RULESET_TITLES_MAX][TITLE_CODE_MAX + 1];
    size_t n_collective;
    char individual[RULESET_TITLES_MAX][TITLE_CODE_MAX + 1];
    size_t n_individual;
    /* The calendar of the titles (rulesets.yaml `decided_by`, `pending`):
     * titles of year Y are decided by month-day decided_by_md of Y+1
     * (e.g. 331 for 31 March); until that day has passed, a year without
     * its title is pending, not missing.  pending_required: a pending year
     * blocks recognition (it never blocks a review). */
    int decided_by_month, decided_by_mday;
    bool pending_required;
    title_name_t names[RULESET_NAMES_MAX];
    size_t n_names;
    /* The Ministry council's secret ballot (rulesets.yaml `council`;
     * council_rules_default() when the rule set says nothing). */
    council_rules_t council;
    /* A unit council's ballot (rulesets.yaml `unit_council`); the rule
     * set's `council` when it gives none. */
    council_rules_t unit_council;
    bool has_unit_council;
    /* The collective's acclamation (rulesets.yaml `acclamation`): whether a
     * nomination needs one before its unit reviews it, and the share of
     * the members present (or of the collective's members) in favour that
     * counts as "được tập thể thừa nhận, suy tôn" (the plan, II.2). */
    bool acclamation_required;
    council_frac_t acclamation_min; /* at least this share of those present */
    /* The plan's qualitative criteria (rulesets.yaml `qualitative`), on
     * which the unit records its judgement (dossier.h). */
    qualitative_t qualitative[RULESET_QUALITATIVE_MAX];
    size_t n_qualitative;
    /* The dossier's files (rulesets.yaml `dossier`): the part codes an
     * attachment may carry, and the parts the unit's review requires
     * (`acclamation` among `required` sets acclamation_required). */
    char dossier_parts[RULESET_PARTS_MAX][TITLE_CODE_MAX + 1];
    size_t n_dossier_parts;
    char dossier_required[RULESET_PARTS_MAX][TITLE_CODE_MAX + 1];
    size_t n_dossier_required;
} ruleset_t;

typedef struct {
    title_t titles[RULEBOOK_TITLES_MAX];
    size_t n_titles;
    ruleset_t sets[RULEBOOK_SETS_MAX];
    size_t n_sets;
} rulebook_t;

/* Parses a campaign file.  source names it in messages.  Returns 0, or -1
 * with "SOURCE line N: what is wrong" in err. */
int campaign_parse(const char *text, size_t len, const char *source, campaign_t *out, char *err,
                   size_t errlen);

/* Lays a relative campaign out from anchor (a day): offsets become days and
 * years.  Does nothing to an absolute campaign. */
void campaign_resolve(campaign_t *c, int32_t anchor);

/* Counts the milestones' working-day deadlines (due_working_days) with the
 * holidays of w (NULL: Monday to Friday).  campaign_parse() and
 * campaign_resolve() count Monday to Friday; rules.c calls this once the
 * holidays are known.  Does nothing to a relative campaign not yet laid
 * out. */
void campaign_resolve_workdays(campaign_t *c, const workdays_t *w);

/* The deadline of m as Unix ms: due_day at due_secs in Vietnam (UTC+7, no
 * daylight saving time). */
int64_t milestone_due_ms(const milestone_t *m);

/* "plan" for MILESTONE_PLAN; "" for MILESTONE_INFO. */
const char *milestone_action_name(milestone_action_t a);

/* Parses the rule book.  Returns 0 or -1 with err as campaign_parse. */
int rulebook_parse(const char *text, size_t len, const char *source, rulebook_t *out, char *err,
                   size_t errlen);

const period_t *campaign_period(const campaign_t *c, const char *id);
/* The period after p, or NULL. */
const period_t *campaign_next_period(const campaign_t *c, const period_t *p);
/* For a registration on `day` without a period: the period whose
 * registration window is open, else the last whose registration has begun,
 * else the first. */
const period_t *campaign_period_for_registration(const campaign_t *c, int32_t day);

/* Is w open on day in period p?  A window the period does not define is
 * closed (WIN_ANY is always open). */
bool period_window_open(const period_t *p, window_t w, int32_t day);

const title_t *rulebook_title(const rulebook_t *b, const char *code);
/* The rule set judging evaluation year `year`, or NULL. */
const ruleset_t *rulebook_for_year(const rulebook_t *b, int year);
/* The last day on which titles of `year` judged by s may still be
 * decided (decided_by of year + 1). */
int32_t ruleset_decided_by(const ruleset_t *s, int year);
/* The title a fact of evaluation year `year` names with text: its code;
 * else, compared folded (case, diacritics, đ: vitext_fold), a name of the
 * rule set judging `year` (`names`), the title's catalogue name, or one of
 * its `aliases`.  NULL when none resolves (the administrator's aliases are
 * looked up by the caller, titles.h). */
const title_t *rulebook_resolve(const rulebook_t *b, int year, const char *text);
/* Does holding title `held` meet the requirement `required`? */
bool rulebook_satisfies(const rulebook_t *b, const char *held, const char *required);

#endif
