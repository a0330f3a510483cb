/* SPDX-License-Identifier: MIT */
/*
 * The configuration reload (SIGHUP) against the real daemon, driven by the
 * reload column of daemon/config.c's table of keys: a key a reload cannot
 * apply (it sizes or names something made at start-up) is logged "changed,
 * applies at next start" and left as it was; a live key is applied to the
 * running daemon and logged with how it was taken.  Keys that no hand-kept
 * reload list named once ([stats] listen, a publisher's endpoint) are covered
 * too.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "itest.h"

enum { TIMEOUT_MS = 10000 };

static void write_conf(const harness_t *h, const char *text)
{
    FILE *f = fopen(h->conf_path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static int log_contains(const harness_t *h, const char *text)
{
    return itest_log_count(h, text) > 0;
}

static void wait_for_log(harness_t *h, const char *text)
{
    itest_wait_for_log(h, text, 1, TIMEOUT_MS);
}

/* SIGHUP, then waits for the reload's closing line (the n-th one). */
static void reload(harness_t *h, int n)
{
    assert_int_equal(kill(h->pid, SIGHUP), 0);
    itest_wait_for_log(h, "main, configuration reloaded", n, TIMEOUT_MS);
}

static int port_listens(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
    close(fd);
    return rc == 0;
}

static void restart_only_keys_are_named_and_not_applied(void **state)
{
    (void)state;
    harness_t h;
    char conf[512];
    int feed1 = itest_free_port(), feed2 = itest_free_port(), stats = itest_free_port();
    snprintf(conf, sizeof(conf),
             HARNESS_FOUNDATION_CONF "[api]\nmax_batch = 256\n"
                                     "[publisher.hr]\nendpoint = tcp://127.0.0.1:%d\n",
             feed1);
    assert_int_equal(harness_start_conf(&h, conf, NULL), 0);

    snprintf(conf, sizeof(conf),
             HARNESS_FOUNDATION_CONF "[api]\nmax_batch = 128\n[stats]\nlisten = 127.0.0.1:%d\n"
                                     "[publisher.hr]\nendpoint = tcp://127.0.0.1:%d\n",
             stats, feed2);
    write_conf(&h, conf);
    reload(&h, 1);
    wait_for_log(&h, "main, reload, [api] max_batch changed, applies at next start");
    wait_for_log(&h, "main, reload, [stats] listen changed, applies at next start");
    wait_for_log(&h, "main, reload, [publisher.hr] endpoint changed, applies at next start");
    /* Not applied: no metrics endpoint came up. */
    assert_false(port_listens(stats));
    assert_false(log_contains(&h, "applied ("));

    /* A publisher section removed needs a restart too. */
    write_conf(&h, HARNESS_FOUNDATION_CONF);
    reload(&h, 2);
    wait_for_log(&h, "main, reload, [publisher.hr] section changed, applies at next start");

    assert_int_equal(harness_stop(&h), 0);
    harness_cleanup(&h, 0);
}

static void live_keys_are_applied_and_logged(void **state)
{
    (void)state;
    harness_t h;
    assert_int_equal(
        harness_start_conf(&h, HARNESS_FOUNDATION_CONF "[daemon]\ndefault_campaign = 2021-2025\n",
                           NULL),
        0);
    ex_client_t *c = harness_client(&h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t before = itest_register(c, "01", "Nguyễn Văn A", NULL);
    assert_string_equal(before.campaign, "2021-2025");

    write_conf(&h, HARNESS_FOUNDATION_CONF "[daemon]\ndefault_campaign = 2026-2030\n"
                                           "[workers]\nmax_attempts = 3\n");
    reload(&h, 1);
    wait_for_log(&h, "main, reload, [daemon] default_campaign changed, applied (read at each use)");
    wait_for_log(&h, "main, reload, [workers] max_attempts changed, applied (the timers are "
                     "derived again from the campaigns)");
    assert_false(log_contains(&h, "applies at next start"));
    nom_t after = itest_register(c, "01", "Trần Thị B", NULL);
    assert_string_equal(after.campaign, "2026-2030");

    ex_client_destroy(&c);
    assert_int_equal(harness_stop(&h), 0);
    harness_cleanup(&h, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restart_only_keys_are_named_and_not_applied),
        cmocka_unit_test(live_keys_are_applied_and_logged),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ex_shutdown();
    return failed;
}
