/* SPDX-License-Identifier: MIT */
/*
 * The header and signature of the summary as an administrative document
 * (Decree 30/2020/NĐ-CP, Appendix I): issuing body, number and symbol,
 * place and date, signer, recipients.  One table of keys serves the
 * [document] section of an inih file and "KEY=VALUE" options, so
 * exemplar-summary and exemplarctl spell them alike.  Nothing here is
 * guessed: a value not given stays empty and the page shows a blank.
 */
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"

typedef struct {
    const char *key;
    size_t off; /* offsetof the char * in summary_doc_t; SIZE_MAX: a recipient */
} doc_key_t;

#define RECIPIENT_KEY ((size_t)-1)

static const doc_key_t DOC_KEYS[] = {
    {"parent", offsetof(summary_doc_t, parent)},
    {"body", offsetof(summary_doc_t, body)},
    {"number", offsetof(summary_doc_t, number)},
    {"symbol", offsetof(summary_doc_t, symbol)},
    {"place", offsetof(summary_doc_t, place)},
    {"date", offsetof(summary_doc_t, date)},
    {"subject", offsetof(summary_doc_t, subject)},
    {"authority", offsetof(summary_doc_t, authority)},
    {"title", offsetof(summary_doc_t, title)},
    {"signer", offsetof(summary_doc_t, signer)},
    {"archive", offsetof(summary_doc_t, archive)},
    {"recipient", RECIPIENT_KEY},
};

void summary_doc_free(summary_doc_t *d)
{
    for (size_t i = 0; i < sizeof(DOC_KEYS) / sizeof(DOC_KEYS[0]); i++)
        if (DOC_KEYS[i].off != RECIPIENT_KEY) {
            char **p = (char **)((char *)d + DOC_KEYS[i].off);
            free(*p);
            *p = NULL;
        }
    for (size_t i = 0; i < d->n_recipients; i++)
        free(d->recipients[i]);
    d->n_recipients = 0;
}

/* A date is YYYY-MM-DD of a real day; "today" is not taken on purpose:
 * the day a document is signed is the signer's, not the machine's. */
static int valid_date(const char *v)
{
    int y, m, d;
    char tail;
    if (!v[0])
        return 1;
    if (sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 || m < 1 || m > 12 || d < 1)
        return 0;
    static const int DAYS[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= (m == 2 && !leap ? 28 : DAYS[m - 1]);
}

int summary_doc_set(summary_doc_t *d, const char *key, const char *value, char *err, size_t errlen)
{
    if (strpbrk(value, "\r\n")) {
        snprintf(err, errlen, "document %s: one line only", key);
        return -1;
    }
    if (strlen(value) > SUMMARY_DOC_VALUE_MAX) {
        snprintf(err, errlen, "document %s: at most %d bytes", key, SUMMARY_DOC_VALUE_MAX);
        return -1;
    }
    for (size_t i = 0; i < sizeof(DOC_KEYS) / sizeof(DOC_KEYS[0]); i++) {
        if (strcmp(DOC_KEYS[i].key, key) != 0)
            continue;
        if (strcmp(key, "date") == 0 && !valid_date(value)) {
            snprintf(err, errlen, "document date \"%s\" is not a day YYYY-MM-DD", value);
            return -1;
        }
        char *copy = strdup(value);
        if (!copy) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (DOC_KEYS[i].off == RECIPIENT_KEY) {
            if (d->n_recipients >= SUMMARY_DOC_RECIPIENTS_MAX) {
                free(copy);
                snprintf(err, errlen, "at most %d document recipients", SUMMARY_DOC_RECIPIENTS_MAX);
                return -1;
            }
            d->recipients[d->n_recipients++] = copy;
        } else {
            char **p = (char **)((char *)d + DOC_KEYS[i].off);
            free(*p);
            *p = copy;
        }
        return 0;
    }
    snprintf(err, errlen,
             "no document key \"%s\" (keys: parent, body, number, symbol, place, date, subject, "
             "authority, title, signer, recipient, archive)",
             key);
    return -1;
}

int summary_doc_option(summary_doc_t *d, const char *key_value, char *err, size_t errlen)
{
    const char *eq = strchr(key_value, '=');
    char key[32];
    if (!eq || eq == key_value || (size_t)(eq - key_value) >= sizeof(key)) {
        snprintf(err, errlen, "--doc takes KEY=VALUE, not \"%s\"", key_value);
        return -1;
    }
    snprintf(key, sizeof(key), "%.*s", (int)(eq - key_value), key_value);
    return summary_doc_set(d, key, eq + 1, err, errlen);
}

typedef struct {
    summary_doc_t *d;
    char err[256];
    int line;
} load_t;

static int on_ini(void *arg, const char *section, const char *key, const char *value)
{
    load_t *l = arg;
    if (l->err[0])
        return 0;
    if (strcmp(section, "document") != 0) {
        snprintf(l->err, sizeof(l->err), "section [%s] is not known (only [document])", section);
        return 0;
    }
    return summary_doc_set(l->d, key, value, l->err, sizeof(l->err)) == 0;
}

int summary_doc_load(summary_doc_t *d, const char *path, char *err, size_t errlen)
{
    load_t l = {.d = d};
    int rc = ini_parse(path, on_ini, &l);
    if (rc == -1)
        snprintf(err, errlen, "cannot read %s", path);
    else if (rc != 0)
        snprintf(err, errlen, "%s line %d: %s", path, rc, l.err[0] ? l.err : "not INI syntax");
    return rc == 0 ? 0 : -1;
}
