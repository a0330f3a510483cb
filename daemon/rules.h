/* SPDX-License-Identifier: MIT */
/*
 * The plan's rules at run time: the campaigns (built-in 2021-2025 and demo,
 * plus the administrator's files), the rule book, the day requests are
 * judged on, the built-in unit list, and the callbacks nom_check_move()
 * uses for the move table's WINDOW and GUARD columns.
 *
 * With [rules] enforce = no the daemon behaves as before the rules existed
 * (any unit code, no windows, no guards); the foundation's tests and the
 * benchmarks run that way.
 */
#ifndef EXEMPLAR_RULES_H
#define EXEMPLAR_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "campaign.h"
#include "config.h"
#include "criteria.h"
#include "nom.h"
#include "record.pb-c.h"
#include "rules.pb-c.h"
#include "store.h"
#include "workdays.h"

typedef struct rules rules_t;

/* Loads the rule book, the campaigns and the holidays, lays relative
 * campaigns out from their stored anchor (storing today's on first load),
 * counts working-day deadlines and adds the built-in unit versions the
 * registry lacks (rules_builtin_units).  Returns NULL with a sentence
 * naming the file and line in err. */
rules_t *rules_new(const config_t *cfg, store_t *store, char *err, size_t errlen);
void rules_destroy(rules_t **p);

bool rules_enforced(const rules_t *r);
/* The day a request made at now_ms is judged on ([rules] today or the
 * clock, in Vietnam). */
int32_t rules_today(const rules_t *r, int64_t now_ms);
const campaign_t *rules_campaign(const rules_t *r, const char *id);
const campaign_t *rules_campaign_at(const rules_t *r, size_t i);
size_t rules_campaign_count(const rules_t *r);
const rulebook_t *rules_book(const rules_t *r);
/* The working-day calendar: the built-in holidays (daemon/data/
 * holidays-vn.yaml) with [rules] holidays_file over them.  Never NULL. */
const workdays_t *rules_workdays(const rules_t *r);

/* The built-in unit registry (daemon/data/units/), every version with its
 * end day, successor and addressees worked out: what rules_new() adds to a
 * store that lacks it.  Free with unitcsv_free.  Returns 0, or -1 with why
 * in err. */
int rules_builtin_units(Exemplar__Unit ***out, size_t *n, char *err, size_t errlen);

/* The unit that stands for code on day: the version of code valid then,
 * or, when code had ended by then, the version valid then of its successor
 * (followed through several merges or renames).  0 with *out (free with
 * exemplar__unit__free_unpacked); -EX_EUNIT when none is valid, with *out
 * the last version code had (NULL when code is unknown). */
int rules_unit_as_of(store_txn_t *t, const char *code, int32_t day, Exemplar__Unit **out);

/* The unit whose officers act on day for the nominations, plans and
 * evidence registered under unit `code` (with the name `unit_name` then;
 * NULL or "" when not known, e.g. a plan): `code` while the version
 * registered under is valid on day, else the unit that carries that version
 * on (its successor, followed through several merges as rules_unit_as_of
 * does).  A code reused by the unit that absorbed it (new Lào Cai took old
 * Yên Bái's 15) resolves to itself.  The version registered under is the
 * newest of `code` named unit_name, else the one valid on day, else the
 * newest.  Writes the code to out (a code unknown to the registry: itself)
 * and, when the version ended before day, its last day to ended_on ("" when
 * it has not); 0, or -EX_ESTORAGE. */
int rules_unit_acting(store_txn_t *t, const char *code, const char *unit_name, int32_t day,
                      char *out, size_t len, char *ended_on, size_t ended_len);

/* The office that acts for unit version u on day (reminders and reports
 * are addressed to it): its addressee then, else the unit's own name. */
const char *rules_unit_addressee(const Exemplar__Unit *u, int32_t day);

/* What one request's checks look at. */
typedef struct {
    rules_t *rules;
    store_txn_t *txn;
    const Exemplar__Nomination *n;
    const campaign_t *campaign;
    const period_t *period;
    int32_t day;
    const Exemplar__Decision *decision;
    bool overridden; /* set when an admin's override opened a window */
} rules_ctx_t;

/* Prepares ctx for nomination n (its campaign and period must exist:
 * -EX_ECAMPAIGN otherwise, with why) and fills *out for nom_check_move. */
int rules_bind(rules_ctx_t *ctx, rules_t *r, store_txn_t *txn, const Exemplar__Nomination *n,
               int64_t now_ms, const char *override_reason, const Exemplar__Decision *decision,
               nom_rules_t *out, char *why, size_t why_len);

/* Evaluates the criteria and the head-of-unit rule for ctx's nomination:
 * fills res (may be NULL), writes the explanation to text and returns
 * whether everything is met (1), not (0), or a negative error. */
int rules_explain(rules_ctx_t *ctx, criteria_result_t *res, char *text, size_t len);

#endif
