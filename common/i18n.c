/* SPDX-License-Identifier: MIT */
/*
 * gettext set-up (see i18n.h).  gettext ignores LANGUAGE under the "C"
 * locale, so the messages category runs under C.UTF-8 (built into glibc):
 * the daemon's other behaviour stays locale-independent.
 */
#include "i18n.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef EXEMPLAR_LOCALEDIR
#define EXEMPLAR_LOCALEDIR "/usr/local/share/locale"
#endif
#ifndef EXEMPLAR_BUILD_LOCALEDIR
#define EXEMPLAR_BUILD_LOCALEDIR EXEMPLAR_LOCALEDIR
#endif

static int has_catalog(const char *dir)
{
    char path[4096];
    struct stat st;
    int n = snprintf(path, sizeof(path), "%s/vi/LC_MESSAGES/" EX_TEXTDOMAIN ".mo", dir);
    return n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0;
}

/* PREFIX/share/locale for the running PREFIX/sbin/exemplard (or bin/): the
 * catalogue installed with the binary.  EXEMPLAR_LOCALEDIR is the configure
 * prefix's, which a package installed elsewhere (cpack installs under /usr,
 * the build's prefix is /usr/local) does not match.  0, or -1. */
static int exe_localedir(char *dir, size_t len)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) { /* drop "/exemplard", then "/sbin" */
        char *slash = strrchr(exe, '/');
        if (!slash)
            return -1;
        *slash = '\0';
    }
    int m = snprintf(dir, len, "%s/share/locale", exe);
    return m > 0 && (size_t)m < len && has_catalog(dir) ? 0 : -1;
}

int i18n_init(const char *language, const char *localedir)
{
    if (strcmp(language, "vi") != 0 && strcmp(language, "en") != 0)
        return -1;
    static char beside[4096];
    const char *dir = localedir && localedir[0]                    ? localedir
                      : has_catalog(EXEMPLAR_LOCALEDIR)            ? EXEMPLAR_LOCALEDIR
                      : exe_localedir(beside, sizeof(beside)) == 0 ? beside
                                                                   : EXEMPLAR_BUILD_LOCALEDIR;
    setlocale(LC_MESSAGES, "C.UTF-8");
    /* Translations other catalogues give (the C library's strerror in
     * Vietnamese, for LANGUAGE=vi) are converted to LC_CTYPE's charset:
     * without UTF-8 there, the log would show "L?i" for "Lỗi". */
    setlocale(LC_CTYPE, "C.UTF-8");
    setenv("LANGUAGE", language, 1);
    bindtextdomain(EX_TEXTDOMAIN, dir);
    bind_textdomain_codeset(EX_TEXTDOMAIN, "UTF-8");
    /* A catalogue loaded under another language stays cached otherwise. */
    extern int _nl_msg_cat_cntr;
    ++_nl_msg_cat_cntr;
    return 0;
}
