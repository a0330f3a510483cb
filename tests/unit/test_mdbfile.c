/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the LMDB data file check (daemon/mdbfile.c) that restore
 * runs on a backup before LMDB maps it: a real store's data.mdb passes, with
 * its page size, last page and transaction; the same bytes crafted one fault
 * at a time (cut short, a wrong magic number or version in either meta page,
 * an impossible page size, a root page past the end, a page header that is
 * not a meta page's) are each refused with a sentence naming the fault.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "errors.h"
#include "mdbfile.h"
#include "store.h"
#include "fixture.h"

/* Offsets in a meta page (liblmdb 0.9, 64-bit), as LMDB's mdb.c lays it out. */
#define META_MAGIC   16
#define META_VERSION 20
#define META_DBS     40
#define META_LAST_PG 136
#define META_TXNID   144
#define DB_SIZE      48
#define DB_ROOT      40

typedef struct {
    fixture_t fx;  /* the store, closed once written */
    uint8_t *file; /* the whole data.mdb */
    size_t len;
    uint32_t psize;
} test_t;

static int setup(void **state)
{
    test_t *f = calloc(1, sizeof(*f));
    char path[96];
    assert_non_null(f);
    fixture_open(&f->fx);
    store_t *s = f->fx.store;
    for (int i = 0; i < 3; i++) { /* a few transactions: the meta pages differ */
        store_txn_t t;
        char key[16];
        snprintf(key, sizeof(key), "k%d", i);
        assert_int_equal(store_txn_begin(s, true, &t), 0);
        store_put(&t, DB_META, key, strlen(key), "value", 5);
        assert_int_equal(store_txn_commit(&t), 0);
    }
    store_close(&f->fx.store);
    snprintf(path, sizeof(path), "%s/data.mdb", f->fx.dir);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    f->len = (size_t)ftell(fp);
    rewind(fp);
    f->file = malloc(f->len);
    assert_non_null(f->file);
    assert_int_equal(fread(f->file, 1, f->len, fp), f->len);
    fclose(fp);
    memcpy(&f->psize, f->file + META_DBS, sizeof(f->psize));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    test_t *f = *state;
    fixture_close(&f->fx);
    free(f->file);
    free(f);
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, sizeof(v));
}
static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, sizeof(v));
}
static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/* Checks a copy of the file with change applied to it; returns the refusal. */
static void refused(test_t *f, void (*change)(test_t *, uint8_t *, size_t *), const char *sentence)
{
    uint8_t *copy = malloc(f->len);
    assert_non_null(copy);
    memcpy(copy, f->file, f->len);
    size_t len = f->len;
    change(f, copy, &len);
    mdbfile_info_t info;
    char err[256] = "";
    size_t head = len < MDBFILE_HEAD_MAX ? len : MDBFILE_HEAD_MAX;
    assert_int_equal(mdbfile_check(copy, head, len, &info, err, sizeof(err)), -EX_EINVALID);
    if (!strstr(err, sentence))
        fail_msg("refused with \"%s\", expected it to say \"%s\"", err, sentence);
    free(copy);
}

static void a_real_store_passes(void **state)
{
    test_t *f = *state;
    mdbfile_info_t info;
    char err[256] = "";
    size_t head = f->len < MDBFILE_HEAD_MAX ? f->len : MDBFILE_HEAD_MAX;
    if (mdbfile_check(f->file, head, f->len, &info, err, sizeof(err)) < 0)
        fail_msg("%s", err);
    assert_int_equal(info.page_size, f->psize);
    assert_true((info.last_page + 1) * info.page_size <= f->len);
    /* the newer meta page's transaction */
    uint64_t t0 = get64(f->file + META_TXNID), t1 = get64(f->file + f->psize + META_TXNID);
    assert_int_equal(info.txnid, t0 > t1 ? t0 : t1);
    assert_true(info.txnid >= 3);
    assert_true(info.entries > 0); /* the named databases */

    /* The same through a file descriptor. */
    char path[96];
    snprintf(path, sizeof(path), "%s/data.mdb", f->fx.dir);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    mdbfile_info_t again;
    assert_int_equal(mdbfile_check_fd(fd, &again, err, sizeof(err)), 0);
    assert_memory_equal(&info, &again, sizeof(info));
    close(fd);
}

static void cut_to_a_page_short(test_t *f, uint8_t *b, size_t *len)
{
    (void)b;
    uint64_t last = get64(f->file + META_LAST_PG);
    uint64_t last1 = get64(f->file + f->psize + META_LAST_PG);
    *len = (size_t)(last > last1 ? last : last1) * f->psize; /* the last page gone */
}
static void cut_mid_page(test_t *f, uint8_t *b, size_t *len)
{
    (void)b;
    *len = 2 * (size_t)f->psize + 100;
}
static void cut_to_nothing(test_t *f, uint8_t *b, size_t *len)
{
    (void)f, (void)b;
    *len = 100;
}
static void magic_0(test_t *f, uint8_t *b, size_t *len)
{
    (void)f, (void)len;
    put32(b + META_MAGIC, 0x12345678);
}
static void magic_1(test_t *f, uint8_t *b, size_t *len)
{
    (void)len;
    put32(b + f->psize + META_MAGIC, 0x12345678);
}
static void version_1(test_t *f, uint8_t *b, size_t *len)
{
    (void)len;
    put32(b + f->psize + META_VERSION, 2);
}
static void page_size(test_t *f, uint8_t *b, size_t *len)
{
    (void)f, (void)len;
    put32(b + META_DBS, 3000);
}
static void root_past_the_end(test_t *f, uint8_t *b, size_t *len)
{
    (void)len;
    put64(b + f->psize + META_DBS + DB_SIZE + DB_ROOT, 1u << 30);
}
static void not_a_meta_page(test_t *f, uint8_t *b, size_t *len)
{
    (void)len;
    put64(b + f->psize, 7); /* mp_pgno of page 1 */
}

static void crafted_faults_are_refused_by_name(void **state)
{
    test_t *f = *state;
    refused(f, cut_to_a_page_short, "cut short");
    refused(f, cut_mid_page, "not a whole number");
    refused(f, cut_to_nothing, "too few for an LMDB file");
    refused(f, magic_0, "not an LMDB file");
    refused(f, magic_1, "meta page 1 is damaged: its magic number is wrong");
    refused(f, version_1, "meta page 1 is damaged: its LMDB format version is not 1");
    refused(f, page_size, "page size 3000 is impossible");
    refused(f, root_past_the_end, "root page lies outside the file");
    refused(f, not_a_meta_page, "not a meta page's");
}

static void a_truncated_file_is_refused_through_its_descriptor(void **state)
{
    test_t *f = *state;
    char path[96], err[256] = "";
    snprintf(path, sizeof(path), "%s/data.mdb", f->fx.dir);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)f->psize * 2), 0);
    mdbfile_info_t info;
    assert_int_equal(mdbfile_check_fd(fd, &info, err, sizeof(err)), -EX_EINVALID);
    assert_non_null(strstr(err, "cut short"));
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_real_store_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(crafted_faults_are_refused_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(a_truncated_file_is_refused_through_its_descriptor, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
