/* SPDX-License-Identifier: MIT */
/*
 * What exemplarctl's backup, restore, export and import share (dump.c).
 * backup and export are requests to the running daemon (ops.proto's
 * DumpRequest): the daemon makes one snapshot and hands it over in pages,
 * which exemplarctl writes to FILE.  restore and import are
 * offline operations, the daemon's own code: exemplarctl runs `exemplard
 * --restore FILE` or `exemplard --import FILE` on the state directory.
 */
#ifndef EXEMPLARCTL_DUMP_H
#define EXEMPLARCTL_DUMP_H

#include <stdint.h>

#include "ctl.h"
#include "options.h"

/* The mode of every file exemplarctl writes whole (backup, export). */
#define CTL_FILE_MODE 0640

/* Asks the daemon for a whole dump (body: EXEMPLAR__REQUEST__BODY_BACKUP or
 * _EXPORT) and writes it to fd, page by page, checking its size and BLAKE2b
 * digest.  Returns 0 with *last (the last reply, with the snapshot's counts;
 * ex_reply_free it), or the exit status after reporting the failure. */
int ctl_fetch_dump(ctl_t *ctl, int body, int fd, const char *name, Exemplar__Reply **last);

/* Runs `exemplard OPTION FILE --state-dir DIR [--json]` in place of this
 * process (restore, import); returns only when that cannot be done, with
 * the exit status after reporting it. */
int ctl_exec_offline(ctl_t *ctl, const ctl_args_t *a, const char *option, const char *file);

/* CLOCK_MONOTONIC in ms. */
int64_t ctl_now_ms(void);

#endif
