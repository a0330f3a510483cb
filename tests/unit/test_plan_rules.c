/* SPDX-License-Identifier: MIT */
/*
 * daemon/plans.c: the plans' move table, the late rule, status names,
 * progress tallies, versions in LMDB and plans_unit_has_acted().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "errors.h"
#include "plans.h"
#include "store.h"
#include "fixture.h"

#define P(x) EXEMPLAR__PLAN_STATE__PLAN_##x
#define S(x) EXEMPLAR__STATE__STATE_##x

static void move_table(void **state)
{
    (void)state;
    Exemplar__PlanState to = P(NONE);
    assert_int_equal(plans_next_state(P(NONE), PLAN_SAVE, &to), 0);
    assert_int_equal(to, P(DRAFT));
    assert_int_equal(plans_next_state(P(DRAFT), PLAN_SUBMIT, &to), 0);
    assert_int_equal(to, P(SUBMITTED));
    assert_int_equal(plans_next_state(P(NONE), PLAN_SUBMIT, &to), 0);
    assert_int_equal(plans_next_state(P(SUBMITTED), PLAN_RETURN, &to), 0);
    assert_int_equal(to, P(RETURNED));
    assert_int_equal(plans_next_state(P(RETURNED), PLAN_SUBMIT, &to), 0);
    assert_int_equal(to, P(SUBMITTED));
    assert_int_equal(plans_next_state(P(SUBMITTED), PLAN_ACCEPT, &to), 0);
    assert_int_equal(to, P(ACCEPTED));
    /* what the table does not have */
    assert_int_equal(plans_next_state(P(SUBMITTED), PLAN_SUBMIT, &to), -EX_ENOMOVE);
    assert_int_equal(plans_next_state(P(SUBMITTED), PLAN_SAVE, &to), -EX_ENOMOVE);
    assert_int_equal(plans_next_state(P(ACCEPTED), PLAN_SUBMIT, &to), -EX_ENOMOVE);
    assert_int_equal(plans_next_state(P(ACCEPTED), PLAN_RETURN, &to), -EX_ENOMOVE);
    assert_int_equal(plans_next_state(P(DRAFT), PLAN_ACCEPT, &to), -EX_ENOMOVE);
    assert_int_equal(plans_next_state(P(NONE), PLAN_RETURN, &to), -EX_ENOMOVE);
    assert_string_equal(plans_verb_name(PLAN_RETURN), "return");
    assert_string_equal(plans_state_name(P(RETURNED)), "returned");
}

static void late_rule(void **state)
{
    (void)state;
    assert_false(plans_is_late(100, 100, false)); /* on the deadline */
    assert_true(plans_is_late(101, 100, false));
    assert_false(plans_is_late(101, 100, true));  /* resubmitted after an on-time one */
    assert_false(plans_is_late(5000, -1, false)); /* no registration window */
}

static void status_names(void **state)
{
    (void)state;
    Exemplar__UnitPlan p = EXEMPLAR__UNIT_PLAN__INIT;
    assert_string_equal(plans_status(NULL), "no-plan");
    p.state = P(SUBMITTED);
    assert_string_equal(plans_status(&p), "submitted");
    p.late = true;
    assert_string_equal(plans_status(&p), "late");
    p.state = P(ACCEPTED);
    assert_string_equal(plans_status(&p), "accepted");
    p.state = P(DRAFT);
    assert_string_equal(plans_status(&p), "draft");
}

static void tally_and_behind(void **state)
{
    (void)state;
    static const struct {
        Exemplar__Kind kind;
        Exemplar__State state;
    } NOMS[] = {
        {EXEMPLAR__KIND__KIND_COLLECTIVE, S(REGISTERED)},
        {EXEMPLAR__KIND__KIND_COLLECTIVE, S(RECOGNIZED)},
        {EXEMPLAR__KIND__KIND_COLLECTIVE, S(WITHDRAWN)},
        {EXEMPLAR__KIND__KIND_INDIVIDUAL, S(FOSTERING)},
        {EXEMPLAR__KIND__KIND_INDIVIDUAL, S(NOT_SELECTED)},
        {EXEMPLAR__KIND__KIND_INDIVIDUAL, S(CARRIED_OVER)},
    };
    plans_tally_t t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < sizeof NOMS / sizeof NOMS[0]; i++) {
        Exemplar__Nomination n = EXEMPLAR__NOMINATION__INIT;
        n.kind = NOMS[i].kind;
        n.state = NOMS[i].state;
        plans_tally_add(&t, &n);
    }
    assert_int_equal(t.collective, 3);
    assert_int_equal(t.individual, 3);
    assert_int_equal(t.live_collective, 2);
    assert_int_equal(t.live_individual, 1);
    assert_int_equal(t.recognized, 1);
    assert_int_equal(t.by_state[S(WITHDRAWN)], 1);
    assert_false(plans_behind(&t, 2, 1));
    assert_true(plans_behind(&t, 3, 1));
    assert_true(plans_behind(&t, 0, 2));
}

/* ---- in LMDB --------------------------------------------------------------- */

static void put(store_txn_t *t, const char *unit, const char *campaign, const char *period,
                uint32_t version, Exemplar__PlanState s)
{
    Exemplar__UnitPlan p = EXEMPLAR__UNIT_PLAN__INIT;
    p.unit = (char *)unit;
    p.campaign = (char *)campaign;
    p.period = (char *)period;
    p.version = version;
    p.state = s;
    plans_put(t, &p);
}

static void versions_and_has_acted(void **state)
{
    fixture_t *f = *state;
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    assert_false(plans_unit_has_acted(&t, "01", "2021-2023"));
    put(&t, "01", "2021-2025", "2021-2023", 1, P(DRAFT));
    assert_false(plans_unit_has_acted(&t, "01", "2021-2023"));
    put(&t, "01", "2021-2025", "2021-2023", 2, P(SUBMITTED));
    put(&t, "01", "2021-2025", "2021-2023", 3, P(RETURNED));
    /* another unit whose code starts the same, and another period */
    put(&t, "01A", "2021-2025", "2021-2023", 1, P(DRAFT));
    put(&t, "02", "2021-2025", "2023-2025", 1, P(SUBMITTED));
    assert_true(plans_unit_has_acted(&t, "01", "2021-2023"));
    assert_false(plans_unit_has_acted(&t, "01A", "2021-2023"));
    assert_false(plans_unit_has_acted(&t, "02", "2021-2023"));
    assert_true(plans_unit_has_acted(&t, "02", "2023-2025"));
    assert_false(plans_unit_has_acted(&t, "03", "2021-2023"));

    Exemplar__UnitPlan **v = NULL;
    size_t n = 0;
    assert_int_equal(plans_history(&t, "01", "2021-2025", "2021-2023", &v, &n), 0);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i]->version, i + 1);
    plans_free(v, n);
    Exemplar__UnitPlan *latest = NULL;
    assert_int_equal(plans_latest(&t, "01", "2021-2025", "2021-2023", &latest), 0);
    assert_int_equal(latest->version, 3);
    assert_int_equal(latest->state, P(RETURNED));
    exemplar__unit_plan__free_unpacked(latest, NULL);
    assert_int_equal(plans_latest(&t, "01", "2021-2025", "2023-2025", &latest), -EX_ENOTFOUND);
    assert_int_equal(store_txn_commit(&t), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(move_table),
        cmocka_unit_test(late_rule),
        cmocka_unit_test(status_names),
        cmocka_unit_test(tally_and_behind),
        cmocka_unit_test_setup_teardown(versions_and_has_acted, fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
