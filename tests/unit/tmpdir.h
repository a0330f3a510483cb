/* SPDX-License-Identifier: MIT */
/*
 * Temporary directories of the unit tests: each test's store or sockets live
 * in one made with mkdtemp, and go with it.
 */
#ifndef EXEMPLAR_TEST_TMPDIR_H
#define EXEMPLAR_TEST_TMPDIR_H

/* Removes dir and everything below it (symbolic links are not followed). */
void tmpdir_remove(const char *dir);

#endif
