/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl plan (issue 9): submit (or save a draft), show, list
 * progress, accept and return a unit's plan for a campaign period.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "names.h"

static const char *opt(const ctl_args_t *a, ctl_opt_key_t key)
{
    const char *v = a->opt[OPT_SLOT(key)];
    return v ? v : "";
}

static const char *plan_state_name(Exemplar__PlanState s)
{
    const char *name = ex_plan_state_name(s);
    return name ? name : "none";
}

static json_object *json_plan(const Exemplar__UnitPlan *p)
{
    json_object *o = json_object_new_object(), *ids = json_object_new_array();
    json_object_object_add(o, "unit", ctl_json_str(p->unit));
    json_object_object_add(o, "campaign", ctl_json_str(p->campaign));
    json_object_object_add(o, "period", ctl_json_str(p->period));
    json_object_object_add(o, "version", json_object_new_int64(p->version));
    json_object_object_add(o, "state", ctl_json_str(plan_state_name(p->state)));
    json_object_object_add(o, "verb", ctl_json_str(p->verb));
    json_object_object_add(o, "expected_collective", json_object_new_int64(p->expected_collective));
    json_object_object_add(o, "expected_individual", json_object_new_int64(p->expected_individual));
    json_object_object_add(o, "solutions", ctl_json_str(p->solutions));
    if (p->document) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "number", ctl_json_str(p->document->number));
        json_object_object_add(d, "date", ctl_json_str(p->document->date));
        json_object_object_add(d, "issuer", ctl_json_str(p->document->issuer));
        json_object_object_add(o, "document", d);
    }
    json_object_object_add(o, "submitted_on", ctl_json_str(p->submitted_on));
    json_object_object_add(o, "late", json_object_new_boolean(p->late));
    json_object_object_add(o, "deadline", ctl_json_str(p->deadline));
    json_object_object_add(o, "reason", ctl_json_str(p->reason));
    json_object_object_add(o, "actor", ctl_json_str(p->actor));
    json_object_object_add(o, "at_ms", json_object_new_int64(p->at_ms));
    for (size_t i = 0; i < p->n_registered; i++)
        json_object_array_add(ids, json_object_new_uint64(p->registered[i]));
    json_object_object_add(o, "registered", ids);
    return o;
}

static json_object *json_progress(const Exemplar__PlanProgress *p)
{
    json_object *o = json_object_new_object(), *st = json_object_new_object();
    json_object_object_add(o, "unit", ctl_json_str(p->unit));
    json_object_object_add(o, "unit_name", ctl_json_str(p->unit_name));
    json_object_object_add(o, "status", ctl_json_str(p->status));
    json_object_object_add(o, "late", json_object_new_boolean(p->late));
    json_object_object_add(o, "version", json_object_new_int64(p->version));
    json_object_object_add(o, "expected_collective", json_object_new_int64(p->expected_collective));
    json_object_object_add(o, "expected_individual", json_object_new_int64(p->expected_individual));
    json_object_object_add(o, "registered_collective",
                           json_object_new_int64(p->registered_collective));
    json_object_object_add(o, "registered_individual",
                           json_object_new_int64(p->registered_individual));
    json_object_object_add(o, "recognized", json_object_new_int64(p->recognized));
    for (size_t i = 0; i < p->n_states; i++) {
        const char *name = ex_state_name(p->states[i]->state);
        json_object_object_add(st, name ? name : "unknown",
                               json_object_new_int64(p->states[i]->count));
    }
    json_object_object_add(o, "states", st);
    json_object_object_add(o, "behind", json_object_new_boolean(p->behind));
    return o;
}

/* "3/5": delivered of expected, or "3" without a plan. */
static void figure(char *buf, size_t len, uint32_t have, uint32_t expected, bool plan)
{
    if (plan)
        snprintf(buf, len, "%" PRIu32 "/%" PRIu32, have, expected);
    else
        snprintf(buf, len, "%" PRIu32, have);
}

static void print_states(const Exemplar__PlanProgress *p, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->n_states && used < len; i++) {
        const char *name = ex_state_name(p->states[i]->state);
        int k = snprintf(buf + used, len - used, "%s%s %" PRIu32, i ? ", " : "", name ? name : "?",
                         p->states[i]->count);
        if (k < 0)
            break;
        used += (size_t)k;
    }
    if (!used)
        snprintf(buf, len, "-");
}

static void utc_time(int64_t ms, char *buf, size_t len)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static int print_plan(ctl_t *ctl, const Exemplar__PlanReply *r)
{
    if (ctl->json) {
        json_object *doc = json_object_new_object(), *h = json_object_new_array(),
                    *regs = json_object_new_array();
        if (r->plan)
            json_object_object_add(doc, "plan", json_plan(r->plan));
        for (size_t i = 0; i < r->n_history; i++)
            json_object_array_add(h, json_plan(r->history[i]));
        json_object_object_add(doc, "history", h);
        for (size_t i = 0; i < r->n_registrations; i++)
            json_object_array_add(regs, ctl_json_nomination(r->registrations[i]));
        json_object_object_add(doc, "registrations", regs);
        if (r->progress)
            json_object_object_add(doc, "progress", json_progress(r->progress));
        ctl_json_print(doc);
        return 0;
    }
    const Exemplar__PlanProgress *pr = r->progress;
    const Exemplar__UnitPlan *p = r->plan;
    if (pr)
        printf("unit:          %s %s\n", pr->unit, pr->unit_name);
    if (!p) {
        printf("plan:          none\n");
    } else {
        printf("period:        %s %s\n", p->campaign, p->period);
        printf("status:        %s (version %" PRIu32 ")\n", pr ? pr->status : "", p->version);
        printf("submitted:     %s%s (deadline %s)\n", p->submitted_on[0] ? p->submitted_on : "-",
               p->late ? ", late" : "", p->deadline[0] ? p->deadline : "-");
        if (p->document)
            printf("document:      %s of %s\n", p->document->number, p->document->date);
        if (p->reason[0])
            printf("reason:        %s\n", p->reason);
        printf("solutions:     %s\n", p->solutions);
    }
    if (pr) {
        char c[32], i[32], states[512];
        figure(c, sizeof c, pr->registered_collective, pr->expected_collective, p != NULL);
        figure(i, sizeof i, pr->registered_individual, pr->expected_individual, p != NULL);
        print_states(pr, states, sizeof states);
        printf("collective:    %s registered\n", c);
        printf("individual:    %s registered\n", i);
        printf("recognized:    %" PRIu32 "%s\n", pr->recognized, pr->behind ? " (behind)" : "");
        printf("states:        %s\n", states);
    }
    if (r->n_registrations) {
        printf("\nregistration list:\n");
        for (size_t k = 0; k < r->n_registrations; k++) {
            const Exemplar__Nomination *n = r->registrations[k];
            printf("  %" PRIu64 "  %-10s  %-17s  %s\n", n->id,
                   ex_kind_name(n->kind) ? ex_kind_name(n->kind) : "-",
                   ex_state_name(n->state) ? ex_state_name(n->state) : "?", n->name);
        }
    }
    if (r->n_history) {
        printf("\nhistory:\n");
        for (size_t k = 0; k < r->n_history; k++) {
            const Exemplar__UnitPlan *h = r->history[k];
            char when[32];
            utc_time(h->at_ms, when, sizeof when);
            printf("  %" PRIu32 "  %s  %-7s %-10s %s%s%s%s\n", h->version, when, h->verb,
                   plan_state_name(h->state), h->actor, h->late ? " late" : "",
                   h->reason[0] ? ": " : "", h->reason);
        }
    }
    return 0;
}

static int print_list(ctl_t *ctl, const Exemplar__PlanListReply *r)
{
    if (ctl->json) {
        json_object *doc = json_object_new_object(), *arr = json_object_new_array();
        json_object_object_add(doc, "campaign", ctl_json_str(r->campaign));
        json_object_object_add(doc, "period", ctl_json_str(r->period));
        json_object_object_add(doc, "deadline", ctl_json_str(r->deadline));
        json_object_object_add(doc, "today", ctl_json_str(r->today));
        for (size_t i = 0; i < r->n_units; i++)
            json_object_array_add(arr, json_progress(r->units[i]));
        json_object_object_add(doc, "units", arr);
        json_object_object_add(doc, "missing", json_object_new_int64(r->missing));
        json_object_object_add(doc, "behind", json_object_new_int64(r->behind));
        ctl_json_print(doc);
        return 0;
    }
    static const char *const HEADER[] = {"UNIT",       "STATUS", "COLLECTIVE", "INDIVIDUAL",
                                         "RECOGNIZED", "BEHIND", "NAME"};
    static const bool RIGHT[] = {false, false, true, true, true, false, false};
    ctl_table_t t;
    ctl_table_init(&t, 7, HEADER, RIGHT);
    for (size_t i = 0; i < r->n_units; i++) {
        const Exemplar__PlanProgress *p = r->units[i];
        bool plan = p->state != EXEMPLAR__PLAN_STATE__PLAN_NONE;
        char c[32], ind[32], rec[16];
        figure(c, sizeof c, p->registered_collective, p->expected_collective, plan);
        figure(ind, sizeof ind, p->registered_individual, p->expected_individual, plan);
        snprintf(rec, sizeof rec, "%" PRIu32, p->recognized);
        const char *row[] = {p->unit,     p->status, c, ind, rec, p->behind ? "behind" : "-",
                             p->unit_name};
        ctl_table_add(&t, row);
    }
    ctl_table_print(&t, stdout);
    ctl_table_deinit(&t);
    printf("\n%s %s: deadline %s, today %s; %zu units, %" PRIu32 " without a submitted plan, "
           "%" PRIu32 " behind\n",
           r->campaign, r->period, r->deadline[0] ? r->deadline : "-", r->today, r->n_units,
           r->missing, r->behind);
    return 0;
}

static int parse_u32(ctl_t *ctl, const char *what, const char *text, uint32_t *out)
{
    uint64_t v = 0;
    int status = text ? ctl_parse_u64(ctl, what, text, 0, &v) : 0;
    if (status)
        return status;
    if (v > UINT32_MAX)
        return ctl_usage(ctl, "%s is too large", what);
    *out = (uint32_t)v;
    return 0;
}

int cmd_plan(ctl_t *ctl, const ctl_args_t *a)
{
    const char *sub = a->argv[0];
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__PlanSubmitRequest submit = EXEMPLAR__PLAN_SUBMIT_REQUEST__INIT;
    Exemplar__PlanShowRequest show = EXEMPLAR__PLAN_SHOW_REQUEST__INIT;
    Exemplar__PlanListRequest list = EXEMPLAR__PLAN_LIST_REQUEST__INIT;
    Exemplar__PlanReviewRequest review = EXEMPLAR__PLAN_REVIEW_REQUEST__INIT;
    Exemplar__Decision document;
    const char *unit = a->argc == 2 ? a->argv[1] : opt(a, OPT_UNIT);
    const char *rid = a->opt[OPT_SLOT(OPT_REQUEST_ID)];
    int status = 0;
    bool mutating = false;
    if (!a->opt[OPT_SLOT(OPT_PERIOD)])
        return ctl_usage(ctl, "--period ID is required, for example --period 2021-2023");
    if (strcmp(sub, "list") == 0 && a->argc == 1) {
        list.unit = (char *)unit;
        list.campaign = (char *)opt(a, OPT_CAMPAIGN);
        list.period = (char *)opt(a, OPT_PERIOD);
        req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_LIST;
        req.plan_list = &list;
    } else if (a->argc != 2) {
        return ctl_usage(ctl, "plan %s needs the UNIT", sub);
    } else if (strcmp(sub, "show") == 0) {
        show.unit = (char *)unit;
        show.campaign = (char *)opt(a, OPT_CAMPAIGN);
        show.period = (char *)opt(a, OPT_PERIOD);
        req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_SHOW;
        req.plan_show = &show;
    } else if (strcmp(sub, "submit") == 0) {
        mutating = true;
        submit.unit = (char *)unit;
        submit.campaign = (char *)opt(a, OPT_CAMPAIGN);
        submit.period = (char *)opt(a, OPT_PERIOD);
        submit.solutions = (char *)opt(a, OPT_SOLUTIONS);
        submit.draft = a->opt[OPT_SLOT(OPT_DRAFT)] != NULL;
        submit.document = ctl_decision(a, &document);
        if ((status = parse_u32(ctl, "--collective", a->opt[OPT_SLOT(OPT_COLLECTIVE)],
                                &submit.expected_collective)) ||
            (status = parse_u32(ctl, "--individual", a->opt[OPT_SLOT(OPT_INDIVIDUAL)],
                                &submit.expected_individual)) ||
            (status = parse_u32(ctl, "--expect-version", a->opt[OPT_SLOT(OPT_EXPECT_VERSION)],
                                &submit.expected_version)))
            return status;
        req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_SUBMIT;
        req.plan_submit = &submit;
    } else if (strcmp(sub, "accept") == 0 || strcmp(sub, "return") == 0) {
        mutating = true;
        review.unit = (char *)unit;
        review.campaign = (char *)opt(a, OPT_CAMPAIGN);
        review.period = (char *)opt(a, OPT_PERIOD);
        review.reason = (char *)opt(a, OPT_REASON);
        if ((status = parse_u32(ctl, "--expect-version", a->opt[OPT_SLOT(OPT_EXPECT_VERSION)],
                                &review.expected_version)))
            return status;
        if (sub[0] == 'a') {
            req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_ACCEPT;
            req.plan_accept = &review;
        } else {
            req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_RETURN;
            req.plan_return = &review;
        }
    } else {
        return ctl_usage(ctl, "plan takes submit, show, list, accept or return, not '%s'", sub);
    }
    if (mutating && rid && (status = ctl_parse_u64(ctl, "--request-id", rid, 1, &req.request_id)))
        return status;
    Exemplar__Reply *reply = NULL;
    if ((status = ctl_call(ctl, &req, &reply)))
        return status;
    status = reply->body_case == EXEMPLAR__REPLY__BODY_PLAN_LIST ? print_list(ctl, reply->plan_list)
                                                                 : print_plan(ctl, reply->plan);
    ex_reply_free(reply);
    return status;
}
