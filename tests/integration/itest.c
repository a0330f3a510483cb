/* SPDX-License-Identifier: MIT */
/*
 * Checks shared by the integration tests (see itest.h).
 */
#include "itest.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void describe(int rc, const Exemplar__Reply *r, char *buf, size_t len)
{
    if (rc < 0) {
        snprintf(buf, len, "no answer: %s (%d)", ex_err_name(rc), rc);
    } else if (!r) {
        snprintf(buf, len, "no reply object");
    } else if (r->error) {
        snprintf(buf, len, "error %d %s: %s", (int)r->error->code,
                 r->error->name ? r->error->name : "", r->error->message ? r->error->message : "");
    } else {
        snprintf(buf, len, "success (body case %d)", (int)r->body_case);
    }
}

void itest_require_ok_at(const char *file, int line, int rc, const Exemplar__Reply *r,
                         const char *what)
{
    if (rc == 0 && r && !r->error)
        return;
    char got[512];
    describe(rc, r, got, sizeof(got));
    print_error("%s: expected success, got %s\n", what, got);
    _fail(file, line);
}

void itest_require_error_at(const char *file, int line, int rc, const Exemplar__Reply *r, int code,
                            const char *what)
{
    if (rc == 0 && r && r->error && (int)r->error->code == code) {
        /* a refusal always says what it is: the stable name and a sentence */
        if (!r->error->name || strcmp(r->error->name, ex_err_name(code)) != 0) {
            print_error("%s: error %d carries the name \"%s\", expected \"%s\"\n", what, code,
                        r->error->name ? r->error->name : "(null)", ex_err_name(code));
            _fail(file, line);
        }
        if (!r->error->message || !r->error->message[0]) {
            print_error("%s: error %s carries no message\n", what, ex_err_name(code));
            _fail(file, line);
        }
        if (r->body_case != EXEMPLAR__REPLY__BODY__NOT_SET) {
            print_error("%s: error %s came with a body (case %d)\n", what, ex_err_name(code),
                        (int)r->body_case);
            _fail(file, line);
        }
        return;
    }
    char got[512];
    describe(rc, r, got, sizeof(got));
    print_error("%s: expected error %d (%s), got %s\n", what, code, ex_err_name(code), got);
    _fail(file, line);
}

nom_t itest_nom_of(const Exemplar__Nomination *n)
{
    nom_t x;
    memset(&x, 0, sizeof(x));
    x.id = n->id;
    x.version = n->version;
    x.state = n->state;
    x.last_seq = n->last_seq;
    snprintf(x.unit, sizeof(x.unit), "%s", n->unit ? n->unit : "");
    snprintf(x.campaign, sizeof(x.campaign), "%s", n->campaign ? n->campaign : "");
    return x;
}

static nom_t nom_reply(const char *file, int line, int rc, Exemplar__Reply *r, const char *what)
{
    itest_require_ok_at(file, line, rc, r, what);
    if (r->body_case != EXEMPLAR__REPLY__BODY_NOMINATION || !r->nomination) {
        print_error("%s: the reply carries no nomination (body case %d)\n", what,
                    (int)r->body_case);
        _fail(file, line);
    }
    nom_t n = itest_nom_of(r->nomination);
    ex_reply_free(r);
    return n;
}

nom_t itest_register_at(const char *file, int line, ex_client_t *c, const char *unit,
                        const char *name, const char *campaign)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_register(c, 0, unit, EXEMPLAR__KIND__KIND_INDIVIDUAL, name, campaign, &r);
    char what[160];
    snprintf(what, sizeof(what), "register (unit %s, name %s)", unit, name);
    nom_t n = nom_reply(file, line, rc, r, what);
    if (n.id == 0 || n.version != 1 || n.state != EXEMPLAR__STATE__STATE_REGISTERED ||
        strcmp(n.unit, unit) != 0) {
        print_error("%s: got id %" PRIu64 ", version %" PRIu64 ", state %d, unit %s\n", what, n.id,
                    n.version, (int)n.state, n.unit);
        _fail(file, line);
    }
    return n;
}

nom_t itest_move_at(const char *file, int line, ex_client_t *c, const nom_t *n, Exemplar__State to,
                    const char *reason)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_move(c, 0, n->id, to, n->version, reason, &r);
    char what[160];
    snprintf(what, sizeof(what), "move %" PRIu64 " (version %" PRIu64 ", %s) to %s", n->id,
             n->version, ex_state_name(n->state) ?: "?", ex_state_name(to) ?: "?");
    nom_t m = nom_reply(file, line, rc, r, what);
    if (m.id != n->id || m.version != n->version + 1 || m.state != to) {
        print_error("%s: got id %" PRIu64 ", version %" PRIu64 ", state %s\n", what, m.id,
                    m.version, ex_state_name(m.state) ?: "?");
        _fail(file, line);
    }
    return m;
}

void itest_acclaim_at(const char *file, int line, ex_client_t *c, uint64_t id, const char *date)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_acclamation_set(c, 0, id, date, 10, 10, &r);
    char what[64];
    snprintf(what, sizeof(what), "acclaim %" PRIu64, id);
    itest_require_ok_at(file, line, rc, r, what);
    ex_reply_free(r);
}

nom_t itest_get_at(const char *file, int line, ex_client_t *c, uint64_t id)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_get(c, id, &r);
    char what[64];
    snprintf(what, sizeof(what), "get %" PRIu64, id);
    nom_t n = nom_reply(file, line, rc, r, what);
    if (n.id != id) {
        print_error("%s: got nomination %" PRIu64 "\n", what, n.id);
        _fail(file, line);
    }
    return n;
}

Exemplar__Reply *itest_history_at(const char *file, int line, ex_client_t *c, uint64_t id)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_history(c, id, &r);
    char what[64];
    snprintf(what, sizeof(what), "history %" PRIu64, id);
    itest_require_ok_at(file, line, rc, r, what);
    if (r->body_case != EXEMPLAR__REPLY__BODY_HISTORY || !r->history) {
        print_error("%s: the reply carries no history (body case %d)\n", what, (int)r->body_case);
        _fail(file, line);
    }
    return r;
}

uint64_t itest_last_seq_at(const char *file, int line, ex_client_t *c)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_info(c, &r);
    itest_require_ok_at(file, line, rc, r, "info");
    if (r->body_case != EXEMPLAR__REPLY__BODY_INFO || !r->info) {
        print_error("info: the reply carries no InfoReply (body case %d)\n", (int)r->body_case);
        _fail(file, line);
    }
    uint64_t last = r->info->last_seq;
    ex_reply_free(r);
    return last;
}

void changes_free(changes_t *c)
{
    free(c->v);
    memset(c, 0, sizeof(*c));
}

static void change_of(change_t *x, const Exemplar__Change *ch)
{
    memset(x, 0, sizeof(*x));
    x->seq = ch->seq;
    x->nomination_id = ch->nomination_id;
    x->prev_seq = ch->prev_seq;
    x->version = ch->version;
    x->from = ch->from;
    x->to = ch->to;
    snprintf(x->unit, sizeof(x->unit), "%s", ch->unit ? ch->unit : "");
    snprintf(x->verb, sizeof(x->verb), "%s", ch->verb ? ch->verb : "");
}

changes_t itest_changes_at(const char *file, int line, ex_client_t *c, uint64_t from_seq)
{
    changes_t log = {0};
    size_t cap = 0;
    uint64_t next = from_seq;
    /* A page is at most 1000 changes; bound the pages so that a daemon that
     * ignores from_seq cannot keep the test looping. */
    for (int page = 0; page < 10000; page++) {
        Exemplar__Reply *r = NULL;
        int rc = ex_changes(c, next, 1000, &r);
        char what[80];
        snprintf(what, sizeof(what), "changes from %" PRIu64, next);
        itest_require_ok_at(file, line, rc, r, what);
        if (r->body_case != EXEMPLAR__REPLY__BODY_CHANGES || !r->changes) {
            print_error("%s: the reply carries no ChangesReply (body case %d)\n", what,
                        (int)r->body_case);
            _fail(file, line);
        }
        log.last_seq = r->changes->last_seq;
        size_t n = r->changes->n_changes;
        if (n > 1000) {
            print_error("%s: a page of %zu changes, more than the limit 1000\n", what, n);
            _fail(file, line);
        }
        if (log.n + n > cap) {
            cap = (log.n + n) * 2 + 64;
            change_t *v = realloc(log.v, cap * sizeof(*v));
            assert_non_null(v);
            log.v = v;
        }
        uint64_t max_seq = 0;
        for (size_t i = 0; i < n; i++) {
            change_of(&log.v[log.n++], r->changes->changes[i]);
            if (r->changes->changes[i]->seq > max_seq)
                max_seq = r->changes->changes[i]->seq;
        }
        uint64_t last = log.last_seq;
        ex_reply_free(r);
        if (n == 0 || max_seq >= last)
            return log;
        if (max_seq < next) {
            print_error("%s: the page ends at seq %" PRIu64 ", before what was asked\n", what,
                        max_seq);
            _fail(file, line);
        }
        next = max_seq + 1;
    }
    print_error("changes from %" PRIu64 ": paging did not end\n", from_seq);
    _fail(file, line);
    return log;
}

void itest_require_contiguous_at(const char *file, int line, const changes_t *log, uint64_t first,
                                 uint64_t last)
{
    uint64_t want = last >= first ? last - first + 1 : 0;
    for (size_t i = 0; i < log->n && i < want; i++) {
        if (log->v[i].seq != first + i) {
            print_error("change log: entry %zu has seq %" PRIu64 ", expected %" PRIu64
                        " (seqs %" PRIu64 "..%" PRIu64 " must be contiguous)\n",
                        i, log->v[i].seq, first + i, first, last);
            _fail(file, line);
        }
    }
    if (log->n != want) {
        print_error("change log: %zu entries, expected %" PRIu64 " (seqs %" PRIu64 "..%" PRIu64
                    ")\n",
                    log->n, want, first, last);
        _fail(file, line);
    }
}

size_t itest_list_ids_at(const char *file, int line, ex_client_t *c, const ex_list_filter_t *filter,
                         uint64_t *ids, size_t max, int max_pages)
{
    ex_list_filter_t f = *filter;
    uint8_t token[1024];
    size_t n = 0;
    for (int page = 0; page < max_pages; page++) {
        Exemplar__Reply *r = NULL;
        int rc = ex_list(c, &f, &r);
        char what[128];
        snprintf(what, sizeof(what), "list page %d (state %d, unit %s, campaign %s, limit %u)",
                 page + 1, (int)f.state, f.unit ? f.unit : "", f.campaign ? f.campaign : "",
                 f.limit);
        itest_require_ok_at(file, line, rc, r, what);
        if (r->body_case != EXEMPLAR__REPLY__BODY_LIST || !r->list) {
            print_error("%s: the reply carries no ListReply (body case %d)\n", what,
                        (int)r->body_case);
            _fail(file, line);
        }
        if (f.limit && r->list->n_nominations > f.limit) {
            print_error("%s: %zu entries, more than the limit\n", what, r->list->n_nominations);
            _fail(file, line);
        }
        for (size_t i = 0; i < r->list->n_nominations; i++) {
            if (n == max) {
                print_error("%s: more than %zu nominations listed\n", what, max);
                _fail(file, line);
            }
            ids[n++] = r->list->nominations[i]->id;
        }
        size_t tlen = r->list->next_page_token.len;
        if (tlen == 0) {
            ex_reply_free(r);
            return n;
        }
        if (tlen > sizeof(token)) {
            print_error("%s: a page token of %zu bytes\n", what, tlen);
            _fail(file, line);
            return n; /* _fail does not return; -O3 does not know it */
        }
        memcpy(token, r->list->next_page_token.data, tlen);
        f.page_token = token;
        f.page_token_len = tlen;
        ex_reply_free(r);
    }
    print_error("list: still a next_page_token after %d pages\n", max_pages);
    _fail(file, line);
    return n;
}

uint64_t itest_rng_next(itest_rng_t *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t itest_rng_range(itest_rng_t *r, uint64_t lo, uint64_t hi)
{
    return lo + itest_rng_next(r) % (hi - lo + 1);
}

uint64_t itest_seed(const char *test)
{
    const char *env = getenv("EXEMPLAR_TEST_SEED");
    uint64_t seed;
    if (env && *env) {
        seed = strtoull(env, NULL, 0);
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec;
    }
    fprintf(stderr, "%s: seed %" PRIu64 " (replay with EXEMPLAR_TEST_SEED=%" PRIu64 ")\n", test,
            seed, seed);
    return seed;
}

harness_t *itest_new_harness(void **state)
{
    harness_t *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    *state = h;
    return h;
}

void itest_start_rules_on(harness_t *h, const char *day, int restart)
{
    char conf[256];
    snprintf(conf, sizeof conf, "[rules]\nenforce = yes\nlanguage = en\ntoday = %s\n", day);
    if (!restart) {
        assert_int_equal(harness_start_conf(h, conf, NULL), 0);
        return;
    }
    assert_int_equal(harness_stop(h), 0);
    FILE *f = fopen(h->conf_path, "w");
    assert_non_null(f);
    fputs(conf, f);
    fclose(f);
    assert_int_equal(harness_restart(h), 0);
}

int itest_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        if (fd >= 0)
            close(fd);
        fail_msg("no free loopback port");
    }
    close(fd);
    return ntohs(a.sin_port);
}

int itest_log_count(const harness_t *h, const char *text)
{
    FILE *f = fopen(h->log_path, "r");
    if (!f)
        return 0;
    char line[4096];
    int n = 0;
    while (fgets(line, sizeof(line), f))
        n += strstr(line, text) != NULL;
    fclose(f);
    return n;
}

void itest_wait_for_log(harness_t *h, const char *text, int n, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        if (itest_log_count(h, text) >= n)
            return;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    harness_dump_log(h);
    fail_msg("the daemon's log never said (%d times): %s", n, text);
}
