/* SPDX-License-Identifier: MIT */
/*
 * Who may do what, against the real daemon over CURVE on tcp://127.0.0.1:
 * one principal per role (two unit officers of different units) with its own
 * key pair in the daemon's keys file.  The whole role x move matrix (every
 * row of NOM_MOVES, allowed or refused exactly as its roles column and the
 * unit scope say), scoped reads (get, history, list, changes), the audit
 * list of every refused change, an unknown key getting no answer, a wrong
 * server key logged with a rate limit, the CURVE change feed refusing unit
 * officers, and keys reloaded on SIGHUP without a restart.  Nominations are prepared by the
 * administrator over ipc://.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "itest.h"
#include "nom.h"

enum { TIMEOUT_MS = 10000, NO_ANSWER_MS = 600 };

#define S(x) EXEMPLAR__STATE__STATE_##x

typedef struct {
    const char *name;
    role_t role;
    const char *unit; /* "-" for roles without one */
    ex_curve_keys_t keys;
    ex_client_t *client;
} principal_t;

enum { UO01, UO02, REVIEWER, APPROVER, PUBLISHER, READER, ADMIN, NPRINCIPALS };

typedef struct {
    harness_t h;
    char dir[64]; /* keys, configuration */
    char conf[96], keys_path[96];
    char endpoint[64];
    char events[64]; /* the change feed, CURVE too */
    char server_public[41];
    principal_t p[NPRINCIPALS];
    ex_client_t *local; /* the administrator over ipc:// */
} fixture_t;

static const principal_t PRINCIPALS[NPRINCIPALS] = {
    [UO01] = {"lan.hanoi", ROLE_UNIT_OFFICER, "01"},
    [UO02] = {"hung.haiphong", ROLE_UNIT_OFFICER, "02"},
    [REVIEWER] = {"minh.bo", ROLE_MINISTRY_REVIEWER, "-"},
    [APPROVER] = {"thu.truong", ROLE_APPROVER, "-"},
    [PUBLISHER] = {"hr-system", ROLE_PUBLISHER, "-"},
    [READER] = {"thanh.tra", ROLE_READER, "-"},
    [ADMIN] = {"quan.tri", ROLE_ADMIN, "-"},
};

/* ---- set-up ------------------------------------------------------------- */

/* A port that was free a moment ago (the daemon binds it right after). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        perror("free_port");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

/* Mode 0640 whatever the umask: the daemon refuses a keys file others may
 * write. */
static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fchmod(fileno(f), 0640) < 0 || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

/* Writes the keys file with the principals whose bit is set in `which`. */
static int write_keys(const fixture_t *fx, unsigned which, const principal_t *extra)
{
    char text[4096] = "# NAME ROLE UNIT PUBLIC-KEY\n";
    size_t used = strlen(text);
    for (int i = 0; i < NPRINCIPALS + 1; i++) {
        const principal_t *p = i < NPRINCIPALS ? &fx->p[i] : extra;
        if (!p || (i < NPRINCIPALS && !(which & (1u << i))))
            continue;
        used += (size_t)snprintf(text + used, sizeof(text) - used, "%s %s %s %s\n", p->name,
                                 ex_role_name((Exemplar__Role)p->role), p->unit, p->keys.public_);
    }
    char tmp[128];
    snprintf(tmp, sizeof(tmp), "%s.new", fx->keys_path);
    /* rename: the daemon never reads a half-written file */
    return write_file(tmp, text) < 0 || rename(tmp, fx->keys_path) < 0 ? -1 : 0;
}

static void new_keys(const char *server_public, ex_curve_keys_t *k)
{
    memset(k, 0, sizeof(*k));
    assert_int_equal(zmq_curve_keypair(k->public_, k->secret), 0);
    memcpy(k->server, server_public, 41);
}

static ex_client_t *curve_client(const fixture_t *fx, const ex_curve_keys_t *k, int timeout_ms)
{
    ex_client_opts_t o = {.endpoint = fx->endpoint,
                          .timeout_ms = timeout_ms,
                          .retries = -1,
                          .curve = k,
                          .language = "en"};
    ex_client_t *c = ex_client_new(&o);
    assert_non_null(c);
    return c;
}

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof(*fx));
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/exa.XXXXXX");
    if (!mkdtemp(fx->dir))
        goto fail;
    snprintf(fx->conf, sizeof(fx->conf), "%s/exemplard.conf", fx->dir);
    snprintf(fx->keys_path, sizeof(fx->keys_path), "%s/keys", fx->dir);
    char server_secret[41], path[128], text[1024];
    if (zmq_curve_keypair(fx->server_public, server_secret) != 0)
        goto fail;
    snprintf(path, sizeof(path), "%s/server.key", fx->dir);
    snprintf(text, sizeof(text), "# the daemon's secret key\n%s\n", server_secret);
    if (write_file(path, text) < 0 || chmod(path, 0600) < 0)
        goto fail;
    for (int i = 0; i < NPRINCIPALS; i++) {
        fx->p[i] = PRINCIPALS[i];
        new_keys(fx->server_public, &fx->p[i].keys);
    }
    if (write_keys(fx, ~0u, NULL) < 0)
        goto fail;
    int port = free_port();
    if (port < 0)
        goto fail;
    snprintf(fx->endpoint, sizeof(fx->endpoint), "tcp://127.0.0.1:%d", port);
    int events_port = free_port();
    if (events_port < 0 || events_port == port)
        goto fail;
    snprintf(fx->events, sizeof(fx->events), "tcp://127.0.0.1:%d", events_port);
    snprintf(text, sizeof(text),
             /* The role matrix is about roles: the plan's windows and criteria are
              * tested in test_rules_plan.c. */
             "[rules]\nenforce = no\n"
             "[api]\nevents_endpoint = %s\n"
             "[auth]\nendpoint = %s\nsecret_key_file = %s/server.key\nkeys_file = %s\n",
             fx->events, fx->endpoint, fx->dir, fx->keys_path);
    if (write_file(fx->conf, text) < 0)
        goto fail;
    const char *extra[] = {"-c", fx->conf, NULL};
    if (harness_start(&fx->h, extra) < 0)
        goto fail;
    fx->local = harness_client(&fx->h, TIMEOUT_MS);
    for (int i = 0; i < NPRINCIPALS; i++)
        fx->p[i].client = curve_client(fx, &fx->p[i].keys, TIMEOUT_MS);
    *state = fx;
    return 0;
fail:
    free(fx);
    return -1;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    if (!fx)
        return 0;
    for (int i = 0; i < NPRINCIPALS; i++)
        ex_client_destroy(&fx->p[i].client);
    ex_client_destroy(&fx->local);
    int rc = fx->h.pid ? harness_stop(&fx->h) : 0;
    harness_cleanup(&fx->h, rc < 0);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
    if (!getenv("EXEMPLAR_TEST_KEEP") && system(cmd) != 0)
        rc = -1;
    free(fx);
    return rc;
}

/* ---- helpers ------------------------------------------------------------ */

/* The moves from registered to `to` (breadth first over NOM_MOVES). */
static size_t path_to(nom_state_t to, const nom_move_t **path, size_t max)
{
    const nom_move_t *via[NOM_STATE_COUNT] = {0};
    bool seen[NOM_STATE_COUNT] = {[NOM_REGISTERED] = true};
    nom_state_t queue[NOM_STATE_COUNT] = {NOM_REGISTERED};
    size_t head = 0, tail = 1;
    while (head < tail) {
        nom_state_t s = queue[head++];
        for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
            const nom_move_t *m = &NOM_MOVES[i];
            if (m->from == s && !seen[m->to]) {
                seen[m->to] = true;
                via[m->to] = m;
                queue[tail++] = m->to;
            }
        }
    }
    assert_true(seen[to]);
    size_t n = 0;
    for (nom_state_t s = to; s != NOM_REGISTERED; s = via[s]->from)
        n++;
    assert_true(n <= max);
    size_t i = n;
    for (nom_state_t s = to; s != NOM_REGISTERED; s = via[s]->from)
        path[--i] = via[s];
    return n;
}

/* A nomination of `unit` in state `s`, made by the administrator. */
static nom_t prepare(fixture_t *fx, const char *unit, nom_state_t s)
{
    nom_t n = itest_register(fx->local, unit, "Tập thể Phòng Kế hoạch", NULL);
    const nom_move_t *path[8];
    size_t len = path_to(s, path, 8);
    for (size_t i = 0; i < len; i++)
        n = itest_move(fx->local, &n, (Exemplar__State)path[i]->to,
                       path[i]->needs_reason ? "chuẩn bị kiểm thử" : NULL);
    return n;
}

static bool may(const principal_t *p, const nom_move_t *m, const char *unit)
{
    if (p->role == ROLE_ADMIN)
        return true;
    if (!(m->roles & ROLE_BIT(p->role)))
        return false;
    return p->role != ROLE_UNIT_OFFICER || strcmp(p->unit, unit) == 0;
}

/* The refusal's message names the missing role or the unit scope. */
static void require_permission(int rc, const Exemplar__Reply *r, const principal_t *p,
                               const char *what)
{
    itest_require_error(rc, r, EX_EPERM, what);
    const char *msg = r->error->message;
    if (!strstr(msg, p->name) ||
        !(strstr(msg, "needs the role") || (strstr(msg, "acts for unit") && strstr(msg, p->unit))))
        fail_msg("%s: the refusal does not name the missing role or scope: %s", what, msg);
}

static uint64_t audit_last(fixture_t *fx)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_audit(fx->local, 0, 1, &r);
    itest_require_ok(rc, r, "audit");
    uint64_t last = r->audit->last_seq;
    ex_reply_free(r);
    return last;
}

/* ---- the matrix --------------------------------------------------------- */

static void every_role_makes_exactly_the_moves_of_its_rows(void **state)
{
    fixture_t *fx = *state;
    uint64_t audit_before = audit_last(fx);
    unsigned allowed = 0, refused = 0;
    for (int i = 0; i < NPRINCIPALS; i++) {
        principal_t *p = &fx->p[i];
        for (size_t j = 0; j < NOM_MOVES_COUNT; j++) {
            const nom_move_t *m = &NOM_MOVES[j];
            char what[160];
            snprintf(what, sizeof(what), "%s (%s) %s %s -> %s in unit 01", p->name,
                     ex_role_name((Exemplar__Role)p->role), m->verb,
                     ex_state_name((Exemplar__State)m->from) ?: "(new)",
                     ex_state_name((Exemplar__State)m->to));
            Exemplar__Reply *r = NULL;
            int rc;
            if (m->from == NOM_NONE) {
                rc = ex_register(p->client, 0, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL,
                                 "Nguyễn Văn An", NULL, &r);
            } else {
                nom_t n = prepare(fx, "01", m->from);
                rc = ex_move(p->client, 0, n.id, (Exemplar__State)m->to, n.version,
                             "lý do kiểm thử", &r);
            }
            if (may(p, m, "01")) {
                itest_require_ok(rc, r, what);
                assert_int_equal(r->nomination->state, (Exemplar__State)m->to);
                allowed++;
            } else {
                require_permission(rc, r, p, what);
                refused++;
            }
            ex_reply_free(r);
        }
    }
    /* Every refusal is in the audit list, exactly once. */
    assert_int_equal(audit_last(fx) - audit_before, refused);
    print_message("matrix: %u moves allowed, %u refused (audited)\n", allowed, refused);
    assert_true(allowed > 0 && refused > 0);
}

static void unit_officer_moves_only_its_own_unit(void **state)
{
    fixture_t *fx = *state;
    nom_t n = prepare(fx, "02", NOM_REGISTERED);
    Exemplar__Reply *r = NULL;
    int rc = ex_move(fx->p[UO01].client, 0, n.id, S(FOSTERING), n.version, NULL, &r);
    require_permission(rc, r, &fx->p[UO01], "unit officer of 01 fosters a nomination of 02");
    ex_reply_free(r);
    rc = ex_move(fx->p[UO02].client, 0, n.id, S(FOSTERING), n.version, NULL, &r);
    itest_require_ok(rc, r, "unit officer of 02 fosters its own nomination");
    ex_reply_free(r);
    rc = ex_register(fx->p[UO01].client, 0, "02", EXEMPLAR__KIND__KIND_INDIVIDUAL, "Trần Bình",
                     NULL, &r);
    require_permission(rc, r, &fx->p[UO01], "unit officer of 01 registers in unit 02");
    ex_reply_free(r);
}

static void publisher_cannot_move_or_read(void **state)
{
    fixture_t *fx = *state;
    principal_t *pub = &fx->p[PUBLISHER];
    nom_t n = prepare(fx, "01", NOM_REGISTERED);
    /* A publisher may not send moves at all: refused before the move table
     * is even consulted, whether or not the table has the move. */
    for (int to = EX_STATE_MIN; to <= EX_STATE_MAX; to++) {
        Exemplar__Reply *r = NULL;
        int rc = ex_move(pub->client, 0, n.id, (Exemplar__State)to, n.version, "x", &r);
        require_permission(rc, r, pub, "publisher moves");
        ex_reply_free(r);
    }
    Exemplar__Reply *r = NULL;
    int rc = ex_get(pub->client, n.id, &r);
    itest_require_error(rc, r, EX_EPERM, "publisher reads");
    assert_non_null(strstr(r->error->message, "publisher"));
    ex_reply_free(r);
    ex_list_filter_t all = {0};
    rc = ex_list(pub->client, &all, &r);
    itest_require_error(rc, r, EX_EPERM, "publisher lists");
    ex_reply_free(r);
    rc = ex_changes(pub->client, 1, 0, &r);
    itest_require_error(rc, r, EX_EPERM, "publisher reads the change log");
    ex_reply_free(r);
}

/* ---- reads -------------------------------------------------------------- */

static void reads_are_scoped_to_the_unit(void **state)
{
    fixture_t *fx = *state;
    nom_t a = prepare(fx, "01", NOM_FOSTERING);
    nom_t b = prepare(fx, "02", NOM_FOSTERING);
    ex_client_t *uo = fx->p[UO01].client;
    Exemplar__Reply *r = NULL;

    itest_get(uo, a.id);
    int rc = ex_get(uo, b.id, &r);
    require_permission(rc, r, &fx->p[UO01], "unit officer of 01 gets a nomination of 02");
    ex_reply_free(r);
    rc = ex_history(uo, b.id, &r);
    require_permission(rc, r, &fx->p[UO01], "unit officer of 01 reads history of 02");
    ex_reply_free(r);

    /* an explicit list of another unit is refused... */
    ex_list_filter_t f02 = {.unit = "02"};
    rc = ex_list(uo, &f02, &r);
    require_permission(rc, r, &fx->p[UO01], "unit officer of 01 lists unit 02");
    ex_reply_free(r);
    /* ...and an unfiltered one (also by state) holds its own unit only */
    ex_list_filter_t filters[] = {{.limit = 1000}, {.state = S(FOSTERING), .limit = 1000}};
    for (size_t k = 0; k < 2; k++) {
        uint64_t ids[1000];
        size_t n = itest_list_ids(uo, &filters[k], ids, 1000, 50);
        bool saw_a = false;
        for (size_t i = 0; i < n; i++) {
            nom_t g = itest_get(fx->local, ids[i]);
            assert_string_equal(g.unit, "01");
            saw_a |= ids[i] == a.id;
        }
        assert_true(saw_a);
    }
    /* the change log: own unit only */
    changes_t log = itest_changes(uo, 1);
    assert_true(log.n > 0);
    for (size_t i = 0; i < log.n; i++)
        assert_string_equal(log.v[i].unit, "01");
    changes_free(&log);

    /* roles that read every unit see both */
    static const int everyone[] = {REVIEWER, APPROVER, READER, ADMIN};
    for (size_t i = 0; i < sizeof(everyone) / sizeof(everyone[0]); i++) {
        ex_client_t *c = fx->p[everyone[i]].client;
        itest_get(c, a.id);
        itest_get(c, b.id);
        uint64_t ids[1000];
        size_t n = itest_list_ids(c, &f02, ids, 1000, 50);
        assert_true(n >= 1);
    }
}

static void only_admins_read_the_audit_list(void **state)
{
    fixture_t *fx = *state;
    nom_t n = prepare(fx, "01", NOM_REGISTERED);
    Exemplar__Reply *r = NULL;
    int rc = ex_move(fx->p[READER].client, 0, n.id, S(FOSTERING), n.version, NULL, &r);
    require_permission(rc, r, &fx->p[READER], "reader fosters");
    uint64_t request_id = r->request_id;
    ex_reply_free(r);
    for (int i = 0; i < NPRINCIPALS; i++) {
        rc = ex_audit(fx->p[i].client, 0, 10, &r);
        if (fx->p[i].role != ROLE_ADMIN) {
            require_permission(rc, r, &fx->p[i], "audit by a non-admin");
            ex_reply_free(r);
            continue;
        }
        itest_require_ok(rc, r, "audit by the admin principal");
        assert_true(r->audit->n_entries >= 1);
        const Exemplar__AuditEntry *e = r->audit->entries[0]; /* newest first */
        assert_string_equal(e->actor->name, fx->p[READER].name);
        assert_int_equal(e->actor->role, EXEMPLAR__ROLE__ROLE_READER);
        assert_string_equal(e->request, "move");
        assert_true(e->request_id == request_id);
        assert_true(e->nomination_id == n.id);
        assert_int_equal(e->to, S(FOSTERING));
        assert_int_equal(e->code, EX_EPERM);
        assert_string_equal(e->code_name, "permission");
        assert_non_null(strstr(e->message, "needs the role"));
        ex_reply_free(r);
    }
}

/* ---- handshakes --------------------------------------------------------- */

static void unknown_key_gets_no_answer(void **state)
{
    fixture_t *fx = *state;
    ex_curve_keys_t k;
    new_keys(fx->server_public, &k);
    ex_client_t *c = curve_client(fx, &k, NO_ANSWER_MS);
    Exemplar__Reply *r = NULL;
    assert_int_equal(ex_info(c, &r), -EX_EUNAVAIL);
    assert_null(r);
    ex_client_destroy(&c);
    /* the refusal is logged with the key */
    char cmd[256], out[4096];
    snprintf(cmd, sizeof(cmd), "refused unknown client key %s", k.public_);
    const char *argv[] = {"/bin/grep", "-cF", cmd, fx->h.log_path, NULL};
    assert_int_equal(harness_run(argv, out, sizeof(out)), 0);
    assert_true(harness_alive(&fx->h));
}

static void wrong_server_key_is_logged_with_a_rate_limit(void **state)
{
    fixture_t *fx = *state;
    ex_curve_keys_t k = fx->p[READER].keys;
    char other_secret[41];
    assert_int_equal(zmq_curve_keypair(k.server, other_secret), 0);
    /* The client retries its handshake every 100-200 ms for the whole wait. */
    ex_client_t *c = curve_client(fx, &k, 3000);
    Exemplar__Reply *r = NULL;
    assert_int_equal(ex_info(c, &r), -EX_EUNAVAIL);
    ex_client_destroy(&c);
    char out[4096];
    const char *argv[] = {"/bin/grep", "-c", "a CURVE handshake on", fx->h.log_path, NULL};
    assert_int_equal(harness_run(argv, out, sizeof(out)), 0);
    long lines = strtol(out, NULL, 10);
    print_message("wrong server key: %ld handshake failure lines in 3 s\n", lines);
    /* at most the burst of 5 per 10 s window (the tests before used some:
     * their refusals are logged under the same limit) */
    assert_true(lines >= 1 && lines <= 5);
}

/* Waits (up to 10 s) until the daemon's log holds text. */
static void wait_for_log(fixture_t *fx, const char *text)
{
    char out[256];
    const char *argv[] = {"/bin/grep", "-qF", text, fx->h.log_path, NULL};
    for (int i = 0; i < 1000; i++) {
        if (harness_run(argv, out, sizeof(out)) == 0)
            return;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    harness_dump_log(&fx->h);
    fail_msg("the daemon's log never said: %s", text);
}

/* The PUB feed cannot filter per subscriber: its handshake admits only roles
 * that read every unit. */
static void change_feed_admits_only_roles_that_read_every_unit(void **state)
{
    fixture_t *fx = *state;
    ex_sub_t *reader = ex_sub_new_curve(fx->events, "", &fx->p[READER].keys);
    ex_sub_t *officer = ex_sub_new_curve(fx->events, "", &fx->p[UO01].keys);
    assert_non_null(reader);
    assert_non_null(officer);
    /* A SUB's subscription reaches the daemon some time after connecting:
     * publish until the reader sees a change (no fixed sleep). */
    Exemplar__Change *ch = NULL;
    int rc = -EX_EUNAVAIL;
    for (int i = 0; i < 50 && rc == -EX_EUNAVAIL; i++) {
        prepare(fx, "01", NOM_REGISTERED);
        rc = ex_sub_next(reader, 200, &ch);
    }
    assert_int_equal(rc, 0);
    assert_string_equal(ch->unit, "01");
    exemplar__change__free_unpacked(ch, NULL);
    /* the unit officer, refused in the handshake, gets nothing at all */
    prepare(fx, "01", NOM_REGISTERED);
    assert_int_equal(ex_sub_next(officer, NO_ANSWER_MS, &ch), -EX_EUNAVAIL);
    wait_for_log(fx, "refused lan.hanoi (unit-officer) on the change feed");
    ex_sub_destroy(&reader);
    ex_sub_destroy(&officer);
}

/* Retries a call on fresh connections until it is answered (the daemon
 * reads SIGHUP and requests in the same loop, in no fixed order). */
static int call_until_answered(fixture_t *fx, const ex_curve_keys_t *k, Exemplar__Reply **r)
{
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        ex_client_t *c = curve_client(fx, k, 300);
        int rc = ex_info(c, r);
        ex_client_destroy(&c);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (rc != -EX_EUNAVAIL || now.tv_sec - t0.tv_sec > 10)
            return rc;
    }
}

static void keys_reload_on_sighup_without_restart(void **state)
{
    fixture_t *fx = *state;
    pid_t pid = fx->h.pid;
    principal_t newbie = {"moi.den", ROLE_READER, "-"};
    new_keys(fx->server_public, &newbie.keys);
    ex_client_t *c = curve_client(fx, &newbie.keys, NO_ANSWER_MS);
    Exemplar__Reply *r = NULL;
    assert_int_equal(ex_info(c, &r), -EX_EUNAVAIL);
    ex_client_destroy(&c);

    /* add moi.den, drop the reader thanh.tra */
    assert_int_equal(write_keys(fx, ~0u & ~(1u << READER), &newbie), 0);
    assert_int_equal(kill(pid, SIGHUP), 0);
    int rc = call_until_answered(fx, &newbie.keys, &r);
    itest_require_ok(rc, r, "info by a key added to the keys file");
    ex_reply_free(r);

    /* the removed reader's open connection has no role any more */
    nom_t n = prepare(fx, "01", NOM_REGISTERED);
    rc = ex_get(fx->p[READER].client, n.id, &r);
    itest_require_error(rc, r, EX_EPERM, "get by a principal removed from the keys file");
    assert_non_null(strstr(r->error->message, "not in the keys file"));
    ex_reply_free(r);

    /* a broken file is refused whole: the table in force stays */
    assert_int_equal(write_file(fx->keys_path, "moi.den reader - not-a-key\n"), 0);
    assert_int_equal(kill(pid, SIGHUP), 0);
    wait_for_log(fx, "keys not reloaded, the previous 7 principals stay in force");
    rc = ex_get(fx->p[ADMIN].client, n.id, &r);
    itest_require_ok(rc, r, "get by the admin after a broken keys file");
    ex_reply_free(r);

    assert_true(fx->h.pid == pid && fx->h.starts == 1);
    assert_true(harness_alive(&fx->h));
}

/* ---- unit plans --------------------------------------------------------- */

static int plan_submit(ex_client_t *c, const char *unit, Exemplar__Reply **r)
{
    Exemplar__PlanSubmitRequest b = EXEMPLAR__PLAN_SUBMIT_REQUEST__INIT;
    Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
    d.number = "7/KH";
    d.date = "2021-09-01";
    b.unit = (char *)unit;
    b.campaign = "2021-2025";
    b.period = "2021-2023";
    b.expected_collective = 1;
    b.solutions = "Giải pháp và trách nhiệm";
    b.document = &d;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_SUBMIT;
    req.plan_submit = &b;
    return ex_client_call(c, &req, r);
}

static int plan_call(ex_client_t *c, Exemplar__Request__BodyCase body, const char *unit,
                     Exemplar__Reply **r)
{
    Exemplar__PlanReviewRequest rv = EXEMPLAR__PLAN_REVIEW_REQUEST__INIT;
    Exemplar__PlanShowRequest sh = EXEMPLAR__PLAN_SHOW_REQUEST__INIT;
    Exemplar__PlanListRequest ls = EXEMPLAR__PLAN_LIST_REQUEST__INIT;
    rv.unit = sh.unit = (char *)unit;
    rv.campaign = sh.campaign = ls.campaign = "2021-2025";
    rv.period = sh.period = ls.period = "2021-2023";
    rv.reason = "Bổ sung giải pháp";
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = body;
    if (body == EXEMPLAR__REQUEST__BODY_PLAN_ACCEPT)
        req.plan_accept = &rv;
    else if (body == EXEMPLAR__REQUEST__BODY_PLAN_RETURN)
        req.plan_return = &rv;
    else if (body == EXEMPLAR__REQUEST__BODY_PLAN_SHOW)
        req.plan_show = &sh;
    else
        req.plan_list = &ls;
    return ex_client_call(c, &req, r);
}

/* A unit officer submits its own unit's plan only and reads only its own;
 * the ministry reviewer returns and accepts; nobody else does. */
static void plans_are_submitted_by_the_unit_and_reviewed_by_the_ministry(void **state)
{
    fixture_t *fx = *state;
    Exemplar__Reply *r = NULL;
    int rc = plan_submit(fx->p[UO02].client, "01", &r);
    require_permission(rc, r, &fx->p[UO02], "unit officer of 02 submits the plan of 01");
    ex_reply_free(r);
    for (int i = REVIEWER; i <= READER; i++) {
        rc = plan_submit(fx->p[i].client, "01", &r);
        require_permission(rc, r, &fx->p[i], "a role without units submits a plan");
        ex_reply_free(r);
    }
    rc = plan_submit(fx->p[UO01].client, "01", &r);
    itest_require_ok(rc, r, "unit officer of 01 submits its own plan");
    assert_string_equal(r->plan->plan->actor, "lan.hanoi");
    ex_reply_free(r);

    rc = plan_call(fx->p[UO02].client, EXEMPLAR__REQUEST__BODY_PLAN_SHOW, "01", &r);
    require_permission(rc, r, &fx->p[UO02], "unit officer of 02 reads the plan of 01");
    ex_reply_free(r);
    rc = plan_call(fx->p[UO02].client, EXEMPLAR__REQUEST__BODY_PLAN_LIST, "", &r);
    itest_require_ok(rc, r, "unit officer lists plans");
    assert_int_equal(r->plan_list->n_units, 1);
    assert_string_equal(r->plan_list->units[0]->unit, "02");
    ex_reply_free(r);
    rc = plan_call(fx->p[READER].client, EXEMPLAR__REQUEST__BODY_PLAN_SHOW, "01", &r);
    itest_require_ok(rc, r, "reader reads a plan");
    ex_reply_free(r);

    const int not_reviewers[] = {UO01, APPROVER, READER, PUBLISHER};
    for (size_t i = 0; i < sizeof not_reviewers / sizeof not_reviewers[0]; i++) {
        principal_t *p = &fx->p[not_reviewers[i]];
        rc = plan_call(p->client, EXEMPLAR__REQUEST__BODY_PLAN_ACCEPT, "01", &r);
        require_permission(rc, r, p, "accept a plan without the reviewer's role");
        ex_reply_free(r);
    }
    rc = plan_call(fx->p[REVIEWER].client, EXEMPLAR__REQUEST__BODY_PLAN_RETURN, "01", &r);
    itest_require_ok(rc, r, "the ministry reviewer returns the plan");
    ex_reply_free(r);
    rc = plan_submit(fx->p[UO01].client, "01", &r);
    itest_require_ok(rc, r, "unit officer of 01 submits again");
    ex_reply_free(r);
    rc = plan_call(fx->p[REVIEWER].client, EXEMPLAR__REQUEST__BODY_PLAN_ACCEPT, "01", &r);
    itest_require_ok(rc, r, "the ministry reviewer accepts the plan");
    assert_int_equal(r->plan->n_history, 4);
    ex_reply_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_role_makes_exactly_the_moves_of_its_rows),
        cmocka_unit_test(unit_officer_moves_only_its_own_unit),
        cmocka_unit_test(publisher_cannot_move_or_read),
        cmocka_unit_test(reads_are_scoped_to_the_unit),
        cmocka_unit_test(only_admins_read_the_audit_list),
        cmocka_unit_test(plans_are_submitted_by_the_unit_and_reviewed_by_the_ministry),
        cmocka_unit_test(unknown_key_gets_no_answer),
        cmocka_unit_test(change_feed_admits_only_roles_that_read_every_unit),
        cmocka_unit_test(wrong_server_key_is_logged_with_a_rate_limit),
        cmocka_unit_test(keys_reload_on_sighup_without_restart),
    };
    return cmocka_run_group_tests_name("auth_curve", tests, setup, teardown);
}
