/* SPDX-License-Identifier: MIT */
/*
 * The plan's rules on the request path: units import and list,
 * the campaign calendar, the evidence ledger, `check`, and the hooks that
 * register and move call (unit on the registration day, period, subject,
 * window override, carry-over).  Each handler validates its request, writes
 * through the batch's transaction and packs its reply, as api.c's do.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_rules.h"
#include "api_events.h"
#include "errors.h"
#include "i18n.h"
#include "key.h"
#include "ledger.h"
#include "titles.h"
#include "campaign.h"
#include "log.h"
#include "records.h"
#include "tally.h"
#include "text.h"
#include "vitext.h"

#define UNITS_IMPORT_MAX   500
#define NAME_MAX_BYTES     256
#define DECISION_FIELD_MAX 256
#define OVERRIDE_MAX_BYTES 1024

/* Subject ids: what evidence is filed under (PROTOCOL.md, "Subjects"). */
static int check_subject(call_t *x, const char *what, const char *s)
{
    if (text_is_subject(s, LEDGER_SUBJECT_MAX))
        return 0;
    return api_refuse(
        x, -EX_EINVALID,
        _("%s \"%.70s\" is not a subject id: 1-%d characters of letters, digits, '.', "
          "'_', '-', ':' or '/' (a personnel number, or the collective's code such as "
          "01:PTNN)"),
        what, s, LEDGER_SUBJECT_MAX);
}

static int check_date(call_t *x, const char *what, const char *s, bool required)
{
    int32_t day;
    if ((!s[0] && !required) || day_parse(s, &day) == 0)
        return 0;
    return api_refuse(x, -EX_EINVALID, _("%s must be a date YYYY-MM-DD, not \"%.40s\""), what, s);
}

static int check_decision(call_t *x, const char *what, const Exemplar__Decision *d, bool required)
{
    if (!d) {
        if (!required)
            return 0;
        return api_refuse(x, -EX_EINVALID, _("%s is required: its number and date"), what);
    }
    if ((required && !d->number[0]) || strlen(d->number) > 64 ||
        strlen(d->issuer) > DECISION_FIELD_MAX)
        return api_refuse(
            x, -EX_EINVALID,
            _("%s needs a number of 1-64 bytes (e.g. 1234/QĐ-BTNMT) and an issuer of at "
              "most %d bytes"),
            what, DECISION_FIELD_MAX);
    char *tmp = NULL;
    int rc = text_normalize(d->number, 64, false, false, &tmp);
    free(tmp);
    if (rc == 0)
        rc = text_normalize(d->issuer, DECISION_FIELD_MAX, false, false, &tmp), free(tmp);
    if (rc < 0)
        return api_refuse(x, -EX_EINVALID, _("%s: number and issuer must be UTF-8 text"), what);
    return check_date(x, "the decision's date", d->date, required || d->number[0]);
}

/* Writes evidence; the tallies judge its subject's evidence gaps again.  The
 * writers mark the tallies, not the ledger, so that the ledger stays below
 * the tallies that read it. */
static void put_evidence(store_txn_t *t, const Exemplar__Evidence *e)
{
    ledger_evidence_put(t, e);
    tally_evidence_changed(t, e->subject);
}

/* ---- register and move hooks -------------------------------------------- */

int api_rules_register(call_t *x, Exemplar__Nomination *n, Exemplar__Unit **keep)
{
    const Exemplar__RegisterRequest *r = x->req->register_;
    rules_t *rules = x->rules;
    *keep = NULL;
    if (r->subject[0] && check_subject(x, "subject", r->subject) < 0)
        return -EX_EINVALID;
    if (r->head_of[0] && check_subject(x, "head_of", r->head_of) < 0)
        return -EX_EINVALID;
    if (r->head_of[0] && r->kind != EXEMPLAR__KIND__KIND_INDIVIDUAL)
        return api_refuse(
            x, -EX_EINVALID,
            _("head_of is for individuals who head a unit; a collective has no head_of"));
    if (strlen(r->override_reason) > OVERRIDE_MAX_BYTES)
        return api_refuse(x, -EX_ETOOBIG, _("override_reason is longer than %d bytes"),
                          OVERRIDE_MAX_BYTES);
    n->subject = r->subject;
    n->head_of = r->head_of;
    n->period = r->period;
    if (!rules_enforced(rules))
        return 0;
    if (!r->subject[0])
        return api_refuse(x, -EX_EINVALID,
                          _("subject is required: the id evidence is recorded under (the person's "
                            "personnel number, or the collective's code such as %s:PTNN)"),
                          n->unit);
    int32_t day = rules_today(rules, x->now_ms);
    char today[16], on_said[64], from_said[64], to_said[64];
    day_format(day, today, sizeof(today));
    Exemplar__Unit *u = NULL, *latest = NULL;
    int rc = ledger_unit_on(x->txn, n->unit, day, &u, &latest);
    if (rc == -EX_EUNIT) {
        if (latest)
            api_refuse(x, rc,
                       _("unit %s (%s) is not valid on %s: it was valid from %s to %s; register "
                         "under the unit that replaced it (exemplarctl units list)"),
                       latest->code, latest->name, l10n_day(today, on_said, sizeof(on_said)),
                       l10n_day(latest->valid_from, from_said, sizeof(from_said)),
                       l10n_day(latest->valid_to, to_said, sizeof(to_said)));
        else
            api_refuse(x, rc, _("no unit has the code %s (exemplarctl units list)"), n->unit);
        if (latest)
            exemplar__unit__free_unpacked(latest, NULL);
        return rc;
    }
    if (rc < 0)
        return rc;
    *keep = u;
    n->unit_name = u->name;
    const campaign_t *c = rules_campaign(rules, n->campaign);
    if (!c)
        return api_refuse(x, -EX_ECAMPAIGN,
                          _("campaign %s is not defined (see exemplarctl campaign show)"),
                          n->campaign);
    const period_t *p =
        r->period[0] ? campaign_period(c, r->period) : campaign_period_for_registration(c, day);
    if (!p)
        return api_refuse(x, -EX_ECAMPAIGN,
                          _("campaign %s has no period %s (see exemplarctl campaign show)"),
                          n->campaign, r->period);
    n->period = (char *)p->id;
    return 0;
}

int api_rules_bind(call_t *x, const Exemplar__Nomination *n, const char *override_reason,
                   const Exemplar__Decision *decision, rules_ctx_t *ctx, nom_rules_t *nr,
                   const nom_rules_t **use)
{
    *use = NULL;
    if (check_decision(x, "decision", decision, false) < 0)
        return -EX_EINVALID;
    int rc = rules_bind(ctx, x->rules, x->txn, n, x->now_ms, override_reason, decision, nr, x->why,
                        sizeof(x->why));
    if (!rules_enforced(x->rules)) {
        x->why[0] = '\0';
        return 0;
    }
    if (rc == 0)
        *use = nr;
    return rc;
}

int api_rules_carry_over(call_t *x, const rules_ctx_t *ctx, const Exemplar__Nomination *n,
                         Exemplar__Nomination *out)
{
    const period_t *next =
        ctx->campaign && ctx->period ? campaign_next_period(ctx->campaign, ctx->period) : NULL;
    if (!next)
        return api_refuse(x, -EX_ENOMOVE,
                          _("campaign %s has no period after %s to carry nomination %llu into"),
                          n->campaign, n->period, (unsigned long long)n->id);
    exemplar__nomination__init(out);
    out->id = nomwrite_next_id(x->nw);
    out->version = 1;
    out->state = EXEMPLAR__STATE__STATE_REGISTERED;
    out->kind = n->kind;
    out->unit = n->unit;
    out->campaign = n->campaign;
    out->name = n->name;
    out->created_ms = out->updated_ms = x->now_ms;
    out->subject = n->subject;
    out->period = (char *)next->id;
    out->head_of = n->head_of;
    out->carried_from = n->id;
    out->unit_name = n->unit_name;
    return 0;
}

/* ---- units --------------------------------------------------------------- */

/* Closes the open version of `code` the day before `from` (a merge, a
 * rename, a code reused) and names `by` (the unit imported, valid from
 * by_from) its successor: who carries its nominations, plans and evidence on
 * (api_call.h's scope).  A version that already ends that day without a
 * successor gets one too (a list imported with its end days). */
static int close_absorbed(call_t *x, const char *code, int32_t from, const char *by,
                          const char *by_from, uint32_t *changed)
{
    Exemplar__Unit **v = NULL;
    size_t n = 0;
    char to[16];
    day_format(from - 1, to, sizeof(to));
    int rc = ledger_units(x->txn, code, &v, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int32_t f;
        Exemplar__Unit *u = v[i];
        bool ends_then = u->valid_to[0] && strcmp(u->valid_to, to) == 0 && !u->successor[0];
        if (u->valid_to[0] && !ends_then)
            continue;
        if (u->valid_from[0] && (day_parse(u->valid_from, &f) < 0 || f >= from))
            continue;
        char *saved_to = u->valid_to, *saved_by = u->successor, *saved_from = u->successor_from;
        u->valid_to = to;
        u->successor = (char *)by;
        u->successor_from = (char *)by_from;
        ledger_unit_put(x->txn, u);
        u->valid_to = saved_to;
        u->successor = saved_by;
        u->successor_from = saved_from;
        (*changed)++;
    }
    ledger_units_free(v, n);
    return rc;
}

static int import_one(call_t *x, size_t row, const Exemplar__Unit *in, uint32_t *changed)
{
    char *name = NULL, *name_en = NULL;
    int32_t from = 0, to = 0;
    if (!text_is_code(in->code, KEY_UNIT_MAX, false))
        return api_refuse(
            x, -EX_EINVALID,
            _("unit %zu: code \"%.20s\" must be 1-%d characters of A-Z, 0-9, '.', '_' "
              "or '-'"),
            row, in->code, KEY_UNIT_MAX);
    if (check_date(x, "valid_from", in->valid_from, false) < 0 ||
        check_date(x, "valid_to", in->valid_to, false) < 0)
        return -EX_EINVALID;
    if (in->valid_from[0])
        day_parse(in->valid_from, &from);
    if (in->valid_to[0])
        day_parse(in->valid_to, &to);
    if (in->valid_from[0] && in->valid_to[0] && to < from)
        return api_refuse(x, -EX_EINVALID, _("unit %s: valid_to %s is before valid_from %s"),
                          in->code, in->valid_to, in->valid_from);
    if (in->kind[0] && strcmp(in->kind, "province") && strcmp(in->kind, "ministry-unit"))
        return api_refuse(x, -EX_EINVALID, _("unit %s: kind must be province or ministry-unit"),
                          in->code);
    if (in->n_merged_from && !in->valid_from[0])
        return api_refuse(x, -EX_EINVALID,
                          _("unit %s: a merge needs valid_from, the day the merged unit starts"),
                          in->code);
    for (size_t i = 0; i < in->n_merged_from; i++)
        if (!text_is_code(in->merged_from[i], KEY_UNIT_MAX, false))
            return api_refuse(x, -EX_EINVALID,
                              _("unit %s: merged_from \"%.20s\" is not a unit code"), in->code,
                              in->merged_from[i]);
    char bad[200];
    const char *field = "name";
    int rc = text_check_name(in->name, NAME_MAX_BYTES, &name, bad, sizeof(bad));
    if (rc == 0 && in->name_en[0]) {
        field = "name_en";
        rc = text_check_name(in->name_en, NAME_MAX_BYTES, &name_en, bad, sizeof(bad));
    }
    if (rc < 0) {
        free(name);
        return api_refuse(x, rc, _("unit %s: %s %s (names are 1-%d bytes of visible UTF-8 text)"),
                          in->code, field, bad, NAME_MAX_BYTES);
    }
    /* The absorbed units, and an older open version of the same code
     * (a rename or a reuse of the code), end the day before. */
    for (size_t i = 0; rc == 0 && in->valid_from[0] && i < in->n_merged_from; i++)
        rc = close_absorbed(x, in->merged_from[i], from, in->code, in->valid_from, changed);
    if (rc == 0 && in->valid_from[0])
        rc = close_absorbed(x, in->code, from, in->code, in->valid_from, changed);
    if (rc == 0) {
        Exemplar__Unit u = *in;
        u.name = name;
        u.name_en = name_en ? name_en : "";
        if (!u.kind[0])
            u.kind = "province";
        ledger_unit_put(x->txn, &u);
        (*changed)++;
    }
    free(name);
    free(name_en);
    return rc;
}

int api_rules_units_import(call_t *x)
{
    const Exemplar__UnitsImportRequest *r = x->req->units_import;
    if (r->n_units == 0 || r->n_units > UNITS_IMPORT_MAX)
        return api_refuse(x, -EX_EINVALID, _("an import holds 1-%d units, not %zu"),
                          UNITS_IMPORT_MAX, r->n_units);
    uint32_t changed = 0;
    for (size_t i = 0; i < r->n_units; i++) {
        int rc = import_one(x, i + 1, r->units[i], &changed);
        if (rc < 0)
            return rc; /* the batch's transaction is not committed for this call */
    }
    Exemplar__UnitsReply u = EXEMPLAR__UNITS_REPLY__INIT;
    u.changed = changed;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_UNITS;
    x->reply.units = &u;
    return api_pack(x);
}

int api_rules_units_list(call_t *x)
{
    const Exemplar__UnitsListRequest *r = x->req->units_list;
    int32_t on = 0;
    if (r->code[0] && !text_is_code(r->code, KEY_UNIT_MAX, false))
        return api_refuse(x, -EX_EINVALID, _("code \"%.20s\" is not a unit code"), r->code);
    if (check_date(x, "on", r->on, false) < 0)
        return -EX_EINVALID;
    if (r->on[0])
        day_parse(r->on, &on);
    Exemplar__Unit **v = NULL;
    size_t n = 0, kept = 0;
    int rc = ledger_units(x->txn, r->code, &v, &n);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        Exemplar__Unit *u = v[i];
        int32_t f, t;
        bool keep = true;
        if (r->on[0]) {
            keep = (!u->valid_from[0] || (day_parse(u->valid_from, &f) == 0 && f <= on)) &&
                   (!u->valid_to[0] || (day_parse(u->valid_to, &t) == 0 && on <= t));
        }
        if (keep && r->name_contains[0])
            keep = vitext_contains(u->name, r->name_contains) ||
                   vitext_contains(u->name_en, r->name_contains);
        if (keep)
            v[kept++] = u;
        else
            exemplar__unit__free_unpacked(u, NULL);
    }
    Exemplar__UnitsReply u = EXEMPLAR__UNITS_REPLY__INIT;
    u.units = v;
    u.n_units = kept;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_UNITS;
    x->reply.units = &u;
    rc = api_pack(x);
    ledger_units_free(v, kept);
    return rc;
}

/* ---- campaigns ----------------------------------------------------------- */

/* Dates of one campaign reply: every string the reply points to. */
#define DATE_SLOT 24 /* "YYYY-MM-DD HH:MM" and its NUL, with room */
typedef struct {
    char (*dates)[DATE_SLOT];
    size_t used, cap;
} dates_t;

static char *date_str(dates_t *d, int32_t day)
{
    if (d->used == d->cap)
        return (char *)"";
    return (char *)day_format(day, d->dates[d->used++], DATE_SLOT);
}

/* A deadline as "YYYY-MM-DD HH:MM", Vietnam time. */
static char *due_str(dates_t *d, const milestone_t *m)
{
    if (d->used == d->cap)
        return (char *)"";
    char *slot = d->dates[d->used++], day[16];
    snprintf(slot, DATE_SLOT, "%s %02d:%02d", day_format(m->due_day, day, sizeof(day)),
             (int)(m->due_secs / 3600), (int)(m->due_secs / 60 % 60));
    return slot;
}

static int fill_campaign(const campaign_t *c, int32_t today, dates_t *d, Exemplar__CampaignInfo *ci)
{
    exemplar__campaign_info__init(ci);
    ci->id = (char *)c->id;
    ci->title = (char *)c->title;
    ci->source = (char *)c->source;
    ci->anchor = c->anchor ? date_str(d, c->anchor) : (char *)"";
    ci->periods = calloc(c->n_periods, sizeof(*ci->periods));
    ci->milestones = calloc(c->n_milestones ? c->n_milestones : 1, sizeof(*ci->milestones));
    if (!ci->periods || !ci->milestones)
        return -EX_EINTERNAL;
    for (size_t i = 0; i < c->n_periods; i++) {
        const period_t *p = &c->periods[i];
        Exemplar__Period *ep = calloc(1, sizeof(*ep));
        if (!ep)
            return -EX_EINTERNAL;
        exemplar__period__init(ep);
        ci->periods[ci->n_periods++] = ep;
        ep->id = (char *)p->id;
        ep->years = (int32_t *)p->years;
        ep->n_years = p->n_years;
        ep->windows = calloc(WIN_COUNT, sizeof(*ep->windows));
        if (!ep->windows)
            return -EX_EINTERNAL;
        for (int w = WIN_ANY + 1; w < WIN_COUNT; w++) {
            if (!p->has_window[w])
                continue;
            Exemplar__Window *ew = calloc(1, sizeof(*ew));
            if (!ew)
                return -EX_EINTERNAL;
            exemplar__window__init(ew);
            ep->windows[ep->n_windows++] = ew;
            ew->name = (char *)nom_window_name((window_t)w);
            ew->from = date_str(d, p->window[w].from);
            ew->to = date_str(d, p->window[w].to);
            ew->open = period_window_open(p, (window_t)w, today);
        }
    }
    for (size_t i = 0; i < c->n_milestones; i++) {
        Exemplar__Milestone *m = calloc(1, sizeof(*m));
        if (!m)
            return -EX_EINTERNAL;
        exemplar__milestone__init(m);
        ci->milestones[ci->n_milestones++] = m;
        m->name = (char *)c->milestones[i].name;
        m->from = date_str(d, c->milestones[i].when.from);
        m->to = date_str(d, c->milestones[i].when.to);
        if (c->milestones[i].action != MILESTONE_INFO) {
            m->deadline = (char *)milestone_action_name(c->milestones[i].action);
            m->period = (char *)c->milestones[i].period;
            m->due_ms = milestone_due_ms(&c->milestones[i]);
            m->due = due_str(d, &c->milestones[i]);
        }
    }
    return 0;
}

static void free_campaign(Exemplar__CampaignInfo *ci)
{
    for (size_t i = 0; i < ci->n_periods; i++) {
        for (size_t w = 0; w < ci->periods[i]->n_windows; w++)
            free(ci->periods[i]->windows[w]);
        free(ci->periods[i]->windows);
        free(ci->periods[i]);
    }
    for (size_t i = 0; i < ci->n_milestones; i++)
        free(ci->milestones[i]);
    free(ci->periods);
    free(ci->milestones);
}

int api_rules_campaign_show(call_t *x)
{
    const Exemplar__CampaignShowRequest *r = x->req->campaign_show;
    rules_t *rules = x->rules;
    size_t total = rules_campaign_count(rules);
    if (r->campaign[0] && !rules_campaign(rules, r->campaign))
        return api_refuse(x, -EX_ECAMPAIGN,
                          _("campaign %s is not defined (see exemplarctl campaign show)"),
                          r->campaign);
    int32_t today = rules_today(rules, x->now_ms);
    dates_t d = {calloc(total * 256 + 1, DATE_SLOT), 0, total * 256 + 1};
    Exemplar__CampaignInfo *infos = calloc(total ? total : 1, sizeof(*infos));
    Exemplar__CampaignInfo **ptrs = calloc(total ? total : 1, sizeof(*ptrs));
    size_t n = 0;
    int rc = d.dates && infos && ptrs ? 0 : -EX_EINTERNAL;
    char today_text[16];
    for (size_t i = 0; rc == 0 && i < total; i++) {
        const campaign_t *c = rules_campaign_at(rules, i);
        if (r->campaign[0] && strcmp(c->id, r->campaign) != 0)
            continue;
        ptrs[n] = &infos[n];
        rc = fill_campaign(c, today, &d, &infos[n]);
        n++;
    }
    if (rc == 0) {
        Exemplar__CampaignReply cr = EXEMPLAR__CAMPAIGN_REPLY__INIT;
        cr.campaigns = ptrs;
        cr.n_campaigns = n;
        cr.today = (char *)day_format(today, today_text, sizeof(today_text));
        x->reply.body_case = EXEMPLAR__REPLY__BODY_CAMPAIGN;
        x->reply.campaign = &cr;
        rc = api_pack(x);
    }
    for (size_t i = 0; i < n; i++)
        free_campaign(&infos[i]);
    free(infos);
    free(ptrs);
    free(d.dates);
    return rc;
}

/* ---- evidence ------------------------------------------------------------ */

static int check_title(call_t *x, const char *title)
{
    const rulebook_t *b = rules_book(x->rules);
    if (rulebook_title(b, title))
        return 0;
    char codes[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < b->n_titles && used < sizeof(codes); i++) {
        int k =
            snprintf(codes + used, sizeof(codes) - used, "%s%s", i ? ", " : "", b->titles[i].code);
        if (k < 0)
            break;
        used += (size_t)k;
    }
    return api_refuse(x, -EX_EINVALID, _("title \"%.20s\" is not in the rule book; titles: %s"),
                      title, codes);
}

static int reply_evidence(call_t *x, Exemplar__Evidence **v, size_t n)
{
    Exemplar__EvidenceReply e = EXEMPLAR__EVIDENCE_REPLY__INIT;
    e.evidence = v;
    e.n_evidence = n;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_EVIDENCE;
    x->reply.evidence = &e;
    return api_pack(x);
}

int api_rules_evidence_add(call_t *x)
{
    const Exemplar__Evidence *in = x->req->evidence_add->evidence;
    if (!in)
        return api_refuse(x, -EX_EINVALID, _("evidence is required"));
    if (check_subject(x, "subject", in->subject) < 0 || check_title(x, in->title) < 0)
        return -EX_EINVALID;
    if (in->year < 1900 || in->year > 2999)
        return api_refuse(x, -EX_EINVALID, _("year must be from 1900 to 2999, not %d"),
                          (int)in->year);
    if (in->revoked || in->revocation)
        return api_refuse(x, -EX_EINVALID,
                          _("new evidence cannot be revoked; record it, then revoke it with its "
                            "revoking decision"));
    if (check_decision(x, "decision", in->decision, true) < 0)
        return -EX_EINVALID;
    /* A title exists once its year is over and its decision signed. */
    int32_t today = rules_today(x->rules, x->now_ms), signed_on = 0;
    char today_text[16], today_said[64], said[64]; /* days as the request's language writes them */
    day_format(today, today_text, sizeof(today_text));
    day_parse(in->decision->date, &signed_on);
    if (signed_on > today)
        return api_refuse(x, -EX_EINVALID,
                          _("decision %s is dated %s, after today (%s): record the title once the "
                            "decision is signed, with the date it bears"),
                          in->decision->number, l10n_day(in->decision->date, said, sizeof(said)),
                          l10n_day(today_text, today_said, sizeof(today_said)));
    if (in->year >= day_year(today))
        return api_refuse(x, -EX_EINVALID,
                          _("the titles of %d cannot be recorded yet: the year has not ended "
                            "(today is %s); they are decided after its year-end review"),
                          (int)in->year, l10n_day(today_text, today_said, sizeof(today_said)));
    Exemplar__Evidence e = *in;
    Exemplar__Decision d = *in->decision;
    char *issuer = NULL, *number = NULL;
    text_normalize(d.number, 64, false, false, &number);
    text_normalize(d.issuer, DECISION_FIELD_MAX, false, false, &issuer);
    d.number = number ? number : d.number;
    d.issuer = issuer ? issuer : d.issuer;
    e.decision = &d;
    e.at_ms = x->now_ms;
    e.day = rules_today(x->rules, x->now_ms);
    put_evidence(x->txn, &e);
    Exemplar__Evidence *one = &e;
    int rc = reply_evidence(x, &one, 1);
    free(number);
    free(issuer);
    return rc;
}

int api_rules_evidence_revoke(call_t *x)
{
    const Exemplar__EvidenceRevokeRequest *r = x->req->evidence_revoke;
    if (check_subject(x, "subject", r->subject) < 0 ||
        check_decision(x, "revocation", r->revocation, true) < 0)
        return -EX_EINVALID;
    /* A revocation takes effect when its decision is signed, like the title
     * it annuls (evidence add): one dated after today is not a fact yet. */
    int32_t today = rules_today(x->rules, x->now_ms), signed_on = 0;
    char today_text[16], today_said[64], said[64]; /* days as the request's language writes them */
    day_format(today, today_text, sizeof(today_text));
    day_parse(r->revocation->date, &signed_on);
    if (signed_on > today)
        return api_refuse(x, -EX_EINVALID,
                          _("revoking decision %s is dated %s, after today (%s): revoke the title "
                            "once the decision is signed, with the date it bears"),
                          r->revocation->number, l10n_day(r->revocation->date, said, sizeof(said)),
                          l10n_day(today_text, today_said, sizeof(today_said)));
    Exemplar__Evidence *e = NULL;
    int rc = ledger_evidence_get(x->txn, r->subject, r->year, r->title, &e);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(
            x, rc, _("subject %s has no %.20s for %d to revoke (exemplarctl evidence list %s)"),
            r->subject, r->title, (int)r->year, r->subject);
    if (rc < 0)
        return rc;
    if (e->revoked) {
        exemplar__evidence__free_unpacked(e, NULL);
        return api_refuse(x, -EX_ECONFLICT, _("%s of %s for %d is already revoked"), r->title,
                          r->subject, (int)r->year);
    }
    Exemplar__Decision *saved = e->revocation;
    e->revoked = true;
    e->revocation = r->revocation;
    e->revoked_day = rules_today(x->rules, x->now_ms);
    put_evidence(x->txn, e);
    rc = reply_evidence(x, &e, 1);
    e->revocation = saved;
    exemplar__evidence__free_unpacked(e, NULL);
    return rc;
}

int api_rules_evidence_list(call_t *x)
{
    const char *subject = x->req->evidence_list->subject;
    if (check_subject(x, "subject", subject) < 0)
        return -EX_EINVALID;
    bool in = false;
    int rc = api_events_subject_in_scope(x->txn, x->actor, subject,
                                         rules_today(x->rules, x->now_ms), &in);
    if (rc < 0)
        return rc;
    if (!in)
        return api_refuse(x, -EX_EPERM,
                          _("%s acts for unit %s and reads the evidence only of subjects of its "
                            "unit's nominations; %.64s is not the subject of one"),
                          x->actor->name, x->actor->unit, subject);
    Exemplar__Evidence **v = NULL;
    size_t n = 0;
    rc = ledger_evidence_of(x->txn, subject, &v, &n);
    if (rc == 0)
        rc = reply_evidence(x, v, n);
    ledger_evidence_free(v, n);
    return rc;
}

/* ---- check --------------------------------------------------------------- */

int api_rules_check(call_t *x)
{
    uint64_t id = x->req->check->id;
    Exemplar__Nomination *n = NULL;
    if (id == 0)
        return api_refuse(x, -EX_EINVALID, _("id is required: nomination ids start at 1"));
    int rc = records_get_nomination(x->txn, id, &n);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(x, rc, _("no nomination has id %llu"), (unsigned long long)id);
    if (rc < 0)
        return rc;
    if ((rc = api_check_scope(x, n, "check")) < 0)
        goto out;
    rules_ctx_t ctx;
    nom_rules_t nr;
    rc = rules_bind(&ctx, x->rules, x->txn, n, x->now_ms, NULL, NULL, &nr, x->why, sizeof(x->why));
    if (rc < 0)
        goto out;
    criteria_result_t res;
    char text[2048];
    int met = rules_explain(&ctx, &res, text, sizeof(text));
    if (met < 0) {
        rc = met;
        goto out;
    }
    Exemplar__CriterionResult cr[CRITERIA_MAX], *crp[CRITERIA_MAX];
    for (size_t i = 0; i < res.n; i++) {
        exemplar__criterion_result__init(&cr[i]);
        crp[i] = &cr[i];
        cr[i].title = res.c[i].title;
        cr[i].title_name = (char *)res.c[i].title_name;
        cr[i].met_years = res.c[i].met;
        cr[i].n_met_years = res.c[i].n_met;
        cr[i].missing_years = res.c[i].missing;
        cr[i].n_missing_years = res.c[i].n_missing;
        cr[i].revoked_years = res.c[i].revoked;
        cr[i].n_revoked_years = res.c[i].n_revoked;
        cr[i].pending_years = res.c[i].pending;
        cr[i].n_pending_years = res.c[i].n_pending;
        cr[i].met = res.c[i].n_missing == 0;
    }
    /* Years not decided yet: shown, with the day they are due. */
    Exemplar__PendingYear py[CAMPAIGN_YEARS_MAX], *pyp[CAMPAIGN_YEARS_MAX];
    char by[CAMPAIGN_YEARS_MAX][16], day_text[16];
    for (size_t i = 0; i < res.n_pending; i++) {
        exemplar__pending_year__init(&py[i]);
        pyp[i] = &py[i];
        py[i].year = res.pending[i].year;
        py[i].decided_by = (char *)day_format(res.pending[i].decided_by, by[i], sizeof(by[i]));
        py[i].required = res.pending[i].required;
        py[i].ruleset = (char *)res.pending[i].ruleset;
    }
    Exemplar__CheckReply c = EXEMPLAR__CHECK_REPLY__INIT;
    c.id = id;
    c.met = met == 1;
    c.criteria = crp;
    c.n_criteria = res.n;
    c.text = text;
    c.pending = pyp;
    c.n_pending = res.n_pending;
    c.day = (char *)day_format(ctx.day, day_text, sizeof(day_text));
    c.recognition = res.recognition;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_CHECK;
    x->reply.check = &c;
    rc = api_pack(x);
out:
    exemplar__nomination__free_unpacked(n, NULL);
    return rc;
}

/* ---- events become evidence ---------------------------------------------- */

/* Marks revoked every evidence of subject resting on decision `number`. */
static int revoke_by_decision(store_txn_t *txn, const char *subject, const char *number,
                              Exemplar__Decision *by, int32_t day)
{
    Exemplar__Evidence **v = NULL;
    size_t n = 0;
    int rc = ledger_evidence_of(txn, subject, &v, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        Exemplar__Evidence *e = v[i];
        if (e->revoked || !e->decision || strcmp(e->decision->number, number) != 0)
            continue;
        Exemplar__Decision *saved = e->revocation;
        e->revoked = true;
        e->revocation = by;
        e->revoked_day = day;
        put_evidence(txn, e);
        e->revocation = saved;
        log_info("rules, %s of %s for %d revoked by an event (decision %s)", e->title, subject,
                 (int)e->year, number);
    }
    ledger_evidence_free(v, n);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}

int api_rules_fact_evidence(rules_t *rules, store_txn_t *txn, const Exemplar__Event *e,
                            const title_t *t, int64_t now_ms, char *why, size_t why_len)
{
    /* The checks of evidence add: a title exists once its year is over and
     * its decision signed (publish refuses such facts too; a kept fact is
     * checked again when an alias resolves it). */
    int32_t today = rules_today(rules, now_ms), signed_on = 0;
    char today_text[16], today_said[64], said[64]; /* days as the request's language writes them */
    day_format(today, today_text, sizeof(today_text));
    if (e->decision && e->decision->date[0] && day_parse(e->decision->date, &signed_on) == 0 &&
        signed_on > today) {
        snprintf(why, why_len,
                 _("event %s of %s: decision %s is dated %s, after today (%s): it becomes "
                   "evidence once the decision is signed"),
                 e->event_id, e->publisher, e->decision->number,
                 l10n_day(e->decision->date, said, sizeof(said)),
                 l10n_day(today_text, today_said, sizeof(today_said)));
        return -EX_EINVALID;
    }
    if ((int)e->year >= day_year(today)) {
        snprintf(why, why_len,
                 _("event %s of %s: the titles of %d cannot be recorded yet: the year has not "
                   "ended (today is %s)"),
                 e->event_id, e->publisher, (int)e->year,
                 l10n_day(today_text, today_said, sizeof(today_said)));
        return -EX_EINVALID;
    }
    Exemplar__Decision none = EXEMPLAR__DECISION__INIT;
    Exemplar__Evidence ev = EXEMPLAR__EVIDENCE__INIT;
    ev.subject = e->subject;
    ev.year = (int32_t)e->year;
    ev.title = (char *)t->code;
    ev.decision = e->decision ? e->decision : &none;
    ev.at_ms = now_ms;
    ev.day = today;
    put_evidence(txn, &ev);
    return txn->rc;
}

int api_rules_event_fact(void *rules, store_txn_t *txn, const Exemplar__Event *e, int64_t now_ms)
{
    const rulebook_t *b = rules_book(rules);
    Exemplar__Decision none = EXEMPLAR__DECISION__INIT;
    if (e->detail_case == EXEMPLAR__EVENT__DETAIL_DECISION_REVOKED &&
        e->decision_revoked->revoked_number[0])
        return revoke_by_decision(txn, e->subject, e->decision_revoked->revoked_number,
                                  e->decision ? e->decision : &none, rules_today(rules, now_ms));
    const char *text = titles_fact_text(e);
    if (!text || e->year < 1900 || e->year > 2999)
        return 0;
    const title_t *t = NULL;
    int rc = titles_resolve(txn, b, (int)e->year, text, &t);
    if (rc < 0)
        return rc;
    if (!t) {
        /* Never dropped unseen: kept whole, counted in stats, listed by
         * `event list --unmatched`, and made evidence when an
         * administrator maps its spelling (title-alias-add). */
        titles_keep_unmatched(txn, e);
        log_info("rules, event %s of %s names \"%s\" for %u, not a title of the catalogue: kept "
                 "unmatched (exemplarctl event list --unmatched; exemplarctl title alias add)",
                 e->event_id, e->publisher, text, e->year);
        return txn->rc;
    }
    char why[512];
    rc = api_rules_fact_evidence(rules, txn, e, t, now_ms, why, sizeof(why));
    if (rc == -EX_EINVALID) {
        /* publish checked the dates already; keep it rather than lose it */
        log_warning("rules, %s: kept unmatched", why);
        titles_keep_unmatched(txn, e);
        return txn->rc;
    }
    return rc;
}
