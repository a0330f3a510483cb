#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# exemplar-web in a real browser (Debian's chromium, driven by chromedriver
# through python3-selenium) against the real daemon over CURVE: the web
# service holds its own key as a gateway and acts for the signed-in person.
#
#   unit officer: one-time password changed at the first sign-in, registers
#     a candidate, fosters it and sends it to the unit review;
#   reviewer (a second browser): finds it in the review queue and passes the
#     Ministry review; the officer's open page sees the move arrive (the live
#     view), and a move from that page, now stale, is refused as a conflict
#     that names the current state instead of overwriting it;
#   approver: recognises it with the decision's number, date and issuer;
#   an officer of another unit neither sees it nor acts on it, typing the
#     URL or posting a forged form with their own CSRF token;
#   a form without its CSRF token is refused and changes nothing;
#   the nomination page shows the subject's evidence ledger and check's
#     explanation; the reviewer records a missing year's title with its decision,
#     and this year's is refused by the daemon's rules, the refusal shown;
#   every control of every page has a label the browser associates with it;
#   English on request; the approver revokes the recognition with a decision;
#   five wrong passwords lock sign-in, even with the right password after.
#
# Usage: test_web_browser.py EXEMPLARD EXEMPLARCTL EXEMPLAR_WEB
# Screenshots of the main pages go to $WEB_SHOTS when it is set.

import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

EXEMPLARD, CTL, WEB = sys.argv[1:4] if __name__ == "__main__" else (None, None, None)
SHOTS = os.environ.get("WEB_SHOTS")
# The daemon's days are Vietnam's (UTC+7): this year, and a title's
# decision signed early in the year after it (today, early in January).
TODAY = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).date()
YEAR = TODAY.year
TODAY = TODAY.isoformat()
SUBJECT = "01:TKH-%d" % os.getpid()


def signed_for(year):
    return min("%d-01-15" % (year + 1), TODAY)


PASSWORDS = {
    "minh.bo": "xem-xet-2026-bo",
    "thu.truong": "cong-nhan-2026",
    "hung.haiphong": "hai-phong-2026",
    "khoa.hanoi": "ha-noi-khoa-2026",
}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Fixture:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="exw.", dir="/tmp")
        self.procs = []
        self.browsers = []
        self.api = "ipc://%s/api.sock" % self.dir

    def ctl(self, *args, stdin=None):
        out = subprocess.run([CTL, "--api", self.api, *args], input=stdin, capture_output=True,
                             text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError("exemplarctl %s: %s %s" % (args, out.stdout, out.stderr))
        return out.stdout

    def start(self, web_extra=""):
        d = self.dir
        for name in ("server", "web"):
            self.ctl("keygen", name, "--dir", d)
        with open(d + "/web.pub") as f:
            web_public = [l.strip() for l in f if l.strip() and not l.startswith("#")][0]
        keys = d + "/keys"
        with open(keys, "w") as f:
            f.write("web gateway - %s\n" % web_public)
        os.chmod(keys, 0o640)
        port = free_port()
        conf = d + "/exemplard.conf"
        with open(conf, "w") as f:
            f.write("[rules]\nenforce = no\n[auth]\nendpoint = tcp://127.0.0.1:%d\n"
                    "secret_key_file = %s/server.key\nkeys_file = %s\n" % (port, d, keys))
        self.log = open(d + "/exemplard.log", "w")
        self.procs.append(subprocess.Popen(
            [EXEMPLARD, "--state-dir", d + "/state", "--api", self.api, "--events",
             "ipc://%s/events.sock" % d, "--config", conf],
            stdout=self.log, stderr=subprocess.STDOUT))
        self.ctl("ping", "--wait", "20")
        self.web_port = free_port()
        wconf = d + "/web.conf"
        with open(wconf, "w") as f:
            f.write("[web]\nlisten = 127.0.0.1:%d\n[daemon]\napi = tcp://127.0.0.1:%d\n"
                    "server_key_file = %s/server.pub\nkey_file = %s/web.key\n"
                    "events = ipc://%s/events.sock\n"
                    "[login]\nmax_failures = 5\nlock_seconds = 600\n%s"
                    % (self.web_port, port, d, d, d, web_extra))
        check = subprocess.run([WEB, "--config", wconf, "--check-config"], capture_output=True,
                               text=True)
        assert check.returncode == 0 and "configuration OK" in check.stdout, check
        self.web = subprocess.Popen([WEB, "--config", wconf], stdout=subprocess.PIPE,
                                    stderr=open(d + "/web.log", "w"), text=True)
        self.procs.append(self.web)
        line = self.web.stdout.readline()  # printed once it listens
        assert "listening on" in line, line
        self.url = "http://127.0.0.1:%d" % self.web_port

    def add_user(self, name, role, unit="-"):
        doc = json.loads(self.ctl("--json", "user", "add", name, role, unit))
        if name in PASSWORDS:
            self.ctl("user", "passwd", name, "-", stdin=PASSWORDS[name] + "\n")
        return doc["one_time_password"]

    def browser(self, phone=False):
        o = Options()
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                  "--window-size=1280,900", "--lang=vi"):
            o.add_argument(a)
        if phone:  # a window cannot be narrower than 500 px: emulate the device
            o.add_experimental_option("mobileEmulation", {
                "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2}})
        b = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
        b.set_page_load_timeout(30)
        self.browsers.append(b)
        return b

    def stop(self):
        for b in self.browsers:
            b.quit()
        bad = []
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(20)
            if p.returncode != 0:  # a crash, or a sanitizer's report at exit
                bad.append("%s exited %s" % (p.args[0], p.returncode))
        if bad:
            for name in ("exemplard.log", "web.log"):
                path = os.path.join(self.dir, name)
                if os.path.exists(path):
                    sys.stderr.write("---- %s ----\n%s\n" % (name, open(path).read()[-6000:]))
        if not os.environ.get("EXEMPLAR_TEST_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)
        assert not bad, bad


def shot(b, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        b.save_screenshot(os.path.join(SHOTS, name + ".png"))


def record_title(b, title, year, number, date, issuer):
    """Fills the reviewer's evidence form of the open nomination page and sends it."""
    field = b.find_element(By.ID, "ev-title")
    field.clear()
    field.send_keys(title)
    b.find_element(By.ID, "ev-year").send_keys(str(year))
    b.find_element(By.ID, "ev-dn").send_keys(number)
    # typed dates depend on the browser's locale: set the ISO value itself
    b.execute_script("arguments[0].value = arguments[1]", b.find_element(By.ID, "ev-dd"), date)
    b.find_element(By.ID, "ev-di").send_keys(issuer)
    submit(b, b.find_element(By.CSS_SELECTOR, "#evidence-form button"))


def submit(b, button):
    """Clicks a submit button and waits for the next page (a click returns
    before the navigation it starts has finished)."""
    button.click()
    WebDriverWait(b, 20).until(lambda _: gone(button))


def gone(element):
    """Is element no longer in the page?  While the page is being replaced
    chromedriver may also answer "Node ... does not belong to the
    document" instead of a stale reference: that is gone too."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong to the document" in str(e):
            return True
        raise


def sign_in(fx, b, name, password):
    b.get(fx.url + "/login")
    b.find_element(By.ID, "name").send_keys(name)
    b.find_element(By.ID, "password").send_keys(password)
    submit(b, b.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def flash(b):
    found = b.find_elements(By.CSS_SELECTOR, ".flash")
    return found[0].text if found else ""


def state_of(b):
    return b.find_element(By.ID, "state").get_attribute("data-state")


def click_move(b, verb):
    submit(b, b.find_element(By.CSS_SELECTOR, "button[name=verb][value='%s']" % verb))


def require_labelled(b, where):
    """Every visible control has a label the browser associates with it (or
    an aria-label); every button says what it does."""
    bad = b.execute_script("""
        const bad = [];
        for (const el of document.querySelectorAll('input, select, textarea')) {
            if (el.type === 'hidden') continue;
            if ((el.labels && el.labels.length) || el.getAttribute('aria-label')) continue;
            bad.push(el.outerHTML);
        }
        for (const el of document.querySelectorAll('button')) {
            if (!el.textContent.trim() && !el.getAttribute('aria-label')) bad.push(el.outerHTML);
        }
        if (!document.documentElement.lang) bad.push('html without lang');
        if (!document.querySelector('h1')) bad.push('no h1');
        return bad;""")
    assert not bad, "%s: controls without labels: %s" % (where, bad)


def post_forged(b, action, fields):
    """Posts a form built in the page (as a forger or a tamperer would)."""
    old = b.find_element(By.TAG_NAME, "html")
    b.execute_script("""
        const f = document.createElement('form');
        f.method = 'post'; f.action = arguments[0];
        for (const [k, v] of Object.entries(arguments[1])) {
            const i = document.createElement('input');
            i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);
        }
        document.body.appendChild(f); f.submit();""", action, fields)
    WebDriverWait(b, 20).until(lambda _: gone(old))


def main():
    fx = Fixture()
    try:
        fx.start()
        lan_once = fx.add_user("lan.hanoi", "unit-officer", "01")
        for name, role, unit in (("minh.bo", "ministry-reviewer", "-"),
                                 ("thu.truong", "approver", "-"),
                                 ("hung.haiphong", "unit-officer", "02"),
                                 ("khoa.hanoi", "unit-officer", "01")):
            fx.add_user(name, role, unit)

        # ---- the unit officer: one-time password, then register and move
        a = fx.browser()
        a.get(fx.url + "/")
        assert a.current_url.endswith("/login"), a.current_url
        require_labelled(a, "sign-in")
        shot(a, "01-sign-in")
        sign_in(fx, a, "lan.hanoi", lan_once)
        assert a.current_url.endswith("/password"), a.current_url
        require_labelled(a, "password")
        a.find_element(By.ID, "new").send_keys("lan-ha-noi-2026")
        a.find_element(By.ID, "again").send_keys("lan-ha-noi-2026")
        submit(a, a.find_element(By.CSS_SELECTOR, "main form button"))
        assert a.current_url.endswith("/"), a.current_url
        assert "Đã đổi mật khẩu" in flash(a), flash(a)
        submit(a, a.find_element(By.LINK_TEXT, "Đăng ký trường hợp đề nghị"))
        require_labelled(a, "register")
        a.find_element(By.ID, "name").send_keys("Tổ Kế hoạch – Sở Tài nguyên & <Môi trường>")
        a.find_element(By.CSS_SELECTOR, "#kind option[value=collective]").click()
        a.find_element(By.ID, "subject").send_keys(SUBJECT)
        shot(a, "02-register")
        submit(a, a.find_element(By.CSS_SELECTOR, "main form button"))
        assert "/n/" in a.current_url, a.current_url
        nid = a.current_url.rsplit("/", 1)[1]
        assert "Đã đăng ký" in flash(a), flash(a)
        # the name is shown as text, never as markup
        assert "Tổ Kế hoạch – Sở Tài nguyên & <Môi trường>" in a.find_element(By.TAG_NAME,
                                                                               "dd").text
        assert state_of(a) == "registered"
        require_labelled(a, "nomination (officer)")
        # the ledger and check's explanation beside the nomination; no form for an officer
        assert a.find_element(By.ID, "subject").text == SUBJECT
        assert "Chưa ghi nhận danh hiệu nào" in a.find_element(By.ID, "evidence").text
        assert not a.find_elements(By.ID, "evidence-form"), "an officer may not record titles"
        assert "tiêu chí" in a.find_element(By.ID, "explain").text, \
            a.find_element(By.ID, "explain").text
        assert a.find_element(By.ID, "met").get_attribute("data-met") == "no"
        click_move(a, "foster")
        assert state_of(a) == "fostering", flash(a)
        # the collective's acclamation, recorded by the unit before its review
        # (a rule set may require it: the daemon decides)
        a.find_element(By.ID, "ac-present").send_keys("4")
        a.find_element(By.ID, "ac-favour").send_keys("3")
        a.execute_script("arguments[0].value = arguments[1]",
                         a.find_element(By.ID, "ac-date"), TODAY)
        submit(a, a.find_element(By.CSS_SELECTOR, "#acclaim-form button"))
        assert "Đã ghi nhận: 3 trên 4" in flash(a), flash(a)
        explain = a.find_element(By.ID, "explain").text
        assert "suy tôn" in explain and "3 trên 4" in explain, explain
        click_move(a, "review-unit")
        assert state_of(a) == "unit-reviewed", flash(a)
        shot(a, "03-officer-nomination")
        a.get(fx.url + "/")
        assert nid in a.page_source
        assert "Bình xét cấp đơn vị" in a.page_source
        require_labelled(a, "list (officer)")
        # search without diacritics finds the name written with them
        a.find_element(By.ID, "q").send_keys("to ke hoach")
        submit(a, a.find_element(By.CSS_SELECTOR, "form[role=search] button"))
        assert "/n/%s\"" % nid in a.page_source, "search without diacritics missed it"
        a.get(fx.url + "/?state=all&q=khong+co+ten+nay")
        assert "/n/%s\"" % nid not in a.page_source
        a.get(fx.url + "/")
        shot(a, "04-officer-list")
        # the unit's plan for the period, sent to the Ministry
        a.get(fx.url + "/plans")
        require_labelled(a, "plans (officer)")
        a.find_element(By.ID, "ec").clear()
        a.find_element(By.ID, "ec").send_keys("2")
        a.find_element(By.ID, "ei").clear()
        a.find_element(By.ID, "ei").send_keys("1")
        a.find_element(By.ID, "sol").send_keys("Bồi dưỡng hai tập thể, một cá nhân")
        a.find_element(By.ID, "docn").send_keys("12/KH-STNMT")
        a.find_element(By.ID, "docd").send_keys("01092026")
        submit(a, a.find_element(By.CSS_SELECTOR, "button[name=send][value=submit]"))
        assert "Đã gửi kế hoạch lên Bộ" in flash(a), flash(a)
        plan = a.find_element(By.CSS_SELECTOR, "tr[data-unit='01'] [data-plan]")
        assert plan.get_attribute("data-plan") in ("submitted", "late"), plan.text
        shot(a, "05-officer-plan")
        a.get(fx.url + "/n/" + nid)  # the officer keeps this page open

        # ---- the reviewer, in a second browser: the queue, the review
        b = fx.browser()
        sign_in(fx, b, "minh.bo", PASSWORDS["minh.bo"])
        assert "Danh sách chờ Bộ xem xét" in b.find_element(By.TAG_NAME, "h1").text
        assert "/n/%s\"" % nid in b.page_source, "the review queue lacks the nomination"
        require_labelled(b, "review queue")
        shot(b, "06-review-queue")
        b.get(fx.url + "/n/" + nid)
        require_labelled(b, "nomination (reviewer)")
        shot(b, "07-reviewer-nomination")
        # ---- the reviewer records evidence: a year the criteria miss is taken ...
        crit = b.find_element(By.CSS_SELECTOR, "#check tr[data-title=TTLDXS]")
        need = int(crit.find_elements(By.TAG_NAME, "td")[2].text.split(",")[0])
        record_title(b, "TTLDXS", need, "%02d01/QĐ-UBND" % (need % 100), signed_for(need),
                     "Chủ tịch UBND Thành phố Hà Nội")
        assert "Đã ghi nhận: TTLDXS năm %d" % need in flash(b), flash(b)
        row = b.find_element(By.CSS_SELECTOR, "#ledger tr[data-year='%d']" % need)
        assert "TTLDXS" in row.text and "QĐ-UBND" in row.text and "Chủ tịch UBND" in row.text, \
            row.text
        assert row.get_attribute("data-revoked") == "no"
        cells = b.find_elements(By.CSS_SELECTOR, "#check tr[data-title=TTLDXS] td")
        assert str(need) in cells[1].text and str(need) not in cells[2].text, \
            [c.text for c in cells]
        assert "có các năm %d" % need in b.find_element(By.ID, "explain").text
        # ... this year's is refused by the daemon's rules (the year has not
        # ended), and the page shows the refusal and records nothing
        record_title(b, "TTLDXS", YEAR, "1/QĐ-UBND", TODAY, "Chủ tịch UBND Thành phố Hà Nội")
        msg = flash(b)
        assert "Hệ thống từ chối" in msg and str(YEAR) in msg, msg
        # the daemon's own sentence is in the page's language (Request.language)
        assert "chưa thể ghi nhận danh hiệu năm %d" % YEAR in msg, msg
        assert not b.find_elements(By.CSS_SELECTOR, "#ledger tr[data-year='%d']" % YEAR)
        shot(b, "07b-reviewer-evidence")
        ledger = json.loads(fx.ctl("--json", "evidence", "list", SUBJECT))["evidence"]
        assert [(e["year"], e["title"]) for e in ledger] == [(need, "TTLDXS")], ledger
        # the officer sees the recorded title too
        a.get(fx.url + "/n/" + nid)
        assert a.find_element(By.CSS_SELECTOR, "#ledger tr[data-year='%d']" % need)
        a.get(fx.url + "/n/" + nid)  # the officer keeps this page open
        click_move(b, "review-ministry")
        assert state_of(b) == "ministry-reviewed", flash(b)

        # ---- the live view: the officer's open page sees the move arrive
        # woken by the change feed: without news, a stream on a feed re-reads every 15 s only
        WebDriverWait(a, 6).until(lambda _: "Bộ xem xét" in a.find_element(By.ID, "live").text)
        assert "minh.bo" in a.find_element(By.ID, "live").text
        assert state_of(a) == "ministry-reviewed"  # updated in place, no reload
        shot(a, "08-live-update")

        # ---- the officer's stale page: a conflict naming the current state
        a.find_element(By.ID, "reason-withdraw").send_keys("Đơn vị rút hồ sơ")
        click_move(a, "withdraw")
        msg = flash(a)
        assert "người khác" in msg and "Bộ xem xét" in msg, msg
        assert state_of(a) == "ministry-reviewed"
        shot(a, "09-conflict")

        # ---- the quarterly summary, the document the summary worker makes
        b.get(fx.url + "/summary")
        require_labelled(b, "summary form")
        submit(b, b.find_element(By.CSS_SELECTOR, "main form button"))
        assert "/summary?quarter=" in b.current_url, b.current_url
        text = b.find_element(By.TAG_NAME, "body").text
        assert "BÁO CÁO" in text and "Bộ xem xét" in text, text[:500]
        shot(b, "10-summary")
        # ... and the final review report of the campaign (tổng kết)
        b.get(fx.url + "/report")
        require_labelled(b, "report form")
        field = b.find_element(By.ID, "campaign")
        field.clear()
        field.send_keys("demo")
        b.find_element(By.ID, "period").clear()
        submit(b, b.find_element(By.CSS_SELECTOR, "main form button"))
        assert "/report?campaign=demo" in b.current_url, b.current_url
        text = b.find_element(By.TAG_NAME, "body").text
        assert "Tổng kết công tác" in text and "demo" in text, text[:500]
        shot(b, "10b-final-report")

        # ---- the reviewer accepts the unit's plan
        b.get(fx.url + "/plans")
        require_labelled(b, "plans (reviewer)")
        b.find_element(By.ID, "why-accept-01").send_keys("Kế hoạch phù hợp")
        shot(b, "11-reviewer-plans")
        submit(b, b.find_element(By.CSS_SELECTOR, "tr[data-unit='01'] button[value=accept]"))
        assert "Đã chấp nhận kế hoạch" in flash(b), flash(b)
        assert b.find_element(By.CSS_SELECTOR, "tr[data-unit='01'] [data-plan]") \
            .get_attribute("data-plan") == "accepted"

        # ---- the approver recognises it with the decision
        c = fx.browser()
        sign_in(fx, c, "thu.truong", PASSWORDS["thu.truong"])
        assert "Chờ công nhận" in c.find_element(By.TAG_NAME, "h1").text
        assert "/n/%s\"" % nid in c.page_source, "the approver's queue lacks the nomination"
        shot(c, "12a-approver-queue")
        c.get(fx.url + "/n/" + nid)
        require_labelled(c, "nomination (approver)")
        c.find_element(By.ID, "dn-recognize").send_keys("1234/QĐ-BTNMT")
        c.find_element(By.ID, "dd-recognize").send_keys("15122026")
        c.find_element(By.ID, "di-recognize").send_keys("Bộ trưởng Bộ Tài nguyên và Môi trường")
        shot(c, "12-approver-recognise")
        click_move(c, "recognize")
        assert state_of(c) == "recognized", flash(c)
        assert "1234/QĐ-BTNMT" in c.page_source
        shot(c, "13-recognised")
        hist = c.find_elements(By.CSS_SELECTOR, "#history tbody tr")
        assert len(hist) == 5, len(hist)
        assert "(web: web)" in hist[0].text, hist[0].text

        # ---- an officer of another unit: nothing to see, nothing to do
        d = fx.browser()
        sign_in(fx, d, "hung.haiphong", PASSWORDS["hung.haiphong"])
        assert "/n/%s\"" % nid not in d.page_source, "unit 02 sees unit 01's nomination"
        d.get(fx.url + "/n/" + nid)
        assert "Không được phép" in d.find_element(By.TAG_NAME, "h1").text
        assert "02" in d.find_element(By.CSS_SELECTOR, "main p").text
        csrf = d.find_element(By.CSS_SELECTOR, "form[action='/logout'] input[name=csrf]") \
            .get_attribute("value")
        post_forged(d, "/n/%s/move" % nid, {"csrf": csrf, "to": "revoked",
                                            "expected_version": "5", "request_id": "77",
                                            "reason": "giả mạo", "decision_number": "1/QĐ"})
        assert "Hệ thống từ chối" in d.page_source, d.page_source
        shown = json.loads(fx.ctl("--json", "show", nid))
        assert shown["state"] == "recognized", shown

        # ---- a form without its CSRF token is refused and changes nothing
        before = fx.ctl("--json", "list")
        a.get(fx.url + "/register")
        post_forged(a, "/register", {"name": "Không có mã CSRF", "kind": "collective",
                                     "request_id": "99"})
        assert "Biểu mẫu đã hết hạn" in a.page_source, a.page_source
        assert fx.ctl("--json", "list") == before

        # ---- English on request
        a.get(fx.url + "/")
        submit(a, a.find_element(By.LINK_TEXT, "English"))
        assert "Sign out" in a.page_source and a.find_element(
            By.TAG_NAME, "html").get_attribute("lang") == "en"
        a.get(fx.url + "/n/" + nid)
        assert "Recognised" in a.page_source
        shot(a, "14-english")
        # a refusal reaches an English page in English: the reviewer, switched
        # to English, records this year's title again
        b.get(fx.url + "/")
        submit(b, b.find_element(By.LINK_TEXT, "English"))
        b.get(fx.url + "/n/" + nid)
        record_title(b, "TTLDXS", YEAR, "2/QĐ-UBND", TODAY, "Chủ tịch UBND Thành phố Hà Nội")
        msg = flash(b)
        assert "The daemon refused" in msg and \
            "the titles of %d cannot be recorded yet" % YEAR in msg, msg
        assert "chưa thể" not in msg, msg

        # ---- on a phone
        p = fx.browser(phone=True)
        sign_in(fx, p, "khoa.hanoi", PASSWORDS["khoa.hanoi"])
        width = p.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, "the list is wider than a phone: %d" % width
        shot(p, "15-phone-list")
        p.get(fx.url + "/register")
        shot(p, "16-phone-register")

        # ---- five wrong passwords lock sign-in, the right one included
        e = fx.browser()
        for i in range(5):
            sign_in(fx, e, "thu.truong", "sai-mat-khau-%d" % i)
            assert "Sai tên đăng nhập hoặc mật khẩu" in e.page_source, i
        sign_in(fx, e, "thu.truong", PASSWORDS["thu.truong"])
        assert "tạm thời bị khóa" in e.page_source, e.page_source
        assert e.current_url.endswith("/login")
        shot(e, "17-locked")

        # ---- the approver revokes the recognition: a decision and a reason
        c.get(fx.url + "/n/" + nid)
        c.find_element(By.ID, "reason-revoke").send_keys("Quyết định bị hủy do sai sót hồ sơ")
        c.find_element(By.ID, "dn-revoke").send_keys("99/QĐ-BTNMT")
        # typed dates depend on the browser's locale: set the ISO value itself
        c.execute_script("arguments[0].value = '2026-12-20'", c.find_element(By.ID, "dd-revoke"))
        c.find_element(By.ID, "di-revoke").send_keys("Bộ trưởng Bộ Tài nguyên và Môi trường")
        click_move(c, "revoke")
        assert state_of(c) == "revoked", flash(c)
        assert "Quyết định bị hủy" in c.page_source
        print("exemplar-web browser test: all passed")
    except Exception:
        for name in ("exemplard.log", "web.log"):
            path = os.path.join(fx.dir, name)
            if os.path.exists(path):
                sys.stderr.write("---- %s ----\n%s\n" % (name, open(path).read()[-4000:]))
        raise
    finally:
        fx.stop()


if __name__ == "__main__":
    main()
