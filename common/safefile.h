/* SPDX-License-Identifier: MIT */
/*
 * Files written whole and then put in place, so that nobody else's file is
 * ever written through: exemplarctl's backup, export, restore and summary
 * --output, and the workers that write reports.
 *
 * A name next to the target (FILE.tmp) that anyone could have made first
 * is never opened.  The content goes to a file that did not exist before
 * this call: an unnamed O_TMPFILE in the target's directory where the
 * filesystem has one (linked in with linkat(2) through /proc/self/fd), or
 * else a new random name in that directory created with
 * O_CREAT|O_EXCL|O_NOFOLLOW (a planted symlink or file makes the create
 * fail and another name is drawn).  The mode is set exactly (fchmod, the
 * umask does not widen or narrow it); commit syncs the file, renames it
 * over the target (or refuses when the target appeared meanwhile and
 * replacing was not asked for) and syncs the directory.
 */
#ifndef EXEMPLAR_SAFEFILE_H
#define EXEMPLAR_SAFEFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* ex_safefile_open flags. */
#define EX_SAFEFILE_REPLACE 0x1u /* commit replaces an existing target */
#define EX_SAFEFILE_NAMED   0x2u /* never O_TMPFILE: the temporary has a name */

typedef struct {
    int fd;    /* write here (O_RDWR); -1 when closed */
    int dirfd; /* the target's directory */
    unsigned flags;
    bool named;              /* false: an O_TMPFILE, no name yet */
    char tmp[NAME_MAX + 1];  /* the temporary's name in the directory */
    char base[NAME_MAX + 1]; /* the target's name in the directory */
    char path[PATH_MAX];     /* the target, as given (for messages) */
} ex_safefile_t;

/* Makes the temporary for path with exactly mode.  Returns 0, or a negative
 * errno with a sentence in err (the directory cannot be opened, the name is
 * too long, no temporary can be created). */
int ex_safefile_open(ex_safefile_t *sf, const char *path, mode_t mode, unsigned flags, char *err,
                     size_t errlen);

/* A path naming the temporary while it is open, for a library that wants a
 * path (LMDB): the directory's entry, or /proc/self/fd/N for an unnamed
 * one.  Valid in a child process that inherits the descriptor. */
void ex_safefile_temp_path(const ex_safefile_t *sf, char *buf, size_t len);

/* fsync, then the temporary becomes path (renamed over it with
 * EX_SAFEFILE_REPLACE; else -EEXIST when path exists), then the directory
 * is synced.  Closes everything.  Returns 0 or a negative errno with err;
 * on failure the temporary is removed and path is as it was. */
int ex_safefile_commit(ex_safefile_t *sf, char *err, size_t errlen);

/* Removes the temporary and closes everything (after a failed write; a
 * no-op after commit). */
void ex_safefile_abort(ex_safefile_t *sf);

/* Writes a whole file: path replaced whole or left as it was, with mode.
 * The content comes from stream(ctx, f), which writes to a stream and
 * returns 0 or a negative EX_E* code; or, with stream NULL, from
 * bypath(ctx, tmp, err, errlen), which writes the temporary by its path
 * (for a library that wants a path, as libxlsxwriter does).  Returns 0,
 * -EX_EFULL (no room on the disk), -EX_ESTORAGE, or the writer's own code,
 * with a sentence in err. */
typedef int ex_safefile_stream_fn(void *ctx, FILE *f);
typedef int ex_safefile_path_fn(void *ctx, const char *tmp, char *err, size_t errlen);
int ex_safefile_write(const char *path, mode_t mode, ex_safefile_stream_fn *stream,
                      ex_safefile_path_fn *bypath, void *ctx, char *err, size_t errlen);

#endif
