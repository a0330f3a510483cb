/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's backup and restore (issue 8), and the state directory that
 * they, export and import work on.  These commands do not talk to the
 * daemon: they open its LMDB environment themselves (daemon/store.h), as
 * LMDB's own mdb_copy does.
 *
 * backup: the environment opened read-only next to the running daemon; LMDB
 * copies one read transaction's snapshot, compacted, to FILE.tmp (the
 * writer is never blocked: a compacting copy takes no writer lock); the copy
 * is synced, opened and counted, then renamed to FILE and the directory
 * synced.  restore: FILE is checked (an LMDB environment of our schema), the
 * state directory's lock is taken (store_lock_dir: refused while exemplard
 * runs), the copy is written next to data.mdb, synced, the old file kept as
 * data.mdb.before-restore and the copy renamed over data.mdb (atomic), the
 * directory synced.
 */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <ini.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl_store.h"
#include "key.h"
#include "safefile.h"
#include "store.h"

/* ---- the state directory -------------------------------------------------- */

static int config_handler(void *user, const char *section, const char *name, const char *value)
{
    char *dir = user;
    if (strcmp(section, "daemon") == 0 && strcmp(name, "state_dir") == 0)
        snprintf(dir, PATH_MAX, "%s", value);
    return 1;
}

const char *ctl_state_dir(const ctl_args_t *a, char *buf, size_t len)
{
    const char *opt = a->opt[OPT_SLOT(OPT_STATE_DIR)];
    if (opt) {
        snprintf(buf, len, "%s", opt);
        return buf;
    }
    char dir[PATH_MAX] = "";
    const char *conf = getenv("EXEMPLAR_CONFIG");
    ini_parse(conf ? conf : CTL_DAEMON_CONFIG, config_handler, dir);
    snprintf(buf, len, "%s", dir[0] ? dir : CTL_DEFAULT_STATE_DIR);
    return buf;
}

int ctl_store_fail(ctl_t *ctl, int rc, const char *err)
{
    /* store.c's sentences start with the subsystem: "store, ...". */
    const char *msg = strncmp(err, "store, ", 7) == 0 ? err + 7 : err;
    return ctl_fail(ctl, rc < 0 ? -rc : rc, msg);
}

int ctl_sync_dir_of(const char *path)
{
    char copy[PATH_MAX];
    size_t len = strlen(path);
    if (len >= sizeof(copy)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(copy, path, len + 1);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int ctl_file_status(int rc)
{
    return rc == -EEXIST ? EX_ECONFLICT : rc == -ENOSPC || rc == -EDQUOT ? EX_EFULL : EX_ESTORAGE;
}

int64_t ctl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ctl_store_counts(store_t *s, uint64_t *nominations, uint64_t *last_seq)
{
    store_txn_t t;
    store_iter_t it;
    store_val_t k, v;
    *nominations = *last_seq = 0;
    int rc = store_txn_begin(s, false, &t);
    if (rc < 0)
        return rc;
    *nominations = store_count(&t, DB_NOMINATIONS);
    rc = store_iter_open(&t, DB_CHANGES, &it);
    if (rc == 0) {
        rc = store_iter_last(&it, &k, &v);
        if (rc == 0 && k.len == 8)
            *last_seq = key_get_u64(k.data);
        if (rc == -EX_ENOTFOUND)
            rc = 0;
        store_iter_close(&it);
    }
    store_txn_abort(&t);
    return rc;
}

/* ---- backup --------------------------------------------------------------- */

int cmd_backup(ctl_t *ctl, const ctl_args_t *a)
{
    const char *file = a->argv[0];
    char dir[PATH_MAX], tmp[PATH_MAX + 64], err[3 * PATH_MAX], msg[3 * PATH_MAX + 64];
    ctl_state_dir(a, dir, sizeof(dir));
    bool force = a->opt[OPT_SLOT(OPT_FORCE)] != NULL;
    struct stat st;
    if (!force && lstat(file, &st) == 0) {
        snprintf(msg, sizeof(msg), "%s exists; pass --force to replace it", file);
        return ctl_fail(ctl, EX_ECONFLICT, msg);
    }
    int64_t start = ctl_now_ms();
    store_t *s = NULL, *copy = NULL;
    int rc = store_open_readonly(dir, false, &s, err, sizeof(err));
    if (rc < 0)
        return ctl_store_fail(ctl, rc, err);
    /* A temporary nobody else can have made (proto/safefile.h), never FILE.tmp. */
    ex_safefile_t sf;
    rc = ex_safefile_open(&sf, file, CTL_FILE_MODE, force ? EX_SAFEFILE_REPLACE : 0, err,
                          sizeof(err));
    if (rc < 0) {
        store_close(&s);
        return ctl_fail(ctl, ctl_file_status(rc), err);
    }
    ex_safefile_temp_path(&sf, tmp, sizeof(tmp));
    rc = store_copy_compact(s, sf.fd, err, sizeof(err));
    store_close(&s);
    /* The copy must open as a store of our schema before it is called FILE. */
    uint64_t noms = 0, last = 0;
    if (rc == 0)
        rc = store_open_readonly(tmp, true, &copy, err, sizeof(err));
    if (rc == 0) {
        rc = ctl_store_counts(copy, &noms, &last);
        if (rc < 0)
            snprintf(err, sizeof(err), "the copy of %s cannot be read back", file);
        store_close(&copy);
    }
    if (rc == 0 && fstat(sf.fd, &st) < 0) {
        snprintf(err, sizeof(err), "cannot read the copy of %s (%s)", file, strerror(errno));
        rc = -EX_ESTORAGE;
    }
    if (rc < 0) {
        ex_safefile_abort(&sf);
        return ctl_store_fail(ctl, rc, err);
    }
    rc = ex_safefile_commit(&sf, err, sizeof(err));
    if (rc < 0)
        return ctl_fail(ctl, ctl_file_status(rc), err);
    int64_t ms = ctl_now_ms() - start;
    if (ctl->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "file", json_object_new_string(file));
        json_object_object_add(doc, "state_dir", json_object_new_string(dir));
        json_object_object_add(doc, "bytes", json_object_new_int64((int64_t)st.st_size));
        json_object_object_add(doc, "nominations", json_object_new_uint64(noms));
        json_object_object_add(doc, "last_seq", json_object_new_uint64(last));
        json_object_object_add(doc, "ms", json_object_new_int64(ms));
        ctl_json_print(doc);
    } else {
        printf("backup %s: %lld bytes, %" PRIu64 " nominations, last change %" PRIu64
               " (%lld ms)\n",
               file, (long long)st.st_size, noms, last, (long long)ms);
    }
    return EXIT_OK;
}

/* ---- restore -------------------------------------------------------------- */

/* Copies src into a new file dst (mode 0640, owned like the state directory
 * when we may chown) and syncs it. */
static int copy_file(const char *src, const char *dst, const struct stat *dir_st, char *err,
                     size_t errlen)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        snprintf(err, errlen, "cannot read %s (%s)", src, strerror(errno));
        return -EX_ESTORAGE;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (out < 0) {
        snprintf(err, errlen, "cannot create %s (%s)", dst, strerror(errno));
        close(in);
        return -EX_ESTORAGE;
    }
    /* Run as root, the file must still be the daemon's. */
    if (geteuid() == 0 && fchown(out, dir_st->st_uid, dir_st->st_gid) < 0) {
        snprintf(err, errlen, "cannot give %s to the state directory's owner (%s)", dst,
                 strerror(errno));
        close(in);
        close(out);
        return -EX_ESTORAGE;
    }
    static char buf[1 << 16];
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = read(in, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        for (ssize_t off = 0; n > 0 && off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                rc = errno == ENOSPC ? -EX_EFULL : -EX_ESTORAGE;
                snprintf(err, errlen, "cannot write %s (%s)", dst, strerror(errno));
                break;
            }
            off += w;
        }
        if (n < 0) {
            rc = -EX_ESTORAGE;
            snprintf(err, errlen, "cannot read %s (%s)", src, strerror(errno));
        }
    }
    if (rc == 0 && fsync(out) < 0) {
        rc = -EX_ESTORAGE;
        snprintf(err, errlen, "cannot sync %s (%s)", dst, strerror(errno));
    }
    close(in);
    if (close(out) < 0 && rc == 0) {
        rc = -EX_ESTORAGE;
        snprintf(err, errlen, "cannot write %s (%s)", dst, strerror(errno));
    }
    if (rc < 0)
        unlink(dst);
    return rc;
}

int cmd_restore(ctl_t *ctl, const ctl_args_t *a)
{
    const char *file = a->argv[0];
    char dir[PATH_MAX], err[4 * PATH_MAX];
    char data[PATH_MAX + 32], before[PATH_MAX + 32], tmp[PATH_MAX + 32], lockf[PATH_MAX + 32];
    ctl_state_dir(a, dir, sizeof(dir));
    snprintf(data, sizeof(data), "%s/data.mdb", dir);
    snprintf(before, sizeof(before), "%s/data.mdb.before-restore", dir);
    snprintf(tmp, sizeof(tmp), "%s/data.mdb.restore-tmp", dir);
    snprintf(lockf, sizeof(lockf), "%s/lock.mdb", dir);

    /* The backup first: an LMDB environment of this schema, or nothing. */
    store_t *s = NULL;
    int rc = store_open_readonly(file, true, &s, err, sizeof(err));
    if (rc < 0) {
        char msg[sizeof(err) + 64];
        snprintf(msg, sizeof(msg), "%s is not a backup this exemplarctl can restore: %s", file,
                 strncmp(err, "store, ", 7) == 0 ? err + 7 : err);
        return ctl_fail(ctl, rc == -EX_ENOTFOUND ? EX_ENOTFOUND : EX_EINVALID, msg);
    }
    uint64_t noms = 0, last = 0;
    rc = ctl_store_counts(s, &noms, &last);
    store_close(&s);
    if (rc < 0)
        return ctl_fail(ctl, EX_EINVALID, "the backup cannot be read");

    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        snprintf(err, sizeof(err), "cannot create the state directory %s (%s)", dir,
                 strerror(errno));
        return ctl_fail(ctl, EX_ESTORAGE, err);
    }
    struct stat dir_st;
    if (stat(dir, &dir_st) < 0) {
        snprintf(err, sizeof(err), "cannot read %s (%s)", dir, strerror(errno));
        return ctl_fail(ctl, EX_ESTORAGE, err);
    }
    int lock = -1;
    rc = store_lock_dir(dir, &lock, err, sizeof(err));
    if (rc < 0)
        return ctl_store_fail(ctl, rc, err);
    rc = copy_file(file, tmp, &dir_st, err, sizeof(err));
    bool kept = false;
    if (rc == 0 && access(data, F_OK) == 0) {
        /* A hard link keeps the old file while data.mdb never goes missing. */
        if ((unlink(before) < 0 && errno != ENOENT) || link(data, before) < 0) {
            snprintf(err, sizeof(err), "cannot keep the old data as %s (%s)", before,
                     strerror(errno));
            rc = -EX_ESTORAGE;
            unlink(tmp);
        }
        kept = rc == 0;
    }
    if (rc == 0 && rename(tmp, data) < 0) {
        snprintf(err, sizeof(err), "cannot move %s to %s (%s)", tmp, data, strerror(errno));
        rc = -EX_ESTORAGE;
        unlink(tmp);
    }
    /* The old reader table describes the old file: the next opener makes a
     * fresh one. */
    if (rc == 0 && unlink(lockf) < 0 && errno != ENOENT) {
        snprintf(err, sizeof(err), "cannot remove %s (%s)", lockf, strerror(errno));
        rc = -EX_ESTORAGE;
    }
    if (rc == 0 && ctl_sync_dir_of(data) < 0) {
        snprintf(err, sizeof(err), "cannot sync %s (%s)", dir, strerror(errno));
        rc = -EX_ESTORAGE;
    }
    close(lock);
    if (rc < 0)
        return ctl_store_fail(ctl, rc, err);
    if (ctl->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "file", json_object_new_string(file));
        json_object_object_add(doc, "state_dir", json_object_new_string(dir));
        json_object_object_add(doc, "nominations", json_object_new_uint64(noms));
        json_object_object_add(doc, "last_seq", json_object_new_uint64(last));
        json_object_object_add(doc, "previous",
                               kept ? json_object_new_string(before) : json_object_new_null());
        ctl_json_print(doc);
    } else {
        printf("restored %s into %s: %" PRIu64 " nominations, last change %" PRIu64 "\n", file, dir,
               noms, last);
        if (kept)
            printf("the previous data is kept as %s\n", before);
        printf("next: systemctl start exemplard; exemplarctl fsck\n");
    }
    return EXIT_OK;
}
