/* SPDX-License-Identifier: MIT */
/*
 * The plan's rules (units, windows, criteria) against the real daemon with [rules] enforce
 * on.  "Now" is injected with [rules] today, rewritten between restarts, so
 * every window check is deterministic: registration deadline and admin
 * override, the consecutive-years criteria with the missing year named,
 * the head-of-unit rule, units and the 2025 merge, carry-over into
 * 2023-2025, revocation, and filtering names without diacritics.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

enum { TIMEOUT_MS = 10000 };

#define S(x)       EXEMPLAR__STATE__STATE_##x
#define COLLECTIVE EXEMPLAR__KIND__KIND_COLLECTIVE
#define INDIVIDUAL EXEMPLAR__KIND__KIND_INDIVIDUAL

static int do_register(ex_client_t *c, const char *unit, Exemplar__Kind kind, const char *name,
                       const char *campaign, const char *subject, const char *head_of,
                       const char *override, Exemplar__Reply **r)
{
    Exemplar__RegisterRequest b = EXEMPLAR__REGISTER_REQUEST__INIT;
    b.unit = (char *)unit;
    b.kind = kind;
    b.name = (char *)name;
    b.campaign = (char *)campaign;
    b.subject = (char *)subject;
    b.head_of = (char *)(head_of ? head_of : "");
    b.override_reason = (char *)(override ? override : "");
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &b;
    return ex_client_call(c, &req, r);
}

static int do_move(ex_client_t *c, const nom_t *n, Exemplar__State to, const char *reason,
                   const char *override, const char *decision, Exemplar__Reply **r)
{
    Exemplar__MoveRequest b = EXEMPLAR__MOVE_REQUEST__INIT;
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    b.id = n->id;
    b.to = to;
    b.expected_version = n->version;
    b.reason = (char *)(reason ? reason : "");
    b.override_reason = (char *)(override ? override : "");
    if (decision) {
        d.number = (char *)decision;
        d.date = "2023-08-01"; /* the day these tests recognize and revoke on */
        d.issuer = "Bộ trưởng";
        b.decision = &d;
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &b;
    return ex_client_call(c, &req, r);
}

static nom_t move_ok(ex_client_t *c, const nom_t *n, Exemplar__State to, const char *decision)
{
    Exemplar__Reply *r = NULL;
    int rc = do_move(c, n, to, NULL, NULL, decision, &r);
    itest_require_ok(rc, r, "move");
    nom_t m = itest_nom_of(r->nomination);
    ex_reply_free(r);
    return m;
}

static nom_t register_ok(ex_client_t *c, const char *unit, Exemplar__Kind kind, const char *name,
                         const char *campaign, const char *subject, const char *head_of)
{
    Exemplar__Reply *r = NULL;
    int rc = do_register(c, unit, kind, name, campaign, subject, head_of, NULL, &r);
    itest_require_ok(rc, r, "register");
    nom_t n = itest_nom_of(r->nomination);
    ex_reply_free(r);
    return n;
}

static void evidence(ex_client_t *c, const char *subject, int year, const char *title)
{
    Exemplar__Evidence e = EXEMPLAR__EVIDENCE__INIT;
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    Exemplar__EvidenceAddRequest b = EXEMPLAR__EVIDENCE_ADD_REQUEST__INIT;
    char number[32], date[32];
    snprintf(number, sizeof number, "%d/QĐ-BTNMT", year);
    snprintf(date, sizeof date, "%d-01-10", year + 1);
    d.number = number;
    d.date = date;
    e.subject = (char *)subject;
    e.year = year;
    e.title = (char *)title;
    e.decision = &d;
    b.evidence = &e;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_EVIDENCE_ADD;
    req.evidence_add = &b;
    Exemplar__Reply *r = NULL;
    int rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "evidence add");
    ex_reply_free(r);
}

static void require_message(const Exemplar__Reply *r, const char *part)
{
    if (!r || !r->error || !strstr(r->error->message, part))
        fail_msg("the refusal does not say \"%s\": %s", part,
                 r && r->error ? r->error->message : "(no error)");
}

/* Done when: registering after 15 Sep 2021 is refused unless an
 * administrator overrides, and the override and its reason are in the
 * history. */
static void registration_after_the_deadline_needs_an_override(void **state)
{
    harness_t *h = itest_new_harness(state);
    itest_start_rules_on(h, "2021-09-15", 0);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    /* on the deadline itself: allowed */
    nom_t ok = register_ok(c, "01", COLLECTIVE, "Phòng Đo đạc", "2021-2025", "01:PDD", NULL);
    assert_int_equal(ok.state, S(REGISTERED));
    ex_client_destroy(&c);

    itest_start_rules_on(h, "2021-09-16", 1);
    c = harness_client(h, TIMEOUT_MS);
    Exemplar__Reply *r = NULL;
    int rc =
        do_register(c, "01", COLLECTIVE, "Phòng Khoáng sản", "2021-2025", "01:PKS", NULL, NULL, &r);
    itest_require_error(rc, r, EX_EWINDOW, "register after the deadline");
    require_message(r, "15 September 2021"); /* the deadline, as English writes a day */
    ex_reply_free(r);

    rc = do_register(c, "01", COLLECTIVE, "Phòng Khoáng sản", "2021-2025", "01:PKS", NULL,
                     "Công văn 45/STNMT gửi ngày 14/9, đến muộn do bưu điện", &r);
    itest_require_ok(rc, r, "register with an override");
    uint64_t id = r->nomination->id;
    assert_string_equal(r->nomination->period, "2021-2023");
    ex_reply_free(r);
    r = itest_history(c, id);
    assert_int_equal(r->history->n_changes, 1);
    assert_string_equal(r->history->changes[0]->override_reason,
                        "Công văn 45/STNMT gửi ngày 14/9, đến muộn do bưu điện");
    ex_reply_free(r);
    ex_client_destroy(&c);
}

/* Done when: a collective with TTLĐXS for 2021 only is refused unit
 * review for 2021-2023 in May 2023 with a message naming the missing year
 * 2022 (decided by 31 March 2023), and passes once 2022 is added; 2023,
 * whose titles are not decided before 2024, is pending, not missing. */
static void unit_review_names_the_missing_year(void **state)
{
    harness_t *h = itest_new_harness(state);
    itest_start_rules_on(h, "2021-09-01", 0);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    nom_t n = register_ok(c, "79", COLLECTIVE, "Chi cục Bảo vệ môi trường", "2021-2025",
                          "79:CCBVMT", NULL);
    ex_client_destroy(&c);
    itest_start_rules_on(h, "2022-01-10", 1);
    c = harness_client(h, TIMEOUT_MS);
    n = move_ok(c, &n, S(FOSTERING), NULL);
    /* too early for the unit review: the window is Q1-Q2 2023 */
    Exemplar__Reply *r = NULL;
    int rc = do_move(c, &n, S(UNIT_REVIEWED), NULL, NULL, NULL, &r);
    itest_require_error(rc, r, EX_EWINDOW, "review-unit in 2022");
    ex_reply_free(r);
    ex_client_destroy(&c);

    itest_start_rules_on(h, "2023-05-15", 1);
    c = harness_client(h, TIMEOUT_MS);
    evidence(c, "79:CCBVMT", 2021, "TTLDXS");
    rc = do_move(c, &n, S(UNIT_REVIEWED), NULL, NULL, NULL, &r);
    itest_require_error(rc, r, EX_ECRITERIA, "review-unit with 2021 only");
    require_message(r, "missing in 2022");
    require_message(r, "not yet decided in 2023");
    require_message(r, "Tập thể Lao động xuất sắc");
    ex_reply_free(r);
    evidence(c, "79:CCBVMT", 2022, "TTLDXS");
    /* The criteria are met; the collective's acclamation is not (the rule
     * set asks for at least 1/2 of those present): 1 of 4 is refused, and
     * the same request sent again answers the same, changing nothing. */
    rc = ex_acclamation_set(c, 7001, n.id, "2023-05-12", 4, 1, &r);
    itest_require_ok(rc, r, "acclaim 1 of 4");
    ex_reply_free(r);
    rc = ex_acclamation_set(c, 7001, n.id, "2023-05-12", 4, 1, &r);
    itest_require_ok(rc, r, "acclaim 1 of 4, sent again");
    assert_int_equal(r->dossier->dossier->acclamation->in_favour, 1);
    ex_reply_free(r);
    rc = do_move(c, &n, S(UNIT_REVIEWED), NULL, NULL, NULL, &r);
    itest_require_error(rc, r, EX_ECRITERIA, "review-unit at 1 of 4");
    require_message(r, "had 1 of 4, 2 needed");
    ex_reply_free(r);
    rc = ex_acclamation_set(c, 7002, n.id, "2023-05-12", 4, 2, &r); /* exactly half */
    itest_require_ok(rc, r, "acclaim 2 of 4");
    ex_reply_free(r);
    n = move_ok(c, &n, S(UNIT_REVIEWED), NULL);
    assert_int_equal(n.state, S(UNIT_REVIEWED));
    ex_client_destroy(&c);
}

static Exemplar__Reply *check(ex_client_t *c, uint64_t id)
{
    Exemplar__CheckRequest b = EXEMPLAR__CHECK_REQUEST__INIT;
    b.id = id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_CHECK;
    req.check = &b;
    Exemplar__Reply *r = NULL;
    int rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "check");
    return r;
}

/* Done when: a head of unit cannot be recognized before the unit's
 * collective nomination.  Also: a revoked title breaks the chain. */
static void head_of_unit_waits_for_the_collective(void **state)
{
    harness_t *h = itest_new_harness(state);
    itest_start_rules_on(h, "2023-08-01", 0);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    /* the demo campaign is laid out from today: every window is open */
    nom_t unit = register_ok(c, "48", COLLECTIVE, "Sở Tài nguyên và Môi trường Đà Nẵng", "demo",
                             "48:STNMT", NULL);
    nom_t head = register_ok(c, "48", INDIVIDUAL, "Trần Văn Đức", "demo", "CB-480001", "48:STNMT");
    for (int y = 2020; y <= 2022; y++) {
        evidence(c, "48:STNMT", y, "TTLDXS");
        evidence(c, "CB-480001", y, "HTXSNV");
        evidence(c, "CB-480001", y, y == 2022 ? "CSTD-BO" : "CSTDCS"); /* a higher title counts */
    }
    Exemplar__Reply *r = check(c, head.id);
    if (r->check->met)
        fail_msg("check says met before the collective is recognized: %s", r->check->text);
    assert_non_null(strstr(r->check->text, "head of unit"));
    ex_reply_free(r);

    unit = move_ok(c, &unit, S(FOSTERING), NULL);
    itest_acclaim(c, unit.id, "2000-01-03");
    unit = move_ok(c, &unit, S(UNIT_REVIEWED), NULL);
    unit = move_ok(c, &unit, S(MINISTRY_REVIEWED), NULL);
    head = move_ok(c, &head, S(FOSTERING), NULL);
    itest_acclaim(c, head.id, "2000-01-03");
    head = move_ok(c, &head, S(UNIT_REVIEWED), NULL);
    head = move_ok(c, &head, S(MINISTRY_REVIEWED), NULL);
    int rc = do_move(c, &head, S(RECOGNIZED), NULL, NULL, "99/QĐ-BTNMT", &r);
    itest_require_error(rc, r, EX_ECRITERIA, "recognize the head first");
    require_message(r, "48:STNMT");
    ex_reply_free(r);
    unit = move_ok(c, &unit, S(RECOGNIZED), "99/QĐ-BTNMT");
    head = move_ok(c, &head, S(RECOGNIZED), "99/QĐ-BTNMT");
    r = check(c, head.id);
    assert_true(r->check->met);
    ex_reply_free(r);

    /* revocation needs a decision, and the recognition can be annulled */
    rc = do_move(c, &unit, S(REVOKED), "hồ sơ không trung thực", NULL, NULL, &r);
    itest_require_error(rc, r, EX_EINVALID, "revoke without a decision");
    ex_reply_free(r);
    rc = do_move(c, &unit, S(REVOKED), "hồ sơ không trung thực", NULL, "120/QĐ-BTNMT", &r);
    itest_require_ok(rc, r, "revoke");
    assert_non_null(r->nomination->revocation);
    assert_string_equal(r->nomination->revocation->number, "120/QĐ-BTNMT");
    ex_reply_free(r);

    /* a revoked title breaks the chain of consecutive years */
    Exemplar__EvidenceRevokeRequest b = EXEMPLAR__EVIDENCE_REVOKE_REQUEST__INIT;
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    d.number = "121/QĐ-BTNMT";
    d.date = "2023-08-01";
    b.subject = "48:STNMT";
    b.year = 2021;
    b.title = "TTLDXS";
    b.revocation = &d;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_EVIDENCE_REVOKE;
    req.evidence_revoke = &b;
    rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "evidence revoke");
    ex_reply_free(r);
    r = check(c, unit.id);
    assert_false(r->check->met);
    assert_non_null(strstr(r->check->text, "revoked in 2021"));
    ex_reply_free(r);
    ex_client_destroy(&c);
}

static size_t list_units(ex_client_t *c, const char *code, const char *name, const char *on,
                         Exemplar__Reply **r)
{
    Exemplar__UnitsListRequest b = EXEMPLAR__UNITS_LIST_REQUEST__INIT;
    b.code = (char *)code;
    b.name_contains = (char *)name;
    b.on = (char *)on;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_UNITS_LIST;
    req.units_list = &b;
    int rc = ex_client_call(c, &req, r);
    itest_require_ok(rc, *r, "units list");
    return (*r)->units->n_units;
}

/* Done when: the shipped unit list loads with the 2025 reorganisation
 * built in (each ended version naming its successor, each province its
 * department by days), a reused code names each unit as of its days, an
 * administrator's import of the same merge changes nothing but that row,
 * and a nomination of a merged unit still shows its original unit. */
static void units_merge_keeps_the_original_unit(void **state)
{
    harness_t *h = itest_new_harness(state);
    itest_start_rules_on(h, "2024-02-01", 0);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    Exemplar__Reply *r = NULL;
    /* 2021: 63 provinces, 34 ministry units; 2022: 10 ministry units;
     * 2025: Huế, 19 units of the new ministry, 23 merged provinces. */
    assert_int_equal(list_units(c, "", "", "", &r), 63 + 34 + 10 + 1 + 19 + 23);
    ex_reply_free(r);
    /* "ha noi" finds "Thành phố Hà Nội"; "dak lak" finds "Đắk Lắk" (the 2021
     * province, and the merged one of 2025) */
    assert_int_equal(list_units(c, "", "ha noi", "", &r), 1);
    assert_string_equal(r->units->units[0]->code, "01");
    ex_reply_free(r);
    assert_int_equal(list_units(c, "", "dak lak", "", &r), 2);
    ex_reply_free(r);

    /* Code 15: old Yên Bái until 30 June 2025, then new Lào Cai. */
    assert_int_equal(list_units(c, "15", "", "", &r), 2);
    const Exemplar__Unit *yb = r->units->units[0];
    assert_string_equal(yb->name, "Tỉnh Yên Bái");
    assert_string_equal(yb->valid_to, "2025-06-30");
    assert_string_equal(yb->successor, "15");
    assert_string_equal(yb->successor_from, "2025-07-01");
    assert_int_equal(yb->n_addressees, 2);
    assert_string_equal(yb->addressees[0]->name, "Sở Tài nguyên và Môi trường tỉnh Yên Bái");
    assert_string_equal(yb->addressees[0]->valid_to, "2025-02-28");
    assert_string_equal(yb->addressees[1]->name, "Sở Nông nghiệp và Môi trường tỉnh Yên Bái");
    assert_string_equal(r->units->units[1]->name, "Tỉnh Lào Cai");
    ex_reply_free(r);
    assert_int_equal(list_units(c, "10", "", "", &r), 1);
    assert_string_equal(r->units->units[0]->valid_to, "2025-06-30");
    assert_string_equal(r->units->units[0]->successor, "15");
    ex_reply_free(r);
    /* Huế from 1 January 2025. */
    assert_int_equal(list_units(c, "46", "", "2025-01-01", &r), 1);
    assert_string_equal(r->units->units[0]->name, "Thành phố Huế");
    ex_reply_free(r);

    nom_t old = register_ok(c, "10", COLLECTIVE, "Văn phòng Đăng ký đất đai Lào Cai", "2021-2025",
                            "10:VPDK", NULL);
    nom_t yen_bai = register_ok(c, "15", COLLECTIVE, "Văn phòng Đăng ký đất đai Yên Bái",
                                "2021-2025", "15:VPDK", NULL);

    /* An administrator imports the same merge: only its own row is written
     * (10 and old 15 are closed already). */
    Exemplar__Unit u = EXEMPLAR__UNIT__INIT, *up = &u;
    char *merged[] = {"10", "15"};
    u.code = "15";
    u.name = "Tỉnh Lào Cai";
    u.valid_from = "2025-07-01";
    u.merged_from = merged;
    u.n_merged_from = 2;
    Exemplar__UnitsImportRequest b = EXEMPLAR__UNITS_IMPORT_REQUEST__INIT;
    b.units = &up;
    b.n_units = 1;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_UNITS_IMPORT;
    req.units_import = &b;
    int rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "units import");
    assert_int_equal(r->units->changed, 1);
    ex_reply_free(r);

    /* A merge imported by an administrator names its successor too: the
     * absorbed units end the day before, succeeded by the new one. */
    Exemplar__Unit a = EXEMPLAR__UNIT__INIT, m = EXEMPLAR__UNIT__INIT;
    Exemplar__Unit *two[] = {&a, &m};
    a.code = "T.A";
    a.name = "Trung tâm A";
    a.kind = "ministry-unit";
    char *absorbed[] = {"T.A"};
    m.code = "T.B";
    m.name = "Trung tâm B";
    m.kind = "ministry-unit";
    m.valid_from = "2024-06-01";
    m.merged_from = absorbed;
    m.n_merged_from = 1;
    b.units = two;
    b.n_units = 2;
    req.request_id = 0; /* a new request: the client chooses a new id */
    rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "units import of a merge");
    ex_reply_free(r);
    assert_int_equal(list_units(c, "T.A", "", "", &r), 1);
    assert_string_equal(r->units->units[0]->valid_to, "2024-05-31");
    assert_string_equal(r->units->units[0]->successor, "T.B");
    assert_string_equal(r->units->units[0]->successor_from, "2024-06-01");
    ex_reply_free(r);
    ex_client_destroy(&c);

    itest_start_rules_on(h, "2025-08-01", 1);
    c = harness_client(h, TIMEOUT_MS);
    /* The restart completes the imported row with the built-in addressee. */
    assert_int_equal(list_units(c, "15", "", "2025-07-01", &r), 1);
    assert_string_equal(r->units->units[0]->name, "Tỉnh Lào Cai");
    assert_int_equal(r->units->units[0]->n_addressees, 1);
    assert_string_equal(r->units->units[0]->addressees[0]->name,
                        "Sở Nông nghiệp và Môi trường tỉnh Lào Cai");
    ex_reply_free(r);
    rc = do_register(c, "10", COLLECTIVE, "X", "2021-2025", "10:X", NULL, "late", &r);
    itest_require_error(rc, r, EX_EUNIT, "register under a merged unit");
    require_message(r, "30 June 2025");
    ex_reply_free(r);
    rc = ex_get(c, old.id, &r);
    itest_require_ok(rc, r, "get");
    assert_string_equal(r->nomination->unit, "10");
    assert_string_equal(r->nomination->unit_name, "Tỉnh Lào Cai");
    ex_reply_free(r);
    /* Registered under 15 before the merger: still Yên Bái's. */
    rc = ex_get(c, yen_bai.id, &r);
    itest_require_ok(rc, r, "get");
    assert_string_equal(r->nomination->unit_name, "Tỉnh Yên Bái");
    ex_reply_free(r);
    ex_client_destroy(&c);
}

/* Carry-over: not selected in 2021-2023, carried into 2023-2025 in Q1
 * 2024 as a linked pair; refused outside the carry-over window. */
static void carry_over_links_the_two_periods(void **state)
{
    harness_t *h = itest_new_harness(state);
    itest_start_rules_on(h, "2021-08-01", 0);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    nom_t n =
        register_ok(c, "02", COLLECTIVE, "Phòng Quản lý đất đai", "2021-2025", "02:PQLDD", NULL);
    ex_client_destroy(&c);
    itest_start_rules_on(h, "2022-01-10", 1);
    c = harness_client(h, TIMEOUT_MS);
    n = move_ok(c, &n, S(FOSTERING), NULL);
    ex_client_destroy(&c);
    itest_start_rules_on(h, "2023-05-01", 1);
    c = harness_client(h, TIMEOUT_MS);
    Exemplar__Reply *r = NULL;
    int rc = do_move(c, &n, S(NOT_SELECTED), "chưa đủ 3 năm TTLĐXS", NULL, NULL, &r);
    /* the fostering -> not-selected window (unit review) is open: no override needed */
    itest_require_ok(rc, r, "not-select");
    n = itest_nom_of(r->nomination);
    ex_reply_free(r);
    rc = do_move(c, &n, S(CARRIED_OVER), NULL, NULL, NULL, &r);
    itest_require_error(rc, r, EX_EWINDOW, "carry-over in 2023");
    require_message(r, "1 January 2024");
    ex_reply_free(r);
    ex_client_destroy(&c);

    itest_start_rules_on(h, "2024-02-01", 1);
    c = harness_client(h, TIMEOUT_MS);
    rc = do_move(c, &n, S(CARRIED_OVER), NULL, NULL, NULL, &r);
    itest_require_ok(rc, r, "carry-over");
    uint64_t next = r->nomination->carried_to;
    assert_true(next > n.id);
    ex_reply_free(r);
    rc = ex_get(c, next, &r);
    itest_require_ok(rc, r, "get the carried nomination");
    assert_int_equal(r->nomination->state, S(REGISTERED));
    assert_string_equal(r->nomination->period, "2023-2025");
    assert_true(r->nomination->carried_from == n.id);
    ex_reply_free(r);
    r = itest_history(c, next);
    assert_int_equal(r->history->n_changes, 1);
    assert_string_equal(r->history->changes[0]->verb, "carry-over");
    assert_true(r->history->changes[0]->linked_id == n.id);
    ex_reply_free(r);
    ex_client_destroy(&c);
}

/* Lists filter names without diacritics. */
static void list_finds_names_without_diacritics(void **state)
{
    harness_t *h = itest_new_harness(state);
    itest_start_rules_on(h, "2026-01-05", 0);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    register_ok(c, "01", INDIVIDUAL, "Đặng Thị Hồng", "demo", "CB-1", NULL);
    register_ok(c, "01", INDIVIDUAL, "Nguyễn Văn Dũng", "demo", "CB-2", NULL);
    uint64_t ids[8];
    ex_list_filter_t f = {.name_contains = "dang thi"};
    assert_int_equal(itest_list_ids(c, &f, ids, 8, 4), 1);
    f.name_contains = "DUNG";
    assert_int_equal(itest_list_ids(c, &f, ids, 8, 4), 1);
    ex_client_destroy(&c);
}

/* Asks for one campaign; returns the reply's error code (0: found). */
static int show_campaign(ex_client_t *c, const char *id)
{
    Exemplar__CampaignShowRequest b = EXEMPLAR__CAMPAIGN_SHOW_REQUEST__INIT;
    b.campaign = (char *)id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_CAMPAIGN_SHOW;
    req.campaign_show = &b;
    Exemplar__Reply *r = NULL;
    int rc = ex_client_call(c, &req, &r);
    assert_int_equal(rc, 0);
    int code = r->error ? (int)r->error->code : 0;
    ex_reply_free(r);
    return code;
}

static void campaign_files_are_read_again_on_sighup(void **state)
{
    harness_t *h = itest_new_harness(state);
    char dir[64], conf[256], path[128];
    snprintf(dir, sizeof dir, "/tmp/excamp.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(conf, sizeof conf, "[rules]\nenforce = yes\nlanguage = en\ncampaign_dir = %s\n", dir);
    assert_int_equal(harness_start_conf(h, conf, NULL), 0);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_int_equal(show_campaign(c, "extra"), EX_ECAMPAIGN);

    snprintf(path, sizeof path, "%s/extra.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("id: extra\ntitle: Added while running\nrelative: true\nperiods:\n"
          "  - id: extra-1\n    years: [-1]\n    windows:\n      registration: [-1, +30]\n"
          "milestones:\n  - name: Registration\n    from: -1\n    to: +30\n",
          f);
    fclose(f);
    assert_int_equal(kill(h->pid, SIGHUP), 0);
    /* The reload happens between two turns of the loop: ask until it shows,
     * within a deadline (each answer is a full round trip, no sleeping). */
    int code = EX_ECAMPAIGN;
    for (int i = 0; i < 2000 && code == EX_ECAMPAIGN; i++)
        code = show_campaign(c, "extra");
    assert_int_equal(code, 0);

    /* A broken file is refused whole: the running campaigns stay. */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("id: extra\nnot_a_key: 1\n", f);
    fclose(f);
    assert_int_equal(kill(h->pid, SIGHUP), 0);
    assert_int_equal(show_campaign(c, "demo"), 0);
    assert_int_equal(show_campaign(c, "extra"), 0);
    assert_int_equal(harness_alive(h), 1);
    ex_client_destroy(&c);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(registration_after_the_deadline_needs_an_override,
                                  harness_teardown),
        cmocka_unit_test_teardown(unit_review_names_the_missing_year, harness_teardown),
        cmocka_unit_test_teardown(head_of_unit_waits_for_the_collective, harness_teardown),
        cmocka_unit_test_teardown(units_merge_keeps_the_original_unit, harness_teardown),
        cmocka_unit_test_teardown(carry_over_links_the_two_periods, harness_teardown),
        cmocka_unit_test_teardown(list_finds_names_without_diacritics, harness_teardown),
        cmocka_unit_test_teardown(campaign_files_are_read_again_on_sighup, harness_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
