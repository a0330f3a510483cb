/* SPDX-License-Identifier: MIT */
/*
 * Structured journal entries without journald: in a private mount namespace
 * this test mounts a tmpfs on /run and binds its own datagram socket at
 * /run/systemd/journal/socket, where sd_journal_sendv() delivers.  Then it
 * checks the entries of log_fields() called here (the API api.c uses) and of
 * the real daemon started with $JOURNAL_STREAM naming its stderr: MESSAGE,
 * PRIORITY mapped from the level, SYSLOG_IDENTIFIER, CODE_FILE/LINE/FUNC of
 * the caller, and the structured fields, while nothing goes to stderr.
 * Needs root for the mount namespace; exits 77 (skipped) otherwise.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "exemplar.h"
#include "log.h"
#include "manager.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define ENTRIES_MAX    64
#define FIELDS_MAX     32

typedef struct {
    char name[64];
    char value[1024];
} field_t;

typedef struct {
    field_t f[FIELDS_MAX];
    size_t n;
} entry_t;

static int journal_fd = -1;

/* Binds the journal socket in a private /run.  Returns 0, or -1 when this
 * process may not (not root, no namespaces). */
static int private_journal(void)
{
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        return -1;
    if (mkdir("/run/systemd", 0755) < 0 || mkdir("/run/systemd/journal", 0755) < 0)
        return -1;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", JOURNAL_SOCKET);
    int size = 4 << 20;
    journal_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (journal_fd < 0 || bind(journal_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return -1;
    setsockopt(journal_fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    return 0;
}

/* Parses journald's native protocol: "KEY=VALUE\n", or for values with a
 * newline "KEY\n" + little-endian u64 length + data + "\n". */
static void parse_entry(const char *p, size_t len, entry_t *e)
{
    const char *end = p + len;
    e->n = 0;
    while (p < end && e->n < FIELDS_MAX) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eq = memchr(p, '=', (size_t)((nl ? nl : end) - p));
        field_t *f = &e->f[e->n++];
        if (eq) {
            snprintf(f->name, sizeof(f->name), "%.*s", (int)(eq - p), p);
            snprintf(f->value, sizeof(f->value), "%.*s", (int)((nl ? nl : end) - eq - 1), eq + 1);
            p = nl ? nl + 1 : end;
        } else {
            assert_non_null(nl);
            snprintf(f->name, sizeof(f->name), "%.*s", (int)(nl - p), p);
            uint64_t n = 0;
            assert_true(end - nl > 9);
            for (int i = 0; i < 8; i++)
                n |= (uint64_t)(unsigned char)nl[1 + i] << (8 * i);
            assert_true((uint64_t)(end - nl - 9) >= n + 1);
            snprintf(f->value, sizeof(f->value), "%.*s", (int)n, nl + 9);
            p = nl + 9 + n + 1;
        }
    }
}

/* Reads every entry that has arrived, waiting up to timeout_ms for the
 * first one. */
static size_t read_entries(entry_t *out, size_t cap, int timeout_ms)
{
    static char buf[65536];
    size_t n = 0;
    struct pollfd p = {.fd = journal_fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0)
        return 0;
    for (;;) {
        ssize_t got = recv(journal_fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (got < 0)
            return n;
        if (n < cap)
            parse_entry(buf, (size_t)got, &out[n++]);
    }
}

static const char *get(const entry_t *e, const char *name)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->f[i].name, name) == 0)
            return e->f[i].value;
    return NULL;
}

/* The entry whose MESSAGE starts with prefix. */
static const entry_t *find(const entry_t *es, size_t n, const char *prefix)
{
    for (size_t i = 0; i < n; i++) {
        const char *m = get(&es[i], "MESSAGE");
        if (m && strncmp(m, prefix, strlen(prefix)) == 0)
            return &es[i];
    }
    return NULL;
}

static void expect_field(const entry_t *e, const char *name, const char *value)
{
    const char *v = e ? get(e, name) : NULL;
    if (!v || strcmp(v, value) != 0)
        fail_msg("expected %s=%s, got %s", name, value, v ? v : "(none)");
}

static void log_fields_sends_structured_entries(void **state)
{
    (void)state;
    entry_t es[ENTRIES_MAX];
    char line[16];

    log_set_level(LOG_INFO);
    int here = __LINE__ + 1; /* CODE_LINE is where the call starts */
    log_fields(LOG_WARNING,
               LOG_FIELDS(log_u64("NOMINATION_ID", 42), log_str("UNIT", "01"),
                          log_u64("REQUEST_ID", UINT64_MAX), log_str("ERROR_CODE", "conflict"),
                          log_str("bad name", "dropped"), log_str("_PID", "forged"),
                          log_str("REASON", "two\nlines"), log_str("CAMPAIGN", NULL)),
               "api, nomination %d refused (%s)", 42, "conflict");
    log_debug("api, below the level: not sent");
    log_error("store, plain line");
    size_t n = read_entries(es, ENTRIES_MAX, 2000);
    assert_int_equal(n, 2);

    const entry_t *e = &es[0];
    expect_field(e, "MESSAGE", "api, nomination 42 refused (conflict)");
    expect_field(e, "PRIORITY", "4");
    expect_field(e, "SYSLOG_IDENTIFIER", "exemplard");
    expect_field(e, "CODE_FILE", "systemd/test_journal.c");
    snprintf(line, sizeof(line), "%d", here);
    expect_field(e, "CODE_LINE", line);
    expect_field(e, "CODE_FUNC", "log_fields_sends_structured_entries");
    expect_field(e, "NOMINATION_ID", "42");
    expect_field(e, "UNIT", "01");
    expect_field(e, "REQUEST_ID", "18446744073709551615");
    expect_field(e, "ERROR_CODE", "conflict");
    expect_field(e, "REASON", "two\nlines");
    expect_field(e, "CAMPAIGN", "");
    assert_null(get(e, "bad name"));
    assert_null(get(e, "_PID"));

    expect_field(&es[1], "MESSAGE", "store, plain line");
    expect_field(&es[1], "PRIORITY", "3");
}

static void daemon_logs_to_the_journal_with_fields(void **state)
{
    (void)state;
    static mgr_t m;
    static entry_t es[ENTRIES_MAX];
    char buf[MGR_DGRAM_MAX];
    int status;
    assert_int_equal(mgr_init(&m), 0);
    mgr_spawn_t o = {.journal_stream = true};
    assert_true(mgr_spawn(&m, &o) > 0);
    if (mgr_expect(&m, "READY=1", 10000, buf, sizeof(buf)) < 0) {
        mgr_dump_stderr(&m);
        fail();
    }
    /* The rules are on, as under systemd: a registration names a subject
     * and a campaign whose registration window is open (the demo campaign's
     * is open from the day it is first loaded).  The client is closed before
     * any check: a socket left open would keep ex_shutdown() waiting. */
    ex_client_opts_t copts = {.endpoint = m.api_endpoint, .timeout_ms = 5000, .retries = -1};
    ex_client_t *c = ex_client_new(&copts);
    Exemplar__Reply *reply = NULL;
    assert_non_null(c);
    int rc = ex_register_subject(c, 0, "01", EXEMPLAR__KIND__KIND_COLLECTIVE, "Phòng A", "demo",
                                 "01:PHONG-A", &reply);
    rc = ex_reply_status(rc, reply);
    ex_reply_free(reply);
    ex_client_destroy(&c);
    if (rc != 0) {
        mgr_dump_stderr(&m);
        mgr_cleanup(&m);
        fail_msg("register was refused (status %d)", rc);
    }
    assert_int_equal(kill(m.pid, SIGTERM), 0);
    assert_int_equal(mgr_wait_exit(&m, 5000, &status), 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    size_t n = read_entries(es, ENTRIES_MAX, 2000);
    const entry_t *ready = find(es, n, "main, ready: 0 nominations");
    const entry_t *sig = find(es, n, "loop, stopping on signal 15");
    const entry_t *stopped = find(es, n, "main, stopped after change 1");
    if (!ready || !sig || !stopped) {
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "entry: %s\n", get(&es[i], "MESSAGE"));
        mgr_dump_stderr(&m);
        fail_msg("the daemon's entries are not all in the journal");
    }
    expect_field(ready, "PRIORITY", "6");
    expect_field(ready, "SYSLOG_IDENTIFIER", "exemplard");
    expect_field(ready, "CODE_FILE", "daemon/main.c");
    expect_field(ready, "CODE_FUNC", "main");
    expect_field(ready, "NOMINATIONS", "0");
    expect_field(ready, "CHANGE_SEQ", "0");
    expect_field(sig, "PRIORITY", "5");
    expect_field(sig, "CODE_FILE", "daemon/loop.c");
    expect_field(stopped, "CHANGE_SEQ", "1");
    expect_field(stopped, "NOMINATIONS", "1");
    /* Nothing went to stderr: the journal had it all. */
    assert_false(mgr_stderr_contains(&m, "main, ready"));
    mgr_cleanup(&m);
}

int main(void)
{
    if (private_journal() < 0) {
        printf("SKIP: cannot make a private /run/systemd/journal/socket (%s); "
               "this test needs root\n",
               strerror(errno));
        return 77;
    }
    /* Our own stderr is "the journal stream" for the in-process log calls. */
    struct stat st;
    char js[64];
    fstat(STDERR_FILENO, &st);
    snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    setenv("JOURNAL_STREAM", js, 1);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(log_fields_sends_structured_entries),
        cmocka_unit_test(daemon_logs_to_the_journal_with_fields),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ex_shutdown();
    return failed;
}
