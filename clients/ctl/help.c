/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's manual (help.h).  Nothing here lists commands, options,
 * states, error names or moves by hand: the pages are printed from the
 * command table the caller gives (commands.c's CMD_TABLE) and CTL_OPTIONS
 * (options.c), names.h and the error table (common/errors.c),
 * and the move table is the running daemon's (ops.proto's MovesRequest), so
 * the manual cannot drift from what the programs do.
 */
#include "help.h"

#include <stdbool.h>
#include <string.h>

#include "output.h"

#define WRAP_AT 79

/* Display columns of the len bytes at s (a Vietnamese word has more bytes
 * than columns). */
static int word_width(const char *s, int len)
{
    char word[512];
    if (len >= (int)sizeof word)
        return len;
    memcpy(word, s, (size_t)len);
    word[len] = '\0';
    return (int)l10n_width(word);
}

/* Prints text word-wrapped at WRAP_AT display columns, going on from column
 * `col` of the current line; further lines are indented by `indent`, and a
 * '\n' in text starts one. */
static void put_wrapped_at(FILE *f, int col, int indent, const char *text)
{
    bool line_start = col <= indent;
    while (*text) {
        if (*text == '\n' || *text == ' ') {
            if (*text == '\n') {
                fputc('\n', f);
                col = 0;
                line_start = true;
            }
            text++;
            continue;
        }
        int len = (int)strcspn(text, " \n");
        int width = word_width(text, len);
        if (!line_start && col + 1 + width > WRAP_AT) {
            fputc('\n', f);
            col = 0;
            line_start = true;
        }
        if (col == 0)
            col = fprintf(f, "%*s", indent, "");
        else if (!line_start)
            col += fprintf(f, " ");
        fprintf(f, "%.*s", len, text);
        col += width;
        line_start = false;
        text += len;
    }
    if (col)
        fputc('\n', f);
}

static void put_wrapped(FILE *f, int indent, const char *text)
{
    put_wrapped_at(f, 0, indent, text);
}

static void put_option(FILE *f, const ctl_opt_t *o, const char *help)
{
    if (o->key == OPT_HELP)
        fprintf(f, "    -h, --%s\n", o->name);
    else
        fprintf(f, "    --%s%s%s\n", o->name, o->metavar ? " " : "", o->metavar ? o->metavar : "");
    put_wrapped(f, 8, _(help));
}

static void put_command(FILE *f, const ctl_cmd_t *cmd)
{
    fprintf(f, "    %s%s%s\n", cmd->name, *cmd->args ? " " : "", cmd->args);
    put_wrapped(f, 8, _(cmd->summary));
    if (cmd->details)
        put_wrapped(f, 8, _(cmd->details));
    for (const ctl_cmd_opt_t *o = cmd->opts; o->key; o++) {
        const ctl_opt_t *opt = ctl_opt_find(o->key);
        fprintf(f, "        --%s%s%s\n", opt->name, opt->metavar ? " " : "",
                opt->metavar ? opt->metavar : "");
        put_wrapped(f, 12, _(o->help));
    }
    fputc('\n', f);
}

static void put_states(FILE *f)
{
    char line[1024] = "";
    size_t used = 0;
    for (int s = EX_STATE_MIN; s <= EX_STATE_MAX; s++) {
        /* The name to type, and in Vietnamese the plan's word for it. */
        const char *name = ex_state_name((Exemplar__State)s);
        const char *label = ctl_state((Exemplar__State)s);
        int n = strcmp(name, label) == 0
                    ? snprintf(line + used, sizeof line - used, "%s%s", used ? ", " : "", name)
                    : snprintf(line + used, sizeof line - used, "%s%s (%s)", used ? ", " : "", name,
                               label);
        if (n < 0 || (size_t)n >= sizeof line - used)
            break;
        used += (size_t)n;
    }
    put_wrapped(f, 4, line);
    put_wrapped(f, 4,
                _("Kinds: collective, individual. Names are case-insensitive and '_' may "
                  "stand for '-'. 'exemplarctl help moves' prints which moves between "
                  "states exist, who may make them and which need a reason."));
}

/* clang-format off */
static const struct {
    int status;
    const char *meaning;
} EXIT_TABLE[] = {
    { EXIT_OK,            N_("success") },
    { EXIT_FAILURE_OTHER, N_("the daemon refused the request as invalid, or another failure, such as a local file exemplarctl cannot write") },
    { EXIT_USAGE,         N_("the command line is wrong (the message says how; see 'exemplarctl help COMMAND')") },
    { EXIT_NOT_FOUND,     N_("no such nomination") },
    { EXIT_CONFLICT,      N_("the nomination changed since the version you expected; the message names the current version") },
    { EXIT_REFUSED,       N_("refused by the move rules: no such move, a reason is needed, the campaign window is closed, or criteria are not met") },
    { EXIT_PERMISSION,    N_("your role or unit does not allow it") },
    { EXIT_UNAVAILABLE,   N_("the daemon did not answer") },
    { EXIT_STORAGE,       N_("the daemon's storage is full or failing; nothing was written") },
};
/* clang-format on */

static void put_exit_statuses(FILE *f)
{
    for (size_t i = 0; i < sizeof EXIT_TABLE / sizeof EXIT_TABLE[0]; i++) {
        char names[256] = "";
        size_t used = 0;
        for (int code = 1; code < EX_ERR_COUNT; code++) {
            if (ex_err_exit_status(code) != EXIT_TABLE[i].status)
                continue;
            int n = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : " (",
                             ex_err_name(code));
            if (n < 0 || (size_t)n >= sizeof names - used)
                break;
            used += (size_t)n;
        }
        if (used)
            snprintf(names + used, sizeof names - used, ")");
        char line[768];
        snprintf(line, sizeof line, "%s%s", _(EXIT_TABLE[i].meaning), names);
        put_wrapped_at(f, fprintf(f, "    %d  ", EXIT_TABLE[i].status), 7, line);
    }
}

static const char *const DESCRIPTION =
    N_("exemplarctl registers nominations of the exemplar programme, moves them through their "
       "states and reads them, their history and the change feed, by sending requests to "
       "exemplard's api socket (ZeroMQ; the protocol is proto/wire.proto). Global options may "
       "come before or after the command.\n"
       "Every request carries a request id. A request left unanswered for --timeout is sent "
       "again, twice, with the same id on a fresh connection; the daemon answers a repeated id "
       "with its first answer, so a retry never applies a change twice.");

static const char *const OUTPUT =
    N_("For people: aligned tables and key: value blocks, in the language of LANG (see "
       "ENVIRONMENT); times in Vietnam's time, saying so. With "
       "--json: exactly one JSON document on stdout (watch: one JSON object per line, one line "
       "per change), fields named as in proto/*.proto, enums by their names (\"unit-reviewed\", "
       "\"collective\"), null for none, times as *_ms (milliseconds since the epoch).\n"
       "Errors go to stderr as 'exemplarctl: NAME: MESSAGE', MESSAGE being the daemon's own "
       "sentence. With --json they also go to stdout as {\"error\": {\"code\": N, \"name\": "
       "\"NAME\", \"message\": \"MESSAGE\", \"exit\": S}}, with current_version and "
       "current_state for a conflict: N is the protocol's error code (proto/errors.h, the "
       "daemon's Error.code), S the exit status below; a failure of exemplarctl's own files "
       "(local-io) has no code. Usage errors (exit 2) go to stderr only: the command line may "
       "not have been read far enough to know about --json.\n"
       "When stderr is a terminal, list, fsck, backup, export and import draw one progress "
       "line there (done/total, rate, ETA; backup and export first show the daemon writing "
       "its snapshot) and restore names each step, erased when done; otherwise nothing.");

static const char *const ENVIRONMENT =
    N_("the api endpoint to use when --api is not given. Without either: "
       "ipc:///run/exemplard/api.sock if that socket exists (the system service), else "
       "ipc://exemplar-state/api.sock (exemplard started in the current directory with its "
       "defaults). When the socket file of an ipc:// endpoint does not exist, exemplarctl fails "
       "at once (exit 7) naming the path, without waiting for --timeout.");

static const char *const EXAMPLES =
    N_("Start a daemon in a directory of its own and wait until it answers:\n"
       "    exemplard --state-dir /tmp/ex &\n"
       "    export EXEMPLAR_API=ipc:///tmp/ex/api.sock\n"
       "    exemplarctl ping --wait 10\n"
       "Register in the demo campaign (its windows are open today), add evidence, walk it:\n"
       "    id=$(exemplarctl register --unit 01 --kind individual --name 'Nguyễn Văn An' \\\n"
       "             --subject CB-0042 --campaign demo)\n"
       "    exemplarctl campaign show demo      # the period's evaluation years\n"
       "    exemplarctl evidence add CB-0042 2025 HTXSNV --decision 12/QĐ \\\n"
       "             --decision-date 2026-01-15   # and CSTDCS, for each evaluation year\n"
       "    exemplarctl check $id               # what is met, what is missing\n"
       "    exemplarctl move $id fostering\n"
       "    exemplarctl move $id unit-reviewed --expect-version 2\n"
       "    exemplarctl move $id ministry-reviewed\n"
       "    exemplarctl move $id recognized --decision 123/QĐ-BNNMT --decision-date 2026-11-30 \\\n"
       "             --issuer 'Bộ trưởng Bộ Nông nghiệp và Môi trường'\n"
       "    exemplarctl history $id\n"
       "A side exit needs a reason:\n"
       "    exemplarctl move 7 withdrawn --reason 'the unit withdrew it'\n"
       "Retry a move safely (the second run changes nothing and prints the same):\n"
       "    exemplarctl move 7 fostering --request-id 1234567\n"
       "    exemplarctl move 7 fostering --request-id 1234567\n"
       "Scripts:\n"
       "    exemplarctl --json list --state fostering --unit 01 | jq '.nominations[].id'\n"
       "    exemplarctl --json watch --from 1 --topic nomination.01. --count 10");

static const char *const LANGUAGE_TEXT =
    N_("The language of every message exemplarctl prints (not of --json): the first of "
       "LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set; Vietnamese when it starts with "
       "\"vi\" (LANG=vi_VN.UTF-8), English otherwise. The locale need not be generated. "
       "Message ids are English; the Vietnamese catalogue is exemplar.mo (daemon/po/vi.po, "
       "terms in daemon/po/GLOSSARY.md).");
static const char *const TZ_TEXT =
    N_("Times are shown in Vietnam's time (Asia/Ho_Chi_Minh, UTC+7) and say so; "
       "EXEMPLAR_TZ names another zone of the tz database. Dates read 15/9/2021 in "
       "Vietnamese and 15 September 2021 in English. --json keeps ISO 8601 dates and "
       "*_ms times.");

static void put_section(FILE *f, const char *title, const char *text)
{
    fprintf(f, "%s\n", _(title));
    put_wrapped(f, 4, _(text));
    fputc('\n', f);
}

/* Example lines keep their own indentation: printed as they are. */
static void put_verbatim(FILE *f, const char *title, const char *text)
{
    fprintf(f, "%s\n", _(title));
    text = _(text);
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n");
        fprintf(f, "    %.*s\n", (int)len, line);
        line += len + (line[len] == '\n');
    }
    fputc('\n', f);
}

void ctl_usage_short(FILE *f, const ctl_cmd_t *table, size_t n)
{
    fprintf(f, _("usage: %s [--api ENDPOINT] [--json] [--timeout MS] COMMAND [ARGS]\n"), CTL_NAME);
    fprintf(f, _("commands:\n"));
    for (size_t i = 0; i < n; i++)
        fprintf(f, "    %-10s %s\n", table[i].name, _(table[i].summary));
    fprintf(f, _("'%s help' prints the manual, '%s help COMMAND' one page.\n"), CTL_NAME, CTL_NAME);
}

void ctl_help_all(FILE *f, const ctl_cmd_t *table, size_t n)
{
    fprintf(f, "%s\n    %s - %s\n\n", _("NAME"), CTL_NAME,
            _("talk to exemplard, the exemplar workflow daemon"));
    fprintf(f, "%s\n", _("SYNOPSIS"));
    fprintf(f, "    " CTL_NAME " [--api ENDPOINT] [--json] [--timeout MS] COMMAND [ARGS]\n"
               "    " CTL_NAME " help [COMMAND | moves]\n"
               "    " CTL_NAME " --version\n\n");
    put_section(f, N_("DESCRIPTION"), DESCRIPTION);
    fprintf(f, "%s\n", _("COMMANDS"));
    for (size_t i = 0; i < n; i++)
        put_command(f, &table[i]);
    fprintf(f, "%s\n", _("GLOBAL OPTIONS"));
    for (size_t i = 0; i < CTL_GLOBAL_OPTIONS_COUNT; i++)
        put_option(f, &CTL_GLOBAL_OPTIONS[i], CTL_GLOBAL_OPTIONS[i].help);
    fprintf(f, "\n%s\n", _("STATES"));
    put_states(f);
    fputc('\n', f);
    put_section(f, N_("OUTPUT"), OUTPUT);
    fprintf(f, "%s\n    EXEMPLAR_API\n", _("ENVIRONMENT"));
    put_wrapped(f, 8, _(ENVIRONMENT));
    fprintf(f, "    EXEMPLAR_SERVER_KEY, EXEMPLAR_KEY\n");
    put_wrapped(f, 8,
                _("Key files for CURVE, as --server-key and --key: a daemon's tcp:// "
                  "endpoint admits only clients whose public key its keys file lists, "
                  "and acts for them with the role and unit given there."));
    fprintf(f, "    LANG, LC_ALL, LC_MESSAGES, LANGUAGE\n");
    put_wrapped(f, 8, _(LANGUAGE_TEXT));
    fprintf(f, "    EXEMPLAR_TZ\n");
    put_wrapped(f, 8, _(TZ_TEXT));
    fputc('\n', f);
    fprintf(f, "%s\n", _("EXIT STATUS"));
    put_exit_statuses(f);
    fputc('\n', f);
    put_verbatim(f, N_("EXAMPLES"), EXAMPLES);
}

void ctl_help_cmd(FILE *f, const ctl_cmd_t *cmd)
{
    fprintf(f, _("usage: %s [GLOBAL OPTIONS] %s%s%s\n\n"), CTL_NAME, cmd->name,
            *cmd->args ? " " : "", cmd->args);
    put_wrapped(f, 0, _(cmd->summary));
    if (cmd->details)
        put_wrapped(f, 0, _(cmd->details));
    if (cmd->opts->key)
        fprintf(f, "\n%s\n", _("Options:"));
    for (const ctl_cmd_opt_t *o = cmd->opts; o->key; o++)
        put_option(f, ctl_opt_find(o->key), o->help);
    fprintf(f,
            _("\nGlobal options: --api ENDPOINT, --json, --timeout MS, --server-key FILE, --key "
              "FILE ('%s help' describes them, the exit statuses and the environment).\n"),
            CTL_NAME);
}

/* The table the running daemon enforces, as it renders it. */
static int put_moves(ctl_t *ctl, FILE *f)
{
    int status;
    if (ctl->timeout_ms <= 0)
        ctl->timeout_ms = 3000;
    ctl->retries = -1;
    ex_client_t *c = ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__MovesRequest body = EXEMPLAR__MOVES_REQUEST__INIT;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVES;
    req.moves = &body;
    Exemplar__Reply *reply = NULL;
    int rc = ex_client_call(c, &req, &reply);
    if (rc == -EX_EUNAVAIL) {
        char msg[512];
        snprintf(msg, sizeof msg,
                 _("no answer from %s: 'help moves' shows the table the running exemplard "
                   "enforces, and none answers there (start it, see --api; 'exemplard "
                   "--print-moves' prints the installed program's table)"),
                 ex_client_endpoint(c));
        return ctl_fail(ctl, EX_EUNAVAIL, msg);
    }
    if (ex_reply_status(rc, reply) != 0) {
        status = ctl_fail_call(ctl, rc, reply);
        ex_reply_free(reply);
        return status;
    }
    fprintf(f, _("The moves exemplard at %s enforces:\n\n%s"), ex_client_endpoint(c),
            reply->moves->table);
    fprintf(f, "\n%s\n",
            _("Any other move is refused as no-such-move (exit 5). "
              "Give a reason with --reason where REASON says required."));
    ex_reply_free(reply);
    return EXIT_OK;
}

int ctl_help(ctl_t *ctl, const ctl_args_t *a, const ctl_cmd_t *table, size_t n)
{
    if (a->argc == 0) {
        ctl_help_all(stdout, table, n);
        return EXIT_OK;
    }
    if (strcmp(a->argv[0], "moves") == 0)
        return put_moves(ctl, stdout);
    const ctl_cmd_t *cmd = NULL;
    for (size_t i = 0; i < n && !cmd; i++)
        if (strcmp(table[i].name, a->argv[0]) == 0)
            cmd = &table[i];
    if (!cmd) {
        ctl->cmd = NULL;
        return ctl_usage(ctl, "no command '%s'", a->argv[0]);
    }
    ctl_help_cmd(stdout, cmd);
    return EXIT_OK;
}
