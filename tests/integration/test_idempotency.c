/* SPDX-License-Identifier: MIT */
/*
 * Safe retries (guarantee 2): a mutating request sent again under the same
 * request id gets the first answer byte for byte and changes nothing, even
 * after other changes and after a restart; the same id with another body is
 * refused; a mutating request without an id is invalid.  Requests go out as
 * raw frames here, so the test controls the id and sees the exact bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

enum { TIMEOUT_MS = 10000 };

#define S(x) EXEMPLAR__STATE__STATE_##x

typedef struct {
    Exemplar__Request req;
    Exemplar__RegisterRequest reg;
    Exemplar__MoveRequest move;
} request_t;

static void make_register(request_t *t, uint64_t request_id, const char *unit, const char *name)
{
    exemplar__request__init(&t->req);
    exemplar__register_request__init(&t->reg);
    t->req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    t->req.request_id = request_id;
    t->req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    t->req.register_ = &t->reg;
    t->reg.unit = (char *)unit;
    t->reg.kind = EXEMPLAR__KIND__KIND_INDIVIDUAL;
    t->reg.name = (char *)name;
    t->reg.campaign = "";
}

static void make_move(request_t *t, uint64_t request_id, uint64_t id, Exemplar__State to,
                      uint64_t expected, const char *reason)
{
    exemplar__request__init(&t->req);
    exemplar__move_request__init(&t->move);
    t->req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    t->req.request_id = request_id;
    t->req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    t->req.move = &t->move;
    t->move.id = id;
    t->move.to = to;
    t->move.expected_version = expected;
    t->move.reason = (char *)(reason ? reason : "");
}

/* Sends t and requires a reply that decodes. */
static void send_raw(harness_t *h, const request_t *t, harness_raw_reply_t *out, const char *what)
{
    assert_int_equal(harness_raw_request(h, &t->req, TIMEOUT_MS, out), 0);
    if (out->frames == 0)
        fail_msg("%s: no reply within %d ms", what, TIMEOUT_MS);
    if (!out->reply)
        fail_msg("%s: the reply (%zu bytes) is not an exemplar.Reply", what, out->len);
    if (out->frames != 1)
        fail_msg("%s: the reply to a DEALER has %d frames, expected 1", what, out->frames);
}

static void require_same_bytes(const harness_raw_reply_t *a, const harness_raw_reply_t *b,
                               const char *what)
{
    if (a->len != b->len || memcmp(a->payload, b->payload, a->len) != 0)
        fail_msg("%s: the repeated request got a different reply (%zu vs %zu bytes)", what, a->len,
                 b->len);
}

static size_t count_all(ex_client_t *c)
{
    uint64_t ids[64];
    ex_list_filter_t all = {0};
    return itest_list_ids(c, &all, ids, 64, 10);
}

static void register_twice_with_one_id_creates_one_nomination(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    uint64_t rid = ex_request_id_new();
    assert_true(rid != 0);

    request_t t;
    make_register(&t, rid, "01", "Hoàng Thu Trang");
    harness_raw_reply_t first, again;
    send_raw(h, &t, &first, "register");
    itest_require_ok(0, first.reply, "register");
    assert_true(first.reply->request_id == rid);
    uint64_t id = first.reply->nomination->id;
    uint64_t seq = itest_last_seq(c);

    send_raw(h, &t, &again, "register again");
    require_same_bytes(&first, &again, "register again");
    harness_raw_reply_free(&again);

    /* through the client library too, with the id given explicitly */
    Exemplar__Reply *r = NULL;
    int rc = ex_register(c, rid, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL, "Hoàng Thu Trang", "", &r);
    itest_require_ok(rc, r, "register through the library with the same id");
    assert_true(r->nomination->id == id);
    assert_true(r->nomination->version == 1);
    ex_reply_free(r);

    assert_int_equal(count_all(c), 1);
    assert_true(itest_last_seq(c) == seq);
    r = itest_history(c, id);
    assert_int_equal(r->history->n_changes, 1);
    ex_reply_free(r);

    harness_raw_reply_free(&first);
    ex_client_destroy(&c);
}

static void move_twice_with_one_id_moves_once(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t n = itest_register(c, "02", "Vũ Đức Thắng", NULL);

    uint64_t rid = ex_request_id_new();
    request_t t;
    make_move(&t, rid, n.id, S(FOSTERING), 1, NULL);
    harness_raw_reply_t first, again;
    send_raw(h, &t, &first, "move");
    itest_require_ok(0, first.reply, "move");
    assert_true(first.reply->nomination->version == 2);

    send_raw(h, &t, &again, "move again");
    require_same_bytes(&first, &again, "move again");
    harness_raw_reply_free(&again);

    nom_t g = itest_get(c, n.id);
    assert_true(g.version == 2);
    assert_int_equal(g.state, S(FOSTERING));
    Exemplar__Reply *r = itest_history(c, n.id);
    assert_int_equal(r->history->n_changes, 2);
    assert_true(r->history->changes[1]->request_id == rid);
    ex_reply_free(r);

    /* after another change the retry still gets its own first answer
     * (not a conflict), and still changes nothing */
    g = itest_move(c, &g, S(UNIT_REVIEWED), NULL);
    send_raw(h, &t, &again, "move again after a later change");
    require_same_bytes(&first, &again, "move again after a later change");
    harness_raw_reply_free(&again);
    nom_t after = itest_get(c, n.id);
    assert_true(after.version == 3);
    assert_int_equal(after.state, S(UNIT_REVIEWED));

    harness_raw_reply_free(&first);
    ex_client_destroy(&c);
}

static void same_id_with_another_body_is_refused(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    uint64_t rid = ex_request_id_new();

    request_t t;
    make_register(&t, rid, "01", "Đỗ Minh Châu");
    harness_raw_reply_t first, other;
    send_raw(h, &t, &first, "register");
    itest_require_ok(0, first.reply, "register");
    uint64_t id = first.reply->nomination->id;
    uint64_t seq = itest_last_seq(c);

    /* another name under the same id */
    make_register(&t, rid, "01", "Đỗ Minh Châu (sửa)");
    send_raw(h, &t, &other, "register, same id, other name");
    itest_require_error(0, other.reply, EX_EIDREUSE, "register, same id, other name");
    harness_raw_reply_free(&other);

    /* another kind of request under the same id */
    make_move(&t, rid, id, S(FOSTERING), 1, NULL);
    send_raw(h, &t, &other, "move under a register's id");
    itest_require_error(0, other.reply, EX_EIDREUSE, "move under a register's id");
    harness_raw_reply_free(&other);

    nom_t g = itest_get(c, id);
    assert_true(g.version == 1);
    assert_int_equal(count_all(c), 1);
    assert_true(itest_last_seq(c) == seq);

    /* and the original request is still answered as the first time */
    make_register(&t, rid, "01", "Đỗ Minh Châu");
    send_raw(h, &t, &other, "the original again");
    require_same_bytes(&first, &other, "the original again");
    harness_raw_reply_free(&other);

    harness_raw_reply_free(&first);
    ex_client_destroy(&c);
}

static void mutating_request_without_an_id_is_invalid(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t n = itest_register(c, "01", "Bùi Thanh Hà", NULL);
    uint64_t seq = itest_last_seq(c);

    request_t t;
    harness_raw_reply_t r;
    make_register(&t, 0, "01", "Không có mã yêu cầu");
    send_raw(h, &t, &r, "register with request id 0");
    itest_require_error(0, r.reply, EX_EINVALID, "register with request id 0");
    harness_raw_reply_free(&r);

    make_move(&t, 0, n.id, S(FOSTERING), 1, NULL);
    send_raw(h, &t, &r, "move with request id 0");
    itest_require_error(0, r.reply, EX_EINVALID, "move with request id 0");
    harness_raw_reply_free(&r);

    assert_int_equal(count_all(c), 1);
    assert_true(itest_get(c, n.id).version == 1);
    assert_true(itest_last_seq(c) == seq);

    /* a read-only request needs no id */
    Exemplar__Request info = EXEMPLAR__REQUEST__INIT;
    Exemplar__InfoRequest body = EXEMPLAR__INFO_REQUEST__INIT;
    info.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    info.body_case = EXEMPLAR__REQUEST__BODY_INFO;
    info.info = &body;
    assert_int_equal(harness_raw_request(h, &info, TIMEOUT_MS, &r), 0);
    assert_int_equal(r.frames, 1);
    itest_require_ok(0, r.reply, "info with request id 0");
    harness_raw_reply_free(&r);
    ex_client_destroy(&c);
}

static void request_ids_are_remembered_across_a_restart(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    uint64_t rid_reg = ex_request_id_new();
    uint64_t rid_move = rid_reg + 1;

    request_t t;
    harness_raw_reply_t reg, mv, again;
    make_register(&t, rid_reg, "02", "Ngô Bảo Châu");
    send_raw(h, &t, &reg, "register");
    itest_require_ok(0, reg.reply, "register");
    uint64_t id = reg.reply->nomination->id;
    request_t m;
    make_move(&m, rid_move, id, S(FOSTERING), 1, NULL);
    send_raw(h, &m, &mv, "move");
    itest_require_ok(0, mv.reply, "move");
    ex_client_destroy(&c);

    assert_int_equal(harness_stop(h), 0);
    assert_int_equal(harness_restart(h), 0);
    c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);

    send_raw(h, &t, &again, "register after restart");
    require_same_bytes(&reg, &again, "register after restart");
    harness_raw_reply_free(&again);
    send_raw(h, &m, &again, "move after restart");
    require_same_bytes(&mv, &again, "move after restart");
    harness_raw_reply_free(&again);

    assert_int_equal(count_all(c), 1);
    assert_true(itest_get(c, id).version == 2);
    harness_raw_reply_free(&reg);
    harness_raw_reply_free(&mv);
    ex_client_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(register_twice_with_one_id_creates_one_nomination,
                                        harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(move_twice_with_one_id_moves_once, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(same_id_with_another_body_is_refused, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(mutating_request_without_an_id_is_invalid, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(request_ids_are_remembered_across_a_restart, harness_setup,
                                        harness_teardown),
    };
    return cmocka_run_group_tests_name("idempotency", tests, NULL, NULL);
}
