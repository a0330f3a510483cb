/* SPDX-License-Identifier: MIT */
/*
 * Quarterly tallies (see tally.h): advancing them from the change log in
 * bounded steps, the evidence-gap spans of the nominations under review,
 * and reading a quarter's (or a day's) counts, moves, recognitions and
 * gaps back.  A step aggregates its changes in memory first, sorted by key,
 * so each tally key is read and written once per step, in key order.
 */
#include "tally.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "criteria.h"
#include "day.h"
#include "errors.h"
#include "key.h"
#include "ledger.h"
#include "log.h"
#include "names.h"
#include "record.pb-c.h"
#include "records.h"

#define TALLY_KEY_MAX 64
#define TALLY_STEP    10000 /* changes per background step */
#define DIRTY_STEP    256   /* subjects whose evidence changed, per step */
#define REVIEW_SPANS  32    /* spans kept per nomination */

enum { DAY_STATE = 0, DAY_MOVE = 1 }; /* the type byte of tally_days keys */

static const char TALLY_SEQ_KEY[] = "tally_seq";

/* ---- keys and the in-memory aggregate ----------------------------------- */

enum { AGG_STATE, AGG_MOVE, AGG_RANGE, AGG_DAY };

typedef struct {
    uint8_t key[TALLY_KEY_MAX];
    uint8_t len, db;
    int64_t a, b; /* state, day: entered, left (day moves: count, 0); move: count;
                     range: first, last seq */
} ent_t;

typedef struct {
    ent_t *v;
    size_t n, cap;
    int rc;
    /* the quarter of the last day asked (quarter_of): days come in runs */
    int32_t q_first, q_last;
    unsigned q;
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

/* The quarter of day, and the day's place in it (0-91). */
static unsigned quarter_of(agg_t *g, int32_t day, unsigned *dq)
{
    if (!(g->q_last && day >= g->q_first && day <= g->q_last)) {
        g->q = day_quarter_of(day);
        g->q_first = day_quarter_first(g->q);
        g->q_last = day_quarter_last(g->q);
    }
    *dq = (unsigned)(day - g->q_first);
    return g->q;
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

/* quarter | day of the quarter | type | campaign NUL | unit NUL | a | b */
static size_t day_key(uint8_t *out, unsigned q, unsigned dq, int type, const char *campaign,
                      const char *unit, int a, int b)
{
    size_t n = tally_key(out, q, campaign, unit, a, b);
    memmove(out + 4, out + 2, n - 2);
    out[2] = (uint8_t)dq;
    out[3] = (uint8_t)type;
    return n + 2;
}

typedef struct {
    unsigned q;
    const char *campaign, *unit; /* point into the key */
    uint8_t a, b;
} parsed_t;

/* A tally key whose campaign starts at offset off (2; tally_days: 4). */
static bool parse_key(const uint8_t *k, size_t len, size_t off, parsed_t *p)
{
    if (len < off + 2 + 2)
        return false;
    p->q = (unsigned)k[0] << 8 | k[1];
    const uint8_t *c = k + off, *end = k + len - 2;
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

/* A state count that moves on day: entered and left, in its quarter and
 * in its day. */
static void add_state(agg_t *g, int32_t day, const char *campaign, const char *unit, int kind,
                      int state, int64_t entered, int64_t left)
{
    uint8_t k[TALLY_KEY_MAX];
    unsigned dq, q = quarter_of(g, day, &dq);
    agg_push(g, AGG_STATE, k, tally_key(k, q, campaign, unit, kind, state), entered, left);
    agg_push(g, AGG_DAY, k, day_key(k, q, dq, DAY_STATE, campaign, unit, kind, state), entered,
             left);
}

/* What one change adds to the aggregate (evidence changes only widen the
 * quarter's range: they are not moves). */
static void add_change(agg_t *g, const Exemplar__Change *c, int32_t day)
{
    uint8_t k[TALLY_KEY_MAX];
    unsigned dq, q = quarter_of(g, day, &dq);
    uint8_t qk[2] = {(uint8_t)(q >> 8), (uint8_t)q};
    agg_push(g, AGG_RANGE, qk, 2, (int64_t)c->seq, (int64_t)c->seq);
    if (c->from == c->to)
        return;
    if (c->from != EXEMPLAR__STATE__STATE_NONE)
        add_state(g, day, c->campaign, c->unit, c->kind, c->from, 0, 1);
    add_state(g, day, c->campaign, c->unit, c->kind, c->to, 1, 0);
    agg_push(g, AGG_MOVE, k, tally_key(k, q, c->campaign, c->unit, c->from, c->to), 1, 0);
    agg_push(g, AGG_DAY, k, day_key(k, q, dq, DAY_MOVE, c->campaign, c->unit, c->from, c->to), 1,
             0);
}

/* ---- evidence gaps ------------------------------------------------------ */

typedef struct {
    int32_t from, to; /* [from, to): to INT32_MAX while open */
} span_t;

typedef struct {
    span_t *v;
    size_t n, cap;
} spans_t;

static int spans_add(spans_t *s, int32_t from, int32_t to)
{
    if (from >= to)
        return 0;
    if (s->n && s->v[s->n - 1].to == from) { /* adjoining: one span */
        s->v[s->n - 1].to = to;
        return 0;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        span_t *v = realloc(s->v, cap * sizeof(*v));
        if (!v)
            return -EX_EINTERNAL;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = (span_t){from, to};
    return 0;
}

static int spans_read(const uint8_t *p, size_t len, spans_t *s)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i + 8 <= len; i += 8) {
        span_t sp = {get_i32(p + i), get_i32(p + i + 4)};
        if (s->n == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 8;
            span_t *v = realloc(s->v, cap * sizeof(*v));
            if (!v)
                return -EX_EINTERNAL;
            s->v = v;
            s->cap = cap;
        }
        s->v[s->n++] = sp;
    }
    return rc;
}

static bool spans_has(const spans_t *s, span_t sp)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].from == sp.from && s->v[i].to == sp.to)
            return true;
    return false;
}

static int32_t evidence_day(const Exemplar__Evidence *e)
{
    return e->day ? e->day : day_of_ms(e->at_ms);
}

/* Do the criteria of period p hold on day by the evidence recorded by then? */
static bool met_on(const rules_t *rules, const period_t *p, bool collective,
                   Exemplar__Evidence *const *ev, size_t ne, int32_t day, criteria_fact_t *facts)
{
    size_t nf = 0;
    for (size_t i = 0; i < ne; i++) {
        const Exemplar__Evidence *e = ev[i];
        if (evidence_day(e) > day)
            continue; /* recorded later */
        facts[nf].year = e->year;
        snprintf(facts[nf].title, sizeof(facts[nf].title), "%s", e->title);
        facts[nf].revoked = e->revoked && (e->revoked_day == 0 || e->revoked_day <= day);
        nf++;
    }
    criteria_result_t res;
    criteria_evaluate(rules_book(rules), collective, p, day, false, facts, nf, &res);
    return res.met;
}

static int day_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The gap spans of n: inside each of its review spans, the days on which
 * the evidence recorded by then does not meet its period's criteria.  The
 * verdict can change only on a day evidence was recorded or revoked, or a
 * year's titles stopped being pending, so it is judged at the start of each
 * span and on each such day inside it. */
static int gap_spans(const rules_t *rules, store_txn_t *t, const Exemplar__Nomination *n,
                     const spans_t *review, spans_t *out)
{
    const campaign_t *cp = rules ? rules_campaign(rules, n->campaign) : NULL;
    const period_t *p = cp ? campaign_period(cp, n->period) : NULL;
    if (!p || review->n == 0)
        return 0; /* no rules for it: nothing to judge */
    int rc = 0;
    if (!n->subject[0]) { /* no evidence can be filed for it */
        for (size_t i = 0; rc == 0 && i < review->n; i++)
            rc = spans_add(out, review->v[i].from, review->v[i].to);
        return rc;
    }
    Exemplar__Evidence **ev = NULL;
    size_t ne = 0;
    rc = ledger_evidence_of(t, n->subject, &ev, &ne);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    criteria_fact_t *facts = rc == 0 ? calloc(ne ? ne : 1, sizeof(*facts)) : NULL;
    int32_t *days = rc == 0 ? calloc(2 * ne + CAMPAIGN_YEARS_MAX + 1, sizeof(*days)) : NULL;
    if (rc == 0 && (!facts || !days))
        rc = -EX_EINTERNAL;
    size_t nd = 0;
    for (size_t i = 0; rc == 0 && i < ne; i++) {
        days[nd++] = evidence_day(ev[i]);
        if (ev[i]->revoked && ev[i]->revoked_day)
            days[nd++] = ev[i]->revoked_day;
    }
    /* A year whose titles are due stops being pending the day after. */
    if (rc == 0)
        nd += criteria_turning_days(rules_book(rules), p, days + nd);
    if (rc == 0 && nd)
        qsort(days, nd, sizeof(*days), day_cmp);
    bool collective = n->kind == EXEMPLAR__KIND__KIND_COLLECTIVE;
    for (size_t i = 0; rc == 0 && i < review->n; i++) {
        int32_t from = review->v[i].from, to = review->v[i].to;
        size_t j = 0;
        while (j < nd && days[j] <= from)
            j++;
        for (int32_t s = from; rc == 0 && s < to;) {
            int32_t next = j < nd && days[j] < to ? days[j] : to;
            if (!met_on(rules, p, collective, ev, ne, s, facts))
                rc = spans_add(out, s, next);
            s = next;
            while (j < nd && days[j] <= s)
                j++;
        }
    }
    free(days);
    free(facts);
    ledger_evidence_free(ev, ne);
    return rc;
}

/* Adds (sign 1) or takes back (-1) one gap span in the tallies. */
static void gap_count(agg_t *g, const char *campaign, const char *unit, int kind, span_t sp,
                      int sign)
{
    add_state(g, sp.from, campaign, unit, kind, TALLY_STATE_GAP, sign, 0);
    if (sp.to != INT32_MAX)
        add_state(g, sp.to, campaign, unit, kind, TALLY_STATE_GAP, 0, sign);
}

/* unit NUL | campaign NUL | id: the key of tally_gaps. */
static size_t gap_key(uint8_t *out, const char *unit, const char *campaign, uint64_t id)
{
    size_t n = put_code(out, unit, KEY_UNIT_MAX);
    n += put_code(out + n, campaign, KEY_CAMPAIGN_MAX);
    key_put_u64(out + n, id);
    return n + 8;
}

/* Judges nomination id's gap spans again from its review spans and its
 * subject's evidence, and counts the difference from what was stored.
 * Judging again gives the same spans whatever the order of the inputs, so
 * a change of either (a review step, evidence) only has to call this. */
static int gap_recompute(store_txn_t *t, const rules_t *rules, uint64_t id, agg_t *g)
{
    Exemplar__Nomination *n = NULL;
    int rc = records_get_nomination(t, id, &n);
    if (rc == -EX_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    uint8_t key[TALLY_KEY_MAX], idk[8];
    size_t klen = gap_key(key, n->unit, n->campaign, id);
    spans_t old = {0}, review = {0}, fresh = {0};
    store_val_t v;
    key_put_u64(idk, id);
    if (store_get(t, DB_TALLY_GAPS, key, klen, &v) == 0 && v.len >= 1)
        rc = spans_read((const uint8_t *)v.data + 1, v.len - 1, &old);
    if (rc == 0 && store_get(t, DB_TALLY_REVIEW, idk, 8, &v) == 0)
        rc = spans_read(v.data, v.len, &review);
    /* Spans before the oldest review span kept (REVIEW_SPANS) stay. */
    for (size_t i = 0; rc == 0 && review.n && i < old.n; i++)
        if (old.v[i].to != INT32_MAX && old.v[i].to <= review.v[0].from)
            rc = spans_add(&fresh, old.v[i].from, old.v[i].to);
    if (rc == 0)
        rc = gap_spans(rules, t, n, &review, &fresh);
    for (size_t i = 0; rc == 0 && i < old.n; i++)
        if (!spans_has(&fresh, old.v[i]))
            gap_count(g, n->campaign, n->unit, n->kind, old.v[i], -1);
    for (size_t i = 0; rc == 0 && i < fresh.n; i++)
        if (!spans_has(&old, fresh.v[i]))
            gap_count(g, n->campaign, n->unit, n->kind, fresh.v[i], 1);
    if (rc == 0 && fresh.n == 0 && old.n)
        store_del(t, DB_TALLY_GAPS, key, klen);
    else if (rc == 0 && fresh.n) {
        uint8_t *buf = malloc(1 + fresh.n * 8);
        if (!buf)
            rc = -EX_EINTERNAL;
        else {
            buf[0] = (uint8_t)n->kind;
            for (size_t i = 0; i < fresh.n; i++) {
                put_i32(buf + 1 + i * 8, fresh.v[i].from);
                put_i32(buf + 1 + i * 8 + 4, fresh.v[i].to);
            }
            store_put(t, DB_TALLY_GAPS, key, klen, buf, 1 + fresh.n * 8);
            free(buf);
        }
    }
    free(old.v);
    free(review.v);
    free(fresh.v);
    exemplar__nomination__free_unpacked(n, NULL);
    return rc ? rc : g->rc;
}

void tally_evidence_changed(store_txn_t *t, const char *subject)
{
    if (subject && subject[0])
        store_put(t, DB_TALLY_DIRTY, subject, strnlen(subject, LEDGER_SUBJECT_MAX), "", 0);
}

/* Judges again the nominations of up to max subjects whose evidence
 * changed (nominations_by_subject: subject NUL id), and forgets them. */
static int drain_dirty(store_txn_t *t, const rules_t *rules, size_t max, agg_t *g, bool *more)
{
    char subjects[DIRTY_STEP][LEDGER_SUBJECT_MAX + 1];
    size_t ns = 0;
    store_iter_t it;
    store_val_t k, v;
    *more = false;
    if (max > DIRTY_STEP)
        max = DIRTY_STEP;
    int rc = store_iter_open(t, DB_TALLY_DIRTY, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        if (ns == max) {
            *more = true;
            break;
        }
        size_t len = k.len < LEDGER_SUBJECT_MAX ? k.len : LEDGER_SUBJECT_MAX;
        memcpy(subjects[ns], k.data, len);
        subjects[ns++][len] = 0;
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    for (size_t i = 0; rc == 0 && i < ns; i++) {
        uint8_t prefix[LEDGER_SUBJECT_MAX + 1];
        size_t plen = put_code(prefix, subjects[i], LEDGER_SUBJECT_MAX);
        uint64_t *ids = NULL;
        size_t n = 0, cap = 0;
        rc = store_iter_open(t, DB_BY_SUBJECT, &it);
        if (rc == 0)
            rc = store_iter_seek(&it, prefix, plen, &k, &v);
        for (; rc == 0 && k.len == plen + 8 && memcmp(k.data, prefix, plen) == 0;
             rc = store_iter_next(&it, &k, &v)) {
            if (n == cap) {
                size_t c2 = cap ? cap * 2 : 16;
                uint64_t *w = realloc(ids, c2 * sizeof(*w));
                if (!w) {
                    rc = -EX_EINTERNAL;
                    break;
                }
                ids = w;
                cap = c2;
            }
            ids[n++] = key_get_u64((const uint8_t *)k.data + plen);
        }
        store_iter_close(&it);
        if (rc == -EX_ENOTFOUND)
            rc = 0;
        for (size_t j = 0; rc == 0 && j < n; j++)
            rc = gap_recompute(t, rules, ids[j], g);
        free(ids);
        if (rc == 0)
            store_del(t, DB_TALLY_DIRTY, subjects[i], strlen(subjects[i]));
    }
    return rc;
}

/* ---- advancing ---------------------------------------------------------- */

int tally_position(store_txn_t *t, uint64_t *upto, uint64_t *last, bool *dirty)
{
    store_val_t v, k;
    *upto = *last = 0;
    if (dirty)
        *dirty = false;
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
    if (rc == 0 && dirty) {
        rc = store_iter_open(t, DB_TALLY_DIRTY, &it);
        if (rc == 0)
            *dirty = store_iter_seek(&it, NULL, 0, &k, &v) == 0;
        store_iter_close(&it);
    }
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
    static const store_db_t DB_OF[] = {
        [AGG_STATE] = DB_TALLY,
        [AGG_MOVE] = DB_TALLY_MOVES,
        [AGG_RANGE] = DB_TALLY_QUARTERS,
        [AGG_DAY] = DB_TALLY_DAYS,
    };
    for (size_t i = 0; i < g->n && t->rc == 0; i++) {
        const ent_t *e = &g->v[i];
        store_val_t v;
        uint8_t val[16];
        store_db_t db = DB_OF[e->db];
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

static int id_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

int tally_advance(store_txn_t *t, const rules_t *rules, size_t max, bool *more)
{
    uint64_t upto, last;
    bool dirty;
    *more = false;
    int rc = tally_position(t, &upto, &last, &dirty);
    if (rc < 0 || (upto >= last && !dirty))
        return rc;
    agg_t g = {0};
    store_iter_t it;
    store_val_t k, v;
    uint8_t k8[8];
    uint64_t seq = upto;
    size_t n = 0;
    key_put_u64(k8, upto + 1);
    rc = upto < last ? store_iter_open(t, DB_CHANGES, &it) : -EX_ENOTFOUND;
    if (rc == 0)
        rc = store_iter_seek(&it, k8, 8, &k, &v);
    /* Cursor reads first: the review steps (and the nominations whose gap
     * spans they change) are written after the walk. */
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
        add_change(&g, c, day);
        if (c->from != c->to && c->to == EXEMPLAR__STATE__STATE_RECOGNIZED) {
            uint8_t rk[10], rv[12];
            unsigned q = day_quarter_of(day);
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
    if (upto < last)
        store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc == 0)
        rc = g.rc;
    uint64_t *ids = n_steps ? calloc(n_steps, sizeof(*ids)) : NULL;
    if (rc == 0 && n_steps && !ids)
        rc = -EX_EINTERNAL;
    for (size_t i = 0; i < n_steps; i++) {
        if (rc == 0) {
            review_step(t, steps[i], change_day(steps[i]));
            ids[i] = steps[i]->nomination_id;
        }
        exemplar__change__free_unpacked(steps[i], NULL);
    }
    free(steps);
    /* The gap spans of each nomination that entered or left review. */
    if (rc == 0 && n_steps)
        qsort(ids, n_steps, sizeof(*ids), id_cmp);
    for (size_t i = 0; rc == 0 && i < n_steps; i++)
        if (i == 0 || ids[i] != ids[i - 1])
            rc = gap_recompute(t, rules, ids[i], &g);
    free(ids);
    bool dirty_more = false;
    if (rc == 0 && dirty)
        rc = drain_dirty(t, rules, max, &g, &dirty_more);
    if (rc == 0) {
        agg_merge(&g);
        apply(t, &g);
        key_put_u64(k8, seq);
        store_put(t, DB_META, TALLY_SEQ_KEY, sizeof(TALLY_SEQ_KEY) - 1, k8, 8);
        rc = t->rc;
        *more = seq < last || dirty_more;
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
    store_clear(t, DB_TALLY_DAYS);
    store_clear(t, DB_TALLY_GAPS);
    store_clear(t, DB_TALLY_DIRTY); /* the rebuild judges every nomination again */
    store_del(t, DB_META, TALLY_SEQ_KEY, sizeof(TALLY_SEQ_KEY) - 1);
}

int tally_background(store_t *s, const rules_t *rules, unsigned lag, bool quiet, bool *more)
{
    store_txn_t t;
    uint64_t upto = 0, last = 0;
    bool dirty = false;
    *more = false;
    int rc = store_txn_begin(s, false, &t);
    if (rc == 0)
        rc = tally_position(&t, &upto, &last, &dirty);
    store_txn_abort(&t);
    if (rc < 0 || (upto >= last && !dirty))
        return rc;
    if (!quiet && last - upto < lag) {
        *more = true; /* not yet: wait for a quiet moment */
        return 0;
    }
    for (;;) {
        rc = store_txn_begin(s, true, &t);
        if (rc == 0)
            rc = tally_advance(&t, rules, TALLY_STEP, more);
        if (rc == 0)
            rc = store_txn_commit(&t);
        else
            store_txn_abort(&t);
        /* The tallies grow the store as requests do: a larger map, again. */
        if (rc == -EX_EFULL && store_map_full(s) && store_grow(s) == 0)
            continue;
        break;
    }
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
        if (!parse_key(k.data, k.len, 2, &p) || v.len != 16)
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

/* Sums the day tallies of quarter q, days 0..dq_last of it, into states and
 * moves. */
static int sum_days(store_txn_t *t, unsigned q, unsigned dq_last, const char *campaign,
                    const char *unit, agg_t *states, agg_t *moves)
{
    store_iter_t it;
    store_val_t k, v;
    uint8_t start[2] = {(uint8_t)(q >> 8), (uint8_t)q};
    int rc = store_iter_open(t, DB_TALLY_DAYS, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, start, sizeof(start), &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        parsed_t p;
        const uint8_t *kp = k.data;
        if (!parse_key(kp, k.len, 4, &p) || v.len != 16)
            continue;
        if (p.q != q || kp[2] > dq_last)
            break;
        if (!wanted(&p, campaign, unit))
            continue;
        int64_t a = (int64_t)key_get_u64(v.data),
                b = (int64_t)key_get_u64((const uint8_t *)v.data + 8);
        if (kp[3] == DAY_STATE)
            push_result(states, AGG_STATE, &p, a - b);
        else
            push_result(moves, AGG_MOVE, &p, a);
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? (states->rc ? states->rc : moves->rc) : rc;
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

/* The recognitions of quarter q up to day as_of, from tally_recognized. */
static int read_recognized(store_txn_t *t, unsigned q, int32_t as_of, const char *campaign,
                           const char *unit, tally_result_t *out)
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
        if (v.len != 12 || get_i32((const uint8_t *)v.data + 8) > as_of)
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

/* Turns a merged result aggregate into rows (zero counts dropped); with
 * gaps, the rows of TALLY_STATE_GAP go there instead. */
static int to_rows(const agg_t *g, tally_row_t **rows, size_t *n, tally_row_t **gaps,
                   size_t *n_gaps)
{
    *rows = g->n ? calloc(g->n, sizeof(**rows)) : NULL;
    *n = 0;
    if (gaps) {
        *gaps = g->n ? calloc(g->n, sizeof(**gaps)) : NULL;
        *n_gaps = 0;
    }
    if (g->n && (!*rows || (gaps && !*gaps)))
        return -EX_EINTERNAL;
    for (size_t i = 0; i < g->n; i++) {
        const ent_t *e = &g->v[i];
        if (e->a == 0)
            continue;
        bool gap = gaps && e->key[e->len - 1] == TALLY_STATE_GAP;
        tally_row_t *r = gap ? &(*gaps)[(*n_gaps)++] : &(*rows)[(*n)++];
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
    unsigned q = day_quarter_of(as_of);
    int32_t first = day_quarter_first(q);
    bool whole = as_of >= day_quarter_last(q);
    agg_t states = {0}, moves = {0};
    /* Whole quarters from the quarter tallies; the part of the last one
     * (up to a day inside it) from the day tallies. */
    int rc = sum_quarters(t, DB_TALLY, AGG_STATE, 0, whole ? q : q - 1, campaign, unit, &states);
    if (rc == 0 && whole)
        rc = sum_quarters(t, DB_TALLY_MOVES, AGG_MOVE, q, q, campaign, unit, &moves);
    if (rc == 0 && !whole)
        rc = sum_days(t, q, (unsigned)(as_of - first), campaign, unit, &states, &moves);
    if (rc == 0)
        rc = read_recognized(t, q, as_of, campaign, unit, out);
    if (rc == 0)
        rc = states.rc ? states.rc : moves.rc;
    if (rc == 0) {
        agg_merge(&states);
        agg_merge(&moves);
        rc = to_rows(&states, &out->rows, &out->n_rows, &out->gaps, &out->n_gaps);
    }
    if (rc == 0)
        rc = to_rows(&moves, &out->moves, &out->n_moves, NULL, NULL);
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
    free(r->gaps);
    free(r->recog);
    memset(r, 0, sizeof(*r));
}

int tally_gap_ids(store_txn_t *t, int32_t day, const char *campaign, const char *unit, size_t want,
                  uint64_t *ids, size_t *n)
{
    uint8_t prefix[KEY_UNIT_MAX + 1];
    size_t plen = put_code(prefix, unit, KEY_UNIT_MAX);
    store_iter_t it;
    store_val_t k, v;
    *n = 0;
    int rc = store_iter_open(t, DB_TALLY_GAPS, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, prefix, plen, &k, &v);
    for (; rc == 0 && *n < want && k.len > plen + 8 && memcmp(k.data, prefix, plen) == 0;
         rc = store_iter_next(&it, &k, &v)) {
        const char *c = (const char *)k.data + plen;
        if (campaign && campaign[0] &&
            (k.len != plen + strlen(campaign) + 1 + 8 || strcmp(c, campaign) != 0))
            continue;
        const uint8_t *p = (const uint8_t *)v.data + 1;
        bool in = false;
        for (size_t i = 0; v.len >= 1 && i + 8 <= v.len - 1 && !in; i += 8)
            in = get_i32(p + i) <= day && get_i32(p + i + 4) > day;
        if (in)
            ids[(*n)++] = key_get_u64((const uint8_t *)k.data + k.len - 8);
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
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
        if (((const uint8_t *)k.data)[k.len - 1] == TALLY_STATE_GAP)
            continue; /* evidence gaps are not a state of the record */
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
            if (parse_key(full, e->len + 2u, 2, &p))
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
