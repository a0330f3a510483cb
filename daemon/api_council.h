/* SPDX-License-Identifier: MIT */
/*
 * The Emulation and Commendation Council and its review meetings (requests
 * council-set, council-show, meeting-open, meeting-attend, meeting-vote,
 * meeting-close, meeting-show; proto/council.proto).  The voting rules are
 * the rule set's (council.h); the moves a meeting's result makes go through
 * the move request's own handler (api_noms_move), so the move table, its
 * windows and guards and the one write path (nomwrite.h) apply unchanged.
 *
 * Ballot secrecy: a vote writes, in one transaction, the voter's mark
 * (database ballot_voters: meeting, nomination, principal -> in person or
 * in writing) and the counts of its nomination (database ballots: meeting,
 * nomination -> approve, reject).  Nothing stored, logged, audited,
 * exported or answered holds a choice next to a voter: no time, sequence or
 * key is shared between the two; a vote's remembered answer (dedup) holds
 * no choice and its digest is taken without it (api_council_vote_digest).
 * Counts are shown only once the meeting is closed.
 */
#ifndef EXEMPLAR_API_COUNCIL_H
#define EXEMPLAR_API_COUNCIL_H

#include <stdint.h>

#include "api_call.h"

/* Stores a council (admin).  Refuses -EX_EINVALID: a level or unit that do
 * not go together, no member, more than COUNCIL_MEMBERS_MAX, a principal
 * the daemon does not know (keys file or local account), a role or date
 * that is not one, a principal seated twice in overlapping dates, no chair
 * or no secretary. */
int api_council_set(call_t *x);
/* A council; -EX_ENOTFOUND when none is set. */
int api_council_show(call_t *x);

/* Opens a meeting of the Ministry council over unit-reviewed nominations,
 * or of a unit's council (its secretary a unit officer of the unit) over
 * the unit's nominations in fostering; -EX_EPERM too for an actor of the
 * other level (a unit officer at the Ministry's, anyone else at a unit's).
 * Refuses -EX_EPERM (not a secretary of the council today, or a move the
 * secretary could not make), -EX_EINVALID (agenda, minutes reference),
 * -EX_ENOTFOUND (no council, no nomination), -EX_ENOMOVE / -EX_EWINDOW
 * of the move table (a nomination not unit-reviewed, the ministry-review
 * window closed). */
int api_council_meeting_open(call_t *x);
/* Records members present.  -EX_EPERM (not the secretary), -EX_EINVALID
 * (not a member), -EX_ECONFLICT (the meeting is closed, the member already
 * voted in writing). */
int api_council_meeting_attend(call_t *x);
/* A member's ballot.  -EX_EPERM (not a member of the meeting's council),
 * -EX_ECONFLICT (already voted on a nomination, meeting closed),
 * -EX_EINVALID (a nomination not on the agenda, no choice, an absent
 * member when the rules refuse written votes). */
int api_council_meeting_vote(call_t *x);
/* Counts, decides and moves.  -EX_EPERM (not a secretary),
 * -EX_ECONFLICT (closed already). */
int api_council_meeting_close(call_t *x);
/* A meeting, who voted on what (never how), and the minutes once closed. */
int api_council_meeting_show(call_t *x);

/* Meetings newest first, filtered by state, level, unit and member, paged
 * by limit and page token; each with the agenda nominations the caller
 * voted on.  -EX_EINVALID (limit, token, unit code). */
int api_council_meeting_list(call_t *x);

/* The digest a vote is remembered under (dedup.h): the meeting and the
 * nominations, without the choices, so that the request table holds
 * nothing from which a choice could be recomputed. */
uint64_t api_council_vote_digest(const Exemplar__Request *req);

#endif
