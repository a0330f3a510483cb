/* SPDX-License-Identifier: MIT */
/*
 * Working days, holidays and durations (daemon/workdays.c, duration.c) and
 * the milestone deadlines of campaign files: the built-in Vietnamese
 * holidays (Tết, 2 September and its adjacent day, compensatory days, a
 * swapped working Saturday), an administrator's file over them, counting
 * working days both ways, durations and their shifts, and deadlines in
 * Vietnam's time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "campaign.h"
#include "duration.h"
#include "embedded.h"
#include "workdays.h"

static int32_t day(const char *s)
{
    int32_t d;
    if (day_parse(s, &d) < 0)
        fail_msg("bad date in the test: %s", s);
    return d;
}

static const char *fmt(int32_t d)
{
    static char buf[4][16];
    static int i;
    i = (i + 1) % 4;
    return day_format(d, buf[i], sizeof buf[i]);
}

static workdays_t *vn;

static int load_vn(void **state)
{
    (void)state;
    char err[512];
    vn = workdays_new();
    if (!vn || workdays_parse(vn, EMBED_holidays_vn, EMBED_holidays_vn_LEN, "holidays-vn.yaml", err,
                              sizeof err) < 0) {
        print_error("%s\n", vn ? err : "out of memory");
        return -1;
    }
    return 0;
}

static int free_vn(void **state)
{
    (void)state;
    workdays_destroy(&vn);
    return 0;
}

static void weekdays_work_and_weekends_rest(void **state)
{
    (void)state;
    assert_int_equal(day_weekday(day("1970-01-01")), 3); /* a Thursday */
    assert_int_equal(day_weekday(day("1969-12-29")), 0); /* a Monday */
    workdays_t *w = workdays_new();
    assert_non_null(w);
    assert_true(workdays_is_working(w, day("2023-03-10")));  /* Friday */
    assert_false(workdays_is_working(w, day("2023-03-11"))); /* Saturday */
    assert_false(workdays_is_working(w, day("2023-03-12"))); /* Sunday */
    assert_true(workdays_is_working(NULL, day("2023-03-13")));
    assert_null(workdays_holiday_name(w, day("2023-03-11"), false));
    assert_int_equal(workdays_count(w), 0);
    workdays_destroy(&w);
    assert_null(w);
}

static void tet_2023_is_off(void **state)
{
    (void)state;
    assert_true(workdays_is_working(vn, day("2023-01-19")));
    for (int32_t d = day("2023-01-20"); d <= day("2023-01-26"); d++) {
        if (workdays_is_working(vn, d))
            fail_msg("%s is in Tết 2023 but counted as a working day", fmt(d));
        assert_string_equal(workdays_holiday_name(vn, d, false), "Tết Nguyên đán Quý Mão");
        assert_string_equal(workdays_holiday_name(vn, d, true), "Lunar New Year (Tết)");
    }
    assert_true(workdays_is_working(vn, day("2023-01-27")));
    /* New Year's Day 2023 was a Sunday: Monday 2 January was off. */
    assert_false(workdays_is_working(vn, day("2023-01-02")));
    assert_string_equal(workdays_holiday_name(vn, day("2023-01-02"), false),
                        "Nghỉ bù Tết Dương lịch");
}

static void national_day_and_its_adjacent_day(void **state)
{
    (void)state;
    /* 2021: Thursday 2 and Friday 3 September. */
    assert_false(workdays_is_working(vn, day("2021-09-02")));
    assert_false(workdays_is_working(vn, day("2021-09-03")));
    assert_true(workdays_is_working(vn, day("2021-09-01")));
    /* 2024: Monday 2 and Tuesday 3 September. */
    assert_false(workdays_is_working(vn, day("2024-09-02")));
    assert_false(workdays_is_working(vn, day("2024-09-03")));
    assert_true(workdays_is_working(vn, day("2024-09-04")));
    assert_string_equal(workdays_holiday_name(vn, day("2024-09-02"), true), "National Day");
}

static void compensatory_days(void **state)
{
    (void)state;
    /* Hùng Kings' day 2022 was a Sunday: Monday 11 April was off. */
    assert_false(workdays_is_working(vn, day("2022-04-11")));
    assert_non_null(strstr(workdays_holiday_name(vn, day("2022-04-11"), true), "compensatory"));
    /* 30 April and 1 May 2022 were Saturday and Sunday: 2 and 3 May were off. */
    assert_false(workdays_is_working(vn, day("2022-05-02")));
    assert_false(workdays_is_working(vn, day("2022-05-03")));
    assert_true(workdays_is_working(vn, day("2022-05-04")));
    /* Hùng Kings' day 2023 (Saturday 29 April) and 30 April (Sunday). */
    assert_false(workdays_is_working(vn, day("2023-05-02")));
    assert_false(workdays_is_working(vn, day("2023-05-03")));
}

static void swapped_working_saturday(void **state)
{
    (void)state;
    /* 2024: Monday 29 April off, Saturday 4 May worked instead. */
    assert_false(workdays_is_working(vn, day("2024-04-29")));
    assert_true(workdays_is_working(vn, day("2024-05-04")));
    assert_null(workdays_holiday_name(vn, day("2024-05-04"), false));
    assert_false(workdays_is_working(vn, day("2024-05-05")));
    /* 2025: Friday 2 May off, Saturday 26 April worked (Thông báo
     * 6150/TB-BLĐTBXH).  Tết 2025 needed no swap: Monday 27 January is one
     * of the five Tết days and Saturday 8 February stays a day off. */
    assert_false(workdays_is_working(vn, day("2025-05-02")));
    assert_true(workdays_is_working(vn, day("2025-04-26")));
    assert_false(workdays_is_working(vn, day("2025-01-27")));
    assert_false(workdays_is_working(vn, day("2025-02-08")));
    assert_null(workdays_holiday_name(vn, day("2025-02-08"), false));
}

/* 2026 as announced: 2 January swapped for Saturday 10 January (Công văn
 * 12729/VPCP-KGVX of 25/12/2025), and 31 August for Saturday 22 August. */
static void announced_2026_swaps(void **state)
{
    (void)state;
    assert_false(workdays_is_working(vn, day("2026-01-01")));
    assert_false(workdays_is_working(vn, day("2026-01-02")));
    assert_non_null(strstr(workdays_holiday_name(vn, day("2026-01-02"), true), "10 January 2026"));
    assert_true(workdays_is_working(vn, day("2026-01-10")));
    assert_null(workdays_holiday_name(vn, day("2026-01-10"), false));
    assert_false(workdays_is_working(vn, day("2026-01-11")));
    /* Wednesday 31 December 2025 + 1 working day: Monday 5 January. */
    assert_string_equal(fmt(workdays_add(vn, day("2025-12-31"), 1)), "2026-01-05");
    /* Friday 9 January + 1: the working Saturday 10 January. */
    assert_string_equal(fmt(workdays_add(vn, day("2026-01-09"), 1)), "2026-01-10");
    assert_string_equal(fmt(workdays_add(vn, day("2026-01-12"), -1)), "2026-01-10");
    /* Tết: Saturday 14 to Sunday 22 February. */
    assert_true(workdays_is_working(vn, day("2026-02-13")));
    for (int32_t d = day("2026-02-14"); d <= day("2026-02-22"); d++)
        assert_false(workdays_is_working(vn, d));
    assert_true(workdays_is_working(vn, day("2026-02-23")));
    /* Quốc khánh: Saturday 29 August to Wednesday 2 September. */
    assert_true(workdays_is_working(vn, day("2026-08-22")));
    for (int32_t d = day("2026-08-29"); d <= day("2026-09-02"); d++)
        assert_false(workdays_is_working(vn, d));
    assert_string_equal(fmt(workdays_add(vn, day("2026-08-27"), 3)), "2026-09-04");
}

static void every_year_has_its_holidays(void **state)
{
    (void)state;
    static const char *const LNY[] = {"2021-02-12", "2022-02-01", "2023-01-22", "2024-02-10",
                                      "2025-01-29", "2026-02-17", "2027-02-06", "2028-01-26",
                                      "2029-02-13", "2030-02-03"};
    static const char *const HUNG[] = {"2021-04-21", "2022-04-10", "2023-04-29", "2024-04-18",
                                       "2025-04-07", "2026-04-26", "2027-04-16", "2028-04-04",
                                       "2029-04-23", "2030-04-12"};
    for (int y = 2021; y <= 2030; y++) {
        char d[4][16];
        snprintf(d[0], sizeof d[0], "%d-01-01", y);
        snprintf(d[1], sizeof d[1], "%d-04-30", y);
        snprintf(d[2], sizeof d[2], "%d-05-01", y);
        snprintf(d[3], sizeof d[3], "%d-09-02", y);
        for (int i = 0; i < 4; i++)
            if (!workdays_holiday_name(vn, day(d[i]), false))
                fail_msg("%s is not listed as a holiday", d[i]);
        if (!strstr(workdays_holiday_name(vn, day(LNY[y - 2021]), false), "Tết Nguyên đán"))
            fail_msg("Lunar New Year's Day %s is not Tết", LNY[y - 2021]);
        /* The eve of Tết and the three days after it. */
        for (int k = -1; k <= 3; k++)
            assert_false(workdays_is_working(vn, day(LNY[y - 2021]) + k));
        assert_string_equal(workdays_holiday_name(vn, day(HUNG[y - 2021]), false),
                            "Giỗ Tổ Hùng Vương");
        /* 2 September and one adjacent day. */
        int32_t sep2 = day(d[3]);
        assert_true(workdays_holiday_name(vn, sep2 - 1, false) ||
                    workdays_holiday_name(vn, sep2 + 1, false));
    }
}

static void adding_working_days_across_tet_and_weekends(void **state)
{
    (void)state;
    /* Thursday 19 January 2023, the last day before Tết: +1 is Friday 27. */
    assert_string_equal(fmt(workdays_add(vn, day("2023-01-19"), 1)), "2023-01-27");
    assert_string_equal(fmt(workdays_add(vn, day("2023-01-27"), -1)), "2023-01-19");
    assert_string_equal(fmt(workdays_add(vn, day("2023-01-19"), 2)), "2023-01-30");
    /* From inside Tết. */
    assert_string_equal(fmt(workdays_add(vn, day("2023-01-22"), 1)), "2023-01-27");
    assert_string_equal(fmt(workdays_add(vn, day("2023-01-22"), -1)), "2023-01-19");
    assert_string_equal(fmt(workdays_add(vn, day("2023-01-22"), 0)), "2023-01-27");
    assert_string_equal(fmt(workdays_add(vn, day("2023-01-19"), 0)), "2023-01-19");
    /* Friday + 1 is Monday; Monday - 1 is Friday. */
    assert_string_equal(fmt(workdays_add(vn, day("2023-03-10"), 1)), "2023-03-13");
    assert_string_equal(fmt(workdays_add(vn, day("2023-03-13"), -1)), "2023-03-10");
    assert_string_equal(fmt(workdays_add(vn, day("2023-03-11"), 0)), "2023-03-13");
    /* Ten working days after 1 September 2021: [2-5 off], 6..10, 13..17. */
    assert_string_equal(fmt(workdays_add(vn, day("2021-09-01"), 10)), "2021-09-17");
    /* The swapped Saturday counts: Friday 3 May 2024 + 1 = Saturday 4 May. */
    assert_string_equal(fmt(workdays_add(vn, day("2024-05-03"), 1)), "2024-05-04");
    assert_string_equal(fmt(workdays_add(vn, day("2024-05-06"), -1)), "2024-05-04");
    /* Without holidays: 5 working days are a week. */
    assert_int_equal(workdays_add(NULL, day("2023-03-08"), 5), day("2023-03-15"));
    assert_int_equal(workdays_add(NULL, day("2023-03-08"), -5), day("2023-03-01"));
    /* Huge counts are clamped, not looped over for ever. */
    int32_t far = workdays_add(NULL, 0, 1 << 30);
    assert_int_equal(far, workdays_add(NULL, 0, WORKDAYS_ADD_MAX));
}

static void an_administrators_file_adds_and_overrides(void **state)
{
    (void)state;
    workdays_t *w = workdays_new();
    char err[512];
    assert_int_equal(
        workdays_parse(w, EMBED_holidays_vn, EMBED_holidays_vn_LEN, "built-in", err, sizeof err),
        0);
    size_t builtin = workdays_count(w);
    static const char LOCAL[] = "# the announced 2026 schedule\n"
                                "holidays:\n"
                                "  - date: 2026-09-01\n"
                                "    working: true\n"
                                "    name: Ngày làm việc\n"
                                "  - date: 2026-09-03\n"
                                "    name: Nghỉ lễ Quốc khánh (ngày liền kề)\n"
                                "    name_en: National Day holiday (adjacent day)\n"
                                "  - from: 2026-12-30\n"
                                "    to: 2026-12-31\n"
                                "    name: Ngày nghỉ của đơn vị\n";
    assert_int_equal(workdays_parse(w, LOCAL, strlen(LOCAL), "local.yaml", err, sizeof err), 0);
    assert_true(workdays_is_working(w, day("2026-09-01")));
    assert_false(workdays_is_working(w, day("2026-09-03")));
    assert_false(workdays_is_working(w, day("2026-12-31")));
    /* No English name: the Vietnamese one. */
    assert_string_equal(workdays_holiday_name(w, day("2026-12-30"), true), "Ngày nghỉ của đơn vị");
    assert_int_equal(workdays_count(w), builtin + 3);
    /* An empty list is a valid file that adds nothing. */
    assert_int_equal(workdays_parse(w, "holidays: []\n", 13, "empty.yaml", err, sizeof err), 0);
    assert_int_equal(workdays_count(w), builtin + 3);
    workdays_destroy(&w);
}

static void holiday_file_errors_name_the_line_and_change_nothing(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"holidays:\n  - date: 2026-02-30\n    name: x\n", "t.yaml line 2: date must be a date"},
        {"holidays:\n  - date: 2026-02-03\n    nmae: x\n", "t.yaml line 3: unknown key \"nmae\""},
        {"holidays:\n  - date: 2026-02-03\n", "t.yaml line 2: a holiday needs a name"},
        {"holidays:\n  - from: 2026-02-03\n    name: x\n", "line 2: a holiday needs a date, or"},
        {"holidays:\n  - from: 2026-02-03\n    to: 2026-02-01\n    name: x\n",
         "line 2: holiday \"x\" ends before it begins"},
        {"holidays:\n  - from: 2026-01-01\n    to: 2026-03-01\n    name: x\n",
         "covers more than 31 days"},
        {"holidays:\n  - date: 2026-02-03\n    name: x\n  - from: 2026-02-01\n    to: "
         "2026-02-05\n    name: y\n",
         "line 4: 2026-02-03 is already listed on line 2"},
        {"holidays:\n  - date: 2026-02-03\n    working: yes\n    name: x\n",
         "line 3: working must be true or false"},
        /* "Tết" with a combining acute: not NFC. */
        {"holidays:\n  - date: 2026-02-03\n    name: \"Te\xcc\x82\xcc\x81t\"\n",
         "line 3: name must be UTF-8 in Unicode normal form C"},
        {"days:\n  - date: 2026-02-03\n", "line 1: unknown key \"days\""},
        {"holidays: [\n", "t.yaml line 2"},
        {"", "t.yaml line 1: the file is empty"},
    };
    workdays_t *w = workdays_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512] = "";
        assert_int_equal(
            workdays_parse(w, cases[i].text, strlen(cases[i].text), "t.yaml", err, sizeof err), -1);
        if (!strstr(err, cases[i].want))
            fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, cases[i].want);
    }
    /* A file with an error after valid entries adds none of them. */
    static const char HALF[] = "holidays:\n  - date: 2026-03-02\n    name: x\n  - date: bad\n";
    char err[512];
    assert_int_equal(workdays_parse(w, HALF, strlen(HALF), "t.yaml", err, sizeof err), -1);
    assert_true(workdays_is_working(w, day("2026-03-02")));
    assert_int_equal(workdays_count(w), 0);
    workdays_destroy(&w);
}

static void durations_parse(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t ms;
        int32_t wd;
        const char *canonical;
    } ok[] = {
        {"0", 0, 0, "0"},
        {"30s", 30000, 0, "30s"},
        {"15m", 900000, 0, "15m"},
        {"36h", 129600000, 0, "36h"},
        {"14d", 1209600000, 0, "14d"},
        {"10wd", 0, 10, "10wd"},
        {"48h", 172800000, 0, "2d"},
        {"90s", 90000, 0, "90s"},
        {"120s", 120000, 0, "2m"},
        {"0d", 0, 0, "0"},
        {"3660d", (int64_t)3660 * 86400000, 0, "3660d"},
        {"2600wd", 0, 2600, "2600wd"},
        {"1500ms", 1500, 0, "1500ms"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        duration_t d = {-1, -1};
        char buf[DURATION_TEXT_MAX];
        if (duration_parse(ok[i].text, &d) < 0)
            fail_msg("\"%s\" refused", ok[i].text);
        assert_int_equal(d.ms, ok[i].ms);
        assert_int_equal(d.working_days, ok[i].wd);
        assert_string_equal(duration_format(&d, buf, sizeof buf), ok[i].canonical);
    }
    static const char *const BAD[] = {
        "",
        "d",
        "10",
        "-5d",
        "+5d",
        " 5d",
        "5d ",
        "5 d",
        "5D",
        "5x",
        "1.5h",
        "5dd",
        "wd",
        "3661d",
        "2601wd",
        "87841h",
        "99999999999999999999s",
        "9223372036854775807ms",
        "0x10s",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        duration_t d;
        if (duration_parse(BAD[i], &d) == 0)
            fail_msg("\"%s\" accepted", BAD[i]);
    }
    duration_t d;
    assert_int_equal(duration_parse(NULL, &d), -1);
}

static void duration_lists_parse(void **state)
{
    (void)state;
    duration_t d[4];
    size_t n = 99;
    char err[256];
    assert_int_equal(duration_list_parse("14d 7d 1d", d, 4, &n, err, sizeof err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(d[1].ms, 7 * 86400000LL);
    assert_int_equal(duration_list_parse(" 10wd, 5wd,,0 ", d, 4, &n, err, sizeof err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(d[0].working_days, 10);
    assert_int_equal(d[2].ms, 0);
    assert_int_equal(duration_list_parse("", d, 4, &n, err, sizeof err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(duration_list_parse("14d 7x", d, 4, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "\"7x\" is not a duration"));
    assert_int_equal(duration_list_parse("1d 2d 3d 4d 5d", d, 4, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "more than 4"));
}

static int64_t vn_ms(const char *date, int h, int m)
{
    return day_start_ms(day(date)) + ((int64_t)h * 3600 + m * 60) * 1000;
}

static void durations_shift_instants_and_working_days(void **state)
{
    (void)state;
    duration_t d;
    int64_t at = vn_ms("2023-01-19", 17, 0);
    assert_int_equal(duration_parse("36h", &d), 0);
    assert_int_equal(duration_shift(vn, at, &d, +1), at + 36 * 3600000LL);
    assert_int_equal(duration_shift(vn, at, &d, -1), at - 36 * 3600000LL);
    /* One working day after Thursday 19 January 2023 17:00 is Friday 27 at 17:00. */
    assert_int_equal(duration_parse("1wd", &d), 0);
    assert_int_equal(duration_shift(vn, at, &d, +1), vn_ms("2023-01-27", 17, 0));
    assert_int_equal(duration_shift(vn, vn_ms("2023-01-27", 8, 30), &d, -1),
                     vn_ms("2023-01-19", 8, 30));
    /* The Vietnamese day counts, not the UTC one: 06:00 VN is still the
     * previous day in UTC. */
    assert_int_equal(duration_shift(vn, vn_ms("2023-03-13", 6, 0), &d, -1),
                     vn_ms("2023-03-10", 6, 0));
    /* 10 working days before 15 September 2021 at 17:00. */
    assert_int_equal(duration_parse("10wd", &d), 0);
    assert_int_equal(duration_shift(vn, vn_ms("2021-09-15", 17, 0), &d, -1),
                     vn_ms("2021-08-30", 17, 0));
    assert_int_equal(duration_parse("0", &d), 0);
    assert_int_equal(duration_shift(vn, at, &d, -1), at);
}

/* ---- milestone deadlines -------------------------------------------------- */

static const char CAMPAIGN[] = "id: c\n"
                               "periods:\n"
                               "  - id: 2021-2023\n"
                               "    years: [2021]\n"
                               "milestones:\n"
                               "  - name: Hạn gửi kế hoạch\n"
                               "    from: 2021-09-15\n"
                               "    to: 2021-09-15\n"
                               "    deadline: plan\n"
                               "    period: 2021-2023\n"
                               "    due_time: \"17:00\"\n"
                               "  - name: Lịch\n"
                               "    from: 2021-10-01\n"
                               "    to: 2021-10-31\n"
                               "  - name: Mười ngày làm việc\n"
                               "    from: 2021-09-01\n"
                               "    to: 2021-09-01\n"
                               "    deadline: plan\n"
                               "    period: 2021-2023\n"
                               "    due_working_days: 10\n"
                               "  - name: Cuối ngày\n"
                               "    from: 2021-09-20\n"
                               "    to: 2021-09-21\n"
                               "    deadline: plan\n"
                               "    period: 2021-2023\n"
                               "    due_time: \"08:30:15\"\n";

static void milestone_deadlines_parse(void **state)
{
    (void)state;
    campaign_t c;
    char err[512];
    if (campaign_parse(CAMPAIGN, strlen(CAMPAIGN), "c.yaml", &c, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_int_equal(c.n_milestones, 4);
    const milestone_t *m = &c.milestones[0];
    assert_int_equal(m->action, MILESTONE_PLAN);
    assert_string_equal(milestone_action_name(m->action), "plan");
    assert_string_equal(m->period, "2021-2023");
    assert_int_equal(m->due_day, day("2021-09-15"));
    assert_int_equal(m->due_secs, 17 * 3600);
    /* 2021-09-15 17:00 in Vietnam is 10:00 UTC: 1631700000 s. */
    assert_int_equal(milestone_due_ms(m), 1631700000000LL);
    m = &c.milestones[1];
    assert_int_equal(m->action, MILESTONE_INFO);
    assert_string_equal(milestone_action_name(m->action), "");
    assert_int_equal(m->due_day, day("2021-10-31"));
    assert_int_equal(m->due_secs, 86399);
    /* Working days: Monday to Friday until the holidays are known ... */
    m = &c.milestones[2];
    assert_int_equal(m->due_working_days, 10);
    assert_string_equal(fmt(m->due_day), "2021-09-15");
    /* ... then with 2 and 3 September 2021 off. */
    campaign_resolve_workdays(&c, vn);
    assert_string_equal(fmt(m->due_day), "2021-09-17");
    assert_int_equal(milestone_due_ms(m), day_start_ms(day("2021-09-17")) + 86399000LL);
    m = &c.milestones[3];
    assert_int_equal(m->due_day, day("2021-09-21"));
    assert_int_equal(m->due_secs, 8 * 3600 + 30 * 60 + 15);
}

static void milestone_deadline_errors_name_the_line(void **state)
{
    (void)state;
    static const char HEAD[] = "id: c\nperiods:\n  - id: p1\n    years: [2021]\nmilestones:\n"
                               "  - name: m\n    from: 2021-09-15\n";
    static const struct {
        const char *tail, *want;
    } cases[] = {
        {"    deadline: report\n    period: p1\n", "line 8: unknown deadline \"report\""},
        {"    deadline: plan\n    period: p9\n",
         "line 8: milestone \"m\": campaign c has no period p9"},
        {"    deadline: plan\n", "line 6: milestone \"m\" is a deadline: say which period"},
        {"    period: p1\n", "line 6: milestone \"m\": period, due_time and due_working_days"},
        {"    deadline: plan\n    period: p1\n    due_time: \"24:00\"\n",
         "line 10: due_time must be HH:MM or HH:MM:SS"},
        {"    deadline: plan\n    period: p1\n    due_time: \"7:30\"\n", "line 10: due_time"},
        {"    deadline: plan\n    period: p1\n    due_time: \"17:00:60\"\n", "line 10: due_time"},
        {"    deadline: plan\n    period: p1\n    due_working_days: 0\n",
         "line 10: due_working_days must be a whole number from 1"},
        {"    deadline: plan\n    period: p1\n    due: 2021-09-15\n",
         "line 10: unknown key \"due\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024], err[512] = "";
        campaign_t c;
        snprintf(text, sizeof text, "%s%s", HEAD, cases[i].tail);
        assert_int_equal(campaign_parse(text, strlen(text), "t.yaml", &c, err, sizeof err), -1);
        if (!strstr(err, cases[i].want))
            fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, cases[i].want);
    }
}

static void relative_deadlines_resolve_with_their_campaign(void **state)
{
    (void)state;
    static const char REL[] = "id: r\nrelative: true\nperiods:\n  - id: r1\n    years: [0]\n"
                              "milestones:\n"
                              "  - name: a\n    from: +10\n    to: +12\n    deadline: plan\n"
                              "    period: r1\n"
                              "  - name: b\n    from: +0\n    deadline: plan\n    period: r1\n"
                              "    due_working_days: 3\n";
    campaign_t c;
    char err[512];
    if (campaign_parse(REL, strlen(REL), "r.yaml", &c, err, sizeof err) < 0)
        fail_msg("%s", err);
    campaign_resolve_workdays(&c, vn);       /* not laid out yet: nothing */
    campaign_resolve(&c, day("2024-05-02")); /* a Thursday */
    assert_string_equal(fmt(c.milestones[0].due_day), "2024-05-14");
    /* Monday to Friday: Thursday + 3 = Tuesday 7 May ... */
    assert_string_equal(fmt(c.milestones[1].due_day), "2024-05-07");
    /* ... and with the swapped Saturday 4 May 2024 a working day, Monday 6. */
    campaign_resolve_workdays(&c, vn);
    assert_string_equal(fmt(c.milestones[1].due_day), "2024-05-06");
}

static void shipped_campaign_marks_the_plan_deadlines(void **state)
{
    (void)state;
    campaign_t c;
    char err[512];
    assert_int_equal(campaign_parse(EMBED_campaign_2021_2025, EMBED_campaign_2021_2025_LEN,
                                    "2021-2025.yaml", &c, err, sizeof err),
                     0);
    size_t plans = 0;
    for (size_t i = 0; i < c.n_milestones; i++) {
        const milestone_t *m = &c.milestones[i];
        if (m->action != MILESTONE_PLAN)
            continue;
        plans++;
        if (strcmp(m->period, "2021-2023") == 0)
            assert_string_equal(fmt(m->due_day), "2021-09-15");
        else if (strcmp(m->period, "2023-2025") == 0)
            assert_string_equal(fmt(m->due_day), "2024-03-31");
        else
            fail_msg("a plan deadline for period %s", m->period);
    }
    assert_int_equal(plans, 2);
    assert_int_equal(campaign_parse(EMBED_campaign_demo, EMBED_campaign_demo_LEN, "demo.yaml", &c,
                                    err, sizeof err),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weekdays_work_and_weekends_rest),
        cmocka_unit_test(tet_2023_is_off),
        cmocka_unit_test(national_day_and_its_adjacent_day),
        cmocka_unit_test(compensatory_days),
        cmocka_unit_test(swapped_working_saturday),
        cmocka_unit_test(announced_2026_swaps),
        cmocka_unit_test(every_year_has_its_holidays),
        cmocka_unit_test(adding_working_days_across_tet_and_weekends),
        cmocka_unit_test(an_administrators_file_adds_and_overrides),
        cmocka_unit_test(holiday_file_errors_name_the_line_and_change_nothing),
        cmocka_unit_test(durations_parse),
        cmocka_unit_test(duration_lists_parse),
        cmocka_unit_test(durations_shift_instants_and_working_days),
        cmocka_unit_test(milestone_deadlines_parse),
        cmocka_unit_test(milestone_deadline_errors_name_the_line),
        cmocka_unit_test(relative_deadlines_resolve_with_their_campaign),
        cmocka_unit_test(shipped_campaign_marks_the_plan_deadlines),
    };
    return cmocka_run_group_tests(tests, load_vn, free_vn);
}
