/* SPDX-License-Identifier: MIT */
/*
 * The printed page of the summary worker's reports (page.c): an
 * administrative document in the layout of Decree 30/2020/NĐ-CP on A4,
 * self-contained HTML (one inline style sheet, no script).  Every text is
 * escaped.  Not installed.
 */
#ifndef EXEMPLAR_SUMMARY_PAGE_H
#define EXEMPLAR_SUMMARY_PAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "labels.h"

/* The document up to its subject line: the head (title), the issuing body
 * and number, the national motto, the date line, BÁO CÁO and subject (the
 * header's own subject when d gives one).  d may be NULL: every value is
 * then a blank to fill in by hand. */
void page_begin(FILE *f, sr_lang_t lang, const char *title, const summary_doc_t *d,
                const char *subject);
/* The same for another document type: type is the label of its name
 * (SR_T_MINUTES_TYPE, SR_T_DECISION_TYPE), sym the symbol before the
 * body's in the number line ("BB", "QĐ"). */
void page_begin_as(FILE *f, sr_lang_t lang, const char *title, const summary_doc_t *d, int type,
                   const char *sym, const char *subject);
/* The recipients and the signature block, and the end of the page. */
void page_end(FILE *f, sr_lang_t lang, const summary_doc_t *d);

/* The recipients and the signature block alone (an annex follows). */
void page_signature(FILE *f, sr_lang_t lang, const summary_doc_t *d);
/* Only the end of the page (a document with signatures of its own). */
void page_close(FILE *f);

void page_esc(FILE *f, const char *s);
__attribute__((format(printf, 2, 3))) void page_escf(FILE *f, const char *fmt, ...);
/* Part n (0: I) titled with the label `title`; a numbered sub-part of it. */
void page_part(FILE *f, int n, int title, sr_lang_t lang);
void page_subpart(FILE *f, int n, int m, int title, sr_lang_t lang);
/* "None." in italics. */
void page_none(FILE *f, sr_lang_t lang);
/* A table with id, its STT column and the columns' headers; rows start with
 * page_stt and end with "</tr>", the table with "</tbody></table>". */
void page_thead(FILE *f, const char *id, sr_lang_t lang, const char *const *cols, size_t n);
void page_stt(FILE *f, size_t i);
void page_th(FILE *f, const char *s);
void page_td(FILE *f, const char *s);
/* A cell that does not wrap: a day or a period. */
void page_td_nw(FILE *f, const char *s);
void page_td_num(FILE *f, uint64_t n);

#endif
