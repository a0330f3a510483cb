/* SPDX-License-Identifier: MIT */
/*
 * exemplar-remind: takes the daemon's reminder jobs and delivers each
 * reminder once: on the daemon's notification topic notify.<unit>, to the
 * journal, and by mail when a sendmail command and the unit's address are
 * configured.  Stateless: everything it must remember is recorded
 * in the daemon under the job's id.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "compose.h"
#include "errors.h"
#include "i18n.h"
#include "mail.h"
#include "worker.h"
#include "worker_cli.h"

#define NAME "exemplar-remind"

typedef struct {
    const char *lang;
    const char *sendmail;
    const char *from, *from_name;
    recipients_t *recipients;
    compose_contact_t contact;
    /* This run's tally for its one-line result: reminders handled, failed,
     * and the deliveries this process made per channel. */
    unsigned long done, failed, topic, journal, mail;
} remind_t;

/* Counts a channel this process delivered (not one the daemon already had). */
static void tally(unsigned long *n, bool already)
{
    if (!already)
        (*n)++;
}

static const char *const USAGE = N_(
    "Usage: exemplar-remind [OPTION]...\n"
    "Deliver the deadline reminders of exemplard: each reminder job goes out once on the\n"
    "daemon's notification topic notify.<unit>, to the journal, and by mail when --sendmail\n"
    "and the unit's address (--recipients) are known.  Runs until SIGTERM.\n"
    "\n"
    "  --api ENDPOINT        the daemon's api (default: $EXEMPLAR_API, else\n"
    "                        ipc:///run/exemplard/api.sock)\n"
    "  --server-key FILE     the daemon's CURVE public key (tcp:// endpoints)\n"
    "  --key FILE            this worker's CURVE secret key (role worker in the keys file)\n"
    "  --name NAME           the name leases are recorded under (default: remind@HOSTNAME)\n"
    "  --lang vi|en          the reminders' language (default: vi)\n"
    "  --sendmail COMMAND    a sendmail-compatible command reading the message on its\n"
    "                        standard input, e.g. \"/usr/sbin/sendmail -t -i\" (default: no mail)\n"
    "  --recipients FILE     CSV with a header row: unit,address[,name]\n"
    "  --from ADDRESS        the From: of reminder mails (default: exemplar@HOSTNAME)\n"
    "  --from-name NAME      the sender's name shown with it (e.g. the department's)\n"
    "  --web-url URL         exemplar-web's address: reminders link to the unit's page\n"
    "                        (URL/units/UNIT/plans/CAMPAIGN/PERIOD, URL/units/UNIT/nominations)\n"
    "  --office TEXT         whom a unit sends its plan to and asks (default: the plan's\n"
    "                        Department of Emulation, Commendation and Communication)\n"
    "  --lease SECONDS       how long a job is held before it is handed out again (default 60)\n"
    "  --idle MS             how often to ask when no job is ready (default 2000)\n"
    "  --once                exit when no job is ready\n"
    "  --locale-dir DIR      where the message catalogues are (default: installed)\n"
    "  --version             print the version and exit\n"
    "  -h, --help            print this help\n"
    "\n"
    "Every delivery is recorded in the daemon under the job's deterministic id before the\n"
    "job is acknowledged; a channel already recorded is not delivered again, so a worker\n"
    "killed mid-job is replaced without doubling the topic or journal reminder.  A mail\n"
    "follows RFC 5322 and MIME (Date in Vietnam time, Subject and names as RFC 2047\n"
    "encoded words, a UTF-8 text body) and carries the Message-ID <JOB-ID@exemplar>: if\n"
    "a worker dies between sendmail and\n"
    "recording it, the second copy is recognisably the same message.  A failed mail is\n"
    "reported and retried with backoff; after [workers] max_attempts it is parked\n"
    "(exemplarctl jobs --state parked; exemplarctl jobs retry ID).\n"
    "\n"
    "Exit status: 0 stopped by a signal (or --once with nothing left), 1 the daemon could\n"
    "not be used, 2 usage error.\n");

static int deliver_reminder(worker_t *w, const Exemplar__Job *job, remind_t *r)
{
    reminder_t msg = {{0}};
    if (compose_reminder_for(job, r->lang, &r->contact, &msg) < 0)
        return worker_fail(w, "job %s is not a reminder (kind %d)", job->id, (int)job->kind);
    bool already = false;
    if (!worker_delivered(w, job, "topic")) {
        Exemplar__Notification nt = EXEMPLAR__NOTIFICATION__INIT;
        nt.subject = msg.subject;
        nt.text = msg.text;
        nt.lang = (char *)r->lang;
        if (worker_deliver(w, job, "topic", "", &nt, &already) < 0)
            return -1;
        tally(&r->topic, already);
    }
    if (!worker_delivered(w, job, "journal")) {
        sd_journal_send("MESSAGE=%s", msg.subject, "PRIORITY=%d", LOG_NOTICE, "JOB_ID=%s", job->id,
                        "UNIT=%s", job->unit, "REMINDER=%s", msg.text, "SYSLOG_IDENTIFIER=" NAME,
                        NULL);
        if (worker_deliver(w, job, "journal", "", NULL, &already) < 0)
            return -1;
        tally(&r->journal, already);
    }
    const char *to = recipients_address(r->recipients, job->unit);
    if (r->sendmail && to && !worker_delivered(w, job, "mail")) {
        char err[512];
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        mail_t m = {.from = r->from,
                    .from_name = r->from_name,
                    .to = to,
                    .to_name = recipients_name(r->recipients, job->unit),
                    .job_id = job->id,
                    .subject = msg.subject,
                    .text = msg.text,
                    .date_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000};
        if (mail_send(r->sendmail, &m, err, sizeof(err)) < 0)
            return worker_fail(w, "mail to %s: %s", to, err);
        if (worker_deliver(w, job, "mail", to, NULL, &already) < 0)
            return -1;
        tally(&r->mail, already);
    }
    return 0;
}

static int do_reminder(worker_t *w, const Exemplar__Job *job, void *arg)
{
    remind_t *r = arg;
    int rc = deliver_reminder(w, job, r);
    if (rc == 0)
        r->done++;
    else
        r->failed++;
    return rc;
}

enum {
    O_LANG = 256,
    O_SENDMAIL,
    O_RECIPIENTS,
    O_FROM,
    O_LOCALE_DIR,
    O_FROM_NAME,
    O_WEB_URL,
    O_OFFICE
};

int main(int argc, char **argv)
{
    static const struct option LONGOPTS[] = {
        WORKER_LONGOPTS,
        {"lang", required_argument, NULL, O_LANG},
        {"sendmail", required_argument, NULL, O_SENDMAIL},
        {"recipients", required_argument, NULL, O_RECIPIENTS},
        {"from", required_argument, NULL, O_FROM},
        {"locale-dir", required_argument, NULL, O_LOCALE_DIR},
        {"from-name", required_argument, NULL, O_FROM_NAME},
        {"web-url", required_argument, NULL, O_WEB_URL},
        {"office", required_argument, NULL, O_OFFICE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    l10n_lang_t ui = l10n_init(); /* LANG: the language of this program\'s own lines */
    worker_opts_t opts = {0};
    worker_cli_t cli;
    worker_cli_init(&cli, NAME, "remind", &opts);
    char from[300];
    snprintf(from, sizeof(from), "exemplar@%.200s", cli.host);
    remind_t r = {.lang = "vi", .from = from};
    const char *recipients = NULL, *locale_dir = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", LONGOPTS, NULL)) != -1) {
        int common = worker_cli_option(&cli, c, optarg);
        if (common == WORKER_CLI_USAGE)
            return 2;
        if (common == WORKER_CLI_EXIT_OK)
            return 0;
        if (common)
            continue;
        switch (c) {
        case O_LANG:
            if (strcmp(optarg, "vi") != 0 && strcmp(optarg, "en") != 0)
                return worker_cli_usage(&cli, "--lang must be vi or en, not \"%s\"", optarg);
            r.lang = optarg;
            break;
        case O_SENDMAIL:
            r.sendmail = optarg;
            break;
        case O_RECIPIENTS:
            recipients = optarg;
            break;
        case O_FROM:
            if (!strchr(optarg, '@') || strpbrk(optarg, "\r\n"))
                return worker_cli_usage(&cli, "--from must be one mail address, not \"%s\"",
                                        optarg);
            r.from = optarg;
            break;
        case O_LOCALE_DIR:
            locale_dir = optarg;
            break;
        case O_FROM_NAME:
            if (strpbrk(optarg, "\r\n") || strlen(optarg) > 200)
                return worker_cli_usage(&cli, "--from-name must be one line of at most 200 bytes");
            r.from_name = optarg;
            break;
        case O_WEB_URL:
            if ((strncmp(optarg, "https://", 8) != 0 && strncmp(optarg, "http://", 7) != 0) ||
                strpbrk(optarg, " \t\r\n") || strlen(optarg) > 300)
                return worker_cli_usage(&cli,
                                        "--web-url must be an http:// or https:// address, "
                                        "not \"%s\"",
                                        optarg);
            r.contact.web_url = optarg;
            break;
        case O_OFFICE:
            if (strpbrk(optarg, "\r\n") || strlen(optarg) > 300)
                return worker_cli_usage(&cli, "--office must be one line of at most 300 bytes");
            r.contact.office = optarg;
            break;
        case 'h':
            fputs(_(USAGE), stdout);
            return 0;
        default:
            fprintf(stderr, _("Try '%s --help'.\n"), NAME);
            return 2;
        }
    }
    if (optind < argc)
        return worker_cli_usage(&cli, "unexpected argument \"%s\"", argv[optind]);
    if (worker_cli_finish(&cli) != 0)
        return 2;
    char err[512];
    if (recipients && !(r.recipients = recipients_load(recipients, err, sizeof(err)))) {
        fprintf(stderr, NAME ": %s\n", err);
        return 2;
    }
    if (recipients && !r.sendmail)
        fprintf(stderr, "%s: %s\n", NAME,
                _("warning: --recipients without --sendmail: no mail is sent"));
    /* The mails' language for the reminders; the console's (l10n) again for
     * the result line. */
    i18n_init(r.lang, locale_dir);
    static const Exemplar__JobKind KINDS[] = {EXEMPLAR__JOB_KIND__JOB_REMIND_DEADLINE,
                                              EXEMPLAR__JOB_KIND__JOB_REMIND_OVERDUE,
                                              EXEMPLAR__JOB_KIND__JOB_REMIND_STALE};
    opts.kinds = KINDS;
    opts.n_kinds = sizeof(KINDS) / sizeof(KINDS[0]);
    int rc = worker_run(&opts, do_reminder, &r);
    /* One line for whoever ran it (a shell, a timer, the journal at stop). */
    l10n_set_lang(ui);
    printf(dngettext(EX_TEXTDOMAIN,
                     "%lu reminder delivered (%lu topic, %lu journal, %lu mail), %lu failed\n",
                     "%lu reminders delivered (%lu topic, %lu journal, %lu mail), %lu failed\n",
                     r.done),
           r.done, r.topic, r.journal, r.mail, r.failed);
    recipients_free(&r.recipients);
    ex_shutdown();
    return rc;
}
