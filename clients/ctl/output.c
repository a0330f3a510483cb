/* SPDX-License-Identifier: MIT */
/*
 * What exemplarctl prints (output.h): the protocol's messages as JSON (field
 * names as in the .proto files, enums by their names from names.h), and the
 * same messages for people (key/value blocks and aligned tables), in the
 * run's language.  Knows neither the run nor a command.
 */
#include "output.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"

/* ---- JSON -------------------------------------------------------------- */

json_object *ctl_json_str(const char *s)
{
    return json_object_new_string(s ? s : "");
}

static json_object *json_str(const char *s)
{
    return json_object_new_string(s ? s : "");
}

/* Enum names, or null for the zero value ("none"). */
static json_object *json_name(const char *name)
{
    return name ? json_object_new_string(name) : NULL;
}

json_object *ctl_json_nomination(const Exemplar__Nomination *n)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_uint64(n->id));
    json_object_object_add(o, "version", json_object_new_uint64(n->version));
    json_object_object_add(o, "state", json_name(ex_state_name(n->state)));
    json_object_object_add(o, "kind", json_name(ex_kind_name(n->kind)));
    json_object_object_add(o, "unit", json_str(n->unit));
    json_object_object_add(o, "campaign", json_str(n->campaign));
    json_object_object_add(o, "name", json_str(n->name));
    json_object_object_add(o, "created_ms", json_object_new_int64(n->created_ms));
    json_object_object_add(o, "updated_ms", json_object_new_int64(n->updated_ms));
    json_object_object_add(o, "last_seq", json_object_new_uint64(n->last_seq));
    json_object_object_add(o, "subject", json_str(n->subject));
    json_object_object_add(o, "period", json_str(n->period));
    json_object_object_add(o, "head_of", json_str(n->head_of));
    json_object_object_add(o, "unit_name", json_str(n->unit_name));
    json_object_object_add(o, "carried_from", json_object_new_uint64(n->carried_from));
    json_object_object_add(o, "carried_to", json_object_new_uint64(n->carried_to));
    if (n->revocation)
        json_object_object_add(o, "revocation", json_str(n->revocation->number));
    if (n->recognition) {
        json_object_object_add(o, "recognition", json_str(n->recognition->number));
        json_object_object_add(o, "recognition_date", json_str(n->recognition->date));
        json_object_object_add(o, "recognition_issuer", json_str(n->recognition->issuer));
    }
    return o;
}

static json_object *json_actor(const Exemplar__Actor *a)
{
    if (!a)
        return NULL;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_str(a->name));
    json_object_object_add(o, "role", json_name(ex_role_name(a->role)));
    json_object_object_add(o, "unit", json_str(a->unit));
    return o;
}

json_object *ctl_json_change(const Exemplar__Change *ch)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "seq", json_object_new_uint64(ch->seq));
    json_object_object_add(o, "nomination_id", json_object_new_uint64(ch->nomination_id));
    json_object_object_add(o, "prev_seq", json_object_new_uint64(ch->prev_seq));
    json_object_object_add(o, "from", json_name(ex_state_name(ch->from)));
    json_object_object_add(o, "to", json_name(ex_state_name(ch->to)));
    json_object_object_add(o, "verb", json_str(ch->verb));
    json_object_object_add(o, "version", json_object_new_uint64(ch->version));
    json_object_object_add(o, "actor", json_actor(ch->actor));
    json_object_object_add(o, "reason", json_str(ch->reason));
    json_object_object_add(o, "at_ms", json_object_new_int64(ch->at_ms));
    json_object_object_add(o, "request_id", json_object_new_uint64(ch->request_id));
    json_object_object_add(o, "unit", json_str(ch->unit));
    json_object_object_add(o, "campaign", json_str(ch->campaign));
    json_object_object_add(o, "kind", json_name(ex_kind_name(ch->kind)));
    json_object_object_add(o, "override_reason", json_str(ch->override_reason));
    json_object_object_add(o, "linked_id", json_object_new_uint64(ch->linked_id));
    if (ch->decision) {
        json_object_object_add(o, "decision", json_str(ch->decision->number));
        json_object_object_add(o, "decision_date", json_str(ch->decision->date));
        json_object_object_add(o, "decision_issuer", json_str(ch->decision->issuer));
    }
    if (ch->event_seq)
        json_object_object_add(o, "event_seq", json_object_new_uint64(ch->event_seq));
    return o;
}

json_object *ctl_json_info(const Exemplar__InfoReply *info, const char *api)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "version", json_str(info->version));
    json_object_object_add(o, "events_endpoint", json_str(info->events_endpoint));
    json_object_object_add(o, "last_seq", json_object_new_uint64(info->last_seq));
    json_object_object_add(o, "nominations", json_object_new_uint64(info->nominations));
    json_object_object_add(o, "api_endpoint", json_str(api));
    return o;
}

static bool json_lines;

void ctl_json_set_lines(bool on)
{
    json_lines = on;
}

void ctl_json_print(json_object *doc)
{
    int flags = (json_lines ? JSON_C_TO_STRING_PLAIN : JSON_C_TO_STRING_PRETTY) |
                JSON_C_TO_STRING_NOSLASHESCAPE;
    printf("%s\n", json_object_to_json_string_ext(doc, flags));
    fflush(stdout);
    json_object_put(doc);
}

void ctl_json_line(json_object *doc)
{
    int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
    printf("%s\n", json_object_to_json_string_ext(doc, flags));
    fflush(stdout);
    json_object_put(doc);
}

/* ---- for people -------------------------------------------------------- */

const char *ctl_time_iso(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms <= 0 || !gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, len, "-");
    return buf;
}

const char *ctl_time(int64_t ms, char *buf, size_t len)
{
    return l10n_time(ms, buf, len);
}

/* The words people read for the protocol's names: the plan's own terms in
 * Vietnamese (daemon/po/GLOSSARY.md).  --json, topics and the command line keep
 * the names. */
static const char *const STATE_LABEL[] = {
    [EXEMPLAR__STATE__STATE_REGISTERED] = NC_("state", "registered"),
    [EXEMPLAR__STATE__STATE_FOSTERING] = NC_("state", "fostering"),
    [EXEMPLAR__STATE__STATE_UNIT_REVIEWED] = NC_("state", "unit-reviewed"),
    [EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED] = NC_("state", "ministry-reviewed"),
    [EXEMPLAR__STATE__STATE_RECOGNIZED] = NC_("state", "recognized"),
    [EXEMPLAR__STATE__STATE_WITHDRAWN] = NC_("state", "withdrawn"),
    [EXEMPLAR__STATE__STATE_NOT_SELECTED] = NC_("state", "not-selected"),
    [EXEMPLAR__STATE__STATE_RETURNED] = NC_("state", "returned"),
    [EXEMPLAR__STATE__STATE_REVOKED] = NC_("state", "revoked"),
    [EXEMPLAR__STATE__STATE_CARRIED_OVER] = NC_("state", "carried-over"),
};

const char *ctl_state(Exemplar__State s)
{
    if ((int)s > 0 && (size_t)s < sizeof STATE_LABEL / sizeof STATE_LABEL[0] && STATE_LABEL[s])
        return l10n_pgettext("state", STATE_LABEL[s]);
    const char *name = ex_state_name(s);
    return name ? name : "-";
}

const char *ctl_kind(Exemplar__Kind k)
{
    switch (k) {
    case EXEMPLAR__KIND__KIND_COLLECTIVE:
        return _("collective");
    case EXEMPLAR__KIND__KIND_INDIVIDUAL:
        return _("individual");
    default:
        return "-";
    }
}

const char *ctl_role(Exemplar__Role r)
{
    return ctl_word(ex_role_name(r));
}

/* Verbs of the move table, campaign windows (daemon/nom.c), roles, event
 * types and milestone actions, as msgids in context "name" (the English
 * text is the name itself); unknown names are shown as they come. */
static const char *const WORD_LABEL[] = {
    NC_("name", "register"),
    NC_("name", "foster"),
    NC_("name", "review-unit"),
    NC_("name", "review-ministry"),
    NC_("name", "recognize"),
    NC_("name", "return"),
    NC_("name", "withdraw"),
    NC_("name", "not-select"),
    NC_("name", "revoke"),
    NC_("name", "carry-over"),
    NC_("name", "evidence"),
    NC_("name", "registration"),
    NC_("name", "fostering"),
    NC_("name", "unit-review"),
    NC_("name", "ministry-review"),
    NC_("name", "recognition"),
    NC_("name", "unit-officer"),
    NC_("name", "ministry-reviewer"),
    NC_("name", "approver"),
    NC_("name", "publisher"),
    NC_("name", "reader"),
    NC_("name", "admin"),
    NC_("name", "worker"),
    NC_("name", "plan"),
    NC_("name", "any"),
    NC_("name", "title-awarded"),
    NC_("name", "performance-rating"),
    NC_("name", "discipline"),
    NC_("name", "decision-revoked"),
    NC_("name", "person-moved"),
    NC_("name", "unit-renamed"),
    NC_("name", "unit-merged"),
};

const char *ctl_word(const char *name)
{
    if (!name || !*name)
        return "-";
    for (size_t i = 0; i < sizeof WORD_LABEL / sizeof WORD_LABEL[0]; i++)
        if (strcmp(WORD_LABEL[i], name) == 0)
            return l10n_pgettext("name", WORD_LABEL[i]);
    return name;
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

/* "label:" padded to the block's column: the width is counted in display
 * columns, so Vietnamese labels line up too. */
void ctl_put_field(const char *label, const char *value)
{
    size_t w = l10n_width(label);
    fputs(label, stdout);
    fputc(':', stdout);
    for (size_t i = w + 1; i < CTL_FIELD_WIDTH; i++)
        fputc(' ', stdout);
    fputc(' ', stdout);
    fputs(value, stdout);
    fputc('\n', stdout);
}

void ctl_put_fieldf(const char *label, const char *fmt, ...)
{
    char value[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    ctl_put_field(label, value);
}

/* "123/QĐ-BNNMT of 30/11/2026, Bộ trưởng ..." */
static void put_decision(const char *label, const Exemplar__Decision *d)
{
    char day[64];
    l10n_day(d->date, day, sizeof day);
    if (d->issuer && d->issuer[0])
        ctl_put_fieldf(label, _("%s of %s, %s"), d->number, day, d->issuer);
    else
        ctl_put_fieldf(label, _("%s of %s"), d->number, day);
}

void ctl_print_nomination(const Exemplar__Nomination *n)
{
    char created[64], updated[64];
    ctl_put_fieldf(_("id"), "%" PRIu64, n->id);
    ctl_put_field(_("name"), or_dash(n->name));
    ctl_put_field(_("kind"), ctl_kind(n->kind));
    if (n->unit_name && n->unit_name[0])
        ctl_put_fieldf(_("unit"), _("%s (%s, as named on registration)"), or_dash(n->unit),
                       n->unit_name);
    else
        ctl_put_field(_("unit"), or_dash(n->unit));
    ctl_put_field(_("campaign"), or_dash(n->campaign));
    if (n->period && n->period[0])
        ctl_put_field(_("period"), n->period);
    if (n->subject && n->subject[0])
        ctl_put_field(_("subject"), n->subject);
    if (n->head_of && n->head_of[0])
        ctl_put_field(_("head of"), n->head_of);
    if (n->carried_from)
        ctl_put_fieldf(_("carried from"), "%" PRIu64, n->carried_from);
    if (n->carried_to)
        ctl_put_fieldf(_("carried to"), "%" PRIu64, n->carried_to);
    if (n->recognition)
        put_decision(_("recognized by"), n->recognition);
    if (n->revocation)
        put_decision(_("revoked by"), n->revocation);
    ctl_put_field(_("state"), ctl_state(n->state));
    ctl_put_fieldf(_("version"), "%" PRIu64, n->version);
    ctl_put_fieldf(_("created"), "%s (%s)", ctl_time(n->created_ms, created, sizeof created),
                   l10n_zone());
    ctl_put_fieldf(_("updated"), "%s (%s)", ctl_time(n->updated_ms, updated, sizeof updated),
                   l10n_zone());
    ctl_put_fieldf(_("last seq"), "%" PRIu64, n->last_seq);
}

void ctl_print_info(const Exemplar__InfoReply *info, const char *api)
{
    ctl_put_field(_("api"), or_dash(api));
    ctl_put_field(_("version"), or_dash(info->version));
    ctl_put_field(_("events"), or_dash(info->events_endpoint));
    ctl_put_fieldf(_("last seq"), "%" PRIu64, info->last_seq);
    ctl_put_fieldf(_("nominations"), "%" PRIu64, info->nominations);
}

/* ---- tables ------------------------------------------------------------ */

void ctl_table_init(ctl_table_t *t, int ncols, const char *const *header, const bool *right)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols < TABLE_MAX_COLS ? ncols : TABLE_MAX_COLS;
    for (int i = 0; i < t->ncols; i++)
        t->right[i] = right && right[i];
    if (header) { /* header cells are msgids (N_): printed in the run's language */
        const char *cells[TABLE_MAX_COLS];
        for (int i = 0; i < t->ncols; i++)
            cells[i] = header[i] && *header[i] ? _(header[i]) : "";
        ctl_table_add(t, cells);
    }
}

int ctl_table_add(ctl_table_t *t, const char *const *cells)
{
    size_t n = (size_t)t->ncols;
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **grown = realloc(t->cells, cap * n * sizeof *grown);
        if (!grown)
            return -1;
        t->cells = grown;
        t->cap = cap;
    }
    char **row = t->cells + t->nrows * n;
    for (size_t i = 0; i < n; i++) {
        row[i] = strdup(cells[i] ? cells[i] : "");
        if (!row[i]) {
            while (i > 0)
                free(row[--i]);
            return -1;
        }
        size_t w = l10n_width(row[i]);
        if (w > t->width[i])
            t->width[i] = w;
    }
    t->nrows++;
    return 0;
}

static void pad(FILE *f, size_t n)
{
    while (n-- > 0)
        fputc(' ', f);
}

void ctl_put_cell(FILE *f, const char *text, size_t width, bool right)
{
    size_t w = l10n_width(text);
    size_t fill = w < width ? width - w : 0;
    if (right)
        pad(f, fill);
    fputs(text, f);
    if (!right)
        pad(f, fill);
}

void ctl_table_print(const ctl_table_t *t, FILE *f)
{
    ctl_table_print_indented(t, f, 0);
}

void ctl_table_print_indented(const ctl_table_t *t, FILE *f, int indent)
{
    size_t n = (size_t)t->ncols;
    for (size_t r = 0; r < t->nrows; r++) {
        char *const *row = t->cells + r * n;
        pad(f, (size_t)indent);
        for (size_t i = 0; i < n; i++) {
            size_t fill = t->width[i] - l10n_width(row[i]);
            bool last = i + 1 == n;
            if (t->right[i])
                pad(f, fill);
            fputs(row[i], f);
            if (!t->right[i] && !last)
                pad(f, fill);
            if (!last)
                fputs("  ", f);
        }
        fputc('\n', f);
    }
}

void ctl_table_deinit(ctl_table_t *t)
{
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}
