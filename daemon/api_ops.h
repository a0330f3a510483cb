/* SPDX-License-Identifier: MIT */
/*
 * Operator tools (api_ops.c): fsck, a row of API_OPS (api.c), and the
 * rewind of a nomination through its history that as-of lists use.
 */
#ifndef EXEMPLAR_API_OPS_H
#define EXEMPLAR_API_OPS_H

#include "api_call.h"

/* Operator tools (api_ops.c), rows of API_OPS.  fsck checks the
 * nominations against their indexes and histories and the change log for
 * gaps, in one pass over the store (it holds the loop for that long); with
 * repair set it rebuilds by_state and by_unit in the call's transaction and
 * sets x->wrote. */
int api_ops_fsck(call_t *x);

/* Rewinds n to the instant as_of_ms from its history: state, version,
 * updated_ms, last_seq and state_seq become those of its last change at or
 * before it (carried_to and revocation are cleared when it was not yet
 * carried over or revoked).  *existed is false, and n unchanged, when n was
 * registered later.  Returns 0, or -EX_ESTORAGE for a broken history. */
int api_ops_rewind(store_txn_t *t, Exemplar__Nomination *n, int64_t as_of_ms, bool *existed);

#endif
