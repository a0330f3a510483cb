/* SPDX-License-Identifier: MIT */
/*
 * LMDB data files checked with plain reads (mdbfile.h): the meta pages
 * against themselves and against the file's size.
 */
#include "mdbfile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "i18n.h"

/* Offsets in a meta page (liblmdb 0.9 on a 64-bit host). */
#define PAGE_PGNO    0  /* pgno_t mp_pgno */
#define PAGE_FLAGS   10 /* uint16 mp_flags */
#define P_META       0x08
#define META_MAGIC   16 /* uint32 mm_magic */
#define META_VERSION 20 /* uint32 mm_version */
#define META_MAPSIZE 32 /* size_t mm_mapsize */
#define META_DBS     40 /* MDB_db mm_dbs[2], 48 bytes each */
#define META_LAST_PG 136
#define META_TXNID   144
#define META_END     152
#define DB_SIZE      48
#define DB_PAD       0 /* uint32: the page size, in the free list's MDB_db */
#define DB_FLAGS     4 /* uint16 */
#define DB_DEPTH     6 /* uint16 */
#define DB_BRANCH    8
#define DB_LEAF      16
#define DB_OVERFLOW  24
#define DB_ENTRIES   32
#define DB_ROOT      40

#define MDB_MAGIC     0xBEEFC0DEu
#define MDB_VERSION   1u
#define P_INVALID     UINT64_MAX
#define DEPTH_MAX     32    /* LMDB's CURSOR_STACK */
#define DB_FLAGS_MASK 0x7eu /* REVERSEKEY DUPSORT INTEGERKEY DUPFIXED INTEGERDUP REVERSEDUP */

static uint16_t get16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/* One of the two core databases of a meta page, against the meta's last page. */
static bool db_sane(const uint8_t *db, uint64_t last, const char **why)
{
    uint64_t root = get64(db + DB_ROOT);
    unsigned depth = get16(db + DB_DEPTH);
    uint64_t pages[3] = {get64(db + DB_BRANCH), get64(db + DB_LEAF), get64(db + DB_OVERFLOW)};
    if (get16(db + DB_FLAGS) & ~DB_FLAGS_MASK)
        *why = _("unknown database flags");
    else if ((root == P_INVALID) != (depth == 0))
        *why = _("a database's root and depth disagree");
    else if (root != P_INVALID && (root < 2 || root > last))
        *why = _("a database's root page lies outside the file");
    else if (depth > DEPTH_MAX)
        *why = _("a database is deeper than LMDB allows");
    else if (pages[0] > last || pages[1] > last || pages[2] > last ||
             pages[0] + pages[1] + pages[2] > last)
        *why = _("a database counts more pages than the file has");
    else
        return true;
    return false;
}

/* Meta page n (0 or 1) at m, of a file of file_pages pages of psize. */
static bool meta_sane(const uint8_t *m, unsigned n, uint32_t psize, const char **why)
{
    uint64_t last = get64(m + META_LAST_PG);
    uint64_t mapsize = get64(m + META_MAPSIZE);
    if (get32(m + META_MAGIC) != MDB_MAGIC)
        *why = _("its magic number is wrong (not an LMDB file, or damaged)");
    else if (get32(m + META_VERSION) != MDB_VERSION)
        *why = _("its LMDB format version is not 1");
    else if (get64(m + PAGE_PGNO) != n || !(get16(m + PAGE_FLAGS) & P_META))
        *why = _("its page header is not a meta page's");
    else if (get32(m + META_DBS + DB_PAD) != psize)
        *why = _("the two meta pages disagree on the page size");
    else if (last < 1)
        *why = _("its last page is impossible");
    else if (mapsize / psize < last + 1)
        *why = _("its map is smaller than its pages");
    else if (db_sane(m + META_DBS, last, why) && db_sane(m + META_DBS + DB_SIZE, last, why))
        return true;
    return false;
}

int mdbfile_check(const uint8_t *head, size_t headlen, uint64_t file_size, mdbfile_info_t *info,
                  char *err, size_t errlen)
{
    memset(info, 0, sizeof(*info));
    if (headlen > file_size)
        headlen = (size_t)file_size;
    if (headlen < META_END) {
        snprintf(err, errlen, _("%" PRIu64 " bytes are too few for an LMDB file"), file_size);
        return -EX_EINVALID;
    }
    uint32_t psize = get32(head + META_DBS + DB_PAD);
    if (get32(head + META_MAGIC) != MDB_MAGIC) {
        snprintf(err, errlen, _("not an LMDB file: meta page 0 has no LMDB magic number"));
        return -EX_EINVALID;
    }
    if (psize < 512 || psize > 65536 || (psize & (psize - 1)) != 0) {
        snprintf(err, errlen, _("meta page 0 is damaged: page size %" PRIu32 " is impossible"),
                 psize);
        return -EX_EINVALID;
    }
    if (file_size % psize != 0 || headlen < (size_t)psize + META_END) {
        snprintf(err, errlen,
                 _("the file is cut short: %" PRIu64 " bytes is not a whole number of %" PRIu32
                   "-byte pages"),
                 file_size, psize);
        return -EX_EINVALID;
    }
    uint64_t file_pages = file_size / psize;
    const char *why = NULL;
    for (unsigned n = 0; n < 2; n++) {
        uint64_t last = get64(head + (size_t)n * psize + META_LAST_PG);
        if (last >= file_pages) {
            snprintf(err, errlen,
                     _("the file is cut short or damaged: meta page %u counts %" PRIu64
                       " pages of %" PRIu32 " bytes, the file holds %" PRIu64 " pages"),
                     n, last < UINT64_MAX ? last + 1 : last, psize, file_pages);
            return -EX_EINVALID;
        }
    }
    for (unsigned n = 0; n < 2; n++) {
        if (!meta_sane(head + (size_t)n * psize, n, psize, &why)) {
            snprintf(err, errlen, _("meta page %u is damaged: %s"), n, why);
            return -EX_EINVALID;
        }
    }
    const uint8_t *m0 = head, *m1 = head + psize;
    const uint8_t *m = get64(m1 + META_TXNID) > get64(m0 + META_TXNID) ? m1 : m0;
    info->page_size = psize;
    info->last_page = get64(m + META_LAST_PG);
    info->txnid = get64(m + META_TXNID);
    info->entries = get64(m + META_DBS + DB_SIZE + DB_ENTRIES);
    return 0;
}

int mdbfile_check_fd(int fd, mdbfile_info_t *info, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        snprintf(err, errlen, _("cannot read the file (%s)"), strerror(errno));
        return -EX_ESTORAGE;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, _("not a regular file"));
        return -EX_EINVALID;
    }
    uint8_t *head = malloc(MDBFILE_HEAD_MAX);
    if (!head) {
        snprintf(err, errlen, _("out of memory"));
        return -EX_EINTERNAL;
    }
    size_t want = (uint64_t)st.st_size < MDBFILE_HEAD_MAX ? (size_t)st.st_size : MDBFILE_HEAD_MAX;
    size_t got = 0;
    while (got < want) {
        ssize_t n = pread(fd, head + got, want - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    int rc;
    if (got < want) {
        snprintf(err, errlen, _("cannot read the file (%s)"),
                 got ? _("short read") : strerror(errno));
        rc = -EX_ESTORAGE;
    } else {
        rc = mdbfile_check(head, got, (uint64_t)st.st_size, info, err, errlen);
    }
    free(head);
    return rc;
}
