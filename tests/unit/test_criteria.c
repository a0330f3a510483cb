/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the criteria (daemon/criteria.c) on a rule book of the
 * test's own, beside the shipped book's cases in test_rules.c: each year of
 * a period is judged by the rule set of that year (two sets, two different
 * requirements, two calendars); a higher title meets a lower requirement;
 * years no rule set covers are unjudged and fail the criteria; the turning
 * days are each judged year's decided_by + 1, and on that day, with no new
 * evidence, a pending year becomes missing; a fact's text resolves to a
 * title through the versioned catalogue (rulebook_resolve).  Pure: no
 * store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "campaign.h"
#include "criteria.h"
#include "i18n.h"

/* Set "old" (2020-2021) asks for A, decided by 31 January; set "new" (from
 * 2022) for B, decided by 30 June, and a pending B blocks recognition. */
static const char BOOK[] = "titles:\n"
                           "  A: {name: Title A, kind: collective, rank: 10}\n"
                           "  B: {name: Title B, kind: collective, rank: 20}\n"
                           "  AA: {name: Title above A, kind: collective, rank: 30, "
                           "satisfies: [A], aliases: [Danh hiệu trên A]}\n"
                           "rulesets:\n"
                           "  - id: old\n"
                           "    law: the old law\n"
                           "    from_year: 2020\n"
                           "    to_year: 2021\n"
                           "    collective: [A]\n"
                           "    decided_by: 01-31\n"
                           "    pending: allowed\n"
                           "    names:\n"
                           "      B: Tên cũ của B\n"
                           "  - id: new\n"
                           "    law: the new law\n"
                           "    from_year: 2022\n"
                           "    collective: [B]\n"
                           "    decided_by: 06-30\n"
                           "    pending: required-for-recognition\n";

static rulebook_t book;

static int load_book(void **state)
{
    (void)state;
    char err[512] = "";
    if (rulebook_parse(BOOK, strlen(BOOK), "book", &book, err, sizeof err) < 0) {
        print_error("%s\n", err);
        return -1;
    }
    return i18n_init("en", NULL);
}

static int32_t day_of(const char *text)
{
    int32_t d = 0;
    assert_int_equal(day_parse(text, &d), 0);
    return d;
}

static const period_t P = {.id = "p", .years = {2020, 2021, 2022}, .n_years = 3};

static void each_year_is_judged_by_its_own_rule_set(void **state)
{
    (void)state;
    criteria_fact_t facts[] = {{2020, "A", false}, {2021, "AA", false}, {2022, "B", false}};
    criteria_result_t r;
    criteria_evaluate(&book, true, &P, day_of("2030-01-01"), false, facts, 3, &r);
    assert_true(r.met);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.c[0].title, "A");
    assert_int_equal(r.c[0].n_met, 2); /* AA meets A in 2021 */
    assert_string_equal(r.c[1].title, "B");
    assert_int_equal(r.c[1].met[0], 2022);

    /* A in 2022 does not meet the new set's B; B in 2020 not the old A. */
    criteria_fact_t wrong[] = {{2020, "B", false}, {2021, "A", false}, {2022, "A", false}};
    criteria_evaluate(&book, true, &P, day_of("2030-01-01"), false, wrong, 3, &r);
    assert_false(r.met);
    assert_int_equal(r.c[0].n_missing, 1);
    assert_int_equal(r.c[0].missing[0], 2020);
    assert_int_equal(r.c[1].n_missing, 1);
    assert_int_equal(r.c[1].missing[0], 2022);
    char text[1024];
    criteria_explain(&book, &P, &r, text, sizeof text);
    if (!strstr(text, "rule set old: the old law") || !strstr(text, "rule set new: the new law"))
        fail_msg("the explanation does not name both rule sets: %s", text);

    /* Individuals: neither set asks anything of them. */
    criteria_evaluate(&book, false, &P, day_of("2030-01-01"), false, NULL, 0, &r);
    assert_true(r.met);
    assert_int_equal(r.n, 0);
}

static void years_no_rule_set_covers_are_unjudged(void **state)
{
    (void)state;
    period_t p = {.id = "early", .years = {2019, 2020}, .n_years = 2};
    criteria_fact_t facts[] = {{2019, "A", false}, {2020, "A", false}};
    criteria_result_t r;
    criteria_evaluate(&book, true, &p, day_of("2030-01-01"), false, facts, 2, &r);
    assert_false(r.met);
    assert_int_equal(r.n_unjudged, 1);
    assert_int_equal(r.unjudged[0], 2019);
    assert_int_equal(r.c[0].n_met, 1);
    char text[1024];
    criteria_explain(&book, &p, &r, text, sizeof text);
    if (!strstr(text, "no rule set covers the years 2019"))
        fail_msg("unjudged year not explained: %s", text);
    int32_t days[CAMPAIGN_YEARS_MAX];
    assert_int_equal(criteria_turning_days(&book, &p, days), 1); /* 2019 has none */
    assert_int_equal(days[0], day_of("2021-02-01"));
}

static void on_a_turning_day_a_pending_year_becomes_missing(void **state)
{
    (void)state;
    int32_t days[CAMPAIGN_YEARS_MAX];
    assert_int_equal(criteria_turning_days(&book, &P, days), 3);
    assert_int_equal(days[0], day_of("2021-02-01"));
    assert_int_equal(days[1], day_of("2022-02-01"));
    assert_int_equal(days[2], day_of("2023-07-01")); /* the new set's calendar */

    criteria_fact_t facts[] = {{2020, "A", false}, {2021, "A", false}};
    criteria_result_t r;
    /* The last day 2022's titles may be decided: pending, a review passes... */
    criteria_evaluate(&book, true, &P, days[2] - 1, false, facts, 2, &r);
    assert_true(r.met);
    assert_int_equal(r.n_pending, 1);
    assert_int_equal(r.pending[0].year, 2022);
    assert_int_equal(r.pending[0].decided_by, day_of("2023-06-30"));
    assert_true(r.pending[0].required);
    assert_string_equal(r.pending[0].ruleset, "new");
    /* ... recognition does not: the new set requires the pending year. */
    criteria_evaluate(&book, true, &P, days[2] - 1, true, facts, 2, &r);
    assert_false(r.met);
    assert_int_equal(r.c[1].missing[0], 2022);
    /* The turning day itself, no new evidence: missing for a review too. */
    criteria_evaluate(&book, true, &P, days[2], false, facts, 2, &r);
    assert_false(r.met);
    assert_int_equal(r.n_pending, 0);
    assert_int_equal(r.c[1].n_missing, 1);

    /* The old set's calendar: 2021's A is pending until 31 January 2022. */
    criteria_fact_t first[] = {{2020, "A", false}};
    criteria_evaluate(&book, true, &P, days[1] - 1, false, first, 1, &r);
    assert_true(r.met);
    assert_int_equal(r.c[0].n_pending, 1);
    assert_int_equal(r.c[0].pending[0], 2021);
    criteria_evaluate(&book, true, &P, days[1], false, first, 1, &r);
    assert_false(r.met);
    assert_int_equal(r.c[0].missing[0], 2021);
}

/* The catalogue resolves a fact's text: a code, the name the rule set of
 * the fact's year gives (only for its years), a catalogue name or alias in
 * any year, with case and diacritics folded; anything else is NULL. */
static void facts_resolve_through_the_catalogue(void **state)
{
    (void)state;
    assert_string_equal(rulebook_resolve(&book, 2022, "AA")->code, "AA");
    assert_string_equal(rulebook_resolve(&book, 2020, "TITLE b")->code, "B");
    assert_string_equal(rulebook_resolve(&book, 2023, "danh hieu tren a")->code, "AA");
    assert_string_equal(rulebook_resolve(&book, 2021, "DANH HIỆU TRÊN A")->code, "AA");
    /* old's name of B is B only in old's years */
    assert_string_equal(rulebook_resolve(&book, 2021, "ten cu cua b")->code, "B");
    assert_null(rulebook_resolve(&book, 2022, "Tên cũ của B"));
    assert_null(rulebook_resolve(&book, 2022, "Title C"));
    assert_null(rulebook_resolve(&book, 2022, ""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_year_is_judged_by_its_own_rule_set),
        cmocka_unit_test(years_no_rule_set_covers_are_unjudged),
        cmocka_unit_test(on_a_turning_day_a_pending_year_becomes_missing),
        cmocka_unit_test(facts_resolve_through_the_catalogue),
    };
    return cmocka_run_group_tests(tests, load_book, NULL);
}
