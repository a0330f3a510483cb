/* SPDX-License-Identifier: MIT */
/*
 * The rules' records in LMDB: units (versions with validity dates and
 * merges) and the evidence ledger (titles per subject and year).  Values
 * are proto/rules.proto messages; writes are sticky on the transaction
 * (store.h).
 */
#ifndef EXEMPLAR_LEDGER_H
#define EXEMPLAR_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "rules.pb-c.h"
#include "store.h"

#define LEDGER_SUBJECT_MAX 64
#define LEDGER_LIST_MAX    2000

/* The version of unit `code` valid on `day`: 0 with *out (free with
 * exemplar__unit__free_unpacked), -EX_EUNIT when none is (*latest then
 * holds the newest version of that code, or NULL), -EX_ESTORAGE. */
int ledger_unit_on(store_txn_t *t, const char *code, int32_t day, Exemplar__Unit **out,
                   Exemplar__Unit **latest);

/* Writes one unit version (key: code, valid_from). */
void ledger_unit_put(store_txn_t *t, const Exemplar__Unit *u);

/* Every unit version in key order, or those of one code; at most
 * LEDGER_LIST_MAX.  Free with ledger_units_free. */
int ledger_units(store_txn_t *t, const char *code, Exemplar__Unit ***out, size_t *n);
void ledger_units_free(Exemplar__Unit **v, size_t n);

/* Writes e.  The caller marks the subject for the tallies' evidence gaps
 * (tally_evidence_changed): the ledger knows nothing of the tallies. */
void ledger_evidence_put(store_txn_t *t, const Exemplar__Evidence *e);
/* 0 with *out, -EX_ENOTFOUND, -EX_ESTORAGE. */
int ledger_evidence_get(store_txn_t *t, const char *subject, int year, const char *title,
                        Exemplar__Evidence **out);
/* A subject's evidence by year and title; free with ledger_evidence_free. */
int ledger_evidence_of(store_txn_t *t, const char *subject, Exemplar__Evidence ***out, size_t *n);
void ledger_evidence_free(Exemplar__Evidence **v, size_t n);

#endif
