/* SPDX-License-Identifier: MIT */
/*
 * The write-ahead log (wal.h): segments, records, the checkpoint file.
 */
#include "wal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "errors.h"

#define CKPT_MAGIC "EXWLCKP1"
#define ZERO_CHUNK (1u << 20)
#define CKPT_HEAD  48u /* magic 8, applied, segno, offset, flags, image_len 4, pad 4 */

struct wal {
    char dir[4096];
    int dirfd;
    uint64_t seg_bytes; /* for segments made from now on */
    uint64_t oldest;    /* oldest segment present (0: none) */
    uint64_t newest;    /* newest segment present (0: none) */
    uint64_t cur;       /* segment written now */
    int cur_fd;
    uint64_t cur_size;
    uint64_t off; /* where the next record goes in cur */
    uint64_t ckpt_segno, ckpt_off;
    uint64_t applied;  /* checkpoint's sequence */
    uint64_t last_seq; /* last record appended or found */
    uint64_t pending;  /* bytes since the checkpoint */
    bool failed;
    bool clean; /* the checkpoint read at open was a clean stop's */
    uint8_t *buf;
    size_t buf_cap;
    wal_stats_t st;
    /* Syncing: the writer syncs in its own thread (wal_wait), or hands the
     * sync to the syncer, a thread of the log's own, and goes on
     * (wal_kick); one sync at a time, each covering every record written
     * before it began.  Under mu: written, sync_fd, want, durable,
     * syncing, sync_errno, stopping, st.syncs. */
    pthread_t syncer;
    bool syncer_on;
    pthread_mutex_t mu;
    pthread_cond_t kick, done;
    uint64_t written; /* the last record written */
    int sync_fd;      /* the segment it is in */
    uint64_t want;    /* handed to the syncer: make durable through this */
    uint64_t durable; /* every record through it is synced */
    bool syncing;     /* a sync runs (in either thread) */
    int sync_errno;   /* a failed sync: nothing is durable from then on */
    bool stopping;
    int efd; /* eventfd written after each sync (wal_event_fd) */
};

static const uint32_t MAGIC32 = 0x4c575845u; /* "EXWL" read as little-endian */

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}
static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}
static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint64_t align_up(uint64_t n)
{
    return (n + WAL_ALIGN - 1) / WAL_ALIGN * WAL_ALIGN;
}

static int fail_errno(int e, char *err, size_t errlen, const char *what, const char *path)
{
    snprintf(err, errlen, "wal, cannot %s %s (%s)", what, path, strerror(e));
    return e == ENOSPC || e == EDQUOT ? -EX_EFULL : -EX_ESTORAGE;
}

static void seg_name(const wal_t *w, uint64_t segno, char *path, size_t len)
{
    char name[64];
    snprintf(name, sizeof(name), WAL_SEGMENT_FILE, (unsigned long long)segno);
    snprintf(path, len, "%s/%s", w->dir, name);
}

static uint64_t checksum(const uint8_t *head24, const void *data, size_t len)
{
    XXH3_state_t *s = XXH3_createState();
    if (!s)
        return 0;
    XXH3_64bits_reset(s);
    XXH3_64bits_update(s, head24, 24);
    if (len)
        XXH3_64bits_update(s, data, len);
    uint64_t h = XXH3_64bits_digest(s);
    XXH3_freeState(s);
    return h;
}

static int write_all(int fd, const void *p, size_t len, uint64_t off)
{
    const uint8_t *b = p;
    while (len) {
        ssize_t n = pwrite(fd, b, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -1 : (errno = EIO, -1);
        b += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

static int read_all(int fd, void *p, size_t len, uint64_t off)
{
    uint8_t *b = p;
    while (len) {
        ssize_t n = pread(fd, b, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -1 : (errno = ENODATA, -1);
        b += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

/* A new segment, every block written with zeros and synced, then named. */
static int create_segment(wal_t *w, uint64_t segno, char *err, size_t errlen)
{
    char path[4200], tmp[4200];
    seg_name(w, segno, path, sizeof(path));
    snprintf(tmp, sizeof(tmp), "%s/segment.tmp", w->dir);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0)
        return fail_errno(errno, err, errlen, "create", tmp);
    uint8_t *zero = calloc(1, ZERO_CHUNK);
    int rc = zero ? 0 : -1;
    for (uint64_t off = 0; rc == 0 && off < w->seg_bytes; off += ZERO_CHUNK) {
        uint64_t n = w->seg_bytes - off < ZERO_CHUNK ? w->seg_bytes - off : ZERO_CHUNK;
        rc = write_all(fd, zero, (size_t)n, off);
    }
    free(zero);
    if (rc == 0)
        rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc == 0)
        rc = rename(tmp, path);
    if (rc == 0)
        rc = fsync(w->dirfd);
    if (rc < 0) {
        e = errno ? errno : e;
        unlink(tmp);
        return fail_errno(e, err, errlen, "create the log segment", path);
    }
    w->st.segments_created++;
    return 0;
}

/* Segment segno made to exist: an obsolete one (before the checkpoint's)
 * renamed, or a new one. */
static int ensure_segment(wal_t *w, uint64_t segno, char *err, size_t errlen)
{
    char path[4200];
    seg_name(w, segno, path, sizeof(path));
    if (access(path, F_OK) == 0)
        goto done;
    if (w->oldest && w->oldest < w->ckpt_segno && w->oldest < segno) {
        char old[4200];
        seg_name(w, w->oldest, old, sizeof(old));
        if (rename(old, path) < 0 || fsync(w->dirfd) < 0)
            return fail_errno(errno, err, errlen, "recycle the log segment", old);
        w->st.segments_recycled++;
        w->oldest++;
        /* the names in between are gone already or the next oldest */
        while (w->oldest < w->ckpt_segno) {
            char p[4200];
            seg_name(w, w->oldest, p, sizeof(p));
            if (access(p, F_OK) == 0)
                break;
            w->oldest++;
        }
    } else {
        int rc = create_segment(w, segno, err, errlen);
        if (rc < 0)
            return rc;
    }
done:
    if (!w->oldest || segno < w->oldest)
        w->oldest = segno;
    if (segno > w->newest)
        w->newest = segno;
    return 0;
}

static int open_cur(wal_t *w, uint64_t segno, char *err, size_t errlen)
{
    char path[4200];
    seg_name(w, segno, path, sizeof(path));
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return fail_errno(e, err, errlen, "open the log segment", path);
    }
    if (w->cur_fd >= 0)
        close(w->cur_fd);
    w->cur_fd = fd;
    w->cur = segno;
    w->cur_size = (uint64_t)st.st_size;
    return 0;
}

/* Makes every record through target durable, with mu held: by a sync in
 * this thread, or, while one runs in the other, by waiting for it and
 * looking again.  A sync covers every record written before it began. */
static void sync_locked(wal_t *w, uint64_t target, bool notify)
{
    while (w->durable < target && !w->sync_errno) {
        if (w->syncing) {
            pthread_cond_wait(&w->done, &w->mu);
            continue;
        }
        w->syncing = true;
        int fd = w->sync_fd;
        uint64_t upto = w->written;
        pthread_mutex_unlock(&w->mu);
        int rc = fdatasync(fd);
        int e = errno;
        pthread_mutex_lock(&w->mu);
        w->syncing = false;
        if (rc < 0)
            w->sync_errno = e ? e : EIO;
        else if (upto > w->durable)
            w->durable = upto;
        w->st.syncs++;
        pthread_cond_broadcast(&w->done);
        pthread_cond_signal(&w->kick);
        uint64_t one = 1;
        if (notify && write(w->efd, &one, sizeof(one)) < 0) {
            /* full only after 2^64-1 wake-ups never read; wal_durable
             * reads the figure itself anyway */
        }
    }
}

/* The syncer's thread: syncs what it was handed (wal_kick), and tells the
 * poller (wal_event_fd) each time. */
static void *syncer_run(void *arg)
{
    wal_t *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->stopping && !w->sync_errno && (w->syncing || w->durable >= w->want))
            pthread_cond_wait(&w->kick, &w->mu);
        if (w->sync_errno || w->durable >= w->want)
            break; /* stopping, and nothing handed over is left */
        sync_locked(w, w->want, true);
    }
    pthread_cond_broadcast(&w->done);
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Waits until every record through seq is durable, syncing in this thread
 * unless the syncer's sync covers it.  0, or -EX_ESTORAGE with err after
 * a failed sync (the log is then unusable). */
static int wait_durable(wal_t *w, uint64_t seq, char *err, size_t errlen)
{
    pthread_mutex_lock(&w->mu);
    sync_locked(w, seq, false);
    int e = w->sync_errno;
    pthread_mutex_unlock(&w->mu);
    if (!e)
        return 0;
    w->failed = true;
    char path[4200];
    seg_name(w, w->cur, path, sizeof(path));
    return fail_errno(e, err, errlen, "sync the log segment", path);
}

/* Moves to segment segno (made to exist) at offset 0, once every record
 * written to the current one is durable: the syncer may be using its
 * descriptor, and a later record must never be durable before an earlier
 * one. */
static int next_segment(wal_t *w, char *err, size_t errlen)
{
    int rc = wait_durable(w, w->last_seq, err, errlen);
    if (rc == 0)
        rc = ensure_segment(w, w->cur + 1, err, errlen);
    if (rc == 0)
        rc = open_cur(w, w->cur + 1, err, errlen);
    if (rc == 0)
        w->off = 0;
    return rc;
}

static int read_checkpoint(wal_t *w, void *image, size_t image_max, size_t *image_len, bool *found,
                           char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/" WAL_CHECKPOINT, w->dir);
    *found = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? 0 : fail_errno(errno, err, errlen, "open", path);
    uint8_t head[CKPT_HEAD];
    struct stat st;
    int rc = fstat(fd, &st) < 0 || read_all(fd, head, sizeof(head), 0) < 0 ? -1 : 0;
    uint32_t ilen = rc == 0 ? get32(head + 40) : 0;
    uint8_t *img = NULL;
    if (rc == 0 && (memcmp(head, CKPT_MAGIC, 8) != 0 || ilen > WAL_IMAGE_MAX ||
                    (uint64_t)st.st_size != CKPT_HEAD + ilen + 8u)) {
        close(fd);
        snprintf(err, errlen,
                 "wal, %s is not a checkpoint of this log format (move the log directory away "
                 "only if data.mdb was synced: exemplard --fsck)",
                 path);
        return -EX_ESTORAGE;
    }
    if (rc == 0 && !(img = malloc(ilen + 8u)))
        rc = -1;
    if (rc == 0)
        rc = read_all(fd, img, ilen + 8u, CKPT_HEAD);
    close(fd);
    if (rc < 0) {
        free(img);
        return fail_errno(errno, err, errlen, "read", path);
    }
    XXH3_state_t *s = XXH3_createState();
    uint64_t sum = 0;
    if (s) {
        XXH3_64bits_reset(s);
        XXH3_64bits_update(s, head, sizeof(head));
        XXH3_64bits_update(s, img, ilen);
        sum = XXH3_64bits_digest(s);
        XXH3_freeState(s);
    }
    if (sum != get64(img + ilen) || (image && ilen > image_max)) {
        free(img);
        snprintf(err, errlen, "wal, the checkpoint %s is damaged (its checksum fails)", path);
        return -EX_ESTORAGE;
    }
    w->applied = get64(head + 8);
    w->ckpt_segno = get64(head + 16);
    w->ckpt_off = get64(head + 24);
    w->clean = get64(head + 32) & 1;
    if (image)
        memcpy(image, img, ilen);
    if (image_len)
        *image_len = ilen;
    free(img);
    *found = true;
    return 0;
}

/* The segments present: oldest and newest number. */
static int list_segments(wal_t *w, char *err, size_t errlen)
{
    DIR *d = opendir(w->dir);
    if (!d)
        return fail_errno(errno, err, errlen, "read", w->dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        unsigned long long n;
        char tail[8];
        if (strlen(e->d_name) == 20 && sscanf(e->d_name, "%16llx%7s", &n, tail) == 2 &&
            strcmp(tail, ".seg") == 0 && n > 0) {
            if (!w->oldest || n < w->oldest)
                w->oldest = n;
            if (n > w->newest)
                w->newest = n;
        }
    }
    closedir(d);
    return 0;
}

typedef enum { REC_OK, REC_END, REC_TORN } rec_result_t;

/* The record at off of segment fd (size size, number segno) if it is the
 * one expected; its payload in w->buf. */
static rec_result_t read_record(wal_t *w, int fd, uint64_t segno, uint64_t size, uint64_t off,
                                uint64_t expected, uint32_t *len, char *why, size_t whylen)
{
    uint8_t h[WAL_HEADER];
    if (off + WAL_HEADER > size || read_all(fd, h, sizeof(h), off) < 0)
        return REC_END;
    if (get32(h) != MAGIC32 || get64(h + 16) != segno || get64(h + 8) != expected)
        return REC_END; /* zeros, or an earlier use of a recycled segment */
    uint32_t n = get32(h + 4);
    if (off + WAL_HEADER + n > size) {
        snprintf(why, whylen, "record %" PRIu64 " claims %u bytes past its segment's end", expected,
                 n);
        return REC_TORN;
    }
    if (n > w->buf_cap) {
        uint8_t *b = realloc(w->buf, n);
        if (!b) {
            snprintf(why, whylen, "out of memory for record %" PRIu64, expected);
            return REC_TORN;
        }
        w->buf = b;
        w->buf_cap = n;
    }
    if (n && read_all(fd, w->buf, n, off + WAL_HEADER) < 0) {
        snprintf(why, whylen, "record %" PRIu64 " cannot be read (%s)", expected, strerror(errno));
        return REC_TORN;
    }
    if (checksum(h, w->buf, n) != get64(h + 24)) {
        snprintf(why, whylen, "record %" PRIu64 " fails its checksum", expected);
        return REC_TORN;
    }
    *len = n;
    return REC_OK;
}

/* Reads from the checkpoint to the end, calling fn (if any) for each
 * record; leaves the write position at the end. */
static int scan(wal_t *w, wal_replay_fn *fn, void *ctx, wal_tail_t *tail)
{
    uint64_t segno = w->ckpt_segno, off = w->ckpt_off, expected = w->applied + 1;
    uint64_t records = 0;
    int rc = 0;
    char why[96] = "";
    bool torn = false;
    uint64_t torn_seg = 0, torn_off = 0;
    for (;;) {
        char path[4200];
        seg_name(w, segno, path, sizeof(path));
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            break;
        struct stat st;
        uint64_t size = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
        rec_result_t r = REC_OK;
        uint32_t len = 0;
        while ((r = read_record(w, fd, segno, size, off, expected, &len, why, sizeof(why))) ==
               REC_OK) {
            if (fn && (rc = fn(ctx, expected, w->buf, len)) != 0)
                break;
            records++;
            expected++;
            off += align_up(WAL_HEADER + (uint64_t)len);
        }
        close(fd);
        if (rc)
            return rc;
        if (r == REC_TORN) {
            torn = true;
            torn_seg = segno;
            torn_off = off;
            break;
        }
        /* The end of this segment's records: the log goes on in the next
         * one only if it starts with the record expected. */
        char next[4200];
        seg_name(w, segno + 1, next, sizeof(next));
        int nfd = open(next, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (nfd < 0)
            break;
        uint64_t nsize = fstat(nfd, &st) == 0 ? (uint64_t)st.st_size : 0;
        char nwhy[96];
        rec_result_t nr =
            read_record(w, nfd, segno + 1, nsize, 0, expected, &len, nwhy, sizeof(nwhy));
        close(nfd);
        if (nr == REC_END)
            break;
        segno++;
        off = 0;
    }
    if (tail) {
        tail->records = records;
        tail->last_seq = expected - 1;
        tail->torn = torn;
        tail->torn_segno = torn_seg;
        tail->torn_offset = torn_off;
        snprintf(tail->torn_why, sizeof(tail->torn_why), "%s", torn ? why : "");
    }
    w->last_seq = expected - 1;
    w->cur = segno;
    w->off = off;
    return 0;
}

int wal_open(const char *dir, uint64_t segment_bytes, uint64_t first_seq, void *image,
             size_t image_max, size_t *image_len, wal_tail_t *tail, wal_t **out, char *err,
             size_t errlen)
{
    *out = NULL;
    memset(tail, 0, sizeof(*tail));
    if (image_len)
        *image_len = 0;
    if (mkdir(dir, 0750) < 0 && errno != EEXIST)
        return fail_errno(errno, err, errlen, "create", dir);
    wal_t *w = calloc(1, sizeof(*w));
    if (!w) {
        snprintf(err, errlen, "wal, out of memory");
        return -EX_EINTERNAL;
    }
    snprintf(w->dir, sizeof(w->dir), "%s", dir);
    w->cur_fd = -1;
    w->efd = -1;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->kick, NULL);
    pthread_cond_init(&w->done, NULL);
    w->seg_bytes = segment_bytes < WAL_SEGMENT_MIN ? WAL_SEGMENT_MIN : segment_bytes;
    w->seg_bytes = (w->seg_bytes + WAL_SEGMENT_MIN - 1) / WAL_SEGMENT_MIN * WAL_SEGMENT_MIN;
    w->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = w->dirfd < 0 ? fail_errno(errno, err, errlen, "open", dir) : 0;
    bool found = false;
    if (rc == 0)
        rc = list_segments(w, err, errlen);
    if (rc == 0)
        rc = read_checkpoint(w, image, image_max, image_len, &found, err, errlen);
    if (rc == 0 && !found) {
        /* An empty log: whatever segments are here are stale. */
        w->applied = first_seq;
        w->ckpt_segno = w->newest + 1;
        w->ckpt_off = 0;
    }
    if (rc == 0)
        rc = scan(w, NULL, NULL, tail);
    if (rc == 0)
        rc = ensure_segment(w, w->cur, err, errlen);
    if (rc == 0)
        rc = open_cur(w, w->cur, err, errlen);
    /* After a stop that was not clean, records written but not yet synced
     * may lie past the end found (written in any order, some of them on
     * disk): new records written over the first would leave a later one
     * readable after them.  They go to a fresh segment; the caller's next
     * checkpoint (forced: tail->moved) starts the log there. */
    if (rc == 0 && !(found && w->clean) && w->off > 0) {
        rc = ensure_segment(w, w->cur + 1, err, errlen);
        if (rc == 0)
            rc = open_cur(w, w->cur + 1, err, errlen);
        w->off = 0;
        tail->moved = true;
    }
    w->written = w->want = w->durable = w->last_seq;
    w->sync_fd = w->cur_fd;
    if (rc == 0 && (w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
        rc = fail_errno(errno, err, errlen, "create an eventfd for", dir);
    if (rc == 0)
        w->syncer_on = pthread_create(&w->syncer, NULL, syncer_run, w) == 0;
    if (rc < 0) {
        wal_close(&w);
        return rc;
    }
    tail->checkpoint = found;
    tail->clean = found && w->clean;
    tail->applied = w->applied;
    *out = w;
    return 0;
}

void wal_close(wal_t **p)
{
    wal_t *w = *p;
    if (!w)
        return;
    /* what was written is made durable before the log closes */
    pthread_mutex_lock(&w->mu);
    sync_locked(w, w->written, false);
    pthread_mutex_unlock(&w->mu);
    if (w->syncer_on) {
        pthread_mutex_lock(&w->mu);
        w->stopping = true;
        pthread_cond_signal(&w->kick);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->syncer, NULL);
    }
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->kick);
    pthread_cond_destroy(&w->done);
    if (w->efd >= 0)
        close(w->efd);
    if (w->cur_fd >= 0)
        close(w->cur_fd);
    if (w->dirfd >= 0)
        close(w->dirfd);
    free(w->buf);
    free(w);
    *p = NULL;
}

int wal_replay(wal_t *w, wal_replay_fn *fn, void *ctx)
{
    uint64_t cur = w->cur, off = w->off, last = w->last_seq;
    int rc = scan(w, fn, ctx, NULL);
    w->cur = cur;
    w->off = off;
    w->last_seq = last;
    return rc;
}

int wal_reserve(wal_t *w, size_t len, char *err, size_t errlen)
{
    if (w->failed) {
        snprintf(err, errlen, "wal, the log failed earlier: restart exemplard to recover");
        return -EX_ESTORAGE;
    }
    uint64_t total = align_up(WAL_HEADER + (uint64_t)len);
    if (total > w->seg_bytes || len > UINT32_MAX) {
        snprintf(err, errlen, "wal, a record of %zu bytes is larger than a log segment", len);
        return -EX_EINVALID;
    }
    if (w->off + total <= w->cur_size)
        return 0;
    int rc = next_segment(w, err, errlen);
    if (rc < 0)
        return rc;
    if (total > w->cur_size) {
        snprintf(err, errlen, "wal, a record of %zu bytes is larger than a log segment", len);
        return -EX_EINVALID;
    }
    return 0;
}

int wal_write(wal_t *w, const void *data, size_t len, uint64_t *seq, char *err, size_t errlen)
{
    if (w->failed) {
        snprintf(err, errlen, "wal, the log failed earlier: restart exemplard to recover");
        return -EX_ESTORAGE;
    }
    uint64_t total = align_up(WAL_HEADER + (uint64_t)len);
    if (total > w->seg_bytes || total > w->cur_size || len > UINT32_MAX) {
        snprintf(err, errlen, "wal, a record of %zu bytes is larger than a log segment", len);
        return -EX_EINVALID;
    }
    if (w->off + total > w->cur_size) {
        int rc = next_segment(w, err, errlen);
        if (rc < 0)
            return rc;
        if (total > w->cur_size) {
            snprintf(err, errlen, "wal, a record of %zu bytes is larger than a log segment", len);
            return -EX_EINVALID;
        }
    }
    if (total > w->buf_cap) {
        uint8_t *b = realloc(w->buf, total);
        if (!b) {
            snprintf(err, errlen, "wal, out of memory");
            return -EX_EINTERNAL;
        }
        w->buf = b;
        w->buf_cap = total;
    }
    uint8_t *h = w->buf;
    uint64_t s = w->last_seq + 1;
    put32(h, MAGIC32);
    put32(h + 4, (uint32_t)len);
    put64(h + 8, s);
    put64(h + 16, w->cur);
    if (len)
        memcpy(h + WAL_HEADER, data, len);
    memset(h + WAL_HEADER + len, 0, total - WAL_HEADER - len);
    put64(h + 24, checksum(h, h + WAL_HEADER, len));
    char path[4200];
    if (write_all(w->cur_fd, h, total, w->off) < 0) {
        int e = errno;
        seg_name(w, w->cur, path, sizeof(path));
        w->failed = true;
        return fail_errno(e, err, errlen, "write the log segment", path);
    }
    w->off += total;
    w->last_seq = s;
    w->pending += total;
    w->st.appends++;
    w->st.bytes += total;
    *seq = s;
    pthread_mutex_lock(&w->mu);
    w->written = s;
    w->sync_fd = w->cur_fd;
    pthread_mutex_unlock(&w->mu);
    return 0;
}

void wal_kick(wal_t *w)
{
    pthread_mutex_lock(&w->mu);
    if (!w->syncer_on) {
        sync_locked(w, w->written, true); /* no thread: here, and said so */
    } else if (w->want < w->written) {
        w->want = w->written;
        pthread_cond_signal(&w->kick);
    }
    pthread_mutex_unlock(&w->mu);
}

int wal_append(wal_t *w, const void *data, size_t len, uint64_t *seq, char *err, size_t errlen)
{
    int rc = wal_write(w, data, len, seq, err, errlen);
    return rc < 0 ? rc : wait_durable(w, *seq, err, errlen);
}

int wal_wait(wal_t *w, uint64_t seq, char *err, size_t errlen)
{
    return wait_durable(w, seq, err, errlen);
}

int wal_durable(wal_t *w, uint64_t *seq, char *err, size_t errlen)
{
    uint64_t n;
    while (read(w->efd, &n, sizeof(n)) > 0)
        ; /* drained: the next sync wakes the poller again */
    pthread_mutex_lock(&w->mu);
    *seq = w->durable;
    int e = w->sync_errno;
    pthread_mutex_unlock(&w->mu);
    if (!e)
        return 0;
    w->failed = true;
    return fail_errno(e, err, errlen, "sync the log in", w->dir);
}

int wal_event_fd(const wal_t *w)
{
    return w->efd;
}

void wal_checkpoint_position(const wal_t *w, wal_position_t *pos)
{
    pos->seq = w->last_seq;
    pos->segno = w->cur;
    pos->offset = w->off;
    pos->pending = w->pending;
}

int wal_checkpoint_write(const char *dir, const wal_position_t *pos, const void *image,
                         size_t image_len, bool clean, char *err, size_t errlen)
{
    if (image_len > WAL_IMAGE_MAX) {
        snprintf(err, errlen, "wal, a checkpoint image of %zu bytes is too large", image_len);
        return -EX_EINVALID;
    }
    char path[4200], tmp[4200];
    snprintf(path, sizeof(path), "%s/" WAL_CHECKPOINT, dir);
    snprintf(tmp, sizeof(tmp), "%s/" WAL_CHECKPOINT ".tmp", dir);
    size_t total = CKPT_HEAD + image_len + 8;
    uint8_t *b = calloc(1, total);
    if (!b) {
        snprintf(err, errlen, "wal, out of memory");
        return -EX_EINTERNAL;
    }
    memcpy(b, CKPT_MAGIC, 8);
    put64(b + 8, pos->seq);
    put64(b + 16, pos->segno);
    put64(b + 24, pos->offset);
    put64(b + 32, clean ? 1 : 0);
    put32(b + 40, (uint32_t)image_len);
    if (image_len)
        memcpy(b + CKPT_HEAD, image, image_len);
    XXH3_state_t *s = XXH3_createState();
    if (s) {
        XXH3_64bits_reset(s);
        XXH3_64bits_update(s, b, CKPT_HEAD + image_len);
        put64(b + CKPT_HEAD + image_len, XXH3_64bits_digest(s));
        XXH3_freeState(s);
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
    int rc = fd < 0 ? -1 : write_all(fd, b, total, 0);
    if (rc == 0)
        rc = fdatasync(fd);
    int e = errno;
    if (fd >= 0)
        close(fd);
    free(b);
    int dfd = rc == 0 ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (rc == 0 && (dfd < 0 || rename(tmp, path) < 0 || fsync(dfd) < 0))
        rc = -1, e = errno;
    if (dfd >= 0)
        close(dfd);
    if (rc < 0) {
        unlink(tmp);
        return fail_errno(e, err, errlen, "write the checkpoint", path);
    }
    return 0;
}

int wal_checkpoint_done(wal_t *w, const wal_position_t *pos, char *err, size_t errlen)
{
    w->applied = pos->seq;
    w->ckpt_segno = pos->segno;
    w->ckpt_off = pos->offset;
    w->pending = w->pending > pos->pending ? w->pending - pos->pending : 0;
    w->st.checkpoints++;
    /* The segments before the checkpoint's hold nothing needed any more:
     * one becomes the spare, the others go. */
    int rc = ensure_segment(w, w->cur + 1, err, errlen);
    if (rc < 0)
        return rc;
    bool removed = false;
    while (w->oldest && w->oldest < w->ckpt_segno) {
        char p[4200];
        seg_name(w, w->oldest, p, sizeof(p));
        if (unlink(p) < 0 && errno != ENOENT)
            return fail_errno(errno, err, errlen, "remove the log segment", p);
        removed = true;
        w->oldest++;
    }
    if (removed && fsync(w->dirfd) < 0)
        return fail_errno(errno, err, errlen, "sync", w->dir);
    return 0;
}

int wal_checkpoint(wal_t *w, const void *image, size_t image_len, bool clean, char *err,
                   size_t errlen)
{
    wal_position_t pos;
    wal_checkpoint_position(w, &pos);
    int rc = wal_checkpoint_write(w->dir, &pos, image, image_len, clean, err, errlen);
    return rc < 0 ? rc : wal_checkpoint_done(w, &pos, err, errlen);
}

const char *wal_dir(const wal_t *w)
{
    return w->dir;
}

uint64_t wal_last_seq(const wal_t *w)
{
    return w->last_seq;
}

uint64_t wal_pending_bytes(const wal_t *w)
{
    return w->pending;
}

void wal_stats(wal_t *w, wal_stats_t *st)
{
    pthread_mutex_lock(&w->mu);
    *st = w->st;
    pthread_mutex_unlock(&w->mu);
}

int wal_remove(const char *dir, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : fail_errno(errno, err, errlen, "read", dir);
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[4400];
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT)
            rc = fail_errno(errno, err, errlen, "remove", p);
    }
    closedir(d);
    if (rc == 0 && rmdir(dir) < 0 && errno != ENOENT)
        rc = fail_errno(errno, err, errlen, "remove", dir);
    return rc;
}
