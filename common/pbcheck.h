/* SPDX-License-Identifier: MIT */
/*
 * The byte-level check of an encoded protobuf message, before protobuf-c
 * decodes it.  protobuf-c hands strings out as NUL-terminated C strings, so a
 * NUL inside a string field silently cuts it ("Lê Văn\0<script>" arrives as
 * "Lê Văn"), and it does not check that a string is UTF-8.  pbcheck walks
 * the wire format with the message's descriptor, recursing into
 * sub-messages, and refuses any string field (PROTOBUF_C_TYPE_STRING) that
 * holds a NUL byte or is not valid UTF-8 (utf8proc), naming the field by its
 * dotted path ("register.name", "publish.events[2].title").
 *
 * Shared library (proto/): the daemon runs it on every message a peer sends
 * (api requests, published events); clients and exemplarctl's import may use
 * it as well.  No I/O, no allocation.
 */
#ifndef EXEMPLAR_PBCHECK_H
#define EXEMPLAR_PBCHECK_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

/* Sub-messages nested deeper than this are refused as malformed (the
 * project's schema nests at most a few levels). */
#define PBCHECK_DEPTH_MAX 32

/* Checks every string field of the message encoded in buf[0..len) of type d,
 * sub-messages included.  Returns
 *   0              every string is valid UTF-8 without NUL;
 *   -EX_EINVALID   a string is not: why says which field and what (the
 *                  field's dotted path, the byte offset inside the string);
 *   -EX_EMALFORMED the bytes are not a well-formed encoding (a truncated
 *                  field, a bad wire type, nesting deeper than
 *                  PBCHECK_DEPTH_MAX); why says where.
 * Unknown fields are skipped, as protobuf-c does.  why may be NULL. */
int pbcheck_strings(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len, char *why,
                    size_t why_len);

#endif
