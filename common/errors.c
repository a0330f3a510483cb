/* SPDX-License-Identifier: MIT */
/*
 * The protocol's error table (see errors.h).  One row per stable code; the
 * names are part of the protocol and never change.
 */
#include "errors.h"

#include "wire.pb-c.h"

typedef struct {
    const char *name;
    const char *message;
    int exit_status;
} err_row_t;

static const err_row_t ERR_TABLE[EX_ERR_COUNT] = {
    [EX_OK] = {"ok", "success", EXIT_OK},
    [EX_EMALFORMED] = {"malformed", "the message could not be decoded as an exemplar.Request",
                       EXIT_FAILURE_OTHER},
    [EX_EPROTOCOL] = {"protocol", "unsupported protocol version; this daemon speaks version 1",
                      EXIT_FAILURE_OTHER},
    [EX_EINVALID] = {"invalid", "a field of the request is missing or invalid", EXIT_FAILURE_OTHER},
    [EX_ENOTFOUND] = {"not-found", "no such nomination", EXIT_NOT_FOUND},
    [EX_ECONFLICT] = {"conflict", "the nomination changed since you read it; read it again",
                      EXIT_CONFLICT},
    [EX_ENOMOVE] = {"no-such-move", "this move is not allowed from the nomination's state",
                    EXIT_REFUSED},
    [EX_EREASON] = {"reason-required", "this move needs a reason (--reason TEXT)", EXIT_REFUSED},
    [EX_EWINDOW] = {"outside-window", "the campaign's window for this move is not open",
                    EXIT_REFUSED},
    [EX_ECRITERIA] = {"criteria", "the criteria for this move are not met", EXIT_REFUSED},
    [EX_EPERM] = {"permission", "your role or unit does not allow this request", EXIT_PERMISSION},
    [EX_EIDREUSE] = {"request-id-reused",
                     "this request id was already used for a different request; use a new id",
                     EXIT_FAILURE_OTHER},
    [EX_ETOOBIG] = {"too-large", "the message or one of its fields is too large",
                    EXIT_FAILURE_OTHER},
    [EX_EFULL] = {"storage-full",
                  "the daemon's storage is full; nothing was written, retry once space is freed",
                  EXIT_STORAGE},
    [EX_ESTORAGE] = {"storage", "the daemon's storage failed; nothing was written", EXIT_STORAGE},
    [EX_EUNAVAIL] = {"unavailable", "the daemon did not answer; is exemplard running?",
                     EXIT_UNAVAILABLE},
    [EX_EINTERNAL] = {"internal", "internal error in the daemon; please report it with its log",
                      EXIT_FAILURE_OTHER},
    [EX_EUNIT] = {"unknown-unit",
                  "no such unit, or the unit is not valid on that day; see exemplarctl units list",
                  EXIT_NOT_FOUND},
    [EX_ECAMPAIGN] = {"unknown-campaign",
                      "no such campaign or period; see exemplarctl campaign show", EXIT_NOT_FOUND},
    [EX_EEVCONFLICT] = {"event-conflict",
                        "the publisher already sent a different event under this sequence "
                        "number; send each event again only with its first seq and event_id",
                        EXIT_CONFLICT},
    [EX_ELEASE] = {"lease-lost",
                   "the job's lease ended and the job was handed to another worker; drop it "
                   "without acknowledging",
                   EXIT_CONFLICT},
};

/* The table and the wire enum must agree number for number. */
_Static_assert((int)EX_ECONFLICT == (int)EXEMPLAR__ERROR_CODE__ERROR_CONFLICT,
               "errors.h and wire.proto");
_Static_assert((int)EX_EINTERNAL == (int)EXEMPLAR__ERROR_CODE__ERROR_INTERNAL,
               "errors.h and wire.proto");
_Static_assert((int)EX_ECAMPAIGN == (int)EXEMPLAR__ERROR_CODE__ERROR_UNKNOWN_CAMPAIGN,
               "errors.h and wire.proto");
_Static_assert((int)EX_EEVCONFLICT == (int)EXEMPLAR__ERROR_CODE__ERROR_EVENT_CONFLICT,
               "errors.h and wire.proto");
_Static_assert((int)EX_ELEASE == (int)EXEMPLAR__ERROR_CODE__ERROR_LEASE_LOST,
               "errors.h and wire.proto");
_Static_assert((int)EX_EFULL == (int)EXEMPLAR__ERROR_CODE__ERROR_STORAGE_FULL,
               "errors.h and wire.proto");

static const err_row_t *row(int code)
{
    /* Compare before negating: -INT_MIN does not exist. */
    if (code < 0 && code > -EX_ERR_COUNT)
        code = -code;
    if (code < 0 || code >= EX_ERR_COUNT || !ERR_TABLE[code].name)
        return NULL; /* unknown, or a number reserved for another area */
    return &ERR_TABLE[code];
}

const char *ex_err_name(int code)
{
    const err_row_t *r = row(code);
    return r ? r->name : "unknown";
}

const char *ex_err_message(int code)
{
    const err_row_t *r = row(code);
    return r ? r->message : "unknown error code";
}

int ex_err_exit_status(int code)
{
    const err_row_t *r = row(code);
    return r ? r->exit_status : EXIT_FAILURE_OTHER;
}
