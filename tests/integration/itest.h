/* SPDX-License-Identifier: MIT */
/*
 * Checks shared by the integration tests, on top of the client library.
 * Every itest_* call that "requires" something fails the current cmocka test
 * at the caller's line with the daemon's error code, name and message, so a
 * failure says which request got which answer.
 */
#ifndef EXEMPLAR_TEST_ITEST_H
#define EXEMPLAR_TEST_ITEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "exemplar.h"
#include "harness.h"

/* The parts of a nomination the tests follow. */
typedef struct {
    uint64_t id;
    uint64_t version;
    Exemplar__State state;
    uint64_t last_seq;
    char unit[17];
    char campaign[32];
} nom_t;

/* One change of the log, flattened. */
typedef struct {
    uint64_t seq;
    uint64_t nomination_id;
    uint64_t prev_seq;
    uint64_t version;
    Exemplar__State from, to;
    char unit[17];
    char verb[24];
} change_t;

/* The whole change log from from_seq on, paged through ChangesRequest. */
typedef struct {
    change_t *v;
    size_t n;
    uint64_t last_seq; /* the daemon's last_seq when the last page was answered */
} changes_t;

void changes_free(changes_t *c);

/* Fails the test unless the call succeeded and the daemon did not refuse. */
void itest_require_ok_at(const char *file, int line, int rc, const Exemplar__Reply *r,
                         const char *what);
#define itest_require_ok(rc, r, what) itest_require_ok_at(__FILE__, __LINE__, rc, r, what)

/* Fails the test unless the daemon answered and refused with `code`. */
void itest_require_error_at(const char *file, int line, int rc, const Exemplar__Reply *r, int code,
                            const char *what);
#define itest_require_error(rc, r, code, what)                                                     \
    itest_require_error_at(__FILE__, __LINE__, rc, r, code, what)

nom_t itest_nom_of(const Exemplar__Nomination *n);

/* Register / move / get, requiring success. */
nom_t itest_register_at(const char *file, int line, ex_client_t *c, const char *unit,
                        const char *name, const char *campaign);
#define itest_register(c, unit, name, campaign)                                                    \
    itest_register_at(__FILE__, __LINE__, c, unit, name, campaign)

nom_t itest_move_at(const char *file, int line, ex_client_t *c, const nom_t *n, Exemplar__State to,
                    const char *reason);
#define itest_move(c, n, to, reason) itest_move_at(__FILE__, __LINE__, c, n, to, reason)

/* Records the collective's acclamation of nomination id (a meeting on
 * `date`, 10 present, 10 in favour), which the plan's rule sets require
 * before the move to unit-reviewed (rulesets.yaml `acclamation`). */
void itest_acclaim_at(const char *file, int line, ex_client_t *c, uint64_t id, const char *date);
#define itest_acclaim(c, id, date) itest_acclaim_at(__FILE__, __LINE__, c, id, date)

nom_t itest_get_at(const char *file, int line, ex_client_t *c, uint64_t id);
#define itest_get(c, id) itest_get_at(__FILE__, __LINE__, c, id)

/* The history of a nomination, requiring success; free with ex_reply_free. */
Exemplar__Reply *itest_history_at(const char *file, int line, ex_client_t *c, uint64_t id);
#define itest_history(c, id) itest_history_at(__FILE__, __LINE__, c, id)

/* InfoReply fields, requiring success. */
uint64_t itest_last_seq_at(const char *file, int line, ex_client_t *c);
#define itest_last_seq(c) itest_last_seq_at(__FILE__, __LINE__, c)

/* Every change from from_seq up to the daemon's last_seq. */
changes_t itest_changes_at(const char *file, int line, ex_client_t *c, uint64_t from_seq);
#define itest_changes(c, from) itest_changes_at(__FILE__, __LINE__, c, from)

/* Requires that log holds exactly seqs first..last, each once, in order. */
void itest_require_contiguous_at(const char *file, int line, const changes_t *log, uint64_t first,
                                 uint64_t last);
#define itest_require_contiguous(log, first, last)                                                 \
    itest_require_contiguous_at(__FILE__, __LINE__, log, first, last)

/* Every id a filtered list returns, following next_page_token (at most
 * max_pages pages, each at most filter->limit long when limit is set). */
size_t itest_list_ids_at(const char *file, int line, ex_client_t *c, const ex_list_filter_t *filter,
                         uint64_t *ids, size_t max, int max_pages);
#define itest_list_ids(c, f, ids, max, pages)                                                      \
    itest_list_ids_at(__FILE__, __LINE__, c, f, ids, max, pages)

/* A deterministic generator (splitmix64) for seeded tests. */
typedef struct {
    uint64_t s;
} itest_rng_t;
/* A zeroed harness stored in *state for harness_teardown to clean up. */
harness_t *itest_new_harness(void **state);

/* Starts (restart 0) or restarts the daemon with the plan's rules on,
 * messages in English and [rules] today = day. */
void itest_start_rules_on(harness_t *h, const char *day, int restart);

/* A loopback TCP port that was free a moment ago (the daemon binds it right
 * after); fails the test when none can be had. */
int itest_free_port(void);

/* How many lines of the daemon's log contain text (0 when there is no log). */
int itest_log_count(const harness_t *h, const char *text);

/* Waits up to timeout_ms until the daemon's log has at least n lines that
 * contain text; fails the test with the log otherwise. */
void itest_wait_for_log(harness_t *h, const char *text, int n, int timeout_ms);

uint64_t itest_rng_next(itest_rng_t *r);
/* Uniform in [lo, hi]. */
uint64_t itest_rng_range(itest_rng_t *r, uint64_t lo, uint64_t hi);
/* The seed: $EXEMPLAR_TEST_SEED if set, else from the clock; printed so a
 * failure can be replayed. */
uint64_t itest_seed(const char *test);

#endif
