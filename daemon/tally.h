/* SPDX-License-Identifier: MIT */
/*
 * Quarterly tallies: aggregates derived from the change log so
 * that a quarter's summary reads a few thousand keys instead of replaying
 * millions of history entries.  A change counts in the quarter (day.h) of the day
 * it was judged on (Change.day; day_of_ms(at_ms) for records older than
 * that field).  Databases (store.h), all derivable from `changes`:
 *
 *   tally            quarter u16 | campaign NUL | unit NUL | kind u8 | state u8
 *                    -> entered u64, left u64: nominations that entered and
 *                    left the state in that quarter (counts at the end of Q
 *                    are the sums of entered - left over quarters <= Q);
 *   tally_moves      quarter u16 | campaign NUL | unit NUL | from u8 | to u8 -> count u64;
 *   tally_recognized quarter u16 | seq u64 -> id u64, day i32 (appended);
 *   tally_review     id u64 -> (enter day i32, leave day i32)*: the spans a
 *                    nomination spent at unit-reviewed or ministry-reviewed
 *                    (leave INT32_MAX while it is there);
 *   tally_quarters   quarter u16 -> first seq u64, last seq u64 of its changes;
 *   tally_days       quarter u16 | day of the quarter u8 | type u8 (0 state,
 *                    1 move) | campaign NUL | unit NUL | a u8 | b u8 -> the
 *                    same counts as tally / tally_moves for that one day, so
 *                    that a day inside a quarter is the quarters before it
 *                    plus at most 92 days of deltas, never a change scan;
 *   tally_gaps       unit NUL | campaign NUL | id u64 -> kind u8, then
 *                    (from day i32, to day i32)*: the days [from, to) the
 *                    nomination spent under review with evidence that did
 *                    not meet its period's criteria (to INT32_MAX: open);
 *   tally_dirty      subject -> "": evidence of the subject was recorded or
 *                    revoked since its nominations' gap spans were judged;
 *   meta "tally_seq" -> u64: the change log is tallied up to this sequence.
 *
 * Evidence gaps are counted in tally and tally_days as the pseudo-state
 * TALLY_STATE_GAP (entered on a span's first day, left on its end day), so
 * the gaps at the end of a day are a sum like the states.  A nomination's
 * gap spans are judged again (and the difference counted) whenever its
 * review spans change (a move into or out of review) or its subject's
 * evidence does (tally_evidence_changed): the verdict on a day uses only
 * evidence recorded by that day and revocations made by then (Evidence.day,
 * revoked_day), so it does not depend on when it is judged, with the rule
 * book in force when it is judged (a later change of the criteria counts
 * from the next judgement; fsck --repair judges every nomination again).
 *
 * The tally lags the log: the loop's background step advances it in bounded
 * steps off the acknowledgement path (tally_advance); a summary catches up a
 * small lag in the batch's transaction and refuses a large one (api_summary.c).
 * Writes are sticky (store.h).
 */
#ifndef EXEMPLAR_TALLY_H
#define EXEMPLAR_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "store.h"

#define TALLY_RECOGNIZED_MAX 1000 /* recognitions listed (all are counted) */
#define TALLY_STATE_GAP      255  /* the pseudo-state counting evidence gaps */

/* *upto: the change log is tallied up to it; *last: the newest change;
 * *dirty (may be NULL): evidence changed whose gaps are not judged yet. */
int tally_position(store_txn_t *t, uint64_t *upto, uint64_t *last, bool *dirty);

/* Tallies at most max changes after the position (write txn), judges the
 * gap spans of the nominations they move into or out of review and of up
 * to max (at most 256) subjects whose evidence changed, with rules' criteria
 * (NULL: no criteria, no gaps), and moves the position.  *more: work
 * remains.  Returns 0 or a storage error (also -EX_ESTORAGE for a change
 * that does not decode). */
int tally_advance(store_txn_t *t, const rules_t *rules, size_t max, bool *more);

/* Evidence of subject was recorded or revoked (write txn): its
 * nominations' gap spans are judged again by the next advance. */
void tally_evidence_changed(store_txn_t *t, const char *subject);

/* Empties the tally and its position (fsck --repair, then advance). */
void tally_clear(store_txn_t *t);

/* The loop's background step: advances by a bounded step in a write
 * transaction of its own when quiet or lagging by lag changes or more.
 * *more: it still lags. */
int tally_background(store_t *s, const rules_t *rules, unsigned lag, bool quiet, bool *more);

typedef struct {
    char unit[17];
    uint8_t a, b; /* rows: kind, state; moves: from, to */
    int64_t count;
} tally_row_t;

typedef struct {
    uint64_t seq, id;
    int32_t day;
} tally_recog_t;

typedef struct {
    tally_row_t *rows; /* by unit, kind, state; counts at the end of as_of */
    size_t n_rows;
    tally_row_t *gaps; /* by unit, kind (b = TALLY_STATE_GAP): evidence gaps at as_of */
    size_t n_gaps;
    tally_row_t *moves; /* moves in the quarter up to as_of: by unit, from, to */
    size_t n_moves;
    tally_recog_t *recog; /* the first TALLY_RECOGNIZED_MAX recognitions */
    size_t n_recog;
    uint64_t recog_count;
} tally_result_t;

/* The tallies of the quarter holding as_of, as of the end of that day, for
 * one campaign (NULL or "": all) and one unit (NULL or "": all).  The tally
 * must be caught up.  Reads the quarter tallies of the quarters before and
 * of that quarter (its last day) or the day tallies of its days up to
 * as_of (a day inside it).  Free with tally_result_free. */
int tally_query(store_txn_t *t, int32_t as_of, const char *campaign, const char *unit,
                tally_result_t *out);
void tally_result_free(tally_result_t *r);

/* Up to want ids of unit's nominations (of campaign; NULL or "": all)
 * with an evidence gap at the end of day, in key order, into ids[]. */
int tally_gap_ids(store_txn_t *t, int32_t day, const char *campaign, const char *unit, size_t want,
                  uint64_t *ids, size_t *n);

/* fsck: compares the tally summed over every quarter with the nominations'
 * current states per (campaign, unit, kind, state).  The tally must be
 * caught up.  Calls report(arg, sentence) for each difference (at most
 * max_reports) and returns their number in *problems. */
int tally_check(store_txn_t *t, void (*report)(void *arg, const char *sentence), void *arg,
                uint64_t *problems);

#endif
