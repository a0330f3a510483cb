/* SPDX-License-Identifier: MIT */
/*
 * The daemon's background work, off the acknowledgement path, as one
 * scheduler: a table of housekeeping tasks, each with its own deadline,
 * run in one write transaction of their own between batches (forget old
 * request ids, sweep stale by-state index entries, the jobs' tick), and the
 * derived data that follows the logs when the api is quiet or lagging (the
 * subject index of events, the quarterly tallies).
 *
 * The loop calls background_housekeeping() when background_next_deadline() has
 * come and background_step() between batches; no transaction may be open then.  The request path
 * tells the scheduler what it left behind (background_note_stale, background_index_rebuilt).
 */
#ifndef EXEMPLAR_BACKGROUND_H
#define EXEMPLAR_BACKGROUND_H

#include <stdbool.h>
#include <stdint.h>

#include "api_jobs.h"
#include "config.h"
#include "outbox.h"
#include "rules.h"
#include "store.h"

typedef struct background background_t;

/* NULL with a sentence in err (out of memory).  cfg must outlive it. */
background_t *background_new(store_t *store, outbox_t *outbox, const config_t *cfg, char *err,
                             size_t errlen);
void background_destroy(background_t **p);

/* A committed batch left this many stale by-state entries: the sweep runs
 * at the next housekeeping. */
void background_note_stale(background_t *s, uint64_t entries);
/* The by-state index was rebuilt (fsck --repair): the sweep starts over. */
void background_index_rebuilt(background_t *s);

/* Runs the tasks whose deadline has come, a bounded step each, in one
 * write transaction; a failure is logged (a full map grows it) and the
 * tasks try again at their next deadline. */
void background_housekeeping(background_t *s, const rules_t *rules, api_jobs_t *jobs,
                             int64_t now_ms);

/* Extends the subject index of events and the quarterly tallies by a
 * bounded step each when quiet or lagging.  Returns true while either still
 * lags (the loop then comes back soon). */
bool background_step(background_t *s, const rules_t *rules, bool quiet);

/* The earliest deadline of the housekeeping tasks (ms since the epoch),
 * the jobs' tick's among them (jobs may be NULL: not counted): the loop
 * sleeps until then, there is no fixed tick. */
int64_t background_next_deadline(const background_t *s, const api_jobs_t *jobs);

#endif
