/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's operator tools (cmd_ops.c): fsck [--repair].
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_OPS_H
#define EXEMPLARCTL_CMD_OPS_H

#include "cmd.h"

int cmd_fsck(ctl_t *ctl, const ctl_args_t *a);

#endif
