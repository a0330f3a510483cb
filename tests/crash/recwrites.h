/* SPDX-License-Identifier: MIT */
/*
 * The trace the crash-state test's shim writes (recwrites.c) and the test
 * reads (test_crash_states.c).
 */
#ifndef EXEMPLAR_TEST_RECWRITES_H
#define EXEMPLAR_TEST_RECWRITES_H

#include <stdint.h>

enum {
    REC_WRITE = 1,  /* off, len: the bytes follow the path */
    REC_SYNC = 2,   /* fsync or fdatasync returned: the file's writes so far are durable */
    REC_CREATE = 3, /* opened with O_CREAT (empty if new) */
    REC_TRUNC = 4,  /* truncated to off bytes (O_TRUNC: 0) */
    REC_RENAME = 5, /* path is "old\0new" (either may be "": not a tracked name) */
    REC_UNLINK = 6,
    REC_MARK = 7,     /* the test's own: off is the number of requests acknowledged so far */
    REC_SNAPSHOT = 8, /* a whole file renamed in from elsewhere (synced there): never torn */
};

typedef struct {
    uint32_t type;
    uint32_t pathlen;
    uint64_t off;
    uint64_t len;
} rec_head_t;

#endif
