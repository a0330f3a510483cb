/* SPDX-License-Identifier: MIT */
/*
 * Socket activation without systemd: this test creates the listening socket
 * as a socket unit would and passes it as fd 3 with $LISTEN_FDS, $LISTEN_PID
 * and $LISTEN_FDNAMES (manager.h).  The daemon must serve on that very
 * socket (a client that connected before it started gets its answer), leave
 * the socket file alone (same inode while it runs and after it exits, still
 * accepting connections for the next start), pick the socket named "api"
 * among several, take a lone socket whatever its name, and refuse to start,
 * with a message naming both addresses, when the socket does not match its
 * api endpoint.  A tcp:// api is refused with a sentence pointing to
 * [auth] endpoint (CURVE), which is not socket-activated.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include <cmocka.h>

#include "exemplar.h"
#include "manager.h"

#define START_MS 10000

static int setup(void **state)
{
    static mgr_t m;
    if (mgr_init(&m) < 0)
        return -1;
    *state = &m;
    return 0;
}

static int teardown(void **state)
{
    mgr_t *m = *state;
    if (m->pid > 0)
        mgr_dump_stderr(m);
    mgr_cleanup(m);
    return 0;
}

static struct sockaddr_un unix_addr(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    assert_true(strlen(path) < sizeof(sa.sun_path));
    memcpy(sa.sun_path, path, strlen(path) + 1);
    return sa;
}

static int unix_listener(const char *path, int type)
{
    struct sockaddr_un sa = unix_addr(path);
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    if (type == SOCK_STREAM)
        assert_int_equal(listen(fd, 16), 0);
    return fd;
}

static ino_t inode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    return st.st_ino;
}

static void start(mgr_t *m, const mgr_spawn_t *o)
{
    char buf[MGR_DGRAM_MAX];
    assert_true(mgr_spawn(m, o) > 0);
    if (mgr_expect(m, "READY=1", START_MS, buf, sizeof(buf)) < 0) {
        mgr_dump_stderr(m);
        fail_msg("exemplard did not send READY=1");
    }
}

static void stop(mgr_t *m)
{
    int status;
    assert_int_equal(kill(m->pid, SIGTERM), 0);
    assert_int_equal(mgr_wait_exit(m, 5000, &status), 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The daemon must refuse to start: exit status 1, no READY=1, and a message
 * containing `why` on stderr. */
static void refused(mgr_t *m, const mgr_spawn_t *o, const char *why)
{
    int status;
    char buf[MGR_DGRAM_MAX];
    pid_t sender;
    assert_true(mgr_spawn(m, o) > 0);
    if (mgr_wait_exit(m, START_MS, &status) < 0)
        fail_msg("exemplard kept running with a socket that does not fit");
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    while (mgr_recv(m, 0, buf, sizeof(buf), &sender) > 0)
        assert_false(mgr_has_line(buf, "READY=1"));
    if (!mgr_stderr_contains(m, why)) {
        mgr_dump_stderr(m);
        fail_msg("stderr does not say \"%s\"", why);
    }
}

static void info_answered(const char *endpoint)
{
    ex_client_opts_t opts = {.endpoint = endpoint, .timeout_ms = 5000, .retries = -1};
    ex_client_t *c = ex_client_new(&opts);
    Exemplar__Reply *reply = NULL;
    assert_non_null(c);
    assert_int_equal(ex_reply_status(ex_info(c, &reply), reply), 0);
    ex_reply_free(reply);
    ex_client_destroy(&c);
}

static void passed_socket_serves_the_client_that_came_first(void **state)
{
    mgr_t *m = *state;
    char path[128];
    snprintf(path, sizeof(path), "%s/api.sock", m->dir);
    int fd = unix_listener(path, SOCK_STREAM);
    ino_t ino = inode_of(path);

    /* A client connects and sends before the daemon exists. */
    void *ctx = zmq_ctx_new(), *dealer = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof(linger));
    assert_int_equal(zmq_connect(dealer, m->api_endpoint), 0);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__InfoRequest info = EXEMPLAR__INFO_REQUEST__INIT;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.request_id = 42;
    req.body_case = EXEMPLAR__REQUEST__BODY_INFO;
    req.info = &info;
    uint8_t out[64];
    size_t len = exemplar__request__pack(&req, out);
    assert_int_equal(zmq_send(dealer, out, len, 0), (int)len);

    mgr_spawn_t o = {.listen_fds = &fd, .n_listen = 1, .listen_fdnames = "api"};
    start(m, &o);
    zmq_pollitem_t item = {dealer, 0, ZMQ_POLLIN, 0};
    assert_int_equal(zmq_poll(&item, 1, 5000), 1);
    uint8_t in[4096];
    int got = zmq_recv(dealer, in, sizeof(in), 0);
    assert_true(got > 0 && got < (int)sizeof(in));
    Exemplar__Reply *reply = exemplar__reply__unpack(NULL, (size_t)got, in);
    assert_non_null(reply);
    assert_int_equal(reply->request_id, 42);
    assert_int_equal(reply->body_case, EXEMPLAR__REPLY__BODY_INFO);
    exemplar__reply__free_unpacked(reply, NULL);
    zmq_close(dealer);
    zmq_ctx_term(ctx);

    /* Served on our socket: the file is the one we made, before and after. */
    assert_int_equal(inode_of(path), ino);
    stop(m);
    assert_int_equal(inode_of(path), ino);
    /* ... and it still listens (we hold it, as systemd would). */
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = unix_addr(path);
    assert_int_equal(connect(probe, (struct sockaddr *)&sa, sizeof(sa)), 0);
    close(probe);

    /* A restart gets the same socket again, this time without a name (as
     * from systemd-socket-activate without --fdname). */
    mgr_spawn_t again = {.listen_fds = &fd, .n_listen = 1};
    start(m, &again);
    info_answered(m->api_endpoint);
    stop(m);
    close(fd);
}

/* A tcp:// api is refused since every tcp:// endpoint needs CURVE: the
 * network endpoint is [auth] endpoint, which the daemon binds itself (socket
 * activation covers the ipc:// api only; exemplard(8)).  Both ways a tcp
 * socket unit could be pointed at the daemon end in a sentence saying what
 * to do instead, before anything is served. */
static void passed_tcp_socket_is_refused(void **state)
{
    mgr_t *m = *state;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t salen = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 16), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &salen), 0);
    char endpoint[64], why[512];
    snprintf(endpoint, sizeof(endpoint), "tcp://127.0.0.1:%u", ntohs(sa.sin_port));

    /* --api tcp://: refused by the configuration, naming [auth] endpoint.
     * mgr_spawn passes --api ipc://...; a later --api wins. */
    const char *args[] = {"--api", endpoint, NULL};
    mgr_spawn_t o = {
        .args = args, .listen_fds = &fd, .n_listen = 1, .listen_fdnames = "exemplard-tcp.socket"};
    snprintf(why, sizeof(why),
             "[api] endpoint %s: the api endpoint is the administrators' local socket and must "
             "be ipc://; put tcp:// endpoints in [auth] endpoint, where CURVE protects them",
             endpoint);
    refused(m, &o, why);

    /* The tcp socket passed to a daemon whose api is ipc:// (a socket unit
     * with ListenStream=HOST:PORT): the addresses differ, and both are named. */
    mgr_spawn_t plain = {.listen_fds = &fd, .n_listen = 1, .listen_fdnames = "api"};
    snprintf(why, sizeof(why), "not on the api endpoint %s", m->api_endpoint);
    refused(m, &plain, why);
    snprintf(why, sizeof(why), "127.0.0.1:%u", ntohs(sa.sin_port));
    assert_true(mgr_stderr_contains(m, why));
    close(fd);
}

static void the_socket_named_api_is_chosen(void **state)
{
    mgr_t *m = *state;
    char other[128], api[128];
    snprintf(other, sizeof(other), "%s/other.sock", m->dir);
    snprintf(api, sizeof(api), "%s/api.sock", m->dir);
    int fds[2] = {unix_listener(other, SOCK_STREAM), unix_listener(api, SOCK_STREAM)};
    mgr_spawn_t o = {.listen_fds = fds, .n_listen = 2, .listen_fdnames = "other:api"};
    start(m, &o);
    info_answered(m->api_endpoint);
    stop(m);
    close(fds[0]);
    close(fds[1]);
}

static void socket_at_another_path_is_refused(void **state)
{
    mgr_t *m = *state;
    char path[128], why[512];
    snprintf(path, sizeof(path), "%s/other.sock", m->dir);
    int fd = unix_listener(path, SOCK_STREAM);
    mgr_spawn_t o = {.listen_fds = &fd, .n_listen = 1, .listen_fdnames = "api"};
    snprintf(why, sizeof(why), "the passed socket listens on %s, not on the api endpoint %s", path,
             m->api_endpoint);
    refused(m, &o, why);
    assert_true(mgr_stderr_contains(m, "make the socket unit's ListenStream= and [api] endpoint "
                                       "the same"));
    close(fd);
}

static void unnamed_sockets_are_refused(void **state)
{
    mgr_t *m = *state;
    char a[128], b[128];
    snprintf(a, sizeof(a), "%s/api.sock", m->dir);
    snprintf(b, sizeof(b), "%s/b.sock", m->dir);
    int fds[2] = {unix_listener(a, SOCK_STREAM), unix_listener(b, SOCK_STREAM)};
    mgr_spawn_t o = {.listen_fds = fds, .n_listen = 2};
    refused(m, &o, "2 sockets were passed and none is named \"api\"");
    close(fds[0]);
    close(fds[1]);
}

static void datagram_socket_is_refused(void **state)
{
    mgr_t *m = *state;
    char path[128];
    snprintf(path, sizeof(path), "%s/api.sock", m->dir);
    int fd = unix_listener(path, SOCK_DGRAM);
    mgr_spawn_t o = {.listen_fds = &fd, .n_listen = 1, .listen_fdnames = "api"};
    refused(m, &o, "the passed socket is not a listening stream socket");
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(passed_socket_serves_the_client_that_came_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(passed_tcp_socket_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(the_socket_named_api_is_chosen, setup, teardown),
        cmocka_unit_test_setup_teardown(socket_at_another_path_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(unnamed_sockets_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(datagram_socket_is_refused, setup, teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ex_shutdown();
    return failed;
}
