/* SPDX-License-Identifier: MIT */
/*
 * libsystemd's sd-daemon behind our own names (see sdnotify.h).  Return
 * values of sd_notify are ignored on purpose: 0 means "not under systemd",
 * negative means the manager went away, and neither should stop the daemon.
 */
#include "sdnotify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

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
    (void)sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

void sdnotify_reloading(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    unsigned long long usec =
        (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000u;
    (void)sd_notifyf(0, "RELOADING=1\nSTATUS=reloading the configuration\nMONOTONIC_USEC=%llu",
                     usec);
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

int sdnotify_listen_fds(sdnotify_fd_t *fds, size_t cap, size_t *count)
{
    char **names = NULL;
    *count = 0;
    /* unset_environment=1: the variables describe this process only. */
    int n = sd_listen_fds_with_names(1, &names);
    if (n <= 0) {
        free(names);
        return n;
    }
    for (int i = 0; i < n; i++) {
        int fd = SD_LISTEN_FDS_START + i;
        /* libsystemd says "unknown" when $LISTEN_FDNAMES is unset (a
         * socket unit without FileDescriptorName= passes its own name). */
        const char *name = names && names[i] ? names[i] : "";
        if (strcmp(name, "unknown") == 0)
            name = "";
        if ((size_t)i < cap) {
            fds[i].fd = fd;
            snprintf(fds[i].name, sizeof(fds[i].name), "%s", name);
        } else {
            close(fd);
        }
        if (names)
            free(names[i]);
    }
    free(names);
    *count = (size_t)n;
    return 0;
}
