/* SPDX-License-Identifier: MIT */
/*
 * Output buffers, HTML escaping and the two languages of the pages (html.c).
 */
#ifndef EXEMPLAR_WEB_HTML_H
#define EXEMPLAR_WEB_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "exemplar.h"

typedef struct {
    char *p;
    size_t len, cap;
    bool oom;
} buf_t;

void buf_add(buf_t *b, const char *s);
void buf_fmt(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with & < > " ' escaped: for text and attribute values alike. */
void buf_esc(buf_t *b, const char *s);
void buf_free(buf_t *b);

/* The text of msgid `en` in lang (LANG_VI, LANG_EN of context.h): the
 * Vietnamese of common/po/vi.po, or en itself (English, or no translation). */
const char *L(int lang, const char *en) __attribute__((format_arg(2)));
/* A state's, kind's or move verb's name in lang. */
const char *web_state_name(int lang, Exemplar__State s);
const char *web_kind_name(int lang, Exemplar__Kind k);
const char *web_verb_name(int lang, const char *verb);
const char *web_role_name(int lang, Exemplar__Role r);
/* A unit plan's status ("no-plan", "draft", ...) in lang. */
const char *web_plan_status(int lang, const char *status);
/* The language code a request to the daemon names ("vi", "en"). */
const char *web_lang_code(int lang);

#endif
