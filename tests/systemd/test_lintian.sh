#!/bin/bash
# SPDX-License-Identifier: MIT
#
# test_lintian.sh BUILD_DIR
#
# lintian on the .deb and the -dbgsym package cpack makes: no error and no
# warning, and no override in systemd/debian/exemplar.lintian-overrides that
# no longer matches anything (each one states a reason that must stay true).
# The informational tags are printed, not failed on, except the hardening
# ones in a build with EXEMPLAR_HARDENING.  Exits 77 (skipped)
# without cpack or lintian (apt-get install lintian; .ci/install-deps has it).
set -euo pipefail
build=$(cd "$1" && pwd)

for tool in cpack lintian; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing (apt-get install $tool)"; exit 77; }
done
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d /tmp/exlintian.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

cpack -G DEB -B "$tmp/pkg" --config "$build/CPackConfig.cmake" >"$tmp/cpack.log" 2>&1 ||
    fail "cpack failed: $(tail -n 5 "$tmp/cpack.log")"
echo "== lintian --display-info $(cd "$tmp/pkg" && echo exemplar_*.deb exemplar-dbgsym_*.ddeb)"
# (lintian warns when run as root, as ctest in a container is)
lintian --display-info --show-overrides "$tmp"/pkg/exemplar_*.deb \
    "$tmp"/pkg/exemplar-dbgsym_*.ddeb 2>&1 | grep -v 'running with root privileges' |
    tee "$tmp/lintian.txt" || true
grep -q . "$tmp/lintian.txt" || echo "   (nothing)"
bad=$(grep -E '^[EW]: |unused-override|mismatched-override' "$tmp/lintian.txt" || true)
# Built with Debian's hardening flags (EXEMPLAR_HARDENING, outside Debug and
# sanitizer builds): no hardening tag either.
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
if [ "$(cache EXEMPLAR_HARDENING)" = ON ] && [ "$(cache EXEMPLAR_SANITIZE)" != ON ] &&
    [ "$(cache CMAKE_BUILD_TYPE)" != Debug ]; then
    bad+=$(grep -E 'hardening-' "$tmp/lintian.txt" || true)
fi
[ -z "$bad" ] || fail "lintian reports:
$bad"
echo "PASS: no error, no warning, every override used"
