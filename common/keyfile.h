/* SPDX-License-Identifier: MIT */
/*
 * CURVE key files, shared by exemplard, libexemplar and exemplarctl.  A key
 * file holds one key as a line of 40 characters of Z85 (ZeroMQ's text form
 * of a 32-byte CURVE key); empty lines and lines starting with "# " before
 * it are comments.  `exemplarctl keygen NAME` writes NAME.key (the secret key,
 * mode 0600) and NAME.pub (the public key).  A secret key file is enough to
 * act as its owner: the public key is derived from it.
 */
#ifndef EXEMPLAR_KEYFILE_H
#define EXEMPLAR_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>

#define EX_KEY_Z85_LEN 40

/* True when s is exactly 40 characters of the Z85 alphabet. */
bool ex_key_is_z85(const char *s);

/* Reads the key of a key file into z85 (NUL-terminated).  Returns 0, or -1
 * with a sentence naming the file in err (cannot be opened; no key in it;
 * a secret key file readable by group or others when secret is true). */
int ex_keyfile_read(const char *path, bool secret, char z85[EX_KEY_Z85_LEN + 1], char *err,
                    size_t errlen);

/* Writes a key file: created exclusively (an existing file is never
 * overwritten) with mode 0600 for secret keys, 0644 otherwise, holding a
 * comment line and the key.  Returns 0, or -1 with a sentence in err. */
int ex_keyfile_write(const char *path, bool secret, const char *comment,
                     const char z85[EX_KEY_Z85_LEN + 1], char *err, size_t errlen);

#endif
