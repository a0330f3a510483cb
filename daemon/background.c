/* SPDX-License-Identifier: MIT */
/*
 * Background work (see background.h).  Each housekeeping task says when it wants
 * to run again; one pass runs the due ones in a single write transaction,
 * so that a quiet daemon writes nothing and a busy one pays one commit a
 * second for all of them.
 */
#include "background.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_events.h"
#include "dedup.h"
#include "errors.h"
#include "key.h"
#include "log.h"
#include "records.h"
#include "tally.h"

#define SWEEP_STEP        20000       /* by-state entries examined per housekeeping call */
#define PRUNE_INTERVAL_MS (60 * 1000) /* between passes over the request ids */
#define PRUNE_STEP        10000       /* request ids examined per pass step */
#define TALLY_LAG         5000        /* changes the tallies may lag while the api is busy */
#define NEVER             INT64_MAX
#define SWEEP_PACE_MS     1000 /* between sweep steps while entries are left */
#define RETRY_MS          1000 /* after a housekeeping that could not commit */
#define HOLD_CHECK_MS     100  /* while the change feed holds its messages back */

enum { TASK_PRUNE, TASK_SWEEP, TASK_JOBS, TASK_COUNT };

struct background {
    store_t *store;
    outbox_t *outbox;
    const config_t *cfg;
    int64_t next_ms[TASK_COUNT];
    uint64_t prune_resume;
    uint64_t stale_index_entries; /* by-state entries left behind and not yet swept */
    uint8_t sweep_resume[KEY_MAX];
    size_t sweep_resume_len;
    int64_t held_check_ms; /* when to look again at a change feed holding back */
    int64_t last_ms;       /* the last housekeeping */
};

/* What a task works with besides the scheduler's own state. */
typedef struct {
    const rules_t *rules;
    api_jobs_t *jobs;
} env_t;

/* Runs one bounded step in txn.  Returns how much it did (0: it wrote
 * nothing) and sets *next_ms, when it wants to run again. */
typedef size_t task_fn(background_t *s, const env_t *env, store_txn_t *txn, int64_t now_ms,
                       int64_t *next_ms);

/* Forgets request ids older than [api] request_ttl_hours. */
static size_t prune(background_t *s, const env_t *env, store_txn_t *txn, int64_t now_ms,
                    int64_t *next_ms)
{
    (void)env;
    int64_t cutoff = now_ms - (int64_t)s->cfg->request_ttl_hours * 3600 * 1000;
    size_t forgotten = dedup_prune(txn, cutoff, PRUNE_STEP, &s->prune_resume);
    *next_ms = now_ms + (s->prune_resume ? 1000 : PRUNE_INTERVAL_MS);
    if (forgotten)
        log_debug("api, forgot %zu request ids older than %u hours", forgotten,
                  s->cfg->request_ttl_hours);
    return forgotten;
}

/* Sweeps stale by-state entries in key order, a bounded step at a time:
 * deleting many entries of one leaf together costs one page write, where
 * deleting each at its move would have cost a random page per move. */
static size_t sweep(background_t *s, const env_t *env, store_txn_t *txn, int64_t now_ms,
                    int64_t *next_ms)
{
    (void)env;
    *next_ms = NEVER;
    if (!s->stale_index_entries)
        return 0;
    bool from_start = s->sweep_resume_len == 0;
    size_t dropped =
        records_sweep_state_index(txn, SWEEP_STEP, s->sweep_resume, &s->sweep_resume_len);
    s->stale_index_entries -= dropped < s->stale_index_entries ? dropped : s->stale_index_entries;
    /* A whole pass that found nothing means the count had drifted. */
    if (from_start && s->sweep_resume_len == 0 && dropped == 0)
        s->stale_index_entries = 0;
    if (s->stale_index_entries)
        *next_ms = now_ms + SWEEP_PACE_MS; /* a step a second until done */
    if (dropped)
        log_debug("api, swept %zu stale index entries", dropped);
    return dropped;
}

/* Timers and job leases (api_jobs.c): their deadlines are in the store; the
 * tick reads the next one after its own writes, and the requests bring it
 * forward (api_jobs_wake), so it runs when one is due, not every second. */
static size_t jobs(background_t *s, const env_t *env, store_txn_t *txn, int64_t now_ms,
                   int64_t *next_ms)
{
    (void)s;
    size_t done = api_jobs_tick(env->jobs, txn, env->rules, now_ms) ? 1 : 0;
    *next_ms = api_jobs_next_ms(env->jobs);
    return done;
}

static task_fn *const TASKS[TASK_COUNT] = {
    [TASK_PRUNE] = prune,
    [TASK_SWEEP] = sweep,
    [TASK_JOBS] = jobs,
};

background_t *background_new(store_t *store, outbox_t *outbox, const config_t *cfg, char *err,
                             size_t errlen)
{
    background_t *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "api, out of memory");
        return NULL;
    }
    s->store = store;
    s->outbox = outbox;
    s->cfg = cfg;
    /* Unknown after a restart: one background pass finds out. */
    s->stale_index_entries = 1;
    return s; /* every deadline 0: each task runs at the first housekeeping */
}

void background_destroy(background_t **p)
{
    free(*p);
    *p = NULL;
}

void background_note_stale(background_t *s, uint64_t entries)
{
    if (!entries)
        return;
    s->stale_index_entries += entries;
    /* at the sweep's pace: a step a second at most, not one per batch */
    if (s->next_ms[TASK_SWEEP] > s->last_ms + SWEEP_PACE_MS)
        s->next_ms[TASK_SWEEP] = s->last_ms + SWEEP_PACE_MS;
}

void background_index_rebuilt(background_t *s)
{
    s->sweep_resume_len = 0;
}

int64_t background_next_deadline(const background_t *s, const api_jobs_t *jobs)
{
    int64_t next = NEVER;
    for (size_t i = 0; i < TASK_COUNT; i++)
        if (s->next_ms[i] < next)
            next = s->next_ms[i];
    /* the jobs' own deadline, which requests may have brought forward */
    int64_t j = jobs ? api_jobs_next_ms(jobs) : NEVER;
    if (j < next)
        next = j;
    /* the write-ahead log's checkpoint, by time or by the log's size */
    int64_t ck = store_checkpoint_next(s->store);
    if (ck != NEVER && s->last_ms + ck < next)
        next = s->last_ms + ck;
    /* a change feed waiting for its subscribers looks again soon */
    if (outbox_holding(s->outbox) && s->held_check_ms < next)
        next = s->held_check_ms;
    return next;
}

/* A background write that found the map full: grow it (no transaction is
 * open here), so that the next try succeeds as a request batch would.
 * Returns whether it grew. */
static bool grew_after(background_t *s, int rc)
{
    if (rc != -EX_EFULL || !store_map_full(s->store) || store_grow(s->store) < 0)
        return false;
    log_info("api, the map was full for a background write; grown to %llu MiB",
             (unsigned long long)(store_map_size(s->store) >> 20));
    return true;
}

void background_housekeeping(background_t *s, const rules_t *rules, api_jobs_t *jobs,
                             int64_t now_ms)
{
    outbox_monitor_drain(s->outbox); /* count the feed's connections */
    outbox_tick(s->outbox);          /* a feed re-bound by a reload publishes again */
    s->held_check_ms = now_ms + HOLD_CHECK_MS;
    s->last_ms = now_ms;
    s->next_ms[TASK_JOBS] = api_jobs_next_ms(jobs);
    store_txn_t txn;
    if (store_txn_begin(s->store, true, &txn) < 0)
        return;
    env_t env = {rules, jobs};
    size_t done = 0;
    bool ran[TASK_COUNT] = {false};
    for (size_t i = 0; i < TASK_COUNT; i++)
        if (now_ms >= s->next_ms[i]) {
            done += TASKS[i](s, &env, &txn, now_ms, &s->next_ms[i]);
            ran[i] = true;
        }
    int rc = done ? store_txn_commit(&txn) : (store_txn_abort(&txn), 0);
    /* The log's checkpoint: LMDB synced and the old segments recycled, here
     * between batches, never on a request's path. */
    if (store_checkpoint_next(s->store) == 0)
        store_checkpoint_step(s->store);
    if (rc < 0) {
        if (!grew_after(s, rc))
            log_warning("api, housekeeping not committed (%s)", ex_err_message(rc));
        /* What the tasks read of their next deadlines was not kept: they
         * try again in a second. */
        for (size_t i = 0; i < TASK_COUNT; i++)
            if (ran[i] && s->next_ms[i] > now_ms + RETRY_MS)
                s->next_ms[i] = now_ms + RETRY_MS;
        api_jobs_wake(jobs, now_ms + RETRY_MS);
    }
}

bool background_step(background_t *s, const rules_t *rules, bool quiet)
{
    bool more = false;
    int rc = api_events_index(s->store, s->cfg->events_index_lag, quiet, &more);
    if (rc < 0 && !grew_after(s, rc))
        log_warning("api, cannot extend the subject index of events (%s); retrying later",
                    ex_err_message(rc));
    /* the quarterly tallies follow the change log the same way */
    bool tally_more = false;
    rc = tally_background(s->store, rules, TALLY_LAG, quiet, &tally_more);
    if (rc < 0)
        log_warning("api, cannot advance the quarterly tallies (%s); retrying later",
                    ex_err_message(rc));
    return more || tally_more;
}
