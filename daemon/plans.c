/* SPDX-License-Identifier: MIT */
/*
 * Unit plans in LMDB and their pure rules (see plans.h).
 */
#include "plans.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "key.h"
#include "names.h"
#include "records.h"

/* unit NUL campaign NUL period NUL version u32 BE */
#define PLAN_KEY_MAX (KEY_UNIT_MAX + 1 + KEY_CAMPAIGN_MAX + 1 + KEY_CAMPAIGN_MAX + 1 + 4)

static size_t put_str(uint8_t *out, const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    memcpy(out, s, n);
    out[n] = 0;
    return n + 1;
}

/* The key of (unit, campaign, period); with_version appends version. */
static size_t plan_key(uint8_t out[PLAN_KEY_MAX], const char *unit, const char *campaign,
                       const char *period, bool with_version, uint32_t version)
{
    size_t n = put_str(out, unit, KEY_UNIT_MAX);
    n += put_str(out + n, campaign, KEY_CAMPAIGN_MAX);
    n += put_str(out + n, period, KEY_CAMPAIGN_MAX);
    if (with_version) {
        out[n] = (uint8_t)(version >> 24);
        out[n + 1] = (uint8_t)(version >> 16);
        out[n + 2] = (uint8_t)(version >> 8);
        out[n + 3] = (uint8_t)version;
        n += 4;
    }
    return n;
}

static const char *const VERB_NAME[] = {[PLAN_SAVE] = "save",
                                        [PLAN_SUBMIT] = "submit",
                                        [PLAN_RETURN] = "return",
                                        [PLAN_ACCEPT] = "accept"};

const char *plans_verb_name(plan_verb_t v)
{
    return (unsigned)v < sizeof(VERB_NAME) / sizeof(VERB_NAME[0]) ? VERB_NAME[v] : "?";
}

const char *plans_state_name(Exemplar__PlanState s)
{
    return ex_plan_state_name(s); /* the protocol's table: exemplarctl prints it too */
}

/* The plans' move table. */
static const struct {
    Exemplar__PlanState from;
    plan_verb_t verb;
    Exemplar__PlanState to;
} PLAN_MOVES[] = {
    {EXEMPLAR__PLAN_STATE__PLAN_NONE, PLAN_SAVE, EXEMPLAR__PLAN_STATE__PLAN_DRAFT},
    {EXEMPLAR__PLAN_STATE__PLAN_DRAFT, PLAN_SAVE, EXEMPLAR__PLAN_STATE__PLAN_DRAFT},
    {EXEMPLAR__PLAN_STATE__PLAN_RETURNED, PLAN_SAVE, EXEMPLAR__PLAN_STATE__PLAN_DRAFT},
    {EXEMPLAR__PLAN_STATE__PLAN_NONE, PLAN_SUBMIT, EXEMPLAR__PLAN_STATE__PLAN_SUBMITTED},
    {EXEMPLAR__PLAN_STATE__PLAN_DRAFT, PLAN_SUBMIT, EXEMPLAR__PLAN_STATE__PLAN_SUBMITTED},
    {EXEMPLAR__PLAN_STATE__PLAN_RETURNED, PLAN_SUBMIT, EXEMPLAR__PLAN_STATE__PLAN_SUBMITTED},
    {EXEMPLAR__PLAN_STATE__PLAN_SUBMITTED, PLAN_RETURN, EXEMPLAR__PLAN_STATE__PLAN_RETURNED},
    {EXEMPLAR__PLAN_STATE__PLAN_SUBMITTED, PLAN_ACCEPT, EXEMPLAR__PLAN_STATE__PLAN_ACCEPTED},
};

int plans_next_state(Exemplar__PlanState from, plan_verb_t verb, Exemplar__PlanState *to)
{
    for (size_t i = 0; i < sizeof(PLAN_MOVES) / sizeof(PLAN_MOVES[0]); i++)
        if (PLAN_MOVES[i].from == from && PLAN_MOVES[i].verb == verb) {
            *to = PLAN_MOVES[i].to;
            return 0;
        }
    return -EX_ENOMOVE;
}

bool plans_is_late(int32_t day, int32_t deadline, bool prev_on_time)
{
    return deadline >= 0 && !prev_on_time && day > deadline;
}

const char *plans_status(const Exemplar__UnitPlan *p)
{
    if (!p)
        return "no-plan";
    if (p->state == EXEMPLAR__PLAN_STATE__PLAN_SUBMITTED && p->late)
        return "late";
    const char *s = plans_state_name(p->state);
    return s && p->state != EXEMPLAR__PLAN_STATE__PLAN_NONE ? s : "no-plan";
}

bool plans_state_live(Exemplar__State s)
{
    return s != EXEMPLAR__STATE__STATE_WITHDRAWN && s != EXEMPLAR__STATE__STATE_NOT_SELECTED &&
           s != EXEMPLAR__STATE__STATE_REVOKED && s != EXEMPLAR__STATE__STATE_CARRIED_OVER;
}

void plans_tally_add(plans_tally_t *t, const Exemplar__Nomination *n)
{
    bool collective = n->kind == EXEMPLAR__KIND__KIND_COLLECTIVE;
    bool live = plans_state_live(n->state);
    if ((unsigned)n->state < sizeof(t->by_state) / sizeof(t->by_state[0]))
        t->by_state[n->state]++;
    if (collective) {
        t->collective++;
        t->live_collective += live;
    } else {
        t->individual++;
        t->live_individual += live;
    }
    if (n->state == EXEMPLAR__STATE__STATE_RECOGNIZED)
        t->recognized++;
}

bool plans_behind(const plans_tally_t *t, uint32_t expected_collective,
                  uint32_t expected_individual)
{
    return t->live_collective < expected_collective || t->live_individual < expected_individual;
}

void plans_put(store_txn_t *t, const Exemplar__UnitPlan *p)
{
    uint8_t k[PLAN_KEY_MAX];
    size_t klen = plan_key(k, p->unit, p->campaign, p->period, true, p->version);
    records_put_message(t, DB_PLANS, k, klen, &p->base);
}

int plans_history(store_txn_t *t, const char *unit, const char *campaign, const char *period,
                  Exemplar__UnitPlan ***out, size_t *n)
{
    uint8_t prefix[PLAN_KEY_MAX];
    size_t plen = plan_key(prefix, unit, campaign, period, false, 0);
    *out = NULL;
    *n = 0;
    Exemplar__UnitPlan **v = NULL;
    size_t count = 0, cap = 0;
    store_iter_t it;
    store_val_t k, val;
    int rc = store_iter_open(t, DB_PLANS, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, prefix, plen, &k, &val);
    while (rc == 0 && count < PLANS_HISTORY_MAX) {
        if (k.len != plen + 4 || memcmp(k.data, prefix, plen) != 0)
            break;
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            Exemplar__UnitPlan **nv = realloc(v, ncap * sizeof(*nv));
            if (!nv) {
                rc = -EX_EINTERNAL;
                break;
            }
            v = nv;
            cap = ncap;
        }
        v[count] = exemplar__unit_plan__unpack(NULL, val.len, val.data);
        if (!v[count]) {
            rc = -EX_ESTORAGE;
            break;
        }
        count++;
        rc = store_iter_next(&it, &k, &val);
    }
    store_iter_close(&it);
    if (rc == -EX_ENOTFOUND)
        rc = 0;
    if (rc < 0) {
        plans_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return 0;
}

void plans_free(Exemplar__UnitPlan **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        exemplar__unit_plan__free_unpacked(v[i], NULL);
    free(v);
}

int plans_latest(store_txn_t *t, const char *unit, const char *campaign, const char *period,
                 Exemplar__UnitPlan **out)
{
    Exemplar__UnitPlan **v = NULL;
    size_t n = 0;
    *out = NULL;
    int rc = plans_history(t, unit, campaign, period, &v, &n);
    if (rc < 0)
        return rc;
    if (n) {
        *out = v[n - 1];
        v[n - 1] = NULL;
        n--;
    }
    plans_free(v, n);
    return *out ? 0 : -EX_ENOTFOUND;
}

bool plans_unit_has_acted(store_txn_t *txn, const char *unit, const char *period)
{
    uint8_t prefix[PLAN_KEY_MAX];
    size_t plen = put_str(prefix, unit, KEY_UNIT_MAX);
    Exemplar__UnitPlan *newest = NULL; /* of the plan being walked */
    bool acted = false;
    store_iter_t it;
    store_val_t k, val;
    int rc = store_iter_open(txn, DB_PLANS, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, prefix, plen, &k, &val);
    for (; rc == 0 && !acted; rc = store_iter_next(&it, &k, &val)) {
        if (k.len < plen || memcmp(k.data, prefix, plen) != 0)
            break;
        Exemplar__UnitPlan *p = exemplar__unit_plan__unpack(NULL, val.len, val.data);
        if (!p)
            break;
        if (strcmp(p->period, period) != 0) {
            exemplar__unit_plan__free_unpacked(p, NULL);
            continue;
        }
        /* Versions of one plan are adjacent and in order: a plan's newest
         * version is the one before the next plan's first. */
        if (newest && (strcmp(newest->campaign, p->campaign) != 0))
            acted = newest->state != EXEMPLAR__PLAN_STATE__PLAN_DRAFT;
        if (newest)
            exemplar__unit_plan__free_unpacked(newest, NULL);
        newest = p;
    }
    store_iter_close(&it);
    if (!acted && newest)
        acted = newest->state == EXEMPLAR__PLAN_STATE__PLAN_SUBMITTED ||
                newest->state == EXEMPLAR__PLAN_STATE__PLAN_RETURNED ||
                newest->state == EXEMPLAR__PLAN_STATE__PLAN_ACCEPTED;
    if (newest)
        exemplar__unit_plan__free_unpacked(newest, NULL);
    return acted;
}
