#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the fuzz targets' seed corpus (tests/fuzz/corpus/) from the .proto
files, so the seeds follow the schema.  Run from the repository root after a
schema change:  /usr/bin/python3 tests/fuzz/make-seeds.py
Needs protoc (protobuf-compiler) and python3-protobuf."""
import os
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, "tests", "fuzz", "corpus")
gen = tempfile.mkdtemp()
protos = [os.path.join(root, "proto", p)
          for p in ("rules.proto", "record.proto", "auth.proto", "events.proto", "plans.proto",
                    "ops.proto", "workers.proto", "summary.proto", "council.proto", "dossier.proto",
                    "wire.proto")]
subprocess.run(["protoc", "-I", os.path.join(root, "proto"), "--python_out", gen] + protos,
               check=True)
sys.path.insert(0, gen)
import wire_pb2 as w  # noqa: E402
import record_pb2 as r  # noqa: E402
import auth_pb2 as a  # noqa: E402
import plans_pb2 as p  # noqa: E402
import rules_pb2 as ru  # noqa: E402
import ops_pb2 as o  # noqa: E402
import workers_pb2 as wk  # noqa: E402
import summary_pb2 as su  # noqa: E402


def req(**body):
    m = w.Request(protocol=w.PROTOCOL_V1, request_id=0x1234_0000_0001)
    for k, v in body.items():
        getattr(m, k).CopyFrom(v)
    return m


requests = {
    "info": req(info=w.InfoRequest()),
    "register01": req(register=w.RegisterRequest(unit="01", kind=r.KIND_INDIVIDUAL,
                                                  name="Nguyễn Văn An")),
    "register02": req(register=w.RegisterRequest(unit="02", kind=r.KIND_COLLECTIVE,
                                                  name="Phòng Kế hoạch", campaign="2023-2025")),
    "move": req(move=w.MoveRequest(id=1, to=r.STATE_FOSTERING, expected_version=1)),
    "withdraw": req(move=w.MoveRequest(id=1, to=r.STATE_WITHDRAWN, expected_version=2,
                                       reason="rút hồ sơ")),
    "get": req(get=w.GetRequest(id=1)),
    "history": req(history=w.HistoryRequest(id=1)),
    "list": req(list=w.ListRequest(state=r.STATE_REGISTERED, unit="01", limit=10)),
    "changes": req(changes=w.ChangesRequest(from_seq=1, limit=5)),
    "audit": req(audit=a.AuditRequest(limit=5)),
    # unit plans
    "plan-submit01": req(plan_submit=p.PlanSubmitRequest(
        unit="01", campaign="2021-2025", period="2021-2023", expected_collective=2,
        expected_individual=1, solutions="Giải pháp",
        document=ru.Decision(number="12/KH", date="2021-09-01"))),
    "plan-return01": req(plan_return=p.PlanReviewRequest(
        unit="01", campaign="2021-2025", period="2021-2023", reason="Bổ sung")),
    "plan-list": req(plan_list=p.PlanListRequest(campaign="2021-2025", period="2021-2023")),
    # operator tools
    "fsck": req(fsck=o.FsckRequest(max_problems=5)),
    "list-as-of": req(list=w.ListRequest(state=r.STATE_FOSTERING, limit=5,
                                         as_of_ms=1_656_633_599_999)),
    # timers, jobs, the summary
    "job-lease": req(job_lease=wk.JobLeaseRequest(worker="remind@host", lease_ms=2000, max=3,
                                                  kinds=[wk.JOB_REMIND_DEADLINE])),
    "job-deliver": req(job_deliver=wk.JobDeliverRequest(
        id="remind/2021-2025/2021-2023/plan/2021-09-15/-7d/01", lease=1, channel="topic",
        notification=wk.Notification(subject="Nhắc việc", text="Hạn gửi kế hoạch", lang="vi"))),
    "job-ack": req(job_ack=wk.JobAckRequest(id="summary/2026Q3", lease=1, ok=False,
                                            error="sendmail exited 75")),
    "job-list": req(job_list=wk.JobListRequest(prefix="remind/", limit=5, timers=True)),
    "job-retry": req(job_retry=wk.JobRetryRequest(id="summary/2026Q3")),
    "summary": req(summary=su.SummaryRequest(quarter="2023Q3", as_of="2023-08-15")),
}
# fuzz_api: who asks (role; bit 7 = unit 02 for unit officers), then the request
roles = {"admin": 6, "uo01": 1, "uo02": 0x81, "reviewer": 2, "reader": 5, "publisher": 4,
         "worker": 7}
os.makedirs(os.path.join(out, "api"), exist_ok=True)
for rn, rb in roles.items():
    for qn, q in requests.items():
        with open(os.path.join(out, "api", f"{rn}-{qn}"), "wb") as f:
            f.write(bytes([rb]) + q.SerializeToString())

# fuzz_decode: the type index of fuzz_decode.c's TYPES, then the message
types = {0: ("request", [q for q in requests.values()]),
         2: ("register", [requests["register01"].register]),
         3: ("move", [requests["withdraw"].move]),
         6: ("list", [requests["list"].list]),
         8: ("audit", [requests["audit"].audit]),
         9: ("reply", [w.Reply(protocol=1, request_id=7, error=w.Error(code=5, name="conflict",
                                                                        message="x"))]),
         10: ("nomination", [r.Nomination(id=1, version=2, state=2, unit="01", name="An")]),
         11: ("change", [r.Change(seq=3, nomination_id=1, prev_seq=2, verb="foster",
                                  actor=r.Actor(name="lan", role=1, unit="01"))]),
         13: ("auditentry", [a.AuditEntry(seq=1, actor=r.Actor(name="x", role=5),
                                          request="move", code=10, code_name="permission")])}
os.makedirs(os.path.join(out, "decode"), exist_ok=True)
for t, (name, msgs) in types.items():
    for i, m in enumerate(msgs):
        with open(os.path.join(out, "decode", f"{name}-{i}"), "wb") as f:
            f.write(bytes([t]) + m.SerializeToString())

os.makedirs(os.path.join(out, "keys"), exist_ok=True)
with open(os.path.join(out, "keys", "sample"), "w") as f:
    f.write("# NAME ROLE UNIT PUBLIC-KEY\n"
            "lan.hanoi unit-officer 01 rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\n"
            "minh.bo ministry-reviewer - Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID\n"
            "\n"
            "  thu reader\t- -RmttFDvtEo:tKGjJ$stv:69KG5hoT{i(J&pqNJa\n")
print("seeds written to", out)
