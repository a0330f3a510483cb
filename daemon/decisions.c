/* SPDX-License-Identifier: MIT */
/*
 * The issued recognition decisions, stored (see decisions.h), and their
 * consistency check: a decision is history the recognitions rest on, so a
 * missing file or a listed nomination that does not exist is reported.
 */
#include "decisions.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "blobs.h"
#include "errors.h"
#include "i18n.h"
#include "key.h"
#include "record.pb-c.h"
#include "records.h"

int decisions_get(store_txn_t *t, const char *number, Exemplar__RecognitionDecision **out)
{
    size_t n = strlen(number);
    if (n == 0 || n > DECISIONS_NUMBER_MAX)
        return -EX_ENOTFOUND;
    store_val_t v;
    int rc = store_get(t, DB_DECISIONS, number, n, &v);
    if (rc < 0)
        return rc;
    *out = exemplar__recognition_decision__unpack(NULL, v.len, v.data);
    return *out ? 0 : -EX_ESTORAGE;
}

void decisions_put(store_txn_t *t, const Exemplar__RecognitionDecision *d)
{
    records_put_message(t, DB_DECISIONS, d->number, strlen(d->number), &d->base);
}

bool decisions_lists(const Exemplar__RecognitionDecision *d, uint64_t id)
{
    for (size_t i = 0; i < d->n_nominations; i++)
        if (d->nominations[i] == id)
            return true;
    return false;
}

static bool exists(store_txn_t *t, store_db_t db, uint64_t id)
{
    uint8_t k[8];
    store_val_t v;
    key_put_u64(k, id);
    return store_get(t, db, k, sizeof(k), &v) == 0;
}

static void check_one(store_txn_t *t, const store_val_t *k, const store_val_t *v,
                      void (*problem)(void *arg, const char *sentence), void *arg)
{
    char s[256];
    Exemplar__RecognitionDecision *d =
        exemplar__recognition_decision__unpack(NULL, v->len, v->data);
    if (!d) {
        snprintf(s, sizeof(s), _("decision %.*s does not decode"), (int)(k->len > 64 ? 64 : k->len),
                 (const char *)k->data);
        problem(arg, s);
        return;
    }
    if (strlen(d->number) != k->len || memcmp(d->number, k->data, k->len) != 0) {
        snprintf(s, sizeof(s), _("decision %s is stored under another number"), d->number);
        problem(arg, s);
    }
    if (!exists(t, DB_MEETINGS, d->meeting_id)) {
        snprintf(s, sizeof(s), _("decision %s names meeting %" PRIu64 ", which does not exist"),
                 d->number, d->meeting_id);
        problem(arg, s);
    }
    for (size_t i = 0; i < d->n_nominations; i++)
        if (!exists(t, DB_NOMINATIONS, d->nominations[i])) {
            snprintf(s, sizeof(s),
                     _("decision %s lists nomination %" PRIu64 ", which does not exist"), d->number,
                     d->nominations[i]);
            problem(arg, s);
        }
    uint8_t sha[BLOBS_SHA_LEN], got[BLOBS_SHA_LEN];
    const void *bytes = NULL;
    size_t len = 0;
    if (blobs_unhex(d->file_sha256, sha) < 0 || blobs_get(t, sha, &bytes, &len) < 0) {
        snprintf(s, sizeof(s), _("decision %s: its issued file (SHA-256 %.64s) is not stored"),
                 d->number, d->file_sha256);
        problem(arg, s);
    } else if (blobs_hash(bytes, len, got),
               memcmp(got, sha, sizeof(sha)) != 0 || len != d->file_size) {
        snprintf(s, sizeof(s), _("decision %s: its issued file does not match its SHA-256 or size"),
                 d->number);
        problem(arg, s);
    }
    exemplar__recognition_decision__free_unpacked(d, NULL);
}

int decisions_check(store_txn_t *t, void (*problem)(void *arg, const char *sentence), void *arg)
{
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(t, DB_DECISIONS, &it);
    if (rc < 0)
        return rc;
    for (rc = store_iter_seek(&it, NULL, 0, &k, &v); rc == 0; rc = store_iter_next(&it, &k, &v))
        check_one(t, &k, &v, problem, arg);
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}
