/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the LMDB wrapper (daemon/store.c) and its key layout
 * (daemon/key.h), each in a fresh temporary environment: the schema stamp
 * and refusal of other versions, the sticky transaction error (one failed
 * write poisons the whole transaction, nothing of it is committed), LMDB
 * codes translated to the project's (map full, disk full, I/O error), the
 * map growing by doubling up to its limit, cursors, and durability across a
 * close.  Commit failures that a test cannot provoke for real (a full disk,
 * an I/O error) are injected by wrapping mdb_txn_commit at link time
 * (-Wl,--wrap=mdb_txn_commit).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lmdb.h>

#include "errors.h"
#include "key.h"
#include "store.h"
#include "fixture.h"

/* ---- mdb_txn_commit, wrapped ----------------------------------------------- */

int __real_mdb_txn_commit(MDB_txn *txn);
int __wrap_mdb_txn_commit(MDB_txn *txn);

static int inject_commit_error; /* 0: commit for real */

int __wrap_mdb_txn_commit(MDB_txn *txn)
{
    if (!inject_commit_error)
        return __real_mdb_txn_commit(txn);
    /* as LMDB does on a failed commit: the transaction is gone */
    int rc = inject_commit_error;
    inject_commit_error = 0;
    mdb_txn_abort(txn);
    return rc;
}

/* ---- fixtures ------------------------------------------------------------- */

enum { MIB = 1 << 20 };

static int open_store(fixture_t *f, uint64_t map_size, uint64_t map_max)
{
    char err[256] = "";
    int rc = store_open(f->dir, map_size, map_max, &f->store, err, sizeof(err));
    if (rc < 0)
        print_error("store_open(%s): %d %s\n", f->dir, rc, err);
    return rc;
}

static int setup_sized(void **state, uint64_t map_size, uint64_t map_max)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    fixture_open_sized(f, map_size, map_max);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_sized(state, 4 * MIB, 64 * MIB);
}

/* A map small enough to fill in a test: 256 KiB, growing to 512 KiB. */
static int setup_small(void **state)
{
    return setup_sized(state, 256 * 1024, 512 * 1024);
}

static int teardown(void **state)
{
    fixture_teardown(state);
    inject_commit_error = 0;
    return 0;
}

/* ---- helpers ------------------------------------------------------------- */

static void put_u64(store_t *s, store_db_t db, uint64_t k, const char *val)
{
    store_txn_t t;
    uint8_t key[8];
    key_put_u64(key, k);
    assert_int_equal(store_txn_begin(s, true, &t), 0);
    store_put(&t, db, key, sizeof(key), val, strlen(val));
    assert_int_equal(store_txn_commit(&t), 0);
}

/* The value under k as a string in buf, or -EX_ENOTFOUND. */
static int get_u64(store_t *s, store_db_t db, uint64_t k, char *buf, size_t len)
{
    store_txn_t t;
    uint8_t key[8];
    key_put_u64(key, k);
    assert_int_equal(store_txn_begin(s, false, &t), 0);
    store_val_t v;
    int rc = store_get(&t, db, key, sizeof(key), &v);
    if (rc == 0)
        snprintf(buf, len, "%.*s", (int)v.len, (const char *)v.data);
    assert_int_equal(store_txn_commit(&t), 0);
    return rc;
}

static uint64_t count(store_t *s, store_db_t db)
{
    store_txn_t t;
    assert_int_equal(store_txn_begin(s, false, &t), 0);
    uint64_t n = store_count(&t, db);
    store_txn_abort(&t);
    return n;
}

static void write_schema_version(store_t *s, uint32_t version)
{
    store_txn_t t;
    uint8_t be[4] = {(uint8_t)(version >> 24), (uint8_t)(version >> 16), (uint8_t)(version >> 8),
                     (uint8_t)version};
    assert_int_equal(store_txn_begin(s, true, &t), 0);
    store_put(&t, DB_META, "schema_version", strlen("schema_version"), be, sizeof(be));
    assert_int_equal(store_txn_commit(&t), 0);
}

/* ---- schema ---------------------------------------------------------------- */

static void open_stamps_a_new_environment_with_the_schema_version(void **state)
{
    fixture_t *f = *state;
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    store_val_t v;
    assert_int_equal(store_get(&t, DB_META, "schema_version", strlen("schema_version"), &v), 0);
    assert_int_equal(v.len, 4);
    const uint8_t *p = v.data;
    uint32_t version = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    assert_int_equal(version, STORE_SCHEMA_VERSION);
    store_txn_abort(&t);
    /* every other database starts empty */
    for (int db = 0; db < DB_COUNT; db++)
        if (db != DB_META)
            assert_int_equal(count(f->store, (store_db_t)db), 0);
}

static void open_refuses_a_newer_schema_with_a_sentence(void **state)
{
    fixture_t *f = *state;
    write_schema_version(f->store, STORE_SCHEMA_VERSION + 1);
    store_close(&f->store);
    assert_null(f->store);

    char err[256] = "";
    store_t *s = NULL;
    int rc = store_open(f->dir, 4 * MIB, 64 * MIB, &s, err, sizeof(err));
    assert_int_equal(rc, -EX_ESTORAGE);
    assert_null(s);
    char want[64];
    snprintf(want, sizeof(want), "schema version %u", STORE_SCHEMA_VERSION + 1);
    if (!strstr(err, want))
        fail_msg("the refusal \"%s\" does not say \"%s\"", err, want);
}

static void open_refuses_an_older_schema_it_cannot_migrate(void **state)
{
    fixture_t *f = *state;
    write_schema_version(f->store, 0);
    store_close(&f->store);
    char err[256] = "";
    store_t *s = NULL;
    assert_int_equal(store_open(f->dir, 4 * MIB, 64 * MIB, &s, err, sizeof(err)), -EX_ESTORAGE);
    assert_null(s);
    assert_non_null(strstr(err, "schema version 0"));
}

static void open_fails_with_a_sentence_when_the_directory_cannot_be_made(void **state)
{
    (void)state;
    char err[256] = "";
    store_t *s = NULL;
    int rc = store_open("/proc/exemplar-cannot-be-here", 4 * MIB, 64 * MIB, &s, err, sizeof(err));
    assert_true(rc < 0);
    assert_null(s);
    assert_non_null(strstr(err, "/proc/exemplar-cannot-be-here"));
}

/* ---- transactions ---------------------------------------------------------- */

static void committed_writes_survive_a_close_and_reopen(void **state)
{
    fixture_t *f = *state;
    put_u64(f->store, DB_NOMINATIONS, 1, "one");
    put_u64(f->store, DB_NOMINATIONS, 2, "two");
    store_close(&f->store);
    assert_int_equal(open_store(f, 4 * MIB, 64 * MIB), 0);
    char buf[16];
    assert_int_equal(get_u64(f->store, DB_NOMINATIONS, 1, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "one");
    assert_int_equal(get_u64(f->store, DB_NOMINATIONS, 2, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "two");
    assert_int_equal(count(f->store, DB_NOMINATIONS), 2);
}

static void get_of_a_missing_key_is_not_found(void **state)
{
    fixture_t *f = *state;
    char buf[16];
    assert_int_equal(get_u64(f->store, DB_NOMINATIONS, 7, buf, sizeof(buf)), -EX_ENOTFOUND);
}

static void databases_are_separate(void **state)
{
    fixture_t *f = *state;
    put_u64(f->store, DB_NOMINATIONS, 5, "nomination");
    put_u64(f->store, DB_CHANGES, 5, "change");
    char buf[16];
    assert_int_equal(get_u64(f->store, DB_NOMINATIONS, 5, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "nomination");
    assert_int_equal(get_u64(f->store, DB_CHANGES, 5, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "change");
    assert_int_equal(get_u64(f->store, DB_REQUESTS, 5, buf, sizeof(buf)), -EX_ENOTFOUND);
}

static void aborted_writes_leave_nothing(void **state)
{
    fixture_t *f = *state;
    store_txn_t t;
    uint8_t key[8];
    key_put_u64(key, 9);
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    store_put(&t, DB_NOMINATIONS, key, sizeof(key), "x", 1);
    assert_int_equal(t.rc, 0);
    store_txn_abort(&t);
    assert_null(t.txn);
    char buf[8];
    assert_int_equal(get_u64(f->store, DB_NOMINATIONS, 9, buf, sizeof(buf)), -EX_ENOTFOUND);
}

static void delete_removes_and_ignores_a_missing_key(void **state)
{
    fixture_t *f = *state;
    put_u64(f->store, DB_NOMINATIONS, 3, "three");
    store_txn_t t;
    uint8_t key[8], missing[8];
    key_put_u64(key, 3);
    key_put_u64(missing, 4);
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    store_del(&t, DB_NOMINATIONS, missing, sizeof(missing));
    assert_int_equal(t.rc, 0);
    store_del(&t, DB_NOMINATIONS, key, sizeof(key));
    assert_int_equal(store_txn_commit(&t), 0);
    char buf[8];
    assert_int_equal(get_u64(f->store, DB_NOMINATIONS, 3, buf, sizeof(buf)), -EX_ENOTFOUND);
}

static void a_failed_write_poisons_the_whole_transaction(void **state)
{
    fixture_t *f = *state;
    store_txn_t t;
    uint8_t k1[8], k2[8];
    key_put_u64(k1, 1);
    key_put_u64(k2, 2);
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    store_put(&t, DB_NOMINATIONS, k1, sizeof(k1), "before", 6);
    assert_int_equal(t.rc, 0);
    /* LMDB refuses an empty key (MDB_BAD_VALSIZE): the first error sticks */
    store_put(&t, DB_NOMINATIONS, "", 0, "bad", 3);
    assert_int_equal(t.rc, -EX_ESTORAGE);
    store_put(&t, DB_NOMINATIONS, k2, sizeof(k2), "after", 5);
    store_del(&t, DB_NOMINATIONS, k1, sizeof(k1));
    assert_int_equal(t.rc, -EX_ESTORAGE);
    assert_int_equal(store_txn_commit(&t), -EX_ESTORAGE);
    assert_null(t.txn);

    /* nothing of it was committed, not even the write before the failure */
    char buf[16];
    assert_int_equal(get_u64(f->store, DB_NOMINATIONS, 1, buf, sizeof(buf)), -EX_ENOTFOUND);
    assert_int_equal(get_u64(f->store, DB_NOMINATIONS, 2, buf, sizeof(buf)), -EX_ENOTFOUND);
    /* and the store goes on */
    put_u64(f->store, DB_NOMINATIONS, 1, "again");
    assert_int_equal(get_u64(f->store, DB_NOMINATIONS, 1, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "again");
}

static void a_key_longer_than_lmdb_allows_is_a_storage_error(void **state)
{
    fixture_t *f = *state;
    static uint8_t big[1024];
    memset(big, 'k', sizeof(big));
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    store_put(&t, DB_NOMINATIONS, big, sizeof(big), "v", 1);
    assert_int_equal(store_txn_commit(&t), -EX_ESTORAGE);
    assert_int_equal(count(f->store, DB_NOMINATIONS), 0);
}

static void a_write_in_a_read_transaction_is_refused(void **state)
{
    fixture_t *f = *state;
    store_txn_t t;
    uint8_t key[8];
    key_put_u64(key, 1);
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    store_put(&t, DB_NOMINATIONS, key, sizeof(key), "x", 1);
    assert_true(t.rc < 0);
    assert_true(store_txn_commit(&t) < 0);
    assert_int_equal(count(f->store, DB_NOMINATIONS), 0);
}

static void a_read_transaction_sees_a_snapshot(void **state)
{
    fixture_t *f = *state;
    put_u64(f->store, DB_CHANGES, 1, "first");
    store_txn_t r;
    assert_int_equal(store_txn_begin(f->store, false, &r), 0);
    put_u64(f->store, DB_CHANGES, 2, "second"); /* committed while r is open */
    uint8_t key[8];
    key_put_u64(key, 2);
    store_val_t v;
    assert_int_equal(store_get(&r, DB_CHANGES, key, sizeof(key), &v), -EX_ENOTFOUND);
    assert_int_equal(store_count(&r, DB_CHANGES), 1);
    store_txn_abort(&r);
    assert_int_equal(count(f->store, DB_CHANGES), 2);
}

/* ---- failures of the commit itself (injected) ----------------------------- */

static void commit_failures_are_translated_and_write_nothing(void **state)
{
    fixture_t *f = *state;
    static const struct {
        int lmdb;
        int want;
        bool map_full;
    } cases[] = {
        {ENOSPC, -EX_EFULL, false},      {EDQUOT, -EX_EFULL, false},
        {MDB_MAP_FULL, -EX_EFULL, true}, {MDB_TXN_FULL, -EX_EFULL, true},
        {EIO, -EX_ESTORAGE, false},      {MDB_CORRUPTED, -EX_ESTORAGE, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        store_txn_t t;
        uint8_t key[8];
        key_put_u64(key, 100 + i);
        assert_int_equal(store_txn_begin(f->store, true, &t), 0);
        assert_false(store_map_full(f->store));
        store_put(&t, DB_CHANGES, key, sizeof(key), "lost", 4);
        inject_commit_error = cases[i].lmdb;
        int rc = store_txn_commit(&t);
        if (rc != cases[i].want)
            fail_msg("commit failing with %d (%s) gave %d, expected %d", cases[i].lmdb,
                     mdb_strerror(cases[i].lmdb), rc, cases[i].want);
        assert_int_equal(store_map_full(f->store), cases[i].map_full);
        assert_null(t.txn);
        char buf[8];
        assert_int_equal(get_u64(f->store, DB_CHANGES, 100 + i, buf, sizeof(buf)), -EX_ENOTFOUND);
        /* the environment stays usable */
        put_u64(f->store, DB_CHANGES, 200 + i, "kept");
        assert_int_equal(get_u64(f->store, DB_CHANGES, 200 + i, buf, sizeof(buf)), 0);
    }
}

/* ---- the map ---------------------------------------------------------------- */

/* Writes 2 KiB values one per transaction until one fails; returns that
 * failure and how many were written. */
static int fill(store_t *s, uint64_t first_key, uint64_t *written)
{
    static char val[2048];
    memset(val, 'v', sizeof(val) - 1);
    for (uint64_t k = first_key;; k++) {
        store_txn_t t;
        uint8_t key[8];
        key_put_u64(key, k);
        int rc = store_txn_begin(s, true, &t);
        if (rc < 0)
            return rc;
        store_put(&t, DB_CHANGES, key, sizeof(key), val, sizeof(val) - 1);
        rc = store_txn_commit(&t);
        if (rc < 0)
            return rc;
        (*written)++;
        if (*written > 100000)
            return 0;
    }
}

static void a_full_map_is_reported_and_grows_by_doubling_to_its_limit(void **state)
{
    fixture_t *f = *state;
    uint64_t n = 0;
    assert_int_equal(store_map_size(f->store), 256 * 1024);
    int rc = fill(f->store, 1, &n);
    assert_int_equal(rc, -EX_EFULL);
    assert_true(store_map_full(f->store));
    assert_true(n > 0);

    /* what was committed before the map filled is all there */
    assert_int_equal(count(f->store, DB_CHANGES), n);

    assert_int_equal(store_grow(f->store), 0);
    assert_int_equal(store_map_size(f->store), 512 * 1024);
    assert_false(store_map_full(f->store));
    uint64_t more = 0;
    rc = fill(f->store, n + 1, &more);
    assert_int_equal(rc, -EX_EFULL);
    assert_true(more > 0);
    assert_int_equal(count(f->store, DB_CHANGES), n + more);

    /* at the limit it does not grow further, and says so */
    assert_int_equal(store_grow(f->store), -EX_EFULL);
    assert_int_equal(store_map_size(f->store), 512 * 1024);

    /* the environment survives all this intact, and reopens with the map it
     * is configured for (LMDB keeps it at least as large as the data) */
    store_close(&f->store);
    assert_int_equal(open_store(f, 256 * 1024, 512 * 1024), 0);
    assert_int_equal(count(f->store, DB_CHANGES), n + more);
    assert_true(store_map_size(f->store) >= 256 * 1024);
}

static void sync_succeeds(void **state)
{
    fixture_t *f = *state;
    put_u64(f->store, DB_META, 1, "x");
    assert_int_equal(store_sync(f->store), 0);
}

/* ---- cursors ----------------------------------------------------------------- */

static void fill_keys(store_t *s, const uint64_t *keys, size_t n)
{
    store_txn_t t;
    assert_int_equal(store_txn_begin(s, true, &t), 0);
    for (size_t i = 0; i < n; i++) {
        uint8_t key[8];
        char val[32];
        key_put_u64(key, keys[i]);
        snprintf(val, sizeof(val), "v%llu", (unsigned long long)keys[i]);
        store_put(&t, DB_CHANGES, key, sizeof(key), val, strlen(val));
    }
    assert_int_equal(store_txn_commit(&t), 0);
}

static void cursor_walks_keys_in_numeric_order(void **state)
{
    fixture_t *f = *state;
    const uint64_t keys[] = {300, 1, 256, 255, 1ull << 40, 2};
    fill_keys(f->store, keys, 6);
    const uint64_t sorted[] = {1, 2, 255, 256, 300, 1ull << 40};

    store_txn_t t;
    store_iter_t it;
    store_val_t k, v;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(store_iter_open(&t, DB_CHANGES, &it), 0);
    int rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(rc, 0);
        assert_int_equal(k.len, 8);
        assert_true(key_get_u64(k.data) == sorted[i]);
        char want[32];
        snprintf(want, sizeof(want), "v%llu", (unsigned long long)sorted[i]);
        assert_int_equal(v.len, strlen(want));
        assert_memory_equal(v.data, want, v.len);
        rc = store_iter_next(&it, &k, &v);
    }
    assert_int_equal(rc, -EX_ENOTFOUND);
    assert_int_equal(store_iter_last(&it, &k, &v), 0);
    assert_true(key_get_u64(k.data) == 1ull << 40);
    store_iter_close(&it);
    assert_null(it.cursor);
    store_txn_abort(&t);
}

static void seek_finds_the_first_key_at_or_after(void **state)
{
    fixture_t *f = *state;
    const uint64_t keys[] = {10, 20, 30};
    fill_keys(f->store, keys, 3);
    store_txn_t t;
    store_iter_t it;
    store_val_t k, v;
    uint8_t key[8];
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(store_iter_open(&t, DB_CHANGES, &it), 0);

    key_put_u64(key, 20);
    assert_int_equal(store_iter_seek(&it, key, sizeof(key), &k, &v), 0);
    assert_true(key_get_u64(k.data) == 20);
    key_put_u64(key, 21);
    assert_int_equal(store_iter_seek(&it, key, sizeof(key), &k, &v), 0);
    assert_true(key_get_u64(k.data) == 30);
    key_put_u64(key, 31);
    assert_int_equal(store_iter_seek(&it, key, sizeof(key), &k, &v), -EX_ENOTFOUND);
    key_put_u64(key, 0);
    assert_int_equal(store_iter_seek(&it, key, sizeof(key), &k, &v), 0);
    assert_true(key_get_u64(k.data) == 10);
    /* a shorter prefix key seeks too (the index scans rely on it) */
    assert_int_equal(store_iter_seek(&it, key, 1, &k, &v), 0);
    assert_true(key_get_u64(k.data) == 10);
    store_iter_close(&it);
    store_txn_abort(&t);
}

static void seek_with_an_empty_key_finds_the_first_record(void **state)
{
    /* "First record with key >= key": every key is >= the empty key.  A
     * caller that builds an empty prefix (no filter at all) must get the
     * first record, not a storage error. */
    fixture_t *f = *state;
    const uint64_t keys[] = {5, 6};
    fill_keys(f->store, keys, 2);
    store_txn_t t;
    store_iter_t it;
    store_val_t k, v;
    uint8_t empty[1] = {0};
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(store_iter_open(&t, DB_CHANGES, &it), 0);
    int rc = store_iter_seek(&it, empty, 0, &k, &v);
    if (rc != 0)
        fail_msg("store_iter_seek with a zero-length key returned %d (%s), expected the first "
                 "record",
                 rc, ex_err_name(rc));
    assert_true(key_get_u64(k.data) == 5);
    store_iter_close(&it);
    store_txn_abort(&t);
}

static void cursor_delete_removes_the_current_record(void **state)
{
    fixture_t *f = *state;
    const uint64_t keys[] = {1, 2, 3, 4};
    fill_keys(f->store, keys, 4);
    store_txn_t t;
    store_iter_t it;
    store_val_t k, v;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    assert_int_equal(store_iter_open(&t, DB_CHANGES, &it), 0);
    /* delete the even ones while walking */
    int rc = store_iter_seek(&it, NULL, 0, &k, &v);
    while (rc == 0) {
        if (key_get_u64(k.data) % 2 == 0)
            store_iter_del(&it);
        rc = store_iter_next(&it, &k, &v);
    }
    assert_int_equal(rc, -EX_ENOTFOUND);
    store_iter_close(&it);
    assert_int_equal(store_txn_commit(&t), 0);
    assert_int_equal(count(f->store, DB_CHANGES), 2);
    char buf[8];
    assert_int_equal(get_u64(f->store, DB_CHANGES, 2, buf, sizeof(buf)), -EX_ENOTFOUND);
    assert_int_equal(get_u64(f->store, DB_CHANGES, 3, buf, sizeof(buf)), 0);
}

/* ---- key layout ------------------------------------------------------------ */

static int cmp_keys(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    /* LMDB's default order: memcmp, then the shorter first */
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

static void u64_keys_round_trip_and_sort_numerically(void **state)
{
    (void)state;
    const uint64_t v[] = {0, 1, 255, 256, 65535, 65536, 1ull << 32, (1ull << 63) + 5, UINT64_MAX};
    const size_t n = sizeof(v) / sizeof(v[0]);
    for (size_t i = 0; i < n; i++) {
        uint8_t a[8];
        key_put_u64(a, v[i]);
        assert_true(key_get_u64(a) == v[i]);
        for (size_t j = 0; j < n; j++) {
            uint8_t b[8];
            key_put_u64(b, v[j]);
            int c = cmp_keys(a, 8, b, 8);
            assert_true((c < 0) == (v[i] < v[j]));
            assert_true((c == 0) == (v[i] == v[j]));
        }
    }
}

static void unit_index_keys_of_one_unit_sort_before_a_longer_code(void **state)
{
    (void)state;
    uint8_t a[KEY_MAX], b[KEY_MAX];
    size_t la = key_by_unit(a, "01", UINT64_MAX);
    size_t lb = key_by_unit(b, "010", 0);
    assert_int_equal(la, 2 + 1 + 8);
    assert_int_equal(lb, 3 + 1 + 8);
    assert_true(cmp_keys(a, la, b, lb) < 0);
    assert_true(key_tail_u64(a, la) == UINT64_MAX);
    assert_true(key_tail_u64(b, lb) == 0);
    /* within a unit, ids in numeric order */
    size_t l1 = key_by_unit(a, "79", 9);
    size_t l2 = key_by_unit(b, "79", 10);
    assert_true(cmp_keys(a, l1, b, l2) < 0);
}

static void state_index_keys_group_by_state_then_campaign(void **state)
{
    (void)state;
    uint8_t p[KEY_MAX], a[KEY_MAX], b[KEY_MAX], c[KEY_MAX];
    size_t lp = key_by_state(p, 2, NULL, 0);
    assert_int_equal(lp, 1);
    assert_int_equal(p[0], 2);
    size_t la = key_by_state(a, 2, "2021-2025", 7);
    size_t lb = key_by_state(b, 2, "2021-2025", 8);
    size_t lc = key_by_state(c, 2, "2023-2025", 1);
    /* the state byte is a prefix of every key of that state */
    assert_int_equal(memcmp(p, a, lp), 0);
    assert_true(cmp_keys(p, lp, a, la) < 0);
    assert_true(cmp_keys(a, la, b, lb) < 0);
    assert_true(cmp_keys(b, lb, c, lc) < 0);
    assert_true(key_tail_u64(a, la) == 7);
    /* seq 0 is the smallest key of (state, campaign) */
    uint8_t z[KEY_MAX];
    size_t lz = key_by_state(z, 2, "2021-2025", 0);
    assert_true(cmp_keys(z, lz, a, la) < 0);
    /* the next state sorts after every campaign of this one */
    size_t l3 = key_by_state(p, 3, "", 0);
    assert_true(cmp_keys(c, lc, p, l3) < 0);
}

static void longest_codes_fit_in_key_max(void **state)
{
    (void)state;
    char campaign[KEY_CAMPAIGN_MAX + 8];
    memset(campaign, 'c', sizeof(campaign) - 1);
    campaign[sizeof(campaign) - 1] = '\0';
    struct {
        uint8_t key[KEY_MAX];
        uint8_t canary[8];
    } k;
    memset(&k, 0xaa, sizeof(k));
    size_t len = key_by_state(k.key, 1, campaign, 42); /* longer than allowed: cut */
    assert_true(len <= KEY_MAX);
    assert_true(key_tail_u64(k.key, len) == 42);
    char unit[KEY_UNIT_MAX + 8];
    memset(unit, 'U', sizeof(unit) - 1);
    unit[sizeof(unit) - 1] = '\0';
    len = key_by_unit(k.key, unit, 43);
    assert_true(len <= KEY_MAX);
    assert_true(key_tail_u64(k.key, len) == 43);
    for (size_t i = 0; i < sizeof(k.canary); i++)
        assert_int_equal(k.canary[i], 0xaa);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(open_stamps_a_new_environment_with_the_schema_version),
        T(open_refuses_a_newer_schema_with_a_sentence),
        T(open_refuses_an_older_schema_it_cannot_migrate),
        cmocka_unit_test(open_fails_with_a_sentence_when_the_directory_cannot_be_made),
        T(committed_writes_survive_a_close_and_reopen),
        T(get_of_a_missing_key_is_not_found),
        T(databases_are_separate),
        T(aborted_writes_leave_nothing),
        T(delete_removes_and_ignores_a_missing_key),
        T(a_failed_write_poisons_the_whole_transaction),
        T(a_key_longer_than_lmdb_allows_is_a_storage_error),
        T(a_write_in_a_read_transaction_is_refused),
        T(a_read_transaction_sees_a_snapshot),
        T(commit_failures_are_translated_and_write_nothing),
        cmocka_unit_test_setup_teardown(a_full_map_is_reported_and_grows_by_doubling_to_its_limit,
                                        setup_small, teardown),
        T(sync_succeeds),
        T(cursor_walks_keys_in_numeric_order),
        T(seek_finds_the_first_key_at_or_after),
        T(seek_with_an_empty_key_finds_the_first_record),
        T(cursor_delete_removes_the_current_record),
        cmocka_unit_test(u64_keys_round_trip_and_sort_numerically),
        cmocka_unit_test(unit_index_keys_of_one_unit_sort_before_a_longer_code),
        cmocka_unit_test(state_index_keys_group_by_state_then_campaign),
        cmocka_unit_test(longest_codes_fit_in_key_max),
    };
#undef T
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
