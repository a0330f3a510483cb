/* SPDX-License-Identifier: MIT */
/*
 * The connection to exemplard: one CURVE client with exemplar-web's own key
 * (a principal of role gateway in the daemon's keys file).  Every request
 * names the signed-in person in on_behalf_of, so the daemon checks the
 * person's role and unit; only user_login goes out as the gateway itself.
 * Every request also names the language of the person's pages (vi unless
 * they chose English), so the daemon's sentences in the answer (a refusal,
 * check's explanation) are in the language of the page that shows them.
 * A ZeroMQ socket belongs to one thread at a time: calls are serialised by
 * a mutex (each is a sub-millisecond round trip on the same host).
 */
#include "gw.h"

#include <pthread.h>
#include <stdio.h>

static struct {
    pthread_mutex_t lock;
    ex_client_t *client;
    ex_curve_keys_t keys;
} G = {.lock = PTHREAD_MUTEX_INITIALIZER};

int gw_init(const web_config_t *cfg, char *err, size_t errlen)
{
    if (ex_curve_keys_load(cfg->server_key, cfg->key, &G.keys, err, errlen) < 0)
        return -1;
    ex_client_opts_t o = {.endpoint = cfg->api, .timeout_ms = cfg->timeout_ms, .curve = &G.keys};
    G.client = ex_client_new(&o);
    /* a dossier's file travels in one request: the page checks it against
     * what the daemon takes (InfoReply.max_attachment_bytes) before sending */
    if (G.client)
        ex_client_set_max_request(G.client, EX_MAX_REPLY_BYTES);
    if (!G.client) {
        snprintf(err, errlen,
                 "cannot make a client for %s (a ZeroMQ endpoint such as "
                 "tcp://127.0.0.1:7410)",
                 cfg->api);
        return -1;
    }
    return 0;
}

void gw_fini(void)
{
    ex_client_destroy(&G.client);
}

void gw_prepare(Exemplar__Request *req, const char *person, int lang)
{
    req->on_behalf_of = (char *)(person ? person : "");
    req->language = (char *)(lang == LANG_EN ? "en" : "vi");
}

int gw_call(const char *person, int lang, Exemplar__Request *req, Exemplar__Reply **reply)
{
    gw_prepare(req, person, lang);
    *reply = NULL;
    pthread_mutex_lock(&G.lock);
    int rc = ex_client_call(G.client, req, reply);
    pthread_mutex_unlock(&G.lock);
    return rc;
}
