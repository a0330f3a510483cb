/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's export (the whole store as JSON lines from the serving daemon,
 * in pages) and import (the daemon's own offline code, exemplard --import)
 * (cmd_export.c).
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_EXPORT_H
#define EXEMPLARCTL_CMD_EXPORT_H

#include "cmd.h"

int cmd_export(ctl_t *ctl, const ctl_args_t *a);
int cmd_import(ctl_t *ctl, const ctl_args_t *a);

#endif
