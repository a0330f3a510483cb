/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the move table and nom_check_move() (daemon/nom.c).  The
 * table is checked three ways: against itself (every (from, to) pair is
 * allowed exactly when a row exists, found by an independent scan), against
 * the domain as written by hand (specific moves that must and must not
 * exist), and as a graph (reachability, terminal states, reasons).  Every
 * refusal of nom_check_move() is provoked once, with its sentence.
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
#include "nom.h"

/* ---- helpers ----------------------------------------------------------- */

/* An independent scan of the table: how many rows have (from, to)? */
static int rows_for(nom_state_t from, nom_state_t to)
{
    int n = 0;
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++)
        if (NOM_MOVES[i].from == from && NOM_MOVES[i].to == to)
            n++;
    return n;
}

static int exits_of(nom_state_t from)
{
    int n = 0;
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++)
        if (NOM_MOVES[i].from == from)
            n++;
    return n;
}

static bool is_side_exit(nom_state_t to)
{
    /* revoke is an exit too: annulling a recognition must say why */
    return to == NOM_WITHDRAWN || to == NOM_NOT_SELECTED || to == NOM_RETURNED || to == NOM_REVOKED;
}

static actor_t make_actor(role_t role, const char *unit)
{
    actor_t a;
    memset(&a, 0, sizeof(a));
    snprintf(a.name, sizeof(a.name), "tester-%d", (int)role);
    a.role = role;
    snprintf(a.unit, sizeof(a.unit), "%s", unit ? unit : "");
    return a;
}

static nom_view_t make_view(nom_state_t state, uint64_t version, const char *unit)
{
    nom_view_t n = {
        .id = 42, .version = version, .state = state, .unit = unit, .campaign = "2021-2025"};
    return n;
}

/* The first role a row allows (the table never has an empty roles mask). */
static role_t first_role(const nom_move_t *m)
{
    for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++)
        if (m->roles & ROLE_BIT(r))
            return (role_t)r;
    return ROLE_NONE;
}

/* A rules callback recorder. */
typedef struct {
    bool window_result;
    int window_calls;
    window_t last_window;
    char last_campaign[32];
    int guard_result;
    int guard_calls;
    const nom_move_t *guard_move;
    const char *guard_why;
} fake_rules_t;

static bool fake_window_open(void *arg, const char *campaign, window_t w)
{
    fake_rules_t *f = arg;
    f->window_calls++;
    f->last_window = w;
    snprintf(f->last_campaign, sizeof(f->last_campaign), "%s", campaign ? campaign : "");
    return f->window_result;
}

static int fake_guard(void *arg, const nom_view_t *n, const nom_move_t *move, char *why,
                      size_t why_len)
{
    (void)n;
    fake_rules_t *f = arg;
    f->guard_calls++;
    f->guard_move = move;
    if (f->guard_result < 0 && f->guard_why)
        snprintf(why, why_len, "%s", f->guard_why);
    return f->guard_result;
}

static nom_rules_t fake_rules(fake_rules_t *f)
{
    nom_rules_t r = {.arg = f, .window_open = fake_window_open, .guard = fake_guard};
    return r;
}

/* ---- the table against an independent scan ------------------------------ */

static void find_move_is_non_null_exactly_when_a_row_exists(void **state)
{
    (void)state;
    for (int from = 0; from < NOM_STATE_COUNT; from++) {
        for (int to = 0; to < NOM_STATE_COUNT; to++) {
            const nom_move_t *m = nom_find_move((nom_state_t)from, (nom_state_t)to);
            int rows = rows_for((nom_state_t)from, (nom_state_t)to);
            if (rows) {
                if (!m)
                    fail_msg("(%d -> %d) has a row but nom_find_move returned NULL", from, to);
                assert_int_equal(m->from, from);
                assert_int_equal(m->to, to);
            } else if (m) {
                fail_msg("(%d -> %d) has no row but nom_find_move returned one (%s)", from, to,
                         m->verb);
            }
        }
    }
}

static void find_move_refuses_states_outside_the_enum(void **state)
{
    (void)state;
    assert_null(nom_find_move(NOM_STATE_COUNT, NOM_REGISTERED));
    assert_null(nom_find_move(NOM_REGISTERED, NOM_STATE_COUNT));
    assert_null(nom_find_move((nom_state_t)99, (nom_state_t)99));
}

static void table_has_at_most_one_row_per_pair(void **state)
{
    (void)state;
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
        int rows = rows_for(NOM_MOVES[i].from, NOM_MOVES[i].to);
        if (rows != 1)
            fail_msg("row %zu (%s) has %d rows for its (from, to)", i, NOM_MOVES[i].verb, rows);
    }
}

static void table_rows_are_well_formed(void **state)
{
    (void)state;
    const unsigned all_roles = ROLE_BIT(ROLE_COUNT) - 1u;
    assert_true(NOM_MOVES_COUNT > 0);
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
        const nom_move_t *m = &NOM_MOVES[i];
        assert_true(m->from >= NOM_NONE && m->from < NOM_STATE_COUNT);
        assert_true(m->to > NOM_NONE && m->to < NOM_STATE_COUNT);
        if (m->from == m->to)
            fail_msg("row %zu (%s) moves a state to itself", i, m->verb);
        assert_non_null(m->verb);
        assert_true(m->verb[0] != '\0');
        if (m->roles == 0 || (m->roles & ~all_roles) != 0)
            fail_msg("row %zu (%s) has roles mask %#x", i, m->verb, m->roles);
        assert_true(m->window < WIN_COUNT);
        assert_string_not_equal(nom_window_name(m->window), "?");
        assert_string_not_equal(nom_guard_name(m->guard), "?");
    }
}

static void one_verb_always_leads_to_the_same_state(void **state)
{
    (void)state;
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++)
        for (size_t j = 0; j < NOM_MOVES_COUNT; j++)
            if (strcmp(NOM_MOVES[i].verb, NOM_MOVES[j].verb) == 0 &&
                NOM_MOVES[i].to != NOM_MOVES[j].to)
                fail_msg("verb %s leads to %d and to %d", NOM_MOVES[i].verb, NOM_MOVES[i].to,
                         NOM_MOVES[j].to);
}

/* ---- the table against the domain, by hand ------------------------------ */

static void expect_move(nom_state_t from, nom_state_t to, const char *verb, bool reason)
{
    const nom_move_t *m = nom_find_move(from, to);
    if (!m)
        fail_msg("the move %d -> %d (%s) must exist", from, to, verb);
    assert_string_equal(m->verb, verb);
    assert_int_equal(m->needs_reason, reason);
}

static void expect_no_move(nom_state_t from, nom_state_t to)
{
    const nom_move_t *m = nom_find_move(from, to);
    if (m)
        fail_msg("the move %d -> %d must not exist, found %s", from, to, m->verb);
}

static void main_path_moves_exist_without_a_reason(void **state)
{
    (void)state;
    expect_move(NOM_NONE, NOM_REGISTERED, "register", false);
    expect_move(NOM_REGISTERED, NOM_FOSTERING, "foster", false);
    expect_move(NOM_FOSTERING, NOM_UNIT_REVIEWED, "review-unit", false);
    expect_move(NOM_UNIT_REVIEWED, NOM_MINISTRY_REVIEWED, "review-ministry", false);
    expect_move(NOM_MINISTRY_REVIEWED, NOM_RECOGNIZED, "recognize", false);
}

static void side_exit_moves_exist_with_a_reason(void **state)
{
    (void)state;
    /* withdrawn from every open state */
    expect_move(NOM_REGISTERED, NOM_WITHDRAWN, "withdraw", true);
    expect_move(NOM_FOSTERING, NOM_WITHDRAWN, "withdraw", true);
    expect_move(NOM_UNIT_REVIEWED, NOM_WITHDRAWN, "withdraw", true);
    expect_move(NOM_MINISTRY_REVIEWED, NOM_WITHDRAWN, "withdraw", true);
    expect_move(NOM_RETURNED, NOM_WITHDRAWN, "withdraw", true);
    /* not selected at either review */
    expect_move(NOM_UNIT_REVIEWED, NOM_NOT_SELECTED, "not-select", true);
    expect_move(NOM_MINISTRY_REVIEWED, NOM_NOT_SELECTED, "not-select", true);
    /* returned from either review, then reviewed by the unit again */
    expect_move(NOM_UNIT_REVIEWED, NOM_RETURNED, "return", true);
    expect_move(NOM_MINISTRY_REVIEWED, NOM_RETURNED, "return", true);
    expect_move(NOM_RETURNED, NOM_UNIT_REVIEWED, "review-unit", false);
}

static void expect_roles(nom_state_t from, nom_state_t to, unsigned roles)
{
    const nom_move_t *m = nom_find_move(from, to);
    assert_non_null(m);
    if (m->roles != roles)
        fail_msg("%s (%d -> %d) may be made by roles %#x, expected %#x", m->verb, from, to,
                 m->roles, roles);
}

static void each_move_belongs_to_the_role_the_plan_gives_it(void **state)
{
    (void)state;
    const unsigned unit = ROLE_BIT(ROLE_UNIT_OFFICER);
    const unsigned reviewer = ROLE_BIT(ROLE_MINISTRY_REVIEWER);
    const unsigned approver = ROLE_BIT(ROLE_APPROVER);
    /* the unit registers, fosters, reviews at its level and withdraws */
    expect_roles(NOM_NONE, NOM_REGISTERED, unit);
    expect_roles(NOM_REGISTERED, NOM_FOSTERING, unit);
    expect_roles(NOM_FOSTERING, NOM_UNIT_REVIEWED, unit);
    expect_roles(NOM_RETURNED, NOM_UNIT_REVIEWED, unit);
    for (int s = NOM_REGISTERED; s < NOM_STATE_COUNT; s++)
        if (nom_find_move((nom_state_t)s, NOM_WITHDRAWN))
            expect_roles((nom_state_t)s, NOM_WITHDRAWN, unit);
    /* the ministry reviews, returns and does not select at its review */
    expect_roles(NOM_UNIT_REVIEWED, NOM_MINISTRY_REVIEWED, reviewer);
    expect_roles(NOM_UNIT_REVIEWED, NOM_RETURNED, reviewer);
    expect_roles(NOM_MINISTRY_REVIEWED, NOM_RETURNED, reviewer);
    expect_roles(NOM_UNIT_REVIEWED, NOM_NOT_SELECTED, reviewer);
    expect_roles(NOM_MINISTRY_REVIEWED, NOM_NOT_SELECTED, reviewer);
    /* only the approver recognizes */
    expect_roles(NOM_MINISTRY_REVIEWED, NOM_RECOGNIZED, approver);
    /* readers and publishers make no move at all */
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++)
        assert_int_equal(NOM_MOVES[i].roles & (ROLE_BIT(ROLE_READER) | ROLE_BIT(ROLE_PUBLISHER) |
                                               ROLE_BIT(ROLE_NONE)),
                         0);
}

static void moves_that_skip_steps_or_go_back_are_refused(void **state)
{
    (void)state;
    expect_no_move(NOM_REGISTERED, NOM_RECOGNIZED);
    expect_no_move(NOM_REGISTERED, NOM_UNIT_REVIEWED);
    expect_no_move(NOM_REGISTERED, NOM_MINISTRY_REVIEWED);
    expect_no_move(NOM_FOSTERING, NOM_MINISTRY_REVIEWED);
    expect_no_move(NOM_FOSTERING, NOM_RECOGNIZED);
    expect_no_move(NOM_UNIT_REVIEWED, NOM_RECOGNIZED);
    expect_no_move(NOM_FOSTERING, NOM_REGISTERED);
    expect_no_move(NOM_UNIT_REVIEWED, NOM_FOSTERING);
    expect_no_move(NOM_MINISTRY_REVIEWED, NOM_UNIT_REVIEWED);
    expect_no_move(NOM_REGISTERED, NOM_RETURNED);
    expect_no_move(NOM_RETURNED, NOM_MINISTRY_REVIEWED);
    expect_no_move(NOM_RETURNED, NOM_RECOGNIZED);
    /* a nomination is registered once, and nothing goes back before it */
    expect_no_move(NOM_NONE, NOM_FOSTERING);
    expect_no_move(NOM_NONE, NOM_RECOGNIZED);
    for (int s = 0; s < NOM_STATE_COUNT; s++)
        expect_no_move((nom_state_t)s, NOM_NONE);
    assert_int_equal(exits_of(NOM_NONE), 1);
}

static void terminal_states_have_no_outgoing_rows(void **state)
{
    (void)state;
    const nom_state_t terminal[] = {NOM_WITHDRAWN, NOM_REVOKED, NOM_CARRIED_OVER};
    for (size_t i = 0; i < sizeof(terminal) / sizeof(terminal[0]); i++) {
        assert_true(nom_is_terminal(terminal[i]));
        assert_int_equal(exits_of(terminal[i]), 0);
        for (int to = 0; to < NOM_STATE_COUNT; to++)
            expect_no_move(terminal[i], (nom_state_t)to);
    }
}

/* Recognized may still be revoked and not-selected carried over. */
static void only_withdrawn_revoked_and_carried_over_are_terminal(void **state)
{
    (void)state;
    for (int s = 0; s < NOM_STATE_COUNT; s++) {
        bool want = s == NOM_WITHDRAWN || s == NOM_REVOKED || s == NOM_CARRIED_OVER;
        if (nom_is_terminal((nom_state_t)s) != want)
            fail_msg("nom_is_terminal(%d) should be %s", s, want ? "true" : "false");
        /* and the table agrees: non-terminal states have an exit */
        if (!want)
            assert_true(exits_of((nom_state_t)s) > 0);
    }
}

/* ---- the table as a graph ---------------------------------------------- */

static void reachable_from(nom_state_t start, bool seen[NOM_STATE_COUNT])
{
    nom_state_t queue[NOM_STATE_COUNT];
    size_t head = 0, tail = 0;
    memset(seen, 0, NOM_STATE_COUNT * sizeof(bool));
    seen[start] = true;
    queue[tail++] = start;
    while (head < tail) {
        nom_state_t s = queue[head++];
        for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
            if (NOM_MOVES[i].from != s || seen[NOM_MOVES[i].to])
                continue;
            seen[NOM_MOVES[i].to] = true;
            queue[tail++] = NOM_MOVES[i].to;
        }
    }
}

static void every_state_is_reachable_from_none(void **state)
{
    (void)state;
    bool seen[NOM_STATE_COUNT];
    reachable_from(NOM_NONE, seen);
    for (int s = 0; s < NOM_STATE_COUNT; s++)
        if (!seen[s])
            fail_msg("state %d cannot be reached from NOM_NONE", s);
}

static void every_open_state_can_still_reach_recognized(void **state)
{
    (void)state;
    bool seen[NOM_STATE_COUNT];
    for (int s = 0; s < NOM_STATE_COUNT; s++) {
        /* recognized leads only to revoked, not-selected only to carried-over */
        if (nom_is_terminal((nom_state_t)s) || s == NOM_RECOGNIZED || s == NOM_NOT_SELECTED)
            continue;
        reachable_from((nom_state_t)s, seen);
        if (!seen[NOM_RECOGNIZED])
            fail_msg("from state %d recognized can no longer be reached", s);
    }
}

static void side_exits_need_a_reason_and_the_main_path_does_not(void **state)
{
    (void)state;
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
        const nom_move_t *m = &NOM_MOVES[i];
        if (m->needs_reason != is_side_exit(m->to))
            fail_msg("row %zu (%s, to %d): needs_reason is %d", i, m->verb, m->to, m->needs_reason);
    }
}

/* ---- nom_check_move ----------------------------------------------------- */

static void check_move_refuses_a_stale_version_naming_the_current_one(void **state)
{
    (void)state;
    nom_view_t n = make_view(NOM_FOSTERING, 3, "01");
    actor_t a = make_actor(ROLE_ADMIN, NULL);
    const nom_move_t *out = (const nom_move_t *)&n; /* must be reset to NULL */
    char why[256] = "";

    int rc = nom_check_move(&n, NOM_UNIT_REVIEWED, 2, &a, NULL, NULL, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_ECONFLICT);
    assert_null(out);
    if (!strstr(why, "version 3"))
        fail_msg("the conflict sentence should name the current version 3: \"%s\"", why);

    /* a version from the future is as stale as one from the past */
    why[0] = '\0';
    rc = nom_check_move(&n, NOM_UNIT_REVIEWED, 4, &a, NULL, NULL, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_ECONFLICT);
    assert_non_null(strstr(why, "version 3"));
}

static void check_move_reports_conflict_before_no_such_move(void **state)
{
    (void)state;
    nom_view_t n = make_view(NOM_RECOGNIZED, 5, "01");
    actor_t a = make_actor(ROLE_ADMIN, NULL);
    const nom_move_t *out = NULL;
    char why[256];
    int rc = nom_check_move(&n, NOM_FOSTERING, 1, &a, "x", NULL, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_ECONFLICT);
}

static void check_move_refuses_a_move_without_a_row(void **state)
{
    (void)state;
    nom_view_t n = make_view(NOM_REGISTERED, 1, "01");
    actor_t a = make_actor(ROLE_ADMIN, NULL);
    const nom_move_t *out = NULL;
    char why[256] = "";

    int rc = nom_check_move(&n, NOM_RECOGNIZED, 1, &a, "x", NULL, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_ENOMOVE);
    assert_null(out);
    /* the sentence says where it can go instead */
    assert_non_null(strstr(why, "registered"));
    assert_non_null(strstr(why, "recognized"));
    assert_non_null(strstr(why, "fostering"));

    /* from a terminal state the sentence says it is final */
    n = make_view(NOM_WITHDRAWN, 5, "01");
    why[0] = '\0';
    rc = nom_check_move(&n, NOM_FOSTERING, 5, &a, "x", NULL, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_ENOMOVE);
    assert_non_null(strstr(why, "final"));
}

static void check_move_refuses_every_pair_without_a_row(void **state)
{
    (void)state;
    actor_t a = make_actor(ROLE_ADMIN, NULL);
    for (int from = NOM_REGISTERED; from < NOM_STATE_COUNT; from++) {
        for (int to = 0; to < NOM_STATE_COUNT; to++) {
            if (rows_for((nom_state_t)from, (nom_state_t)to))
                continue;
            nom_view_t n = make_view((nom_state_t)from, 7, "01");
            const nom_move_t *out = NULL;
            char why[256];
            int rc =
                nom_check_move(&n, (nom_state_t)to, 7, &a, "because", NULL, why, sizeof(why), &out);
            if (rc != -EX_ENOMOVE)
                fail_msg("%d -> %d: expected -EX_ENOMOVE, got %d", from, to, rc);
            assert_null(out);
        }
    }
}

static void check_move_refuses_a_role_the_row_does_not_name(void **state)
{
    (void)state;
    nom_view_t n = make_view(NOM_REGISTERED, 1, "01");
    actor_t a = make_actor(ROLE_MINISTRY_REVIEWER, NULL);
    const nom_move_t *out = NULL;
    char why[256] = "";

    int rc = nom_check_move(&n, NOM_FOSTERING, 1, &a, NULL, NULL, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_EPERM);
    assert_null(out);
    /* the sentence names the role that is needed */
    if (!strstr(why, "unit-officer"))
        fail_msg("the permission sentence should name unit-officer: \"%s\"", why);
}

static void check_move_refuses_every_non_admin_role_a_row_does_not_name(void **state)
{
    (void)state;
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
        const nom_move_t *m = &NOM_MOVES[i];
        for (int r = ROLE_NONE; r < ROLE_COUNT; r++) {
            if (r == ROLE_ADMIN || (m->roles & ROLE_BIT(r)))
                continue;
            nom_view_t n = make_view(m->from, 2, "01");
            actor_t a = make_actor((role_t)r, "01");
            const nom_move_t *out = NULL;
            char why[256];
            int rc = nom_check_move(&n, m->to, 2, &a, "because", NULL, why, sizeof(why), &out);
            if (rc != -EX_EPERM)
                fail_msg("%s by role %d: expected -EX_EPERM, got %d", m->verb, r, rc);
        }
    }
}

static void check_move_refuses_a_unit_officer_of_another_unit(void **state)
{
    (void)state;
    nom_view_t n = make_view(NOM_REGISTERED, 1, "01");
    actor_t a = make_actor(ROLE_UNIT_OFFICER, "02");
    const nom_move_t *out = NULL;
    char why[256] = "";

    int rc = nom_check_move(&n, NOM_FOSTERING, 1, &a, NULL, NULL, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_EPERM);
    assert_null(out);
    assert_non_null(strstr(why, "02"));
    /* the refusal names the caller's unit, never the nomination's */
    assert_null(strstr(why, "unit 01"));

    /* scope comes before the version: a stale version out of scope is not
     * a conflict that would tell the version and state */
    rc = nom_check_move(&n, NOM_FOSTERING, 7, &a, NULL, NULL, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_EPERM);
    assert_null(strstr(why, "registered"));

    /* the same officer acting for unit 01 may */
    a = make_actor(ROLE_UNIT_OFFICER, "01");
    rc = nom_check_move(&n, NOM_FOSTERING, 1, &a, NULL, NULL, why, sizeof(why), &out);
    assert_int_equal(rc, 0);
    assert_ptr_equal(out, nom_find_move(NOM_REGISTERED, NOM_FOSTERING));

    /* a unit code that is a prefix of the other is another unit */
    a = make_actor(ROLE_UNIT_OFFICER, "010");
    rc = nom_check_move(&n, NOM_FOSTERING, 1, &a, NULL, NULL, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_EPERM);
}

static void actor_scope_limits_only_unit_officers(void **state)
{
    (void)state;
    actor_t officer = make_actor(ROLE_UNIT_OFFICER, "01");
    assert_true(nom_actor_in_scope(&officer, "01"));
    assert_false(nom_actor_in_scope(&officer, "02"));
    assert_false(nom_actor_in_scope(&officer, "0"));
    assert_false(nom_actor_in_scope(&officer, "010"));
    assert_false(nom_actor_in_scope(&officer, ""));
    assert_false(nom_actor_in_scope(&officer, NULL));
    for (int r = ROLE_NONE; r < ROLE_COUNT; r++) {
        if (r == ROLE_UNIT_OFFICER)
            continue;
        actor_t a = make_actor((role_t)r, "");
        assert_true(nom_actor_in_scope(&a, "02"));
    }
}

static void check_move_refuses_a_side_exit_without_a_reason(void **state)
{
    (void)state;
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
        const nom_move_t *m = &NOM_MOVES[i];
        if (!m->needs_reason)
            continue;
        nom_view_t n = make_view(m->from, 3, "01");
        actor_t a = make_actor(ROLE_ADMIN, NULL);
        const nom_move_t *out = NULL;
        char why[256] = "";
        int rc = nom_check_move(&n, m->to, 3, &a, NULL, NULL, why, sizeof(why), &out);
        if (rc != -EX_EREASON)
            fail_msg("%s without a reason (NULL): expected -EX_EREASON, got %d", m->verb, rc);
        assert_null(out);
        assert_non_null(strstr(why, "reason"));
        rc = nom_check_move(&n, m->to, 3, &a, "", NULL, why, sizeof(why), &out);
        if (rc != -EX_EREASON)
            fail_msg("%s with an empty reason: expected -EX_EREASON, got %d", m->verb, rc);
        rc = nom_check_move(&n, m->to, 3, &a, "moved away", NULL, why, sizeof(why), &out);
        assert_int_equal(rc, 0);
        assert_ptr_equal(out, m);
    }
}

static void check_move_checks_role_before_reason(void **state)
{
    (void)state;
    nom_view_t n = make_view(NOM_REGISTERED, 1, "01");
    actor_t a = make_actor(ROLE_READER, NULL);
    const nom_move_t *out = NULL;
    char why[256];
    int rc = nom_check_move(&n, NOM_WITHDRAWN, 1, &a, NULL, NULL, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_EPERM);
}

static void check_move_refuses_outside_the_window(void **state)
{
    (void)state;
    fake_rules_t f = {.window_result = false, .guard_result = 0};
    nom_rules_t rules = fake_rules(&f);
    nom_view_t n = make_view(NOM_REGISTERED, 1, "01");
    actor_t a = make_actor(ROLE_UNIT_OFFICER, "01");
    const nom_move_t *out = NULL;
    char why[256] = "";

    int rc = nom_check_move(&n, NOM_FOSTERING, 1, &a, NULL, &rules, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_EWINDOW);
    assert_null(out);
    assert_int_equal(f.window_calls, 1);
    assert_int_equal(f.last_window, nom_find_move(NOM_REGISTERED, NOM_FOSTERING)->window);
    assert_string_equal(f.last_campaign, "2021-2025");
    assert_non_null(strstr(why, "2021-2025"));
    assert_int_equal(f.guard_calls, 0);

    /* the same move with the window open passes */
    f.window_result = true;
    rc = nom_check_move(&n, NOM_FOSTERING, 1, &a, NULL, &rules, why, sizeof(why), &out);
    assert_int_equal(rc, 0);
}

static void check_move_ignores_windows_for_rows_bound_to_none(void **state)
{
    (void)state;
    fake_rules_t f = {.window_result = false, .guard_result = 0};
    nom_rules_t rules = fake_rules(&f);
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
        const nom_move_t *m = &NOM_MOVES[i];
        nom_view_t n = make_view(m->from, 1, "01");
        actor_t a = make_actor(ROLE_ADMIN, NULL);
        const nom_move_t *out = NULL;
        char why[256];
        f.window_calls = 0;
        int rc = nom_check_move(&n, m->to, 1, &a, "why not", &rules, why, sizeof(why), &out);
        if (m->window == WIN_ANY) {
            if (rc != 0)
                fail_msg("%s has no window but was refused with %d", m->verb, rc);
        } else if (rc != -EX_EWINDOW) {
            fail_msg("%s in a closed %s window: expected -EX_EWINDOW, got %d", m->verb,
                     nom_window_name(m->window), rc);
        }
    }
}

static void check_move_checks_reason_before_window(void **state)
{
    (void)state;
    fake_rules_t f = {.window_result = false, .guard_result = 0};
    nom_rules_t rules = fake_rules(&f);
    nom_view_t n = make_view(NOM_UNIT_REVIEWED, 3, "01");
    actor_t a = make_actor(ROLE_ADMIN, NULL);
    const nom_move_t *out = NULL;
    char why[256];
    assert_int_not_equal(nom_find_move(NOM_UNIT_REVIEWED, NOM_NOT_SELECTED)->window, WIN_ANY);
    int rc = nom_check_move(&n, NOM_NOT_SELECTED, 3, &a, NULL, &rules, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_EREASON);
}

static void check_move_passes_a_guard_refusal_through(void **state)
{
    (void)state;
    const int codes[] = {-EX_ECRITERIA, -EX_EPERM, -EX_EINTERNAL};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        fake_rules_t f = {.window_result = true,
                          .guard_result = codes[i],
                          .guard_why = "evidence of 2020 title missing"};
        nom_rules_t rules = fake_rules(&f);
        nom_view_t n = make_view(NOM_FOSTERING, 2, "01");
        actor_t a = make_actor(ROLE_UNIT_OFFICER, "01");
        const nom_move_t *out = NULL;
        char why[256] = "";
        int rc = nom_check_move(&n, NOM_UNIT_REVIEWED, 2, &a, NULL, &rules, why, sizeof(why), &out);
        assert_int_equal(rc, codes[i]);
        assert_null(out);
        assert_int_equal(f.guard_calls, 1);
        assert_ptr_equal(f.guard_move, nom_find_move(NOM_FOSTERING, NOM_UNIT_REVIEWED));
        assert_string_equal(why, "evidence of 2020 title missing");
    }
}

/* The Minister's recognition and its annulment rest on decisions: the
 * recognize row asks the recognition guard (decision with issuer, dates,
 * criteria for recognition, head of unit), revoke the decision guard. */
static void recognition_and_revocation_rest_on_a_decision(void **state)
{
    (void)state;
    const nom_move_t *rec = nom_find_move(NOM_MINISTRY_REVIEWED, NOM_RECOGNIZED);
    const nom_move_t *rev = nom_find_move(NOM_RECOGNIZED, NOM_REVOKED);
    assert_non_null(rec);
    assert_non_null(rev);
    assert_int_equal(rec->guard, GUARD_RECOGNITION);
    assert_string_equal(nom_guard_name(rec->guard), "recognition");
    assert_int_equal(rev->guard, GUARD_DECISION);
    /* a refusal of the guard stops the recognition, with its sentence */
    fake_rules_t f = {.window_result = true,
                      .guard_result = -EX_EINVALID,
                      .guard_why = "recognize needs the decision behind it"};
    nom_rules_t rules = fake_rules(&f);
    nom_view_t n = make_view(NOM_MINISTRY_REVIEWED, 4, "01");
    actor_t a = make_actor(ROLE_APPROVER, "");
    const nom_move_t *out = NULL;
    char why[256] = "";
    int rc = nom_check_move(&n, NOM_RECOGNIZED, 4, &a, NULL, &rules, why, sizeof(why), &out);
    assert_int_equal(rc, -EX_EINVALID);
    assert_null(out);
    assert_ptr_equal(f.guard_move, rec);
    assert_string_equal(why, "recognize needs the decision behind it");
}

static void check_move_calls_the_guard_only_for_guarded_rows(void **state)
{
    (void)state;
    fake_rules_t f = {.window_result = true, .guard_result = -EX_ECRITERIA, .guard_why = "no"};
    nom_rules_t rules = fake_rules(&f);
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
        const nom_move_t *m = &NOM_MOVES[i];
        nom_view_t n = make_view(m->from, 1, "01");
        actor_t a = make_actor(ROLE_ADMIN, NULL);
        const nom_move_t *out = NULL;
        char why[256];
        f.guard_calls = 0;
        int rc = nom_check_move(&n, m->to, 1, &a, "reason", &rules, why, sizeof(why), &out);
        if (m->guard == GUARD_NONE) {
            assert_int_equal(f.guard_calls, 0);
            assert_int_equal(rc, 0);
        } else {
            assert_int_equal(f.guard_calls, 1);
            assert_int_equal(rc, -EX_ECRITERIA);
        }
    }
}

static void check_move_lets_admin_make_every_move(void **state)
{
    (void)state;
    fake_rules_t f = {.window_result = true, .guard_result = 0};
    nom_rules_t rules = fake_rules(&f);
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
        const nom_move_t *m = &NOM_MOVES[i];
        nom_view_t n = make_view(m->from, 9, "79");
        actor_t a = make_actor(ROLE_ADMIN, "");
        const nom_move_t *out = NULL;
        char why[256] = "";
        /* without rules (every window open, every guard holding) */
        int rc = nom_check_move(&n, m->to, 9, &a, "admin's reason", NULL, why, sizeof(why), &out);
        if (rc != 0)
            fail_msg("admin refused %s (%d): %s", m->verb, rc, why);
        assert_ptr_equal(out, m);
        /* and with rules that allow it */
        out = NULL;
        rc = nom_check_move(&n, m->to, 9, &a, "admin's reason", &rules, why, sizeof(why), &out);
        assert_int_equal(rc, 0);
        assert_ptr_equal(out, m);
    }
}

static void check_move_lets_each_named_role_make_its_move(void **state)
{
    (void)state;
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
        const nom_move_t *m = &NOM_MOVES[i];
        for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++) {
            if (!(m->roles & ROLE_BIT(r)))
                continue;
            nom_view_t n = make_view(m->from, 1, "01");
            actor_t a = make_actor((role_t)r, "01");
            const nom_move_t *out = NULL;
            char why[256] = "";
            int rc = nom_check_move(&n, m->to, 1, &a, "reason", NULL, why, sizeof(why), &out);
            if (rc != 0)
                fail_msg("role %d refused %s (%d): %s", r, m->verb, rc, why);
            assert_ptr_equal(out, m);
        }
        assert_int_not_equal(first_role(m), ROLE_NONE);
    }
}

static void check_move_never_writes_past_a_short_why_buffer(void **state)
{
    (void)state;
    struct {
        char why[8];
        char canary[8];
    } buf;
    memset(&buf, 'Z', sizeof(buf));
    nom_view_t n = make_view(NOM_REGISTERED, 1, "01");
    actor_t a = make_actor(ROLE_ADMIN, NULL);
    const nom_move_t *out = NULL;
    int rc = nom_check_move(&n, NOM_RECOGNIZED, 1, &a, NULL, NULL, buf.why, sizeof(buf.why), &out);
    assert_int_equal(rc, -EX_ENOMOVE);
    assert_int_equal(buf.why[sizeof(buf.why) - 1], '\0');
    for (size_t i = 0; i < sizeof(buf.canary); i++)
        assert_int_equal(buf.canary[i], 'Z');
}

/* ---- the printed table -------------------------------------------------- */

static void print_moves_prints_one_line_per_row(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    nom_print_moves(f);
    assert_int_equal(fclose(f), 0);
    assert_non_null(text);

    /* each row's verb on a line of its own, in table order */
    const char *p = strchr(text, '\n'); /* after the header */
    assert_non_null(p);
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
        const char *line = p + 1;
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        char row[256];
        snprintf(row, sizeof(row), "%.*s", (int)(end - line), line);
        if (!strstr(row, NOM_MOVES[i].verb))
            fail_msg("line %zu \"%s\" does not show the verb %s", i + 1, row, NOM_MOVES[i].verb);
        p = end;
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(find_move_is_non_null_exactly_when_a_row_exists),
        cmocka_unit_test(find_move_refuses_states_outside_the_enum),
        cmocka_unit_test(table_has_at_most_one_row_per_pair),
        cmocka_unit_test(table_rows_are_well_formed),
        cmocka_unit_test(one_verb_always_leads_to_the_same_state),
        cmocka_unit_test(main_path_moves_exist_without_a_reason),
        cmocka_unit_test(side_exit_moves_exist_with_a_reason),
        cmocka_unit_test(each_move_belongs_to_the_role_the_plan_gives_it),
        cmocka_unit_test(moves_that_skip_steps_or_go_back_are_refused),
        cmocka_unit_test(terminal_states_have_no_outgoing_rows),
        cmocka_unit_test(only_withdrawn_revoked_and_carried_over_are_terminal),
        cmocka_unit_test(every_state_is_reachable_from_none),
        cmocka_unit_test(every_open_state_can_still_reach_recognized),
        cmocka_unit_test(side_exits_need_a_reason_and_the_main_path_does_not),
        cmocka_unit_test(check_move_refuses_a_stale_version_naming_the_current_one),
        cmocka_unit_test(check_move_reports_conflict_before_no_such_move),
        cmocka_unit_test(check_move_refuses_a_move_without_a_row),
        cmocka_unit_test(check_move_refuses_every_pair_without_a_row),
        cmocka_unit_test(check_move_refuses_a_role_the_row_does_not_name),
        cmocka_unit_test(check_move_refuses_every_non_admin_role_a_row_does_not_name),
        cmocka_unit_test(check_move_refuses_a_unit_officer_of_another_unit),
        cmocka_unit_test(actor_scope_limits_only_unit_officers),
        cmocka_unit_test(check_move_refuses_a_side_exit_without_a_reason),
        cmocka_unit_test(check_move_checks_role_before_reason),
        cmocka_unit_test(check_move_refuses_outside_the_window),
        cmocka_unit_test(check_move_ignores_windows_for_rows_bound_to_none),
        cmocka_unit_test(check_move_checks_reason_before_window),
        cmocka_unit_test(check_move_passes_a_guard_refusal_through),
        cmocka_unit_test(check_move_calls_the_guard_only_for_guarded_rows),
        cmocka_unit_test(recognition_and_revocation_rest_on_a_decision),
        cmocka_unit_test(check_move_lets_admin_make_every_move),
        cmocka_unit_test(check_move_lets_each_named_role_make_its_move),
        cmocka_unit_test(check_move_never_writes_past_a_short_why_buffer),
        cmocka_unit_test(print_moves_prints_one_line_per_row),
    };
    return cmocka_run_group_tests_name("nom", tests, NULL, NULL);
}
