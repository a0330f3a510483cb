/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the import's line reader (daemon/exportfmt.c, exemplard --import).
 * A line is one strict JSON object or a refusal that says why; a record line
 * that is taken has a key of 1-511 bytes and a value that decodes as its
 * type's message, with no NUL or control character in any string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "exportfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_object *line = NULL;
    char err[512] = "";
    int rc = exportfmt_parse_line((const char *)data, size, &line, err, sizeof(err));
    if (rc < 0) {
        if (!err[0] || line)
            abort(); /* every refusal says why, and hands nothing back */
        return 0;
    }
    json_object *jt;
    if (!json_object_is_type(line, json_type_object) ||
        !json_object_object_get_ex(line, "type", &jt) || !json_object_is_type(jt, json_type_string))
        abort();
    exportfmt_record_t r;
    err[0] = '\0';
    rc = exportfmt_record(line, &r, err, sizeof(err));
    if (rc < 0) {
        if (!err[0] || r.key || r.val)
            abort();
    } else {
        if (!r.type || r.klen == 0 || r.klen > 511 || !r.key || !r.val)
            abort();
        if (r.type->desc) {
            ProtobufCMessage *m = protobuf_c_message_unpack(r.type->desc, NULL, r.vlen, r.val);
            if (!m)
                abort(); /* what import stores must decode */
            protobuf_c_message_free_unpacked(m, NULL);
        } else if (memchr(r.val, '\0', r.vlen)) {
            abort();
        }
        exportfmt_record_free(&r);
    }
    json_object_put(line);
    return 0;
}
