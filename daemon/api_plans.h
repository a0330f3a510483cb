/* SPDX-License-Identifier: MIT */
/*
 * The requests of the unit plans (api_plans.c), rows of API_OPS (api.c).
 */
#ifndef EXEMPLAR_API_PLANS_H
#define EXEMPLAR_API_PLANS_H

#include "api_call.h"

/* Handlers of the unit plans' requests (api_plans.c), rows of
 * API_OPS: submit (or save a draft) for one's own unit, show and list
 * progress (unit officers: their own unit only), accept and return. */
int api_plans_submit(call_t *x);
int api_plans_show(call_t *x);
int api_plans_list(call_t *x);
int api_plans_accept(call_t *x);
int api_plans_return(call_t *x);

#endif
