#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Builds python3-exemplar_VERSION_all.deb from the exemplar wheel, the way a
Debian Python package is laid out (the modules in
/usr/lib/python3/dist-packages, byte-compiled on installation by py3compile,
copyright and changelog in /usr/share/doc), with dpkg-deb.  It is its own
package beside the daemon's CPack package: a service on another machine
needs the client, not the daemon.

usage: mkdeb.py WHEEL OUT_DIR [MAINTAINER]
"""

import email.parser
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEBIAN = os.path.join(HERE, "debian")
SITE = "usr/lib/python3/dist-packages"
DOC = "usr/share/doc/python3-exemplar"
DEFAULT_MAINTAINER = "Exemplar maintainers <exemplar@example.org>"


def changelog_version() -> str:
    with open(os.path.join(DEBIAN, "changelog"), encoding="utf-8") as f:
        head = f.readline()
    return head.split("(", 1)[1].split(")", 1)[0]


def build(wheel: str, out_dir: str, maintainer: str = DEFAULT_MAINTAINER) -> str:
    version = changelog_version()
    stage = tempfile.mkdtemp(prefix="python3-exemplar.")
    try:
        os.umask(0o022)
        site = os.path.join(stage, SITE)
        with zipfile.ZipFile(wheel) as z:
            z.extractall(site)
            meta = email.parser.Parser().parsestr(
                z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA")))
                .decode())
        if meta["Version"] != version.rsplit("-", 1)[0]:
            raise SystemExit(f"mkdeb: the wheel is version {meta['Version']}, "
                             f"debian/changelog {version}")
        for info in os.listdir(site):  # pip's bookkeeping; dpkg keeps the file list
            if info.endswith(".dist-info"):
                for name in ("RECORD", "INSTALLER", "REQUESTED"):
                    path = os.path.join(site, info, name)
                    if os.path.exists(path):
                        os.unlink(path)
        doc = os.path.join(stage, DOC)
        os.makedirs(doc)
        overrides = os.path.join(stage, "usr/share/lintian/overrides")
        os.makedirs(overrides)
        shutil.copy(os.path.join(DEBIAN, "python3-exemplar.lintian"),
                    os.path.join(overrides, "python3-exemplar"))
        shutil.copy(os.path.join(DEBIAN, "copyright"), doc)
        with open(os.path.join(DEBIAN, "changelog"), "rb") as f, \
                gzip.GzipFile(os.path.join(doc, "changelog.Debian.gz"), "wb", 9, mtime=0) as g:
            g.write(f.read())
        os.chmod(stage, 0o755)
        for root, dirs, files in os.walk(stage):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o755)
            for name in files:
                os.chmod(os.path.join(root, name), 0o644)
        size, sums = 0, []
        for root, _dirs, files in os.walk(stage):
            for name in sorted(files):
                path = os.path.join(root, name)
                size += os.path.getsize(path)
                with open(path, "rb") as f:
                    sums.append(f"{hashlib.md5(f.read()).hexdigest()}  "
                                f"{os.path.relpath(path, stage)}\n")
        control_dir = os.path.join(stage, "DEBIAN")
        os.makedirs(control_dir)
        with open(os.path.join(control_dir, "md5sums"), "w") as f:
            f.writelines(sorted(sums, key=lambda s: s.split("  ", 1)[1]))
        with open(os.path.join(control_dir, "control"), "w") as f:
            f.write(f"""Package: python3-exemplar
Version: {version}
Architecture: all
Maintainer: {maintainer}
Installed-Size: {(size + 1023) // 1024}
Depends: python3:any, python3-protobuf, python3-zmq
Section: python
Priority: optional
Description: Python client of exemplard, the exemplar programme's daemon
 Requests, CURVE, the change feed and event publishing for exemplard, the
 workflow daemon of Vietnam's exemplar programme: every request of its
 protocol as a typed method returning dataclasses, one exception per error
 code, retries under the same request id, CURVE key files for remote
 daemons, a change-feed follower with catch-up and gap filling, and an
 event publisher.
""")
        for script in ("postinst", "prerm"):
            shutil.copy(os.path.join(DEBIAN, script), control_dir)
            os.chmod(os.path.join(control_dir, script), 0o755)
        os.makedirs(out_dir, exist_ok=True)
        deb = os.path.join(out_dir, f"python3-exemplar_{version}_all.deb")
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", stage, deb],
                       check=True, stdout=subprocess.DEVNULL)
        return deb
    finally:
        shutil.rmtree(stage, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    print(build(*sys.argv[1:]))
