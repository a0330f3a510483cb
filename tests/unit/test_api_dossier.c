/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the dossier's files (daemon/api_dossier.c's attachment-add
 * and attachment-get) through the handlers, on a real LMDB store with the
 * built-in rules: a PDF, a DOCX and a PNG built here are taken with the
 * type read from their bytes; a text file named .pdf and a file over the
 * limit are refused; a second upload of a part is version 2 and both stay
 * fetchable; an officer of another unit is refused both ways; an unknown
 * part names the rule set's parts.  The rule set's `dossier` (rulesets.yaml):
 * the shipped rule sets name the four parts and require the acclamation
 * only; a rule set requiring files is complete only when each has a file,
 * and `check`'s lines say which is missing; a required part that is no
 * part is refused when the rule book is read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api_dossier.h"
#include "blobs.h"
#include "campaign.h"
#include "dossier.h"
#include "embedded.h"
#include "errors.h"
#include "fixture.h"
#include "i18n.h"

static const char PDF[] = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                          "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                          "trailer<</Root 1 0 R>>\n%%EOF\n";

/* A 1x1 PNG: signature, IHDR, IDAT, IEND with their CRCs. */
static const uint8_t PNG[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00,
    0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92,
    0xef, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static const actor_t OFFICER_01 = {.name = "officer-01", .role = ROLE_UNIT_OFFICER, .unit = "01"};
static const actor_t OFFICER_79 = {.name = "officer-79", .role = ROLE_UNIT_OFFICER, .unit = "79"};

static int add(fixture_t *f, const actor_t *who, uint64_t id, const char *part, const char *name,
               const void *bytes, size_t len, fixture_reply_t *r)
{
    Exemplar__AttachmentAddRequest b = EXEMPLAR__ATTACHMENT_ADD_REQUEST__INIT;
    b.nomination_id = id;
    b.part = (char *)part;
    b.filename = (char *)name;
    b.content.data = (uint8_t *)bytes;
    b.content.len = len;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_ATTACHMENT_ADD;
    req.attachment_add = &b;
    return fixture_call(f, api_dossier_attachment_add, who, &req, r);
}

static int get(fixture_t *f, const actor_t *who, uint64_t id, const char *part, uint32_t version,
               fixture_reply_t *r)
{
    Exemplar__AttachmentGetRequest b = EXEMPLAR__ATTACHMENT_GET_REQUEST__INIT;
    b.nomination_id = id;
    b.part = (char *)part;
    b.version = version;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_ATTACHMENT_GET;
    req.attachment_get = &b;
    return fixture_call(f, api_dossier_attachment_get, who, &req, r);
}

/* A DOCX: the zip of [Content_Types].xml, _rels/.rels and word/document.xml
 * that Python's zipfile writes (made with `python3 -m zipfile -c`, stored). */
static uint8_t *docx(size_t *len)
{
    char dir[] = "/tmp/ex-docx-XXXXXX", cmd[512], path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof(cmd),
             "cd %s && mkdir -p _rels word && "
             "printf '<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/"
             "package/2006/content-types\"><Override PartName=\"/word/document.xml\" "
             "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml."
             "document.main+xml\"/></Types>' > '[Content_Types].xml' && "
             "printf '<Relationships/>' > _rels/.rels && printf '<w:document/>' > "
             "word/document.xml && python3 -m zipfile -c r.docx '[Content_Types].xml' _rels word",
             dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof(path), "%s/r.docx", dir);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    uint8_t *buf = malloc(65536);
    assert_non_null(buf);
    *len = fread(buf, 1, 65536, fp);
    fclose(fp);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    return buf;
}

static void files_are_kept_by_content_type_and_version(void **state)
{
    fixture_t *f = *state;
    uint64_t id = fixture_register(f, "01", EXEMPLAR__KIND__KIND_COLLECTIVE, "Trường A", NULL);
    fixture_reply_t r;

    fixture_expect(add(f, &OFFICER_01, id, "submission", "to-trinh.pdf", PDF, strlen(PDF), &r), &r,
                   0, "a PDF");
    assert_int_equal(r.reply->dossier->dossier->n_attachments, 1);
    const Exemplar__Attachment *a = r.reply->dossier->dossier->attachments[0];
    assert_string_equal(a->media_type, "application/pdf");
    assert_int_equal(a->version, 1);
    assert_int_equal(a->size, strlen(PDF));
    uint8_t sha[BLOBS_SHA_LEN];
    blobs_hash(PDF, strlen(PDF), sha);
    assert_memory_equal(a->sha256.data, sha, BLOBS_SHA_LEN);
    fixture_reply_free(&r);

    size_t dlen = 0;
    uint8_t *d = docx(&dlen);
    fixture_expect(add(f, &OFFICER_01, id, "report", "bao-cao.docx", d, dlen, &r), &r, 0, "a DOCX");
    assert_string_equal(r.reply->dossier->dossier->attachments[1]->media_type,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    fixture_reply_free(&r);
    free(d);

    /* the same part again: version 2, version 1 kept */
    fixture_expect(add(f, &OFFICER_01, id, "submission", "scan.png", PNG, sizeof(PNG), &r), &r, 0,
                   "a PNG as the submission's second version");
    assert_int_equal(r.reply->dossier->dossier->n_attachments, 3);
    assert_int_equal(r.reply->dossier->dossier->attachments[2]->version, 2);
    assert_string_equal(r.reply->dossier->dossier->attachments[2]->media_type, "image/png");
    fixture_reply_free(&r);

    fixture_expect(get(f, &OFFICER_01, id, "submission", 0, &r), &r, 0, "the latest");
    assert_int_equal(r.reply->attachment->attachment->version, 2);
    assert_int_equal(r.reply->attachment->content.len, sizeof(PNG));
    assert_memory_equal(r.reply->attachment->content.data, PNG, sizeof(PNG));
    fixture_reply_free(&r);
    fixture_expect(get(f, &OFFICER_01, id, "submission", 1, &r), &r, 0, "version 1");
    assert_int_equal(r.reply->attachment->content.len, strlen(PDF));
    assert_memory_equal(r.reply->attachment->content.data, PDF, strlen(PDF));
    fixture_reply_free(&r);
    fixture_expect(get(f, &OFFICER_01, id, "", 0, &r), &r, 0, "the list");
    assert_null(r.reply->attachment->attachment);
    assert_int_equal(r.reply->attachment->dossier->n_attachments, 3);
    fixture_reply_free(&r);
    fixture_expect(get(f, &OFFICER_01, id, "submission", 3, &r), &r, -EX_ENOTFOUND,
                   "a version not there");
    fixture_reply_free(&r);
    fixture_expect(get(f, &OFFICER_01, id, "lower-minutes", 0, &r), &r, -EX_ENOTFOUND,
                   "a part without a file");
    fixture_reply_free(&r);
}

static void wrong_type_size_part_and_unit_are_refused(void **state)
{
    fixture_t *f = *state;
    uint64_t id = fixture_register(f, "01", EXEMPLAR__KIND__KIND_COLLECTIVE, "Trường B", NULL);
    fixture_reply_t r;
    static const char TEXT[] = "This is a plain text file, renamed to look like a PDF.\n";
    fixture_expect(add(f, &OFFICER_01, id, "report", "bao-cao.pdf", TEXT, strlen(TEXT), &r), &r,
                   -EX_EINVALID, "a text file named .pdf");
    assert_non_null(strstr(r.why, "text/plain"));
    fixture_reply_free(&r);

    /* over the limit: max_message_bytes (64 KiB here) less 4 KiB */
    fixture_set(f, "api", "max_message_bytes", "65536");
    size_t big = 61u << 10;
    char *pdf = calloc(1, big);
    assert_non_null(pdf);
    memcpy(pdf, PDF, strlen(PDF));
    fixture_expect(add(f, &OFFICER_01, id, "report", "big.pdf", pdf, big, &r), &r, -EX_ETOOBIG,
                   "a file over the limit");
    fixture_reply_free(&r);
    fixture_expect(add(f, &OFFICER_01, id, "report", "fits.pdf", pdf, 59u << 10, &r), &r, 0,
                   "a file under the limit");
    fixture_reply_free(&r);
    free(pdf);

    fixture_expect(add(f, &OFFICER_01, id, "photos", "a.png", PNG, sizeof(PNG), &r), &r,
                   -EX_EINVALID, "a part the rule set does not name");
    assert_non_null(strstr(r.why, "lower-minutes"));
    fixture_reply_free(&r);
    fixture_expect(add(f, &OFFICER_01, id, "other", "../a.png", PNG, sizeof(PNG), &r), &r,
                   -EX_EINVALID, "a name with a directory");
    fixture_reply_free(&r);

    fixture_expect(add(f, &OFFICER_79, id, "other", "a.png", PNG, sizeof(PNG), &r), &r, -EX_EPERM,
                   "an officer of another unit adding");
    fixture_reply_free(&r);
    fixture_expect(get(f, &OFFICER_79, id, "report", 0, &r), &r, -EX_EPERM,
                   "an officer of another unit reading");
    fixture_reply_free(&r);
}

/* The shipped rule book with `required` of both rule sets replaced. */
static void rulebook_requiring(const char *required, rulebook_t *b, char *err, size_t errlen,
                               int *rc)
{
    const char *from = "required: [acclamation]}";
    char *text = malloc(EMBED_rulesets_LEN + 256);
    assert_non_null(text);
    size_t used = 0;
    const char *p = EMBED_rulesets, *hit;
    while ((hit = strstr(p, from))) {
        memcpy(text + used, p, (size_t)(hit - p));
        used += (size_t)(hit - p);
        used += (size_t)snprintf(text + used, 128, "required: [%s]}", required);
        p = hit + strlen(from);
    }
    size_t rest = strlen(p);
    memcpy(text + used, p, rest + 1);
    used += rest;
    memset(b, 0, sizeof(*b));
    *rc = rulebook_parse(text, used, "test", b, err, errlen);
    free(text);
}

static void required_files_make_the_dossier_complete(void **state)
{
    (void)state;
    static rulebook_t b;
    char err[256];
    int rc;
    l10n_set_lang(L10N_EN); /* the lines of check, in English */
    rulebook_requiring("acclamation", &b, err, sizeof(err), &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(b.sets[0].n_dossier_parts, 4);
    assert_int_equal(b.sets[0].n_dossier_required, 1);
    assert_true(b.sets[0].acclamation_required);
    assert_true(dossier_files_complete(&b.sets[0], NULL, NULL, 0));

    rulebook_requiring("acclamation, report, lower-minutes", &b, err, sizeof(err), &rc);
    assert_int_equal(rc, 0);
    const ruleset_t *s = &b.sets[0];
    char missing[128];
    assert_false(dossier_files_complete(s, NULL, missing, sizeof(missing)));
    assert_string_equal(missing, "report, lower-minutes");

    Exemplar__Attachment a = EXEMPLAR__ATTACHMENT__INIT, *list[] = {&a};
    a.part = "report";
    a.filename = "bao-cao.pdf";
    a.media_type = "application/pdf";
    a.size = 125;
    a.version = 1;
    Exemplar__Dossier d = EXEMPLAR__DOSSIER__INIT;
    d.attachments = list;
    d.n_attachments = 1;
    assert_false(dossier_files_complete(s, &d, missing, sizeof(missing)));
    assert_string_equal(missing, "lower-minutes");
    char text[2048] = "";
    dossier_explain_files(s, &d, text, sizeof(text));
    assert_non_null(strstr(text, "report: bao-cao.pdf, application/pdf, 125 bytes, version 1"));
    assert_non_null(strstr(text, "lower-minutes: no file (required"));
    a.part = "lower-minutes";
    Exemplar__Attachment r = a, *both[] = {&a, &r};
    r.part = "report";
    d.attachments = both;
    d.n_attachments = 2;
    assert_true(dossier_files_complete(s, &d, missing, sizeof(missing)));

    rulebook_requiring("acclamation, photos", &b, err, sizeof(err), &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "photos"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(files_are_kept_by_content_type_and_version,
                                        fixture_setup_registration, fixture_teardown),
        cmocka_unit_test_setup_teardown(wrong_type_size_part_and_unit_are_refused,
                                        fixture_setup_registration, fixture_teardown),
    };
    const struct CMUnitTest rules[] = {
        cmocka_unit_test(required_files_make_the_dossier_complete),
    };
    int failed = cmocka_run_group_tests_name("api_dossier", tests, NULL, NULL);
    return failed + cmocka_run_group_tests_name("dossier_rules", rules, NULL, NULL);
}
