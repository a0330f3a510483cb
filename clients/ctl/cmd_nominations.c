/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's commands on nominations: register, move, show, history and
 * list, each one request of the client library (list: one per page).  A
 * move without --expect-version reads the nomination first; a retried
 * request id sends what the first attempt sent (see replayed_from).
 */
#include "cmd_nominations.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "progress.h"

/* Pages asked for when following next_page_token (the protocol's maximum). */
#define PAGE_MAX 1000

/* All state names, "registered, fostering, ..." for messages. */
static const char *state_list(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int s = EX_STATE_MIN; s <= EX_STATE_MAX; s++) {
        int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                         ex_state_name((Exemplar__State)s));
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

static int parse_state(ctl_t *ctl, const char *text, Exemplar__State *out)
{
    *out = ex_state_parse(text);
    if (*out != EXEMPLAR__STATE__STATE_NONE)
        return 0;
    char names[256];
    return ctl_usage(ctl, "unknown state '%s' (one of: %s)", text, state_list(names, sizeof names));
}

static int parse_id(ctl_t *ctl, const char *text, uint64_t *id)
{
    return ctl_parse_u64(ctl, N_("the nomination id"), text, 1, id);
}

/* A request id from --request-id, or 0 to let the library choose. */
static int parse_request_id(ctl_t *ctl, const ctl_args_t *a, uint64_t *id)
{
    *id = 0;
    const char *text = a->opt[OPT_SLOT(OPT_REQUEST_ID)];
    return text ? ctl_parse_u64(ctl, "--request-id", text, 1, id) : 0;
}

/* Prints a nomination the way the run asks for. */
static void put_nomination(const ctl_t *ctl, const Exemplar__Nomination *n)
{
    if (ctl->json)
        ctl_json_print(ctl_json_nomination(n));
    else
        ctl_print_nomination(n);
}

/* ---- register ---------------------------------------------------------- */

int cmd_register(ctl_t *ctl, const ctl_args_t *a)
{
    const char *unit = a->opt[OPT_SLOT(OPT_UNIT)];
    const char *kind_text = a->opt[OPT_SLOT(OPT_KIND)];
    const char *name = a->opt[OPT_SLOT(OPT_NAME)];
    if (!unit || !kind_text || !name)
        return ctl_usage(ctl, "--unit, --kind and --name are required");
    Exemplar__Kind kind = ex_kind_parse(kind_text);
    if (kind == EXEMPLAR__KIND__KIND_NONE)
        return ctl_usage(ctl, "unknown kind '%s' (collective or individual)", kind_text);
    uint64_t request_id;
    int status = parse_request_id(ctl, a, &request_id);
    ex_client_t *c = status ? NULL : ctl_client(ctl, &status);
    if (!c)
        return status;

    Exemplar__Reply *reply = NULL;
    Exemplar__RegisterRequest body = EXEMPLAR__REGISTER_REQUEST__INIT;
    const char *campaign = a->opt[OPT_SLOT(OPT_CAMPAIGN)];
    const char *subject = a->opt[OPT_SLOT(OPT_SUBJECT)], *head_of = a->opt[OPT_SLOT(OPT_HEAD_OF)];
    const char *period = a->opt[OPT_SLOT(OPT_PERIOD)], *over = a->opt[OPT_SLOT(OPT_OVERRIDE)];
    body.unit = (char *)unit;
    body.kind = kind;
    body.name = (char *)name;
    body.campaign = (char *)(campaign ? campaign : "");
    body.subject = (char *)(subject ? subject : "");
    body.head_of = (char *)(head_of ? head_of : "");
    body.period = (char *)(period ? period : "");
    body.override_reason = (char *)(over ? over : "");
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &body;
    int rc = ex_client_call(c, &req, &reply);
    if ((status = ctl_call_status(ctl, rc, &reply)) != 0)
        return status;
    if (ctl->json)
        ctl_json_print(ctl_json_nomination(reply->nomination));
    else
        printf("%" PRIu64 "\n", reply->nomination->id);
    ex_reply_free(reply);
    return EXIT_OK;
}

/* ---- move -------------------------------------------------------------- */

/* The version a move was made from, when the nomination's history has a
 * change made under request_id: a retried `move --request-id N` must send
 * the same request as the first time (the daemon replays its first answer),
 * but the nomination's version has moved on since. */
static uint64_t replayed_from(ex_client_t *c, uint64_t id, uint64_t request_id)
{
    Exemplar__Reply *reply = NULL;
    uint64_t from = 0;
    if (ex_reply_status(ex_history(c, id, &reply), reply) == 0) {
        for (size_t i = 0; i < reply->history->n_changes; i++) {
            const Exemplar__Change *ch = reply->history->changes[i];
            if (ch->request_id == request_id && ch->version > 0)
                from = ch->version - 1;
        }
    }
    ex_reply_free(reply);
    return from;
}

/* The version to expect when --expect-version is not given: the current
 * one, read just before (or the first attempt's, for a retried request id). */
static int current_version(ctl_t *ctl, ex_client_t *c, uint64_t id, uint64_t request_id,
                           uint64_t *version)
{
    Exemplar__Reply *reply = NULL;
    int status = ctl_call_status(ctl, ex_get(c, id, &reply), &reply);
    if (status)
        return status;
    *version = reply->nomination->version;
    ex_reply_free(reply);
    if (request_id) {
        uint64_t replay = replayed_from(c, id, request_id);
        if (replay)
            *version = replay;
    }
    return 0;
}

int cmd_move(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id = 0, request_id = 0, expected = 0;
    Exemplar__State to = EXEMPLAR__STATE__STATE_NONE;
    int status = parse_id(ctl, a->argv[0], &id);
    if (!status)
        status = parse_state(ctl, a->argv[1], &to);
    if (!status)
        status = parse_request_id(ctl, a, &request_id);
    const char *expect_text = a->opt[OPT_SLOT(OPT_EXPECT_VERSION)];
    if (!status && expect_text)
        status = ctl_parse_u64(ctl, "--expect-version", expect_text, 1, &expected);
    ex_client_t *c = status ? NULL : ctl_client(ctl, &status);
    if (!c)
        return status;
    if (!expect_text && (status = current_version(ctl, c, id, request_id, &expected)) != 0)
        return status;

    Exemplar__Reply *reply = NULL;
    Exemplar__MoveRequest body = EXEMPLAR__MOVE_REQUEST__INIT;
    Exemplar__Decision decision;
    const char *reason = a->opt[OPT_SLOT(OPT_REASON)], *over = a->opt[OPT_SLOT(OPT_OVERRIDE)];
    body.id = id;
    body.to = to;
    body.expected_version = expected;
    body.reason = (char *)(reason ? reason : "");
    body.override_reason = (char *)(over ? over : "");
    body.decision = ctl_decision(a, &decision);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &body;
    int rc = ex_client_call(c, &req, &reply);
    if ((status = ctl_call_status(ctl, rc, &reply)) != 0)
        return status;
    put_nomination(ctl, reply->nomination);
    ex_reply_free(reply);
    return EXIT_OK;
}

/* ---- show, history ----------------------------------------------------- */

int cmd_show(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id;
    int status = parse_id(ctl, a->argv[0], &id);
    ex_client_t *c = status ? NULL : ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__Reply *reply = NULL;
    if ((status = ctl_call_status(ctl, ex_get(c, id, &reply), &reply)) != 0)
        return status;
    put_nomination(ctl, reply->nomination);
    ex_reply_free(reply);
    return EXIT_OK;
}

static const char *actor_text(const Exemplar__Actor *a)
{
    if (!a)
        return "-";
    if (a->name && *a->name)
        return a->name;
    return ctl_role(a->role);
}

static void print_history(const Exemplar__HistoryReply *h)
{
    char time_head[96];
    snprintf(time_head, sizeof time_head, _("TIME (%s)"), l10n_zone());
    const char *const HEADER[] = {N_("SEQ"),     time_head,   N_("FROM -> TO"), N_("VERB"),
                                  N_("VERSION"), N_("ACTOR"), N_("REASON")};
    static const bool RIGHT[] = {true, false, false, false, true, false, false};
    ctl_table_t t;
    ctl_table_init(&t, 7, HEADER, RIGHT);
    for (size_t i = 0; i < h->n_changes; i++) {
        const Exemplar__Change *ch = h->changes[i];
        char seq[24], at[32], move[64], version[24];
        snprintf(seq, sizeof seq, "%" PRIu64, ch->seq);
        snprintf(move, sizeof move, "%s -> %s", ctl_state(ch->from), ctl_state(ch->to));
        snprintf(version, sizeof version, "%" PRIu64, ch->version);
        /* the plan's rules: an override, a decision and a carry-over link say why too */
        char why[1400];
        snprintf(why, sizeof why, "%s%s%s%s", ch->reason && *ch->reason ? ch->reason : "",
                 ch->override_reason && *ch->override_reason ? _(" [override: ") : "",
                 ch->override_reason && *ch->override_reason ? ch->override_reason : "",
                 ch->override_reason && *ch->override_reason ? "]" : "");
        if (ch->decision) { /* the decision: number, date and who signed it */
            size_t used = strlen(why);
            char day[64];
            l10n_day(ch->decision->date, day, sizeof day);
            snprintf(why + used, sizeof why - used, _(" [decision %s%s%s%s%s]"),
                     ch->decision->number, ch->decision->date[0] ? _(" of ") : "",
                     ch->decision->date[0] ? day : "", ch->decision->issuer[0] ? ", " : "",
                     ch->decision->issuer);
        }
        if (ch->linked_id) {
            size_t used = strlen(why);
            snprintf(why + used, sizeof why - used, _(" [linked: %" PRIu64 "]"), ch->linked_id);
        }
        const char *row[] = {seq,
                             ctl_time(ch->at_ms, at, sizeof at),
                             move,
                             ctl_verb(ch->verb),
                             version,
                             actor_text(ch->actor),
                             why[0] ? why + (why[0] == ' ') : "-"};
        ctl_table_add(&t, row);
    }
    ctl_table_print(&t, stdout);
    ctl_table_deinit(&t);
}

int cmd_history(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id;
    int status = parse_id(ctl, a->argv[0], &id);
    ex_client_t *c = status ? NULL : ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__Reply *reply = NULL;
    if ((status = ctl_call_status(ctl, ex_history(c, id, &reply), &reply)) != 0)
        return status;
    if (ctl->json) {
        json_object *changes = json_object_new_array();
        for (size_t i = 0; i < reply->history->n_changes; i++)
            json_object_array_add(changes, ctl_json_change(reply->history->changes[i]));
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "id", json_object_new_uint64(id));
        json_object_object_add(doc, "changes", changes);
        ctl_json_print(doc);
    } else {
        print_history(reply->history);
    }
    ex_reply_free(reply);
    return EXIT_OK;
}

/* ---- list -------------------------------------------------------------- */

static void list_row(ctl_table_t *t, const Exemplar__Nomination *n)
{
    char id[24], version[24], updated[32];
    snprintf(id, sizeof id, "%" PRIu64, n->id);
    snprintf(version, sizeof version, "%" PRIu64, n->version);
    const char *row[] = {id,
                         ctl_state(n->state),
                         ctl_kind(n->kind),
                         n->unit,
                         n->campaign,
                         version,
                         ctl_time(n->updated_ms, updated, sizeof updated),
                         n->name};
    ctl_table_add(t, row);
}

typedef struct {
    ex_list_filter_t filter;
    uint64_t limit; /* 0: all */
} list_args_t;

/* list --sort name|rank: the protocol's ListSort. */
static int parse_sort(ctl_t *ctl, const char *text, int *out)
{
    if (strcmp(text, "name") == 0)
        *out = EXEMPLAR__LIST_SORT__LIST_SORT_NAME;
    else if (strcmp(text, "rank") == 0)
        *out = EXEMPLAR__LIST_SORT__LIST_SORT_RANK;
    else
        return ctl_usage(ctl, "--sort takes name or rank, not '%s'", text);
    return 0;
}

static int list_args(ctl_t *ctl, const ctl_args_t *a, list_args_t *l)
{
    memset(l, 0, sizeof *l);
    const char *state = a->opt[OPT_SLOT(OPT_STATE)];
    const char *limit = a->opt[OPT_SLOT(OPT_LIMIT)];
    int status = 0;
    if (state)
        status = parse_state(ctl, state, &l->filter.state);
    if (!status && limit)
        status = ctl_parse_u64(ctl, "--limit", limit, 1, &l->limit);
    l->filter.unit = a->opt[OPT_SLOT(OPT_UNIT)];
    l->filter.campaign = a->opt[OPT_SLOT(OPT_CAMPAIGN)];
    l->filter.name_contains = a->opt[OPT_SLOT(OPT_NAME)];
    const char *as_of = a->opt[OPT_SLOT(OPT_AS_OF)];
    if (!status && as_of)
        status = ctl_parse_as_of(ctl, as_of, &l->filter.as_of_ms);
    const char *sort = a->opt[OPT_SLOT(OPT_SORT)];
    if (!status && sort)
        status = parse_sort(ctl, sort, &l->filter.sort);
    return status;
}

/* Follows next_page_token until the last page or the limit, adding every
 * nomination to the JSON array or the table. */
static int list_pages(ctl_t *ctl, ex_client_t *c, list_args_t *l, json_object *array,
                      ctl_table_t *t, ex_progress_t *prog)
{
    uint8_t *token = NULL;
    uint64_t got = 0;
    int status = 0;
    do {
        uint64_t left = l->limit ? l->limit - got : PAGE_MAX;
        l->filter.limit = (uint32_t)(left < PAGE_MAX ? left : PAGE_MAX);
        Exemplar__Reply *reply = NULL;
        if ((status = ctl_call_status(ctl, ex_list(c, &l->filter, &reply), &reply)) != 0)
            break;
        const Exemplar__ListReply *page = reply->list;
        for (size_t i = 0; i < page->n_nominations && (!l->limit || got < l->limit); i++, got++) {
            if (array)
                json_object_array_add(array, ctl_json_nomination(page->nominations[i]));
            else
                list_row(t, page->nominations[i]);
        }
        ex_progress_update(prog, got);
        free(token);
        token = NULL;
        l->filter.page_token_len = page->next_page_token.len;
        if (page->next_page_token.len) {
            token = malloc(page->next_page_token.len);
            if (token)
                memcpy(token, page->next_page_token.data, page->next_page_token.len);
            else
                status = ctl_fail(ctl, EX_EINTERNAL, _("out of memory"));
        }
        l->filter.page_token = token;
        ex_reply_free(reply);
    } while (!status && token && (!l->limit || got < l->limit));
    free(token);
    return status;
}

/* How many nominations a list will print, for its progress line: the
 * daemon's count when nothing filters them (at most --limit), else 0
 * (unknown: the daemon counts only by state, and not in the past). */
static uint64_t list_total(ex_client_t *c, const list_args_t *l)
{
    const ex_list_filter_t *f = &l->filter;
    if (f->state || (f->unit && *f->unit) || (f->campaign && *f->campaign) ||
        (f->name_contains && *f->name_contains) || f->as_of_ms)
        return 0;
    Exemplar__Reply *reply = NULL;
    uint64_t n = 0;
    if (ex_reply_status(ex_info(c, &reply), reply) == 0)
        n = reply->info->nominations;
    ex_reply_free(reply);
    return l->limit && l->limit < n ? l->limit : n;
}

int cmd_list(ctl_t *ctl, const ctl_args_t *a)
{
    list_args_t l;
    int status = list_args(ctl, a, &l);
    ex_client_t *c = status ? NULL : ctl_client(ctl, &status);
    if (!c)
        return status;
    char updated_head[96];
    snprintf(updated_head, sizeof updated_head, _("UPDATED (%s)"), l10n_zone());
    const char *const HEADER[] = {N_("ID"),       N_("STATE"),   N_("KIND"),   N_("UNIT"),
                                  N_("CAMPAIGN"), N_("VERSION"), updated_head, N_("NAME")};
    static const bool RIGHT[] = {true, false, false, false, false, true, false, false};
    json_object *array = ctl->json ? json_object_new_array() : NULL;
    ctl_table_t t;
    ctl_table_init(&t, 8, HEADER, RIGHT);
    ex_progress_t prog;
    ex_progress_init(&prog, "list", _("nominations"), 0);
    if (ex_progress_shown(&prog))
        ex_progress_total(&prog, list_total(c, &l));
    status = list_pages(ctl, c, &l, array, &t, &prog);
    ex_progress_deinit(&prog);
    if (!status && array) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "nominations", json_object_get(array));
        ctl_json_print(doc);
    } else if (!status) {
        ctl_table_print(&t, stdout);
    }
    json_object_put(array);
    ctl_table_deinit(&t);
    return status;
}
