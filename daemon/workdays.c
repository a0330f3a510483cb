/* SPDX-License-Identifier: MIT */
/*
 * The working-day calendar (see workdays.h).  The listed days live in one
 * array sorted by day; a lookup is a binary search, so asking about a day
 * costs the same with ten years of holidays as with none.  A parse builds
 * its entries aside and merges them only when the whole text is valid, so
 * a broken administrator's file changes nothing.
 */
#include "workdays.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <yaml.h>

#include "day.h"

typedef struct {
    int32_t day;
    bool working; /* a weekend day made a working day */
    size_t line;  /* where the entry was given, for duplicates */
    char name[WORKDAYS_NAME_MAX];
    char name_en[WORKDAYS_NAME_MAX];
} entry_t;

struct workdays {
    entry_t *days; /* sorted by day, one entry per day */
    size_t n;
};

workdays_t *workdays_new(void)
{
    return calloc(1, sizeof(workdays_t));
}

void workdays_destroy(workdays_t **p)
{
    if (*p)
        free((*p)->days);
    free(*p);
    *p = NULL;
}

size_t workdays_count(const workdays_t *w)
{
    return w ? w->n : 0;
}

static const entry_t *find(const workdays_t *w, int32_t day)
{
    size_t lo = 0, hi = w ? w->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->days[mid].day == day)
            return &w->days[mid];
        if (w->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool workdays_is_working(const workdays_t *w, int32_t day)
{
    const entry_t *e = find(w, day);
    if (e)
        return e->working;
    return day_weekday(day) < 5;
}

int32_t workdays_add(const workdays_t *w, int32_t day, int n)
{
    if (n == 0) {
        while (!workdays_is_working(w, day))
            day++;
        return day;
    }
    int step = n > 0 ? 1 : -1;
    int left = n > WORKDAYS_ADD_MAX || n < -WORKDAYS_ADD_MAX ? WORKDAYS_ADD_MAX : n * step;
    /* Ends: only the listed days can be non-working on a weekday, and
     * there are finitely many of them. */
    while (left > 0) {
        day += step;
        if (workdays_is_working(w, day))
            left--;
    }
    return day;
}

const char *workdays_holiday_name(const workdays_t *w, int32_t day, bool english)
{
    const entry_t *e = find(w, day);
    if (!e || e->working)
        return NULL;
    return english && e->name_en[0] ? e->name_en : e->name;
}

/* ---- parsing ------------------------------------------------------------- */

typedef struct {
    yaml_document_t doc;
    const char *source;
    char *err;
    size_t errlen;
    entry_t *add; /* the entries of this text */
    size_t n_add, cap;
} pctx_t;

__attribute__((format(printf, 3, 4))) static int fail(pctx_t *p, const yaml_node_t *n,
                                                      const char *fmt, ...)
{
    char what[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s line %zu: %s", p->source, n ? n->start_mark.line + 1 : 1, what);
    return -1;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int parse_day_node(pctx_t *p, const yaml_node_t *n, const char *what, int32_t *out)
{
    const char *s = scalar(n);
    if (day_parse(s, out) < 0)
        return fail(p, n, "%s must be a date YYYY-MM-DD, not \"%.40s\"", what, s ? s : "");
    return 0;
}

/* A name: 1..WORKDAYS_NAME_MAX-1 bytes of NFC UTF-8. */
static int parse_name(pctx_t *p, const yaml_node_t *n, const char *what, char *dst)
{
    const char *s = scalar(n);
    if (!s || !s[0] || strlen(s) >= WORKDAYS_NAME_MAX)
        return fail(p, n, "%s must be 1-%d bytes of text", what, WORKDAYS_NAME_MAX - 1);
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)s);
    bool same = nfc && strcmp((const char *)nfc, s) == 0;
    free(nfc);
    if (!same)
        return fail(p, n, "%s must be UTF-8 in Unicode normal form C (NFC)", what);
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

static int push(pctx_t *p, const yaml_node_t *at, const entry_t *e)
{
    if (p->n_add == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        entry_t *grown = realloc(p->add, cap * sizeof(*grown));
        if (!grown)
            return fail(p, at, "out of memory");
        p->add = grown;
        p->cap = cap;
    }
    p->add[p->n_add++] = *e;
    return 0;
}

static int parse_entry(pctx_t *p, const yaml_node_t *item)
{
    if (!item || item->type != YAML_MAPPING_NODE)
        return fail(p, item, "a holiday must be a mapping (date or from/to, name, name_en)");
    entry_t e = {.line = item->start_mark.line + 1};
    int32_t from = INT32_MIN, to = INT32_MIN;
    bool has_date = false;
    for (yaml_node_pair_t *kv = item->data.mapping.pairs.start; kv < item->data.mapping.pairs.top;
         kv++) {
        yaml_node_t *k = yaml_document_get_node(&p->doc, kv->key);
        yaml_node_t *v = yaml_document_get_node(&p->doc, kv->value);
        const char *key = scalar(k);
        int rc;
        if (!key)
            return fail(p, k, "a holiday: keys must be plain names");
        if (strcmp(key, "date") == 0) {
            rc = parse_day_node(p, v, "date", &from);
            to = from;
            has_date = true;
        } else if (strcmp(key, "from") == 0) {
            rc = parse_day_node(p, v, "from", &from);
        } else if (strcmp(key, "to") == 0) {
            rc = parse_day_node(p, v, "to", &to);
        } else if (strcmp(key, "name") == 0) {
            rc = parse_name(p, v, "name", e.name);
        } else if (strcmp(key, "name_en") == 0) {
            rc = parse_name(p, v, "name_en", e.name_en);
        } else if (strcmp(key, "working") == 0) {
            const char *s = scalar(v);
            if (!s || (strcmp(s, "true") && strcmp(s, "false")))
                return fail(p, v, "working must be true or false");
            e.working = strcmp(s, "true") == 0;
            rc = 0;
        } else {
            return fail(p, k,
                        "unknown key \"%.40s\" in a holiday (date, from, to, name, name_en, "
                        "working)",
                        key);
        }
        if (rc < 0)
            return -1;
    }
    if (from == INT32_MIN || to == INT32_MIN)
        return fail(p, item, "a holiday needs a date, or from and to");
    if (has_date && from != to)
        return fail(p, item, "a holiday has either a date or from and to, not both");
    if (!e.name[0])
        return fail(p, item, "a holiday needs a name (in Vietnamese)");
    if (to < from)
        return fail(p, item, "holiday \"%.60s\" ends before it begins", e.name);
    if (to - from >= WORKDAYS_RANGE_MAX)
        return fail(p, item, "holiday \"%.60s\" covers more than %d days", e.name,
                    WORKDAYS_RANGE_MAX);
    for (int32_t d = from; d <= to; d++) {
        e.day = d;
        if (push(p, item, &e) < 0)
            return -1;
    }
    return 0;
}

static int by_day_then_line(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Merges p->add (sorted, one per day) into w: a new entry replaces an old
 * one for the same day. */
static int merge(workdays_t *w, pctx_t *p)
{
    entry_t *all = malloc((w->n + p->n_add + 1) * sizeof(*all));
    if (!all) {
        snprintf(p->err, p->errlen, "%s: out of memory", p->source);
        return -1;
    }
    size_t i = 0, j = 0, n = 0;
    while (i < w->n || j < p->n_add) {
        if (j == p->n_add || (i < w->n && w->days[i].day < p->add[j].day)) {
            all[n++] = w->days[i++];
        } else {
            if (i < w->n && w->days[i].day == p->add[j].day)
                i++;
            all[n++] = p->add[j++];
        }
    }
    free(w->days);
    w->days = all;
    w->n = n;
    return 0;
}

static int parse_root(pctx_t *p)
{
    yaml_node_t *root = yaml_document_get_root_node(&p->doc);
    if (root->type != YAML_MAPPING_NODE)
        return fail(p, root, "a holidays file must be a mapping with the key holidays");
    for (yaml_node_pair_t *kv = root->data.mapping.pairs.start; kv < root->data.mapping.pairs.top;
         kv++) {
        yaml_node_t *k = yaml_document_get_node(&p->doc, kv->key);
        yaml_node_t *v = yaml_document_get_node(&p->doc, kv->value);
        const char *key = scalar(k);
        if (!key || strcmp(key, "holidays") != 0)
            return fail(p, k, "unknown key \"%.40s\" (holidays)", key ? key : "");
        if (v->type != YAML_SEQUENCE_NODE)
            return fail(p, v, "holidays must be a list");
        for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
             i++)
            if (parse_entry(p, yaml_document_get_node(&p->doc, *i)) < 0)
                return -1;
    }
    if (p->n_add) /* qsort's array must not be NULL, even when empty */
        qsort(p->add, p->n_add, sizeof(*p->add), by_day_then_line);
    for (size_t i = 1; i < p->n_add; i++)
        if (p->add[i].day == p->add[i - 1].day) {
            char d[16];
            snprintf(p->err, p->errlen, "%s line %zu: %s is already listed on line %zu", p->source,
                     p->add[i].line, day_format(p->add[i].day, d, sizeof(d)), p->add[i - 1].line);
            return -1;
        }
    return 0;
}

int workdays_parse(workdays_t *w, const char *text, size_t len, const char *source, char *err,
                   size_t errlen)
{
    pctx_t p = {.source = source, .err = err, .errlen = errlen};
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "%s: out of memory", source);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int rc = -1;
    if (!yaml_parser_load(&parser, &p.doc)) {
        snprintf(err, errlen, "%s line %zu: %s%s%s", source, parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "invalid YAML", parser.context ? " " : "",
                 parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return -1;
    }
    yaml_parser_delete(&parser);
    if (!yaml_document_get_root_node(&p.doc))
        snprintf(err, errlen, "%s line 1: the file is empty", source);
    else if (parse_root(&p) == 0)
        rc = merge(w, &p);
    yaml_document_delete(&p.doc);
    free(p.add);
    return rc;
}
