#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# exemplar-web over plain HTTP, behind a trusted reverse proxy: the proxy's
# user header signs a local account in (an unknown or disabled one is
# refused), the header is ignored from an untrusted address, the sign-in
# limit counts the X-Forwarded-For address of a trusted proxy's clients (a
# guesser behind the proxy does not lock everyone out), and the session
# cookie carries HttpOnly, SameSite=Strict and Secure when configured;
# sign-out ends the session (and needs the CSRF token); a session ends after
# its idle timeout and after its absolute lifetime however busy it is.
#
# Usage: test_web_http.py EXEMPLARD EXEMPLARCTL EXEMPLAR_WEB

import http.client
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_web_browser as wb  # noqa: E402  (the fixture)

wb.EXEMPLARD, wb.CTL, wb.WEB = sys.argv[1:4]


def request(fx, method, path, headers=None, body=None):
    c = http.client.HTTPConnection("127.0.0.1", fx.web_port, timeout=30)
    h = dict(headers or {})
    if body is not None:
        body = urllib.parse.urlencode(body)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read().decode()
    c.close()
    return r, data


def login(fx, name, password, xff):
    r, _ = request(fx, "GET", "/login", {"X-Forwarded-For": xff})
    pre = [c for c in r.headers.get_all("Set-Cookie") if c.startswith("exw_pre=")][0]
    token = pre.split(";")[0].split("=", 1)[1]
    return request(fx, "POST", "/login", {"Cookie": "exw_pre=" + token, "X-Forwarded-For": xff},
                   {"csrf": token, "name": name, "password": password})


def main():
    fx = wb.Fixture()
    try:
        fx.start("[web]\nsecure_cookies = yes\n[proxy]\nuser_header = X-Remote-User\n"
                 "trusted = 127.0.0.1\n[session]\nidle_timeout = 2\nmax_age = 4\n")
        for name, role, unit in (("minh.bo", "ministry-reviewer", "-"),
                                 ("thu.truong", "approver", "-"),
                                 ("khoa.hanoi", "unit-officer", "01")):
            fx.add_user(name, role, unit)

        # the proxy names the user: signed in, with the cookie's attributes
        r, _ = request(fx, "GET", "/", {"X-Remote-User": "minh.bo"})
        assert r.status == 303 and r.headers["Location"] == "/", (r.status, r.headers)
        cookie = r.headers["Set-Cookie"]
        for attr in ("HttpOnly", "SameSite=Strict", "Secure", "Path=/"):
            assert attr in cookie, cookie
        session = cookie.split(";")[0]
        r, page = request(fx, "GET", "/", {"Cookie": session})
        assert r.status == 200 and "minh.bo" in page, r.status
        assert "default-src 'none'" in r.headers["Content-Security-Policy"]
        # an unknown name, a disabled account
        r, _ = request(fx, "GET", "/", {"X-Remote-User": "ghost"})
        assert r.status == 403, r.status
        fx.ctl("user", "disable", "khoa.hanoi")
        r, page = request(fx, "GET", "/", {"X-Remote-User": "khoa.hanoi"})
        assert r.status == 403 and "khóa" in page, r.status

        # sign-out needs the session's CSRF token, then ends the session
        r, page = request(fx, "GET", "/", {"Cookie": session})
        csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)
        r, _ = request(fx, "POST", "/logout", {"Cookie": session}, {"csrf": "0" * 64})
        assert r.status == 403, r.status
        r, _ = request(fx, "POST", "/logout", {"Cookie": session}, {"csrf": csrf})
        assert r.status == 303 and "Max-Age=0" in r.headers["Set-Cookie"], r.status
        r, _ = request(fx, "GET", "/", {"Cookie": session})
        assert r.status == 303 and r.headers["Location"] == "/login", r.status

        # idle for longer than idle_timeout (2 s): signed out
        r, _ = login(fx, "minh.bo", wb.PASSWORDS["minh.bo"], "10.0.0.3")
        session = r.headers["Set-Cookie"].split(";")[0]
        assert request(fx, "GET", "/", {"Cookie": session})[0].status == 200
        time.sleep(2.5)  # the behaviour under test is time itself
        r, _ = request(fx, "GET", "/", {"Cookie": session})
        assert r.status == 303 and r.headers["Location"] == "/login", r.status
        # busy, but older than max_age (4 s): signed out all the same
        r, _ = login(fx, "minh.bo", wb.PASSWORDS["minh.bo"], "10.0.0.3")
        session = r.headers["Set-Cookie"].split(";")[0]
        statuses = []
        for _ in range(6):
            statuses.append(request(fx, "GET", "/", {"Cookie": session})[0].status)
            time.sleep(1)
        assert statuses[0] == 200 and statuses[-1] == 303, statuses

        # five wrong passwords behind the proxy lock that client's address ...
        for i in range(5):
            r, _ = login(fx, "thu.truong", "sai-%d-mat-khau" % i, "10.0.0.1")
            assert r.status == 401, (i, r.status)
        r, _ = login(fx, "minh.bo", wb.PASSWORDS["minh.bo"], "10.0.0.1")
        assert r.status == 429, r.status
        # ... and the account, from anywhere ...
        r, _ = login(fx, "thu.truong", wb.PASSWORDS["thu.truong"], "10.0.0.9")
        assert r.status == 429, r.status
        # ... but not another person behind the same proxy
        r, _ = login(fx, "minh.bo", wb.PASSWORDS["minh.bo"], "10.0.0.2")
        assert r.status == 303, r.status
        print("exemplar-web HTTP test: all passed")
    finally:
        fx.stop()


if __name__ == "__main__":
    main()
