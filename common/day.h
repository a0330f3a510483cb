/* SPDX-License-Identifier: MIT */
/*
 * Days and quarters on Vietnam's calendar.  A day is counted from
 * 1970-01-01 in Vietnam's time (UTC+7, no daylight saving time since 1975),
 * so "the day of a request" is the day on a Vietnamese calendar; a quarter
 * is numbered year * 4 + (quarter - 1).  Pure arithmetic in the proleptic
 * Gregorian calendar: no time zone data, no I/O, so the daemon (campaigns,
 * working days, timers, tallies) and the workers share one definition.
 */
#ifndef EXEMPLAR_DAY_H
#define EXEMPLAR_DAY_H

#include <stddef.h>
#include <stdint.h>

#define DAY_VN_OFFSET_S  (7 * 3600) /* Vietnam's offset from UTC */
#define DAY_TEXT_MAX     11         /* "YYYY-MM-DD" and its NUL */
#define QUARTER_TEXT_MAX 7          /* "YYYYQn" and its NUL */

/* The Vietnamese day of a Unix time in ms. */
int32_t day_of_ms(int64_t ms);
/* The Unix time in ms at which a Vietnamese day begins. */
int64_t day_start_ms(int32_t day);

/* "YYYY-MM-DD" (years 1900-2999) -> day; -1 if s is not a valid date. */
int day_parse(const char *s, int32_t *out);
/* day -> "YYYY-MM-DD" (buf at least DAY_TEXT_MAX bytes).  Returns buf. */
const char *day_format(int32_t day, char *buf, size_t len);
/* The calendar date of day: year, month 1-12, day of the month 1-31. */
void day_ymd(int32_t day, int *year, int *month, int *mday);
int day_year(int32_t day);
/* Monday 0 ... Sunday 6. */
int day_weekday(int32_t day);

/* The quarter holding day, and the first and last days of quarter q. */
unsigned day_quarter_of(int32_t day);
int32_t day_quarter_first(unsigned q);
int32_t day_quarter_last(unsigned q);
/* "YYYYQn" (n 1-4, also "q", years 1970-2999) -> quarter; -1 otherwise. */
int day_quarter_parse(const char *s, unsigned *q);
/* quarter -> "YYYYQn" (buf at least QUARTER_TEXT_MAX bytes).  Returns buf. */
const char *day_quarter_format(unsigned q, char *buf, size_t len);

#endif
