/* SPDX-License-Identifier: MIT */
/*
 * A write-ahead log of opaque records, in preallocated segment files, so
 * that a durable commit costs one sequential fdatasync.  It knows nothing
 * of what a record means: the store (store.c) puts the writes of a
 * transaction in one, and replays them after a crash.
 *
 * On disk, in a directory of its own:
 *   SEGNO.seg   segments of a fixed size, named by a 16-hex-digit number
 *               that only grows; created zero-filled and synced (every block
 *               written, so that fdatasync of an append never updates the
 *               file's metadata), or recycled from an old one by a rename.
 *   checkpoint  the position the log is replayed from: the sequence applied
 *               through, where the next record starts, and an opaque image
 *               the store keeps with it (LMDB's meta pages); written to a
 *               temporary, synced, renamed, the directory synced.
 *
 * A record is a 32-byte header (magic, payload length, sequence, segment
 * number, XXH3-64 of the header's first 24 bytes and the payload) and its
 * payload, padded to 32 bytes: a header never straddles a 512-byte sector.
 * Records never span segments.  Reading stops at the first header that is
 * not this segment's next record (zeros, or what an earlier use of a
 * recycled segment left there: its segment number differs): that is the
 * log's clean end.  A header of this segment's next record whose checksum
 * fails, or whose length runs past the segment, is a torn or corrupt tail:
 * the log ends before it and wal_open says so (wal_tail_t).
 *
 * One writer: the caller serialises every call.  A record written
 * (wal_write) is made durable by a sync in the writer's thread (wal_wait,
 * wal_append: no hand-over, the least latency), or by the log's own thread,
 * the syncer (wal_kick), while the writer goes on: it can then apply and
 * write batch k+1 while batch k's sync is in flight (wal_durable,
 * wal_event_fd).  One sync at a time; each covers every record written
 * before it began.
 */
#ifndef EXEMPLAR_WAL_H
#define EXEMPLAR_WAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wal wal_t;

#define WAL_HEADER       32u
#define WAL_ALIGN        32u
#define WAL_IMAGE_MAX    (128u * 1024u)
#define WAL_SEGMENT_MIN  (64u * 1024u)
#define WAL_SEGMENT_FILE "%016llx.seg"
#define WAL_CHECKPOINT   "checkpoint"

/* What opening found. */
typedef struct {
    bool checkpoint;     /* a checkpoint file was there */
    bool clean;          /* written by a clean stop (wal_checkpoint's clean) */
    uint64_t applied;    /* its sequence applied through (0 without one) */
    uint64_t records;    /* valid records after the checkpoint */
    uint64_t last_seq;   /* of the last valid record (= applied without any) */
    bool torn;           /* the log ended at a torn or corrupt record */
    bool moved;          /* not a clean stop: writing goes on in a fresh segment */
    uint64_t torn_segno; /* where: segment and offset */
    uint64_t torn_offset;
    char torn_why[96];
} wal_tail_t;

/* Opens the log in dir (created, mode 0750, if missing) with segments of
 * segment_bytes (rounded up to 64 KiB) and reads it from its checkpoint to
 * its end (*tail).  Without a checkpoint the log is empty: segments left
 * there are stale and recycled; sequences start after first_seq.  The
 * image saved with the checkpoint is copied to image (at most image_max
 * bytes, *image_len set; image may be NULL).  Returns 0, or -EX_ESTORAGE
 * (-EX_EFULL for a full disk) with a sentence in err. */
int wal_open(const char *dir, uint64_t segment_bytes, uint64_t first_seq, void *image,
             size_t image_max, size_t *image_len, wal_tail_t *tail, wal_t **out, char *err,
             size_t errlen);
void wal_close(wal_t **p);

/* Calls fn for every valid record after the checkpoint, in order, until fn
 * returns non-zero (returned).  data is valid during the call only. */
typedef int wal_replay_fn(void *ctx, uint64_t seq, const uint8_t *data, size_t len);
int wal_replay(wal_t *w, wal_replay_fn *fn, void *ctx);

/* Appends one record and syncs it (fdatasync) before returning: when it
 * returns 0 the record survives a power loss.  *seq is its sequence.
 * Moves to the next segment (the spare, or one created now) when this one
 * is full.  Returns 0, -EX_EINVALID for a record larger than a segment, or
 * -EX_ESTORAGE / -EX_EFULL with a sentence in err: after a failed sync the
 * log is unusable (every later call fails) since what the disk holds is
 * unknown. */
int wal_append(wal_t *w, const void *data, size_t len, uint64_t *seq, char *err, size_t errlen);
/* The same without the sync: the record is written, and durable once
 * wal_wait returns for it (a sync in this thread) or, after wal_kick,
 * once wal_durable reports its sequence.  A later record is never durable
 * before an earlier one.  Returns as wal_append. */
int wal_write(wal_t *w, const void *data, size_t len, uint64_t *seq, char *err, size_t errlen);
/* Hands the sync of every record written so far to the syncer and returns
 * at once; wal_event_fd polls readable when it is done. */
void wal_kick(wal_t *w);
/* Makes every record through seq durable, by a sync in this thread unless
 * one the syncer runs covers it: 0, or -EX_ESTORAGE with
 * err after a failed sync (the log is then unusable: every later call
 * fails). */
int wal_wait(wal_t *w, uint64_t seq, char *err, size_t errlen);
/* The sequence every record through which is durable now, in *seq, and
 * drains wal_event_fd.  0, or -EX_ESTORAGE with err after a failed sync. */
int wal_durable(wal_t *w, uint64_t *seq, char *err, size_t errlen);
/* A descriptor that polls readable after each of the syncer's syncs (an eventfd; drained by
 * wal_durable). */
int wal_event_fd(const wal_t *w);

/* Makes room for a record of len bytes before the caller commits what it
 * describes elsewhere: moves to the next segment now if this one is full,
 * making it if needed, so that wal_append then needs no new space.  0,
 * -EX_EINVALID (larger than a segment), or -EX_EFULL / -EX_ESTORAGE with
 * err (nothing written; the log stays usable). */
int wal_reserve(wal_t *w, size_t len, char *err, size_t errlen);

/* Records that everything through the last appended record is applied and
 * durable elsewhere, with the caller's image (up to WAL_IMAGE_MAX bytes);
 * then recycles the segments before the current one (one kept as the
 * spare, zero-filled anew if there is none).  clean: the caller stops
 * now and writes nothing more (wal_tail_t's clean at the next open).
 * Returns 0 or -EX_ESTORAGE
 * with a sentence in err. */
int wal_checkpoint(wal_t *w, const void *image, size_t image_len, bool clean, char *err,
                   size_t errlen);

/* The same in three steps, so that the slow part runs in another thread
 * while records are appended: the position now (the caller has made
 * everything through it durable elsewhere, or is about to);
 * wal_checkpoint_write, which touches no wal_t (any thread; dir is
 * wal_dir()); then wal_checkpoint_done in the appending thread. */
typedef struct {
    uint64_t seq, segno, offset, pending;
} wal_position_t;
void wal_checkpoint_position(const wal_t *w, wal_position_t *pos);
int wal_checkpoint_write(const char *dir, const wal_position_t *pos, const void *image,
                         size_t image_len, bool clean, char *err, size_t errlen);
int wal_checkpoint_done(wal_t *w, const wal_position_t *pos, char *err, size_t errlen);
const char *wal_dir(const wal_t *w);

/* The sequence of the last record appended (or found at open). */
uint64_t wal_last_seq(const wal_t *w);
/* Bytes appended since the last checkpoint. */
uint64_t wal_pending_bytes(const wal_t *w);
/* Totals since open: records appended, bytes written to segments, syncs. */
typedef struct {
    uint64_t appends, bytes, syncs, checkpoints, segments_created, segments_recycled;
} wal_stats_t;
void wal_stats(wal_t *w, wal_stats_t *st);

/* Removes the log in dir (segments, checkpoint, the directory): restore and
 * import install a data file the log does not belong to.  0 or -EX_ESTORAGE. */
int wal_remove(const char *dir, char *err, size_t errlen);

#endif
