/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the content-addressed file store (daemon/blobs.c) in a
 * fresh LMDB environment: bytes come back under the SHA-256 libsodium
 * computes (checked against a known vector), the same bytes stored twice
 * are one record, a blob survives closing and reopening the store,
 * verification finds a blob whose bytes no longer match its key, and the
 * export line of a blob reads back only when its bytes match its key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "blobs.h"
#include "errors.h"
#include "exportfmt.h"
#include "store.h"
#include "fixture.h"

/* FIPS 180-2's example: SHA-256("abc"). */
static const char ABC_SHA[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

/* Stores bytes as the daemon's batch does: a full map is grown and the
 * transaction run again (the fixture's map starts at 1 MiB). */
static void put(fixture_t *f, const void *bytes, size_t len, uint8_t sha[BLOBS_SHA_LEN])
{
    for (;;) {
        store_txn_t t;
        assert_int_equal(store_txn_begin(f->store, true, &t), 0);
        int rc = blobs_put(&t, bytes, len, sha);
        if (rc == 0)
            rc = store_txn_commit(&t);
        else
            store_txn_abort(&t);
        if (rc == -EX_EFULL && store_map_full(f->store)) {
            assert_int_equal(store_grow(f->store), 0);
            continue;
        }
        assert_int_equal(rc, 0);
        return;
    }
}

static void bytes_come_back_under_their_sha256(void **state)
{
    fixture_t *f = *state;
    uint8_t sha[BLOBS_SHA_LEN];
    char hex[BLOBS_HEX_LEN];
    put(f, "abc", 3, sha);
    blobs_hex(sha, hex);
    assert_string_equal(hex, ABC_SHA);

    store_txn_t t;
    const void *bytes;
    size_t len;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(blobs_get(&t, sha, &bytes, &len), 0);
    assert_int_equal(len, 3);
    assert_memory_equal(bytes, "abc", 3);
    assert_true(blobs_has(&t, sha));
    uint8_t other[BLOBS_SHA_LEN] = {0};
    assert_int_equal(blobs_get(&t, other, &bytes, &len), -EX_ENOTFOUND);
    assert_false(blobs_has(&t, other));
    store_txn_abort(&t);

    uint8_t back[BLOBS_SHA_LEN];
    assert_int_equal(blobs_unhex(ABC_SHA, back), 0);
    assert_memory_equal(back, sha, BLOBS_SHA_LEN);
    assert_int_equal(blobs_unhex("abc", back), -EX_EINVALID);
    assert_int_equal(blobs_unhex(NULL, back), -EX_EINVALID);
}

static void same_bytes_twice_are_one_record_and_survive_reopening(void **state)
{
    fixture_t *f = *state;
    /* larger than a page: LMDB keeps it on overflow pages */
    size_t n = 3u << 20;
    uint8_t *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (uint8_t)(i * 131u + (i >> 9));
    uint8_t a[BLOBS_SHA_LEN], b[BLOBS_SHA_LEN], e[BLOBS_SHA_LEN];
    put(f, big, n, a);
    put(f, big, n, b);
    put(f, "", 0, e);
    assert_memory_equal(a, b, BLOBS_SHA_LEN);

    store_close(&f->store);
    char err[256];
    assert_int_equal(store_open(f->dir, 1u << 20, 1ull << 30, &f->store, err, sizeof(err)), 0);
    store_txn_t t;
    const void *bytes;
    size_t len;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(store_count(&t, DB_BLOBS), 2);
    assert_int_equal(blobs_get(&t, a, &bytes, &len), 0);
    assert_int_equal(len, n);
    assert_memory_equal(bytes, big, n);
    assert_int_equal(blobs_get(&t, e, &bytes, &len), 0);
    assert_int_equal(len, 0);
    uint64_t seen = 0;
    assert_int_equal(blobs_verify(&t, NULL, NULL, &seen), 0);
    assert_int_equal(seen, 2);
    store_txn_abort(&t);
    free(big);
}

static void note_bad(void *arg, const uint8_t sha[BLOBS_SHA_LEN])
{
    memcpy(arg, sha, BLOBS_SHA_LEN);
}

static void verify_finds_bytes_that_no_longer_match(void **state)
{
    fixture_t *f = *state;
    uint8_t good[BLOBS_SHA_LEN], bad[BLOBS_SHA_LEN];
    put(f, "kept", 4, good);
    put(f, "damaged", 7, bad);
    /* damage one: other bytes under the same key, as a bad disk would */
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    store_put(&t, DB_BLOBS, bad, BLOBS_SHA_LEN, "dAmaged", 7);
    assert_int_equal(store_txn_commit(&t), 0);

    uint8_t seen_bad[BLOBS_SHA_LEN] = {0};
    uint64_t n = 0;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(blobs_verify(&t, note_bad, seen_bad, &n), 1);
    assert_int_equal(n, 2);
    assert_memory_equal(seen_bad, bad, BLOBS_SHA_LEN);
    store_txn_abort(&t);
}

static void export_line_reads_back_only_with_matching_bytes(void **state)
{
    (void)state;
    /* "abc" is YWJj in base64; its key is ABC_SHA's 32 bytes in base64 */
    static const char good[] =
        "{\"type\":\"blob\",\"key\":"
        "\"ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=\",\"value\":\"YWJj\"}";
    static const char bad[] =
        "{\"type\":\"blob\",\"key\":"
        "\"ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=\",\"value\":\"YWJk\"}";
    char err[256];
    json_object *o = NULL;
    exportfmt_record_t r;
    assert_int_equal(exportfmt_parse_line(good, strlen(good), &o, err, sizeof(err)), 0);
    assert_int_equal(exportfmt_record(o, &r, err, sizeof(err)), 0);
    assert_int_equal(r.vlen, 3);
    assert_memory_equal(r.val, "abc", 3);
    exportfmt_record_free(&r);
    json_object_put(o);
    assert_int_equal(exportfmt_parse_line(bad, strlen(bad), &o, err, sizeof(err)), 0);
    assert_int_equal(exportfmt_record(o, &r, err, sizeof(err)), -EX_EINVALID);
    json_object_put(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(bytes_come_back_under_their_sha256, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(same_bytes_twice_are_one_record_and_survive_reopening,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(verify_finds_bytes_that_no_longer_match, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(export_line_reads_back_only_with_matching_bytes,
                                        fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests_name("blobs", tests, NULL, NULL);
}
