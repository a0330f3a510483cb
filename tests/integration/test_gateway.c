/* SPDX-License-Identifier: MIT */
/*
 * The gateway role and local accounts, against the real daemon over CURVE
 * on tcp://127.0.0.1: a gateway key ("web", as exemplar-web uses) acts only
 * on behalf of a named person, whose role and unit are checked and who is
 * recorded beside the gateway in the history and the audit list; its own
 * role grants nothing but user_login; a principal of another role naming
 * someone in on_behalf_of is refused.  Local accounts: added, listed (never
 * with their hash), given a new password by an administrator or by the
 * person through the gateway, disabled and enabled, kept across a restart,
 * and verified by the gateway itself with the hash user_login returns.
 * exemplarctl's `user` command end to end.  The administrator works over
 * ipc://.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "itest.h"

enum { TIMEOUT_MS = 10000 };

enum { GATEWAY, UO01, REVIEWER, WORKER, NKEYS };

typedef struct {
    const char *name, *role, *unit;
    ex_curve_keys_t keys;
    ex_client_t *client;
} principal_t;

typedef struct {
    harness_t h;
    char dir[64];
    char conf[96], keys_path[96], endpoint[64], events[64], server_public[41];
    principal_t p[NKEYS];
    ex_client_t *local;
} fixture_t;

static const principal_t KEYS[NKEYS] = {
    [GATEWAY] = {"web", "gateway", "-"},
    [UO01] = {"lan.hanoi", "unit-officer", "01"},
    [REVIEWER] = {"minh.bo", "ministry-reviewer", "-"},
    [WORKER] = {"remind", "worker", "-"},
};

static const char PASSWORD[] = "mật khẩu đủ dài 2026";

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static int write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    if (!f || fchmod(fileno(f), mode) < 0 || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof(*fx));
    char server_secret[41], path[128], text[2048];
    if (!fx || sodium_init() < 0)
        goto fail;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/exg.XXXXXX");
    if (!mkdtemp(fx->dir) || zmq_curve_keypair(fx->server_public, server_secret) != 0)
        goto fail;
    snprintf(fx->conf, sizeof(fx->conf), "%s/exemplard.conf", fx->dir);
    snprintf(fx->keys_path, sizeof(fx->keys_path), "%s/keys", fx->dir);
    snprintf(path, sizeof(path), "%s/server.key", fx->dir);
    snprintf(text, sizeof(text), "%s\n", server_secret);
    if (write_file(path, text, 0600) < 0)
        goto fail;
    size_t used = 0;
    for (int i = 0; i < NKEYS; i++) {
        fx->p[i] = KEYS[i];
        if (zmq_curve_keypair(fx->p[i].keys.public_, fx->p[i].keys.secret) != 0)
            goto fail;
        memcpy(fx->p[i].keys.server, fx->server_public, 41);
        used += (size_t)snprintf(text + used, sizeof(text) - used, "%s %s %s %s\n", fx->p[i].name,
                                 fx->p[i].role, fx->p[i].unit, fx->p[i].keys.public_);
    }
    if (write_file(fx->keys_path, text, 0640) < 0)
        goto fail;
    int port = free_port();
    if (port < 0)
        goto fail;
    snprintf(fx->endpoint, sizeof(fx->endpoint), "tcp://127.0.0.1:%d", port);
    int events_port = free_port();
    if (events_port < 0 || events_port == port)
        goto fail;
    snprintf(fx->events, sizeof(fx->events), "tcp://127.0.0.1:%d", events_port);
    snprintf(text, sizeof(text),
             "[rules]\nenforce = no\n[api]\nevents_endpoint = %s\n"
             "[auth]\nendpoint = %s\nsecret_key_file = %s/server.key\nkeys_file = %s\n",
             fx->events, fx->endpoint, fx->dir, fx->keys_path);
    if (write_file(fx->conf, text, 0640) < 0)
        goto fail;
    const char *extra[] = {"-c", fx->conf, NULL};
    if (harness_start(&fx->h, extra) < 0)
        goto fail;
    fx->local = harness_client(&fx->h, TIMEOUT_MS);
    for (int i = 0; i < NKEYS; i++) {
        ex_client_opts_t o = {.endpoint = fx->endpoint,
                              .timeout_ms = TIMEOUT_MS,
                              .retries = -1,
                              .curve = &fx->p[i].keys,
                              .language = "en"};
        fx->p[i].client = ex_client_new(&o);
    }
    *state = fx;
    return 0;
fail:
    free(fx);
    return -1;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    for (int i = 0; i < NKEYS; i++)
        ex_client_destroy(&fx->p[i].client);
    ex_client_destroy(&fx->local);
    int rc = fx->h.pid ? harness_stop(&fx->h) : 0;
    harness_cleanup(&fx->h, rc < 0);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
    if (!getenv("EXEMPLAR_TEST_KEEP") && system(cmd) != 0)
        rc = -1;
    free(fx);
    return rc;
}

/* ---- requests ------------------------------------------------------------ */

static int call(ex_client_t *c, const char *on_behalf_of, Exemplar__Request *req,
                Exemplar__Reply **r)
{
    req->on_behalf_of = (char *)(on_behalf_of ? on_behalf_of : "");
    *r = NULL;
    return ex_client_call(c, req, r);
}

static int user_add(ex_client_t *c, const char *as, const char *name, Exemplar__Role role,
                    const char *unit, const char *hash, Exemplar__Reply **r)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__UserAddRequest b = EXEMPLAR__USER_ADD_REQUEST__INIT;
    b.name = (char *)name;
    b.role = role;
    b.unit = (char *)unit;
    b.password_hash = (char *)hash;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_ADD;
    req.user_add = &b;
    return call(c, as, &req, r);
}

static int user_passwd(ex_client_t *c, const char *as, const char *name, const char *hash,
                       Exemplar__Reply **r)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__UserPasswdRequest b = EXEMPLAR__USER_PASSWD_REQUEST__INIT;
    b.name = (char *)name;
    b.password_hash = (char *)hash;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_PASSWD;
    req.user_passwd = &b;
    return call(c, as, &req, r);
}

static int user_disable(ex_client_t *c, const char *name, bool enable, Exemplar__Reply **r)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__UserDisableRequest b = EXEMPLAR__USER_DISABLE_REQUEST__INIT;
    b.name = (char *)name;
    b.enable = enable;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_DISABLE;
    req.user_disable = &b;
    return call(c, NULL, &req, r);
}

static int user_list(ex_client_t *c, const char *as, Exemplar__Reply **r)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__UserListRequest b = EXEMPLAR__USER_LIST_REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_LIST;
    req.user_list = &b;
    return call(c, as, &req, r);
}

static int user_login(ex_client_t *c, const char *as, const char *name, Exemplar__Reply **r)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__UserLoginRequest b = EXEMPLAR__USER_LOGIN_REQUEST__INIT;
    b.name = (char *)name;
    req.body_case = EXEMPLAR__REQUEST__BODY_USER_LOGIN;
    req.user_login = &b;
    return call(c, as, &req, r);
}

static int reg(ex_client_t *c, const char *as, const char *unit, Exemplar__Reply **r)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__RegisterRequest b = EXEMPLAR__REGISTER_REQUEST__INIT;
    b.unit = (char *)unit;
    b.kind = EXEMPLAR__KIND__KIND_COLLECTIVE;
    b.name = (char *)"Tổ Kế hoạch";
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &b;
    return call(c, as, &req, r);
}

static int list(ex_client_t *c, const char *as, Exemplar__Reply **r)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__ListRequest b = EXEMPLAR__LIST_REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_LIST;
    req.list = &b;
    return call(c, as, &req, r);
}

static void hash(const char *password, char out[crypto_pwhash_STRBYTES])
{
    assert_int_equal(crypto_pwhash_str(out, password, strlen(password),
                                       crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE),
                     0);
}

static void add_ok(fixture_t *fx, const char *name, Exemplar__Role role, const char *unit)
{
    char h[crypto_pwhash_STRBYTES];
    hash(PASSWORD, h);
    Exemplar__Reply *r;
    int rc = user_add(fx->local, NULL, name, role, unit, h, &r);
    itest_require_ok(rc, r, "user_add by the administrator");
    assert_int_equal(r->users->n_users, 1);
    assert_string_equal(r->users->users[0]->name, name);
    assert_string_equal(r->users->users[0]->password_hash, "");
    ex_reply_free(r);
}

/* The newest audit entry (read by the administrator). */
static Exemplar__Reply *newest_audit(fixture_t *fx)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_audit(fx->local, 0, 1, &r);
    itest_require_ok(rc, r, "audit");
    assert_int_equal(r->audit->n_entries, 1);
    return r;
}

/* ---- tests --------------------------------------------------------------- */

/* The gateway registers for a local unit officer in their unit: the history
 * names the officer and the gateway; another unit is refused and audited
 * with both names. */
static void gateway_acts_as_the_person_in_their_unit(void **state)
{
    fixture_t *fx = *state;
    add_ok(fx, "an.hanoi", EXEMPLAR__ROLE__ROLE_UNIT_OFFICER, "01");
    ex_client_t *web = fx->p[GATEWAY].client;
    Exemplar__Reply *r;
    int rc = reg(web, "an.hanoi", "01", &r);
    itest_require_ok(rc, r, "register for an.hanoi in unit 01");
    uint64_t id = r->nomination->id;
    ex_reply_free(r);
    Exemplar__Reply *h = itest_history(fx->local, id);
    assert_int_equal(h->history->n_changes, 1);
    const Exemplar__Actor *a = h->history->changes[0]->actor;
    assert_string_equal(a->name, "an.hanoi");
    assert_string_equal(a->via, "web");
    assert_int_equal(a->role, EXEMPLAR__ROLE__ROLE_UNIT_OFFICER);
    assert_string_equal(a->unit, "01");
    ex_reply_free(h);

    rc = reg(web, "an.hanoi", "02", &r);
    itest_require_error(rc, r, EX_EPERM, "register for an.hanoi in unit 02");
    ex_reply_free(r);
    Exemplar__Reply *au = newest_audit(fx);
    const Exemplar__AuditEntry *e = au->audit->entries[0];
    assert_string_equal(e->actor->name, "an.hanoi");
    assert_string_equal(e->actor->via, "web");
    assert_string_equal(e->unit, "02");
    ex_reply_free(au);
}

/* The gateway's own role grants only user_login: without on_behalf_of it
 * may not read or register, and user_login is not for the person. */
static void gateway_alone_may_only_fetch_a_login(void **state)
{
    fixture_t *fx = *state;
    add_ok(fx, "binh.bo", EXEMPLAR__ROLE__ROLE_MINISTRY_REVIEWER, "");
    ex_client_t *web = fx->p[GATEWAY].client;
    Exemplar__Reply *r;
    int rc = list(web, NULL, &r);
    itest_require_error(rc, r, EX_EPERM, "list by the gateway as itself");
    assert_non_null(strstr(r->error->message, "web"));
    ex_reply_free(r);
    rc = reg(web, NULL, "01", &r);
    itest_require_error(rc, r, EX_EPERM, "register by the gateway as itself");
    ex_reply_free(r);
    rc = user_login(web, "binh.bo", "binh.bo", &r);
    itest_require_error(rc, r, EX_EPERM, "user_login on behalf of a person");
    ex_reply_free(r);
    /* Its login answer carries the hash, which the gateway verifies. */
    rc = user_login(web, NULL, "binh.bo", &r);
    itest_require_ok(rc, r, "user_login by the gateway");
    const Exemplar__LocalUser *u = r->users->users[0];
    assert_int_equal(u->role, EXEMPLAR__ROLE__ROLE_MINISTRY_REVIEWER);
    assert_int_equal(crypto_pwhash_str_verify(u->password_hash, PASSWORD, strlen(PASSWORD)), 0);
    assert_int_not_equal(crypto_pwhash_str_verify(u->password_hash, "sai mật khẩu", 15), 0);
    ex_reply_free(r);
    rc = user_login(web, NULL, "nobody", &r);
    itest_require_error(rc, r, EX_ENOTFOUND, "user_login of an unknown name");
    ex_reply_free(r);
    /* Nobody but a gateway fetches hashes, administrators included. */
    rc = user_login(fx->p[UO01].client, NULL, "binh.bo", &r);
    itest_require_error(rc, r, EX_EPERM, "user_login by a unit officer");
    ex_reply_free(r);
}

/* A principal that is not a gateway may not name another. */
static void on_behalf_of_from_a_non_gateway_is_refused(void **state)
{
    fixture_t *fx = *state;
    Exemplar__Reply *r;
    int rc = reg(fx->p[UO01].client, "minh.bo", "01", &r);
    itest_require_error(rc, r, EX_EPERM, "register by lan.hanoi on behalf of minh.bo");
    assert_non_null(strstr(r->error->message, "gateways only"));
    ex_reply_free(r);
    Exemplar__Reply *au = newest_audit(fx);
    assert_string_equal(au->audit->entries[0]->actor->name, "lan.hanoi");
    assert_string_equal(au->audit->entries[0]->actor->via, "");
    ex_reply_free(au);
    rc = list(fx->p[REVIEWER].client, "lan.hanoi", &r);
    itest_require_error(rc, r, EX_EPERM, "list by a reviewer on behalf of a unit officer");
    ex_reply_free(r);
}

/* Keys-file people may be acted for; services, unknown names and disabled
 * accounts may not. */
static void gateway_acts_only_for_existing_enabled_people(void **state)
{
    fixture_t *fx = *state;
    ex_client_t *web = fx->p[GATEWAY].client;
    Exemplar__Reply *r;
    int rc = list(web, "minh.bo", &r);
    itest_require_ok(rc, r, "list on behalf of the keys-file reviewer");
    ex_reply_free(r);
    rc = list(web, "remind", &r);
    itest_require_error(rc, r, EX_EPERM, "list on behalf of a worker");
    assert_non_null(strstr(r->error->message, "only for people"));
    ex_reply_free(r);
    rc = list(web, "web", &r);
    itest_require_error(rc, r, EX_EPERM, "list on behalf of the gateway itself");
    ex_reply_free(r);
    rc = list(web, "ghost", &r);
    itest_require_error(rc, r, EX_EPERM, "list on behalf of an unknown name");
    ex_reply_free(r);

    add_ok(fx, "cuc.hanoi", EXEMPLAR__ROLE__ROLE_UNIT_OFFICER, "01");
    rc = user_disable(fx->local, "cuc.hanoi", false, &r);
    itest_require_ok(rc, r, "disable cuc.hanoi");
    assert_true(r->users->users[0]->disabled);
    ex_reply_free(r);
    rc = reg(web, "cuc.hanoi", "01", &r);
    itest_require_error(rc, r, EX_EPERM, "register on behalf of a disabled account");
    assert_non_null(strstr(r->error->message, "disabled"));
    ex_reply_free(r);
    rc = user_disable(fx->local, "cuc.hanoi", true, &r);
    itest_require_ok(rc, r, "enable cuc.hanoi");
    ex_reply_free(r);
    rc = reg(web, "cuc.hanoi", "01", &r);
    itest_require_ok(rc, r, "register on behalf of the enabled account");
    ex_reply_free(r);
}

/* A gateway is an administrator only for an administrator. */
static void gateway_is_admin_only_for_an_admin(void **state)
{
    fixture_t *fx = *state;
    ex_client_t *web = fx->p[GATEWAY].client;
    add_ok(fx, "dung.hanoi", EXEMPLAR__ROLE__ROLE_UNIT_OFFICER, "01");
    add_ok(fx, "quan.tri", EXEMPLAR__ROLE__ROLE_ADMIN, "");
    Exemplar__Reply *r;
    int rc = user_list(web, "dung.hanoi", &r);
    itest_require_error(rc, r, EX_EPERM, "user_list on behalf of a unit officer");
    ex_reply_free(r);
    char h[crypto_pwhash_STRBYTES];
    hash(PASSWORD, h);
    rc = user_add(web, "dung.hanoi", "evil", EXEMPLAR__ROLE__ROLE_ADMIN, "", h, &r);
    itest_require_error(rc, r, EX_EPERM, "user_add on behalf of a unit officer");
    ex_reply_free(r);
    rc = user_list(web, "quan.tri", &r);
    itest_require_ok(rc, r, "user_list on behalf of a local administrator");
    assert_int_equal(r->users->n_users, 2);
    for (size_t i = 0; i < r->users->n_users; i++)
        assert_string_equal(r->users->users[i]->password_hash, "");
    ex_reply_free(r);
}

/* Adding validates everything; passwords change by an administrator or by
 * the person, and the hash is never answered but to user_login. */
static void accounts_are_validated_and_passwords_changed(void **state)
{
    fixture_t *fx = *state;
    ex_client_t *web = fx->p[GATEWAY].client;
    char h[crypto_pwhash_STRBYTES];
    hash(PASSWORD, h);
    Exemplar__Reply *r;
    static const struct {
        const char *name;
        Exemplar__Role role;
        const char *unit, *hash, *why;
    } BAD[] = {
        {"bad name", EXEMPLAR__ROLE__ROLE_READER, "", NULL, "name must be"},
        {"lan.hanoi", EXEMPLAR__ROLE__ROLE_READER, "", NULL, "keys file"},
        {"local", EXEMPLAR__ROLE__ROLE_READER, "", NULL, "ipc://"},
        {"x1", EXEMPLAR__ROLE__ROLE_UNIT_OFFICER, "", NULL, "unit code"},
        {"x2", EXEMPLAR__ROLE__ROLE_APPROVER, "01", NULL, "only unit-officers"},
        {"x3", EXEMPLAR__ROLE__ROLE_GATEWAY, "", NULL, "is a person"},
        {"x4", EXEMPLAR__ROLE__ROLE_READER, "", "plaintext password", "Argon2id"},
        {"x5", EXEMPLAR__ROLE__ROLE_READER, "", "$argon2id$v=19$m=1", "Argon2id"},
    };
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        int rc = user_add(fx->local, NULL, BAD[i].name, BAD[i].role, BAD[i].unit,
                          BAD[i].hash ? BAD[i].hash : h, &r);
        itest_require_error(rc, r, EX_EINVALID, BAD[i].name);
        if (!strstr(r->error->message, BAD[i].why))
            fail_msg("%s: refusal does not say \"%s\": %s", BAD[i].name, BAD[i].why,
                     r->error->message);
        ex_reply_free(r);
    }
    add_ok(fx, "em.bo", EXEMPLAR__ROLE__ROLE_APPROVER, "");
    int rc = user_add(fx->local, NULL, "em.bo", EXEMPLAR__ROLE__ROLE_APPROVER, "", h, &r);
    itest_require_error(rc, r, EX_EINVALID, "adding em.bo twice");
    ex_reply_free(r);
    add_ok(fx, "giang.bo", EXEMPLAR__ROLE__ROLE_APPROVER, "");

    /* The person changes their own password through the gateway ... */
    char h2[crypto_pwhash_STRBYTES];
    hash("một mật khẩu mới", h2);
    rc = user_passwd(web, "em.bo", "em.bo", h2, &r);
    itest_require_ok(rc, r, "em.bo changes their own password");
    assert_string_equal(r->users->users[0]->password_hash, "");
    assert_string_equal(r->users->users[0]->updated_by, "em.bo");
    ex_reply_free(r);
    /* ... but not someone else's. */
    rc = user_passwd(web, "em.bo", "giang.bo", h2, &r);
    itest_require_error(rc, r, EX_EPERM, "em.bo changes giang.bo's password");
    ex_reply_free(r);
    rc = user_passwd(fx->local, NULL, "giang.bo", h2, &r);
    itest_require_ok(rc, r, "the administrator changes giang.bo's password");
    ex_reply_free(r);
    rc = user_passwd(fx->local, NULL, "nobody", h2, &r);
    itest_require_error(rc, r, EX_ENOTFOUND, "passwd of an unknown account");
    ex_reply_free(r);
    rc = user_login(web, NULL, "giang.bo", &r);
    itest_require_ok(rc, r, "user_login giang.bo");
    const char *stored = r->users->users[0]->password_hash;
    assert_int_equal(
        crypto_pwhash_str_verify(stored, "một mật khẩu mới", strlen("một mật khẩu mới")), 0);
    assert_int_not_equal(crypto_pwhash_str_verify(stored, PASSWORD, strlen(PASSWORD)), 0);
    ex_reply_free(r);
}

/* Accounts are records of the store: they survive a restart. */
static void accounts_survive_a_restart(void **state)
{
    fixture_t *fx = *state;
    add_ok(fx, "hoa.hanoi", EXEMPLAR__ROLE__ROLE_UNIT_OFFICER, "01");
    assert_int_equal(harness_stop(&fx->h), 0);
    assert_int_equal(harness_restart(&fx->h), 0);
    Exemplar__Reply *r;
    int rc = user_login(fx->p[GATEWAY].client, NULL, "hoa.hanoi", &r);
    itest_require_ok(rc, r, "user_login after a restart");
    assert_string_equal(r->users->users[0]->unit, "01");
    ex_reply_free(r);
}

/* exemplarctl user add prints a one-time password that verifies against
 * the stored hash; list shows the account. */
static void exemplarctl_user_commands(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    const char *add[] = {EXEMPLARCTL_PATH, "--api",        fx->h.api, "--json", "user", "add",
                         "khanh",          "unit-officer", "01",      NULL};
    assert_int_equal(harness_run(add, out, sizeof(out)), 0);
    const char *p = strstr(out, "\"one_time_password\"");
    assert_non_null(p);
    char password[64] = "";
    assert_int_equal(sscanf(p, "\"one_time_password\": \"%63[^\"]\"", password), 1);
    assert_int_equal(strlen(password), 14);
    Exemplar__Reply *r;
    int rc = user_login(fx->p[GATEWAY].client, NULL, "khanh", &r);
    itest_require_ok(rc, r, "user_login khanh");
    assert_true(r->users->users[0]->must_change);
    assert_int_equal(
        crypto_pwhash_str_verify(r->users->users[0]->password_hash, password, strlen(password)), 0);
    ex_reply_free(r);
    const char *ls[] = {EXEMPLARCTL_PATH, "--api", fx->h.api, "user", "list", NULL};
    assert_int_equal(harness_run(ls, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "khanh"));
    assert_non_null(strstr(out, "one-time password"));
    const char *dis[] = {EXEMPLARCTL_PATH, "--api", fx->h.api, "user", "disable", "khanh", NULL};
    assert_int_equal(harness_run(dis, out, sizeof(out)), 0);
    rc = user_login(fx->p[GATEWAY].client, NULL, "khanh", &r);
    itest_require_ok(rc, r, "user_login khanh after disable");
    assert_true(r->users->users[0]->disabled);
    ex_reply_free(r);
}

/* The CURVE change feed admits the gateway (it wakes exemplar-web's live
 * views) and still refuses a unit officer. */
static void gateway_may_take_the_change_feed(void **state)
{
    fixture_t *fx = *state;
    ex_sub_t *web = ex_sub_new_curve(fx->events, "nomination.", &fx->p[GATEWAY].keys);
    ex_sub_t *uo = ex_sub_new_curve(fx->events, "nomination.", &fx->p[UO01].keys);
    assert_non_null(web);
    assert_non_null(uo);
    Exemplar__Change *ch = NULL;
    int got = -1;
    /* A subscription takes a moment to reach the daemon: register until
     * one change arrives. */
    for (int i = 0; i < 50 && got != 0; i++) {
        itest_register(fx->local, "01", "Tổ Kế hoạch", NULL);
        got = ex_sub_next(web, 200, &ch);
    }
    assert_int_equal(got, 0);
    assert_string_equal(ch->unit, "01");
    exemplar__change__free_unpacked(ch, NULL);
    ch = NULL;
    assert_int_not_equal(ex_sub_next(uo, 300, &ch), 0);
    ex_sub_destroy(&web);
    ex_sub_destroy(&uo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(gateway_acts_as_the_person_in_their_unit, setup, teardown),
        cmocka_unit_test_setup_teardown(gateway_alone_may_only_fetch_a_login, setup, teardown),
        cmocka_unit_test_setup_teardown(on_behalf_of_from_a_non_gateway_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(gateway_acts_only_for_existing_enabled_people, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(gateway_is_admin_only_for_an_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(accounts_are_validated_and_passwords_changed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(accounts_survive_a_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(exemplarctl_user_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(gateway_may_take_the_change_feed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
