/* SPDX-License-Identifier: MIT */
/*
 * The benchmark's shared parts: the workload model (which nominations exist,
 * their state and version as the benchmark last saw them), the measurement
 * runner that drives any system under test from N client threads with the
 * same picking, timing and latency code, and small helpers (clock, request
 * ids, block-device counters).
 *
 * Both systems under test (exemplard and PostgreSQL) are driven through a
 * target_t, so the client-side overhead has the same shape on both sides:
 * one synchronous request per thread at a time, timed around the call.
 */
#ifndef EXEMPLAR_BENCH_COMMON_H
#define EXEMPLAR_BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* States of the main path, as in proto/record.proto's State. */
enum {
    BS_REGISTERED = 1,
    BS_FOSTERING = 2,
    BS_UNIT_REVIEWED = 3,
    BS_MINISTRY_REVIEWED = 4,
    BS_RECOGNIZED = 5,
};

/* Monotonic clock. */
uint64_t now_ns(void);
double now_s(void);

/* A process-wide source of request ids: time-ordered (milliseconds << 16 at
 * start, then +1 per id) and unique within the process, so that a high
 * request rate never reuses one (16 random bits per millisecond collide at a
 * few thousand requests per second).  reqid_block() reserves n consecutive
 * ids and returns the first. */
void reqid_init(void);
uint64_t reqid_next(void);
uint64_t reqid_block(uint64_t n);

/* The workload model of one system under test.  Entry i is the benchmark's
 * i-th nomination; key[i] is its id in that system. */
typedef struct {
    size_t n;
    uint64_t *key;
    uint64_t *version;
    uint8_t *state;
} model_t;

/* 0, or -1 without memory.  Every entry starts registered at version 1. */
int model_init(model_t *m, size_t n);
void model_deinit(model_t *m);
/* Moves left on the main path until every nomination is recognized. */
uint64_t model_remaining(const model_t *m);

/* What the seeders and the PostgreSQL copy agree on for nomination i. */
void seed_fields(size_t i, char *unit, size_t unit_len, int *kind, char *name, size_t name_len);
#define SEED_CAMPAIGN "2021-2025"

/* move() results besides 0 (done) and negative (failed, err filled in). */
#define MOVE_CONFLICT 1 /* stale version: *new_version is the current one */

/* A system under test.  connect() runs in the client thread before the
 * clock starts and should leave the connection warm (connected, statements
 * prepared); it returns NULL with err filled in on failure. */
typedef struct {
    const char *name;
    void *arg;
    void *(*connect)(void *arg, char *err, size_t err_len);
    int (*move)(void *conn, uint64_t key, int from, int to, uint64_t expected_version,
                uint64_t *new_version, char *err, size_t err_len);
    void (*disconnect)(void *conn);
} target_t;

/* Counters of the block device that holds a path (/proc/diskstats). */
typedef struct {
    bool ok;
    unsigned major, minor;
    char name[32];
} blkdev_t;

typedef struct {
    uint64_t write_ios, write_sectors;
} devstat_t;

/* Finds the device holding path; d->ok false when it is not in diskstats. */
void dev_find(const char *path, blkdev_t *d);
/* 0, or -1 when the device's line cannot be read. */
int dev_read(const blkdev_t *d, devstat_t *s);

/* One measurement. */
typedef struct {
    int clients;
    uint64_t ops;       /* moves done */
    uint64_t conflicts; /* stale versions (should stay 0: clients own disjoint nominations) */
    double seconds;     /* from the first client's start to the last one's end */
    double tps;
    double p50_ms, p99_ms, p999_ms, max_ms;
    bool has_dev;
    double dev_kib_per_tx;    /* KiB written to the device per move */
    double dev_writes_per_tx; /* write requests the device completed per move */
    bool limited_by_quota;    /* stopped by the move budget, not the duration */
} run_t;

/* Runs `clients` threads against t for duration_s seconds or until they
 * have made quota moves together, each thread moving random nominations of
 * its own share (i % clients == thread) one step along the main path with
 * the expected version.  dev may be NULL.  0, or -1 with err filled in (a
 * connection or a move failed). */
int run_transitions(const target_t *t, model_t *m, int clients, double duration_s, uint64_t quota,
                    uint64_t seed, const blkdev_t *dev, run_t *out, char *err, size_t err_len);

/* Median of v[0..n) (n >= 1); v is reordered. */
double median(double *v, size_t n);

#endif
