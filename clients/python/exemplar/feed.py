# SPDX-License-Identifier: MIT
"""The change feed, complete: every committed change once, in sequence
order, from the change log and then live, across lost messages and daemon
restarts (proto/PROTOCOL.md, "The change feed"; exemplarctl watch does the
same in C, clients/ctl/watch.c).

The order of the steps is what makes it exact.  Info first (where the feed
is, the newest sequence), then the subscription, and only then the catch-up
from the log: a change committed during the catch-up is already on its way
through the feed, and one the feed misses (the subscription reaches the
daemon a little after connect returns, a slow reader's buffer overflows,
the daemon restarts) shows up as a jump in the sequence numbers and is
fetched from the log with `changes`.  A feed that stays quiet is checked
against the log every idle_ms, so a change missed just before a quiet spell
(or a restart) is not held back until the next live one.

The subscription takes every nomination topic and the topic filter is
applied here: a filtered subscription has gaps by design, and only an
unfiltered one tells a lost message from a change of another unit.

ZeroMQ reconnects the SUB and DEALER sockets by itself when the daemon comes
back; requests made while it is away raise Unavailable, which the feed
treats as "try again at the next idle check".
"""

import collections
import time
from typing import Deque, Iterator, Optional, Tuple, Union

import zmq

from . import convert, errors
from ._pb import events_pb2, model, record_pb2, workers_pb2
from .client import MAX_REPLY_BYTES, Client, feed_endpoint

SUB_HWM = 10000   # changes buffered before ZeroMQ drops new ones (a gap, filled from the log)
PAGE = 1000       # changes per catch-up request (the daemon's maximum)
TOPIC = b"nomination."


class ChangeFeed:
    """Follows the change feed of the daemon `client` talks to.

    from_seq: the first sequence wanted (1 for everything; last_seq + 1 of a
    previous run to resume); None for only changes after now.  topic: a
    topic prefix such as "nomination.01." (empty: every change).
    last_seq is the sequence of the last change next() has returned (or
    passed over as outside the topic): store it, and resume with
    from_seq=last_seq + 1.  gaps counts jumps seen on the live feed and
    filled from the log; from_log counts changes taken from the log."""

    def __init__(self, client: Client, *, from_seq: Optional[int] = None, topic: str = "",
                 endpoint: Optional[str] = None, idle_ms: int = 1000) -> None:
        if topic and not topic.startswith("nomination."):
            raise errors.Invalid(f"topic {topic!r}: the change feed's topics start with "
                                 "'nomination.'")
        self.client = client
        info = client.info()
        # The log is read on a connection of its own with one attempt per
        # read: a daemon that is away costs next() at most timeout_ms, and the
        # read is simply made again at the next idle check (it changes nothing).
        self._log = Client(client.endpoint, keys=client.keys, timeout_ms=client.timeout_ms,
                           retries=0, context=client.context)
        self.endpoint = endpoint or feed_endpoint(info.events_endpoint, client.endpoint)
        self.last_seq = from_seq - 1 if from_seq else info.last_seq
        self._handled = self.last_seq  # the highest sequence received, queued or returned
        self.topic = topic.encode()
        self.idle_ms = idle_ms
        self.gaps = 0
        self.from_log = 0  # changes taken from the log (catch-up, gaps, idle checks)
        self._pending: Deque[model.Change] = collections.deque()
        self._caught_up = False
        self._checked = time.monotonic()
        s = client.context.socket(zmq.SUB)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.RCVHWM, SUB_HWM)
        s.setsockopt(zmq.MAXMSGSIZE, MAX_REPLY_BYTES)
        s.setsockopt(zmq.SUBSCRIBE, TOPIC)
        if client.keys is not None:
            client.keys.apply(s)
        try:
            s.connect(self.endpoint)
        except zmq.ZMQError as e:
            s.close(linger=0)
            raise errors.Invalid(f"cannot subscribe to the change feed at {self.endpoint!r} "
                                 f"({e})") from None
        self._sub = s

    def close(self) -> None:
        if self._sub is not None:
            self._sub.close(linger=0)
            self._sub = None
        self._log.close()

    def __enter__(self) -> "ChangeFeed":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _wanted(self, ch: model.Change) -> bool:
        if not self.topic:
            return True
        try:
            state = record_pb2.State.Name(int(ch.to))[len("STATE_"):].lower().replace("_", "-")
        except ValueError:  # a state a newer daemon knows
            state = "none"
        return f"nomination.{ch.unit}.{state}".encode().startswith(self.topic)

    def _handle(self, ch: model.Change) -> None:
        if ch.seq <= self._handled:
            return  # seen already (from the log, or twice on the feed)
        self._handled = ch.seq
        self._pending.append(ch)

    def _fetch(self, upto: Optional[int] = None) -> bool:
        """Queues the log's changes after those received, up to `upto` (None: the
        end of the log).  False when the daemon did not answer."""
        self._checked = time.monotonic()
        while upto is None or self._handled < upto:
            try:
                page = self._log.changes(self._handled + 1, PAGE)
            except errors.Unavailable:
                return False
            before = self._handled
            for ch in page.changes:
                if upto is not None and ch.seq > upto:
                    break
                self.from_log += ch.seq > self._handled
                self._handle(ch)
            if self._handled == before:
                break  # nothing new: the end of the log
        return True

    def _receive(self) -> None:
        frames = self._sub.recv_multipart()
        if len(frames) != 2 or not frames[0].startswith(TOPIC):
            return  # not a change: nothing else was subscribed to, so ignore it
        pb = record_pb2.Change()
        try:
            pb.ParseFromString(frames[1])
        except Exception:
            return  # undecodable: the log has every change, a gap will fetch it
        ch = convert.from_pb(model.Change, pb)
        if ch.seq > self._handled + 1:
            self.gaps += 1
            if not self._fetch(ch.seq - 1):
                return  # the log is away (restart?): this change comes from it later
        self._handle(ch)

    def next(self, timeout_ms: Optional[int] = None) -> Optional[model.Change]:
        """The next change, waiting at most timeout_ms (None: for ever);
        None when none came in time."""
        deadline = None if timeout_ms is None else time.monotonic() + timeout_ms / 1000
        while True:
            while self._pending:
                ch = self._pending.popleft()
                self.last_seq = ch.seq
                if self._wanted(ch):
                    return ch
            if not self._caught_up:
                self._caught_up = self._fetch()
                if self._pending:
                    continue
            wait = self.idle_ms
            if deadline is not None:
                left = int((deadline - time.monotonic()) * 1000)
                if left <= 0:
                    return None
                wait = min(wait, left)
            if self._sub.poll(wait):
                self._receive()
            elif time.monotonic() - self._checked >= self.idle_ms / 1000:
                self._fetch()  # quiet: did the feed miss something?

    def __iter__(self) -> Iterator[model.Change]:
        while True:
            ch = self.next()
            if ch is not None:
                yield ch


class Subscription:
    """The raw feed under a topic prefix, decoded by topic: `nomination.`
    topics as model.Change, `event.` as model.Event (stored events, with
    ingest_seq and received_ms), `notify.` as model.Notification (reminders
    and summary announcements).  No catch-up and no gap detection: for
    changes use ChangeFeed; events missed are in event_list (by subject),
    notifications in the jobs' records (job_list)."""

    KINDS = ((b"nomination.", record_pb2.Change, "Change"),
             (b"event.", events_pb2.Event, "Event"),
             (b"notify.", workers_pb2.Notification, "Notification"))

    def __init__(self, client: Client, prefix: str, *, endpoint: Optional[str] = None) -> None:
        if not any(prefix.encode().startswith(k) or k.startswith(prefix.encode())
                   for k, _, _ in self.KINDS):
            raise errors.Invalid(f"topic prefix {prefix!r}: the feed's topics start with "
                                 "'nomination.', 'event.' or 'notify.'")
        self.endpoint = endpoint or client.events_endpoint()
        s = client.context.socket(zmq.SUB)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.RCVHWM, SUB_HWM)
        s.setsockopt(zmq.MAXMSGSIZE, MAX_REPLY_BYTES)
        s.setsockopt(zmq.SUBSCRIBE, prefix.encode())
        if client.keys is not None:
            client.keys.apply(s)
        try:
            s.connect(self.endpoint)
        except zmq.ZMQError as e:
            s.close(linger=0)
            raise errors.Invalid(f"cannot subscribe to the feed at {self.endpoint!r} "
                                 f"({e})") from None
        self._sub: Optional[zmq.Socket] = s

    def next(self, timeout_ms: Optional[int] = None
             ) -> Optional[Tuple[str, Union[model.Change, model.Event, model.Notification]]]:
        """(topic, message) of the next message, or None when none came in
        timeout_ms (None: wait for ever).  Messages that do not decode are
        skipped."""
        assert self._sub is not None, "the subscription is closed"
        deadline = None if timeout_ms is None else time.monotonic() + timeout_ms / 1000
        while True:
            wait = -1 if deadline is None else int((deadline - time.monotonic()) * 1000)
            if deadline is not None and wait <= 0:
                return None
            if not self._sub.poll(wait):
                continue
            frames = self._sub.recv_multipart()
            if len(frames) != 2:
                continue
            for prefix, pb_class, name in self.KINDS:
                if frames[0].startswith(prefix):
                    pb = pb_class()
                    try:
                        pb.ParseFromString(frames[1])
                    except Exception:
                        break
                    return frames[0].decode(errors="replace"), convert.from_pb(
                        getattr(model, name), pb)

    def close(self) -> None:
        if self._sub is not None:
            self._sub.close(linger=0)
            self._sub = None

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
