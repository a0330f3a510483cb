/* SPDX-License-Identifier: MIT */
/*
 * One principal never sees another's answer or records, against the real
 * daemon over CURVE on tcp://127.0.0.1 with its own keys file: a request id
 * reused by another principal is refused and audited (never answered with
 * the first sender's reply); unit scope is checked before anything of a
 * nomination (version, state, unit) is revealed; evidence, events and the
 * programme's stats are scoped like `list`; an override from anyone but an
 * administrator is refused even when it would change nothing; a reload that
 * revokes a key cuts its live change-feed subscription while a still-valid
 * subscriber goes on without a gap; and a keys file or directory that others
 * may write is refused at start and at reload.
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

enum { TIMEOUT_MS = 10000, NO_ANSWER_MS = 600 };

/* The last line of a reload that loaded (main.c), after keys and feed. */
#define RELOADED "main, configuration reloaded"

#define S(x) EXEMPLAR__STATE__STATE_##x

typedef struct {
    const char *name;
    const char *role;
    const char *unit; /* "-" for roles without one */
    ex_curve_keys_t keys;
    ex_client_t *client;
} principal_t;

enum { UO01, UO02, READER, READER2, ADMIN, NPRINCIPALS };

static const principal_t PRINCIPALS[NPRINCIPALS] = {
    [UO01] = {"lan.hanoi", "unit-officer", "01"}, [UO02] = {"hung.haiphong", "unit-officer", "02"},
    [READER] = {"thanh.tra", "reader", "-"},      [READER2] = {"kiem.toan", "reader", "-"},
    [ADMIN] = {"quan.tri", "admin", "-"},
};

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

/* ---- set-up ------------------------------------------------------------- */

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

/* Written with mode 0640, as the daemon requires of its keys file. */
static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fchmod(fileno(f), 0640) < 0 || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

/* The keys file with the principals whose bit is set in `which`. */
static int write_keys(const fixture_t *fx, unsigned which)
{
    char text[4096] = "# NAME ROLE UNIT PUBLIC-KEY\n";
    size_t used = strlen(text);
    for (int i = 0; i < NPRINCIPALS; i++)
        if (which & (1u << i))
            used +=
                (size_t)snprintf(text + used, sizeof(text) - used, "%s %s %s %s\n", fx->p[i].name,
                                 fx->p[i].role, fx->p[i].unit, fx->p[i].keys.public_);
    char tmp[128];
    snprintf(tmp, sizeof(tmp), "%s.new", fx->keys_path);
    return write_file(tmp, text) < 0 || rename(tmp, fx->keys_path) < 0 ? -1 : 0;
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
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/exp.XXXXXX");
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
        if (zmq_curve_keypair(fx->p[i].keys.public_, fx->p[i].keys.secret) != 0)
            goto fail;
        memcpy(fx->p[i].keys.server, fx->server_public, 41);
    }
    if (write_keys(fx, ~0u) < 0)
        goto fail;
    int port = free_port(), events_port = free_port();
    if (port < 0 || events_port < 0 || port == events_port)
        goto fail;
    snprintf(fx->endpoint, sizeof(fx->endpoint), "tcp://127.0.0.1:%d", port);
    snprintf(fx->events, sizeof(fx->events), "tcp://127.0.0.1:%d", events_port);
    snprintf(text, sizeof(text),
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

/* A nomination of `unit` (with `subject`, may be NULL) moved by the
 * administrator through `to` states of the main line. */
static nom_t prepare(fixture_t *fx, const char *unit, const char *subject, int moves)
{
    static const Exemplar__State LINE[] = {S(FOSTERING), S(UNIT_REVIEWED)};
    Exemplar__Reply *r = NULL;
    int rc = ex_register_subject(fx->local, 0, unit, EXEMPLAR__KIND__KIND_INDIVIDUAL,
                                 "Lê Văn Bí Mật", NULL, subject, &r);
    itest_require_ok(rc, r, "register by the administrator");
    nom_t n = itest_nom_of(r->nomination);
    ex_reply_free(r);
    for (int i = 0; i < moves; i++)
        n = itest_move(fx->local, &n, LINE[i], NULL);
    return n;
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

/* Waits (up to 10 s) until the daemon's log holds text. */
static void wait_for_log(fixture_t *fx, const char *text)
{
    char out[256];
    const char *argv[] = {"/bin/grep", "-qF", "--", text, fx->h.log_path, NULL};
    for (int i = 0; i < 1000; i++) {
        if (harness_run(argv, out, sizeof(out)) == 0)
            return;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    harness_dump_log(&fx->h);
    fail_msg("the daemon's log never said: %s", text);
}

static int log_count(fixture_t *fx, const char *text)
{
    char out[64];
    const char *argv[] = {"/bin/grep", "-cF", "--", text, fx->h.log_path, NULL};
    harness_run(argv, out, sizeof(out));
    return atoi(out);
}

/* Sends SIGHUP and waits for the reload's n-th `text` in the log. */
static void reload_and_wait(fixture_t *fx, const char *text)
{
    int before = log_count(fx, text);
    assert_int_equal(kill(fx->h.pid, SIGHUP), 0);
    for (int i = 0; i < 1000 && log_count(fx, text) <= before; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (log_count(fx, text) <= before) {
        harness_dump_log(&fx->h);
        fail_msg("the reload never logged: %s", text);
    }
}

static void require_silent_about(const Exemplar__Reply *r, const char *const *secrets,
                                 const char *what)
{
    for (size_t i = 0; secrets[i]; i++)
        if (strstr(r->error->message, secrets[i]))
            fail_msg("%s: the refusal reveals \"%s\": %s", what, secrets[i], r->error->message);
}

/* ---- request ids -------------------------------------------------------- */

static void request_id_of_another_principal_is_refused_and_audited(void **state)
{
    fixture_t *fx = *state;
    uint64_t id = ex_request_id_new();
    Exemplar__Reply *r = NULL;
    int rc = ex_register(fx->p[UO01].client, id, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL,
                         "Nguyễn Thị Riêng Tư", NULL, &r);
    itest_require_ok(rc, r, "unit officer of 01 registers");
    uint64_t nom_id = r->nomination->id;
    ex_reply_free(r);
    uint64_t audit_before = audit_last(fx);

    /* The byte-identical request from unit 02's officer is not a retry. */
    rc = ex_register(fx->p[UO02].client, id, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL,
                     "Nguyễn Thị Riêng Tư", NULL, &r);
    itest_require_error(rc, r, EX_EIDREUSE, "unit officer of 02 replays 01's request id");
    assert_null(r->nomination);
    char idtext[32];
    snprintf(idtext, sizeof(idtext), "nomination %" PRIu64, nom_id);
    const char *secrets[] = {"Riêng Tư", "lan.hanoi", idtext, NULL};
    require_silent_about(r, secrets, "a reused request id");
    assert_non_null(strstr(r->error->message, "another sender"));
    ex_reply_free(r);
    /* ...nor is any other request under that id, nor the administrator's */
    rc = ex_register(fx->p[UO02].client, id, "02", EXEMPLAR__KIND__KIND_INDIVIDUAL, "Trần Hai",
                     NULL, &r);
    itest_require_error(rc, r, EX_EIDREUSE, "unit officer of 02 reuses 01's id for its own unit");
    ex_reply_free(r);
    rc = ex_register(fx->local, id, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL, "Nguyễn Thị Riêng Tư",
                     NULL, &r);
    itest_require_error(rc, r, EX_EIDREUSE, "the ipc:// administrator reuses 01's id");
    ex_reply_free(r);

    /* Both of 02's attempts are audited under its name. */
    rc = ex_audit(fx->local, 0, 10, &r);
    itest_require_ok(rc, r, "audit");
    assert_true(r->audit->last_seq - audit_before == 3);
    /* newest first: the administrator's, then 02's second and first */
    const Exemplar__AuditEntry *e = r->audit->entries[1];
    assert_string_equal(e->actor->name, "hung.haiphong");
    assert_string_equal(e->code_name, "request-id-reused");
    assert_true(e->request_id == id);
    ex_reply_free(r);

    /* The sender's own retry still gets its first answer. */
    rc = ex_register(fx->p[UO01].client, id, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL,
                     "Nguyễn Thị Riêng Tư", NULL, &r);
    itest_require_ok(rc, r, "unit officer of 01 retries");
    assert_true(r->nomination->id == nom_id);
    ex_reply_free(r);
}

/* ---- scope before state ------------------------------------------------- */

static int call_check(ex_client_t *c, uint64_t id, Exemplar__Reply **r)
{
    Exemplar__CheckRequest b = EXEMPLAR__CHECK_REQUEST__INIT;
    b.id = id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_CHECK;
    req.check = &b;
    return ex_client_call(c, &req, r);
}

static void scope_is_checked_before_the_nomination_is_revealed(void **state)
{
    fixture_t *fx = *state;
    nom_t n = prepare(fx, "01", NULL, 2); /* unit-reviewed, version 3 */
    assert_true(n.version == 3);
    ex_client_t *uo = fx->p[UO02].client;
    const char *secrets[] = {"version 3", "unit-reviewed", "unit 01", "Bí Mật", NULL};
    Exemplar__Reply *r = NULL;

    /* a stale version, the right one, a move the table does not have */
    const struct {
        uint64_t version;
        Exemplar__State to;
    } tries[] = {{1, S(MINISTRY_REVIEWED)}, {3, S(MINISTRY_REVIEWED)}, {1, S(RECOGNIZED)}};
    for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
        int rc = ex_move(uo, 0, n.id, tries[i].to, tries[i].version, "lý do", &r);
        itest_require_error(rc, r, EX_EPERM, "unit officer of 02 moves a nomination of 01");
        require_silent_about(r, secrets, "a move out of scope");
        assert_true(r->error->current_version == 0);
        assert_int_equal(r->error->current_state, S(NONE));
        ex_reply_free(r);
    }
    int rc = ex_get(uo, n.id, &r);
    itest_require_error(rc, r, EX_EPERM, "get out of scope");
    require_silent_about(r, secrets, "get out of scope");
    ex_reply_free(r);
    rc = ex_history(uo, n.id, &r);
    itest_require_error(rc, r, EX_EPERM, "history out of scope");
    require_silent_about(r, secrets, "history out of scope");
    ex_reply_free(r);
    rc = call_check(uo, n.id, &r);
    itest_require_error(rc, r, EX_EPERM, "check out of scope");
    require_silent_about(r, secrets, "check out of scope");
    ex_reply_free(r);
    /* a plan of another unit: refused before its campaign and period are
     * looked at */
    Exemplar__PlanShowRequest ps = EXEMPLAR__PLAN_SHOW_REQUEST__INIT;
    ps.unit = "01";
    ps.period = "1999-2001";
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_PLAN_SHOW;
    req.plan_show = &ps;
    rc = ex_client_call(uo, &req, &r);
    itest_require_error(rc, r, EX_EPERM, "plan of another unit, in a period nobody has");
    ex_reply_free(r);
    /* an id nobody has is not-found for everyone (ids are no secret) */
    rc = ex_get(uo, n.id + 1000, &r);
    itest_require_error(rc, r, EX_ENOTFOUND, "get of an id nobody has");
    ex_reply_free(r);
    /* in scope, the conflict still says what changed */
    rc = ex_move(fx->p[UO01].client, 0, n.id, S(WITHDRAWN), 1, "rút hồ sơ", &r);
    itest_require_error(rc, r, EX_ECONFLICT, "unit officer of 01 with a stale version");
    assert_true(r->error->current_version == 3);
    ex_reply_free(r);
}

/* ---- reads outside the unit --------------------------------------------- */

static int call_evidence_list(ex_client_t *c, const char *subject, Exemplar__Reply **r)
{
    Exemplar__EvidenceListRequest b = EXEMPLAR__EVIDENCE_LIST_REQUEST__INIT;
    b.subject = (char *)subject;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_EVIDENCE_LIST;
    req.evidence_list = &b;
    return ex_client_call(c, &req, r);
}

static void unit_officer_reads_evidence_events_and_stats_of_its_unit_only(void **state)
{
    fixture_t *fx = *state;
    prepare(fx, "01", "CB-480001", 0);
    Exemplar__Reply *r = NULL;
    const struct {
        int who;
        const char *subject;
        bool allowed;
    } cases[] = {
        {UO01, "CB-480001", true},   {UO02, "CB-480001", false}, /* another unit's subject */
        {UO01, "CB-999999", false},                              /* no nomination at all */
        {READER, "CB-480001", true}, {READER, "CB-999999", true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ex_client_t *c = fx->p[cases[i].who].client;
        char what[128];
        snprintf(what, sizeof(what), "%s reads events and evidence of %s", fx->p[cases[i].who].name,
                 cases[i].subject);
        int rc = ex_evidence(c, cases[i].subject, 0, 0, &r);
        if (cases[i].allowed)
            itest_require_ok(rc, r, what);
        else
            itest_require_error(rc, r, EX_EPERM, what);
        ex_reply_free(r);
        rc = call_evidence_list(c, cases[i].subject, &r);
        if (cases[i].allowed)
            itest_require_ok(rc, r, what);
        else
            itest_require_error(rc, r, EX_EPERM, what);
        ex_reply_free(r);
    }
    /* whole-programme figures are for the roles that read every unit */
    int rc = ex_stats(fx->p[UO01].client, &r);
    itest_require_error(rc, r, EX_EPERM, "stats by a unit officer");
    assert_non_null(strstr(r->error->message, "stats needs the role"));
    ex_reply_free(r);
    rc = ex_stats(fx->p[READER].client, &r);
    itest_require_ok(rc, r, "stats by a reader");
    ex_reply_free(r);
}

/* ---- overrides ---------------------------------------------------------- */

static int move_with_override(ex_client_t *c, const nom_t *n, Exemplar__State to,
                              const char *override, Exemplar__Reply **r)
{
    Exemplar__MoveRequest b = EXEMPLAR__MOVE_REQUEST__INIT;
    b.id = n->id;
    b.to = to;
    b.expected_version = n->version;
    b.override_reason = (char *) override;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &b;
    return ex_client_call(c, &req, r);
}

static void override_from_a_non_admin_is_refused_even_with_the_window_open(void **state)
{
    fixture_t *fx = *state;
    nom_t n = prepare(fx, "01", NULL, 0);
    uint64_t audit_before = audit_last(fx);
    Exemplar__Reply *r = NULL;
    /* no window is closed here ([rules] enforce = no): the override would
     * change nothing, and is still not the officer's to send */
    int rc = move_with_override(fx->p[UO01].client, &n, S(FOSTERING), "họp gấp", &r);
    itest_require_error(rc, r, EX_EPERM, "unit officer sends an override");
    assert_non_null(strstr(r->error->message, "only an administrator may override"));
    ex_reply_free(r);
    Exemplar__RegisterRequest b = EXEMPLAR__REGISTER_REQUEST__INIT;
    b.unit = "01";
    b.kind = EXEMPLAR__KIND__KIND_COLLECTIVE;
    b.name = "Phòng Kế hoạch";
    b.override_reason = "đăng ký muộn";
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &b;
    rc = ex_client_call(fx->p[UO01].client, &req, &r);
    itest_require_error(rc, r, EX_EPERM, "unit officer registers with an override");
    ex_reply_free(r);
    assert_true(audit_last(fx) - audit_before == 2);
    rc = move_with_override(fx->p[ADMIN].client, &n, S(FOSTERING), "họp gấp", &r);
    itest_require_ok(rc, r, "the administrator sends an override");
    ex_reply_free(r);
}

/* ---- the change feed after a reload -------------------------------------- */

/* Drains what s has queued; returns the highest seq seen (or `last`). */
static uint64_t drain(ex_sub_t *s, uint64_t last, int timeout_ms)
{
    Exemplar__Change *ch = NULL;
    while (ex_sub_next(s, timeout_ms, &ch) == 0) {
        if (ch->seq > last)
            last = ch->seq;
        exemplar__change__free_unpacked(ch, NULL);
    }
    return last;
}

/* Registers until s receives a change; returns its seq. */
static uint64_t receive_one(fixture_t *fx, ex_sub_t *s)
{
    Exemplar__Change *ch = NULL;
    int rc = -EX_EUNAVAIL;
    for (int i = 0; i < 100 && rc == -EX_EUNAVAIL; i++) {
        prepare(fx, "01", NULL, 0);
        rc = ex_sub_next(s, 100, &ch);
    }
    assert_int_equal(rc, 0);
    uint64_t seq = ch->seq;
    exemplar__change__free_unpacked(ch, NULL);
    return seq;
}

static void reload_cuts_the_feed_of_a_revoked_key_and_keeps_the_others(void **state)
{
    fixture_t *fx = *state;
    ex_sub_t *kept = ex_sub_new_curve(fx->events, "nomination.", &fx->p[READER].keys);
    ex_sub_t *revoked = ex_sub_new_curve(fx->events, "nomination.", &fx->p[READER2].keys);
    assert_non_null(kept);
    assert_non_null(revoked);
    /* both receive, as their keys allow */
    uint64_t first = receive_one(fx, kept);
    receive_one(fx, revoked);
    uint64_t seen = drain(kept, first, 100);
    drain(revoked, 0, 100);

    /* kiem.toan is removed from the keys file (the reload's last line comes
     * after the keys and the feed are dealt with) */
    assert_int_equal(write_keys(fx, ~0u & ~(1u << READER2)), 0);
    reload_and_wait(fx, RELOADED);
    uint64_t after = drain(revoked, 0, 100); /* published before the reload, if any */

    /* The kept subscriber reconnects by itself through ZAP; what is
     * committed meanwhile waits for it, so it receives every change live,
     * in order, with no gap to fill. */
    enum { AFTER = 3 };
    for (int i = 0; i < AFTER; i++)
        prepare(fx, "01", NULL, 0);
    for (uint64_t want = seen + 1; want <= seen + AFTER; want++) {
        Exemplar__Change *ch = NULL;
        int rc = ex_sub_next(kept, 5000, &ch);
        if (rc != 0)
            fail_msg("the kept subscriber got no change %" PRIu64 " after the reload (%d)", want,
                     rc);
        if (ch->seq != want)
            fail_msg("the kept subscriber got change %" PRIu64 " where %" PRIu64 " was next: a gap",
                     ch->seq, want);
        exemplar__change__free_unpacked(ch, NULL);
    }
    uint64_t next = seen + AFTER;
    wait_for_log(fx, "the change feed publishes again");

    /* The revoked one gets nothing more: its reconnection is refused. */
    prepare(fx, "01", NULL, 0);
    drain(kept, next, 200);
    Exemplar__Change *ch = NULL;
    int rc = ex_sub_next(revoked, NO_ANSWER_MS, &ch);
    if (rc == 0)
        fail_msg("a subscriber whose key was removed still receives change %" PRIu64
                 " (last before the reload: %" PRIu64 ")",
                 ch->seq, after);
    assert_int_equal(rc, -EX_EUNAVAIL);
    /* stats counts the feed's connections: the kept one, not the cut ones */
    unsigned long long subscribers = 0;
    for (int i = 0; i < 200; i++) {
        Exemplar__Reply *st = NULL;
        rc = ex_stats(fx->p[READER].client, &st);
        itest_require_ok(rc, st, "stats");
        subscribers = st->stats->subscribers;
        ex_reply_free(st);
        if (subscribers == 1)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(subscribers, 1);
    wait_for_log(fx, "kiem.toan (removed) lost the change feed");
    wait_for_log(fx, "was bound again");
    wait_for_log(fx, "refused unknown client key");
    /* and its api connection has no role either */
    Exemplar__Reply *r = NULL;
    rc = ex_get(fx->p[READER2].client, 1, &r);
    itest_require_error(rc, r, EX_EPERM, "get by a removed reader");
    ex_reply_free(r);
    ex_sub_destroy(&kept);
    ex_sub_destroy(&revoked);
    /* back, for the tests after */
    assert_int_equal(write_keys(fx, ~0u), 0);
    reload_and_wait(fx, RELOADED);
}

/* A key replaced under the same name: the old connection has no role. */
static void replaced_key_loses_its_open_connection(void **state)
{
    fixture_t *fx = *state;
    nom_t n = prepare(fx, "01", NULL, 0);
    itest_get(fx->p[READER].client, n.id);
    assert_int_equal(zmq_curve_keypair(fx->p[READER].keys.public_, fx->p[READER].keys.secret), 0);
    assert_int_equal(write_keys(fx, ~0u), 0);
    reload_and_wait(fx, RELOADED);
    Exemplar__Reply *r = NULL;
    int rc = ex_get(fx->p[READER].client, n.id, &r);
    itest_require_error(rc, r, EX_EPERM, "get on a connection made with a replaced key");
    ex_reply_free(r);
    wait_for_log(fx, "thanh.tra (given a new key) lost the change feed");
    ex_client_t *c = curve_client(fx, &fx->p[READER].keys, TIMEOUT_MS);
    itest_get(c, n.id);
    ex_client_destroy(&c);
}

/* ---- the keys file's modes ---------------------------------------------- */

static void keys_file_others_may_write_is_refused_at_reload_and_start(void **state)
{
    fixture_t *fx = *state;
    char want[256];
    /* writable by every local user */
    assert_int_equal(chmod(fx->keys_path, 0666), 0);
    snprintf(want, sizeof(want), "run chmod 640 %s", fx->keys_path);
    reload_and_wait(fx, want);
    wait_for_log(fx, "keys not reloaded, the previous 5 principals stay in force");
    itest_get(fx->p[ADMIN].client, 1); /* the table in force stays */

    /* a start with it is refused with the same sentence */
    harness_t h2 = {0};
    const char *extra[] = {"-c", fx->conf, NULL};
    char conf2[160];
    snprintf(conf2, sizeof(conf2), "%s/second.conf", fx->dir);
    char text[512];
    snprintf(text, sizeof(text),
             "[rules]\nenforce = no\n[auth]\nendpoint = tcp://127.0.0.1:%d\nsecret_key_file = "
             "%s/server.key\nkeys_file = %s\n",
             free_port(), fx->dir, fx->keys_path);
    assert_int_equal(write_file(conf2, text), 0);
    extra[1] = conf2;
    assert_int_equal(harness_start(&h2, extra), -1);
    char out[4096];
    const char *argv[] = {"/bin/grep", "-F", "--", want, h2.log_path, NULL};
    assert_int_equal(harness_run(argv, out, sizeof(out)), 0);
    harness_cleanup(&h2, 0);

    /* in a directory its group may write (no sticky bit) */
    assert_int_equal(chmod(fx->keys_path, 0640), 0);
    assert_int_equal(chmod(fx->dir, 0770), 0);
    snprintf(want, sizeof(want), "run chmod go-w %s", fx->dir);
    reload_and_wait(fx, want);
    /* sticky, like /tmp: allowed */
    assert_int_equal(chmod(fx->dir, 01777), 0);
    reload_and_wait(fx, "keys reloaded from");
    assert_int_equal(chmod(fx->dir, 0700), 0);
    reload_and_wait(fx, "keys reloaded from");
    assert_true(harness_alive(&fx->h));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_id_of_another_principal_is_refused_and_audited),
        cmocka_unit_test(scope_is_checked_before_the_nomination_is_revealed),
        cmocka_unit_test(unit_officer_reads_evidence_events_and_stats_of_its_unit_only),
        cmocka_unit_test(override_from_a_non_admin_is_refused_even_with_the_window_open),
        cmocka_unit_test(reload_cuts_the_feed_of_a_revoked_key_and_keeps_the_others),
        cmocka_unit_test(replaced_key_loses_its_open_connection),
        cmocka_unit_test(keys_file_others_may_write_is_refused_at_reload_and_start),
    };
    return cmocka_run_group_tests_name("principals", tests, setup, teardown);
}
