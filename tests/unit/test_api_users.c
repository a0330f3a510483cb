/* SPDX-License-Identifier: MIT */
/*
 * The local accounts' handlers (daemon/api_users.c) as units, on a real
 * store (fixture.h): refusals by code with nothing written, the stored
 * account after add, passwd and disable, answers that never carry the
 * password hash except user_login's (for the gateway that verifies it),
 * and a person who changes only their own password.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "api_users.h"
#include "auth.h"
#include "errors.h"
#include "fixture.h"
#include "users.h"

#define T0 1790000000000LL

static actor_t ADMIN, GATEWAY;
/* Two Argon2id hashes, made once (the cheapest parameters: a client
 * chooses them, and the daemon accepts any). */
static char HASH1[crypto_pwhash_STRBYTES], HASH2[crypto_pwhash_STRBYTES];

static int group_setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    if (crypto_pwhash_str(HASH1, "mật khẩu một", strlen("mật khẩu một"), crypto_pwhash_OPSLIMIT_MIN,
                          crypto_pwhash_MEMLIMIT_MIN) < 0 ||
        crypto_pwhash_str(HASH2, "mật khẩu hai", strlen("mật khẩu hai"), crypto_pwhash_OPSLIMIT_MIN,
                          crypto_pwhash_MEMLIMIT_MIN) < 0)
        return -1;
    ADMIN = fixture_actor(ROLE_ADMIN, "admin", NULL);
    GATEWAY = fixture_actor(ROLE_GATEWAY, "web", NULL);
    return 0;
}

static int setup(void **state)
{
    fixture_setup(state);
    ((fixture_t *)*state)->now_ms = T0;
    return 0;
}

/* ---- requests ------------------------------------------------------------ */

static int add(fixture_t *f, const char *name, Exemplar__Role role, const char *unit,
               const char *hash, fixture_reply_t *out)
{
    Exemplar__UserAddRequest b = EXEMPLAR__USER_ADD_REQUEST__INIT;
    b.name = (char *)name;
    b.role = role;
    b.unit = (char *)unit;
    b.password_hash = (char *)hash;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_ADD;
    req.user_add = &b;
    return fixture_call(f, api_users_add, &ADMIN, &req, out);
}

static void added(fixture_t *f, const char *name, Exemplar__Role role, const char *unit)
{
    fixture_reply_t r;
    fixture_expect(add(f, name, role, unit, HASH1, &r), &r, 0, name);
    fixture_reply_free(&r);
}

static int passwd(fixture_t *f, const actor_t *a, const char *name, const char *hash,
                  bool must_change, fixture_reply_t *out)
{
    Exemplar__UserPasswdRequest b = EXEMPLAR__USER_PASSWD_REQUEST__INIT;
    b.name = (char *)name;
    b.password_hash = (char *)hash;
    b.must_change = must_change;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_PASSWD;
    req.user_passwd = &b;
    return fixture_call(f, api_users_passwd, a, &req, out);
}

static int disable(fixture_t *f, const char *name, bool enable, fixture_reply_t *out)
{
    Exemplar__UserDisableRequest b = EXEMPLAR__USER_DISABLE_REQUEST__INIT;
    b.name = (char *)name;
    b.enable = enable;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_DISABLE;
    req.user_disable = &b;
    return fixture_call(f, api_users_disable, &ADMIN, &req, out);
}

static int login(fixture_t *f, const char *name, fixture_reply_t *out)
{
    Exemplar__UserLoginRequest b = EXEMPLAR__USER_LOGIN_REQUEST__INIT;
    b.name = (char *)name;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_LOGIN;
    req.user_login = &b;
    return fixture_call(f, api_users_login, &GATEWAY, &req, out);
}

/* ---- the store ----------------------------------------------------------- */

static uint64_t accounts(fixture_t *f)
{
    store_txn_t t;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    uint64_t n = store_count(&t, DB_USERS);
    store_txn_abort(&t);
    return n;
}

/* The stored account (free with exemplar__local_user__free_unpacked). */
static Exemplar__LocalUser *stored(fixture_t *f, const char *name)
{
    store_txn_t t;
    Exemplar__LocalUser *u = NULL;
    assert_int_equal(store_txn_begin(f->store, false, &t), 0);
    assert_int_equal(users_get(&t, name, &u), 0);
    store_txn_abort(&t);
    return u;
}

/* ---- add ----------------------------------------------------------------- */

static void add_refusals_carry_their_codes_and_write_nothing(void **state)
{
    fixture_t *f = *state;
    const struct {
        const char *what, *name;
        Exemplar__Role role;
        const char *unit, *hash;
    } cases[] = {
        {"a name with a space", "an nguyen", EXEMPLAR__ROLE__ROLE_READER, "", HASH1},
        {"an empty name", "", EXEMPLAR__ROLE__ROLE_READER, "", HASH1},
        {"the ipc:// administrator's name", AUTH_LOCAL_NAME, EXEMPLAR__ROLE__ROLE_ADMIN, "", HASH1},
        {"a program's role", "feed", EXEMPLAR__ROLE__ROLE_PUBLISHER, "", HASH1},
        {"a gateway's role", "web2", EXEMPLAR__ROLE__ROLE_GATEWAY, "", HASH1},
        {"a unit officer without a unit", "an", EXEMPLAR__ROLE__ROLE_UNIT_OFFICER, "", HASH1},
        {"a unit officer with no unit code", "an", EXEMPLAR__ROLE__ROLE_UNIT_OFFICER, "0 1", HASH1},
        {"a reader with a unit", "an", EXEMPLAR__ROLE__ROLE_READER, "01", HASH1},
        {"a password instead of a hash", "an", EXEMPLAR__ROLE__ROLE_READER, "", "mật khẩu"},
        {"a hash of another kind", "an", EXEMPLAR__ROLE__ROLE_READER, "",
         "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture_reply_t r;
        fixture_expect(add(f, cases[i].name, cases[i].role, cases[i].unit, cases[i].hash, &r), &r,
                       -EX_EINVALID, cases[i].what);
        assert_int_equal(accounts(f), 0);
    }
}

static void add_stores_the_hash_and_answers_without_it(void **state)
{
    fixture_t *f = *state;
    fixture_reply_t r;
    fixture_expect(add(f, "an.nguyen@stnmt", EXEMPLAR__ROLE__ROLE_UNIT_OFFICER, "01", HASH1, &r),
                   &r, 0, "add");
    assert_int_equal(r.reply->body_case, EXEMPLAR__REPLY__BODY_USERS);
    assert_int_equal(r.reply->users->n_users, 1);
    const Exemplar__LocalUser *u = r.reply->users->users[0];
    assert_string_equal(u->name, "an.nguyen@stnmt");
    assert_int_equal(u->role, EXEMPLAR__ROLE__ROLE_UNIT_OFFICER);
    assert_string_equal(u->unit, "01");
    assert_string_equal(u->password_hash, "");
    assert_string_equal(u->updated_by, "admin");
    assert_int_equal(u->created_ms, T0);
    fixture_reply_free(&r);
    Exemplar__LocalUser *s = stored(f, "an.nguyen@stnmt");
    assert_string_equal(s->password_hash, HASH1);
    assert_false(s->disabled);
    exemplar__local_user__free_unpacked(s, NULL);

    /* the name is taken now: the account stays as it was */
    fixture_expect(add(f, "an.nguyen@stnmt", EXEMPLAR__ROLE__ROLE_ADMIN, "", HASH2, &r), &r,
                   -EX_EINVALID, "add the same name again");
    s = stored(f, "an.nguyen@stnmt");
    assert_string_equal(s->password_hash, HASH1);
    assert_int_equal(s->role, EXEMPLAR__ROLE__ROLE_UNIT_OFFICER);
    exemplar__local_user__free_unpacked(s, NULL);
    assert_int_equal(accounts(f), 1);
}

/* ---- passwd -------------------------------------------------------------- */

static void a_person_changes_only_their_own_password(void **state)
{
    fixture_t *f = *state;
    added(f, "an", EXEMPLAR__ROLE__ROLE_UNIT_OFFICER, "01");
    added(f, "binh", EXEMPLAR__ROLE__ROLE_READER, "");
    actor_t an = fixture_actor(ROLE_UNIT_OFFICER, "an", "01");
    snprintf(an.via, sizeof(an.via), "web");
    fixture_reply_t r;
    fixture_expect(passwd(f, &an, "binh", HASH2, false, &r), &r, -EX_EPERM, "another's password");
    fixture_expect(passwd(f, &an, "an", HASH2, true, &r), &r, -EX_EPERM,
                   "a one-time password of one's own");
    fixture_expect(passwd(f, &an, "an", "secret", false, &r), &r, -EX_EINVALID, "no hash");
    fixture_expect(passwd(f, &ADMIN, "chi", HASH2, false, &r), &r, -EX_ENOTFOUND,
                   "no such account");
    Exemplar__LocalUser *s = stored(f, "binh");
    assert_string_equal(s->password_hash, HASH1);
    exemplar__local_user__free_unpacked(s, NULL);
    s = stored(f, "an");
    assert_string_equal(s->password_hash, HASH1);
    exemplar__local_user__free_unpacked(s, NULL);

    f->now_ms = T0 + 1000;
    fixture_expect(passwd(f, &an, "an", HASH2, false, &r), &r, 0, "one's own password");
    assert_string_equal(r.reply->users->users[0]->password_hash, "");
    fixture_reply_free(&r);
    s = stored(f, "an");
    assert_string_equal(s->password_hash, HASH2);
    assert_string_equal(s->updated_by, "an");
    assert_int_equal(s->updated_ms, T0 + 1000);
    assert_int_equal(s->created_ms, T0);
    exemplar__local_user__free_unpacked(s, NULL);

    /* an administrator sets a one-time password */
    fixture_expect(passwd(f, &ADMIN, "binh", HASH2, true, &r), &r, 0, "a one-time password");
    fixture_reply_free(&r);
    s = stored(f, "binh");
    assert_true(s->must_change);
    assert_string_equal(s->password_hash, HASH2);
    exemplar__local_user__free_unpacked(s, NULL);
}

/* ---- disable, list, login ------------------------------------------------ */

static void disable_and_enable_are_stored(void **state)
{
    fixture_t *f = *state;
    added(f, "an", EXEMPLAR__ROLE__ROLE_READER, "");
    fixture_reply_t r;
    fixture_expect(disable(f, "chi", false, &r), &r, -EX_ENOTFOUND, "no such account");
    fixture_expect(disable(f, "c h i", false, &r), &r, -EX_EINVALID, "no account name");
    fixture_expect(disable(f, "an", false, &r), &r, 0, "disable");
    assert_true(r.reply->users->users[0]->disabled);
    fixture_reply_free(&r);
    Exemplar__LocalUser *s = stored(f, "an");
    assert_true(s->disabled);
    assert_string_equal(s->password_hash, HASH1); /* kept for when it is enabled */
    exemplar__local_user__free_unpacked(s, NULL);
    fixture_expect(disable(f, "an", true, &r), &r, 0, "enable");
    fixture_reply_free(&r);
    s = stored(f, "an");
    assert_false(s->disabled);
    exemplar__local_user__free_unpacked(s, NULL);
}

static void only_login_answers_with_the_hash(void **state)
{
    fixture_t *f = *state;
    added(f, "binh", EXEMPLAR__ROLE__ROLE_READER, "");
    added(f, "an", EXEMPLAR__ROLE__ROLE_APPROVER, "");
    fixture_reply_t r;
    Exemplar__UserListRequest b = EXEMPLAR__USER_LIST_REQUEST__INIT;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_LIST;
    req.user_list = &b;
    fixture_expect(fixture_call(f, api_users_list, &ADMIN, &req, &r), &r, 0, "list");
    assert_int_equal(r.reply->users->n_users, 2);
    assert_string_equal(r.reply->users->users[0]->name, "an"); /* by name */
    assert_string_equal(r.reply->users->users[1]->name, "binh");
    for (size_t i = 0; i < 2; i++)
        assert_string_equal(r.reply->users->users[i]->password_hash, "");
    fixture_reply_free(&r);

    fixture_expect(login(f, "an", &r), &r, 0, "login");
    assert_int_equal(r.reply->users->n_users, 1);
    assert_string_equal(r.reply->users->users[0]->password_hash, HASH1);
    assert_int_equal(r.reply->users->users[0]->role, EXEMPLAR__ROLE__ROLE_APPROVER);
    fixture_reply_free(&r);
    fixture_expect(login(f, "chi", &r), &r, -EX_ENOTFOUND, "login of no account");
    fixture_expect(login(f, "", &r), &r, -EX_EINVALID, "login without a name");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(add_refusals_carry_their_codes_and_write_nothing, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(add_stores_the_hash_and_answers_without_it, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(a_person_changes_only_their_own_password, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(disable_and_enable_are_stored, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(only_login_answers_with_the_hash, setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
