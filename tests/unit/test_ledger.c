/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the rules' records (daemon/ledger.c) in a real LMDB
 * environment: a unit's versions are found by the day they are valid on
 * (the first and last days included; none valid: -EX_EUNIT with the newest
 * version); a code is never the prefix of another's versions (BN is not
 * BNV); the evidence of a subject comes back by year and title, a title is
 * replaced in place (a revocation), and one subject's evidence is never
 * another's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "campaign.h"
#include "errors.h"
#include "ledger.h"
#include "store.h"
#include "fixture.h"

static void put_unit(fixture_t *f, const char *code, const char *from, const char *to,
                     const char *name)
{
    store_txn_t t;
    Exemplar__Unit u = EXEMPLAR__UNIT__INIT;
    u.code = (char *)code;
    u.valid_from = (char *)from;
    u.valid_to = (char *)to;
    u.name = (char *)name;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    ledger_unit_put(&t, &u);
    assert_int_equal(store_txn_commit(&t), 0);
}

static int32_t day_of(const char *text)
{
    int32_t d = 0;
    assert_int_equal(day_parse(text, &d), 0);
    return d;
}

/* The name of code's version valid on day, "" when none (then latest's name
 * after a slash). */
static void unit_on(fixture_t *f, const char *code, const char *day, char *out, size_t len)
{
    store_txn_t t;
    Exemplar__Unit *u = NULL, *latest = NULL;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    int rc = ledger_unit_on(&t, code, day_of(day), &u, &latest);
    store_txn_abort(&t);
    if (rc == 0) {
        assert_null(latest);
        snprintf(out, len, "%s", u->name);
        exemplar__unit__free_unpacked(u, NULL);
    } else {
        assert_int_equal(rc, -EX_EUNIT);
        assert_null(u);
        snprintf(out, len, "/%s", latest ? latest->name : "");
        if (latest)
            exemplar__unit__free_unpacked(latest, NULL);
    }
}

static void a_unit_version_is_found_by_its_days(void **state)
{
    fixture_t *f = *state;
    char name[64];
    put_unit(f, "YB", "", "2025-06-30", "Yên Bái");
    put_unit(f, "YB", "2026-01-01", "", "Yên Bái (reused code)");
    put_unit(f, "BN", "", "", "Bắc Ninh");
    put_unit(f, "BNV", "2020-01-01", "", "Bộ Nội vụ");

    unit_on(f, "YB", "2000-01-01", name, sizeof(name));
    assert_string_equal(name, "Yên Bái");
    unit_on(f, "YB", "2025-06-30", name, sizeof(name)); /* its last day */
    assert_string_equal(name, "Yên Bái");
    unit_on(f, "YB", "2025-07-01", name, sizeof(name)); /* between: none, newest given */
    assert_string_equal(name, "/Yên Bái (reused code)");
    unit_on(f, "YB", "2026-01-01", name, sizeof(name)); /* its first day */
    assert_string_equal(name, "Yên Bái (reused code)");
    unit_on(f, "BNV", "2019-12-31", name, sizeof(name));
    assert_string_equal(name, "/Bộ Nội vụ");
    unit_on(f, "XX", "2020-01-01", name, sizeof(name)); /* unknown: no latest */
    assert_string_equal(name, "/");

    /* BN's versions are BN's only, not BNV's; all units in key order. */
    store_txn_t t;
    Exemplar__Unit **v = NULL;
    size_t n = 0;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(ledger_units(&t, "BN", &v, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0]->code, "BN");
    ledger_units_free(v, n);
    assert_int_equal(ledger_units(&t, "YB", &v, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0]->valid_from, ""); /* "since ever" sorts first */
    assert_string_equal(v[1]->valid_from, "2026-01-01");
    ledger_units_free(v, n);
    assert_int_equal(ledger_units(&t, NULL, &v, &n), 0);
    assert_int_equal(n, 4);
    assert_string_equal(v[0]->code, "BN");
    assert_string_equal(v[1]->code, "BNV");
    ledger_units_free(v, n);
    store_txn_abort(&t);
}

static void put_evidence(fixture_t *f, const char *subject, int year, const char *title,
                         bool revoked)
{
    store_txn_t t;
    Exemplar__Evidence e = EXEMPLAR__EVIDENCE__INIT;
    e.subject = (char *)subject;
    e.year = year;
    e.title = (char *)title;
    e.revoked = revoked;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    ledger_evidence_put(&t, &e);
    assert_int_equal(store_txn_commit(&t), 0);
}

static void a_subjects_evidence_comes_back_by_year_and_title(void **state)
{
    fixture_t *f = *state;
    put_evidence(f, "CCCD-1", 2023, "TTLDXS", false);
    put_evidence(f, "CCCD-1", 2021, "TTLDXS", false);
    put_evidence(f, "CCCD-1", 2021, "BK-BO", false);
    put_evidence(f, "CCCD-10", 2022, "TTLDXS", false); /* another subject */
    /* A revocation replaces the record in place. */
    put_evidence(f, "CCCD-1", 2023, "TTLDXS", true);

    store_txn_t t;
    Exemplar__Evidence **v = NULL, *e = NULL;
    size_t n = 0;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(ledger_evidence_of(&t, "CCCD-1", &v, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(v[0]->year, 2021);
    assert_string_equal(v[0]->title, "BK-BO");
    assert_int_equal(v[1]->year, 2021);
    assert_string_equal(v[1]->title, "TTLDXS");
    assert_int_equal(v[2]->year, 2023);
    assert_true(v[2]->revoked);
    ledger_evidence_free(v, n);

    assert_int_equal(ledger_evidence_get(&t, "CCCD-10", 2022, "TTLDXS", &e), 0);
    assert_string_equal(e->subject, "CCCD-10");
    exemplar__evidence__free_unpacked(e, NULL);
    e = NULL;
    assert_int_equal(ledger_evidence_get(&t, "CCCD-1", 2022, "TTLDXS", &e), -EX_ENOTFOUND);
    assert_null(e);
    assert_int_equal(ledger_evidence_of(&t, "CCCD-2", &v, &n), 0);
    assert_int_equal(n, 0);
    ledger_evidence_free(v, n);
    store_txn_abort(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_unit_version_is_found_by_its_days, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(a_subjects_evidence_comes_back_by_year_and_title,
                                        fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
