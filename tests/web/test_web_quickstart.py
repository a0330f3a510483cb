#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# README's quick start as a new user meets it in a browser: the quick start
# script (clients/web/exemplar-quickstart) run in an empty directory walks
# the sample nomination through every state, leaves exemplard and
# exemplar-web running on loopback, and prints the address and the admin's
# one-time password.  Then, over HTTP as a browser would: the sign-in page
# answers, the printed password signs in, the first page is the forced
# password change, the new password works, and the list shows the sample
# nomination; `stop` ends both processes; a second start (the same
# directory) gives a new one-time password for the same account.
#
# Usage: test_web_quickstart.py QUICKSTART BUILD_DIR

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

QUICKSTART, BUILD = sys.argv[1:3]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def browser():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())


def get(b, url):
    try:
        with b.open(url, timeout=20) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def post(b, url, fields):
    data = urllib.parse.urlencode(fields).encode()
    return get_req(b, urllib.request.Request(url, data=data))


def get_req(b, req):
    try:
        with b.open(req, timeout=30) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def csrf_of(page):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert m, page[:2000]
    return m.group(1)


def start(work, env):
    began = time.monotonic()
    out = subprocess.run([QUICKSTART, BUILD], cwd=work, env=env, capture_output=True, text=True,
                         timeout=120)
    took = time.monotonic() - began
    assert out.returncode == 0, "quick start failed:\n%s\n%s" % (out.stdout, out.stderr)
    url = re.search(r"Open +(http://127\.0\.0\.1:\d+/)", out.stdout)
    password = re.search(r"Password +(\S+)", out.stdout)
    assert url and password, out.stdout
    assert re.search(r"User +admin", out.stdout), out.stdout
    assert "exemplar-quickstart stop" in out.stdout, out.stdout
    return url.group(1), password.group(1), took


def main():
    work = tempfile.mkdtemp(prefix="exqs.", dir="/tmp")
    env = dict(os.environ, EXEMPLAR_WEB_PORT=str(free_port()),
               EXEMPLAR_AUTH_PORT=str(free_port()))
    env.pop("EXEMPLAR_API", None)
    try:
        url, password, took = start(work, env)
        print("quick start: %.1f s to a running exemplar-web at %s" % (took, url))
        assert url.endswith(":%s/" % env["EXEMPLAR_WEB_PORT"]), url
        b = browser()
        status, _, page = get(b, url + "login")
        assert status == 200 and 'name="password"' in page, (status, page[:500])
        status, headers, _ = post(b, url + "login", {"csrf": csrf_of(page), "name": "admin",
                                                    "password": password})
        assert status == 303 and headers["Location"] == "/password", (status, headers)
        status, _, page = get(b, url + "password")
        assert status == 200 and "Bạn cần đổi mật khẩu" in page, page[:2000]
        status, headers, _ = post(b, url + "password", {"csrf": csrf_of(page),
                                                       "new": "quan-tri-2026",
                                                       "again": "quan-tri-2026"})
        assert status == 303 and headers["Location"] == "/", (status, headers)
        status, _, page = get(b, url + "?state=all")
        assert status == 200, status
        assert "Phòng Tài nguyên nước" in page, "the sample nomination is not listed:\n" + page
        assert 'data-state="recognized"' in page, page

        # the one-time password is used up: it no longer signs in
        b2 = browser()
        _, _, page = get(b2, url + "login")
        status, _, _ = post(b2, url + "login", {"csrf": csrf_of(page), "name": "admin",
                                               "password": password})
        assert status == 401, status

        # a second start in the same place: the same account, a new password
        url2, password2, _ = start(work, env)
        assert url2 == url and password2 != password, (url2, password2)
        b3 = browser()
        _, _, page = get(b3, url + "login")
        status, headers, _ = post(b3, url + "login", {"csrf": csrf_of(page), "name": "admin",
                                                     "password": password2})
        assert status == 303 and headers["Location"] == "/password", (status, headers)
    finally:
        stop = subprocess.run([QUICKSTART, "stop"], cwd=work, capture_output=True, text=True,
                              timeout=60)
    assert stop.returncode == 0, stop.stderr
    assert "stopped exemplar-web" in stop.stdout and "stopped exemplard" in stop.stdout, stop
    status = subprocess.run([QUICKSTART, "status"], cwd=work, capture_output=True, text=True)
    assert status.returncode == 3, status.stdout
    try:
        socket.create_connection(("127.0.0.1", int(env["EXEMPLAR_WEB_PORT"])), 1).close()
        raise AssertionError("exemplar-web still answers after stop")
    except ConnectionRefusedError:
        pass
    if not os.environ.get("EXEMPLAR_TEST_KEEP"):
        shutil.rmtree(work, ignore_errors=True)
    print("exemplar-web quick start test: all passed")


if __name__ == "__main__":
    main()
