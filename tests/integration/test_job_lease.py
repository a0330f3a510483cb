#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A job lease belongs to the principal that took it: over CURVE, worker w1
leases the quarter's summary job; worker w2 (another key in the keys file)
cannot deliver or acknowledge under that lease, neither with the attempts
number job_list shows nor with w1's own token; w1 can, only with its token.
The token is never listed (job_list, exemplarctl jobs).

usage: test_job_lease.py EXEMPLARD EXEMPLARCTL GEN_DIR CLIENT_DIR"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

EXEMPLARD, CTL, GEN_DIR, CLIENT_DIR = sys.argv[1:5]
sys.path[:0] = [GEN_DIR, CLIENT_DIR]

import exemplar_client  # noqa: E402
import wire_pb2  # noqa: E402
import workers_pb2  # noqa: E402
import zmq  # noqa: E402

TMP = tempfile.mkdtemp(prefix="exl.")
LOG = os.path.join(TMP, "exemplard.log")


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    with open(LOG, errors="replace") as f:
        print("---- exemplard log ----\n" + f.read() + "---- end ----", file=sys.stderr)
    raise SystemExit(1)


def check(cond, what):
    if not cond:
        fail(what)


def ctl(*args):
    p = subprocess.run([CTL, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                       timeout=60)
    check(p.returncode == 0, f"exemplarctl {' '.join(args)}: {p.returncode} {p.stderr}")
    return p.stdout


def read_key(path):
    with open(path) as f:
        for line in f:
            line = line.strip()
            if len(line) == 40 and " " not in line:
                return line.encode()
    fail(f"no key in {path}")


class CurveClient(exemplar_client.Client):
    """The project's Python client over CURVE with one principal's key."""

    def __init__(self, endpoint, server_pub, secret):
        super().__init__(endpoint, timeout_ms=10000)
        self.server_pub, self.secret = server_pub, secret

    def _socket(self):
        if self.sock is None:
            s = self.ctx.socket(zmq.DEALER)
            s.setsockopt(zmq.LINGER, 0)
            s.curve_serverkey = self.server_pub
            s.curve_secretkey = self.secret
            s.curve_publickey = zmq.curve_public(self.secret)
            s.connect(self.endpoint)
            self.sock = s
        return self.sock


def refused(client, req, name, what):
    req.request_id = exemplar_client.request_id()
    try:
        client.call(req)
    except exemplar_client.ExemplarError as e:
        check(e.name == name, f"{what}: refused as {e.name} ({e.message}), expected {name}")
        return
    fail(f"{what}: accepted")


def main():
    for name in ("server", "w1", "w2"):
        ctl("keygen", name, "--dir", TMP)
    with open(f"{TMP}/keys", "w") as f:
        f.write(f"remind.one worker - {read_key(f'{TMP}/w1.pub').decode()}\n")
        f.write(f"remind.two worker - {read_key(f'{TMP}/w2.pub').decode()}\n")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    endpoint = "tcp://127.0.0.1:%d" % s.getsockname()[1]
    s.close()
    with open(f"{TMP}/exemplard.conf", "w") as f:
        # catch_up reaches back over the last quarter: its summary job is made at once
        f.write(f"[workers]\ncatch_up = 120d\n[auth]\nendpoint = {endpoint}\n"
                f"secret_key_file = {TMP}/server.key\nkeys_file = {TMP}/keys\n")
    state = os.path.join(TMP, "state")
    os.mkdir(state)
    with open(LOG, "w") as log:
        daemon = subprocess.Popen([EXEMPLARD, "-c", f"{TMP}/exemplard.conf", "--state-dir", state],
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        local = f"ipc://{state}/api.sock"
        ctl("--api", local, "ping", "--wait", "10")
        jobs = []
        deadline = time.monotonic() + 10
        while not jobs and time.monotonic() < deadline:
            jobs = [j for j in json.loads(ctl("--api", local, "--json", "jobs", "--prefix",
                                              "summary/"))["jobs"] if j["state"] == "ready"]
            if not jobs:
                time.sleep(0.1)  # a condition, polled: the timer fires on the loop's tick
        check(jobs, "no ready summary job")
        job_id = jobs[0]["id"]

        server_pub = read_key(f"{TMP}/server.pub")
        w1 = CurveClient(endpoint, server_pub, read_key(f"{TMP}/w1.key"))
        w2 = CurveClient(endpoint, server_pub, read_key(f"{TMP}/w2.key"))
        lease = wire_pb2.Request()
        lease.job_lease.worker = "remind@one"
        lease.job_lease.kinds.append(workers_pb2.JOB_SUMMARY)
        got = w1.call(lease).jobs
        check(len(got) == 1 and got[0].id == job_id, f"w1 leased {[j.id for j in got]}")
        token, attempts = got[0].lease_token, got[0].attempts
        check(len(token) >= 16, f"the lease token has {len(token)} bytes")

        # never listed: not to the other worker, not to the administrator
        listed = wire_pb2.Request()
        listed.job_list.prefix = job_id
        for j in w2.call(listed).jobs:
            check(not j.lease_token and not j.lease_hash, "job_list shows the lease's secret")
        shown = ctl("--api", local, "--json", "jobs", "show", job_id) + ctl(
            "--api", local, "jobs", "show", job_id)
        check(token.hex() not in shown, "exemplarctl jobs show shows the token")

        ack = wire_pb2.Request()
        ack.job_ack.id, ack.job_ack.ok = job_id, True
        deliver = wire_pb2.Request()
        deliver.job_deliver.id, deliver.job_deliver.channel = job_id, "journal"
        # the attempts number alone, as before lease tokens: not enough
        ack.job_ack.lease = attempts
        deliver.job_deliver.lease = attempts
        refused(w2, ack, "invalid", "w2 acknowledging with the attempts number")
        refused(w2, deliver, "invalid", "w2 delivering with the attempts number")
        # a guessed token
        ack.job_ack.lease_token = bytes(len(token))
        refused(w2, ack, "lease-lost", "w2 acknowledging with a guessed token")
        # w1's own token, from another principal
        ack.job_ack.lease_token = token
        deliver.job_deliver.lease_token = token
        refused(w2, deliver, "permission", "w2 delivering with w1's token")
        refused(w2, ack, "permission", "w2 acknowledging with w1's token")
        shown = json.loads(ctl("--api", local, "--json", "jobs", "show", job_id))
        check(json.dumps(shown).count('"leased"') >= 1, f"the job is still w1's: {shown}")
        # w1 with its token
        deliver.request_id = exemplar_client.request_id()
        w1.call(deliver)
        ack.request_id = exemplar_client.request_id()
        done = w1.call(ack).jobs
        check(done[0].state == workers_pb2.JOB_DONE and not done[0].lease_hash,
              f"w1's acknowledgement: {done[0]}")
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
    shutil.rmtree(TMP)
    print("job leases are bound to a token and a principal: ok")


if __name__ == "__main__":
    main()
