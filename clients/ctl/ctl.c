/* SPDX-License-Identifier: MIT */
/*
 * One run of exemplarctl (ctl.h): the connection to the daemon, made on
 * first use with the run's endpoint, timeout and CURVE keys, and the
 * reports of what went wrong, whose names and exit statuses come from the
 * one error table in proto/errors.c.  An error goes to stderr as a sentence
 * and, with --json, to stdout as the run's one JSON document.
 */
#include "ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "progress.h"

/* ---- the connection ------------------------------------------------------ */

int ctl_curve_keys(ctl_t *ctl, const ex_curve_keys_t **keys)
{
    static ex_curve_keys_t loaded;
    static bool have;
    *keys = NULL;
    const char *server = ctl->server_key_file, *key = ctl->key_file;
    if ((!server || !*server) && (!key || !*key))
        return 0;
    if (have) {
        *keys = &loaded;
        return 0;
    }
    if (!server || !*server || !key || !*key)
        return ctl_usage(ctl, "CURVE needs both --server-key FILE (the daemon's public key) and "
                              "--key FILE (your secret key), or EXEMPLAR_SERVER_KEY and "
                              "EXEMPLAR_KEY");
    char err[512];
    if (ex_curve_keys_load(server, key, &loaded, err, sizeof err) < 0)
        return ctl_fail(ctl, EX_EINVALID, err);
    have = true;
    *keys = &loaded;
    return 0;
}

ex_client_t *ctl_client(ctl_t *ctl, int *status)
{
    if (ctl->client)
        return ctl->client;
    ex_client_opts_t opts = {.endpoint = ctl->api,
                             .timeout_ms = ctl->timeout_ms,
                             .retries = ctl->retries,
                             .language =
                                 l10n_code()}; /* the daemon answers in the person's language */
    *status = ctl_curve_keys(ctl, &opts.curve);
    if (*status)
        return NULL;
    ctl->client = ex_client_new(&opts);
    if (!ctl->client) {
        const char *ep = ctl->api ? ctl->api : ex_default_endpoint();
        if (errno == ENOMEM)
            *status = ctl_fail(ctl, EX_EINTERNAL, _("out of memory"));
        else
            *status = ctl_usage(ctl, "cannot use api endpoint '%s' (%s)", ep, strerror(errno));
    }
    return ctl->client;
}

int ctl_call_status(ctl_t *ctl, int rc, Exemplar__Reply **reply)
{
    if (ex_reply_status(rc, *reply) == 0)
        return 0;
    int status = ctl_fail_call(ctl, rc, *reply);
    ex_reply_free(*reply);
    *reply = NULL;
    return status;
}

/* ---- reports -------------------------------------------------------------- */

int ctl_usage(ctl_t *ctl, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, _(fmt), ap);
    va_end(ap);
    if (ctl->cmd) {
        fprintf(stderr, CTL_NAME ": %s: %s\n", ctl->cmd, msg);
        fprintf(stderr, _("Try '%s help %s'.\n"), CTL_NAME, ctl->cmd);
    } else {
        fprintf(stderr, CTL_NAME ": %s\n", msg);
        fprintf(stderr, _("Try '%s help'.\n"), CTL_NAME);
    }
    return EXIT_USAGE;
}

/* {"code","name","message","exit"}: code is the protocol's error code (the
 * daemon's Error.code, also for errors found client-side), exit the
 * process's exit status for it.  Both are given because they differ (15
 * "unavailable" exits 7) and a script reads one or the other. */
static json_object *error_doc(int code, const char *message)
{
    json_object *e = json_object_new_object();
    json_object_object_add(e, "code", json_object_new_int(code));
    json_object_object_add(e, "name", json_object_new_string(ex_err_name(code)));
    json_object_object_add(e, "message", json_object_new_string(message));
    json_object_object_add(e, "exit", json_object_new_int(ex_err_exit_status(code)));
    return e;
}

static int report(ctl_t *ctl, int code, const char *message, json_object *extra)
{
    if (code < 0)
        code = -code;
    if (!message || !*message)
        message = _(ex_err_message(code));
    ex_progress_clear_current(); /* the message on a line of its own */
    fprintf(stderr, CTL_NAME ": %s: %s\n", ex_err_name(code), message);
    json_object *e = error_doc(code, message);
    if (extra) {
        json_object_object_foreach(extra, key, val)
        {
            json_object_object_add(e, key, json_object_get(val));
        }
        json_object_put(extra);
    }
    if (ctl->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "error", e);
        ctl_json_print(doc);
    } else {
        json_object_put(e);
    }
    return ex_err_exit_status(code);
}

int ctl_fail(ctl_t *ctl, int code, const char *message)
{
    return report(ctl, code, message, NULL);
}

int ctl_fail_local(ctl_t *ctl, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, _(fmt), ap);
    va_end(ap);
    ex_progress_clear_current();
    fprintf(stderr, CTL_NAME ": " CTL_LOCAL_IO ": %s\n", msg);
    if (ctl->json) {
        /* No protocol code: the daemon had no part in it. */
        json_object *e = json_object_new_object();
        json_object_object_add(e, "name", json_object_new_string(CTL_LOCAL_IO));
        json_object_object_add(e, "message", json_object_new_string(msg));
        json_object_object_add(e, "exit", json_object_new_int(EXIT_FAILURE_OTHER));
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "error", e);
        ctl_json_print(doc);
    }
    return EXIT_FAILURE_OTHER;
}

/* The daemon's own sentence is the best one; conflicts also say what the
 * nomination is now, for scripts that want to re-read and retry. */
static int fail_refused(ctl_t *ctl, const Exemplar__Error *err)
{
    json_object *extra = json_object_new_object();
    if (err->current_version)
        json_object_object_add(extra, "current_version",
                               json_object_new_uint64(err->current_version));
    const char *state = ex_state_name(err->current_state);
    if (state)
        json_object_object_add(extra, "current_state", json_object_new_string(state));
    return report(ctl, (int)err->code, err->message, extra);
}

int ctl_call(ctl_t *ctl, Exemplar__Request *req, Exemplar__Reply **reply)
{
    int status;
    ex_client_t *c = ctl_client(ctl, &status);
    if (!c)
        return status;
    return ctl_call_status(ctl, ex_client_call(c, req, reply), reply);
}

int ctl_fail_call(ctl_t *ctl, int rc, const Exemplar__Reply *reply)
{
    if (rc == 0 && reply && reply->error)
        return fail_refused(ctl, reply->error);
    const char *api = ctl->client ? ex_client_endpoint(ctl->client) : ex_default_endpoint();
    char msg[512];
    switch (-rc) {
    case EX_EUNAVAIL:
        if (ctl->client && ex_client_missing_socket(ctl->client)) {
            /* Nothing listens there: say where we looked and how to start
             * a daemon, at once (a missing file is not worth a timeout). */
            snprintf(msg, sizeof msg,
                     _("no daemon socket at %s; start exemplard (systemctl start exemplard, or "
                       "exemplard --state-dir DIR for a development daemon) or name its "
                       "endpoint with --api or EXEMPLAR_API"),
                     ex_client_missing_socket(ctl->client));
            break;
        }
        snprintf(msg, sizeof msg,
                 _("no answer from %s; is exemplard running there? (see --api, EXEMPLAR_API, "
                   "--timeout)"),
                 api);
        break;
    case EX_EMALFORMED:
        snprintf(msg, sizeof msg,
                 _("the answer from %s is not an exemplar reply; is that exemplard's api "
                   "endpoint?"),
                 api);
        break;
    case EX_ETOOBIG:
        snprintf(msg, sizeof msg, _("the request is larger than %d bytes; shorten the text"),
                 EX_MAX_REQUEST_BYTES);
        break;
    default:
        snprintf(msg, sizeof msg, "%s", _(ex_err_message(rc)));
        break;
    }
    return report(ctl, rc, msg, NULL);
}
