/* SPDX-License-Identifier: MIT */
/*
 * Operator tools: as-of lists rewind nominations through their
 * histories (api_ops_rewind); fsck checks what can be derived against what it
 * is derived from, and rebuilds the derivable indexes on request.
 *
 * The checks themselves are fsck.c's (exemplarctl's restore runs them on a
 * backup too); here they run with the quarterly tallies and the repair.
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

#include "api_ops.h"
#include "key.h"
#include "records.h"
#include "errors.h"
#include "fsck.h"
#include "log.h"
#include "names.h"
#include "sdnotify.h"
#include "tally.h"

#define FSCK_PROBLEMS_DEFAULT 20
#define FSCK_PROBLEMS_MAX     1000

/* A long rebuild is work, not a hang: keep the service manager's watchdog
 * fed every 64 Ki records while it runs (a no-op outside systemd). */
static void keep_alive(void)
{
    static unsigned records;
    if ((++records & 0xffff) == 0)
        sdnotify_watchdog();
}

static void tally_problem(void *arg, const char *sentence)
{
    fsck_index_problem(arg, "%s", sentence);
}

/* the quarterly summary's tallies, caught up first (in a write txn), summed
 * over every quarter, equal the nominations' states.  A tally that lags in
 * a read-only txn, or over a broken history or change log, is not compared. */
static int check_tally(fsck_t *f, const rules_t *rules, bool *wrote)
{
    uint64_t upto, last, problems = 0;
    bool more = true, dirty;
    int rc = tally_position(f->txn, &upto, &last, &dirty);
    if (rc < 0 || ((upto < last || dirty) && !f->txn->write))
        return rc;
    while (rc == 0 && (upto < last || dirty) && more) {
        rc = tally_advance(f->txn, rules, (size_t)-1, &more);
        *wrote = true;
    }
    /* Over a broken history or change log the tally cannot agree: those
     * problems are reported already, and no rebuild would fix it. */
    if (rc == 0 && f->problems == f->index_problems)
        rc = tally_check(f->txn, tally_problem, f, &problems);
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
        snprintf(x->why, sizeof(x->why), _("max_problems must be 1-%d (0 means %d)"),
                 FSCK_PROBLEMS_MAX, FSCK_PROBLEMS_DEFAULT);
        return -EX_EINVALID;
    }
    /* After a failed commit the batch is answered from a read transaction. */
    if (r->repair && !x->txn->write)
        return -EX_ESTORAGE;
    Exemplar__FsckReply out = EXEMPLAR__FSCK_REPLY__INIT;
    fsck_t f;
    uint64_t next_id = nomwrite_next_id(x->nw);
    int rc = fsck_init(&f, x->txn, next_id ? next_id - 1 : 0,
                       r->max_problems ? r->max_problems : FSCK_PROBLEMS_DEFAULT, &out);
    f.tick = sdnotify_watchdog;
    if (rc == 0)
        rc = fsck_run(&f);
    bool tally_wrote = false;
    if (rc == 0)
        rc = check_tally(&f, x->rules, &tally_wrote);
    out.problems = f.problems;
    x->wrote = x->wrote || tally_wrote;
    if (rc == 0 && r->repair) {
        rc = rebuild_indexes(x->txn);
        /* the summary's tallies again from the whole change log */
        bool more = true;
        if (rc == 0)
            tally_clear(x->txn);
        while (rc == 0 && more)
            rc = tally_advance(x->txn, x->rules, (size_t)-1, &more);
        if (rc == 0) {
            /* What the rebuild cannot fix: histories, the log, records. */
            x->wrote = true;
            x->index_rebuilt = true;
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
    fsck_deinit(&f);
    return rc;
}
