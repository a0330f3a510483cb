#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""CURVE from a second, independent implementation: pyzmq (libzmq's CURVE via
Python) and Python code generated from proto/*.proto with protoc at test time,
against the real exemplard on tcp://127.0.0.1.  Also exemplarctl's side of
CURVE authentication from a shell's point of view: keygen (modes, no overwrite), --server-key
and --key, EXEMPLAR_SERVER_KEY and EXEMPLAR_KEY, audit and its exit statuses.

usage: test_auth_python.py EXEMPLARD EXEMPLARCTL PROTO_DIR
Needs Debian's /usr/bin/python3 with python3-zmq and python3-protobuf, and protoc."""
import glob
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile

import zmq

EXEMPLARD, CTL, PROTO = sys.argv[1:4]
TMP = tempfile.mkdtemp(prefix="exp.")
STATE = os.path.join(TMP, "state")
LOG = os.path.join(TMP, "exemplard.log")
daemon = None


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    try:
        with open(LOG) as f:
            print("---- exemplard log ----\n" + f.read() + "---- end ----", file=sys.stderr)
    except OSError:
        pass
    raise SystemExit(1)


def ctl(want, *args, env=None):
    p = subprocess.run([CTL, *args], capture_output=True, text=True, env=env,
                       stdin=subprocess.DEVNULL, timeout=60)
    if p.returncode != want:
        fail(f"exemplarctl {' '.join(args)} exited {p.returncode}, expected {want}\n"
             f"stdout: {p.stdout}\nstderr: {p.stderr}")
    return p.stdout + p.stderr


def read_key(path):
    with open(path) as f:
        for line in f:
            line = line.strip()
            if len(line) == 40 and " " not in line:
                return line.encode()
    fail(f"no key in {path}")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    global daemon
    # ---- keys, as an administrator makes them -------------------------------
    for name in ("server", "lan", "rd", "eve"):
        out = ctl(0, "keygen", name, "--dir", TMP)
        if f"{name} ROLE UNIT " not in out:
            fail(f"keygen did not print the keys-file line: {out}")
    for name in ("server", "lan"):
        if stat.S_IMODE(os.stat(f"{TMP}/{name}.key").st_mode) != 0o600:
            fail("a secret key file is not mode 0600")
        if stat.S_IMODE(os.stat(f"{TMP}/{name}.pub").st_mode) != 0o644:
            fail("a public key file is not mode 0644")
    ctl(1, "keygen", "lan", "--dir", TMP)  # never overwrites
    ctl(2, "keygen", "bad name", "--dir", TMP)
    lan_pub, rd_pub = read_key(f"{TMP}/lan.pub"), read_key(f"{TMP}/rd.pub")
    with open(f"{TMP}/keys", "w") as f:
        f.write("# NAME ROLE UNIT PUBLIC-KEY\n")
        f.write(f"lan.hanoi unit-officer 01 {lan_pub.decode()}\n")
        f.write(f"thanh.tra reader - {rd_pub.decode()}\n")
    os.chmod(f"{TMP}/keys", 0o640)  # the daemon refuses a keys file others may write
    port = free_port()
    endpoint = f"tcp://127.0.0.1:{port}"
    with open(f"{TMP}/exemplard.conf", "w") as f:
        f.write(f"[rules]\nenforce = no\n[auth]\nendpoint = {endpoint}\nsecret_key_file = {TMP}/server.key\n"
                f"keys_file = {TMP}/keys\n")
    os.mkdir(STATE)
    with open(LOG, "w") as log:
        daemon = subprocess.Popen([EXEMPLARD, "-c", f"{TMP}/exemplard.conf", "--state-dir", STATE],
                                  stdout=log, stderr=subprocess.STDOUT)
    local = f"ipc://{STATE}/api.sock"
    ctl(0, "--api", local, "ping", "--wait", "10")

    # ---- the protocol from Python ------------------------------------------
    gen = os.path.join(TMP, "gen")
    os.mkdir(gen)
    protos = sorted(glob.glob(os.path.join(PROTO, "*.proto")))
    subprocess.run(["protoc", "-I", PROTO, "--python_out", gen, *protos], check=True)
    sys.path.insert(0, gen)
    import record_pb2 as rec
    import wire_pb2 as w

    zctx = zmq.Context()
    server_pub = read_key(f"{TMP}/server.pub")

    def dealer(name):
        s = zctx.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.curve_serverkey = server_pub
        secret = read_key(f"{TMP}/{name}.key")
        s.curve_secretkey = secret
        s.curve_publickey = zmq.curve_public(secret)
        s.connect(endpoint)
        return s

    next_id = [0x7000_0000_0000]

    def call(s, timeout_ms=5000, **body):
        next_id[0] += 1
        req = w.Request(protocol=w.PROTOCOL_V1, request_id=next_id[0], language="en")
        for k, v in body.items():
            getattr(req, k).CopyFrom(v)
        s.send(req.SerializeToString())
        if not s.poll(timeout_ms):
            return None
        rep = w.Reply()
        rep.ParseFromString(s.recv())
        if rep.request_id != req.request_id:
            fail("the reply carries another request id")
        return rep

    lan = dealer("lan")
    r = call(lan, register=w.RegisterRequest(unit="01", kind=rec.KIND_INDIVIDUAL,
                                             name="Nguyễn Thị Lan"))
    if r is None or r.HasField("error") or r.nomination.unit != "01":
        fail(f"register by the unit officer over CURVE: {r}")
    nid = r.nomination.id
    r = call(lan, move=w.MoveRequest(id=nid, to=rec.STATE_FOSTERING, expected_version=1))
    if r.HasField("error") or r.nomination.state != rec.STATE_FOSTERING:
        fail(f"foster by the unit officer: {r}")
    r = call(lan, register=w.RegisterRequest(unit="02", kind=rec.KIND_INDIVIDUAL, name="Bình"))
    if r.error.code != w.ERROR_PERMISSION or "acts for unit 01" not in r.error.message:
        fail(f"register in another unit was not refused with a scope sentence: {r}")
    r = call(lan, list=w.ListRequest(unit="02"))
    if r.error.code != w.ERROR_PERMISSION:
        fail(f"a unit officer listed another unit: {r}")
    r = call(lan, move=w.MoveRequest(id=nid, to=rec.STATE_UNIT_REVIEWED, expected_version=2))
    if r.HasField("error"):
        fail(f"unit review by the unit officer: {r}")
    r = call(lan, move=w.MoveRequest(id=nid, to=rec.STATE_MINISTRY_REVIEWED, expected_version=3))
    if r.error.code != w.ERROR_PERMISSION or "ministry-reviewer" not in r.error.message:
        fail(f"ministry review by a unit officer was not refused naming the role: {r}")

    reader = dealer("rd")
    r = call(reader, get=w.GetRequest(id=nid))
    if r.HasField("error") or r.nomination.id != nid:
        fail(f"get by the reader: {r}")

    eve = dealer("eve")  # a key the daemon does not know
    if call(eve, timeout_ms=1000, info=w.InfoRequest()) is not None:
        fail("an unknown key got an answer")
    for s in (lan, reader, eve):
        s.close()
    zctx.term()

    # ---- exemplarctl over CURVE ---------------------------------------------
    keys = ["--api", endpoint, "--server-key", f"{TMP}/server.pub"]
    out = ctl(0, *keys, "--key", f"{TMP}/lan.key", "list")
    if "Nguyễn Thị Lan" not in out:
        fail(f"exemplarctl list over CURVE: {out}")
    env = dict(os.environ, EXEMPLAR_API=endpoint, EXEMPLAR_SERVER_KEY=f"{TMP}/server.pub",
               EXEMPLAR_KEY=f"{TMP}/rd.key")
    ctl(0, "show", str(nid), env=env)
    ctl(6, "move", str(nid), "withdrawn", "--expect-version", "3", "--reason", "x", env=env)
    ctl(2, *keys, "info")  # --server-key without --key
    os.chmod(f"{TMP}/rd.key", 0o644)
    out = ctl(1, "show", str(nid), env=env)
    if "readable by others" not in out:
        fail(f"a world-readable secret key was used: {out}")
    ctl(7, *keys, "--key", f"{TMP}/eve.key", "--timeout", "300", "info")

    # ---- the audit list -----------------------------------------------------
    out = ctl(0, "--api", local, "audit", "--limit", "10")
    for text in ("lan.hanoi", "thanh.tra", "register 02", "needs the role ministry-reviewer"):
        if text not in out:
            fail(f"the audit list lacks {text!r}:\n{out}")
    ctl(6, *keys, "--key", f"{TMP}/lan.key", "audit")

    daemon.send_signal(signal.SIGTERM)
    if daemon.wait(timeout=30) != 0:
        fail("exemplard did not stop cleanly")
    daemon = None
    print("python CURVE client and exemplarctl: ok")


try:
    main()
finally:
    if daemon is not None:
        daemon.kill()
        daemon.wait()
    if not os.environ.get("EXEMPLAR_TEST_KEEP"):
        shutil.rmtree(TMP, ignore_errors=True)
