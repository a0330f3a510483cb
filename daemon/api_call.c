/* SPDX-License-Identifier: MIT */
/*
 * The reply helpers of the request path (see api_call.h): a refusal's
 * sentence, the packed reply, the error reply, the unit scope check.
 */
#include "api_call.h"

#include <stdarg.h>
#include <stdio.h>

#include "i18n.h"
#include "records.h"

int api_pack(call_t *x)
{
    x->reply.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    x->reply.request_id = x->req ? x->req->request_id : 0;
    x->out = records_pack(&x->reply.base, &x->out_len);
    return x->out ? 0 : -EX_EINTERNAL;
}

uint8_t *api_call_error_reply(uint64_t request_id, int code, const char *message,
                              uint64_t current_version, Exemplar__State current_state, size_t *len)
{
    Exemplar__Reply r = EXEMPLAR__REPLY__INIT;
    Exemplar__Error e = EXEMPLAR__ERROR__INIT;
    e.code = (Exemplar__ErrorCode)(code < 0 ? -code : code);
    e.name = (char *)ex_err_name(code);
    e.message = (char *)(message && message[0] ? message : _(ex_err_message(code)));
    e.current_version = current_version;
    e.current_state = current_state;
    r.protocol = EXEMPLAR__PROTOCOL_VERSION__PROTOCOL_V1;
    r.request_id = request_id;
    r.error = &e;
    return records_pack(&r.base, len);
}

int api_refuse(call_t *x, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->why, sizeof(x->why), fmt, ap);
    va_end(ap);
    return code;
}

int api_check_scope(call_t *x, const Exemplar__Nomination *n, const char *verb)
{
    if (nom_actor_in_scope(x->actor, n->unit))
        return 0;
    /* verb is one of the "scope" words of vi.po (read, move, check). */
    return api_refuse(x, -EX_EPERM, _("%s acts for unit %s and may not %s nomination %llu"),
                      x->actor->name, x->actor->unit, l10n_pgettext("scope", verb),
                      (unsigned long long)n->id);
}
