/* SPDX-License-Identifier: MIT */
/*
 * An LD_PRELOAD shim for the crash-state test (test_crash_states.c): it
 * records, in order, every write, sync and name change the daemon makes to
 * the files that hold its data (data.mdb and the write-ahead log under
 * wal/) in the state directory RECWRITES_DIR, into the trace file
 * RECWRITES_TRACE.  The test rebuilds from the trace the files a power loss
 * could leave.  Nothing is changed: each call goes on to libc.
 *
 * A trace record: type u32, path length u32, offset u64, length u64, then
 * the path (for a rename "old\0new") and, for a write, the bytes written.
 * A write to a file opened O_SYNC/O_DSYNC is recorded as a write and a sync.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "recwrites.h"

#define MAX_FD 4096

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char *paths[MAX_FD];
static int syncfd[MAX_FD];
static int trace_fd = -2;
static char dir[1024];
static size_t dirlen;

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_close)(int);
static int (*real_rename)(const char *, const char *);
static int (*real_unlink)(const char *);
static int (*real_ftruncate)(int, off_t);

static void init(void)
{
    if (trace_fd != -2)
        return;
    real_write = dlsym(RTLD_NEXT, "write");
    real_pwrite = dlsym(RTLD_NEXT, "pwrite");
    real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
    real_writev = dlsym(RTLD_NEXT, "writev");
    real_pwritev = dlsym(RTLD_NEXT, "pwritev");
    real_fsync = dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    real_open = dlsym(RTLD_NEXT, "open");
    real_open64 = dlsym(RTLD_NEXT, "open64");
    real_openat = dlsym(RTLD_NEXT, "openat");
    real_close = dlsym(RTLD_NEXT, "close");
    real_rename = dlsym(RTLD_NEXT, "rename");
    real_unlink = dlsym(RTLD_NEXT, "unlink");
    real_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
    const char *d = getenv("RECWRITES_DIR"), *t = getenv("RECWRITES_TRACE");
    trace_fd = -1;
    if (!d || !t)
        return;
    snprintf(dir, sizeof(dir), "%s/", d);
    dirlen = strlen(dir);
    trace_fd = real_open(t, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

/* A file the test rebuilds: data.mdb or anything under wal/ of the dir;
 * returns the path relative to the dir, or NULL. */
static const char *tracked(const char *path)
{
    if (trace_fd < 0 || !path || strncmp(path, dir, dirlen) != 0)
        return NULL;
    const char *rel = path + dirlen;
    if (strcmp(rel, "data.mdb") == 0 || strncmp(rel, "wal/", 4) == 0)
        return rel;
    return NULL;
}

static void emit(uint32_t type, const char *path, size_t pathlen, uint64_t off, uint64_t len,
                 const struct iovec *iov, int iovcnt)
{
    rec_head_t h = {type, (uint32_t)pathlen, off, len};
    struct iovec v[2 + 64];
    int n = 0;
    v[n++] = (struct iovec){&h, sizeof(h)};
    v[n++] = (struct iovec){(void *)path, pathlen};
    for (int i = 0; i < iovcnt && n < (int)(sizeof(v) / sizeof(v[0])); i++)
        v[n++] = iov[i];
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += v[i].iov_len;
    /* one writev with O_APPEND: the test's own marks interleave whole */
    char *buf = malloc(total), *p = buf;
    if (!buf)
        return;
    for (int i = 0; i < n; i++) {
        memcpy(p, v[i].iov_base, v[i].iov_len);
        p += v[i].iov_len;
    }
    (void)!real_write(trace_fd, buf, total);
    free(buf);
}

static void record_write(int fd, off_t off, const struct iovec *iov, int iovcnt, ssize_t done)
{
    if (done <= 0 || fd < 0 || fd >= MAX_FD || !paths[fd])
        return;
    /* only the bytes written */
    struct iovec cut[64];
    int n = 0;
    size_t left = (size_t)done;
    for (int i = 0; i < iovcnt && left && n < 64; i++) {
        size_t l = iov[i].iov_len < left ? iov[i].iov_len : left;
        cut[n++] = (struct iovec){iov[i].iov_base, l};
        left -= l;
    }
    emit(REC_WRITE, paths[fd], strlen(paths[fd]), (uint64_t)off, (uint64_t)done, cut, n);
    if (syncfd[fd])
        emit(REC_SYNC, paths[fd], strlen(paths[fd]), 0, 0, NULL, 0);
}

static void note_open(int fd, const char *path, int flags)
{
    if (fd < 0 || fd >= MAX_FD)
        return;
    free(paths[fd]);
    paths[fd] = NULL;
    const char *rel = tracked(path);
    if (!rel)
        return;
    paths[fd] = strdup(rel);
    syncfd[fd] = (flags & (O_SYNC | O_DSYNC)) != 0;
    if (flags & O_TRUNC)
        emit(REC_TRUNC, rel, strlen(rel), 0, 0, NULL, 0);
    else if (flags & O_CREAT)
        emit(REC_CREATE, rel, strlen(rel), 0, 0, NULL, 0);
}

#define OPEN_BODY(call)                                                                            \
    mode_t mode = 0;                                                                               \
    if (flags & (O_CREAT | O_TMPFILE)) {                                                           \
        va_list ap;                                                                                \
        va_start(ap, flags);                                                                       \
        mode = va_arg(ap, mode_t);                                                                 \
        va_end(ap);                                                                                \
    }                                                                                              \
    pthread_mutex_lock(&mu);                                                                       \
    init();                                                                                        \
    int fd = call;                                                                                 \
    int e = errno;                                                                                 \
    note_open(fd, path, flags);                                                                    \
    pthread_mutex_unlock(&mu);                                                                     \
    errno = e;                                                                                     \
    return fd;

int open(const char *path, int flags, ...)
{
    OPEN_BODY(real_open(path, flags, mode))
}

int open64(const char *path, int flags, ...)
{
    OPEN_BODY(real_open64(path, flags, mode))
}

int openat(int dirfd, const char *path, int flags, ...)
{
    OPEN_BODY(real_openat(dirfd, path, flags, mode))
}

int close(int fd)
{
    pthread_mutex_lock(&mu);
    init();
    if (fd >= 0 && fd < MAX_FD) {
        free(paths[fd]);
        paths[fd] = NULL;
    }
    int rc = real_close(fd);
    int e = errno;
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}

ssize_t write(int fd, const void *b, size_t n)
{
    pthread_mutex_lock(&mu);
    init();
    off_t off = fd >= 0 && fd < MAX_FD && paths[fd] ? lseek(fd, 0, SEEK_CUR) : 0;
    ssize_t rc = real_write(fd, b, n);
    int e = errno;
    struct iovec v = {(void *)b, n};
    record_write(fd, off, &v, 1, rc);
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}

static ssize_t do_pwrite(ssize_t (*fn)(int, const void *, size_t, off_t), int fd, const void *b,
                         size_t n, off_t off)
{
    pthread_mutex_lock(&mu);
    init();
    ssize_t rc = fn(fd, b, n, off);
    int e = errno;
    struct iovec v = {(void *)b, n};
    record_write(fd, off, &v, 1, rc);
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}

ssize_t pwrite(int fd, const void *b, size_t n, off_t off)
{
    init();
    return do_pwrite(real_pwrite, fd, b, n, off);
}

ssize_t pwrite64(int fd, const void *b, size_t n, off_t off)
{
    init();
    return do_pwrite(real_pwrite64, fd, b, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    pthread_mutex_lock(&mu);
    init();
    off_t off = fd >= 0 && fd < MAX_FD && paths[fd] ? lseek(fd, 0, SEEK_CUR) : 0;
    ssize_t rc = real_writev(fd, iov, cnt);
    int e = errno;
    record_write(fd, off, iov, cnt, rc);
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
    pthread_mutex_lock(&mu);
    init();
    ssize_t rc = real_pwritev(fd, iov, cnt, off);
    int e = errno;
    record_write(fd, off, iov, cnt, rc);
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}

static int do_sync(int (*fn)(int), int fd)
{
    pthread_mutex_lock(&mu);
    init();
    int rc = fn(fd);
    int e = errno;
    /* recorded once the sync returned: what it covers is durable from here */
    if (rc == 0 && fd >= 0 && fd < MAX_FD && paths[fd])
        emit(REC_SYNC, paths[fd], strlen(paths[fd]), 0, 0, NULL, 0);
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}

int fsync(int fd)
{
    init();
    return do_sync(real_fsync, fd);
}

int fdatasync(int fd)
{
    init();
    return do_sync(real_fdatasync, fd);
}

int ftruncate(int fd, off_t len)
{
    pthread_mutex_lock(&mu);
    init();
    int rc = real_ftruncate(fd, len);
    int e = errno;
    if (rc == 0 && fd >= 0 && fd < MAX_FD && paths[fd])
        emit(REC_TRUNC, paths[fd], strlen(paths[fd]), (uint64_t)len, 0, NULL, 0);
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}

int rename(const char *from, const char *to)
{
    pthread_mutex_lock(&mu);
    init();
    int rc = real_rename(from, to);
    int e = errno;
    const char *a = tracked(from), *b = tracked(to);
    if (rc == 0 && !a && b) {
        /* A file made elsewhere (and synced there) arrives under a tracked
         * name: its whole content, as it is now. */
        int fd = real_open(to, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0) {
            char *buf = malloc((size_t)st.st_size + 1);
            ssize_t n = buf ? pread(fd, buf, (size_t)st.st_size, 0) : -1;
            if (n >= 0) {
                struct iovec v = {buf, (size_t)n};
                emit(REC_TRUNC, b, strlen(b), 0, 0, NULL, 0);
                emit(REC_SNAPSHOT, b, strlen(b), 0, (uint64_t)n, &v, 1);
                emit(REC_SYNC, b, strlen(b), 0, 0, NULL, 0);
            }
            free(buf);
        }
        if (fd >= 0)
            real_close(fd);
    } else if (rc == 0 && (a || b)) {
        char both[2048];
        size_t la = strlen(a ? a : ""), lb = strlen(b ? b : "");
        if (la + lb + 1 < sizeof(both)) {
            memcpy(both, a ? a : "", la + 1);
            memcpy(both + la + 1, b ? b : "", lb);
            emit(REC_RENAME, both, la + 1 + lb, 0, 0, NULL, 0);
        }
    }
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}

int unlink(const char *path)
{
    pthread_mutex_lock(&mu);
    init();
    int rc = real_unlink(path);
    int e = errno;
    const char *rel = tracked(path);
    if (rc == 0 && rel)
        emit(REC_UNLINK, rel, strlen(rel), 0, 0, NULL, 0);
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}
