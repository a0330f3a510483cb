/* SPDX-License-Identifier: MIT */
/*
 * CURVE key files (see keyfile.h).  Plain text so that administrators can
 * read and copy public keys into the daemon's keys file, and other languages
 * (pyzmq's zmq.auth, for one) can use them without this code.
 */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char Z85_ALPHABET[] = "0123456789abcdefghijklmnopqrstuvwxyz"
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

bool ex_key_is_z85(const char *s)
{
    size_t n = strspn(s, Z85_ALPHABET);
    return n == EX_KEY_Z85_LEN && s[n] == '\0';
}

int ex_keyfile_read(const char *path, bool secret, char z85[EX_KEY_Z85_LEN + 1], char *err,
                    size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "cannot open key file %s (%s)", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (secret && fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
        snprintf(err, errlen,
                 "secret key file %s is readable by others (mode %03o): chmod 600 it, and make "
                 "a new key pair if others may have read it",
                 path, (unsigned)(st.st_mode & 0777));
        fclose(f);
        return -1;
    }
    char line[256];
    int rc = -1;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        /* A key line is recognised before comments ('#' is in Z85's alphabet). */
        if (ex_key_is_z85(line)) {
            memcpy(z85, line, EX_KEY_Z85_LEN + 1);
            rc = 0;
            break;
        }
        if (line[0] != '#' && line[0] != '\0')
            break;
    }
    fclose(f);
    if (rc < 0)
        snprintf(err, errlen,
                 "key file %s does not hold a key: expected 40 characters of Z85 on the first "
                 "line that is not a comment (make one with 'exemplarctl keygen')",
                 path);
    return rc;
}

int ex_keyfile_write(const char *path, bool secret, const char *comment,
                     const char z85[EX_KEY_Z85_LEN + 1], char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, secret ? 0600 : 0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create key file %s (%s)", path, strerror(errno));
        return -1;
    }
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "# %s\n%s\n", comment, z85);
    bool ok = n > 0 && (size_t)n < sizeof(buf) && write(fd, buf, (size_t)n) == n && fsync(fd) == 0;
    int e = errno;
    if (close(fd) < 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        snprintf(err, errlen, "cannot write key file %s (%s)", path, strerror(e));
        unlink(path);
        return -1;
    }
    return 0;
}
