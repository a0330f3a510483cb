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
#include <string.h>

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
        cmocka_unit_test(role_checks_name_the_missing_role),
    };
    return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
