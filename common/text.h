/* SPDX-License-Identifier: MIT */
/*
 * Checks for the text fields peers send: valid UTF-8 (utf8proc), no control
 * characters, a length limit in bytes, and Unicode NFC so that the same
 * Vietnamese name typed on two keyboards is stored the same way.
 */
#ifndef EXEMPLAR_TEXT_H
#define EXEMPLAR_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Checks s and returns its NFC form in *out (free() it).  Newlines and tabs
 * are allowed only when multiline.  Returns 0, -EX_EINVALID (not UTF-8, a
 * control character, or empty or only white space when required), -EX_ETOOBIG (over max_bytes
 * after normalisation) or -EX_EINTERNAL (out of memory). */
int text_normalize(const char *s, size_t max_bytes, bool required, bool multiline, char **out);

/* A name people read: a nomination's or a unit's name, a notification's
 * subject line.  On top of text_normalize's checks it refuses what Unicode's
 * security guidance (UTS #39, UAX #9) warns makes text look other than it is:
 *   - bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
 *     U+061C), which reorder what a reader sees;
 *   - invisible characters: zero-width ones (U+200B-U+200D, U+2060, U+FEFF)
 *     and every other default-ignorable or format (Cf) character;
 *   - unassigned, private-use and surrogate code points, line and paragraph
 *     separators, and spaces other than U+0020 (no-break, ideographic, ...);
 *   - a combining mark with nothing to combine with (at the start);
 *   - text that is empty or only spaces.
 * Combining marks after a letter are fine (Vietnamese typed with separate
 * tone marks is composed by NFC).  Leading and trailing U+0020 spaces are
 * trimmed, not refused: form fields often keep one.  On success *nfc_out is
 * the trimmed NFC form (free() it).  Returns 0, -EX_EINVALID (why says which
 * character, as U+XXXX, and at which byte, without naming the field: the
 * caller knows it), -EX_ETOOBIG (over max_bytes after normalisation) or
 * -EX_EINTERNAL (out of memory).  why may be NULL. */
int text_check_name(const char *s, size_t max_bytes, char **nfc_out, char *why, size_t why_len);

/* True when s is 1..max_len characters of A-Z, a-z (only if lower_ok), 0-9,
 * '.', '_' and '-'. */
bool text_is_code(const char *s, size_t max_len, bool lower_ok);

/* True when s is a subject id: 1..max_len characters of letters, digits,
 * '.', '_', '-', ':' and '/' (a personnel number, or a collective's code such
 * as 01:PTNN). */
bool text_is_subject(const char *s, size_t max_len);

#endif
