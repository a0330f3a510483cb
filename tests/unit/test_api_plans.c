/* SPDX-License-Identifier: MIT */
/*
 * The unit plans' handlers (daemon/api_plans.c) as units, on a real store
 * with the built-in rules enforced (fixture.h), [rules] today inside the
 * 2021-2023 registration window (deadline 2021-09-15): refusals with their
 * codes and nothing written, the plan's states (draft, submitted, returned,
 * accepted) as append-only versions in the store, a stale version refused
 * with the current one, lateness and the reason it needs, and a unit
 * officer kept to its own unit's plan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api_plans.h"
#include "errors.h"
#include "fixture.h"
#include "plans.h"

#define PLAN(s) EXEMPLAR__PLAN_STATE__PLAN_##s

static const actor_t OFFICER_01 = {.name = "officer-01", .role = ROLE_UNIT_OFFICER, .unit = "01"};
static const actor_t OFFICER_79 = {.name = "officer-79", .role = ROLE_UNIT_OFFICER, .unit = "79"};
static const actor_t REVIEWER = {.name = "reviewer", .role = ROLE_MINISTRY_REVIEWER};
static const actor_t READER = {.name = "reader", .role = ROLE_READER};
static const actor_t ADMIN = {.name = "admin", .role = ROLE_ADMIN};

/* ---- requests ------------------------------------------------------------ */

typedef struct {
    const char *unit, *campaign, *period, *number, *date, *solutions;
    uint32_t collective, individual, expected_version;
    bool draft, no_document;
} submit_t;

static int submit(fixture_t *f, const actor_t *a, submit_t s, fixture_reply_t *out)
{
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    d.number = (char *)(s.number ? s.number : "123/KH-STNMT");
    d.date = (char *)(s.date ? s.date : "2021-07-20");
    Exemplar__PlanSubmitRequest b = EXEMPLAR__PLAN_SUBMIT_REQUEST__INIT;
    b.unit = (char *)(s.unit ? s.unit : "01");
    b.campaign = (char *)(s.campaign ? s.campaign : "");
    b.period = (char *)(s.period ? s.period : "2021-2023");
    b.solutions = (char *)(s.solutions ? s.solutions : "Bồi dưỡng hai tập thể");
    b.expected_collective = s.collective;
    b.expected_individual = s.individual;
    b.expected_version = s.expected_version;
    b.draft = s.draft;
    b.document = s.no_document ? NULL : &d;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_SUBMIT;
    req.plan_submit = &b;
    return fixture_call(f, api_plans_submit, a, &req, out);
}

/* Accept (accept true) or return unit 01's plan for 2021-2023. */
static int review(fixture_t *f, const actor_t *a, bool accept, uint32_t expected,
                  const char *reason, fixture_reply_t *out)
{
    Exemplar__PlanReviewRequest b = EXEMPLAR__PLAN_REVIEW_REQUEST__INIT;
    b.unit = "01";
    b.period = "2021-2023";
    b.expected_version = expected;
    b.reason = (char *)(reason ? reason : "");
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case =
        accept ? EXEMPLAR__REQUEST__BODY_PLAN_ACCEPT : EXEMPLAR__REQUEST__BODY_PLAN_RETURN;
    if (accept)
        req.plan_accept = &b;
    else
        req.plan_return = &b;
    return fixture_call(f, accept ? api_plans_accept : api_plans_return, a, &req, out);
}

static int show(fixture_t *f, const actor_t *a, const char *unit, fixture_reply_t *out)
{
    Exemplar__PlanShowRequest b = EXEMPLAR__PLAN_SHOW_REQUEST__INIT;
    b.unit = (char *)unit;
    b.period = "2021-2023";
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_SHOW;
    req.plan_show = &b;
    return fixture_call(f, api_plans_show, a, &req, out);
}

static int list(fixture_t *f, const actor_t *a, const char *unit, const char *period,
                fixture_reply_t *out)
{
    Exemplar__PlanListRequest b = EXEMPLAR__PLAN_LIST_REQUEST__INIT;
    b.unit = (char *)unit;
    b.period = (char *)period;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_LIST;
    req.plan_list = &b;
    return fixture_call(f, api_plans_list, a, &req, out);
}

/* ---- the store ----------------------------------------------------------- */

/* The versions of unit 01's plan for 2021-2023 in the store. */
static size_t versions(fixture_t *f)
{
    store_txn_t t;
    Exemplar__UnitPlan **v = NULL;
    size_t n = 0;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    int rc = plans_history(&t, "01", "2021-2025", "2021-2023", &v, &n);
    store_txn_abort(&t);
    if (rc == -EX_ENOTFOUND)
        return 0;
    assert_int_equal(rc, 0);
    plans_free(v, n);
    return n;
}

static Exemplar__UnitPlan *latest(fixture_t *f)
{
    store_txn_t t;
    Exemplar__UnitPlan *p = NULL;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(plans_latest(&t, "01", "2021-2025", "2021-2023", &p), 0);
    store_txn_abort(&t);
    return p;
}

/* ---- submit -------------------------------------------------------------- */

static void submit_refusals_carry_their_codes_and_write_nothing(void **state)
{
    fixture_t *f = *state;
    actor_t officer_zz = fixture_actor(ROLE_UNIT_OFFICER, "officer-zz", "ZZ");
    const struct {
        const char *what;
        const actor_t *actor;
        submit_t s;
        int code;
    } cases[] = {
        {"another unit's plan", &OFFICER_79, {.collective = 1}, -EX_EPERM},
        {"a unit code with a space", &ADMIN, {.unit = "0 1", .collective = 1}, -EX_EINVALID},
        {"no period", &OFFICER_01, {.period = "", .collective = 1}, -EX_EINVALID},
        {"a campaign nobody defined",
         &OFFICER_01,
         {.campaign = "2099", .collective = 1},
         -EX_ECAMPAIGN},
        {"a period the campaign lacks",
         &OFFICER_01,
         {.period = "2019-2020", .collective = 1},
         -EX_ECAMPAIGN},
        {"more than the expected maximum",
         &OFFICER_01,
         {.collective = PLANS_EXPECTED_MAX + 1},
         -EX_EINVALID},
        {"no expected number", &OFFICER_01, {0}, -EX_EINVALID},
        {"no document", &OFFICER_01, {.collective = 1, .no_document = true}, -EX_EINVALID},
        {"a document without a number", &OFFICER_01, {.collective = 1, .number = ""}, -EX_EINVALID},
        {"a document dated 2021-13-01",
         &OFFICER_01,
         {.collective = 1, .date = "2021-13-01"},
         -EX_EINVALID},
        {"no solutions", &OFFICER_01, {.collective = 1, .solutions = ""}, -EX_EINVALID},
        {"a unit no registry has", &officer_zz, {.unit = "ZZ", .collective = 1}, -EX_EUNIT},
        {"a version that was never there",
         &OFFICER_01,
         {.collective = 1, .expected_version = 3},
         -EX_ECONFLICT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture_reply_t r;
        fixture_expect(submit(f, cases[i].actor, cases[i].s, &r), &r, cases[i].code, cases[i].what);
        assert_int_equal(versions(f), 0);
    }
}

static void a_submission_lists_the_units_registrations(void **state)
{
    fixture_t *f = *state;
    uint64_t a = fixture_register(f, "01", EXEMPLAR__KIND__KIND_COLLECTIVE, "Phòng A", NULL);
    uint64_t b = fixture_register(f, "01", EXEMPLAR__KIND__KIND_COLLECTIVE, "Phòng B", NULL);
    fixture_reply_t r;
    fixture_expect(submit(f, &OFFICER_01, (submit_t){.collective = 2, .individual = 1}, &r), &r, 0,
                   "submit");
    assert_int_equal(r.reply->body_case, EXEMPLAR__REPLY__BODY_PLAN);
    const Exemplar__PlanReply *p = r.reply->plan;
    assert_int_equal(p->plan->version, 1);
    assert_int_equal(p->plan->state, PLAN(SUBMITTED));
    assert_false(p->plan->late);
    assert_string_equal(p->plan->submitted_on, "2021-08-01");
    assert_string_equal(p->plan->deadline, "2021-09-15");
    assert_string_equal(p->plan->actor, "officer-01");
    assert_int_equal(p->plan->n_registered, 2);
    assert_int_equal(p->plan->registered[0], a);
    assert_int_equal(p->plan->registered[1], b);
    assert_int_equal(p->n_registrations, 2);
    assert_int_equal(p->progress->registered_collective, 2);
    assert_true(p->progress->behind); /* no individual registered yet */
    fixture_reply_free(&r);

    Exemplar__UnitPlan *s = latest(f);
    assert_int_equal(s->version, 1);
    assert_int_equal(s->state, PLAN(SUBMITTED));
    assert_int_equal(s->expected_collective, 2);
    assert_int_equal(s->expected_individual, 1);
    assert_string_equal(s->document->number, "123/KH-STNMT");
    assert_int_equal(s->n_registered, 2);
    exemplar__unit_plan__free_unpacked(s, NULL);
}

static void a_draft_needs_no_document_and_is_not_a_submission(void **state)
{
    fixture_t *f = *state;
    fixture_reply_t r;
    fixture_expect(submit(f, &OFFICER_01, (submit_t){.draft = true, .no_document = true}, &r), &r,
                   0, "save a draft");
    assert_int_equal(r.reply->plan->plan->state, PLAN(DRAFT));
    assert_string_equal(r.reply->plan->plan->submitted_on, "");
    fixture_reply_free(&r);
    fixture_expect(submit(f, &OFFICER_01, (submit_t){.collective = 1, .expected_version = 1}, &r),
                   &r, 0, "submit the draft");
    assert_int_equal(r.reply->plan->plan->version, 2);
    assert_int_equal(r.reply->plan->n_history, 2);
    fixture_reply_free(&r);
    assert_int_equal(versions(f), 2);
}

/* ---- review -------------------------------------------------------------- */

static void a_submitted_plan_is_reviewed_not_submitted_again(void **state)
{
    fixture_t *f = *state;
    fixture_reply_t r;
    fixture_expect(review(f, &REVIEWER, true, 0, NULL, &r), &r, -EX_ENOTFOUND, "accept no plan");
    fixture_expect(submit(f, &OFFICER_01, (submit_t){.collective = 1}, &r), &r, 0, "submit");
    fixture_reply_free(&r);
    fixture_expect(submit(f, &OFFICER_01, (submit_t){.collective = 3}, &r), &r, -EX_ENOMOVE,
                   "submit again");
    fixture_expect(submit(f, &OFFICER_01, (submit_t){.draft = true}, &r), &r, -EX_ENOMOVE,
                   "save a draft over it");
    fixture_expect(review(f, &REVIEWER, false, 1, "", &r), &r, -EX_EREASON,
                   "return without a reason");
    fixture_expect(review(f, &REVIEWER, true, 2, NULL, &r), &r, -EX_ECONFLICT, "accept version 2");
    assert_int_equal(r.current_version, 1);
    assert_int_equal(versions(f), 1);

    fixture_expect(review(f, &REVIEWER, false, 1, "thiếu giải pháp", &r), &r, 0, "return");
    assert_int_equal(r.reply->plan->plan->state, PLAN(RETURNED));
    assert_string_equal(r.reply->plan->plan->reason, "thiếu giải pháp");
    fixture_reply_free(&r);
    fixture_expect(review(f, &REVIEWER, true, 2, NULL, &r), &r, -EX_ENOMOVE,
                   "accept a returned plan");
    fixture_expect(submit(f, &OFFICER_01, (submit_t){.collective = 2, .expected_version = 2}, &r),
                   &r, 0, "submit again after the return");
    fixture_reply_free(&r);
    fixture_expect(review(f, &REVIEWER, true, 3, NULL, &r), &r, 0, "accept");
    assert_int_equal(r.reply->plan->plan->state, PLAN(ACCEPTED));
    assert_int_equal(r.reply->plan->n_history, 4);
    fixture_reply_free(&r);
    Exemplar__UnitPlan *s = latest(f);
    assert_int_equal(s->version, 4);
    assert_int_equal(s->state, PLAN(ACCEPTED));
    assert_string_equal(s->actor, "reviewer");
    assert_int_equal(s->expected_collective, 2); /* the plan as last submitted */
    exemplar__unit_plan__free_unpacked(s, NULL);
}

static void a_late_plan_is_accepted_only_with_a_reason(void **state)
{
    fixture_t *f = *state;
    fixture_today(f, "2021-09-16"); /* the day after the deadline */
    fixture_reply_t r;
    fixture_expect(submit(f, &OFFICER_01, (submit_t){.collective = 1}, &r), &r, 0, "submit late");
    assert_true(r.reply->plan->plan->late);
    assert_string_equal(r.reply->plan->progress->status, "late");
    fixture_reply_free(&r);
    fixture_expect(review(f, &REVIEWER, true, 1, NULL, &r), &r, -EX_EREASON,
                   "accept without a reason");
    fixture_expect(review(f, &REVIEWER, true, 1, "Bộ đồng ý gia hạn", &r), &r, 0,
                   "accept with one");
    assert_true(r.reply->plan->plan->late);
    fixture_reply_free(&r);
}

/* ---- show and list ------------------------------------------------------- */

static void show_and_list_keep_an_officer_to_its_unit(void **state)
{
    fixture_t *f = *state;
    fixture_reply_t r;
    fixture_expect(submit(f, &OFFICER_01, (submit_t){.collective = 1}, &r), &r, 0, "submit");
    fixture_reply_free(&r);
    fixture_expect(show(f, &OFFICER_79, "01", &r), &r, -EX_EPERM, "another unit's plan");
    fixture_expect(list(f, &OFFICER_79, "01", "2021-2023", &r), &r, -EX_EPERM,
                   "another unit's row");
    fixture_expect(list(f, &READER, "", "", &r), &r, -EX_EINVALID, "a list without a period");

    fixture_expect(show(f, &READER, "01", &r), &r, 0, "show");
    assert_int_equal(r.reply->plan->plan->version, 1);
    assert_string_equal(r.reply->plan->progress->unit, "01");
    assert_true(r.reply->plan->progress->unit_name[0] != '\0');
    fixture_reply_free(&r);
    fixture_expect(show(f, &READER, "79", &r), &r, 0, "a unit without a plan");
    assert_null(r.reply->plan->plan);
    assert_int_equal(r.reply->plan->n_history, 0);
    fixture_reply_free(&r);

    /* an officer's list is its own unit's row, whatever it asks */
    fixture_expect(list(f, &OFFICER_79, "", "2021-2023", &r), &r, 0, "an officer's list");
    assert_int_equal(r.reply->plan_list->n_units, 1);
    assert_string_equal(r.reply->plan_list->units[0]->unit, "79");
    assert_int_equal(r.reply->plan_list->missing, 1);
    fixture_reply_free(&r);

    /* everyone's: one row per unit, unit 01's submitted, the others missing */
    fixture_expect(list(f, &READER, "", "2021-2023", &r), &r, 0, "everyone's list");
    const Exemplar__PlanListReply *l = r.reply->plan_list;
    assert_string_equal(l->campaign, "2021-2025");
    assert_string_equal(l->deadline, "2021-09-15");
    assert_string_equal(l->today, "2021-08-01");
    assert_true(l->n_units > 60);
    size_t submitted = 0;
    for (size_t i = 0; i < l->n_units; i++) {
        if (i)
            assert_true(strcmp(l->units[i - 1]->unit, l->units[i]->unit) < 0);
        if (l->units[i]->state == PLAN(SUBMITTED)) {
            assert_string_equal(l->units[i]->unit, "01");
            submitted++;
        }
    }
    assert_int_equal(submitted, 1);
    assert_int_equal(l->missing, l->n_units - 1);
    fixture_reply_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(submit_refusals_carry_their_codes_and_write_nothing,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_submission_lists_the_units_registrations,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_draft_needs_no_document_and_is_not_a_submission,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_submitted_plan_is_reviewed_not_submitted_again,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_late_plan_is_accepted_only_with_a_reason,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(show_and_list_keep_an_officer_to_its_unit,
                                        fixture_setup_registration, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
