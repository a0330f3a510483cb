/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl summary QUARTER: asks the daemon for the quarter's
 * summary (SummaryRequest, proto/summary.proto) and prints it as text, or
 * writes it in one format or all four with the renderers exemplar-summary
 * uses (workers/summary/summary_render.h).
 */
#include "cmd_summary.h"
#include "output.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errors.h"
#include "summary_render.h"

/* The text summary, all in one language: the catalogue's labels and the
 * summary's own kinds and states. */
static void print_text(const Exemplar__Summary *s, sr_lang_t lang)
{
    char from[64], as_of[64];
    l10n_day(s->from, from, sizeof from);
    l10n_day(s->as_of, as_of, sizeof as_of);
    if (s->scope_unit[0])
        printf(_("Quarter %s (%s - %s), unit %s\n"), s->quarter, from, as_of, s->scope_unit);
    else
        printf(_("Quarter %s (%s - %s)\n"), s->quarter, from, as_of);
    static const char *const HEADER[] = {N_("UNIT"), N_("NAME"), N_("KIND"), N_("STATE"),
                                         N_("COUNT")};
    static const bool RIGHT[] = {false, false, false, false, true};
    ctl_table_t t;
    ctl_table_init(&t, 5, HEADER, RIGHT);
    for (size_t i = 0; i < s->n_rows; i++) {
        const Exemplar__SummaryRow *r = s->rows[i];
        char count[24];
        snprintf(count, sizeof count, "%" PRIu64, r->count);
        const char *row[] = {r->unit, r->unit_name, summary_kind_label(r->kind, lang),
                             summary_state_label(r->state, lang), count};
        ctl_table_add(&t, row);
    }
    ctl_table_print(&t, stdout);
    ctl_table_deinit(&t);
    printf(_("nominations: %" PRIu64 "   moves: %zu rows   recognized: %" PRIu64
             "   overdue units: %zu   evidence gaps: %" PRIu64 "\n"),
           s->nominations, s->n_moves, s->recognized_count, s->n_overdue, s->gap_count);
}

/* Output directories are made as `mkdir -p` would, mode 0750 (reports
 * name units and people: not for every local user).  Returns 0, or -1 with
 * errno and the directory that failed in failed. */
static int make_dirs(const char *dir, char *failed, size_t len)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        snprintf(failed, len, "%s", dir);
        return -1;
    }
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        struct stat st;
        if (mkdir(path, 0750) != 0 && errno != EEXIST) {
            snprintf(failed, len, "%s", path);
            return -1;
        }
        int bad = stat(path, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
        if (bad) {
            errno = bad;
            snprintf(failed, len, "%s", path);
            return -1;
        }
        if (saved == '\0')
            return 0;
        *p = saved;
    }
}

/* The directory a file will be written into exists (made when missing). */
static int make_parent(ctl_t *ctl, const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash || slash == file)
        return 0;
    char dir[PATH_MAX], failed[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - file), file);
    if (make_dirs(dir, failed, sizeof failed) != 0)
        return ctl_fail_local(ctl, "cannot make the directory %s (%s)", failed, strerror(errno));
    return 0;
}

/* One format into one file (or standard output).  A file is written as
 * every report is (summary_write_file: a temporary nobody else can have
 * made, mode 0640, synced and renamed over the file), into a directory made
 * when missing; failures are local-io, never the daemon's storage. */
static int write_one(ctl_t *ctl, const Exemplar__Summary *s, unsigned format, sr_lang_t lang,
                     const summary_doc_t *doc, const char *out)
{
    char err[PATH_MAX + 512] = "", def[64];
    if (format == SR_XLSX && !out) {
        snprintf(def, sizeof(def), "summary-%s.xlsx", s->quarter);
        out = def;
    }
    if (!out) {
        int rc = format == SR_JSON  ? summary_render_json(s, stdout)
                 : format == SR_CSV ? summary_render_csv(s, lang, stdout)
                                    : summary_render_html(s, lang, doc, stdout);
        if (fflush(stdout) != 0 || rc < 0)
            return ctl_fail_local(ctl, "cannot write the output (%s)", strerror(errno));
        return EXIT_OK;
    }
    int status = make_parent(ctl, out);
    if (status)
        return status;
    if (summary_write_file(s, format, lang, doc, out, err, sizeof(err)) < 0)
        return ctl_fail_local(ctl, "%s", err);
    return EXIT_OK;
}

int cmd_summary(ctl_t *ctl, const ctl_args_t *a)
{
    const char *fmt = a->opt[OPT_SLOT(OPT_FORMAT)], *out = a->opt[OPT_SLOT(OPT_OUTPUT)];
    const char *lang_text = a->opt[OPT_SLOT(OPT_LANG)];
    const char *as_of = a->opt[OPT_SLOT(OPT_AS_OF)], *campaign = a->opt[OPT_SLOT(OPT_CAMPAIGN)];
    unsigned format = fmt ? summary_format_parse(fmt) : 0;
    sr_lang_t lang = SR_VI; /* the documents are filed in Vietnamese unless --lang en */
    if (fmt && !format)
        return ctl_usage(ctl, "--format is json, csv, xlsx, html or all, not '%s'", fmt);
    if (lang_text && summary_lang_parse(lang_text, &lang) < 0)
        return ctl_usage(ctl, "--lang is vi or en, not '%s'", lang_text);
    /* The report's header: the file, then the options over it. */
    summary_doc_t doc = {0};
    const char *doc_file = a->opt[OPT_SLOT(OPT_DOCUMENT)];
    const char *doc_number = a->opt[OPT_SLOT(OPT_DOC_NUMBER)];
    const char *doc_date = a->opt[OPT_SLOT(OPT_DOC_DATE)];
    char err[512] = "";
    if ((doc_file && summary_doc_load(&doc, doc_file, err, sizeof(err)) < 0) ||
        (doc_number && summary_doc_set(&doc, "number", doc_number, err, sizeof(err)) < 0) ||
        (doc_date && summary_doc_set(&doc, "date", doc_date, err, sizeof(err)) < 0)) {
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
    int rc = summary_fetch(c, a->argv[0], as_of ? as_of : "", campaign ? campaign : "", &reply);
    if (ex_reply_status(rc, reply) != 0) {
        status = ctl_fail_call(ctl, rc, reply);
        ex_reply_free(reply);
        summary_doc_free(&doc);
        return status;
    }
    const Exemplar__Summary *s = reply->summary->summary;
    if (format == SR_ALL) {
        char failed[PATH_MAX];
        const char *dir = out ? out : ".";
        if (make_dirs(dir, failed, sizeof failed) != 0)
            status =
                ctl_fail_local(ctl, "cannot make the directory %s (%s)", failed, strerror(errno));
        else if (summary_write_files(s, dir, SR_ALL, lang, &doc, err, sizeof(err)) < 0)
            status = ctl_fail_local(ctl, "%s", err);
        else
            status = EXIT_OK;
        if (status == EXIT_OK)
            printf(
                "%s/summary-%s.json\n%s/summary-%s.csv\n%s/summary-%s.xlsx\n%s/summary-%s.html\n",
                dir, s->quarter, dir, s->quarter, dir, s->quarter, dir, s->quarter);
    } else if (format) {
        status = write_one(ctl, s, format, lang, &doc, out);
    } else if (ctl->json) {
        status = write_one(ctl, s, SR_JSON, lang, NULL, NULL);
    } else {
        /* One language per answer: the text is in --lang, else in the
         * run's language (the files stay Vietnamese by default). */
        l10n_lang_t run_lang = l10n_lang();
        sr_lang_t text_lang = lang_text ? lang : run_lang == L10N_VI ? SR_VI : SR_EN;
        l10n_set_lang(text_lang == SR_VI ? L10N_VI : L10N_EN);
        print_text(s, text_lang);
        l10n_set_lang(run_lang);
        status = EXIT_OK;
    }
    ex_reply_free(reply);
    summary_doc_free(&doc);
    return status;
}
