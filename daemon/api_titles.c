/* SPDX-License-Identifier: MIT */
/*
 * The administrator's title aliases (see api_titles.h).  A published fact
 * whose spelling nothing in the catalogue resolves is kept (titles.h); an
 * alias is how a person says what that spelling means, once, for every
 * fact that used it and every fact to come.
 */
#include "api_titles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_rules.h"
#include "i18n.h"
#include "log.h"
#include "text.h"
#include "titles.h"
#include "vitext.h"

/* Kept facts looked at per request: the whole set in practice (unmatched
 * facts are the exceptions of a few publishers). */
#define RESOLVE_MAX        10000
#define EVIDENCE_REPLY_MAX 1000
#define REFUSED_REPLY_MAX  100

static int reply_aliases(call_t *x, Exemplar__TitleAliasReply *r)
{
    r->unmatched = (uint32_t)titles_unmatched_count(x->txn);
    x->reply.body_case = EXEMPLAR__REPLY__BODY_TITLE_ALIAS;
    x->reply.title_alias = r;
    return api_pack(x);
}

static int check_alias(call_t *x, const Exemplar__TitleAliasAddRequest *r, const rulebook_t *b,
                       const char *folded)
{
    if (!rulebook_title(b, r->title))
        return api_refuse(x, -EX_EINVALID,
                          _("title \"%.20s\" is not in the rule book: an alias names a title code "
                            "of daemon/data/rulesets.yaml (exemplarctl help evidence lists them)"),
                          r->title);
    bool known_set = !r->ruleset[0];
    for (size_t i = 0; !known_set && i < b->n_sets; i++)
        known_set = strcmp(b->sets[i].id, r->ruleset) == 0;
    if (!known_set)
        return api_refuse(x, -EX_EINVALID, _("rule set \"%.40s\" is not in the rule book"),
                          r->ruleset);
    /* A name the rule book resolves in the years the alias is for stays
     * the rule book's: an alias is for what it does not know (a later
     * law's name used for an earlier year is an alias for that rule set). */
    for (size_t i = 0; i < b->n_sets; i++) {
        if (r->ruleset[0] && strcmp(b->sets[i].id, r->ruleset) != 0)
            continue;
        const title_t *t = rulebook_resolve(b, b->sets[i].from_year, r->spelling);
        if (t)
            return api_refuse(x, -EX_ECONFLICT,
                              _("\"%s\" is already a name of title %s in the rule book (rule set "
                                "%s); an alias is for a spelling the rule book does not know in "
                                "the years it is for (--ruleset)"),
                              r->spelling, t->code, b->sets[i].id);
    }
    Exemplar__TitleAlias *old = NULL;
    int rc = titles_alias_get(x->txn, folded, &old);
    if (rc == -EX_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    bool same = strcmp(old->title, r->title) == 0 && strcmp(old->ruleset, r->ruleset) == 0;
    if (!same)
        rc = api_refuse(x, -EX_ECONFLICT,
                        _("\"%s\" is already an alias of %s (added by %s); the rule book's "
                          "aliases change only in daemon/data/rulesets.yaml or [rules] "
                          "rulebook_file"),
                        old->spelling, old->title, old->added_by);
    exemplar__title_alias__free_unpacked(old, NULL);
    return rc < 0 ? rc : 1;
}

/* The kept facts that resolve now become evidence (or stay, with why). */
static int resolve_kept(call_t *x, Exemplar__TitleAliasReply *out, Exemplar__Evidence ***ev,
                        char ***refused)
{
    const rulebook_t *b = rules_book(x->rules);
    Exemplar__Event **v = calloc(RESOLVE_MAX, sizeof(*v));
    *ev = calloc(EVIDENCE_REPLY_MAX, sizeof(**ev));
    *refused = calloc(REFUSED_REPLY_MAX, sizeof(**refused));
    if (!v || !*ev || !*refused) {
        free(v);
        return -EX_EINTERNAL;
    }
    size_t n = 0;
    bool more = false;
    int rc = titles_unmatched(x->txn, NULL, 0, RESOLVE_MAX, v, &n, &more);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const Exemplar__Event *e = v[i];
        const char *text = titles_fact_text(e);
        const title_t *t = NULL;
        if (!text || (rc = titles_resolve(x->txn, b, (int)e->year, text, &t)) < 0 || !t)
            continue;
        char why[512];
        rc = api_rules_fact_evidence(x->rules, x->txn, e, t, x->now_ms, why, sizeof(why));
        if (rc == -EX_EINVALID) {
            if (out->n_refused < REFUSED_REPLY_MAX)
                (*refused)[out->n_refused++] = strdup(why);
            rc = 0;
            continue;
        }
        if (rc < 0)
            break;
        titles_forget_unmatched(x->txn, e->ingest_seq);
        out->resolved++;
        if (out->n_evidence < EVIDENCE_REPLY_MAX) {
            Exemplar__Evidence *one = malloc(sizeof(*one));
            Exemplar__Decision *d = malloc(sizeof(*d));
            if (one && d) {
                exemplar__evidence__init(one);
                exemplar__decision__init(d);
                one->subject = strdup(e->subject);
                one->year = (int32_t)e->year;
                one->title = strdup(t->code);
                d->number = strdup(e->decision ? e->decision->number : "");
                d->date = strdup(e->decision ? e->decision->date : "");
                d->issuer = strdup(e->decision ? e->decision->issuer : "");
                one->decision = d;
                one->at_ms = x->now_ms;
                one->day = rules_today(x->rules, x->now_ms);
                (*ev)[out->n_evidence++] = one;
            } else {
                free(one);
                free(d);
            }
        }
        log_info("rules, event %s of %s (\"%s\", %u) resolved to %s by an alias: evidence of %s",
                 e->event_id, e->publisher, text, e->year, t->code, e->subject);
    }
    for (size_t i = 0; i < n; i++)
        exemplar__event__free_unpacked(v[i], NULL);
    free(v);
    out->evidence = *ev;
    out->refused = *refused;
    return rc < 0 ? rc : x->txn->rc;
}

int api_titles_alias_add(call_t *x)
{
    const Exemplar__TitleAliasAddRequest *r = x->req->title_alias_add;
    char *spelling = NULL, *folded = NULL;
    int rc = text_normalize(r->spelling, TITLES_SPELLING_MAX, true, false, &spelling);
    if (rc < 0)
        return api_refuse(x, -EX_EINVALID,
                          _("spelling must be 1-%d bytes of UTF-8 text on one line"),
                          TITLES_SPELLING_MAX);
    folded = vitext_fold(spelling);
    Exemplar__TitleAliasAddRequest norm = *r;
    norm.spelling = spelling;
    if (!folded || !folded[0]) {
        rc = api_refuse(x, -EX_EINVALID, _("spelling must hold letters"));
        goto out;
    }
    rc = check_alias(x, &norm, rules_book(x->rules), folded);
    if (rc < 0)
        goto out;
    Exemplar__TitleAlias a = EXEMPLAR__TITLE_ALIAS__INIT;
    a.spelling = spelling;
    a.folded = folded;
    a.title = r->title;
    a.ruleset = r->ruleset;
    a.added_by = (char *)x->actor->name;
    a.at_ms = x->now_ms;
    if (rc == 0) {
        titles_alias_put(x->txn, &a);
        log_info("rules, %s maps \"%s\" to title %s%s%s", x->actor->name, spelling, r->title,
                 r->ruleset[0] ? " for rule set " : "", r->ruleset);
    }
    Exemplar__TitleAliasReply out = EXEMPLAR__TITLE_ALIAS_REPLY__INIT;
    Exemplar__TitleAlias *one = &a;
    out.aliases = &one;
    out.n_aliases = 1;
    Exemplar__Evidence **ev = NULL;
    char **refused = NULL;
    rc = resolve_kept(x, &out, &ev, &refused);
    if (rc == 0)
        rc = reply_aliases(x, &out);
    for (size_t i = 0; i < out.n_evidence; i++)
        exemplar__evidence__free_unpacked(ev[i], NULL);
    for (size_t i = 0; i < out.n_refused; i++)
        free(refused[i]);
    free(ev);
    free(refused);
out:
    free(spelling);
    free(folded);
    return rc;
}

int api_titles_alias_list(call_t *x)
{
    Exemplar__TitleAlias **v = NULL;
    size_t n = 0;
    int rc = titles_aliases(x->txn, &v, &n);
    if (rc < 0)
        return rc;
    Exemplar__TitleAliasReply out = EXEMPLAR__TITLE_ALIAS_REPLY__INIT;
    out.aliases = v;
    out.n_aliases = n;
    rc = reply_aliases(x, &out);
    titles_aliases_free(v, n);
    return rc;
}
