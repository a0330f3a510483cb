/* SPDX-License-Identifier: MIT */
/*
 * Authentication (see auth.h): the keys file, the ZAP handler, CURVE server
 * options and handshake monitors, and the role checks that are not rows of
 * the move table.  The module holds one table of principals for the whole
 * daemon (the loop is single-threaded, so no lock), swapped whole on reload.
 */
#include "auth.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "i18n.h"
#include "keyfile.h"
#include "log.h"
#include "names.h"
#include "peerlog.h"
#include "text.h"

#define ZAP_ENDPOINT   "inproc://zeromq.zap.01"
#define ZAP_FRAMES_MAX 8
#define MONITORS_MAX   4
#define KEYS_FILE_MAX  (4u << 20)

typedef struct {
    void *sock; /* PAIR connected to the monitored socket's monitor */
    char endpoint[CONFIG_ENDPOINT_MAX];
    bool api; /* an api socket: connections closed unheard are logged (peerlog.h) */
} monitor_t;

static struct {
    void *ctx;
    void *zap;
    void *api;
    monitor_t mon[MONITORS_MAX];
    size_t nmon;
    auth_keys_t keys;
    char keys_path[PATH_MAX];
    char secret[EX_KEY_Z85_LEN + 1];
    bool have_secret;
    unsigned long long feed_handshakes; /* CURVE handshakes judged on the "events" domain */
    auth_add_source_fn *add_source;     /* the loop's registry of sources, or NULL */
    void *registry;
} A;

/* ---- the keys file ------------------------------------------------------ */

static bool valid_name(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-");
    return n >= 1 && n <= AUTH_NAME_MAX && s[n] == '\0';
}

/* One line's four fields into p.  Returns 0 or -1 with err. */
static int parse_line(char *line, auth_principal_t *p, char *err, size_t errlen)
{
    char *save = NULL;
    char *name = strtok_r(line, " \t", &save);
    char *role = strtok_r(NULL, " \t", &save);
    char *unit = strtok_r(NULL, " \t", &save);
    char *key = strtok_r(NULL, " \t", &save);
    char *extra = strtok_r(NULL, " \t", &save);
    if (!key || extra) {
        snprintf(err, errlen, "expected four fields: NAME ROLE UNIT PUBLIC-KEY");
        return -1;
    }
    if (!valid_name(name)) {
        snprintf(err, errlen,
                 "principal name \"%.70s\" is not 1-%d characters of letters, digits, '.', '_', "
                 "'@' or '-'",
                 name, AUTH_NAME_MAX);
        return -1;
    }
    /* "local" names the ipc:// administrator in the audit list and in the
     * remembered answers of request ids: a key of the same name would be
     * taken for it. */
    if (strcmp(name, AUTH_LOCAL_NAME) == 0) {
        snprintf(err, errlen,
                 "principal name \"%s\" is reserved for callers on the ipc:// endpoints; "
                 "choose another name",
                 name);
        return -1;
    }
    memset(p, 0, sizeof(*p));
    memcpy(p->name, name, strlen(name) + 1);
    p->role = (role_t)ex_role_parse(role);
    if (p->role == ROLE_NONE) {
        snprintf(err, errlen,
                 "role \"%.40s\" is not one of unit-officer, ministry-reviewer, approver, "
                 "publisher, reader, admin, worker, gateway",
                 role);
        return -1;
    }
    if (p->role == ROLE_UNIT_OFFICER) {
        if (strcmp(unit, "-") == 0 || !text_is_code(unit, sizeof(p->unit) - 1, false)) {
            snprintf(err, errlen,
                     "a unit-officer needs a unit code (1-16 of A-Z 0-9 . _ -), not "
                     "\"%.40s\"",
                     unit);
            return -1;
        }
        memcpy(p->unit, unit, strlen(unit) + 1);
    } else if (strcmp(unit, "-") != 0) {
        snprintf(err, errlen, "only unit-officers have a unit: write \"-\" for a %s, not \"%.40s\"",
                 ex_role_name((Exemplar__Role)p->role), unit);
        return -1;
    }
    if (!ex_key_is_z85(key) || !zmq_z85_decode(p->key, key)) {
        snprintf(err, errlen,
                 "public key \"%.50s\" is not 40 characters of Z85 (copy the key line of the "
                 "client's NAME.pub)",
                 key);
        return -1;
    }
    return 0;
}

int auth_keys_parse(const char *text, size_t len, const char *path, auth_keys_t *out, char *err,
                    size_t errlen)
{
    auth_keys_t k = {0};
    size_t cap = 0;
    int lineno = 0;
    char why[256];
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        char line[512];
        lineno++;
        if (end - pos >= sizeof(line)) {
            snprintf(err, errlen, "%s, line %d: the line is longer than %zu bytes", path, lineno,
                     sizeof(line) - 1);
            goto fail;
        }
        if (memchr(text + pos, '\0', end - pos)) {
            snprintf(err, errlen, "%s, line %d: the line holds a NUL byte", path, lineno);
            goto fail;
        }
        memcpy(line, text + pos, end - pos);
        line[end - pos] = '\0';
        pos = end + 1;
        line[strcspn(line, "\r")] = '\0';
        if (line[strspn(line, " \t")] == '\0' || line[strspn(line, " \t")] == '#')
            continue;
        if (k.n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            auth_principal_t *v = realloc(k.v, ncap * sizeof(*v));
            if (!v) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto fail;
            }
            k.v = v;
            cap = ncap;
        }
        auth_principal_t *p = &k.v[k.n];
        if (parse_line(line, p, why, sizeof(why)) < 0) {
            snprintf(err, errlen, "%s, line %d: %s", path, lineno, why);
            goto fail;
        }
        for (size_t i = 0; i < k.n; i++) {
            if (strcmp(k.v[i].name, p->name) == 0 || memcmp(k.v[i].key, p->key, 32) == 0) {
                snprintf(err, errlen,
                         "%s, line %d: %s %s appears twice; each principal has one "
                         "name and one key",
                         path, lineno, strcmp(k.v[i].name, p->name) == 0 ? "name" : "key of",
                         p->name);
                goto fail;
            }
        }
        k.n++;
    }
    *out = k;
    return 0;
fail:
    auth_keys_free(&k);
    return -1;
}

/* Whoever may write the keys file, or replace it in its directory, may make
 * themselves an administrator: as OpenSSH's StrictModes, the file must be
 * owned by root or the daemon's user and writable by its owner only, and its
 * directory likewise unless it has the sticky bit (whose other users cannot
 * rename or remove a file they do not own). */
static int keys_file_safe(int fd, const char *path, char *err, size_t errlen)
{
    struct stat st, dst;
    uid_t me = geteuid();
    if (fstat(fd, &st) < 0) {
        snprintf(err, errlen, "cannot read the keys file %s (%s)", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "the keys file %s is not a regular file", path);
        return -1;
    }
    if (st.st_uid != 0 && st.st_uid != me) {
        snprintf(err, errlen,
                 "the keys file %s belongs to uid %u, neither root nor the daemon's user (uid "
                 "%u): whoever owns it may make themselves an administrator; run chown root %s",
                 path, (unsigned)st.st_uid, (unsigned)me, path);
        return -1;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(err, errlen,
                 "the keys file %s is writable by %s (mode %04o): anyone who can write it may "
                 "make themselves an administrator; run chmod 640 %s",
                 path, (st.st_mode & S_IWOTH) ? "every local user" : "its group",
                 (unsigned)(st.st_mode & 07777), path);
        return -1;
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (stat(dir, &dst) < 0) {
        snprintf(err, errlen, "cannot look at the directory %s of the keys file (%s)", dir,
                 strerror(errno));
        return -1;
    }
    if (dst.st_uid != 0 && dst.st_uid != me) {
        snprintf(err, errlen,
                 "the directory %s holding the keys file %s belongs to uid %u, neither root nor "
                 "the daemon's user (uid %u): its owner may replace the file; run chown root %s",
                 dir, path, (unsigned)dst.st_uid, (unsigned)me, dir);
        return -1;
    }
    if ((dst.st_mode & (S_IWGRP | S_IWOTH)) && !(dst.st_mode & S_ISVTX)) {
        snprintf(err, errlen,
                 "the directory %s holding the keys file %s is writable by %s (mode %04o): "
                 "anyone who can write it may replace the file; run chmod go-w %s",
                 dir, path, (dst.st_mode & S_IWOTH) ? "every local user" : "its group",
                 (unsigned)(dst.st_mode & 07777), dir);
        return -1;
    }
    return 0;
}

int auth_keys_load(const char *path, auth_keys_t *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "cannot open the keys file %s (%s)", path, strerror(errno));
        return -1;
    }
    if (keys_file_safe(fileno(f), path, err, errlen) < 0) {
        fclose(f);
        return -1;
    }
    char *buf = malloc(KEYS_FILE_MAX);
    size_t len = buf ? fread(buf, 1, KEYS_FILE_MAX, f) : 0;
    int rc = -1;
    if (!buf)
        snprintf(err, errlen, "%s: out of memory", path);
    else if (ferror(f))
        snprintf(err, errlen, "cannot read the keys file %s (%s)", path, strerror(errno));
    else if (len == KEYS_FILE_MAX)
        snprintf(err, errlen, "the keys file %s is larger than %u MiB", path, KEYS_FILE_MAX >> 20);
    else
        rc = auth_keys_parse(buf, len, path, out, err, errlen);
    free(buf);
    fclose(f);
    return rc;
}

void auth_keys_free(auth_keys_t *k)
{
    free(k->v);
    k->v = NULL;
    k->n = 0;
}

static const auth_principal_t *find_key(const uint8_t key[32])
{
    for (size_t i = 0; i < A.keys.n; i++)
        if (memcmp(A.keys.v[i].key, key, 32) == 0)
            return &A.keys.v[i];
    return NULL;
}

static const auth_principal_t *find_name(const char *name)
{
    for (size_t i = 0; i < A.keys.n; i++)
        if (strcmp(A.keys.v[i].name, name) == 0)
            return &A.keys.v[i];
    return NULL;
}

/* Roles that read every unit may take the whole change feed; so may a
 * gateway, which acts for every person and uses the feed only to learn
 * that something changed (what each person sees it reads on their behalf). */
static bool reads_all_units(role_t r)
{
    return r == ROLE_MINISTRY_REVIEWER || r == ROLE_APPROVER || r == ROLE_READER ||
           r == ROLE_ADMIN || r == ROLE_GATEWAY;
}

/* Did the change from the table in force to `next` take the change feed
 * from anyone who had it: a principal of a feed role removed, demoted to a
 * role without the feed, or given another key?  Names the first in who. */
static bool feed_revoked(const auth_keys_t *next, char *who, size_t len)
{
    for (size_t i = 0; i < A.keys.n; i++) {
        const auth_principal_t *was = &A.keys.v[i], *now = NULL;
        if (!reads_all_units(was->role))
            continue;
        for (size_t j = 0; j < next->n && !now; j++)
            if (strcmp(next->v[j].name, was->name) == 0)
                now = &next->v[j];
        const char *why = !now                             ? "removed"
                          : !reads_all_units(now->role)    ? "demoted"
                          : memcmp(now->key, was->key, 32) ? "given a new key"
                                                           : NULL;
        if (why) {
            snprintf(who, len, "%s (%s)", was->name, why);
            return true;
        }
    }
    return false;
}

int auth_reload(void)
{
    if (!A.keys_path[0]) {
        log_notice("auth, no keys file in use (no tcp:// endpoint): nothing to reload");
        return 0;
    }
    auth_keys_t k;
    char err[768], who[AUTH_NAME_MAX + 32];
    if (auth_keys_load(A.keys_path, &k, err, sizeof(err)) < 0) {
        log_error("auth, keys not reloaded, the previous %zu principals stay in force (%s)",
                  A.keys.n, err);
        return -1;
    }
    bool revoked = feed_revoked(&k, who, sizeof(who));
    auth_keys_free(&A.keys);
    A.keys = k;
    log_notice("auth, keys reloaded from %s: %zu principals", A.keys_path, A.keys.n);
    if (revoked)
        log_notice("auth, %s lost the change feed: its subscribers are made to authenticate "
                   "again",
                   who);
    return revoked ? 1 : 0;
}

/* ---- rate-limited logging of handshake failures ------------------------- */

/* A client with the wrong server key retries every 100-200 ms, forever: the
 * lines share peerlog's budget for handshake failures. */
#define log_refusal(...) peerlog(PEERLOG_HANDSHAKE, LOG_WARNING, __VA_ARGS__)

/* ---- the ZAP handler (RFC 27) ------------------------------------------- */

static bool frame_is(zmq_msg_t *m, const char *s)
{
    return zmq_msg_size(m) == strlen(s) && memcmp(zmq_msg_data(m), s, strlen(s)) == 0;
}

/* A frame as a short printable string (ZAP's domain, address, mechanism). */
static void frame_text(zmq_msg_t *m, char *out, size_t len)
{
    size_t n = zmq_msg_size(m) < len - 1 ? zmq_msg_size(m) : len - 1;
    memcpy(out, zmq_msg_data(m), n);
    out[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (out[i] < 0x20 || out[i] == 0x7f)
            out[i] = '?';
}

static void zap_reply(zmq_msg_t *request_id, const char *code, const char *text, const char *user)
{
    zmq_send(A.zap, "1.0", 3, ZMQ_SNDMORE);
    zmq_send(A.zap, zmq_msg_data(request_id), zmq_msg_size(request_id), ZMQ_SNDMORE);
    zmq_send(A.zap, code, strlen(code), ZMQ_SNDMORE);
    zmq_send(A.zap, text, strlen(text), ZMQ_SNDMORE);
    zmq_send(A.zap, user, strlen(user), ZMQ_SNDMORE);
    zmq_send(A.zap, "", 0, 0);
}

/* The user id holds the key too: a connection made with a key the keys
 * file no longer gives this name has no role (auth_actor_of). */
static void zap_admit(zmq_msg_t *request_id, const auth_principal_t *p, const char *z85)
{
    char user[AUTH_NAME_MAX + 2 + EX_KEY_Z85_LEN];
    snprintf(user, sizeof(user), "%s %s", p->name, z85);
    zap_reply(request_id, "200", "OK", user);
}

static void zap_serve(void)
{
    zmq_msg_t f[ZAP_FRAMES_MAX];
    int n = 0;
    for (;;) {
        zmq_msg_init(&f[n]);
        if (zmq_msg_recv(&f[n], A.zap, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&f[n]);
            break;
        }
        bool more = zmq_msg_more(&f[n]);
        if (n + 1 < ZAP_FRAMES_MAX)
            n++;
        else
            zmq_msg_close(&f[n]);
        if (!more)
            break;
    }
    if (n == 0)
        return;
    /* version, request id, domain, address, identity, mechanism, credentials */
    if (n < 6 || !frame_is(&f[0], "1.0")) {
        log_error("auth, a ZAP request with %d frames or another version was refused", n);
        /* REP must answer every request, or it never reads the next one. */
        zmq_msg_t none;
        zmq_msg_init(&none);
        zap_reply(n >= 2 ? &f[1] : &none, "500", "malformed ZAP request", "");
        zmq_msg_close(&none);
        goto out;
    }
    char domain[32], address[64], mechanism[16], z85[EX_KEY_Z85_LEN + 1];
    frame_text(&f[2], domain, sizeof(domain));
    frame_text(&f[3], address, sizeof(address));
    frame_text(&f[5], mechanism, sizeof(mechanism));
    if (strcmp(mechanism, "NULL") == 0) {
        /* Only ipc:// sockets run without CURVE; the directory's
         * permissions decide who connects there. */
        zap_reply(&f[1], "200", "OK", "");
        goto out;
    }
    if (strcmp(mechanism, "CURVE") != 0 || n < 7 || zmq_msg_size(&f[6]) != 32) {
        log_refusal("auth, refused a %s handshake from %s (%s): only CURVE is accepted", mechanism,
                    address, domain);
        zap_reply(&f[1], "400", "only CURVE is accepted", "");
        goto out;
    }
    const uint8_t *key = zmq_msg_data(&f[6]);
    zmq_z85_encode(z85, key, 32);
    const auth_principal_t *p = find_key(key);
    A.feed_handshakes += strcmp(domain, "events") == 0;
    if (!p) {
        log_refusal("auth, refused unknown client key %s from %s (%s): it is not in the keys "
                    "file %s",
                    z85, address, domain, A.keys_path);
        zap_reply(&f[1], "400", "unknown key", "");
    } else if (strcmp(domain, "events") == 0 && !reads_all_units(p->role)) {
        log_refusal("auth, refused %s (%s) on the change feed from %s: the feed carries every "
                    "unit; this role reads its changes with ChangesRequest",
                    p->name, ex_role_name((Exemplar__Role)p->role), address);
        zap_reply(&f[1], "400", "role may not subscribe to the whole feed", "");
    } else {
        /* One line per connection, as many as clients reconnect: limited. */
        peerlog(PEERLOG_CONNECTED, LOG_INFO, "auth, %s (%s) connected from %s (%s)", p->name,
                ex_role_name((Exemplar__Role)p->role), address, domain);
        zap_admit(&f[1], p, z85);
    }
out:
    for (int i = 0; i < n; i++)
        zmq_msg_close(&f[i]);
}

/* ---- handshake monitors ------------------------------------------------- */

static const char *handshake_failure(uint16_t event)
{
    switch (event) {
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        return "failed";
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        return "failed a protocol check (often: the client uses the wrong server key)";
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        return "was refused by ZAP";
    default:
        return NULL;
    }
}

static bool monitor_serve(monitor_t *m);

#define MONITOR_EVENTS_PER_TURN 256

/* Everything the monitor has queued (within a bound), so that its events
 * keep pace with the messages the loop reads in the same turn: a backlog of
 * ACCEPTED/DISCONNECTED events would be judged against the messages of the
 * next connection on the same fd (peerlog.h). */
static void serve_monitor(void *arg)
{
    for (int i = 0; i < MONITOR_EVENTS_PER_TURN && monitor_serve(arg); i++)
        ;
}

/* Serves one event; false when none was waiting. */
static bool monitor_serve(monitor_t *m)
{
    bool got = false;
    zmq_msg_t ev, ep;
    zmq_msg_init(&ev);
    zmq_msg_init(&ep);
    if (zmq_msg_recv(&ev, m->sock, ZMQ_DONTWAIT) < 0)
        goto out;
    got = true;
    if (!zmq_msg_more(&ev) || zmq_msg_recv(&ep, m->sock, 0) < 0 || zmq_msg_size(&ev) != 6)
        goto out;
    uint16_t event;
    uint32_t value;
    memcpy(&event, zmq_msg_data(&ev), sizeof(event));
    memcpy(&value, (const uint8_t *)zmq_msg_data(&ev) + 2, sizeof(value));
    const char *what = handshake_failure(event);
    if (m->api)
        peerlog_monitor_event(m->endpoint, event, value);
    /* ZAP refusals were logged with the key and address by zap_serve. */
    if (what && event != ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        log_refusal("auth, a CURVE handshake on %s %s (code %#x)", m->endpoint, what,
                    (unsigned)value);
out:
    zmq_msg_close(&ev);
    zmq_msg_close(&ep);
    return got;
}

/* ---- sockets ------------------------------------------------------------ */

/* Watches sock's handshakes and, for an api socket, its connections (see
 * peerlog.h: a connection closed before any message of it arrived).  The
 * caller checked there is room.  Returns 0 or -1 (zmq_errno() says why). */
static int add_monitor(void *sock, const char *endpoint, bool api)
{
    monitor_t *m = &A.mon[A.nmon];
    char inproc[64];
    snprintf(inproc, sizeof(inproc), "inproc://exemplard.monitor.%zu", A.nmon);
    snprintf(m->endpoint, sizeof(m->endpoint), "%s", endpoint);
    m->api = api;
    int events = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                 ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
    if (api)
        events |= ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED;
    if (zmq_socket_monitor(sock, inproc, events) < 0 || !(m->sock = zmq_socket(A.ctx, ZMQ_PAIR)) ||
        zmq_connect(m->sock, inproc) < 0) {
        if (m->sock)
            zmq_close(m->sock);
        m->sock = NULL;
        return -1;
    }
    int linger = 0;
    zmq_setsockopt(m->sock, ZMQ_LINGER, &linger, sizeof(linger));
    A.nmon++;
    /* a monitor added while running (a feed re-bound by a reload) */
    if (A.add_source && A.add_source(A.registry, m->sock, serve_monitor, m) < 0)
        log_warning("auth, cannot watch %s: its handshakes are not logged", endpoint);
    return 0;
}

int auth_secure_socket(void *sock, const char *endpoint, const char *domain, char *err,
                       size_t errlen)
{
    if (strncmp(endpoint, "tcp://", 6) != 0)
        return 0;
    if (!A.have_secret) {
        snprintf(err, errlen,
                 "auth, %s is a tcp:// endpoint and needs CURVE: set [auth] secret_key_file to "
                 "the daemon's secret key ('exemplarctl keygen server') and [auth] keys_file",
                 endpoint);
        return -1;
    }
    if (A.nmon == MONITORS_MAX) {
        snprintf(err, errlen, "auth, more than %d tcp:// endpoints", MONITORS_MAX);
        return -1;
    }
    int one = 1;
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof(one)) < 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, A.secret, EX_KEY_Z85_LEN) < 0 ||
        zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, domain, strlen(domain)) < 0 ||
        add_monitor(sock, endpoint, strcmp(domain, "api") == 0) < 0) {
        snprintf(err, errlen, "auth, cannot set up CURVE on %s (%s)", endpoint,
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

int auth_watch_api_socket(void *sock, const char *endpoint, char *err, size_t errlen)
{
    if (A.nmon == MONITORS_MAX) {
        snprintf(err, errlen, "auth, more than %d monitored endpoints", MONITORS_MAX);
        return -1;
    }
    if (add_monitor(sock, endpoint, true) < 0) {
        snprintf(err, errlen, "auth, cannot monitor %s (%s)", endpoint, zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

static int bind_api(const config_t *cfg, char *err, size_t errlen)
{
    A.api = zmq_socket(A.ctx, ZMQ_ROUTER);
    int linger = 0, hwm = 100000;
    int64_t maxmsg = (int64_t)cfg->max_message_bytes;
    if (!A.api || zmq_setsockopt(A.api, ZMQ_LINGER, &linger, sizeof(linger)) < 0 ||
        zmq_setsockopt(A.api, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg)) < 0 ||
        zmq_setsockopt(A.api, ZMQ_SNDHWM, &hwm, sizeof(hwm)) < 0 ||
        zmq_setsockopt(A.api, ZMQ_RCVHWM, &hwm, sizeof(hwm)) < 0) {
        snprintf(err, errlen, "auth, cannot create the CURVE api socket (%s)",
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    if (auth_secure_socket(A.api, cfg->auth_endpoint, "api", err, errlen) < 0)
        return -1;
    if (zmq_bind(A.api, cfg->auth_endpoint) < 0) {
        snprintf(err, errlen, "auth, cannot bind %s (%s)", cfg->auth_endpoint,
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

/* ipc:// callers are administrators: say so when their directory lets
 * every local user in. */
static void check_ipc_directory(const char *endpoint)
{
    if (strncmp(endpoint, "ipc://", 6) != 0)
        return;
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", endpoint + 6);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    struct stat st;
    if (stat(dir, &st) == 0 && (st.st_mode & S_IXOTH))
        log_warning("auth, %s is open to every local user (mode %03o), and whoever connects to "
                    "%s acts as an administrator: make it 0750, owned by the service user and "
                    "its administrators group (RuntimeDirectoryMode=0750 under systemd)",
                    dir, (unsigned)(st.st_mode & 0777), endpoint);
}

int auth_init(void *ctx, const config_t *cfg, char *err, size_t errlen)
{
    memset(&A, 0, sizeof(A));
    A.ctx = ctx;
    /* Bound before any CURVE socket: without a handler, libzmq would admit
     * every client key. */
    A.zap = zmq_socket(ctx, ZMQ_REP);
    int linger = 0;
    if (!A.zap || zmq_setsockopt(A.zap, ZMQ_LINGER, &linger, sizeof(linger)) < 0 ||
        zmq_bind(A.zap, ZAP_ENDPOINT) < 0) {
        snprintf(err, errlen, "auth, cannot bind the ZAP handler (%s)", zmq_strerror(zmq_errno()));
        return -1;
    }
    check_ipc_directory(cfg->api_endpoint);
    bool tcp = cfg->auth_endpoint[0] || strncmp(cfg->events_endpoint, "tcp://", 6) == 0;
    if (!tcp)
        return 0;
    char why[512];
    if (!cfg->auth_secret_key_file[0] || !cfg->auth_keys_file[0]) {
        snprintf(err, errlen,
                 "auth, tcp:// endpoints need [auth] secret_key_file (the daemon's CURVE secret "
                 "key) and [auth] keys_file (the clients' public keys)");
        return -1;
    }
    if (ex_keyfile_read(cfg->auth_secret_key_file, true, A.secret, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "auth, %s", why);
        return -1;
    }
    A.have_secret = true;
    snprintf(A.keys_path, sizeof(A.keys_path), "%s", cfg->auth_keys_file);
    if (auth_keys_load(A.keys_path, &A.keys, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "auth, %s", why);
        return -1;
    }
    char public_key[EX_KEY_Z85_LEN + 1];
    if (zmq_curve_public(public_key, A.secret) < 0) {
        snprintf(err, errlen, "auth, %s holds no valid CURVE secret key",
                 cfg->auth_secret_key_file);
        return -1;
    }
    log_info("auth, server public key %s; %zu principals in %s", public_key, A.keys.n, A.keys_path);
    if (cfg->auth_endpoint[0] && bind_api(cfg, err, errlen) < 0)
        return -1;
    return 0;
}

void auth_fini(void)
{
    if (A.api)
        zmq_close(A.api);
    for (size_t i = 0; i < A.nmon; i++)
        if (A.mon[i].sock)
            zmq_close(A.mon[i].sock);
    if (A.zap)
        zmq_close(A.zap);
    auth_keys_free(&A.keys);
    memset(A.secret, 0, sizeof(A.secret));
    memset(&A, 0, sizeof(A));
}

unsigned long long auth_feed_handshakes(void)
{
    return A.feed_handshakes;
}

void *auth_api_socket(void)
{
    return A.api;
}

static void serve_zap(void *arg)
{
    (void)arg;
    zap_serve();
}

int auth_register_sources(auth_add_source_fn *add, void *registry)
{
    A.add_source = add;
    A.registry = registry;
    if (!add)
        return 0;
    if (A.zap && add(registry, A.zap, serve_zap, NULL) < 0)
        return -1;
    for (size_t i = 0; i < A.nmon; i++)
        if (add(registry, A.mon[i].sock, serve_monitor, &A.mon[i]) < 0)
            return -1;
    return 0;
}

/* ---- actors and checks -------------------------------------------------- */

void auth_actor_of(zmq_msg_t *msg, actor_t *out)
{
    memset(out, 0, sizeof(*out));
    const char *uid = zmq_msg_gets(msg, "User-Id");
    char name[AUTH_NAME_MAX + 1] = "unknown";
    uint8_t key[32];
    const char *sp = uid ? strchr(uid, ' ') : NULL;
    size_t n = sp ? (size_t)(sp - uid) : 0;
    const auth_principal_t *p = NULL;
    if (n && n <= AUTH_NAME_MAX) {
        memcpy(name, uid, n);
        name[n] = '\0';
        p = find_name(name);
        /* Removed from the keys file since it connected, or its key was
         * replaced: no role at all. */
        if (p && (strlen(sp + 1) != EX_KEY_Z85_LEN || !zmq_z85_decode(key, sp + 1) ||
                  memcmp(key, p->key, 32) != 0))
            p = NULL;
    }
    if (!p) {
        snprintf(out->name, sizeof(out->name), "%s", name);
        out->role = ROLE_NONE;
        return;
    }
    memcpy(out->name, p->name, sizeof(out->name));
    out->role = p->role;
    memcpy(out->unit, p->unit, sizeof(out->unit));
}

int auth_find_principal(const char *name, actor_t *out)
{
    const auth_principal_t *p = find_name(name);
    if (!p)
        return -1;
    memset(out, 0, sizeof(*out));
    memcpy(out->name, p->name, sizeof(out->name));
    out->role = p->role;
    memcpy(out->unit, p->unit, sizeof(out->unit));
    return 0;
}

void auth_local_actor(actor_t *out)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->name, sizeof(out->name), "%s", AUTH_LOCAL_NAME);
    out->role = ROLE_ADMIN;
}

/* The role in a sentence, in the request's language (i18n.h). */
static const char *role_text(role_t r)
{
    const char *n = ex_role_name((Exemplar__Role)r);
    return n ? l10n_pgettext("name", n) : _("no role (not in the keys file)");
}

int auth_check_role(const actor_t *a, const char *op, unsigned roles, char *why, size_t why_len)
{
    if (a->role == ROLE_ADMIN ||
        (a->role > ROLE_NONE && a->role < ROLE_COUNT && (roles & ROLE_BIT(a->role))))
        return 0;
    char names[256];
    nom_roles_said(roles, names, sizeof(names));
    if (names[0])
        snprintf(why, why_len, _("%s needs the role %s or admin; %s has %s"), op, names, a->name,
                 role_text(a->role));
    else
        snprintf(why, why_len, _("%s needs the role admin; %s has %s"), op, a->name,
                 role_text(a->role));
    return -EX_EPERM;
}

int auth_check_read(const actor_t *a, const char *op, char *why, size_t why_len)
{
    return auth_check_role(a, op, AUTH_READERS, why, why_len);
}

int auth_check_admin(const actor_t *a, const char *op, char *why, size_t why_len)
{
    return auth_check_role(a, op, 0, why, why_len);
}
