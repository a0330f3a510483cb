/* SPDX-License-Identifier: MIT */
/*
 * Reminders by mail (see mail.h).
 */
#include "mail.h"

#include <csv.h>
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RECIPIENTS_MAX 2000
#define FIELD_MAX      320

extern char **environ;

typedef struct {
    char unit[17];
    char address[FIELD_MAX + 1];
    char name[FIELD_MAX + 1];
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
    else if (p->field == 2 &&
             (len > FIELD_MAX || memchr(data, '\n', len) || memchr(data, '\r', len)))
        snprintf(p->err, sizeof(p->err), "line %zu: the name must be one line of at most %d bytes",
                 p->row + 1, FIELD_MAX);
    else if (p->field == 2)
        snprintf(p->cur.name, sizeof(p->cur.name), "%.*s", (int)len, (const char *)data);
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

const char *recipients_name(const recipients_t *r, const char *unit)
{
    for (size_t i = 0; r && i < r->n; i++)
        if (strcmp(r->v[i].unit, unit) == 0)
            return r->v[i].name;
    return "";
}

/* ---- the message (RFC 5322, MIME, RFC 2047) ---------------------------- */

#define WORD_BYTES                                                                                 \
    39 /* 39 bytes -> 52 base64 characters -> a 64-character word: "Subject: " and it fit in 78 */

static bool plain_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

int mail_encode_words(const char *text, char *out, size_t len)
{
    size_t o = 0, n = strlen(text);
    if (plain_ascii(text) && !strstr(text, "=?") && n < 900) {
        if (n + 1 > len)
            return -1;
        memcpy(out, text, n + 1);
        return (int)n;
    }
    for (size_t i = 0; i < n;) {
        /* A word ends before a UTF-8 continuation byte never inside a
         * character: RFC 2047 forbids splitting one across words. */
        size_t take = n - i < WORD_BYTES ? n - i : WORD_BYTES;
        while (take > 0 && i + take < n && ((unsigned char)text[i + take] & 0xC0) == 0x80)
            take--;
        if (take == 0)
            return -1;
        /* Words end after a space where there is one: decoders drop the
         * folding white space between two encoded words, so the text's own
         * space travels inside the first, and no word of the text is cut. */
        for (size_t k = take; i + take < n && k > 1; k--)
            if (text[i + k - 1] == ' ') {
                take = k;
                break;
            }
        char b64[sodium_base64_ENCODED_LEN(WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)text + i, take,
                          sodium_base64_VARIANT_ORIGINAL);
        int w = snprintf(out + o, len - o, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", b64);
        if (w < 0 || (size_t)w >= len - o)
            return -1;
        o += (size_t)w;
        i += take;
    }
    if (o == 0 && len)
        out[0] = 0;
    return (int)o;
}

/* "Name <address>" with the name encoded (or as a quoted string when it is
 * plain ASCII), or the bare address. */
static int mailbox(const char *name, const char *address, char *out, size_t len)
{
    if (!name || !name[0])
        return snprintf(out, len, "%s", address) < (int)len ? 0 : -1;
    if (plain_ascii(name)) {
        size_t o = 0;
        if (len < 4)
            return -1;
        out[o++] = '"';
        for (const char *c = name; *c && o + 4 < len; c++) {
            if (*c == '"' || *c == '\\')
                out[o++] = '\\';
            out[o++] = *c;
        }
        out[o] = 0;
        return snprintf(out + o, len - o, "\" <%s>", address) < (int)(len - o) ? 0 : -1;
    }
    int n = mail_encode_words(name, out, len);
    if (n < 0)
        return -1;
    return snprintf(out + n, len - (size_t)n, " <%s>", address) < (int)(len - (size_t)n) ? 0 : -1;
}

/* RFC 5322's date-time in Vietnam time (UTC+7, no daylight saving), in
 * English words whatever the locale: "Mon, 07 Dec 2026 20:30:00 +0700". */
static void rfc5322_date(int64_t ms, char *buf, size_t len)
{
    static const char *const DAY[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const MON[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(ms / 1000) + 7 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0700", DAY[tm.tm_wday], tm.tm_mday,
             MON[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The job id as the local part of a Message-ID: letters, digits, - and _
 * kept, every other run of characters as one '.', none at either end, so
 * that it is an RFC 5322 dot-atom ("remind/t1/-2s/04" -> "remind.t1.-2s.04"). */
static void message_id(const char *job_id, char *buf, size_t len)
{
    size_t o = 0;
    for (const char *s = job_id; *s && o + 2 < len; s++) {
        if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", *s))
            buf[o++] = *s;
        else if (o && buf[o - 1] != '.')
            buf[o++] = '.';
    }
    while (o && buf[o - 1] == '.')
        o--;
    if (!o && len > 1)
        buf[o++] = '_';
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

int mail_format(const mail_t *m, char **out, char *err, size_t errlen)
{
    char mid[256], subj_line[512], subj[2048], from[1024], to[1024], date[64];
    message_id(m->job_id, mid, sizeof(mid));
    /* One header line: a line break in a campaign's milestone name must not
     * start a header of its own. */
    snprintf(subj_line, sizeof(subj_line), "%s", m->subject);
    for (char *c = subj_line; *c; c++)
        if (*c == '\r' || *c == '\n' || *c == '\t')
            *c = ' ';
    rfc5322_date(m->date_ms, date, sizeof(date));
    if (mail_encode_words(subj_line, subj, sizeof(subj)) < 0 ||
        mailbox(m->from_name, m->from, from, sizeof(from)) < 0 ||
        mailbox(m->to_name, m->to, to, sizeof(to)) < 0) {
        snprintf(err, errlen, "a header is too long to encode");
        return -1;
    }
    /* The body with CRLF line ends, as RFC 5322 writes every line. */
    size_t lines = 1;
    for (const char *c = m->text; *c; c++)
        lines += *c == '\n';
    size_t cap = strlen(m->text) + lines + 4096;
    char *msg = malloc(cap);
    if (!msg) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int len = snprintf(msg, cap,
                       "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
                       "Message-ID: <%s@exemplar>\r\nX-Exemplar-Job: %s\r\nMIME-Version: 1.0\r\n"
                       "Content-Type: text/plain; charset=UTF-8\r\n"
                       "Content-Transfer-Encoding: 8bit\r\n\r\n",
                       date, from, to, subj, mid, plain_ascii(m->job_id) ? m->job_id : mid);
    if (len < 0 || (size_t)len >= cap) {
        free(msg);
        snprintf(err, errlen, "cannot prepare the message");
        return -1;
    }
    size_t o = (size_t)len;
    for (const char *c = m->text; *c && o + 3 < cap; c++) {
        if (*c == '\r')
            continue;
        if (*c == '\n')
            msg[o++] = '\r';
        msg[o++] = *c;
    }
    if (o > (size_t)len && msg[o - 1] != '\n' && o + 3 < cap) {
        msg[o++] = '\r';
        msg[o++] = '\n';
    }
    msg[o] = 0;
    *out = msg;
    return (int)o;
}

int mail_send(const char *command, const mail_t *m, char *err, size_t errlen)
{
    char *msg = NULL;
    int len = mail_format(m, &msg, err, errlen);
    if (len < 0)
        return -1;
    int fds[2];
    if (pipe(fds) != 0) {
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
