/* SPDX-License-Identifier: MIT */
/*
 * daemon/wal.c, the write-ahead log, and its use by the store: records
 * appended and read back in order, across segments; a torn or corrupt tail
 * ends the log there and is reported; a checkpoint moves the start and
 * recycles segments; a store whose process dies before closing comes back
 * with every commit (replayed), and with the checkpoint's meta pages put
 * back when LMDB's own were lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "errors.h"
#include "store.h"
#include "tmpdir.h"
#include "wal.h"

typedef struct {
    char dir[256];
    char log[300];
} fx_t;

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/exwal.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->log, sizeof(f->log), "%s/wal", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

typedef struct {
    uint64_t n, first, last;
    size_t bytes;
    int bad;
} seen_t;

static int count(void *ctx, uint64_t seq, const uint8_t *data, size_t len)
{
    seen_t *s = ctx;
    if (!s->n)
        s->first = seq;
    s->last = seq;
    s->n++;
    s->bytes += len;
    /* the payload of record k is k's bytes repeated */
    for (size_t i = 0; i < len; i++)
        if (data[i] != (uint8_t)seq)
            s->bad++;
    return 0;
}

static wal_t *open_log(fx_t *f, wal_tail_t *tail)
{
    char err[300] = "";
    wal_t *w = NULL;
    int rc = wal_open(f->log, WAL_SEGMENT_MIN, 0, NULL, 0, NULL, tail, &w, err, sizeof(err));
    if (rc < 0)
        fail_msg("wal_open: %s", err);
    return w;
}

static void append_n(wal_t *w, uint64_t n, size_t len)
{
    uint8_t buf[4096];
    char err[300];
    for (uint64_t i = 0; i < n; i++) {
        uint64_t seq = wal_last_seq(w) + 1;
        memset(buf, (uint8_t)seq, len);
        uint64_t got = 0;
        assert_int_equal(wal_append(w, buf, len, &got, err, sizeof(err)), 0);
        assert_int_equal(got, seq);
    }
}

static void records_come_back_in_order_across_segments(void **state)
{
    fx_t *f = *state;
    wal_tail_t tail;
    wal_t *w = open_log(f, &tail);
    assert_false(tail.checkpoint);
    assert_int_equal(wal_checkpoint(w, "img", 3, false, (char[300]){0}, 300), 0);
    /* 64 KiB segments, 1 KiB records: 200 of them span four segments */
    append_n(w, 200, 1000);
    wal_close(&w);
    w = open_log(f, &tail);
    assert_true(tail.checkpoint);
    assert_false(tail.torn);
    assert_int_equal(tail.records, 200);
    assert_int_equal(tail.last_seq, 200);
    seen_t s = {0};
    assert_int_equal(wal_replay(w, count, &s), 0);
    assert_int_equal(s.n, 200);
    assert_int_equal(s.first, 1);
    assert_int_equal(s.last, 200);
    assert_int_equal(s.bad, 0);
    /* appending goes on after the last record */
    append_n(w, 1, 10);
    assert_int_equal(wal_last_seq(w), 201);
    wal_close(&w);
}

/* The file offset of record seq: records of len bytes, 32-byte aligned. */
static void segment_path(fx_t *f, uint64_t segno, char *out, size_t len)
{
    snprintf(out, len, "%s/%016llx.seg", f->log, (unsigned long long)segno);
}

static void a_torn_tail_ends_the_log_and_is_reported(void **state)
{
    fx_t *f = *state;
    wal_tail_t tail;
    wal_t *w = open_log(f, &tail);
    assert_int_equal(wal_checkpoint(w, NULL, 0, false, (char[300]){0}, 300), 0);
    append_n(w, 10, 100); /* 100 + 32 -> 160 bytes a record */
    wal_close(&w);
    /* the last record's payload loses its end: zeros, as a torn write */
    char seg[400];
    segment_path(f, 1, seg, sizeof(seg));
    int fd = open(seg, O_WRONLY);
    assert_true(fd >= 0);
    uint8_t zero[64] = {0};
    assert_int_equal(pwrite(fd, zero, sizeof(zero), 9 * 160 + 32 + 50), (ssize_t)sizeof(zero));
    close(fd);
    w = open_log(f, &tail);
    assert_true(tail.torn);
    assert_int_equal(tail.records, 9);
    assert_int_equal(tail.torn_segno, 1);
    assert_int_equal(tail.torn_offset, 9 * 160);
    assert_non_null(strstr(tail.torn_why, "checksum"));
    /* the next record takes the torn one's number, in a fresh segment
     * that the checkpoint after replay (the store's) starts the log at */
    assert_true(tail.moved);
    assert_int_equal(wal_checkpoint(w, NULL, 0, false, (char[300]){0}, 300), 0);
    append_n(w, 1, 100);
    assert_int_equal(wal_last_seq(w), 10);
    wal_close(&w);
    w = open_log(f, &tail);
    assert_false(tail.torn);
    assert_int_equal(tail.records, 1);
    assert_int_equal(tail.last_seq, 10);
    wal_close(&w);
}

/* Records written without waiting for their sync reach the disk in any
 * order: after a power loss the first may be gone and the second there.
 * The records written after recovery must not run into that second one
 * (it belongs to a history that was never acknowledged). */
static void a_record_past_the_end_of_a_crash_is_never_replayed(void **state)
{
    fx_t *f = *state;
    wal_tail_t tail;
    char err[300];
    wal_t *w = open_log(f, &tail);
    assert_int_equal(wal_checkpoint(w, NULL, 0, false, err, sizeof(err)), 0);
    append_n(w, 3, 100);
    uint8_t buf[100];
    uint64_t seq;
    memset(buf, 4, sizeof(buf));
    assert_int_equal(wal_write(w, buf, sizeof(buf), &seq, err, sizeof(err)), 0);
    memset(buf, 5, sizeof(buf));
    assert_int_equal(wal_write(w, buf, sizeof(buf), &seq, err, sizeof(err)), 0);
    assert_int_equal(seq, 5);
    assert_int_equal(wal_wait(w, seq, err, sizeof(err)), 0);
    uint64_t durable = 0;
    assert_int_equal(wal_durable(w, &durable, err, sizeof(err)), 0);
    assert_int_equal(durable, 5);
    wal_close(&w);
    /* record 4 never reached the disk; record 5 did */
    char seg[400];
    segment_path(f, 1, seg, sizeof(seg));
    int fd = open(seg, O_WRONLY);
    assert_true(fd >= 0);
    uint8_t zero[160] = {0};
    assert_int_equal(pwrite(fd, zero, sizeof(zero), 3 * 160), (ssize_t)sizeof(zero));
    close(fd);
    w = open_log(f, &tail);
    assert_false(tail.torn);
    assert_int_equal(tail.records, 3);
    assert_true(tail.moved);
    /* recovery: replayed, checkpointed; then a new record 4 */
    assert_int_equal(wal_checkpoint(w, NULL, 0, false, err, sizeof(err)), 0);
    memset(buf, 4, sizeof(buf));
    assert_int_equal(wal_append(w, buf, sizeof(buf), &seq, err, sizeof(err)), 0);
    assert_int_equal(seq, 4);
    wal_close(&w);
    w = open_log(f, &tail);
    seen_t s = {0};
    assert_int_equal(wal_replay(w, count, &s), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.last, 4);
    assert_int_equal(s.bad, 0);
    assert_int_equal(tail.last_seq, 4);
    wal_close(&w);
}

static void a_flipped_bit_fails_the_checksum(void **state)
{
    fx_t *f = *state;
    wal_tail_t tail;
    wal_t *w = open_log(f, &tail);
    assert_int_equal(wal_checkpoint(w, NULL, 0, false, (char[300]){0}, 300), 0);
    append_n(w, 5, 100);
    wal_close(&w);
    char seg[400];
    segment_path(f, 1, seg, sizeof(seg));
    int fd = open(seg, O_RDWR);
    uint8_t b;
    assert_int_equal(pread(fd, &b, 1, 2 * 160 + 40), 1);
    b ^= 0x10;
    assert_int_equal(pwrite(fd, &b, 1, 2 * 160 + 40), 1);
    close(fd);
    w = open_log(f, &tail);
    assert_true(tail.torn);
    assert_int_equal(tail.records, 2);
    seen_t s = {0};
    assert_int_equal(wal_replay(w, count, &s), 0);
    assert_int_equal(s.n, 2);
    wal_close(&w);
}

static void a_checkpoint_moves_the_start_and_recycles_segments(void **state)
{
    fx_t *f = *state;
    wal_tail_t tail;
    wal_t *w = open_log(f, &tail);
    assert_int_equal(wal_checkpoint(w, NULL, 0, false, (char[300]){0}, 300), 0);
    append_n(w, 300, 1000); /* five segments */
    char err[300];
    assert_int_equal(wal_checkpoint(w, "meta", 4, false, err, sizeof(err)), 0);
    append_n(w, 3, 10);
    wal_stats_t st;
    wal_stats(w, &st);
    assert_true(st.segments_recycled >= 1);
    wal_close(&w);
    /* the old segments are gone but the current one and a spare */
    char seg[400];
    segment_path(f, 1, seg, sizeof(seg));
    assert_int_equal(access(seg, F_OK), -1);
    char image[16];
    size_t ilen = 0;
    assert_int_equal(wal_open(f->log, WAL_SEGMENT_MIN, 0, image, sizeof(image), &ilen, &tail, &w,
                              err, sizeof(err)),
                     0);
    assert_int_equal(ilen, 4);
    assert_memory_equal(image, "meta", 4);
    assert_int_equal(tail.applied, 300);
    assert_int_equal(tail.records, 3);
    seen_t s = {0};
    assert_int_equal(wal_replay(w, count, &s), 0);
    assert_int_equal(s.first, 301);
    assert_int_equal(s.last, 303);
    /* a recycled segment's old records are not taken for new ones */
    append_n(w, 200, 1000);
    wal_close(&w);
    w = open_log(f, &tail);
    assert_false(tail.torn);
    assert_int_equal(tail.records, 203);
    wal_close(&w);
}

static void a_record_larger_than_a_segment_is_refused(void **state)
{
    fx_t *f = *state;
    wal_tail_t tail;
    wal_t *w = open_log(f, &tail);
    size_t big = WAL_SEGMENT_MIN;
    uint8_t *b = calloc(1, big);
    uint64_t seq;
    char err[300];
    assert_int_equal(wal_append(w, b, big, &seq, err, sizeof(err)), -EX_EINVALID);
    free(b);
    wal_close(&w);
}

/* ---- the store with the log ---------------------------------------------- */

static const store_wal_cfg_t WAL_ON = {true, 1u << 20, 1u << 19, 1000};

static store_t *open_store(fx_t *f)
{
    char err[400] = "";
    store_t *s = NULL;
    if (store_open_wal(f->dir, 1u << 26, 1u << 30, &WAL_ON, &s, err, sizeof(err)) < 0)
        fail_msg("store_open_wal: %s", err);
    return s;
}

static void put_keys(store_t *s, int from, int to)
{
    for (int i = from; i < to; i++) {
        store_txn_t t;
        assert_int_equal(store_txn_begin(s, true, &t), 0);
        char k[32], v[64];
        snprintf(k, sizeof(k), "k%06d", i);
        snprintf(v, sizeof(v), "value %d", i);
        store_put(&t, DB_UNITS, k, strlen(k), v, strlen(v));
        if (i % 3 == 0) { /* and a delete of an earlier key */
            snprintf(k, sizeof(k), "k%06d", i - 1);
            store_del(&t, DB_UNITS, k, strlen(k));
        }
        assert_int_equal(store_txn_commit(&t), 0);
    }
}

static void check_keys(store_t *s, int n)
{
    store_txn_t t;
    assert_int_equal(store_txn_begin(s, false, &t), 0);
    for (int i = 0; i < n; i++) {
        char k[32];
        store_val_t v;
        snprintf(k, sizeof(k), "k%06d", i);
        bool deleted = (i + 1) % 3 == 0 && i + 1 < n;
        int rc = store_get(&t, DB_UNITS, k, strlen(k), &v);
        if (deleted)
            assert_int_equal(rc, -EX_ENOTFOUND);
        else if (rc != 0)
            fail_msg("key %s missing", k);
    }
    store_txn_abort(&t);
}

static void a_dead_process_comes_back_with_every_commit(void **state)
{
    fx_t *f = *state;
    store_t *s = open_store(f);
    put_keys(s, 0, 100);
    store_close(&s);
    pid_t pid = fork();
    if (pid == 0) {
        store_t *c = open_store(f);
        put_keys(c, 100, 400);
        _exit(0); /* no close, no checkpoint: what kill -9 leaves */
    }
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    s = open_store(f);
    store_wal_report_t r;
    store_wal_report(s, &r);
    assert_true(r.on);
    assert_int_equal(r.replayed, 300);
    assert_false(r.torn);
    check_keys(s, 400);
    store_close(&s);
    /* a clean stop leaves nothing to replay, and the log checks */
    char err[400] = "";
    if (store_wal_check(f->dir, err, sizeof(err)) != 0)
        fail_msg("store_wal_check: %s", err);
    s = open_store(f);
    store_wal_report(s, &r);
    assert_int_equal(r.replayed, 0);
    store_close(&s);
}

static void lost_meta_pages_come_back_from_the_checkpoint(void **state)
{
    fx_t *f = *state;
    store_t *s = open_store(f);
    put_keys(s, 0, 50);
    store_close(&s);
    pid_t pid = fork();
    if (pid == 0) {
        store_t *c = open_store(f);
        put_keys(c, 50, 300);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    /* A power loss that kept none of LMDB's later writes to its meta pages:
     * both zeroed, as if torn.  The checkpoint's come back. */
    char data[400];
    snprintf(data, sizeof(data), "%s/data.mdb", f->dir);
    int fd = open(data, O_RDWR);
    static uint8_t zero[8192];
    assert_int_equal(pwrite(fd, zero, sizeof(zero), 0), (ssize_t)sizeof(zero));
    close(fd);
    s = open_store(f);
    store_wal_report_t r;
    store_wal_report(s, &r);
    assert_int_equal(r.replayed, 250);
    check_keys(s, 300);
    store_close(&s);
}

static void turning_the_log_off_replays_and_removes_it(void **state)
{
    fx_t *f = *state;
    pid_t pid = fork();
    if (pid == 0) {
        store_t *c = open_store(f);
        put_keys(c, 0, 60);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    char err[400];
    store_t *s = NULL;
    assert_int_equal(store_open(f->dir, 1u << 22, 1u << 30, &s, err, sizeof(err)), 0);
    check_keys(s, 60);
    put_keys(s, 60, 70);
    store_close(&s);
    assert_int_equal(access(f->log, F_OK), -1);
    assert_int_equal(store_wal_check(f->dir, err, sizeof(err)), -EX_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(records_come_back_in_order_across_segments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_torn_tail_ends_the_log_and_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(a_flipped_bit_fails_the_checksum, setup, teardown),
        cmocka_unit_test_setup_teardown(a_record_past_the_end_of_a_crash_is_never_replayed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_checkpoint_moves_the_start_and_recycles_segments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_record_larger_than_a_segment_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_dead_process_comes_back_with_every_commit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(lost_meta_pages_come_back_from_the_checkpoint, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(turning_the_log_off_replays_and_removes_it, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
