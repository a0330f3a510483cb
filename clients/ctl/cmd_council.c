/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's council and meeting commands (council.proto): `council
 * set|show` keeps who sits on the Emulation and Commendation Council, and
 * `meeting open|attend|vote|close|show` runs the Ministry council's secret
 * ballot.  A ballot is read from stdin ("-"), one "ID approve|reject" per
 * line, so that the choice never stands on a command line other local users
 * see in the process list or a shell keeps in its history.
 */
#include "cmd_council.h"
#include "output.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "council.pb-c.h"
#include "errors.h"
#include "pbjson.h"
#include "summary_render.h"

#define COUNCIL_MEMBERS_MAX 100
#define BALLOT_LINES_MAX    200

static const char *const SEAT_NAME[] = {"none", "chair", "deputy", "member", "secretary"};

static Exemplar__CouncilRole seat_parse(const char *s)
{
    for (size_t i = 1; i < sizeof(SEAT_NAME) / sizeof(SEAT_NAME[0]); i++)
        if (strcmp(s, SEAT_NAME[i]) == 0)
            return (Exemplar__CouncilRole)i;
    return EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_NONE;
}

static const char *seat_name(Exemplar__CouncilRole r)
{
    return (unsigned)r < sizeof(SEAT_NAME) / sizeof(SEAT_NAME[0]) ? SEAT_NAME[r] : "?";
}

static Exemplar__CouncilLevel level_of(const ctl_args_t *a, char **unit)
{
    const char *u = a->opt[OPT_SLOT(OPT_UNIT)];
    *unit = u ? (char *)u : (char *)"";
    return u ? EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT
             : EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_MINISTRY;
}

static void print_council(ctl_t *ctl, const Exemplar__Council *c)
{
    if (ctl->json) {
        ctl_json_print(pbjson_from_message(&c->base));
        return;
    }
    if (c->unit[0])
        printf(_("council of unit %s, version %u"), c->unit, c->version);
    else
        printf(_("the Ministry's council, version %u"), c->version);
    if (c->decision[0])
        printf(_(" (decision %s)"), c->decision);
    printf("\n");
    static const char *const header[] = {N_("PRINCIPAL"), N_("ROLE"), N_("FROM"), N_("TO")};
    ctl_table_t t;
    ctl_table_init(&t, 4, header, NULL);
    for (size_t i = 0; i < c->n_members; i++) {
        const Exemplar__CouncilMember *m = c->members[i];
        const char *cells[] = {m->principal, seat_name(m->role),
                               m->valid_from[0] ? m->valid_from : "-",
                               m->valid_to[0] ? m->valid_to : "-"};
        ctl_table_add(&t, cells);
    }
    ctl_table_print(&t, stdout);
    ctl_table_deinit(&t);
}

/* council set MEMBER... with MEMBER = PRINCIPAL:ROLE[:FROM[:TO]] */
static int council_set(ctl_t *ctl, const ctl_args_t *a)
{
    size_t n = (size_t)a->argc - 1;
    if (n == 0 || n > COUNCIL_MEMBERS_MAX)
        return ctl_usage(ctl, _("council set PRINCIPAL:ROLE[:FROM[:TO]]... (1-%d members)"),
                         COUNCIL_MEMBERS_MAX);
    Exemplar__CouncilMember *m = calloc(n, sizeof(*m));
    Exemplar__CouncilMember **mp = calloc(n, sizeof(*mp));
    char **copies = calloc(n, sizeof(*copies));
    int status = m && mp && copies ? 0 : ctl_fail(ctl, EX_EINTERNAL, _("out of memory"));
    for (size_t i = 0; status == 0 && i < n; i++) {
        exemplar__council_member__init(&m[i]);
        mp[i] = &m[i];
        if (!(copies[i] = strdup(a->argv[i + 1]))) {
            status = ctl_fail(ctl, EX_EINTERNAL, _("out of memory"));
            break;
        }
        char *save = NULL;
        char *who = strtok_r(copies[i], ":", &save), *role = strtok_r(NULL, ":", &save);
        char *from = strtok_r(NULL, ":", &save), *to = strtok_r(NULL, ":", &save);
        if (!who || !role || strtok_r(NULL, ":", &save)) {
            status = ctl_usage(ctl,
                               _("a member is PRINCIPAL:ROLE[:FROM[:TO]], e.g. "
                                 "an.nguyen:chair:2026-01-01, not \"%s\""),
                               a->argv[i + 1]);
            break;
        }
        m[i].principal = who;
        m[i].role = seat_parse(role);
        if (m[i].role == EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_NONE) {
            status =
                ctl_usage(ctl, _("ROLE is chair, deputy, member or secretary, not \"%s\""), role);
            break;
        }
        m[i].valid_from = from && strcmp(from, "-") != 0 ? from : (char *)"";
        m[i].valid_to = to ? to : (char *)"";
    }
    if (status == 0) {
        Exemplar__Council c = EXEMPLAR__COUNCIL__INIT;
        c.level = level_of(a, &c.unit);
        c.members = mp;
        c.n_members = n;
        const char *d = a->opt[OPT_SLOT(OPT_DECISION)];
        c.decision = d ? (char *)d : (char *)"";
        Exemplar__CouncilSetRequest body = EXEMPLAR__COUNCIL_SET_REQUEST__INIT;
        body.council = &c;
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        req.body_case = EXEMPLAR__REQUEST__BODY_COUNCIL_SET;
        req.council_set = &body;
        Exemplar__Reply *r = NULL;
        if ((status = ctl_call(ctl, &req, &r)) == 0)
            print_council(ctl, r->council->council);
        ex_reply_free(r);
    }
    for (size_t i = 0; copies && i < n; i++)
        free(copies[i]);
    free(copies);
    free(mp);
    free(m);
    return status;
}

static int council_show(ctl_t *ctl, const ctl_args_t *a)
{
    if (a->argc != 1)
        return ctl_usage(ctl, _("council show takes no argument (--unit CODE for a unit's)"));
    Exemplar__CouncilShowRequest body = EXEMPLAR__COUNCIL_SHOW_REQUEST__INIT;
    body.level = level_of(a, &body.unit);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_COUNCIL_SHOW;
    req.council_show = &body;
    Exemplar__Reply *r = NULL;
    int status = ctl_call(ctl, &req, &r);
    if (status == 0)
        print_council(ctl, r->council->council);
    ex_reply_free(r);
    return status;
}

int cmd_council(ctl_t *ctl, const ctl_args_t *a)
{
    const char *sub = a->argv[0];
    if (strcmp(sub, "set") == 0)
        return council_set(ctl, a);
    if (strcmp(sub, "show") == 0)
        return council_show(ctl, a);
    return ctl_usage(ctl, _("council takes set or show, not \"%s\""), sub);
}

/* ---- meetings ----------------------------------------------------------- */

static const char *result_name(Exemplar__MeetingResult r)
{
    switch (r) {
    case EXEMPLAR__MEETING_RESULT__MEETING_RESULT_APPROVED:
        return _("approved");
    case EXEMPLAR__MEETING_RESULT__MEETING_RESULT_NOT_APPROVED:
        return _("not approved");
    case EXEMPLAR__MEETING_RESULT__MEETING_RESULT_NO_DECISION:
        return _("no decision");
    default:
        return "-";
    }
}

static void print_meeting(ctl_t *ctl, const Exemplar__MeetingReply *mr)
{
    const Exemplar__Meeting *m = mr->meeting;
    if (ctl->json) {
        ctl_json_print(pbjson_from_message(&mr->base));
        return;
    }
    if (mr->minutes[0]) {
        fputs(mr->minutes, stdout); /* the daemon's minutes, already in the caller's language */
        return;
    }
    printf(_("meeting %" PRIu64 " (%s), %s: open; %zu members, %zu present, %zu voted in "
             "writing\n"),
           m->id, m->minutes_ref, m->day, m->n_members, m->n_present, m->n_in_writing);
    printf(_("rules (rule set %s): %s\n"), m->ruleset[0] ? m->ruleset : "-", m->rules);
    static const char *const header[] = {N_("ID"), N_("NAME"), N_("UNIT"), N_("BALLOTS"),
                                         N_("RESULT")};
    ctl_table_t t;
    ctl_table_init(&t, 5, header, NULL);
    for (size_t i = 0; i < m->n_items; i++) {
        const Exemplar__MeetingItem *it = m->items[i];
        char id[24], ballots[16];
        snprintf(id, sizeof id, "%" PRIu64, it->nomination_id);
        snprintf(ballots, sizeof ballots, "%u", it->ballots);
        const char *cells[] = {id, it->name, it->unit, ballots, result_name(it->result)};
        ctl_table_add(&t, cells);
    }
    ctl_table_print(&t, stdout);
    ctl_table_deinit(&t);
}

static int meeting_call(ctl_t *ctl, Exemplar__Request *req)
{
    Exemplar__Reply *r = NULL;
    int status = ctl_call(ctl, req, &r);
    if (status == 0)
        print_meeting(ctl, r->meeting);
    ex_reply_free(r);
    return status;
}

static int parse_id(ctl_t *ctl, const char *what, const char *text, uint64_t *out)
{
    return ctl_parse_u64(ctl, what, text, 1, out);
}

static int meeting_open(ctl_t *ctl, const ctl_args_t *a)
{
    size_t n = a->argc > 2 ? (size_t)a->argc - 2 : 0;
    if (n == 0)
        return ctl_usage(ctl, _("meeting open MINUTES-REF ID..."));
    uint64_t *ids = calloc(n, sizeof(*ids));
    if (!ids)
        return ctl_fail(ctl, EX_EINTERNAL, _("out of memory"));
    int status = 0;
    for (size_t i = 0; status == 0 && i < n; i++)
        status = parse_id(ctl, "ID", a->argv[i + 2], &ids[i]);
    if (status == 0) {
        Exemplar__MeetingOpenRequest body = EXEMPLAR__MEETING_OPEN_REQUEST__INIT;
        body.level = level_of(a, &body.unit); /* --unit CODE: that unit's council */
        body.minutes_ref = a->argv[1];
        body.nominations = ids;
        body.n_nominations = n;
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_OPEN;
        req.meeting_open = &body;
        status = meeting_call(ctl, &req);
    }
    free(ids);
    return status;
}

static int meeting_attend(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id;
    if (a->argc < 3)
        return ctl_usage(ctl, _("meeting attend MEETING PRINCIPAL..."));
    int status = parse_id(ctl, "MEETING", a->argv[1], &id);
    if (status)
        return status;
    Exemplar__MeetingAttendRequest body = EXEMPLAR__MEETING_ATTEND_REQUEST__INIT;
    body.meeting_id = id;
    body.present = a->argv + 2;
    body.n_present = (size_t)a->argc - 2;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_ATTEND;
    req.meeting_attend = &body;
    return meeting_call(ctl, &req);
}

/* The ballot from stdin: "ID approve" or "ID reject" per line; blank lines
 * and lines starting with # are skipped. */
static int read_ballot(ctl_t *ctl, Exemplar__BallotLine *lines, size_t *n)
{
    char buf[256];
    int lineno = 0;
    *n = 0;
    while (fgets(buf, sizeof buf, stdin)) {
        lineno++;
        char *save = NULL, *id = strtok_r(buf, " \t\r\n", &save);
        if (!id || id[0] == '#')
            continue;
        char *choice = strtok_r(NULL, " \t\r\n", &save);
        if (*n == BALLOT_LINES_MAX)
            return ctl_usage(ctl, _("a ballot has at most %d lines"), BALLOT_LINES_MAX);
        Exemplar__BallotLine *l = &lines[*n];
        exemplar__ballot_line__init(l);
        int status = ctl_parse_u64(ctl, "ID", id, 1, &l->nomination_id);
        if (status)
            return status;
        if (choice && strcmp(choice, "approve") == 0)
            l->choice = EXEMPLAR__BALLOT_CHOICE__BALLOT_APPROVE;
        else if (choice && strcmp(choice, "reject") == 0)
            l->choice = EXEMPLAR__BALLOT_CHOICE__BALLOT_REJECT;
        else
            return ctl_usage(ctl, _("ballot line %d: ID approve or ID reject"), lineno);
        (*n)++;
    }
    return *n ? 0
              : ctl_usage(ctl, _("the ballot on stdin is empty: one \"ID approve\" or "
                                 "\"ID reject\" per line"));
}

static int meeting_vote(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id;
    if (a->argc != 3 || strcmp(a->argv[2], "-") != 0)
        return ctl_usage(ctl, _("meeting vote MEETING - (the ballot on stdin, never on the "
                                "command line)"));
    int status = parse_id(ctl, "MEETING", a->argv[1], &id);
    if (status)
        return status;
    Exemplar__BallotLine *lines = calloc(BALLOT_LINES_MAX, sizeof(*lines));
    Exemplar__BallotLine **lp = calloc(BALLOT_LINES_MAX, sizeof(*lp));
    size_t n = 0;
    status =
        lines && lp ? read_ballot(ctl, lines, &n) : ctl_fail(ctl, EX_EINTERNAL, _("out of memory"));
    if (status == 0) {
        for (size_t i = 0; i < n; i++)
            lp[i] = &lines[i];
        Exemplar__MeetingVoteRequest body = EXEMPLAR__MEETING_VOTE_REQUEST__INIT;
        body.meeting_id = id;
        body.ballots = lp;
        body.n_ballots = n;
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_VOTE;
        req.meeting_vote = &body;
        Exemplar__Reply *r = NULL;
        if ((status = ctl_call(ctl, &req, &r)) == 0 && !ctl->json)
            printf(_("ballot recorded: %zu nominations of meeting %" PRIu64 "\n"), n, id);
        else if (status == 0)
            print_meeting(ctl, r->meeting);
        ex_reply_free(r);
    }
    free(lines);
    free(lp);
    return status;
}

static int meeting_one(ctl_t *ctl, const ctl_args_t *a, bool close)
{
    uint64_t id;
    if (a->argc != 2)
        return ctl_usage(ctl, close ? _("meeting close MEETING") : _("meeting show MEETING"));
    int status = parse_id(ctl, "MEETING", a->argv[1], &id);
    if (status)
        return status;
    Exemplar__MeetingCloseRequest cl = EXEMPLAR__MEETING_CLOSE_REQUEST__INIT;
    Exemplar__MeetingShowRequest sh = EXEMPLAR__MEETING_SHOW_REQUEST__INIT;
    cl.meeting_id = sh.meeting_id = id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    if (close) {
        req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_CLOSE;
        req.meeting_close = &cl;
    } else {
        req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_SHOW;
        req.meeting_show = &sh;
    }
    return meeting_call(ctl, &req);
}

/* meeting list [--state open|closed] [--level unit|ministry] [--unit CODE]
 * [--limit N]: newest first, following next_page_token up to --limit. */
static int meeting_list(ctl_t *ctl, const ctl_args_t *a)
{
    if (a->argc != 1)
        return ctl_usage(ctl, _("meeting list takes no argument (--state, --level, --unit, "
                                "--limit)"));
    Exemplar__MeetingListRequest body = EXEMPLAR__MEETING_LIST_REQUEST__INIT;
    const char *state = a->opt[OPT_SLOT(OPT_STATE)], *level = a->opt[OPT_SLOT(OPT_LEVEL)];
    const char *unit = a->opt[OPT_SLOT(OPT_UNIT)], *limit_text = a->opt[OPT_SLOT(OPT_LIMIT)];
    if (state && strcmp(state, "open") == 0)
        body.state = EXEMPLAR__MEETING_STATE__MEETING_STATE_OPEN;
    else if (state && strcmp(state, "closed") == 0)
        body.state = EXEMPLAR__MEETING_STATE__MEETING_STATE_CLOSED;
    else if (state)
        return ctl_usage(ctl, _("--state is open or closed, not \"%s\""), state);
    if (level && strcmp(level, "unit") == 0)
        body.level = EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT;
    else if (level && strcmp(level, "ministry") == 0)
        body.level = EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_MINISTRY;
    else if (level)
        return ctl_usage(ctl, _("--level is unit or ministry, not \"%s\""), level);
    body.unit = unit ? (char *)unit : (char *)"";
    uint64_t limit = 1000;
    int status = limit_text ? ctl_parse_u64(ctl, "--limit", limit_text, 1, &limit) : 0;
    if (status)
        return status;
    json_object *arr = ctl->json ? json_object_new_array() : NULL;
    static const char *const header[] = {N_("MEETING"), N_("LEVEL"), N_("UNIT"),       N_("REF"),
                                         N_("DAY"),     N_("STATE"), N_("NOMINATIONS")};
    ctl_table_t t;
    ctl_table_init(&t, 7, header, NULL);
    uint8_t token[64];
    size_t token_len = 0, shown = 0;
    for (;;) {
        body.limit = (uint32_t)(limit - shown < 1000 ? limit - shown : 1000);
        body.page_token.data = token;
        body.page_token.len = token_len;
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_LIST;
        req.meeting_list = &body;
        Exemplar__Reply *r = NULL;
        if ((status = ctl_call(ctl, &req, &r)) != 0) {
            ex_reply_free(r);
            break;
        }
        const Exemplar__MeetingListReply *lr = r->meeting_list;
        for (size_t i = 0; i < lr->n_meetings; i++, shown++) {
            const Exemplar__Meeting *m = lr->meetings[i]->meeting;
            if (arr) {
                json_object_array_add(arr, pbjson_from_message(&lr->meetings[i]->base));
                continue;
            }
            char id[24], items[16];
            snprintf(id, sizeof id, "%" PRIu64, m->id);
            snprintf(items, sizeof items, "%zu", m->n_items);
            const char *cells[] = {
                id,
                m->level == EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT ? "unit" : "ministry",
                m->unit[0] ? m->unit : "-",
                m->minutes_ref,
                m->day,
                m->state == EXEMPLAR__MEETING_STATE__MEETING_STATE_OPEN ? "open" : "closed",
                items};
            ctl_table_add(&t, cells);
        }
        token_len = lr->next_page_token.len <= sizeof token ? lr->next_page_token.len : 0;
        if (token_len)
            memcpy(token, lr->next_page_token.data, token_len);
        ex_reply_free(r);
        if (!token_len || shown >= limit)
            break;
    }
    if (status == 0 && arr)
        ctl_json_print(arr);
    else if (arr)
        json_object_put(arr);
    if (status == 0 && !arr)
        ctl_table_print(&t, stdout);
    ctl_table_deinit(&t);
    return status;
}

/* ---- the minutes and the draft decision as documents (workers/summary) --- */

/* The nominations of the meeting's items (their kind, unit name and
 * campaign), each one read-only get; *replies holds them for free. */
static int meeting_nominations(ctl_t *ctl, const Exemplar__Meeting *m, Exemplar__Reply ***replies,
                               Exemplar__Nomination ***noms)
{
    *replies = calloc(m->n_items ? m->n_items : 1, sizeof(**replies));
    *noms = calloc(m->n_items ? m->n_items : 1, sizeof(**noms));
    if (!*replies || !*noms)
        return ctl_fail(ctl, EX_EINTERNAL, _("out of memory"));
    int status = 0;
    ex_client_t *c = ctl_client(ctl, &status);
    if (!c)
        return status;
    for (size_t i = 0; i < m->n_items; i++) {
        Exemplar__Reply *r = NULL;
        if ((status = ctl_call_status(ctl, ex_get(c, m->items[i]->nomination_id, &r), &r)) != 0)
            return status;
        (*replies)[i] = r;
        (*noms)[i] = r->nomination;
    }
    return 0;
}

/* meeting show MEETING --format html [--output FILE], meeting decision
 * MEETING [--output FILE]: the minutes or the draft recognition decision
 * on the Decree 30/2020 page, in Vietnamese unless --lang en. */
static int meeting_document(ctl_t *ctl, const ctl_args_t *a, bool decision)
{
    uint64_t id;
    if (a->argc != 2)
        return ctl_usage(ctl, decision ? _("meeting decision MEETING [--output FILE]")
                                       : _("meeting show MEETING --format html [--output FILE]"));
    const char *fmt = a->opt[OPT_SLOT(OPT_FORMAT)], *out = a->opt[OPT_SLOT(OPT_OUTPUT)];
    const char *lang_text = a->opt[OPT_SLOT(OPT_LANG)];
    const char *doc_file = a->opt[OPT_SLOT(OPT_DOCUMENT)];
    sr_lang_t lang = SR_VI; /* the documents are filed in Vietnamese unless --lang en */
    if (fmt && strcmp(fmt, "html") != 0)
        return ctl_usage(ctl,
                         _("a meeting's document is written as html (for print on A4), "
                           "not '%s'"),
                         fmt);
    if (lang_text && summary_lang_parse(lang_text, &lang) < 0)
        return ctl_usage(ctl, _("--lang is vi or en, not '%s'"), lang_text);
    int status = parse_id(ctl, "MEETING", a->argv[1], &id);
    if (status)
        return status;
    summary_doc_t doc = {0};
    char err[4608] = "";
    if (doc_file && summary_doc_load(&doc, doc_file, err, sizeof err) < 0) {
        summary_doc_free(&doc);
        return ctl_usage(ctl, "%s", err);
    }
    Exemplar__MeetingShowRequest sh = EXEMPLAR__MEETING_SHOW_REQUEST__INIT;
    sh.meeting_id = id;
    sh.for_decision = decision; /* the daemon checks the role and that it is closed */
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_MEETING_SHOW;
    req.meeting_show = &sh;
    Exemplar__Reply *r = NULL, **replies = NULL;
    Exemplar__Nomination **noms = NULL;
    if ((status = ctl_call(ctl, &req, &r)) != 0) {
        summary_doc_free(&doc);
        return status;
    }
    const Exemplar__MeetingReply *mr = r->meeting;
    if (decision && decision_check(mr->meeting, err, sizeof err) < 0)
        status = ctl_fail(ctl, EX_ECONFLICT, err);
    else
        status = meeting_nominations(ctl, mr->meeting, &replies, &noms);
    if (status == 0 && out) {
        int rc = meeting_write_file(mr, noms, decision, lang, &doc, out, err, sizeof err);
        status = rc < 0 ? ctl_fail_local(ctl, "%s", err) : EXIT_OK;
    } else if (status == 0) {
        int rc = decision ? decision_render_html(mr, noms, lang, &doc, stdout)
                          : minutes_render_html(mr, noms, lang, &doc, stdout);
        if (fflush(stdout) != 0 || rc < 0)
            status = ctl_fail_local(ctl, _("cannot write the output (%s)"), strerror(errno));
    }
    for (size_t i = 0; replies && i < mr->meeting->n_items; i++)
        ex_reply_free(replies[i]);
    free(replies);
    free(noms);
    ex_reply_free(r);
    summary_doc_free(&doc);
    return status;
}

int cmd_meeting(ctl_t *ctl, const ctl_args_t *a)
{
    const char *sub = a->argv[0];
    if (strcmp(sub, "decision") == 0)
        return meeting_document(ctl, a, true);
    if (strcmp(sub, "show") == 0 && a->opt[OPT_SLOT(OPT_FORMAT)])
        return meeting_document(ctl, a, false);
    if (strcmp(sub, "list") == 0)
        return meeting_list(ctl, a);
    if (strcmp(sub, "open") == 0)
        return meeting_open(ctl, a);
    if (strcmp(sub, "attend") == 0)
        return meeting_attend(ctl, a);
    if (strcmp(sub, "vote") == 0)
        return meeting_vote(ctl, a);
    if (strcmp(sub, "close") == 0 || strcmp(sub, "show") == 0)
        return meeting_one(ctl, a, strcmp(sub, "close") == 0);
    return ctl_usage(
        ctl, _("meeting takes list, open, attend, vote, close, show or decision, not \"%s\""), sub);
}
