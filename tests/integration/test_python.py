#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The Python client against the real daemon: proves that the
protocol is usable from the .proto files alone.  Starts exemplard in a
fresh temporary directory, plays the service manager (NOTIFY_SOCKET) to
wait for READY=1 instead of sleeping, then publishes an event, registers a
nomination naming the event's subject, reads it back with its history, and
stops the daemon with SIGTERM (exit status 0 required).

usage: test_python.py EXEMPLARD GEN_DIR CLIENT_DIR
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

EXEMPLARD, GEN_DIR, CLIENT_DIR = sys.argv[1:4]
sys.path[:0] = [GEN_DIR, CLIENT_DIR]

import events_pb2  # noqa: E402
import exemplar_client  # noqa: E402
import record_pb2  # noqa: E402


def start(tmp):
    notify_path = os.path.join(tmp, "notify.sock")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    notify.settimeout(10)
    log = open(os.path.join(tmp, "exemplard.log"), "wb")
    env = dict(os.environ, NOTIFY_SOCKET=notify_path)
    proc = subprocess.Popen([EXEMPLARD, "--state-dir", tmp], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    while True:
        msg = notify.recv(4096).decode()
        if "READY=1" in msg.split("\n"):
            break
    notify.close()
    return proc


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def main():
    tmp = tempfile.mkdtemp(prefix="expy.", dir="/tmp")
    proc = start(tmp)
    try:
        c = exemplar_client.Client("ipc://%s/api.sock" % tmp, timeout_ms=5000)

        ev = events_pb2.Event(publisher="moet", event_id="QĐ-2023-17", seq=1,
                              type=events_pb2.EVENT_TITLE_AWARDED, subject="CB-0042",
                              year=2023)
        ev.title_awarded.title = "Chiến sĩ thi đua cơ sở"
        ev.decision.number = "1234/QĐ-BGDĐT"
        r = c.publish([ev])
        check(r.accepted == 1 and r.duplicates == 0 and r.ingest_seqs[0] == 1,
              "first publish: %s" % r)
        r = c.publish([ev])
        check(r.accepted == 0 and r.duplicates == 1, "repeat is a duplicate: %s" % r)

        n = c.register("01", record_pb2.KIND_INDIVIDUAL, "Nguyễn Văn An", campaign="demo",
                       subject="CB-0042")
        got = c.get(n.id)
        check(got.name == "Nguyễn Văn An" and got.subject == "CB-0042", "get: %s" % got)
        check(got.state == record_pb2.STATE_REGISTERED and got.version == 1, "state: %s" % got)
        verbs = [ch.verb for ch in c.history(n.id)]
        check(verbs == ["register", "evidence"], "history verbs: %s" % verbs)

        ev2 = events_pb2.Event(publisher="moet", event_id="KL-2024-3", seq=2,
                               type=events_pb2.EVENT_DISCIPLINE, subject="CB-0042", year=2024)
        c.publish([ev2])
        verbs = [ch.verb for ch in c.history(n.id)]
        check(verbs == ["register", "evidence", "evidence"], "after a later event: %s" % verbs)
        evidence = c.evidence("CB-0042")
        check([e.event_id for e in evidence.events] == ["QĐ-2023-17", "KL-2024-3"],
              "evidence: %s" % evidence)

        # A unit plan, and the progress of every unit of the period
        plan = c.plan_submit("01", "2021-2023", campaign="2021-2025", collective=2,
                             solutions="Giải pháp và trách nhiệm", document=("5/KH", "2021-09-01"))
        check(plan.plan.version == 1 and plan.progress.status in ("submitted", "late"),
              "plan submit: %s" % plan.plan)
        rows = {u.unit: u for u in c.plan_list("2021-2023", campaign="2021-2025").units}
        check(rows["01"].expected_collective == 2 and rows["02"].status == "no-plan",
              "plan list: %s" % rows.get("01"))

        stats = c.stats()
        check(stats.events == 2 and stats.duplicates == 1, "stats: %s" % stats)

        bad = events_pb2.Event(publisher="moet", event_id="other", seq=1,
                               type=events_pb2.EVENT_DISCIPLINE, subject="CB-0042")
        try:
            c.publish([bad])
            check(False, "a reused seq must be refused")
        except exemplar_client.ExemplarError as e:
            check(e.name == "event-conflict" and e.code == 19, "refusal: %s" % e)
        c.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        status = proc.wait(timeout=10)
    if status != 0:
        sys.stderr.write(open(os.path.join(tmp, "exemplard.log")).read())
        raise SystemExit("exemplard exited with status %d" % status)
    shutil.rmtree(tmp)
    print("python client: ok")


if __name__ == "__main__":
    main()
