#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# exemplarctl units list over the built-in registry, as an administrator
# reads it: names as of --on's day (a reused code never shows the other
# unit's name), the successor and the day it takes over, the office
# addressed on that day, and the same in --json.  Then the quarterly summary
# of nominations registered in 2021 under old Lào Cai (10) and old Yên Bái
# (15): by their own names before 1 July 2025, as one row of new Lào Cai
# (15) after it, never two rows of one name.
#
# usage: test_units_cli.sh EXEMPLARD EXEMPLARCTL
set -euo pipefail

EXEMPLARD=$1
CTL=$2
PY=/usr/bin/python3
[[ -x $PY ]] || { echo "FAIL: $PY (Debian's python3) is needed to check --json output" >&2; exit 1; }

# shellcheck source=cli_lib.sh
source "$(dirname "$0")/cli_lib.sh"

start() { # TODAY
    if [[ -n $PID ]]; then
        kill -TERM "$PID"
        wait "$PID" || true
    fi
    printf '[rules]\ntoday = %s\n' "$1" >"$DIR/exemplard.conf"
    env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
        "$EXEMPLARD" --state-dir "$DIR" --config "$DIR/exemplard.conf" >>"$LOG" 2>&1 &
    PID=$!
    run 0 ping --wait 10
}
start 2021-08-16

has() { grep -qF -- "$1" "$DIR/out" || fail "units list $2 does not show \"$1\": $(cat "$DIR/out")"; }
hasnt() { ! grep -qF -- "$1" "$DIR/out" || fail "units list $2 shows \"$1\": $(cat "$DIR/out")"; }

# Code 15 on 30 June 2025: old Yên Bái, taken over by new Lào Cai (15).
run 0 units list --code 15 --on 2025-06-30
has "Tỉnh Yên Bái" "--code 15 --on 2025-06-30"
hasnt "Tỉnh Lào Cai" "--code 15 --on 2025-06-30"
has "15 from 1 July 2025" "--code 15 --on 2025-06-30"
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
has "46 from 1 January 2025" "--code 46 --on 2024-12-31"
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
# ---- the summary groups by the unit as of the as-of day ------------------
reg() { # UNIT KIND SUBJECT NAME
    run 0 register --unit "$1" --kind "$2" --subject "$3" --name "$4" --campaign 2021-2025
}
reg 10 collective 10:VPDK "Văn phòng Đăng ký đất đai Lào Cai"
reg 15 collective 15:VPDK "Văn phòng Đăng ký đất đai Yên Bái"
reg 15 individual CB-YB "Nguyễn Văn Bái"
start 2026-12-07
summary_check() { # QUARTER EXPR over the summary s
    run 0 --json summary "$1" --campaign 2021-2025
    "$PY" - "$DIR/out" "$2" <<'PYEOF' || fail "summary $1: $2: $(cat "$DIR/out")"
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
rows = s["rows"]
names = {r["unit"]: r["unit_name"] for r in rows}
def count(unit, kind):
    return sum(r["count"] for r in rows if r["unit"] == unit and r["kind"] == kind)
one_row_per_name = len({(r["unit_name"], r["kind"], r["state"]) for r in rows}) == len(rows)
assert one_row_per_name and eval(sys.argv[2]), rows
PYEOF
}
summary_check 2021Q3 'names == {"10": "Tỉnh Lào Cai", "15": "Tỉnh Yên Bái"} and count("15", "individual") == 1'
summary_check 2025Q2 'names == {"10": "Tỉnh Lào Cai", "15": "Tỉnh Yên Bái"} and count("10", "collective") == 1'
summary_check 2025Q3 'names == {"15": "Tỉnh Lào Cai"} and count("15", "collective") == 2 and count("15", "individual") == 1'
echo "PASS: units list, summaries by the unit as of the day"
