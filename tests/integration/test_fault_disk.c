/* SPDX-License-Identifier: MIT */
/*
 * Fault suite: the disk fills.  The daemon's state directory is a
 * small ext4 filesystem on a loop device (an 8 MiB image), mostly taken by a
 * filler file the test places there, with a map larger than the disk so that
 * the disk is the limit.  Four writers register until refused:
 *   - refusals carry storage-full and a sentence naming the full disk;
 *   - while full, the daemon serves reads (get, list, info, stats) and
 *     answers a re-sent acknowledged request with its first answer;
 *   - once the filler is deleted, writes succeed again, nothing acknowledged
 *     is lost, and fsck passes, also after a restart.
 * It needs root and a free loop device; without them it exits 77 (skipped)
 * and says why.  The mount lives in a private mount namespace, so it goes
 * away with the test even if the test is killed; a normal exit unmounts it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fault.h"

enum {
    WRITERS = 4,
    TIMEOUT_MS = 20000,
    MAX_ACKS = 100000,
    LEAVE_FREE = 1 << 20, /* bytes left free beside the filler */
};

static const char CONF[] = "[rules]\nenforce = no\n[store]\nmap_size_mib = 16\nmap_max_mib = 16\n";

static char base[64], img[96], mnt[96], filler[128];
static int mounted;

static void unmount_all(void)
{
    if (mounted && umount2(mnt, MNT_DETACH) == 0)
        mounted = 0;
    if (img[0])
        unlink(img);
    if (mnt[0])
        rmdir(mnt);
    if (base[0])
        rmdir(base);
}

/* Makes and mounts the filesystem; NULL, or why it cannot be done here. */
static const char *prepare_disk(char *why, size_t len)
{
    if (geteuid() != 0)
        return "it needs root to mount a loop device";
    if (access("/sbin/mkfs.ext4", X_OK) != 0 || access("/bin/mount", X_OK) != 0)
        return "mkfs.ext4 or mount is missing (apt-get install e2fsprogs mount)";
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
        snprintf(why, len, "it cannot make a private mount namespace (%s)", strerror(errno));
        return why;
    }
    snprintf(base, sizeof(base), "/tmp/exfd.XXXXXX");
    if (!mkdtemp(base)) {
        snprintf(why, len, "mkdtemp failed (%s)", strerror(errno));
        return why;
    }
    snprintf(img, sizeof(img), "%s/disk.img", base);
    snprintf(mnt, sizeof(mnt), "%s/mnt", base);
    snprintf(filler, sizeof(filler), "%s/filler", mnt);
    atexit(unmount_all);
    int fd = open(img, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, 8 << 20) < 0 || close(fd) < 0 || mkdir(mnt, 0700) < 0) {
        snprintf(why, len, "cannot make %s (%s)", img, strerror(errno));
        return why;
    }
    char out[1024];
    const char *mkfs[] = {"/sbin/mkfs.ext4", "-q", "-F", img, NULL};
    if (harness_run(mkfs, out, sizeof(out)) != 0) {
        snprintf(why, len, "mkfs.ext4 failed: %s", out);
        return why;
    }
    const char *mnt_argv[] = {"/bin/mount", "-o", "loop", img, mnt, NULL};
    if (harness_run(mnt_argv, out, sizeof(out)) != 0) {
        snprintf(why, len, "mount -o loop failed, no free loop device? (%s)", out);
        return why;
    }
    mounted = 1;
    return NULL;
}

typedef struct {
    const char *api;
    pthread_mutex_t mu;
    uint64_t *ids;
    uint64_t first_rid; /* an acknowledged request, to send again */
    Exemplar__Reply *first_reply;
    char first_name[240];
    size_t n_ids;
    int full;
    char failure[512];
    char full_msg[512];
} shared_t;

typedef struct {
    shared_t *sh;
    int index;
} writer_t;

static void *writer_main(void *arg)
{
    writer_t *w = arg;
    shared_t *sh = w->sh;
    ex_client_opts_t o = {
        .endpoint = sh->api, .timeout_ms = TIMEOUT_MS, .retries = -1, .language = "en"};
    ex_client_t *c = ex_client_new(&o);
    char name[240];
    for (unsigned i = 0; c; i++) {
        pthread_mutex_lock(&sh->mu);
        bool stop = sh->full || sh->failure[0] || sh->n_ids >= MAX_ACKS;
        pthread_mutex_unlock(&sh->mu);
        if (stop)
            break;
        int n = snprintf(name, sizeof(name), "Tập thể %d-%u ", w->index, i);
        memset(name + n, 'x', sizeof(name) - 1 - (size_t)n);
        name[sizeof(name) - 1] = '\0';
        uint64_t rid = ex_request_id_new();
        Exemplar__Reply *r = NULL;
        int rc = ex_register(c, rid, "01", EXEMPLAR__KIND__KIND_COLLECTIVE, name, NULL, &r);
        pthread_mutex_lock(&sh->mu);
        if (rc == 0 && !r->error) {
            sh->ids[sh->n_ids++] = r->nomination->id;
            if (!sh->first_rid) {
                sh->first_rid = rid;
                sh->first_reply = r;
                snprintf(sh->first_name, sizeof(sh->first_name), "%s", name);
                r = NULL;
            }
        } else if (rc == 0 && (int)r->error->code == EX_EFULL) {
            sh->full = 1;
            snprintf(sh->full_msg, sizeof(sh->full_msg), "%s: %s", r->error->name,
                     r->error->message);
        } else {
            snprintf(sh->failure, sizeof(sh->failure), "writer %d: %s %s", w->index,
                     rc < 0 ? ex_err_name(rc) : r->error->name,
                     rc < 0 ? "(no answer)" : r->error->message);
        }
        pthread_mutex_unlock(&sh->mu);
        ex_reply_free(r);
    }
    ex_client_destroy(&c);
    return NULL;
}

static uint64_t free_bytes(void)
{
    struct statvfs v;
    assert_int_equal(statvfs(mnt, &v), 0);
    return (uint64_t)v.f_bavail * v.f_frsize;
}

static bool same_reply(const Exemplar__Reply *a, const Exemplar__Reply *b)
{
    size_t la = exemplar__reply__get_packed_size(a), lb = exemplar__reply__get_packed_size(b);
    uint8_t *x = malloc(la + 1), *y = malloc(lb + 1);
    assert_true(x && y);
    exemplar__reply__pack(a, x);
    exemplar__reply__pack(b, y);
    bool same = la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

static void full_disk_refuses_writes_serves_reads_and_recovers(void **state)
{
    harness_t *h = itest_new_harness(state);
    static const char *const extra[] = {"--state-dir", mnt, NULL};
    assert_int_equal(harness_start_conf(h, CONF, extra), 0);
    /* the daemon's sockets are in its state directory */
    snprintf(h->api, sizeof(h->api), "ipc://%.80s/api.sock", mnt);

    /* a filler leaves about LEAVE_FREE bytes for the daemon */
    uint64_t avail = free_bytes();
    assert_true(avail > 2 * LEAVE_FREE);
    int fd = open(filler, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(posix_fallocate(fd, 0, (off_t)(avail - LEAVE_FREE)), 0);
    assert_int_equal(close(fd), 0);

    shared_t sh = {.api = h->api};
    pthread_mutex_init(&sh.mu, NULL);
    sh.ids = calloc(MAX_ACKS, sizeof(sh.ids[0]));
    assert_non_null(sh.ids);
    pthread_t t[WRITERS];
    writer_t w[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (writer_t){&sh, i};
        assert_int_equal(pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++)
        pthread_join(t[i], NULL);
    if (sh.failure[0])
        fail_msg("%s", sh.failure);
    if (!sh.full)
        fail_msg("%zu registrations and the disk never filled", sh.n_ids);
    print_message("disk: %zu registrations acknowledged, %" PRIu64 " KiB free, then \"%s\"\n",
                  sh.n_ids, free_bytes() >> 10, sh.full_msg);
    assert_true(sh.n_ids > 0);
    assert_true(strncmp(sh.full_msg, "storage-full: ", 14) == 0);
    assert_non_null(strstr(sh.full_msg, "disk"));
    assert_true(harness_alive(h) == 1);

    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    /* still full: a write is refused with the code and its sentence */
    Exemplar__Reply *r = NULL;
    int rc = 0;
    for (int i = 0; i < 100; i++) {
        ex_reply_free(r);
        r = NULL;
        rc = ex_register(c, 0, "02", EXEMPLAR__KIND__KIND_INDIVIDUAL,
                         "Cá nhân khi đĩa đầy ....................................................."
                         "...........................................................",
                         NULL, &r);
        if (rc < 0 || r->error)
            break;
        sh.ids[sh.n_ids++] = r->nomination->id;
    }
    itest_require_error(rc, r, EX_EFULL, "register on a full disk");
    ex_reply_free(r);

    /* reads are served while full */
    itest_get(c, sh.ids[0]);
    itest_get(c, sh.ids[sh.n_ids - 1]);
    rc = ex_info(c, &r);
    itest_require_ok(rc, r, "info on a full disk");
    assert_true(r->info->nominations == sh.n_ids);
    ex_reply_free(r);
    ex_list_filter_t f = {.limit = 50, .unit = "01"};
    rc = ex_list(c, &f, &r);
    itest_require_ok(rc, r, "list on a full disk");
    assert_true(r->list->n_nominations > 0);
    ex_reply_free(r);
    ex_reply_free(fault_stats(c));
    /* an acknowledged request sent again gets its first answer */
    rc = ex_register(c, sh.first_rid, "01", EXEMPLAR__KIND__KIND_COLLECTIVE, sh.first_name, NULL,
                     &r);
    itest_require_ok(rc, r, "re-sent acknowledged register on a full disk");
    assert_true(same_reply(r, sh.first_reply));
    ex_reply_free(r);

    /* space freed: writes succeed again */
    assert_int_equal(unlink(filler), 0);
    for (int i = 0; i < 20; i++) {
        nom_t n = itest_register(c, "02", "Cá nhân sau khi giải phóng chỗ", NULL);
        sh.ids[sh.n_ids++] = n.id;
    }
    assert_true(fault_require_fsck(h, "after the disk was freed") == sh.n_ids);
    ex_client_destroy(&c);

    /* and everything acknowledged survives a restart */
    assert_int_equal(harness_stop(h), 0);
    assert_int_equal(harness_restart(h), 0);
    c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    for (size_t i = 0; i < sh.n_ids; i++)
        itest_get(c, sh.ids[i]);
    assert_true(fault_require_fsck(h, "after a restart") == sh.n_ids);
    ex_client_destroy(&c);
    assert_int_equal(harness_stop(h), 0);
    ex_reply_free(sh.first_reply);
    free(sh.ids);
    pthread_mutex_destroy(&sh.mu);
}

int main(void)
{
    char why[1200];
    const char *skip = prepare_disk(why, sizeof(why));
    if (skip) {
        fprintf(stderr, "fault_disk: skipped: %s\n", skip);
        return FAULT_SKIP;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(full_disk_refuses_writes_serves_reads_and_recovers,
                                  harness_teardown),
    };
    return cmocka_run_group_tests_name("fault_disk", tests, NULL, NULL);
}
