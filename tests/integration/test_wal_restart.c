/* SPDX-License-Identifier: MIT */
/*
 * The write-ahead log with the real daemon: what it acknowledged survives
 * kill -9 (replayed from the log at start, said in the log), a torn tail is
 * reported and the daemon starts anyway, `[store] wal = off` (the default) keeps LMDB's
 * own synced commits and replays a log left behind, and exemplard --fsck
 * passes on what the daemon left.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "itest.h"

#define S(x)       EXEMPLAR__STATE__STATE_##x
#define TIMEOUT_MS 5000
#define N          120
/* no checkpoint by time during a test: what is written stays to replay */
#define WAL_ON HARNESS_FOUNDATION_CONF "[store]\nwal = on\nwal_checkpoint_ms = 600000\n"

static int fsck_offline(harness_t *h, char *out, size_t len)
{
    const char *argv[] = {EXEMPLARD_PATH, "--state-dir", h->dir, "--config",
                          h->conf_path,   "--fsck",      NULL};
    return harness_run(argv, out, len);
}

static void write_conf(harness_t *h, const char *conf)
{
    FILE *f = fopen(h->conf_path, "w");
    assert_non_null(f);
    fputs(conf, f);
    fclose(f);
}

/* N registrations, each moved once; the acknowledged versions kept. */
static void write_some(harness_t *h, nom_t *noms)
{
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof(name), "Người %d", i);
        noms[i] = itest_register(c, i % 2 ? "01" : "02", name, NULL);
        if (i % 3 == 0)
            noms[i] = itest_move(c, &noms[i], S(FOSTERING), NULL);
    }
    ex_client_destroy(&c);
}

static void check_all(harness_t *h, const nom_t *noms)
{
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    for (int i = 0; i < N; i++) {
        nom_t got = itest_get(c, noms[i].id);
        assert_int_equal(got.version, noms[i].version);
        assert_int_equal(got.state, noms[i].state);
    }
    ex_client_destroy(&c);
}

/* The stats reply's write-ahead log figures. */
static Exemplar__StatsReply *wal_stats(harness_t *h, Exemplar__Reply **r)
{
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    assert_int_equal(ex_stats(c, r), 0);
    assert_non_null((*r)->stats);
    ex_client_destroy(&c);
    return (*r)->stats;
}

static void acknowledged_changes_survive_kill9_by_replay(void **state)
{
    harness_t *h = itest_new_harness(state);
    assert_int_equal(harness_start_conf(h, WAL_ON, NULL), 0);
    nom_t noms[N];
    write_some(h, noms);
    /* every write is a record; the syncer's syncs cover them, never more
     * syncs than records (each sync covers at least one) */
    Exemplar__Reply *r0 = NULL;
    Exemplar__StatsReply *st0 = wal_stats(h, &r0);
    assert_true(st0->wal_records >= N);
    assert_true(st0->wal_syncs >= 1 && st0->wal_syncs <= st0->wal_records);
    ex_reply_free(r0);
    /* the log is there (turned on), LMDB is not synced by each commit */
    char seg[128];
    snprintf(seg, sizeof(seg), "%s/wal/checkpoint", h->dir);
    assert_int_equal(access(seg, F_OK), 0);
    assert_int_equal(harness_kill9(h), 0);
    assert_int_equal(harness_restart(h), 0);
    check_all(h, noms);
    /* every write since the start's checkpoint was replayed, and said so */
    Exemplar__Reply *r = NULL;
    Exemplar__StatsReply *st = wal_stats(h, &r);
    assert_true(st->wal);
    assert_true(st->wal_replayed >= N);
    assert_false(st->wal_torn);
    ex_reply_free(r);
    assert_int_equal(itest_log_count(h, "records of the write-ahead log"), 1);
    assert_int_equal(harness_stop(h), 0);
    char out[8192];
    int rc = fsck_offline(h, out, sizeof(out));
    if (rc != 0)
        fail_msg("exemplard --fsck: %s", out);
}

static void a_torn_tail_is_reported_and_the_daemon_starts(void **state)
{
    harness_t *h = itest_new_harness(state);
    assert_int_equal(harness_start_conf(h, WAL_ON, NULL), 0);
    nom_t noms[N];
    write_some(h, noms);
    assert_int_equal(harness_kill9(h), 0);
    /* A half-written record after the last one: a header of the next
     * sequence whose payload never arrived.  Found by reading the segment
     * for the first zero header after the records. */
    char path[128];
    snprintf(path, sizeof(path), "%s/wal/0000000000000001.seg", h->dir);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    uint8_t hdr[32];
    uint64_t off = 0, last_seq = 0;
    for (;;) {
        assert_int_equal(pread(fd, hdr, sizeof(hdr), (off_t)off), (ssize_t)sizeof(hdr));
        uint32_t magic, len;
        memcpy(&magic, hdr, 4);
        memcpy(&len, hdr + 4, 4);
        if (magic != 0x4c575845u)
            break;
        memcpy(&last_seq, hdr + 8, 8);
        off += (32 + len + 31) / 32 * 32;
    }
    assert_true(last_seq > 0);
    uint64_t seq = last_seq + 1, segno = 1, sum = 12345;
    uint32_t magic = 0x4c575845u, len = 100;
    memcpy(hdr, &magic, 4);
    memcpy(hdr + 4, &len, 4);
    memcpy(hdr + 8, &seq, 8);
    memcpy(hdr + 16, &segno, 8);
    memcpy(hdr + 24, &sum, 8);
    assert_int_equal(pwrite(fd, hdr, sizeof(hdr), (off_t)off), (ssize_t)sizeof(hdr));
    close(fd);
    assert_int_equal(harness_restart(h), 0);
    check_all(h, noms);
    assert_true(itest_log_count(h, "torn or corrupt record") >= 1);
    Exemplar__Reply *r = NULL;
    Exemplar__StatsReply *st = wal_stats(h, &r);
    assert_true(st->wal_torn);
    assert_non_null(strstr(st->wal_torn_where, "checksum"));
    ex_reply_free(r);
    /* and the log goes on from there */
    write_some(h, noms);
    assert_int_equal(harness_kill9(h), 0);
    assert_int_equal(harness_restart(h), 0);
    check_all(h, noms);
}

static void with_the_log_off_lmdb_syncs_and_a_left_log_is_replayed(void **state)
{
    harness_t *h = itest_new_harness(state);
    assert_int_equal(harness_start_conf(h, WAL_ON, NULL), 0);
    nom_t noms[N];
    write_some(h, noms);
    assert_int_equal(harness_kill9(h), 0);
    /* off now: the log left by the crash is replayed, then removed */
    write_conf(h, HARNESS_FOUNDATION_CONF "[store]\nwal = off\n");
    assert_int_equal(harness_restart(h), 0);
    check_all(h, noms);
    char wdir[128];
    snprintf(wdir, sizeof(wdir), "%s/wal", h->dir);
    assert_int_equal(access(wdir, F_OK), -1);
    assert_true(itest_log_count(h, "the write-ahead log is off") >= 1);
    write_some(h, noms);
    assert_int_equal(harness_kill9(h), 0);
    assert_int_equal(harness_restart(h), 0);
    check_all(h, noms);
    assert_int_equal(access(wdir, F_OK), -1);
}

/* Backups and fsck with the log: a backup taken from a logged store
 * restores over a crashed one (the old log is replayed into the file kept
 * and removed, never applied to the backup); fsck replays a crash's log
 * before it checks. */
static void backup_restore_and_fsck_over_a_crashed_logged_store(void **state)
{
    harness_t *h = itest_new_harness(state);
    assert_int_equal(harness_start_conf(h, WAL_ON, NULL), 0);
    nom_t before[N], after[N];
    write_some(h, before);
    char file[128], out[8192];
    snprintf(file, sizeof(file), "%s/backup.mdb", h->dir);
    const char *backup[] = {EXEMPLARCTL_PATH, "--api", h->api, "backup", file, NULL};
    if (harness_run(backup, out, sizeof(out)) != 0)
        fail_msg("exemplarctl backup: %s", out);
    write_some(h, after);
    assert_int_equal(harness_kill9(h), 0);

    /* fsck on the crashed state: the log is replayed first, then all passes */
    if (fsck_offline(h, out, sizeof(out)) != 0)
        fail_msg("exemplard --fsck after kill -9: %s", out);
    assert_non_null(strstr(out, "replayed"));
    assert_int_equal(harness_restart(h), 0);
    check_all(h, after);
    write_some(h, after);
    assert_int_equal(harness_kill9(h), 0);

    /* restore over it: the backup's state, whatever the old log held */
    const char *restore[] = {EXEMPLARCTL_PATH, "restore", file, "--state-dir", h->dir, NULL};
    if (harness_run(restore, out, sizeof(out)) != 0)
        fail_msg("exemplarctl restore: %s", out);
    char wdir[128];
    snprintf(wdir, sizeof(wdir), "%s/wal", h->dir);
    assert_int_equal(access(wdir, F_OK), -1);
    assert_int_equal(harness_restart(h), 0);
    check_all(h, before);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    Exemplar__Reply *r = NULL;
    /* a nomination registered after the backup is not there */
    int rc = ex_get(c, after[N - 1].id, &r);
    assert_true(rc != 0 || (r && r->body_case != EXEMPLAR__REPLY__BODY_NOMINATION));
    ex_reply_free(r);
    ex_client_destroy(&c);
    assert_int_equal(harness_stop(h), 0);
    if (fsck_offline(h, out, sizeof(out)) != 0)
        fail_msg("exemplard --fsck after restore: %s", out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(acknowledged_changes_survive_kill9_by_replay, harness_teardown),
        cmocka_unit_test_teardown(a_torn_tail_is_reported_and_the_daemon_starts, harness_teardown),
        cmocka_unit_test_teardown(with_the_log_off_lmdb_syncs_and_a_left_log_is_replayed,
                                  harness_teardown),
        cmocka_unit_test_teardown(backup_restore_and_fsck_over_a_crashed_logged_store,
                                  harness_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
