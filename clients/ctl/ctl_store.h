/* SPDX-License-Identifier: MIT */
/*
 * What exemplarctl's backup, restore, export and import share
 * (cmd_backup.c): the daemon's state directory and small helpers around
 * daemon/store.h, which these commands link (the exstore library).
 */
#ifndef EXEMPLARCTL_CTL_STORE_H
#define EXEMPLARCTL_CTL_STORE_H

#include <stdint.h>

#include "ctl.h"
#include "store.h"

/* Where the packaged exemplard reads its configuration, and the state
 * directory systemd gives it (StateDirectory=exemplard). */
#define CTL_DAEMON_CONFIG     "/etc/exemplard/exemplard.conf"
#define CTL_DEFAULT_STATE_DIR "/var/lib/exemplard"

/* The state directory: --state-dir, else [daemon] state_dir of
 * $EXEMPLAR_CONFIG or CTL_DAEMON_CONFIG, else CTL_DEFAULT_STATE_DIR. */
const char *ctl_state_dir(const ctl_args_t *a, char *buf, size_t len);

/* Reports a store.c failure (negative EX_E*, its sentence); returns the exit
 * status. */
int ctl_store_fail(ctl_t *ctl, int rc, const char *err);

/* fsync(2) of the directory holding path: a rename is durable after it.
 * Returns 0 or -1 with errno. */
int ctl_sync_dir_of(const char *path);

/* Nominations and the newest change's sequence in s (one read txn). */
int ctl_store_counts(store_t *s, uint64_t *nominations, uint64_t *last_seq);

/* The mode of every file exemplarctl writes whole (backup, export,
 * summary --output) and of the data file restore installs. */
#define CTL_FILE_MODE 0640

/* The EX_E* status for a failed ex_safefile_* call (a negative errno):
 * EEXIST conflict, ENOSPC full, else storage. */
int ctl_file_status(int rc);

/* CLOCK_MONOTONIC in ms. */
int64_t ctl_now_ms(void);

#endif
