/* SPDX-License-Identifier: MIT */
/*
 * exemplar-web's internals, shared by its files: main.c (options, the
 * configuration file, the HTTP server), session.c (sessions and the
 * sign-in rate limit), html.c (output buffers, escaping, the two
 * languages), gw.c (requests to exemplard on behalf of the signed-in
 * person) and pages.c (the routes and their pages).
 *
 * exemplar-web keeps no state but sessions: every rule, window, guard and
 * unit scope stays in the daemon, which checks each request as the
 * person's (the gateway role, proto/PROTOCOL.md "Gateways and local
 * accounts").
 */
#ifndef EXEMPLAR_WEB_H
#define EXEMPLAR_WEB_H

#include <microhttpd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exemplar.h"

#define WEB_NAME      "exemplar-web"
#define WEB_TOKEN_LEN 64 /* hex characters of a session or CSRF token (32 random bytes) */
#define WEB_NAME_MAX  63
#define WEB_FLASH_MAX 1024
#define WEB_PROXIES   16

/* ---- configuration (main.c) -------------------------------------------- */

typedef struct {
    char listen[64];       /* [web] listen: ADDRESS:PORT, default 127.0.0.1:8080 */
    char api[256];         /* [daemon] api: the daemon's CURVE endpoint */
    char server_key[4096]; /* [daemon] server_key_file: the daemon's public key */
    char key[4096];        /* [daemon] key_file: exemplar-web's own secret key */
    int timeout_ms;        /* [daemon] timeout_ms */
    char events[256];      /* [daemon] events: the change feed, to wake the live view; "" polls */
    bool secure_cookies;   /* [web] secure_cookies: behind TLS, cookies get Secure */
    int idle_s, max_s;     /* [session] idle_timeout, max_age (seconds) */
    int max_failures;      /* [login] max_failures before a lock */
    int lock_s;            /* [login] lock_seconds */
    char proxy_header[64]; /* [proxy] user_header: e.g. X-Remote-User; empty: off */
    char proxies[WEB_PROXIES][64]; /* [proxy] trusted: addresses the header is taken from */
    int nproxies;
    int lang; /* [web] language: default language, 0 vi, 1 en */
} web_config_t;

/* Reads path over the defaults in cfg.  0, or -1 with a sentence in err. */
int web_config_load(const char *path, web_config_t *cfg, char *err, size_t errlen);
void web_config_defaults(web_config_t *cfg);

/* ---- output (html.c) ---------------------------------------------------- */

typedef struct {
    char *p;
    size_t len, cap;
    bool oom;
} buf_t;

void buf_add(buf_t *b, const char *s);
void buf_fmt(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with & < > " ' escaped: for text and attribute values alike. */
void buf_esc(buf_t *b, const char *s);
void buf_free(buf_t *b);

enum { LANG_VI = 0, LANG_EN = 1 };

/* The text for English key `en` in lang (the key itself when the table has
 * no Vietnamese for it). */
const char *L(int lang, const char *en) __attribute__((format_arg(2)));
/* A state's, kind's or move verb's name in lang. */
const char *web_state_name(int lang, Exemplar__State s);
const char *web_kind_name(int lang, Exemplar__Kind k);
const char *web_verb_name(int lang, const char *verb);
const char *web_role_name(int lang, Exemplar__Role r);

/* ---- sessions (session.c) ------------------------------------------------ */

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

/* ---- the daemon (gw.c) --------------------------------------------------- */

int gw_init(const web_config_t *cfg, char *err, size_t errlen);
void gw_fini(void);
/* Sends req on behalf of `person` (NULL: as the gateway itself, for
 * user_login).  Returns as ex_client_call; serialised (one connection). */
int gw_call(const char *person, Exemplar__Request *req, Exemplar__Reply **reply);

/* ---- pages (pages.c) ------------------------------------------------------- */

/* The MHD access handler. */
enum MHD_Result pages_handle(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_size, void **con_cls);
void pages_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                     enum MHD_RequestTerminationCode toe);
int pages_init(const web_config_t *cfg);

/* ---- the live view (live.c) --------------------------------------------- */

/* GET /events for the signed-in person: a stream of server-sent events. */
enum MHD_Result live_events(struct MHD_Connection *c, const web_session_t *s, int lang);
/* GET /live.js: the script that shows them. */
enum MHD_Result live_script(struct MHD_Connection *c);
/* Ends every stream (at shutdown, before MHD_stop_daemon). */
void live_stop(void);
/* With [daemon] events set, a thread subscribes to the change feed and
 * wakes every stream at each change; without, streams ask once a second.
 * Returns 0, or -1 with a sentence in err. */
int live_start(const web_config_t *cfg, char *err, size_t errlen);

int64_t web_now_ms(void);

#endif
