#!/bin/bash
# SPDX-License-Identifier: MIT
#
# test_units.sh SYSTEMD_SRC_DIR SYSTEMD_BUILD_DIR EXEMPLARD EXEMPLAR_REMIND EXEMPLAR_SUMMARY
#
# The unit files as systemd itself reads them, without a running systemd:
#   - `systemd-analyze verify` prints nothing for exemplard.service,
#     exemplard.socket and the workers' services (it exits 0 even for unknown keys, so any output fails);
#     the copies verified name the built exemplard, since verify checks that
#     ExecStart= exists, and find the built manual pages for Documentation=;
#   - `systemd-analyze security --offline=yes` rates exemplard.service and
#     the workers' services 1.0 or lower, on the file in the source tree as it is shipped;
#   - systemd-sysusers and systemd-tmpfiles apply the sysusers.d and
#     tmpfiles.d entries to an empty root: the user, group and directories
#     come out as the units expect.
# Exits 77 (skipped) when systemd-analyze is missing.
set -euo pipefail
src=$1 build=$2 exemplard=$3 remind=$4 summary=$5

command -v systemd-analyze >/dev/null ||
    { echo "SKIP: systemd-analyze is missing (apt-get install systemd)"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d /tmp/exunits.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

echo "== systemd-analyze verify"
sed "s#/usr/sbin/exemplard#$exemplard#" "$src/exemplard.service" >"$tmp/exemplard.service"
cp "$src/exemplard.socket" "$tmp/"
sed "s#/usr/bin/exemplar-remind#$remind#" "$src/exemplar-remind.service" >"$tmp/exemplar-remind.service"
sed "s#/usr/bin/exemplar-summary#$summary#" "$src/exemplar-summary.service" >"$tmp/exemplar-summary.service"
grep -q "^ExecStart=$exemplard\$" "$tmp/exemplard.service" || fail "no ExecStart=/usr/sbin/exemplard"
man_opt=--man=no
if command -v man >/dev/null; then
    for page in exemplard.8 exemplard.conf.5 exemplarctl.1 exemplar-remind.8 exemplar-summary.8; do
        mkdir -p "$tmp/man/man${page##*.}"
        cp "$build/man/$page" "$tmp/man/man${page##*.}/"
    done
    man_opt=--man=yes
fi
out=$(cd "$tmp" && MANPATH="$tmp/man" systemd-analyze verify "$man_opt" \
    exemplard.service exemplard.socket exemplar-remind.service exemplar-summary.service 2>&1) ||
    fail "verify failed: $out"
[ -z "$out" ] || fail "systemd-analyze verify printed:
$out"
echo "   silent ($man_opt)"

echo "== systemd-analyze security --offline=yes"
for unit in exemplard.service exemplar-remind.service exemplar-summary.service; do
    report=$(systemd-analyze security --offline=yes "$src/$unit" 2>&1) || true
    score=$(sed -n "s/.*Overall exposure level for $unit: \([0-9.]*\).*/\1/p" <<<"$report")
    [ -n "$score" ] || fail "no rating in:
$report"
    awk -v s="$score" 'BEGIN { exit !(s <= 1.0) }' || fail "$unit: exposure $score > 1.0:
$(grep '✗' <<<"$report")"
    # --threshold is in tenths: the command itself fails above 1.0 too.
    systemd-analyze security --offline=yes --threshold=10 "$src/$unit" >/dev/null ||
        fail "systemd-analyze security --threshold=10 failed for $unit"
    echo "   $unit: exposure $score"
done

echo "== sysusers.d and tmpfiles.d"
mkdir -p "$tmp/root/etc" "$tmp/root/run" "$tmp/root/var/lib"
systemd-sysusers --root="$tmp/root" "$src/exemplard.sysusers" >/dev/null 2>&1 ||
    fail "systemd-sysusers rejects exemplard.sysusers"
grep -q '^exemplard:x:[0-9]*:[0-9]*:Exemplar workflow daemon:/var/lib/exemplard:' \
    "$tmp/root/etc/passwd" || fail "no exemplard user: $(cat "$tmp/root/etc/passwd")"
grep -q '^exemplard:x:' "$tmp/root/etc/group" || fail "no exemplard group"
uid=$(awk -F: '$1 == "exemplard" { print $3 }' "$tmp/root/etc/passwd")
gid=$(awk -F: '$1 == "exemplard" { print $3 }' "$tmp/root/etc/group")
out=$(systemd-tmpfiles --create --root="$tmp/root" "$src/exemplard.tmpfiles" 2>&1) ||
    fail "systemd-tmpfiles rejects exemplard.tmpfiles: $out"
for d in run/exemplard var/lib/exemplard; do
    [ "$(stat -c '%u:%g %a' "$tmp/root/$d")" = "$uid:$gid 750" ] ||
        fail "/$d is $(stat -c '%u:%g %a' "$tmp/root/$d"), want $uid:$gid 750"
done
echo "   user exemplard ($uid:$gid), /run/exemplard and /var/lib/exemplard 0750"
echo "PASS"
