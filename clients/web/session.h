/* SPDX-License-Identifier: MIT */
/*
 * Sessions and the sign-in rate limit (session.c), exemplar-web's only
 * state.
 */
#ifndef EXEMPLAR_WEB_SESSION_H
#define EXEMPLAR_WEB_SESSION_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "exemplar.h"

typedef struct {
    char token[WEB_TOKEN_LEN + 1];
    char csrf[WEB_TOKEN_LEN + 1];
    char name[WEB_NAME_MAX + 1];
    Exemplar__Role role;
    char unit[17];
    bool must_change;
    int64_t created_ms, seen_ms;
    char flash[WEB_FLASH_MAX];
    bool flash_error;
} web_session_t;

int session_init(const web_config_t *cfg);
void session_fini(void);
/* 32 random bytes as hex into out (WEB_TOKEN_LEN + 1). */
void session_token(char *out);
/* A new session for the person; *out is a copy. */
int session_create(const char *name, Exemplar__Role role, const char *unit, bool must_change,
                   web_session_t *out);
/* The live session of token (touched), copied into *out: 0, or -1 when none
 * or expired (idle or absolute; an expired one is removed). */
int session_find(const char *token, web_session_t *out);
void session_remove(const char *token);
/* Is token's session live?  Unlike session_find it does not count as
 * activity: a page left open on the live view still expires when idle. */
bool session_alive(const char *token);
/* Leaves a message for the next page of the session (post-redirect-get). */
void session_flash(const char *token, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Takes the pending message (empties it); false when none. */
bool session_take_flash(const char *token, char *out, size_t len, bool *error);
void session_set_must_change(const char *token, bool on);

/* Sign-in rate limit, per account and per address.  limit_locked: seconds
 * left of a lock on either, 0 when none.  limit_failed counts a wrong
 * password for both; limit_succeeded clears the account's count. */
int limit_locked(const char *account, const char *address);
void limit_failed(const char *account, const char *address);
void limit_succeeded(const char *account, const char *address);

#endif
