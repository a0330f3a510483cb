/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's view of timers and jobs: `jobs` lists jobs (or,
 * with --timers, the timers they come from), `jobs show ID` prints one with
 * its deliveries, `jobs retry ID` hands a parked job out again or fires a
 * timer now (administrators).
 */
#include "cmd_jobs.h"
#include "output.h"
#include "names.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define JOBS_PAGE 1000

/* The names are the protocol's (proto/names.c), as the daemon spells them;
 * "-" for a value this build does not know. */
#define NAME_OF(fn, v) (fn(v) ? fn(v) : "-")

static json_object *delivery_json(const Exemplar__Delivery *d)
{
    char t[32];
    json_object *o = json_object_new_object();
    json_object_object_add(o, "channel", ctl_json_str(d->channel));
    json_object_object_add(o, "at", ctl_json_str(ctl_time_iso(d->at_ms, t, sizeof(t))));
    json_object_object_add(o, "worker", ctl_json_str(d->worker));
    json_object_object_add(o, "detail", ctl_json_str(d->detail));
    return o;
}

static json_object *job_json(const Exemplar__Job *j)
{
    char t[32];
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", ctl_json_str(j->id));
    json_object_object_add(o, "kind", ctl_json_str(NAME_OF(ex_job_kind_name, j->kind)));
    json_object_object_add(o, "state", ctl_json_str(NAME_OF(ex_job_state_name, j->state)));
    json_object_object_add(o, "timer", ctl_json_str(j->timer));
    json_object_object_add(o, "unit", ctl_json_str(j->unit));
    json_object_object_add(o, "campaign", ctl_json_str(j->campaign));
    json_object_object_add(o, "period", ctl_json_str(j->period));
    json_object_object_add(o, "milestone", ctl_json_str(j->milestone));
    json_object_object_add(o, "deadline", ctl_json_str(ctl_time_iso(j->deadline_ms, t, sizeof(t))));
    json_object_object_add(o, "offset", ctl_json_str(j->offset));
    json_object_object_add(o, "quarter", ctl_json_str(j->quarter));
    json_object_object_add(o, "created", ctl_json_str(ctl_time_iso(j->created_ms, t, sizeof(t))));
    json_object_object_add(o, "available",
                           ctl_json_str(ctl_time_iso(j->available_ms, t, sizeof(t))));
    json_object_object_add(o, "attempts", json_object_new_int64(j->attempts));
    json_object_object_add(o, "failures", json_object_new_int64(j->failures));
    json_object_object_add(o, "last_error", ctl_json_str(j->last_error));
    json_object_object_add(o, "worker", ctl_json_str(j->worker));
    json_object_object_add(o, "done", ctl_json_str(ctl_time_iso(j->done_ms, t, sizeof(t))));
    json_object *d = json_object_new_array();
    for (size_t i = 0; i < j->n_deliveries; i++)
        json_object_array_add(d, delivery_json(j->deliveries[i]));
    json_object_object_add(o, "deliveries", d);
    return o;
}

static json_object *timer_json(const Exemplar__Timer *tm)
{
    char t[32];
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", ctl_json_str(tm->id));
    json_object_object_add(o, "kind", ctl_json_str(NAME_OF(ex_job_kind_name, tm->kind)));
    json_object_object_add(o, "state", ctl_json_str(NAME_OF(ex_timer_state_name, tm->state)));
    json_object_object_add(o, "fire", ctl_json_str(ctl_time_iso(tm->fire_ms, t, sizeof(t))));
    json_object_object_add(o, "deadline",
                           ctl_json_str(ctl_time_iso(tm->deadline_ms, t, sizeof(t))));
    json_object_object_add(o, "campaign", ctl_json_str(tm->campaign));
    json_object_object_add(o, "period", ctl_json_str(tm->period));
    json_object_object_add(o, "milestone", ctl_json_str(tm->milestone));
    json_object_object_add(o, "offset", ctl_json_str(tm->offset));
    json_object_object_add(o, "quarter", ctl_json_str(tm->quarter));
    json_object_object_add(o, "fired", ctl_json_str(ctl_time_iso(tm->fired_ms, t, sizeof(t))));
    json_object_object_add(o, "jobs", json_object_new_int64(tm->jobs));
    return o;
}

/* Jobs', timers' and channels' names as people read them: in English the
 * names themselves, in Vietnamese the catalogue's words (msgctxt "job"). */
static const char *job_word(const char *name)
{
    static const char *const WORDS[] = {
        NC_("job", "remind-deadline"),
        NC_("job", "remind-overdue"),
        NC_("job", "remind-stale"),
        NC_("job", "summary"),
        NC_("job", "ready"),
        NC_("job", "leased"),
        NC_("job", "done"),
        NC_("job", "parked"),
        NC_("job", "pending"),
        NC_("job", "fired"),
        NC_("job", "cancelled"),
        NC_("job", "skipped"),
        NC_("job", "topic"),
        NC_("job", "journal"),
        NC_("job", "mail"),
        NC_("job", "file"),
    };
    for (size_t i = 0; i < sizeof WORDS / sizeof WORDS[0]; i++)
        if (strcmp(WORDS[i], name) == 0)
            return l10n_pgettext("job", WORDS[i]);
    return name;
}

static void print_job(const Exemplar__Job *j)
{
    char t[64];
    ctl_put_field(_("id"), j->id);
    ctl_put_field(_("kind"), job_word(NAME_OF(ex_job_kind_name, j->kind)));
    ctl_put_field(_("state"), job_word(NAME_OF(ex_job_state_name, j->state)));
    if (j->unit[0])
        ctl_put_field(_("unit"), j->unit);
    if (j->quarter[0])
        ctl_put_field(_("quarter"), j->quarter);
    if (j->campaign[0])
        ctl_put_fieldf(_("campaign"), _("%s, period %s"), j->campaign, j->period);
    if (j->milestone[0])
        ctl_put_field(_("milestone"), ctl_word(j->milestone));
    ctl_put_fieldf(_("deadline"), _("%s (%s, offset %s)"), ctl_time(j->deadline_ms, t, sizeof(t)),
                   l10n_zone(), j->offset);
    ctl_put_fieldf(_("created"), "%s (%s)", ctl_time(j->created_ms, t, sizeof(t)), l10n_zone());
    ctl_put_fieldf(_("attempts"), _("%u (failures %u)"), j->attempts, j->failures);
    if (j->worker[0])
        ctl_put_field(_("worker"), j->worker);
    if (j->last_error[0])
        ctl_put_field(_("last error"), j->last_error);
    if (j->done_ms)
        ctl_put_fieldf(_("done"), "%s (%s)", ctl_time(j->done_ms, t, sizeof(t)), l10n_zone());
    for (size_t i = 0; i < j->n_deliveries; i++) {
        const Exemplar__Delivery *d = j->deliveries[i];
        ctl_put_fieldf(_("delivered"), _("%s %s by %s%s%s"), job_word(d->channel),
                       ctl_time(d->at_ms, t, sizeof(t)), d->worker, d->detail[0] ? ": " : "",
                       d->detail);
    }
}

static void print_jobs_table(const Exemplar__JobsReply *r)
{
    char avail_head[96];
    snprintf(avail_head, sizeof avail_head, _("AVAILABLE (%s)"), l10n_zone());
    const char *const head[] = {N_("ID"),   N_("KIND"),  N_("STATE"),
                                avail_head, N_("TRIES"), N_("DELIVERED")};
    static const bool right[] = {false, false, false, false, true, false};
    ctl_table_t t;
    ctl_table_init(&t, 6, head, right);
    for (size_t i = 0; i < r->n_jobs; i++) {
        const Exemplar__Job *j = r->jobs[i];
        char at[64], tries[16], channels[160] = "";
        snprintf(tries, sizeof(tries), "%u", j->attempts);
        for (size_t d = 0; d < j->n_deliveries; d++) {
            size_t used = strlen(channels);
            snprintf(channels + used, sizeof(channels) - used, "%s%s", used ? ", " : "",
                     job_word(j->deliveries[d]->channel));
        }
        const char *cells[] = {j->id,
                               job_word(NAME_OF(ex_job_kind_name, j->kind)),
                               job_word(NAME_OF(ex_job_state_name, j->state)),
                               ctl_time(j->available_ms, at, sizeof(at)),
                               tries,
                               channels[0] ? channels : "-"};
        ctl_table_add(&t, cells);
    }
    ctl_table_print(&t, stdout);
    ctl_table_deinit(&t);
}

static void print_timers_table(const Exemplar__JobsReply *r)
{
    char fires_head[96];
    snprintf(fires_head, sizeof fires_head, _("FIRES (%s)"), l10n_zone());
    const char *const head[] = {N_("ID"), N_("KIND"), N_("STATE"), fires_head, N_("JOBS")};
    static const bool right[] = {false, false, false, false, true};
    ctl_table_t t;
    ctl_table_init(&t, 5, head, right);
    for (size_t i = 0; i < r->n_timers; i++) {
        const Exemplar__Timer *tm = r->timers[i];
        char at[64], jobs[16];
        snprintf(jobs, sizeof(jobs), "%u", tm->jobs);
        const char *cells[] = {tm->id, job_word(NAME_OF(ex_job_kind_name, tm->kind)),
                               job_word(NAME_OF(ex_timer_state_name, tm->state)),
                               ctl_time(tm->fire_ms, at, sizeof(at)), jobs};
        ctl_table_add(&t, cells);
    }
    ctl_table_print(&t, stdout);
    ctl_table_deinit(&t);
}

static int list(ctl_t *ctl, const ctl_args_t *a, const char *exact)
{
    Exemplar__JobListRequest body = EXEMPLAR__JOB_LIST_REQUEST__INIT;
    const char *state = a->opt[OPT_SLOT(OPT_STATE)];
    const char *kind = a->opt[OPT_SLOT(OPT_KIND)];
    const char *limit_text = a->opt[OPT_SLOT(OPT_LIMIT)];
    body.timers = a->opt[OPT_SLOT(OPT_TIMERS)] != NULL;
    if (state) {
        Exemplar__JobState s = body.timers ? 0 : ex_job_state_parse(state);
        if (!s)
            return ctl_usage(ctl, "--state must be ready, leased, done or parked (jobs only)");
        body.state = s;
    }
    if (kind) {
        Exemplar__JobKind k = ex_job_kind_parse(kind);
        if (!k)
            return ctl_usage(ctl, "--kind must be remind-deadline, remind-overdue, "
                                  "remind-stale or summary");
        body.kind = k;
    }
    uint64_t limit = exact ? 1 : 100;
    int status = limit_text ? ctl_parse_u64(ctl, "--limit", limit_text, 1, &limit) : 0;
    if (status)
        return status;
    if (limit > JOBS_PAGE)
        return ctl_usage(ctl, "--limit is at most %d", JOBS_PAGE);
    body.limit = (uint32_t)limit;
    body.prefix = (char *)(exact                          ? exact
                           : a->opt[OPT_SLOT(OPT_PREFIX)] ? a->opt[OPT_SLOT(OPT_PREFIX)]
                                                          : "");
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_JOB_LIST;
    req.job_list = &body;
    Exemplar__Reply *reply = NULL;
    if ((status = ctl_call(ctl, &req, &reply)) != 0)
        return status;
    const Exemplar__JobsReply *r = reply->jobs;
    if (exact) {
        bool found = body.timers ? r->n_timers && strcmp(r->timers[0]->id, exact) == 0
                                 : r->n_jobs && strcmp(r->jobs[0]->id, exact) == 0;
        if (!found) {
            ex_reply_free(reply);
            char msg[512];
            if (body.timers)
                snprintf(msg, sizeof(msg), _("there is no timer %s (exemplarctl jobs --timers)"),
                         exact);
            else
                snprintf(msg, sizeof(msg), _("there is no job %s (exemplarctl jobs)"), exact);
            return ctl_fail(ctl, EX_ENOTFOUND, msg);
        }
        if (ctl->json)
            ctl_json_print(body.timers ? timer_json(r->timers[0]) : job_json(r->jobs[0]));
        else if (body.timers)
            print_timers_table(r);
        else
            print_job(r->jobs[0]);
    } else if (ctl->json) {
        json_object *doc = json_object_new_object();
        json_object *arr = json_object_new_array();
        for (size_t i = 0; i < r->n_jobs; i++)
            json_object_array_add(arr, job_json(r->jobs[i]));
        for (size_t i = 0; i < r->n_timers; i++)
            json_object_array_add(arr, timer_json(r->timers[i]));
        json_object_object_add(doc, body.timers ? "timers" : "jobs", arr);
        json_object_object_add(doc, "next_after", ctl_json_str(r->next_after));
        ctl_json_print(doc);
    } else {
        if (body.timers)
            print_timers_table(r);
        else
            print_jobs_table(r);
        if (r->next_after[0])
            printf("%s\n", _("(more: --prefix narrows the list, --limit raises the page)"));
    }
    ex_reply_free(reply);
    return EXIT_OK;
}

static int retry(ctl_t *ctl, const char *id)
{
    Exemplar__JobRetryRequest body = EXEMPLAR__JOB_RETRY_REQUEST__INIT;
    body.id = (char *)id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_JOB_RETRY;
    req.job_retry = &body;
    Exemplar__Reply *reply = NULL;
    int status = ctl_call(ctl, &req, &reply);
    if (status != 0)
        return status;
    const Exemplar__JobsReply *r = reply->jobs;
    if (ctl->json)
        ctl_json_print(r->n_jobs ? job_json(r->jobs[0]) : timer_json(r->timers[0]));
    else if (r->n_jobs)
        printf(_("job %s is ready again\n"), r->jobs[0]->id);
    else
        printf(_("timer %s fires now\n"), r->timers[0]->id);
    ex_reply_free(reply);
    return EXIT_OK;
}

int cmd_jobs(ctl_t *ctl, const ctl_args_t *a)
{
    if (a->argc == 0)
        return list(ctl, a, NULL);
    const char *verb = a->argv[0];
    if (strcmp(verb, "show") == 0 && a->argc == 2)
        return list(ctl, a, a->argv[1]);
    if (strcmp(verb, "retry") == 0 && a->argc == 2)
        return retry(ctl, a->argv[1]);
    return ctl_usage(ctl, "expected no argument, 'show ID' or 'retry ID'");
}
