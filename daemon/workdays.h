/* SPDX-License-Identifier: MIT */
/*
 * Working days in Vietnam: Monday to Friday, minus the public holidays of
 * the Labour Code 2019 art. 112 (with their compensatory days and the
 * schedules the Government announces), plus the weekend days an announced
 * swap turns into working days.  The holidays come from YAML text
 * (daemon/data/holidays-vn.yaml built in, [rules] holidays_file on top):
 *
 *   holidays:
 *     - date: 2023-01-02
 *       name: Nghỉ bù Tết Dương lịch
 *       name_en: New Year's Day (compensatory day off)
 *     - from: 2023-01-20
 *       to: 2023-01-26
 *       name: Tết Nguyên đán
 *       name_en: Lunar New Year (Tết)
 *     - date: 2024-05-04
 *       working: true
 *       name: Làm bù cho thứ Hai 29/4/2024
 *       name_en: Working Saturday (swapped for Monday 29 April 2024)
 *
 * Each parse adds to the calendar; an entry for a day a previous parse
 * listed replaces it (an administrator's file overrides the built-in one).
 * Pure: no I/O besides parsing the text handed in.
 *
 * Days are those of day.h: counted from 1970-01-01 on Vietnam's calendar.
 */
#ifndef EXEMPLAR_WORKDAYS_H
#define EXEMPLAR_WORKDAYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WORKDAYS_NAME_MAX  128 /* bytes of a holiday's name, NUL included */
#define WORKDAYS_RANGE_MAX 31  /* days one from/to entry may cover */
#define WORKDAYS_ADD_MAX   36600

typedef struct workdays workdays_t;

/* An empty calendar: Monday to Friday are working days.  NULL when out of
 * memory. */
workdays_t *workdays_new(void);
void workdays_destroy(workdays_t **p);

/* Adds the entries of a holidays file to w.  source names the text in
 * messages.  All or nothing: on error w is unchanged.  Returns 0, or -1
 * with "SOURCE line N: what is wrong" in err (invalid YAML, an unknown
 * key, a bad date, a range longer than WORKDAYS_RANGE_MAX days or ending
 * before it begins, a missing or too long name, a name that is not NFC
 * UTF-8, a day listed twice in the same text, out of memory). */
int workdays_parse(workdays_t *w, const char *text, size_t len, const char *source, char *err,
                   size_t errlen);

/* The number of days the calendar lists (holidays and working days). */
size_t workdays_count(const workdays_t *w);

/* Is day a working day: Monday to Friday and not a holiday, or a weekend
 * day an announced swap made a working day? */
bool workdays_is_working(const workdays_t *w, int32_t day);

/* The day n working days after day (n < 0: before).  n = 0: day itself if
 * it is a working day, else the next working day.  |n| is clamped to
 * WORKDAYS_ADD_MAX; the cost grows with |n| plus the holidays passed. */
int32_t workdays_add(const workdays_t *w, int32_t day, int n);

/* The holiday's name on day, in Vietnamese or English (the Vietnamese one
 * when the file gives no English name); NULL when day is not a listed
 * holiday (a plain weekend, a working day, a swapped working Saturday). */
const char *workdays_holiday_name(const workdays_t *w, int32_t day, bool english);

#endif
