/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's internals, shared by its files: main.c (global options,
 * dispatch), commands.c (CTL_OPTIONS, CMD_TABLE and the handlers), watch.c
 * (the change feed), help.c (the manual, generated from the tables) and
 * output.c (JSON documents, tables, error reports).
 *
 * Handlers return the process's exit status (errors.h: EXIT_*); they report
 * their own errors through ctl_usage() and ctl_fail*() and never exit().
 */
#ifndef EXEMPLARCTL_CTL_H
#define EXEMPLARCTL_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "exemplar.h"
#include "i18n.h"

#define CTL_NAME "exemplarctl"

/* Every option exemplarctl knows, global or not.  Values are getopt_long's
 * return values; the first ones are the global options. */
typedef enum {
    OPT_HELP = 'h',
    OPT_API = 256,
    OPT_JSON,
    OPT_TIMEOUT,
    OPT_VERSION,
    OPT_SERVER_KEY, /* CURVE */
    OPT_KEY,
    OPT_UNIT,
    OPT_KIND,
    OPT_NAME,
    OPT_CAMPAIGN,
    OPT_REQUEST_ID,
    OPT_EXPECT_VERSION,
    OPT_REASON,
    OPT_STATE,
    OPT_LIMIT,
    OPT_FROM,
    OPT_TOPIC,
    OPT_COUNT,
    OPT_EVENTS,
    OPT_WAIT,
    /* the plan's rules */
    OPT_SUBJECT,
    OPT_HEAD_OF,
    OPT_PERIOD,
    OPT_OVERRIDE,
    OPT_DECISION,
    OPT_DECISION_DATE,
    OPT_ISSUER,
    OPT_CODE,
    OPT_ON,
    OPT_DIR, /* keygen */
    /* events (cmd_events.c) */
    OPT_PUBLISHER,
    OPT_EVENT_ID,
    OPT_SEQ,
    OPT_TYPE,
    OPT_YEAR,
    OPT_VALUE,
    OPT_FILE,
    OPT_BATCH,
    /* unit plans (cmd_plans.c) */
    OPT_COLLECTIVE,
    OPT_INDIVIDUAL,
    OPT_SOLUTIONS,
    OPT_DRAFT,
    /* operator tools (cmd_ops.c) */
    OPT_REPAIR,
    OPT_AS_OF,
    /* timers and jobs (cmd_jobs.c) */
    OPT_TIMERS,
    OPT_PREFIX,
    /* the quarterly summary (cmd_summary.c) */
    OPT_FORMAT,
    OPT_OUTPUT,
    OPT_LANG,
    OPT_STATE_DIR, /* backup, restore, export, import (cmd_backup.c, cmd_export.c) */
    OPT_FORCE,
    OPT_DOCUMENT, /* summary: the HTML report's header (cmd_summary.c) */
    OPT_DOC_NUMBER,
    OPT_DOC_DATE,
    OPT_END
} ctl_opt_key_t;

#define OPT_SLOT(key) ((key) == OPT_HELP ? 0 : (key)-OPT_API + 1)
#define OPT_SLOTS     (OPT_END - OPT_API + 1)

/* One row of CTL_OPTIONS: how an option is spelled and what it takes. */
typedef struct {
    ctl_opt_key_t key;
    const char *name;    /* long name, without "--" */
    const char *metavar; /* NULL: takes no argument */
    const char *help;    /* for the global options; commands say their own */
} ctl_opt_t;

extern const ctl_opt_t CTL_OPTIONS[];
extern const size_t CTL_OPTIONS_COUNT;
extern const ctl_opt_t CTL_GLOBAL_OPTIONS[];
extern const size_t CTL_GLOBAL_OPTIONS_COUNT;

const ctl_opt_t *ctl_opt_find(ctl_opt_key_t key);

/* An option a command takes, with what it means for that command. */
typedef struct {
    ctl_opt_key_t key;
    const char *help;
} ctl_cmd_opt_t;

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

/* A command line after getopt: option values by OPT_SLOT (NULL when absent;
 * "" for flags that were given) and the positional arguments. */
typedef struct {
    const char *opt[OPT_SLOTS];
    int argc;
    char **argv;
} ctl_args_t;

typedef int ctl_handler_t(ctl_t *ctl, const ctl_args_t *a);

/* One row of CMD_TABLE: it drives dispatch and the manual alike. */
typedef struct {
    const char *name;
    const char *args;    /* synopsis after the name */
    const char *summary; /* one line */
    ctl_handler_t *handler;
    int min_args, max_args;    /* positional arguments */
    const ctl_cmd_opt_t *opts; /* terminated by a zero key */
    const char *details;       /* paragraph(s) for `help COMMAND` */
    int unit_arg;              /* positional argument (1-based) that is a unit code; 0: none */
} ctl_cmd_t;

extern const ctl_cmd_t CMD_TABLE[];
extern const size_t CMD_TABLE_COUNT;

const ctl_cmd_t *ctl_cmd_find(const char *name);

/* Handlers living outside commands.c. */
int cmd_watch(ctl_t *ctl, const ctl_args_t *a);
int cmd_keygen(ctl_t *ctl, const ctl_args_t *a); /* cmd_auth.c */
int cmd_audit(ctl_t *ctl, const ctl_args_t *a);  /* cmd_auth.c */
int cmd_user(ctl_t *ctl, const ctl_args_t *a);   /* cmd_users.c: local accounts */

/* The CURVE keys of this run (--server-key and --key, or the environment),
 * loaded on first use.  Returns 0 with *keys NULL when none are given, 0
 * with *keys set, or an exit status after reporting the error. */
int ctl_curve_keys(ctl_t *ctl, const ex_curve_keys_t **keys);
int cmd_help(ctl_t *ctl, const ctl_args_t *a);
/* cmd_rules.c: units, campaign, evidence, check. */
int cmd_units(ctl_t *ctl, const ctl_args_t *a);
int cmd_campaign(ctl_t *ctl, const ctl_args_t *a);
int cmd_evidence(ctl_t *ctl, const ctl_args_t *a);
int cmd_check(ctl_t *ctl, const ctl_args_t *a);
/* The decision given by --decision, --decision-date, --issuer (NULL when
 * --decision is absent; d is filled and returned). */
Exemplar__Decision *ctl_decision(const ctl_args_t *a, Exemplar__Decision *d);
/* cmd_events.c: event publish|list, stats. */
int cmd_event(ctl_t *ctl, const ctl_args_t *a);
int cmd_stats(ctl_t *ctl, const ctl_args_t *a);
/* cmd_plans.c: plan submit|show|list|accept|return. */
int cmd_plan(ctl_t *ctl, const ctl_args_t *a);
/* cmd_jobs.c: jobs [show ID | retry ID]. */
int cmd_jobs(ctl_t *ctl, const ctl_args_t *a);
/* cmd_summary.c: summary QUARTER. */
int cmd_summary(ctl_t *ctl, const ctl_args_t *a);
/* cmd_report.c: report interim PERIOD | final CAMPAIGN, and its options. */
int cmd_report(ctl_t *ctl, const ctl_args_t *a);
extern const ctl_cmd_opt_t REPORT_OPTS[];
/* cmd_ops.c: fsck. */
int cmd_fsck(ctl_t *ctl, const ctl_args_t *a);
/* cmd_backup.c, cmd_export.c: backup and export are daemon requests
 * fetched in pages; restore and import run the daemon's own offline code
 * (exemplard --restore, --import). */
int cmd_backup(ctl_t *ctl, const ctl_args_t *a);
int cmd_restore(ctl_t *ctl, const ctl_args_t *a);
int cmd_export(ctl_t *ctl, const ctl_args_t *a);
int cmd_import(ctl_t *ctl, const ctl_args_t *a);
/* list --as-of: DATE (YYYY-MM-DD: the end of that day, UTC) or an ISO time
 * (YYYY-MM-DDTHH:MM:SS[.mmm][Z], UTC) as ms since the epoch; a usage error
 * (returned) otherwise. */
int ctl_parse_as_of(ctl_t *ctl, const char *text, int64_t *ms);
extern const ctl_cmd_opt_t EVENT_OPTS[];

/* help.c: the whole manual, one command's page, the short usage. */
void ctl_help_all(FILE *f);
void ctl_help_cmd(FILE *f, const ctl_cmd_t *cmd);
void ctl_usage_short(FILE *f);

/* ---- connection and argument helpers (commands.c) ---------------------- */

/* The client for this run, connected on first use; NULL after reporting
 * the error (*status says the exit status). */
ex_client_t *ctl_client(ctl_t *ctl, int *status);

/* Strict decimal parsing for the command line: digits only, no overflow,
 * at least `min`.  On error reports a usage error naming `what` and returns
 * EXIT_USAGE; 0 otherwise. */
int ctl_parse_u64(ctl_t *ctl, const char *what, const char *text, uint64_t min, uint64_t *out);

/* ---- output.c ---------------------------------------------------------- */

/* Usage error: message and a pointer to `exemplarctl help CMD` on stderr.
 * Returns EXIT_USAGE. */
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

/* Sends req on the run's connection: 0 with *reply, or the exit status after
 * reporting the failure (then *reply is NULL). */
int ctl_call(ctl_t *ctl, Exemplar__Request *req, Exemplar__Reply **reply);

/* A JSON string, "" for NULL. */
json_object *ctl_json_str(const char *s);

/* JSON values for the protocol's messages; enums by name, null for none. */
json_object *ctl_json_nomination(const Exemplar__Nomination *n);
json_object *ctl_json_change(const Exemplar__Change *ch);
json_object *ctl_json_info(const Exemplar__InfoReply *info, const char *api);

/* Prints doc as the run's one JSON document (pretty) and frees it. */
void ctl_json_print(json_object *doc);
/* Prints doc on one line, flushes, and frees it (watch). */
void ctl_json_line(json_object *doc);
/* From now on ctl_json_print prints one line too (watch's error reports
 * stay one line of its JSON-lines stream). */
void ctl_json_set_lines(bool on);

/* Human output. */
void ctl_print_nomination(const Exemplar__Nomination *n);
void ctl_print_info(const Exemplar__InfoReply *info, const char *api);

/* Day and time in Vietnam's time, in the run's language (l10n_time):
 * "15/9/2021 14:05:09"; "-" for 0.  Say l10n_zone() beside it. */
const char *ctl_time(int64_t ms, char *buf, size_t len);
/* For --json: "2024-05-01T10:00:00Z"; "-" for 0. */
const char *ctl_time_iso(int64_t ms, char *buf, size_t len);
/* A state, kind or role as people read it (the plan's words in Vietnamese,
 * daemon/po/GLOSSARY.md); "-" for none.  --json keeps ex_*_name(). */
const char *ctl_state(Exemplar__State s);
const char *ctl_kind(Exemplar__Kind k);
const char *ctl_role(Exemplar__Role r);
/* A verb of the move table, a campaign window or a role name as people
 * read it; other names unchanged. */
const char *ctl_word(const char *name);
#define ctl_verb(v) ctl_word(v)

/* "label:  value" lines of a key/value block, the values starting at
 * CTL_FIELD_WIDTH display columns. */
#define CTL_FIELD_WIDTH 20
void ctl_put_field(const char *label, const char *value);
void ctl_put_fieldf(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Aligned text tables: add rows of cells, then print.  Columns are as wide
 * as their widest cell in display columns (l10n_width: a combining tone
 * mark takes none); the last column is not padded.  Header cells are
 * msgids (N_()), printed translated. */
#define TABLE_MAX_COLS 10
typedef struct {
    int ncols;
    bool right[TABLE_MAX_COLS]; /* right-align numbers */
    size_t width[TABLE_MAX_COLS];
    char **cells; /* nrows * ncols, owned */
    size_t nrows, cap;
} ctl_table_t;

void ctl_table_init(ctl_table_t *t, int ncols, const char *const *header, const bool *right);
/* Adds a row of ncols cells (copied).  Returns 0, or -1 without memory. */
int ctl_table_add(ctl_table_t *t, const char *const *cells);
void ctl_table_print(const ctl_table_t *t, FILE *f);
/* The same, every line after indent spaces. */
void ctl_table_print_indented(const ctl_table_t *t, FILE *f, int indent);
void ctl_table_deinit(ctl_table_t *t);
/* One cell of a streamed table (watch): text padded to width display
 * columns, on the left when right-aligned. */
void ctl_put_cell(FILE *f, const char *text, size_t width, bool right);

#endif
