/* SPDX-License-Identifier: MIT */
/*
 * Offline operations: the daemon's own code run on a stopped daemon's state
 * directory, as OpenLDAP's slapadd is slapd's.  `exemplard --restore FILE`
 * installs a backup, `exemplard --import FILE` fills an empty store from an
 * export (`exemplarctl restore` and `import` run exactly these), and
 * `exemplard --fsck` checks a store no daemon serves.  Both take
 * the state directory's lock (store_lock_dir), so they are refused while a
 * daemon serves it, and change nothing unless they finish.
 *
 * Online operations (backup, export, fsck, the move table) are requests to
 * the running daemon instead (api_dump.c, api_ops.c).
 */
#ifndef EXEMPLAR_OFFLINE_H
#define EXEMPLAR_OFFLINE_H

#include <stdbool.h>

typedef struct {
    const char *state_dir; /* the LMDB environment's directory */
    bool json;             /* the summary (or the error) as a JSON document on stdout */
} offline_t;

/* The mode of the data file restore and import install. */
#define OFFLINE_FILE_MODE 0640

/* Each prints what it did (or why not, as exemplarctl reports errors: a
 * line on stderr naming the error, common/errors.c) and returns the exit
 * status of that error table: 0, 1 (invalid: nothing installed), 3 (no
 * such FILE), 4 (a daemon runs, the store is not empty), 8 (the disk). */
int offline_restore(const offline_t *o, const char *file);
int offline_import(const offline_t *o, const char *file);

/* fsck's checks (fsck.c) on the stopped daemon's store, read-only: prints
 * the counts and the first 100 problems; 0 when there are none, 1 when
 * there are.  A repair is the running daemon's (exemplarctl fsck --repair). */
int offline_fsck(const offline_t *o);

#endif
