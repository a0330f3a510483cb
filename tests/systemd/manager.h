/* SPDX-License-Identifier: MIT */
/*
 * A stand-in for the service manager, for tests that need no systemd: a
 * temporary directory, an AF_UNIX datagram socket as $NOTIFY_SOCKET (with
 * SO_PASSCRED, so every datagram's sender is known, as systemd checks), and
 * exemplard started the way systemd starts a service: $WATCHDOG_USEC and
 * $WATCHDOG_PID, and optionally listening sockets from fd 3 on with
 * $LISTEN_FDS, $LISTEN_PID and $LISTEN_FDNAMES.  The daemon's pid must be in
 * WATCHDOG_PID and LISTEN_PID before it runs, so it is exec'd through
 *   sh -c 'WATCHDOG_PID=$$ LISTEN_PID=$$ exec "$0" "$@"' exemplard ARGS...
 *
 * Every wait has a deadline; nothing sleeps.
 */
#ifndef EXEMPLAR_TEST_MANAGER_H
#define EXEMPLAR_TEST_MANAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MGR_DGRAM_MAX 4096

typedef struct {
    char dir[64];           /* the temporary directory (short: ipc paths fit sun_path) */
    char notify_path[96];   /* $NOTIFY_SOCKET */
    char stderr_path[96];   /* the daemon's stderr */
    char api_endpoint[128]; /* ipc://DIR/api.sock */
    int notify_fd;
    pid_t pid; /* the daemon, 0 when not running */
} mgr_t;

typedef struct {
    const char *const *args; /* exemplard's arguments after the defaults, NULL-terminated */
    uint64_t watchdog_usec;  /* $WATCHDOG_USEC; 0: unset */
    bool watchdog_other_pid; /* WATCHDOG_PID=1 (another process) instead of the daemon's */
    const int *listen_fds;   /* passed as fds 3, 4, ... */
    size_t n_listen;
    const char *listen_fdnames; /* $LISTEN_FDNAMES, or NULL to leave it unset */
    bool journal_stream;        /* $JOURNAL_STREAM names the daemon's stderr (as under
                                   systemd with StandardError=journal) */
} mgr_spawn_t;

/* Creates the directory and the notify socket.  Returns 0 or -errno. */
int mgr_init(mgr_t *m);

/* Kills a daemon still running (SIGKILL), closes the socket, removes the
 * directory. */
void mgr_cleanup(mgr_t *m);

/* Starts exemplard with --state-dir DIR/state --api ipc://DIR/api.sock
 * --events ipc://DIR/events.sock, then opts->args.  Datagrams still queued
 * from an earlier daemon are dropped first.  Returns the pid or -1. */
pid_t mgr_spawn(mgr_t *m, const mgr_spawn_t *opts);

/* Receives the next datagram within timeout_ms into buf (NUL-terminated).
 * Returns its length, 0 on timeout, -1 on error; *sender gets the pid the
 * kernel vouches for. */
int mgr_recv(mgr_t *m, int timeout_ms, char *buf, size_t len, pid_t *sender);

/* Does the datagram contain this exact line ("READY=1")? */
bool mgr_has_line(const char *dgram, const char *line);

/* The value after "KEY=" in a datagram (up to the newline, copied into out),
 * or NULL. */
const char *mgr_value(const char *dgram, const char *key, char *out, size_t len);

/* Receives datagrams until one contains `line`, within timeout_ms.  A
 * datagram from any pid but the daemon's fails the wait.  The matching
 * datagram is left in buf.  Returns 0, or -1 (with a message on stderr). */
int mgr_expect(mgr_t *m, const char *line, int timeout_ms, char *buf, size_t len);

/* The next datagram that is not a routine WATCHDOG=1 or STATUS=-only one,
 * within timeout_ms.  Returns its length, 0 on timeout, -1 on error or when a
 * datagram came from another pid. */
int mgr_next_event(mgr_t *m, int timeout_ms, char *buf, size_t len);

/* Waits for the daemon to exit within timeout_ms.  Returns 0 with the wait
 * status in *status, or -1 on timeout (the daemon is left running). */
int mgr_wait_exit(mgr_t *m, int timeout_ms, int *status);

/* Does the daemon's stderr so far contain `text`? */
bool mgr_stderr_contains(const mgr_t *m, const char *text);

/* Prints the daemon's stderr to our stderr (for failure reports). */
void mgr_dump_stderr(const mgr_t *m);

#endif
