/* SPDX-License-Identifier: MIT */
/*
 * The Prometheus endpoint (see metrics.h).  libmicrohttpd runs its own
 * polling thread; this module's only shared state is the text snapshot and
 * its mutex.  Metric names follow Prometheus' conventions: an exemplar_
 * prefix, base units (seconds, bytes), counters ending in _total.
 */
#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "errors.h"
#include "log.h"
#include "names.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct metrics {
    struct MHD_Daemon *httpd;
    pthread_mutex_t lock;
    char *text; /* the latest snapshot, NUL-terminated */
    size_t len;
};

/* ---- the text ------------------------------------------------------------------- */

static void head(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value with \, " and newline escaped. */
static void label(FILE *f, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            fputc('\\', f);
        if (*v == '\n')
            fputs("\\n", f);
        else
            fputc(*v, f);
    }
}

static void one(FILE *f, const char *name, const char *type, const char *help, uint64_t v)
{
    head(f, name, type, help);
    fprintf(f, "%s %" PRIu64 "\n", name, v);
}

void metrics_format(const Exemplar__StatsReply *s, FILE *f)
{
    head(f, "exemplar_nominations", "gauge", "Nominations by state.");
    for (size_t i = 1; i < s->n_nominations_by_state; i++) {
        const char *name = ex_state_name((Exemplar__State)i);
        if (name)
            fprintf(f, "exemplar_nominations{state=\"%s\"} %" PRIu64 "\n", name,
                    s->nominations_by_state[i]);
    }
    one(f, "exemplar_last_change_seq", "gauge", "Sequence number of the newest change.",
        s->last_change_seq);
    one(f, "exemplar_requests_total", "counter", "Requests handled since the daemon started.",
        s->requests);
    head(f, "exemplar_requests_refused_total", "counter",
         "Requests refused since the daemon started, by error code.");
    for (size_t c = 1; c < s->n_refused_by_code; c++)
        fprintf(f, "exemplar_requests_refused_total{code=\"%s\"} %" PRIu64 "\n",
                ex_err_name((int)c), s->refused_by_code[c]);
    one(f, "exemplar_batches_total", "counter",
        "Group commits run (one transaction each) since the daemon started.", s->batches);
    head(f, "exemplar_batch_size_mean", "gauge", "Requests per batch, on average since start.");
    fprintf(f, "exemplar_batch_size_mean %.6g\n", s->mean_batch_size);
    one(f, "exemplar_commit_failures_total", "counter", "Batches whose commit failed.",
        s->commit_failures);
    head(f, "exemplar_commit_duration_seconds", "summary",
         "Time of the durable commit; quantiles over the last 1024 commits.");
    fprintf(f, "exemplar_commit_duration_seconds{quantile=\"0.5\"} %.6f\n",
            (double)s->commit_p50_us / 1e6);
    fprintf(f, "exemplar_commit_duration_seconds{quantile=\"0.99\"} %.6f\n",
            (double)s->commit_p99_us / 1e6);
    fprintf(f, "exemplar_commit_duration_seconds_sum %.6f\n", (double)s->commit_us_total / 1e6);
    fprintf(f, "exemplar_commit_duration_seconds_count %" PRIu64 "\n", s->commits);
    one(f, "exemplar_events_total", "counter", "Events in the event log.", s->events);
    one(f, "exemplar_event_duplicates_total", "counter",
        "Events dropped as duplicates, over all publishers.", s->duplicates);
    one(f, "exemplar_event_gaps_total", "counter",
        "Jumps in a publisher's sequence numbers, over all publishers.", s->gaps);
    one(f, "exemplar_events_indexed", "gauge", "Events the subject index covers.", s->indexed);
    static const struct {
        const char *name, *type, *help;
        size_t offset;
    } PUB[] = {
        {"exemplar_publisher_last_seq", "gauge", "A publisher's newest sequence number.",
         offsetof(Exemplar__PublisherStats, last_seq)},
        {"exemplar_publisher_events_total", "counter", "Events stored from a publisher.",
         offsetof(Exemplar__PublisherStats, events)},
        {"exemplar_publisher_duplicates_total", "counter", "A publisher's duplicates dropped.",
         offsetof(Exemplar__PublisherStats, duplicates)},
        {"exemplar_publisher_gaps_total", "counter", "Gaps in a publisher's sequence numbers.",
         offsetof(Exemplar__PublisherStats, gaps)},
        {"exemplar_publisher_missing_total", "counter", "Sequence numbers a publisher skipped.",
         offsetof(Exemplar__PublisherStats, missing)},
        {"exemplar_publisher_late_total", "counter", "A publisher's events that arrived late.",
         offsetof(Exemplar__PublisherStats, late)},
    };
    for (size_t k = 0; k < sizeof(PUB) / sizeof(PUB[0]); k++) {
        head(f, PUB[k].name, PUB[k].type, PUB[k].help);
        for (size_t i = 0; i < s->n_publishers; i++) {
            uint64_t v;
            memcpy(&v, (const uint8_t *)s->publishers[i] + PUB[k].offset, sizeof(v));
            fprintf(f, "%s{publisher=\"", PUB[k].name);
            label(f, s->publishers[i]->name);
            fprintf(f, "\"} %" PRIu64 "\n", v);
        }
    }
    one(f, "exemplar_change_feed_subscribers", "gauge",
        "Connections to the change feed (the PUB socket).", s->subscribers);
    one(f, "exemplar_lmdb_map_size_bytes", "gauge", "Size of the LMDB map.", s->map_bytes);
    one(f, "exemplar_lmdb_used_pages", "gauge", "LMDB pages in use.", s->map_used_pages);
    one(f, "exemplar_lmdb_page_size_bytes", "gauge", "Bytes per LMDB page.", s->page_size);
    one(f, "exemplar_wal_enabled", "gauge", "1 when the write-ahead log is on.", s->wal ? 1 : 0);
    one(f, "exemplar_wal_replayed_records", "gauge",
        "Records of the write-ahead log replayed when the store opened.", s->wal_replayed);
    one(f, "exemplar_wal_torn_tail", "gauge",
        "1 when the log ended at a torn or corrupt record at start.", s->wal_torn ? 1 : 0);
    one(f, "exemplar_wal_last_seq", "gauge", "Sequence of the newest log record.", s->wal_last_seq);
    one(f, "exemplar_wal_checkpoint_seq", "gauge", "Sequence of the last checkpoint.",
        s->wal_applied);
    one(f, "exemplar_wal_checkpoints_total", "counter", "Checkpoints since start.",
        s->wal_checkpoints);
    one(f, "exemplar_wal_syncs_total", "counter",
        "Syncs of the write-ahead log since start (each covers every record written before it).",
        s->wal_syncs);
    one(f, "exemplar_wal_records_total", "counter", "Records written to the log since start.",
        s->wal_records);
    one(f, "exemplar_wal_written_bytes_total", "counter", "Bytes written to the log since start.",
        s->wal_bytes);
    one(f, "exemplar_workers", "gauge", "Workers that asked for jobs in the last ten minutes.",
        s->workers);
    one(f, "exemplar_jobs", "gauge", "Jobs made by the timers, ever.", s->jobs);
    one(f, "exemplar_jobs_waiting", "gauge", "Jobs ready or leased now.", s->jobs_waiting);
    one(f, "exemplar_timers_pending", "gauge", "Timers that have not fired yet.",
        s->timers_pending);
}

/* ---- HTTP ---------------------------------------------------------------------- */

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *text,
                              size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_len, void **state)
{
    (void)version;
    (void)upload;
    (void)state;
    metrics_t *m = cls;
    if (*upload_len) /* a body: ignore it */
        *upload_len = 0;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        static const char MSG[] = "only GET /metrics is served\n";
        return answer(c, MHD_HTTP_METHOD_NOT_ALLOWED, MSG, sizeof(MSG) - 1);
    }
    if (strcmp(url, "/metrics") != 0) {
        static const char MSG[] = "not found: the metrics are at /metrics\n";
        return answer(c, MHD_HTTP_NOT_FOUND, MSG, sizeof(MSG) - 1);
    }
    pthread_mutex_lock(&m->lock);
    enum MHD_Result rc = answer(c, MHD_HTTP_OK, m->text ? m->text : "", m->text ? m->len : 0);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

metrics_t *metrics_new(const char *listen, char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    size_t hlen = colon ? (size_t)(colon - listen) : 0;
    if (!colon || hlen == 0 || hlen >= sizeof(host) || !colon[1]) {
        snprintf(err, errlen, "metrics, [stats] listen must be ADDRESS:PORT, not '%s'", listen);
        return NULL;
    }
    memcpy(host, listen, hlen);
    host[hlen] = 0;
    if (host[0] == '[' && host[hlen - 1] == ']') { /* [::1]:9469 */
        memmove(host, host + 1, hlen - 2);
        host[hlen - 2] = 0;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV | AI_PASSIVE},
                    *ai = NULL;
    int gai = getaddrinfo(host, colon + 1, &hints, &ai);
    if (gai) {
        snprintf(err, errlen, "metrics, [stats] listen '%s' is not an address and port (%s)",
                 listen, gai_strerror(gai));
        return NULL;
    }
    metrics_t *m = calloc(1, sizeof(*m));
    if (!m) {
        freeaddrinfo(ai);
        snprintf(err, errlen, "metrics, out of memory");
        return NULL;
    }
    pthread_mutex_init(&m->lock, NULL);
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    m->httpd = MHD_start_daemon(flags, 0, NULL, NULL, handle, m, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                                MHD_OPTION_CONNECTION_LIMIT, 16u, MHD_OPTION_CONNECTION_TIMEOUT,
                                10u, MHD_OPTION_END);
    int e = errno;
    freeaddrinfo(ai);
    if (!m->httpd) {
        snprintf(err, errlen,
                 "metrics, cannot listen for HTTP on %s (%s); under systemd the sandbox must "
                 "allow AF_INET: see exemplard(8), SECURITY",
                 listen, e ? strerror(e) : "libmicrohttpd refused");
        metrics_destroy(&m);
        return NULL;
    }
    return m;
}

void metrics_destroy(metrics_t **p)
{
    metrics_t *m = *p;
    if (!m)
        return;
    if (m->httpd)
        MHD_stop_daemon(m->httpd);
    pthread_mutex_destroy(&m->lock);
    free(m->text);
    free(m);
    *p = NULL;
}

void metrics_refresh(metrics_t *m, api_t *api)
{
    Exemplar__StatsReply s;
    uint64_t by_state[EX_STATE_MAX + 1], by_code[EX_ERR_COUNT];
    int rc = api_stats_snapshot(api, &s, by_state, by_code);
    if (rc < 0) {
        log_warning("metrics, cannot read the figures (%s)", ex_err_name(rc));
        return;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f) {
        metrics_format(&s, f);
        if (fclose(f) != 0) {
            free(text);
            text = NULL;
        }
    }
    api_stats_snapshot_free(&s);
    if (!text)
        return;
    pthread_mutex_lock(&m->lock);
    char *old = m->text;
    m->text = text;
    m->len = len;
    pthread_mutex_unlock(&m->lock);
    free(old);
}
