/* SPDX-License-Identifier: MIT */
/*
 * The council's voting rules, pure (no LMDB, no I/O): the quorum and the
 * approval threshold of a secret ballot of an Emulation and Commendation
 * Council (Hội đồng Thi đua – Khen thưởng), as data (rulesets.yaml
 * `council`), and the arithmetic that turns a meeting's counts into a
 * result.  Fractions are kept as integers and compared by cross
 * multiplication, so that "at least 90 % of 9 members" is exactly 9 votes
 * (8.1 rounds up) and never a floating-point near miss.
 *
 * Defaults (council_rules_default) rest on Decree 91/2017/NĐ-CP art. 45.8
 * (secret ballot, at least 90 % of ALL council members, absent members
 * vote in writing) and the Ministry council's working rules of 2019 as
 * quoted in the project's research brief (quorum two thirds of the
 * members); Decree 98/2023/NĐ-CP replaced 91/2017 and its thresholds were
 * not read, so they are data an administrator changes in rulesets.yaml.
 */
#ifndef EXEMPLAR_COUNCIL_H
#define EXEMPLAR_COUNCIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A fraction num/den, 0 < num <= den <= 1000. */
typedef struct {
    uint32_t num, den;
} council_frac_t;

/* What a fraction is counted against. */
typedef enum {
    COUNCIL_BASE_MEMBERS = 0, /* every member of the council that day */
    COUNCIL_BASE_VOTERS = 1,  /* the members who voted (present or in writing) */
} council_base_t;

/* A tie at the threshold: as many approvals as rejections, one more
 * approval short of the approvals needed (a "more than half" threshold
 * split evenly; 4 to 4 of 90 % is no tie, just not approved). */
typedef enum {
    COUNCIL_TIE_NOT_APPROVED = 0, /* the threshold is not reached: not approved */
    COUNCIL_TIE_REVOTE = 1,       /* no decision: the nomination goes to another ballot */
    COUNCIL_TIE_CHAIR = 2,        /* the chair's ballot decides (which makes it known) */
} council_tie_t;

typedef struct {
    council_frac_t quorum;    /* of the members, present in person */
    council_frac_t threshold; /* approvals needed */
    council_base_t threshold_base;
    bool chair_approval_required; /* the chair's ballot must approve */
    bool written_votes;           /* absent members may vote in writing */
    council_tie_t tie;            /* a tie at the threshold (council_tie) */
} council_rules_t;

/* One nomination's counts at the close of a meeting. */
typedef struct {
    uint32_t members;    /* the council's members that day */
    uint32_t present;    /* members present in person */
    uint32_t written;    /* absent members who voted in writing */
    uint32_t approve;    /* ballots approving */
    uint32_t reject;     /* ballots rejecting */
    bool chair_approved; /* only read when the rules require it or break ties by it */
} council_count_t;

typedef enum {
    COUNCIL_NO_DECISION = 0, /* quorum not met: nothing is decided */
    COUNCIL_APPROVED = 1,
    COUNCIL_NOT_APPROVED = 2,
} council_result_t;

/* Decree 91/2017 art. 45.8 and the 2019 rules: quorum 2/3 of the members,
 * at least 90/100 of all members approve, written votes allowed, the
 * chair's own approval not required. */
void council_rules_default(council_rules_t *r);

/* Does r need the chair's own ballot kept with the counts (the chair's
 * approval required, or ties broken by it)? */
bool council_keeps_chair_ballot(const council_rules_t *r);

/* Is this count a tie at the threshold (council_tie_t)? */
bool council_tie(const council_rules_t *r, const council_count_t *c);

/* The smallest whole count c with c/base >= f (ceil(f * base)). */
uint32_t council_at_least(council_frac_t f, uint32_t base);

/* Is the quorum met by `present` of `members`? */
bool council_quorum_met(const council_rules_t *r, uint32_t members, uint32_t present);

/* The approvals a nomination needs under r with these counts. */
uint32_t council_needed(const council_rules_t *r, const council_count_t *c);

/* The result of one nomination.  why (may be NULL) gets a sentence in
 * English ("7 of 9 present, quorum 6: met; 8 approvals of 9 members, 9
 * needed: not approved"). */
council_result_t council_decide(const council_rules_t *r, const council_count_t *c, char *why,
                                size_t why_len);

/* Parses "N/D" or "P%" (e.g. "2/3", "90%"); 0 or -1. */
int council_frac_parse(const char *s, council_frac_t *out);

const char *council_result_name(council_result_t r);

#endif
