/* SPDX-License-Identifier: MIT */
/*
 * bench_events: durable events/s that exemplard ingests from
 * batched PublishRequests, against raw LMDB inserts of the same records in
 * the same run, on the same disk.
 *
 *   exemplard: the real daemon (started here, READY=1 awaited); one DEALER
 *     keeps `window` PublishRequests of `batch` events in flight; an event
 *     counts when its request's reply (sent after the durable commit) is
 *     back.  The daemon writes per event: the event log (append), the
 *     events_seen dedup record (append per publisher), the title fact's
 *     evidence record and its tally mark (random inserts by subject), the
 *     publisher's counters (one record per batch), plus a request id
 *     record per request; the subject index follows off the
 *     acknowledgement path ([store] events_index_lag), in the same process.
 *   raw LMDB: the same three records per event (the packed Event under an
 *     8-byte sequence, publisher+seq -> event id, subject+seq -> "") with
 *     default durable commits of `batch` events, in one process, no
 *     protocol, no validation.
 *
 * Events: `publishers` publishers numbering 1..n, subjects drawn uniformly
 * from `subjects` ids, a title-awarded detail and a decision number (about
 * 110 bytes packed).  Prints one table and, with --json, one JSON line.
 */
#include <errno.h>
#include <inttypes.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "common.h"
#include "exd.h"
#include "exemplar.h"

/* exemplard's default [api] max_message_bytes (ZMQ_MAXMSGSIZE of its api
 * socket), which exd_start's configuration keeps. */
#define MAX_MESSAGE_BYTES 11534336

typedef struct {
    const char *exemplard;
    const char *workdir;
    uint64_t events;
    unsigned batch, window, publishers, subjects;
    bool json, wal;
} opts_t;

typedef struct {
    Exemplar__Event ev;
    Exemplar__TitleAwarded title;
    Exemplar__Decision decision;
    char id[32], subject[16], publisher[16], number[24];
} ev_t;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Event k (0-based) of the run. */
static void make_event(ev_t *e, uint64_t k, const opts_t *o)
{
    exemplar__event__init(&e->ev);
    exemplar__title_awarded__init(&e->title);
    exemplar__decision__init(&e->decision);
    snprintf(e->publisher, sizeof(e->publisher), "pub%02u", (unsigned)(k % o->publishers));
    e->ev.publisher = e->publisher;
    e->ev.seq = k / o->publishers + 1;
    snprintf(e->id, sizeof(e->id), "E-%" PRIu64, e->ev.seq);
    snprintf(e->subject, sizeof(e->subject), "CB-%06u", (unsigned)(rng() % o->subjects));
    snprintf(e->number, sizeof(e->number), "%" PRIu64 "/QĐ-BNV", k);
    e->ev.event_id = e->id;
    e->ev.subject = e->subject;
    e->ev.type = EXEMPLAR__EVENT_TYPE__EVENT_TITLE_AWARDED;
    e->ev.year = 2023;
    e->title.title = (char *)"Chiến sĩ thi đua cơ sở";
    e->ev.detail_case = EXEMPLAR__EVENT__DETAIL_TITLE_AWARDED;
    e->ev.title_awarded = &e->title;
    e->decision.number = e->number;
    e->decision.date = (char *)"2023-06-30";
    e->decision.issuer = (char *)"Bộ Nội vụ";
    e->ev.decision = &e->decision;
}

/* ---- exemplard ------------------------------------------------------------- */

/* Packs PublishRequest number r (events r*batch ..). */
static uint8_t *pack_request(uint64_t r, const opts_t *o, uint64_t *first_event, size_t *n_out,
                             size_t *len)
{
    static ev_t evs[1000];
    Exemplar__Event *v[1000];
    uint64_t first = r * o->batch;
    size_t n = first + o->batch <= o->events ? o->batch : (size_t)(o->events - first);
    for (size_t i = 0; i < n; i++) {
        make_event(&evs[i], first + i, o);
        v[i] = &evs[i].ev;
    }
    Exemplar__PublishRequest pr = EXEMPLAR__PUBLISH_REQUEST__INIT;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    pr.events = v;
    pr.n_events = n;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.request_id = reqid_next();
    req.body_case = EXEMPLAR__REQUEST__BODY_PUBLISH;
    req.publish = &pr;
    *len = exemplar__request__get_packed_size(&req);
    uint8_t *buf = malloc(*len);
    if (buf)
        exemplar__request__pack(&req, buf);
    *first_event = first;
    *n_out = n;
    return buf;
}

static int run_daemon(const opts_t *o, double *eps, double *seconds, char *err, size_t errlen)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/exemplard", o->workdir);
    mkdir(dir, 0750);
    exd_t d;
    char *extra[] = {"--max-batch", "1024", o->wal ? "--wal=on" : "--wal=off", NULL};
    if (exd_start(&d, o->exemplard, dir, extra, 30, err, errlen) < 0)
        return -1;
    void *sock = zmq_socket(ex_zmq_context(), ZMQ_DEALER);
    int zero = 0, hwm = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof(zero));
    zmq_setsockopt(sock, ZMQ_SNDHWM, &hwm, sizeof(hwm));
    zmq_connect(sock, d.endpoint);

    /* Warm up: one request, so the connection is up before the clock. */
    uint64_t requests = (o->events + o->batch - 1) / o->batch, sent = 0, done = 0, acked = 0;
    int rc = 0;
    double start = 0;
    while (done < requests && rc == 0) {
        while (sent < requests && sent - done < (done ? o->window : 1)) {
            uint64_t first;
            size_t n, len;
            uint8_t *buf = pack_request(sent, o, &first, &n, &len);
            if (buf && len > MAX_MESSAGE_BYTES) {
                /* exemplard would drop it without a word and cut the connection */
                snprintf(err, errlen,
                         "a request of %zu events is %zu bytes, over exemplard's "
                         "max_message_bytes (%d): lower --batch",
                         n, len, MAX_MESSAGE_BYTES);
                rc = -1;
            } else if (!buf || zmq_send(sock, buf, len, 0) != (int)len) {
                snprintf(err, errlen, "cannot send a publish request");
                rc = -1;
            }
            free(buf);
            sent++;
        }
        zmq_msg_t m;
        zmq_msg_init(&m);
        zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
        if (rc == 0 && (zmq_poll(&item, 1, 30000) <= 0 || zmq_msg_recv(&m, sock, 0) < 0)) {
            snprintf(err, errlen, "no reply from exemplard within 30 s");
            rc = -1;
        }
        if (rc == 0) {
            Exemplar__Reply *r = exemplar__reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
            if (!r || r->error || r->body_case != EXEMPLAR__REPLY__BODY_PUBLISH) {
                snprintf(err, errlen, "publish refused: %s",
                         r && r->error ? r->error->message : "not a publish reply");
                rc = -1;
            } else {
                acked += r->publish->accepted;
            }
            if (r)
                exemplar__reply__free_unpacked(r, NULL);
        }
        zmq_msg_close(&m);
        if (++done == 1)
            start = now_s(), acked = 0;
    }
    double elapsed = now_s() - start;
    zmq_close(sock);
    char stop_err[256];
    if (exd_stop(&d, 30, stop_err, sizeof(stop_err)) < 0 && rc == 0) {
        snprintf(err, errlen, "%s", stop_err);
        rc = -1;
    }
    uint64_t timed = o->events - (o->events < o->batch ? o->events : o->batch);
    if (rc == 0 && acked != timed) {
        snprintf(err, errlen, "exemplard accepted %" PRIu64 " of %" PRIu64 " events", acked, timed);
        rc = -1;
    }
    *seconds = elapsed;
    *eps = elapsed > 0 ? (double)acked / elapsed : 0;
    return rc;
}

/* ---- raw LMDB ---------------------------------------------------------------- */

static size_t name_key(uint8_t *out, const char *name, uint64_t v)
{
    size_t n = strlen(name);
    memcpy(out, name, n);
    out[n] = 0;
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[n + 1 + i] = (uint8_t)v;
    return n + 9;
}

/* with_subject false: the log and the dedup record only, the ceiling of an
 * ingestion path whose subject index is built off the acknowledgement path. */
static int run_raw(const opts_t *o, bool with_subject, double *eps, double *seconds, char *err,
                   size_t errlen)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/raw%s", o->workdir, with_subject ? "" : "-nosubject");
    mkdir(dir, 0750);
    MDB_env *env;
    MDB_dbi log, seen, subj;
    MDB_txn *txn;
    int rc = mdb_env_create(&env);
    if (rc == 0)
        rc = mdb_env_set_maxdbs(env, 4);
    if (rc == 0)
        rc = mdb_env_set_mapsize(env, 8ull << 30);
    if (rc == 0)
        rc = mdb_env_open(env, dir, MDB_NORDAHEAD | MDB_NOTLS, 0640);
    if (rc == 0)
        rc = mdb_txn_begin(env, NULL, 0, &txn);
    if (rc == 0) {
        rc = mdb_dbi_open(txn, "events", MDB_CREATE, &log);
        if (rc == 0)
            rc = mdb_dbi_open(txn, "events_seen", MDB_CREATE, &seen);
        if (rc == 0)
            rc = mdb_dbi_open(txn, "events_by_subject", MDB_CREATE, &subj);
        rc = rc ? (mdb_txn_abort(txn), rc) : mdb_txn_commit(txn);
    }
    rng_state = 0x9e3779b97f4a7c15ull; /* the same subjects as the daemon got */
    double start = now_s();
    uint64_t k = 0;
    while (rc == 0 && k < o->events) {
        rc = mdb_txn_begin(env, NULL, 0, &txn);
        for (unsigned i = 0; rc == 0 && i < o->batch && k < o->events; i++, k++) {
            ev_t e;
            make_event(&e, k, o);
            e.ev.ingest_seq = k + 1;
            e.ev.received_ms = 1700000000000;
            uint8_t buf[512], key[96], k8[8];
            size_t len = exemplar__event__pack(&e.ev, buf);
            uint64_t v = k + 1;
            for (int b = 7; b >= 0; b--, v >>= 8)
                k8[b] = (uint8_t)v;
            MDB_val mk = {8, k8}, mv = {len, buf};
            rc = mdb_put(txn, log, &mk, &mv, 0);
            if (rc == 0) {
                mk = (MDB_val){name_key(key, e.ev.publisher, e.ev.seq), key};
                mv = (MDB_val){strlen(e.id), e.id};
                rc = mdb_put(txn, seen, &mk, &mv, 0);
            }
            if (rc == 0 && with_subject) {
                mk = (MDB_val){name_key(key, e.ev.subject, k + 1), key};
                mv = (MDB_val){0, ""};
                rc = mdb_put(txn, subj, &mk, &mv, 0);
            }
        }
        rc = rc ? (mdb_txn_abort(txn), rc) : mdb_txn_commit(txn);
    }
    double elapsed = now_s() - start;
    mdb_env_close(env);
    if (rc) {
        snprintf(err, errlen, "raw LMDB: %s", mdb_strerror(rc));
        return -1;
    }
    *seconds = elapsed;
    *eps = (double)o->events / elapsed;
    return 0;
}

static const char USAGE[] =
    "usage: bench_events --exemplard PATH --workdir DIR [--events N] [--batch N]\n"
    "                    [--window N] [--publishers N] [--subjects N] [--wal on|off] [--json]\n"
    "  --batch: events per PublishRequest, 1-1000 (default 1000, the protocol's largest;\n"
    "           a request over exemplard's [api] max_message_bytes is refused here);\n"
    "           raw LMDB commits as many\n"
    "  --wal:   exemplard's write-ahead log ([store] wal; default off, the daemon's)\n";

static int parse_u(const char *s, unsigned long long lo, unsigned long long hi,
                   unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    opts_t o = {.events = 200000, .batch = 1000, .window = 8, .publishers = 4, .subjects = 10000};
    for (int i = 1; i < argc; i++) {
        unsigned long long v = 0;
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (strcmp(a, "--json") == 0) {
            o.json = true;
            continue;
        }
        if (!val) {
            fputs(USAGE, stderr);
            return 2;
        }
        i++;
        if (strcmp(a, "--exemplard") == 0)
            o.exemplard = val;
        else if (strcmp(a, "--workdir") == 0)
            o.workdir = val;
        else if (strcmp(a, "--events") == 0)
            bad = parse_u(val, 1000, 100000000, &v), o.events = v;
        else if (strcmp(a, "--batch") == 0)
            bad = parse_u(val, 1, 1000, &v), o.batch = (unsigned)v;
        else if (strcmp(a, "--window") == 0)
            bad = parse_u(val, 1, 256, &v), o.window = (unsigned)v;
        else if (strcmp(a, "--publishers") == 0)
            bad = parse_u(val, 1, 99, &v), o.publishers = (unsigned)v;
        else if (strcmp(a, "--wal") == 0)
            bad = strcmp(val, "on") != 0 && strcmp(val, "off") != 0, o.wal = strcmp(val, "on") == 0;
        else if (strcmp(a, "--subjects") == 0)
            bad = parse_u(val, 1, 999999, &v), o.subjects = (unsigned)v;
        else
            bad = 1;
        if (bad) {
            fprintf(stderr, "bench_events: bad option %s %s\n%s", a, val, USAGE);
            return 2;
        }
    }
    if (!o.exemplard || !o.workdir) {
        fputs(USAGE, stderr);
        return 2;
    }
    reqid_init();
    char err[512];
    double d_eps, d_s, r_eps, r_s, n_eps, n_s;
    rng_state = 0x9e3779b97f4a7c15ull;
    if (run_daemon(&o, &d_eps, &d_s, err, sizeof(err)) < 0 ||
        run_raw(&o, true, &r_eps, &r_s, err, sizeof(err)) < 0 ||
        run_raw(&o, false, &n_eps, &n_s, err, sizeof(err)) < 0) {
        fprintf(stderr, "bench_events: %s\n", err);
        ex_shutdown();
        return 1;
    }
    printf("events %" PRIu64 ", batch %u, window %u, publishers %u, subjects %u, wal %s\n",
           o.events, o.batch, o.window, o.publishers, o.subjects, o.wal ? "on" : "off");
    printf("%-34s %12s %10s\n", "system", "events/s", "seconds");
    printf("%-34s %12.0f %10.2f\n", "exemplard (PublishRequest, durable)", d_eps, d_s);
    printf("%-34s %12.0f %10.2f\n", "raw LMDB (same records, durable)", r_eps, r_s);
    printf("%-34s %12.0f %10.2f\n", "raw LMDB (no subject index)", n_eps, n_s);
    printf("exemplard / raw LMDB: %.2f\n", d_eps / r_eps);
    if (o.json)
        printf("{\"events\":%" PRIu64 ",\"batch\":%u,\"window\":%u,\"subjects\":%u,\"wal\":%s,"
               "\"exemplard_eps\":%.0f,\"raw_lmdb_eps\":%.0f,\"raw_lmdb_no_subject_eps\":%.0f,"
               "\"ratio\":%.3f}\n",
               o.events, o.batch, o.window, o.subjects, o.wal ? "true" : "false", d_eps, r_eps,
               n_eps, d_eps / r_eps);
    ex_shutdown();
    return 0;
}
