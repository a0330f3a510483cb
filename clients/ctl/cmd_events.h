/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's commands on the agencies' events (cmd_events.c): event
 * publish|list, and stats (the daemon's counters, events per publisher).
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_EVENTS_H
#define EXEMPLARCTL_CMD_EVENTS_H

#include "cmd.h"

int cmd_event(ctl_t *ctl, const ctl_args_t *a);
int cmd_stats(ctl_t *ctl, const ctl_args_t *a);

#endif
