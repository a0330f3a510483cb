/* SPDX-License-Identifier: MIT */
/*
 * Durations in configuration and campaign text: "30s", "15m", "36h", "14d"
 * (calendar days, 24 h each: Vietnam has no daylight saving time), "10wd"
 * (working days, counted with workdays.h) and "0".  A duration is either
 * a time span or a number of working days, never both.  Used for
 * reminders before and after a deadline ("14d 7d 1d") and in the
 * deterministic job ids built from duration_format().
 */
#ifndef EXEMPLAR_DURATION_H
#define EXEMPLAR_DURATION_H

#include <stddef.h>
#include <stdint.h>

#include "workdays.h"

/* The largest span accepted: 3660 days (ten years), as ms. */
#define DURATION_MS_MAX ((int64_t)3660 * 86400 * 1000)
/* The largest count of working days accepted. */
#define DURATION_WD_MAX 2600
/* Room for duration_format()'s text, NUL included. */
#define DURATION_TEXT_MAX 24

typedef struct {
    int64_t ms;           /* a span of time; 0 when working_days is set */
    int32_t working_days; /* 0: not counted in working days */
} duration_t;

/* Parses one duration: digits then a unit s, m, h, d or wd, or "0".  No
 * sign, no spaces, no fraction.  Returns 0, or -1 (s NULL, empty, not
 * of that form, or larger than DURATION_MS_MAX / DURATION_WD_MAX). */
int duration_parse(const char *s, duration_t *out);

/* Parses a list separated by spaces and/or commas ("14d 7d 1d",
 * "10wd, 5wd").  Fills out[0..*n).  Returns 0 (an empty list is 0 with
 * *n = 0), or -1 with a sentence in err naming the bad item or saying the
 * list holds more than max. */
int duration_list_parse(const char *s, duration_t *out, size_t max, size_t *n, char *err,
                        size_t errlen);

/* at_ms shifted by d: sign -1 before, +1 after.  A span moves the instant;
 * working days move the Vietnamese day with workdays_add() and keep the
 * time of day (w NULL: Monday to Friday). */
int64_t duration_shift(const workdays_t *w, int64_t at_ms, const duration_t *d, int sign);

/* The canonical text ("0", "30s", "15m", "36h", "14d", "10wd"): the
 * largest unit that divides the span exactly.  Returns buf (at least
 * DURATION_TEXT_MAX bytes is always enough). */
const char *duration_format(const duration_t *d, char *buf, size_t len);

#endif
