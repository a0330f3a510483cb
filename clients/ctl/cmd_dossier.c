/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl acclaim ID --date D --present N --in-favour M
 * exemplarctl judge ID CRITERION met|not-met --reason TEXT
 * exemplarctl dossier report ID [-o FILE] [--lang vi|en] [--document FILE]
 * (see cmd_dossier.h).
 */
#include "cmd_dossier.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "achievement.h"

#include "i18n.h"
#include "pbjson.h"

/* A request id from --request-id, or 0 to let the library choose. */
static int parse_request_id(ctl_t *ctl, const ctl_args_t *a, uint64_t *id)
{
    *id = 0;
    const char *text = a->opt[OPT_SLOT(OPT_REQUEST_ID)];
    return text ? ctl_parse_u64(ctl, "--request-id", text, 1, id) : 0;
}

/* Prints the dossier a request answered with. */
static int put_dossier(ctl_t *ctl, Exemplar__Reply *reply)
{
    const Exemplar__Dossier *d = reply->dossier ? reply->dossier->dossier : NULL;
    if (!d) {
        ex_reply_free(reply);
        return ctl_fail_local(ctl, "%s", _("the daemon's answer holds no dossier"));
    }
    if (ctl->json) {
        ctl_json_print(pbjson_from_message(&d->base));
        ex_reply_free(reply);
        return EXIT_OK;
    }
    printf(_("nomination %llu\n"), (unsigned long long)d->nomination_id);
    const Exemplar__Acclamation *ac = d->acclamation;
    if (ac)
        printf(_("  acclaimed at the meeting of %s: %u of %u present in favour (recorded by %s)\n"),
               ac->date, ac->in_favour, ac->present, ac->recorded_by);
    else
        printf("  %s\n", _("no acclamation recorded"));
    for (size_t i = 0; i < d->n_judgements; i++) {
        const Exemplar__Judgement *j = d->judgements[i];
        printf("  %s: %s (%s)\n", j->criterion, j->met ? _("met") : _("not met"), j->reason);
    }
    ex_reply_free(reply);
    return EXIT_OK;
}

int cmd_acclaim(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id = 0, request_id = 0, present = 0, in_favour = 0;
    const char *date = a->opt[OPT_SLOT(OPT_DATE)];
    const char *p = a->opt[OPT_SLOT(OPT_PRESENT)], *f = a->opt[OPT_SLOT(OPT_IN_FAVOUR)];
    if (!date || !p || !f)
        return ctl_usage(ctl, "%s",
                         _("acclaim ID needs --date YYYY-MM-DD --present N --in-favour M: the "
                           "review meeting's day, the members present and those in favour"));
    int status = ctl_parse_u64(ctl, N_("the nomination id"), a->argv[0], 1, &id);
    if (!status)
        status = ctl_parse_u64(ctl, "--present", p, 1, &present);
    if (!status)
        status = ctl_parse_u64(ctl, "--in-favour", f, 0, &in_favour);
    if (!status && (present > UINT32_MAX || in_favour > UINT32_MAX))
        status = ctl_usage(ctl, "%s", _("--present and --in-favour are counts of members"));
    if (!status)
        status = parse_request_id(ctl, a, &request_id);
    ex_client_t *c = status ? NULL : ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__Reply *reply = NULL;
    int rc =
        ex_acclamation_set(c, request_id, id, date, (uint32_t)present, (uint32_t)in_favour, &reply);
    if ((status = ctl_call_status(ctl, rc, &reply)) != 0)
        return status;
    return put_dossier(ctl, reply);
}

int cmd_judge(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id = 0, request_id = 0;
    const char *verdict = a->argv[2], *reason = a->opt[OPT_SLOT(OPT_REASON)];
    int status = ctl_parse_u64(ctl, N_("the nomination id"), a->argv[0], 1, &id);
    if (!status && strcmp(verdict, "met") != 0 && strcmp(verdict, "not-met") != 0)
        status = ctl_usage(ctl, _("the judgement is met or not-met, not \"%s\""), verdict);
    if (!status && (!reason || !reason[0]))
        status = ctl_usage(ctl, "%s", _("judge needs the unit's reason: --reason TEXT"));
    if (!status)
        status = parse_request_id(ctl, a, &request_id);
    ex_client_t *c = status ? NULL : ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__Reply *reply = NULL;
    int rc = ex_judgement_set(c, request_id, id, a->argv[1], strcmp(verdict, "met") == 0, reason,
                              &reply);
    if ((status = ctl_call_status(ctl, rc, &reply)) != 0)
        return status;
    return put_dossier(ctl, reply);
}

/* One read request of the report's: 0 with *reply, or the exit status. */
static int ask(ctl_t *ctl, Exemplar__Request *req, Exemplar__Reply **reply)
{
    return ctl_call(ctl, req, reply);
}

/* dossier report ID: the draft achievement report, from the nomination,
 * its subject's titles, its check and its dossier (achievement.h). */
static int dossier_report(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id = 0;
    if (a->argc != 2)
        return ctl_usage(ctl, "%s", _("dossier report ID [-o FILE] [--lang vi|en]"));
    const char *out = a->opt[OPT_SLOT(OPT_OUTPUT)], *lang_text = a->opt[OPT_SLOT(OPT_LANG)];
    const char *doc_file = a->opt[OPT_SLOT(OPT_DOCUMENT)];
    sr_lang_t lang = SR_VI; /* filed in Vietnamese unless --lang en */
    if (lang_text && summary_lang_parse(lang_text, &lang) < 0)
        return ctl_usage(ctl, _("--lang is vi or en, not '%s'"), lang_text);
    int status = ctl_parse_u64(ctl, N_("the nomination id"), a->argv[1], 1, &id);
    if (status)
        return status;
    summary_doc_t doc = {0};
    char err[4608] = "";
    if (doc_file && summary_doc_load(&doc, doc_file, err, sizeof err) < 0) {
        summary_doc_free(&doc);
        return ctl_usage(ctl, "%s", err);
    }
    Exemplar__Reply *got = NULL, *ev = NULL, *chk = NULL, *dos = NULL;
    Exemplar__GetRequest g = EXEMPLAR__GET_REQUEST__INIT;
    g.id = id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_GET;
    req.get = &g;
    status = ask(ctl, &req, &got);
    const Exemplar__Nomination *n = status ? NULL : got->nomination;
    if (!status && n->subject && n->subject[0]) {
        Exemplar__EvidenceListRequest e = EXEMPLAR__EVIDENCE_LIST_REQUEST__INIT;
        e.subject = n->subject;
        Exemplar__Request r2 = EXEMPLAR__REQUEST__INIT;
        r2.body_case = EXEMPLAR__REQUEST__BODY_EVIDENCE_LIST;
        r2.evidence_list = &e;
        status = ask(ctl, &r2, &ev);
    }
    if (!status) {
        Exemplar__CheckRequest c = EXEMPLAR__CHECK_REQUEST__INIT;
        c.id = id;
        Exemplar__Request r3 = EXEMPLAR__REQUEST__INIT;
        r3.body_case = EXEMPLAR__REQUEST__BODY_CHECK;
        r3.check = &c;
        r3.language = (char *)(lang == SR_EN ? "en" : "vi"); /* the report's, not the daemon's */
        status = ask(ctl, &r3, &chk);
    }
    if (!status) {
        Exemplar__AttachmentGetRequest d = EXEMPLAR__ATTACHMENT_GET_REQUEST__INIT;
        d.nomination_id = id;
        Exemplar__Request r4 = EXEMPLAR__REQUEST__INIT;
        r4.body_case = EXEMPLAR__REQUEST__BODY_ATTACHMENT_GET;
        r4.attachment_get = &d;
        status = ask(ctl, &r4, &dos);
    }
    if (!status) {
        achievement_t in = {
            .nomination = n,
            .evidence = ev && ev->evidence ? ev->evidence->evidence : NULL,
            .n_evidence = ev && ev->evidence ? ev->evidence->n_evidence : 0,
            .check = chk ? chk->check : NULL,
            .dossier = dos && dos->attachment ? dos->attachment->dossier : NULL,
        };
        int rc;
        if (out) {
            rc = achievement_write_file(&in, lang, &doc, out, err, sizeof err);
            status = rc < 0 ? ctl_fail_local(ctl, "%s", err) : EXIT_OK;
        } else {
            rc = achievement_render_html(&in, lang, &doc, stdout);
            if (fflush(stdout) != 0 || rc < 0)
                status = ctl_fail_local(ctl, _("cannot write the output (%s)"), strerror(errno));
        }
    }
    ex_reply_free(got);
    ex_reply_free(ev);
    ex_reply_free(chk);
    ex_reply_free(dos);
    summary_doc_free(&doc);
    return status;
}

int cmd_dossier(ctl_t *ctl, const ctl_args_t *a)
{
    if (strcmp(a->argv[0], "report") == 0)
        return dossier_report(ctl, a);
    return ctl_usage(ctl, _("dossier takes report, not \"%s\""), a->argv[0]);
}
