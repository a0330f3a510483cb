/* SPDX-License-Identifier: MIT */
/*
 * The draft achievement report (báo cáo thành tích) of a nomination, on the
 * Decree 30/2020 page (page.c): the form of the commendation decree's annex
 * (Decree 91/2017, Mẫu 01 for a collective, Mẫu 02 for a person, as
 * research-notes.md 1.5 summarises them; Decree 98/2023's own annex was not
 * read), filled with what the daemon knows: the unit, the name, the titles
 * by year with the decisions that awarded them (the evidence ledger), the
 * plan's criteria as `check` judged them, the collective's acclamation and
 * the unit's judgements.  What the daemon does not know (position, the
 * account of the achievements, signatures) is a visible blank for the unit
 * to complete before it uploads the report as the dossier's part `report`.
 * Made from replies alone (get, evidence-list, check, attachment-get), so a
 * client renders it without any daemon header.
 */
#ifndef EXEMPLAR_SUMMARY_ACHIEVEMENT_H
#define EXEMPLAR_SUMMARY_ACHIEVEMENT_H

#include <stddef.h>
#include <stdio.h>

#include "labels.h"
#include "wire.pb-c.h"

typedef struct {
    const Exemplar__Nomination *nomination; /* required */
    Exemplar__Evidence *const *evidence;    /* the subject's titles, any order */
    size_t n_evidence;
    const Exemplar__CheckReply *check; /* NULL: the criteria left blank */
    const Exemplar__Dossier *dossier;  /* NULL: nothing recorded */
} achievement_t;

/* Writes the draft as one HTML document.  0, -EX_EINVALID (no
 * nomination) or -EX_ESTORAGE (f failed). */
int achievement_render_html(const achievement_t *a, sr_lang_t lang, const summary_doc_t *doc,
                            FILE *f);
/* Writes it to path whole (ex_safefile, mode 0640).  0, -EX_EFULL or
 * -EX_ESTORAGE with a sentence in err. */
int achievement_write_file(const achievement_t *a, sr_lang_t lang, const summary_doc_t *doc,
                           const char *path, char *err, size_t errlen);

#endif
