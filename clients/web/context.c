/* SPDX-License-Identifier: MIT */
/*
 * exemplar-web's configuration file (inih) over the built-in defaults, the
 * listen address and the clock: the bottom of exemplar-web (context.h).
 */
#include "context.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t web_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void web_config_defaults(web_config_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    snprintf(cfg->listen, sizeof(cfg->listen), "127.0.0.1:8080");
    snprintf(cfg->api, sizeof(cfg->api), "tcp://127.0.0.1:7410");
    /* Under systemd the keys come as credentials (LoadCredential= in
     * exemplar-web.service), readable by the service's dynamic user only. */
    const char *creds = getenv("CREDENTIALS_DIRECTORY");
    const char *dir = creds && *creds ? creds : "/etc/exemplard";
    snprintf(cfg->server_key, sizeof(cfg->server_key), "%s/server.pub", dir);
    snprintf(cfg->key, sizeof(cfg->key), "%s/web.key", dir);
    cfg->timeout_ms = 5000;
    cfg->idle_s = 30 * 60;
    cfg->max_s = 10 * 60 * 60;
    cfg->max_failures = 5;
    cfg->lock_s = 15 * 60;
    cfg->lang = LANG_VI;
}

typedef struct {
    web_config_t *cfg;
    char err[512];
} load_t;

static int set_int(const char *v, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < min || n > max)
        return -1;
    *out = (int)n;
    return 0;
}

static int set_bool(const char *v, bool *out)
{
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
        *out = true;
    else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
        *out = false;
    else
        return -1;
    return 0;
}

static int set_str(const char *v, char *out, size_t len)
{
    if (strlen(v) >= len)
        return -1;
    memcpy(out, v, strlen(v) + 1);
    return 0;
}

/* One table: section, key, and how the value is read. */
static int on_key(void *arg, const char *section, const char *key, const char *value)
{
    load_t *l = arg;
    web_config_t *c = l->cfg;
    int rc = -2;
#define IS(s, k) (!strcmp(section, s) && !strcmp(key, k))
    if (IS("web", "listen"))
        rc = set_str(value, c->listen, sizeof(c->listen));
    else if (IS("web", "secure_cookies"))
        rc = set_bool(value, &c->secure_cookies);
    else if (IS("web", "language"))
        rc = !strcmp(value, "vi")   ? (c->lang = LANG_VI, 0)
             : !strcmp(value, "en") ? (c->lang = LANG_EN, 0)
                                    : -1;
    else if (IS("daemon", "api"))
        rc = set_str(value, c->api, sizeof(c->api));
    else if (IS("daemon", "server_key_file"))
        rc = set_str(value, c->server_key, sizeof(c->server_key));
    else if (IS("daemon", "key_file"))
        rc = set_str(value, c->key, sizeof(c->key));
    else if (IS("daemon", "events"))
        rc = set_str(value, c->events, sizeof(c->events));
    else if (IS("daemon", "timeout_ms"))
        rc = set_int(value, 100, 600000, &c->timeout_ms);
    else if (IS("session", "idle_timeout"))
        rc = set_int(value, 1, 7 * 86400, &c->idle_s);
    else if (IS("session", "max_age"))
        rc = set_int(value, 1, 30 * 86400, &c->max_s);
    else if (IS("login", "max_failures"))
        rc = set_int(value, 1, 1000, &c->max_failures);
    else if (IS("login", "lock_seconds"))
        rc = set_int(value, 1, 86400, &c->lock_s);
    else if (IS("proxy", "user_header"))
        rc = set_str(value, c->proxy_header, sizeof(c->proxy_header));
    else if (IS("proxy", "trusted")) {
        /* blank-separated addresses; the key may be given several times */
        char copy[1024], *save = NULL;
        rc = set_str(value, copy, sizeof(copy));
        for (char *t = strtok_r(copy, " \t,", &save); rc == 0 && t;
             t = strtok_r(NULL, " \t,", &save)) {
            struct in6_addr a6;
            struct in_addr a4;
            if (c->nproxies == WEB_PROXIES ||
                (inet_pton(AF_INET, t, &a4) != 1 && inet_pton(AF_INET6, t, &a6) != 1))
                rc = -1;
            else
                snprintf(c->proxies[c->nproxies++], sizeof(c->proxies[0]), "%s", t);
        }
    }
#undef IS
    if (rc == -2)
        snprintf(l->err, sizeof(l->err), "unknown key [%s] %s", section, key);
    else if (rc < 0)
        snprintf(l->err, sizeof(l->err), "[%s] %s = \"%.100s\" is not a valid value", section, key,
                 value);
    return rc == 0;
}

int web_config_load(const char *path, web_config_t *cfg, char *err, size_t errlen)
{
    load_t l = {.cfg = cfg};
    int rc = ini_parse(path, on_key, &l);
    if (rc == -1) {
        snprintf(err, errlen, "cannot open %s (%s)", path, strerror(errno));
        return -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "%s, line %d: %s", path, rc, l.err[0] ? l.err : "syntax error");
        return -1;
    }
    if (cfg->proxy_header[0] && cfg->nproxies == 0) { /* trusted alone: X-Forwarded-For */
        snprintf(err, errlen,
                 "%s: [proxy] user_header needs [proxy] trusted, the addresses of the proxies "
                 "allowed to name the user",
                 path);
        return -1;
    }
    return 0;
}

int web_listen_addr(const char *text, struct sockaddr_in *sa, char *err, size_t errlen)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    int port = 0;
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    if (!colon || (size_t)(colon - text) >= sizeof(host) || set_int(colon + 1, 1, 65535, &port)) {
        snprintf(err, errlen, "[web] listen = \"%s\" is not ADDRESS:PORT", text);
        return -1;
    }
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        snprintf(err, errlen, "[web] listen = \"%s\": %s is not an IPv4 address", text, host);
        return -1;
    }
    sa->sin_port = htons((uint16_t)port);
    return 0;
}
