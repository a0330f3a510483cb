/* SPDX-License-Identifier: MIT */
/*
 * Name tables for the protocol's enums (see names.h).  The names are part of
 * the protocol: exemplarctl's arguments, JSON output and docs use them.
 */
#include "names.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const STATE_NAME[] = {
    [EXEMPLAR__STATE__STATE_REGISTERED] = "registered",
    [EXEMPLAR__STATE__STATE_FOSTERING] = "fostering",
    [EXEMPLAR__STATE__STATE_UNIT_REVIEWED] = "unit-reviewed",
    [EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED] = "ministry-reviewed",
    [EXEMPLAR__STATE__STATE_RECOGNIZED] = "recognized",
    [EXEMPLAR__STATE__STATE_WITHDRAWN] = "withdrawn",
    [EXEMPLAR__STATE__STATE_NOT_SELECTED] = "not-selected",
    [EXEMPLAR__STATE__STATE_RETURNED] = "returned",
    [EXEMPLAR__STATE__STATE_REVOKED] = "revoked",
    [EXEMPLAR__STATE__STATE_CARRIED_OVER] = "carried-over",
};

static const char *const KIND_NAME[] = {
    [EXEMPLAR__KIND__KIND_COLLECTIVE] = "collective",
    [EXEMPLAR__KIND__KIND_INDIVIDUAL] = "individual",
};

static const char *const ROLE_NAME[] = {
    [EXEMPLAR__ROLE__ROLE_UNIT_OFFICER] = "unit-officer",
    [EXEMPLAR__ROLE__ROLE_MINISTRY_REVIEWER] = "ministry-reviewer",
    [EXEMPLAR__ROLE__ROLE_APPROVER] = "approver",
    [EXEMPLAR__ROLE__ROLE_PUBLISHER] = "publisher",
    [EXEMPLAR__ROLE__ROLE_READER] = "reader",
    [EXEMPLAR__ROLE__ROLE_ADMIN] = "admin",
    [EXEMPLAR__ROLE__ROLE_WORKER] = "worker",
    [EXEMPLAR__ROLE__ROLE_GATEWAY] = "gateway",
};

static const char *const PLAN_STATE_NAME[] = {
    [EXEMPLAR__PLAN_STATE__PLAN_NONE] = "none",
    [EXEMPLAR__PLAN_STATE__PLAN_DRAFT] = "draft",
    [EXEMPLAR__PLAN_STATE__PLAN_SUBMITTED] = "submitted",
    [EXEMPLAR__PLAN_STATE__PLAN_ACCEPTED] = "accepted",
    [EXEMPLAR__PLAN_STATE__PLAN_RETURNED] = "returned",
};

static const char *const JOB_KIND_NAME[] = {
    [EXEMPLAR__JOB_KIND__JOB_REMIND_DEADLINE] = "remind-deadline",
    [EXEMPLAR__JOB_KIND__JOB_REMIND_OVERDUE] = "remind-overdue",
    [EXEMPLAR__JOB_KIND__JOB_REMIND_STALE] = "remind-stale",
    [EXEMPLAR__JOB_KIND__JOB_SUMMARY] = "summary",
};

static const char *const JOB_STATE_NAME[] = {
    [EXEMPLAR__JOB_STATE__JOB_READY] = "ready",
    [EXEMPLAR__JOB_STATE__JOB_LEASED] = "leased",
    [EXEMPLAR__JOB_STATE__JOB_DONE] = "done",
    [EXEMPLAR__JOB_STATE__JOB_PARKED] = "parked",
};

static const char *const TIMER_STATE_NAME[] = {
    [EXEMPLAR__TIMER_STATE__TIMER_PENDING] = "pending",
    [EXEMPLAR__TIMER_STATE__TIMER_FIRED] = "fired",
    [EXEMPLAR__TIMER_STATE__TIMER_CANCELLED] = "cancelled",
    [EXEMPLAR__TIMER_STATE__TIMER_SKIPPED] = "skipped",
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *lookup(const char *const *names, int count, int v)
{
    return v > 0 && v < count ? names[v] : NULL;
}

/* Compare ignoring case and treating '_' as '-'. */
static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = *a == '_' ? '-' : tolower((unsigned char)*a);
        int y = *b == '_' ? '-' : tolower((unsigned char)*b);
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static int parse(const char *const *names, int count, const char *name)
{
    if (!name)
        return 0;
    for (int v = 1; v < count; v++)
        if (names[v] && same_name(names[v], name))
            return v;
    return 0;
}

const char *ex_state_name(Exemplar__State s)
{
    return lookup(STATE_NAME, COUNT(STATE_NAME), (int)s);
}

const char *ex_kind_name(Exemplar__Kind k)
{
    return lookup(KIND_NAME, COUNT(KIND_NAME), (int)k);
}

const char *ex_role_name(Exemplar__Role r)
{
    return lookup(ROLE_NAME, COUNT(ROLE_NAME), (int)r);
}

Exemplar__State ex_state_parse(const char *name)
{
    return (Exemplar__State)parse(STATE_NAME, COUNT(STATE_NAME), name);
}

Exemplar__Kind ex_kind_parse(const char *name)
{
    return (Exemplar__Kind)parse(KIND_NAME, COUNT(KIND_NAME), name);
}

Exemplar__Role ex_role_parse(const char *name)
{
    return (Exemplar__Role)parse(ROLE_NAME, COUNT(ROLE_NAME), name);
}

const char *ex_plan_state_name(Exemplar__PlanState s)
{
    /* PLAN_NONE has a name: "none" is what a unit without a plan shows. */
    return (int)s >= 0 && (int)s < COUNT(PLAN_STATE_NAME) ? PLAN_STATE_NAME[s] : NULL;
}

const char *ex_job_kind_name(Exemplar__JobKind k)
{
    return lookup(JOB_KIND_NAME, COUNT(JOB_KIND_NAME), (int)k);
}

const char *ex_job_state_name(Exemplar__JobState s)
{
    return lookup(JOB_STATE_NAME, COUNT(JOB_STATE_NAME), (int)s);
}

const char *ex_timer_state_name(Exemplar__TimerState s)
{
    return lookup(TIMER_STATE_NAME, COUNT(TIMER_STATE_NAME), (int)s);
}

/* Exact match: job filters have always been spelled exactly. */
static int parse_exact(const char *const *names, int count, const char *name)
{
    for (int v = 1; name && v < count; v++)
        if (names[v] && strcmp(names[v], name) == 0)
            return v;
    return 0;
}

Exemplar__JobKind ex_job_kind_parse(const char *name)
{
    return (Exemplar__JobKind)parse_exact(JOB_KIND_NAME, COUNT(JOB_KIND_NAME), name);
}

Exemplar__JobState ex_job_state_parse(const char *name)
{
    return (Exemplar__JobState)parse_exact(JOB_STATE_NAME, COUNT(JOB_STATE_NAME), name);
}

int ex_topic_format(char *buf, size_t len, const char *unit, Exemplar__State to)
{
    const char *state = ex_state_name(to);
    int n = snprintf(buf, len, "nomination.%s.%s", unit ? unit : "", state ? state : "none");
    return n < 0 || (size_t)n >= len ? -1 : n;
}
