/* SPDX-License-Identifier: MIT */
/*
 * The nomination requests (api_noms.c), rows of API_OPS (api.c): register,
 * move, get, history, list, changes and info; and the events' publish and
 * event-list requests, which api_events.c answers with the context
 * api_noms_events_ctx() makes.
 */
#ifndef EXEMPLAR_API_NOMS_H
#define EXEMPLAR_API_NOMS_H

#include "api_call.h"
#include "api_events.h"

int api_noms_info(call_t *x);
int api_noms_register(call_t *x);
int api_noms_move(call_t *x);
int api_noms_get(call_t *x);
int api_noms_history(call_t *x);
int api_noms_list(call_t *x);
int api_noms_changes(call_t *x);
int api_noms_publish(call_t *x);
int api_noms_event_list(call_t *x);

/* What the event handlers (api_events.c) work with, for call x. */
api_events_ctx_t api_noms_events_ctx(call_t *x);

#endif
