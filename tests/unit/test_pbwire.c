/* SPDX-License-Identifier: MIT */
/*
 * common/pbwire.c: the fields of an encoding protobuf-c wrote, read back
 * one by one, and malformed encodings refused rather than read past.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pbwire.h"
#include "record.pb-c.h"

static size_t encode(uint8_t *buf, size_t cap)
{
    Exemplar__Nomination n = EXEMPLAR__NOMINATION__INIT;
    n.id = 300; /* a two-byte varint */
    n.state = EXEMPLAR__STATE__STATE_FOSTERING;
    n.unit = "Hà Nội";
    n.campaign = "2021-2025";
    size_t len = exemplar__nomination__get_packed_size(&n);
    assert_true(len <= cap);
    return exemplar__nomination__pack(&n, buf);
}

static void fields_come_back_as_written(void **state)
{
    (void)state;
    uint8_t buf[256];
    size_t len = encode(buf, sizeof(buf));
    const uint8_t *p = buf;
    pbwire_field_t f;
    int rc, seen = 0;
    while ((rc = pbwire_next(&p, buf + len, &f)) > 0) {
        if (f.number == 1) {
            assert_int_equal(f.wire_type, 0);
            assert_int_equal(f.varint, 300);
            seen |= 1;
        } else if (f.number == 5) {
            assert_int_equal(f.wire_type, 2);
            assert_int_equal(f.len, strlen("Hà Nội"));
            assert_memory_equal(f.bytes, "Hà Nội", f.len);
            seen |= 2;
        } else if (f.number == 3) {
            assert_int_equal(f.varint, EXEMPLAR__STATE__STATE_FOSTERING);
            seen |= 4;
        }
    }
    assert_int_equal(rc, 0);
    assert_int_equal(seen, 7);
    assert_ptr_equal(p, buf + len);
}

static void malformed_encodings_are_refused(void **state)
{
    (void)state;
    uint8_t buf[256];
    size_t len = encode(buf, sizeof(buf));
    /* every truncation that cuts a field is refused, never read past */
    for (size_t cut = 1; cut < len; cut++) {
        const uint8_t *p = buf;
        pbwire_field_t f;
        int rc;
        while ((rc = pbwire_next(&p, buf + cut, &f)) > 0)
            assert_true(p <= buf + cut);
        assert_true(rc == 0 || rc == -1);
    }
    /* a varint of eleven bytes, and a group (wire type 3) */
    static const uint8_t longvar[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    const uint8_t *p = longvar;
    pbwire_field_t f;
    assert_int_equal(pbwire_next(&p, longvar + sizeof(longvar), &f), -1);
    static const uint8_t group[] = {0x0b, 0x0c};
    p = group;
    assert_int_equal(pbwire_next(&p, group + sizeof(group), &f), -1);
    /* a length past the end */
    static const uint8_t past[] = {0x2a, 0x05, 'a', 'b'};
    p = past;
    assert_int_equal(pbwire_next(&p, past + sizeof(past), &f), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_come_back_as_written),
        cmocka_unit_test(malformed_encodings_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
