/* SPDX-License-Identifier: MIT */
/*
 * Generates a store for the summary benchmark directly with the
 * daemon's record code (records_put_nomination, records_append_change):
 * N nominations of 100 units, 2 kinds, walking the 2021-2025 calendar with
 * about 5 changes each (register 2021Q3, foster 2022, unit review 2023Q1-Q2,
 * ministry review and recognition 2023Q3-Q4, some side exits), each change
 * stamped with its judged day.  Then `exemplard --state-dir DIR` and
 * `exemplarctl summary 2023Q3` time the request (bench/run-summary).  With
 * CSVDIR it also writes the same data as nominations.csv and history.csv
 * for PostgreSQL's COPY (bench/summary.sql).
 *
 *   bench_summary_gen DIR [NOMINATIONS [CSVDIR]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "errors.h"
#include "records.h"
#include "store.h"

static uint64_t rng = 88172645463325252ull;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return fprintf(stderr, "usage: bench_summary_gen DIR [NOMINATIONS [CSVDIR]]\n"), 2;
    uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
    FILE *noms = NULL, *hist = NULL;
    if (argc > 3) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/nominations.csv", argv[3]);
        noms = fopen(path, "w");
        snprintf(path, sizeof(path), "%s/history.csv", argv[3]);
        hist = fopen(path, "w");
        if (!noms || !hist)
            return fprintf(stderr, "cannot write the CSV files in %s\n", argv[3]), 1;
    }
    char err[512];
    store_t *s;
    if (store_open(argv[1], 8ull << 30, 64ull << 30, &s, err, sizeof(err)) < 0)
        return fprintf(stderr, "%s\n", err), 1;
    int32_t d_reg, d_fos, d_unit, d_min, d_rec;
    day_parse("2021-08-01", &d_reg);
    day_parse("2022-02-01", &d_fos);
    day_parse("2023-02-01", &d_unit);
    day_parse("2023-07-10", &d_min);
    day_parse("2023-08-20", &d_rec);
    static const Exemplar__State PATH[] = {
        EXEMPLAR__STATE__STATE_REGISTERED, EXEMPLAR__STATE__STATE_FOSTERING,
        EXEMPLAR__STATE__STATE_UNIT_REVIEWED, EXEMPLAR__STATE__STATE_MINISTRY_REVIEWED,
        EXEMPLAR__STATE__STATE_RECOGNIZED};
    const int32_t DAY[] = {d_reg, d_fos, d_unit, d_min, d_rec};
    uint64_t seq = 0, changes = 0;
    const uint64_t PER_TXN = 20000;
    store_txn_t t;
    int rc = store_txn_begin(s, true, &t);
    for (uint64_t id = 1; rc == 0 && id <= n; id++) {
        char unit[8], name[32];
        snprintf(unit, sizeof(unit), "%02u", (unsigned)(id % 100));
        snprintf(name, sizeof(name), "Nguyễn Văn %llu", (unsigned long long)id);
        /* how far along: 5 steps for most; evidence changes pad the history */
        unsigned steps = 1 + next() % 5;
        Exemplar__Nomination nm = EXEMPLAR__NOMINATION__INIT;
        nm.id = id;
        nm.kind = id % 3 ? EXEMPLAR__KIND__KIND_INDIVIDUAL : EXEMPLAR__KIND__KIND_COLLECTIVE;
        nm.unit = unit;
        nm.campaign = "2021-2025";
        nm.period = "2021-2023";
        nm.name = name;
        Exemplar__State from = EXEMPLAR__STATE__STATE_NONE;
        uint64_t prev = 0, total = 5; /* changes per nomination: moves, then evidence */
        for (unsigned k = 0; k < total; k++) {
            Exemplar__Change c = EXEMPLAR__CHANGE__INIT;
            Exemplar__State to = k < steps ? PATH[k] : from;
            c.seq = ++seq;
            c.nomination_id = id;
            c.prev_seq = prev;
            c.from = from;
            c.to = to;
            c.verb = k < steps ? "move" : "evidence";
            c.version = k < steps ? k + 1 : steps;
            c.unit = unit;
            c.campaign = "2021-2025";
            c.kind = nm.kind;
            c.day = k < steps ? DAY[k] + (int32_t)(next() % 40) : DAY[steps - 1] + 45;
            c.at_ms = 1700000000000ll + (int64_t)seq;
            records_append_change(&t, &c);
            if (hist) {
                char day[16];
                fprintf(hist, "%llu,%llu,%d,%d,%s,%s,%s,%d\n", (unsigned long long)c.seq,
                        (unsigned long long)id, (int)c.from, (int)c.to,
                        day_format(c.day, day, sizeof(day)), unit, c.campaign, (int)c.kind);
            }
            prev = c.seq;
            from = to;
            changes++;
        }
        nm.version = steps;
        nm.state = from;
        nm.last_seq = nm.state_seq = prev;
        records_put_nomination(&t, &nm, EXEMPLAR__STATE__STATE_NONE);
        if (noms)
            fprintf(noms, "%llu,%d,%s,%s,%s,%d\n", (unsigned long long)id, (int)nm.kind, unit,
                    nm.campaign, nm.period, (int)nm.state);
        if (id % PER_TXN == 0 || id == n) {
            rc = store_txn_commit(&t);
            if (rc == -EX_EFULL && store_map_full(s))
                return fprintf(stderr, "map full\n"), 1;
            if (rc == 0 && id < n)
                rc = store_txn_begin(s, true, &t);
        }
    }
    store_close(&s);
    if (noms && (fclose(noms) != 0 || fclose(hist) != 0))
        return fprintf(stderr, "cannot write the CSV files in %s\n", argv[3]), 1;
    printf("%llu nominations, %llu changes\n", (unsigned long long)n, (unsigned long long)changes);
    return rc < 0 ? 1 : 0;
}
