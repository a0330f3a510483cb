/* SPDX-License-Identifier: MIT */
/*
 * Text field checks (see text.h), built on utf8proc rather than hand-written
 * UTF-8 handling.
 */
#include "text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
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
    bool visible = false; /* a required text of only spaces says nothing */
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return -EX_EINVALID;
        utf8proc_category_t cat = utf8proc_category(cp);
        bool space_ok = multiline && (cp == '\n' || cp == '\t');
        if (cat == UTF8PROC_CATEGORY_CC && !space_ok)
            return -EX_EINVALID;
        if (cat != UTF8PROC_CATEGORY_CC && cat != UTF8PROC_CATEGORY_ZS &&
            cat != UTF8PROC_CATEGORY_ZL && cat != UTF8PROC_CATEGORY_ZP)
            visible = true;
        i += (size_t)n;
    }
    if (required && !visible)
        return -EX_EINVALID;
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

/* UAX #9's explicit directional formatting characters and marks. */
static bool is_bidi_control(int32_t cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

static bool is_zero_width(int32_t cp)
{
    return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

/* Why cp may not be in a name, or NULL when it may. */
static const char *name_refusal(int32_t cp, bool first)
{
    const utf8proc_property_t *pr = utf8proc_get_property(cp);
    if (is_bidi_control(cp))
        return "a bidirectional control character, which changes the order a reader sees";
    if (is_zero_width(cp))
        return "an invisible zero-width character";
    switch (pr->category) {
    case UTF8PROC_CATEGORY_CC:
        return "a control character";
    case UTF8PROC_CATEGORY_CF:
        return "an invisible formatting character";
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CS:
        return "an unassigned or private-use code point";
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return "a line or paragraph separator";
    case UTF8PROC_CATEGORY_ZS:
        return cp == ' ' ? NULL : "a space other than the ordinary space U+0020";
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        if (first)
            return "a combining mark with no letter before it";
        break;
    default:
        break;
    }
    if (pr->ignorable) /* variation selectors, Hangul fillers, ... */
        return "an invisible (default-ignorable) character";
    return NULL;
}

static int name_refuse(char *why, size_t why_len, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int name_refuse(char *why, size_t why_len, int rc, const char *fmt, ...)
{
    if (why && why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return rc;
}

int text_check_name(const char *s, size_t max_bytes, char **nfc_out, char *why, size_t why_len)
{
    *nfc_out = NULL;
    if (why && why_len)
        why[0] = '\0';
    size_t len = strlen(s), lead = 0;
    while (lead < len && s[lead] == ' ')
        lead++;
    while (len > lead && s[len - 1] == ' ')
        len--;
    if (len == lead)
        return name_refuse(why, why_len, -EX_EINVALID, "is empty or only spaces");
    if (len - lead > 4 * max_bytes) /* no normalisation shrinks text that much */
        return name_refuse(why, why_len, -EX_ETOOBIG, "is longer than %zu bytes", max_bytes);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    for (size_t i = lead; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return name_refuse(why, why_len, -EX_EINVALID, "is not valid UTF-8 (byte %zu)", i);
        const char *what = name_refusal(cp, i == lead);
        if (what)
            return name_refuse(why, why_len, -EX_EINVALID,
                               "contains U+%04X at byte %zu, %s; remove it", (unsigned)cp, i, what);
        i += (size_t)n;
    }
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t n = utf8proc_map(p + lead, (utf8proc_ssize_t)(len - lead), &nfc,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0)
        return name_refuse(why, why_len, n == UTF8PROC_ERROR_NOMEM ? -EX_EINTERNAL : -EX_EINVALID,
                           "could not be normalised (%s)", utf8proc_errmsg(n));
    if ((size_t)n > max_bytes) {
        free(nfc);
        return name_refuse(why, why_len, -EX_ETOOBIG, "is longer than %zu bytes", max_bytes);
    }
    *nfc_out = (char *)nfc;
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
