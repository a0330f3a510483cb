/* SPDX-License-Identifier: MIT */
/*
 * Online operator tools that hand the store over (ops.proto's DumpRequest):
 * backup (LMDB's compacting copy) and export (the JSON lines of README's
 * "Export format"); and the move table the daemon enforces.  Rows of
 * API_OPS; administrators only, but the move table, which anyone may read.
 *
 * A dump is made whole by the first request, from one read transaction of
 * what is committed (a group commit in hand is not in it), into an unnamed
 * temporary file (O_TMPFILE) in the state directory: nobody can plant or
 * read it by name, and it is gone with the daemon.  A backup's copy is then
 * checked as restore will check it (its meta pages: mdbfile.c) and opened
 * read-only through /proc/self/fd to count its nominations and last change.
 * The client reads it in pages by offset and checks the BLAKE2b digest, so
 * a remote administrator (tcp://, CURVE) gets the same file as a local one;
 * the daemon never writes a path a client names.
 *
 * The loop answers nothing else while a dump is written (as fsck), but keeps
 * the watchdog fed; the writer is never blocked by the copy itself (a
 * compacting copy takes no writer lock).  One dump is kept: a new one
 * replaces it, and one not read for DUMP_IDLE_MS is dropped at the next
 * request.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_call.h"
#include "errors.h"
#include "exportfmt.h"
#include "log.h"
#include "mdbfile.h"
#include "nom.h"
#include "sdnotify.h"

#define DUMP_PAGE_DEFAULT (4u << 20)
#define DUMP_PAGE_MAX     (8u << 20)
#define DUMP_IDLE_MS      (10 * 60 * 1000)
#define DUMP_DIGEST_BYTES 32

/* The one dump kept between requests (a daemon has one store). */
static struct {
    int fd; /* -1: none */
    uint64_t id;
    Exemplar__Request__BodyCase kind;
    uint64_t size, nominations, last_seq, records;
    uint8_t digest[DUMP_DIGEST_BYTES];
    int64_t used_ms;
} D = {.fd = -1};

static void dump_drop(void)
{
    if (D.fd >= 0)
        close(D.fd);
    D.fd = -1;
    D.id = 0;
}

/* An unnamed file in the state directory, readable by the daemon only. */
static int dump_tmpfile(call_t *x)
{
    int fd = open(x->api->cfg->state_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return api_refuse(x, errno == ENOSPC || errno == EDQUOT ? -EX_EFULL : -EX_ESTORAGE,
                          "cannot create a temporary file in %s (%s)", x->api->cfg->state_dir,
                          strerror(errno));
    return fd;
}

/* BLAKE2b of the whole file and its size. */
static int dump_digest(int fd, uint64_t *size, uint8_t *digest)
{
    static uint8_t buf[1 << 16];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, DUMP_DIGEST_BYTES);
    uint64_t off = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof(buf), (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -EX_ESTORAGE;
        if (n == 0)
            break;
        crypto_generichash_update(&st, buf, (size_t)n);
        off += (uint64_t)n;
        if ((off & ((64u << 20) - 1)) < (uint64_t)n)
            sdnotify_watchdog();
    }
    crypto_generichash_final(&st, digest, DUMP_DIGEST_BYTES);
    *size = off;
    return 0;
}

/* The compacted copy, checked and counted. */
static int make_backup(call_t *x, int fd)
{
    char err[1024], path[64];
    int rc = store_copy_compact(x->api->store, fd, err, sizeof(err));
    if (rc < 0)
        return api_refuse(x, rc, "%s", strncmp(err, "store, ", 7) == 0 ? err + 7 : err);
    mdbfile_info_t info;
    if (mdbfile_check_fd(fd, &info, err, sizeof(err)) < 0)
        return api_refuse(x, -EX_ESTORAGE, "the copy is damaged: %s", err);
    /* LMDB opens by path: the unnamed file's own, without a lock file. */
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    store_t *copy = NULL;
    rc = store_open_readonly(path, true, &copy, err, sizeof(err));
    store_txn_t t;
    if (rc == 0 && (rc = store_txn_begin(copy, false, &t)) == 0) {
        rc = exportfmt_counts(&t, &D.nominations, &D.last_seq);
        store_txn_abort(&t);
    }
    store_close(&copy);
    if (rc < 0)
        return api_refuse(x, -EX_ESTORAGE, "the copy cannot be read back");
    return 0;
}

/* The export's lines from one read transaction of what is committed. */
static int make_export(call_t *x, int fd)
{
    char err[1024] = "";
    int dfd = dup(fd);
    FILE *f = dfd >= 0 ? fdopen(dfd, "w") : NULL;
    if (!f) {
        if (dfd >= 0)
            close(dfd);
        return api_refuse(x, -EX_EINTERNAL, "cannot write the export (%s)", strerror(errno));
    }
    store_txn_t t;
    int rc = store_txn_begin(x->api->store, false, &t);
    if (rc == 0) {
        rc = exportfmt_write(&t, f, &D.records, &D.nominations, &D.last_seq, err, sizeof(err));
        store_txn_abort(&t);
    }
    bool failed = fflush(f) != 0 || ferror(f);
    int werr = errno;
    fclose(f);
    if (rc < 0)
        return api_refuse(x, rc, "%s", err[0] ? err : "cannot read the store");
    if (failed)
        return api_refuse(x, werr == ENOSPC || werr == EDQUOT ? -EX_EFULL : -EX_ESTORAGE,
                          "cannot write the export in %s (%s)", x->api->cfg->state_dir,
                          strerror(werr));
    return 0;
}

static int dump(call_t *x, Exemplar__Request__BodyCase kind, const Exemplar__DumpRequest *r)
{
    if (r->max_bytes > DUMP_PAGE_MAX)
        return api_refuse(x, -EX_EINVALID, "max_bytes must be 1-%u (0 means %u)", DUMP_PAGE_MAX,
                          DUMP_PAGE_DEFAULT);
    if (D.fd >= 0 && x->now_ms - D.used_ms > DUMP_IDLE_MS)
        dump_drop();
    if (r->dump_id == 0) {
        dump_drop();
        if (sodium_init() < 0)
            return api_refuse(x, -EX_EINTERNAL, "libsodium could not be initialised");
        int fd = dump_tmpfile(x);
        if (fd < 0)
            return fd;
        int64_t start = api_now_ms();
        D.fd = fd;
        D.kind = kind;
        D.records = D.nominations = D.last_seq = 0;
        int rc = kind == EXEMPLAR__REQUEST__BODY_BACKUP ? make_backup(x, fd) : make_export(x, fd);
        if (rc == 0 && dump_digest(fd, &D.size, D.digest) < 0)
            rc = api_refuse(x, -EX_ESTORAGE, "cannot read the dump back (%s)", strerror(errno));
        if (rc < 0) {
            dump_drop();
            return rc;
        }
        randombytes_buf(&D.id, sizeof(D.id));
        D.id |= 1; /* never 0 */
        log_notice("api, %s: %" PRIu64 " bytes, %" PRIu64 " nominations, last change %" PRIu64
                   " (%" PRId64 " ms)",
                   kind == EXEMPLAR__REQUEST__BODY_BACKUP ? "backup" : "export", D.size,
                   D.nominations, D.last_seq, api_now_ms() - start);
    } else if (D.fd < 0 || r->dump_id != D.id || kind != D.kind) {
        return api_refuse(x, -EX_ENOTFOUND,
                          "that %s is no longer kept (another one replaced it, or it was not "
                          "read for 10 minutes): start again",
                          kind == EXEMPLAR__REQUEST__BODY_BACKUP ? "backup" : "export");
    }
    if (r->offset > D.size)
        return api_refuse(x, -EX_EINVALID, "offset %" PRIu64 " is past the end (%" PRIu64 " bytes)",
                          r->offset, D.size);
    D.used_ms = x->now_ms;
    size_t want = r->max_bytes ? r->max_bytes : DUMP_PAGE_DEFAULT;
    if (want > D.size - r->offset)
        want = (size_t)(D.size - r->offset);
    uint8_t *page = malloc(want ? want : 1);
    if (!page)
        return -EX_EINTERNAL;
    size_t got = 0;
    while (got < want) {
        ssize_t n = pread(D.fd, page + got, want - got, (off_t)(r->offset + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(page);
            return api_refuse(x, -EX_ESTORAGE, "cannot read the dump (%s)",
                              n < 0 ? strerror(errno) : "it is shorter than it was");
        }
        got += (size_t)n;
    }
    Exemplar__DumpReply out = EXEMPLAR__DUMP_REPLY__INIT;
    out.dump_id = D.id;
    out.size = D.size;
    out.offset = r->offset;
    out.data.data = page;
    out.data.len = want;
    out.nominations = D.nominations;
    out.last_seq = D.last_seq;
    out.records = D.records;
    out.digest.data = D.digest;
    out.digest.len = DUMP_DIGEST_BYTES;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_DUMP;
    x->reply.dump = &out;
    int rc = api_pack(x);
    free(page);
    /* the last page read: nothing more to keep */
    if (rc == 0 && r->offset + want == D.size)
        dump_drop();
    return rc;
}

int api_dump_backup(call_t *x)
{
    return dump(x, EXEMPLAR__REQUEST__BODY_BACKUP, x->req->backup);
}

int api_dump_export(call_t *x)
{
    return dump(x, EXEMPLAR__REQUEST__BODY_EXPORT, x->req->export);
}

int api_dump_moves(call_t *x)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return -EX_EINTERNAL;
    nom_print_moves(f);
    if (fclose(f) != 0) {
        free(text);
        return -EX_EINTERNAL;
    }
    Exemplar__MovesReply out = EXEMPLAR__MOVES_REPLY__INIT;
    out.table = text;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_MOVES;
    x->reply.moves = &out;
    int rc = api_pack(x);
    free(text);
    return rc;
}
