# SPDX-License-Identifier: MIT
"""exemplar: a Python client of exemplard, the workflow daemon of the
exemplar programme.

    from exemplar import Client, ChangeFeed, EventPublisher, State

    with Client("tcp://exemplar.example:7010", server_key="server.pub",
                secret_key="service.key") as c:
        n = c.register("01", Kind.INDIVIDUAL, "Nguyễn Văn An", subject="CB-0042")
        c.move(n.id, State.FOSTERING, expected_version=n.version)

Results are dataclasses of exemplar.model (one per message of proto/*.proto);
refusals are exceptions of exemplar.errors; see README.md.
"""

from . import errors, model
from ._pb.model import EventType, Kind, Role, State
from .client import Client, default_endpoint, feed_endpoint
from .errors import (Conflict, CriteriaNotMet, EventConflict, ExemplarError, Invalid,
                     KeyFileError, LeaseLost, Malformed, NoSuchMove, NotFound, OutsideWindow,
                     PermissionDenied, ProtocolMismatch, ReasonRequired, Refused,
                     RequestIdReused, StorageError, StorageFull, TooLarge, InternalError,
                     Unavailable, UnknownCampaign, UnknownUnit)
from .feed import ChangeFeed, Subscription
from .ids import new_request_id
from .keys import CurveKeys, generate_key_pair, read_key_file
from .publisher import EventPublisher, FeedPublisher

__version__ = "0.1.0"

__all__ = [
    "Client", "ChangeFeed", "Subscription", "EventPublisher", "FeedPublisher", "CurveKeys", "read_key_file",
    "generate_key_pair", "new_request_id", "default_endpoint", "feed_endpoint",
    "State", "Kind", "Role", "EventType", "model", "errors",
    "ExemplarError", "Malformed", "ProtocolMismatch", "Invalid", "KeyFileError", "NotFound",
    "UnknownUnit", "UnknownCampaign", "Conflict", "EventConflict", "LeaseLost", "Refused",
    "NoSuchMove", "ReasonRequired", "OutsideWindow", "CriteriaNotMet", "PermissionDenied",
    "RequestIdReused", "TooLarge", "StorageError", "StorageFull", "Unavailable",
    "InternalError",
]
