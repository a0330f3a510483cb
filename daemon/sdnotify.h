/* SPDX-License-Identifier: MIT */
/*
 * The service manager's protocols: readiness and status (sd_notify), the
 * watchdog, and sockets passed by socket activation (sd_listen_fds).  This
 * is the only file that includes <systemd/sd-daemon.h>.
 *
 * Outside systemd (no $NOTIFY_SOCKET, no $WATCHDOG_USEC, no $LISTEN_FDS)
 * every call does nothing, and that is not an error.  A failure to notify is
 * never fatal either: the notify functions return nothing on purpose.
 */
#ifndef EXEMPLAR_SDNOTIFY_H
#define EXEMPLAR_SDNOTIFY_H

#include <stddef.h>
#include <stdint.h>

/* READY=1 with a STATUS= line: start-up is complete, or a reload is over. */
void sdnotify_ready(const char *status);

/* STATUS= only: the one-line summary `systemctl status` shows. */
void sdnotify_status(const char *status);

/* STOPPING=1 with STATUS=stopping: shutdown has begun. */
void sdnotify_stopping(void);

/* RELOADING=1 with STATUS=reloading and MONOTONIC_USEC= (which systemd 253's
 * Type=notify-reload requires and older managers ignore).  Must be followed
 * by sdnotify_ready() once the reload is over, whether it succeeded or not. */
void sdnotify_reloading(void);

/* The watchdog interval the service manager asks this process to keep, in
 * microseconds, or 0 when there is none ($WATCHDOG_USEC unset, or
 * $WATCHDOG_PID naming another process). */
uint64_t sdnotify_watchdog_usec(void);

/* WATCHDOG=1: the loop is alive. */
void sdnotify_watchdog(void);

/* A socket passed by the service manager ($LISTEN_FDS, $LISTEN_PID,
 * $LISTEN_FDNAMES). */
typedef struct {
    int fd;
    char name[64]; /* FileDescriptorName= of the socket unit, "" if none given */
} sdnotify_fd_t;

/* Takes the sockets passed to this process: fills up to `cap` entries of fds
 * and sets *count to how many were passed (which may exceed cap: the rest are
 * closed).  The environment variables are unset, so children do not inherit
 * them, and the taken fds get FD_CLOEXEC.
 * Returns 0 (also with *count 0 when none were passed or they were meant for
 * another process), or -errno when $LISTEN_FDS is malformed. */
int sdnotify_listen_fds(sdnotify_fd_t *fds, size_t cap, size_t *count);

#endif
