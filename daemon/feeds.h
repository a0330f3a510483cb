/* SPDX-License-Identifier: MIT */
/*
 * Publisher feeds: a SUB socket connected to each publisher's PUB
 * endpoint of the configuration ([publisher.NAME] endpoint, topic).  Each
 * message is [topic][encoded exemplar.Event]; the event is checked to come
 * from the publisher the section names (an empty publisher field is filled
 * in) and wrapped in a PublishRequest, so that it runs through the api's
 * group commit like any published event: dedup, gap counting and storage
 * are the same for both paths.  The loop polls feeds_socket() beside the
 * api socket and drops nothing silently: an undecodable message is logged
 * (rate-limited) and counted.
 */
#ifndef EXEMPLAR_FEEDS_H
#define EXEMPLAR_FEEDS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "nom.h"

typedef struct feeds feeds_t;

/* Connects every configured feed (in a ZeroMQ context of its own; nothing
 * needs the publishers to be up).  Returns NULL with a sentence in err when
 * an endpoint is not valid ZeroMQ syntax or memory runs out. */
feeds_t *feeds_new(const config_t *cfg, char *err, size_t errlen);
void feeds_destroy(feeds_t **p);

size_t feeds_count(const feeds_t *f);
void *feeds_socket(const feeds_t *f, size_t i);

/* Receives one message of feed i without waiting.  Returns 1 with
 * *request (an encoded exemplar.Request; free()) and *actor (the feed's
 * publisher), 0 when a message was dropped as invalid, -1 when none waits. */
int feeds_receive(feeds_t *f, size_t i, uint8_t **request, size_t *len, actor_t *actor);

/* The api's answer to a request of feed i: refusals are logged, at most one
 * line per feed every 10 s. */
void feeds_answered(feeds_t *f, size_t i, const uint8_t *reply, size_t len);

#endif
