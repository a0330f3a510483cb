/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's options (options.h): how every option is spelled and what
 * it takes, and the parsers of the values the commands share: numbers,
 * --as-of and a decision's options.  A value that does not parse is a usage
 * error, reported through the run (ctl.h).
 */
#include "options.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

/* clang-format off */
const ctl_opt_t CTL_GLOBAL_OPTIONS[] = {
    { OPT_API,     "api",     "ENDPOINT", N_("the daemon's api endpoint (ZeroMQ syntax: ipc://PATH, tcp://HOST:PORT); overrides EXEMPLAR_API") },
    { OPT_JSON,    "json",    NULL,       N_("print one JSON document on stdout instead of text (watch: one JSON object per line)") },
    { OPT_TIMEOUT, "timeout", "MS",       N_("wait MS milliseconds for each answer (default 5000); a request unanswered in time is sent again, with the same request id, twice") },
    { OPT_SERVER_KEY, "server-key", "FILE", N_("CURVE: the daemon's public key file (its server.pub) for a tcp:// endpoint; overrides EXEMPLAR_SERVER_KEY") },
    { OPT_KEY,     "key",     "FILE",     N_("CURVE: your secret key file (from 'exemplarctl keygen', mode 0600); overrides EXEMPLAR_KEY") },
    { OPT_HELP,    "help",    NULL,       N_("print this manual (or, after a command, that command's page) and exit") },
    { OPT_VERSION, "version", NULL,       N_("print exemplarctl's version and exit") },
};
/* clang-format on */
const size_t CTL_GLOBAL_OPTIONS_COUNT = sizeof CTL_GLOBAL_OPTIONS / sizeof CTL_GLOBAL_OPTIONS[0];

/* clang-format off */
const ctl_opt_t CTL_OPTIONS[] = {
    { OPT_UNIT,           "unit",           "CODE",     NULL },
    { OPT_KIND,           "kind",           "KIND",     NULL },
    { OPT_NAME,           "name",           "NAME",     NULL },
    { OPT_CAMPAIGN,       "campaign",       "ID",       NULL },
    { OPT_REQUEST_ID,     "request-id",     "N",        NULL },
    { OPT_EXPECT_VERSION, "expect-version", "N",        NULL },
    { OPT_REASON,         "reason",         "TEXT",     NULL },
    { OPT_STATE,          "state",          "STATE",    NULL },
    { OPT_LIMIT,          "limit",          "N",        NULL },
    { OPT_FROM,           "from",           "SEQ",      NULL },
    { OPT_TOPIC,          "topic",          "PREFIX",   NULL },
    { OPT_COUNT,          "count",          "N",        NULL },
    { OPT_EVENTS,         "events",         "ENDPOINT", NULL },
    { OPT_WAIT,           "wait",           "SECONDS",  NULL },
    { OPT_SUBJECT,        "subject",        "ID",       NULL },
    { OPT_HEAD_OF,        "head-of",        "SUBJECT",  NULL },
    { OPT_PERIOD,         "period",         "ID",       NULL },
    { OPT_OVERRIDE,       "override",       "REASON",   NULL },
    { OPT_DECISION,       "decision",       "NUMBER",   NULL },
    { OPT_DECISION_DATE,  "decision-date",  "DATE",     NULL },
    { OPT_ISSUER,         "issuer",         "TEXT",     NULL },
    { OPT_CODE,           "code",           "CODE",     NULL },
    { OPT_ON,             "on",             "DATE",     NULL },
    { OPT_DIR,            "dir",            "DIR",      NULL },
    { OPT_PUBLISHER,      "publisher",      "NAME",     NULL },
    { OPT_EVENT_ID,       "event-id",       "ID",       NULL },
    { OPT_SEQ,            "seq",            "N",        NULL },
    { OPT_TYPE,           "type",           "TYPE",     NULL },
    { OPT_YEAR,           "year",           "YEAR",     NULL },
    { OPT_VALUE,          "value",          "TEXT",     NULL },
    { OPT_FILE,           "file",           "FILE",     NULL },
    { OPT_BATCH,          "batch",          "N",        NULL },
    { OPT_COLLECTIVE,     "collective",     "N",        NULL },
    { OPT_INDIVIDUAL,     "individual",     "N",        NULL },
    { OPT_SOLUTIONS,      "solutions",      "TEXT",     NULL },
    { OPT_DRAFT,          "draft",          NULL,       NULL },
    { OPT_REPAIR,         "repair",         NULL,       NULL },
    { OPT_AS_OF,          "as-of",          "DATE",     NULL },
    { OPT_TIMERS,         "timers",         NULL,       NULL },
    { OPT_PREFIX,         "prefix",         "TEXT",     NULL },
    { OPT_FORMAT,         "format",         "FORMAT",   NULL },
    { OPT_OUTPUT,         "output",         "PATH",     NULL },
    { OPT_LANG,           "lang",           "LANG",     NULL },
    { OPT_STATE_DIR,      "state-dir",      "DIR",      NULL },
    { OPT_FORCE,          "force",          NULL,       NULL },
    { OPT_DOCUMENT,       "document",       "FILE",     NULL },
    { OPT_DOC_NUMBER,     "doc-number",     "N",        NULL },
    { OPT_DOC_DATE,       "doc-date",       "DATE",     NULL },
    { OPT_UNMATCHED,      "unmatched",      NULL,       NULL },
    { OPT_RULESET,        "ruleset",        "ID",       NULL },
    { OPT_SORT,           "sort",           "ORDER",    NULL },
    { OPT_DATE,           "date",           "DATE",     NULL },
    { OPT_PRESENT,        "present",        "N",        NULL },
    { OPT_IN_FAVOUR,      "in-favour",      "N",        NULL },
    { OPT_LEVEL,          "level",          "LEVEL",    NULL },
    { OPT_SIGNER,         "signer",         "NAME",     NULL },
    { OPT_SIGNER_TITLE,   "signer-title",   "TITLE",    NULL },
    { OPT_SIGNATURE,      "signature",      "FILE",     NULL },
    { OPT_DECISION_NUMBER, "decision-number", "NUMBER",  NULL },
};
/* clang-format on */
const size_t CTL_OPTIONS_COUNT = sizeof CTL_OPTIONS / sizeof CTL_OPTIONS[0];

const ctl_opt_t *ctl_opt_find(ctl_opt_key_t key)
{
    for (size_t i = 0; i < CTL_GLOBAL_OPTIONS_COUNT; i++)
        if (CTL_GLOBAL_OPTIONS[i].key == key)
            return &CTL_GLOBAL_OPTIONS[i];
    for (size_t i = 0; i < CTL_OPTIONS_COUNT; i++)
        if (CTL_OPTIONS[i].key == key)
            return &CTL_OPTIONS[i];
    return NULL;
}

/* ---- values -------------------------------------------------------------- */

int ctl_parse_u64(ctl_t *ctl, const char *what, const char *text, uint64_t min, uint64_t *out)
{
    const char *p = text;
    uint64_t v = 0;
    what = _(what);
    if (!*p)
        return ctl_usage(ctl, "%s must be a number, not an empty string", what);
    for (; *p; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (d > 9)
            return ctl_usage(ctl, "%s must be a number, not '%s'", what, text);
        if (v > (UINT64_MAX - d) / 10)
            return ctl_usage(ctl, "%s is too large: '%s'", what, text);
        v = v * 10 + d;
    }
    if (v < min)
        return ctl_usage(ctl, "%s must be at least %" PRIu64 ", not '%s'", what, min, text);
    *out = v;
    return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* n digits at p as a number; -1 when one is not a digit. */
static long digits(const char *p, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

int ctl_parse_as_of(ctl_t *ctl, const char *text, int64_t *ms)
{
    static const unsigned MDAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t len = strnlen(text, 32);
    long y = len >= 10 ? digits(text, 4) : -1;
    long mo = y >= 0 && text[4] == '-' ? digits(text + 5, 2) : -1;
    long d = mo >= 0 && text[7] == '-' ? digits(text + 8, 2) : -1;
    bool ok = y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 &&
              d <= (long)(MDAYS[mo - 1] + (mo == 2 && leap((unsigned)y)));
    long hh = 23, mi = 59, ss = 59, frac = 999;
    if (ok && len > 10) {
        /* YYYY-MM-DDTHH:MM:SS[.mmm][Z] */
        ok =
            len >= 19 && (text[10] == 'T' || text[10] == ' ') && text[13] == ':' && text[16] == ':';
        hh = ok ? digits(text + 11, 2) : -1;
        mi = ok ? digits(text + 14, 2) : -1;
        ss = ok ? digits(text + 17, 2) : -1;
        frac = 0;
        size_t at = 19;
        if (ok && len > at && text[at] == '.') {
            frac = len >= at + 4 ? digits(text + at + 1, 3) : -1;
            at += 4;
        }
        if (ok && len > at && text[at] == 'Z')
            at++;
        ok = ok && at == len && hh >= 0 && hh <= 23 && mi >= 0 && mi <= 59 && ss >= 0 && ss <= 59 &&
             frac >= 0;
    }
    if (!ok)
        return ctl_usage(ctl,
                         "--as-of must be a date YYYY-MM-DD (the end of that day, UTC) or a "
                         "time YYYY-MM-DDTHH:MM:SS[.mmm]Z (UTC), not '%s'",
                         text);
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    *ms = ((days * 24 + hh) * 60 + mi) * 60000 + ss * 1000 + frac;
    return 0;
}

Exemplar__Decision *ctl_decision(const ctl_args_t *a, Exemplar__Decision *d)
{
    const char *number = a->opt[OPT_SLOT(OPT_DECISION)];
    if (!number)
        return NULL;
    const char *date = a->opt[OPT_SLOT(OPT_DECISION_DATE)];
    const char *issuer = a->opt[OPT_SLOT(OPT_ISSUER)];
    exemplar__decision__init(d);
    d->number = (char *)number;
    d->date = (char *)(date ? date : "");
    d->issuer = (char *)(issuer ? issuer : "");
    return d;
}
