/* SPDX-License-Identifier: MIT */
/*
 * The page every report of the summary worker is printed on (page.h): an
 * administrative document in the layout of Decree 30/2020/NĐ-CP, Appendix I
 * (the issuing body and number, the national motto, the date line, the
 * document type and subject, numbered parts, tables with an STT column,
 * the recipients and the signature), on A4 with the decree's margins.  The
 * quarterly summary (render_html.c) and the review reports (report.c) fill
 * it; it knows nothing of either.
 */
#include "page.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Writes s with &, <, >, " and ' escaped. */
void page_esc(FILE *f, const char *s)
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

void page_th(FILE *f, const char *s)
{
    fputs("<th>", f);
    page_esc(f, s);
    fputs("</th>", f);
}

void page_td(FILE *f, const char *s)
{
    fputs("<td>", f);
    page_esc(f, s);
    fputs("</td>", f);
}

/* A cell that does not wrap: a day or a period. */
void page_td_nw(FILE *f, const char *s)
{
    fputs("<td class=\"nw\">", f);
    page_esc(f, s);
    fputs("</td>", f);
}

void page_td_num(FILE *f, uint64_t n)
{
    fprintf(f, "<td class=\"n\">%" PRIu64 "</td>", n);
}

#define BLANK      "<span class=\"blank\">……</span>"
#define BLANK_LONG "<span class=\"blank\">………………</span>"

/* Writes the text of fmt, escaped. */
__attribute__((format(printf, 2, 3))) void page_escf(FILE *f, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    page_esc(f, buf);
}

/* A value of the document's header, or a blank to fill in. */
static void page_doc_val(FILE *f, const char *v)
{
    if (v && v[0])
        page_esc(f, v);
    else
        fputs(BLANK, f);
}

/* The same with room for a name. */
static void page_doc_name(FILE *f, const char *v)
{
    if (v && v[0])
        page_esc(f, v);
    else
        fputs(BLANK_LONG, f);
}

static bool page_given(const char *v)
{
    return v && v[0];
}

/* ---- header, title and signature (Decree 30/2020, Appendix I) ----------- */

static void page_doc_header(FILE *f, sr_lang_t lang, const summary_doc_t *d, int type,
                            const char *sym, const char *subject)
{
    fputs("<header class=\"doc-head\">\n<div class=\"org\">\n<div class=\"parent\">", f);
    page_doc_name(f, d ? d->parent : NULL);
    fputs("</div>\n<div class=\"issuer\"><span class=\"issuer-name\">", f);
    page_doc_name(f, d ? d->body : NULL);
    fputs("</span></div>\n<div class=\"number\">", f);
    page_esc(f, sr_text(SR_T_NUMBER, lang));
    fputs(": ", f);
    page_doc_val(f, d ? d->number : NULL);
    fprintf(f, "/%s-", sym);
    page_doc_val(f, d ? d->symbol : NULL);
    fputs("</div>\n</div>\n<div class=\"nation\">\n<div class=\"motto1\">", f);
    page_esc(f, sr_text(SR_T_MOTTO1, lang));
    fputs("</div>\n<div class=\"motto2\"><span class=\"motto2-text\">", f);
    page_esc(f, sr_text(SR_T_MOTTO2, lang));
    fputs("</span></div>\n<div class=\"dateline\">", f);
    page_doc_val(f, d ? d->place : NULL);
    int y = 0, m = 0, dd = 0;
    bool dated = d && page_given(d->date) && sscanf(d->date, "%4d-%2d-%2d", &y, &m, &dd) == 3;
    if (lang == SR_EN) {
        char day[48];
        sr_format_date(y, m, dd, lang, day, sizeof(day));
        fputs(", ", f);
        if (dated)
            page_esc(f, day);
        else
            fputs(BLANK " " BLANK " " BLANK, f);
    } else if (dated) {
        /* Decree 30/2020: a day below 10 and the months 1 and 2 take a 0. */
        fprintf(f, ", ngày %02d tháng %s%d năm %d", dd, m < 3 ? "0" : "", m, y);
    } else {
        fputs(", ngày " BLANK " tháng " BLANK " năm " BLANK, f);
    }
    fputs("</div>\n</div>\n</header>\n", f);

    fputs("<h1 class=\"doc-type\">", f);
    page_esc(f, sr_text(type, lang));
    fputs("</h1>\n<p class=\"doc-subject\"><span class=\"doc-subject-text\">", f);
    if (d && page_given(d->subject)) {
        page_esc(f, d->subject);
    } else {
        page_esc(f, subject);
    }
    fputs("</span></p>\n", f);
}

static void page_doc_signature(FILE *f, sr_lang_t lang, const summary_doc_t *d)
{
    fputs("<footer class=\"doc-foot\">\n<div class=\"recipients\">\n<p class=\"recipients-title\">",
          f);
    page_esc(f, sr_text(SR_T_RECIPIENTS, lang));
    fputs("</p>\n<ul>\n", f);
    if (d && d->n_recipients)
        for (size_t i = 0; i < d->n_recipients; i++) {
            fputs("<li>- ", f);
            page_esc(f, d->recipients[i]);
            fputs(";</li>\n", f);
        }
    else
        fputs("<li>- " BLANK ";</li>\n", f);
    fputs("<li>- ", f);
    page_esc(f, sr_text(SR_T_ARCHIVE, lang));
    fputs(": ", f);
    if (d && page_given(d->archive))
        page_esc(f, d->archive);
    else
        fputs("VT, " BLANK, f);
    fputs(".</li>\n</ul>\n</div>\n<div class=\"signature\">\n", f);
    /* Signing for someone (KT., TL., Q.) is printed when given; with no
     * office either, both lines are left blank to fill in. */
    bool title = d && page_given(d->title);
    if (d && page_given(d->authority)) {
        fputs("<div class=\"authority\">", f);
        page_esc(f, d->authority);
        fputs("</div>\n", f);
    } else if (!title) {
        fputs("<div class=\"authority\">" BLANK "</div>\n", f);
    }
    fputs("<div class=\"office\">", f);
    page_doc_name(f, d ? d->title : NULL);
    fputs("</div>\n<div class=\"sign-space\"></div>\n<div class=\"signer\">", f);
    page_doc_name(f, d ? d->signer : NULL);
    fputs("</div>\n</div>\n</footer>\n", f);
}

static const char *const ROMAN[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII"};

void page_part(FILE *f, int n, int title, sr_lang_t lang)
{
    fprintf(f, "<h2>%s. ", ROMAN[n]);
    page_esc(f, sr_text(title, lang));
    fputs("</h2>\n", f);
}

void page_subpart(FILE *f, int n, int m, int title, sr_lang_t lang)
{
    (void)n; /* under a Roman part the sub-parts count 1, 2, ... */
    fprintf(f, "<h3>%d. ", m);
    page_esc(f, sr_text(title, lang));
    fputs("</h3>\n", f);
}

void page_none(FILE *f, sr_lang_t lang)
{
    fputs("<p class=\"none\">", f);
    page_esc(f, sr_text(SR_T_NONE, lang));
    fputs("</p>\n", f);
}

void page_thead(FILE *f, const char *id, sr_lang_t lang, const char *const *cols, size_t n)
{
    fprintf(f, "<table id=\"%s\"><thead><tr><th class=\"stt\">", id);
    page_esc(f, sr_text(SR_T_STT, lang));
    fputs("</th>", f);
    for (size_t i = 0; i < n; i++)
        page_th(f, cols[i]);
    fputs("</tr></thead><tbody>\n", f);
}

void page_stt(FILE *f, size_t i)
{
    fprintf(f, "<tr><td class=\"stt\">%zu</td>", i);
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
    ".signer{font-size:14pt}\n"
    /* the minutes' two signatures and the decision's bases, articles and annex */
    ".decider{text-align:center;font-weight:bold;text-transform:uppercase;margin:12pt 0 6pt}\n"
    ".basis{font-style:italic}\n"
    ".decides{text-align:center;font-weight:bold;text-indent:0;margin:12pt 0 6pt}\n"
    ".article b{font-weight:bold}\n"
    ".annex{break-before:page;margin-top:0}\n"
    ".annex-title{text-align:center;font-weight:bold;text-indent:0;margin:0}\n"
    ".annex-ref{text-align:center;font-style:italic;text-indent:0;margin:0 0 12pt}\n";

void page_begin(FILE *f, sr_lang_t lang, const char *title, const summary_doc_t *d,
                const char *subject)
{
    page_begin_as(f, lang, title, d, SR_T_REPORT, "BC", subject);
}

void page_begin_as(FILE *f, sr_lang_t lang, const char *title, const summary_doc_t *d, int type,
                   const char *sym, const char *subject)
{
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
            lang == SR_EN ? "en" : "vi");
    page_esc(f, sr_text(type, lang));
    fputs(" ", f);
    page_esc(f, title);
    fputs("</title>\n<style>\n", f);
    fputs(CSS, f);
    fputs("</style>\n</head>\n<body>\n<main class=\"page\">\n", f);
    page_doc_header(f, lang, d, type, sym, subject);
}

void page_end(FILE *f, sr_lang_t lang, const summary_doc_t *d)
{
    page_doc_signature(f, lang, d);
    page_close(f);
}

void page_signature(FILE *f, sr_lang_t lang, const summary_doc_t *d)
{
    page_doc_signature(f, lang, d);
}

void page_close(FILE *f)
{
    fputs("</main>\n</body>\n</html>\n", f);
}
