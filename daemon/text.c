/* SPDX-License-Identifier: MIT */
/*
 * Text field checks (see text.h), built on utf8proc rather than hand-written
 * UTF-8 handling.
 */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "errors.h"

int text_normalize(const char *s, size_t max_bytes, bool required, bool multiline, char **out)
{
    *out = NULL;
    size_t len = strlen(s);
    if (len == 0 && required)
        return -EX_EINVALID;
    if (len > 4 * max_bytes) /* no normalisation shrinks text that much */
        return -EX_ETOOBIG;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return -EX_EINVALID;
        utf8proc_category_t cat = utf8proc_category(cp);
        bool space_ok = multiline && (cp == '\n' || cp == '\t');
        if (cat == UTF8PROC_CATEGORY_CC && !space_ok)
            return -EX_EINVALID;
        i += (size_t)n;
    }
    utf8proc_uint8_t *nfc = utf8proc_NFC(p);
    if (!nfc)
        return -EX_EINTERNAL;
    if (strlen((char *)nfc) > max_bytes) {
        free(nfc);
        return -EX_ETOOBIG;
    }
    *out = (char *)nfc;
    return 0;
}

bool text_is_code(const char *s, size_t max_len, bool lower_ok)
{
    size_t n = strlen(s);
    if (n == 0 || n > max_len)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-' || (lower_ok && c >= 'a' && c <= 'z');
        if (!ok)
            return false;
    }
    return true;
}

bool text_is_subject(const char *s, size_t max_len)
{
    size_t n = strlen(s);
    if (n == 0 || n > max_len)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == ':' || c == '/'))
            return false;
    }
    return true;
}
