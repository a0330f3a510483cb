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
#include <stdint.h>

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

/* What a dump process (offline_dump) reports to the daemon through its
 * result pipe, as one write. */
typedef struct {
    int rc; /* 0, or a negative EX_E* with why */
    uint64_t size, nominations, last_seq, records;
    uint8_t digest[32]; /* BLAKE2b-256 of the whole file */
    char why[512];
} offline_dump_result_t;

/* A dump for the daemon's backup and export requests (api_dump.c), run as
 * a process of its own (`exemplard --internal-dump=KIND:FD:RESULT_FD`, never
 * by hand) so that the daemon serves on meanwhile: the state directory's
 * environment opened read-only beside the running daemon, as LMDB's
 * mdb_copy does, and one read transaction's snapshot written to fd ("backup":
 * compacted, checked and counted; "export": the export format), then the
 * digest; the result goes to result_fd.  Dies with the daemon.  Returns the
 * exit status: 0 when the result was written. */
int offline_dump(const offline_t *o, const char *kind, int fd, int result_fd);

/* The program api_dump.c runs for a backup or export request: exemplard's
 * main sets its own (/proc/self/exe).  Until then (a test or a fuzz target
 * linking the daemon's core) those requests are refused as unavailable. */
void offline_dump_program(const char *path);

#endif
