/* SPDX-License-Identifier: MIT */
/*
 * The PostgreSQL baseline: the same nominations in two tables shaped like
 * exemplard's records, seeded with COPY, and a target_t whose every move is
 * one durable transaction (UPDATE of the nomination with its expected version
 * + INSERT of a history row) over libpq.
 *
 * The server itself is started by bench/run (a private cluster in a temp
 * directory); this module only needs a conninfo string.
 */
#ifndef EXEMPLAR_BENCH_PG_H
#define EXEMPLAR_BENCH_PG_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

typedef enum {
    /* One statement, one round trip: WITH u AS (UPDATE ... RETURNING)
     * INSERT INTO history SELECT ... FROM u.  The fastest honest form. */
    PG_STYLE_CTE,
    /* BEGIN; UPDATE ...; INSERT ...; COMMIT: four round trips, the shape
     * most applications have. */
    PG_STYLE_TXN,
} pg_style_t;

typedef struct {
    const char *conninfo;
    pg_style_t style;
} pg_conf_t;

/* Creates the tables afresh and copies m->n nominations (ids 1..n, filling
 * m->key) with one history row each, adds the primary keys, vacuums,
 * analyzes and checkpoints.  0, or -1 with err. */
int pg_seed(const pg_conf_t *c, model_t *m, double *seconds, char *err, size_t err_len);

/* CHECKPOINT: flushes what earlier runs left dirty so that it is neither
 * charged to the next run nor competes with exemplard's.  0, or -1. */
int pg_checkpoint(const pg_conf_t *c, double *seconds, char *err, size_t err_len);

/* SHOW name into buf ("" when unknown).  0, or -1. */
int pg_show(const pg_conf_t *c, const char *const *names, size_t n, char values[][64], char *err,
            size_t err_len);

/* Listing.  pg_index_state adds the index a one-state list
 * needs (exemplard keeps its by-state index too).  pg_list pages through
 * every nomination (state 0) or those in one state, `page` rows a query,
 * with keyset pagination (WHERE id > the last id seen ORDER BY id LIMIT
 * page), every column, on one connection; *rows and *seconds as measured.
 * 0, or -1 with err. */
int pg_index_state(const pg_conf_t *c, char *err, size_t err_len);
int pg_list(const pg_conf_t *c, int state, int page, uint64_t *rows, double *seconds, char *err,
            size_t err_len);

/* The move target; arg is a const pg_conf_t *. */
extern const target_t PG_TARGET;

#endif
