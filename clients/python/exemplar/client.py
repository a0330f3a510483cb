# SPDX-License-Identifier: MIT
"""Requests to exemplard's api socket (proto/PROTOCOL.md): one ZeroMQ
DEALER, one frame per request (an encoded exemplar.Request), one frame per
reply (an encoded exemplar.Reply echoing the request id).

Safe retries: a request gets its request id once, before the first
attempt; an attempt unanswered in time closes the socket (so no late answer
can be mistaken for the next one) and the same bytes, hence the same id,
go out again on a fresh connection (the lazy-pirate pattern of the C
client).  The daemon answers a repeated mutating request with its first
answer and changes nothing, so a retry never applies a change twice.  After
the last attempt, Unavailable carries the request id: a caller that retries
later passes it back (request_id=) for the same guarantee.

An ipc:// endpoint whose socket file does not exist has no daemon behind it:
a request raises Unavailable at once, naming the path, rather than after
every attempt's timeout (as the C client and exemplarctl do).

A Client is not thread-safe (ZeroMQ sockets are not): one per thread.
"""

import os
import stat
import time
from typing import Any, Iterable, Iterator, List, Optional, Sequence, Union

import zmq

from . import convert
from . import errors
from ._pb import (auth_pb2, events_pb2, model, ops_pb2, plans_pb2, rules_pb2, summary_pb2,
                  wire_pb2, workers_pb2)
# Which reply body each request calls for (proto/requests.def, the daemon's
# and the C client's table): any other body is a malformed answer.
from ._pb.requests import BODY_FOR
from .ids import new_request_id
from .keys import CurveKeys

DEFAULT_TIMEOUT_MS = 5000
DEFAULT_RETRIES = 2
MAX_REQUEST_BYTES = 65536            # the daemon's default max_message_bytes
MAX_REPLY_BYTES = 16 * 1024 * 1024   # what a reply may be (the C client's limit)
SYSTEM_SOCKET = "/run/exemplard/api.sock"
LOCAL_ENDPOINT = "ipc://exemplar-state/api.sock"

DecisionLike = Union[model.Decision, rules_pb2.Decision, None]


def default_endpoint() -> str:
    """EXEMPLAR_API, else the system daemon's socket when it exists, else
    ./exemplar-state (a development daemon), as the C client chooses."""
    env = os.environ.get("EXEMPLAR_API")
    if env:
        return env
    try:
        if stat.S_ISSOCK(os.stat(SYSTEM_SOCKET).st_mode):
            return "ipc://" + SYSTEM_SOCKET
    except OSError:
        pass
    return LOCAL_ENDPOINT


def feed_endpoint(announced: str, api_endpoint: str) -> str:
    """Where to subscribe: the announced feed endpoint, except that a daemon
    bound to every interface announces a wildcard host (tcp://*:P,
    tcp://0.0.0.0:P), which is replaced by the api endpoint's host."""
    if not api_endpoint.startswith("tcp://"):
        return announced
    host = api_endpoint[6:].rsplit(":", 1)[0]
    for wildcard in ("tcp://*:", "tcp://0.0.0.0:"):
        if announced.startswith(wildcard):
            return f"tcp://{host}:{announced[len(wildcard):]}"
    return announced


def _enum(value: int) -> Any:
    """An enum argument as its wire number (the .pyi stubs of protoc type
    enum fields by their wrapper class; any int is valid on the wire)."""
    return int(value)


def _decision(d: DecisionLike, target) -> None:
    if d is not None:
        target.CopyFrom(convert.message_of(d, rules_pb2.Decision))


class Client:
    """A connection to exemplard's api.

    endpoint: ``ipc://PATH`` (the administrators' local socket, no keys) or
    ``tcp://HOST:PORT`` (always CURVE: give ``keys``, or ``server_key`` and
    ``secret_key`` file paths).  Without an endpoint, default_endpoint().
    timeout_ms is per attempt; retries is how many times an unanswered
    request is sent again (same id).  language ("vi" or "en") is the language
    of the daemon's sentences in every answer (refusals, explanations); None
    leaves it to the daemon's [rules] language.  It can be changed later by
    setting the attribute."""

    def __init__(self, endpoint: Optional[str] = None, *, keys: Optional[CurveKeys] = None,
                 server_key: Optional[str] = None, secret_key: Optional[str] = None,
                 timeout_ms: int = DEFAULT_TIMEOUT_MS, retries: int = DEFAULT_RETRIES,
                 context: Optional[zmq.Context] = None,
                 language: Optional[str] = None) -> None:
        self.endpoint = endpoint or default_endpoint()
        if language not in (None, "", "vi", "en"):
            raise errors.Invalid(f"language must be vi or en (or None for the daemon's own), "
                                 f"not {language!r}")
        self.language = language or ""
        if keys is None and (server_key or secret_key):
            if not (server_key and secret_key):
                raise errors.Invalid("CURVE needs both the daemon's public key file "
                                     "(server_key) and your secret key file (secret_key)")
            keys = CurveKeys.load(server_key, secret_key)
        if self.endpoint.startswith("tcp://") and keys is None:
            raise errors.Invalid(
                f"{self.endpoint}: exemplard's tcp:// endpoints are CURVE-only; give the "
                "daemon's public key file and your secret key file (exemplarctl keygen "
                "makes them, an administrator lists your public key in the daemon's keys file)")
        self.keys = keys
        self.timeout_ms = timeout_ms
        self.retries = max(retries, 0)
        self.context = context or zmq.Context.instance()
        self._sock: Optional[zmq.Socket] = None
        self._socket()  # checks the endpoint's syntax now; ZeroMQ connects in the background

    @classmethod
    def from_env(cls, **kw) -> "Client":
        """A client configured as exemplarctl is: EXEMPLAR_API, and for CURVE
        EXEMPLAR_SERVER_KEY and EXEMPLAR_KEY (key file paths)."""
        server, secret = os.environ.get("EXEMPLAR_SERVER_KEY"), os.environ.get("EXEMPLAR_KEY")
        if server and secret and "keys" not in kw:
            kw["keys"] = CurveKeys.load(server, secret)
        return cls(os.environ.get("EXEMPLAR_API") or None, **kw)

    # ---- the connection -------------------------------------------------

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close(linger=0)
            self._sock = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _socket(self) -> zmq.Socket:
        if self._sock is None:
            s = self.context.socket(zmq.DEALER)
            s.setsockopt(zmq.LINGER, 0)
            s.setsockopt(zmq.MAXMSGSIZE, MAX_REPLY_BYTES)
            s.setsockopt(zmq.SNDTIMEO, self.timeout_ms)
            if self.keys is not None:
                self.keys.apply(s)
            try:
                s.connect(self.endpoint)
            except zmq.ZMQError as e:
                s.close(linger=0)
                raise errors.Invalid(f"cannot connect to {self.endpoint!r} ({e})") from None
            self._sock = s
        return self._sock

    def missing_socket(self) -> Optional[str]:
        """The path of an ipc:// endpoint whose socket file does not exist
        (no daemon bound it there), else None.  Abstract sockets
        (ipc://@name) have no file and are never missing."""
        if not self.endpoint.startswith("ipc://"):
            return None
        path = self.endpoint[len("ipc://"):]
        if path.startswith("@"):
            return None
        try:
            os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return path
        except OSError:
            return None  # there, but not ours to read: let the attempt say
        return None

    def _attempt(self, data: bytes, request_id: int) -> Optional[wire_pb2.Reply]:
        sock = self._socket()
        deadline = time.monotonic() + self.timeout_ms / 1000
        try:
            sock.send(data)
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not sock.poll(max(1, int(left * 1000))):
                    break
                frames = sock.recv_multipart()
                if len(frames) == 2 and frames[0] == b"":
                    frames = frames[1:]  # a REQ-style delimiter is tolerated
                if len(frames) != 1:
                    raise errors.Malformed("the daemon answered with an unexpected framing")
                reply = wire_pb2.Reply()
                try:
                    reply.ParseFromString(frames[0])
                except Exception:
                    raise errors.Malformed("the daemon's answer does not decode as "
                                           "an exemplar.Reply") from None
                if reply.request_id == request_id:
                    return reply
                # a late answer to something this socket sent before: skip it
        except zmq.Again:
            pass  # the send timed out: nobody is connected
        self.close()  # a fresh connection for the next attempt
        return None

    def call(self, body: str, message=None, *, request_id: Optional[int] = None):
        """Sends a request whose body is `body` (a field name of
        exemplar.Request, such as "move") holding `message` (its protobuf
        message, default empty), and returns the reply's body as a protobuf
        message.  Raises the ExemplarError subclass of a refusal, or
        Unavailable (with .request_id) when no attempt was answered or, at
        once, when the ipc:// socket file does not exist."""
        if body not in BODY_FOR:
            raise errors.Invalid(f"unknown request type {body!r}")
        req = wire_pb2.Request(protocol=wire_pb2.PROTOCOL_V1,
                               request_id=request_id or new_request_id(),
                               language=self.language)
        target = getattr(req, body)
        if message is None:
            target.SetInParent()
        else:
            target.CopyFrom(message)
        data = req.SerializeToString()
        if len(data) > MAX_REQUEST_BYTES:
            raise errors.TooLarge(f"the request is {len(data)} bytes; the daemon takes at most "
                                  f"{MAX_REQUEST_BYTES} (send fewer items per request)")
        # No socket file: no daemon bound it, and waiting for every
        # attempt's timeout would only delay the answer.  Checked once per
        # call: a daemon restarting between attempts removes and binds its
        # socket again, and those attempts do wait.
        missing = self.missing_socket()
        if missing is not None:
            raise errors.Unavailable(
                f"no daemon socket at {missing}; start exemplard (systemctl start exemplard, "
                f"or exemplard --state-dir DIR for a development daemon) or give the endpoint "
                f"of a running one (EXEMPLAR_API); retry with request_id={req.request_id}",
                request_id=req.request_id)
        for _ in range(self.retries + 1):
            reply = self._attempt(data, req.request_id)
            if reply is None:
                continue
            if reply.HasField("error") and reply.error.code != wire_pb2.ERROR_OK:
                raise errors.from_reply(reply.error, req.request_id)
            if reply.WhichOneof("body") != BODY_FOR[body]:
                raise errors.Malformed(f"the daemon answered {body} with "
                                       f"{reply.WhichOneof('body') or 'nothing'}")
            return getattr(reply, BODY_FOR[body])
        raise errors.Unavailable(
            f"no answer from {self.endpoint} after {self.retries + 1} attempts of "
            f"{self.timeout_ms} ms; is exemplard running (and your key listed)? retry with "
            f"request_id={req.request_id}", request_id=req.request_id)

    def _typed(self, body: str, message=None, request_id: Optional[int] = None):
        pb = self.call(body, message, request_id=request_id)
        return convert.from_pb(getattr(model, type(pb).DESCRIPTOR.name), pb)

    # ---- nominations ----------------------------------------------------

    def info(self) -> model.InfoReply:
        """The daemon's version, its change feed's endpoint, the newest
        change's sequence and the number of nominations."""
        return self._typed("info")

    def events_endpoint(self) -> str:
        """Where the change feed is, as this client can reach it."""
        return feed_endpoint(self.info().events_endpoint, self.endpoint)

    def register(self, unit: str, kind: Union[model.Kind, int], name: str, *,
                 campaign: str = "", subject: str = "", head_of: str = "", period: str = "",
                 override_reason: str = "", request_id: Optional[int] = None) -> model.Nomination:
        """Registers a nomination (state registered, version 1)."""
        body = wire_pb2.RegisterRequest(unit=unit, kind=_enum(kind), name=name, campaign=campaign,
                                        subject=subject, head_of=head_of, period=period,
                                        override_reason=override_reason)
        return self._typed("register", body, request_id)

    def move(self, id: int, to: Union[model.State, int], expected_version: int, *,
             reason: str = "", override_reason: str = "", decision: DecisionLike = None,
             request_id: Optional[int] = None) -> model.Nomination:
        """Moves a nomination, if the move table allows it from its state and
        expected_version is its version (Conflict otherwise)."""
        body = wire_pb2.MoveRequest(id=id, to=_enum(to), expected_version=expected_version,
                                    reason=reason, override_reason=override_reason)
        _decision(decision, body.decision)
        return self._typed("move", body, request_id)

    def get(self, id: int) -> model.Nomination:
        return self._typed("get", wire_pb2.GetRequest(id=id))

    def history(self, id: int) -> List[model.Change]:
        """A nomination's changes, oldest first."""
        return self._typed("history", wire_pb2.HistoryRequest(id=id)).changes

    def list(self, *, state: Union[model.State, int] = 0, unit: str = "", campaign: str = "",
             name_contains: str = "", as_of_ms: int = 0, limit: int = 0,
             page_token: bytes = b"") -> model.ListReply:
        """One page of nominations; continue with next_page_token while it is
        not empty (or use iter_list)."""
        body = wire_pb2.ListRequest(state=_enum(state), unit=unit, campaign=campaign,
                                    name_contains=name_contains, as_of_ms=as_of_ms,
                                    limit=limit, page_token=page_token)
        return self._typed("list", body)

    def iter_list(self, **filters) -> Iterator[model.Nomination]:
        """Every nomination the filters of list() select, page by page."""
        token = b""
        while True:
            page = self.list(page_token=token, **filters)
            yield from page.nominations
            token = page.next_page_token
            if not token:
                return

    def changes(self, from_seq: int, limit: int = 0) -> model.ChangesReply:
        """The change log from from_seq on, in order (at most limit, 0 = 1000),
        with the newest sequence when answered (last_seq)."""
        return self._typed("changes", wire_pb2.ChangesRequest(from_seq=from_seq, limit=limit))

    # ---- the plan's rules -----------------------------------------------

    def units_import(self, units: Iterable[Union[model.Unit, rules_pb2.Unit]],
                     request_id: Optional[int] = None) -> model.UnitsReply:
        body = rules_pb2.UnitsImportRequest(
            units=[convert.message_of(u, rules_pb2.Unit) for u in units])
        return self._typed("units_import", body, request_id)

    def units_list(self, *, code: str = "", name_contains: str = "",
                   on: str = "") -> List[model.Unit]:
        body = rules_pb2.UnitsListRequest(code=code, name_contains=name_contains, on=on)
        return self._typed("units_list", body).units

    def campaign_show(self, campaign: str = "") -> model.CampaignReply:
        return self._typed("campaign_show", rules_pb2.CampaignShowRequest(campaign=campaign))

    def evidence_add(self, subject: str, year: int, title: str, decision: DecisionLike = None,
                     request_id: Optional[int] = None) -> List[model.Evidence]:
        body = rules_pb2.EvidenceAddRequest()
        ev = body.evidence
        ev.subject, ev.year, ev.title = subject, year, title
        _decision(decision, ev.decision)
        return self._typed("evidence_add", body, request_id).evidence

    def evidence_revoke(self, subject: str, year: int, title: str, revocation: DecisionLike,
                        request_id: Optional[int] = None) -> List[model.Evidence]:
        body = rules_pb2.EvidenceRevokeRequest(subject=subject, year=year, title=title)
        _decision(revocation, body.revocation)
        return self._typed("evidence_revoke", body, request_id).evidence

    def evidence_list(self, subject: str) -> List[model.Evidence]:
        return self._typed("evidence_list", rules_pb2.EvidenceListRequest(subject=subject)).evidence

    def check(self, id: int) -> model.CheckReply:
        """Which criteria a nomination meets or misses."""
        return self._typed("check", rules_pb2.CheckRequest(id=id))

    def audit(self, *, before_seq: int = 0, limit: int = 0) -> model.AuditReply:
        """Refused changes, newest first (administrators)."""
        return self._typed("audit", auth_pb2.AuditRequest(before_seq=before_seq, limit=limit))

    # ---- events ---------------------------------------------------------

    def publish(self, events: Sequence[Union[model.Event, events_pb2.Event]],
                request_id: Optional[int] = None) -> model.PublishReply:
        """Stores 1-1000 events in one transaction (all or none).  The events
        carry their identity (publisher, seq): EventPublisher numbers them."""
        body = events_pb2.PublishRequest(
            events=[convert.message_of(e, events_pb2.Event) for e in events])
        return self._typed("publish", body, request_id)

    def stats(self) -> model.StatsReply:
        return self._typed("stats")

    def event_list(self, subject: str, *, after: int = 0, limit: int = 0) -> model.EventListReply:
        """The events naming a subject, oldest first; more: ask again with
        after = the last ingest_seq."""
        body = events_pb2.EventListRequest(subject=subject, after=after, limit=limit)
        return self._typed("event_list", body)

    # ---- unit plans -----------------------------------------------------

    def plan_submit(self, unit: str, period: str, *, campaign: str = "",
                    expected_collective: int = 0, expected_individual: int = 0,
                    solutions: str = "", document: DecisionLike = None, draft: bool = False,
                    expected_version: int = 0,
                    request_id: Optional[int] = None) -> model.PlanReply:
        body = plans_pb2.PlanSubmitRequest(
            unit=unit, period=period, campaign=campaign,
            expected_collective=expected_collective, expected_individual=expected_individual,
            solutions=solutions, draft=draft, expected_version=expected_version)
        _decision(document, body.document)
        return self._typed("plan_submit", body, request_id)

    def plan_show(self, unit: str, period: str, *, campaign: str = "") -> model.PlanReply:
        body = plans_pb2.PlanShowRequest(unit=unit, period=period, campaign=campaign)
        return self._typed("plan_show", body)

    def plan_list(self, period: str, *, campaign: str = "", unit: str = "") -> model.PlanListReply:
        body = plans_pb2.PlanListRequest(period=period, campaign=campaign, unit=unit)
        return self._typed("plan_list", body)

    def _plan_review(self, verb: str, unit: str, period: str, campaign: str,
                     expected_version: int, reason: str,
                     request_id: Optional[int]) -> model.PlanReply:
        body = plans_pb2.PlanReviewRequest(unit=unit, period=period, campaign=campaign,
                                           expected_version=expected_version, reason=reason)
        return self._typed(verb, body, request_id)

    def plan_accept(self, unit: str, period: str, *, campaign: str = "",
                    expected_version: int = 0, reason: str = "",
                    request_id: Optional[int] = None) -> model.PlanReply:
        return self._plan_review("plan_accept", unit, period, campaign, expected_version,
                                 reason, request_id)

    def plan_return(self, unit: str, period: str, reason: str, *, campaign: str = "",
                    expected_version: int = 0,
                    request_id: Optional[int] = None) -> model.PlanReply:
        return self._plan_review("plan_return", unit, period, campaign, expected_version,
                                 reason, request_id)

    # ---- operators, workers, the summary --------------------------------

    def fsck(self, *, repair: bool = False, max_problems: int = 0) -> model.FsckReply:
        """Checks indexes, histories and the change log (administrators)."""
        return self._typed("fsck", ops_pb2.FsckRequest(repair=repair, max_problems=max_problems))

    def job_lease(self, worker: str, kinds: Iterable[Union[model.JobKind, int]] = (), *,
                  lease_ms: int = 0, max: int = 0) -> model.JobsReply:
        body = workers_pb2.JobLeaseRequest(worker=worker, kinds=[_enum(k) for k in kinds],
                                           lease_ms=lease_ms, max=max)
        return self._typed("job_lease", body)

    def job_deliver(self, id: str, lease_token: bytes, channel: str, *, detail: str = "",
                    notification: Optional[model.Notification] = None,
                    request_id: Optional[int] = None) -> model.JobsReply:
        """Records one delivery of a leased job; lease_token is the Job's
        lease_token from the job_lease reply (only the principal that took
        the lease may use it)."""
        body = workers_pb2.JobDeliverRequest(id=id, lease_token=lease_token, channel=channel,
                                             detail=detail)
        if notification is not None:
            body.notification.CopyFrom(convert.message_of(notification,
                                                          workers_pb2.Notification))
        return self._typed("job_deliver", body, request_id)

    def job_ack(self, id: str, lease_token: bytes, *, ok: bool = True, error: str = "",
                request_id: Optional[int] = None) -> model.JobsReply:
        body = workers_pb2.JobAckRequest(id=id, lease_token=lease_token, ok=ok, error=error)
        return self._typed("job_ack", body, request_id)

    def job_list(self, *, state: Union[model.JobState, int] = 0,
                 kind: Union[model.JobKind, int] = 0, prefix: str = "", limit: int = 0,
                 after: str = "", timers: bool = False) -> model.JobsReply:
        body = workers_pb2.JobListRequest(state=_enum(state), kind=_enum(kind), prefix=prefix,
                                          limit=limit, after=after, timers=timers)
        return self._typed("job_list", body)

    def job_retry(self, id: str, request_id: Optional[int] = None) -> model.JobsReply:
        return self._typed("job_retry", workers_pb2.JobRetryRequest(id=id), request_id)

    def summary(self, quarter: str, *, as_of: str = "", campaign: str = "") -> model.SummaryReply:
        """The quarterly summary ("2023Q3"); Unavailable while the daemon's
        tallies are being built (ask again later)."""
        body = summary_pb2.SummaryRequest(quarter=quarter, as_of=as_of, campaign=campaign)
        return self._typed("summary", body)

    def review_report(self, campaign: str = "", *, period: str = "",
                      as_of: str = "") -> model.ReviewReportReply:
        """The interim review report (sơ kết) of a period (period="2021-2023";
        campaign may then be empty) or the final one (tổng kết) of a campaign
        (period empty), as of the span's last day or as_of."""
        body = summary_pb2.ReviewReportRequest(campaign=campaign, period=period, as_of=as_of)
        return self._typed("review_report", body)
