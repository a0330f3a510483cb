/* SPDX-License-Identifier: MIT */
/*
 * The summary as one self-contained HTML page laid out as an administrative
 * report in the form of Decree 30/2020/NĐ-CP (Appendix I): the national
 * motto and the issuing body side by side, number and symbol, place and
 * date, BÁO CÁO and its summary line, numbered parts, tables with an STT
 * column, recipients and the signature block; printed on A4 with the
 * decree's margins in Times New Roman.  No scripts, fonts, images or style
 * sheets from elsewhere: one inline SVG chart (the steps of the main path)
 * and per-unit bars drawn with HTML, so that no label can be clipped.
 * Values of the header the caller did not give are printed as blanks
 * (……) to be filled in by hand.  Every text is escaped.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "labels.h"

/* The main path, in order: the funnel's steps and the bars' segments. */
static const int PATH[] = {
    EXEMPLAR__STATE__STATE_REGISTERED,    EXEMPLAR__STATE__STATE_FOSTERING,
    EXEMPLAR__STATE__STATE_UNIT_REVIEWED, EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED,
    EXEMPLAR__STATE__STATE_RECOGNIZED,
};
#define PATH_N (sizeof(PATH) / sizeof(PATH[0]))
static const char *const COLOR[PATH_N] = {"#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#d94801"};
#define OTHER_COLOR "#bdbdbd"

/* Writes s with &, <, >, " and ' escaped. */
static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static void th(FILE *f, const char *s)
{
    fputs("<th>", f);
    esc(f, s);
    fputs("</th>", f);
}

static void td(FILE *f, const char *s)
{
    fputs("<td>", f);
    esc(f, s);
    fputs("</td>", f);
}

/* A cell that does not wrap: a day or a period. */
static void td_nw(FILE *f, const char *s)
{
    fputs("<td class=\"nw\">", f);
    esc(f, s);
    fputs("</td>", f);
}

static void td_num(FILE *f, uint64_t n)
{
    fprintf(f, "<td class=\"n\">%" PRIu64 "</td>", n);
}

#define BLANK      "<span class=\"blank\">……</span>"
#define BLANK_LONG "<span class=\"blank\">………………</span>"

/* Writes the text of fmt, escaped. */
__attribute__((format(printf, 2, 3))) static void escf(FILE *f, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    esc(f, buf);
}

/* Writes the words `which` of the label table, a format whose conversions
 * are all %llu, with the numbers that follow, escaped. */
static void esct(FILE *f, sr_lang_t lang, int which, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, which);
    vsnprintf(buf, sizeof(buf), sr_text(which, lang), ap);
    va_end(ap);
    esc(f, buf);
}

/* A value of the document's header, or a blank to fill in. */
static void doc_val(FILE *f, const char *v)
{
    if (v && v[0])
        esc(f, v);
    else
        fputs(BLANK, f);
}

/* The same with room for a name. */
static void doc_name(FILE *f, const char *v)
{
    if (v && v[0])
        esc(f, v);
    else
        fputs(BLANK_LONG, f);
}

static bool given(const char *v)
{
    return v && v[0];
}

static bool on_main_path(int state)
{
    for (size_t p = 0; p < PATH_N; p++)
        if (state == PATH[p])
            return true;
    return false;
}

/* Nominations off the main path (unit NULL: all; kind -1: both). */
static uint64_t side_count(const Exemplar__Summary *s, const char *unit, int kind)
{
    uint64_t n = 0;
    for (size_t i = 0; i < s->n_rows; i++)
        if ((!unit || strcmp(s->rows[i]->unit, unit) == 0) &&
            (kind < 0 || (int)s->rows[i]->kind == kind) && !on_main_path((int)s->rows[i]->state))
            n += s->rows[i]->count;
    return n;
}

/* ---- header, title and signature (Decree 30/2020, Appendix I) ----------- */

static void doc_header(FILE *f, const Exemplar__Summary *s, sr_lang_t lang, const summary_doc_t *d)
{
    fputs("<header class=\"doc-head\">\n<div class=\"org\">\n<div class=\"parent\">", f);
    doc_name(f, d ? d->parent : NULL);
    fputs("</div>\n<div class=\"issuer\"><span class=\"issuer-name\">", f);
    doc_name(f, d ? d->body : NULL);
    fputs("</span></div>\n<div class=\"number\">", f);
    esc(f, sr_text(SR_T_NUMBER, lang));
    fputs(": ", f);
    doc_val(f, d ? d->number : NULL);
    fputs("/BC-", f);
    doc_val(f, d ? d->symbol : NULL);
    fputs("</div>\n</div>\n<div class=\"nation\">\n<div class=\"motto1\">", f);
    esc(f, sr_text(SR_T_MOTTO1, lang));
    fputs("</div>\n<div class=\"motto2\"><span class=\"motto2-text\">", f);
    esc(f, sr_text(SR_T_MOTTO2, lang));
    fputs("</span></div>\n<div class=\"dateline\">", f);
    doc_val(f, d ? d->place : NULL);
    int y = 0, m = 0, dd = 0;
    bool dated = d && given(d->date) && sscanf(d->date, "%4d-%2d-%2d", &y, &m, &dd) == 3;
    if (lang == SR_EN) {
        char day[48];
        sr_format_date(y, m, dd, lang, day, sizeof(day));
        fputs(", ", f);
        if (dated)
            esc(f, day);
        else
            fputs(BLANK " " BLANK " " BLANK, f);
    } else if (dated) {
        /* Decree 30/2020: a day below 10 and the months 1 and 2 take a 0. */
        fprintf(f, ", ngày %02d tháng %s%d năm %d", dd, m < 3 ? "0" : "", m, y);
    } else {
        fputs(", ngày " BLANK " tháng " BLANK " năm " BLANK, f);
    }
    fputs("</div>\n</div>\n</header>\n", f);

    char label[64];
    summary_quarter_label(s->quarter, lang, label, sizeof(label));
    fputs("<h1 class=\"doc-type\">", f);
    esc(f, sr_text(SR_T_REPORT, lang));
    fputs("</h1>\n<p class=\"doc-subject\"><span class=\"doc-subject-text\">", f);
    if (d && given(d->subject)) {
        esc(f, d->subject);
    } else {
        esc(f, sr_text(SR_T_SUBJECT, lang));
        fputs(lang == SR_EN ? ", " : " ", f);
        esc(f, label);
    }
    fputs("</span></p>\n", f);
}

static void doc_signature(FILE *f, sr_lang_t lang, const summary_doc_t *d)
{
    fputs("<footer class=\"doc-foot\">\n<div class=\"recipients\">\n<p class=\"recipients-title\">",
          f);
    esc(f, sr_text(SR_T_RECIPIENTS, lang));
    fputs("</p>\n<ul>\n", f);
    if (d && d->n_recipients)
        for (size_t i = 0; i < d->n_recipients; i++) {
            fputs("<li>- ", f);
            esc(f, d->recipients[i]);
            fputs(";</li>\n", f);
        }
    else
        fputs("<li>- " BLANK ";</li>\n", f);
    fputs("<li>- ", f);
    esc(f, sr_text(SR_T_ARCHIVE, lang));
    fputs(": ", f);
    if (d && given(d->archive))
        esc(f, d->archive);
    else
        fputs("VT, " BLANK, f);
    fputs(".</li>\n</ul>\n</div>\n<div class=\"signature\">\n", f);
    /* Signing for someone (KT., TL., Q.) is printed when given; with no
     * office either, both lines are left blank to fill in. */
    bool title = d && given(d->title);
    if (d && given(d->authority)) {
        fputs("<div class=\"authority\">", f);
        esc(f, d->authority);
        fputs("</div>\n", f);
    } else if (!title) {
        fputs("<div class=\"authority\">" BLANK "</div>\n", f);
    }
    fputs("<div class=\"office\">", f);
    doc_name(f, d ? d->title : NULL);
    fputs("</div>\n<div class=\"sign-space\"></div>\n<div class=\"signer\">", f);
    doc_name(f, d ? d->signer : NULL);
    fputs("</div>\n</div>\n</footer>\n", f);
}

/* ---- parts of the report ------------------------------------------------ */

static const char *const ROMAN[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII"};

static void part(FILE *f, int n, int title, sr_lang_t lang)
{
    fprintf(f, "<h2>%s. ", ROMAN[n]);
    esc(f, sr_text(title, lang));
    fputs("</h2>\n", f);
}

static void subpart(FILE *f, int n, int m, int title, sr_lang_t lang)
{
    (void)n; /* under a Roman part the sub-parts count 1, 2, ... */
    fprintf(f, "<h3>%d. ", m);
    esc(f, sr_text(title, lang));
    fputs("</h3>\n", f);
}

static void none(FILE *f, sr_lang_t lang)
{
    fputs("<p class=\"none\">", f);
    esc(f, sr_text(SR_T_NONE, lang));
    fputs("</p>\n", f);
}

static void thead(FILE *f, const char *id, sr_lang_t lang, const char *const *cols, size_t n)
{
    fprintf(f, "<table id=\"%s\"><thead><tr><th class=\"stt\">", id);
    esc(f, sr_text(SR_T_STT, lang));
    fputs("</th>", f);
    for (size_t i = 0; i < n; i++)
        th(f, cols[i]);
    fputs("</tr></thead><tbody>\n", f);
}

static void stt(FILE *f, size_t i)
{
    fprintf(f, "<tr><td class=\"stt\">%zu</td>", i);
}

/* The steps of the main path: a table whose "at this step" column adds up
 * to the total, then the chart of how many reached each step. */
static void steps(FILE *f, const Exemplar__Summary *s, sr_lang_t lang)
{
    uint64_t in[PATH_N] = {0}, reached[PATH_N] = {0}, side = side_count(s, NULL, -1);
    for (size_t i = 0; i < PATH_N; i++)
        in[i] = sr_count(s, NULL, -1, PATH[i]);
    for (size_t i = PATH_N; i-- > 0;)
        reached[i] = in[i] + (i + 1 < PATH_N ? reached[i + 1] : 0);
    const char *cols[] = {sr_text(SR_T_STEP, lang), sr_text(SR_T_IN_STEP, lang),
                          sr_text(SR_T_REACHED, lang)};
    thead(f, "steps", lang, cols, 3);
    for (size_t i = 0; i < PATH_N; i++) {
        stt(f, i + 1);
        td(f, summary_state_label(PATH[i], lang));
        td_num(f, in[i]);
        td_num(f, reached[i]);
        fputs("</tr>\n", f);
    }
    stt(f, PATH_N + 1);
    td(f, sr_text(SR_T_OTHER, lang));
    td_num(f, side);
    td(f, "");
    fputs("</tr>\n<tr class=\"total\"><td></td>", f);
    td(f, sr_text(SR_T_TOTAL, lang));
    td_num(f, s->nominations);
    td(f, "");
    fputs("</tr></tbody></table>\n", f);

    /* The chart: one centred bar per step, width by the number that
     * reached it; the label column and the value column are wide enough
     * for the longest words of either language. */
    uint64_t top = reached[0] ? reached[0] : 1;
    const int LABEL = 200, BAR = 360, VAL = 200, ROW = 40, W = LABEL + BAR + VAL;
    const int H = (int)PATH_N * ROW + 4;
    fprintf(f,
            "<figure><svg id=\"funnel\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
            "viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"funnel-title\">"
            "<title id=\"funnel-title\">",
            W, H);
    esc(f, sr_text(SR_T_FUNNEL, lang));
    fputs("</title>\n", f);
    for (size_t i = 0; i < PATH_N; i++) {
        int w = (int)((double)reached[i] / (double)top * BAR);
        if (w < 3)
            w = 3;
        int x = LABEL + (BAR - w) / 2, y = (int)i * ROW + 2;
        fprintf(f,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" rx=\"3\"/>"
                "<text x=\"%d\" y=\"%d\" class=\"lbl\">",
                x, y, w, ROW - 8, COLOR[i], LABEL - 8, y + (ROW - 8) / 2);
        esc(f, summary_state_label(PATH[i], lang));
        fprintf(f, "</text><text x=\"%d\" y=\"%d\" class=\"val\">", LABEL + BAR + 8,
                y + (ROW - 8) / 2);
        esct(f, lang, SR_T_FUNNEL_VAL, (unsigned long long)reached[i], (unsigned long long)in[i]);
        fputs("</text>\n", f);
    }
    fputs("</svg>\n<figcaption>", f);
    esc(f, sr_text(SR_T_FUNNEL_NOTE, lang));
    fputs("</figcaption></figure>\n", f);
}

/* Per-unit stacked bars, drawn with HTML so that a long unit name wraps
 * instead of being clipped; the legend wraps the same way. */
static void unit_bars(FILE *f, const Exemplar__Summary *s, sr_lang_t lang)
{
    const char **codes = NULL, **names = NULL;
    size_t n = sr_units(s, &codes, &names);
    uint64_t top = 1;
    for (size_t u = 0; u < n; u++) {
        uint64_t total = 0;
        for (size_t i = 0; i < s->n_rows; i++)
            if (strcmp(s->rows[i]->unit, codes[u]) == 0)
                total += s->rows[i]->count;
        top = total > top ? total : top;
    }
    fputs("<div id=\"units\" class=\"bars\" role=\"img\" aria-label=\"", f);
    esc(f, sr_text(SR_T_BY_UNIT, lang));
    fputs("\">\n<ul class=\"legend\">", f);
    for (size_t i = 0; i <= PATH_N; i++) {
        fprintf(f, "<li><span class=\"key\" style=\"background:%s\"></span>",
                i < PATH_N ? COLOR[i] : OTHER_COLOR);
        esc(f, i < PATH_N ? summary_state_label(PATH[i], lang) : sr_text(SR_T_OTHER, lang));
        fputs("</li>", f);
    }
    fputs("</ul>\n", f);
    for (size_t u = 0; u < n; u++) {
        uint64_t total = 0;
        fputs("<div class=\"bar-row\"><div class=\"bar-name\">", f);
        esc(f, names[u] && names[u][0] ? names[u] : codes[u]);
        fputs("</div><div class=\"bar\">", f);
        for (size_t i = 0; i <= PATH_N; i++) {
            uint64_t c =
                i < PATH_N ? sr_count(s, codes[u], -1, PATH[i]) : side_count(s, codes[u], -1);
            total += c;
            if (!c)
                continue;
            fprintf(f, "<span class=\"seg\" style=\"width:%.2f%%;background:%s\" title=\"",
                    (double)c * 100.0 / (double)top, i < PATH_N ? COLOR[i] : OTHER_COLOR);
            esc(f, i < PATH_N ? summary_state_label(PATH[i], lang) : sr_text(SR_T_OTHER, lang));
            fprintf(f, ": %" PRIu64 "\"></span>", c);
        }
        fprintf(f, "</div><div class=\"bar-total\">%" PRIu64 "</div></div>\n", total);
    }
    fputs("</div>\n", f);
    free(codes);
    free(names);
}

/* Nominations by unit and kind on the main path (one column per step),
 * then those off it (one column per side state). */
static void unit_tables(FILE *f, const Exemplar__Summary *s, sr_lang_t lang)
{
    const char **codes = NULL, **names = NULL;
    size_t n = sr_units(s, &codes, &names), row = 0;
    const char *cols[PATH_N + 4];
    size_t nc = 0;
    cols[nc++] = sr_text(SR_T_UNIT, lang);
    cols[nc++] = sr_text(SR_T_KIND, lang);
    for (size_t i = 0; i < PATH_N; i++)
        cols[nc++] = summary_state_label(PATH[i], lang);
    cols[nc++] = sr_text(SR_T_OTHER, lang);
    cols[nc++] = sr_text(SR_T_TOTAL, lang);
    subpart(f, 1, 1, SR_T_MAIN_TABLE, lang);
    thead(f, "by-unit", lang, cols, nc);
    for (size_t u = 0; u < n; u++)
        for (int k = EXEMPLAR__KIND__KIND_COLLECTIVE; k <= EXEMPLAR__KIND__KIND_INDIVIDUAL; k++) {
            uint64_t total = 0;
            for (int st = 1; st <= EXEMPLAR__STATE__STATE_CARRIED_OVER; st++)
                total += sr_count(s, codes[u], k, st);
            if (!total)
                continue;
            stt(f, ++row);
            td(f, names[u] && names[u][0] ? names[u] : codes[u]);
            td(f, summary_kind_label(k, lang));
            for (size_t i = 0; i < PATH_N; i++)
                td_num(f, sr_count(s, codes[u], k, PATH[i]));
            td_num(f, side_count(s, codes[u], k));
            td_num(f, total);
            fputs("</tr>\n", f);
        }
    fputs("<tr class=\"total\"><td></td>", f);
    td(f, sr_text(SR_T_TOTAL, lang));
    td(f, "");
    for (size_t i = 0; i < PATH_N; i++)
        td_num(f, sr_count(s, NULL, -1, PATH[i]));
    td_num(f, side_count(s, NULL, -1));
    td_num(f, s->nominations);
    fputs("</tr></tbody></table>\n", f);

    subpart(f, 1, 2, SR_T_SIDE, lang);
    int side[16];
    size_t ns = 0;
    for (int st = 1; st <= EXEMPLAR__STATE__STATE_CARRIED_OVER && ns < 16; st++)
        if (!on_main_path(st))
            side[ns++] = st;
    if (!side_count(s, NULL, -1)) {
        none(f, lang);
    } else {
        const char *sc[20];
        size_t nsc = 0;
        sc[nsc++] = sr_text(SR_T_UNIT, lang);
        sc[nsc++] = sr_text(SR_T_KIND, lang);
        for (size_t i = 0; i < ns; i++)
            sc[nsc++] = summary_state_label(side[i], lang);
        sc[nsc++] = sr_text(SR_T_SUM, lang);
        thead(f, "side", lang, sc, nsc);
        row = 0;
        for (size_t u = 0; u < n; u++)
            for (int k = EXEMPLAR__KIND__KIND_COLLECTIVE; k <= EXEMPLAR__KIND__KIND_INDIVIDUAL;
                 k++) {
                uint64_t c = side_count(s, codes[u], k);
                if (!c)
                    continue;
                stt(f, ++row);
                td(f, names[u] && names[u][0] ? names[u] : codes[u]);
                td(f, summary_kind_label(k, lang));
                for (size_t i = 0; i < ns; i++)
                    td_num(f, sr_count(s, codes[u], k, side[i]));
                td_num(f, c);
                fputs("</tr>\n", f);
            }
        fputs("</tbody></table>\n", f);
    }
    free(codes);
    free(names);
}

static void moves(FILE *f, const Exemplar__Summary *s, sr_lang_t lang)
{
    if (!s->n_moves) {
        none(f, lang);
        return;
    }
    const char *cols[] = {sr_text(SR_T_UNIT, lang), sr_text(SR_T_UNIT_CODE, lang),
                          sr_text(SR_T_FROM, lang), sr_text(SR_T_TO, lang),
                          sr_text(SR_T_COUNT, lang)};
    thead(f, "moves", lang, cols, 5);
    for (size_t i = 0; i < s->n_moves; i++) {
        const Exemplar__SummaryMove *m = s->moves[i];
        stt(f, i + 1);
        td(f, m->unit_name[0] ? m->unit_name : m->unit);
        td(f, m->unit);
        td(f, summary_state_label(m->from, lang));
        td(f, summary_state_label(m->to, lang));
        td_num(f, m->count);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void recognized(FILE *f, const Exemplar__Summary *s, sr_lang_t lang)
{
    fputs("<p>", f);
    esct(f, lang, SR_T_RECOG_COUNT, (unsigned long long)s->recognized_count);
    fputs("</p>\n", f);
    if (!s->n_recognized)
        return;
    const char *cols[] = {sr_text(SR_T_NAME, lang),     sr_text(SR_T_UNIT, lang),
                          sr_text(SR_T_KIND, lang),     sr_text(SR_T_DAY, lang),
                          sr_text(SR_T_DECISION, lang), sr_text(SR_T_IDS, lang)};
    thead(f, "recognized", lang, cols, 6);
    for (size_t i = 0; i < s->n_recognized; i++) {
        const Exemplar__SummaryRecognized *r = s->recognized[i];
        char day[48], id[32], decision[600];
        snprintf(id, sizeof(id), "%" PRIu64, r->id);
        stt(f, i + 1);
        td(f, r->name);
        td(f, r->unit_name);
        td(f, summary_kind_label(r->kind, lang));
        td_nw(f, sr_format_day(r->day, lang, day, sizeof(day)));
        td(f, sr_decision_line(r->decision, lang, decision, sizeof(decision)));
        td(f, id);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void overdue(FILE *f, const Exemplar__Summary *s, sr_lang_t lang)
{
    if (!s->n_overdue) {
        none(f, lang);
        return;
    }
    fputs("<p>", f);
    esct(f, lang, SR_T_OVERDUE_COUNT, (unsigned long long)s->n_overdue);
    fputs("</p>\n", f);
    const char *cols[] = {sr_text(SR_T_UNIT_CODE, lang), sr_text(SR_T_UNIT, lang),
                          sr_text(SR_T_PERIOD, lang), sr_text(SR_T_MILESTONE, lang),
                          sr_text(SR_T_DUE, lang)};
    thead(f, "overdue", lang, cols, 5);
    for (size_t i = 0; i < s->n_overdue; i++) {
        const Exemplar__SummaryOverdue *o = s->overdue[i];
        char due[48];
        stt(f, i + 1);
        td(f, o->unit);
        td(f, o->unit_name);
        td_nw(f, o->period);
        td(f, sr_milestone_label(o->milestone, lang));
        td_nw(f, sr_format_day(o->due, lang, due, sizeof(due)));
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void gaps(FILE *f, const Exemplar__Summary *s, sr_lang_t lang)
{
    if (!s->n_gaps) {
        none(f, lang);
        return;
    }
    fputs("<p>", f);
    esct(f, lang, SR_T_GAP_COUNT, (unsigned long long)s->gap_count);
    fputs("</p>\n", f);
    const char *cols[] = {sr_text(SR_T_UNIT, lang), sr_text(SR_T_COUNT, lang),
                          sr_text(SR_T_PERSONS, lang)};
    thead(f, "gaps", lang, cols, 3);
    for (size_t i = 0; i < s->n_gaps; i++) {
        const Exemplar__SummaryGap *g = s->gaps[i];
        stt(f, i + 1);
        td(f, g->unit_name);
        td_num(f, g->count);
        fputs("<td class=\"names\">", f);
        for (size_t j = 0; j < g->n_nominations; j++) {
            const char *name = j < g->n_names && g->names[j][0] ? g->names[j] : "?";
            fputs(j ? "; " : "", f);
            esc(f, name);
            fprintf(f, " (%" PRIu64 ")", g->nominations[j]);
        }
        if (g->count > g->n_nominations) {
            fputs("; ", f);
            esct(f, lang, SR_T_AND_MORE, (unsigned long long)(g->count - g->n_nominations));
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

/* The page's style: A4 with the decree's margins (top and bottom 20 mm,
 * left 30 mm, right 15 mm), Times New Roman 14 pt for the text, page
 * numbers centred in the top margin from page 2 on; on screen the same
 * sheet on a grey desk. */
static const char CSS[] =
    "@page{size:A4;margin:20mm 15mm 20mm 30mm;"
    "@top-center{content:counter(page);font:13pt 'Times New Roman',serif}}\n"
    "@page:first{@top-center{content:none}}\n"
    "html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "body{font-family:'Times New Roman','TeX Gyre "
    "Termes',Times,serif;font-size:14pt;line-height:1.3;color:#000;"
    "margin:0}\n"
    "@media screen{body{background:#ddd}.page{background:#fff;width:210mm;margin:8mm auto;"
    "padding:20mm 15mm 20mm 30mm;box-sizing:border-box;box-shadow:0 0 4px #888}}\n"
    ".doc-head{display:grid;grid-template-columns:40% 60%;text-align:center;font-size:13pt}\n"
    ".parent,.issuer,.motto1{text-transform:uppercase;font-size:12pt}\n"
    ".issuer,.motto1,.motto2{font-weight:bold}\n"
    ".motto2{font-size:13pt}\n"
    ".issuer-name,.motto2-text,.doc-subject-text{display:inline-block}\n"
    ".issuer-name::after,.doc-subject-text::after{content:'';display:block;width:40%;"
    "margin:2pt auto 0;border-top:1px solid #000}\n"
    ".motto2-text{border-bottom:1px solid #000;padding-bottom:1pt}\n"
    ".number{margin-top:6pt}\n"
    ".dateline{font-style:italic;margin-top:6pt;font-size:14pt}\n"
    ".doc-type{font-size:14pt;text-align:center;margin:18pt 0 0}\n"
    ".doc-subject{font-weight:bold;text-align:center;text-indent:0;margin:0 0 12pt}\n"
    "h2{font-size:14pt;line-height:1.6;margin:12pt 0 6pt;text-transform:uppercase;"
    "break-after:avoid}\n"
    "h3{font-size:14pt;margin:10pt 0 6pt;font-style:italic;break-after:avoid}\n"
    "p{text-align:justify;text-indent:1cm;margin:0 0 6pt}\n"
    "table{border-collapse:collapse;width:100%;font-size:12pt;line-height:1.2;margin:4pt 0 8pt}\n"
    "thead{display:table-header-group}tr{break-inside:avoid}\n"
    "th,td{border:1px solid #000;padding:2pt 4pt;text-align:left;vertical-align:top}\n"
    "th{font-weight:bold;text-align:center;vertical-align:middle}\n"
    "td.n,td.nw{white-space:nowrap}td.n{text-align:right}td.stt,th.stt{text-align:center;width:2."
    "2em}\n"
    "tr.total td{font-weight:bold}\n"
    "figure{margin:6pt 0;break-inside:avoid}\n"
    "figcaption{font-size:12pt;font-style:italic;text-align:justify}\n"
    ".chart{width:100%;height:auto;display:block}\n"
    ".chart text{font-size:15px;font-family:'Times New Roman',serif;dominant-baseline:middle}\n"
    ".chart .lbl{text-anchor:end}\n"
    ".bars{font-size:12pt;margin:6pt 0;break-inside:avoid}\n"
    ".legend{list-style:none;padding:0;margin:0 0 6pt;display:flex;flex-wrap:wrap;gap:2pt 12pt}\n"
    ".key{display:inline-block;width:9pt;height:9pt;margin-right:3pt;vertical-align:baseline}\n"
    ".bar-row{display:grid;grid-template-columns:36% 1fr 2.5em;gap:6pt;align-items:center;"
    "margin:2pt 0}\n"
    ".bar-name{text-align:right}\n"
    ".bar{display:flex;height:12pt}.seg{display:block;height:100%}\n"
    ".none{font-style:italic}\n"
    ".blank{letter-spacing:1pt}\n"
    ".doc-foot{display:grid;grid-template-columns:50% 50%;margin-top:18pt;break-inside:avoid}\n"
    ".recipients-title{font-weight:bold;font-style:italic;font-size:12pt;text-indent:0;"
    "margin:0}\n"
    ".recipients ul{list-style:none;padding:0;margin:0;font-size:11pt}\n"
    ".signature{text-align:center;font-weight:bold}\n"
    ".authority,.office{text-transform:uppercase;font-size:14pt}\n"
    ".sign-space{height:28mm}\n"
    ".signer{font-size:14pt}\n";

int summary_render_html(const Exemplar__Summary *s, sr_lang_t lang, const summary_doc_t *doc,
                        FILE *f)
{
    char label[64], when[96], as_of[48], from[48];
    summary_quarter_label(s->quarter, lang, label, sizeof(label));
    sr_format_time(s->generated_at_ms, lang, when, sizeof(when));
    sr_format_day(s->as_of, lang, as_of, sizeof(as_of));
    sr_format_day(s->from, lang, from, sizeof(from));
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
            lang == SR_EN ? "en" : "vi");
    esc(f, sr_text(SR_T_REPORT, lang));
    fputs(" ", f);
    esc(f, label);
    fputs("</title>\n<style>\n", f);
    fputs(CSS, f);
    fputs("</style>\n</head>\n<body>\n<main class=\"page\">\n", f);
    doc_header(f, s, lang, doc);

    /* I. Overview: the period, the campaign, when, and the totals. */
    part(f, 0, SR_T_GENERAL, lang);
    fputs("<p>", f);
    escf(f, "%s %s (%s, %s %s). %s: %s", sr_text(SR_T_AS_OF, lang), as_of, label,
         sr_text(SR_T_FROM_DAY, lang), from, sr_text(SR_T_CAMPAIGN, lang),
         s->campaign[0] ? s->campaign : sr_text(SR_T_ALL_CAMPAIGNS, lang));
    if (s->scope_unit[0])
        escf(f, ". %s: %s", sr_text(SR_T_SCOPE, lang), s->scope_unit);
    escf(f, ". %s, %s %s.", sr_text(SR_T_DATA_FROM, lang),
         lang == SR_EN ? "generated at" : "lập lúc", when);
    fputs("</p>\n<p>", f);
    uint64_t side = side_count(s, NULL, -1);
    esct(f, lang, SR_T_INTRO_TOTAL, (unsigned long long)s->nominations,
         (unsigned long long)(s->nominations - side), (unsigned long long)side);
    fputs("</p>\n", f);
    steps(f, s, lang);

    part(f, 1, SR_T_BY_UNIT, lang);
    if (s->n_rows) {
        unit_bars(f, s, lang);
        unit_tables(f, s, lang);
    } else {
        none(f, lang);
    }
    part(f, 2, SR_T_MOVES, lang);
    moves(f, s, lang);
    part(f, 3, SR_T_RECOGNIZED, lang);
    recognized(f, s, lang);
    part(f, 4, SR_T_OVERDUE, lang);
    overdue(f, s, lang);
    part(f, 5, SR_T_GAPS, lang);
    gaps(f, s, lang);
    doc_signature(f, lang, doc);
    fputs("</main>\n</body>\n</html>\n", f);
    return ferror(f) ? -EX_ESTORAGE : 0;
}
