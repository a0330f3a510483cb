/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's authentication commands (cmd_auth.c): keygen makes a CURVE key
 * pair, audit prints the daemon's refused changes.
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_AUTH_H
#define EXEMPLARCTL_CMD_AUTH_H

#include "cmd.h"

int cmd_keygen(ctl_t *ctl, const ctl_args_t *a);
int cmd_audit(ctl_t *ctl, const ctl_args_t *a);

#endif
