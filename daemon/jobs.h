/* SPDX-License-Identifier: MIT */
/*
 * Timers and jobs in LMDB.  A timer is kept under its
 * deterministic id in `timers`; while pending it also has an entry
 * (fire_ms, id) in `timer_due`, so the next timers to fire are the first
 * keys.  A job is kept under its id in `jobs`; while ready or leased it has
 * an entry (available_ms, id) in `job_queue`, so the jobs a worker may take,
 * and the leases that have run out, are the first keys.  The put functions
 * keep each index in step with the record's state.  job_queue keys start with
 * the job's state, so the ready jobs and the leases that ran out are each the
 * first keys of their own part.  Writes are sticky on the transaction
 * (store.h).
 */
#ifndef EXEMPLAR_JOBS_H
#define EXEMPLAR_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "workers.pb-c.h"

#define JOBS_ID_MAX 200 /* bytes of a timer or job id */

/* "remind-deadline", "remind-overdue", "remind-stale", "summary" (NULL: unknown). */
const char *jobs_kind_name(Exemplar__JobKind k);
Exemplar__JobKind jobs_kind_parse(const char *s);
/* "ready", "leased", "done", "parked". */
const char *jobs_state_name(Exemplar__JobState s);
Exemplar__JobState jobs_state_parse(const char *s);
/* "pending", "fired", "cancelled", "skipped". */
const char *jobs_timer_state_name(Exemplar__TimerState s);

/* 0 with *out (free with exemplar__timer__free_unpacked), -EX_ENOTFOUND or
 * -EX_ESTORAGE. */
int jobs_timer_get(store_txn_t *t, const char *id, Exemplar__Timer **out);
/* Writes tm; old is the record it replaces (NULL for a new timer), so that
 * the firing order index is kept for pending timers only. */
void jobs_timer_put(store_txn_t *t, const Exemplar__Timer *tm, const Exemplar__Timer *old);

int jobs_get(store_txn_t *t, const char *id, Exemplar__Job **out);
/* Writes j (its context is never stored); old as for jobs_timer_put. */
void jobs_put(store_txn_t *t, const Exemplar__Job *j, const Exemplar__Job *old);

/* The first entries of an order index whose time is at or before until_ms:
 * up to max ids copied into ids (each JOBS_ID_MAX + 1 bytes).  part is 0
 * for DB_TIMER_DUE and a job state (ready, leased) for DB_JOB_QUEUE.
 * Returns how many, or a negative error. */
int jobs_due(store_txn_t *t, store_db_t db, int part, int64_t until_ms,
             char (*ids)[JOBS_ID_MAX + 1], size_t max);

/* The earliest time in an order index (or its part), INT64_MAX when empty. */
int64_t jobs_next_time(store_txn_t *t, store_db_t db, int part);

/* Does the record hold a delivery on channel? */
bool jobs_delivered(const Exemplar__Job *j, const char *channel);

/* The backoff before a failed job is handed out again: 2^(failures-1)
 * seconds, at most five minutes. */
int64_t jobs_backoff_ms(uint32_t failures);

#endif
