/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's decision issue|show|get-file|recognize and recognize
 * (cmd_decision.c): the issued recognition decision of a council meeting
 * and the recognitions that name it.  Handlers as cmd.h says; the command
 * table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_DECISION_H
#define EXEMPLARCTL_CMD_DECISION_H

#include "cmd.h"

int cmd_decision(ctl_t *ctl, const ctl_args_t *a);
int cmd_recognize(ctl_t *ctl, const ctl_args_t *a);

#endif
