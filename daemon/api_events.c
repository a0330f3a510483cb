/* SPDX-License-Identifier: MIT */
/*
 * Events in (see api_events.h): validation, dedup by (publisher, seq), the
 * event log and its subject index, per-publisher counters with gap
 * detection, evidence changes in the history of matching nominations, and
 * the event topics of the change feed.
 */
#include "api_events.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "campaign.h"
#include "errors.h"
#include "i18n.h"
#include "evnames.h"
#include "key.h"
#include "pbwire.h"
#include "log.h"
#include "names.h"
#include "rules.h"
#include "text.h"
#include "titles.h"

#define TEXT_MAX 256 /* titles, ratings, decision fields, unit names */
#define YEAR_MIN 1900
#define YEAR_MAX 2200
/* Longest key of events_seen / events_by_subject / nominations_by_subject. */
#define EV_KEY_MAX (EV_SUBJECT_MAX + 1 + 8)

/* A refusal with a sentence; returns code so callers can `return refuse()`. */
__attribute__((format(printf, 3, 4))) static int refuse(const api_events_ctx_t *ctx, int code,
                                                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->why, ctx->why_len, fmt, ap);
    va_end(ap);
    return code;
}

/* name NUL u64: the key shape of the three name-prefixed databases. */
static size_t name_key(uint8_t out[EV_KEY_MAX], const char *name, uint64_t v)
{
    return key_name_u64(out, name, EV_SUBJECT_MAX, v);
}

static uint64_t indexed_upto(store_txn_t *t);

/* ---- validation ---------------------------------------------------------- */

int api_events_check_subject(const char *subject, char *why, size_t why_len)
{
    if (!subject[0] || text_is_subject(subject, EV_SUBJECT_MAX))
        return 0;
    snprintf(why, why_len,
             _("subject \"%.40s\" is not a subject id: 1-%d characters of letters, digits, '.', "
               "'_', '-', ':' or '/' (a personnel number such as CB-0042, or a collective's "
               "code such as 01:PTNN)"),
             subject, EV_SUBJECT_MAX);
    return -EX_EINVALID;
}

/* Printable ASCII within max bytes is valid NFC text as it is: most event
 * ids and many texts are, and skipping the normaliser for them saves a
 * third of the daemon's time per event. */
static bool plain_ascii(const char *s, size_t max)
{
    size_t i = 0;
    for (; i <= max && s[i]; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return false;
    return i <= max;
}

/* Valid UTF-8 without a control character (general category Cc: U+0000-
 * U+001F, U+007F-U+009F), in at most max / 3 bytes.  Such text is a valid
 * free-text field without normalising it: NFC never makes UTF-8 text more
 * than three times longer (UAX #15, "Stream-Safe Text Format": the
 * expansion factor of NFC in UTF-8 is 3).  Decision numbers, issuers and
 * titles in Vietnamese are; text_normalize on them was a fifth of the
 * daemon's instructions per published event. */
static bool short_clean_utf8(const char *s, size_t max)
{
    size_t len = strnlen(s, max / 3 + 1);
    if (len > max / 3)
        return false;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
            return false;
        i += (size_t)n;
    }
    return true;
}

/* A free-text field: optional, UTF-8 without control characters, bounded. */
static bool text_ok(const char *s, size_t max)
{
    char *norm = NULL;
    if (!s[0] || plain_ascii(s, max) || short_clean_utf8(s, max))
        return true;
    int rc = text_normalize(s, max, false, false, &norm);
    free(norm);
    return rc == 0;
}

/* The detail's text fields, for validation. */
static int detail_texts(const Exemplar__Event *e, const char **v, int max)
{
    int n = 0;
    switch (e->detail_case) {
    case EXEMPLAR__EVENT__DETAIL_TITLE_AWARDED:
        v[n++] = e->title_awarded->title;
        break;
    case EXEMPLAR__EVENT__DETAIL_PERFORMANCE_RATING:
        v[n++] = e->performance_rating->rating;
        break;
    case EXEMPLAR__EVENT__DETAIL_DISCIPLINE:
        v[n++] = e->discipline->measure;
        break;
    case EXEMPLAR__EVENT__DETAIL_DECISION_REVOKED:
        v[n++] = e->decision_revoked->revoked_event_id;
        v[n++] = e->decision_revoked->revoked_number;
        break;
    case EXEMPLAR__EVENT__DETAIL_PERSON_MOVED:
        v[n++] = e->person_moved->from_unit;
        v[n++] = e->person_moved->to_unit;
        break;
    case EXEMPLAR__EVENT__DETAIL_UNIT_RENAMED:
        v[n++] = e->unit_renamed->new_code;
        v[n++] = e->unit_renamed->new_name;
        break;
    case EXEMPLAR__EVENT__DETAIL_UNIT_MERGED:
        v[n++] = e->unit_merged->into_unit;
        break;
    default:
        break;
    }
    if (e->decision && n + 3 <= max) {
        v[n++] = e->decision->number;
        v[n++] = e->decision->date;
        v[n++] = e->decision->issuer;
    }
    return n;
}

/* The last decision date parsed in a request: one agency's batch carries
 * a handful of dates, and day_parse (sscanf) cost more than storing. */
typedef struct {
    char text[16];
    int32_t day;
    int rc;
} date_memo_t;

static int parse_date(date_memo_t *m, const char *text, int32_t *day)
{
    if (strlen(text) >= sizeof(m->text))
        return day_parse(text, day);
    if (strcmp(m->text, text) != 0) {
        m->rc = day_parse(text, &m->day);
        snprintf(m->text, sizeof(m->text), "%s", text);
    }
    *day = m->day;
    return m->rc;
}

/* A published fact cannot come from the future: its decision is dated no
 * later than the daemon's day, and a title or rating is for a year that
 * has ended (titles of a year are decided after its year-end review). */
static int check_event_dates(const api_events_ctx_t *ctx, size_t i, const Exemplar__Event *e,
                             date_memo_t *memo)
{
    char today[16];
    int32_t signed_on;
    if (e->decision && e->decision->date[0] &&
        parse_date(memo, e->decision->date, &signed_on) == 0 && signed_on > ctx->day)
        return refuse(ctx, -EX_EINVALID,
                      _("event %zu: its decision %.64s is dated %s, after today (%s); publish it "
                        "once the decision is signed"),
                      i, e->decision->number, e->decision->date,
                      day_format(ctx->day, today, sizeof(today)));
    bool yearly = e->type == EXEMPLAR__EVENT_TYPE__EVENT_TITLE_AWARDED ||
                  e->type == EXEMPLAR__EVENT_TYPE__EVENT_PERFORMANCE_RATING;
    if (yearly && e->year && (int)e->year >= day_year(ctx->day))
        return refuse(ctx, -EX_EINVALID,
                      _("event %zu: a %s for %u cannot be published yet: the year has not ended "
                        "(today is %s)"),
                      i, ex_event_type_name(e->type), e->year,
                      day_format(ctx->day, today, sizeof(today)));
    return 0;
}

/* Checks event i.  Returns 0 or a refusal with ctx->why set. */
static int check_event(const api_events_ctx_t *ctx, size_t i, const Exemplar__Event *e,
                       date_memo_t *dates)
{
    if (!text_is_code(e->publisher, EV_PUBLISHER_MAX, true))
        return refuse(ctx, -EX_EINVALID,
                      _("event %zu: publisher \"%.40s\" must be 1-%d of letters, digits, '.', '_' "
                        "or '-'"),
                      i, e->publisher, EV_PUBLISHER_MAX);
    if (ctx->actor->role == ROLE_PUBLISHER && strcmp(e->publisher, ctx->actor->name) != 0)
        return refuse(ctx, -EX_EPERM,
                      _("event %zu names publisher %.40s but comes from publisher %s"), i,
                      e->publisher, ctx->actor->name);
    char *id = NULL;
    bool ascii = e->event_id[0] && plain_ascii(e->event_id, EV_EVENT_ID_MAX);
    int rc = ascii ? 0 : text_normalize(e->event_id, EV_EVENT_ID_MAX, true, false, &id);
    bool id_same = ascii || (rc == 0 && strcmp(id, e->event_id) == 0);
    free(id);
    if (rc < 0 || !id_same)
        return refuse(ctx, -EX_EINVALID,
                      _("event %zu: event_id must be 1-%d bytes of UTF-8 text in NFC without "
                        "control characters"),
                      i, EV_EVENT_ID_MAX);
    if (e->seq == 0)
        return refuse(
            ctx, -EX_EINVALID,
            _("event %zu: seq is required: the publisher numbers its events 1, 2, 3, ..."), i);
    if (!ex_event_type_name(e->type))
        return refuse(ctx, -EX_EINVALID,
                      _("event %zu: type %d is not an event type (title-awarded .. unit-merged)"),
                      i, (int)e->type);
    if (!e->subject[0] || api_events_check_subject(e->subject, ctx->why, ctx->why_len) < 0)
        return refuse(ctx, -EX_EINVALID,
                      _("event %zu: subject must be 1-%d of letters, digits, '.', '_', '-', ':' or "
                        "'/' (the person's or collective's id)"),
                      i, EV_SUBJECT_MAX);
    if (e->year && (e->year < YEAR_MIN || e->year > YEAR_MAX))
        return refuse(ctx, -EX_EINVALID,
                      _("event %zu: year %u is not between %d and %d (0 for none)"), i, e->year,
                      YEAR_MIN, YEAR_MAX);
    if (e->detail_case != EXEMPLAR__EVENT__DETAIL__NOT_SET &&
        e->detail_case != ex_event_detail_for(e->type))
        return refuse(ctx, -EX_EINVALID, _("event %zu: its detail does not belong to type %s"), i,
                      ex_event_type_name(e->type));
    const char *texts[8];
    int n = detail_texts(e, texts, 8);
    for (int t = 0; t < n; t++)
        if (!text_ok(texts[t], TEXT_MAX))
            return refuse(
                ctx, -EX_EINVALID,
                _("event %zu: its detail and decision texts must be UTF-8 without control "
                  "characters, at most %d bytes each"),
                i, TEXT_MAX);
    if (e->ingest_seq || e->received_ms)
        return refuse(ctx, -EX_EINVALID,
                      _("event %zu: ingest_seq and received_ms are set by exemplard; send 0"), i);
    return check_event_dates(ctx, i, e, dates);
}

/* Orders events by (publisher, seq) to find one seq used twice. */
static int by_identity(const void *a, const void *b)
{
    const Exemplar__Event *x = *(const Exemplar__Event *const *)a;
    const Exemplar__Event *y = *(const Exemplar__Event *const *)b;
    int c = strcmp(x->publisher, y->publisher);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Orders slots of the request's array (Exemplar__Event **) by the
 * identity of their events, then by request order (the slots' addresses). */
static int by_slot(const void *a, const void *b)
{
    Exemplar__Event *const *x = *(Exemplar__Event *const *const *)a;
    Exemplar__Event *const *y = *(Exemplar__Event *const *const *)b;
    int c = by_identity(x, y);
    if (c)
        return c;
    return x < y ? -1 : x > y;
}

/* The event id stored for (publisher, seq): 0 with *id (into the map),
 * -EX_ENOTFOUND or a storage error. */
static int seen_get(store_txn_t *t, const char *publisher, uint64_t seq, store_val_t *id)
{
    uint8_t key[EV_KEY_MAX];
    return store_get(t, DB_EVENTS_SEEN, key, name_key(key, publisher, seq), id);
}

static bool same_id(const store_val_t *v, const char *id)
{
    return v->len == strlen(id) && memcmp(v->data, id, v->len) == 0;
}

/* Refuses a seq reused for another event id, in the store or inside r;
 * otherwise marks in repeat[] (r->n_events of them) the events already
 * stored and the repeats inside r of an earlier event of r, so that the
 * store is asked once per event. */
static int check_conflicts(const api_events_ctx_t *ctx, const Exemplar__PublishRequest *r,
                           bool *repeat)
{
    for (size_t i = 0; i < r->n_events; i++) {
        const Exemplar__Event *e = r->events[i];
        store_val_t v;
        int rc = seen_get(ctx->txn, e->publisher, e->seq, &v);
        repeat[i] = rc == 0;
        if (rc == -EX_ENOTFOUND)
            continue;
        if (rc < 0)
            return rc;
        if (!same_id(&v, e->event_id))
            return refuse(ctx, -EX_EEVCONFLICT,
                          _("event %zu: publisher %s already sent seq %" PRIu64
                            " as event \"%.*s\", "
                            "not \"%.40s\""),
                          i, e->publisher, e->seq, (int)(v.len > 60 ? 60 : v.len),
                          (const char *)v.data, e->event_id);
    }
    if (r->n_events < 2)
        return 0;
    /* Slots of the request's array, so that each event's index is known
     * and the first of equal identities (the one stored) comes first. */
    Exemplar__Event **base = r->events, ***slots = malloc(r->n_events * sizeof(*slots));
    if (!slots)
        return -EX_EINTERNAL;
    for (size_t i = 0; i < r->n_events; i++)
        slots[i] = &base[i];
    qsort(slots, r->n_events, sizeof(*slots), by_slot);
    int rc = 0;
    for (size_t i = 1; i < r->n_events && rc == 0; i++) {
        const Exemplar__Event *a = *slots[i - 1], *b = *slots[i];
        if (by_identity(&a, &b) != 0)
            continue;
        if (strcmp(a->event_id, b->event_id) != 0)
            rc = refuse(ctx, -EX_EEVCONFLICT,
                        _("publisher %s: seq %" PRIu64 " appears twice in the request with "
                          "different event ids"),
                        b->publisher, b->seq);
        else
            repeat[slots[i] - base] = true;
    }
    free(slots);
    return rc;
}

/* ---- publisher counters -------------------------------------------------- */

typedef struct {
    char name[EV_PUBLISHER_MAX + 1];
    Exemplar__PublisherRecord rec;
    bool loaded, dirty;
} pubstate_t;

static int pub_load(store_txn_t *t, const char *name, pubstate_t *p)
{
    Exemplar__PublisherRecord init = EXEMPLAR__PUBLISHER_RECORD__INIT;
    snprintf(p->name, sizeof(p->name), "%s", name);
    p->rec = init;
    p->loaded = true;
    p->dirty = false;
    store_val_t v;
    int rc = store_get(t, DB_PUBLISHERS, name, strlen(name), &v);
    if (rc == -EX_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    Exemplar__PublisherRecord *r = exemplar__publisher_record__unpack(NULL, v.len, v.data);
    if (!r)
        return -EX_ESTORAGE;
    p->rec.last_seq = r->last_seq;
    p->rec.events = r->events;
    p->rec.duplicates = r->duplicates;
    p->rec.gaps = r->gaps;
    p->rec.missing = r->missing;
    p->rec.late = r->late;
    exemplar__publisher_record__free_unpacked(r, NULL);
    return 0;
}

static void pub_flush(store_txn_t *t, pubstate_t *p)
{
    if (p->loaded && p->dirty)
        records_put_message(t, DB_PUBLISHERS, p->name, strlen(p->name), &p->rec.base);
    p->dirty = false;
}

/* The counters of the publishers one request names, each loaded once and
 * written once at the end: a gateway's batch interleaving several
 * publishers made a load and a write of the counters per event. */
#define PUBS_MAX 8
typedef struct {
    pubstate_t v[PUBS_MAX];
    size_t n, last;
} pubset_t;

/* The state of `name` in set (loaded on first use), or NULL with *rc. */
static pubstate_t *pub_of(store_txn_t *t, pubset_t *set, const char *name, int *rc)
{
    *rc = 0;
    if (set->n && strcmp(set->v[set->last].name, name) == 0)
        return &set->v[set->last];
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->v[i].name, name) == 0)
            return &set->v[set->last = i];
    if (set->n == PUBS_MAX) { /* more publishers than that: write one back */
        pub_flush(t, &set->v[0]);
        set->v[0] = set->v[--set->n];
    }
    pubstate_t *p = &set->v[set->n];
    if ((*rc = pub_load(t, name, p)) < 0)
        return NULL;
    set->last = set->n++;
    return p;
}

/* Counts a new event's seq: a jump is a gap (logged once, here), a seq
 * below the highest one fills an earlier gap. */
static void pub_count(pubstate_t *p, uint64_t seq)
{
    Exemplar__PublisherRecord *r = &p->rec;
    if (seq > r->last_seq + 1) {
        r->gaps++;
        r->missing += seq - r->last_seq - 1;
        log_warning("events, publisher %s skipped %" PRIu64 " events (seq %" PRIu64
                    " after %" PRIu64 "); gap %" PRIu64 " of this publisher",
                    p->name, seq - r->last_seq - 1, seq, r->last_seq, r->gaps);
    } else if (seq <= r->last_seq) {
        r->late++;
    }
    if (seq > r->last_seq)
        r->last_seq = seq;
    r->events++;
    p->dirty = true;
}

/* ---- correlation ----------------------------------------------------------- */

static uint64_t last_ingest_seq(store_txn_t *t)
{
    store_iter_t it;
    store_val_t k, v;
    uint64_t last = 0;
    if (store_iter_open(t, DB_EVENTS, &it) < 0)
        return 0;
    if (store_iter_last(&it, &k, &v) == 0 && k.len == 8)
        last = key_get_u64(k.data);
    store_iter_close(&it);
    return last;
}

/* The history line of an evidence change: "title-awarded 2023: Chiến sĩ thi
 * đua cơ sở (moet/E-17, decision 12/QĐ)". */
static void evidence_reason(const Exemplar__Event *e, char *buf, size_t len)
{
    const char *texts[8];
    int n = detail_texts(e, texts, 8);
    const char *what = n > 0 && texts[0][0] ? texts[0] : "";
    char year[16] = "";
    if (e->year)
        snprintf(year, sizeof(year), " %u", e->year);
    snprintf(buf, len, "%s%s%s%s (%s/%s%s%s)", ex_event_type_name(e->type), year,
             what[0] ? ": " : "", what, e->publisher, e->event_id,
             e->decision && e->decision->number[0] ? ", decision " : "",
             e->decision ? e->decision->number : "");
}

/* Appends an "evidence" change for e to n's history and rewrites n. */
static int append_evidence(const api_events_ctx_t *ctx, Exemplar__Nomination *n,
                           const Exemplar__Event *e)
{
    char reason[512];
    evidence_reason(e, reason, sizeof(reason));
    Exemplar__Actor actor = EXEMPLAR__ACTOR__INIT;
    actor.name = e->publisher;
    actor.role = EXEMPLAR__ROLE__ROLE_PUBLISHER;
    /* evidence is not a move: the state and the version stay */
    nomwrite_change_t c = {
        .from = n->state,
        .verb = "evidence",
        .reason = reason,
        .actor = &actor,
        .at_ms = ctx->now_ms,
        .day = ctx->day,
        .event_seq = e->ingest_seq,
    };
    return nomwrite_transition(ctx->nw, n, &c);
}

/* Records e in the history of every nomination registered for its subject. */
static int correlate(const api_events_ctx_t *ctx, const Exemplar__Event *e)
{
    uint8_t prefix[EV_KEY_MAX];
    size_t plen = name_key(prefix, e->subject, 0) - 8;
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(ctx->txn, DB_BY_SUBJECT, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, prefix, plen, &k, &v);
    /* Collect the ids first: writing nominations moves no cursor of this
     * database, but keep the walk independent of the writes anyway. */
    uint64_t ids[64];
    size_t n = 0;
    while (rc == 0 && k.len == plen + 8 && memcmp(k.data, prefix, plen) == 0 &&
           n < sizeof(ids) / sizeof(ids[0])) {
        ids[n++] = key_get_u64((const uint8_t *)k.data + plen);
        rc = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND || rc == 0)
        rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        Exemplar__Nomination *nom = NULL;
        rc = records_get_nomination(ctx->txn, ids[i], &nom);
        if (rc == 0)
            rc = append_evidence(ctx, nom, e);
        else
            log_error("events, subject %s names nomination %" PRIu64 " which does not read (%s)",
                      e->subject, ids[i], ex_err_name(rc));
        if (nom)
            exemplar__nomination__free_unpacked(nom, NULL);
    }
    return rc;
}

/* ---- publish --------------------------------------------------------------- */

/* Stores one new event under ingest seq `seq` and queues its topic. */
static int store_event(const api_events_ctx_t *ctx, Exemplar__Event *e, uint64_t seq)
{
    uint8_t key[EV_KEY_MAX], k8[8];
    e->ingest_seq = seq;
    e->received_ms = ctx->now_ms;
    key_put_u64(k8, seq);
    /* Encoded once, for the log and for the change feed alike. */
    uint8_t stack[1024], *buf = stack;
    size_t len = exemplar__event__get_packed_size(e);
    if (len > sizeof(stack) && !(buf = malloc(len)))
        return -EX_EINTERNAL;
    exemplar__event__pack(e, buf);
    store_put(ctx->txn, DB_EVENTS, k8, sizeof(k8), buf, len);
    store_put(ctx->txn, DB_EVENTS_SEEN, key, name_key(key, e->publisher, e->seq), e->event_id,
              strlen(e->event_id));
    char topic[128];
    int rc = ex_event_topic_format(topic, sizeof(topic), e->type, e->subject) < 0
                 ? -EX_EINTERNAL
                 : outbox_add_packed(ctx->outbox, topic, buf, len);
    if (buf != stack)
        free(buf);
    if (rc == 0 && ctx->on_fact)
        rc = ctx->on_fact(ctx->fact_arg, ctx->txn, e, ctx->now_ms);
    if (rc == 0)
        rc = correlate(ctx, e);
    return rc;
}

int api_events_publish(const api_events_ctx_t *ctx, const Exemplar__PublishRequest *r,
                       Exemplar__PublishReply *out)
{
    Exemplar__PublishReply init = EXEMPLAR__PUBLISH_REPLY__INIT;
    *out = init;
    if (r->n_events == 0)
        return refuse(ctx, -EX_EINVALID, _("a publish request carries 1-%d events, not none"),
                      EV_PUBLISH_MAX);
    if (r->n_events > EV_PUBLISH_MAX)
        return refuse(ctx, -EX_ETOOBIG,
                      _("a publish request carries at most %d events, not %zu; split it"),
                      EV_PUBLISH_MAX, r->n_events);
    int rc = 0;
    date_memo_t dates = {.text = ""};
    for (size_t i = 0; i < r->n_events && rc == 0; i++)
        rc = check_event(ctx, i, r->events[i], &dates);
    bool repeat[EV_PUBLISH_MAX];
    if (rc == 0)
        rc = check_conflicts(ctx, r, repeat);
    if (rc < 0)
        return rc;

    out->ingest_seqs = calloc(r->n_events, sizeof(*out->ingest_seqs));
    if (!out->ingest_seqs)
        return -EX_EINTERNAL;
    out->n_ingest_seqs = r->n_events;
    uint64_t seq = last_ingest_seq(ctx->txn);
    pubset_t pubs = {.n = 0};
    for (size_t i = 0; i < r->n_events && rc == 0 && ctx->txn->rc == 0; i++) {
        Exemplar__Event *e = r->events[i];
        pubstate_t *pub = pub_of(ctx->txn, &pubs, e->publisher, &rc);
        if (!pub)
            break;
        if (repeat[i]) { /* stored already, or earlier in r: acknowledged, ignored */
            out->duplicates++;
            pub->rec.duplicates++;
            pub->dirty = true;
            continue;
        }
        pub_count(pub, e->seq);
        rc = store_event(ctx, e, ++seq);
        out->ingest_seqs[i] = seq;
        out->accepted++;
    }
    for (size_t i = 0; rc == 0 && i < pubs.n; i++)
        pub_flush(ctx->txn, &pubs.v[i]);
    if (rc == 0)
        rc = ctx->txn->rc;
    if (rc < 0)
        api_events_publish_reply_free(out);
    return rc;
}

void api_events_publish_reply_free(Exemplar__PublishReply *out)
{
    free(out->ingest_seqs);
    out->ingest_seqs = NULL;
    out->n_ingest_seqs = 0;
}

/* ---- stats ------------------------------------------------------------------ */

static const config_publisher_t *configured(const config_t *cfg, const char *name, size_t len)
{
    for (unsigned i = 0; i < cfg->npublishers; i++)
        if (strlen(cfg->publishers[i].name) == len &&
            memcmp(cfg->publishers[i].name, name, len) == 0)
            return &cfg->publishers[i];
    return NULL;
}

static Exemplar__PublisherStats *stats_row(const char *name, size_t len)
{
    Exemplar__PublisherStats *p = malloc(sizeof(*p));
    char *copy = malloc(len + 1);
    if (!p || !copy) {
        free(p);
        free(copy);
        return NULL;
    }
    exemplar__publisher_stats__init(p);
    memcpy(copy, name, len);
    copy[len] = 0;
    p->name = copy;
    return p;
}

int api_events_stats(const api_events_ctx_t *ctx, Exemplar__StatsReply *out)
{
    Exemplar__StatsReply init = EXEMPLAR__STATS_REPLY__INIT;
    *out = init;
    uint64_t stored = store_count(ctx->txn, DB_PUBLISHERS);
    size_t cap = (size_t)stored + ctx->cfg->npublishers;
    out->publishers = calloc(cap ? cap : 1, sizeof(*out->publishers));
    if (!out->publishers)
        return -EX_EINTERNAL;
    out->events = store_count(ctx->txn, DB_EVENTS);
    records_counters_t now;
    nomwrite_counters(ctx->nw, &now);
    out->last_change_seq = now.last_seq;
    out->nominations = now.nominations;
    out->indexed = indexed_upto(ctx->txn);
    out->unmatched = titles_unmatched_count(ctx->txn);
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(ctx->txn, DB_PUBLISHERS, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    while (rc == 0 && out->n_publishers < cap) {
        Exemplar__PublisherRecord *r = exemplar__publisher_record__unpack(NULL, v.len, v.data);
        Exemplar__PublisherStats *p = r ? stats_row(k.data, k.len) : NULL;
        if (!p) {
            if (r)
                exemplar__publisher_record__free_unpacked(r, NULL);
            rc = r ? -EX_EINTERNAL : -EX_ESTORAGE;
            break;
        }
        p->last_seq = r->last_seq;
        p->events = r->events;
        p->duplicates = r->duplicates;
        p->gaps = r->gaps;
        p->missing = r->missing;
        p->late = r->late;
        const config_publisher_t *c = configured(ctx->cfg, k.data, k.len);
        p->endpoint = (char *)(c ? c->endpoint : "");
        out->duplicates += r->duplicates;
        out->gaps += r->gaps;
        out->publishers[out->n_publishers++] = p;
        exemplar__publisher_record__free_unpacked(r, NULL);
        rc = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    /* Configured feeds that have not delivered anything yet. */
    for (unsigned i = 0; rc == 0 && i < ctx->cfg->npublishers; i++) {
        const config_publisher_t *c = &ctx->cfg->publishers[i];
        bool found = false;
        for (size_t j = 0; j < out->n_publishers && !found; j++)
            found = strcmp(out->publishers[j]->name, c->name) == 0;
        if (found || out->n_publishers == cap)
            continue;
        Exemplar__PublisherStats *p = stats_row(c->name, strlen(c->name));
        if (!p) {
            rc = -EX_EINTERNAL;
            break;
        }
        p->endpoint = (char *)c->endpoint;
        out->publishers[out->n_publishers++] = p;
    }
    if (rc < 0)
        api_events_stats_reply_free(out);
    return rc;
}

void api_events_stats_reply_free(Exemplar__StatsReply *out)
{
    for (size_t i = 0; i < out->n_publishers; i++) {
        free(out->publishers[i]->name);
        free(out->publishers[i]);
    }
    free(out->publishers);
    out->publishers = NULL;
    out->n_publishers = 0;
}

/* ---- the subject index ----------------------------------------------------------- */

static const char INDEXED_KEY[] = "events_indexed";
/* Events one indexing step takes at most (80 bytes of memory each). */
#define INDEX_STEP_MAX 65536u

/* How far events_by_subject reaches: every event up to this ingest seq is
 * in it, none after. */
static uint64_t indexed_upto(store_txn_t *t)
{
    store_val_t v;
    if (store_get(t, DB_META, INDEXED_KEY, sizeof(INDEXED_KEY) - 1, &v) < 0 || v.len != 8)
        return 0;
    return key_get_u64(v.data);
}

static int load_event(store_txn_t *t, uint64_t seq, Exemplar__Event **out)
{
    uint8_t k8[8];
    store_val_t v;
    key_put_u64(k8, seq);
    int rc = store_get(t, DB_EVENTS, k8, 8, &v);
    *out = rc == 0 ? exemplar__event__unpack(NULL, v.len, v.data) : NULL;
    if (rc == 0 && !*out)
        rc = -EX_ESTORAGE;
    if (rc < 0)
        log_error("events, event %" PRIu64 " of the log does not read (%s)", seq, ex_err_name(rc));
    return rc;
}

/* The events naming subject with ingest seq > after, oldest first, at most
 * limit of them into out (room for limit), *more when others follow: the
 * indexed part from events_by_subject, then the part of the log the index
 * does not reach yet, scanned. */
static int subject_events(store_txn_t *t, const char *subject, uint64_t after, uint32_t limit,
                          Exemplar__Event **out, size_t *n, bool *more)
{
    uint64_t upto = indexed_upto(t);
    uint8_t start[EV_KEY_MAX];
    size_t klen = name_key(start, subject, after + 1), plen = klen - 8;
    store_iter_t it;
    store_val_t k, v;
    *n = 0;
    *more = false;
    int rc = 0;
    if (after < upto) {
        rc = store_iter_open(t, DB_EVENTS_BY_SUBJECT, &it);
        if (rc == 0)
            rc = store_iter_seek(&it, start, klen, &k, &v);
        while (rc == 0 && k.len == klen && memcmp(k.data, start, plen) == 0) {
            if (*n == limit) {
                *more = true;
                break;
            }
            rc = load_event(t, key_get_u64((const uint8_t *)k.data + plen), &out[*n]);
            if (rc < 0)
                break;
            (*n)++;
            rc = store_iter_next(&it, &k, &v);
        }
        store_iter_close(&it);
        if (rc == -EX_ENOTFOUND)
            rc = 0;
    }
    if (rc < 0 || *more)
        return rc;
    /* The tail: at most events_index_lag events plus what arrived since. */
    uint8_t k8[8];
    key_put_u64(k8, (after > upto ? after : upto) + 1);
    rc = store_iter_open(t, DB_EVENTS, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, k8, 8, &k, &v);
    while (rc == 0) {
        Exemplar__Event *e = exemplar__event__unpack(NULL, v.len, v.data);
        if (!e) {
            rc = -EX_ESTORAGE;
            break;
        }
        if (strcmp(e->subject, subject) != 0) {
            exemplar__event__free_unpacked(e, NULL);
        } else if (*n == limit) {
            exemplar__event__free_unpacked(e, NULL);
            *more = true;
            break;
        } else {
            out[(*n)++] = e;
        }
        rc = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}

typedef struct {
    uint8_t key[EV_KEY_MAX];
    uint8_t len;
} index_key_t;

/* The subject of a stored Event (field 5), read from its encoding without
 * decoding the rest: the indexer needs nothing else of the event, and a
 * whole decode with its allocations was most of its instructions.  An
 * absent subject reads as "", the last occurrence wins (as in a decode).
 * 0, or -EX_ESTORAGE when v is not a well-formed encoding. */
static int peek_subject(const store_val_t *v, char out[EV_SUBJECT_MAX + 1])
{
    const uint8_t *p = v->data, *end = p + v->len;
    out[0] = 0;
    pbwire_field_t f;
    int rc;
    while ((rc = pbwire_next(&p, end, &f)) > 0)
        if (f.wire_type == 2 && f.number == 5) {
            size_t n = f.len < EV_SUBJECT_MAX ? f.len : EV_SUBJECT_MAX;
            memcpy(out, f.bytes, n);
            out[n] = 0;
        }
    return rc < 0 ? -EX_ESTORAGE : 0;
}

static int by_key(const void *a, const void *b)
{
    const index_key_t *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (int)x->len - (int)y->len;
}

int api_events_index(store_t *s, unsigned lag, bool quiet, bool *more)
{
    store_txn_t t;
    store_iter_t it;
    store_val_t k, v;
    *more = false;
    int rc = store_txn_begin(s, false, &t);
    if (rc < 0)
        return rc;
    uint64_t upto = indexed_upto(&t), last = 0;
    rc = store_iter_open(&t, DB_EVENTS, &it);
    if (rc == 0 && store_iter_last(&it, &k, &v) == 0 && k.len == 8)
        last = key_get_u64(k.data);
    store_iter_close(&it);
    store_txn_abort(&t);
    if (rc < 0 || last <= upto)
        return rc;
    if (!quiet && last - upto < lag) {
        *more = true; /* not yet: wait for a quiet moment */
        return 0;
    }

    size_t step = lag == 0 ? 1 : lag < INDEX_STEP_MAX ? lag : INDEX_STEP_MAX;
    index_key_t *keys = malloc(step * sizeof(*keys));
    if (!keys)
        return -EX_EINTERNAL;
    size_t n = 0;
    uint64_t seq = upto;
    rc = store_txn_begin(s, true, &t);
    uint8_t k8[8];
    key_put_u64(k8, upto + 1);
    if (rc == 0)
        rc = store_iter_open(&t, DB_EVENTS, &it);
    if (rc == 0) {
        rc = store_iter_seek(&it, k8, 8, &k, &v);
        while (rc == 0 && n < step && k.len == 8) {
            char subject[EV_SUBJECT_MAX + 1];
            if ((rc = peek_subject(&v, subject)) < 0)
                break;
            seq = key_get_u64(k.data);
            keys[n].len = (uint8_t)name_key(keys[n].key, subject, seq);
            n++;
            rc = store_iter_next(&it, &k, &v);
        }
        store_iter_close(&it);
        if (rc == -EX_ENOTFOUND)
            rc = 0;
    }
    /* Sorted, the inserts walk the index once from left to right. */
    qsort(keys, n, sizeof(*keys), by_key);
    for (size_t i = 0; rc == 0 && i < n; i++)
        store_put(&t, DB_EVENTS_BY_SUBJECT, keys[i].key, keys[i].len, "", 0);
    key_put_u64(k8, seq);
    if (rc == 0)
        store_put(&t, DB_META, INDEXED_KEY, sizeof(INDEXED_KEY) - 1, k8, 8);
    if (rc == 0)
        rc = store_txn_commit(&t);
    else
        store_txn_abort(&t);
    free(keys);
    if (rc == 0) {
        *more = seq < last;
        log_debug("events, subject index extended to event %" PRIu64 " (%zu events)", seq, n);
    }
    return rc;
}

/* ---- evidence ---------------------------------------------------------------- */

int api_events_subject_in_scope(store_txn_t *t, const actor_t *a, const char *subject, int32_t day,
                                bool *in)
{
    *in = a->role != ROLE_UNIT_OFFICER;
    if (*in)
        return 0;
    uint8_t prefix[EV_KEY_MAX];
    size_t plen = name_key(prefix, subject, 0) - 8;
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(t, DB_BY_SUBJECT, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, prefix, plen, &k, &v);
    for (int seen = 0; rc == 0 && !*in && seen < 1000; seen++) {
        if (k.len != plen + 8 || memcmp(k.data, prefix, plen) != 0)
            break;
        Exemplar__Nomination *n = NULL;
        rc = records_get_nomination(t, key_get_u64((const uint8_t *)k.data + plen), &n);
        if (rc == 0)
            *in = nom_actor_in_scope(a, n->unit);
        /* the successor of the nomination's unit after a merge too */
        char on[KEY_UNIT_MAX + 1];
        if (rc == 0 && !*in &&
            (rc = rules_unit_acting(t, n->unit, n->unit_name, day, on, sizeof(on), NULL, 0)) == 0)
            *in = strcmp(a->unit, on) == 0;
        if (n)
            exemplar__nomination__free_unpacked(n, NULL);
        if (rc == 0)
            rc = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}

/* The title facts kept unmatched (titles.h), of one subject or all; a unit
 * officer's of the subjects in its scope only. */
static int unmatched_facts(const api_events_ctx_t *ctx, const Exemplar__EventListRequest *r,
                           Exemplar__EventListReply *out)
{
    if (r->subject[0] && api_events_check_subject(r->subject, ctx->why, ctx->why_len) < 0)
        return refuse(ctx, -EX_EINVALID, "subject must be 1-%d of letters, digits, '.', '_' or '-'",
                      EV_SUBJECT_MAX);
    if (r->limit > EV_EVIDENCE_MAX)
        return refuse(ctx, -EX_EINVALID, "limit must be 1-%d (0 means %d)", EV_EVIDENCE_MAX,
                      EV_EVIDENCE_MAX);
    uint32_t limit = r->limit ? r->limit : EV_EVIDENCE_MAX;
    out->events = calloc(limit, sizeof(*out->events));
    if (!out->events)
        return -EX_EINTERNAL;
    bool more = false;
    int rc =
        titles_unmatched(ctx->txn, r->subject, r->after, limit, out->events, &out->n_events, &more);
    out->more = more;
    /* scope: drop what the officer may not read */
    size_t kept = 0;
    for (size_t i = 0; i < out->n_events; i++) {
        bool in = false;
        if (rc == 0)
            rc = api_events_subject_in_scope(ctx->txn, ctx->actor, out->events[i]->subject,
                                             ctx->day, &in);
        if (rc == 0 && in)
            out->events[kept++] = out->events[i];
        else
            exemplar__event__free_unpacked(out->events[i], NULL);
    }
    out->n_events = kept;
    if (rc < 0)
        api_events_evidence_reply_free(out);
    return rc;
}

int api_events_evidence(const api_events_ctx_t *ctx, const Exemplar__EventListRequest *r,
                        Exemplar__EventListReply *out)
{
    Exemplar__EventListReply init = EXEMPLAR__EVENT_LIST_REPLY__INIT;
    *out = init;
    if (r->unmatched)
        return unmatched_facts(ctx, r, out);
    if (!r->subject[0] || api_events_check_subject(r->subject, ctx->why, ctx->why_len) < 0)
        return refuse(ctx, -EX_EINVALID,
                      _("subject must be 1-%d of letters, digits, '.', '_' or '-'"),
                      EV_SUBJECT_MAX);
    if (r->limit > EV_EVIDENCE_MAX)
        return refuse(ctx, -EX_EINVALID, _("limit must be 1-%d (0 means %d)"), EV_EVIDENCE_MAX,
                      EV_EVIDENCE_MAX);
    bool in = false;
    int rc = api_events_subject_in_scope(ctx->txn, ctx->actor, r->subject, ctx->day, &in);
    if (rc < 0)
        return rc;
    if (!in)
        return refuse(ctx, -EX_EPERM,
                      _("%s acts for unit %s and reads the events only of subjects of its unit's "
                        "nominations; %.64s is not the subject of one"),
                      ctx->actor->name, ctx->actor->unit, r->subject);
    if (r->after == UINT64_MAX)
        return 0;
    uint32_t limit = r->limit ? r->limit : EV_EVIDENCE_MAX;
    out->events = calloc(limit, sizeof(*out->events));
    if (!out->events)
        return -EX_EINTERNAL;
    bool more = false;
    rc = subject_events(ctx->txn, r->subject, r->after, limit, out->events, &out->n_events, &more);
    out->more = more;
    if (rc < 0)
        api_events_evidence_reply_free(out);
    return rc;
}

void api_events_evidence_reply_free(Exemplar__EventListReply *out)
{
    for (size_t i = 0; i < out->n_events; i++)
        exemplar__event__free_unpacked(out->events[i], NULL);
    free(out->events);
    out->events = NULL;
    out->n_events = 0;
}

/* ---- registration ------------------------------------------------------------ */

int api_events_on_register(const api_events_ctx_t *ctx, Exemplar__Nomination *n)
{
    if (!n->subject || !n->subject[0])
        return 0;
    uint8_t key[EV_KEY_MAX];
    store_put(ctx->txn, DB_BY_SUBJECT, key, name_key(key, n->subject, n->id), "", 0);
    Exemplar__Event **v = calloc(EV_EVIDENCE_MAX, sizeof(*v));
    if (!v)
        return -EX_EINTERNAL;
    size_t count = 0;
    bool more = false;
    int rc = subject_events(ctx->txn, n->subject, 0, EV_EVIDENCE_MAX, v, &count, &more);
    if (more)
        log_warning("events, subject %s has more than %d events; nomination %" PRIu64
                    " records the first %d in its history",
                    n->subject, EV_EVIDENCE_MAX, n->id, EV_EVIDENCE_MAX);
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = append_evidence(ctx, n, v[i]);
    for (size_t i = 0; i < count; i++)
        exemplar__event__free_unpacked(v[i], NULL);
    free(v);
    if (rc == 0 && count)
        log_debug("events, nomination %" PRIu64 " of subject %s recorded %zu earlier events", n->id,
                  n->subject, count);
    return rc;
}
