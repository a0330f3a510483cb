/* SPDX-License-Identifier: MIT */
/*
 * Checks shared by the fault suite (see fault.h).
 */
#include "fault.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

uint64_t fault_require_fsck_at(const char *file, int line, harness_t *h, const char *when)
{
    ex_client_t *c = harness_client(h, 60000);
    if (!c) {
        print_error("%s: no client for fsck\n", when);
        _fail(file, line);
    }
    Exemplar__FsckRequest body = EXEMPLAR__FSCK_REQUEST__INIT;
    body.max_problems = 20;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_FSCK;
    req.fsck = &body;
    Exemplar__Reply *r = NULL;
    int rc = ex_client_call(c, &req, &r);
    ex_client_destroy(&c);
    char what[160];
    snprintf(what, sizeof(what), "fsck %s", when);
    itest_require_ok_at(file, line, rc, r, what);
    if (r->body_case != EXEMPLAR__REPLY__BODY_FSCK) {
        print_error("%s: the reply carries no FsckReply\n", what);
        _fail(file, line);
    }
    const Exemplar__FsckReply *f = r->fsck;
    if (f->problems) {
        for (size_t i = 0; i < f->n_problem_list; i++)
            print_error("%s: %s\n", what, f->problem_list[i]);
        print_error("%s: %" PRIu64 " problems\n", what, f->problems);
        ex_reply_free(r);
        _fail(file, line);
    }
    uint64_t n = f->nominations;
    ex_reply_free(r);
    return n;
}

Exemplar__Reply *fault_stats_at(const char *file, int line, ex_client_t *c)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_stats(c, &r);
    itest_require_ok_at(file, line, rc, r, "stats");
    return r;
}

long fault_status_kib(pid_t pid, const char *field)
{
    char path[64], buf[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long kib = -1;
    size_t n = strlen(field);
    while (fgets(buf, sizeof(buf), f)) {
        if (strncmp(buf, field, n) == 0 && buf[n] == ':') {
            if (sscanf(buf + n + 1, "%ld", &kib) != 1)
                kib = -1;
            break;
        }
    }
    fclose(f);
    return kib;
}

int64_t fault_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
