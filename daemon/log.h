/* SPDX-License-Identifier: MIT */
/*
 * Logging: one line per event, worded "subsystem, what (why)".  Log once,
 * where an error is handled.
 *
 * Where lines go.  Under systemd, when $JOURNAL_STREAM names our stderr, each
 * line is a journal entry (sd_journal_sendv) with
 *   MESSAGE, PRIORITY (the syslog level), SYSLOG_IDENTIFIER=exemplard,
 *   CODE_FILE (e.g. daemon/main.c), CODE_LINE, CODE_FUNC of the caller,
 *   plus the structured fields the caller passes (log_fields()).
 * If journald refuses an entry, the line goes to stderr (which is the journal
 * stream then) as "<N>line", N being the priority, without its fields.
 * Outside systemd lines go to stderr as "exemplard: <level>: <line>"; the
 * fields are not printed there: the line itself names what matters.
 *
 * Structured fields.  Journal field names are upper case letters, digits and
 * '_', not starting with '_' or a digit (journald drops anything else).  The
 * names this daemon uses, so that `journalctl NOMINATION_ID=42` finds every
 * line about nomination 42:
 *   NOMINATION_ID  nomination id (decimal)       UNIT        unit code
 *   REQUEST_ID     the client's request id       CHANGE_SEQ  change-log seq
 *   ERROR_CODE     stable error name ("conflict") ERRNO       errno, decimal
 *   STATE          a state name ("fostering")    VERB        a move's verb
 *   CAMPAIGN       campaign id                   NOMINATIONS a count
 * Example:
 *   log_fields(LOG_NOTICE,
 *              LOG_FIELDS(log_u64("NOMINATION_ID", id), log_str("UNIT", unit),
 *                         log_u64("CHANGE_SEQ", seq), log_u64("REQUEST_ID", rid)),
 *              "api, nomination %llu moved to %s", (unsigned long long)id, state);
 */
#ifndef EXEMPLAR_LOG_H
#define EXEMPLAR_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

/* Messages above this priority (LOG_ERR .. LOG_DEBUG) are dropped.  May be
 * called at any time (SIGHUP applies a new log_level this way). */
void log_set_level(int priority);

/* Parses "error", "warning", "notice", "info", "debug"; -1 if unknown. */
int log_level_parse(const char *name);

/* The name of a priority ("info"). */
const char *log_level_name(int priority);

/* One structured field: a number when str is NULL, else the string. */
typedef struct {
    const char *name; /* e.g. "NOMINATION_ID" */
    const char *str;
    uint64_t num;
} log_field_t;

static inline log_field_t log_u64(const char *name, uint64_t value)
{
    return (log_field_t){name, NULL, value};
}

/* A NULL value is logged as an empty string. */
static inline log_field_t log_str(const char *name, const char *value)
{
    return (log_field_t){name, value ? value : "", 0};
}

/* Expands to the two arguments `fields, count` of log_fields(). */
#define LOG_FIELDS(...)                                                                            \
    (const log_field_t[]){__VA_ARGS__},                                                            \
        sizeof((const log_field_t[]){__VA_ARGS__}) / sizeof(log_field_t)

/* At most this many fields are sent per line; further ones are ignored. */
#define LOG_FIELDS_MAX 16

/* log_fields(priority, LOG_FIELDS(...), fmt, ...): logs one line with
 * structured fields (see above).  A field whose name is not a valid journal
 * field name is left out.  Never fails. */
#define log_fields(priority, ...) log_at(__FILE__, __LINE__, __func__, (priority), __VA_ARGS__)

/* Plain lines. */
#define log_msg(priority, ...)                                                                     \
    log_at(__FILE__, __LINE__, __func__, (priority), NULL, 0, __VA_ARGS__)
#define log_error(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)  log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)    log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)   log_msg(LOG_DEBUG, __VA_ARGS__)

/* What the macros call; file/line/func are the caller's. */
void log_at(const char *file, int line, const char *func, int priority, const log_field_t *fields,
            size_t count, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

#endif
