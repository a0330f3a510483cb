/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's command table (commands.c): every command, the only list of
 * them.  main.c dispatches through it and the manual (help.h) is printed
 * from it.
 */
#ifndef EXEMPLARCTL_COMMANDS_H
#define EXEMPLARCTL_COMMANDS_H

#include <stddef.h>

#include "cmd.h"

extern const ctl_cmd_t CMD_TABLE[];
extern const size_t CMD_TABLE_COUNT;

/* The row of the command called name, or NULL. */
const ctl_cmd_t *ctl_cmd_find(const char *name);

#endif
