/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the whole request path.  The first byte picks who asks
 * (a role, and unit 01 or 02 for unit officers); the rest is the request as
 * it would arrive on the api socket.  api_run_batch decodes, authorises,
 * runs the handler, audits refusals and commits to a real LMDB environment
 * in a temporary directory ($EXEMPLAR_FUZZ_DIR, else /dev/shm when it exists,
 * so syncs are cheap),
 * which lives for the whole run: later inputs see what earlier ones wrote.
 * Every call must get a reply that decodes as an exemplar.Reply.
 */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "api.h"
#include "log.h"
#include "outbox.h"
#include "store.h"
#include "wire.pb-c.h"

static char dir[64];
static config_t cfg;
static store_t *store;
static outbox_t *outbox;
static api_t *api;
static void *ctx;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    api_destroy(&api);
    outbox_destroy(&outbox);
    store_close(&store);
    if (ctx)
        zmq_ctx_term(ctx);
    if (dir[0])
        nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[512];
    /* $EXEMPLAR_FUZZ_DIR: where run.sh wants it (and removes it even after a
     * crash, when atexit handlers do not run). */
    const char *parent = getenv("EXEMPLAR_FUZZ_DIR");
    if (!parent)
        parent = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof(dir), "%.40s/exfuzz.XXXXXX", parent);
    if (!mkdtemp(dir)) {
        perror("fuzz_api: mkdtemp");
        exit(1);
    }
    atexit(cleanup);
    /* Refusals are logged at notice: keep the fuzzer's output readable. */
    log_set_level(LOG_ERR);
    config_defaults(&cfg);
    snprintf(cfg.state_dir, sizeof(cfg.state_dir), "%s", dir);
    snprintf(cfg.events_endpoint, sizeof(cfg.events_endpoint), "inproc://fuzz.events");
    if (config_finish(&cfg, err, sizeof(err)) < 0 ||
        store_open(dir, 1u << 20, 1ull << 30, &store, err, sizeof(err)) < 0 ||
        !(ctx = zmq_ctx_new()) ||
        !(outbox = outbox_new(ctx, cfg.events_endpoint, err, sizeof(err))) ||
        !(api = api_new(store, outbox, &cfg, err, sizeof(err)))) {
        fprintf(stderr, "fuzz_api: set-up failed: %s\n", err);
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    api_call_t call;
    memset(&call, 0, sizeof(call));
    snprintf(call.actor.name, sizeof(call.actor.name), "fuzz");
    call.actor.role = (role_t)(data[0] % ROLE_COUNT);
    if (call.actor.role == ROLE_UNIT_OFFICER)
        snprintf(call.actor.unit, sizeof(call.actor.unit), "%s", data[0] & 0x80 ? "02" : "01");
    call.data = data + 1;
    call.len = size - 1;
    api_run_batch(api, &call, 1);
    Exemplar__Reply *r =
        call.reply ? exemplar__reply__unpack(NULL, call.reply_len, call.reply) : NULL;
    if (!r)
        abort(); /* every request is answered with a Reply */
    exemplar__reply__free_unpacked(r, NULL);
    free(call.reply);
    return 0;
}
