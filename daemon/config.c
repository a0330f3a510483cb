/* SPDX-License-Identifier: MIT */
/*
 * Configuration (see config.h).  KEYS is the one list of keys: the INI
 * parser, the command-line flags (through config_set) and config_print all
 * read it.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

typedef enum { KEY_STRING, KEY_UINT, KEY_MIB, KEY_LOGLEVEL, KEY_BOOL } key_type_t;

typedef struct {
    const char *section;
    const char *name;
    key_type_t type;
    size_t offset;
    size_t size;  /* for strings: the buffer size */
    uint64_t min; /* for numbers, in the unit the file uses */
    uint64_t max;
} key_t_;

#define STR(s, k, field)                                                                           \
    {                                                                                              \
        s, k, KEY_STRING, offsetof(config_t, field), sizeof(((config_t *)0)->field), 0, 0          \
    }
#define NUM(s, k, type, field, lo, hi)                                                             \
    {                                                                                              \
        s, k, type, offsetof(config_t, field), sizeof(((config_t *)0)->field), lo, hi              \
    }

static const key_t_ KEYS[] = {
    STR("daemon", "state_dir", state_dir),
    STR("daemon", "runtime_dir", runtime_dir),
    STR("daemon", "default_campaign", default_campaign),
    NUM("daemon", "log_level", KEY_LOGLEVEL, log_level, 0, 0),
    STR("api", "endpoint", api_endpoint),
    STR("api", "events_endpoint", events_endpoint),
    NUM("api", "max_message_bytes", KEY_UINT, max_message_bytes, 1024, 16u << 20),
    NUM("api", "max_batch", KEY_UINT, max_batch, 1, 65536),
    NUM("store", "map_size_mib", KEY_MIB, map_size, 1, 1u << 24),
    NUM("store", "map_max_mib", KEY_MIB, map_max, 1, 1u << 24),
    NUM("store", "request_ttl_hours", KEY_UINT, request_ttl_hours, 1, 24 * 366),
    NUM("store", "events_index_lag", KEY_UINT, events_index_lag, 1, 10000000),
    NUM("rules", "enforce", KEY_BOOL, rules_enforce, 0, 1),
    STR("rules", "today", rules_today),
    STR("rules", "campaign_dir", campaign_dir),
    STR("rules", "rulebook_file", rulebook_file),
    STR("rules", "holidays_file", holidays_file),
    STR("rules", "language", language),
    STR("rules", "locale_dir", locale_dir),
    STR("auth", "endpoint", auth_endpoint),
    STR("auth", "secret_key_file", auth_secret_key_file),
    STR("auth", "keys_file", auth_keys_file),
    STR("workers", "remind_before", workers_remind_before),
    STR("workers", "remind_after", workers_remind_after),
    STR("workers", "stale_after", workers_stale_after),
    STR("workers", "summary_delay", workers_summary_delay),
    STR("workers", "catch_up", workers_catch_up),
    NUM("workers", "max_attempts", KEY_UINT, workers_max_attempts, 1, 100),
    STR("stats", "listen", stats_listen), /* issue 8: Prometheus endpoint; "" = off */
};

static const key_t_ *find_key(const char *section, const char *name)
{
    for (size_t i = 0; i < sizeof(KEYS) / sizeof(KEYS[0]); i++)
        if (strcmp(KEYS[i].section, section) == 0 && strcmp(KEYS[i].name, name) == 0)
            return &KEYS[i];
    return NULL;
}

static void put_uint(void *dst, size_t size, uint64_t v)
{
    if (size == sizeof(uint64_t)) {
        uint64_t x = v;
        memcpy(dst, &x, size);
    } else {
        unsigned x = (unsigned)v;
        memcpy(dst, &x, sizeof(x));
    }
}

static uint64_t get_uint(const void *src, size_t size)
{
    if (size == sizeof(uint64_t)) {
        uint64_t x;
        memcpy(&x, src, size);
        return x;
    }
    unsigned x;
    memcpy(&x, src, sizeof(x));
    return x;
}

/* [publisher.NAME] endpoint = ..., topic = ... (repeatable).  Sections are
 * made on first use; a second section with the same name adds to the first. */
static int set_publisher(config_t *cfg, const char *section, const char *key, const char *value,
                         char *err, size_t errlen)
{
    const char *name = section + strlen(CONFIG_PUBLISHER_SECTION);
    size_t n = strlen(name);
    bool ok = n >= 1 && n <= CONFIG_PUBLISHER_NAME_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)name[i]) || strchr("._-", name[i]);
    if (!ok) {
        snprintf(err, errlen,
                 "[%s]: a publisher's name must be 1-%d of A-Z a-z 0-9 . _ - (it is the name "
                 "its events carry)",
                 section, CONFIG_PUBLISHER_NAME_MAX);
        return -1;
    }
    config_publisher_t *p = NULL;
    for (unsigned i = 0; i < cfg->npublishers && !p; i++)
        if (strcmp(cfg->publishers[i].name, name) == 0)
            p = &cfg->publishers[i];
    if (!p) {
        if (cfg->npublishers == CONFIG_PUBLISHERS_MAX) {
            snprintf(err, errlen, "[%s]: at most %d publisher sections are allowed", section,
                     CONFIG_PUBLISHERS_MAX);
            return -1;
        }
        p = &cfg->publishers[cfg->npublishers++];
        memset(p, 0, sizeof(*p));
        memcpy(p->name, name, n + 1);
    }
    if (strcmp(key, "endpoint") == 0) {
        if (!value[0] || strlen(value) >= sizeof(p->endpoint)) {
            snprintf(err, errlen, "[%s] endpoint must be 1-%zu bytes (e.g. tcp://host:5561)",
                     section, sizeof(p->endpoint) - 1);
            return -1;
        }
        memcpy(p->endpoint, value, strlen(value) + 1);
        return 0;
    }
    if (strcmp(key, "topic") == 0) {
        if (p->ntopics == CONFIG_TOPICS_MAX || strlen(value) >= CONFIG_TOPIC_MAX) {
            snprintf(err, errlen, "[%s] topic: at most %d topics of at most %d bytes", section,
                     CONFIG_TOPICS_MAX, CONFIG_TOPIC_MAX - 1);
            return -1;
        }
        memcpy(p->topics[p->ntopics++], value, strlen(value) + 1);
        return 0;
    }
    snprintf(err, errlen, "unknown key [%s] %s (a publisher section has endpoint and topic)",
             section, key);
    return -1;
}

int config_set(config_t *cfg, const char *section, const char *key, const char *value, char *err,
               size_t errlen)
{
    if (strncmp(section, CONFIG_PUBLISHER_SECTION, strlen(CONFIG_PUBLISHER_SECTION)) == 0)
        return set_publisher(cfg, section, key, value, err, errlen);
    const key_t_ *k = find_key(section, key);
    if (!k) {
        snprintf(err, errlen, "unknown key [%s] %s", section, key);
        return -1;
    }
    char *dst = (char *)cfg + k->offset;
    switch (k->type) {
    case KEY_STRING:
        if (strlen(value) >= k->size) {
            snprintf(err, errlen, "[%s] %s is too long (at most %zu bytes)", section, key,
                     k->size - 1);
            return -1;
        }
        memcpy(dst, value, strlen(value) + 1);
        return 0;
    case KEY_LOGLEVEL: {
        int p = log_level_parse(value);
        if (p < 0) {
            snprintf(err, errlen,
                     "[%s] %s must be one of error, warning, notice, info, debug (not \"%s\")",
                     section, key, value);
            return -1;
        }
        memcpy(dst, &p, sizeof(p));
        return 0;
    }
    case KEY_BOOL: {
        unsigned b;
        if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
            b = 1;
        else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
            b = 0;
        else {
            snprintf(err, errlen, "[%s] %s must be yes or no (not \"%s\")", section, key, value);
            return -1;
        }
        memcpy(dst, &b, sizeof(b));
        return 0;
    }
    case KEY_UINT:
    case KEY_MIB: {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(value, &end, 10);
        if (errno || end == value || *end || value[0] == '-' || v < k->min || v > k->max) {
            snprintf(err, errlen, "[%s] %s must be a whole number from %llu to %llu (not \"%s\")",
                     section, key, (unsigned long long)k->min, (unsigned long long)k->max, value);
            return -1;
        }
        put_uint(dst, k->size, k->type == KEY_MIB ? v << 20 : v);
        return 0;
    }
    }
    return -1;
}

void config_defaults(config_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    const char *state = getenv("STATE_DIRECTORY");
    const char *runtime = getenv("RUNTIME_DIRECTORY");
    /* systemd may pass several colon-separated directories: use the first. */
    snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%.*s", state ? (int)strcspn(state, ":") : 15,
             state ? state : "exemplar-state");
    if (runtime)
        snprintf(cfg->runtime_dir, sizeof(cfg->runtime_dir), "%.*s", (int)strcspn(runtime, ":"),
                 runtime);
    snprintf(cfg->default_campaign, sizeof(cfg->default_campaign), "2021-2025");
    cfg->log_level = LOG_INFO;
    cfg->max_message_bytes = 64 * 1024;
    cfg->max_batch = 256;
    cfg->map_size = 64ull << 20;
    cfg->map_max = 1ull << 40; /* 1 TiB: in practice, the disk is the limit */
    cfg->request_ttl_hours = 24;
    cfg->rules_enforce = 1;
    snprintf(cfg->language, sizeof(cfg->language), "vi");
    const char *conf = getenv("CONFIGURATION_DIRECTORY");
    if (conf) {
        int n = (int)strcspn(conf, ":");
        snprintf(cfg->auth_secret_key_file, sizeof(cfg->auth_secret_key_file), "%.*s/server.key", n,
                 conf);
        snprintf(cfg->auth_keys_file, sizeof(cfg->auth_keys_file), "%.*s/keys", n, conf);
    }
    cfg->events_index_lag = 20000;
    snprintf(cfg->workers_remind_before, sizeof(cfg->workers_remind_before), "14d 7d 1d");
    snprintf(cfg->workers_remind_after, sizeof(cfg->workers_remind_after), "1d 7d");
    snprintf(cfg->workers_stale_after, sizeof(cfg->workers_stale_after), "1d");
    snprintf(cfg->workers_summary_delay, sizeof(cfg->workers_summary_delay), "1d");
    snprintf(cfg->workers_catch_up, sizeof(cfg->workers_catch_up), "7d");
    cfg->workers_max_attempts = 5;
}

const char *config_default_path(char *buf, size_t len)
{
    /* The service and an administrator's shell must read the same file:
     * systemd names the directory (ConfigurationDirectory=exemplard), a
     * shell has no variable, so the packaged path is looked at too (as knotd
     * reads /etc/knot/knot.conf unless told otherwise). */
    const char *dir = getenv("CONFIGURATION_DIRECTORY");
    struct stat st;
    if (dir) {
        snprintf(buf, len, "%.*s/exemplard.conf", (int)strcspn(dir, ":"), dir);
        if (stat(buf, &st) == 0)
            return buf;
    }
    snprintf(buf, len, "%s", CONFIG_SYSTEM_FILE);
    return stat(buf, &st) == 0 ? buf : NULL;
}

typedef struct {
    config_t *cfg;
    const char *path;
    char *err;
    size_t errlen;
    int failed;
} ini_ctx_t;

static int on_ini_line(void *user, const char *section, const char *name, const char *value)
{
    ini_ctx_t *ctx = user;
    char why[256];
    if (config_set(ctx->cfg, section, name, value, why, sizeof(why)) < 0) {
        if (!ctx->failed)
            snprintf(ctx->err, ctx->errlen, "%s: %s", ctx->path, why);
        ctx->failed = 1;
        return 0; /* inih reports the line number of the first failure */
    }
    return 1;
}

int config_load_file(config_t *cfg, const char *path, char *err, size_t errlen)
{
    ini_ctx_t ctx = {cfg, path, err, errlen, 0};
    int rc = ini_parse(path, on_ini_line, &ctx);
    if (rc == -1) {
        snprintf(err, errlen, "%s: cannot open (%s)", path, strerror(errno));
        return -1;
    }
    if (rc != 0) {
        if (ctx.failed) {
            char why[512];
            snprintf(why, sizeof(why), "%s", err);
            snprintf(err, errlen, "%s (line %d)", why, rc);
        } else {
            snprintf(err, errlen, "%s: line %d is not valid INI syntax", path, rc);
        }
        return -1;
    }
    return 0;
}

/* An endpoint inside the runtime directory, e.g. ipc://DIR/api.sock. */
static int runtime_endpoint(char *dst, size_t len, const char *dir, const char *file)
{
    int n = snprintf(dst, len, "ipc://%s/%s", dir, file);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Makes dir absolute against the working directory, so that the endpoints
 * announced to clients (InfoReply) work from any directory. */
static int make_absolute(char *dir, size_t len)
{
    char cwd[PATH_MAX], joined[PATH_MAX];
    if (dir[0] == '/' || !dir[0])
        return 0;
    if (!getcwd(cwd, sizeof(cwd)))
        return -1;
    int n = snprintf(joined, sizeof(joined), "%s/%s", cwd, dir);
    if (n < 0 || (size_t)n >= len)
        return -1;
    memcpy(dir, joined, (size_t)n + 1);
    return 0;
}

int config_finish(config_t *cfg, char *err, size_t errlen)
{
    if (make_absolute(cfg->state_dir, sizeof(cfg->state_dir)) < 0 ||
        make_absolute(cfg->runtime_dir, sizeof(cfg->runtime_dir)) < 0) {
        snprintf(err, errlen, "cannot make the state or runtime directory absolute (%s)",
                 strerror(errno));
        return -1;
    }
    if (!cfg->runtime_dir[0])
        snprintf(cfg->runtime_dir, sizeof(cfg->runtime_dir), "%s", cfg->state_dir);
    if ((!cfg->api_endpoint[0] && runtime_endpoint(cfg->api_endpoint, sizeof(cfg->api_endpoint),
                                                   cfg->runtime_dir, "api.sock") < 0) ||
        (!cfg->events_endpoint[0] &&
         runtime_endpoint(cfg->events_endpoint, sizeof(cfg->events_endpoint), cfg->runtime_dir,
                          "events.sock") < 0)) {
        snprintf(err, errlen, "runtime_dir %s is too long for an ipc:// endpoint",
                 cfg->runtime_dir);
        return -1;
    }
    if (strncmp(cfg->api_endpoint, "tcp://", 6) == 0) {
        snprintf(err, errlen,
                 "[api] endpoint %s: the api endpoint is the administrators' local socket and "
                 "must be ipc://; put tcp:// endpoints in [auth] endpoint, where CURVE protects "
                 "them",
                 cfg->api_endpoint);
        return -1;
    }
    if (cfg->auth_endpoint[0] && strncmp(cfg->auth_endpoint, "tcp://", 6) != 0) {
        snprintf(err, errlen, "[auth] endpoint %s must be a tcp:// endpoint (CURVE)",
                 cfg->auth_endpoint);
        return -1;
    }
    if (cfg->map_max < cfg->map_size) {
        snprintf(err, errlen, "[store] map_max_mib (%llu) is below map_size_mib (%llu)",
                 (unsigned long long)(cfg->map_max >> 20),
                 (unsigned long long)(cfg->map_size >> 20));
        return -1;
    }
    if (strcmp(cfg->language, "vi") != 0 && strcmp(cfg->language, "en") != 0) {
        snprintf(err, errlen, "[rules] language must be vi or en (not \"%s\")", cfg->language);
        return -1;
    }
    if (!cfg->default_campaign[0]) {
        snprintf(err, errlen, "[daemon] default_campaign must not be empty");
        return -1;
    }
    for (unsigned i = 0; i < cfg->npublishers; i++) {
        if (!cfg->publishers[i].endpoint[0]) {
            snprintf(err, errlen, "[%s%s] has no endpoint (the publisher's PUB socket)",
                     CONFIG_PUBLISHER_SECTION, cfg->publishers[i].name);
            return -1;
        }
    }
    return 0;
}

void config_print(const config_t *cfg, FILE *f)
{
    const char *section = "";
    for (size_t i = 0; i < sizeof(KEYS) / sizeof(KEYS[0]); i++) {
        const key_t_ *k = &KEYS[i];
        const char *src = (const char *)cfg + k->offset;
        if (strcmp(section, k->section) != 0) {
            fprintf(f, "%s[%s]\n", i ? "\n" : "", k->section);
            section = k->section;
        }
        switch (k->type) {
        case KEY_STRING:
            fprintf(f, "%s = %s\n", k->name, src);
            break;
        case KEY_LOGLEVEL:
            fprintf(f, "%s = %s\n", k->name, log_level_name(cfg->log_level));
            break;
        case KEY_UINT:
            fprintf(f, "%s = %llu\n", k->name, (unsigned long long)get_uint(src, k->size));
            break;
        case KEY_MIB:
            fprintf(f, "%s = %llu\n", k->name, (unsigned long long)(get_uint(src, k->size) >> 20));
            break;
        case KEY_BOOL:
            fprintf(f, "%s = %s\n", k->name, get_uint(src, k->size) ? "yes" : "no");
            break;
        }
    }
    for (unsigned i = 0; i < cfg->npublishers; i++) {
        const config_publisher_t *p = &cfg->publishers[i];
        fprintf(f, "\n[%s%s]\nendpoint = %s\n", CONFIG_PUBLISHER_SECTION, p->name, p->endpoint);
        for (unsigned t = 0; t < p->ntopics; t++)
            fprintf(f, "topic = %s\n", p->topics[t]);
    }
}
