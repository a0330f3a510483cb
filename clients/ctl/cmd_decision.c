/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's issued recognition decisions (council.proto): `decision
 * issue` sends the signed decision of a closed ministry meeting with its
 * PDF, `decision show` prints it, `decision get-file` writes the PDF after
 * checking its SHA-256 (libsodium) against the one the daemon stored, and
 * `decision recognize` / `recognize ID --decision N` recognize the
 * nominations of its list, the daemon taking the date and issuer from it.
 */
#include "cmd_decision.h"
#include "output.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "council.pb-c.h"
#include "errors.h"
#include "pbjson.h"

#define FILE_MAX (64u * 1024 * 1024) /* the daemon's own limit is max_message_bytes */
#define LIST_MAX 200

/* The whole of path into *data (free it); 0, or an exit status reported. */
static int read_whole(ctl_t *ctl, const char *path, uint8_t **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    *data = NULL;
    *len = 0;
    if (!f)
        return ctl_fail_local(ctl, _("cannot read %s (%s)"), path, strerror(errno));
    size_t cap = 0;
    int status = 0;
    for (;;) {
        if (*len == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            uint8_t *p = ncap <= FILE_MAX + 1 ? realloc(*data, ncap) : NULL;
            if (!p) {
                status = ctl_usage(ctl, _("%s is larger than %u bytes"), path, FILE_MAX);
                break;
            }
            *data = p;
            cap = ncap;
        }
        size_t got = fread(*data + *len, 1, cap - *len, f);
        *len += got;
        if (got == 0) {
            if (ferror(f))
                status = ctl_fail_local(ctl, _("cannot read %s (%s)"), path, strerror(errno));
            break;
        }
    }
    fclose(f);
    if (status) {
        free(*data);
        *data = NULL;
    }
    return status;
}

static void hex_of(const uint8_t *sha, char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", sha[i]);
}

static void print_decision(ctl_t *ctl, const Exemplar__DecisionReply *r)
{
    const Exemplar__RecognitionDecision *d = r->decision;
    if (ctl->json) {
        json_object *o = pbjson_from_message(&r->base);
        json_object_object_del(o, "file"); /* get-file writes the bytes to --output */
        ctl_json_print(o);
        return;
    }
    printf(_("decision %s of %s, %s\n"), d->number, d->date, d->issuer);
    if (d->signer)
        printf(_("signed by %s, %s\n"), d->signer->name, d->signer->title);
    printf(_("meeting %" PRIu64 " (minutes %s); issued by %s\n"), d->meeting_id, d->minutes_ref,
           d->issued_by);
    printf(_("file: %s, %" PRIu64 " bytes, SHA-256 %s\n"), d->file_type, d->file_size,
           d->file_sha256);
    if (d->signature.len)
        printf(_("digital signature: %zu bytes, kept and not verified\n"), d->signature.len);
    printf(_("annexed list:"));
    for (size_t i = 0; i < d->n_nominations; i++)
        printf(" %" PRIu64, d->nominations[i]);
    printf("\n");
    for (size_t i = 0; i < r->n_moves; i++) {
        const Exemplar__DecisionMove *m = r->moves[i];
        if (m->moved)
            printf(_("nomination %" PRIu64 ": recognized\n"), m->nomination_id);
        else
            printf(_("nomination %" PRIu64 ": not moved: %s\n"), m->nomination_id, m->why);
    }
}

static int decision_call(ctl_t *ctl, Exemplar__Request *req)
{
    Exemplar__Reply *r = NULL;
    int status = ctl_call(ctl, req, &r);
    if (status == 0)
        print_decision(ctl, r->decision);
    ex_reply_free(r);
    return status;
}

/* decision issue MEETING NUMBER --date D --issuer TEXT --signer NAME
 * --signer-title TITLE --file PDF [--signature FILE] [ID...] */
static int decision_issue(ctl_t *ctl, const ctl_args_t *a)
{
    const char *date = a->opt[OPT_SLOT(OPT_DATE)], *issuer = a->opt[OPT_SLOT(OPT_ISSUER)];
    const char *signer = a->opt[OPT_SLOT(OPT_SIGNER)];
    const char *title = a->opt[OPT_SLOT(OPT_SIGNER_TITLE)];
    const char *file = a->opt[OPT_SLOT(OPT_FILE)], *sig = a->opt[OPT_SLOT(OPT_SIGNATURE)];
    if (a->argc < 3 || !date || !issuer || !signer || !title || !file)
        return ctl_usage(ctl, _("decision issue MEETING NUMBER --date YYYY-MM-DD --issuer TEXT "
                                "--signer NAME --signer-title TITLE --file PDF [ID...]"));
    size_t n = (size_t)a->argc - 3;
    if (n > LIST_MAX)
        return ctl_usage(ctl, _("a decision lists at most %d nominations"), LIST_MAX);
    uint64_t meeting, ids[LIST_MAX];
    int status = ctl_parse_u64(ctl, "MEETING", a->argv[1], 1, &meeting);
    for (size_t i = 0; status == 0 && i < n; i++)
        status = ctl_parse_u64(ctl, "ID", a->argv[3 + i], 1, &ids[i]);
    uint8_t *pdf = NULL, *signature = NULL;
    size_t pdf_len = 0, sig_len = 0;
    if (status == 0)
        status = read_whole(ctl, file, &pdf, &pdf_len);
    if (status == 0 && sig)
        status = read_whole(ctl, sig, &signature, &sig_len);
    if (status == 0) {
        Exemplar__DecisionSigner s = EXEMPLAR__DECISION_SIGNER__INIT;
        s.name = (char *)signer;
        s.title = (char *)title;
        Exemplar__DecisionIssueRequest body = EXEMPLAR__DECISION_ISSUE_REQUEST__INIT;
        body.meeting_id = meeting;
        body.number = a->argv[2];
        body.date = (char *)date;
        body.issuer = (char *)issuer;
        body.signer = &s;
        body.nominations = ids;
        body.n_nominations = n;
        body.file.data = pdf;
        body.file.len = pdf_len;
        body.signature.data = signature;
        body.signature.len = sig_len;
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        req.body_case = EXEMPLAR__REQUEST__BODY_DECISION_ISSUE;
        req.decision_issue = &body;
        status = decision_call(ctl, &req);
    }
    free(pdf);
    free(signature);
    return status;
}

/* decision get-file NUMBER --output FILE: the bytes, checked against the
 * stored SHA-256 before anything is written. */
static int decision_get_file(ctl_t *ctl, const ctl_args_t *a)
{
    const char *out = a->opt[OPT_SLOT(OPT_OUTPUT)];
    if (a->argc != 2 || !out)
        return ctl_usage(ctl, _("decision get-file NUMBER --output FILE"));
    Exemplar__DecisionGetFileRequest body = EXEMPLAR__DECISION_GET_FILE_REQUEST__INIT;
    body.number = a->argv[1];
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_DECISION_GET_FILE;
    req.decision_get_file = &body;
    Exemplar__Reply *r = NULL;
    int status = ctl_call(ctl, &req, &r);
    if (status)
        return status;
    const Exemplar__DecisionReply *dr = r->decision;
    uint8_t sha[crypto_hash_sha256_BYTES];
    char hex[65];
    if (sodium_init() < 0) {
        status = ctl_fail_local(ctl, _("libsodium cannot start"));
    } else {
        crypto_hash_sha256(sha, dr->file.data, dr->file.len);
        hex_of(sha, hex);
        if (strcmp(hex, dr->decision->file_sha256) != 0 ||
            dr->file.len != dr->decision->file_size) {
            char msg[300];
            snprintf(msg, sizeof msg,
                     _("the file received for decision %s has SHA-256 %s, not the %s stored "
                       "with it: nothing was written"),
                     dr->decision->number, hex, dr->decision->file_sha256);
            status = ctl_fail(ctl, EX_ESTORAGE, msg);
        }
    }
    if (status == 0) {
        FILE *f = fopen(out, "wb");
        if (!f || fwrite(dr->file.data, 1, dr->file.len, f) != dr->file.len) {
            status = ctl_fail_local(ctl, _("cannot write %s (%s)"), out, strerror(errno));
            if (f)
                fclose(f);
        } else if (fclose(f) != 0) {
            status = ctl_fail_local(ctl, _("cannot write %s (%s)"), out, strerror(errno));
        } else if (!ctl->json) {
            printf(_("%s: %zu bytes, SHA-256 %s (checked)\n"), out, dr->file.len, hex);
        } else {
            print_decision(ctl, dr);
        }
    }
    ex_reply_free(r);
    return status;
}

int cmd_decision(ctl_t *ctl, const ctl_args_t *a)
{
    const char *sub = a->argv[0];
    if (strcmp(sub, "issue") == 0)
        return decision_issue(ctl, a);
    if (strcmp(sub, "get-file") == 0)
        return decision_get_file(ctl, a);
    if (strcmp(sub, "show") == 0 || strcmp(sub, "recognize") == 0) {
        if (a->argc != 2)
            return ctl_usage(ctl, strcmp(sub, "show") == 0 ? _("decision show NUMBER")
                                                           : _("decision recognize NUMBER"));
        Exemplar__DecisionShowRequest show = EXEMPLAR__DECISION_SHOW_REQUEST__INIT;
        Exemplar__DecisionRecognizeRequest rec = EXEMPLAR__DECISION_RECOGNIZE_REQUEST__INIT;
        show.number = rec.number = a->argv[1];
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        if (strcmp(sub, "show") == 0) {
            req.body_case = EXEMPLAR__REQUEST__BODY_DECISION_SHOW;
            req.decision_show = &show;
        } else {
            req.body_case = EXEMPLAR__REQUEST__BODY_DECISION_RECOGNIZE;
            req.decision_recognize = &rec;
        }
        return decision_call(ctl, &req);
    }
    return ctl_usage(ctl, _("decision takes issue, show, get-file or recognize, not \"%s\""), sub);
}

/* recognize ID --decision NUMBER: the move to recognized naming an issued
 * decision, whose date and issuer the daemon takes from it. */
int cmd_recognize(ctl_t *ctl, const ctl_args_t *a)
{
    const char *number = a->opt[OPT_SLOT(OPT_DECISION)];
    if (!number)
        number = a->opt[OPT_SLOT(OPT_DECISION_NUMBER)];
    uint64_t id;
    if (!number)
        return ctl_usage(ctl, _("recognize ID --decision NUMBER (an issued decision)"));
    int status = ctl_parse_u64(ctl, "ID", a->argv[0], 1, &id);
    ex_client_t *c = status ? NULL : ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__Reply *r = NULL;
    if ((status = ctl_call_status(ctl, ex_get(c, id, &r), &r)) != 0)
        return status;
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    d.number = (char *)number;
    Exemplar__MoveRequest mv = EXEMPLAR__MOVE_REQUEST__INIT;
    mv.id = id;
    mv.to = EXEMPLAR__STATE__STATE_RECOGNIZED;
    mv.expected_version = r->nomination->version;
    mv.decision = &d;
    ex_reply_free(r);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &mv;
    r = NULL;
    if ((status = ctl_call(ctl, &req, &r)) == 0) {
        if (ctl->json)
            ctl_json_print(pbjson_from_message(&r->nomination->base));
        else
            printf(
                _("nomination %" PRIu64 " recognized by decision %s of %s (version %" PRIu64 ")\n"),
                id, r->nomination->recognition ? r->nomination->recognition->number : number,
                r->nomination->recognition ? r->nomination->recognition->date : "-",
                r->nomination->version);
    }
    ex_reply_free(r);
    return status;
}
