/* SPDX-License-Identifier: MIT */
/*
 * The unit tests' temporary store: a directory made with mkdtemp, a real
 * LMDB environment in it (store.h), the daemon's default configuration with
 * its state directory there, and, when a test asks for them, the rules
 * (the built-in campaigns and rule book, rules.h) and an outbox on an ipc://
 * endpoint in the directory.  fixture_close() undoes all of it.
 *
 * The request handlers (api_*.c) are called as units through
 * fixture_call(): one handler, one call context (api_call.h) on the
 * fixture's store, in a write transaction committed as api.c's batch
 * commits it, with the reply decoded again for the test to read.
 *
 * The functions assert with cmocka: a fixture that cannot be made fails
 * the test that asked for it.
 */
#ifndef EXEMPLAR_TEST_FIXTURE_H
#define EXEMPLAR_TEST_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "api_call.h"
#include "config.h"
#include "outbox.h"
#include "records.h"
#include "rules.h"
#include "store.h"

typedef struct {
    char dir[64]; /* /tmp/ex-PROGRAM-XXXXXX */
    store_t *store;
    config_t cfg;   /* config_defaults(), state_dir = dir */
    rules_t *rules; /* NULL until fixture_rules() */
    void *zmq;      /* NULL until fixture_outbox() */
    outbox_t *outbox;
    records_counters_t counters; /* the committed counters, kept by fixture_call() */
    int64_t now_ms;              /* the time fixture_call() gives a handler */
} fixture_t;

/* Makes the directory and opens the store in it with a map of map_size
 * bytes that may grow to map_max (fixture_open: 1 MiB growing to 1 GiB). */
void fixture_open_sized(fixture_t *f, uint64_t map_size, uint64_t map_max);
void fixture_open(fixture_t *f);
/* Sets a configuration key (config.h) before fixture_rules() reads it. */
void fixture_set(fixture_t *f, const char *section, const char *key, const char *value);
/* Loads the rules from f->cfg, replacing the ones loaded before. */
void fixture_rules(fixture_t *f);
/* Loads them judging requests on day (YYYY-MM-DD, [rules] today). */
void fixture_today(fixture_t *f, const char *day);
/* A ZeroMQ context and an outbox bound on ipc://DIR/feed. */
void fixture_outbox(fixture_t *f);
/* Closes what was opened and removes the directory. */
void fixture_close(fixture_t *f);

/* cmocka setup and teardown of a test that needs only a fixture_t:
 * fixture_setup opens a store, fixture_setup_rules loads the rules too
 * ([rules] enforce as by default), fixture_setup_registration judges them
 * on FIXTURE_REGISTRATION_DAY, in the built-in campaign's 2021-2023
 * registration window (deadline 2021-09-15), with now_ms that day's
 * midnight UTC; *state is the fixture_t.  fixture_teardown also ends a
 * test's own struct whose first member is its fixture_t. */
#define FIXTURE_REGISTRATION_DAY "2021-08-01"
#define FIXTURE_REGISTRATION_MS  1627776000000LL
int fixture_setup(void **state);
int fixture_setup_rules(void **state);
int fixture_setup_registration(void **state);
int fixture_teardown(void **state);

/* An actor as the transport would authenticate it (unit "" for none). */
actor_t fixture_actor(role_t role, const char *name, const char *unit);

/* What one handler call gave. */
typedef struct {
    int rc;                   /* the handler's: 0, or its refusal's -EX_E* code */
    Exemplar__Reply *reply;   /* rc 0: the packed reply, decoded again */
    char why[2048];           /* rc < 0: the refusal's sentence ("" for the default) */
    uint64_t current_version; /* rc < 0: what the refusal reports */
    Exemplar__State current_state;
    bool wrote; /* the handler set call_t.wrote */
} fixture_reply_t;

typedef int fixture_handler_fn(call_t *x);

/* Runs handler h for request req (its body set; protocol and request_id
 * are filled in) sent by actor, as api.c does: the request is packed and
 * decoded again, so that h sees what a decoded request holds, and runs in
 * a write transaction of the fixture's store at f->now_ms, which is then
 * committed whether h answered or refused (a refusal must have written
 * nothing of its own), with the nomination counters applied.  Returns
 * out->rc; free out with fixture_reply_free. */
int fixture_call(fixture_t *f, fixture_handler_fn *h, const actor_t *actor, Exemplar__Request *req,
                 fixture_reply_t *out);
void fixture_reply_free(fixture_reply_t *r);

/* Fails the test (naming what was asked) unless the call that returned rc
 * and filled r gave code: 0, or a refusal with that -EX_E* code, a
 * sentence and no reply.  Codes, never sentences: those are translated. */
void fixture_expect(int rc, const fixture_reply_t *r, int code, const char *what);

/* A nomination registered by the officer of unit through api_noms.c's
 * handler, as fixture_call() runs it; its id.  subject NULL: one made up. */
uint64_t fixture_register(fixture_t *f, const char *unit, Exemplar__Kind kind, const char *name,
                          const char *subject);

#endif
