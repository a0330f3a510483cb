/* SPDX-License-Identifier: MIT */
/*
 * Fault suite: 1 000 concurrent clients and a retry storm.  The
 * daemon starts with a soft open-file limit of 512, below one descriptor
 * per client (systemd gives 1024), so it must raise its own to the hard
 * limit (without that, half the clients are never answered); the test then
 * opens 1 000 DEALER sockets in one thread and zmq_polls them all.  Every request
 * is sent COPIES times with the same request id, from different sockets and
 * before any answer came back (half of them back to back, so that copies
 * meet in one batch, the other half spread out, so that they come in later
 * batches):
 *   - 1 000 registrations, then two rounds of one move per nomination;
 *   - every copy of a request gets the first answer, byte for byte;
 *   - nothing is doubled: the daemon holds exactly one nomination per
 *     registration request id, each at version 3 with a history of three,
 *     and the change log has exactly one change per distinct request.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <zmq.h>

#include "fault.h"

#define S(x) EXEMPLAR__STATE__STATE_##x

enum {
    CLIENTS = 1000,
    COPIES = 3,
    DEADLINE_MS = 90000,
    SOFT_LIMIT = 512, /* the daemon's soft open-file limit at its start */
};

static const int OTHER[COPIES] = {0, 1, 7}; /* copy k goes out on socket i + OTHER[k] */

typedef struct {
    uint64_t rid;
    uint8_t *msg; /* the encoded request, sent COPIES times */
    size_t len;
    uint8_t *first; /* the first answer */
    size_t first_len;
    int answers;
    uint64_t id, version; /* from the answer */
} req_t;

static void *ctx;
static void *socks[CLIENTS];

static void raise_limit(void)
{
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    rl.rlim_cur = rl.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_cur < 3 * CLIENTS + 100)
        fail_msg("the hard open-file limit (%llu) is below what %d clients need",
                 (unsigned long long)rl.rlim_max, CLIENTS);
}

static void open_sockets(const harness_t *h)
{
    ctx = zmq_ctx_new();
    assert_non_null(ctx);
    assert_int_equal(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, CLIENTS + 64), 0);
    int zero = 0;
    for (int i = 0; i < CLIENTS; i++) {
        socks[i] = zmq_socket(ctx, ZMQ_DEALER);
        if (!socks[i])
            fail_msg("socket %d: %s", i, zmq_strerror(errno));
        zmq_setsockopt(socks[i], ZMQ_LINGER, &zero, sizeof(zero));
        assert_int_equal(zmq_connect(socks[i], h->api), 0);
    }
}

static void close_sockets(void)
{
    for (int i = 0; i < CLIENTS; i++)
        zmq_close(socks[i]);
    zmq_ctx_term(ctx);
}

static int cmp_rid(const void *a, const void *b)
{
    uint64_t x = ((const req_t *)a)->rid, y = ((const req_t *)b)->rid;
    return x < y ? -1 : x > y;
}

static void send_copy(const req_t *q, int i, int k, const char *what)
{
    if (zmq_send(socks[(i + OTHER[k]) % CLIENTS], q->msg, q->len, 0) < 0)
        fail_msg("%s: send: %s", what, zmq_strerror(errno));
}

/* Sends every request COPIES times, copy k of request i on socket
 * i + OTHER[k], all before reading; then reads every answer and checks that
 * the copies agree byte for byte.  reqs is sorted by rid on return. */
static void storm(req_t *reqs, int n, const char *what)
{
    /* even requests: the copies back to back (they meet in one batch);
     * odd ones: the other copies after every first copy (later batches) */
    for (int i = 0; i < n; i++)
        for (int k = 0; k < (i % 2 ? 1 : COPIES); k++)
            send_copy(&reqs[i], i, k, what);
    for (int k = 1; k < COPIES; k++)
        for (int i = 1; i < n; i += 2)
            send_copy(&reqs[i], i, k, what);
    qsort(reqs, (size_t)n, sizeof(*reqs), cmp_rid);

    static zmq_pollitem_t items[CLIENTS];
    for (int i = 0; i < CLIENTS; i++)
        items[i] = (zmq_pollitem_t){.socket = socks[i], .events = ZMQ_POLLIN};
    int64_t deadline = fault_now_ms() + DEADLINE_MS;
    int got = 0;
    while (got < n * COPIES) {
        int64_t left = deadline - fault_now_ms();
        if (left <= 0)
            fail_msg("%s: %d of %d answers before the deadline", what, got, n * COPIES);
        int ready = zmq_poll(items, CLIENTS, (long)left);
        if (ready < 0 && errno == EINTR)
            continue;
        assert_true(ready >= 0);
        for (int s = 0; s < CLIENTS; s++) {
            if (!(items[s].revents & ZMQ_POLLIN))
                continue;
            zmq_msg_t m;
            int more = 1;
            while (more) { /* the last frame is the reply */
                zmq_msg_init(&m);
                assert_true(zmq_msg_recv(&m, socks[s], ZMQ_DONTWAIT) >= 0);
                more = zmq_msg_more(&m);
                if (more)
                    zmq_msg_close(&m);
            }
            Exemplar__Reply *r = exemplar__reply__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
            if (!r)
                fail_msg("%s: an answer that is not an exemplar.Reply", what);
            if (r->error)
                fail_msg("%s: request %" PRIu64 " refused: %s %s", what, r->request_id,
                         r->error->name, r->error->message);
            req_t key = {.rid = r->request_id};
            req_t *q = bsearch(&key, reqs, (size_t)n, sizeof(*reqs), cmp_rid);
            if (!q)
                fail_msg("%s: an answer to unknown request %" PRIu64, what, r->request_id);
            if (q->answers++ == 0) {
                q->first_len = zmq_msg_size(&m);
                q->first = malloc(q->first_len);
                assert_non_null(q->first);
                memcpy(q->first, zmq_msg_data(&m), q->first_len);
                q->id = r->nomination->id;
                q->version = r->nomination->version;
            } else if (zmq_msg_size(&m) != q->first_len ||
                       memcmp(zmq_msg_data(&m), q->first, q->first_len) != 0) {
                fail_msg("%s: copy %d of request %" PRIu64 " got another answer", what, q->answers,
                         q->rid);
            }
            if (q->answers > COPIES)
                fail_msg("%s: request %" PRIu64 " answered %d times", what, q->rid, q->answers);
            exemplar__reply__free_unpacked(r, NULL);
            zmq_msg_close(&m);
            got++;
        }
    }
}

static void encode(req_t *q, Exemplar__Request *req)
{
    q->rid = ex_request_id_new();
    req->protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req->request_id = q->rid;
    q->msg = harness_pack(req, &q->len);
    assert_non_null(q->msg);
}

static void free_reqs(req_t *reqs, int n)
{
    for (int i = 0; i < n; i++) {
        free(reqs[i].msg);
        free(reqs[i].first);
    }
    memset(reqs, 0, (size_t)n * sizeof(*reqs));
}

static void thousand_clients_retry_storm_doubles_nothing(void **state)
{
    /* the daemon starts with a soft limit below the number of clients */
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    struct rlimit low = {rl.rlim_max < SOFT_LIMIT ? rl.rlim_max : SOFT_LIMIT, rl.rlim_max};
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    harness_t *h = itest_new_harness(state);
    int started = harness_start(h, NULL);
    raise_limit();
    assert_int_equal(started, 0);
    open_sockets(h);

    static req_t reqs[CLIENTS];
    static uint64_t ids[CLIENTS];
    char names[CLIENTS][48];
    for (int i = 0; i < CLIENTS; i++) {
        Exemplar__RegisterRequest body = EXEMPLAR__REGISTER_REQUEST__INIT;
        snprintf(names[i], sizeof(names[i]), "Khách %d", i);
        body.unit = (char *)"01";
        body.kind = EXEMPLAR__KIND__KIND_INDIVIDUAL;
        body.name = names[i];
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
        req.register_ = &body;
        encode(&reqs[i], &req);
    }
    int64_t t0 = fault_now_ms();
    storm(reqs, CLIENTS, "register");
    for (int i = 0; i < CLIENTS; i++) {
        assert_true(reqs[i].version == 1);
        ids[i] = reqs[i].id;
    }
    free_reqs(reqs, CLIENTS);

    static const Exemplar__State TO[] = {S(FOSTERING), S(UNIT_REVIEWED)};
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < CLIENTS; i++) {
            Exemplar__MoveRequest body = EXEMPLAR__MOVE_REQUEST__INIT;
            body.id = ids[i];
            body.to = TO[round];
            body.expected_version = (uint64_t)round + 1;
            Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
            req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
            req.move = &body;
            encode(&reqs[i], &req);
        }
        storm(reqs, CLIENTS, round ? "second move" : "first move");
        for (int i = 0; i < CLIENTS; i++)
            if (reqs[i].version != (uint64_t)round + 2)
                fail_msg("move round %d: nomination %" PRIu64 " answered version %" PRIu64, round,
                         reqs[i].id, reqs[i].version);
        free_reqs(reqs, CLIENTS);
    }
    print_message("clients: %d sockets, %d requests sent %d times each, answered in %" PRId64
                  " ms\n",
                  CLIENTS, 3 * CLIENTS, COPIES, fault_now_ms() - t0);
    close_sockets();

    /* nothing doubled */
    ex_client_t *c = harness_client(h, 20000);
    assert_non_null(c);
    Exemplar__Reply *r = NULL;
    int rc = ex_info(c, &r);
    itest_require_ok(rc, r, "info");
    assert_true(r->info->nominations == CLIENTS);
    assert_true(r->info->last_seq == 3 * CLIENTS);
    ex_reply_free(r);
    for (int i = 0; i < CLIENTS; i++) {
        nom_t n = itest_get(c, ids[i]);
        assert_true(n.version == 3 && n.state == S(UNIT_REVIEWED));
        if (i % 10 == 0) {
            r = itest_history(c, ids[i]);
            assert_true(r->history->n_changes == 3);
            ex_reply_free(r);
        }
    }
    fault_require_fsck(h, "after the storm");
    ex_client_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(thousand_clients_retry_storm_doubles_nothing, harness_teardown),
    };
    return cmocka_run_group_tests_name("fault_clients", tests, NULL, NULL);
}
