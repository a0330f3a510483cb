/* SPDX-License-Identifier: MIT */
/*
 * The nomination write path against a real LMDB environment in a temp dir
 * and a real feed socket: a transition writes the record, its indexes, the
 * change (linked into the nomination's history) and the feed entry; the
 * counters move only when the batch is applied after its commit, and a
 * commit that fails leaves them as they were.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include <cmocka.h>

#include "errors.h"
#include "key.h"
#include "nomwrite.h"
#include "outbox.h"
#include "records.h"
#include "store.h"
#include "fixture.h"

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    /* A map that cannot grow: a large write fills it (the failed commit). */
    fixture_open_sized(f, 1 << 20, 1 << 20);
    fixture_outbox(f);
    *state = f;
    return 0;
}

static Exemplar__Actor ACTOR = {PROTOBUF_C_MESSAGE_INIT(&exemplar__actor__descriptor), "officer-01",
                                EXEMPLAR__ROLE__ROLE_UNIT_OFFICER, "01"};

static nomwrite_change_t change(Exemplar__State from, const char *verb)
{
    nomwrite_change_t c = {.from = from, .verb = verb, .actor = &ACTOR, .at_ms = 1000, .day = 1};
    return c;
}

static void nomination(Exemplar__Nomination *n)
{
    exemplar__nomination__init(n);
    n->version = 1;
    n->state = EXEMPLAR__STATE__STATE_REGISTERED;
    n->kind = EXEMPLAR__KIND__KIND_COLLECTIVE;
    n->unit = "01";
    n->campaign = "2021-2025";
    n->name = "Phòng Tài nguyên";
}

/* Registers a nomination in a batch of its own and commits it. */
static uint64_t register_one(fixture_t *f)
{
    store_txn_t t;
    nomwrite_batch_t b;
    Exemplar__Nomination n;
    nomination(&n);
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    nomwrite_batch_init(&b, &t, f->outbox, &f->counters);
    nomwrite_change_t c = change(EXEMPLAR__STATE__STATE_NONE, "register");
    assert_int_equal(nomwrite_transition(&b, &n, &c), 0);
    assert_int_equal(store_txn_commit(&t), 0);
    nomwrite_batch_apply(&b);
    outbox_publish(f->outbox);
    return n.id;
}

static void a_transition_writes_record_indexes_change_and_feed(void **state)
{
    fixture_t *f = *state;
    uint64_t id = register_one(f);
    assert_int_equal(id, 1);
    assert_int_equal(f->counters.next_id, 2);
    assert_int_equal(f->counters.nominations, 1);
    assert_int_equal(f->counters.last_seq, 1);
    assert_int_equal(outbox_published(f->outbox), 1);

    /* a move, then evidence (the state and version stay) */
    store_txn_t t;
    nomwrite_batch_t b;
    Exemplar__Nomination *n = NULL;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    nomwrite_batch_init(&b, &t, f->outbox, &f->counters);
    assert_int_equal(records_get_nomination(&t, id, &n), 0);
    n->state = EXEMPLAR__STATE__STATE_FOSTERING;
    n->version++;
    nomwrite_change_t c = change(EXEMPLAR__STATE__STATE_REGISTERED, "foster");
    c.at_ms = 2000;
    assert_int_equal(nomwrite_transition(&b, n, &c), 0);
    nomwrite_change_t e = change(EXEMPLAR__STATE__STATE_FOSTERING, "evidence");
    e.event_seq = 9;
    assert_int_equal(nomwrite_transition(&b, n, &e), 0);
    assert_int_equal(n->last_seq, 3);
    assert_int_equal(n->state_seq, 2); /* evidence made no move */
    assert_int_equal(n->updated_ms, 1000);
    exemplar__nomination__free_unpacked(n, NULL);
    assert_int_equal(store_txn_commit(&t), 0);
    assert_int_equal(nomwrite_batch_apply(&b), 1); /* the registered entry is stale */
    outbox_publish(f->outbox);
    assert_int_equal(outbox_published(f->outbox), 3);
    assert_int_equal(f->counters.last_seq, 3);
    assert_int_equal(f->counters.next_id, 2);

    /* the history links back to the registration */
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(records_get_nomination(&t, id, &n), 0);
    assert_int_equal(n->version, 2);
    Exemplar__Change *ch = NULL;
    uint64_t seq = n->last_seq;
    const char *verbs[] = {"evidence", "foster", "register"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(records_get_change(&t, seq, &ch), 0);
        assert_string_equal(ch->verb, verbs[i]);
        assert_int_equal(ch->nomination_id, id);
        if (i == 0)
            assert_int_equal(ch->event_seq, 9);
        seq = ch->prev_seq;
        exemplar__change__free_unpacked(ch, NULL);
    }
    assert_int_equal(seq, 0);
    /* by-unit and by-state entries */
    uint8_t key[KEY_MAX];
    store_val_t v;
    assert_int_equal(store_get(&t, DB_BY_UNIT, key, key_by_unit(key, "01", id), &v), 0);
    assert_int_equal(store_get(&t, DB_BY_STATE, key,
                               key_by_state(key, EXEMPLAR__STATE__STATE_FOSTERING, "2021-2025", 2),
                               &v),
                     0);
    assert_int_equal(records_state_entry_id(&v), id);
    exemplar__nomination__free_unpacked(n, NULL);
    store_txn_abort(&t);
}

static void readers_in_the_batch_see_its_deltas_the_counters_do_not(void **state)
{
    fixture_t *f = *state;
    register_one(f);
    store_txn_t t;
    nomwrite_batch_t b;
    Exemplar__Nomination n;
    nomination(&n);
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    nomwrite_batch_init(&b, &t, f->outbox, &f->counters);
    assert_int_equal(nomwrite_next_id(&b), 2);
    nomwrite_change_t c = change(EXEMPLAR__STATE__STATE_NONE, "register");
    assert_int_equal(nomwrite_transition(&b, &n, &c), 0);
    assert_int_equal(n.id, 2);
    assert_int_equal(nomwrite_next_id(&b), 3);
    /* the first count of the states, in the middle of the batch */
    assert_int_equal(nomwrite_count_states(&b), 0);
    records_counters_t seen;
    nomwrite_counters(&b, &seen);
    assert_int_equal(seen.nominations, 2);
    assert_int_equal(seen.last_seq, 2);
    assert_int_equal(seen.in_state[EXEMPLAR__STATE__STATE_REGISTERED], 2);
    assert_int_equal(f->counters.nominations, 1);
    assert_int_equal(f->counters.last_seq, 1);
    assert_int_equal(f->counters.in_state[EXEMPLAR__STATE__STATE_REGISTERED], 1);
    assert_int_equal(store_txn_commit(&t), 0);
    nomwrite_batch_apply(&b);
    outbox_publish(f->outbox);
    assert_int_equal(f->counters.nominations, 2);
    assert_int_equal(f->counters.in_state[EXEMPLAR__STATE__STATE_REGISTERED], 2);
}

static void a_failed_commit_leaves_the_counters_as_they_were(void **state)
{
    fixture_t *f = *state;
    register_one(f);
    store_txn_t t;
    nomwrite_batch_t b;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    nomwrite_batch_init(&b, &t, NULL, &f->counters);
    assert_int_equal(nomwrite_count_states(&b), 0);
    store_txn_abort(&t);
    records_counters_t before = f->counters;

    Exemplar__Nomination n;
    nomination(&n);
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    nomwrite_batch_init(&b, &t, f->outbox, &f->counters);
    nomwrite_change_t c = change(EXEMPLAR__STATE__STATE_NONE, "register");
    assert_int_equal(nomwrite_transition(&b, &n, &c), 0);
    /* more than the map holds: the commit fails */
    size_t big = 2 << 20;
    char *junk = calloc(1, big);
    store_put(&t, DB_META, "junk", 4, junk, big);
    free(junk);
    assert_int_equal(store_txn_commit(&t), -EX_EFULL);
    nomwrite_batch_discard(&b);
    outbox_discard(f->outbox);
    assert_memory_equal(&f->counters, &before, sizeof(before));
    assert_int_equal(outbox_published(f->outbox), 1);

    /* the next batch takes the same id and sequence: no gap */
    nomination(&n);
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    nomwrite_batch_init(&b, &t, f->outbox, &f->counters);
    assert_int_equal(nomwrite_transition(&b, &n, &c), 0);
    assert_int_equal(n.id, 2);
    assert_int_equal(n.last_seq, 2);
    assert_int_equal(store_txn_commit(&t), 0);
    nomwrite_batch_apply(&b);
    assert_int_equal(f->counters.in_state[EXEMPLAR__STATE__STATE_REGISTERED], 2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fixture_teardown)
    const struct CMUnitTest tests[] = {
        T(a_transition_writes_record_indexes_change_and_feed),
        T(readers_in_the_batch_see_its_deltas_the_counters_do_not),
        T(a_failed_commit_leaves_the_counters_as_they_were),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
