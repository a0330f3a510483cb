/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of socket activation (daemon/activation.c, over sdnotify.c's
 * sd_listen_fds) with real sockets passed the way systemd passes them:
 * from fd 3 on, with $LISTEN_FDS, $LISTEN_PID and $LISTEN_FDNAMES.  The
 * listening socket of the api endpoint (ipc:// or tcp://) is taken and the
 * variables are unset; none passed means bind as usual; a socket on another
 * address, one that does not listen, several with none named "api", or an
 * endpoint whose transport cannot be passed are refused with a sentence;
 * a malformed $LISTEN_FDS is an error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "activation.h"
#include "tmpdir.h"

#define FIRST_FD 3 /* SD_LISTEN_FDS_START */

static char dir[64];

static int group_setup(void **state)
{
    (void)state;
    /* fds 3 and 4 are where the service manager puts its sockets; one the
     * test's parent let this process inherit (a make jobserver pipe) is of
     * no use here and is closed, as the daemon's own start would find it. */
    close(FIRST_FD);
    close(FIRST_FD + 1);
    snprintf(dir, sizeof(dir), "/tmp/ex-activation-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    tmpdir_remove(dir);
    return 0;
}

/* A unix stream socket bound at dir/name (listening when listens), moved
 * to fd at. */
static void pass_unix(const char *name, bool listens, int at)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", dir, name);
    unlink(a.sun_path);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(s >= 0);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    if (listens)
        assert_int_equal(listen(s, 8), 0);
    if (s != at) { /* socket() may have returned `at` itself, the lowest free fd */
        assert_int_equal(dup2(s, at), at);
        close(s);
    }
}

static void environment(const char *n, const char *names)
{
    char pid[16];
    snprintf(pid, sizeof(pid), "%d", (int)getpid());
    setenv("LISTEN_PID", pid, 1);
    setenv("LISTEN_FDS", n, 1);
    if (names)
        setenv("LISTEN_FDNAMES", names, 1);
    else
        unsetenv("LISTEN_FDNAMES");
}

static void close_passed(void)
{
    close(FIRST_FD);
    close(FIRST_FD + 1);
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
}

static int take(const char *endpoint_name, int *fd, char *err, size_t len)
{
    char endpoint[128];
    snprintf(endpoint, sizeof(endpoint), "ipc://%s/%s", dir, endpoint_name);
    err[0] = 0;
    return activation_take_api(endpoint, fd, err, len);
}

static void nothing_passed_means_bind_as_usual(void **state)
{
    (void)state;
    close_passed();
    int fd = 7;
    char err[256];
    assert_int_equal(take("api.sock", &fd, err, sizeof(err)), 0);
    assert_int_equal(fd, -1);
    /* Sockets meant for another process (the service manager's own pid)
     * are not this one's. */
    pass_unix("api.sock", true, FIRST_FD);
    environment("1", NULL);
    setenv("LISTEN_PID", "1", 1);
    assert_int_equal(take("api.sock", &fd, err, sizeof(err)), 0);
    assert_int_equal(fd, -1);
    close_passed();
}

static void the_api_socket_is_taken_and_the_variables_unset(void **state)
{
    (void)state;
    pass_unix("api.sock", true, FIRST_FD);
    environment("1", "api");
    int fd = -1;
    char err[256];
    if (take("api.sock", &fd, err, sizeof(err)) < 0)
        fail_msg("%s", err);
    assert_int_equal(fd, FIRST_FD);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    assert_null(getenv("LISTEN_FDS"));
    assert_null(getenv("LISTEN_PID"));
    close_passed();

    /* The only socket passed is taken whatever its name. */
    pass_unix("api.sock", true, FIRST_FD);
    environment("1", "connection");
    assert_int_equal(take("api.sock", &fd, err, sizeof(err)), 0);
    assert_int_equal(fd, FIRST_FD);
    close_passed();

    /* Of two, the one named api; the other is closed. */
    pass_unix("other.sock", true, FIRST_FD);
    pass_unix("api.sock", true, FIRST_FD + 1);
    environment("2", "other:api");
    assert_int_equal(take("api.sock", &fd, err, sizeof(err)), 0);
    assert_int_equal(fd, FIRST_FD + 1);
    assert_int_equal(fcntl(FIRST_FD, F_GETFD), -1);
    close_passed();
}

static void a_tcp_endpoint_takes_its_listening_socket(void **state)
{
    (void)state;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(s, 8), 0);
    socklen_t alen = sizeof(a);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &alen), 0);
    if (s != FIRST_FD) {
        assert_int_equal(dup2(s, FIRST_FD), FIRST_FD);
        close(s);
    }
    environment("1", "api");
    char endpoint[64], err[256] = "";
    snprintf(endpoint, sizeof(endpoint), "tcp://127.0.0.1:%u", ntohs(a.sin_port));
    int fd = -1;
    if (activation_take_api(endpoint, &fd, err, sizeof(err)) < 0)
        fail_msg("%s", err);
    assert_int_equal(fd, FIRST_FD);
    close_passed();
}

static void sockets_that_do_not_fit_are_refused_with_a_sentence(void **state)
{
    (void)state;
    int fd = -1;
    char err[256];
    /* another address: clients of the socket unit would wait forever */
    pass_unix("elsewhere.sock", true, FIRST_FD);
    environment("1", "api");
    assert_int_equal(take("api.sock", &fd, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "not on the api endpoint"));
    close_passed();
    /* bound but not listening */
    pass_unix("api.sock", false, FIRST_FD);
    environment("1", "api");
    assert_int_equal(take("api.sock", &fd, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "not a listening stream socket"));
    close_passed();
    /* two, none named api */
    pass_unix("a.sock", true, FIRST_FD);
    pass_unix("b.sock", true, FIRST_FD + 1);
    environment("2", "a:b");
    assert_int_equal(take("api.sock", &fd, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "none is named \"api\""));
    close_passed();
    /* a transport that cannot be passed */
    pass_unix("api.sock", true, FIRST_FD);
    environment("1", "api");
    err[0] = 0;
    assert_int_equal(activation_take_api("inproc://api", &fd, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "neither ipc:// nor tcp://"));
    close_passed();
    /* a malformed $LISTEN_FDS */
    environment("many", NULL);
    int rc = take("api.sock", &fd, err, sizeof(err));
    assert_true(rc < 0);
    assert_non_null(strstr(err, "$LISTEN_FDS"));
    close_passed();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_passed_means_bind_as_usual),
        cmocka_unit_test(the_api_socket_is_taken_and_the_variables_unset),
        cmocka_unit_test(a_tcp_endpoint_takes_its_listening_socket),
        cmocka_unit_test(sockets_that_do_not_fit_are_refused_with_a_sentence),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
