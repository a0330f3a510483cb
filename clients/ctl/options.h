/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's options (options.c): every option's key and spelling, a
 * command line after getopt (ctl_args_t), and the parsers of the values
 * several commands take.  Which options a command takes, and what each
 * means there, is the command table's (commands.c).
 *
 * The parsers report a value that does not parse as a usage error through
 * the run (ctl_usage) and return EXIT_USAGE; 0 otherwise.
 */
#ifndef EXEMPLARCTL_OPTIONS_H
#define EXEMPLARCTL_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "ctl.h"

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
    OPT_UNMATCHED, /* event list: the title facts kept unmatched (cmd_events.c) */
    OPT_RULESET,   /* title alias add (cmd_rules.c) */
    OPT_SORT,      /* list: name or rank (cmd_nominations.c) */
    OPT_DATE,      /* acclaim: the review meeting (cmd_dossier.c) */
    OPT_PRESENT,
    OPT_IN_FAVOUR,
    OPT_LEVEL,  /* meeting list (cmd_council.c) */
    OPT_SIGNER, /* decision issue (cmd_council.c) */
    OPT_SIGNER_TITLE,
    OPT_SIGNATURE,
    OPT_DECISION_NUMBER, /* recognize (cmd_decision.c) */
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

/* A command line after getopt: option values by OPT_SLOT (NULL when absent;
 * "" for flags that were given) and the positional arguments. */
typedef struct {
    const char *opt[OPT_SLOTS];
    int argc;
    char **argv;
} ctl_args_t;

/* ---- values -------------------------------------------------------------- */

/* Strict decimal parsing for the command line: digits only, no overflow,
 * at least `min`.  On error reports a usage error naming `what` (a msgid)
 * and returns EXIT_USAGE; 0 otherwise. */
int ctl_parse_u64(ctl_t *ctl, const char *what, const char *text, uint64_t min, uint64_t *out);

/* list --as-of: DATE (YYYY-MM-DD: the end of that day,
 * UTC) or an ISO time (YYYY-MM-DDTHH:MM:SS[.mmm][Z], UTC) as ms since the
 * epoch; a usage error (returned) otherwise. */
int ctl_parse_as_of(ctl_t *ctl, const char *text, int64_t *ms);

/* The decision given by --decision, --decision-date, --issuer (NULL when
 * --decision is absent; d is filled and returned). */
Exemplar__Decision *ctl_decision(const ctl_args_t *a, Exemplar__Decision *d);

#endif
