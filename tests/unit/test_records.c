/* SPDX-License-Identifier: MIT */
/*
 * The record layer against a real LMDB environment in a temp dir: the
 * append-only by-state index (a move leaves a stale entry that readers skip
 * and the sweep removes) and the counters derived from the data at start.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "errors.h"
#include "key.h"
#include "records.h"
#include "store.h"
#include "fixture.h"

/* Writes nomination id in state at seq, as api.c does for a move. */
static void put(store_t *s, uint64_t id, Exemplar__State from, Exemplar__State to, uint64_t seq)
{
    store_txn_t t;
    Exemplar__Nomination n = EXEMPLAR__NOMINATION__INIT;
    n.id = id;
    n.version = seq;
    n.state = to;
    n.kind = EXEMPLAR__KIND__KIND_COLLECTIVE;
    n.unit = "01";
    n.campaign = "2021-2025";
    n.name = "Phòng Tài nguyên";
    n.last_seq = n.state_seq = seq;
    assert_int_equal(store_txn_begin(s, true, &t), 0);
    records_put_nomination(&t, &n, from);
    assert_int_equal(store_txn_commit(&t), 0);
}

/* Counts (live, stale) entries of one state. */
static void count_state(store_t *s, Exemplar__State st, int *live, int *stale)
{
    store_txn_t t;
    store_iter_t it;
    store_val_t k, v;
    uint8_t prefix[KEY_MAX];
    size_t plen = key_by_state(prefix, st, NULL, 0);
    *live = *stale = 0;
    assert_int_equal(store_txn_begin(s, false, &t), 0);
    assert_int_equal(store_iter_open(&t, DB_BY_STATE, &it), 0);
    int rc = store_iter_seek(&it, prefix, plen, &k, &v);
    for (; rc == 0 && memcmp(k.data, prefix, plen) == 0; rc = store_iter_next(&it, &k, &v)) {
        Exemplar__Nomination *n = NULL;
        assert_int_equal(records_get_nomination(&t, records_state_entry_id(&v), &n), 0);
        if (records_state_entry_live(n, &k))
            (*live)++;
        else
            (*stale)++;
        exemplar__nomination__free_unpacked(n, NULL);
    }
    store_iter_close(&it);
    store_txn_abort(&t);
}

static void a_move_leaves_a_stale_entry_that_is_not_live(void **state)
{
    fixture_t *f = *state;
    int live, stale;
    put(f->store, 1, EXEMPLAR__STATE__STATE_NONE, EXEMPLAR__STATE__STATE_REGISTERED, 1);
    put(f->store, 1, EXEMPLAR__STATE__STATE_REGISTERED, EXEMPLAR__STATE__STATE_FOSTERING, 2);
    count_state(f->store, EXEMPLAR__STATE__STATE_REGISTERED, &live, &stale);
    assert_int_equal(live, 0);
    assert_int_equal(stale, 1);
    count_state(f->store, EXEMPLAR__STATE__STATE_FOSTERING, &live, &stale);
    assert_int_equal(live, 1);
    assert_int_equal(stale, 0);
}

static void reentering_a_state_leaves_exactly_one_live_entry(void **state)
{
    fixture_t *f = *state;
    int live, stale;
    put(f->store, 7, EXEMPLAR__STATE__STATE_NONE, EXEMPLAR__STATE__STATE_UNIT_REVIEWED, 3);
    put(f->store, 7, EXEMPLAR__STATE__STATE_UNIT_REVIEWED, EXEMPLAR__STATE__STATE_RETURNED, 4);
    put(f->store, 7, EXEMPLAR__STATE__STATE_RETURNED, EXEMPLAR__STATE__STATE_UNIT_REVIEWED, 5);
    count_state(f->store, EXEMPLAR__STATE__STATE_UNIT_REVIEWED, &live, &stale);
    assert_int_equal(live, 1);
    assert_int_equal(stale, 1);
}

static void sweep_removes_only_stale_entries_in_bounded_steps(void **state)
{
    fixture_t *f = *state;
    int live, stale;
    for (uint64_t id = 1; id <= 10; id++) {
        put(f->store, id, EXEMPLAR__STATE__STATE_NONE, EXEMPLAR__STATE__STATE_REGISTERED, id);
        if (id % 2)
            put(f->store, id, EXEMPLAR__STATE__STATE_REGISTERED, EXEMPLAR__STATE__STATE_FOSTERING,
                100 + id);
    }
    uint8_t resume[KEY_MAX];
    size_t resume_len = 0, dropped = 0;
    int steps = 0;
    do {
        store_txn_t t;
        assert_int_equal(store_txn_begin(f->store, true, &t), 0);
        dropped += records_sweep_state_index(&t, 3, resume, &resume_len);
        assert_int_equal(store_txn_commit(&t), 0);
        steps++;
    } while (resume_len && steps < 100);
    assert_int_equal(dropped, 5);
    assert_true(steps >= 5); /* 15 entries, 3 per step */
    count_state(f->store, EXEMPLAR__STATE__STATE_REGISTERED, &live, &stale);
    assert_int_equal(live, 5);
    assert_int_equal(stale, 0);
    count_state(f->store, EXEMPLAR__STATE__STATE_FOSTERING, &live, &stale);
    assert_int_equal(live, 5);
    assert_int_equal(stale, 0);
}

static void counters_come_from_the_last_keys(void **state)
{
    fixture_t *f = *state;
    put(f->store, 41, EXEMPLAR__STATE__STATE_NONE, EXEMPLAR__STATE__STATE_REGISTERED, 1);
    put(f->store, 42, EXEMPLAR__STATE__STATE_NONE, EXEMPLAR__STATE__STATE_REGISTERED, 2);
    store_txn_t t;
    records_counters_t c;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(records_load_counters(&t, &c), 0);
    store_txn_abort(&t);
    assert_int_equal(c.next_id, 43);
    assert_int_equal(c.nominations, 2);
    assert_int_equal(c.last_seq, 0); /* no change appended in this test */
}

/* The fields a list filters on, read from a packed nomination as a full
 * decode reads them; a torn encoding is refused. */
static void peek_reads_the_filter_fields_of_a_packed_nomination(void **state)
{
    (void)state;
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    d.number = "123/QĐ-BGDĐT";
    Exemplar__Nomination n = EXEMPLAR__NOMINATION__INIT;
    n.id = 300;
    n.version = 4;
    n.state = EXEMPLAR__STATE__STATE_REVOKED;
    n.unit = "79";
    n.campaign = "2021-2025";
    n.name = "Phòng Tài nguyên";
    n.created_ms = -5; /* a ten-byte varint */
    n.state_seq = 1ull << 40;
    n.subject = "S1";
    n.revocation = &d;
    size_t len = 0;
    uint8_t *buf = records_pack(&n.base, &len);
    assert_non_null(buf);
    records_nom_peek_t p;
    store_val_t v = {buf, len};
    assert_int_equal(records_peek_nomination(&v, &p), 0);
    assert_int_equal(p.id, 300);
    assert_int_equal(p.state, EXEMPLAR__STATE__STATE_REVOKED);
    assert_int_equal(p.state_seq, 1ull << 40);
    assert_int_equal(p.unit_len, 2);
    assert_memory_equal(p.unit, "79", 2);
    assert_int_equal(p.campaign_len, 9);
    assert_memory_equal(p.campaign, "2021-2025", 9);
    /* the entry of its state at state_seq is live, another is not */
    uint8_t k[KEY_MAX];
    store_val_t key = {k, key_by_state(k, n.state, n.campaign, n.state_seq)};
    assert_true(records_state_entry_live_peek(&p, &key));
    key.len = key_by_state(k, n.state, n.campaign, 7);
    assert_false(records_state_entry_live_peek(&p, &key));
    /* every cut short of the whole is refused or reads a prefix's fields,
     * never past the end */
    for (size_t cut = 0; cut < len; cut++) {
        store_val_t part = {buf, cut};
        int rc = records_peek_nomination(&part, &p);
        assert_true(rc == 0 || rc == -EX_ESTORAGE);
    }
    store_val_t torn = {buf, len - 1}; /* inside the decision's last string */
    assert_int_equal(records_peek_nomination(&torn, &p), -EX_ESTORAGE);
    free(buf);
    /* empty: every field its default */
    store_val_t none = {"", 0};
    assert_int_equal(records_peek_nomination(&none, &p), 0);
    assert_int_equal(p.id, 0);
    assert_int_equal(p.state, 0);
    assert_int_equal(p.unit_len, 0);
    assert_string_equal(p.unit, "");
    /* a field twice: the last wins; a group is refused */
    static const uint8_t twice[] = {0x18, 0x02, 0x2a, 0x01, 'A', 0x18, 0x05, 0x2a, 0x02, 'B', 'C'};
    store_val_t tw = {twice, sizeof(twice)};
    assert_int_equal(records_peek_nomination(&tw, &p), 0);
    assert_int_equal(p.state, 5);
    assert_int_equal(p.unit_len, 2);
    assert_memory_equal(p.unit, "BC", 2);
    static const uint8_t group[] = {0x0b, 0x0c};
    store_val_t gr = {group, sizeof(group)};
    assert_int_equal(records_peek_nomination(&gr, &p), -EX_ESTORAGE);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
    const struct CMUnitTest tests[] = {
        T(a_move_leaves_a_stale_entry_that_is_not_live),
        T(reentering_a_state_leaves_exactly_one_live_entry),
        T(sweep_removes_only_stale_entries_in_bounded_steps),
        T(counters_come_from_the_last_keys),
        T(peek_reads_the_filter_fields_of_a_packed_nomination),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
