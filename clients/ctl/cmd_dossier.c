/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl acclaim ID --date D --present N --in-favour M
 * exemplarctl judge ID CRITERION met|not-met --reason TEXT
 * (see cmd_dossier.h).
 */
#include "cmd_dossier.h"

#include <stdio.h>
#include <string.h>

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
