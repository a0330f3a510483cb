/* SPDX-License-Identifier: MIT */
/*
 * The benchmark's shared parts: workload model, measurement runner, latency
 * percentiles, request ids and block-device counters (see common.h).
 *
 * The runner gives each client thread a disjoint share of the nominations
 * so that clients never race on one nomination: every move carries the
 * version the benchmark saw last and a conflict would mean a bug, not load.
 */
#include "common.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double now_s(void)
{
    return (double)now_ns() / 1e9;
}

static _Atomic uint64_t next_reqid;

void reqid_init(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    atomic_store(&next_reqid, ms << 16);
}

uint64_t reqid_next(void)
{
    return atomic_fetch_add(&next_reqid, 1);
}

uint64_t reqid_block(uint64_t n)
{
    return atomic_fetch_add(&next_reqid, n);
}

int model_init(model_t *m, size_t n)
{
    memset(m, 0, sizeof(*m));
    m->key = calloc(n ? n : 1, sizeof(*m->key));
    m->version = calloc(n ? n : 1, sizeof(*m->version));
    m->state = calloc(n ? n : 1, sizeof(*m->state));
    if (!m->key || !m->version || !m->state) {
        model_deinit(m);
        return -1;
    }
    m->n = n;
    for (size_t i = 0; i < n; i++) {
        m->version[i] = 1;
        m->state[i] = BS_REGISTERED;
    }
    return 0;
}

void model_deinit(model_t *m)
{
    free(m->key);
    free(m->version);
    free(m->state);
    memset(m, 0, sizeof(*m));
}

uint64_t model_remaining(const model_t *m)
{
    uint64_t left = 0;
    for (size_t i = 0; i < m->n; i++)
        left += (uint64_t)(BS_RECOGNIZED - m->state[i]);
    return left;
}

/* Vietnamese names, as the programme has them: individuals and collectives,
 * spread over 200 units. */
static const char *const FAMILY[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"};
static const char *const GIVEN[] = {"Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng",
                                    "Thu Hà", "Đức Huy",  "Ngọc Lan",  "Thanh Sơn"};

void seed_fields(size_t i, char *unit, size_t unit_len, int *kind, char *name, size_t name_len)
{
    snprintf(unit, unit_len, "U%03zu", i % 200 + 1);
    if (i % 5 == 0) {
        *kind = 1; /* collective */
        snprintf(name, name_len, "Tổ công tác số %zu", i + 1);
    } else {
        *kind = 2; /* individual */
        snprintf(name, name_len, "%s %s %zu", FAMILY[i % 8], GIVEN[(i / 8) % 8], i + 1);
    }
}

void dev_find(const char *path, blkdev_t *d)
{
    memset(d, 0, sizeof(*d));
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    d->major = major(st.st_dev);
    d->minor = minor(st.st_dev);
    FILE *f = fopen("/proc/diskstats", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        unsigned ma, mi;
        char name[32];
        if (sscanf(line, "%u %u %31s", &ma, &mi, name) == 3 && ma == d->major && mi == d->minor) {
            snprintf(d->name, sizeof(d->name), "%s", name);
            d->ok = true;
            break;
        }
    }
    fclose(f);
}

int dev_read(const blkdev_t *d, devstat_t *s)
{
    memset(s, 0, sizeof(*s));
    if (!d->ok)
        return -1;
    FILE *f = fopen("/proc/diskstats", "r");
    if (!f)
        return -1;
    char line[512];
    int rc = -1;
    while (fgets(line, sizeof(line), f)) {
        unsigned ma, mi;
        char name[32];
        unsigned long long v[7] = {0};
        int got = sscanf(line, "%u %u %31s %llu %llu %llu %llu %llu %llu %llu", &ma, &mi, name,
                         &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
        if (got < 10 || ma != d->major || mi != d->minor)
            continue;
        s->write_ios = v[4];
        s->write_sectors = v[6];
        rc = 0;
        break;
    }
    fclose(f);
    return rc;
}

double median(double *v, size_t n)
{
    /* n is 3 or so: insertion sort. */
    for (size_t i = 1; i < n; i++) {
        double x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- the runner ---- */

/* Threads connect first, then wait here until the runner says go (every
 * client connected) or stop (a thread could not be started). */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int ready;
    int go; /* 0 wait, 1 go, -1 stop */
} gate_t;

typedef struct {
    const target_t *t;
    model_t *m;
    int index, clients;
    double duration_s;
    uint64_t quota;
    gate_t *gate;

    void *conn;
    uint32_t *live; /* indexes of this thread's nominations that can still move */
    size_t nlive;
    uint64_t *lat; /* ns per move */
    uint64_t rng;

    uint64_t ops, conflicts;
    uint64_t start_ns, end_ns;
    bool quota_hit;
    int failed;
    char err[256];
} worker_t;

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    model_t *m = w->m;

    for (size_t i = (size_t)w->index; i < m->n; i += (size_t)w->clients)
        if (m->state[i] < BS_RECOGNIZED)
            w->live[w->nlive++] = (uint32_t)i;
    w->conn = w->t->connect(w->t->arg, w->err, sizeof(w->err));
    if (!w->conn)
        w->failed = 1;

    pthread_mutex_lock(&w->gate->mu);
    w->gate->ready++;
    pthread_cond_broadcast(&w->gate->cv);
    while (w->gate->go == 0)
        pthread_cond_wait(&w->gate->cv, &w->gate->mu);
    int go = w->gate->go;
    pthread_mutex_unlock(&w->gate->mu);

    w->start_ns = now_ns();
    w->end_ns = w->start_ns;
    if (go < 0 || w->failed)
        return NULL;
    uint64_t deadline = w->start_ns + (uint64_t)(w->duration_s * 1e9);
    uint64_t t = w->start_ns;

    while (t < deadline && w->nlive > 0) {
        if (w->ops >= w->quota) {
            w->quota_hit = true;
            break;
        }
        size_t r = (size_t)(xorshift(&w->rng) % w->nlive);
        uint32_t i = w->live[r];
        int from = m->state[i], to = from + 1;
        uint64_t nv = 0;
        uint64_t t0 = now_ns();
        int rc =
            w->t->move(w->conn, m->key[i], from, to, m->version[i], &nv, w->err, sizeof(w->err));
        t = now_ns();
        if (rc < 0) {
            w->failed = 1;
            break;
        }
        if (rc == MOVE_CONFLICT) {
            w->conflicts++;
            m->version[i] = nv;
            continue;
        }
        w->lat[w->ops++] = t - t0;
        m->state[i] = (uint8_t)to;
        m->version[i] = nv;
        if (to >= BS_RECOGNIZED)
            w->live[r] = w->live[--w->nlive];
    }
    w->end_ns = t;
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n), in milliseconds. */
static double pct_ms(const uint64_t *v, size_t n, double q)
{
    if (n == 0)
        return 0;
    size_t k = (size_t)ceil(q * (double)n);
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return (double)v[k - 1] / 1e6;
}

static void gate_open(gate_t *g, int go)
{
    pthread_mutex_lock(&g->mu);
    g->go = go;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

static int summarise(const target_t *t, worker_t *w, int clients, run_t *out, char *err,
                     size_t err_len)
{
    uint64_t first = UINT64_MAX, last = 0, total = 0;
    for (int i = 0; i < clients; i++) {
        if (w[i].failed) {
            snprintf(err, err_len, "%s, client %d of %d: %s", t->name, i + 1, clients, w[i].err);
            return -1;
        }
        if (w[i].start_ns < first)
            first = w[i].start_ns;
        if (w[i].end_ns > last)
            last = w[i].end_ns;
        total += w[i].ops;
        out->conflicts += w[i].conflicts;
        out->limited_by_quota |= w[i].quota_hit || w[i].nlive == 0;
    }
    uint64_t *all = malloc((size_t)(total ? total : 1) * sizeof(uint64_t));
    if (!all) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    size_t k = 0;
    for (int i = 0; i < clients; i++) {
        memcpy(all + k, w[i].lat, (size_t)w[i].ops * sizeof(uint64_t));
        k += w[i].ops;
    }
    qsort(all, k, sizeof(uint64_t), cmp_u64);
    out->ops = total;
    out->seconds = last > first ? (double)(last - first) / 1e9 : 0;
    out->tps = out->seconds > 0 ? (double)total / out->seconds : 0;
    out->p50_ms = pct_ms(all, k, 0.50);
    out->p99_ms = pct_ms(all, k, 0.99);
    out->p999_ms = pct_ms(all, k, 0.999);
    out->max_ms = k ? (double)all[k - 1] / 1e6 : 0;
    free(all);
    return 0;
}

int run_transitions(const target_t *t, model_t *m, int clients, double duration_s, uint64_t quota,
                    uint64_t seed, const blkdev_t *dev, run_t *out, char *err, size_t err_len)
{
    int rc = -1, started = 0;
    memset(out, 0, sizeof(*out));
    out->clients = clients;
    if (clients < 1 || quota < (uint64_t)clients) {
        snprintf(err, err_len, "%s: no moves left to measure %d clients", t->name, clients);
        return -1;
    }
    uint64_t per_thread = quota / (uint64_t)clients;
    size_t share = m->n / (size_t)clients + 1;
    gate_t gate = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

    worker_t *w = calloc((size_t)clients, sizeof(*w));
    pthread_t *th = calloc((size_t)clients, sizeof(*th));
    if (!w || !th)
        goto nomem;
    for (int i = 0; i < clients; i++) {
        w[i] = (worker_t){.t = t,
                          .m = m,
                          .index = i,
                          .clients = clients,
                          .duration_s = duration_s,
                          .quota = per_thread,
                          .gate = &gate,
                          .rng = (seed + 1) * 0x9E3779B97F4A7C15ull ^ ((uint64_t)i + 1) * 7919u};
        if (w[i].rng == 0)
            w[i].rng = 1; /* xorshift's one fixed point */
        w[i].live = malloc(share * sizeof(uint32_t));
        w[i].lat = malloc((size_t)per_thread * sizeof(uint64_t));
        if (!w[i].live || !w[i].lat)
            goto nomem;
    }

    for (; started < clients; started++) {
        int e = pthread_create(&th[started], NULL, worker_main, &w[started]);
        if (e != 0) {
            snprintf(err, err_len, "%s: cannot start client thread %d (%s)", t->name, started + 1,
                     strerror(e));
            gate_open(&gate, -1);
            goto out;
        }
    }
    pthread_mutex_lock(&gate.mu);
    while (gate.ready < clients)
        pthread_cond_wait(&gate.cv, &gate.mu);
    bool connected = true;
    for (int i = 0; i < clients; i++)
        connected = connected && !w[i].failed;
    pthread_mutex_unlock(&gate.mu);

    devstat_t d0, d1;
    bool has_dev = dev && dev_read(dev, &d0) == 0;
    gate_open(&gate, connected ? 1 : -1);
    for (int i = 0; i < clients; i++)
        pthread_join(th[i], NULL);
    started = 0;
    has_dev = has_dev && dev_read(dev, &d1) == 0;

    rc = summarise(t, w, clients, out, err, err_len);
    if (rc == 0 && has_dev && out->ops > 0) {
        out->has_dev = true;
        out->dev_kib_per_tx =
            (double)(d1.write_sectors - d0.write_sectors) * 512.0 / 1024.0 / (double)out->ops;
        out->dev_writes_per_tx = (double)(d1.write_ios - d0.write_ios) / (double)out->ops;
    }
    goto out;
nomem:
    snprintf(err, err_len, "out of memory");
out:
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    if (w) {
        for (int i = 0; i < clients; i++) {
            if (w[i].conn)
                t->disconnect(w[i].conn);
            free(w[i].live);
            free(w[i].lat);
        }
    }
    free(w);
    free(th);
    return rc;
}
