/* SPDX-License-Identifier: MIT */
/*
 * Sessions and the sign-in rate limit, exemplar-web's only state (in
 * memory: a restart signs everyone out, which is the safe direction).
 *
 * A session is found by its token, 32 random bytes (libsodium) sent only in
 * an HttpOnly, SameSite=Strict cookie; each carries its own CSRF token,
 * compared in constant time with the one every form posts.  It ends after
 * [session] idle_timeout without a request and [session] max_age after
 * sign-in, whatever the activity.
 *
 * The rate limit counts wrong passwords per account and per client
 * address: [login] max_failures of either lock sign-in there for [login]
 * lock_seconds, even with the right password, so a guesser gets a handful
 * of tries per lock period however many addresses or accounts it spreads
 * over.  The tables are bounded; when full, the oldest entry goes.
 *
 * Requests run on several threads (one per connection): one mutex guards
 * both tables, held only for copies, never across a daemon call or a
 * password verification.
 */
#include "session.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SESSIONS_MAX 4096
#define LIMITS_MAX   4096

typedef struct {
    char key[WEB_NAME_MAX + 72]; /* "u:NAME" or "a:ADDRESS" */
    int failures;
    int64_t last_ms;
    int64_t locked_until_ms;
} limit_t;

static struct {
    pthread_mutex_t lock;
    web_session_t *s;
    size_t n;
    limit_t *lim;
    size_t nlim;
    int64_t idle_ms, max_ms, lock_ms;
    int max_failures;
} S = {.lock = PTHREAD_MUTEX_INITIALIZER};

int session_init(const web_config_t *cfg)
{
    S.s = calloc(SESSIONS_MAX, sizeof(*S.s));
    S.lim = calloc(LIMITS_MAX, sizeof(*S.lim));
    if (!S.s || !S.lim)
        return -1;
    S.idle_ms = (int64_t)cfg->idle_s * 1000;
    S.max_ms = (int64_t)cfg->max_s * 1000;
    S.lock_ms = (int64_t)cfg->lock_s * 1000;
    S.max_failures = cfg->max_failures;
    return 0;
}

void session_fini(void)
{
    if (S.s)
        sodium_memzero(S.s, SESSIONS_MAX * sizeof(*S.s));
    free(S.s);
    free(S.lim);
    S.s = NULL;
    S.lim = NULL;
    S.n = S.nlim = 0;
}

void session_token(char *out)
{
    uint8_t raw[WEB_TOKEN_LEN / 2];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(out, WEB_TOKEN_LEN + 1, raw, sizeof(raw));
}

static bool expired(const web_session_t *s, int64_t now)
{
    return now - s->seen_ms > S.idle_ms || now - s->created_ms > S.max_ms;
}

/* The index of token's session, or -1; the caller holds the lock. */
static ssize_t find(const char *token)
{
    if (!token || strlen(token) != WEB_TOKEN_LEN)
        return -1;
    for (size_t i = 0; i < S.n; i++)
        if (sodium_memcmp(S.s[i].token, token, WEB_TOKEN_LEN) == 0)
            return (ssize_t)i;
    return -1;
}

static void drop(size_t i)
{
    sodium_memzero(&S.s[i], sizeof(S.s[i]));
    S.s[i] = S.s[--S.n];
}

int session_create(const char *name, Exemplar__Role role, const char *unit, bool must_change,
                   web_session_t *out)
{
    int64_t now = web_now_ms();
    pthread_mutex_lock(&S.lock);
    for (size_t i = 0; i < S.n;)
        if (expired(&S.s[i], now))
            drop(i);
        else
            i++;
    if (S.n == SESSIONS_MAX) { /* the least recently used goes */
        size_t old = 0;
        for (size_t i = 1; i < S.n; i++)
            if (S.s[i].seen_ms < S.s[old].seen_ms)
                old = i;
        drop(old);
    }
    web_session_t *s = &S.s[S.n++];
    memset(s, 0, sizeof(*s));
    session_token(s->token);
    session_token(s->csrf);
    snprintf(s->name, sizeof(s->name), "%s", name);
    s->role = role;
    snprintf(s->unit, sizeof(s->unit), "%s", unit);
    s->must_change = must_change;
    s->created_ms = s->seen_ms = now;
    *out = *s;
    pthread_mutex_unlock(&S.lock);
    return 0;
}

int session_find(const char *token, web_session_t *out)
{
    int64_t now = web_now_ms();
    int rc = -1;
    pthread_mutex_lock(&S.lock);
    ssize_t i = find(token);
    if (i >= 0 && expired(&S.s[i], now)) {
        drop((size_t)i);
    } else if (i >= 0) {
        S.s[i].seen_ms = now;
        *out = S.s[i];
        rc = 0;
    }
    pthread_mutex_unlock(&S.lock);
    return rc;
}

bool session_alive(const char *token)
{
    pthread_mutex_lock(&S.lock);
    ssize_t i = find(token);
    bool alive = i >= 0 && !expired(&S.s[i], web_now_ms());
    pthread_mutex_unlock(&S.lock);
    return alive;
}

void session_remove(const char *token)
{
    pthread_mutex_lock(&S.lock);
    ssize_t i = find(token);
    if (i >= 0)
        drop((size_t)i);
    pthread_mutex_unlock(&S.lock);
}

void session_flash(const char *token, bool error, const char *fmt, ...)
{
    char text[WEB_FLASH_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&S.lock);
    ssize_t i = find(token);
    if (i >= 0) {
        memcpy(S.s[i].flash, text, sizeof(text));
        S.s[i].flash_error = error;
    }
    pthread_mutex_unlock(&S.lock);
}

bool session_take_flash(const char *token, char *out, size_t len, bool *error)
{
    bool got = false;
    pthread_mutex_lock(&S.lock);
    ssize_t i = find(token);
    if (i >= 0 && S.s[i].flash[0]) {
        snprintf(out, len, "%s", S.s[i].flash);
        *error = S.s[i].flash_error;
        S.s[i].flash[0] = '\0';
        got = true;
    }
    pthread_mutex_unlock(&S.lock);
    return got;
}

void session_set_must_change(const char *token, bool on)
{
    pthread_mutex_lock(&S.lock);
    ssize_t i = find(token);
    if (i >= 0)
        S.s[i].must_change = on;
    pthread_mutex_unlock(&S.lock);
}

/* ---- the sign-in rate limit ---------------------------------------------- */

/* The entry of key, made when absent (the oldest goes when full); the
 * caller holds the lock. */
static limit_t *limit_entry(const char *kind, const char *what, bool make)
{
    char key[sizeof(((limit_t *)0)->key)];
    snprintf(key, sizeof(key), "%s:%s", kind, what);
    for (size_t i = 0; i < S.nlim; i++)
        if (strcmp(S.lim[i].key, key) == 0)
            return &S.lim[i];
    if (!make)
        return NULL;
    size_t at = S.nlim;
    if (S.nlim == LIMITS_MAX) {
        at = 0;
        for (size_t i = 1; i < S.nlim; i++)
            if (S.lim[i].last_ms < S.lim[at].last_ms)
                at = i;
    } else {
        S.nlim++;
    }
    memset(&S.lim[at], 0, sizeof(S.lim[at]));
    memcpy(S.lim[at].key, key, sizeof(key));
    return &S.lim[at];
}

static int64_t left_ms(const limit_t *l, int64_t now)
{
    return l && l->locked_until_ms > now ? l->locked_until_ms - now : 0;
}

int limit_locked(const char *account, const char *address)
{
    int64_t now = web_now_ms();
    pthread_mutex_lock(&S.lock);
    int64_t a = left_ms(limit_entry("u", account, false), now);
    int64_t b = left_ms(limit_entry("a", address, false), now);
    pthread_mutex_unlock(&S.lock);
    int64_t ms = a > b ? a : b;
    return ms ? (int)((ms + 999) / 1000) : 0;
}

static void fail_one(limit_t *l, int64_t now)
{
    /* Failures older than a lock period are forgiven. */
    if (now - l->last_ms > S.lock_ms)
        l->failures = 0;
    l->last_ms = now;
    if (++l->failures >= S.max_failures) {
        l->locked_until_ms = now + S.lock_ms;
        l->failures = 0;
    }
}

void limit_failed(const char *account, const char *address)
{
    int64_t now = web_now_ms();
    pthread_mutex_lock(&S.lock);
    fail_one(limit_entry("u", account, true), now);
    fail_one(limit_entry("a", address, true), now);
    pthread_mutex_unlock(&S.lock);
}

void limit_succeeded(const char *account, const char *address)
{
    (void)address; /* an address keeps its count: one good account does not clear guessing */
    pthread_mutex_lock(&S.lock);
    limit_t *l = limit_entry("u", account, false);
    if (l)
        l->failures = 0;
    pthread_mutex_unlock(&S.lock);
}
