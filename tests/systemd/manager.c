/* SPDX-License-Identifier: MIT */
/*
 * The service manager stand-in (see manager.h).
 */
#include "manager.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int mgr_init(mgr_t *m)
{
    memset(m, 0, sizeof(*m));
    m->notify_fd = -1;
    snprintf(m->dir, sizeof(m->dir), "/tmp/exsd.XXXXXX");
    if (!mkdtemp(m->dir))
        return -errno;
    snprintf(m->notify_path, sizeof(m->notify_path), "%s/notify", m->dir);
    snprintf(m->stderr_path, sizeof(m->stderr_path), "%s/stderr.log", m->dir);
    snprintf(m->api_endpoint, sizeof(m->api_endpoint), "ipc://%s/api.sock", m->dir);

    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", m->notify_path);
    int one = 1;
    m->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (m->notify_fd < 0 || bind(m->notify_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        setsockopt(m->notify_fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
        return -errno;
    return 0;
}

static void remove_tree(const char *dir)
{
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", "--", dir, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

void mgr_cleanup(mgr_t *m)
{
    if (m->pid > 0) {
        kill(m->pid, SIGKILL);
        waitpid(m->pid, NULL, 0);
        m->pid = 0;
    }
    if (m->notify_fd >= 0)
        close(m->notify_fd);
    m->notify_fd = -1;
    if (m->dir[0] && strncmp(m->dir, "/tmp/exsd.", 10) == 0)
        remove_tree(m->dir);
}

pid_t mgr_spawn(mgr_t *m, const mgr_spawn_t *o)
{
    char state[128], events[128];
    snprintf(state, sizeof(state), "%s/state", m->dir);
    snprintf(events, sizeof(events), "ipc://%s/events.sock", m->dir);

    const char *argv[64];
    size_t n = 0;
    argv[n++] = "sh";
    argv[n++] = "-c";
    argv[n++] = o->watchdog_other_pid ? "WATCHDOG_PID=1 LISTEN_PID=$$ exec \"$0\" \"$@\""
                                      : "WATCHDOG_PID=$$ LISTEN_PID=$$ exec \"$0\" \"$@\"";
    argv[n++] = EXEMPLARD_PATH;
    argv[n++] = "--state-dir";
    argv[n++] = state;
    argv[n++] = "--api";
    argv[n++] = m->api_endpoint;
    argv[n++] = "--events";
    argv[n++] = events;
    for (size_t i = 0; o->args && o->args[i] && n + 1 < sizeof(argv) / sizeof(argv[0]); i++)
        argv[n++] = o->args[i];
    argv[n] = NULL;

    /* What an earlier daemon sent is not this one's. */
    char junk[MGR_DGRAM_MAX];
    while (recv(m->notify_fd, junk, sizeof(junk), MSG_DONTWAIT) >= 0)
        ;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        char buf[32];
        int err = open(m->stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (err < 0 || dup2(err, STDERR_FILENO) < 0)
            _exit(126);
        /* The passed sockets go to 3, 4, ... without FD_CLOEXEC.  Move them
         * out of the way first, so that dup2 never overwrites one not yet
         * moved. */
        int moved[8];
        for (size_t i = 0; i < o->n_listen && i < 8; i++)
            moved[i] = fcntl(o->listen_fds[i], F_DUPFD_CLOEXEC, 100);
        for (size_t i = 0; i < o->n_listen && i < 8; i++)
            if (moved[i] < 0 || dup2(moved[i], 3 + (int)i) < 0)
                _exit(126);
        unsetenv("LISTEN_FDS");
        unsetenv("LISTEN_FDNAMES");
        unsetenv("JOURNAL_STREAM");
        struct stat st;
        if (o->journal_stream && fstat(STDERR_FILENO, &st) == 0) {
            char js[64];
            snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
                     (unsigned long long)st.st_ino);
            setenv("JOURNAL_STREAM", js, 1);
        }
        if (o->n_listen) {
            snprintf(buf, sizeof(buf), "%zu", o->n_listen);
            setenv("LISTEN_FDS", buf, 1);
            if (o->listen_fdnames)
                setenv("LISTEN_FDNAMES", o->listen_fdnames, 1);
        }
        setenv("NOTIFY_SOCKET", m->notify_path, 1);
        if (o->watchdog_usec) {
            snprintf(buf, sizeof(buf), "%llu", (unsigned long long)o->watchdog_usec);
            setenv("WATCHDOG_USEC", buf, 1);
        } else {
            unsetenv("WATCHDOG_USEC");
        }
        execv("/bin/sh", (char *const *)argv);
        _exit(127);
    }
    m->pid = pid;
    return pid;
}

int mgr_recv(mgr_t *m, int timeout_ms, char *buf, size_t len, pid_t *sender)
{
    struct pollfd p = {.fd = m->notify_fd, .events = POLLIN};
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left < 0)
            left = 0;
        int rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return -1;
        if (rc == 0)
            return 0;
        break;
    }
    union {
        struct cmsghdr h;
        char space[CMSG_SPACE(sizeof(struct ucred))];
    } ctl;
    struct iovec iov = {buf, len - 1};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof(ctl)};
    ssize_t got = recvmsg(m->notify_fd, &msg, MSG_DONTWAIT);
    if (got < 0)
        return -1;
    buf[got] = '\0';
    *sender = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cred;
            memcpy(&cred, CMSG_DATA(c), sizeof(cred));
            *sender = cred.pid;
        }
    return got > 0 ? (int)got : -1;
}

bool mgr_has_line(const char *dgram, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = dgram; p && *p;) {
        size_t len = strcspn(p, "\n");
        if (len == n && strncmp(p, line, n) == 0)
            return true;
        p += len;
        if (*p == '\n')
            p++;
    }
    return false;
}

const char *mgr_value(const char *dgram, const char *key, char *out, size_t len)
{
    size_t n = strlen(key);
    for (const char *p = dgram; *p;) {
        size_t linelen = strcspn(p, "\n");
        if (linelen > n && strncmp(p, key, n) == 0 && p[n] == '=') {
            snprintf(out, len, "%.*s", (int)(linelen - n - 1), p + n + 1);
            return out;
        }
        p += linelen;
        if (*p == '\n')
            p++;
    }
    return NULL;
}

int mgr_expect(mgr_t *m, const char *line, int timeout_ms, char *buf, size_t len)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        pid_t sender;
        int64_t left = deadline - now_ms();
        int rc = mgr_recv(m, left > 0 ? (int)left : 0, buf, len, &sender);
        if (rc <= 0) {
            fprintf(stderr, "manager: no datagram with %s within %d ms\n", line, timeout_ms);
            return -1;
        }
        if (sender != m->pid) {
            fprintf(stderr, "manager: datagram from pid %d, not the daemon's %d: %s\n", (int)sender,
                    (int)m->pid, buf);
            return -1;
        }
        if (mgr_has_line(buf, line))
            return 0;
    }
}

/* Only WATCHDOG=1 lines, or only a STATUS= line: the loop's routine. */
static bool routine(const char *dgram)
{
    for (const char *p = dgram; *p;) {
        size_t len = strcspn(p, "\n");
        if (len && !(len == 10 && strncmp(p, "WATCHDOG=1", 10) == 0) &&
            strncmp(p, "STATUS=", 7) != 0)
            return false;
        p += len;
        if (*p == '\n')
            p++;
    }
    return true;
}

int mgr_next_event(mgr_t *m, int timeout_ms, char *buf, size_t len)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        pid_t sender;
        int64_t left = deadline - now_ms();
        int rc = mgr_recv(m, left > 0 ? (int)left : 0, buf, len, &sender);
        if (rc <= 0)
            return rc;
        if (sender != m->pid) {
            fprintf(stderr, "manager: datagram from pid %d, not the daemon's %d: %s\n", (int)sender,
                    (int)m->pid, buf);
            return -1;
        }
        if (!routine(buf))
            return rc;
    }
}

int mgr_wait_exit(mgr_t *m, int timeout_ms, int *status)
{
    int pidfd = (int)syscall(SYS_pidfd_open, m->pid, 0);
    if (pidfd < 0)
        return -1;
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    int rc;
    do
        rc = poll(&p, 1, timeout_ms);
    while (rc < 0 && errno == EINTR);
    close(pidfd);
    if (rc <= 0 || waitpid(m->pid, status, 0) != m->pid)
        return -1;
    m->pid = 0;
    return 0;
}

bool mgr_stderr_contains(const mgr_t *m, const char *text)
{
    char buf[65536];
    FILE *f = fopen(m->stderr_path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, text) != NULL;
}

void mgr_dump_stderr(const mgr_t *m)
{
    char line[1024];
    FILE *f = fopen(m->stderr_path, "r");
    if (!f)
        return;
    fprintf(stderr, "---- exemplard's stderr\n");
    while (fgets(line, sizeof(line), f))
        fputs(line, stderr);
    fprintf(stderr, "----\n");
    fclose(f);
}
