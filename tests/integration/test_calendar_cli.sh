#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# exemplarctl on the plan's calendar: `check` shows the years whose titles
# are not decided yet as pending (text and --json, with the day they are
# due and whether recognition needs them); evidence dated after the
# daemon's day, or for a year not over, is refused with a sentence saying
# when it can be recorded; `move ... recognized` needs --decision,
# --decision-date and --issuer, which `show` and `history` then print.
#
# usage: test_calendar_cli.sh EXEMPLARD EXEMPLARCTL
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
    printf '[rules]\ntoday = %s\nlanguage = en\n' "$1" >"$DIR/exemplard.conf"
    env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
        "$EXEMPLARD" --state-dir "$DIR" --config "$DIR/exemplard.conf" >>"$LOG" 2>&1 &
    PID=$!
    run 0 ping --wait 10
}
has() { grep -qF -- "$1" "$DIR/$2" || fail "$3 does not show \"$1\": $(cat "$DIR/$2")"; }

start 2021-09-10
run 0 register --unit 01 --kind collective --subject 01:PDD --name "Phòng Đo đạc" \
    --campaign 2021-2025
ID=$(tr -d '[:space:]' <"$DIR/out")
run 1 evidence add 01:PDD 2021 TTLDXS --decision 1/QĐ --decision-date 2021-09-01
has "the titles of 2021 cannot be recorded yet: the year has not ended" err "evidence add for 2021 in 2021"

start 2022-02-15
run 0 move "$ID" fostering
run 1 evidence add 01:PDD 2021 TTLDXS --decision 1/QĐ --decision-date 2022-03-01
has "is dated 1 March 2022, after today (15 February 2022)" err "evidence add on a future decision"
run 0 evidence add 01:PDD 2021 TTLDXS --decision 1/QĐ --decision-date 2022-01-20

start 2023-02-10
run 0 evidence add 01:PDD 2022 TTLDXS --decision 2/QĐ --decision-date 2023-01-20
# A revocation is a decision too: one dated after the daemon's day is refused
# (invalid, with the sentence saying when it can be recorded), and the title
# stays unrevoked.
run 1 evidence revoke 01:PDD 2022 TTLDXS --decision 3/QĐ --decision-date 2023-03-01
has "revoking decision 3/QĐ is dated 1 March 2023, after today (10 February 2023)" err "revoke on a future decision"
has "invalid" err "revoke on a future decision"
run 0 --json evidence list 01:PDD
grep -q '"revoked":true' "$DIR/out" && fail "a future revocation was recorded: $(cat "$DIR/out")"

start 2023-05-15
run 0 check "$ID"
has "[pending] the titles of 2023 are decided by 2024-03-31 (rule set ld2003)" out "check"
has "not yet decided in 2023" out "check"
run 0 --json check "$ID"
"$PY" - "$DIR/out" <<'PYEOF' || fail "check --json: $(cat "$DIR/out")"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["met"] is True and c["day"] == "2023-05-15" and c["for"] == "review", c
assert c["pending"] == [{"year": 2023, "decided_by": "2024-03-31",
                         "required_for_recognition": False, "ruleset": "ld2003"}], c["pending"]
assert c["criteria"][0]["pending_years"] == [2023] and c["criteria"][0]["met_years"] == [2021, 2022]
PYEOF
run 0 acclaim "$ID" --date 2023-05-15 --present 12 --in-favour 12
run 0 move "$ID" unit-reviewed

start 2023-10-10
run 0 move "$ID" ministry-reviewed
start 2023-11-20
run 1 move "$ID" recognized --decision 2468/QĐ-BTNMT --decision-date 2023-11-20
has "--issuer" err "recognized without an issuer"
run 0 move "$ID" recognized --decision 2468/QĐ-BTNMT --decision-date 2023-11-20 \
    --issuer "Bộ trưởng Bộ Tài nguyên và Môi trường"
run 0 show "$ID"
has "2468/QĐ-BTNMT of 20 November 2023, Bộ trưởng Bộ Tài nguyên và Môi trường" out "show"
has "recognized by:" out "show"
run 0 history "$ID"
has "[decision 2468/QĐ-BTNMT of 20 November 2023, Bộ trưởng Bộ Tài nguyên và Môi trường]" out "history"
run 0 --json history "$ID"
has '"decision_issuer":' out "history --json"
echo "PASS: test_calendar_cli.sh"
