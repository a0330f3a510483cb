/* SPDX-License-Identifier: MIT */
/*
 * Logging: one line per event, worded "subsystem, what (why)".  Under systemd
 * (stderr connected to the journal) lines go to journald with their priority;
 * otherwise to stderr as "exemplard: <level>: <line>".  Log once, where an
 * error is handled.
 */
#ifndef EXEMPLAR_LOG_H
#define EXEMPLAR_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* Messages above this priority (LOG_ERR .. LOG_DEBUG) are dropped. */
void log_set_level(int priority);

/* Parses "error", "warning", "notice", "info", "debug"; -1 if unknown. */
int log_level_parse(const char *name);

/* The name of a priority ("info"). */
const char *log_level_name(int priority);

void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
