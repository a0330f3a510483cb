/* SPDX-License-Identifier: MIT */
/*
 * Small ZeroMQ helpers shared by the library's files (client.c, sub.c); not
 * part of the public API in exemplar.h.
 */
#ifndef EXEMPLAR_ZMQ_UTIL_H
#define EXEMPLAR_ZMQ_UTIL_H

/* Receives and drops the rest of a multipart message the caller stopped
 * reading, so that the next receive starts at a message boundary. */
void ex_zmq_drain(void *sock);

#endif
