/* SPDX-License-Identifier: MIT */
/*
 * `exemplarctl watch`: every committed change, in sequence order, each
 * exactly once, from the change log and then live from the feed.
 *
 * The order of the steps is what makes it exact.  Info first (where the feed
 * is, and the newest sequence number), then the subscription, and only then
 * the catch-up from the log: a change committed while the catch-up runs is
 * already on its way through the feed, and one the feed misses (the
 * subscription reaches the daemon a little after zmq_connect returns, a slow
 * reader's buffer overflows, the daemon restarts) shows up as a gap in the
 * sequence numbers and is fetched from the log.  A feed that stays quiet is
 * checked against the log every IDLE_MS, so missed changes are not held back
 * until the next live one.
 *
 * The subscription takes every topic and --topic filters here: a filtered
 * feed has gaps by design, and only an unfiltered one tells a real gap (a
 * lost message) from a change of another unit.
 */
#include "cmd_watch.h"
#include "output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_MAX 1000
#define IDLE_MS  1000

typedef struct {
    ctl_t *ctl;
    ex_client_t *client;
    const char *topic; /* --topic; "" = everything */
    uint64_t last;     /* the highest sequence number handled */
    uint64_t count;    /* --count; 0 = until interrupted */
    uint64_t printed;  /* changes printed so far */
    bool done;         /* --count reached */
} watch_t;

static bool wanted(const watch_t *w, const Exemplar__Change *ch)
{
    if (!*w->topic)
        return true;
    char topic[128];
    if (ex_topic_format(topic, sizeof topic, ch->unit, ch->to) < 0)
        return false;
    return strncmp(topic, w->topic, strlen(w->topic)) == 0;
}

/* The feed is printed as it comes: fixed column widths in display columns
 * (l10n_width), wide enough for the longest state and verb in Vietnamese. */
static const size_t CHANGE_WIDTH[] = {6, 21, 6, 8, 60, 20, 7, 10};
static const bool CHANGE_RIGHT[] = {true, false, true, false, false, false, true, false};

static void print_cells(const char *const *cells)
{
    for (size_t i = 0; i < sizeof CHANGE_WIDTH / sizeof CHANGE_WIDTH[0]; i++) {
        ctl_put_cell(stdout, cells[i], CHANGE_WIDTH[i], CHANGE_RIGHT[i]);
        fputs("  ", stdout);
    }
    fputs(cells[8], stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

static void print_header(void)
{
    char time_head[96];
    snprintf(time_head, sizeof time_head, _("TIME (%s)"), l10n_zone());
    const char *const cells[] = {_("SEQ"),  time_head,    _("ID"),    _("UNIT"),  _("FROM -> TO"),
                                 _("VERB"), _("VERSION"), _("ACTOR"), _("REASON")};
    print_cells(cells);
}

static void print_change(const Exemplar__Change *ch)
{
    char at[64], move[256], seq[24], id[24], version[24];
    snprintf(move, sizeof move, "%s -> %s", ctl_state(ch->from), ctl_state(ch->to));
    snprintf(seq, sizeof seq, "%" PRIu64, ch->seq);
    snprintf(id, sizeof id, "%" PRIu64, ch->nomination_id);
    snprintf(version, sizeof version, "%" PRIu64, ch->version);
    const char *actor = ch->actor && ch->actor->name && *ch->actor->name ? ch->actor->name : "-";
    const char *const cells[] = {seq,
                                 ctl_time(ch->at_ms, at, sizeof at),
                                 id,
                                 ch->unit,
                                 move,
                                 ctl_verb(ch->verb),
                                 version,
                                 actor,
                                 ch->reason && *ch->reason ? ch->reason : "-"};
    print_cells(cells);
}

/* Prints a change not handled before.  Sets w->done at --count. */
static void handle(watch_t *w, const Exemplar__Change *ch)
{
    if (w->done || ch->seq <= w->last)
        return;
    w->last = ch->seq;
    if (!wanted(w, ch))
        return;
    if (w->ctl->json)
        ctl_json_line(ctl_json_change(ch));
    else
        print_change(ch);
    if (++w->printed == w->count)
        w->done = true;
}

/* Handles the changes after w->last from the log, up to `upto` or the end
 * of the log.  Returns the call's status (0 or a negative code); *reply is
 * left set on a refusal for the caller to report. */
static int fetch(watch_t *w, uint64_t upto, Exemplar__Reply **failed)
{
    while (!w->done && w->last < upto) {
        Exemplar__Reply *reply = NULL;
        int rc = ex_reply_status(ex_changes(w->client, w->last + 1, PAGE_MAX, &reply), reply);
        if (rc) {
            *failed = reply;
            return rc;
        }
        uint64_t before = w->last;
        const Exemplar__ChangesReply *page = reply->changes;
        for (size_t i = 0; i < page->n_changes; i++)
            handle(w, page->changes[i]);
        if (page->last_seq < upto)
            upto = page->last_seq;
        ex_reply_free(reply);
        if (w->last == before) /* nothing new: the end of the log */
            break;
    }
    return 0;
}

/* fetch(), reporting a failure.  Returns 0 or the exit status. */
static int fetch_or_fail(watch_t *w, uint64_t upto)
{
    Exemplar__Reply *failed = NULL;
    int rc = fetch(w, upto, &failed);
    int status = rc ? ctl_fail_call(w->ctl, failed ? 0 : rc, failed) : 0;
    ex_reply_free(failed);
    return status;
}

/* The feed's endpoint: --events, else the announced one.  A daemon bound to
 * every interface announces a wildcard host (tcp with "*" or 0.0.0.0), which
 * cannot be connected to: the api endpoint's host is used instead. */
static const char *feed_endpoint(const char *given, const char *announced, const char *api,
                                 char *buf, size_t len)
{
    static const char *const WILDCARDS[] = {"tcp://*:", "tcp://0.0.0.0:"};
    if (given)
        return given;
    if (strncmp(api, "tcp://", 6) != 0)
        return announced;
    const char *host = api + 6, *colon = strrchr(host, ':');
    for (size_t i = 0; colon && i < sizeof WILDCARDS / sizeof WILDCARDS[0]; i++) {
        size_t n = strlen(WILDCARDS[i]);
        if (strncmp(announced, WILDCARDS[i], n) == 0) {
            snprintf(buf, len, "tcp://%.*s:%s", (int)(colon - host), host, announced + n);
            return buf;
        }
    }
    return announced;
}

/* Follows the feed until --count or an error. */
static int follow(watch_t *w, ex_sub_t *sub)
{
    int status = 0;
    while (!w->done && !status) {
        Exemplar__Change *ch = NULL;
        int rc = ex_sub_next(sub, IDLE_MS, &ch);
        if (rc == -EX_EUNAVAIL) {
            /* Quiet: ask the log whether the feed missed something.  A
             * daemon that does not answer may be restarting: keep waiting. */
            Exemplar__Reply *failed = NULL;
            rc = fetch(w, UINT64_MAX, &failed);
            if (rc && rc != -EX_EUNAVAIL)
                status = ctl_fail_call(w->ctl, failed ? 0 : rc, failed);
            ex_reply_free(failed);
            continue;
        }
        if (rc < 0) /* a message that is not a Change: skipped */
            continue;
        if (ch->seq > w->last + 1)
            status = fetch_or_fail(w, ch->seq - 1);
        if (!status)
            handle(w, ch);
        exemplar__change__free_unpacked(ch, NULL);
    }
    return status;
}

typedef struct {
    uint64_t from; /* 0: only new changes */
    uint64_t count;
    const char *topic;
    const char *events;
} watch_args_t;

static int watch_args(ctl_t *ctl, const ctl_args_t *a, watch_args_t *wa)
{
    const char *from = a->opt[OPT_SLOT(OPT_FROM)];
    const char *count = a->opt[OPT_SLOT(OPT_COUNT)];
    memset(wa, 0, sizeof *wa);
    wa->topic = a->opt[OPT_SLOT(OPT_TOPIC)] ? a->opt[OPT_SLOT(OPT_TOPIC)] : "";
    wa->events = a->opt[OPT_SLOT(OPT_EVENTS)];
    if (from && ctl_parse_u64(ctl, "--from", from, 0, &wa->from))
        return EXIT_USAGE;
    if (from && wa->from == 0)
        wa->from = 1; /* the log starts at 1 */
    if (count && ctl_parse_u64(ctl, "--count", count, 1, &wa->count))
        return EXIT_USAGE;
    return 0;
}

/* One line of the event feed, in display-width columns. */
static void print_event_cells(const char *seq, const char *type, const char *publisher,
                              const char *event_id, const char *subject, const char *year)
{
    ctl_put_cell(stdout, seq, 8, true);
    fputs("  ", stdout);
    ctl_put_cell(stdout, type, 22, false);
    fputs("  ", stdout);
    ctl_put_cell(stdout, publisher, 12, false);
    fputs("  ", stdout);
    ctl_put_cell(stdout, event_id, 20, false);
    fputs("  ", stdout);
    ctl_put_cell(stdout, subject, 12, false);
    fputs("  ", stdout);
    fputs(year, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

/* --topic event.…: stored events as the feed publishes them.
 * Events have no catch-up log of their own here: `exemplarctl evidence`
 * reads what was stored before. */
static int watch_events(ctl_t *ctl, const char *ep, const watch_args_t *wa)
{
    ex_sub_t *sub = ex_sub_new(ep, wa->topic);
    if (!sub)
        return ctl_usage(ctl, "cannot subscribe to the change feed at '%s'", ep);
    if (ctl->json)
        ctl_json_set_lines(true);
    else
        print_event_cells(_("INGEST"), _("TYPE"), _("PUBLISHER"), _("EVENT ID"), _("SUBJECT"),
                          _("YEAR"));
    uint64_t printed = 0;
    while (!wa->count || printed < wa->count) {
        Exemplar__Event *e = NULL;
        int rc = ex_sub_next_event(sub, -1, &e);
        if (rc == -EX_EUNAVAIL)
            break; /* interrupted */
        if (rc < 0)
            continue;
        const char *type = ex_event_type_name(e->type);
        if (ctl->json) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "ingest_seq", json_object_new_uint64(e->ingest_seq));
            json_object_object_add(o, "type", json_object_new_string(type ? type : ""));
            json_object_object_add(o, "publisher", json_object_new_string(e->publisher));
            json_object_object_add(o, "event_id", json_object_new_string(e->event_id));
            json_object_object_add(o, "seq", json_object_new_uint64(e->seq));
            json_object_object_add(o, "subject", json_object_new_string(e->subject));
            json_object_object_add(o, "year", json_object_new_uint64(e->year));
            ctl_json_line(o);
        } else {
            char seq[24], year[16];
            snprintf(seq, sizeof seq, "%" PRIu64, e->ingest_seq);
            snprintf(year, sizeof year, "%u", e->year);
            print_event_cells(seq, ctl_word(type), e->publisher, e->event_id, e->subject, year);
        }
        exemplar__event__free_unpacked(e, NULL);
        printed++;
    }
    ex_sub_destroy(&sub);
    return EXIT_OK;
}

/* --topic notify.…: reminders and summaries as the workers announce them
 *, live only; `exemplarctl jobs show ID` has what was delivered. */
static int watch_notifications(ctl_t *ctl, const char *ep, const watch_args_t *wa)
{
    const ex_curve_keys_t *keys = NULL;
    ctl_curve_keys(ctl, &keys);
    ex_sub_t *sub = ex_sub_new_curve(ep, wa->topic, keys);
    if (!sub)
        return ctl_usage(ctl, "cannot subscribe to the change feed at '%s'", ep);
    if (ctl->json)
        ctl_json_set_lines(true);
    uint64_t printed = 0;
    while (!wa->count || printed < wa->count) {
        Exemplar__Notification *nt = NULL;
        int rc = ex_sub_next_notification(sub, -1, &nt);
        if (rc == -EX_EUNAVAIL)
            break; /* interrupted */
        if (rc < 0)
            continue;
        char at[64];
        if (ctl->json) {
            ctl_time_iso(nt->at_ms, at, sizeof at);
            json_object *o = json_object_new_object();
            json_object_object_add(o, "job", ctl_json_str(nt->job));
            json_object_object_add(o, "unit", ctl_json_str(nt->unit));
            json_object_object_add(o, "at", ctl_json_str(at));
            json_object_object_add(o, "lang", ctl_json_str(nt->lang));
            json_object_object_add(o, "subject", ctl_json_str(nt->subject));
            json_object_object_add(o, "text", ctl_json_str(nt->text));
            json_object_object_add(o, "link", ctl_json_str(nt->link));
            ctl_json_line(o);
        } else {
            printf("%s (%s)  %s  %s\n%s\n", ctl_time(nt->at_ms, at, sizeof at), l10n_zone(),
                   nt->unit[0] ? nt->unit : _("ministry"), nt->subject, nt->text);
            fflush(stdout);
        }
        exemplar__notification__free_unpacked(nt, NULL);
        printed++;
    }
    ex_sub_destroy(&sub);
    return EXIT_OK;
}

int cmd_watch(ctl_t *ctl, const ctl_args_t *a)
{
    watch_args_t wa;
    int status = watch_args(ctl, a, &wa);
    ex_client_t *c = status ? NULL : ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__Reply *info = NULL;
    int rc = ex_info(c, &info);
    if (ex_reply_status(rc, info)) {
        status = ctl_fail_call(ctl, rc, info);
        ex_reply_free(info);
        return status;
    }
    char buf[512];
    const char *ep = feed_endpoint(wa.events, info->info->events_endpoint, ex_client_endpoint(c),
                                   buf, sizeof buf);
    if (strncmp(wa.topic, "event.", 6) == 0) {
        char copy[512];
        snprintf(copy, sizeof copy, "%s", ep);
        ex_reply_free(info);
        return watch_events(ctl, copy, &wa);
    }
    if (strncmp(wa.topic, "notify.", 7) == 0) {
        char copy[512];
        snprintf(copy, sizeof copy, "%s", ep);
        ex_reply_free(info);
        return watch_notifications(ctl, copy, &wa);
    }
    const ex_curve_keys_t *keys = NULL;
    ctl_curve_keys(ctl, &keys); /* already loaded by ctl_client */
    ex_sub_t *sub = ex_sub_new_curve(ep, "", keys);
    watch_t w = {.ctl = ctl,
                 .client = c,
                 .topic = wa.topic,
                 .count = wa.count,
                 .last = wa.from ? wa.from - 1 : info->info->last_seq};
    ex_reply_free(info);
    if (!sub)
        return ctl_usage(ctl, "cannot subscribe to the change feed at '%s'", ep);

    if (ctl->json)
        ctl_json_set_lines(true);
    else
        print_header();
    status = fetch_or_fail(&w, UINT64_MAX);
    if (!status)
        status = follow(&w, sub);
    ex_sub_destroy(&sub);
    return status;
}
