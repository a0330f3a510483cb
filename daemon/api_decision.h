/* SPDX-License-Identifier: MIT */
/*
 * The issued recognition decision (Quyết định công nhận) of a closed
 * ministry meeting: requests decision-issue, decision-show,
 * decision-get-file and decision-recognize (council.proto), stored by
 * decisions.h with its file in the blob store (blobs.h).
 *
 * An approver issues it once the Minister has signed: its number, date,
 * signer and issuer, the annexed list (the nominations the meeting
 * approved, or some of them) and the issued file (a PDF, hashed with
 * SHA-256).  Recognising a listed nomination then names only the number:
 * `move` takes the date and issuer from the stored decision, and refuses a
 * nomination the list does not hold (api_noms.c, bind_issued).  A digital
 * signature over the file is kept as sent and not verified: verifying it
 * (the Government CA's chain) is a later step.
 */
#ifndef EXEMPLAR_API_DECISION_H
#define EXEMPLAR_API_DECISION_H

#include <stdint.h>

#include "api_call.h"

/* Stores the decision.  Refuses -EX_EPERM (not an approver),
 * -EX_ENOTFOUND (no meeting), -EX_ECONFLICT (the meeting is open, or
 * approved nothing; the number is issued already), -EX_EINVALID (a unit
 * meeting; number, date, signer, issuer; a listed nomination the meeting
 * did not approve; a file that is not a PDF or too large). */
int api_decision_issue(call_t *x);
/* A decision by number; -EX_ENOTFOUND. */
int api_decision_show(call_t *x);
/* A decision and its file's bytes; -EX_ENOTFOUND. */
int api_decision_get_file(call_t *x);
/* Recognizes every listed nomination not yet recognized, each through
 * `move` (its window, guards and history); a refused move is reported in
 * the reply's moves, not as a refusal of the request.  -EX_ENOTFOUND. */
int api_decision_recognize(call_t *x);

#endif
