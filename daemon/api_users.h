/* SPDX-License-Identifier: MIT */
/*
 * Handlers of the local accounts' requests (api_users.c), rows of API_OPS:
 * user_add, user_disable and user_list for administrators, user_passwd for
 * administrators and for the account itself (through a gateway), and
 * user_login for gateways only: it answers the account with its Argon2id
 * hash so that the gateway verifies the password in its own process
 * (users.h says why the daemon never does).
 */
#ifndef EXEMPLAR_API_USERS_H
#define EXEMPLAR_API_USERS_H

#include "api_call.h"

int api_users_add(call_t *x);
int api_users_passwd(call_t *x);
int api_users_disable(call_t *x);
int api_users_list(call_t *x);
int api_users_login(call_t *x);

#endif
