/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: decoding.  The first byte picks a message type (every
 * request body, the envelopes and every stored record); the rest is decoded
 * as that type with protobuf-c.  What decodes must pack again, decode again
 * and pack to the same bytes, unless it carries unknown fields: protobuf-c
 * 1.4.1 keeps those raw and accepts field number 0 in a non-canonical tag
 * ("80 00") that it then writes canonically ("00") and refuses to read back.
 * The daemon never repacks what a peer sent (it stores what it builds), so
 * that quirk is harmless here; found by this target.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pbcheck.h"
#include "wire.pb-c.h"

static const ProtobufCMessageDescriptor *const TYPES[] = {
    &exemplar__request__descriptor,          &exemplar__info_request__descriptor,
    &exemplar__register_request__descriptor, &exemplar__move_request__descriptor,
    &exemplar__get_request__descriptor,      &exemplar__history_request__descriptor,
    &exemplar__list_request__descriptor,     &exemplar__changes_request__descriptor,
    &exemplar__audit_request__descriptor,    &exemplar__reply__descriptor,
    &exemplar__nomination__descriptor,       &exemplar__change__descriptor,
    &exemplar__request_record__descriptor,   &exemplar__audit_entry__descriptor,
};

static uint8_t *pack(const ProtobufCMessage *m, size_t *len)
{
    *len = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (!buf || protobuf_c_message_pack(m, buf) != *len)
        abort();
    return buf;
}

/* Does m or any message inside it hold unknown fields? */
static bool has_unknown(const ProtobufCMessage *m)
{
    if (m->n_unknown_fields)
        return true;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        const char *base = (const char *)m;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t which;
            memcpy(&which, base + f->quantifier_offset, sizeof(which));
            if (which != f->id)
                continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n;
            ProtobufCMessage **v;
            memcpy(&n, base + f->quantifier_offset, sizeof(n));
            memcpy(&v, base + f->offset, sizeof(v));
            for (size_t j = 0; j < n; j++)
                if (has_unknown(v[j]))
                    return true;
        } else {
            const ProtobufCMessage *sub;
            memcpy(&sub, base + f->offset, sizeof(sub));
            if (sub && has_unknown(sub))
                return true;
        }
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const ProtobufCMessageDescriptor *d = TYPES[data[0] % (sizeof(TYPES) / sizeof(TYPES[0]))];
    /* pbcheck walks the same bytes first, as the daemon does: any bytes
     * must leave it in bounds (ASan), whatever it answers. */
    char why[256];
    (void)pbcheck_strings(d, data + 1, size - 1, why, sizeof(why));
    ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, size - 1, data + 1);
    if (!m)
        return 0;
    size_t len1, len2;
    uint8_t *b1 = pack(m, &len1);
    ProtobufCMessage *m2 = protobuf_c_message_unpack(d, NULL, len1, b1);
    if (!m2 && has_unknown(m)) {
        free(b1);
        protobuf_c_message_free_unpacked(m, NULL);
        return 0;
    }
    if (!m2)
        abort(); /* what we packed does not decode */
    uint8_t *b2 = pack(m2, &len2);
    if ((len1 != len2 || memcmp(b1, b2, len1) != 0) && !has_unknown(m))
        abort(); /* packing is not stable */
    free(b1);
    free(b2);
    protobuf_c_message_free_unpacked(m2, NULL);
    protobuf_c_message_free_unpacked(m, NULL);
    return 0;
}
