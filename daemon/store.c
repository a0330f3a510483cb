/* SPDX-License-Identifier: MIT */
/*
 * The LMDB environment (see store.h): opening and stamping it, growing the
 * map, transactions with a sticky error, cursors, and the translation of
 * LMDB's error codes into the project's.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "i18n.h"
#include "log.h"
#include "mdbfile.h"
#include "wal.h"

/* A checkpoint in flight (store_checkpoint_step): its thread syncs
 * data.mdb and writes the log's checkpoint file while the loop goes on. */
typedef struct {
    pthread_t thread;
    bool running;
    atomic_bool done;
    int fd; /* data.mdb */
    char dir[4200];
    wal_position_t pos;
    uint8_t image[WAL_IMAGE_MAX];
    size_t len;
    MDB_txn *pin; /* the checkpoint's snapshot, held from its start */
    int rc;
    char err[300];
} ckpt_t;

struct store {
    MDB_env *env;
    MDB_dbi dbi[DB_COUNT];
    uint64_t map_size;
    uint64_t map_max;
    bool map_full;
    char dir[4096]; /* the environment's directory, to look at its disk */
    bool readonly;
    /* The write-ahead log (store.h, "The write-ahead log"): */
    wal_t *wal;
    store_wal_cfg_t walcfg;
    MDB_txn *pin; /* a reader holding the checkpoint's snapshot */
    uint8_t *ops; /* the writes of the open write transaction, encoded */
    size_t ops_len, ops_cap;
    bool replaying;        /* writes applied from the log are not logged again */
    bool ckpt_clean;       /* the checkpoint on disk says "clean stop": replaced before any write */
    int64_t pending_since; /* monotonic ms of the first record after the checkpoint */
    store_wal_report_t report;
    ckpt_t ck;
};

/* Below this much free space, an EIO from a write is the disk being full. */
#define DISK_FULL_SLACK (1u << 20)

/* Named databases an environment may hold: every one of DB_COUNT, with room
 * for a later version's new ones (an older daemon then still opens it). */
#define STORE_MAXDBS 64
_Static_assert(DB_COUNT <= STORE_MAXDBS, "STORE_MAXDBS must hold every database");

/* Database names in the environment; part of the on-disk format. */
static const char *const DB_NAME[DB_COUNT] = {
    [DB_META] = "meta",
    [DB_NOMINATIONS] = "nominations",
    [DB_CHANGES] = "changes",
    [DB_BY_STATE] = "by_state",
    [DB_BY_UNIT] = "by_unit",
    [DB_REQUESTS] = "requests",
    [DB_UNITS] = "units",
    [DB_CAMPAIGNS] = "campaigns",
    [DB_EVIDENCE] = "evidence",
    [DB_AUDIT] = "audit",
    /* Events in, notifications out: */
    [DB_EVENTS] = "events",
    [DB_EVENTS_SEEN] = "events_seen",
    [DB_EVENTS_BY_SUBJECT] = "events_by_subject",
    [DB_PUBLISHERS] = "publishers",
    [DB_BY_SUBJECT] = "nominations_by_subject",
    [DB_PLANS] = "plans",
    [DB_TIMERS] = "timers",
    [DB_TIMER_DUE] = "timer_due",
    [DB_JOBS] = "jobs",
    [DB_JOB_QUEUE] = "job_queue",
    [DB_TALLY] = "tally",
    [DB_TALLY_MOVES] = "tally_moves",
    [DB_TALLY_RECOGNIZED] = "tally_recognized",
    [DB_TALLY_REVIEW] = "tally_review",
    [DB_TALLY_QUARTERS] = "tally_quarters",
    [DB_TALLY_DAYS] = "tally_days",
    [DB_TALLY_GAPS] = "tally_gaps",
    [DB_TALLY_DIRTY] = "tally_dirty",
    [DB_USERS] = "users", /* local accounts of exemplar-web (users.h) */
    /* the administrator's title spellings; title facts no title resolves
     * yet (titles.h) */
    [DB_TITLE_ALIASES] = "title_aliases",
    [DB_FACTS_UNMATCHED] = "facts_unmatched",
    /* the council's meetings: ballot counts apart from who voted */
    [DB_COUNCILS] = "councils",
    [DB_MEETINGS] = "meetings",
    [DB_BALLOTS] = "ballots",
    [DB_BALLOT_VOTERS] = "ballot_voters",
    /* the unit's dossier of each nomination */
    [DB_DOSSIERS] = "dossiers",
    /* files by their SHA-256: dossier attachments, issued decisions */
    [DB_BLOBS] = "blobs",
    /* the issued recognition decisions of the council's meetings */
    [DB_DECISIONS] = "decisions",
};

static const char SCHEMA_KEY[] = "schema_version";

/* LMDB or errno code -> negative EX_E*. */
static int translate(store_t *s, int rc)
{
    if (rc == 0)
        return 0;
    if (rc == MDB_MAP_FULL || rc == MDB_TXN_FULL) {
        s->map_full = true;
        return -EX_EFULL;
    }
    if (rc == MDB_NOTFOUND)
        return -EX_ENOTFOUND;
    if (rc == ENOSPC || rc == EDQUOT)
        return -EX_EFULL;
    /* LMDB reports a short write as EIO, and a write comes back short when
     * the disk fills in the middle of it: ask the disk (the fault suite's
     * full-disk test sees this in about one run of two). */
    struct statvfs v;
    if (rc == EIO && statvfs(s->dir, &v) == 0 &&
        (uint64_t)v.f_bfree * v.f_frsize < DISK_FULL_SLACK) {
        log_warning("store, a write failed (%s) with %llu KiB left on the disk of %s: the disk is "
                    "full",
                    mdb_strerror(rc), (unsigned long long)v.f_bfree * v.f_frsize >> 10, s->dir);
        return -EX_EFULL;
    }
    log_error("store, operation failed (%s)", mdb_strerror(rc));
    return -EX_ESTORAGE;
}

static int check_schema(store_t *s, char *err, size_t errlen)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(s->env, NULL, s->readonly ? MDB_RDONLY : 0, &txn);
    if (rc)
        goto fail;
    MDB_val k = {sizeof(SCHEMA_KEY) - 1, (void *)SCHEMA_KEY}, v;
    rc = mdb_get(txn, s->dbi[DB_META], &k, &v);
    if (rc == MDB_NOTFOUND && s->readonly) {
        mdb_txn_abort(txn);
        snprintf(err, errlen,
                 _("store, the environment has no schema version: not an exemplard store"));
        return -EX_ESTORAGE;
    }
    if (rc == MDB_NOTFOUND) {
        uint8_t be[4] = {0, 0, 0, STORE_SCHEMA_VERSION};
        v.mv_size = sizeof(be);
        v.mv_data = be;
        rc = mdb_put(txn, s->dbi[DB_META], &k, &v, 0);
        if (rc == 0)
            return translate(s, mdb_txn_commit(txn)) < 0 ? -EX_ESTORAGE : 0;
    }
    if (rc) {
        mdb_txn_abort(txn);
        goto fail;
    }
    uint32_t version = 0;
    if (v.mv_size == 4) {
        const uint8_t *p = v.mv_data;
        version = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    }
    if (version == 1 || version == 2) {
        /* 1 or 2 -> 3: the tally databases exist now (opened above); the
         * tallies are derived, so they are emptied with their position
         * (tally.h's "tally_seq") and the daemon builds them again from the
         * change log in the background, the days and evidence gaps with them. */
        static const char TALLY_SEQ[] = "tally_seq";
        MDB_val tk = {sizeof(TALLY_SEQ) - 1, (void *)TALLY_SEQ};
        static const store_db_t TALLIES[] = {
            DB_TALLY,          DB_TALLY_MOVES, DB_TALLY_RECOGNIZED, DB_TALLY_REVIEW,
            DB_TALLY_QUARTERS, DB_TALLY_DAYS,  DB_TALLY_GAPS,       DB_TALLY_DIRTY};
        for (size_t i = 0; rc == 0 && i < sizeof(TALLIES) / sizeof(TALLIES[0]); i++)
            rc = mdb_drop(txn, s->dbi[TALLIES[i]], 0);
        if (rc == 0) {
            rc = mdb_del(txn, s->dbi[DB_META], &tk, NULL);
            rc = rc == MDB_NOTFOUND ? 0 : rc;
        }
        uint8_t be[4] = {0, 0, 0, STORE_SCHEMA_VERSION};
        v.mv_size = sizeof(be);
        v.mv_data = be;
        if (rc == 0)
            rc = mdb_put(txn, s->dbi[DB_META], &k, &v, 0);
        if (rc == 0)
            rc = mdb_txn_commit(txn);
        else
            mdb_txn_abort(txn);
        if (rc)
            goto fail;
        log_notice("store, migrated schema version %u to %u: the quarterly tallies are built from "
                   "the change log in the background",
                   version, STORE_SCHEMA_VERSION);
        return 0;
    }
    mdb_txn_abort(txn);
    if (version != STORE_SCHEMA_VERSION) {
        snprintf(err, errlen,
                 _("store, the database has schema version %u but this exemplard reads version %u "
                   "(%s)"),
                 version, STORE_SCHEMA_VERSION,
                 version > STORE_SCHEMA_VERSION ? _("use the newer exemplard that wrote it")
                                                : _("no migration exists for it"));
        return -EX_ESTORAGE;
    }
    return 0;
fail:
    snprintf(err, errlen, _("store, cannot read the schema version (%s)"), mdb_strerror(rc));
    return -EX_ESTORAGE;
}

/* ---- the write-ahead log ------------------------------------------------ */

static const char WAL_APPLIED_KEY[] = "wal_applied";
#define WAL_UNLOGGED_SLACK 8u

enum { OP_PUT = 1, OP_DEL = 2, OP_CLEAR = 3 };
#define OP_HEAD 12u /* op u8, db u8, pad u16, klen u32, vlen u32 */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keeps one write of the open transaction for its log record. */
static void record_op(store_txn_t *t, int op, store_db_t db, const void *key, size_t klen,
                      const void *val, size_t vlen)
{
    store_t *s = t->store;
    if (!s->wal || !t->write || s->replaying || t->rc < 0)
        return;
    size_t need = s->ops_len + OP_HEAD + klen + vlen;
    if (need > s->ops_cap) {
        size_t cap = s->ops_cap ? s->ops_cap : 4096;
        while (cap < need)
            cap *= 2;
        uint8_t *b = realloc(s->ops, cap);
        if (!b) {
            log_error("store, out of memory for the log record of a transaction");
            t->rc = -EX_EINTERNAL;
            return;
        }
        s->ops = b;
        s->ops_cap = cap;
    }
    uint8_t *p = s->ops + s->ops_len;
    uint32_t k32 = (uint32_t)klen, v32 = (uint32_t)vlen;
    p[0] = (uint8_t)op;
    p[1] = (uint8_t)db;
    p[2] = p[3] = 0;
    memcpy(p + 4, &k32, 4);
    memcpy(p + 8, &v32, 4);
    if (klen)
        memcpy(p + OP_HEAD, key, klen);
    if (vlen)
        memcpy(p + OP_HEAD + klen, val, vlen);
    s->ops_len = need;
}

/* Applies one record's writes in txn (replay). */
static int apply_ops(store_t *s, MDB_txn *txn, const uint8_t *p, size_t len)
{
    size_t at = 0;
    while (at < len) {
        uint32_t klen, vlen;
        if (len - at < OP_HEAD)
            return EINVAL;
        memcpy(&klen, p + at + 4, 4);
        memcpy(&vlen, p + at + 8, 4);
        int op = p[at], db = p[at + 1];
        if (db >= DB_COUNT || (uint64_t)klen + vlen > len - at - OP_HEAD)
            return EINVAL;
        MDB_val k = {klen, (void *)(p + at + OP_HEAD)},
                v = {vlen, (void *)(p + at + OP_HEAD + klen)};
        int rc;
        if (op == OP_PUT)
            rc = mdb_put(txn, s->dbi[db], &k, &v, 0);
        else if (op == OP_DEL)
            rc = mdb_del(txn, s->dbi[db], &k, NULL);
        else if (op == OP_CLEAR)
            rc = mdb_drop(txn, s->dbi[db], 0);
        else
            return EINVAL;
        if (rc && rc != MDB_NOTFOUND)
            return rc;
        at += OP_HEAD + klen + vlen;
    }
    return 0;
}

/* Replay applies records in chunks of REPLAY_CHUNK per LMDB transaction
 * (one commit per record made a start after a crash with a full log cost a
 * commit per record).  A chunk that fills the map is undone, the map grown
 * and the replay run again from after the last chunk committed. */
#define REPLAY_CHUNK 1024u
#define REPLAY_AGAIN 1

typedef struct {
    store_t *s;
    MDB_txn *txn;       /* the chunk being applied */
    uint32_t in_txn;    /* records in it */
    uint64_t committed; /* the last record of the last chunk committed */
    uint64_t replayed;
    char why[200];
} replay_ctx_t;

static int replay_commit(replay_ctx_t *r)
{
    if (!r->txn)
        return 0;
    int rc = mdb_txn_commit(r->txn);
    r->txn = NULL;
    if (rc == 0) {
        r->replayed += r->in_txn;
        r->in_txn = 0;
    }
    return rc;
}

static int replay_failed(replay_ctx_t *r, uint64_t seq, int rc)
{
    if (r->txn)
        mdb_txn_abort(r->txn);
    r->txn = NULL;
    r->in_txn = 0;
    if ((rc == MDB_MAP_FULL || rc == MDB_TXN_FULL) && store_grow(r->s) == 0)
        return REPLAY_AGAIN;
    snprintf(r->why, sizeof(r->why), "record %llu cannot be applied (%s)", (unsigned long long)seq,
             rc == EINVAL ? "malformed" : mdb_strerror(rc));
    return -EX_ESTORAGE;
}

static int replay_one(void *ctx, uint64_t seq, const uint8_t *data, size_t len)
{
    replay_ctx_t *r = ctx;
    if (seq <= r->committed)
        return 0; /* applied by a chunk before the map grew */
    int rc = r->txn ? 0 : mdb_txn_begin(r->s->env, NULL, 0, &r->txn);
    if (rc == 0)
        rc = apply_ops(r->s, r->txn, data, len);
    if (rc == 0 && ++r->in_txn == REPLAY_CHUNK && (rc = replay_commit(r)) == 0)
        r->committed = seq;
    return rc ? replay_failed(r, seq, rc) : 0;
}

/* Replays every record after the checkpoint.  0 or -EX_ESTORAGE (r->why). */
static int replay_all(store_t *s, replay_ctx_t *r)
{
    for (;;) {
        int rc = wal_replay(s->wal, replay_one, r);
        if (rc == 0) {
            uint64_t last = r->committed + r->in_txn;
            rc = replay_commit(r);
            if (rc == 0)
                return 0;
            rc = replay_failed(r, last, rc);
        }
        if (rc != REPLAY_AGAIN)
            return rc;
    }
}

/* The head of data.mdb: the newest meta page's txnid, or 0 if neither
 * meta page is sane. */
static uint64_t head_txnid(const uint8_t *head, size_t len, uint64_t file_size)
{
    mdbfile_info_t info;
    char why[200];
    if (mdbfile_check(head, len, file_size, &info, why, sizeof(why)) == 0)
        return info.txnid;
    return 0;
}

/* Puts the checkpoint's meta pages back into data.mdb before LMDB reads it:
 * later commits' pages may not all have reached the disk. */
static int restore_image(const char *dir, const uint8_t *image, size_t len, const wal_tail_t *tail,
                         char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        snprintf(err, errlen,
                 "store, the write-ahead log in %s/" STORE_WAL_DIR " has a checkpoint but %s "
                 "cannot be opened (%s); if data.mdb was removed on purpose, remove the log "
                 "directory too",
                 dir, path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -EX_ESTORAGE;
    }
    mdbfile_info_t ck;
    char why[200];
    /* A torn write past the checkpoint's pages may have left part of a
     * page at the end: the image is two whole pages, so that is the size. */
    uint64_t whole = (uint64_t)st.st_size / (len / 2) * (len / 2);
    if (mdbfile_check(image, len, whole, &ck, why, sizeof(why)) < 0) {
        close(fd);
        snprintf(err, errlen,
                 "store, the log's checkpoint does not fit %s (%s): was data.mdb replaced by "
                 "hand? Install backups with exemplarctl restore",
                 path, why);
        return -EX_ESTORAGE;
    }
    uint8_t *cur = malloc(len);
    ssize_t n = cur ? pread(fd, cur, len, 0) : -1;
    int rc = 0;
    if (n == (ssize_t)len && memcmp(cur, image, len) == 0) {
        free(cur);
        close(fd);
        return 0; /* a clean stop: nothing to put back */
    }
    uint64_t now = n == (ssize_t)len ? head_txnid(cur, len, whole) : 0;
    free(cur);
    /* Every LMDB commit since the checkpoint is a record of the log, but
     * for the last one (committed, its record not yet synced) and the
     * stamps of checkpoints that had not finished (one in flight, or a few
     * that failed: WAL_UNLOGGED_SLACK).  Far more were written by something
     * else, whose pages may overwrite the checkpoint's: refused rather than
     * guessed.  (A few such writes cannot be told from those: they are
     * undone, as everything LMDB holds after the checkpoint is.) */
    if (now > ck.txnid + tail->records + 1 + WAL_UNLOGGED_SLACK) {
        close(fd);
        snprintf(err, errlen,
                 "store, %s was written without the write-ahead log after a crash (transaction "
                 "%llu; the log's checkpoint is at %llu with %llu records after it); check it "
                 "with mdb_stat, then move %s/" STORE_WAL_DIR " away to use the file as it is "
                 "(what the log holds is then lost)",
                 path, (unsigned long long)now, (unsigned long long)ck.txnid,
                 (unsigned long long)tail->records, dir);
        return -EX_ESTORAGE;
    }
    if (now && now < ck.txnid) {
        close(fd);
        snprintf(err, errlen,
                 "store, %s is older (transaction %llu) than the write-ahead log's checkpoint "
                 "(%llu): it was replaced by hand; install backups with exemplarctl restore, or "
                 "move %s/" STORE_WAL_DIR " away to use the file as it is",
                 path, (unsigned long long)now, (unsigned long long)ck.txnid, dir);
        return -EX_ESTORAGE;
    }
    if (pwrite(fd, image, len, 0) != (ssize_t)len || fdatasync(fd) < 0)
        rc = -1;
    int e = errno;
    close(fd);
    if (rc < 0) {
        snprintf(err, errlen, "store, cannot put the checkpoint's meta pages back into %s (%s)",
                 path, strerror(e));
        return -EX_ESTORAGE;
    }
    return 0;
}

/* The meta pages as they are now (after a sync): the checkpoint's image. */
static int read_image(store_t *s, uint8_t *image, size_t *len)
{
    MDB_stat st;
    int fd = -1;
    if (mdb_env_stat(s->env, &st) != 0 || mdb_env_get_fd(s->env, &fd) != 0)
        return -EX_ESTORAGE;
    size_t n = 2u * st.ms_psize;
    if (n > WAL_IMAGE_MAX || pread(fd, image, n, 0) != (ssize_t)n)
        return -EX_ESTORAGE;
    *len = n;
    return 0;
}

static void wal_fatal(const char *why)
{
    log_error("store, %s: LMDB holds a transaction that is not durable; exiting so that nothing "
              "is answered from it (starting again recovers from the log)",
              why);
    _exit(EXIT_FAILURE);
}

/* Records the sequence applied through in LMDB (fsck compares it with the
 * checkpoint's) in a transaction of its own, not logged.  Returns 1 when
 * nothing changed since the last checkpoint, 0, or an LMDB code. */
static int stamp_applied(store_t *s, uint64_t seq, bool force)
{
    MDB_txn *txn;
    uint8_t be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (uint8_t)(seq >> (56 - 8 * i));
    MDB_val k = {sizeof(WAL_APPLIED_KEY) - 1, (void *)WAL_APPLIED_KEY}, v = {8, be}, old;
    int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    if (rc)
        return rc;
    if (!force && mdb_get(txn, s->dbi[DB_META], &k, &old) == 0 && old.mv_size == 8 &&
        memcmp(old.mv_data, be, 8) == 0 && wal_pending_bytes(s->wal) == 0 && s->pin &&
        !s->ckpt_clean) {
        mdb_txn_abort(txn);
        return 1;
    }
    rc = mdb_put(txn, s->dbi[DB_META], &k, &v, 0);
    if (rc == 0)
        return mdb_txn_commit(txn);
    mdb_txn_abort(txn);
    return rc;
}

/* Holds the new snapshot and lets the old one go. */
static void swap_pin(store_t *s, MDB_txn *pin, uint64_t seq, bool clean)
{
    if (s->pin)
        mdb_txn_abort(s->pin);
    s->pin = pin;
    s->ckpt_clean = clean;
    s->report.checkpoints++;
    s->report.applied = seq;
}

/* A checkpoint writes data.mdb back in slices of this size, each waited
 * for before the next starts. */
#define CKPT_SLICE (1 << 20)

/* Starts and waits for the write-back of data.mdb slice by slice, so that
 * the device never holds more than a slice of it queued: the log's own
 * fdatasync, which an acknowledgement waits for, then queues behind at
 * most one slice instead of a whole checkpoint's pages (a database spreads
 * its checkpoint writes for the same reason).  Only the fdatasync after it
 * is relied on; an error here is left for that one to report. */
static void write_back_in_slices(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return;
    for (off_t off = 0; off < st.st_size; off += CKPT_SLICE)
        if (sync_file_range(fd, off, CKPT_SLICE,
                            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                SYNC_FILE_RANGE_WAIT_AFTER) < 0)
            return;
}

static void *ckpt_run(void *arg)
{
    ckpt_t *ck = arg;
    ck->rc = 0;
    write_back_in_slices(ck->fd);
    if (fdatasync(ck->fd) < 0) {
        snprintf(ck->err, sizeof(ck->err), "store, checkpoint failed: cannot sync data.mdb (%s)",
                 strerror(errno));
        ck->rc = -EX_ESTORAGE;
    } else {
        ck->rc = wal_checkpoint_write(ck->dir, &ck->pos, ck->image, ck->len, false, ck->err,
                                      sizeof(ck->err));
    }
    atomic_store(&ck->done, true);
    return NULL;
}

/* Ends the checkpoint in flight: waits for it (wait) or only looks.
 * Returns 1 while it runs on, else 0 or its error (logged). */
static int ckpt_reap(store_t *s, bool wait)
{
    ckpt_t *ck = &s->ck;
    if (!ck->running)
        return 0;
    if (!wait && !atomic_load(&ck->done))
        return 1;
    pthread_join(ck->thread, NULL);
    ck->running = false;
    int rc = ck->rc;
    char err[300];
    if (rc == 0 && (rc = wal_checkpoint_done(s->wal, &ck->pos, err, sizeof(err))) < 0)
        snprintf(ck->err, sizeof(ck->err), "%s", err);
    if (rc < 0) {
        log_error("%s", ck->err);
        mdb_txn_abort(ck->pin);
        ck->pin = NULL;
        return rc;
    }
    swap_pin(s, ck->pin, ck->pos.seq, false);
    ck->pin = NULL;
    return 0;
}

/* A checkpoint in the caller's thread, done when it returns: at open and
 * close (clean: the last word before a stop), and for a transaction too
 * large for the log. */
static int checkpoint(store_t *s, bool clean, bool force)
{
    if (!s->wal)
        return 0;
    ckpt_reap(s, true);
    uint64_t seq = wal_last_seq(s->wal);
    int rc = stamp_applied(s, seq, clean || force);
    if (rc == 1)
        return 0; /* nothing new since the last one */
    if (rc == 0)
        rc = mdb_env_sync(s->env, 1);
    if (rc) {
        log_error("store, checkpoint failed: cannot sync LMDB (%s)", mdb_strerror(rc));
        return translate(s, rc);
    }
    uint8_t image[WAL_IMAGE_MAX];
    size_t len = 0;
    char err[300];
    if (read_image(s, image, &len) < 0) {
        log_error("store, checkpoint failed: cannot read LMDB's meta pages");
        return -EX_ESTORAGE;
    }
    rc = wal_checkpoint(s->wal, image, len, clean, err, sizeof(err));
    if (rc < 0) {
        log_error("%s", err);
        return rc;
    }
    MDB_txn *pin = NULL;
    if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &pin)) != 0)
        wal_fatal("a checkpoint cannot hold its snapshot");
    swap_pin(s, pin, seq, clean);
    return 0;
}

int store_checkpoint(store_t *s)
{
    return checkpoint(s, false, false);
}

int store_checkpoint_step(store_t *s)
{
    if (!s->wal)
        return 0;
    if (s->ck.running)
        return ckpt_reap(s, false) < 0 ? -EX_ESTORAGE : 0;
    ckpt_t *ck = &s->ck;
    uint64_t seq = wal_last_seq(s->wal);
    int rc = stamp_applied(s, seq, false);
    if (rc == 1)
        return 0;
    /* The snapshot of this moment: its meta pages as they are now (in the
     * page cache), its position in the log, a reader holding it; the
     * thread makes it durable while later commits go on. */
    if (rc == 0 && read_image(s, ck->image, &ck->len) < 0)
        rc = EIO;
    if (rc == 0)
        rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &ck->pin);
    if (rc == 0)
        rc = mdb_env_get_fd(s->env, &ck->fd);
    if (rc) {
        if (ck->pin)
            mdb_txn_abort(ck->pin);
        ck->pin = NULL;
        log_error("store, cannot start a checkpoint (%s)", mdb_strerror(rc));
        return translate(s, rc);
    }
    wal_checkpoint_position(s->wal, &ck->pos);
    snprintf(ck->dir, sizeof(ck->dir), "%s", wal_dir(s->wal));
    atomic_store(&ck->done, false);
    if ((rc = pthread_create(&ck->thread, NULL, ckpt_run, ck)) != 0) {
        mdb_txn_abort(ck->pin);
        ck->pin = NULL;
        return checkpoint(s, false, false); /* no thread: in this one */
    }
    ck->running = true;
    return 0;
}

int64_t store_checkpoint_next(const store_t *s)
{
    if (s->wal && s->ck.running) /* looked at again soon: its end is cheap */
        return atomic_load(&s->ck.done) ? 0 : 2;
    if (!s->wal || wal_pending_bytes(s->wal) == 0)
        return INT64_MAX;
    if (wal_pending_bytes(s->wal) >= s->walcfg.checkpoint_bytes)
        return 0;
    int64_t left = s->pending_since + (int64_t)s->walcfg.checkpoint_ms - mono_ms();
    return left > 0 ? left : 0;
}

void store_wal_report(const store_t *s, store_wal_report_t *r)
{
    *r = s->report;
    r->on = s->wal != NULL;
    if (s->wal) {
        wal_stats_t st;
        wal_stats(s->wal, &st);
        r->last_seq = wal_last_seq(s->wal);
        r->appends = st.appends;
        r->syncs = st.syncs;
        r->bytes = st.bytes;
    }
}

/* Opens the log and, with a checkpoint, puts its meta pages back (before
 * LMDB opens the file). */
static int wal_begin(store_t *s, const char *dir, char *err, size_t errlen, wal_tail_t *tail,
                     bool *had_checkpoint)
{
    char wdir[4200];
    snprintf(wdir, sizeof(wdir), "%s/" STORE_WAL_DIR, dir);
    static uint8_t image[WAL_IMAGE_MAX];
    size_t ilen = 0;
    int rc = wal_open(wdir, s->walcfg.segment_bytes, 0, image, sizeof(image), &ilen, tail, &s->wal,
                      err, errlen);
    if (rc < 0)
        return rc;
    *had_checkpoint = tail->checkpoint;
    s->ckpt_clean = tail->clean;
    /* After a clean stop LMDB was synced last and is the truth (a tool may
     * have written to it since, synced as LMDB does by default). */
    if (tail->checkpoint && !tail->clean && ilen)
        rc = restore_image(dir, image, ilen, tail, err, errlen);
    return rc;
}

/* After LMDB is open: replays the log and checkpoints. */
static int wal_finish(store_t *s, const wal_tail_t *tail, char *err, size_t errlen)
{
    int64_t t0 = mono_ms();
    replay_ctx_t r = {.s = s};
    s->replaying = true;
    int rc = tail->records ? replay_all(s, &r) : 0;
    s->replaying = false;
    if (rc < 0) {
        snprintf(err, errlen, "store, the write-ahead log cannot be replayed: %s", r.why);
        return rc;
    }
    s->report.replayed = r.replayed;
    s->report.replay_ms = (uint64_t)(mono_ms() - t0);
    if (tail->torn) {
        s->report.torn = true;
        snprintf(s->report.torn_where, sizeof(s->report.torn_where),
                 "segment " WAL_SEGMENT_FILE " at offset %llu: %s",
                 (unsigned long long)tail->torn_segno, (unsigned long long)tail->torn_offset,
                 tail->torn_why);
        log_warning("store, the write-ahead log ends at a torn or corrupt record (%s); the %llu "
                    "records before it were replayed, what follows was never acknowledged",
                    s->report.torn_where, (unsigned long long)r.replayed);
    }
    if (r.replayed)
        log_notice("store, replayed %llu records of the write-ahead log (through %llu) in %llu ms",
                   (unsigned long long)r.replayed, (unsigned long long)tail->last_seq,
                   (unsigned long long)s->report.replay_ms);
    /* A log that goes on in a fresh segment must start there from now on,
     * even when nothing was replayed (wal.h, tail->moved). */
    rc = checkpoint(s, false, tail->moved);
    if (rc < 0)
        snprintf(err, errlen, "store, the checkpoint after opening failed (%s)",
                 ex_err_message(rc));
    return rc;
}

/* A new environment is made whole in a directory of its own (databases
 * created, schema stamped, synced) and only then renamed into place: LMDB
 * writes a new file's meta pages without a sync, so a power loss while it
 * is being made could otherwise leave a data.mdb that is no LMDB file. */
static int create_env(const char *dir, char *err, size_t errlen)
{
    char tmp[4200], from[4300], to[4300], lock[4300];
    snprintf(tmp, sizeof(tmp), "%s/new.XXXXXX", dir);
    if (!mkdtemp(tmp)) {
        snprintf(err, errlen, "store, cannot create a directory in %s (%s)", dir, strerror(errno));
        return -EX_ESTORAGE;
    }
    snprintf(from, sizeof(from), "%s/data.mdb", tmp);
    snprintf(to, sizeof(to), "%s/data.mdb", dir);
    snprintf(lock, sizeof(lock), "%s/lock.mdb", tmp);
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi dbi;
    int rc = mdb_env_create(&env);
    if (rc == 0)
        rc = mdb_env_set_maxdbs(env, STORE_MAXDBS);
    if (rc == 0)
        rc = mdb_env_open(env, tmp, MDB_NOTLS, 0640);
    if (rc == 0)
        rc = mdb_txn_begin(env, NULL, 0, &txn);
    for (int i = 0; rc == 0 && i < DB_COUNT; i++)
        rc = mdb_dbi_open(txn, DB_NAME[i], MDB_CREATE, &dbi);
    if (rc == 0) {
        uint8_t be[4] = {0, 0, 0, STORE_SCHEMA_VERSION};
        MDB_val k = {sizeof(SCHEMA_KEY) - 1, (void *)SCHEMA_KEY}, v = {sizeof(be), be};
        rc = mdb_dbi_open(txn, DB_NAME[DB_META], 0, &dbi);
        if (rc == 0)
            rc = mdb_put(txn, dbi, &k, &v, 0);
    }
    if (rc == 0)
        rc = mdb_txn_commit(txn);
    else if (txn)
        mdb_txn_abort(txn);
    if (rc == 0)
        rc = mdb_env_sync(env, 1);
    if (env)
        mdb_env_close(env);
    if (rc == 0 && rename(from, to) < 0)
        rc = errno;
    unlink(from);
    unlink(lock);
    rmdir(tmp);
    if (rc == 0) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) < 0)
            rc = errno;
        if (fd >= 0)
            close(fd);
    }
    if (rc) {
        snprintf(err, errlen, "store, cannot create the environment in %s (%s)", dir,
                 mdb_strerror(rc));
        return rc == ENOSPC ? -EX_EFULL : -EX_ESTORAGE;
    }
    return 0;
}

int store_open_wal(const char *dir, uint64_t map_size, uint64_t map_max, const store_wal_cfg_t *wal,
                   store_t **out, char *err, size_t errlen)
{
    *out = NULL;
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "store, cannot create %s (%s)", dir, strerror(errno));
        return -EX_ESTORAGE;
    }
    char datafile[4200];
    snprintf(datafile, sizeof(datafile), "%s/data.mdb", dir);
    if (access(datafile, F_OK) != 0 && errno == ENOENT) {
        int crc = create_env(dir, err, errlen);
        if (crc < 0)
            return crc;
    }
    store_t *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "store, out of memory");
        return -EX_EINTERNAL;
    }
    s->map_size = map_size;
    s->map_max = map_max;
    snprintf(s->dir, sizeof(s->dir), "%s", dir);
    /* A log left by an earlier run is replayed even when it is off now. */
    char ckpt[4200];
    snprintf(ckpt, sizeof(ckpt), "%s/" STORE_WAL_DIR "/" WAL_CHECKPOINT, dir);
    bool wal_on = wal && wal->on;
    bool wal_leftover = !wal_on && access(ckpt, F_OK) == 0;
    if (wal_on)
        s->walcfg = *wal;
    else
        s->walcfg = (store_wal_cfg_t){true, STORE_WAL_SEGMENT_BYTES, STORE_WAL_CHECKPOINT_BYTES,
                                      STORE_WAL_CHECKPOINT_MS};
    wal_tail_t tail;
    bool had_checkpoint = false;
    MDB_txn *txn = NULL;
    int rc = 0;
    if (wal_on || wal_leftover) {
        rc = wal_begin(s, dir, err, errlen, &tail, &had_checkpoint);
        if (rc < 0) {
            wal_close(&s->wal);
            free(s);
            return rc;
        }
    }
    rc = mdb_env_create(&s->env);
    if (rc == 0)
        rc = mdb_env_set_maxdbs(s->env, STORE_MAXDBS);
    if (rc == 0)
        rc = mdb_env_set_mapsize(s->env, map_size);
    /* No MDB_WRITEMAP: with it a full disk is a SIGBUS instead of an error.
     * MDB_NORDAHEAD: access is random; read-ahead only evicts useful pages.
     * MDB_NOSYNC with the log: the log's sync makes a commit durable. */
    if (rc == 0)
        rc = mdb_env_open(s->env, dir,
                          MDB_NORDAHEAD | MDB_NOTLS | (s->wal && had_checkpoint ? MDB_NOSYNC : 0),
                          0640);
    if (rc) {
        snprintf(err, errlen, "store, cannot open the environment in %s (%s)", dir,
                 mdb_strerror(rc));
        goto fail;
    }
    /* Before any write: the checkpoint's snapshot is what a crash comes
     * back to, so no page of it may be reused until the next checkpoint. */
    if (s->wal && (rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &s->pin)) != 0) {
        snprintf(err, errlen, "store, cannot hold the checkpoint's snapshot (%s)",
                 mdb_strerror(rc));
        goto fail;
    }
    /* The file may already be larger than the configured map.  LMDB then
     * maps exactly the pages in use (a restored backup, an import), so the
     * first write at start would find the map full: when less than a third
     * of the map is free, make it twice the used size, within map_max. */
    MDB_envinfo info;
    MDB_stat st;
    if (mdb_env_info(s->env, &info) == 0 && mdb_env_stat(s->env, &st) == 0) {
        uint64_t used = ((uint64_t)info.me_last_pgno + 1) * st.ms_psize;
        uint64_t want = used * 2;
        if (info.me_mapsize > s->map_size)
            s->map_size = info.me_mapsize;
        if (used + used / 2 > s->map_size && s->map_size < s->map_max) {
            want = want > s->map_max ? s->map_max : want;
            if (mdb_env_set_mapsize(s->env, want) == 0)
                s->map_size = want;
        }
    }

    rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    for (int i = 0; rc == 0 && i < DB_COUNT; i++)
        rc = mdb_dbi_open(txn, DB_NAME[i], MDB_CREATE, &s->dbi[i]);
    if (rc == 0)
        rc = mdb_txn_commit(txn);
    else
        mdb_txn_abort(txn);
    if (rc) {
        snprintf(err, errlen, "store, cannot open the databases in %s (%s)", dir, mdb_strerror(rc));
        goto fail;
    }
    rc = check_schema(s, err, errlen);
    if (rc == 0 && s->wal)
        rc = wal_finish(s, &tail, err, errlen);
    /* Without a checkpoint to come back to, LMDB synced its own commits
     * (creating the databases, stamping the schema); from the first
     * checkpoint on, the log makes commits durable. */
    if (rc == 0 && s->wal && !had_checkpoint && !wal_leftover &&
        (rc = mdb_env_set_flags(s->env, MDB_NOSYNC, 1)) != 0) {
        snprintf(err, errlen, "store, cannot set MDB_NOSYNC (%s)", mdb_strerror(rc));
        rc = -EX_ESTORAGE;
    }
    if (rc == 0 && wal_leftover) {
        /* Replayed and synced: LMDB syncs its own commits from now on. */
        char wdir[4200];
        snprintf(wdir, sizeof(wdir), "%s/" STORE_WAL_DIR, dir);
        mdb_txn_abort(s->pin);
        s->pin = NULL;
        wal_close(&s->wal);
        rc = mdb_env_set_flags(s->env, MDB_NOSYNC, 0) ? -EX_ESTORAGE : 0;
        if (rc == 0)
            rc = wal_remove(wdir, err, errlen);
        if (rc == 0)
            log_notice("store, the write-ahead log is off: the log in %s was replayed and "
                       "removed; LMDB syncs each commit",
                       wdir);
    }
    if (rc < 0)
        goto fail_closed;
    s->report.on = s->wal != NULL;
    *out = s;
    return 0;
fail:
    rc = rc == ENOSPC || rc == MDB_MAP_FULL ? -EX_EFULL : -EX_ESTORAGE;
fail_closed:
    if (s->pin)
        mdb_txn_abort(s->pin);
    wal_close(&s->wal);
    mdb_env_close(s->env);
    free(s->ops);
    free(s);
    return rc;
}

int store_open(const char *dir, uint64_t map_size, uint64_t map_max, store_t **out, char *err,
               size_t errlen)
{
    return store_open_wal(dir, map_size, map_max, NULL, out, err, errlen);
}

void store_close(store_t **p)
{
    store_t *s = *p;
    if (!s)
        return;
    if (s->wal) {
        checkpoint(s, true, true);
        if (s->pin)
            mdb_txn_abort(s->pin);
        wal_close(&s->wal);
    }
    mdb_env_close(s->env);
    free(s->ops);
    free(s);
    *p = NULL;
}

int store_open_readonly(const char *path, bool nosubdir, store_t **out, char *err, size_t errlen)
{
    *out = NULL;
    struct stat st;
    char data[4096];
    snprintf(data, sizeof(data), nosubdir ? "%s" : "%s/data.mdb", path);
    if (stat(data, &st) < 0) {
        snprintf(err, errlen, _("store, no LMDB environment at %s (%s)"), data, strerror(errno));
        return errno == ENOENT ? -EX_ENOTFOUND : -EX_ESTORAGE;
    }
    store_t *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "store, out of memory");
        return -EX_EINTERNAL;
    }
    s->readonly = true;
    MDB_txn *txn = NULL;
    /* MDB_NOTLS as the daemon; a map size of 0 means "as large as the file
     * says", so the reader follows the daemon's grown map. */
    unsigned flags = MDB_RDONLY | MDB_NOTLS | MDB_NORDAHEAD;
    if (nosubdir)
        flags |= MDB_NOSUBDIR | MDB_NOLOCK;
    int rc = mdb_env_create(&s->env);
    if (rc == 0)
        rc = mdb_env_set_maxdbs(s->env, STORE_MAXDBS);
    if (rc == 0)
        rc = mdb_env_open(s->env, path, flags, 0640);
    if (rc) {
        snprintf(err, errlen, _("store, cannot open %s read-only (%s)"), path,
                 rc == EACCES ? _("permission denied: run as the exemplard user or root")
                              : mdb_strerror(rc));
        goto fail;
    }
    MDB_envinfo info;
    if (mdb_env_info(s->env, &info) == 0)
        s->map_size = s->map_max = info.me_mapsize;
    rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn);
    for (int i = 0; rc == 0 && i < DB_COUNT; i++)
        rc = mdb_dbi_open(txn, DB_NAME[i], 0, &s->dbi[i]);
    /* Handles opened in a read transaction stay valid after it ends only
     * when it commits. */
    if (rc == 0)
        rc = mdb_txn_commit(txn);
    else if (txn)
        mdb_txn_abort(txn);
    if (rc) {
        snprintf(err, errlen, _("store, %s is not an exemplard store of this version (%s)"), path,
                 rc == MDB_NOTFOUND ? _("a database is missing") : mdb_strerror(rc));
        goto fail;
    }
    rc = check_schema(s, err, errlen);
    if (rc < 0)
        goto fail_closed;
    *out = s;
    return 0;
fail:
    rc = -EX_ESTORAGE;
fail_closed:
    mdb_env_close(s->env);
    free(s);
    return rc;
}

int store_copy_compact(store_t *s, int fd, char *err, size_t errlen)
{
    int rc = mdb_env_copyfd2(s->env, fd, MDB_CP_COMPACT);
    if (rc == 0)
        return 0;
    snprintf(err, errlen, "store, the copy failed (%s)", mdb_strerror(rc));
    return rc == ENOSPC || rc == EDQUOT ? -EX_EFULL : -EX_ESTORAGE;
}

int store_usage(store_t *s, uint64_t *map_bytes, uint64_t *used_pages, uint64_t *page_size)
{
    MDB_envinfo info;
    MDB_stat st;
    int rc = mdb_env_info(s->env, &info);
    if (rc == 0)
        rc = mdb_env_stat(s->env, &st);
    if (rc)
        return translate(s, rc);
    *map_bytes = info.me_mapsize;
    *used_pages = (uint64_t)info.me_last_pgno + 1;
    *page_size = st.ms_psize;
    return 0;
}

int store_lock_dir(const char *dir, int *fd, char *err, size_t errlen)
{
    char path[4096];
    *fd = -1;
    snprintf(path, sizeof(path), "%s/" STORE_LOCK_FILE, dir);
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (f < 0) {
        snprintf(err, errlen, _("store, cannot open the lock file %s (%s)"), path, strerror(errno));
        return -EX_ESTORAGE;
    }
    if (flock(f, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        close(f);
        if (e == EWOULDBLOCK) {
            snprintf(err, errlen,
                     _("store, %s is in use: an exemplard (or an exemplarctl restore or import) "
                       "holds %s; stop it first (systemctl stop exemplard)"),
                     dir, path);
            return -EX_ECONFLICT;
        }
        snprintf(err, errlen, _("store, cannot lock %s (%s)"), path, strerror(e));
        return -EX_ESTORAGE;
    }
    *fd = f;
    return 0;
}

int store_grow(store_t *s)
{
    if (s->map_size >= s->map_max)
        return -EX_EFULL;
    uint64_t next = s->map_size * 2 > s->map_max ? s->map_max : s->map_size * 2;
    int rc = mdb_env_set_mapsize(s->env, next);
    if (rc) {
        log_error("store, cannot grow the map to %llu KiB (%s)", (unsigned long long)(next >> 10),
                  mdb_strerror(rc));
        return -EX_EFULL;
    }
    log_notice("store, map grown from %llu to %llu KiB", (unsigned long long)(s->map_size >> 10),
               (unsigned long long)(next >> 10));
    s->map_size = next;
    s->map_full = false;
    return 0;
}

uint64_t store_map_size(const store_t *s)
{
    return s->map_size;
}

bool store_map_full(const store_t *s)
{
    return s->map_full;
}

int store_sync(store_t *s)
{
    return translate(s, mdb_env_sync(s->env, 1));
}

int store_txn_begin(store_t *s, bool write, store_txn_t *t)
{
    MDB_txn *txn = NULL;
    memset(t, 0, sizeof(*t));
    t->store = s;
    t->write = write;
    if (write)
        s->map_full = false;
    if (write)
        s->ops_len = 0;
    int lrc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &txn);
    if (lrc == MDB_MAP_RESIZED && s->readonly) {
        /* Another process (the daemon) grew the map: adopt its size. */
        lrc = mdb_env_set_mapsize(s->env, 0);
        if (lrc == 0)
            lrc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn);
    }
    int rc = translate(s, lrc);
    t->txn = txn;
    t->rc = rc;
    return rc;
}

int store_txn_commit(store_txn_t *t)
{
    store_t *s = t->store;
    uint64_t seq = 0;
    int rc = store_txn_commit_nowait(t, &seq);
    if (rc == 0 && seq)
        rc = store_wait_durable(s, seq);
    return rc;
}

int store_wait_durable(store_t *s, uint64_t seq)
{
    char err[300];
    if (s->wal && seq && wal_wait(s->wal, seq, err, sizeof(err)) < 0)
        wal_fatal(err);
    return 0;
}

uint64_t store_durable_seq(store_t *s)
{
    uint64_t seq = 0;
    char err[300];
    if (s->wal && wal_durable(s->wal, &seq, err, sizeof(err)) < 0)
        wal_fatal(err);
    return seq;
}

uint64_t store_written_seq(const store_t *s)
{
    return s->wal ? wal_last_seq(s->wal) : 0;
}

void store_log_kick(store_t *s)
{
    if (s->wal)
        wal_kick(s->wal);
}

int store_durable_fd(const store_t *s)
{
    return s->wal ? wal_event_fd(s->wal) : -1;
}

int store_txn_commit_nowait(store_txn_t *t, uint64_t *seq_out)
{
    *seq_out = 0;
    if (!t->txn)
        return t->rc ? t->rc : -EX_EINTERNAL;
    int rc = t->rc;
    store_t *s = t->store;
    if (rc < 0 || !t->write) {
        mdb_txn_abort(t->txn);
    } else if (!s->wal || s->ops_len == 0) {
        rc = translate(s, mdb_txn_commit(t->txn));
    } else {
        /* Room in the log first (a full disk is refused here, with
         * nothing written), then LMDB (without a sync): a commit that
         * fails there leaves nothing in the log.  Then the record,
         * written; the log's syncer makes it durable. */
        char rerr[300];
        int rrc = wal_reserve(s->wal, s->ops_len, rerr, sizeof(rerr));
        if (rrc < 0 && rrc != -EX_EINVALID) {
            log_error("%s", rerr);
            mdb_txn_abort(t->txn);
            t->txn = NULL;
            return rrc;
        }
        rc = translate(s, mdb_txn_commit(t->txn));
        t->txn = NULL;
        if (rc < 0)
            return rc;
        char err[300];
        uint64_t seq;
        if (wal_pending_bytes(s->wal) == 0)
            s->pending_since = mono_ms();
        int wrc = wal_write(s->wal, s->ops, s->ops_len, &seq, err, sizeof(err));
        if (wrc == -EX_EINVALID) {
            /* Larger than a segment (a rebuild, an import): made durable
             * by a checkpoint instead, which syncs LMDB. */
            if (store_checkpoint(s) < 0)
                wal_fatal("a transaction too large for the log could not be checkpointed");
        } else if (wrc < 0) {
            wal_fatal(err);
        } else {
            *seq_out = seq;
        }
        s->ops_len = 0;
        return 0;
    }
    t->txn = NULL;
    return rc;
}

void store_txn_abort(store_txn_t *t)
{
    if (t->txn)
        mdb_txn_abort(t->txn);
    t->txn = NULL;
}

int store_get(store_txn_t *t, store_db_t db, const void *key, size_t klen, store_val_t *val)
{
    MDB_val k = {klen, (void *)key}, v;
    int rc = mdb_get(t->txn, t->store->dbi[db], &k, &v);
    if (rc == MDB_NOTFOUND)
        return -EX_ENOTFOUND;
    if (rc)
        return translate(t->store, rc);
    val->data = v.mv_data;
    val->len = v.mv_size;
    return 0;
}

void store_put(store_txn_t *t, store_db_t db, const void *key, size_t klen, const void *val,
               size_t vlen)
{
    if (t->rc < 0)
        return;
    MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
    t->rc = translate(t->store, mdb_put(t->txn, t->store->dbi[db], &k, &v, 0));
    record_op(t, OP_PUT, db, key, klen, val, vlen);
}

void store_del(store_txn_t *t, store_db_t db, const void *key, size_t klen)
{
    if (t->rc < 0)
        return;
    MDB_val k = {klen, (void *)key};
    int rc = mdb_del(t->txn, t->store->dbi[db], &k, NULL);
    if (rc != MDB_NOTFOUND)
        t->rc = translate(t->store, rc);
    if (rc == 0)
        record_op(t, OP_DEL, db, key, klen, NULL, 0);
}

void store_clear(store_txn_t *t, store_db_t db)
{
    if (t->rc < 0)
        return;
    t->rc = translate(t->store, mdb_drop(t->txn, t->store->dbi[db], 0));
    record_op(t, OP_CLEAR, db, NULL, 0, NULL, 0);
}

uint64_t store_count(store_txn_t *t, store_db_t db)
{
    MDB_stat st;
    return mdb_stat(t->txn, t->store->dbi[db], &st) == 0 ? st.ms_entries : 0;
}

int store_iter_open(store_txn_t *t, store_db_t db, store_iter_t *it)
{
    MDB_cursor *c = NULL;
    it->txn = t;
    int rc = translate(t->store, mdb_cursor_open(t->txn, t->store->dbi[db], &c));
    it->cursor = c;
    return rc;
}

void store_iter_close(store_iter_t *it)
{
    if (it->cursor)
        mdb_cursor_close(it->cursor);
    it->cursor = NULL;
}

static int position(store_iter_t *it, MDB_val *k, MDB_cursor_op op, store_val_t *key,
                    store_val_t *val)
{
    MDB_val v;
    int rc = mdb_cursor_get(it->cursor, k, &v, op);
    if (rc == MDB_NOTFOUND)
        return -EX_ENOTFOUND;
    if (rc)
        return translate(it->txn->store, rc);
    key->data = k->mv_data;
    key->len = k->mv_size;
    val->data = v.mv_data;
    val->len = v.mv_size;
    return 0;
}

int store_iter_seek(store_iter_t *it, const void *key, size_t klen, store_val_t *k, store_val_t *v)
{
    MDB_val mk = {klen, (void *)key};
    return position(it, &mk, key && klen ? MDB_SET_RANGE : MDB_FIRST, k, v);
}

int store_iter_next(store_iter_t *it, store_val_t *k, store_val_t *v)
{
    MDB_val mk;
    return position(it, &mk, MDB_NEXT, k, v);
}

int store_iter_last(store_iter_t *it, store_val_t *k, store_val_t *v)
{
    MDB_val mk;
    return position(it, &mk, MDB_LAST, k, v);
}

void store_iter_del(store_iter_t *it)
{
    if (it->txn->rc < 0)
        return;
    MDB_val k, v;
    bool logged = it->txn->store->wal && mdb_cursor_get(it->cursor, &k, &v, MDB_GET_CURRENT) == 0;
    store_db_t db = DB_COUNT;
    for (int i = 0; logged && i < DB_COUNT; i++)
        if (it->txn->store->dbi[i] == mdb_cursor_dbi(it->cursor))
            db = (store_db_t)i;
    /* the key is in the map: copied into the record before the delete */
    if (logged && db < DB_COUNT)
        record_op(it->txn, OP_DEL, db, k.mv_data, k.mv_size, NULL, 0);
    it->txn->rc = translate(it->txn->store, mdb_cursor_del(it->cursor, 0));
}

/* ---- the log seen from offline tools ------------------------------------- */

int store_wal_recover(const char *dir, uint64_t *replayed, char *err, size_t errlen)
{
    char ckpt[4200];
    if (replayed)
        *replayed = 0;
    snprintf(ckpt, sizeof(ckpt), "%s/" STORE_WAL_DIR "/" WAL_CHECKPOINT, dir);
    if (access(ckpt, F_OK) != 0)
        return 0;
    store_wal_cfg_t cfg = {true, STORE_WAL_SEGMENT_BYTES, STORE_WAL_CHECKPOINT_BYTES,
                           STORE_WAL_CHECKPOINT_MS};
    store_t *s = NULL;
    /* the map as large as the file needs: store_open_wal grows it */
    int rc = store_open_wal(dir, 1ull << 20, 1ull << 44, &cfg, &s, err, errlen);
    if (rc < 0)
        return rc;
    if (replayed)
        *replayed = s->report.replayed;
    store_close(&s);
    return 0;
}

int store_wal_discard(const char *dir, char *err, size_t errlen)
{
    char wdir[4200];
    snprintf(wdir, sizeof(wdir), "%s/" STORE_WAL_DIR, dir);
    int rc = wal_remove(wdir, err, errlen);
    if (rc == 0) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
    }
    return rc;
}

int store_wal_check(const char *dir, char *err, size_t errlen)
{
    char wdir[4200], ckpt[4300];
    snprintf(wdir, sizeof(wdir), "%s/" STORE_WAL_DIR, dir);
    snprintf(ckpt, sizeof(ckpt), "%s/" WAL_CHECKPOINT, wdir);
    /* without a checkpoint a log holds nothing to replay (wal.h) */
    if (access(ckpt, F_OK) != 0)
        return -EX_ENOTFOUND;
    static uint8_t image[WAL_IMAGE_MAX];
    size_t ilen = 0;
    wal_tail_t tail;
    wal_t *w = NULL;
    int rc = wal_open(wdir, STORE_WAL_SEGMENT_BYTES, 0, image, sizeof(image), &ilen, &tail, &w, err,
                      errlen);
    wal_close(&w);
    if (rc < 0)
        return rc;
    if (!tail.checkpoint) {
        snprintf(err, errlen, "the write-ahead log in %s has no checkpoint", wdir);
        return -EX_EINVALID;
    }
    if (tail.records) {
        snprintf(err, errlen,
                 "the write-ahead log holds %llu records after its checkpoint that are not "
                 "replayed",
                 (unsigned long long)tail.records);
        return -EX_EINVALID;
    }
    store_t *s = NULL;
    rc = store_open_readonly(dir, false, &s, err, errlen);
    if (rc < 0)
        return rc;
    store_txn_t t;
    store_val_t v;
    uint64_t applied = 0;
    rc = store_txn_begin(s, false, &t);
    if (rc == 0 && store_get(&t, DB_META, WAL_APPLIED_KEY, sizeof(WAL_APPLIED_KEY) - 1, &v) == 0 &&
        v.len == 8)
        for (int i = 0; i < 8; i++)
            applied = applied << 8 | ((const uint8_t *)v.data)[i];
    store_txn_abort(&t);
    /* LMDB's meta pages must be the checkpoint's: nothing written since. */
    char data[4200];
    snprintf(data, sizeof(data), "%s/data.mdb", dir);
    int fd = open(data, O_RDONLY | O_CLOEXEC);
    uint8_t *head = malloc(ilen ? ilen : 1);
    bool same = fd >= 0 && head && ilen && pread(fd, head, ilen, 0) == (ssize_t)ilen &&
                memcmp(head, image, ilen) == 0;
    free(head);
    if (fd >= 0)
        close(fd);
    store_close(&s);
    if (rc < 0)
        return rc;
    if (applied != tail.applied) {
        snprintf(err, errlen,
                 "LMDB says the write-ahead log is applied through %llu but the log's checkpoint "
                 "says %llu",
                 (unsigned long long)applied, (unsigned long long)tail.applied);
        return -EX_EINVALID;
    }
    if (!same) {
        snprintf(err, errlen,
                 "data.mdb's meta pages differ from the write-ahead log's checkpoint: it was "
                 "written without the log");
        return -EX_EINVALID;
    }
    return 0;
}
