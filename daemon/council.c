/* SPDX-License-Identifier: MIT */
/*
 * The council's quorum and threshold arithmetic (see council.h): integers
 * only, so that a boundary ("one vote short of 90 %") is decided the same
 * way on every machine.
 */
#include "council.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

void council_rules_default(council_rules_t *r)
{
    r->quorum = (council_frac_t){2, 3};
    r->threshold = (council_frac_t){90, 100};
    r->threshold_base = COUNCIL_BASE_MEMBERS;
    r->chair_approval_required = false;
    r->written_votes = true;
    r->tie = COUNCIL_TIE_NOT_APPROVED;
}

bool council_keeps_chair_ballot(const council_rules_t *r)
{
    return r->chair_approval_required || r->tie == COUNCIL_TIE_CHAIR;
}

bool council_tie(const council_rules_t *r, const council_count_t *c)
{
    return c->approve > 0 && c->approve == c->reject && c->approve + 1 == council_needed(r, c);
}

uint32_t council_at_least(council_frac_t f, uint32_t base)
{
    if (!f.den)
        return base;
    uint64_t p = (uint64_t)f.num * base;
    return (uint32_t)((p + f.den - 1) / f.den);
}

bool council_quorum_met(const council_rules_t *r, uint32_t members, uint32_t present)
{
    return members > 0 && present >= council_at_least(r->quorum, members);
}

uint32_t council_needed(const council_rules_t *r, const council_count_t *c)
{
    uint32_t base = r->threshold_base == COUNCIL_BASE_MEMBERS ? c->members : c->approve + c->reject;
    uint32_t n = council_at_least(r->threshold, base);
    return n ? n : 1; /* nobody approves with no ballot at all */
}

council_result_t council_decide(const council_rules_t *r, const council_count_t *c, char *why,
                                size_t why_len)
{
    uint32_t quorum = council_at_least(r->quorum, c->members);
    if (!council_quorum_met(r, c->members, c->present)) {
        if (why)
            snprintf(why, why_len, _("%u of %u members present, quorum %u: not met, no decision"),
                     c->present, c->members, quorum);
        return COUNCIL_NO_DECISION;
    }
    uint32_t needed = council_needed(r, c);
    if (council_tie(r, c) && r->tie == COUNCIL_TIE_REVOTE) {
        if (why)
            snprintf(why, why_len,
                     _("%u of %u members present, quorum %u: met; %u approvals and %u "
                       "rejections, %u needed: a tie, to be voted on again at another ballot"),
                     c->present, c->members, quorum, c->approve, c->reject, needed);
        return COUNCIL_NO_DECISION;
    }
    if (council_tie(r, c) && r->tie == COUNCIL_TIE_CHAIR) {
        if (why)
            snprintf(why, why_len,
                     _("%u of %u members present, quorum %u: met; %u approvals and %u "
                       "rejections, %u needed: a tie, decided by the chair's ballot: %s"),
                     c->present, c->members, quorum, c->approve, c->reject, needed,
                     c->chair_approved ? _("approved") : _("not approved"));
        return c->chair_approved ? COUNCIL_APPROVED : COUNCIL_NOT_APPROVED;
    }
    bool ok = c->approve >= needed;
    bool chair = !r->chair_approval_required || c->chair_approved;
    if (why)
        snprintf(why, why_len,
                 _("%u of %u members present, quorum %u: met; %u approvals of %u %s, "
                   "%u needed%s: %s"),
                 c->present, c->members, quorum, c->approve,
                 r->threshold_base == COUNCIL_BASE_MEMBERS ? c->members : c->approve + c->reject,
                 r->threshold_base == COUNCIL_BASE_MEMBERS ? _("members") : _("ballots"), needed,
                 ok && !chair ? _(", the chair did not approve") : "",
                 ok && chair ? _("approved") : _("not approved"));
    return ok && chair ? COUNCIL_APPROVED : COUNCIL_NOT_APPROVED;
}

int council_frac_parse(const char *s, council_frac_t *out)
{
    if (!s || !*s)
        return -1;
    char *end = NULL;
    unsigned long a = strtoul(s, &end, 10);
    unsigned long b = 0;
    if (end == s || a == 0)
        return -1;
    if (*end == '%' && end[1] == '\0') {
        b = 100;
    } else if (*end == '/') {
        const char *d = end + 1;
        b = strtoul(d, &end, 10);
        if (end == d || *end)
            return -1;
    } else {
        return -1;
    }
    if (b == 0 || b > 1000 || a > b)
        return -1;
    out->num = (uint32_t)a;
    out->den = (uint32_t)b;
    return 0;
}

static const char *const RESULT_NAME[] = {
    [COUNCIL_NO_DECISION] = "no-decision",
    [COUNCIL_APPROVED] = "approved",
    [COUNCIL_NOT_APPROVED] = "not-approved",
};

const char *council_result_name(council_result_t r)
{
    return (unsigned)r <= COUNCIL_NOT_APPROVED ? RESULT_NAME[r] : "no-decision";
}
