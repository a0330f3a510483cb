/* SPDX-License-Identifier: MIT */
/*
 * The one event loop: a zmq_poll over the api socket, a signalfd and the
 * publisher feeds of the configuration (feeds.h).  Each
 * turn drains what has arrived (up to max_batch requests), runs it as one
 * group commit through the api, and only then sends the replies and
 * publishes the changes.  Between turns it pings the watchdog (WATCHDOG=1 at
 * half the interval systemd asks for, so a loop stuck anywhere is killed),
 * refreshes STATUS=, reloads on SIGHUP and does bounded housekeeping.
 */
#ifndef EXEMPLAR_LOOP_H
#define EXEMPLAR_LOOP_H

#include "api.h"
#include "config.h"
#include "metrics.h"

typedef struct loop loop_t;

/* api_socket: a bound ROUTER.  signal_fd: a signalfd for SIGTERM, SIGINT and
 * SIGHUP.  Returns NULL when out of memory. */
loop_t *loop_new(const config_t *cfg, api_t *api, void *api_socket, int signal_fd);
void loop_destroy(loop_t **p);

/* Called on SIGHUP between RELOADING=1 and READY=1: re-reads what can change
 * while running.  Returns 0, or -1 when the reload failed (it has logged why;
 * the STATUS= line then says so until a later reload succeeds). */
typedef int (*loop_reload_fn)(void *arg);

/* Without a reload function SIGHUP only logs that nothing was reloaded. */
void loop_set_reload(loop_t *l, loop_reload_fn fn, void *arg);

/* Refreshes m's snapshot every second (housekeeping): the HTTP thread only
 * copies it, so a scraper never reaches the loop or LMDB (metrics.h). */
void loop_set_metrics(loop_t *l, metrics_t *m);

/* Runs until SIGTERM or SIGINT; the batch in hand is finished first.
 * Returns 0, or -1 when polling itself failed. */
int loop_run(loop_t *l);

#endif
