/* SPDX-License-Identifier: MIT */
/*
 * Backup, restore, export and import against the real daemon,
 * through exemplarctl as an operator runs them.
 *
 * Backup under load: a writer thread keeps registering and moving while
 * `exemplarctl backup` copies the store; the backup is restored into a
 * second daemon's state directory (refused while that daemon runs), and the
 * second daemon must answer like the first as of the backup's last change:
 * the same change log up to it, the same nominations (those registered
 * after it absent), each nomination's history cut at it, nothing
 * half-applied; and fsck passes.
 *
 * Export and import: a store with nominations, histories, events, evidence
 * and a plan is exported while its daemon serves; import is refused while
 * the second daemon runs and into its non-empty store, then fills the
 * emptied one; the second daemon answers the same (the whole list, every
 * nomination and history, evidence, events, the plan), fsck passes, and its
 * own export is the same file byte for byte.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "itest.h"

enum { TIMEOUT_MS = 20000, MAX_NOMS = 20000 };

#define S(x) EXEMPLAR__STATE__STATE_##x

/* ---- helpers ----------------------------------------------------------------- */

static int run_ctl(const char *const *argv, char *out, size_t len)
{
    int rc = harness_run(argv, out, len);
    if (rc != 0)
        print_message("exemplarctl %s: exit %d: %s\n", argv[1], rc, out);
    return rc;
}

/* The number after "key": in a JSON document. */
static uint64_t json_u64(const char *doc, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\":", key);
    const char *p = strstr(doc, pat);
    assert_non_null(p);
    return strtoull(p + strlen(pat), NULL, 10);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Every nomination id the daemon lists, sorted. */
static size_t all_ids(ex_client_t *c, uint64_t *ids)
{
    ex_list_filter_t f = {0};
    f.limit = 1000;
    size_t n = itest_list_ids(c, &f, ids, MAX_NOMS, 1000);
    qsort(ids, n, sizeof(ids[0]), cmp_u64);
    return n;
}

static bool same_message(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
    size_t la = protobuf_c_message_get_packed_size(a), lb = protobuf_c_message_get_packed_size(b);
    if (la != lb)
        return false;
    uint8_t *x = malloc(la + 1), *y = malloc(lb + 1);
    protobuf_c_message_pack(a, x);
    protobuf_c_message_pack(b, y);
    bool same = memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

static Exemplar__Reply *get(ex_client_t *c, uint64_t id)
{
    Exemplar__Reply *r = NULL;
    int rc = ex_get(c, id, &r);
    itest_require_ok(rc, r, "get");
    return r;
}

/* Requires that `copy` answers like `orig` as of change `upto` (UINT64_MAX:
 * as of now): the change log, the list, every nomination and history. */
static void require_same_as_of(ex_client_t *orig, ex_client_t *copy, uint64_t upto)
{
    uint64_t orig_last = itest_last_seq(orig), copy_last = itest_last_seq(copy);
    uint64_t cut = upto == UINT64_MAX ? orig_last : upto;
    assert_true(copy_last == cut);
    assert_true(orig_last >= cut);

    changes_t lo = itest_changes(orig, 1), lc = itest_changes(copy, 1);
    itest_require_contiguous(&lc, 1, cut);
    for (size_t i = 0; i < lc.n; i++) {
        const change_t *a = &lo.v[i], *b = &lc.v[i];
        assert_true(a->seq == b->seq && a->nomination_id == b->nomination_id &&
                    a->prev_seq == b->prev_seq && a->version == b->version);
        assert_int_equal(a->from, b->from);
        assert_int_equal(a->to, b->to);
        assert_string_equal(a->verb, b->verb);
    }

    /* Nominations registered up to the cut, and only those. */
    uint64_t *ids_o = calloc(MAX_NOMS, sizeof(uint64_t)), *ids_c = calloc(MAX_NOMS, 8);
    size_t no = all_ids(orig, ids_o), nc = all_ids(copy, ids_c), expect = 0;
    for (size_t i = 0; i < lo.n && lo.v[i].seq <= cut; i++)
        expect += lo.v[i].from == S(NONE);
    assert_int_equal(nc, expect);
    assert_true(no >= nc);
    for (size_t i = 0; i < nc; i++) {
        assert_true(ids_c[i] == ids_o[i]);
        Exemplar__Reply *go = get(orig, ids_c[i]), *gc = get(copy, ids_c[i]);
        const Exemplar__Nomination *a = go->nomination, *b = gc->nomination;
        Exemplar__Reply *ho = itest_history(orig, ids_c[i]), *hc = itest_history(copy, ids_c[i]);
        size_t keep = 0;
        while (keep < ho->history->n_changes && ho->history->changes[keep]->seq <= cut)
            keep++;
        assert_int_equal(hc->history->n_changes, keep);
        for (size_t k = 0; k < keep; k++)
            assert_true(
                same_message(&ho->history->changes[k]->base, &hc->history->changes[k]->base));
        if (a->last_seq <= cut) {
            assert_true(same_message(&a->base, &b->base));
        } else {
            /* moved on after the cut: the copy holds it as of its last
             * change before the cut, whole */
            const Exemplar__Change *last = ho->history->changes[keep - 1];
            assert_true(b->last_seq == last->seq && b->version == last->version);
            assert_int_equal(b->state, last->to);
        }
        ex_reply_free(go);
        ex_reply_free(gc);
        ex_reply_free(ho);
        ex_reply_free(hc);
    }
    free(ids_o);
    free(ids_c);
    changes_free(&lo);
    changes_free(&lc);
}

static int ctl_fsck_exit(const harness_t *h)
{
    char out[8192];
    const char *argv[] = {EXEMPLARCTL_PATH, "--api", h->api, "fsck", NULL};
    return run_ctl(argv, out, sizeof(out));
}

/* ---- the writer ---------------------------------------------------------------- */

typedef struct {
    harness_t *h;
    atomic_bool stop;
    atomic_ulong acked;
} writer_t;

static void *writer_main(void *arg)
{
    writer_t *w = arg;
    ex_client_t *c = harness_client(w->h, TIMEOUT_MS);
    for (unsigned i = 0; !atomic_load(&w->stop); i++) {
        Exemplar__Reply *r = NULL;
        int rc =
            ex_register(c, 0, i % 2 ? "01" : "02", EXEMPLAR__KIND__KIND_COLLECTIVE, "Tổ", NULL, &r);
        if (ex_reply_status(rc, r) != 0)
            break;
        uint64_t id = r->nomination->id;
        ex_reply_free(r);
        atomic_fetch_add(&w->acked, 1);
        r = NULL;
        rc = ex_move(c, 0, id, S(FOSTERING), 1, NULL, &r);
        ex_reply_free(r);
        if (rc == 0)
            atomic_fetch_add(&w->acked, 1);
    }
    ex_client_destroy(&c);
    return NULL;
}

/* Registers n nominations, moving some on. */
static void fill(ex_client_t *c, int n)
{
    for (int i = 0; i < n; i++) {
        nom_t x = itest_register(c, i % 3 ? "01" : "02", "Tập thể Lao động", NULL);
        if (i % 2)
            x = itest_move(c, &x, S(FOSTERING), NULL);
        if (i % 5 == 1)
            itest_move(c, &x, S(WITHDRAWN), "rút hồ sơ");
    }
}

/* ---- tests ------------------------------------------------------------------------ */

static void backup_under_load_restores_to_the_same_answers(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    fill(c, 300);

    char file[128], out[8192];
    snprintf(file, sizeof(file), "%s/backup.mdb", h->dir);
    writer_t w = {.h = h};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, writer_main, &w), 0);
    /* Wait until the writer writes, then back up until one copy was taken
     * while it wrote (acknowledgements before and after it). */
    for (int i = 0; atomic_load(&w.acked) < 10; i++) {
        assert_true(i < 10000); /* 10 s */
        usleep(1000);
    }
    uint64_t upto = 0, acked_before = 0, backups = 0;
    for (int i = 0; i < 20; i++) {
        acked_before = atomic_load(&w.acked);
        uint64_t seq_before = itest_last_seq(c);
        const char *argv[] = {EXEMPLARCTL_PATH, "--api", h->api,    "--json",
                              "backup",         file,    "--force", NULL};
        assert_int_equal(run_ctl(argv, out, sizeof(out)), 0);
        backups++;
        upto = json_u64(out, "last_seq");
        /* every change acknowledged before the backup started is in it */
        assert_true(upto >= seq_before);
        if (atomic_load(&w.acked) > acked_before && upto > seq_before)
            break;
    }
    atomic_store(&w.stop, true);
    pthread_join(th, NULL);
    print_message("backup: %" PRIu64 " copies taken under load; the last one holds changes up to "
                  "%" PRIu64 " of %" PRIu64 "\n",
                  backups, upto, itest_last_seq(c));

    /* Without --force an existing file is kept. */
    const char *again[] = {EXEMPLARCTL_PATH, "--api", h->api, "backup", file, NULL};
    assert_int_equal(harness_run(again, out, sizeof(out)), 4);
    assert_non_null(strstr(out, "--force"));

    /* A second daemon: restore is refused while it runs, then done. */
    harness_t h2 = {0};
    h2.pidfd = -1;
    assert_int_equal(harness_start(&h2, NULL), 0);
    const char *restore[] = {EXEMPLARCTL_PATH, "restore", file, "--state-dir", h2.dir, NULL};
    assert_int_equal(harness_run(restore, out, sizeof(out)), 4);
    assert_non_null(strstr(out, "exemplard.lock"));
    assert_int_equal(harness_stop(&h2), 0);
    assert_int_equal(run_ctl(restore, out, sizeof(out)), 0);
    char before[128];
    struct stat st;
    snprintf(before, sizeof(before), "%s/data.mdb.before-restore", h2.dir);
    assert_int_equal(stat(before, &st), 0);
    assert_int_equal(harness_restart(&h2), 0);

    ex_client_t *c2 = harness_client(&h2, TIMEOUT_MS);
    require_same_as_of(c, c2, upto);
    assert_int_equal(ctl_fsck_exit(&h2), 0);
    /* and the restored daemon takes new changes after the restored log */
    nom_t n = itest_register(c2, "01", "Mới", NULL);
    assert_true(n.last_seq == upto + 1);
    ex_client_destroy(&c2);
    ex_client_destroy(&c);
    assert_int_equal(harness_stop(&h2), 0);
    harness_cleanup(&h2, 0);
}

static void restore_refuses_what_is_not_a_backup(void **state)
{
    harness_t *h = *state;
    char bad[128], out[4096];
    snprintf(bad, sizeof(bad), "%s/not-a-backup", h->dir);
    FILE *f = fopen(bad, "w");
    assert_non_null(f);
    fputs("this is not an LMDB file, but long enough to be read as one\n", f);
    fclose(f);
    assert_int_equal(harness_stop(h), 0);
    const char *argv[] = {EXEMPLARCTL_PATH, "restore", bad, "--state-dir", h->dir, NULL};
    assert_int_equal(harness_run(argv, out, sizeof(out)), 1);
    assert_non_null(strstr(out, "not a backup"));
    /* nothing was touched */
    char before[128];
    struct stat st;
    snprintf(before, sizeof(before), "%s/data.mdb.before-restore", h->dir);
    assert_int_equal(stat(before, &st), -1);
    assert_int_equal(harness_restart(h), 0);
}

/* Runs exemplarctl with args (NULL-terminated, at most 30) and requires
 * the exit status; the output is in out. */
static void ctl_expect(int status, char *out, size_t len, const char *const *args)
{
    const char *argv[32] = {EXEMPLARCTL_PATH};
    size_t n = 1;
    for (; args[n - 1] && n < 31; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    int rc = harness_run(argv, out, len);
    if (rc != status)
        fail_msg("exemplarctl %s %s: exit %d, expected %d: %s", args[0], args[1] ? args[1] : "", rc,
                 status, out);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_true(fread(buf, 1, (size_t)n, f) == (size_t)n);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* What exemplarctl --json prints for these, from one daemon. */
static void answers(const harness_t *h, char *out, size_t len)
{
    static const char *const QUERIES[][8] = {
        {"evidence", "list", "CB-0042", NULL},
        {"evidence", "list", "CB-0077", NULL},
        {"event", "list", "CB-0042", NULL},
        {"plan", "show", "01", "--period", "2021-2023", "--campaign", "2021-2025", NULL},
        {"list", NULL},
        {"audit", NULL},
    };
    size_t used = 0;
    for (size_t q = 0; q < sizeof(QUERIES) / sizeof(QUERIES[0]); q++) {
        const char *args[12] = {"--api", h->api, "--json"};
        for (size_t i = 0; QUERIES[q][i]; i++)
            args[3 + i] = QUERIES[q][i];
        ctl_expect(0, out + used, len - used, args);
        used += strlen(out + used);
    }
}

/* Two exports hold the same records: on a difference, the first line that
 * differs in each (an export is one record a line), not the whole files. */
static void require_same_lines(const char *a, const char *b)
{
    size_t line = 1;
    while (*a || *b) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || memcmp(a, b, la) != 0)
            fail_msg("the exports differ at line %zu:\n  first:  %.*s\n  second: %.*s", line,
                     (int)(la < 600 ? la : 600), a, (int)(lb < 600 ? lb : 600), b);
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
        line++;
    }
}

static void export_import_gives_the_same_store(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    fill(c, 120);
    char out[1 << 16];
    const char *api[] = {"--api", h->api};
#define CTL(status, ...)                                                                           \
    do {                                                                                           \
        const char *a_[] = {api[0], api[1], __VA_ARGS__, NULL};                                    \
        ctl_expect(status, out, sizeof(out), a_);                                                  \
    } while (0)
    CTL(0, "register", "--unit", "01", "--kind", "individual", "--name", "Nguyễn Văn An",
        "--subject", "CB-0042");
    CTL(0, "event", "publish", "--type", "title-awarded", "--subject", "CB-0042", "--publisher",
        "moet", "--event-id", "QĐ-17", "--seq", "1", "--year", "2023", "--value",
        "Chiến sĩ thi đua cơ sở", "--decision", "1234/QĐ-BGDĐT");
    CTL(0, "event", "publish", "--type", "performance-rating", "--subject", "CB-0077",
        "--publisher", "moha", "--event-id", "R-9", "--seq", "4", "--year", "2022");
    CTL(0, "evidence", "add", "CB-0042", "2022", "CSTDCS", "--decision", "5/QĐ", "--decision-date",
        "2022-12-01");
    CTL(0, "evidence", "revoke", "CB-0042", "2022", "CSTDCS", "--decision", "6/QĐ",
        "--decision-date", "2023-01-05");
    CTL(0, "plan", "submit", "01", "--period", "2021-2023", "--campaign", "2021-2025",
        "--collective", "2", "--individual", "1", "--solutions", "Giải pháp", "--decision",
        "12/KH-UBND", "--decision-date", "2021-09-01");
    CTL(0, "plan", "return", "01", "--period", "2021-2023", "--campaign", "2021-2025", "--reason",
        "Bổ sung");
    CTL(5, "move", "1", "recognized"); /* a refusal, for the audit list */
#undef CTL

    char file[128], file2[128], data[128];
    snprintf(file, sizeof(file), "%s/export.jsonl", h->dir);
    const char *exp[] = {"--api", h->api, "--json", "export", file, NULL};
    ctl_expect(0, out, sizeof(out), exp);
    assert_true(json_u64(out, "last_seq") == itest_last_seq(c));
    print_message("export: %" PRIu64 " records, %" PRIu64 " nominations\n",
                  json_u64(out, "records"), json_u64(out, "nominations"));
    ctl_expect(4, out, sizeof(out), exp); /* the file exists */

    harness_t h2 = {0};
    h2.pidfd = -1;
    assert_int_equal(harness_start(&h2, NULL), 0);
    const char *imp[] = {"import", file, "--state-dir", h2.dir, NULL};
    ctl_expect(4, out, sizeof(out), imp); /* the daemon runs */
    assert_non_null(strstr(out, "exemplard.lock"));
    assert_int_equal(harness_stop(&h2), 0);
    ctl_expect(4, out, sizeof(out), imp); /* its store holds the built-in units */
    assert_non_null(strstr(out, "not empty"));
    snprintf(data, sizeof(data), "%s/data.mdb", h2.dir);
    assert_int_equal(unlink(data), 0);
    ctl_expect(0, out, sizeof(out), imp);
    assert_int_equal(harness_restart(&h2), 0);

    ex_client_t *c2 = harness_client(&h2, TIMEOUT_MS);
    require_same_as_of(c, c2, UINT64_MAX);
    char *a1 = malloc(1 << 20), *a2 = malloc(1 << 20);
    answers(h, a1, 1 << 20);
    answers(&h2, a2, 1 << 20);
    assert_string_equal(a1, a2);
    assert_non_null(strstr(a1, "1234/QĐ-BGDĐT"));
    assert_non_null(strstr(a1, "returned"));
    free(a1);
    free(a2);
    assert_int_equal(ctl_fsck_exit(&h2), 0);

    /* the imported store exports to the same bytes */
    snprintf(file2, sizeof(file2), "%s/export2.jsonl", h2.dir);
    const char *exp2[] = {"--api", h2.api, "export", file2, NULL};
    ctl_expect(0, out, sizeof(out), exp2);
    char *t1 = read_file(file), *t2 = read_file(file2);
    require_same_lines(t1, t2);
    free(t1);
    free(t2);
    ex_client_destroy(&c2);
    ex_client_destroy(&c);
    assert_int_equal(harness_stop(&h2), 0);
    harness_cleanup(&h2, 0);
}

static void import_refuses_a_cut_or_broken_file(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    fill(c, 5);
    ex_client_destroy(&c);
    char file[128], cut[128], dir[128], out[8192];
    snprintf(file, sizeof(file), "%s/export.jsonl", h->dir);
    snprintf(cut, sizeof(cut), "%s/cut.jsonl", h->dir);
    snprintf(dir, sizeof(dir), "%s/empty", h->dir);
    const char *exp[] = {"--api", h->api, "export", file, NULL};
    ctl_expect(0, out, sizeof(out), exp);
    /* all but the end line */
    char *text = read_file(file);
    char *end = strstr(text, "{\"type\":\"end\"");
    assert_non_null(end);
    FILE *f = fopen(cut, "w");
    fwrite(text, 1, (size_t)(end - text), f);
    fclose(f);
    const char *imp[] = {"import", cut, "--state-dir", dir, NULL};
    ctl_expect(1, out, sizeof(out), imp);
    assert_non_null(strstr(out, "cut short"));
    /* nothing was left behind */
    char data[160];
    struct stat st;
    snprintf(data, sizeof(data), "%s/data.mdb", dir);
    assert_int_equal(stat(data, &st), -1);
    /* a damaged record names its line and field */
    char *nom = strstr(text, "\"state\":\"STATE_");
    assert_non_null(nom);
    nom[5] = 'x'; /* "state" -> "statx": not a field */
    f = fopen(cut, "w");
    fputs(text, f);
    fclose(f);
    ctl_expect(1, out, sizeof(out), imp);
    assert_non_null(strstr(out, "is not a field"));
    assert_non_null(strstr(out, "line "));
    free(text);
}

/* The daemon's lock on its state directory: a second exemplard there is
 * refused with a sentence, before it binds anything. */
static void a_second_daemon_on_the_state_dir_is_refused(void **state)
{
    harness_t *h = *state;
    char out[4096], rt[128];
    snprintf(rt, sizeof(rt), "--runtime-dir=%s/second", h->dir);
    const char *argv[] = {
        EXEMPLARD_PATH, "--state-dir", h->dir, "--config", h->conf_path, rt, NULL};
    assert_int_equal(harness_run(argv, out, sizeof(out)), 1);
    assert_non_null(strstr(out, "exemplard.lock"));
    assert_non_null(strstr(out, "is in use"));
    assert_int_equal(harness_alive(h), 1); /* the first one serves on */
}

/* Backup and export are daemon requests: the first is answered at once as
 * pending while the daemon's dump process writes the snapshot, the daemon
 * takes other requests meanwhile (a change made then is not in the
 * snapshot), and the pages put together have the size and BLAKE2b digest
 * the daemon announced; a page of a dump that is no longer kept is
 * ERROR_NOT_FOUND. */
static void a_dump_is_pending_while_the_daemon_serves(void **state)
{
    harness_t *h = *state;
    ex_client_t *c = harness_client(h, TIMEOUT_MS);
    assert_non_null(c);
    fill(c, 50);
    uint64_t before = itest_last_seq(c);
    Exemplar__DumpRequest d = EXEMPLAR__DUMP_REQUEST__INIT;
    d.max_bytes = 4096; /* many pages */
    Exemplar__Request req = EXEMPLAR__REQUEST__INIT;
    req.body_case = EXEMPLAR__REQUEST__BODY_EXPORT;
    req.export = &d;
    Exemplar__Reply *r = NULL;
    assert_int_equal(ex_reply_status(ex_client_call(c, &req, &r), r), 0);
    assert_true(r->dump->pending);
    assert_true(r->dump->dump_id != 0);
    d.dump_id = r->dump->dump_id;
    ex_reply_free(r);
    /* served while the snapshot is written: not in it */
    nom_t later = itest_register(c, "01", "Sau bản sao", NULL);
    assert_true(later.last_seq > before);

    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    uint64_t size = 0, last_seq = 0;
    uint8_t digest[32], want[32];
    for (int polls = 0;; polls++) {
        assert_true(polls < 20000);
        r = NULL;
        assert_int_equal(ex_reply_status(ex_client_call(c, &req, &r), r), 0);
        const Exemplar__DumpReply *p = r->dump;
        assert_true(p->dump_id == d.dump_id);
        if (p->pending) {
            ex_reply_free(r);
            usleep(1000); /* the dump process is not ours to wait for */
            continue;
        }
        assert_true(p->offset == d.offset && p->data.len <= 4096);
        crypto_generichash_update(&st, p->data.data, p->data.len);
        d.offset += p->data.len;
        size = p->size;
        last_seq = p->last_seq;
        memcpy(want, p->digest.data, sizeof(want));
        ex_reply_free(r);
        if (d.offset == size)
            break;
    }
    crypto_generichash_final(&st, digest, sizeof(digest));
    assert_memory_equal(digest, want, sizeof(digest));
    assert_true(size > 3 * 4096);
    assert_true(last_seq >= before);
    /* read to its end, the dump is dropped */
    d.offset = 0;
    r = NULL;
    int rc = ex_client_call(c, &req, &r);
    assert_int_equal(rc, 0);
    assert_non_null(r->error);
    assert_int_equal(r->error->code, EX_ENOTFOUND);
    ex_reply_free(r);
    ex_client_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(backup_under_load_restores_to_the_same_answers,
                                        harness_setup, harness_teardown),
        cmocka_unit_test_setup_teardown(restore_refuses_what_is_not_a_backup, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(a_second_daemon_on_the_state_dir_is_refused, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(export_import_gives_the_same_store, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(import_refuses_a_cut_or_broken_file, harness_setup,
                                        harness_teardown),
        cmocka_unit_test_setup_teardown(a_dump_is_pending_while_the_daemon_serves, harness_setup,
                                        harness_teardown),
    };
    return cmocka_run_group_tests_name("ops_backup", tests, NULL, NULL);
}
