/* SPDX-License-Identifier: MIT */
/*
 * The quarterly summary rendered for people, shared by exemplarctl
 * and exemplar-summary: JSON (json-c), CSV (libcsv, UTF-8 with a BOM so that
 * Excel reads Vietnamese), XLSX (libxlsxwriter) and one self-contained HTML
 * page with inline SVG charts (the state funnel and per-unit bars).  Labels
 * are Vietnamese by default, English on request; one table holds both.
 *
 * Every function returns 0 or a negative EX_E* code (errors.h) with a
 * sentence in err.
 */
#ifndef EXEMPLAR_SUMMARY_RENDER_H
#define EXEMPLAR_SUMMARY_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "exemplar.h"
#include "council.pb-c.h"
#include "record.pb-c.h"
#include "summary.pb-c.h"

typedef enum { SR_VI = 0, SR_EN = 1 } sr_lang_t;

enum {
    SR_JSON = 1,
    SR_CSV = 2,
    SR_XLSX = 4,
    SR_HTML = 8,
    SR_ALL = 15,
};

/* "json", "csv", "xlsx", "html" -> SR_*; "all" -> SR_ALL; 0 when unknown. */
unsigned summary_format_parse(const char *name);
/* "vi" / "en" -> 0 with *lang; -1 when unknown. */
int summary_lang_parse(const char *name, sr_lang_t *lang);

/* A quarter as people write it: "Quý III/2023" (vi) or "Q3 2023" (en);
 * anything else is copied as it is. */
const char *summary_quarter_label(const char *quarter, sr_lang_t lang, char *buf, size_t len);

/* The label of a state or a kind in lang ("Bồi dưỡng" / "Fostering"). */
const char *summary_state_label(int state, sr_lang_t lang);
const char *summary_kind_label(int kind, sr_lang_t lang);

/* The summary as an administrative document (Decree 30/2020/NĐ-CP): the
 * values of its header and signature block.  Each may be NULL/empty: the
 * page then shows a blank (……) to fill in by hand, never a guess. */
#define SUMMARY_DOC_RECIPIENTS_MAX 32
#define SUMMARY_DOC_VALUE_MAX      300
typedef struct {
    char *parent; /* the governing body (cơ quan chủ quản), e.g. BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG */
    char *body;      /* the issuing body (cơ quan ban hành) */
    char *number;    /* the number the records office gives (số) */
    char *symbol;    /* the symbol after "BC-" (ký hiệu), e.g. TĐKTTT */
    char *place;     /* the place of the date line (địa danh), e.g. Hà Nội */
    char *date;      /* YYYY-MM-DD, the day it is signed */
    char *subject;   /* the summary line under BÁO CÁO (trích yếu); default: the quarter's */
    char *authority; /* signing for (quyền hạn), e.g. KT. BỘ TRƯỞNG */
    char *title;     /* the signer's office (chức vụ), e.g. THỨ TRƯỞNG */
    char *signer;    /* the signer's full name */
    char *archive;   /* after "Lưu:", e.g. VT, TĐKTTT */
    char *recipients[SUMMARY_DOC_RECIPIENTS_MAX]; /* Nơi nhận, one per line */
    size_t n_recipients;
} summary_doc_t;

/* Sets KEY (parent, body, number, symbol, place, date, subject, authority,
 * title, signer, archive; recipient adds a line) to value.  Returns 0, or
 * -1 with why in err (unknown key, a line break, a bad date). */
int summary_doc_set(summary_doc_t *d, const char *key, const char *value, char *err, size_t errlen);
/* "KEY=VALUE" (a --doc option). */
int summary_doc_option(summary_doc_t *d, const char *key_value, char *err, size_t errlen);
/* Reads the [document] section of an INI file (inih).  Returns 0, or -1
 * with "FILE line N: why" in err. */
int summary_doc_load(summary_doc_t *d, const char *path, char *err, size_t errlen);
void summary_doc_free(summary_doc_t *d);

int summary_render_json(const Exemplar__Summary *s, FILE *f);
int summary_render_csv(const Exemplar__Summary *s, sr_lang_t lang, FILE *f);
/* doc may be NULL (every header value blank). */
int summary_render_html(const Exemplar__Summary *s, sr_lang_t lang, const summary_doc_t *doc,
                        FILE *f);
/* XLSX needs a file name (libxlsxwriter writes a zip). */
int summary_render_xlsx(const Exemplar__Summary *s, sr_lang_t lang, const char *path, char *err,
                        size_t errlen);

/* Writes one format of s to path as every file the project puts in place is
 * written (proto/safefile.h): a temporary nobody else can have made, mode
 * 0640, synced and renamed over path.  Returns 0, -EX_EFULL (no space) or
 * -EX_ESTORAGE (cannot write; err says why). */
int summary_write_file(const Exemplar__Summary *s, unsigned format, sr_lang_t lang,
                       const summary_doc_t *doc, const char *path, char *err, size_t errlen);

/* Writes the formats of `formats` (SR_*) as DIR/summary-QUARTER.EXT, each
 * by summary_write_file.  Returns 0, -EX_EFULL, -EX_EINVALID (the path is
 * too long) or -EX_ESTORAGE with a sentence in err. */
int summary_write_files(const Exemplar__Summary *s, const char *dir, unsigned formats,
                        sr_lang_t lang, const summary_doc_t *doc, char *err, size_t errlen);

/* Asks the daemon for the summary of quarter ("2023Q3") as of as_of (""
 * = the quarter's last day) of campaign ("" = all).  0 with *reply (free
 * with ex_reply_free; reply->summary->summary is the summary), or the
 * client's error code (then *reply may hold the daemon's error reply). */
int summary_fetch(ex_client_t *c, const char *quarter, const char *as_of, const char *campaign,
                  Exemplar__Reply **reply);

/* The one-shot of exemplar-summary (and the job the worker loop runs):
 * fetches the summary and writes every format into dir.  Returns 0 or a
 * negative EX_E* with a sentence in err. */
int summary_write_all(ex_client_t *c, const char *quarter, const char *as_of, const char *campaign,
                      const char *dir, sr_lang_t lang, const summary_doc_t *doc, char *err,
                      size_t errlen);

/* ---- the interim and final review reports (report.c) ------------------ */

/* The report's subject line: "Sơ kết công tác ... giai đoạn 2021-2023". */
const char *report_subject(const Exemplar__ReviewReport *r, sr_lang_t lang, char *buf, size_t len);
/* Its files' name without extension: review-interim-2021-2023,
 * review-final-2021-2025. */
const char *report_file_stem(const Exemplar__ReviewReport *r, char *buf, size_t len);
int report_render_json(const Exemplar__ReviewReport *r, FILE *f);
int report_render_csv(const Exemplar__ReviewReport *r, sr_lang_t lang, FILE *f);
/* doc may be NULL (every header value blank). */
int report_render_html(const Exemplar__ReviewReport *r, sr_lang_t lang, const summary_doc_t *doc,
                       FILE *f);
int report_render_xlsx(const Exemplar__ReviewReport *r, sr_lang_t lang, const char *path, char *err,
                       size_t errlen);
/* As summary_write_file and summary_write_files (DIR/STEM.EXT). */
int report_write_file(const Exemplar__ReviewReport *r, unsigned format, sr_lang_t lang,
                      const summary_doc_t *doc, const char *path, char *err, size_t errlen);
int report_write_files(const Exemplar__ReviewReport *r, const char *dir, unsigned formats,
                       sr_lang_t lang, const summary_doc_t *doc, char *err, size_t errlen);
/* Asks the daemon for the report of campaign's period (interim) or of the
 * whole campaign (period NULL or ""), as of as_of ("" = the span's last
 * day).  As summary_fetch: reply->review_report->report is the report. */
int report_fetch(ex_client_t *c, const char *campaign, const char *period, const char *as_of,
                 Exemplar__Reply **reply);
/* The reports due after quarter (YYYYQn), as the summary worker writes them
 * on its quarterly schedule: the interim report of every period whose
 * windows end in the quarter and the final report of every campaign that
 * ends in it (of campaign only, unless NULL or ""), each in the four
 * formats into dir (with write false: only listed).  The HTML files' paths are listed in written,
 * one a line ("" when none is due).  0, or a negative EX_E* with a sentence in err. */
int report_write_due(ex_client_t *c, const char *quarter, const char *campaign, const char *dir,
                     sr_lang_t lang, const summary_doc_t *doc, bool write, char *written,
                     size_t wlen, char *err, size_t errlen);

/* ---- the council's minutes and the recognition decision (minutes.c) --- */

/* The minutes (biên bản) of a review meeting of the Emulation and
 * Commendation Council, from a MeetingShow or MeetingClose reply: the
 * meeting's reference and day, the members present, absent with a written
 * vote and absent with their roles, the voting rules applied, per
 * nomination the counts, the number needed and the result, and the
 * signatures of the secretary and the chair.  noms[i] is the nomination of
 * the meeting's item i (for its unit's name; NULL or any entry NULL: the
 * unit's code); doc may be NULL. */
int minutes_render_html(const Exemplar__MeetingReply *mr, Exemplar__Nomination *const *noms,
                        sr_lang_t lang, const summary_doc_t *doc, FILE *f);
/* 0 when a recognition decision can be drafted from the meeting: it is
 * closed and approved at least one nomination; else -EX_ECONFLICT with a
 * sentence in err. */
int decision_check(const Exemplar__Meeting *m, char *err, size_t errlen);
/* The draft recognition decision (Quyết định công nhận) from a closed
 * meeting: its number a blank, the legal bases, three articles, the
 * recipients and signature, and the annexed list (name, unit, kind) of the
 * nominations the council approved.  noms as for minutes_render_html (the
 * kind and the campaign come from them). */
int decision_render_html(const Exemplar__MeetingReply *mr, Exemplar__Nomination *const *noms,
                         sr_lang_t lang, const summary_doc_t *doc, FILE *f);
/* Writes the minutes (decision false) or the decision to path as
 * summary_write_file writes.  0, -EX_ECONFLICT (decision_check), -EX_EFULL
 * or -EX_ESTORAGE with a sentence in err. */
int meeting_write_file(const Exemplar__MeetingReply *mr, Exemplar__Nomination *const *noms,
                       bool decision, sr_lang_t lang, const summary_doc_t *doc, const char *path,
                       char *err, size_t errlen);

#endif
