/* SPDX-License-Identifier: MIT */
/*
 * The summary as a workbook (libxlsxwriter): one sheet per table, numbers
 * as numbers, the header row bold and frozen.
 */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "errors.h"
#include "labels.h"

typedef struct {
    lxw_workbook *wb;
    lxw_format *bold;
} book_t;

/* A sheet with its header row; sheet names are at most 31 characters. */
static lxw_worksheet *sheet(book_t *b, const char *name, const char *const *head, size_t n)
{
    char title[32];
    snprintf(title, sizeof(title), "%s", name);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, title);
    if (!ws)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], b->bold);
        worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, i == 1 ? 36 : 16, NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    return ws;
}

int summary_render_xlsx(const Exemplar__Summary *s, sr_lang_t lang, const char *path, char *err,
                        size_t errlen)
{
    book_t b = {workbook_new(path), NULL};
    if (!b.wb) {
        snprintf(err, errlen, "cannot create the workbook %s", path);
        return -EX_ESTORAGE;
    }
    b.bold = workbook_add_format(b.wb);
    format_set_bold(b.bold);

    const char *h1[] = {sr_text(SR_T_UNIT_CODE, lang), sr_text(SR_T_UNIT, lang),
                        sr_text(SR_T_KIND, lang), sr_text(SR_T_STATE, lang),
                        sr_text(SR_T_COUNT, lang)};
    /* Short sheet names: Excel allows 31 characters. */
    lxw_worksheet *ws = sheet(&b, lang == SR_EN ? "Nominations" : "Trường hợp đề nghị", h1, 5);
    for (size_t i = 0; ws && i < s->n_rows; i++) {
        const Exemplar__SummaryRow *r = s->rows[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, row, 0, r->unit, NULL);
        worksheet_write_string(ws, row, 1, r->unit_name, NULL);
        worksheet_write_string(ws, row, 2, summary_kind_label(r->kind, lang), NULL);
        worksheet_write_string(ws, row, 3, summary_state_label(r->state, lang), NULL);
        worksheet_write_number(ws, row, 4, (double)r->count, NULL);
    }

    const char *h2[] = {sr_text(SR_T_UNIT_CODE, lang), sr_text(SR_T_FROM, lang),
                        sr_text(SR_T_TO, lang), sr_text(SR_T_COUNT, lang)};
    ws = sheet(&b, lang == SR_EN ? "Moves" : "Chuyển trạng thái", h2, 4);
    for (size_t i = 0; ws && i < s->n_moves; i++) {
        const Exemplar__SummaryMove *m = s->moves[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, row, 0, m->unit, NULL);
        worksheet_write_string(ws, row, 1, summary_state_label(m->from, lang), NULL);
        worksheet_write_string(ws, row, 2, summary_state_label(m->to, lang), NULL);
        worksheet_write_number(ws, row, 3, (double)m->count, NULL);
    }

    const char *h3[] = {sr_text(SR_T_IDS, lang),        sr_text(SR_T_NAME, lang),
                        sr_text(SR_T_UNIT, lang),       sr_text(SR_T_KIND, lang),
                        sr_text(SR_T_DAY, lang),        sr_text(SR_T_CAMPAIGN, lang),
                        sr_text(SR_T_DEC_NUMBER, lang), sr_text(SR_T_DEC_DATE, lang),
                        sr_text(SR_T_DEC_ISSUER, lang)};
    ws = sheet(&b, lang == SR_EN ? "Recognized" : "Công nhận", h3, 9);
    for (size_t i = 0; ws && i < s->n_recognized; i++) {
        const Exemplar__SummaryRecognized *r = s->recognized[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_number(ws, row, 0, (double)r->id, NULL);
        worksheet_write_string(ws, row, 1, r->name, NULL);
        worksheet_write_string(ws, row, 2, r->unit_name, NULL);
        worksheet_write_string(ws, row, 3, summary_kind_label(r->kind, lang), NULL);
        worksheet_write_string(ws, row, 4, r->day, NULL);
        worksheet_write_string(ws, row, 5, r->campaign, NULL);
        if (r->decision) { /* the recognizing decision; absent in older stores */
            worksheet_write_string(ws, row, 6, r->decision->number, NULL);
            worksheet_write_string(ws, row, 7, r->decision->date, NULL);
            worksheet_write_string(ws, row, 8, r->decision->issuer, NULL);
        }
    }

    const char *h4[] = {sr_text(SR_T_UNIT_CODE, lang), sr_text(SR_T_UNIT, lang),
                        sr_text(SR_T_CAMPAIGN, lang),  sr_text(SR_T_PERIOD, lang),
                        sr_text(SR_T_MILESTONE, lang), sr_text(SR_T_DUE, lang)};
    ws = sheet(&b, lang == SR_EN ? "Overdue" : "Quá hạn", h4, 6);
    for (size_t i = 0; ws && i < s->n_overdue; i++) {
        const Exemplar__SummaryOverdue *o = s->overdue[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, row, 0, o->unit, NULL);
        worksheet_write_string(ws, row, 1, o->unit_name, NULL);
        worksheet_write_string(ws, row, 2, o->campaign, NULL);
        worksheet_write_string(ws, row, 3, o->period, NULL);
        worksheet_write_string(ws, row, 4, sr_milestone_label(o->milestone, lang), NULL);
        worksheet_write_string(ws, row, 5, o->due, NULL);
    }

    const char *h5[] = {sr_text(SR_T_UNIT_CODE, lang), sr_text(SR_T_UNIT, lang),
                        sr_text(SR_T_COUNT, lang), sr_text(SR_T_IDS, lang)};
    ws = sheet(&b, lang == SR_EN ? "Evidence gaps" : "Thiếu minh chứng", h5, 4);
    for (size_t i = 0; ws && i < s->n_gaps; i++) {
        const Exemplar__SummaryGap *g = s->gaps[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        char ids[1024] = "";
        size_t used = 0;
        for (size_t j = 0; j < g->n_nominations && used + 24 < sizeof(ids); j++)
            used += (size_t)snprintf(ids + used, sizeof(ids) - used, "%s%llu", j ? " " : "",
                                     (unsigned long long)g->nominations[j]);
        worksheet_write_string(ws, row, 0, g->unit, NULL);
        worksheet_write_string(ws, row, 1, g->unit_name, NULL);
        worksheet_write_number(ws, row, 2, (double)g->count, NULL);
        worksheet_write_string(ws, row, 3, ids, NULL);
    }

    lxw_error e = workbook_close(b.wb);
    if (e != LXW_NO_ERROR) {
        snprintf(err, errlen, "cannot write the workbook %s (%s)", path, lxw_strerror(e));
        return -EX_ESTORAGE;
    }
    return 0;
}
