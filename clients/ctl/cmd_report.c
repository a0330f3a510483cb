/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl report interim PERIOD | final CAMPAIGN: the interim and final
 * review reports (báo cáo sơ kết, tổng kết; ReviewReportRequest,
 * proto/summary.proto), printed as text or written in one format or all
 * four with the renderers exemplar-summary uses (workers/summary).
 */
#include "cmd_report.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errors.h"
#include "summary_render.h"

/* The text report, in the run's language. */
static void print_text(const Exemplar__ReviewReport *r)
{
    sr_lang_t lang = l10n_lang() == L10N_VI ? SR_VI : SR_EN;
    char subject[512], as_of[64];
    l10n_day(r->as_of, as_of, sizeof as_of);
    printf(_("%s, as of %s\n"), report_subject(r, lang, subject, sizeof subject), as_of);
    static const char *const HEADER[] = {N_("UNIT"),       N_("NAME"),       N_("KIND"),
                                         N_("PLANNED"),    N_("REGISTERED"), N_("FOSTERED"),
                                         N_("RECOGNIZED"), N_("REVOKED"),    N_("CARRIED OVER")};
    static const bool RIGHT[] = {false, false, false, true, true, true, true, true, true};
    ctl_table_t t;
    ctl_table_init(&t, 9, HEADER, RIGHT);
    for (size_t i = 0; i < r->n_units; i++) {
        const Exemplar__ReviewUnit *u = r->units[i];
        char n[6][24];
        const uint64_t v[] = {u->expected,   u->registered, u->fostered,
                              u->recognized, u->revoked,    u->carried_over};
        for (size_t k = 0; k < 6; k++)
            snprintf(n[k], sizeof n[k], "%" PRIu64, v[k]);
        const char *row[] = {u->unit, u->unit_name, summary_kind_label(u->kind, lang),
                             n[0],    n[1],         n[2],
                             n[3],    n[4],         n[5]};
        ctl_table_add(&t, row);
    }
    ctl_table_print(&t, stdout);
    ctl_table_deinit(&t);
    printf(_("plans late or missing: %zu   recognized: %" PRIu64 "\n"), r->n_plans,
           r->recognized_count);
}

static int write_one(ctl_t *ctl, const Exemplar__ReviewReport *r, unsigned format, sr_lang_t lang,
                     const summary_doc_t *doc, const char *out)
{
    char err[PATH_MAX + 512] = "", def[160], stem[128];
    if (format == SR_XLSX && !out) {
        snprintf(def, sizeof def, "%s.xlsx", report_file_stem(r, stem, sizeof stem));
        out = def;
    }
    if (!out) {
        int rc = format == SR_JSON  ? report_render_json(r, stdout)
                 : format == SR_CSV ? report_render_csv(r, lang, stdout)
                                    : report_render_html(r, lang, doc, stdout);
        if (fflush(stdout) != 0 || rc < 0)
            return ctl_fail_local(ctl, "cannot write the output (%s)", strerror(errno));
        return EXIT_OK;
    }
    if (report_write_file(r, format, lang, doc, out, err, sizeof err) < 0)
        return ctl_fail_local(ctl, "%s", err);
    return EXIT_OK;
}

int cmd_report(ctl_t *ctl, const ctl_args_t *a)
{
    const char *kind = a->argv[0], *span = a->argv[1];
    bool interim = strcmp(kind, "interim") == 0;
    if (!interim && strcmp(kind, "final") != 0)
        return ctl_usage(ctl, "the report is interim PERIOD or final CAMPAIGN, not '%s'", kind);
    const char *fmt = a->opt[OPT_SLOT(OPT_FORMAT)], *out = a->opt[OPT_SLOT(OPT_OUTPUT)];
    const char *lang_text = a->opt[OPT_SLOT(OPT_LANG)];
    const char *as_of = a->opt[OPT_SLOT(OPT_AS_OF)], *campaign = a->opt[OPT_SLOT(OPT_CAMPAIGN)];
    unsigned format = fmt ? summary_format_parse(fmt) : 0;
    sr_lang_t lang = SR_VI; /* the documents are filed in Vietnamese unless --lang en */
    if (fmt && !format)
        return ctl_usage(ctl, "--format is json, csv, xlsx, html or all, not '%s'", fmt);
    if (lang_text && summary_lang_parse(lang_text, &lang) < 0)
        return ctl_usage(ctl, "--lang is vi or en, not '%s'", lang_text);
    if (!interim && campaign)
        return ctl_usage(ctl, "--campaign is for interim reports: a final report names its "
                              "campaign");
    summary_doc_t doc = {0};
    const char *doc_file = a->opt[OPT_SLOT(OPT_DOCUMENT)];
    const char *doc_number = a->opt[OPT_SLOT(OPT_DOC_NUMBER)];
    const char *doc_date = a->opt[OPT_SLOT(OPT_DOC_DATE)];
    char err[PATH_MAX + 512] = "";
    if ((doc_file && summary_doc_load(&doc, doc_file, err, sizeof err) < 0) ||
        (doc_number && summary_doc_set(&doc, "number", doc_number, err, sizeof err) < 0) ||
        (doc_date && summary_doc_set(&doc, "date", doc_date, err, sizeof err) < 0)) {
        summary_doc_free(&doc);
        return ctl_usage(ctl, "%s", err);
    }
    int status = 0;
    ex_client_t *c = ctl_client(ctl, &status);
    if (!c) {
        summary_doc_free(&doc);
        return status;
    }
    Exemplar__Reply *reply = NULL;
    int rc = interim ? report_fetch(c, campaign ? campaign : "", span, as_of ? as_of : "", &reply)
                     : report_fetch(c, span, "", as_of ? as_of : "", &reply);
    if (ex_reply_status(rc, reply) != 0) {
        status = ctl_fail_call(ctl, rc, reply);
        ex_reply_free(reply);
        summary_doc_free(&doc);
        return status;
    }
    const Exemplar__ReviewReport *r = reply->review_report->report;
    if (format == SR_ALL) {
        const char *dir = out ? out : ".";
        char stem[128];
        report_file_stem(r, stem, sizeof stem);
        if (mkdir(dir, 0750) != 0 && errno != EEXIST)
            status = ctl_fail_local(ctl, "cannot make the directory %s (%s)", dir, strerror(errno));
        else if (report_write_files(r, dir, SR_ALL, lang, &doc, err, sizeof err) < 0)
            status = ctl_fail_local(ctl, "%s", err);
        else
            status = EXIT_OK;
        if (status == EXIT_OK)
            printf("%s/%s.json\n%s/%s.csv\n%s/%s.xlsx\n%s/%s.html\n", /* i18n: no words */
                   dir, stem, dir, stem, dir, stem, dir, stem);
    } else if (format) {
        status = write_one(ctl, r, format, lang, &doc, out);
    } else if (ctl->json) {
        status = write_one(ctl, r, SR_JSON, lang, NULL, NULL);
    } else {
        print_text(r);
        status = EXIT_OK;
    }
    ex_reply_free(reply);
    summary_doc_free(&doc);
    return status;
}
