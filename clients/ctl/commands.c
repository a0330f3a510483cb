/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's commands: CTL_OPTIONS (every option's spelling), CMD_TABLE
 * (name, arguments, summary, handler, options, details) and the handlers of
 * the request/reply commands.  CMD_TABLE is the only list of commands: main.c
 * dispatches through it and help.c prints the manual from it.
 */
#include "ctl.h"
#include "progress.h"
#include "statedir.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Pages asked for when following next_page_token (the protocol's maximum). */
#define PAGE_MAX 1000

/* clang-format off */
const ctl_opt_t CTL_GLOBAL_OPTIONS[] = {
    { OPT_API,     "api",     "ENDPOINT", N_("the daemon's api endpoint (ZeroMQ syntax: ipc://PATH, tcp://HOST:PORT); overrides EXEMPLAR_API") },
    { OPT_JSON,    "json",    NULL,       N_("print one JSON document on stdout instead of text (watch: one JSON object per line)") },
    { OPT_TIMEOUT, "timeout", "MS",       N_("wait MS milliseconds for each answer (default 5000); a request unanswered in time is sent again, with the same request id, twice") },
    { OPT_SERVER_KEY, "server-key", "FILE", N_("CURVE: the daemon's public key file (its server.pub) for a tcp:// endpoint; overrides EXEMPLAR_SERVER_KEY") },
    { OPT_KEY,     "key",     "FILE",     N_("CURVE: your secret key file (from 'exemplarctl keygen', mode 0600); overrides EXEMPLAR_KEY") },
    { OPT_HELP,    "help",    NULL,       N_("print this manual (or, after a command, that command's page) and exit") },
    { OPT_VERSION, "version", NULL,       N_("print exemplarctl's version and exit") },
};
/* clang-format on */
const size_t CTL_GLOBAL_OPTIONS_COUNT = sizeof CTL_GLOBAL_OPTIONS / sizeof CTL_GLOBAL_OPTIONS[0];

/* clang-format off */
const ctl_opt_t CTL_OPTIONS[] = {
    { OPT_UNIT,           "unit",           "CODE",     NULL },
    { OPT_KIND,           "kind",           "KIND",     NULL },
    { OPT_NAME,           "name",           "NAME",     NULL },
    { OPT_CAMPAIGN,       "campaign",       "ID",       NULL },
    { OPT_REQUEST_ID,     "request-id",     "N",        NULL },
    { OPT_EXPECT_VERSION, "expect-version", "N",        NULL },
    { OPT_REASON,         "reason",         "TEXT",     NULL },
    { OPT_STATE,          "state",          "STATE",    NULL },
    { OPT_LIMIT,          "limit",          "N",        NULL },
    { OPT_FROM,           "from",           "SEQ",      NULL },
    { OPT_TOPIC,          "topic",          "PREFIX",   NULL },
    { OPT_COUNT,          "count",          "N",        NULL },
    { OPT_EVENTS,         "events",         "ENDPOINT", NULL },
    { OPT_WAIT,           "wait",           "SECONDS",  NULL },
    { OPT_SUBJECT,        "subject",        "ID",       NULL },
    { OPT_HEAD_OF,        "head-of",        "SUBJECT",  NULL },
    { OPT_PERIOD,         "period",         "ID",       NULL },
    { OPT_OVERRIDE,       "override",       "REASON",   NULL },
    { OPT_DECISION,       "decision",       "NUMBER",   NULL },
    { OPT_DECISION_DATE,  "decision-date",  "DATE",     NULL },
    { OPT_ISSUER,         "issuer",         "TEXT",     NULL },
    { OPT_CODE,           "code",           "CODE",     NULL },
    { OPT_ON,             "on",             "DATE",     NULL },
    { OPT_DIR,            "dir",            "DIR",      NULL },
    { OPT_PUBLISHER,      "publisher",      "NAME",     NULL },
    { OPT_EVENT_ID,       "event-id",       "ID",       NULL },
    { OPT_SEQ,            "seq",            "N",        NULL },
    { OPT_TYPE,           "type",           "TYPE",     NULL },
    { OPT_YEAR,           "year",           "YEAR",     NULL },
    { OPT_VALUE,          "value",          "TEXT",     NULL },
    { OPT_FILE,           "file",           "FILE",     NULL },
    { OPT_BATCH,          "batch",          "N",        NULL },
    { OPT_COLLECTIVE,     "collective",     "N",        NULL },
    { OPT_INDIVIDUAL,     "individual",     "N",        NULL },
    { OPT_SOLUTIONS,      "solutions",      "TEXT",     NULL },
    { OPT_DRAFT,          "draft",          NULL,       NULL },
    { OPT_REPAIR,         "repair",         NULL,       NULL },
    { OPT_AS_OF,          "as-of",          "DATE",     NULL },
    { OPT_TIMERS,         "timers",         NULL,       NULL },
    { OPT_PREFIX,         "prefix",         "TEXT",     NULL },
    { OPT_FORMAT,         "format",         "FORMAT",   NULL },
    { OPT_OUTPUT,         "output",         "PATH",     NULL },
    { OPT_LANG,           "lang",           "LANG",     NULL },
    { OPT_STATE_DIR,      "state-dir",      "DIR",      NULL },
    { OPT_FORCE,          "force",          NULL,       NULL },
    { OPT_DOCUMENT,       "document",       "FILE",     NULL },
    { OPT_DOC_NUMBER,     "doc-number",     "N",        NULL },
    { OPT_DOC_DATE,       "doc-date",       "DATE",     NULL },
};
/* clang-format on */
const size_t CTL_OPTIONS_COUNT = sizeof CTL_OPTIONS / sizeof CTL_OPTIONS[0];

const ctl_opt_t *ctl_opt_find(ctl_opt_key_t key)
{
    for (size_t i = 0; i < CTL_GLOBAL_OPTIONS_COUNT; i++)
        if (CTL_GLOBAL_OPTIONS[i].key == key)
            return &CTL_GLOBAL_OPTIONS[i];
    for (size_t i = 0; i < CTL_OPTIONS_COUNT; i++)
        if (CTL_OPTIONS[i].key == key)
            return &CTL_OPTIONS[i];
    return NULL;
}

/* ---- helpers ----------------------------------------------------------- */

ex_client_t *ctl_client(ctl_t *ctl, int *status)
{
    if (ctl->client)
        return ctl->client;
    ex_client_opts_t opts = {.endpoint = ctl->api,
                             .timeout_ms = ctl->timeout_ms,
                             .retries = ctl->retries,
                             .language =
                                 l10n_code()}; /* the daemon answers in the person's language */
    *status = ctl_curve_keys(ctl, &opts.curve);
    if (*status)
        return NULL;
    ctl->client = ex_client_new(&opts);
    if (!ctl->client) {
        const char *ep = ctl->api ? ctl->api : ex_default_endpoint();
        if (errno == ENOMEM)
            *status = ctl_fail(ctl, EX_EINTERNAL, _("out of memory"));
        else
            *status = ctl_usage(ctl, "cannot use api endpoint '%s' (%s)", ep, strerror(errno));
    }
    return ctl->client;
}

int ctl_parse_u64(ctl_t *ctl, const char *what, const char *text, uint64_t min, uint64_t *out)
{
    const char *p = text;
    uint64_t v = 0;
    what = _(what);
    if (!*p)
        return ctl_usage(ctl, "%s must be a number, not an empty string", what);
    for (; *p; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (d > 9)
            return ctl_usage(ctl, "%s must be a number, not '%s'", what, text);
        if (v > (UINT64_MAX - d) / 10)
            return ctl_usage(ctl, "%s is too large: '%s'", what, text);
        v = v * 10 + d;
    }
    if (v < min)
        return ctl_usage(ctl, "%s must be at least %" PRIu64 ", not '%s'", what, min, text);
    *out = v;
    return 0;
}

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

/* Checks a call's outcome: 0 with *reply kept, or, after reporting the
 * failure and freeing *reply, the exit status. */
static int call_status(ctl_t *ctl, int rc, Exemplar__Reply **reply)
{
    if (ex_reply_status(rc, *reply) == 0)
        return 0;
    int status = ctl_fail_call(ctl, rc, *reply);
    ex_reply_free(*reply);
    *reply = NULL;
    return status;
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

static int cmd_register(ctl_t *ctl, const ctl_args_t *a)
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
    if ((status = call_status(ctl, rc, &reply)) != 0)
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
    int status = call_status(ctl, ex_get(c, id, &reply), &reply);
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

static int cmd_move(ctl_t *ctl, const ctl_args_t *a)
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
    if ((status = call_status(ctl, rc, &reply)) != 0)
        return status;
    put_nomination(ctl, reply->nomination);
    ex_reply_free(reply);
    return EXIT_OK;
}

/* ---- show, history ----------------------------------------------------- */

static int cmd_show(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id;
    int status = parse_id(ctl, a->argv[0], &id);
    ex_client_t *c = status ? NULL : ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__Reply *reply = NULL;
    if ((status = call_status(ctl, ex_get(c, id, &reply), &reply)) != 0)
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

static int cmd_history(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t id;
    int status = parse_id(ctl, a->argv[0], &id);
    ex_client_t *c = status ? NULL : ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__Reply *reply = NULL;
    if ((status = call_status(ctl, ex_history(c, id, &reply), &reply)) != 0)
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
        if ((status = call_status(ctl, ex_list(c, &l->filter, &reply), &reply)) != 0)
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

static int cmd_list(ctl_t *ctl, const ctl_args_t *a)
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

/* ---- info, ping -------------------------------------------------------- */

static int cmd_info(ctl_t *ctl, const ctl_args_t *a)
{
    (void)a;
    int status;
    ex_client_t *c = ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__Reply *reply = NULL;
    if ((status = call_status(ctl, ex_info(c, &reply), &reply)) != 0)
        return status;
    if (ctl->json)
        ctl_json_print(ctl_json_info(reply->info, ex_client_endpoint(c)));
    else
        ctl_print_info(reply->info, ex_client_endpoint(c));
    ex_reply_free(reply);
    return EXIT_OK;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One Info request: one attempt of at most timeout_ms on a fresh
 * connection.  Returns the call's result, or 1 after reporting that no client
 * could be made (*status). */
static int ping_once(ctl_t *ctl, int timeout_ms, Exemplar__Reply **reply, int *status)
{
    ex_client_destroy(&ctl->client);
    ctl->timeout_ms = timeout_ms;
    ctl->retries = -1;
    ex_client_t *c = ctl_client(ctl, status);
    return c ? ex_info(c, reply) : 1;
}

/* Asks again until the daemon answers or `wait` seconds are over; without
 * --wait, one attempt of --timeout. */
static int cmd_ping(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t wait_s = 0;
    const char *wait_text = a->opt[OPT_SLOT(OPT_WAIT)];
    if (wait_text && ctl_parse_u64(ctl, "--wait", wait_text, 0, &wait_s))
        return EXIT_USAGE;
    if (wait_s > 86400)
        return ctl_usage(ctl, "--wait is at most 86400 seconds");
    int per_try = ctl->timeout_ms > 0 ? ctl->timeout_ms : 5000;
    int64_t start = now_ms(), deadline = start + (int64_t)wait_s * 1000;
    Exemplar__Reply *reply = NULL;
    int rc, status = EXIT_OK;
    do {
        int64_t left = deadline - now_ms();
        int t = per_try;
        if (wait_s > 0)
            t = left >= 1000 ? 1000 : left > 0 ? (int)left : 1;
        int64_t tried = now_ms();
        if ((rc = ping_once(ctl, t, &reply, &status)) > 0)
            return status;
        /* No socket file yet: the call failed at once; wait out this try's
         * slot before looking again instead of spinning. */
        int64_t spent = now_ms() - tried;
        if (rc == -EX_EUNAVAIL && wait_s > 0 && spent < 100) {
            struct timespec pause = {0, (long)(100 - spent) * 1000000L};
            nanosleep(&pause, NULL);
        }
    } while (rc == -EX_EUNAVAIL && now_ms() < deadline);
    if ((status = call_status(ctl, rc, &reply)) != 0)
        return status;
    int64_t waited = now_ms() - start;
    const char *api = ex_client_endpoint(ctl->client);
    if (ctl->json) {
        json_object *doc = ctl_json_info(reply->info, api);
        json_object_object_add(doc, "waited_ms", json_object_new_int64(waited));
        ctl_json_print(doc);
    } else {
        printf(_("exemplard %s is answering at %s (after %" PRId64 " ms)\n"), reply->info->version,
               api, waited);
    }
    ex_reply_free(reply);
    return EXIT_OK;
}

/* ---- the table --------------------------------------------------------- */

static const ctl_cmd_opt_t REGISTER_OPTS[] = {
    {OPT_UNIT,
     N_("the unit registering it: 1-16 of A-Z 0-9 . _ - (required; lower case is taken as "
        "upper case, as everywhere a unit code is given)")},
    {OPT_KIND, N_("collective or individual (required)")},
    {OPT_NAME, N_("the name of the collective or the person, UTF-8, at most 256 bytes (required)")},
    {OPT_CAMPAIGN, N_("the campaign, e.g. 2021-2025 (default: the daemon's default campaign)")},
    {OPT_REQUEST_ID,
     N_("the request id to send (default: a new one); run the same command with the "
        "same N again to retry safely: the daemon answers as the first time")},
    {OPT_SUBJECT, N_("the subject id evidence is recorded under: a personnel number, or the "
                     "collective's code such as 01:PTNN (required while the rules are enforced); "
                     "published events naming it are recorded in the nomination's history")},
    {OPT_HEAD_OF, N_("for an individual who heads a unit: the subject id of the collective they "
                     "lead, which must be recognized first")},
    {OPT_PERIOD, N_("the campaign's period, e.g. 2021-2023 (default: the one whose registration "
                    "window is open)")},
    {OPT_OVERRIDE, N_("administrators only: register outside the registration window; REASON is "
                      "recorded in the history")},
    {0, NULL},
};

static const ctl_cmd_opt_t MOVE_OPTS[] = {
    {OPT_EXPECT_VERSION, N_("the version you last saw; a stale one is refused as a conflict "
                            "(default: read the nomination first and use its version)")},
    {OPT_REASON, N_("why; required by the side exits withdrawn, not-selected and returned")},
    {OPT_REQUEST_ID, N_("the request id to send (default: a new one); the same N again is a safe "
                        "retry that changes nothing")},
    {OPT_OVERRIDE, N_("administrators only: move outside the campaign window; REASON is recorded "
                      "in the history")},
    {OPT_DECISION, N_("the number of the decision behind the move (required by recognized and "
                      "revoked)")},
    {OPT_DECISION_DATE, N_("the decision's date, YYYY-MM-DD: not after the daemon's day; for "
                           "recognized, not before the nomination became ministry-reviewed")},
    {OPT_ISSUER, N_("who signed the decision (required by recognized), e.g. Bộ trưởng Bộ Nông "
                    "nghiệp và Môi trường for decisions after 1 March 2025")},
    {0, NULL},
};

static const ctl_cmd_opt_t LIST_OPTS[] = {
    {OPT_STATE, N_("only nominations in this state")},
    {OPT_UNIT, N_("only nominations of this unit (any case: b.khcn is B.KHCN)")},
    {OPT_CAMPAIGN, N_("only nominations of this campaign")},
    {OPT_NAME, N_("only names containing TEXT, ignoring case and diacritics (\"ha noi\" finds "
                  "\"Hà Nội\")")},
    {OPT_LIMIT, N_("print at most N nominations (default: all of them)")},
    {OPT_AS_OF, N_("every nomination as it was at the end of DATE (YYYY-MM-DD, UTC) or at an "
                   "instant (YYYY-MM-DDTHH:MM:SS[.mmm]Z), from its history; nominations "
                   "registered later are left out and the filters apply to the past state")},
    {0, NULL},
};

static const ctl_cmd_opt_t WATCH_OPTS[] = {
    {OPT_FROM, N_("first print the changes from sequence number SEQ on (1 = the whole log); "
                  "default: only changes made from now on")},
    {OPT_TOPIC, N_("only changes whose topic nomination.UNIT.STATE starts with PREFIX, "
                   "e.g. nomination.01. (one unit) or nomination.01.recognized; a PREFIX starting "
                   "with event. prints stored events instead (event.TYPE.SUBJECT, e.g. "
                   "event.title-awarded.), live only; a PREFIX starting with notify. prints the "
                   "reminders and summaries the workers announce (notify.UNIT or notify.ministry), "
                   "live only")},
    {OPT_COUNT, N_("exit 0 after printing N changes (default: follow until interrupted)")},
    {OPT_EVENTS, N_("the change feed's endpoint (default: the one the daemon announces in info)")},
    {0, NULL},
};

static const ctl_cmd_opt_t PING_OPTS[] = {
    {OPT_WAIT, N_("keep asking for up to SECONDS (each try on a fresh connection) until the daemon "
                  "answers; default: one try of --timeout")},
    {0, NULL},
};

static const ctl_cmd_opt_t NO_OPTS[] = {{0, NULL}};

static const ctl_cmd_opt_t UNITS_OPTS[] = {
    {OPT_CODE, N_(N_("list: only the versions of this unit code"))},
    {OPT_NAME, N_(N_("list: only names containing TEXT, ignoring case and diacritics; sorted in "
                     "Vietnamese order"))},
    {OPT_ON, N_(N_("list, export: only versions valid on DATE (YYYY-MM-DD)"))},
    {0, NULL},
};

static const ctl_cmd_opt_t PLAN_OPTS[] = {
    {OPT_PERIOD, N_("the campaign period, e.g. 2021-2023 (required)")},
    {OPT_CAMPAIGN, N_("the campaign (default: the daemon's default campaign)")},
    {OPT_UNIT, N_("list: only this unit")},
    {OPT_COLLECTIVE, N_("submit: the expected number of collective exemplars")},
    {OPT_INDIVIDUAL, N_("submit: the expected number of individual exemplars")},
    {OPT_SOLUTIONS, N_("submit: the unit's solutions and responsibilities, UTF-8 (at most 8192 "
                       "bytes; required to submit)")},
    {OPT_DECISION, N_("submit: the number of the unit's own plan document (required to submit)")},
    {OPT_DECISION_DATE, N_("submit: that document's date, YYYY-MM-DD")},
    {OPT_ISSUER, N_("submit: who signed that document")},
    {OPT_DRAFT, N_("submit: save a draft without sending it to the Ministry")},
    {OPT_REASON, N_("return: why the plan must be revised (required); accept: why a late plan is "
                    "accepted (required for a late plan)")},
    {OPT_EXPECT_VERSION,
     N_("submit, accept, return: refuse (exit 4) unless the plan is at version N")},
    {OPT_REQUEST_ID, N_("submit, accept, return: the request id to send (default: a new one)")},
    {0, NULL},
};

static const ctl_cmd_opt_t EVIDENCE_OPTS[] = {
    {OPT_DECISION, N_("the decision's number, e.g. 1234/QĐ-BTNMT (required by add and revoke)")},
    {OPT_DECISION_DATE, N_("the decision's date, YYYY-MM-DD (required by add and revoke)")},
    {OPT_ISSUER, N_("who signed the decision")},
    {OPT_REQUEST_ID, N_("the request id to send (default: a new one)")},
    {0, NULL},
};

static const ctl_cmd_opt_t KEYGEN_OPTS[] = {
    {OPT_DIR, N_("write the files into DIR (default: the current directory)")},
    {0, NULL},
};

static const ctl_cmd_opt_t JOBS_OPTS[] = {
    {OPT_STATE, N_("only jobs in STATE: ready, leased, done or parked")},
    {OPT_KIND, N_("only KIND: remind-deadline, remind-overdue, remind-stale or summary")},
    {OPT_PREFIX, N_("only ids starting with TEXT, e.g. remind/2021-2025/ or summary/")},
    {OPT_TIMERS, N_("list (or show) the timers the jobs come from instead")},
    {OPT_LIMIT, N_("print at most N (1-1000, default 100)")},
    {0, NULL},
};

static const ctl_cmd_opt_t SUMMARY_OPTS[] = {
    {OPT_FORMAT, N_("json, csv (UTF-8 with a BOM), xlsx, html (one page with SVG charts) or all; "
                    "without it the summary is printed as text (--json: as JSON)")},
    {OPT_AS_OF, N_("a day YYYY-MM-DD inside the quarter (default: its last day)")},
    {OPT_OUTPUT, N_("the file to write (one format; default: standard output, xlsx: "
                    "summary-QUARTER.xlsx) or the directory (--format all; default: .)")},
    {OPT_LANG, N_("vi or en: the labels of csv, xlsx and html (default vi) and the language of the "
                  "text (default: the language of LANG)")},
    {OPT_CAMPAIGN, N_("one campaign only (default: every campaign)")},
    {OPT_DOCUMENT, N_("html: an INI file whose [document] section gives the report's header and "
                      "signature (parent, body, number, symbol, place, date, subject, authority, "
                      "title, signer, recipient, archive; see exemplar-summary(8)); a value not "
                      "given is printed as a blank to fill in")},
    {OPT_DOC_NUMBER, N_("html: the report's number (Số: N/BC-...), over the file's")},
    {OPT_DOC_DATE, N_("html: the day YYYY-MM-DD the report is signed, over the file's")},
    {0, NULL},
};

static const ctl_cmd_opt_t FSCK_OPTS[] = {
    {OPT_REPAIR, N_("after the check, rebuild the by_state and by_unit indexes from the "
                    "nominations, in the same transaction; exit 0 when nothing else is wrong")},
    {OPT_LIMIT, N_("print at most N problems (1-1000, default 20); all are counted")},
    {0, NULL},
};

static const ctl_cmd_opt_t BACKUP_OPTS[] = {
    {OPT_FORCE, N_("replace FILE when it exists")},
    {0, NULL},
};

static const ctl_cmd_opt_t STATE_DIR_OPTS[] = {
    {OPT_STATE_DIR, N_("the daemon's state directory (default: the one of the configuration in "
                       "use, see 'exemplarctl state-dir')")},
    {0, NULL},
};

static const ctl_cmd_opt_t AUDIT_OPTS[] = {
    {OPT_LIMIT, N_("print at most N entries, newest first (default 100)")},
    {0, NULL},
};

/* clang-format off */

const ctl_cmd_t CMD_TABLE[] = {
    { "register", "--unit CODE --kind KIND --name NAME [--campaign ID] [--subject ID] [--request-id N]",
      N_("register a new nomination and print its id"),
      cmd_register, 0, 0, REGISTER_OPTS,
      N_("The nomination starts in state registered at version 1. Prints the new id, or with "
      "--json the whole nomination.") },
    { "move", "ID STATE [--expect-version N] [--reason TEXT] [--request-id N]",
      N_("move nomination ID to STATE and print it after the move"),
      cmd_move, 2, 2, MOVE_OPTS,
      N_("STATE is the state to move to (see STATES); the move table decides which moves exist, "
      "who may make them and which need a reason ('exemplarctl help moves'). A move made "
      "by someone else since the version you expect is refused as a conflict (exit 4) "
      "whose message names the current version.") },
    { "show", "ID", N_("print one nomination"),
      cmd_show, 1, 1, NO_OPTS, NULL },
    { "history", "ID", N_("print a nomination's changes, oldest first"),
      cmd_history, 1, 1, NO_OPTS,
      N_("Columns: sequence number in the change log, time (in Vietnam's time), the move, its verb, the "
      "version after it, who made it and why.") },
    { "list", "[--state STATE] [--unit CODE] [--campaign ID] [--limit N] [--as-of DATE]",
      N_("list nominations, filtered"),
      cmd_list, 0, 0, LIST_OPTS,
      N_("Reads every page the daemon has for the filter (or until --limit). With --as-of the "
      "daemon rebuilds each nomination's state, version and last change time on that date "
      "from its history; it walks every nomination, so it is slower than a list of today.") },
    { "watch", "[--from SEQ] [--topic PREFIX] [--count N] [--events ENDPOINT]",
      N_("print committed changes as they happen"),
      cmd_watch, 0, 0, WATCH_OPTS,
      N_("Subscribes to the daemon's change feed first, then prints the changes from --from "
      "on from the change log, then the live ones, in sequence order, each exactly once: "
      "changes the feed missed (a slow start, a full buffer, a daemon restart) are fetched "
      "from the log. With --json, one JSON object per line.") },
    { "event", "publish (--type TYPE --subject ID --publisher NAME --event-id ID --seq N [--year YEAR] [--value TEXT] [--decision NUMBER] | --file FILE.jsonl [--publisher NAME] [--batch N]) | list SUBJECT [--limit N]",
      N_("publish events as an agency service would, or list the events naming a subject"),
      cmd_event, 1, 2, EVENT_OPTS,
      N_("One event from the options, or a file of JSON lines (one event per line; '-' reads "
      "stdin) sent in batches of --batch events, each batch one transaction. An event's "
      "identity is (publisher, seq): sending it again is acknowledged and ignored, so a "
      "failed run can simply be run again. JSON keys: publisher, event_id, seq, type, "
      "subject, year, at_ms, decision {number, date, issuer}, and the type's detail: title "
      "(title-awarded), rating (performance-rating), measure (discipline), revoked_event_id, "
      "revoked_number (decision-revoked), from_unit, to_unit (person-moved), new_code, "
      "new_name (unit-renamed), into_unit (unit-merged). TYPE is one of title-awarded, "
      "performance-rating, discipline, decision-revoked, person-moved, unit-renamed, "
      "unit-merged. Prints how many were accepted and how many were duplicates. 'event list "
      "SUBJECT' prints the events naming SUBJECT, oldest first: events are kept whether or not "
      "a nomination names the subject yet, and a nomination registered with --subject records "
      "them in its history (verb evidence).") },
    { "stats", "", N_("print nominations by state, request, batch and commit-time counters, and event counters per publisher"),
      cmd_stats, 0, 0, NO_OPTS,
      N_("Nominations by state (counted from the store); requests handled and refused, batches "
      "(group commits) and their mean size since the daemon started; the median and 99th "
      "percentile of the commit time (the durable sync) over the last 1024 commits. A gap is a jump in a publisher's sequence numbers (events it sent that never "
      "arrived); each is logged once by the daemon and counted here, with the sequence "
      "numbers it skipped (missing) and the events that arrived late into a gap.") },
    { "info", "", N_("print the daemon's version, change feed endpoint and counts"),
      cmd_info, 0, 0, NO_OPTS, NULL },
    { "ping", "[--wait SECONDS]", N_("check that the daemon answers (exit 0, or 7 if it does not)"),
      cmd_ping, 0, 0, PING_OPTS,
      N_("For scripts that start exemplard and wait until it serves requests.") },
    { "units", "list [--code CODE] [--name TEXT] [--on DATE] | import FILE.csv | export [--on DATE]",
      N_("list, import or export the unit registry"),
      cmd_units, 1, 2, UNITS_OPTS,
      N_("Units are versions with validity dates: a merge (the 2025 reorganisation) closes the "
      "absorbed units the day before and starts the merged one; an old code may be reused. "
      "list sorts by code, or with --name in Vietnamese alphabetical order. import reads a CSV "
      "with the header code,name_vi,name_en_ascii,valid_from,valid_to,merged_from,kind "
      "(daemon/data/units/ has the 2021 lists and the 2025 merges); export writes the same format.") },
    { "campaign", "show [ID]", N_("print the campaigns' calendars: periods, windows, milestones"),
      cmd_campaign, 1, 2, NO_OPTS,
      N_("Windows marked open are open on the daemon's day; the move table's WINDOW column "
      "refers to them. A milestone that is a deadline says what units must have done by it "
      "(plan: sent the period's plan), for which period, and when it is due in Vietnam's time "
      "(--json: due and due_ms); deadlines in working days count Vietnam's public holidays "
      "and [rules] holidays_file.") },
    { "evidence", "add SUBJECT YEAR TITLE --decision N --decision-date DATE [--issuer TEXT] | "
                  "revoke SUBJECT YEAR TITLE --decision N --decision-date DATE | list SUBJECT",
      N_("record, revoke or list a subject's titles and ratings per year"),
      cmd_evidence, 2, 4, EVIDENCE_OPTS,
      N_("TITLE is a code of the rule book: TTLDXS (Tập thể lao động xuất sắc), TTLDTT, HTXSNV "
      "(hoàn thành xuất sắc nhiệm vụ), LDTT, CSTDCS (Chiến sĩ thi đua cơ sở), CSTD-BO, CSTD-TQ, "
      "BK-BO, BK-TTG, CTD-BO, CTD-CP. A revoked title no longer counts: it breaks the chain of "
      "consecutive years.") },
    { "check", "ID", N_("explain which criteria nomination ID meets and which it misses"),
      cmd_check, 1, 1, NO_OPTS,
      N_("Per criterion of the rule sets judging the period's years: the years present, missing "
      "and revoked, and the years still pending (their titles are not decided by the daemon's "
      "day: the rule set's decided_by, e.g. 31 March of the next year), with whether the rule "
      "set requires them before recognition; for a head of unit, whether the collective they "
      "lead is recognized. Judged for the nomination's next step: recognition once "
      "ministry-reviewed, a review before. Exit 0 when everything is met, 5 when not.") },
    { "plan", "submit UNIT --period ID [--collective N] [--individual N] [--solutions TEXT] "
              "[--decision NUMBER --decision-date DATE] [--draft] | show UNIT --period ID | "
              "list --period ID [--unit CODE] | accept UNIT --period ID [--reason TEXT] | "
              "return UNIT --period ID --reason TEXT",
      N_("submit, show, review or list the units' plans and expected exemplars per period"),
      cmd_plan, 1, 2, PLAN_OPTS,
      N_("A unit officer submits its own unit's plan (expected collective and individual "
      "exemplars, solutions and responsibilities, the unit's plan document) with its "
      "registration list: the unit's nominations in that period. After the period's "
      "registration deadline a submission is recorded as late. A ministry reviewer (or an "
      "administrator) accepts it, with a reason when it was late, or returns it with a reason; "
      "the unit then submits again. Every version is kept: 'plan show' prints the plan, its "
      "registration list, progress and history. 'plan list' prints every unit of the registry "
      "valid in the period: its status (no-plan, draft, submitted, late, accepted, returned), "
      "registered/expected collectives and individuals, recognized, and whether it is behind "
      "(fewer live nominations than expected)."), 2 },
    { "keygen", "NAME [--dir DIR]", N_("make a CURVE key pair: NAME.key (secret, mode 0600) and NAME.pub"),
      cmd_keygen, 1, 1, KEYGEN_OPTS,
      N_("Prints the keys-file line to give the daemon's administrator (role and unit still to fill "
      "in). Never overwrites a file. 'exemplarctl keygen server' makes the daemon's own pair.") },
    { "user", "add NAME ROLE [UNIT] | passwd NAME [-] | disable NAME | enable NAME | list",
      N_("manage the local accounts people sign in to exemplar-web with (administrators only)"),
      cmd_user, 1, 4, NO_OPTS,
      N_("'user add' makes an account with a one-time password, printed once, that must be changed "
      "at the first sign-in; ROLE is unit-officer (give its UNIT), ministry-reviewer, approver, "
      "reader or admin. 'user passwd NAME' makes a new one-time password; 'user passwd NAME -' "
      "reads the new password from the first line of stdin. Passwords are hashed here with "
      "Argon2id (libsodium) and only the hash is sent to the daemon. A disabled account cannot "
      "sign in and no gateway may act for it until it is enabled again.") },
    { "audit", "[--limit N]", N_("print refused changes, newest first (administrators only)"),
      cmd_audit, 0, 0, AUDIT_OPTS,
      N_("Every refused register or move is in the audit list with who asked, what and why it "
      "was refused. Columns: sequence number, time (in Vietnam's time), principal, role, unit, request, "
      "error name and the message the caller was given.") },
    { "jobs", "[--state STATE] [--kind KIND] [--prefix TEXT] [--timers] | show ID | retry ID",
      N_("list the timers and jobs of reminders and summaries; retry a parked job"),
      cmd_jobs, 0, 2, JOBS_OPTS,
      N_("The daemon derives timers from the campaigns: reminders before and after every "
      "deadline milestone ([workers] remind_before, remind_after), a reminder after the last "
      "window a state can be left in has closed (stale_after), and a summary after every "
      "quarter (summary_delay). A timer that fires makes jobs, one per unit that has not "
      "acted (reminders) or one per quarter (summaries), with deterministic ids such as "
      "remind/2021-2025/2021-2023/plan/2021-09-15/-7d/HNI. Workers (exemplar-remind, "
      "exemplar-summary) lease them, record each delivery (topic, journal, mail, file) and "
      "acknowledge; a job whose lease ends unacknowledged is handed out again, and after "
      "[workers] max_attempts failures it is parked. Columns: id, kind, state (ready, leased, "
      "done, parked), when it is next available (a lease's end), attempts, channels "
      "delivered. 'jobs show ID' prints one job with its deliveries and last error; "
      "'jobs retry ID' (administrators) hands a parked or done job out again with its "
      "failures forgotten (channels already delivered are not repeated), or makes a pending "
      "or skipped timer fire now.") },
    { "fsck", "[--repair] [--limit N]", N_("check the store's indexes, histories and change log (administrators only)"),
      cmd_fsck, 0, 0, FSCK_OPTS,
      N_("Checks that every nomination has exactly one live by_state entry and one by_unit "
      "entry, that every index entry names an existing nomination, that replaying each "
      "nomination's history from its registration gives its state and version, and that "
      "the change log has no gaps. Stale by_state entries (left by moves, swept by "
      "housekeeping) are counted, not reported. Prints the counts and the first problems "
      "as sentences; exit 0 when the store is clean, 1 when problems remain. --repair "
      "rebuilds the derivable indexes; a broken history or change log is reported, not "
      "repaired (restore a backup). The daemon does the whole check in one pass and "
      "answers nothing else meanwhile: 7 s for 1 M nominations with 1.5 M changes on a "
      "2-core machine. exemplarctl waits up to 10 minutes for the answer (or --timeout) "
      "and does not send the request again.") },
    { "summary", "QUARTER [--format FORMAT] [--as-of DATE] [--output PATH] [--lang vi|en] [--campaign ID]",
      N_("the quarterly summary of QUARTER (e.g. 2023Q3), as of its last day"),
      cmd_summary, 1, 1, SUMMARY_OPTS,
      N_("Nominations by unit, kind and state at the end of the quarter (or of --as-of), the "
      "moves made in the quarter, the exemplars recognized in it, the units without a "
      "submitted plan past its deadline and the nominations under review whose evidence "
      "does not meet the criteria. A change counts on the day the daemon judged it on, so "
      "asking again later gives the same numbers. Readers and above; a unit officer gets "
      "its own unit. The files are those exemplar-summary writes into the reports "
      "directory. While the daemon is still building its tallies from the change log "
      "(after an upgrade) the summary is refused as unavailable (exit "
      "status 7) with how far the build is: ask again a little later.") },
    { "report", "interim PERIOD | final CAMPAIGN [--format FORMAT] [--as-of DATE] [--output PATH] [--lang vi|en]",
      N_("the interim or final review report of a period or campaign, e.g. interim 2021-2023"),
      cmd_report, 2, 2, REPORT_OPTS,
      N_("Per unit and kind, as of the last day of the period (interim) or of the campaign "
      "(final), or of --as-of: the exemplars the unit planned, the nominations registered, "
      "fostered and recognized, the recognitions revoked and the nominations carried over; "
      "the units whose plan is late or missing; and every exemplar recognized in the span "
      "with its decision. Readers and above; a unit officer gets its own unit. "
      "exemplar-summary writes the same files into the reports directory when a period or "
      "the campaign ends.") },
    { "backup", "FILE [--force]",
      N_("copy the store, consistent and compacted, while the daemon serves (administrators "
         "only)"),
      cmd_backup, 1, 1, BACKUP_OPTS,
      N_("Asks the running daemon for a copy: a process of its own program copies one snapshot of "
      "what is committed, compacted (LMDB's mdb_env_copyfd2), into an unnamed file in the state "
      "directory, checks its meta pages and that it opens, while the daemon serves on; then the "
      "daemon hands it over in pages with its BLAKE2b digest. "
      "exemplarctl writes them to a new temporary file in FILE's directory that nobody else can "
      "have made (never FILE.tmp), mode 0640, checks the size and the digest, syncs it and "
      "renames it to FILE. Works over tcp:// as over ipc://: FILE is on this machine. "
      "Changes committed after the snapshot are not in it. Prints the size, the nominations "
      "and the last change sequence of the copy. Refuses to replace an existing FILE (exit 4) "
      "without --force. exemplarctl waits up to 10 minutes for the snapshot.") },
    { "restore", "FILE [--state-dir DIR]",
      N_("replace the stopped daemon's store with a backup (runs exemplard --restore)"),
      cmd_restore, 1, 1, STATE_DIR_OPTS,
      N_("An offline operation, the daemon's own code: runs 'exemplard --restore FILE --state-dir "
      "DIR' (the exemplard beside this exemplarctl, or $EXEMPLARD), with the rights of the "
      "exemplard user or root. "
      "Checks FILE's size and LMDB meta pages with plain reads, refuses while exemplard runs on "
      "the state directory (exit 4: it holds DIR/exemplard.lock), copies FILE next to data.mdb "
      "and checks the copy in a child process: opened read-only as a store of this schema, "
      "every page read, every record decoded, fsck's checks run. A damaged or cut backup is "
      "refused (exit 1, invalid) and nothing is installed. Then keeps the current data file as "
      "data.mdb.before-restore (replacing an older one), syncs the copy and renames it over "
      "data.mdb, then syncs the directory. Procedure: systemctl stop "
      "exemplard; exemplarctl restore FILE; systemctl start exemplard; exemplarctl fsck.") },
    { "export", "[FILE|-] [--force]",
      N_("write the whole store as JSON lines, while the daemon serves (administrators only)"),
      cmd_export, 0, 1, BACKUP_OPTS,
      N_("Asks the running daemon, as backup does, for one snapshot: a header line, one line "
      "{\"type\",\"key\",\"value\"} per record "
      "(units, campaigns, evidence, plans, publishers, events, nominations, the change log "
      "that is every history, audit entries, remembered requests) and an end line that counts "
      "them. Values are the stored records in JSON: field names as in the .proto files, enums "
      "by name, 64-bit integers as numbers, bytes in base64; keys are the LMDB keys in base64. "
      "Indexes are not written: import rebuilds them. FILE defaults to - (stdout); a FILE is "
      "written as backup writes its copy (a new temporary, mode 0640, synced and renamed), and "
      "an existing one is kept without --force.") },
    { "import", "FILE|- [--state-dir DIR]",
      N_("fill an empty, stopped store from an export (runs exemplard --import)"),
      cmd_import, 1, 1, STATE_DIR_OPTS,
      N_("An offline operation, the daemon's own code: runs 'exemplard --import FILE --state-dir "
      "DIR' as restore does. "
      "Refuses while exemplard runs on the state directory (exit 4) and when its store holds "
      "anything (exit 4). Builds the new store in a new DIR/import.XXXXXX in transactions of 20000 "
      "records, rebuilds the indexes, checks the end line and the header's counts, and only "
      "then moves the data file into place: a failed or cut import changes nothing. Each line "
      "must be one strict JSON object, valid UTF-8, every string text the api would accept; "
      "otherwise the refusal names the line (exit 1). The "
      "result has the same ids, versions and change sequences. Then: systemctl start "
      "exemplard; exemplarctl fsck.") },
    { "state-dir", "[--state-dir DIR]",
      N_("print the state directory backup, restore, export and import use, and why"),
      cmd_state_dir, 0, 0, STATE_DIR_OPTS,
      N_("The offline tools open the daemon's LMDB environment themselves. Without --state-dir "
      "they take, in this order: [daemon] state_dir of the file $EXEMPLAR_CONFIG names; the "
      "directory of the api endpoint in use (--api, $EXEMPLAR_API, the system service's "
      "socket, ./exemplar-state/api.sock) when it is ipc://DIR/api.sock and DIR holds the "
      "store (data.mdb), as a daemon's default sockets live in its state directory; [daemon] "
      "state_dir of /etc/exemplard/exemplard.conf; /var/lib/exemplard. Run it before a "
      "restore to see which store would be replaced.") },
    { "help", "[COMMAND | moves]", N_("print this manual, one command's page, or the move table"),
      cmd_help, 0, 1, NO_OPTS,
      N_("'help moves' asks the running daemon (--api) for the move table it enforces: from, to, "
      "verb, roles, campaign window, guard and whether a reason is needed; without an answer it "
      "says that no daemon runs there (exit 7).") },
};
/* clang-format on */
const size_t CMD_TABLE_COUNT = sizeof CMD_TABLE / sizeof CMD_TABLE[0];

const ctl_cmd_t *ctl_cmd_find(const char *name)
{
    for (size_t i = 0; i < CMD_TABLE_COUNT; i++)
        if (strcmp(CMD_TABLE[i].name, name) == 0)
            return &CMD_TABLE[i];
    return NULL;
}
