/* SPDX-License-Identifier: MIT */
/*
 * Reminders by mail (issue 5): the units' addresses from a CSV file
 * (libcsv; columns "unit,address[,name]" with a header row), and delivery
 * through a sendmail-compatible command that reads the message on its
 * standard input ("/usr/sbin/sendmail -t -i": recipients from the To
 * header).  The message is UTF-8 (RFC 6532 headers, 8bit body) and its
 * Message-ID is derived from the job id, so a copy sent twice (a worker
 * killed between sendmail and its acknowledgement) is recognisable as the
 * same message by mail systems and people.
 */
#ifndef EXEMPLAR_REMIND_MAIL_H
#define EXEMPLAR_REMIND_MAIL_H

#include <stddef.h>

typedef struct recipients recipients_t;

/* Reads the recipients file.  Returns NULL with "FILE line N: why" in err. */
recipients_t *recipients_load(const char *path, char *err, size_t errlen);
void recipients_free(recipients_t **p);
/* The address of unit code, or NULL when the file has none. */
const char *recipients_address(const recipients_t *r, const char *unit);

/* Runs `command` (through /bin/sh -c) with the message on its standard
 * input.  Returns 0 when it exited 0, or -1 with why in err. */
int mail_send(const char *command, const char *from, const char *to, const char *job_id,
              const char *subject, const char *text, char *err, size_t errlen);

#endif
