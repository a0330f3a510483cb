/* SPDX-License-Identifier: MIT */
/*
 * The unit's dossier of a nomination: acclamation-set, judgement-set,
 * attachment-add and attachment-get (see api_dossier.h).
 */
#include "api_dossier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blobs.h"
#include "day.h"
#include "dossier.h"
#include "names.h"
#include "log.h"
#include "mediatype.h"
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

/* ---- the dossier's files ---------------------------------------------- */

#define ATTACHMENT_NAME_MAX 255 /* bytes of a file name, as most file systems allow */

/* Is part one of the rule set's dossier parts? */
static bool part_known(const ruleset_t *s, const char *part)
{
    for (size_t i = 0; i < s->n_dossier_parts; i++)
        if (strcmp(s->dossier_parts[i], part) == 0)
            return true;
    return false;
}

static void parts_text(const ruleset_t *s, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->n_dossier_parts; i++) {
        int k = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", s->dossier_parts[i]);
        if (k < 0 || (size_t)k >= len - used)
            break;
        used += (size_t)k;
    }
}

/* A file name as the officer's machine had it: one line of UTF-8 text
 * without a directory (a path would say where it came from, nothing
 * more).  NULL when it is not one. */
static char *file_name(const char *given)
{
    char *name = NULL;
    if (text_normalize(given, ATTACHMENT_NAME_MAX, true, false, &name) < 0)
        return NULL;
    if (!name[0] || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        free(name);
        return NULL;
    }
    return name;
}

int api_dossier_attachment_add(call_t *x)
{
    const Exemplar__AttachmentAddRequest *r = x->req->attachment_add;
    Exemplar__Nomination *n = NULL;
    const ruleset_t *set = NULL;
    int rc = load(x, r->nomination_id, "attach", &n, &set);
    if (rc < 0)
        return rc;
    char parts[256], type[128] = "";
    char *name = NULL;
    uint64_t limit = config_attachment_limit(x->cfg);
    const char *part = r->part ? r->part : "";
    parts_text(set, parts, sizeof(parts));
    if (!part_known(set, part)) {
        rc = api_refuse(x, -EX_EINVALID, _("rule set %s has no dossier part %.40s; its parts: %s"),
                        set->id, part, parts);
    } else if (!(name = file_name(r->filename))) {
        rc = api_refuse(x, -EX_EINVALID,
                        _("a file needs its name: 1 to %d bytes of UTF-8 text on one line, "
                          "without a directory"),
                        ATTACHMENT_NAME_MAX);
    } else if (r->content.len == 0) {
        rc = api_refuse(x, -EX_EINVALID, _("file %s is empty: send the file itself"), name);
    } else if (r->content.len > limit) {
        rc = api_refuse(x, -EX_ETOOBIG,
                        _("file %s is %llu KiB, more than the %llu KiB a dossier file may be "
                          "([dossier] max_attachment_mib, within [api] max_message_bytes): "
                          "scan it at a lower resolution or split it"),
                        name, (unsigned long long)(r->content.len + 1023) / 1024,
                        (unsigned long long)limit / 1024);
    } else if ((rc = mediatype_detect(r->content.data, r->content.len, type, sizeof(type))) < 0) {
        rc = api_refuse(x, rc, _("the type of file %s cannot be read here (see the daemon's log)"),
                        name);
    } else if (!mediatype_accepted(type)) {
        /* the name says nothing: a text file renamed .pdf is still text */
        rc = api_refuse(x, -EX_EINVALID,
                        _("file %s is %s by its content; a dossier takes %s files only"), name,
                        type, MEDIATYPE_ACCEPTED);
    }
    Exemplar__Dossier fresh, *stored = NULL;
    if (rc == 0)
        rc = dossier_of(x, n->id, &fresh, &stored);
    uint8_t sha[BLOBS_SHA_LEN];
    if (rc == 0)
        rc = blobs_put(x->txn, r->content.data, r->content.len, sha);
    if (rc == 0) {
        Exemplar__Dossier *d = stored ? stored : &fresh;
        Exemplar__Attachment a = EXEMPLAR__ATTACHMENT__INIT;
        a.part = (char *)part;
        a.filename = name;
        a.media_type = type;
        a.size = r->content.len;
        a.sha256.data = sha;
        a.sha256.len = sizeof(sha);
        a.version = 1;
        for (size_t i = 0; i < d->n_attachments; i++)
            if (strcmp(d->attachments[i]->part, part) == 0 &&
                d->attachments[i]->version >= a.version)
                a.version = d->attachments[i]->version + 1;
        a.uploaded_by = (char *)x->actor->name;
        a.uploaded_ms = x->now_ms;
        /* Every version stays: the list grows by one. */
        Exemplar__Attachment **list = calloc(d->n_attachments + 1, sizeof(*list));
        if (!list) {
            rc = -EX_EINTERNAL;
        } else {
            if (d->n_attachments)
                memcpy(list, d->attachments, d->n_attachments * sizeof(*list));
            list[d->n_attachments] = &a;
            Exemplar__Attachment **old = d->attachments;
            size_t n_old = d->n_attachments;
            d->attachments = list;
            d->n_attachments = n_old + 1;
            dossier_put(x->txn, d);
            char hex[BLOBS_HEX_LEN];
            blobs_hex(sha, hex);
            log_info("dossier, %s attached %s version %u to nomination %llu: %s, %s, %llu bytes, "
                     "sha256 %s",
                     x->actor->name, part, a.version, (unsigned long long)n->id, name, type,
                     (unsigned long long)a.size, hex);
            rc = reply(x, d);
            d->attachments = old;
            d->n_attachments = n_old;
            free(list);
        }
    }
    free(name);
    if (stored)
        exemplar__dossier__free_unpacked(stored, NULL);
    exemplar__nomination__free_unpacked(n, NULL);
    return rc;
}

int api_dossier_attachment_get(call_t *x)
{
    const Exemplar__AttachmentGetRequest *r = x->req->attachment_get;
    if (r->nomination_id == 0)
        return api_refuse(x, -EX_EINVALID,
                          _("nomination_id is required: nomination ids start at 1"));
    Exemplar__Nomination *n = NULL;
    int rc = records_get_nomination(x->txn, r->nomination_id, &n);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(x, rc, _("no nomination has id %llu"),
                          (unsigned long long)r->nomination_id);
    if (rc < 0)
        return rc;
    rc = api_check_scope(x, n, "read");
    Exemplar__Dossier fresh = EXEMPLAR__DOSSIER__INIT, *stored = NULL;
    if (rc == 0)
        rc = dossier_of(x, n->id, &fresh, &stored);
    Exemplar__Dossier *d = stored ? stored : &fresh;
    Exemplar__AttachmentReply out = EXEMPLAR__ATTACHMENT_REPLY__INIT;
    const char *part = r->part ? r->part : "";
    if (rc == 0 && part[0]) {
        const Exemplar__Attachment *found = NULL;
        uint32_t latest = 0;
        for (size_t i = 0; i < d->n_attachments; i++) {
            const Exemplar__Attachment *a = d->attachments[i];
            if (strcmp(a->part, part) != 0)
                continue;
            if (a->version > latest)
                latest = a->version;
            if (r->version ? a->version == r->version : (!found || a->version > found->version))
                found = a;
        }
        const void *bytes = NULL;
        size_t len = 0;
        if (!found && !latest)
            rc = api_refuse(x, -EX_ENOTFOUND, _("nomination %llu has no file for part %.40s"),
                            (unsigned long long)n->id, part);
        else if (!found)
            rc = api_refuse(x, -EX_ENOTFOUND,
                            _("part %.40s of nomination %llu has versions 1 to %u, not %u"), part,
                            (unsigned long long)n->id, latest, r->version);
        else if (found->sha256.len != BLOBS_SHA_LEN ||
                 (rc = blobs_get(x->txn, found->sha256.data, &bytes, &len)) < 0) {
            log_error("dossier, the file of part %s version %u of nomination %llu is missing "
                      "from the store (run fsck)",
                      part, found->version, (unsigned long long)n->id);
            rc = -EX_ESTORAGE;
        } else {
            out.attachment = (Exemplar__Attachment *)found;
            out.content.data = (uint8_t *)bytes;
            out.content.len = len;
        }
    }
    if (rc == 0) {
        out.dossier = d;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_ATTACHMENT;
        x->reply.attachment = &out;
        rc = api_pack(x);
    }
    if (stored)
        exemplar__dossier__free_unpacked(stored, NULL);
    exemplar__nomination__free_unpacked(n, NULL);
    return rc;
}
