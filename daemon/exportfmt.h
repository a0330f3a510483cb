/* SPDX-License-Identifier: MIT */
/*
 * The export format's records and lines (README, "Export format"), shared by
 * the daemon's export request (api_dump.c), its offline import
 * (`exemplard --import`, offline.c) and the fuzz target of the line parser:
 * which databases are exported under which type name and message, the
 * writing of a whole export from one read transaction, and the strict
 * reading of one line.
 *
 * A line is exactly one JSON object (RFC 8259, json-c's strict mode: no
 * trailing commas, no single quotes, no comments), valid UTF-8 throughout,
 * followed by nothing but its newline.  A record line's strings are checked
 * as the api checks what a peer sends: valid UTF-8 without NUL or control
 * characters (newline and tab allowed, as in reasons), and the fields the
 * api restricts (unit codes, subjects, campaign ids, names in NFC) restricted
 * the same way (text.h).
 */
#ifndef EXEMPLAR_EXPORTFMT_H
#define EXEMPLAR_EXPORTFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>
#include <protobuf-c/protobuf-c.h>

#include "store.h"

typedef struct {
    store_db_t db;
    const char *type;                       /* the line's "type" */
    const ProtobufCMessageDescriptor *desc; /* NULL: the value is a plain string */
    bool blob; /* desc NULL: the value is the bytes in base64, the key their SHA-256 (blobs.h) */
} exportfmt_type_t;

/* The exported databases, in file order. */
extern const exportfmt_type_t EXPORTFMT_TYPES[];
extern const size_t EXPORTFMT_COUNT;

/* The header line's "format" and "format_version". */
#define EXPORTFMT_FORMAT  "exemplar-export"
#define EXPORTFMT_VERSION 1

/* Databases not exported but rebuilt from the exported ones by an import. */
extern const store_db_t EXPORTFMT_DERIVED[];
extern const size_t EXPORTFMT_DERIVED_COUNT;

/* A database this build neither exports nor rebuilds (it would be lost: a
 * new database needs a row in one of the two tables), or -1. */
int exportfmt_unknown_database(void);

/* Nominations and the newest change's sequence as t sees them. */
int exportfmt_counts(store_txn_t *t, uint64_t *nominations, uint64_t *last_seq);

/* Writes the whole export of what t sees to f: the header line, one line
 * per record of every exported database and the end line.  Returns 0 with
 * the counts, or a negative EX_E* with a sentence in err (a record that does
 * not decode: -EX_ESTORAGE).  f's write errors are the caller's to check. */
int exportfmt_write(store_txn_t *t, FILE *f, uint64_t *records, uint64_t *nominations,
                    uint64_t *last_seq, char *err, size_t errlen);

/* The entry of a type name, or NULL. */
const exportfmt_type_t *exportfmt_find(const char *type);

/* Parses one line of len bytes (its newline included or not) strictly into a
 * JSON object with a string "type".  Returns 0 with *out (json_object_put
 * it), or -EX_EINVALID with a sentence in err (not JSON, not UTF-8, a NUL
 * byte, not an object, text after the object, no type). */
int exportfmt_parse_line(const char *line, size_t len, json_object **out, char *err, size_t errlen);

/* A record line's key and value, checked and packed. */
typedef struct {
    const exportfmt_type_t *type;
    uint8_t *key;
    size_t klen;
    uint8_t *val;
    size_t vlen;
} exportfmt_record_t;

/* Reads a record line (type, key, value; no other member).  Returns 0 with
 * *r (exportfmt_record_free it), -EX_EINVALID with a sentence naming the
 * field in err, or -EX_EINTERNAL (out of memory). */
int exportfmt_record(json_object *line, exportfmt_record_t *r, char *err, size_t errlen);

void exportfmt_record_free(exportfmt_record_t *r);

#endif
