/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the council's voting arithmetic (daemon/council.c): the
 * quorum and the threshold at and around their boundaries, both bases of
 * the threshold, the chair's approval, and the fraction parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "council.h"

static council_count_t count(uint32_t members, uint32_t present, uint32_t written, uint32_t approve,
                             uint32_t reject)
{
    return (council_count_t){members, present, written, approve, reject, false};
}

static void at_least_rounds_up(void **state)
{
    (void)state;
    assert_int_equal(council_at_least((council_frac_t){90, 100}, 9), 9); /* 8.1 -> 9 */
    assert_int_equal(council_at_least((council_frac_t){90, 100}, 10), 9);
    assert_int_equal(council_at_least((council_frac_t){90, 100}, 20), 18);
    assert_int_equal(council_at_least((council_frac_t){2, 3}, 9), 6);
    assert_int_equal(council_at_least((council_frac_t){2, 3}, 10), 7); /* 6.67 -> 7 */
    assert_int_equal(council_at_least((council_frac_t){1, 2}, 7), 4);
    assert_int_equal(council_at_least((council_frac_t){1, 1}, 7), 7);
}

static void quorum_boundary_of_nine(void **state)
{
    (void)state;
    council_rules_t r;
    council_rules_default(&r);
    assert_true(council_quorum_met(&r, 9, 6));
    assert_false(council_quorum_met(&r, 9, 5));
    assert_false(council_quorum_met(&r, 0, 0));
    char why[256];
    council_count_t c = count(9, 5, 4, 9, 0);
    assert_int_equal(council_decide(&r, &c, why, sizeof(why)), COUNCIL_NO_DECISION);
    assert_non_null(strstr(why, "quorum 6: not met"));
}

static void threshold_of_all_members(void **state)
{
    (void)state;
    council_rules_t r;
    council_rules_default(&r);
    char why[256];
    /* 9 members, 7 present, 2 in writing: 90 % of 9 is 9 approvals. */
    council_count_t c = count(9, 7, 2, 9, 0);
    assert_int_equal(council_decide(&r, &c, why, sizeof(why)), COUNCIL_APPROVED);
    c = count(9, 7, 2, 8, 1); /* one vote short */
    assert_int_equal(council_decide(&r, &c, why, sizeof(why)), COUNCIL_NOT_APPROVED);
    assert_non_null(strstr(why, "8 approvals of 9 members, 9 needed"));
    /* Against all members, an absent member who did not vote counts as no. */
    c = count(9, 7, 0, 7, 0);
    assert_int_equal(council_decide(&r, &c, NULL, 0), COUNCIL_NOT_APPROVED);
    /* 10 members: 9 approvals suffice, 8 do not. */
    c = count(10, 8, 2, 9, 1);
    assert_int_equal(council_decide(&r, &c, NULL, 0), COUNCIL_APPROVED);
    c = count(10, 8, 2, 8, 2);
    assert_int_equal(council_decide(&r, &c, NULL, 0), COUNCIL_NOT_APPROVED);
}

static void threshold_of_voters(void **state)
{
    (void)state;
    council_rules_t r;
    council_rules_default(&r);
    r.threshold = (council_frac_t){1, 2};
    r.threshold_base = COUNCIL_BASE_VOTERS;
    council_count_t c = count(9, 6, 0, 3, 3); /* half of 6 ballots */
    assert_int_equal(council_decide(&r, &c, NULL, 0), COUNCIL_APPROVED);
    c = count(9, 6, 0, 2, 4);
    assert_int_equal(council_decide(&r, &c, NULL, 0), COUNCIL_NOT_APPROVED);
    c = count(9, 6, 0, 0, 0); /* no ballot at all approves nothing */
    assert_int_equal(council_needed(&r, &c), 1);
    assert_int_equal(council_decide(&r, &c, NULL, 0), COUNCIL_NOT_APPROVED);
}

static void chair_approval_when_required(void **state)
{
    (void)state;
    council_rules_t r;
    council_rules_default(&r);
    r.chair_approval_required = true;
    char why[256];
    council_count_t c = count(9, 9, 0, 9, 0);
    c.chair_approved = false; /* impossible with 9 of 9, but the rule is read alone */
    assert_int_equal(council_decide(&r, &c, why, sizeof(why)), COUNCIL_NOT_APPROVED);
    assert_non_null(strstr(why, "the chair did not approve"));
    c.chair_approved = true;
    assert_int_equal(council_decide(&r, &c, NULL, 0), COUNCIL_APPROVED);
}

/* "More than half of the ballots" (51/100 of voters): 4 to 4 of 8 is a
 * tie at the threshold (5 needed), 5 to 3 is not a tie. */
static void a_tie_follows_the_rule(void **state)
{
    (void)state;
    council_rules_t r;
    council_rules_default(&r);
    r.threshold = (council_frac_t){51, 100};
    r.threshold_base = COUNCIL_BASE_VOTERS;
    char why[256];
    council_count_t c = count(9, 8, 0, 4, 4);
    assert_true(council_tie(&r, &c));
    /* not-approved, the default: the threshold is not reached */
    assert_int_equal(council_decide(&r, &c, why, sizeof(why)), COUNCIL_NOT_APPROVED);
    assert_false(council_keeps_chair_ballot(&r));
    /* revote: no decision, said so */
    r.tie = COUNCIL_TIE_REVOTE;
    assert_int_equal(council_decide(&r, &c, why, sizeof(why)), COUNCIL_NO_DECISION);
    assert_non_null(strstr(why, "a tie, to be voted on again"));
    /* chair: the chair's ballot decides, and is kept for it */
    r.tie = COUNCIL_TIE_CHAIR;
    assert_true(council_keeps_chair_ballot(&r));
    c.chair_approved = true;
    assert_int_equal(council_decide(&r, &c, why, sizeof(why)), COUNCIL_APPROVED);
    assert_non_null(strstr(why, "decided by the chair's ballot"));
    c.chair_approved = false;
    assert_int_equal(council_decide(&r, &c, NULL, 0), COUNCIL_NOT_APPROVED);
    /* no tie: 5 to 3 is approved whatever the chair did */
    c = count(9, 8, 0, 5, 3);
    assert_false(council_tie(&r, &c));
    assert_int_equal(council_decide(&r, &c, NULL, 0), COUNCIL_APPROVED);
    /* 4 to 4 under 90 % of all members (9 needed) is no tie: not approved */
    council_rules_default(&r);
    r.tie = COUNCIL_TIE_REVOTE;
    c = count(9, 8, 0, 4, 4);
    assert_false(council_tie(&r, &c));
    assert_int_equal(council_decide(&r, &c, NULL, 0), COUNCIL_NOT_APPROVED);
    /* a quorum not met stays no decision */
    c = count(9, 5, 0, 4, 4);
    assert_int_equal(council_decide(&r, &c, why, sizeof(why)), COUNCIL_NO_DECISION);
    assert_non_null(strstr(why, "not met"));
}

static void fractions_parse(void **state)
{
    (void)state;
    council_frac_t f;
    assert_int_equal(council_frac_parse("2/3", &f), 0);
    assert_int_equal(f.num, 2);
    assert_int_equal(f.den, 3);
    assert_int_equal(council_frac_parse("90%", &f), 0);
    assert_int_equal(f.num, 90);
    assert_int_equal(f.den, 100);
    assert_int_equal(council_frac_parse("3/2", &f), -1);
    assert_int_equal(council_frac_parse("0/3", &f), -1);
    assert_int_equal(council_frac_parse("2/0", &f), -1);
    assert_int_equal(council_frac_parse("90", &f), -1);
    assert_int_equal(council_frac_parse("2/3x", &f), -1);
    assert_int_equal(council_frac_parse("", &f), -1);
    assert_string_equal(council_result_name(COUNCIL_APPROVED), "approved");
    assert_string_equal(council_result_name(COUNCIL_NO_DECISION), "no-decision");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(at_least_rounds_up),
        cmocka_unit_test(quorum_boundary_of_nine),
        cmocka_unit_test(threshold_of_all_members),
        cmocka_unit_test(threshold_of_voters),
        cmocka_unit_test(chair_approval_when_required),
        cmocka_unit_test(a_tie_follows_the_rule),
        cmocka_unit_test(fractions_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
