/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's commands on nominations (cmd_nominations.c): register, move,
 * show, history and list.
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_NOMINATIONS_H
#define EXEMPLARCTL_CMD_NOMINATIONS_H

#include "cmd.h"

int cmd_register(ctl_t *ctl, const ctl_args_t *a);
int cmd_move(ctl_t *ctl, const ctl_args_t *a);
int cmd_show(ctl_t *ctl, const ctl_args_t *a);
int cmd_history(ctl_t *ctl, const ctl_args_t *a);
int cmd_list(ctl_t *ctl, const ctl_args_t *a);

#endif
