/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the remembered answers (daemon/dedup.c) in a fresh LMDB
 * environment: an answer is given again only to the principal that sent the
 * request and only for the same bytes; another principal, whatever it sends,
 * is told the id is taken and nothing else; a record written before the
 * sender was kept (no principal) belongs to nobody; the key stays the 8
 * big-endian bytes of the id, so time-ordered ids append.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dedup.h"
#include "errors.h"
#include "key.h"
#include "record.pb-c.h"
#include "records.h"
#include "store.h"
#include "fixture.h"

static const uint8_t ANSWER[] = "the first answer";

static void remember(fixture_t *f, uint64_t id, const char *principal, uint64_t digest)
{
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    dedup_remember(&t, id, principal, digest, 1000, ANSWER, sizeof(ANSWER));
    assert_int_equal(store_txn_commit(&t), 0);
}

static int lookup(fixture_t *f, uint64_t id, const char *principal, uint64_t digest, bool *other)
{
    store_txn_t t;
    uint8_t *reply = NULL;
    size_t len = 0;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    int rc = dedup_lookup(&t, id, principal, digest, &reply, &len, other);
    store_txn_abort(&t);
    if (rc == 0) {
        assert_int_equal(len, sizeof(ANSWER));
        assert_memory_equal(reply, ANSWER, len);
    } else {
        assert_null(reply);
    }
    free(reply);
    return rc;
}

static void answer_goes_to_its_sender_only(void **state)
{
    fixture_t *f = *state;
    bool other = true;
    remember(f, 42, "lan.hanoi", 7);
    assert_int_equal(lookup(f, 42, "lan.hanoi", 7, &other), 0);
    assert_false(other);
    /* the sender with other bytes: a reused id, its own */
    assert_int_equal(lookup(f, 42, "lan.hanoi", 8, &other), -EX_EIDREUSE);
    assert_false(other);
    /* another principal, with the same bytes or not: taken, by another */
    assert_int_equal(lookup(f, 42, "hung.haiphong", 7, &other), -EX_EIDREUSE);
    assert_true(other);
    assert_int_equal(lookup(f, 42, "hung.haiphong", 8, &other), -EX_EIDREUSE);
    assert_true(other);
    assert_int_equal(lookup(f, 42, "local", 7, &other), -EX_EIDREUSE);
    assert_true(other);
    assert_int_equal(lookup(f, 43, "lan.hanoi", 7, &other), -EX_ENOTFOUND);
}

/* A record of an older daemon: at_ms, digest and reply, no principal. */
static void record_without_a_principal_belongs_to_nobody(void **state)
{
    fixture_t *f = *state;
    Exemplar__RequestRecord r = EXEMPLAR__REQUEST_RECORD__INIT;
    r.at_ms = 1000;
    r.digest = 7;
    r.reply.data = (uint8_t *)ANSWER;
    r.reply.len = sizeof(ANSWER);
    uint8_t key[8];
    key_put_u64(key, 99);
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    records_put_message(&t, DB_REQUESTS, key, sizeof(key), &r.base);
    assert_int_equal(store_txn_commit(&t), 0);
    bool other = false;
    assert_int_equal(lookup(f, 99, "lan.hanoi", 7, &other), -EX_EIDREUSE);
    assert_true(other);
    /* and it is pruned like any other once it is old */
    uint64_t resume = 0;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    assert_int_equal(dedup_prune(&t, 2000, 100, &resume), 1);
    assert_int_equal(store_txn_commit(&t), 0);
    assert_int_equal(lookup(f, 99, "lan.hanoi", 7, &other), -EX_ENOTFOUND);
}

static void key_is_the_ids_eight_bytes(void **state)
{
    fixture_t *f = *state;
    remember(f, 0x0102030405060708ull, "lan.hanoi", 1);
    store_txn_t t;
    store_val_t v;
    uint8_t key[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(store_get(&t, DB_REQUESTS, key, sizeof(key), &v), 0);
    Exemplar__RequestRecord *r = exemplar__request_record__unpack(NULL, v.len, v.data);
    assert_non_null(r);
    assert_string_equal(r->principal, "lan.hanoi");
    exemplar__request_record__free_unpacked(r, NULL);
    store_txn_abort(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(answer_goes_to_its_sender_only, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(record_without_a_principal_belongs_to_nobody, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(key_is_the_ids_eight_bytes, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests_name("dedup", tests, NULL, NULL);
}
