/* SPDX-License-Identifier: MIT */
/*
 * The protocol's spellings of its enums and of feed topics, shared by the
 * daemon, the client library and exemplarctl: "unit-reviewed",
 * "collective", "ministry-reviewer", "nomination.01.recognized", a plan's
 * "submitted", a job's "parked".  One table per enum, here only: the daemon
 * and the clients both print and parse through these functions.
 */
#ifndef EXEMPLAR_NAMES_H
#define EXEMPLAR_NAMES_H

#include <stddef.h>

#include "plans.pb-c.h"
#include "record.pb-c.h"
#include "workers.pb-c.h"

/* Names of values inside the enum; NULL for anything else. */
const char *ex_state_name(Exemplar__State s);
const char *ex_kind_name(Exemplar__Kind k);
const char *ex_role_name(Exemplar__Role r);

/* Parse a name; any case, '_' accepted for '-'.  Unknown names give the
 * enum's zero value (STATE_NONE, KIND_NONE, ROLE_NONE). */
Exemplar__State ex_state_parse(const char *name);
Exemplar__Kind ex_kind_parse(const char *name);
Exemplar__Role ex_role_parse(const char *name);

/* A unit plan's state: "none" (no plan yet), "draft", "submitted",
 * "accepted", "returned"; NULL for anything else. */
const char *ex_plan_state_name(Exemplar__PlanState s);

/* Timers and jobs: "remind-deadline", "remind-overdue", "remind-stale",
 * "summary"; "ready", "leased", "done", "parked"; "pending", "fired",
 * "cancelled", "skipped".  NULL for the zero value and anything unknown. */
const char *ex_job_kind_name(Exemplar__JobKind k);
const char *ex_job_state_name(Exemplar__JobState s);
const char *ex_timer_state_name(Exemplar__TimerState s);

/* Exact names only (they are typed in job filters); unknown: the zero value. */
Exemplar__JobKind ex_job_kind_parse(const char *name);
Exemplar__JobState ex_job_state_parse(const char *name);

/* Every valid state, in enum order (for help texts and loops). */
#define EX_STATE_MIN EXEMPLAR__STATE__STATE_REGISTERED
#define EX_STATE_MAX EXEMPLAR__STATE__STATE_CARRIED_OVER

/* The change feed's topic: "nomination.<unit>.<state>".  Subscribers filter
 * by prefix: "nomination." (all), "nomination.01." (unit 01).  Returns the
 * length written, or -1 if buf is too small. */
int ex_topic_format(char *buf, size_t len, const char *unit, Exemplar__State to);

#endif
