/* SPDX-License-Identifier: MIT */
/*
 * Unit plans in LMDB and the pure rules around them.  A plan is
 * identified by (unit, campaign, period); every save, submission, return
 * and acceptance appends a version (database `plans`, key unit NUL campaign
 * NUL period NUL version u32 BE), so the history is the key range and the
 * newest version is the plan.  Writes are sticky on the transaction
 * (store.h).
 */
#ifndef EXEMPLAR_PLANS_H
#define EXEMPLAR_PLANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plans.pb-c.h"
#include "store.h"

#define PLANS_SOLUTIONS_MAX 8192 /* bytes of solutions text, NFC */
#define PLANS_EXPECTED_MAX  10000
#define PLANS_HISTORY_MAX   1000

/* What a request does to a plan. */
typedef enum { PLAN_SAVE, PLAN_SUBMIT, PLAN_RETURN, PLAN_ACCEPT } plan_verb_t;

/* "save", "submit", "return", "accept". */
const char *plans_verb_name(plan_verb_t v);
/* "none", "draft", "submitted", "accepted", "returned" (NULL when unknown). */
const char *plans_state_name(Exemplar__PlanState s);

/* The plans' move table (pure): the state `verb` leads to from `from`
 * (PLAN_NONE: no plan yet), or -EX_ENOMOVE.  save and submit go from no
 * plan, a draft or a returned plan; return and accept from a submitted one. */
int plans_next_state(Exemplar__PlanState from, plan_verb_t verb, Exemplar__PlanState *to);

/* Is a submission on `day` late?  deadline < 0: the period has no
 * registration window, never late.  A resubmission after a return keeps the
 * verdict of an earlier submission made on time (prev_on_time). */
bool plans_is_late(int32_t day, int32_t deadline, bool prev_on_time);

/* The progress line's status: "no-plan" (p NULL), "draft", "submitted",
 * "late" (submitted after the deadline, not yet reviewed), "accepted",
 * "returned". */
const char *plans_status(const Exemplar__UnitPlan *p);

/* Counts of a unit's nominations in one period (pure). */
typedef struct {
    uint32_t by_state[16];
    uint32_t collective, individual; /* every state */
    uint32_t live_collective,
        live_individual; /* not withdrawn, not-selected, revoked, carried over */
    uint32_t recognized;
} plans_tally_t;

/* Does a nomination in state s still count towards a plan (not withdrawn,
 * not selected, revoked or carried over)? */
bool plans_state_live(Exemplar__State s);
void plans_tally_add(plans_tally_t *t, const Exemplar__Nomination *n);
/* Behind: a plan promises more of a kind than the unit has live nominations. */
bool plans_behind(const plans_tally_t *t, uint32_t expected_collective,
                  uint32_t expected_individual);

/* Appends p under its (unit, campaign, period, version). */
void plans_put(store_txn_t *t, const Exemplar__UnitPlan *p);

/* The newest version: 0 with *out (free with exemplar__unit_plan__free_unpacked),
 * -EX_ENOTFOUND, -EX_ESTORAGE. */
int plans_latest(store_txn_t *t, const char *unit, const char *campaign, const char *period,
                 Exemplar__UnitPlan **out);

/* Every version, oldest first (at most PLANS_HISTORY_MAX); free with plans_free. */
int plans_history(store_txn_t *t, const char *unit, const char *campaign, const char *period,
                  Exemplar__UnitPlan ***out, size_t *n);
void plans_free(Exemplar__UnitPlan **v, size_t n);

/* The hook of the deadline reminders ("has not yet acted"): true
 * when unit has a plan for period (of any campaign) that it has submitted,
 * that is whose newest version is submitted, returned (the Ministry has it)
 * or accepted.  A draft only, no plan, or a store error: false. */
bool plans_unit_has_acted(store_txn_t *txn, const char *unit, const char *period);

#endif
