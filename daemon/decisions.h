/* SPDX-License-Identifier: MIT */
/*
 * The issued recognition decisions (Quyết định công nhận) of the council's
 * meetings, stored: database DB_DECISIONS, key the decision's number (1-64
 * bytes), value exemplar.RecognitionDecision (council.proto).  The issued
 * file itself is a blob (blobs.h) named by its SHA-256.  A decision is
 * written once (decision-issue) and never rewritten: recognitions name it.
 * The requests are api_decision.c's; fsck checks the records here.
 */
#ifndef EXEMPLAR_DECISIONS_H
#define EXEMPLAR_DECISIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "council.pb-c.h"
#include "store.h"

#define DECISIONS_NUMBER_MAX 64 /* bytes of a decision's number: its key */

/* The decision numbered number: 0 with *out (free with
 * exemplar__recognition_decision__free_unpacked), -EX_ENOTFOUND (none, or a
 * number longer than DECISIONS_NUMBER_MAX), -EX_ESTORAGE (does not decode). */
int decisions_get(store_txn_t *t, const char *number, Exemplar__RecognitionDecision **out);

/* Writes d under its number (sticky, as store_put). */
void decisions_put(store_txn_t *t, const Exemplar__RecognitionDecision *d);

/* Does d's annexed list hold nomination id? */
bool decisions_lists(const Exemplar__RecognitionDecision *d, uint64_t id);

/* Checks every decision: it decodes, its key is its number, its meeting
 * and each nomination of its list exist, and its file is a blob whose
 * bytes hash to file_sha256.  Calls problem(arg, sentence) for each
 * finding; returns 0, or a negative EX_E* when the store cannot be read. */
int decisions_check(store_txn_t *t, void (*problem)(void *arg, const char *sentence), void *arg);

#endif
