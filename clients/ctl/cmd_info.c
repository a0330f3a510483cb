/* SPDX-License-Identifier: MIT */
/*
 * exemplarctl's questions to the daemon about itself: info (version, change
 * feed endpoint, counts) and ping, which asks until the daemon answers, for
 * scripts that start exemplard and wait until it serves.
 */
#include "cmd_info.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "output.h"

/* ---- info, ping -------------------------------------------------------- */

int cmd_info(ctl_t *ctl, const ctl_args_t *a)
{
    (void)a;
    int status;
    ex_client_t *c = ctl_client(ctl, &status);
    if (!c)
        return status;
    Exemplar__Reply *reply = NULL;
    if ((status = ctl_call_status(ctl, ex_info(c, &reply), &reply)) != 0)
        return status;
    if (ctl->json)
        ctl_json_print(ctl_json_info(reply->info, ex_client_endpoint(c)));
    else
        ctl_print_info(reply->info, ex_client_endpoint(c));
    ex_reply_free(reply);
    return EXIT_OK;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One Info request: one attempt of at most timeout_ms on a fresh
 * connection.  Returns the call's result, or 1 after reporting that no client
 * could be made (*status). */
static int ping_once(ctl_t *ctl, int timeout_ms, Exemplar__Reply **reply, int *status)
{
    ex_client_destroy(&ctl->client);
    ctl->timeout_ms = timeout_ms;
    ctl->retries = -1;
    ex_client_t *c = ctl_client(ctl, status);
    return c ? ex_info(c, reply) : 1;
}

/* Asks again until the daemon answers or `wait` seconds are over; without
 * --wait, one attempt of --timeout. */
int cmd_ping(ctl_t *ctl, const ctl_args_t *a)
{
    uint64_t wait_s = 0;
    const char *wait_text = a->opt[OPT_SLOT(OPT_WAIT)];
    if (wait_text && ctl_parse_u64(ctl, "--wait", wait_text, 0, &wait_s))
        return EXIT_USAGE;
    if (wait_s > 86400)
        return ctl_usage(ctl, "--wait is at most 86400 seconds");
    int per_try = ctl->timeout_ms > 0 ? ctl->timeout_ms : 5000;
    int64_t start = now_ms(), deadline = start + (int64_t)wait_s * 1000;
    Exemplar__Reply *reply = NULL;
    int rc, status = EXIT_OK;
    do {
        int64_t left = deadline - now_ms();
        int t = per_try;
        if (wait_s > 0)
            t = left >= 1000 ? 1000 : left > 0 ? (int)left : 1;
        int64_t tried = now_ms();
        if ((rc = ping_once(ctl, t, &reply, &status)) > 0)
            return status;
        /* No socket file yet: the call failed at once; wait out this try's
         * slot before looking again instead of spinning. */
        int64_t spent = now_ms() - tried;
        if (rc == -EX_EUNAVAIL && wait_s > 0 && spent < 100) {
            struct timespec pause = {0, (long)(100 - spent) * 1000000L};
            nanosleep(&pause, NULL);
        }
    } while (rc == -EX_EUNAVAIL && now_ms() < deadline);
    if ((status = ctl_call_status(ctl, rc, &reply)) != 0)
        return status;
    int64_t waited = now_ms() - start;
    const char *api = ex_client_endpoint(ctl->client);
    if (ctl->json) {
        json_object *doc = ctl_json_info(reply->info, api);
        json_object_object_add(doc, "waited_ms", json_object_new_int64(waited));
        ctl_json_print(doc);
    } else {
        printf(_("exemplard %s is answering at %s (after %" PRId64 " ms)\n"), reply->info->version,
               api, waited);
    }
    ex_reply_free(reply);
    return EXIT_OK;
}
