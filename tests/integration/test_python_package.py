#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The exemplar package (clients/python) against the real daemon over ipc
(the administrators' socket): every request family through its typed
methods, the exception for each refusal, safe retries under one request id
(the same answer, nothing applied twice, and a request sent before the
daemon is up that is answered once it is), the change feed from the log
and live, the event publisher's numbering across its own restart, and the
enums and error classes against the schema they come from.

usage: test_python_package.py EXEMPLARD EXEMPLARCTL
with the package as built into the build tree (build/clients/python/pkg) and
this directory on PYTHONPATH (tests/CMakeLists.txt sets both)."""

import os
import signal
import subprocess
import sys
import threading
import time

import exemplar
from exemplar import errors, model
from exemplar._pb import wire_pb2, record_pb2, events_pb2, workers_pb2
from exemplar.model import Decision, Event, EventType, Kind, State, TitleAwarded

from test_python_daemon import Daemon, check, cleanup, fail, tempdir

EXEMPLARD, CTL = sys.argv[1:3]
TMP = tempdir("expk.")
# the daemon subscribes to a publisher feed the test binds (FeedPublisher)
CONFIG = f"[publisher.pyfeed]\nendpoint = ipc://{TMP}/pyfeed.sock\n"
d = Daemon(EXEMPLARD, TMP, CONFIG)


def wait_until(fn, what, timeout_s=20):
    """fn()'s first true value, polled (a condition the daemon reaches on
    its own schedule, not start-up)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    fail(f"timed out waiting for {what}", d)


def expect(exc_class, fn, *args, **kw):
    try:
        fn(*args, **kw)
    except exc_class as e:
        return e
    except exemplar.ExemplarError as e:
        fail(f"{fn.__name__}: expected {exc_class.__name__}, got {type(e).__name__}: {e}", d)
    fail(f"{fn.__name__} was not refused (expected {exc_class.__name__})", d)


def schema():
    """The package's enums and error classes match the generated schema."""
    for enum_cls, pb_enum in ((State, record_pb2.State), (Kind, record_pb2.Kind),
                              (EventType, events_pb2.EventType),
                              (model.JobKind, workers_pb2.JobKind),
                              (model.ErrorCode, wire_pb2.ErrorCode)):
        check(sorted(int(v) for v in enum_cls) == sorted(pb_enum.values()),
              f"{enum_cls.__name__} and the schema differ")
    for name, number in wire_pb2.ErrorCode.items():
        if number == 0:
            continue
        cls = errors.BY_CODE.get(number)
        check(cls is not None and issubclass(cls, exemplar.ExemplarError),
              f"no exception class for {name}")
        short = name[len("ERROR_"):].lower().replace("_", "-")
        check(cls.name in (short, "criteria", "permission", "storage", "internal"),
              f"{name}: class name {cls.name}")
    check(issubclass(exemplar.UnknownUnit, exemplar.NotFound) and
          issubclass(exemplar.NoSuchMove, exemplar.Refused) and
          issubclass(exemplar.EventConflict, exemplar.Conflict) and
          issubclass(exemplar.Unavailable, exemplar.ExemplarError) and
          exemplar.StorageFull.retryable and not exemplar.Conflict.retryable,
          "the exception hierarchy")
    # request ids: time-ordered, strictly increasing, in the C client's layout
    ids = [exemplar.new_request_id() for _ in range(1000)]
    check(all(a < b for a, b in zip(ids, ids[1:])), "request ids increase")
    ms = exemplar.ids.request_id_ms(ids[-1])
    check(abs(ms - time.time() * 1000) < 5000, f"a request id's time: {ms}")


def nominations(c):
    info = c.info()
    check(info.version and info.events_endpoint.startswith("ipc://"), f"info: {info}")
    n = c.register("01", Kind.INDIVIDUAL, "Nguyễn Văn An", campaign="demo", subject="CB-0042")
    check(isinstance(n, model.Nomination) and n.state == State.REGISTERED and n.version == 1
          and n.period, f"register: {n}")
    check(c.get(n.id) == n, "get returns what register returned")
    # safe retries: the same request id gets the first answer and changes nothing
    rid = exemplar.new_request_id()
    first = c.register("01", Kind.COLLECTIVE, "Phòng Tổ chức", campaign="demo",
                       subject="01:PTC", request_id=rid)
    again = c.register("01", Kind.COLLECTIVE, "Phòng Tổ chức", campaign="demo",
                       subject="01:PTC", request_id=rid)
    check(again == first, "a retry with the same request id got the first answer")
    check(c.info().nominations == 2, "a retry registered nothing new")
    e = expect(exemplar.RequestIdReused, c.register, "01", Kind.COLLECTIVE, "Khác",
               campaign="demo", subject="01:KHAC", request_id=rid)
    check(e.code == 11 and e.name == "request-id-reused", f"reuse: {e}")

    moved = c.move(n.id, State.FOSTERING, expected_version=1)
    check(moved.state == State.FOSTERING and moved.version == 2, f"move: {moved}")
    e = expect(exemplar.Conflict, c.move, n.id, State.UNIT_REVIEWED, expected_version=1)
    check(e.current_version == 2 and e.current_state == State.FOSTERING and e.message,
          f"conflict: {e!r} {e.current_version}")
    e = expect(exemplar.NoSuchMove, c.move, n.id, State.RECOGNIZED, expected_version=2)
    check(isinstance(e, exemplar.Refused) and "fostering" in e.message, f"no-such-move: {e}")
    c.language = "vi"  # the same refusal in the other language (Request.language)
    e = expect(exemplar.NoSuchMove, c.move, n.id, State.RECOGNIZED, expected_version=2)
    check("bồi dưỡng" in e.message and "fostering" not in e.message, f"no-such-move (vi): {e}")
    c.language = "en"
    try:
        exemplar.Client(c.endpoint, language="fr")
        check(False, "Client(language='fr') was accepted")
    except exemplar.Invalid:
        pass
    expect(exemplar.ReasonRequired, c.move, n.id, State.WITHDRAWN, expected_version=2)
    expect(exemplar.NotFound, c.get, 999999)
    e = expect(exemplar.Invalid, c.register, "01", Kind.INDIVIDUAL, "", campaign="demo",
               subject="CB-1")
    check(e.name == "invalid", f"invalid: {e}")
    expect(exemplar.UnknownUnit, c.register, "ZZ9", Kind.INDIVIDUAL, "X", campaign="demo",
           subject="CB-2")

    hist = c.history(n.id)
    check([h.verb for h in hist] == ["register", "foster"] and hist[1].from_ ==
          State.REGISTERED and hist[1].to == State.FOSTERING, f"history: {hist}")
    page = c.list(unit="01", limit=1)
    check(len(page.nominations) == 1 and page.next_page_token, f"list page: {page}")
    every = list(c.iter_list(unit="01", limit=1))
    check(sorted(x.id for x in every) == sorted([n.id, first.id]), f"iter_list: {every}")
    check([x.id for x in c.iter_list(state=State.FOSTERING)] == [n.id], "list by state")
    check([x.id for x in c.iter_list(name_contains="van an")] == [n.id], "name_contains")
    ch = c.changes(1)
    check([x.seq for x in ch.changes] == list(range(1, ch.last_seq + 1)) and ch.last_seq == 3,
          f"changes: {ch}")
    return n


def rules(c, n):
    units = c.units_list(code="01")
    check(units and units[0].code == "01" and units[0].name, f"units_list: {units}")
    r = c.units_import([model.Unit(code="PY1", name="Đơn vị thử Python", kind="ministry-unit",
                                   valid_from="2020-01-01")])
    check(r.changed >= 1 and c.units_list(code="PY1")[0].name == "Đơn vị thử Python",
          f"units_import: {r}")
    camp = c.campaign_show("demo")
    check(camp.campaigns and camp.campaigns[0].periods and camp.today, f"campaign: {camp}")
    year = camp.campaigns[0].periods[0].years[0]
    ev = c.evidence_add("CB-0042", year, "HTXSNV", Decision(number="12/QĐ", date=f"{year}-12-20"))
    check(any(x.title == "HTXSNV" and x.year == year for x in ev), f"evidence_add: {ev}")
    check(any(x.title == "HTXSNV" for x in c.evidence_list("CB-0042")), "evidence_list")
    ev = c.evidence_revoke("CB-0042", year, "HTXSNV",
                           Decision(number="13/QĐ", date=f"{year + 1}-01-05"))
    check(any(x.revoked for x in ev), f"evidence_revoke: {ev}")
    chk = c.check(n.id)
    check(isinstance(chk, model.CheckReply) and not chk.met and chk.criteria and chk.text,
          f"check: {chk}")
    # refusals of mutating requests are audited
    audit = c.audit(limit=50)
    check(any(a.request == "move" and a.code_name == "conflict" for a in audit.entries),
          f"audit: {audit}")


def events(c):
    pubfile = os.path.join(TMP, "moet.state")
    p = exemplar.EventPublisher(c, "moet", state_file=pubfile)
    ev = Event(event_id="QĐ-2023-17", type=EventType.TITLE_AWARDED, subject="CB-0042",
               year=2023, title_awarded=TitleAwarded(title="Chiến sĩ thi đua cơ sở"),
               decision=Decision(number="1234/QĐ-BGDĐT"))
    r = p.publish([ev])
    check(r.accepted == 1 and r.ingest_seqs == [1], f"publish: {r}")
    # the numbering survives the publisher's restart: a new object, same file
    p = exemplar.EventPublisher(c, "moet", state_file=pubfile)
    check(p.next_seq == 2, f"next_seq after reopening: {p.next_seq}")
    r = p.publish([Event(event_id="KL-2024-3", type=EventType.DISCIPLINE, subject="CB-0042",
                         year=2024)])
    check(r.accepted == 1 and r.duplicates == 0, f"second publish: {r}")
    # the same event again under its seq is a duplicate, another one a conflict
    again = events_pb2.Event(publisher="moet", seq=2, event_id="KL-2024-3",
                             type=events_pb2.EVENT_DISCIPLINE, subject="CB-0042", year=2024)
    r = c.publish([again])
    check(r.accepted == 0 and r.duplicates == 1, f"duplicate: {r}")
    again.event_id = "other"
    e = expect(exemplar.EventConflict, c.publish, [again])
    check(e.code == 19 and e.name == "event-conflict", f"event-conflict: {e}")
    st = c.stats()
    pubs = {x.name: x for x in st.publishers}
    check(st.events == 2 and pubs["moet"].last_seq == 2 and pubs["moet"].gaps == 0,
          f"stats: {st}")
    page = c.event_list("CB-0042", limit=1)
    check(len(page.events) == 1 and page.more and page.events[0].event_id == "QĐ-2023-17",
          f"event_list: {page}")
    rest = c.event_list("CB-0042", after=page.events[0].ingest_seq)
    check([x.event_id for x in rest.events] == ["KL-2024-3"] and not rest.more,
          f"event_list page 2: {rest}")


def feed_publisher(c):
    """A publisher's own feed, which the daemon subscribes to: nobody
    answers, the events show up in the daemon's stats and evidence."""
    with exemplar.FeedPublisher(f"ipc://{TMP}/pyfeed.sock", "pyfeed",
                                state_file=os.path.join(TMP, "pyfeed.state")) as fp:
        check(fp.wait_subscribed(20000), "the daemon subscribed to the publisher's feed")
        sent = fp.publish([
            Event(event_id="F-1", type=EventType.TITLE_AWARDED, subject="CB-0042", year=2022,
                  title_awarded=TitleAwarded(title="Chiến sĩ thi đua cơ sở")),
            Event(event_id="F-2", type=EventType.PERFORMANCE_RATING, subject="CB-0042",
                  year=2022, performance_rating=model.PerformanceRating(rating="excellent"))])
        check([e.seq for e in sent] == [1, 2] and fp.next_seq == 3, f"numbered: {sent}")
        st = wait_until(lambda: [p for p in c.stats().publishers
                                 if p.name == "pyfeed" and p.events == 2], "the feed's events")[0]
        check(st.last_seq == 2 and st.gaps == 0 and st.endpoint.endswith("pyfeed.sock"),
              f"the feed publisher's stats: {st}")
    got = [e for e in c.event_list("CB-0042").events if e.publisher == "pyfeed"]
    check([e.event_id for e in got] == ["F-1", "F-2"] and got[0].received_ms > 0,
          f"the feed's events as evidence: {got}")
    with exemplar.FeedPublisher(f"ipc://{TMP}/pyfeed2.sock", "pyfeed",
                                state_file=os.path.join(TMP, "pyfeed.state")) as again:
        check(again.next_seq == 3, "the feed publisher's numbering is kept in its state file")


def plans(c):
    camp = c.campaign_show("demo").campaigns[0]
    period = camp.periods[0].id
    day = camp.periods[0].windows[0].from_
    r = c.plan_submit("01", period, campaign="demo", expected_individual=1,
                      solutions="Giải pháp và trách nhiệm",
                      document=Decision(number="5/KH", date=day))
    check(r.plan.version == 1 and r.plan.state == model.PlanState.SUBMITTED, f"plan: {r.plan}")
    shown = c.plan_show("01", period, campaign="demo")
    check(shown.plan == r.plan and len(shown.history) == 1, f"plan_show: {shown.plan}")
    rows = {u.unit: u for u in c.plan_list(period, campaign="demo").units}
    check(rows["01"].expected_individual == 1 and rows["04"].status == "no-plan",
          f"plan_list: {rows.get('01')}")
    expect(exemplar.ReasonRequired, c.plan_return, "01", period, "", campaign="demo")
    r = c.plan_return("01", period, "Bổ sung số liệu", campaign="demo", expected_version=1)
    check(r.plan.state == model.PlanState.RETURNED and r.plan.version == 2,
          f"plan_return: {r.plan}")
    expect(exemplar.Conflict, c.plan_accept, "01", period, campaign="demo", expected_version=1)
    expect(exemplar.NoSuchMove, c.plan_accept, "01", period, campaign="demo")
    r = c.plan_submit("01", period, campaign="demo", expected_individual=2,
                      solutions="Giải pháp mới", document=Decision(number="6/KH", date=day))
    r = c.plan_accept("01", period, campaign="demo", expected_version=3,
                      reason="nộp lại sau khi trả")
    check(r.plan.state == model.PlanState.ACCEPTED, f"plan_accept: {r.plan}")


def operators(c):
    f = c.fsck()
    info = c.info()
    check(f.nominations == info.nominations and f.last_seq == info.last_seq and
          f.problems == 0 and not f.repaired, f"fsck: {f}")
    # timers are derived from the campaigns shortly after the start
    timers = wait_until(lambda: c.job_list(timers=True, limit=1000).timers, "timers")
    skipped = [t for t in timers if t.state == model.TimerState.SKIPPED and
               t.kind == model.JobKind.REMIND_DEADLINE]
    check(skipped, f"a skipped reminder timer: {timers[:3]}")
    expect(exemplar.NotFound, c.job_retry, "no/such/job")
    c.job_retry(skipped[0].id)  # fire it now: one job per unit without a plan
    jobs = wait_until(lambda: c.job_list(prefix=skipped[0].id + "/").jobs, "the timer's jobs")
    check(all(j.state == model.JobState.READY for j in jobs), f"jobs: {jobs[:2]}")
    got = c.job_lease("py-test", [model.JobKind.REMIND_DEADLINE], lease_ms=60000, max=1).jobs
    check(len(got) == 1 and got[0].state == model.JobState.LEASED, f"job_lease: {got}")
    job = got[0]
    r = c.job_deliver(job.id, job.lease_token, "journal", detail="printed by the test")
    check(not r.already, f"job_deliver: {r}")
    rid = exemplar.new_request_id()
    c.job_ack(job.id, job.lease_token, ok=True, request_id=rid)
    check(c.job_ack(job.id, job.lease_token, ok=True, request_id=rid) is not None,
          "a retried acknowledgement (same id) is answered again")
    expect(exemplar.LeaseLost, c.job_ack, job.id, job.lease_token)
    done = c.job_list(prefix=job.id).jobs[0]
    check(done.state == model.JobState.DONE and done.deliveries, f"the job: {done}")
    q = time.strftime("%Y") + "Q" + str((time.gmtime().tm_mon - 1) // 3 + 1)
    s = c.summary(q, campaign="demo")
    check(isinstance(s, model.SummaryReply), f"summary: {s}")
    expect(exemplar.Invalid, c.summary, "2023Q5")
    rr = c.review_report("demo")
    check(isinstance(rr, model.ReviewReportReply) and rr.report.kind == "final"
          and rr.report.campaign == "demo", f"review_report: {rr}")
    expect(exemplar.UnknownCampaign, c.review_report, "no-such-campaign")


def subscription(c):
    """The raw feed: events, changes and notifications decoded by topic."""
    pub = exemplar.EventPublisher(c, "moet", state_file=os.path.join(TMP, "moet.state"))
    with exemplar.Subscription(c, "") as sub:
        got = []
        ev = None
        for i in range(100):  # until the subscription has reached the daemon
            pub.publish([Event(event_id=f"SUB-{i}", type=EventType.DISCIPLINE,
                               subject="CB-0042", year=2024)])
            m = sub.next(timeout_ms=500)
            while m is not None:
                got.append(m)
                if isinstance(m[1], model.Event):
                    topic, ev = m
                m = sub.next(timeout_ms=0)
            if ev is not None:
                break
        check(ev is not None and topic == "event.discipline.CB-0042" and
              ev.publisher == "moet" and ev.event_id == f"SUB-{i}" and ev.ingest_seq > 0 and
              ev.received_ms > 0, f"an event on the feed: {got}")
        # its evidence change, under the nomination's topic (before or after it)
        while not any(isinstance(x, model.Change) and x.event_seq == ev.ingest_seq
                      for _, x in got):
            m = sub.next(timeout_ms=5000)
            check(m is not None, f"no evidence change for the event: {got}")
            got.append(m)
        topic, ch = [(t, x) for t, x in got if isinstance(x, model.Change) and
                     x.event_seq == ev.ingest_seq][0]
        check(topic.startswith("nomination.01.") and ch.verb == "evidence",
              f"the evidence change: {topic} {ch}")
        job = c.job_lease("py-test", [model.JobKind.REMIND_DEADLINE], lease_ms=60000).jobs[0]
        c.job_deliver(job.id, job.lease_token, "topic", notification=model.Notification(
            subject="Nhắc hạn kế hoạch", text="Đơn vị chưa gửi kế hoạch.", lang="vi"))
        topic, nt = sub.next(timeout_ms=5000) or ("", None)
        check(topic == f"notify.{job.unit}" and isinstance(nt, model.Notification) and
              nt.job == job.id and nt.subject == "Nhắc hạn kế hoạch", f"a notification: {nt}")
        c.job_ack(job.id, job.lease_token)
    e = expect(exemplar.Invalid, exemplar.Subscription, c, "jobs.")
    check("nomination." in e.message, str(e))


def feed(c, n):
    """The change feed: from the log (from_seq=1), then live."""
    with exemplar.ChangeFeed(c, from_seq=1) as f:
        seen = []
        last = c.info().last_seq
        while not seen or seen[-1].seq < last:
            ch = f.next(timeout_ms=5000)
            check(ch is not None, f"the feed's catch-up stopped at {seen[-1:]}")
            seen.append(ch)
        check([x.seq for x in seen] == list(range(1, last + 1)), "the catch-up is complete")
        c.register("04", Kind.INDIVIDUAL, "Trần Thị Bình", campaign="demo", subject="CB-7")
        ch = f.next(timeout_ms=5000)
        check(ch is not None and ch.seq == last + 1 and ch.unit == "04" and
              ch.verb == "register", f"a live change: {ch}")
    with exemplar.ChangeFeed(c, topic="nomination.04.") as f:
        c.register("01", Kind.INDIVIDUAL, "Lê Văn C", campaign="demo", subject="CB-8")
        c.register("04", Kind.INDIVIDUAL, "Phạm Thị D", campaign="demo", subject="CB-9")
        ch = f.next(timeout_ms=5000)
        check(ch is not None and ch.unit == "04" and ch.seq == last + 3 and
              f.last_seq == last + 3, f"a filtered feed: {ch}")


def gap(c):
    """A gap on the live feed, made for certain: the daemon runs for a while
    with its feed on another socket, so the subscriber misses what it
    publishes; back on the usual socket, the next live change arrives with
    a jump in its sequence, and the feed fetches what it missed from the log
    (the idle check, which would also find them, is put off)."""
    f = exemplar.ChangeFeed(c, idle_ms=600000)
    check(f.next(timeout_ms=200) is None, "nothing new yet")
    start = f.last_seq
    usual = d.conf
    d.conf = os.path.join(TMP, "elsewhere.conf")
    with open(d.conf, "w") as conf:
        conf.write(CONFIG + f"[api]\nevents_endpoint = ipc://{TMP}/elsewhere.sock\n")
    d.restart()
    missed = [c.register("01", Kind.INDIVIDUAL, f"Bỏ lỡ {i}", campaign="demo",
                         subject=f"CB-3{i}").id for i in range(2)]
    d.conf = usual
    d.restart()
    got = []
    while not got or got[-1].seq < start + 3:  # live changes until one gets through
        c.register("04", Kind.INDIVIDUAL, "Sau khi khởi động lại", campaign="demo",
                   subject=f"CB-4{len(got)}")
        ch = f.next(timeout_ms=500)
        while ch is not None:
            got.append(ch)
            ch = f.next(timeout_ms=0)
        check(len(got) < 100, "the feed never came back")
    check([x.seq for x in got] == list(range(start + 1, got[-1].seq + 1)),
          f"the gap was filled, in order: {[x.seq for x in got]}")
    check([x.nomination_id for x in got[:2]] == missed and f.gaps == 1 and f.from_log >= 2,
          f"the missed changes came from the log: gaps {f.gaps}, from_log {f.from_log}")
    f.close()


def unavailable():
    """No socket file at an ipc:// path: Unavailable at once, naming the
    path, however many attempts the client may make.  A daemon that does not
    answer: Unavailable after every attempt, with the request id to retry
    with; and a request sent while it is stalled is answered once it goes
    on, under the same id, applied once (the lazy-pirate retry)."""
    d2 = Daemon(EXEMPLARD, os.path.join(TMP, "late"))
    c = exemplar.Client(d2.api, timeout_ms=2000, retries=5)
    path = d2.api[len("ipc://"):]
    check(c.missing_socket() == path, f"missing_socket(): {c.missing_socket()}")
    t0 = time.monotonic()
    e = expect(exemplar.Unavailable, c.info)
    took = time.monotonic() - t0
    check(took < 0.5 and path in e.message and e.request_id and e.retryable,
          f"a missing socket: {e} after {took:.1f}s (6 attempts of 2 s would be 12 s)")
    c.close()
    d2.start()
    check(exemplar.Client(d2.api).missing_socket() is None, "missing_socket() of a bound socket")
    os.kill(d2.proc.pid, signal.SIGSTOP)  # bound, but not answering
    try:
        c = exemplar.Client(d2.api, timeout_ms=300, retries=1)
        t0 = time.monotonic()
        e = expect(exemplar.Unavailable, c.info)
        check(0.5 < time.monotonic() - t0 < 5 and e.request_id and e.retryable,
              f"unavailable: {e} after {time.monotonic() - t0:.1f}s")
        c.close()
        c = exemplar.Client(d2.api, timeout_ms=300, retries=100)
        attempts = []
        first_attempt = c._attempt

        def counted(*args):
            attempts.append(time.monotonic())
            return first_attempt(*args)
        c._attempt = counted
        result = {}

        def register():
            try:
                result["n"] = c.register("01", Kind.INDIVIDUAL, "Đỗ Văn E", campaign="demo",
                                         subject="CB-10")
            except Exception as ex:  # reported below
                result["error"] = ex
        t = threading.Thread(target=register)
        t.start()
        wait_until(lambda: len(attempts) >= 3, "three attempts at the stalled daemon")
    finally:
        os.kill(d2.proc.pid, signal.SIGCONT)
    t.join(60)
    check(not t.is_alive() and "n" in result, f"the request sent while stalled: {result}")
    check(exemplar.Client(d2.api).info().nominations == 1,
          "the request sent while stalled was applied once, whatever the attempts")
    c.close()
    # A feed whose daemon is away: next() keeps to its timeout (one short
    # attempt per log read, however patient the client), and goes on when
    # the daemon is back.
    c = exemplar.Client(d2.api, timeout_ms=300, retries=20)
    f = exemplar.ChangeFeed(c, idle_ms=100)
    d2.stop()
    t0 = time.monotonic()
    check(f.next(timeout_ms=200) is None and time.monotonic() - t0 < 2,
          f"next() while the daemon is away took {time.monotonic() - t0:.1f}s")
    d2.start()
    n = c.register("01", Kind.INDIVIDUAL, "Ngô Văn F", campaign="demo", subject="CB-11")
    ch = f.next(timeout_ms=10000)
    check(ch is not None and ch.nomination_id == n.id, f"the feed after the restart: {ch}")
    f.close()
    c.close()
    d2.stop()


def keys_and_endpoints():
    subprocess.run([CTL, "keygen", "svc", "--dir", TMP], check=True, capture_output=True)
    k = exemplar.CurveKeys.load(f"{TMP}/svc.pub", f"{TMP}/svc.key")
    check(len(k.public) == 40 and k.public == exemplar.read_key_file(f"{TMP}/svc.pub"),
          "the public key derived from exemplarctl's secret key file")
    os.chmod(f"{TMP}/svc.key", 0o644)
    e = expect(exemplar.KeyFileError, exemplar.CurveKeys.load, f"{TMP}/svc.pub",
               f"{TMP}/svc.key")
    check("readable by others" in e.message and isinstance(e, exemplar.Invalid), str(e))
    expect(exemplar.KeyFileError, exemplar.read_key_file, f"{TMP}/exemplard.log")
    e = expect(exemplar.Invalid, exemplar.Client, "tcp://127.0.0.1:1")
    check("CURVE" in e.message, f"tcp without keys: {e}")
    pub, sec = exemplar.generate_key_pair(TMP, "pygen")
    out = subprocess.run([CTL, "--api", "tcp://127.0.0.1:1", "--server-key", pub, "--key", sec,
                          "--timeout", "100", "info"], capture_output=True, text=True)
    # exemplarctl takes the package's key files (a bad one is exit 1 or 2); no daemon: 7
    check(out.returncode == 7, f"exemplarctl reads the package's key files: {out}")


def main():
    schema()
    d.start()
    try:
        c = exemplar.Client(d.api, timeout_ms=10000, language="en")
        n = nominations(c)
        rules(c, n)
        events(c)
        feed_publisher(c)
        plans(c)
        operators(c)
        subscription(c)
        feed(c, n)
        gap(c)
        keys_and_endpoints()
        unavailable()
        c.close()
        d.stop()
    finally:
        d.kill()
    print("exemplar package over ipc: ok")


try:
    main()
finally:
    cleanup(TMP)
