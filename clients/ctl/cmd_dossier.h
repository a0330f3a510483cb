/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's acclaim and judge (cmd_dossier.c): the unit's dossier of a
 * nomination, its collective's acclamation and its judgement on the plan's
 * qualitative criteria (proto/dossier.proto).  Handlers as cmd.h says; the
 * command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_DOSSIER_H
#define EXEMPLARCTL_CMD_DOSSIER_H

#include "cmd.h"

int cmd_acclaim(ctl_t *ctl, const ctl_args_t *a);
int cmd_judge(ctl_t *ctl, const ctl_args_t *a);
/* dossier report ID: the draft achievement report (achievement.h) */
int cmd_dossier(ctl_t *ctl, const ctl_args_t *a);

#endif
