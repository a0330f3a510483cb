/* SPDX-License-Identifier: MIT */
/*
 * The live view (live.c): server-sent events of other people's moves.
 */
#ifndef EXEMPLAR_WEB_LIVE_H
#define EXEMPLAR_WEB_LIVE_H

#include <microhttpd.h>
#include <stddef.h>

#include "context.h"
#include "session.h"

/* GET /events for the signed-in person: a stream of server-sent events. */
enum MHD_Result live_events(struct MHD_Connection *c, const web_session_t *s, int lang);
/* GET /live.js: the script that shows them. */
enum MHD_Result live_script(struct MHD_Connection *c);
/* Ends every stream (at shutdown, before MHD_stop_daemon). */
void live_stop(void);
/* With [daemon] events set, a thread subscribes to the change feed and
 * wakes every stream at each change; without, streams ask once a second.
 * Returns 0, or -1 with a sentence in err. */
int live_start(const web_config_t *cfg, char *err, size_t errlen);

#endif
