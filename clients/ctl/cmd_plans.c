/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl plan: submit (or save a draft), show, list
 * progress, accept and return a unit's plan for a campaign period.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd_plans.h"
#include "output.h"
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

/* A plan's status or verb as people read it (msgctxt "plan": a plan is
 * returned for revision, not "returned" as a nomination is). */
static const char *plan_word(const char *name)
{
    static const char *const WORDS[] = {
        NC_("plan", "no-plan"), NC_("plan", "draft"),    NC_("plan", "submitted"),
        NC_("plan", "late"),    NC_("plan", "accepted"), NC_("plan", "returned"),
        NC_("plan", "none"),    NC_("plan", "save"),     NC_("plan", "submit"),
        NC_("plan", "return"),  NC_("plan", "accept"),
    };
    for (size_t i = 0; i < sizeof WORDS / sizeof WORDS[0]; i++)
        if (strcmp(WORDS[i], name) == 0)
            return l10n_pgettext("plan", WORDS[i]);
    return name;
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
        int k = snprintf(buf + used, len - used, "%s%s %" PRIu32, i ? ", " : "",
                         ctl_state(p->states[i]->state), p->states[i]->count);
        if (k < 0)
            break;
        used += (size_t)k;
    }
    if (!used)
        snprintf(buf, len, "-");
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
        ctl_put_fieldf(_("unit"), "%s %s", pr->unit, pr->unit_name);
    if (!p) {
        ctl_put_field(_("plan"), _("none"));
    } else {
        char on[64], deadline[64], doc_day[64];
        ctl_put_fieldf(_("period"), "%s %s", p->campaign, p->period);
        ctl_put_fieldf(_("status"), _("%s (version %" PRIu32 ")"), pr ? plan_word(pr->status) : "",
                       p->version);
        l10n_day(p->submitted_on, on, sizeof on);
        l10n_day(p->deadline, deadline, sizeof deadline);
        if (p->late)
            ctl_put_fieldf(_("submitted"), _("%s, late (deadline %s)"), on, deadline);
        else
            ctl_put_fieldf(_("submitted"), _("%s (deadline %s)"), on, deadline);
        if (p->document)
            ctl_put_fieldf(_("document"), _("%s of %s"), p->document->number,
                           l10n_day(p->document->date, doc_day, sizeof doc_day));
        if (p->reason[0])
            ctl_put_field(_("reason"), p->reason);
        ctl_put_field(_("solutions"), p->solutions);
    }
    if (pr) {
        char c[32], i[32], states[512];
        figure(c, sizeof c, pr->registered_collective, pr->expected_collective, p != NULL);
        figure(i, sizeof i, pr->registered_individual, pr->expected_individual, p != NULL);
        print_states(pr, states, sizeof states);
        ctl_put_fieldf(_("collective"), _("%s registered"), c);
        ctl_put_fieldf(_("individual"), _("%s registered"), i);
        if (pr->behind)
            ctl_put_fieldf(_("recognized"), _("%" PRIu32 " (behind)"), pr->recognized);
        else
            ctl_put_fieldf(_("recognized"), "%" PRIu32, pr->recognized);
        ctl_put_field(_("states"), states);
    }
    if (r->n_registrations) {
        printf("\n%s\n", _("registration list:"));
        ctl_table_t t;
        ctl_table_init(&t, 4, NULL, NULL);
        for (size_t k = 0; k < r->n_registrations; k++) {
            const Exemplar__Nomination *n = r->registrations[k];
            char id[24];
            snprintf(id, sizeof id, "%" PRIu64, n->id);
            const char *row[] = {id, ctl_kind(n->kind), ctl_state(n->state), n->name};
            ctl_table_add(&t, row);
        }
        ctl_table_print_indented(&t, stdout, 2);
        ctl_table_deinit(&t);
    }
    if (r->n_history) {
        printf("\n%s\n", _("history:"));
        ctl_table_t t;
        ctl_table_init(&t, 5, NULL, NULL);
        for (size_t k = 0; k < r->n_history; k++) {
            const Exemplar__UnitPlan *h = r->history[k];
            char version[16], when[64], why[1200];
            snprintf(version, sizeof version, "%" PRIu32, h->version);
            ctl_time(h->at_ms, when, sizeof when);
            snprintf(why, sizeof why, "%s%s%s%s", h->actor, h->late ? _(", late") : "",
                     h->reason[0] ? ": " : "", h->reason);
            const char *row[] = {version, when, plan_word(h->verb),
                                 plan_word(plan_state_name(h->state)), why};
            ctl_table_add(&t, row);
        }
        ctl_table_print_indented(&t, stdout, 2);
        ctl_table_deinit(&t);
        printf("  (%s)\n", l10n_zone());
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
    static const char *const HEADER[] = {N_("UNIT"),       N_("STATUS"),     N_("COLLECTIVE"),
                                         N_("INDIVIDUAL"), N_("RECOGNIZED"), N_("BEHIND"),
                                         N_("NAME")};
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
        const char *row[] = {p->unit, plan_word(p->status),          c,           ind,
                             rec,     p->behind ? _("behind") : "-", p->unit_name};
        ctl_table_add(&t, row);
    }
    ctl_table_print(&t, stdout);
    ctl_table_deinit(&t);
    char deadline[64], today[64];
    printf("\n");
    printf(_("%s %s: deadline %s, today %s; %zu units, %" PRIu32 " without a submitted plan, "
             "%" PRIu32 " behind\n"),
           r->campaign, r->period, l10n_day(r->deadline, deadline, sizeof deadline),
           l10n_day(r->today, today, sizeof today), r->n_units, r->missing, r->behind);
    return 0;
}

static int parse_u32(ctl_t *ctl, const char *what, const char *text, uint32_t *out)
{
    uint64_t v = 0;
    int status = text ? ctl_parse_u64(ctl, what, text, 0, &v) : 0;
    if (status)
        return status;
    if (v > UINT32_MAX)
        return ctl_usage(ctl, "%s is too large", _(what));
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
