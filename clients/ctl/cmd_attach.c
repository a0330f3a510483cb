/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl attach ID PART FILE, attachments ID, attachment get ID PART
 * [VERSION] [-o FILE] (see cmd_attach.h).  A file travels in one request:
 * attach asks the daemon first how large a file it takes (InfoReply
 * max_attachment_bytes), refuses a larger one here with the daemon's own
 * code (ZeroMQ would drop the request unanswered) and raises the client's
 * request limit to fit the rest.
 */
#include "cmd_attach.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "pbjson.h"
#include "safefile.h"

/* Room a request needs besides the file (the daemon's CONFIG_ATTACHMENT_ROOM). */
#define ATTACH_ROOM (4u << 10)

static int parse_request_id(ctl_t *ctl, const ctl_args_t *a, uint64_t *id)
{
    *id = 0;
    const char *text = a->opt[OPT_SLOT(OPT_REQUEST_ID)];
    return text ? ctl_parse_u64(ctl, "--request-id", text, 1, id) : 0;
}

/* The hex of a SHA-256 (32 bytes) into hex[65]; "-" for another length. */
static const char *sha_hex(const ProtobufCBinaryData *sha, char *hex)
{
    if (sha->len != 32)
        return "-";
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", sha->data[i]);
    return hex;
}

/* Prints the dossier's files, oldest first, the latest of each part marked. */
static void print_files(const Exemplar__Dossier *d)
{
    printf(_("nomination %llu\n"), (unsigned long long)d->nomination_id);
    if (!d->n_attachments) {
        printf("  %s\n", _("no file attached"));
        return;
    }
    for (size_t i = 0; i < d->n_attachments; i++) {
        const Exemplar__Attachment *a = d->attachments[i];
        bool latest = true;
        for (size_t j = 0; j < d->n_attachments; j++)
            latest &= strcmp(d->attachments[j]->part, a->part) != 0 ||
                      d->attachments[j]->version <= a->version;
        char hex[65], when[32] = "";
        time_t t = (time_t)(a->uploaded_ms / 1000);
        struct tm tm;
        if (gmtime_r(&t, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
        printf(_("  %s%-14s v%-3u %s  %s  %llu bytes  %s  %s  sha256 %s\n"), latest ? "*" : " ",
               a->part, a->version, a->filename, a->media_type, (unsigned long long)a->size,
               a->uploaded_by, when, sha_hex(&a->sha256, hex));
    }
    printf("  %s\n", _("(* the latest version of a part: the one that counts)"));
}

/* Reads the whole of path (at most max bytes) into *buf. */
static int read_file(ctl_t *ctl, const char *path, uint64_t max, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = f ? (S_ISREG(st.st_mode) ? errno : EISDIR) : errno;
        if (f)
            fclose(f);
        return ctl_fail_local(ctl, _("cannot read %s (%s)"), path, strerror(e));
    }
    if ((uint64_t)st.st_size > max) {
        fclose(f);
        char msg[512];
        snprintf(msg, sizeof msg,
                 _("file %s is %llu KiB, more than the %llu KiB the daemon takes for a dossier "
                   "file ([dossier] max_attachment_mib, within [api] max_message_bytes): scan it "
                   "at a lower resolution or split it"),
                 path, (unsigned long long)(st.st_size + 1023) / 1024,
                 (unsigned long long)max / 1024);
        return ctl_fail(ctl, EX_ETOOBIG, msg);
    }
    *len = (size_t)st.st_size;
    *buf = malloc(*len ? *len : 1);
    if (!*buf || fread(*buf, 1, *len, f) != *len) {
        int e = errno;
        fclose(f);
        free(*buf);
        *buf = NULL;
        return ctl_fail_local(ctl, _("cannot read %s (%s)"), path, strerror(e));
    }
    fclose(f);
    return 0;
}

int cmd_attach(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id = 0, request_id = 0;
    const char *part = a->argv[1], *path = a->argv[2];
    int status = ctl_parse_u64(ctl, N_("the nomination id"), a->argv[0], 1, &id);
    if (!status)
        status = parse_request_id(ctl, a, &request_id);
    ex_client_t *c = status ? NULL : ctl_client(ctl, &status);
    if (!c)
        return status;
    /* how large a file the daemon takes (0 from a daemon without files) */
    Exemplar__Reply *info = NULL;
    if ((status = ctl_call_status(ctl, ex_info(c, &info), &info)) != 0)
        return status;
    uint64_t max = info->info->max_attachment_bytes;
    ex_reply_free(info);
    uint8_t *bytes = NULL;
    size_t len = 0;
    if ((status = read_file(ctl, path, max, &bytes, &len)) != 0)
        return status;
    ex_client_set_max_request(c, len + ATTACH_ROOM);
    const char *base = strrchr(path, '/');
    Exemplar__AttachmentAddRequest b = EXEMPLAR__ATTACHMENT_ADD_REQUEST__INIT;
    b.nomination_id = id;
    b.part = (char *)part;
    b.filename = (char *)(base ? base + 1 : path);
    b.content.data = bytes;
    b.content.len = len;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_ATTACHMENT_ADD;
    req.attachment_add = &b;
    req.request_id = request_id;
    Exemplar__Reply *reply = NULL;
    status = ctl_call(ctl, &req, &reply);
    free(bytes);
    if (status)
        return status;
    const Exemplar__Dossier *d = reply->dossier ? reply->dossier->dossier : NULL;
    if (!d) {
        ex_reply_free(reply);
        return ctl_fail_local(ctl, "%s", _("the daemon's answer holds no dossier"));
    }
    if (ctl->json)
        ctl_json_print(pbjson_from_message(&d->base));
    else
        print_files(d);
    ex_reply_free(reply);
    return EXIT_OK;
}

/* attachment-get: the list (part NULL) or one file. */
static int get(ctl_t *ctl, uint64_t id, const char *part, uint32_t version, Exemplar__Reply **reply)
{
    Exemplar__AttachmentGetRequest b = EXEMPLAR__ATTACHMENT_GET_REQUEST__INIT;
    b.nomination_id = id;
    b.part = (char *)(part ? part : "");
    b.version = version;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_ATTACHMENT_GET;
    req.attachment_get = &b;
    int status = ctl_call(ctl, &req, reply);
    if (status == 0 && !(*reply)->attachment) {
        ex_reply_free(*reply);
        *reply = NULL;
        return ctl_fail_local(ctl, "%s", _("the daemon's answer holds no dossier"));
    }
    return status;
}

int cmd_attachments(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id = 0;
    int status = ctl_parse_u64(ctl, N_("the nomination id"), a->argv[0], 1, &id);
    Exemplar__Reply *reply = NULL;
    if (status || (status = get(ctl, id, NULL, 0, &reply)) != 0)
        return status;
    const Exemplar__Dossier *d = reply->attachment->dossier;
    if (ctl->json) {
        json_object *list = json_object_new_array();
        for (size_t i = 0; d && i < d->n_attachments; i++)
            json_object_array_add(list, pbjson_from_message(&d->attachments[i]->base));
        ctl_json_print(list);
    } else if (d) {
        print_files(d);
    }
    ex_reply_free(reply);
    return EXIT_OK;
}

int cmd_attachment(ctl_t *ctl, const ctl_args_t *a)
{
    if (strcmp(a->argv[0], "get") != 0 || a->argc < 3)
        return ctl_usage(ctl, "%s", _("attachment get ID PART [VERSION] [-o FILE]"));
    uint64_t id = 0, version = 0;
    const char *out = a->opt[OPT_SLOT(OPT_OUTPUT)];
    int status = ctl_parse_u64(ctl, N_("the nomination id"), a->argv[1], 1, &id);
    if (!status && a->argc > 3)
        status = ctl_parse_u64(ctl, N_("the version"), a->argv[3], 1, &version);
    if (!status && version > UINT32_MAX)
        status = ctl_usage(ctl, "%s", _("a version is a number from 1"));
    Exemplar__Reply *reply = NULL;
    if (status || (status = get(ctl, id, a->argv[2], (uint32_t)version, &reply)) != 0)
        return status;
    const Exemplar__AttachmentReply *r = reply->attachment;
    const Exemplar__Attachment *at = r->attachment;
    if (!at) {
        ex_reply_free(reply);
        return ctl_fail_local(ctl, "%s", _("the daemon's answer holds no file"));
    }
    if (out) {
        ex_safefile_t sf;
        char err[512];
        int rc = ex_safefile_open(&sf, out, 0640, EX_SAFEFILE_REPLACE, err, sizeof err);
        size_t off = 0;
        while (rc == 0 && off < r->content.len) {
            ssize_t n = write(sf.fd, r->content.data + off, r->content.len - off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                snprintf(err, sizeof err, _("cannot write %s (%s)"), out, strerror(errno));
                ex_safefile_abort(&sf);
                rc = -1;
                break;
            }
            off += (size_t)n;
        }
        if (rc == 0)
            rc = ex_safefile_commit(&sf, err, sizeof err);
        if (rc < 0)
            status = ctl_fail_local(ctl, "%s", err);
        else if (!ctl->json)
            fprintf(stderr, _("%s: %s version %u of nomination %llu, %s, %llu bytes\n"), out,
                    at->part, at->version, (unsigned long long)id, at->media_type,
                    (unsigned long long)r->content.len);
        if (rc == 0 && ctl->json)
            ctl_json_print(pbjson_from_message(&at->base));
    } else if (ctl->json) {
        ctl_json_print(pbjson_from_message(&r->base));
    } else if (fwrite(r->content.data, 1, r->content.len, stdout) != r->content.len ||
               fflush(stdout) != 0) {
        status = ctl_fail_local(ctl, _("cannot write the output (%s)"), strerror(errno));
    }
    ex_reply_free(reply);
    return status;
}
