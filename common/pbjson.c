/* SPDX-License-Identifier: MIT */
/*
 * The descriptor-driven protobuf <-> JSON converter (see pbjson.h).  JSON to
 * protobuf builds the message in memory this module owns (an arena of every
 * block it allocated), packs it, and frees the arena: protobuf-c's
 * free_unpacked has its own ideas about which strings it may free, and a
 * packed buffer is what the store wants anyway.
 */
#include "pbjson.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium/utils.h>

/* The member at byte offset off of a message. */
#define MEMBER(type, m, off) (*(type *)((uint8_t *)(m) + (off)))

/* Bytes a value of this type takes in a message or a repeated array. */
static size_t type_size(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_ENUM:
        return 4;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return 8;
    case PROTOBUF_C_TYPE_FLOAT:
        return sizeof(float);
    case PROTOBUF_C_TYPE_DOUBLE:
        return sizeof(double);
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
        return sizeof(char *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(ProtobufCMessage *);
    }
    return 0;
}

/* ---- base64 ---------------------------------------------------------------------- */

json_object *pbjson_base64(const uint8_t *data, size_t n)
{
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *text = malloc(cap);
    if (!text)
        return NULL;
    sodium_bin2base64(text, cap, data, n, sodium_base64_VARIANT_ORIGINAL);
    json_object *o = json_object_new_string(text);
    free(text);
    return o;
}

int pbjson_unbase64(const char *text, size_t len, uint8_t **out, size_t *n)
{
    uint8_t *bin = malloc(len / 4 * 3 + 3);
    const char *end = NULL;
    if (!bin)
        return -1;
    if (sodium_base642bin(bin, len / 4 * 3 + 3, text, len, NULL, n, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text + len) {
        free(bin);
        return -1;
    }
    *out = bin;
    return 0;
}

/* ---- protobuf -> JSON ---------------------------------------------------------- */

static json_object *enum_json(const ProtobufCEnumDescriptor *ed, int v)
{
    const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(ed, v);
    return ev ? json_object_new_string(ev->name) : json_object_new_int(v);
}

/* One value of field f stored at p. */
static json_object *value_json(const ProtobufCFieldDescriptor *f, const void *p)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        return json_object_new_int(*(const int32_t *)p);
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return json_object_new_int64(*(const uint32_t *)p);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        return json_object_new_int64(*(const int64_t *)p);
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return json_object_new_uint64(*(const uint64_t *)p);
    case PROTOBUF_C_TYPE_FLOAT:
        return json_object_new_double(*(const float *)p);
    case PROTOBUF_C_TYPE_DOUBLE:
        return json_object_new_double(*(const double *)p);
    case PROTOBUF_C_TYPE_BOOL:
        return json_object_new_boolean(*(const protobuf_c_boolean *)p);
    case PROTOBUF_C_TYPE_ENUM:
        return enum_json(f->descriptor, *(const int *)p);
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)p;
        return json_object_new_string(s ? s : "");
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *b = p;
        return pbjson_base64(b->data, b->len);
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *sub = *(ProtobufCMessage *const *)p;
        return sub ? pbjson_from_message(sub) : json_object_new_object();
    }
    }
    return NULL;
}

/* Is the scalar or pointer at p its type's zero? */
static bool is_zero(const ProtobufCFieldDescriptor *f, const void *p)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)p;
        return !s || !s[0];
    }
    case PROTOBUF_C_TYPE_BYTES:
        return ((const ProtobufCBinaryData *)p)->len == 0;
    case PROTOBUF_C_TYPE_MESSAGE:
        return *(ProtobufCMessage *const *)p == NULL;
    case PROTOBUF_C_TYPE_FLOAT:
        return *(const float *)p == 0;
    case PROTOBUF_C_TYPE_DOUBLE:
        return *(const double *)p == 0;
    default: {
        static const uint8_t ZERO[8];
        return memcmp(p, ZERO, type_size(f->type)) == 0;
    }
    }
}

/* Is field f present in m (so that the binary encoding writes it)? */
static bool present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    const void *p = (const uint8_t *)m + f->offset;
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return MEMBER(size_t, m, f->quantifier_offset) > 0;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        return MEMBER(uint32_t, m, f->quantifier_offset) == f->id;
    if (f->label == PROTOBUF_C_LABEL_REQUIRED)
        return true;
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL) {
        if (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)
            return *(void *const *)p != NULL;
        return MEMBER(protobuf_c_boolean, m, f->quantifier_offset) != 0;
    }
    return !is_zero(f, p); /* proto3: no presence */
}

json_object *pbjson_from_message(const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (!present(m, f))
            continue;
        json_object *v;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = MEMBER(size_t, m, f->quantifier_offset), sz = type_size(f->type);
            const uint8_t *arr = MEMBER(const uint8_t *, m, f->offset);
            v = json_object_new_array_ext((int)n);
            for (size_t k = 0; v && k < n; k++)
                json_object_array_add(v, value_json(f, arr + k * sz));
        } else {
            v = value_json(f, (const uint8_t *)m + f->offset);
        }
        if (!v) {
            json_object_put(o);
            return NULL;
        }
        json_object_object_add(o, f->name, v);
    }
    return o;
}

/* ---- JSON -> protobuf ---------------------------------------------------------- */

typedef struct {
    void **blocks;
    size_t n, cap;
    char *err;
    size_t errlen;
} arena_t;

/* The arena takes p (freed with it; freed at once if it cannot).  Returns p
 * or NULL. */
static void *arena_adopt(arena_t *a, void *p)
{
    if (p && a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        void **b = realloc(a->blocks, cap * sizeof(*b));
        if (!b) {
            free(p);
            return NULL;
        }
        a->blocks = b;
        a->cap = cap;
    }
    if (p)
        a->blocks[a->n++] = p;
    return p;
}

static void *arena_alloc(arena_t *a, size_t size)
{
    return arena_adopt(a, calloc(1, size ? size : 1));
}

static void arena_free(arena_t *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->blocks[i]);
    free(a->blocks);
}

static int fail(arena_t *a, const char *path, const char *what)
{
    snprintf(a->err, a->errlen, "%s: %s", path, what);
    return -1;
}

static ProtobufCMessage *build(arena_t *a, const ProtobufCMessageDescriptor *d, json_object *o,
                               const char *path);

/* A JSON integer (or a string of digits) as int64/uint64 within [lo, hi]. */
static int json_int(arena_t *a, const char *path, json_object *j, bool is_unsigned, int64_t lo,
                    uint64_t hi, uint64_t *out)
{
    json_type t = json_object_get_type(j);
    if (t != json_type_int && t != json_type_string)
        return fail(a, path, "must be an integer");
    if (t == json_type_string) {
        const char *s = json_object_get_string(j);
        char *end;
        errno = 0;
        if (!*s)
            return fail(a, path, "must be an integer, not an empty string");
        if (is_unsigned) {
            if (*s == '-')
                return fail(a, path, "must not be negative");
            *out = strtoull(s, &end, 10);
        } else {
            *out = (uint64_t)strtoll(s, &end, 10);
        }
        if (*end || errno)
            return fail(a, path, "must be an integer");
    } else if (is_unsigned) {
        if (json_object_get_int64(j) < 0)
            return fail(a, path, "must not be negative");
        *out = json_object_get_uint64(j);
    } else {
        /* json-c keeps integers above INT64_MAX as unsigned */
        if (json_object_get_int64(j) == INT64_MAX && json_object_get_uint64(j) > INT64_MAX)
            return fail(a, path, "is out of range");
        *out = (uint64_t)json_object_get_int64(j);
    }
    if (is_unsigned ? *out > hi : ((int64_t)*out < lo || (int64_t)*out > (int64_t)hi))
        return fail(a, path, "is out of range");
    return 0;
}

/* Stores the JSON value j into the slot p of field f. */
static int set_value(arena_t *a, const ProtobufCFieldDescriptor *f, json_object *j, void *p,
                     const char *path)
{
    uint64_t u;
    json_type t = json_object_get_type(j);
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        if (json_int(a, path, j, false, INT32_MIN, INT32_MAX, &u) < 0)
            return -1;
        *(int32_t *)p = (int32_t)(int64_t)u;
        return 0;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        if (json_int(a, path, j, true, 0, UINT32_MAX, &u) < 0)
            return -1;
        *(uint32_t *)p = (uint32_t)u;
        return 0;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        if (json_int(a, path, j, false, INT64_MIN, INT64_MAX, &u) < 0)
            return -1;
        *(int64_t *)p = (int64_t)u;
        return 0;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        if (json_int(a, path, j, true, 0, UINT64_MAX, &u) < 0)
            return -1;
        *(uint64_t *)p = u;
        return 0;
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE:
        if (t != json_type_double && t != json_type_int)
            return fail(a, path, "must be a number");
        if (f->type == PROTOBUF_C_TYPE_FLOAT)
            *(float *)p = (float)json_object_get_double(j);
        else
            *(double *)p = json_object_get_double(j);
        return 0;
    case PROTOBUF_C_TYPE_BOOL:
        if (t != json_type_boolean)
            return fail(a, path, "must be true or false");
        *(protobuf_c_boolean *)p = json_object_get_boolean(j);
        return 0;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumDescriptor *ed = f->descriptor;
        if (t == json_type_string) {
            const ProtobufCEnumValue *ev =
                protobuf_c_enum_descriptor_get_value_by_name(ed, json_object_get_string(j));
            if (!ev)
                return fail(a, path, "is not a value of the enum");
            *(int *)p = ev->value;
            return 0;
        }
        if (json_int(a, path, j, false, INT32_MIN, INT32_MAX, &u) < 0)
            return -1;
        *(int *)p = (int)(int64_t)u;
        return 0;
    }
    case PROTOBUF_C_TYPE_STRING: {
        if (t != json_type_string)
            return fail(a, path, "must be a string");
        size_t n = (size_t)json_object_get_string_len(j);
        char *s = arena_alloc(a, n + 1);
        if (!s)
            return fail(a, path, "out of memory");
        memcpy(s, json_object_get_string(j), n);
        if (memchr(s, 0, n))
            return fail(a, path, "must not contain NUL");
        *(char **)p = s;
        return 0;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        if (t != json_type_string)
            return fail(a, path, "must be a base64 string");
        uint8_t *bin;
        size_t n;
        if (pbjson_unbase64(json_object_get_string(j), (size_t)json_object_get_string_len(j), &bin,
                            &n) < 0)
            return fail(a, path, "is not valid base64");
        if (!arena_adopt(a, bin))
            return fail(a, path, "out of memory");
        ((ProtobufCBinaryData *)p)->data = bin;
        ((ProtobufCBinaryData *)p)->len = n;
        return 0;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        ProtobufCMessage *sub = build(a, f->descriptor, j, path);
        if (!sub)
            return -1;
        *(ProtobufCMessage **)p = sub;
        return 0;
    }
    }
    return fail(a, path, "has a type this converter does not know");
}

static ProtobufCMessage *build(arena_t *a, const ProtobufCMessageDescriptor *d, json_object *o,
                               const char *path)
{
    if (json_object_get_type(o) != json_type_object) {
        fail(a, path, "must be an object");
        return NULL;
    }
    ProtobufCMessage *m = arena_alloc(a, d->sizeof_message);
    if (!m) {
        fail(a, path, "out of memory");
        return NULL;
    }
    d->message_init(m);
    json_object_object_foreach(o, key, val)
    {
        char sub[256];
        snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", key);
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, key);
        if (!f) {
            fail(a, sub, "is not a field of this record");
            return NULL;
        }
        if (json_object_get_type(val) == json_type_null)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            if (json_object_get_type(val) != json_type_array) {
                fail(a, sub, "must be an array");
                return NULL;
            }
            size_t n = json_object_array_length(val), sz = type_size(f->type);
            uint8_t *arr = arena_alloc(a, n * sz);
            if (!arr) {
                fail(a, sub, "out of memory");
                return NULL;
            }
            for (size_t k = 0; k < n; k++)
                if (set_value(a, f, json_object_array_get_idx(val, k), arr + k * sz, sub) < 0)
                    return NULL;
            MEMBER(size_t, m, f->quantifier_offset) = n;
            MEMBER(uint8_t *, m, f->offset) = arr;
            continue;
        }
        if (set_value(a, f, val, (uint8_t *)m + f->offset, sub) < 0)
            return NULL;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
            MEMBER(uint32_t, m, f->quantifier_offset) = f->id;
        else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING &&
                 f->type != PROTOBUF_C_TYPE_MESSAGE)
            MEMBER(protobuf_c_boolean, m, f->quantifier_offset) = 1;
    }
    return m;
}

int pbjson_to_packed(const ProtobufCMessageDescriptor *d, json_object *o, uint8_t **buf,
                     size_t *len, char *err, size_t errlen)
{
    arena_t a = {.err = err, .errlen = errlen};
    ProtobufCMessage *m = build(&a, d, o, "");
    int rc = -1;
    if (m) {
        size_t n = protobuf_c_message_get_packed_size(m);
        *buf = malloc(n ? n : 1);
        if (*buf) {
            *len = protobuf_c_message_pack(m, *buf);
            rc = 0;
        } else {
            snprintf(err, errlen, "out of memory");
        }
    }
    arena_free(&a);
    return rc;
}

ProtobufCMessage *pbjson_to_message(const ProtobufCMessageDescriptor *d, json_object *o, char *err,
                                    size_t errlen)
{
    uint8_t *buf;
    size_t len;
    if (pbjson_to_packed(d, o, &buf, &len, err, errlen) < 0)
        return NULL;
    ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, len, buf);
    free(buf);
    if (!m)
        snprintf(err, errlen, "the record does not encode");
    return m;
}
