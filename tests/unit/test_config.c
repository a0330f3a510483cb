/* SPDX-License-Identifier: MIT */
/*
 * daemon/config.c: the one table of keys.  The defaults are its value
 * column, config_diff names every changed key with its reload column (the
 * publisher sections included, which no hand-kept list named once), and
 * config_copy_live copies the live keys and nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "log.h"

static void set(config_t *cfg, const char *section, const char *key, const char *value)
{
    char err[256];
    if (config_set(cfg, section, key, value, err, sizeof(err)) < 0)
        fail_msg("config_set [%s] %s = %s: %s", section, key, value, err);
}

static config_t *fresh(void)
{
    config_t *cfg = malloc(sizeof(*cfg));
    assert_non_null(cfg);
    unsetenv("STATE_DIRECTORY");
    unsetenv("RUNTIME_DIRECTORY");
    unsetenv("CONFIGURATION_DIRECTORY");
    config_defaults(cfg);
    return cfg;
}

static void defaults_are_the_value_column(void **state)
{
    (void)state;
    config_t *cfg = fresh();
    assert_string_equal(cfg->default_campaign, "2021-2025");
    assert_int_equal(cfg->log_level, LOG_INFO);
    assert_int_equal(cfg->max_message_bytes, 11534336);
    assert_int_equal(cfg->max_batch, 256);
    assert_true(cfg->map_size == 64ull << 20);
    assert_true(cfg->map_max == 1ull << 40);
    assert_int_equal(cfg->request_ttl_hours, 24);
    assert_int_equal(cfg->events_index_lag, 20000);
    assert_int_equal(cfg->rules_enforce, 1);
    assert_string_equal(cfg->language, "vi");
    assert_string_equal(cfg->workers_remind_before, "14d 7d 1d");
    assert_string_equal(cfg->workers_catch_up, "7d");
    assert_int_equal(cfg->workers_max_attempts, 5);
    assert_string_equal(cfg->state_dir, "exemplar-state");
    assert_string_equal(cfg->stats_listen, "");
    free(cfg);
}

typedef struct {
    char seen[16][96];
    int n;
} changes_t;

static void collect(const char *section, const char *name, config_reload_t reload, const char *how,
                    void *arg)
{
    changes_t *c = arg;
    assert_true(c->n < 16);
    assert_true((reload == CONFIG_LIVE) == (how != NULL));
    snprintf(c->seen[c->n++], sizeof(c->seen[0]), "[%s] %s %s", section, name,
             reload == CONFIG_LIVE ? "live" : "restart");
}

static void diff_names_every_changed_key_with_its_reload_column(void **state)
{
    (void)state;
    config_t *a = fresh(), *b = fresh();
    changes_t c = {0};
    config_diff(a, b, collect, &c);
    assert_int_equal(c.n, 0);

    set(b, "daemon", "default_campaign", "2026-2030");
    set(b, "api", "max_batch", "128");
    set(b, "stats", "listen", "127.0.0.1:9469");
    set(b, "workers", "max_attempts", "3");
    set(a, "publisher.hr", "endpoint", "tcp://127.0.0.1:5600");
    set(b, "publisher.hr", "endpoint", "tcp://127.0.0.1:5601");
    set(b, "publisher.fin", "endpoint", "tcp://127.0.0.1:5602");
    config_diff(a, b, collect, &c);
    const char *want[] = {
        "[daemon] default_campaign live",  "[api] max_batch restart",
        "[workers] max_attempts live",     "[stats] listen restart",
        "[publisher.hr] endpoint restart", "[publisher.fin] section restart",
    };
    assert_int_equal(c.n, (int)(sizeof(want) / sizeof(want[0])));
    for (int i = 0; i < c.n; i++)
        assert_string_equal(c.seen[i], want[i]);

    /* A removed section (fin, seen from b) and changed topics are named too. */
    c.n = 0;
    set(a, "publisher.hr", "topic", "title-awarded.");
    config_diff(b, a, collect, &c);
    int removed = 0, topics = 0;
    for (int i = 0; i < c.n; i++) {
        removed += strcmp(c.seen[i], "[publisher.fin] section restart") == 0;
        topics += strcmp(c.seen[i], "[publisher.hr] topic restart") == 0;
    }
    assert_int_equal(removed, 1);
    assert_int_equal(topics, 1);
    free(a);
    free(b);
}

static void copy_live_copies_the_live_keys_only(void **state)
{
    (void)state;
    config_t *running = fresh(), *file = fresh();
    set(file, "daemon", "default_campaign", "2026-2030");
    set(file, "daemon", "log_level", "debug");
    set(file, "store", "request_ttl_hours", "48");
    set(file, "workers", "remind_before", "3d");
    set(file, "api", "max_batch", "128");
    set(file, "stats", "listen", "127.0.0.1:9469");
    set(file, "rules", "enforce", "no");
    config_copy_live(running, file);
    assert_string_equal(running->default_campaign, "2026-2030");
    assert_int_equal(running->log_level, LOG_DEBUG);
    assert_int_equal(running->request_ttl_hours, 48);
    assert_string_equal(running->workers_remind_before, "3d");
    assert_int_equal(running->max_batch, 256);
    assert_string_equal(running->stats_listen, "");
    assert_int_equal(running->rules_enforce, 1);
    free(running);
    free(file);
}

static void readme_table_marks_live_keys_and_ranges(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    config_print_keys(f);
    fclose(f);
    assert_non_null(strstr(text, "| `[daemon]` | `log_level` | `info` | *live*; "));
    assert_non_null(strstr(text, "| `[api]` | `max_batch` | `256` | requests applied in one group "
                                 "commit (1–65536) |"));
    assert_non_null(strstr(text, "| `[stats]` | `listen` | (none: off) | `ADDRESS:PORT`"));
    assert_null(strstr(text, "| `[stats]` | `listen` | (none: off) | *live*"));
    assert_non_null(strstr(text, "| `[publisher.NAME]` |"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_the_value_column),
        cmocka_unit_test(diff_names_every_changed_key_with_its_reload_column),
        cmocka_unit_test(copy_live_copies_the_live_keys_only),
        cmocka_unit_test(readme_table_marks_live_keys_and_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
