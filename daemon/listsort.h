/* SPDX-License-Identifier: MIT */
/*
 * The orders a list of nominations can be asked in (wire.proto ListSort):
 * Vietnamese alphabetical order of the name (common/vitext.c: utf8proc's
 * decomposition, a ă â b c d đ e ê ..., tones after the base letters), and
 * the plan's rank ("ưu tiên những cá nhân được công nhận danh hiệu cao
 * hơn", section II.3.2): the highest rank (rulesets.yaml `rank`) of a title
 * the subject holds, not revoked, in a year of the nomination's period;
 * then how many of those years hold a title of that rank; then the name.
 */
#ifndef EXEMPLAR_LISTSORT_H
#define EXEMPLAR_LISTSORT_H

#include <stddef.h>

#include "record.pb-c.h"
#include "rules.h"
#include "store.h"
#include "wire.pb-c.h"

/* Sorts v[0..n) in place by `how` (LIST_SORT_NAME or LIST_SORT_RANK; the
 * default order leaves v as it is).  Ties end on the id.  Returns 0,
 * -EX_EINTERNAL (out of memory) or -EX_ESTORAGE (evidence unreadable). */
int listsort_sort(store_txn_t *t, rules_t *rules, Exemplar__ListSort how, Exemplar__Nomination **v,
                  size_t n);

#endif
