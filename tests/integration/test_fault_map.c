/* SPDX-License-Identifier: MIT */
/*
 * Fault suite: the LMDB map fills.  The daemon starts with the
 * smallest map ([store] map_size_mib = 1) and a ceiling of 4 MiB.  Eight
 * writers register nominations with long names:
 *   - while the map can grow, every request succeeds: the commit that finds
 *     the map full grows it and runs the same batch again; stats report the
 *     map at 2 and then 4 MiB;
 *   - at the ceiling the answer is storage-full with its sentence, nothing
 *     is half-written, reads (get, list, info, stats) still work, and every
 *     acknowledged registration is there (fsck passes);
 *   - with a higher ceiling after a restart, writes succeed again.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"

enum {
    WRITERS = 8,
    TIMEOUT_MS = 20000,
    MAX_ACKS = 100000,
    MIB = 1 << 20,
};

static const char CONF_4[] = "[rules]\nenforce = no\n[store]\nmap_size_mib = 1\nmap_max_mib = 4\n";
static const char CONF_8[] = "[rules]\nenforce = no\n[store]\nmap_size_mib = 1\nmap_max_mib = 8\n";

typedef struct {
    const char *api;
    pthread_mutex_t mu;
    uint64_t *ids; /* acknowledged registrations */
    size_t n_ids;
    int stop;          /* a writer got storage-full */
    char failure[512]; /* anything but success or storage-full */
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
    ex_client_opts_t o = {.endpoint = sh->api, .timeout_ms = TIMEOUT_MS, .retries = -1};
    ex_client_t *c = ex_client_new(&o);
    char name[240];
    for (unsigned i = 0; c; i++) {
        pthread_mutex_lock(&sh->mu);
        bool stop = sh->stop || sh->failure[0] || sh->n_ids >= MAX_ACKS;
        pthread_mutex_unlock(&sh->mu);
        if (stop)
            break;
        /* a long name, so that the map fills after a few thousand */
        int n = snprintf(name, sizeof(name), "Tập thể lao động xuất sắc %d-%u ", w->index, i);
        memset(name + n, 'x', sizeof(name) - 1 - (size_t)n);
        name[sizeof(name) - 1] = '\0';
        Exemplar__Reply *r = NULL;
        int rc = ex_register(c, 0, "01", EXEMPLAR__KIND__KIND_COLLECTIVE, name, NULL, &r);
        pthread_mutex_lock(&sh->mu);
        if (rc == 0 && !r->error) {
            sh->ids[sh->n_ids++] = r->nomination->id;
        } else if (rc == 0 && (int)r->error->code == EX_EFULL) {
            sh->stop = 1;
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

static uint64_t map_size(ex_client_t *c, uint64_t *used)
{
    Exemplar__Reply *r = fault_stats(c);
    uint64_t size = r->stats->map_bytes;
    if (used)
        *used = r->stats->map_used_pages * r->stats->page_size;
    ex_reply_free(r);
    return size;
}

static void run_writers(shared_t *sh)
{
    pthread_t t[WRITERS];
    writer_t w[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (writer_t){sh, i};
        assert_int_equal(pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++)
        pthread_join(t[i], NULL);
    if (sh->failure[0])
        fail_msg("%s", sh->failure);
}

static void map_grows_then_refuses_at_its_ceiling(void **state)
{
    harness_t *h = itest_new_harness(state);
    assert_int_equal(harness_start_conf(h, CONF_4, NULL), 0);
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    uint64_t size0 = map_size(c, NULL);
    assert_true(size0 == 1 * MIB);

    shared_t sh = {.api = h->api};
    pthread_mutex_init(&sh.mu, NULL);
    sh.ids = calloc(MAX_ACKS, sizeof(sh.ids[0]));
    assert_non_null(sh.ids);
    run_writers(&sh);
    if (!sh.stop)
        fail_msg("%zu registrations and the 4 MiB map never filled", sh.n_ids);

    /* it grew to the ceiling before refusing, and refused with a sentence */
    uint64_t used;
    uint64_t size1 = map_size(c, &used);
    print_message("map: %zu registrations acknowledged, map %" PRIu64 " KiB (%" PRIu64
                  " KiB used), then \"%s\"\n",
                  sh.n_ids, size1 >> 10, used >> 10, sh.full_msg);
    assert_true(size1 == 4 * MIB);
    assert_true(used > 2 * MIB);
    assert_true(strncmp(sh.full_msg, "storage-full: ", 14) == 0);
    assert_non_null(strstr(sh.full_msg, "map_max_mib"));

    /* still full: refused again with the code and a sentence naming the
     * limit (a registration or two may still fit in pages LMDB freed) */
    Exemplar__Reply *r = NULL;
    int rc = 0;
    for (int i = 0; i < 100; i++) {
        ex_reply_free(r);
        r = NULL;
        rc = ex_register(c, 0, "01", EXEMPLAR__KIND__KIND_COLLECTIVE,
                         "Tập thể có tên dài để không vừa trong bản đồ đã đầy ............"
                         "................................................................",
                         NULL, &r);
        if (rc < 0 || r->error)
            break;
        sh.ids[sh.n_ids++] = r->nomination->id;
    }
    itest_require_error(rc, r, EX_EFULL, "register into a full map");
    assert_non_null(strstr(r->error->message, "map_max_mib = 4"));
    ex_reply_free(r);

    /* reads work while full */
    nom_t first = itest_get(c, sh.ids[0]);
    assert_true(first.version == 1);
    itest_get(c, sh.ids[sh.n_ids - 1]);
    rc = ex_info(c, &r);
    itest_require_ok(rc, r, "info while the map is full");
    assert_true(r->info->nominations == sh.n_ids);
    ex_reply_free(r);
    ex_list_filter_t f = {.limit = 100, .unit = "01"};
    rc = ex_list(c, &f, &r);
    itest_require_ok(rc, r, "list while the map is full");
    assert_true(r->list->n_nominations == 100);
    ex_reply_free(r);
    assert_true(fault_require_fsck(h, "with the map full") == sh.n_ids);
    ex_client_destroy(&c);

    /* a higher ceiling: writes succeed again, nothing lost */
    assert_int_equal(harness_stop(h), 0);
    FILE *conf = fopen(h->conf_path, "w");
    assert_non_null(conf);
    fputs(CONF_8, conf);
    assert_int_equal(fclose(conf), 0);
    assert_int_equal(harness_restart(h), 0);
    c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    size_t before = sh.n_ids;
    uint64_t grown = 0;
    for (int i = 0; i < 2000 && grown <= 4 * MIB; i++) {
        nom_t n = itest_register(c, "02",
                                 "Cá nhân sau khi nâng trần ......................"
                                 "..................................................",
                                 NULL);
        sh.ids[sh.n_ids++] = n.id;
        if (i % 50 == 49)
            grown = map_size(c, NULL);
    }
    assert_true(grown > 4 * MIB); /* LMDB may round the stored size down a page */
    for (size_t i = 0; i < before; i += 97)
        itest_get(c, sh.ids[i]);
    assert_true(fault_require_fsck(h, "after raising the ceiling") == sh.n_ids);
    ex_client_destroy(&c);
    free(sh.ids);
    pthread_mutex_destroy(&sh.mu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(map_grows_then_refuses_at_its_ceiling, harness_teardown),
    };
    return cmocka_run_group_tests_name("fault_map", tests, NULL, NULL);
}
