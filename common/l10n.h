/* SPDX-License-Identifier: MIT */
/*
 * What a person reads from a client (exemplarctl, the workers' own lines):
 * the language (gettext, one catalogue "exemplar" shared with the daemon,
 * message ids in English), dates and times in Vietnam's time, and the
 * display width of text for aligned tables.  Machine output (--json) uses
 * none of this: it keeps names and ISO 8601.
 *
 * Language: the first of LANGUAGE (its first entry), LC_ALL, LC_MESSAGES and
 * LANG that is set; "vi..." is Vietnamese, anything else English.  The
 * locale itself need not be generated: messages are looked up under
 * C.UTF-8 (built into glibc) with LANGUAGE set to the chosen language, as
 * the daemon does.
 *
 * Time zone: Asia/Ho_Chi_Minh (UTC+7, no daylight saving since 1975,
 * computed without tzdata), or the zone EXEMPLAR_TZ names (tzdata).
 */
#ifndef EXEMPLAR_L10N_H
#define EXEMPLAR_L10N_H

#include <libintl.h>
#include <stddef.h>
#include <stdint.h>

#ifndef EX_TEXTDOMAIN
#define EX_TEXTDOMAIN "exemplar"
#endif
#ifndef _
#define _(s) dgettext(EX_TEXTDOMAIN, s)
#endif
#ifndef N_
#define N_(s) (s)
#endif

/* A msgid in a context (msgctxt), for words English spells alike and
 * Vietnamese does not: a plan is "returned" for revision, a nomination
 * "returned" for more fostering.  NC_ marks one in a table (xgettext
 * --keyword=NC_:1c,2 --keyword=l10n_pgettext:1c,2). */
#define NC_(ctx, s) (s)
const char *l10n_pgettext(const char *ctx, const char *msgid);

typedef enum { L10N_EN = 0, L10N_VI = 1 } l10n_lang_t;

/* Chooses the language from the environment (above), selects the messages
 * category, binds the catalogue (the installed one, the one beside the
 * running binary's prefix, or the build tree's) and reads EXEMPLAR_TZ.
 * Idempotent.  Returns the language chosen. */
l10n_lang_t l10n_init(void);

/* The language l10n_init chose (English before it). */
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

/* Used by the tests: the language as if the environment said lang ("vi" or
 * anything else for English), without rebinding. */
void l10n_set_lang(l10n_lang_t lang);

#endif
