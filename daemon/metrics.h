/* SPDX-License-Identifier: MIT */
/*
 * The Prometheus endpoint: when [stats] listen is set, a small
 * HTTP server (libmicrohttpd, on a thread of its own) answers GET /metrics
 * with the figures of `exemplarctl stats` in the text exposition format
 * 0.0.4.  The loop refreshes a text snapshot within a second of a change
 * and every 5 seconds (metrics_refresh, from a read transaction); the HTTP thread only copies that
 * text under a mutex, so a slow or hostile scraper never reaches the loop or LMDB.
 */
#ifndef EXEMPLAR_METRICS_H
#define EXEMPLAR_METRICS_H

#include <stddef.h>
#include <stdio.h>

#include "api.h"

typedef struct metrics metrics_t;

/* Listens on listen ("ADDRESS:PORT", "[IPv6]:PORT" or "localhost:PORT").
 * Returns NULL with a sentence in err (a bad address, a port in use). */
metrics_t *metrics_new(const char *listen, char *err, size_t errlen);
void metrics_destroy(metrics_t **p);

/* Takes a new snapshot of the api's figures for the next scrapes. */
void metrics_refresh(metrics_t *m, api_t *api);

/* Writes s in the exposition format (every metric with # HELP and # TYPE). */
void metrics_format(const Exemplar__StatsReply *s, FILE *f);

#endif
