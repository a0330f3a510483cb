/* SPDX-License-Identifier: MIT */
/*
 * The request types' table (proto/requests.def, proto/reqtable.c) against
 * the schema: every field of Request's oneof has exactly one row, every row
 * answers with a field of Reply's oneof, names are unique, and lookups by
 * body find their row.  The daemon's API_OPS and the C client read this
 * table; the Python package's is generated from the same file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reqtable.h"
#include "wire.pb-c.h"

static bool in_oneof(const ProtobufCMessageDescriptor *d, unsigned id)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(d, id);
    return f && (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF);
}

static void every_request_field_has_one_row(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &exemplar__request__descriptor;
    size_t oneof_fields = 0;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
            continue;
        oneof_fields++;
        int rows = 0;
        for (int r = 0; r < EX_REQ_COUNT; r++)
            rows += EX_REQ_TYPES[r].request == (Exemplar__Request__BodyCase)f->id;
        if (rows != 1)
            fail_msg("Request field %s has %d rows in proto/requests.def", f->name, rows);
    }
    assert_int_equal(oneof_fields, EX_REQ_COUNT);
}

static void every_row_names_fields_of_the_schema(void **state)
{
    (void)state;
    for (int r = 0; r < EX_REQ_COUNT; r++) {
        const ex_req_type_t *t = &EX_REQ_TYPES[r];
        assert_true(in_oneof(&exemplar__request__descriptor, (unsigned)t->request));
        if (!in_oneof(&exemplar__reply__descriptor, (unsigned)t->reply))
            fail_msg("row %s answers with no field of Reply's oneof", t->name);
        assert_non_null(t->name);
        assert_true(t->name[0]);
        for (int o = 0; o < r; o++)
            assert_string_not_equal(EX_REQ_TYPES[o].name, t->name);
        /* an optional request id only makes sense for a change */
        if (t->flags & EX_REQ_ID_OPTIONAL)
            assert_true(t->flags & EX_REQ_WRITES);
        assert_int_equal(ex_req_index(t->request), r);
    }
}

static void known_rows_answer_as_before(void **state)
{
    (void)state;
    int i = ex_req_index(EXEMPLAR__REQUEST__BODY_EVIDENCE_LIST);
    assert_true(i >= 0);
    assert_int_equal(EX_REQ_TYPES[i].reply, EXEMPLAR__REPLY__BODY_EVIDENCE);
    assert_string_equal(EX_REQ_TYPES[i].name, "evidence-list");
    assert_int_equal(EX_REQ_TYPES[i].flags, 0);
    i = ex_req_index(EXEMPLAR__REQUEST__BODY_PUBLISH);
    assert_int_equal(EX_REQ_TYPES[i].flags, EX_REQ_WRITES | EX_REQ_ID_OPTIONAL);
    assert_int_equal(ex_req_index(EXEMPLAR__REQUEST__BODY__NOT_SET), -1);
    assert_int_equal(ex_req_index((Exemplar__Request__BodyCase)9999), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_request_field_has_one_row),
        cmocka_unit_test(every_row_names_fields_of_the_schema),
        cmocka_unit_test(known_rows_answer_as_before),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
