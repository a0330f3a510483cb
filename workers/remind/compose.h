/* SPDX-License-Identifier: MIT */
/*
 * The words of a reminder: what is due, by when, and what is
 * missing, from a leased job and the context the daemon filled in.  The
 * language is the one i18n_init() selected (Vietnamese by default; the
 * msgids are English, common/po/vi.po translates them).  Pure: no I/O.
 */
#ifndef EXEMPLAR_REMIND_COMPOSE_H
#define EXEMPLAR_REMIND_COMPOSE_H

#include <stddef.h>

#include "workers.pb-c.h"

#define COMPOSE_SUBJECT_MAX 256
#define COMPOSE_TEXT_MAX    8192

typedef struct {
    char subject[COMPOSE_SUBJECT_MAX]; /* one line */
    char text[COMPOSE_TEXT_MAX];       /* the body, lines ending in \n */
} reminder_t;

/* Where the reader acts: the page of exemplar-web when its address is
 * known, else the office to send to and ask.  Either may be NULL. */
typedef struct {
    const char *web_url; /* e.g. https://exemplar.example.gov.vn, no trailing slash needed */
    const char *office;  /* NULL: the plan's department (section IV.2) */
} compose_contact_t;

/* Composes the reminder of job j in lang ("vi" or "en": dates are written
 * the way each language writes them; i18n_init() must have selected the
 * same language for the words).  Returns 0, or -1 when j is not a reminder
 * (its kind is not one of the remind kinds). */
int compose_reminder(const Exemplar__Job *j, const char *lang, reminder_t *out);
/* The same, telling the reader where to act (contact may be NULL).  The
 * body says what to do in the plan's words, never a command to run. */
int compose_reminder_for(const Exemplar__Job *j, const char *lang, const compose_contact_t *contact,
                         reminder_t *out);

#endif
