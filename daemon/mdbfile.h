/* SPDX-License-Identifier: MIT */
/*
 * An LMDB data file checked with plain reads, before LMDB maps it: a file
 * shorter than its meta pages say would make any access past its end a
 * SIGBUS, and LMDB trusts its meta pages.  exemplarctl's restore runs this
 * on a backup before anything else (and the fuzz target on any bytes).
 *
 * LMDB's on-disk layout (liblmdb 0.9, mdb.c: MDB_page, MDB_meta, MDB_db; in
 * the host's byte order, 64-bit here): pages 0 and 1 are the meta pages,
 * each a 16-byte page header (mp_pgno, mp_pad, mp_flags with P_META) and an
 * MDB_meta: mm_magic 0xBEEFC0DE, mm_version 1, mm_address, mm_mapsize, two
 * MDB_db (the free list's, whose md_pad holds the page size, and the main
 * database's), mm_last_pg and mm_txnid.  LMDB uses the meta page with the
 * larger txnid; both must be sane, since a crash between the two is what
 * the older one is kept for.
 */
#ifndef EXEMPLAR_MDBFILE_H
#define EXEMPLAR_MDBFILE_H

#include <stddef.h>
#include <stdint.h>

/* Enough of the file's head for both meta pages at the largest page size. */
#define MDBFILE_HEAD_MAX (2u * 65536u)

typedef struct {
    uint32_t page_size;
    uint64_t last_page; /* of the newer meta page */
    uint64_t txnid;     /* of the newer meta page */
    uint64_t entries;   /* in the main database (the named databases) */
} mdbfile_info_t;

/* Checks the head of an LMDB data file of file_size bytes (head: its first
 * headlen bytes, at least min(file_size, MDBFILE_HEAD_MAX)).  Returns 0 with
 * *info, or -EX_EINVALID with a sentence in err saying what is wrong (too
 * short for its pages, a meta page damaged: magic, version, page size, a
 * root or last page out of range). */
int mdbfile_check(const uint8_t *head, size_t headlen, uint64_t file_size, mdbfile_info_t *info,
                  char *err, size_t errlen);

/* Reads the head of fd (pread, from offset 0) and checks it with the file's
 * size from fstat.  0, -EX_EINVALID as above, or -EX_ESTORAGE with err when
 * the file cannot be read. */
int mdbfile_check_fd(int fd, mdbfile_info_t *info, char *err, size_t errlen);

#endif
