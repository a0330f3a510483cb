/* SPDX-License-Identifier: MIT */
/*
 * Timers and jobs in LMDB (see jobs.h).
 */
#include "jobs.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "key.h"
#include "names.h"
#include "records.h"

/* The names are the protocol's (proto/names.c): exemplarctl prints them too. */
const char *jobs_kind_name(Exemplar__JobKind k)
{
    return ex_job_kind_name(k);
}

Exemplar__JobKind jobs_kind_parse(const char *s)
{
    return ex_job_kind_parse(s);
}

const char *jobs_state_name(Exemplar__JobState s)
{
    return ex_job_state_name(s);
}

Exemplar__JobState jobs_state_parse(const char *s)
{
    return ex_job_state_parse(s);
}

const char *jobs_timer_state_name(Exemplar__TimerState s)
{
    return ex_timer_state_name(s);
}

/* Order index key: [state u8 (job_queue only)] | time u64 BE (negative
 * times as 0) | id.  A part of 0 writes no state byte (timer_due). */
#define ORDER_KEY_MAX (1 + 8 + JOBS_ID_MAX)

static size_t order_key(uint8_t out[ORDER_KEY_MAX], int part, int64_t ms, const char *id)
{
    size_t n = strnlen(id, JOBS_ID_MAX), o = 0;
    if (part)
        out[o++] = (uint8_t)part;
    key_put_u64(out + o, ms < 0 ? 0 : (uint64_t)ms);
    memcpy(out + o + 8, id, n);
    return o + 8 + n;
}

static size_t id_len(const char *id)
{
    return strnlen(id, JOBS_ID_MAX);
}

int jobs_timer_get(store_txn_t *t, const char *id, Exemplar__Timer **out)
{
    store_val_t v;
    *out = NULL;
    int rc = store_get(t, DB_TIMERS, id, id_len(id), &v);
    if (rc < 0)
        return rc;
    *out = exemplar__timer__unpack(NULL, v.len, v.data);
    return *out ? 0 : -EX_ESTORAGE;
}

void jobs_timer_put(store_txn_t *t, const Exemplar__Timer *tm, const Exemplar__Timer *old)
{
    uint8_t k[ORDER_KEY_MAX];
    bool was = old && old->state == EXEMPLAR__TIMER_STATE__TIMER_PENDING;
    bool is = tm->state == EXEMPLAR__TIMER_STATE__TIMER_PENDING;
    if (was && (!is || old->fire_ms != tm->fire_ms))
        store_del(t, DB_TIMER_DUE, k, order_key(k, 0, old->fire_ms, old->id));
    if (is && (!was || old->fire_ms != tm->fire_ms))
        store_put(t, DB_TIMER_DUE, k, order_key(k, 0, tm->fire_ms, tm->id), "", 0);
    records_put_message(t, DB_TIMERS, tm->id, id_len(tm->id), &tm->base);
}

int jobs_get(store_txn_t *t, const char *id, Exemplar__Job **out)
{
    store_val_t v;
    *out = NULL;
    int rc = store_get(t, DB_JOBS, id, id_len(id), &v);
    if (rc < 0)
        return rc;
    *out = exemplar__job__unpack(NULL, v.len, v.data);
    return *out ? 0 : -EX_ESTORAGE;
}

static bool queued(const Exemplar__Job *j)
{
    return j->state == EXEMPLAR__JOB_STATE__JOB_READY ||
           j->state == EXEMPLAR__JOB_STATE__JOB_LEASED;
}

void jobs_put(store_txn_t *t, const Exemplar__Job *j, const Exemplar__Job *old)
{
    uint8_t k[ORDER_KEY_MAX];
    bool was = old && queued(old);
    bool is = queued(j);
    bool same = was && is && old->state == j->state && old->available_ms == j->available_ms;
    if (was && !same)
        store_del(t, DB_JOB_QUEUE, k, order_key(k, old->state, old->available_ms, old->id));
    if (is && !same)
        store_put(t, DB_JOB_QUEUE, k, order_key(k, j->state, j->available_ms, j->id), "", 0);
    Exemplar__Job stored = *j;
    stored.context = NULL;
    records_put_message(t, DB_JOBS, j->id, id_len(j->id), &stored.base);
}

int jobs_due(store_txn_t *t, store_db_t db, int part, int64_t until_ms,
             char (*ids)[JOBS_ID_MAX + 1], size_t max)
{
    uint8_t prefix = (uint8_t)part;
    size_t plen = part ? 1 : 0;
    store_iter_t it;
    store_val_t k, v;
    size_t n = 0;
    int rc = store_iter_open(t, db, &it);
    if (rc < 0)
        return rc;
    for (rc = store_iter_seek(&it, &prefix, plen, &k, &v); rc == 0 && n < max;
         rc = store_iter_next(&it, &k, &v)) {
        if (plen && (k.len < 1 || *(const uint8_t *)k.data != prefix))
            break;
        const uint8_t *key = (const uint8_t *)k.data + plen;
        size_t klen = k.len - plen;
        if (klen <= 8 || klen > 8 + JOBS_ID_MAX) {
            rc = -EX_ESTORAGE;
            break;
        }
        if ((int64_t)key_get_u64(key) > until_ms)
            break;
        memcpy(ids[n], key + 8, klen - 8);
        ids[n][klen - 8] = 0;
        n++;
    }
    store_iter_close(&it);
    if (rc < 0 && rc != -EX_ENOTFOUND)
        return rc;
    return (int)n;
}

int64_t jobs_next_time(store_txn_t *t, store_db_t db, int part)
{
    store_iter_t it;
    store_val_t k, v;
    uint8_t prefix = (uint8_t)part;
    size_t plen = part ? 1 : 0;
    int64_t next = INT64_MAX;
    if (store_iter_open(t, db, &it) < 0)
        return next;
    if (store_iter_seek(&it, &prefix, plen, &k, &v) == 0 && k.len > plen + 8 &&
        (!plen || *(const uint8_t *)k.data == prefix))
        next = (int64_t)key_get_u64((const uint8_t *)k.data + plen);
    store_iter_close(&it);
    return next;
}

bool jobs_delivered(const Exemplar__Job *j, const char *channel)
{
    for (size_t i = 0; i < j->n_deliveries; i++)
        if (j->deliveries[i]->channel && strcmp(j->deliveries[i]->channel, channel) == 0)
            return true;
    return false;
}

int64_t jobs_backoff_ms(uint32_t failures)
{
    if (failures == 0)
        return 0;
    if (failures > 9)
        return 300000;
    int64_t ms = 1000ll << (failures - 1);
    return ms > 300000 ? 300000 : ms;
}
