/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: restore's first check of a backup (exemplard --restore)
 * (daemon/mdbfile.c), the input being the whole file.  What passes must be
 * safe to map: a page size LMDB allows, and every page both meta pages and
 * their databases name inside the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "mdbfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mdbfile_info_t info;
    char err[512] = "";
    size_t head = size < MDBFILE_HEAD_MAX ? size : MDBFILE_HEAD_MAX;
    int rc = mdbfile_check(data, head, size, &info, err, sizeof(err));
    if (rc < 0) {
        if (rc != -EX_EINVALID || !err[0])
            abort(); /* every refusal says why */
        return 0;
    }
    uint32_t ps = info.page_size;
    if (ps < 512 || ps > 65536 || (ps & (ps - 1)) || size % ps || info.last_page >= size / ps ||
        info.last_page < 1)
        abort();
    /* both meta pages' last page, read back independently */
    for (size_t n = 0; n < 2; n++) {
        uint64_t last;
        memcpy(&last, data + n * ps + 136, sizeof(last));
        if (last >= size / ps)
            abort();
    }
    return 0;
}
