/* SPDX-License-Identifier: MIT */
/*
 * The store's consistency checks (fsck.h): what can be derived against what
 * it is derived from.  The daemon's fsck request (api_ops.c) and
 * exemplarctl's restore, on a backup before it is installed, run these same
 * checks.
 *
 *   - by_state: every nomination has exactly one live entry, the one under
 *     (state, campaign, state_seq) naming it; stale entries (a state it has
 *     left) are allowed and counted, housekeeping sweeps them;
 *   - by_unit: every nomination has its (unit, id) entry, and every entry
 *     names an existing nomination of that unit;
 *   - history: the chain from last_seq back through prev_seq reaches a
 *     registration (from STATE_NONE, prev_seq 0) and, replayed forwards,
 *     gives the nomination's state, version and state_seq;
 *   - the change log: sequences 1..last without a gap;
 *   - blobs: each one's bytes hash to its key (SHA-256), and every file a
 *     dossier lists names a blob that is there, of the size it says.
 */
#include "fsck.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blobs.h"
#include "dossier.pb-c.h"
#include "decisions.h"
#include "errors.h"
#include "i18n.h"
#include "key.h"
#include "names.h"
#include "records.h"

#define FSCK_SENTENCE_MAX 256

/* A long check is work, not a hang: the caller's tick (the service
 * manager's watchdog) every 64 Ki records. */
static void keep_alive(fsck_t *f)
{
    if ((++f->records & 0xffff) == 0 && f->tick)
        f->tick();
}

__attribute__((format(printf, 2, 0))) static void vproblem(fsck_t *f, const char *fmt, va_list ap)
{
    f->problems++;
    if (f->kept == f->want)
        return;
    char *s = malloc(FSCK_SENTENCE_MAX);
    if (!s)
        return;
    vsnprintf(s, FSCK_SENTENCE_MAX, fmt, ap);
    f->sentences[f->kept++] = s;
}

/* A problem of the history, the change log or a record: not derivable. */
__attribute__((format(printf, 2, 3))) static void problem(fsck_t *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vproblem(f, fmt, ap);
    va_end(ap);
}

void fsck_problem(fsck_t *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vproblem(f, fmt, ap);
    va_end(ap);
}

void fsck_index_problem(fsck_t *f, const char *fmt, ...)
{
    f->index_problems++;
    va_list ap;
    va_start(ap, fmt);
    vproblem(f, fmt, ap);
    va_end(ap);
}

/* A state's name in a sentence, in the current language (vi.po, "state"). */
static const char *state_name(Exemplar__State s)
{
    const char *n = ex_state_name(s);
    return n ? l10n_pgettext("state", n) : "none";
}

static void bump(uint8_t *counts, uint64_t max_id, uint64_t id)
{
    if (id >= 1 && id <= max_id && counts[id] < UINT8_MAX)
        counts[id]++;
}

/* The by_state index: live, stale and entries naming nothing. */
static int check_by_state(fsck_t *f)
{
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(f->txn, DB_BY_STATE, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        keep_alive(f);
        f->out->by_state_entries++;
        uint64_t id = records_state_entry_id(&v);
        uint64_t seq = key_tail_u64(k.data, k.len);
        Exemplar__Nomination *n = NULL;
        int got = id ? records_get_nomination(f->txn, id, &n) : -EX_ENOTFOUND;
        if (got == -EX_ENOTFOUND) {
            fsck_index_problem(f,
                               _("by_state entry of change %" PRIu64 " names nomination %" PRIu64
                                 ", which does not exist"),
                               seq, id);
            continue;
        }
        if (got < 0) {
            rc = got;
            break;
        }
        if (!records_state_entry_live(n, &k)) {
            f->out->by_state_stale++;
        } else {
            uint8_t want[KEY_MAX];
            size_t wlen = key_by_state(want, n->state, n->campaign, n->state_seq);
            if (wlen != k.len || memcmp(want, k.data, wlen) != 0)
                fsck_index_problem(f,
                                   _("by_state entry of change %" PRIu64
                                     " lists nomination %" PRIu64
                                     " as %s under another campaign than its own (%s)"),
                                   seq, id, state_name(n->state), n->campaign);
            bump(f->live, f->max_id, id);
        }
        exemplar__nomination__free_unpacked(n, NULL);
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}

/* The by_unit index: every entry names a nomination of that unit. */
static int check_by_unit(fsck_t *f)
{
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(f->txn, DB_BY_UNIT, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        keep_alive(f);
        f->out->by_unit_entries++;
        uint64_t id = key_tail_u64(k.data, k.len);
        size_t ulen = k.len > 9 ? k.len - 9 : 0;
        char unit[KEY_UNIT_MAX + 1];
        snprintf(unit, sizeof(unit), "%.*s", (int)(ulen < KEY_UNIT_MAX ? ulen : KEY_UNIT_MAX),
                 (const char *)k.data);
        Exemplar__Nomination *n = NULL;
        int got = records_get_nomination(f->txn, id, &n);
        if (got == -EX_ENOTFOUND) {
            fsck_index_problem(
                f, "by_unit entry of unit %s names nomination %" PRIu64 ", which does not exist",
                unit, id);
            continue;
        }
        if (got < 0) {
            rc = got;
            break;
        }
        if (strcmp(n->unit, unit) != 0)
            fsck_index_problem(f,
                               _("by_unit entry of unit %s names nomination %" PRIu64
                                 ", which belongs to unit %s"),
                               unit, id, n->unit);
        else
            bump(f->units, f->max_id, id);
        exemplar__nomination__free_unpacked(n, NULL);
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}

/* Walks n's chain back to its registration and replays it forwards. */
static int check_history(fsck_t *f, const Exemplar__Nomination *n)
{
    /* The chain, newest first; a chain is never longer than the log. */
    size_t cap = 16, len = 0;
    uint64_t *seqs = malloc(cap * sizeof(*seqs));
    if (!seqs)
        return -EX_EINTERNAL;
    int rc = 0;
    bool broken = false;
    for (uint64_t seq = n->last_seq; seq;) {
        Exemplar__Change *c = NULL;
        int got = records_get_change(f->txn, seq, &c);
        if (got == -EX_ENOTFOUND) {
            problem(f,
                    _("nomination %" PRIu64 ": its history refers to change %" PRIu64
                      ", which does not exist"),
                    n->id, seq);
            broken = true;
            break;
        }
        if (got < 0) {
            rc = got;
            break;
        }
        uint64_t prev = c->prev_seq, owner = c->nomination_id;
        exemplar__change__free_unpacked(c, NULL);
        if (owner != n->id) {
            problem(f,
                    _("nomination %" PRIu64 ": change %" PRIu64
                      " of its history belongs to nomination %" PRIu64),
                    n->id, seq, owner);
            broken = true;
            break;
        }
        if (prev >= seq) {
            problem(
                f,
                _("nomination %" PRIu64 ": change %" PRIu64 " points forwards to change %" PRIu64),
                n->id, seq, prev);
            broken = true;
            break;
        }
        if (len == cap) {
            uint64_t *more = realloc(seqs, 2 * cap * sizeof(*seqs));
            if (!more) {
                rc = -EX_EINTERNAL;
                break;
            }
            seqs = more;
            cap *= 2;
        }
        seqs[len++] = seq;
        seq = prev;
    }
    if (rc < 0 || broken || len == 0) {
        if (rc == 0 && !broken)
            problem(f, _("nomination %" PRIu64 " has no history (last_seq 0)"), n->id);
        free(seqs);
        return rc;
    }
    /* Forwards from the oldest. */
    Exemplar__State state = EXEMPLAR__STATE__STATE_NONE;
    uint64_t version = 0, state_seq = 0;
    for (size_t i = len; i-- > 0 && rc == 0;) {
        Exemplar__Change *c = NULL;
        if ((rc = records_get_change(f->txn, seqs[i], &c)) < 0)
            break;
        bool first = i == len - 1;
        if (first && (c->from != EXEMPLAR__STATE__STATE_NONE || c->version != 1))
            problem(f,
                    _("nomination %" PRIu64 ": its oldest change %" PRIu64
                      " is not a registration (from %s, version %" PRIu64 ")"),
                    n->id, c->seq, state_name(c->from), c->version);
        else if (!first && c->from != state)
            problem(f,
                    _("nomination %" PRIu64 ": change %" PRIu64 " moves from %s, but the "
                      "history before it ends in %s"),
                    n->id, c->seq, state_name(c->from), state_name(state));
        else if (!first && c->version != version + (c->from != c->to))
            problem(f,
                    _("nomination %" PRIu64 ": change %" PRIu64 " has version %" PRIu64
                      " after version %" PRIu64),
                    n->id, c->seq, c->version, version);
        state = c->to;
        version = c->version;
        if (first || c->from != c->to)
            state_seq = c->seq;
        exemplar__change__free_unpacked(c, NULL);
    }
    if (rc == 0 && (state != n->state || version != n->version || state_seq != n->state_seq))
        problem(f,
                _("nomination %" PRIu64 ": its history replays to %s version %" PRIu64
                  " (moved at change %" PRIu64 "), but it is %s version %" PRIu64
                  " (moved at change %" PRIu64 ")"),
                n->id, state_name(state), version, state_seq, state_name(n->state), n->version,
                n->state_seq);
    free(seqs);
    return rc;
}

/* Every nomination: its index entries and its history. */
static int check_nominations(fsck_t *f)
{
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(f->txn, DB_NOMINATIONS, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        keep_alive(f);
        f->out->nominations++;
        uint64_t key = k.len == 8 ? key_get_u64(k.data) : 0;
        Exemplar__Nomination *n = exemplar__nomination__unpack(NULL, v.len, v.data);
        if (!n || n->id != key) {
            problem(f, _("nomination record %" PRIu64 " does not decode or names another id"), key);
            if (n)
                exemplar__nomination__free_unpacked(n, NULL);
            continue;
        }
        uint64_t id = n->id;
        unsigned live = id <= f->max_id ? f->live[id] : 0;
        unsigned units = id <= f->max_id ? f->units[id] : 0;
        if (live != 1)
            fsck_index_problem(
                f, "nomination %" PRIu64 " (%s) has %u live by_state entries instead of 1", id,
                state_name(n->state), live);
        if (units != 1)
            fsck_index_problem(
                f, "nomination %" PRIu64 " of unit %s has %u by_unit entries instead of 1", id,
                n->unit, units);
        rc = check_history(f, n);
        exemplar__nomination__free_unpacked(n, NULL);
        if (rc < 0)
            break;
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}

/* The change log: 1..last, each record under its own sequence. */
static int check_change_log(fsck_t *f)
{
    store_iter_t it;
    store_val_t k, v;
    uint64_t expect = 1;
    int rc = store_iter_open(f->txn, DB_CHANGES, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        keep_alive(f);
        f->out->changes++;
        uint64_t seq = k.len == 8 ? key_get_u64(k.data) : 0;
        if (seq != expect) {
            if (seq == expect + 1)
                problem(f, _("the change log has a gap: change %" PRIu64 " is missing"), expect);
            else if (seq > expect)
                problem(f,
                        _("the change log has a gap: changes %" PRIu64 "..%" PRIu64 " are missing"),
                        expect, seq - 1);
            else
                problem(f, _("the change log has a malformed key after change %" PRIu64),
                        expect - 1);
        }
        expect = seq + 1;
        f->out->last_seq = seq;
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}

int fsck_init(fsck_t *f, store_txn_t *t, uint64_t max_id, size_t want, Exemplar__FsckReply *out)
{
    memset(f, 0, sizeof(*f));
    f->txn = t;
    f->out = out;
    f->max_id = max_id;
    f->want = want;
    f->live = calloc(max_id + 1, 1);
    f->units = calloc(max_id + 1, 1);
    f->sentences = calloc(want ? want : 1, sizeof(*f->sentences));
    if (f->live && f->units && f->sentences)
        return 0;
    fsck_deinit(f);
    return -EX_EINTERNAL;
}

static void bad_blob(void *arg, const uint8_t sha[BLOBS_SHA_LEN])
{
    char hex[BLOBS_HEX_LEN];
    blobs_hex(sha, hex);
    problem(arg, _("blob %s: its bytes no longer hash to its SHA-256 (a damaged file)"), hex);
}

/* Every blob against its key; every dossier file against its blob. */
static int check_blobs(fsck_t *f)
{
    uint64_t n = 0;
    int rc = blobs_verify(f->txn, bad_blob, f, &n);
    if (rc < 0)
        return rc;
    store_iter_t it;
    store_val_t k, v;
    rc = store_iter_open(f->txn, DB_DOSSIERS, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        keep_alive(f);
        Exemplar__Dossier *d = exemplar__dossier__unpack(NULL, v.len, v.data);
        uint64_t id = k.len == 8 ? key_get_u64(k.data) : 0;
        if (!d) {
            problem(f, _("the dossier of nomination %" PRIu64 " does not decode"), id);
            continue;
        }
        for (size_t i = 0; i < d->n_attachments; i++) {
            const Exemplar__Attachment *a = d->attachments[i];
            const void *bytes;
            size_t len;
            if (a->sha256.len != BLOBS_SHA_LEN ||
                blobs_get(f->txn, a->sha256.data, &bytes, &len) < 0)
                problem(f,
                        _("nomination %" PRIu64 ": file %s of part %s version %u has no blob in "
                          "the store"),
                        id, a->filename, a->part, a->version);
            else if (len != a->size)
                problem(f,
                        _("nomination %" PRIu64 ": file %s of part %s version %u is listed with "
                          "%" PRIu64 " bytes, its blob has %zu"),
                        id, a->filename, a->part, a->version, a->size, len);
        }
        exemplar__dossier__free_unpacked(d, NULL);
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}

static void decision_problem(void *arg, const char *sentence)
{
    problem(arg, "%s", sentence);
}

int fsck_run(fsck_t *f)
{
    int rc = check_change_log(f);
    if (rc == 0)
        rc = check_by_state(f);
    if (rc == 0)
        rc = check_by_unit(f);
    if (rc == 0)
        rc = check_nominations(f);
    if (rc == 0)
        rc = check_blobs(f);
    if (rc == 0) /* the issued decisions: their meeting, list and file */
        rc = decisions_check(f->txn, decision_problem, f);
    f->out->problems = f->problems;
    return rc;
}

void fsck_deinit(fsck_t *f)
{
    for (size_t i = 0; f->sentences && i < f->kept; i++)
        free(f->sentences[i]);
    free(f->sentences);
    free(f->live);
    free(f->units);
    f->sentences = NULL;
    f->live = f->units = NULL;
    f->kept = 0;
}
