#!/bin/bash
# SPDX-License-Identifier: MIT
#
# test_web_unit.sh SYSTEMD_SRC_DIR MAN_BUILD_DIR EXEMPLAR_WEB
#
# exemplar-web.service as systemd reads it, without a running systemd:
# `systemd-analyze verify` prints nothing (on a copy naming the built
# binary), `systemd-analyze security --offline=yes` rates it 1.0 or lower on
# the file as shipped, and exemplar-web --check-config refuses a missing key
# and a wrong configuration with a sentence.  Exits 77 when systemd-analyze
# is missing.
set -euo pipefail
src=$1 man=$2 web=$3
command -v systemd-analyze >/dev/null ||
    { echo "SKIP: systemd-analyze is missing (apt-get install systemd)"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d /tmp/exwebunit.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

sed "s#/usr/sbin/exemplar-web#$web#g" "$src/exemplar-web.service" >"$tmp/exemplar-web.service"
mkdir -p "$tmp/man/man8"
cp "$man/exemplar-web.8" "$tmp/man/man8/"
out=$(cd "$tmp" && MANPATH="$tmp/man" systemd-analyze verify --man=yes exemplar-web.service 2>&1) ||
    fail "verify failed: $out"
[ -z "$out" ] || fail "systemd-analyze verify printed:
$out"
echo "verify: silent"

report=$(systemd-analyze security --offline=yes "$src/exemplar-web.service" 2>&1) || true
score=$(sed -n "s/.*Overall exposure level for exemplar-web.service: \([0-9.]*\).*/\1/p" <<<"$report")
[ -n "$score" ] || fail "no rating in: $report"
awk -v s="$score" 'BEGIN { exit !(s <= 1.0) }' || fail "exposure $score > 1.0"
echo "security: exposure $score"

printf '[web]\nlisten = 127.0.0.1:8080\n[daemon]\nserver_key_file = %s/none.pub\nkey_file = %s/none.key\n' \
    "$tmp" "$tmp" >"$tmp/web.conf"
if out=$("$web" --config "$tmp/web.conf" --check-config 2>&1); then fail "a missing key passed: $out"; fi
grep -q "none.pub" <<<"$out" || fail "the refusal does not name the key file: $out"
printf '[web]\nlisten = everywhere\n' >"$tmp/bad.conf"
if out=$("$web" --config "$tmp/bad.conf" --check-config 2>&1); then fail "a bad listen passed"; fi
grep -q "listen" <<<"$out" || fail "the refusal does not name [web] listen: $out"
printf '[web]\nlisten = 127.0.0.1:8080\nbogus = 1\n' >"$tmp/bad2.conf"
if out=$("$web" --config "$tmp/bad2.conf" --check-config 2>&1); then fail "an unknown key passed"; fi
grep -q "unknown key \[web\] bogus" <<<"$out" || fail "no line for the unknown key: $out"
echo "PASS"
