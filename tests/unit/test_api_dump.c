/* SPDX-License-Identifier: MIT */
/*
 * The operator tools' handlers (daemon/api_dump.c) as units, on a real
 * store (fixture.h): the moves reply is the move table the daemon enforces
 * (nom.c's NOM_MOVES), as text and as one row per move with its roles,
 * window, guard and reason; and a dump request is refused by code when its
 * page is too large, when it names a dump that is not kept, and when this
 * process has no program to run the dump with (the tests never spawn one:
 * backup and export are covered end to end by the integration tests).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api_dump.h"
#include "errors.h"
#include "fixture.h"
#include "nom.h"

static int moves(fixture_t *f, const actor_t *a, fixture_reply_t *out)
{
    Exemplar__MovesRequest b = EXEMPLAR__MOVES_REQUEST__INIT;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVES;
    req.moves = &b;
    return fixture_call(f, api_dump_moves, a, &req, out);
}

static void the_moves_reply_is_the_enforced_table(void **state)
{
    fixture_t *f = *state;
    actor_t reader = fixture_actor(ROLE_READER, "reader", NULL);
    fixture_reply_t r;
    assert_int_equal(moves(f, &reader, &r), 0);
    assert_int_equal(r.reply->body_case, EXEMPLAR__REPLY__BODY_MOVES);
    const Exemplar__MovesReply *m = r.reply->moves;
    assert_false(r.wrote);

    /* the text is nom_print_moves' */
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    assert_non_null(fp);
    nom_print_moves(fp);
    assert_int_equal(fclose(fp), 0);
    assert_string_equal(m->table, text);
    free(text);

    assert_int_equal(m->n_rows, NOM_MOVES_COUNT);
    for (size_t i = 0; i < m->n_rows; i++) {
        const Exemplar__MoveRow *row = m->rows[i];
        const nom_move_t *want = &NOM_MOVES[i];
        assert_int_equal(row->from, want->from);
        assert_int_equal(row->to, want->to);
        assert_string_equal(row->verb, want->verb);
        assert_string_equal(row->window, nom_window_name(want->window));
        assert_string_equal(row->guard, nom_guard_name(want->guard));
        assert_int_equal(row->needs_reason, want->needs_reason);
        unsigned roles = 0;
        for (size_t k = 0; k < row->n_roles; k++) {
            assert_true((int)row->roles[k] > 0 && (int)row->roles[k] < ROLE_COUNT);
            if (k)
                assert_true(row->roles[k - 1] < row->roles[k]);
            roles |= ROLE_BIT(row->roles[k]);
        }
        assert_int_equal(roles, want->roles);
    }
    fixture_reply_free(&r);
}

static int dump(fixture_t *f, bool backup, uint64_t id, uint32_t max_bytes, fixture_reply_t *out)
{
    actor_t admin = fixture_actor(ROLE_ADMIN, "admin", NULL);
    Exemplar__DumpRequest b = EXEMPLAR__DUMP_REQUEST__INIT;
    b.dump_id = id;
    b.max_bytes = max_bytes;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    if (backup) {
        req.body_case = EXEMPLAR__REQUEST__BODY_BACKUP;
        req.backup = &b;
    } else {
        req.body_case = EXEMPLAR__REQUEST__BODY_EXPORT;
        req.export = &b;
    }
    return fixture_call(f, backup ? api_dump_backup : api_dump_export, &admin, &req, out);
}

static void dump_refusals_carry_their_codes(void **state)
{
    fixture_t *f = *state;
    fixture_reply_t r;
    for (int backup = 0; backup < 2; backup++) {
        assert_int_equal(dump(f, backup, 0, (8u << 20) + 1, &r), -EX_EINVALID);
        assert_int_equal(dump(f, backup, 12345, 0, &r), -EX_ENOTFOUND);
        /* no program to run the dump with (offline_dump_program) */
        assert_int_equal(dump(f, backup, 0, 0, &r), -EX_EUNAVAIL);
        assert_true(r.why[0] != '\0');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_moves_reply_is_the_enforced_table, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(dump_refusals_carry_their_codes, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
