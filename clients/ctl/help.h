/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's manual (help.c), printed from a command table given by the
 * caller (commands.c's CMD_TABLE), the options (options.h), names.h and the
 * error table, and `help moves`, which asks the running daemon for its move
 * table.
 */
#ifndef EXEMPLARCTL_HELP_H
#define EXEMPLARCTL_HELP_H

#include <stddef.h>
#include <stdio.h>

#include "cmd.h"

/* The whole manual, with every command of table[0..n). */
void ctl_help_all(FILE *f, const ctl_cmd_t *table, size_t n);
/* One command's page: usage, summary, details, options. */
void ctl_help_cmd(FILE *f, const ctl_cmd_t *cmd);
/* The short usage printed when no command is given. */
void ctl_usage_short(FILE *f, const ctl_cmd_t *table, size_t n);

/* exemplarctl help [COMMAND | moves]: the manual, one command of table's
 * page (a usage error for a name not in it), or the running daemon's move
 * table (unavailable's exit status when no daemon answers). */
int ctl_help(ctl_t *ctl, const ctl_args_t *a, const ctl_cmd_t *table, size_t n);

#endif
