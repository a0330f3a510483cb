/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's council set|show and meeting open|attend|vote|close|show
 * (cmd_council.c): the Emulation and Commendation Council and its secret
 * ballot.  Handlers as cmd.h says; the command table (commands.c)
 * documents them.
 */
#ifndef EXEMPLARCTL_CMD_COUNCIL_H
#define EXEMPLARCTL_CMD_COUNCIL_H

#include "cmd.h"

int cmd_council(ctl_t *ctl, const ctl_args_t *a);
int cmd_meeting(ctl_t *ctl, const ctl_args_t *a);

#endif
