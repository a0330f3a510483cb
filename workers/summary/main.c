/* SPDX-License-Identifier: MIT */
/*
 * exemplar-summary: renders a quarter's summary into the reports
 * directory in every format (summary_write_all).
 *
 * As a service (no --quarter) it leases the daemon's "summary" jobs, one
 * per ended quarter, writes the four files, records the delivery on the
 * "file" channel and announces it on notify.ministry (the "topic" channel),
 * then acknowledges.  With --quarter it writes one quarter now and exits.
 */
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "i18n.h"
#include "summary_render.h"
#include "worker.h"
#include "worker_cli.h"

#define NAME                "exemplar-summary"
#define REPORTS_DIR_DEFAULT "/var/lib/exemplard/reports"
#define FETCH_TIMEOUT_MS    (10 * 60 * 1000) /* a first summary may build its tallies */

static const char *const USAGE =
    N_("Usage: exemplar-summary [OPTION]...\n"
       "       exemplar-summary --quarter YYYYQn [--as-of YYYY-MM-DD] [--campaign ID] [OPTION]...\n"
       "Write the quarterly summaries of exemplard as summary-YYYYQn.{json,csv,xlsx,html} into\n"
       "the reports directory.  Without --quarter it runs as a service: it takes the daemon's\n"
       "summary jobs (one after each quarter ends, [workers] summary_delay), writes the files,\n"
       "announces them on the notification topic notify.ministry and acknowledges.  After\n"
       "the quarter in which a period or the campaign ends, it also writes the interim or\n"
       "final review report as review-interim-PERIOD.* or review-final-CAMPAIGN.*.\n"
       "\n"
       "  --quarter YYYYQn      write this quarter now and exit (e.g. 2023Q3)\n"
       "  --as-of YYYY-MM-DD    with --quarter: a day inside the quarter (default: its last)\n"
       "  --campaign ID         with --quarter: one campaign only (default: every campaign)\n"
       "  --reports-dir DIR     where the files go (default /var/lib/exemplard/reports)\n"
       "  --lang vi|en          the labels of csv, xlsx, html and the announcement (default vi)\n"
       "  --document FILE       the HTML report's header and signature: an INI file whose\n"
       "                        [document] section sets the keys below\n"
       "  --doc KEY=VALUE       one of them (repeatable, after --document wins): parent (the\n"
       "                        governing body), body (the issuing body), number, symbol (after\n"
       "                        /BC-), place, date (YYYY-MM-DD, the day it is signed), subject,\n"
       "                        authority (e.g. KT. BỘ TRƯỞNG), title, signer, recipient (one\n"
       "                        line of Nơi nhận; repeatable), archive (after Lưu:)\n"
       "  --api ENDPOINT        the daemon's api (default: $EXEMPLAR_API, else\n"
       "                        ipc:///run/exemplard/api.sock)\n"
       "  --server-key FILE     the daemon's CURVE public key (tcp:// endpoints)\n"
       "  --key FILE            this worker's CURVE secret key (role worker in the keys file)\n"
       "  --name NAME           the name leases are recorded under (default: summary@HOSTNAME)\n"
       "  --lease SECONDS       how long a job is held before it is handed out again\n"
       "                        (default 600)\n"
       "  --idle MS             how often to ask when no job is ready (default 2000)\n"
       "  --once                exit when no job is ready\n"
       "  --version             print the version and exit\n"
       "  -h, --help            print this help\n"
       "\n"
       "The HTML file is a report in the form of Decree 30/2020/NĐ-CP, for A4 paper: a value\n"
       "of its header not given is printed as a blank (……) to fill in, never guessed.\n"
       "Files are written to a temporary name and renamed, so a reader never sees half a\n"
       "file; writing a quarter again gives the same numbers (the summary is computed from\n"
       "the history as of the quarter's last day).\n"
       "\n"
       "Exit status: 0 done (or stopped by a signal), 1 the daemon refused or a file could\n"
       "not be written, 2 usage error.\n");

typedef struct {
    ex_client_t *fetch; /* the summaries are fetched on their own connection */
    const char *dir;
    sr_lang_t lang;
    summary_doc_t doc;
    unsigned long done, failed; /* this run's jobs, for its one-line result */
} summary_job_t;

static int write_summary(worker_t *w, const Exemplar__Job *job, const summary_job_t *s)
{
    if (job->kind != EXEMPLAR__JOB_KIND__JOB_SUMMARY || !job->quarter[0])
        return worker_fail(w, "job %s is not a quarterly summary", job->id);
    char html[PATH_MAX];
    snprintf(html, sizeof(html), "%s/summary-%s.html", s->dir, job->quarter);
    bool already = false;
    if (!worker_delivered(w, job, "file")) {
        char err[512] = "";
        if (summary_write_all(s->fetch, job->quarter, "", "", s->dir, s->lang, &s->doc, err,
                              sizeof(err)) < 0)
            return worker_fail(w, "summary of %s: %s", job->quarter, err);
        /* The interim and final review reports due with this quarter. */
        char reports[2048];
        if (report_write_due(s->fetch, job->quarter, "", s->dir, s->lang, &s->doc, true, reports,
                             sizeof(reports), err, sizeof(err)) < 0)
            return worker_fail(w, "review reports after %s: %s", job->quarter, err);
        if (worker_deliver(w, job, "file", html, NULL, &already) < 0)
            return -1;
    }
    if (!worker_delivered(w, job, "topic")) {
        char subject[256], text[2048], label[64];
        bool vi = s->lang == SR_VI;
        summary_quarter_label(job->quarter, s->lang, label, sizeof(label));
        snprintf(subject, sizeof(subject),
                 vi ? "Báo cáo tổng hợp %s đã sẵn sàng" : "The summary of %s is ready", label);
        snprintf(text, sizeof(text),
                 vi ? "Báo cáo tổng hợp phong trào điển hình tiên tiến %s (số liệu tính đến "
                      "ngày cuối quý, từ lịch sử):\n"
                    : "The summary of the exemplar programme for %s (as of the quarter's "
                      "last day, from the history):\n",
                 label);
        static const char *const EXT[] = {"html", "xlsx", "csv", "json"};
        for (size_t i = 0; i < sizeof(EXT) / sizeof(EXT[0]); i++) {
            size_t used = strlen(text);
            snprintf(text + used, sizeof(text) - used, "  %s/summary-%s.%s\n", s->dir, job->quarter,
                     EXT[i]);
        }
        /* and the review reports written with it (listed, not written
         * again: the file delivery before this one wrote them) */
        char reports[2048], err[512];
        if (report_write_due(s->fetch, job->quarter, "", s->dir, s->lang, &s->doc, false, reports,
                             sizeof(reports), err, sizeof(err)) < 0)
            return worker_fail(w, "review reports after %s: %s", job->quarter, err);
        for (char *line = reports, *nl; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            size_t used = strlen(text);
            snprintf(text + used, sizeof(text) - used, "  %.*s\n", (int)(nl - line), line);
        }
        Exemplar__Notification nt = EXEMPLAR__NOTIFICATION__INIT;
        nt.subject = subject;
        nt.text = text;
        nt.lang = (char *)(vi ? "vi" : "en");
        nt.link = html;
        if (worker_deliver(w, job, "topic", "", &nt, &already) < 0)
            return -1;
    }
    return 0;
}

static int do_summary(worker_t *w, const Exemplar__Job *job, void *arg)
{
    summary_job_t *s = arg;
    int rc = write_summary(w, job, s);
    if (rc == 0)
        s->done++;
    else
        s->failed++;
    return rc;
}

enum { O_QUARTER = 256, O_AS_OF, O_CAMPAIGN, O_DIR, O_LANG, O_DOCUMENT, O_DOC };

int main(int argc, char **argv)
{
    static const struct option OPTS[] = {
        WORKER_LONGOPTS,
        {"quarter", required_argument, NULL, O_QUARTER},
        {"as-of", required_argument, NULL, O_AS_OF},
        {"campaign", required_argument, NULL, O_CAMPAIGN},
        {"reports-dir", required_argument, NULL, O_DIR},
        {"lang", required_argument, NULL, O_LANG},
        {"document", required_argument, NULL, O_DOCUMENT},
        {"doc", required_argument, NULL, O_DOC},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    worker_opts_t opts = {.lease_ms = 600000};
    worker_cli_t cli;
    l10n_init(); /* LANG: the language of this program's own lines */
    worker_cli_init(&cli, NAME, "summary", &opts);
    const char *quarter = NULL, *as_of = "", *campaign = "";
    summary_job_t job = {.dir = REPORTS_DIR_DEFAULT, .lang = SR_VI};
    const char *document = NULL;
    const char *docs[64];
    size_t n_docs = 0;
    char err[512] = "";
    int o;
    while ((o = getopt_long(argc, argv, "h", OPTS, NULL)) != -1) {
        int common = worker_cli_option(&cli, o, optarg);
        if (common == WORKER_CLI_USAGE)
            return 2;
        if (common == WORKER_CLI_EXIT_OK)
            return 0;
        if (common)
            continue;
        switch (o) {
        case O_QUARTER:
            quarter = optarg;
            break;
        case O_AS_OF:
            as_of = optarg;
            break;
        case O_CAMPAIGN:
            campaign = optarg;
            break;
        case O_DIR:
            job.dir = optarg;
            break;
        case O_LANG:
            if (summary_lang_parse(optarg, &job.lang) < 0)
                return worker_cli_usage(&cli, "--lang is vi or en, not '%s'", optarg);
            break;
        case O_DOCUMENT:
            document = optarg;
            break;
        case O_DOC:
            if (n_docs == sizeof(docs) / sizeof(docs[0]))
                return worker_cli_usage(&cli, "at most %zu --doc options", n_docs);
            docs[n_docs++] = optarg;
            break;
        case 'h':
            fputs(_(USAGE), stdout);
            return 0;
        default:
            fprintf(stderr, _("Try '%s --help'.\n"), NAME);
            return 2;
        }
    }
    if (optind != argc)
        return worker_cli_usage(&cli, "unexpected argument '%s'", argv[optind]);
    if (!quarter && (as_of[0] || campaign[0]))
        return worker_cli_usage(&cli, "--as-of and --campaign go with --quarter");
    if (worker_cli_finish(&cli) != 0)
        return 2;
    /* The file first, then the options, so that a --doc overrides it. */
    if (document && summary_doc_load(&job.doc, document, err, sizeof(err)) < 0) {
        summary_doc_free(&job.doc);
        return worker_cli_usage(&cli, "--document: %s", err);
    }
    for (size_t i = 0; i < n_docs; i++)
        if (summary_doc_option(&job.doc, docs[i], err, sizeof(err)) < 0) {
            summary_doc_free(&job.doc);
            return worker_cli_usage(&cli, "%s", err);
        }
    struct stat st;
    if (stat(job.dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: ", NAME);
        fprintf(stderr, _("the reports directory %s does not exist\n"), job.dir);
        summary_doc_free(&job.doc);
        return 1;
    }
    ex_client_opts_t co = {.endpoint = opts.endpoint,
                           .timeout_ms = FETCH_TIMEOUT_MS,
                           .retries = -1,
                           .curve = opts.curve};
    job.fetch = ex_client_new(&co);
    if (!job.fetch) {
        fprintf(stderr, "%s: ", NAME);
        fprintf(stderr, _("cannot use endpoint %s\n"),
                opts.endpoint ? opts.endpoint : ex_default_endpoint());
        summary_doc_free(&job.doc);
        return 1;
    }
    int rc;
    if (quarter) {
        rc = summary_write_all(job.fetch, quarter, as_of, campaign, job.dir, job.lang, &job.doc,
                               err, sizeof(err));
        char reports[2048] = "";
        if (rc < 0) {
            fprintf(stderr, "%s: ", NAME);
            fprintf(stderr, _("summary of %s: %s\n"), quarter, err);
        } else if (!as_of[0] &&
                   (rc = report_write_due(job.fetch, quarter, campaign, job.dir, job.lang, &job.doc,
                                          true, reports, sizeof(reports), err, sizeof(err))) < 0) {
            /* the reports due with the quarter, as the service writes them */
            fprintf(stderr, "%s: ", NAME);
            fprintf(stderr, _("review reports after %s: %s\n"), quarter, err);
        } else {
            printf("%s/summary-%s.{json,csv,xlsx,html}\n", job.dir, quarter); /* i18n: no words */
            fputs(reports, stdout);
        }
        rc = rc < 0 ? 1 : 0;
    } else {
        static const Exemplar__JobKind KINDS[] = {EXEMPLAR__JOB_KIND__JOB_SUMMARY};
        opts.kinds = KINDS;
        opts.n_kinds = 1;
        rc = worker_run(&opts, do_summary, &job);
        printf(dngettext(EX_TEXTDOMAIN, "%lu summary written into %s, %lu failed\n",
                         "%lu summaries written into %s, %lu failed\n", job.done),
               job.done, job.dir, job.failed);
    }
    ex_client_destroy(&job.fetch);
    summary_doc_free(&job.doc);
    ex_shutdown();
    return rc;
}
