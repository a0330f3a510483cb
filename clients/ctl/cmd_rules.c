/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's commands for the plan's rules: units (list,
 * import, export), campaign show, evidence (add, revoke, list) and check.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_rules.h"
#include "output.h"
#include "unitcsv.h"
#include "vitext.h"

#define CSV_MAX_BYTES (4 << 20)

/* ---- units --------------------------------------------------------------- */

static json_object *json_unit(const Exemplar__Unit *u)
{
    json_object *o = json_object_new_object(), *m = json_object_new_array();
    json_object_object_add(o, "code", ctl_json_str(u->code));
    json_object_object_add(o, "name", ctl_json_str(u->name));
    json_object_object_add(o, "name_en", ctl_json_str(u->name_en));
    json_object_object_add(o, "valid_from", ctl_json_str(u->valid_from));
    json_object_object_add(o, "valid_to", ctl_json_str(u->valid_to));
    for (size_t i = 0; i < u->n_merged_from; i++)
        json_object_array_add(m, ctl_json_str(u->merged_from[i]));
    json_object_object_add(o, "merged_from", m);
    json_object_object_add(o, "kind", ctl_json_str(u->kind));
    json_object_object_add(o, "successor", ctl_json_str(u->successor));
    json_object_object_add(o, "successor_from", ctl_json_str(u->successor_from));
    json_object *ads = json_object_new_array();
    for (size_t i = 0; i < u->n_addressees; i++) {
        const Exemplar__Addressee *ad = u->addressees[i];
        json_object *x = json_object_new_object();
        json_object_object_add(x, "name", ctl_json_str(ad->name));
        json_object_object_add(x, "valid_from", ctl_json_str(ad->valid_from));
        json_object_object_add(x, "valid_to", ctl_json_str(ad->valid_to));
        json_object_object_add(x, "source", ctl_json_str(ad->source));
        json_object_array_add(ads, x);
    }
    json_object_object_add(o, "addressees", ads);
    json_object_object_add(o, "source", ctl_json_str(u->source));
    return o;
}

/* The office that acts for u on day (YYYY-MM-DD; empty: its latest one),
 * else the unit's name.  Dates compare as strings. */
static const char *addressee_on(const Exemplar__Unit *u, const char *day)
{
    if (!day || !day[0])
        return u->n_addressees ? u->addressees[u->n_addressees - 1]->name : u->name;
    for (size_t i = 0; i < u->n_addressees; i++) {
        const Exemplar__Addressee *a = u->addressees[i];
        if ((!a->valid_from[0] || strcmp(a->valid_from, day) <= 0) &&
            (!a->valid_to[0] || strcmp(day, a->valid_to) <= 0))
            return a->name;
    }
    return u->name;
}

static int by_vietnamese_name(const void *a, const void *b)
{
    const Exemplar__Unit *x = *(Exemplar__Unit *const *)a, *y = *(Exemplar__Unit *const *)b;
    int r = vitext_compare(x->name, y->name);
    return r ? r : strcmp(x->code, y->code);
}

static int units_list(ctl_t *ctl, const ctl_args_t *a, bool csv)
{
    Exemplar__UnitsListRequest body = EXEMPLAR__UNITS_LIST_REQUEST__INIT;
    const char *code = a->opt[OPT_SLOT(OPT_CODE)], *name = a->opt[OPT_SLOT(OPT_NAME)];
    const char *on = a->opt[OPT_SLOT(OPT_ON)];
    body.code = (char *)(code ? code : "");
    body.name_contains = (char *)(name ? name : "");
    body.on = (char *)(on ? on : "");
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_UNITS_LIST;
    req.units_list = &body;
    Exemplar__Reply *reply = NULL;
    int status = ctl_call(ctl, &req, &reply);
    if (status)
        return status;
    Exemplar__UnitsReply *u = reply->units;
    if (name && u->n_units > 1)
        qsort(u->units, u->n_units, sizeof(*u->units), by_vietnamese_name);
    if (csv) {
        unitcsv_write(stdout, u->units, u->n_units);
    } else if (ctl->json) {
        json_object *arr = json_object_new_array(), *doc = json_object_new_object();
        for (size_t i = 0; i < u->n_units; i++)
            json_object_array_add(arr, json_unit(u->units[i]));
        json_object_object_add(doc, "units", arr);
        ctl_json_print(doc);
    } else {
        /* Names as the registry held them on --on's day, who took over, and
         * the office addressed on that day (without --on: its latest). */
        static const char *const HEADER[] = {N_("CODE"),        N_("FROM"),      N_("TO"),
                                             N_("MERGED FROM"), N_("SUCCESSOR"), N_("NAME"),
                                             N_("ADDRESSEE")};
        static const bool RIGHT[] = {false, false, false, false, false, false, false};
        ctl_table_t t;
        ctl_table_init(&t, 7, HEADER, RIGHT);
        for (size_t i = 0; i < u->n_units; i++) {
            const Exemplar__Unit *x = u->units[i];
            char merged[256] = "";
            size_t used = 0;
            for (size_t j = 0; j < x->n_merged_from && used < sizeof merged; j++) {
                int k = snprintf(merged + used, sizeof merged - used, "%s%s", j ? " " : "",
                                 x->merged_from[j]);
                if (k < 0)
                    break;
                used += (size_t)k;
            }
            char successor[128] = "-", from[64], to[64], since[64];
            if (x->successor[0])
                snprintf(successor, sizeof successor, _("%s from %s"), x->successor,
                         l10n_day(x->successor_from, since, sizeof since));
            const char *row[] = {x->code,
                                 l10n_day(x->valid_from, from, sizeof from),
                                 l10n_day(x->valid_to, to, sizeof to),
                                 used ? merged : "-",
                                 successor,
                                 x->name,
                                 addressee_on(x, on)};
            ctl_table_add(&t, row);
        }
        ctl_table_print(&t, stdout);
        ctl_table_deinit(&t);
    }
    ex_reply_free(reply);
    return EXIT_OK;
}

static int units_import(ctl_t *ctl, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ctl_usage(ctl, "cannot open %s (%s)", path, strerror(errno));
    char *text = malloc(CSV_MAX_BYTES + 1);
    size_t len = text ? fread(text, 1, CSV_MAX_BYTES + 1, f) : 0;
    bool bad = !text || ferror(f) || len > CSV_MAX_BYTES;
    fclose(f);
    if (bad) {
        free(text);
        return ctl_usage(ctl, "cannot read %s, or it is larger than 4 MiB", path);
    }
    Exemplar__Unit **units = NULL;
    size_t n = 0;
    char err[512];
    int rc = unitcsv_parse(text, len, path, &units, &n, err, sizeof err);
    free(text);
    if (rc < 0)
        return ctl_fail(ctl, EX_EINVALID, err);
    Exemplar__UnitsImportRequest body = EXEMPLAR__UNITS_IMPORT_REQUEST__INIT;
    body.units = units;
    body.n_units = n;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_UNITS_IMPORT;
    req.units_import = &body;
    Exemplar__Reply *reply = NULL;
    int status = ctl_call(ctl, &req, &reply);
    unitcsv_free(units, n);
    if (status)
        return status;
    if (ctl->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "rows", json_object_new_uint64(n));
        json_object_object_add(doc, "changed", json_object_new_uint64(reply->units->changed));
        ctl_json_print(doc);
    } else {
        printf(_("%zu rows imported, %u unit versions written (merged units closed included)\n"), n,
               reply->units->changed);
    }
    ex_reply_free(reply);
    return EXIT_OK;
}

int cmd_units(ctl_t *ctl, const ctl_args_t *a)
{
    const char *sub = a->argv[0];
    if (strcmp(sub, "list") == 0 && a->argc == 1)
        return units_list(ctl, a, false);
    if (strcmp(sub, "export") == 0 && a->argc == 1)
        return units_list(ctl, a, true);
    if (strcmp(sub, "import") == 0 && a->argc == 2)
        return units_import(ctl, a->argv[1]);
    return ctl_usage(ctl, "units takes list, import FILE.csv or export");
}

/* ---- campaign ------------------------------------------------------------ */

static json_object *json_campaign(const Exemplar__CampaignInfo *c)
{
    json_object *o = json_object_new_object(), *periods = json_object_new_array();
    json_object *ms = json_object_new_array();
    json_object_object_add(o, "id", ctl_json_str(c->id));
    json_object_object_add(o, "title", ctl_json_str(c->title));
    json_object_object_add(o, "source", ctl_json_str(c->source));
    json_object_object_add(o, "anchor", ctl_json_str(c->anchor));
    for (size_t i = 0; i < c->n_periods; i++) {
        const Exemplar__Period *p = c->periods[i];
        json_object *po = json_object_new_object(), *years = json_object_new_array();
        json_object *wins = json_object_new_array();
        json_object_object_add(po, "id", ctl_json_str(p->id));
        for (size_t y = 0; y < p->n_years; y++)
            json_object_array_add(years, json_object_new_int(p->years[y]));
        json_object_object_add(po, "years", years);
        for (size_t w = 0; w < p->n_windows; w++) {
            json_object *wo = json_object_new_object();
            json_object_object_add(wo, "name", ctl_json_str(p->windows[w]->name));
            json_object_object_add(wo, "from", ctl_json_str(p->windows[w]->from));
            json_object_object_add(wo, "to", ctl_json_str(p->windows[w]->to));
            json_object_object_add(wo, "open", json_object_new_boolean(p->windows[w]->open));
            json_object_array_add(wins, wo);
        }
        json_object_object_add(po, "windows", wins);
        json_object_array_add(periods, po);
    }
    json_object_object_add(o, "periods", periods);
    for (size_t i = 0; i < c->n_milestones; i++) {
        json_object *mo = json_object_new_object();
        json_object_object_add(mo, "name", ctl_json_str(c->milestones[i]->name));
        json_object_object_add(mo, "from", ctl_json_str(c->milestones[i]->from));
        json_object_object_add(mo, "to", ctl_json_str(c->milestones[i]->to));
        if (c->milestones[i]->deadline[0]) {
            json_object_object_add(mo, "deadline", ctl_json_str(c->milestones[i]->deadline));
            json_object_object_add(mo, "period", ctl_json_str(c->milestones[i]->period));
            json_object_object_add(mo, "due", ctl_json_str(c->milestones[i]->due));
            json_object_object_add(mo, "due_ms", json_object_new_int64(c->milestones[i]->due_ms));
        }
        json_object_array_add(ms, mo);
    }
    json_object_object_add(o, "milestones", ms);
    return o;
}

static void print_campaign(const Exemplar__CampaignInfo *c)
{
    printf("%s  %s\n", c->id, c->title);
    char anchor[64];
    if (c->anchor[0])
        printf(_("  source: %s, laid out from %s\n"), c->source,
               l10n_day(c->anchor, anchor, sizeof anchor));
    else
        printf(_("  source: %s\n"), c->source);
    for (size_t i = 0; i < c->n_periods; i++) {
        const Exemplar__Period *p = c->periods[i];
        printf(_("  period %s, years"), p->id);
        for (size_t y = 0; y < p->n_years; y++)
            printf("%s %d", y ? "," : "", p->years[y]);
        printf("\n");
        ctl_table_t t;
        ctl_table_init(&t, 4, NULL, NULL);
        for (size_t w = 0; w < p->n_windows; w++) {
            char from[64], to[64];
            const char *row[] = {
                ctl_word(p->windows[w]->name), l10n_day(p->windows[w]->from, from, sizeof from),
                l10n_day(p->windows[w]->to, to, sizeof to), p->windows[w]->open ? _("(open)") : ""};
            ctl_table_add(&t, row);
        }
        ctl_table_print_indented(&t, stdout, 4);
        ctl_table_deinit(&t);
    }
    if (c->n_milestones)
        printf(_("  milestones\n"));
    for (size_t i = 0; i < c->n_milestones; i++) {
        const Exemplar__Milestone *m = c->milestones[i];
        char from[64], to[64];
        l10n_day(m->from, from, sizeof from);
        l10n_day(m->to, to, sizeof to);
        if (strcmp(m->from, m->to) == 0)
            printf("    %s  %s\n", from, m->name);
        else
            printf("    %s - %s  %s\n", from, to, m->name);
        if (m->deadline[0]) {
            char due[64];
            printf(_("      deadline: %s for period %s, due %s (%s)\n"), ctl_word(m->deadline),
                   m->period, m->due_ms ? ctl_time(m->due_ms, due, sizeof due) : m->due,
                   l10n_zone());
        }
    }
}

int cmd_campaign(ctl_t *ctl, const ctl_args_t *a)
{
    if (strcmp(a->argv[0], "show") != 0)
        return ctl_usage(ctl, "campaign takes show [ID]");
    Exemplar__CampaignShowRequest body = EXEMPLAR__CAMPAIGN_SHOW_REQUEST__INIT;
    body.campaign = a->argc > 1 ? a->argv[1] : "";
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_CAMPAIGN_SHOW;
    req.campaign_show = &body;
    Exemplar__Reply *reply = NULL;
    int status = ctl_call(ctl, &req, &reply);
    if (status)
        return status;
    const Exemplar__CampaignReply *r = reply->campaign;
    if (ctl->json) {
        json_object *doc = json_object_new_object(), *arr = json_object_new_array();
        json_object_object_add(doc, "today", ctl_json_str(r->today));
        for (size_t i = 0; i < r->n_campaigns; i++)
            json_object_array_add(arr, json_campaign(r->campaigns[i]));
        json_object_object_add(doc, "campaigns", arr);
        ctl_json_print(doc);
    } else {
        char today[64];
        printf(_("today (the daemon's day for windows): %s\n"),
               l10n_day(r->today, today, sizeof today));
        for (size_t i = 0; i < r->n_campaigns; i++) {
            printf("\n");
            print_campaign(r->campaigns[i]);
        }
    }
    ex_reply_free(reply);
    return EXIT_OK;
}

/* ---- evidence ------------------------------------------------------------ */

static json_object *json_decision(const Exemplar__Decision *d)
{
    if (!d)
        return NULL;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "number", ctl_json_str(d->number));
    json_object_object_add(o, "date", ctl_json_str(d->date));
    json_object_object_add(o, "issuer", ctl_json_str(d->issuer));
    return o;
}

static void print_evidence(ctl_t *ctl, const Exemplar__EvidenceReply *r)
{
    if (ctl->json) {
        json_object *doc = json_object_new_object(), *arr = json_object_new_array();
        for (size_t i = 0; i < r->n_evidence; i++) {
            const Exemplar__Evidence *e = r->evidence[i];
            json_object *o = json_object_new_object();
            json_object_object_add(o, "subject", ctl_json_str(e->subject));
            json_object_object_add(o, "year", json_object_new_int(e->year));
            json_object_object_add(o, "title", ctl_json_str(e->title));
            json_object_object_add(o, "decision", json_decision(e->decision));
            json_object_object_add(o, "revoked", json_object_new_boolean(e->revoked));
            json_object_object_add(o, "revocation", json_decision(e->revocation));
            json_object_array_add(arr, o);
        }
        json_object_object_add(doc, "evidence", arr);
        ctl_json_print(doc);
        return;
    }
    static const char *const HEADER[] = {N_("SUBJECT"), N_("YEAR"),   N_("TITLE"),  N_("DECISION"),
                                         N_("DATE"),    N_("ISSUER"), N_("REVOKED")};
    static const bool RIGHT[] = {false, true, false, false, false, false, false};
    ctl_table_t t;
    ctl_table_init(&t, 7, HEADER, RIGHT);
    for (size_t i = 0; i < r->n_evidence; i++) {
        const Exemplar__Evidence *e = r->evidence[i];
        char year[16], revoked[200] = "-", rday[64], day[64];
        snprintf(year, sizeof year, "%d", (int)e->year);
        if (e->revoked)
            snprintf(revoked, sizeof revoked, _("revoked by %s of %s"),
                     e->revocation ? e->revocation->number : "?",
                     e->revocation ? l10n_day(e->revocation->date, rday, sizeof rday) : "?");
        const char *row[] = {e->subject,
                             year,
                             e->title,
                             e->decision ? e->decision->number : "-",
                             e->decision ? l10n_day(e->decision->date, day, sizeof day) : "-",
                             e->decision && e->decision->issuer[0] ? e->decision->issuer : "-",
                             revoked};
        ctl_table_add(&t, row);
    }
    ctl_table_print(&t, stdout);
    ctl_table_deinit(&t);
}

int cmd_evidence(ctl_t *ctl, const ctl_args_t *a)
{
    const char *sub = a->argv[0];
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__Evidence ev = EXEMPLAR__EVIDENCE__INIT;
    Exemplar__EvidenceAddRequest add = EXEMPLAR__EVIDENCE_ADD_REQUEST__INIT;
    Exemplar__EvidenceRevokeRequest rev = EXEMPLAR__EVIDENCE_REVOKE_REQUEST__INIT;
    Exemplar__EvidenceListRequest list = EXEMPLAR__EVIDENCE_LIST_REQUEST__INIT;
    Exemplar__Decision decision;
    uint64_t year = 0;
    bool add_or_revoke = strcmp(sub, "add") == 0 || strcmp(sub, "revoke") == 0;
    if (strcmp(sub, "list") == 0 && a->argc == 2) {
        list.subject = a->argv[1];
        req.body_case = EXEMPLAR__REQUEST__BODY_EVIDENCE_LIST;
        req.evidence_list = &list;
    } else if (add_or_revoke && a->argc == 4) {
        int status = ctl_parse_u64(ctl, N_("YEAR"), a->argv[2], 1900, &year);
        if (status)
            return status;
        if (year > 2999)
            return ctl_usage(ctl, "YEAR must be at most 2999");
        if (!ctl_decision(a, &decision))
            return ctl_usage(ctl, "--decision NUMBER and --decision-date DATE are required");
        const char *rid = a->opt[OPT_SLOT(OPT_REQUEST_ID)];
        if (rid && (status = ctl_parse_u64(ctl, "--request-id", rid, 1, &req.request_id)))
            return status;
        if (sub[0] == 'a') {
            ev.subject = a->argv[1];
            ev.year = (int32_t)year;
            ev.title = a->argv[3];
            ev.decision = &decision;
            add.evidence = &ev;
            req.body_case = EXEMPLAR__REQUEST__BODY_EVIDENCE_ADD;
            req.evidence_add = &add;
        } else {
            rev.subject = a->argv[1];
            rev.year = (int32_t)year;
            rev.title = a->argv[3];
            rev.revocation = &decision;
            req.body_case = EXEMPLAR__REQUEST__BODY_EVIDENCE_REVOKE;
            req.evidence_revoke = &rev;
        }
    } else {
        return ctl_usage(ctl, "evidence takes add SUBJECT YEAR TITLE, revoke SUBJECT YEAR TITLE "
                              "or list SUBJECT");
    }
    Exemplar__Reply *reply = NULL;
    int status = ctl_call(ctl, &req, &reply);
    if (status)
        return status;
    print_evidence(ctl, reply->evidence);
    ex_reply_free(reply);
    return EXIT_OK;
}

/* ---- check --------------------------------------------------------------- */

int cmd_check(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id;
    int status = ctl_parse_u64(ctl, N_("the nomination id"), a->argv[0], 1, &id);
    if (status)
        return status;
    Exemplar__CheckRequest body = EXEMPLAR__CHECK_REQUEST__INIT;
    body.id = id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_CHECK;
    req.check = &body;
    Exemplar__Reply *reply = NULL;
    if ((status = ctl_call(ctl, &req, &reply)) != 0)
        return status;
    const Exemplar__CheckReply *c = reply->check;
    if (ctl->json) {
        json_object *doc = json_object_new_object(), *arr = json_object_new_array();
        json_object_object_add(doc, "id", json_object_new_uint64(c->id));
        json_object_object_add(doc, "met", json_object_new_boolean(c->met));
        for (size_t i = 0; i < c->n_criteria; i++) {
            const Exemplar__CriterionResult *r = c->criteria[i];
            json_object *o = json_object_new_object();
            json_object *met = json_object_new_array(), *missing = json_object_new_array();
            json_object *revoked = json_object_new_array();
            json_object_object_add(o, "title", ctl_json_str(r->title));
            json_object_object_add(o, "title_name", ctl_json_str(r->title_name));
            json_object_object_add(o, "met", json_object_new_boolean(r->met));
            for (size_t y = 0; y < r->n_met_years; y++)
                json_object_array_add(met, json_object_new_int(r->met_years[y]));
            for (size_t y = 0; y < r->n_missing_years; y++)
                json_object_array_add(missing, json_object_new_int(r->missing_years[y]));
            for (size_t y = 0; y < r->n_revoked_years; y++)
                json_object_array_add(revoked, json_object_new_int(r->revoked_years[y]));
            json_object *pending = json_object_new_array();
            for (size_t y = 0; y < r->n_pending_years; y++)
                json_object_array_add(pending, json_object_new_int(r->pending_years[y]));
            json_object_object_add(o, "met_years", met);
            json_object_object_add(o, "missing_years", missing);
            json_object_object_add(o, "revoked_years", revoked);
            json_object_object_add(o, "pending_years", pending);
            json_object_array_add(arr, o);
        }
        json_object_object_add(doc, "criteria", arr);
        /* years whose titles are not decided yet on the day judged */
        json_object *pend = json_object_new_array();
        for (size_t i = 0; i < c->n_pending; i++) {
            const Exemplar__PendingYear *p = c->pending[i];
            json_object *o = json_object_new_object();
            json_object_object_add(o, "year", json_object_new_int(p->year));
            json_object_object_add(o, "decided_by", ctl_json_str(p->decided_by));
            json_object_object_add(o, "required_for_recognition",
                                   json_object_new_boolean(p->required));
            json_object_object_add(o, "ruleset", ctl_json_str(p->ruleset));
            json_object_array_add(pend, o);
        }
        json_object_object_add(doc, "pending", pend);
        json_object_object_add(doc, "day", ctl_json_str(c->day));
        json_object_object_add(doc, "for", ctl_json_str(c->recognition ? "recognition" : "review"));
        json_object_object_add(doc, "text", ctl_json_str(c->text));
        ctl_json_print(doc);
    } else {
        printf("%s\n", c->text);
    }
    status = c->met ? EXIT_OK : EXIT_REFUSED;
    ex_reply_free(reply);
    return status;
}

/* ---- title aliases ---------------------------------------------------------- */

static void print_aliases(ctl_t *ctl, const Exemplar__TitleAliasReply *r, bool added)
{
    if (ctl->json) {
        json_object *doc = json_object_new_object(), *arr = json_object_new_array();
        for (size_t i = 0; i < r->n_aliases; i++) {
            const Exemplar__TitleAlias *x = r->aliases[i];
            json_object *o = json_object_new_object();
            json_object_object_add(o, "spelling", ctl_json_str(x->spelling));
            json_object_object_add(o, "title", ctl_json_str(x->title));
            json_object_object_add(o, "ruleset", ctl_json_str(x->ruleset));
            json_object_object_add(o, "added_by", ctl_json_str(x->added_by));
            json_object_object_add(o, "at_ms", json_object_new_int64(x->at_ms));
            json_object_array_add(arr, o);
        }
        json_object_object_add(doc, "aliases", arr);
        json_object_object_add(doc, "resolved", json_object_new_uint64(r->resolved));
        json_object_object_add(doc, "unmatched", json_object_new_uint64(r->unmatched));
        json_object *refused = json_object_new_array();
        for (size_t i = 0; i < r->n_refused; i++)
            json_object_array_add(refused, ctl_json_str(r->refused[i]));
        json_object_object_add(doc, "refused", refused);
        ctl_json_print(doc);
        return;
    }
    static const char *const HEADER[] = {N_("SPELLING"), N_("TITLE"), N_("RULE SET"),
                                         N_("ADDED BY"), N_("ADDED")};
    static const bool RIGHT[] = {false, false, false, false, false};
    ctl_table_t t;
    ctl_table_init(&t, 5, HEADER, RIGHT);
    for (size_t i = 0; i < r->n_aliases; i++) {
        const Exemplar__TitleAlias *x = r->aliases[i];
        char at[64];
        const char *row[] = {x->spelling, x->title, x->ruleset[0] ? x->ruleset : "-", x->added_by,
                             ctl_time(x->at_ms, at, sizeof at)};
        ctl_table_add(&t, row);
    }
    ctl_table_print(&t, stdout);
    ctl_table_deinit(&t);
    if (!added)
        return;
    printf(_("kept facts now evidence: %" PRIu32 "; still unmatched: %" PRIu32 "\n"), r->resolved,
           r->unmatched);
    for (size_t i = 0; i < r->n_refused; i++)
        printf(_("not evidence yet: %s\n"), r->refused[i]);
}

int cmd_title(ctl_t *ctl, const ctl_args_t *a)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__TitleAliasAddRequest add = EXEMPLAR__TITLE_ALIAS_ADD_REQUEST__INIT;
    Exemplar__TitleAliasListRequest list = EXEMPLAR__TITLE_ALIAS_LIST_REQUEST__INIT;
    bool adding = a->argc == 4 && strcmp(a->argv[1], "add") == 0;
    if (strcmp(a->argv[0], "alias") != 0)
        return ctl_usage(ctl, "unknown title action '%s' (alias add or alias list)", a->argv[0]);
    if (adding) {
        add.spelling = a->argv[2];
        add.title = a->argv[3];
        const char *set = a->opt[OPT_SLOT(OPT_RULESET)];
        add.ruleset = (char *)(set ? set : "");
        const char *rid = a->opt[OPT_SLOT(OPT_REQUEST_ID)];
        int status;
        if (rid && (status = ctl_parse_u64(ctl, "--request-id", rid, 1, &req.request_id)))
            return status;
        req.body_case = EXEMPLAR__REQUEST__BODY_TITLE_ALIAS_ADD;
        req.title_alias_add = &add;
    } else if (a->argc == 2 && strcmp(a->argv[1], "list") == 0) {
        req.body_case = EXEMPLAR__REQUEST__BODY_TITLE_ALIAS_LIST;
        req.title_alias_list = &list;
    } else {
        return ctl_usage(ctl, "title takes alias add SPELLING CODE or alias list");
    }
    Exemplar__Reply *reply = NULL;
    int status = ctl_call(ctl, &req, &reply);
    if (status)
        return status;
    print_aliases(ctl, reply->title_alias, adding);
    ex_reply_free(reply);
    return EXIT_OK;
}
