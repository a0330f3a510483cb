/* SPDX-License-Identifier: MIT */
/*
 * Durable timers derived from the campaigns.  Every deadline
 * milestone gives reminders [workers] remind_before it and remind_after it;
 * every period's windows give a reminder stale_after the last window a state
 * can be left in has closed; every calendar quarter gives a summary
 * summary_delay after it ends.  Deriving is idempotent (deterministic ids):
 * new timers are added, pending timers whose deadline left the campaign
 * files are cancelled, those whose moment moved are moved, and timers first
 * derived more than catch_up after their moment are recorded as skipped (a
 * new installation does not remind anyone of 2021); a skipped or cancelled
 * timer within catch_up again (a longer catch_up, a deadline restored) is
 * pending again.  A timer that fires
 * makes its jobs in the same transaction, so a restart neither loses nor
 * repeats it.
 */
#ifndef EXEMPLAR_TIMERS_H
#define EXEMPLAR_TIMERS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "duration.h"
#include "rules.h"
#include "store.h"

#define TIMERS_OFFSETS_MAX 8

typedef struct {
    duration_t before[TIMERS_OFFSETS_MAX], after[TIMERS_OFFSETS_MAX], stale[TIMERS_OFFSETS_MAX];
    size_t n_before, n_after, n_stale;
    duration_t summary_delay, catch_up;
    unsigned max_attempts;
} timers_cfg_t;

/* Reads [workers] from cfg.  Returns 0, or -1 with a sentence naming the key. */
int timers_cfg_from(const config_t *cfg, timers_cfg_t *out, char *err, size_t errlen);

typedef struct {
    size_t created, moved, cancelled, skipped;
} timers_sync_t;

/* Brings the `timers` database in step with the campaigns of r at now_ms. */
int timers_sync(store_txn_t *txn, const rules_t *r, const timers_cfg_t *c, int64_t now_ms,
                timers_sync_t *out);

/* Fires up to max timers due at now_ms: makes their jobs (ready at once) and
 * marks them fired.  *jobs counts the jobs made.  Returns how many timers
 * fired, or a negative error. */
int timers_fire_due(store_txn_t *txn, const rules_t *r, int64_t now_ms, size_t max, size_t *jobs);

#endif
