/* SPDX-License-Identifier: MIT */
/*
 * The request/reply half of libexemplar (see exemplar.h): the shared ZeroMQ
 * context, request ids, the DEALER connection with its lazy-pirate retry, the
 * checks every reply passes before a caller sees it, and one small builder
 * per request.  The change feed lives in sub.c.
 */
#include "exemplar.h"
#include "reqtable.h"
#include "zmq_util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <zmq.h>

#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_RETRIES    2
#define SYSTEM_SOCKET      "/run/exemplard/api.sock"
#define SYSTEM_ENDPOINT    "ipc://" SYSTEM_SOCKET
#define LOCAL_ENDPOINT     "ipc://exemplar-state/api.sock"

struct ex_client {
    char *endpoint;
    bool curve;
    ex_curve_keys_t keys;
    int timeout_ms;
    int retries;
    void *sock;         /* DEALER; NULL after a timeout until the next attempt */
    char language[8];   /* the answers' language ("vi", "en"); "": the daemon's */
    size_t max_request; /* the largest request sent (EX_MAX_REQUEST_BYTES unless raised) */
};

/* ---- the shared context ------------------------------------------------ */

static pthread_mutex_t ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static void *ctx;

void *ex_zmq_context(void)
{
    pthread_mutex_lock(&ctx_lock);
    if (!ctx)
        ctx = zmq_ctx_new();
    void *c = ctx;
    pthread_mutex_unlock(&ctx_lock);
    return c;
}

void ex_shutdown(void)
{
    pthread_mutex_lock(&ctx_lock);
    if (ctx) {
        /* Every socket has ZMQ_LINGER 0; EINTR only means "try again". */
        while (zmq_ctx_term(ctx) != 0 && errno == EINTR)
            ;
        ctx = NULL;
    }
    pthread_mutex_unlock(&ctx_lock);
}

/* ---- endpoints and request ids ----------------------------------------- */

const char *ex_default_endpoint(void)
{
    const char *env = getenv("EXEMPLAR_API");
    if (env && *env)
        return env;
    struct stat st;
    if (stat(SYSTEM_SOCKET, &st) == 0 && S_ISSOCK(st.st_mode))
        return SYSTEM_ENDPOINT;
    return LOCAL_ENDPOINT;
}

static int64_t clock_ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t random24(void)
{
    uint32_t r;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) == (ssize_t)sizeof r)
        return r & 0xffffff;
    /* No entropy yet (early boot): the clock's nanoseconds still differ
     * between processes; uniqueness within the process is kept below. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)(ts.tv_nsec ^ (ts.tv_nsec >> 24)) & 0xffffff;
}

/* 2020-01-01T00:00:00Z: ids count milliseconds from here in 40 bits, which
 * last until 2054, leaving 24 random bits against collisions between
 * processes (16 bits collided within minutes at thousands of requests/s). */
#define ID_EPOCH_MS 1577836800000LL

static _Atomic uint64_t last_request_id;

uint64_t ex_request_id_new(void)
{
    int64_t ms = clock_ms(CLOCK_REALTIME) - ID_EPOCH_MS;
    uint64_t id = (uint64_t)(ms > 0 ? ms : 0) << 24 | random24();
    uint64_t last = atomic_load(&last_request_id);
    /* Strictly increasing within the process, even within one millisecond
     * or when the wall clock steps back: never below the last id + 1. */
    for (;;) {
        uint64_t next = id > last ? id : last + 1;
        if (atomic_compare_exchange_weak(&last_request_id, &last, next))
            return next;
    }
}

/* ---- CURVE ------------------------------------------------------------- */

int ex_curve_keys_load(const char *server_key_file, const char *secret_key_file,
                       ex_curve_keys_t *keys, char *err, size_t errlen)
{
    memset(keys, 0, sizeof(*keys));
    if (ex_keyfile_read(server_key_file, false, keys->server, err, errlen) < 0 ||
        ex_keyfile_read(secret_key_file, true, keys->secret, err, errlen) < 0)
        return -EX_EINVALID;
    if (zmq_curve_public(keys->public_, keys->secret) != 0) {
        snprintf(err, errlen, "%s does not hold a CURVE secret key", secret_key_file);
        return -EX_EINVALID;
    }
    return 0;
}

int ex_curve_apply(void *s, const ex_curve_keys_t *k)
{
    if (!ex_key_is_z85(k->server) || !ex_key_is_z85(k->public_) || !ex_key_is_z85(k->secret)) {
        errno = EINVAL;
        return -1;
    }
    if (zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, k->server, EX_KEY_Z85_LEN) != 0 ||
        zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, k->public_, EX_KEY_Z85_LEN) != 0 ||
        zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, k->secret, EX_KEY_Z85_LEN) != 0)
        return -1;
    return 0;
}

/* ---- the connection ---------------------------------------------------- */

static void close_socket(ex_client_t *c)
{
    if (c->sock) {
        zmq_close(c->sock); /* ZMQ_LINGER 0: pending requests are dropped */
        c->sock = NULL;
    }
}

/* Opens the DEALER and starts connecting.  0, or -1 with errno set. */
static int open_socket(ex_client_t *c)
{
    void *zctx = ex_zmq_context();
    if (!zctx)
        return -1;
    void *s = zmq_socket(zctx, ZMQ_DEALER);
    if (!s)
        return -1;
    int zero = 0;
    int64_t max = EX_MAX_REPLY_BYTES;
    int sndtimeo = c->timeout_ms;
    if (zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof max) != 0 ||
        zmq_setsockopt(s, ZMQ_SNDTIMEO, &sndtimeo, sizeof sndtimeo) != 0 ||
        (c->curve && ex_curve_apply(s, &c->keys) != 0) || zmq_connect(s, c->endpoint) != 0) {
        int e = errno;
        zmq_close(s);
        errno = e;
        return -1;
    }
    c->sock = s;
    return 0;
}

ex_client_t *ex_client_new(const ex_client_opts_t *opts)
{
    ex_client_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    const char *ep = opts && opts->endpoint ? opts->endpoint : ex_default_endpoint();
    c->endpoint = strdup(ep);
    if (opts && opts->curve) {
        c->curve = true;
        c->keys = *opts->curve;
    }
    if (opts && opts->language && opts->language[0]) {
        if (strcmp(opts->language, "vi") != 0 && strcmp(opts->language, "en") != 0) {
            free(c->endpoint);
            free(c);
            errno = EINVAL;
            return NULL;
        }
        snprintf(c->language, sizeof c->language, "%s", opts->language);
    }
    c->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
    c->max_request = EX_MAX_REQUEST_BYTES;
    c->retries = !opts || opts->retries == 0 ? DEFAULT_RETRIES
                 : opts->retries < 0         ? 0
                                             : opts->retries;
    /* Connecting now checks the endpoint's syntax; the connection itself is
     * made in the background by ZeroMQ. */
    if (!c->endpoint || open_socket(c) != 0) {
        int e = c->endpoint ? errno : ENOMEM;
        ex_client_destroy(&c);
        errno = e;
        return NULL;
    }
    return c;
}

void ex_client_destroy(ex_client_t **p)
{
    if (!p || !*p)
        return;
    close_socket(*p);
    memset(&(*p)->keys, 0, sizeof((*p)->keys));
    free((*p)->endpoint);
    free(*p);
    *p = NULL;
}

const char *ex_client_endpoint(const ex_client_t *c)
{
    return c->endpoint;
}

const char *ex_client_missing_socket(const ex_client_t *c)
{
    if (strncmp(c->endpoint, "ipc://", 6) != 0)
        return NULL;
    const char *path = c->endpoint + 6;
    struct stat st;
    if (*path == '@' || stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR))
        return NULL;
    return path;
}

/* ---- replies ----------------------------------------------------------- */

/* Which reply body each request calls for (proto/requests.def). */
static Exemplar__Reply__BodyCase body_for(Exemplar__Request__BodyCase request)
{
    int i = ex_req_index(request);
    return i < 0 ? EXEMPLAR__REPLY__BODY__NOT_SET : EX_REQ_TYPES[i].reply;
}

/* A refusal with a real code, or the body the request calls for. */
static bool reply_fits(const Exemplar__Reply *r, Exemplar__Request__BodyCase request)
{
    if (r->error)
        return r->error->code != EXEMPLAR__ERROR_CODE__ERROR_OK;
    return r->body_case == body_for(request);
}

void ex_zmq_drain(void *sock)
{
    int more = 1;
    size_t len = sizeof more;
    while (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &len) == 0 && more) {
        zmq_msg_t part;
        zmq_msg_init(&part);
        int rc = zmq_msg_recv(&part, sock, 0);
        zmq_msg_close(&part);
        if (rc < 0)
            break;
    }
}

/* Reads one readable message.  The daemon answers a DEALER with one frame;
 * an empty delimiter before it (REQ framing) is tolerated.  0 with *out set,
 * 1 when nothing could be read after all, -EX_EMALFORMED otherwise. */
static int recv_reply(void *sock, Exemplar__Reply **out)
{
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    int rc = 1;
    if (zmq_msg_recv(&msg, sock, ZMQ_DONTWAIT) < 0)
        goto out;
    if (zmq_msg_size(&msg) == 0 && zmq_msg_more(&msg)) {
        zmq_msg_close(&msg);
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, sock, ZMQ_DONTWAIT) < 0)
            goto out;
    }
    rc = -EX_EMALFORMED;
    if (zmq_msg_more(&msg)) {
        ex_zmq_drain(sock);
        goto out;
    }
    *out = exemplar__reply__unpack(NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
    if (*out)
        rc = 0;
out:
    zmq_msg_close(&msg);
    return rc;
}

/* Waits until `deadline` (monotonic ms) for the reply carrying `id`. */
static int wait_reply(ex_client_t *c, uint64_t id, int64_t deadline, Exemplar__Reply **out)
{
    for (;;) {
        int64_t left = deadline - clock_ms(CLOCK_MONOTONIC);
        if (left <= 0)
            return -EX_EUNAVAIL;
        zmq_pollitem_t item = {.socket = c->sock, .events = ZMQ_POLLIN};
        int n = zmq_poll(&item, 1, (long)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -EX_EUNAVAIL;
        Exemplar__Reply *r = NULL;
        int rc = recv_reply(c->sock, &r);
        if (rc < 0)
            return rc;
        if (rc > 0)
            continue;
        if (r->request_id == id) {
            *out = r;
            return 0;
        }
        /* A late answer to something this socket sent before. */
        exemplar__reply__free_unpacked(r, NULL);
    }
}

/* One attempt: send the bytes, wait for the matching reply.  A timeout
 * closes the socket so that the next attempt starts on a fresh connection
 * and no late answer of this one can arrive there. */
static int attempt(ex_client_t *c, const uint8_t *buf, size_t len, uint64_t id,
                   Exemplar__Reply **out)
{
    if (!c->sock && open_socket(c) != 0)
        return -EX_EUNAVAIL;
    int64_t deadline = clock_ms(CLOCK_MONOTONIC) + c->timeout_ms;
    int rc = -EX_EUNAVAIL;
    if (zmq_send(c->sock, buf, len, 0) == (int)len)
        rc = wait_reply(c, id, deadline, out);
    if (rc == -EX_EUNAVAIL)
        close_socket(c);
    return rc;
}

int ex_client_call(ex_client_t *c, Exemplar__Request *req, Exemplar__Reply **reply)
{
    *reply = NULL;
    if (req->body_case == EXEMPLAR__REQUEST__BODY__NOT_SET)
        return -EX_EINVALID;
    req->protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    if (req->request_id == 0)
        req->request_id = ex_request_id_new();
    if ((!req->language || !req->language[0]) && c->language[0])
        req->language = c->language;
    size_t len = exemplar__request__get_packed_size(req);
    if (len > c->max_request)
        return -EX_ETOOBIG;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return -EX_EINTERNAL;
    exemplar__request__pack(req, buf);

    /* Lazy pirate: the same bytes, hence the same request id, every time.
     * No socket file at an ipc:// path means no daemon bound it: waiting
     * for every attempt's timeout (15 s by default) would only delay the
     * answer.  Later attempts do wait: a daemon restarting between them
     * removes and binds its socket again. */
    int rc = -EX_EUNAVAIL;
    bool missing = ex_client_missing_socket(c) != NULL;
    for (int i = 0; !missing && i <= c->retries && rc == -EX_EUNAVAIL; i++)
        rc = attempt(c, buf, len, req->request_id, reply);
    free(buf);
    if (rc == 0 && !reply_fits(*reply, req->body_case)) {
        ex_reply_free(*reply);
        *reply = NULL;
        rc = -EX_EMALFORMED;
    }
    return rc;
}

int ex_reply_status(int call_rc, const Exemplar__Reply *reply)
{
    if (call_rc < 0)
        return call_rc;
    if (reply && reply->error && reply->error->code != EXEMPLAR__ERROR_CODE__ERROR_OK)
        return -(int)reply->error->code;
    return 0;
}

void ex_reply_free(Exemplar__Reply *reply)
{
    if (reply)
        exemplar__reply__free_unpacked(reply, NULL);
}

/* ---- one builder per request ------------------------------------------- */

/* protobuf-c declares strings `char *` even when only read. */
static char *str(const char *s)
{
    return (char *)(s ? s : "");
}

int ex_info(ex_client_t *c, Exemplar__Reply **reply)
{
    Exemplar__InfoRequest body = EXEMPLAR__INFO_REQUEST__INIT;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_INFO;
    req.info = &body;
    return ex_client_call(c, &req, reply);
}

int ex_register(ex_client_t *c, uint64_t request_id, const char *unit, Exemplar__Kind kind,
                const char *name, const char *campaign, Exemplar__Reply **reply)
{
    Exemplar__RegisterRequest body = EXEMPLAR__REGISTER_REQUEST__INIT;
    body.unit = str(unit);
    body.kind = kind;
    body.name = str(name);
    body.campaign = str(campaign);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &body;
    return ex_client_call(c, &req, reply);
}

int ex_move(ex_client_t *c, uint64_t request_id, uint64_t id, Exemplar__State to,
            uint64_t expected_version, const char *reason, Exemplar__Reply **reply)
{
    Exemplar__MoveRequest body = EXEMPLAR__MOVE_REQUEST__INIT;
    body.id = id;
    body.to = to;
    body.expected_version = expected_version;
    body.reason = str(reason);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &body;
    return ex_client_call(c, &req, reply);
}

int ex_acclamation_set(ex_client_t *c, uint64_t request_id, uint64_t id, const char *date,
                       uint32_t present, uint32_t in_favour, Exemplar__Reply **reply)
{
    Exemplar__AcclamationSetRequest body = EXEMPLAR__ACCLAMATION_SET_REQUEST__INIT;
    body.nomination_id = id;
    body.date = str(date);
    body.present = present;
    body.in_favour = in_favour;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_ACCLAMATION_SET;
    req.acclamation_set = &body;
    return ex_client_call(c, &req, reply);
}

int ex_judgement_set(ex_client_t *c, uint64_t request_id, uint64_t id, const char *criterion,
                     bool met, const char *reason, Exemplar__Reply **reply)
{
    Exemplar__JudgementSetRequest body = EXEMPLAR__JUDGEMENT_SET_REQUEST__INIT;
    body.nomination_id = id;
    body.criterion = str(criterion);
    body.met = met;
    body.reason = str(reason);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_JUDGEMENT_SET;
    req.judgement_set = &body;
    return ex_client_call(c, &req, reply);
}

int ex_get(ex_client_t *c, uint64_t id, Exemplar__Reply **reply)
{
    Exemplar__GetRequest body = EXEMPLAR__GET_REQUEST__INIT;
    body.id = id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_GET;
    req.get = &body;
    return ex_client_call(c, &req, reply);
}

int ex_history(ex_client_t *c, uint64_t id, Exemplar__Reply **reply)
{
    Exemplar__HistoryRequest body = EXEMPLAR__HISTORY_REQUEST__INIT;
    body.id = id;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_HISTORY;
    req.history = &body;
    return ex_client_call(c, &req, reply);
}

int ex_list(ex_client_t *c, const ex_list_filter_t *filter, Exemplar__Reply **reply)
{
    Exemplar__ListRequest body = EXEMPLAR__LIST_REQUEST__INIT;
    if (filter) {
        body.state = filter->state;
        body.unit = str(filter->unit);
        body.campaign = str(filter->campaign);
        body.limit = filter->limit;
        body.page_token.data = (uint8_t *)filter->page_token;
        body.page_token.len = filter->page_token ? filter->page_token_len : 0;
        body.name_contains = str(filter->name_contains);
        body.as_of_ms = filter->as_of_ms;
        body.sort = (Exemplar__ListSort)filter->sort;
    }
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_LIST;
    req.list = &body;
    return ex_client_call(c, &req, reply);
}

int ex_changes(ex_client_t *c, uint64_t from_seq, uint32_t limit, Exemplar__Reply **reply)
{
    Exemplar__ChangesRequest body = EXEMPLAR__CHANGES_REQUEST__INIT;
    body.from_seq = from_seq;
    body.limit = limit;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_CHANGES;
    req.changes = &body;
    return ex_client_call(c, &req, reply);
}

int ex_audit(ex_client_t *c, uint64_t before_seq, uint32_t limit, Exemplar__Reply **reply)
{
    Exemplar__AuditRequest body = EXEMPLAR__AUDIT_REQUEST__INIT;
    body.before_seq = before_seq;
    body.limit = limit;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_AUDIT;
    req.audit = &body;
    return ex_client_call(c, &req, reply);
}

void ex_client_set_max_request(ex_client_t *c, size_t bytes)
{
    c->max_request = bytes < EX_MAX_REQUEST_BYTES ? EX_MAX_REQUEST_BYTES : bytes;
}
