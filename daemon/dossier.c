/* SPDX-License-Identifier: MIT */
/*
 * The unit's dossier of a nomination (see dossier.h): its storage, the
 * acclamation's threshold and the lines `check` shows.
 */
#include "dossier.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "i18n.h"
#include "key.h"
#include "records.h"

const ruleset_t *dossier_ruleset(const rulebook_t *b, const period_t *p)
{
    for (size_t y = p->n_years; y > 0; y--) {
        const ruleset_t *s = rulebook_for_year(b, p->years[y - 1]);
        if (s)
            return s;
    }
    return NULL;
}

int dossier_get(store_txn_t *t, uint64_t id, Exemplar__Dossier **out)
{
    uint8_t k[8];
    store_val_t v;
    key_put_u64(k, id);
    *out = NULL;
    int rc = store_get(t, DB_DOSSIERS, k, sizeof(k), &v);
    if (rc < 0)
        return rc;
    *out = exemplar__dossier__unpack(NULL, v.len, v.data);
    return *out ? 0 : -EX_ESTORAGE;
}

void dossier_put(store_txn_t *t, const Exemplar__Dossier *d)
{
    uint8_t k[8];
    key_put_u64(k, d->nomination_id);
    records_put_message(t, DB_DOSSIERS, k, sizeof(k), &d->base);
}

bool dossier_acclaimed(const ruleset_t *s, const Exemplar__Acclamation *a)
{
    if (!a || !a->present || a->in_favour > a->present)
        return false;
    /* in_favour / present >= num / den, without rounding */
    return (uint64_t)a->in_favour * s->acclamation_min.den >=
           (uint64_t)a->present * s->acclamation_min.num;
}

/* The fewest in favour of `present` that meet s's threshold. */
static uint32_t needed(const ruleset_t *s, uint32_t present)
{
    uint64_t n = (uint64_t)present * s->acclamation_min.num;
    return (uint32_t)((n + s->acclamation_min.den - 1) / s->acclamation_min.den);
}

const qualitative_t *dossier_criterion(const ruleset_t *s, bool collective, const char *code)
{
    for (size_t i = 0; i < s->n_qualitative; i++) {
        const qualitative_t *q = &s->qualitative[i];
        if (strcmp(q->code, code) != 0)
            continue;
        if (q->kind == TITLE_ANY || q->kind == (collective ? TITLE_COLLECTIVE : TITLE_INDIVIDUAL))
            return q;
    }
    return NULL;
}

__attribute__((format(printf, 3, 4))) static void add(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

void dossier_explain(const ruleset_t *s, bool collective, const Exemplar__Dossier *d, char *buf,
                     size_t len)
{
    const Exemplar__Acclamation *a = d ? d->acclamation : NULL;
    bool ok = dossier_acclaimed(s, a);
    const char *mark = ok ? _("met") : s->acclamation_required ? _("missing") : _("not required");
    add(buf, len, "\n  [%s] %s", mark, _("acclaimed by the collective"));
    if (a)
        add(buf, len, _(": meeting of %s, %u of %u present in favour, at least %u/%u needed"),
            a->date, a->in_favour, a->present, s->acclamation_min.num, s->acclamation_min.den);
    else
        add(buf, len,
            _(": no acclamation recorded (exemplarctl acclaim ID --date YYYY-MM-DD "
              "--present N --in-favour M); at least %u/%u of those present needed"),
            s->acclamation_min.num, s->acclamation_min.den);
    for (size_t i = 0; i < s->n_qualitative; i++) {
        const qualitative_t *q = &s->qualitative[i];
        if (q->kind != TITLE_ANY && q->kind != (collective ? TITLE_COLLECTIVE : TITLE_INDIVIDUAL))
            continue;
        const Exemplar__Judgement *j = NULL;
        for (size_t k = 0; d && k < d->n_judgements; k++)
            if (strcmp(d->judgements[k]->criterion, q->code) == 0)
                j = d->judgements[k];
        if (j)
            add(buf, len, "\n  [%s] %s (%s): %s", j->met ? _("met") : _("not met"), q->text,
                q->code, j->reason);
        else
            add(buf, len, "\n  [%s] %s (%s)", _("not judged"), q->text, q->code);
    }
    dossier_explain_files(s, d, buf, len);
}

/* The latest attachment of part in d, or NULL. */
static const Exemplar__Attachment *latest(const Exemplar__Dossier *d, const char *part)
{
    const Exemplar__Attachment *found = NULL;
    for (size_t i = 0; d && i < d->n_attachments; i++)
        if (strcmp(d->attachments[i]->part, part) == 0 &&
            (!found || d->attachments[i]->version > found->version))
            found = d->attachments[i];
    return found;
}

bool dossier_files_complete(const ruleset_t *s, const Exemplar__Dossier *d, char *missing,
                            size_t len)
{
    bool complete = true;
    if (missing && len)
        missing[0] = '\0';
    for (size_t i = 0; i < s->n_dossier_required; i++) {
        const char *part = s->dossier_required[i];
        if (strcmp(part, "acclamation") == 0 || latest(d, part))
            continue;
        if (missing && len)
            add(missing, len, "%s%s", complete ? "" : ", ", part);
        complete = false;
    }
    return complete;
}

/* Is part among the rule set's required parts? */
static bool required(const ruleset_t *s, const char *part)
{
    for (size_t i = 0; i < s->n_dossier_required; i++)
        if (strcmp(s->dossier_required[i], part) == 0)
            return true;
    return false;
}

void dossier_explain_files(const ruleset_t *s, const Exemplar__Dossier *d, char *buf, size_t len)
{
    char missing[256];
    bool complete = dossier_files_complete(s, d, missing, sizeof(missing));
    if (complete)
        add(buf, len, "\n  [%s] %s", _("met"), _("the dossier's required files are attached"));
    else
        add(buf, len, "\n  [%s] %s: %s", _("missing"),
            _("the dossier's required files are not all attached"), missing);
    for (size_t i = 0; i < s->n_dossier_parts; i++) {
        const char *part = s->dossier_parts[i];
        const Exemplar__Attachment *a = latest(d, part);
        if (a)
            add(buf, len, _("\n    %s: %s, %s, %llu bytes, version %u"), part, a->filename,
                a->media_type, (unsigned long long)a->size, a->version);
        else
            add(buf, len, "\n    %s: %s", part,
                required(s, part) ? _("no file (required; exemplarctl attach ID PART FILE)")
                                  : _("no file"));
    }
}

void dossier_files_refusal(const ruleset_t *s, const char *missing, const char *verb, uint64_t id,
                           char *buf, size_t len)
{
    snprintf(buf, len,
             _("%s is refused: rule set %s requires these files in the dossier of nomination %llu, "
               "and they are not attached: %s; attach each with exemplarctl attach %llu PART "
               "FILE"),
             verb, s->id, (unsigned long long)id, missing, (unsigned long long)id);
}

void dossier_refusal(const ruleset_t *s, const Exemplar__Dossier *d, const char *verb, uint64_t id,
                     char *buf, size_t len)
{
    const Exemplar__Acclamation *a = d ? d->acclamation : NULL;
    if (!a)
        snprintf(buf, len,
                 _("%s is refused: rule set %s requires the collective's acclamation and none is "
                   "recorded for nomination %llu; record the review meeting with exemplarctl "
                   "acclaim %llu --date YYYY-MM-DD --present N --in-favour M"),
                 verb, s->id, (unsigned long long)id, (unsigned long long)id);
    else
        snprintf(buf, len,
                 _("%s is refused: rule set %s requires at least %u/%u of those present in favour; "
                   "the meeting of %s had %u of %u, %u needed; record a meeting that acclaimed "
                   "nomination %llu (exemplarctl acclaim)"),
                 verb, s->id, s->acclamation_min.num, s->acclamation_min.den, a->date, a->in_favour,
                 a->present, needed(s, a->present), (unsigned long long)id);
}
