/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the service manager's protocols (daemon/sdnotify.c) with a
 * real $NOTIFY_SOCKET datagram socket standing for systemd: readiness,
 * status, stopping, reloading (with MONOTONIC_USEC from the monotonic
 * clock, which Type=notify-reload requires) and the watchdog send the
 * messages systemd reads; the watchdog interval is this process's only;
 * outside systemd (no $NOTIFY_SOCKET) every call is a harmless no-op.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sdnotify.h"
#include "tmpdir.h"

typedef struct {
    char dir[64], path[96];
    int sock;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/ex-sdnotify-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/notify", f->dir);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", f->path);
    f->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(f->sock >= 0);
    assert_int_equal(bind(f->sock, (struct sockaddr *)&a, sizeof(a)), 0);
    struct timeval tv = {.tv_sec = 2};
    setsockopt(f->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setenv("NOTIFY_SOCKET", f->path, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    unsetenv("NOTIFY_SOCKET");
    close(f->sock);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* The next datagram, NUL-terminated ("" after the 2 s timeout). */
static const char *message(fixture_t *f)
{
    static char buf[512];
    ssize_t n = recv(f->sock, buf, sizeof(buf) - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    return buf;
}

static void the_manager_reads_each_state(void **state)
{
    fixture_t *f = *state;
    sdnotify_ready("serving 3 units");
    assert_string_equal(message(f), "READY=1\nSTATUS=serving 3 units");
    sdnotify_status("compacting");
    assert_string_equal(message(f), "STATUS=compacting");
    sdnotify_watchdog();
    assert_string_equal(message(f), "WATCHDOG=1");
    sdnotify_stopping();
    assert_string_equal(message(f), "STOPPING=1\nSTATUS=stopping");

    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    unsigned long long before = (unsigned long long)ts.tv_sec * 1000000ull + ts.tv_nsec / 1000u;
    sdnotify_reloading();
    const char *m = message(f);
    unsigned long long usec = 0;
    const char *at = strstr(m, "MONOTONIC_USEC=");
    assert_non_null(strstr(m, "RELOADING=1\n"));
    assert_non_null(at);
    assert_int_equal(sscanf(at, "MONOTONIC_USEC=%llu", &usec), 1);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    unsigned long long after = (unsigned long long)ts.tv_sec * 1000000ull + ts.tv_nsec / 1000u;
    assert_true(usec >= before && usec <= after);
}

static void the_watchdog_interval_is_this_process_only(void **state)
{
    (void)state;
    char pid[16];
    snprintf(pid, sizeof(pid), "%d", (int)getpid());
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    assert_int_equal(sdnotify_watchdog_usec(), 0);
    setenv("WATCHDOG_USEC", "20000000", 1);
    setenv("WATCHDOG_PID", pid, 1);
    assert_int_equal(sdnotify_watchdog_usec(), 20000000);
    setenv("WATCHDOG_PID", "1", 1); /* meant for another process */
    assert_int_equal(sdnotify_watchdog_usec(), 0);
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
}

static void outside_systemd_nothing_happens(void **state)
{
    fixture_t *f = *state;
    unsetenv("NOTIFY_SOCKET");
    sdnotify_ready("alone");
    sdnotify_stopping();
    struct timeval tv = {.tv_usec = 100000};
    setsockopt(f->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    assert_string_equal(message(f), "");
    /* and a manager that went away is no error either */
    setenv("NOTIFY_SOCKET", "/nonexistent/notify", 1);
    sdnotify_ready("gone");
    sdnotify_watchdog();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_manager_reads_each_state, setup, teardown),
        cmocka_unit_test_setup_teardown(the_watchdog_interval_is_this_process_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(outside_systemd_nothing_happens, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
