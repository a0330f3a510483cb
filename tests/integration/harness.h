/* SPDX-License-Identifier: MIT */
/*
 * The integration test harness: runs the real exemplard in a fresh, short
 * temporary directory (its state directory, so every ipc:// path fits in
 * sun_path) and plays the service manager: it binds a datagram socket, points
 * NOTIFY_SOCKET at it and waits for READY=1 with a deadline instead of
 * sleeping.  One daemon per test.
 *
 * Every function returns 0 or -1; on -1 it has already printed on stderr
 * what went wrong, including the daemon's own log when the daemon is the
 * cause.  The daemon's stdout and stderr go to DIR/exemplard.log.
 *
 * Environment knobs: EXEMPLAR_TEST_KEEP=1 keeps the directory after the test;
 * EXEMPLAR_TEST_LOG=1 prints the daemon's log at every stop.
 */
#ifndef EXEMPLAR_TEST_HARNESS_H
#define EXEMPLAR_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "exemplar.h"

typedef struct {
    char dir[64];         /* /tmp/exh.XXXXXX: state dir, sockets, log */
    char api[96];         /* ipc://DIR/api.sock */
    char log_path[96];    /* DIR/exemplard.log */
    char notify_path[96]; /* DIR/notify.sock, bound only while starting */
    char conf_path[96];   /* DIR/exemplard.conf, passed with --config */
    const char *extra[8]; /* further exemplard options, NULL-terminated */
    pid_t pid;            /* 0 when not running */
    int pidfd;            /* -1 when not running */
    int starts;           /* how many times the daemon was started */
    void *zmq;            /* ZeroMQ context for raw sockets (lazy) */
} harness_t;

/* Makes the directory and starts the daemon in it.  extra may be NULL, or a
 * NULL-terminated list of further options (at most 7).  The daemon runs
 * with HARNESS_FOUNDATION_CONF: the plan's rules (units, windows, criteria) off, so tests of
 * the state machine's mechanics need no units, windows or evidence. */
int harness_start(harness_t *h, const char *const *extra);

#define HARNESS_FOUNDATION_CONF "[rules]\nenforce = no\n"

/* As harness_start, with conf as the daemon's configuration file. */
int harness_start_conf(harness_t *h, const char *conf, const char *const *extra);

/* Starts the daemon again on the same directory (after stop or kill9). */
int harness_restart(harness_t *h);

/* SIGTERM, then requires exit status 0 within the deadline (SIGKILL and -1
 * otherwise). */
int harness_stop(harness_t *h);

/* SIGKILL and reap.  -1 if the daemon had already died on its own. */
int harness_kill9(harness_t *h);

/* Is the daemon process still alive (it may have crashed on its own)?  A
 * daemon found dead is reaped and its status and log are printed. */
int harness_alive(harness_t *h);

/* Kills the daemon if it still runs and removes the directory (unless
 * EXEMPLAR_TEST_KEEP is set or keep is non-zero). */
void harness_cleanup(harness_t *h, int keep);

/* Prints the daemon's log on stderr. */
void harness_dump_log(const harness_t *h);

/* A client of the api endpoint: timeout_ms per attempt, no retries (a lost
 * reply must show up as a failure, not be papered over). */
ex_client_t *harness_client(const harness_t *h, int timeout_ms);

/* cmocka-style fixtures: *state becomes a started harness_t; teardown
 * requires a clean exit 0 and fails otherwise. */
int harness_setup(void **state);
int harness_teardown(void **state);

/* ---- raw access to the api socket (for bytes no client library sends) --- */

typedef struct {
    int frames;       /* frames in the reply; 0 = none before the timeout */
    uint8_t *payload; /* the last frame of the reply (malloc'd) */
    size_t len;
    Exemplar__Reply *reply; /* the payload decoded, or NULL if it does not decode */
} harness_raw_reply_t;

/* Sends n frames as one message from a fresh DEALER socket and waits up to
 * timeout_ms for one reply message.  Returns 0 (out->frames == 0 when no
 * reply came) or -1 on a local ZeroMQ failure. */
int harness_raw_call(harness_t *h, const void *const *frames, const size_t *lens, int n,
                     int timeout_ms, harness_raw_reply_t *out);

/* One encoded Request as a single frame. */
int harness_raw_request(harness_t *h, const Exemplar__Request *req, int timeout_ms,
                        harness_raw_reply_t *out);

void harness_raw_reply_free(harness_raw_reply_t *r);

/* Encodes req into a malloc'd buffer. */
uint8_t *harness_pack(const Exemplar__Request *req, size_t *len);

/* ---- other processes ------------------------------------------------------ */

/* Runs argv[0] (a path) with stdout and stderr captured into out (truncated
 * to out_len, NUL-terminated).  Returns the exit status, or -1 if it did not
 * exit normally or could not be run. */
int harness_run(const char *const *argv, char *out, size_t out_len);

#endif
