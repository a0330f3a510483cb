/* SPDX-License-Identifier: MIT */
/*
 * bench_rawlmdb: the raw LMDB baseline of durable transitions.
 * What exemplard's group commit writes for a move, done by one process with
 * liblmdb directly, no ZeroMQ, no request decoding, no rules:
 *   - the nomination record read, updated (state, version, last_seq,
 *     state_seq, updated_ms) and put back under its 8-byte id;
 *   - a Change appended under the next global sequence;
 *   - the by-state index entry (state, campaign, NUL, seq) -> id;
 *   - the request-id record (time-ordered 8-byte key) holding the encoded
 *     Reply, as the daemon keeps it for retries;
 * the same protobuf records (proto/record.proto, wire.proto), the same
 * environment flags (no MDB_WRITEMAP, MDB_NORDAHEAD), B moves per durable
 * commit.  B is given per run: bench/run-all passes the mean batch sizes
 * exemplard formed at 1, 8 and 64 clients, so that the ratio compares the
 * same group commit.
 *
 *   bench_rawlmdb --dir DIR --nominations N --batches 1,4,40 [--duration S]
 *                 [--repeats R] [--out FILE]
 */
#include <errno.h>
#include <json-c/json.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common.h"
#include "record.pb-c.h"
#include "wire.pb-c.h"

enum { MAX_BATCHES = 8, MAX_REPEATS = 9, SEED_TXN = 20000 };

enum { DBN_NOMS, DBN_CHANGES, DBN_BY_STATE, DBN_BY_UNIT, DBN_REQUESTS, DBN_COUNT };
static const char *const DBN_NAME[DBN_COUNT] = {"nominations", "changes", "by_state", "by_unit",
                                                "requests"};

static const char *const VERBS[] = {
    "", "register", "foster", "review-unit", "review-ministry", "recognize"};

typedef struct {
    MDB_env *env;
    MDB_dbi dbi[DBN_COUNT];
    uint64_t last_seq;
} raw_t;

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_rawlmdb: %s: %s\n", what, mdb_strerror(rc));
    exit(1);
}

static void be64(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[i] = (uint8_t)v;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put_msg(MDB_txn *t, MDB_dbi dbi, const void *key, size_t klen,
                    const ProtobufCMessage *m, uint8_t *buf, size_t cap)
{
    size_t len = protobuf_c_message_get_packed_size(m);
    if (len > cap) {
        fprintf(stderr, "bench_rawlmdb: a record of %zu bytes\n", len);
        exit(1);
    }
    protobuf_c_message_pack(m, buf);
    MDB_val k = {klen, (void *)key}, v = {len, buf};
    int rc = mdb_put(t, dbi, &k, &v, 0);
    if (rc)
        die("put", rc);
}

static size_t state_key(uint8_t *out, int state, const char *campaign, uint64_t seq)
{
    size_t n = strlen(campaign);
    out[0] = (uint8_t)state;
    memcpy(out + 1, campaign, n + 1);
    be64(out + 2 + n, seq);
    return n + 10;
}

/* The change, its index entry and the request record of one change to n. */
static void write_change(raw_t *r, MDB_txn *t, Exemplar__Nomination *n, int from, uint64_t prev,
                         uint8_t *buf, size_t cap)
{
    Exemplar__Change c = EXEMPLAR__CHANGE__INIT;
    Exemplar__Actor actor = EXEMPLAR__ACTOR__INIT;
    actor.name = (char *)"local";
    uint64_t rid = reqid_next();
    c.seq = n->last_seq;
    c.nomination_id = n->id;
    c.prev_seq = prev;
    c.from = (Exemplar__State)from;
    c.to = n->state;
    c.verb = (char *)VERBS[n->state];
    c.version = n->version;
    c.actor = &actor;
    c.at_ms = n->updated_ms;
    c.request_id = rid;
    c.unit = n->unit;
    c.campaign = n->campaign;
    c.kind = n->kind;
    uint8_t key[8], ikey[64];
    be64(key, c.seq);
    put_msg(t, r->dbi[DBN_CHANGES], key, 8, &c.base, buf, cap);
    uint8_t id[8];
    be64(id, n->id);
    MDB_val k = {state_key(ikey, n->state, n->campaign, n->state_seq), ikey}, v = {8, id};
    int rc = mdb_put(t, r->dbi[DBN_BY_STATE], &k, &v, 0);
    if (rc)
        die("put by_state", rc);
    /* the reply the daemon keeps for a retry */
    Exemplar__Reply reply = EXEMPLAR__REPLY__INIT;
    reply.request_id = rid;
    reply.body_case = EXEMPLAR__REPLY__BODY_NOMINATION;
    reply.nomination = n;
    uint8_t packed[1024];
    size_t plen = exemplar__reply__get_packed_size(&reply);
    if (plen > sizeof(packed))
        die("reply too big", EINVAL);
    exemplar__reply__pack(&reply, packed);
    Exemplar__RequestRecord rr = EXEMPLAR__REQUEST_RECORD__INIT;
    rr.at_ms = n->updated_ms;
    rr.digest = rid * 0x9e3779b97f4a7c15ull;
    rr.reply.data = packed;
    rr.reply.len = plen;
    be64(key, rid);
    put_msg(t, r->dbi[DBN_REQUESTS], key, 8, &rr.base, buf, cap);
}

static void seed(raw_t *r, size_t n)
{
    uint8_t buf[4096];
    char unit[32], name[128];
    int kind;
    for (size_t i = 0; i < n;) {
        MDB_txn *t;
        int rc = mdb_txn_begin(r->env, NULL, 0, &t);
        if (rc)
            die("seed begin", rc);
        for (size_t end = i + SEED_TXN < n ? i + SEED_TXN : n; i < end; i++) {
            seed_fields(i, unit, sizeof(unit), &kind, name, sizeof(name));
            Exemplar__Nomination nm = EXEMPLAR__NOMINATION__INIT;
            nm.id = i + 1;
            nm.version = 1;
            nm.state = EXEMPLAR__STATE__STATE_REGISTERED;
            nm.kind = (Exemplar__Kind)kind;
            nm.unit = unit;
            nm.campaign = (char *)SEED_CAMPAIGN;
            nm.name = name;
            nm.created_ms = nm.updated_ms = now_ms();
            nm.last_seq = nm.state_seq = ++r->last_seq;
            uint8_t key[8], ukey[64];
            be64(key, nm.id);
            put_msg(t, r->dbi[DBN_NOMS], key, 8, &nm.base, buf, sizeof(buf));
            size_t ul = strlen(unit);
            memcpy(ukey, unit, ul + 1);
            be64(ukey + ul + 1, nm.id);
            MDB_val k = {ul + 9, ukey}, v = {0, (void *)""};
            if ((rc = mdb_put(t, r->dbi[DBN_BY_UNIT], &k, &v, 0)))
                die("seed by_unit", rc);
            write_change(r, t, &nm, 0, 0, buf, sizeof(buf));
        }
        if ((rc = mdb_txn_commit(t)))
            die("seed commit", rc);
    }
    mdb_env_sync(r->env, 1);
}

/* One run: moves of random unfinished nominations, batch per commit, for
 * duration_s.  Returns moves per second. */
static double run(raw_t *r, model_t *m, int batch, double duration_s, uint64_t *seed)
{
    uint8_t buf[4096];
    uint64_t moves = 0;
    double t0 = now_s(), t1 = t0;
    while (t1 - t0 < duration_s && model_remaining(m) > 0) {
        MDB_txn *t;
        int rc = mdb_txn_begin(r->env, NULL, 0, &t);
        if (rc)
            die("begin", rc);
        for (int b = 0; b < batch; b++) {
            size_t i;
            do {
                *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
                i = (size_t)((*seed >> 33) % m->n);
            } while (m->state[i] >= BS_RECOGNIZED);
            uint8_t key[8];
            be64(key, i + 1);
            MDB_val k = {8, key}, v;
            if ((rc = mdb_get(t, r->dbi[DBN_NOMS], &k, &v)))
                die("get", rc);
            Exemplar__Nomination *n = exemplar__nomination__unpack(NULL, v.mv_size, v.mv_data);
            if (!n)
                die("unpack", EINVAL);
            int from = n->state;
            uint64_t prev = n->last_seq;
            n->state = (Exemplar__State)(from + 1);
            n->version++;
            n->updated_ms = now_ms();
            n->last_seq = n->state_seq = ++r->last_seq;
            put_msg(t, r->dbi[DBN_NOMS], key, 8, &n->base, buf, sizeof(buf));
            write_change(r, t, n, from, prev, buf, sizeof(buf));
            m->state[i] = (uint8_t)n->state;
            m->version[i] = n->version;
            exemplar__nomination__free_unpacked(n, NULL);
            moves++;
        }
        if ((rc = mdb_txn_commit(t)))
            die("commit", rc);
        t1 = now_s();
    }
    return (double)moves / (t1 - t0);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_rawlmdb --dir DIR --nominations N --batches B1,B2,... "
                    "[--duration S] [--repeats R] [--out FILE]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL;
    size_t n = 0;
    int batches[MAX_BATCHES], nb = 0, repeats = 3;
    double duration = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--dir") == 0) {
            dir = argv[i + 1];
        } else if (strcmp(argv[i], "--nominations") == 0) {
            n = strtoull(argv[i + 1], NULL, 10);
        } else if (strcmp(argv[i], "--duration") == 0) {
            duration = strtod(argv[i + 1], NULL);
        } else if (strcmp(argv[i], "--repeats") == 0) {
            repeats = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--out") == 0) {
            out = argv[i + 1];
        } else if (strcmp(argv[i], "--batches") == 0) {
            for (char *s = argv[i + 1], *e; *s && nb < MAX_BATCHES; s = *e ? e + 1 : e) {
                double b = strtod(s, &e);
                batches[nb++] = b < 1 ? 1 : (int)(b + 0.5);
                if (e == s)
                    usage();
            }
        } else {
            usage();
        }
    }
    if (!dir || !n || !nb || repeats < 1 || repeats > MAX_REPEATS || duration <= 0)
        usage();
    if (mkdir(dir, 0750) < 0 && errno != EEXIST)
        die(dir, errno);
    reqid_init();
    raw_t r = {0};
    int rc = mdb_env_create(&r.env);
    if (!rc)
        rc = mdb_env_set_maxdbs(r.env, 16);
    if (!rc)
        rc = mdb_env_set_mapsize(r.env, (size_t)(n / 1000 + 1) * 8 * (1 << 20));
    if (!rc)
        rc = mdb_env_open(r.env, dir, MDB_NORDAHEAD | MDB_NOTLS | MDB_NOSYNC, 0640);
    if (rc)
        die("open", rc);
    MDB_txn *t;
    if ((rc = mdb_txn_begin(r.env, NULL, 0, &t)))
        die("begin", rc);
    for (int i = 0; i < DBN_COUNT; i++)
        if ((rc = mdb_dbi_open(t, DBN_NAME[i], MDB_CREATE, &r.dbi[i])))
            die("dbi", rc);
    if ((rc = mdb_txn_commit(t)))
        die("commit", rc);
    model_t m;
    if (model_init(&m, n) < 0)
        die("model", ENOMEM);
    double s0 = now_s();
    seed(&r, n);
    fprintf(stderr, "bench_rawlmdb: seeded %zu nominations in %.1f s\n", n, now_s() - s0);
    /* from here on every commit is durable, as exemplard's */
    if ((rc = mdb_env_set_flags(r.env, MDB_NOSYNC, 0)))
        die("flags", rc);

    uint64_t seed_rng = 42;
    json_object *rows = json_object_new_array();
    printf("raw LMDB durable transitions over %zu nominations, median of %d runs of up to %.0f "
           "s:\n",
           n, repeats, duration);
    for (int b = 0; b < nb; b++) {
        double tps[MAX_REPEATS];
        for (int k = 0; k < repeats; k++) {
            tps[k] = run(&r, &m, batches[b], duration, &seed_rng);
            fprintf(stderr, "  batch %d run %d/%d: %.0f moves/s\n", batches[b], k + 1, repeats,
                    tps[k]);
        }
        double med = median(tps, (size_t)repeats);
        printf("  batch %4d: %8.0f moves/s\n", batches[b], med);
        json_object *row = json_object_new_object();
        json_object_object_add(row, "batch", json_object_new_int(batches[b]));
        json_object_object_add(row, "tps", json_object_new_double(med));
        json_object_array_add(rows, row);
    }
    if (out) {
        json_object *root = json_object_new_object();
        json_object_object_add(root, "benchmark", json_object_new_string("rawlmdb"));
        json_object_object_add(root, "nominations", json_object_new_int64((int64_t)n));
        json_object_object_add(root, "results", rows);
        if (json_object_to_file_ext(out, root, JSON_C_TO_STRING_PRETTY) < 0)
            fprintf(stderr, "bench_rawlmdb: cannot write %s\n", out);
        json_object_put(root);
    } else {
        json_object_put(rows);
    }
    mdb_env_close(r.env);
    model_deinit(&m);
    return 0;
}
