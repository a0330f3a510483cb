/* SPDX-License-Identifier: MIT */
/*
 * Bad input (guarantee 5): whatever a peer sends on the api socket gets the
 * documented error reply (or, for an oversized message that ZeroMQ drops,
 * no reply), changes nothing, and the daemon keeps answering.  The bytes go
 * out from a raw DEALER socket, since no client library would send them.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itest.h"

enum {
    TIMEOUT_MS = 10000,
    SILENCE_MS = 1500,      /* how long an oversized message must stay unanswered */
    MAX_MESSAGE = 11534336, /* [api] max_message_bytes by default */
};

#define S(x) EXEMPLAR__STATE__STATE_##x

/* After each bad message: the daemon still serves a normal request, and the
 * change log is where it was. */
static void require_still_serving(harness_t *h, uint64_t seq, const char *after)
{
    if (!harness_alive(h))
        fail_msg("the daemon died after %s", after);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    Exemplar__Reply *r = NULL;
    int rc = ex_info(c, &r);
    char what[160];
    snprintf(what, sizeof(what), "info after %s", after);
    itest_require_ok(rc, r, what);
    if (r->info->last_seq != seq)
        fail_msg("after %s the change log moved from %" PRIu64 " to %" PRIu64, after, seq,
                 r->info->last_seq);
    ex_reply_free(r);
    ex_client_destroy(&c);
}

/* Sends frames and requires exactly one reply frame that decodes to an error
 * reply with `code`. */
static void require_error_reply(harness_t *h, const void *const *frames, const size_t *lens, int n,
                                int code, const char *what)
{
    harness_raw_reply_t out;
    assert_int_equal(harness_raw_call(h, frames, lens, n, TIMEOUT_MS, &out), 0);
    if (out.frames == 0)
        fail_msg("%s: no reply within %d ms, expected error %s", what, TIMEOUT_MS,
                 ex_err_name(code));
    if (!out.reply)
        fail_msg("%s: a reply of %zu bytes that is not an exemplar.Reply", what, out.len);
    itest_require_error(0, out.reply, code, what);
    harness_raw_reply_free(&out);
}

static void require_request_error(harness_t *h, const Exemplar__Request *req, int code,
                                  const char *what)
{
    size_t len;
    uint8_t *buf = harness_pack(req, &len);
    assert_non_null(buf);
    const void *frames[] = {buf};
    require_error_reply(h, frames, &len, 1, code, what);
    free(buf);
}

static uint64_t seed_one(harness_t *h, nom_t *out)
{
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    *out = itest_register(c, "01", "Ứng viên hợp lệ", NULL);
    uint64_t seq = itest_last_seq(c);
    ex_client_destroy(&c);
    return seq;
}

static void garbage_bytes_get_malformed(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);
    static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff, 0xff, 0x01, 0x0f, 0xde, 0xad, 0xbe, 0xef};
    const void *frames[] = {garbage};
    size_t lens[] = {sizeof(garbage)};
    require_error_reply(h, frames, lens, 1, EX_EMALFORMED, "garbage bytes");
    require_still_serving(h, seq, "garbage bytes");

    static const char text[] = "GET / HTTP/1.1\r\nHost: exemplar\r\n\r\n";
    frames[0] = text;
    lens[0] = sizeof(text) - 1;
    require_error_reply(h, frames, lens, 1, EX_EMALFORMED, "an HTTP request");
    require_still_serving(h, seq, "an HTTP request");
}

static void empty_frame_is_refused(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);
    /* zero bytes decode as a Request with every field at its default, so
     * protocol 0: refused for its protocol (or as malformed), never served */
    const void *frames[] = {""};
    size_t lens[] = {0};
    harness_raw_reply_t out;
    assert_int_equal(harness_raw_call(h, frames, lens, 1, TIMEOUT_MS, &out), 0);
    if (out.frames == 0)
        fail_msg("an empty frame got no reply within %d ms", TIMEOUT_MS);
    if (!out.reply || !out.reply->error)
        fail_msg("an empty frame was not refused");
    int code = (int)out.reply->error->code;
    if (code != EX_EPROTOCOL && code != EX_EMALFORMED)
        fail_msg("an empty frame got error %d (%s), expected protocol or malformed",
                 (int)out.reply->error->code, out.reply->error->name);
    harness_raw_reply_free(&out);
    require_still_serving(h, seq, "an empty frame");
}

static void truncated_request_gets_malformed(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);

    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__RegisterRequest reg = EXEMPLAR__REGISTER_REQUEST__INIT;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.request_id = ex_request_id_new();
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &reg;
    reg.unit = "01";
    reg.kind = EXEMPLAR__KIND__KIND_COLLECTIVE;
    reg.name = "Một cái tên đủ dài để cắt ở giữa";
    size_t len;
    uint8_t *buf = harness_pack(&req, &len);
    assert_non_null(buf);

    /* cut in the middle of the name: the length prefix promises more */
    size_t cuts[] = {len - 1, len - 5, len / 2 + 4};
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        Exemplar__Request *local = exemplar__request__unpack(NULL, cuts[i], buf);
        if (local) {
            /* the test itself is wrong if the cut still decodes */
            exemplar__request__free_unpacked(local, NULL);
            fail_msg("the cut at %zu of %zu decodes locally", cuts[i], len);
        }
        const void *frames[] = {buf};
        char what[64];
        snprintf(what, sizeof(what), "a request cut to %zu of %zu bytes", cuts[i], len);
        require_error_reply(h, frames, &cuts[i], 1, EX_EMALFORMED, what);
        require_still_serving(h, seq, what);
    }
    free(buf);
}

static void unsupported_protocol_versions_are_refused(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);
    const int versions[] = {0, 2, 99};
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        Exemplar__RegisterRequest reg = EXEMPLAR__REGISTER_REQUEST__INIT;
        req.protocol = (Exemplar__ProtocolVersion)versions[i];
        req.request_id = ex_request_id_new();
        req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
        req.register_ = &reg;
        reg.unit = "01";
        reg.kind = EXEMPLAR__KIND__KIND_COLLECTIVE;
        reg.name = "Phiên bản lạ";
        char what[64];
        snprintf(what, sizeof(what), "a register with protocol %d", versions[i]);
        require_request_error(h, &req, EX_EPROTOCOL, what);
        require_still_serving(h, seq, what);
    }
}

static void three_frame_message_gets_malformed(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);

    /* three frames, the last a perfectly good request: still not the
     * protocol's framing, so refused and not executed */
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__RegisterRequest reg = EXEMPLAR__REGISTER_REQUEST__INIT;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.request_id = ex_request_id_new();
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &reg;
    reg.unit = "01";
    reg.kind = EXEMPLAR__KIND__KIND_COLLECTIVE;
    reg.name = "Ba khung";
    size_t len;
    uint8_t *buf = harness_pack(&req, &len);
    assert_non_null(buf);
    const void *frames[] = {"first", "second", buf};
    size_t lens[] = {5, 6, len};
    require_error_reply(h, frames, lens, 3, EX_EMALFORMED, "a 3-frame message");
    require_still_serving(h, seq, "a 3-frame message");
    free(buf);
}

static void invalid_utf8_in_a_name_is_invalid(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);
    static const char *const bad[] = {
        "\xff\xfe",            /* never valid */
        "Nguy\xe1\xbb",        /* a truncated 3-byte sequence */
        "\xc0\xaf",            /* an overlong '/' */
        "\xed\xa0\x80",        /* a UTF-16 surrogate */
        "abc\xf4\x90\x80\x80", /* beyond U+10FFFF */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
        Exemplar__RegisterRequest reg = EXEMPLAR__REGISTER_REQUEST__INIT;
        req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
        req.request_id = ex_request_id_new();
        req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
        req.register_ = &reg;
        reg.unit = "01";
        reg.kind = EXEMPLAR__KIND__KIND_INDIVIDUAL;
        reg.name = (char *)bad[i];
        char what[64];
        snprintf(what, sizeof(what), "a name with invalid UTF-8 (case %zu)", i);
        require_request_error(h, &req, EX_EINVALID, what);
        require_still_serving(h, seq, what);
    }
    /* invalid UTF-8 in a move's reason too */
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__MoveRequest mv = EXEMPLAR__MOVE_REQUEST__INIT;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.request_id = ex_request_id_new();
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &mv;
    mv.id = n.id;
    mv.to = S(WITHDRAWN);
    mv.expected_version = 1;
    mv.reason = "l\xfd do";
    require_request_error(h, &req, EX_EINVALID, "a reason with invalid UTF-8");
    require_still_serving(h, seq, "a reason with invalid UTF-8");
}

/* Sends the request with every '#' of its encoding replaced by b (protobuf-c
 * packs C strings, so a NUL only gets in afterwards) and requires `invalid`
 * with a message that names `field`. */
static void require_invalid_naming(harness_t *h, const Exemplar__Request *req, char b,
                                   const char *field, const char *what)
{
    size_t len;
    uint8_t *buf = harness_pack(req, &len);
    assert_non_null(buf);
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '#')
            buf[i] = (uint8_t)b;
    harness_raw_reply_t out;
    const void *frames[] = {buf};
    assert_int_equal(harness_raw_call(h, frames, &len, 1, TIMEOUT_MS, &out), 0);
    if (out.frames == 0 || !out.reply)
        fail_msg("%s: no decodable reply", what);
    itest_require_error(0, out.reply, EX_EINVALID, what);
    if (!strstr(out.reply->error->message, field))
        fail_msg("%s: the refusal \"%s\" does not name the field %s", what,
                 out.reply->error->message, field);
    harness_raw_reply_free(&out);
    free(buf);
}

static void a_nul_inside_a_string_is_invalid_naming_the_field(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__RegisterRequest reg = EXEMPLAR__REGISTER_REQUEST__INIT;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.request_id = ex_request_id_new();
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &reg;
    reg.unit = "01";
    reg.kind = EXEMPLAR__KIND__KIND_INDIVIDUAL;
    reg.name = "L\xc3\xaa V\xc4\x83n# <script>"; /* "Lê Văn\0 <script>" */
    require_invalid_naming(h, &req, '\0', "register.name", "a name with a NUL");
    require_still_serving(h, seq, "a name with a NUL");
    /* invalid UTF-8 in the same place is named too */
    req.request_id = ex_request_id_new();
    require_invalid_naming(h, &req, (char)0xff, "register.name", "a name with a 0xff byte");

    /* a reason, and a string in a field no handler checks (the campaign) */
    Exemplar__MoveRequest mv = EXEMPLAR__MOVE_REQUEST__INIT;
    req.request_id = ex_request_id_new();
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &mv;
    mv.id = n.id;
    mv.to = S(WITHDRAWN);
    mv.expected_version = 1;
    mv.reason = "l\xc3\xbd do#r\xc3\xb5 r\xc3\xa0ng";
    require_invalid_naming(h, &req, '\0', "move.reason", "a reason with a NUL");
    require_still_serving(h, seq, "a reason with a NUL");
}

static void names_with_bidi_or_invisible_characters_are_invalid(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    static const struct {
        const char *name, *expect;
    } bad[] = {
        {"   ", "only spaces"},
        {"Nguy\xe1\xbb\x85n \xe2\x80\xae"
         "cisum",
         "U+202E"}, /* right-to-left override */
        {"\xe2\x81\xa6L\xc3\xaa V\xc4\x83n\xe2\x81\xa9", "U+2066"},
        {"L\xc3\xaa\xe2\x80\x8bV\xc4\x83n", "U+200B"}, /* zero-width space */
        {"\xef\xbb\xbfL\xc3\xaa V\xc4\x83n", "U+FEFF"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        Exemplar__Reply *r = NULL;
        int rc = ex_register(c, 0, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL, bad[i].name, NULL, &r);
        char what[64];
        snprintf(what, sizeof(what), "name case %zu", i);
        itest_require_error(rc, r, EX_EINVALID, what);
        if (!strstr(r->error->message, bad[i].expect) || !strstr(r->error->message, "name"))
            fail_msg("%s: \"%s\" does not name the field and %s", what, r->error->message,
                     bad[i].expect);
        ex_reply_free(r);
    }
    require_still_serving(h, seq, "names with invisible characters");
    /* Vietnamese typed with separate tone marks is fine, stored composed,
     * and the spaces around it are trimmed */
    Exemplar__Reply *r = NULL;
    int rc = ex_register(c, 0, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL,
                         " Le\xcc\x82 Va\xcc\x86n Ta\xcc\x81m ", NULL, &r);
    itest_require_ok(rc, r, "a decomposed Vietnamese name");
    assert_string_equal(r->nomination->name, "L\xc3\xaa V\xc4\x83n T\xc3\xa1m");
    ex_reply_free(r);
    ex_client_destroy(&c);
}

static void name_over_256_bytes_is_too_large(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);

    /* 256 bytes is the limit: accepted (85 three-byte letters + 1) */
    char name[400];
    size_t k = 0;
    while (k + 3 <= 255) {
        memcpy(name + k, "\xe1\xbb\x87", 3); /* ệ, 3 bytes in UTF-8 and already NFC */
        k += 3;
    }
    name[k++] = 'x';
    name[k] = '\0';
    assert_int_equal(strlen(name), 256);
    itest_register(c, "01", name, NULL);
    seq = itest_last_seq(c);

    /* 257 bytes: refused */
    name[k++] = 'y';
    name[k] = '\0';
    Exemplar__Reply *r = NULL;
    int rc = ex_register(c, 0, "01", EXEMPLAR__KIND__KIND_INDIVIDUAL, name, NULL, &r);
    itest_require_error(rc, r, EX_ETOOBIG, "a name of 257 bytes");
    ex_reply_free(r);
    ex_client_destroy(&c);
    require_still_serving(h, seq, "a name of 257 bytes");
}

static void missing_or_out_of_range_fields_are_invalid(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);

    /* an unknown state number as the target of a move */
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__MoveRequest mv = EXEMPLAR__MOVE_REQUEST__INIT;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.request_id = ex_request_id_new();
    req.body_case = EXEMPLAR__REQUEST__BODY_MOVE;
    req.move = &mv;
    mv.id = n.id;
    mv.to = (Exemplar__State)42;
    mv.expected_version = 1;
    mv.reason = "x";
    require_request_error(h, &req, EX_EINVALID, "a move to state 42");
    require_still_serving(h, seq, "a move to state 42");

    mv.to = (Exemplar__State)-1;
    req.request_id = ex_request_id_new();
    require_request_error(h, &req, EX_EINVALID, "a move to state -1");
    require_still_serving(h, seq, "a move to state -1");

    /* an unknown state as a list filter */
    Exemplar__Request lreq = EXEMPLAR__REQUEST__INIT;
    Exemplar__ListRequest ls = EXEMPLAR__LIST_REQUEST__INIT;
    lreq.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    lreq.body_case = EXEMPLAR__REQUEST__BODY_LIST;
    lreq.list = &ls;
    ls.state = (Exemplar__State)42;
    require_request_error(h, &lreq, EX_EINVALID, "a list of state 42");

    /* an unknown kind and an empty or malformed unit at registration */
    Exemplar__Request rreq = EXEMPLAR__REQUEST__INIT;
    Exemplar__RegisterRequest reg = EXEMPLAR__REGISTER_REQUEST__INIT;
    rreq.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    rreq.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    rreq.register_ = &reg;
    reg.name = "Tên";
    reg.unit = "01";
    reg.kind = (Exemplar__Kind)9;
    rreq.request_id = ex_request_id_new();
    require_request_error(h, &rreq, EX_EINVALID, "a register of kind 9");
    reg.kind = EXEMPLAR__KIND__KIND_INDIVIDUAL;
    reg.unit = "";
    rreq.request_id = ex_request_id_new();
    require_request_error(h, &rreq, EX_EINVALID, "a register without a unit");
    reg.unit = "01/../..";
    rreq.request_id = ex_request_id_new();
    require_request_error(h, &rreq, EX_EINVALID, "a register with unit 01/../..");
    reg.unit = "01";
    reg.name = "";
    rreq.request_id = ex_request_id_new();
    require_request_error(h, &rreq, EX_EINVALID, "a register without a name");

    /* limits of the read requests */
    ls.state = EXEMPLAR__STATE__STATE_NONE;
    ls.limit = 1001;
    require_request_error(h, &lreq, EX_EINVALID, "a list with limit 1001");
    ls.limit = 0;
    uint8_t forged[] = {0x7f, 'x', 'y', 'z'};
    ls.page_token.data = forged;
    ls.page_token.len = sizeof(forged);
    require_request_error(h, &lreq, EX_EINVALID, "a list with a forged page token");
    ls.page_token.len = 0;
    Exemplar__Request creq = EXEMPLAR__REQUEST__INIT;
    Exemplar__ChangesRequest ch = EXEMPLAR__CHANGES_REQUEST__INIT;
    creq.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    creq.body_case = EXEMPLAR__REQUEST__BODY_CHANGES;
    creq.changes = &ch;
    ch.from_seq = 1;
    ch.limit = 1001;
    require_request_error(h, &creq, EX_EINVALID, "changes with limit 1001");

    /* a request with no body at all */
    Exemplar__Request empty = EXEMPLAR__REQUEST__INIT;
    empty.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    empty.request_id = ex_request_id_new();
    require_request_error(h, &empty, EX_EINVALID, "a request without a body");
    require_still_serving(h, seq, "requests with invalid fields");
}

/* How many lines of the daemon's log contain text. */
/* Lines of the daemon's log holding text and, when also is not NULL, also. */
static int log_lines_with(const harness_t *h, const char *text, const char *also)
{
    FILE *f = fopen(h->log_path, "r");
    if (!f)
        return 0;
    char line[2048];
    int n = 0;
    while (fgets(line, sizeof(line), f))
        n += strstr(line, text) != NULL && (!also || strstr(line, also) != NULL);
    fclose(f);
    return n;
}

static int log_lines(const harness_t *h, const char *text)
{
    return log_lines_with(h, text, NULL);
}

/* Waits (polling a condition, up to TIMEOUT_MS) until the log holds text. */
static void wait_for_log(const harness_t *h, const char *text)
{
    for (int i = 0; i < TIMEOUT_MS / 10; i++) {
        if (log_lines(h, text) > 0)
            return;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    harness_dump_log(h);
    fail_msg("the daemon's log never said: %s", text);
}

/* Malformed messages are logged, but a flood of them leaves a bounded number
 * of lines (the same limit as handshake failures: 5 per 10 s). */
static void a_flood_of_malformed_messages_is_logged_within_a_limit(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);
    static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    const void *frames[] = {garbage};
    size_t len = sizeof(garbage);
    for (int i = 0; i < 60; i++) {
        harness_raw_reply_t out;
        assert_int_equal(harness_raw_call(h, frames, &len, 1, TIMEOUT_MS, &out), 0);
        assert_true(out.frames > 0 && out.reply && out.reply->error);
        assert_int_equal(out.reply->error->code, EX_EMALFORMED);
        harness_raw_reply_free(&out);
    }
    int lines = log_lines(h, "refused a malformed message");
    print_message("60 malformed messages: %d log lines\n", lines);
    if (lines < 1 || lines > 5) {
        harness_dump_log(h);
        fail_msg("60 malformed messages left %d log lines, expected 1-5", lines);
    }
    /* (other kinds of peer lines have budgets of their own: count this one's) */
    assert_int_equal(log_lines_with(h, "refused a malformed message", "further ones summarised"),
                     1);
    /* each of those connections sent a message: none is taken for an oversized one */
    assert_int_equal(log_lines(h, "closed before any message of it arrived"), 0);
    require_still_serving(h, seq, "a flood of malformed messages");
}

static void oversized_message_is_dropped_and_the_daemon_serves_on(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);

    /* a well-formed register whose name makes the message too big: if it
     * were read at all it would be answered, so silence means dropped */
    size_t big = MAX_MESSAGE + 4096;
    char *name = malloc(big + 1);
    assert_non_null(name);
    memset(name, 'a', big);
    name[big] = '\0';
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    Exemplar__RegisterRequest reg = EXEMPLAR__REGISTER_REQUEST__INIT;
    req.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    req.request_id = ex_request_id_new();
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &reg;
    reg.unit = "01";
    reg.kind = EXEMPLAR__KIND__KIND_INDIVIDUAL;
    reg.name = name;
    size_t len;
    uint8_t *buf = harness_pack(&req, &len);
    assert_non_null(buf);
    assert_true(len > MAX_MESSAGE);

    harness_raw_reply_t out;
    const void *frames[] = {buf};
    assert_int_equal(harness_raw_call(h, frames, &len, 1, SILENCE_MS, &out), 0);
    if (out.frames != 0)
        fail_msg("a %zu-byte message was answered (%zu bytes, error %s); ZeroMQ should drop "
                 "messages over %d bytes",
                 len, out.len, out.reply && out.reply->error ? out.reply->error->name : "none",
                 MAX_MESSAGE);
    harness_raw_reply_free(&out);
    require_still_serving(h, seq, "an oversized message");
    /* ZeroMQ told no one but the socket monitor: the daemon logs it */
    wait_for_log(h, "closed before any message of it arrived");

    /* raw garbage of the same size too */
    memset(buf, 0xff, len);
    assert_int_equal(harness_raw_call(h, frames, &len, 1, SILENCE_MS, &out), 0);
    assert_int_equal(out.frames, 0);
    harness_raw_reply_free(&out);
    require_still_serving(h, seq, "an oversized garbage message");
    free(buf);
    free(name);
}

static void a_burst_of_bad_messages_leaves_the_daemon_serving(void **state)
{
    harness_t *h = *state;
    nom_t n;
    uint64_t seq = seed_one(h, &n);
    itest_rng_t rng = {itest_seed("badinput burst")};
    uint8_t buf[512];
    bool any_valid = false;
    for (int i = 0; i < 200; i++) {
        size_t len = (size_t)itest_rng_range(&rng, 1, sizeof(buf));
        for (size_t j = 0; j < len; j++)
            buf[j] = (uint8_t)itest_rng_next(&rng);
        /* Random bytes could, very rarely, be a valid request; those may be
         * served.  Everything else must be refused.  Every message gets an
         * answer either way. */
        bool valid = false;
        Exemplar__Request *local = exemplar__request__unpack(NULL, len, buf);
        if (local) {
            valid = local->protocol == EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1 &&
                    local->body_case != EXEMPLAR__REQUEST__BODY__NOT_SET;
            exemplar__request__free_unpacked(local, NULL);
        }
        any_valid |= valid;
        harness_raw_reply_t out;
        const void *frames[] = {buf};
        assert_int_equal(harness_raw_call(h, frames, &len, 1, TIMEOUT_MS, &out), 0);
        if (out.frames == 0)
            fail_msg("random message %d (%zu bytes) got no reply", i, len);
        if (!out.reply)
            fail_msg("random message %d (%zu bytes) got a reply that does not decode", i, len);
        if (!valid && !out.reply->error)
            fail_msg("random message %d (%zu bytes) was not refused", i, len);
        harness_raw_reply_free(&out);
    }
    if (!any_valid)
        require_still_serving(h, seq, "200 random messages");
    else if (!harness_alive(h))
        fail_msg("the daemon died after 200 random messages");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, harness_setup, harness_teardown)
    const struct CMUnitTest tests[] = {
        T(garbage_bytes_get_malformed),
        T(empty_frame_is_refused),
        T(truncated_request_gets_malformed),
        T(unsupported_protocol_versions_are_refused),
        T(three_frame_message_gets_malformed),
        T(invalid_utf8_in_a_name_is_invalid),
        T(a_nul_inside_a_string_is_invalid_naming_the_field),
        T(names_with_bidi_or_invisible_characters_are_invalid),
        T(name_over_256_bytes_is_too_large),
        T(missing_or_out_of_range_fields_are_invalid),
        T(a_flood_of_malformed_messages_is_logged_within_a_limit),
        T(oversized_message_is_dropped_and_the_daemon_serves_on),
        T(a_burst_of_bad_messages_leaves_the_daemon_serving),
    };
#undef T
    return cmocka_run_group_tests_name("badinput", tests, NULL, NULL);
}
