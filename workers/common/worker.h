/* SPDX-License-Identifier: MIT */
/*
 * What every worker does around its own work: take jobs from the
 * daemon with a lease, hand each to the worker's function, record each
 * delivery, acknowledge, and survive a daemon that restarts.
 *
 * Every request is retried with the same request id until the daemon
 * answers (or the worker is told to stop), so a daemon killed between its
 * commit and its answer gives the first answer again and nothing is done
 * twice.  A delivery on a channel the job already records is skipped.
 */
#ifndef EXEMPLAR_WORKER_H
#define EXEMPLAR_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exemplar.h"

typedef struct worker worker_t;

typedef struct {
    const char *name;     /* reported to the daemon: "remind@host" */
    const char *endpoint; /* NULL: ex_default_endpoint() */
    const ex_curve_keys_t *curve;
    const Exemplar__JobKind *kinds;
    size_t n_kinds;
    uint32_t lease_ms; /* 0: 60000 */
    int idle_ms;       /* between polls when no job is ready; 0: 2000 */
    bool once;         /* return when no job is ready */
} worker_opts_t;

/* Does one job.  Returns 0 when done (the job is acknowledged), or -1 after
 * worker_fail() said why (the job is reported failed and retried later). */
typedef int (*worker_job_fn)(worker_t *w, const Exemplar__Job *job, void *arg);

/* Runs until SIGTERM/SIGINT (or, with once, until no job is ready).
 * Returns 0, or 1 when the daemon could not be reached at all. */
int worker_run(const worker_opts_t *opts, worker_job_fn fn, void *arg);

/* Has `channel` been delivered for the job, by this or an earlier lease? */
bool worker_delivered(const worker_t *w, const Exemplar__Job *job, const char *channel);

/* Records a delivery on channel (topic: nt is published by the daemon).
 * Returns 0 (also when the channel was recorded before: *already set), or -1
 * with worker_fail() called (the lease was lost, or the daemon refused). */
int worker_deliver(worker_t *w, const Exemplar__Job *job, const char *channel, const char *detail,
                   const Exemplar__Notification *nt, bool *already);

/* Says why the current job failed (printf-style); returns -1. */
__attribute__((format(printf, 2, 3))) int worker_fail(worker_t *w, const char *fmt, ...);

/* The worker's name and whether it was told to stop. */
const char *worker_name(const worker_t *w);
bool worker_stopping(const worker_t *w);

#endif
