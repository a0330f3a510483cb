/* SPDX-License-Identifier: MIT */
/*
 * The interim and final review reports (báo cáo sơ kết, tổng kết) rendered
 * for people (summary_render.h): JSON (json-c), CSV (libcsv cells, UTF-8 with
 * a BOM), XLSX (libxlsxwriter) and one HTML page on the Decree 30 layout of
 * page.c, with the same words (labels.c) as the quarterly summary.
 */
#include "summary_render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "csvcell.h"
#include "day.h"
#include "errors.h"
#include "labels.h"
#include "names.h"
#include "page.h"
#include "safefile.h"

#define K_COLLECTIVE EXEMPLAR__KIND__KIND_COLLECTIVE
#define K_INDIVIDUAL EXEMPLAR__KIND__KIND_INDIVIDUAL

typedef struct {
    uint64_t expected, registered, fostered, recognized, revoked, carried_over;
} totals_t;

static totals_t totals(const Exemplar__ReviewReport *r, int kind)
{
    totals_t t = {0};
    for (size_t i = 0; i < r->n_units; i++) {
        const Exemplar__ReviewUnit *u = r->units[i];
        if (kind >= 0 && (int)u->kind != kind)
            continue;
        t.expected += u->expected;
        t.registered += u->registered;
        t.fostered += u->fostered;
        t.recognized += u->recognized;
        t.revoked += u->revoked;
        t.carried_over += u->carried_over;
    }
    return t;
}

/* A label with %s conversions, filled (the label table's formats are
 * checked by the tests that read every document). */
static void fill(char *buf, size_t len, const char *label, ...)
{
    va_list ap;
    va_start(ap, label);
    vsnprintf(buf, len, label, ap);
    va_end(ap);
}

const char *report_subject(const Exemplar__ReviewReport *r, sr_lang_t lang, char *buf, size_t len)
{
    bool interim = strcmp(r->kind, "interim") == 0;
    /* the label holds one %s: the span */
    fill(buf, len, sr_text(interim ? SR_T_RV_INTERIM : SR_T_RV_FINAL, lang),
         interim ? r->period : r->campaign);
    return buf;
}

const char *report_file_stem(const Exemplar__ReviewReport *r, char *buf, size_t len)
{
    snprintf(buf, len, "review-%s-%s", r->kind, r->period[0] ? r->period : r->campaign);
    return buf;
}

/* ---- JSON --------------------------------------------------------------- */

static json_object *str(const char *s)
{
    return json_object_new_string(s ? s : "");
}

static json_object *decision_json(const Exemplar__Decision *d)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "number", str(d ? d->number : ""));
    json_object_object_add(o, "date", str(d ? d->date : ""));
    json_object_object_add(o, "issuer", str(d ? d->issuer : ""));
    return o;
}

int report_render_json(const Exemplar__ReviewReport *r, FILE *f)
{
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "kind", str(r->kind));
    json_object_object_add(doc, "campaign", str(r->campaign));
    json_object_object_add(doc, "campaign_title", str(r->campaign_title));
    json_object_object_add(doc, "period", str(r->period));
    json_object_object_add(doc, "from", str(r->from));
    json_object_object_add(doc, "to", str(r->to));
    json_object_object_add(doc, "as_of", str(r->as_of));
    json_object_object_add(doc, "scope_unit", str(r->scope_unit));
    json_object_object_add(doc, "generated_at_ms", json_object_new_int64(r->generated_at_ms));
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < r->n_units; i++) {
        const Exemplar__ReviewUnit *u = r->units[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "unit", str(u->unit));
        json_object_object_add(o, "unit_name", str(u->unit_name));
        json_object_object_add(o, "kind", str(ex_kind_name(u->kind)));
        json_object_object_add(o, "expected", json_object_new_uint64(u->expected));
        json_object_object_add(o, "registered", json_object_new_uint64(u->registered));
        json_object_object_add(o, "fostered", json_object_new_uint64(u->fostered));
        json_object_object_add(o, "recognized", json_object_new_uint64(u->recognized));
        json_object_object_add(o, "revoked", json_object_new_uint64(u->revoked));
        json_object_object_add(o, "carried_over", json_object_new_uint64(u->carried_over));
        json_object_array_add(a, o);
    }
    json_object_object_add(doc, "units", a);
    a = json_object_new_array();
    for (size_t i = 0; i < r->n_plans; i++) {
        const Exemplar__ReviewPlan *p = r->plans[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "unit", str(p->unit));
        json_object_object_add(o, "unit_name", str(p->unit_name));
        json_object_object_add(o, "period", str(p->period));
        json_object_object_add(o, "due", str(p->due));
        json_object_object_add(o, "submitted_on", str(p->submitted_on));
        json_object_array_add(a, o);
    }
    json_object_object_add(doc, "plans", a);
    json_object_object_add(doc, "recognized_count", json_object_new_uint64(r->recognized_count));
    a = json_object_new_array();
    for (size_t i = 0; i < r->n_recognized; i++) {
        const Exemplar__SummaryRecognized *x = r->recognized[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_uint64(x->id));
        json_object_object_add(o, "name", str(x->name));
        json_object_object_add(o, "unit", str(x->unit));
        json_object_object_add(o, "unit_name", str(x->unit_name));
        json_object_object_add(o, "kind", str(ex_kind_name(x->kind)));
        json_object_object_add(o, "day", str(x->day));
        json_object_object_add(o, "decision", decision_json(x->decision));
        json_object_array_add(a, o);
    }
    json_object_object_add(doc, "recognized", a);
    const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE);
    int rc = fprintf(f, "%s\n", text) < 0 ? -EX_ESTORAGE : 0;
    json_object_put(doc);
    return rc;
}

/* ---- CSV ---------------------------------------------------------------- */

static void csv_row(FILE *f, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        csvcell_fwrite(f, fields[i]);
    }
    fputs("\r\n", f);
}

static const char *num(uint64_t n, char *buf, size_t len)
{
    snprintf(buf, len, "%" PRIu64, n);
    return buf;
}

int report_render_csv(const Exemplar__ReviewReport *r, sr_lang_t lang, FILE *f)
{
    char subject[512], a[24], b[24], c[24], d[24], e[24], g[24];
    fputs("\xEF\xBB\xBF", f); /* the BOM: Excel then reads UTF-8 */
    {
        const char *h[] = {report_subject(r, lang, subject, sizeof(subject)),
                           sr_text(SR_T_AS_OF, lang), r->as_of};
        csv_row(f, h, 3);
    }
    fputs("\r\n", f);
    {
        const char *h[] = {sr_text(SR_T_RV_BY_UNIT, lang)};
        csv_row(f, h, 1);
        const char *cols[] = {sr_text(SR_T_UNIT_CODE, lang),     sr_text(SR_T_UNIT, lang),
                              sr_text(SR_T_KIND, lang),          sr_text(SR_T_RV_EXPECTED, lang),
                              sr_text(SR_T_RV_REGISTERED, lang), sr_text(SR_T_RV_FOSTERED, lang),
                              sr_text(SR_T_RV_RECOGNIZED, lang), sr_text(SR_T_RV_REVOKED, lang),
                              sr_text(SR_T_RV_CARRIED, lang)};
        csv_row(f, cols, 9);
    }
    for (size_t i = 0; i < r->n_units; i++) {
        const Exemplar__ReviewUnit *u = r->units[i];
        const char *v[] = {u->unit,
                           u->unit_name,
                           summary_kind_label(u->kind, lang),
                           num(u->expected, a, sizeof(a)),
                           num(u->registered, b, sizeof(b)),
                           num(u->fostered, c, sizeof(c)),
                           num(u->recognized, d, sizeof(d)),
                           num(u->revoked, e, sizeof(e)),
                           num(u->carried_over, g, sizeof(g))};
        csv_row(f, v, 9);
    }
    fputs("\r\n", f);
    {
        const char *h[] = {sr_text(SR_T_RV_PLANS, lang)};
        csv_row(f, h, 1);
        const char *cols[] = {sr_text(SR_T_UNIT_CODE, lang), sr_text(SR_T_UNIT, lang),
                              sr_text(SR_T_PERIOD, lang), sr_text(SR_T_DUE, lang),
                              sr_text(SR_T_RV_SUBMITTED, lang)};
        csv_row(f, cols, 5);
    }
    for (size_t i = 0; i < r->n_plans; i++) {
        const Exemplar__ReviewPlan *p = r->plans[i];
        const char *v[] = {p->unit, p->unit_name, p->period, p->due, p->submitted_on};
        csv_row(f, v, 5);
    }
    fputs("\r\n", f);
    {
        const char *h[] = {sr_text(SR_T_RV_RECOG_LIST, lang),
                           num(r->recognized_count, a, sizeof(a))};
        csv_row(f, h, 2);
        const char *cols[] = {sr_text(SR_T_IDS, lang),      sr_text(SR_T_NAME, lang),
                              sr_text(SR_T_UNIT, lang),     sr_text(SR_T_KIND, lang),
                              sr_text(SR_T_DAY, lang),      sr_text(SR_T_DEC_NUMBER, lang),
                              sr_text(SR_T_DEC_DATE, lang), sr_text(SR_T_DEC_ISSUER, lang)};
        csv_row(f, cols, 8);
    }
    for (size_t i = 0; i < r->n_recognized; i++) {
        const Exemplar__SummaryRecognized *x = r->recognized[i];
        const Exemplar__Decision *dec = x->decision;
        const char *v[] = {num(x->id, a, sizeof(a)),
                           x->name,
                           x->unit_name,
                           summary_kind_label(x->kind, lang),
                           x->day,
                           dec ? dec->number : "",
                           dec ? dec->date : "",
                           dec ? dec->issuer : ""};
        csv_row(f, v, 8);
    }
    return ferror(f) ? -EX_ESTORAGE : 0;
}

/* ---- HTML --------------------------------------------------------------- */

/* The words `which` of the label table, a format whose conversions are all
 * %llu, with the numbers that follow, escaped. */
static void esct(FILE *f, sr_lang_t lang, int which, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, which);
    vsnprintf(buf, sizeof(buf), sr_text(which, lang), ap);
    va_end(ap);
    page_esc(f, buf);
}

static void unit_table(FILE *f, const Exemplar__ReviewReport *r, sr_lang_t lang, int kind,
                       const char *id)
{
    const char *cols[] = {sr_text(SR_T_UNIT, lang),          sr_text(SR_T_RV_EXPECTED, lang),
                          sr_text(SR_T_RV_REGISTERED, lang), sr_text(SR_T_RV_FOSTERED, lang),
                          sr_text(SR_T_RV_RECOGNIZED, lang), sr_text(SR_T_RV_REVOKED, lang),
                          sr_text(SR_T_RV_CARRIED, lang)};
    page_thead(f, id, lang, cols, 7);
    size_t n = 0;
    for (size_t i = 0; i < r->n_units; i++) {
        const Exemplar__ReviewUnit *u = r->units[i];
        if ((int)u->kind != kind)
            continue;
        page_stt(f, ++n);
        page_td(f, u->unit_name);
        page_td_num(f, u->expected);
        page_td_num(f, u->registered);
        page_td_num(f, u->fostered);
        page_td_num(f, u->recognized);
        page_td_num(f, u->revoked);
        page_td_num(f, u->carried_over);
        fputs("</tr>\n", f);
    }
    totals_t t = totals(r, kind);
    fputs("<tr class=\"total\"><td class=\"stt\"></td>", f);
    page_td(f, sr_text(SR_T_SUM, lang));
    page_td_num(f, t.expected);
    page_td_num(f, t.registered);
    page_td_num(f, t.fostered);
    page_td_num(f, t.recognized);
    page_td_num(f, t.revoked);
    page_td_num(f, t.carried_over);
    fputs("</tr>\n</tbody></table>\n", f);
}

static void plans_table(FILE *f, const Exemplar__ReviewReport *r, sr_lang_t lang)
{
    fputs("<p>", f);
    esct(f, lang, SR_T_RV_PLANS_COUNT, (unsigned long long)r->n_plans);
    fputs("</p>\n", f);
    if (!r->n_plans)
        return;
    const char *cols[] = {sr_text(SR_T_UNIT, lang), sr_text(SR_T_PERIOD, lang),
                          sr_text(SR_T_DUE, lang), sr_text(SR_T_RV_STATUS, lang)};
    page_thead(f, "plans", lang, cols, 4);
    for (size_t i = 0; i < r->n_plans; i++) {
        const Exemplar__ReviewPlan *p = r->plans[i];
        char due[48], on[48], status[128];
        sr_format_day(p->due, lang, due, sizeof(due));
        if (p->submitted_on[0])
            snprintf(status, sizeof(status), "%s (%s)", sr_text(SR_T_RV_LATE, lang),
                     sr_format_day(p->submitted_on, lang, on, sizeof(on)));
        else
            snprintf(status, sizeof(status), "%s", sr_text(SR_T_RV_NO_PLAN, lang));
        page_stt(f, i + 1);
        page_td(f, p->unit_name);
        page_td_nw(f, p->period);
        page_td_nw(f, due);
        page_td(f, status);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void recognized_table(FILE *f, const Exemplar__ReviewReport *r, sr_lang_t lang)
{
    fputs("<p>", f);
    esct(f, lang, SR_T_RV_RECOG_COUNT, (unsigned long long)r->recognized_count);
    fputs("</p>\n", f);
    if (!r->n_recognized)
        return;
    const char *cols[] = {sr_text(SR_T_NAME, lang), sr_text(SR_T_UNIT, lang),
                          sr_text(SR_T_KIND, lang), sr_text(SR_T_DECISION, lang)};
    page_thead(f, "recognized", lang, cols, 4);
    for (size_t i = 0; i < r->n_recognized; i++) {
        const Exemplar__SummaryRecognized *x = r->recognized[i];
        char decision[600];
        page_stt(f, i + 1);
        page_td(f, x->name);
        page_td(f, x->unit_name);
        page_td(f, summary_kind_label(x->kind, lang));
        page_td(f, sr_decision_line(x->decision, lang, decision, sizeof(decision)));
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

int report_render_html(const Exemplar__ReviewReport *r, sr_lang_t lang, const summary_doc_t *doc,
                       FILE *f)
{
    char subject[512], as_of[48], from[48], to[48], when[96];
    report_subject(r, lang, subject, sizeof(subject));
    sr_format_day(r->as_of, lang, as_of, sizeof(as_of));
    sr_format_day(r->from, lang, from, sizeof(from));
    sr_format_day(r->to, lang, to, sizeof(to));
    sr_format_time(r->generated_at_ms, lang, when, sizeof(when));
    page_begin(f, lang, subject, doc, subject);

    page_part(f, 0, SR_T_GENERAL, lang);
    fputs("<p>", f);
    /* the label's conversions: as-of day, campaign, its title, from, to */
    char intro[1024];
    fill(intro, sizeof(intro), sr_text(SR_T_RV_INTRO, lang), as_of, r->campaign, r->campaign_title,
         from, to);
    page_esc(f, intro);
    if (r->scope_unit[0])
        page_escf(f, " %s: %s.", sr_text(SR_T_SCOPE, lang), r->scope_unit);
    page_escf(f, " %s, %s %s.", sr_text(SR_T_DATA_FROM, lang),
              lang == SR_EN ? "generated at" : "lập lúc", when);
    fputs("</p>\n<p>", f);
    totals_t t = totals(r, -1);
    esct(f, lang, SR_T_RV_TOTALS, (unsigned long long)t.expected, (unsigned long long)t.registered,
         (unsigned long long)t.fostered, (unsigned long long)t.recognized,
         (unsigned long long)t.revoked, (unsigned long long)t.carried_over);
    fputs("</p>\n", f);

    page_part(f, 1, SR_T_RV_BY_UNIT, lang);
    fputs("<p>", f);
    page_esc(f, sr_text(SR_T_RV_NOTE, lang));
    fputs("</p>\n", f);
    if (r->n_units) {
        fputs("<h3>1. ", f);
        page_esc(f, summary_kind_label(K_COLLECTIVE, lang));
        fputs("</h3>\n", f);
        unit_table(f, r, lang, K_COLLECTIVE, "units-collective");
        fputs("<h3>2. ", f);
        page_esc(f, summary_kind_label(K_INDIVIDUAL, lang));
        fputs("</h3>\n", f);
        unit_table(f, r, lang, K_INDIVIDUAL, "units-individual");
    } else {
        page_none(f, lang);
    }
    page_part(f, 2, SR_T_RV_PLANS, lang);
    plans_table(f, r, lang);
    page_part(f, 3, SR_T_RV_RECOG_LIST, lang);
    recognized_table(f, r, lang);
    page_end(f, lang, doc);
    return ferror(f) ? -EX_ESTORAGE : 0;
}

/* ---- XLSX --------------------------------------------------------------- */

static lxw_worksheet *sheet(lxw_workbook *wb, lxw_format *bold, const char *name,
                            const char *const *head, size_t n)
{
    char title[32];
    snprintf(title, sizeof(title), "%s", name);
    lxw_worksheet *ws = workbook_add_worksheet(wb, title);
    if (!ws)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], bold);
        worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, i == 1 ? 36 : 16, NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    return ws;
}

int report_render_xlsx(const Exemplar__ReviewReport *r, sr_lang_t lang, const char *path, char *err,
                       size_t errlen)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        snprintf(err, errlen, "cannot create the workbook %s", path);
        return -EX_ESTORAGE;
    }
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    const char *h1[] = {sr_text(SR_T_UNIT_CODE, lang),     sr_text(SR_T_UNIT, lang),
                        sr_text(SR_T_KIND, lang),          sr_text(SR_T_RV_EXPECTED, lang),
                        sr_text(SR_T_RV_REGISTERED, lang), sr_text(SR_T_RV_FOSTERED, lang),
                        sr_text(SR_T_RV_RECOGNIZED, lang), sr_text(SR_T_RV_REVOKED, lang),
                        sr_text(SR_T_RV_CARRIED, lang)};
    lxw_worksheet *ws = sheet(wb, bold, lang == SR_EN ? "By unit" : "Theo đơn vị", h1, 9);
    for (size_t i = 0; ws && i < r->n_units; i++) {
        const Exemplar__ReviewUnit *u = r->units[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, row, 0, u->unit, NULL);
        worksheet_write_string(ws, row, 1, u->unit_name, NULL);
        worksheet_write_string(ws, row, 2, summary_kind_label(u->kind, lang), NULL);
        const uint64_t v[] = {u->expected,   u->registered, u->fostered,
                              u->recognized, u->revoked,    u->carried_over};
        for (size_t k = 0; k < 6; k++)
            worksheet_write_number(ws, row, (lxw_col_t)(3 + k), (double)v[k], NULL);
    }
    const char *h2[] = {sr_text(SR_T_UNIT_CODE, lang), sr_text(SR_T_UNIT, lang),
                        sr_text(SR_T_PERIOD, lang), sr_text(SR_T_DUE, lang),
                        sr_text(SR_T_RV_SUBMITTED, lang)};
    ws = sheet(wb, bold, lang == SR_EN ? "Plans" : "Kế hoạch", h2, 5);
    for (size_t i = 0; ws && i < r->n_plans; i++) {
        const Exemplar__ReviewPlan *p = r->plans[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, row, 0, p->unit, NULL);
        worksheet_write_string(ws, row, 1, p->unit_name, NULL);
        worksheet_write_string(ws, row, 2, p->period, NULL);
        worksheet_write_string(ws, row, 3, p->due, NULL);
        worksheet_write_string(ws, row, 4, p->submitted_on, NULL);
    }
    const char *h3[] = {sr_text(SR_T_IDS, lang),      sr_text(SR_T_NAME, lang),
                        sr_text(SR_T_UNIT, lang),     sr_text(SR_T_KIND, lang),
                        sr_text(SR_T_DAY, lang),      sr_text(SR_T_DEC_NUMBER, lang),
                        sr_text(SR_T_DEC_DATE, lang), sr_text(SR_T_DEC_ISSUER, lang)};
    ws = sheet(wb, bold, lang == SR_EN ? "Recognized" : "Công nhận", h3, 8);
    for (size_t i = 0; ws && i < r->n_recognized; i++) {
        const Exemplar__SummaryRecognized *x = r->recognized[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_number(ws, row, 0, (double)x->id, NULL);
        worksheet_write_string(ws, row, 1, x->name, NULL);
        worksheet_write_string(ws, row, 2, x->unit_name, NULL);
        worksheet_write_string(ws, row, 3, summary_kind_label(x->kind, lang), NULL);
        worksheet_write_string(ws, row, 4, x->day, NULL);
        if (x->decision) {
            worksheet_write_string(ws, row, 5, x->decision->number, NULL);
            worksheet_write_string(ws, row, 6, x->decision->date, NULL);
            worksheet_write_string(ws, row, 7, x->decision->issuer, NULL);
        }
    }
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        snprintf(err, errlen, "cannot write the workbook %s (%s)", path, lxw_strerror(e));
        return -EX_ESTORAGE;
    }
    return 0;
}

/* ---- files -------------------------------------------------------------- */

typedef struct {
    const Exemplar__ReviewReport *r;
    unsigned format;
    sr_lang_t lang;
    const summary_doc_t *doc;
} report_out_t;

static int report_stream(void *ctx, FILE *f)
{
    const report_out_t *o = ctx;
    return o->format == SR_JSON  ? report_render_json(o->r, f)
           : o->format == SR_CSV ? report_render_csv(o->r, o->lang, f)
                                 : report_render_html(o->r, o->lang, o->doc, f);
}

/* libxlsxwriter wants a path: the temporary's own. */
static int report_xlsx(void *ctx, const char *tmp, char *err, size_t errlen)
{
    const report_out_t *o = ctx;
    return report_render_xlsx(o->r, o->lang, tmp, err, errlen);
}

int report_write_file(const Exemplar__ReviewReport *r, unsigned format, sr_lang_t lang,
                      const summary_doc_t *doc, const char *path, char *err, size_t errlen)
{
    report_out_t o = {r, format, lang, doc};
    return ex_safefile_write(path, 0640, format == SR_XLSX ? NULL : report_stream, report_xlsx, &o,
                             err, errlen);
}

int report_write_files(const Exemplar__ReviewReport *r, const char *dir, unsigned formats,
                       sr_lang_t lang, const summary_doc_t *doc, char *err, size_t errlen)
{
    static const struct {
        unsigned bit;
        const char *ext;
    } F[] = {{SR_JSON, "json"}, {SR_CSV, "csv"}, {SR_XLSX, "xlsx"}, {SR_HTML, "html"}};
    char stem[128];
    report_file_stem(r, stem, sizeof(stem));
    for (size_t i = 0; i < sizeof(F) / sizeof(F[0]); i++) {
        if (!(formats & F[i].bit))
            continue;
        char path[4096];
        if (snprintf(path, sizeof(path), "%s/%s.%s", dir, stem, F[i].ext) >= (int)sizeof(path)) {
            snprintf(err, errlen, "the reports directory's path is too long");
            return -EX_EINVALID;
        }
        int rc = report_write_file(r, F[i].bit, lang, doc, path, err, errlen);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int report_fetch(ex_client_t *c, const char *campaign, const char *period, const char *as_of,
                 Exemplar__Reply **reply)
{
    Exemplar__ReviewReportRequest body = EXEMPLAR__REVIEW_REPORT_REQUEST__INIT;
    body.campaign = (char *)(campaign ? campaign : "");
    body.period = (char *)(period ? period : "");
    body.as_of = (char *)(as_of ? as_of : "");
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_REVIEW_REPORT;
    req.review_report = &body;
    return ex_client_call(c, &req, reply);
}

/* ---- on schedule -------------------------------------------------------- */

/* The last day of a period's windows (INT32_MIN without any). */
static int32_t period_last_day(const Exemplar__Period *p)
{
    int32_t last = INT32_MIN, d;
    for (size_t i = 0; i < p->n_windows; i++)
        if (day_parse(p->windows[i]->to, &d) == 0 && d > last)
            last = d;
    return last;
}

/* Fetches one report and writes its four files; appends the HTML file's
 * path (and a newline) to written. */
static int write_due(ex_client_t *c, const char *campaign, const char *period, const char *dir,
                     sr_lang_t lang, const summary_doc_t *doc, bool write, char *written,
                     size_t wlen, char *err, size_t errlen)
{
    if (!write) {
        size_t used = strlen(written);
        snprintf(written + used, wlen - used, "%s/review-%s-%s.html\n", dir,
                 period[0] ? "interim" : "final", period[0] ? period : campaign);
        return 0;
    }
    Exemplar__Reply *reply = NULL;
    int rc = ex_reply_status(report_fetch(c, campaign, period, "", &reply), reply);
    if (rc < 0) {
        snprintf(err, errlen, "%s %s: %s", campaign, period,
                 reply && reply->error ? reply->error->message : ex_err_message(rc));
        ex_reply_free(reply);
        return rc;
    }
    const Exemplar__ReviewReport *r = reply->review_report->report;
    rc = report_write_files(r, dir, SR_ALL, lang, doc, err, errlen);
    if (rc == 0) {
        char stem[128];
        size_t used = strlen(written);
        snprintf(written + used, wlen - used, "%s/%s.html\n", dir,
                 report_file_stem(r, stem, sizeof(stem)));
    }
    ex_reply_free(reply);
    return rc;
}

int report_write_due(ex_client_t *c, const char *quarter, const char *campaign, const char *dir,
                     sr_lang_t lang, const summary_doc_t *doc, bool write, char *written,
                     size_t wlen, char *err, size_t errlen)
{
    unsigned q;
    written[0] = '\0';
    if (day_quarter_parse(quarter, &q) < 0) {
        snprintf(err, errlen, "\"%s\" is not a quarter", quarter);
        return -EX_EINVALID;
    }
    int32_t first = day_quarter_first(q), last = day_quarter_last(q);
    Exemplar__CampaignShowRequest body = EXEMPLAR__CAMPAIGN_SHOW_REQUEST__INIT;
    body.campaign = (char *)(campaign ? campaign : "");
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_CAMPAIGN_SHOW;
    req.campaign_show = &body;
    Exemplar__Reply *reply = NULL;
    int rc = ex_reply_status(ex_client_call(c, &req, &reply), reply);
    if (rc < 0) {
        snprintf(err, errlen, "%s",
                 reply && reply->error ? reply->error->message : ex_err_message(rc));
        ex_reply_free(reply);
        return rc;
    }
    const Exemplar__CampaignReply *cr = reply->campaign;
    for (size_t i = 0; rc == 0 && i < cr->n_campaigns; i++) {
        const Exemplar__CampaignInfo *ci = cr->campaigns[i];
        int32_t end = INT32_MIN;
        for (size_t p = 0; rc == 0 && p < ci->n_periods; p++) {
            int32_t pend = period_last_day(ci->periods[p]);
            end = pend > end ? pend : end;
            if (pend >= first && pend <= last) /* the period ends: its interim review */
                rc = write_due(c, ci->id, ci->periods[p]->id, dir, lang, doc, write, written, wlen,
                               err, errlen);
        }
        if (rc == 0 && end >= first && end <= last) /* the campaign ends: the final review */
            rc = write_due(c, ci->id, "", dir, lang, doc, write, written, wlen, err, errlen);
    }
    ex_reply_free(reply);
    return rc;
}
