/* SPDX-License-Identifier: MIT */
/*
 * The integration test harness (see harness.h): owns the daemon process of
 * one test, its temporary directory and its readiness handshake.  Start-up is
 * waited for on the notify socket and the process's pidfd with poll() and a
 * deadline, so a daemon that dies early fails the test at once with its log,
 * and nothing ever sleeps.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

extern char **environ;

enum {
    START_DEADLINE_MS = 15000, /* generous: sanitizer builds on a busy 2-core machine */
    STOP_DEADLINE_MS = 15000,
};

/* Variables of the caller's environment that would point the daemon at
 * another service manager, directory or endpoint than the test's. */
static const char *const SCRUBBED_ENV[] = {
    "NOTIFY_SOCKET=", "STATE_DIRECTORY=", "RUNTIME_DIRECTORY=", "CONFIGURATION_DIRECTORY=",
    "LISTEN_FDS=",    "LISTEN_PID=",      "LISTEN_FDNAMES=",    "WATCHDOG_USEC=",
    "WATCHDOG_PID=",  "EXEMPLAR_API=",    "INVOCATION_ID=",     "JOURNAL_STREAM=",
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining_ms(int64_t deadline)
{
    int64_t left = deadline - now_ms();
    return left < 0 ? 0 : (int)left;
}

static void describe_status(int status, char *buf, size_t len)
{
    if (WIFEXITED(status))
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "was killed by signal %d (%s)%s", WTERMSIG(status),
                 strsignal(WTERMSIG(status)), WCOREDUMP(status) ? ", core dumped" : "");
    else
        snprintf(buf, len, "changed state (status %#x)", status);
}

void harness_dump_log(const harness_t *h)
{
    FILE *f = fopen(h->log_path, "r");
    if (!f) {
        fprintf(stderr, "harness: no daemon log at %s\n", h->log_path);
        return;
    }
    fprintf(stderr, "---- exemplard log (%s) ----\n", h->log_path);
    char line[1024];
    while (fgets(line, sizeof(line), f))
        fputs(line, stderr);
    fprintf(stderr, "---- end of exemplard log ----\n");
    fclose(f);
}

static int pidfd_open_compat(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

/* Waits up to timeout_ms for the daemon to exit.  Returns 1 with *status set
 * when it exited (and is reaped), 0 on timeout. */
static int wait_exit(harness_t *h, int timeout_ms, int *status)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        pid_t r = waitpid(h->pid, status, WNOHANG);
        if (r == h->pid)
            return 1;
        if (r < 0 && errno != EINTR) {
            /* not our child any more: nothing to wait for */
            *status = 0;
            return 1;
        }
        int left = remaining_ms(deadline);
        if (left == 0)
            return 0;
        if (h->pidfd >= 0) {
            struct pollfd p = {.fd = h->pidfd, .events = POLLIN};
            poll(&p, 1, left);
        } else {
            /* no pidfd (old kernel): check again in short slices */
            struct pollfd none;
            poll(&none, 0, left < 20 ? left : 20);
        }
    }
}

static void reaped(harness_t *h)
{
    if (h->pidfd >= 0)
        close(h->pidfd);
    h->pidfd = -1;
    h->pid = 0;
}

/* Builds the daemon's environment: ours without the scrubbed variables, plus
 * NOTIFY_SOCKET.  Done before fork: only async-signal-safe calls after it. */
static char **child_env(const char *notify)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 2, sizeof(char *));
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int drop = 0;
        for (size_t j = 0; j < sizeof(SCRUBBED_ENV) / sizeof(SCRUBBED_ENV[0]); j++)
            if (strncmp(environ[i], SCRUBBED_ENV[j], strlen(SCRUBBED_ENV[j])) == 0)
                drop = 1;
        if (!drop)
            env[k++] = environ[i];
    }
    static char notify_var[128];
    snprintf(notify_var, sizeof(notify_var), "NOTIFY_SOCKET=%s", notify);
    env[k++] = notify_var;
    env[k] = NULL;
    return env;
}

static int bind_notify(harness_t *h)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(h->notify_path) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "harness: %s does not fit in sun_path\n", h->notify_path);
        return -1;
    }
    memcpy(sa.sun_path, h->notify_path, strlen(h->notify_path) + 1);
    unlink(h->notify_path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(stderr, "harness: cannot bind %s: %s\n", h->notify_path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Reads every waiting datagram; returns 1 once one of them says READY=1. */
static int read_notify(int fd)
{
    int ready = 0;
    char buf[4096];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
        if (n < 0)
            return ready;
        buf[n] = '\0';
        /* one assignment per line: READY=1 must be a line of its own */
        for (char *line = buf, *end; line && *line; line = end ? end + 1 : NULL) {
            end = strchr(line, '\n');
            size_t len = end ? (size_t)(end - line) : strlen(line);
            if (len == 7 && strncmp(line, "READY=1", 7) == 0)
                ready = 1;
        }
    }
}

static int spawn(harness_t *h)
{
    if (h->pid) {
        fprintf(stderr, "harness: the daemon is already running (pid %d)\n", (int)h->pid);
        return -1;
    }
    int notify = bind_notify(h);
    if (notify < 0)
        return -1;
    int log = open(h->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    /* EXEMPLARD_PATH: the built daemon, defined by tests/CMakeLists.txt */
    const char *argv[24] = {EXEMPLARD_PATH, "--state-dir", h->dir, "--config", h->conf_path};
    int argc = 5;
    for (int i = 0; h->extra[i] && argc < 23; i++)
        argv[argc++] = h->extra[i];
    argv[argc] = NULL;
    char **env = child_env(h->notify_path);
    if (log < 0 || null < 0 || !env) {
        fprintf(stderr, "harness: cannot prepare the daemon's start: %s\n", strerror(errno));
        goto fail;
    }
    {
        char mark[128];
        int n = snprintf(mark, sizeof(mark), "==== harness: start %d ====\n", h->starts + 1);
        if (n > 0 && write(log, mark, (size_t)n) < 0)
            goto fail;
    }

    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "harness: fork: %s\n", strerror(errno));
        goto fail;
    }
    if (pid == 0) {
        /* the child: only async-signal-safe calls until exec */
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a crashed test */
        if (getppid() != parent)
            _exit(126);
        dup2(null, STDIN_FILENO);
        dup2(log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
        execve(argv[0], (char *const *)argv, env);
        static const char msg[] = "harness: cannot execute exemplard\n";
        if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
            _exit(127);
        _exit(127);
    }
    h->pid = pid;
    h->pidfd = pidfd_open_compat(pid);
    h->starts++;
    free(env);
    env = NULL;
    close(log);
    log = -1;
    close(null);
    null = -1;

    /* wait for READY=1, the daemon's death, or the deadline */
    int64_t deadline = now_ms() + START_DEADLINE_MS;
    int ready = 0;
    while (!ready) {
        struct pollfd p[2] = {{.fd = notify, .events = POLLIN}, {.fd = h->pidfd, .events = POLLIN}};
        int slice = h->pidfd >= 0 ? remaining_ms(deadline) : 20;
        int r = poll(p, h->pidfd >= 0 ? 2 : 1, slice);
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, "harness: poll: %s\n", strerror(errno));
            break;
        }
        if (p[0].revents & POLLIN)
            ready = read_notify(notify);
        if (ready)
            break;
        int status;
        if (waitpid(h->pid, &status, WNOHANG) == h->pid) {
            char how[96];
            describe_status(status, how, sizeof(how));
            fprintf(stderr, "harness: exemplard %s before sending READY=1\n", how);
            reaped(h);
            harness_dump_log(h);
            goto fail_closed;
        }
        if (remaining_ms(deadline) == 0) {
            fprintf(stderr, "harness: exemplard sent no READY=1 within %d ms; killing it\n",
                    START_DEADLINE_MS);
            harness_kill9(h);
            harness_dump_log(h);
            goto fail_closed;
        }
    }
    if (!ready)
        goto fail_closed;
    /* Stop playing the service manager once READY=1 is seen: nobody would
     * drain the socket, and a daemon must not care that it is gone. */
    close(notify);
    unlink(h->notify_path);
    return 0;

fail:
    free(env);
    if (log >= 0)
        close(log);
    if (null >= 0)
        close(null);
fail_closed:
    close(notify);
    unlink(h->notify_path);
    return -1;
}

int harness_start(harness_t *h, const char *const *extra)
{
    return harness_start_conf(h, HARNESS_FOUNDATION_CONF, extra);
}

int harness_start_conf(harness_t *h, const char *conf, const char *const *extra)
{
    memset(h, 0, sizeof(*h));
    h->pidfd = -1;
    snprintf(h->dir, sizeof(h->dir), "/tmp/exh.XXXXXX");
    if (!mkdtemp(h->dir)) {
        fprintf(stderr, "harness: mkdtemp: %s\n", strerror(errno));
        return -1;
    }
    snprintf(h->api, sizeof(h->api), "ipc://%s/api.sock", h->dir);
    snprintf(h->log_path, sizeof(h->log_path), "%s/exemplard.log", h->dir);
    snprintf(h->notify_path, sizeof(h->notify_path), "%s/notify.sock", h->dir);
    snprintf(h->conf_path, sizeof(h->conf_path), "%s/exemplard.conf", h->dir);
    FILE *f = fopen(h->conf_path, "w");
    if (!f || fputs(conf, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "harness: cannot write %s: %s\n", h->conf_path, strerror(errno));
        return -1;
    }
    int n = 0;
    for (; extra && extra[n] && n < 7; n++)
        h->extra[n] = extra[n];
    h->extra[n] = NULL;
    return spawn(h);
}

int harness_restart(harness_t *h)
{
    return spawn(h);
}

int harness_stop(harness_t *h)
{
    if (!h->pid) {
        fprintf(stderr, "harness: stop: the daemon is not running\n");
        return -1;
    }
    if (kill(h->pid, SIGTERM) < 0) {
        fprintf(stderr, "harness: kill(SIGTERM): %s\n", strerror(errno));
        return -1;
    }
    int status = 0;
    if (!wait_exit(h, STOP_DEADLINE_MS, &status)) {
        fprintf(stderr, "harness: exemplard did not exit within %d ms of SIGTERM; killing it\n",
                STOP_DEADLINE_MS);
        kill(h->pid, SIGKILL);
        waitpid(h->pid, &status, 0);
        reaped(h);
        harness_dump_log(h);
        return -1;
    }
    reaped(h);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char how[96];
        describe_status(status, how, sizeof(how));
        fprintf(stderr, "harness: on SIGTERM exemplard %s, expected exit status 0\n", how);
        harness_dump_log(h);
        return -1;
    }
    if (getenv("EXEMPLAR_TEST_LOG"))
        harness_dump_log(h);
    return 0;
}

int harness_kill9(harness_t *h)
{
    if (!h->pid) {
        fprintf(stderr, "harness: kill9: the daemon is not running\n");
        return -1;
    }
    int status = 0;
    if (waitpid(h->pid, &status, WNOHANG) == h->pid) {
        char how[96];
        describe_status(status, how, sizeof(how));
        fprintf(stderr, "harness: exemplard had already %s before kill -9\n", how);
        reaped(h);
        harness_dump_log(h);
        return -1;
    }
    kill(h->pid, SIGKILL);
    while (waitpid(h->pid, &status, 0) < 0 && errno == EINTR)
        ;
    reaped(h);
    return 0;
}

int harness_alive(harness_t *h)
{
    if (!h->pid)
        return 0;
    int status;
    if (waitpid(h->pid, &status, WNOHANG) == h->pid) {
        char how[96];
        describe_status(status, how, sizeof(how));
        fprintf(stderr, "harness: exemplard %s on its own\n", how);
        reaped(h);
        harness_dump_log(h);
        return 0;
    }
    return 1;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void harness_cleanup(harness_t *h, int keep)
{
    if (h->pid) {
        kill(h->pid, SIGKILL);
        waitpid(h->pid, NULL, 0);
        reaped(h);
    }
    if (h->zmq) {
        zmq_ctx_term(h->zmq);
        h->zmq = NULL;
    }
    if (!h->dir[0])
        return;
    if (keep || getenv("EXEMPLAR_TEST_KEEP")) {
        fprintf(stderr, "harness: kept %s\n", h->dir);
        return;
    }
    nftw(h->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    h->dir[0] = '\0';
}

ex_client_t *harness_client(const harness_t *h, int timeout_ms)
{
    ex_client_opts_t o = {
        .endpoint = h->api, .timeout_ms = timeout_ms, .retries = -1, .language = "en"};
    ex_client_t *c = ex_client_new(&o);
    if (!c)
        fprintf(stderr, "harness: ex_client_new(%s): %s\n", h->api, strerror(errno));
    return c;
}

int harness_setup(void **state)
{
    harness_t *h = calloc(1, sizeof(*h));
    if (!h)
        return -1;
    if (harness_start(h, NULL) < 0) {
        harness_cleanup(h, 0);
        free(h);
        return -1;
    }
    *state = h;
    return 0;
}

int harness_teardown(void **state)
{
    harness_t *h = *state;
    if (!h)
        return 0;
    int rc = h->pid ? harness_stop(h) : 0;
    harness_cleanup(h, rc < 0);
    free(h);
    *state = NULL;
    return rc;
}

/* ---- raw api access ------------------------------------------------------ */

uint8_t *harness_pack(const Exemplar__Request *req, size_t *len)
{
    *len = exemplar__request__get_packed_size(req);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (buf)
        exemplar__request__pack(req, buf);
    return buf;
}

int harness_raw_call(harness_t *h, const void *const *frames, const size_t *lens, int n,
                     int timeout_ms, harness_raw_reply_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!h->zmq && !(h->zmq = zmq_ctx_new())) {
        fprintf(stderr, "harness: zmq_ctx_new: %s\n", zmq_strerror(errno));
        return -1;
    }
    void *s = zmq_socket(h->zmq, ZMQ_DEALER);
    if (!s) {
        fprintf(stderr, "harness: zmq_socket: %s\n", zmq_strerror(errno));
        return -1;
    }
    int rc = -1;
    int zero = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof(zero));
    if (zmq_connect(s, h->api) < 0) {
        fprintf(stderr, "harness: zmq_connect(%s): %s\n", h->api, zmq_strerror(errno));
        goto out;
    }
    for (int i = 0; i < n; i++) {
        if (zmq_send(s, frames[i], lens[i], i + 1 < n ? ZMQ_SNDMORE : 0) < 0) {
            fprintf(stderr, "harness: zmq_send: %s\n", zmq_strerror(errno));
            goto out;
        }
    }
    zmq_pollitem_t item = {.socket = s, .events = ZMQ_POLLIN};
    int64_t deadline = now_ms() + timeout_ms;
    int ready;
    do {
        ready = zmq_poll(&item, 1, remaining_ms(deadline));
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) {
        fprintf(stderr, "harness: zmq_poll: %s\n", zmq_strerror(errno));
        goto out;
    }
    if (ready == 0) {
        rc = 0; /* no reply */
        goto out;
    }
    int more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, s, 0) < 0) {
            fprintf(stderr, "harness: zmq_msg_recv: %s\n", zmq_strerror(errno));
            zmq_msg_close(&m);
            goto out;
        }
        out->frames++;
        free(out->payload);
        out->len = zmq_msg_size(&m);
        out->payload = malloc(out->len ? out->len : 1);
        if (!out->payload) {
            zmq_msg_close(&m);
            goto out;
        }
        memcpy(out->payload, zmq_msg_data(&m), out->len);
        more = zmq_msg_more(&m);
        zmq_msg_close(&m);
    }
    out->reply = exemplar__reply__unpack(NULL, out->len, out->payload);
    rc = 0;
out:
    zmq_close(s);
    return rc;
}

int harness_raw_request(harness_t *h, const Exemplar__Request *req, int timeout_ms,
                        harness_raw_reply_t *out)
{
    size_t len;
    uint8_t *buf = harness_pack(req, &len);
    if (!buf)
        return -1;
    const void *frames[1] = {buf};
    int rc = harness_raw_call(h, frames, &len, 1, timeout_ms, out);
    free(buf);
    return rc;
}

void harness_raw_reply_free(harness_raw_reply_t *r)
{
    if (r->reply)
        exemplar__reply__free_unpacked(r->reply, NULL);
    free(r->payload);
    memset(r, 0, sizeof(*r));
}

/* ---- other processes ------------------------------------------------------ */

int harness_run(const char *const *argv, char *out, size_t out_len)
{
    int fds[2];
    if (out_len)
        out[0] = '\0';
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    size_t used = 0;
    char sink[512];
    for (;;) {
        char *dst = used + 1 < out_len ? out + used : sink;
        size_t room = used + 1 < out_len ? out_len - used - 1 : sizeof(sink);
        ssize_t n = read(fds[0], dst, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (dst != sink)
            used += (size_t)n;
    }
    if (out_len)
        out[used] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
