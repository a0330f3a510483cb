/* SPDX-License-Identifier: MIT */
/*
 * Units CSV (see unitcsv.h), read and written with libcsv.
 */
#include "unitcsv.h"

#include <csv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "csvcell.h"

enum {
    COL_CODE,
    COL_NAME,
    COL_NAME_EN,
    COL_FROM,
    COL_TO,
    COL_MERGED,
    COL_KIND,
    COL_SOURCE,
    COL_COUNT
};

static const char *const COL_NAMES[COL_COUNT] = {
    [COL_CODE] = "code",       [COL_NAME] = "name_vi",  [COL_NAME_EN] = "name_en_ascii",
    [COL_FROM] = "valid_from", [COL_TO] = "valid_to",   [COL_MERGED] = "merged_from",
    [COL_KIND] = "kind",       [COL_SOURCE] = "source",
};

typedef struct {
    const char *source;
    char *err;
    size_t errlen;
    bool failed;
    size_t row;            /* rows seen, the header is row 1 */
    size_t field;          /* field index within the row */
    int col_of[COL_COUNT]; /* header: which field holds each column, -1 none */
    int ncols;
    Exemplar__Unit **units;
    size_t n, cap;
    Exemplar__Unit *cur;
} parse_t;

static void failf(parse_t *p, const char *what, const char *detail)
{
    if (!p->failed)
        snprintf(p->err, p->errlen, "%s row %zu: %s%s", p->source, p->row + 1, what, detail);
    p->failed = true;
}

static int column_of(const parse_t *p, size_t field)
{
    for (int c = 0; c < COL_COUNT; c++)
        if (p->col_of[c] == (int)field)
            return c;
    return -1;
}

static char *dup_n(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

/* merged_from: codes separated by spaces. */
static void add_merged(parse_t *p, const char *s, size_t len)
{
    Exemplar__Unit *u = p->cur;
    for (size_t i = 0; i < len;) {
        while (i < len && s[i] == ' ')
            i++;
        size_t j = i;
        while (j < len && s[j] != ' ')
            j++;
        if (j > i) {
            char **v = realloc(u->merged_from, (u->n_merged_from + 1) * sizeof(*v));
            char *code = v ? dup_n(s + i, j - i) : NULL;
            if (v)
                u->merged_from = v;
            if (!code)
                return failf(p, "out of memory", "");
            u->merged_from[u->n_merged_from++] = code;
        }
        i = j;
    }
}

static void on_field(void *data, size_t len, void *arg)
{
    parse_t *p = arg;
    const char *s = data ? data : "";
    size_t field = p->field++;
    if (p->failed)
        return;
    if (p->row == 0) {
        for (int c = 0; c < COL_COUNT; c++)
            if (strlen(COL_NAMES[c]) == len && memcmp(COL_NAMES[c], s, len) == 0) {
                if (p->col_of[c] >= 0)
                    return failf(p, "column given twice: ", COL_NAMES[c]);
                p->col_of[c] = (int)field;
                return;
            }
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)(len < 40 ? len : 40), s);
        return failf(p,
                     "unknown column (code, name_vi, name_en_ascii, valid_from, valid_to, "
                     "merged_from, kind, source): ",
                     name);
    }
    if (!p->cur) {
        p->cur = malloc(sizeof(*p->cur));
        if (!p->cur)
            return failf(p, "out of memory", "");
        exemplar__unit__init(p->cur);
    }
    int col = column_of(p, field);
    if (col < 0)
        return failf(p, "more fields than the header has", "");
    /* A cell unitcsv_write protected against spreadsheet formulas reads
     * back as it was (csvcell.h). */
    const char *plain = csvcell_unescape(s);
    len -= (size_t)(plain - s);
    s = plain;
    if (col == COL_MERGED)
        return add_merged(p, s, len);
    char **dst[COL_COUNT] = {
        [COL_CODE] = &p->cur->code,       [COL_NAME] = &p->cur->name,
        [COL_NAME_EN] = &p->cur->name_en, [COL_FROM] = &p->cur->valid_from,
        [COL_TO] = &p->cur->valid_to,     [COL_KIND] = &p->cur->kind,
        [COL_SOURCE] = &p->cur->source,
    };
    if (!len)
        return;
    if (memchr(s, '\0', len))
        return failf(p, "a field holds a NUL byte", "");
    if (!(*dst[col] = dup_n(s, len)))
        failf(p, "out of memory", "");
}

static void on_row(int c, void *arg)
{
    (void)c;
    parse_t *p = arg;
    if (!p->failed && p->row == 0 && (p->col_of[COL_CODE] < 0 || p->col_of[COL_NAME] < 0))
        failf(p, "the header must name at least the columns code and name_vi", "");
    if (!p->failed && p->row > 0) {
        Exemplar__Unit *u = p->cur;
        p->cur = NULL;
        if (!u || !u->code[0]) {
            if (u)
                exemplar__unit__free_unpacked(u, NULL);
            failf(p, "code is empty", "");
        } else if (p->n == UNITCSV_MAX_ROWS) {
            exemplar__unit__free_unpacked(u, NULL);
            failf(p, "too many rows", "");
        } else {
            if (p->n == p->cap) {
                size_t cap = p->cap ? 2 * p->cap : 64;
                Exemplar__Unit **v = realloc(p->units, cap * sizeof(*v));
                if (!v) {
                    exemplar__unit__free_unpacked(u, NULL);
                    failf(p, "out of memory", "");
                    goto next;
                }
                p->units = v;
                p->cap = cap;
            }
            p->units[p->n++] = u;
        }
    }
next:
    p->row++;
    p->field = 0;
}

int unitcsv_parse(const char *text, size_t len, const char *source, Exemplar__Unit ***out,
                  size_t *n, char *err, size_t errlen)
{
    struct csv_parser csv;
    parse_t p = {.source = source, .err = err, .errlen = errlen};
    /* Lines starting with # before the header are comments: the shipped
     * lists say there where their rows come from. */
    while (len > 0 && text[0] == '#') {
        const char *nl = memchr(text, '\n', len);
        size_t skip = nl ? (size_t)(nl - text) + 1 : len;
        text += skip;
        len -= skip;
    }
    for (int c = 0; c < COL_COUNT; c++)
        p.col_of[c] = -1;
    *out = NULL;
    *n = 0;
    if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        snprintf(err, errlen, "%s: out of memory", source);
        return -1;
    }
    if (csv_parse(&csv, text, len, on_field, on_row, &p) != len && !p.failed)
        failf(&p, "not valid CSV: ", csv_strerror(csv_error(&csv)));
    if (!p.failed && csv_fini(&csv, on_field, on_row, &p) != 0)
        failf(&p, "not valid CSV: ", csv_strerror(csv_error(&csv)));
    csv_free(&csv);
    if (p.cur)
        exemplar__unit__free_unpacked(p.cur, NULL);
    if (!p.failed && p.row == 0)
        failf(&p, "the file is empty; the first row must be the header", "");
    if (p.failed) {
        unitcsv_free(p.units, p.n);
        return -1;
    }
    *out = p.units;
    *n = p.n;
    return 0;
}

void unitcsv_free(Exemplar__Unit **units, size_t n)
{
    for (size_t i = 0; i < n; i++)
        exemplar__unit__free_unpacked(units[i], NULL);
    free(units);
}

/* Names come from administrators' files and the api: a cell that would
 * start a spreadsheet formula is written with csvcell's reversible prefix. */
static void field(FILE *f, const char *s, bool last)
{
    if (s && *s)
        csvcell_fwrite(f, s);
    fputc(last ? '\n' : ',', f);
}

void unitcsv_write(FILE *f, Exemplar__Unit *const *units, size_t n)
{
    for (int c = 0; c < COL_COUNT; c++)
        fprintf(f, "%s%c", COL_NAMES[c], c + 1 < COL_COUNT ? ',' : '\n');
    for (size_t i = 0; i < n; i++) {
        const Exemplar__Unit *u = units[i];
        char merged[512] = "";
        size_t used = 0;
        for (size_t j = 0; j < u->n_merged_from && used < sizeof(merged); j++) {
            int k = snprintf(merged + used, sizeof(merged) - used, "%s%s", j ? " " : "",
                             u->merged_from[j]);
            if (k < 0)
                break;
            used += (size_t)k;
        }
        field(f, u->code, false);
        field(f, u->name, false);
        field(f, u->name_en, false);
        field(f, u->valid_from, false);
        field(f, u->valid_to, false);
        field(f, merged, false);
        field(f, u->kind, false);
        field(f, u->source, true);
    }
}
