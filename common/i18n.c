/* SPDX-License-Identifier: MIT */
/*
 * Language, dates, times and text width for the daemon, the clients and the
 * workers (see i18n.h): one gettext set-up, the language chosen from the
 * configuration (daemon, workers' documents), the request (daemon, per
 * call) or the person running a client.
 */
#include "i18n.h"

#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <utf8proc.h>

#ifndef EXEMPLAR_LOCALEDIR
#define EXEMPLAR_LOCALEDIR "/usr/local/share/locale"
#endif
#ifndef EXEMPLAR_BUILD_LOCALEDIR
#define EXEMPLAR_BUILD_LOCALEDIR EXEMPLAR_LOCALEDIR
#endif

#define VN_OFFSET_S (7 * 3600)

static l10n_lang_t lang = L10N_EN;
static bool inited;           /* l10n_init ran */
static bool applied;          /* LANGUAGE was set to lang */
static const char *zone_name; /* EXEMPLAR_TZ when it is not Vietnam's */

static bool has_catalog(const char *dir)
{
    char path[4096];
    struct stat st;
    int n = snprintf(path, sizeof path, "%s/vi/LC_MESSAGES/" EX_TEXTDOMAIN ".mo", dir);
    return n > 0 && (size_t)n < sizeof path && stat(path, &st) == 0;
}

/* PREFIX/share/locale for a running PREFIX/sbin/exemplard (or bin/PROGRAM):
 * the catalogue installed with the binary.  EXEMPLAR_LOCALEDIR is the
 * configure prefix's, which a package installed elsewhere (cpack installs
 * under /usr, the build's prefix is /usr/local) does not match. */
static bool exe_localedir(char *dir, size_t len)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) { /* drop "/PROGRAM", then "/sbin" or "/bin" */
        char *slash = strrchr(exe, '/');
        if (!slash)
            return false;
        *slash = '\0';
    }
    int m = snprintf(dir, len, "%s/share/locale", exe);
    return m > 0 && (size_t)m < len && has_catalog(dir);
}

static const char *env_language(void)
{
    static const char *const VARS[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof VARS / sizeof VARS[0]; i++) {
        const char *v = getenv(VARS[i]);
        if (v && *v)
            return v;
    }
    return "";
}

/* gettext caches a translation per language: after LANGUAGE changes it must
 * look again (i18n.h, switching per request). */
static void apply_lang(void)
{
    setenv("LANGUAGE", l10n_code(), 1);
    extern int _nl_msg_cat_cntr;
    ++_nl_msg_cat_cntr;
    applied = true;
}

void i18n_bind(const char *localedir)
{
    static char beside[4096];
    const char *dir = localedir && localedir[0]              ? localedir
                      : has_catalog(EXEMPLAR_LOCALEDIR)      ? EXEMPLAR_LOCALEDIR
                      : exe_localedir(beside, sizeof beside) ? beside
                                                             : EXEMPLAR_BUILD_LOCALEDIR;
    /* Messages and character type only: numbers in --json and everything
     * else stay as in the C locale.  UTF-8 in LC_CTYPE so translations
     * (ours, and the C library's strerror under LANGUAGE=vi) are not
     * converted to "?" where the person's own locale is not generated. */
    setlocale(LC_MESSAGES, "C.UTF-8");
    setlocale(LC_CTYPE, "C.UTF-8");
    bindtextdomain(EX_TEXTDOMAIN, dir);
    bind_textdomain_codeset(EX_TEXTDOMAIN, "UTF-8");
}

int i18n_init(const char *language, const char *localedir)
{
    if (!i18n_known(language))
        return -1;
    i18n_bind(localedir);
    l10n_set_lang(language[0] == 'v' ? L10N_VI : L10N_EN);
    return 0;
}

l10n_lang_t l10n_init(void)
{
    if (inited)
        return lang;
    inited = true;
    i18n_bind(getenv("EXEMPLAR_LOCALEDIR"));
    l10n_set_lang(strncmp(env_language(), "vi", 2) == 0 ? L10N_VI : L10N_EN);

    const char *tz = getenv("EXEMPLAR_TZ");
    if (tz && *tz && strcmp(tz, "Asia/Ho_Chi_Minh") != 0 && strcmp(tz, "Asia/Saigon") != 0) {
        zone_name = tz;
        setenv("TZ", tz, 1);
        tzset();
    }
    return lang;
}
l10n_lang_t l10n_init_offline(const char *fallback, const char *localedir)
{
    bool person = *env_language() != '\0'; /* before l10n_init sets LANGUAGE */
    l10n_init();
    if (localedir && *localedir)
        i18n_bind(localedir);
    if (!person && i18n_known(fallback))
        l10n_set_lang(fallback[0] == 'v' ? L10N_VI : L10N_EN);
    return lang;
}

l10n_lang_t l10n_lang(void)
{
    return lang;
}

void l10n_set_lang(l10n_lang_t l)
{
    lang = l;
    apply_lang();
}

int i18n_known(const char *language)
{
    return language && (strcmp(language, "vi") == 0 || strcmp(language, "en") == 0);
}

int i18n_use(const char *language)
{
    if (!i18n_known(language))
        return -1;
    l10n_lang_t want = language[0] == 'v' ? L10N_VI : L10N_EN;
    if (want != lang || !applied)
        l10n_set_lang(want);
    return 0;
}

const char *l10n_code(void)
{
    return lang == L10N_VI ? "vi" : "en";
}

const char *l10n_zone(void)
{
    if (zone_name) {
        static char buf[160];
        snprintf(buf, sizeof buf, lang == L10N_VI ? "giờ %s" : "%s time", zone_name);
        return buf;
    }
    return lang == L10N_VI ? "giờ Việt Nam" : "Vietnam time";
}

static bool broken_down(int64_t ms, struct tm *tm)
{
    if (ms <= 0)
        return false;
    time_t t = (time_t)(ms / 1000);
    if (zone_name)
        return localtime_r(&t, tm) != NULL;
    t += VN_OFFSET_S;
    return gmtime_r(&t, tm) != NULL;
}

static const char *const MONTHS[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};

static void put_day(int y, int m, int d, char *buf, size_t len)
{
    if (lang == L10N_VI)
        snprintf(buf, len, "%d/%d/%d", d, m, y);
    else
        snprintf(buf, len, "%d %s %d", d, MONTHS[(m - 1) % 12], y);
}

const char *l10n_date(int64_t ms, char *buf, size_t len)
{
    struct tm tm;
    if (!broken_down(ms, &tm))
        snprintf(buf, len, "-");
    else
        put_day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, buf, len);
    return buf;
}

const char *l10n_day(const char *iso, char *buf, size_t len)
{
    int y, m, d, end = 0;
    if (!iso || !*iso)
        snprintf(buf, len, "-");
    else if (strlen(iso) == 10 && sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &d, &end) == 3 &&
             end == 10 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
        put_day(y, m, d, buf, len);
    else
        snprintf(buf, len, "%s", iso);
    return buf;
}

const char *l10n_time(int64_t ms, char *buf, size_t len)
{
    struct tm tm;
    if (!broken_down(ms, &tm)) {
        snprintf(buf, len, "-");
        return buf;
    }
    char day[64];
    put_day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, day, sizeof day);
    snprintf(buf, len, "%s %02d:%02d:%02d", day, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

const char *l10n_pgettext(const char *ctx, const char *msgid)
{
    char key[512];
    int n = snprintf(key, sizeof key, "%s\004%s", ctx, msgid);
    if (n < 0 || (size_t)n >= sizeof key)
        return msgid;
    const char *t = dgettext(EX_TEXTDOMAIN, key);
    return t == key ? msgid : t;
}

size_t l10n_width(const char *s)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t w = 0;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        if (n <= 0) { /* not UTF-8: one column per byte, as a terminal shows "?" */
            w++;
            p++;
            continue;
        }
        int cw = utf8proc_charwidth(cp);
        w += cw > 0 ? (size_t)cw : 0;
        p += n;
    }
    return w;
}
