/* SPDX-License-Identifier: MIT */
/*
 * Requests: decode, validate, authorise, apply, answer.  The request types
 * are proto/requests.def (name, reply body, read or write, shared with the
 * clients); API_OPS in api.c gives each its handler and roles.  A batch of
 * requests runs in one LMDB write transaction (group commit); when
 * api_run_batch returns, every call has its encoded reply, and the replies
 * may be sent once api_written_seq's log record is durable (at once with
 * the write-ahead log off: LMDB's commit synced).
 */
#ifndef EXEMPLAR_API_H
#define EXEMPLAR_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "errors.h"
#include "events.pb-c.h"
#include "nom.h"
#include "outbox.h"
#include "records.h"
#include "store.h"

typedef struct api api_t;

typedef struct {
    const uint8_t *data; /* the request as received */
    size_t len;
    actor_t actor;  /* who sent it (authenticated by the transport) */
    uint8_t *reply; /* set by api_run_batch: the encoded exemplar.Reply (free()) */
    size_t reply_len;
    int rc; /* set by api_run_batch: 0, or the refusal's -EX_E* code */
} api_call_t;

/* Statistics kept by the api, read by the loop for STATUS= and logs. */
typedef struct {
    unsigned long long requests;
    unsigned long long refused;
    unsigned long long batches;
    unsigned long long commit_failures;
    /* operator figures: refusals per code, durable commits and their time */
    unsigned long long refused_by_code[EX_ERR_COUNT];
    unsigned long long commits;
    unsigned long long commit_us_total;
} api_stats_t;

/* Reads the counters from the store.  Returns NULL with a sentence in err. */
api_t *api_new(store_t *store, outbox_t *outbox, const config_t *cfg, char *err, size_t errlen);
void api_destroy(api_t **p);

/* Applies calls[0..n) in one write transaction and fills every reply.  When
 * the map is full it grows the map and runs the batch again; when the commit
 * fails otherwise, mutating calls are answered with the storage error and
 * read-only calls are answered from a fresh read transaction. */
void api_run_batch(api_t *a, api_call_t *calls, size_t n);

/* With the write-ahead log on, a batch's commit does not wait for the
 * log's sync: replies built now must wait until the log record this
 * returns, the last written, is durable (api_durable); 0 with the log off. */
uint64_t api_written_seq(const api_t *a);
/* What of the log is durable now; publishes the change feed's messages
 * that waited for it.  Call it when api_durable_fd polls readable. */
uint64_t api_durable(api_t *a);
/* A descriptor that polls readable when more became durable (-1: the log
 * is off, everything is durable when api_run_batch returns). */
int api_durable_fd(const api_t *a);
/* Makes everything written durable (a sync in this thread) and publishes
 * what waited for it. */
void api_wait_durable(api_t *a);
/* Hands that sync to the log's syncer and returns at once: api_durable_fd
 * polls readable when it is done. */
void api_log_kick(api_t *a);

/* An encoded error reply for a message that could not be handed to
 * api_run_batch (for example a message with too many frames).  NULL when out
 * of memory. */
uint8_t *api_error_reply(int code, const char *message, size_t *len);

/* Reads the campaign files and the rule book again (SIGHUP) as cfg says and
 * replaces the running ones; on failure nothing changes and err says why.
 * No transaction may be open (the loop calls it between batches). */
int api_reload_rules(api_t *a, const config_t *cfg, char *err, size_t errlen);

/* Housekeeping, a bounded amount of work per call (the loop calls it when
 * api_next_deadline() has come): forgets request ids older than the
 * configured time, sweeps stale by-state index entries, runs the jobs'
 * tick (timers, leases). */
void api_housekeeping(api_t *a, int64_t now_ms);
/* When housekeeping has work next (ms since the epoch, api_now_ms's clock;
 * INT64_MAX: nothing planned). */
int64_t api_next_deadline(const api_t *a);

/* Work done between batches, off the acknowledgement path: extends the
 * subject index of events by a bounded step when the api has been
 * quiet or the index lags by [store] events_index_lag events or more.
 * Returns true while the index still lags (the loop then comes back soon). */
bool api_background(api_t *a, bool quiet);

const records_counters_t *api_counters(const api_t *a);
const api_stats_t *api_stats(const api_t *a);

/* Everything `exemplarctl stats` shows, from a read transaction of its own
 * (never a write): for the Prometheus endpoint (metrics.c).  by_state needs
 * EX_STATE_MAX + 1 slots and by_code EX_ERR_COUNT; body points into them.
 * Returns 0 (free body with api_stats_snapshot_free) or a negative EX_E*. */
int api_stats_snapshot(api_t *a, Exemplar__StatsReply *body, uint64_t *by_state, uint64_t *by_code);
void api_stats_snapshot_free(Exemplar__StatsReply *body);

/* Milliseconds since the epoch. */
int64_t api_now_ms(void);

#endif
