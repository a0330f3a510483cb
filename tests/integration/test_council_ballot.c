/* SPDX-License-Identifier: MIT */
/*
 * The Ministry council's secret ballot against the real daemon over CURVE
 * with its own keys file: a council of 9 (7 present, 2 voting in writing)
 * reviews 20 nominations and the results follow the rule set's quorum (2/3)
 * and threshold (90 % of all members) exactly, one vote short included;
 * with the quorum missed nothing is decided and nothing moves, with it met
 * to the member everything is; a second vote, a non-member's vote, a
 * non-secretary's close and attendance after a written vote are refused;
 * and an administrator finds no link between a ballot and its voter in any
 * answer or in the export (the request table's digests of two different
 * ballots over the same nominations are equal).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <json-c/json.h>

#include "council.pb-c.h"
#include "itest.h"

enum { TIMEOUT_MS = 10000 };

#define S(x)      EXEMPLAR__STATE__STATE_##x
#define ROLE(x)   EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_##x
#define MINISTRY  EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_MINISTRY
#define APPROVE   EXEMPLAR__BALLOT_CHOICE__BALLOT_APPROVE
#define REJECT    EXEMPLAR__BALLOT_CHOICE__BALLOT_REJECT
#define RESULT(x) EXEMPLAR__MEETING_RESULT__MEETING_RESULT_##x
#define NOMS      20
#define MINUTES_1 "05/BB-HĐTĐKT"

typedef struct {
    const char *name;
    const char *role;
    Exemplar__CouncilRole seat; /* COUNCIL_ROLE_NONE: not a member */
    const char *unit;           /* a unit officer's unit; NULL: none */
    ex_curve_keys_t keys;
    ex_client_t *client;
} principal_t;

/* The council: 9 members; then a non-member and an administrator. */
enum {
    CHAIR,
    DEPUTY,
    SECRETARY,
    M1,
    M2,
    M3,
    M4,
    M5,
    M6,
    OUTSIDER,
    ADMIN,
    /* unit 01's council: its officers, a reader, and an officer of 02 */
    U_CHAIR,
    U_SEC,
    U_MEMBER,
    U_OTHER,
    NP
};
#define MEMBERS 9

static const principal_t PRINCIPALS[NP] = {
    [CHAIR] = {"chu.tich", "approver", ROLE(CHAIR)},
    [DEPUTY] = {"pho.chu.tich", "ministry-reviewer", ROLE(DEPUTY)},
    [SECRETARY] = {"thu.ky", "ministry-reviewer", ROLE(SECRETARY)},
    [M1] = {"uy.vien.1", "reader", ROLE(MEMBER)},
    [M2] = {"uy.vien.2", "reader", ROLE(MEMBER)},
    [M3] = {"uy.vien.3", "ministry-reviewer", ROLE(MEMBER)},
    [M4] = {"uy.vien.4", "reader", ROLE(MEMBER)},
    [M5] = {"uy.vien.5", "reader", ROLE(MEMBER)},
    [M6] = {"uy.vien.6", "approver", ROLE(MEMBER)},
    [OUTSIDER] = {"ngoai.hoi.dong", "reader", ROLE(NONE)},
    [ADMIN] = {"quan.tri", "admin", ROLE(NONE)},
    [U_CHAIR] = {"chu.tich.01", "reader", ROLE(CHAIR)},
    [U_SEC] = {"thu.ky.01", "unit-officer", ROLE(SECRETARY), "01"},
    [U_MEMBER] = {"uy.vien.01", "unit-officer", ROLE(MEMBER), "01"},
    [U_OTHER] = {"can.bo.02", "unit-officer", ROLE(MEMBER), "02"},
};

typedef struct {
    harness_t h;
    char dir[64];
    char conf[96], keys_path[96];
    char endpoint[64];
    char server_public[41];
    principal_t p[NP];
    ex_client_t *local; /* the administrator over ipc:// */
} fixture_t;

/* ---- set-up ------------------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fchmod(fileno(f), 0640) < 0 || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

/* The daemon's configuration: rules as given, CURVE on fx->endpoint. */
static int write_conf(const fixture_t *fx, const char *rules)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "%s[auth]\nendpoint = %s\nsecret_key_file = %s/server.key\nkeys_file = %s\n", rules,
             fx->endpoint, fx->dir, fx->keys_path);
    return write_file(fx->conf, text);
}

static int setup_with(void **state, const char *rules)
{
    fixture_t *fx = calloc(1, sizeof(*fx));
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/exc.XXXXXX");
    if (!mkdtemp(fx->dir))
        goto fail;
    snprintf(fx->conf, sizeof(fx->conf), "%s/exemplard.conf", fx->dir);
    snprintf(fx->keys_path, sizeof(fx->keys_path), "%s/keys", fx->dir);
    char server_secret[41], path[128], text[4096];
    if (zmq_curve_keypair(fx->server_public, server_secret) != 0)
        goto fail;
    snprintf(path, sizeof(path), "%s/server.key", fx->dir);
    snprintf(text, sizeof(text), "%s\n", server_secret);
    if (write_file(path, text) < 0 || chmod(path, 0600) < 0)
        goto fail;
    size_t used = (size_t)snprintf(text, sizeof(text), "# NAME ROLE UNIT PUBLIC-KEY\n");
    for (int i = 0; i < NP; i++) {
        fx->p[i] = PRINCIPALS[i];
        if (zmq_curve_keypair(fx->p[i].keys.public_, fx->p[i].keys.secret) != 0)
            goto fail;
        memcpy(fx->p[i].keys.server, fx->server_public, 41);
        used += (size_t)snprintf(text + used, sizeof(text) - used, "%s %s %s %s\n", fx->p[i].name,
                                 fx->p[i].role, fx->p[i].unit ? fx->p[i].unit : "-",
                                 fx->p[i].keys.public_);
    }
    if (write_file(fx->keys_path, text) < 0)
        goto fail;
    int port = itest_free_port();
    if (port < 0)
        goto fail;
    snprintf(fx->endpoint, sizeof(fx->endpoint), "tcp://127.0.0.1:%d", port);
    if (write_conf(fx, rules) < 0)
        goto fail;
    const char *extra[] = {"-c", fx->conf, NULL};
    if (harness_start(&fx->h, extra) < 0)
        goto fail;
    fx->local = harness_client(&fx->h, TIMEOUT_MS);
    for (int i = 0; i < NP; i++) {
        ex_client_opts_t o = {.endpoint = fx->endpoint,
                              .timeout_ms = TIMEOUT_MS,
                              .retries = -1,
                              .curve = &fx->p[i].keys};
        fx->p[i].client = ex_client_new(&o);
        if (!fx->p[i].client)
            goto fail;
    }
    *state = fx;
    return 0;
fail:
    free(fx);
    return -1;
}

static int setup(void **state)
{
    return setup_with(state, HARNESS_FOUNDATION_CONF);
}

/* The plan's rules on 15 May 2023: the 2021-2023 unit review is open, the
 * Ministry's review (from 1 July) is not. */
#define RULES_MAY_2023  "[rules]\nenforce = yes\nlanguage = en\ntoday = 2023-05-15\n"
#define RULES_JULY_2023 "[rules]\nenforce = yes\nlanguage = en\ntoday = 2023-07-15\n"

static int setup_rules(void **state)
{
    return setup_with(state, RULES_MAY_2023);
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    if (!fx)
        return 0;
    for (int i = 0; i < NP; i++)
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

static int call(ex_client_t *c, Exemplar__Request *req, Exemplar__Reply **r)
{
    *r = NULL;
    req->request_id = 0; /* a new id each time: the library sets one in req */
    return ex_client_call(c, req, r);
}

static void set_council(fixture_t *fx)
{
    Exemplar__CouncilMember m[MEMBERS], *mp[MEMBERS];
    for (int i = 0; i < MEMBERS; i++) {
        exemplar__council_member__init(&m[i]);
        m[i].principal = (char *)fx->p[i].name;
        m[i].role = fx->p[i].seat;
        mp[i] = &m[i];
    }
    Exemplar__Council c = EXEMPLAR__COUNCIL__INIT;
    c.level = MINISTRY;
    c.members = mp;
    c.n_members = MEMBERS;
    c.decision = (char *)"12/QĐ-BTNMT";
    Exemplar__CouncilSetRequest set = EXEMPLAR__COUNCIL_SET_REQUEST__INIT;
    set.council = &c;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_COUNCIL_SET;
    req.council_set = &set;
    Exemplar__Reply *r;
    /* only an administrator sets it */
    int rc = call(fx->p[SECRETARY].client, &req, &r);
    itest_require_error(rc, r, EX_EPERM, "council set by a reviewer");
    ex_reply_free(r);
    /* a member who is no principal is refused */
    m[8].principal = (char *)"khong.ton.tai";
    rc = call(fx->local, &req, &r);
    itest_require_error(rc, r, EX_EINVALID, "council set with an unknown principal");
    assert_non_null(strstr(r->error->message, "khong.ton.tai"));
    ex_reply_free(r);
    m[8].principal = (char *)fx->p[8].name;
    rc = call(fx->local, &req, &r);
    itest_require_ok(rc, r, "council set");
    assert_int_equal(r->council->council->n_members, MEMBERS);
    assert_int_equal(r->council->council->version, 1);
    ex_reply_free(r);
}

/* n nominations in unit-reviewed, registered and moved by the administrator. */
static void prepare(fixture_t *fx, uint64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof(name), "Nguyễn Văn Hội Đồng %zu", i + 1);
        nom_t nm = itest_register(fx->local, i % 2 ? "01" : "02", name, NULL);
        nm = itest_move(fx->local, &nm, S(FOSTERING), NULL);
        itest_acclaim(fx->local, nm.id, "2000-01-03");
        nm = itest_move(fx->local, &nm, S(UNIT_REVIEWED), NULL);
        ids[i] = nm.id;
    }
}

static uint64_t open_meeting(fixture_t *fx, int who, const char *ref, uint64_t *ids, size_t n,
                             int expect)
{
    Exemplar__MeetingOpenRequest o = EXEMPLAR__MEETING_OPEN_REQUEST__INIT;
    o.level = MINISTRY;
    o.minutes_ref = (char *)ref;
    o.nominations = ids;
    o.n_nominations = n;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_OPEN;
    req.meeting_open = &o;
    Exemplar__Reply *r;
    int rc = call(fx->p[who].client, &req, &r);
    uint64_t id = 0;
    if (expect) {
        itest_require_error(rc, r, expect, "meeting open");
    } else {
        itest_require_ok(rc, r, "meeting open");
        id = r->meeting->meeting->id;
        assert_int_equal(r->meeting->meeting->n_items, n);
        assert_int_equal(r->meeting->meeting->n_members, MEMBERS);
    }
    ex_reply_free(r);
    return id;
}

static int attend(fixture_t *fx, int who, uint64_t meeting, const int *present, size_t n)
{
    char *names[MEMBERS];
    for (size_t i = 0; i < n; i++)
        names[i] = (char *)fx->p[present[i]].name;
    Exemplar__MeetingAttendRequest a = EXEMPLAR__MEETING_ATTEND_REQUEST__INIT;
    a.meeting_id = meeting;
    a.present = names;
    a.n_present = n;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_ATTEND;
    req.meeting_attend = &a;
    Exemplar__Reply *r;
    int rc = call(fx->p[who].client, &req, &r);
    rc = ex_reply_status(rc, r);
    ex_reply_free(r);
    return rc;
}

/* who's ballot: choice[i] for ids[i]; 0 leaves a nomination out.  Returns
 * the reply's status; the reply is checked for the absence of choices. */
static int vote(fixture_t *fx, int who, uint64_t meeting, const uint64_t *ids,
                const Exemplar__BallotChoice *choice, size_t n)
{
    Exemplar__BallotLine lines[NOMS], *lp[NOMS];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!choice[i])
            continue;
        exemplar__ballot_line__init(&lines[k]);
        lines[k].nomination_id = ids[i];
        lines[k].choice = choice[i];
        lp[k] = &lines[k];
        k++;
    }
    Exemplar__MeetingVoteRequest v = EXEMPLAR__MEETING_VOTE_REQUEST__INIT;
    v.meeting_id = meeting;
    v.ballots = lp;
    v.n_ballots = k;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_VOTE;
    req.meeting_vote = &v;
    Exemplar__Reply *r;
    int rc = call(fx->p[who].client, &req, &r);
    rc = ex_reply_status(rc, r);
    if (rc == 0) {
        /* an open meeting's answer shows no count at all */
        const Exemplar__Meeting *m = r->meeting->meeting;
        for (size_t i = 0; i < m->n_items; i++) {
            assert_int_equal(m->items[i]->approve, 0);
            assert_int_equal(m->items[i]->reject, 0);
        }
    }
    ex_reply_free(r);
    return rc;
}

static Exemplar__Reply *meeting_req(fixture_t *fx, ex_client_t *c, uint64_t meeting, bool close,
                                    int expect)
{
    Exemplar__MeetingCloseRequest cl = EXEMPLAR__MEETING_CLOSE_REQUEST__INIT;
    Exemplar__MeetingShowRequest sh = EXEMPLAR__MEETING_SHOW_REQUEST__INIT;
    cl.meeting_id = sh.meeting_id = meeting;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    if (close) {
        req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_CLOSE;
        req.meeting_close = &cl;
    } else {
        req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_SHOW;
        req.meeting_show = &sh;
    }
    Exemplar__Reply *r;
    int rc = call(c, &req, &r);
    (void)fx;
    if (expect) {
        itest_require_error(rc, r, expect, close ? "meeting close" : "meeting show");
        ex_reply_free(r);
        return NULL;
    }
    itest_require_ok(rc, r, close ? "meeting close" : "meeting show");
    return r;
}

/* ---- the export, read as an administrator ------------------------------- */

static char *export_text(fixture_t *fx)
{
    Exemplar__DumpRequest d = EXEMPLAR__DUMP_REQUEST__INIT;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_EXPORT;
    req.export = &d;
    char *text = NULL;
    size_t len = 0;
    for (int polls = 0; polls < 20000; polls++) {
        Exemplar__Reply *r = NULL;
        assert_int_equal(ex_reply_status(ex_client_call(fx->local, &req, &r), r), 0);
        const Exemplar__DumpReply *p = r->dump;
        d.dump_id = p->dump_id;
        if (p->pending) {
            ex_reply_free(r);
            usleep(1000);
            continue;
        }
        char *more = realloc(text, len + p->data.len + 1);
        assert_non_null(more);
        text = more;
        memcpy(text + len, p->data.data, p->data.len);
        len += p->data.len;
        text[len] = '\0';
        d.offset += p->data.len;
        bool end = d.offset == p->size;
        ex_reply_free(r);
        if (end)
            return text;
    }
    fail_msg("the export never finished");
    return NULL;
}

static const char *str_of(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

/* Lines of the export: no ballot count names a voter; no voter mark holds
 * a choice; the request table's digests of two members' ballots over the
 * same nominations with different choices are equal. */
static void export_links_no_ballot_to_a_voter(fixture_t *fx, const char *a, const char *b)
{
    char *text = export_text(fx);
    char *save = NULL;
    int tallies = 0, marks = 0;
    char digest_a[64] = "", digest_b[64] = "";
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        json_object *o = json_tokener_parse(line);
        assert_non_null(o);
        const char *type = str_of(o, "type");
        json_object *value = NULL;
        json_object_object_get_ex(o, "value", &value);
        const char *vtext = value ? json_object_to_json_string(value) : "";
        if (type && strcmp(type, "ballot_tally") == 0) {
            tallies++;
            for (int i = 0; i < NP; i++)
                assert_null(strstr(line, fx->p[i].name));
        } else if (type && strcmp(type, "ballot_voter") == 0) {
            marks++;
            assert_null(strstr(vtext, "approve"));
            assert_null(strstr(vtext, "reject"));
            assert_null(strstr(vtext, "APPROVE"));
            assert_null(strstr(vtext, "REJECT"));
        } else if (type && strcmp(type, "meeting") == 0) {
            assert_null(strstr(vtext, "BALLOT_"));
        } else if (type && strcmp(type, "request") == 0 && value) {
            const char *who = str_of(value, "principal");
            const char *digest = str_of(value, "digest");
            const char *reply = str_of(value, "reply");
            /* the first ballot of a and of b: their only requests here */
            if (who && digest && reply && strcmp(who, a) == 0 && !digest_a[0])
                snprintf(digest_a, sizeof(digest_a), "%s", digest);
            if (who && digest && reply && strcmp(who, b) == 0 && !digest_b[0])
                snprintf(digest_b, sizeof(digest_b), "%s", digest);
        }
        json_object_put(o);
    }
    assert_true(tallies > 0);
    assert_true(marks > 0);
    assert_true(digest_a[0] && digest_b[0]);
    assert_string_equal(digest_a, digest_b);
    free(text);
}

/* ---- the round ---------------------------------------------------------- */

/* Approvals wanted per nomination: 0-4 all nine; 5-9 eight (one short of
 * 90 % of 9); 10-14 eight with the ninth member not voting on it; 15-19
 * fewer.  Member v approves nomination i when v < approvals[i]; otherwise
 * rejects it, except for 10-14 where M6 (the last) leaves it out. */
static int approvals_of(size_t i)
{
    if (i < 5)
        return 9;
    if (i < 15)
        return 8;
    return (int)(i - 15); /* 0..4 */
}

static void a_council_of_nine_reviews_twenty_nominations(void **state)
{
    fixture_t *fx = *state;
    set_council(fx);
    uint64_t ids[NOMS];
    prepare(fx, ids, NOMS);

    /* only the secretary opens */
    open_meeting(fx, CHAIR, MINUTES_1, ids, NOMS, EX_EPERM);
    uint64_t meeting = open_meeting(fx, SECRETARY, MINUTES_1, ids, NOMS, 0);

    /* 7 present; M5 and M6 absent, voting in writing */
    const int present[] = {CHAIR, DEPUTY, SECRETARY, M1, M2, M3, M4};
    assert_int_equal(attend(fx, CHAIR, meeting, present, 7), -EX_EPERM);
    assert_int_equal(attend(fx, SECRETARY, meeting, present, 7), 0);
    const int outsider[] = {OUTSIDER};
    assert_int_equal(attend(fx, SECRETARY, meeting, outsider, 1), -EX_EINVALID);

    for (int v = 0; v < MEMBERS; v++) {
        Exemplar__BallotChoice choice[NOMS];
        for (size_t i = 0; i < NOMS; i++) {
            choice[i] = v < approvals_of(i) ? APPROVE : REJECT;
            if (i >= 10 && i < 15 && v == M6)
                choice[i] = 0; /* not voted */
        }
        assert_int_equal(vote(fx, v, meeting, ids, choice, NOMS), 0);
    }
    /* twice: refused, nothing counted */
    Exemplar__BallotChoice once[NOMS] = {APPROVE};
    assert_int_equal(vote(fx, M1, meeting, ids, once, 1), -EX_ECONFLICT);
    /* M6 did not vote on 10-14: now it may, but not twice on 0 */
    assert_int_equal(vote(fx, OUTSIDER, meeting, ids, once, 1), -EX_EPERM);
    assert_int_equal(vote(fx, ADMIN, meeting, ids, once, 1), -EX_EPERM);
    /* a member who voted in writing cannot be recorded present after */
    const int m5[] = {M5};
    assert_int_equal(attend(fx, SECRETARY, meeting, m5, 1), -EX_ECONFLICT);

    /* what an administrator sees while voting goes on: who, never how */
    Exemplar__Reply *r = meeting_req(fx, fx->p[ADMIN].client, meeting, false, 0);
    const Exemplar__MeetingReply *mr = r->meeting;
    assert_int_equal(mr->n_voters, NOMS);
    for (size_t i = 0; i < NOMS; i++) {
        assert_int_equal(mr->meeting->items[i]->approve, 0);
        assert_int_equal(mr->meeting->items[i]->reject, 0);
        assert_int_equal(mr->voters[i]->n_principals, i >= 10 && i < 15 ? 8 : 9);
        assert_int_equal(mr->meeting->items[i]->ballots, i >= 10 && i < 15 ? 8 : 9);
    }
    assert_int_equal(mr->meeting->n_in_writing, 2);
    for (size_t s = 0; s < mr->meeting->n_steps; s++)
        assert_null(strstr(mr->meeting->steps[s]->what, "approve"));
    ex_reply_free(r);

    /* only the secretary closes */
    meeting_req(fx, fx->p[CHAIR].client, meeting, true, EX_EPERM);
    r = meeting_req(fx, fx->p[SECRETARY].client, meeting, true, 0);
    mr = r->meeting;
    assert_int_equal(mr->meeting->state, EXEMPLAR__MEETING_STATE__MEETING_STATE_CLOSED);
    for (size_t i = 0; i < NOMS; i++) {
        const Exemplar__MeetingItem *it = mr->meeting->items[i];
        int want = approvals_of(i);
        assert_int_equal(it->approve, want);
        assert_int_equal(it->needed, 9);
        assert_int_equal(it->result, want == 9 ? RESULT(APPROVED) : RESULT(NOT_APPROVED));
        assert_true(it->moved);
        nom_t n = itest_get(fx->local, ids[i]);
        assert_int_equal(n.state, want == 9 ? S(MINISTRY_REVIEWED) : S(RETURNED));
    }
    assert_non_null(strstr(mr->minutes, MINUTES_1));
    assert_non_null(strstr(mr->minutes, "uy.vien.5"));
    ex_reply_free(r);
    /* the move's reason is the minutes' reference */
    for (size_t i = 0; i < NOMS; i += 7) {
        Exemplar__Reply *h = itest_history(fx->local, ids[i]);
        const Exemplar__HistoryReply *hr = h->history;
        assert_true(hr->n_changes > 0);
        assert_non_null(strstr(hr->changes[hr->n_changes - 1]->reason, MINUTES_1));
        assert_string_equal(hr->changes[hr->n_changes - 1]->actor->name, fx->p[SECRETARY].name);
        ex_reply_free(h);
    }
    /* a closed meeting takes no ballot and is not closed twice */
    assert_int_equal(vote(fx, M6, meeting, ids, once, 1), -EX_ECONFLICT);
    meeting_req(fx, fx->p[SECRETARY].client, meeting, true, EX_ECONFLICT);

    /* the chair approved 16-19, M2 rejected 15-19, both voted on all 20
     * and sent nothing else: equal digests for different ballots */
    export_links_no_ballot_to_a_voter(fx, fx->p[CHAIR].name, fx->p[M2].name);
}

/* Quorum is 2/3 of 9 = 6 present: with 5 present, nine approvals (four in
 * writing) decide nothing and move nothing; with 6, the same approve. */
static void quorum_missed_decides_nothing_and_met_by_one_decides(void **state)
{
    fixture_t *fx = *state;
    set_council(fx);
    uint64_t ids[2];
    prepare(fx, ids, 2);
    const int present[] = {CHAIR, DEPUTY, SECRETARY, M1, M2, M3};
    Exemplar__BallotChoice yes[1] = {APPROVE};
    for (int round = 0; round < 2; round++) {
        uint64_t m =
            open_meeting(fx, SECRETARY, round ? "07/BB-HĐTĐKT" : "06/BB-HĐTĐKT", &ids[round], 1, 0);
        /* a nomination is on one open agenda at a time */
        open_meeting(fx, SECRETARY, "99/BB-HĐTĐKT", &ids[round], 1, EX_ECONFLICT);
        assert_int_equal(attend(fx, SECRETARY, m, present, round ? 6 : 5), 0);
        for (int v = 0; v < MEMBERS; v++)
            assert_int_equal(vote(fx, v, m, &ids[round], yes, 1), 0);
        Exemplar__Reply *r = meeting_req(fx, fx->p[SECRETARY].client, m, true, 0);
        const Exemplar__MeetingItem *it = r->meeting->meeting->items[0];
        assert_int_equal(it->approve, 9);
        assert_int_equal(it->result, round ? RESULT(APPROVED) : RESULT(NO_DECISION));
        assert_int_equal(it->moved, round ? 1 : 0);
        ex_reply_free(r);
        nom_t n = itest_get(fx->local, ids[round]);
        assert_int_equal(n.state, round ? S(MINISTRY_REVIEWED) : S(UNIT_REVIEWED));
    }
    /* no decision leaves the nomination to another ballot: a later meeting
     * takes it again (a re-vote, as a tie under `tie: revote` is) */
    uint64_t m = open_meeting(fx, SECRETARY, "08/BB-HĐTĐKT", &ids[0], 1, 0);
    assert_int_equal(attend(fx, SECRETARY, m, present, 6), 0);
    for (int v = 0; v < MEMBERS; v++)
        assert_int_equal(vote(fx, v, m, &ids[0], yes, 1), 0);
    Exemplar__Reply *r = meeting_req(fx, fx->p[SECRETARY].client, m, true, 0);
    assert_int_equal(r->meeting->meeting->items[0]->result, RESULT(APPROVED));
    ex_reply_free(r);
    assert_int_equal(itest_get(fx->local, ids[0]).state, S(MINISTRY_REVIEWED));
}

/* A collective of unit 01 in unit-reviewed under the plan's rules: its
 * registration and fostering are late (the administrator's override), its
 * titles of 2021 and 2022 are recorded, 2023 is still pending. */
static uint64_t fostered_under_rules(fixture_t *fx, const char *subject, const char *name,
                                     bool acclaimed);

static uint64_t reviewed_under_rules(fixture_t *fx)
{
    uint64_t id = fostered_under_rules(fx, "01:PTNMT", "Phòng Tài nguyên và Môi trường", true);
    nom_t n = itest_get(fx->local, id);
    n = itest_move(fx->local, &n, S(UNIT_REVIEWED), NULL);
    return n.id;
}

/* A collective of unit 01 in fostering under the plan's rules, its titles
 * of 2021 and 2022 recorded (registered and fostered late, by the
 * administrator's override); acclaimed by its collective or not. */
static uint64_t fostered_under_rules(fixture_t *fx, const char *subject, const char *name,
                                     bool acclaimed)
{
    Exemplar__RegisterRequest b = EXEMPLAR__REGISTER_REQUEST__INIT;
    b.unit = (char *)"01";
    b.kind = EXEMPLAR__KIND__KIND_COLLECTIVE;
    b.name = (char *)name;
    b.campaign = (char *)"2021-2025";
    b.subject = (char *)subject;
    b.override_reason = (char *)"registered late for the council's test";
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &b;
    Exemplar__Reply *r;
    int rc = call(fx->local, &req, &r);
    itest_require_ok(rc, r, "register with an override");
    nom_t n = itest_nom_of(r->nomination);
    ex_reply_free(r);
    for (int y = 2021; y <= 2022; y++) {
        Exemplar__Evidence e = EXEMPLAR__EVIDENCE__INIT;
        Exemplar__Decision d = EXEMPLAR__DECISION__INIT;
        Exemplar__EvidenceAddRequest ev = EXEMPLAR__EVIDENCE_ADD_REQUEST__INIT;
        char number[32], date[32];
        snprintf(number, sizeof number, "%d/QĐ-UBND", y);
        snprintf(date, sizeof date, "%d-01-10", y + 1);
        d.number = number;
        d.date = date;
        e.subject = (char *)subject;
        e.year = y;
        e.title = (char *)"TTLDXS";
        e.decision = &d;
        ev.evidence = &e;
        Exemplar__Request q = EXEMPLAR__REQUEST__INIT;
        q.body_case = EXEMPLAR__REQUEST__BODY_EVIDENCE_ADD;
        q.evidence_add = &ev;
        rc = call(fx->local, &q, &r);
        itest_require_ok(rc, r, "evidence add");
        ex_reply_free(r);
    }
    Exemplar__MoveRequest mv = EXEMPLAR__MOVE_REQUEST__INIT;
    mv.id = n.id;
    mv.to = S(FOSTERING);
    mv.expected_version = n.version;
    mv.override_reason = (char *)"fostered late for the council's test";
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &mv;
    rc = call(fx->local, &req, &r);
    itest_require_ok(rc, r, "foster with an override");
    n = itest_nom_of(r->nomination);
    ex_reply_free(r);
    if (acclaimed)
        itest_acclaim(fx->local, n.id, "2023-05-02");
    return n.id;
}

/* The meeting opens only in the campaign's ministry-review window, checked
 * as `move` checks it; a day later in the window it opens. */
static void a_meeting_opens_only_in_the_ministry_review_window(void **state)
{
    fixture_t *fx = *state;
    set_council(fx);
    uint64_t id = reviewed_under_rules(fx);
    open_meeting(fx, SECRETARY, "08/BB-HĐTĐKT", &id, 1, EX_EWINDOW);
    assert_int_equal(write_conf(fx, RULES_JULY_2023), 0);
    assert_int_equal(harness_stop(&fx->h), 0);
    assert_int_equal(harness_restart(&fx->h), 0);
    uint64_t m = open_meeting(fx, SECRETARY, "08/BB-HĐTĐKT", &id, 1, 0);
    assert_true(m > 0);
}

/* unit 01's council: its chair (a reader), secretary and a member (its
 * officers) and an officer of unit 02 as a member. */
static void set_unit_council(fixture_t *fx)
{
    const int seats[] = {U_CHAIR, U_SEC, U_MEMBER, U_OTHER};
    Exemplar__CouncilMember m[4], *mp[4];
    for (int i = 0; i < 4; i++) {
        exemplar__council_member__init(&m[i]);
        m[i].principal = (char *)fx->p[seats[i]].name;
        m[i].role = fx->p[seats[i]].seat;
        mp[i] = &m[i];
    }
    Exemplar__Council c = EXEMPLAR__COUNCIL__INIT;
    c.level = EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT;
    c.unit = (char *)"01";
    c.members = mp;
    c.n_members = 4;
    Exemplar__CouncilSetRequest set = EXEMPLAR__COUNCIL_SET_REQUEST__INIT;
    set.council = &c;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_COUNCIL_SET;
    req.council_set = &set;
    Exemplar__Reply *r;
    int rc = call(fx->local, &req, &r);
    itest_require_ok(rc, r, "council set --unit 01");
    ex_reply_free(r);
}

static uint64_t open_unit_meeting(fixture_t *fx, int who, const char *unit, uint64_t *ids, size_t n,
                                  int expect, const char *says)
{
    Exemplar__MeetingOpenRequest o = EXEMPLAR__MEETING_OPEN_REQUEST__INIT;
    o.level = EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT;
    o.unit = (char *)unit;
    o.minutes_ref = (char *)"03/BB-HĐTĐKT.01";
    o.nominations = ids;
    o.n_nominations = n;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_OPEN;
    req.meeting_open = &o;
    Exemplar__Reply *r;
    int rc = call(fx->p[who].client, &req, &r);
    uint64_t id = 0;
    if (expect) {
        itest_require_error(rc, r, expect, "unit meeting open");
        if (says && !strstr(r->error->message, says))
            fail_msg("unit meeting open refused with \"%s\", not naming \"%s\"", r->error->message,
                     says);
    } else {
        itest_require_ok(rc, r, "unit meeting open");
        id = r->meeting->meeting->id;
        assert_int_equal(r->meeting->meeting->level, EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT);
        assert_string_equal(r->meeting->meeting->unit, "01");
        assert_int_equal(r->meeting->meeting->n_members, 4);
    }
    ex_reply_free(r);
    return id;
}

/* Unit 01's council reviews three of its collectives in fostering by
 * secret ballot under the plan's rules: an officer of another unit, a
 * ministry reviewer and a nomination of another unit are refused at the
 * opening; 4 of 4 approve A and B and reject C; A moves to unit-reviewed,
 * B (approved, but without its collective's acclamation) stays, the
 * refusal in its item's why, C (not approved) stays in fostering; the
 * unit's secretary may not open a meeting of the Ministry's council. */
static void a_unit_council_reviews_its_unit_in_fostering(void **state)
{
    fixture_t *fx = *state;
    set_council(fx);
    set_unit_council(fx);
    uint64_t ids[3] = {fostered_under_rules(fx, "01:PKH", "Phòng Kế hoạch", true),
                       fostered_under_rules(fx, "01:PVP", "Văn phòng", false),
                       fostered_under_rules(fx, "01:PTC", "Phòng Tổ chức", true)};
    Exemplar__RegisterRequest b = EXEMPLAR__REGISTER_REQUEST__INIT;
    b.unit = (char *)"02";
    b.kind = EXEMPLAR__KIND__KIND_COLLECTIVE;
    b.name = (char *)"Tập thể của đơn vị 02";
    b.campaign = (char *)"2021-2025";
    b.subject = (char *)"02:PKH";
    b.override_reason = (char *)"registered late for the council's test";
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &b;
    Exemplar__Reply *r;
    int rc = call(fx->local, &req, &r);
    itest_require_ok(rc, r, "register in unit 02");
    uint64_t other = r->nomination->id;
    ex_reply_free(r);
    open_unit_meeting(fx, U_OTHER, "01", ids, 3, EX_EPERM, "can.bo.02");
    open_unit_meeting(fx, SECRETARY, "01", ids, 3, EX_EPERM, NULL);
    uint64_t mixed[2] = {ids[0], other};
    open_unit_meeting(fx, U_SEC, "01", mixed, 2, EX_EINVALID, "unit 01's council reviews");
    open_meeting(fx, U_SEC, "09/BB-HĐTĐKT", ids, 1, EX_EPERM);
    uint64_t m = open_unit_meeting(fx, U_SEC, "01", ids, 3, 0, NULL);
    const int present[] = {U_CHAIR, U_SEC, U_MEMBER, U_OTHER};
    assert_int_equal(attend(fx, U_OTHER, m, present, 4), -EX_EPERM);
    assert_int_equal(attend(fx, U_SEC, m, present, 4), 0);
    Exemplar__BallotChoice c[3] = {APPROVE, APPROVE, REJECT};
    for (int i = 0; i < 4; i++)
        assert_int_equal(vote(fx, present[i], m, ids, c, 3), 0);
    meeting_req(fx, fx->p[U_OTHER].client, m, true, EX_EPERM);
    r = meeting_req(fx, fx->p[U_SEC].client, m, true, 0);
    const Exemplar__Meeting *mt = r->meeting->meeting;
    assert_int_equal(mt->items[0]->result, RESULT(APPROVED));
    assert_int_equal(mt->items[0]->moved, 1);
    assert_int_equal(mt->items[1]->result, RESULT(APPROVED));
    assert_int_equal(mt->items[1]->moved, 0);
    if (!strstr(mt->items[1]->why, "the move was refused"))
        fail_msg("B's item: %s", mt->items[1]->why);
    assert_int_equal(mt->items[2]->result, RESULT(NOT_APPROVED));
    assert_int_equal(mt->items[2]->moved, 0);
    if (!strstr(mt->items[2]->why, "stays in fostering"))
        fail_msg("C's item: %s", mt->items[2]->why);
    if (!strstr(r->meeting->minutes, "Council of unit 01"))
        fail_msg("the minutes: %s", r->meeting->minutes);
    ex_reply_free(r);
    assert_int_equal(itest_get(fx->local, ids[0]).state, S(UNIT_REVIEWED));
    assert_int_equal(itest_get(fx->local, ids[1]).state, S(FOSTERING));
    assert_int_equal(itest_get(fx->local, ids[2]).state, S(FOSTERING));
}

/* meeting-list: one page of the newest meetings matching the filters. */
static Exemplar__Reply *list_meetings(ex_client_t *c, Exemplar__MeetingState state,
                                      const char *member, uint32_t limit, ProtobufCBinaryData token,
                                      int expect)
{
    Exemplar__MeetingListRequest l = EXEMPLAR__MEETING_LIST_REQUEST__INIT;
    l.state = state;
    l.member = (char *)(member ? member : "");
    l.limit = limit;
    l.page_token = token;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_LIST;
    req.meeting_list = &l;
    Exemplar__Reply *r;
    int rc = call(c, &req, &r);
    if (expect) {
        itest_require_error(rc, r, expect, "meeting list");
        ex_reply_free(r);
        return NULL;
    }
    itest_require_ok(rc, r, "meeting list");
    return r;
}

/* Three meetings come back newest first, two to a page and then the last;
 * the state and member filters hold; a member sees which agenda items they
 * voted on; a bad limit or token is refused. */
static void meetings_are_listed_newest_first_in_pages(void **state)
{
    fixture_t *fx = *state;
    set_council(fx);
    uint64_t ids[3], m[3];
    prepare(fx, ids, 3);
    for (int i = 0; i < 3; i++)
        m[i] = open_meeting(fx, SECRETARY, "10/BB-HĐTĐKT", &ids[i], 1, 0);
    Exemplar__BallotChoice yes[1] = {APPROVE};
    assert_int_equal(vote(fx, CHAIR, m[2], &ids[2], yes, 1), 0);
    Exemplar__Reply *r = meeting_req(fx, fx->p[SECRETARY].client, m[0], true, 0);
    ex_reply_free(r);
    ProtobufCBinaryData none = {0, NULL};
    r = list_meetings(fx->p[CHAIR].client, 0, NULL, 2, none, 0);
    const Exemplar__MeetingListReply *lr = r->meeting_list;
    assert_int_equal(lr->n_meetings, 2);
    assert_int_equal(lr->meetings[0]->meeting->id, m[2]);
    assert_int_equal(lr->meetings[1]->meeting->id, m[1]);
    assert_int_equal(lr->meetings[0]->n_you_voted, 1);
    assert_int_equal(lr->meetings[0]->you_voted[0], ids[2]);
    assert_int_equal(lr->meetings[1]->n_you_voted, 0);
    assert_int_equal(lr->meetings[0]->meeting->n_steps, 0);
    assert_true(lr->next_page_token.len > 0);
    uint8_t token[64];
    ProtobufCBinaryData next = {lr->next_page_token.len, token};
    memcpy(token, lr->next_page_token.data, lr->next_page_token.len);
    ex_reply_free(r);
    r = list_meetings(fx->p[CHAIR].client, 0, NULL, 2, next, 0);
    assert_int_equal(r->meeting_list->n_meetings, 1);
    assert_int_equal(r->meeting_list->meetings[0]->meeting->id, m[0]);
    assert_int_equal(r->meeting_list->next_page_token.len, 0);
    ex_reply_free(r);
    r = list_meetings(fx->p[M1].client, EXEMPLAR__MEETING_STATE__MEETING_STATE_CLOSED, NULL, 0,
                      none, 0);
    assert_int_equal(r->meeting_list->n_meetings, 1);
    assert_int_equal(r->meeting_list->meetings[0]->meeting->id, m[0]);
    ex_reply_free(r);
    r = list_meetings(fx->p[M1].client, EXEMPLAR__MEETING_STATE__MEETING_STATE_OPEN, NULL, 0, none,
                      0);
    assert_int_equal(r->meeting_list->n_meetings, 2);
    ex_reply_free(r);
    r = list_meetings(fx->p[M1].client, 0, fx->p[OUTSIDER].name, 0, none, 0);
    assert_int_equal(r->meeting_list->n_meetings, 0);
    ex_reply_free(r);
    list_meetings(fx->p[M1].client, 0, NULL, 1001, none, EX_EINVALID);
    ProtobufCBinaryData bad = {3, token};
    list_meetings(fx->p[M1].client, 0, NULL, 0, bad, EX_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_council_of_nine_reviews_twenty_nominations, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(quorum_missed_decides_nothing_and_met_by_one_decides, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_meeting_opens_only_in_the_ministry_review_window,
                                        setup_rules, teardown),
        cmocka_unit_test_setup_teardown(meetings_are_listed_newest_first_in_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(a_unit_council_reviews_its_unit_in_fostering, setup_rules,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
