/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's backup and restore (cmd_backup.h); what they share with
 * export and import is dump.c's.
 *
 * backup asks the running daemon for a copy (ops.proto's DumpRequest): the
 * daemon copies one read transaction's snapshot, compacted, into a file of
 * its own, checks it and hands it over in pages; exemplarctl writes them to
 * a temporary in FILE's directory that nobody else can have made
 * (common/safefile.h: never a fixed name such as FILE.tmp), checks the size
 * and the BLAKE2b digest the daemon sent, syncs it and renames it to FILE.
 * So it works the same over tcp:// as on the daemon's machine, and needs an
 * administrator's key rather than the exemplard user's rights.
 *
 * restore is offline: the daemon's own code (`exemplard --restore FILE`,
 * daemon/offline.c) run on the stopped daemon's state directory.
 * exemplarctl runs that program in its place with --state-dir.
 */
#include "cmd_backup.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "dump.h"
#include "output.h"
#include "safefile.h"

/* ---- backup ------------------------------------------------------------- */

static int file_status(int rc)
{
    return rc == -EEXIST ? EX_ECONFLICT : rc == -ENOSPC || rc == -EDQUOT ? EX_EFULL : EX_ESTORAGE;
}

int cmd_backup(ctl_t *ctl, const ctl_args_t *a)
{
    const char *file = a->argv[0];
    char err[3 * PATH_MAX], msg[3 * PATH_MAX + 64];
    bool force = a->opt[OPT_SLOT(OPT_FORCE)] != NULL;
    struct stat st;
    if (!force && lstat(file, &st) == 0) {
        snprintf(msg, sizeof(msg), _("%s exists; pass --force to replace it"), file);
        return ctl_fail(ctl, EX_ECONFLICT, msg);
    }
    int64_t start = ctl_now_ms();
    /* A temporary nobody else can have made (common/safefile.h), never FILE.tmp. */
    ex_safefile_t sf;
    int rc = ex_safefile_open(&sf, file, CTL_FILE_MODE, force ? EX_SAFEFILE_REPLACE : 0, err,
                              sizeof(err));
    if (rc < 0)
        return ctl_fail(ctl, file_status(rc), err);
    Exemplar__Reply *last = NULL;
    int status = ctl_fetch_dump(ctl, EXEMPLAR__REQUEST__BODY_BACKUP, sf.fd, file, &last);
    if (status) {
        ex_safefile_abort(&sf);
        return status;
    }
    rc = ex_safefile_commit(&sf, err, sizeof(err));
    if (rc < 0) {
        ex_reply_free(last);
        return ctl_fail(ctl, file_status(rc), err);
    }
    const Exemplar__DumpReply *d = last->dump;
    int64_t ms = ctl_now_ms() - start;
    if (ctl->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "file", json_object_new_string(file));
        json_object_object_add(doc, "bytes", json_object_new_uint64(d->size));
        json_object_object_add(doc, "nominations", json_object_new_uint64(d->nominations));
        json_object_object_add(doc, "last_seq", json_object_new_uint64(d->last_seq));
        json_object_object_add(doc, "ms", json_object_new_int64(ms));
        ctl_json_print(doc);
    } else {
        printf(_("backup %s: %" PRIu64 " bytes, %" PRIu64 " nominations, last change %" PRIu64
                 " (%lld ms)\n"),
               file, d->size, d->nominations, d->last_seq, (long long)ms);
    }
    ex_reply_free(last);
    return EXIT_OK;
}

/* ---- restore ------------------------------------------------------------ */

int cmd_restore(ctl_t *ctl, const ctl_args_t *a)
{
    return ctl_exec_offline(ctl, a, "--restore", a->argv[0]);
}
