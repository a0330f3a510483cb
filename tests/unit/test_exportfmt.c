/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the export format (daemon/exportfmt.c): the strict line
 * parser takes exactly one JSON object with a string "type" per line and
 * refuses everything else with a sentence; every database is either
 * exported or rebuilt by an import; a whole export of a real (empty) store
 * reads back line by line, header first and end last.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "errors.h"
#include "exportfmt.h"
#include "store.h"
#include "fixture.h"

static int parse(const char *line, char *err, size_t errlen)
{
    json_object *o = NULL;
    err[0] = 0;
    int rc = exportfmt_parse_line(line, strlen(line), &o, err, errlen);
    if (rc == 0) {
        assert_non_null(o);
        json_object_put(o);
    } else
        assert_null(o);
    return rc;
}

static void good_lines_parse(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(parse("{\"type\":\"end\"}", err, sizeof(err)), 0);
    assert_int_equal(parse("{\"type\":\"end\"}\n", err, sizeof(err)), 0);
    assert_int_equal(parse("{ \"type\" : \"unit\", \"key\" : \"Bộ Nội vụ\" }\n", err, sizeof(err)),
                     0);
    json_object *o = NULL;
    const char *l = "{\"type\":\"header\",\"n\":3}\n";
    assert_int_equal(exportfmt_parse_line(l, strlen(l), &o, err, sizeof(err)), 0);
    json_object *t = NULL;
    assert_true(json_object_object_get_ex(o, "type", &t));
    assert_string_equal(json_object_get_string(t), "header");
    json_object_put(o);
}

static void bad_lines_are_refused_with_a_sentence(void **state)
{
    (void)state;
    static const char *BAD[] = {
        "",                                      /* nothing */
        "\n",                                    /* an empty line */
        "not json",                              /* not JSON */
        "[\"type\",\"end\"]",                    /* not an object */
        "\"end\"",                               /* a string */
        "{\"type\":\"end\",}",                   /* a trailing comma */
        "{'type':'end'}",                        /* single quotes */
        "{\"type\":\"end\"} {\"type\":\"end\"}", /* two objects */
        "{\"type\":\"end\"} x",                  /* text after it */
        "{\"kind\":\"end\"}",                    /* no type */
        "{\"type\":3}",                          /* a type that is not a string */
        "{\"type\":\"end\" /* c */}",            /* a comment */
        "{\"type\":\"\xc3\x28\"}",               /* not UTF-8 */
    };
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        char err[256];
        if (parse(BAD[i], err, sizeof(err)) != -EX_EINVALID)
            fail_msg("line %zu (%s) was accepted", i, BAD[i]);
        if (!err[0])
            fail_msg("line %zu (%s) refused without a sentence", i, BAD[i]);
    }
    /* A NUL byte inside the line: the length says where it ends. */
    char err[256];
    json_object *o = NULL;
    static const char nul[] = "{\"type\":\"e\0nd\"}";
    assert_int_equal(exportfmt_parse_line(nul, sizeof(nul) - 1, &o, err, sizeof(err)),
                     -EX_EINVALID);
    assert_null(o);
}

static void every_database_is_exported_or_rebuilt(void **state)
{
    (void)state;
    assert_int_equal(exportfmt_unknown_database(), -1);
    assert_true(EXPORTFMT_COUNT > 0);
    for (size_t i = 0; i < EXPORTFMT_COUNT; i++)
        assert_ptr_equal(exportfmt_find(EXPORTFMT_TYPES[i].type), &EXPORTFMT_TYPES[i]);
    assert_null(exportfmt_find("header"));
    assert_null(exportfmt_find("no-such-type"));
}

static void an_export_reads_back_line_by_line(void **state)
{
    fixture_t *fx = *state;
    char err[256] = "";
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    store_txn_t t;
    uint64_t records = 9, noms = 9, last = 9;
    assert_int_equal(store_txn_begin(fx->store, false, &t), 0);
    assert_int_equal(exportfmt_write(&t, f, &records, &noms, &last, err, sizeof(err)), 0);
    store_txn_abort(&t);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(noms, 0);
    assert_int_equal(last, 0);

    size_t lines = 0;
    char first[32] = "", type[32] = "";
    for (char *p = buf; *p;) {
        char *nl = strchr(p, '\n');
        assert_non_null(nl); /* every line ends with its newline */
        json_object *o = NULL, *ty = NULL;
        if (exportfmt_parse_line(p, (size_t)(nl - p + 1), &o, err, sizeof(err)) < 0)
            fail_msg("line %zu: %s", lines + 1, err);
        assert_true(json_object_object_get_ex(o, "type", &ty));
        snprintf(type, sizeof(type), "%s", json_object_get_string(ty));
        if (!first[0])
            snprintf(first, sizeof(first), "%s", type);
        json_object_put(o);
        lines++;
        p = nl + 1;
    }
    assert_true(lines >= 2);
    assert_string_equal(first, "header");
    assert_string_equal(type, "end");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_lines_parse),
        cmocka_unit_test(bad_lines_are_refused_with_a_sentence),
        cmocka_unit_test(every_database_is_exported_or_rebuilt),
        cmocka_unit_test_setup_teardown(an_export_reads_back_line_by_line, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
