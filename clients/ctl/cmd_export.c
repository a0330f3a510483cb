/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl export and import (issue 8): the store as JSON lines, and back
 * into an empty store with the same ids, versions and sequences.
 *
 * export opens the daemon's environment read-only (as backup does; it works
 * while the daemon serves) and writes, from ONE read transaction, a header
 * line, one line per record of every primary database and an end line that
 * counts them (README, "Export format").  Values are the stored protobuf
 * records converted by common/pbjson.c; keys are the LMDB keys in base64, so
 * import needs to know no key layout.  Indexes are not exported: import
 * rebuilds by_state, by_unit and the subject and event-identity indexes
 * from the records (records.c, key.h), and the daemon re-indexes events by
 * subject itself when it starts (api_events_index).
 *
 * import refuses a running daemon (the state directory's lock) and a store
 * that holds anything; it fills a fresh environment in a temporary
 * directory inside the state directory in large transactions (the map grows
 * as needed), checks the end line and the header's counts, and only then
 * renames the new data file into place: a failed or cut import leaves the
 * state directory as it was.  Each line is read strictly and each record
 * checked as the api checks what a peer sends (daemon/exportfmt.c).  export
 * writes FILE through a temporary nobody else can have made
 * (common/safefile.h).
 */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_events.h"
#include "ctl_store.h"
#include "events.pb-c.h"
#include "exportfmt.h"
#include "key.h"
#include "pbjson.h"
#include "plans.pb-c.h"
#include "jobs.h"
#include "records.h"
#include "safefile.h"
#include "store.h"

#define EXPORT_FORMAT         "exemplar-export"
#define EXPORT_FORMAT_VERSION 1
/* Records per import transaction. */
#define IMPORT_BATCH 20000

/* The databases exported, in file order (daemon/exportfmt.c). */
typedef exportfmt_type_t exported_t;
#define EXPORTED       EXPORTFMT_TYPES
#define EXPORTED_COUNT EXPORTFMT_COUNT

/* Databases rebuilt from the exported ones (meta: the schema version is in
 * the header, the events index position starts over). */
static const store_db_t DERIVED[] = {
    DB_META, DB_BY_STATE, DB_BY_UNIT, DB_BY_SUBJECT, DB_EVENTS_SEEN, DB_EVENTS_BY_SUBJECT,
    /* issue 5: the order indexes of timers and jobs; the quarterly tallies,
     * which the daemon builds from the change log (meta has no tally_seq) */
    DB_TIMER_DUE, DB_JOB_QUEUE, DB_TALLY, DB_TALLY_MOVES, DB_TALLY_RECOGNIZED, DB_TALLY_REVIEW,
    DB_TALLY_QUARTERS, DB_TALLY_DAYS, DB_TALLY_GAPS, DB_TALLY_DIRTY};

/* A database this build neither exports nor rebuilds would be lost: refuse
 * instead (a new database needs a row in EXPORTED or DERIVED). */
static int unknown_database(void)
{
    for (int db = 0; db < DB_COUNT; db++) {
        bool known = false;
        for (size_t i = 0; i < EXPORTED_COUNT; i++)
            known |= EXPORTED[i].db == (store_db_t)db;
        for (size_t i = 0; i < sizeof(DERIVED) / sizeof(DERIVED[0]); i++)
            known |= DERIVED[i] == (store_db_t)db;
        if (!known)
            return db;
    }
    return -1;
}

static void put_line(FILE *f, json_object *o)
{
    fputs(
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
        f);
    fputc('\n', f);
    json_object_put(o);
}

/* ---- export --------------------------------------------------------------- */

/* Writes every record of one database; adds to *count.  0 or a negative
 * EX_E* with err. */
static int export_db(store_txn_t *t, const exported_t *x, FILE *f, uint64_t *count, char *err,
                     size_t errlen)
{
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(t, x->db, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    while (rc == 0) {
        json_object *value;
        if (x->desc) {
            ProtobufCMessage *m = protobuf_c_message_unpack(x->desc, NULL, v.len, v.data);
            if (!m) {
                snprintf(err, errlen, "a %s record does not decode: the store is damaged (fsck)",
                         x->type);
                rc = -EX_ESTORAGE;
                break;
            }
            value = pbjson_from_message(m);
            protobuf_c_message_free_unpacked(m, NULL);
        } else {
            value = json_object_new_string_len(v.data, (int)v.len);
        }
        json_object *line = json_object_new_object();
        json_object_object_add(line, "type", json_object_new_string(x->type));
        json_object_object_add(line, "key", pbjson_base64(k.data, k.len));
        json_object_object_add(line, "value", value);
        put_line(f, line);
        (*count)++;
        rc = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        return 0;
    if (rc < 0 && !err[0])
        snprintf(err, errlen, "cannot read the %s records", x->type);
    return rc;
}

int cmd_export(ctl_t *ctl, const ctl_args_t *a)
{
    const char *file = a->argc > 0 ? a->argv[0] : "-";
    bool to_stdout = strcmp(file, "-") == 0;
    char dir[PATH_MAX], err[3 * PATH_MAX] = "";
    ctl_state_dir(a, dir, sizeof(dir));
    int db = unknown_database();
    if (db >= 0) {
        snprintf(err, sizeof(err),
                 "this exemplarctl does not know how to export database %d; use backup", db);
        return ctl_fail(ctl, EX_EINTERNAL, err);
    }
    struct stat st;
    if (!to_stdout && !a->opt[OPT_SLOT(OPT_FORCE)] && lstat(file, &st) == 0) {
        snprintf(err, sizeof(err), "%s exists; pass --force to replace it", file);
        return ctl_fail(ctl, EX_ECONFLICT, err);
    }
    int64_t start = ctl_now_ms();
    store_t *s = NULL;
    int rc = store_open_readonly(dir, false, &s, err, sizeof(err));
    if (rc < 0)
        return ctl_store_fail(ctl, rc, err);
    /* A temporary nobody else can have made (common/safefile.h), never FILE.tmp. */
    ex_safefile_t sf = {.fd = -1, .dirfd = -1};
    FILE *f = stdout;
    if (!to_stdout) {
        rc = ex_safefile_open(&sf, file, CTL_FILE_MODE,
                              a->opt[OPT_SLOT(OPT_FORCE)] ? EX_SAFEFILE_REPLACE : 0, err,
                              sizeof(err));
        f = rc == 0 ? fdopen(sf.fd, "w") : NULL;
        if (!f) {
            if (rc == 0) {
                rc = -errno;
                snprintf(err, sizeof(err), "cannot write %s (%s)", file, strerror(errno));
                ex_safefile_abort(&sf);
            }
            store_close(&s);
            return ctl_fail(ctl, ctl_file_status(rc), err);
        }
    }
    /* One read transaction: every line is of the same snapshot. */
    store_txn_t t;
    uint64_t count = 0, noms = 0, last = 0;
    rc = store_txn_begin(s, false, &t);
    if (rc == 0) {
        store_iter_t it;
        store_val_t k, v;
        noms = store_count(&t, DB_NOMINATIONS);
        if (store_iter_open(&t, DB_CHANGES, &it) == 0) {
            if (store_iter_last(&it, &k, &v) == 0 && k.len == 8)
                last = key_get_u64(k.data);
            store_iter_close(&it);
        }
        json_object *head = json_object_new_object();
        json_object_object_add(head, "type", json_object_new_string("header"));
        json_object_object_add(head, "format", json_object_new_string(EXPORT_FORMAT));
        json_object_object_add(head, "format_version", json_object_new_int(EXPORT_FORMAT_VERSION));
        json_object_object_add(head, "schema_version", json_object_new_int(STORE_SCHEMA_VERSION));
        json_object_object_add(head, "last_seq", json_object_new_uint64(last));
        json_object_object_add(head, "nominations", json_object_new_uint64(noms));
        put_line(f, head);
        for (size_t i = 0; rc == 0 && i < EXPORTED_COUNT; i++)
            rc = export_db(&t, &EXPORTED[i], f, &count, err, sizeof(err));
        store_txn_abort(&t);
    }
    store_close(&s);
    if (rc == 0) {
        json_object *end = json_object_new_object();
        json_object_object_add(end, "type", json_object_new_string("end"));
        json_object_object_add(end, "records", json_object_new_uint64(count));
        put_line(f, end);
    }
    if (rc == 0 && (fflush(f) != 0 || ferror(f))) {
        snprintf(err, sizeof(err), "cannot write %s (%s)", to_stdout ? "stdout" : file,
                 strerror(errno));
        rc = -EX_ESTORAGE;
    }
    int status = 0;
    if (!to_stdout) {
        /* the stream lets go of the descriptor; commit syncs and closes it */
        int fd = dup(sf.fd);
        fclose(f);
        if (fd < 0 && rc == 0) {
            snprintf(err, sizeof(err), "cannot write %s (%s)", file, strerror(errno));
            rc = -EX_ESTORAGE;
        }
        sf.fd = fd;
        if (rc == 0) {
            int c = ex_safefile_commit(&sf, err, sizeof(err));
            status = c < 0 ? ctl_file_status(c) : 0;
        } else {
            ex_safefile_abort(&sf);
        }
    }
    if (rc < 0)
        return ctl_store_fail(ctl, rc, err[0] ? err : "cannot read the store");
    if (status)
        return ctl_fail(ctl, status, err);
    int64_t ms = ctl_now_ms() - start;
    if (ctl->json && !to_stdout) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "file", json_object_new_string(file));
        json_object_object_add(doc, "records", json_object_new_uint64(count));
        json_object_object_add(doc, "nominations", json_object_new_uint64(noms));
        json_object_object_add(doc, "last_seq", json_object_new_uint64(last));
        json_object_object_add(doc, "ms", json_object_new_int64(ms));
        ctl_json_print(doc);
    } else {
        /* with the records on stdout, the summary goes to stderr */
        fprintf(to_stdout ? stderr : stdout,
                "export %s: %" PRIu64 " records, %" PRIu64 " nominations, last change %" PRIu64
                " (%lld ms)\n",
                file, count, noms, last, (long long)ms);
    }
    return EXIT_OK;
}

/* ---- import --------------------------------------------------------------- */

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
        /* issue 5: the record with its order index (jobs.h); the key is the id */
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
 * api checks what a peer sends (daemon/exportfmt.c). */
static int import_line(importer_t *im, store_txn_t *t, json_object *line, uint64_t no)
{
    exportfmt_record_t r;
    char why[512];
    int rc = exportfmt_record(line, &r, why, sizeof(why));
    if (rc < 0) {
        snprintf(im->err, im->errlen, "line %" PRIu64 ": %s; nothing imported", no, why);
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
                 "line %" PRIu64 ": the %s does not decode or does not match its key; nothing "
                 "imported",
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
            snprintf(im->err, im->errlen, "cannot write the store (%s)", ex_err_name(rc));
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
                     "the store is not empty (%" PRIu64 " nominations, %" PRIu64
                     " units, ...): import fills only an empty store; stop the daemon and move "
                     "data.mdb away, or import into another --state-dir",
                     store_count(&t, DB_NOMINATIONS), store_count(&t, DB_UNITS));
            rc = -EX_ECONFLICT;
            break;
        }
    }
    store_txn_abort(&t);
    return rc;
}

/* Reads the whole file into the store at tmpdir.  0 or a negative EX_E*. */
static int import_file(FILE *in, store_t *s, uint64_t *records, uint64_t *noms, uint64_t *last,
                       char *err, size_t errlen)
{
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
        /* exactly one strict JSON object per line (daemon/exportfmt.c) */
        json_object *line = NULL, *jt;
        char why[256];
        rc = exportfmt_parse_line(buf, (size_t)got, &line, why, sizeof(why));
        if (rc < 0) {
            snprintf(err, errlen, "line %" PRIu64 ": %s; nothing imported", no, why);
            break;
        }
        json_object_object_get_ex(line, "type", &jt);
        const char *type = json_object_get_string(jt);
        if (no == 1) {
            json_object *f, *fv, *sv, *l, *n;
            bool ok = strcmp(type, "header") == 0 &&
                      json_object_object_get_ex(line, "format", &f) &&
                      strcmp(json_object_get_string(f), EXPORT_FORMAT) == 0 &&
                      json_object_object_get_ex(line, "format_version", &fv) &&
                      json_object_object_get_ex(line, "schema_version", &sv) &&
                      json_object_object_get_ex(line, "last_seq", &l) &&
                      json_object_object_get_ex(line, "nominations", &n);
            if (!ok) {
                snprintf(err, errlen, "line 1 is not the header of an exemplarctl export");
                rc = -EX_EINVALID;
            } else if (json_object_get_int(fv) != EXPORT_FORMAT_VERSION ||
                       json_object_get_int(sv) != (int)STORE_SCHEMA_VERSION) {
                snprintf(err, errlen,
                         "the export has format %d and schema %d; this exemplarctl reads format "
                         "%d and schema %u",
                         json_object_get_int(fv), json_object_get_int(sv), EXPORT_FORMAT_VERSION,
                         STORE_SCHEMA_VERSION);
                rc = -EX_EINVALID;
            }
            want_last = json_object_get_uint64(l);
            want_noms = json_object_get_uint64(n);
            json_object_put(line);
            continue;
        }
        if (end_records != UINT64_MAX) {
            snprintf(err, errlen, "line %" PRIu64 ": records after the end line", no);
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
        if (im.n == IMPORT_BATCH)
            rc = flush(&im);
    }
    if (rc == 0 && im.n)
        rc = flush(&im);
    for (size_t i = 0; i < im.n; i++)
        json_object_put(im.lines[i]);
    free(im.lines);
    free(buf);
    if (rc == 0 && ferror(in)) {
        snprintf(err, errlen, "cannot read the file (%s)", strerror(errno));
        rc = -EX_ESTORAGE;
    }
    if (rc == 0 && no == 0) {
        snprintf(err, errlen, "the file is empty");
        rc = -EX_EINVALID;
    }
    if (rc == 0 && end_records != im.records) {
        snprintf(err, errlen,
                 end_records == UINT64_MAX
                     ? "the file ends without its end line: it was cut short; nothing imported"
                     : "the end line counts %" PRIu64 " records but %" PRIu64
                       " were read; nothing imported",
                 end_records, im.records);
        rc = -EX_EINVALID;
    }
    *records = im.records;
    if (rc == 0)
        rc = ctl_store_counts(s, noms, last);
    if (rc == 0 && (*noms != want_noms || *last != want_last)) {
        snprintf(err, errlen,
                 "the header promises %" PRIu64 " nominations and last change %" PRIu64
                 " but the records give %" PRIu64 " and %" PRIu64 "; nothing imported",
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

int cmd_import(ctl_t *ctl, const ctl_args_t *a)
{
    const char *file = a->argv[0];
    bool from_stdin = strcmp(file, "-") == 0;
    char dir[PATH_MAX], tmpdir[PATH_MAX + 16], data[PATH_MAX + 16], tmpdata[PATH_MAX + 32];
    char lockf[PATH_MAX + 16], err[4 * PATH_MAX] = "";
    ctl_state_dir(a, dir, sizeof(dir));
    snprintf(data, sizeof(data), "%s/data.mdb", dir);
    snprintf(lockf, sizeof(lockf), "%s/lock.mdb", dir);
    FILE *in = from_stdin ? stdin : fopen(file, "re");
    if (!in) {
        snprintf(err, sizeof(err), "cannot read %s (%s)", file, strerror(errno));
        return ctl_fail(ctl, errno == ENOENT ? EX_ENOTFOUND : EX_ESTORAGE, err);
    }
    int64_t start = ctl_now_ms();
    struct stat dir_st;
    int lock = -1, rc = 0;
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        snprintf(err, sizeof(err), "cannot create the state directory %s (%s)", dir,
                 strerror(errno));
        rc = -EX_ESTORAGE;
    } else if (stat(dir, &dir_st) < 0) {
        snprintf(err, sizeof(err), "cannot read %s (%s)", dir, strerror(errno));
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
            snprintf(err, sizeof(err), "cannot create a directory in %s (%s)", dir,
                     strerror(errno));
            rc = -EX_ESTORAGE;
        }
        snprintf(tmpdata, sizeof(tmpdata), "%s/data.mdb", tmpdir);
    }
    if (rc == 0)
        rc = store_open(tmpdir, 1ull << 30, 1ull << 40, &s, err, sizeof(err));
    if (rc == 0)
        rc = import_file(in, s, &records, &noms, &last, err, sizeof(err));
    if (rc == 0 && store_sync(s) < 0) {
        snprintf(err, sizeof(err), "cannot sync %s", tmpdata);
        rc = -EX_ESTORAGE;
    }
    store_close(&s);
    if (rc == 0 && geteuid() == 0 && chown(tmpdata, dir_st.st_uid, dir_st.st_gid) < 0) {
        snprintf(err, sizeof(err), "cannot give %s to the state directory's owner (%s)", tmpdata,
                 strerror(errno));
        rc = -EX_ESTORAGE;
    }
    if (rc == 0 && (rename(tmpdata, data) < 0 || (unlink(lockf) < 0 && errno != ENOENT) ||
                    ctl_sync_dir_of(data) < 0)) {
        snprintf(err, sizeof(err), "cannot move %s to %s (%s)", tmpdata, data, strerror(errno));
        rc = -EX_ESTORAGE;
    }
    if (made)
        remove_tmp(tmpdir);
    if (lock >= 0)
        close(lock);
    if (!from_stdin)
        fclose(in);
    if (rc < 0)
        return ctl_store_fail(ctl, rc, err);
    int64_t ms = ctl_now_ms() - start;
    if (ctl->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "state_dir", json_object_new_string(dir));
        json_object_object_add(doc, "records", json_object_new_uint64(records));
        json_object_object_add(doc, "nominations", json_object_new_uint64(noms));
        json_object_object_add(doc, "last_seq", json_object_new_uint64(last));
        json_object_object_add(doc, "ms", json_object_new_int64(ms));
        ctl_json_print(doc);
    } else {
        printf("imported %" PRIu64 " records into %s: %" PRIu64 " nominations, last change %" PRIu64
               " (%lld ms)\nnext: systemctl start exemplard; exemplarctl fsck\n",
               records, dir, noms, last, (long long)ms);
    }
    return EXIT_OK;
}
