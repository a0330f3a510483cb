/* SPDX-License-Identifier: MIT */
/*
 * The LMDB environment and its named databases, without knowledge of what the
 * records mean (records.h knows that).
 *
 * Transactions carry a sticky error (as Knot's knot_lmdb_txn_t and LMDB's
 * MDB_TXN_ERROR): after the first failed put or delete, later calls do
 * nothing and store_txn_commit() reports that first error, so a handler makes
 * several writes and checks once.  LMDB's codes are translated here only:
 *   MDB_MAP_FULL / MDB_TXN_FULL -> -EX_EFULL with store_map_full() true: grow
 *                                  the map with store_grow() and run again;
 *   ENOSPC / EDQUOT             -> -EX_EFULL (the disk is full; nothing written);
 *   EIO with under 1 MiB left on the disk -> -EX_EFULL (LMDB's word for a short
 *                                  write, which a filling disk causes);
 *   anything else               -> -EX_ESTORAGE.
 * The environment is opened without MDB_WRITEMAP, so a full disk is an error
 * from the commit, never a SIGBUS.
 */
#ifndef EXEMPLAR_STORE_H
#define EXEMPLAR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    DB_META,        /* "schema_version" -> u32 BE */
    DB_NOMINATIONS, /* id u64 BE -> exemplar.Nomination */
    DB_CHANGES,     /* seq u64 BE -> exemplar.Change: the change log and every history */
    DB_BY_STATE,    /* state u8, campaign, NUL, seq u64 BE -> id u64 BE (append-only, see key.h) */
    DB_BY_UNIT,     /* unit, NUL, id u64 BE -> "" */
    DB_REQUESTS,    /* request id u64 BE -> exemplar.RequestRecord */
    /* the plan's rules (units, campaign anchors, evidence, refusals): */
    DB_UNITS,     /* code, NUL, valid_from "YYYY-MM-DD" or "" -> exemplar.Unit */
    DB_CAMPAIGNS, /* campaign id -> anchor day "YYYY-MM-DD" of a relative campaign */
    DB_EVIDENCE,  /* subject, NUL, year u16 BE, title -> exemplar.Evidence */
    DB_AUDIT,     /* seq u64 BE -> exemplar.AuditEntry (append-only) */
    /* Events in, notifications out; keys in daemon/api_events.c. */
    DB_EVENTS,            /* ingest seq u64 BE -> exemplar.Event: the event log (appended) */
    DB_EVENTS_SEEN,       /* publisher, NUL, seq u64 BE -> event_id: dedup, appends per publisher */
    DB_EVENTS_BY_SUBJECT, /* subject, NUL, ingest seq u64 BE -> "": evidence for a subject */
    DB_PUBLISHERS,        /* publisher name -> exemplar.PublisherRecord (counters, last seq) */
    DB_BY_SUBJECT,        /* subject, NUL, nomination id u64 BE -> "": nominations of a subject */
    /* Unit plans (daemon/plans.c): */
    DB_PLANS, /* unit, NUL, campaign, NUL, period, NUL, version u32 BE -> exemplar.UnitPlan */
    /* Timers and jobs (daemon/jobs.c): */
    DB_TIMERS,    /* timer id -> exemplar.Timer */
    DB_TIMER_DUE, /* fire_ms u64 BE, timer id -> "": the pending timers in firing order */
    DB_JOBS,      /* job id -> exemplar.Job */
    DB_JOB_QUEUE, /* state u8, available_ms u64 BE, job id -> "": ready and leased jobs */
    /* The quarterly summary's tallies (daemon/tally.h), derived from `changes`: */
    DB_TALLY,            /* quarter u16, campaign, NUL, unit, NUL, kind, state -> entered, left */
    DB_TALLY_MOVES,      /* quarter u16, campaign, NUL, unit, NUL, from, to -> count */
    DB_TALLY_RECOGNIZED, /* quarter u16, seq u64 -> id u64, day i32 */
    DB_TALLY_REVIEW,     /* id u64 -> spans at unit-/ministry-reviewed (enter, leave day) */
    DB_TALLY_QUARTERS,   /* quarter u16 -> first and last seq of its changes */
    DB_TALLY_DAYS,       /* quarter u16, day u8, type u8, campaign, NUL, unit, NUL, a, b -> a, b */
    DB_TALLY_GAPS,       /* unit, NUL, campaign, NUL, id u64 -> kind, evidence-gap spans */
    DB_TALLY_DIRTY,      /* subject -> "": evidence changed, its gap spans to recompute */
    DB_USERS,            /* local accounts (users.h): name -> exemplar.LocalUser */
    DB_TITLE_ALIASES,    /* folded spelling -> exemplar.TitleAlias (titles.h) */
    DB_FACTS_UNMATCHED,  /* ingest seq u64 BE -> exemplar.Event: title facts kept unresolved */
    /* the council and its secret ballot (council_store.h): tallies apart
     * from the voters, with nothing that links the two */
    DB_COUNCILS,      /* level u8, unit -> exemplar.Council */
    DB_MEETINGS,      /* meeting id u64 BE -> exemplar.Meeting */
    DB_BALLOTS,       /* meeting id u64 BE, nomination id u64 BE -> exemplar.BallotTally */
    DB_BALLOT_VOTERS, /* meeting id, nomination id u64 BE, principal -> exemplar.BallotVoter */
    /* the unit's dossier of a nomination (dossier.h): its collective's
     * acclamation and the unit's judgement on the qualitative criteria */
    DB_DOSSIERS, /* nomination id u64 BE -> exemplar.Dossier */
    DB_BLOBS,    /* SHA-256 of the bytes (32) -> the bytes (blobs.h) */
    /* the issued recognition decisions (decisions.h) */
    DB_DECISIONS, /* number (1-64 bytes) -> exemplar.RecognitionDecision */
    DB_COUNT
} store_db_t;

/* The schema this build reads and writes.  2: the quarterly tally
 * databases; 3: the per-day tallies and the evidence gaps in them.  A
 * version 1 or 2 store is migrated on open by emptying the tallies and
 * stamping it (the tallies are derived: the daemon builds them again from
 * the change log in its background step; a summary meanwhile is refused
 * as unavailable with how far the build is). */
#define STORE_SCHEMA_VERSION 3u

typedef struct store store_t;

/* The write-ahead log.  With it on, a write transaction's puts and
 * deletes are kept as it runs; store_txn_commit() commits them to LMDB
 * without a sync (MDB_NOSYNC), appends them as one record to the log in
 * DIR/wal (daemon/wal.h) and syncs that (one sequential fdatasync), and
 * only then returns 0: the commit is durable.  A checkpoint
 * (store_checkpoint, by size and time, off the acknowledgement path)
 * syncs LMDB, records the sequence applied through ("wal_applied" in
 * DB_META) and LMDB's meta pages in the log's checkpoint file, and
 * recycles the segments before it.
 *
 * LMDB's pages are written in any order between checkpoints, so after a
 * power loss its newest meta page may point at pages that never reached
 * the disk.  The checkpoint's snapshot is therefore kept intact: a reader
 * holds it open until the next checkpoint (LMDB reuses no page a reader
 * can see), and opening the store puts the checkpoint's meta pages back
 * before LMDB reads them, then replays the records after it.  A torn or
 * corrupt record ends the log there (what was acknowledged was synced
 * before it, so nothing acknowledged is lost); opening reports it in the
 * journal and in store_wal_report().
 *
 * If a record cannot be written or synced, LMDB already holds its
 * transaction but nothing made it durable: the process exits at once
 * (status 1) rather than answer from it; starting again recovers from the
 * log.  With the log off, LMDB syncs each commit itself (twice). */
typedef struct {
    bool on;
    uint64_t segment_bytes;    /* size of a log segment */
    uint64_t checkpoint_bytes; /* checkpoint after this much log ... */
    unsigned checkpoint_ms;    /* ... or this long after the first unchecked record */
} store_wal_cfg_t;

/* The log's defaults: on, 16 MiB segments, a checkpoint every 8 MiB or 1 s. */
#define STORE_WAL_SEGMENT_BYTES    (16ull << 20)
#define STORE_WAL_CHECKPOINT_BYTES (8ull << 20)
#define STORE_WAL_CHECKPOINT_MS    1000u
#define STORE_WAL_DIR              "wal"

/* What opening found in the log, and what it has done since. */
typedef struct {
    bool on;
    uint64_t replayed;                           /* records replayed when the store opened */
    uint64_t replay_ms;                          /* how long that took */
    bool torn;                                   /* the log ended at a torn or corrupt record */
    char torn_where[160];                        /* segment, offset and why */
    uint64_t applied;                            /* sequence of the last checkpoint */
    uint64_t last_seq;                           /* sequence of the last record */
    uint64_t appends, syncs, bytes, checkpoints; /* since open */
} store_wal_report_t;

typedef struct {
    const void *data;
    size_t len;
} store_val_t;

typedef struct {
    store_t *store;
    void *txn; /* MDB_txn */
    int rc;    /* sticky: 0 or the first error */
    bool write;
} store_txn_t;

typedef struct {
    store_txn_t *txn;
    void *cursor; /* MDB_cursor */
} store_iter_t;

/* Opens (creating if needed) the environment in dir with an initial map of
 * map_size bytes that may grow to map_max.  Checks the schema version: a
 * newer one is refused; an empty environment is stamped with ours.  Returns 0
 * or a negative EX_E* with a sentence in err. */
int store_open(const char *dir, uint64_t map_size, uint64_t map_max, store_t **out, char *err,
               size_t errlen);
/* store_open with the write-ahead log as wal says (wal NULL: off).  With
 * it off, a log left in DIR/wal is replayed first and then removed.  With
 * it on, opening replays the log (see above). */
int store_open_wal(const char *dir, uint64_t map_size, uint64_t map_max, const store_wal_cfg_t *wal,
                   store_t **out, char *err, size_t errlen);
/* Closes; with the log on, a last checkpoint first (a clean stop leaves
 * nothing to replay). */
void store_close(store_t **p);

/* Runs a checkpoint now (see above).  No transaction may be open.
 * Returns 0 (also with the log off or nothing new), or a negative EX_E*
 * (logged). */
int store_checkpoint(store_t *s);
/* The same for the loop, between batches: starts a checkpoint whose sync
 * runs in a thread of its own (the loop goes on committing; a reader holds
 * the checkpoint's snapshot meanwhile), or ends the one in flight.  Call
 * it when store_checkpoint_next() says 0.  Returns 0 or a negative EX_E*
 * (logged; the checkpoint is tried again later). */
int store_checkpoint_step(store_t *s);
/* Milliseconds until the next checkpoint is due (0: now, the log's size or
 * its age; INT64_MAX: nothing to check). */
int64_t store_checkpoint_next(const store_t *s);
void store_wal_report(const store_t *s, store_wal_report_t *r);

/* Recovers a stopped daemon's store: if DIR/wal holds records after its
 * checkpoint, opens the store (replaying them) and closes it again.  For
 * offline tools that read the store directly (fsck).  *replayed (may be
 * NULL) is the number of records replayed.  0 or a negative EX_E* with err. */
int store_wal_recover(const char *dir, uint64_t *replayed, char *err, size_t errlen);
/* Removes DIR/wal: restore and import install a data file the log does not
 * belong to.  0 or -EX_ESTORAGE with err. */
int store_wal_discard(const char *dir, char *err, size_t errlen);
/* Checks a stopped store's log against LMDB: the checkpoint's sequence
 * against "wal_applied", nothing left to replay.  0, or -EX_EINVALID with
 * what disagrees in err (-EX_ENOTFOUND: no log). */
int store_wal_check(const char *dir, char *err, size_t errlen);

/* Opens an existing environment read-only (MDB_RDONLY), as a second process
 * next to a running exemplard: no database is created, nothing is written
 * but the reader table of lock.mdb (so the caller needs write access to
 * that file: the exemplard user or root).  The map is as large as the file
 * says; a map grown by the daemon meanwhile is followed on the next
 * store_txn_begin.  With nosubdir, path is the data file itself (a backup)
 * and no lock file is used at all (MDB_NOLOCK: nobody else may write it).
 * Checks the schema version like store_open.  Returns 0, or -EX_ENOTFOUND
 * when there is no environment, or -EX_ESTORAGE, with a sentence in err. */
int store_open_readonly(const char *path, bool nosubdir, store_t **out, char *err, size_t errlen);

/* Writes a consistent copy of the environment to fd, compacted (free pages
 * left out, pages renumbered: LMDB's mdb_env_copyfd2 with MDB_CP_COMPACT).
 * It runs in its own read transaction, so the writer is never blocked; the
 * copy is the snapshot of the moment it starts.  Returns 0 or -EX_ESTORAGE
 * (-EX_EFULL for a full disk) with a sentence in err. */
int store_copy_compact(store_t *s, int fd, char *err, size_t errlen);

/* Map size in bytes, pages in use and the page size, as LMDB reports them
 * in a read transaction (stats). */
int store_usage(store_t *s, uint64_t *map_bytes, uint64_t *used_pages, uint64_t *page_size);

/* The state directory's lock: exemplard holds an exclusive flock(2) on
 * DIR/exemplard.lock for its whole life, and so do `exemplarctl restore` and
 * `import` while they replace or fill the store, so that neither runs next
 * to a daemon.  Returns 0 with *fd (close it to release), or -EX_ECONFLICT
 * when another process holds the lock, or -EX_ESTORAGE, with a sentence in
 * err.  The lock dies with the process, so a crash never leaves it held. */
#define STORE_LOCK_FILE "exemplard.lock"
int store_lock_dir(const char *dir, int *fd, char *err, size_t errlen);

/* Doubles the map (at most to map_max).  No transaction may be open.
 * Returns 0, or -EX_EFULL when the map is already at its limit. */
int store_grow(store_t *s);
uint64_t store_map_size(const store_t *s);

/* True when the last failure was the map being full (grow and retry). */
bool store_map_full(const store_t *s);

/* Forces data and meta pages to disk. */
int store_sync(store_t *s);

int store_txn_begin(store_t *s, bool write, store_txn_t *t);
/* Commits (a write txn) or ends (a read txn); always ends the txn.  Returns
 * the sticky error if one was recorded (then nothing is committed), else the
 * commit's result. */
int store_txn_commit(store_txn_t *t);
/* The same, except that with the write-ahead log on it does not sync the
 * log: *seq is then the log record that must be durable before anything
 * the transaction wrote is acknowledged (replies, the change feed;
 * store_wait_durable, or store_log_kick and store_durable_seq), 0 when it
 * is durable already (the log off, nothing written, a transaction made
 * durable by a checkpoint).  Readers see the transaction at once. */
int store_txn_commit_nowait(store_txn_t *t, uint64_t *seq);
/* The log record through which everything is durable now (0 with the log
 * off); drains store_durable_fd.  A failed sync of the log ends the process
 * (nothing may be acknowledged from a log whose contents are unknown;
 * starting again recovers). */
uint64_t store_durable_seq(store_t *s);
/* The last log record written (0 with the log off): what a reply built now
 * may depend on. */
uint64_t store_written_seq(const store_t *s);
/* Waits until the log record seq is durable (returns 0; a failed sync ends
 * the process, as above). */
int store_wait_durable(store_t *s, uint64_t seq);
/* Hands the sync of everything written to the log's syncer and returns at
 * once (nothing with the log off); store_durable_fd polls readable when
 * it is done. */
void store_log_kick(store_t *s);
/* A descriptor that polls readable when the syncer made more of the log
 * durable (-1 with the log off). */
int store_durable_fd(const store_t *s);
void store_txn_abort(store_txn_t *t);

/* 0 with *val pointing into the map (valid until the txn ends or the next
 * write), -EX_ENOTFOUND, or -EX_ESTORAGE. */
int store_get(store_txn_t *t, store_db_t db, const void *key, size_t klen, store_val_t *val);
/* Sticky writes.  store_del ignores a missing key. */
void store_put(store_txn_t *t, store_db_t db, const void *key, size_t klen, const void *val,
               size_t vlen);
void store_del(store_txn_t *t, store_db_t db, const void *key, size_t klen);
/* Sticky: empties a database (its pages are freed in one go; the database
 * stays open).  For rebuilding derived indexes (fsck --repair). */
void store_clear(store_txn_t *t, store_db_t db);

/* Number of records in a database. */
uint64_t store_count(store_txn_t *t, store_db_t db);

/* Cursors.  Each positioning call returns 0 with key/val set, -EX_ENOTFOUND
 * at the end, or -EX_ESTORAGE. */
int store_iter_open(store_txn_t *t, store_db_t db, store_iter_t *it);
void store_iter_close(store_iter_t *it);
/* First record with key >= key (key NULL or klen 0: the first record). */
int store_iter_seek(store_iter_t *it, const void *key, size_t klen, store_val_t *k, store_val_t *v);
int store_iter_next(store_iter_t *it, store_val_t *k, store_val_t *v);
int store_iter_last(store_iter_t *it, store_val_t *k, store_val_t *v);
/* Deletes the record under the cursor (sticky on error). */
void store_iter_del(store_iter_t *it);

#endif
