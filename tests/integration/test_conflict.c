/* SPDX-License-Identifier: MIT */
/*
 * Stale versions (guarantee 3): a move naming a version other than the
 * current one is refused as a conflict that carries the current version and
 * state, and nothing changes: not the nomination, not its history, not the
 * change log.  Two clients racing from the same version: exactly one wins.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

enum { TIMEOUT_MS = 10000 };

#define S(x) EXEMPLAR__STATE__STATE_##x

/* Does text contain the number n as a whole token ("version 3", "3:")? */
static bool names_number(const char *text, uint64_t n)
{
    for (const char *p = text; *p;) {
        if (*p < '0' || *p > '9') {
            p++;
            continue;
        }
        char *end;
        unsigned long long v = strtoull(p, &end, 10);
        if (v == n)
            return true;
        p = end;
    }
    return false;
}

static void stale_version_is_refused_with_the_current_one(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t n = itest_register(c, "01", "Đặng Thuỳ Linh", NULL);
    n = itest_move(c, &n, S(FOSTERING), NULL);
    n = itest_move(c, &n, S(UNIT_REVIEWED), NULL);
    assert_true(n.version == 3);
    uint64_t seq = itest_last_seq(c);

    const uint64_t stale[] = {1, 2, 4, 1000};
    for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
        Exemplar__Reply *r = NULL;
        int rc = ex_move(c, 0, n.id, S(MINISTRY_REVIEWED), stale[i], NULL, &r);
        char what[80];
        snprintf(what, sizeof(what), "move with expected version %" PRIu64 " (current 3)",
                 stale[i]);
        itest_require_error(rc, r, EX_ECONFLICT, what);
        if (r->error->current_version != 3)
            fail_msg("%s: error.current_version is %" PRIu64 ", expected 3", what,
                     r->error->current_version);
        assert_int_equal(r->error->current_state, S(UNIT_REVIEWED));
        /* the sentence a person reads names the current version */
        if (!names_number(r->error->message, 3))
            fail_msg("%s: the message \"%s\" does not name version 3", what, r->error->message);
        ex_reply_free(r);
    }

    /* nothing changed */
    nom_t g = itest_get(c, n.id);
    assert_true(g.version == 3);
    assert_int_equal(g.state, S(UNIT_REVIEWED));
    assert_true(g.last_seq == n.last_seq);
    Exemplar__Reply *r = itest_history(c, n.id);
    assert_int_equal(r->history->n_changes, 3);
    ex_reply_free(r);
    assert_true(itest_last_seq(c) == seq);

    /* the current version then works */
    n = itest_move(c, &n, S(MINISTRY_REVIEWED), NULL);
    assert_true(n.version == 4);
    ex_client_destroy(&c);
}

static void conflict_is_reported_before_the_move_is_judged(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    nom_t n = itest_register(c, "02", "Lý Gia Huy", NULL);
    n = itest_move(c, &n, S(FOSTERING), NULL);

    /* a stale version with a move that would also be refused for other
     * reasons: the client must re-read first, so the conflict is what it
     * hears about */
    Exemplar__Reply *r = NULL;
    int rc = ex_move(c, 0, n.id, S(RECOGNIZED), 1, NULL, &r);
    itest_require_error(rc, r, EX_ECONFLICT, "stale version and no such move");
    assert_true(r->error->current_version == 2);
    ex_reply_free(r);
    rc = ex_move(c, 0, n.id, S(WITHDRAWN), 1, NULL, &r);
    itest_require_error(rc, r, EX_ECONFLICT, "stale version and no reason");
    ex_reply_free(r);
    ex_client_destroy(&c);
}

static void two_clients_from_one_version_exactly_one_wins(void **state)
{
    harness_t *h = *state;
    ex_client_t *a = harness_client(h, TIMEOUT_MS);
    ex_client_t *b = harness_client(h, TIMEOUT_MS);
    assert_non_null(a);
    assert_non_null(b);
    nom_t n = itest_register(a, "79", "Trịnh Công Sơn", NULL);

    /* both read version 1; a fosters, b withdraws */
    nom_t won = itest_move(a, &n, S(FOSTERING), NULL);
    Exemplar__Reply *r = NULL;
    int rc = ex_move(b, 0, n.id, S(WITHDRAWN), 1, "rút", &r);
    itest_require_error(rc, r, EX_ECONFLICT, "the second writer from version 1");
    assert_true(r->error->current_version == 2);
    assert_int_equal(r->error->current_state, S(FOSTERING));
    ex_reply_free(r);

    nom_t g = itest_get(b, n.id);
    assert_true(g.version == won.version);
    assert_int_equal(g.state, S(FOSTERING));
    ex_client_destroy(&a);
    ex_client_destroy(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(stale_version_is_refused_with_the_current_one,
                                        harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(conflict_is_reported_before_the_move_is_judged,
                                        harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(two_clients_from_one_version_exactly_one_wins,
                                        harness_setup, harness_teardown),
    };
    return cmocka_run_group_tests_name("conflict", tests, NULL, NULL);
}
