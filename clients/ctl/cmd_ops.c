/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's operator tools: `fsck [--repair]`, which asks the
 * daemon to check its store (FsckRequest, proto/ops.proto) and prints the
 * counts and the problems found.  Exit 0 when the store is clean (after a
 * repair: when the repair left nothing), 1 when problems remain.
 */
#include "cmd_ops.h"
#include "output.h"
#include "progress.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define FSCK_PROBLEMS_MAX 1000
/* A check of a large store takes seconds: wait this long by default, and
 * never send it again (a second request would queue a second full pass). */
#define FSCK_TIMEOUT_MS (10 * 60 * 1000)

static json_object *fsck_json(const Exemplar__FsckReply *f)
{
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "nominations", json_object_new_uint64(f->nominations));
    json_object_object_add(doc, "changes", json_object_new_uint64(f->changes));
    json_object_object_add(doc, "last_seq", json_object_new_uint64(f->last_seq));
    json_object_object_add(doc, "by_state_entries", json_object_new_uint64(f->by_state_entries));
    json_object_object_add(doc, "by_state_stale", json_object_new_uint64(f->by_state_stale));
    json_object_object_add(doc, "by_unit_entries", json_object_new_uint64(f->by_unit_entries));
    json_object_object_add(doc, "problems", json_object_new_uint64(f->problems));
    json_object *list = json_object_new_array();
    for (size_t i = 0; i < f->n_problem_list; i++)
        json_object_array_add(list, json_object_new_string(f->problem_list[i]));
    json_object_object_add(doc, "problem_list", list);
    json_object_object_add(doc, "repaired", json_object_new_boolean(f->repaired));
    json_object_object_add(doc, "problems_after_repair",
                           json_object_new_uint64(f->problems_after_repair));
    return doc;
}

static void fsck_print(const Exemplar__FsckReply *f)
{
    ctl_put_fieldf(_("nominations"), "%" PRIu64, f->nominations);
    ctl_put_fieldf(_("changes"), _("%" PRIu64 " (last %" PRIu64 ")"), f->changes, f->last_seq);
    ctl_put_fieldf(_("by_state entries"),
                   _("%" PRIu64 " (%" PRIu64 " stale, swept by housekeeping)"), f->by_state_entries,
                   f->by_state_stale);
    ctl_put_fieldf(_("by_unit entries"), "%" PRIu64, f->by_unit_entries);
    ctl_put_fieldf(_("problems"), "%" PRIu64, f->problems);
    for (size_t i = 0; i < f->n_problem_list; i++)
        printf("  - %s\n", f->problem_list[i]);
    if (f->n_problem_list < f->problems)
        printf(_("  (%" PRIu64 " more not shown; see --limit)\n"), f->problems - f->n_problem_list);
    if (f->repaired)
        printf(_("repaired: by_state and by_unit rebuilt; %" PRIu64 " problems remain\n"),
               f->problems_after_repair);
}

int cmd_fsck(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t limit = 20;
    const char *text = a->opt[OPT_SLOT(OPT_LIMIT)];
    int status = text ? ctl_parse_u64(ctl, "--limit", text, 1, &limit) : 0;
    if (status)
        return status;
    if (limit > FSCK_PROBLEMS_MAX)
        return ctl_usage(ctl, "--limit is at most %d", FSCK_PROBLEMS_MAX);
    if (ctl->timeout_ms <= 0)
        ctl->timeout_ms = FSCK_TIMEOUT_MS;
    ctl->retries = -1;
    ex_client_t *c = ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__FsckRequest body = EXEMPLAR__FSCK_REQUEST__INIT;
    body.repair = a->opt[OPT_SLOT(OPT_REPAIR)] != NULL;
    body.max_problems = (uint32_t)limit;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_FSCK;
    req.fsck = &body;
    Exemplar__Reply *reply = NULL;
    /* The daemon answers only at the end of its one pass: on a terminal the
     * line says what it is checking and for how long it has been waiting. */
    ex_progress_t prog;
    ex_progress_init(&prog, "fsck", _("nominations"), 0);
    if (ex_progress_shown(&prog) && ex_reply_status(ex_info(c, &reply), reply) == 0)
        ex_progress_total(&prog, reply->info->nominations);
    ex_reply_free(reply);
    reply = NULL;
    ex_progress_tick_start(&prog);
    int rc = ex_client_call(c, &req, &reply);
    ex_progress_deinit(&prog);
    if (ex_reply_status(rc, reply) != 0) {
        status = ctl_fail_call(ctl, rc, reply);
        ex_reply_free(reply);
        return status;
    }
    const Exemplar__FsckReply *f = reply->fsck;
    if (ctl->json)
        ctl_json_print(fsck_json(f));
    else
        fsck_print(f);
    status = (f->repaired ? f->problems_after_repair : f->problems) ? EXIT_FAILURE_OTHER : EXIT_OK;
    ex_reply_free(reply);
    return status;
}
