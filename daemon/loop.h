/* SPDX-License-Identifier: MIT */
/*
 * The one event loop: a zmq_poll over the sources registered with it, a
 * table of {socket or fd, stage, handler, arg} (beanstalkd's way) that the
 * loop walks each turn.  The loop registers the api sockets (the local one,
 * auth's CURVE one), the publisher feeds (feeds.h) and the signalfd; auth
 * registers its ZAP socket and handshake monitors through its own hook.
 * Each turn serves the control sources (signals), drains what has arrived
 * on the request sources (up to max_batch requests), serves the event
 * sources (ZAP, monitors: after the requests, so that a connection's
 * messages are counted before its close is judged, peerlog.h), runs the
 * batch as one group commit through the api, and only then sends the
 * replies and publishes the changes.
 *
 * The poll sleeps until the next deadline, not a fixed tick: the watchdog
 * (WATCHDOG=1 at half the interval systemd asks for, so a loop stuck
 * anywhere is killed), STATUS= (every 5 s), the scheduler's next
 * housekeeping (api_next_deadline: request ids, the sweep, timers, leases),
 * the metrics snapshot (within a second of a change), and, while background
 * work lags or just after requests, a quiet step 50 ms on.  SIGHUP reloads.
 */
#ifndef EXEMPLAR_LOOP_H
#define EXEMPLAR_LOOP_H

#include "api.h"
#include "config.h"
#include "metrics.h"

#include <zmq.h>

typedef struct loop loop_t;

/* When in a turn a source is served. */
typedef enum {
    LOOP_CONTROL,  /* first: signals */
    LOOP_REQUESTS, /* read into the batch, one message per source per round */
    LOOP_EVENTS,   /* after the requests were read: ZAP, the monitors */
} loop_stage_t;

typedef void loop_handler_fn(void *arg);
/* Who sent a message of an api socket (auth_actor_of, auth_local_actor). */
typedef void loop_actor_fn(zmq_msg_t *payload, actor_t *out);

/* api_socket: a bound ROUTER (NULL: none).  signal_fd: a signalfd for
 * SIGTERM, SIGINT and SIGHUP (-1: none).  Registers them, the CURVE api
 * socket, the publisher feeds and auth's sources.  Returns NULL when out of
 * memory or a feed could not be made (logged). */
loop_t *loop_new(const config_t *cfg, api_t *api, void *api_socket, int signal_fd);
void loop_destroy(loop_t **p);

/* Registers a control or event source: a ZeroMQ socket, or when socket is
 * NULL a file descriptor; the loop runs handler(arg) in the turns it is
 * readable, at its stage, in registration order.  A source registered while
 * the loop runs is polled from the next turn on.  Returns 0, or -1 (out of
 * memory, or LOOP_REQUESTS: request sources are api sockets). */
int loop_add(loop_t *l, void *socket, int fd, loop_stage_t stage, loop_handler_fn *handler,
             void *arg);
/* Registers an api socket (a bound ROUTER): its messages are requests of
 * the batch, sent by actor(payload).  Returns 0 or -1. */
int loop_add_api(loop_t *l, void *socket, loop_actor_fn *actor);

/* The poll timeout of the last turn, in ms (for tests). */
long loop_last_timeout(const loop_t *l);

/* Called on SIGHUP between RELOADING=1 and READY=1: re-reads what can change
 * while running.  Returns 0, or -1 when the reload failed (it has logged why;
 * the STATUS= line then says so until a later reload succeeds). */
typedef int (*loop_reload_fn)(void *arg);

/* Without a reload function SIGHUP only logs that nothing was reloaded. */
void loop_set_reload(loop_t *l, loop_reload_fn fn, void *arg);

/* Refreshes m's snapshot within a second of a change and every 5 s: the
 * HTTP thread only copies it, so a scraper never reaches the loop or LMDB
 * (metrics.h). */
void loop_set_metrics(loop_t *l, metrics_t *m);

/* Runs until SIGTERM or SIGINT; the batch in hand is finished first.
 * Returns 0, or -1 when polling itself failed. */
int loop_run(loop_t *l);

#endif
