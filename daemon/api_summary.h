/* SPDX-License-Identifier: MIT */
/*
 * The quarterly summary request (api_summary.c), a row of API_OPS (api.c).
 */
#ifndef EXEMPLAR_API_SUMMARY_H
#define EXEMPLAR_API_SUMMARY_H

#include "api_call.h"

/* The quarterly summary (api_summary.c), a row of API_OPS: catches
 * the tallies up in the call's transaction (sets x->wrote), then answers
 * from them; unit officers get their own unit only. */
int api_summary(call_t *x);

#endif
