/* SPDX-License-Identifier: MIT */
/*
 * Configuration (see config.h).  KEYS is the one list of keys: the INI
 * parser, the command-line flags (through config_set), the defaults,
 * config_print, the reload (config_diff, config_copy_live) and README's
 * table (config_print_keys) all read it.  A new key is one row there.
 */
#include "config.h"

#include <assert.h>
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

/* One row per key, with every column a part of the daemon needs: the INI
 * parser and the flags (type, field, range), config_defaults (value),
 * config_print and --check-config, the reload (reload, how), and the
 * documentation (doc_default, doc: README's table is printed from them by
 * --print-config-keys, and .ci/check-docs compares it and the manual page). */
typedef struct {
    const char *section;
    const char *name;
    key_type_t type;
    size_t offset;
    size_t size;  /* for strings: the buffer size */
    uint64_t min; /* for numbers, in the unit the file uses */
    uint64_t max;
    const char *value;       /* the default as the file writes it; NULL: set in config_defaults */
    const char *doc_default; /* the default in README's words; NULL: `value`, or (none) */
    config_reload_t reload;  /* what a reload does when the key changed */
    const char *how;         /* a live key: how the running daemon takes the new value */
    const char *doc;         /* README's meaning of the key, one line of Markdown */
} config_key_t;

#define FIELD(f) offsetof(config_t, f), sizeof(((config_t *)0)->f)

/* How live keys reach the running daemon. */
#define HOW_TIMERS "the timers are derived again from the campaigns"
#define HOW_AT_USE "read at each use"

static const config_key_t KEYS[] = {
    {"daemon", "state_dir", KEY_STRING, FIELD(state_dir), 0, 0, NULL,
     "`$STATE_DIRECTORY`, else `exemplar-state`", CONFIG_RESTART, NULL,
     "the LMDB environment; created with mode 0750; a relative path is made absolute"},
    {"daemon", "runtime_dir", KEY_STRING, FIELD(runtime_dir), 0, 0, NULL,
     "`$RUNTIME_DIRECTORY`, else `state_dir`", CONFIG_RESTART, NULL,
     "where the default ipc sockets are created"},
    {"daemon", "default_campaign", KEY_STRING, FIELD(default_campaign), 0, 0, "2021-2025", NULL,
     CONFIG_LIVE, HOW_AT_USE, "the campaign of registrations that name none"},
    {"daemon", "log_level", KEY_LOGLEVEL, FIELD(log_level), 0, 0, "info", NULL, CONFIG_LIVE,
     "the log level is set at once", "`error`, `warning`, `notice`, `info` or `debug`"},
    {"api", "endpoint", KEY_STRING, FIELD(api_endpoint), 0, 0, NULL,
     "`ipc://<runtime_dir>/api.sock`", CONFIG_RESTART, NULL,
     "the request socket (ROUTER); must be `ipc://` (network clients use `[auth] endpoint`)"},
    {"api", "events_endpoint", KEY_STRING, FIELD(events_endpoint), 0, 0, NULL,
     "`ipc://<runtime_dir>/events.sock`", CONFIG_RESTART, NULL,
     "the change feed (PUB); a `tcp://` feed is CURVE"},
    {"api", "max_message_bytes", KEY_UINT, FIELD(max_message_bytes), 1024, 16u << 20, "11534336",
     NULL, CONFIG_RESTART, NULL,
     "larger requests are dropped by ZeroMQ; the default fits a dossier file of 10 MiB"},
    {"api", "max_batch", KEY_UINT, FIELD(max_batch), 1, 65536, "256", NULL, CONFIG_RESTART, NULL,
     "requests applied in one group commit"},
    {"store", "map_size_mib", KEY_MIB, FIELD(map_size), 1, 1u << 24, "64", NULL, CONFIG_RESTART,
     NULL, "initial LMDB map; it doubles by itself when full"},
    {"store", "map_max_mib", KEY_MIB, FIELD(map_max), 1, 1u << 24, "1048576", NULL, CONFIG_RESTART,
     NULL, "the map never grows past this; then writes get `storage-full`"},
    {"store", "wal", KEY_BOOL, FIELD(wal), 0, 1, "off", NULL, CONFIG_RESTART, NULL,
     "`on`: a durable commit is one record appended to the write-ahead log in `<state_dir>/wal` "
     "and one sequential sync; LMDB is synced by checkpoints (see \"The write-ahead log\": "
     "slower than `off` on the disks measured so far).  `off`: LMDB syncs each commit itself; a "
     "log left behind is replayed and removed at start"},
    {"store", "wal_segment_mib", KEY_MIB, FIELD(wal_segment), 1, 1024, "16", NULL, CONFIG_RESTART,
     NULL,
     "size of a log segment (preallocated, zero-filled); a transaction larger than one is "
     "made durable by a checkpoint instead"},
    {"store", "wal_checkpoint_ms", KEY_UINT, FIELD(wal_checkpoint_ms), 10, 600000, "1000", NULL,
     CONFIG_RESTART, NULL,
     "a checkpoint (LMDB synced, old segments recycled) runs this long after the first record "
     "since the last one, or after half a segment of log; bounds the replay at start"},
    {"store", "request_ttl_hours", KEY_UINT, FIELD(request_ttl_hours), 1, 24 * 366, "24", NULL,
     CONFIG_LIVE, HOW_AT_USE, "how long answers are kept for retries with the same request id"},
    {"store", "events_index_lag", KEY_UINT, FIELD(events_index_lag), 1, 10000000, "20000", NULL,
     CONFIG_RESTART, NULL,
     "events the subject index may lag behind the event log; it is extended in sorted steps "
     "when the api is quiet"},
    {"rules", "enforce", KEY_BOOL, FIELD(rules_enforce), 0, 1, "yes", NULL, CONFIG_RESTART, NULL,
     "units, windows and criteria are enforced; `no` accepts any unit code, opens every window "
     "and lets every guard pass"},
    {"rules", "today", KEY_STRING, FIELD(rules_today), 0, 0, "", "(the clock)", CONFIG_RESTART,
     NULL, "`YYYY-MM-DD`: the day windows and unit validity are judged on (rehearsals, tests)"},
    {"rules", "campaign_dir", KEY_STRING, FIELD(campaign_dir), 0, 0, "", NULL, CONFIG_RESTART, NULL,
     "a directory of `*.yaml` campaign files loaded after the built-in ones (the same id "
     "replaces one); the files are read again on SIGHUP; an error names the file and line"},
    {"rules", "rulebook_file", KEY_STRING, FIELD(rulebook_file), 0, 0, "", "(built in)",
     CONFIG_RESTART, NULL,
     "the criteria rule book, in the format of `daemon/data/rulesets.yaml`; read again on "
     "SIGHUP"},
    {"rules", "holidays_file", KEY_STRING, FIELD(holidays_file), 0, 0, "", NULL, CONFIG_RESTART,
     NULL,
     "holidays over the built-in ones (`daemon/data/holidays-vn.yaml`, Vietnam 2021–2030): a "
     "day listed replaces the built-in entry, `working: true` makes a weekend day a working "
     "day; working-day deadlines count with them; the file is read again on SIGHUP; an error "
     "names the file and line"},
    {"rules", "language", KEY_STRING, FIELD(language), 0, 0, "vi", NULL, CONFIG_RESTART, NULL,
     "language of the rules' messages: `vi` or `en` (gettext)"},
    {"rules", "locale_dir", KEY_STRING, FIELD(locale_dir), 0, 0, "",
     "(installed, else the build tree)", CONFIG_RESTART, NULL,
     "where `vi/LC_MESSAGES/exemplar.mo` is"},
    {"auth", "endpoint", KEY_STRING, FIELD(auth_endpoint), 0, 0, "", NULL, CONFIG_RESTART, NULL,
     "a `tcp://` api endpoint, CURVE only"},
    {"auth", "secret_key_file", KEY_STRING, FIELD(auth_secret_key_file), 0, 0, NULL,
     "`$CONFIGURATION_DIRECTORY/server.key`", CONFIG_RESTART, NULL,
     "the daemon's CURVE secret key (`exemplarctl keygen server`); must not be readable by "
     "others"},
    {"auth", "keys_file", KEY_STRING, FIELD(auth_keys_file), 0, 0, NULL,
     "`$CONFIGURATION_DIRECTORY/keys`", CONFIG_RESTART, NULL,
     "client public key → principal (below); the file is read at start and again on SIGHUP"},
    {"workers", "remind_before", KEY_STRING, FIELD(workers_remind_before), 0, 0, "14d 7d 1d", NULL,
     CONFIG_LIVE, HOW_TIMERS,
     "reminders before each deadline milestone (`deadline: plan`) to units that have not "
     "submitted the period's plan; durations `30s`, `15m`, `36h`, `14d` or `10wd` (working "
     "days)"},
    {"workers", "remind_after", KEY_STRING, FIELD(workers_remind_after), 0, 0, "1d 7d", NULL,
     CONFIG_LIVE, HOW_TIMERS, "reminders after the deadline to units still overdue"},
    {"workers", "stale_after", KEY_STRING, FIELD(workers_stale_after), 0, 0, "1d", NULL,
     CONFIG_LIVE, HOW_TIMERS,
     "a reminder after the last window a state can be left in has closed, to units with "
     "nominations still in it"},
    {"workers", "summary_delay", KEY_STRING, FIELD(workers_summary_delay), 0, 0, "1d", NULL,
     CONFIG_LIVE, HOW_TIMERS, "the quarter's summary job, after the quarter ends"},
    {"workers", "catch_up", KEY_STRING, FIELD(workers_catch_up), 0, 0, "7d", NULL, CONFIG_LIVE,
     HOW_TIMERS,
     "timers first derived longer than this after their moment are recorded as skipped, not "
     "fired"},
    {"workers", "max_attempts", KEY_UINT, FIELD(workers_max_attempts), 1, 100, "5", NULL,
     CONFIG_LIVE, HOW_TIMERS, "failures (reported, or leases run out) before a job is parked"},
    {"stats", "listen", KEY_STRING, FIELD(stats_listen), 0, 0, "", "(none: off)", CONFIG_RESTART,
     NULL,
     "`ADDRESS:PORT` (e.g. `127.0.0.1:9469`) of an HTTP server answering `GET /metrics` in "
     "Prometheus' text format; no authentication, keep it on loopback; needs the sandbox's "
     "drop-in of exemplard(8)"},
    {"dossier", "max_attachment_mib", KEY_MIB, FIELD(max_attachment), 1, 1024, "10", NULL,
     CONFIG_RESTART, NULL,
     "largest file of a nomination's dossier (`attachment-add`); a file travels in one request, "
     "so the limit in force is also at most `[api] max_message_bytes` less 4 KiB (a value set "
     "here that does not fit it is logged at start with the size that would)"},
};
#define NKEYS (sizeof(KEYS) / sizeof(KEYS[0]))

/* [publisher.NAME] sections are not rows of KEYS (their number varies): a
 * change to any of them needs a restart, as the feeds are subscribed at start. */
static const char PUBLISHER_DOC[] =
    "| `[publisher.NAME]` | `endpoint`, `topic` | (none) | a publisher's PUB socket to "
    "subscribe to, and topic prefixes (repeatable; none = all); one section per publisher, at "
    "most 16 |\n";

static const config_key_t *find_key(const char *section, const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
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
    const config_key_t *k = find_key(section, key);
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
        if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
            strcmp(value, "on") == 0)
            b = 1;
        else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 ||
                 strcmp(value, "0") == 0 || strcmp(value, "off") == 0)
            b = 0;
        else {
            snprintf(err, errlen, "[%s] %s must be yes or no, on or off (not \"%s\")", section, key,
                     value);
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
    for (size_t i = 0; i < NKEYS; i++) {
        char err[256];
        if (KEYS[i].value && KEYS[i].value[0]) {
            int rc =
                config_set(cfg, KEYS[i].section, KEYS[i].name, KEYS[i].value, err, sizeof(err));
            assert(rc == 0); /* a default out of its own range is a bug of KEYS */
            (void)rc;
        }
    }
    /* The defaults that come from the environment (their value is NULL). */
    const char *state = getenv("STATE_DIRECTORY");
    const char *runtime = getenv("RUNTIME_DIRECTORY");
    /* systemd may pass several colon-separated directories: use the first. */
    snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%.*s", state ? (int)strcspn(state, ":") : 15,
             state ? state : "exemplar-state");
    if (runtime)
        snprintf(cfg->runtime_dir, sizeof(cfg->runtime_dir), "%.*s", (int)strcspn(runtime, ":"),
                 runtime);
    const char *conf = getenv("CONFIGURATION_DIRECTORY");
    if (conf) {
        int n = (int)strcspn(conf, ":");
        snprintf(cfg->auth_secret_key_file, sizeof(cfg->auth_secret_key_file), "%.*s/server.key", n,
                 conf);
        snprintf(cfg->auth_keys_file, sizeof(cfg->auth_keys_file), "%.*s/keys", n, conf);
    }
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
    if (strcmp(section, "dossier") == 0 && strcmp(name, "max_attachment_mib") == 0)
        ctx->cfg->max_attachment_set = true;
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
    /* A dossier's file travels in one request: a limit set in the file
     * that the api socket would drop is said at start, with the value that
     * would fit, rather than found by the first officer whose upload is
     * refused (config_attachment_limit takes the smaller). */
    if (cfg->max_attachment_set &&
        cfg->max_attachment + CONFIG_ATTACHMENT_ROOM > cfg->max_message_bytes)
        log_warning("config, [dossier] max_attachment_mib (%llu) does not fit [api] "
                    "max_message_bytes (%llu): a file travels in one request, so files up to "
                    "%llu KiB are taken; set max_message_bytes to at least %llu for the whole "
                    "limit",
                    (unsigned long long)(cfg->max_attachment >> 20),
                    (unsigned long long)cfg->max_message_bytes,
                    (unsigned long long)(config_attachment_limit(cfg) >> 10),
                    (unsigned long long)(cfg->max_attachment + CONFIG_ATTACHMENT_ROOM));
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

/* The value of key k in cfg as the file writes it. */
static void key_value(const config_key_t *k, const config_t *cfg, char *buf, size_t len)
{
    const char *src = (const char *)cfg + k->offset;
    switch (k->type) {
    case KEY_STRING:
        snprintf(buf, len, "%s", src);
        break;
    case KEY_LOGLEVEL:
        snprintf(buf, len, "%s", log_level_name(cfg->log_level));
        break;
    case KEY_UINT:
        snprintf(buf, len, "%llu", (unsigned long long)get_uint(src, k->size));
        break;
    case KEY_MIB:
        snprintf(buf, len, "%llu", (unsigned long long)(get_uint(src, k->size) >> 20));
        break;
    case KEY_BOOL:
        snprintf(buf, len, "%s", get_uint(src, k->size) ? "yes" : "no");
        break;
    }
}

void config_print(const config_t *cfg, FILE *f)
{
    const char *section = "";
    for (size_t i = 0; i < NKEYS; i++) {
        const config_key_t *k = &KEYS[i];
        char value[PATH_MAX];
        if (strcmp(section, k->section) != 0) {
            fprintf(f, "%s[%s]\n", i ? "\n" : "", k->section);
            section = k->section;
        }
        if (k->reload == CONFIG_LIVE)
            fprintf(f, "# live: a reload applies it (%s)\n", k->how);
        key_value(k, cfg, value, sizeof(value));
        fprintf(f, "%s = %s\n", k->name, value);
    }
    for (unsigned i = 0; i < cfg->npublishers; i++) {
        const config_publisher_t *p = &cfg->publishers[i];
        fprintf(f, "\n[%s%s]\nendpoint = %s\n", CONFIG_PUBLISHER_SECTION, p->name, p->endpoint);
        for (unsigned t = 0; t < p->ntopics; t++)
            fprintf(f, "topic = %s\n", p->topics[t]);
    }
}

static bool key_differs(const config_key_t *k, const config_t *a, const config_t *b)
{
    const char *x = (const char *)a + k->offset, *y = (const char *)b + k->offset;
    return k->type == KEY_STRING ? strncmp(x, y, k->size) != 0 : memcmp(x, y, k->size) != 0;
}

static const config_publisher_t *find_publisher(const config_t *cfg, const char *name)
{
    for (unsigned i = 0; i < cfg->npublishers; i++)
        if (strcmp(cfg->publishers[i].name, name) == 0)
            return &cfg->publishers[i];
    return NULL;
}

static bool topics_differ(const config_publisher_t *a, const config_publisher_t *b)
{
    if (a->ntopics != b->ntopics)
        return true;
    for (unsigned t = 0; t < a->ntopics; t++)
        if (strcmp(a->topics[t], b->topics[t]) != 0)
            return true;
    return false;
}

/* The publisher sections of `from` that `to` lacks or has otherwise. */
static void diff_publishers(const config_t *from, const config_t *to, bool both_ways,
                            config_change_fn *fn, void *arg)
{
    char section[sizeof(CONFIG_PUBLISHER_SECTION) + CONFIG_PUBLISHER_NAME_MAX];
    for (unsigned i = 0; i < from->npublishers; i++) {
        const config_publisher_t *p = &from->publishers[i];
        const config_publisher_t *q = find_publisher(to, p->name);
        snprintf(section, sizeof(section), "%s%s", CONFIG_PUBLISHER_SECTION, p->name);
        if (!q) {
            fn(section, "section", CONFIG_RESTART, NULL, arg); /* removed or added */
            continue;
        }
        if (!both_ways)
            continue;
        if (strcmp(p->endpoint, q->endpoint) != 0)
            fn(section, "endpoint", CONFIG_RESTART, NULL, arg);
        if (topics_differ(p, q))
            fn(section, "topic", CONFIG_RESTART, NULL, arg);
    }
}

void config_diff(const config_t *running, const config_t *fresh, config_change_fn *fn, void *arg)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (key_differs(&KEYS[i], running, fresh))
            fn(KEYS[i].section, KEYS[i].name, KEYS[i].reload, KEYS[i].how, arg);
    diff_publishers(running, fresh, true, fn, arg);
    diff_publishers(fresh, running, false, fn, arg);
}

void config_copy_live(config_t *dst, const config_t *src)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (KEYS[i].reload == CONFIG_LIVE)
            memcpy((char *)dst + KEYS[i].offset, (const char *)src + KEYS[i].offset, KEYS[i].size);
}

void config_print_keys(FILE *f)
{
    fputs("| section | key | default | meaning |\n|---|---|---|---|\n", f);
    for (size_t i = 0; i < NKEYS; i++) {
        const config_key_t *k = &KEYS[i];
        fprintf(f, "| `[%s]` | `%s` | ", k->section, k->name);
        if (k->doc_default)
            fputs(k->doc_default, f);
        else if (k->value && k->value[0])
            fprintf(f, "`%s`", k->value);
        else
            fputs("(none)", f);
        fprintf(f, " | %s%s", k->reload == CONFIG_LIVE ? "*live*; " : "", k->doc);
        if (k->type == KEY_UINT || k->type == KEY_MIB)
            fprintf(f, " (%llu–%llu)", (unsigned long long)k->min, (unsigned long long)k->max);
        fputs(" |\n", f);
    }
    fputs(PUBLISHER_DOC, f);
}

uint64_t config_attachment_limit(const config_t *cfg)
{
    uint64_t room = cfg->max_message_bytes > CONFIG_ATTACHMENT_ROOM
                        ? cfg->max_message_bytes - CONFIG_ATTACHMENT_ROOM
                        : 0;
    return cfg->max_attachment < room ? cfg->max_attachment : room;
}
