/* SPDX-License-Identifier: MIT */
/*
 * The unit's dossier of a nomination (requests acclamation-set and
 * judgement-set; proto/dossier.proto, dossier.h).  Recorded by the
 * nomination's unit officer (its unit scope, as a move's) or an admin,
 * while the unit may still review the nomination (registered, fostering,
 * returned).  The move to unit-reviewed reads the acclamation (rules.c's
 * criteria guard) when the rule set requires one.
 */
#ifndef EXEMPLAR_API_DOSSIER_H
#define EXEMPLAR_API_DOSSIER_H

#include "api_call.h"

/* Records (replaces) the collective's acclamation.  Refuses -EX_EINVALID
 * (no id, a date that is not a day or is after today, no member present,
 * more in favour than present), -EX_ENOTFOUND, -EX_EPERM (unit scope),
 * -EX_ENOMOVE (the unit's review is over). */
int api_dossier_acclamation_set(call_t *x);
/* Records (replaces) the unit's judgement on one qualitative criterion.
 * Refuses as above, and -EX_EINVALID for a criterion the rule set does not
 * list for the nomination's kind, or no reason. */
int api_dossier_judgement_set(call_t *x);
/* Adds a file to the dossier as the next version of its part: the bytes
 * kept once as a blob (blobs.h), the attachment listed with its type read
 * from the bytes (mediatype.h).  Refuses as acclamation-set, and
 * -EX_EINVALID (a part the rule set does not name, no file name, an empty
 * file, a type other than PDF, DOCX, JPEG, PNG), -EX_ETOOBIG (over
 * config_attachment_limit), -EX_EINTERNAL (libmagic cannot be loaded). */
int api_dossier_attachment_add(call_t *x);
/* The dossier with its list of files (part empty), or one file and its
 * bytes (version 0: the part's latest).  Read scope as get.  Refuses
 * -EX_EINVALID (no id), -EX_ENOTFOUND (no such nomination, part or
 * version), -EX_EPERM; -EX_ESTORAGE when a listed file's blob is missing. */
int api_dossier_attachment_get(call_t *x);

#endif
