#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Timers, leased jobs and the workers against the real daemon,
with campaigns whose deadlines are seconds away:

1. reminders go out once per unit that has not acted (submitted the
   period's plan) and not to those that have, before and after the deadline;
2. a worker killed mid-job (its sendmail blocked) leads to redelivery by
   another worker and still one delivery per channel: one notification, one
   journal entry, one mail;
3. nominations left in a state after its window closed get one stale
   reminder per unit, naming them;
4. the daemon killed between a commit and the worker's acknowledgement
   (the worker saw no answer and sends the same request again) leads to no
   duplicate; restarts neither lose nor repeat timers;
5. a campaign change recomputes future timers (new, cancelled);
6. exemplar-summary takes the quarter's summary job, writes the files and
   does not announce twice.

usage: test_jobs.py EXEMPLARD EXEMPLARCTL EXEMPLAR_REMIND EXEMPLAR_SUMMARY GEN_DIR CLIENT_DIR
"""

import datetime
import email
import email.policy
import email.utils
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

EXEMPLARD, CTL, REMIND, SUMMARY, GEN_DIR, CLIENT_DIR = sys.argv[1:7]
sys.path[:0] = [GEN_DIR, CLIENT_DIR]

import exemplar_client  # noqa: E402
import record_pb2  # noqa: E402
import wire_pb2  # noqa: E402
import workers_pb2  # noqa: E402
import zmq  # noqa: E402

VN = datetime.timezone(datetime.timedelta(hours=7))
DONE = workers_pb2.JOB_DONE


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def wait_until(cond, timeout, what):
    """Polls cond (a condition, not a start-up) until it holds or the deadline passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


class Daemon:
    def __init__(self, tmp):
        self.tmp = tmp
        self.conf = os.path.join(tmp, "exemplard.conf")
        self.proc = None
        self.log = open(os.path.join(tmp, "exemplard.log"), "ab")

    def start(self):
        notify_path = os.path.join(self.tmp, "notify.sock")
        if os.path.exists(notify_path):
            os.unlink(notify_path)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(notify_path)
        notify.settimeout(20)
        env = dict(os.environ, NOTIFY_SOCKET=notify_path)
        for k in ("STATE_DIRECTORY", "RUNTIME_DIRECTORY", "CONFIGURATION_DIRECTORY"):
            env.pop(k, None)
        self.proc = subprocess.Popen([EXEMPLARD, "--state-dir", self.tmp, "--config", self.conf],
                                     env=env, stdout=self.log, stderr=subprocess.STDOUT)
        while "READY=1" not in notify.recv(4096).decode().split("\n"):
            pass
        notify.close()

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def reload(self):
        """SIGHUP, then wait for the reload to be logged."""
        before = self.log_text().count("configuration reloaded")
        self.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: self.log_text().count("configuration reloaded") > before, 10,
                   "the reload")

    def stop(self):
        self.proc.terminate()
        check(self.proc.wait(timeout=30) == 0, "exemplard did not stop cleanly")

    def log_text(self):
        with open(os.path.join(self.tmp, "exemplard.log"), encoding="utf-8",
                  errors="replace") as f:
            return f.read()


class Notifications(threading.Thread):
    """Every notify.* message of the feed, by job id."""

    def __init__(self, endpoint):
        super().__init__(daemon=True)
        self.sock = zmq.Context.instance().socket(zmq.SUB)
        self.sock.setsockopt(zmq.SUBSCRIBE, b"notify.")
        self.sock.connect(endpoint)
        self.by_job = {}
        self.lock = threading.Lock()
        self.stopping = False

    def run(self):
        while not self.stopping:
            if not self.sock.poll(100):
                continue
            topic, body = self.sock.recv_multipart()
            n = workers_pb2.Notification()
            n.ParseFromString(body)
            with self.lock:
                self.by_job.setdefault(n.job, []).append((topic.decode(), n))

    def count(self, job):
        with self.lock:
            return len(self.by_job.get(job, []))

    def jobs(self):
        with self.lock:
            return dict(self.by_job)


def vn_day(t):
    return datetime.datetime.fromtimestamp(t, VN).strftime("%Y-%m-%d")


def main():
    tmp = tempfile.mkdtemp(prefix="exjobs.", dir="/tmp")
    d = Daemon(tmp)
    workers = []
    try:
        run(tmp, d, workers)
        print("ok")
    except BaseException:
        sys.stdout.write(d.log_text()[-6000:])
        raise
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
        if d.proc and d.proc.poll() is None:
            d.kill9()
        if os.environ.get("EXEMPLAR_TEST_KEEP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def write_conf(d, catch_up, stale_after, camp):
    with open(d.conf, "w") as f:
        f.write("[rules]\ncampaign_dir = %s\nlanguage = en\n" % camp)
        f.write("[workers]\nremind_before = 4s\nremind_after = 2s\n")
        f.write("stale_after = %s\ncatch_up = %s\nmax_attempts = 5\n" % (stale_after, catch_up))


def run(tmp, d, workers):
    now = time.time()
    due = now + 9
    due_vn = datetime.datetime.fromtimestamp(due, VN)
    today = vn_day(now)
    yesterday = vn_day(now - 86400)
    month_ago = vn_day(now - 30 * 86400)
    # Stale reminders: the fostering window of t2 closed at the start of today
    # (Vietnam); fire them 12 s from now.
    midnight = datetime.datetime.fromtimestamp(now, VN).replace(hour=0, minute=0, second=0,
                                                                microsecond=0)
    stale_after = "%ds" % (int(now - midnight.timestamp()) + 12)
    camp = os.path.join(tmp, "camp")
    os.mkdir(camp)
    with open(os.path.join(camp, "t1.yaml"), "w") as f:
        f.write("""id: t1
title: Thử nghiệm nhắc hạn
periods:
  - id: p1
    years: [2023, 2024, 2025]
    windows:
      registration: [%s, %s]
      fostering: [%s, %s]
milestones:
  - name: Hạn gửi kế hoạch
    from: %s
    to: %s
    deadline: plan
    period: p1
    due_time: "%s"
""" % (month_ago, vn_day(due), month_ago, vn_day(due + 86400), due_vn.strftime("%Y-%m-%d"),
            due_vn.strftime("%Y-%m-%d"), due_vn.strftime("%H:%M:%S")))
    with open(os.path.join(camp, "t2.yaml"), "w") as f:
        f.write("""id: t2
title: Thử nghiệm hồ sơ tồn đọng
periods:
  - id: q1
    years: [2023, 2024, 2025]
    windows:
      registration: [%s, %s]
      fostering: [%s, %s]
milestones:
  - name: Bồi dưỡng
    from: %s
    to: %s
""" % (month_ago, today, month_ago, yesterday, month_ago, yesterday))
    write_conf(d, "7d", stale_after, camp)
    d.start()
    api = "ipc://%s/api.sock" % tmp
    env = dict(os.environ, EXEMPLAR_API=api)
    c = exemplar_client.Client(api, timeout_ms=10000)
    notes = Notifications("ipc://%s/events.sock" % tmp)
    notes.start()

    def ctl(*args):
        out = subprocess.run([CTL, "--json", *args], env=env, capture_output=True, text=True)
        check(out.returncode == 0, "exemplarctl %s: %s" % (" ".join(args), out.stderr))
        return json.loads(out.stdout)

    def jobs(prefix):
        return ctl("jobs", "--prefix", prefix, "--limit", "1000")["jobs"]

    def timers(prefix):
        return ctl("jobs", "--timers", "--prefix", prefix, "--limit", "1000")["timers"]

    # The first two units act before the deadline; the others do not.  The
    # next two get mail, the fifth keeps nominations past a closed window.
    req = wire_pb2.Request()
    req.units_list.on = vn_day(due)
    codes = sorted({u.code for u in c.call(req).units})
    check(len(codes) > 50, "the registry has %d units valid" % len(codes))
    acted, mailed, late = codes[0:2], codes[2:4], codes[4]
    for unit in acted:
        c.plan_submit(unit, "p1", collective=1, individual=1, solutions="Kế hoạch",
                      document=("1/KH-%s" % unit, today), campaign="t1")
    reminded = set(codes) - set(acted)
    stale_names = ["Tổ Đo đạc %d" % i for i in range(3)]
    for i, name in enumerate(stale_names):
        c.register(late, record_pb2.KIND_COLLECTIVE, name, campaign="t2",
                   subject="%s:TO-%d" % (late, i))

    # ---- worker A blocks in sendmail for unit 03 and is killed ---------------
    mail_log = os.path.join(tmp, "mail.log")
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    block = os.path.join(tmp, "block")
    open(block, "w").close()
    sendmail = os.path.join(tmp, "sendmail.sh")
    with open(sendmail, "w") as f:
        f.write("""#!/bin/sh
msg=$(cat)
if [ -e %(block)s ]; then
    touch %(tmp)s/blocked
    read line < %(fifo)s
    exit 75
fi
printf '%%s\\n----\\n' "$msg" >> %(log)s
""" % {"block": block, "tmp": tmp, "fifo": fifo, "log": mail_log})
    os.chmod(sendmail, 0o755)
    with open(os.path.join(tmp, "recipients.csv"), "w") as f:
        f.write("unit,address,name\n%s,acted@example.vn,Đã gửi\n" % acted[0])
        for unit in mailed:
            f.write("%s,unit-%s@example.vn,Đơn vị %s\n" % (unit, unit, unit))
    remind_args = ["--sendmail", sendmail, "--recipients", os.path.join(tmp, "recipients.csv"),
                   "--lease", "2", "--idle", "100", "--lang", "vi"]
    wa = subprocess.Popen([REMIND, "--name", "remind-a", *remind_args], env=env,
                          stdout=d.log, stderr=subprocess.STDOUT)
    workers.append(wa)
    wait_until(lambda: len(timers("remind/t1/")) == 2, 10, "the two timers of t1 deadline")
    first = [t["id"] for t in timers("remind/t1/") if t["offset"] == "-4s"]
    check(len(first) == 1, "one -4s timer for t1: %s" % first)
    held = first[0] + "/" + mailed[0]

    def delivered(job_id, channel):
        js = [j for j in jobs(job_id) if j["id"] == job_id]
        return bool(js) and any(x["channel"] == channel for x in js[0]["deliveries"])

    wait_until(lambda: delivered(held, "topic") and os.path.exists(os.path.join(tmp, "blocked")),
               30, "worker A to deliver %s on the topic and block in sendmail" % held)
    wa.kill()
    wa.wait()
    os.unlink(block)
    fd = os.open(fifo, os.O_WRONLY)  # releases the orphaned sendmail (exit 75, no mail)
    os.write(fd, b"\n")
    os.close(fd)

    # Worker B links reminders to the web client and signs them with a name.
    web_args = ["--web-url", "https://exemplar.example.vn/", "--from-name",
                "Vụ Thi đua, Khen thưởng và Tuyên truyền"]
    wb = subprocess.Popen([REMIND, "--name", "remind-b", *remind_args, *web_args], env=env,
                          stdout=d.log, stderr=subprocess.STDOUT)
    workers.append(wb)

    def t1_done():
        js = jobs("remind/t1/")
        return len(js) == 2 * len(reminded) and all(j["state"] == "done" for j in js)

    wait_until(t1_done, 60, "every reminder of t1 done (%d jobs)" % (2 * len(reminded)))
    stale_prefix = "stale/t2/q1/registered/"
    wait_until(lambda: len(jobs(stale_prefix)) == 1 and jobs(stale_prefix)[0]["state"] == "done",
               60, "the stale reminder of t2")
    wb.terminate()
    check(wb.wait(timeout=20) == 0, "exemplar-remind did not stop cleanly on SIGTERM")
    # its one-line result, printed at the stop, counts what it delivered itself
    said = re.findall(r"(\d+) reminders? delivered \((\d+) topic, (\d+) journal, (\d+) mail\), "
                      r"(\d+) failed", d.log_text())
    check(said and int(said[-1][0]) > 0, "exemplar-remind's result line: %s" % said)

    # ---- 1, 2: once per unit that has not acted, one delivery per channel ----
    t1 = jobs("remind/t1/")
    units_by_timer = {}
    for j in t1:
        units_by_timer.setdefault(j["timer"], set()).add(j["unit"])
        channels = sorted(x["channel"] for x in j["deliveries"])
        want = ["journal", "topic"] + (["mail"] if j["unit"] in mailed else [])
        check(channels == sorted(want), "%s delivered %s" % (j["id"], channels))
    check(len(units_by_timer) == 2, "two t1 timers fired: %s" % list(units_by_timer))
    for timer, units in units_by_timer.items():
        check(units == reminded, "%s reminded %d units, want %d (not %s)"
              % (timer, len(units), len(reminded), acted))
    wait_until(lambda: all(notes.count(j["id"]) >= 1 for j in t1), 10, "every notification")
    for j in t1:
        check(notes.count(j["id"]) == 1, "%s announced %d times" % (j["id"], notes.count(j["id"])))
    by_job = notes.jobs()
    topic, n = by_job[held][0]
    check(topic == "notify." + mailed[0] and n.lang == "vi" and "Nhắc việc" in n.subject,
          "the reminder of %s: %s %r" % (mailed[0], topic, n.subject))
    check("Còn thiếu" in n.text and "p1" in n.text, "the reminder says what is missing")
    # Addressed to the office that acts for the province today (the
    # registry's addressee), not to the province as a whole.
    check("Kính gửi: Sở Nông nghiệp và Môi trường " in n.text,
          "the reminder is addressed to the department: " + n.text.splitlines()[0])
    h = [j for j in t1 if j["id"] == held][0]
    check(h["attempts"] >= 2 and h["failures"] >= 1 and h["worker"] == "remind-b",
          "the held job was handed out again: %s" % h)
    with open(mail_log, "rb") as f:
        raw_mails = [m for m in f.read().split(b"\n----\n") if m.strip()]
    mails = [m.decode("utf-8") for m in raw_mails]
    check(len(mails) == 4, "4 mails (2 timers x units %s), got %d" % (mailed, len(mails)))
    ids = sorted(line for m in mails for line in m.splitlines() if line.startswith("Message-ID:"))
    check(len(set(ids)) == 4, "each mail once: %s" % ids)
    check(not any("acted@" in m for m in mails), "unit %s acted and got no mail" % acted[0])
    # Every mail passes a strict RFC 5322 / MIME / RFC 2047 parser; its
    # headers are 7-bit (encoded words); the Subject decodes to the topic's
    # Vietnamese subject; the body says what to do and links to the page,
    # and names no command.
    for raw in raw_mails:
        head = raw.split(b"\r\n\r\n", 1)[0]
        check(all(b < 0x80 for b in head), "8-bit bytes in the headers: %r" % head[:300])
        check(all(line.endswith(b"\r") for line in raw.split(b"\n")[:-1]),
              "a line of the mail does not end in CRLF")
        try:
            m = email.message_from_bytes(raw, policy=email.policy.strict)
            hdrs = {k: m[k] for k in ("Date", "From", "To", "Subject", "Message-ID",
                                      "MIME-Version", "Content-Type")}
            body = m.get_content()
        except Exception as e:  # strict: any defect raises
            check(False, "the mail does not parse strictly (%s): %r" % (e, raw[:400]))
        check(not m.defects and all(h is not None and not h.defects for h in hdrs.values()),
              "defects in %r: %r" % (hdrs, [(k, h.defects) for k, h in hdrs.items()
                                           if h is not None and h.defects]))
        job = m["X-Exemplar-Job"]
        unit = job.rsplit("/", 1)[1]
        topic_subject = by_job[job][0][1].subject
        check(str(m["Subject"]) == topic_subject and
              ("Nhắc việc" in topic_subject or "Quá hạn" in topic_subject),
              "the subject decodes to %r, the topic says %r" % (str(m["Subject"]), topic_subject))
        date = email.utils.parsedate_to_datetime(str(m["Date"]))
        check(date.utcoffset() == datetime.timedelta(hours=7) and
              abs(time.time() - date.timestamp()) < 600, "Date: %s" % m["Date"])
        check(m["MIME-Version"] == "1.0" and m.get_content_type() == "text/plain" and
              m.get_content_charset() == "utf-8", "MIME: %s %s" % (m["MIME-Version"],
                                                               m["Content-Type"]))
        # Python's phrase decoder keeps the folding white space between two
        # encoded words (RFC 2047 6.2 drops it): names compare with white
        # space collapsed; the Subject (unstructured) compares exactly.
        def name(h):
            return " ".join(h.addresses[0].display_name.split())
        check(name(m["To"]) == "Đơn vị %s" % unit and
              m["To"].addresses[0].addr_spec == "unit-%s@example.vn" % unit, "To: %s" % m["To"])
        check(name(m["From"]) == "Vụ Thi đua, Khen thưởng và Tuyên truyền",
              "From: %s" % m["From"])
        check("Việc cần làm" in body and "danh sách đăng ký xây dựng điển hình tiên tiến" in body,
              "the mail says what to do in the plan's words: " + body)
        check("https://exemplar.example.vn/units/%s/plans/t1/p1" % unit in body,
              "the mail links to the unit's page: " + body)
        check("exemplarctl" not in body, "the mail tells a clerk to run a command: " + body)

    # ---- 3: the stale reminder names the nominations -------------------------
    s = jobs(stale_prefix)[0]
    check(s["unit"] == late, "the stale reminder is for unit %s: %s" % (late, s))
    wait_until(lambda: notes.count(s["id"]) == 1, 10, "the stale notification")
    text = notes.jobs()[s["id"]][0][1].text
    check(all(name in text for name in stale_names), "the stale reminder names them: " + text)

    # ---- 4: a lost answer, the daemon killed between commit and ack ----------
    write_conf(d, "120d", stale_after, camp)  # the last quarter's summary is due now
    d.reload()
    wait_until(lambda: any(j["state"] == "ready" for j in jobs("summary/")), 10,
               "the summary job of the last quarter")
    quarter = [j for j in jobs("summary/") if j["state"] == "ready"][0]["id"]
    lease = wire_pb2.Request()
    lease.job_lease.worker = "py-worker"
    lease.job_lease.kinds.append(workers_pb2.JOB_SUMMARY)
    lease.job_lease.lease_ms = 60000
    got = c.call(lease).jobs
    check(len(got) == 1 and got[0].id == quarter, "leased %s" % [j.id for j in got])
    token = got[0].lease_token
    check(len(token) >= 16, "the lease reply carries a lease token: %r" % token)
    listed = wire_pb2.Request()
    listed.job_list.prefix = quarter
    for j in c.call(listed).jobs:
        check(not j.lease_token and not j.lease_hash, "job_list shows the lease's secret: %s" % j)
    shown = json.dumps(jobs(quarter))
    check(token.hex() not in shown and "lease_hash" not in shown, "exemplarctl jobs shows it")

    deliver = wire_pb2.Request()
    deliver.job_deliver.id, deliver.job_deliver.lease_token = quarter, token
    deliver.job_deliver.channel = "topic"
    deliver.job_deliver.notification.subject = "Tổng hợp đã sẵn sàng"
    deliver.job_deliver.notification.text = "Báo cáo tổng hợp quý."
    deliver.job_deliver.notification.lang = "vi"
    deliver.request_id = exemplar_client.request_id()
    first_answer = c.call(deliver)
    wait_until(lambda: notes.count(quarter) == 1, 10, "the summary's announcement")
    d.kill9()
    d.start()
    c.close()
    again = c.call(deliver)  # the same request id: the worker never saw the answer
    check(again.SerializeToString() == first_answer.SerializeToString(),
          "the retried delivery got the first answer")
    deliver.request_id = exemplar_client.request_id()
    check(c.call(deliver).already, "a new delivery on a recorded channel is answered already")
    ack = wire_pb2.Request()
    ack.job_ack.id, ack.job_ack.lease_token, ack.job_ack.ok = quarter, token, True
    ack.request_id = exemplar_client.request_id()
    acked = c.call(ack)
    d.kill9()
    d.start()
    c.close()
    check(c.call(ack).SerializeToString() == acked.SerializeToString(),
          "the retried acknowledgement got the first answer")
    ack.request_id = exemplar_client.request_id()
    try:
        c.call(ack)
        raise AssertionError("a second acknowledgement was accepted")
    except exemplar_client.ExemplarError as e:
        check(e.name == "lease-lost", "a second acknowledgement: %s" % e.name)
    q = [j for j in jobs(quarter) if j["id"] == quarter][0]
    check(q["state"] == "done" and [x["channel"] for x in q["deliveries"]] == ["topic"],
          "the summary job after the restarts: %s" % q)
    time.sleep(0)  # the notification count is read after the restarts below
    # Restarts neither lose nor repeat timers.
    check(len(jobs("remind/t1/")) == 2 * len(reminded), "restarts made no new reminder jobs")
    check(all(t["state"] == "fired" for t in timers("remind/t1/")), "t1 timers stay fired")
    check(notes.count(quarter) == 1, "the summary was announced once")

    # ---- 5: a campaign change recomputes the future timers -------------------
    tomorrow = vn_day(now + 86400)
    with open(os.path.join(camp, "t1.yaml"), "a") as f:
        f.write("""  - name: Hạn bổ sung
    from: %s
    to: %s
    deadline: plan
    period: p1
""" % (tomorrow, tomorrow))
    d.reload()
    prefix = "remind/t1/p1/plan/%s/" % tomorrow
    wait_until(lambda: len(timers(prefix)) == 2, 10, "the new deadline's timers")
    check(all(t["state"] == "pending" for t in timers(prefix)),
          "the new deadline's timers: %s" % timers(prefix))
    with open(os.path.join(camp, "t1.yaml")) as f:
        text = f.read()
    with open(os.path.join(camp, "t1.yaml"), "w") as f:
        f.write(text[:text.index("  - name: Hạn bổ sung")])
    d.reload()
    wait_until(lambda: all(t["state"] == "cancelled" for t in timers(prefix)), 10,
               "the removed deadline's timers cancelled")

    # ---- 6: exemplar-summary takes the job again, writes, does not re-announce
    ctl("jobs", "retry", quarter)
    reports = os.path.join(tmp, "reports")
    os.mkdir(reports)
    ws = subprocess.run([SUMMARY, "--once", "--reports-dir", reports, "--idle", "100"], env=env,
                        capture_output=True, text=True, timeout=120)
    check(ws.returncode == 0, "exemplar-summary --once: %s" % ws.stderr)
    check(re.search(r"^1 summary written into .*, 0 failed$", ws.stdout, re.M),
          "exemplar-summary --once printed %r, not its one-line result" % ws.stdout)
    name = quarter.split("/")[1]
    for ext in ("json", "csv", "xlsx", "html"):
        check(os.path.getsize(os.path.join(reports, "summary-%s.%s" % (name, ext))) > 0,
              "summary-%s.%s written" % (name, ext))
    q = [j for j in jobs(quarter) if j["id"] == quarter][0]
    check(q["state"] == "done" and sorted(x["channel"] for x in q["deliveries"]) == ["file", "topic"],
          "the summary job: %s" % q)
    check(notes.count(quarter) == 1, "the summary was not announced twice")
    notes.stopping = True
    d.stop()


if __name__ == "__main__":
    main()
