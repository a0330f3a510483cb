/* SPDX-License-Identifier: MIT */
/*
 * Operator tools (issue 8): as-of lists rewind nominations through their
 * histories (api_ops_rewind); fsck checks what can be derived against what it
 * is derived from, and rebuilds the derivable indexes on request.
 *
 *   - by_state: every nomination has exactly one live entry, the one under
 *     (state, campaign, state_seq) naming it; stale entries (a state it has
 *     left) are allowed and counted, housekeeping sweeps them;
 *   - by_unit: every nomination has its (unit, id) entry, and every entry
 *     names an existing nomination of that unit;
 *   - history: the chain from last_seq back through prev_seq reaches a
 *     registration (from STATE_NONE, prev_seq 0) and, replayed forwards,
 *     gives the nomination's state, version and state_seq;
 *   - the change log: sequences 1..last without a gap.
 *
 * One pass over each database inside the call's transaction: the loop
 * answers nothing else meanwhile (README: "Operating it"), but keeps the
 * watchdog fed.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_call.h"
#include "errors.h"
#include "log.h"
#include "names.h"
#include "sdnotify.h"
#include "tally.h"

#define FSCK_PROBLEMS_DEFAULT 20
#define FSCK_PROBLEMS_MAX     1000
#define FSCK_SENTENCE_MAX     256

typedef struct {
    store_txn_t *txn;
    uint64_t max_id;  /* ids 1..max_id may exist (the next id - 1) */
    uint8_t *live;    /* per id: live by_state entries seen (saturating) */
    uint8_t *units;   /* per id: by_unit entries seen (saturating) */
    char **sentences; /* the first `want` problems */
    size_t want, kept;
    uint64_t problems;
    uint64_t index_problems; /* of which by_state and by_unit ones */
    Exemplar__FsckReply *out;
    const rules_t *rules; /* the criteria of the tallies' evidence gaps */
} fsck_t;

/* A long check is work, not a hang: keep the service manager's watchdog fed
 * every 64 Ki records while it runs (a no-op outside systemd), so a repair
 * of a large store is not killed half-way. */
static void keep_alive(void)
{
    static unsigned records;
    if ((++records & 0xffff) == 0)
        sdnotify_watchdog();
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

/* A problem of by_state or by_unit: a rebuild from the nominations fixes it. */
__attribute__((format(printf, 2, 3))) static void index_problem(fsck_t *f, const char *fmt, ...)
{
    f->index_problems++;
    va_list ap;
    va_start(ap, fmt);
    vproblem(f, fmt, ap);
    va_end(ap);
}

static const char *state_name(Exemplar__State s)
{
    const char *n = ex_state_name(s);
    return n ? n : "none";
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
        keep_alive();
        f->out->by_state_entries++;
        uint64_t id = records_state_entry_id(&v);
        uint64_t seq = key_tail_u64(k.data, k.len);
        Exemplar__Nomination *n = NULL;
        int got = id ? records_get_nomination(f->txn, id, &n) : -EX_ENOTFOUND;
        if (got == -EX_ENOTFOUND) {
            index_problem(f,
                          "by_state entry of change %" PRIu64 " names nomination %" PRIu64
                          ", which does not exist",
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
                index_problem(f,
                              "by_state entry of change %" PRIu64 " lists nomination %" PRIu64
                              " as %s under another campaign than its own (%s)",
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
        keep_alive();
        f->out->by_unit_entries++;
        uint64_t id = key_tail_u64(k.data, k.len);
        size_t ulen = k.len > 9 ? k.len - 9 : 0;
        char unit[KEY_UNIT_MAX + 1];
        snprintf(unit, sizeof(unit), "%.*s", (int)(ulen < KEY_UNIT_MAX ? ulen : KEY_UNIT_MAX),
                 (const char *)k.data);
        Exemplar__Nomination *n = NULL;
        int got = records_get_nomination(f->txn, id, &n);
        if (got == -EX_ENOTFOUND) {
            index_problem(
                f, "by_unit entry of unit %s names nomination %" PRIu64 ", which does not exist",
                unit, id);
            continue;
        }
        if (got < 0) {
            rc = got;
            break;
        }
        if (strcmp(n->unit, unit) != 0)
            index_problem(f,
                          "by_unit entry of unit %s names nomination %" PRIu64
                          ", which belongs to unit %s",
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
                    "nomination %" PRIu64 ": its history refers to change %" PRIu64
                    ", which does not exist",
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
                    "nomination %" PRIu64 ": change %" PRIu64
                    " of its history belongs to nomination %" PRIu64,
                    n->id, seq, owner);
            broken = true;
            break;
        }
        if (prev >= seq) {
            problem(f,
                    "nomination %" PRIu64 ": change %" PRIu64 " points forwards to change %" PRIu64,
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
            problem(f, "nomination %" PRIu64 " has no history (last_seq 0)", n->id);
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
                    "nomination %" PRIu64 ": its oldest change %" PRIu64
                    " is not a registration (from %s, version %" PRIu64 ")",
                    n->id, c->seq, state_name(c->from), c->version);
        else if (!first && c->from != state)
            problem(f,
                    "nomination %" PRIu64 ": change %" PRIu64 " moves from %s, but the "
                    "history before it ends in %s",
                    n->id, c->seq, state_name(c->from), state_name(state));
        else if (!first && c->version != version + (c->from != c->to))
            problem(f,
                    "nomination %" PRIu64 ": change %" PRIu64 " has version %" PRIu64
                    " after version %" PRIu64,
                    n->id, c->seq, c->version, version);
        state = c->to;
        version = c->version;
        if (first || c->from != c->to)
            state_seq = c->seq;
        exemplar__change__free_unpacked(c, NULL);
    }
    if (rc == 0 && (state != n->state || version != n->version || state_seq != n->state_seq))
        problem(f,
                "nomination %" PRIu64 ": its history replays to %s version %" PRIu64
                " (moved at change %" PRIu64 "), but it is %s version %" PRIu64
                " (moved at change %" PRIu64 ")",
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
        keep_alive();
        f->out->nominations++;
        uint64_t key = k.len == 8 ? key_get_u64(k.data) : 0;
        Exemplar__Nomination *n = exemplar__nomination__unpack(NULL, v.len, v.data);
        if (!n || n->id != key) {
            problem(f, "nomination record %" PRIu64 " does not decode or names another id", key);
            if (n)
                exemplar__nomination__free_unpacked(n, NULL);
            continue;
        }
        uint64_t id = n->id;
        unsigned live = id <= f->max_id ? f->live[id] : 0;
        unsigned units = id <= f->max_id ? f->units[id] : 0;
        if (live != 1)
            index_problem(f,
                          "nomination %" PRIu64 " (%s) has %u live by_state entries instead of 1",
                          id, state_name(n->state), live);
        if (units != 1)
            index_problem(f,
                          "nomination %" PRIu64 " of unit %s has %u by_unit entries instead of 1",
                          id, n->unit, units);
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
        keep_alive();
        f->out->changes++;
        uint64_t seq = k.len == 8 ? key_get_u64(k.data) : 0;
        if (seq != expect) {
            if (seq == expect + 1)
                problem(f, "the change log has a gap: change %" PRIu64 " is missing", expect);
            else if (seq > expect)
                problem(f, "the change log has a gap: changes %" PRIu64 "..%" PRIu64 " are missing",
                        expect, seq - 1);
            else
                problem(f, "the change log has a malformed key after change %" PRIu64, expect - 1);
        }
        expect = seq + 1;
        f->out->last_seq = seq;
    }
    store_iter_close(&it);
    return rc == -EX_ENOTFOUND ? 0 : rc;
}

static void tally_problem(void *arg, const char *sentence)
{
    index_problem(arg, "%s", sentence);
}

/* issue 5: the quarterly tallies, caught up first (in a write txn), summed
 * over every quarter, equal the nominations' states.  A tally that lags in
 * a read-only txn, or over a broken history or change log, is not compared. */
static int check_tally(fsck_t *f, bool *wrote)
{
    uint64_t upto, last, problems = 0;
    bool more = true, dirty;
    int rc = tally_position(f->txn, &upto, &last, &dirty);
    if (rc < 0 || ((upto < last || dirty) && !f->txn->write))
        return rc;
    while (rc == 0 && (upto < last || dirty) && more) {
        rc = tally_advance(f->txn, f->rules, (size_t)-1, &more);
        *wrote = true;
    }
    /* Over a broken history or change log the tally cannot agree: those
     * problems are reported already, and no rebuild would fix it. */
    if (rc == 0 && f->problems == f->index_problems)
        rc = tally_check(f->txn, tally_problem, f, &problems);
    return rc;
}

/* The whole check, once: the per-id tallies start zeroed (calloc). */
static int run_checks(fsck_t *f)
{
    int rc = check_change_log(f);
    if (rc == 0)
        rc = check_by_state(f);
    if (rc == 0)
        rc = check_by_unit(f);
    if (rc == 0)
        rc = check_nominations(f);
    f->out->problems = f->problems;
    return rc;
}

/* Rebuilds by_state (live entries only) and by_unit from the nominations. */
static int rebuild_indexes(store_txn_t *t)
{
    store_clear(t, DB_BY_STATE);
    store_clear(t, DB_BY_UNIT);
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(t, DB_NOMINATIONS, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (; rc == 0 && t->rc == 0; rc = store_iter_next(&it, &k, &v)) {
        keep_alive();
        Exemplar__Nomination *n = exemplar__nomination__unpack(NULL, v.len, v.data);
        if (!n)
            continue; /* reported by the check; nothing to derive from */
        uint8_t ikey[KEY_MAX], id[8];
        key_put_u64(id, n->id);
        store_put(t, DB_BY_STATE, ikey, key_by_state(ikey, n->state, n->campaign, n->state_seq), id,
                  sizeof(id));
        store_put(t, DB_BY_UNIT, ikey, key_by_unit(ikey, n->unit, n->id), "", 0);
        exemplar__nomination__free_unpacked(n, NULL);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    return rc < 0 ? rc : t->rc;
}

int api_ops_rewind(store_txn_t *t, Exemplar__Nomination *n, int64_t as_of_ms, bool *existed)
{
    *existed = false;
    Exemplar__Change *c = NULL;
    uint64_t seq = n->last_seq;
    /* Back from the newest change to the last one at or before as_of_ms. */
    while (seq) {
        if (records_get_change(t, seq, &c) < 0) {
            log_error("api, history of nomination %" PRIu64 " is broken at change %" PRIu64, n->id,
                      seq);
            return -EX_ESTORAGE;
        }
        if (c->at_ms <= as_of_ms)
            break;
        seq = c->prev_seq;
        exemplar__change__free_unpacked(c, NULL);
        c = NULL;
    }
    if (!c)
        return 0; /* registered later */
    *existed = true;
    n->state = c->to;
    n->version = c->version;
    n->updated_ms = c->at_ms;
    n->last_seq = c->seq;
    /* The move into that state: evidence changes (from == to) are not moves. */
    n->state_seq = c->seq;
    while (c->from == c->to && c->prev_seq) {
        uint64_t prev = c->prev_seq;
        exemplar__change__free_unpacked(c, NULL);
        c = NULL;
        if (records_get_change(t, prev, &c) < 0)
            return -EX_ESTORAGE;
        n->state_seq = c->seq;
    }
    exemplar__change__free_unpacked(c, NULL);
    if (n->state != EXEMPLAR__STATE__STATE_CARRIED_OVER)
        n->carried_to = 0;
    if (n->state != EXEMPLAR__STATE__STATE_REVOKED && n->revocation) {
        protobuf_c_message_free_unpacked(&n->revocation->base, NULL);
        n->revocation = NULL;
    }
    return 0;
}

int api_ops_fsck(call_t *x)
{
    const Exemplar__FsckRequest *r = x->req->fsck;
    if (r->max_problems > FSCK_PROBLEMS_MAX) {
        snprintf(x->why, sizeof(x->why), "max_problems must be 1-%d (0 means %d)",
                 FSCK_PROBLEMS_MAX, FSCK_PROBLEMS_DEFAULT);
        return -EX_EINVALID;
    }
    /* After a failed commit the batch is answered from a read transaction. */
    if (r->repair && !x->txn->write)
        return -EX_ESTORAGE;
    Exemplar__FsckReply out = EXEMPLAR__FSCK_REPLY__INIT;
    fsck_t f = {.txn = x->txn, .out = &out, .rules = x->api->rules};
    f.max_id = x->api->counters.next_id ? x->api->counters.next_id - 1 : 0;
    f.want = r->max_problems ? r->max_problems : FSCK_PROBLEMS_DEFAULT;
    f.live = calloc(f.max_id + 1, 1);
    f.units = calloc(f.max_id + 1, 1);
    f.sentences = calloc(f.want, sizeof(*f.sentences));
    int rc = f.live && f.units && f.sentences ? run_checks(&f) : -EX_EINTERNAL;
    bool tally_wrote = false;
    if (rc == 0)
        rc = check_tally(&f, &tally_wrote);
    out.problems = f.problems;
    x->wrote = x->wrote || tally_wrote;
    if (rc == 0 && r->repair) {
        rc = rebuild_indexes(x->txn);
        /* issue 5: the tallies again from the whole change log */
        bool more = true;
        if (rc == 0)
            tally_clear(x->txn);
        while (rc == 0 && more)
            rc = tally_advance(x->txn, x->api->rules, (size_t)-1, &more);
        if (rc == 0) {
            /* What the rebuild cannot fix: histories, the log, records. */
            x->wrote = true;
            x->api->sweep_resume_len = 0;
            out.repaired = true;
            out.problems_after_repair = f.problems - f.index_problems;
        }
    }
    if (rc == 0) {
        log_notice(
            "api, fsck: %" PRIu64 " nominations, %" PRIu64 " changes, %" PRIu64 " problems%s",
            out.nominations, out.changes, out.problems, out.repaired ? ", indexes rebuilt" : "");
        out.problem_list = f.sentences;
        out.n_problem_list = f.kept;
        x->reply.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
        x->reply.request_id = x->req->request_id;
        x->reply.body_case = EXEMPLAR__REPLY__BODY_FSCK;
        x->reply.fsck = &out;
        x->out = records_pack(&x->reply.base, &x->out_len);
        rc = x->out ? 0 : -EX_EINTERNAL;
    }
    for (size_t i = 0; i < f.kept; i++)
        free(f.sentences[i]);
    free(f.sentences);
    free(f.live);
    free(f.units);
    return rc;
}
