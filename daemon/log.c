/* SPDX-License-Identifier: MIT */
/*
 * Log sink selection and formatting (see log.h).  The journal is used when
 * $JOURNAL_STREAM names the device and inode of our stderr, which is how
 * systemd tells a service that its stderr is the journal.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

static int max_priority = LOG_INFO;
static int use_journal = -1; /* -1: not decided yet */

static const char *const LEVEL_NAME[] = {
    [LOG_EMERG] = "emergency", [LOG_ALERT] = "alert", [LOG_CRIT] = "critical",
    [LOG_ERR] = "error",       [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
    [LOG_INFO] = "info",       [LOG_DEBUG] = "debug",
};

void log_set_level(int priority)
{
    max_priority = priority;
}

int log_level_parse(const char *name)
{
    for (int p = LOG_ERR; p <= LOG_DEBUG; p++)
        if (strcmp(name, LEVEL_NAME[p]) == 0)
            return p;
    return -1;
}

const char *log_level_name(int priority)
{
    return LEVEL_NAME[priority & 7];
}

static bool stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long dev, ino;
    struct stat st;
    if (!js || sscanf(js, "%lu:%lu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
        return false;
    return st.st_dev == dev && st.st_ino == ino;
}

void log_msg(int priority, const char *fmt, ...)
{
    if (priority > max_priority)
        return;
    if (use_journal < 0)
        use_journal = stderr_is_journal();

    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);

    if (use_journal) {
        sd_journal_send("MESSAGE=%s", line, "PRIORITY=%d", priority,
                        "SYSLOG_IDENTIFIER=exemplard", NULL);
        return;
    }
    fprintf(stderr, "exemplard: %s: %s\n", LEVEL_NAME[priority & 7], line);
}
