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
 * control character, or empty when required), -EX_ETOOBIG (over max_bytes
 * after normalisation) or -EX_EINTERNAL (out of memory). */
int text_normalize(const char *s, size_t max_bytes, bool required, bool multiline, char **out);

/* True when s is 1..max_len characters of A-Z, a-z (only if lower_ok), 0-9,
 * '.', '_' and '-'. */
bool text_is_code(const char *s, size_t max_len, bool lower_ok);

/* True when s is a subject id: 1..max_len characters of letters, digits,
 * '.', '_', '-', ':' and '/' (a personnel number, or a collective's code such
 * as 01:PTNN). */
bool text_is_subject(const char *s, size_t max_len);

#endif
