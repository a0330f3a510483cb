/* SPDX-License-Identifier: MIT */
/*
 * exemplar-web's bottom module: the configuration every other file reads
 * (web.conf through inih, over built-in defaults), the sizes they share and
 * the clock.  It calls no other file of exemplar-web; html, session, gw,
 * live and pages sit above it, main.c on top (.ci/check-imports keeps the
 * graph without circles).
 *
 * exemplar-web keeps no state but sessions: every rule, window, guard and
 * unit scope stays in the daemon, which checks each request as the
 * person's (the gateway role, proto/PROTOCOL.md "Gateways and local
 * accounts").
 */
#ifndef EXEMPLAR_WEB_CONTEXT_H
#define EXEMPLAR_WEB_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#define WEB_NAME      "exemplar-web"
#define WEB_TOKEN_LEN 64 /* hex characters of a session or CSRF token (32 random bytes) */
#define WEB_NAME_MAX  63
#define WEB_FLASH_MAX 1024
#define WEB_PROXIES   16

enum { LANG_VI = 0, LANG_EN = 1 };

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
    int lang; /* [web] language: default language, LANG_VI or LANG_EN */
} web_config_t;

/* The built-in defaults (the keys from $CREDENTIALS_DIRECTORY under
 * systemd, else /etc/exemplard). */
void web_config_defaults(web_config_t *cfg);
/* Reads path over the defaults in cfg.  0, or -1 with a sentence in err. */
int web_config_load(const char *path, web_config_t *cfg, char *err, size_t errlen);
/* [web] listen ("ADDRESS:PORT", IPv4) as a socket address.  0, or -1 with
 * a sentence in err. */
int web_listen_addr(const char *text, struct sockaddr_in *sa, char *err, size_t errlen);

/* Wall-clock milliseconds (session ages, the live view's keep-alive). */
int64_t web_now_ms(void);

#endif
