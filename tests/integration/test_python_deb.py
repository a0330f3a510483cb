#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""python3-exemplar, the Debian package of the exemplar Python client
(clients/python/mkdeb.py): built from a wheel made offline from a copy of
the sources; its control fields (Architecture all, the Debian dependencies),
its files (the modules in /usr/lib/python3/dist-packages with the generated
exemplar._pb, copyright, changelog, the py3compile/py3clean scripts);
lintian without an error or a warning; and the unpacked tree imports and
talks to the real daemon.

With `install` after the arguments, instead: the package installed and
removed with dpkg in the real-systemd test root (tests/systemd/test-root.sh,
under systemd-nspawn --volatile=overlay, so the cached root is not written):
its maintainer scripts run cleanly, its files come and go.  The root has no
Python, so the install forces the dependencies and py3compile is absent (the
scripts' other branch).  Exits 77 (skipped) where nspawn cannot run.

usage: test_python_deb.py EXEMPLARD CLIENT_SRC PROTO_DIR [install]"""

import glob
import os
import shutil
import subprocess
import sys

from test_python_daemon import Daemon, check, cleanup, fail, tempdir

EXEMPLARD, CLIENT_SRC, PROTO = (os.path.abspath(a) for a in sys.argv[1:4])
INSTALL = sys.argv[4:5] == ["install"]
TMP = tempdir("exdb.")
SITE = "usr/lib/python3/dist-packages"


def run(*argv, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        fail(f"{' '.join(argv)} exited {p.returncode}:\n{p.stdout}{p.stderr}")
    return p.stdout


def lifecycle(deb):
    root_sh = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "systemd",
                           "test-root.sh")
    if shutil.which("systemd-nspawn") is None or os.geteuid() != 0:
        print("SKIP: needs root and systemd-nspawn")
        raise SystemExit(77)
    p = subprocess.run(["bash", root_sh], capture_output=True, text=True)
    if p.returncode != 0:
        print(f"SKIP: no test root ({p.stderr.strip()})")
        raise SystemExit(77)
    root = p.stdout.strip()
    site = f"/{SITE}/exemplar"
    script = f"""set -e
dpkg -i --force-depends /debs/{os.path.basename(deb)}
dpkg-query -W -f='${{Status}}\\n' python3-exemplar
test -f {site}/client.py && test -f {site}/_pb/wire_pb2.py
test -f /usr/share/doc/python3-exemplar/copyright
dpkg -r python3-exemplar
test ! -e {site}
echo lifecycle-done
"""
    p = subprocess.run(["systemd-nspawn", "-D", root, "--register=no", "--keep-unit", "-q",
                        "--volatile=overlay", f"--bind-ro={os.path.dirname(deb)}:/debs",
                        "/bin/sh", "-c", script], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=120)
    out = p.stdout.replace("\r", "")
    if p.returncode != 0 and "lifecycle-done" not in out and "Failed" in p.stderr:
        print(f"SKIP: systemd-nspawn cannot run here ({p.stderr.strip()})")
        raise SystemExit(77)
    check(p.returncode == 0 and "install ok installed" in out and "lifecycle-done" in out,
          f"install and remove in the test root:\n{out}{p.stderr}")
    noise = [line for line in (out + p.stderr).splitlines()
             if "cannot remove" in line or "rmdir" in line or "find:" in line]
    check(not noise, f"the maintainer scripts are not clean: {noise}")
    print("python3-exemplar installed and removed: ok")


def main():
    src = os.path.join(TMP, "src")
    shutil.copytree(CLIENT_SRC, src, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "_pb", "__pycache__"))
    env = dict(os.environ, EXEMPLAR_PROTO_DIR=PROTO)
    env.pop("PYTHONPATH", None)
    run("/usr/bin/python3", "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--no-index", "-q", "-w", f"{TMP}/dist", src, env=env)
    wheel = glob.glob(f"{TMP}/dist/exemplar-*.whl")[0]
    deb = run("/usr/bin/python3", os.path.join(src, "mkdeb.py"), wheel, f"{TMP}/dist",
              "Kiểm thử <test@example.org>", env=env).strip()
    check(os.path.basename(deb).startswith("python3-exemplar_") and deb.endswith("_all.deb"),
          f"the package's file: {deb}")

    if INSTALL:
        return lifecycle(deb)
    fields = {f: run("dpkg-deb", "-f", deb, f).strip()
              for f in ("Package", "Architecture", "Depends", "Section", "Maintainer")}
    check(fields["Package"] == "python3-exemplar" and fields["Architecture"] == "all" and
          fields["Section"] == "python" and fields["Maintainer"] == "Kiểm thử <test@example.org>",
          f"control: {fields}")
    depends = {d.strip() for d in fields["Depends"].split(",")}
    check({"python3:any", "python3-zmq", "python3-protobuf"} <= depends, f"Depends: {depends}")
    files = run("dpkg-deb", "-c", deb)
    for path in (f"./{SITE}/exemplar/__init__.py", f"./{SITE}/exemplar/_pb/wire_pb2.py",
                 f"./{SITE}/exemplar/_pb/wire_pb2.pyi", f"./{SITE}/exemplar/_pb/model.py",
                 f"./{SITE}/exemplar/py.typed",
                 "./usr/share/doc/python3-exemplar/copyright",
                 "./usr/share/doc/python3-exemplar/changelog.Debian.gz"):
        check(path in files, f"{path} is not in the package:\n{files}")
    check("__pycache__" not in files and "RECORD" not in files,
          "no byte code and no pip records in the package")
    control = os.path.join(TMP, "control")
    run("dpkg-deb", "-e", deb, control)
    for script, tool in (("postinst", "py3compile -p python3-exemplar"),
                         ("prerm", "py3clean -p python3-exemplar")):
        with open(os.path.join(control, script)) as f:
            check(tool in f.read(), f"{script} runs {tool}")

    if shutil.which("lintian") is None:
        fail("lintian is not installed (apt-get install lintian; .ci/install-deps)")
    p = subprocess.run(["lintian", "--pedantic", deb], capture_output=True, text=True)
    tags = [line for line in p.stdout.splitlines() if line[:2] in ("E:", "W:", "I:", "P:")]
    check(p.returncode == 0 and not tags, f"lintian:\n{p.stdout}{p.stderr}")

    # The unpacked tree is the package as installed: it talks to the daemon.
    root = os.path.join(TMP, "root")
    run("dpkg-deb", "-x", deb, root)
    d = Daemon(EXEMPLARD, TMP)
    d.start()
    try:
        out = run("/usr/bin/python3", "-c",
                  "import sys, exemplar; print(exemplar.__file__); "
                  "print(exemplar.Client(sys.argv[1]).info().version)", d.api,
                  env=dict(env, PYTHONPATH=os.path.join(root, SITE)), cwd="/")
        where, version = out.split()
        check(where.startswith(os.path.join(root, SITE)) and version, f"imported: {out}")
        d.stop()
    finally:
        d.kill()
    print("python3-exemplar package: ok")


try:
    main()
finally:
    cleanup(TMP)
