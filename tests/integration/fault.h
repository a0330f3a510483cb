/* SPDX-License-Identifier: MIT */
/*
 * Checks shared by the fault suite (tests/integration/test_fault_*.c,
 * ctest label `fault`): fsck through the client library, the daemon's
 * counters (StatsReply) and its resident memory.  Each fault_* call that
 * "requires" something fails the current cmocka test at the caller's line.
 */
#ifndef EXEMPLAR_TEST_FAULT_H
#define EXEMPLAR_TEST_FAULT_H

#include <stdint.h>
#include <sys/types.h>

#include "itest.h"

/* Exit status of a test that cannot run here (ctest's SKIP_RETURN_CODE). */
enum { FAULT_SKIP = 77 };

/* Runs fsck (no repair) on the daemon and requires that it finds no
 * problem; `when` names the moment in the failure message.  Returns the
 * number of nominations fsck counted. */
uint64_t fault_require_fsck_at(const char *file, int line, harness_t *h, const char *when);
#define fault_require_fsck(h, when) fault_require_fsck_at(__FILE__, __LINE__, h, when)

/* The daemon's StatsReply, requiring success; free with ex_reply_free. */
Exemplar__Reply *fault_stats_at(const char *file, int line, ex_client_t *c);
#define fault_stats(c) fault_stats_at(__FILE__, __LINE__, c)

/* A field of /proc/PID/status in KiB ("VmRSS", "RssAnon"); -1 if absent. */
long fault_status_kib(pid_t pid, const char *field);

/* Milliseconds on the monotonic clock. */
int64_t fault_now_ms(void);

#endif
