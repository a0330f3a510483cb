/* SPDX-License-Identifier: MIT */
/*
 * bench_transitions: durable nomination transitions per second through
 * exemplard and, in the same run, through PostgreSQL; see bench/README.md.
 *
 * Sequence: start exemplard on an empty state directory and time READY=1;
 * seed N nominations (pipelined registers); restart it `repeats` times to
 * time READY=1 over N nominations; seed the same N into PostgreSQL (COPY);
 * then for each client count and repetition measure exemplard, then
 * PostgreSQL followed by a CHECKPOINT (so that its deferred writes land
 * between runs, not during exemplard's).  Prints a table of medians and
 * ratios and writes every run as JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "exd.h"
#include "pg.h"

#define MAX_CLIENT_COUNTS 8
#define MAX_REPEATS       15
#define MAX_DAEMON_ARGS   32
#define MAX_META          16

typedef struct {
    const char *exemplard;
    const char *workdir;
    const char *out;
    pg_conf_t pg;
    bool use_pg;
    size_t nominations;
    double duration_s;
    int clients[MAX_CLIENT_COUNTS];
    int nclients;
    int repeats;
    int seed_window;
    double ready_timeout_s;
    char *daemon_args[MAX_DAEMON_ARGS + 1];
    int ndaemon_args;
    const char *meta[MAX_META]; /* KEY=VALUE notes for the JSON */
    int nmeta;
    uint64_t crash_moves; /* moves into a log that is not checkpointed, then kill -9 */
} opts_t;

/* Everything measured, for the table and the JSON. */
typedef struct {
    double ready_empty_ms;
    double ready_loaded_ms[MAX_REPEATS];
    char status[128];
    double seed_s;
    exd_mem_t mem_ready, mem_end;
    double pg_seed_s;
    run_t exd[MAX_CLIENT_COUNTS][MAX_REPEATS];
    run_t pg[MAX_CLIENT_COUNTS][MAX_REPEATS];
    double pg_ckpt_s[MAX_CLIENT_COUNTS][MAX_REPEATS];
    double pg_ckpt_kib_per_tx[MAX_CLIENT_COUNTS][MAX_REPEATS];
    char pg_settings[8][64];
    double load_start; /* 1-minute load average before the benchmark */
    /* the daemon's mean group-commit size in each run (StatsReply) */
    double exd_batch[MAX_CLIENT_COUNTS][MAX_REPEATS];
    /* start-to-READY after a kill -9 with the log full of records */
    bool crashed;
    double ready_crash_ms;
    exd_wal_t wal_before_crash, wal_after_crash;
    /* paging through every nomination and through one state */
    double list_exd_s[2][MAX_REPEATS], list_pg_s[2][MAX_REPEATS];
    uint64_t list_exd_rows[2], list_pg_rows[2];
} results_t;

/* The state listed alone: fostering, the one the runs fill (a list of one
 * state served by the by-state index, not a scan of a million). */
#define LIST_STATE BS_FOSTERING
#define LIST_PAGE  1000

static const char *const PG_SETTINGS[] = {
    "server_version",   "synchronous_commit", "fsync",        "wal_sync_method",
    "full_page_writes", "shared_buffers",     "max_wal_size", "checkpoint_timeout",
};
#define NPG_SETTINGS (sizeof(PG_SETTINGS) / sizeof(PG_SETTINGS[0]))

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_transitions --exemplard PATH --workdir DIR [options]\n"
            "  --exemplard PATH     the exemplard binary to start\n"
            "  --workdir DIR        an empty directory on the disk to measure\n"
            "  --pg CONNINFO        PostgreSQL to compare with (libpq conninfo); without it\n"
            "                       only exemplard is measured\n"
            "  --pg-style cte|txn   one statement per transition (default) or\n"
            "                       BEGIN/UPDATE/INSERT/COMMIT\n"
            "  --nominations N      nominations to seed (default 1000000)\n"
            "  --duration S         seconds per measurement (default 10)\n"
            "  --clients LIST       concurrent clients, comma-separated (default 1,8,64)\n"
            "  --repeats R          measurements per client count; medians reported (default 3)\n"
            "  --seed-window W      registers in flight while seeding (default 512)\n"
            "  --daemon-arg ARG     pass ARG to exemplard (repeatable), e.g. --max-batch=512\n"
            "  --ready-timeout S    seconds to wait for READY=1 (default 120)\n"
            "  --meta KEY=VALUE     a note for the JSON's \"meta\" object (repeatable)\n"
            "  --crash-moves N      at the end, with the write-ahead log on: restart with\n"
            "                       checkpoints only by size, make N moves (8 clients), kill -9\n"
            "                       and time start-to-READY with their records replayed\n"
            "  --out FILE           write all results as JSON to FILE\n");
}

static int parse_clients(const char *s, opts_t *o)
{
    o->nclients = 0;
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", s);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *end;
        long v = strtol(t, &end, 10);
        if (*end || v < 1 || v > 1024 || o->nclients == MAX_CLIENT_COUNTS)
            return -1;
        o->clients[o->nclients++] = (int)v;
    }
    return o->nclients > 0 ? 0 : -1;
}

static int parse_opts(int argc, char **argv, opts_t *o)
{
    static const struct option LONG[] = {
        {"exemplard", required_argument, NULL, 'e'},
        {"workdir", required_argument, NULL, 'w'},
        {"pg", required_argument, NULL, 'p'},
        {"pg-style", required_argument, NULL, 's'},
        {"nominations", required_argument, NULL, 'n'},
        {"duration", required_argument, NULL, 'd'},
        {"clients", required_argument, NULL, 'c'},
        {"repeats", required_argument, NULL, 'r'},
        {"seed-window", required_argument, NULL, 'W'},
        {"daemon-arg", required_argument, NULL, 'a'},
        {"ready-timeout", required_argument, NULL, 't'},
        {"out", required_argument, NULL, 'o'},
        {"meta", required_argument, NULL, 'm'},
        {"crash-moves", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *o = (opts_t){.nominations = 1000000,
                  .duration_s = 10,
                  .clients = {1, 8, 64},
                  .nclients = 3,
                  .repeats = 3,
                  .seed_window = 512,
                  .ready_timeout_s = 120};
    int ch;
    char *end;
    while ((ch = getopt_long(argc, argv, "h", LONG, NULL)) != -1) {
        switch (ch) {
        case 'e':
            o->exemplard = optarg;
            break;
        case 'w':
            o->workdir = optarg;
            break;
        case 'p':
            o->pg.conninfo = optarg;
            o->use_pg = true;
            break;
        case 's':
            if (strcmp(optarg, "cte") == 0)
                o->pg.style = PG_STYLE_CTE;
            else if (strcmp(optarg, "txn") == 0)
                o->pg.style = PG_STYLE_TXN;
            else
                return -1;
            break;
        case 'n':
            o->nominations = strtoull(optarg, &end, 10);
            if (*end || o->nominations < 1 || o->nominations > 100000000)
                return -1;
            break;
        case 'd':
            o->duration_s = strtod(optarg, &end);
            if (*end || o->duration_s <= 0 || o->duration_s > 3600)
                return -1;
            break;
        case 'c':
            if (parse_clients(optarg, o) < 0)
                return -1;
            break;
        case 'r':
            o->repeats = (int)strtol(optarg, &end, 10);
            if (*end || o->repeats < 1 || o->repeats > MAX_REPEATS)
                return -1;
            break;
        case 'W':
            o->seed_window = (int)strtol(optarg, &end, 10);
            if (*end || o->seed_window < 1 || o->seed_window > 100000)
                return -1;
            break;
        case 'k':
            o->crash_moves = strtoull(optarg, &end, 10);
            if (*end || o->crash_moves > 100000000)
                return -1;
            break;
        case 'a':
            if (o->ndaemon_args == MAX_DAEMON_ARGS)
                return -1;
            o->daemon_args[o->ndaemon_args++] = optarg;
            break;
        case 't':
            o->ready_timeout_s = strtod(optarg, &end);
            if (*end || o->ready_timeout_s <= 0)
                return -1;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'm':
            if (o->nmeta == MAX_META || !strchr(optarg, '='))
                return -1;
            o->meta[o->nmeta++] = optarg;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return -1;
        }
    }
    if (optind != argc || !o->exemplard || !o->workdir)
        return -1;
    /* Every nomination moves at most four times; each run needs at least
     * one move per client. */
    int most = 1;
    for (int c = 0; c < o->nclients; c++)
        most = o->clients[c] > most ? o->clients[c] : most;
    if (o->nominations * 4 / (size_t)(o->nclients * o->repeats) < (size_t)most * 10) {
        fprintf(stderr, "bench: %zu nominations are too few for %d runs of up to %d clients\n",
                o->nominations, o->nclients * o->repeats, most);
        return -1;
    }
    return 0;
}

/* ---- reporting ---- */

typedef struct {
    double tps, p50, p99, p999, kib, writes;
    bool has_dev;
} summary_t;

static summary_t summarise_runs(const run_t *r, int n)
{
    double v[6][MAX_REPEATS];
    summary_t s = {.has_dev = true};
    for (int i = 0; i < n; i++) {
        v[0][i] = r[i].tps;
        v[1][i] = r[i].p50_ms;
        v[2][i] = r[i].p99_ms;
        v[3][i] = r[i].p999_ms;
        v[4][i] = r[i].dev_kib_per_tx;
        v[5][i] = r[i].dev_writes_per_tx;
        s.has_dev = s.has_dev && r[i].has_dev;
    }
    s.tps = median(v[0], (size_t)n);
    s.p50 = median(v[1], (size_t)n);
    s.p99 = median(v[2], (size_t)n);
    s.p999 = median(v[3], (size_t)n);
    s.kib = median(v[4], (size_t)n);
    s.writes = median(v[5], (size_t)n);
    return s;
}

static void print_run(const char *who, const run_t *r, int rep, int repeats)
{
    fprintf(stderr,
            "  %-9s %3d clients, run %d/%d: %8.0f tps  p50 %6.2f  p99 %6.2f  p999 %6.2f ms"
            "  (%llu moves in %.1f s%s)",
            who, r->clients, rep + 1, repeats, r->tps, r->p50_ms, r->p99_ms, r->p999_ms,
            (unsigned long long)r->ops, r->seconds, r->limited_by_quota ? ", move budget" : "");
    if (r->has_dev)
        fprintf(stderr, "  disk %.1f KiB, %.1f writes per move", r->dev_kib_per_tx,
                r->dev_writes_per_tx);
    fprintf(stderr, "\n");
}

static void print_table(const opts_t *o, const results_t *res)
{
    double ready[MAX_REPEATS];
    memcpy(ready, res->ready_loaded_ms, sizeof(ready));
    printf("\nexemplard start-to-READY: %.1f ms empty, %.1f ms with %zu nominations "
           "(median of %d)\n",
           res->ready_empty_ms, median(ready, (size_t)o->repeats), o->nominations, o->repeats);
    if (res->crashed)
        printf("exemplard start-to-READY after kill -9 with the log holding %llu records "
               "(%.1f MiB written since its checkpoint): %.1f ms, %llu records replayed\n",
               (unsigned long long)(res->wal_before_crash.last_seq - res->wal_before_crash.applied),
               res->wal_before_crash.checkpoints <= 1
                   ? (double)res->wal_before_crash.bytes / 1048576.0
                   : 0.0,
               res->ready_crash_ms, (unsigned long long)res->wal_after_crash.replayed);
    printf("exemplard memory at READY: %ld KiB anonymous (RSS %ld KiB, file-backed %ld KiB); "
           "after the runs: %ld KiB anonymous, peak RSS %ld KiB\n",
           res->mem_ready.anon_kib, res->mem_ready.rss_kib, res->mem_ready.file_kib,
           res->mem_end.anon_kib, res->mem_end.hwm_kib);
    printf("seeding %zu nominations: exemplard %.1f s (%.0f registers/s)", o->nominations,
           res->seed_s, (double)o->nominations / res->seed_s);
    if (o->use_pg)
        printf(", postgres %.1f s (COPY + keys + vacuum)", res->pg_seed_s);
    printf("\n\ndurable transitions, median of %d run%s of up to %.0f s each:\n\n", o->repeats,
           o->repeats > 1 ? "s" : "", o->duration_s);
    printf("clients | exemplard tps | p50 / p99 / p999 ms    |");
    if (o->use_pg)
        printf(" postgres tps | p50 / p99 / p999 ms    | ratio");
    printf("\n--------+---------------+------------------------+");
    if (o->use_pg)
        printf("--------------+------------------------+------");
    printf("\n");
    for (int c = 0; c < o->nclients; c++) {
        summary_t e = summarise_runs(res->exd[c], o->repeats);
        char lat[64];
        snprintf(lat, sizeof(lat), "%.2f / %.2f / %.2f", e.p50, e.p99, e.p999);
        printf("%7d | %13.0f | %-22s |", o->clients[c], e.tps, lat);
        if (o->use_pg) {
            summary_t p = summarise_runs(res->pg[c], o->repeats);
            snprintf(lat, sizeof(lat), "%.2f / %.2f / %.2f", p.p50, p.p99, p.p999);
            printf(" %12.0f | %-22s | %4.2fx", p.tps, lat, p.tps > 0 ? e.tps / p.tps : 0);
        }
        printf("\n");
    }
    printf("\nexemplard group commits, mean requests per batch (median of the runs):");
    for (int c = 0; c < o->nclients; c++) {
        double b[MAX_REPEATS];
        memcpy(b, res->exd_batch[c], sizeof(b));
        printf(" %d clients: %.1f%s", o->clients[c], median(b, (size_t)o->repeats),
               c + 1 < o->nclients ? ";" : "\n");
    }
    static const char *const LIST_WHAT[2] = {"every nomination", "one state (fostering)"};
    printf("\nlisting, pages of %d, median of %d (seconds; rows):\n", LIST_PAGE, o->repeats);
    for (int k = 0; k < 2; k++) {
        double e[MAX_REPEATS], p[MAX_REPEATS];
        memcpy(e, res->list_exd_s[k], sizeof(e));
        memcpy(p, res->list_pg_s[k], sizeof(p));
        double me = median(e, (size_t)o->repeats);
        printf("  %-22s exemplard %.3f s (%llu rows)", LIST_WHAT[k], me,
               (unsigned long long)res->list_exd_rows[k]);
        if (o->use_pg) {
            double mp = median(p, (size_t)o->repeats);
            printf(", postgres %.3f s (%llu rows), postgres/exemplard %.2fx", mp,
                   (unsigned long long)res->list_pg_rows[k], me > 0 ? mp / me : 0);
        }
        printf("\n");
    }
    bool dev = true;
    for (int c = 0; c < o->nclients; c++)
        dev = dev && summarise_runs(res->exd[c], o->repeats).has_dev;
    if (dev) {
        printf("\ndisk writes per transition (whole device, medians):\n");
        for (int c = 0; c < o->nclients; c++) {
            summary_t e = summarise_runs(res->exd[c], o->repeats);
            printf("%7d clients: exemplard %.1f KiB in %.1f writes", o->clients[c], e.kib,
                   e.writes);
            if (o->use_pg) {
                summary_t p = summarise_runs(res->pg[c], o->repeats);
                double ck[MAX_REPEATS];
                memcpy(ck, res->pg_ckpt_kib_per_tx[c], sizeof(ck));
                printf("; postgres %.1f KiB in %.1f writes + %.1f KiB at the next checkpoint",
                       p.kib, p.writes, median(ck, (size_t)o->repeats));
            }
            printf("\n");
        }
    }
    if (o->use_pg)
        printf("\npostgres: %s, synchronous_commit=%s, fsync=%s, wal_sync_method=%s, "
               "shared_buffers=%s, max_wal_size=%s; style %s\n",
               res->pg_settings[0], res->pg_settings[1], res->pg_settings[2], res->pg_settings[3],
               res->pg_settings[5], res->pg_settings[6],
               o->pg.style == PG_STYLE_CTE ? "cte (one statement per transaction)"
                                           : "txn (BEGIN/UPDATE/INSERT/COMMIT)");
}

static json_object *run_json(const run_t *r)
{
    json_object *j = json_object_new_object();
    json_object_object_add(j, "tps", json_object_new_double(r->tps));
    json_object_object_add(j, "p50_ms", json_object_new_double(r->p50_ms));
    json_object_object_add(j, "p99_ms", json_object_new_double(r->p99_ms));
    json_object_object_add(j, "p999_ms", json_object_new_double(r->p999_ms));
    json_object_object_add(j, "max_ms", json_object_new_double(r->max_ms));
    json_object_object_add(j, "moves", json_object_new_uint64(r->ops));
    json_object_object_add(j, "seconds", json_object_new_double(r->seconds));
    json_object_object_add(j, "conflicts", json_object_new_uint64(r->conflicts));
    json_object_object_add(j, "limited_by_move_budget",
                           json_object_new_boolean(r->limited_by_quota));
    if (r->has_dev) {
        json_object_object_add(j, "disk_kib_per_move", json_object_new_double(r->dev_kib_per_tx));
        json_object_object_add(j, "disk_writes_per_move",
                               json_object_new_double(r->dev_writes_per_tx));
    }
    return j;
}

static json_object *side_json(const run_t *r, int n)
{
    summary_t s = summarise_runs(r, n);
    json_object *j = json_object_new_object();
    json_object_object_add(j, "tps", json_object_new_double(s.tps));
    json_object_object_add(j, "p50_ms", json_object_new_double(s.p50));
    json_object_object_add(j, "p99_ms", json_object_new_double(s.p99));
    json_object_object_add(j, "p999_ms", json_object_new_double(s.p999));
    if (s.has_dev) {
        json_object_object_add(j, "disk_kib_per_move", json_object_new_double(s.kib));
        json_object_object_add(j, "disk_writes_per_move", json_object_new_double(s.writes));
    }
    json_object *runs = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(runs, run_json(&r[i]));
    json_object_object_add(j, "runs", runs);
    return j;
}

static json_object *mem_json(const exd_mem_t *m)
{
    json_object *j = json_object_new_object();
    json_object_object_add(j, "rss_kib", json_object_new_int64(m->rss_kib));
    json_object_object_add(j, "anon_kib", json_object_new_int64(m->anon_kib));
    json_object_object_add(j, "file_kib", json_object_new_int64(m->file_kib));
    json_object_object_add(j, "peak_rss_kib", json_object_new_int64(m->hwm_kib));
    return j;
}

static int write_json(const opts_t *o, const results_t *res, const blkdev_t *dev)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "benchmark", json_object_new_string("transitions"));
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    json_object_object_add(root, "finished_at", json_object_new_string(when));
    struct utsname u;
    json_object *host = json_object_new_object();
    if (uname(&u) == 0) {
        json_object_object_add(host, "kernel", json_object_new_string(u.release));
        json_object_object_add(host, "machine", json_object_new_string(u.machine));
    }
    json_object_object_add(host, "cpus", json_object_new_int((int)sysconf(_SC_NPROCESSORS_ONLN)));
    if (dev->ok)
        json_object_object_add(host, "disk", json_object_new_string(dev->name));
    json_object_object_add(host, "loadavg_before", json_object_new_double(res->load_start));
    json_object_object_add(root, "host", host);

    json_object *cfg = json_object_new_object();
    json_object_object_add(cfg, "nominations", json_object_new_uint64(o->nominations));
    json_object_object_add(cfg, "duration_s", json_object_new_double(o->duration_s));
    json_object_object_add(cfg, "repeats", json_object_new_int(o->repeats));
    json_object *cl = json_object_new_array();
    for (int c = 0; c < o->nclients; c++)
        json_object_array_add(cl, json_object_new_int(o->clients[c]));
    json_object_object_add(cfg, "clients", cl);
    json_object *da = json_object_new_array();
    for (int i = 0; i < o->ndaemon_args; i++)
        json_object_array_add(da, json_object_new_string(o->daemon_args[i]));
    json_object_object_add(cfg, "daemon_args", da);
    if (o->use_pg)
        json_object_object_add(cfg, "pg_style",
                               json_object_new_string(o->pg.style == PG_STYLE_CTE ? "cte" : "txn"));
    json_object_object_add(root, "config", cfg);
    json_object *meta = json_object_new_object();
    for (int i = 0; i < o->nmeta; i++) {
        const char *eq = strchr(o->meta[i], '=');
        char key[64];
        snprintf(key, sizeof(key), "%.*s", (int)(eq - o->meta[i]), o->meta[i]);
        json_object_object_add(meta, key, json_object_new_string(eq + 1));
    }
    json_object_object_add(root, "meta", meta);

    json_object *ex = json_object_new_object();
    double ready[MAX_REPEATS];
    memcpy(ready, res->ready_loaded_ms, sizeof(ready));
    json_object_object_add(ex, "ready_ms_empty", json_object_new_double(res->ready_empty_ms));
    json_object *rl = json_object_new_array();
    for (int i = 0; i < o->repeats; i++)
        json_object_array_add(rl, json_object_new_double(res->ready_loaded_ms[i]));
    json_object_object_add(ex, "ready_ms_loaded_runs", rl);
    json_object_object_add(ex, "ready_ms_loaded",
                           json_object_new_double(median(ready, (size_t)o->repeats)));
    json_object_object_add(ex, "status_at_ready", json_object_new_string(res->status));
    if (res->crashed) {
        json_object *c = json_object_new_object();
        json_object_object_add(c, "ready_ms", json_object_new_double(res->ready_crash_ms));
        json_object_object_add(c, "log_records",
                               json_object_new_int64((int64_t)(res->wal_before_crash.last_seq -
                                                               res->wal_before_crash.applied)));
        json_object_object_add(c, "log_bytes",
                               json_object_new_int64((int64_t)res->wal_before_crash.bytes));
        json_object_object_add(c, "replayed",
                               json_object_new_int64((int64_t)res->wal_after_crash.replayed));
        json_object_object_add(ex, "ready_after_crash", c);
    }
    json_object_object_add(ex, "seed_seconds", json_object_new_double(res->seed_s));
    json_object_object_add(ex, "seed_registers_per_s",
                           json_object_new_double((double)o->nominations / res->seed_s));
    json_object_object_add(ex, "memory_at_ready", mem_json(&res->mem_ready));
    json_object_object_add(ex, "memory_after_runs", mem_json(&res->mem_end));
    json_object_object_add(root, "exemplard", ex);

    if (o->use_pg) {
        json_object *pg = json_object_new_object();
        json_object_object_add(pg, "seed_seconds", json_object_new_double(res->pg_seed_s));
        json_object *set = json_object_new_object();
        for (size_t i = 0; i < NPG_SETTINGS; i++)
            json_object_object_add(set, PG_SETTINGS[i],
                                   json_object_new_string(res->pg_settings[i]));
        json_object_object_add(pg, "settings", set);
        json_object_object_add(root, "postgres", pg);
    }

    json_object *rs = json_object_new_array();
    for (int c = 0; c < o->nclients; c++) {
        json_object *row = json_object_new_object();
        json_object_object_add(row, "clients", json_object_new_int(o->clients[c]));
        json_object_object_add(row, "exemplard", side_json(res->exd[c], o->repeats));
        if (o->use_pg) {
            json_object *p = side_json(res->pg[c], o->repeats);
            json_object *ck = json_object_new_array();
            json_object *ckk = json_object_new_array();
            for (int i = 0; i < o->repeats; i++) {
                json_object_array_add(ck, json_object_new_double(res->pg_ckpt_s[c][i]));
                json_object_array_add(ckk, json_object_new_double(res->pg_ckpt_kib_per_tx[c][i]));
            }
            json_object_object_add(p, "checkpoint_after_seconds", ck);
            json_object_object_add(p, "checkpoint_after_disk_kib_per_move", ckk);
            json_object_object_add(row, "postgres", p);
            summary_t e = summarise_runs(res->exd[c], o->repeats);
            summary_t s = summarise_runs(res->pg[c], o->repeats);
            json_object_object_add(row, "ratio",
                                   json_object_new_double(s.tps > 0 ? e.tps / s.tps : 0));
        }
        json_object_array_add(rs, row);
    }
    json_object_object_add(root, "results", rs);

    /* batch sizes and listing */
    json_object *bs = json_object_new_array();
    for (int c = 0; c < o->nclients; c++) {
        double b[MAX_REPEATS];
        memcpy(b, res->exd_batch[c], sizeof(b));
        json_object *row = json_object_new_object();
        json_object_object_add(row, "clients", json_object_new_int(o->clients[c]));
        json_object_object_add(row, "mean_batch_size",
                               json_object_new_double(median(b, (size_t)o->repeats)));
        json_object_array_add(bs, row);
    }
    json_object_object_add(root, "batch_sizes", bs);
    json_object *ls = json_object_new_object();
    static const char *const LIST_KEY[2] = {"all", "one_state"};
    for (int k = 0; k < 2; k++) {
        double e[MAX_REPEATS], p[MAX_REPEATS];
        memcpy(e, res->list_exd_s[k], sizeof(e));
        memcpy(p, res->list_pg_s[k], sizeof(p));
        json_object *row = json_object_new_object();
        json_object_object_add(row, "exemplard_seconds",
                               json_object_new_double(median(e, (size_t)o->repeats)));
        json_object_object_add(row, "exemplard_rows",
                               json_object_new_int64((int64_t)res->list_exd_rows[k]));
        if (o->use_pg) {
            json_object_object_add(row, "postgres_seconds",
                                   json_object_new_double(median(p, (size_t)o->repeats)));
            json_object_object_add(row, "postgres_rows",
                                   json_object_new_int64((int64_t)res->list_pg_rows[k]));
        }
        json_object_object_add(ls, LIST_KEY[k], row);
    }
    json_object_object_add(ls, "page", json_object_new_int(LIST_PAGE));
    json_object_object_add(root, "list", ls);

    int rc = json_object_to_file_ext(o->out, root, JSON_C_TO_STRING_PRETTY) == 0 ? 0 : -1;
    if (rc < 0)
        fprintf(stderr, "bench: cannot write %s: %s\n", o->out, json_util_get_last_err());
    json_object_put(root);
    return rc;
}

/* ---- the run ---- */

static double loadavg(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1;
        fclose(f);
    }
    return l;
}

/* Other work on the machine skews both sides and the disk counters. */
static void warn_if_busy(const char *when, double load)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (load > 0.5 * (double)cpus)
        fprintf(stderr,
                "bench: warning: load average %.1f on %ld CPUs %s: other work on this machine "
                "makes the figures noisy\n",
                load, cpus, when);
}

static int fail(const char *what, const char *err)
{
    fprintf(stderr, "bench: %s: %s\n", what, err);
    return 1;
}

static uint64_t budget(const model_t *m, int left)
{
    return left > 0 ? model_remaining(m) / (uint64_t)left : 0;
}

/* Start-to-READY after a crash with a full log: the daemon restarted with
 * the log on and checkpoints only by size (half a segment of log), N
 * moves made, kill -9, then started as before and timed; what the start
 * replayed comes from its stats. */
static int crash_ready(const opts_t *o, results_t *res, exd_t *d, const char *dir, model_t *m,
                       const blkdev_t *dev, char *err, size_t errlen)
{
    char conf[600];
    snprintf(conf, sizeof(conf), "--config=%s/crash.conf", dir);
    FILE *f = fopen(conf + 9, "w");
    if (!f ||
        fputs("[rules]\nenforce = no\n[store]\nwal = on\nwal_checkpoint_ms = 600000\n", f) < 0) {
        if (f)
            fclose(f);
        snprintf(err, errlen, "cannot write crash.conf in the work directory");
        return -1;
    }
    fclose(f);
    char *extra[MAX_DAEMON_ARGS + 2];
    int n = 0;
    for (; n < o->ndaemon_args; n++)
        extra[n] = o->daemon_args[n];
    extra[n++] = conf;
    extra[n] = NULL;
    if (exd_stop(d, 120, err, errlen) < 0 ||
        exd_start(d, o->exemplard, dir, extra, o->ready_timeout_s, err, errlen) < 0)
        return -1;
    target_t tx = EXD_TARGET;
    tx.arg = d->endpoint;
    run_t run;
    uint64_t quota = o->crash_moves < model_remaining(m) ? o->crash_moves : model_remaining(m);
    if (run_transitions(&tx, m, 8, 600, quota, 77, dev, &run, err, errlen) < 0 ||
        exd_wal(d->endpoint, &res->wal_before_crash) < 0) {
        exd_kill(d);
        return -1;
    }
    exd_kill(d);
    if (exd_start(d, o->exemplard, dir, o->daemon_args, o->ready_timeout_s, err, errlen) < 0)
        return -1;
    res->ready_crash_ms = d->ready_ms;
    res->crashed = true;
    exd_wal(d->endpoint, &res->wal_after_crash);
    fprintf(stderr, "  after kill -9 with %llu records in the log: READY=1 after %.1f ms\n",
            (unsigned long long)(res->wal_before_crash.last_seq - res->wal_before_crash.applied),
            d->ready_ms);
    return 0;
}

int main(int argc, char **argv)
{
    opts_t o;
    if (parse_opts(argc, argv, &o) < 0) {
        usage(stderr);
        return 2;
    }
    static results_t res;
    char err[512];
    char dir[512];
    if ((size_t)snprintf(dir, sizeof(dir), "%s/exemplard", o.workdir) >= sizeof(dir))
        return fail("workdir", "path too long");
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        return fail(dir, strerror(errno));
    /* The daemon runs in its directory: it needs an absolute path. */
    char exe[4096];
    if (!realpath(o.exemplard, exe))
        return fail(o.exemplard, strerror(errno));
    o.exemplard = exe;
    reqid_init();
    res.load_start = loadavg();
    warn_if_busy("before the benchmark", res.load_start);
    blkdev_t dev;
    dev_find(o.workdir, &dev);
    setvbuf(stdout, NULL, _IOLBF, 0);

    model_t mx, mp;
    if (model_init(&mx, o.nominations) < 0 || model_init(&mp, o.nominations) < 0)
        return fail("model", "out of memory");
    char **extra = o.daemon_args;

    /* exemplard: empty start, seed, then timed restarts over the seeded store. */
    exd_t d;
    fprintf(stderr, "exemplard: %s, state in %s/state, disk %s\n", o.exemplard, dir,
            dev.ok ? dev.name : "(not in /proc/diskstats)");
    if (exd_start(&d, o.exemplard, dir, extra, o.ready_timeout_s, err, sizeof(err)) < 0)
        return fail("start", err);
    res.ready_empty_ms = d.ready_ms;
    fprintf(stderr,
            "  READY=1 after %.1f ms (empty store); seeding %zu nominations, "
            "%d registers in flight\n",
            d.ready_ms, o.nominations, o.seed_window);
    if (exd_seed(d.endpoint, &mx, o.seed_window, &res.seed_s, err, sizeof(err)) < 0) {
        exd_kill(&d);
        return fail("seed exemplard", err);
    }
    fprintf(stderr, "  seeded in %.1f s (%.0f registers/s)\n", res.seed_s,
            (double)o.nominations / res.seed_s);
    for (int r = 0; r < o.repeats; r++) {
        if (exd_stop(&d, 120, err, sizeof(err)) < 0)
            return fail("stop exemplard", err);
        if (exd_start(&d, o.exemplard, dir, extra, o.ready_timeout_s, err, sizeof(err)) < 0)
            return fail("restart", err);
        res.ready_loaded_ms[r] = d.ready_ms;
        fprintf(stderr, "  restart %d/%d: READY=1 after %.1f ms (%s)\n", r + 1, o.repeats,
                d.ready_ms, d.status);
    }
    snprintf(res.status, sizeof(res.status), "%s", d.status);
    exd_mem(&d, &res.mem_ready);

    if (o.use_pg) {
        fprintf(stderr, "postgres: seeding %zu nominations\n", o.nominations);
        if (pg_seed(&o.pg, &mp, &res.pg_seed_s, err, sizeof(err)) < 0) {
            exd_kill(&d);
            return fail("seed postgres", err);
        }
        fprintf(stderr, "  seeded in %.1f s\n", res.pg_seed_s);
        pg_show(&o.pg, PG_SETTINGS, NPG_SETTINGS, res.pg_settings, err, sizeof(err));
    }

    target_t tx = EXD_TARGET, tp = PG_TARGET;
    tx.arg = d.endpoint;
    tp.arg = &o.pg;
    int total = o.nclients * o.repeats, k = 0;
    for (int c = 0; c < o.nclients; c++) {
        for (int r = 0; r < o.repeats; r++, k++) {
            uint64_t seed = (uint64_t)k * 1000003u;
            uint64_t req0 = 0, bat0 = 0, req1 = 0, bat1 = 0;
            exd_counters(d.endpoint, &req0, &bat0);
            if (run_transitions(&tx, &mx, o.clients[c], o.duration_s, budget(&mx, total - k), seed,
                                &dev, &res.exd[c][r], err, sizeof(err)) < 0) {
                exd_kill(&d);
                return fail("measure exemplard", err);
            }
            /* the stats request itself is one request of a batch of its own */
            if (exd_counters(d.endpoint, &req1, &bat1) == 0 && bat1 > bat0 + 1)
                res.exd_batch[c][r] = (double)(req1 - req0 - 1) / (double)(bat1 - bat0 - 1);
            print_run("exemplard", &res.exd[c][r], r, o.repeats);
            if (!o.use_pg)
                continue;
            if (run_transitions(&tp, &mp, o.clients[c], o.duration_s, budget(&mp, total - k), seed,
                                &dev, &res.pg[c][r], err, sizeof(err)) < 0) {
                exd_kill(&d);
                return fail("measure postgres", err);
            }
            print_run("postgres", &res.pg[c][r], r, o.repeats);
            devstat_t s0, s1;
            bool has = dev_read(&dev, &s0) == 0;
            if (pg_checkpoint(&o.pg, &res.pg_ckpt_s[c][r], err, sizeof(err)) < 0) {
                exd_kill(&d);
                return fail("postgres checkpoint", err);
            }
            if (has && dev_read(&dev, &s1) == 0 && res.pg[c][r].ops > 0)
                res.pg_ckpt_kib_per_tx[c][r] = (double)(s1.write_sectors - s0.write_sectors) *
                                               512.0 / 1024.0 / (double)res.pg[c][r].ops;
        }
    }
    /* Listing: every nomination, then one state, on both sides. */
    if (o.use_pg && pg_index_state(&o.pg, err, sizeof(err)) < 0) {
        exd_kill(&d);
        return fail("postgres index", err);
    }
    for (int l = 0; l < 2; l++) {
        int state = l ? LIST_STATE : 0;
        for (int r = 0; r < o.repeats; r++) {
            if (exd_list(d.endpoint, state, LIST_PAGE, &res.list_exd_rows[l], &res.list_exd_s[l][r],
                         err, sizeof(err)) < 0) {
                exd_kill(&d);
                return fail("list exemplard", err);
            }
            if (o.use_pg && pg_list(&o.pg, state, LIST_PAGE, &res.list_pg_rows[l],
                                    &res.list_pg_s[l][r], err, sizeof(err)) < 0) {
                exd_kill(&d);
                return fail("list postgres", err);
            }
            fprintf(stderr, "  list %s %d/%d: exemplard %.3f s, %llu rows; postgres %.3f s\n",
                    l ? "one state" : "all", r + 1, o.repeats, res.list_exd_s[l][r],
                    (unsigned long long)res.list_exd_rows[l], res.list_pg_s[l][r]);
        }
    }
    exd_mem(&d, &res.mem_end);
    if (o.crash_moves && crash_ready(&o, &res, &d, dir, &mx, &dev, err, sizeof(err)) < 0)
        return fail("start after a crash", err);
    if (exd_stop(&d, 120, err, sizeof(err)) < 0)
        return fail("stop exemplard", err);

    print_table(&o, &res);
    if (res.load_start > 0.5 * (double)sysconf(_SC_NPROCESSORS_ONLN))
        printf("\nwarning: the machine was busy before the benchmark (load %.1f): figures may be "
               "noisy\n",
               res.load_start);
    int rc = 0;
    if (o.out && write_json(&o, &res, &dev) < 0)
        rc = 1;
    else if (o.out)
        printf("\nresults written to %s\n", o.out);
    model_deinit(&mx);
    model_deinit(&mp);
    return rc;
}
