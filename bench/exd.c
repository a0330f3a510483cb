/* SPDX-License-Identifier: MIT */
/*
 * The exemplard side of the benchmark (see exd.h): process control with
 * sd_notify readiness, a pipelined seeder on a raw DEALER socket, and the
 * move target built on libexemplar.
 *
 * Readiness is the daemon's own READY=1 on a datagram socket we bind and
 * name in NOTIFY_SOCKET, watched together with a pidfd so that a daemon that
 * dies during start-up is noticed at once: no sleeps, no polling loops.
 */
#include "exd.h"

#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
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
#include <unistd.h>
#include <zmq.h>

#include "exemplar.h"

extern char **environ;

/* Variables a service manager sets: the daemon must see ours only. */
static const char *const SCRUB_ENV[] = {
    "NOTIFY_SOCKET=",   "WATCHDOG_USEC=",     "WATCHDOG_PID=",
    "LISTEN_FDS=",      "LISTEN_PID=",        "LISTEN_FDNAMES=",
    "STATE_DIRECTORY=", "RUNTIME_DIRECTORY=", "CONFIGURATION_DIRECTORY=",
    "EXEMPLAR_API=",
};

static bool scrubbed(const char *kv)
{
    for (size_t i = 0; i < sizeof(SCRUB_ENV) / sizeof(SCRUB_ENV[0]); i++)
        if (strncmp(kv, SCRUB_ENV[i], strlen(SCRUB_ENV[i])) == 0)
            return true;
    return false;
}

static int pidfd_of(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Waits for READY=1 on fd while watching the child.  0 ready, -1 err. */
static int wait_ready(exd_t *d, int fd, uint64_t t0, double timeout_s, const char *log, char *err,
                      size_t err_len)
{
    uint64_t deadline = t0 + (uint64_t)(timeout_s * 1e9);
    for (;;) {
        uint64_t now = now_ns();
        if (now >= deadline) {
            snprintf(err, err_len, "exemplard sent no READY=1 within %.0f s (log: %s)", timeout_s,
                     log);
            return -1;
        }
        struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = d->pidfd, .events = POLLIN}};
        int n = poll(p, 2, (int)((deadline - now) / 1000000u) + 1);
        if (n < 0 && errno != EINTR) {
            snprintf(err, err_len, "poll: %s", strerror(errno));
            return -1;
        }
        if (n > 0 && (p[0].revents & POLLIN)) {
            char buf[4096];
            ssize_t len = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
            if (len > 0) {
                uint64_t got = now_ns();
                buf[len] = '\0';
                bool ready = false;
                for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line;
                     line = strtok_r(NULL, "\n", &save)) {
                    if (strcmp(line, "READY=1") == 0)
                        ready = true;
                    else if (strncmp(line, "STATUS=", 7) == 0)
                        snprintf(d->status, sizeof(d->status), "%s", line + 7);
                }
                if (ready) {
                    d->ready_ms = (double)(got - t0) / 1e6;
                    return 0;
                }
            }
            continue;
        }
        if (n > 0 && (p[1].revents & POLLIN)) {
            int st = 0;
            waitpid(d->pid, &st, 0);
            d->pid = 0;
            if (WIFEXITED(st))
                snprintf(err, err_len, "exemplard exited with status %d before READY=1 (log: %s)",
                         WEXITSTATUS(st), log);
            else
                snprintf(err, err_len, "exemplard died of signal %d before READY=1 (log: %s)",
                         WTERMSIG(st), log);
            return -1;
        }
    }
}

int exd_start(exd_t *d, const char *binary, const char *dir, char *const *extra, double timeout_s,
              char *err, size_t err_len)
{
    memset(d, 0, sizeof(*d));
    d->pidfd = -1;
    char state[512], notify[512], log[512], api[512], events[512], conf[512];
    if ((size_t)snprintf(state, sizeof(state), "%s/state", dir) >= sizeof(state) ||
        (size_t)snprintf(conf, sizeof(conf), "%s/exemplard.conf", dir) >= sizeof(conf) ||
        (size_t)snprintf(notify, sizeof(notify), "%s/notify.sock", dir) >= sizeof(notify) ||
        (size_t)snprintf(log, sizeof(log), "%s/exemplard.log", dir) >= sizeof(log) ||
        (size_t)snprintf(api, sizeof(api), "ipc://%s/api.sock", dir) >= sizeof(api) ||
        (size_t)snprintf(events, sizeof(events), "ipc://%s/events.sock", dir) >= sizeof(events)) {
        snprintf(err, err_len, "work directory path too long: %s", dir);
        return -1;
    }
    snprintf(d->endpoint, sizeof(d->endpoint), "%s", api);

    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(notify) >= sizeof(sa.sun_path)) {
        snprintf(err, err_len, "work directory path too long for a unix socket: %s", dir);
        return -1;
    }
    memcpy(sa.sun_path, notify, strlen(notify) + 1); /* length checked above */
    unlink(notify);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        snprintf(err, err_len, "notify socket %s: %s", notify, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }

    /* Everything the child needs is built before fork: only async-signal-
     * safe calls may follow it in a process with threads. */
    size_t nenv = 0, nextra = 0;
    while (environ[nenv])
        nenv++;
    while (extra && extra[nextra])
        nextra++;
    char **envp = calloc(nenv + 2, sizeof(char *));
    char **argv = calloc(nextra + 12, sizeof(char *));
    char notify_env[600];
    snprintf(notify_env, sizeof(notify_env), "NOTIFY_SOCKET=%s", notify);
    int rc = -1;
    if (!envp || !argv) {
        snprintf(err, err_len, "out of memory");
        goto out;
    }
    size_t k = 0;
    for (size_t i = 0; i < nenv; i++)
        if (!scrubbed(environ[i]))
            envp[k++] = environ[i];
    envp[k++] = notify_env;
    k = 0;
    argv[k++] = (char *)binary;
    argv[k++] = "--state-dir";
    argv[k++] = state;
    argv[k++] = "--runtime-dir";
    argv[k++] = (char *)dir;
    argv[k++] = "--api";
    argv[k++] = api;
    argv[k++] = "--events";
    argv[k++] = events;
    /* The benchmark measures the state machine's mechanics: its synthetic
     * units (U001...) are not in the registry, so the plan's rules are off. */
    FILE *cf = fopen(conf, "w");
    int written = cf ? fputs("[rules]\nenforce = no\n", cf) : -1;
    if (!cf || (fclose(cf) != 0) | (written < 0)) {
        snprintf(err, err_len, "cannot write %s", conf);
        goto out;
    }
    argv[k++] = "--config";
    argv[k++] = conf;
    for (size_t i = 0; i < nextra; i++)
        argv[k++] = extra[i];

    int logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logfd < 0) {
        snprintf(err, err_len, "%s: %s", log, strerror(errno));
        goto out;
    }
    pid_t parent = getpid();
    uint64_t t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, err_len, "fork: %s", strerror(errno));
        close(logfd);
        goto out;
    }
    if (pid == 0) {
        /* The daemon gets SIGTERM if the benchmark dies. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        dup2(logfd, STDOUT_FILENO);
        dup2(logfd, STDERR_FILENO);
        if (chdir(dir) != 0)
            _exit(127);
        execve(binary, argv, envp);
        _exit(127);
    }
    close(logfd);
    d->pid = pid;
    d->pidfd = pidfd_of(pid);
    if (d->pidfd < 0) {
        snprintf(err, err_len, "pidfd_open: %s", strerror(errno));
        exd_kill(d);
        goto out;
    }
    rc = wait_ready(d, fd, t0, timeout_s, log, err, err_len);
    if (rc < 0)
        exd_kill(d);
out:
    close(fd);
    unlink(notify);
    free(envp);
    free(argv);
    return rc;
}

void exd_kill(exd_t *d)
{
    if (d->pid > 0) {
        kill(d->pid, SIGKILL);
        waitpid(d->pid, NULL, 0);
        d->pid = 0;
    }
    if (d->pidfd >= 0) {
        close(d->pidfd);
        d->pidfd = -1;
    }
}

int exd_stop(exd_t *d, double timeout_s, char *err, size_t err_len)
{
    if (d->pid <= 0) {
        snprintf(err, err_len, "exemplard is not running");
        return -1;
    }
    kill(d->pid, SIGTERM);
    struct pollfd p = {.fd = d->pidfd, .events = POLLIN};
    int n;
    do
        n = poll(&p, 1, (int)(timeout_s * 1000));
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        snprintf(err, err_len, "exemplard did not exit within %.0f s of SIGTERM; killed",
                 timeout_s);
        exd_kill(d);
        return -1;
    }
    int st = 0;
    waitpid(d->pid, &st, 0);
    d->pid = 0;
    close(d->pidfd);
    d->pidfd = -1;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        snprintf(err, err_len, "exemplard ended with %s %d after SIGTERM",
                 WIFEXITED(st) ? "status" : "signal",
                 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
        return -1;
    }
    return 0;
}

int exd_mem(const exd_t *d, exd_mem_t *m)
{
    memset(m, 0, sizeof(*m));
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)d->pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    while (fgets(line, sizeof(line), f)) {
        sscanf(line, "VmRSS: %ld", &m->rss_kib);
        sscanf(line, "RssAnon: %ld", &m->anon_kib);
        sscanf(line, "RssFile: %ld", &m->file_kib);
        sscanf(line, "VmHWM: %ld", &m->hwm_kib);
    }
    fclose(f);
    return 0;
}

/* ---- seeding: many registers in flight on one DEALER ---- */

static int seed_send(void *sock, size_t i, uint64_t reqid, char *err, size_t err_len)
{
    char unit[16], name[96];
    int kind;
    seed_fields(i, unit, sizeof(unit), &kind, name, sizeof(name));
    Exemplar__RegisterRequest rr = EXEMPLAR__REGISTER_REQUEST__INIT;
    rr.unit = unit;
    rr.kind = (Exemplar__Kind)kind;
    rr.name = name;
    rr.campaign = SEED_CAMPAIGN;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.request_id = reqid;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &rr;
    uint8_t buf[512];
    size_t len = exemplar__request__get_packed_size(&req);
    if (len > sizeof(buf)) {
        snprintf(err, err_len, "register request %zu too large", i);
        return -1;
    }
    exemplar__request__pack(&req, buf);
    if (zmq_send(sock, buf, len, 0) < 0) {
        snprintf(err, err_len, "zmq_send: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

/* Takes one reply off the socket.  1 when one was handled, 0 when none was
 * waiting, -1 on error. */
static int seed_recv(void *sock, model_t *m, uint64_t first_id, char *err, size_t err_len)
{
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, sock, ZMQ_DONTWAIT) < 0) {
        int e = zmq_errno();
        zmq_msg_close(&msg);
        if (e == EAGAIN)
            return 0;
        snprintf(err, err_len, "zmq_recv: %s", zmq_strerror(e));
        return -1;
    }
    Exemplar__Reply *rep = exemplar__reply__unpack(NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
    zmq_msg_close(&msg);
    int rc = -1;
    if (!rep) {
        snprintf(err, err_len, "register: the daemon's reply does not decode");
        return -1;
    }
    uint64_t i = rep->request_id - first_id;
    if (rep->request_id < first_id || i >= m->n) {
        snprintf(err, err_len, "register: reply to an unknown request id %llu",
                 (unsigned long long)rep->request_id);
    } else if (rep->error && rep->error->code != EXEMPLAR__ERROR_CODE__ERROR_OK) {
        snprintf(err, err_len, "register %llu refused: %s (%s)", (unsigned long long)i + 1,
                 rep->error->name ? rep->error->name : "?",
                 rep->error->message ? rep->error->message : "");
    } else if (rep->body_case != EXEMPLAR__REPLY__BODY_NOMINATION || !rep->nomination) {
        snprintf(err, err_len, "register: reply without a nomination");
    } else {
        m->key[i] = rep->nomination->id;
        m->version[i] = rep->nomination->version;
        m->state[i] = (uint8_t)rep->nomination->state;
        rc = 1;
    }
    exemplar__reply__free_unpacked(rep, NULL);
    return rc;
}

int exd_seed(const char *endpoint, model_t *m, int window, double *seconds, char *err,
             size_t err_len)
{
    int rc = -1;
    void *ctx = zmq_ctx_new();
    void *sock = ctx ? zmq_socket(ctx, ZMQ_DEALER) : NULL;
    if (!sock) {
        snprintf(err, err_len, "zmq: %s", zmq_strerror(zmq_errno()));
        goto out;
    }
    int zero = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof(zero));
    zmq_setsockopt(sock, ZMQ_SNDHWM, &zero, sizeof(zero));
    zmq_setsockopt(sock, ZMQ_RCVHWM, &zero, sizeof(zero));
    if (zmq_connect(sock, endpoint) != 0) {
        snprintf(err, err_len, "zmq_connect %s: %s", endpoint, zmq_strerror(zmq_errno()));
        goto out;
    }
    uint64_t first_id = reqid_block(m->n);
    size_t sent = 0, done = 0;
    uint64_t t0 = now_ns();
    while (done < m->n) {
        while (sent < m->n && sent - done < (size_t)window) {
            if (seed_send(sock, sent, first_id + sent, err, err_len) < 0)
                goto out;
            sent++;
        }
        zmq_pollitem_t it = {.socket = sock, .events = ZMQ_POLLIN};
        int n = zmq_poll(&it, 1, 60000);
        if (n < 0 && zmq_errno() != EINTR) {
            snprintf(err, err_len, "zmq_poll: %s", zmq_strerror(zmq_errno()));
            goto out;
        }
        if (n == 0) {
            snprintf(err, err_len, "register: no reply from %s for 60 s (%zu of %zu done)",
                     endpoint, done, m->n);
            goto out;
        }
        int got;
        while ((got = seed_recv(sock, m, first_id, err, err_len)) > 0)
            done++;
        if (got < 0)
            goto out;
    }
    *seconds = (double)(now_ns() - t0) / 1e9;
    rc = 0;
out:
    if (sock)
        zmq_close(sock);
    if (ctx)
        zmq_ctx_term(ctx);
    return rc;
}

/* ---- the move target ---- */

static void *exd_connect(void *arg, char *err, size_t err_len)
{
    ex_client_opts_t o = {.endpoint = arg, .timeout_ms = 10000, .retries = 2};
    ex_client_t *c = ex_client_new(&o);
    if (!c) {
        snprintf(err, err_len, "ex_client_new: %s", strerror(errno));
        return NULL;
    }
    /* Connect now, not inside the first timed move. */
    Exemplar__Reply *rep = NULL;
    int st = ex_reply_status(ex_info(c, &rep), rep);
    ex_reply_free(rep);
    if (st != 0) {
        snprintf(err, err_len, "info: %s", ex_err_name(st));
        ex_client_destroy(&c);
        return NULL;
    }
    return c;
}

static int exd_move(void *conn, uint64_t key, int from, int to, uint64_t expected_version,
                    uint64_t *new_version, char *err, size_t err_len)
{
    (void)from;
    Exemplar__Reply *rep = NULL;
    int rc = ex_move(conn, reqid_next(), key, (Exemplar__State)to, expected_version, NULL, &rep);
    int st = ex_reply_status(rc, rep);
    int out = -1;
    if (st == 0 && rep->nomination) {
        *new_version = rep->nomination->version;
        out = 0;
    } else if (st == -EX_ECONFLICT) {
        *new_version = rep->error->current_version;
        out = MOVE_CONFLICT;
    } else {
        snprintf(err, err_len, "move %llu to %s: %s%s%s", (unsigned long long)key,
                 ex_state_name((Exemplar__State)to), ex_err_name(st),
                 rep && rep->error && rep->error->message ? ": " : "",
                 rep && rep->error && rep->error->message ? rep->error->message : "");
    }
    ex_reply_free(rep);
    return out;
}

static void exd_disconnect(void *conn)
{
    ex_client_t *c = conn;
    ex_client_destroy(&c);
}

const target_t EXD_TARGET = {
    .name = "exemplard",
    .connect = exd_connect,
    .move = exd_move,
    .disconnect = exd_disconnect,
};

/* ---- listing and counters --------------------------------------------- */

/* The list client decodes every reply in full, into one bump arena freed
 * at once after the page (protobuf-c's allocator hook), as libpq keeps a
 * page's rows in one PGresult: the default allocator's malloc and free of
 * every string of every nomination cost more than the daemon's page. */
typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
} chunk_t;

typedef struct {
    chunk_t *head;
} arena_t;

static void *arena_alloc(void *d, size_t n)
{
    arena_t *a = d;
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    chunk_t *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > (1u << 20) ? n : (1u << 20);
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
    }
    void *p = (uint8_t *)c->data + c->used;
    c->used += n;
    return p;
}

static void arena_free(void *d, void *p)
{
    (void)d;
    (void)p; /* all at once in arena_reset */
}

/* Keeps the newest chunk for the next page. */
static void arena_reset(arena_t *a)
{
    if (!a->head)
        return;
    chunk_t *c = a->head->next;
    while (c) {
        chunk_t *next = c->next;
        free(c);
        c = next;
    }
    a->head->next = NULL;
    a->head->used = 0;
}

/* One list request on sock, its reply decoded into a (NULL: refused or
 * not decoded, with err set). */
static Exemplar__Reply *list_page(void *sock, ProtobufCAllocator *a, int state, uint32_t page,
                                  const uint8_t *token, size_t token_len, char *err, size_t err_len)
{
    Exemplar__ListRequest body = EXEMPLAR__LIST_REQUEST__INIT;
    body.state = (Exemplar__State)state;
    body.limit = page;
    body.page_token.data = (uint8_t *)token;
    body.page_token.len = token_len;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.request_id = reqid_next();
    req.body_case = EXEMPLAR__REQUEST__BODY_LIST;
    req.list = &body;
    uint8_t buf[512];
    size_t len = exemplar__request__get_packed_size(&req);
    if (len > sizeof(buf)) {
        snprintf(err, err_len, "exemplard: a list request of %zu bytes", len);
        return NULL;
    }
    exemplar__request__pack(&req, buf);
    if (zmq_send(sock, buf, len, 0) < 0) {
        snprintf(err, err_len, "exemplard: list: zmq_send: %s", zmq_strerror(zmq_errno()));
        return NULL;
    }
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, sock, 0) < 0) {
        snprintf(err, err_len, "exemplard: list: no reply (%s)", zmq_strerror(zmq_errno()));
        zmq_msg_close(&msg);
        return NULL;
    }
    Exemplar__Reply *r = exemplar__reply__unpack(a, zmq_msg_size(&msg), zmq_msg_data(&msg));
    zmq_msg_close(&msg);
    if (!r)
        snprintf(err, err_len, "exemplard: list: the reply does not decode");
    else if (r->error && r->error->code != EXEMPLAR__ERROR_CODE__ERROR_OK)
        snprintf(err, err_len, "exemplard: list: %s", r->error->message ? r->error->message : "");
    else if (r->body_case != EXEMPLAR__REPLY__BODY_LIST || r->request_id != req.request_id)
        snprintf(err, err_len, "exemplard: list: a reply that is not this list's");
    else
        return r;
    return NULL;
}

int exd_list(const char *endpoint, int state, uint32_t page, uint64_t *rows, double *seconds,
             char *err, size_t err_len)
{
    void *ctx = zmq_ctx_new();
    void *sock = ctx ? zmq_socket(ctx, ZMQ_DEALER) : NULL;
    int rc = -1;
    arena_t arena = {0};
    ProtobufCAllocator a = {.alloc = arena_alloc, .free = arena_free, .allocator_data = &arena};
    *rows = 0;
    *seconds = 0;
    if (!sock) {
        snprintf(err, err_len, "zmq: %s", zmq_strerror(zmq_errno()));
        goto out;
    }
    int zero = 0, timeout = 60000;
    zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof(zero));
    zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout, sizeof(timeout));
    if (zmq_connect(sock, endpoint) != 0) {
        snprintf(err, err_len, "zmq_connect %s: %s", endpoint, zmq_strerror(zmq_errno()));
        goto out;
    }
    uint8_t token[256];
    size_t token_len = 0;
    double t0 = now_s();
    for (;;) {
        Exemplar__Reply *r = list_page(sock, &a, state, page, token, token_len, err, err_len);
        if (!r)
            goto out;
        *rows += r->list->n_nominations;
        token_len = r->list->next_page_token.len;
        if (token_len > sizeof(token)) {
            snprintf(err, err_len, "exemplard: a page token of %zu bytes", token_len);
            goto out;
        }
        if (token_len)
            memcpy(token, r->list->next_page_token.data, token_len);
        arena_reset(&arena);
        if (!token_len)
            break;
    }
    *seconds = now_s() - t0;
    rc = 0;
out:
    arena_reset(&arena);
    free(arena.head);
    if (sock)
        zmq_close(sock);
    if (ctx)
        zmq_ctx_term(ctx);
    return rc;
}

int exd_counters(const char *endpoint, uint64_t *requests, uint64_t *batches)
{
    ex_client_opts_t o = {.endpoint = endpoint, .timeout_ms = 60000, .retries = -1};
    ex_client_t *c = ex_client_new(&o);
    Exemplar__Reply *r = NULL;
    int rc = c ? ex_stats(c, &r) : -1;
    if (rc == 0 && !r->error) {
        *requests = r->stats->requests;
        *batches = r->stats->batches;
    } else {
        rc = -1;
    }
    ex_reply_free(r);
    ex_client_destroy(&c);
    return rc;
}

int exd_wal(const char *endpoint, exd_wal_t *w)
{
    ex_client_opts_t o = {.endpoint = endpoint, .timeout_ms = 60000, .retries = -1};
    ex_client_t *c = ex_client_new(&o);
    Exemplar__Reply *r = NULL;
    int rc = c ? ex_stats(c, &r) : -1;
    if (rc == 0 && !r->error) {
        *w = (exd_wal_t){r->stats->wal,         r->stats->wal_replayed,    r->stats->wal_last_seq,
                         r->stats->wal_applied, r->stats->wal_checkpoints, r->stats->wal_bytes};
    } else {
        rc = -1;
    }
    ex_reply_free(r);
    ex_client_destroy(&c);
    return rc;
}
