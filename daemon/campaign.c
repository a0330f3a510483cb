/* SPDX-License-Identifier: MIT */
/*
 * Campaign files and the rule book (see campaign.h).  libyaml loads the
 * document into its node tree; the walkers below accept exactly the keys
 * the format has and name the line of anything else, so a typo in an
 * administrator's file is an error at start-up, not a silently open window.
 */
#include "campaign.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "vitext.h"

/* ---- the YAML tree ------------------------------------------------------- */

typedef struct {
    yaml_document_t doc;
    const char *source;
    char *err;
    size_t errlen;
} yctx_t;

__attribute__((format(printf, 3, 4))) static int fail(yctx_t *y, const yaml_node_t *n,
                                                      const char *fmt, ...)
{
    char what[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(y->err, y->errlen, "%s line %zu: %s", y->source, n ? n->start_mark.line + 1 : 1, what);
    return -1;
}

static yaml_node_t *node(yctx_t *y, int index)
{
    return yaml_document_get_node(&y->doc, index);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int want(yctx_t *y, const yaml_node_t *n, yaml_node_type_t type, const char *what)
{
    static const char *const NAMES[] = {"nothing", "a value", "a list", "a mapping"};
    if (n && n->type == type)
        return 0;
    return fail(y, n, "%s must be %s", what, NAMES[type]);
}

/* Copies a scalar of 1..len-1 bytes. */
static int copy_text(yctx_t *y, const yaml_node_t *n, const char *what, char *dst, size_t len)
{
    const char *s = scalar(n);
    if (!s)
        return fail(y, n, "%s must be a value", what);
    if (!s[0] || strlen(s) >= len)
        return fail(y, n, "%s must be 1-%zu bytes long", what, len - 1);
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

static int parse_int(yctx_t *y, const yaml_node_t *n, const char *what, long lo, long hi, long *out)
{
    const char *s = scalar(n);
    char *end;
    if (!s || !s[0])
        return fail(y, n, "%s must be a whole number", what);
    long v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi)
        return fail(y, n, "%s must be a whole number from %ld to %ld, not \"%.40s\"", what, lo, hi,
                    s);
    *out = v;
    return 0;
}

/* A day: "YYYY-MM-DD", or in a relative campaign an offset "+N" / "-N". */
static int parse_day(yctx_t *y, const yaml_node_t *n, bool relative, const char *what, int32_t *out)
{
    if (relative) {
        long v = 0; /* parse_int sets it; GCC -O2 does not see that */
        if (parse_int(y, n, what, -36600, 36600, &v) < 0)
            return -1;
        *out = (int32_t)v;
        return 0;
    }
    if (day_parse(scalar(n), out) < 0)
        return fail(y, n, "%s must be a date YYYY-MM-DD, not \"%.40s\"", what,
                    scalar(n) ? scalar(n) : "");
    return 0;
}

static int parse_range(yctx_t *y, const yaml_node_t *n, bool relative, const char *what,
                       day_range_t *out)
{
    if (want(y, n, YAML_SEQUENCE_NODE, what) < 0)
        return -1;
    yaml_node_item_t *items = n->data.sequence.items.start;
    if (n->data.sequence.items.top - items != 2)
        return fail(y, n, "%s must be a list of two days [FROM, TO]", what);
    if (parse_day(y, node(y, items[0]), relative, what, &out->from) < 0 ||
        parse_day(y, node(y, items[1]), relative, what, &out->to) < 0)
        return -1;
    if (out->to < out->from)
        return fail(y, n, "%s ends before it begins", what);
    return 0;
}

/* Calls fn for every key of a mapping; unknown keys are fn's to refuse. */
typedef int pair_fn(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg);

static int each_pair(yctx_t *y, const yaml_node_t *map, const char *what, pair_fn *fn, void *arg)
{
    if (want(y, map, YAML_MAPPING_NODE, what) < 0)
        return -1;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node(y, p->key), *v = node(y, p->value);
        const char *key = scalar(k);
        if (!key)
            return fail(y, k, "%s: keys must be plain names", what);
        if (fn(y, key, k, v, arg) < 0)
            return -1;
    }
    return 0;
}

static int load(yctx_t *y, const char *text, size_t len)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(y->err, y->errlen, "%s: out of memory", y->source);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int rc = 0;
    if (!yaml_parser_load(&parser, &y->doc)) {
        snprintf(y->err, y->errlen, "%s line %zu: %s%s%s", y->source, parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "invalid YAML", parser.context ? " " : "",
                 parser.context ? parser.context : "");
        rc = -1;
    } else if (!yaml_document_get_root_node(&y->doc)) {
        snprintf(y->err, y->errlen, "%s line 1: the file is empty", y->source);
        yaml_document_delete(&y->doc);
        rc = -1;
    }
    yaml_parser_delete(&parser);
    return rc;
}

/* ---- campaigns ----------------------------------------------------------- */

typedef struct {
    campaign_t *c;
    period_t *p;
    /* per milestone: where its deadline fields were given (0: not) */
    size_t deadline_line[CAMPAIGN_MILESTONES_MAX];
    size_t due_line[CAMPAIGN_MILESTONES_MAX];
} camp_arg_t;

static const char *const MILESTONE_ACTION_NAME[MILESTONE_ACTION_COUNT] = {
    [MILESTONE_INFO] = "",
    [MILESTONE_PLAN] = "plan",
};

const char *milestone_action_name(milestone_action_t a)
{
    return a < MILESTONE_ACTION_COUNT ? MILESTONE_ACTION_NAME[a] : "";
}

/* "HH:MM" or "HH:MM:SS" -> seconds into the day; -1 if not such a time. */
static int32_t parse_time(const char *s)
{
    size_t len = s ? strlen(s) : 0;
    if (len != 5 && len != 8)
        return -1;
    int part[3] = {0, 0, 0};
    for (size_t i = 0; i < len; i++) {
        bool colon = i % 3 == 2;
        if (colon ? s[i] != ':' : (s[i] < '0' || s[i] > '9'))
            return -1;
        if (!colon)
            part[i / 3] = part[i / 3] * 10 + (s[i] - '0');
    }
    if (part[0] > 23 || part[1] > 59 || part[2] > 59)
        return -1;
    return part[0] * 3600 + part[1] * 60 + part[2];
}

static window_t window_by_name(const char *name)
{
    for (int w = WIN_ANY + 1; w < WIN_COUNT; w++)
        if (strcmp(nom_window_name((window_t)w), name) == 0)
            return (window_t)w;
    return WIN_ANY;
}

static int window_pair(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    camp_arg_t *a = arg;
    window_t w = window_by_name(key);
    if (w == WIN_ANY)
        return fail(y, k,
                    "unknown window \"%.40s\" (registration, fostering, unit-review, "
                    "ministry-review, recognition, carry-over)",
                    key);
    if (a->p->has_window[w])
        return fail(y, k, "window %s is given twice", key);
    a->p->has_window[w] = true;
    return parse_range(y, v, a->c->relative, key, &a->p->window[w]);
}

static int period_pair(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    camp_arg_t *a = arg;
    if (strcmp(key, "id") == 0)
        return copy_text(y, v, "period id", a->p->id, sizeof(a->p->id));
    if (strcmp(key, "windows") == 0)
        return each_pair(y, v, "windows", window_pair, a);
    if (strcmp(key, "years") == 0) {
        if (want(y, v, YAML_SEQUENCE_NODE, "years") < 0)
            return -1;
        for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
             i++) {
            long year = 0; /* as above */
            if (a->p->n_years == CAMPAIGN_YEARS_MAX)
                return fail(y, v, "at most %d years per period", CAMPAIGN_YEARS_MAX);
            if (parse_int(y, node(y, *i), "a year", a->c->relative ? -50 : 1900,
                          a->c->relative ? 50 : 2999, &year) < 0)
                return -1;
            a->p->years[a->p->n_years++] = (int)year;
        }
        return 0;
    }
    return fail(y, k, "unknown key \"%.40s\" in a period (id, years, windows)", key);
}

static int milestone_pair(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    camp_arg_t *a = arg;
    milestone_t *m = &a->c->milestones[a->c->n_milestones];
    if (strcmp(key, "name") == 0)
        return copy_text(y, v, "milestone name", m->name, sizeof(m->name));
    if (strcmp(key, "from") == 0)
        return parse_day(y, v, a->c->relative, "from", &m->when.from);
    if (strcmp(key, "to") == 0)
        return parse_day(y, v, a->c->relative, "to", &m->when.to);
    size_t at = a->c->n_milestones;
    if (strcmp(key, "deadline") == 0) {
        const char *s = scalar(v);
        for (int i = MILESTONE_INFO + 1; s && i < MILESTONE_ACTION_COUNT; i++)
            if (strcmp(s, MILESTONE_ACTION_NAME[i]) == 0) {
                m->action = (milestone_action_t)i;
                a->deadline_line[at] = k->start_mark.line + 1;
                return 0;
            }
        return fail(y, v,
                    "unknown deadline \"%.40s\": what units must have done by it (plan: "
                    "submitted the period's plan)",
                    s ? s : "");
    }
    if (strcmp(key, "period") == 0)
        return copy_text(y, v, "period", m->period, sizeof(m->period));
    if (strcmp(key, "due_time") == 0) {
        int32_t secs = parse_time(scalar(v));
        if (secs < 0)
            return fail(y, v, "due_time must be HH:MM or HH:MM:SS (Vietnam time), not \"%.40s\"",
                        scalar(v) ? scalar(v) : "");
        m->due_secs = secs;
        a->due_line[at] = k->start_mark.line + 1;
        return 0;
    }
    if (strcmp(key, "due_working_days") == 0) {
        long n;
        if (parse_int(y, v, "due_working_days", 1, MILESTONE_DUE_WD_MAX, &n) < 0)
            return -1;
        m->due_working_days = (int32_t)n;
        a->due_line[at] = k->start_mark.line + 1;
        return 0;
    }
    return fail(y, k,
                "unknown key \"%.40s\" in a milestone (name, from, to, deadline, period, "
                "due_time, due_working_days)",
                key);
}

/* The day a working-day deadline falls on, counted from the milestone's
 * from (w NULL: Monday to Friday). */
static void resolve_due(milestone_t *m, const workdays_t *w)
{
    m->due_day =
        m->due_working_days ? workdays_add(w, m->when.from, m->due_working_days) : m->when.to;
}

/* A deadline names its period; due_time and due_working_days belong to a
 * deadline.  The period is checked once the whole file is read (periods may
 * come after milestones). */
static int check_deadline(yctx_t *y, camp_arg_t *a, const yaml_node_t *item)
{
    milestone_t *m = &a->c->milestones[a->c->n_milestones];
    if (m->action != MILESTONE_INFO && !m->period[0])
        return fail(y, item,
                    "milestone \"%.60s\" is a deadline: say which period it is about "
                    "(period: ID)",
                    m->name);
    if (m->action == MILESTONE_INFO && (m->period[0] || a->due_line[a->c->n_milestones]))
        return fail(y, item,
                    "milestone \"%.60s\": period, due_time and due_working_days belong to a "
                    "deadline (deadline: plan)",
                    m->name);
    /* A relative campaign's days are offsets until campaign_resolve(). */
    m->due_day = m->when.to;
    if (!a->c->relative)
        resolve_due(m, NULL);
    return 0;
}

static int campaign_pair(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    camp_arg_t *a = arg;
    campaign_t *c = a->c;
    if (strcmp(key, "id") == 0)
        return copy_text(y, v, "id", c->id, sizeof(c->id));
    if (strcmp(key, "title") == 0)
        return copy_text(y, v, "title", c->title, sizeof(c->title));
    if (strcmp(key, "relative") == 0) {
        const char *s = scalar(v);
        if (!s || (strcmp(s, "true") && strcmp(s, "false")))
            return fail(y, v, "relative must be true or false");
        if (c->n_periods || c->n_milestones)
            return fail(y, k, "relative must come before periods and milestones");
        c->relative = strcmp(s, "true") == 0;
        return 0;
    }
    if (strcmp(key, "periods") == 0 || strcmp(key, "milestones") == 0) {
        bool periods = key[0] == 'p';
        if (want(y, v, YAML_SEQUENCE_NODE, key) < 0)
            return -1;
        for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
             i++) {
            yaml_node_t *item = node(y, *i);
            if (periods) {
                if (c->n_periods == CAMPAIGN_PERIODS_MAX)
                    return fail(y, item, "at most %d periods", CAMPAIGN_PERIODS_MAX);
                a->p = &c->periods[c->n_periods];
                if (each_pair(y, item, "a period", period_pair, a) < 0)
                    return -1;
                if (!a->p->id[0] || !a->p->n_years)
                    return fail(y, item, "a period needs an id and its years");
                if (campaign_period(c, a->p->id))
                    return fail(y, item, "period %s is given twice", a->p->id);
                c->n_periods++;
            } else {
                if (c->n_milestones == CAMPAIGN_MILESTONES_MAX)
                    return fail(y, item, "at most %d milestones", CAMPAIGN_MILESTONES_MAX);
                milestone_t *m = &c->milestones[c->n_milestones];
                m->when.from = INT32_MIN;
                m->when.to = INT32_MIN;
                m->due_secs = MILESTONE_DUE_SECS_DEFAULT;
                if (each_pair(y, item, "a milestone", milestone_pair, a) < 0)
                    return -1;
                if (!m->name[0] || m->when.from == INT32_MIN)
                    return fail(y, item, "a milestone needs a name and from");
                if (m->when.to == INT32_MIN)
                    m->when.to = m->when.from;
                if (m->when.to < m->when.from)
                    return fail(y, item, "milestone \"%.60s\" ends before it begins", m->name);
                if (check_deadline(y, a, item) < 0)
                    return -1;
                c->n_milestones++;
            }
        }
        return 0;
    }
    return fail(y, k, "unknown key \"%.40s\" (id, title, relative, periods, milestones)", key);
}

static bool valid_id(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return false;
    return true;
}

int campaign_parse(const char *text, size_t len, const char *source, campaign_t *out, char *err,
                   size_t errlen)
{
    yctx_t y = {.source = source, .err = err, .errlen = errlen};
    memset(out, 0, sizeof(*out));
    snprintf(out->source, sizeof(out->source), "%s", source);
    if (load(&y, text, len) < 0)
        return -1;
    camp_arg_t *a = calloc(1, sizeof(*a));
    if (!a) {
        snprintf(err, errlen, "%s: out of memory", source);
        yaml_document_delete(&y.doc);
        return -1;
    }
    a->c = out;
    yaml_node_t *root = yaml_document_get_root_node(&y.doc);
    int rc = each_pair(&y, root, "a campaign file", campaign_pair, a);
    if (rc == 0 && (!out->id[0] || !out->n_periods))
        rc = fail(&y, root, "a campaign needs an id and at least one period");
    if (rc == 0 && !valid_id(out->id))
        rc = fail(&y, root, "campaign id \"%s\" must be letters, digits, '.', '_' or '-'", out->id);
    for (size_t i = 0; rc == 0 && i < out->n_periods; i++)
        if (!valid_id(out->periods[i].id))
            rc = fail(&y, root, "period id \"%s\" must be letters, digits, '.', '_' or '-'",
                      out->periods[i].id);
    for (size_t i = 0; rc == 0 && i < out->n_milestones; i++) {
        const milestone_t *m = &out->milestones[i];
        if (m->action != MILESTONE_INFO && !campaign_period(out, m->period)) {
            rc = -1;
            snprintf(err, errlen, "%s line %zu: milestone \"%.60s\": campaign %s has no period %s",
                     source, a->deadline_line[i], m->name, out->id, m->period);
        }
    }
    free(a);
    yaml_document_delete(&y.doc);
    return rc;
}

static void shift(day_range_t *r, int32_t anchor)
{
    r->from += anchor;
    r->to += anchor;
}

void campaign_resolve(campaign_t *c, int32_t anchor)
{
    if (!c->relative)
        return;
    int year = day_year(anchor);
    for (size_t i = 0; i < c->n_periods; i++) {
        period_t *p = &c->periods[i];
        for (size_t j = 0; j < p->n_years; j++)
            p->years[j] += year;
        for (int w = 0; w < WIN_COUNT; w++)
            if (p->has_window[w])
                shift(&p->window[w], anchor);
    }
    c->relative = false;
    c->anchor = anchor;
    for (size_t i = 0; i < c->n_milestones; i++) {
        shift(&c->milestones[i].when, anchor);
        resolve_due(&c->milestones[i], NULL);
    }
}

void campaign_resolve_workdays(campaign_t *c, const workdays_t *w)
{
    if (c->relative)
        return;
    for (size_t i = 0; i < c->n_milestones; i++)
        resolve_due(&c->milestones[i], w);
}

int64_t milestone_due_ms(const milestone_t *m)
{
    return day_start_ms(m->due_day) + (int64_t)m->due_secs * 1000;
}

const period_t *campaign_period(const campaign_t *c, const char *id)
{
    for (size_t i = 0; i < c->n_periods; i++)
        if (strcmp(c->periods[i].id, id) == 0)
            return &c->periods[i];
    return NULL;
}

const period_t *campaign_next_period(const campaign_t *c, const period_t *p)
{
    size_t i = (size_t)(p - c->periods);
    return i + 1 < c->n_periods ? &c->periods[i + 1] : NULL;
}

const period_t *campaign_period_for_registration(const campaign_t *c, int32_t day)
{
    const period_t *started = NULL;
    for (size_t i = 0; i < c->n_periods; i++) {
        const period_t *p = &c->periods[i];
        if (period_window_open(p, WIN_REGISTRATION, day))
            return p;
        if (p->has_window[WIN_REGISTRATION] && p->window[WIN_REGISTRATION].from <= day)
            started = p;
    }
    return started ? started : &c->periods[0];
}

bool period_window_open(const period_t *p, window_t w, int32_t day)
{
    if (w == WIN_ANY)
        return true;
    return w < WIN_COUNT && p->has_window[w] && p->window[w].from <= day && day <= p->window[w].to;
}

/* ---- the rule book ------------------------------------------------------- */

typedef struct {
    rulebook_t *b;
    title_t *t;
    ruleset_t *s;
} book_arg_t;

static int code_list(yctx_t *y, yaml_node_t *v, const char *what, const rulebook_t *b,
                     char (*dst)[TITLE_CODE_MAX + 1], size_t max, size_t *n)
{
    if (want(y, v, YAML_SEQUENCE_NODE, what) < 0)
        return -1;
    for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
        yaml_node_t *item = node(y, *i);
        if (*n == max)
            return fail(y, item, "%s holds at most %zu titles", what, max);
        if (copy_text(y, item, "a title code", dst[*n], TITLE_CODE_MAX + 1) < 0)
            return -1;
        if (b && !rulebook_title(b, dst[*n]))
            return fail(y, item, "unknown title %s: list it under titles first", dst[*n]);
        (*n)++;
    }
    return 0;
}

static int title_field(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    book_arg_t *a = arg;
    title_t *t = a->t;
    if (strcmp(key, "name") == 0)
        return copy_text(y, v, "title name", t->name, sizeof(t->name));
    if (strcmp(key, "rank") == 0) {
        long r;
        if (parse_int(y, v, "rank", 0, 1000, &r) < 0)
            return -1;
        t->rank = (int)r;
        return 0;
    }
    if (strcmp(key, "kind") == 0) {
        const char *s = scalar(v);
        if (s && strcmp(s, "collective") == 0)
            t->kind = TITLE_COLLECTIVE;
        else if (s && strcmp(s, "individual") == 0)
            t->kind = TITLE_INDIVIDUAL;
        else if (s && strcmp(s, "any") == 0)
            t->kind = TITLE_ANY;
        else
            return fail(y, v, "kind must be collective, individual or any");
        return 0;
    }
    if (strcmp(key, "satisfies") == 0)
        return code_list(y, v, "satisfies", NULL, t->satisfies, TITLE_SATISFIES_MAX,
                         &t->n_satisfies);
    if (strcmp(key, "aliases") == 0) {
        if (want(y, v, YAML_SEQUENCE_NODE, "aliases") < 0)
            return -1;
        for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
             i++) {
            yaml_node_t *item = node(y, *i);
            if (t->n_aliases == TITLE_ALIASES_MAX)
                return fail(y, item, "a title has at most %d aliases", TITLE_ALIASES_MAX);
            if (copy_text(y, item, "an alias", t->aliases[t->n_aliases], CAMPAIGN_TEXT_MAX) < 0)
                return -1;
            t->n_aliases++;
        }
        return 0;
    }
    return fail(y, k, "unknown key \"%.40s\" in a title (name, kind, rank, satisfies, aliases)",
                key);
}

static int title_pair(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    book_arg_t *a = arg;
    if (a->b->n_titles == RULEBOOK_TITLES_MAX)
        return fail(y, k, "at most %d titles", RULEBOOK_TITLES_MAX);
    if (strlen(key) > TITLE_CODE_MAX || !valid_id(key))
        return fail(y, k, "title code \"%.40s\" must be 1-%d letters, digits, '.', '_' or '-'", key,
                    TITLE_CODE_MAX);
    if (rulebook_title(a->b, key))
        return fail(y, k, "title %s is given twice", key);
    a->t = &a->b->titles[a->b->n_titles];
    snprintf(a->t->code, sizeof(a->t->code), "%s", key);
    if (each_pair(y, v, "a title", title_field, a) < 0)
        return -1;
    if (!a->t->name[0])
        return fail(y, v, "title %s needs a name", key);
    a->b->n_titles++;
    return 0;
}

/* A rule set's `names`: CODE: the title's name in that rule set's law. */
static int name_pair(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    book_arg_t *a = arg;
    ruleset_t *s = a->s;
    if (!rulebook_title(a->b, key))
        return fail(y, k, "unknown title %.40s: list it under titles first", key);
    if (s->n_names == RULESET_NAMES_MAX)
        return fail(y, k, "a rule set names at most %d titles", RULESET_NAMES_MAX);
    title_name_t *n = &s->names[s->n_names];
    snprintf(n->code, sizeof(n->code), "%s", key);
    if (copy_text(y, v, "a title's name", n->name, sizeof(n->name)) < 0)
        return -1;
    s->n_names++;
    return 0;
}

/* A rule set's `council`: the secret ballot's quorum and threshold. */
static int council_field(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    council_rules_t *c = arg;
    const char *s = scalar(v);
    if (strcmp(key, "quorum") == 0 || strcmp(key, "threshold") == 0) {
        if (council_frac_parse(s, key[0] == 'q' ? &c->quorum : &c->threshold) < 0)
            return fail(y, v,
                        "council %s must be a fraction N/D or a percentage P%% of at most 1 "
                        "(e.g. 2/3, 90%%), not \"%.40s\"",
                        key, s ? s : "");
        return 0;
    }
    if (strcmp(key, "threshold_of") == 0) {
        if (s && strcmp(s, "members") == 0)
            c->threshold_base = COUNCIL_BASE_MEMBERS;
        else if (s && strcmp(s, "voters") == 0)
            c->threshold_base = COUNCIL_BASE_VOTERS;
        else
            return fail(y, v, "council threshold_of must be members or voters");
        return 0;
    }
    if (strcmp(key, "chair_approval") == 0 || strcmp(key, "written_votes") == 0) {
        bool *b = key[0] == 'c' ? &c->chair_approval_required : &c->written_votes;
        if (s && (strcmp(s, "required") == 0 || strcmp(s, "allowed") == 0))
            *b = true;
        else if (s && (strcmp(s, "not-required") == 0 || strcmp(s, "refused") == 0))
            *b = false;
        else
            return fail(y, v, "council %s must be %s", key,
                        key[0] == 'c' ? "required or not-required" : "allowed or refused");
        return 0;
    }
    if (strcmp(key, "tie") == 0) {
        if (s && strcmp(s, "not-approved") == 0)
            c->tie = COUNCIL_TIE_NOT_APPROVED;
        else if (s && strcmp(s, "revote") == 0)
            c->tie = COUNCIL_TIE_REVOTE;
        else if (s && strcmp(s, "chair") == 0)
            c->tie = COUNCIL_TIE_CHAIR;
        else
            return fail(y, v, "council tie must be not-approved, revote or chair");
        return 0;
    }
    return fail(y, k,
                "unknown key \"%.40s\" in a council (quorum, threshold, threshold_of, "
                "chair_approval, written_votes, tie)",
                key);
}

/* A rule set's `acclamation`: whether the unit's review needs the
 * collective's acclamation, and its threshold. */
static int acclamation_field(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    ruleset_t *r = arg;
    const char *s = scalar(v);
    if (strcmp(key, "required") == 0) {
        if (s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)) {
            r->acclamation_required = s[0] == 't';
            return 0;
        }
        return fail(y, v, "acclamation required must be true or false");
    }
    if (strcmp(key, "min_in_favour") == 0) {
        if (council_frac_parse(s, &r->acclamation_min) < 0)
            return fail(y, v,
                        "acclamation min_in_favour must be a fraction N/D or a percentage P%% "
                        "of at most 1 (e.g. 1/2, 50%%), not \"%.40s\"",
                        s ? s : "");
        return 0;
    }
    if (strcmp(key, "of") == 0) {
        if (s && strcmp(s, "present") == 0)
            return 0;
        return fail(y, v, "acclamation of must be present (the members at the meeting)");
    }
    return fail(y, k, "unknown key \"%.40s\" in an acclamation (required, min_in_favour, of)", key);
}

/* One entry of a rule set's `qualitative`: {code, kind, text}. */
static int qualitative_field(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    qualitative_t *q = arg;
    if (strcmp(key, "code") == 0) {
        if (copy_text(y, v, "a criterion's code", q->code, sizeof(q->code)) < 0)
            return -1;
        if (!valid_id(q->code))
            return fail(y, v, "a criterion's code must be letters, digits, '.', '_' or '-'");
        return 0;
    }
    if (strcmp(key, "text") == 0)
        return copy_text(y, v, "a criterion's text", q->text, sizeof(q->text));
    if (strcmp(key, "kind") == 0) {
        const char *s = scalar(v);
        if (s && strcmp(s, "collective") == 0)
            q->kind = TITLE_COLLECTIVE;
        else if (s && strcmp(s, "individual") == 0)
            q->kind = TITLE_INDIVIDUAL;
        else if (s && strcmp(s, "any") == 0)
            q->kind = TITLE_ANY;
        else
            return fail(y, v, "kind must be collective, individual or any");
        return 0;
    }
    return fail(y, k, "unknown key \"%.40s\" in a qualitative criterion (code, kind, text)", key);
}

static int qualitative_list(yctx_t *y, yaml_node_t *v, ruleset_t *s)
{
    if (want(y, v, YAML_SEQUENCE_NODE, "qualitative") < 0)
        return -1;
    for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
        yaml_node_t *item = node(y, *i);
        if (s->n_qualitative == RULESET_QUALITATIVE_MAX)
            return fail(y, item, "a rule set has at most %d qualitative criteria",
                        RULESET_QUALITATIVE_MAX);
        qualitative_t *q = &s->qualitative[s->n_qualitative];
        if (each_pair(y, item, "a qualitative criterion", qualitative_field, q) < 0)
            return -1;
        if (!q->code[0] || !q->text[0])
            return fail(y, item, "a qualitative criterion needs a code and a text");
        for (size_t j = 0; j < s->n_qualitative; j++)
            if (strcmp(s->qualitative[j].code, q->code) == 0)
                return fail(y, item, "qualitative criterion %s is given twice", q->code);
        s->n_qualitative++;
    }
    return 0;
}

/* A list of part codes of a rule set's `dossier` into list. */
static int part_list(yctx_t *y, yaml_node_t *v, const char *what, char (*list)[TITLE_CODE_MAX + 1],
                     size_t *n)
{
    if (want(y, v, YAML_SEQUENCE_NODE, what) < 0)
        return -1;
    *n = 0;
    for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
        yaml_node_t *item = node(y, *i);
        if (*n == RULESET_PARTS_MAX)
            return fail(y, item, "dossier %s has at most %d parts", what, RULESET_PARTS_MAX);
        if (copy_text(y, item, "a dossier part", list[*n], TITLE_CODE_MAX + 1) < 0)
            return -1;
        if (!valid_id(list[*n]))
            return fail(y, item, "a dossier part must be letters, digits, '.', '_' or '-'");
        for (size_t j = 0; j < *n; j++)
            if (strcmp(list[j], list[*n]) == 0)
                return fail(y, item, "dossier part %s is given twice", list[*n]);
        (*n)++;
    }
    return 0;
}

/* A rule set's `dossier`: {parts: [...], required: [...]}. */
static int dossier_field(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    ruleset_t *s = arg;
    if (strcmp(key, "parts") == 0)
        return part_list(y, v, "parts", s->dossier_parts, &s->n_dossier_parts);
    if (strcmp(key, "required") == 0)
        return part_list(y, v, "required", s->dossier_required, &s->n_dossier_required);
    return fail(y, k, "unknown key \"%.40s\" in a dossier (parts, required)", key);
}

/* The dossier's required parts are its parts, or the acclamation. */
static int dossier_check(yctx_t *y, yaml_node_t *v, ruleset_t *s)
{
    for (size_t i = 0; i < s->n_dossier_required; i++) {
        const char *r = s->dossier_required[i];
        bool known = strcmp(r, "acclamation") == 0;
        for (size_t j = 0; j < s->n_dossier_parts; j++)
            known |= strcmp(s->dossier_parts[j], r) == 0;
        if (!known)
            return fail(y, v, "dossier required names %s, which is neither a part nor acclamation",
                        r);
        if (strcmp(r, "acclamation") == 0)
            s->acclamation_required = true;
    }
    return 0;
}

static int set_field(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    book_arg_t *a = arg;
    ruleset_t *s = a->s;
    long year;
    if (strcmp(key, "id") == 0)
        return copy_text(y, v, "rule set id", s->id, sizeof(s->id));
    if (strcmp(key, "law") == 0)
        return copy_text(y, v, "law", s->law, sizeof(s->law));
    if (strcmp(key, "from_year") == 0 || strcmp(key, "to_year") == 0) {
        if (parse_int(y, v, key, 1900, 2999, &year) < 0)
            return -1;
        *(key[0] == 'f' ? &s->from_year : &s->to_year) = (int)year;
        return 0;
    }
    if (strcmp(key, "collective") == 0)
        return code_list(y, v, key, a->b, s->collective, RULESET_TITLES_MAX, &s->n_collective);
    if (strcmp(key, "individual") == 0)
        return code_list(y, v, key, a->b, s->individual, RULESET_TITLES_MAX, &s->n_individual);
    if (strcmp(key, "decided_by") == 0) {
        /* MM-DD of the year after the titles' year; 02-29 has no day in
         * most years, so it is refused rather than moved. */
        const char *md = scalar(v);
        int32_t day;
        char probe[16];
        if (!md || strlen(md) != 5 || snprintf(probe, sizeof(probe), "2001-%s", md) != 10 ||
            day_parse(probe, &day) < 0)
            return fail(y, v, "decided_by must be a day MM-DD of the following year (e.g. 03-31)");
        s->decided_by_month = (md[0] - '0') * 10 + (md[1] - '0');
        s->decided_by_mday = (md[3] - '0') * 10 + (md[4] - '0');
        return 0;
    }
    if (strcmp(key, "pending") == 0) {
        const char *p = scalar(v);
        if (p && strcmp(p, "allowed") == 0)
            s->pending_required = false;
        else if (p && strcmp(p, "required-for-recognition") == 0)
            s->pending_required = true;
        else
            return fail(y, v, "pending must be allowed or required-for-recognition");
        return 0;
    }
    if (strcmp(key, "names") == 0)
        return each_pair(y, v, "names", name_pair, a);
    if (strcmp(key, "council") == 0)
        return each_pair(y, v, "council", council_field, &s->council);
    if (strcmp(key, "unit_council") == 0) {
        s->has_unit_council = true;
        council_rules_default(&s->unit_council);
        return each_pair(y, v, "unit_council", council_field, &s->unit_council);
    }
    if (strcmp(key, "acclamation") == 0)
        return each_pair(y, v, "acclamation", acclamation_field, s);
    if (strcmp(key, "qualitative") == 0)
        return qualitative_list(y, v, s);
    if (strcmp(key, "dossier") == 0)
        return each_pair(y, v, "dossier", dossier_field, s) < 0 ? -1 : dossier_check(y, v, s);
    return fail(y, k,
                "unknown key \"%.40s\" in a rule set (id, law, from_year, to_year, collective, "
                "individual, decided_by, pending, names, council, unit_council, acclamation, "
                "qualitative, dossier)",
                key);
}

static int book_pair(yctx_t *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    book_arg_t *a = arg;
    if (strcmp(key, "titles") == 0)
        return each_pair(y, v, "titles", title_pair, a);
    if (strcmp(key, "rulesets") != 0)
        return fail(y, k, "unknown key \"%.40s\" (titles, rulesets)", key);
    if (!a->b->n_titles)
        return fail(y, k, "titles must come before rulesets");
    if (want(y, v, YAML_SEQUENCE_NODE, "rulesets") < 0)
        return -1;
    for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
        yaml_node_t *item = node(y, *i);
        if (a->b->n_sets == RULEBOOK_SETS_MAX)
            return fail(y, item, "at most %d rule sets", RULEBOOK_SETS_MAX);
        a->s = &a->b->sets[a->b->n_sets];
        /* Without decided_by: titles of Y are decided by 31 March of Y+1
         * (see rulesets.yaml for why). */
        a->s->decided_by_month = 3;
        a->s->decided_by_mday = 31;
        council_rules_default(&a->s->council);
        /* Without `acclamation`: none required; a majority of those
         * present when one is recorded (see rulesets.yaml). */
        a->s->acclamation_min = (council_frac_t){1, 2};
        /* Without `dossier`: the parts of a proposal's dossier (tờ trình,
         * báo cáo thành tích, biên bản of the lower council, any other),
         * none required (see rulesets.yaml). */
        static const char *const PARTS[] = {"submission", "report", "lower-minutes", "other"};
        for (size_t p = 0; p < sizeof(PARTS) / sizeof(PARTS[0]); p++)
            snprintf(a->s->dossier_parts[p], sizeof(a->s->dossier_parts[p]), "%s", PARTS[p]);
        a->s->n_dossier_parts = sizeof(PARTS) / sizeof(PARTS[0]);
        if (each_pair(y, item, "a rule set", set_field, a) < 0)
            return -1;
        /* a unit council votes by the Ministry council's rules unless the
         * rule set gives its own (rulesets.yaml, `unit_council`) */
        if (!a->s->has_unit_council)
            a->s->unit_council = a->s->council;
        if (!a->s->id[0] || !a->s->from_year)
            return fail(y, item, "a rule set needs an id and from_year");
        if (a->s->to_year && a->s->to_year < a->s->from_year)
            return fail(y, item, "rule set %s: to_year is before from_year", a->s->id);
        for (size_t j = 0; j < a->b->n_sets; j++) {
            const ruleset_t *o = &a->b->sets[j];
            int o_to = o->to_year ? o->to_year : 9999, s_to = a->s->to_year ? a->s->to_year : 9999;
            if (a->s->from_year <= o_to && o->from_year <= s_to)
                return fail(y, item, "rule set %s covers years of rule set %s", a->s->id, o->id);
        }
        a->b->n_sets++;
    }
    return 0;
}

int rulebook_parse(const char *text, size_t len, const char *source, rulebook_t *out, char *err,
                   size_t errlen)
{
    yctx_t y = {.source = source, .err = err, .errlen = errlen};
    memset(out, 0, sizeof(*out));
    if (load(&y, text, len) < 0)
        return -1;
    book_arg_t a = {out, NULL, NULL};
    yaml_node_t *root = yaml_document_get_root_node(&y.doc);
    int rc = each_pair(&y, root, "a rule book", book_pair, &a);
    if (rc == 0 && !out->n_sets)
        rc = fail(&y, root, "the rule book needs at least one rule set");
    for (size_t i = 0; rc == 0 && i < out->n_titles; i++)
        for (size_t j = 0; rc == 0 && j < out->titles[i].n_satisfies; j++)
            if (!rulebook_title(out, out->titles[i].satisfies[j]))
                rc = fail(&y, root, "title %s satisfies unknown title %s", out->titles[i].code,
                          out->titles[i].satisfies[j]);
    yaml_document_delete(&y.doc);
    return rc;
}

const title_t *rulebook_title(const rulebook_t *b, const char *code)
{
    for (size_t i = 0; i < b->n_titles; i++)
        if (strcmp(b->titles[i].code, code) == 0)
            return &b->titles[i];
    return NULL;
}

const ruleset_t *rulebook_for_year(const rulebook_t *b, int year)
{
    for (size_t i = 0; i < b->n_sets; i++)
        if (b->sets[i].from_year <= year && (!b->sets[i].to_year || year <= b->sets[i].to_year))
            return &b->sets[i];
    return NULL;
}

int32_t ruleset_decided_by(const ruleset_t *s, int year)
{
    char text[48];
    int32_t day = 0;
    snprintf(text, sizeof(text), "%04d-%02d-%02d", year + 1, s->decided_by_month,
             s->decided_by_mday);
    if (day_parse(text, &day) < 0) /* not reached: decided_by is checked when parsed */
        return 0;
    return day;
}

static bool same_folded(const char *want, const char *name)
{
    return vitext_fold_equals(want, name);
}

const title_t *rulebook_resolve(const rulebook_t *b, int year, const char *text)
{
    const title_t *t = rulebook_title(b, text);
    if (t || !text[0])
        return t;
    char *want = vitext_fold(text);
    if (!want)
        return NULL;
    const ruleset_t *s = rulebook_for_year(b, year);
    for (size_t i = 0; s && !t && i < s->n_names; i++)
        if (same_folded(want, s->names[i].name))
            t = rulebook_title(b, s->names[i].code);
    for (size_t i = 0; !t && i < b->n_titles; i++) {
        const title_t *c = &b->titles[i];
        bool same = same_folded(want, c->name);
        for (size_t j = 0; !same && j < c->n_aliases; j++)
            same = same_folded(want, c->aliases[j]);
        if (same)
            t = c;
    }
    free(want);
    return t;
}

bool rulebook_satisfies(const rulebook_t *b, const char *held, const char *required)
{
    if (strcmp(held, required) == 0)
        return true;
    const title_t *t = rulebook_title(b, held);
    for (size_t i = 0; t && i < t->n_satisfies; i++)
        if (strcmp(t->satisfies[i], required) == 0)
            return true;
    return false;
}
