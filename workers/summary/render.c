/* SPDX-License-Identifier: MIT */
/*
 * The top of the summary's renderers: its JSON and CSV forms, the dispatch
 * to every format (HTML and XLSX in their own files, all of them on
 * labels.c's words and counts), fetching it from the daemon and writing the
 * files of every format into a directory (summary_render.h).
 */
#include "summary_render.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvcell.h"
#include "day.h"
#include "errors.h"
#include "names.h"
#include "labels.h"
#include "safefile.h"

/* ---- JSON --------------------------------------------------------------- */

static json_object *str(const char *s)
{
    return json_object_new_string(s ? s : "");
}

int summary_render_json(const Exemplar__Summary *s, FILE *f)
{
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "quarter", str(s->quarter));
    json_object_object_add(doc, "from", str(s->from));
    json_object_object_add(doc, "as_of", str(s->as_of));
    json_object_object_add(doc, "campaign", str(s->campaign));
    json_object_object_add(doc, "scope_unit", str(s->scope_unit));
    json_object_object_add(doc, "generated_at_ms", json_object_new_int64(s->generated_at_ms));
    json_object_object_add(doc, "nominations", json_object_new_uint64(s->nominations));
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < s->n_rows; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "unit", str(s->rows[i]->unit));
        json_object_object_add(o, "unit_name", str(s->rows[i]->unit_name));
        json_object_object_add(o, "kind", str(ex_kind_name(s->rows[i]->kind)));
        json_object_object_add(o, "state", str(ex_state_name(s->rows[i]->state)));
        json_object_object_add(o, "count", json_object_new_uint64(s->rows[i]->count));
        json_object_array_add(a, o);
    }
    json_object_object_add(doc, "rows", a);
    a = json_object_new_array();
    for (size_t i = 0; i < s->n_moves; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "unit", str(s->moves[i]->unit));
        json_object_object_add(o, "unit_name", str(s->moves[i]->unit_name));
        json_object_object_add(o, "from",
                               str(s->moves[i]->from ? ex_state_name(s->moves[i]->from) : "new"));
        json_object_object_add(o, "to", str(ex_state_name(s->moves[i]->to)));
        json_object_object_add(o, "count", json_object_new_uint64(s->moves[i]->count));
        json_object_array_add(a, o);
    }
    json_object_object_add(doc, "moves", a);
    json_object_object_add(doc, "recognized_count", json_object_new_uint64(s->recognized_count));
    a = json_object_new_array();
    for (size_t i = 0; i < s->n_recognized; i++) {
        const Exemplar__SummaryRecognized *r = s->recognized[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_uint64(r->id));
        json_object_object_add(o, "name", str(r->name));
        json_object_object_add(o, "unit", str(r->unit));
        json_object_object_add(o, "unit_name", str(r->unit_name));
        json_object_object_add(o, "kind", str(ex_kind_name(r->kind)));
        json_object_object_add(o, "day", str(r->day));
        json_object_object_add(o, "campaign", str(r->campaign));
        if (r->decision) { /* the recognizing decision; absent in older stores */
            json_object *d = json_object_new_object();
            json_object_object_add(d, "number", str(r->decision->number));
            json_object_object_add(d, "date", str(r->decision->date));
            json_object_object_add(d, "issuer", str(r->decision->issuer));
            json_object_object_add(o, "decision", d);
        }
        json_object_array_add(a, o);
    }
    json_object_object_add(doc, "recognized", a);
    a = json_object_new_array();
    for (size_t i = 0; i < s->n_overdue; i++) {
        const Exemplar__SummaryOverdue *r = s->overdue[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "unit", str(r->unit));
        json_object_object_add(o, "unit_name", str(r->unit_name));
        json_object_object_add(o, "campaign", str(r->campaign));
        json_object_object_add(o, "period", str(r->period));
        json_object_object_add(o, "milestone", str(r->milestone));
        json_object_object_add(o, "due", str(r->due));
        json_object_array_add(a, o);
    }
    json_object_object_add(doc, "overdue", a);
    json_object_object_add(doc, "gap_count", json_object_new_uint64(s->gap_count));
    a = json_object_new_array();
    for (size_t i = 0; i < s->n_gaps; i++) {
        const Exemplar__SummaryGap *g = s->gaps[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "unit", str(g->unit));
        json_object_object_add(o, "unit_name", str(g->unit_name));
        json_object_object_add(o, "count", json_object_new_uint64(g->count));
        json_object *ids = json_object_new_array();
        for (size_t j = 0; j < g->n_nominations; j++)
            json_object_array_add(ids, json_object_new_uint64(g->nominations[j]));
        json_object_object_add(o, "nominations", ids);
        json_object *names = json_object_new_array();
        for (size_t j = 0; j < g->n_names; j++)
            json_object_array_add(names, str(g->names[j]));
        json_object_object_add(o, "names", names);
        json_object_array_add(a, o);
    }
    json_object_object_add(doc, "gaps", a);
    const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE);
    int rc = fprintf(f, "%s\n", text) < 0 ? -EX_ESTORAGE : 0;
    json_object_put(doc);
    return rc;
}

/* ---- CSV ---------------------------------------------------------------- */

/* One record: fields quoted by libcsv, separated by commas, CRLF (RFC 4180).
 * Names come from users: a cell that would start a spreadsheet formula gets
 * csvcell's quote prefix.  The numbers this file writes (counts, ids) are
 * never negative, so every cell goes through it. */
static void csv_row(FILE *f, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        csvcell_fwrite(f, fields[i]);
    }
    fputs("\r\n", f);
}

int summary_render_csv(const Exemplar__Summary *s, sr_lang_t lang, FILE *f)
{
    char num[32], id[32];
    fputs("\xEF\xBB\xBF", f); /* the BOM: Excel then reads UTF-8 */
    {
        const char *h[] = {sr_text(SR_T_TITLE, lang), sr_text(SR_T_QUARTER, lang), s->quarter,
                           sr_text(SR_T_AS_OF, lang), s->as_of};
        csv_row(f, h, 5);
    }
    fputs("\r\n", f);
    {
        const char *h[] = {sr_text(SR_T_NOMINATIONS, lang)};
        csv_row(f, h, 1);
        const char *c[] = {sr_text(SR_T_UNIT_CODE, lang), sr_text(SR_T_UNIT, lang),
                           sr_text(SR_T_KIND, lang), sr_text(SR_T_STATE, lang),
                           sr_text(SR_T_COUNT, lang)};
        csv_row(f, c, 5);
    }
    for (size_t i = 0; i < s->n_rows; i++) {
        const Exemplar__SummaryRow *r = s->rows[i];
        snprintf(num, sizeof(num), "%" PRIu64, r->count);
        const char *v[] = {r->unit, r->unit_name, summary_kind_label(r->kind, lang),
                           summary_state_label(r->state, lang), num};
        csv_row(f, v, 5);
    }
    fputs("\r\n", f);
    {
        const char *h[] = {sr_text(SR_T_MOVES, lang)};
        csv_row(f, h, 1);
        const char *c[] = {sr_text(SR_T_UNIT_CODE, lang), sr_text(SR_T_FROM, lang),
                           sr_text(SR_T_TO, lang), sr_text(SR_T_COUNT, lang)};
        csv_row(f, c, 4);
    }
    for (size_t i = 0; i < s->n_moves; i++) {
        const Exemplar__SummaryMove *m = s->moves[i];
        snprintf(num, sizeof(num), "%" PRIu64, m->count);
        const char *v[] = {m->unit, summary_state_label(m->from, lang),
                           summary_state_label(m->to, lang), num};
        csv_row(f, v, 4);
    }
    fputs("\r\n", f);
    {
        snprintf(num, sizeof(num), "%" PRIu64, s->recognized_count);
        const char *h[] = {sr_text(SR_T_RECOGNIZED, lang), num};
        csv_row(f, h, 2);
        const char *c[] = {sr_text(SR_T_IDS, lang),        sr_text(SR_T_NAME, lang),
                           sr_text(SR_T_UNIT, lang),       sr_text(SR_T_KIND, lang),
                           sr_text(SR_T_DAY, lang),        sr_text(SR_T_CAMPAIGN, lang),
                           sr_text(SR_T_DEC_NUMBER, lang), sr_text(SR_T_DEC_DATE, lang),
                           sr_text(SR_T_DEC_ISSUER, lang)};
        csv_row(f, c, 9);
    }
    for (size_t i = 0; i < s->n_recognized; i++) {
        const Exemplar__SummaryRecognized *r = s->recognized[i];
        const Exemplar__Decision *d = r->decision;
        snprintf(id, sizeof(id), "%" PRIu64, r->id);
        const char *v[] = {id,
                           r->name,
                           r->unit_name,
                           summary_kind_label(r->kind, lang),
                           r->day,
                           r->campaign,
                           d ? d->number : "",
                           d ? d->date : "",
                           d ? d->issuer : ""};
        csv_row(f, v, 9);
    }
    fputs("\r\n", f);
    {
        const char *h[] = {sr_text(SR_T_OVERDUE, lang)};
        csv_row(f, h, 1);
        const char *c[] = {sr_text(SR_T_UNIT_CODE, lang), sr_text(SR_T_UNIT, lang),
                           sr_text(SR_T_CAMPAIGN, lang),  sr_text(SR_T_PERIOD, lang),
                           sr_text(SR_T_MILESTONE, lang), sr_text(SR_T_DUE, lang)};
        csv_row(f, c, 6);
    }
    for (size_t i = 0; i < s->n_overdue; i++) {
        const Exemplar__SummaryOverdue *o = s->overdue[i];
        const char *v[] = {
            o->unit, o->unit_name, o->campaign, o->period, sr_milestone_label(o->milestone, lang),
            o->due};
        csv_row(f, v, 6);
    }
    fputs("\r\n", f);
    {
        snprintf(num, sizeof(num), "%" PRIu64, s->gap_count);
        const char *h[] = {sr_text(SR_T_GAPS, lang), num};
        csv_row(f, h, 2);
        const char *c[] = {sr_text(SR_T_UNIT_CODE, lang), sr_text(SR_T_UNIT, lang),
                           sr_text(SR_T_COUNT, lang), sr_text(SR_T_IDS, lang)};
        csv_row(f, c, 4);
    }
    for (size_t i = 0; i < s->n_gaps; i++) {
        const Exemplar__SummaryGap *g = s->gaps[i];
        char ids[1024] = "";
        size_t used = 0;
        for (size_t j = 0; j < g->n_nominations && used + 24 < sizeof(ids); j++)
            used += (size_t)snprintf(ids + used, sizeof(ids) - used, "%s%" PRIu64, j ? " " : "",
                                     g->nominations[j]);
        snprintf(num, sizeof(num), "%" PRIu64, g->count);
        const char *v[] = {g->unit, g->unit_name, num, ids};
        csv_row(f, v, 4);
    }
    return ferror(f) ? -EX_ESTORAGE : 0;
}

/* ---- files -------------------------------------------------------------- */

static const struct {
    unsigned bit;
    const char *ext;
} FORMATS[] = {{SR_JSON, "json"}, {SR_CSV, "csv"}, {SR_XLSX, "xlsx"}, {SR_HTML, "html"}};

typedef struct {
    const Exemplar__Summary *s;
    unsigned format;
    sr_lang_t lang;
    const summary_doc_t *doc;
} summary_out_t;

static int summary_stream(void *ctx, FILE *f)
{
    const summary_out_t *o = ctx;
    return o->format == SR_JSON  ? summary_render_json(o->s, f)
           : o->format == SR_CSV ? summary_render_csv(o->s, o->lang, f)
                                 : summary_render_html(o->s, o->lang, o->doc, f);
}

/* libxlsxwriter wants a path: the temporary's own (for an unnamed one,
 * /proc/self/fd/N reopens the same new file). */
static int summary_xlsx(void *ctx, const char *tmp, char *err, size_t errlen)
{
    const summary_out_t *o = ctx;
    return summary_render_xlsx(o->s, o->lang, tmp, err, errlen);
}

int summary_write_file(const Exemplar__Summary *s, unsigned format, sr_lang_t lang,
                       const summary_doc_t *doc, const char *path, char *err, size_t errlen)
{
    summary_out_t o = {s, format, lang, doc};
    return ex_safefile_write(path, 0640, format == SR_XLSX ? NULL : summary_stream, summary_xlsx,
                             &o, err, errlen);
}

int summary_write_files(const Exemplar__Summary *s, const char *dir, unsigned formats,
                        sr_lang_t lang, const summary_doc_t *doc, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof(FORMATS) / sizeof(FORMATS[0]); i++) {
        if (!(formats & FORMATS[i].bit))
            continue;
        char path[4096];
        if (snprintf(path, sizeof(path), "%s/summary-%s.%s", dir, s->quarter, FORMATS[i].ext) >=
            (int)sizeof(path)) {
            snprintf(err, errlen, "the reports directory's path is too long");
            return -EX_EINVALID;
        }
        int rc = summary_write_file(s, FORMATS[i].bit, lang, doc, path, err, errlen);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int summary_fetch(ex_client_t *c, const char *quarter, const char *as_of, const char *campaign,
                  Exemplar__Reply **reply)
{
    Exemplar__SummaryRequest body = EXEMPLAR__SUMMARY_REQUEST__INIT;
    body.quarter = (char *)quarter;
    body.as_of = (char *)(as_of ? as_of : "");
    body.campaign = (char *)(campaign ? campaign : "");
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_SUMMARY;
    req.summary = &body;
    return ex_client_call(c, &req, reply);
}

int summary_write_all(ex_client_t *c, const char *quarter, const char *as_of, const char *campaign,
                      const char *dir, sr_lang_t lang, const summary_doc_t *doc, char *err,
                      size_t errlen)
{
    Exemplar__Reply *reply = NULL;
    int rc = ex_reply_status(summary_fetch(c, quarter, as_of, campaign, &reply), reply);
    if (rc < 0) {
        snprintf(err, errlen, "%s",
                 reply && reply->error ? reply->error->message : ex_err_message(rc));
        ex_reply_free(reply);
        return rc;
    }
    rc = summary_write_files(reply->summary->summary, dir, SR_ALL, lang, doc, err, errlen);
    ex_reply_free(reply);
    return rc;
}
