/* SPDX-License-Identifier: MIT */
/*
 * All states end to end against the real daemon: the main path to
 * recognized with its five-entry history, every side exit (withdrawn,
 * not selected, returned and reviewed again), refusals of moves the table
 * does not have, and lists filtered by state, unit and campaign with paging.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

enum { TIMEOUT_MS = 10000 };

#define S(x) EXEMPLAR__STATE__STATE_##x

static const char VI_NAME[] = "Nguyễn Thị Hồng Nhung";

static void main_path_walks_to_recognized_with_five_history_entries(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);

    Exemplar__Reply *r = NULL;
    int rc = ex_register(c, 0, "01", EXEMPLAR__KIND__KIND_COLLECTIVE, VI_NAME, NULL, &r);
    itest_require_ok(rc, r, "register");
    assert_int_equal(r->body_case, EXEMPLAR__REPLY__BODY_NOMINATION);
    const Exemplar__Nomination *reg = r->nomination;
    assert_true(reg->id != 0);
    assert_true(reg->version == 1);
    assert_int_equal(reg->state, S(REGISTERED));
    assert_int_equal(reg->kind, EXEMPLAR__KIND__KIND_COLLECTIVE);
    assert_string_equal(reg->unit, "01");
    assert_string_equal(reg->name, VI_NAME);
    /* no campaign given: the daemon's default */
    assert_string_equal(reg->campaign, "2021-2025");
    assert_true(reg->last_seq >= 1);
    nom_t n = itest_nom_of(reg);
    ex_reply_free(r);

    static const struct {
        Exemplar__State to;
        const char *verb;
    } path[] = {
        {S(FOSTERING), "foster"},
        {S(UNIT_REVIEWED), "review-unit"},
        {S(MINISTRY_REVIEWED), "review-ministry"},
        {S(RECOGNIZED), "recognize"},
    };
    uint64_t seqs[5] = {n.last_seq};
    for (size_t i = 0; i < 4; i++) {
        nom_t m = itest_move(c, &n, path[i].to, NULL);
        assert_true(m.last_seq > n.last_seq);
        seqs[i + 1] = m.last_seq;
        n = m;
    }
    assert_true(n.version == 5);

    /* get agrees with the last reply */
    nom_t g = itest_get(c, n.id);
    assert_true(g.version == 5);
    assert_int_equal(g.state, S(RECOGNIZED));
    assert_true(g.last_seq == seqs[4]);

    /* history: five entries, oldest first, versions 1..5, a chain of seqs */
    r = itest_history(c, n.id);
    const Exemplar__HistoryReply *hist = r->history;
    if (hist->n_changes != 5)
        fail_msg("history of %" PRIu64 " has %zu entries, expected 5", n.id, hist->n_changes);
    Exemplar__State from = S(NONE);
    for (size_t i = 0; i < 5; i++) {
        const Exemplar__Change *ch = hist->changes[i];
        Exemplar__State to = i == 0 ? S(REGISTERED) : path[i - 1].to;
        const char *verb = i == 0 ? "register" : path[i - 1].verb;
        if (ch->version != i + 1)
            fail_msg("history entry %zu has version %" PRIu64 ", expected %zu", i, ch->version,
                     i + 1);
        assert_true(ch->nomination_id == n.id);
        assert_int_equal(ch->from, from);
        assert_int_equal(ch->to, to);
        assert_string_equal(ch->verb, verb);
        assert_true(ch->seq == seqs[i]);
        assert_true(ch->prev_seq == (i ? seqs[i - 1] : 0));
        assert_string_equal(ch->unit, "01");
        assert_string_equal(ch->campaign, "2021-2025");
        assert_true(ch->request_id != 0);
        from = to;
    }
    ex_reply_free(r);

    /* recognized is final: every further move is refused and changes nothing */
    for (int to = S(REGISTERED); to <= S(RETURNED); to++) {
        rc = ex_move(c, 0, n.id, (Exemplar__State)to, 5, "one more try", &r);
        itest_require_error(rc, r, EX_ENOMOVE, "move from recognized");
        assert_int_equal(r->error->current_state, S(RECOGNIZED));
        ex_reply_free(r);
    }
    g = itest_get(c, n.id);
    assert_true(g.version == 5);
    assert_true(g.last_seq == seqs[4]);
    ex_client_destroy(&c);
    assert_null(c);
}

static void names_are_stored_in_nfc(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    /* "Nguyễn Thị Thu" typed with combining marks (NFD): e + U+0302 + U+0303,
     * i + U+0323 */
    static const char nfd[] = "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Thu";
    static const char nfc[] = "Nguy\xe1\xbb\x85n Th\xe1\xbb\x8b Thu";
    Exemplar__Reply *r = NULL;
    int rc = ex_register(c, 0, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL, nfd, NULL, &r);
    itest_require_ok(rc, r, "register with a decomposed name");
    if (strcmp(r->nomination->name, nfc) != 0)
        fail_msg("the name was stored as \"%s\", not in NFC", r->nomination->name);
    uint64_t id = r->nomination->id;
    ex_reply_free(r);
    rc = ex_get(c, id, &r);
    itest_require_ok(rc, r, "get");
    assert_string_equal(r->nomination->name, nfc);
    ex_reply_free(r);
    ex_client_destroy(&c);
}

static void withdraw_needs_a_reason_and_then_is_final(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t n = itest_register(c, "02", "Trần Văn An", NULL);
    n = itest_move(c, &n, S(FOSTERING), NULL);
    uint64_t seq_before = itest_last_seq(c);

    Exemplar__Reply *r = NULL;
    int rc = ex_move(c, 0, n.id, S(WITHDRAWN), n.version, NULL, &r);
    itest_require_error(rc, r, EX_EREASON, "withdraw without a reason");
    ex_reply_free(r);
    rc = ex_move(c, 0, n.id, S(WITHDRAWN), n.version, "", &r);
    itest_require_error(rc, r, EX_EREASON, "withdraw with an empty reason");
    ex_reply_free(r);

    /* the refusals changed nothing */
    nom_t g = itest_get(c, n.id);
    assert_true(g.version == n.version);
    assert_int_equal(g.state, S(FOSTERING));
    assert_true(itest_last_seq(c) == seq_before);

    n = itest_move(c, &n, S(WITHDRAWN), "chuyển công tác sang đơn vị khác");
    r = itest_history(c, n.id);
    assert_int_equal(r->history->n_changes, 3);
    const Exemplar__Change *last = r->history->changes[2];
    assert_int_equal(last->to, S(WITHDRAWN));
    assert_string_equal(last->verb, "withdraw");
    assert_string_equal(last->reason, "chuyển công tác sang đơn vị khác");
    ex_reply_free(r);

    rc = ex_move(c, 0, n.id, S(FOSTERING), n.version, "back", &r);
    itest_require_error(rc, r, EX_ENOMOVE, "move from withdrawn");
    ex_reply_free(r);
    ex_client_destroy(&c);
}

static void not_selected_at_either_review_needs_a_reason(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);

    /* at the unit review */
    nom_t a = itest_register(c, "01", "Đơn vị A", NULL);
    a = itest_move(c, &a, S(FOSTERING), NULL);
    a = itest_move(c, &a, S(UNIT_REVIEWED), NULL);
    Exemplar__Reply *r = NULL;
    int rc = ex_move(c, 0, a.id, S(NOT_SELECTED), a.version, NULL, &r);
    itest_require_error(rc, r, EX_EREASON, "not-select without a reason");
    ex_reply_free(r);
    a = itest_move(c, &a, S(NOT_SELECTED), "chưa đủ tiêu chuẩn");
    assert_true(a.version == 4);

    /* at the ministry review */
    nom_t b = itest_register(c, "01", "Đơn vị B", NULL);
    b = itest_move(c, &b, S(FOSTERING), NULL);
    b = itest_move(c, &b, S(UNIT_REVIEWED), NULL);
    b = itest_move(c, &b, S(MINISTRY_REVIEWED), NULL);
    b = itest_move(c, &b, S(NOT_SELECTED), "không được Bộ chọn");
    assert_true(b.version == 5);

    rc = ex_move(c, 0, b.id, S(RECOGNIZED), b.version, NULL, &r);
    itest_require_error(rc, r, EX_ENOMOVE, "recognize after not-selected");
    ex_reply_free(r);
    ex_client_destroy(&c);
}

static void returned_nomination_is_reviewed_by_the_unit_again(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);

    nom_t n = itest_register(c, "79", "Lê Minh Khoa", NULL);
    n = itest_move(c, &n, S(FOSTERING), NULL);
    n = itest_move(c, &n, S(UNIT_REVIEWED), NULL);
    Exemplar__Reply *r = NULL;
    int rc = ex_move(c, 0, n.id, S(RETURNED), n.version, NULL, &r);
    itest_require_error(rc, r, EX_EREASON, "return without a reason");
    ex_reply_free(r);
    n = itest_move(c, &n, S(RETURNED), "bổ sung minh chứng");
    /* from returned: not straight to the ministry review */
    rc = ex_move(c, 0, n.id, S(MINISTRY_REVIEWED), n.version, NULL, &r);
    itest_require_error(rc, r, EX_ENOMOVE, "ministry review of a returned nomination");
    assert_int_equal(r->error->current_state, S(RETURNED));
    ex_reply_free(r);
    n = itest_move(c, &n, S(UNIT_REVIEWED), NULL);
    n = itest_move(c, &n, S(MINISTRY_REVIEWED), NULL);
    /* returned from the ministry review too, then all the way */
    n = itest_move(c, &n, S(RETURNED), "thiếu quyết định khen thưởng");
    n = itest_move(c, &n, S(UNIT_REVIEWED), NULL);
    n = itest_move(c, &n, S(MINISTRY_REVIEWED), NULL);
    n = itest_move(c, &n, S(RECOGNIZED), NULL);
    assert_true(n.version == 10);

    r = itest_history(c, n.id);
    assert_int_equal(r->history->n_changes, 10);
    static const char *const verbs[] = {
        "register",        "foster", "review-unit", "return",          "review-unit",
        "review-ministry", "return", "review-unit", "review-ministry", "recognize"};
    for (size_t i = 0; i < 10; i++) {
        assert_string_equal(r->history->changes[i]->verb, verbs[i]);
        assert_true(r->history->changes[i]->version == i + 1);
    }
    ex_reply_free(r);
    ex_client_destroy(&c);
}

static void moves_not_in_the_table_are_refused_and_change_nothing(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t n = itest_register(c, "01", "Phạm Quốc Bảo", NULL);
    uint64_t seq = itest_last_seq(c);

    static const Exemplar__State refused[] = {S(RECOGNIZED), S(UNIT_REVIEWED), S(MINISTRY_REVIEWED),
                                              S(RETURNED),   S(NOT_SELECTED),  S(REGISTERED)};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        Exemplar__Reply *r = NULL;
        int rc = ex_move(c, 0, n.id, refused[i], n.version, "reason", &r);
        char what[80];
        snprintf(what, sizeof(what), "move registered -> %s", ex_state_name(refused[i]));
        itest_require_error(rc, r, EX_ENOMOVE, what);
        assert_int_equal(r->error->current_state, S(REGISTERED));
        ex_reply_free(r);
    }
    nom_t g = itest_get(c, n.id);
    assert_true(g.version == 1);
    assert_int_equal(g.state, S(REGISTERED));
    assert_true(itest_last_seq(c) == seq);

    /* and a nomination that does not exist is not found, for every request */
    Exemplar__Reply *r = NULL;
    int rc = ex_get(c, n.id + 1000, &r);
    itest_require_error(rc, r, EX_ENOTFOUND, "get of an unknown id");
    ex_reply_free(r);
    rc = ex_history(c, n.id + 1000, &r);
    itest_require_error(rc, r, EX_ENOTFOUND, "history of an unknown id");
    ex_reply_free(r);
    rc = ex_move(c, 0, n.id + 1000, S(FOSTERING), 1, NULL, &r);
    itest_require_error(rc, r, EX_ENOTFOUND, "move of an unknown id");
    ex_reply_free(r);
    ex_client_destroy(&c);
}

/* ---- lists --------------------------------------------------------------- */

static int count_of(const uint64_t *ids, size_t n, uint64_t id)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += ids[i] == id;
    return k;
}

/* Requires that the listed ids are exactly `want` (each once, any order). */
static void require_same_ids(const uint64_t *got, size_t n_got, const uint64_t *want, size_t n_want,
                             const char *what)
{
    for (size_t i = 0; i < n_want; i++)
        if (count_of(got, n_got, want[i]) != 1)
            fail_msg("%s: nomination %" PRIu64 " listed %d times, expected once", what, want[i],
                     count_of(got, n_got, want[i]));
    if (n_got != n_want)
        fail_msg("%s: %zu listed, expected %zu", what, n_got, n_want);
}

static void list_filters_by_state_unit_and_campaign_with_paging(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);

    /* five nominations: units 01, 01, 01, 02, 010; campaigns default and 2023-2025 */
    nom_t n[5];
    n[0] = itest_register(c, "01", "Một", NULL);
    n[1] = itest_register(c, "01", "Hai", "2021-2025");
    n[2] = itest_register(c, "01", "Ba", "2023-2025");
    n[3] = itest_register(c, "02", "Bốn", NULL);
    n[4] = itest_register(c, "010", "Năm", NULL);
    assert_string_equal(n[2].campaign, "2023-2025");
    n[1] = itest_move(c, &n[1], S(FOSTERING), NULL);
    n[3] = itest_move(c, &n[3], S(FOSTERING), NULL);
    n[4] = itest_move(c, &n[4], S(WITHDRAWN), "rút hồ sơ");

    uint64_t got[16];
    size_t k;

    /* limit 2 over all five: every one exactly once, pages of at most 2 */
    ex_list_filter_t all = {.limit = 2};
    k = itest_list_ids(c, &all, got, 16, 10);
    uint64_t want_all[] = {n[0].id, n[1].id, n[2].id, n[3].id, n[4].id};
    require_same_ids(got, k, want_all, 5, "list all, limit 2");

    /* the default page size holds them all */
    ex_list_filter_t all_default = {0};
    k = itest_list_ids(c, &all_default, got, 16, 10);
    require_same_ids(got, k, want_all, 5, "list all, default limit");

    ex_list_filter_t by_state = {.state = S(FOSTERING), .limit = 1};
    k = itest_list_ids(c, &by_state, got, 16, 10);
    uint64_t want_fostering[] = {n[1].id, n[3].id};
    require_same_ids(got, k, want_fostering, 2, "list state=fostering, limit 1");

    ex_list_filter_t by_unit = {.unit = "01", .limit = 2};
    k = itest_list_ids(c, &by_unit, got, 16, 10);
    uint64_t want_01[] = {n[0].id, n[1].id, n[2].id};
    require_same_ids(got, k, want_01, 3, "list unit=01 (not 010), limit 2");

    ex_list_filter_t by_campaign = {.campaign = "2023-2025"};
    k = itest_list_ids(c, &by_campaign, got, 16, 10);
    uint64_t want_2325[] = {n[2].id};
    require_same_ids(got, k, want_2325, 1, "list campaign=2023-2025");

    ex_list_filter_t by_campaign2 = {.campaign = "2021-2025", .limit = 3};
    k = itest_list_ids(c, &by_campaign2, got, 16, 10);
    uint64_t want_2125[] = {n[0].id, n[1].id, n[3].id, n[4].id};
    require_same_ids(got, k, want_2125, 4, "list campaign=2021-2025, limit 3");

    ex_list_filter_t combined = {.state = S(REGISTERED), .unit = "01", .campaign = "2021-2025"};
    k = itest_list_ids(c, &combined, got, 16, 10);
    uint64_t want_combined[] = {n[0].id};
    require_same_ids(got, k, want_combined, 1, "list registered, unit 01, campaign 2021-2025");

    ex_list_filter_t nothing = {.state = S(RECOGNIZED)};
    k = itest_list_ids(c, &nothing, got, 16, 10);
    assert_int_equal(k, 0);
    ex_list_filter_t no_unit = {.unit = "99"};
    k = itest_list_ids(c, &no_unit, got, 16, 10);
    assert_int_equal(k, 0);

    /* the listed records are the nominations themselves */
    Exemplar__Reply *r = NULL;
    ex_list_filter_t one = {.unit = "02"};
    int rc = ex_list(c, &one, &r);
    itest_require_ok(rc, r, "list unit=02");
    assert_int_equal(r->list->n_nominations, 1);
    assert_true(r->list->nominations[0]->id == n[3].id);
    assert_true(r->list->nominations[0]->version == 2);
    assert_int_equal(r->list->nominations[0]->state, S(FOSTERING));
    assert_string_equal(r->list->nominations[0]->name, "Bốn");
    ex_reply_free(r);
    ex_client_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(main_path_walks_to_recognized_with_five_history_entries,
                                        harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(names_are_stored_in_nfc, harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(withdraw_needs_a_reason_and_then_is_final, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(not_selected_at_either_review_needs_a_reason, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(returned_nomination_is_reviewed_by_the_unit_again,
                                        harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(moves_not_in_the_table_are_refused_and_change_nothing,
                                        harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(list_filters_by_state_unit_and_campaign_with_paging,
                                        harness_setup, harness_teardown),
    };
    return cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL);
}
