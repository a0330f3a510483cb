/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's watch (cmd_watch.c): committed changes as they happen, from
 * the change log and then the change feed, each exactly once.
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_WATCH_H
#define EXEMPLARCTL_CMD_WATCH_H

#include "cmd.h"

int cmd_watch(ctl_t *ctl, const ctl_args_t *a);

#endif
