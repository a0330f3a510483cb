/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's user add|passwd|disable|enable|list (cmd_users.c): the local
 * accounts people sign in to exemplar-web with.
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_USERS_H
#define EXEMPLARCTL_CMD_USERS_H

#include "cmd.h"

int cmd_user(ctl_t *ctl, const ctl_args_t *a);

#endif
