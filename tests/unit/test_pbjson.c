/* SPDX-License-Identifier: MIT */
/*
 * The protobuf <-> JSON converter (common/pbjson.c): every stored record type
 * and the wire envelopes, filled field by field from their descriptors with
 * values that are not zero (64-bit values above 2^53, negative ones,
 * Vietnamese text, bytes with 0 and 255, every member of each oneof in
 * turn), go to JSON text and back to the same bytes.  The JSON has the
 * .proto's names, enums by name and bytes in base64; bad input is refused
 * with the field's path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "events.pb-c.h"
#include "ops.pb-c.h"
#include "pbjson.h"
#include "plans.pb-c.h"
#include "record.pb-c.h"
#include "wire.pb-c.h"

/* Blocks a filled message uses, freed together. */
typedef struct {
    void *p[4096];
    size_t n;
} pool_t;

static void *pool_alloc(pool_t *pool, size_t size)
{
    assert_true(pool->n < sizeof(pool->p) / sizeof(pool->p[0]));
    void *p = calloc(1, size ? size : 1);
    assert_non_null(p);
    pool->p[pool->n++] = p;
    return p;
}

static void pool_free(pool_t *pool)
{
    for (size_t i = 0; i < pool->n; i++)
        free(pool->p[i]);
    pool->n = 0;
}

static const uint8_t BYTES[] = {0, 1, 2, 0x7f, 0x80, 0xfe, 0xff};

static void fill(pool_t *pool, ProtobufCMessage *m, unsigned variant, int depth);

/* The size of one element of a repeated field, as protobuf-c lays it out. */
static size_t elem_size(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return 8;
    case PROTOBUF_C_TYPE_DOUBLE:
        return sizeof(double);
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(void *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    default:
        return 4; /* 32-bit integers, enums, float */
    }
}

static void fill_value(pool_t *pool, const ProtobufCFieldDescriptor *f, void *p, unsigned k,
                       unsigned variant, int depth)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        *(int32_t *)p = -(int32_t)(f->id * 1000 + k + 1);
        break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        *(uint32_t *)p = 4000000000u - f->id - k;
        break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        *(int64_t *)p = -(int64_t)9007199254740993LL - f->id - k; /* below -2^53 */
        break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        *(uint64_t *)p = 18446744073709551615ULL - f->id - k; /* near 2^64 */
        break;
    case PROTOBUF_C_TYPE_FLOAT:
        *(float *)p = 1.5f + (float)k;
        break;
    case PROTOBUF_C_TYPE_DOUBLE:
        *(double *)p = 2.25 + k;
        break;
    case PROTOBUF_C_TYPE_BOOL:
        *(protobuf_c_boolean *)p = 1;
        break;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumDescriptor *ed = f->descriptor;
        *(int *)p = ed->values[(k + variant + 1) % ed->n_values].value;
        if (*(int *)p == 0)
            *(int *)p = ed->values[ed->n_values - 1].value;
        break;
    }
    case PROTOBUF_C_TYPE_STRING: {
        char *s = pool_alloc(pool, 64);
        snprintf(s, 64, "Tập thể \"%s\" %u\n", f->name, k);
        *(char **)p = s;
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        ProtobufCBinaryData *b = p;
        b->data = pool_alloc(pool, sizeof(BYTES));
        memcpy(b->data, BYTES, sizeof(BYTES));
        b->len = sizeof(BYTES) - k % 3;
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessageDescriptor *d = f->descriptor;
        ProtobufCMessage *sub = pool_alloc(pool, d->sizeof_message);
        d->message_init(sub);
        if (depth < 3)
            fill(pool, sub, variant + k, depth + 1);
        *(ProtobufCMessage **)p = sub;
        break;
    }
    }
}

/* Sets every field; of each oneof only the member `variant` (mod its size). */
static void fill(pool_t *pool, ProtobufCMessage *m, unsigned variant, int depth)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        uint8_t *base = (uint8_t *)m;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            unsigned first = i, size = 0;
            while (first > 0 && (d->fields[first - 1].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
                   d->fields[first - 1].quantifier_offset == f->quantifier_offset)
                first--;
            for (unsigned j = first;
                 j < d->n_fields && (d->fields[j].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
                 d->fields[j].quantifier_offset == f->quantifier_offset;
                 j++)
                size++;
            if (i - first != variant % size)
                continue;
            *(uint32_t *)(base + f->quantifier_offset) = f->id;
            fill_value(pool, f, base + f->offset, 0, variant, depth);
            continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t sz = elem_size(f->type);
            uint8_t *arr = pool_alloc(pool, 3 * sz);
            for (unsigned k = 0; k < 3; k++)
                fill_value(pool, f, arr + k * sz, k, variant, depth);
            *(size_t *)(base + f->quantifier_offset) = 3;
            *(uint8_t **)(base + f->offset) = arr;
            continue;
        }
        fill_value(pool, f, base + f->offset, 0, variant, depth);
        if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING &&
            f->type != PROTOBUF_C_TYPE_MESSAGE)
            *(protobuf_c_boolean *)(base + f->quantifier_offset) = 1;
    }
}

static uint8_t *pack(const ProtobufCMessage *m, size_t *len)
{
    *len = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(*len + 1);
    assert_non_null(buf);
    assert_int_equal(protobuf_c_message_pack(m, buf), *len);
    return buf;
}

/* message -> JSON text -> JSON -> bytes: the same bytes. */
static void round_trip(const ProtobufCMessageDescriptor *d, unsigned variant)
{
    pool_t *pool = calloc(1, sizeof(*pool));
    assert_non_null(pool);
    ProtobufCMessage *m = pool_alloc(pool, d->sizeof_message);
    d->message_init(m);
    fill(pool, m, variant, 0);
    size_t len1, len2;
    uint8_t *b1 = pack(m, &len1), *b2 = NULL;
    json_object *j = pbjson_from_message(m);
    assert_non_null(j);
    const char *text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
    json_object *back = json_tokener_parse(text);
    assert_non_null(back);
    char err[256] = "";
    if (pbjson_to_packed(d, back, &b2, &len2, err, sizeof(err)) < 0)
        fail_msg("%s: %s\n%s", d->name, err, text);
    if (len1 != len2 || memcmp(b1, b2, len1) != 0)
        fail_msg("%s (variant %u): the bytes differ after the round trip\n%s", d->name, variant,
                 text);
    /* and the unpacked message prints the same JSON */
    ProtobufCMessage *u = pbjson_to_message(d, back, err, sizeof(err));
    assert_non_null(u);
    json_object *j2 = pbjson_from_message(u);
    assert_string_equal(json_object_to_json_string_ext(j2, JSON_C_TO_STRING_PLAIN), text);
    json_object_put(j2);
    protobuf_c_message_free_unpacked(u, NULL);
    json_object_put(back);
    json_object_put(j);
    free(b1);
    free(b2);
    pool_free(pool);
    free(pool);
}

static const ProtobufCMessageDescriptor *const RECORDS[] = {
    &exemplar__nomination__descriptor,     &exemplar__change__descriptor,
    &exemplar__request_record__descriptor, &exemplar__unit__descriptor,
    &exemplar__evidence__descriptor,       &exemplar__audit_entry__descriptor,
    &exemplar__event__descriptor,          &exemplar__publisher_record__descriptor,
    &exemplar__unit_plan__descriptor,      &exemplar__stats_reply__descriptor,
    &exemplar__fsck_reply__descriptor,     &exemplar__request__descriptor,
    &exemplar__reply__descriptor,
};

static void every_record_type_round_trips(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(RECORDS) / sizeof(RECORDS[0]); i++)
        for (unsigned variant = 0; variant < 40; variant++)
            round_trip(RECORDS[i], variant);
}

static void json_uses_proto_names_enum_names_and_base64(void **state)
{
    (void)state;
    Exemplar__Nomination n = EXEMPLAR__NOMINATION__INIT;
    n.id = 9007199254740993ULL; /* 2^53 + 1: exact as a JSON number */
    n.state = EXEMPLAR__STATE__STATE_FOSTERING;
    n.name = "Hà Nội";
    n.created_ms = -5;
    json_object *j = pbjson_from_message(&n.base);
    const char *text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
    assert_non_null(strstr(text, "\"id\":9007199254740993"));
    assert_non_null(strstr(text, "\"state\":\"STATE_FOSTERING\""));
    assert_non_null(strstr(text, "\"created_ms\":-5"));
    assert_null(strstr(text, "\"version\"")); /* zero: left out */
    json_object_put(j);

    Exemplar__RequestRecord r = EXEMPLAR__REQUEST_RECORD__INIT;
    uint8_t reply[] = {0xff, 0x00, 0x10};
    r.reply.data = reply;
    r.reply.len = sizeof(reply);
    j = pbjson_from_message(&r.base);
    assert_string_equal(json_object_get_string(json_object_object_get(j, "reply")), "/wAQ");
    json_object_put(j);
}

static void refuse(const ProtobufCMessageDescriptor *d, const char *text, const char *expect)
{
    json_object *j = json_tokener_parse(text);
    assert_non_null(j);
    uint8_t *buf = NULL;
    size_t len;
    char err[256] = "";
    assert_int_equal(pbjson_to_packed(d, j, &buf, &len, err, sizeof(err)), -1);
    if (!strstr(err, expect))
        fail_msg("%s: expected \"%s\" in \"%s\"", text, expect, err);
    json_object_put(j);
}

static void bad_json_is_refused_with_the_field(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *n = &exemplar__nomination__descriptor;
    refuse(n, "{\"idd\":1}", "idd: is not a field");
    refuse(n, "{\"id\":\"x\"}", "id: must be an integer");
    refuse(n, "{\"id\":-1}", "id: must not be negative");
    refuse(n, "{\"state\":\"STATE_NOPE\"}", "state: is not a value");
    refuse(n, "{\"name\":5}", "name: must be a string");
    refuse(n, "{\"revocation\":{\"number\":[1]}}", "revocation.number: must be a string");
    refuse(n, "[]", "must be an object");
    refuse(&exemplar__request_record__descriptor, "{\"reply\":\"!!!\"}",
           "reply: is not valid base64");
    refuse(&exemplar__change__descriptor, "{\"seq\":\"18446744073709551616\"}",
           "seq: must be an integer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_record_type_round_trips),
        cmocka_unit_test(json_uses_proto_names_enum_names_and_base64),
        cmocka_unit_test(bad_json_is_refused_with_the_field),
    };
    return cmocka_run_group_tests_name("pbjson", tests, NULL, NULL);
}
