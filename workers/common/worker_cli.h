/* SPDX-License-Identifier: MIT */
/*
 * The command-line options every worker takes (the daemon's endpoint, CURVE
 * keys, the lease's name and length, polling): one getopt_long table part
 * and one parser, so exemplar-remind and exemplar-summary spell and check
 * them alike.
 */
#ifndef EXEMPLAR_WORKER_CLI_H
#define EXEMPLAR_WORKER_CLI_H

#include <getopt.h>

#include "worker.h"

enum {
    WORKER_OPT_API = 1000,
    WORKER_OPT_SERVER_KEY,
    WORKER_OPT_KEY,
    WORKER_OPT_NAME,
    WORKER_OPT_LEASE,
    WORKER_OPT_IDLE,
    WORKER_OPT_ONCE,
    WORKER_OPT_VERSION,
};

/* worker_cli_option's results besides 0 (not a common option) and 1. */
#define WORKER_CLI_USAGE   2 /* a usage error was printed: exit 2 */
#define WORKER_CLI_EXIT_OK 3 /* --version was printed: exit 0 */

/* The common entries of a getopt_long table. */
#define WORKER_LONGOPTS                                                                            \
    {"api", required_argument, NULL, WORKER_OPT_API},                                              \
        {"server-key", required_argument, NULL, WORKER_OPT_SERVER_KEY},                            \
        {"key", required_argument, NULL, WORKER_OPT_KEY},                                          \
        {"name", required_argument, NULL, WORKER_OPT_NAME},                                        \
        {"lease", required_argument, NULL, WORKER_OPT_LEASE},                                      \
        {"idle", required_argument, NULL, WORKER_OPT_IDLE},                                        \
        {"once", no_argument, NULL, WORKER_OPT_ONCE},                                              \
    {                                                                                              \
        "version", no_argument, NULL, WORKER_OPT_VERSION                                           \
    }

typedef struct {
    const char *prog; /* for messages */
    worker_opts_t *opts;
    const char *server_key, *key;
    ex_curve_keys_t curve;
    char host[256]; /* this machine's name */
    char name[128]; /* the default name: PREFIX@HOSTNAME */
} worker_cli_t;

/* Starts with opts->name = PREFIX@HOSTNAME. */
void worker_cli_init(worker_cli_t *cli, const char *prog, const char *name_prefix,
                     worker_opts_t *opts);

/* Applies one of the common options.  Returns 1 when it was one, 0 when it
 * is not, WORKER_CLI_USAGE (2, the exit status) after a usage error was
 * printed, or WORKER_CLI_EXIT_OK after printing "PROG VERSION" for
 * --version (then the program exits 0). */
int worker_cli_option(worker_cli_t *cli, int opt, const char *arg);

/* After the options: --server-key and --key together, the keys loaded.
 * Returns 0, or 2 after printing why. */
int worker_cli_finish(worker_cli_t *cli);

/* Prints "PROG: message" and "Try 'PROG --help'."; returns 2. */
__attribute__((format(printf, 2, 3))) int worker_cli_usage(const worker_cli_t *cli, const char *fmt,
                                                           ...);

/* A decimal in [min, max]: 0 with *out, or -1. */
int worker_cli_int(const char *s, long min, long max, long *out);

#endif
