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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "errors.h"
#include "i18n.h"
#include "log.h"

struct store {
    MDB_env *env;
    MDB_dbi dbi[DB_COUNT];
    uint64_t map_size;
    uint64_t map_max;
    bool map_full;
    char dir[4096]; /* the environment's directory, to look at its disk */
    bool readonly;
};

/* Below this much free space, an EIO from a write is the disk being full. */
#define DISK_FULL_SLACK (1u << 20)

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

int store_open(const char *dir, uint64_t map_size, uint64_t map_max, store_t **out, char *err,
               size_t errlen)
{
    *out = NULL;
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "store, cannot create %s (%s)", dir, strerror(errno));
        return -EX_ESTORAGE;
    }
    store_t *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "store, out of memory");
        return -EX_EINTERNAL;
    }
    s->map_size = map_size;
    s->map_max = map_max;
    snprintf(s->dir, sizeof(s->dir), "%s", dir);
    MDB_txn *txn = NULL;
    int rc = mdb_env_create(&s->env);
    if (rc == 0)
        rc = mdb_env_set_maxdbs(s->env, 32);
    if (rc == 0)
        rc = mdb_env_set_mapsize(s->env, map_size);
    /* No MDB_WRITEMAP: with it a full disk is a SIGBUS instead of an error.
     * MDB_NORDAHEAD: access is random; read-ahead only evicts useful pages. */
    if (rc == 0)
        rc = mdb_env_open(s->env, dir, MDB_NORDAHEAD | MDB_NOTLS, 0640);
    if (rc) {
        snprintf(err, errlen, "store, cannot open the environment in %s (%s)", dir,
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
    if (rc < 0)
        goto fail_closed;
    *out = s;
    return 0;
fail:
    rc = rc == ENOSPC || rc == MDB_MAP_FULL ? -EX_EFULL : -EX_ESTORAGE;
fail_closed:
    mdb_env_close(s->env);
    free(s);
    return rc;
}

void store_close(store_t **p)
{
    if (!*p)
        return;
    mdb_env_close((*p)->env);
    free(*p);
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
        rc = mdb_env_set_maxdbs(s->env, 32);
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
    if (!t->txn)
        return t->rc ? t->rc : -EX_EINTERNAL;
    int rc = t->rc;
    if (rc < 0 || !t->write)
        mdb_txn_abort(t->txn);
    else
        rc = translate(t->store, mdb_txn_commit(t->txn));
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
}

void store_del(store_txn_t *t, store_db_t db, const void *key, size_t klen)
{
    if (t->rc < 0)
        return;
    MDB_val k = {klen, (void *)key};
    int rc = mdb_del(t->txn, t->store->dbi[db], &k, NULL);
    if (rc != MDB_NOTFOUND)
        t->rc = translate(t->store, rc);
}

void store_clear(store_txn_t *t, store_db_t db)
{
    if (t->rc < 0)
        return;
    t->rc = translate(t->store, mdb_drop(t->txn, t->store->dbi[db], 0));
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
    it->txn->rc = translate(it->txn->store, mdb_cursor_del(it->cursor, 0));
}
