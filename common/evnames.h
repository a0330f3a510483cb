/* SPDX-License-Identifier: MIT */
/*
 * The protocol's spellings of event types and of the change feed's event
 * topics, shared by the daemon, the client library, exemplarctl
 * and JSON lines: "title-awarded", "event.title-awarded.CB-0042".
 */
#ifndef EXEMPLAR_EVNAMES_H
#define EXEMPLAR_EVNAMES_H

#include <stddef.h>

#include "events.pb-c.h"

/* The type's name; NULL for EVENT_NONE and values outside the enum. */
const char *ex_event_type_name(Exemplar__EventType t);

/* Parses a name (any case, '_' for '-'); EVENT_NONE when unknown. */
Exemplar__EventType ex_event_type_parse(const char *name);

/* The detail case that belongs to a type (the oneof field with the same
 * number offset); NOT_SET for EVENT_NONE. */
Exemplar__Event__DetailCase ex_event_detail_for(Exemplar__EventType t);

/* Every valid type, in enum order. */
#define EX_EVENT_TYPE_MIN EXEMPLAR__EVENT_TYPE__EVENT_TITLE_AWARDED
#define EX_EVENT_TYPE_MAX EXEMPLAR__EVENT_TYPE__EVENT_UNIT_MERGED

/* The feed topic of a stored event: "event.<type>.<subject>".  Subscribers
 * filter by prefix: "event." (all events), "event.title-awarded." (one
 * type).  Returns the length written, or -1 if buf is too small. */
int ex_event_topic_format(char *buf, size_t len, Exemplar__EventType t, const char *subject);

#endif
