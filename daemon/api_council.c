/* SPDX-License-Identifier: MIT */
/*
 * The council and its secret ballot (see api_council.h): councils as data,
 * a meeting's round from opening to minutes, and the storage of ballots
 * apart from their voters.
 */
#include "api_council.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_noms.h"
#include "api_rules.h"
#include "auth.h"
#include "campaign.h"
#include "council.h"
#include "council.pb-c.h"
#include "day.h"
#include "dedup.h"
#include "i18n.h"
#include "key.h"
#include "log.h"
#include "records.h"
#include "text.h"
#include "users.h"

#define COUNCIL_MEMBERS_MAX 100
#define AGENDA_MAX          200
#define MINUTES_REF_MAX     64
#define DECISION_MAX        128

/* ---- storage ------------------------------------------------------------ */

static size_t council_key(uint8_t out[KEY_MAX], Exemplar__CouncilLevel level, const char *unit)
{
    size_t n = strlen(unit);
    if (n > KEY_UNIT_MAX)
        n = KEY_UNIT_MAX;
    out[0] = (uint8_t)level;
    memcpy(out + 1, unit, n);
    return n + 1;
}

static int council_get(store_txn_t *t, Exemplar__CouncilLevel level, const char *unit,
                       Exemplar__Council **out)
{
    uint8_t k[KEY_MAX];
    store_val_t v;
    int rc = store_get(t, DB_COUNCILS, k, council_key(k, level, unit), &v);
    if (rc < 0)
        return rc;
    *out = exemplar__council__unpack(NULL, v.len, v.data);
    return *out ? 0 : -EX_ESTORAGE;
}

static int meeting_get(store_txn_t *t, uint64_t id, Exemplar__Meeting **out)
{
    uint8_t k[8];
    store_val_t v;
    key_put_u64(k, id);
    int rc = store_get(t, DB_MEETINGS, k, sizeof(k), &v);
    if (rc < 0)
        return rc;
    *out = exemplar__meeting__unpack(NULL, v.len, v.data);
    return *out ? 0 : -EX_ESTORAGE;
}

static void meeting_put(store_txn_t *t, const Exemplar__Meeting *m)
{
    uint8_t k[8];
    key_put_u64(k, m->id);
    records_put_message(t, DB_MEETINGS, k, sizeof(k), &m->base);
}

static uint64_t meeting_next_id(store_txn_t *t)
{
    store_iter_t it;
    store_val_t k, v;
    uint64_t id = 1;
    if (store_iter_open(t, DB_MEETINGS, &it) == 0) {
        if (store_iter_last(&it, &k, &v) == 0 && k.len == 8)
            id = key_get_u64(k.data) + 1;
        store_iter_close(&it);
    }
    return id;
}

/* The counts of one nomination: keyed by meeting and nomination only. */
static size_t tally_key(uint8_t out[16], uint64_t meeting, uint64_t nom)
{
    key_put_u64(out, meeting);
    key_put_u64(out + 8, nom);
    return 16;
}

static int tally_get(store_txn_t *t, uint64_t meeting, uint64_t nom, Exemplar__BallotTally *out)
{
    uint8_t k[16];
    store_val_t v;
    exemplar__ballot_tally__init(out);
    int rc = store_get(t, DB_BALLOTS, k, tally_key(k, meeting, nom), &v);
    if (rc == -EX_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    Exemplar__BallotTally *b = exemplar__ballot_tally__unpack(NULL, v.len, v.data);
    if (!b)
        return -EX_ESTORAGE;
    out->approve = b->approve;
    out->reject = b->reject;
    out->chair_approved = b->chair_approved;
    exemplar__ballot_tally__free_unpacked(b, NULL);
    return 0;
}

/* The voter's mark: meeting, nomination, principal.  Its key sorts by name,
 * never by time, and holds no choice. */
static size_t voter_key(uint8_t out[KEY_MAX], uint64_t meeting, uint64_t nom, const char *who)
{
    size_t n = strlen(who);
    if (n > KEY_MAX - 16)
        n = KEY_MAX - 16;
    key_put_u64(out, meeting);
    key_put_u64(out + 8, nom);
    memcpy(out + 16, who, n);
    return 16 + n;
}

static int voter_get(store_txn_t *t, uint64_t meeting, uint64_t nom, const char *who)
{
    uint8_t k[KEY_MAX];
    store_val_t v;
    return store_get(t, DB_BALLOT_VOTERS, k, voter_key(k, meeting, nom, who), &v);
}

/* ---- helpers ------------------------------------------------------------ */

static const char *const ROLE_NAME[] = {
    [EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_NONE] = "none",
    [EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_CHAIR] = "chair",
    [EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_DEPUTY] = "deputy",
    [EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_MEMBER] = "member",
    [EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_SECRETARY] = "secretary",
};

static bool valid_role(Exemplar__CouncilRole r)
{
    return r >= EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_CHAIR &&
           r <= EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_SECRETARY;
}

/* A member's dates as days: from (or the first day) to (or the last). */
static int member_days(const Exemplar__CouncilMember *m, int32_t *from, int32_t *to)
{
    *from = INT32_MIN;
    *to = INT32_MAX;
    if (m->valid_from[0] && day_parse(m->valid_from, from) < 0)
        return -1;
    if (m->valid_to[0] && day_parse(m->valid_to, to) < 0)
        return -1;
    return *from <= *to ? 0 : -1;
}

static bool member_on(const Exemplar__CouncilMember *m, int32_t day)
{
    int32_t from, to;
    return member_days(m, &from, &to) == 0 && from <= day && day <= to;
}

/* The principal's seat in the meeting's council, or NULL. */
static const Exemplar__CouncilMember *seat_of(const Exemplar__Meeting *m, const char *who)
{
    for (size_t i = 0; i < m->n_members; i++)
        if (strcmp(m->members[i]->principal, who) == 0)
            return m->members[i];
    return NULL;
}

static bool listed(char *const *v, size_t n, const char *who)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], who) == 0)
            return true;
    return false;
}

/* Is name a principal the daemon knows (keys file or local account)? */
static bool known_principal(store_txn_t *t, const char *name)
{
    actor_t a;
    if (auth_find_principal(name, &a) == 0)
        return true;
    Exemplar__LocalUser *u = NULL;
    if (users_get(t, name, &u) < 0)
        return false;
    exemplar__local_user__free_unpacked(u, NULL);
    return true;
}

/* The council rules that govern a meeting held on day: the rule set in
 * force that year, else the latest rule set, else the defaults. */
static const ruleset_t *rules_of_day(const call_t *x, int32_t day, Exemplar__CouncilLevel level,
                                     council_rules_t *out)
{
    const rulebook_t *b = rules_book(x->rules);
    const ruleset_t *s = b ? rulebook_for_year(b, day_year(day)) : NULL;
    if (!s && b && b->n_sets)
        s = &b->sets[b->n_sets - 1];
    if (s)
        *out = level == EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT ? s->unit_council : s->council;
    else
        council_rules_default(out);
    return s;
}

static const ruleset_t *meeting_rules(const call_t *x, const Exemplar__Meeting *m,
                                      council_rules_t *out)
{
    int32_t day = 0;
    if (day_parse(m->day, &day) < 0)
        day = rules_today(x->rules, x->now_ms);
    return rules_of_day(x, day, m->level, out);
}

static void describe_rules(const council_rules_t *r, char *buf, size_t len)
{
    snprintf(buf, len, _("quorum %u/%u of members present; approval %u/%u of %s%s%s%s"),
             r->quorum.num, r->quorum.den, r->threshold.num, r->threshold.den,
             r->threshold_base == COUNCIL_BASE_MEMBERS ? _("all members") : _("the ballots cast"),
             r->chair_approval_required ? _("; the chair's approval required") : "",
             r->written_votes ? _("; absent members vote in writing") : _("; no written votes"),
             r->tie == COUNCIL_TIE_REVOTE  ? _("; a tie is voted on again")
             : r->tie == COUNCIL_TIE_CHAIR ? _("; the chair's ballot breaks a tie")
                                           : "");
}

/* Appends a step to the meeting's record: who did what, never a choice. */
static int add_step(Exemplar__Meeting *m, const call_t *x, const char *what, const uint64_t *noms,
                    size_t n_noms)
{
    Exemplar__MeetingStep **v = realloc(m->steps, (m->n_steps + 1) * sizeof(*v));
    if (!v)
        return -EX_EINTERNAL;
    m->steps = v;
    Exemplar__MeetingStep *s = malloc(sizeof(*s));
    if (!s)
        return -EX_EINTERNAL;
    exemplar__meeting_step__init(s);
    s->at_ms = x->now_ms;
    s->principal = strdup(x->actor->name);
    s->what = strdup(what);
    if (n_noms && (s->nominations = malloc(n_noms * sizeof(uint64_t))) != NULL) {
        memcpy(s->nominations, noms, n_noms * sizeof(uint64_t));
        s->n_nominations = n_noms;
    }
    m->steps[m->n_steps++] = s;
    return s->principal && s->what ? 0 : -EX_EINTERNAL;
}

static int add_name(char ***v, size_t *n, const char *who)
{
    char **nv = realloc(*v, (*n + 1) * sizeof(**v));
    if (!nv)
        return -EX_EINTERNAL;
    *v = nv;
    if (!(nv[*n] = strdup(who)))
        return -EX_EINTERNAL;
    (*n)++;
    return 0;
}

static int reply_council(call_t *x, Exemplar__Council *c)
{
    Exemplar__CouncilReply r = EXEMPLAR__COUNCIL_REPLY__INIT;
    r.council = c;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_COUNCIL;
    x->reply.council = &r;
    return api_pack(x);
}

/* The minutes (biên bản) of a closed meeting, as text. */
static char *minutes_text(const call_t *x, const Exemplar__Meeting *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fprintf(f,
            _("MINUTES %s of the meeting of the Emulation and Commendation Council (meeting "
              "%llu)\n"),
            m->minutes_ref, (unsigned long long)m->id);
    if (m->level == EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT)
        fprintf(f, _("Council of unit %s\n"), m->unit);
    fprintf(f, _("Day: %s; opened by %s; closed by %s\n"), m->day, m->opened_by, m->closed_by);
    fprintf(f, _("Rules (rule set %s): %s\n"), m->ruleset[0] ? m->ruleset : "-", m->rules);
    fprintf(f, _("Members: %zu; present: %zu; absent, voted in writing: %zu\n"), m->n_members,
            m->n_present, m->n_in_writing);
    for (size_t i = 0; i < m->n_members; i++) {
        const char *who = m->members[i]->principal;
        const char *how = listed(m->present, m->n_present, who)         ? _("present")
                          : listed(m->in_writing, m->n_in_writing, who) ? _("voted in writing")
                                                                        : _("absent");
        unsigned r = (unsigned)m->members[i]->role;
        fprintf(f, "  %-24s %-10s %s\n", who, r <= 4 ? ROLE_NAME[r] : "?", how);
    }
    for (size_t i = 0; i < m->n_items; i++) {
        const Exemplar__MeetingItem *it = m->items[i];
        const char *res = it->result == EXEMPLAR__MEETING_RESULT__MEETING_RESULT_APPROVED
                              ? _("approved")
                          : it->result == EXEMPLAR__MEETING_RESULT__MEETING_RESULT_NOT_APPROVED
                              ? _("not approved")
                              : _("no decision");
        fprintf(f, _("Nomination %llu (%s, %s): approve %u, reject %u, needed %u: %s%s\n"),
                (unsigned long long)it->nomination_id, it->name, it->unit, it->approve, it->reject,
                it->needed, res, it->moved ? _(", moved") : "");
        if (it->why[0])
            fprintf(f, "  %s\n", it->why);
    }
    (void)x;
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Who has voted on each nomination (names in key order: alphabetical). */
static int collect_voters(call_t *x, const Exemplar__Meeting *m, Exemplar__MeetingVoters ***out)
{
    Exemplar__MeetingVoters **v = calloc(m->n_items ? m->n_items : 1, sizeof(*v));
    if (!v)
        return -EX_EINTERNAL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < m->n_items; i++) {
        Exemplar__MeetingVoters *mv = calloc(1, sizeof(*mv));
        if (!mv) {
            rc = -EX_EINTERNAL;
            break;
        }
        exemplar__meeting_voters__init(mv);
        mv->nomination_id = m->items[i]->nomination_id;
        v[i] = mv;
        uint8_t prefix[16];
        tally_key(prefix, m->id, mv->nomination_id);
        store_iter_t it;
        store_val_t k, val;
        if ((rc = store_iter_open(x->txn, DB_BALLOT_VOTERS, &it)) < 0)
            break;
        int r = store_iter_seek(&it, prefix, sizeof(prefix), &k, &val);
        while (r == 0 && k.len > 16 && memcmp(k.data, prefix, 16) == 0) {
            char *name = strndup((const char *)k.data + 16, k.len - 16);
            if (!name || add_name(&mv->principals, &mv->n_principals, name) < 0) {
                free(name);
                rc = -EX_EINTERNAL;
                break;
            }
            free(name);
            r = store_iter_next(&it, &k, &val);
        }
        store_iter_close(&it);
    }
    *out = v;
    return rc;
}

static void free_voters(Exemplar__MeetingVoters **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        if (!v[i])
            continue;
        for (size_t j = 0; j < v[i]->n_principals; j++)
            free(v[i]->principals[j]);
        free(v[i]->principals);
        free(v[i]);
    }
    free(v);
}

static int reply_meeting(call_t *x, Exemplar__Meeting *m)
{
    Exemplar__MeetingReply r = EXEMPLAR__MEETING_REPLY__INIT;
    Exemplar__MeetingVoters **voters = NULL;
    char *minutes = NULL;
    int rc = collect_voters(x, m, &voters);
    if (rc == 0 && m->state == EXEMPLAR__MEETING_STATE__MEETING_STATE_CLOSED &&
        !(minutes = minutes_text(x, m)))
        rc = -EX_EINTERNAL;
    if (rc == 0) {
        r.meeting = m;
        r.voters = voters;
        r.n_voters = m->n_items;
        r.minutes = minutes ? minutes : (char *)"";
        x->reply.body_case = EXEMPLAR__REPLY__BODY_MEETING;
        x->reply.meeting = &r;
        rc = api_pack(x);
    }
    free_voters(voters, m->n_items);
    free(minutes);
    return rc;
}

/* ---- councils ----------------------------------------------------------- */

static int check_level(call_t *x, Exemplar__CouncilLevel level, const char *unit)
{
    if (level == EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_MINISTRY && !unit[0])
        return 0;
    if (level == EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT &&
        text_is_code(unit, KEY_UNIT_MAX, false))
        return 0;
    return api_refuse(x, -EX_EINVALID,
                      _("a council is the Ministry's (level ministry, no unit) or a unit's "
                        "(level unit and the unit's code)"));
}

static int check_members(call_t *x, const Exemplar__Council *c)
{
    if (c->n_members == 0 || c->n_members > COUNCIL_MEMBERS_MAX)
        return api_refuse(x, -EX_EINVALID, _("a council has 1-%d members, not %zu"),
                          COUNCIL_MEMBERS_MAX, c->n_members);
    bool chair = false, secretary = false;
    for (size_t i = 0; i < c->n_members; i++) {
        const Exemplar__CouncilMember *m = c->members[i];
        int32_t from, to;
        if (!m->principal[0] || !users_valid_name(m->principal))
            return api_refuse(x, -EX_EINVALID, _("member %zu: a principal's name is required"),
                              i + 1);
        if (!known_principal(x->txn, m->principal))
            return api_refuse(x, -EX_EINVALID,
                              _("member %s is no principal of the daemon: add it to the keys "
                                "file or as a local account (exemplarctl user add) first"),
                              m->principal);
        if (!valid_role(m->role))
            return api_refuse(x, -EX_EINVALID,
                              _("member %s: role must be chair, deputy, member or secretary"),
                              m->principal);
        if (member_days(m, &from, &to) < 0)
            return api_refuse(x, -EX_EINVALID,
                              _("member %s: valid_from and valid_to must be days YYYY-MM-DD, "
                                "the first not after the second"),
                              m->principal);
        for (size_t j = 0; j < i; j++) {
            int32_t f2, t2;
            const Exemplar__CouncilMember *o = c->members[j];
            if (strcmp(o->principal, m->principal) == 0 && member_days(o, &f2, &t2) == 0 &&
                from <= t2 && f2 <= to)
                return api_refuse(x, -EX_EINVALID,
                                  _("member %s is seated twice in overlapping dates"),
                                  m->principal);
        }
        chair |= m->role == EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_CHAIR;
        secretary |= m->role == EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_SECRETARY;
    }
    if (!chair || !secretary)
        return api_refuse(x, -EX_EINVALID,
                          _("a council needs a chair and a secretary (the secretary opens and "
                            "closes its meetings)"));
    return 0;
}

int api_council_set(call_t *x)
{
    const Exemplar__CouncilSetRequest *r = x->req->council_set;
    if (!r->council)
        return api_refuse(x, -EX_EINVALID, _("council is required"));
    Exemplar__Council c = *r->council;
    int rc = check_level(x, c.level, c.unit);
    if (rc == 0)
        rc = check_members(x, &c);
    if (rc == 0 && strlen(c.decision) > DECISION_MAX)
        rc = api_refuse(x, -EX_EINVALID, _("decision must be at most %d bytes"), DECISION_MAX);
    if (rc < 0)
        return rc;
    Exemplar__Council *old = NULL;
    rc = council_get(x->txn, c.level, c.unit, &old);
    if (rc < 0 && rc != -EX_ENOTFOUND)
        return rc;
    c.version = old ? old->version + 1 : 1;
    if (old)
        exemplar__council__free_unpacked(old, NULL);
    c.updated_ms = x->now_ms;
    c.updated_by = (char *)x->actor->name;
    uint8_t k[KEY_MAX];
    records_put_message(x->txn, DB_COUNCILS, k, council_key(k, c.level, c.unit), &c.base);
    log_info("council, %s set the %s council%s%s: %zu members, version %u", x->actor->name,
             c.level == EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_MINISTRY ? "ministry" : "unit",
             c.unit[0] ? " of " : "", c.unit, c.n_members, c.version);
    return reply_council(x, &c);
}

int api_council_show(call_t *x)
{
    const Exemplar__CouncilShowRequest *r = x->req->council_show;
    Exemplar__Council *c = NULL;
    int rc = council_get(x->txn, r->level, r->unit, &c);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(x, rc,
                          _("no council is set at that level; an administrator sets it "
                            "with exemplarctl council set"));
    if (rc < 0)
        return rc;
    rc = reply_council(x, c);
    exemplar__council__free_unpacked(c, NULL);
    return rc;
}

/* ---- meetings ----------------------------------------------------------- */

static int load_meeting(call_t *x, uint64_t id, Exemplar__Meeting **m)
{
    int rc = meeting_get(x->txn, id, m);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(x, rc, _("no meeting has id %llu"), (unsigned long long)id);
    return rc;
}

static int need_open(call_t *x, const Exemplar__Meeting *m)
{
    if (m->state == EXEMPLAR__MEETING_STATE__MEETING_STATE_OPEN)
        return 0;
    return api_refuse(x, -EX_ECONFLICT, _("meeting %llu is closed: its minutes are final"),
                      (unsigned long long)m->id);
}

/* Who acts for a council: at the Ministry's, anyone but a unit officer (the
 * request table lets ministry reviewers in); at a unit's, a unit officer
 * (or an administrator) whose scope covers the unit, as for its moves. */
static int need_level_actor(call_t *x, Exemplar__CouncilLevel level, const char *unit,
                            const char *verb)
{
    if (level == EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT) {
        if (x->actor->role != ROLE_ADMIN && x->actor->role != ROLE_UNIT_OFFICER)
            return api_refuse(x, -EX_EPERM,
                              _("%s may not %s a meeting of unit %s's council: its secretary "
                                "acts as a unit officer of the unit"),
                              x->actor->name, verb, unit);
        if (x->actor->role == ROLE_UNIT_OFFICER && !api_in_unit_scope(x, unit, NULL))
            return api_refuse(x, -EX_EPERM,
                              _("%s acts for unit %s and may not %s a meeting of unit %s's "
                                "council"),
                              x->actor->name, x->actor->unit, verb, unit);
        return 0;
    }
    if (x->actor->role == ROLE_UNIT_OFFICER)
        return api_refuse(x, -EX_EPERM,
                          _("%s is a unit officer and may not %s a meeting of the Ministry's "
                            "council: its secretary is a ministry reviewer"),
                          x->actor->name, verb);
    return 0;
}

static int need_secretary(call_t *x, const Exemplar__Meeting *m, const char *verb)
{
    int rc = need_level_actor(x, m->level, m->unit, verb);
    if (rc < 0)
        return rc;
    const Exemplar__CouncilMember *s = seat_of(m, x->actor->name);
    if (s && s->role == EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_SECRETARY)
        return 0;
    return api_refuse(x, -EX_EPERM,
                      _("%s is not the secretary of meeting %llu's council and may not %s it"),
                      x->actor->name, (unsigned long long)m->id, verb);
}

/* A dry run of the move the result will make (return, the exit with no
 * criteria guard): the state, the role and the ministry-review window of
 * the nomination's campaign, as `move` checks them. */
/* A nomination is on the agenda of one open meeting at a time: a second
 * meeting's result would otherwise move it again, or be refused at its
 * close.  Meetings are few (a handful a year), so they are walked. */
static int check_not_on_open_agenda(call_t *x, const uint64_t *ids, size_t n)
{
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(x->txn, DB_MEETINGS, &it);
    if (rc < 0)
        return rc;
    int r = store_iter_seek(&it, "", 0, &k, &v);
    while (rc == 0 && r == 0) {
        Exemplar__Meeting *m = exemplar__meeting__unpack(NULL, v.len, v.data);
        if (!m) {
            rc = -EX_ESTORAGE;
            break;
        }
        for (size_t i = 0;
             m->state == EXEMPLAR__MEETING_STATE__MEETING_STATE_OPEN && rc == 0 && i < m->n_items;
             i++)
            for (size_t j = 0; rc == 0 && j < n; j++)
                if (m->items[i]->nomination_id == ids[j])
                    rc = api_refuse(x, -EX_ECONFLICT,
                                    _("nomination %llu is on the agenda of meeting %llu, still "
                                      "open; close that meeting first"),
                                    (unsigned long long)ids[j], (unsigned long long)m->id);
        exemplar__meeting__free_unpacked(m, NULL);
        r = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    return rc;
}

static int check_reviewable(call_t *x, const Exemplar__MeetingOpenRequest *r,
                            const Exemplar__Nomination *n, const char *reason)
{
    bool unit_level = r->level == EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT;
    if (unit_level && strcmp(n->unit, r->unit) != 0)
        return api_refuse(x, -EX_EINVALID,
                          _("nomination %llu is of unit %s: unit %s's council reviews its own "
                            "unit's nominations"),
                          (unsigned long long)n->id, n->unit, r->unit);
    char acting[KEY_UNIT_MAX + 1] = "", what[48];
    snprintf(what, sizeof(what), "nomination %llu", (unsigned long long)n->id);
    int rc = api_check_unit_scope(x, n->unit, n->unit_name, true, "review", what, acting,
                                  sizeof(acting));
    if (rc < 0)
        return rc;
    if (unit_level && n->state != EXEMPLAR__STATE__STATE_FOSTERING)
        return api_refuse(x, -EX_ENOMOVE,
                          _("nomination %llu is not in fostering: a unit's council reviews the "
                            "nominations its unit fostered"),
                          (unsigned long long)n->id);
    if (!unit_level && n->state != EXEMPLAR__STATE__STATE_UNIT_REVIEWED)
        return api_refuse(x, -EX_ENOMOVE,
                          _("nomination %llu is not unit-reviewed: the council reviews what "
                            "units sent up"),
                          (unsigned long long)n->id);
    nom_view_t v = {n->id, n->version, (nom_state_t)n->state, n->unit, n->campaign, acting};
    rules_ctx_t ctx = {0};
    nom_rules_t nr;
    const nom_rules_t *use = NULL;
    const nom_move_t *move = NULL;
    rc = api_rules_bind(x, n, NULL, NULL, &ctx, &nr, &use);
    if (rc == 0)
        /* the side exit of the result's level, which has no criteria
         * guard: its role, window and scope are the result's move's */
        rc = nom_check_move(&v, unit_level ? NOM_NOT_SELECTED : NOM_RETURNED, n->version, x->actor,
                            reason, use, x->why, sizeof(x->why), &move);
    return rc;
}

int api_council_meeting_open(call_t *x)
{
    const Exemplar__MeetingOpenRequest *r = x->req->meeting_open;
    char *ref = NULL;
    Exemplar__Council *c = NULL;
    int rc = 0;
    bool unit_level = r->level == EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT;
    if ((rc = check_level(x, r->level, r->unit)) < 0)
        return rc;
    if ((rc = need_level_actor(x, r->level, r->unit, _("open"))) < 0)
        return rc;
    if (r->n_nominations == 0 || r->n_nominations > AGENDA_MAX)
        return api_refuse(x, -EX_EINVALID, _("a meeting reviews 1-%d nominations, not %zu"),
                          AGENDA_MAX, r->n_nominations);
    if (text_normalize(r->minutes_ref, MINUTES_REF_MAX, true, false, &ref) < 0)
        return api_refuse(x, -EX_EINVALID,
                          _("minutes_ref is required: the minutes' reference (e.g. "
                            "05/BB-HĐTĐKT), 1-%d bytes on one line"),
                          MINUTES_REF_MAX);
    rc = council_get(x->txn, r->level, r->unit, &c);
    if (rc == -EX_ENOTFOUND && unit_level) {
        rc = api_refuse(x, rc,
                        _("no council of unit %s is set; an administrator sets it with "
                          "exemplarctl council set --unit %s"),
                        r->unit, r->unit);
        goto out;
    }
    if (rc == -EX_ENOTFOUND) {
        rc = api_refuse(x, rc,
                        _("no Ministry council is set; an administrator sets it with "
                          "exemplarctl council set"));
        goto out;
    }
    if (rc < 0)
        goto out;
    int32_t today = rules_today(x->rules, x->now_ms);
    Exemplar__Meeting m = EXEMPLAR__MEETING__INIT;
    Exemplar__CouncilMember **seats = calloc(c->n_members, sizeof(*seats));
    Exemplar__MeetingItem *items = calloc(r->n_nominations, sizeof(*items));
    Exemplar__MeetingItem **itemp = calloc(r->n_nominations, sizeof(*itemp));
    Exemplar__Nomination **noms = calloc(r->n_nominations, sizeof(*noms));
    if (!seats || !items || !itemp || !noms) {
        rc = -EX_EINTERNAL;
        goto done;
    }
    for (size_t i = 0; i < c->n_members; i++)
        if (member_on(c->members[i], today))
            seats[m.n_members++] = c->members[i];
    m.members = seats;
    const Exemplar__CouncilMember *me = seat_of(&m, x->actor->name);
    if ((!me || me->role != EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_SECRETARY) && unit_level) {
        rc = api_refuse(x, -EX_EPERM,
                        _("%s is not the secretary of unit %s's council today and may not open "
                          "its meeting"),
                        x->actor->name, r->unit);
        goto done;
    }
    if (!me || me->role != EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_SECRETARY) {
        rc = api_refuse(x, -EX_EPERM,
                        _("%s is not the secretary of the Ministry council today and may not "
                          "open its meeting"),
                        x->actor->name);
        goto done;
    }
    for (size_t i = 0; i < r->n_nominations; i++) {
        uint64_t id = r->nominations[i];
        for (size_t j = 0; j < i; j++)
            if (r->nominations[j] == id) {
                rc = api_refuse(x, -EX_EINVALID, _("nomination %llu is on the agenda twice"),
                                (unsigned long long)id);
                goto done;
            }
        rc = records_get_nomination(x->txn, id, &noms[i]);
        if (rc == -EX_ENOTFOUND)
            rc = api_refuse(x, rc, _("no nomination has id %llu"), (unsigned long long)id);
        if (rc == 0)
            rc = check_reviewable(x, r, noms[i], ref);
        if (rc < 0)
            goto done;
        exemplar__meeting_item__init(&items[i]);
        items[i].nomination_id = id;
        items[i].name = noms[i]->name;
        items[i].unit = noms[i]->unit;
        items[i].version = noms[i]->version;
        itemp[i] = &items[i];
    }
    if ((rc = check_not_on_open_agenda(x, r->nominations, r->n_nominations)) < 0)
        goto done;
    m.items = itemp;
    m.n_items = r->n_nominations;
    council_rules_t rules;
    const ruleset_t *set = rules_of_day(x, today, r->level, &rules);
    char words[256], day[16];
    describe_rules(&rules, words, sizeof(words));
    m.id = meeting_next_id(x->txn);
    m.level = r->level;
    m.unit = r->unit;
    m.state = EXEMPLAR__MEETING_STATE__MEETING_STATE_OPEN;
    m.minutes_ref = ref;
    m.day = (char *)day_format(today, day, sizeof(day));
    m.opened_by = (char *)x->actor->name;
    m.opened_ms = x->now_ms;
    m.ruleset = set ? (char *)set->id : (char *)"";
    m.rules = words;
    Exemplar__MeetingStep step = EXEMPLAR__MEETING_STEP__INIT, *stepp = &step;
    step.at_ms = x->now_ms;
    step.principal = (char *)x->actor->name;
    step.what = (char *)"open";
    step.nominations = (uint64_t *)r->nominations;
    step.n_nominations = r->n_nominations;
    m.steps = &stepp;
    m.n_steps = 1;
    meeting_put(x->txn, &m);
    log_info("council, %s opened meeting %llu (%s) over %zu nominations", x->actor->name,
             (unsigned long long)m.id, ref, m.n_items);
    rc = reply_meeting(x, &m);
done:
    for (size_t i = 0; noms && i < r->n_nominations; i++)
        if (noms[i])
            exemplar__nomination__free_unpacked(noms[i], NULL);
    free(noms);
    free(items);
    free(itemp);
    free(seats);
out:
    if (c)
        exemplar__council__free_unpacked(c, NULL);
    free(ref);
    return rc;
}

/* Has who voted in writing on anything of m? */
static bool voted_in_writing(const Exemplar__Meeting *m, const char *who)
{
    return listed(m->in_writing, m->n_in_writing, who);
}

int api_council_meeting_attend(call_t *x)
{
    const Exemplar__MeetingAttendRequest *r = x->req->meeting_attend;
    Exemplar__Meeting *m = NULL;
    int rc = load_meeting(x, r->meeting_id, &m);
    if (rc == 0)
        rc = need_open(x, m);
    if (rc == 0)
        rc = need_secretary(x, m, _("record attendance at"));
    if (rc == 0 && (r->n_present == 0 || r->n_present > COUNCIL_MEMBERS_MAX))
        rc = api_refuse(x, -EX_EINVALID, _("present names 1-%d members"), COUNCIL_MEMBERS_MAX);
    for (size_t i = 0; rc == 0 && i < r->n_present; i++) {
        const char *who = r->present[i];
        if (!seat_of(m, who))
            rc = api_refuse(x, -EX_EINVALID,
                            _("%s is not a member of meeting %llu's council on its day"), who,
                            (unsigned long long)m->id);
        else if (voted_in_writing(m, who))
            rc = api_refuse(x, -EX_ECONFLICT,
                            _("%s already voted in writing as an absent member; a member "
                              "votes once"),
                            who);
        else if (!listed(m->present, m->n_present, who))
            rc = add_name(&m->present, &m->n_present, who);
    }
    if (rc == 0)
        rc = add_step(m, x, "present", NULL, 0);
    if (rc == 0) {
        /* the names go into the step as the meeting's attendance */
        meeting_put(x->txn, m);
        log_info("council, %s recorded %zu present at meeting %llu (%zu in all)", x->actor->name,
                 r->n_present, (unsigned long long)m->id, m->n_present);
        rc = reply_meeting(x, m);
    }
    if (m)
        exemplar__meeting__free_unpacked(m, NULL);
    return rc;
}

static Exemplar__MeetingItem *item_of(const Exemplar__Meeting *m, uint64_t nom)
{
    for (size_t i = 0; i < m->n_items; i++)
        if (m->items[i]->nomination_id == nom)
            return m->items[i];
    return NULL;
}

static int check_ballots(call_t *x, const Exemplar__Meeting *m,
                         const Exemplar__MeetingVoteRequest *r)
{
    if (r->n_ballots == 0 || r->n_ballots > m->n_items)
        return api_refuse(x, -EX_EINVALID, _("a ballot holds 1-%zu lines, one per nomination"),
                          m->n_items);
    for (size_t i = 0; i < r->n_ballots; i++) {
        const Exemplar__BallotLine *b = r->ballots[i];
        if (!item_of(m, b->nomination_id))
            return api_refuse(x, -EX_EINVALID, _("nomination %llu is not on meeting %llu's agenda"),
                              (unsigned long long)b->nomination_id, (unsigned long long)m->id);
        if (b->choice != EXEMPLAR__BALLOT_CHOICE__BALLOT_APPROVE &&
            b->choice != EXEMPLAR__BALLOT_CHOICE__BALLOT_REJECT)
            return api_refuse(x, -EX_EINVALID,
                              _("nomination %llu: a ballot line approves or rejects"),
                              (unsigned long long)b->nomination_id);
        for (size_t j = 0; j < i; j++)
            if (r->ballots[j]->nomination_id == b->nomination_id)
                return api_refuse(x, -EX_EINVALID, _("nomination %llu is on the ballot twice"),
                                  (unsigned long long)b->nomination_id);
        int rc = voter_get(x->txn, m->id, b->nomination_id, x->actor->name);
        if (rc == 0)
            return api_refuse(x, -EX_ECONFLICT,
                              _("%s already voted on nomination %llu at meeting %llu; a ballot "
                                "is cast once"),
                              x->actor->name, (unsigned long long)b->nomination_id,
                              (unsigned long long)m->id);
        if (rc != -EX_ENOTFOUND)
            return rc;
    }
    return 0;
}

int api_council_meeting_vote(call_t *x)
{
    const Exemplar__MeetingVoteRequest *r = x->req->meeting_vote;
    Exemplar__Meeting *m = NULL;
    int rc = load_meeting(x, r->meeting_id, &m);
    if (rc == 0)
        rc = need_open(x, m);
    if (rc < 0)
        goto out;
    const Exemplar__CouncilMember *seat = seat_of(m, x->actor->name);
    if (!seat) {
        rc = api_refuse(x, -EX_EPERM,
                        _("%s is not a member of meeting %llu's council and may not vote"),
                        x->actor->name, (unsigned long long)m->id);
        goto out;
    }
    council_rules_t rules;
    meeting_rules(x, m, &rules);
    bool present = listed(m->present, m->n_present, x->actor->name);
    if (!present && !rules.written_votes) {
        rc = api_refuse(x, -EX_EINVALID,
                        _("%s is not recorded present and the rules refuse written votes; ask "
                          "the secretary to record you present"),
                        x->actor->name);
        goto out;
    }
    if ((rc = check_ballots(x, m, r)) < 0)
        goto out;
    /* The voter's marks and the counts, in this one transaction: the
     * marks say who (and whether in writing), the counts how many; no key,
     * time or sequence joins a mark to a count. */
    Exemplar__BallotVoter mark = EXEMPLAR__BALLOT_VOTER__INIT;
    mark.in_writing = !present;
    uint64_t *noms = calloc(r->n_ballots, sizeof(*noms));
    if (!noms) {
        rc = -EX_EINTERNAL;
        goto out;
    }
    bool chair = seat->role == EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_CHAIR;
    for (size_t i = 0; rc == 0 && i < r->n_ballots; i++) {
        const Exemplar__BallotLine *b = r->ballots[i];
        uint8_t k[KEY_MAX];
        records_put_message(x->txn, DB_BALLOT_VOTERS, k,
                            voter_key(k, m->id, b->nomination_id, x->actor->name), &mark.base);
        Exemplar__BallotTally t;
        if ((rc = tally_get(x->txn, m->id, b->nomination_id, &t)) < 0)
            break;
        if (b->choice == EXEMPLAR__BALLOT_CHOICE__BALLOT_APPROVE)
            t.approve++;
        else
            t.reject++;
        if (council_keeps_chair_ballot(&rules) && chair)
            t.chair_approved = b->choice == EXEMPLAR__BALLOT_CHOICE__BALLOT_APPROVE;
        records_put_message(x->txn, DB_BALLOTS, k, tally_key(k, m->id, b->nomination_id), &t.base);
        item_of(m, b->nomination_id)->ballots++;
        noms[i] = b->nomination_id;
    }
    if (rc == 0 && !present && !voted_in_writing(m, x->actor->name))
        rc = add_name(&m->in_writing, &m->n_in_writing, x->actor->name);
    if (rc == 0)
        rc = add_step(m, x, present ? "vote" : "vote-in-writing", noms, r->n_ballots);
    free(noms);
    if (rc == 0) {
        meeting_put(x->txn, m);
        log_info("council, %s voted%s on %zu nominations of meeting %llu", x->actor->name,
                 present ? "" : " in writing", r->n_ballots, (unsigned long long)m->id);
        rc = reply_meeting(x, m);
    }
out:
    if (m)
        exemplar__meeting__free_unpacked(m, NULL);
    return rc;
}

/* The result's move, through the move request's own handler: the move
 * table, its window and guards, the expected version and the one write
 * path apply as to any move.  A refusal leaves the nomination where it is
 * and its sentence in the minutes. */
static int move_result(call_t *x, const Exemplar__Meeting *m, Exemplar__MeetingItem *it)
{
    bool approved = it->result == EXEMPLAR__MEETING_RESULT__MEETING_RESULT_APPROVED;
    bool unit_level = m->level == EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT;
    if (unit_level && !approved) {
        /* A unit council that does not approve leaves the nomination in
         * fostering (PROTOCOL.md, "Council review"): the unit may foster it
         * further and review it again, or make the side exit not-selected
         * by its own move with its own reason. */
        char why[600];
        snprintf(why, sizeof(why), "%.200s; %s", it->why, _("it stays in fostering"));
        free(it->why);
        it->why = strdup(why);
        return it->why ? 0 : -EX_EINTERNAL;
    }
    char reason[256];
    snprintf(reason, sizeof(reason), "%s %s (meeting %llu): %u/%u, %s", _("minutes"),
             m->minutes_ref, (unsigned long long)m->id, it->approve, it->needed,
             approved ? _("approved") : _("not approved"));
    Exemplar__MoveRequest mv = EXEMPLAR__MOVE_REQUEST__INIT;
    mv.id = it->nomination_id;
    mv.to = unit_level ? EXEMPLAR__STATE__STATE_UNIT_REVIEWED
            : approved ? EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED
                       : EXEMPLAR__STATE__STATE_RETURNED;
    mv.expected_version = it->version;
    mv.reason = reason;
    Exemplar__Request req = *x->req;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &mv;
    call_t y = *x;
    y.req = &req;
    y.out = NULL;
    y.out_len = 0;
    y.why[0] = '\0';
    Exemplar__Reply init = EXEMPLAR__REPLY__INIT;
    y.reply = init;
    int rc = api_noms_move(&y);
    free(y.out);
    if (rc == -EX_ESTORAGE || rc == -EX_EINTERNAL)
        return rc;
    if (rc < 0) {
        char why[600];
        snprintf(why, sizeof(why), "%.200s; %s: %.360s", it->why, _("the move was refused"),
                 y.why[0] ? y.why : ex_err_message(rc));
        free(it->why);
        it->why = strdup(why);
        return it->why ? 0 : -EX_EINTERNAL;
    }
    it->moved = true;
    return 0;
}

int api_council_meeting_close(call_t *x)
{
    const Exemplar__MeetingCloseRequest *r = x->req->meeting_close;
    Exemplar__Meeting *m = NULL;
    int rc = load_meeting(x, r->meeting_id, &m);
    if (rc == 0)
        rc = need_open(x, m);
    if (rc == 0)
        rc = need_secretary(x, m, _("close"));
    if (rc < 0)
        goto out;
    council_rules_t rules;
    meeting_rules(x, m, &rules);
    size_t approved = 0, rejected = 0, undecided = 0;
    for (size_t i = 0; rc == 0 && i < m->n_items; i++) {
        Exemplar__MeetingItem *it = m->items[i];
        Exemplar__BallotTally t;
        if ((rc = tally_get(x->txn, m->id, it->nomination_id, &t)) < 0)
            break;
        council_count_t c = {(uint32_t)m->n_members,
                             (uint32_t)m->n_present,
                             (uint32_t)m->n_in_writing,
                             t.approve,
                             t.reject,
                             t.chair_approved};
        char why[256];
        council_result_t res = council_decide(&rules, &c, why, sizeof(why));
        it->approve = t.approve;
        it->reject = t.reject;
        it->needed = council_needed(&rules, &c);
        it->result = res == COUNCIL_APPROVED ? EXEMPLAR__MEETING_RESULT__MEETING_RESULT_APPROVED
                     : res == COUNCIL_NOT_APPROVED
                         ? EXEMPLAR__MEETING_RESULT__MEETING_RESULT_NOT_APPROVED
                         : EXEMPLAR__MEETING_RESULT__MEETING_RESULT_NO_DECISION;
        if (it->why && it->why[0])
            free(it->why);
        it->why = strdup(why);
        if (!it->why) {
            rc = -EX_EINTERNAL;
            break;
        }
        if (res == COUNCIL_NO_DECISION) {
            undecided++;
            continue;
        }
        *(res == COUNCIL_APPROVED ? &approved : &rejected) += 1;
        rc = move_result(x, m, it);
    }
    if (rc < 0)
        goto out;
    m->state = EXEMPLAR__MEETING_STATE__MEETING_STATE_CLOSED;
    if (m->closed_by && m->closed_by[0])
        free(m->closed_by);
    m->closed_by = strdup(x->actor->name);
    m->closed_ms = x->now_ms;
    if (!m->closed_by || (rc = add_step(m, x, "close", NULL, 0)) < 0) {
        rc = rc < 0 ? rc : -EX_EINTERNAL;
        goto out;
    }
    meeting_put(x->txn, m);
    x->wrote = true;
    log_info("council, %s closed meeting %llu (%s): %zu approved, %zu not approved, %zu without "
             "a decision",
             x->actor->name, (unsigned long long)m->id, m->minutes_ref, approved, rejected,
             undecided);
    rc = reply_meeting(x, m);
out:
    if (m)
        exemplar__meeting__free_unpacked(m, NULL);
    return rc;
}

int api_council_meeting_show(call_t *x)
{
    Exemplar__Meeting *m = NULL;
    int rc = load_meeting(x, x->req->meeting_show->meeting_id, &m);
    if (rc < 0)
        return rc;
    /* The recognition decision is drafted by those who submit it for the
     * Minister's signature, from a result that is final. */
    if (x->req->meeting_show->for_decision && x->actor->role != ROLE_ADMIN &&
        x->actor->role != ROLE_APPROVER)
        rc = api_refuse(x, -EX_EPERM,
                        _("%s may not draft the recognition decision of meeting %llu: an "
                          "approver or an administrator drafts it"),
                        x->actor->name, (unsigned long long)m->id);
    else if (x->req->meeting_show->for_decision &&
             m->state != EXEMPLAR__MEETING_STATE__MEETING_STATE_CLOSED)
        rc = api_refuse(x, -EX_ECONFLICT,
                        _("meeting %llu is still open: a decision is drafted from a closed "
                          "meeting's result; the secretary closes it with 'meeting close'"),
                        (unsigned long long)m->id);
    else
        rc = reply_meeting(x, m);
    exemplar__meeting__free_unpacked(m, NULL);
    return rc;
}

/* ---- the list of meetings -------------------------------------------------- */

#define MEETING_LIST_DEFAULT 100
#define MEETING_LIST_MAX     1000

static bool list_wants(const Exemplar__MeetingListRequest *r, const Exemplar__Meeting *m)
{
    if (r->state != EXEMPLAR__MEETING_STATE__MEETING_STATE_NONE && m->state != r->state)
        return false;
    if (r->level != EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_NONE && m->level != r->level)
        return false;
    if (r->unit[0] && strcmp(m->unit, r->unit) != 0)
        return false;
    return !r->member[0] || seat_of(m, r->member) != NULL;
}

static void list_entries_free(Exemplar__MeetingListEntry **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        if (!v[i])
            continue;
        if (v[i]->meeting)
            exemplar__meeting__free_unpacked(v[i]->meeting, NULL);
        free(v[i]->you_voted);
        free(v[i]);
    }
    free(v);
}

/* The agenda nominations of m the caller has voted on (their own marks). */
static int list_entry(call_t *x, Exemplar__Meeting *m, Exemplar__MeetingListEntry **out)
{
    Exemplar__MeetingListEntry *e = calloc(1, sizeof(*e));
    if (!e)
        return -EX_EINTERNAL;
    exemplar__meeting_list_entry__init(e);
    e->meeting = m;
    /* the steps are the minutes' detail, not a list's */
    for (size_t i = 0; i < m->n_steps; i++)
        exemplar__meeting_step__free_unpacked(m->steps[i], NULL);
    free(m->steps);
    m->steps = NULL;
    m->n_steps = 0;
    *out = e;
    if (!seat_of(m, x->actor->name) || !m->n_items)
        return 0;
    if (!(e->you_voted = calloc(m->n_items, sizeof(uint64_t))))
        return -EX_EINTERNAL;
    for (size_t i = 0; i < m->n_items; i++) {
        int rc = voter_get(x->txn, m->id, m->items[i]->nomination_id, x->actor->name);
        if (rc == 0)
            e->you_voted[e->n_you_voted++] = m->items[i]->nomination_id;
        else if (rc != -EX_ENOTFOUND)
            return rc;
    }
    return 0;
}

int api_council_meeting_list(call_t *x)
{
    const Exemplar__MeetingListRequest *r = x->req->meeting_list;
    if (r->limit > MEETING_LIST_MAX)
        return api_refuse(x, -EX_EINVALID, _("limit must be 1-%d (0: %d), not %u"),
                          MEETING_LIST_MAX, MEETING_LIST_DEFAULT, r->limit);
    if (r->page_token.len && r->page_token.len != 8)
        return api_refuse(x, -EX_EINVALID,
                          _("page_token does not belong to this list: send the next_page_token "
                            "of the previous meeting-list reply"));
    if (r->unit[0] && !text_is_code(r->unit, KEY_UNIT_MAX, false))
        return api_refuse(x, -EX_EINVALID, _("unit must be a unit code, not \"%.40s\""), r->unit);
    size_t limit = r->limit ? r->limit : MEETING_LIST_DEFAULT;
    uint64_t before = r->page_token.len ? key_get_u64(r->page_token.data) : UINT64_MAX;
    /* Meetings are few (a handful a year) and keyed by id: a walk from the
     * oldest keeps the newest limit + 1 below the token in a ring, so the
     * page comes out newest first and says whether another follows. */
    Exemplar__Meeting **ring = calloc(limit + 1, sizeof(*ring));
    if (!ring)
        return -EX_EINTERNAL;
    size_t n = 0, head = 0;
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(x->txn, DB_MEETINGS, &it);
    if (rc < 0) {
        free(ring);
        return rc;
    }
    int r2 = store_iter_seek(&it, "", 0, &k, &v);
    while (rc == 0 && r2 == 0 && k.len == 8 && key_get_u64(k.data) < before) {
        Exemplar__Meeting *m = exemplar__meeting__unpack(NULL, v.len, v.data);
        if (!m) {
            rc = -EX_ESTORAGE;
            break;
        }
        if (!list_wants(r, m)) {
            exemplar__meeting__free_unpacked(m, NULL);
        } else if (n < limit + 1) {
            ring[(head + n++) % (limit + 1)] = m;
        } else {
            exemplar__meeting__free_unpacked(ring[head], NULL);
            ring[head] = m;
            head = (head + 1) % (limit + 1);
        }
        r2 = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    size_t out_n = n > limit ? limit : n;
    Exemplar__MeetingListEntry **out = calloc(out_n ? out_n : 1, sizeof(*out));
    if (rc == 0 && !out)
        rc = -EX_EINTERNAL;
    /* newest first: the ring's last out_n, backwards; the oldest (when
     * there are limit + 1) only says that another page follows */
    for (size_t i = 0; i < n; i++) {
        Exemplar__Meeting *m = ring[(head + n - 1 - i) % (limit + 1)];
        if (rc == 0 && i < out_n) {
            rc = list_entry(x, m, &out[i]);
            if (!out[i])
                exemplar__meeting__free_unpacked(m, NULL);
        } else {
            exemplar__meeting__free_unpacked(m, NULL);
        }
    }
    free(ring);
    uint8_t token[8];
    if (rc == 0) {
        Exemplar__MeetingListReply body = EXEMPLAR__MEETING_LIST_REPLY__INIT;
        body.meetings = out;
        body.n_meetings = out_n;
        if (n > limit) {
            key_put_u64(token, out[out_n - 1]->meeting->id);
            body.next_page_token.data = token;
            body.next_page_token.len = sizeof(token);
        }
        x->reply.body_case = EXEMPLAR__REPLY__BODY_MEETING_LIST;
        x->reply.meeting_list = &body;
        rc = api_pack(x);
    }
    list_entries_free(out, out_n);
    return rc;
}

uint64_t api_council_vote_digest(const Exemplar__Request *req)
{
    const Exemplar__MeetingVoteRequest *r = req->meeting_vote;
    uint64_t buf[1 + AGENDA_MAX];
    size_t n = 0;
    buf[n++] = r ? r->meeting_id : 0;
    for (size_t i = 0; r && i < r->n_ballots && n < sizeof(buf) / sizeof(buf[0]); i++)
        buf[n++] = r->ballots[i] ? r->ballots[i]->nomination_id : 0;
    return dedup_digest(buf, n * sizeof(buf[0]));
}
