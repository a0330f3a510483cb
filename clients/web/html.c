/* SPDX-License-Identifier: MIT */
/*
 * Output buffers, HTML escaping and the two languages of the pages.  Every
 * text that reaches a page from outside (names, reasons, the daemon's
 * sentences) goes through buf_esc; every word of the pages is an English
 * msgid translated by common/po/vi.po (the plan's words as the GLOSSARY
 * spells them: trường hợp đề nghị, điển hình, the states đăng ký ... công
 * nhận).
 */
#include "html.h"

#include "context.h"
#include "i18n.h" /* dgettext, EX_TEXTDOMAIN */

#ifndef NC_
#define NC_(ctx, s) (s) /* a msgid in a context, for a table (xgettext -kNC_:1c,2) */
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(buf_t *b, size_t more)
{
    if (b->oom || b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return;
    }
    b->p = p;
    b->cap = cap;
}

static void add_n(buf_t *b, const char *s, size_t n)
{
    grow(b, n);
    if (b->oom)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void buf_add(buf_t *b, const char *s)
{
    add_n(b, s, strlen(s));
}

void buf_fmt(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    grow(b, (size_t)n);
    if (b->oom)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_esc(buf_t *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&':
            buf_add(b, "&amp;");
            break;
        case '<':
            buf_add(b, "&lt;");
            break;
        case '>':
            buf_add(b, "&gt;");
            break;
        case '"':
            buf_add(b, "&quot;");
            break;
        case '\'':
            buf_add(b, "&#39;");
            break;
        default:
            add_n(b, p, 1);
        }
    }
}

void buf_free(buf_t *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* Vietnamese from the catalogue "exemplar" (common/po/vi.po), which main.c
 * binds with Vietnamese as the process's language (i18n_init): English is
 * the msgid itself, so each request picks its own language without a
 * process-wide switch between threads. */
const char *L(int lang, const char *en)
{
    return lang == LANG_EN ? en : dgettext(EX_TEXTDOMAIN, en);
}

/* The same for a word of a table, in a context (msgctxt) that keeps it apart
 * from the same English word elsewhere ("Registered": a state, a column). */
static const char *LC(int lang, const char *ctx, const char *en)
{
    if (lang == LANG_EN)
        return en;
    char key[256];
    int n = snprintf(key, sizeof(key), "%s\004%s", ctx, en);
    if (n < 0 || (size_t)n >= sizeof(key))
        return en;
    const char *t = dgettext(EX_TEXTDOMAIN, key);
    return t == key ? en : t;
}

/* The states as the plan names them. */
static const char *const STATES[] = {
    [EXEMPLAR__STATE__STATE_REGISTERED] = NC_("web state", "Registered"),
    [EXEMPLAR__STATE__STATE_FOSTERING] = NC_("web state", "Fostering"),
    [EXEMPLAR__STATE__STATE_UNIT_REVIEWED] = NC_("web state", "Unit review passed"),
    [EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED] = NC_("web state", "Ministry review passed"),
    [EXEMPLAR__STATE__STATE_RECOGNIZED] = NC_("web state", "Recognised"),
    [EXEMPLAR__STATE__STATE_WITHDRAWN] = NC_("web state", "Withdrawn"),
    [EXEMPLAR__STATE__STATE_NOT_SELECTED] = NC_("web state", "Not selected"),
    [EXEMPLAR__STATE__STATE_RETURNED] = NC_("web state", "Returned for more fostering"),
    [EXEMPLAR__STATE__STATE_REVOKED] = NC_("web state", "Recognition revoked"),
    [EXEMPLAR__STATE__STATE_CARRIED_OVER] = NC_("web state", "Carried over"),
};

const char *web_state_name(int lang, Exemplar__State s)
{
    if ((int)s <= 0 || (size_t)s >= sizeof(STATES) / sizeof(STATES[0]) || !STATES[s])
        return "-";
    return LC(lang, "web state", STATES[s]);
}

const char *web_kind_name(int lang, Exemplar__Kind k)
{
    if (k == EXEMPLAR__KIND__KIND_COLLECTIVE)
        return LC(lang, "web kind", NC_("web kind", "Collective"));
    if (k == EXEMPLAR__KIND__KIND_INDIVIDUAL)
        return LC(lang, "web kind", NC_("web kind", "Individual"));
    return "-";
}

static const struct {
    const char *verb, *name;
} VERBS[] = {
    {"register", NC_("web verb", "Register")},
    {"foster", NC_("web verb", "Start fostering")},
    {"review-unit", NC_("web verb", "Send to the unit review")},
    {"review-ministry", NC_("web verb", "Ministry review: passed")},
    {"recognize", NC_("web verb", "Recognise")},
    {"not-select", NC_("web verb", "Not select")},
    {"return", NC_("web verb", "Return for more fostering")},
    {"withdraw", NC_("web verb", "Withdraw")},
    {"revoke", NC_("web verb", "Revoke the recognition")},
    {"carry-over", NC_("web verb", "Carry over")},
    {"evidence", NC_("web verb", "Evidence recorded")},
};

const char *web_verb_name(int lang, const char *verb)
{
    for (size_t i = 0; i < sizeof(VERBS) / sizeof(VERBS[0]); i++)
        if (strcmp(VERBS[i].verb, verb) == 0)
            return LC(lang, "web verb", VERBS[i].name);
    return verb;
}

const char *web_role_name(int lang, Exemplar__Role r)
{
    switch (r) {
    case EXEMPLAR__ROLE__ROLE_UNIT_OFFICER:
        return LC(lang, "web role", NC_("web role", "unit officer"));
    case EXEMPLAR__ROLE__ROLE_MINISTRY_REVIEWER:
        return LC(lang, "web role", NC_("web role", "Ministry reviewer"));
    case EXEMPLAR__ROLE__ROLE_APPROVER:
        return LC(lang, "web role", NC_("web role", "approver"));
    case EXEMPLAR__ROLE__ROLE_READER:
        return LC(lang, "web role", NC_("web role", "reader"));
    case EXEMPLAR__ROLE__ROLE_ADMIN:
        return LC(lang, "web role", NC_("web role", "administrator"));
    default:
        return "-";
    }
}

const char *web_plan_status(int lang, const char *status)
{
    static const struct {
        const char *status, *name;
    } T[] = {
        {"no-plan", NC_("web plan", "No plan")},
        {"draft", NC_("web plan", "Draft")},
        {"submitted", NC_("web plan", "Submitted")},
        {"late", NC_("web plan", "Submitted late")},
        {"accepted", NC_("web plan", "Accepted")},
        {"returned", NC_("web plan", "Returned for revision")},
    };
    for (size_t i = 0; i < sizeof(T) / sizeof(T[0]); i++)
        if (strcmp(T[i].status, status) == 0)
            return LC(lang, "web plan", T[i].name);
    return status;
}

const char *web_lang_code(int lang)
{
    return lang == LANG_EN ? "en" : "vi";
}
