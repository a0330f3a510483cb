/* SPDX-License-Identifier: MIT */
/*
 * Progress of exemplarctl's long operations, pg_basebackup -P style: one
 * line on standard error, redrawn in place at most four times a second,
 * "list: 12000/50000 nominations (24%), 3400/s, ETA 0:11", and erased at
 * the end.  Only when standard error is a terminal: piped or redirected
 * (scripts, cron, systemd) nothing is drawn and the calls cost nothing.
 *
 * Use from one thread, except the ticker (ctl_progress_tick_start), which
 * redraws the elapsed time from its own thread while the caller waits on
 * one long request (fsck) whose progress the daemon does not report.
 */
#ifndef EXEMPLARCTL_PROGRESS_H
#define EXEMPLARCTL_PROGRESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    FILE *f;           /* stderr when it is a terminal; NULL: quiet */
    const char *label; /* "list", "export" */
    const char *unit;  /* "nominations", "records", "MiB" */
    uint64_t total;    /* 0: unknown */
    uint64_t done;
    int64_t start_ms, drawn_ms;
    size_t width; /* of the last line drawn, to erase it */
    /* the ticker */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool ticking, stop;
} ctl_progress_t;

/* Starts a progress line (drawn on the first update).  total 0 = unknown.
 * label and unit must outlive p. */
void ctl_progress_init(ctl_progress_t *p, const char *label, const char *unit, uint64_t total);

/* Whether anything will be drawn (standard error is a terminal): callers
 * may skip work done only for the progress line, such as asking a total. */
bool ctl_progress_shown(const ctl_progress_t *p);

/* Sets the total later (0: unknown). */
void ctl_progress_total(ctl_progress_t *p, uint64_t total);

/* done units so far; redraws if 250 ms have passed since the last line. */
void ctl_progress_update(ctl_progress_t *p, uint64_t done);

/* Redraws "label: waiting for UNIT… 12 s" every 250 ms from a thread until
 * ctl_progress_deinit; for one long call.  Returns 0, or -1 when no thread
 * could be started (then nothing is drawn). */
int ctl_progress_tick_start(ctl_progress_t *p);

/* Erases the line (stops the ticker); p may be initialised again. */
void ctl_progress_deinit(ctl_progress_t *p);

#endif
