/* SPDX-License-Identifier: MIT */
/*
 * The 1 July 2025 merger of provinces seen by the principals who act on it,
 * against the real daemon over CURVE with the built-in unit registry and
 * the rules enforced, restarted with [rules] today on each side of the day
 * (Nghị quyết 202/2025/QH15: Lào Cai (10) and Yên Bái (15) are one Tỉnh
 * Lào Cai under code 15 from 01/07/2025).
 *
 * Before the merger each province's officer acts on its own nominations
 * only.  After it, the officer of new Lào Cai moves on the nominations
 * registered under old Yên Bái (the code it took over) and under old Lào
 * Cai (10, a code that ended: successor 15), sees them in its list, while
 * an officer of another province is refused with `permission`, and old
 * Lào Cai's officer may read its old nominations but no longer move them
 * (new actions go to the successor).  The quarterly summary names each
 * unit as it was on the as-of day: two rows (Tỉnh Lào Cai 10, Tỉnh Yên
 * Bái 15) on 30 June, one row (Tỉnh Lào Cai 15) on 1 August, never two
 * rows of one name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "itest.h"

enum { TIMEOUT_MS = 10000 };

#define S(x) EXEMPLAR__STATE__STATE_##x

enum { LAOCAI_NEW, LAOCAI_OLD, HANOI, NOFFICERS };

typedef struct {
    harness_t h;
    char dir[64];
    char endpoint[64];
    ex_curve_keys_t keys[NOFFICERS];
} fixture_t;

static const char *const NAMES[NOFFICERS] = {"thu.laocai", "binh.laocai-cu", "lan.hanoi"};
static const char *const UNITS[NOFFICERS] = {"15", "10", "01"};

/* A campaign of the test's own whose windows span the merger: registration
 * before it, fostering after it. */
static const char CAMPAIGN[] = "id: merge-2025\n"
                               "title: Giai đoạn qua ngày hợp nhất tỉnh\n"
                               "periods:\n"
                               "  - id: 2025-2026\n"
                               "    years: [2025, 2026]\n"
                               "    windows:\n"
                               "      registration: [2025-05-01, 2025-06-30]\n"
                               "      fostering: [2025-07-01, 2026-06-30]\n"
                               "milestones:\n"
                               "  - name: Đăng ký\n"
                               "    from: 2025-05-01\n"
                               "    to: 2025-06-30\n";

static int write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int bad = fchmod(fileno(f), mode) < 0 || fputs(text, f) < 0;
    return fclose(f) != 0 || bad ? -1 : 0;
}

static void conf_on(const fixture_t *fx, const char *today, char *conf, size_t len)
{
    snprintf(conf, len,
             "[rules]\nenforce = yes\nlanguage = en\ntoday = %s\ncampaign_dir = %s/campaigns\n"
             "[auth]\nendpoint = %s\nsecret_key_file = %s/server.key\nkeys_file = %s/keys\n",
             today, fx->dir, fx->endpoint, fx->dir, fx->dir);
}

static void restart_on(fixture_t *fx, const char *today)
{
    char conf[1024];
    conf_on(fx, today, conf, sizeof(conf));
    assert_int_equal(harness_stop(&fx->h), 0);
    assert_int_equal(write_file(fx->h.conf_path, conf, 0644), 0);
    assert_int_equal(harness_restart(&fx->h), 0);
}

static ex_client_t *officer(const fixture_t *fx, int who)
{
    ex_client_opts_t o = {
        .endpoint = fx->endpoint, .timeout_ms = TIMEOUT_MS, .retries = -1, .curve = &fx->keys[who]};
    ex_client_t *c = ex_client_new(&o);
    assert_non_null(c);
    return c;
}

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof(*fx));
    char path[128], text[2048], server_public[41], server_secret[41];
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/exsucc.XXXXXX");
    if (!mkdtemp(fx->dir) || zmq_curve_keypair(server_public, server_secret) != 0)
        goto fail;
    snprintf(path, sizeof(path), "%s/server.key", fx->dir);
    snprintf(text, sizeof(text), "%s\n", server_secret);
    if (write_file(path, text, 0600) < 0)
        goto fail;
    size_t used = (size_t)snprintf(text, sizeof(text), "# NAME ROLE UNIT PUBLIC-KEY\n");
    for (int i = 0; i < NOFFICERS; i++) {
        if (zmq_curve_keypair(fx->keys[i].public_, fx->keys[i].secret) != 0)
            goto fail;
        memcpy(fx->keys[i].server, server_public, 41);
        used += (size_t)snprintf(text + used, sizeof(text) - used, "%s unit-officer %s %s\n",
                                 NAMES[i], UNITS[i], fx->keys[i].public_);
    }
    snprintf(path, sizeof(path), "%s/keys", fx->dir);
    if (write_file(path, text, 0640) < 0)
        goto fail;
    snprintf(path, sizeof(path), "%s/campaigns", fx->dir);
    if (mkdir(path, 0755) < 0)
        goto fail;
    snprintf(path, sizeof(path), "%s/campaigns/merge-2025.yaml", fx->dir);
    if (write_file(path, CAMPAIGN, 0644) < 0)
        goto fail;
    snprintf(fx->endpoint, sizeof(fx->endpoint), "tcp://127.0.0.1:%d", itest_free_port());
    char conf[1024];
    conf_on(fx, "2025-06-02", conf, sizeof(conf));
    if (harness_start_conf(&fx->h, conf, NULL) < 0)
        goto fail;
    *state = fx;
    return 0;
fail:
    free(fx);
    return -1;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    int rc = fx->h.pid ? harness_stop(&fx->h) : 0;
    harness_cleanup(&fx->h, rc < 0);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
    if (!getenv("EXEMPLAR_TEST_KEEP") && system(cmd) != 0)
        rc = -1;
    free(fx);
    return rc;
}

static nom_t reg(ex_client_t *c, const char *unit, const char *name, const char *subject)
{
    Exemplar__RegisterRequest b = EXEMPLAR__REGISTER_REQUEST__INIT;
    b.unit = (char *)unit;
    b.kind = EXEMPLAR__KIND__KIND_INDIVIDUAL;
    b.name = (char *)name;
    b.campaign = "merge-2025";
    b.subject = (char *)subject;
    b.period = "2025-2026";
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &b;
    Exemplar__Reply *r = NULL;
    int rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "register");
    nom_t n = itest_nom_of(r->nomination);
    ex_reply_free(r);
    return n;
}

/* A refused move: the error's code, and its sentence holds `says`. */
static void move_refused(ex_client_t *c, const nom_t *n, int code, const char *says,
                         const char *what)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_move(c, 0, n->id, S(FOSTERING), n->version, NULL, &r);
    itest_require_error(rc, r, code, what);
    if (says && !strstr(r->error->message, says))
        fail_msg("%s: the refusal does not say \"%s\": %s", what, says, r->error->message);
    ex_reply_free(r);
}

static int get_code(ex_client_t *c, uint64_t id)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_get(c, id, &r);
    assert_int_equal(rc, 0);
    int code = r->error ? (int)r->error->code : 0;
    ex_reply_free(r);
    return code;
}

/* The summary's rows on as_of: each (name, kind, state) once; fills the
 * count of `name` at fostering and registered. */
typedef struct {
    uint64_t registered, fostering;
    char unit[17];
} row_sum_t;

static void summary_rows(ex_client_t *c, const char *quarter, const char *as_of, const char *name,
                         row_sum_t *out, int *names_seen)
{
    Exemplar__SummaryRequest b = EXEMPLAR__SUMMARY_REQUEST__INIT;
    b.quarter = (char *)quarter;
    b.as_of = (char *)as_of;
    b.campaign = "merge-2025";
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_SUMMARY;
    req.summary = &b;
    Exemplar__Reply *r = NULL;
    int rc = ex_client_call(c, &req, &r);
    itest_require_ok(rc, r, "summary");
    const Exemplar__Summary *s = r->summary->summary;
    memset(out, 0, sizeof(*out));
    *names_seen = 0;
    for (size_t i = 0; i < s->n_rows; i++) {
        const Exemplar__SummaryRow *a = s->rows[i];
        for (size_t j = 0; j < i; j++) {
            const Exemplar__SummaryRow *b2 = s->rows[j];
            if (strcmp(a->unit_name, b2->unit_name) == 0 && a->kind == b2->kind &&
                a->state == b2->state)
                fail_msg("summary %s as of %s: two rows of %s in one state", quarter, as_of,
                         a->unit_name);
            if (strcmp(a->unit_name, b2->unit_name) == 0 && strcmp(a->unit, b2->unit) != 0)
                fail_msg("summary %s as of %s: %s names units %s and %s", quarter, as_of,
                         a->unit_name, a->unit, b2->unit);
        }
        if (strcmp(a->unit_name, name) != 0)
            continue;
        (*names_seen)++;
        snprintf(out->unit, sizeof(out->unit), "%s", a->unit);
        if (a->state == S(REGISTERED))
            out->registered += a->count;
        if (a->state == S(FOSTERING))
            out->fostering += a->count;
    }
    ex_reply_free(r);
}

static void successor_officer_moves_on_absorbed_units_nominations(void **state)
{
    fixture_t *fx = *state;
    ex_client_t *admin = harness_client(&fx->h, TIMEOUT_MS);
    /* June 2025: the two provinces register, each through its officer. */
    ex_client_t *lc = officer(fx, LAOCAI_NEW), *lc_old = officer(fx, LAOCAI_OLD),
                *hn = officer(fx, HANOI);
    nom_t yb = reg(lc, "15", "Hoàng Thị Yên", "15:HTY");     /* Yên Bái's officer (15) */
    nom_t old = reg(lc_old, "10", "Lý Văn Cường", "10:LVC"); /* old Lào Cai's (10) */
    assert_int_equal(get_code(lc, old.id), EX_EPERM);        /* 15 is not 10's successor yet */
    assert_int_equal(get_code(lc_old, old.id), 0);

    row_sum_t sum;
    int seen;
    summary_rows(admin, "2025Q2", "2025-06-30", "Tỉnh Lào Cai", &sum, &seen);
    assert_int_equal(seen, 1);
    assert_string_equal(sum.unit, "10");
    assert_int_equal(sum.registered, 1);
    summary_rows(admin, "2025Q2", "2025-06-30", "Tỉnh Yên Bái", &sum, &seen);
    assert_int_equal(seen, 1);
    assert_string_equal(sum.unit, "15");
    /* before the merger, Yên Bái's officer sees Yên Bái only */
    summary_rows(lc, "2025Q2", "2025-06-30", "Tỉnh Lào Cai", &sum, &seen);
    assert_int_equal(seen, 0);
    ex_client_destroy(&lc);
    ex_client_destroy(&lc_old);
    ex_client_destroy(&hn);
    ex_client_destroy(&admin);

    /* August 2025: one Tỉnh Lào Cai (15). */
    restart_on(fx, "2025-08-01");
    admin = harness_client(&fx->h, TIMEOUT_MS);
    lc = officer(fx, LAOCAI_NEW);
    lc_old = officer(fx, LAOCAI_OLD);
    hn = officer(fx, HANOI);
    move_refused(hn, &yb, EX_EPERM, "lan.hanoi acts for unit 01",
                 "Hà Nội's officer on old Yên Bái");
    move_refused(hn, &old, EX_EPERM, "lan.hanoi acts for unit 01",
                 "Hà Nội's officer on old Lào Cai");
    assert_int_equal(get_code(hn, old.id), EX_EPERM);
    /* old Lào Cai's officer keeps reading its nominations, but new actions
     * go to the successor, and the refusal says which */
    assert_int_equal(get_code(lc_old, old.id), 0);
    move_refused(lc_old, &old, EX_EPERM,
                 "unit 10 ended on 30 June 2025 and unit 15 carries its work on",
                 "old Lào Cai's officer after the merger");

    /* The successor's officer lists both and moves both on. */
    uint64_t ids[8];
    ex_list_filter_t f = {.campaign = "merge-2025"};
    assert_int_equal(itest_list_ids(lc, &f, ids, 8, 4), 2);
    assert_int_equal(itest_list_ids(hn, &f, ids, 8, 4), 0);
    f.unit = "10";
    assert_int_equal(itest_list_ids(lc, &f, ids, 8, 4), 1);
    yb = itest_move(lc, &yb, S(FOSTERING), NULL);
    old = itest_move(lc, &old, S(FOSTERING), NULL);
    assert_int_equal(old.state, S(FOSTERING));

    /* The history keeps the unit's name as of the registration day. */
    Exemplar__Reply *r = NULL;
    assert_int_equal(ex_get(lc, old.id, &r), 0);
    assert_null(r->error);
    assert_string_equal(r->nomination->unit, "10");
    ex_reply_free(r);

    /* One row for one name: both nominations under Tỉnh Lào Cai (15). */
    summary_rows(admin, "2025Q3", "2025-08-01", "Tỉnh Lào Cai", &sum, &seen);
    assert_int_equal(seen, 1);
    assert_string_equal(sum.unit, "15");
    assert_int_equal(sum.fostering, 2);
    summary_rows(admin, "2025Q3", "2025-08-01", "Tỉnh Yên Bái", &sum, &seen);
    assert_int_equal(seen, 0);
    /* The officer's own summary holds the units its unit carries on. */
    summary_rows(lc, "2025Q3", "2025-08-01", "Tỉnh Lào Cai", &sum, &seen);
    assert_int_equal(seen, 1);
    assert_int_equal(sum.fostering, 2);
    summary_rows(hn, "2025Q3", "2025-08-01", "Tỉnh Lào Cai", &sum, &seen);
    assert_int_equal(seen, 0);
    /* and the quarter before still reads as it was */
    summary_rows(admin, "2025Q2", "2025-06-30", "Tỉnh Yên Bái", &sum, &seen);
    assert_int_equal(seen, 1);
    assert_int_equal(sum.registered, 1);

    ex_client_destroy(&lc);
    ex_client_destroy(&lc_old);
    ex_client_destroy(&hn);
    ex_client_destroy(&admin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(successor_officer_moves_on_absorbed_units_nominations,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
