/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the keys file parser and the role checks of daemon/auth.c:
 * a well-formed file with comments, blanks and every role; each kind of
 * error refused as a whole with the file, the line and the field named; and
 * auth_check_read / auth_check_admin naming the missing role.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "auth.h"
#include "errors.h"

/* Two real CURVE public keys (Z85). */
#define K1 "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
#define K2 "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"
#define K3 "-RmttFDvtEo:tKGjJ$stv:69KG5hoT{i(J&pqNJa"

static int parse(const char *text, auth_keys_t *k, char *err, size_t errlen)
{
    err[0] = '\0';
    return auth_keys_parse(text, strlen(text), "keys", k, err, errlen);
}

static void well_formed_file_gives_every_principal(void **state)
{
    (void)state;
    auth_keys_t k;
    char err[512];
    const char *text = "# NAME ROLE UNIT KEY\n"
                       "\n"
                       "lan.hanoi unit-officer 01 " K1 "\r\n"
                       "   minh.bo\tMINISTRY_REVIEWER  -  " K2 "\n"
                       "hr@system publisher - " K3; /* no final newline */
    assert_int_equal(parse(text, &k, err, sizeof(err)), 0);
    assert_int_equal(k.n, 3);
    assert_string_equal(k.v[0].name, "lan.hanoi");
    assert_int_equal(k.v[0].role, ROLE_UNIT_OFFICER);
    assert_string_equal(k.v[0].unit, "01");
    assert_int_equal(k.v[1].role, ROLE_MINISTRY_REVIEWER);
    assert_string_equal(k.v[1].unit, "");
    assert_string_equal(k.v[2].name, "hr@system");
    assert_int_equal(k.v[2].role, ROLE_PUBLISHER);
    uint8_t key[32];
    assert_non_null(zmq_z85_decode(key, K1));
    assert_memory_equal(k.v[0].key, key, 32);
    auth_keys_free(&k);
    assert_int_equal(parse("# only comments\n\n", &k, err, sizeof(err)), 0);
    assert_int_equal(k.n, 0);
    auth_keys_free(&k);
}

static void errors_name_the_line_and_the_field(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *says;
    } cases[] = {
        {"lan unit-officer 01\n", "line 1: expected four fields"},
        {"lan unit-officer 01 " K1 " extra\n", "line 1: expected four fields"},
        {"# c\nlan boss - " K1 "\n", "line 2: role \"boss\""},
        {"lan unit-officer - " K1 "\n", "needs a unit code"},
        {"lan unit-officer 0/1 " K1 "\n", "needs a unit code"},
        {"lan reader 01 " K1 "\n", "only unit-officers have a unit"},
        {"lan reader - notakey\n", "is not 40 characters of Z85"},
        {"l an reader - " K1 "\n", "expected four fields"},
        {"lan/x reader - " K1 "\n", "principal name"},
        {"lan reader - " K1 "\nlan admin - " K2 "\n", "line 2: name lan appears twice"},
        {"lan reader - " K1 "\nmai admin - " K1 "\n", "line 2: key of mai appears twice"},
        /* the name of every ipc:// caller, in the audit list and request ids */
        {"local admin - " K1 "\n", "\"local\" is reserved"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        auth_keys_t k = {0};
        char err[512];
        if (parse(cases[i].text, &k, err, sizeof(err)) != -1 || !strstr(err, cases[i].says))
            fail_msg("case %zu: expected an error saying \"%s\", got \"%s\"", i, cases[i].says,
                     err);
        assert_non_null(strstr(err, "keys, line"));
        assert_null(k.v);
    }
    /* a NUL byte inside a line */
    auth_keys_t k;
    char err[512];
    const char nul[] = "lan reader - " K1 "\0x\n";
    assert_int_equal(auth_keys_parse(nul, sizeof(nul) - 1, "keys", &k, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "NUL"));
}

/* As OpenSSH's StrictModes: whoever may write the file or replace it in
 * its directory may make themselves an administrator. */
static void keys_file_others_may_write_is_refused(void **state)
{
    (void)state;
    char dir[64] = "/tmp/exk.XXXXXX", path[96], err[768];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/keys", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs("lan reader - " K1 "\n", f) >= 0);
    assert_int_equal(fclose(f), 0);
    static const struct {
        mode_t file, dir;
        const char *says; /* NULL: loads */
    } cases[] = {
        {0640, 0700, NULL},
        {0644, 0755, NULL},
        {0600, 01777, NULL}, /* sticky, as /tmp */
        {0666, 0700, "writable by every local user (mode 0666)"},
        {0660, 0700, "writable by its group (mode 0660)"},
        {0640, 0770, "is writable by its group (mode 0770)"},
        {0640, 0777, "run chmod go-w"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(chmod(path, cases[i].file), 0);
        assert_int_equal(chmod(dir, cases[i].dir), 0);
        auth_keys_t k = {0};
        err[0] = '\0';
        int rc = auth_keys_load(path, &k, err, sizeof(err));
        if (!cases[i].says) {
            if (rc != 0)
                fail_msg("case %zu: refused: %s", i, err);
            assert_int_equal(k.n, 1);
            auth_keys_free(&k);
            continue;
        }
        if (rc != -1 || !strstr(err, cases[i].says) || !strstr(err, path))
            fail_msg("case %zu: expected an error saying \"%s\" about %s, got \"%s\"", i,
                     cases[i].says, path, err);
        assert_null(k.v);
    }
    assert_int_equal(chmod(dir, 0700), 0);
    /* owned by another user (only root can give a file away) */
    if (geteuid() == 0) {
        const char *targets[] = {path, dir};
        for (size_t i = 0; i < 2; i++) {
            auth_keys_t k = {0};
            assert_int_equal(chown(targets[i], 65534, (gid_t)-1), 0);
            assert_int_equal(auth_keys_load(path, &k, err, sizeof(err)), -1);
            assert_non_null(strstr(err, "belongs to uid 65534"));
            assert_int_equal(chown(targets[i], 0, (gid_t)-1), 0);
        }
    }
    assert_int_equal(chmod(path, 0666), 0);
    auth_keys_t k = {0};
    assert_int_equal(auth_keys_load(path, &k, err, sizeof(err)), -1);
    char fix[128];
    snprintf(fix, sizeof(fix), "run chmod 640 %s", path);
    assert_non_null(strstr(err, fix));
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void role_checks_name_the_missing_role(void **state)
{
    (void)state;
    char why[256];
    actor_t reader = {"thanh.tra", ROLE_READER, ""};
    actor_t publisher = {"hr", ROLE_PUBLISHER, ""};
    actor_t gone = {"old", ROLE_NONE, ""};
    actor_t admin = {"local", ROLE_ADMIN, ""};
    assert_int_equal(auth_check_read(&reader, "get", why, sizeof(why)), 0);
    assert_int_equal(auth_check_read(&publisher, "get", why, sizeof(why)), -EX_EPERM);
    assert_non_null(strstr(why, "hr has publisher"));
    assert_int_equal(auth_check_read(&gone, "list", why, sizeof(why)), -EX_EPERM);
    assert_non_null(strstr(why, "not in the keys file"));
    assert_int_equal(auth_check_admin(&reader, "audit", why, sizeof(why)), -EX_EPERM);
    assert_non_null(strstr(why, "audit needs the role admin; thanh.tra has reader"));
    assert_int_equal(auth_check_admin(&admin, "audit", why, sizeof(why)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(well_formed_file_gives_every_principal),
        cmocka_unit_test(errors_name_the_line_and_the_field),
        cmocka_unit_test(keys_file_others_may_write_is_refused),
        cmocka_unit_test(role_checks_name_the_missing_role),
    };
    return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
