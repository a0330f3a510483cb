/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's backup and restore (issue 8), and the state directory that
 * they, export and import work on.  These commands do not talk to the
 * daemon: they open its LMDB environment themselves (daemon/store.h), as
 * LMDB's own mdb_copy does.
 *
 * backup: the environment opened read-only next to the running daemon; LMDB
 * copies one read transaction's snapshot, compacted, to a temporary in
 * FILE's directory that nobody else can have made (common/safefile.h: never
 * a fixed name such as FILE.tmp; the writer is never blocked: a compacting
 * copy takes no writer lock); the copy's meta pages are checked
 * (daemon/mdbfile.h), it is opened and counted, then renamed to FILE and
 * the directory synced.  restore: FILE's size and meta pages are checked
 * with plain reads, the state directory's lock is taken (store_lock_dir:
 * refused while exemplard runs), FILE is copied to a temporary next to
 * data.mdb and that copy checked in a child process (every page read, every
 * record decoded, fsck's checks: a damaged file can crash only the child);
 * then the old file is kept as data.mdb.before-restore, the copy renamed
 * over data.mdb (atomic) and the directory synced.
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
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctl_store.h"
#include "exportfmt.h"
#include "fsck.h"
#include "key.h"
#include "mdbfile.h"
#include "records.h"
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
    /* A temporary nobody else can have made (common/safefile.h), never FILE.tmp. */
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
    /* The copy must pass restore's first check and open as a store of our
     * schema before it is called FILE. */
    uint64_t noms = 0, last = 0;
    mdbfile_info_t info;
    if (rc == 0 && (rc = mdbfile_check_fd(sf.fd, &info, msg, sizeof(msg))) < 0) {
        snprintf(err, sizeof(err), "the copy of %.4096s is damaged: %.1024s", file, msg);
        rc = -EX_ESTORAGE;
    }
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

/* What the check of a backup found, passed from the child that ran it. */
typedef struct {
    int rc; /* 0, or a negative EX_E* */
    uint64_t nominations, last_seq;
    uint64_t problems; /* fsck's, of which index_problems a repair fixes */
    uint64_t index_problems;
    char why[1024];
} checked_t;

/* Every record of every database read (each page of each tree visited, as
 * LMDB checks page numbers and types on the way), every record of a type
 * export knows decoded, then fsck's checks (daemon/fsck.c). */
static void check_store(const char *path, checked_t *out)
{
    store_t *s = NULL;
    char err[sizeof(out->why)];
    out->rc = store_open_readonly(path, true, &s, err, sizeof(err));
    if (out->rc < 0) {
        snprintf(out->why, sizeof(out->why), "%s", strncmp(err, "store, ", 7) == 0 ? err + 7 : err);
        out->rc = -EX_EINVALID;
        return;
    }
    store_txn_t t;
    int rc = store_txn_begin(s, false, &t);
    for (int db = 0; rc == 0 && db < DB_COUNT; db++) {
        const exportfmt_type_t *x = NULL;
        for (size_t i = 0; i < EXPORTFMT_COUNT; i++)
            if (EXPORTFMT_TYPES[i].db == (store_db_t)db && EXPORTFMT_TYPES[i].desc)
                x = &EXPORTFMT_TYPES[i];
        store_iter_t it;
        store_val_t k, v;
        rc = store_iter_open(&t, (store_db_t)db, &it);
        if (rc == 0)
            rc = store_iter_seek(&it, NULL, 0, &k, &v);
        for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
            if (!x)
                continue;
            ProtobufCMessage *m = protobuf_c_message_unpack(x->desc, NULL, v.len, v.data);
            if (!m) {
                snprintf(out->why, sizeof(out->why), "a %s record does not decode", x->type);
                rc = -EX_EINVALID;
                break;
            }
            protobuf_c_message_free_unpacked(m, NULL);
        }
        store_iter_close(&it);
        if (rc == -EX_ENOTFOUND)
            rc = 0;
        if (rc < 0 && !out->why[0])
            snprintf(out->why, sizeof(out->why), "database %d cannot be read to its end", db);
    }
    records_counters_t c = {0};
    if (rc == 0 && (rc = records_load_counters(&t, &c)) < 0)
        snprintf(out->why, sizeof(out->why), "its counters cannot be read");
    if (rc == 0) {
        Exemplar__FsckReply fr = EXEMPLAR__FSCK_REPLY__INIT;
        fsck_t f;
        rc = fsck_init(&f, &t, c.next_id ? c.next_id - 1 : 0, 1, &fr);
        if (rc == 0)
            rc = fsck_run(&f);
        if (rc < 0)
            snprintf(out->why, sizeof(out->why), "fsck's checks cannot read it");
        out->problems = f.problems;
        out->index_problems = f.index_problems;
        if (f.kept)
            snprintf(out->why, sizeof(out->why), "fsck finds %" PRIu64 " problems, the first: %s",
                     f.problems, f.sentences[0]);
        fsck_deinit(&f);
    }
    store_txn_abort(&t);
    if (rc == 0)
        rc = ctl_store_counts(s, &out->nominations, &out->last_seq);
    store_close(&s);
    out->rc = rc < 0 ? -EX_EINVALID : 0;
    if (rc < 0 && !out->why[0])
        snprintf(out->why, sizeof(out->why), "it cannot be read");
}

/* Checks the data file open as fd (named path for LMDB) before it may be
 * installed: its meta pages and size with plain reads (daemon/mdbfile.h: a
 * file shorter than its pages would SIGBUS the first reader that maps it),
 * then check_store in a child process, so that whatever a damaged file does
 * to LMDB (a read past its pages, a wild pointer) ends the child, not us.
 * Returns 0 with *out, or -EX_EINVALID with out->why. */
static int check_backup(int fd, const char *path, checked_t *out)
{
    memset(out, 0, sizeof(*out));
    mdbfile_info_t info;
    int rc = mdbfile_check_fd(fd, &info, out->why, sizeof(out->why));
    if (rc < 0)
        return rc == -EX_ESTORAGE ? rc : -EX_EINVALID;
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        snprintf(out->why, sizeof(out->why), "cannot start the check (%s)", strerror(errno));
        return -EX_EINTERNAL;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(out->why, sizeof(out->why), "cannot start the check (%s)", strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return -EX_EINTERNAL;
    }
    if (pid == 0) {
        /* LMDB's own assertions on a damaged page print to stderr: the
         * refusal below says it in one sentence instead */
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null >= 0)
            dup2(null, STDERR_FILENO);
        close(pipefd[0]);
        checked_t res;
        memset(&res, 0, sizeof(res));
        check_store(path, &res);
        ssize_t n = write(pipefd[1], &res, sizeof(res));
        _exit(n == (ssize_t)sizeof(res) ? 0 : 1);
    }
    close(pipefd[1]);
    size_t got = 0;
    while (got < sizeof(*out)) {
        ssize_t n = read(pipefd[0], (char *)out + got, sizeof(*out) - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(pipefd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status)) {
        snprintf(out->why, sizeof(out->why),
                 "reading it crashed the reader (%s): its pages are damaged",
                 strsignal(WTERMSIG(status)));
        return -EX_EINVALID;
    }
    if (got != sizeof(*out) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(out->why, sizeof(out->why), "the check did not finish");
        return -EX_EINVALID;
    }
    out->why[sizeof(out->why) - 1] = '\0';
    if (out->rc == 0 && out->problems > out->index_problems)
        return -EX_EINVALID;
    return out->rc;
}

/* Copies in into fd; 0 or a negative EX_E* with err. */
static int copy_fd(int in, int out, const char *src, const char *dst, char *err, size_t errlen)
{
    static char buf[1 << 16];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "cannot read %s (%s)", src, strerror(errno));
            return -EX_ESTORAGE;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                snprintf(err, errlen, "cannot write %s (%s)", dst, strerror(errno));
                return errno == ENOSPC ? -EX_EFULL : -EX_ESTORAGE;
            }
            off += w;
        }
    }
    return 0;
}

static int refuse_backup(ctl_t *ctl, const char *file, const char *dir, const char *why)
{
    char msg[2 * PATH_MAX + 1400];
    snprintf(msg, sizeof(msg),
             "%.4096s is not a backup this exemplarctl can restore: %.1100s; nothing was "
             "installed, %.4096s is as it was",
             file, why, dir);
    return ctl_fail(ctl, EX_EINVALID, msg);
}

int cmd_restore(ctl_t *ctl, const ctl_args_t *a)
{
    const char *file = a->argv[0];
    char dir[PATH_MAX], err[4 * PATH_MAX], tmp[PATH_MAX + 64];
    char data[PATH_MAX + 32], before[PATH_MAX + 32], lockf[PATH_MAX + 32];
    ctl_state_dir(a, dir, sizeof(dir));
    snprintf(data, sizeof(data), "%s/data.mdb", dir);
    snprintf(before, sizeof(before), "%s/data.mdb.before-restore", dir);
    snprintf(lockf, sizeof(lockf), "%s/lock.mdb", dir);

    /* The backup first, with plain reads: nothing maps it before its size
     * and meta pages agree. */
    int in = open(file, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        snprintf(err, sizeof(err), "cannot read %s (%s)", file, strerror(errno));
        return ctl_fail(ctl, errno == ENOENT ? EX_ENOTFOUND : EX_ESTORAGE, err);
    }
    mdbfile_info_t info;
    int rc = mdbfile_check_fd(in, &info, err, sizeof(err));
    if (rc < 0) {
        close(in);
        return rc == -EX_ESTORAGE ? ctl_fail(ctl, EX_ESTORAGE, err)
                                  : refuse_backup(ctl, file, dir, err);
    }
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        snprintf(err, sizeof(err), "cannot create the state directory %s (%s)", dir,
                 strerror(errno));
        close(in);
        return ctl_fail(ctl, EX_ESTORAGE, err);
    }
    struct stat dir_st;
    if (stat(dir, &dir_st) < 0) {
        snprintf(err, sizeof(err), "cannot read %s (%s)", dir, strerror(errno));
        close(in);
        return ctl_fail(ctl, EX_ESTORAGE, err);
    }
    int lock = -1;
    rc = store_lock_dir(dir, &lock, err, sizeof(err));
    if (rc < 0) {
        close(in);
        return ctl_store_fail(ctl, rc, err);
    }
    /* The copy is what gets checked and installed: the backup may change
     * meanwhile, the copy cannot.  Its temporary has a name (LMDB opens
     * it by path) that nobody else can have made (common/safefile.h). */
    ex_safefile_t sf;
    rc = ex_safefile_open(&sf, data, CTL_FILE_MODE, EX_SAFEFILE_REPLACE | EX_SAFEFILE_NAMED, err,
                          sizeof(err));
    if (rc < 0) {
        close(in);
        close(lock);
        return ctl_fail(ctl, ctl_file_status(rc), err);
    }
    ex_safefile_temp_path(&sf, tmp, sizeof(tmp));
    /* Run as root, the file must still be the daemon's. */
    if (geteuid() == 0 && fchown(sf.fd, dir_st.st_uid, dir_st.st_gid) < 0) {
        snprintf(err, sizeof(err), "cannot give %s to the state directory's owner (%s)", tmp,
                 strerror(errno));
        rc = -EX_ESTORAGE;
    }
    if (rc == 0)
        rc = copy_fd(in, sf.fd, file, tmp, err, sizeof(err));
    close(in);
    checked_t chk;
    if (rc == 0 && (rc = check_backup(sf.fd, tmp, &chk)) < 0) {
        ex_safefile_abort(&sf);
        close(lock);
        if (rc == -EX_EINVALID)
            return refuse_backup(ctl, file, dir, chk.why);
        return ctl_fail(ctl, -rc, chk.why);
    }
    bool kept = false;
    if (rc == 0 && access(data, F_OK) == 0) {
        /* A hard link keeps the old file while data.mdb never goes missing. */
        if ((unlink(before) < 0 && errno != ENOENT) || link(data, before) < 0) {
            snprintf(err, sizeof(err), "cannot keep the old data as %s (%s)", before,
                     strerror(errno));
            rc = -EX_ESTORAGE;
        }
        kept = rc == 0;
    }
    if (rc < 0) {
        ex_safefile_abort(&sf);
    } else if ((rc = ex_safefile_commit(&sf, err, sizeof(err))) < 0) {
        rc = -ctl_file_status(rc);
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
    uint64_t noms = chk.nominations, last = chk.last_seq;
    if (ctl->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "file", json_object_new_string(file));
        json_object_object_add(doc, "state_dir", json_object_new_string(dir));
        json_object_object_add(doc, "nominations", json_object_new_uint64(noms));
        json_object_object_add(doc, "last_seq", json_object_new_uint64(last));
        json_object_object_add(doc, "index_problems", json_object_new_uint64(chk.index_problems));
        json_object_object_add(doc, "previous",
                               kept ? json_object_new_string(before) : json_object_new_null());
        ctl_json_print(doc);
    } else {
        printf("restored %s into %s: %" PRIu64 " nominations, last change %" PRIu64 "\n", file, dir,
               noms, last);
        if (kept)
            printf("the previous data is kept as %s\n", before);
        if (chk.index_problems)
            printf("its indexes have %" PRIu64 " problems (%s): run exemplarctl fsck --repair\n",
                   chk.index_problems, chk.why);
        printf("next: systemctl start exemplard; exemplarctl fsck\n");
    }
    return EXIT_OK;
}
