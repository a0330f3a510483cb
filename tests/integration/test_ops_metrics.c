/* SPDX-License-Identifier: MIT */
/*
 * The Prometheus endpoint against the real daemon: off by default
 * (the daemon listens on no TCP port at all); with [stats] listen set, GET
 * /metrics answers in the text format 0.0.4 with the same figures as
 * `exemplarctl stats --json` (nominations by state, refusals by code,
 * commits, events, change-feed subscribers, the map), other paths are 404
 * and other methods 405.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "itest.h"

enum { TIMEOUT_MS = 20000 };

#define S(x) EXEMPLAR__STATE__STATE_##x

/* One HTTP/1.0 request; the whole answer (status line, headers, body). */
static char *http(int port, const char *method, const char *path)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    char req[256];
    int n = snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: localhost\r\n\r\n", method, path);
    assert_int_equal(write(fd, req, (size_t)n), n);
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while ((r = read(fd, buf + used, cap - used - 1)) > 0) {
        used += (size_t)r;
        if (cap - used < 1024) {
            char *more = realloc(buf, cap *= 2);
            assert_non_null(more);
            buf = more;
        }
    }
    buf[used] = 0;
    close(fd);
    return buf;
}

/* The value of the sample `name` (with its labels, as printed). */
static double sample(const char *text, const char *name)
{
    char pat[256];
    snprintf(pat, sizeof(pat), "\n%s ", name);
    const char *p = strstr(text, pat);
    if (!p)
        fail_msg("no sample %s in:\n%s", name, text);
    return strtod(p + strlen(pat), NULL);
}

static uint64_t jget(json_object *doc, const char *a, const char *b)
{
    json_object *v = NULL;
    assert_true(json_object_object_get_ex(doc, a, &v));
    if (b)
        assert_true(json_object_object_get_ex(v, b, &v));
    return json_object_get_uint64(v);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Does process pid hold a listening TCP socket? */
static bool listens_on_tcp(pid_t pid)
{
    char path[64], link[128];
    unsigned long inodes[256];
    size_t n = 0;
    snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) && n < 256;) {
        char fd[400];
        snprintf(fd, sizeof(fd), "%s/%s", path, e->d_name);
        ssize_t len = readlink(fd, link, sizeof(link) - 1);
        if (len > 0) {
            link[len] = 0;
            if (sscanf(link, "socket:[%lu]", &inodes[n]) == 1)
                n++;
        }
    }
    closedir(d);
    static const char *const TABLES[] = {"/proc/net/tcp", "/proc/net/tcp6"};
    for (size_t t = 0; t < 2; t++) {
        FILE *f = fopen(TABLES[t], "r");
        if (!f)
            continue;
        char line[512];
        while (fgets(line, sizeof(line), f)) {
            char local[64], remote[64], st[8];
            unsigned long inode;
            if (sscanf(line, " %*s %63s %63s %7s %*s %*s %*s %*s %*s %lu", local, remote, st,
                       &inode) == 4 &&
                strcmp(st, "0A") == 0)
                for (size_t i = 0; i < n; i++)
                    if (inodes[i] == inode) {
                        fclose(f);
                        return true;
                    }
        }
        fclose(f);
    }
    return false;
}

static void metrics_are_off_by_default(void **state)
{
    harness_t *h = *state;
    assert_false(listens_on_tcp(h->pid));
}

static void metrics_match_stats(void **state)
{
    harness_t *h = itest_new_harness(state);
    int port = itest_free_port();
    char conf[256];
    snprintf(conf, sizeof(conf), HARNESS_FOUNDATION_CONF "[stats]\nlisten = 127.0.0.1:%d\n", port);
    assert_int_equal(harness_start_conf(h, conf, NULL), 0);
    assert_true(listens_on_tcp(h->pid));

    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t a = itest_register(c, "01", "Một", NULL);
    itest_register(c, "02", "Hai", NULL);
    a = itest_move(c, &a, S(FOSTERING), NULL);
    Exemplar__Reply *r = NULL;
    int rc = ex_move(c, 0, a.id, S(UNIT_REVIEWED), 1, NULL, &r); /* stale version */
    itest_require_error(rc, r, EX_ECONFLICT, "stale move");
    ex_reply_free(r);
    /* a subscriber of the change feed */
    r = NULL;
    rc = ex_info(c, &r);
    itest_require_ok(rc, r, "info");
    ex_sub_t *sub = ex_sub_new(r->info->events_endpoint, "");
    assert_non_null(sub);
    ex_reply_free(r);
    uint64_t last = itest_last_seq(c);

    /* the snapshot is refreshed within a second of a change: wait for this state */
    char *text = NULL;
    int64_t deadline = now_ms() + 10000;
    for (;;) {
        free(text);
        text = http(port, "GET", "/metrics");
        if ((strstr(text, "\nexemplar_change_feed_subscribers 1\n") &&
             sample(text, "exemplar_last_change_seq") == (double)last) ||
            now_ms() > deadline)
            break;
        usleep(50 * 1000); /* polling a condition with a deadline */
    }
    assert_non_null(strstr(text, "HTTP/1.0 200") ? text : strstr(text, "HTTP/1.1 200"));
    assert_non_null(strstr(text, "text/plain; version=0.0.4"));
    assert_non_null(strstr(text, "# TYPE exemplar_requests_total counter"));
    assert_non_null(strstr(text, "# TYPE exemplar_commit_duration_seconds summary"));
    assert_non_null(strstr(text, "# HELP exemplar_nominations "));

    char out[1 << 15];
    const char *argv[] = {EXEMPLARCTL_PATH, "--api", h->api, "--json", "stats", NULL};
    assert_int_equal(harness_run(argv, out, sizeof(out)), 0);
    json_object *doc = json_tokener_parse(out);
    assert_non_null(doc);
    static const char *const STATES[] = {"registered", "fostering", "unit-reviewed", "withdrawn"};
    for (size_t i = 0; i < 4; i++) {
        char name[96];
        snprintf(name, sizeof(name), "exemplar_nominations{state=\"%s\"}", STATES[i]);
        assert_true(sample(text, name) == (double)jget(doc, "nominations_by_state", STATES[i]));
    }
    assert_true(sample(text, "exemplar_nominations{state=\"registered\"}") == 1);
    assert_true(sample(text, "exemplar_last_change_seq") ==
                (double)jget(doc, "last_change_seq", 0));
    assert_true(sample(text, "exemplar_requests_refused_total{code=\"conflict\"}") == 1);
    assert_true(jget(doc, "refused_by_code", "conflict") == 1);
    assert_true(sample(text, "exemplar_requests_total") <= (double)jget(doc, "requests", 0));
    assert_true(sample(text, "exemplar_commit_duration_seconds_count") ==
                (double)jget(doc, "commit_latency", "commits"));
    assert_true(sample(text, "exemplar_commit_duration_seconds_count") >= 3);
    assert_true(sample(text, "exemplar_events_total") == (double)jget(doc, "events", 0));
    assert_true(sample(text, "exemplar_event_gaps_total") == (double)jget(doc, "gaps", 0));
    assert_true(sample(text, "exemplar_change_feed_subscribers") ==
                (double)jget(doc, "subscribers", 0));
    assert_true(sample(text, "exemplar_lmdb_map_size_bytes") == (double)jget(doc, "map_bytes", 0));
    assert_true(sample(text, "exemplar_lmdb_page_size_bytes") == (double)jget(doc, "page_size", 0));
    assert_true(sample(text, "exemplar_lmdb_used_pages") > 0);
    json_object_put(doc);
    free(text);

    /* the subscriber leaves: the count follows */
    ex_sub_destroy(&sub);
    deadline = now_ms() + 10000;
    text = NULL;
    do {
        free(text);
        usleep(50 * 1000);
        text = http(port, "GET", "/metrics");
    } while (!strstr(text, "\nexemplar_change_feed_subscribers 0\n") && now_ms() < deadline);
    assert_non_null(strstr(text, "\nexemplar_change_feed_subscribers 0\n"));
    free(text);

    text = http(port, "GET", "/other");
    assert_non_null(strstr(text, " 404 "));
    free(text);
    text = http(port, "POST", "/metrics");
    assert_non_null(strstr(text, " 405 "));
    free(text);
    ex_client_destroy(&c);
}

static void a_bad_listen_address_stops_the_start(void **state)
{
    harness_t *h = itest_new_harness(state);
    assert_int_equal(
        harness_start_conf(h, HARNESS_FOUNDATION_CONF "[stats]\nlisten = no-port-here\n", NULL),
        -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(metrics_are_off_by_default, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_teardown(metrics_match_stats, harness_teardown),
        cmocka_unit_test_teardown(a_bad_listen_address_stops_the_start, harness_teardown),
    };
    return cmocka_run_group_tests_name("ops_metrics", tests, NULL, NULL);
}
