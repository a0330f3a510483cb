/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the daemon's keys file (auth_keys_parse).  A file that
 * parses must name each principal once, with a role, and a unit exactly for
 * unit officers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auth_keys_t k;
    char err[512];
    if (auth_keys_parse((const char *)data, size, "fuzz", &k, err, sizeof(err)) < 0) {
        if (!err[0])
            abort(); /* every refusal says why */
        return 0;
    }
    for (size_t i = 0; i < k.n; i++) {
        const auth_principal_t *p = &k.v[i];
        if (p->role <= ROLE_NONE || p->role >= ROLE_COUNT || !p->name[0] ||
            (p->role == ROLE_UNIT_OFFICER) != (p->unit[0] != '\0'))
            abort();
        for (size_t j = 0; j < i; j++)
            if (strcmp(k.v[j].name, p->name) == 0)
                abort();
    }
    auth_keys_free(&k);
    return 0;
}
