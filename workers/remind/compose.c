/* SPDX-License-Identifier: MIT */
/*
 * The words of a reminder (see compose.h).
 */
#include "compose.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "names.h"

#define STALE_SHOWN 100

typedef struct {
    char *buf;
    size_t len, used;
} text_t;

__attribute__((format(printf, 2, 3))) static void add(text_t *t, const char *fmt, ...)
{
    if (t->used >= t->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->used += (size_t)n < t->len - t->used ? (size_t)n : t->len - t->used - 1;
}

/* "YYYY-MM-DD HH:MM" -> "HH:MM ngày D/M/YYYY" in Vietnamese, kept in English. */
static void due_text(const char *due, const char *lang, char *buf, size_t len)
{
    int y, m, d, hh, mm;
    if (strcmp(lang, "vi") == 0 && sscanf(due, "%d-%d-%d %d:%d", &y, &m, &d, &hh, &mm) == 5)
        snprintf(buf, len, "%02d:%02d ngày %d/%d/%d", hh, mm, d, m, y);
    else
        snprintf(buf, len, "%s", due);
}

/* A Vietnamese day (UTC+7) of a Unix time, "D/M/YYYY" or "YYYY-MM-DD". */
static void day_text(int64_t ms, const char *lang, char *buf, size_t len)
{
    time_t t = (time_t)((ms + 7 * 3600000ll) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (strcmp(lang, "vi") == 0)
        snprintf(buf, len, "%d/%d/%d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
    else
        snprintf(buf, len, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The states, as the reminder names them. */
static const char *state_words(Exemplar__State s)
{
    switch (s) {
    case EXEMPLAR__STATE__STATE_REGISTERED:
        return _("registered");
    case EXEMPLAR__STATE__STATE_FOSTERING:
        return _("being fostered");
    case EXEMPLAR__STATE__STATE_UNIT_REVIEWED:
        return _("reviewed by the unit");
    case EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED:
        return _("reviewed by the Ministry");
    case EXEMPLAR__STATE__STATE_RETURNED:
        return _("returned for more fostering");
    default:
        return ex_state_name(s);
    }
}

/* The campaign windows (nom_window_name()), as the reminder names them. */
static const char *window_words(const char *w)
{
    if (strcmp(w, "registration") == 0)
        return _("registration");
    if (strcmp(w, "fostering") == 0)
        return _("fostering");
    if (strcmp(w, "unit-review") == 0)
        return _("unit review");
    if (strcmp(w, "ministry-review") == 0)
        return _("ministry review");
    if (strcmp(w, "recognition") == 0)
        return _("recognition");
    return w;
}

static const char *plan_words(const char *status)
{
    if (strcmp(status, "no-plan") == 0)
        return _("no plan yet");
    if (strcmp(status, "draft") == 0)
        return _("a draft, not yet submitted");
    if (strcmp(status, "submitted") == 0 || strcmp(status, "late") == 0)
        return _("submitted, waiting for the Ministry's review");
    if (strcmp(status, "accepted") == 0)
        return _("accepted");
    if (strcmp(status, "returned") == 0)
        return _("returned for revision");
    return status;
}

static void header(text_t *t, const Exemplar__Job *j, const Exemplar__ReminderContext *c)
{
    /* The office that acts for the unit (the registry's addressee on the
     * day), else the unit's name, else its code. */
    const char *to = c->addressee[0] ? c->addressee : c->unit_name[0] ? c->unit_name : j->unit;
    add(t, _("To: %s (unit %s)\n"), to, j->unit);
    add(t, _("Campaign: %s, period %s\n"), c->campaign_title[0] ? c->campaign_title : j->campaign,
        j->period);
    add(t, "\n");
}

static void footer(text_t *t, const Exemplar__Job *j)
{
    add(t, "\n");
    add(t, _("This reminder was sent once by Exemplar (reminder %s).\n"), j->id);
}

/* The office a unit sends its plan to and asks: the configured one, else
 * the department the plan names (section IV.2). */
static const char *office(const compose_contact_t *who)
{
    return who && who->office && who->office[0]
               ? who->office
               : _("the Ministry's Department of Emulation, Commendation and Communication");
}

/* "WEB/units/UNIT/PAGE" with no doubled slash. */
static void web_page(const compose_contact_t *who, const char *unit, const char *page, char *buf,
                     size_t len)
{
    size_t n = strlen(who->web_url);
    while (n && who->web_url[n - 1] == '/')
        n--;
    snprintf(buf, len, "%.*s/units/%s/%s", (int)n, who->web_url, unit, page);
}

static bool has_web(const compose_contact_t *who)
{
    return who && who->web_url && who->web_url[0];
}

static void plan_reminder(text_t *t, const Exemplar__Job *j, const Exemplar__ReminderContext *c,
                          const char *due, bool overdue, const compose_contact_t *who)
{
    header(t, j, c);
    if (overdue)
        add(t,
            _("The deadline \"%s\" passed at %s and the Ministry has not received the "
              "unit's plan and registration list for period %s.\n"),
            j->milestone, due, j->period);
    else
        add(t,
            _("The deadline \"%s\" is %s: by then the unit submits its plan and registration "
              "list for period %s.\n"),
            j->milestone, due, j->period);
    add(t, "\n");
    add(t, _("Still missing: the plan (its status: %s).\n"), plan_words(c->plan_status));
    add(t, _("Nominations registered so far in the period: %u.\n"), c->nominations);
    add(t, "\n");
    /* What to do, in the words of the plan (section IV.1). */
    add(t, _("What to do: the unit draws up its plan for carrying out the programme and, with it, "
             "the list of exemplars it registers to build, and sends both to the Ministry.\n"));
    if (has_web(who)) {
        char url[512], page[256];
        snprintf(page, sizeof(page), "plans/%s/%s", j->campaign, j->period);
        web_page(who, j->unit, page, url, sizeof(url));
        add(t, _("Send them on this page: %s\n"), url);
        add(t, _("For any difficulty, contact %s.\n"), office(who));
    } else {
        add(t, _("Send them to %s, which also answers any question.\n"), office(who));
    }
    footer(t, j);
}

static void stale_reminder(text_t *t, const Exemplar__Job *j, const Exemplar__ReminderContext *c,
                           const char *lang, const compose_contact_t *who)
{
    char closed[32];
    day_text(j->deadline_ms - 1, lang, closed, sizeof(closed));
    header(t, j, c);
    add(t,
        _("The %s window of period %s closed on %s, and these nominations of the unit are "
          "still %s:\n"),
        window_words(j->window), j->period, closed, state_words(j->state_waiting));
    for (size_t i = 0; i < c->n_stale && i < STALE_SHOWN; i++) {
        const Exemplar__StaleNomination *n = c->stale[i];
        char since[32];
        day_text(n->since_ms, lang, since, sizeof(since));
        add(t, _("  - #%llu %s (since %s)\n"), (unsigned long long)n->id, n->name, since);
    }
    if (c->stale_total > c->n_stale)
        add(t, _("  ... and %u more\n"), c->stale_total - (uint32_t)c->n_stale);
    add(t, "\n");
    add(t, _("Move each one on, withdraw it with a reason, or ask the Ministry to open the window "
             "again.\n"));
    if (has_web(who)) {
        char url[512], page[128];
        snprintf(page, sizeof(page), "nominations?state=%s", ex_state_name(j->state_waiting));
        web_page(who, j->unit, page, url, sizeof(url));
        add(t, _("They are listed on this page: %s\n"), url);
    }
    add(t, _("For any difficulty, contact %s.\n"), office(who));
    footer(t, j);
}

int compose_reminder(const Exemplar__Job *j, const char *lang, reminder_t *out)
{
    return compose_reminder_for(j, lang, NULL, out);
}

int compose_reminder_for(const Exemplar__Job *j, const char *lang, const compose_contact_t *who,
                         reminder_t *out)
{
    static const Exemplar__ReminderContext none = EXEMPLAR__REMINDER_CONTEXT__INIT;
    const Exemplar__ReminderContext *c = j->context ? j->context : &none;
    char due[64];
    due_text(c->due, lang, due, sizeof(due));
    text_t t = {.buf = out->text, .len = sizeof(out->text)};
    out->text[0] = 0;
    const char *name = c->unit_name[0] ? c->unit_name : j->unit;
    switch (j->kind) {
    case EXEMPLAR__JOB_KIND__JOB_REMIND_DEADLINE:
        snprintf(out->subject, sizeof(out->subject), _("Reminder: %s, due %s (%s)"), j->milestone,
                 due, name);
        plan_reminder(&t, j, c, due, false, who);
        return 0;
    case EXEMPLAR__JOB_KIND__JOB_REMIND_OVERDUE:
        snprintf(out->subject, sizeof(out->subject), _("Overdue: %s, due %s (%s)"), j->milestone,
                 due, name);
        plan_reminder(&t, j, c, due, true, who);
        return 0;
    case EXEMPLAR__JOB_KIND__JOB_REMIND_STALE:
        snprintf(out->subject, sizeof(out->subject),
                 _("%u nominations of %s still %s after the %s window"), c->stale_total, name,
                 state_words(j->state_waiting), window_words(j->window));
        stale_reminder(&t, j, c, lang, who);
        return 0;
    default:
        return -1;
    }
}
