/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's report interim PERIOD | final CAMPAIGN (cmd_report.c): the
 * interim and final review reports, as text, JSON or the files
 * exemplar-summary writes.
 * Handlers as cmd.h says; the command table (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_REPORT_H
#define EXEMPLARCTL_CMD_REPORT_H

#include "cmd.h"

int cmd_report(ctl_t *ctl, const ctl_args_t *a);

#endif
