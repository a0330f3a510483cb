/* SPDX-License-Identifier: MIT */
/*
 * What a dossier's file is, read from its bytes with libmagic (the `file`
 * command's database), never from its name: a text file renamed report.pdf
 * is text.  The dossier takes the formats an office scans and writes to:
 * PDF, DOCX, JPEG and PNG.
 */
#ifndef EXEMPLAR_MEDIATYPE_H
#define EXEMPLAR_MEDIATYPE_H

#include <stdbool.h>
#include <stddef.h>

/* The formats accepted, as the sentence refusing others names them. */
#define MEDIATYPE_ACCEPTED "PDF, DOCX, JPEG, PNG"

/* Detects the media type of bytes into type (e.g. "application/pdf").
 * Returns 0, or -EX_EINTERNAL when libmagic or its database cannot be
 * loaded (logged once; the database is loaded on first use and kept). */
int mediatype_detect(const void *bytes, size_t len, char *type, size_t typelen);

/* Is type one the dossier accepts? */
bool mediatype_accepted(const char *type);

/* Frees libmagic's handle (at exit; detection loads it again if needed). */
void mediatype_close(void);

#endif
