/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the calendar's text.  The first byte picks
 * the parser: 'h' a holidays file (workdays_parse), 'c' a campaign file
 * with milestone deadlines (campaign_parse), anything else a duration list
 * (duration_list_parse).  What parses must hold its promises: a refusal
 * says why, a refused holidays file changes nothing, counting working days
 * ends on a working day, deadlines fall inside a day, and a duration's
 * canonical text parses back to the same duration.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "duration.h"
#include "workdays.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void holidays(const char *text, size_t len)
{
    static const char BASE[] = "holidays:\n  - date: 2026-09-02\n    name: Quốc khánh\n";
    char err[512] = "";
    workdays_t *w = workdays_new();
    if (!w || workdays_parse(w, BASE, strlen(BASE), "base", err, sizeof(err)) < 0)
        abort();
    size_t before = workdays_count(w);
    if (workdays_parse(w, text, len, "fuzz", err, sizeof(err)) < 0) {
        if (!err[0] || workdays_count(w) != before || workdays_is_working(w, 20698))
            abort(); /* 20698 = 2026-09-02 stays a holiday */
    } else {
        for (int32_t day = 18000; day < 22000; day += 97) {
            int32_t next = workdays_add(w, day, 3), prev = workdays_add(w, day, -3);
            if (next <= day || prev >= day || !workdays_is_working(w, next) ||
                !workdays_is_working(w, prev) || workdays_add(w, next, -3) > day)
                abort();
        }
    }
    workdays_destroy(&w);
}

static void campaign(const char *text, size_t len)
{
    static campaign_t c;
    char err[512] = "";
    if (campaign_parse(text, len, "fuzz", &c, err, sizeof(err)) < 0) {
        if (!err[0])
            abort();
        return;
    }
    campaign_resolve(&c, 20000);
    campaign_resolve_workdays(&c, NULL);
    for (size_t i = 0; i < c.n_milestones; i++) {
        const milestone_t *m = &c.milestones[i];
        if (m->due_secs < 0 || m->due_secs > 86399 || day_of_ms(milestone_due_ms(m)) != m->due_day)
            abort();
        if ((m->action != MILESTONE_INFO) != (m->period[0] != '\0') ||
            (m->action != MILESTONE_INFO && !campaign_period(&c, m->period)))
            abort();
    }
}

static void durations(const char *text)
{
    duration_t d[8];
    size_t n = 0;
    char err[256] = "", buf[DURATION_TEXT_MAX];
    if (duration_list_parse(text, d, 8, &n, err, sizeof(err)) < 0) {
        if (!err[0])
            abort();
        return;
    }
    for (size_t i = 0; i < n; i++) {
        duration_t back;
        if (duration_parse(duration_format(&d[i], buf, sizeof(buf)), &back) < 0 ||
            back.ms != d[i].ms || back.working_days != d[i].working_days)
            abort();
        int64_t at = 1700000000000LL;
        if (duration_shift(NULL, at, &d[i], +1) < at || duration_shift(NULL, at, &d[i], -1) > at)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* A NUL-terminated copy: the duration parser takes C strings. */
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (data[0] == 'h')
        holidays(text, size - 1);
    else if (data[0] == 'c')
        campaign(text, size - 1);
    else
        durations(text);
    free(text);
    return 0;
}
