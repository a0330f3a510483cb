/* SPDX-License-Identifier: MIT */
/*
 * One converter between any protobuf-c message and a JSON object (json-c),
 * driven by the message descriptors, so that a new field or message needs
 * no code here (the export and import of exemplarctl and exemplard).
 *
 * The mapping:
 *   - keys are the field names as written in the .proto (not camelCase);
 *   - enums by their value's name in the .proto ("STATE_FOSTERING"); a
 *     number is accepted on input, and printed for a value the descriptor
 *     does not know;
 *   - 64-bit integers (int64, uint64, fixed64, ...) are JSON numbers, exact
 *     in json-c (a reader in a language whose numbers are doubles loses
 *     precision above 2^53); a string of digits is accepted on input;
 *   - bytes in standard base64 with padding (RFC 4648, libsodium's codec);
 *   - repeated fields are arrays, sub-messages objects, a oneof is the one
 *     field that is set;
 *   - a field without presence (proto3) at its zero value is left out, as
 *     the binary encoding leaves it out: converting to JSON and back gives
 *     the same bytes.
 */
#ifndef EXEMPLAR_PBJSON_H
#define EXEMPLAR_PBJSON_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <protobuf-c/protobuf-c.h>

/* The message as a new JSON object (NULL when out of memory). */
json_object *pbjson_from_message(const ProtobufCMessage *m);

/* Builds a message of type d from a JSON object and packs it into a new
 * malloc'd buffer.  Returns 0 with *buf and *len, or -1 with a sentence in
 * err naming the field (unknown key, wrong JSON type, unknown enum name,
 * bad base64, number out of range). */
int pbjson_to_packed(const ProtobufCMessageDescriptor *d, json_object *o, uint8_t **buf,
                     size_t *len, char *err, size_t errlen);

/* As pbjson_to_packed, then unpacked: free with
 * protobuf_c_message_free_unpacked(m, NULL).  NULL with err on failure. */
ProtobufCMessage *pbjson_to_message(const ProtobufCMessageDescriptor *d, json_object *o, char *err,
                                    size_t errlen);

/* Standard base64 of n bytes as a new JSON string; and back: 0 with a
 * malloc'd *out (at least one byte allocated) and *n, or -1. */
json_object *pbjson_base64(const uint8_t *data, size_t n);
int pbjson_unbase64(const char *text, size_t len, uint8_t **out, size_t *n);

#endif
