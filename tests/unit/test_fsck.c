/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the store's consistency checks (daemon/fsck.c) on a real
 * store written through the one write path (nomwrite.c): a store as the
 * daemon writes it has no problem, and the counts say what it holds (a
 * state left behind is a stale by_state entry, allowed); then one fault at
 * a time: a missing by_unit or live by_state entry is an index problem (a
 * rebuild fixes it), a change missing from the log is a problem of the
 * history and the log (a rebuild does not), each with a sentence that
 * names the nomination or the sequence; the first `want` sentences are
 * kept, every problem counted.
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

#include "blobs.h"
#include "dossier.h"
#include "decisions.h"
#include "errors.h"
#include "fsck.h"
#include "key.h"
#include "nomwrite.h"
#include "records.h"
#include "store.h"
#include "fixture.h"

typedef struct {
    fixture_t fx; /* the store, and the counters the nominations are written with */
    uint64_t ids[3];
} test_t;

static Exemplar__Actor ACTOR = {PROTOBUF_C_MESSAGE_INIT(&exemplar__actor__descriptor), "officer-01",
                                EXEMPLAR__ROLE__ROLE_UNIT_OFFICER, "01"};

/* Three nominations of unit 01; the first moved on to fostering. */
static int setup(void **state)
{
    test_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    fixture_open(&f->fx);
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    nomwrite_batch_t b;
    nomwrite_batch_init(&b, &t, NULL, &f->fx.counters);
    for (int i = 0; i < 3; i++) {
        Exemplar__Nomination n;
        exemplar__nomination__init(&n);
        n.version = 1;
        n.state = EXEMPLAR__STATE__STATE_REGISTERED;
        n.kind = EXEMPLAR__KIND__KIND_COLLECTIVE;
        n.unit = "01";
        n.campaign = "2021-2025";
        n.name = "Phòng Tài nguyên";
        nomwrite_change_t c = {.from = EXEMPLAR__STATE__STATE_NONE,
                               .verb = "register",
                               .actor = &ACTOR,
                               .at_ms = 1000,
                               .day = 1};
        assert_int_equal(nomwrite_transition(&b, &n, &c), 0);
        f->ids[i] = n.id;
    }
    Exemplar__Nomination *n = NULL;
    assert_int_equal(records_get_nomination(&t, f->ids[0], &n), 0);
    n->state = EXEMPLAR__STATE__STATE_FOSTERING;
    n->version++;
    nomwrite_change_t c = {.from = EXEMPLAR__STATE__STATE_REGISTERED,
                           .verb = "foster",
                           .actor = &ACTOR,
                           .at_ms = 2000,
                           .day = 2};
    assert_int_equal(nomwrite_transition(&b, n, &c), 0);
    exemplar__nomination__free_unpacked(n, NULL);
    assert_int_equal(store_txn_commit(&t), 0);
    nomwrite_batch_apply(&b);
    *state = f;
    return 0;
}

/* Runs the check on what the store holds now: the counts, with *index the
 * index problems and the kept sentences copied into text, one a line. */
static Exemplar__FsckReply check(test_t *f, size_t want, uint64_t *index, char *text, size_t len)
{
    Exemplar__FsckReply out = EXEMPLAR__FSCK_REPLY__INIT;
    store_txn_t t;
    fsck_t k;
    assert_int_equal(store_txn_begin(f->fx.store, false, &t), 0);
    assert_int_equal(fsck_init(&k, &t, f->fx.counters.next_id - 1, want, &out), 0);
    assert_int_equal(fsck_run(&k), 0);
    *index = k.index_problems;
    text[0] = 0;
    assert_true(k.kept <= want);
    for (size_t i = 0; i < k.kept; i++)
        snprintf(text + strlen(text), len - strlen(text), "%s\n", k.sentences[i]);
    out.problems = k.problems;
    fsck_deinit(&k);
    store_txn_abort(&t);
    return out;
}

static void delete (test_t *f, store_db_t db, const uint8_t *key, size_t klen)
{
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    store_del(&t, db, key, klen);
    assert_int_equal(store_txn_commit(&t), 0);
}

static void a_store_as_written_has_no_problem(void **state)
{
    test_t *f = *state;
    uint64_t index = 9;
    char text[2048];
    Exemplar__FsckReply r = check(f, 10, &index, text, sizeof(text));
    if (r.problems)
        fail_msg("problems in a clean store:\n%s", text);
    assert_int_equal(index, 0);
    assert_int_equal(r.nominations, 3);
    assert_int_equal(r.changes, 4);
    assert_int_equal(r.last_seq, 4);
    assert_int_equal(r.by_unit_entries, 3);
    assert_int_equal(r.by_state_entries, 4);
    assert_int_equal(r.by_state_stale, 1); /* the first one's registered entry */
}

static void missing_index_entries_are_index_problems(void **state)
{
    test_t *f = *state;
    uint8_t key[KEY_MAX];
    delete (f, DB_BY_UNIT, key, key_by_unit(key, "01", f->ids[1]));
    /* the third nomination's live entry: registered, seq 3 */
    delete (f, DB_BY_STATE, key,
            key_by_state(key, EXEMPLAR__STATE__STATE_REGISTERED, "2021-2025", 3));
    uint64_t index = 0;
    char text[2048], id[32];
    Exemplar__FsckReply r = check(f, 10, &index, text, sizeof(text));
    assert_int_equal(r.problems, 2);
    assert_int_equal(index, 2);
    snprintf(id, sizeof(id), "%llu", (unsigned long long)f->ids[1]);
    if (!strstr(text, id))
        fail_msg("no sentence names nomination %s:\n%s", id, text);
    snprintf(id, sizeof(id), "%llu", (unsigned long long)f->ids[2]);
    if (!strstr(text, id))
        fail_msg("no sentence names nomination %s:\n%s", id, text);

    /* want = 1: every problem counted, one sentence kept */
    r = check(f, 1, &index, text, sizeof(text));
    assert_int_equal(r.problems, 2);
    assert_non_null(strchr(text, '\n'));
    assert_null(strchr(strchr(text, '\n') + 1, '\n'));
}

static void a_change_missing_from_the_log_is_not_an_index_problem(void **state)
{
    test_t *f = *state;
    uint8_t key[8];
    key_put_u64(key, 2); /* the second registration */
    delete (f, DB_CHANGES, key, sizeof(key));
    uint64_t index = 0;
    char text[2048];
    Exemplar__FsckReply r = check(f, 10, &index, text, sizeof(text));
    assert_true(r.problems >= 1);
    assert_true(r.problems > index); /* a rebuild of the indexes cannot fix it */
    assert_int_equal(r.changes, 3);
    if (!strstr(text, "change 2 is missing"))
        fail_msg("no sentence names the missing sequence:\n%s", text);
}

/* A dossier file whose blob is damaged, and one whose blob is gone: two
 * problems, neither an index one, each naming what is wrong. */
static void damaged_and_missing_blobs_are_problems(void **state)
{
    test_t *f = *state;
    store_txn_t t;
    uint8_t sha[2][BLOBS_SHA_LEN];
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    assert_int_equal(blobs_put(&t, "%PDF-1.4 one", 12, sha[0]), 0);
    assert_int_equal(blobs_put(&t, "%PDF-1.4 two", 12, sha[1]), 0);
    Exemplar__Attachment a[2] = {EXEMPLAR__ATTACHMENT__INIT, EXEMPLAR__ATTACHMENT__INIT};
    Exemplar__Attachment *list[] = {&a[0], &a[1]};
    for (int i = 0; i < 2; i++) {
        a[i].part = "report";
        a[i].filename = "bao-cao.pdf";
        a[i].media_type = "application/pdf";
        a[i].size = 12;
        a[i].sha256.data = sha[i];
        a[i].sha256.len = BLOBS_SHA_LEN;
        a[i].version = (uint32_t)i + 1;
    }
    Exemplar__Dossier d = EXEMPLAR__DOSSIER__INIT;
    d.nomination_id = f->ids[0];
    d.attachments = list;
    d.n_attachments = 2;
    dossier_put(&t, &d);
    assert_int_equal(store_txn_commit(&t), 0);

    uint64_t index = 9;
    char text[2048];
    Exemplar__FsckReply r = check(f, 10, &index, text, sizeof(text));
    if (r.problems)
        fail_msg("problems in a clean store with a dossier:\n%s", text);

    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    store_put(&t, DB_BLOBS, sha[0], BLOBS_SHA_LEN, "%PDF-1.4 0ne", 12); /* a flipped byte */
    store_del(&t, DB_BLOBS, sha[1], BLOBS_SHA_LEN);
    assert_int_equal(store_txn_commit(&t), 0);
    r = check(f, 10, &index, text, sizeof(text));
    assert_int_equal(r.problems, 2);
    assert_int_equal(index, 0);
    char hex[BLOBS_HEX_LEN];
    blobs_hex(sha[0], hex);
    if (!strstr(text, hex) || !strstr(text, "version 2 has no blob"))
        fail_msg("fsck does not name the damaged and the missing blob:\n%s", text);
}

/* An issued decision is checked: its file stored under its hash, its
 * listed nominations and its meeting existing; each fault is a sentence
 * naming the decision. */
static void an_issued_decision_missing_its_file_or_nomination_is_a_problem(void **state)
{
    test_t *f = *state;
    static const char pdf[] = "%PDF-1.4 a decision";
    uint8_t sha[BLOBS_SHA_LEN];
    char hex[BLOBS_HEX_LEN];
    Exemplar__Meeting m = EXEMPLAR__MEETING__INIT;
    m.id = 1;
    uint8_t mk[8];
    key_put_u64(mk, 1);
    uint64_t listed[2] = {f->ids[0], 999};
    Exemplar__RecognitionDecision d = EXEMPLAR__RECOGNITION_DECISION__INIT;
    d.number = "1234/QĐ-BTNMT";
    d.date = "2025-06-02";
    d.meeting_id = 1;
    d.nominations = listed;
    d.n_nominations = 1;
    d.file_size = sizeof(pdf) - 1;
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    records_put_message(&t, DB_MEETINGS, mk, sizeof(mk), &m.base);
    assert_int_equal(blobs_put(&t, pdf, sizeof(pdf) - 1, sha), 0);
    blobs_hex(sha, hex);
    d.file_sha256 = hex;
    decisions_put(&t, &d);
    assert_int_equal(store_txn_commit(&t), 0);
    uint64_t index = 0;
    char text[2048];
    Exemplar__FsckReply r = check(f, 10, &index, text, sizeof(text));
    if (r.problems)
        fail_msg("problems with a consistent decision:\n%s", text);
    /* a listed nomination that does not exist, and the file gone */
    d.n_nominations = 2;
    assert_int_equal(store_txn_begin(f->fx.store, true, &t), 0);
    decisions_put(&t, &d);
    assert_int_equal(store_txn_commit(&t), 0);
    delete (f, DB_BLOBS, sha, sizeof(sha));
    r = check(f, 10, &index, text, sizeof(text));
    assert_int_equal(r.problems, 2);
    assert_non_null(strstr(text, "decision 1234/QĐ-BTNMT lists nomination 999"));
    assert_non_null(strstr(text, "is not stored"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_store_as_written_has_no_problem, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            an_issued_decision_missing_its_file_or_nomination_is_a_problem, setup,
            fixture_teardown),
        cmocka_unit_test_setup_teardown(missing_index_entries_are_index_problems, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(a_change_missing_from_the_log_is_not_an_index_problem,
                                        setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(damaged_and_missing_blobs_are_problems, setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
