/* SPDX-License-Identifier: MIT */
/*
 * The unit's dossier of a nomination: acclamation-set, judgement-set (see
 * api_dossier.h).
 */
#include "api_dossier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "day.h"
#include "dossier.h"
#include "names.h"
#include "log.h"
#include "records.h"
#include "text.h"

#define DOSSIER_REASON_MAX  1024
#define DOSSIER_MEMBERS_MAX 100000

/* The nomination a dossier request names, in the actor's unit scope and in
 * a state its unit may still review; with the rule set judging it. */
static int load(call_t *x, uint64_t id, const char *verb, Exemplar__Nomination **out,
                const ruleset_t **set)
{
    *out = NULL;
    if (id == 0)
        return api_refuse(x, -EX_EINVALID,
                          _("nomination_id is required: nomination ids start at 1"));
    Exemplar__Nomination *n = NULL;
    int rc = records_get_nomination(x->txn, id, &n);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(x, rc, _("no nomination has id %llu"), (unsigned long long)id);
    if (rc < 0)
        return rc;
    char what[64];
    snprintf(what, sizeof(what), _("nomination %llu"), (unsigned long long)id);
    rc = api_check_unit_scope(x, n->unit, n->unit_name, true, verb, what, NULL, 0);
    const char *state = ex_state_name(n->state);
    if (rc == 0 && n->state != EXEMPLAR__STATE__STATE_REGISTERED &&
        n->state != EXEMPLAR__STATE__STATE_FOSTERING && n->state != EXEMPLAR__STATE__STATE_RETURNED)
        rc = api_refuse(x, -EX_ENOMOVE,
                        _("nomination %llu is %s: its unit's review is over, so its dossier is "
                          "closed; the dossier is recorded while it is registered, fostering or "
                          "returned"),
                        (unsigned long long)id, state ? l10n_pgettext("state", state) : "?");
    const campaign_t *c = rc == 0 ? rules_campaign(x->rules, n->campaign) : NULL;
    const period_t *p = !c                          ? NULL
                        : n->period && n->period[0] ? campaign_period(c, n->period)
                                                    : &c->periods[0];
    if (rc == 0 && (!p || !(*set = dossier_ruleset(rules_book(x->rules), p))))
        rc = api_refuse(x, -EX_ECAMPAIGN,
                        _("no rule set judges the period of nomination %llu (campaign %s); see "
                          "exemplarctl campaign show"),
                        (unsigned long long)id, n->campaign);
    if (rc < 0) {
        exemplar__nomination__free_unpacked(n, NULL);
        return rc;
    }
    *out = n;
    return 0;
}

static int reply(call_t *x, Exemplar__Dossier *d)
{
    Exemplar__DossierReply r = EXEMPLAR__DOSSIER_REPLY__INIT;
    r.dossier = d;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_DOSSIER;
    x->reply.dossier = &r;
    return api_pack(x);
}

/* The stored dossier of id, or a new empty one in *fresh. */
static int dossier_of(call_t *x, uint64_t id, Exemplar__Dossier *fresh, Exemplar__Dossier **out)
{
    int rc = dossier_get(x->txn, id, out);
    if (rc == -EX_ENOTFOUND) {
        exemplar__dossier__init(fresh);
        fresh->nomination_id = id;
        *out = NULL;
        return 0;
    }
    return rc;
}

int api_dossier_acclamation_set(call_t *x)
{
    const Exemplar__AcclamationSetRequest *r = x->req->acclamation_set;
    Exemplar__Nomination *n = NULL;
    const ruleset_t *set = NULL;
    int rc = load(x, r->nomination_id, "acclaim", &n, &set);
    if (rc < 0)
        return rc;
    int32_t day = 0, today = rules_today(x->rules, x->now_ms);
    char today_text[16];
    if (!r->date || day_parse(r->date, &day) < 0)
        rc = api_refuse(x, -EX_EINVALID,
                        _("date must be the day of the review meeting, YYYY-MM-DD"));
    else if (day > today)
        rc = api_refuse(x, -EX_EINVALID,
                        _("the meeting of %s is after today (%s): record it once it is held"),
                        r->date, day_format(today, today_text, sizeof(today_text)));
    else if (r->present == 0 || r->present > DOSSIER_MEMBERS_MAX)
        rc = api_refuse(x, -EX_EINVALID,
                        _("present must be the number of members at the meeting, 1 to %d"),
                        DOSSIER_MEMBERS_MAX);
    else if (r->in_favour > r->present)
        rc = api_refuse(x, -EX_EINVALID,
                        _("in favour (%u) cannot be more than the members present (%u)"),
                        r->in_favour, r->present);
    Exemplar__Dossier fresh, *stored = NULL;
    if (rc == 0)
        rc = dossier_of(x, n->id, &fresh, &stored);
    if (rc == 0) {
        Exemplar__Dossier *d = stored ? stored : &fresh;
        Exemplar__Acclamation a = EXEMPLAR__ACCLAMATION__INIT;
        char date[16];
        a.date = (char *)day_format(day, date, sizeof(date));
        a.present = r->present;
        a.in_favour = r->in_favour;
        a.recorded_by = (char *)x->actor->name;
        a.recorded_ms = x->now_ms;
        Exemplar__Acclamation *old = d->acclamation;
        d->acclamation = &a;
        dossier_put(x->txn, d);
        log_info("dossier, %s recorded the acclamation of nomination %llu: %u of %u present in "
                 "favour on %s (%s)",
                 x->actor->name, (unsigned long long)n->id, a.in_favour, a.present, a.date,
                 dossier_acclaimed(set, &a) ? "meets the threshold" : "below the threshold");
        rc = reply(x, d);
        d->acclamation = old;
    }
    if (stored)
        exemplar__dossier__free_unpacked(stored, NULL);
    exemplar__nomination__free_unpacked(n, NULL);
    return rc;
}

int api_dossier_judgement_set(call_t *x)
{
    const Exemplar__JudgementSetRequest *r = x->req->judgement_set;
    Exemplar__Nomination *n = NULL;
    const ruleset_t *set = NULL;
    int rc = load(x, r->nomination_id, "judge", &n, &set);
    if (rc < 0)
        return rc;
    bool collective = n->kind == EXEMPLAR__KIND__KIND_COLLECTIVE;
    const qualitative_t *q = dossier_criterion(set, collective, r->criterion ? r->criterion : "");
    char *reason = NULL;
    if (!q) {
        char codes[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < set->n_qualitative; i++) {
            const qualitative_t *c = &set->qualitative[i];
            if (c->kind != TITLE_ANY &&
                c->kind != (collective ? TITLE_COLLECTIVE : TITLE_INDIVIDUAL))
                continue;
            int k = snprintf(codes + used, sizeof(codes) - used, "%s%s", used ? ", " : "", c->code);
            if (k < 0 || (size_t)k >= sizeof(codes) - used)
                break;
            used += (size_t)k;
        }
        rc = api_refuse(x, -EX_EINVALID,
                        _("rule set %s has no qualitative criterion %.40s for this nomination; "
                          "its criteria: %s"),
                        set->id, r->criterion ? r->criterion : "", used ? codes : "-");
    } else if (text_normalize(r->reason, DOSSIER_REASON_MAX, true, false, &reason) < 0) {
        rc = api_refuse(x, -EX_EINVALID,
                        _("a judgement needs its reason: at most %d bytes of UTF-8 text on one "
                          "line (--reason TEXT)"),
                        DOSSIER_REASON_MAX);
    }
    Exemplar__Dossier fresh, *stored = NULL;
    if (rc == 0)
        rc = dossier_of(x, n->id, &fresh, &stored);
    if (rc == 0) {
        Exemplar__Dossier *d = stored ? stored : &fresh;
        Exemplar__Judgement j = EXEMPLAR__JUDGEMENT__INIT;
        j.criterion = (char *)q->code;
        j.met = r->met;
        j.reason = reason;
        j.recorded_by = (char *)x->actor->name;
        j.recorded_ms = x->now_ms;
        /* One judgement per criterion: a new one replaces the old. */
        Exemplar__Judgement **list = calloc(d->n_judgements + 1, sizeof(*list));
        if (!list) {
            rc = -EX_EINTERNAL;
        } else {
            size_t m = 0;
            for (size_t i = 0; i < d->n_judgements; i++)
                if (strcmp(d->judgements[i]->criterion, q->code) != 0)
                    list[m++] = d->judgements[i];
            list[m++] = &j;
            Exemplar__Judgement **old = d->judgements;
            size_t n_old = d->n_judgements;
            d->judgements = list;
            d->n_judgements = m;
            dossier_put(x->txn, d);
            log_info("dossier, %s judged nomination %llu on %s: %s", x->actor->name,
                     (unsigned long long)n->id, q->code, j.met ? "met" : "not met");
            rc = reply(x, d);
            d->judgements = old;
            d->n_judgements = n_old;
            free(list);
        }
    }
    free(reason);
    if (stored)
        exemplar__dossier__free_unpacked(stored, NULL);
    exemplar__nomination__free_unpacked(n, NULL);
    return rc;
}
