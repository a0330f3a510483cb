/* SPDX-License-Identifier: MIT */
/*
 * The service manager's notification protocol (sd_notify).  Outside systemd
 * (no $NOTIFY_SOCKET) every call does nothing and that is not an error; a
 * failure to notify is never fatal.  This is the only file that includes
 * <systemd/sd-daemon.h>.
 */
#ifndef EXEMPLAR_SDNOTIFY_H
#define EXEMPLAR_SDNOTIFY_H

#include <stdint.h>

/* READY=1 with a STATUS= line. */
void sdnotify_ready(const char *status);
/* STATUS= only. */
void sdnotify_status(const char *status);
void sdnotify_stopping(void);
void sdnotify_reloading(void);

/* The watchdog interval requested by the service manager in microseconds, or
 * 0 when there is no watchdog for this process. */
uint64_t sdnotify_watchdog_usec(void);
void sdnotify_watchdog(void);

#endif
