/* SPDX-License-Identifier: MIT */
/*
 * Reminders by mail: the units' addresses from a CSV file
 * (libcsv; columns "unit,address[,name]" with a header row), and delivery
 * through a sendmail-compatible command that reads the message on its
 * standard input ("/usr/sbin/sendmail -t -i": recipients from the To
 * header).  The message follows RFC 5322 and MIME: a Date in Vietnam time,
 * the Subject and the display names as RFC 2047 encoded words (UTF-8,
 * base64), a text/plain; charset=UTF-8 body sent 8bit with CRLF line ends,
 * and a Message-ID derived from the job id, so a copy sent twice (a worker
 * killed between sendmail and its acknowledgement) is recognisable as the
 * same message by mail systems and people.
 */
#ifndef EXEMPLAR_REMIND_MAIL_H
#define EXEMPLAR_REMIND_MAIL_H

#include <stddef.h>
#include <stdint.h>

typedef struct recipients recipients_t;

/* Reads the recipients file.  Returns NULL with "FILE line N: why" in err. */
recipients_t *recipients_load(const char *path, char *err, size_t errlen);
void recipients_free(recipients_t **p);
/* The address of unit code, or NULL when the file has none. */
const char *recipients_address(const recipients_t *r, const char *unit);
/* The file's name for the unit's addressee ("" when it has none). */
const char *recipients_name(const recipients_t *r, const char *unit);

/* One reminder mail.  Names may be NULL or empty (then the bare address). */
typedef struct {
    const char *from, *from_name;
    const char *to, *to_name;
    const char *job_id;
    const char *subject; /* one line; line breaks become spaces */
    const char *text;    /* the body, lines ending in \n */
    int64_t date_ms;     /* the Date header's instant */
} mail_t;

/* Text as an RFC 2047 header value: printable ASCII stays as it is, any
 * other text becomes "=?UTF-8?B?...?=" words of at most 75 characters,
 * split between UTF-8 characters and folded onto continuation lines
 * (CRLF SP).  Returns the length, or -1 when out is too small. */
int mail_encode_words(const char *text, char *out, size_t len);

/* The whole message, headers and body, CRLF line ends; free *msg.
 * Returns its length, or -1 with why in err. */
int mail_format(const mail_t *m, char **msg, char *err, size_t errlen);

/* Runs `command` (through /bin/sh -c) with the message on its standard
 * input.  Returns 0 when it exited 0, or -1 with why in err. */
int mail_send(const char *command, const mail_t *m, char *err, size_t errlen);

#endif
