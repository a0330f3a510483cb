/* SPDX-License-Identifier: MIT */
/*
 * The units CSV format (libcsv), shared by exemplard (its built-in unit
 * list) and exemplarctl (units import / export).  Columns, by header name:
 *   code, name_vi, name_en_ascii, valid_from, valid_to, merged_from, kind,
 *   source
 * code and name_vi are required; the others may be missing or empty.
 * merged_from lists the codes whose work the unit carries on (a merge, or
 * the previous holder of a split unit's work), separated by spaces; source
 * names the act the version rests on.  Lines starting with # before the
 * header are comments.
 * A cell that would start a spreadsheet formula (= + - @ tab CR) is written
 * with a leading single quote, which the parser removes again (csvcell.h).
 */
#ifndef EXEMPLAR_UNITCSV_H
#define EXEMPLAR_UNITCSV_H

#include <stddef.h>
#include <stdio.h>

#include "rules.pb-c.h"

#define UNITCSV_MAX_ROWS 2000

/* Parses text into *out (an array of n units; free with unitcsv_free).
 * Returns 0, or -1 with "SOURCE row N: what is wrong" in err.  Only the
 * shape is checked here; the daemon validates the values. */
int unitcsv_parse(const char *text, size_t len, const char *source, Exemplar__Unit ***out,
                  size_t *n, char *err, size_t errlen);
void unitcsv_free(Exemplar__Unit **units, size_t n);

/* Writes units as CSV with the header above. */
void unitcsv_write(FILE *f, Exemplar__Unit *const *units, size_t n);

#endif
