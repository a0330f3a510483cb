/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's entry point: global options, the command's own options
 * (global ones are accepted there too), dispatch through CMD_TABLE, and the
 * exit status.  Commands are rows of commands.c's table; nothing here knows
 * one by name.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ctl.h"
#include "help.h"
#include "options.h"

#define MAX_TIMEOUT_MS 3600000

/* What the command line asks besides running a command. */
typedef enum { RUN, SHOW_HELP, SHOW_VERSION } action_t;

/* getopt_long's table: the global options, then the command's. */
static size_t build_longopts(const ctl_cmd_t *cmd, struct option *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < CTL_GLOBAL_OPTIONS_COUNT && n + 1 < cap; i++, n++) {
        const ctl_opt_t *o = &CTL_GLOBAL_OPTIONS[i];
        out[n] = (struct option){o->name, o->metavar ? required_argument : no_argument, NULL,
                                 (int)o->key};
    }
    for (const ctl_cmd_opt_t *c = cmd ? cmd->opts : NULL; c && c->key && n + 1 < cap; c++, n++) {
        const ctl_opt_t *o = ctl_opt_find(c->key);
        out[n] = (struct option){o->name, o->metavar ? required_argument : no_argument, NULL,
                                 (int)o->key};
    }
    out[n] = (struct option){0};
    return n;
}

/* Applies a global option.  Returns 0, or EXIT_USAGE after reporting. */
static int apply_global(ctl_t *ctl, int key, const char *arg, action_t *action)
{
    uint64_t ms;
    switch (key) {
    case OPT_API:
        ctl->api = arg;
        return 0;
    case OPT_JSON:
        ctl->json = true;
        return 0;
    case OPT_SERVER_KEY:
        ctl->server_key_file = arg;
        return 0;
    case OPT_KEY:
        ctl->key_file = arg;
        return 0;
    case OPT_TIMEOUT:
        if (ctl_parse_u64(ctl, "--timeout", arg, 1, &ms))
            return EXIT_USAGE;
        if (ms > MAX_TIMEOUT_MS)
            return ctl_usage(ctl, "--timeout is at most %d ms", MAX_TIMEOUT_MS);
        ctl->timeout_ms = (int)ms;
        return 0;
    case OPT_HELP:
        *action = SHOW_HELP;
        return 0;
    case OPT_VERSION:
        *action = SHOW_VERSION;
        return 0;
    default:
        return -1; /* not a global option */
    }
}

static int bad_option(ctl_t *ctl, int rc, char *const *argv)
{
    const char *opt = argv[optind - 1];
    if (rc == ':')
        return ctl_usage(ctl, "option '%s' needs an argument", opt);
    if (optopt && strncmp(opt, "--", 2) != 0)
        return ctl_usage(ctl, "unknown option '-%c'", optopt);
    return ctl_usage(ctl, "unknown option '%s'", opt);
}

/* Reads options from argv[optind] on.  With cmd == NULL stops at the first
 * argument that is not an option (the command's name); with a command, takes
 * options anywhere and leaves the positional arguments in order at the end.
 * Returns 0 or EXIT_USAGE. */
static int parse(ctl_t *ctl, const ctl_cmd_t *cmd, int argc, char **argv, ctl_args_t *args,
                 action_t *action)
{
    struct option longopts[CTL_OPTIONS_COUNT + CTL_GLOBAL_OPTIONS_COUNT + 1];
    build_longopts(cmd, longopts, sizeof longopts / sizeof longopts[0]);
    /* -o FILE is --output FILE, for the commands that take it */
    const char *shortopts = cmd ? ":ho:" : "+:h";
    int key;
    opterr = 0;
    while ((key = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (key == 'o') {
            bool takes = false;
            for (const ctl_cmd_opt_t *c = cmd->opts; c && c->key; c++)
                takes |= c->key == OPT_OUTPUT;
            if (!takes)
                return ctl_usage(ctl, "unknown option '-o'");
            key = OPT_OUTPUT;
        }
        if (key == '?' || key == ':')
            return bad_option(ctl, key, argv);
        int rc = apply_global(ctl, key, optarg, action);
        if (rc > 0)
            return rc;
        if (rc < 0) /* one of the command's options */
            args->opt[OPT_SLOT(key)] = optarg ? optarg : "";
    }
    return 0;
}

/* Unit codes are upper case in the registry (A-Z 0-9 . _ -); like state
 * names, the command line takes them in any case: "b.khcn" is B.KHCN.  The
 * text is changed in place (argv's strings are ours to change). */
static void unit_upper(const char *text)
{
    for (char *p = (char *)text; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
}

/* Parses the command's part of the line and runs it. */
static int run(ctl_t *ctl, const ctl_cmd_t *cmd, int argc, char **argv)
{
    ctl_args_t args = {0};
    action_t action = RUN;
    ctl->cmd = cmd->name;
    optind = 0; /* glibc: start a fresh scan of the new vector */
    int status = parse(ctl, cmd, argc, argv, &args, &action);
    if (status)
        return status;
    if (action == SHOW_HELP) {
        ctl_help_cmd(stdout, cmd);
        return EXIT_OK;
    }
    if (action == SHOW_VERSION) {
        printf(CTL_NAME " %s\n", EXEMPLAR_VERSION);
        return EXIT_OK;
    }
    args.argc = argc - optind;
    args.argv = argv + optind;
    unit_upper(args.opt[OPT_SLOT(OPT_UNIT)]);
    unit_upper(args.opt[OPT_SLOT(OPT_CODE)]);
    if (cmd->unit_arg && cmd->unit_arg <= args.argc)
        unit_upper(args.argv[cmd->unit_arg - 1]);
    int n = args.argc;
    if (n > cmd->max_args)
        return ctl_usage(ctl, "unexpected argument '%s' (usage: %s %s)", args.argv[cmd->max_args],
                         cmd->name, cmd->args);
    if (n < cmd->min_args)
        return ctl_usage(ctl, "missing arguments (usage: %s %s)", cmd->name, cmd->args);
    return cmd->handler(ctl, &args);
}

int main(int argc, char **argv)
{
    ctl_t ctl = {0};
    l10n_init(); /* LANG / LC_MESSAGES: the person's language for every message */
    ctl.server_key_file = getenv("EXEMPLAR_SERVER_KEY");
    ctl.key_file = getenv("EXEMPLAR_KEY");
    ctl_args_t unused = {0};
    action_t action = RUN;
    int status = parse(&ctl, NULL, argc, argv, &unused, &action);
    if (status)
        return status;
    if (action == SHOW_HELP) {
        ctl_help_all(stdout, CMD_TABLE, CMD_TABLE_COUNT);
        return EXIT_OK;
    }
    if (action == SHOW_VERSION) {
        printf(CTL_NAME " %s\n", EXEMPLAR_VERSION);
        return EXIT_OK;
    }
    if (optind >= argc) {
        ctl_usage_short(stderr, CMD_TABLE, CMD_TABLE_COUNT);
        return EXIT_USAGE;
    }
    const ctl_cmd_t *cmd = ctl_cmd_find(argv[optind]);
    if (!cmd)
        return ctl_usage(&ctl, "unknown command '%s'", argv[optind]);
    status = run(&ctl, cmd, argc - optind, argv + optind);
    ex_client_destroy(&ctl.client);
    ex_shutdown();
    return status;
}
