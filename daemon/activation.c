/* SPDX-License-Identifier: MIT */
/*
 * Socket activation (see activation.h): picks the passed socket meant for
 * the api endpoint and checks that it is what the endpoint names, so that a
 * socket unit and a configuration that disagree stop the start-up with a
 * clear message instead of leaving clients waiting on a path nobody serves.
 */
#include "activation.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

#define PASSED_MAX 8

/* The address a socket listens on, as text for messages ("/run/x.sock",
 * "@name", "port 5555"). */
static void describe(const struct sockaddr_storage *ss, socklen_t len, char *out, size_t outlen)
{
    if (ss->ss_family == AF_UNIX) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)ss;
        size_t n = len > offsetof(struct sockaddr_un, sun_path)
                       ? len - offsetof(struct sockaddr_un, sun_path)
                       : 0;
        if (n && un->sun_path[0] == '\0')
            snprintf(out, outlen, "@%.*s", (int)(n - 1), un->sun_path + 1);
        else
            snprintf(out, outlen, "%.*s", (int)strnlen(un->sun_path, n), un->sun_path);
    } else if (ss->ss_family == AF_INET) {
        snprintf(out, outlen, "port %u", ntohs(((const struct sockaddr_in *)ss)->sin_port));
    } else if (ss->ss_family == AF_INET6) {
        snprintf(out, outlen, "port %u", ntohs(((const struct sockaddr_in6 *)ss)->sin6_port));
    } else {
        snprintf(out, outlen, "an address of family %d", ss->ss_family);
    }
}

/* Does the ipc:// path (relative to the working directory, or "@abstract")
 * name the socket's address? */
static bool same_unix_path(const char *path, const struct sockaddr_storage *ss, socklen_t len)
{
    const struct sockaddr_un *un = (const struct sockaddr_un *)ss;
    size_t n = len > offsetof(struct sockaddr_un, sun_path)
                   ? len - offsetof(struct sockaddr_un, sun_path)
                   : 0;
    if (ss->ss_family != AF_UNIX || n == 0)
        return false;
    if (path[0] == '@') /* ZeroMQ's spelling of the abstract namespace */
        return un->sun_path[0] == '\0' && n - 1 == strlen(path + 1) &&
               memcmp(un->sun_path + 1, path + 1, n - 1) == 0;
    char abs[PATH_MAX + 1], cwd[PATH_MAX];
    if (path[0] != '/') {
        if (!getcwd(cwd, sizeof(cwd)))
            return false;
        snprintf(abs, sizeof(abs), "%s/%s", cwd, path);
        path = abs;
    }
    return strncmp(un->sun_path, path, n) == 0 && strnlen(un->sun_path, n) == strlen(path);
}

static bool same_tcp_port(const char *hostport, const struct sockaddr_storage *ss)
{
    const char *colon = strrchr(hostport, ':');
    char *end;
    if (!colon)
        return false;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (*end || end == colon + 1)
        return false;
    if (ss->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)ss)->sin_port) == port;
    if (ss->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port) == port;
    return false;
}

/* Checks that fd is a listening stream socket at the endpoint's address. */
static int check_socket(int fd, const char *endpoint, char *err, size_t errlen)
{
    int type = 0, listening = 0;
    socklen_t optlen = sizeof(type);
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char addr[PATH_MAX];

    memset(&ss, 0, sizeof(ss));
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &optlen) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        int e = errno;
        snprintf(err, errlen, "activation, the passed file descriptor %d is not a socket (%s)", fd,
                 strerror(e));
        return -e;
    }
    optlen = sizeof(listening);
    if (type != SOCK_STREAM || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) < 0 ||
        !listening) {
        snprintf(err, errlen,
                 "activation, the passed socket is not a listening stream socket "
                 "(the socket unit needs ListenStream=, Accept=no)");
        return -EINVAL;
    }
    bool same;
    if (strncmp(endpoint, "ipc://", 6) == 0)
        same = same_unix_path(endpoint + 6, &ss, len);
    else if (strncmp(endpoint, "tcp://", 6) == 0)
        same = same_tcp_port(endpoint + 6, &ss);
    else {
        snprintf(err, errlen,
                 "activation, a socket was passed but the api endpoint %s is neither ipc:// "
                 "nor tcp://",
                 endpoint);
        return -EINVAL;
    }
    if (!same) {
        describe(&ss, len, addr, sizeof(addr));
        snprintf(err, errlen,
                 "activation, the passed socket listens on %s, not on the api endpoint %s "
                 "(make the socket unit's ListenStream= and [api] endpoint the same)",
                 addr, endpoint);
        return -EINVAL;
    }
    return 0;
}

int activation_take_api(const char *endpoint, int *fd, char *err, size_t errlen)
{
    sdnotify_fd_t fds[PASSED_MAX];
    size_t count = 0, pick = PASSED_MAX;
    *fd = -1;
    int rc = sdnotify_listen_fds(fds, PASSED_MAX, &count);
    if (rc < 0) {
        snprintf(err, errlen, "activation, $LISTEN_FDS cannot be read (%s)", strerror(-rc));
        return rc;
    }
    if (count == 0)
        return 0;
    size_t taken = count < PASSED_MAX ? count : PASSED_MAX;
    for (size_t i = 0; i < taken && pick == PASSED_MAX; i++)
        if (strcmp(fds[i].name, "api") == 0)
            pick = i;
    if (pick == PASSED_MAX && count == 1) /* whatever its name */
        pick = 0;
    for (size_t i = 0; i < taken; i++)
        if (i != pick)
            close(fds[i].fd);
    if (pick == PASSED_MAX) {
        snprintf(err, errlen,
                 "activation, %zu sockets were passed and none is named \"api\" "
                 "(FileDescriptorName=api in the socket unit)",
                 count);
        return -EINVAL;
    }
    rc = check_socket(fds[pick].fd, endpoint, err, errlen);
    if (rc < 0) {
        close(fds[pick].fd);
        return rc;
    }
    *fd = fds[pick].fd;
    return 0;
}
