/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's local accounts: `user add|passwd|disable|enable|list`, the
 * people who sign in to exemplar-web with a password.  The password is
 * hashed here with libsodium's crypto_pwhash_str (Argon2id, INTERACTIVE
 * limits) and only the hash is sent: the daemon never sees a password and
 * never spends its single writer thread on Argon2id.  Without a password on
 * stdin, a one-time password is made, printed once and marked to be changed
 * at the first sign-in.
 */
#include "cmd_users.h"
#include "output.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define ONE_TIME_LEN 14 /* characters: about 80 bits from the alphabet below */
#define PASSWORD_MIN 10
#define PASSWORD_MAX 256

/* No 0/O, 1/l/I: a one-time password is read off a screen and typed. */
static const char ALPHABET[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static void one_time_password(char *out, size_t len)
{
    for (size_t i = 0; i + 1 < len && i < ONE_TIME_LEN; i++) {
        out[i] = ALPHABET[randombytes_uniform(sizeof(ALPHABET) - 1)];
        out[i + 1] = '\0';
    }
}

/* The first line of stdin as the password (after "-"). */
static int read_password(ctl_t *ctl, char *out, size_t len)
{
    if (!fgets(out, (int)len, stdin))
        return ctl_usage(ctl, _("'-' reads the new password from the first line of stdin; it "
                                "was empty"));
    out[strcspn(out, "\r\n")] = '\0';
    size_t n = strlen(out);
    if (n < PASSWORD_MIN || n > PASSWORD_MAX)
        return ctl_usage(ctl, _("a password has %d-%d characters"), PASSWORD_MIN, PASSWORD_MAX);
    return 0;
}

static int hash_password(ctl_t *ctl, const char *password, char hash[crypto_pwhash_STRBYTES])
{
    if (sodium_init() < 0 ||
        crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return ctl_fail(ctl, EX_EINTERNAL,
                        _("cannot hash the password (Argon2id needs 64 MiB of memory)"));
    return 0;
}

static json_object *json_user(const Exemplar__LocalUser *u)
{
    json_object *o = json_object_new_object();
    const char *role = ex_role_name(u->role);
    json_object_object_add(o, "name", json_object_new_string(u->name));
    json_object_object_add(o, "role", role ? json_object_new_string(role) : NULL);
    json_object_object_add(o, "unit", u->unit[0] ? json_object_new_string(u->unit) : NULL);
    json_object_object_add(o, "disabled", json_object_new_boolean(u->disabled));
    json_object_object_add(o, "must_change", json_object_new_boolean(u->must_change));
    json_object_object_add(o, "created_ms", json_object_new_int64(u->created_ms));
    json_object_object_add(o, "updated_ms", json_object_new_int64(u->updated_ms));
    json_object_object_add(o, "updated_by", json_object_new_string(u->updated_by));
    return o;
}

/* Prints the account after a change, with the one-time password if any. */
static void print_changed(ctl_t *ctl, const Exemplar__Reply *r, const char *what,
                          const char *one_time)
{
    const Exemplar__LocalUser *u = r->users->n_users ? r->users->users[0] : NULL;
    if (!u)
        return;
    if (ctl->json) {
        json_object *o = json_user(u);
        if (one_time)
            json_object_object_add(o, "one_time_password", json_object_new_string(one_time));
        ctl_json_print(o);
        return;
    }
    printf("%s %s (%s%s%s)\n", what, u->name, ctl_role(u->role), u->unit[0] ? _(", unit ") : "",
           u->unit);
    if (one_time)
        printf(_("one-time password: %s\n(shown once; it must be changed at the first sign-in)\n"),
               one_time);
}

static int user_add(ctl_t *ctl, const ctl_args_t *a)
{
    if (a->argc < 3 || a->argc > 4)
        return ctl_usage(ctl, _("user add NAME ROLE [UNIT]"));
    Exemplar__Role role = ex_role_parse(a->argv[2]);
    if (role == EXEMPLAR__ROLE__ROLE_NONE)
        return ctl_usage(ctl,
                         _("ROLE is one of unit-officer, ministry-reviewer, approver, reader, "
                           "admin, not \"%s\""),
                         a->argv[2]);
    char password[PASSWORD_MAX + 2], hash[crypto_pwhash_STRBYTES];
    one_time_password(password, sizeof password);
    int status = hash_password(ctl, password, hash);
    if (status)
        return status;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__UserAddRequest body = EXEMPLAR__USER_ADD_REQUEST__INIT;
    body.name = a->argv[1];
    body.role = role;
    body.unit = a->argc == 4 && strcmp(a->argv[3], "-") != 0 ? a->argv[3] : (char *)"";
    body.password_hash = hash;
    body.must_change = true;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_ADD;
    req.user_add = &body;
    Exemplar__Reply *r = NULL;
    if ((status = ctl_call(ctl, &req, &r)) == 0)
        print_changed(ctl, r, _("added"), password);
    ex_reply_free(r);
    sodium_memzero(password, sizeof password);
    return status;
}

static int user_passwd(ctl_t *ctl, const ctl_args_t *a)
{
    if (a->argc < 2 || a->argc > 3 || (a->argc == 3 && strcmp(a->argv[2], "-") != 0))
        return ctl_usage(ctl, _("user passwd NAME [-]"));
    bool from_stdin = a->argc == 3;
    char password[PASSWORD_MAX + 2], hash[crypto_pwhash_STRBYTES];
    int status = from_stdin ? read_password(ctl, password, sizeof password) : 0;
    if (status)
        return status;
    if (!from_stdin)
        one_time_password(password, sizeof password);
    if ((status = hash_password(ctl, password, hash)))
        goto out;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__UserPasswdRequest body = EXEMPLAR__USER_PASSWD_REQUEST__INIT;
    body.name = a->argv[1];
    body.password_hash = hash;
    body.must_change = !from_stdin;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_PASSWD;
    req.user_passwd = &body;
    Exemplar__Reply *r = NULL;
    if ((status = ctl_call(ctl, &req, &r)) == 0)
        print_changed(ctl, r, _("new password for"), from_stdin ? NULL : password);
    ex_reply_free(r);
out:
    sodium_memzero(password, sizeof password);
    return status;
}

static int user_disable(ctl_t *ctl, const ctl_args_t *a, bool enable)
{
    if (a->argc != 2)
        return ctl_usage(ctl, _("user %s NAME"), enable ? "enable" : "disable");
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__UserDisableRequest body = EXEMPLAR__USER_DISABLE_REQUEST__INIT;
    body.name = a->argv[1];
    body.enable = enable;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_DISABLE;
    req.user_disable = &body;
    Exemplar__Reply *r = NULL;
    int status = ctl_call(ctl, &req, &r);
    if (status == 0)
        print_changed(ctl, r, enable ? _("enabled") : _("disabled"), NULL);
    ex_reply_free(r);
    return status;
}

static int user_list(ctl_t *ctl, const ctl_args_t *a)
{
    if (a->argc != 1)
        return ctl_usage(ctl, _("user list takes no argument"));
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__UserListRequest body = EXEMPLAR__USER_LIST_REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_LIST;
    req.user_list = &body;
    Exemplar__Reply *r = NULL;
    int status = ctl_call(ctl, &req, &r);
    if (status)
        return status;
    if (ctl->json) {
        json_object *arr = json_object_new_array();
        for (size_t i = 0; i < r->users->n_users; i++)
            json_object_array_add(arr, json_user(r->users->users[i]));
        ctl_json_print(arr);
    } else {
        static const char *const header[] = {N_("NAME"),   N_("ROLE"),    N_("UNIT"),
                                             N_("STATUS"), N_("UPDATED"), N_("BY")};
        ctl_table_t t;
        ctl_table_init(&t, 6, header, NULL);
        for (size_t i = 0; i < r->users->n_users; i++) {
            const Exemplar__LocalUser *u = r->users->users[i];
            char at[32];
            const char *cells[] = {u->name,
                                   ctl_role(u->role),
                                   u->unit[0] ? u->unit : "-",
                                   u->disabled      ? _("disabled")
                                   : u->must_change ? _("one-time password")
                                                    : _("active"),
                                   ctl_time(u->updated_ms, at, sizeof at),
                                   u->updated_by[0] ? u->updated_by : "-"};
            ctl_table_add(&t, cells);
        }
        ctl_table_print(&t, stdout);
        ctl_table_deinit(&t);
    }
    ex_reply_free(r);
    return 0;
}

int cmd_user(ctl_t *ctl, const ctl_args_t *a)
{
    const char *sub = a->argv[0];
    if (strcmp(sub, "add") == 0)
        return user_add(ctl, a);
    if (strcmp(sub, "passwd") == 0)
        return user_passwd(ctl, a);
    if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0)
        return user_disable(ctl, a, strcmp(sub, "enable") == 0);
    if (strcmp(sub, "list") == 0)
        return user_list(ctl, a);
    return ctl_usage(ctl, _("user takes add, passwd, disable, enable or list, not \"%s\""), sub);
}
