/* SPDX-License-Identifier: MIT */
/*
 * Reading a few fields of an encoded protobuf message without decoding it:
 * the protobuf wire format walked one field at a time.  For hot paths that
 * need one or two scalar or string fields of a stored record (a listing's
 * filter, the events indexer's subject), where a whole decode with its
 * allocations costs most of the time.  protobuf-c has no public field
 * iterator; this is the format's own rule, nothing more.
 */
#ifndef EXEMPLAR_PBWIRE_H
#define EXEMPLAR_PBWIRE_H

#include <stddef.h>
#include <stdint.h>

/* One field of the encoding. */
typedef struct {
    uint32_t number;      /* the field number */
    int wire_type;        /* 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit */
    uint64_t varint;      /* wire type 0: its value */
    const uint8_t *bytes; /* wire type 2: its bytes (not NUL-terminated) */
    size_t len;           /* and their length */
} pbwire_field_t;

/* Reads the field at *p (before end) into *f and moves *p past it.
 * Returns 1 with a field, 0 at the end, -1 when the encoding is malformed
 * (a varint past end or longer than 10 bytes, a length past end, a group:
 * never written by proto3). */
int pbwire_next(const uint8_t **p, const uint8_t *end, pbwire_field_t *f);

#endif
