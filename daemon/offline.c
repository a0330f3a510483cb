/* SPDX-License-Identifier: MIT */
/*
 * Offline operations (offline.h): restore and import, the daemon's own code
 * run on a stopped daemon's state directory.
 *
 * restore: FILE's size and meta pages are checked with plain reads, the
 * state directory's lock is taken (store_lock_dir: refused while exemplard
 * runs), FILE is copied to a temporary next to data.mdb that nobody else can
 * have made (common/safefile.h) and that copy checked in a child process
 * (every page read, every record decoded, fsck's checks: a damaged file can
 * crash only the child); then the old file is kept as
 * data.mdb.before-restore, the copy renamed over data.mdb (atomic) and the
 * directory synced.
 *
 * import refuses a running daemon (the state directory's lock) and a store
 * that holds anything; it fills a fresh environment in a temporary
 * directory inside the state directory in large transactions (the map grows
 * as needed), checks the end line and the header's counts, and only then
 * renames the new data file into place: a failed or cut import leaves the
 * state directory as it was.  Each line is read strictly and each record
 * checked as the api checks what a peer sends (exportfmt.c).  The indexes
 * an export leaves out are rebuilt from the records (records.c, jobs.c,
 * key.h); the daemon re-indexes events by subject itself when it starts
 * (api_events_index).
 *
 * offline_dump is the other way round: a process of its own that reads the
 * store beside the running daemon for its backup and export requests.
 */
#include "offline.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "api_events.h"
#include "errors.h"
#include "events.pb-c.h"
#include "exportfmt.h"
#include "fsck.h"
#include "i18n.h"
#include "jobs.h"
#include "key.h"
#include "mdbfile.h"
#include "progress.h"
#include "records.h"
#include "safefile.h"
#include "store.h"

/* Records per import transaction. */
#define IMPORT_BATCH       20000
#define IMPORT_BATCH_BYTES (64u << 20) /* or this much of the file, whichever first */
/* Problems offline fsck prints (all are counted). */
#define OFFLINE_FSCK_PROBLEMS 100

typedef exportfmt_type_t exported_t;
#define EXPORTED       EXPORTFMT_TYPES
#define EXPORTED_COUNT EXPORTFMT_COUNT

/* ---- reports ------------------------------------------------------------ */

static void print_json(json_object *doc)
{
    printf("%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
    fflush(stdout);
    json_object_put(doc);
}

/* The same report as exemplarctl's (its error table, common/errors.c): a
 * line on stderr and, with --json, {"error": {code, name, message}} on
 * stdout.  Returns the exit status. */
static int report(const offline_t *o, int code, const char *message)
{
    if (code < 0)
        code = -code;
    if (!message || !*message)
        message = ex_err_message(code);
    ex_progress_clear_current(); /* the message on a line of its own */
    fprintf(stderr, "exemplard: %s: %s\n", ex_err_name(code), message);
    if (o->json) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "code", json_object_new_int(code));
        json_object_object_add(e, "name", json_object_new_string(ex_err_name(code)));
        json_object_object_add(e, "message", json_object_new_string(message));
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "error", e);
        print_json(doc);
    }
    return ex_err_exit_status(code);
}

/* A store.c failure (negative EX_E*, its sentence "store, ..."). */
static int store_fail(const offline_t *o, int rc, const char *err)
{
    const char *msg = strncmp(err, "store, ", 7) == 0 ? err + 7 : err;
    return report(o, rc, msg);
}

/* The EX_E* status for a failed ex_safefile_* call (a negative errno). */
static int file_status(int rc)
{
    return rc == -EEXIST ? EX_ECONFLICT : rc == -ENOSPC || rc == -EDQUOT ? EX_EFULL : EX_ESTORAGE;
}

/* fsync(2) of the directory holding path: a rename is durable after it. */
static int sync_dir_of(const char *path)
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

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Nominations and the newest change's sequence in s (one read txn). */
static int store_counts(store_t *s, uint64_t *nominations, uint64_t *last_seq)
{
    store_txn_t t;
    *nominations = *last_seq = 0;
    int rc = store_txn_begin(s, false, &t);
    if (rc == 0)
        rc = exportfmt_counts(&t, nominations, last_seq);
    store_txn_abort(&t);
    return rc;
}

/* ---- restore ------------------------------------------------------------ */

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
                snprintf(out->why, sizeof(out->why), _("a %s record does not decode"), x->type);
                rc = -EX_EINVALID;
                break;
            }
            protobuf_c_message_free_unpacked(m, NULL);
        }
        store_iter_close(&it);
        if (rc == -EX_ENOTFOUND)
            rc = 0;
        if (rc < 0 && !out->why[0])
            snprintf(out->why, sizeof(out->why), _("database %d cannot be read to its end"), db);
    }
    records_counters_t c = {0};
    if (rc == 0 && (rc = records_load_counters(&t, &c)) < 0)
        snprintf(out->why, sizeof(out->why), _("its counters cannot be read"));
    if (rc == 0) {
        Exemplar__FsckReply fr = EXEMPLAR__FSCK_REPLY__INIT;
        fsck_t f;
        rc = fsck_init(&f, &t, c.next_id ? c.next_id - 1 : 0, 1, &fr);
        if (rc == 0)
            rc = fsck_run(&f);
        if (rc < 0)
            snprintf(out->why, sizeof(out->why), _("fsck's checks cannot read it"));
        out->problems = f.problems;
        out->index_problems = f.index_problems;
        if (f.kept)
            snprintf(out->why, sizeof(out->why),
                     _("fsck finds %" PRIu64 " problems, the first: %s"), f.problems,
                     f.sentences[0]);
        fsck_deinit(&f);
    }
    store_txn_abort(&t);
    if (rc == 0)
        rc = store_counts(s, &out->nominations, &out->last_seq);
    store_close(&s);
    out->rc = rc < 0 ? -EX_EINVALID : 0;
    if (rc < 0 && !out->why[0])
        snprintf(out->why, sizeof(out->why), _("it cannot be read"));
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
        snprintf(out->why, sizeof(out->why), _("cannot start the check (%s)"), strerror(errno));
        return -EX_EINTERNAL;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(out->why, sizeof(out->why), _("cannot start the check (%s)"), strerror(errno));
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
                 _("reading it crashed the reader (%s): its pages are damaged"),
                 strsignal(WTERMSIG(status)));
        return -EX_EINVALID;
    }
    if (got != sizeof(*out) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(out->why, sizeof(out->why), _("the check did not finish"));
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
            snprintf(err, errlen, _("cannot read %s (%s)"), src, strerror(errno));
            return -EX_ESTORAGE;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                snprintf(err, errlen, _("cannot write %s (%s)"), dst, strerror(errno));
                return errno == ENOSPC ? -EX_EFULL : -EX_ESTORAGE;
            }
            off += w;
        }
    }
    return 0;
}

static int refuse_backup(const offline_t *o, const char *file, const char *dir, const char *why)
{
    char msg[2 * PATH_MAX + 1400];
    snprintf(msg, sizeof(msg),
             _("%.4096s is not a backup this exemplard can restore: %.1100s; nothing was "
               "installed, %.4096s is as it was"),
             file, why, dir);
    return report(o, EX_EINVALID, msg);
}

/* restore's steps, one progress line each on a terminal (common/progress.h):
 * "restore: copying the backup, 0:04". */
static int restore_into(const offline_t *o, const char *file, ex_progress_t *prog);

int offline_restore(const offline_t *o, const char *file)
{
    ex_progress_t prog;
    ex_progress_init(&prog, "restore", NULL, 0);
    int status = restore_into(o, file, &prog);
    ex_progress_deinit(&prog);
    return status;
}

static int restore_into(const offline_t *o, const char *file, ex_progress_t *prog)
{
    char dir[PATH_MAX], err[4 * PATH_MAX], tmp[PATH_MAX + 64];
    char data[PATH_MAX + 32], before[PATH_MAX + 32], lockf[PATH_MAX + 32];
    snprintf(dir, sizeof(dir), "%s", o->state_dir);
    snprintf(data, sizeof(data), "%s/data.mdb", dir);
    snprintf(before, sizeof(before), "%s/data.mdb.before-restore", dir);
    snprintf(lockf, sizeof(lockf), "%s/lock.mdb", dir);

    /* The backup first, with plain reads: nothing maps it before its size
     * and meta pages agree. */
    int in = open(file, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        snprintf(err, sizeof(err), _("cannot read %s (%s)"), file, strerror(errno));
        return report(o, errno == ENOENT ? EX_ENOTFOUND : EX_ESTORAGE, err);
    }
    mdbfile_info_t info;
    ex_progress_phase(prog, _("checking the backup"));
    int rc = mdbfile_check_fd(in, &info, err, sizeof(err));
    if (rc < 0) {
        close(in);
        return rc == -EX_ESTORAGE ? report(o, EX_ESTORAGE, err) : refuse_backup(o, file, dir, err);
    }
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        snprintf(err, sizeof(err), _("cannot create the state directory %s (%s)"), dir,
                 strerror(errno));
        close(in);
        return report(o, EX_ESTORAGE, err);
    }
    struct stat dir_st;
    if (stat(dir, &dir_st) < 0) {
        snprintf(err, sizeof(err), _("cannot read %s (%s)"), dir, strerror(errno));
        close(in);
        return report(o, EX_ESTORAGE, err);
    }
    int lock = -1;
    rc = store_lock_dir(dir, &lock, err, sizeof(err));
    if (rc < 0) {
        close(in);
        return store_fail(o, rc, err);
    }
    /* The copy is what gets checked and installed: the backup may change
     * meanwhile, the copy cannot.  Its temporary has a name (LMDB opens
     * it by path) that nobody else can have made (common/safefile.h). */
    ex_safefile_t sf;
    rc = ex_safefile_open(&sf, data, OFFLINE_FILE_MODE, EX_SAFEFILE_REPLACE | EX_SAFEFILE_NAMED,
                          err, sizeof(err));
    if (rc < 0) {
        close(in);
        close(lock);
        return report(o, file_status(rc), err);
    }
    ex_safefile_temp_path(&sf, tmp, sizeof(tmp));
    /* Run as root, the file must still be the daemon's. */
    if (geteuid() == 0 && fchown(sf.fd, dir_st.st_uid, dir_st.st_gid) < 0) {
        snprintf(err, sizeof(err), _("cannot give %s to the state directory's owner (%s)"), tmp,
                 strerror(errno));
        rc = -EX_ESTORAGE;
    }
    ex_progress_phase(prog, _("copying the backup"));
    if (rc == 0)
        rc = copy_fd(in, sf.fd, file, tmp, err, sizeof(err));
    close(in);
    checked_t chk;
    ex_progress_phase(prog, _("checking the copy"));
    if (rc == 0 && (rc = check_backup(sf.fd, tmp, &chk)) < 0) {
        ex_safefile_abort(&sf);
        close(lock);
        if (rc == -EX_EINVALID)
            return refuse_backup(o, file, dir, chk.why);
        return report(o, -rc, chk.why);
    }
    bool kept = false;
    ex_progress_phase(prog, _("installing the copy"));
    /* The old store's write-ahead log is replayed into it (so that the
     * file kept is whole), then removed: it does not belong to the copy. */
    if (rc == 0 && access(data, F_OK) == 0)
        rc = store_wal_recover(dir, NULL, err, sizeof(err));
    if (rc == 0)
        rc = store_wal_discard(dir, err, sizeof(err));
    if (rc == 0 && access(data, F_OK) == 0) {
        /* A hard link keeps the old file while data.mdb never goes missing. */
        if ((unlink(before) < 0 && errno != ENOENT) || link(data, before) < 0) {
            snprintf(err, sizeof(err), _("cannot keep the old data as %s (%s)"), before,
                     strerror(errno));
            rc = -EX_ESTORAGE;
        }
        kept = rc == 0;
    }
    if (rc < 0) {
        ex_safefile_abort(&sf);
    } else if ((rc = ex_safefile_commit(&sf, err, sizeof(err))) < 0) {
        rc = -file_status(rc);
    }
    /* The old reader table describes the old file: the next opener makes a
     * fresh one. */
    if (rc == 0 && unlink(lockf) < 0 && errno != ENOENT) {
        snprintf(err, sizeof(err), _("cannot remove %s (%s)"), lockf, strerror(errno));
        rc = -EX_ESTORAGE;
    }
    if (rc == 0 && sync_dir_of(data) < 0) {
        snprintf(err, sizeof(err), _("cannot sync %s (%s)"), dir, strerror(errno));
        rc = -EX_ESTORAGE;
    }
    close(lock);
    if (rc < 0)
        return store_fail(o, rc, err);
    uint64_t noms = chk.nominations, last = chk.last_seq;
    ex_progress_clear(prog); /* erased before the result */
    if (o->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "file", json_object_new_string(file));
        json_object_object_add(doc, "state_dir", json_object_new_string(dir));
        json_object_object_add(doc, "nominations", json_object_new_uint64(noms));
        json_object_object_add(doc, "last_seq", json_object_new_uint64(last));
        json_object_object_add(doc, "index_problems", json_object_new_uint64(chk.index_problems));
        json_object_object_add(doc, "previous",
                               kept ? json_object_new_string(before) : json_object_new_null());
        print_json(doc);
    } else {
        printf(_("restored %s into %s: %" PRIu64 " nominations, last change %" PRIu64 "\n"), file,
               dir, noms, last);
        if (kept)
            printf(_("the previous data is kept as %s\n"), before);
        if (chk.index_problems)
            printf(_("its indexes have %" PRIu64 " problems (%s): run exemplarctl fsck --repair\n"),
                   chk.index_problems, chk.why);
        printf(_("next: systemctl start exemplard; exemplarctl fsck\n"));
    }
    return 0;
}

/* ---- import ------------------------------------------------------------- */

typedef struct {
    store_t *store;
    json_object **lines; /* the batch in hand, kept to run again after a grow */
    size_t n;
    uint64_t records;
    char *err;
    size_t errlen;
    uint64_t line_no; /* of the batch's first line */
} importer_t;

/* The indexes a record brings with it. */
static int put_derived(store_txn_t *t, const exported_t *x, const uint8_t *k, size_t klen,
                       const uint8_t *val, size_t len)
{
    uint8_t key[EV_SUBJECT_MAX + 9];
    if (x->db == DB_NOMINATIONS) {
        Exemplar__Nomination *n = exemplar__nomination__unpack(NULL, len, val);
        if (n && (klen != 8 || key_get_u64(k) != n->id)) {
            exemplar__nomination__free_unpacked(n, NULL);
            return -EX_EINVALID;
        }
        if (!n)
            return -EX_EINVALID;
        records_put_nomination(t, n, EXEMPLAR__STATE__STATE_NONE);
        if (n->subject && n->subject[0])
            store_put(t, DB_BY_SUBJECT, key, key_name_u64(key, n->subject, EV_SUBJECT_MAX, n->id),
                      "", 0);
        exemplar__nomination__free_unpacked(n, NULL);
    } else if (x->db == DB_TIMERS || x->db == DB_JOBS) {
        /* timers and jobs: the record with its order index (jobs.h); the key is the id */
        if (x->db == DB_TIMERS) {
            Exemplar__Timer *tm = exemplar__timer__unpack(NULL, len, val);
            int ok = tm && strlen(tm->id) == klen && memcmp(tm->id, k, klen) == 0;
            if (ok)
                jobs_timer_put(t, tm, NULL);
            if (tm)
                exemplar__timer__free_unpacked(tm, NULL);
            if (!ok)
                return -EX_EINVALID;
        } else {
            Exemplar__Job *j = exemplar__job__unpack(NULL, len, val);
            int ok = j && strlen(j->id) == klen && memcmp(j->id, k, klen) == 0;
            if (ok)
                jobs_put(t, j, NULL);
            if (j)
                exemplar__job__free_unpacked(j, NULL);
            if (!ok)
                return -EX_EINVALID;
        }
    } else if (x->db == DB_EVENTS) {
        Exemplar__Event *e = exemplar__event__unpack(NULL, len, val);
        if (!e)
            return -EX_EINVALID;
        store_put(t, DB_EVENTS_SEEN, key, key_name_u64(key, e->publisher, EV_SUBJECT_MAX, e->seq),
                  e->event_id, strlen(e->event_id));
        exemplar__event__free_unpacked(e, NULL);
    }
    return 0;
}

/* One record line into the transaction: read strictly and checked as the
 * api checks what a peer sends (exportfmt.c). */
static int import_line(importer_t *im, store_txn_t *t, json_object *line, uint64_t no)
{
    exportfmt_record_t r;
    char why[512];
    int rc = exportfmt_record(line, &r, why, sizeof(why));
    if (rc < 0) {
        snprintf(im->err, im->errlen, _("line %" PRIu64 ": %s; nothing imported"), no, why);
        return rc;
    }
    const exported_t *x = r.type;
    if (x->db == DB_NOMINATIONS || x->db == DB_TIMERS || x->db == DB_JOBS)
        rc = put_derived(t, x, r.key, r.klen, r.val, r.vlen); /* writes the record too */
    else
        store_put(t, x->db, r.key, r.klen, r.val, r.vlen);
    if (rc == 0 && x->db == DB_EVENTS)
        rc = put_derived(t, x, r.key, r.klen, r.val, r.vlen);
    if (rc < 0)
        snprintf(im->err, im->errlen,
                 _("line %" PRIu64 ": the %s does not decode or does not match its key; nothing "
                   "imported"),
                 no, x->type);
    exportfmt_record_free(&r);
    return rc;
}

/* Writes the batch in one transaction, growing the map when it is full. */
static int flush(importer_t *im)
{
    for (;;) {
        store_txn_t t;
        int rc = store_txn_begin(im->store, true, &t);
        for (size_t i = 0; rc == 0 && i < im->n; i++)
            rc = import_line(im, &t, im->lines[i], im->line_no + i);
        if (rc == 0)
            rc = store_txn_commit(&t);
        else
            store_txn_abort(&t);
        if (rc == -EX_EFULL && store_map_full(im->store) && store_grow(im->store) == 0)
            continue;
        if (rc < 0 && !im->err[0])
            snprintf(im->err, im->errlen, _("cannot write the store (%s)"), ex_err_name(rc));
        if (rc == 0)
            im->records += im->n;
        for (size_t i = 0; i < im->n; i++)
            json_object_put(im->lines[i]);
        im->line_no += im->n;
        im->n = 0;
        return rc;
    }
}

/* Is the store empty (nothing but its schema version)? */
static int store_is_empty(store_t *s, char *err, size_t errlen)
{
    store_txn_t t;
    int rc = store_txn_begin(s, false, &t);
    if (rc < 0)
        return rc;
    for (int db = 0; db < DB_COUNT; db++) {
        uint64_t n = store_count(&t, (store_db_t)db);
        if (db != DB_META && n > 0) {
            snprintf(err, errlen,
                     _("the store is not empty (%" PRIu64 " nominations, %" PRIu64
                       " units, ...): import fills only an empty store; stop the daemon and move "
                       "data.mdb away, or import into another --state-dir"),
                     store_count(&t, DB_NOMINATIONS), store_count(&t, DB_UNITS));
            rc = -EX_ECONFLICT;
            break;
        }
    }
    store_txn_abort(&t);
    return rc;
}

/* Reads the whole file into the store at tmpdir.  0 or a negative EX_E*. */
/* The progress line counts the bytes read out of the file's size (unknown
 * on a pipe) and the lines. */
static int import_file(FILE *in, store_t *s, uint64_t *records, uint64_t *noms, uint64_t *last,
                       char *err, size_t errlen, ex_progress_t *prog)
{
    uint64_t bytes = 0, batch_bytes = 0;
    importer_t im = {.store = s, .err = err, .errlen = errlen, .line_no = 2};
    im.lines = calloc(IMPORT_BATCH, sizeof(*im.lines));
    if (!im.lines)
        return -EX_EINTERNAL;
    char *buf = NULL;
    size_t cap = 0;
    uint64_t no = 0, want_last = 0, want_noms = 0, end_records = UINT64_MAX;
    int rc = 0;
    ssize_t got;
    while (rc == 0 && (got = getline(&buf, &cap, in)) > 0) {
        no++;
        bytes += (uint64_t)got;
        ex_progress_count(prog, no, _("lines"));
        ex_progress_update(prog, bytes);
        /* exactly one strict JSON object per line (exportfmt.c) */
        json_object *line = NULL, *jt;
        char why[256];
        rc = exportfmt_parse_line(buf, (size_t)got, &line, why, sizeof(why));
        if (rc < 0) {
            snprintf(err, errlen, _("line %" PRIu64 ": %s; nothing imported"), no, why);
            break;
        }
        json_object_object_get_ex(line, "type", &jt);
        const char *type = json_object_get_string(jt);
        if (no == 1) {
            json_object *f, *fv, *sv, *l, *n;
            bool ok = strcmp(type, "header") == 0 &&
                      json_object_object_get_ex(line, "format", &f) &&
                      strcmp(json_object_get_string(f), EXPORTFMT_FORMAT) == 0 &&
                      json_object_object_get_ex(line, "format_version", &fv) &&
                      json_object_object_get_ex(line, "schema_version", &sv) &&
                      json_object_object_get_ex(line, "last_seq", &l) &&
                      json_object_object_get_ex(line, "nominations", &n);
            if (!ok) {
                snprintf(err, errlen, _("line 1 is not the header of an exemplar export"));
                rc = -EX_EINVALID;
            } else if (json_object_get_int(fv) != EXPORTFMT_VERSION ||
                       json_object_get_int(sv) != (int)STORE_SCHEMA_VERSION) {
                snprintf(err, errlen,
                         _("the export has format %d and schema %d; this exemplard reads format "
                           "%d and schema %u"),
                         json_object_get_int(fv), json_object_get_int(sv), EXPORTFMT_VERSION,
                         STORE_SCHEMA_VERSION);
                rc = -EX_EINVALID;
            }
            want_last = json_object_get_uint64(l);
            want_noms = json_object_get_uint64(n);
            json_object_put(line);
            continue;
        }
        if (end_records != UINT64_MAX) {
            snprintf(err, errlen, _("line %" PRIu64 ": records after the end line"), no);
            json_object_put(line);
            rc = -EX_EINVALID;
            break;
        }
        if (strcmp(type, "end") == 0) {
            json_object *r;
            end_records =
                json_object_object_get_ex(line, "records", &r) ? json_object_get_uint64(r) : 0;
            json_object_put(line);
            continue;
        }
        im.lines[im.n++] = line;
        /* a batch of dossier files (blob lines of up to 14 MiB) is flushed
         * by its size, so memory stays bounded whatever the files */
        batch_bytes += (uint64_t)got;
        if (im.n == IMPORT_BATCH || batch_bytes >= IMPORT_BATCH_BYTES) {
            rc = flush(&im);
            batch_bytes = 0;
        }
    }
    if (rc == 0 && im.n)
        rc = flush(&im);
    for (size_t i = 0; i < im.n; i++)
        json_object_put(im.lines[i]);
    free(im.lines);
    free(buf);
    if (rc == 0 && ferror(in)) {
        snprintf(err, errlen, _("cannot read the file (%s)"), strerror(errno));
        rc = -EX_ESTORAGE;
    }
    if (rc == 0 && no == 0) {
        snprintf(err, errlen, _("the file is empty"));
        rc = -EX_EINVALID;
    }
    if (rc == 0 && end_records != im.records) {
        snprintf(err, errlen,
                 end_records == UINT64_MAX
                     ? _("the file ends without its end line: it was cut short; nothing imported")
                     : _("the end line counts %" PRIu64 " records but %" PRIu64
                         " were read; nothing imported"),
                 end_records, im.records);
        rc = -EX_EINVALID;
    }
    *records = im.records;
    if (rc == 0)
        rc = store_counts(s, noms, last);
    if (rc == 0 && (*noms != want_noms || *last != want_last)) {
        snprintf(err, errlen,
                 _("the header promises %" PRIu64 " nominations and last change %" PRIu64
                   " but the records give %" PRIu64 " and %" PRIu64 "; nothing imported"),
                 want_noms, want_last, *noms, *last);
        rc = -EX_EINVALID;
    }
    return rc;
}

/* Removes the temporary environment. */
static void remove_tmp(const char *tmpdir)
{
    char path[2 * PATH_MAX];
    snprintf(path, sizeof(path), "%s/data.mdb", tmpdir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/lock.mdb", tmpdir);
    unlink(path);
    rmdir(tmpdir);
}

static int import_into(const offline_t *o, const char *file, ex_progress_t *prog);

int offline_import(const offline_t *o, const char *file)
{
    ex_progress_t prog;
    ex_progress_init(&prog, "import", NULL, 0);
    int status = import_into(o, file, &prog);
    ex_progress_deinit(&prog);
    return status;
}

static int import_into(const offline_t *o, const char *file, ex_progress_t *prog)
{
    bool from_stdin = strcmp(file, "-") == 0;
    char dir[PATH_MAX], tmpdir[PATH_MAX + 16], data[PATH_MAX + 16], tmpdata[PATH_MAX + 32];
    char lockf[PATH_MAX + 16], err[4 * PATH_MAX] = "";
    snprintf(dir, sizeof(dir), "%s", o->state_dir);
    snprintf(data, sizeof(data), "%s/data.mdb", dir);
    snprintf(lockf, sizeof(lockf), "%s/lock.mdb", dir);
    FILE *in = from_stdin ? stdin : fopen(file, "re");
    if (!in) {
        snprintf(err, sizeof(err), _("cannot read %s (%s)"), file, strerror(errno));
        return report(o, errno == ENOENT ? EX_ENOTFOUND : EX_ESTORAGE, err);
    }
    int64_t start = now_ms();
    struct stat dir_st;
    struct stat in_st;
    if (fstat(fileno(in), &in_st) == 0 && S_ISREG(in_st.st_mode))
        ex_progress_total(prog, (uint64_t)in_st.st_size);
    int lock = -1, rc = 0;
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        snprintf(err, sizeof(err), _("cannot create the state directory %s (%s)"), dir,
                 strerror(errno));
        rc = -EX_ESTORAGE;
    } else if (stat(dir, &dir_st) < 0) {
        snprintf(err, sizeof(err), _("cannot read %s (%s)"), dir, strerror(errno));
        rc = -EX_ESTORAGE;
    }
    if (rc == 0)
        rc = store_lock_dir(dir, &lock, err, sizeof(err));
    /* An existing store must be empty. */
    if (rc == 0 && access(data, F_OK) == 0) {
        store_t *cur = NULL;
        rc = store_open_readonly(dir, false, &cur, err, sizeof(err));
        if (rc == 0)
            rc = store_is_empty(cur, err, sizeof(err));
        store_close(&cur);
    }
    store_t *s = NULL;
    uint64_t records = 0, noms = 0, last = 0;
    bool made = false;
    if (rc == 0) {
        /* A directory of its own, made here with mode 0700 (mkdtemp): a
         * name fixed in advance could be a symlink to somewhere else. */
        snprintf(tmpdir, sizeof(tmpdir), "%s/import.XXXXXX", dir);
        made = mkdtemp(tmpdir) != NULL;
        if (!made) {
            snprintf(err, sizeof(err), _("cannot create a directory in %s (%s)"), dir,
                     strerror(errno));
            rc = -EX_ESTORAGE;
        }
        snprintf(tmpdata, sizeof(tmpdata), "%s/data.mdb", tmpdir);
    }
    if (rc == 0)
        rc = store_open(tmpdir, 1ull << 30, 1ull << 40, &s, err, sizeof(err));
    if (rc == 0)
        rc = import_file(in, s, &records, &noms, &last, err, sizeof(err), prog);
    if (rc == 0 && store_sync(s) < 0) {
        snprintf(err, sizeof(err), _("cannot sync %s"), tmpdata);
        rc = -EX_ESTORAGE;
    }
    store_close(&s);
    if (rc == 0 && geteuid() == 0 && chown(tmpdata, dir_st.st_uid, dir_st.st_gid) < 0) {
        snprintf(err, sizeof(err), _("cannot give %s to the state directory's owner (%s)"), tmpdata,
                 strerror(errno));
        rc = -EX_ESTORAGE;
    }
    /* a log left by the empty store does not belong to the new file */
    if (rc == 0)
        rc = store_wal_discard(dir, err, sizeof(err));
    if (rc == 0 && (rename(tmpdata, data) < 0 || (unlink(lockf) < 0 && errno != ENOENT) ||
                    sync_dir_of(data) < 0)) {
        snprintf(err, sizeof(err), _("cannot move %s to %s (%s)"), tmpdata, data, strerror(errno));
        rc = -EX_ESTORAGE;
    }
    if (made)
        remove_tmp(tmpdir);
    if (lock >= 0)
        close(lock);
    if (!from_stdin)
        fclose(in);
    if (rc < 0)
        return store_fail(o, rc, err);
    ex_progress_clear(prog); /* erased before the result */
    int64_t ms = now_ms() - start;
    if (o->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "state_dir", json_object_new_string(dir));
        json_object_object_add(doc, "records", json_object_new_uint64(records));
        json_object_object_add(doc, "nominations", json_object_new_uint64(noms));
        json_object_object_add(doc, "last_seq", json_object_new_uint64(last));
        json_object_object_add(doc, "ms", json_object_new_int64(ms));
        print_json(doc);
    } else {
        printf(_("imported %" PRIu64 " records into %s: %" PRIu64
                 " nominations, last change %" PRIu64
                 " (%lld ms)\nnext: systemctl start exemplard; exemplarctl fsck\n"),
               records, dir, noms, last, (long long)ms);
    }
    return 0;
}

/* ---- fsck --------------------------------------------------------------- */

int offline_fsck(const offline_t *o)
{
    char err[2 * PATH_MAX];
    int lock = -1;
    int rc = store_lock_dir(o->state_dir, &lock, err, sizeof(err));
    if (rc < 0)
        return store_fail(o, rc, err);
    /* What the daemon would replay at start is replayed first: fsck checks
     * the store every acknowledged change is in. */
    uint64_t replayed = 0;
    rc = store_wal_recover(o->state_dir, &replayed, err, sizeof(err));
    if (rc < 0) {
        close(lock);
        return store_fail(o, rc, err);
    }
    if (replayed && !o->json)
        printf("replayed %" PRIu64 " records of the write-ahead log first\n", replayed);
    char walerr[600] = "";
    int walrc = store_wal_check(o->state_dir, walerr, sizeof(walerr));
    store_t *s = NULL;
    rc = store_open_readonly(o->state_dir, false, &s, err, sizeof(err));
    if (rc < 0) {
        close(lock);
        return store_fail(o, rc, err);
    }
    store_txn_t t;
    records_counters_t c = {0};
    Exemplar__FsckReply out = EXEMPLAR__FSCK_REPLY__INIT;
    fsck_t f = {0};
    bool ready = false;
    rc = store_txn_begin(s, false, &t);
    if (rc == 0)
        rc = records_load_counters(&t, &c);
    if (rc == 0)
        rc = fsck_init(&f, &t, c.next_id ? c.next_id - 1 : 0, OFFLINE_FSCK_PROBLEMS, &out);
    ready = rc == 0;
    if (rc == 0)
        rc = fsck_run(&f);
    if (rc == 0 && walrc < 0 && walrc != -EX_ENOTFOUND)
        fsck_problem(&f, "the write-ahead log: %s", walerr);
    store_txn_abort(&t);
    store_close(&s);
    close(lock);
    int status = 0;
    if (rc < 0) {
        status = report(o, rc, _("the store cannot be read to its end: restore a backup"));
    } else {
        out.problems = f.problems;
        out.problem_list = f.sentences;
        out.n_problem_list = f.kept;
        if (o->json) {
            /* the document exemplarctl fsck --json prints */
            json_object *doc = json_object_new_object();
            json_object_object_add(doc, "state_dir", json_object_new_string(o->state_dir));
            json_object_object_add(doc, "nominations", json_object_new_uint64(out.nominations));
            json_object_object_add(doc, "changes", json_object_new_uint64(out.changes));
            json_object_object_add(doc, "last_seq", json_object_new_uint64(out.last_seq));
            json_object_object_add(doc, "by_state_entries",
                                   json_object_new_uint64(out.by_state_entries));
            json_object_object_add(doc, "by_state_stale",
                                   json_object_new_uint64(out.by_state_stale));
            json_object_object_add(doc, "by_unit_entries",
                                   json_object_new_uint64(out.by_unit_entries));
            json_object_object_add(doc, "problems", json_object_new_uint64(f.problems));
            json_object_object_add(doc, "index_problems", json_object_new_uint64(f.index_problems));
            json_object *list = json_object_new_array();
            for (size_t i = 0; i < f.kept; i++)
                json_object_array_add(list, json_object_new_string(f.sentences[i]));
            json_object_object_add(doc, "problem_list", list);
            print_json(doc);
        } else {
            printf(_("fsck %s: %" PRIu64 " nominations, %" PRIu64 " changes, last change %" PRIu64
                     ", %" PRIu64 " problems (%" PRIu64 " of the indexes)\n"),
                   o->state_dir, out.nominations, out.changes, out.last_seq, f.problems,
                   f.index_problems);
            for (size_t i = 0; i < f.kept; i++)
                printf("  %s\n", f.sentences[i]);
            if (f.index_problems && f.index_problems == f.problems)
                printf(
                    _("the indexes can be rebuilt: start exemplard; exemplarctl fsck --repair\n"));
        }
        status = f.problems ? EXIT_FAILURE_OTHER : 0;
    }
    if (ready)
        fsck_deinit(&f);
    return status;
}

/* ---- dumps for the online backup and export ----------------------------- */

static int dump_write(offline_dump_result_t *r, store_t *s, const char *kind, int fd)
{
    char err[1024] = "";
    int rc;
    if (strcmp(kind, "backup") == 0) {
        rc = store_copy_compact(s, fd, err, sizeof(err));
        if (rc < 0) {
            snprintf(r->why, sizeof(r->why), "%.500s",
                     strncmp(err, "store, ", 7) == 0 ? err + 7 : err);
            return rc;
        }
        /* The copy must pass restore's first check and open as a store of
         * this schema; LMDB opens it by the unnamed file's own path. */
        mdbfile_info_t info;
        if (mdbfile_check_fd(fd, &info, err, sizeof(err)) < 0) {
            snprintf(r->why, sizeof(r->why), _("the copy is damaged: %.480s"), err);
            return -EX_ESTORAGE;
        }
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        store_t *copy = NULL;
        rc = store_open_readonly(path, true, &copy, err, sizeof(err));
        if (rc == 0)
            rc = store_counts(copy, &r->nominations, &r->last_seq);
        store_close(&copy);
        if (rc < 0)
            snprintf(r->why, sizeof(r->why), _("the copy cannot be read back"));
        return rc < 0 ? -EX_ESTORAGE : 0;
    }
    int dfd = dup(fd);
    FILE *f = dfd >= 0 ? fdopen(dfd, "w") : NULL;
    if (!f) {
        if (dfd >= 0)
            close(dfd);
        snprintf(r->why, sizeof(r->why), _("cannot write the export (%s)"), strerror(errno));
        return -EX_EINTERNAL;
    }
    store_txn_t t;
    rc = store_txn_begin(s, false, &t);
    if (rc == 0) {
        rc = exportfmt_write(&t, f, &r->records, &r->nominations, &r->last_seq, err, sizeof(err));
        store_txn_abort(&t);
    }
    bool failed = fflush(f) != 0 || ferror(f);
    int werr = errno;
    fclose(f);
    if (rc < 0) {
        snprintf(r->why, sizeof(r->why), "%.500s", err[0] ? err : _("cannot read the store"));
        return rc;
    }
    if (failed) {
        snprintf(r->why, sizeof(r->why), _("cannot write the export (%s)"), strerror(werr));
        return werr == ENOSPC || werr == EDQUOT ? -EX_EFULL : -EX_ESTORAGE;
    }
    return 0;
}

static int dump_digest(int fd, offline_dump_result_t *r)
{
    static uint8_t buf[1 << 16];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof(r->digest));
    uint64_t off = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof(buf), (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(r->why, sizeof(r->why), _("cannot read the dump back (%s)"), strerror(errno));
            return -EX_ESTORAGE;
        }
        if (n == 0)
            break;
        crypto_generichash_update(&st, buf, (size_t)n);
        off += (uint64_t)n;
    }
    crypto_generichash_final(&st, r->digest, sizeof(r->digest));
    r->size = off;
    return 0;
}

int offline_dump(const offline_t *o, const char *kind, int fd, int result_fd)
{
    /* The daemon waits for this process; without the daemon it has no
     * reader, so it ends with it. */
    pid_t parent = getppid();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        return 1;
    offline_dump_result_t r;
    memset(&r, 0, sizeof(r));
    char err[1024];
    store_t *s = NULL;
    if (strcmp(kind, "backup") != 0 && strcmp(kind, "export") != 0) {
        r.rc = -EX_EINTERNAL;
        snprintf(r.why, sizeof(r.why), _("no such dump: %s"), kind);
    } else if (sodium_init() < 0) {
        r.rc = -EX_EINTERNAL;
        snprintf(r.why, sizeof(r.why), _("libsodium could not be initialised"));
    } else if ((r.rc = store_open_readonly(o->state_dir, false, &s, err, sizeof(err))) < 0) {
        snprintf(r.why, sizeof(r.why), "%.500s", strncmp(err, "store, ", 7) == 0 ? err + 7 : err);
    } else {
        r.rc = dump_write(&r, s, kind, fd);
        store_close(&s);
        if (r.rc == 0)
            r.rc = dump_digest(fd, &r);
    }
    ssize_t n;
    while ((n = write(result_fd, &r, sizeof(r))) < 0 && errno == EINTR)
        ;
    return n == (ssize_t)sizeof(r) ? 0 : 1;
}
