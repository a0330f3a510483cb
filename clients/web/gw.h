/* SPDX-License-Identifier: MIT */
/*
 * Requests to exemplard on behalf of the signed-in person (gw.c).
 */
#ifndef EXEMPLAR_WEB_GW_H
#define EXEMPLAR_WEB_GW_H

#include <stddef.h>

#include "context.h"
#include "exemplar.h"

int gw_init(const web_config_t *cfg, char *err, size_t errlen);
void gw_fini(void);
/* Fills the envelope of req as the gateway sends it: on behalf of person
 * (NULL or "": as the gateway itself, for user_login) and in lang
 * (LANG_VI, LANG_EN), the language of the daemon's sentences in the
 * answer (refusals, explanations). */
void gw_prepare(Exemplar__Request *req, const char *person, int lang);
/* gw_prepare, then sends req.  Returns as ex_client_call; serialised (one
 * connection). */
int gw_call(const char *person, int lang, Exemplar__Request *req, Exemplar__Reply **reply);

#endif
