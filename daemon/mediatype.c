/* SPDX-License-Identifier: MIT */
/*
 * Media types from content (see mediatype.h).  The daemon is one thread,
 * so one libmagic handle serves every request; MAGIC_NO_CHECK_* leave out
 * the tests that would read the bytes as text encodings or compressed
 * streams, which the formats accepted do not need.
 */
#include "mediatype.h"

#include <magic.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "log.h"

static magic_t M;

static const char *const ACCEPTED[] = {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "image/jpeg",
    "image/png",
};

int mediatype_detect(const void *bytes, size_t len, char *type, size_t typelen)
{
    if (!M) {
        M = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ENCODING);
        if (!M || magic_load(M, NULL) < 0) {
            log_error("dossier, cannot load libmagic's database (%s): files cannot be "
                      "checked, so none is accepted",
                      M ? magic_error(M) : "out of memory");
            mediatype_close();
            return -EX_EINTERNAL;
        }
    }
    const char *t = magic_buffer(M, len ? bytes : "", len);
    if (!t) {
        log_error("dossier, libmagic cannot read a file (%s)", magic_error(M));
        return -EX_EINTERNAL;
    }
    snprintf(type, typelen, "%s", t);
    return 0;
}

bool mediatype_accepted(const char *type)
{
    for (size_t i = 0; i < sizeof(ACCEPTED) / sizeof(ACCEPTED[0]); i++)
        if (strcmp(type, ACCEPTED[i]) == 0)
            return true;
    return false;
}

void mediatype_close(void)
{
    if (M)
        magic_close(M);
    M = NULL;
}
