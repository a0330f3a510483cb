/* SPDX-License-Identifier: MIT */
/*
 * The command-line options every worker takes (see worker_cli.h).
 */
#include "worker_cli.h"
#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void worker_cli_init(worker_cli_t *cli, const char *prog, const char *name_prefix,
                     worker_opts_t *opts)
{
    memset(cli, 0, sizeof(*cli));
    cli->prog = prog;
    cli->opts = opts;
    snprintf(cli->host, sizeof(cli->host), "localhost");
    gethostname(cli->host, sizeof(cli->host));
    cli->host[sizeof(cli->host) - 1] = 0;
    snprintf(cli->name, sizeof(cli->name), "%s@%.100s", name_prefix, cli->host);
    opts->name = cli->name;
}

int worker_cli_usage(const worker_cli_t *cli, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cli->prog);
    vfprintf(stderr, _(fmt), ap); /* the worker's own messages, in the user's language */
    va_end(ap);
    fputc('\n', stderr);
    fprintf(stderr, _("Try '%s --help'.\n"), cli->prog);
    return 2;
}

int worker_cli_int(const char *s, long min, long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int worker_cli_option(worker_cli_t *cli, int opt, const char *arg)
{
    long v;
    switch (opt) {
    case WORKER_OPT_API:
        cli->opts->endpoint = arg;
        return 1;
    case WORKER_OPT_SERVER_KEY:
        cli->server_key = arg;
        return 1;
    case WORKER_OPT_KEY:
        cli->key = arg;
        return 1;
    case WORKER_OPT_NAME:
        cli->opts->name = arg;
        return 1;
    case WORKER_OPT_LEASE:
        if (worker_cli_int(arg, 1, 3600, &v) < 0)
            return worker_cli_usage(cli, "--lease must be 1-3600 seconds, not '%s'", arg);
        cli->opts->lease_ms = (uint32_t)v * 1000;
        return 1;
    case WORKER_OPT_IDLE:
        if (worker_cli_int(arg, 10, 3600000, &v) < 0)
            return worker_cli_usage(cli, "--idle must be 10-3600000 ms, not '%s'", arg);
        cli->opts->idle_ms = (int)v;
        return 1;
    case WORKER_OPT_ONCE:
        cli->opts->once = true;
        return 1;
    case WORKER_OPT_VERSION:
        printf("%s %s\n", cli->prog, EXEMPLAR_VERSION);
        return WORKER_CLI_EXIT_OK;
    default:
        return 0;
    }
}

int worker_cli_finish(worker_cli_t *cli)
{
    if (!!cli->server_key != !!cli->key)
        return worker_cli_usage(cli, "--server-key and --key go together (CURVE)");
    if (!cli->server_key)
        return 0;
    char err[512];
    if (ex_curve_keys_load(cli->server_key, cli->key, &cli->curve, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s: %s\n", cli->prog, err);
        return 2;
    }
    cli->opts->curve = &cli->curve;
    return 0;
}
