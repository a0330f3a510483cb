/* SPDX-License-Identifier: MIT */
/*
 * Local accounts and the gateway role (people in browsers).  exemplar-web
 * connects with its own CURVE key as a principal of role `gateway` and names,
 * in every request's on_behalf_of, the person it acts for: a principal of
 * the keys file or a local account stored here (database `users`, key =
 * name, value = exemplar.LocalUser from proto/auth.proto).  The daemon then
 * checks that person's role and unit, never the gateway's, and records both
 * names (Actor.via) in the history and the audit list.
 *
 * Passwords: the daemon never sees one and never runs Argon2id.  Clients
 * hash with crypto_pwhash_str (exemplarctl user add/passwd) and send the
 * hash; exemplar-web fetches it with user_login (gateway only) and verifies
 * with crypto_pwhash_str_verify in its own process.  A verification costs
 * 50-100 ms and 64 MiB at libsodium's INTERACTIVE limits: inside the loop's
 * group commit it would hold every other request for that long and let a
 * guesser stall the daemon.  The daemon only checks that a hash is a
 * well-formed Argon2id string (a parse, microseconds).
 *
 * Functions return 0 or a negative EX_E* code (errors.h), with a sentence in
 * why where they take one.
 */
#ifndef EXEMPLAR_USERS_H
#define EXEMPLAR_USERS_H

#include <stdbool.h>
#include <stddef.h>

#include "auth.pb-c.h"
#include "nom.h"
#include "store.h"

/* Is name 1-63 of letters, digits, '.', '_', '@', '-' (as the keys file)? */
bool users_valid_name(const char *name);

/* May a local account (or a person a gateway acts for) hold role r?  The
 * roles of people: unit-officer, ministry-reviewer, approver, reader,
 * admin.  Services (publisher, worker, gateway) have keys, not passwords. */
bool users_person_role(role_t r);

/* 0 when hash is an Argon2id string libsodium can verify, else -EX_EINVALID
 * with a sentence naming the fix. */
int users_check_hash(const char *hash, char *why, size_t why_len);

/* The account called name: 0 with *out (free with
 * exemplar__local_user__free_unpacked), -EX_ENOTFOUND or -EX_ESTORAGE. */
int users_get(store_txn_t *t, const char *name, Exemplar__LocalUser **out);

/* Writes u under its name (sticky on t). */
void users_put(store_txn_t *t, const Exemplar__LocalUser *u);

/* The actor a request is checked as.  With on_behalf_of empty, *out is the
 * sender.  Otherwise the sender must be a gateway and on_behalf_of an
 * existing person (a keys-file principal of a person's role, or an enabled
 * local account); *out is that person with out->via = the gateway's name.
 * Returns 0, or -EX_EPERM with a sentence in why (a non-gateway sender, an
 * unknown, disabled or service principal), or -EX_ESTORAGE. */
int users_resolve(store_txn_t *t, const actor_t *sender, const char *on_behalf_of, actor_t *out,
                  char *why, size_t why_len);

#endif
