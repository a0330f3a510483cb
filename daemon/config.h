/* SPDX-License-Identifier: MIT */
/*
 * exemplard's configuration: embedded defaults, then an INI file (inih), then
 * command-line flags, then derived values.  Every key is documented in
 * README.md ("Configuration") and systemd/exemplard.conf.
 */
#ifndef EXEMPLAR_CONFIG_H
#define EXEMPLAR_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_ENDPOINT_MAX 256
#define CONFIG_CAMPAIGN_MAX 32
/* Publisher feeds: [publisher.NAME] sections. */
#define CONFIG_PUBLISHERS_MAX     16
#define CONFIG_PUBLISHER_NAME_MAX 32
#define CONFIG_TOPICS_MAX         8
#define CONFIG_TOPIC_MAX          128
#define CONFIG_PUBLISHER_SECTION  "publisher."

/* A publisher whose PUB feed exemplard subscribes to: [publisher.NAME] with
 * endpoint = ZeroMQ endpoint (required) and topic = prefix (repeatable; none
 * means every message). */
typedef struct {
    char name[CONFIG_PUBLISHER_NAME_MAX + 1];
    char endpoint[CONFIG_ENDPOINT_MAX];
    char topics[CONFIG_TOPICS_MAX][CONFIG_TOPIC_MAX];
    unsigned ntopics;
} config_publisher_t;

typedef struct {
    char state_dir[PATH_MAX];   /* the LMDB environment */
    char runtime_dir[PATH_MAX]; /* default ipc sockets */
    char api_endpoint[CONFIG_ENDPOINT_MAX];
    char events_endpoint[CONFIG_ENDPOINT_MAX];
    char default_campaign[CONFIG_CAMPAIGN_MAX + 1];
    int log_level;              /* syslog priority */
    size_t max_message_bytes;   /* ZMQ_MAXMSGSIZE of the api socket */
    unsigned max_batch;         /* requests per group commit */
    uint64_t map_size;          /* initial LMDB map size, bytes */
    uint64_t map_max;           /* the map never grows beyond this, bytes */
    unsigned request_ttl_hours; /* how long request ids are remembered */
    unsigned wal;               /* 1: the write-ahead log (store.h) */
    uint64_t wal_segment;       /* bytes per log segment */
    unsigned wal_checkpoint_ms; /* checkpoint interval */
    /* [rules]: the plan's rules */
    unsigned rules_enforce;       /* 1: units, windows and criteria are enforced */
    char rules_today[16];         /* "YYYY-MM-DD": the day windows are judged on; "" = clock */
    char campaign_dir[PATH_MAX];  /* *.yaml campaign files besides the built-in ones */
    char rulebook_file[PATH_MAX]; /* criteria rule book; "" = built-in */
    char holidays_file[PATH_MAX]; /* holidays over the built-in ones; "" = none */
    char language[8];             /* vi or en */
    char locale_dir[PATH_MAX];    /* gettext catalogues; "" = installed, else build tree */
    /* [auth]: CURVE on tcp:// endpoints (auth.h) */
    char auth_endpoint[CONFIG_ENDPOINT_MAX]; /* tcp:// api endpoint with CURVE; "" = none */
    char auth_secret_key_file[PATH_MAX];     /* the daemon's CURVE secret key (Z85) */
    char auth_keys_file[PATH_MAX];           /* client public key -> principal */
    unsigned events_index_lag;               /* events the subject index may lag behind */
    char stats_listen[CONFIG_ENDPOINT_MAX];  /* ADDRESS:PORT of /metrics; "" = off */
    config_publisher_t publishers[CONFIG_PUBLISHERS_MAX]; /* feeds to subscribe to */
    /* [workers]: durations as text, parsed by timers_cfg_from() */
    char workers_remind_before[128]; /* reminders before each deadline */
    char workers_remind_after[128];  /* reminders to units still overdue after it */
    char workers_stale_after[128];   /* reminders after a state's last window closed */
    char workers_summary_delay[32];  /* the quarter's summary job, after its end */
    char workers_catch_up[32];       /* timers older than this on first sight are skipped */
    unsigned workers_max_attempts;   /* failures before a job is parked */
    unsigned npublishers;
    /* [dossier] */
    uint64_t max_attachment; /* bytes: the largest file of a dossier */
    bool max_attachment_set; /* given in the file (then it must fit max_message_bytes) */
} config_t;

/* Room a request needs besides a dossier file's bytes (envelope, names). */
#define CONFIG_ATTACHMENT_ROOM (4u << 10)

/* The largest dossier file a request can bring: max_attachment, at most
 * max_message_bytes less CONFIG_ATTACHMENT_ROOM (0 when even that is less). */
uint64_t config_attachment_limit(const config_t *cfg);

/* Embedded defaults; $STATE_DIRECTORY and $RUNTIME_DIRECTORY (set by systemd)
 * replace the local ./exemplar-state directory. */
void config_defaults(config_t *cfg);

/* The packaged configuration file (ConfigurationDirectory=exemplard). */
#define CONFIG_SYSTEM_FILE "/etc/exemplard/exemplard.conf"

/* The file to read when no --config is given, at start-up, on reload and
 * for --check-config alike: $CONFIGURATION_DIRECTORY/exemplard.conf if the
 * variable is set and the file exists, else CONFIG_SYSTEM_FILE if it
 * exists, else NULL (embedded defaults; `--config /dev/null` asks for them
 * explicitly). */
const char *config_default_path(char *buf, size_t len);

/* Reads an INI file over cfg.  Returns 0, or -1 with a sentence naming the
 * file, line and key in err. */
int config_load_file(config_t *cfg, const char *path, char *err, size_t errlen);

/* Sets one key as the file would ("store", "map_size_mib", "128"); flags use
 * this too so both are validated the same way.  Returns 0 or -1 with err. */
int config_set(config_t *cfg, const char *section, const char *key, const char *value, char *err,
               size_t errlen);

/* Fills derived values (endpoints inside the runtime directory) and checks
 * the whole.  Returns 0 or -1 with err. */
int config_finish(config_t *cfg, char *err, size_t errlen);

/* Prints the effective configuration as an INI file; a comment above each
 * key a reload applies says so. */
void config_print(const config_t *cfg, FILE *f);

/* What a reload (SIGHUP) does with a key whose value changed in the file. */
typedef enum {
    CONFIG_RESTART, /* nothing until the next start: it sizes or names something made then */
    CONFIG_LIVE,    /* the running daemon takes the new value (config_copy_live) */
} config_reload_t;

/* how: for a live key, how the daemon takes the new value; NULL otherwise. */
typedef void config_change_fn(const char *section, const char *name, config_reload_t reload,
                              const char *how, void *arg);

/* Calls fn for every key whose value differs between running and fresh, in
 * the order of the table, then for [publisher.NAME] sections (name
 * "endpoint", "topic", or "section" when one was added or removed; all of
 * them CONFIG_RESTART). */
void config_diff(const config_t *running, const config_t *fresh, config_change_fn *fn, void *arg);

/* Copies the values of the live keys from src into dst. */
void config_copy_live(config_t *dst, const config_t *src);

/* Prints README's configuration table (Markdown, header included) from the
 * table of keys: .ci/check-docs compares it with README.md. */
void config_print_keys(FILE *f);

#endif
