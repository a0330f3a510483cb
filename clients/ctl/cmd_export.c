/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl export and import: the store as JSON lines (README, "Export
 * format"), and back into an empty store with the same ids, versions and
 * sequences.
 *
 * export asks the running daemon (ops.proto's DumpRequest): the daemon
 * writes, from ONE read transaction, a header line, one line per record of
 * every primary database and an end line that counts them, and hands the
 * file over in pages (dump.h).  exemplarctl writes them to stdout, or
 * to FILE through a temporary nobody else can have made (common/safefile.h).
 *
 * import is offline: the daemon's own code (`exemplard --import FILE`,
 * daemon/offline.c), which exemplarctl runs in its place.
 */
#include "cmd_export.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump.h"
#include "output.h"
#include "safefile.h"

int cmd_export(ctl_t *ctl, const ctl_args_t *a)
{
    const char *file = a->argc > 0 ? a->argv[0] : "-";
    bool to_stdout = strcmp(file, "-") == 0;
    bool force = a->opt[OPT_SLOT(OPT_FORCE)] != NULL;
    char err[3 * PATH_MAX] = "";
    struct stat st;
    if (!to_stdout && !force && lstat(file, &st) == 0) {
        snprintf(err, sizeof(err), _("%s exists; pass --force to replace it"), file);
        return ctl_fail(ctl, EX_ECONFLICT, err);
    }
    int64_t start = ctl_now_ms();
    /* A temporary nobody else can have made (common/safefile.h), never FILE.tmp. */
    ex_safefile_t sf = {.fd = -1, .dirfd = -1};
    int fd = STDOUT_FILENO;
    if (!to_stdout) {
        int rc = ex_safefile_open(&sf, file, CTL_FILE_MODE, force ? EX_SAFEFILE_REPLACE : 0, err,
                                  sizeof(err));
        if (rc < 0)
            return ctl_fail(ctl,
                            rc == -EEXIST                    ? EX_ECONFLICT
                            : rc == -ENOSPC || rc == -EDQUOT ? EX_EFULL
                                                             : EX_ESTORAGE,
                            err);
        fd = sf.fd;
    }
    fflush(stdout);
    Exemplar__Reply *last = NULL;
    int status =
        ctl_fetch_dump(ctl, EXEMPLAR__REQUEST__BODY_EXPORT, fd, to_stdout ? "stdout" : file, &last);
    if (status) {
        if (!to_stdout)
            ex_safefile_abort(&sf);
        return status;
    }
    if (!to_stdout) {
        int rc = ex_safefile_commit(&sf, err, sizeof(err));
        if (rc < 0) {
            ex_reply_free(last);
            return ctl_fail(ctl, rc == -ENOSPC || rc == -EDQUOT ? EX_EFULL : EX_ESTORAGE, err);
        }
    }
    const Exemplar__DumpReply *d = last->dump;
    int64_t ms = ctl_now_ms() - start;
    if (ctl->json && !to_stdout) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "file", json_object_new_string(file));
        json_object_object_add(doc, "records", json_object_new_uint64(d->records));
        json_object_object_add(doc, "nominations", json_object_new_uint64(d->nominations));
        json_object_object_add(doc, "last_seq", json_object_new_uint64(d->last_seq));
        json_object_object_add(doc, "ms", json_object_new_int64(ms));
        ctl_json_print(doc);
    } else {
        /* with the records on stdout, the summary goes to stderr */
        fprintf(to_stdout ? stderr : stdout,
                _("export %s: %" PRIu64 " records, %" PRIu64 " nominations, last change %" PRIu64
                  " (%lld ms)\n"),
                file, d->records, d->nominations, d->last_seq, (long long)ms);
    }
    ex_reply_free(last);
    return EXIT_OK;
}

int cmd_import(ctl_t *ctl, const ctl_args_t *a)
{
    return ctl_exec_offline(ctl, a, "--import", a->argv[0]);
}
