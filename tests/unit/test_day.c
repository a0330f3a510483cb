/* SPDX-License-Identifier: MIT */
/*
 * Days and quarters on Vietnam's calendar (common/day.c): dates both ways
 * across leap years and centuries, the Vietnamese day of a Unix time at the
 * UTC+7 boundary and before the epoch, weekdays, and quarters as the tallies,
 * the timers and the summary worker number and write them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "day.h"

static int32_t day(const char *s)
{
    int32_t d = 0;
    if (day_parse(s, &d) < 0)
        fail_msg("bad date in the test: %s", s);
    return d;
}

static void test_parse_and_format(void **state)
{
    (void)state;
    char buf[DAY_TEXT_MAX];
    assert_int_equal(day("1970-01-01"), 0);
    assert_int_equal(day("1969-12-31"), -1);
    assert_int_equal(day("2000-03-01") - day("2000-02-28"), 2); /* 2000 is a leap year */
    assert_int_equal(day("1900-03-01") - day("1900-02-28"), 1); /* 1900 is not */
    assert_int_equal(day("2024-12-31") - day("2024-01-01"), 365);
    /* Every day of four centuries goes both ways. */
    for (int32_t d = day("1900-01-01"); d <= day("2300-12-31"); d++) {
        int32_t back = 0;
        assert_int_equal(day_parse(day_format(d, buf, sizeof buf), &back), 0);
        assert_int_equal(back, d);
    }
    assert_string_equal(day_format(day("2023-09-02"), buf, sizeof buf), "2023-09-02");
    int y, m, md;
    day_ymd(day("2024-02-29"), &y, &m, &md);
    assert_int_equal(y, 2024);
    assert_int_equal(m, 2);
    assert_int_equal(md, 29);
    assert_int_equal(day_year(day("2025-12-31")), 2025);
}

static void test_parse_refuses(void **state)
{
    (void)state;
    static const char *const BAD[] = {
        "2023-02-29", "2024-02-30", "2023-13-01", "2023-00-10", "2023-04-31",
        "2023-4-01",  "2023-04-1",  "23-04-01",   "2023/04/01", "2023-04-01x",
        "1899-12-31", "3000-01-01", "",           "2023-04-0a",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
        int32_t d = 12345;
        assert_int_equal(day_parse(BAD[i], &d), -1);
        assert_int_equal(d, 12345); /* untouched */
    }
    int32_t d;
    assert_int_equal(day_parse(NULL, &d), -1);
}

/* Vietnam's day starts at 17:00 UTC of the day before. */
static void test_vietnam_time(void **state)
{
    (void)state;
    int32_t d = day("2023-09-02");
    int64_t start = day_start_ms(d);
    assert_int_equal(start, 1693587600000LL); /* 2023-09-01T17:00:00Z */
    assert_int_equal(day_of_ms(start), d);
    assert_int_equal(day_of_ms(start - 1), d - 1);
    assert_int_equal(day_of_ms(start + 86400000LL - 1), d);
    assert_int_equal(day_of_ms(start + 86400000LL), d + 1);
    /* Before the epoch: 1969-12-31T16:59:59.999Z is still 1969-12-31 in Vietnam. */
    assert_int_equal(day_of_ms(-7 * 3600 * 1000LL - 1), -1);
    assert_int_equal(day_of_ms(-7 * 3600 * 1000LL), 0);
    assert_int_equal(day_of_ms(-86400000LL * 400), -400);
}

static void test_weekday(void **state)
{
    (void)state;
    assert_int_equal(day_weekday(day("1970-01-01")), 3); /* a Thursday */
    assert_int_equal(day_weekday(day("1969-12-29")), 0); /* a Monday */
    assert_int_equal(day_weekday(day("1945-09-02")), 6); /* a Sunday */
    assert_int_equal(day_weekday(day("2026-12-07")), 0); /* a Monday */
}

static void test_quarters(void **state)
{
    (void)state;
    char buf[QUARTER_TEXT_MAX];
    unsigned q = 0;
    assert_int_equal(day_quarter_parse("2023Q3", &q), 0);
    assert_int_equal(q, 2023 * 4 + 2);
    assert_string_equal(day_quarter_format(q, buf, sizeof buf), "2023Q3");
    assert_int_equal(day_quarter_parse("2023q1", &q), 0);
    assert_int_equal(q, 2023 * 4);
    assert_int_equal(day_quarter_first(q), day("2023-01-01"));
    assert_int_equal(day_quarter_last(q), day("2023-03-31"));
    assert_int_equal(day_quarter_last(2024 * 4), day("2024-03-31"));
    assert_int_equal(day_quarter_last(2024 * 4 + 3), day("2024-12-31"));
    assert_int_equal(day_quarter_of(day("2024-12-31")), 2024 * 4 + 3);
    assert_int_equal(day_quarter_of(day("2025-01-01")), 2025 * 4);
    assert_int_equal(day_quarter_of(day("2023-07-01")), 2023 * 4 + 2);
    assert_int_equal(day_quarter_of(day("2023-06-30")), 2023 * 4 + 1);
    /* Every day lies in its quarter, and the quarters tile the years. */
    for (int32_t d = day("1970-01-01"); d <= day("2100-12-31"); d++) {
        unsigned k = day_quarter_of(d);
        assert_true(day_quarter_first(k) <= d && d <= day_quarter_last(k));
        assert_int_equal(day_quarter_first(k + 1), day_quarter_last(k) + 1);
    }
    static const char *const BAD[] = {"2023Q0", "2023Q5", "2023-3",  "23Q3",   "2023Q",
                                      "1969Q4", "3000Q1", "2023Q31", "2o23Q1", ""};
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
        q = 7;
        assert_int_equal(day_quarter_parse(BAD[i], &q), -1);
        assert_int_equal(q, 7);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_format), cmocka_unit_test(test_parse_refuses),
        cmocka_unit_test(test_vietnam_time),     cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_quarters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
