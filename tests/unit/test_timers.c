/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the durable timers (daemon/timers.c) against a real LMDB
 * environment and rule book with a campaign file of the test's own: the
 * reminders are derived from a plan milestone at the configured offsets,
 * deriving again changes nothing, a deadline moved within its day moves its
 * timers, a timer whose moment is older than
 * [workers] catch_up is recorded as skipped (and pending again when a longer
 * catch_up reaches it), a deadline that moves moves its timer, one that
 * leaves the campaign file cancels it, and a timer that fires makes one job
 * per unit that has not sent its plan, once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "config.h"
#include "errors.h"
#include "jobs.h"
#include "rules.h"
#include "store.h"
#include "timers.h"
#include "fixture.h"

#define DAY_MS 86400000LL

typedef struct {
    fixture_t fx; /* the store, the configuration and the rules */
    char campaigns[96];
    const char *due_time; /* the milestone's due_time */
    timers_cfg_t tc;
} test_t;

/* Midnight UTC of a date, in ms. */
static int64_t utc_ms(int y, int mo, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d};
    return (int64_t)timegm(&tm) * 1000;
}

/* The campaign file: a plan deadline on day (YYYY-MM-DD) at 17:00 in Vietnam,
 * or none when day is NULL. */
static void write_campaign(test_t *f, const char *day)
{
    char path[160];
    snprintf(path, sizeof(path), "%s/tc.yaml", f->campaigns);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "id: tc\nperiods:\n  - id: p1\n    years: [2026]\n");
    if (day)
        fprintf(fp,
                "milestones:\n  - name: Hạn gửi kế hoạch\n    from: %s\n    to: %s\n"
                "    deadline: plan\n    period: p1\n    due_time: \"%s\"\n",
                day, day, f->due_time ? f->due_time : "17:00");
    fclose(fp);
}

static void set(test_t *f, const char *section, const char *key, const char *value)
{
    char err[256] = "";
    fixture_set(&f->fx, section, key, value);
    if (timers_cfg_from(&f->fx.cfg, &f->tc, err, sizeof(err)) < 0)
        fail_msg("timers_cfg_from: %s", err);
}

static int setup(void **state)
{
    test_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    fixture_open(&f->fx);
    snprintf(f->campaigns, sizeof(f->campaigns), "%s/campaigns", f->fx.dir);
    assert_int_equal(mkdir(f->campaigns, 0700), 0);
    set(f, "rules", "campaign_dir", f->campaigns);
    set(f, "workers", "remind_before", "1d");
    set(f, "workers", "remind_after", "2d");
    set(f, "workers", "catch_up", "7d");
    write_campaign(f, "2026-10-15");
    fixture_rules(&f->fx);
    *state = f;
    return 0;
}

static timers_sync_t sync_at(test_t *f, int64_t now_ms)
{
    store_txn_t t;
    timers_sync_t s;
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    assert_int_equal(timers_sync(&t, f->fx.rules, &f->tc, now_ms, &s), 0);
    assert_int_equal(store_txn_commit(&t), 0);
    return s;
}

/* The stored timer id, or NULL (free with exemplar__timer__free_unpacked). */
static Exemplar__Timer *timer(test_t *f, const char *id)
{
    store_txn_t t;
    Exemplar__Timer *tm = NULL;
    assert_int_equal(store_txn_begin(f->fx.store, false, &t), 0);
    int rc = jobs_timer_get(&t, id, &tm);
    store_txn_abort(&t);
    assert_true(rc == 0 || rc == -EX_ENOTFOUND);
    return tm;
}

/* Is id among the pending timers' firing order? */
static bool due_indexed(test_t *f, const char *id)
{
    static char ids[4096][JOBS_ID_MAX + 1];
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->fx.store, false, &t), 0);
    int n = jobs_due(&t, DB_TIMER_DUE, 0, INT64_MAX, ids, 4096);
    store_txn_abort(&t);
    assert_true(n >= 0);
    for (int i = 0; i < n; i++)
        if (strcmp(ids[i], id) == 0)
            return true;
    return false;
}

/* 2026-10-15 17:00 in Vietnam (UTC+7) is 10:00 UTC. */
#define DUE_ID_BEFORE "remind/tc/p1/plan/2026-10-15/-1d"
#define DUE_ID_AFTER  "remind/tc/p1/plan/2026-10-15/+2d"

static void reminders_are_derived_at_the_offsets_once(void **state)
{
    test_t *f = *state;
    int64_t due = utc_ms(2026, 10, 15) + 10 * 3600000LL;
    int64_t now = utc_ms(2026, 9, 1);
    timers_sync_t s = sync_at(f, now);
    assert_true(s.created >= 2);
    Exemplar__Timer *b = timer(f, DUE_ID_BEFORE), *a = timer(f, DUE_ID_AFTER);
    assert_non_null(b);
    assert_non_null(a);
    assert_int_equal(b->state, EXEMPLAR__TIMER_STATE__TIMER_PENDING);
    assert_int_equal(b->kind, EXEMPLAR__JOB_KIND__JOB_REMIND_DEADLINE);
    assert_int_equal(b->deadline_ms, due);
    assert_int_equal(b->fire_ms, due - DAY_MS);
    assert_string_equal(b->campaign, "tc");
    assert_string_equal(b->period, "p1");
    assert_string_equal(b->action, "plan");
    assert_int_equal(b->created_ms, now);
    assert_int_equal(a->kind, EXEMPLAR__JOB_KIND__JOB_REMIND_OVERDUE);
    assert_int_equal(a->fire_ms, due + 2 * DAY_MS);
    assert_true(due_indexed(f, DUE_ID_BEFORE));
    exemplar__timer__free_unpacked(b, NULL);
    exemplar__timer__free_unpacked(a, NULL);

    /* Deriving again from the same campaigns writes nothing. */
    s = sync_at(f, now + 3600000);
    assert_int_equal(s.created + s.moved + s.cancelled + s.skipped, 0);
    b = timer(f, DUE_ID_BEFORE);
    assert_int_equal(b->created_ms, now);
    exemplar__timer__free_unpacked(b, NULL);
}

static void timers_older_than_catch_up_are_skipped_until_it_reaches_them(void **state)
{
    test_t *f = *state;
    /* First derived in December: the reminders of October are more than 7
     * days old. */
    int64_t now = utc_ms(2026, 12, 1);
    timers_sync_t s = sync_at(f, now);
    assert_true(s.skipped >= 2);
    Exemplar__Timer *b = timer(f, DUE_ID_BEFORE);
    assert_int_equal(b->state, EXEMPLAR__TIMER_STATE__TIMER_SKIPPED);
    assert_false(due_indexed(f, DUE_ID_BEFORE));
    exemplar__timer__free_unpacked(b, NULL);

    /* A catch_up of 60 days reaches them: pending again, due at once. */
    set(f, "workers", "catch_up", "60d");
    s = sync_at(f, now);
    assert_true(s.moved >= 2);
    b = timer(f, DUE_ID_BEFORE);
    assert_int_equal(b->state, EXEMPLAR__TIMER_STATE__TIMER_PENDING);
    assert_true(due_indexed(f, DUE_ID_BEFORE));
    exemplar__timer__free_unpacked(b, NULL);
}

static void a_moved_deadline_moves_its_timer_and_a_removed_one_cancels_it(void **state)
{
    test_t *f = *state;
    int64_t now = utc_ms(2026, 9, 1);
    sync_at(f, now);

    /* The same day at another time: the same timers, moved. */
    f->due_time = "12:00";
    write_campaign(f, "2026-10-15");
    fixture_rules(&f->fx);
    timers_sync_t s = sync_at(f, now);
    assert_int_equal(s.created + s.cancelled, 0);
    assert_true(s.moved >= 2);
    Exemplar__Timer *tm = timer(f, DUE_ID_BEFORE);
    assert_int_equal(tm->state, EXEMPLAR__TIMER_STATE__TIMER_PENDING);
    assert_int_equal(tm->deadline_ms, utc_ms(2026, 10, 15) + 5 * 3600000LL);
    assert_int_equal(tm->fire_ms, utc_ms(2026, 10, 14) + 5 * 3600000LL);
    assert_int_equal(tm->created_ms, now);
    assert_true(due_indexed(f, DUE_ID_BEFORE));
    exemplar__timer__free_unpacked(tm, NULL);
    f->due_time = NULL;

    /* The same milestone name on another day is another deadline: the old
     * timers are cancelled, the new ones created. */
    write_campaign(f, "2026-10-20");
    fixture_rules(&f->fx);
    s = sync_at(f, now);
    assert_true(s.created >= 2);
    assert_true(s.cancelled >= 2);
    Exemplar__Timer *old = timer(f, DUE_ID_BEFORE);
    assert_int_equal(old->state, EXEMPLAR__TIMER_STATE__TIMER_CANCELLED);
    assert_false(due_indexed(f, DUE_ID_BEFORE));
    exemplar__timer__free_unpacked(old, NULL);
    Exemplar__Timer *moved = timer(f, "remind/tc/p1/plan/2026-10-20/-1d");
    assert_non_null(moved);
    assert_int_equal(moved->fire_ms, utc_ms(2026, 10, 19) + 10 * 3600000LL);
    exemplar__timer__free_unpacked(moved, NULL);

    /* The deadline restored: its cancelled timers are pending again. */
    write_campaign(f, "2026-10-15");
    fixture_rules(&f->fx);
    s = sync_at(f, now);
    assert_true(s.moved >= 2);
    old = timer(f, DUE_ID_BEFORE);
    assert_int_equal(old->state, EXEMPLAR__TIMER_STATE__TIMER_PENDING);
    exemplar__timer__free_unpacked(old, NULL);

    /* The milestone taken out of the file: cancelled, out of the firing order. */
    write_campaign(f, NULL);
    fixture_rules(&f->fx);
    s = sync_at(f, now);
    assert_true(s.cancelled >= 2);
    old = timer(f, DUE_ID_BEFORE);
    assert_int_equal(old->state, EXEMPLAR__TIMER_STATE__TIMER_CANCELLED);
    assert_false(due_indexed(f, DUE_ID_BEFORE));
    exemplar__timer__free_unpacked(old, NULL);
}

static void a_due_timer_fires_once_and_makes_a_job_per_unit(void **state)
{
    test_t *f = *state;
    int64_t now = utc_ms(2026, 9, 1);
    sync_at(f, now);
    Exemplar__Timer *b = timer(f, DUE_ID_BEFORE);
    int64_t fire = b->fire_ms;
    exemplar__timer__free_unpacked(b, NULL);

    store_txn_t t;
    size_t jobs = 0;
    /* A millisecond early: our reminder is not due yet. */
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    assert_true(timers_fire_due(&t, f->fx.rules, fire - 1, 64, &jobs) >= 0);
    assert_int_equal(store_txn_commit(&t), 0);
    b = timer(f, DUE_ID_BEFORE);
    assert_int_equal(b->state, EXEMPLAR__TIMER_STATE__TIMER_PENDING);
    exemplar__timer__free_unpacked(b, NULL);

    /* Fire everything due at its moment (in steps of 64). */
    int fired;
    do {
        assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
        fired = timers_fire_due(&t, f->fx.rules, fire, 64, &jobs);
        assert_true(fired >= 0);
        assert_int_equal(store_txn_commit(&t), 0);
    } while (fired > 0);
    b = timer(f, DUE_ID_BEFORE);
    assert_int_equal(b->state, EXEMPLAR__TIMER_STATE__TIMER_FIRED);
    assert_int_equal(b->fired_ms, fire);
    /* No unit has sent a plan for p1: every unit of the registry valid on
     * the deadline's day gets one reminder. */
    assert_true(b->jobs > 0);
    uint32_t made = b->jobs;
    exemplar__timer__free_unpacked(b, NULL);
    assert_false(due_indexed(f, DUE_ID_BEFORE));

    /* The jobs are ready at once, named after the timer and the unit. */
    assert_int_equal(store_txn_begin(f->fx.store, false, &t), 0);
    static char ids[4096][JOBS_ID_MAX + 1];
    int n = jobs_due(&t, DB_JOB_QUEUE, EXEMPLAR__JOB_STATE__JOB_READY, fire, ids, 4096);
    uint32_t ours = 0;
    for (int i = 0; i < n; i++) {
        if (strncmp(ids[i], DUE_ID_BEFORE "/", strlen(DUE_ID_BEFORE) + 1) != 0)
            continue;
        Exemplar__Job *j = NULL;
        assert_int_equal(jobs_get(&t, ids[i], &j), 0);
        assert_int_equal(j->state, EXEMPLAR__JOB_STATE__JOB_READY);
        assert_string_equal(j->timer, DUE_ID_BEFORE);
        assert_string_equal(ids[i] + strlen(DUE_ID_BEFORE) + 1, j->unit);
        assert_int_equal(j->available_ms, fire);
        exemplar__job__free_unpacked(j, NULL);
        ours++;
    }
    store_txn_abort(&t);
    assert_int_equal(ours, made);

    /* Nothing is due any more at that moment: a restart does not repeat it. */
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    assert_int_equal(timers_fire_due(&t, f->fx.rules, fire, 64, &jobs), 0);
    assert_int_equal(jobs, 0);
    store_txn_abort(&t);
}

static void bad_offsets_are_refused_naming_the_key(void **state)
{
    test_t *f = *state;
    char err[256] = "";
    timers_cfg_t tc;
    snprintf(f->fx.cfg.workers_remind_before, sizeof(f->fx.cfg.workers_remind_before), "1d soon");
    assert_int_equal(timers_cfg_from(&f->fx.cfg, &tc, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "[workers] remind_before"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reminders_are_derived_at_the_offsets_once, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(
            timers_older_than_catch_up_are_skipped_until_it_reaches_them, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            a_moved_deadline_moves_its_timer_and_a_removed_one_cancels_it, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_due_timer_fires_once_and_makes_a_job_per_unit, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(bad_offsets_are_refused_naming_the_key, setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
