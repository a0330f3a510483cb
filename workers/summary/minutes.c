/* SPDX-License-Identifier: MIT */
/*
 * The council's documents on the Decree 30/2020 page (page.c): the minutes
 * (biên bản) of a review meeting of the Emulation and Commendation Council
 * and the draft decision (Quyết định công nhận) that recognises the
 * exemplars the council approved.  Both are made from the daemon's
 * MeetingReply alone (council.proto) and the nominations it names, so a
 * client prints them without any daemon header.  A value the reply does
 * not hold (the decision's number, the signer, a base not known here) is a
 * visible blank to fill in by hand, never a guess.
 */
#include "summary_render.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "i18n.h"
#include "labels.h"
#include "page.h"
#include "safefile.h"

#define BLANK      "<span class=\"blank\">……</span>"
#define BLANK_LONG "<span class=\"blank\">………………</span>"

static bool given(const char *s)
{
    return s && s[0];
}

static void text(FILE *f, int label, sr_lang_t lang)
{
    page_esc(f, sr_text(label, lang));
}

static const char *role_label(Exemplar__CouncilRole r, sr_lang_t lang)
{
    switch (r) {
    case EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_CHAIR:
        return sr_text(SR_T_ROLE_CHAIR, lang);
    case EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_DEPUTY:
        return sr_text(SR_T_ROLE_DEPUTY, lang);
    case EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_SECRETARY:
        return sr_text(SR_T_ROLE_SECRETARY, lang);
    default:
        return sr_text(SR_T_ROLE_MEMBER, lang);
    }
}

static const char *result_label(Exemplar__MeetingResult r, sr_lang_t lang)
{
    switch (r) {
    case EXEMPLAR__MEETING_RESULT__MEETING_RESULT_APPROVED:
        return sr_text(SR_T_RES_APPROVED, lang);
    case EXEMPLAR__MEETING_RESULT__MEETING_RESULT_NOT_APPROVED:
        return sr_text(SR_T_RES_NOT_APPROVED, lang);
    case EXEMPLAR__MEETING_RESULT__MEETING_RESULT_NO_DECISION:
        return sr_text(SR_T_RES_NO_DECISION, lang);
    default:
        return sr_text(SR_T_RES_OPEN, lang);
    }
}

static bool listed(char *const *v, size_t n, const char *who)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], who) == 0)
            return true;
    return false;
}

/* The unit of item i: its name from the nomination when known. */
static const char *item_unit(const Exemplar__MeetingItem *it, Exemplar__Nomination *const *noms,
                             size_t i)
{
    const Exemplar__Nomination *n = noms ? noms[i] : NULL;
    return n && given(n->unit_name) ? n->unit_name : it->unit;
}

/* The member holding role (the first), or NULL. */
static const char *seat_holder(const Exemplar__Meeting *m, Exemplar__CouncilRole role)
{
    for (size_t i = 0; i < m->n_members; i++)
        if (m->members[i]->role == role)
            return m->members[i]->principal;
    return NULL;
}

/* The rules as the daemon recorded them at the opening hold, in either
 * language, "N/D" twice: the quorum and the threshold, then the base
 * ("all members" or "the ballots cast").  0 when both fractions are found. */
typedef struct {
    unsigned q_num, q_den, t_num, t_den;
    int base; /* 1 members, 2 ballots, 0 unknown */
} rules_t;

static int rules_parse(const char *s, rules_t *r)
{
    memset(r, 0, sizeof(*r));
    unsigned v[4];
    int got = 0;
    for (const char *p = s; p && *p && got < 4; p++) {
        unsigned a, b;
        int used = 0;
        if ((p == s || p[-1] < '0' || p[-1] > '9') && *p >= '0' && *p <= '9' &&
            sscanf(p, "%u/%u%n", &a, &b, &used) == 2 && used > 0) {
            v[got++] = a;
            v[got++] = b;
            p += used - 1;
        }
    }
    if (got < 4 || !v[1] || !v[3])
        return -1;
    r->q_num = v[0], r->q_den = v[1], r->t_num = v[2], r->t_den = v[3];
    if (strstr(s, "all members") || strstr(s, "tổng số thành viên"))
        r->base = 1;
    else if (strstr(s, "ballots cast") || strstr(s, "số phiếu đã bỏ"))
        r->base = 2;
    return 0;
}

/* "05/BB-HĐTĐKT" -> number "05", symbol "HĐTĐKT" for the page's number
 * line; anything else leaves both blank (the reference is in the text). */
static void ref_split(const char *ref, char *num, size_t nlen, char *sym, size_t slen)
{
    num[0] = sym[0] = '\0';
    const char *bb = ref ? strstr(ref, "/BB-") : NULL;
    if (!bb || bb == ref || (size_t)(bb - ref) >= nlen)
        return;
    snprintf(num, nlen, "%.*s", (int)(bb - ref), ref);
    snprintf(sym, slen, "%s", bb + 4);
}

static void para_label_value(FILE *f, int label, sr_lang_t lang, const char *value)
{
    fputs("<p>", f);
    text(f, label, lang);
    fputs(": ", f);
    if (given(value))
        page_esc(f, value);
    else
        fputs(BLANK, f);
    fputs(".</p>\n", f);
}

int minutes_render_html(const Exemplar__MeetingReply *mr, Exemplar__Nomination *const *noms,
                        sr_lang_t lang, const summary_doc_t *doc, FILE *f)
{
    const Exemplar__Meeting *m = mr->meeting;
    if (!m)
        return -EX_EINVALID;
    bool closed = m->state == EXEMPLAR__MEETING_STATE__MEETING_STATE_CLOSED;
    summary_doc_t d = doc ? *doc : (summary_doc_t){0};
    char num[64], sym[128], day[48], when[96];
    ref_split(m->minutes_ref, num, sizeof(num), sym, sizeof(sym));
    if (!given(d.number) && num[0])
        d.number = num;
    if (!given(d.symbol) && sym[0])
        d.symbol = sym;
    if (!given(d.date))
        d.date = m->day;
    /* A unit council's minutes are the unit's: its name heads them as the
     * issuing body (the nominations carry it; the code when none does). */
    if (!given(d.body) && m->level == EXEMPLAR__COUNCIL_LEVEL__COUNCIL_LEVEL_UNIT) {
        d.body = m->unit;
        for (size_t i = 0; noms && i < m->n_items; i++)
            if (noms[i] && given(noms[i]->unit_name) && strcmp(noms[i]->unit, m->unit) == 0) {
                d.body = noms[i]->unit_name;
                break;
            }
    }
    const char *subject = sr_text(SR_T_MIN_SUBJECT, lang);
    page_begin_as(f, lang, m->minutes_ref, &d, SR_T_MIN_TYPE, "BB", subject);

    /* I. Time and attendance */
    page_part(f, 0, SR_T_MIN_PART_MEETING, lang);
    para_label_value(f, SR_T_MIN_REF, lang, m->minutes_ref);
    fprintf(f, "<p>");
    text(f, SR_T_MIN_ID, lang);
    fprintf(f, " %llu; ", (unsigned long long)m->id);
    text(f, SR_T_MIN_DAY, lang);
    fputs(": ", f);
    page_esc(f, sr_format_day(m->day, lang, day, sizeof(day)));
    fputs(".</p>\n<p>", f);
    text(f, SR_T_MIN_OPENED, lang);
    fputs(": ", f);
    sr_format_time(m->opened_ms, lang, when, sizeof(when));
    page_esc(f, when);
    fputs(" ", f);
    text(f, SR_T_MIN_BY, lang);
    fputs(" ", f);
    page_esc(f, m->opened_by);
    if (closed) {
        fputs("; ", f);
        text(f, SR_T_MIN_CLOSED, lang);
        fputs(": ", f);
        sr_format_time(m->closed_ms, lang, when, sizeof(when));
        page_esc(f, when);
        fputs(" ", f);
        text(f, SR_T_MIN_BY, lang);
        fputs(" ", f);
        page_esc(f, m->closed_by);
    }
    fputs(".</p>\n", f);
    const char *mcols[] = {sr_text(SR_T_MIN_MEMBER, lang), sr_text(SR_T_MIN_ROLE, lang),
                           sr_text(SR_T_MIN_ATTEND, lang)};
    page_thead(f, "members", lang, mcols, 3);
    size_t absent = 0;
    for (size_t i = 0; i < m->n_members; i++) {
        const char *who = m->members[i]->principal;
        int how = listed(m->present, m->n_present, who)         ? SR_T_MIN_PRESENT
                  : listed(m->in_writing, m->n_in_writing, who) ? SR_T_MIN_IN_WRITING
                                                                : SR_T_MIN_ABSENT;
        absent += how == SR_T_MIN_ABSENT;
        page_stt(f, i + 1);
        page_td(f, who);
        page_td(f, role_label(m->members[i]->role, lang));
        page_td(f, sr_text(how, lang));
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n<p>", f);
    text(f, SR_T_MIN_N_MEMBERS, lang);
    fprintf(f, ": %zu; ", m->n_members);
    text(f, SR_T_MIN_PRESENT, lang);
    fprintf(f, ": %zu; ", m->n_present);
    text(f, SR_T_MIN_IN_WRITING, lang);
    fprintf(f, ": %zu; ", m->n_in_writing);
    text(f, SR_T_MIN_ABSENT, lang);
    fprintf(f, ": %zu.</p>\n", absent);

    /* II. The voting rules applied */
    page_part(f, 1, SR_T_MIN_PART_RULES, lang);
    para_label_value(f, SR_T_MIN_RULESET, lang, m->ruleset);
    rules_t r;
    if (rules_parse(m->rules, &r) == 0) {
        unsigned long long q = ((unsigned long long)r.q_num * m->n_members + r.q_den - 1) / r.q_den;
        fputs("<p>", f);
        text(f, SR_T_MIN_QUORUM, lang);
        fprintf(f, ": %llu (%u/%u, %zu).</p>\n<p>", q, r.q_num, r.q_den, m->n_members);
        text(f, SR_T_MIN_THRESHOLD, lang);
        fprintf(f, ": %u/%u ", r.t_num, r.t_den);
        if (r.base)
            text(f, r.base == 1 ? SR_T_MIN_BASE_MEMBERS : SR_T_MIN_BASE_BALLOTS, lang);
        else
            fputs(BLANK, f);
        fputs(".</p>\n", f);
    }
    para_label_value(f, SR_T_MIN_RULES_TEXT, lang, m->rules);
    fputs("<p>", f);
    text(f, SR_T_MIN_SECRET, lang);
    fputs("</p>\n", f);

    /* III. The results */
    page_part(f, 2, SR_T_MIN_PART_RESULTS, lang);
    if (!closed) {
        fputs("<p class=\"none\">", f);
        text(f, SR_T_MIN_OPEN_NOTE, lang);
        fputs("</p>\n", f);
    }
    const char *rcols[] = {sr_text(SR_T_NAME, lang),        sr_text(SR_T_UNIT, lang),
                           sr_text(SR_T_MIN_APPROVE, lang), sr_text(SR_T_MIN_REJECT, lang),
                           sr_text(SR_T_MIN_NEEDED, lang),  sr_text(SR_T_MIN_RESULT, lang)};
    page_thead(f, "results", lang, rcols, 6);
    for (size_t i = 0; i < m->n_items; i++) {
        const Exemplar__MeetingItem *it = m->items[i];
        page_stt(f, i + 1);
        page_td(f, it->name);
        page_td(f, item_unit(it, noms, i));
        if (closed) {
            page_td_num(f, it->approve);
            page_td_num(f, it->reject);
            page_td_num(f, it->needed);
        } else {
            fputs("<td></td><td></td><td></td>", f);
        }
        page_td(f, result_label(it->result, lang));
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);

    /* The secretary signs on the left, the chair on the right. */
    fputs("<footer class=\"doc-foot\">\n", f);
    const struct {
        int label;
        const char *who;
    } sig[] = {
        {SR_T_MIN_SIGN_SECRETARY,
         given(m->closed_by) ? m->closed_by
                             : seat_holder(m, EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_SECRETARY)},
        {SR_T_MIN_SIGN_CHAIR, seat_holder(m, EXEMPLAR__COUNCIL_ROLE__COUNCIL_ROLE_CHAIR)},
    };
    for (size_t i = 0; i < 2; i++) {
        fputs("<div class=\"signature\">\n<div class=\"office\">", f);
        text(f, sig[i].label, lang);
        fputs("</div>\n<div class=\"sign-space\"></div>\n<div class=\"signer\">", f);
        if (given(sig[i].who))
            page_esc(f, sig[i].who);
        else
            fputs(BLANK_LONG, f);
        fputs("</div>\n</div>\n", f);
    }
    fputs("</footer>\n", f);
    page_close(f);
    return ferror(f) ? -EX_ESTORAGE : 0;
}

/* A label with printf conversions (Điều 1's two counts). */
static void fill(char *buf, size_t len, const char *label, ...)
{
    va_list ap;
    va_start(ap, label);
    vsnprintf(buf, len, label, ap);
    va_end(ap);
}

static bool approved(const Exemplar__MeetingItem *it)
{
    return it->result == EXEMPLAR__MEETING_RESULT__MEETING_RESULT_APPROVED;
}

int decision_check(const Exemplar__Meeting *m, char *err, size_t errlen)
{
    if (!m || m->state != EXEMPLAR__MEETING_STATE__MEETING_STATE_CLOSED) {
        snprintf(err, errlen,
                 _("meeting %llu is still open: a decision is drafted from a closed meeting's "
                   "result; the secretary closes it with 'meeting close'"),
                 m ? (unsigned long long)m->id : 0ULL);
        return -EX_ECONFLICT;
    }
    for (size_t i = 0; i < m->n_items; i++)
        if (approved(m->items[i]))
            return 0;
    snprintf(err, errlen,
             _("the council approved none of the nominations of meeting %llu: there is no one "
               "to recognise"),
             (unsigned long long)m->id);
    return -EX_ECONFLICT;
}

/* "Căn cứ ...;" in italics; blank_mid: a blank between a and b. */
static void basis(FILE *f, const char *a, const char *blank_mid, const char *b)
{
    fputs("<p class=\"basis\">", f);
    page_esc(f, a);
    if (blank_mid) {
        fputs(" ", f);
        fputs(blank_mid, f);
    }
    if (b) {
        fputs(" ", f);
        page_esc(f, b);
    }
    fputs("</p>\n", f);
}

int decision_render_html(const Exemplar__MeetingReply *mr, Exemplar__Nomination *const *noms,
                         sr_lang_t lang, const summary_doc_t *doc, FILE *f)
{
    const Exemplar__Meeting *m = mr->meeting;
    char err[256];
    if (decision_check(m, err, sizeof(err)) < 0)
        return -EX_ECONFLICT;
    summary_doc_t d = doc ? *doc : (summary_doc_t){0};
    /* Nơi nhận: "Như Điều 3" first, then the document's own lines. */
    char *as_art3 = (char *)sr_text(SR_T_DEC_AS_ART3, lang);
    d.recipients[0] = as_art3;
    d.n_recipients = 1;
    for (size_t i = 0; doc && i < doc->n_recipients && d.n_recipients < SUMMARY_DOC_RECIPIENTS_MAX;
         i++)
        d.recipients[d.n_recipients++] = doc->recipients[i];

    /* The campaign of the approved nominations (when they share one). */
    const char *campaign = NULL;
    size_t collectives = 0, individuals = 0;
    bool one_campaign = true;
    for (size_t i = 0; i < m->n_items; i++) {
        if (!approved(m->items[i]))
            continue;
        const Exemplar__Nomination *n = noms ? noms[i] : NULL;
        if (n && n->kind == EXEMPLAR__KIND__KIND_COLLECTIVE)
            collectives++;
        else
            individuals++;
        const char *c = n ? n->campaign : NULL;
        if (!given(c) || (campaign && strcmp(campaign, c) != 0))
            one_campaign = false;
        else
            campaign = c;
    }
    if (!one_campaign)
        campaign = NULL;
    char subject[512];
    if (campaign)
        snprintf(subject, sizeof(subject), "%s %s %s", sr_text(SR_T_DEC_SUBJECT, lang),
                 sr_text(SR_T_DEC_PERIOD, lang), campaign);
    else
        snprintf(subject, sizeof(subject), "%s", sr_text(SR_T_DEC_SUBJECT, lang));
    char title[600];
    snprintf(title, sizeof(title), "(%s) %s", sr_text(SR_T_DEC_DRAFT, lang), subject);
    page_begin_as(f, lang, title, &d, SR_T_DEC_TYPE, "QĐ", subject);

    /* The one who decides: "BỘ TRƯỞNG BỘ ...". */
    fputs("<p class=\"decider\">", f);
    if (given(d.title) && given(d.body))
        page_escf(f, "%s %s", d.title, d.body);
    else
        fputs(BLANK_LONG, f);
    fputs("</p>\n", f);

    /* The legal bases in force in 2024-2025. */
    basis(f, sr_text(SR_T_DEC_BASIS_LAW, lang), NULL, NULL);
    basis(f, sr_text(SR_T_DEC_BASIS_DECREE, lang), NULL, NULL);
    fputs("<p class=\"basis\">", f);
    text(f, SR_T_DEC_BASIS_ORG, lang);
    fputs(" " BLANK "/" BLANK "/NĐ-CP ", f);
    text(f, SR_T_DEC_BASIS_ORG2, lang);
    fputs(" ", f);
    if (given(d.body))
        page_esc(f, d.body);
    else
        fputs(BLANK_LONG, f);
    fputs(";</p>\n<p class=\"basis\">", f);
    text(f, SR_T_DEC_BASIS_PLAN, lang);
    fputs(" " BLANK " ", f);
    text(f, SR_T_DEC_BASIS_PLAN2, lang);
    fputs(" ", f);
    if (campaign)
        page_escf(f, "%s %s", sr_text(SR_T_DEC_PERIOD, lang), campaign);
    else
        fputs(BLANK, f);
    fputs(";</p>\n<p class=\"basis\">", f);
    char day[48];
    text(f, SR_T_DEC_BASIS_MINUTES, lang);
    fputs(" ", f);
    page_esc(f, m->minutes_ref);
    fputs(" ", f);
    text(f, SR_T_DEC_OF_DAY, lang);
    fputs(" ", f);
    page_esc(f, sr_format_day(m->day, lang, day, sizeof(day)));
    fputs(";</p>\n<p class=\"basis\">", f);
    text(f, SR_T_DEC_PROPOSAL, lang);
    fputs(" " BLANK_LONG ".</p>\n<p class=\"decides\">", f);
    text(f, SR_T_DEC_DECIDES, lang);
    fputs("</p>\n", f);

    /* The articles. */
    char art[512];
    fill(art, sizeof(art), sr_text(SR_T_DEC_ART1, lang), collectives, individuals);
    const char *arts[] = {art, sr_text(SR_T_DEC_ART2, lang), sr_text(SR_T_DEC_ART3, lang)};
    for (size_t i = 0; i < 3; i++) {
        fputs("<p class=\"article\"><b>", f);
        text(f, SR_T_DEC_ART, lang);
        fprintf(f, " %zu.</b> ", i + 1);
        page_esc(f, arts[i]);
        fputs("</p>\n", f);
    }
    page_signature(f, lang, &d);

    /* The annexed list. */
    fputs("<section class=\"annex\">\n<p class=\"annex-title\">", f);
    text(f, SR_T_DEC_ANNEX, lang);
    fputs("</p>\n<p class=\"annex-ref\">", f);
    text(f, SR_T_DEC_ANNEX_REF, lang);
    fputs(" " BLANK "/QĐ-", f);
    if (given(d.symbol))
        page_esc(f, d.symbol);
    else
        fputs(BLANK, f);
    fputs(" ", f);
    text(f, SR_T_DEC_OF_DAY, lang);
    fputs(" " BLANK " ", f);
    text(f, SR_T_DEC_ANNEX_OF, lang);
    fputs(" ", f);
    if (given(d.title) && given(d.body))
        page_escf(f, "%s %s", d.title, d.body);
    else
        fputs(BLANK_LONG, f);
    fputs(")</p>\n", f);
    const char *cols[] = {sr_text(SR_T_NAME, lang), sr_text(SR_T_UNIT, lang),
                          sr_text(SR_T_KIND, lang)};
    page_thead(f, "recognised", lang, cols, 3);
    size_t row = 0;
    for (size_t i = 0; i < m->n_items; i++) {
        const Exemplar__MeetingItem *it = m->items[i];
        if (!approved(it))
            continue;
        const Exemplar__Nomination *n = noms ? noms[i] : NULL;
        page_stt(f, ++row);
        page_td(f, it->name);
        page_td(f, item_unit(it, noms, i));
        page_td(f, n ? summary_kind_label(n->kind, lang) : "");
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n</section>\n", f);
    page_close(f);
    return ferror(f) ? -EX_ESTORAGE : 0;
}

typedef struct {
    const Exemplar__MeetingReply *mr;
    Exemplar__Nomination *const *noms;
    bool decision;
    sr_lang_t lang;
    const summary_doc_t *doc;
} meeting_out_t;

static int meeting_stream(void *ctx, FILE *f)
{
    const meeting_out_t *o = ctx;
    return o->decision ? decision_render_html(o->mr, o->noms, o->lang, o->doc, f)
                       : minutes_render_html(o->mr, o->noms, o->lang, o->doc, f);
}

int meeting_write_file(const Exemplar__MeetingReply *mr, Exemplar__Nomination *const *noms,
                       bool decision, sr_lang_t lang, const summary_doc_t *doc, const char *path,
                       char *err, size_t errlen)
{
    int rc = decision ? decision_check(mr->meeting, err, errlen) : 0;
    if (rc < 0)
        return rc;
    meeting_out_t o = {mr, noms, decision, lang, doc};
    return ex_safefile_write(path, 0640, meeting_stream, NULL, &o, err, errlen);
}
