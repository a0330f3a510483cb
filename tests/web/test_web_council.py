#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# The Ministry council's secret ballot in exemplar-web, in real browsers
# (Chromium through Selenium) against the real daemon over CURVE:
#
#   an administrator sets a council of three (exemplarctl council set);
#   the secretary (a ministry reviewer) opens a meeting over two
#     unit-reviewed nominations chosen in the review queue, records the
#     members present;
#   each member votes in their own browser, one approve/reject per
#     nomination in one ballot; afterwards the page says the vote is
#     recorded and shows no choice; a second ballot is refused with the
#     daemon's sentence;
#   an officer who is not a member cannot reach the ballot, by the URL or a
#     forged form; a ballot without the CSRF token is refused;
#   the secretary closes the meeting: the minutes' counts and results are
#     shown, 3 of 3 approvals move the first nomination to ministry-reviewed,
#     2 of 3 (below 90 % of the members) return the second;
#   every control is labelled; the meeting page speaks English on request.
#
# Usage: test_web_council.py EXEMPLARD EXEMPLARCTL EXEMPLAR_WEB
# Screenshots (20-ballot, 21-meeting) go to $WEB_SHOTS when it is set.

import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_web_browser as w  # noqa: E402  (the fixture and helpers of the main browser test)

from selenium.webdriver.common.by import By  # noqa: E402

w.EXEMPLARD, w.CTL, w.WEB = sys.argv[1:4]
w.PASSWORDS.update({"uy.vien": "uy-vien-hoi-dong-2026"})


def nomination(fx, name):
    nid = fx.ctl("register", "--unit", "01", "--kind", "individual", "--name", name).strip()
    fx.ctl("move", nid, "fostering")
    fx.ctl("move", nid, "unit-reviewed")
    return nid


def vote(fx, b, mid, choices, shot_name=None):
    b.get("%s/meetings/%s" % (fx.url, mid))
    w.require_labelled(b, "ballot")
    for nid, choice in choices.items():
        b.find_element(By.ID, "b%s-%s" % (nid, choice)).click()
    if shot_name:
        w.shot(b, shot_name)
    csrf = b.find_element(By.CSS_SELECTOR, "#ballot input[name=csrf]").get_attribute("value")
    w.submit(b, b.find_element(By.CSS_SELECTOR, "#ballot button"))
    assert "Đã ghi nhận phiếu bầu của bạn" in w.flash(b), w.flash(b)
    # recorded, and the choices are not shown again: no ballot, no choice
    assert b.find_elements(By.ID, "ballot-recorded")
    assert not b.find_elements(By.ID, "ballot")
    assert not b.find_elements(By.CSS_SELECTOR, "input[type=radio]")
    return csrf


def main():
    fx = w.Fixture()
    try:
        fx.start()
        for name, role, unit in (("minh.bo", "ministry-reviewer", "-"),
                                 ("thu.truong", "approver", "-"),
                                 ("uy.vien", "reader", "-"),
                                 ("khoa.hanoi", "unit-officer", "01")):
            fx.add_user(name, role, unit)
        fx.ctl("council", "set", "thu.truong:chair", "minh.bo:secretary", "uy.vien:member",
               "--decision", "12/QĐ-BTNMT")
        yes = nomination(fx, "Nguyễn Văn An")
        no = nomination(fx, "Trần Thị <Bình>")

        # ---- the secretary opens the meeting over the review queue
        s = fx.browser()
        w.sign_in(fx, s, "minh.bo", w.PASSWORDS["minh.bo"])
        s.get(fx.url + "/meetings")
        w.require_labelled(s, "meetings (secretary)")
        w.submit(s, s.find_element(By.CSS_SELECTOR, "a[href='/meetings/new']"))
        w.require_labelled(s, "open a meeting")
        s.find_element(By.ID, "ref").send_keys("05/BB-HĐTĐKT")
        s.find_element(By.ID, "nom-" + yes).click()
        s.find_element(By.ID, "nom-" + no).click()
        w.submit(s, s.find_element(By.CSS_SELECTOR, "#open-form button"))
        assert "Đã mở phiên họp" in w.flash(s), w.flash(s)
        mid = s.current_url.rsplit("/", 1)[1]
        assert mid.isdigit(), s.current_url
        assert s.find_element(By.ID, "meeting-state").get_attribute("data-state") == "open"
        rows = s.find_elements(By.CSS_SELECTOR, "#agenda tr[data-nomination]")
        assert [r.get_attribute("data-nomination") for r in rows] == [yes, no], rows
        assert "Trần Thị <Bình>" in s.find_element(By.ID, "agenda").text  # text, not markup
        assert s.find_element(By.CSS_SELECTOR, "#agenda a[href='/n/%s']" % yes)
        # a nomination on an open agenda cannot be put on a second one
        s.get(fx.url + "/meetings/new")
        s.find_element(By.ID, "ref").send_keys("06/BB-HĐTĐKT")
        s.find_element(By.ID, "nom-" + yes).click()
        w.submit(s, s.find_element(By.CSS_SELECTOR, "#open-form button"))
        assert "Hệ thống từ chối" in w.flash(s), w.flash(s)
        s.get("%s/meetings/%s" % (fx.url, mid))
        for box in s.find_elements(By.CSS_SELECTOR, "#attend-form input[type=checkbox]"):
            if not box.is_selected():
                box.click()
        w.submit(s, s.find_element(By.CSS_SELECTOR, "#attend-form button"))
        assert "Đã ghi nhận thành viên có mặt" in w.flash(s), w.flash(s)
        for who in ("minh.bo", "thu.truong", "uy.vien"):
            assert who in s.find_element(By.ID, "present").text
        w.require_labelled(s, "meeting (secretary)")

        # ---- members vote in their browsers
        c = fx.browser()
        w.sign_in(fx, c, "thu.truong", w.PASSWORDS["thu.truong"])
        c.get(fx.url + "/meetings")
        w.require_labelled(c, "meetings (member)")
        assert c.find_element(By.CSS_SELECTOR, "#open-meetings tr[data-meeting='%s']" % mid)
        csrf = vote(fx, c, mid, {yes: "approve", no: "approve"}, "20-ballot")
        # a second ballot (a forged or stale form) is refused with the daemon's sentence
        w.post_forged(c, "/meetings/%s/vote" % mid,
                      {"csrf": csrf, "b" + yes: "reject", "b" + no: "reject"})
        msg = w.flash(c)
        assert "Hệ thống từ chối" in msg and "đã bỏ phiếu" in msg, msg
        assert not c.find_elements(By.ID, "ballot")
        c.get(fx.url + "/meetings")
        assert "Đã ghi nhận phiếu bầu" in c.find_element(By.ID, "open-meetings").text

        u = fx.browser()
        w.sign_in(fx, u, "uy.vien", w.PASSWORDS["uy.vien"])
        # a ballot without the session's CSRF token is refused and records nothing
        u.get("%s/meetings/%s" % (fx.url, mid))
        w.post_forged(u, "/meetings/%s/vote" % mid, {"b" + yes: "reject", "b" + no: "reject"})
        assert "Không được phép" in u.find_element(By.TAG_NAME, "h1").text
        vote(fx, u, mid, {yes: "approve", no: "reject"})
        vote(fx, s, mid, {yes: "approve", no: "approve"})

        # ---- an officer who is not a member cannot reach the ballot
        o = fx.browser()
        w.sign_in(fx, o, "khoa.hanoi", w.PASSWORDS["khoa.hanoi"])
        assert not o.find_elements(By.CSS_SELECTOR, "a[href='/meetings']")
        o.get("%s/meetings/%s" % (fx.url, mid))
        assert "Không được phép" in o.find_element(By.TAG_NAME, "h1").text
        assert not o.find_elements(By.ID, "ballot") and not o.find_elements(By.ID, "agenda")
        ocsrf = o.find_element(By.CSS_SELECTOR, "header input[name=csrf]").get_attribute("value")
        w.post_forged(o, "/meetings/%s/vote" % mid, {"csrf": ocsrf, "b" + yes: "reject", "b" + no: "reject"})
        assert "không phải thành viên" in w.flash(o), w.flash(o)

        # ---- the secretary closes it: the minutes, the counts, the moves
        s.get("%s/meetings/%s" % (fx.url, mid))
        w.submit(s, s.find_element(By.CSS_SELECTOR, "#close-form button"))
        assert "Đã kết thúc phiên họp" in w.flash(s), w.flash(s)
        assert s.find_element(By.ID, "meeting-state").get_attribute("data-state") == "closed"
        cells = [td.text for td in s.find_elements(
            By.CSS_SELECTOR, "#agenda tr[data-nomination='%s'] td" % yes)]
        assert cells[3:7] == ["3", "3", "0", "3"], cells
        assert s.find_element(By.CSS_SELECTOR, "#agenda tr[data-nomination='%s'] [data-result]"
                              % yes).get_attribute("data-result") == "2"
        cells = [td.text for td in s.find_elements(
            By.CSS_SELECTOR, "#agenda tr[data-nomination='%s'] td" % no)]
        assert cells[3:6] == ["3", "2", "1"], cells
        assert s.find_element(By.CSS_SELECTOR, "#agenda tr[data-nomination='%s'] [data-result]"
                              % no).get_attribute("data-result") == "3"
        minutes = s.find_element(By.ID, "minutes").text
        assert "05/BB-HĐTĐKT" in minutes, minutes
        assert not s.find_elements(By.ID, "close-form") and not s.find_elements(By.ID, "ballot")
        w.require_labelled(s, "closed meeting")
        w.shot(s, "21-meeting")
        s.get("%s/n/%s" % (fx.url, yes))
        assert w.state_of(s) == "ministry-reviewed", w.state_of(s)
        s.get("%s/n/%s" % (fx.url, no))
        assert w.state_of(s) == "returned", w.state_of(s)
        shown = json.loads(fx.ctl("--json", "meeting", "show", mid))
        assert shown["meeting"]["state"] in ("MEETING_STATE_CLOSED", 2), shown["meeting"]["state"]
        c.get(fx.url + "/meetings")
        assert c.find_element(By.CSS_SELECTOR, "#closed-meetings tr[data-meeting='%s']" % mid)

        # ---- the recognition decision: the approver's draft, then the issued one
        c.get("%s/meetings/%s" % (fx.url, mid))
        c.find_element(By.ID, "decision-link").click()
        assert c.find_element(By.ID, "not-issued")
        w.require_labelled(c, "decision (not issued)")
        c.find_element(By.ID, "draft-link").click()
        assert "Nguyễn Văn An" in c.page_source and "công nhận" in c.page_source.lower()
        o.get("%s/meetings/%s/decision" % (fx.url, mid))
        assert "Hệ thống từ chối" in o.page_source and not o.find_elements(By.ID, "draft-link")
        pdf = os.path.join(fx.dir, "qd-1234.pdf")
        with open(pdf, "wb") as f:
            f.write(b"%PDF-1.4\n% Quyet dinh 1234/QD-BTNMT\n%%EOF\n")
        with open(pdf, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        # the approver records the signed decision on the page (multipart form)
        c.get("%s/meetings/%s/decision" % (fx.url, mid))
        form = c.find_element(By.ID, "issue-form")
        assert form.get_attribute("enctype") == "multipart/form-data"
        c.find_element(By.ID, "di-number").send_keys("1234/QĐ-BTNMT")
        c.execute_script("document.getElementById('di-date').value = arguments[0];",
                         shown["meeting"]["day"])
        c.find_element(By.ID, "di-issuer").send_keys("Bộ trưởng Bộ Tài nguyên và Môi trường")
        c.find_element(By.ID, "di-signer").send_keys("Trần Hồng Hà")
        c.find_element(By.ID, "di-signer_title").send_keys("BỘ TRƯỞNG")
        c.find_element(By.ID, "di-file").send_keys(pdf)
        w.submit(c, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert "Đã ghi nhận quyết định 1234/QĐ-BTNMT" in w.flash(c), w.flash(c)
        # the daemon holds it with the hash of the file the browser sent
        issued = fx.ctl("--json", "decision", "show", "1234/QĐ-BTNMT")
        assert sha in issued and "Trần Hồng Hà" in issued, issued
        c.get("%s/meetings/%s/decision" % (fx.url, mid))
        assert c.find_element(By.ID, "issued-number").text == "1234/QĐ-BTNMT"
        assert c.find_element(By.ID, "issued-date").get_attribute("data-date") == \
            shown["meeting"]["day"]
        assert "Trần Hồng Hà" in c.find_element(By.ID, "issued-signer").text
        assert c.find_element(By.ID, "issued-sha256").text == sha
        w.require_labelled(c, "decision (issued)")
        got = c.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0]).then(r => r.arrayBuffer())"
            ".then(b => crypto.subtle.digest('SHA-256', b))"
            ".then(h => done(Array.from(new Uint8Array(h))"
            ".map(x => x.toString(16).padStart(2, '0')).join('')))"
            ".catch(e => done('error ' + e));",
            c.find_element(By.ID, "issued-file").get_attribute("href"))
        assert got == sha, got
        # ... and recognizes the nominations on its list from the same page
        w.submit(c, c.find_element(By.CSS_SELECTOR, "#recognize-form button[type=submit]"))
        assert "Đã công nhận 1 trường hợp; 0" in w.flash(c), w.flash(c)
        c.get("%s/n/%s" % (fx.url, yes))
        assert w.state_of(c) == "recognized", w.state_of(c)

        # ---- English on request
        s.get(fx.url + "/lang?l=en")
        s.get("%s/meetings/%s" % (fx.url, mid))
        assert "Council meeting 05/BB-HĐTĐKT" in s.find_element(By.TAG_NAME, "h1").text
        assert "Minutes" in s.page_source and "Approved" in s.page_source
        w.require_labelled(s, "closed meeting (en)")
        # no choice reaches a log: the web service's nor the daemon's
        for name in ("web.log", "exemplard.log"):
            with open(os.path.join(fx.dir, name)) as f:
                text = f.read().lower()
            for word in ("ballot_approve", "ballot_reject", "choice", "b%s=" % yes, "đồng ý",
                         "=approve", "=reject"):
                assert word not in text, "%s mentions %r" % (name, word)
        print("web council: ok")
    finally:
        fx.stop()


if __name__ == "__main__":
    main()
