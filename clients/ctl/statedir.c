/* SPDX-License-Identifier: MIT */
/*
 * The state directory of the offline tools (statedir.h).  backup and export
 * run next to a serving daemon, restore and import next to a stopped one;
 * either way the directory must be the one of the configuration in use, or
 * an administrator beside a development daemon would back up (or restore
 * over) the system service's /var/lib/exemplard.  The protocol's info reply
 * does not carry the daemon's state directory, and restore and import run
 * without a daemon, so the rules are local and follow the api default's.
 */
#include "statedir.h"
#include "i18n.h"
#include "output.h"

#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int on_line(void *user, const char *section, const char *name, const char *value)
{
    char *dir = user;
    if (strcmp(section, "daemon") == 0 && strcmp(name, "state_dir") == 0)
        snprintf(dir, PATH_MAX, "%s", value);
    return 1;
}

/* [daemon] state_dir of an INI file into dir (PATH_MAX bytes); 0 when found. */
static int config_state_dir(const char *path, char *dir)
{
    dir[0] = '\0';
    ini_parse(path, on_line, dir);
    return dir[0] ? 0 : -1;
}

/* The directory of an ipc:// endpoint's socket, when it holds an LMDB
 * environment.  0 with dir set, -1 otherwise. */
static int endpoint_state_dir(const char *endpoint, char *dir)
{
    if (strncmp(endpoint, "ipc://", 6) != 0 || endpoint[6] == '@')
        return -1;
    const char *path = endpoint + 6, *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, PATH_MAX, ".");
    else if (slash == path)
        snprintf(dir, PATH_MAX, "/");
    else
        snprintf(dir, PATH_MAX, "%.*s", (int)(slash - path), path);
    char data[PATH_MAX + 16];
    snprintf(data, sizeof data, "%s/data.mdb", dir);
    struct stat st;
    return stat(data, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
}

const char *ctl_find_state_dir(const ctl_t *ctl, const ctl_args_t *a, char *buf, size_t len,
                               char *why, size_t whylen)
{
    char dir[PATH_MAX], because[PATH_MAX + 64];
    const char *opt = a->opt[OPT_SLOT(OPT_STATE_DIR)];
    const char *conf = getenv("EXEMPLAR_CONFIG");
    const char *api = ctl->api ? ctl->api : ex_default_endpoint();
    if (opt) {
        snprintf(dir, sizeof dir, "%s", opt);
        snprintf(because, sizeof because, "--state-dir");
    } else if (conf && *conf && config_state_dir(conf, dir) == 0) {
        snprintf(because, sizeof because, _("[daemon] state_dir of $EXEMPLAR_CONFIG (%s)"), conf);
    } else if (endpoint_state_dir(api, dir) == 0) {
        snprintf(because, sizeof because, _("the api endpoint %s"), api);
    } else if (config_state_dir(STATEDIR_SYSTEM_CONFIG, dir) == 0) {
        snprintf(because, sizeof because, _("[daemon] state_dir of %s"), STATEDIR_SYSTEM_CONFIG);
    } else {
        snprintf(dir, sizeof dir, STATEDIR_SYSTEM_DIR);
        snprintf(because, sizeof because, "%s", _("the system service's default"));
    }
    snprintf(buf, len, "%s", dir);
    if (why)
        snprintf(why, whylen, "%s", because);
    return buf;
}

int cmd_state_dir(ctl_t *ctl, const ctl_args_t *a)
{
    char dir[PATH_MAX], why[PATH_MAX + 64];
    ctl_find_state_dir(ctl, a, dir, sizeof dir, why, sizeof why);
    if (ctl->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "state_dir", json_object_new_string(dir));
        json_object_object_add(doc, "source", json_object_new_string(why));
        ctl_json_print(doc);
    } else {
        printf("%s (%s)\n", dir, why);
    }
    return EXIT_OK;
}
