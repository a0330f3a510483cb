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

int i18n_init(const char *language, const char *localedir)
{
    if (strcmp(language, "vi") != 0 && strcmp(language, "en") != 0)
        return -1;
    const char *dir = localedir && localedir[0]         ? localedir
                      : has_catalog(EXEMPLAR_LOCALEDIR) ? EXEMPLAR_LOCALEDIR
                                                        : EXEMPLAR_BUILD_LOCALEDIR;
    setlocale(LC_MESSAGES, "C.UTF-8");
    setenv("LANGUAGE", language, 1);
    bindtextdomain(EX_TEXTDOMAIN, dir);
    bind_textdomain_codeset(EX_TEXTDOMAIN, "UTF-8");
    /* A catalogue loaded under another language stays cached otherwise. */
    extern int _nl_msg_cat_cntr;
    ++_nl_msg_cat_cntr;
    return 0;
}
