/* SPDX-License-Identifier: MIT */
/*
 * The exemplard side of the benchmark: start the real daemon binary in a
 * directory and wait for its READY=1 (the benchmark plays the service
 * manager on NOTIFY_SOCKET), stop it with SIGTERM, read its memory, seed
 * nominations with many registers in flight, and the target_t that moves
 * them through the C client library.
 */
#ifndef EXEMPLAR_BENCH_EXD_H
#define EXEMPLAR_BENCH_EXD_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common.h"

typedef struct {
    pid_t pid;
    int pidfd;
    char endpoint[512]; /* ipc://DIR/api.sock */
    double ready_ms;    /* from fork to READY=1 */
    char status[128];   /* the STATUS= line sent with READY=1 */
} exd_t;

/* Starts `binary` with --state-dir DIR/state and api/events sockets in DIR,
 * its output appended to DIR/exemplard.log, and waits up to timeout_s for
 * READY=1.  extra: more arguments (NULL-terminated) or NULL.  0, or -1 with
 * err filled in (the daemon is then not running). */
int exd_start(exd_t *d, const char *binary, const char *dir, char *const *extra, double timeout_s,
              char *err, size_t err_len);

/* SIGTERM, then waits up to timeout_s for exit (SIGKILL after that).  0 when
 * it exited with status 0, -1 with err filled in otherwise. */
int exd_stop(exd_t *d, double timeout_s, char *err, size_t err_len);

/* Kills the daemon without waiting for anything (error paths). */
void exd_kill(exd_t *d);

typedef struct {
    long rss_kib, anon_kib, file_kib, hwm_kib;
} exd_mem_t;

/* Reads /proc/PID/status.  0, or -1. */
int exd_mem(const exd_t *d, exd_mem_t *m);

/* Registers m->n nominations with `window` requests in flight on one DEALER
 * socket and fills m->key with the ids the daemon gave.  0, or -1 with err. */
int exd_seed(const char *endpoint, model_t *m, int window, double *seconds, char *err,
             size_t err_len);

/* Pages through every nomination (state 0) or those in one state with
 * ListRequest, `page` a request, following next_page_token, on one client.
 * 0, or -1 with err. */
int exd_list(const char *endpoint, int state, uint32_t page, uint64_t *rows, double *seconds,
             char *err, size_t err_len);

/* The daemon's request and batch counters (StatsReply): the mean batch size
 * of a run is the difference of requests over the difference of batches.
 * 0, or -1. */
int exd_counters(const char *endpoint, uint64_t *requests, uint64_t *batches);

/* The write-ahead log's figures (StatsReply wal_*). */
typedef struct {
    bool on;
    uint64_t replayed, last_seq, applied, checkpoints, bytes;
} exd_wal_t;
int exd_wal(const char *endpoint, exd_wal_t *w);

/* The target moving nominations through libexemplar; arg is the endpoint
 * (a const char * that outlives the runs). */
extern const target_t EXD_TARGET;

#endif
