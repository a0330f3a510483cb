/* SPDX-License-Identifier: MIT */
/*
 * libexemplar: the C client of exemplard's protocol (proto/wire.proto,
 * proto/PROTOCOL.md).  exemplarctl, the workers, the tests and the benchmarks
 * use it; other languages speak the same protocol from the .proto files.
 *
 * Conventions (as in the daemon): functions that can fail return 0 or a
 * negative ex_err_t from errors.h.  Replies are the generated protobuf-c
 * types; free them with ex_reply_free().
 *
 * Requests and retries.  Every call sends one exemplar.Request on a DEALER
 * socket and waits for its reply.  If none comes within the timeout, the
 * socket is closed and the same bytes (same request id) are sent again on a
 * fresh connection, up to `retries` times: the daemon answers a repeated
 * request id with its first answer, so a retry never applies a change twice.
 */
#ifndef EXEMPLAR_CLIENT_H
#define EXEMPLAR_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "names.h"
#include "record.pb-c.h"
#include "wire.pb-c.h"

typedef struct ex_client ex_client_t;
typedef struct ex_sub ex_sub_t;

typedef struct {
    const char *endpoint; /* NULL: ex_default_endpoint() */
    int timeout_ms;       /* per attempt; 0: 5000 */
    int retries;          /* further attempts after a timeout; <0: none, 0: 2 */
} ex_client_opts_t;

/* The api endpoint to use when none is given: $EXEMPLAR_API if set, else
 * ipc:///run/exemplard/api.sock if that socket exists (the system service),
 * else ipc://exemplar-state/api.sock (the daemon's default in the current
 * directory). */
const char *ex_default_endpoint(void);

/* A new request id: milliseconds since the epoch << 16 | 16 random bits, so
 * ids are time-ordered (cheap for the daemon to store) and practically
 * unique.  Never 0. */
uint64_t ex_request_id_new(void);

/* Connects lazily (ZeroMQ); returns NULL only when out of memory or when the
 * endpoint is malformed (errno says which). */
ex_client_t *ex_client_new(const ex_client_opts_t *opts);
void ex_client_destroy(ex_client_t **p);

/* Sends req and waits for the reply.  The library sets req->protocol, and a
 * new request id when req->request_id is 0.
 * Returns 0 with *reply set when the daemon answered, even if it refused:
 * then (*reply)->error is set.  Otherwise *reply is NULL and the result is
 * -EX_EUNAVAIL (no answer after every attempt), -EX_EMALFORMED (the answer
 * was not an exemplar.Reply) or -EX_ETOOBIG (the request could not be
 * encoded within the protocol's size limit). */
int ex_client_call(ex_client_t *c, Exemplar__Request *req, Exemplar__Reply **reply);

/* The outcome of a call as one code: the transport error, or the daemon's
 * error code negated, or 0. */
int ex_reply_status(int call_rc, const Exemplar__Reply *reply);

void ex_reply_free(Exemplar__Reply *reply);

/* Helpers building the request for each operation.  Each returns what
 * ex_client_call returns; request_id 0 lets the library choose one (pass your
 * own to retry a request across process restarts). */
int ex_info(ex_client_t *c, Exemplar__Reply **reply);
int ex_register(ex_client_t *c, uint64_t request_id, const char *unit, Exemplar__Kind kind,
                const char *name, const char *campaign, Exemplar__Reply **reply);
int ex_move(ex_client_t *c, uint64_t request_id, uint64_t id, Exemplar__State to,
            uint64_t expected_version, const char *reason, Exemplar__Reply **reply);
int ex_get(ex_client_t *c, uint64_t id, Exemplar__Reply **reply);
int ex_history(ex_client_t *c, uint64_t id, Exemplar__Reply **reply);

typedef struct {
    Exemplar__State state; /* EXEMPLAR__STATE__STATE_NONE: any */
    const char *unit;      /* NULL or "": any */
    const char *campaign;  /* NULL or "": any */
    uint32_t limit;        /* 0: the daemon's default */
    const uint8_t *page_token;
    size_t page_token_len;
} ex_list_filter_t;

int ex_list(ex_client_t *c, const ex_list_filter_t *filter, Exemplar__Reply **reply);
int ex_changes(ex_client_t *c, uint64_t from_seq, uint32_t limit, Exemplar__Reply **reply);

/* Change feed.  Every committed change is published on the daemon's events
 * endpoint (InfoReply.events_endpoint) as two frames: the topic
 * "nomination.<unit>.<state>" (state = the state moved to) and the encoded
 * exemplar.Change.  topic_prefix selects what to receive ("" = everything,
 * "nomination.01." = unit 01).  Returns NULL on a malformed endpoint. */
ex_sub_t *ex_sub_new(const char *events_endpoint, const char *topic_prefix);
void ex_sub_destroy(ex_sub_t **p);

/* Waits up to timeout_ms (-1: forever) for the next change.  Returns 0 with
 * *change set (free with exemplar__change__free_unpacked(change, NULL)),
 * -EX_EUNAVAIL on timeout, -EX_EMALFORMED for a message that does not decode
 * (it is skipped). */
int ex_sub_next(ex_sub_t *s, int timeout_ms, Exemplar__Change **change);

#endif
