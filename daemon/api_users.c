/* SPDX-License-Identifier: MIT */
/*
 * The local accounts' requests (api_users.h): validation, the `users`
 * database through users.c, and answers that never carry a password hash
 * except to a gateway's user_login.
 */
#include "api_users.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "errors.h"
#include "log.h"
#include "names.h"
#include "store.h"
#include "text.h"
#include "users.h"

#define USERS_LIST_MAX 10000 /* accounts answered by one user_list */

/* Answers with the given accounts; hashes are cleared unless keep_hash. */
static int reply_users(call_t *x, Exemplar__LocalUser *const *v, size_t n, bool keep_hash)
{
    Exemplar__UsersReply body = EXEMPLAR__USERS_REPLY__INIT;
    /* Shallow copies, so that the hash is left out without touching the
     * caller's records. */
    Exemplar__LocalUser *copies = n ? calloc(n, sizeof(*copies)) : NULL;
    Exemplar__LocalUser **ptrs = n ? calloc(n, sizeof(*ptrs)) : NULL;
    if (n && (!copies || !ptrs)) {
        free(copies);
        free(ptrs);
        return -EX_EINTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        copies[i] = *v[i];
        if (!keep_hash)
            copies[i].password_hash = (char *)"";
        ptrs[i] = &copies[i];
    }
    body.users = ptrs;
    body.n_users = n;
    x->reply.body_case = EXEMPLAR__REPLY__BODY_USERS;
    x->reply.users = &body;
    int rc = api_pack(x);
    x->reply.users = NULL;
    x->reply.body_case = EXEMPLAR__REPLY__BODY__NOT_SET;
    free(copies);
    free(ptrs);
    return rc;
}

/* Answers with one account (the stored record, after the change). */
static int reply_one(call_t *x, const Exemplar__LocalUser *u, bool keep_hash)
{
    Exemplar__LocalUser *v[1] = {(Exemplar__LocalUser *)u};
    return reply_users(x, v, 1, keep_hash);
}

/* The stored account called name, or a refusal naming it. */
static int get_existing(call_t *x, const char *name, Exemplar__LocalUser **u)
{
    if (!users_valid_name(name))
        return api_refuse(
            x, -EX_EINVALID,
            _("name must be 1-%d letters, digits, '.', '_', '@' or '-', not \"%.70s\""),
            AUTH_NAME_MAX, name);
    int rc = users_get(x->txn, name, u);
    if (rc == -EX_ENOTFOUND)
        return api_refuse(
            x, rc, _("there is no local account named %s ('exemplarctl user list' shows them)"),
            name);
    return rc;
}

int api_users_add(call_t *x)
{
    const Exemplar__UserAddRequest *r = x->req->user_add;
    actor_t other;
    if (!users_valid_name(r->name))
        return api_refuse(
            x, -EX_EINVALID,
            _("name must be 1-%d letters, digits, '.', '_', '@' or '-', not \"%.70s\""),
            AUTH_NAME_MAX, r->name);
    if (strcmp(r->name, AUTH_LOCAL_NAME) == 0 || auth_find_principal(r->name, &other) == 0)
        return api_refuse(
            x, -EX_EINVALID,
            _("the name %s is taken by %s: a local account needs a name of its own"), r->name,
            strcmp(r->name, AUTH_LOCAL_NAME) == 0 ? _("the ipc:// administrator")
                                                  : _("a principal of the keys file"));
    if (!users_person_role((role_t)r->role))
        return api_refuse(x, -EX_EINVALID,
                          _("a local account is a person: its role is unit-officer, "
                            "ministry-reviewer, approver, reader or admin, not %s"),
                          l10n_pgettext("name", ex_role_name(r->role) ?: "none"));
    if (r->role == EXEMPLAR__ROLE__ROLE_UNIT_OFFICER) {
        if (!text_is_code(r->unit, 16, false))
            return api_refuse(x, -EX_EINVALID,
                              _("a unit-officer needs a unit code (1-16 of A-Z 0-9 . _ -), not "
                                "\"%.40s\""),
                              r->unit);
    } else if (r->unit[0]) {
        return api_refuse(x, -EX_EINVALID, _("only unit-officers have a unit; a %s has none"),
                          l10n_pgettext("name", ex_role_name(r->role)));
    }
    int rc = users_check_hash(r->password_hash, x->why, sizeof(x->why));
    if (rc < 0)
        return rc;
    Exemplar__LocalUser *old = NULL;
    rc = users_get(x->txn, r->name, &old);
    if (rc == 0) {
        exemplar__local_user__free_unpacked(old, NULL);
        return api_refuse(x, -EX_EINVALID,
                          _("a local account named %s exists already: 'exemplarctl user passwd "
                            "%s' gives it a new password"),
                          r->name, r->name);
    }
    if (rc != -EX_ENOTFOUND)
        return rc;
    Exemplar__LocalUser u = EXEMPLAR__LOCAL_USER__INIT;
    u.name = r->name;
    u.role = r->role;
    u.unit = r->unit;
    u.password_hash = r->password_hash;
    u.created_ms = u.updated_ms = x->now_ms;
    u.updated_by = (char *)x->actor->name;
    u.must_change = r->must_change;
    users_put(x->txn, &u);
    if (x->txn->rc < 0)
        return x->txn->rc;
    log_notice("users, %s added local account %s (%s%s%s)", x->actor->name, u.name,
               ex_role_name(u.role), u.unit[0] ? ", unit " : "", u.unit);
    return reply_one(x, &u, false);
}

int api_users_passwd(call_t *x)
{
    const Exemplar__UserPasswdRequest *r = x->req->user_passwd;
    bool admin = x->actor->role == ROLE_ADMIN;
    if (!admin && strcmp(x->actor->name, r->name) != 0)
        return api_refuse(x, -EX_EPERM,
                          _("user-passwd: %s may change only their own password; an administrator "
                            "changes %s's"),
                          x->actor->name, r->name);
    if (!admin && r->must_change)
        return api_refuse(x, -EX_EPERM,
                          _("user-passwd: only an administrator sets a one-time password"));
    Exemplar__LocalUser *u = NULL;
    int rc = get_existing(x, r->name, &u);
    if (rc < 0)
        return rc;
    if ((rc = users_check_hash(r->password_hash, x->why, sizeof(x->why))) < 0)
        goto out;
    char *keep_hash = u->password_hash, *keep_by = u->updated_by;
    u->password_hash = r->password_hash;
    u->must_change = r->must_change;
    u->updated_ms = x->now_ms;
    u->updated_by = (char *)x->actor->name;
    users_put(x->txn, u);
    rc = x->txn->rc;
    if (rc == 0) {
        log_notice("users, %s%s%s set the password of %s", x->actor->name,
                   x->actor->via[0] ? " via " : "", x->actor->via, u->name);
        rc = reply_one(x, u, false);
    }
    u->password_hash = keep_hash;
    u->updated_by = keep_by;
out:
    exemplar__local_user__free_unpacked(u, NULL);
    return rc;
}

int api_users_disable(call_t *x)
{
    const Exemplar__UserDisableRequest *r = x->req->user_disable;
    Exemplar__LocalUser *u = NULL;
    int rc = get_existing(x, r->name, &u);
    if (rc < 0)
        return rc;
    char *keep_by = u->updated_by;
    u->disabled = !r->enable;
    u->updated_ms = x->now_ms;
    u->updated_by = (char *)x->actor->name;
    users_put(x->txn, u);
    rc = x->txn->rc;
    if (rc == 0) {
        log_notice("users, %s %s local account %s", x->actor->name,
                   r->enable ? "enabled" : "disabled", u->name);
        rc = reply_one(x, u, false);
    }
    u->updated_by = keep_by;
    exemplar__local_user__free_unpacked(u, NULL);
    return rc;
}

int api_users_list(call_t *x)
{
    store_iter_t it;
    store_val_t k, v;
    Exemplar__LocalUser **users = NULL;
    size_t n = 0, cap = 0;
    int rc = store_iter_open(x->txn, DB_USERS, &it);
    if (rc < 0)
        return rc;
    for (rc = store_iter_seek(&it, NULL, 0, &k, &v); rc == 0 && n < USERS_LIST_MAX;
         rc = store_iter_next(&it, &k, &v)) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            Exemplar__LocalUser **nv = realloc(users, ncap * sizeof(*nv));
            if (!nv) {
                rc = -EX_EINTERNAL;
                break;
            }
            users = nv;
            cap = ncap;
        }
        if (!(users[n] = exemplar__local_user__unpack(NULL, v.len, v.data))) {
            rc = -EX_ESTORAGE;
            break;
        }
        n++;
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND || rc == 0)
        rc = reply_users(x, users, n, false);
    for (size_t i = 0; i < n; i++)
        exemplar__local_user__free_unpacked(users[i], NULL);
    free(users);
    return rc;
}

int api_users_login(call_t *x)
{
    Exemplar__LocalUser *u = NULL;
    int rc = get_existing(x, x->req->user_login->name, &u);
    if (rc < 0)
        return rc;
    rc = reply_one(x, u, true);
    exemplar__local_user__free_unpacked(u, NULL);
    return rc;
}
