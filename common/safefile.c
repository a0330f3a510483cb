/* SPDX-License-Identifier: MIT */
/*
 * Whole files put in place without writing through anyone else's path
 * (safefile.h): the temporary is always a file this process has just
 * created, never a predictable name that someone may have planted.
 */
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "i18n.h"

/* Draws a fresh temporary name for base: ".BASE.RANDOM.tmp" (BASE cut so
 * the whole stays within NAME_MAX). */
static void draw_name(ex_safefile_t *sf)
{
    unsigned char r[6] = {0};
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
        /* never short for 6 bytes once the pool is ready; the exclusive
         * create below refuses any name that exists, whatever it is */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        memcpy(r, &ts.tv_nsec, sizeof(r) < sizeof(ts.tv_nsec) ? sizeof(r) : sizeof(ts.tv_nsec));
        r[5] ^= (unsigned char)getpid();
    }
    snprintf(sf->tmp, sizeof(sf->tmp), ".%.*s.%02x%02x%02x%02x%02x%02x.tmp", NAME_MAX - 20,
             sf->base, r[0], r[1], r[2], r[3], r[4], r[5]);
}

/* The sentence, in the person's language (what names the path with %s),
 * and the system's reason. */
__attribute__((format(printf, 4, 5))) static int fail(char *err, size_t errlen, int e,
                                                      const char *what, ...)
{
    char head[PATH_MAX + 256];
    va_list ap;
    va_start(ap, what);
    vsnprintf(head, sizeof(head), what, ap);
    va_end(ap);
    snprintf(err, errlen, "%s (%s)", head, strerror(e));
    return -e;
}

int ex_safefile_open(ex_safefile_t *sf, const char *path, mode_t mode, unsigned flags, char *err,
                     size_t errlen)
{
    memset(sf, 0, sizeof(*sf));
    sf->fd = sf->dirfd = -1;
    sf->flags = flags;
    size_t len = strlen(path);
    if (len >= sizeof(sf->path))
        return fail(err, errlen, ENAMETOOLONG, _("cannot create %s"), path);
    memcpy(sf->path, path, len + 1);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!base[0] || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return fail(err, errlen, EISDIR, _("cannot create %s"), path);
    if (strlen(base) > NAME_MAX)
        return fail(err, errlen, ENAMETOOLONG, _("cannot create %s"), path);
    snprintf(sf->base, sizeof(sf->base), "%s", base);
    char dir[PATH_MAX];
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    sf->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sf->dirfd < 0)
        return fail(err, errlen, errno, _("cannot open the directory of %s"), path);
    /* linkat through /proc is the unprivileged way to name an O_TMPFILE:
     * without /proc, take a name from the start. */
    if (!(flags & EX_SAFEFILE_NAMED) && access("/proc/self/fd", X_OK) == 0)
        sf->fd = openat(sf->dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
    sf->named = sf->fd < 0;
    for (int tries = 0; sf->fd < 0 && tries < 64; tries++) {
        draw_name(sf);
        sf->fd =
            openat(sf->dirfd, sf->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (sf->fd < 0 && errno != EEXIST)
            break;
    }
    if (sf->fd < 0) {
        int e = errno;
        close(sf->dirfd);
        sf->dirfd = -1;
        return fail(err, errlen, e, _("cannot create a temporary file next to %s"), path);
    }
    if (fchmod(sf->fd, mode) < 0) {
        int e = errno;
        ex_safefile_abort(sf);
        return fail(err, errlen, e, _("cannot set the mode of the temporary file for %s"), path);
    }
    return 0;
}

void ex_safefile_temp_path(const ex_safefile_t *sf, char *buf, size_t len)
{
    if (!sf->named) {
        snprintf(buf, len, "/proc/self/fd/%d", sf->fd);
        return;
    }
    const char *slash = strrchr(sf->path, '/');
    if (slash)
        snprintf(buf, len, "%.*s/%s", (int)(slash - sf->path), sf->path, sf->tmp);
    else
        snprintf(buf, len, "%s", sf->tmp);
}

/* Gives the unnamed temporary the name `name` (EEXIST when taken). */
static int link_unnamed(ex_safefile_t *sf, const char *name)
{
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", sf->fd);
    return linkat(AT_FDCWD, proc, sf->dirfd, name, AT_SYMLINK_FOLLOW);
}

int ex_safefile_commit(ex_safefile_t *sf, char *err, size_t errlen)
{
    int rc = 0;
    bool replace = sf->flags & EX_SAFEFILE_REPLACE;
    if (fsync(sf->fd) < 0) {
        rc = fail(err, errlen, errno, _("cannot sync the temporary file for %s"), sf->path);
        goto out;
    }
    if (!sf->named && !replace) {
        /* linkat never replaces: a target that appeared meanwhile stays */
        if (link_unnamed(sf, sf->base) < 0)
            rc = fail(err, errlen, errno, _("cannot create %s"), sf->path);
        goto synced;
    }
    for (int tries = 0; !sf->named && tries < 64; tries++) {
        draw_name(sf);
        if (link_unnamed(sf, sf->tmp) == 0)
            sf->named = true;
        else if (errno != EEXIST)
            break;
    }
    if (!sf->named) {
        rc = fail(err, errlen, errno, _("cannot name the temporary file for %s"), sf->path);
        goto out;
    }
    if (replace) {
        if (renameat(sf->dirfd, sf->tmp, sf->dirfd, sf->base) < 0)
            rc = fail(err, errlen, errno, _("cannot rename the temporary file to %s"), sf->path);
    } else if (renameat2(sf->dirfd, sf->tmp, sf->dirfd, sf->base, RENAME_NOREPLACE) < 0) {
        /* a filesystem without RENAME_NOREPLACE: link, which never replaces */
        if (errno != EINVAL || linkat(sf->dirfd, sf->tmp, sf->dirfd, sf->base, 0) < 0)
            rc = fail(err, errlen, errno, _("cannot create %s"), sf->path);
        unlinkat(sf->dirfd, sf->tmp, 0);
    }
    if (rc == 0)
        sf->named = false; /* the temporary's name is gone: nothing to remove */
synced:
    if (rc == 0 && fsync(sf->dirfd) < 0)
        rc = fail(err, errlen, errno, _("cannot sync the directory of %s"), sf->path);
out:
    if (rc < 0) {
        ex_safefile_abort(sf);
        return rc;
    }
    if (close(sf->fd) < 0)
        rc = fail(err, errlen, errno, _("cannot write %s"), sf->path);
    close(sf->dirfd);
    sf->fd = sf->dirfd = -1;
    sf->named = false;
    return rc;
}

void ex_safefile_abort(ex_safefile_t *sf)
{
    if (sf->named && sf->dirfd >= 0)
        unlinkat(sf->dirfd, sf->tmp, 0);
    if (sf->fd >= 0)
        close(sf->fd);
    if (sf->dirfd >= 0)
        close(sf->dirfd);
    sf->fd = sf->dirfd = -1;
    sf->named = false;
}

int ex_safefile_write(const char *path, mode_t mode, ex_safefile_stream_fn *stream,
                      ex_safefile_path_fn *bypath, void *ctx, char *err, size_t errlen)
{
    ex_safefile_t sf;
    int rc = ex_safefile_open(&sf, path, mode, EX_SAFEFILE_REPLACE, err, errlen);
    if (rc < 0)
        return rc == -ENOSPC ? -EX_EFULL : -EX_ESTORAGE;
    if (!stream) {
        char tmp[PATH_MAX + 64];
        ex_safefile_temp_path(&sf, tmp, sizeof(tmp));
        rc = bypath(ctx, tmp, err, errlen);
    } else {
        int fd = dup(sf.fd);
        FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
        if (!f) {
            if (fd >= 0)
                close(fd);
            rc = -EX_ESTORAGE;
        } else {
            rc = stream(ctx, f);
            if (fflush(f) != 0 || ferror(f))
                rc = rc < 0 ? rc : -EX_ESTORAGE;
            if (fclose(f) != 0)
                rc = rc < 0 ? rc : -EX_ESTORAGE;
        }
        if (rc < 0)
            snprintf(err, errlen, _("cannot write %s (%s)"), path, strerror(errno));
    }
    if (rc < 0) {
        ex_safefile_abort(&sf);
        return rc;
    }
    rc = ex_safefile_commit(&sf, err, errlen);
    return rc == -ENOSPC ? -EX_EFULL : rc < 0 ? -EX_ESTORAGE : 0;
}
