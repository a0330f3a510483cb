/* SPDX-License-Identifier: MIT */
/*
 * pbcheck: every string of an encoded message checked to the byte before
 * protobuf-c turns it into a C string (see pbcheck.h).  The walk follows the
 * wire format (varint tags, the four wire types protobuf-c accepts) and the
 * descriptors protoc-c generated, so a field added to a .proto is checked
 * without touching this file.
 */
#include "pbcheck.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "errors.h"
#include "i18n.h"

/* Where the walk is: the fields it entered, outermost first.  The dotted
 * path ("publish.events[1].title_awarded.title") is written out only for a
 * refusal: built for every field, with a repeated field's index counted
 * from the start of its message, it cost more than the rest of the check
 * and grew with the square of a publish request's events. */
typedef struct {
    const ProtobufCFieldDescriptor *f;
    const uint8_t *msg; /* the message holding the field, and the field's offset in it */
    size_t at;
} frame_t;

typedef struct {
    frame_t frames[PBCHECK_DEPTH_MAX + 2];
    size_t depth;
    char path[256];
    char *why;
    size_t why_len;
} walk_t;

static int varint(const uint8_t *p, size_t len, size_t *i, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*i >= len)
            return -1;
        uint8_t b = p[(*i)++];
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

/* Reads one field at p[*i]: its number, wire type and, for length-delimited
 * values, where the value starts and how long it is.  -1 when malformed. */
static int next_field(const uint8_t *p, size_t len, size_t *i, uint32_t *num, unsigned *wt,
                      size_t *start, size_t *n)
{
    uint64_t tag, v;
    if (varint(p, len, i, &tag) < 0 || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff)
        return -1;
    *num = (uint32_t)(tag >> 3);
    *wt = (unsigned)(tag & 7);
    switch (*wt) {
    case PROTOBUF_C_WIRE_TYPE_VARINT:
        return varint(p, len, i, &v);
    case PROTOBUF_C_WIRE_TYPE_64BIT:
        if (len - *i < 8)
            return -1;
        *i += 8;
        return 0;
    case PROTOBUF_C_WIRE_TYPE_32BIT:
        if (len - *i < 4)
            return -1;
        *i += 4;
        return 0;
    case PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED:
        if (varint(p, len, i, &v) < 0 || v > len - *i)
            return -1;
        *start = *i;
        *n = (size_t)v;
        *i += (size_t)v;
        return 0;
    default: /* groups (3, 4) and 6, 7: protobuf-c refuses them too */
        return -1;
    }
}

/* How many times field num occurs in p[0..end): a repeated field's index,
 * worked out only when there is something to report. */
static size_t occurrences(const uint8_t *p, size_t end, uint32_t num)
{
    size_t i = 0, count = 0, start, n;
    uint32_t f;
    unsigned wt;
    while (i < end && next_field(p, end, &i, &f, &wt, &start, &n) == 0)
        count += f == num;
    return count;
}

/* The dotted path of the field being checked (with a repeated field's
 * index), written into w->path. */
static const char *where(walk_t *w)
{
    size_t len = 0;
    w->path[0] = '\0';
    for (size_t k = 0; k < w->depth && len < sizeof(w->path); k++) {
        const frame_t *fr = &w->frames[k];
        const char *dot = k ? "." : "";
        int n = fr->f->label == PROTOBUF_C_LABEL_REPEATED
                    ? snprintf(w->path + len, sizeof(w->path) - len, "%s%s[%zu]", dot, fr->f->name,
                               occurrences(fr->msg, fr->at, fr->f->id))
                    : snprintf(w->path + len, sizeof(w->path) - len, "%s%s", dot, fr->f->name);
        if (n < 0)
            break;
        len += (size_t)n;
    }
    return w->path;
}

static int refuse(walk_t *w, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(walk_t *w, int rc, const char *fmt, ...)
{
    if (w->why && w->why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->why, w->why_len, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static int check_string(walk_t *w, const uint8_t *s, size_t n)
{
    const uint8_t *nul = memchr(s, 0, n);
    if (nul)
        return refuse(w, -EX_EINVALID,
                      _("%s holds a NUL byte (byte %zu of %zu); text fields must be UTF-8 without "
                        "NUL bytes"),
                      where(w), (size_t)(nul - s), n);
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            return refuse(w, -EX_EINVALID,
                          _("%s is not valid UTF-8 (byte %zu of %zu); send text encoded as UTF-8"),
                          where(w), i, n);
        i += (size_t)k;
    }
    return 0;
}

static int walk(walk_t *w, const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len,
                int depth)
{
    if (depth > PBCHECK_DEPTH_MAX)
        return refuse(w, -EX_EMALFORMED, _("%s: messages nested deeper than %d levels"), where(w),
                      PBCHECK_DEPTH_MAX);
    size_t i = 0;
    while (i < len) {
        size_t at = i, start = 0, n = 0;
        uint32_t num;
        unsigned wt;
        if (next_field(p, len, &i, &num, &wt, &start, &n) < 0)
            return refuse(w, -EX_EMALFORMED,
                          _("%s%sthe field at byte %zu is cut short or malformed"), where(w),
                          w->depth ? ": " : "", at);
        if (wt != PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED)
            continue;
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(d, num);
        if (!f || (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE))
            continue;
        w->frames[w->depth++] = (frame_t){f, p, at};
        int rc = f->type == PROTOBUF_C_TYPE_STRING
                     ? check_string(w, p + start, n)
                     : walk(w, (const ProtobufCMessageDescriptor *)f->descriptor, p + start, n,
                            depth + 1);
        w->depth--;
        if (rc < 0)
            return rc;
    }
    return 0;
}

int pbcheck_strings(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len, char *why,
                    size_t why_len)
{
    walk_t w = {.why = why, .why_len = why_len};
    if (why && why_len)
        why[0] = '\0';
    if (len && !buf)
        return refuse(&w, -EX_EMALFORMED, _("no bytes"));
    return walk(&w, d, buf, len, 0);
}
