#!/bin/bash
# SPDX-License-Identifier: MIT
#
# hardening.sh fortify|nofortify BINARY...
#
# The binaries that are installed carry the hardening of the top
# CMakeLists.txt, as Debian's hardening-check (devscripts) reads it: PIE,
# stack protector, full RELRO with BIND_NOW, and _FORTIFY_SOURCE unless the
# build has no optimisation or runs under the sanitizers ("nofortify").
# Not asserted: CET (-fcf-protection), which needs every object linked to
# carry it, and Debian 12's own Scrt1.o and crti.o do not.  Stack clash
# protection is reported, not failed, by hardening-check itself: it only
# sees it in functions with large frames.
# Exits 77 (skipped) when hardening-check is not installed.
set -euo pipefail
mode=$1
shift
if ! command -v hardening-check >/dev/null; then
    echo "SKIP: hardening-check is not installed (apt-get install devscripts)"
    exit 77
fi
skip=(--nocfprotection)
[ "$mode" = nofortify ] && skip+=(--nofortify)
status=0
for bin in "$@"; do
    hardening-check "${skip[@]}" "$bin" || status=1
done
exit $status
