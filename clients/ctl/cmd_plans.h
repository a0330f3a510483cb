/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's plan submit|show|list|accept|return (cmd_plans.c): the units'
 * plans and expected exemplars per period.
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_PLANS_H
#define EXEMPLARCTL_CMD_PLANS_H

#include "cmd.h"

int cmd_plan(ctl_t *ctl, const ctl_args_t *a);

#endif
