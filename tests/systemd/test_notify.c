/* SPDX-License-Identifier: MIT */
/*
 * exemplard and the service manager's notify protocol, with this test in the
 * manager's place (manager.h): READY=1 with STATUS= once it serves, WATCHDOG=1
 * from the loop at half the requested interval (and none when the watchdog
 * is meant for another process), RELOADING=1 then READY=1 around a SIGHUP
 * that applies the live keys and refuses a broken file, STOPPING=1 on
 * SIGTERM.  Every datagram must come from the daemon's own pid.
 *
 * The plan's rules are off here ([rules] enforce = no): this test is about
 * the daemon's dealings with its manager and about which campaign a
 * registration that names none gets (the live key default_campaign, set to a
 * campaign no file defines), not about who may register when; with the rules
 * on, a registration needs a subject and an open registration window, and
 * the default campaign must exist.  systemd.journal and systemd.real run
 * with the rules on.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>

#include "exemplar.h"
#include "manager.h"

#define START_MS 10000

/* Every configuration this test writes turns the rules off (see above). */
#define RULES_OFF "[rules]\nenforce = no\n"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* Starts the daemon and returns its READY=1 datagram in buf. */
static void start(mgr_t *m, const mgr_spawn_t *o, char *buf, size_t len)
{
    assert_true(mgr_spawn(m, o) > 0);
    if (mgr_expect(m, "READY=1", START_MS, buf, len) < 0) {
        mgr_dump_stderr(m);
        fail_msg("exemplard did not send READY=1");
    }
}

/* SIGTERM: STOPPING=1, then exit status 0. */
static void stop(mgr_t *m)
{
    char buf[MGR_DGRAM_MAX];
    int status;
    assert_int_equal(kill(m->pid, SIGTERM), 0);
    assert_int_equal(mgr_expect(m, "STOPPING=1", 5000, buf, sizeof(buf)), 0);
    assert_int_equal(mgr_wait_exit(m, 5000, &status), 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Registers a nomination without a campaign and returns the campaign the
 * daemon gave it (the default one).  The client is closed before any check
 * fails: a socket left open would keep ex_shutdown() waiting at exit. */
static void register_default_campaign(mgr_t *m, char *campaign, size_t len)
{
    ex_client_opts_t opts = {.endpoint = m->api_endpoint, .timeout_ms = 5000, .retries = -1};
    ex_client_t *c = ex_client_new(&opts);
    Exemplar__Reply *reply = NULL;
    assert_non_null(c);
    int rc = ex_register(c, 0, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL, "Nguyễn Văn A", NULL, &reply);
    int status = ex_reply_status(rc, reply);
    ex_client_destroy(&c);
    if (status != 0) {
        ex_reply_free(reply);
        mgr_dump_stderr(m);
        fail_msg("register was refused (status %d)", status);
    }
    snprintf(campaign, len, "%s", reply->nomination->campaign);
    ex_reply_free(reply);
}

static void ready_carries_status_and_comes_from_the_daemon(void **state)
{
    mgr_t *m = *state;
    char buf[MGR_DGRAM_MAX], status[256], conf[128];
    snprintf(conf, sizeof(conf), "%s/exemplard.conf", m->dir);
    write_file(conf, RULES_OFF);
    const char *args[] = {"--config", conf, NULL};
    mgr_spawn_t o = {.args = args};
    start(m, &o, buf, sizeof(buf));
    /* READY=1 and STATUS= in one datagram, so `systemctl status` never shows
     * an active service without a status line. */
    assert_non_null(mgr_value(buf, "STATUS", status, sizeof(status)));
    assert_string_equal(status, "0 nominations, last change 0");
    /* READY=1 means serving: a request is answered at once. */
    char campaign[64];
    register_default_campaign(m, campaign, sizeof(campaign));
    assert_string_equal(campaign, "2021-2025");
    stop(m);
}

static void watchdog_pings_at_half_the_interval(void **state)
{
    mgr_t *m = *state;
    char buf[MGR_DGRAM_MAX];
    mgr_spawn_t o = {.watchdog_usec = 1000000}; /* 1 s: pings every 500 ms */
    start(m, &o, buf, sizeof(buf));
    /* Each ping must come from the daemon within the interval (systemd would
     * kill it otherwise), and not much more often than every half interval. */
    int64_t first = now_ms();
    for (int i = 0; i < 6; i++)
        if (mgr_expect(m, "WATCHDOG=1", 1000, buf, sizeof(buf)) < 0)
            fail_msg("ping %d did not come within the 1 s interval", i + 1);
    assert_true(now_ms() - first >= 2000); /* six pings, at least five half-intervals */
    stop(m);
}

static void no_watchdog_for_another_pid(void **state)
{
    mgr_t *m = *state;
    char buf[MGR_DGRAM_MAX];
    pid_t sender;
    /* WATCHDOG_PID names process 1: the watchdog is not this process's. */
    mgr_spawn_t o = {.watchdog_usec = 100000, .watchdog_other_pid = true};
    start(m, &o, buf, sizeof(buf));
    /* It would ping every 50 ms; ten intervals without one. */
    int64_t deadline = now_ms() + 500;
    for (int64_t left; (left = deadline - now_ms()) > 0;) {
        int rc = mgr_recv(m, (int)left, buf, sizeof(buf), &sender);
        assert_true(rc >= 0);
        if (rc > 0 && mgr_has_line(buf, "WATCHDOG=1"))
            fail_msg("WATCHDOG=1 sent although WATCHDOG_PID names another process");
    }
    stop(m);
}

/* SIGHUP and the two datagrams around the reload; returns the READY=1 one. */
static void sighup(mgr_t *m, char *buf, size_t len)
{
    char mono[32];
    assert_int_equal(kill(m->pid, SIGHUP), 0);
    assert_true(mgr_next_event(m, 5000, buf, len) > 0);
    if (!mgr_has_line(buf, "RELOADING=1"))
        fail_msg("expected RELOADING=1 first after SIGHUP, got: %s", buf);
    /* systemd 253's notify-reload needs it; older managers ignore it. */
    assert_non_null(mgr_value(buf, "MONOTONIC_USEC", mono, sizeof(mono)));
    assert_true(mgr_next_event(m, 5000, buf, len) > 0);
    if (!mgr_has_line(buf, "READY=1"))
        fail_msg("expected READY=1 after RELOADING=1, got: %s", buf);
}

static void sighup_reloads_live_keys_and_survives_a_broken_file(void **state)
{
    mgr_t *m = *state;
    char buf[MGR_DGRAM_MAX], conf[128], status[256], campaign[64];
    snprintf(conf, sizeof(conf), "%s/exemplard.conf", m->dir);
    write_file(conf, "[daemon]\nlog_level = info\ndefault_campaign = 2021-2025\n" RULES_OFF);
    const char *args[] = {"--config", conf, NULL};
    mgr_spawn_t o = {.args = args, .watchdog_usec = 2000000};
    start(m, &o, buf, sizeof(buf));
    register_default_campaign(m, campaign, sizeof(campaign));
    assert_string_equal(campaign, "2021-2025");
    assert_false(mgr_stderr_contains(m, "debug:"));

    /* Live keys apply; a key that needs a restart is named, not applied. */
    write_file(conf, "[daemon]\nlog_level = debug\ndefault_campaign = 2026-2030\n"
                     "[store]\nmap_size_mib = 128\n" RULES_OFF);
    sighup(m, buf, sizeof(buf));
    assert_non_null(mgr_value(buf, "STATUS", status, sizeof(status)));
    assert_string_equal(status, "1 nominations, last change 1");
    assert_true(mgr_stderr_contains(m, "configuration reloaded: log_level debug"));
    assert_true(mgr_stderr_contains(m, "[store] map_size_mib changed, applies at next start"));
    register_default_campaign(m, campaign, sizeof(campaign));
    assert_string_equal(campaign, "2026-2030");
    /* log_level debug is live: the loop's debug line about this reload shows. */
    assert_true(mgr_stderr_contains(m, "debug: loop, reload done"));

    /* A broken file changes nothing; the daemon stays READY and says so. */
    write_file(conf, "[daemon]\nlog_level = loud\n" RULES_OFF);
    sighup(m, buf, sizeof(buf));
    assert_non_null(mgr_value(buf, "STATUS", status, sizeof(status)));
    assert_non_null(strstr(status, "the last reload failed"));
    assert_true(mgr_stderr_contains(m, "reload failed, the running configuration stays"));
    register_default_campaign(m, campaign, sizeof(campaign));
    assert_string_equal(campaign, "2026-2030");

    /* Fixed again: the status line is clean again. */
    write_file(conf, "[daemon]\nlog_level = info\ndefault_campaign = 2026-2030\n" RULES_OFF);
    sighup(m, buf, sizeof(buf));
    assert_non_null(mgr_value(buf, "STATUS", status, sizeof(status)));
    assert_string_equal(status, "3 nominations, last change 3");
    stop(m);
}

static void sigterm_sends_stopping(void **state)
{
    mgr_t *m = *state;
    char buf[MGR_DGRAM_MAX], status[64];
    mgr_spawn_t o = {.watchdog_usec = 1000000};
    start(m, &o, buf, sizeof(buf));
    assert_int_equal(kill(m->pid, SIGTERM), 0);
    assert_true(mgr_next_event(m, 5000, buf, sizeof(buf)) > 0);
    if (!mgr_has_line(buf, "STOPPING=1"))
        fail_msg("expected STOPPING=1 after SIGTERM, got: %s", buf);
    assert_non_null(mgr_value(buf, "STATUS", status, sizeof(status)));
    assert_string_equal(status, "stopping");
    int wstatus;
    assert_int_equal(mgr_wait_exit(m, 5000, &wstatus), 0);
    assert_true(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ready_carries_status_and_comes_from_the_daemon, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(watchdog_pings_at_half_the_interval, setup, teardown),
        cmocka_unit_test_setup_teardown(no_watchdog_for_another_pid, setup, teardown),
        cmocka_unit_test_setup_teardown(sighup_reloads_live_keys_and_survives_a_broken_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(sigterm_sends_stopping, setup, teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ex_shutdown();
    return failed;
}
