/* SPDX-License-Identifier: MIT */
/*
 * The requests of the plan's rules (api_rules.c), rows of API_OPS (api.c):
 * units, campaigns, evidence, the criteria check; and the hooks the
 * nomination handlers (api_noms.c) call on register, move and carry-over,
 * and the events (api_events.c) call for every new fact.
 */
#ifndef EXEMPLAR_API_RULES_H
#define EXEMPLAR_API_RULES_H

#include "api_call.h"
#include "events.pb-c.h"

/* Handlers of the rules' requests (api_rules.c), rows of API_OPS. */
int api_rules_units_import(call_t *x);
int api_rules_units_list(call_t *x);
int api_rules_campaign_show(call_t *x);
int api_rules_evidence_add(call_t *x);
int api_rules_evidence_revoke(call_t *x);
int api_rules_evidence_list(call_t *x);
int api_rules_check(call_t *x);

/* Hooks of register and move (api_rules.c).  With [rules] enforce = no they
 * only fill the new fields and answer as the foundation did. */

/* Validates the register request's rules fields (unit on today's date,
 * campaign, period, subject, head_of) and fills n's period, subject,
 * head_of and unit_name (pointing into *keep, freed by the caller with
 * exemplar__unit__free_unpacked when not NULL). */
int api_rules_register(call_t *x, Exemplar__Nomination *n, Exemplar__Unit **keep);

/* The rules a move of n is checked against: fills ctx and nr and sets *use
 * to nr, or to NULL when rules are off.  ctx and nr must live until the
 * check is done.  Also validates override_reason's use and the decision. */
int api_rules_bind(call_t *x, const Exemplar__Nomination *n, const char *override_reason,
                   const Exemplar__Decision *decision, rules_ctx_t *ctx, nom_rules_t *nr,
                   const nom_rules_t **use);

/* Events become evidence (api_events_ctx_t.on_fact; arg is the rules_t): a
 * title awarded or a performance rating whose text resolves to a title
 * (titles_resolve: a code, a name of the rule set judging its year, a
 * catalogue name or alias, an administrator's alias, compared with case and
 * diacritics folded) is recorded in the ledger for the event's subject and
 * year; a decision revoked marks the subject's evidence resting on that
 * decision number revoked.  A title fact nothing resolves is kept in
 * `facts_unmatched` (titles.h) and logged, never dropped.  Returns 0 or a
 * storage error. */
int api_rules_event_fact(void *rules, store_txn_t *txn, const Exemplar__Event *e, int64_t now_ms);

/* Records title fact e as evidence of title t, with the checks of evidence
 * add (its decision not dated after the rules' today, its year ended): 0,
 * -EX_EINVALID with the sentence in why (nothing written), or a storage
 * error. */
int api_rules_fact_evidence(rules_t *rules, store_txn_t *txn, const Exemplar__Event *e,
                            const title_t *t, int64_t now_ms, char *why, size_t why_len);

/* A carry-over: the nomination of the next period, registered now, linked
 * to n (n->carried_to is set by the caller).  Fills *out from n. */
int api_rules_carry_over(call_t *x, const rules_ctx_t *ctx, const Exemplar__Nomination *n,
                         Exemplar__Nomination *out);

#endif
