/* SPDX-License-Identifier: MIT */
/*
 * The protocol's spellings of its enums and of feed topics, shared by the
 * daemon, the client library and exemplarctl: "unit-reviewed",
 * "collective", "ministry-reviewer", "nomination.01.recognized".
 */
#ifndef EXEMPLAR_NAMES_H
#define EXEMPLAR_NAMES_H

#include <stddef.h>

#include "record.pb-c.h"

/* Names of values inside the enum; NULL for anything else. */
const char *ex_state_name(Exemplar__State s);
const char *ex_kind_name(Exemplar__Kind k);
const char *ex_role_name(Exemplar__Role r);

/* Parse a name; any case, '_' accepted for '-'.  Unknown names give the
 * enum's zero value (STATE_NONE, KIND_NONE, ROLE_NONE). */
Exemplar__State ex_state_parse(const char *name);
Exemplar__Kind ex_kind_parse(const char *name);
Exemplar__Role ex_role_parse(const char *name);

/* Every valid state, in enum order (for help texts and loops). */
#define EX_STATE_MIN EXEMPLAR__STATE__STATE_REGISTERED
#define EX_STATE_MAX EXEMPLAR__STATE__STATE_CARRIED_OVER

/* The change feed's topic: "nomination.<unit>.<state>".  Subscribers filter
 * by prefix: "nomination." (all), "nomination.01." (unit 01).  Returns the
 * length written, or -1 if buf is too small. */
int ex_topic_format(char *buf, size_t len, const char *unit, Exemplar__State to);

#endif
