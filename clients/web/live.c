/* SPDX-License-Identifier: MIT */
/*
 * The live view: GET /events is a stream of server-sent events, one per
 * committed change the signed-in person may see, so that two reviewers see
 * each other's moves without reloading.  The changes come from the
 * daemon's change log (ChangesRequest, on behalf of the person): the daemon
 * filters a unit officer's to their unit, so the stream never shows more
 * than the person's own requests would.  With [daemon] events set, one
 * thread subscribes to the daemon's change feed (a gateway may) and wakes
 * every stream at each change, which then reads what is new for its
 * person; without it each stream asks once a second (an idle round trip
 * costs about 0.1 ms on the same host).  A comment every 15 s keeps
 * proxies from closing a quiet stream; a signed-out or expired session
 * ends it.
 *
 * /live.js is the only script of the site and only enhances: it updates the
 * state shown and announces the change in a polite live region; every
 * action still works without it.
 */
#include "live.h"

#include "gw.h"
#include "html.h"

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS      1000
#define KEEPALIVE_MS 15000
#define CHANGES_PAGE 100

typedef struct {
    char token[WEB_TOKEN_LEN + 1];
    char person[WEB_NAME_MAX + 1];
    int lang;
    uint64_t last_seq;
    unsigned long long seen; /* F.seen when the stream last looked */
    int64_t last_sent_ms;
    buf_t out; /* events not yet handed to the server */
    size_t off;
} stream_t;

/* Set by live_stop: every stream ends within a poll interval, so that the
 * server's threads can be joined at shutdown. */
static volatile sig_atomic_t STOPPING;

/* The feed's news: a counter of changes seen, and a condition streams wait
 * on.  Without a feed nobody signals it and streams wake by timeout. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned long long seen;
    bool feed;
    pthread_t thread;
    ex_sub_t *sub;
} F = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

void live_stop(void)
{
    STOPPING = 1;
    pthread_mutex_lock(&F.lock);
    pthread_cond_broadcast(&F.cond);
    pthread_mutex_unlock(&F.lock);
    if (F.feed) {
        pthread_join(F.thread, NULL);
        ex_sub_destroy(&F.sub);
        F.feed = false;
    }
}

static void *feed_main(void *arg)
{
    (void)arg;
    while (!STOPPING) {
        Exemplar__Change *ch = NULL;
        if (ex_sub_next(F.sub, 500, &ch) == 0) {
            exemplar__change__free_unpacked(ch, NULL);
            pthread_mutex_lock(&F.lock);
            F.seen++;
            pthread_cond_broadcast(&F.cond);
            pthread_mutex_unlock(&F.lock);
        }
    }
    return NULL;
}

int live_start(const web_config_t *cfg, char *err, size_t errlen)
{
    if (!cfg->events[0])
        return 0;
    ex_curve_keys_t keys;
    const ex_curve_keys_t *use = NULL;
    if (strncmp(cfg->events, "tcp://", 6) == 0) {
        if (ex_curve_keys_load(cfg->server_key, cfg->key, &keys, err, errlen) < 0)
            return -1;
        use = &keys;
    }
    F.sub = ex_sub_new_curve(cfg->events, "nomination.", use);
    if (!F.sub) {
        snprintf(err, errlen, "[daemon] events = \"%s\" is not a ZeroMQ endpoint", cfg->events);
        return -1;
    }
    if (pthread_create(&F.thread, NULL, feed_main, NULL) != 0) {
        ex_sub_destroy(&F.sub);
        snprintf(err, errlen, "cannot start the change feed's thread");
        return -1;
    }
    F.feed = true;
    return 0;
}

/* Waits until the feed reports a change after *seen, or ms pass. */
static void wait_news(unsigned long long *seen, int ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&F.lock);
    while (F.seen == *seen && !STOPPING && pthread_cond_timedwait(&F.cond, &F.lock, &until) == 0)
        ;
    *seen = F.seen;
    pthread_mutex_unlock(&F.lock);
}

static const char LIVE_JS[] =
    "(function(){\n"
    "  var live = document.getElementById('live');\n"
    "  if (!live || !window.EventSource) return;\n"
    "  var es = new EventSource('/events');\n"
    "  es.addEventListener('change', function (e) {\n"
    "    var c = JSON.parse(e.data);\n"
    "    var cells = document.querySelectorAll('[data-id=\"' + c.id + '\"] [data-state], "
    "#state[data-id=\"' + c.id + '\"]');\n"
    "    for (var i = 0; i < cells.length; i++) {\n"
    "      cells[i].textContent = c.state_text;\n"
    "      cells[i].setAttribute('data-state', c.state);\n"
    "    }\n"
    "    var p = document.createElement('p');\n"
    "    p.textContent = c.text;\n"
    "    live.insertBefore(p, live.firstChild);\n"
    "    live.hidden = false;\n"
    "  });\n"
    "})();\n";

enum MHD_Result live_script(struct MHD_Connection *c)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        sizeof(LIVE_JS) - 1, (void *)LIVE_JS, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "text/javascript; charset=utf-8");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* Appends one change as an SSE event (JSON data, a sentence in the
 * person's language). */
static void add_event(stream_t *s, const Exemplar__Change *ch)
{
    char text[512];
    snprintf(text, sizeof(text), L(s->lang, "Nomination %llu was moved to \"%s\" by %s."),
             (unsigned long long)ch->nomination_id, web_state_name(s->lang, ch->to),
             ch->actor && ch->actor->name[0] ? ch->actor->name : "-");
    json_object *o = json_object_new_object();
    json_object_object_add(o, "seq", json_object_new_int64((int64_t)ch->seq));
    json_object_object_add(o, "id", json_object_new_int64((int64_t)ch->nomination_id));
    json_object_object_add(o, "state", json_object_new_string(ex_state_name(ch->to) ?: ""));
    json_object_object_add(o, "state_text",
                           json_object_new_string(web_state_name(s->lang, ch->to)));
    json_object_object_add(o, "version", json_object_new_int64((int64_t)ch->version));
    json_object_object_add(o, "text", json_object_new_string(text));
    buf_fmt(&s->out, "id: %" PRIu64 "\nevent: change\ndata: %s\n\n", ch->seq,
            json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
}

/* The changes after last_seq the person may see.  -1 when the daemon
 * refuses (the person lost the right to read). */
static int fetch(stream_t *s)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__ChangesRequest body = EXEMPLAR__CHANGES_REQUEST__INIT;
    body.from_seq = s->last_seq + 1;
    body.limit = CHANGES_PAGE;
    req.body_case = EXEMPLAR__REQUEST__BODY_CHANGES;
    req.changes = &body;
    Exemplar__Reply *reply = NULL;
    int rc = gw_call(s->person, s->lang, &req, &reply);
    if (rc < 0) {
        ex_reply_free(reply);
        return 0; /* the daemon is away for a moment: ask again next time */
    }
    if (reply->error) {
        ex_reply_free(reply);
        return -1;
    }
    for (size_t i = 0; i < reply->changes->n_changes; i++)
        add_event(s, reply->changes->changes[i]);
    /* Changes of other units are not in the answer: move past them too. */
    if (reply->changes->last_seq > s->last_seq)
        s->last_seq = reply->changes->n_changes
                          ? reply->changes->changes[reply->changes->n_changes - 1]->seq
                          : reply->changes->last_seq;
    ex_reply_free(reply);
    return 0;
}

static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    stream_t *s = cls;
    for (;;) {
        if (s->off < s->out.len) {
            size_t n = s->out.len - s->off < max ? s->out.len - s->off : max;
            memcpy(out, s->out.p + s->off, n);
            s->off += n;
            if (s->off == s->out.len)
                s->out.len = s->off = 0;
            s->last_sent_ms = web_now_ms();
            return (ssize_t)n;
        }
        if (STOPPING || !session_alive(s->token) || s->out.oom)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (fetch(s) < 0)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (s->out.len)
            continue;
        if (web_now_ms() - s->last_sent_ms >= KEEPALIVE_MS) {
            buf_add(&s->out, ": keep-alive\n\n");
            continue;
        }
        /* A thread per connection: this one may wait, for the feed's news
         * (checking the session now and then), or a poll interval. */
        wait_news(&s->seen, F.feed ? KEEPALIVE_MS : POLL_MS);
    }
}

static void stream_free(void *cls)
{
    stream_t *s = cls;
    buf_free(&s->out);
    free(s);
}

enum MHD_Result live_events(struct MHD_Connection *c, const web_session_t *session, int lang)
{
    stream_t *s = calloc(1, sizeof(*s));
    if (!s)
        return MHD_NO;
    memcpy(s->token, session->token, sizeof(s->token));
    memcpy(s->person, session->name, sizeof(s->person));
    s->lang = lang;
    s->last_sent_ms = web_now_ms();
    pthread_mutex_lock(&F.lock);
    s->seen = F.seen; /* read before last_seq: a change in between wakes it */
    pthread_mutex_unlock(&F.lock);
    /* Start at the newest change (or where the browser's EventSource left
     * off when it reconnects). */
    const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
    if (last && *last && strspn(last, "0123456789") == strlen(last) && strlen(last) < 20) {
        s->last_seq = strtoull(last, NULL, 10);
    } else {
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        Exemplar__InfoRequest body = EXEMPLAR__INFO_REQUEST__INIT;
        req.body_case = EXEMPLAR__REQUEST__BODY_INFO;
        req.info = &body;
        Exemplar__Reply *reply = NULL;
        if (ex_reply_status(gw_call(s->person, s->lang, &req, &reply), reply) == 0)
            s->last_seq = reply->info->last_seq;
        ex_reply_free(reply);
    }
    buf_add(&s->out, "retry: 3000\n\n");
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s, stream_free);
    if (!resp) {
        stream_free(s);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no"); /* nginx: pass events at once */
    enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return rc;
}
