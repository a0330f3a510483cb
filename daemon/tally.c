/* SPDX-License-Identifier: MIT */
/*
 * Quarterly tallies (see tally.h): advancing them from the change log in
 * bounded steps, and reading a quarter's counts, moves and recognitions back.
 * A step aggregates its changes in memory first, sorted by key, so each
 * tally key is read and written once per step, in key order.
 */
#include "tally.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "errors.h"
#include "key.h"
#include "log.h"
#include "names.h"
#include "record.pb-c.h"

#define TALLY_KEY_MAX 64
#define TALLY_STEP    20000 /* changes per background step */
#define REVIEW_SPANS  32    /* spans kept per nomination */

static const char TALLY_SEQ_KEY[] = "tally_seq";

/* ---- quarters ----------------------------------------------------------- */

static void ymd_of(int32_t day, int *y, int *m)
{
    char buf[16];
    int d;
    day_format(day, buf, sizeof(buf));
    if (sscanf(buf, "%d-%d-%d", y, m, &d) != 3) {
        *y = 1970;
        *m = 1;
    }
}

unsigned tally_quarter_of_day(int32_t day)
{
    int y, m;
    ymd_of(day, &y, &m);
    return (unsigned)(y * 4 + (m - 1) / 3);
}

int32_t tally_quarter_first_day(unsigned q)
{
    char buf[32];
    int32_t day = 0;
    snprintf(buf, sizeof(buf), "%04u-%02u-01", (q / 4) % 10000, (q % 4) * 3 + 1);
    day_parse(buf, &day);
    return day;
}

int32_t tally_quarter_last_day(unsigned q)
{
    return tally_quarter_first_day(q + 1) - 1;
}

int tally_quarter_parse(const char *s, unsigned *q)
{
    if (!s || strlen(s) != 6 || (s[4] != 'Q' && s[4] != 'q') || s[5] < '1' || s[5] > '4')
        return -1;
    unsigned y = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        y = y * 10 + (unsigned)(s[i] - '0');
    }
    /* day_parse knows years 1900-2999 */
    if (y < 1970 || y > 2999)
        return -1;
    *q = y * 4 + (unsigned)(s[5] - '1');
    return 0;
}

/* ---- keys and the in-memory aggregate ----------------------------------- */

enum { AGG_STATE, AGG_MOVE, AGG_RANGE };

typedef struct {
    uint8_t key[TALLY_KEY_MAX];
    uint8_t len, db;
    int64_t a, b; /* state: entered, left; move: count; range: first, last seq */
} ent_t;

typedef struct {
    ent_t *v;
    size_t n, cap;
    int rc;
} agg_t;

static void agg_push(agg_t *g, int db, const uint8_t *key, size_t len, int64_t a, int64_t b)
{
    if (g->rc)
        return;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 1024;
        ent_t *v = realloc(g->v, cap * sizeof(*v));
        if (!v) {
            g->rc = -EX_EINTERNAL;
            return;
        }
        g->v = v;
        g->cap = cap;
    }
    ent_t *e = &g->v[g->n++];
    memcpy(e->key, key, len);
    e->len = (uint8_t)len;
    e->db = (uint8_t)db;
    e->a = a;
    e->b = b;
}

static int ent_cmp(const void *pa, const void *pb)
{
    const ent_t *a = pa, *b = pb;
    if (a->db != b->db)
        return a->db - b->db;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->key, b->key, n);
    return c ? c : (int)a->len - (int)b->len;
}

/* Sorts and merges equal keys (ranges keep the smallest first, largest last). */
static void agg_merge(agg_t *g)
{
    if (g->n == 0)
        return;
    qsort(g->v, g->n, sizeof(*g->v), ent_cmp);
    size_t w = 0;
    for (size_t i = 1; i < g->n; i++) {
        ent_t *d = &g->v[w], *e = &g->v[i];
        if (ent_cmp(d, e) != 0) {
            g->v[++w] = *e;
            continue;
        }
        if (d->db == AGG_RANGE) {
            d->a = e->a < d->a ? e->a : d->a;
            d->b = e->b > d->b ? e->b : d->b;
        } else {
            d->a += e->a;
            d->b += e->b;
        }
    }
    g->n = w + 1;
}

static size_t put_code(uint8_t *p, const char *s, size_t max)
{
    size_t n = strnlen(s ? s : "", max);
    memcpy(p, s ? s : "", n);
    p[n] = 0;
    return n + 1;
}

/* quarter | campaign NUL | unit NUL | a | b */
static size_t tally_key(uint8_t *out, unsigned q, const char *campaign, const char *unit, int a,
                        int b)
{
    size_t n = 0;
    out[n++] = (uint8_t)(q >> 8);
    out[n++] = (uint8_t)q;
    n += put_code(out + n, campaign, KEY_CAMPAIGN_MAX);
    n += put_code(out + n, unit, KEY_UNIT_MAX);
    out[n++] = (uint8_t)a;
    out[n++] = (uint8_t)b;
    return n;
}

typedef struct {
    unsigned q;
    const char *campaign, *unit; /* point into the key */
    uint8_t a, b;
} parsed_t;

static bool parse_key(const uint8_t *k, size_t len, parsed_t *p)
{
    if (len < 2 + 2 + 2)
        return false;
    p->q = (unsigned)k[0] << 8 | k[1];
    const uint8_t *c = k + 2, *end = k + len - 2;
    const uint8_t *nul1 = memchr(c, 0, (size_t)(end - c));
    if (!nul1)
        return false;
    const uint8_t *nul2 = memchr(nul1 + 1, 0, (size_t)(end - nul1 - 1));
    if (!nul2 || nul2 + 1 != end)
        return false;
    p->campaign = (const char *)c;
    p->unit = (const char *)nul1 + 1;
    p->a = end[0];
    p->b = end[1];
    return true;
}

static void put_u64_pair(uint8_t out[16], int64_t a, int64_t b)
{
    key_put_u64(out, (uint64_t)a);
    key_put_u64(out + 8, (uint64_t)b);
}

static int32_t get_i32(const uint8_t *p)
{
    return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
}

static void put_i32(uint8_t *p, int32_t v)
{
    uint32_t u = (uint32_t)v;
    p[0] = (uint8_t)(u >> 24);
    p[1] = (uint8_t)(u >> 16);
    p[2] = (uint8_t)(u >> 8);
    p[3] = (uint8_t)u;
}

static int32_t change_day(const Exemplar__Change *c)
{
    return c->day ? c->day : day_of_ms(c->at_ms);
}

static bool in_review(Exemplar__State s)
{
    return s == EXEMPLAR__STATE__STATE_UNIT_REVIEWED ||
           s == EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED;
}

/* What one change adds to the aggregate (evidence changes only widen the
 * quarter's range: they are not moves). */
static void add_change(agg_t *g, const Exemplar__Change *c, unsigned q)
{
    uint8_t k[TALLY_KEY_MAX];
    uint8_t qk[2] = {(uint8_t)(q >> 8), (uint8_t)q};
    agg_push(g, AGG_RANGE, qk, 2, (int64_t)c->seq, (int64_t)c->seq);
    if (c->from == c->to)
        return;
    if (c->from != EXEMPLAR__STATE__STATE_NONE)
        agg_push(g, AGG_STATE, k, tally_key(k, q, c->campaign, c->unit, c->kind, c->from), 0, 1);
    agg_push(g, AGG_STATE, k, tally_key(k, q, c->campaign, c->unit, c->kind, c->to), 1, 0);
    agg_push(g, AGG_MOVE, k, tally_key(k, q, c->campaign, c->unit, c->from, c->to), 1, 0);
}

/* ---- advancing ---------------------------------------------------------- */

int tally_position(store_txn_t *t, uint64_t *upto, uint64_t *last)
{
    store_val_t v, k;
    *upto = *last = 0;
    int rc = store_get(t, DB_META, TALLY_SEQ_KEY, sizeof(TALLY_SEQ_KEY) - 1, &v);
    if (rc == 0 && v.len == 8)
        *upto = key_get_u64(v.data);
    else if (rc != -EX_ENOTFOUND && rc != 0)
        return rc;
    store_iter_t it;
    rc = store_iter_open(t, DB_CHANGES, &it);
    if (rc == 0 && store_iter_last(&it, &k, &v) == 0 && k.len == 8)
        *last = key_get_u64(k.data);
    store_iter_close(&it);
    return rc;
}

/* The review spans of a nomination: a recognized move in or out. */
static void review_step(store_txn_t *t, const Exemplar__Change *c, int32_t day)
{
    bool was = in_review(c->from), is = in_review(c->to);
    if (was == is)
        return;
    uint8_t key[8], buf[REVIEW_SPANS * 8];
    key_put_u64(key, c->nomination_id);
    store_val_t v;
    size_t len = 0;
    if (store_get(t, DB_TALLY_REVIEW, key, 8, &v) == 0 && v.len % 8 == 0 && v.len <= sizeof(buf)) {
        memcpy(buf, v.data, v.len);
        len = v.len;
    }
    if (is) {
        if (len == sizeof(buf)) { /* keep the latest spans */
            memmove(buf, buf + 8, len - 8);
            len -= 8;
        }
        put_i32(buf + len, day);
        put_i32(buf + len + 4, INT32_MAX);
        len += 8;
    } else if (len) {
        put_i32(buf + len - 4, day);
    }
    store_put(t, DB_TALLY_REVIEW, key, 8, buf, len);
}

/* Adds the aggregate to the stored tallies, one read and write per key. */
static void apply(store_txn_t *t, const agg_t *g)
{
    for (size_t i = 0; i < g->n && t->rc == 0; i++) {
        const ent_t *e = &g->v[i];
        store_val_t v;
        uint8_t val[16];
        store_db_t db = e->db == AGG_STATE  ? DB_TALLY
                        : e->db == AGG_MOVE ? DB_TALLY_MOVES
                                            : DB_TALLY_QUARTERS;
        int64_t a = e->a, b = e->b;
        if (store_get(t, db, e->key, e->len, &v) == 0 && v.len == 16) {
            int64_t oa = (int64_t)key_get_u64(v.data),
                    ob = (int64_t)key_get_u64((const uint8_t *)v.data + 8);
            if (e->db == AGG_RANGE) {
                a = oa < a ? oa : a;
                b = ob > b ? ob : b;
            } else {
                a += oa;
                b += ob;
            }
        }
        put_u64_pair(val, a, b);
        store_put(t, db, e->key, e->len, val, sizeof(val));
    }
}

int tally_advance(store_txn_t *t, size_t max, bool *more)
{
    uint64_t upto, last;
    *more = false;
    int rc = tally_position(t, &upto, &last);
    if (rc < 0 || upto >= last)
        return rc;
    agg_t g = {0};
    store_iter_t it;
    store_val_t k, v;
    uint8_t k8[8];
    uint64_t seq = upto;
    size_t n = 0;
    key_put_u64(k8, upto + 1);
    rc = store_iter_open(t, DB_CHANGES, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, k8, 8, &k, &v);
    /* Cursor reads first: writes to other databases do not move it, but
     * keep the walk plain anyway by collecting the review steps' changes. */
    Exemplar__Change **steps = NULL;
    size_t n_steps = 0, cap_steps = 0;
    while (rc == 0 && n < max && k.len == 8) {
        Exemplar__Change *c = exemplar__change__unpack(NULL, v.len, v.data);
        if (!c) {
            log_error("tally, change %" PRIu64 " does not decode", key_get_u64(k.data));
            rc = -EX_ESTORAGE;
            break;
        }
        seq = c->seq;
        int32_t day = change_day(c);
        unsigned q = tally_quarter_of_day(day);
        add_change(&g, c, q);
        if (c->from != c->to && c->to == EXEMPLAR__STATE__STATE_RECOGNIZED) {
            uint8_t rk[10], rv[12];
            rk[0] = (uint8_t)(q >> 8);
            rk[1] = (uint8_t)q;
            key_put_u64(rk + 2, c->seq);
            key_put_u64(rv, c->nomination_id);
            put_i32(rv + 8, day);
            store_put(t, DB_TALLY_RECOGNIZED, rk, sizeof(rk), rv, sizeof(rv));
        }
        if (in_review(c->from) != in_review(c->to)) {
            if (n_steps == cap_steps) {
                size_t cap = cap_steps ? cap_steps * 2 : 256;
                Exemplar__Change **s = realloc(steps, cap * sizeof(*s));
                if (!s) {
                    exemplar__change__free_unpacked(c, NULL);
                    rc = -EX_EINTERNAL;
                    break;
                }
                steps = s;
                cap_steps = cap;
            }
            steps[n_steps++] = c;
        } else {
            exemplar__change__free_unpacked(c, NULL);
        }
        n++;
        rc = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc == 0)
        rc = g.rc;
    for (size_t i = 0; i < n_steps; i++) {
        if (rc == 0)
            review_step(t, steps[i], change_day(steps[i]));
        exemplar__change__free_unpacked(steps[i], NULL);
    }
    free(steps);
    if (rc == 0) {
        agg_merge(&g);
        apply(t, &g);
        key_put_u64(k8, seq);
        store_put(t, DB_META, TALLY_SEQ_KEY, sizeof(TALLY_SEQ_KEY) - 1, k8, 8);
        rc = t->rc;
        *more = seq < last;
    }
    free(g.v);
    return rc;
}

void tally_clear(store_txn_t *t)
{
    store_clear(t, DB_TALLY);
    store_clear(t, DB_TALLY_MOVES);
    store_clear(t, DB_TALLY_RECOGNIZED);
    store_clear(t, DB_TALLY_REVIEW);
    store_clear(t, DB_TALLY_QUARTERS);
    store_del(t, DB_META, TALLY_SEQ_KEY, sizeof(TALLY_SEQ_KEY) - 1);
}

int tally_background(store_t *s, unsigned lag, bool quiet, bool *more)
{
    store_txn_t t;
    uint64_t upto = 0, last = 0;
    *more = false;
    int rc = store_txn_begin(s, false, &t);
    if (rc == 0)
        rc = tally_position(&t, &upto, &last);
    store_txn_abort(&t);
    if (rc < 0 || upto >= last)
        return rc;
    if (!quiet && last - upto < lag) {
        *more = true; /* not yet: wait for a quiet moment */
        return 0;
    }
    rc = store_txn_begin(s, true, &t);
    if (rc == 0)
        rc = tally_advance(&t, TALLY_STEP, more);
    if (rc == 0)
        rc = store_txn_commit(&t);
    else
        store_txn_abort(&t);
    if (rc < 0)
        *more = false;
    return rc;
}

/* ---- reading ------------------------------------------------------------ */

static bool wanted(const parsed_t *p, const char *campaign, const char *unit)
{
    return (!campaign || !campaign[0] || strcmp(p->campaign, campaign) == 0) &&
           (!unit || !unit[0] || strcmp(p->unit, unit) == 0);
}

/* Result keys drop the campaign: unit NUL a b. */
static void push_result(agg_t *g, int db, const parsed_t *p, int64_t count)
{
    uint8_t k[TALLY_KEY_MAX];
    size_t n = put_code(k, p->unit, KEY_UNIT_MAX);
    k[n++] = p->a;
    k[n++] = p->b;
    agg_push(g, db, k, n, count, 0);
}

/* Sums one database's keys of quarters [q_from, q_to] into g. */
static int sum_quarters(store_txn_t *t, store_db_t db, int agg_db, unsigned q_from, unsigned q_to,
                        const char *campaign, const char *unit, agg_t *g)
{
    store_iter_t it;
    store_val_t k, v;
    uint8_t start[2] = {(uint8_t)(q_from >> 8), (uint8_t)q_from};
    int rc = store_iter_open(t, db, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, start, sizeof(start), &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        parsed_t p;
        if (!parse_key(k.data, k.len, &p) || v.len != 16)
            continue;
        if (p.q > q_to)
            break;
        if (!wanted(&p, campaign, unit))
            continue;
        int64_t a = (int64_t)key_get_u64(v.data),
                b = (int64_t)key_get_u64((const uint8_t *)v.data + 8);
        push_result(g, agg_db, &p, agg_db == AGG_STATE ? a - b : a);
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? g->rc : rc;
}

static int add_recog(tally_result_t *out, uint64_t seq, uint64_t id, int32_t day)
{
    out->recog_count++;
    if (out->n_recog == TALLY_RECOGNIZED_MAX)
        return 0;
    if (!out->recog && !(out->recog = calloc(TALLY_RECOGNIZED_MAX, sizeof(*out->recog))))
        return -EX_EINTERNAL;
    tally_recog_t *r = &out->recog[out->n_recog++];
    r->seq = seq;
    r->id = id;
    r->day = day;
    return 0;
}

/* The recognitions of quarter q from tally_recognized (a whole quarter). */
static int read_recognized(store_txn_t *t, unsigned q, const char *campaign, const char *unit,
                           tally_result_t *out)
{
    store_iter_t it;
    store_val_t k, v;
    uint8_t start[2] = {(uint8_t)(q >> 8), (uint8_t)q};
    int rc = store_iter_open(t, DB_TALLY_RECOGNIZED, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, start, sizeof(start), &k, &v);
    bool filter = (campaign && campaign[0]) || (unit && unit[0]);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        if (k.len != 10 || memcmp(k.data, start, 2) != 0)
            break;
        if (v.len != 12)
            continue;
        uint64_t id = key_get_u64(v.data);
        if (filter) {
            uint8_t nk[8];
            store_val_t nv;
            key_put_u64(nk, id);
            if (store_get(t, DB_NOMINATIONS, nk, 8, &nv) < 0)
                continue;
            Exemplar__Nomination *n = exemplar__nomination__unpack(NULL, nv.len, nv.data);
            bool keep = n && (!campaign || !campaign[0] || strcmp(n->campaign, campaign) == 0) &&
                        (!unit || !unit[0] || strcmp(n->unit, unit) == 0);
            if (n)
                exemplar__nomination__free_unpacked(n, NULL);
            if (!keep)
                continue;
        }
        rc = add_recog(out, key_get_u64((const uint8_t *)k.data + 2), id,
                       get_i32((const uint8_t *)v.data + 8));
        if (rc < 0)
            break;
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}

/* The part of quarter q up to day as_of, from the change log: the range of
 * the quarter's changes is known (tally_quarters); changes of other
 * quarters inside it (a `today` set back) are skipped. */
static int scan_partial(store_txn_t *t, unsigned q, int32_t as_of, const char *campaign,
                        const char *unit, agg_t *states, agg_t *moves, tally_result_t *out)
{
    uint8_t qk[2] = {(uint8_t)(q >> 8), (uint8_t)q};
    store_val_t v, k;
    int rc = store_get(t, DB_TALLY_QUARTERS, qk, 2, &v);
    if (rc == -EX_ENOTFOUND)
        return 0;
    if (rc < 0 || v.len != 16)
        return rc < 0 ? rc : -EX_ESTORAGE;
    uint64_t first = key_get_u64(v.data), last = key_get_u64((const uint8_t *)v.data + 8);
    store_iter_t it;
    uint8_t k8[8];
    key_put_u64(k8, first);
    rc = store_iter_open(t, DB_CHANGES, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, k8, 8, &k, &v);
    for (; rc == 0 && k.len == 8 && key_get_u64(k.data) <= last;
         rc = store_iter_next(&it, &k, &v)) {
        Exemplar__Change *c = exemplar__change__unpack(NULL, v.len, v.data);
        if (!c) {
            rc = -EX_ESTORAGE;
            break;
        }
        int32_t day = change_day(c);
        parsed_t p = {q, c->campaign, c->unit, 0, 0};
        if (c->from != c->to && day <= as_of && tally_quarter_of_day(day) == q &&
            wanted(&p, campaign, unit)) {
            if (c->from != EXEMPLAR__STATE__STATE_NONE) {
                p.a = (uint8_t)c->kind;
                p.b = (uint8_t)c->from;
                push_result(states, AGG_STATE, &p, -1);
            }
            p.a = (uint8_t)c->kind;
            p.b = (uint8_t)c->to;
            push_result(states, AGG_STATE, &p, 1);
            p.a = (uint8_t)c->from;
            p.b = (uint8_t)c->to;
            push_result(moves, AGG_MOVE, &p, 1);
            if (c->to == EXEMPLAR__STATE__STATE_RECOGNIZED)
                rc = add_recog(out, c->seq, c->nomination_id, day);
        }
        exemplar__change__free_unpacked(c, NULL);
        if (rc < 0)
            break;
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}

/* Turns a merged result aggregate into rows (zero counts dropped). */
static int to_rows(const agg_t *g, tally_row_t **rows, size_t *n)
{
    *rows = g->n ? calloc(g->n, sizeof(**rows)) : NULL;
    *n = 0;
    if (g->n && !*rows)
        return -EX_EINTERNAL;
    for (size_t i = 0; i < g->n; i++) {
        const ent_t *e = &g->v[i];
        if (e->a == 0)
            continue;
        tally_row_t *r = &(*rows)[(*n)++];
        size_t ul = strnlen((const char *)e->key, sizeof(r->unit) - 1);
        memcpy(r->unit, e->key, ul);
        r->unit[ul] = 0;
        r->a = e->key[e->len - 2];
        r->b = e->key[e->len - 1];
        r->count = e->a;
    }
    return 0;
}

int tally_query(store_txn_t *t, int32_t as_of, const char *campaign, const char *unit,
                tally_result_t *out)
{
    memset(out, 0, sizeof(*out));
    unsigned q = tally_quarter_of_day(as_of);
    bool whole = as_of >= tally_quarter_last_day(q);
    agg_t states = {0}, moves = {0};
    int rc = sum_quarters(t, DB_TALLY, AGG_STATE, 0, whole ? q : q - 1, campaign, unit, &states);
    if (rc == 0 && whole)
        rc = sum_quarters(t, DB_TALLY_MOVES, AGG_MOVE, q, q, campaign, unit, &moves);
    if (rc == 0 && whole)
        rc = read_recognized(t, q, campaign, unit, out);
    if (rc == 0 && !whole)
        rc = scan_partial(t, q, as_of, campaign, unit, &states, &moves, out);
    if (rc == 0)
        rc = states.rc ? states.rc : moves.rc;
    if (rc == 0) {
        agg_merge(&states);
        agg_merge(&moves);
        rc = to_rows(&states, &out->rows, &out->n_rows);
    }
    if (rc == 0)
        rc = to_rows(&moves, &out->moves, &out->n_moves);
    free(states.v);
    free(moves.v);
    if (rc < 0)
        tally_result_free(out);
    return rc;
}

void tally_result_free(tally_result_t *r)
{
    free(r->rows);
    free(r->moves);
    free(r->recog);
    memset(r, 0, sizeof(*r));
}

int tally_in_review(store_txn_t *t, int32_t day, uint64_t **ids, size_t *n)
{
    size_t cap = 0;
    *ids = NULL;
    *n = 0;
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(t, DB_TALLY_REVIEW, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        const uint8_t *p = v.data;
        bool in = false;
        for (size_t i = 0; i + 8 <= v.len && !in; i += 8)
            in = get_i32(p + i) <= day && get_i32(p + i + 4) > day;
        if (!in || k.len != 8)
            continue;
        if (*n == cap) {
            size_t c2 = cap ? cap * 2 : 256;
            uint64_t *w = realloc(*ids, c2 * sizeof(*w));
            if (!w) {
                rc = -EX_EINTERNAL;
                break;
            }
            *ids = w;
            cap = c2;
        }
        (*ids)[(*n)++] = key_get_u64(k.data);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc < 0) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- checking ----------------------------------------------------------- */

int tally_check(store_txn_t *t, void (*report)(void *arg, const char *sentence), void *arg,
                uint64_t *problems)
{
    agg_t want = {0}, have = {0};
    store_iter_t it;
    store_val_t k, v;
    *problems = 0;
    int rc = store_iter_open(t, DB_NOMINATIONS, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        Exemplar__Nomination *n = exemplar__nomination__unpack(NULL, v.len, v.data);
        if (!n)
            continue; /* fsck reports records that do not decode */
        uint8_t key[TALLY_KEY_MAX];
        size_t len = tally_key(key, 0, n->campaign, n->unit, n->kind, n->state);
        agg_push(&want, AGG_STATE, key + 2, len - 2, 1, 0);
        exemplar__nomination__free_unpacked(n, NULL);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc == 0)
        rc = store_iter_open(t, DB_TALLY, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        if (v.len != 16 || k.len < 2) {
            (*problems)++;
            report(arg, "the tally holds a record of the wrong size");
            continue;
        }
        int64_t net =
            (int64_t)key_get_u64(v.data) - (int64_t)key_get_u64((const uint8_t *)v.data + 8);
        agg_push(&have, AGG_STATE, (const uint8_t *)k.data + 2, k.len - 2, net, 0);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc == 0)
        rc = want.rc ? want.rc : have.rc;
    agg_merge(&want);
    agg_merge(&have);
    /* Walk both sorted lists together. */
    for (size_t i = 0, j = 0; rc == 0 && (i < want.n || j < have.n);) {
        int c = i == want.n ? 1 : j == have.n ? -1 : ent_cmp(&want.v[i], &have.v[j]);
        int64_t w = c <= 0 ? want.v[i].a : 0, h = c >= 0 ? have.v[j].a : 0;
        const ent_t *e = c <= 0 ? &want.v[i] : &have.v[j];
        if (w != h) {
            parsed_t p;
            uint8_t full[TALLY_KEY_MAX];
            full[0] = full[1] = 0;
            memcpy(full + 2, e->key, e->len);
            char sentence[256];
            if (parse_key(full, e->len + 2u, &p))
                snprintf(sentence, sizeof(sentence),
                         "the tally counts %" PRId64 " %s nominations at %s of unit %s "
                         "(campaign %s) where the nominations hold %" PRId64
                         " (exemplarctl fsck --repair rebuilds it)",
                         h, ex_kind_name((Exemplar__Kind)p.a) ?: "?",
                         ex_state_name((Exemplar__State)p.b) ?: "?", p.unit, p.campaign, w);
            else
                snprintf(sentence, sizeof(sentence), "the tally holds a malformed key");
            (*problems)++;
            report(arg, sentence);
        }
        i += c <= 0;
        j += c >= 0;
    }
    free(want.v);
    free(have.v);
    return rc;
}
