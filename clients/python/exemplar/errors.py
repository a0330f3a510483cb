# SPDX-License-Identifier: MIT
"""One exception per stable error code of the protocol (wire.proto's
ErrorCode, names and groups as in common/errors.c).

Every refusal the daemon sends becomes an instance of the class for its
code, carrying ``code`` (the number), ``name`` (the stable name, such as
"conflict") and ``message`` (the daemon's sentence for a person).  The
classes are grouped as exemplarctl's exit statuses group the codes, so one
``except`` catches a family::

    ExemplarError
    ├── Malformed, ProtocolMismatch, Invalid (KeyFileError), TooLarge,
    │   RequestIdReused, InternalError
    ├── NotFound (UnknownUnit, UnknownCampaign)
    ├── Conflict (EventConflict, LeaseLost)
    ├── Refused (NoSuchMove, ReasonRequired, OutsideWindow, CriteriaNotMet)
    ├── PermissionDenied
    ├── StorageError (StorageFull)        retryable: nothing was written
    └── Unavailable                       retryable: no answer in time

``retryable`` is true where sending the same request again, with the same
request id (``request_id``), is the right reaction (PROTOCOL.md, "Error
codes").
"""

from typing import Dict, Optional, Type


class ExemplarError(Exception):
    """The daemon refused a request, or the client could not get an answer.

    code and name are the stable ones of wire.proto's ErrorCode; message is a
    sentence a person can act on.  With a conflict, current_version and
    current_state say what the nomination is now."""

    code: int = 0
    name: str = "unknown"
    retryable: bool = False

    def __init__(self, message: str, *, code: Optional[int] = None, name: Optional[str] = None,
                 current_version: int = 0, current_state: int = 0,
                 request_id: int = 0) -> None:
        if code is not None:
            self.code = code
        if name is not None:
            self.name = name
        self.message = message
        self.current_version = current_version
        self.current_state = current_state
        self.request_id = request_id  # the request's id (0: refused before sending)
        super().__init__(f"{self.name} ({self.code}): {message}")


class Malformed(ExemplarError):
    code, name = 1, "malformed"


class ProtocolMismatch(ExemplarError):
    code, name = 2, "protocol"


class Invalid(ExemplarError):
    code, name = 3, "invalid"


class KeyFileError(Invalid):
    """A CURVE key file cannot be used (missing, no key in it, or a secret
    key readable by others); raised by the client, never by the daemon."""


class NotFound(ExemplarError):
    code, name = 4, "not-found"


class Conflict(ExemplarError):
    """The nomination (or plan) changed since it was read: read it again."""
    code, name = 5, "conflict"


class Refused(ExemplarError):
    """The move table or the plan's rules refuse this step."""


class NoSuchMove(Refused):
    code, name = 6, "no-such-move"


class ReasonRequired(Refused):
    code, name = 7, "reason-required"


class OutsideWindow(Refused):
    code, name = 8, "outside-window"


class CriteriaNotMet(Refused):
    code, name = 9, "criteria"


class PermissionDenied(ExemplarError):
    code, name = 10, "permission"


class RequestIdReused(ExemplarError):
    code, name = 11, "request-id-reused"


class TooLarge(ExemplarError):
    code, name = 12, "too-large"


class StorageError(ExemplarError):
    code, name, retryable = 14, "storage", True


class StorageFull(StorageError):
    code, name = 13, "storage-full"


class Unavailable(ExemplarError):
    """No answer in time after every attempt (client side), or the daemon is
    not ready for this request yet (the summary's tallies): ask again later,
    with the same request id."""
    code, name, retryable = 15, "unavailable", True


class InternalError(ExemplarError):
    code, name = 16, "internal"


class UnknownUnit(NotFound):
    code, name = 17, "unknown-unit"


class UnknownCampaign(NotFound):
    code, name = 18, "unknown-campaign"


class EventConflict(Conflict):
    code, name = 19, "event-conflict"


class LeaseLost(Conflict):
    code, name = 20, "lease-lost"


BY_CODE: Dict[int, Type[ExemplarError]] = {
    cls.code: cls
    for cls in (Malformed, ProtocolMismatch, Invalid, NotFound, Conflict, NoSuchMove,
                ReasonRequired, OutsideWindow, CriteriaNotMet, PermissionDenied,
                RequestIdReused, TooLarge, StorageFull, StorageError, Unavailable,
                InternalError, UnknownUnit, UnknownCampaign, EventConflict, LeaseLost)
}


def from_reply(error, request_id: int = 0) -> ExemplarError:
    """The exception for a wire.proto Error.  A code this package does not
    know yet (a newer daemon) is an ExemplarError with the daemon's code and
    name."""
    cls = BY_CODE.get(error.code, ExemplarError)
    return cls(error.message, code=error.code, name=error.name or None,
               current_version=error.current_version, current_state=error.current_state,
               request_id=request_id)
