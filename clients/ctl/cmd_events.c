/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's event commands: `event publish` (one event from
 * options, or JSON lines in batches), `stats` (ingestion counters per
 * publisher) and `evidence SUBJECT`.  JSON lines are parsed with json-c;
 * each line is one event with the .proto's field names and the type's
 * detail as flat keys (see the `event` entry of CMD_TABLE).
 */
#include "cmd_events.h"
#include "output.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_DEFAULT  100
#define BATCH_MAX      1000
#define LINE_MAX_BYTES 16384

/* One event being built, with the storage its pointers refer to. */
typedef struct {
    Exemplar__Event ev;
    Exemplar__Decision decision;
    union {
        Exemplar__TitleAwarded title;
        Exemplar__PerformanceRating rating;
        Exemplar__Discipline discipline;
        Exemplar__DecisionRevoked revoked;
        Exemplar__PersonMoved moved;
        Exemplar__UnitRenamed renamed;
        Exemplar__UnitMerged merged;
    } d;
    json_object *json; /* owns the strings of a line's event */
    unsigned long line;
} evbuf_t;

static char *str(const char *s)
{
    return (char *)(s ? s : "");
}

/* Fills the detail of e's type from a lookup function (option or JSON key). */
static void set_detail(evbuf_t *b, const char *(*get)(void *arg, const char *key), void *arg)
{
    Exemplar__Event *e = &b->ev;
    switch (e->type) {
    case EXEMPLAR__EVENT_TYPE__EVENT_TITLE_AWARDED:
        exemplar__title_awarded__init(&b->d.title);
        b->d.title.title = str(get(arg, "title"));
        e->title_awarded = &b->d.title;
        break;
    case EXEMPLAR__EVENT_TYPE__EVENT_PERFORMANCE_RATING:
        exemplar__performance_rating__init(&b->d.rating);
        b->d.rating.rating = str(get(arg, "rating"));
        e->performance_rating = &b->d.rating;
        break;
    case EXEMPLAR__EVENT_TYPE__EVENT_DISCIPLINE:
        exemplar__discipline__init(&b->d.discipline);
        b->d.discipline.measure = str(get(arg, "measure"));
        e->discipline = &b->d.discipline;
        break;
    case EXEMPLAR__EVENT_TYPE__EVENT_DECISION_REVOKED:
        exemplar__decision_revoked__init(&b->d.revoked);
        b->d.revoked.revoked_event_id = str(get(arg, "revoked_event_id"));
        b->d.revoked.revoked_number = str(get(arg, "revoked_number"));
        e->decision_revoked = &b->d.revoked;
        break;
    case EXEMPLAR__EVENT_TYPE__EVENT_PERSON_MOVED:
        exemplar__person_moved__init(&b->d.moved);
        b->d.moved.from_unit = str(get(arg, "from_unit"));
        b->d.moved.to_unit = str(get(arg, "to_unit"));
        e->person_moved = &b->d.moved;
        break;
    case EXEMPLAR__EVENT_TYPE__EVENT_UNIT_RENAMED:
        exemplar__unit_renamed__init(&b->d.renamed);
        b->d.renamed.new_code = str(get(arg, "new_code"));
        b->d.renamed.new_name = str(get(arg, "new_name"));
        e->unit_renamed = &b->d.renamed;
        break;
    case EXEMPLAR__EVENT_TYPE__EVENT_UNIT_MERGED:
        exemplar__unit_merged__init(&b->d.merged);
        b->d.merged.into_unit = str(get(arg, "into_unit"));
        e->unit_merged = &b->d.merged;
        break;
    default:
        return;
    }
    e->detail_case = ex_event_detail_for(e->type);
}

static void evbuf_init(evbuf_t *b)
{
    memset(b, 0, sizeof(*b));
    exemplar__event__init(&b->ev);
    exemplar__decision__init(&b->decision);
}

static void evbuf_deinit(evbuf_t *b)
{
    json_object_put(b->json);
    b->json = NULL;
}

/* ---- the reply ---------------------------------------------------------- */

typedef struct {
    uint64_t accepted, duplicates, batches;
} totals_t;

static void print_totals(const ctl_t *ctl, const totals_t *t)
{
    if (ctl->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "accepted", json_object_new_uint64(t->accepted));
        json_object_object_add(doc, "duplicates", json_object_new_uint64(t->duplicates));
        json_object_object_add(doc, "batches", json_object_new_uint64(t->batches));
        ctl_json_print(doc);
    } else {
        printf(dngettext(EX_TEXTDOMAIN,
                         "%" PRIu64 " accepted, %" PRIu64
                         " duplicates (already stored), in %" PRIu64 " request\n",
                         "%" PRIu64 " accepted, %" PRIu64
                         " duplicates (already stored), in %" PRIu64 " requests\n",
                         (unsigned long)t->batches),
               t->accepted, t->duplicates, t->batches);
    }
}

/* Publishes b[0..n) as one request and adds the answer to t. */
static int publish(ctl_t *ctl, ex_client_t *c, evbuf_t *b, size_t n, totals_t *t)
{
    Exemplar__Event *v[BATCH_MAX];
    for (size_t i = 0; i < n; i++)
        v[i] = &b[i].ev;
    Exemplar__Reply *reply = NULL;
    int rc = ex_publish(c, 0, v, n, &reply);
    if (rc == -EX_ETOOBIG) {
        fprintf(stderr, CTL_NAME ": event: ");
        fprintf(stderr, _("the batch from line %lu is larger than %d bytes\n"), b[0].line,
                EX_MAX_REQUEST_BYTES);
        return ctl_fail(ctl, EX_ETOOBIG, _("use a smaller --batch"));
    }
    if (ex_reply_status(rc, reply) != 0) {
        if (b[0].line) {
            fprintf(stderr, CTL_NAME ": event: ");
            fprintf(stderr,
                    _("the batch of lines %lu-%lu was refused; nothing of it was stored (event N "
                      "below counts from line %lu)\n"),
                    b[0].line, b[n - 1].line, b[0].line);
        }
        int status = ctl_fail_call(ctl, rc, reply);
        ex_reply_free(reply);
        return status;
    }
    t->accepted += reply->publish->accepted;
    t->duplicates += reply->publish->duplicates;
    t->batches++;
    ex_reply_free(reply);
    return 0;
}

/* ---- one event from the options ------------------------------------------ */

static const char *from_value(void *arg, const char *key)
{
    (void)key; /* every detail's main text is --value */
    const ctl_args_t *a = arg;
    return a->opt[OPT_SLOT(OPT_VALUE)];
}

static int publish_one(ctl_t *ctl, const ctl_args_t *a)
{
    const char *type = a->opt[OPT_SLOT(OPT_TYPE)];
    const char *subject = a->opt[OPT_SLOT(OPT_SUBJECT)];
    const char *publisher = a->opt[OPT_SLOT(OPT_PUBLISHER)];
    const char *event_id = a->opt[OPT_SLOT(OPT_EVENT_ID)];
    const char *seq = a->opt[OPT_SLOT(OPT_SEQ)];
    if (!type || !subject || !publisher || !event_id || !seq)
        return ctl_usage(ctl, "--type, --subject, --publisher, --event-id and --seq are required "
                              "(or --file)");
    evbuf_t b;
    evbuf_init(&b);
    b.ev.type = ex_event_type_parse(type);
    if (b.ev.type == EXEMPLAR__EVENT_TYPE__EVENT_NONE)
        return ctl_usage(ctl, "unknown event type '%s' (see 'exemplarctl help event')", type);
    uint64_t n = 0;
    if (ctl_parse_u64(ctl, "--seq", seq, 1, &n))
        return EXIT_USAGE;
    b.ev.seq = n;
    const char *year = a->opt[OPT_SLOT(OPT_YEAR)];
    if (year && ctl_parse_u64(ctl, "--year", year, 1, &n))
        return EXIT_USAGE;
    if (year && n > 9999)
        return ctl_usage(ctl, "--year must be a year, not '%s'", year);
    b.ev.year = year ? (uint32_t)n : 0;
    b.ev.subject = (char *)subject;
    b.ev.publisher = (char *)publisher;
    b.ev.event_id = (char *)event_id;
    if (a->opt[OPT_SLOT(OPT_VALUE)])
        set_detail(&b, from_value, (void *)a);
    if (a->opt[OPT_SLOT(OPT_DECISION)]) {
        b.decision.number = (char *)a->opt[OPT_SLOT(OPT_DECISION)];
        b.ev.decision = &b.decision;
    }
    int status;
    ex_client_t *c = ctl_client(ctl, &status);
    if (!c)
        return status;
    totals_t t = {0};
    if ((status = publish(ctl, c, &b, 1, &t)) == 0)
        print_totals(ctl, &t);
    return status;
}

/* ---- JSON lines ------------------------------------------------------------ */

static const char *json_key(void *arg, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(arg, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* Reads an unsigned integer key; 0 when absent.  -1 when present but not a
 * non-negative integer. */
static int json_u64(json_object *o, const char *key, uint64_t *out)
{
    json_object *v;
    *out = 0;
    if (!json_object_object_get_ex(o, key, &v))
        return 0;
    if (!json_object_is_type(v, json_type_int))
        return -1;
    errno = 0;
    uint64_t x = json_object_get_uint64(v);
    if (errno || json_object_get_int64(v) < 0)
        return -1;
    *out = x;
    return 0;
}

/* Parses one line into b.  Returns 0 or the exit status after reporting. */
static int parse_line(ctl_t *ctl, const char *line, unsigned long lineno, const char *publisher,
                      evbuf_t *b)
{
    evbuf_init(b);
    b->line = lineno;
    enum json_tokener_error jerr;
    b->json = json_tokener_parse_verbose(line, &jerr);
    if (!b->json || !json_object_is_type(b->json, json_type_object))
        return ctl_usage(ctl, "line %lu is not a JSON object (%s)", lineno,
                         b->json ? _("another JSON value") : json_tokener_error_desc(jerr));
    json_object *o = b->json;
    const char *type = json_key(o, "type");
    b->ev.type = ex_event_type_parse(type);
    if (b->ev.type == EXEMPLAR__EVENT_TYPE__EVENT_NONE)
        return ctl_usage(ctl, "line %lu: \"type\" must be an event type such as title-awarded",
                         lineno);
    uint64_t seq, year, at;
    int64_t at_ms = 0;
    json_object *v;
    if (json_u64(o, "seq", &seq) < 0 || json_u64(o, "year", &year) < 0 || year > 9999 ||
        json_u64(o, "at_ms", &at) < 0)
        return ctl_usage(ctl, "line %lu: \"seq\", \"year\" and \"at_ms\" must be whole numbers",
                         lineno);
    if (json_object_object_get_ex(o, "at_ms", &v))
        at_ms = json_object_get_int64(v);
    b->ev.seq = seq;
    b->ev.year = (uint32_t)year;
    b->ev.at_ms = at_ms;
    const char *p = json_key(o, "publisher");
    b->ev.publisher = str(p && *p ? p : publisher);
    b->ev.event_id = str(json_key(o, "event_id"));
    b->ev.subject = str(json_key(o, "subject"));
    set_detail(b, json_key, o);
    json_object *d;
    if (json_object_object_get_ex(o, "decision", &d) && json_object_is_type(d, json_type_object)) {
        b->decision.number = str(json_key(d, "number"));
        b->decision.date = str(json_key(d, "date"));
        b->decision.issuer = str(json_key(d, "issuer"));
        b->ev.decision = &b->decision;
    }
    return 0;
}

static int publish_file(ctl_t *ctl, const ctl_args_t *a)
{
    const char *path = a->opt[OPT_SLOT(OPT_FILE)];
    const char *publisher = a->opt[OPT_SLOT(OPT_PUBLISHER)];
    const char *batch_text = a->opt[OPT_SLOT(OPT_BATCH)];
    uint64_t batch = BATCH_DEFAULT;
    if (batch_text && ctl_parse_u64(ctl, "--batch", batch_text, 1, &batch))
        return EXIT_USAGE;
    if (batch > BATCH_MAX)
        return ctl_usage(ctl, "--batch is at most %d events", BATCH_MAX);
    for (ctl_opt_key_t k = OPT_EVENT_ID; k <= OPT_DECISION; k++)
        if (k != OPT_SUBJECT && a->opt[OPT_SLOT(k)] && k != OPT_PUBLISHER)
            return ctl_usage(ctl, "--file takes the events' fields from the file; only "
                                  "--publisher and --batch go with it");
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f)
        return ctl_fail(ctl, EX_EINVALID, strerror(errno));
    int status = 0;
    ex_client_t *c = ctl_client(ctl, &status);
    evbuf_t *b = c ? calloc(batch, sizeof(*b)) : NULL;
    if (c && !b)
        status = ctl_fail(ctl, EX_EINTERNAL, _("out of memory"));
    totals_t t = {0};
    size_t n = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0;
    while (b && status == 0 && (len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if ((size_t)len > LINE_MAX_BYTES) {
            status = ctl_usage(ctl, "line %lu is longer than %d bytes", lineno, LINE_MAX_BYTES);
            break;
        }
        if (strspn(line, " \t\r\n") == (size_t)len)
            continue; /* blank lines are allowed */
        status = parse_line(ctl, line, lineno, publisher, &b[n]);
        n++;
        if (status == 0 && n == batch) {
            status = publish(ctl, c, b, n, &t);
            for (size_t i = 0; i < n; i++)
                evbuf_deinit(&b[i]);
            n = 0;
        }
    }
    if (b && status == 0 && ferror(f))
        status = ctl_fail(ctl, EX_EINVALID, strerror(errno));
    if (b && status == 0 && n)
        status = publish(ctl, c, b, n, &t);
    for (size_t i = 0; b && i < n; i++)
        evbuf_deinit(&b[i]);
    free(b);
    free(line);
    if (f != stdin)
        fclose(f);
    if (status == 0)
        print_totals(ctl, &t);
    return status;
}

static int list_events(ctl_t *ctl, const ctl_args_t *a);

int cmd_event(ctl_t *ctl, const ctl_args_t *a)
{
    if (strcmp(a->argv[0], "list") == 0) {
        if (a->argc != 2 && !(a->argc == 1 && a->opt[OPT_SLOT(OPT_UNMATCHED)]))
            return ctl_usage(ctl, "event list takes one SUBJECT (optional with --unmatched)");
        return list_events(ctl, a);
    }
    if (strcmp(a->argv[0], "publish") != 0)
        return ctl_usage(ctl, "unknown event action '%s' (publish or list)", a->argv[0]);
    if (a->argc != 1)
        return ctl_usage(ctl, "event publish takes options only");
    return a->opt[OPT_SLOT(OPT_FILE)] ? publish_file(ctl, a) : publish_one(ctl, a);
}

/* ---- stats ------------------------------------------------------------------ */

int cmd_stats(ctl_t *ctl, const ctl_args_t *a)
{
    (void)a;
    int status;
    ex_client_t *c = ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__Reply *reply = NULL;
    int rc = ex_stats(c, &reply);
    if (ex_reply_status(rc, reply) != 0) {
        status = ctl_fail_call(ctl, rc, reply);
        ex_reply_free(reply);
        return status;
    }
    const Exemplar__StatsReply *s = reply->stats;
    if (ctl->json) {
        json_object *doc = json_object_new_object();
        json_object *pubs = json_object_new_array();
        json_object_object_add(doc, "events", json_object_new_uint64(s->events));
        json_object_object_add(doc, "duplicates", json_object_new_uint64(s->duplicates));
        json_object_object_add(doc, "gaps", json_object_new_uint64(s->gaps));
        json_object_object_add(doc, "nominations", json_object_new_uint64(s->nominations));
        json_object_object_add(doc, "last_change_seq", json_object_new_uint64(s->last_change_seq));
        json_object_object_add(doc, "indexed", json_object_new_uint64(s->indexed));
        json_object_object_add(doc, "unmatched", json_object_new_uint64(s->unmatched));
        json_object *states = json_object_new_object();
        for (size_t i = 1; i < s->n_nominations_by_state; i++)
            json_object_object_add(states, ctl_state((Exemplar__State)i),
                                   json_object_new_uint64(s->nominations_by_state[i]));
        json_object_object_add(doc, "nominations_by_state", states);
        json_object_object_add(doc, "requests", json_object_new_uint64(s->requests));
        json_object_object_add(doc, "refused", json_object_new_uint64(s->refused));
        json_object_object_add(doc, "batches", json_object_new_uint64(s->batches));
        json_object_object_add(doc, "mean_batch_size", json_object_new_double(s->mean_batch_size));
        json_object_object_add(doc, "commit_failures", json_object_new_uint64(s->commit_failures));
        json_object *lat = json_object_new_object();
        json_object_object_add(lat, "samples", json_object_new_uint64(s->commit_samples));
        json_object_object_add(lat, "p50_us", json_object_new_uint64(s->commit_p50_us));
        json_object_object_add(lat, "p99_us", json_object_new_uint64(s->commit_p99_us));
        json_object_object_add(lat, "commits", json_object_new_uint64(s->commits));
        json_object_object_add(lat, "total_us", json_object_new_uint64(s->commit_us_total));
        json_object_object_add(doc, "commit_latency", lat);
        /* operator figures: refusals by code, feed connections, the map */
        json_object *codes = json_object_new_object();
        for (size_t i = 1; i < s->n_refused_by_code; i++)
            json_object_object_add(codes, ex_err_name((int)i),
                                   json_object_new_uint64(s->refused_by_code[i]));
        json_object_object_add(doc, "refused_by_code", codes);
        json_object_object_add(doc, "subscribers", json_object_new_uint64(s->subscribers));
        json_object_object_add(doc, "workers", json_object_new_uint64(s->workers));
        json_object_object_add(doc, "jobs", json_object_new_uint64(s->jobs));
        json_object_object_add(doc, "jobs_waiting", json_object_new_uint64(s->jobs_waiting));
        json_object_object_add(doc, "timers_pending", json_object_new_uint64(s->timers_pending));
        json_object_object_add(doc, "map_bytes", json_object_new_uint64(s->map_bytes));
        json_object_object_add(doc, "map_used_pages", json_object_new_uint64(s->map_used_pages));
        json_object_object_add(doc, "page_size", json_object_new_uint64(s->page_size));
        for (size_t i = 0; i < s->n_publishers; i++) {
            const Exemplar__PublisherStats *p = s->publishers[i];
            json_object *o = json_object_new_object();
            json_object_object_add(o, "name", json_object_new_string(p->name));
            json_object_object_add(o, "last_seq", json_object_new_uint64(p->last_seq));
            json_object_object_add(o, "events", json_object_new_uint64(p->events));
            json_object_object_add(o, "duplicates", json_object_new_uint64(p->duplicates));
            json_object_object_add(o, "gaps", json_object_new_uint64(p->gaps));
            json_object_object_add(o, "missing", json_object_new_uint64(p->missing));
            json_object_object_add(o, "late", json_object_new_uint64(p->late));
            json_object_object_add(o, "endpoint", json_object_new_string(p->endpoint));
            json_object_array_add(pubs, o);
        }
        json_object_object_add(doc, "publishers", pubs);
        ctl_json_print(doc);
    } else {
        printf("%s", _("nominations:"));
        for (size_t i = 1; i < s->n_nominations_by_state; i++)
            printf("%s %s %" PRIu64, i > 1 ? "," : "", ctl_state((Exemplar__State)i),
                   s->nominations_by_state[i]);
        printf("\n");
        printf(_("requests: %" PRIu64 "   refused: %" PRIu64 "   batches: %" PRIu64
                 " (mean size %.2f)   commit failures: %" PRIu64 "\n"),
               s->requests, s->refused, s->batches, s->mean_batch_size, s->commit_failures);
        printf(_("commit latency (last %" PRIu32 " commits): p50 %" PRIu64 " us, p99 %" PRIu64
                 " us\n"),
               s->commit_samples, s->commit_p50_us, s->commit_p99_us);
        printf("%s", _("refused by code:"));
        bool any = false;
        for (size_t i = 1; i < s->n_refused_by_code; i++)
            if (s->refused_by_code[i]) {
                printf("%s %s %" PRIu64, any ? "," : "", ex_err_name((int)i),
                       s->refused_by_code[i]);
                any = true;
            }
        printf("%s%s\n", any ? "" : " ", any ? "" : _("none"));
        printf(_("change feed subscribers: %" PRIu64 "   map: %" PRIu64 " MiB, %" PRIu64
                 " of %" PRIu64 " pages of %" PRIu32 " bytes in use\n"),
               s->subscribers, s->map_bytes >> 20, s->map_used_pages,
               s->page_size ? s->map_bytes / s->page_size : 0, s->page_size);
        printf(_("workers: %" PRIu64 "   jobs: %" PRIu64 " (%" PRIu64 " ready or leased)   "
                 "timers pending: %" PRIu64 "\n"),
               s->workers, s->jobs, s->jobs_waiting, s->timers_pending);
        printf(_("title facts kept unmatched: %" PRIu64 " (event list --unmatched)\n"),
               s->unmatched);
        printf(_("events: %" PRIu64 "   duplicates dropped: %" PRIu64 "   gaps: %" PRIu64
                 "   subject index: %" PRIu64 "\n\n"),
               s->events, s->duplicates, s->gaps, s->indexed);
        static const char *const HEADER[] = {N_("PUBLISHER"),  N_("LAST SEQ"), N_("EVENTS"),
                                             N_("DUPLICATES"), N_("GAPS"),     N_("MISSING"),
                                             N_("LATE"),       N_("FEED")};
        static const bool RIGHT[] = {false, true, true, true, true, true, true, false};
        ctl_table_t t;
        ctl_table_init(&t, 8, HEADER, RIGHT);
        for (size_t i = 0; i < s->n_publishers; i++) {
            const Exemplar__PublisherStats *p = s->publishers[i];
            char num[6][24];
            const uint64_t vals[6] = {p->last_seq, p->events,  p->duplicates,
                                      p->gaps,     p->missing, p->late};
            for (int k = 0; k < 6; k++)
                snprintf(num[k], sizeof num[k], "%" PRIu64, vals[k]);
            const char *row[] = {p->name, num[0], num[1], num[2],
                                 num[3],  num[4], num[5], p->endpoint[0] ? p->endpoint : "-"};
            ctl_table_add(&t, row);
        }
        ctl_table_print(&t, stdout);
        ctl_table_deinit(&t);
    }
    ex_reply_free(reply);
    return EXIT_OK;
}

/* ---- evidence ---------------------------------------------------------------- */

static json_object *json_event(const Exemplar__Event *e)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "ingest_seq", json_object_new_uint64(e->ingest_seq));
    json_object_object_add(o, "publisher", json_object_new_string(e->publisher));
    json_object_object_add(o, "event_id", json_object_new_string(e->event_id));
    json_object_object_add(o, "seq", json_object_new_uint64(e->seq));
    json_object_object_add(o, "type", json_object_new_string(str(ex_event_type_name(e->type))));
    json_object_object_add(o, "subject", json_object_new_string(e->subject));
    json_object_object_add(o, "year", json_object_new_uint64(e->year));
    json_object_object_add(o, "received_ms", json_object_new_int64(e->received_ms));
    if (e->decision)
        json_object_object_add(o, "decision_number", json_object_new_string(e->decision->number));
    return o;
}

/* The text a title fact names (title or rating), "" for other events. */
static const char *fact_text(const Exemplar__Event *e)
{
    if (e->detail_case == EXEMPLAR__EVENT__DETAIL_TITLE_AWARDED)
        return e->title_awarded->title;
    if (e->detail_case == EXEMPLAR__EVENT__DETAIL_PERFORMANCE_RATING)
        return e->performance_rating->rating;
    return "";
}

/* event list [SUBJECT] --unmatched: the title facts no title resolves. */
static int list_unmatched(ctl_t *ctl, const ctl_args_t *a, uint64_t limit)
{
    json_object *array = ctl->json ? json_object_new_array() : NULL;
    const char *const HEADER[] = {N_("INGEST"),    N_("SUBJECT"),  N_("YEAR"), N_("TYPE"),
                                  N_("PUBLISHER"), N_("EVENT ID"), N_("TEXT")};
    static const bool RIGHT[] = {true, false, true, false, false, false, false};
    ctl_table_t t;
    ctl_table_init(&t, 7, HEADER, RIGHT);
    uint64_t after = 0, got = 0;
    bool more = true;
    while (more && (!limit || got < limit)) {
        Exemplar__EventListRequest b = EXEMPLAR__EVENT_LIST_REQUEST__INIT;
        b.subject = a->argc == 2 ? a->argv[1] : (char *)"";
        b.after = after;
        b.unmatched = true;
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        req.body_case = EXEMPLAR__REQUEST__BODY_EVENT_LIST;
        req.event_list = &b;
        Exemplar__Reply *reply = NULL;
        int status = ctl_call(ctl, &req, &reply);
        if (status) {
            json_object_put(array);
            ctl_table_deinit(&t);
            return status;
        }
        const Exemplar__EventListReply *r = reply->event_list;
        for (size_t i = 0; i < r->n_events && (!limit || got < limit); i++, got++) {
            const Exemplar__Event *e = r->events[i];
            after = e->ingest_seq;
            if (array) {
                json_object *o = json_event(e);
                json_object_object_add(o, "text", json_object_new_string(fact_text(e)));
                json_object_array_add(array, o);
            } else {
                char seq[24], year[16];
                snprintf(seq, sizeof seq, "%" PRIu64, e->ingest_seq);
                snprintf(year, sizeof year, "%u", e->year);
                const char *row[] = {seq,          e->subject,
                                     year,         ctl_word(str(ex_event_type_name(e->type))),
                                     e->publisher, e->event_id,
                                     fact_text(e)};
                ctl_table_add(&t, row);
            }
        }
        more = r->more && r->n_events;
        ex_reply_free(reply);
    }
    if (array) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "unmatched", array);
        ctl_json_print(doc);
    } else {
        ctl_table_print(&t, stdout);
    }
    ctl_table_deinit(&t);
    return EXIT_OK;
}

/* event list SUBJECT: the events naming SUBJECT, oldest first. */
static int list_events(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t limit = 0;
    const char *limit_text = a->opt[OPT_SLOT(OPT_LIMIT)];
    if (limit_text && ctl_parse_u64(ctl, "--limit", limit_text, 1, &limit))
        return EXIT_USAGE;
    if (a->opt[OPT_SLOT(OPT_UNMATCHED)])
        return list_unmatched(ctl, a, limit);
    int status;
    ex_client_t *c = ctl_client(ctl, &status);
    if (!c)
        return status;
    json_object *array = ctl->json ? json_object_new_array() : NULL;
    char received_head[96];
    snprintf(received_head, sizeof received_head, _("RECEIVED (%s)"), l10n_zone());
    const char *const HEADER[] = {N_("INGEST"),   N_("TYPE"), N_("PUBLISHER"),
                                  N_("EVENT ID"), N_("YEAR"), received_head};
    static const bool RIGHT[] = {true, false, false, false, true, false};
    ctl_table_t t;
    ctl_table_init(&t, 6, HEADER, RIGHT);
    uint64_t after = 0, got = 0;
    bool more = true;
    while (more && (!limit || got < limit)) {
        Exemplar__Reply *reply = NULL;
        int rc = ex_evidence(c, a->argv[1], after, 0, &reply);
        if (ex_reply_status(rc, reply) != 0) {
            status = ctl_fail_call(ctl, rc, reply);
            ex_reply_free(reply);
            json_object_put(array);
            ctl_table_deinit(&t);
            return status;
        }
        const Exemplar__EventListReply *r = reply->event_list;
        for (size_t i = 0; i < r->n_events && (!limit || got < limit); i++, got++) {
            const Exemplar__Event *e = r->events[i];
            after = e->ingest_seq;
            if (array) {
                json_object_array_add(array, json_event(e));
            } else {
                char at[64], seq[24], year[16];
                snprintf(seq, sizeof seq, "%" PRIu64, e->ingest_seq);
                snprintf(year, sizeof year, "%u", e->year);
                const char *row[] = {seq,          ctl_word(str(ex_event_type_name(e->type))),
                                     e->publisher, e->event_id,
                                     year,         ctl_time(e->received_ms, at, sizeof at)};
                ctl_table_add(&t, row);
            }
        }
        more = r->more && r->n_events;
        ex_reply_free(reply);
    }
    if (array) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "subject", json_object_new_string(a->argv[1]));
        json_object_object_add(doc, "events", array);
        ctl_json_print(doc);
    } else {
        ctl_table_print(&t, stdout);
    }
    ctl_table_deinit(&t);
    return EXIT_OK;
}
