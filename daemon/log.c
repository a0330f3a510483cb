/* SPDX-License-Identifier: MIT */
/*
 * Log sink selection and formatting (see log.h).  The journal is used when
 * $JOURNAL_STREAM names the device and inode of our stderr, which is how
 * systemd tells a service that its stderr is the journal; a line the journal
 * refuses goes to stderr instead, so nothing is lost silently.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* We pass the caller's CODE_FILE/CODE_LINE/CODE_FUNC ourselves; without this
 * sd-journal.h would wrap sd_journal_sendv() to add this file's location. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#define LINE_MAX_BYTES  1024
#define FIELD_MAX_BYTES 1024 /* NAME=value; longer values are cut */

static int max_priority = LOG_INFO;
static int use_journal = -1; /* -1: not decided yet */

static const char *const LEVEL_NAME[] = {
    [LOG_EMERG] = "emergency", [LOG_ALERT] = "alert",     [LOG_CRIT] = "critical",
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
    unsigned long long dev, ino;
    struct stat st;
    if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
        return false;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* journald's rule: [A-Z0-9_], not starting with '_' or a digit, at most 64. */
static bool valid_field_name(const char *name)
{
    size_t n = 0;
    if (!name || !name[0] || name[0] == '_' || (name[0] >= '0' && name[0] <= '9'))
        return false;
    for (; name[n]; n++)
        if (!((name[n] >= 'A' && name[n] <= 'Z') || (name[n] >= '0' && name[n] <= '9') ||
              name[n] == '_') ||
            n >= 64)
            return false;
    return true;
}

/* "daemon/main.c" from a compiler path such as "/src/exemplar/daemon/main.c":
 * the file and its directory are enough to find the line, and the build
 * machine's paths are nobody's business. */
static const char *short_path(const char *file)
{
    const char *last = strrchr(file, '/');
    if (!last)
        return file;
    for (const char *p = last - 1; p >= file; p--)
        if (*p == '/')
            return p + 1;
    return file;
}

typedef struct {
    struct iovec iov[6 + LOG_FIELDS_MAX];
    char buf[6 + LOG_FIELDS_MAX][FIELD_MAX_BYTES];
    int n;
} entry_t;

static void add(entry_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(entry_t *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(e->buf[e->n], FIELD_MAX_BYTES, fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    /* A value longer than a field buffer is cut, not dropped. */
    e->iov[e->n] =
        (struct iovec){e->buf[e->n], len < FIELD_MAX_BYTES ? (size_t)len : FIELD_MAX_BYTES - 1};
    e->n++;
}

/* Sends one entry; returns what sd_journal_sendv returns (< 0: not sent). */
static int send_journal(const char *file, int line, const char *func, int priority,
                        const log_field_t *fields, size_t count, const char *msg)
{
    static entry_t e; /* one thread logs; keeps 5 KiB off the stack */
    char message[LINE_MAX_BYTES + sizeof("MESSAGE=")];
    int mlen = snprintf(message, sizeof(message), "MESSAGE=%s", msg);

    e.n = 0;
    add(&e, "PRIORITY=%d", priority & 7);
    add(&e, "SYSLOG_IDENTIFIER=exemplard");
    add(&e, "CODE_FILE=%s", short_path(file));
    add(&e, "CODE_LINE=%d", line);
    add(&e, "CODE_FUNC=%s", func);
    for (size_t i = 0; i < count && i < LOG_FIELDS_MAX; i++) {
        if (!valid_field_name(fields[i].name))
            continue;
        if (fields[i].str)
            add(&e, "%s=%s", fields[i].name, fields[i].str);
        else
            add(&e, "%s=%llu", fields[i].name, (unsigned long long)fields[i].num);
    }
    e.iov[e.n++] = (struct iovec){message, (size_t)mlen < sizeof(message) ? (size_t)mlen
                                                                          : sizeof(message) - 1};
    return sd_journal_sendv(e.iov, e.n);
}

void log_at(const char *file, int line, const char *func, int priority, const log_field_t *fields,
            size_t count, const char *fmt, ...)
{
    if (priority > max_priority)
        return;
    if (use_journal < 0)
        use_journal = stderr_is_journal();

    char msg[LINE_MAX_BYTES];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    if (use_journal) {
        if (send_journal(file, line, func, priority, fields, count, msg) >= 0)
            return;
        /* stderr is the journal too, as a stream that reads a "<N>" prefix
         * as the priority: the line arrives, without its fields. */
        fprintf(stderr, "<%d>%s\n", priority & 7, msg);
        return;
    }
    fprintf(stderr, "exemplard: %s: %s\n", LEVEL_NAME[priority & 7], msg);
}
