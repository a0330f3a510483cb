/* SPDX-License-Identifier: MIT */
/*
 * Key encoders, one per database (see store.h for the layout).  Integers are
 * big-endian so that LMDB's byte order is numeric order: new nominations and
 * new changes land at the end of their trees (appends, not random writes).
 * Codes are followed by a NUL so that "01" sorts wholly before "010".
 */
#ifndef EXEMPLAR_KEY_H
#define EXEMPLAR_KEY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Longest unit code and campaign id the protocol accepts. */
#define KEY_UNIT_MAX     16
#define KEY_CAMPAIGN_MAX 32
/* Room for the longest composite key. */
#define KEY_MAX (1 + KEY_CAMPAIGN_MAX + 1 + 8)

static inline void key_put_u64(uint8_t *out, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[i] = (uint8_t)v;
}

static inline uint64_t key_get_u64(const void *p)
{
    const uint8_t *b = p;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

/* DB_BY_STATE: state u8 | campaign | NUL | seq u64, where seq is the change
 * that moved the nomination into the state (the value is its id).  A move
 * appends at the end of its (state, campaign) range instead of writing at a
 * random place; the entry it leaves behind is stale and is skipped by
 * readers and swept later (records.h).  With seq 0 it is the smallest key of
 * (state, campaign); with campaign NULL only the state byte is written (a
 * prefix).  Returns the key's length. */
static inline size_t key_by_state(uint8_t out[KEY_MAX], int state, const char *campaign,
                                  uint64_t seq)
{
    out[0] = (uint8_t)state;
    if (!campaign)
        return 1;
    size_t n = strnlen(campaign, KEY_CAMPAIGN_MAX);
    memcpy(out + 1, campaign, n);
    out[1 + n] = 0;
    key_put_u64(out + 2 + n, seq);
    return 2 + n + 8;
}

/* DB_BY_UNIT: unit | NUL | id u64.  Returns the key's length. */
static inline size_t key_by_unit(uint8_t out[KEY_MAX], const char *unit, uint64_t id)
{
    size_t n = strnlen(unit, KEY_UNIT_MAX);
    memcpy(out, unit, n);
    out[n] = 0;
    key_put_u64(out + n + 1, id);
    return n + 1 + 8;
}

/* A name (a subject id, a publisher), NUL, u64: DB_BY_SUBJECT,
 * DB_EVENTS_SEEN and DB_EVENTS_BY_SUBJECT (daemon/api_events.c).  At most
 * max bytes of the name are used; out needs max + 9 bytes.  Returns the
 * key's length. */
static inline size_t key_name_u64(uint8_t *out, const char *name, size_t max, uint64_t v)
{
    size_t n = strnlen(name, max);
    memcpy(out, name, n);
    out[n] = 0;
    key_put_u64(out + n + 1, v);
    return n + 1 + 8;
}

/* The integer at the end of an index key: the id in DB_BY_UNIT, the seq in
 * DB_BY_STATE. */
static inline uint64_t key_tail_u64(const void *key, size_t len)
{
    return len >= 8 ? key_get_u64((const uint8_t *)key + len - 8) : 0;
}

#endif
