/* SPDX-License-Identifier: MIT */
/*
 * The summary as one self-contained HTML page: no scripts, fonts, images or
 * style sheets from elsewhere; two inline SVG charts (the funnel of the main
 * path's states and per-unit stacked bars) and the tables.  Every text from
 * the summary is escaped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "render_int.h"

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

static void td_num(FILE *f, uint64_t n)
{
    fprintf(f, "<td class=\"n\">%" PRIu64 "</td>", n);
}

/* The funnel: one centred bar per main-path state, width by count.  A
 * nomination further along has passed the earlier steps, so each step
 * counts those in it and beyond (side exits are left out). */
static void funnel(FILE *f, const Exemplar__Summary *s, sr_lang_t lang)
{
    uint64_t in[PATH_N] = {0}, reached[PATH_N] = {0}, top = 1;
    for (size_t i = 0; i < PATH_N; i++)
        in[i] = sr_count(s, NULL, -1, PATH[i]);
    for (size_t i = PATH_N; i-- > 0;)
        reached[i] = in[i] + (i + 1 < PATH_N ? reached[i + 1] : 0);
    top = reached[0] ? reached[0] : 1;
    const int W = 720, ROW = 46, LABEL = 220;
    fprintf(f,
            "<svg id=\"funnel\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" role=\"img\" aria-labelledby=\"funnel-title\">"
            "<title id=\"funnel-title\">",
            W + LABEL, (int)PATH_N * ROW + 10);
    esc(f, sr_text(SR_T_FUNNEL, lang));
    fputs("</title>\n", f);
    for (size_t i = 0; i < PATH_N; i++) {
        int w = (int)((double)reached[i] / (double)top * (W - 20));
        if (w < 4)
            w = 4;
        int x = LABEL + (W - w) / 2, y = (int)i * ROW + 5;
        fprintf(f,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" rx=\"4\"/>"
                "<text x=\"%d\" y=\"%d\" class=\"lbl\">",
                x, y, w, ROW - 8, COLOR[i], LABEL - 10, y + ROW / 2);
        esc(f, summary_state_label(PATH[i], lang));
        fprintf(f,
                "</text><text x=\"%d\" y=\"%d\" class=\"val\">%" PRIu64 " (%" PRIu64 ")</text>\n",
                LABEL + W / 2, y + ROW / 2, reached[i], in[i]);
    }
    fputs("</svg>\n", f);
}

/* Per-unit stacked bars of the main-path states, plus the side exits. */
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
    const int W = 600, ROW = 26, LABEL = 300, LEGEND = 40;
    fprintf(f,
            "<svg id=\"units\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" role=\"img\" aria-labelledby=\"units-title\">"
            "<title id=\"units-title\">",
            W + LABEL + 60, (int)n * ROW + LEGEND + 10);
    esc(f, sr_text(SR_T_BY_UNIT, lang));
    fputs("</title>\n", f);
    for (size_t i = 0; i <= PATH_N; i++) {
        int x = 10 + (int)i * 150;
        fprintf(f, "<rect x=\"%d\" y=\"8\" width=\"14\" height=\"14\" fill=\"%s\"/>", x,
                i < PATH_N ? COLOR[i] : OTHER_COLOR);
        fprintf(f, "<text x=\"%d\" y=\"20\" class=\"leg\">", x + 18);
        esc(f, i < PATH_N ? summary_state_label(PATH[i], lang) : sr_text(SR_T_OTHER, lang));
        fputs("</text>", f);
    }
    fputs("\n", f);
    for (size_t u = 0; u < n; u++) {
        int y = LEGEND + (int)u * ROW, x = LABEL;
        uint64_t total = 0;
        fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"lbl\">", LABEL - 8, y + ROW / 2 + 2);
        esc(f, names[u] && names[u][0] ? names[u] : codes[u]);
        fputs("</text>", f);
        for (size_t i = 0; i <= PATH_N; i++) {
            uint64_t c = 0;
            if (i < PATH_N) {
                c = sr_count(s, codes[u], -1, PATH[i]);
            } else {
                for (size_t r = 0; r < s->n_rows; r++)
                    if (strcmp(s->rows[r]->unit, codes[u]) == 0) {
                        bool main = false;
                        for (size_t p = 0; p < PATH_N; p++)
                            main = main || (int)s->rows[r]->state == PATH[p];
                        c += main ? 0 : s->rows[r]->count;
                    }
            }
            total += c;
            int w = (int)((double)c / (double)top * W);
            if (!c)
                continue;
            fprintf(f,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                    "<title>",
                    x, y + 3, w < 1 ? 1 : w, ROW - 6, i < PATH_N ? COLOR[i] : OTHER_COLOR);
            esc(f, i < PATH_N ? summary_state_label(PATH[i], lang) : sr_text(SR_T_OTHER, lang));
            fprintf(f, ": %" PRIu64 "</title></rect>", c);
            x += w;
        }
        fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"val\">%" PRIu64 "</text>\n", x + 6,
                y + ROW / 2 + 2, total);
    }
    fputs("</svg>\n", f);
    free(codes);
    free(names);
}

static void section(FILE *f, int title, sr_lang_t lang)
{
    fputs("<h2>", f);
    esc(f, sr_text(title, lang));
    fputs("</h2>\n", f);
}

static void none(FILE *f, sr_lang_t lang)
{
    fputs("<p class=\"none\">", f);
    esc(f, sr_text(SR_T_NONE, lang));
    fputs("</p>\n", f);
}

static void table_rows(FILE *f, const Exemplar__Summary *s, sr_lang_t lang)
{
    const char **codes = NULL, **names = NULL;
    size_t n = sr_units(s, &codes, &names);
    fputs("<table><thead><tr>", f);
    th(f, sr_text(SR_T_UNIT, lang));
    th(f, sr_text(SR_T_KIND, lang));
    for (int st = EXEMPLAR__STATE__STATE_REGISTERED; st <= EXEMPLAR__STATE__STATE_CARRIED_OVER;
         st++)
        th(f, summary_state_label(st, lang));
    th(f, sr_text(SR_T_TOTAL, lang));
    fputs("</tr></thead><tbody>\n", f);
    for (size_t u = 0; u < n; u++) {
        for (int k = EXEMPLAR__KIND__KIND_COLLECTIVE; k <= EXEMPLAR__KIND__KIND_INDIVIDUAL; k++) {
            uint64_t total = 0, c[16] = {0};
            for (int st = 1; st <= EXEMPLAR__STATE__STATE_CARRIED_OVER; st++)
                total += c[st] = sr_count(s, codes[u], k, st);
            if (!total)
                continue;
            fputs("<tr>", f);
            td(f, names[u]);
            td(f, summary_kind_label(k, lang));
            for (int st = 1; st <= EXEMPLAR__STATE__STATE_CARRIED_OVER; st++)
                td_num(f, c[st]);
            td_num(f, total);
            fputs("</tr>\n", f);
        }
    }
    fputs("<tr class=\"total\">", f);
    td(f, sr_text(SR_T_TOTAL, lang));
    td(f, "");
    for (int st = 1; st <= EXEMPLAR__STATE__STATE_CARRIED_OVER; st++)
        td_num(f, sr_count(s, NULL, -1, st));
    td_num(f, s->nominations);
    fputs("</tr></tbody></table>\n", f);
    free(codes);
    free(names);
}

int summary_render_html(const Exemplar__Summary *s, sr_lang_t lang, FILE *f)
{
    char when[32];
    sr_format_time(s->generated_at_ms, when, sizeof(when));
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
            lang == SR_EN ? "en" : "vi");
    fputs("<title>", f);
    char label[64];
    summary_quarter_label(s->quarter, lang, label, sizeof(label));
    esc(f, sr_text(SR_T_TITLE, lang));
    fputs(" ", f);
    esc(f, label);
    fputs("</title>\n<style>\n"
          "body{font-family:sans-serif;margin:24px;color:#222}\n"
          "h1{font-size:22px}h2{font-size:18px;margin-top:28px}\n"
          "table{border-collapse:collapse;font-size:13px}\n"
          "th,td{border:1px solid #ccc;padding:3px 6px;text-align:left}\n"
          "td.n{text-align:right}tr.total td{font-weight:bold}\n"
          ".chart text{font-size:13px;font-family:sans-serif}\n"
          ".chart .lbl{text-anchor:end;dominant-baseline:middle}\n"
          ".chart .val{dominant-baseline:middle}\n"
          "#funnel .val{text-anchor:middle;fill:#000}\n"
          ".none{color:#666}\n"
          "</style>\n</head>\n<body>\n<h1>",
          f);
    esc(f, sr_text(SR_T_TITLE, lang));
    fputs(" — ", f);
    esc(f, label);
    fputs(" (", f);
    esc(f, s->quarter);
    fputs(")</h1>\n<p>", f);
    esc(f, sr_text(SR_T_AS_OF, lang));
    fputs(" ", f);
    esc(f, s->as_of);
    fputs(". ", f);
    esc(f, sr_text(SR_T_CAMPAIGN, lang));
    fputs(": ", f);
    esc(f, s->campaign[0] ? s->campaign : sr_text(SR_T_ALL_CAMPAIGNS, lang));
    if (s->scope_unit[0]) {
        fputs(". ", f);
        esc(f, sr_text(SR_T_SCOPE, lang));
        fputs(": ", f);
        esc(f, s->scope_unit);
    }
    fputs(". ", f);
    esc(f, sr_text(SR_T_TOTAL_NOMS, lang));
    fprintf(f, ": %" PRIu64 ". ", s->nominations);
    esc(f, sr_text(SR_T_GENERATED, lang));
    fputs(": ", f);
    esc(f, when);
    fputs(".</p>\n", f);

    section(f, SR_T_FUNNEL, lang);
    funnel(f, s, lang);
    section(f, SR_T_BY_UNIT, lang);
    unit_bars(f, s, lang);

    section(f, SR_T_NOMINATIONS, lang);
    if (s->n_rows)
        table_rows(f, s, lang);
    else
        none(f, lang);

    section(f, SR_T_MOVES, lang);
    if (s->n_moves) {
        fputs("<table><thead><tr>", f);
        th(f, sr_text(SR_T_UNIT_CODE, lang));
        th(f, sr_text(SR_T_FROM, lang));
        th(f, sr_text(SR_T_TO, lang));
        th(f, sr_text(SR_T_COUNT, lang));
        fputs("</tr></thead><tbody>\n", f);
        for (size_t i = 0; i < s->n_moves; i++) {
            fputs("<tr>", f);
            td(f, s->moves[i]->unit);
            td(f, summary_state_label(s->moves[i]->from, lang));
            td(f, summary_state_label(s->moves[i]->to, lang));
            td_num(f, s->moves[i]->count);
            fputs("</tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    } else {
        none(f, lang);
    }

    section(f, SR_T_RECOGNIZED, lang);
    fprintf(f, "<p>%" PRIu64 "</p>\n", s->recognized_count);
    if (s->n_recognized) {
        fputs("<table><thead><tr>", f);
        th(f, sr_text(SR_T_NAME, lang));
        th(f, sr_text(SR_T_UNIT, lang));
        th(f, sr_text(SR_T_KIND, lang));
        th(f, sr_text(SR_T_DAY, lang));
        fputs("</tr></thead><tbody>\n", f);
        for (size_t i = 0; i < s->n_recognized; i++) {
            const Exemplar__SummaryRecognized *r = s->recognized[i];
            fputs("<tr>", f);
            td(f, r->name);
            td(f, r->unit_name);
            td(f, summary_kind_label(r->kind, lang));
            td(f, r->day);
            fputs("</tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    }

    section(f, SR_T_OVERDUE, lang);
    if (s->n_overdue) {
        fputs("<table><thead><tr>", f);
        th(f, sr_text(SR_T_UNIT, lang));
        th(f, sr_text(SR_T_PERIOD, lang));
        th(f, sr_text(SR_T_MILESTONE, lang));
        th(f, sr_text(SR_T_DUE, lang));
        fputs("</tr></thead><tbody>\n", f);
        for (size_t i = 0; i < s->n_overdue; i++) {
            const Exemplar__SummaryOverdue *o = s->overdue[i];
            fputs("<tr>", f);
            td(f, o->unit_name);
            td(f, o->period);
            td(f, sr_milestone_label(o->milestone, lang));
            td(f, o->due);
            fputs("</tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    } else {
        none(f, lang);
    }

    section(f, SR_T_GAPS, lang);
    if (s->n_gaps) {
        fputs("<table><thead><tr>", f);
        th(f, sr_text(SR_T_UNIT, lang));
        th(f, sr_text(SR_T_COUNT, lang));
        th(f, sr_text(SR_T_IDS, lang));
        fputs("</tr></thead><tbody>\n", f);
        for (size_t i = 0; i < s->n_gaps; i++) {
            const Exemplar__SummaryGap *g = s->gaps[i];
            fputs("<tr>", f);
            td(f, g->unit_name);
            td_num(f, g->count);
            fputs("<td>", f);
            for (size_t j = 0; j < g->n_nominations; j++)
                fprintf(f, "%s%" PRIu64, j ? ", " : "", g->nominations[j]);
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    } else {
        none(f, lang);
    }
    fputs("</body>\n</html>\n", f);
    return ferror(f) ? -EX_ESTORAGE : 0;
}
