/* SPDX-License-Identifier: MIT */
/*
 * Online operator tools that hand the store over (ops.proto's DumpRequest):
 * backup (LMDB's compacting copy) and export (the JSON lines of README's
 * "Export format"); and the move table the daemon enforces.  Rows of
 * API_OPS; administrators only, but the move table, which anyone may read.
 *
 * The first request starts a dump process: the daemon's own program
 * (`exemplard --internal-dump`, offline.c's offline_dump) opens the
 * environment read-only beside the daemon, as LMDB's mdb_copy does, and
 * writes one read transaction's snapshot of what is committed into an
 * unnamed temporary file (O_TMPFILE) in the state directory that the daemon
 * made and passed to it: nobody can plant or read it by name, and it is gone
 * with the daemon.  It checks a backup as restore will (its meta pages,
 * mdbfile.c; opened and counted), computes the BLAKE2b digest and reports
 * through a pipe.  Meanwhile the daemon serves on (a reader never blocks
 * LMDB's one writer, and the process is not the loop), answering the dump's
 * requests with pending until the process has reported; then the pages are
 * read from the file by offset.  So a remote administrator (tcp://, CURVE)
 * gets the same file as a local one, and the daemon never writes a path a
 * client names.  The process dies with the daemon (PR_SET_PDEATHSIG).
 *
 * One dump is kept: a new one replaces it (its process is killed), one read
 * to its end is dropped, and one not read for DUMP_IDLE_MS is dropped at
 * the next dump request.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api_dump.h"

#include "api_call.h"
#include "errors.h"
#include "log.h"
#include "nom.h"
#include "offline.h"

#define DUMP_PAGE_DEFAULT (4u << 20)
#define DUMP_PAGE_MAX     (8u << 20)
#define DUMP_IDLE_MS      (10 * 60 * 1000)

extern char **environ;

/* The one dump kept between requests (a daemon has one store). */
static struct {
    pid_t pid;  /* the dump process while it runs, else -1 */
    int fd;     /* the file, -1: none */
    int result; /* the read end of the result pipe while the process runs */
    uint64_t id;
    Exemplar__Request__BodyCase kind;
    bool ready;
    offline_dump_result_t r;
    int64_t started_ms, used_ms;
} D = {.pid = -1, .fd = -1, .result = -1};

static const char *PROGRAM; /* offline_dump_program() */

void offline_dump_program(const char *path)
{
    PROGRAM = path;
}

static const char *kind_name(Exemplar__Request__BodyCase kind)
{
    return kind == EXEMPLAR__REQUEST__BODY_BACKUP ? "backup" : "export";
}

/* The kind in a sentence, in the request's language (kind_name is for argv). */
static const char *kind_text(Exemplar__Request__BodyCase kind)
{
    return l10n_pgettext("dump", kind_name(kind));
}

static void dump_drop(void)
{
    if (D.pid > 0) {
        kill(D.pid, SIGKILL);
        while (waitpid(D.pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (D.fd >= 0)
        close(D.fd);
    if (D.result >= 0)
        close(D.result);
    D.pid = -1;
    D.fd = D.result = -1;
    D.id = 0;
    D.ready = false;
}

/* Starts the dump process on a new unnamed file.  0 or a refusal. */
static int dump_start(call_t *x, Exemplar__Request__BodyCase kind)
{
    if (!PROGRAM)
        return api_refuse(x, -EX_EUNAVAIL, _("this process cannot run exemplard for a %s"),
                          kind_text(kind));
    const char *dir = x->cfg->state_dir;
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return api_refuse(x, errno == ENOSPC || errno == EDQUOT ? -EX_EFULL : -EX_ESTORAGE,
                          _("cannot create a temporary file in %s (%s)"), dir, strerror(errno));
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        close(fd);
        return api_refuse(x, -EX_EINTERNAL, _("cannot start the %s (%s)"), kind_text(kind),
                          strerror(errno));
    }
    /* The file and the pipe as fds 3 and 4 of the process (dup2 clears
     * O_CLOEXEC there), signals as a new process has them. */
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGTERM);
    sigaddset(&dflt, SIGINT);
    sigaddset(&dflt, SIGHUP);
    sigaddset(&dflt, SIGPIPE);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd, 3);
    posix_spawn_file_actions_adddup2(&fa, p[1], 4);
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dflt);
    char what[64];
    snprintf(what, sizeof(what), "--internal-dump=%s:3:4", kind_name(kind));
    char *const argv[] = {"exemplard", "--config", "/dev/null", "--state-dir",
                          (char *)dir, what,       NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, PROGRAM, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(p[1]);
    if (rc != 0) {
        close(fd);
        close(p[0]);
        return api_refuse(x, -EX_EINTERNAL, _("cannot start the %s process (%s)"), kind_text(kind),
                          strerror(rc));
    }
    D.pid = pid;
    D.fd = fd;
    D.result = p[0];
    D.kind = kind;
    D.ready = false;
    memset(&D.r, 0, sizeof(D.r));
    randombytes_buf(&D.id, sizeof(D.id));
    D.id |= 1; /* never 0 */
    D.started_ms = D.used_ms = x->now_ms;
    return 0;
}

/* Has the process reported?  0 (D.ready tells), or a refusal (dropped). */
static int dump_poll(call_t *x)
{
    if (D.ready)
        return 0;
    int status = 0;
    pid_t w;
    while ((w = waitpid(D.pid, &status, WNOHANG)) < 0 && errno == EINTR)
        ;
    if (w == 0)
        return 0; /* still writing */
    D.pid = -1;
    ssize_t n;
    while ((n = read(D.result, &D.r, sizeof(D.r))) < 0 && errno == EINTR)
        ;
    close(D.result);
    D.result = -1;
    const char *kind = kind_text(D.kind);
    if (n != (ssize_t)sizeof(D.r)) {
        dump_drop();
        if (w > 0 && WIFSIGNALED(status))
            return api_refuse(x, -EX_EINTERNAL, _("the %s process ended by %s"), kind,
                              strsignal(WTERMSIG(status)));
        return api_refuse(x, -EX_EINTERNAL, _("the %s process ended without finishing"), kind);
    }
    D.r.why[sizeof(D.r.why) - 1] = '\0';
    if (D.r.rc < 0) {
        int rc = D.r.rc;
        char why[sizeof(D.r.why)];
        memcpy(why, D.r.why, sizeof(why));
        dump_drop();
        log_warning("api, %s failed: %s", kind, why);
        return api_refuse(x, rc, "%s", why);
    }
    D.ready = true;
    log_notice("api, %s: %" PRIu64 " bytes, %" PRIu64 " nominations, last change %" PRIu64
               " (%" PRId64 " ms)",
               kind, D.r.size, D.r.nominations, D.r.last_seq, x->now_ms - D.started_ms);
    return 0;
}

static int dump(call_t *x, Exemplar__Request__BodyCase kind, const Exemplar__DumpRequest *r)
{
    if (r->max_bytes > DUMP_PAGE_MAX)
        return api_refuse(x, -EX_EINVALID, _("max_bytes must be 1-%u (0 means %u)"), DUMP_PAGE_MAX,
                          DUMP_PAGE_DEFAULT);
    if (D.id && x->now_ms - D.used_ms > DUMP_IDLE_MS)
        dump_drop();
    if (r->dump_id == 0) {
        dump_drop();
        if (sodium_init() < 0)
            return api_refuse(x, -EX_EINTERNAL, _("libsodium could not be initialised"));
        int rc = dump_start(x, kind);
        if (rc < 0)
            return rc;
    } else if (!D.id || r->dump_id != D.id || kind != D.kind) {
        return api_refuse(x, -EX_ENOTFOUND,
                          _("that %s is no longer kept (another one replaced it, or it was not "
                            "read for 10 minutes): start again"),
                          kind_text(kind));
    }
    D.used_ms = x->now_ms;
    int rc = dump_poll(x);
    if (rc < 0)
        return rc;
    Exemplar__DumpReply out = EXEMPLAR__DUMP_REPLY__INIT;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_DUMP;
    x->reply.dump = &out;
    out.dump_id = D.id;
    if (!D.ready) {
        out.pending = true;
        return api_pack(x);
    }
    if (r->offset > D.r.size)
        return api_refuse(x, -EX_EINVALID,
                          _("offset %" PRIu64 " is past the end (%" PRIu64 " bytes)"), r->offset,
                          D.r.size);
    size_t want = r->max_bytes ? r->max_bytes : DUMP_PAGE_DEFAULT;
    if (want > D.r.size - r->offset)
        want = (size_t)(D.r.size - r->offset);
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
            return api_refuse(x, -EX_ESTORAGE, _("cannot read the dump (%s)"),
                              n < 0 ? strerror(errno) : "it is shorter than it was");
        }
        got += (size_t)n;
    }
    out.size = D.r.size;
    out.offset = r->offset;
    out.data.data = page;
    out.data.len = want;
    out.nominations = D.r.nominations;
    out.last_seq = D.r.last_seq;
    out.records = D.r.records;
    out.digest.data = D.r.digest;
    out.digest.len = sizeof(D.r.digest);
    rc = api_pack(x);
    free(page);
    /* the last page read: nothing more to keep */
    if (rc == 0 && r->offset + want == D.r.size)
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

/* Rows of the move table a reply carries (NOM_MOVES has fewer). */
#define NOM_MOVES_MAX 64

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
    /* The same table as rows, for clients that offer a person the moves of
     * their role (exemplar-web). */
    Exemplar__MoveRow rows[NOM_MOVES_MAX];
    Exemplar__MoveRow *row_ptrs[NOM_MOVES_MAX];
    Exemplar__Role roles[NOM_MOVES_MAX][ROLE_COUNT];
    size_t n = NOM_MOVES_COUNT < NOM_MOVES_MAX ? NOM_MOVES_COUNT : NOM_MOVES_MAX;
    for (size_t i = 0; i < n; i++) {
        const nom_move_t *m = &NOM_MOVES[i];
        Exemplar__MoveRow init = EXEMPLAR__MOVE_ROW__INIT;
        rows[i] = init;
        rows[i].from = (Exemplar__State)m->from;
        rows[i].to = (Exemplar__State)m->to;
        rows[i].verb = (char *)m->verb;
        rows[i].window = (char *)nom_window_name(m->window);
        rows[i].guard = (char *)nom_guard_name(m->guard);
        rows[i].needs_reason = m->needs_reason;
        size_t k = 0;
        for (int r = 1; r < ROLE_COUNT; r++)
            if (m->roles & ROLE_BIT(r))
                roles[i][k++] = (Exemplar__Role)r;
        rows[i].roles = roles[i];
        rows[i].n_roles = k;
        row_ptrs[i] = &rows[i];
    }
    out.rows = row_ptrs;
    out.n_rows = n;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_MOVES;
    x->reply.moves = &out;
    int rc = api_pack(x);
    free(text);
    return rc;
}
