/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the Prometheus text (daemon/metrics.c, metrics_format):
 * every sample follows its metric's # HELP and # TYPE lines, once per
 * metric; the figures are the StatsReply's (states and error codes by
 * name, microseconds as seconds); a publisher's name is escaped as the
 * exposition format asks (backslash, quote, newline) so that a hostile name
 * cannot forge a line; a listen address that is not ADDRESS:PORT (a numeric port) is refused
 * with a sentence.  The HTTP side runs in integration/test_ops_metrics.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "errors.h"
#include "events.pb-c.h"
#include "metrics.h"

static char *format(const Exemplar__StatsReply *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    metrics_format(s, f);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)); p += n)
        if ((p == text || p[-1] == '\n') && p[n] == '\n')
            return true;
    return false;
}

static void samples_follow_their_help_and_type(void **state)
{
    (void)state;
    uint64_t by_state[3] = {0, 5, 2};
    uint64_t by_code[EX_ERR_COUNT] = {0};
    by_code[EX_EPERM] = 4;
    Exemplar__PublisherStats p = EXEMPLAR__PUBLISHER_STATS__INIT, *pubs[] = {&p};
    p.name = "tax\"office\\\nexemplar_forged 1";
    p.events = 9;
    Exemplar__StatsReply s = EXEMPLAR__STATS_REPLY__INIT;
    s.nominations_by_state = by_state;
    s.n_nominations_by_state = 3;
    s.refused_by_code = by_code;
    s.n_refused_by_code = EX_ERR_COUNT;
    s.publishers = pubs;
    s.n_publishers = 1;
    s.requests = 42;
    s.commit_p50_us = 1500;
    s.commits = 7;
    s.timers_pending = 3;
    char *text = format(&s);

    assert_true(has_line(text, "exemplar_nominations{state=\"registered\"} 5"));
    assert_true(has_line(text, "exemplar_nominations{state=\"fostering\"} 2"));
    assert_true(has_line(text, "exemplar_requests_total 42"));
    char want[128];
    snprintf(want, sizeof(want), "exemplar_requests_refused_total{code=\"%s\"} 4",
             ex_err_name(EX_EPERM));
    assert_true(has_line(text, want));
    assert_true(has_line(text, "exemplar_commit_duration_seconds{quantile=\"0.5\"} 0.001500"));
    assert_true(has_line(text, "exemplar_commit_duration_seconds_count 7"));
    assert_true(has_line(text, "exemplar_timers_pending 3"));
    /* The name cannot end the label or the line. */
    assert_true(has_line(text, "exemplar_publisher_events_total{publisher=\"tax\\\"office\\\\"
                               "\\nexemplar_forged 1\"} 9"));
    assert_false(has_line(text, "exemplar_forged 1\"} 9"));

    /* Every sample's metric was announced just before, once. */
    char seen[64][80];
    size_t n_seen = 0;
    char announced[80] = "";
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char name[80];
        if (sscanf(line, "# HELP %79s", name) == 1) {
            for (size_t i = 0; i < n_seen; i++)
                if (strcmp(seen[i], name) == 0)
                    fail_msg("%s is announced twice", name);
            assert_true(n_seen < 64);
            snprintf(seen[n_seen++], sizeof(seen[0]), "%s", name);
            snprintf(announced, sizeof(announced), "%s", name);
            continue;
        }
        if (sscanf(line, "# TYPE %79s", name) == 1) {
            assert_string_equal(name, announced);
            assert_true(strstr(line, " counter") || strstr(line, " gauge") ||
                        strstr(line, " summary"));
            continue;
        }
        size_t len = strcspn(line, "{ ");
        if (strncmp(line, announced, strlen(announced)) != 0 ||
            (len != strlen(announced) && strncmp(line + strlen(announced), "_sum", 4) != 0 &&
             strncmp(line + strlen(announced), "_count", 6) != 0))
            fail_msg("sample \"%s\" is not under its # HELP (last: %s)", line, announced);
    }
    assert_true(n_seen > 20);
    free(text);
}

static void a_listen_address_without_a_port_is_refused(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(metrics_new("localhost", err, sizeof(err)));
    assert_non_null(strstr(err, "[stats] listen"));
    err[0] = 0;
    assert_null(metrics_new(":9100", err, sizeof(err)));
    assert_non_null(strstr(err, "must be ADDRESS:PORT"));
    err[0] = 0;
    assert_null(metrics_new("127.0.0.1:http", err, sizeof(err))); /* a port is a number */
    assert_non_null(strstr(err, "is not an address and port"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples_follow_their_help_and_type),
        cmocka_unit_test(a_listen_address_without_a_port_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
