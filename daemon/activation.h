/* SPDX-License-Identifier: MIT */
/*
 * Socket activation: the api socket can be created by the service manager
 * (exemplard.socket) before the daemon starts, so clients may connect while
 * it starts or restarts.  The daemon takes the passed listening socket and
 * gives it to ZeroMQ (ZMQ_USE_FD) before binding the same endpoint; ZeroMQ
 * then listens on that socket instead of creating one, and leaves the file of
 * an ipc:// socket in place when it closes (it belongs to the socket unit).
 */
#ifndef EXEMPLAR_ACTIVATION_H
#define EXEMPLAR_ACTIVATION_H

#include <stddef.h>

/* Looks among the sockets passed by the service manager for one to serve
 * `endpoint` (ipc://PATH or tcp://HOST:PORT): the one named "api"
 * (FileDescriptorName=api), or the only one passed, whatever its name.
 * Sockets that are not used are closed.
 *
 * Returns 0 with *fd = -1 when no socket was passed (bind as usual), or 0 with
 * *fd set to a listening stream socket whose address is the endpoint's.
 * Returns -EINVAL with a sentence in err when sockets were passed but none
 * fits: the socket is not a listening stream socket, its address differs from
 * the endpoint's (clients of the socket unit would then wait forever),
 * several were passed and none is named "api", or the endpoint's transport
 * cannot be passed (inproc://, pgm://, ...).  Returns another -errno with err
 * when $LISTEN_FDS is malformed or the socket cannot be inspected. */
int activation_take_api(const char *endpoint, int *fd, char *err, size_t errlen);

#endif
