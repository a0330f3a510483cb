/* SPDX-License-Identifier: MIT */
/*
 * The store's consistency checks, shared by the daemon's fsck request
 * (api_ops.c, inside the call's transaction) and exemplarctl's restore (on
 * a backup opened read-only before it is installed).  One pass over the
 * change log, by_state, by_unit and the nominations with their histories
 * (fsck.c says what each must hold).  Problems are counted and the first
 * `want` kept as sentences; counts go to out (nominations, changes,
 * last_seq, index entries, problems).
 */
#ifndef EXEMPLAR_FSCK_H
#define EXEMPLAR_FSCK_H

#include <stddef.h>
#include <stdint.h>

#include "ops.pb-c.h"
#include "store.h"

typedef struct {
    store_txn_t *txn;
    uint64_t max_id;  /* ids 1..max_id may exist (the next id - 1) */
    uint8_t *live;    /* per id: live by_state entries seen (saturating) */
    uint8_t *units;   /* per id: by_unit entries seen (saturating) */
    char **sentences; /* the first `want` problems */
    size_t want, kept;
    uint64_t problems;
    uint64_t index_problems; /* of which by_state and by_unit ones: a rebuild fixes them */
    Exemplar__FsckReply *out;
    void (*tick)(void); /* called every 64 Ki records (a watchdog); may be NULL */
    unsigned records;
} fsck_t;

/* Ready to check t.  Returns 0 or -EX_EINTERNAL (out of memory). */
int fsck_init(fsck_t *f, store_txn_t *t, uint64_t max_id, size_t want, Exemplar__FsckReply *out);

/* The whole check, once.  Returns 0 (problems or not: see f->problems) or a
 * negative EX_E* when the store cannot be read. */
int fsck_run(fsck_t *f);
/* A problem found outside the records (the write-ahead log against LMDB):
 * counted and kept like the others. */
__attribute__((format(printf, 2, 3))) void fsck_problem(fsck_t *f, const char *fmt, ...);

/* Counts a problem a rebuild of the indexes fixes (and keeps its sentence). */
__attribute__((format(printf, 2, 3))) void fsck_index_problem(fsck_t *f, const char *fmt, ...);

/* Frees the sentences and tallies. */
void fsck_deinit(fsck_t *f);

#endif
