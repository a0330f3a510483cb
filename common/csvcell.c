/* SPDX-License-Identifier: MIT */
/*
 * Formula-safe CSV cells (see csvcell.h), written with libcsv's quoting.
 */
#include "csvcell.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

static bool formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bool csvcell_needs_prefix(const char *s)
{
    if (!s)
        return false;
    while (*s == '\'')
        s++;
    return formula_start(*s);
}

int csvcell_fwrite(FILE *f, const char *s)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    if (!csvcell_needs_prefix(s)) {
        csv_fwrite(f, s, len);
        return 0;
    }
    char stack[256];
    char *buf = len + 1 <= sizeof(stack) ? stack : malloc(len + 1);
    if (!buf)
        return -1;
    buf[0] = '\'';
    memcpy(buf + 1, s, len);
    csv_fwrite(f, buf, len + 1);
    if (buf != stack)
        free(buf);
    return 0;
}

const char *csvcell_unescape(const char *s)
{
    return s && s[0] == '\'' && csvcell_needs_prefix(s + 1) ? s + 1 : s;
}
