/* SPDX-License-Identifier: MIT */
/*
 * Who is asking.  Every tcp:// endpoint of the daemon speaks CURVE;
 * the ZAP handler here (a REP socket on inproc://zeromq.zap.01, served by the
 * loop like any other source) admits only client keys listed in the keys
 * file and names the principal in the ZAP reply's user id, which ZeroMQ then
 * attaches to every message of that connection ("User-Id").  ipc:// endpoints
 * have no keys: whoever can enter the runtime directory is an administrator.
 *
 * The keys file ([auth] keys_file, by default $CONFIGURATION_DIRECTORY/keys)
 * has one principal per line, four fields separated by blanks:
 *
 *     # NAME          ROLE               UNIT  PUBLIC KEY (Z85, from NAME.pub)
 *     lan.hanoi       unit-officer       01    rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7
 *     minh.bo         ministry-reviewer  -     Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID
 *
 * NAME is 1-63 characters of letters, digits, '.', '_', '@' and '-', unique
 * in the file; ROLE one of unit-officer, ministry-reviewer, approver,
 * publisher, reader, admin, worker, gateway (users.h); UNIT the unit code
 * of a unit-officer and "-" for every other role.  Lines starting with '#' and empty lines are
 * ignored. The file is read at start and again on SIGHUP (auth_reload); a file with an error is
 * refused as a whole and the previous table stays in force.
 *
 * The principal's role and unit are looked up by name (and checked against
 * the key the connection was made with) when each request arrives, not when
 * the connection is made: a reload that removes, changes or re-keys a
 * principal takes effect on open api connections at their next request.
 * The change feed cannot refuse per message: a reload that takes it from
 * someone makes every subscriber authenticate again (auth_reload).
 *
 * The keys file must be owned by root or the daemon's user and writable by
 * its owner only, and so must its directory unless it is sticky (OpenSSH's
 * StrictModes): otherwise start and reload refuse it, naming the fix.
 *
 * Functions return 0 or -1 (with a sentence in err) unless said otherwise.
 */
#ifndef EXEMPLAR_AUTH_H
#define EXEMPLAR_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#include "config.h"
#include "nom.h"

#define AUTH_NAME_MAX 63
/* The principal of every ipc:// caller (an administrator); no key may take
 * this name. */
#define AUTH_LOCAL_NAME "local"

typedef struct {
    char name[AUTH_NAME_MAX + 1];
    role_t role;
    char unit[17];
    uint8_t key[32]; /* the CURVE public key */
} auth_principal_t;

typedef struct {
    auth_principal_t *v;
    size_t n;
} auth_keys_t;

/* Parses the text of a keys file (pure; path is used in messages only). */
int auth_keys_parse(const char *text, size_t len, const char *path, auth_keys_t *out, char *err,
                    size_t errlen);
int auth_keys_load(const char *path, auth_keys_t *out, char *err, size_t errlen);
void auth_keys_free(auth_keys_t *k);

/* Binds the ZAP handler in ctx, reads the daemon's secret key and the keys
 * file when any tcp:// endpoint is configured, and binds the CURVE api
 * socket on [auth] endpoint if set.  Call before any socket binds. */
int auth_init(void *ctx, const config_t *cfg, char *err, size_t errlen);

/* Closes what auth_init opened; call before zmq_ctx_term. */
void auth_fini(void);

/* Reads the keys file again (SIGHUP).  On an error the table in force is
 * kept and the error logged.  Returns -1 then, 1 when the new table takes
 * the change feed from a principal that had it (removed, demoted to a role
 * without the feed, or given another key): the caller must then make every
 * subscriber authenticate again (outbox_reauthenticate), since ZAP is asked
 * at the handshake only; else 0. */
int auth_reload(void);

/* How many CURVE handshakes on the change feed ZAP has judged (admitted or
 * refused) since start: outbox_reauthenticate waits for the subscribers it
 * cut to come back before it publishes again. */
unsigned long long auth_feed_handshakes(void);

/* The CURVE api socket (a ROUTER), or NULL when [auth] endpoint is empty. */
void *auth_api_socket(void);

/* Before zmq_bind: makes sock a CURVE server with ZAP domain `domain` when
 * endpoint is tcp://, and watches its handshakes; does nothing for other
 * transports.  Fails when no server key is configured. */
int auth_secure_socket(void *sock, const char *endpoint, const char *domain, char *err,
                       size_t errlen);

/* The actor of a message received on the CURVE socket (from its User-Id). */
void auth_actor_of(zmq_msg_t *msg, actor_t *out);

/* The keys file's principal called name as an actor (role and unit), for a
 * gateway acting on its behalf (users.h).  0, or -1 when there is none. */
int auth_find_principal(const char *name, actor_t *out);

/* The actor of a message received on an ipc:// endpoint: an administrator. */
void auth_local_actor(actor_t *out);

/* May a reads nominations at all (unit scope is checked per record)?
 * 0, or -EX_EPERM with a sentence naming the missing role in why. */
/* The roles that read every kind of record (unit officers within their
 * unit); publishers and principals without a role do not. */
#define AUTH_READERS                                                                               \
    (ROLE_BIT(ROLE_UNIT_OFFICER) | ROLE_BIT(ROLE_MINISTRY_REVIEWER) | ROLE_BIT(ROLE_APPROVER) |    \
     ROLE_BIT(ROLE_READER))

/* 0 when a holds one of roles (ROLE_BIT()s) or is admin; else -EX_EPERM with
 * a sentence naming the roles op needs and the one a has. */
int auth_check_role(const actor_t *a, const char *op, unsigned roles, char *why, size_t why_len);

int auth_check_read(const actor_t *a, const char *op, char *why, size_t why_len);

/* Is a an administrator?  0, or -EX_EPERM with a sentence in why. */
int auth_check_admin(const actor_t *a, const char *op, char *why, size_t why_len);

/* Watches a local (ipc://) api socket's connections, as auth_secure_socket
 * does for the CURVE one, so that a connection ZeroMQ closed for an
 * oversized message is logged (peerlog.h).  Returns 0 or -1 with err. */
int auth_watch_api_socket(void *sock, const char *endpoint, char *err, size_t errlen);

/* Registers this module's sources (the ZAP socket and the handshake
 * monitors) with the loop: add(registry, socket, handler, arg) for each now
 * and for every monitor added later; the loop runs handler(arg) when the
 * socket is readable, after it read the requests.  add NULL: forget the
 * registry (the loop is going).  Returns 0, or -1 when add failed. */
typedef int auth_add_source_fn(void *registry, void *socket, void (*handler)(void *arg), void *arg);
int auth_register_sources(auth_add_source_fn *add, void *registry);

#endif
