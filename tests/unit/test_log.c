/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the daemon's logging outside systemd (daemon/log.c): a line
 * goes to stderr as "exemplard: <level>: <line>", one line per call (the
 * structured fields are the journal's, not printed there); lines above the
 * level set are dropped and a new level applies at once; level names parse
 * and print back.  stderr is a temp file for the test's duration; a
 * $JOURNAL_STREAM that names another file leaves lines on stderr.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

static char path[64];
static int saved = -1;

/* stderr into a fresh temp file. */
static int capture(void **state)
{
    (void)state;
    snprintf(path, sizeof(path), "/tmp/ex-log-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
    unsetenv("JOURNAL_STREAM");
    return 0;
}

static int restore(void **state)
{
    (void)state;
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    unlink(path);
    log_set_level(LOG_INFO);
    return 0;
}

/* What stderr holds so far. */
static const char *captured(void)
{
    static char buf[4096];
    fflush(stderr);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void a_line_goes_to_stderr_with_its_level(void **state)
{
    (void)state;
    /* a journal stream that is not our stderr: still stderr */
    setenv("JOURNAL_STREAM", "1:1", 1);
    log_set_level(LOG_INFO);
    log_fields(LOG_NOTICE, LOG_FIELDS(log_u64("NOMINATION_ID", 42), log_str("UNIT", NULL)),
               "api, nomination %d moved to %s", 42, "fostering");
    log_warning("store, the map is %d%% full", 91);
    log_fields(LOG_INFO, LOG_FIELDS(log_str("bad name", "x")), "feeds, %s", "a bad field name");
    assert_string_equal(captured(), "exemplard: notice: api, nomination 42 moved to fostering\n"
                                    "exemplard: warning: store, the map is 91% full\n"
                                    "exemplard: info: feeds, a bad field name\n");
}

static void lines_above_the_level_are_dropped(void **state)
{
    (void)state;
    log_set_level(LOG_WARNING);
    log_info("dropped");
    log_notice("dropped too");
    log_error("loop, %s", "kept");
    log_set_level(LOG_DEBUG); /* a reload's new level applies at once */
    log_debug("now kept");
    assert_string_equal(captured(), "exemplard: error: loop, kept\n"
                                    "exemplard: debug: now kept\n");
}

static void level_names_parse_and_print_back(void **state)
{
    (void)state;
    const char *names[] = {"error", "warning", "notice", "info", "debug"};
    for (size_t i = 0; i < 5; i++) {
        int p = log_level_parse(names[i]);
        assert_int_equal(p, LOG_ERR + (int)i);
        assert_string_equal(log_level_name(p), names[i]);
    }
    assert_int_equal(log_level_parse("verbose"), -1);
    assert_int_equal(log_level_parse("INFO"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_line_goes_to_stderr_with_its_level, capture, restore),
        cmocka_unit_test_setup_teardown(lines_above_the_level_are_dropped, capture, restore),
        cmocka_unit_test(level_names_parse_and_print_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
