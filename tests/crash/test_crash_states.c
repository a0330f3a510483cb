/* SPDX-License-Identifier: MIT */
/*
 * Crash consistency beyond kill -9: the states a power loss could leave.
 *
 * The real daemon runs a bounded workload (registrations and moves from one
 * client, each sent after the previous one was acknowledged; then a burst
 * of registrations sent in waves without waiting, so that the daemon
 * applies a batch while the log's sync of the one before runs) with the shim
 * recwrites.so preloaded, which records every write, sync and rename it makes
 * to data.mdb and the write-ahead log; the test marks in the same trace how
 * many requests were acknowledged so far.  From the trace it builds crash
 * states:
 *   prefix     everything up to a point, in order, the last write torn at
 *              a 512-byte sector (a disk that keeps its write order);
 *   reordered  the same, but each write not yet synced (to data.mdb or to
 *              a log segment) kept or lost at random (a disk and a page
 *              cache that write back in any order: LMDB's unsynced commits
 *              may then be half on disk, meta page included, and of two log
 *              records written before one sync the later may be there
 *              without the earlier).
 * Each state is installed in the state directory and the real daemon started
 * on it (READY awaited); then every acknowledged request must be there, the
 * ones in flight may be there whole or not at all (in order), nothing not
 * yet sent; and
 * `exemplard --fsck` must pass.
 *
 * With the log on (100 states of each kind) and off (LMDB's own synced
 * commits, 50 of each).  Bounded to run in about a minute:
 * EXEMPLAR_CRASH_STATES sets how many states of each kind, EXEMPLAR_TEST_SEED
 * the choice.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "itest.h"
#include "recwrites.h"

#define S(x)       EXEMPLAR__STATE__STATE_##x
#define TIMEOUT_MS 10000
#define REQUESTS   48
#define BURST      12 /* registrations then sent without waiting, in waves */
#define WAVE       4
#define SECTOR     512u

typedef struct {
    rec_head_t h;
    char path[256];
    char path2[256]; /* a rename's new name */
    const uint8_t *data;
} op_t;

typedef struct {
    uint8_t *buf; /* the whole trace */
    size_t len;
    op_t *ops;
    size_t n;
} trace_t;

static char trace_path[128];
static uint64_t ids[REQUESTS / 2 + BURST];

/* acked: requests acknowledged so far; sent: requests sent so far, written
 * before they are sent (0: acked + 1 at most, the one-at-a-time phase). */
static void mark_sent(uint64_t acked, uint64_t sent)
{
    int fd = open(trace_path, O_WRONLY | O_APPEND | O_CLOEXEC);
    assert_true(fd >= 0);
    rec_head_t h = {REC_MARK, 0, acked, sent};
    assert_int_equal(write(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
    close(fd);
}

static void mark(uint64_t acked)
{
    mark_sent(acked, 0);
}

static void load_trace(trace_t *t)
{
    int fd = open(trace_path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    t->len = (size_t)st.st_size;
    t->buf = malloc(t->len + 1);
    assert_int_equal(read(fd, t->buf, t->len), (ssize_t)t->len);
    close(fd);
    size_t cap = 1024;
    t->ops = malloc(cap * sizeof(op_t));
    t->n = 0;
    size_t at = 0;
    while (at + sizeof(rec_head_t) <= t->len) {
        op_t o;
        memset(&o, 0, sizeof(o));
        memcpy(&o.h, t->buf + at, sizeof(o.h));
        at += sizeof(o.h);
        assert_true(o.h.pathlen < sizeof(o.path) * 2 && at + o.h.pathlen <= t->len);
        if (o.h.type == REC_RENAME) {
            const char *p = (const char *)t->buf + at;
            size_t la = strnlen(p, o.h.pathlen);
            snprintf(o.path, sizeof(o.path), "%.*s", (int)la, p);
            snprintf(o.path2, sizeof(o.path2), "%.*s", (int)(o.h.pathlen - la - 1), p + la + 1);
        } else {
            snprintf(o.path, sizeof(o.path), "%.*s", (int)o.h.pathlen, t->buf + at);
        }
        at += o.h.pathlen;
        if (o.h.type == REC_WRITE || o.h.type == REC_SNAPSHOT) {
            o.data = t->buf + at;
            at += o.h.len;
        }
        if (t->n == cap)
            t->ops = realloc(t->ops, (cap *= 2) * sizeof(op_t));
        t->ops[t->n++] = o;
    }
}

/* ---- files rebuilt from the trace ------------------------------------------ */

typedef struct {
    char name[256];
    uint8_t *buf;
    size_t size, cap;
    bool live;
} file_t;

typedef struct {
    file_t f[64];
    size_t n;
} files_t;

static file_t *file_of(files_t *fs, const char *name, bool create)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fs->f[i].live && strcmp(fs->f[i].name, name) == 0)
            return &fs->f[i];
    if (!create)
        return NULL;
    assert_true(fs->n < 64);
    file_t *f = &fs->f[fs->n++];
    memset(f, 0, sizeof(*f));
    snprintf(f->name, sizeof(f->name), "%s", name);
    f->live = true;
    return f;
}

static void file_resize(file_t *f, size_t size)
{
    if (size > f->cap) {
        size_t cap = f->cap ? f->cap : 65536;
        while (cap < size)
            cap *= 2;
        f->buf = realloc(f->buf, cap);
        memset(f->buf + f->cap, 0, cap - f->cap);
        f->cap = cap;
    }
    if (size < f->size)
        memset(f->buf + size, 0, f->size - size);
    f->size = size;
}

static void apply(files_t *fs, const op_t *o, uint64_t len)
{
    file_t *f;
    switch (o->h.type) {
    case REC_WRITE:
    case REC_SNAPSHOT:
        f = file_of(fs, o->path, true);
        if (o->h.off + len > f->size)
            file_resize(f, o->h.off + len);
        memcpy(f->buf + o->h.off, o->data, len);
        break;
    case REC_CREATE:
        file_of(fs, o->path, true);
        break;
    case REC_TRUNC:
        file_resize(file_of(fs, o->path, true), o->h.off);
        break;
    case REC_UNLINK:
        if ((f = file_of(fs, o->path, false))) {
            free(f->buf);
            f->buf = NULL;
            f->live = false;
        }
        break;
    case REC_RENAME:
        f = o->path[0] ? file_of(fs, o->path, false) : NULL;
        if (f && o->path2[0]) {
            file_t *old = file_of(fs, o->path2, false);
            if (old && old != f) {
                free(old->buf);
                old->buf = NULL;
                old->live = false;
            }
            snprintf(f->name, sizeof(f->name), "%s", o->path2);
        } else if (f) {
            free(f->buf);
            f->buf = NULL;
            f->live = false;
        }
        break;
    default:
        break;
    }
}

static void files_free(files_t *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        free(fs->f[i].buf);
    fs->n = 0;
}

/* Is write i made durable by a sync of its file before point k? */
static bool synced_later(const trace_t *t, size_t i, size_t k)
{
    for (size_t j = i + 1; j < k; j++)
        if (t->ops[j].h.type == REC_SYNC && strcmp(t->ops[j].path, t->ops[i].path) == 0)
            return true;
    return false;
}

/* The state at point k (ops [0, k)): the last write torn at a sector when
 * tear; with reorder, every write not yet synced (to data.mdb or to the
 * log) kept or lost at random. */
static void build(const trace_t *t, size_t k, bool tear, bool reorder, itest_rng_t *rng,
                  files_t *fs, uint64_t *acked, uint64_t *sent)
{
    memset(fs, 0, sizeof(*fs));
    *acked = 0;
    *sent = 1;
    for (size_t i = 0; i < k; i++) {
        const op_t *o = &t->ops[i];
        if (o->h.type == REC_MARK) {
            *acked = o->h.off;
            *sent = o->h.len ? o->h.len : o->h.off + 1;
            continue;
        }
        uint64_t len = o->h.len;
        if (o->h.type == REC_WRITE && reorder && !synced_later(t, i, k) &&
            itest_rng_range(rng, 0, 1) == 0)
            continue;
        if (o->h.type == REC_WRITE && tear && i == k - 1) {
            /* the first sector boundary strictly inside the write, or more */
            uint64_t first = (o->h.off / SECTOR + 1) * SECTOR, end = o->h.off + o->h.len;
            if (first < end) {
                uint64_t sectors = (end - first + SECTOR - 1) / SECTOR;
                uint64_t cut = first + SECTOR * itest_rng_range(rng, 0, sectors - 1);
                len = cut - o->h.off;
            }
        }
        apply(fs, o, len);
    }
}

static void wipe_state(const harness_t *h)
{
    char p[256];
    const char *names[] = {"data.mdb", "lock.mdb"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(p, sizeof(p), "%s/%s", h->dir, names[i]);
        unlink(p);
    }
    snprintf(p, sizeof(p), "%s/wal", h->dir);
    DIR *d = opendir(p);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (e->d_name[0] != '.') {
                char q[600];
                snprintf(q, sizeof(q), "%s/%s", p, e->d_name);
                unlink(q);
            }
        closedir(d);
        rmdir(p);
    }
}

static void install(const harness_t *h, const files_t *fs)
{
    wipe_state(h);
    char p[600];
    for (size_t i = 0; i < fs->n; i++)
        if (fs->f[i].live && strncmp(fs->f[i].name, "wal/", 4) == 0) {
            snprintf(p, sizeof(p), "%s/wal", h->dir);
            mkdir(p, 0750);
        }
    for (size_t i = 0; i < fs->n; i++) {
        const file_t *f = &fs->f[i];
        if (!f->live)
            continue;
        snprintf(p, sizeof(p), "%s/%s", h->dir, f->name);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        assert_true(fd >= 0);
        if (f->size)
            assert_int_equal(write(fd, f->buf, f->size), (ssize_t)f->size);
        close(fd);
    }
}

/* ---- the workload and the checks ---------------------------------------- */

/* Registrations sent on a DEALER without waiting, WAVE at a time with a
 * wave's replies read after the next wave is sent: the daemon applies a
 * batch while the log's sync of the one before is in flight, and a reply
 * may only come once its record is durable. */
static void burst(harness_t *h, ex_client_t *c)
{
    void *d = zmq_socket(ex_zmq_context(), ZMQ_DEALER);
    assert_non_null(d);
    int linger = 0, tmo = TIMEOUT_MS;
    zmq_setsockopt(d, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(d, ZMQ_RCVTIMEO, &tmo, sizeof(tmo));
    assert_int_equal(zmq_connect(d, ex_client_endpoint(c)), 0);
    (void)h;
    uint64_t acked = REQUESTS, sent = REQUESTS;
    while (acked < REQUESTS + BURST) {
        if (sent < REQUESTS + BURST) {
            uint64_t upto = sent + WAVE;
            mark_sent(acked, upto);
            for (; sent < upto; sent++) {
                char name[32];
                snprintf(name, sizeof(name), "Người loạt %d", (int)(sent - REQUESTS));
                Exemplar__RegisterRequest body = EXEMPLAR__REGISTER_REQUEST__INIT;
                body.unit = "01";
                body.kind = EXEMPLAR__KIND__KIND_INDIVIDUAL;
                body.name = name;
                Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
                req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
                req.request_id = ex_request_id_new();
                req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
                req.register_ = &body;
                uint8_t buf[512];
                size_t len = exemplar__request__get_packed_size(&req);
                assert_true(len <= sizeof(buf));
                exemplar__request__pack(&req, buf);
                assert_int_equal(zmq_send(d, buf, len, 0), (int)len);
            }
        }
        /* the replies of the wave before the one just sent */
        while (acked + (sent < REQUESTS + BURST ? WAVE : 0) < sent) {
            zmq_msg_t m;
            zmq_msg_init(&m);
            assert_true(zmq_msg_recv(&m, d, 0) >= 0);
            Exemplar__Reply *r = exemplar__reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
            zmq_msg_close(&m);
            assert_non_null(r);
            assert_int_equal(r->body_case, EXEMPLAR__REPLY__BODY_NOMINATION);
            ids[REQUESTS / 2 + (acked - REQUESTS)] = r->nomination->id;
            exemplar__reply__free_unpacked(r, NULL);
            acked++;
            mark_sent(acked, sent);
        }
    }
    zmq_close(d);
}

static void workload(harness_t *h)
{
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t noms[REQUESTS / 2];
    for (int i = 0; i < REQUESTS; i++) {
        int j = i / 2;
        if (i % 2 == 0) {
            char name[32];
            snprintf(name, sizeof(name), "Người %d", j);
            noms[j] = itest_register(c, "01", name, NULL);
            ids[j] = noms[j].id;
        } else {
            noms[j] = itest_move(c, &noms[j], S(FOSTERING), NULL);
        }
        mark((uint64_t)i + 1);
        /* room for a checkpoint now and then (wal_checkpoint_ms is short) */
        if (i % 6 == 5) {
            struct timespec ts = {0, 30 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    burst(h, c);
    ex_client_destroy(&c);
}

/* How many requests the restarted daemon holds: their effects must be a
 * prefix of the workload's; returns its length. */
static int applied(harness_t *h, const char *what)
{
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    int n = 0;
    bool gap = false;
    for (int j = 0; j < REQUESTS / 2; j++) {
        Exemplar__Reply *r = NULL;
        int rc = ex_get(c, ids[j], &r);
        bool there = rc == 0 && r && r->body_case == EXEMPLAR__REPLY__BODY_NOMINATION;
        if (rc != 0 && (!r || !r->error || (int)r->error->code != EX_ENOTFOUND))
            fail_msg("%s: get %" PRIu64 " failed (%d)", what, ids[j], rc);
        bool moved = there && r->nomination->state == S(FOSTERING);
        ex_reply_free(r);
        int here = there ? (moved ? 2 : 1) : 0;
        if (gap && here)
            fail_msg("%s: nomination %d is there after a missing one: not a prefix", what, j);
        if (here < 2)
            gap = true;
        n += here;
    }
    for (int b = 0; b < BURST; b++) {
        Exemplar__Reply *r = NULL;
        int rc = ex_get(c, ids[REQUESTS / 2 + b], &r);
        bool there = rc == 0 && r && r->body_case == EXEMPLAR__REPLY__BODY_NOMINATION;
        if (rc != 0 && (!r || !r->error || (int)r->error->code != EX_ENOTFOUND))
            fail_msg("%s: get %" PRIu64 " failed (%d)", what, ids[REQUESTS / 2 + b], rc);
        ex_reply_free(r);
        if (gap && there)
            fail_msg("%s: registration %d of the burst is there after a missing one", what, b);
        if (!there)
            gap = true;
        n += there;
    }
    uint64_t last = itest_last_seq(c);
    if (last != (uint64_t)n)
        fail_msg("%s: the change log ends at %" PRIu64 " but %d requests are applied", what, last,
                 n);
    ex_client_destroy(&c);
    return n;
}

static void check_state(harness_t *h, const files_t *fs, uint64_t acked, uint64_t sent,
                        const char *what)
{
    install(h, fs);
    if (harness_restart(h) != 0)
        fail_msg("%s: the daemon did not come back", what);
    int n = applied(h, what);
    if ((uint64_t)n < acked || (uint64_t)n > sent)
        fail_msg("%s: %d requests applied, %" PRIu64 " acknowledged, %" PRIu64
                 " sent (every acknowledged one must be, none not sent may be)",
                 what, n, acked, sent);
    assert_int_equal(harness_stop(h), 0);
    char out[8192];
    const char *argv[] = {EXEMPLARD_PATH, "--state-dir", h->dir, "--config",
                          h->conf_path,   "--fsck",      NULL};
    if (harness_run(argv, out, sizeof(out)) != 0)
        fail_msg("%s: exemplard --fsck failed: %s", what, out);
}

static void run_states(void **state, bool wal, size_t default_states)
{
    harness_t *h = itest_new_harness(state);
    assert_int_equal(harness_start(h, NULL), 0);
    assert_int_equal(harness_stop(h), 0);
    wipe_state(h);
    FILE *f = fopen(h->conf_path, "w");
    assert_non_null(f);
    /* max_batch 2: the burst's waves fill batches, whose sync the loop
     * hands to the log's syncer while it applies the next one */
    fputs(wal ? HARNESS_FOUNDATION_CONF "[api]\nmax_batch = 2\n[store]\nwal = on\n"
                                        "wal_segment_mib = 1\nwal_checkpoint_ms = 20\n"
              : HARNESS_FOUNDATION_CONF "[store]\nwal = off\n",
          f);
    fclose(f);
    char tdir[64] = "/tmp/excrash.XXXXXX";
    assert_non_null(mkdtemp(tdir));
    snprintf(trace_path, sizeof(trace_path), "%s/trace", tdir);
    int tfd = open(trace_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    close(tfd);

    /* Recording: the daemon with the shim. */
    setenv("LD_PRELOAD", RECWRITES_PATH, 1);
    setenv("RECWRITES_DIR", h->dir, 1);
    setenv("RECWRITES_TRACE", trace_path, 1);
    setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", 1);
    assert_int_equal(harness_restart(h), 0);
    unsetenv("LD_PRELOAD");
    unsetenv("RECWRITES_DIR");
    unsetenv("RECWRITES_TRACE");
    workload(h);
    assert_int_equal(harness_kill9(h), 0);

    trace_t t;
    load_trace(&t);
    size_t writes = 0, syncs = 0;
    for (size_t i = 0; i < t.n; i++) {
        writes += t.ops[i].h.type == REC_WRITE;
        syncs += t.ops[i].h.type == REC_SYNC;
    }
    printf("trace: %zu operations, %zu writes, %zu syncs, %zu bytes\n", t.n, writes, syncs, t.len);
    assert_true(writes > REQUESTS && syncs > REQUESTS);

    uint64_t seed = itest_seed("crash_states");
    itest_rng_t rng = {seed};
    const char *env = getenv("EXEMPLAR_CRASH_STATES");
    size_t per_kind = env ? (size_t)strtoul(env, NULL, 10) : default_states;
    /* Points: right after each sync of the log (an acknowledgement's
     * durability point), right before it, and the rest at random. */
    size_t *points = malloc((t.n + 1) * sizeof(size_t)), np = 0;
    for (size_t i = 0; i < t.n; i++)
        if (t.ops[i].h.type == REC_SYNC || t.ops[i].h.type == REC_WRITE)
            points[np++] = i + 1;
    points[np++] = t.n;
    for (int kind = 0; kind < 2; kind++) {
        bool reorder = kind == 1;
        for (size_t s = 0; s < per_kind && s < np; s++) {
            /* spread over the whole trace, with a random offset in each slice */
            size_t lo = s * np / per_kind, hi = (s + 1) * np / per_kind;
            size_t k = points[lo + (hi > lo ? itest_rng_range(&rng, 0, hi - lo - 1) : 0)];
            bool tear = itest_rng_range(&rng, 0, 1) == 1;
            files_t fs;
            uint64_t acked, sent;
            build(&t, k, tear, reorder, &rng, &fs, &acked, &sent);
            char what[160];
            snprintf(what, sizeof(what), "%s state at operation %zu of %zu%s (seed %" PRIu64 ")",
                     reorder ? "reordered" : "prefix", k, t.n, tear ? ", last write torn" : "",
                     seed);
            check_state(h, &fs, acked, sent, what);
            files_free(&fs);
        }
    }
    printf("checked %zu prefix and %zu reordered crash states, the log %s\n", per_kind, per_kind,
           wal ? "on" : "off");
    free(points);
    free(t.ops);
    free(t.buf);
    unlink(trace_path);
    rmdir(tdir);
}

/* [store] wal = on: LMDB unsynced between checkpoints, the log synced. */
static void with_the_log_power_loss_states_recover_the_acknowledged(void **state)
{
    run_states(state, true, 100);
}

/* [store] wal = off: LMDB's own synced commits, checked the same way. */
static void without_the_log_power_loss_states_recover_the_acknowledged(void **state)
{
    run_states(state, false, 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(with_the_log_power_loss_states_recover_the_acknowledged,
                                  harness_teardown),
        cmocka_unit_test_teardown(without_the_log_power_loss_states_recover_the_acknowledged,
                                  harness_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
