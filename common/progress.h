/* SPDX-License-Identifier: MIT */
/*
 * Progress of long operations (exemplarctl's list, fsck, backup and export;
 * exemplard's offline import and restore), pg_basebackup -P style: one
 * line on standard error, redrawn in place at most four times a second,
 * "list: 12000/50000 nominations (24%), 3400/s, ETA 0:11" or, counting
 * bytes, "backup: 12.0/48.0 MB (25%), 6.1 MB/s, ETA 0:06", and erased at
 * the end.  Only when standard error is a terminal: piped or redirected
 * (scripts, cron, systemd) nothing is drawn and the calls cost nothing.
 * In common/ because the clients and the daemon's offline code draw the
 * same line.
 *
 * Use from one thread, except the ticker (ex_progress_tick_start and
 * ex_progress_phase), which redraws the elapsed time from its own thread
 * while the caller waits on one long step whose progress nobody reports
 * (fsck's request, the daemon writing a snapshot, restore's copy).
 */
#ifndef EXEMPLAR_PROGRESS_H
#define EXEMPLAR_PROGRESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    FILE *f;           /* stderr when it is a terminal; NULL: quiet */
    const char *label; /* "list", "export" */
    const char *unit;  /* "nominations", "records"; NULL: bytes, shown in MB */
    uint64_t total;    /* 0: unknown */
    uint64_t done;
    const char *count_unit; /* a second count shown after the first: "lines" */
    uint64_t count;
    const char *phase; /* the ticker's text; NULL: "waiting for the daemon" */
    int64_t start_ms, drawn_ms;
    size_t width; /* of the last line drawn, to erase it */
    /* the ticker */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool ticking, stop;
} ex_progress_t;

/* Starts a progress line (drawn on the first update).  total 0 = unknown.
 * label and unit must outlive p. */
void ex_progress_init(ex_progress_t *p, const char *label, const char *unit, uint64_t total);

/* Whether anything will be drawn (standard error is a terminal): callers
 * may skip work done only for the progress line, such as asking a total. */
bool ex_progress_shown(const ex_progress_t *p);

/* Sets the total later (0: unknown). */
void ex_progress_total(ex_progress_t *p, uint64_t total);

/* done units so far; redraws if 250 ms have passed since the last line. */
void ex_progress_update(ex_progress_t *p, uint64_t done);

/* Shows ", COUNT UNIT" after the rate ("12000 lines" while bytes are
 * counted); unit must outlive p.  Drawn with the next update. */
void ex_progress_count(ex_progress_t *p, uint64_t count, const char *unit);

/* Redraws "label: waiting for the daemon, 0:12" every 250 ms from a
 * thread until ex_progress_tick_stop or ex_progress_deinit; for one long
 * call.  Returns 0, or -1 when no thread could be started (then nothing
 * is drawn). */
int ex_progress_tick_start(ex_progress_t *p);

/* Names the step the ticker waits on, "label: PHASE, 0:03" (the clock
 * counts from this call), redraws at once and starts the ticker if it is
 * not running.  phase must outlive p.  Returns as ex_progress_tick_start. */
int ex_progress_phase(ex_progress_t *p, const char *phase);

/* Stops the ticker, leaving its line to be drawn over by the next update;
 * the rate and the ETA then count from here. */
void ex_progress_tick_stop(ex_progress_t *p);

/* Erases p's line (stops its ticker); a later update draws it again. */
void ex_progress_clear(ex_progress_t *p);

/* Erases the line being drawn, if any (stops its ticker), so that an error
 * message written next starts on a clean line; a later update draws it
 * again.  Error reporters call it before writing to standard error. */
void ex_progress_clear_current(void);

/* Erases the line (stops the ticker); p may be initialised again. */
void ex_progress_deinit(ex_progress_t *p);

#endif
