/* SPDX-License-Identifier: MIT */
/*
 * The quarterly summary's handler (daemon/api_summary.c) as a unit, on a
 * real store with the built-in rules (fixture.h) and nominations
 * registered through api_noms.c on 2021-08-01 (the third quarter of 2021):
 * refusals by code, the tallies caught up in the call's own transaction
 * (the call says it wrote) and then only read, rows, moves and units
 * overdue with their plans as of a day, and a unit officer's summary
 * holding its own unit only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api_noms.h"
#include "api_plans.h"
#include "api_summary.h"
#include "errors.h"
#include "fixture.h"

#define STATE(s) EXEMPLAR__STATE__STATE_##s

static const actor_t READER = {.name = "reader", .role = ROLE_READER};

static uint64_t register_in(fixture_t *f, const char *unit, const char *name, Exemplar__Kind kind)
{
    return fixture_register(f, unit, kind, name, NULL);
}

static void withdraw(fixture_t *f, const char *unit, uint64_t id)
{
    actor_t officer = fixture_actor(ROLE_UNIT_OFFICER, "officer", unit);
    Exemplar__MoveRequest b = EXEMPLAR__MOVE_REQUEST__INIT;
    b.id = id;
    b.to = STATE(WITHDRAWN);
    b.expected_version = 1;
    b.reason = "merged";
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &b;
    fixture_reply_t r;
    fixture_expect(fixture_call(f, api_noms_move, &officer, &req, &r), &r, 0, "withdraw");
    fixture_reply_free(&r);
}

static void submit_plan(fixture_t *f, const char *unit)
{
    actor_t officer = fixture_actor(ROLE_UNIT_OFFICER, "officer", unit);
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    d.number = "1/KH";
    d.date = "2021-07-20";
    Exemplar__PlanSubmitRequest b = EXEMPLAR__PLAN_SUBMIT_REQUEST__INIT;
    b.unit = (char *)unit;
    b.period = "2021-2023";
    b.expected_collective = 1;
    b.solutions = "Bồi dưỡng";
    b.document = &d;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_SUBMIT;
    req.plan_submit = &b;
    fixture_reply_t r;
    fixture_expect(fixture_call(f, api_plans_submit, &officer, &req, &r), &r, 0, "submit a plan");
    fixture_reply_free(&r);
}

static int summary(fixture_t *f, const actor_t *a, const char *quarter, const char *as_of,
                   const char *campaign, fixture_reply_t *out)
{
    Exemplar__SummaryRequest b = EXEMPLAR__SUMMARY_REQUEST__INIT;
    b.quarter = (char *)quarter;
    b.as_of = (char *)as_of;
    b.campaign = (char *)campaign;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_SUMMARY;
    req.summary = &b;
    return fixture_call(f, api_summary, a, &req, out);
}

/* The count of a (unit, kind, state) row; 0 when there is none. */
static uint64_t row(const Exemplar__Summary *s, const char *unit, Exemplar__Kind kind,
                    Exemplar__State st)
{
    for (size_t i = 0; i < s->n_rows; i++)
        if (!strcmp(s->rows[i]->unit, unit) && s->rows[i]->kind == kind && s->rows[i]->state == st)
            return s->rows[i]->count;
    return 0;
}

static uint64_t moves(const Exemplar__Summary *s, const char *unit, Exemplar__State from,
                      Exemplar__State to)
{
    for (size_t i = 0; i < s->n_moves; i++)
        if (!strcmp(s->moves[i]->unit, unit) && s->moves[i]->from == from && s->moves[i]->to == to)
            return s->moves[i]->count;
    return 0;
}

static bool overdue(const Exemplar__Summary *s, const char *unit)
{
    for (size_t i = 0; i < s->n_overdue; i++)
        if (!strcmp(s->overdue[i]->unit, unit))
            return true;
    return false;
}

static void summary_refusals_carry_their_codes(void **state)
{
    fixture_t *f = *state;
    const struct {
        const char *what, *quarter, *as_of, *campaign;
        int code;
    } cases[] = {
        {"no quarter", "", "", "", -EX_EINVALID},
        {"a fifth quarter", "2021Q5", "", "", -EX_EINVALID},
        {"a day outside the quarter", "2021Q3", "2021-10-01", "", -EX_EINVALID},
        {"a day that is no day", "2021Q3", "2021-09-31", "", -EX_EINVALID},
        {"a campaign id with a slash", "2021Q3", "", "2021/2025", -EX_EINVALID},
        {"a campaign nobody defined", "2021Q3", "", "2099-2100", -EX_ECAMPAIGN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture_reply_t r;
        fixture_expect(summary(f, &READER, cases[i].quarter, cases[i].as_of, cases[i].campaign, &r),
                       &r, cases[i].code, cases[i].what);
    }
}

static void the_summary_counts_the_quarter_as_of_a_day(void **state)
{
    fixture_t *f = *state;
    register_in(f, "01", "Phòng A", EXEMPLAR__KIND__KIND_COLLECTIVE);
    uint64_t b = register_in(f, "01", "Phòng B", EXEMPLAR__KIND__KIND_COLLECTIVE);
    register_in(f, "01", "Nguyễn Văn An", EXEMPLAR__KIND__KIND_INDIVIDUAL);
    register_in(f, "79", "Phòng C", EXEMPLAR__KIND__KIND_COLLECTIVE);
    withdraw(f, "01", b);
    submit_plan(f, "01");

    fixture_reply_t r;
    assert_int_equal(summary(f, &READER, "2021Q3", "", "", &r), 0);
    assert_true(r.wrote); /* the tallies caught up in the call's transaction */
    const Exemplar__Summary *s = r.reply->summary->summary;
    assert_string_equal(s->quarter, "2021Q3");
    assert_string_equal(s->from, "2021-07-01");
    assert_string_equal(s->as_of, "2021-09-30");
    assert_string_equal(s->scope_unit, "");
    assert_int_equal(s->nominations, 4);
    assert_int_equal(row(s, "01", EXEMPLAR__KIND__KIND_COLLECTIVE, STATE(REGISTERED)), 1);
    assert_int_equal(row(s, "01", EXEMPLAR__KIND__KIND_COLLECTIVE, STATE(WITHDRAWN)), 1);
    assert_int_equal(row(s, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL, STATE(REGISTERED)), 1);
    assert_int_equal(row(s, "79", EXEMPLAR__KIND__KIND_COLLECTIVE, STATE(REGISTERED)), 1);
    assert_int_equal(moves(s, "01", STATE(NONE), STATE(REGISTERED)), 3);
    assert_int_equal(moves(s, "01", STATE(REGISTERED), STATE(WITHDRAWN)), 1);
    assert_int_equal(moves(s, "79", STATE(NONE), STATE(REGISTERED)), 1);
    for (size_t i = 0; i < s->n_rows; i++)
        assert_true(s->rows[i]->unit_name[0] != '\0');
    /* the deadline (2021-09-15) has passed: every unit without a plan */
    assert_false(overdue(s, "01"));
    assert_true(overdue(s, "79"));
    assert_true(s->n_overdue > 60);
    fixture_reply_free(&r);

    /* the day before the deadline nobody is overdue yet; on it, they are */
    assert_int_equal(summary(f, &READER, "2021Q3", "2021-09-14", "2021-2025", &r), 0);
    assert_false(r.wrote); /* nothing new to tally */
    assert_int_equal(r.reply->summary->summary->n_overdue, 0);
    assert_int_equal(r.reply->summary->summary->nominations, 4);
    fixture_reply_free(&r);
    assert_int_equal(summary(f, &READER, "2021Q3", "2021-09-15", "2021-2025", &r), 0);
    assert_true(overdue(r.reply->summary->summary, "79"));
    assert_false(overdue(r.reply->summary->summary, "01"));
    fixture_reply_free(&r);

    /* a quarter before any of it */
    assert_int_equal(summary(f, &READER, "2021Q2", "", "", &r), 0);
    assert_int_equal(r.reply->summary->summary->nominations, 0);
    assert_int_equal(r.reply->summary->summary->n_moves, 0);
    fixture_reply_free(&r);
}

static void a_unit_officers_summary_holds_its_unit_only(void **state)
{
    fixture_t *f = *state;
    register_in(f, "01", "Phòng A", EXEMPLAR__KIND__KIND_COLLECTIVE);
    register_in(f, "79", "Phòng C", EXEMPLAR__KIND__KIND_COLLECTIVE);
    actor_t officer = fixture_actor(ROLE_UNIT_OFFICER, "officer-79", "79");
    fixture_reply_t r;
    assert_int_equal(summary(f, &officer, "2021Q3", "", "", &r), 0);
    const Exemplar__Summary *s = r.reply->summary->summary;
    assert_string_equal(s->scope_unit, "79");
    assert_int_equal(s->nominations, 1);
    for (size_t i = 0; i < s->n_rows; i++)
        assert_string_equal(s->rows[i]->unit, "79");
    for (size_t i = 0; i < s->n_moves; i++)
        assert_string_equal(s->moves[i]->unit, "79");
    assert_int_equal(s->n_overdue, 1);
    assert_string_equal(s->overdue[0]->unit, "79");
    fixture_reply_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(summary_refusals_carry_their_codes,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(the_summary_counts_the_quarter_as_of_a_day,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_unit_officers_summary_holds_its_unit_only,
                                        fixture_setup_registration, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
