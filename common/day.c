/* SPDX-License-Identifier: MIT */
/*
 * Days and quarters (see day.h): H. Hinnant's civil-from-days algorithms,
 * exact for every day of the proleptic Gregorian calendar.
 */
#include "day.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Days from 1970-01-01 to y-m-d (H. Hinnant's days_from_civil). */
static int32_t days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int32_t)doe - 719468;
}

static void civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)yoe + era * 400 + (*m <= 2);
}

int32_t day_of_ms(int64_t ms)
{
    int64_t s = (ms >= 0 ? ms / 1000 : (ms - 999) / 1000) + DAY_VN_OFFSET_S;
    return (int32_t)(s >= 0 ? s / 86400 : (s - 86399) / 86400);
}

int64_t day_start_ms(int32_t day)
{
    return ((int64_t)day * 86400 - DAY_VN_OFFSET_S) * 1000;
}

int day_parse(const char *s, int32_t *out)
{
    int y, m, d, n = 0;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
        s[4] != '-' || s[7] != '-' || y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
        return -1;
    static const int MDAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > MDAYS[m - 1] + (m == 2 && leap))
        return -1;
    *out = days_from_civil(y, (unsigned)m, (unsigned)d);
    return 0;
}

void day_ymd(int32_t day, int *year, int *month, int *mday)
{
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    *year = y;
    *month = (int)m;
    *mday = (int)d;
}

const char *day_format(int32_t day, char *buf, size_t len)
{
    int y, m, d;
    day_ymd(day, &y, &m, &d);
    snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
    return buf;
}

int day_year(int32_t day)
{
    int y, m, d;
    day_ymd(day, &y, &m, &d);
    return y;
}

int day_weekday(int32_t day)
{
    /* 1970-01-01 was a Thursday (3). */
    int r = (int)((day + 3) % 7);
    return r < 0 ? r + 7 : r;
}

unsigned day_quarter_of(int32_t day)
{
    int y, m, d;
    day_ymd(day, &y, &m, &d);
    return y < 0 ? 0 : (unsigned)(y * 4 + (m - 1) / 3);
}

int32_t day_quarter_first(unsigned q)
{
    return days_from_civil((int)(q / 4), (q % 4) * 3 + 1, 1);
}

int32_t day_quarter_last(unsigned q)
{
    return day_quarter_first(q + 1) - 1;
}

int day_quarter_parse(const char *s, unsigned *q)
{
    if (!s || strlen(s) != 6 || (s[4] != 'Q' && s[4] != 'q') || s[5] < '1' || s[5] > '4')
        return -1;
    unsigned y = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        y = y * 10 + (unsigned)(s[i] - '0');
    }
    /* the years day_parse knows, from the epoch on */
    if (y < 1970 || y > 2999)
        return -1;
    *q = y * 4 + (unsigned)(s[5] - '1');
    return 0;
}

const char *day_quarter_format(unsigned q, char *buf, size_t len)
{
    snprintf(buf, len, "%04uQ%u", (q / 4) % 10000, q % 4 + 1);
    return buf;
}
