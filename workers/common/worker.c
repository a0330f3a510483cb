/* SPDX-License-Identifier: MIT */
/*
 * The lease loop every worker runs (see worker.h).
 */
#include "worker.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>

#include "errors.h"

#define DEFAULT_LEASE_MS 60000u
#define DEFAULT_IDLE_MS  2000
#define CALL_TIMEOUT_MS  2000
#define BACKOFF_MAX_MS   10000
#define LEASE_BATCH      8

struct worker {
    const worker_opts_t *opts;
    ex_client_t *client;
    char why[1024]; /* the current job's failure */
    uint32_t lease; /* the current job's attempts value (for daemons before lease tokens) */
    /* the current lease's secret from the job_lease reply, sent back with
     * every delivery and the acknowledgement */
    uint8_t token[64];
    size_t token_len;
    const Exemplar__Job *job;
    /* deliveries recorded under the current lease, besides the job's own */
    char done[8][16];
    size_t n_done;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

bool worker_stopping(const worker_t *w)
{
    (void)w;
    return stop_requested != 0;
}

const char *worker_name(const worker_t *w)
{
    return w->opts->name;
}

int worker_fail(worker_t *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->why, sizeof(w->why), fmt, ap);
    va_end(ap);
    return -1;
}

/* Sleeps ms unless told to stop. */
static void pause_ms(int ms)
{
    if (!stop_requested)
        poll(NULL, 0, ms);
}

static bool transient(int status)
{
    return status == -EX_EUNAVAIL || status == -EX_EFULL || status == -EX_ESTORAGE;
}

/* Sends req until the daemon answers with something other than a transient
 * failure, always under the same request id.  Returns the status
 * (ex_reply_status) with *reply set when the daemon answered. */
static int call(worker_t *w, Exemplar__Request *req, Exemplar__Reply **reply)
{
    req->request_id = ex_request_id_new();
    int backoff = 200, status;
    for (;;) {
        *reply = NULL;
        int rc = ex_client_call(w->client, req, reply);
        status = ex_reply_status(rc, *reply);
        if (!transient(status) || stop_requested)
            break;
        ex_reply_free(*reply);
        *reply = NULL;
        if (status != -EX_EUNAVAIL || backoff >= 1600)
            sd_journal_print(LOG_WARNING, "%s: the daemon did not take the request (%s); retrying",
                             w->opts->name, ex_err_message(status));
        pause_ms(backoff);
        backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
    }
    return status;
}

bool worker_delivered(const worker_t *w, const Exemplar__Job *job, const char *channel)
{
    for (size_t i = 0; i < job->n_deliveries; i++)
        if (strcmp(job->deliveries[i]->channel, channel) == 0)
            return true;
    for (size_t i = 0; i < w->n_done; i++)
        if (strcmp(w->done[i], channel) == 0)
            return true;
    return false;
}

int worker_deliver(worker_t *w, const Exemplar__Job *job, const char *channel, const char *detail,
                   const Exemplar__Notification *nt, bool *already)
{
    Exemplar__JobDeliverRequest body = EXEMPLAR__JOB_DELIVER_REQUEST__INIT;
    body.id = job->id;
    body.lease = w->lease;
    body.lease_token = (ProtobufCBinaryData){w->token_len, w->token};
    body.channel = (char *)channel;
    body.detail = (char *)(detail ? detail : "");
    body.notification = (Exemplar__Notification *)nt;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_JOB_DELIVER;
    req.job_deliver = &body;
    Exemplar__Reply *reply = NULL;
    int status = call(w, &req, &reply);
    if (status == 0) {
        *already = reply->jobs->already;
        if (w->n_done < sizeof(w->done) / sizeof(w->done[0]))
            snprintf(w->done[w->n_done++], sizeof(w->done[0]), "%s", channel);
    }
    int rc = status == 0 ? 0
                         : worker_fail(w, "recording the %s delivery: %s", channel,
                                       reply && reply->error ? reply->error->message
                                                             : ex_err_message(status));
    ex_reply_free(reply);
    return rc;
}

static void acknowledge(worker_t *w, const Exemplar__Job *job, bool ok)
{
    Exemplar__JobAckRequest body = EXEMPLAR__JOB_ACK_REQUEST__INIT;
    body.id = job->id;
    body.lease = w->lease;
    body.lease_token = (ProtobufCBinaryData){w->token_len, w->token};
    body.ok = ok;
    body.error = ok ? (char *)"" : w->why;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_JOB_ACK;
    req.job_ack = &body;
    Exemplar__Reply *reply = NULL;
    int status = call(w, &req, &reply);
    if (status < 0)
        sd_journal_send("MESSAGE=%s: job %s: the acknowledgement was refused (%s)", w->opts->name,
                        job->id,
                        reply && reply->error ? reply->error->message : ex_err_message(status),
                        "PRIORITY=%d", LOG_WARNING, "JOB_ID=%s", job->id, NULL);
    ex_reply_free(reply);
}

/* Takes up to LEASE_BATCH jobs.  Returns the status; *reply holds them. */
static int lease(worker_t *w, Exemplar__Reply **reply)
{
    Exemplar__JobLeaseRequest body = EXEMPLAR__JOB_LEASE_REQUEST__INIT;
    body.worker = (char *)w->opts->name;
    body.kinds = (Exemplar__JobKind *)w->opts->kinds;
    body.n_kinds = w->opts->n_kinds;
    body.lease_ms = w->opts->lease_ms ? w->opts->lease_ms : DEFAULT_LEASE_MS;
    body.max = LEASE_BATCH;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_JOB_LEASE;
    req.job_lease = &body;
    return call(w, &req, reply);
}

static void run_job(worker_t *w, const Exemplar__Job *job, worker_job_fn fn, void *arg)
{
    w->why[0] = 0;
    w->lease = job->attempts;
    w->token_len = job->lease_token.len <= sizeof(w->token) ? job->lease_token.len : 0;
    if (w->token_len)
        memcpy(w->token, job->lease_token.data, w->token_len);
    w->job = job;
    w->n_done = 0;
    int rc = fn(w, job, arg);
    if (stop_requested && rc < 0)
        return; /* the lease runs out and the job is handed out again */
    if (rc < 0)
        sd_journal_send("MESSAGE=%s: job %s failed: %s", w->opts->name, job->id, w->why,
                        "PRIORITY=%d", LOG_WARNING, "JOB_ID=%s", job->id, NULL);
    acknowledge(w, job, rc == 0);
}

int worker_run(const worker_opts_t *opts, worker_job_fn fn, void *arg)
{
    install_signals();
    ex_client_opts_t co = {.endpoint = opts->endpoint,
                           .timeout_ms = CALL_TIMEOUT_MS,
                           .retries = -1,
                           .curve = opts->curve};
    worker_t w = {.opts = opts, .client = ex_client_new(&co)};
    if (!w.client) {
        fprintf(stderr, "%s: cannot use endpoint %s (%s)\n", opts->name,
                opts->endpoint ? opts->endpoint : ex_default_endpoint(), strerror(errno));
        return 1;
    }
    int idle = opts->idle_ms > 0 ? opts->idle_ms : DEFAULT_IDLE_MS;
    int result = 0;
    while (!stop_requested) {
        Exemplar__Reply *reply = NULL;
        int status = lease(&w, &reply);
        if (status < 0) {
            if (!stop_requested)
                fprintf(stderr, "%s: the daemon refused the lease: %s\n", opts->name,
                        reply && reply->error ? reply->error->message : ex_err_message(status));
            ex_reply_free(reply);
            result = stop_requested ? 0 : 1;
            break;
        }
        size_t n = reply->jobs->n_jobs;
        for (size_t i = 0; i < n && !stop_requested; i++)
            run_job(&w, reply->jobs->jobs[i], fn, arg);
        ex_reply_free(reply);
        if (n == 0) {
            if (opts->once)
                break;
            pause_ms(idle);
        }
    }
    ex_client_destroy(&w.client);
    return result;
}
