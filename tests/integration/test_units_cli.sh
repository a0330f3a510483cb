#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# exemplarctl units list over the built-in registry, as an administrator
# reads it: names as of --on's day (a reused code never shows the other
# unit's name), the successor and the day it takes over, the office
# addressed on that day, and the same in --json.
#
# usage: test_units_cli.sh EXEMPLARD EXEMPLARCTL
set -euo pipefail

EXEMPLARD=$1
CTL=$2
PY=/usr/bin/python3
[[ -x $PY ]] || { echo "FAIL: $PY (Debian's python3) is needed to check --json output" >&2; exit 1; }

# shellcheck source=cli_lib.sh
source "$(dirname "$0")/cli_lib.sh"

printf '[rules]\ntoday = 2026-12-07\n' >"$DIR/exemplard.conf"
env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
    "$EXEMPLARD" --state-dir "$DIR" --config "$DIR/exemplard.conf" >"$LOG" 2>&1 &
PID=$!
run 0 ping --wait 10

has() { grep -qF -- "$1" "$DIR/out" || fail "units list $2 does not show \"$1\": $(cat "$DIR/out")"; }
hasnt() { ! grep -qF -- "$1" "$DIR/out" || fail "units list $2 shows \"$1\": $(cat "$DIR/out")"; }

# Code 15 on 30 June 2025: old Yên Bái, taken over by new Lào Cai (15).
run 0 units list --code 15 --on 2025-06-30
has "Tỉnh Yên Bái" "--code 15 --on 2025-06-30"
hasnt "Tỉnh Lào Cai" "--code 15 --on 2025-06-30"
has "15 from 2025-07-01" "--code 15 --on 2025-06-30"
has "Sở Nông nghiệp và Môi trường tỉnh Yên Bái" "--code 15 --on 2025-06-30"
run 0 units list --code 15 --on 2025-02-28
has "Sở Tài nguyên và Môi trường tỉnh Yên Bái" "--code 15 --on 2025-02-28"
run 0 units list --code 15 --on 2025-07-01
has "Tỉnh Lào Cai" "--code 15 --on 2025-07-01"
hasnt "Yên Bái" "--code 15 --on 2025-07-01"
has "Sở Nông nghiệp và Môi trường tỉnh Lào Cai" "--code 15 --on 2025-07-01"

# Huế: a centrally-run city from 1 January 2025.
run 0 units list --code 46 --on 2024-12-31
has "Tỉnh Thừa Thiên Huế" "--code 46 --on 2024-12-31"
has "46 from 2025-01-01" "--code 46 --on 2024-12-31"
run 0 units list --code 46 --on 2025-01-01
has "Thành phố Huế" "--code 46 --on 2025-01-01"

# --json: every version, with successor and addressees by days.
run 0 --json units list --code 10
"$PY" - "$DIR/out" <<'PYEOF' || fail "units list --json --code 10: $(cat "$DIR/out")"
import json, sys
u = json.load(open(sys.argv[1], encoding="utf-8"))["units"]
assert len(u) == 1, u
v = u[0]
assert v["name"] == "Tỉnh Lào Cai" and v["valid_to"] == "2025-06-30", v
assert v["successor"] == "15" and v["successor_from"] == "2025-07-01", v
assert [a["name"] for a in v["addressees"]] == [
    "Sở Tài nguyên và Môi trường tỉnh Lào Cai", "Sở Nông nghiệp và Môi trường tỉnh Lào Cai"], v
assert v["addressees"][0]["valid_to"] == "2025-02-28", v
PYEOF
echo "PASS: units list"
