/* SPDX-License-Identifier: MIT */
/*
 * The protocol's error table: for every stable code of wire.proto's ErrorCode
 * its stable name, a default sentence and the exit status exemplarctl uses.
 * The daemon, the client library and exemplarctl all read this one table.
 *
 * Functions in this project that can fail return 0 or a negative ex_err_t
 * (-EX_ECONFLICT, ...); the same number goes on the wire as Error.code.
 */
#ifndef EXEMPLAR_ERRORS_H
#define EXEMPLAR_ERRORS_H

typedef enum {
    EX_OK = 0,
    EX_EMALFORMED = 1,
    EX_EPROTOCOL = 2,
    EX_EINVALID = 3,
    EX_ENOTFOUND = 4,
    EX_ECONFLICT = 5,
    EX_ENOMOVE = 6,
    EX_EREASON = 7,
    EX_EWINDOW = 8,
    EX_ECRITERIA = 9,
    EX_EPERM = 10,
    EX_EIDREUSE = 11,
    EX_ETOOBIG = 12,
    EX_EFULL = 13,
    EX_ESTORAGE = 14,
    EX_EUNAVAIL = 15,
    EX_EINTERNAL = 16,
    EX_EUNIT = 17,       /* rules: no such unit, or not valid on that day */
    EX_ECAMPAIGN = 18,   /* rules: no such campaign or period */
    EX_EEVCONFLICT = 19, /* events: a publisher's seq reused for another event id */
    EX_ELEASE = 20,      /* workers: the job's lease ended and it went to another worker */
    EX_ERR_COUNT
} ex_err_t;

/* exemplarctl's exit statuses (documented in README and --help). */
enum {
    EXIT_OK = 0,
    EXIT_FAILURE_OTHER = 1, /* invalid request, internal error */
    EXIT_USAGE = 2,         /* bad command line */
    EXIT_NOT_FOUND = 3,
    EXIT_CONFLICT = 4,
    EXIT_REFUSED = 5, /* refused by the rules: no such move, reason, window, criteria */
    EXIT_PERMISSION = 6,
    EXIT_UNAVAILABLE = 7, /* the daemon did not answer */
    EXIT_STORAGE = 8,     /* the daemon's store is full or failing */
};

/* Stable lower-case name of a code ("conflict"); "unknown" for codes this
 * build does not know.  Accepts negative codes too. */
const char *ex_err_name(int code);

/* A default sentence for a code, used when no more specific one exists. */
const char *ex_err_message(int code);

/* The exemplarctl exit status for a code. */
int ex_err_exit_status(int code);

#endif
