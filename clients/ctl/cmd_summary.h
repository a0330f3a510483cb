/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's summary QUARTER (cmd_summary.c): the quarterly summary, as
 * text, JSON or the files exemplar-summary writes.
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_SUMMARY_H
#define EXEMPLARCTL_CMD_SUMMARY_H

#include "cmd.h"

int cmd_summary(ctl_t *ctl, const ctl_args_t *a);

#endif
