/* SPDX-License-Identifier: MIT */
/*
 * The reply helpers of the request path (see api_call.h): a refusal's
 * sentence, the packed reply, the error reply, the unit scope check.
 */
#include "api_call.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "key.h"
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

int api_check_unit_scope(call_t *x, const char *code, const char *unit_name, bool write,
                         const char *verb, const char *what, char *acting, size_t acting_len)
{
    char on[KEY_UNIT_MAX + 1], ended[16] = "", ended_said[64];
    snprintf(on, sizeof(on), "%s", code ? code : "");
    const actor_t *a = x->actor;
    if (acting && acting_len)
        snprintf(acting, acting_len, "%s", on);
    if (a->role != ROLE_UNIT_OFFICER && !acting)
        return 0;
    /* The unit registry says who carries an ended unit's work on (merges of
     * 2025: Nghị quyết 202/2025/QH15); the day is the request's. */
    if (code && code[0] && x->txn) {
        int rc = rules_unit_acting(x->txn, code, unit_name, rules_today(x->rules, x->now_ms), on,
                                   sizeof(on), ended, sizeof(ended));
        if (rc < 0)
            return rc;
        if (acting && acting_len)
            snprintf(acting, acting_len, "%s", on);
    }
    if (a->role != ROLE_UNIT_OFFICER)
        return 0;
    if (strcmp(a->unit, on) == 0)
        return 0;
    if (code && strcmp(a->unit, code) == 0) {
        if (!write || !ended[0] || !rules_enforced(x->rules)) {
            /* its own code: the move table's scope check sees that one */
            if (acting && acting_len)
                snprintf(acting, acting_len, "%s", code);
            return 0;
        }
        return api_refuse(x, -EX_EPERM,
                          _("unit %s ended on %s and unit %s carries its work on: %s acts for "
                            "unit %s and may no longer %s %s; an officer of unit %s may"),
                          code, l10n_day(ended, ended_said, sizeof(ended_said)), on, a->name,
                          a->unit, l10n_pgettext("scope", verb), what, on);
    }
    /* verb is one of the "scope" words of vi.po (read, move, check, submit). */
    return api_refuse(x, -EX_EPERM, _("%s acts for unit %s and may not %s %s"), a->name, a->unit,
                      l10n_pgettext("scope", verb), what);
}

bool api_in_unit_scope(call_t *x, const char *code, const char *unit_name)
{
    const actor_t *a = x->actor;
    if (nom_actor_in_scope(a, code))
        return true;
    if (!code || !code[0] || !x->txn)
        return false;
    char on[KEY_UNIT_MAX + 1];
    return rules_unit_acting(x->txn, code, unit_name, rules_today(x->rules, x->now_ms), on,
                             sizeof(on), NULL, 0) == 0 &&
           strcmp(a->unit, on) == 0;
}

int api_check_scope(call_t *x, const Exemplar__Nomination *n, const char *verb)
{
    char what[64];
    snprintf(what, sizeof(what), _("nomination %llu"), (unsigned long long)n->id);
    return api_check_unit_scope(x, n->unit, n->unit_name, strcmp(verb, "move") == 0, verb, what,
                                NULL, 0);
}
