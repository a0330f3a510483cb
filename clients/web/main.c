/* SPDX-License-Identifier: MIT */
/*
 * exemplar-web: options, the HTTP server (libmicrohttpd, a thread per
 * connection) and the signals that stop it.  The top of exemplar-web: it
 * starts the modules below it (context, session, gw, pages, live) and no
 * module calls it.
 * Exit status: 0 after SIGTERM/SIGINT or a good --check-config, 1 when the
 * configuration or the keys are wrong, 2 for a usage error.
 */
#include "context.h"
#include "gw.h"
#include "i18n.h"
#include "live.h"
#include "pages.h"
#include "session.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>

#define DEFAULT_CONFIG "/etc/exemplard/web.conf"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " WEB_NAME " [--config FILE] [--check-config] [--help] [--version]\n"
            "The web client of exemplard for unit officers, Ministry reviewers and approvers.\n"
            "  -c, --config FILE   the configuration file (default " DEFAULT_CONFIG
            "; missing: built-in defaults)\n"
            "      --check-config  read the configuration and the keys, say what is wrong, exit\n"
            "  -h, --help          this text\n"
            "      --version       the version\n"
            "See exemplar-web(8).\n");
}

int main(int argc, char **argv)
{
    static const struct option OPTS[] = {{"config", required_argument, NULL, 'c'},
                                         {"check-config", no_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"version", no_argument, NULL, 'V'},
                                         {NULL, 0, NULL, 0}};
    const char *path = NULL;
    bool check = false;
    int o;
    while ((o = getopt_long(argc, argv, "c:h", OPTS, NULL)) != -1) {
        switch (o) {
        case 'c':
            path = optarg;
            break;
        case 'k':
            check = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf(WEB_NAME " " EXEMPLAR_VERSION "\n");
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    /* The pages' Vietnamese (html.c): the catalogue is bound once, with
     * Vietnamese as the process's language; English is the msgid. */
    if (i18n_init("vi", NULL) < 0) {
        fprintf(stderr, WEB_NAME ": cannot select the Vietnamese messages\n");
        return 1;
    }
    web_config_t cfg;
    web_config_defaults(&cfg);
    char err[1024];
    if (!path && access(DEFAULT_CONFIG, F_OK) == 0)
        path = DEFAULT_CONFIG;
    if (path && web_config_load(path, &cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, WEB_NAME ": %s\n", err);
        return 1;
    }
    struct sockaddr_in sa;
    if (sodium_init() < 0) {
        fprintf(stderr, WEB_NAME ": libsodium cannot start\n");
        return 1;
    }
    if (web_listen_addr(cfg.listen, &sa, err, sizeof(err)) < 0 ||
        gw_init(&cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, WEB_NAME ": %s\n", err);
        return 1;
    }
    if (check) {
        printf("%s: configuration OK: listen %s, daemon %s\n", path ? path : "(defaults)",
               cfg.listen, cfg.api);
        gw_fini();
        ex_shutdown();
        return 0;
    }
    if (session_init(&cfg) < 0 || pages_init(&cfg) < 0) {
        fprintf(stderr, WEB_NAME ": out of memory\n");
        return 1;
    }
    if (live_start(&cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, WEB_NAME ": %s\n", err);
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the server's threads inherit it */
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, pages_handle, &cfg, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_NOTIFY_COMPLETED, pages_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)120, MHD_OPTION_CONNECTION_LIMIT, (unsigned)256, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, WEB_NAME ": cannot listen on %s (%s)\n", cfg.listen, strerror(errno));
        return 1;
    }
    printf(WEB_NAME ": listening on http://%s/ (daemon %s)\n", cfg.listen, cfg.api);
    fflush(stdout);
    int sig = 0;
    sigdelset(&set, SIGPIPE);
    sigwait(&set, &sig);
    live_stop();
    MHD_stop_daemon(d);
    session_fini();
    gw_fini();
    ex_shutdown();
    return 0;
}
