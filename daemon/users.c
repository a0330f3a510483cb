/* SPDX-License-Identifier: MIT */
/*
 * Local accounts and who a gateway acts for (see users.h): the `users`
 * database's records and the resolution of Request.on_behalf_of into the
 * actor every later check (roles, unit scope, dedup, history, audit) sees.
 */
#include "users.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "errors.h"
#include "i18n.h"
#include "names.h"
#include "records.h"

bool users_valid_name(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-");
    return n >= 1 && n <= AUTH_NAME_MAX && s[n] == '\0';
}

bool users_person_role(role_t r)
{
    return r == ROLE_UNIT_OFFICER || r == ROLE_MINISTRY_REVIEWER || r == ROLE_APPROVER ||
           r == ROLE_READER || r == ROLE_ADMIN;
}

int users_check_hash(const char *hash, char *why, size_t why_len)
{
    /* crypto_pwhash_str_needs_rehash parses the string and compares its
     * parameters with the ones given: -1 means it is no Argon2id hash
     * libsodium can read.  Stronger or weaker parameters than INTERACTIVE
     * are accepted; the client chose them with the password. */
    if (strlen(hash) >= crypto_pwhash_STRBYTES || strncmp(hash, "$argon2id$", 10) != 0 ||
        crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE) < 0) {
        snprintf(why, why_len,
                 _("password_hash is not an Argon2id hash (libsodium's crypto_pwhash_str "
                   "output, \"$argon2id$v=19$m=...\", under %d bytes): hash the password on "
                   "the client, as 'exemplarctl user add' does"),
                 (int)crypto_pwhash_STRBYTES);
        return -EX_EINVALID;
    }
    return 0;
}

int users_get(store_txn_t *t, const char *name, Exemplar__LocalUser **out)
{
    store_val_t v;
    *out = NULL;
    int rc = store_get(t, DB_USERS, name, strlen(name), &v);
    if (rc < 0)
        return rc;
    *out = exemplar__local_user__unpack(NULL, v.len, v.data);
    return *out ? 0 : -EX_ESTORAGE;
}

void users_put(store_txn_t *t, const Exemplar__LocalUser *u)
{
    records_put_message(t, DB_USERS, u->name, strlen(u->name), &u->base);
}

int users_resolve(store_txn_t *t, const actor_t *sender, const char *on_behalf_of, actor_t *out,
                  char *why, size_t why_len)
{
    if (!on_behalf_of || !on_behalf_of[0]) {
        *out = *sender;
        return 0;
    }
    if (sender->role != ROLE_GATEWAY) {
        snprintf(why, why_len,
                 _("on_behalf_of is for gateways only: %s (%s) may act only as itself; send "
                   "the request without on_behalf_of"),
                 sender->name,
                 l10n_pgettext("name", ex_role_name((Exemplar__Role)sender->role) ?: "none"));
        return -EX_EPERM;
    }
    if (!users_valid_name(on_behalf_of)) {
        snprintf(why, why_len,
                 _("gateway %s: on_behalf_of \"%.70s\" is not a principal name (1-%d "
                   "letters, digits, '.', '_', '@', '-')"),
                 sender->name, on_behalf_of, AUTH_NAME_MAX);
        return -EX_EPERM;
    }
    actor_t who;
    if (auth_find_principal(on_behalf_of, &who) < 0) {
        Exemplar__LocalUser *u = NULL;
        int rc = users_get(t, on_behalf_of, &u);
        if (rc == -EX_ENOTFOUND) {
            snprintf(why, why_len,
                     _("gateway %s acts for %s, who is neither in the keys file nor a local "
                       "account of this daemon"),
                     sender->name, on_behalf_of);
            return -EX_EPERM;
        }
        if (rc < 0)
            return rc;
        bool disabled = u->disabled;
        memset(&who, 0, sizeof(who));
        snprintf(who.name, sizeof(who.name), "%s", u->name);
        who.role = (role_t)u->role;
        snprintf(who.unit, sizeof(who.unit), "%s", u->unit);
        exemplar__local_user__free_unpacked(u, NULL);
        if (disabled) {
            snprintf(why, why_len,
                     _("gateway %s acts for %s, whose local account is disabled ('exemplarctl "
                       "user enable %s' lets it in again)"),
                     sender->name, on_behalf_of, on_behalf_of);
            return -EX_EPERM;
        }
    }
    if (!users_person_role(who.role)) {
        snprintf(why, why_len,
                 _("gateway %s acts for %s, a %s: a gateway acts only for people "
                   "(unit-officer, ministry-reviewer, approver, reader, admin), never for a "
                   "service"),
                 sender->name, who.name,
                 l10n_pgettext("name", ex_role_name((Exemplar__Role)who.role) ?: "none"));
        return -EX_EPERM;
    }
    snprintf(who.via, sizeof(who.via), "%s", sender->name);
    *out = who;
    return 0;
}
