/* SPDX-License-Identifier: MIT */
/*
 * What exemplarctl prints (output.c): the protocol's messages as JSON
 * documents and for people, times, the plan's words, key/value blocks and
 * aligned tables.  The bottom of exemplarctl: knows neither the run (ctl.h)
 * nor a command, and reports nothing; every function here only formats.
 */
#ifndef EXEMPLARCTL_OUTPUT_H
#define EXEMPLARCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "exemplar.h"

/* ---- JSON ---------------------------------------------------------------- */

/* A JSON string, "" for NULL. */
json_object *ctl_json_str(const char *s);

/* JSON values for the protocol's messages; enums by name, null for none. */
json_object *ctl_json_nomination(const Exemplar__Nomination *n);
json_object *ctl_json_change(const Exemplar__Change *ch);
json_object *ctl_json_info(const Exemplar__InfoReply *info, const char *api);

/* Prints doc as the run's one JSON document (pretty) and frees it. */
void ctl_json_print(json_object *doc);
/* Prints doc on one line, flushes, and frees it (watch). */
void ctl_json_line(json_object *doc);
/* From now on ctl_json_print prints one line too (watch's error reports
 * stay one line of its JSON-lines stream). */
void ctl_json_set_lines(bool on);

/* ---- for people ---------------------------------------------------------- */

void ctl_print_nomination(const Exemplar__Nomination *n);
void ctl_print_info(const Exemplar__InfoReply *info, const char *api);

/* Day and time in Vietnam's time, in the run's language (l10n_time):
 * "15/9/2021 14:05:09"; "-" for 0.  Say l10n_zone() beside it. */
const char *ctl_time(int64_t ms, char *buf, size_t len);
/* For --json: "2024-05-01T10:00:00Z"; "-" for 0. */
const char *ctl_time_iso(int64_t ms, char *buf, size_t len);
/* A state, kind or role as people read it (the plan's words in Vietnamese,
 * common/po/GLOSSARY.md); "-" for none.  --json keeps ex_*_name(). */
const char *ctl_state(Exemplar__State s);
const char *ctl_kind(Exemplar__Kind k);
const char *ctl_role(Exemplar__Role r);
/* A verb of the move table, a campaign window or a role name as people
 * read it; other names unchanged. */
const char *ctl_word(const char *name);
#define ctl_verb(v) ctl_word(v)

/* "label:  value" lines of a key/value block, the values starting at
 * CTL_FIELD_WIDTH display columns. */
#define CTL_FIELD_WIDTH 20
void ctl_put_field(const char *label, const char *value);
void ctl_put_fieldf(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- tables -------------------------------------------------------------- */

/* Aligned text tables: add rows of cells, then print.  Columns are as wide
 * as their widest cell in display columns (l10n_width: a combining tone
 * mark takes none); the last column is not padded.  Header cells are
 * msgids (N_()), printed translated. */
#define TABLE_MAX_COLS 10
typedef struct {
    int ncols;
    bool right[TABLE_MAX_COLS]; /* right-align numbers */
    size_t width[TABLE_MAX_COLS];
    char **cells; /* nrows * ncols, owned */
    size_t nrows, cap;
} ctl_table_t;

void ctl_table_init(ctl_table_t *t, int ncols, const char *const *header, const bool *right);
/* Adds a row of ncols cells (copied).  Returns 0, or -1 without memory. */
int ctl_table_add(ctl_table_t *t, const char *const *cells);
void ctl_table_print(const ctl_table_t *t, FILE *f);
/* The same, every line after indent spaces. */
void ctl_table_print_indented(const ctl_table_t *t, FILE *f, int indent);
void ctl_table_deinit(ctl_table_t *t);
/* One cell of a streamed table (watch): text padded to width display
 * columns, on the left when right-aligned. */
void ctl_put_cell(FILE *f, const char *text, size_t width, bool right);

#endif
