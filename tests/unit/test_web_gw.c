/* SPDX-License-Identifier: MIT */
/*
 * exemplar-web's envelope (clients/web/gw.c): every request the gateway
 * sends names the signed-in person and the language of that person's pages
 * (Request.language, field 4), Vietnamese unless they chose English, so the
 * daemon's sentences in the answer are in the page's language; user_login
 * goes out as the gateway itself.  The packed request carries the field on
 * the wire as any client of wire.proto reads it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gw.h"

static void a_request_names_the_person_and_vietnamese_by_default(void **state)
{
    (void)state;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    gw_prepare(&req, "lan.hanoi", LANG_VI);
    assert_string_equal(req.on_behalf_of, "lan.hanoi");
    assert_string_equal(req.language, "vi");
}

static void english_pages_ask_for_english(void **state)
{
    (void)state;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    gw_prepare(&req, "minh.bo", LANG_EN);
    assert_string_equal(req.on_behalf_of, "minh.bo");
    assert_string_equal(req.language, "en");
}

static void the_gateway_itself_still_names_a_language(void **state)
{
    (void)state;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    gw_prepare(&req, NULL, LANG_EN);
    assert_string_equal(req.on_behalf_of, "");
    assert_string_equal(req.language, "en");
}

static void the_language_travels_in_field_4(void **state)
{
    (void)state;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__CheckRequest body = EXEMPLAR__CHECK_REQUEST__INIT;
    body.id = 7;
    req.body_case = EXEMPLAR__REQUEST__BODY_CHECK;
    req.check = &body;
    gw_prepare(&req, "minh.bo", LANG_EN);
    uint8_t buf[256];
    size_t n = exemplar__request__get_packed_size(&req);
    assert_true(n <= sizeof(buf));
    exemplar__request__pack(&req, buf);
    /* field 4, length-delimited (tag 0x22), two bytes "en" */
    static const uint8_t FIELD[] = {0x22, 0x02, 'e', 'n'};
    assert_non_null(memmem(buf, n, FIELD, sizeof(FIELD)));
    Exemplar__Request *back = exemplar__request__unpack(NULL, n, buf);
    assert_non_null(back);
    assert_string_equal(back->language, "en");
    assert_string_equal(back->on_behalf_of, "minh.bo");
    exemplar__request__free_unpacked(back, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_request_names_the_person_and_vietnamese_by_default),
        cmocka_unit_test(english_pages_ask_for_english),
        cmocka_unit_test(the_gateway_itself_still_names_a_language),
        cmocka_unit_test(the_language_travels_in_field_4),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
