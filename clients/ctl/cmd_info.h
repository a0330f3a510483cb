/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's questions to the daemon about itself (cmd_info.c): info and
 * ping [--wait SECONDS].
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_INFO_H
#define EXEMPLARCTL_CMD_INFO_H

#include "cmd.h"

int cmd_info(ctl_t *ctl, const ctl_args_t *a);
int cmd_ping(ctl_t *ctl, const ctl_args_t *a);

#endif
