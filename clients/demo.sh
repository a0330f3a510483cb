#!/bin/bash
# Walks one sample nomination through every state with exemplarctl against a
# daemon on its embedded defaults, with all of the plan's rules on: it uses
# the demo campaign (its calendar is laid out from the day the daemon first
# loads it, so every window is open) and records the evidence the criteria
# need, then prints the explanation and the history.
#   clients/demo.sh [BUILD_DIR]     (default: build)
# The daemon keeps its state in ./exemplar-state and is stopped at the end;
# start it again with BUILD_DIR/daemon/exemplard and use exemplarctl freely.
set -euo pipefail

build=${1:-build}
exemplard=$build/daemon/exemplard
ctl=$build/clients/ctl/exemplarctl
export EXEMPLAR_API=ipc://exemplar-state/api.sock

"$exemplard" &
daemon=$!
trap 'kill -TERM $daemon 2>/dev/null; wait $daemon 2>/dev/null || true' EXIT
# Readiness: ping retries until the daemon answers (no fixed sleep).
"$ctl" ping --wait 10 >/dev/null

step() { printf '\n$ exemplarctl %s\n' "$*"; "$ctl" "$@"; }

subject=01:PTN-DEMO-$$
id=$("$ctl" register --unit 01 --kind collective --campaign demo --subject "$subject" \
        --name "Phòng Tài nguyên nước, Sở Tài nguyên và Môi trường Hà Nội")
printf '$ exemplarctl register --unit 01 --kind collective --campaign demo --subject %s --name ...\n%s\n' \
    "$subject" "$id"
step campaign show demo
step move "$id" fostering
# The criteria: "Tập thể Lao động xuất sắc" in every year of the period
# (the three years before this one), each decided early in the next year:
# a title is recorded once its year has ended and its decision is signed.
# Days are the daemon's: Vietnam's calendar (UTC+7).
today=$(TZ=ICT-7 date +%F)
year=${today%%-*}
step check "$id" || true
for y in $((year - 3)) $((year - 2)) $((year - 1)); do
    signed="$((y + 1))-01-15"
    [[ "$signed" > "$today" ]] && signed=$today # early January: signed today
    step evidence add "$subject" "$y" TTLDXS --decision "$((y - 2000))01/QĐ-UBND" \
        --decision-date "$signed" --issuer "Chủ tịch UBND Thành phố Hà Nội"
done
step check "$id"
# The collective acclaimed it at the unit's review meeting (the plan's
# "được tập thể thừa nhận, suy tôn"): the rule set requires it first.
step acclaim "$id" --date "$today" --present 25 --in-favour 21
step move "$id" unit-reviewed
step move "$id" ministry-reviewed
# The Minister's recognition is a decision: its number, date and issuer.
# Since 1 March 2025 the Ministry is Bộ Nông nghiệp và Môi trường.
step move "$id" recognized --decision 123/QĐ-BNNMT --decision-date "$today" \
    --issuer "Bộ trưởng Bộ Nông nghiệp và Môi trường"
step show "$id"
step history "$id"
