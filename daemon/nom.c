/* SPDX-License-Identifier: MIT */
/*
 * The nomination state machine (see nom.h).  NOM_MOVES is the only place
 * that says which moves exist, who may make them, when, and under which
 * guard; everything else reads it.
 */
#include "nom.h"

#include <string.h>

#include "errors.h"
#include "i18n.h"
#include "names.h"
#include "record.pb-c.h"

_Static_assert(NOM_RETURNED == (int)EXEMPLAR__STATE__STATE_RETURNED, "nom.h and record.proto");
_Static_assert(NOM_CARRIED_OVER == (int)EXEMPLAR__STATE__STATE_CARRIED_OVER,
               "nom.h and record.proto");
_Static_assert(NOM_RECOGNIZED == (int)EXEMPLAR__STATE__STATE_RECOGNIZED, "nom.h and record.proto");
_Static_assert(ROLE_ADMIN == (int)EXEMPLAR__ROLE__ROLE_ADMIN, "nom.h and record.proto");

#define UNIT     ROLE_BIT(ROLE_UNIT_OFFICER)
#define REVIEWER ROLE_BIT(ROLE_MINISTRY_REVIEWER)
#define APPROVER ROLE_BIT(ROLE_APPROVER)

/* clang-format off */
const nom_move_t NOM_MOVES[] = {
    /* from                   to                     verb               roles     window               guard               reason */
    { NOM_NONE,              NOM_REGISTERED,        "register",        UNIT,     WIN_REGISTRATION,    GUARD_NONE,         false },
    { NOM_REGISTERED,        NOM_FOSTERING,         "foster",          UNIT,     WIN_FOSTERING,       GUARD_NONE,         false },
    { NOM_FOSTERING,         NOM_UNIT_REVIEWED,     "review-unit",     UNIT,     WIN_UNIT_REVIEW,     GUARD_CRITERIA,     false },
    { NOM_RETURNED,          NOM_UNIT_REVIEWED,     "review-unit",     UNIT,     WIN_UNIT_REVIEW,     GUARD_CRITERIA,     false },
    { NOM_UNIT_REVIEWED,     NOM_MINISTRY_REVIEWED, "review-ministry", REVIEWER, WIN_MINISTRY_REVIEW, GUARD_CRITERIA,     false },
    { NOM_MINISTRY_REVIEWED, NOM_RECOGNIZED,        "recognize",       APPROVER, WIN_RECOGNITION,     GUARD_RECOGNITION,  false },
    /* side exits: each needs a reason */
    { NOM_FOSTERING,         NOM_NOT_SELECTED,      "not-select",      UNIT,     WIN_UNIT_REVIEW,     GUARD_NONE,         true  },
    { NOM_RETURNED,          NOM_NOT_SELECTED,      "not-select",      UNIT,     WIN_UNIT_REVIEW,     GUARD_NONE,         true  },
    { NOM_UNIT_REVIEWED,     NOM_NOT_SELECTED,      "not-select",      REVIEWER, WIN_MINISTRY_REVIEW, GUARD_NONE,         true  },
    { NOM_MINISTRY_REVIEWED, NOM_NOT_SELECTED,      "not-select",      REVIEWER, WIN_RECOGNITION,     GUARD_NONE,         true  },
    { NOM_UNIT_REVIEWED,     NOM_RETURNED,          "return",          REVIEWER, WIN_MINISTRY_REVIEW, GUARD_NONE,         true  },
    { NOM_MINISTRY_REVIEWED, NOM_RETURNED,          "return",          REVIEWER, WIN_RECOGNITION,     GUARD_NONE,         true  },
    { NOM_REGISTERED,        NOM_WITHDRAWN,         "withdraw",        UNIT,     WIN_ANY,             GUARD_NONE,         true  },
    { NOM_FOSTERING,         NOM_WITHDRAWN,         "withdraw",        UNIT,     WIN_ANY,             GUARD_NONE,         true  },
    { NOM_UNIT_REVIEWED,     NOM_WITHDRAWN,         "withdraw",        UNIT,     WIN_ANY,             GUARD_NONE,         true  },
    { NOM_MINISTRY_REVIEWED, NOM_WITHDRAWN,         "withdraw",        UNIT,     WIN_ANY,             GUARD_NONE,         true  },
    { NOM_RETURNED,          NOM_WITHDRAWN,         "withdraw",        UNIT,     WIN_ANY,             GUARD_NONE,         true  },
    /* the plan's rules: annulment of a recognition, carry-over into the next period */
    { NOM_RECOGNIZED,        NOM_REVOKED,           "revoke",          APPROVER, WIN_ANY,             GUARD_DECISION,     true  },
    { NOM_REGISTERED,        NOM_CARRIED_OVER,      "carry-over",      UNIT,     WIN_CARRY_OVER,      GUARD_NEXT_PERIOD,  false },
    { NOM_FOSTERING,         NOM_CARRIED_OVER,      "carry-over",      UNIT,     WIN_CARRY_OVER,      GUARD_NEXT_PERIOD,  false },
    { NOM_RETURNED,          NOM_CARRIED_OVER,      "carry-over",      UNIT,     WIN_CARRY_OVER,      GUARD_NEXT_PERIOD,  false },
    { NOM_NOT_SELECTED,      NOM_CARRIED_OVER,      "carry-over",      UNIT,     WIN_CARRY_OVER,      GUARD_NEXT_PERIOD,  false },
};
/* clang-format on */

const size_t NOM_MOVES_COUNT = sizeof(NOM_MOVES) / sizeof(NOM_MOVES[0]);

static const char *const WINDOW_NAME[WIN_COUNT] = {
    [WIN_ANY] = "any",
    [WIN_REGISTRATION] = "registration",
    [WIN_FOSTERING] = "fostering",
    [WIN_UNIT_REVIEW] = "unit-review",
    [WIN_MINISTRY_REVIEW] = "ministry-review",
    [WIN_RECOGNITION] = "recognition",
    [WIN_CARRY_OVER] = "carry-over",
};

static const char *const GUARD_NAME[] = {
    [GUARD_NONE] = "-",
    [GUARD_CRITERIA] = "criteria",
    [GUARD_HEAD_OF_UNIT] = "head-of-unit",
    [GUARD_NEXT_PERIOD] = "next-period",
    [GUARD_DECISION] = "decision",
    [GUARD_RECOGNITION] = "recognition",
};

const char *nom_window_name(window_t w)
{
    return w < WIN_COUNT ? WINDOW_NAME[w] : "?";
}

const char *nom_guard_name(guard_t g)
{
    return g < GUARD_COUNT ? GUARD_NAME[g] : "?";
}

static const char *state_name(nom_state_t s)
{
    const char *n = ex_state_name((Exemplar__State)s);
    return n ? n : "none";
}

const nom_move_t *nom_find_move(nom_state_t from, nom_state_t to)
{
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++)
        if (NOM_MOVES[i].from == from && NOM_MOVES[i].to == to)
            return &NOM_MOVES[i];
    return NULL;
}

bool nom_is_terminal(nom_state_t s)
{
    if (s == NOM_NONE)
        return false;
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++)
        if (NOM_MOVES[i].from == s)
            return false;
    return true;
}

bool nom_actor_in_scope(const actor_t *a, const char *unit)
{
    if (a->role != ROLE_UNIT_OFFICER)
        return true;
    return unit && strcmp(a->unit, unit) == 0;
}

/* A state's name in a sentence, in the current language (vi.po, "state"). */
static const char *state_said(nom_state_t s)
{
    return l10n_pgettext("state", state_name(s));
}

void nom_roles_said(unsigned roles, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int r = 1; r < ROLE_COUNT; r++) {
        if (!(roles & ROLE_BIT(r)))
            continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                         l10n_pgettext("name", ex_role_name((Exemplar__Role)r)));
        if (n < 0 || (size_t)n >= len - used)
            return;
        used += (size_t)n;
    }
}

void nom_roles_text(unsigned roles, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int r = 1; r < ROLE_COUNT; r++) {
        if (!(roles & ROLE_BIT(r)))
            continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? "|" : "",
                         ex_role_name((Exemplar__Role)r));
        if (n < 0 || (size_t)n >= len - used)
            return;
        used += (size_t)n;
    }
}

int nom_check_move(const nom_view_t *n, nom_state_t to, uint64_t expected_version, const actor_t *a,
                   const char *reason, const nom_rules_t *rules, char *why, size_t why_len,
                   const nom_move_t **out)
{
    *out = NULL;
    /* Unit scope first: a nomination of another unit says nothing of its
     * version or state to a unit officer (the refusal names no more than
     * its id, which the caller sent). */
    if (a->role != ROLE_ADMIN &&
        !nom_actor_in_scope(a, n->acting_unit ? n->acting_unit : n->unit)) {
        snprintf(why, why_len, _("%s acts for unit %s and may not act on nomination %llu"), a->name,
                 a->unit, (unsigned long long)n->id);
        return -EX_EPERM;
    }
    if (expected_version != n->version) {
        snprintf(why, why_len,
                 _("nomination %llu is at version %llu, not %llu: it changed since you read "
                   "it (now %s); read it again and retry with expected version %llu"),
                 (unsigned long long)n->id, (unsigned long long)n->version,
                 (unsigned long long)expected_version, state_said(n->state),
                 (unsigned long long)n->version);
        return -EX_ECONFLICT;
    }
    const nom_move_t *m = nom_find_move(n->state, to);
    if (!m) {
        char allowed[160] = "";
        size_t used = 0;
        for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
            if (NOM_MOVES[i].from != n->state)
                continue;
            int k = snprintf(allowed + used, sizeof(allowed) - used, "%s%s", used ? ", " : "",
                             state_said(NOM_MOVES[i].to));
            if (k < 0 || (size_t)k >= sizeof(allowed) - used)
                break;
            used += (size_t)k;
        }
        if (used)
            snprintf(why, why_len, _("a nomination in %s cannot move to %s; it can move to: %s"),
                     state_said(n->state), state_said(to), allowed);
        else
            snprintf(why, why_len, _("a nomination in %s cannot move to %s; %s is final"),
                     state_said(n->state), state_said(to), state_said(n->state));
        return -EX_ENOMOVE;
    }
    if (a->role != ROLE_ADMIN) {
        if (!(m->roles & ROLE_BIT(a->role))) {
            char roles[128];
            nom_roles_said(m->roles, roles, sizeof(roles));
            snprintf(why, why_len, _("%s needs the role %s (or admin); %s is %s"),
                     l10n_pgettext("name", m->verb), roles, a->name,
                     l10n_pgettext("name", ex_role_name((Exemplar__Role)a->role) ?: "none"));
            return -EX_EPERM;
        }
    }
    if (m->needs_reason && (!reason || !reason[0])) {
        snprintf(why, why_len, _("moving to %s (%s) needs a reason: say why with --reason TEXT"),
                 state_said(to), l10n_pgettext("name", m->verb));
        return -EX_EREASON;
    }
    if (m->window != WIN_ANY && rules && rules->window_open &&
        !rules->window_open(rules->arg, n->campaign, m->window)) {
        bool override = rules->override_reason && rules->override_reason[0];
        if (override && a->role == ROLE_ADMIN) {
            if (rules->overridden)
                rules->overridden(rules->arg, m->window);
        } else if (override) {
            snprintf(why, why_len,
                     _("only an administrator may override the %s window of campaign %s; %s is %s"),
                     l10n_pgettext("name", nom_window_name(m->window)), n->campaign, a->name,
                     l10n_pgettext("name", ex_role_name((Exemplar__Role)a->role) ?: "none"));
            return -EX_EPERM;
        } else {
            char dates[256] = "";
            if (rules->window_describe)
                rules->window_describe(rules->arg, n->campaign, m->window, dates, sizeof(dates));
            snprintf(why, why_len,
                     _("the %s window of campaign %s is not open now%s%s, so %s is refused; an "
                       "administrator may override it with a reason (--override REASON)"),
                     l10n_pgettext("name", nom_window_name(m->window)), n->campaign,
                     dates[0] ? ": " : "", dates, l10n_pgettext("name", m->verb));
            return -EX_EWINDOW;
        }
    }
    if (m->guard != GUARD_NONE && rules && rules->guard) {
        int rc = rules->guard(rules->arg, n, m, why, why_len);
        if (rc < 0)
            return rc;
    }
    *out = m;
    return 0;
}

void nom_print_moves(FILE *f)
{
    fprintf(f, "%-18s %-18s %-16s %-32s %-16s %-13s %s\n", "FROM", "TO", "VERB", "ROLES", "WINDOW",
            "GUARD", "REASON");
    for (size_t i = 0; i < NOM_MOVES_COUNT; i++) {
        const nom_move_t *m = &NOM_MOVES[i];
        char roles[128];
        nom_roles_text(m->roles, roles, sizeof(roles));
        fprintf(f, "%-18s %-18s %-16s %-32s %-16s %-13s %s\n",
                m->from == NOM_NONE ? "(new)" : state_name(m->from), state_name(m->to), m->verb,
                roles, nom_window_name(m->window), nom_guard_name(m->guard),
                m->needs_reason ? "required" : "-");
    }
    fprintf(f, "\nadmin may make every move.  Unit officers act only on their own unit.\n");
}
