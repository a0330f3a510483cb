/* SPDX-License-Identifier: MIT */
/*
 * Timers and jobs (api_jobs.c): the workers' and administrators' requests,
 * rows of API_OPS (api.c), and the tick the scheduler (background.c) runs in its
 * housekeeping transaction.  The state kept between calls (the timers'
 * configuration, when to derive them again, the workers seen) is an
 * api_jobs_t, which the call context carries (call_t.jobs).
 */
#ifndef EXEMPLAR_API_JOBS_H
#define EXEMPLAR_API_JOBS_H

#include "api_call.h"
#include "timers.h"

/* Reads [workers] and [timers] from cfg.  NULL with a sentence in err. */
api_jobs_t *api_jobs_new(const config_t *cfg, char *err, size_t errlen);
void api_jobs_destroy(api_jobs_t **p);

/* Takes the timers' configuration of a reload (checked by timers_cfg_from)
 * and derives the timers again at the next tick: the campaigns may have
 * changed. */
void api_jobs_set_timers(api_jobs_t *j, const timers_cfg_t *timers);

/* Workers lease, deliver and acknowledge; readers list (unit officers:
 * their unit's jobs); administrators retry a parked job or fire a timer
 * now. */
int api_jobs_lease(call_t *x);
int api_jobs_deliver(call_t *x);
int api_jobs_ack(call_t *x);
int api_jobs_list(call_t *x);
int api_jobs_retry(call_t *x);

/* The tick inside housekeeping's write transaction: derives the timers
 * when due (start, reload, hourly), fires the due ones, takes back leases
 * that ran out.  Returns whether it wrote. */
bool api_jobs_tick(api_jobs_t *j, store_txn_t *txn, const rules_t *rules, int64_t now_ms);
/* When the tick has work next (ms since the epoch): what the last tick
 * read, brought forward by the requests since (a lease, a timer fired by
 * hand, a reload).  0 before the first tick. */
int64_t api_jobs_next_ms(const api_jobs_t *j);
/* Brings the tick forward to at_ms (a request made a deadline then). */
void api_jobs_wake(api_jobs_t *j, int64_t at_ms);
/* Workers that asked for jobs in the last ten minutes. */
size_t api_jobs_workers(const api_jobs_t *j, int64_t now_ms);

#endif
