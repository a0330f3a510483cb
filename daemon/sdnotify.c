/* SPDX-License-Identifier: MIT */
/*
 * sd_notify wrappers (see sdnotify.h).  Return values of sd_notify are
 * ignored on purpose: 0 means "not under systemd", negative means the
 * manager went away, and neither should stop the daemon.
 */
#include "sdnotify.h"

#include <stdio.h>
#include <systemd/sd-daemon.h>

void sdnotify_ready(const char *status)
{
    (void)sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void sdnotify_status(const char *status)
{
    (void)sd_notifyf(0, "STATUS=%s", status);
}

void sdnotify_stopping(void)
{
    (void)sd_notify(0, "STOPPING=1");
}

void sdnotify_reloading(void)
{
    (void)sd_notify(0, "RELOADING=1");
}

uint64_t sdnotify_watchdog_usec(void)
{
    uint64_t usec = 0;
    return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

void sdnotify_watchdog(void)
{
    (void)sd_notify(0, "WATCHDOG=1");
}
