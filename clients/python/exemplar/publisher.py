# SPDX-License-Identifier: MIT
"""Publishing facts (events.proto) as an agency service: the events of one
publisher, numbered 1, 2, 3, ... and sent in `publish` requests
(proto/PROTOCOL.md, "Events"; clients/lib/events.c is the C side).

An event's identity is (publisher, seq): the daemon acknowledges the same
(publisher, seq, event_id) again as a duplicate and refuses the same seq
with another event_id (EventConflict).  So a publisher must never give a
number twice, not even across its own restarts, and must send a batch again
with the numbers it first had.  EventPublisher keeps that promise with a
small state file written before each send (the outbox): the next number and
the batch not yet acknowledged.  After a crash, opening the same state file
sends that batch again first; the daemon answers duplicates for what it had.

Without a state file the numbering lives only in the process (start at
next_seq): fine for tests and one-shot tools, not for a service.

FeedPublisher is the other way in (PROTOCOL.md, "Publisher feeds"): the
service binds a PUB socket that the daemon subscribes to (a
`[publisher.NAME]` section of its configuration) and sends `[topic][Event]`
with the topic `<type>.<subject>` (`title-awarded.CB-0042`).  Nobody
answers: what the daemon misses (it was down, not yet connected) shows up
only as a gap in its stats.  The daemon's feed subscriptions have no CURVE,
so bind it on ipc:// or a network you trust; publish over the api where the
answer matters.
"""

import base64
import json
import os
import tempfile
import time
from typing import List, Optional, Sequence, Union

import zmq

from . import convert
from ._pb import events_pb2, model
from .client import Client

EventLike = Union[model.Event, events_pb2.Event]
MAX_BATCH = 1000  # events per publish request (the daemon's limit)


class _Numbering:
    """One publisher's sequence numbers and outbox, kept in a state file."""

    def __init__(self, publisher: str, state_file: Optional[str], next_seq: int) -> None:
        self.publisher = publisher
        self.state_file = state_file
        self.next_seq = next_seq
        self._outbox: List[events_pb2.Event] = []
        if state_file and os.path.exists(state_file):
            self._load()

    # ---- the state file -------------------------------------------------

    def _load(self) -> None:
        assert self.state_file is not None
        with open(self.state_file, encoding="utf-8") as f:
            st = json.load(f)
        if st.get("publisher") != self.publisher:
            raise ValueError(f"{self.state_file} belongs to publisher {st.get('publisher')!r}, "
                             f"not {self.publisher!r}")
        self.next_seq = int(st["next_seq"])
        self._outbox = [events_pb2.Event.FromString(base64.b64decode(e))
                        for e in st.get("outbox", [])]

    def _save(self) -> None:
        """Atomically and durably: a temporary file, fsync, rename, fsync of
        the directory."""
        if not self.state_file:
            return
        st = {"publisher": self.publisher, "next_seq": self.next_seq,
              "outbox": [base64.b64encode(e.SerializeToString()).decode()
                         for e in self._outbox]}
        d = os.path.dirname(os.path.abspath(self.state_file))
        fd, tmp = tempfile.mkstemp(prefix=".publisher.", dir=d)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(st, f)
                f.flush()
                os.fsync(f.fileno())
            os.rename(tmp, self.state_file)
        except BaseException:
            os.unlink(tmp)
            raise
        dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)

    def _number(self, events: Sequence[EventLike]) -> List[events_pb2.Event]:
        """Copies of events with publisher and the next sequence numbers."""
        if not 1 <= len(events) <= MAX_BATCH:
            raise ValueError(f"publish takes 1-{MAX_BATCH} events, not {len(events)}")
        batch = []
        for e in events:
            pb = events_pb2.Event()
            pb.CopyFrom(convert.message_of(e, events_pb2.Event))
            pb.publisher, pb.seq = self.publisher, self.next_seq
            pb.ingest_seq, pb.received_ms = 0, 0
            self.next_seq += 1
            batch.append(pb)
        return batch


class EventPublisher(_Numbering):
    """Numbers and publishes one publisher's events through client."""

    def __init__(self, client: Client, publisher: str, *, state_file: Optional[str] = None,
                 next_seq: int = 1) -> None:
        super().__init__(publisher, state_file, next_seq)
        self.client = client
        if self._outbox:
            self.flush()

    def publish(self, events: Sequence[EventLike]) -> model.PublishReply:
        """Numbers events (publisher and seq set here; any given are
        replaced), records them in the outbox, sends them as one transaction
        and empties the outbox once the daemon acknowledged.  At most 1000.
        A refusal (ExemplarError) leaves them in the outbox, numbered: fix
        the cause and flush(), or discard() them."""
        if self._outbox:
            self.flush()
        self._outbox = self._number(events)
        self._save()
        return self.flush()

    def flush(self) -> model.PublishReply:
        """Sends the outbox again (with its first numbers) until the daemon
        acknowledges it; an empty outbox sends nothing."""
        if not self._outbox:
            return model.PublishReply()
        reply = self.client.publish(self._outbox)
        self._outbox = []
        self._save()
        return reply

    @property
    def pending(self) -> List[model.Event]:
        """The events sent but not acknowledged yet."""
        return [convert.from_pb(model.Event, e) for e in self._outbox]

    def discard(self) -> None:
        """Drops the outbox (after a refusal that will not change).  Their
        numbers stay used: the daemon counts them as a gap."""
        self._outbox = []
        self._save()


def feed_topic(event: events_pb2.Event) -> bytes:
    """`<type>.<subject>`, the type as common/evnames.c names it
    (EVENT_TITLE_AWARDED: title-awarded)."""
    name = events_pb2.EventType.Name(event.type)[len("EVENT_"):].lower().replace("_", "-")
    return f"{name}.{event.subject}".encode()


class FeedPublisher(_Numbering):
    """A publisher's own feed: an XPUB socket bound at endpoint, which the
    daemon's `[publisher.NAME]` subscription connects to.  XPUB rather than
    PUB so that wait_subscribed() can tell when the daemon listens: what is
    sent before is lost to it."""

    def __init__(self, endpoint: str, publisher: str, *, state_file: Optional[str] = None,
                 next_seq: int = 1, context: Optional[zmq.Context] = None) -> None:
        super().__init__(publisher, state_file, next_seq)
        self.endpoint = endpoint
        self._sock = (context or zmq.Context.instance()).socket(zmq.XPUB)
        self._sock.setsockopt(zmq.LINGER, 1000)  # let the last events out on close
        self._sock.setsockopt(zmq.SNDHWM, 100000)
        self._sock.bind(endpoint)
        self._subscribed = False

    def wait_subscribed(self, timeout_ms: int) -> bool:
        """True once a subscriber (the daemon) has subscribed, within
        timeout_ms."""
        deadline = time.monotonic() + timeout_ms / 1000
        while not self._subscribed:
            left = int((deadline - time.monotonic()) * 1000)
            if left <= 0 or not self._sock.poll(left):
                return False
            msg = self._sock.recv()
            self._subscribed = msg[:1] == b"\x01"
        return True

    def publish(self, events: Sequence[EventLike]) -> List[model.Event]:
        """Numbers events and sends each as [topic][Event]; returns them as
        sent.  The next number is saved before sending."""
        batch = self._number(events)
        self._save()
        for pb in batch:
            self._sock.send_multipart([feed_topic(pb), pb.SerializeToString()])
        return [convert.from_pb(model.Event, pb) for pb in batch]

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> "FeedPublisher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
