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
#include "keyfile.h"
#include "evnames.h"
#include "names.h"
#include "record.pb-c.h"
#include "wire.pb-c.h"

typedef struct ex_client ex_client_t;
typedef struct ex_sub ex_sub_t;

/* The largest request the library sends: the daemon's default
 * max_message_bytes.  ZeroMQ silently drops a larger message and disconnects
 * the peer, so the library refuses it up front with -EX_ETOOBIG. */
#define EX_MAX_REQUEST_BYTES 65536

/* The largest reply or change the library accepts (ZMQ_MAXMSGSIZE): a full
 * page of 1000 records with room to spare.  Guards against a peer that is not
 * exemplard. */
#define EX_MAX_REPLY_BYTES (16 * 1024 * 1024)

/* The process's one ZeroMQ context, created on first use and shared by every
 * client and subscriber (thread-safe).  Applications may create their own
 * sockets in it, e.g. to zmq_poll them together.  NULL when it cannot be
 * created (errno set). */
void *ex_zmq_context(void);

/* Terminates the shared context.  Call it only after every ex_client_t and
 * ex_sub_t is destroyed (their sockets have ZMQ_LINGER 0, so it does not
 * block).  Optional: it only makes leak checkers quiet.  A later call to any
 * function of this library creates a new context. */
void ex_shutdown(void);

/* CURVE keys, Z85 text (40 characters each, NUL-terminated).  A daemon's
 * tcp:// endpoints accept only CURVE clients whose public key its keys file
 * lists (proto/PROTOCOL.md, "Security"); ipc:// endpoints take no keys. */
typedef struct {
    char server[41];  /* the daemon's public key (its server.pub) */
    char public_[41]; /* this client's public key */
    char secret[41];  /* this client's secret key */
} ex_curve_keys_t;

/* Fills keys from key files (keyfile.h): the daemon's public key file and
 * this client's secret key file (which must not be readable by others); the
 * public key is derived from the secret one.  Returns 0, or -EX_EINVALID
 * with a sentence naming the file in err. */
int ex_curve_keys_load(const char *server_key_file, const char *secret_key_file,
                       ex_curve_keys_t *keys, char *err, size_t errlen);

typedef struct {
    const char *endpoint;         /* NULL: ex_default_endpoint() */
    int timeout_ms;               /* per attempt; 0: 5000 */
    int retries;                  /* further attempts after a timeout; <0: none, 0: 2 */
    const ex_curve_keys_t *curve; /* NULL: no CURVE (ipc://); copied by ex_client_new */
    /* The language of the daemon's sentences in every answer (refusals,
     * explanations): "vi" or "en", sent as each request's language unless
     * the request sets its own; NULL or "": the daemon's [rules] language. */
    const char *language;
} ex_client_opts_t;

/* The api endpoint to use when none is given: $EXEMPLAR_API if set, else
 * ipc:///run/exemplard/api.sock if that socket exists (the system service),
 * else ipc://exemplar-state/api.sock (the daemon's default in the current
 * directory). */
const char *ex_default_endpoint(void);

/* A new request id: milliseconds since 2020-01-01 << 24 | 24 random bits
 * (getrandom), so ids are time-ordered (cheap for the daemon to store) and
 * practically unique across processes.  Within one process every id is
 * greater than the one before, even within a millisecond or when the clock
 * steps back.  Never 0.  Thread-safe. */
uint64_t ex_request_id_new(void);

/* Connects lazily (ZeroMQ: a daemon that is not running yet is not an error;
 * calls time out until it answers).  Returns NULL only when out of memory
 * (ENOMEM), when the endpoint is malformed (EINVAL, ENAMETOOLONG for an ipc
 * path too long for sun_path, EPROTONOSUPPORT for an unknown transport) or
 * when no ZeroMQ context can be made (errno from zmq_ctx_new); EINVAL also
 * for a language other than "vi" or "en". */
ex_client_t *ex_client_new(const ex_client_opts_t *opts);
void ex_client_destroy(ex_client_t **p);

/* Sends req and waits for the reply.  The library sets req->protocol, and a
 * new request id when req->request_id is 0.
 * Returns 0 with *reply set when the daemon answered, even if it refused:
 * then (*reply)->error is set and (*reply)->error->code is not 0.  When it
 * did not refuse, the reply's body is the one the request calls for (info ->
 * info; register, move, get -> nomination; history, list, changes -> the
 * same name), so callers may use it without checking body_case.
 * Otherwise *reply is NULL and the result is
 * -EX_EUNAVAIL (no answer after every attempt; at once, without waiting, when
 * the first attempt finds no socket file at an ipc:// endpoint, see
 * ex_client_missing_socket), -EX_EMALFORMED (the answer
 * was not an exemplar.Reply, or not the body this request calls for),
 * -EX_ETOOBIG (the request does not fit in EX_MAX_REQUEST_BYTES) or
 * -EX_EINVALID (req has no body).  A CURVE client whose key the daemon
 * does not know gets no answer at all (-EX_EUNAVAIL): ZeroMQ refuses it in
 * the handshake, before any request is read.  Replies that carry another request id
 * (late answers to an earlier attempt) are discarded, not returned. */
int ex_client_call(ex_client_t *c, Exemplar__Request *req, Exemplar__Reply **reply);

/* Raises the largest request c sends above EX_MAX_REQUEST_BYTES, for a
 * daemon whose [api] max_message_bytes is larger (a dossier's file travels
 * in one request: InfoReply.max_attachment_bytes says what it takes).  A
 * request larger than the daemon's limit is dropped by ZeroMQ unanswered,
 * so ask it first.  Values below EX_MAX_REQUEST_BYTES keep that. */
void ex_client_set_max_request(ex_client_t *c, size_t bytes);

/* The outcome of a call as one code: the transport error, or the daemon's
 * error code negated, or 0. */
int ex_reply_status(int call_rc, const Exemplar__Reply *reply);

/* Frees a reply from ex_client_call or a helper; NULL is fine. */
void ex_reply_free(Exemplar__Reply *reply);

/* The endpoint this client sends to (the one given, or the default). */
const char *ex_client_endpoint(const ex_client_t *c);

/* For an ipc:// endpoint whose socket file does not exist (no daemon has
 * bound it): its path; NULL otherwise (tcp://, an abstract @name, or a file
 * that exists).  ex_client_call then fails at once with -EX_EUNAVAIL instead
 * of waiting for the timeout of every attempt: a missing file is not a slow
 * daemon. */
const char *ex_client_missing_socket(const ex_client_t *c);

/* Helpers building the request for each operation.  Each returns what
 * ex_client_call returns; request_id 0 lets the library choose one (pass your
 * own to retry a request across process restarts). */
int ex_info(ex_client_t *c, Exemplar__Reply **reply);
int ex_register(ex_client_t *c, uint64_t request_id, const char *unit, Exemplar__Kind kind,
                const char *name, const char *campaign, Exemplar__Reply **reply);
int ex_move(ex_client_t *c, uint64_t request_id, uint64_t id, Exemplar__State to,
            uint64_t expected_version, const char *reason, Exemplar__Reply **reply);
int ex_get(ex_client_t *c, uint64_t id, Exemplar__Reply **reply);
/* The unit's dossier (dossier.proto): its collective's acclamation of
 * nomination id (the meeting's day YYYY-MM-DD, members present, in
 * favour), and its judgement on one qualitative criterion. */
int ex_acclamation_set(ex_client_t *c, uint64_t request_id, uint64_t id, const char *date,
                       uint32_t present, uint32_t in_favour, Exemplar__Reply **reply);
int ex_judgement_set(ex_client_t *c, uint64_t request_id, uint64_t id, const char *criterion,
                     bool met, const char *reason, Exemplar__Reply **reply);
int ex_history(ex_client_t *c, uint64_t id, Exemplar__Reply **reply);

typedef struct {
    Exemplar__State state; /* EXEMPLAR__STATE__STATE_NONE: any */
    const char *unit;      /* NULL or "": any */
    const char *campaign;  /* NULL or "": any */
    uint32_t limit;        /* 0: the daemon's default */
    const uint8_t *page_token;
    size_t page_token_len;
    const char *name_contains; /* NULL or "": any; else without diacritics, any case */
    int64_t as_of_ms;          /* 0: now; else the nominations as they were then */
    /* wire.proto's ListSort: 0 the index's order (paged), 1 Vietnamese
     * alphabetical order of the name, 2 the plan's rank (higher titles
     * first); a sorted list is one page of the first `limit` */
    int sort;
} ex_list_filter_t;

int ex_list(ex_client_t *c, const ex_list_filter_t *filter, Exemplar__Reply **reply);
int ex_changes(ex_client_t *c, uint64_t from_seq, uint32_t limit, Exemplar__Reply **reply);
/* The audit list newest first, entries with seq < before_seq (0: from the
 * newest); administrators only (else the reply's error is permission). */
int ex_audit(ex_client_t *c, uint64_t before_seq, uint32_t limit, Exemplar__Reply **reply);

/* Change feed.  Every committed change is published on the daemon's events
 * endpoint (InfoReply.events_endpoint) as two frames: the topic
 * "nomination.<unit>.<state>" (state = the state moved to) and the encoded
 * exemplar.Change.  topic_prefix selects what to receive (NULL or "" =
 * everything, "nomination.01." = unit 01).  Like every ZeroMQ subscriber it
 * receives only what is published after its subscription reached the daemon
 * and drops messages when it falls too far behind: compare Change.seq with
 * the last one seen and fill gaps with ex_changes().  Returns NULL on a
 * malformed endpoint or without memory (errno as for ex_client_new). */
ex_sub_t *ex_sub_new(const char *events_endpoint, const char *topic_prefix);
/* The same on a tcp:// feed with CURVE (keys NULL: none).  The daemon admits
 * only roles that read every unit to its feed (reader, ministry-reviewer,
 * approver, admin); a refused key gets no changes at all. */
ex_sub_t *ex_sub_new_curve(const char *events_endpoint, const char *topic_prefix,
                           const ex_curve_keys_t *keys);

/* Sets the CURVE client options of a ZeroMQ socket (before it connects).
 * Returns 0 or -1 with errno set. */
int ex_curve_apply(void *zmq_socket, const ex_curve_keys_t *keys);
void ex_sub_destroy(ex_sub_t **p);

/* Waits up to timeout_ms (-1: forever) for the next change.  Returns 0 with
 * *change set (free with exemplar__change__free_unpacked(change, NULL)),
 * -EX_EUNAVAIL on timeout, -EX_EMALFORMED for a message that does not decode
 * (it is consumed: the next call reads the following one).  A signal caught
 * by a handler ends the wait early with -EX_EUNAVAIL, as a timeout does, so
 * that a caller can look at its flags. */
int ex_sub_next(ex_sub_t *s, int timeout_ms, Exemplar__Change **change);

/* ---- events --------------------------------------------------------------
 * Agency services publish facts as exemplar.Event (proto/events.proto).  An
 * event's identity is (publisher, seq): sending it again with the same seq
 * and event_id is acknowledged and ignored, so a publisher retries freely;
 * the same seq with another event_id is refused (EX_EEVCONFLICT). */

/* The change feed also carries every stored event as
 * ["event.<type>.<subject>"][exemplar.Event]; ex_sub_next skips those and
 * ex_sub_next_event skips changes.  Subscribe with a prefix such as "event."
 * or "event.title-awarded." to receive only events.  Results as for
 * ex_sub_next; free with exemplar__event__free_unpacked(event, NULL). */
int ex_sub_next_event(ex_sub_t *s, int timeout_ms, Exemplar__Event **event);

/* Reminders and summaries announced by the workers travel as
 * ["notify.<unit>" or "notify.ministry"][exemplar.Notification]; subscribe
 * with "notify." or "notify.<unit>" and read them with this.  Results as for
 * ex_sub_next; free with exemplar__notification__free_unpacked(nt, NULL). */
int ex_sub_next_notification(ex_sub_t *s, int timeout_ms, Exemplar__Notification **nt);

/* Publishes events[0..n) (1-1000, and the encoded request within
 * EX_MAX_REQUEST_BYTES) as one PublishRequest: one transaction, answered
 * after the durable commit with reply->publish (accepted, duplicates, the
 * ingest_seq of each event or 0 for a duplicate).  request_id 0 sends none:
 * events carry their own identity.  Returns as ex_client_call; the daemon
 * refuses with EX_EINVALID (a field, named with the event's index),
 * EX_ETOOBIG, EX_EEVCONFLICT or a storage error, and then stores none of
 * the events. */
int ex_publish(ex_client_t *c, uint64_t request_id, Exemplar__Event *const *events, size_t n,
               Exemplar__Reply **reply);

/* Counters of event ingestion per publisher: reply->stats. */
int ex_stats(ex_client_t *c, Exemplar__Reply **reply);

/* Events naming `subject`, oldest first, with ingest_seq > after (0: from
 * the first); at most limit (0: 1000): reply->evidence, more = true when
 * another page follows. */
int ex_evidence(ex_client_t *c, const char *subject, uint64_t after, uint32_t limit,
                Exemplar__Reply **reply);

/* The subject of a registration (RegisterRequest.subject): like
 * ex_register, with the person's or collective's id that events name. */
int ex_register_subject(ex_client_t *c, uint64_t request_id, const char *unit, Exemplar__Kind kind,
                        const char *name, const char *campaign, const char *subject,
                        Exemplar__Reply **reply);

#endif
