/* SPDX-License-Identifier: MIT */
/*
 * Online operator tools (api_dump.c), rows of API_OPS: backup and export hand
 * over one snapshot in pages (ops.proto's DumpRequest), written by a process
 * of the daemon's own program beside the loop; moves answers the move table
 * this daemon enforces.  Each returns 0 with the reply set, or a refusal.
 */
#ifndef EXEMPLAR_API_DUMP_H
#define EXEMPLAR_API_DUMP_H

#include "api_call.h"

int api_dump_backup(call_t *x);
int api_dump_export(call_t *x);
int api_dump_moves(call_t *x);

#endif
