/* SPDX-License-Identifier: MIT */
/*
 * The nomination handlers (see api_noms.h): register, move (revocation and
 * carry-over included), get, history, list, changes, info, and the events'
 * publish and event-list requests.  Every write of a nomination goes
 * through nomwrite_transition() (nomwrite.h); the plan's rules are bound by
 * api_rules.c's hooks.
 */
#include "api_noms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_ops.h"
#include "api_rules.h"
#include "decisions.h"
#include "errors.h"
#include "i18n.h"
#include "key.h"
#include "listsort.h"
#include "log.h"
#include "names.h"
#include "records.h"
#include "text.h"
#include "vitext.h"

#define NAME_MAX_BYTES   256
#define REASON_MAX_BYTES 1024
#define LIST_DEFAULT     100
#define LIST_MAX         1000
#define LIST_SCAN_MAX    10000 /* index entries one list call may examine */
#define CHANGES_MAX      1000
#define HISTORY_MAX      1000
#define PAGE_TOKEN_MAX   (1 + KEY_MAX)

/* ---- validation helpers ----------------------------------------------- */

static bool valid_state(Exemplar__State s)
{
    return s >= EX_STATE_MIN && s <= EX_STATE_MAX;
}

static int check_unit_code(call_t *x, const char *unit, bool required)
{
    if (!unit[0] && !required)
        return 0;
    if (!text_is_code(unit, KEY_UNIT_MAX, false))
        return api_refuse(x, -EX_EINVALID,
                          _("unit \"%.40s\" is not a unit code: 1-%d characters of A-Z, 0-9, '.', "
                            "'_' or '-' (for example 01 for Hà Nội)"),
                          unit, KEY_UNIT_MAX);
    return 0;
}

static int check_campaign(call_t *x, const char *campaign)
{
    if (!campaign[0] || text_is_code(campaign, KEY_CAMPAIGN_MAX, true))
        return 0;
    return api_refuse(
        x, -EX_EINVALID,
        _("campaign \"%.40s\" is not a campaign id: 1-%d characters of letters, digits, "
          "'.', '_' or '-' (for example 2021-2025)"),
        campaign, KEY_CAMPAIGN_MAX);
}

/* Unit scope for reads: a unit officer sees only its own unit. */
static int check_read_scope(call_t *x, const Exemplar__Nomination *n)
{
    return api_check_scope(x, n, "read");
}

/* An override opens a closed window and is the administrator's alone; sent
 * by anyone else it is refused whether or not the window is open, never
 * dropped in silence. */
static int check_override(call_t *x, const char *override_reason, const char *verb)
{
    if (!override_reason || !override_reason[0] || x->actor->role == ROLE_ADMIN)
        return 0;
    return api_refuse(x, -EX_EPERM,
                      _("only an administrator may override a campaign window (override_reason); "
                        "%s is %s: send the %s without an override"),
                      x->actor->name,
                      l10n_pgettext("name", ex_role_name((Exemplar__Role)x->actor->role) ?: "none"),
                      verb);
}

static int load_nomination(call_t *x, uint64_t id, Exemplar__Nomination **out)
{
    if (id == 0)
        return api_refuse(x, -EX_EINVALID, _("id is required: nomination ids start at 1"));
    int rc = records_get_nomination(x->txn, id, out);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(x, rc, _("no nomination has id %llu"), (unsigned long long)id);
    return rc;
}

/* ---- handlers --------------------------------------------------------- */

int api_noms_info(call_t *x)
{
    Exemplar__InfoReply info = EXEMPLAR__INFO_REPLY__INIT;
    info.version = (char *)EXEMPLAR_VERSION;
    info.events_endpoint = (char *)x->cfg->events_endpoint;
    records_counters_t now;
    nomwrite_counters(x->nw, &now);
    info.last_seq = now.last_seq;
    info.nominations = now.nominations;
    info.max_attachment_bytes = config_attachment_limit(x->cfg);
    x->reply.body_case = EXEMPLAR__REPLY__BODY_INFO;
    x->reply.info = &info;
    return api_pack(x);
}

/* What the event handlers (api_events.c) work with. */
api_events_ctx_t api_noms_events_ctx(call_t *x)
{
    api_events_ctx_t c = {
        .txn = x->txn,
        .outbox = x->outbox,
        .nw = x->nw,
        .cfg = x->cfg,
        .actor = x->actor,
        .now_ms = x->now_ms,
        .day = rules_today(x->rules, x->now_ms),
        .why = x->why,
        .why_len = sizeof(x->why),
        .on_fact = api_rules_event_fact,
        .fact_arg = x->rules,
    };
    return c;
}

int api_noms_publish(call_t *x)
{
    Exemplar__PublishReply body;
    api_events_ctx_t ev = api_noms_events_ctx(x);
    int rc = api_events_publish(&ev, x->req->publish, &body);
    if (rc == 0) {
        x->reply.body_case = EXEMPLAR__REPLY__BODY_PUBLISH;
        x->reply.publish = &body;
        rc = api_pack(x);
        api_events_publish_reply_free(&body);
    }
    return rc;
}

int api_noms_event_list(call_t *x)
{
    Exemplar__EventListReply body;
    api_events_ctx_t ev = api_noms_events_ctx(x);
    int rc = api_events_evidence(&ev, x->req->event_list, &body);
    if (rc == 0) {
        x->reply.body_case = EXEMPLAR__REPLY__BODY_EVENT_LIST;
        x->reply.event_list = &body;
        rc = api_pack(x);
        api_events_evidence_reply_free(&body);
    }
    return rc;
}

/* Writes n and the change of its move by this call's actor. */
static int write_move(call_t *x, Exemplar__Nomination *n, Exemplar__State from, const char *verb,
                      const char *reason, const char *override_reason, uint64_t linked_id,
                      Exemplar__Decision *decision)
{
    Exemplar__Actor actor = EXEMPLAR__ACTOR__INIT;
    actor.name = (char *)x->actor->name;
    actor.role = (Exemplar__Role)x->actor->role;
    actor.unit = (char *)x->actor->unit;
    actor.via = (char *)x->actor->via;
    nomwrite_change_t c = {
        .from = from,
        .verb = verb,
        .reason = reason,
        .actor = &actor,
        .at_ms = x->now_ms,
        .day = rules_today(x->rules, x->now_ms),
        .request_id = x->req->request_id,
        .override_reason = override_reason,
        .linked_id = linked_id,
        .decision = decision,
    };
    return nomwrite_transition(x->nw, n, &c);
}

static nom_view_t view_of(const Exemplar__Nomination *n)
{
    nom_view_t v = {n->id, n->version, (nom_state_t)n->state, n->unit, n->campaign, NULL};
    return v;
}

int api_noms_register(call_t *x)
{
    const Exemplar__RegisterRequest *r = x->req->register_;
    char *name = NULL;
    int rc = check_unit_code(x, r->unit, true);
    if (rc == 0)
        rc = check_campaign(x, r->campaign);
    if (rc < 0)
        return rc;
    if (r->kind != EXEMPLAR__KIND__KIND_COLLECTIVE && r->kind != EXEMPLAR__KIND__KIND_INDIVIDUAL)
        return api_refuse(x, -EX_EINVALID, _("kind must be collective or individual"));
    if (api_events_check_subject(r->subject, x->why, sizeof(x->why)) < 0)
        return -EX_EINVALID;
    /* Scope and override before the unit, campaign and rules are looked at. */
    if (!nom_actor_in_scope(x->actor, r->unit))
        return api_refuse(x, -EX_EPERM, _("%s acts for unit %s and may not register in unit %s"),
                          x->actor->name, x->actor->unit, r->unit);
    if ((rc = check_override(x, r->override_reason, l10n_pgettext("override", "registration"))) < 0)
        return rc;
    char bad[200];
    rc = text_check_name(r->name, NAME_MAX_BYTES, &name, bad, sizeof(bad));
    if (rc < 0)
        return api_refuse(x, rc, _("name %s (names are 1-%d bytes of visible UTF-8 text)"), bad,
                          NAME_MAX_BYTES);

    Exemplar__Nomination n = EXEMPLAR__NOMINATION__INIT;
    Exemplar__Unit *unit = NULL;
    n.id = nomwrite_next_id(x->nw);
    n.version = 1;
    n.state = EXEMPLAR__STATE__STATE_REGISTERED;
    n.kind = r->kind;
    n.unit = r->unit;
    n.campaign = r->campaign[0] ? r->campaign : (char *)x->cfg->default_campaign;
    n.name = name;
    n.created_ms = n.updated_ms = x->now_ms;

    const nom_move_t *move;
    nom_view_t before = {n.id, 0, NOM_NONE, n.unit, n.campaign, NULL};
    rules_ctx_t ctx = {0};
    nom_rules_t nr;
    const nom_rules_t *use = NULL;
    rc = api_rules_register(x, &n, &unit);
    if (rc == 0)
        rc = api_rules_bind(x, &n, r->override_reason, NULL, &ctx, &nr, &use);
    if (rc == 0)
        rc = nom_check_move(&before, NOM_REGISTERED, 0, x->actor, NULL, use, x->why, sizeof(x->why),
                            &move);
    if (rc == 0)
        rc = write_move(x, &n, EXEMPLAR__STATE__STATE_NONE, move->verb, NULL,
                        ctx.overridden ? r->override_reason : NULL, 0, NULL);
    if (rc == 0) {
        api_events_ctx_t ev = api_noms_events_ctx(x);
        rc = api_events_on_register(&ev, &n);
    }
    if (rc == 0) {
        x->reply.body_case = EXEMPLAR__REPLY__BODY_NOMINATION;
        x->reply.nomination = &n;
        rc = api_pack(x);
    }
    free(name);
    if (unit)
        exemplar__unit__free_unpacked(unit, NULL);
    return rc;
}

/* For a move to recognized with decision `given` (may be NULL): when its
 * number is an issued decision (decision-issue, api_decision.h), *use
 * becomes *filled with its number, date and issuer (*issued holds them:
 * free it), and nomination id must be on its annexed list; a date or
 * issuer given that differs from the stored one is refused.  A number that
 * is no issued decision leaves *use as it was (a decision typed by hand,
 * checked by the move's guard).  0, -EX_EINVALID with a sentence, or
 * -EX_ESTORAGE. */
static int bind_issued(call_t *x, uint64_t id, Exemplar__Decision *given,
                       Exemplar__RecognitionDecision **issued, Exemplar__Decision *filled,
                       Exemplar__Decision **use)
{
    if (!given || !given->number[0])
        return 0;
    int rc = decisions_get(x->txn, given->number, issued);
    if (rc == -EX_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    const Exemplar__RecognitionDecision *d = *issued;
    if (!decisions_lists(d, id))
        return api_refuse(x, -EX_EINVALID,
                          _("decision %s does not list nomination %llu: it recognizes only the "
                            "nominations of its annexed list (decision show %s)"),
                          d->number, (unsigned long long)id, d->number);
    if ((given->date[0] && strcmp(given->date, d->date) != 0) ||
        (given->issuer[0] && strcmp(given->issuer, d->issuer) != 0))
        return api_refuse(x, -EX_EINVALID,
                          _("decision %s was issued on %s by %s; give its number alone and "
                            "the rest is taken from it"),
                          d->number, d->date, d->issuer);
    exemplar__decision__init(filled);
    filled->number = d->number;
    filled->date = d->date;
    filled->issuer = d->issuer;
    *use = filled;
    return 0;
}

int api_noms_move(call_t *x)
{
    const Exemplar__MoveRequest *r = x->req->move;
    Exemplar__Nomination *n = NULL;
    char *reason = NULL, *override = NULL;
    if (!valid_state(r->to))
        return api_refuse(x, -EX_EINVALID, _("to must be a state (registered .. returned), not %d"),
                          (int)r->to);
    if (r->expected_version == 0)
        return api_refuse(x, -EX_EINVALID,
                          _("expected_version is required: send the version you last read"));
    int rc = text_normalize(r->reason, REASON_MAX_BYTES, false, true, &reason);
    if (rc < 0)
        return api_refuse(x, rc, _("reason must be at most %d bytes of UTF-8 text"),
                          REASON_MAX_BYTES);
    rc = text_normalize(r->override_reason, REASON_MAX_BYTES, false, true, &override);
    if (rc < 0) {
        free(reason);
        return api_refuse(x, rc, _("override_reason must be at most %d bytes of UTF-8 text"),
                          REASON_MAX_BYTES);
    }
    rc = load_nomination(x, r->id, &n);
    /* Scope before anything that reveals the nomination (version, state,
     * campaign): nom_check_move checks it first too, but the rules bound
     * before it may refuse with the nomination's campaign and period. */
    char acting[KEY_UNIT_MAX + 1] = "", what[48] = "";
    if (rc == 0) {
        snprintf(what, sizeof(what), "nomination %llu", (unsigned long long)n->id);
        rc = api_check_unit_scope(x, n->unit, n->unit_name, true, "move", what, acting,
                                  sizeof(acting));
    }
    if (rc == 0)
        rc = check_override(x, override, l10n_pgettext("override", "move"));
    /* A recognition naming an issued decision takes its date and issuer
     * from it, and only for a nomination its list holds (decisions.h). */
    Exemplar__Decision *decision = r->decision, issued_decision;
    Exemplar__RecognitionDecision *issued = NULL;
    if (rc == 0 && r->to == EXEMPLAR__STATE__STATE_RECOGNIZED)
        rc = bind_issued(x, n->id, r->decision, &issued, &issued_decision, &decision);
    if (rc < 0)
        goto out;

    const nom_move_t *move;
    nom_view_t v = view_of(n);
    v.acting_unit = acting;
    rules_ctx_t ctx = {0};
    nom_rules_t nr;
    const nom_rules_t *use = NULL;
    rc = api_rules_bind(x, n, override, decision, &ctx, &nr, &use);
    if (rc == 0)
        rc = nom_check_move(&v, (nom_state_t)r->to, r->expected_version, x->actor, reason, use,
                            x->why, sizeof(x->why), &move);
    if (rc < 0) {
        x->current_version = n->version;
        x->current_state = n->state;
        goto out;
    }
    Exemplar__State from = n->state;
    Exemplar__Nomination next = EXEMPLAR__NOMINATION__INIT;
    n->state = r->to;
    n->version++;
    if (r->to == EXEMPLAR__STATE__STATE_REVOKED)
        n->revocation = decision;
    if (r->to == EXEMPLAR__STATE__STATE_RECOGNIZED)
        n->recognition = decision;
    if (r->to == EXEMPLAR__STATE__STATE_CARRIED_OVER) {
        rc = api_rules_carry_over(x, &ctx, n, &next);
        if (rc < 0)
            goto out;
        n->carried_to = next.id;
    }
    rc = write_move(x, n, from, move->verb, reason, ctx.overridden ? override : NULL, n->carried_to,
                    decision);
    /* the new nomination's registration, linked back, right after */
    if (rc == 0 && next.id)
        rc = write_move(x, &next, EXEMPLAR__STATE__STATE_NONE, move->verb, reason, NULL, n->id,
                        decision);
    if (rc == 0) {
        x->reply.body_case = EXEMPLAR__REPLY__BODY_NOMINATION;
        x->reply.nomination = n;
        rc = api_pack(x);
    }
out:
    if (n && decision && n->revocation == decision)
        n->revocation = NULL; /* owned by the request, not by n */
    if (n && decision && n->recognition == decision)
        n->recognition = NULL;
    if (issued)
        exemplar__recognition_decision__free_unpacked(issued, NULL);
    if (n)
        exemplar__nomination__free_unpacked(n, NULL);
    free(reason);
    free(override);
    return rc;
}

int api_noms_get(call_t *x)
{
    Exemplar__Nomination *n = NULL;
    int rc = load_nomination(x, x->req->get->id, &n);
    if (rc == 0)
        rc = check_read_scope(x, n);
    if (rc == 0) {
        x->reply.body_case = EXEMPLAR__REPLY__BODY_NOMINATION;
        x->reply.nomination = n;
        rc = api_pack(x);
    }
    if (n)
        exemplar__nomination__free_unpacked(n, NULL);
    return rc;
}

static void free_changes(Exemplar__Change **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        exemplar__change__free_unpacked(v[i], NULL);
    free(v);
}

int api_noms_history(call_t *x)
{
    Exemplar__Nomination *n = NULL;
    Exemplar__Change **v = NULL;
    size_t count = 0;
    int rc = load_nomination(x, x->req->history->id, &n);
    if (rc == 0)
        rc = check_read_scope(x, n);
    if (rc == 0 && !(v = calloc(HISTORY_MAX, sizeof(*v))))
        rc = -EX_EINTERNAL;
    /* Walk the chain from the newest change back to the registration. */
    for (uint64_t seq = rc == 0 ? n->last_seq : 0; seq && count < HISTORY_MAX;) {
        rc = records_get_change(x->txn, seq, &v[count]);
        if (rc < 0) {
            log_error("api, history of nomination %llu is broken at change %llu (%s)",
                      (unsigned long long)n->id, (unsigned long long)seq, ex_err_name(rc));
            rc = -EX_ESTORAGE;
            break;
        }
        seq = v[count++]->prev_seq;
    }
    if (rc == 0) {
        for (size_t i = 0; i < count / 2; i++) {
            Exemplar__Change *t = v[i];
            v[i] = v[count - 1 - i];
            v[count - 1 - i] = t;
        }
        Exemplar__HistoryReply h = EXEMPLAR__HISTORY_REPLY__INIT;
        h.changes = v;
        h.n_changes = count;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_HISTORY;
        x->reply.history = &h;
        rc = api_pack(x);
    }
    free_changes(v, count);
    if (n)
        exemplar__nomination__free_unpacked(n, NULL);
    return rc;
}

/* Which index a list walks; the first byte of its page tokens. */
enum { LIST_BY_STATE = 1, LIST_BY_UNIT = 2, LIST_ALL = 3, LIST_AS_OF = 4 };

/* A unit officer sees its own unit's nominations and those of the units
 * its unit carries on (successors after a merge). */
static bool list_match(call_t *x, const Exemplar__ListRequest *r, const Exemplar__Nomination *n)
{
    return (r->state == EXEMPLAR__STATE__STATE_NONE || n->state == r->state) &&
           (!r->unit[0] || strcmp(n->unit, r->unit) == 0) &&
           (!r->campaign[0] || strcmp(n->campaign, r->campaign) == 0) &&
           (!r->name_contains[0] || vitext_contains(n->name, r->name_contains)) &&
           api_in_unit_scope(x, n->unit, n->unit_name);
}

/* ---- a plain list page, packed from the stored bytes ----------------- */

/* A growing byte buffer for a reply packed by hand. */
typedef struct {
    uint8_t *p;
    size_t len, cap;
} wbuf_t;

static int wbuf_reserve(wbuf_t *b, size_t more)
{
    if (b->cap - b->len >= more)
        return 0;
    size_t cap = b->cap ? b->cap : 64 * 1024;
    while (cap - b->len < more)
        cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p)
        return -EX_EINTERNAL;
    b->p = p;
    b->cap = cap;
    return 0;
}

static void wbuf_varint(wbuf_t *b, uint64_t v) /* room reserved by the caller */
{
    while (v >= 0x80) {
        b->p[b->len++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b->p[b->len++] = (uint8_t)v;
}

/* A length-delimited field (a message or bytes) of number `field`. */
static int wbuf_field(wbuf_t *b, unsigned field, const void *data, size_t len)
{
    if (wbuf_reserve(b, 20 + len) < 0)
        return -EX_EINTERNAL;
    wbuf_varint(b, (uint64_t)field << 3 | 2);
    wbuf_varint(b, len);
    if (len)
        memcpy(b->p + b->len, data, len);
    b->len += len;
    return 0;
}

/* list_match on a peeked record, for a caller who sees every unit and no
 * name filter (the unit and campaign codes hold no NUL: equal bytes are
 * equal strings). */
static bool peek_match(const Exemplar__ListRequest *r, const records_nom_peek_t *p)
{
    size_t ul = strlen(r->unit), cl = strlen(r->campaign);
    return (r->state == EXEMPLAR__STATE__STATE_NONE || p->state == r->state) &&
           (!ul || (p->unit_len == ul && memcmp(p->unit, r->unit, ul) == 0)) &&
           (!cl || (p->campaign_len == cl && memcmp(p->campaign, r->campaign, cl) == 0));
}

/* The reply of a page in the index's order: each match's stored record
 * (a packed Nomination) goes into ListReply.nominations as it is, with no
 * decode and re-encode; a record is decoded only when the filter needs
 * its text (name_contains) or the caller's scope needs the unit's history
 * (a unit officer), and read by records_peek_nomination otherwise.
 * `it` is positioned on the first entry to look at (k, v) when rc is 0,
 * past the end when rc is -EX_ENOTFOUND. */
static int list_page_raw(call_t *x, const Exemplar__ListRequest *r, int kind, store_iter_t *it,
                         int rc, store_val_t k, store_val_t v, const uint8_t *prefix, size_t plen,
                         uint32_t limit)
{
    bool peek = !r->name_contains[0] && x->actor->role != ROLE_UNIT_OFFICER;
    wbuf_t body = {0};
    /* An index names its nominations in about their id order: a cursor
     * finds the next one on the leaf page it is on, where a plain get
     * walks down from the root each time. */
    store_iter_t noms;
    bool by_id = kind != LIST_ALL;
    if (by_id) {
        int orc = store_iter_open(x->txn, DB_NOMINATIONS, &noms);
        if (orc < 0)
            return orc;
    }
    if (wbuf_reserve(&body, (size_t)limit * 192) < 0)
        rc = -EX_EINTERNAL;
    size_t count = 0, scanned = 0;
    uint8_t last[KEY_MAX];
    size_t last_len = 0;
    bool more = false;
    while (rc == 0) {
        if (k.len < plen || memcmp(k.data, prefix, plen) != 0 || k.len > KEY_MAX)
            break;
        if (count == limit || scanned == LIST_SCAN_MAX) {
            more = true;
            break;
        }
        scanned++;
        memcpy(last, k.data, k.len);
        last_len = k.len;
        store_val_t rec = v;
        uint64_t id = 0;
        if (by_id) {
            uint8_t key[8];
            store_val_t at;
            id = kind == LIST_BY_STATE ? records_state_entry_id(&v) : key_tail_u64(k.data, k.len);
            key_put_u64(key, id);
            rc = store_iter_seek(&noms, key, sizeof(key), &at, &rec);
            if (rc == 0 && (at.len != sizeof(key) || memcmp(at.data, key, sizeof(key)) != 0))
                rc = -EX_ENOTFOUND;
        }
        bool keep = false;
        if (rc == 0 && peek) {
            records_nom_peek_t p;
            rc = records_peek_nomination(&rec, &p);
            keep = rc == 0 && (kind != LIST_BY_STATE || records_state_entry_live_peek(&p, &k)) &&
                   peek_match(r, &p);
        } else if (rc == 0) {
            Exemplar__Nomination *n = exemplar__nomination__unpack(NULL, rec.len, rec.data);
            rc = n ? 0 : -EX_ESTORAGE;
            keep = n && (kind != LIST_BY_STATE || records_state_entry_live(n, &k)) &&
                   list_match(x, r, n);
            if (n)
                exemplar__nomination__free_unpacked(n, NULL);
        }
        if (rc < 0) {
            log_error("api, index entry without a readable nomination %llu (%s)",
                      (unsigned long long)id, ex_err_name(rc));
            rc = -EX_ESTORAGE;
            break;
        }
        if (keep) {
            if ((rc = wbuf_field(&body, 1, rec.data, rec.len)) < 0)
                break;
            count++;
        }
        rc = store_iter_next(it, &k, &v);
    }
    if (by_id)
        store_iter_close(&noms);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc == 0 && more && last_len) {
        uint8_t token[PAGE_TOKEN_MAX];
        token[0] = (uint8_t)kind;
        memcpy(token + 1, last, last_len);
        rc = wbuf_field(&body, 2, token, last_len + 1);
    }
    /* The Reply's head (protocol, request id) by protobuf-c, then its list
     * body (field 13) as packed here. */
    if (rc == 0) {
        x->reply.body_case = EXEMPLAR__REPLY__BODY__NOT_SET;
        rc = api_pack(x);
    }
    if (rc == 0) {
        wbuf_t out = {x->out, x->out_len, x->out_len};
        x->out = NULL;
        rc =
            wbuf_field(&out, EXEMPLAR__REPLY__BODY_LIST, body.p ? body.p : (uint8_t *)"", body.len);
        if (rc == 0) {
            x->out = out.p;
            x->out_len = out.len;
        } else {
            free(out.p);
        }
    }
    free(body.p);
    return rc;
}

int api_noms_list(call_t *x)
{
    const Exemplar__ListRequest *r = x->req->list;
    if (r->state != EXEMPLAR__STATE__STATE_NONE && !valid_state(r->state))
        return api_refuse(x, -EX_EINVALID, _("state filter %d is not a state"), (int)r->state);
    int rc = check_unit_code(x, r->unit, false);
    if (rc == 0)
        rc = check_campaign(x, r->campaign);
    if (rc < 0)
        return rc;
    if (r->limit > LIST_MAX)
        return api_refuse(x, -EX_EINVALID, _("limit must be 1-%d (0 means %d)"), LIST_MAX,
                          LIST_DEFAULT);
    if (x->actor->role == ROLE_UNIT_OFFICER && r->unit[0] && !api_in_unit_scope(x, r->unit, NULL))
        return api_refuse(x, -EX_EPERM, _("%s acts for unit %s and may not list unit %s"),
                          x->actor->name, x->actor->unit, r->unit);
    if (r->as_of_ms < 0)
        return api_refuse(x, -EX_EINVALID,
                          _("as_of_ms must be a time after 1970 (ms since the epoch)"));
    if (r->sort != EXEMPLAR__LIST_SORT__LIST_SORT_DEFAULT &&
        r->sort != EXEMPLAR__LIST_SORT__LIST_SORT_NAME &&
        r->sort != EXEMPLAR__LIST_SORT__LIST_SORT_RANK)
        return api_refuse(x, -EX_EINVALID,
                          _("sort must be 0 (default), 1 (name) or 2 (rank), not %d"),
                          (int)r->sort);
    bool sorted = r->sort != EXEMPLAR__LIST_SORT__LIST_SORT_DEFAULT;
    if (sorted && r->page_token.len)
        return api_refuse(x, -EX_EINVALID,
                          _("a sorted list is one page: send no page_token with sort"));
    uint32_t limit = r->limit ? r->limit : LIST_DEFAULT;
    /* A sorted list reads every match (at most LIST_MAX) and returns the
     * first `limit` of them in order. */
    uint32_t want = sorted ? LIST_MAX + 1 : limit;

    /* Choose the index and the key prefix it is scanned under. */
    uint8_t prefix[KEY_MAX];
    size_t plen = 0;
    int kind;
    store_db_t db;
    if (r->as_of_ms) {
        /* the indexes hold the present only: walk every nomination */
        kind = LIST_AS_OF;
        db = DB_NOMINATIONS;
    } else if (r->state != EXEMPLAR__STATE__STATE_NONE) {
        kind = LIST_BY_STATE;
        db = DB_BY_STATE;
        plen = r->campaign[0] ? key_by_state(prefix, r->state, r->campaign, 0) - 8
                              : key_by_state(prefix, r->state, NULL, 0);
    } else if (r->unit[0]) {
        kind = LIST_BY_UNIT;
        db = DB_BY_UNIT;
        plen = key_by_unit(prefix, r->unit, 0) - 8;
    } else {
        kind = LIST_ALL;
        db = DB_NOMINATIONS;
    }
    const uint8_t *resume = NULL;
    size_t resume_len = 0;
    if (r->page_token.len) {
        if (r->page_token.len > PAGE_TOKEN_MAX || r->page_token.data[0] != kind ||
            r->page_token.len - 1 < plen || memcmp(r->page_token.data + 1, prefix, plen))
            return api_refuse(x, -EX_EINVALID,
                              _("page_token does not belong to this list: send the same filters as "
                                "for the first page"));
        resume = r->page_token.data + 1;
        resume_len = r->page_token.len - 1;
    }

    store_iter_t it;
    store_val_t k = {0}, v = {0};
    rc = store_iter_open(x->txn, db, &it);
    if (rc < 0)
        return rc;
    rc = store_iter_seek(&it, resume ? resume : prefix, resume ? resume_len : plen, &k, &v);
    /* Skip the entry the previous page ended on. */
    if (rc == 0 && resume && k.len == resume_len && memcmp(k.data, resume, resume_len) == 0)
        rc = store_iter_next(&it, &k, &v);
    if (!sorted && kind != LIST_AS_OF) {
        rc = list_page_raw(x, r, kind, &it, rc, k, v, prefix, plen, limit);
        store_iter_close(&it);
        return rc;
    }

    Exemplar__Nomination **found = calloc(want, sizeof(*found));
    if (!found) {
        store_iter_close(&it);
        return -EX_EINTERNAL;
    }
    size_t count = 0, scanned = 0;
    uint8_t last[KEY_MAX];
    size_t last_len = 0;
    bool more = false;
    while (rc == 0) {
        if (k.len < plen || memcmp(k.data, prefix, plen) != 0 || k.len > KEY_MAX)
            break;
        if (count == want || scanned == LIST_SCAN_MAX) {
            more = true;
            break;
        }
        scanned++;
        memcpy(last, k.data, k.len);
        last_len = k.len;
        Exemplar__Nomination *n = NULL;
        uint64_t id = 0;
        if (kind == LIST_ALL || kind == LIST_AS_OF) {
            n = exemplar__nomination__unpack(NULL, v.len, v.data);
            rc = n ? 0 : -EX_ESTORAGE;
        } else {
            id = kind == LIST_BY_STATE ? records_state_entry_id(&v) : key_tail_u64(k.data, k.len);
            rc = records_get_nomination(x->txn, id, &n);
        }
        if (rc < 0) {
            log_error("api, index entry without a readable nomination %llu (%s)",
                      (unsigned long long)id, ex_err_name(rc));
            rc = -EX_ESTORAGE;
            break;
        }
        /* By-state entries a nomination has moved on from wait for the sweep. */
        bool live = kind != LIST_BY_STATE || records_state_entry_live(n, &k);
        if (kind == LIST_AS_OF && (rc = api_ops_rewind(x->txn, n, r->as_of_ms, &live)) < 0) {
            exemplar__nomination__free_unpacked(n, NULL);
            break;
        }
        if (live && list_match(x, r, n))
            found[count++] = n;
        else
            exemplar__nomination__free_unpacked(n, NULL);
        rc = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;

    if (rc == 0 && sorted && (more || count > LIST_MAX))
        rc = api_refuse(x, -EX_ETOOBIG,
                        _("a sorted list holds at most %d nominations and more match: narrow it "
                          "(state, unit, campaign, name) and sort again"),
                        LIST_MAX);
    if (rc == 0 && sorted)
        rc = listsort_sort(x->txn, x->rules, r->sort, found, count);
    size_t shown = sorted && count > limit ? limit : count;
    uint8_t token[PAGE_TOKEN_MAX];
    if (rc == 0) {
        Exemplar__ListReply l = EXEMPLAR__LIST_REPLY__INIT;
        l.nominations = found;
        l.n_nominations = shown;
        if (!sorted && more && last_len) {
            token[0] = (uint8_t)kind;
            memcpy(token + 1, last, last_len);
            l.next_page_token.data = token;
            l.next_page_token.len = last_len + 1;
        }
        x->reply.body_case = EXEMPLAR__REPLY__BODY_LIST;
        x->reply.list = &l;
        rc = api_pack(x);
    }
    for (size_t i = 0; i < count; i++)
        exemplar__nomination__free_unpacked(found[i], NULL);
    free(found);
    return rc;
}

int api_noms_changes(call_t *x)
{
    const Exemplar__ChangesRequest *r = x->req->changes;
    if (r->limit > CHANGES_MAX)
        return api_refuse(x, -EX_EINVALID, _("limit must be 1-%d (0 means %d)"), CHANGES_MAX,
                          CHANGES_MAX);
    uint32_t limit = r->limit ? r->limit : CHANGES_MAX;
    Exemplar__Change **v = calloc(limit, sizeof(*v));
    if (!v)
        return -EX_EINTERNAL;
    size_t count = 0;
    uint8_t start[8];
    key_put_u64(start, r->from_seq ? r->from_seq : 1);
    store_iter_t it;
    store_val_t k, val;
    int rc = store_iter_open(x->txn, DB_CHANGES, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, start, sizeof(start), &k, &val);
    while (rc == 0 && count < limit) {
        Exemplar__Change *c = exemplar__change__unpack(NULL, val.len, val.data);
        if (!c) {
            log_error("api, change %llu does not decode",
                      (unsigned long long)(k.len == 8 ? key_get_u64(k.data) : 0));
            rc = -EX_ESTORAGE;
            break;
        }
        /* A unit officer's feed holds its own unit only. */
        if (api_in_unit_scope(x, c->unit, NULL))
            v[count++] = c;
        else
            exemplar__change__free_unpacked(c, NULL);
        rc = store_iter_next(&it, &k, &val);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc == 0) {
        Exemplar__ChangesReply c = EXEMPLAR__CHANGES_REPLY__INIT;
        c.changes = v;
        c.n_changes = count;
        records_counters_t now;
        nomwrite_counters(x->nw, &now);
        c.last_seq = now.last_seq;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_CHANGES;
        x->reply.changes = &c;
        rc = api_pack(x);
    }
    free_changes(v, count);
    return rc;
}
