/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's attach, attachments and attachment get (cmd_attach.c): the
 * files of a nomination's dossier (proto/dossier.proto, attachment-add and
 * attachment-get).  Handlers as cmd.h says; the command table
 * (commands.c) documents them.
 */
#ifndef EXEMPLARCTL_CMD_ATTACH_H
#define EXEMPLARCTL_CMD_ATTACH_H

#include "cmd.h"

/* attach ID PART FILE [--request-id N] */
int cmd_attach(ctl_t *ctl, const ctl_args_t *a);
/* attachments ID */
int cmd_attachments(ctl_t *ctl, const ctl_args_t *a);
/* attachment get ID PART [VERSION] [-o FILE] */
int cmd_attachment(ctl_t *ctl, const ctl_args_t *a);

#endif
