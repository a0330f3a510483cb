/* SPDX-License-Identifier: MIT */
/*
 * What exemplarctl's backup, restore, export and import share (dump.h).
 * backup and export are requests to the running daemon (ops.proto's
 * DumpRequest): the daemon makes one snapshot and hands it over in pages,
 * which are written here to the caller's file, the size and BLAKE2b digest
 * checked.  restore and import are the daemon's own offline code, run in
 * place of this process on the state directory (statedir.h).
 */
#include "dump.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "statedir.h"

/* How long the daemon may take to write a snapshot; it answers "pending"
 * meanwhile, and is asked again every 100 ms. */
#define DUMP_TIMEOUT_MS (10 * 60 * 1000)
#define DUMP_DIGEST     32

/* ---- the daemon's program ------------------------------------------------ */

int64_t ctl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* exemplard: $EXEMPLARD; the build tree's when this is the build tree's
 * exemplarctl; the one installed beside this one (PREFIX/sbin next to
 * PREFIX/bin); else the configured prefix's. */
static const char *exemplard_path(char *buf, size_t len)
{
    const char *env = getenv("EXEMPLARD");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        const char *dir = dirname(exe);
        if (strcmp(dir, EXEMPLARCTL_BUILD_DIR) == 0)
            return EXEMPLARD_BUILD_PATH;
        snprintf(buf, len, "%s/../sbin/exemplard", dir);
        if (access(buf, X_OK) == 0)
            return buf;
    }
    return EXEMPLARD_INSTALL_PATH;
}

int ctl_exec_offline(ctl_t *ctl, const ctl_args_t *a, const char *option, const char *file)
{
    char dir[PATH_MAX], buf[PATH_MAX + 32], msg[2 * PATH_MAX + 128];
    ctl_find_state_dir(ctl, a, dir, sizeof(dir), NULL, 0);
    const char *prog = exemplard_path(buf, sizeof(buf));
    const char *argv[] = {prog, option, file, "--state-dir", dir, ctl->json ? "--json" : NULL,
                          NULL};
    fflush(NULL);
    execv(prog, (char *const *)argv);
    snprintf(msg, sizeof(msg),
             _("cannot run %s (%s): %s is the daemon's own code, run offline (set EXEMPLARD to "
               "the exemplard program)"),
             prog, strerror(errno), option);
    return ctl_fail(ctl, errno == ENOENT ? EX_ENOTFOUND : EX_EINTERNAL, msg);
}

/* ---- dumps, page by page ------------------------------------------------- */

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The pages, with the progress line (common/progress.h) of the caller's
 * fetch: "writing the snapshot" while the daemon answers pending, then the
 * bytes received out of the dump's size. */
static int fetch_pages(ctl_t *ctl, int body, int fd, const char *name, Exemplar__Reply **last,
                       ex_progress_t *prog);

int ctl_fetch_dump(ctl_t *ctl, int body, int fd, const char *name, Exemplar__Reply **last)
{
    ex_progress_t prog;
    ex_progress_init(&prog, body == EXEMPLAR__REQUEST__BODY_BACKUP ? "backup" : "export", NULL, 0);
    /* An export printed on the terminal itself: the line would land among
     * the records. */
    if (fd == STDOUT_FILENO && isatty(STDOUT_FILENO))
        prog.f = NULL;
    int status = fetch_pages(ctl, body, fd, name, last, &prog);
    ex_progress_deinit(&prog);
    return status;
}

static int fetch_pages(ctl_t *ctl, int body, int fd, const char *name, Exemplar__Reply **last,
                       ex_progress_t *prog)
{
    *last = NULL;
    int64_t start = ctl_now_ms();
    int status;
    ex_client_t *c = ctl_client(ctl, &status);
    if (!c)
        return status;
    if (sodium_init() < 0)
        return ctl_fail(ctl, EX_EINTERNAL, _("libsodium could not be initialised"));
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, DUMP_DIGEST);
    Exemplar__DumpRequest d = EXEMPLAR__DUMP_REQUEST__INIT;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = (Exemplar__Request__BodyCase)body;
    if (body == EXEMPLAR__REQUEST__BODY_BACKUP)
        req.backup = &d;
    else
        req.export = &d;
    char msg[PATH_MAX + 256];
    for (;;) {
        Exemplar__Reply *r = NULL;
        int rc = ex_client_call(c, &req, &r);
        if (ex_reply_status(rc, r) != 0) {
            status = ctl_fail_call(ctl, rc, r);
            ex_reply_free(r);
            ex_reply_free(*last);
            *last = NULL;
            return status;
        }
        const Exemplar__DumpReply *p = r->dump;
        if (p->pending && p->dump_id && (d.dump_id == 0 || p->dump_id == d.dump_id)) {
            /* the daemon's dump process is still writing the snapshot */
            if (d.dump_id == 0)
                ex_progress_phase(prog, _("writing the snapshot"));
            d.dump_id = p->dump_id;
            ex_reply_free(r);
            if (ctl_now_ms() - start > (int64_t)DUMP_TIMEOUT_MS) {
                ex_reply_free(*last);
                *last = NULL;
                return ctl_fail(ctl, EX_EUNAVAIL,
                                _("the daemon did not finish the snapshot within 10 minutes"));
            }
            struct timespec pause = {0, 100 * 1000 * 1000};
            nanosleep(&pause, NULL);
            continue;
        }
        bool ok = p->offset == d.offset && p->digest.len == DUMP_DIGEST &&
                  p->offset + p->data.len <= p->size && (d.dump_id == 0 || p->dump_id == d.dump_id);
        if (ok && (rc = write_all(fd, p->data.data, p->data.len)) < 0) {
            snprintf(msg, sizeof(msg), _("cannot write %s (%s)"), name, strerror(-rc));
            ex_reply_free(r);
            ex_reply_free(*last);
            *last = NULL;
            return ctl_fail(ctl, rc == -ENOSPC || rc == -EDQUOT ? EX_EFULL : EX_ESTORAGE, msg);
        }
        crypto_generichash_update(&st, p->data.data, p->data.len);
        d.dump_id = p->dump_id;
        d.offset += p->data.len;
        ex_reply_free(*last);
        *last = r;
        if (!ok || (p->data.len == 0 && d.offset < p->size)) {
            ex_reply_free(*last);
            *last = NULL;
            return ctl_fail(ctl, EX_EMALFORMED, _("the daemon's pages do not fit together"));
        }
        if (d.offset == p->data.len)
            ex_progress_tick_stop(prog); /* the first page: bytes from now on */
        ex_progress_total(prog, p->size);
        ex_progress_update(prog, d.offset);
        if (d.offset == p->size)
            break;
    }
    uint8_t digest[DUMP_DIGEST];
    crypto_generichash_final(&st, digest, sizeof(digest));
    if (memcmp(digest, (*last)->dump->digest.data, sizeof(digest)) != 0) {
        ex_reply_free(*last);
        *last = NULL;
        return ctl_fail(ctl, EX_EMALFORMED,
                        _("what arrived differs from what the daemon wrote (BLAKE2b digest)"));
    }
    return 0;
}
