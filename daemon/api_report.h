/* SPDX-License-Identifier: MIT */
/*
 * The interim and final review reports (api_report.c), a row of API_OPS
 * (api.c).
 */
#ifndef EXEMPLAR_API_REPORT_H
#define EXEMPLAR_API_REPORT_H

#include "api_call.h"

/* A review report (summary.proto ReviewReportRequest): one period of a
 * campaign (interim) or the whole campaign (final), as of the end of one
 * day of it.  Catches the tallies up in the call's transaction first (sets
 * x->wrote); unit officers get their own unit only. */
int api_report(call_t *x);

#endif
