/* SPDX-License-Identifier: MIT */
/*
 * The administrator's title aliases (requests title-alias-add and
 * title-alias-list; titles.h keeps them): a spelling a publisher uses for a
 * title of the catalogue, after which the kept facts that spelling names
 * become evidence.
 */
#ifndef EXEMPLAR_API_TITLES_H
#define EXEMPLAR_API_TITLES_H

#include "api_call.h"

/* Stores an alias (spelling -> title code, optionally for one rule set's
 * years) and turns the kept unmatched facts it now resolves into evidence,
 * with the checks of evidence add.  Refuses: -EX_EINVALID (empty or
 * oversized spelling, an unknown title code or rule set), -EX_ECONFLICT (the
 * spelling is already a name of the catalogue, or an alias of another
 * title). */
int api_titles_alias_add(call_t *x);
/* Every stored alias. */
int api_titles_alias_list(call_t *x);

#endif
