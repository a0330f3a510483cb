/* SPDX-License-Identifier: MIT */
/*
 * The quarterly tallies (daemon/tally.c) against a real LMDB
 * environment and the built-in rules: for every day of two quarters, the
 * counts, moves, recognitions and evidence gaps read from the quarter and
 * day tallies equal a replay of the change log written with quarters
 * interleaved over the log; and a nomination's gap days follow the days its
 * subject's evidence was recorded and revoked, whether the evidence is
 * written before or after the tally reaches the move into review.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "campaign.h"
#include "config.h"
#include "errors.h"
#include "key.h"
#include "ledger.h"
#include "records.h"
#include "rules.h"
#include "store.h"
#include "tally.h"
#include "fixture.h"

#define NOMS  300
#define STEPS 4

static int32_t day_of(const char *s)
{
    int32_t d = 0;
    assert_int_equal(day_parse(s, &d), 0);
    return d;
}

static bool under_review(int s)
{
    return s == EXEMPLAR__STATE__STATE_UNIT_REVIEWED ||
           s == EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED;
}

/* One nomination's walk: its states and the days it moved on. */
typedef struct {
    int n;
    int state[STEPS];
    int32_t day[STEPS];
    char unit[4];
    int kind;
} walk_t;

static const int PATH[STEPS] = {EXEMPLAR__STATE__STATE_REGISTERED, EXEMPLAR__STATE__STATE_FOSTERING,
                                EXEMPLAR__STATE__STATE_UNIT_REVIEWED,
                                EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED};

static uint32_t rng = 2463534242u;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Writes nomination id's walk as changes seq+1.., as the daemon would. */
static void write_walk(store_txn_t *t, uint64_t id, const walk_t *w, uint64_t *seq,
                       const char *subject)
{
    int from = EXEMPLAR__STATE__STATE_NONE;
    uint64_t prev = 0;
    for (int k = 0; k < w->n; k++) {
        Exemplar__Change c = EXEMPLAR__CHANGE__INIT;
        c.seq = ++*seq;
        c.nomination_id = id;
        c.prev_seq = prev;
        c.from = (Exemplar__State)from;
        c.to = (Exemplar__State)w->state[k];
        c.verb = "move";
        c.version = (uint64_t)k + 1;
        c.unit = (char *)w->unit;
        c.campaign = "2021-2025";
        c.kind = (Exemplar__Kind)w->kind;
        c.day = w->day[k];
        records_append_change(t, &c);
        prev = c.seq;
        from = w->state[k];
    }
    Exemplar__Nomination n = EXEMPLAR__NOMINATION__INIT;
    n.id = id;
    n.version = (uint64_t)w->n;
    n.state = (Exemplar__State)from;
    n.kind = (Exemplar__Kind)w->kind;
    n.unit = (char *)w->unit;
    n.campaign = "2021-2025";
    n.period = "2021-2023";
    n.name = "Nguyễn Văn A";
    n.subject = (char *)subject;
    n.last_seq = n.state_seq = prev;
    records_put_nomination(t, &n, EXEMPLAR__STATE__STATE_NONE);
}

static void advance_all(fixture_t *f, size_t step)
{
    bool more = true;
    while (more) {
        store_txn_t t;
        assert_int_equal(store_txn_begin(f->store, true, &t), 0);
        assert_int_equal(tally_advance(&t, f->rules, step, &more), 0);
        assert_int_equal(store_txn_commit(&t), 0);
    }
}

static int64_t row_count(const tally_row_t *v, size_t n, const char *unit, int a, int b)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].unit, unit) == 0 && v[i].a == a && v[i].b == b)
            sum += v[i].count;
    return sum;
}

static void every_day_equals_a_replay_of_the_changes(void **state)
{
    fixture_t *f = *state;
    static walk_t w[NOMS];
    int32_t base = day_of("2023-02-01");
    store_txn_t t;
    uint64_t seq = 0;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    /* Nominations one after another in the log, each walking over 2023:
     * every quarter's changes spread over the whole log. */
    for (int i = 0; i < NOMS; i++) {
        w[i].n = 1 + (int)(next() % STEPS);
        w[i].kind = i % 3 ? EXEMPLAR__KIND__KIND_INDIVIDUAL : EXEMPLAR__KIND__KIND_COLLECTIVE;
        snprintf(w[i].unit, sizeof(w[i].unit), "%02d", i % 7);
        int32_t d = base + (int32_t)(next() % 60);
        for (int k = 0; k < w[i].n; k++) {
            w[i].state[k] = PATH[k];
            w[i].day[k] = d;
            d += (int32_t)(next() % 70);
        }
        write_walk(&t, (uint64_t)i + 1, &w[i], &seq, "");
    }
    assert_int_equal(store_txn_commit(&t), 0);
    advance_all(f, 37);

    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    for (int32_t day = day_of("2023-04-01"); day <= day_of("2023-09-30"); day++) {
        tally_result_t r;
        assert_int_equal(tally_query(&t, day, NULL, NULL, &r), 0);
        int32_t first = day_quarter_first(day_quarter_of(day));
        for (int u = 0; u < 7; u++) {
            char unit[4];
            snprintf(unit, sizeof(unit), "%02d", u);
            for (int kind = 1; kind <= 2; kind++) {
                int64_t want[16] = {0}, gaps = 0;
                for (int i = 0; i < NOMS; i++) {
                    if (strcmp(w[i].unit, unit) != 0 || w[i].kind != kind)
                        continue;
                    int s = 0;
                    for (int k = 0; k < w[i].n && w[i].day[k] <= day; k++)
                        s = w[i].state[k];
                    want[s]++;
                    gaps += under_review(s); /* no subject: a gap all the time */
                }
                for (int s = 1; s <= 4; s++)
                    assert_int_equal(row_count(r.rows, r.n_rows, unit, kind, s), want[s]);
                assert_int_equal(row_count(r.gaps, r.n_gaps, unit, kind, TALLY_STATE_GAP), gaps);
            }
            for (int from = 1; from < 4; from++) {
                int64_t moves = 0;
                for (int i = 0; i < NOMS; i++)
                    for (int k = 1; k < w[i].n; k++)
                        moves += strcmp(w[i].unit, unit) == 0 && w[i].state[k - 1] == from &&
                                 w[i].day[k] >= first && w[i].day[k] <= day;
                assert_int_equal(row_count(r.moves, r.n_moves, unit, from, from + 1), moves);
            }
        }
        assert_int_equal(r.recog_count, 0);
        tally_result_free(&r);
    }
    store_txn_abort(&t);
}

/* Records evidence of subject for the years 2021-2023 on day (title TTLDXS:
 * the collective criterion of the built-in rule book). */
static void record_evidence(fixture_t *f, const char *subject, int32_t day)
{
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    for (int y = 2021; y <= 2023; y++) {
        Exemplar__Evidence e = EXEMPLAR__EVIDENCE__INIT;
        Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
        d.number = "1/QĐ";
        e.subject = (char *)subject;
        e.year = y;
        e.title = "TTLDXS";
        e.decision = &d;
        e.day = day;
        ledger_evidence_put(&t, &e);
        tally_evidence_changed(&t, e.subject);
    }
    assert_int_equal(store_txn_commit(&t), 0);
}

static void revoke_evidence(fixture_t *f, const char *subject, int year, int32_t day)
{
    store_txn_t t;
    Exemplar__Evidence *e = NULL;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    assert_int_equal(ledger_evidence_get(&t, subject, year, "TTLDXS", &e), 0);
    e->revoked = true;
    e->revoked_day = day;
    ledger_evidence_put(&t, e);
    tally_evidence_changed(&t, e->subject);
    exemplar__evidence__free_unpacked(e, NULL);
    assert_int_equal(store_txn_commit(&t), 0);
}

static int64_t gaps_on(fixture_t *f, const char *day, uint64_t *id)
{
    store_txn_t t;
    tally_result_t r;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(tally_query(&t, day_of(day), NULL, NULL, &r), 0);
    int64_t n = row_count(r.gaps, r.n_gaps, "01", EXEMPLAR__KIND__KIND_COLLECTIVE, TALLY_STATE_GAP);
    size_t listed = 0;
    *id = 0;
    assert_int_equal(tally_gap_ids(&t, day_of(day), "2021-2025", "01", 10, id, &listed), 0);
    assert_int_equal(listed, (size_t)n);
    tally_result_free(&r);
    store_txn_abort(&t);
    return n;
}

/* With the evidence written before (early) or after the tally reaches the
 * move into review, the gap days come out the same. */
static void gap_days(fixture_t *f, bool early)
{
    walk_t w = {.n = 4, .unit = "01", .kind = EXEMPLAR__KIND__KIND_COLLECTIVE};
    memcpy(w.state, PATH, sizeof(PATH));
    w.day[0] = day_of("2021-08-01");
    w.day[1] = day_of("2022-02-01");
    w.day[2] = day_of("2023-05-15");
    w.day[3] = day_of("2023-07-20");
    uint64_t seq = 0, id;
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    write_walk(&t, 1, &w, &seq, "01:X");
    uint8_t key[64];
    size_t n = strlen("01:X") + 1;
    memcpy(key, "01:X", n);
    key_put_u64(key + n, 1);
    store_put(&t, DB_BY_SUBJECT, key, n + 8, "", 0);
    assert_int_equal(store_txn_commit(&t), 0);
    if (early)
        record_evidence(f, "01:X", day_of("2023-06-10"));
    advance_all(f, 2);
    if (!early)
        record_evidence(f, "01:X", day_of("2023-06-10"));
    revoke_evidence(f, "01:X", 2022, day_of("2023-08-25"));
    advance_all(f, 2);

    assert_int_equal(gaps_on(f, "2023-05-14", &id), 0);
    assert_int_equal(gaps_on(f, "2023-05-15", &id), 1);
    assert_int_equal(id, 1);
    assert_int_equal(gaps_on(f, "2023-06-09", &id), 1);
    assert_int_equal(gaps_on(f, "2023-06-10", &id), 0);
    assert_int_equal(gaps_on(f, "2023-08-24", &id), 0);
    assert_int_equal(gaps_on(f, "2023-08-25", &id), 1);
    assert_int_equal(gaps_on(f, "2023-09-30", &id), 1);
}

static void gaps_follow_the_evidence_recorded_first(void **state)
{
    gap_days(*state, true);
}

static void gaps_follow_the_evidence_recorded_later(void **state)
{
    gap_days(*state, false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup_rules, fixture_teardown)
        T(every_day_equals_a_replay_of_the_changes),
        T(gaps_follow_the_evidence_recorded_first),
        T(gaps_follow_the_evidence_recorded_later),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
