/* SPDX-License-Identifier: MIT */
/*
 * Milestone deadlines through the real daemon: `campaign show` carries the
 * shipped campaign's plan deadlines, a campaign's working-day deadline is
 * counted with the built-in holidays and an administrator's [rules]
 * holidays_file, a broken holidays file stops the start with its file and
 * line, and on SIGHUP a broken file changes nothing while a fixed one
 * moves the deadline.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "itest.h"

#define TIMEOUT_MS 10000

typedef struct {
    harness_t h;
    char dir[64]; /* the campaign and holidays files */
    char holidays[128];
} fixture_t;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* A campaign whose plan is due 3 working days after Thursday 27 August 2026. */
static const char CAMPAIGN[] = "id: wd\n"
                               "title: Working-day deadline\n"
                               "periods:\n"
                               "  - id: wd-1\n"
                               "    years: [2025]\n"
                               "milestones:\n"
                               "  - name: Gửi kế hoạch\n"
                               "    from: 2026-08-27\n"
                               "    deadline: plan\n"
                               "    period: wd-1\n"
                               "    due_time: \"17:00\"\n"
                               "    due_working_days: 3\n";

/* Makes the files' directory; the holidays file is what `holidays` says. */
static fixture_t *fixture(void **state, const char *holidays)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    *state = &f->h;
    snprintf(f->dir, sizeof f->dir, "/tmp/exwd.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char path[128];
    snprintf(path, sizeof path, "%s/campaigns", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/campaigns/wd.yaml", f->dir);
    write_file(path, CAMPAIGN);
    snprintf(f->holidays, sizeof f->holidays, "%s/holidays.yaml", f->dir);
    write_file(f->holidays, holidays);
    return f;
}

static int teardown(void **state)
{
    fixture_t *f = (fixture_t *)*state;
    char path[128];
    snprintf(path, sizeof path, "%s/campaigns/wd.yaml", f->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/campaigns", f->dir);
    rmdir(path);
    unlink(f->holidays);
    rmdir(f->dir);
    return harness_teardown(state);
}

/* Does the daemon's log hold text? */
static int log_says(const fixture_t *f, const char *text)
{
    static char buf[1 << 16];
    FILE *log = fopen(f->h.log_path, "r");
    if (!log)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, log);
    fclose(log);
    buf[n] = '\0';
    return strstr(buf, text) != NULL;
}

static int start(fixture_t *f)
{
    char conf[512];
    snprintf(
        conf, sizeof conf,
        "[rules]\nenforce = yes\nlanguage = en\ntoday = 2026-08-20\ncampaign_dir = %s/campaigns\n"
        "holidays_file = %s\n",
        f->dir, f->holidays);
    return harness_start_conf(&f->h, conf, NULL);
}

/* The first deadline milestone of campaign id; NULL-free copy of its due. */
static int show_due(ex_client_t *c, const char *id, char *due, size_t len, int64_t *due_ms)
{
    Exemplar__CampaignShowRequest b = EXEMPLAR__CAMPAIGN_SHOW_REQUEST__INIT;
    b.campaign = (char *)id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_CAMPAIGN_SHOW;
    req.campaign_show = &b;
    Exemplar__Reply *r = NULL;
    int rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "campaign show");
    assert_int_equal(r->campaign->n_campaigns, 1);
    const Exemplar__CampaignInfo *ci = r->campaign->campaigns[0];
    int found = 0;
    due[0] = '\0';
    for (size_t i = 0; i < ci->n_milestones && !found; i++) {
        const Exemplar__Milestone *m = ci->milestones[i];
        if (!m->deadline[0])
            continue;
        assert_string_equal(m->deadline, "plan");
        snprintf(due, len, "%s %s", m->period, m->due);
        *due_ms = m->due_ms;
        found = 1;
    }
    ex_reply_free(r);
    return found;
}

static void shipped_campaign_shows_its_plan_deadlines(void **state)
{
    fixture_t *f = fixture(state, "holidays: []\n");
    assert_int_equal(start(f), 0);
    ex_client_t *c = harness_client(&f->h, TIMEOUT_MS);
    char due[64];
    int64_t ms = 0;
    assert_int_equal(show_due(c, "2021-2025", due, sizeof due, &ms), 1);
    assert_string_equal(due, "2021-2023 2021-09-15 23:59");
    /* 2021-09-15 23:59:59 in Vietnam is 16:59:59 UTC. */
    assert_int_equal(ms, 1631699999000LL + 7 * 3600 * 1000);
    ex_client_destroy(&c);
}

static void working_day_deadline_counts_the_holidays(void **state)
{
    /* Built in for 2026, as announced: Saturday 29 August to Wednesday 2
     * September off (Monday 31 August swapped for Saturday 22 August).
     * Thursday 27 August + 3 working days: Fri 28, Thu 3, Fri 4 September. */
    fixture_t *f = fixture(state, "holidays: []\n");
    assert_int_equal(start(f), 0);
    ex_client_t *c = harness_client(&f->h, TIMEOUT_MS);
    char due[64];
    int64_t ms = 0;
    assert_int_equal(show_due(c, "wd", due, sizeof due, &ms), 1);
    assert_string_equal(due, "wd-1 2026-09-04 17:00");

    /* An administrator's file differs: 31 August and 1 September worked. */
    write_file(f->holidays, "holidays:\n"
                            "  - date: 2026-08-31\n    working: true\n    name: Ngày làm việc\n"
                            "  - date: 2026-09-01\n    working: true\n    name: Ngày làm việc\n");
    assert_int_equal(kill(f->h.pid, SIGHUP), 0);
    /* The reload happens between two turns of the loop: ask until it shows,
     * within a deadline (each answer is a full round trip, no sleeping). */
    for (int i = 0; i < 2000 && strcmp(due, "wd-1 2026-09-01 17:00") != 0; i++)
        show_due(c, "wd", due, sizeof due, &ms);
    assert_string_equal(due, "wd-1 2026-09-01 17:00");

    /* A broken file is refused whole: the deadline stays. */
    write_file(f->holidays, "holidays:\n  - date: 2026-09-31\n    name: x\n");
    assert_int_equal(kill(f->h.pid, SIGHUP), 0);
    int refused = 0;
    for (int i = 0; i < 2000 && !refused; i++) {
        show_due(c, "wd", due, sizeof due, &ms);
        assert_string_equal(due, "wd-1 2026-09-01 17:00");
        refused = log_says(f, "holidays.yaml line 2: date must be a date");
    }
    assert_true(refused);
    assert_int_equal(harness_alive(&f->h), 1);
    ex_client_destroy(&c);
}

static void broken_holidays_file_stops_the_start(void **state)
{
    fixture_t *f = fixture(state, "holidays:\n  - date: 2026-09-03\n    nmae: x\n");
    assert_int_not_equal(start(f), 0);
    char want[192];
    snprintf(want, sizeof want, "%s line 3: unknown key \"nmae\"", f->holidays);
    if (!log_says(f, want)) {
        harness_dump_log(&f->h);
        fail_msg("the log does not say \"%s\"", want);
    }
    write_file(f->holidays, "holidays: []\n");
    assert_int_equal(harness_restart(&f->h), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(shipped_campaign_shows_its_plan_deadlines, teardown),
        cmocka_unit_test_teardown(working_day_deadline_counts_the_holidays, teardown),
        cmocka_unit_test_teardown(broken_holidays_file_stops_the_start, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
