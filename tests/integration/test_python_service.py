# SPDX-License-Identifier: MIT
"""An agency service built on the installed exemplar package, driven by
test_python_curve.py over stdin/stdout: not a test itself.  It connects with
its CURVE keys, publishes facts as publisher `moet` (numbering kept in a
state file) and follows the change feed from a given sequence, printing one
line per command:

    publish SUBJECT N   ->  published ACCEPTED DUPLICATES
    wait SEQ            ->  reached SEQ     (once every change up to SEQ was seen)
    quit                ->  a JSON summary: seqs seen, gaps, from_log, last_seq

usage: service.py API SERVER_PUB PUBLISH_KEY READ_KEY STATE_FILE FROM_SEQ
It must run with the package installed, not from a source tree: nothing
here touches sys.path."""

import json
import os
import select
import sys

import exemplar
from exemplar.model import Decision, Event, EventType, TitleAwarded

API, SERVER_PUB, PUBLISH_KEY, READ_KEY, STATE_FILE, FROM_SEQ = sys.argv[1:7]


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main():
    # Short attempts, many of them: a request made while the daemon
    # restarts is answered once it is back, under the same request id.
    publish_client = exemplar.Client(API, server_key=SERVER_PUB, secret_key=PUBLISH_KEY,
                                     timeout_ms=1000, retries=30)
    read_client = exemplar.Client(API, server_key=SERVER_PUB, secret_key=READ_KEY,
                                  timeout_ms=1000, retries=30)
    publisher = exemplar.EventPublisher(publish_client, "moet", state_file=STATE_FILE)
    feed = exemplar.ChangeFeed(read_client, from_seq=int(FROM_SEQ), idle_ms=300)
    seqs, waiting, buf, count = [], None, b"", 0
    say(f"ready {exemplar.__file__}")
    while True:
        ch = feed.next(timeout_ms=100)
        if ch is not None:
            seqs.append(ch.seq)
        if waiting is not None and feed.last_seq >= waiting:
            say(f"reached {waiting}")
            waiting = None
        if waiting is not None or not select.select([0], [], [], 0)[0]:
            continue
        data = os.read(0, 4096)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            cmd = line.decode().split()
            if cmd[0] == "publish":
                events = []
                for _ in range(int(cmd[2])):
                    count += 1
                    events.append(Event(
                        event_id=f"QĐ-{os.getpid()}-{count}", type=EventType.TITLE_AWARDED,
                        subject=cmd[1], year=2023,
                        title_awarded=TitleAwarded(title="Chiến sĩ thi đua cơ sở"),
                        decision=Decision(number=f"{count}/QĐ-BGDĐT", date="2023-12-20")))
                r = publisher.publish(events)
                say(f"published {r.accepted} {r.duplicates}")
            elif cmd[0] == "wait":
                waiting = int(cmd[1])
            elif cmd[0] == "quit":
                say(json.dumps({"seqs": seqs, "gaps": feed.gaps, "from_log": feed.from_log,
                                "last_seq": feed.last_seq}))
                feed.close()
                publish_client.close()
                read_client.close()
                return


main()
