/* SPDX-License-Identifier: MIT */
/*
 * One run of exemplarctl (ctl.c): its settings from the global options, its
 * connection to the daemon, opened on first use, and how it reports what
 * went wrong.  The bottom of exemplarctl with output.h (what it prints) and
 * options.h (what it reads from the command line): every command uses
 * these, and none of them knows a command.
 *
 * Functions that report return the process's exit status (errors.h:
 * EXIT_*); nothing here exits.
 */
#ifndef EXEMPLARCTL_CTL_H
#define EXEMPLARCTL_CTL_H

#include <stdbool.h>

#include "exemplar.h"
#include "i18n.h"

#define CTL_NAME "exemplarctl"

/* The run's settings and the connection, opened on first use. */
typedef struct {
    const char *api;             /* --api; NULL: ex_default_endpoint() */
    int timeout_ms;              /* --timeout; 0: the library's default */
    int retries;                 /* as ex_client_opts_t.retries; 0: the library's default */
    bool json;                   /* --json */
    const char *server_key_file; /* --server-key / $EXEMPLAR_SERVER_KEY (CURVE) */
    const char *key_file;        /* --key / $EXEMPLAR_KEY: this client's secret key */
    const char *cmd;             /* the command running, for messages */
    ex_client_t *client;
} ctl_t;

/* ---- the connection ------------------------------------------------------ */

/* The client for this run, connected on first use; NULL after reporting
 * the error (*status says the exit status: EXIT_USAGE for an endpoint or
 * CURVE keys that cannot be used, the internal error's without memory). */
ex_client_t *ctl_client(ctl_t *ctl, int *status);

/* The CURVE keys of this run (--server-key and --key, or the environment),
 * loaded on first use.  Returns 0 with *keys NULL when none are given, 0
 * with *keys set, or an exit status after reporting the error (EXIT_USAGE
 * when only one is given, invalid's for a file that cannot be read). */
int ctl_curve_keys(ctl_t *ctl, const ex_curve_keys_t **keys);

/* Sends req on the run's connection: 0 with *reply, or the exit status after
 * reporting the failure (then *reply is NULL). */
int ctl_call(ctl_t *ctl, Exemplar__Request *req, Exemplar__Reply **reply);

/* Checks the outcome rc of a call made with the library (ex_get, ex_list,
 * ...): 0 with *reply kept, or, after reporting the failure and freeing
 * *reply (set to NULL), the exit status. */
int ctl_call_status(ctl_t *ctl, int rc, Exemplar__Reply **reply);

/* ---- reports -------------------------------------------------------------- */

/* Usage error: fmt (a msgid, translated here) and a pointer to
 * `exemplarctl help CMD` on stderr.  Returns EXIT_USAGE. */
int ctl_usage(ctl_t *ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports an error with a code from errors.h and a sentence: on stderr as
 * "exemplarctl: <name>: <message>", with --json also on stdout as
 * {"error":{"code":N,"name":"...","message":"...","exit":S}} where N is the
 * protocol's error code and S the exit status returned. */
int ctl_fail(ctl_t *ctl, int code, const char *message);

/* Reports a failure of exemplarctl's own files (an output file or
 * directory it cannot write): name "local-io", exit status 1 (never
 * "storage", which means the daemon's store), JSON without a protocol code.
 * Returns EXIT_FAILURE_OTHER. */
#define CTL_LOCAL_IO "local-io"
int ctl_fail_local(ctl_t *ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports what went wrong with a call: the daemon's refusal (its message,
 * plus current_version/current_state in JSON) or the transport error. */
int ctl_fail_call(ctl_t *ctl, int rc, const Exemplar__Reply *reply);

#endif
