/* SPDX-License-Identifier: MIT */
/*
 * Event type names and event topics (see evnames.h).  One table: the names
 * are part of the protocol (JSON lines, exemplarctl, feed topics).
 */
#include "evnames.h"

#include <stdio.h>
#include <strings.h>

static const struct {
    const char *name;
    Exemplar__Event__DetailCase detail;
} EVENT_TYPES[] = {
    [EXEMPLAR__EVENT_TYPE__EVENT_TITLE_AWARDED] = {"title-awarded",
                                                   EXEMPLAR__EVENT__DETAIL_TITLE_AWARDED},
    [EXEMPLAR__EVENT_TYPE__EVENT_PERFORMANCE_RATING] = {"performance-rating",
                                                        EXEMPLAR__EVENT__DETAIL_PERFORMANCE_RATING},
    [EXEMPLAR__EVENT_TYPE__EVENT_DISCIPLINE] = {"discipline", EXEMPLAR__EVENT__DETAIL_DISCIPLINE},
    [EXEMPLAR__EVENT_TYPE__EVENT_DECISION_REVOKED] = {"decision-revoked",
                                                      EXEMPLAR__EVENT__DETAIL_DECISION_REVOKED},
    [EXEMPLAR__EVENT_TYPE__EVENT_PERSON_MOVED] = {"person-moved",
                                                  EXEMPLAR__EVENT__DETAIL_PERSON_MOVED},
    [EXEMPLAR__EVENT_TYPE__EVENT_UNIT_RENAMED] = {"unit-renamed",
                                                  EXEMPLAR__EVENT__DETAIL_UNIT_RENAMED},
    [EXEMPLAR__EVENT_TYPE__EVENT_UNIT_MERGED] = {"unit-merged",
                                                 EXEMPLAR__EVENT__DETAIL_UNIT_MERGED},
};

#define TYPE_COUNT ((int)(sizeof(EVENT_TYPES) / sizeof(EVENT_TYPES[0])))

const char *ex_event_type_name(Exemplar__EventType t)
{
    return (int)t > 0 && (int)t < TYPE_COUNT ? EVENT_TYPES[t].name : NULL;
}

/* Equal ignoring case, with '_' matching '-'. */
static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '_' ? '-' : *a, y = *b == '_' ? '-' : *b;
        if (strncasecmp(&x, &y, 1) != 0)
            return 0;
    }
    return *a == *b;
}

Exemplar__EventType ex_event_type_parse(const char *name)
{
    for (int t = 1; name && t < TYPE_COUNT; t++)
        if (EVENT_TYPES[t].name && same_name(EVENT_TYPES[t].name, name))
            return (Exemplar__EventType)t;
    return EXEMPLAR__EVENT_TYPE__EVENT_NONE;
}

Exemplar__Event__DetailCase ex_event_detail_for(Exemplar__EventType t)
{
    return (int)t > 0 && (int)t < TYPE_COUNT ? EVENT_TYPES[t].detail
                                             : EXEMPLAR__EVENT__DETAIL__NOT_SET;
}

int ex_event_topic_format(char *buf, size_t len, Exemplar__EventType t, const char *subject)
{
    const char *type = ex_event_type_name(t);
    int n = snprintf(buf, len, "event.%s.%s", type ? type : "none", subject ? subject : "");
    return n < 0 || (size_t)n >= len ? -1 : n;
}
