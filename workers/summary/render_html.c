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
#include "page.h"

/* The main path, in order: the funnel's steps and the bars' segments. */
static const int PATH[] = {
    EXEMPLAR__STATE__STATE_REGISTERED,    EXEMPLAR__STATE__STATE_FOSTERING,
    EXEMPLAR__STATE__STATE_UNIT_REVIEWED, EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED,
    EXEMPLAR__STATE__STATE_RECOGNIZED,
};
#define PATH_N (sizeof(PATH) / sizeof(PATH[0]))
static const char *const COLOR[PATH_N] = {"#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#d94801"};
#define OTHER_COLOR "#bdbdbd"

/* Writes the words `which` of the label table, a format whose conversions
 * are all %llu, with the numbers that follow, escaped. */
static void esct(FILE *f, sr_lang_t lang, int which, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, which);
    vsnprintf(buf, sizeof(buf), sr_text(which, lang), ap);
    va_end(ap);
    page_esc(f, buf);
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

/* ---- parts of the report ------------------------------------------------ */

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
    page_thead(f, "steps", lang, cols, 3);
    for (size_t i = 0; i < PATH_N; i++) {
        page_stt(f, i + 1);
        page_td(f, summary_state_label(PATH[i], lang));
        page_td_num(f, in[i]);
        page_td_num(f, reached[i]);
        fputs("</tr>\n", f);
    }
    page_stt(f, PATH_N + 1);
    page_td(f, sr_text(SR_T_OTHER, lang));
    page_td_num(f, side);
    page_td(f, "");
    fputs("</tr>\n<tr class=\"total\"><td></td>", f);
    page_td(f, sr_text(SR_T_TOTAL, lang));
    page_td_num(f, s->nominations);
    page_td(f, "");
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
    page_esc(f, sr_text(SR_T_FUNNEL, lang));
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
        page_esc(f, summary_state_label(PATH[i], lang));
        fprintf(f, "</text><text x=\"%d\" y=\"%d\" class=\"val\">", LABEL + BAR + 8,
                y + (ROW - 8) / 2);
        esct(f, lang, SR_T_FUNNEL_VAL, (unsigned long long)reached[i], (unsigned long long)in[i]);
        fputs("</text>\n", f);
    }
    fputs("</svg>\n<figcaption>", f);
    page_esc(f, sr_text(SR_T_FUNNEL_NOTE, lang));
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
    page_esc(f, sr_text(SR_T_BY_UNIT, lang));
    fputs("\">\n<ul class=\"legend\">", f);
    for (size_t i = 0; i <= PATH_N; i++) {
        fprintf(f, "<li><span class=\"key\" style=\"background:%s\"></span>",
                i < PATH_N ? COLOR[i] : OTHER_COLOR);
        page_esc(f, i < PATH_N ? summary_state_label(PATH[i], lang) : sr_text(SR_T_OTHER, lang));
        fputs("</li>", f);
    }
    fputs("</ul>\n", f);
    for (size_t u = 0; u < n; u++) {
        uint64_t total = 0;
        fputs("<div class=\"bar-row\"><div class=\"bar-name\">", f);
        page_esc(f, names[u] && names[u][0] ? names[u] : codes[u]);
        fputs("</div><div class=\"bar\">", f);
        for (size_t i = 0; i <= PATH_N; i++) {
            uint64_t c =
                i < PATH_N ? sr_count(s, codes[u], -1, PATH[i]) : side_count(s, codes[u], -1);
            total += c;
            if (!c)
                continue;
            fprintf(f, "<span class=\"seg\" style=\"width:%.2f%%;background:%s\" title=\"",
                    (double)c * 100.0 / (double)top, i < PATH_N ? COLOR[i] : OTHER_COLOR);
            page_esc(f,
                     i < PATH_N ? summary_state_label(PATH[i], lang) : sr_text(SR_T_OTHER, lang));
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
    page_subpart(f, 1, 1, SR_T_MAIN_TABLE, lang);
    page_thead(f, "by-unit", lang, cols, nc);
    for (size_t u = 0; u < n; u++)
        for (int k = EXEMPLAR__KIND__KIND_COLLECTIVE; k <= EXEMPLAR__KIND__KIND_INDIVIDUAL; k++) {
            uint64_t total = 0;
            for (int st = 1; st <= EXEMPLAR__STATE__STATE_CARRIED_OVER; st++)
                total += sr_count(s, codes[u], k, st);
            if (!total)
                continue;
            page_stt(f, ++row);
            page_td(f, names[u] && names[u][0] ? names[u] : codes[u]);
            page_td(f, summary_kind_label(k, lang));
            for (size_t i = 0; i < PATH_N; i++)
                page_td_num(f, sr_count(s, codes[u], k, PATH[i]));
            page_td_num(f, side_count(s, codes[u], k));
            page_td_num(f, total);
            fputs("</tr>\n", f);
        }
    fputs("<tr class=\"total\"><td></td>", f);
    page_td(f, sr_text(SR_T_TOTAL, lang));
    page_td(f, "");
    for (size_t i = 0; i < PATH_N; i++)
        page_td_num(f, sr_count(s, NULL, -1, PATH[i]));
    page_td_num(f, side_count(s, NULL, -1));
    page_td_num(f, s->nominations);
    fputs("</tr></tbody></table>\n", f);

    page_subpart(f, 1, 2, SR_T_SIDE, lang);
    int side[16];
    size_t ns = 0;
    for (int st = 1; st <= EXEMPLAR__STATE__STATE_CARRIED_OVER && ns < 16; st++)
        if (!on_main_path(st))
            side[ns++] = st;
    if (!side_count(s, NULL, -1)) {
        page_none(f, lang);
    } else {
        const char *sc[20];
        size_t nsc = 0;
        sc[nsc++] = sr_text(SR_T_UNIT, lang);
        sc[nsc++] = sr_text(SR_T_KIND, lang);
        for (size_t i = 0; i < ns; i++)
            sc[nsc++] = summary_state_label(side[i], lang);
        sc[nsc++] = sr_text(SR_T_SUM, lang);
        page_thead(f, "side", lang, sc, nsc);
        row = 0;
        for (size_t u = 0; u < n; u++)
            for (int k = EXEMPLAR__KIND__KIND_COLLECTIVE; k <= EXEMPLAR__KIND__KIND_INDIVIDUAL;
                 k++) {
                uint64_t c = side_count(s, codes[u], k);
                if (!c)
                    continue;
                page_stt(f, ++row);
                page_td(f, names[u] && names[u][0] ? names[u] : codes[u]);
                page_td(f, summary_kind_label(k, lang));
                for (size_t i = 0; i < ns; i++)
                    page_td_num(f, sr_count(s, codes[u], k, side[i]));
                page_td_num(f, c);
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
        page_none(f, lang);
        return;
    }
    const char *cols[] = {sr_text(SR_T_UNIT, lang), sr_text(SR_T_UNIT_CODE, lang),
                          sr_text(SR_T_FROM, lang), sr_text(SR_T_TO, lang),
                          sr_text(SR_T_COUNT, lang)};
    page_thead(f, "moves", lang, cols, 5);
    for (size_t i = 0; i < s->n_moves; i++) {
        const Exemplar__SummaryMove *m = s->moves[i];
        page_stt(f, i + 1);
        page_td(f, m->unit_name[0] ? m->unit_name : m->unit);
        page_td(f, m->unit);
        page_td(f, summary_state_label(m->from, lang));
        page_td(f, summary_state_label(m->to, lang));
        page_td_num(f, m->count);
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
    page_thead(f, "recognized", lang, cols, 6);
    for (size_t i = 0; i < s->n_recognized; i++) {
        const Exemplar__SummaryRecognized *r = s->recognized[i];
        char day[48], id[32], decision[600];
        snprintf(id, sizeof(id), "%" PRIu64, r->id);
        page_stt(f, i + 1);
        page_td(f, r->name);
        page_td(f, r->unit_name);
        page_td(f, summary_kind_label(r->kind, lang));
        page_td_nw(f, sr_format_day(r->day, lang, day, sizeof(day)));
        page_td(f, sr_decision_line(r->decision, lang, decision, sizeof(decision)));
        page_td(f, id);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void overdue(FILE *f, const Exemplar__Summary *s, sr_lang_t lang)
{
    if (!s->n_overdue) {
        page_none(f, lang);
        return;
    }
    fputs("<p>", f);
    esct(f, lang, SR_T_OVERDUE_COUNT, (unsigned long long)s->n_overdue);
    fputs("</p>\n", f);
    const char *cols[] = {sr_text(SR_T_UNIT_CODE, lang), sr_text(SR_T_UNIT, lang),
                          sr_text(SR_T_PERIOD, lang), sr_text(SR_T_MILESTONE, lang),
                          sr_text(SR_T_DUE, lang)};
    page_thead(f, "overdue", lang, cols, 5);
    for (size_t i = 0; i < s->n_overdue; i++) {
        const Exemplar__SummaryOverdue *o = s->overdue[i];
        char due[48];
        page_stt(f, i + 1);
        page_td(f, o->unit);
        page_td(f, o->unit_name);
        page_td_nw(f, o->period);
        page_td(f, sr_milestone_label(o->milestone, lang));
        page_td_nw(f, sr_format_day(o->due, lang, due, sizeof(due)));
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void gaps(FILE *f, const Exemplar__Summary *s, sr_lang_t lang)
{
    if (!s->n_gaps) {
        page_none(f, lang);
        return;
    }
    fputs("<p>", f);
    esct(f, lang, SR_T_GAP_COUNT, (unsigned long long)s->gap_count);
    fputs("</p>\n", f);
    const char *cols[] = {sr_text(SR_T_UNIT, lang), sr_text(SR_T_COUNT, lang),
                          sr_text(SR_T_PERSONS, lang)};
    page_thead(f, "gaps", lang, cols, 3);
    for (size_t i = 0; i < s->n_gaps; i++) {
        const Exemplar__SummaryGap *g = s->gaps[i];
        page_stt(f, i + 1);
        page_td(f, g->unit_name);
        page_td_num(f, g->count);
        fputs("<td class=\"names\">", f);
        for (size_t j = 0; j < g->n_nominations; j++) {
            const char *name = j < g->n_names && g->names[j][0] ? g->names[j] : "?";
            fputs(j ? "; " : "", f);
            page_esc(f, name);
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

int summary_render_html(const Exemplar__Summary *s, sr_lang_t lang, const summary_doc_t *doc,
                        FILE *f)
{
    char label[64], when[96], as_of[48], from[48];
    summary_quarter_label(s->quarter, lang, label, sizeof(label));
    sr_format_time(s->generated_at_ms, lang, when, sizeof(when));
    sr_format_day(s->as_of, lang, as_of, sizeof(as_of));
    sr_format_day(s->from, lang, from, sizeof(from));
    char subject[256];
    snprintf(subject, sizeof(subject), "%s%s%s", sr_text(SR_T_SUBJECT, lang),
             lang == SR_EN ? ", " : " ", label);
    page_begin(f, lang, label, doc, subject);

    /* I. Overview: the period, the campaign, when, and the totals. */
    page_part(f, 0, SR_T_GENERAL, lang);
    fputs("<p>", f);
    page_escf(f, "%s %s (%s, %s %s). %s: %s", sr_text(SR_T_AS_OF, lang), as_of, label,
              sr_text(SR_T_FROM_DAY, lang), from, sr_text(SR_T_CAMPAIGN, lang),
              s->campaign[0] ? s->campaign : sr_text(SR_T_ALL_CAMPAIGNS, lang));
    if (s->scope_unit[0])
        page_escf(f, ". %s: %s", sr_text(SR_T_SCOPE, lang), s->scope_unit);
    page_escf(f, ". %s, %s %s.", sr_text(SR_T_DATA_FROM, lang),
              lang == SR_EN ? "generated at" : "lập lúc", when);
    fputs("</p>\n<p>", f);
    uint64_t side = side_count(s, NULL, -1);
    esct(f, lang, SR_T_INTRO_TOTAL, (unsigned long long)s->nominations,
         (unsigned long long)(s->nominations - side), (unsigned long long)side);
    fputs("</p>\n", f);
    steps(f, s, lang);

    page_part(f, 1, SR_T_BY_UNIT, lang);
    if (s->n_rows) {
        unit_bars(f, s, lang);
        unit_tables(f, s, lang);
    } else {
        page_none(f, lang);
    }
    page_part(f, 2, SR_T_MOVES, lang);
    moves(f, s, lang);
    page_part(f, 3, SR_T_RECOGNIZED, lang);
    recognized(f, s, lang);
    page_part(f, 4, SR_T_OVERDUE, lang);
    overdue(f, s, lang);
    page_part(f, 5, SR_T_GAPS, lang);
    gaps(f, s, lang);
    page_end(f, lang, doc);
    return ferror(f) ? -EX_ESTORAGE : 0;
}
