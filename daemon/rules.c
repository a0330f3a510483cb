/* SPDX-License-Identifier: MIT */
/*
 * The rules at run time (see rules.h).  Campaign files and the rule book
 * are read once at start; the move table's WINDOW and GUARD columns are
 * answered here through nom_rules_t, so the table stays the one place that
 * says which move needs what.
 */
#include "rules.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dossier.h"
#include "embedded.h"
#include "errors.h"
#include "i18n.h"
#include "key.h"
#include "ledger.h"
#include "log.h"
#include "records.h"
#include "unitcsv.h"

#define CAMPAIGNS_MAX  32
#define FILE_MAX_BYTES (1 << 20)

struct rules {
    bool enforce;
    int32_t fixed_today; /* -1: the clock */
    rulebook_t book;
    workdays_t *workdays; /* built-in holidays + [rules] holidays_file */
    campaign_t campaigns[CAMPAIGNS_MAX];
    size_t n_campaigns;
};

static int64_t clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool rules_enforced(const rules_t *r)
{
    return r->enforce;
}

int32_t rules_today(const rules_t *r, int64_t now_ms)
{
    return r->fixed_today >= 0 ? r->fixed_today : day_of_ms(now_ms);
}

const campaign_t *rules_campaign(const rules_t *r, const char *id)
{
    for (size_t i = 0; i < r->n_campaigns; i++)
        if (strcmp(r->campaigns[i].id, id) == 0)
            return &r->campaigns[i];
    return NULL;
}

const campaign_t *rules_campaign_at(const rules_t *r, size_t i)
{
    return i < r->n_campaigns ? &r->campaigns[i] : NULL;
}

size_t rules_campaign_count(const rules_t *r)
{
    return r->n_campaigns;
}

const rulebook_t *rules_book(const rules_t *r)
{
    return &r->book;
}

const workdays_t *rules_workdays(const rules_t *r)
{
    return r->workdays;
}

/* ---- loading ------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f) {
        snprintf(err, errlen, "%s: cannot open (%s)", path, strerror(errno));
        return NULL;
    }
    buf = malloc(FILE_MAX_BYTES + 1);
    *len = buf ? fread(buf, 1, FILE_MAX_BYTES + 1, f) : 0;
    if (!buf || ferror(f) || *len > FILE_MAX_BYTES) {
        snprintf(err, errlen, "%s: cannot read it, or it is larger than 1 MiB", path);
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int add_campaign(rules_t *r, const char *text, size_t len, const char *source, char *err,
                        size_t errlen)
{
    campaign_t c;
    if (campaign_parse(text, len, source, &c, err, errlen) < 0)
        return -1;
    campaign_t *slot = (campaign_t *)rules_campaign(r, c.id);
    if (!slot) {
        if (r->n_campaigns == CAMPAIGNS_MAX) {
            snprintf(err, errlen, "%s: more than %d campaigns", source, CAMPAIGNS_MAX);
            return -1;
        }
        slot = &r->campaigns[r->n_campaigns++];
    }
    *slot = c;
    return 0;
}

static int name_order(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int yaml_file(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".yaml") == 0;
}

static int load_campaign_dir(rules_t *r, const char *dir, char *err, size_t errlen)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, yaml_file, name_order);
    if (n < 0) {
        snprintf(err, errlen, "[rules] campaign_dir %s: cannot read (%s)", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        size_t len;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
        char *text = rc == 0 ? read_file(path, &len, err, errlen) : NULL;
        if (rc == 0 && (!text || add_campaign(r, text, len, path, err, errlen) < 0))
            rc = -1;
        free(text);
        free(names[i]);
    }
    free(names);
    return rc;
}

/* Relative campaigns keep the day they were first loaded on. */
static int anchor_campaigns(rules_t *r, store_txn_t *t, int32_t today)
{
    for (size_t i = 0; i < r->n_campaigns; i++) {
        campaign_t *c = &r->campaigns[i];
        if (!c->relative)
            continue;
        store_val_t v;
        char day[16];
        int32_t anchor = today;
        int rc = store_get(t, DB_CAMPAIGNS, c->id, strlen(c->id), &v);
        if (rc == 0 && v.len == 10) {
            memcpy(day, v.data, 10);
            day[10] = '\0';
            if (day_parse(day, &anchor) < 0)
                anchor = today;
        } else if (rc == -EX_ENOTFOUND) {
            day_format(today, day, sizeof(day));
            store_put(t, DB_CAMPAIGNS, c->id, strlen(c->id), day, 10);
            log_info("rules, campaign %s laid out from today, %s", c->id, day);
        } else if (rc < 0) {
            return rc;
        }
        campaign_resolve(c, anchor);
    }
    return t->rc;
}

/* The built-in holidays, then the administrator's on top. */
static int load_workdays(rules_t *r, const config_t *cfg, char *err, size_t errlen)
{
    if (!(r->workdays = workdays_new())) {
        snprintf(err, errlen, "rules, out of memory");
        return -1;
    }
    if (workdays_parse(r->workdays, EMBED_holidays_vn, EMBED_holidays_vn_LEN,
                       "built-in daemon/data/holidays-vn.yaml", err, errlen) < 0)
        return -1;
    size_t builtin = workdays_count(r->workdays);
    if (!cfg->holidays_file[0])
        return 0;
    size_t len;
    char *text = read_file(cfg->holidays_file, &len, err, errlen);
    int rc = text ? workdays_parse(r->workdays, text, len, cfg->holidays_file, err, errlen) : -1;
    free(text);
    if (rc == 0)
        log_info("rules, holidays: %zu built-in days, %zu with %s", builtin,
                 workdays_count(r->workdays), cfg->holidays_file);
    return rc;
}

/* ---- the built-in unit registry ------------------------------------------ */

/* The built-in lists in the order things happened.  A later list's version
 * of a code, or a unit it names in merged_from, ends the earlier open
 * version the day before and becomes its successor: the rule `units
 * import` applies to a merge, so the built-in history reads like one an
 * administrator would have imported. */
static const struct {
    const char *text;
    const size_t *len;
    const char *name;
} UNIT_LISTS[] = {
    {EMBED_provinces_2021, &EMBED_provinces_2021_LEN,
     "built-in daemon/data/units/provinces-2021.csv"},
    {EMBED_ministry_units_2021, &EMBED_ministry_units_2021_LEN,
     "built-in daemon/data/units/ministry-units-2021.csv"},
    {EMBED_ministry_units_2022_11_01, &EMBED_ministry_units_2022_11_01_LEN,
     "built-in daemon/data/units/ministry-units-2022-11-01.csv"},
    {EMBED_provinces_2025_01_01, &EMBED_provinces_2025_01_01_LEN,
     "built-in daemon/data/units/provinces-2025-01-01.csv"},
    {EMBED_ministry_units_2025_03_01, &EMBED_ministry_units_2025_03_01_LEN,
     "built-in daemon/data/units/ministry-units-2025-03-01.csv"},
    {EMBED_provinces_2025_07_01, &EMBED_provinces_2025_07_01_LEN,
     "built-in daemon/data/units/provinces-2025-07-01.csv"},
};

/* Replaces a string field of an unpacked message ("" keeps the default). */
static int set_str(char **field, const char *value)
{
    char *d = value && value[0] ? strdup(value) : (char *)protobuf_c_empty_string;
    if (!d)
        return -1;
    if (*field && *field != protobuf_c_empty_string)
        free(*field);
    *field = d;
    return 0;
}

/* Ends every open version of code that began before `next` does. */
static int close_before(Exemplar__Unit **v, size_t upto, const char *code,
                        const Exemplar__Unit *next, int32_t from)
{
    for (size_t j = 0; j < upto; j++) {
        Exemplar__Unit *w = v[j];
        int32_t f;
        if (strcmp(w->code, code) != 0 || w->valid_to[0])
            continue;
        if (w->valid_from[0] && (day_parse(w->valid_from, &f) < 0 || f >= from))
            continue;
        char to[16];
        day_format(from - 1, to, sizeof(to));
        if (set_str(&w->valid_to, to) < 0 || set_str(&w->successor, next->code) < 0 ||
            set_str(&w->successor_from, next->valid_from) < 0)
            return -1;
    }
    return 0;
}

/* Does [from, to] (empty = unbounded) meet unit version u's days?  Dates
 * are YYYY-MM-DD, so they compare as strings. */
static bool meets(const char *from, const char *to, const Exemplar__Unit *u)
{
    if (to[0] && u->valid_from[0] && strcmp(to, u->valid_from) < 0)
        return false;
    if (from[0] && u->valid_to[0] && strcmp(from, u->valid_to) > 0)
        return false;
    return true;
}

/* Gives each version the addressee rows of its code that meet its days. */
static int attach_addressees(Exemplar__Unit **v, size_t n, Exemplar__Unit *const *rows,
                             size_t nrows)
{
    for (size_t i = 0; i < nrows; i++) {
        const Exemplar__Unit *a = rows[i];
        for (size_t j = 0; j < n; j++) {
            Exemplar__Unit *u = v[j];
            if (strcmp(u->code, a->code) != 0 || !meets(a->valid_from, a->valid_to, u))
                continue;
            Exemplar__Addressee **grown =
                realloc(u->addressees, (u->n_addressees + 1) * sizeof(*grown));
            if (!grown)
                return -1;
            u->addressees = grown;
            Exemplar__Addressee *ad = malloc(sizeof(*ad));
            if (!ad)
                return -1;
            exemplar__addressee__init(ad);
            u->addressees[u->n_addressees++] = ad;
            if (set_str(&ad->name, a->name) < 0 || set_str(&ad->valid_from, a->valid_from) < 0 ||
                set_str(&ad->valid_to, a->valid_to) < 0 || set_str(&ad->source, a->source) < 0)
                return -1;
        }
    }
    return 0;
}

int rules_builtin_units(Exemplar__Unit ***out, size_t *count, char *err, size_t errlen)
{
    Exemplar__Unit **all = NULL, **rows = NULL;
    size_t n = 0, nrows = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(UNIT_LISTS) / sizeof(UNIT_LISTS[0]); i++) {
        if (unitcsv_parse(UNIT_LISTS[i].text, *UNIT_LISTS[i].len, UNIT_LISTS[i].name, &rows, &nrows,
                          err, errlen) < 0) {
            rc = -1;
            break;
        }
        Exemplar__Unit **grown = realloc(all, (n + nrows) * sizeof(*grown));
        if (!grown) {
            unitcsv_free(rows, nrows);
            rc = -2;
            break;
        }
        all = grown;
        memcpy(all + n, rows, nrows * sizeof(*rows));
        n += nrows;
        free(rows);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        Exemplar__Unit *u = all[i];
        int32_t from;
        if (!u->valid_from[0])
            continue;
        if (day_parse(u->valid_from, &from) < 0) {
            snprintf(err, errlen, "built-in unit %s: valid_from \"%s\" is not a date", u->code,
                     u->valid_from);
            rc = -1;
            break;
        }
        for (size_t m = 0; rc == 0 && m < u->n_merged_from; m++)
            rc = close_before(all, i, u->merged_from[m], u, from) < 0 ? -2 : 0;
        if (rc == 0)
            rc = close_before(all, i, u->code, u, from) < 0 ? -2 : 0;
    }
    if (rc == 0) {
        if (unitcsv_parse(EMBED_unit_addressees, EMBED_unit_addressees_LEN,
                          "built-in daemon/data/units/addressees.csv", &rows, &nrows, err,
                          errlen) < 0) {
            rc = -1;
        } else {
            rc = attach_addressees(all, n, rows, nrows) < 0 ? -2 : 0;
            unitcsv_free(rows, nrows);
        }
    }
    if (rc == -2)
        snprintf(err, errlen, "rules, out of memory reading the built-in unit lists");
    if (rc < 0) {
        unitcsv_free(all, n);
        return -1;
    }
    *out = all;
    *count = n;
    return 0;
}

/* Adds the built-in versions a store lacks and completes the ones it holds
 * (an end day, successor, addressees or source it has not got), so a store
 * filled by an older exemplard, or by an administrator's import of the
 * same merges, learns the later lists without losing what it was told. */
static int seed_units(store_txn_t *t, char *err, size_t errlen)
{
    Exemplar__Unit **v = NULL;
    size_t n = 0, added = 0, completed = 0;
    if (rules_builtin_units(&v, &n, err, errlen) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const Exemplar__Unit *u = v[i];
        Exemplar__Unit **have = NULL;
        size_t nh = 0;
        if ((rc = ledger_units(t, u->code, &have, &nh)) < 0)
            break;
        const Exemplar__Unit *h = NULL;
        for (size_t k = 0; k < nh && !h; k++)
            if (strcmp(have[k]->valid_from, u->valid_from) == 0)
                h = have[k];
        if (!h) {
            ledger_unit_put(t, u);
            added++;
        } else {
            Exemplar__Unit m = *h;
            bool changed = false;
            if (!m.valid_to[0] && u->valid_to[0]) {
                m.valid_to = u->valid_to;
                changed = true;
            }
            if (!m.successor[0] && u->successor[0] && strcmp(m.valid_to, u->valid_to) == 0) {
                m.successor = u->successor;
                m.successor_from = u->successor_from;
                changed = true;
            }
            if (!m.n_addressees && u->n_addressees) {
                m.addressees = u->addressees;
                m.n_addressees = u->n_addressees;
                changed = true;
            }
            if (!m.source[0] && u->source[0]) {
                m.source = u->source;
                changed = true;
            }
            if (changed) {
                ledger_unit_put(t, &m);
                completed++;
            }
        }
        ledger_units_free(have, nh);
    }
    unitcsv_free(v, n);
    if (rc == 0)
        rc = t->rc;
    if (rc < 0) {
        snprintf(err, errlen, "rules, cannot store the built-in unit list (%s)",
                 ex_err_message(rc));
        return -1;
    }
    if (added || completed)
        log_info("rules, unit registry: %zu built-in unit versions added, %zu completed", added,
                 completed);
    return 0;
}

int rules_unit_as_of(store_txn_t *t, const char *code, int32_t day, Exemplar__Unit **out)
{
    char at[KEY_UNIT_MAX + 1];
    snprintf(at, sizeof(at), "%s", code);
    Exemplar__Unit *fallback = NULL; /* what code named last */
    *out = NULL;
    /* Each hop moves to a later version, so a chain is short; the bound
     * only guards against a registry whose successors loop. */
    for (int hop = 0; hop < 16; hop++) {
        Exemplar__Unit *on = NULL, *latest = NULL;
        int rc = ledger_unit_on(t, at, day, &on, &latest);
        if (rc == 0) {
            if (fallback)
                exemplar__unit__free_unpacked(fallback, NULL);
            *out = on;
            return 0;
        }
        if (rc != -EX_EUNIT) {
            if (fallback)
                exemplar__unit__free_unpacked(fallback, NULL);
            return rc;
        }
        int32_t from;
        bool next = latest && latest->successor[0] && latest->valid_to[0] &&
                    day_parse(latest->successor_from, &from) == 0 && from <= day;
        if (next)
            snprintf(at, sizeof(at), "%s", latest->successor);
        if (!fallback)
            fallback = latest;
        else if (latest)
            exemplar__unit__free_unpacked(latest, NULL);
        if (!next)
            break;
    }
    *out = fallback;
    return -EX_EUNIT;
}

int rules_unit_acting(store_txn_t *t, const char *code, const char *unit_name, int32_t day,
                      char *out, size_t len, char *ended_on, size_t ended_len)
{
    snprintf(out, len, "%s", code);
    if (ended_on && ended_len)
        ended_on[0] = '\0';
    Exemplar__Unit **v = NULL;
    size_t n = 0;
    int rc = ledger_units(t, code, &v, &n);
    if (rc == -EX_ENOTFOUND || (rc == 0 && n == 0)) {
        ledger_units_free(v, n);
        return 0;
    }
    if (rc < 0)
        return rc;
    char d[16];
    day_format(day, d, sizeof(d));
    const Exemplar__Unit *reg = NULL, *valid = NULL;
    for (size_t i = 0; i < n; i++) {
        const Exemplar__Unit *u = v[i];
        if (unit_name && unit_name[0] && strcmp(u->name, unit_name) == 0)
            reg = u; /* the newest version of that name */
        if ((!u->valid_from[0] || strcmp(u->valid_from, d) <= 0) &&
            (!u->valid_to[0] || strcmp(d, u->valid_to) <= 0))
            valid = u;
    }
    if (!reg)
        reg = valid ? valid : v[n - 1];
    /* Still valid, or ended with no unit named to carry it on: its own. */
    if (!reg->valid_to[0] || strcmp(d, reg->valid_to) <= 0 || !reg->successor[0]) {
        ledger_units_free(v, n);
        return 0;
    }
    if (ended_on && ended_len)
        snprintf(ended_on, ended_len, "%s", reg->valid_to);
    int32_t from = day;
    day_parse(reg->successor_from, &from);
    Exemplar__Unit *next = NULL;
    rc = rules_unit_as_of(t, reg->successor, from > day ? from : day, &next);
    snprintf(out, len, "%s", rc == 0 && next ? next->code : reg->successor);
    if (next)
        exemplar__unit__free_unpacked(next, NULL);
    ledger_units_free(v, n);
    return rc == -EX_ESTORAGE ? rc : 0;
}

const char *rules_unit_addressee(const Exemplar__Unit *u, int32_t day)
{
    char d[16];
    day_format(day, d, sizeof(d));
    for (size_t i = 0; i < u->n_addressees; i++) {
        const Exemplar__Addressee *a = u->addressees[i];
        if ((!a->valid_from[0] || strcmp(a->valid_from, d) <= 0) &&
            (!a->valid_to[0] || strcmp(d, a->valid_to) <= 0))
            return a->name;
    }
    return u->name;
}

rules_t *rules_new(const config_t *cfg, store_t *store, char *err, size_t errlen)
{
    rules_t *r = calloc(1, sizeof(*r));
    char *book = NULL;
    if (!r) {
        snprintf(err, errlen, "rules, out of memory");
        return NULL;
    }
    r->enforce = cfg->rules_enforce != 0;
    r->fixed_today = -1;
    if (cfg->rules_today[0] && day_parse(cfg->rules_today, &r->fixed_today) < 0) {
        snprintf(err, errlen, "rules, [rules] today must be a date YYYY-MM-DD, not \"%s\"",
                 cfg->rules_today);
        goto fail;
    }
    if (i18n_init(cfg->language, cfg->locale_dir) < 0) {
        snprintf(err, errlen, "rules, [rules] language must be vi or en");
        goto fail;
    }
    size_t len = EMBED_rulesets_LEN;
    const char *text = EMBED_rulesets, *source = "built-in daemon/data/rulesets.yaml";
    if (cfg->rulebook_file[0]) {
        if (!(book = read_file(cfg->rulebook_file, &len, err, errlen)))
            goto fail;
        text = book;
        source = cfg->rulebook_file;
    }
    if (rulebook_parse(text, len, source, &r->book, err, errlen) < 0 ||
        add_campaign(r, EMBED_campaign_2021_2025, EMBED_campaign_2021_2025_LEN,
                     "built-in daemon/data/campaigns/2021-2025.yaml", err, errlen) < 0 ||
        add_campaign(r, EMBED_campaign_demo, EMBED_campaign_demo_LEN,
                     "built-in daemon/data/campaigns/demo.yaml", err, errlen) < 0 ||
        (cfg->campaign_dir[0] && load_campaign_dir(r, cfg->campaign_dir, err, errlen) < 0) ||
        load_workdays(r, cfg, err, errlen) < 0)
        goto fail;
    if (r->enforce && !rules_campaign(r, cfg->default_campaign)) {
        snprintf(err, errlen, "rules, the default campaign %s is not defined by any campaign file",
                 cfg->default_campaign);
        goto fail;
    }
    store_txn_t t;
    int rc = store_txn_begin(store, true, &t);
    if (rc == 0)
        rc = anchor_campaigns(r, &t, rules_today(r, clock_ms()));
    /* Working-day deadlines are counted once the holidays are known. */
    for (size_t i = 0; rc == 0 && i < r->n_campaigns; i++)
        campaign_resolve_workdays(&r->campaigns[i], r->workdays);
    if (rc == 0 && seed_units(&t, err, errlen) < 0) {
        store_txn_abort(&t);
        goto fail;
    }
    rc = rc == 0 ? store_txn_commit(&t) : (store_txn_abort(&t), rc);
    if (rc < 0) {
        snprintf(err, errlen, "rules, cannot store the campaigns' anchors or the units (%s)",
                 ex_err_message(rc));
        goto fail;
    }
    free(book);
    return r;
fail:
    free(book);
    rules_destroy(&r);
    return NULL;
}

void rules_destroy(rules_t **p)
{
    if (*p)
        workdays_destroy(&(*p)->workdays);
    free(*p);
    *p = NULL;
}

/* ---- the move table's callbacks ------------------------------------------ */

static const period_t *window_period(const rules_ctx_t *c, window_t w)
{
    return w == WIN_CARRY_OVER ? campaign_next_period(c->campaign, c->period) : c->period;
}

static bool window_open(void *arg, const char *campaign, window_t w)
{
    (void)campaign;
    rules_ctx_t *c = arg;
    const period_t *p = window_period(c, w);
    return p && period_window_open(p, w, c->day);
}

static void window_describe(void *arg, const char *campaign, window_t w, char *buf, size_t len)
{
    (void)campaign;
    rules_ctx_t *c = arg;
    const period_t *p = window_period(c, w);
    /* Days as the request's language writes them (15/9/2021 in Vietnamese). */
    char from[16], to[16], today[16], from_said[32], to_said[32], today_said[32];
    day_format(c->day, today, sizeof(today));
    l10n_day(today, today_said, sizeof(today_said));
    if (!p || !p->has_window[w]) {
        snprintf(buf, len, _("period %s has no %s window (today is %s)"), p ? p->id : c->period->id,
                 l10n_pgettext("name", nom_window_name(w)), today_said);
        return;
    }
    day_format(p->window[w].from, from, sizeof(from));
    day_format(p->window[w].to, to, sizeof(to));
    snprintf(buf, len, _("in period %s it runs from %s to %s, and today is %s"), p->id,
             l10n_day(from, from_said, sizeof(from_said)), l10n_day(to, to_said, sizeof(to_said)),
             today_said);
}

static void overridden(void *arg, window_t w)
{
    (void)w;
    ((rules_ctx_t *)arg)->overridden = true;
}

/* Is the collective `subject` recognized (not revoked) in the campaign? */
static int collective_recognized(rules_ctx_t *c, const char *subject, uint64_t *id)
{
    uint8_t prefix[KEY_MAX];
    size_t plen = key_by_state(prefix, EXEMPLAR__STATE__STATE_RECOGNIZED, c->n->campaign, 0) - 8;
    store_iter_t it;
    store_val_t k, v;
    int found = 0;
    int rc = store_iter_open(c->txn, DB_BY_STATE, &it);
    if (rc == 0)
        rc = store_iter_seek(&it, prefix, plen, &k, &v);
    while (rc == 0 && !found && k.len >= plen && memcmp(k.data, prefix, plen) == 0) {
        Exemplar__Nomination *o = NULL;
        rc = records_get_nomination(c->txn, records_state_entry_id(&v), &o);
        if (rc < 0)
            break;
        /* Entries left behind by a later move (a revocation) do not count. */
        if (records_state_entry_live(o, &k) && o->kind == EXEMPLAR__KIND__KIND_COLLECTIVE &&
            strcmp(o->subject, subject) == 0) {
            found = 1;
            *id = o->id;
        }
        exemplar__nomination__free_unpacked(o, NULL);
        rc = store_iter_next(&it, &k, &v);
    }
    store_iter_close(&it);
    return rc < 0 && rc != -EX_ENOTFOUND ? rc : found;
}

/* The head-of-unit rule: 1 met (or not a head), 0 not met, <0 error. */
static int head_of_unit(rules_ctx_t *c, char *text, size_t len)
{
    const char *head_of = c->n->head_of;
    if (!head_of || !head_of[0]) {
        text[0] = '\0';
        return 1;
    }
    uint64_t id = 0;
    int rc = collective_recognized(c, head_of, &id);
    if (rc < 0)
        return rc;
    if (rc)
        snprintf(text, len,
                 _("[met] head of unit: the collective %s is recognized (nomination %llu)"),
                 head_of, (unsigned long long)id);
    else
        snprintf(text, len,
                 _("[missing] head of unit: the collective %s led by this person is not "
                   "recognized in campaign %s; recognize the collective first (or in the same "
                   "decision, before this person)"),
                 head_of, c->n->campaign);
    return rc;
}

/* The criteria of c's nomination on c's day, for a review or for
 * recognition (pending years then count as the rule set says). */
static int criteria_of(rules_ctx_t *c, bool recognition, criteria_result_t *res, char *text,
                       size_t len)
{
    Exemplar__Evidence **ev = NULL;
    size_t n = 0;
    if (!c->n->subject || !c->n->subject[0]) {
        snprintf(text, len,
                 _("nomination %llu has no subject id, so no evidence can be matched to it; "
                   "evidence is recorded per subject (exemplarctl evidence add SUBJECT ...)"),
                 (unsigned long long)c->n->id);
        return 0;
    }
    int rc = ledger_evidence_of(c->txn, c->n->subject, &ev, &n);
    if (rc < 0)
        return rc;
    criteria_fact_t *facts = calloc(n ? n : 1, sizeof(*facts));
    if (!facts) {
        ledger_evidence_free(ev, n);
        return -EX_EINTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        facts[i].year = ev[i]->year;
        snprintf(facts[i].title, sizeof(facts[i].title), "%s", ev[i]->title);
        facts[i].revoked = ev[i]->revoked;
    }
    criteria_evaluate(&c->rules->book, c->n->kind == EXEMPLAR__KIND__KIND_COLLECTIVE, c->period,
                      c->day, recognition, facts, n, res);
    criteria_explain(&c->rules->book, c->period, res, text, len);
    free(facts);
    ledger_evidence_free(ev, n);
    return res->met ? 1 : 0;
}

int rules_explain(rules_ctx_t *ctx, criteria_result_t *res, char *text, size_t len)
{
    criteria_result_t local;
    if (!res)
        res = &local;
    memset(res, 0, sizeof(*res));
    /* The criteria of the nomination's next step: recognition once the
     * Ministry has reviewed it, a review before. */
    bool recognition = ctx->n->state == EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED;
    int met = criteria_of(ctx, recognition, res, text, len);
    if (met < 0)
        return met;
    char head[512];
    int head_met = head_of_unit(ctx, head, sizeof(head));
    if (head_met < 0)
        return head_met;
    size_t used = strlen(text);
    if (head[0] && used < len)
        snprintf(text + used, len - used, "\n  %s", head);
    /* The unit's dossier: the collective's acclamation and the qualitative
     * criteria (dossier.h), shown while its unit has yet to review it. */
    const ruleset_t *s = dossier_ruleset(&ctx->rules->book, ctx->period);
    if (s) {
        Exemplar__Dossier *d = NULL;
        int rc = dossier_get(ctx->txn, ctx->n->id, &d);
        if (rc < 0 && rc != -EX_ENOTFOUND)
            return rc;
        dossier_explain(s, ctx->n->kind == EXEMPLAR__KIND__KIND_COLLECTIVE, d, text, len);
        if (d)
            exemplar__dossier__free_unpacked(d, NULL);
    }
    return met && head_met;
}

/* The decision a move names: number and date (and the issuer when
 * with_issuer), dated no later than today.  0, or -EX_EINVALID with why. */
static int decision_given(rules_ctx_t *c, const nom_move_t *m, bool with_issuer, int32_t *day,
                          char *why, size_t len)
{
    const Exemplar__Decision *d = c->decision;
    char today[16];
    if (!d || !d->number[0] || day_parse(d->date, day) < 0 || (with_issuer && !d->issuer[0])) {
        snprintf(why, len,
                 with_issuer
                     ? _("%s needs the decision behind it: its number, date and issuer "
                         "(--decision NUMBER --decision-date YYYY-MM-DD --issuer TEXT)")
                     : _("%s needs the decision behind it: its number and date (--decision NUMBER "
                         "--decision-date YYYY-MM-DD)"),
                 m->verb);
        return -EX_EINVALID;
    }
    if (*day > c->day) {
        snprintf(why, len,
                 _("%s is refused: decision %s is dated %s, after today (%s); record the move "
                   "once the decision is signed, with its real date"),
                 m->verb, d->number, d->date, day_format(c->day, today, sizeof(today)));
        return -EX_EINVALID;
    }
    return 0;
}

/* The day the nomination entered its current state (its latest move). */
static int32_t state_day(rules_ctx_t *c)
{
    Exemplar__Change *ch = NULL;
    int32_t day = 0;
    if (c->n->state_seq && records_get_change(c->txn, c->n->state_seq, &ch) == 0) {
        day = ch->day ? ch->day : day_of_ms(ch->at_ms);
        exemplar__change__free_unpacked(ch, NULL);
    }
    return day;
}

/* The unit's review needs its collective's acclamation when the rule set
 * says so (rulesets.yaml `acclamation`; dossier.h): 0, or -EX_ECRITERIA (the plan counts the
 * acclamation among the criteria, II.3.1). */
static int acclaimed(rules_ctx_t *c, const nom_move_t *m, char *why, size_t len)
{
    const ruleset_t *s = dossier_ruleset(&c->rules->book, c->period);
    if (!s || (!s->acclamation_required && !s->n_dossier_required))
        return 0;
    Exemplar__Dossier *d = NULL;
    int rc = dossier_get(c->txn, c->n->id, &d);
    if (rc < 0 && rc != -EX_ENOTFOUND)
        return rc;
    rc = 0;
    char missing[256];
    if (s->acclamation_required && !dossier_acclaimed(s, d ? d->acclamation : NULL)) {
        dossier_refusal(s, d, m->verb, c->n->id, why, len);
        rc = -EX_ECRITERIA;
    } else if (!dossier_files_complete(s, d, missing, sizeof(missing))) {
        /* the dossier's required files (rulesets.yaml `dossier.required`) */
        dossier_files_refusal(s, missing, m->verb, c->n->id, why, len);
        rc = -EX_ECRITERIA;
    }
    if (d)
        exemplar__dossier__free_unpacked(d, NULL);
    return rc;
}

static int guard(void *arg, const nom_view_t *v, const nom_move_t *m, char *why, size_t len)
{
    (void)v;
    rules_ctx_t *c = arg;
    char text[1536];
    int rc;
    int32_t day;
    switch (m->guard) {
    case GUARD_CRITERIA:
        rc = criteria_of(c, false, &(criteria_result_t){0}, text, sizeof(text));
        if (rc < 0)
            return rc;
        if (rc == 0) {
            snprintf(why, len, _("%s is refused: the criteria are not met.\n%s"), m->verb, text);
            return -EX_ECRITERIA;
        }
        if (m->to == NOM_UNIT_REVIEWED)
            return acclaimed(c, m, why, len);
        return 0;
    case GUARD_HEAD_OF_UNIT:
        rc = head_of_unit(c, text, sizeof(text));
        if (rc < 0)
            return rc;
        if (rc == 0) {
            snprintf(why, len, _("%s is refused: %s"), m->verb, text);
            return -EX_ECRITERIA;
        }
        return 0;
    case GUARD_NEXT_PERIOD:
        if (campaign_next_period(c->campaign, c->period))
            return 0;
        snprintf(why, len,
                 _("%s is refused: period %s is the last of campaign %s, there is no period to "
                   "carry the nomination into"),
                 m->verb, c->period->id, c->campaign->id);
        return -EX_ENOMOVE;
    case GUARD_DECISION:
        return decision_given(c, m, false, &day, why, len);
    case GUARD_RECOGNITION: {
        /* The Minister decides on what the Ministry reviewed: the decision
         * cannot predate the review that put the nomination before him. */
        if ((rc = decision_given(c, m, true, &day, why, len)) < 0)
            return rc;
        int32_t reviewed = state_day(c);
        if (reviewed && day < reviewed) {
            char on[16];
            snprintf(why, len,
                     _("%s is refused: decision %s is dated %s, before nomination %llu was "
                       "reviewed by the Ministry (%s); give the decision that recognizes it"),
                     m->verb, c->decision->number, c->decision->date, (unsigned long long)c->n->id,
                     day_format(reviewed, on, sizeof(on)));
            return -EX_EINVALID;
        }
        rc = criteria_of(c, true, &(criteria_result_t){0}, text, sizeof(text));
        if (rc < 0)
            return rc;
        if (rc == 0) {
            snprintf(why, len, _("%s is refused: the criteria are not met.\n%s"), m->verb, text);
            return -EX_ECRITERIA;
        }
        rc = head_of_unit(c, text, sizeof(text));
        if (rc < 0)
            return rc;
        if (rc == 0) {
            snprintf(why, len, _("%s is refused: %s"), m->verb, text);
            return -EX_ECRITERIA;
        }
        return 0;
    }
    default:
        return 0;
    }
}

int rules_bind(rules_ctx_t *ctx, rules_t *r, store_txn_t *txn, const Exemplar__Nomination *n,
               int64_t now_ms, const char *override_reason, const Exemplar__Decision *decision,
               nom_rules_t *out, char *why, size_t why_len)
{
    memset(ctx, 0, sizeof(*ctx));
    memset(out, 0, sizeof(*out));
    ctx->rules = r;
    ctx->txn = txn;
    ctx->n = n;
    ctx->day = rules_today(r, now_ms);
    ctx->decision = decision;
    ctx->campaign = rules_campaign(r, n->campaign);
    if (!ctx->campaign) {
        snprintf(why, why_len, _("campaign %s is not defined (see exemplarctl campaign show)"),
                 n->campaign);
        return -EX_ECAMPAIGN;
    }
    ctx->period = n->period && n->period[0] ? campaign_period(ctx->campaign, n->period)
                                            : &ctx->campaign->periods[0];
    if (!ctx->period) {
        snprintf(why, why_len, _("campaign %s has no period %s (see exemplarctl campaign show)"),
                 n->campaign, n->period);
        return -EX_ECAMPAIGN;
    }
    out->arg = ctx;
    out->window_open = window_open;
    out->guard = guard;
    out->window_describe = window_describe;
    out->overridden = overridden;
    out->override_reason = override_reason;
    return 0;
}
