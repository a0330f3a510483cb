/* SPDX-License-Identifier: MIT */
/*
 * Reminders by mail (see mail.h).
 */
#include "mail.h"

#include <csv.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RECIPIENTS_MAX 2000
#define FIELD_MAX      320

extern char **environ;

typedef struct {
    char unit[17];
    char address[FIELD_MAX + 1];
} recipient_t;

struct recipients {
    recipient_t *v;
    size_t n;
};

typedef struct {
    recipients_t *r;
    size_t row, field;
    recipient_t cur;
    char err[256];
} parse_t;

static void on_field(void *data, size_t len, void *arg)
{
    parse_t *p = arg;
    if (p->err[0] || p->row == 0) {
        p->field++;
        return;
    }
    if (p->field == 0 && (len == 0 || len >= sizeof(p->cur.unit)))
        snprintf(p->err, sizeof(p->err), "line %zu: the unit code must be 1-16 characters",
                 p->row + 1);
    else if (p->field == 1 && (len == 0 || len > FIELD_MAX || !memchr(data, '@', len) ||
                               memchr(data, '\n', len) || memchr(data, '\r', len)))
        snprintf(p->err, sizeof(p->err), "line %zu: the address must be one line with an @",
                 p->row + 1);
    else if (p->field == 0)
        snprintf(p->cur.unit, sizeof(p->cur.unit), "%.*s", (int)len, (const char *)data);
    else if (p->field == 1)
        snprintf(p->cur.address, sizeof(p->cur.address), "%.*s", (int)len, (const char *)data);
    p->field++;
}

static void on_row(int c, void *arg)
{
    (void)c;
    parse_t *p = arg;
    if (!p->err[0] && p->row > 0) {
        if (p->field < 2)
            snprintf(p->err, sizeof(p->err), "line %zu: expected unit,address[,name]", p->row + 1);
        else if (p->r->n >= RECIPIENTS_MAX)
            snprintf(p->err, sizeof(p->err), "more than %d recipients", RECIPIENTS_MAX);
        else
            p->r->v[p->r->n++] = p->cur;
    }
    memset(&p->cur, 0, sizeof(p->cur));
    p->field = 0;
    p->row++;
}

recipients_t *recipients_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    recipients_t *r = calloc(1, sizeof(*r));
    parse_t p = {.r = r};
    struct csv_parser csv;
    if (!r || !(r->v = calloc(RECIPIENTS_MAX, sizeof(*r->v))) ||
        csv_init(&csv, CSV_APPEND_NULL) != 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        fclose(f);
        recipients_free(&r);
        return NULL;
    }
    char buf[4096];
    size_t n;
    while (!p.err[0] && (n = fread(buf, 1, sizeof(buf), f)) > 0)
        if (csv_parse(&csv, buf, n, on_field, on_row, &p) != n)
            snprintf(p.err, sizeof(p.err), "line %zu: %s", p.row + 1,
                     csv_strerror(csv_error(&csv)));
    if (!p.err[0])
        csv_fini(&csv, on_field, on_row, &p);
    csv_free(&csv);
    fclose(f);
    if (p.err[0]) {
        snprintf(err, errlen, "%s %s", path, p.err);
        recipients_free(&r);
        return NULL;
    }
    return r;
}

void recipients_free(recipients_t **p)
{
    if (*p)
        free((*p)->v);
    free(*p);
    *p = NULL;
}

const char *recipients_address(const recipients_t *r, const char *unit)
{
    for (size_t i = 0; r && i < r->n; i++)
        if (strcmp(r->v[i].unit, unit) == 0)
            return r->v[i].address;
    return NULL;
}

/* The job id as the local part of a Message-ID: letters, digits, . - _ kept,
 * everything else as '.'. */
static void message_id(const char *job_id, char *buf, size_t len)
{
    size_t o = 0;
    for (const char *s = job_id; *s && o + 1 < len; s++)
        buf[o++] =
            (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", *s) ? *s
                                                                                            : '.');
    buf[o] = 0;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int mail_send(const char *command, const char *from, const char *to, const char *job_id,
              const char *subject, const char *text, char *err, size_t errlen)
{
    char mid[256], subj[512];
    message_id(job_id, mid, sizeof(mid));
    /* One header line: a line break in a campaign's milestone name must not
     * start a header of its own. */
    snprintf(subj, sizeof(subj), "%s", subject);
    for (char *c = subj; *c; c++)
        if (*c == '\r' || *c == '\n')
            *c = ' ';
    size_t cap = strlen(text) + 2048;
    char *msg = malloc(cap);
    if (!msg) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int len = snprintf(msg, cap,
                       "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@exemplar>\r\n"
                       "X-Exemplar-Job: %s\r\nMIME-Version: 1.0\r\n"
                       "Content-Type: text/plain; charset=UTF-8\r\n"
                       "Content-Transfer-Encoding: 8bit\r\n\r\n%s",
                       from, to, subj, mid, job_id, text);
    int fds[2];
    if (len < 0 || (size_t)len >= cap || pipe(fds) != 0) {
        snprintf(err, errlen, "cannot prepare the message (%s)", strerror(errno));
        free(msg);
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)command, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        free(msg);
        snprintf(err, errlen, "cannot run %s (%s)", command, strerror(rc));
        return -1;
    }
    /* A command that exits without reading must not kill us with SIGPIPE. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGPIPE, &ign, &old);
    int wrc = write_all(fds[1], msg, (size_t)len);
    sigaction(SIGPIPE, &old, NULL);
    close(fds[1]);
    free(msg);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (WIFEXITED(status))
            snprintf(err, errlen, "%s exited with status %d", command, WEXITSTATUS(status));
        else
            snprintf(err, errlen, "%s was killed by signal %d", command,
                     WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        return -1;
    }
    if (wrc != 0) {
        snprintf(err, errlen, "%s did not read the whole message", command);
        return -1;
    }
    return 0;
}
