/* SPDX-License-Identifier: MIT */
/*
 * The protobuf wire format walked one field at a time (pbwire.h).
 */
#include "pbwire.h"

/* One base-128 varint at p (at most 10 bytes, before end); NULL when it
 * runs past end or past 10 bytes. */
static const uint8_t *read_varint(const uint8_t *p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; p < end && shift < 70; shift += 7) {
        uint8_t b = *p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return p;
        }
    }
    return NULL;
}

int pbwire_next(const uint8_t **pp, const uint8_t *end, pbwire_field_t *f)
{
    const uint8_t *p = *pp;
    if (p >= end)
        return 0;
    uint64_t tag, val = 0;
    if (!(p = read_varint(p, end, &tag)))
        return -1;
    f->number = (uint32_t)(tag >> 3);
    f->wire_type = (int)(tag & 7);
    f->varint = 0;
    f->bytes = NULL;
    f->len = 0;
    switch (f->wire_type) {
    case 0:
        if (!(p = read_varint(p, end, &f->varint)))
            return -1;
        break;
    case 1:
        if (end - p < 8)
            return -1;
        p += 8;
        break;
    case 2:
        if (!(p = read_varint(p, end, &val)) || val > (uint64_t)(end - p))
            return -1;
        f->bytes = p;
        f->len = (size_t)val;
        p += val;
        break;
    case 5:
        if (end - p < 4)
            return -1;
        p += 4;
        break;
    default:
        return -1;
    }
    *pp = p;
    return 1;
}
