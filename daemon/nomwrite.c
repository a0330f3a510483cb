/* SPDX-License-Identifier: MIT */
/*
 * The nomination write path (see nomwrite.h).  One function writes a
 * nomination's record, indexes, change and feed entry, so that register,
 * move, carry-over and evidence cannot drift apart; the counters move only
 * when the batch commits, so a failed commit leaves nothing to undo.
 */
#include "nomwrite.h"

#include <string.h>

#include "errors.h"
#include "log.h"
#include "names.h"

void nomwrite_batch_init(nomwrite_batch_t *b, store_txn_t *txn, outbox_t *outbox,
                         records_counters_t *committed)
{
    memset(b, 0, sizeof(*b));
    b->txn = txn;
    b->outbox = outbox;
    b->committed = committed;
}

static uint64_t with_delta(uint64_t v, int64_t d)
{
    return d < 0 && (uint64_t)-d > v ? 0 : v + (uint64_t)d;
}

void nomwrite_counters(const nomwrite_batch_t *b, records_counters_t *out)
{
    *out = *b->committed;
    out->next_id += b->new_ids;
    out->nominations += b->new_ids;
    out->last_seq += b->new_changes;
    for (size_t s = 0; s < NOMWRITE_STATES; s++)
        out->in_state[s] = with_delta(out->in_state[s], b->in_state[s]);
}

uint64_t nomwrite_next_id(const nomwrite_batch_t *b)
{
    return b->committed->next_id + b->new_ids;
}

int nomwrite_count_states(nomwrite_batch_t *b)
{
    records_counters_t *c = b->committed;
    if (c->in_state_known)
        return 0;
    uint64_t seen[NOMWRITE_STATES] = {0};
    store_iter_t it;
    store_val_t k, v;
    int rc = store_iter_open(b->txn, DB_NOMINATIONS, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, NULL, 0, &k, &v);
    for (; rc == 0; rc = store_iter_next(&it, &k, &v)) {
        Exemplar__Nomination *n = exemplar__nomination__unpack(NULL, v.len, v.data);
        if (!n) {
            rc = -EX_ESTORAGE;
            break;
        }
        if ((size_t)n->state < NOMWRITE_STATES)
            seen[n->state]++;
        exemplar__nomination__free_unpacked(n, NULL);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc < 0)
        return rc;
    /* The pass saw this batch's writes too: what is committed is the rest. */
    for (size_t s = 0; s < NOMWRITE_STATES; s++)
        c->in_state[s] = with_delta(seen[s], -b->in_state[s]);
    c->in_state_known = true;
    return 0;
}

uint64_t nomwrite_batch_apply(nomwrite_batch_t *b)
{
    records_counters_t *c = b->committed;
    c->next_id += b->new_ids;
    c->nominations += b->new_ids;
    c->last_seq += b->new_changes;
    if (c->in_state_known)
        for (size_t s = 0; s < NOMWRITE_STATES; s++)
            c->in_state[s] = with_delta(c->in_state[s], b->in_state[s]);
    uint64_t stale = b->stale_entries;
    nomwrite_batch_discard(b);
    return stale;
}

void nomwrite_batch_discard(nomwrite_batch_t *b)
{
    b->new_ids = b->new_changes = b->stale_entries = 0;
    memset(b->in_state, 0, sizeof(b->in_state));
}

int nomwrite_transition(nomwrite_batch_t *b, Exemplar__Nomination *n, const nomwrite_change_t *w)
{
    const bool is_new = w->from == EXEMPLAR__STATE__STATE_NONE;
    uint64_t seq = b->committed->last_seq + b->new_changes + 1;
    uint64_t prev_seq = is_new ? 0 : n->last_seq;
    if (is_new)
        n->id = nomwrite_next_id(b);
    n->last_seq = seq;
    if (w->from != n->state)
        n->state_seq = seq;
    n->updated_ms = w->at_ms;
    records_put_nomination(b->txn, n, w->from);

    Exemplar__Change c = EXEMPLAR__CHANGE__INIT;
    c.seq = seq;
    c.nomination_id = n->id;
    c.prev_seq = prev_seq;
    c.from = w->from;
    c.to = n->state;
    c.verb = (char *)w->verb;
    c.version = n->version;
    c.actor = (Exemplar__Actor *)w->actor;
    c.reason = (char *)(w->reason ? w->reason : "");
    c.at_ms = w->at_ms;
    c.day = w->day;
    c.request_id = w->request_id;
    c.unit = n->unit;
    c.campaign = n->campaign;
    c.kind = n->kind;
    c.override_reason = (char *)(w->override_reason ? w->override_reason : "");
    c.linked_id = w->linked_id;
    c.decision = w->decision;
    c.event_seq = w->event_seq;
    records_append_change(b->txn, &c);
    /* Debug only: the change log itself is the durable record, and a line per
     * change at full load would outrun journald's rate limit. */
    log_fields(LOG_DEBUG,
               LOG_FIELDS(log_u64("CHANGE_SEQ", c.seq), log_u64("NOMINATION_ID", c.nomination_id),
                          log_str("UNIT", c.unit), log_u64("REQUEST_ID", c.request_id)),
               "records, change %llu: nomination %llu %s -> %s (%s)", (unsigned long long)c.seq,
               (unsigned long long)c.nomination_id, ex_state_name(c.from) ?: "new",
               ex_state_name(c.to) ?: "?", c.verb);
    int rc = b->outbox ? outbox_add(b->outbox, &c) : 0;
    if (rc < 0) {
        /* The change is in the log but not in the feed: nothing of it may
         * commit. */
        if (b->txn->rc == 0)
            b->txn->rc = rc;
        return rc;
    }
    b->new_changes++;
    if (is_new)
        b->new_ids++;
    if (w->from != n->state) {
        if (!is_new && (size_t)w->from < NOMWRITE_STATES)
            b->in_state[w->from]--;
        if ((size_t)n->state < NOMWRITE_STATES)
            b->in_state[n->state]++;
        if (!is_new)
            b->stale_entries++;
    }
    return 0;
}
