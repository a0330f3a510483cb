# SPDX-License-Identifier: MIT
"""Request ids as the C client makes them (clients/lib/client.c,
ex_request_id_new): milliseconds since 2020-01-01 UTC in the high 40 bits,
24 random bits below.  Time-ordered ids cost the daemon an append to its
request-id table instead of a random write; 24 random bits keep busy
clients apart (16 were seen to collide).  Within one process the ids are
strictly increasing, even within a millisecond or when the clock steps back.
"""

import secrets
import threading
import time

ID_EPOCH_MS = 1577836800000  # 2020-01-01T00:00:00Z

_lock = threading.Lock()
_last = 0


def new_request_id() -> int:
    """A fresh, non-zero, time-ordered 64-bit request id."""
    global _last
    ms = int(time.time() * 1000) - ID_EPOCH_MS
    rid = (max(ms, 0) << 24) | secrets.randbits(24)
    with _lock:
        rid = rid if rid > _last else _last + 1
        _last = rid
    return rid


def request_id_ms(request_id: int) -> int:
    """The Unix time in milliseconds a request id was made at."""
    return (request_id >> 24) + ID_EPOCH_MS
