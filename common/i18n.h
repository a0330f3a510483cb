/* SPDX-License-Identifier: MIT */
/*
 * Messages in Vietnamese and English (gettext).  Message ids are English;
 * common/po/vi.po translates them.  The daemon speaks one language, chosen by
 * [rules] language (vi by default); exemplarctl leaves its own messages in
 * English and prints the daemon's as they come.
 */
#ifndef EXEMPLAR_I18N_H
#define EXEMPLAR_I18N_H

#include <libintl.h>

#define EX_TEXTDOMAIN "exemplar"
#define _(s)          dgettext(EX_TEXTDOMAIN, s)
#define N_(s)         (s)

/* Selects the language ("vi" or "en") for every later _() and binds the
 * catalogue: localedir if given, else the installed one (under the configure
 * prefix, or under the prefix the running binary is installed in), else the
 * build tree's.  Returns 0, or -1 when the language is not one of those. */
int i18n_init(const char *language, const char *localedir);

#endif
