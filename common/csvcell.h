/* SPDX-License-Identifier: MIT */
/*
 * CSV cells that a spreadsheet will not run.  Excel, LibreOffice and Google
 * Sheets evaluate a cell whose text begins with '=', '+', '-' or '@' as a
 * formula (and skip a leading tab or carriage return first), so a name such
 * as =HYPERLINK("http://...";"Bấm vào đây") in a report becomes a live link
 * or worse.  Following OWASP's CSV-injection guidance every CSV this project
 * writes passes its cells through csvcell_fwrite, which quotes the cell
 * (libcsv) and prefixes such a cell with a single quote, which spreadsheets
 * read as "text follows".
 *
 * The prefix is reversible, so the units CSV still round-trips (export, then
 * import): a cell is prefixed when, after any leading single quotes, it
 * begins with a formula character; csvcell_unescape removes exactly one
 * quote under the same condition.  ("'=x" is written "''=x" and read back
 * as "'=x".)  Numbers the project writes itself (counts, ids) are never
 * negative, so passing every cell through is harmless.
 */
#ifndef EXEMPLAR_CSVCELL_H
#define EXEMPLAR_CSVCELL_H

#include <stdbool.h>
#include <stdio.h>

/* Does s (after any leading single quotes) begin with = + - @ TAB or CR? */
bool csvcell_needs_prefix(const char *s);

/* Writes s as one quoted CSV field (RFC 4180 quoting by libcsv), prefixed
 * with ' when csvcell_needs_prefix(s).  NULL is written as an empty field.
 * Returns 0, or -1 when out of memory (nothing written). */
int csvcell_fwrite(FILE *f, const char *s);

/* The cell's text as it was before csvcell_fwrite: s, or s + 1 when s is a
 * prefixed cell. */
const char *csvcell_unescape(const char *s);

#endif
