/* SPDX-License-Identifier: MIT */
/*
 * The nomination state machine as data: states, roles, windows and the one
 * move table NOM_MOVES.  Pure: no I/O, no allocation.  The daemon checks
 * every move with nom_check_move(); `exemplard --print-moves`, `exemplarctl
 * help moves` and the docs print the same table with nom_print_moves().
 */
#ifndef EXEMPLAR_NOM_H
#define EXEMPLAR_NOM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Values equal proto/record.proto's State (checked in nom.c). */
typedef enum {
    NOM_NONE = 0,
    NOM_REGISTERED = 1,
    NOM_FOSTERING = 2,
    NOM_UNIT_REVIEWED = 3,
    NOM_MINISTRY_REVIEWED = 4,
    NOM_RECOGNIZED = 5,
    NOM_WITHDRAWN = 6,
    NOM_NOT_SELECTED = 7,
    NOM_RETURNED = 8,
    NOM_REVOKED = 9,
    NOM_CARRIED_OVER = 10,
    NOM_STATE_COUNT
} nom_state_t;

/* Values equal proto/record.proto's Role. */
typedef enum {
    ROLE_NONE = 0,
    ROLE_UNIT_OFFICER = 1,
    ROLE_MINISTRY_REVIEWER = 2,
    ROLE_APPROVER = 3,
    ROLE_PUBLISHER = 4,
    ROLE_READER = 5,
    ROLE_ADMIN = 6,
    ROLE_WORKER = 7,
    ROLE_GATEWAY = 8, /* exemplar-web: acts only on behalf of a named principal */
    ROLE_COUNT
} role_t;

#define ROLE_BIT(r) (1u << (r))

/* The campaign windows a move can be bound to (campaign milestones). */
typedef enum {
    WIN_ANY = 0,
    WIN_REGISTRATION,
    WIN_FOSTERING,
    WIN_UNIT_REVIEW,
    WIN_MINISTRY_REVIEW,
    WIN_RECOGNITION,
    WIN_CARRY_OVER, /* the next period's carry-over window */
    WIN_COUNT
} window_t;

/* Who asks.  unit is the unit code a unit role acts for ("" otherwise). */
typedef struct {
    char name[64];
    role_t role;
    char unit[17];
    char via[64]; /* the gateway that sent the request for name; "" when none */
} actor_t;

/* The parts of a nomination the rules look at. */
typedef struct {
    uint64_t id;
    uint64_t version;
    nom_state_t state;
    const char *unit;
    const char *campaign;
    /* The unit whose officers act on it today: its own, or the successor
     * that carries an ended unit's work on (the caller resolves it from the
     * unit registry; NULL = unit). */
    const char *acting_unit;
} nom_view_t;

struct nom_move;

/* What a move is checked against besides the nomination itself.  The
 * callbacks may be NULL: then every window is open and every guard holds.
 * A guard returns 0 or a negative EX_E* refusal and may write an
 * explanation into why (at most why_len bytes, NUL-terminated).
 *
 * Window override: when the window is closed and override_reason is not
 * empty, an admin's move passes (overridden() is told, so the caller records
 * the reason in the history); anyone else's is refused with -EX_EPERM.
 * window_describe, when set, adds the window's dates to the refusal. */
typedef struct {
    void *arg;
    bool (*window_open)(void *arg, const char *campaign, window_t w);
    int (*guard)(void *arg, const nom_view_t *n, const struct nom_move *move, char *why,
                 size_t why_len);
    void (*window_describe)(void *arg, const char *campaign, window_t w, char *buf, size_t len);
    void (*overridden)(void *arg, window_t w);
    const char *override_reason;
} nom_rules_t;

typedef enum {
    GUARD_NONE = 0,
    GUARD_CRITERIA,
    GUARD_HEAD_OF_UNIT,
    GUARD_NEXT_PERIOD, /* the campaign has a period after the nomination's */
    GUARD_DECISION,    /* the move names a decision (number and date) */
    /* the Minister's recognition: a decision (number, date, issuer) dated
     * from the day the nomination became ministry-reviewed to today, the
     * criteria (pending years as the rule set says), the head-of-unit rule */
    GUARD_RECOGNITION,
    GUARD_COUNT
} guard_t;

typedef struct nom_move {
    nom_state_t from, to;
    const char *verb;  /* CLI name and doc anchor: "foster", "review-unit" */
    unsigned roles;    /* ROLE_BIT()s allowed to make the move; admin always may */
    window_t window;   /* campaign window it must fall in; WIN_ANY if none */
    guard_t guard;     /* GUARD_NONE or a guard the rules evaluate */
    bool needs_reason; /* side exits must say why */
} nom_move_t;

/* The table itself, for loops in tests and printers. */
extern const nom_move_t NOM_MOVES[];
extern const size_t NOM_MOVES_COUNT;

/* The row for (from, to), or NULL when the move is not allowed. */
const nom_move_t *nom_find_move(nom_state_t from, nom_state_t to);

/* True for states no move leaves. */
bool nom_is_terminal(nom_state_t s);

/* Checks a move of n to `to` by actor a, in this order: unit scope
 * (-EX_EPERM, before anything of n is revealed), expected version
 * (-EX_ECONFLICT), a row for (state, to) (-EX_ENOMOVE), role (-EX_EPERM),
 * reason (-EX_EREASON), window (-EX_EWINDOW), guard (the guard's code,
 * usually -EX_ECRITERIA).  Returns 0 and the row in *out, or the
 * refusal with a sentence in why. */
int nom_check_move(const nom_view_t *n, nom_state_t to, uint64_t expected_version, const actor_t *a,
                   const char *reason, const nom_rules_t *rules, char *why, size_t why_len,
                   const nom_move_t **out);

/* May actor a act on nominations of `unit` at all (unit scope)? */
bool nom_actor_in_scope(const actor_t *a, const char *unit);

/* Roles as text, "unit-officer|ministry-reviewer" ("" for none). */
void nom_roles_text(unsigned roles, char *buf, size_t len);
/* The same in a sentence: the roles' names in the current language (i18n.h),
 * separated by ", ". */
void nom_roles_said(unsigned roles, char *buf, size_t len);

/* Names used in docs and help. */
const char *nom_window_name(window_t w);
const char *nom_guard_name(guard_t g);

/* Writes the table as aligned text (one row per move) to f. */
void nom_print_moves(FILE *f);

#endif
