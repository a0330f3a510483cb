/* SPDX-License-Identifier: MIT */
/*
 * The events half of libexemplar (see exemplar.h): request
 * builders for publish, stats and evidence, and registration with a
 * subject.  The feed side is in sub.c.
 */
#include "exemplar.h"

static char *str(const char *s)
{
    return (char *)(s ? s : "");
}

int ex_publish(ex_client_t *c, uint64_t request_id, Exemplar__Event *const *events, size_t n,
               Exemplar__Reply **reply)
{
    Exemplar__PublishRequest body = EXEMPLAR__PUBLISH_REQUEST__INIT;
    body.events = (Exemplar__Event **)events;
    body.n_events = n;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_PUBLISH;
    req.publish = &body;
    /* ex_client_call chooses an id when it is 0; a publish needs none, but
     * one costs only an appended record and makes the reply replayable. */
    return ex_client_call(c, &req, reply);
}

int ex_stats(ex_client_t *c, Exemplar__Reply **reply)
{
    Exemplar__StatsRequest body = EXEMPLAR__STATS_REQUEST__INIT;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_STATS;
    req.stats = &body;
    return ex_client_call(c, &req, reply);
}

int ex_evidence(ex_client_t *c, const char *subject, uint64_t after, uint32_t limit,
                Exemplar__Reply **reply)
{
    Exemplar__EventListRequest body = EXEMPLAR__EVENT_LIST_REQUEST__INIT;
    body.subject = str(subject);
    body.after = after;
    body.limit = limit;
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_EVENT_LIST;
    req.event_list = &body;
    return ex_client_call(c, &req, reply);
}

int ex_register_subject(ex_client_t *c, uint64_t request_id, const char *unit, Exemplar__Kind kind,
                        const char *name, const char *campaign, const char *subject,
                        Exemplar__Reply **reply)
{
    Exemplar__RegisterRequest body = EXEMPLAR__REGISTER_REQUEST__INIT;
    body.unit = str(unit);
    body.kind = kind;
    body.name = str(name);
    body.campaign = str(campaign);
    body.subject = str(subject);
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.request_id = request_id;
    req.body_case = EXEMPLAR__REQUEST__BODY_REGISTER;
    req.register_ = &body;
    return ex_client_call(c, &req, reply);
}
