/* SPDX-License-Identifier: MIT */
/*
 * exemplard: command line and configuration, start-up (store, sockets,
 * READY=1), the loop, and an orderly stop.  Only this file chooses exit
 * codes: 0 after a clean stop, 1 when start-up fails.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "activation.h"
#include "api.h"
#include "auth.h"
#include "config.h"
#include "i18n.h"
#include "log.h"
#include "loop.h"
#include "nom.h"
#include "offline.h"
#include "outbox.h"
#include "sdnotify.h"
#include "store.h"

static const char USAGE[] =
    "Usage: exemplard [OPTION]...\n"
    "Keep the nominations of the exemplar programme (điển hình tiên tiến) in LMDB and\n"
    "move them through their states on request over ZeroMQ.\n"
    "\n"
    "With no options and no configuration file it runs on embedded defaults: state in\n"
    "./exemplar-state (or $STATE_DIRECTORY under systemd), ipc:// endpoints inside it (or\n"
    "$RUNTIME_DIRECTORY).\n"
    "Options override the configuration file, which overrides the defaults.\n"
    "\n"
    "  -c, --config=FILE          read this INI file (default: $CONFIGURATION_DIRECTORY/\n"
    "                             exemplard.conf when that exists, else\n"
    "                             " CONFIG_SYSTEM_FILE " when that exists,\n"
    "                             else none; --config /dev/null: none)\n"
    "      --state-dir=DIR        the LMDB environment             [daemon] state_dir\n"
    "      --runtime-dir=DIR      where default sockets go         [daemon] runtime_dir\n"
    "      --api=ENDPOINT         request socket (ROUTER)          [api] endpoint\n"
    "      --events=ENDPOINT      change feed (PUB)                [api] events_endpoint\n"
    "      --default-campaign=ID  campaign of registrations that name none\n"
    "                                                              [daemon] default_campaign\n"
    "      --map-size=MIB         initial LMDB map size; grows when full\n"
    "                                                              [store] map_size_mib\n"
    "      --request-ttl=HOURS    how long request ids are remembered\n"
    "                                                              [store] request_ttl_hours\n"
    "      --wal=on|off           the write-ahead log (off: LMDB syncs each commit)\n"
    "                                                              [store] wal\n"
    "      --max-batch=N          requests per group commit        [api] max_batch\n"
    "      --log-level=LEVEL      error, warning, notice, info, debug\n"
    "                                                              [daemon] log_level\n"
    "      --check-config         print the effective configuration (the file found as\n"
    "                             for a start, then the flags) and exit; stderr names\n"
    "                             the file read\n"
    "      --print-moves          print the state machine's move table and exit\n"
    "      --print-config-keys    print the table of configuration keys and exit\n"
    "      --restore=FILE         offline: install the backup FILE as the store of the\n"
    "                             stopped daemon's state directory, then exit\n"
    "      --import=FILE          offline: fill the stopped daemon's empty store from the\n"
    "                             export FILE (- for stdin), then exit\n"
    "      --fsck                 offline: check the stopped daemon's store (read-only)\n"
    "      --json                 with --restore, --import or --fsck: the result as JSON\n"
    "  -h, --help                 show this help and exit\n"
    "      --version              show the version and exit\n"
    "\n"
    "Signals: SIGTERM and SIGINT finish the batch in hand, close the store and exit 0.\n"
    "SIGHUP reads the configuration and the keys file again; the keys marked live in\n"
    "--print-config-keys apply at once, the others at the next start.\n"
    "Under systemd (Type=notify): READY=1 once the store is open and both sockets\n"
    "are bound, STATUS=, WATCHDOG=1 from the loop, RELOADING=1 and STOPPING=1; the api\n"
    "socket may be passed by socket activation (exemplard.socket); lines go to the\n"
    "journal with structured fields.\n"
    "Exit status: 0 after a clean stop, 1 when the configuration or start-up fails;\n"
    "--restore, --import and --fsck exit as exemplarctl does (0 done, 1 invalid or\n"
    "problems found, 3 no such file, 4 a daemon runs or the store is not empty, 8 storage).\n"
    "See exemplard(8) and exemplard.conf(5).\n";

enum {
    OPT_STATE = 256,
    OPT_RUNTIME,
    OPT_API,
    OPT_EVENTS,
    OPT_CAMPAIGN,
    OPT_MAPSIZE,
    OPT_TTL,
    OPT_WAL,
    OPT_BATCH,
    OPT_LOGLEVEL,
    OPT_CHECK,
    OPT_MOVES,
    OPT_CONFIG_KEYS,
    OPT_VERSION,
    OPT_RESTORE,
    OPT_IMPORT,
    OPT_FSCK,
    OPT_DUMP,
    OPT_JSON
};

/* Flags that set configuration keys: option -> [section] key. */
static const struct {
    int opt;
    const char *section, *key;
} FLAG_KEYS[] = {
    {OPT_STATE, "daemon", "state_dir"},
    {OPT_RUNTIME, "daemon", "runtime_dir"},
    {OPT_API, "api", "endpoint"},
    {OPT_EVENTS, "api", "events_endpoint"},
    {OPT_CAMPAIGN, "daemon", "default_campaign"},
    {OPT_MAPSIZE, "store", "map_size_mib"},
    {OPT_TTL, "store", "request_ttl_hours"},
    {OPT_WAL, "store", "wal"},
    {OPT_BATCH, "api", "max_batch"},
    {OPT_LOGLEVEL, "daemon", "log_level"},
};

static const struct option OPTIONS[] = {
    {"config", required_argument, NULL, 'c'},
    {"state-dir", required_argument, NULL, OPT_STATE},
    {"runtime-dir", required_argument, NULL, OPT_RUNTIME},
    {"api", required_argument, NULL, OPT_API},
    {"events", required_argument, NULL, OPT_EVENTS},
    {"default-campaign", required_argument, NULL, OPT_CAMPAIGN},
    {"map-size", required_argument, NULL, OPT_MAPSIZE},
    {"request-ttl", required_argument, NULL, OPT_TTL},
    {"wal", required_argument, NULL, OPT_WAL},
    {"max-batch", required_argument, NULL, OPT_BATCH},
    {"log-level", required_argument, NULL, OPT_LOGLEVEL},
    {"check-config", no_argument, NULL, OPT_CHECK},
    {"print-moves", no_argument, NULL, OPT_MOVES},
    {"print-config-keys", no_argument, NULL, OPT_CONFIG_KEYS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"restore", required_argument, NULL, OPT_RESTORE},
    {"import", required_argument, NULL, OPT_IMPORT},
    {"fsck", no_argument, NULL, OPT_FSCK},
    /* the daemon's own backup and export process (api_dump.c); not in USAGE */
    {"internal-dump", required_argument, NULL, OPT_DUMP},
    {"json", no_argument, NULL, OPT_JSON},
    {NULL, 0, NULL, 0},
};

typedef struct {
    const char *config_path;
    bool check_only;
    /* offline operations (offline.h); dump: KIND:FD:RESULT_FD from api_dump.c */
    const char *restore, *import, *dump;
    bool fsck, json;
    int argc; /* kept for reloads */
    char **argv;
    config_t *cfg;    /* the running configuration */
    api_t *api;       /* set once running: reloads replace its rules */
    outbox_t *outbox; /* set once running: a reload may cut its subscribers */
} args_t;

/* The configuration: embedded defaults, then the file, then the flags that
 * override it (getopt's second pass over argv), then derived values.  Used at
 * start-up and again on SIGHUP.  Returns 0, or -1 with a sentence in err. */
static int load_config(int argc, char **argv, const char *config_path, config_t *cfg, char *err,
                       size_t errlen)
{
    char why[512], buf[PATH_MAX];
    int c;
    config_defaults(cfg);
    const char *path = config_path ? config_path : config_default_path(buf, sizeof(buf));
    if (path && config_load_file(cfg, path, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "config, %s", why);
        return -1;
    }
    optind = 0; /* glibc: a fresh scan */
    opterr = 0; /* the first pass has reported bad options already */
    while ((c = getopt_long(argc, argv, "c:h", OPTIONS, NULL)) != -1) {
        for (size_t i = 0; i < sizeof(FLAG_KEYS) / sizeof(FLAG_KEYS[0]); i++) {
            if (FLAG_KEYS[i].opt == c &&
                config_set(cfg, FLAG_KEYS[i].section, FLAG_KEYS[i].key, optarg, err, errlen) < 0)
                return -1;
        }
    }
    if (config_finish(cfg, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "config, %s", why);
        return -1;
    }
    return 0;
}

/* Reads the command line: first for --config and the actions, then (in
 * load_config) for the flags that override the file. */
static int parse_args(int argc, char **argv, config_t *cfg, args_t *args)
{
    char err[1024];
    int c;
    while ((c = getopt_long(argc, argv, "c:h", OPTIONS, NULL)) != -1) {
        switch (c) {
        case 'c':
            args->config_path = optarg;
            break;
        case 'h':
            fputs(USAGE, stdout);
            exit(0);
        case OPT_VERSION:
            printf("exemplard %s\n", EXEMPLAR_VERSION);
            exit(0);
        case OPT_MOVES:
            nom_print_moves(stdout);
            exit(0);
        case OPT_CONFIG_KEYS:
            config_print_keys(stdout);
            exit(0);
        case OPT_CHECK:
            args->check_only = true;
            break;
        case OPT_RESTORE:
            args->restore = optarg;
            break;
        case OPT_IMPORT:
            args->import = optarg;
            break;
        case OPT_FSCK:
            args->fsck = true;
            break;
        case OPT_DUMP:
            args->dump = optarg;
            break;
        case OPT_JSON:
            args->json = true;
            break;
        case '?':
            fputs("Try 'exemplard --help'.\n", stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "exemplard: unexpected argument '%s'\nTry 'exemplard --help'.\n",
                argv[optind]);
        return -1;
    }
    args->argc = argc;
    args->argv = argv;
    args->cfg = cfg;
    if (load_config(argc, argv, args->config_path, cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, "exemplard: %s\n", err);
        return -1;
    }
    return 0;
}

/* A key that changed in the file, as config_diff reports it: restart-only
 * keys are named at once; live ones once the daemon has taken them. */
static void log_restart_key(const char *section, const char *name, config_reload_t reload,
                            const char *how, void *arg)
{
    (void)how, (void)arg;
    if (reload == CONFIG_RESTART)
        log_warning("main, reload, [%s] %s changed, applies at next start", section, name);
}

static void log_live_key(const char *section, const char *name, config_reload_t reload,
                         const char *how, void *arg)
{
    (void)arg;
    if (reload == CONFIG_LIVE)
        log_notice("main, reload, [%s] %s changed, applied (%s)", section, name, how);
}

/* SIGHUP (loop_reload_fn): reads the configuration again and applies the
 * keys the table marks live (config.c).  A configuration that does not load
 * changes nothing. */
static int reload_config(void *arg)
{
    args_t *args = arg;
    static config_t fresh;
    char err[1024];
    if (load_config(args->argc, args->argv, args->config_path, &fresh, err, sizeof(err)) < 0) {
        log_error("main, reload failed, the running configuration stays (%s)", err);
        return -1;
    }
    config_diff(args->cfg, &fresh, log_restart_key, NULL);
    /* The running configuration with the live keys of the file: the campaign
     * files and the rule book are read again against it, and nothing changes
     * unless they load. */
    static config_t next;
    next = *args->cfg;
    config_copy_live(&next, &fresh);
    if (args->api && api_reload_rules(args->api, &next, err, sizeof(err)) < 0) {
        log_error("main, reload failed, the running configuration and campaigns stay (%s)", err);
        return -1;
    }
    log_set_level(next.log_level); /* first, so that the lines below show at the new level */
    config_diff(args->cfg, &next, log_live_key, NULL);
    config_copy_live(args->cfg, &next);
    /* The keys file is re-read on every reload; a broken one keeps the old keys.
     * ZAP admits a subscriber only at its handshake: when the reload takes
     * the feed from anyone, every subscriber authenticates again. */
    if (auth_reload() > 0 && args->outbox)
        outbox_reauthenticate(args->outbox);
    log_notice("main, configuration reloaded: log_level %s, default_campaign %s, "
               "request_ttl_hours %u; campaigns, rule book and keys read again",
               log_level_name(args->cfg->log_level), args->cfg->default_campaign,
               args->cfg->request_ttl_hours);
    return 0;
}

/* ZeroMQ aborts (an assertion) when a tcp:// endpoint cannot get the
 * sockets it needs: AF_INET/AF_INET6, and AF_NETLINK to look up interfaces.
 * A sandbox that forbids them (exemplard.service: RestrictAddressFamilies=
 * AF_UNIX) gets a sentence instead.  Returns 0, or -1 with err. */
static int check_tcp_allowed(const char *endpoint, char *err, size_t errlen)
{
    static const struct {
        int family, type;
        const char *name;
    } NEEDED[] = {{AF_INET, SOCK_STREAM, "AF_INET"},
                  {AF_INET6, SOCK_STREAM, "AF_INET6"},
                  {AF_NETLINK, SOCK_RAW, "AF_NETLINK"}};
    if (strncmp(endpoint, "tcp://", 6) != 0)
        return 0;
    for (size_t i = 0; i < sizeof(NEEDED) / sizeof(NEEDED[0]); i++) {
        int fd = socket(NEEDED[i].family, NEEDED[i].type | SOCK_CLOEXEC, 0);
        if (fd >= 0) {
            close(fd);
        } else if (errno == EAFNOSUPPORT || errno == EPERM || errno == EACCES) {
            snprintf(err, errlen,
                     "main, %s needs %s sockets, which this process may not create (%s); "
                     "under systemd open the sandbox as exemplard(8), SECURITY, shows",
                     endpoint, NEEDED[i].name, strerror(errno));
            return -1;
        }
    }
    return 0;
}

static int block_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    /* Blocked before ZeroMQ starts its threads, so they inherit the mask and
     * the signals reach the signalfd only. */
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
        return -1;
    signal(SIGPIPE, SIG_IGN);
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Every client connection costs the daemon a file descriptor, and a service
 * manager's default soft limit (systemd: 1024) is below what a busy daemon
 * needs: a thousand clients would exhaust it and libzmq would drop every new
 * connection (the clients wait forever).  The hard limit is the
 * administrator's ceiling (LimitNOFILE=); the soft one is ours to raise. */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= rl.rlim_max)
        return;
    rlim_t was = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
        log_warning("main, cannot raise the open file limit from %llu to %llu (%s)",
                    (unsigned long long)was, (unsigned long long)rl.rlim_max, strerror(errno));
}

/* passed_fd: a listening socket from socket activation, or -1 to create one. */
static void *bind_api(void *ctx, const config_t *cfg, int passed_fd, char *err, size_t errlen)
{
    void *s = zmq_socket(ctx, ZMQ_ROUTER);
    int linger = 0, hwm = 100000;
    int64_t maxmsg = (int64_t)cfg->max_message_bytes;
    if (!s || zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger)) < 0 ||
        (passed_fd >= 0 && zmq_setsockopt(s, ZMQ_USE_FD, &passed_fd, sizeof(passed_fd)) < 0) ||
        zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg)) < 0 ||
        zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof(hwm)) < 0 ||
        zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof(hwm)) < 0 ||
        zmq_bind(s, cfg->api_endpoint) < 0) {
        snprintf(err, errlen, "api, cannot bind %s (%s)", cfg->api_endpoint,
                 zmq_strerror(zmq_errno()));
        if (s)
            zmq_close(s);
        return NULL;
    }
    return s;
}

/* The change feed's connection events, counted as they come (loop.h). */
static void serve_feed_monitor(void *outbox)
{
    outbox_monitor_drain(outbox);
}

int main(int argc, char **argv)
{
    static config_t cfg;
    args_t args = {0};
    char err[512];
    int status = 1;
    store_t *store = NULL;
    outbox_t *outbox = NULL;
    api_t *api = NULL;
    loop_t *loop = NULL;
    void *ctx = NULL, *sock = NULL;
    int api_fd = -1;
    int lock_fd = -1;
    metrics_t *metrics = NULL;

    if (parse_args(argc, argv, &cfg, &args) < 0)
        return 1;
    if (args.check_only) {
        /* Which file, on stderr: stdout stays an INI file to diff or reuse. */
        char buf[PATH_MAX];
        const char *path =
            args.config_path ? args.config_path : config_default_path(buf, sizeof(buf));
        if (path)
            fprintf(stderr, "exemplard: configuration read from %s\n", path);
        else
            fprintf(stderr, "exemplard: no configuration file ($CONFIGURATION_DIRECTORY/"
                            "exemplard.conf, " CONFIG_SYSTEM_FILE "): embedded defaults\n");
        config_print(&cfg, stdout);
        return 0;
    }
    /* Offline operations: the exit status is exemplarctl's (common/errors.c). */
    if ((args.restore != NULL) + (args.import != NULL) + args.fsck > 1) {
        fputs("exemplard: --restore, --import and --fsck exclude each other\n", stderr);
        return 2;
    }
    /* The offline operations speak to the person who runs them (through
     * exemplarctl, which passes its environment): their language, else the
     * daemon's [rules] language.  A dump process inherits the daemon's
     * LANGUAGE, the language of the request it serves (i18n.h). */
    if (args.dump || args.restore || args.import || args.fsck)
        l10n_init_offline(cfg.language, cfg.locale_dir);
    if (args.dump) {
        char kind[16];
        int fd, result_fd;
        if (sscanf(args.dump, "%15[a-z]:%d:%d", kind, &fd, &result_fd) != 3)
            return 2;
        offline_t o = {.state_dir = cfg.state_dir};
        return offline_dump(&o, kind, fd, result_fd);
    }
    offline_dump_program("/proc/self/exe"); /* backup and export requests */
    if (args.restore || args.import || args.fsck) {
        offline_t o = {.state_dir = cfg.state_dir, .json = args.json};
        if (args.restore)
            return offline_restore(&o, args.restore);
        return args.import ? offline_import(&o, args.import) : offline_fsck(&o);
    }
    log_set_level(cfg.log_level);
    raise_fd_limit();
    int sfd = block_signals();
    if (sfd < 0) {
        log_error("main, cannot set up signal handling (%s)", strerror(errno));
        return 1;
    }
    if (strcmp(cfg.runtime_dir, cfg.state_dir) != 0 && mkdir(cfg.runtime_dir, 0750) < 0 &&
        errno != EEXIST) {
        log_error("main, cannot create the runtime directory %s (%s)", cfg.runtime_dir,
                  strerror(errno));
        goto out;
    }
    bool tcp_ok = check_tcp_allowed(cfg.api_endpoint, err, sizeof(err)) == 0 &&
                  check_tcp_allowed(cfg.events_endpoint, err, sizeof(err)) == 0 &&
                  check_tcp_allowed(cfg.auth_endpoint, err, sizeof(err)) == 0;
    for (unsigned i = 0; tcp_ok && i < cfg.npublishers; i++)
        tcp_ok = check_tcp_allowed(cfg.publishers[i].endpoint, err, sizeof(err)) == 0;
    if (!tcp_ok || activation_take_api(cfg.api_endpoint, &api_fd, err, sizeof(err)) < 0) {
        log_error("%s", err);
        goto out;
    }
    /* One exemplard per state directory; restore and import take the same
     * lock, so none of them runs next to a daemon (store.h). */
    if (mkdir(cfg.state_dir, 0750) < 0 && errno != EEXIST) {
        log_error("main, cannot create the state directory %s (%s)", cfg.state_dir,
                  strerror(errno));
        goto out;
    }
    if (store_lock_dir(cfg.state_dir, &lock_fd, err, sizeof(err)) < 0 ||
        store_open_wal(cfg.state_dir, cfg.map_size, cfg.map_max,
                       &(store_wal_cfg_t){cfg.wal != 0, cfg.wal_segment, cfg.wal_segment / 2,
                                          cfg.wal_checkpoint_ms},
                       &store, err, sizeof(err)) < 0) {
        log_error("%s", err);
        goto out;
    }
    ctx = zmq_ctx_new();
    if (!ctx || auth_init(ctx, &cfg, err, sizeof(err)) < 0 ||
        !(outbox = outbox_new(ctx, cfg.events_endpoint, err, sizeof(err)))) {
        log_error("%s", ctx ? err : "main, cannot create the ZeroMQ context");
        goto out;
    }
    bool activated = api_fd >= 0;
    sock = bind_api(ctx, &cfg, api_fd, err, sizeof(err));
    api_fd = -1; /* the ZeroMQ socket owns it, or closed it when the bind failed */
    if (!sock || !(api = api_new(store, outbox, &cfg, err, sizeof(err)))) {
        log_error("%s", err);
        goto out;
    }
    if (!(loop = loop_new(&cfg, api, sock, sfd)) ||
        (outbox_monitor_socket(outbox) && loop_add(loop, outbox_monitor_socket(outbox), -1,
                                                   LOOP_EVENTS, serve_feed_monitor, outbox) < 0)) {
        log_error("main, out of memory");
        goto out;
    }
    /* operator figures: the Prometheus endpoint, with figures before READY */
    if (cfg.stats_listen[0]) {
        if (!(metrics = metrics_new(cfg.stats_listen, err, sizeof(err)))) {
            log_error("%s", err);
            goto out;
        }
        metrics_refresh(metrics, api);
        loop_set_metrics(loop, metrics);
    }
    args.api = api;
    args.outbox = outbox;
    loop_set_reload(loop, reload_config, &args);
    const records_counters_t *c = api_counters(api);
    char status_line[256];
    snprintf(status_line, sizeof(status_line), "%llu nominations, last change %llu",
             (unsigned long long)c->nominations, (unsigned long long)c->last_seq);
    log_fields(
        LOG_INFO,
        LOG_FIELDS(log_u64("NOMINATIONS", c->nominations), log_u64("CHANGE_SEQ", c->last_seq)),
        "main, ready: %s; api %s%s, events %s, state %s", status_line, cfg.api_endpoint,
        activated ? " (socket-activated)" : "", cfg.events_endpoint, cfg.state_dir);
    sdnotify_ready(status_line);
    status = loop_run(loop) == 0 ? 0 : 1;
    sdnotify_stopping();
    c = api_counters(api);
    log_fields(
        LOG_INFO,
        LOG_FIELDS(log_u64("NOMINATIONS", c->nominations), log_u64("CHANGE_SEQ", c->last_seq)),
        "main, stopped after change %llu", (unsigned long long)c->last_seq);
out:
    if (api_fd >= 0)
        close(api_fd);
    loop_destroy(&loop);
    metrics_destroy(&metrics);
    api_destroy(&api);
    if (sock)
        zmq_close(sock);
    outbox_destroy(&outbox);
    auth_fini();
    if (ctx)
        zmq_ctx_term(ctx);
    store_close(&store);
    if (lock_fd >= 0)
        close(lock_fd);
    close(sfd);
    return status;
}
