/* SPDX-License-Identifier: MIT */
/*
 * What a person reads, in one module for the daemon, the clients and the
 * workers: the language (gettext, one catalogue "exemplar", message ids in
 * English, common/po/vi.po translating them), dates and times in Vietnam's
 * time, and the display width of text for aligned tables.  Machine output
 * (--json, the protocol's names) uses none of this: it keeps names and
 * ISO 8601.
 *
 * One textdomain set-up (i18n_bind): messages are looked up under C.UTF-8
 * (built into glibc; gettext ignores LANGUAGE under "C") with LANGUAGE set to
 * the chosen language, so no locale needs to be generated and every other
 * behaviour stays locale-independent.  The catalogue is the one given, else
 * the installed one (under the configure prefix, or under the prefix the
 * running binary is installed in), else the build tree's.
 *
 * Who chooses the language:
 *   - the daemon: [rules] language (i18n_init), and per request the
 *     request's language field (i18n_use, below);
 *   - a client or a worker's own lines: the person running it (l10n_init):
 *     the first of LANGUAGE (its first entry), LC_ALL, LC_MESSAGES and LANG
 *     that is set; "vi..." is Vietnamese, anything else English.
 *
 * Switching per request (the daemon is single-threaded): i18n_use sets
 * LANGUAGE and increments glibc's _nl_msg_cat_cntr, the counter gettext
 * compares with the one it cached a translation under, so the next lookup
 * reads the other catalogue (each .mo stays mapped once loaded: a switch
 * costs one tree search per message, not a file read).  Only a change of
 * language does that; the daemon switches back to its own language after the
 * request, so its log and everything not answering a request keep [rules]
 * language.  Per-language lookups of our own (two catalogues opened by
 * hand) would duplicate gettext's plural and context handling for no gain
 * in a process with one thread.
 *
 * Time zone: Asia/Ho_Chi_Minh (UTC+7, no daylight saving since 1975,
 * computed without tzdata), or the zone EXEMPLAR_TZ names (tzdata).
 */
#ifndef EXEMPLAR_I18N_H
#define EXEMPLAR_I18N_H

#include <libintl.h>
#include <stddef.h>
#include <stdint.h>

#define EX_TEXTDOMAIN "exemplar"
#define _(s)          dgettext(EX_TEXTDOMAIN, s)
#define N_(s)         (s)

/* A msgid in a context (msgctxt), for words English spells alike and
 * Vietnamese does not: a plan is "returned" for revision, a nomination
 * "returned" for more fostering.  NC_ marks one in a table (xgettext
 * --keyword=NC_:1c,2 --keyword=l10n_pgettext:1c,2). */
#define NC_(ctx, s) (s)
const char *l10n_pgettext(const char *ctx, const char *msgid);

typedef enum { L10N_EN = 0, L10N_VI = 1 } l10n_lang_t;

/* Selects the messages category and binds the catalogue: localedir if given
 * (non-empty), else the installed one, else the build tree's.  Idempotent
 * for the same directory. */
void i18n_bind(const char *localedir);

/* The daemon's and a worker's fixed language: binds (i18n_bind) and selects
 * language ("vi" or "en") for every later _() and date.  Returns 0, or -1
 * when the language is not one of those (nothing changed then). */
int i18n_init(const char *language, const char *localedir);

/* Whether language names a language of the catalogue: "vi" or "en". */
int i18n_known(const char *language);

/* Selects language ("vi" or "en") for the following _() after i18n_bind,
 * cheaply when it is already the current one.  Returns 0, or -1 for any
 * other text (the language is unchanged then). */
int i18n_use(const char *language);

/* A client's language, from the environment (above); binds the catalogue
 * (EXEMPLAR_LOCALEDIR if set) and reads EXEMPLAR_TZ.  Idempotent.  Returns
 * the language chosen. */
l10n_lang_t l10n_init(void);

/* The language of exemplard's offline operations (--restore, --import,
 * --fsck, which exemplarctl runs with its own environment): the person's,
 * from the environment as l10n_init reads it; when none of those variables
 * is set, fallback (the daemon's [rules] language, "vi" or "en").  Binds
 * localedir if given (non-empty), else as l10n_init does.  Returns the
 * language chosen. */
l10n_lang_t l10n_init_offline(const char *fallback, const char *localedir);

/* The current language (English before any choice). */
l10n_lang_t l10n_lang(void);
/* "vi" or "en". */
const char *l10n_code(void);

/* The calendar day of instant ms in the zone: "15/9/2021" (vi) or
 * "15 September 2021" (en); "-" for ms <= 0. */
const char *l10n_date(int64_t ms, char *buf, size_t len);
/* The same for a day written YYYY-MM-DD (a decision's date); any other text
 * is copied unchanged ("" gives "-"). */
const char *l10n_day(const char *iso, char *buf, size_t len);
/* Day and time of instant ms in the zone: "15/9/2021 14:05:09" (vi) or
 * "15 September 2021 14:05:09" (en); "-" for ms <= 0. */
const char *l10n_time(int64_t ms, char *buf, size_t len);
/* What the times are in, to say so beside them: "giờ Việt Nam" /
 * "Vietnam time", or the EXEMPLAR_TZ zone's name. */
const char *l10n_zone(void);

/* Display columns of UTF-8 text (utf8proc_charwidth): combining marks take
 * none, wide characters two; a byte that is not UTF-8 counts one. */
size_t l10n_width(const char *s);

/* Selects lang for every later _() and date (a client printing a document
 * in another language than its own lines, and the tests). */
void l10n_set_lang(l10n_lang_t lang);

#endif
