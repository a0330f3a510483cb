/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's backup (a compacted copy of the store from the serving daemon,
 * in pages) and restore (the daemon's own offline code, exemplard --restore)
 * (cmd_backup.c).
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_BACKUP_H
#define EXEMPLARCTL_CMD_BACKUP_H

#include "cmd.h"

int cmd_backup(ctl_t *ctl, const ctl_args_t *a);
int cmd_restore(ctl_t *ctl, const ctl_args_t *a);

#endif
