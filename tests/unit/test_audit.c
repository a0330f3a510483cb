/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the audit list (daemon/audit.c) in a real LMDB environment:
 * refusals in write transactions are appended with seq 1, 2, ... and what
 * the request asked (a move's nomination and state, a register's unit);
 * a refusal in a read transaction is logged, not stored; a refusal whose
 * transaction aborts leaves no entry; pages come back newest first and
 * follow next_before_seq to the first entry; a limit over 1000 is refused
 * with a sentence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "audit.h"
#include "errors.h"
#include "nom.h"
#include "store.h"
#include "wire.pb-c.h"
#include "fixture.h"

static const actor_t OFFICER = {.name = "officer-01", .role = ROLE_UNIT_OFFICER, .unit = "BNV"};

/* Refuses a move of nomination id in a transaction (write or not, committed
 * or not). */
static void refuse_move(fixture_t *f, uint64_t id, bool write, bool commit)
{
    Exemplar__MoveRequest mv = EXEMPLAR__MOVE_REQUEST__INIT;
    mv.id = id;
    mv.to = EXEMPLAR__STATE__STATE_FOSTERING;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.request_id = 0xabc0 + id;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &mv;
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, write, &t), 0);
    audit_refusal(&t, &OFFICER, "move", &req, -EX_EPERM, "not your unit's nomination",
                  1000 + (int64_t)id);
    if (write && commit)
        assert_int_equal(store_txn_commit(&t), 0);
    else
        store_txn_abort(&t);
}

static Exemplar__AuditReply *page(fixture_t *f, uint64_t before, uint32_t limit)
{
    Exemplar__AuditRequest r = EXEMPLAR__AUDIT_REQUEST__INIT;
    r.before_seq = before;
    r.limit = limit;
    Exemplar__AuditReply *out = NULL;
    char why[128] = "";
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(audit_read(&t, &r, &out, why, sizeof(why)), 0);
    store_txn_abort(&t);
    return out;
}

static void refusals_are_appended_in_order_with_what_was_asked(void **state)
{
    fixture_t *f = *state;
    refuse_move(f, 1, true, true);
    refuse_move(f, 2, false, false); /* a read transaction: logged only */
    refuse_move(f, 3, true, false);  /* its batch aborted: no entry */
    refuse_move(f, 4, true, true);

    Exemplar__RegisterRequest reg = EXEMPLAR__REGISTER_REQUEST__INIT;
    reg.unit = "BTC";
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &reg;
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, true, &t), 0);
    audit_refusal(&t, &OFFICER, "register", &req, -EX_EWINDOW, "the window is closed", 5000);
    audit_refusal(&t, &OFFICER, "register", NULL, -EX_EINVALID, "no body", 5001);
    assert_int_equal(store_txn_commit(&t), 0);

    Exemplar__AuditReply *r = page(f, 0, 0);
    assert_int_equal(r->last_seq, 4);
    assert_int_equal(r->n_entries, 4);
    assert_int_equal(r->next_before_seq, 0);
    const Exemplar__AuditEntry *e = r->entries[3]; /* the oldest */
    assert_int_equal(e->seq, 1);
    assert_string_equal(e->request, "move");
    assert_int_equal(e->nomination_id, 1);
    assert_int_equal(e->to, EXEMPLAR__STATE__STATE_FOSTERING);
    assert_int_equal(e->request_id, 0xabc1);
    assert_int_equal(e->code, EX_EPERM);
    assert_string_equal(e->code_name, ex_err_name(-EX_EPERM));
    assert_string_equal(e->message, "not your unit's nomination");
    assert_string_equal(e->actor->name, "officer-01");
    assert_string_equal(e->actor->unit, "BNV");
    assert_int_equal(e->at_ms, 1001);
    assert_int_equal(r->entries[2]->nomination_id, 4); /* 2 and 3 left nothing */
    assert_string_equal(r->entries[1]->unit, "BTC");
    assert_int_equal(r->entries[1]->nomination_id, 0);
    assert_string_equal(r->entries[0]->message, "no body");
    audit_reply_free(r);
}

static void pages_go_newest_first_to_the_first_entry(void **state)
{
    fixture_t *f = *state;
    for (uint64_t i = 1; i <= 7; i++)
        refuse_move(f, i, true, true);
    uint64_t seen[8], n = 0, before = 0;
    do {
        Exemplar__AuditReply *r = page(f, before, 3);
        assert_true(r->n_entries <= 3);
        for (size_t i = 0; i < r->n_entries; i++)
            seen[n++] = r->entries[i]->seq;
        before = r->next_before_seq;
        audit_reply_free(r);
    } while (before && n < 8);
    assert_int_equal(n, 7);
    for (uint64_t i = 0; i < 7; i++)
        assert_int_equal(seen[i], 7 - i);
    /* before_seq past the newest reads from the newest */
    Exemplar__AuditReply *r = page(f, 100, 1);
    assert_int_equal(r->entries[0]->seq, 7);
    assert_int_equal(r->next_before_seq, 7);
    audit_reply_free(r);

    Exemplar__AuditRequest big = EXEMPLAR__AUDIT_REQUEST__INIT;
    big.limit = 1001;
    Exemplar__AuditReply *out = NULL;
    char why[128] = "";
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(audit_read(&t, &big, &out, why, sizeof(why)), -EX_EINVALID);
    store_txn_abort(&t);
    assert_null(out);
    assert_non_null(strstr(why, "limit must be 1-1000"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(refusals_are_appended_in_order_with_what_was_asked,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(pages_go_newest_first_to_the_first_entry, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
