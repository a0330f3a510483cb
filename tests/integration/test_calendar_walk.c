/* SPDX-License-Identifier: MIT */
/*
 * The shipped 2021-2025 campaign walked on the plan's own dates against the
 * real daemon, restarted with [rules] today set to each day, with titles
 * recorded when they are really decided (early in the year after theirs):
 * a candidate holding every decided title passes every step in its window
 * without an override; one missing a decided year is refused with the year
 * named; evidence, published facts and decisions dated in the future are
 * refused; the Minister's recognition needs its decision, which history,
 * the nomination and the summary carry.  Unit 01 (Hà Nội) exists on both
 * sides of the 1 July 2025 reorganisation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itest.h"

enum { TIMEOUT_MS = 10000 };

#define S(x)       EXEMPLAR__STATE__STATE_##x
#define COLLECTIVE EXEMPLAR__KIND__KIND_COLLECTIVE
#define INDIVIDUAL EXEMPLAR__KIND__KIND_INDIVIDUAL

static const char *const MONRE = "Bộ trưởng Bộ Tài nguyên và Môi trường";
static const char *const MAE = "Bộ trưởng Bộ Nông nghiệp và Môi trường"; /* from 1 March 2025 */

static ex_client_t *day(harness_t *h, const char *today, int restart)
{
    itest_start_rules_on(h, today, restart);
    return harness_client(h, TIMEOUT_MS);
}

static nom_t reg(ex_client_t *c, Exemplar__Kind kind, const char *name, const char *subject,
                 const char *period)
{
    Exemplar__RegisterRequest b = EXEMPLAR__REGISTER_REQUEST__INIT;
    b.unit = "01";
    b.kind = kind;
    b.name = (char *)name;
    b.campaign = "2021-2025";
    b.subject = (char *)subject;
    b.period = (char *)(period ? period : "");
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &b;
    Exemplar__Reply *r = NULL;
    int rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "register");
    nom_t n = itest_nom_of(r->nomination);
    ex_reply_free(r);
    return n;
}

/* A move without any override; number NULL: no decision given. */
static int move(ex_client_t *c, const nom_t *n, Exemplar__State to, const char *number,
                const char *date, const char *issuer, Exemplar__Reply **r)
{
    Exemplar__MoveRequest b = EXEMPLAR__MOVE_REQUEST__INIT;
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    b.id = n->id;
    b.to = to;
    b.expected_version = n->version;
    if (number) {
        d.number = (char *)number;
        d.date = (char *)date;
        d.issuer = (char *)(issuer ? issuer : "");
        b.decision = &d;
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &b;
    return ex_client_call(c, &req, r);
}

static nom_t move_ok(ex_client_t *c, const nom_t *n, Exemplar__State to)
{
    Exemplar__Reply *r = NULL;
    int rc = move(c, n, to, NULL, NULL, NULL, &r);
    itest_require_ok(rc, r, "move");
    nom_t m = itest_nom_of(r->nomination);
    ex_reply_free(r);
    return m;
}

static int evidence(ex_client_t *c, const char *subject, int year, const char *title,
                    const char *signed_on, Exemplar__Reply **r)
{
    Exemplar__Evidence e = EXEMPLAR__EVIDENCE__INIT;
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    Exemplar__EvidenceAddRequest b = EXEMPLAR__EVIDENCE_ADD_REQUEST__INIT;
    char number[48];
    snprintf(number, sizeof number, "%d-%s/QĐ-STNMT", year, title);
    d.number = number;
    d.date = (char *)signed_on;
    d.issuer = "Giám đốc Sở";
    e.subject = (char *)subject;
    e.year = year;
    e.title = (char *)title;
    e.decision = &d;
    b.evidence = &e;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_EVIDENCE_ADD;
    req.evidence_add = &b;
    return ex_client_call(c, &req, r);
}

/* The titles of `year` for the collective and the individual, signed on
 * signed_on. */
static void titles_of(ex_client_t *c, int year, const char *signed_on, const char *collective,
                      const char *person)
{
    Exemplar__Reply *r = NULL;
    const char *what[][2] = {{collective, "TTLDXS"}, {person, "HTXSNV"}, {person, "CSTDCS"}};
    for (size_t i = 0; i < 3; i++) {
        if (!what[i][0])
            continue;
        int rc = evidence(c, what[i][0], year, what[i][1], signed_on, &r);
        itest_require_ok(rc, r, "evidence add");
        ex_reply_free(r);
    }
}

static void require_message(const Exemplar__Reply *r, const char *part)
{
    if (!r || !r->error || !strstr(r->error->message, part))
        fail_msg("the refusal does not say \"%s\": %s", part,
                 r && r->error ? r->error->message : "(no error)");
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

/* The recognition: refused without its decision, with one dated after
 * today or before the Ministry's review; passes with the real one, which
 * the nomination and its history keep. */
static nom_t recognize(ex_client_t *c, const nom_t *n, const char *number, const char *today,
                       const char *too_late, const char *too_early, const char *issuer)
{
    Exemplar__Reply *r = NULL;
    int rc = move(c, n, S(RECOGNIZED), NULL, NULL, NULL, &r);
    itest_require_error(rc, r, EX_EINVALID, "recognize without a decision");
    require_message(r, "--issuer");
    ex_reply_free(r);
    rc = move(c, n, S(RECOGNIZED), number, today, "", &r);
    itest_require_error(rc, r, EX_EINVALID, "recognize without the issuer");
    ex_reply_free(r);
    rc = move(c, n, S(RECOGNIZED), number, too_late, issuer, &r);
    itest_require_error(rc, r, EX_EINVALID, "recognize on a decision dated in the future");
    require_message(r, "after today");
    ex_reply_free(r);
    rc = move(c, n, S(RECOGNIZED), number, too_early, issuer, &r);
    itest_require_error(rc, r, EX_EINVALID, "recognize on a decision older than the review");
    require_message(r, "before nomination");
    ex_reply_free(r);
    rc = move(c, n, S(RECOGNIZED), number, today, issuer, &r);
    itest_require_ok(rc, r, "recognize");
    assert_non_null(r->nomination->recognition);
    assert_string_equal(r->nomination->recognition->number, number);
    assert_string_equal(r->nomination->recognition->date, today);
    assert_string_equal(r->nomination->recognition->issuer, issuer);
    nom_t m = itest_nom_of(r->nomination);
    ex_reply_free(r);
    r = itest_history(c, m.id);
    const Exemplar__Change *last = r->history->changes[r->history->n_changes - 1];
    assert_int_equal(last->to, S(RECOGNIZED));
    assert_true(last->override_reason[0] == '\0');
    assert_non_null(last->decision);
    assert_string_equal(last->decision->number, number);
    assert_string_equal(last->decision->issuer, issuer);
    ex_reply_free(r);
    return m;
}

/* Done when: the 2021-2023 period, walked on its real dates with titles
 * recorded as they are decided, takes a collective and an individual with
 * every decided title from registration to the Minister's recognition
 * without an override, and refuses the collective missing 2022. */
static void period_2021_2023_on_its_real_dates(void **state)
{
    harness_t *h = itest_new_harness(state);
    Exemplar__Reply *r = NULL;
    int rc;

    /* Q3/2021: registration, before 15 September (IV.1) */
    ex_client_t *c = day(h, "2021-09-10", 0);
    nom_t a = reg(c, COLLECTIVE, "Phòng Quản lý đất đai", "01:PQLDD", NULL);
    nom_t b = reg(c, INDIVIDUAL, "Nguyễn Thị Lan", "CB-0101", NULL);
    nom_t m = reg(c, COLLECTIVE, "Chi cục Bảo vệ môi trường", "01:CCBVMT", NULL);
    /* no title of 2021 exists before the year has ended */
    rc = evidence(c, "01:PQLDD", 2021, "TTLDXS", "2021-09-01", &r);
    itest_require_error(rc, r, EX_EINVALID, "evidence for a year not over");
    require_message(r, "has not ended");
    ex_reply_free(r);
    ex_client_destroy(&c);

    /* Q1/2022: fostering; the titles of 2021, decided in January 2022 */
    c = day(h, "2022-02-15", 1);
    a = move_ok(c, &a, S(FOSTERING));
    b = move_ok(c, &b, S(FOSTERING));
    m = move_ok(c, &m, S(FOSTERING));
    rc = evidence(c, "01:PQLDD", 2021, "TTLDXS", "2022-02-20", &r);
    itest_require_error(rc, r, EX_EINVALID, "evidence on a decision dated after today");
    require_message(r, "after today (15 February 2022)");
    ex_reply_free(r);
    titles_of(c, 2021, "2022-01-20", "01:PQLDD", "CB-0101");
    titles_of(c, 2021, "2022-01-20", "01:CCBVMT", NULL);
    ex_client_destroy(&c);

    /* Q1/2023: the titles of 2022, decided in January 2023; not for M */
    c = day(h, "2023-02-10", 1);
    titles_of(c, 2022, "2023-01-20", "01:PQLDD", "CB-0101");
    ex_client_destroy(&c);

    /* Q2/2023: the unit review.  2022 is due (31 March 2023 has passed),
     * 2023 cannot be decided yet: pending, shown, not required. */
    c = day(h, "2023-05-15", 1);
    r = check(c, a.id);
    if (!r->check->met)
        fail_msg("A does not pass in May 2023: %s", r->check->text);
    assert_int_equal(r->check->n_pending, 1);
    assert_int_equal(r->check->pending[0]->year, 2023);
    assert_string_equal(r->check->pending[0]->decided_by, "2024-03-31");
    assert_false(r->check->pending[0]->required);
    assert_string_equal(r->check->day, "2023-05-15");
    assert_int_equal(r->check->criteria[0]->n_pending_years, 1);
    assert_non_null(strstr(r->check->text, "[pending]"));
    ex_reply_free(r);
    rc = move(c, &m, S(UNIT_REVIEWED), NULL, NULL, NULL, &r);
    itest_require_error(rc, r, EX_ECRITERIA, "unit review of M without 2022");
    require_message(r, "missing in 2022");
    require_message(r, "not yet decided in 2023");
    ex_reply_free(r);
    itest_acclaim(c, a.id, "2000-01-03");
    itest_acclaim(c, b.id, "2000-01-03");
    a = move_ok(c, &a, S(UNIT_REVIEWED));
    b = move_ok(c, &b, S(UNIT_REVIEWED));
    ex_client_destroy(&c);

    /* Q4/2023: the Ministry's review, then the Minister's recognition */
    c = day(h, "2023-10-10", 1);
    a = move_ok(c, &a, S(MINISTRY_REVIEWED));
    b = move_ok(c, &b, S(MINISTRY_REVIEWED));
    ex_client_destroy(&c);
    c = day(h, "2023-11-20", 1);
    r = check(c, a.id);
    assert_true(r->check->met);
    assert_true(r->check->recognition);
    ex_reply_free(r);
    a = recognize(c, &a, "2468/QĐ-BTNMT", "2023-11-20", "2023-11-21", "2023-10-09", MONRE);
    b = recognize(c, &b, "2469/QĐ-BTNMT", "2023-11-20", "2023-12-01", "2023-09-30", MONRE);
    assert_int_equal(a.state, S(RECOGNIZED));
    assert_int_equal(b.state, S(RECOGNIZED));
    ex_client_destroy(&c);

    /* The quarter's summary lists the recognitions with their decision. */
    c = day(h, "2024-01-05", 1);
    Exemplar__SummaryRequest sb = EXEMPLAR__SUMMARY_REQUEST__INIT;
    sb.quarter = "2023Q4";
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_SUMMARY;
    req.summary = &sb;
    for (int tries = 0;; tries++) { /* the tallies are built in the background after a start */
        rc = ex_client_call(c, &req, &r);
        if (rc == 0 && r->error && (int)r->error->code == EX_EUNAVAIL && tries < 200) {
            ex_reply_free(r);
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
            continue;
        }
        break;
    }
    itest_require_ok(rc, r, "summary 2023Q4");
    const Exemplar__Summary *s = r->summary->summary;
    assert_int_equal(s->n_recognized, 2);
    for (size_t i = 0; i < s->n_recognized; i++) {
        assert_non_null(s->recognized[i]->decision);
        assert_string_equal(s->recognized[i]->decision->issuer, MONRE);
    }
    ex_reply_free(r);
    ex_client_destroy(&c);
}

/* Done when: the 2023-2025 period, registered in Q1/2024 and reviewed from
 * Q2/2024 to Q3/2025, passes with the titles of 2023 and 2024 decided early
 * in the following year, across the reorganisations of 2025 (the new
 * Ministry's decision from 1 March 2025, new provinces from 1 July 2025);
 * title facts published for a year not over, or on a future decision, are
 * refused. */
static void period_2023_2025_on_its_real_dates(void **state)
{
    harness_t *h = itest_new_harness(state);
    Exemplar__Reply *r = NULL;
    int rc;

    /* Q1/2024: the detailed plan and registration for 2023-2025; the titles
     * of 2023 decided in January 2024 */
    ex_client_t *c = day(h, "2024-02-20", 0);
    nom_t a = reg(c, COLLECTIVE, "Phòng Quản lý đất đai", "01:PQLDD", "2023-2025");
    nom_t b = reg(c, INDIVIDUAL, "Nguyễn Thị Lan", "CB-0101", "2023-2025");
    titles_of(c, 2023, "2024-01-25", "01:PQLDD", "CB-0101");
    /* a published title of 2024 is refused while 2024 runs */
    Exemplar__Event e = EXEMPLAR__EVENT__INIT;
    Exemplar__TitleAwarded t = EXEMPLAR__TITLE_AWARDED__INIT;
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    Exemplar__Event *ev[] = {&e};
    Exemplar__PublishRequest pb = EXEMPLAR__PUBLISH_REQUEST__INIT;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    t.title = "Chiến sĩ thi đua cơ sở";
    d.number = "15/QĐ-STNMT";
    d.date = "2024-02-01";
    e.publisher = "hrm";
    e.event_id = "QĐ-15";
    e.seq = 1;
    e.type = EXEMPLAR__EVENT_TYPE__EVENT_TITLE_AWARDED;
    e.subject = "CB-0101";
    e.year = 2024;
    e.decision = &d;
    e.detail_case = EXEMPLAR__EVENT__DETAIL_TITLE_AWARDED;
    e.title_awarded = &t;
    pb.events = ev;
    pb.n_events = 1;
    req.body_case = EXEMPLAR__REQUEST__BODY_PUBLISH;
    req.publish = &pb;
    rc = ex_client_call(c, &req, &r);
    itest_require_error(rc, r, EX_EINVALID, "publish a title of the running year");
    require_message(r, "has not ended");
    ex_reply_free(r);
    /* ... and one of 2023 on a decision not signed yet */
    e.year = 2023;
    d.date = "2024-03-01";
    req.request_id = 0; /* a new request, not a retry */
    rc = ex_client_call(c, &req, &r);
    itest_require_error(rc, r, EX_EINVALID, "publish a title on a future decision");
    require_message(r, "after today");
    ex_reply_free(r);
    ex_client_destroy(&c);

    /* Q2/2024: fostering and the base-level review; 2024, 2025 pending */
    c = day(h, "2024-05-10", 1);
    a = move_ok(c, &a, S(FOSTERING));
    b = move_ok(c, &b, S(FOSTERING));
    r = check(c, b.id);
    assert_true(r->check->met);
    assert_int_equal(r->check->n_pending, 2);
    ex_reply_free(r);
    itest_acclaim(c, a.id, "2000-01-03");
    itest_acclaim(c, b.id, "2000-01-03");
    a = move_ok(c, &a, S(UNIT_REVIEWED));
    b = move_ok(c, &b, S(UNIT_REVIEWED));
    ex_client_destroy(&c);

    /* Q1/2025: the titles of 2024, decided in January 2025 */
    c = day(h, "2025-02-10", 1);
    titles_of(c, 2024, "2025-01-22", "01:PQLDD", "CB-0101");
    ex_client_destroy(&c);

    /* Q2/2025: the Ministry's review; 2024 due and held, 2025 pending */
    c = day(h, "2025-05-20", 1);
    a = move_ok(c, &a, S(MINISTRY_REVIEWED));
    b = move_ok(c, &b, S(MINISTRY_REVIEWED));
    ex_client_destroy(&c);

    /* Q3/2025, after 1 July: recognised by the new Ministry's Minister */
    c = day(h, "2025-08-15", 1);
    a = recognize(c, &a, "1200/QĐ-BNNMT", "2025-08-15", "2025-08-16", "2025-05-19", MAE);
    b = recognize(c, &b, "1201/QĐ-BNNMT", "2025-08-15", "2025-09-01", "2025-05-01", MAE);
    assert_int_equal(a.state, S(RECOGNIZED));
    assert_int_equal(b.state, S(RECOGNIZED));
    ex_client_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(period_2021_2023_on_its_real_dates, harness_teardown),
        cmocka_unit_test_teardown(period_2023_2025_on_its_real_dates, harness_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
