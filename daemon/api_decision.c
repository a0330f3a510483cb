/* SPDX-License-Identifier: MIT */
/*
 * The issued recognition decision (see api_decision.h): issuing it from a
 * closed ministry meeting, showing it and its file, and recognising its
 * annexed list through `move`.
 */
#include "api_decision.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_noms.h"
#include "audit.h"
#include "auth.h"
#include "blobs.h"
#include "council.pb-c.h"
#include "day.h"
#include "decisions.h"
#include "errors.h"
#include "i18n.h"
#include "key.h"
#include "log.h"
#include "records.h"
#include "rules.h"
#include "text.h"

#define ISSUER_MAX    256
#define SIGNER_MAX    128
#define SIGNATURE_MAX (64 * 1024)
#define PDF_MAGIC     "%PDF-"

static int meeting_of(call_t *x, uint64_t id, Exemplar__Meeting **m)
{
    uint8_t k[8];
    store_val_t v;
    key_put_u64(k, id);
    int rc = store_get(x->txn, DB_MEETINGS, k, sizeof(k), &v);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(x, rc, _("no meeting has id %llu"), (unsigned long long)id);
    if (rc < 0)
        return rc;
    *m = exemplar__meeting__unpack(NULL, v.len, v.data);
    return *m ? 0 : -EX_ESTORAGE;
}

static const Exemplar__MeetingItem *approved_item(const Exemplar__Meeting *m, uint64_t id)
{
    for (size_t i = 0; i < m->n_items; i++)
        if (m->items[i]->nomination_id == id &&
            m->items[i]->result == EXEMPLAR__MEETING_RESULT__MEETING_RESULT_APPROVED)
            return m->items[i];
    return NULL;
}

static int load_decision(call_t *x, const char *number, Exemplar__RecognitionDecision **d)
{
    int rc = decisions_get(x->txn, number, d);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(x, rc,
                          _("no decision numbered \"%.64s\" is issued; an approver issues it "
                            "with exemplarctl decision issue"),
                          number);
    return rc;
}

static int reply_decision(call_t *x, Exemplar__RecognitionDecision *d, const void *file,
                          size_t file_len, Exemplar__DecisionMove **moves, size_t n_moves)
{
    Exemplar__DecisionReply r = EXEMPLAR__DECISION_REPLY__INIT;
    r.decision = d;
    r.file.data = (uint8_t *)file;
    r.file.len = file_len;
    r.moves = moves;
    r.n_moves = n_moves;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_DECISION;
    x->reply.decision = &r;
    return api_pack(x);
}

/* Number, date, issuer and signer: each required, one line of UTF-8. */
static int check_fields(call_t *x, const Exemplar__DecisionIssueRequest *r,
                        const Exemplar__Meeting *m, char **number, char **issuer, char **name,
                        char **title)
{
    if (text_normalize(r->number, DECISIONS_NUMBER_MAX, true, false, number) < 0)
        return api_refuse(x, -EX_EINVALID,
                          _("number is required: the decision's number as signed (e.g. "
                            "1234/QĐ-BTNMT), 1-%d bytes on one line"),
                          DECISIONS_NUMBER_MAX);
    int32_t day, met, today = rules_today(x->rules, x->now_ms);
    char d1[16], d2[16];
    if (day_parse(r->date, &day) < 0)
        return api_refuse(x, -EX_EINVALID,
                          _("date must be the day the decision was signed, YYYY-MM-DD, not "
                            "\"%.40s\""),
                          r->date);
    if (day > today)
        return api_refuse(x, -EX_EINVALID,
                          _("decision %s is dated %s, after today (%s): issue it once signed, "
                            "with the date it bears"),
                          *number, r->date, day_format(today, d1, sizeof(d1)));
    if (day_parse(m->day, &met) == 0 && day < met)
        return api_refuse(x, -EX_EINVALID,
                          _("decision %s is dated %s, before meeting %llu (%s) that reviewed "
                            "its nominations"),
                          *number, r->date, (unsigned long long)m->id,
                          day_format(met, d2, sizeof(d2)));
    if (text_normalize(r->issuer, ISSUER_MAX, true, false, issuer) < 0)
        return api_refuse(x, -EX_EINVALID,
                          _("issuer is required: who issues the decision (e.g. Bộ trưởng Bộ Tài "
                            "nguyên và Môi trường), 1-%d bytes on one line"),
                          ISSUER_MAX);
    if (!r->signer || text_normalize(r->signer->name, SIGNER_MAX, true, false, name) < 0 ||
        text_normalize(r->signer->title, SIGNER_MAX, true, false, title) < 0)
        return api_refuse(x, -EX_EINVALID,
                          _("signer is required: the name and the title of who signed (e.g. KT. "
                            "BỘ TRƯỞNG, THỨ TRƯỞNG), each 1-%d bytes on one line"),
                          SIGNER_MAX);
    return 0;
}

/* The issued file: a PDF by its content, within the request size. */
static int check_file(call_t *x, const Exemplar__DecisionIssueRequest *r)
{
    if (r->file.len < sizeof(PDF_MAGIC) - 1 ||
        memcmp(r->file.data, PDF_MAGIC, sizeof(PDF_MAGIC) - 1) != 0)
        return api_refuse(x, -EX_EINVALID,
                          _("file must be the issued decision as a PDF (its bytes start with "
                            "%%PDF-); %zu bytes were sent that are not one"),
                          r->file.len);
    if (r->file.len > x->cfg->max_message_bytes)
        return api_refuse(x, -EX_EINVALID,
                          _("file is %zu bytes, more than the %zu a request carries "
                            "([api] max_message_bytes)"),
                          r->file.len, x->cfg->max_message_bytes);
    if (r->signature.len > SIGNATURE_MAX)
        return api_refuse(x, -EX_EINVALID, _("signature must be at most %d bytes, not %zu"),
                          SIGNATURE_MAX, r->signature.len);
    return 0;
}

/* The annexed list: the meeting's approved nominations, or the subset
 * asked for, each approved there and named once. */
static int annex(call_t *x, const Exemplar__DecisionIssueRequest *r, const Exemplar__Meeting *m,
                 uint64_t **out, size_t *n)
{
    *out = calloc(m->n_items ? m->n_items : 1, sizeof(**out));
    *n = 0;
    if (!*out)
        return -EX_EINTERNAL;
    if (r->n_nominations == 0) {
        for (size_t i = 0; i < m->n_items; i++)
            if (m->items[i]->result == EXEMPLAR__MEETING_RESULT__MEETING_RESULT_APPROVED)
                (*out)[(*n)++] = m->items[i]->nomination_id;
        if (*n == 0)
            return api_refuse(x, -EX_ECONFLICT,
                              _("meeting %llu approved no nomination: there is nothing to "
                                "recognize"),
                              (unsigned long long)m->id);
        return 0;
    }
    if (r->n_nominations > m->n_items)
        return api_refuse(x, -EX_EINVALID,
                          _("the list names %zu nominations; meeting %llu reviewed %zu"),
                          r->n_nominations, (unsigned long long)m->id, m->n_items);
    for (size_t i = 0; i < r->n_nominations; i++) {
        uint64_t id = r->nominations[i];
        if (!approved_item(m, id))
            return api_refuse(x, -EX_EINVALID,
                              _("nomination %llu was not approved at meeting %llu: a "
                                "recognition decision lists only what the council approved"),
                              (unsigned long long)id, (unsigned long long)m->id);
        for (size_t j = 0; j < *n; j++)
            if ((*out)[j] == id)
                return api_refuse(x, -EX_EINVALID, _("nomination %llu is on the list twice"),
                                  (unsigned long long)id);
        (*out)[(*n)++] = id;
    }
    return 0;
}

int api_decision_issue(call_t *x)
{
    const Exemplar__DecisionIssueRequest *r = x->req->decision_issue;
    Exemplar__Meeting *m = NULL;
    Exemplar__RecognitionDecision *old = NULL;
    char *number = NULL, *issuer = NULL, *name = NULL, *title = NULL;
    uint64_t *list = NULL;
    size_t n_list = 0;
    int rc = meeting_of(x, r->meeting_id, &m);
    if (rc < 0)
        goto out;
    if (m->level != EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_MINISTRY) {
        rc = api_refuse(x, -EX_EINVALID,
                        _("meeting %llu is a unit council's: the Minister's recognition "
                          "decision follows a meeting of the Ministry's council"),
                        (unsigned long long)m->id);
        goto out;
    }
    if (m->state != EXEMPLAR__MEETING_STATE__MEETING_STATE_CLOSED) {
        rc = api_refuse(x, -EX_ECONFLICT,
                        _("meeting %llu is still open: a decision is issued from a closed "
                          "meeting's result; the secretary closes it with 'meeting close'"),
                        (unsigned long long)m->id);
        goto out;
    }
    if ((rc = check_fields(x, r, m, &number, &issuer, &name, &title)) < 0 ||
        (rc = check_file(x, r)) < 0 || (rc = annex(x, r, m, &list, &n_list)) < 0)
        goto out;
    rc = decisions_get(x->txn, number, &old);
    if (rc == 0) {
        rc = api_refuse(x, -EX_ECONFLICT,
                        _("decision %s is issued already (meeting %llu, dated %s); a decision "
                          "is issued once"),
                        number, (unsigned long long)old->meeting_id, old->date);
        goto out;
    }
    if (rc != -EX_ENOTFOUND)
        goto out;
    uint8_t sha[BLOBS_SHA_LEN];
    char hex[BLOBS_HEX_LEN];
    if ((rc = blobs_put(x->txn, r->file.data, r->file.len, sha)) < 0)
        goto out;
    blobs_hex(sha, hex);
    Exemplar__RecognitionDecision d = EXEMPLAR__RECOGNITION_DECISION__INIT;
    Exemplar__DecisionSigner signer = EXEMPLAR__DECISION_SIGNER__INIT;
    signer.name = name;
    signer.title = title;
    d.number = number;
    d.date = r->date;
    d.issuer = issuer;
    d.signer = &signer;
    d.meeting_id = m->id;
    d.minutes_ref = m->minutes_ref;
    d.nominations = list;
    d.n_nominations = n_list;
    d.file_sha256 = hex;
    d.file_size = r->file.len;
    d.file_type = (char *)"application/pdf";
    d.signature = r->signature;
    d.issued_by = (char *)x->actor->name;
    d.issued_ms = x->now_ms;
    decisions_put(x->txn, &d);
    log_info("council, %s issued decision %s of %s for meeting %llu: %zu nominations, file %zu "
             "bytes, SHA-256 %s",
             x->actor->name, number, r->date, (unsigned long long)m->id, n_list, r->file.len, hex);
    rc = reply_decision(x, &d, NULL, 0, NULL, 0);
out:
    if (m)
        exemplar__meeting__free_unpacked(m, NULL);
    if (old)
        exemplar__recognition_decision__free_unpacked(old, NULL);
    free(list);
    free(number);
    free(issuer);
    free(name);
    free(title);
    return rc;
}

/* The decision issued for meeting id (decisions are few: walked). */
static int decision_of_meeting(call_t *x, uint64_t id, Exemplar__RecognitionDecision **out)
{
    store_iter_t it;
    store_val_t k, v;
    *out = NULL;
    int rc = store_iter_open(x->txn, DB_DECISIONS, &it);
    if (rc < 0)
        return rc;
    for (rc = store_iter_seek(&it, NULL, 0, &k, &v); rc == 0 && !*out;
         rc = store_iter_next(&it, &k, &v)) {
        Exemplar__RecognitionDecision *d =
            exemplar__recognition_decision__unpack(NULL, v.len, v.data);
        if (!d) {
            rc = -EX_ESTORAGE;
            break;
        }
        if (d->meeting_id == id)
            *out = d;
        else
            exemplar__recognition_decision__free_unpacked(d, NULL);
    }
    store_iter_close(&it);
    if (*out)
        return 0;
    if (rc == 0 || rc == -EX_ENOTFOUND)
        return api_refuse(x, -EX_ENOTFOUND,
                          _("no decision is issued for meeting %llu yet; an approver issues it "
                            "with exemplarctl decision issue"),
                          (unsigned long long)id);
    return rc;
}

int api_decision_show(call_t *x)
{
    const Exemplar__DecisionShowRequest *r = x->req->decision_show;
    Exemplar__RecognitionDecision *d = NULL;
    int rc = !r->number[0] && r->meeting_id ? decision_of_meeting(x, r->meeting_id, &d)
                                            : load_decision(x, r->number, &d);
    if (rc == 0)
        rc = reply_decision(x, d, NULL, 0, NULL, 0);
    if (d)
        exemplar__recognition_decision__free_unpacked(d, NULL);
    return rc;
}

int api_decision_get_file(call_t *x)
{
    Exemplar__RecognitionDecision *d = NULL;
    int rc = load_decision(x, x->req->decision_get_file->number, &d);
    uint8_t sha[BLOBS_SHA_LEN];
    const void *bytes = NULL;
    size_t len = 0;
    if (rc == 0 && (blobs_unhex(d->file_sha256, sha) < 0 ||
                    (rc = blobs_get(x->txn, sha, &bytes, &len)) == -EX_ENOTFOUND)) {
        log_error("council, decision %s: its file (SHA-256 %s) is not in the blob store", d->number,
                  d->file_sha256);
        rc = -EX_ESTORAGE; /* fsck reports it too */
    }
    if (rc == 0)
        rc = reply_decision(x, d, bytes, len, NULL, 0);
    if (d)
        exemplar__recognition_decision__free_unpacked(d, NULL);
    return rc;
}

/* One listed nomination's move to recognized, through `move` itself (as a
 * meeting's result moves): the move table, window, guards, the decision
 * bound by api_decision_bind and the one write path apply. */
static int recognize_one(call_t *x, const Exemplar__RecognitionDecision *d, uint64_t id,
                         Exemplar__DecisionMove *out)
{
    exemplar__decision_move__init(out);
    out->nomination_id = id;
    Exemplar__Nomination *n = NULL;
    int rc = records_get_nomination(x->txn, id, &n);
    if (rc < 0 && rc != -EX_ENOTFOUND)
        return rc;
    char why[600];
    if (rc == -EX_ENOTFOUND) {
        snprintf(why, sizeof(why), _("no nomination has id %llu"), (unsigned long long)id);
        out->why = strdup(why);
        return out->why ? 0 : -EX_EINTERNAL;
    }
    if (n->state == EXEMPLAR__STATE__STATE_RECOGNIZED) {
        snprintf(why, sizeof(why), _("already recognized (decision %s)"),
                 n->recognition ? n->recognition->number : "-");
        exemplar__nomination__free_unpacked(n, NULL);
        out->why = strdup(why);
        return out->why ? 0 : -EX_EINTERNAL;
    }
    char reason[256];
    snprintf(reason, sizeof(reason), _("decision %s of %s (meeting %llu, minutes %s)"), d->number,
             d->date, (unsigned long long)d->meeting_id, d->minutes_ref);
    Exemplar__Decision given = EXEMPLAR__DECISION__INIT;
    given.number = d->number;
    Exemplar__MoveRequest mv = EXEMPLAR__MOVE_REQUEST__INIT;
    mv.id = id;
    mv.to = EXEMPLAR__STATE__STATE_RECOGNIZED;
    mv.expected_version = n->version;
    mv.reason = reason;
    mv.decision = &given;
    exemplar__nomination__free_unpacked(n, NULL);
    Exemplar__Request req = *x->req;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &mv;
    call_t y = *x;
    y.req = &req;
    y.out = NULL;
    y.out_len = 0;
    y.why[0] = '\0';
    Exemplar__Reply init = EXEMPLAR__REPLY__INIT;
    y.reply = init;
    rc = api_noms_move(&y);
    free(y.out);
    if (rc == -EX_ESTORAGE || rc == -EX_EINTERNAL)
        return rc;
    if (rc < 0) {
        /* in the audit list as a refused move of its own would be */
        audit_refusal(x->txn, x->actor, "move", &req, rc, y.why[0] ? y.why : ex_err_message(rc),
                      x->now_ms);
        snprintf(why, sizeof(why), "%s: %.560s", ex_err_name(rc),
                 y.why[0] ? y.why : ex_err_message(rc));
        out->why = strdup(why);
        return out->why ? 0 : -EX_EINTERNAL;
    }
    out->moved = true;
    out->why = strdup("");
    return out->why ? 0 : -EX_EINTERNAL;
}

int api_decision_recognize(call_t *x)
{
    Exemplar__RecognitionDecision *d = NULL;
    int rc = load_decision(x, x->req->decision_recognize->number, &d);
    if (rc < 0)
        return rc;
    size_t n = d->n_nominations, moved = 0;
    Exemplar__DecisionMove *moves = calloc(n ? n : 1, sizeof(*moves));
    Exemplar__DecisionMove **mp = calloc(n ? n : 1, sizeof(*mp));
    if (!moves || !mp)
        rc = -EX_EINTERNAL;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        mp[i] = &moves[i];
        rc = recognize_one(x, d, d->nominations[i], &moves[i]);
        moved += moves[i].moved;
    }
    if (rc == 0) {
        x->wrote = moved > 0;
        log_info("council, %s recognized %zu of the %zu nominations of decision %s", x->actor->name,
                 moved, n, d->number);
        rc = reply_decision(x, d, NULL, 0, mp, n);
    }
    for (size_t i = 0; moves && i < n; i++)
        free(moves[i].why);
    free(moves);
    free(mp);
    exemplar__recognition_decision__free_unpacked(d, NULL);
    return rc;
}
