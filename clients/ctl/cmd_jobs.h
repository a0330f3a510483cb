/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's jobs [show ID | retry ID] (cmd_jobs.c): the timers and jobs of
 * the reminders and summaries.
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_JOBS_H
#define EXEMPLARCTL_CMD_JOBS_H

#include "cmd.h"

int cmd_jobs(ctl_t *ctl, const ctl_args_t *a);

#endif
