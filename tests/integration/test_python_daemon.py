# SPDX-License-Identifier: MIT
"""Helpers of the exemplar package's integration tests (test_python_*.py);
not a test itself.  Runs the real exemplard in a temporary directory, plays
the service manager (NOTIFY_SOCKET) to wait for READY=1 instead of sleeping,
and restarts it on the same state (SIGTERM, exit status 0, start again)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

READY_TIMEOUT_S = 30


def fail(msg, daemon=None):
    print("FAIL:", msg, file=sys.stderr)
    if daemon is not None:
        daemon.dump_log()
    raise SystemExit(1)


def check(cond, what, daemon=None):
    if not cond:
        fail(what, daemon)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Daemon:
    """exemplard on a state directory of its own (under tmp), started with
    `config` (the text of an exemplard.conf, or None)."""

    def __init__(self, exemplard, tmp, config=None):
        self.exemplard = exemplard
        self.tmp = tmp
        self.state = os.path.join(tmp, "state")
        os.makedirs(self.state, exist_ok=True)
        self.conf = None
        if config is not None:
            self.conf = os.path.join(tmp, "exemplard.conf")
            with open(self.conf, "w") as f:
                f.write(config)
        self.log_path = os.path.join(tmp, "exemplard.log")
        self.proc = None
        self.starts = 0

    @property
    def api(self):
        return f"ipc://{self.state}/api.sock"

    def start(self):
        notify_path = os.path.join(self.tmp, "notify.sock")
        if os.path.exists(notify_path):
            os.unlink(notify_path)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(notify_path)
        notify.settimeout(0.2)
        argv = [self.exemplard, "--state-dir", self.state]
        if self.conf:
            argv[1:1] = ["-c", self.conf]
        env = dict(os.environ, NOTIFY_SOCKET=notify_path)
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + READY_TIMEOUT_S
        try:
            while True:
                try:
                    msg = notify.recv(4096).decode()
                    if "READY=1" in msg.split("\n"):
                        break
                except socket.timeout:
                    pass
                if self.proc.poll() is not None:
                    fail(f"exemplard exited with {self.proc.returncode} before READY=1", self)
                if time.monotonic() > deadline:
                    fail("exemplard did not send READY=1", self)
        finally:
            notify.close()
        self.starts += 1

    def stop(self):
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(timeout=30)
        self.proc = None
        if status != 0:
            fail(f"exemplard exited with status {status} on SIGTERM", self)

    def restart(self):
        self.stop()
        self.start()

    def kill(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def dump_log(self):
        try:
            with open(self.log_path) as f:
                print("---- exemplard log ----\n" + f.read() + "---- end ----", file=sys.stderr)
        except OSError:
            pass


def tempdir(prefix):
    # short: ipc:// paths must fit in sun_path
    return tempfile.mkdtemp(prefix=prefix, dir="/tmp")


def cleanup(tmp):
    if not os.environ.get("EXEMPLAR_TEST_KEEP"):
        shutil.rmtree(tmp, ignore_errors=True)
