/* SPDX-License-Identifier: MIT */
/*
 * The export format (exportfmt.h): the table of exported databases and the
 * strict reading of a line and of a record.  An import must never store
 * what the api would have refused: a store filled with invalid UTF-8 passes
 * fsck but breaks every client that decodes its replies.
 */
#include "exportfmt.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.pb-c.h"
#include "blobs.h"
#include "errors.h"
#include "events.pb-c.h"
#include "i18n.h"
#include "key.h"
#include "pbjson.h"
#include "council.pb-c.h"
#include "dossier.pb-c.h"
#include "plans.pb-c.h"
#include "record.pb-c.h"
#include "rules.pb-c.h"
#include "workers.pb-c.h"
#include "text.h"

const exportfmt_type_t EXPORTFMT_TYPES[] = {
    {DB_UNITS, "unit", &exemplar__unit__descriptor},
    {DB_CAMPAIGNS, "campaign", NULL},
    {DB_EVIDENCE, "evidence", &exemplar__evidence__descriptor},
    {DB_PLANS, "plan", &exemplar__unit_plan__descriptor},
    {DB_PUBLISHERS, "publisher", &exemplar__publisher_record__descriptor},
    {DB_EVENTS, "event", &exemplar__event__descriptor},
    {DB_NOMINATIONS, "nomination", &exemplar__nomination__descriptor},
    {DB_CHANGES, "change", &exemplar__change__descriptor},
    {DB_AUDIT, "audit", &exemplar__audit_entry__descriptor},
    {DB_REQUESTS, "request", &exemplar__request_record__descriptor},
    {DB_TIMERS, "timer", &exemplar__timer__descriptor},
    {DB_JOBS, "job", &exemplar__job__descriptor},
    {DB_USERS, "user", &exemplar__local_user__descriptor}, /* local accounts (users.h) */
    {DB_TITLE_ALIASES, "title_alias", &exemplar__title_alias__descriptor},
    {DB_FACTS_UNMATCHED, "unmatched_fact", &exemplar__event__descriptor},
    /* the council (council_store.h): the counts and the voters are two
     * databases, so an export line never holds a choice next to a voter */
    {DB_COUNCILS, "council", &exemplar__council__descriptor},
    {DB_MEETINGS, "meeting", &exemplar__meeting__descriptor},
    {DB_BALLOTS, "ballot_tally", &exemplar__ballot_tally__descriptor},
    {DB_BALLOT_VOTERS, "ballot_voter", &exemplar__ballot_voter__descriptor},
    /* the unit's dossier of a nomination (dossier.h) */
    {DB_DOSSIERS, "dossier", &exemplar__dossier__descriptor},
    /* files by their SHA-256 (blobs.h): the value is the bytes in base64,
     * checked against the key on import */
    {DB_BLOBS, "blob", NULL, true},
    /* the issued recognition decisions (decisions.h); their files are blobs */
    {DB_DECISIONS, "decision", &exemplar__recognition_decision__descriptor},
};
const size_t EXPORTFMT_COUNT = sizeof(EXPORTFMT_TYPES) / sizeof(EXPORTFMT_TYPES[0]);

/* The meta database keeps the schema version (in the header) and the events
 * index position (starts over); the others are indexes and the quarterly
 * tallies, which the daemon builds from the change log. */
const store_db_t EXPORTFMT_DERIVED[] = {
    DB_META,           DB_BY_STATE,          DB_BY_UNIT,          DB_BY_SUBJECT,
    DB_EVENTS_SEEN,    DB_EVENTS_BY_SUBJECT, DB_TIMER_DUE,        DB_JOB_QUEUE,
    DB_TALLY,          DB_TALLY_MOVES,       DB_TALLY_RECOGNIZED, DB_TALLY_REVIEW,
    DB_TALLY_QUARTERS, DB_TALLY_DAYS,        DB_TALLY_GAPS,       DB_TALLY_DIRTY};
const size_t EXPORTFMT_DERIVED_COUNT = sizeof(EXPORTFMT_DERIVED) / sizeof(EXPORTFMT_DERIVED[0]);

int exportfmt_unknown_database(void)
{
    for (int db = 0; db < DB_COUNT; db++) {
        bool known = false;
        for (size_t i = 0; i < EXPORTFMT_COUNT; i++)
            known |= EXPORTFMT_TYPES[i].db == (store_db_t)db;
        for (size_t i = 0; i < EXPORTFMT_DERIVED_COUNT; i++)
            known |= EXPORTFMT_DERIVED[i] == (store_db_t)db;
        if (!known)
            return db;
    }
    return -1;
}

int exportfmt_counts(store_txn_t *t, uint64_t *nominations, uint64_t *last_seq)
{
    store_iter_t it;
    store_val_t k, v;
    *nominations = store_count(t, DB_NOMINATIONS);
    *last_seq = 0;
    int rc = store_iter_open(t, DB_CHANGES, &it);
    if (rc == 0) {
        rc = store_iter_last(&it, &k, &v);
        if (rc == 0 && k.len == 8)
            *last_seq = key_get_u64(k.data);
        if (rc == -EX_ENOTFOUND)
            rc = 0;
        store_iter_close(&it);
    }
    return rc;
}

static void put_line(FILE *f, json_object *o)
{
    fputs(
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
        f);
    fputc('\n', f);
    json_object_put(o);
}

/* Writes every record of one database; adds to *count. */
static int export_db(store_txn_t *t, const exportfmt_type_t *x, FILE *f, uint64_t *count, char *err,
                     size_t errlen)
{
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(t, x->db, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    while (rc == 0) {
        json_object *value;
        if (x->desc) {
            ProtobufCMessage *m = protobuf_c_message_unpack(x->desc, NULL, v.len, v.data);
            if (!m) {
                snprintf(err, errlen, _("a %s record does not decode: the store is damaged (fsck)"),
                         x->type);
                rc = -EX_ESTORAGE;
                break;
            }
            value = pbjson_from_message(m);
            protobuf_c_message_free_unpacked(m, NULL);
        } else if (x->blob) {
            value = pbjson_base64(v.data, v.len);
        } else {
            value = json_object_new_string_len(v.data, (int)v.len);
        }
        json_object *line = json_object_new_object();
        json_object_object_add(line, "type", json_object_new_string(x->type));
        json_object_object_add(line, "key", pbjson_base64(k.data, k.len));
        json_object_object_add(line, "value", value);
        put_line(f, line);
        (*count)++;
        rc = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        return 0;
    if (rc < 0 && !err[0])
        snprintf(err, errlen, _("cannot read the %s records"), x->type);
    return rc;
}

int exportfmt_write(store_txn_t *t, FILE *f, uint64_t *records, uint64_t *nominations,
                    uint64_t *last_seq, char *err, size_t errlen)
{
    *records = 0;
    err[0] = '\0';
    int db = exportfmt_unknown_database();
    if (db >= 0) {
        snprintf(err, errlen,
                 _("this exemplard does not know how to export database %d; use backup"), db);
        return -EX_EINTERNAL;
    }
    int rc = exportfmt_counts(t, nominations, last_seq);
    if (rc < 0) {
        snprintf(err, errlen, _("cannot read the change log"));
        return rc;
    }
    json_object *head = json_object_new_object();
    json_object_object_add(head, "type", json_object_new_string("header"));
    json_object_object_add(head, "format", json_object_new_string(EXPORTFMT_FORMAT));
    json_object_object_add(head, "format_version", json_object_new_int(EXPORTFMT_VERSION));
    json_object_object_add(head, "schema_version", json_object_new_int(STORE_SCHEMA_VERSION));
    json_object_object_add(head, "last_seq", json_object_new_uint64(*last_seq));
    json_object_object_add(head, "nominations", json_object_new_uint64(*nominations));
    put_line(f, head);
    for (size_t i = 0; rc == 0 && i < EXPORTFMT_COUNT; i++)
        rc = export_db(t, &EXPORTFMT_TYPES[i], f, records, err, errlen);
    if (rc < 0)
        return rc;
    json_object *end = json_object_new_object();
    json_object_object_add(end, "type", json_object_new_string("end"));
    json_object_object_add(end, "records", json_object_new_uint64(*records));
    put_line(f, end);
    return 0;
}

/* The same limits the api applies (api.c, api_events.h, key.h). */
#define NAME_MAX_BYTES 256
#define SUBJECT_MAX    64
#define PUBLISHER_MAX  32
#define KEY_BYTES_MAX  511

typedef enum {
    CHECK_CODE,     /* a unit code: text_is_code, upper case */
    CHECK_CAMPAIGN, /* a campaign id: text_is_code, lower case allowed */
    CHECK_SUBJECT,  /* a subject id: text_is_subject */
    CHECK_NAME,     /* a name: text_normalize one line, and already NFC */
} check_t;

/* The fields the api restricts beyond "text": which record, which field,
 * which check, and whether it may be empty. */
static const struct {
    const char *type, *field;
    check_t check;
    size_t max;
    bool optional;
} FIELD_CHECKS[] = {
    {"unit", "code", CHECK_CODE, KEY_UNIT_MAX, false},
    {"unit", "name", CHECK_NAME, NAME_MAX_BYTES, false},
    {"nomination", "unit", CHECK_CODE, KEY_UNIT_MAX, false},
    {"nomination", "campaign", CHECK_CAMPAIGN, KEY_CAMPAIGN_MAX, true},
    {"nomination", "name", CHECK_NAME, NAME_MAX_BYTES, false},
    {"nomination", "subject", CHECK_SUBJECT, SUBJECT_MAX, true},
    {"nomination", "head_of", CHECK_SUBJECT, SUBJECT_MAX, true},
    {"evidence", "subject", CHECK_SUBJECT, SUBJECT_MAX, false},
    {"event", "publisher", CHECK_CAMPAIGN, PUBLISHER_MAX, false},
    {"event", "subject", CHECK_SUBJECT, SUBJECT_MAX, false},
};

const exportfmt_type_t *exportfmt_find(const char *type)
{
    for (size_t i = 0; i < EXPORTFMT_COUNT; i++)
        if (strcmp(EXPORTFMT_TYPES[i].type, type) == 0)
            return &EXPORTFMT_TYPES[i];
    return NULL;
}

int exportfmt_parse_line(const char *line, size_t len, json_object **out, char *err, size_t errlen)
{
    *out = NULL;
    while (len > 0 && line[len - 1] == '\n')
        len--;
    if (memchr(line, '\0', len)) {
        snprintf(err, errlen, _("a NUL byte is not JSON"));
        return -EX_EINVALID;
    }
    if (len > INT32_MAX) {
        snprintf(err, errlen, _("the line is too long"));
        return -EX_EINVALID;
    }
    json_tokener *tok = json_tokener_new();
    if (!tok) {
        snprintf(err, errlen, "out of memory");
        return -EX_EINTERNAL;
    }
    /* trailing text is allowed by the tokenizer only to be refused below with
     * a sentence of its own */
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
                                    JSON_TOKENER_VALIDATE_UTF8);
    json_object *o = json_tokener_parse_ex(tok, line, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    int rc = 0;
    if (jerr == json_tokener_continue) {
        snprintf(err, errlen, _("the JSON object is not closed on its line"));
        rc = -EX_EINVALID;
    } else if (jerr != json_tokener_success || !o) {
        snprintf(err, errlen, _("not strict JSON at byte %zu (%s)"), end + 1,
                 json_tokener_error_desc(jerr));
        rc = -EX_EINVALID;
    } else if (!json_object_is_type(o, json_type_object)) {
        snprintf(err, errlen, _("not a JSON object"));
        rc = -EX_EINVALID;
    } else {
        for (size_t i = end; rc == 0 && i < len; i++)
            if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
                snprintf(err, errlen, _("text after the JSON object at byte %zu"), i + 1);
                rc = -EX_EINVALID;
            }
    }
    json_object *jt;
    if (rc == 0 && (!json_object_object_get_ex(o, "type", &jt) ||
                    !json_object_is_type(jt, json_type_string))) {
        snprintf(err, errlen, _("a line needs a string \"type\""));
        rc = -EX_EINVALID;
    }
    if (rc < 0) {
        json_object_put(o);
        return rc;
    }
    *out = o;
    return 0;
}

/* A string as the api takes text: UTF-8 without NUL or control characters
 * (newline and tab allowed).  NULL when fine, else why not. */
static const char *text_problem(const char *s, size_t len)
{
    if (strlen(s) != len)
        return _("holds a NUL character");
    char *nfc = NULL;
    int rc = text_normalize(s, len + 64, false, true, &nfc);
    free(nfc);
    if (rc == -EX_EINTERNAL)
        return _("cannot be checked (out of memory)");
    return rc < 0 ? _("is not UTF-8 text (invalid UTF-8 or a control character)") : NULL;
}

/* Every string in o, keys included, as text; path names the place. */
static int check_strings(json_object *o, char *path, size_t pathlen, char *err, size_t errlen)
{
    size_t used = strlen(path);
    const char *why;
    switch (json_object_get_type(o)) {
    case json_type_string:
        why = text_problem(json_object_get_string(o), (size_t)json_object_get_string_len(o));
        if (why) {
            snprintf(err, errlen, "%s %s", path, why);
            return -EX_EINVALID;
        }
        return 0;
    case json_type_object: {
        json_object_object_foreach(o, k, v)
        {
            if ((why = text_problem(k, strlen(k)))) {
                snprintf(err, errlen, _("a member name in %s %s"), path, why);
                return -EX_EINVALID;
            }
            snprintf(path + used, pathlen - used, ".%s", k);
            int rc = check_strings(v, path, pathlen, err, errlen);
            path[used] = '\0';
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(o); i++) {
            snprintf(path + used, pathlen - used, "[%zu]", i);
            int rc = check_strings(json_object_array_get_idx(o, i), path, pathlen, err, errlen);
            path[used] = '\0';
            if (rc < 0)
                return rc;
        }
        return 0;
    default:
        return 0;
    }
}

/* The restricted fields of a decoded record. */
static int check_fields(const exportfmt_type_t *x, const ProtobufCMessage *m, char *err,
                        size_t errlen)
{
    for (size_t i = 0; i < sizeof(FIELD_CHECKS) / sizeof(FIELD_CHECKS[0]); i++) {
        if (strcmp(FIELD_CHECKS[i].type, x->type) != 0)
            continue;
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name(x->desc, FIELD_CHECKS[i].field);
        if (!f || f->type != PROTOBUF_C_TYPE_STRING || f->label == PROTOBUF_C_LABEL_REPEATED)
            continue; /* the table names a field this schema does not have */
        const char *s = *(const char *const *)((const char *)m + f->offset);
        if (!s)
            s = "";
        size_t max = FIELD_CHECKS[i].max;
        bool ok = true;
        const char *want = "";
        char bad[160]; /* want may point here: it must outlive the branches */
        if (!s[0]) {
            ok = FIELD_CHECKS[i].optional;
            want = _("must not be empty");
        } else if (FIELD_CHECKS[i].check == CHECK_CODE) {
            ok = text_is_code(s, max, false);
            want = _("must be 1-16 of A-Z 0-9 . _ -");
        } else if (FIELD_CHECKS[i].check == CHECK_CAMPAIGN) {
            ok = text_is_code(s, max, true);
            want = _("must be letters, digits, '.', '_' and '-'");
        } else if (FIELD_CHECKS[i].check == CHECK_SUBJECT) {
            ok = text_is_subject(s, max);
            want = _("must be 1-64 of letters, digits, '.', '_', '-', ':' and '/'");
        } else {
            /* The api's own name check: a name it would refuse (invisible
             * or bidi characters, only spaces) is not imported either. */
            char *nfc = NULL;
            int rc = text_check_name(s, max, &nfc, bad, sizeof(bad));
            ok = rc == 0 && strcmp(nfc, s) == 0;
            want =
                rc < 0 ? bad : _("is not as the api stores names (Unicode NFC, no outer spaces)");
            free(nfc);
        }
        if (!ok) {
            snprintf(err, errlen, _("%s value: %s %s"), x->type, FIELD_CHECKS[i].field, want);
            return -EX_EINVALID;
        }
    }
    return 0;
}

void exportfmt_record_free(exportfmt_record_t *r)
{
    free(r->key);
    free(r->val);
    r->key = r->val = NULL;
}

int exportfmt_record(json_object *line, exportfmt_record_t *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof(*r));
    json_object *jt, *jk, *jv;
    if (!json_object_object_get_ex(line, "type", &jt) ||
        !json_object_object_get_ex(line, "key", &jk) ||
        !json_object_object_get_ex(line, "value", &jv) || json_object_object_length(line) != 3) {
        snprintf(err, errlen, _("a record has type, key and value, and nothing else"));
        return -EX_EINVALID;
    }
    /* json-c gives a string for any type (a null's is NULL) */
    const char *type = json_object_is_type(jt, json_type_string) ? json_object_get_string(jt) : "";
    r->type = exportfmt_find(type);
    if (!r->type) {
        snprintf(err, errlen, _("unknown record type '%.64s'"), type);
        return -EX_EINVALID;
    }
    if (!json_object_is_type(jk, json_type_string) ||
        pbjson_unbase64(json_object_get_string(jk), (size_t)json_object_get_string_len(jk), &r->key,
                        &r->klen) < 0 ||
        r->klen == 0 || r->klen > KEY_BYTES_MAX) {
        exportfmt_record_free(r);
        snprintf(err, errlen, _("key must be 1-511 bytes in base64"));
        return -EX_EINVALID;
    }
    char path[256];
    snprintf(path, sizeof(path), "%s value", r->type->type);
    int rc = check_strings(jv, path, sizeof(path), err, errlen);
    if (rc == 0 && r->type->blob) {
        uint8_t sha[BLOBS_SHA_LEN];
        if (!json_object_is_type(jv, json_type_string) ||
            pbjson_unbase64(json_object_get_string(jv), (size_t)json_object_get_string_len(jv),
                            &r->val, &r->vlen) < 0) {
            snprintf(err, errlen, _("a %s value is its bytes in base64"), r->type->type);
            rc = -EX_EINVALID;
        } else if (blobs_hash(r->val, r->vlen, sha),
                   r->klen != BLOBS_SHA_LEN || memcmp(sha, r->key, BLOBS_SHA_LEN) != 0) {
            /* a blob's key is its content's SHA-256: anything else is a
             * damaged or edited export */
            snprintf(err, errlen, _("a blob's bytes do not match its SHA-256 key"));
            rc = -EX_EINVALID;
        }
    } else if (rc == 0 && !r->type->desc) {
        if (!json_object_is_type(jv, json_type_string)) {
            snprintf(err, errlen, _("a %s value is a string"), r->type->type);
            rc = -EX_EINVALID;
        } else {
            r->vlen = (size_t)json_object_get_string_len(jv);
            r->val = malloc(r->vlen + 1);
            if (r->val)
                memcpy(r->val, json_object_get_string(jv), r->vlen);
            else
                rc = -EX_EINTERNAL;
        }
    } else if (rc == 0) {
        /* the stored bytes are pbjson's packing, as export read them */
        char why[256];
        ProtobufCMessage *m = NULL;
        if (pbjson_to_packed(r->type->desc, jv, &r->val, &r->vlen, why, sizeof(why)) < 0) {
            snprintf(err, errlen, "%s value: %s", r->type->type, why);
            rc = -EX_EINVALID;
        } else if (!(m = protobuf_c_message_unpack(r->type->desc, NULL, r->vlen, r->val))) {
            snprintf(err, errlen, _("%s value: the record does not encode"), r->type->type);
            rc = -EX_EINVALID;
        } else {
            rc = check_fields(r->type, m, err, errlen);
            protobuf_c_message_free_unpacked(m, NULL);
        }
    }
    if (rc == -EX_EINTERNAL)
        snprintf(err, errlen, "out of memory");
    if (rc < 0)
        exportfmt_record_free(r);
    return rc;
}
