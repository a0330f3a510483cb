/* SPDX-License-Identifier: MIT */
/*
 * Vietnamese text for people looking for names (utf8proc): a folded form
 * for searching without diacritics ("ha noi" finds "Hà Nội", "đ" matches
 * "d") and a sort key in Vietnamese alphabetical order (a ă â b c d đ e ê
 * ... o ô ơ ... u ư ..., then by tone: ngang, huyền, hỏi, ngã, sắc, nặng).
 * Shared by exemplard (filters) and exemplarctl (sorting).
 */
#ifndef EXEMPLAR_VITEXT_H
#define EXEMPLAR_VITEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Lower case, marks stripped, đ -> d.  Returns a malloc'd string or NULL
 * (invalid UTF-8, out of memory). */
char *vitext_fold(const char *s);

/* Is vitext_fold(s) the string folded?  The same answer without making
 * the folded copy (false for invalid UTF-8): comparing one fold with many
 * names, as the title catalogue does, costs no allocation per name. */
bool vitext_fold_equals(const char *folded, const char *s);

/* Does the folded form of haystack contain the folded form of needle? */
bool vitext_contains(const char *haystack, const char *needle);

/* A key whose byte order (memcmp, then length) is Vietnamese order.
 * Returns a malloc'd buffer with its length in *len, or NULL. */
unsigned char *vitext_sort_key(const char *s, size_t *len);

/* strcmp-like comparison in Vietnamese order. */
int vitext_compare(const char *a, const char *b);

#endif
