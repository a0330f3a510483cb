#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# The dossier's files on exemplar-web's nomination page, over HTTP against
# the real daemon: the unit officer uploads a PDF and a PNG through the
# page's multipart form (the type read from the bytes by the daemon), the
# page lists them with download links, a download returns the bytes with
# the detected type as an attachment; a text file named .pdf is refused
# with the daemon's sentence on the page; an officer of another unit sees
# no upload form and cannot download (403).
#
# Usage: test_web_attachments.py EXEMPLARD EXEMPLARCTL EXEMPLAR_WEB

import http.client
import os
import re
import struct
import sys
import uuid
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_web_browser as wb  # noqa: E402  (the fixture)
import test_web_http as wh  # noqa: E402  (request, login)

wb.EXEMPLARD, wb.CTL, wb.WEB = sys.argv[1:4]

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def png():
    def chunk(t, b):
        return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def upload(fx, session, nid, page, part, name, data):
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)
    form = re.search(r'id="attach-form".*?</form>', page, re.S).group(0)
    rid = re.search(r'name="request_id" value="(\d+)"', form).group(1)
    b = uuid.uuid4().hex
    body = b""
    for k, v in (("csrf", csrf), ("request_id", rid), ("part", part)):
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                 % (b, k, v)).encode()
    body += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
             "Content-Type: application/octet-stream\r\n\r\n" % (b, name)).encode()
    body += data + ("\r\n--%s--\r\n" % b).encode()
    c = http.client.HTTPConnection("127.0.0.1", fx.web_port, timeout=30)
    c.request("POST", "/n/%s/attach" % nid, body=body,
              headers={"Cookie": session, "Content-Type": "multipart/form-data; boundary=" + b})
    r = c.getresponse()
    r.read()
    c.close()
    assert r.status == 303 and r.headers["Location"] == "/n/%s" % nid, (r.status, r.headers)
    return wh.request(fx, "GET", "/n/%s" % nid, {"Cookie": session})[1]


def download(fx, session, path):
    c = http.client.HTTPConnection("127.0.0.1", fx.web_port, timeout=30)
    c.request("GET", path, headers={"Cookie": session})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


def main():
    fx = wb.Fixture()
    try:
        fx.start()
        fx.add_user("khoa.hanoi", "unit-officer", "01")
        fx.add_user("hung.haiphong", "unit-officer", "31")
        nid = fx.ctl("register", "--unit", "01", "--kind", "collective", "--name",
                     "Phòng Tài nguyên nước").strip()
        r, _ = wh.login(fx, "khoa.hanoi", wb.PASSWORDS["khoa.hanoi"], "10.0.0.5")
        session = r.headers["Set-Cookie"].split(";")[0]
        r, page = wh.request(fx, "GET", "/n/%s" % nid, {"Cookie": session})
        assert r.status == 200 and 'id="attach-form"' in page, r.status
        assert 'enctype="multipart/form-data"' in page

        page = upload(fx, session, nid, page, "submission", "tờ trình.pdf", PDF)
        assert "tờ trình.pdf" in page and "application/pdf" in page, page
        page = upload(fx, session, nid, page, "report", "scan.png", png())
        link = "/n/%s/file/report/1" % nid
        assert link in page and "image/png" in page, page
        # a text file named .pdf: the daemon's refusal on the page, nothing listed
        page = upload(fx, session, nid, page, "report", "bao-cao.pdf", b"plain text, not a PDF\n")
        assert "text/plain" in page and 'class="flash error"' in page, page
        assert "/n/%s/file/report/2" % nid not in page

        r, data = download(fx, session, "/n/%s/file/submission/1" % nid)
        assert r.status == 200 and data == PDF, (r.status, data[:40])
        assert r.headers["Content-Type"] == "application/pdf", r.headers
        cd = r.headers["Content-Disposition"]
        assert cd.startswith("attachment;") and "t%E1%BB%9D%20tr%C3%ACnh.pdf" in cd, cd
        r, data = download(fx, session, link)
        assert r.status == 200 and data == png(), r.status
        r, _ = download(fx, session, "/n/%s/file/report/9" % nid)
        assert r.status == 404, r.status

        # another unit's officer: no form, no download
        r, _ = wh.login(fx, "hung.haiphong", wb.PASSWORDS["hung.haiphong"], "10.0.0.6")
        other = r.headers["Set-Cookie"].split(";")[0]
        r, page = wh.request(fx, "GET", "/n/%s" % nid, {"Cookie": other})
        assert 'id="attach-form"' not in page, r.status
        r, _ = download(fx, other, "/n/%s/file/submission/1" % nid)
        assert r.status == 403, r.status
        print("exemplar-web dossier files test: all passed")
    finally:
        fx.stop()


if __name__ == "__main__":
    main()
