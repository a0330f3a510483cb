#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# bench/report.py DIR: the one table of bench/run-all, from the JSON the
# stages wrote in DIR (transitions.json, rawlmdb.json, events.json and,
# when the summary stage exists, summary.json).  Each row: the target, the
# figure measured, the baseline from the same run, the ratio, met or missed.
import json
import os
import sys

d = sys.argv[1]


def load(name):
    p = os.path.join(d, name)
    if not os.path.exists(p) or os.path.getsize(p) == 0:
        return None
    with open(p) as f:
        return json.load(f)


tr = load("transitions.json")
off = load("transitions-waloff.json")  # the write-ahead log off (stage 1b)
raw = load("rawlmdb.json")
ev = load("events.json")
evoff = load("events-waloff.json")
sm = load("summary.json")
rows = []


def row(target, measured, baseline, ratio, met):
    rows.append((target, measured, baseline,
                 "" if ratio is None else "%.2f" % ratio,
                 "-" if met is None else ("met" if met else "MISSED")))


n = tr["config"].get("nominations", 0) if tr else 0
if tr:
    rawby = {}
    if raw:
        for r in raw["results"]:
            rawby[r["batch"]] = r["tps"]
    batch = {b["clients"]: b["mean_batch_size"] for b in tr.get("batch_sizes", [])}
    offby = {r["clients"]: r["exemplard"] for r in off["results"]} if off else {}
    # the targets against PostgreSQL of the same run, by clients
    aim = {1: 1.0, 8: 1.5, 64: 2.0}

    def disk(side):
        if "disk_kib_per_move" not in side:
            return "disk ?"
        return "%.1f KiB in %.1f writes/move" % (side["disk_kib_per_move"], side["disk_writes_per_move"])

    for r in tr["results"]:
        c = r["clients"]
        e = r["exemplard"]
        lat = "p50/p99/p999 %.2f/%.2f/%.2f ms" % (e["p50_ms"], e["p99_ms"], e["p999_ms"])
        if "postgres" in r:
            pg = r["postgres"]
            p = pg["tps"]
            ratio = e["tps"] / p if p else 0
            a = aim.get(c, 1.0)
            row("durable moves/s, log on, %d clients >= %.1fx PostgreSQL" % (c, a),
                "%.0f/s (%s; %s)" % (e["tps"], lat, disk(e)),
                "PostgreSQL %.0f/s (p99 %.2f ms; %s)" % (p, pg["p99_ms"], disk(pg)), ratio, ratio >= a)
            if c == 1:
                pr = pg["p99_ms"] / e["p99_ms"] if e["p99_ms"] else 0
                row("p99 at 1 client, log on <= 1.5x PostgreSQL's", "%.2f ms" % e["p99_ms"],
                    "PostgreSQL %.2f ms" % pg["p99_ms"], pr, e["p99_ms"] <= 1.5 * pg["p99_ms"])
            o = offby.get(c)
            if o:
                olat = "p50/p99/p999 %.2f/%.2f/%.2f ms" % (o["p50_ms"], o["p99_ms"], o["p999_ms"])
                row("durable moves/s, log off, %d clients (LMDB's synced commit)" % c,
                    "%.0f/s (%s; %s)" % (o["tps"], olat, disk(o)), "PostgreSQL %.0f/s" % p,
                    o["tps"] / p if p else 0, None)
        b = batch.get(c)
        if b is not None:
            k = max(1, int(b + 0.5))
            if k in rawby:
                ratio = e["tps"] / rawby[k] if rawby[k] else 0
                row("durable moves/s, %d clients >= 70%% raw LMDB, same batch" % c,
                    "%.0f/s (batch %.1f)" % (e["tps"], b), "raw LMDB %.0f/s (batch %d)" % (rawby[k], k),
                    ratio, ratio >= 0.7)
    ls = tr.get("list")
    if ls:
        for key, what in (("all", "every nomination"), ("one_state", "one state (fostering)")):
            x = ls[key]
            if "postgres_seconds" in x:
                ratio = x["postgres_seconds"] / x["exemplard_seconds"] if x["exemplard_seconds"] else 0
                row("list %s (%d rows), pages of %d, <= PostgreSQL's time" % (what, x["exemplard_rows"], ls["page"]),
                    "%.3f s" % x["exemplard_seconds"],
                    "PostgreSQL keyset %.3f s (%d rows)" % (x["postgres_seconds"], x["postgres_rows"]),
                    ratio, ratio >= 1)
    ex = tr["exemplard"]
    ready = ex["ready_ms_loaded"]
    row("start-to-READY, warm, %d nominations <= 50 ms" % n, "%.1f ms" % ready, "target 50 ms",
        50 / ready if ready else None, ready <= 50)
    crash = ex.get("ready_after_crash")
    if crash:
        row("start-to-READY after kill -9, log of %d records (%.1f MiB), stated"
            % (crash["log_records"], crash["log_bytes"] / 1048576.0),
            "%.1f ms" % crash["ready_ms"], "%d replayed" % crash["replayed"], None, None)
    for key, when in (("memory_at_ready", "at READY"), ("memory_after_runs", "after the runs")):
        m = ex[key]
        anon = m.get("anon_kib", 0) / 1024
        row("RssAnon %s <= 32 MiB" % when, "%.1f MiB" % anon, "target 32 MiB",
            32 / anon if anon else None, anon <= 32)
if ev:
    row("durable events/s >= 100 000 (log on)", "%.0f/s" % ev["exemplard_eps"], "target 100 000/s",
        ev["exemplard_eps"] / 100000, ev["exemplard_eps"] >= 100000)
    if evoff:
        row("durable events/s, log off", "%.0f/s" % evoff["exemplard_eps"],
            "raw LMDB %.0f/s" % evoff["raw_lmdb_eps"], evoff["ratio"], None)
    row("durable events/s >= 50% raw LMDB inserts", "%.0f/s" % ev["exemplard_eps"],
        "raw LMDB %.0f/s" % ev["raw_lmdb_eps"], ev["ratio"], ev["ratio"] >= 0.5)
if sm:
    target = sm.get("target_seconds", 0.3)
    for c in sm.get("cases", []):
        e, p = c.get("exemplard_seconds"), c.get("postgres_seconds")
        ratio = p / e if e and p else None
        row("summary %s, %d nominations / 5x history: < %.1f s and <= PostgreSQL"
            % (c.get("case", "?"), sm.get("nominations", 0), target),
            "%.3f s" % e if e else "?", "PostgreSQL %.3f s" % p if p else "?", ratio,
            None if ratio is None else (ratio >= 1 and e < target))
else:
    row("summarise nominations with 5x history entries", "not measured",
        "bench/run-summary (summary branch) not present", None, None)

w = [max(len(r[i]) for r in rows + [("target", "measured", "baseline", "ratio", "met?")])
     for i in range(5)]
head = ("target", "measured", "baseline", "ratio", "met?")
print(" | ".join(h.ljust(w[i]) for i, h in enumerate(head)))
print("-+-".join("-" * x for x in w))
for r in rows:
    print(" | ".join(c.ljust(w[i]) for i, c in enumerate(r)))
print("\nratio: exemplard / baseline for rates, baseline / exemplard for times and targets "
      "(above 1 is better); medians of the runs; %d nominations" % n)
