/* SPDX-License-Identifier: MIT */
/*
 * Durations (see duration.h).  The units are a table so that parsing and
 * the canonical text agree; the digits are read by hand with an overflow
 * check because strtoll would accept signs and spaces the format refuses.
 */
#include "duration.h"

#include <stdio.h>
#include <string.h>

#include "campaign.h"

#define DAY_MS      ((int64_t)86400 * 1000)
#define VN_SHIFT_MS ((int64_t)7 * 3600 * 1000)

/* Largest first: duration_format() takes the first unit that divides. */
static const struct {
    const char *suffix;
    int64_t ms; /* 0: working days */
} UNITS[] = {
    {"wd", 0}, {"d", DAY_MS}, {"h", 3600 * 1000}, {"m", 60 * 1000}, {"s", 1000}, {"ms", 1},
};

int duration_parse(const char *s, duration_t *out)
{
    if (!s || !s[0])
        return -1;
    int64_t v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > DURATION_MS_MAX)
            return -1;
    }
    if (p == s)
        return -1;
    if (!*p) {
        if (v != 0)
            return -1; /* a number needs its unit, except 0 */
        *out = (duration_t){0, 0};
        return 0;
    }
    for (size_t i = 0; i < sizeof(UNITS) / sizeof(UNITS[0]); i++) {
        if (strcmp(p, UNITS[i].suffix) != 0)
            continue;
        if (UNITS[i].ms == 0) {
            if (v > DURATION_WD_MAX)
                return -1;
            *out = (duration_t){0, (int32_t)v};
            return 0;
        }
        if (v > DURATION_MS_MAX / UNITS[i].ms)
            return -1;
        *out = (duration_t){v * UNITS[i].ms, 0};
        return 0;
    }
    return -1;
}

int duration_list_parse(const char *s, duration_t *out, size_t max, size_t *n, char *err,
                        size_t errlen)
{
    *n = 0;
    if (!s)
        return 0;
    while (*s) {
        size_t skip = strspn(s, " ,\t");
        s += skip;
        size_t len = strcspn(s, " ,\t");
        if (!len)
            break;
        char item[32];
        if (len >= sizeof(item)) {
            snprintf(err, errlen, "\"%.*s...\" is not a duration (e.g. 30s, 15m, 36h, 14d, 10wd)",
                     20, s);
            return -1;
        }
        memcpy(item, s, len);
        item[len] = '\0';
        if (*n == max) {
            snprintf(err, errlen, "the list holds more than %zu durations", max);
            return -1;
        }
        if (duration_parse(item, &out[*n]) < 0) {
            snprintf(err, errlen,
                     "\"%s\" is not a duration: digits and a unit, s, m, h, d (calendar days) or "
                     "wd (working days), at most %d days or %d working days",
                     item, (int)(DURATION_MS_MAX / DAY_MS), DURATION_WD_MAX);
            return -1;
        }
        (*n)++;
        s += len;
    }
    return 0;
}

int64_t duration_shift(const workdays_t *w, int64_t at_ms, const duration_t *d, int sign)
{
    sign = sign < 0 ? -1 : 1;
    if (!d->working_days)
        return at_ms + sign * d->ms;
    int32_t day = day_of_ms(at_ms);
    int64_t start = (int64_t)day * DAY_MS - VN_SHIFT_MS;
    int32_t to = workdays_add(w, day, sign * d->working_days);
    return (int64_t)to * DAY_MS - VN_SHIFT_MS + (at_ms - start);
}

const char *duration_format(const duration_t *d, char *buf, size_t len)
{
    if (d->working_days) {
        snprintf(buf, len, "%dwd", (int)d->working_days);
        return buf;
    }
    if (d->ms == 0) {
        snprintf(buf, len, "0");
        return buf;
    }
    for (size_t i = 1; i < sizeof(UNITS) / sizeof(UNITS[0]); i++)
        if (d->ms % UNITS[i].ms == 0) {
            snprintf(buf, len, "%lld%s", (long long)(d->ms / UNITS[i].ms), UNITS[i].suffix);
            break;
        }
    return buf;
}
