#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The exemplar package over CURVE tcp against the real daemon, installed as
another agency would install it, and the acceptance test of the package: a
service connects with its CURVE keys, publishes facts and follows the change
feed across daemon restarts without a gap, and resumes from its last
sequence after its own restart.

1. Keys made by exemplarctl keygen; the daemon serves the api and the change
   feed on tcp://127.0.0.1 (CURVE, ZAP) and its administrators' ipc socket.
2. The package is built into a wheel offline (pip wheel --no-build-isolation,
   from a copy of clients/python) and installed into a virtual environment;
   its interpreter imports it with nothing on sys.path or PYTHONPATH.
3. Over CURVE from the build tree's package: a unit officer's requests and
   scope refusals, the reader's change feed, a publisher without a feed, an
   unknown key and a wrong server key (Unavailable).
4. The service (test_python_service.py under the virtual environment's
   python): publishes, follows the feed; the daemon restarts twice.

usage: test_python_curve.py EXEMPLARD EXEMPLARCTL CLIENT_SRC PROTO_DIR
with the build tree's package and this directory on PYTHONPATH."""

import glob
import json
import os
import select
import shutil
import subprocess
import sys

import exemplar
from exemplar.model import Kind, State

from test_python_daemon import Daemon, check, cleanup, fail, free_port, tempdir

EXEMPLARD, CTL, CLIENT_SRC, PROTO = (os.path.abspath(a) for a in sys.argv[1:5])
HERE = os.path.dirname(os.path.abspath(__file__))
TMP = tempdir("excv.")
d = None
service = None


def ctl(*args):
    p = subprocess.run([CTL, *args], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        fail(f"exemplarctl {' '.join(args)}: {p.returncode} {p.stdout} {p.stderr}")
    return p.stdout


def setup():
    global d
    for name in ("server", "moet", "moet.read", "lan", "eve", "other"):
        ctl("keygen", name, "--dir", TMP)
    pub = {n: exemplar.read_key_file(f"{TMP}/{n}.pub").decode()
           for n in ("moet", "moet.read", "lan")}
    with open(f"{TMP}/keys", "w") as f:
        f.write(f"moet publisher - {pub['moet']}\n"
                f"moet.read reader - {pub['moet.read']}\n"
                f"lan.hanoi unit-officer 01 {pub['lan']}\n")
    api, feed = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
    d = Daemon(EXEMPLARD, TMP, f"[api]\nevents_endpoint = {feed}\n"
                               f"[auth]\nendpoint = {api}\nsecret_key_file = {TMP}/server.key\n"
                               f"keys_file = {TMP}/keys\n")
    d.start()
    return api


def install():
    """The wheel, built offline from a copy of the sources, installed into a
    virtual environment that sees Debian's python3-zmq and python3-protobuf."""
    src = os.path.join(TMP, "src")
    shutil.copytree(CLIENT_SRC, src, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "_pb", "__pycache__"))
    env = dict(os.environ, EXEMPLAR_PROTO_DIR=PROTO)
    env.pop("PYTHONPATH", None)
    subprocess.run(["/usr/bin/python3", "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", f"{TMP}/dist", src], check=True, env=env)
    wheels = glob.glob(f"{TMP}/dist/exemplar-*.whl")
    check(len(wheels) == 1, f"one wheel: {wheels}")
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", "--system-site-packages",
                    f"{TMP}/venv"], check=True, env=env)
    py = f"{TMP}/venv/bin/python"
    subprocess.run([py, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheels[0]],
                   check=True, env=env)
    out = subprocess.run([py, "-c", "import exemplar, exemplar._pb.wire_pb2 as w, sys; "
                          "print(exemplar.__file__); print(w.Request.DESCRIPTOR.full_name)"],
                         check=True, env=env, cwd="/", capture_output=True, text=True).stdout
    where, full_name = out.split()
    check(where.startswith(f"{TMP}/venv/lib/") and "site-packages" in where and
          full_name == "exemplar.Request", f"the installed package: {out}")
    return py, env


def over_curve(api):
    """The package's CURVE side from the build tree."""
    lan = exemplar.Client(api, server_key=f"{TMP}/server.pub", secret_key=f"{TMP}/lan.key")
    n = lan.register("01", Kind.INDIVIDUAL, "Nguyễn Thị Lan", campaign="demo", subject="CB-200")
    n = lan.move(n.id, State.FOSTERING, expected_version=n.version)
    check(n.state == State.FOSTERING, f"the unit officer's move: {n}")
    try:
        lan.register("04", Kind.INDIVIDUAL, "Bình", campaign="demo", subject="CB-201")
        fail("a unit officer registered in another unit")
    except exemplar.PermissionDenied as e:
        check(e.code == 10 and "01" in e.message, f"scope refusal: {e}")
    check({x.unit for x in lan.iter_list()} == {"01"}, "a unit officer lists its own unit")
    reader = exemplar.Client(api, server_key=f"{TMP}/server.pub",
                             secret_key=f"{TMP}/moet.read.key")
    with exemplar.ChangeFeed(reader, from_seq=1) as f:
        check(f.endpoint.startswith("tcp://127.0.0.1:"), f"the feed endpoint: {f.endpoint}")
        first = [f.next(5000), f.next(5000)]
        check([c.seq for c in first if c] == [1, 2], f"the reader's catch-up: {first}")
        m = lan.register("01", Kind.INDIVIDUAL, "Hoàng Văn G", campaign="demo", subject="CB-202")
        live = f.next(5000)
        check(live is not None and live.nomination_id == m.id and live.seq == 3,
              f"the reader's live change over CURVE: {live}")
    # A publisher gets no change feed: the log refuses it
    publisher = exemplar.Client(api, server_key=f"{TMP}/server.pub", secret_key=f"{TMP}/moet.key")
    with exemplar.ChangeFeed(publisher, from_seq=1) as f:
        try:
            f.next(2000)
            fail("a publisher read the change log")
        except exemplar.PermissionDenied:
            pass
    # A key the daemon does not list, and a wrong server key: no answer
    for secret, server in (("eve", "server"), ("moet.read", "other")):
        c = exemplar.Client(api, server_key=f"{TMP}/{server}.pub",
                            secret_key=f"{TMP}/{secret}.key", timeout_ms=300, retries=0)
        try:
            c.info()
            fail(f"key {secret} with server key {server} got an answer")
        except exemplar.Unavailable as e:
            check(e.retryable and e.request_id, str(e))
        c.close()
    for c in (lan, reader, publisher):
        c.close()


class Service:
    """test_python_service.py under the virtual environment's python."""

    def __init__(self, py, env, api, from_seq):
        self.p = subprocess.Popen(
            [py, os.path.join(HERE, "test_python_service.py"), api, f"{TMP}/server.pub",
             f"{TMP}/moet.key", f"{TMP}/moet.read.key", f"{TMP}/moet.state", str(from_seq)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=TMP, text=True)
        ready = self.line()
        check(ready.startswith(f"ready {TMP}/venv/lib/"), f"the service's package: {ready}")

    def line(self, timeout_s=60):
        if not select.select([self.p.stdout], [], [], timeout_s)[0]:
            fail("the service did not answer", d)
        line = self.p.stdout.readline().strip()
        if not line:
            fail(f"the service exited ({self.p.wait()})", d)
        return line

    def ask(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return self.line()

    def quit(self):
        summary = json.loads(self.ask("quit"))
        check(self.p.wait(timeout=30) == 0, "the service exited cleanly")
        return summary


def acceptance(py, env, api):
    global service
    admin = exemplar.Client(d.api, timeout_ms=5000)
    base = admin.info().last_seq
    n = admin.register("01", Kind.INDIVIDUAL, "Vũ Thị Hoa", campaign="demo", subject="CB-100")
    service = Service(py, env, api, base + 1)
    check(service.ask("publish CB-100 3") == "published 3 0", "the first facts")
    admin.move(n.id, State.FOSTERING, expected_version=1)  # base+5 after three evidence changes
    check(service.ask(f"wait {base + 5}") == f"reached {base + 5}", "before the restart")

    d.restart()
    # changes made at once, while the service's subscription is still reconnecting
    m = admin.register("04", Kind.COLLECTIVE, "Phòng Kế hoạch", campaign="demo",
                       subject="02:PKH")
    admin.move(m.id, State.FOSTERING, expected_version=1)
    check(service.ask("publish CB-100 2") == "published 2 0", "facts after the restart")
    last = base + 9
    check(service.ask(f"wait {last}") == f"reached {last}", "after the restart")
    s = service.quit()
    service = None
    check(s["seqs"] == list(range(base + 1, last + 1)),
          f"every change once, in order, across the restart: {s}")
    check(admin.changes(base + 1).changes[-1].seq == last, "the log agrees")
    print(f"across the restart: {len(s['seqs'])} changes, {s['gaps']} gaps on the live feed, "
          f"{s['from_log']} from the log")

    # The service stops; changes happen and the daemon restarts meanwhile;
    # it resumes from its last sequence, and its publisher numbering goes on.
    admin.move(m.id, State.WITHDRAWN, expected_version=2, reason="Đơn vị rút hồ sơ")
    admin.register("01", Kind.INDIVIDUAL, "Đặng Văn K", campaign="demo", subject="CB-101")
    d.restart()
    admin.register("01", Kind.INDIVIDUAL, "Bùi Thị L", campaign="demo", subject="CB-102")
    service = Service(py, env, api, s["last_seq"] + 1)
    check(service.ask("publish CB-100 1") == "published 1 0", "a fact after resuming")
    check(service.ask(f"wait {last + 4}") == f"reached {last + 4}", "resumed")
    s2 = service.quit()
    service = None
    check(s2["seqs"] == list(range(last + 1, last + 5)), f"resumed without a gap: {s2}")
    st = {p.name: p for p in admin.stats().publishers}["moet"]
    check(st.last_seq == 6 and st.events == 6 and st.gaps == 0 and st.duplicates == 0,
          f"the publisher's numbering across its restart: {st}")
    admin.close()


def main():
    api = setup()
    py, env = install()
    over_curve(api)
    acceptance(py, env, api)
    d.stop()
    print("exemplar package over CURVE, installed, across restarts: ok")


try:
    main()
finally:
    if service is not None:
        service.p.kill()
    if d is not None:
        d.kill()
    cleanup(TMP)
