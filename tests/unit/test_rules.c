/* SPDX-License-Identifier: MIT */
/*
 * The rules' pure parts: campaign files and the rule book (errors name the
 * line), windows by day, criteria over consecutive years (a revoked title
 * breaks the chain, a higher title counts), the window override in
 * nom_check_move, the units CSV, the built-in unit registry (successors,
 * addressees, the 2025 reorganisation), and Vietnamese folding and order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "campaign.h"
#include "criteria.h"
#include "dossier.h"
#include "embedded.h"
#include "errors.h"
#include "i18n.h"
#include "rules.h"
#include "unitcsv.h"
#include "vitext.h"

static int32_t day(const char *s)
{
    int32_t d;
    assert_int_equal(day_parse(s, &d), 0);
    return d;
}

static void shipped_campaign_has_the_plans_deadline(void **state)
{
    (void)state;
    campaign_t c;
    char err[512];
    assert_int_equal(campaign_parse(EMBED_campaign_2021_2025, EMBED_campaign_2021_2025_LEN,
                                    "2021-2025.yaml", &c, err, sizeof err),
                     0);
    const period_t *p = campaign_period(&c, "2021-2023");
    assert_non_null(p);
    assert_true(period_window_open(p, WIN_REGISTRATION, day("2021-09-15")));
    assert_false(period_window_open(p, WIN_REGISTRATION, day("2021-09-16")));
    assert_true(period_window_open(p, WIN_UNIT_REVIEW, day("2023-06-30")));
    assert_false(period_window_open(p, WIN_UNIT_REVIEW, day("2023-07-01")));
    assert_int_equal(p->n_years, 3);
    const period_t *next = campaign_next_period(&c, p);
    assert_non_null(next);
    assert_true(period_window_open(next, WIN_CARRY_OVER, day("2024-02-01")));
    assert_null(campaign_next_period(&c, next));
    assert_ptr_equal(campaign_period_for_registration(&c, day("2024-02-01")), next);
    assert_ptr_equal(campaign_period_for_registration(&c, day("2021-01-01")), p);
}

static void relative_campaign_is_laid_out_from_its_anchor(void **state)
{
    (void)state;
    campaign_t c;
    char err[512], buf[16];
    assert_int_equal(campaign_parse(EMBED_campaign_demo, EMBED_campaign_demo_LEN, "demo.yaml", &c,
                                    err, sizeof err),
                     0);
    campaign_resolve(&c, day("2030-05-10"));
    const period_t *p = &c.periods[0];
    assert_string_equal(day_format(p->window[WIN_REGISTRATION].from, buf, sizeof buf),
                        "2030-05-09");
    assert_int_equal(p->years[0], 2027);
    assert_int_equal(p->years[2], 2029);
    assert_true(period_window_open(p, WIN_RECOGNITION, day("2030-05-10")));
}

static void campaign_errors_name_the_line(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"id: x\nperiods:\n  - id: p\n    years: [2021]\n    windows:\n      registraton: "
         "[2021-01-01, 2021-02-01]\n",
         "line 6: unknown window \"registraton\""},
        {"id: x\nperiods:\n  - id: p\n    years: [2021]\n    windows:\n      registration: "
         "[2021-02-30, 2021-03-01]\n",
         "line 6: registration must be a date"},
        {"id: x\ntitel: y\n", "line 2: unknown key \"titel\""},
        {"id: x\nperiods: [\n", "line 3"},
        {"id: x\nperiods:\n  - id: p\n    years: [2021]\n    windows:\n      fostering: "
         "[2022-01-01, 2021-01-01]\n",
         "line 6: fostering ends before it begins"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        campaign_t c;
        char err[512] = "";
        assert_int_equal(
            campaign_parse(cases[i].text, strlen(cases[i].text), "t.yaml", &c, err, sizeof err),
            -1);
        if (!strstr(err, cases[i].want))
            fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, cases[i].want);
    }
}

static rulebook_t book;

static int load_book(void **state)
{
    (void)state;
    char err[512];
    return rulebook_parse(EMBED_rulesets, EMBED_rulesets_LEN, "rulesets.yaml", &book, err,
                          sizeof err);
}

static void rule_sets_are_chosen_by_evaluation_year(void **state)
{
    (void)state;
    assert_string_equal(rulebook_for_year(&book, 2021)->id, "ld2003");
    assert_string_equal(rulebook_for_year(&book, 2023)->id, "ld2003");
    assert_string_equal(rulebook_for_year(&book, 2024)->id, "ld2022");
    assert_null(rulebook_for_year(&book, 2010));
    assert_true(rulebook_satisfies(&book, "CSTD-BO", "CSTDCS"));
    assert_false(rulebook_satisfies(&book, "LDTT", "CSTDCS"));
}

static int32_t day_of(const char *text)
{
    int32_t d = 0;
    assert_int_equal(day_parse(text, &d), 0);
    return d;
}

static period_t period_2021_2023(void)
{
    period_t p = {.id = "2021-2023", .years = {2021, 2022, 2023}, .n_years = 3};
    return p;
}

static void collective_needs_ttldxs_every_year(void **state)
{
    (void)state;
    period_t p = period_2021_2023();
    criteria_fact_t facts[] = {
        {2021, "TTLDXS", false}, {2022, "TTLDXS", false}, {2023, "TTLDTT", false}};
    criteria_result_t r;
    criteria_evaluate(&book, true, &p, day_of("2030-01-01"), false, facts, 3, &r);
    assert_false(r.met);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.c[0].n_missing, 1);
    assert_int_equal(r.c[0].missing[0], 2023);
    char text[1024];
    criteria_explain(&book, &p, &r, text, sizeof text);
    assert_non_null(strstr(text, "missing in 2023"));
    snprintf(facts[2].title, sizeof(facts[2].title), "TTLDXS");
    criteria_evaluate(&book, true, &p, day_of("2030-01-01"), false, facts, 3, &r);
    assert_true(r.met);
}

static void revoked_title_breaks_the_chain(void **state)
{
    (void)state;
    period_t p = period_2021_2023();
    criteria_fact_t facts[] = {
        {2021, "TTLDXS", false}, {2022, "TTLDXS", true}, {2023, "TTLDXS", false}};
    criteria_result_t r;
    criteria_evaluate(&book, true, &p, day_of("2030-01-01"), false, facts, 3, &r);
    assert_false(r.met);
    assert_int_equal(r.c[0].n_revoked, 1);
    assert_int_equal(r.c[0].revoked[0], 2022);
}

static void individual_needs_rating_and_title_and_higher_counts(void **state)
{
    (void)state;
    period_t p = {.id = "2023-2025", .years = {2023, 2024}, .n_years = 2};
    criteria_fact_t facts[] = {{2023, "HTXSNV", false},
                               {2023, "CSTDCS", false},
                               {2024, "HTXSNV", false},
                               {2024, "CSTD-BO", false}};
    criteria_result_t r;
    criteria_evaluate(&book, false, &p, day_of("2030-01-01"), false, facts, 4, &r);
    assert_true(r.met);
    criteria_evaluate(&book, false, &p, day_of("2030-01-01"), false, facts, 3,
                      &r); /* no title in 2024 */
    assert_false(r.met);
}

/* The plan's own calendar: the unit review of 2021-2023 runs in Q1-Q2/2023,
 * when 2023's titles cannot exist; they are pending, not missing, until
 * their decided_by day (31 March 2024) has passed. */
static void undecided_years_are_pending_not_missing(void **state)
{
    (void)state;
    period_t p = period_2021_2023();
    criteria_fact_t facts[] = {{2021, "TTLDXS", false}, {2022, "TTLDXS", false}};
    criteria_result_t r;
    criteria_evaluate(&book, true, &p, day_of("2023-05-15"), false, facts, 2, &r);
    assert_true(r.met);
    assert_int_equal(r.c[0].n_missing, 0);
    assert_int_equal(r.c[0].n_pending, 1);
    assert_int_equal(r.c[0].pending[0], 2023);
    assert_int_equal(r.n_pending, 1);
    assert_int_equal(r.pending[0].decided_by, day_of("2024-03-31"));
    assert_false(r.pending[0].required);
    char text[1024];
    assert_int_equal(i18n_init("en", NULL), 0);
    criteria_explain(&book, &p, &r, text, sizeof text);
    if (!strstr(text, "[pending]") || !strstr(text, "2024-03-31"))
        fail_msg("pending year not explained: %s", text);
    /* recognition in Q4/2023 with the shipped rule set: still not required */
    criteria_evaluate(&book, true, &p, day_of("2023-11-20"), true, facts, 2, &r);
    assert_true(r.met);
    /* on 31 March 2023 the titles of 2022 may still be signed that day */
    criteria_evaluate(&book, true, &p, day_of("2023-03-31"), false, facts, 1, &r);
    assert_true(r.met);
    assert_int_equal(r.c[0].n_pending, 2);
    /* from 1 April 2023 they are due: a candidate without 2022 is refused */
    criteria_evaluate(&book, true, &p, day_of("2023-04-01"), false, facts, 1, &r);
    assert_false(r.met);
    assert_int_equal(r.c[0].missing[0], 2022);
    /* a revoked title is missing even while its year is pending */
    criteria_fact_t revoked[] = {
        {2021, "TTLDXS", false}, {2022, "TTLDXS", false}, {2023, "TTLDXS", true}};
    criteria_evaluate(&book, true, &p, day_of("2024-01-15"), false, revoked, 3, &r);
    assert_false(r.met);
    assert_int_equal(r.c[0].revoked[0], 2023);
}

static void a_rule_set_may_require_pending_years_for_recognition(void **state)
{
    (void)state;
    static const char strict[] = "titles:\n"
                                 "  TTLDXS: {name: Tập thể Lao động xuất sắc, kind: collective}\n"
                                 "rulesets:\n"
                                 "  - id: strict\n"
                                 "    law: test\n"
                                 "    from_year: 2020\n"
                                 "    collective: [TTLDXS]\n"
                                 "    decided_by: 01-31\n"
                                 "    pending: required-for-recognition\n";
    rulebook_t b;
    char err[256];
    assert_int_equal(rulebook_parse(strict, strlen(strict), "strict", &b, err, sizeof err), 0);
    assert_int_equal(ruleset_decided_by(&b.sets[0], 2023), day_of("2024-01-31"));
    period_t p = period_2021_2023();
    criteria_fact_t facts[] = {{2021, "TTLDXS", false}, {2022, "TTLDXS", false}};
    criteria_result_t r;
    criteria_evaluate(&b, true, &p, day_of("2023-11-20"), false, facts, 2, &r);
    assert_true(r.met); /* a review: pending is fine */
    criteria_evaluate(&b, true, &p, day_of("2023-11-20"), true, facts, 2, &r);
    assert_false(r.met); /* recognition: the rule set requires 2023 */
    assert_int_equal(r.c[0].missing[0], 2023);
    assert_true(r.pending[0].required);
    static const char bad[] = "titles:\n"
                              "  T: {name: T}\n"
                              "rulesets:\n"
                              "  - id: x\n"
                              "    law: y\n"
                              "    from_year: 2020\n"
                              "    decided_by: 02-29\n";
    assert_int_equal(rulebook_parse(bad, strlen(bad), "bad", &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "decided_by"));
}

/* The council's voting rules are data per rule set: the shipped book gives
 * every rule set 2/3 and 90 % of all members (Decree 91/2017 art. 45.8, the
 * 2019 council rules); a rule set may say otherwise, and a value that is no
 * fraction is refused with the key named. */
static void a_rule_set_carries_the_council_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < book.n_sets; i++) {
        const council_rules_t *c = &book.sets[i].council;
        assert_int_equal(c->quorum.num * 3, c->quorum.den * 2);
        assert_int_equal(c->threshold.num * 10, c->threshold.den * 9);
        assert_int_equal(c->threshold_base, COUNCIL_BASE_MEMBERS);
        assert_false(c->chair_approval_required);
        assert_true(c->written_votes);
        assert_int_equal(c->tie, COUNCIL_TIE_NOT_APPROVED);
    }
    static const char own[] = "titles:\n"
                              "  T: {name: T}\n"
                              "rulesets:\n"
                              "  - id: x\n"
                              "    from_year: 2020\n"
                              "    council: {quorum: 1/2, threshold: 2/3, threshold_of: voters,\n"
                              "              chair_approval: required, written_votes: refused,\n"
                              "              tie: revote}\n";
    rulebook_t b;
    char err[256];
    assert_int_equal(rulebook_parse(own, strlen(own), "own", &b, err, sizeof err), 0);
    const council_rules_t *c = &b.sets[0].council;
    assert_int_equal(c->quorum.num, 1);
    assert_int_equal(c->quorum.den, 2);
    assert_int_equal(c->threshold.num, 2);
    assert_int_equal(c->threshold_base, COUNCIL_BASE_VOTERS);
    assert_true(c->chair_approval_required);
    assert_false(c->written_votes);
    assert_int_equal(c->tie, COUNCIL_TIE_REVOTE);
    static const char badtie[] = "titles:\n"
                                 "  T: {name: T}\n"
                                 "rulesets:\n"
                                 "  - id: x\n"
                                 "    from_year: 2020\n"
                                 "    council: {tie: coin}\n";
    assert_int_equal(rulebook_parse(badtie, strlen(badtie), "bad", &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "tie must be not-approved, revote or chair"));
    static const char bad[] = "titles:\n"
                              "  T: {name: T}\n"
                              "rulesets:\n"
                              "  - id: x\n"
                              "    from_year: 2020\n"
                              "    council: {threshold: 110%}\n";
    assert_int_equal(rulebook_parse(bad, strlen(bad), "bad", &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "threshold"));
}

/* A unit's council votes by the rule set's `council` unless the rule set
 * gives `unit_council` (in either order). */
static void a_unit_council_votes_by_council_unless_given(void **state)
{
    (void)state;
    for (size_t i = 0; i < book.n_sets; i++)
        assert_memory_equal(&book.sets[i].unit_council, &book.sets[i].council,
                            sizeof(council_rules_t));
    static const char own[] =
        "titles:\n"
        "  T: {name: T}\n"
        "rulesets:\n"
        "  - id: x\n"
        "    from_year: 2020\n"
        "    to_year: 2023\n"
        "    unit_council: {quorum: 1/2, threshold: 1/2, threshold_of: voters}\n"
        "    council: {quorum: 3/4}\n"
        "  - id: y\n"
        "    from_year: 2024\n"
        "    council: {threshold: 2/3}\n";
    rulebook_t b;
    char err[256];
    if (rulebook_parse(own, strlen(own), "own", &b, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(b.sets[0].unit_council.quorum.den, 2);
    assert_int_equal(b.sets[0].unit_council.threshold_base, COUNCIL_BASE_VOTERS);
    assert_int_equal(b.sets[0].council.quorum.den, 4);
    assert_int_equal(b.sets[1].unit_council.threshold.num, 2);
    assert_int_equal(b.sets[1].unit_council.threshold.den, 3);
}

/* The unit's dossier as data per rule set (rulesets.yaml `acclamation`,
 * `qualitative`): the plan's rule sets require the collective's
 * acclamation by at least 1/2 of those present, compared as integers so
 * that exactly half passes and one fewer does not; a rule set without
 * `acclamation` requires none; the qualitative criteria go by kind. */
static void a_rule_set_carries_the_dossier_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < book.n_sets; i++) {
        const ruleset_t *s = &book.sets[i];
        assert_true(s->acclamation_required);
        assert_int_equal(s->acclamation_min.num * 2, s->acclamation_min.den);
        assert_non_null(dossier_criterion(s, true, "NEW-MODEL"));
        assert_non_null(dossier_criterion(s, true, "LEADS"));
        assert_non_null(dossier_criterion(s, false, "LEADS"));
        assert_non_null(dossier_criterion(s, false, "INITIATIVE"));
        assert_null(dossier_criterion(s, true, "INITIATIVE"));
        assert_null(dossier_criterion(s, false, "NEW-MODEL"));
        Exemplar__Acclamation a = EXEMPLAR__ACCLAMATION__INIT;
        a.present = 4, a.in_favour = 2;
        assert_true(dossier_acclaimed(s, &a));
        a.in_favour = 1;
        assert_false(dossier_acclaimed(s, &a));
        a.present = 5, a.in_favour = 2;
        assert_false(dossier_acclaimed(s, &a));
        a.in_favour = 3;
        assert_true(dossier_acclaimed(s, &a));
        a.present = 0, a.in_favour = 0;
        assert_false(dossier_acclaimed(s, &a));
        a.present = 3, a.in_favour = 4;
        assert_false(dossier_acclaimed(s, &a));
        assert_false(dossier_acclaimed(s, NULL));
    }
    static const char plain[] = "titles:\n"
                                "  T: {name: T}\n"
                                "rulesets:\n"
                                "  - id: x\n"
                                "    from_year: 2020\n";
    rulebook_t b;
    char err[256];
    assert_int_equal(rulebook_parse(plain, strlen(plain), "plain", &b, err, sizeof err), 0);
    assert_false(b.sets[0].acclamation_required);
    assert_int_equal(b.sets[0].n_qualitative, 0);
    static const char own[] = "titles:\n"
                              "  T: {name: T}\n"
                              "rulesets:\n"
                              "  - id: x\n"
                              "    from_year: 2020\n"
                              "    acclamation: {required: true, min_in_favour: 2/3, of: present}\n"
                              "    qualitative:\n"
                              "      - {code: Q1, kind: any, text: một tiêu chí}\n";
    assert_int_equal(rulebook_parse(own, strlen(own), "own", &b, err, sizeof err), 0);
    Exemplar__Acclamation a = EXEMPLAR__ACCLAMATION__INIT;
    a.present = 9, a.in_favour = 6;
    assert_true(dossier_acclaimed(&b.sets[0], &a));
    a.in_favour = 5;
    assert_false(dossier_acclaimed(&b.sets[0], &a));
    assert_non_null(dossier_criterion(&b.sets[0], true, "Q1"));
    static const char *const bad[] = {
        "    acclamation: {min_in_favour: 150%}\n",
        "    acclamation: {of: members}\n",
        "    acclamation: {required: yes-please}\n",
        "    qualitative:\n      - {code: Q1, text: a}\n      - {code: Q1, text: b}\n",
        "    qualitative:\n      - {code: Q1}\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "titles:\n  T: {name: T}\nrulesets:\n  - id: x\n"
                 "    from_year: 2020\n%s",
                 bad[i]);
        if (rulebook_parse(text, strlen(text), "bad", &b, err, sizeof err) != -1)
            fail_msg("accepted: %s", bad[i]);
    }
}

/* ---- the window override in the move table ------------------------------ */

static bool closed(void *arg, const char *campaign, window_t w)
{
    (void)arg, (void)campaign, (void)w;
    return false;
}

static void note_override(void *arg, window_t w)
{
    (void)w;
    *(int *)arg = 1;
}

static void closed_window_refused_unless_an_admin_overrides(void **state)
{
    (void)state;
    int overridden = 0;
    nom_rules_t rules = {.arg = &overridden, .window_open = closed, .overridden = note_override};
    nom_view_t v = {1, 0, NOM_NONE, "01", "2021-2025", NULL};
    actor_t admin = {"root", ROLE_ADMIN, ""}, officer = {"ana", ROLE_UNIT_OFFICER, "01"};
    char why[512];
    const nom_move_t *m;
    assert_int_equal(
        nom_check_move(&v, NOM_REGISTERED, 0, &admin, NULL, &rules, why, sizeof why, &m),
        -EX_EWINDOW);
    assert_non_null(strstr(why, "--override"));
    rules.override_reason = "late letter";
    assert_int_equal(
        nom_check_move(&v, NOM_REGISTERED, 0, &officer, NULL, &rules, why, sizeof why, &m),
        -EX_EPERM);
    assert_int_equal(overridden, 0);
    assert_int_equal(
        nom_check_move(&v, NOM_REGISTERED, 0, &admin, NULL, &rules, why, sizeof why, &m), 0);
    assert_int_equal(overridden, 1);
}

/* ---- units CSV and Vietnamese text --------------------------------------- */

static void shipped_units_parse(void **state)
{
    (void)state;
    Exemplar__Unit **u;
    size_t n;
    char err[256];
    assert_int_equal(unitcsv_parse(EMBED_provinces_2021, EMBED_provinces_2021_LEN, "p.csv", &u, &n,
                                   err, sizeof err),
                     0);
    assert_int_equal(n, 63);
    assert_string_equal(u[0]->code, "01");
    assert_string_equal(u[0]->name, "Thành phố Hà Nội");
    unitcsv_free(u, n);
    static const char bad[] = "code,name_vi,colour\n01,A,red\n";
    assert_int_equal(unitcsv_parse(bad, strlen(bad), "bad.csv", &u, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "bad.csv row 1: unknown column"));
    static const char merge[] =
        "code,name_vi,valid_from,merged_from\n15,Tỉnh Lào Cai,2025-07-01,10 15\n";
    assert_int_equal(unitcsv_parse(merge, strlen(merge), "m.csv", &u, &n, err, sizeof err), 0);
    assert_int_equal(u[0]->n_merged_from, 2);
    assert_string_equal(u[0]->merged_from[1], "15");
    unitcsv_free(u, n);
}

/* The built-in registry's version of code valid on day (NULL: none). */
static const Exemplar__Unit *version_on(Exemplar__Unit *const *v, size_t n, const char *code,
                                        const char *on)
{
    const Exemplar__Unit *found = NULL;
    for (size_t i = 0; i < n; i++) {
        const Exemplar__Unit *u = v[i];
        if (strcmp(u->code, code) != 0)
            continue;
        if ((u->valid_from[0] && strcmp(u->valid_from, on) > 0) ||
            (u->valid_to[0] && strcmp(on, u->valid_to) > 0))
            continue;
        if (found)
            fail_msg("two versions of %s are valid on %s", code, on);
        found = u;
    }
    return found;
}

static size_t valid_on(Exemplar__Unit *const *v, size_t n, const char *kind, const char *on)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i]->kind, kind) == 0 && version_on(v, n, v[i]->code, on) == v[i])
            k++;
    return k;
}

static void builtin_registry_knows_2025(void **state)
{
    (void)state;
    Exemplar__Unit **v;
    size_t n;
    char err[256];
    if (rules_builtin_units(&v, &n, err, sizeof err) < 0)
        fail_msg("%s", err);
    /* 63 provinces until the merger, 34 after it. */
    assert_int_equal(valid_on(v, n, "province", "2021-09-15"), 63);
    assert_int_equal(valid_on(v, n, "province", "2025-06-30"), 63);
    assert_int_equal(valid_on(v, n, "province", "2025-07-01"), 34);
    /* Huế: a centrally-run city from 1 January 2025, not 1 July. */
    assert_string_equal(version_on(v, n, "46", "2024-12-31")->name, "Tỉnh Thừa Thiên Huế");
    assert_string_equal(version_on(v, n, "46", "2025-01-01")->name, "Thành phố Huế");
    assert_string_equal(version_on(v, n, "46", "2026-12-07")->name, "Thành phố Huế");
    /* Code 15 reused: old Yên Bái ends on 30 June 2025, new Lào Cai (old 10
     * and 15) carries both on. */
    const Exemplar__Unit *yb = version_on(v, n, "15", "2025-06-30");
    assert_string_equal(yb->name, "Tỉnh Yên Bái");
    assert_string_equal(yb->valid_to, "2025-06-30");
    assert_string_equal(yb->successor, "15");
    assert_string_equal(yb->successor_from, "2025-07-01");
    assert_string_equal(version_on(v, n, "10", "2025-06-30")->successor, "15");
    assert_null(version_on(v, n, "10", "2025-07-01"));
    const Exemplar__Unit *lc = version_on(v, n, "15", "2025-07-01");
    assert_string_equal(lc->name, "Tỉnh Lào Cai");
    assert_string_equal(lc->successor, "");
    /* The office addressed, as of each day. */
    assert_string_equal(rules_unit_addressee(yb, day("2025-02-28")),
                        "Sở Tài nguyên và Môi trường tỉnh Yên Bái");
    assert_string_equal(rules_unit_addressee(yb, day("2025-03-01")),
                        "Sở Nông nghiệp và Môi trường tỉnh Yên Bái");
    assert_string_equal(rules_unit_addressee(lc, day("2025-07-01")),
                        "Sở Nông nghiệp và Môi trường tỉnh Lào Cai");
    assert_string_equal(
        rules_unit_addressee(version_on(v, n, "01", "2021-09-15"), day("2021-09-15")),
        "Sở Tài nguyên và Môi trường thành phố Hà Nội");
    assert_string_equal(
        rules_unit_addressee(version_on(v, n, "46", "2025-02-01"), day("2025-02-01")),
        "Sở Tài nguyên và Môi trường thành phố Huế");
    /* The ministry: Decree 68/2022 and the 2025 merger of the ministries. */
    const Exemplar__Unit *tcmt = version_on(v, n, "B.TCMT", "2022-10-31");
    assert_string_equal(tcmt->successor, "B.CKSONMT");
    assert_string_equal(tcmt->successor_from, "2022-11-01");
    assert_string_equal(version_on(v, n, "B.CKSONMT", "2025-02-28")->successor, "B.CMT");
    assert_string_equal(version_on(v, n, "B.PC", "2025-03-01")->valid_from, "2025-03-01");
    assert_string_equal(
        rules_unit_addressee(version_on(v, n, "B.PC", "2025-03-01"), day("2025-03-01")),
        "Vụ Pháp chế");
    /* Every ended version names its successor, which starts the next day. */
    for (size_t i = 0; i < n; i++) {
        const Exemplar__Unit *u = v[i];
        if (!u->valid_to[0])
            continue;
        if (!u->successor[0])
            fail_msg("%s ends on %s without a successor", u->code, u->valid_to);
        assert_int_equal(day(u->successor_from), day(u->valid_to) + 1);
        const Exemplar__Unit *next = version_on(v, n, u->successor, u->successor_from);
        if (!next || strcmp(next->valid_from, u->successor_from) != 0)
            fail_msg("%s's successor %s has no version from %s", u->code, u->successor,
                     u->successor_from);
    }
    unitcsv_free(v, n);
    /* The lists' comment lines are not rows. */
    Exemplar__Unit **u;
    static const char commented[] = "# a list\n# of one\ncode,name_vi,source\n01,A,NQ 1\n";
    assert_int_equal(unitcsv_parse(commented, strlen(commented), "c.csv", &u, &n, err, sizeof err),
                     0);
    assert_int_equal(n, 1);
    assert_string_equal(u[0]->source, "NQ 1");
    unitcsv_free(u, n);
}

static void folding_ignores_case_diacritics_and_d(void **state)
{
    (void)state;
    char *f = vitext_fold("Đắk Lắk");
    assert_string_equal(f, "dak lak");
    free(f);
    assert_true(vitext_contains("Thành phố Hà Nội", "ha noi"));
    assert_true(vitext_contains("Thành phố Hà Nội", "HÀ NỘI"));
    assert_false(vitext_contains("Thành phố Hải Phòng", "ha noi"));
}

static void vietnamese_order(void **state)
{
    (void)state;
    /* a < ă < â < b; d < đ < e; o < ô < ơ; then tones: ngang, huyền, hỏi, ngã, sắc, nặng */
    assert_true(vitext_compare("an", "ăn") < 0);
    assert_true(vitext_compare("ăn", "ân") < 0);
    assert_true(vitext_compare("ân", "bà") < 0);
    assert_true(vitext_compare("Dương", "Đà") < 0);
    assert_true(vitext_compare("Đà", "Em") < 0);
    assert_true(vitext_compare("ma", "mà") < 0);
    assert_true(vitext_compare("mà", "mả") < 0);
    assert_true(vitext_compare("mả", "mã") < 0);
    assert_true(vitext_compare("mã", "má") < 0);
    assert_true(vitext_compare("má", "mạ") < 0);
    assert_true(vitext_compare("Hà Nam", "Hà Nội") < 0);
    assert_true(vitext_compare("Hà Nội", "Hải Dương") < 0);
}

static void messages_speak_vietnamese_by_default(void **state)
{
    (void)state;
    period_t p = period_2021_2023();
    criteria_result_t r;
    char text[1024];
    criteria_evaluate(&book, true, &p, day_of("2030-01-01"), false, NULL, 0, &r);
    assert_int_equal(i18n_init("vi", NULL), 0);
    criteria_explain(&book, &p, &r, text, sizeof text);
    if (!strstr(text, "thiếu"))
        fail_msg("not in Vietnamese: %s", text);
    assert_int_equal(i18n_init("en", NULL), 0);
    criteria_explain(&book, &p, &r, text, sizeof text);
    assert_non_null(strstr(text, "missing in 2021"));
    assert_int_equal(i18n_init("fr", NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_campaign_has_the_plans_deadline),
        cmocka_unit_test(relative_campaign_is_laid_out_from_its_anchor),
        cmocka_unit_test(campaign_errors_name_the_line),
        cmocka_unit_test(rule_sets_are_chosen_by_evaluation_year),
        cmocka_unit_test(collective_needs_ttldxs_every_year),
        cmocka_unit_test(undecided_years_are_pending_not_missing),
        cmocka_unit_test(a_rule_set_may_require_pending_years_for_recognition),
        cmocka_unit_test(a_rule_set_carries_the_council_rules),
        cmocka_unit_test(a_unit_council_votes_by_council_unless_given),
        cmocka_unit_test(a_rule_set_carries_the_dossier_rules),
        cmocka_unit_test(revoked_title_breaks_the_chain),
        cmocka_unit_test(individual_needs_rating_and_title_and_higher_counts),
        cmocka_unit_test(closed_window_refused_unless_an_admin_overrides),
        cmocka_unit_test(shipped_units_parse),
        cmocka_unit_test(builtin_registry_knows_2025),
        cmocka_unit_test(folding_ignores_case_diacritics_and_d),
        cmocka_unit_test(vietnamese_order),
        cmocka_unit_test(messages_speak_vietnamese_by_default),
    };
    return cmocka_run_group_tests(tests, load_book, NULL);
}
