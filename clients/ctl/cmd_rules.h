/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's commands for the plan's rules (cmd_rules.c): units, campaign,
 * evidence and check.
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_RULES_H
#define EXEMPLARCTL_CMD_RULES_H

#include "cmd.h"

int cmd_units(ctl_t *ctl, const ctl_args_t *a);
int cmd_campaign(ctl_t *ctl, const ctl_args_t *a);
int cmd_evidence(ctl_t *ctl, const ctl_args_t *a);
int cmd_check(ctl_t *ctl, const ctl_args_t *a);
/* title alias add|list: the administrator's spellings of titles. */
int cmd_title(ctl_t *ctl, const ctl_args_t *a);

#endif
