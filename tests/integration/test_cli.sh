#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# exemplarctl end to end, as an administrator uses it from a shell: exit
# statuses (0 ok, 2 usage, 3 not found, 4 conflict, 5 refused by the rules),
# the conflict message naming the current version, --request-id retries
# changing once, --json output that parses, and help moves asking the
# running daemon.
#
# usage: test_cli.sh EXEMPLARD EXEMPLARCTL
set -euo pipefail

EXEMPLARD=$1
CTL=$2
PY=/usr/bin/python3
[[ -x $PY ]] || { echo "FAIL: $PY (Debian's python3) is needed to check --json output" >&2; exit 1; }

# shellcheck source=cli_lib.sh
source "$(dirname "$0")/cli_lib.sh"

# ---- start the daemon and wait until it answers (no sleeping) ------------
printf '[rules]\nenforce = no\n' >"$DIR/exemplard.conf" # the foundation's mechanics only
env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
    "$EXEMPLARD" --state-dir "$DIR" --config "$DIR/exemplard.conf" >"$LOG" 2>&1 &
PID=$!
run 0 ping --wait 10

# ---- register prints the id; the main path by verbs of the table -------
run 0 register --unit 01 --kind collective --name "Phòng Tài nguyên và Môi trường"
ID=$(tr -d '[:space:]' <"$DIR/out")
[[ $ID =~ ^[0-9]+$ ]] || fail "register printed \"$(cat "$DIR/out")\", expected the new id"

run 0 move "$ID" fostering --expect-version 1
run 0 move "$ID" unit-reviewed --expect-version 2

# ---- a stale --expect-version: exit 4, and the current version is named --
run 4 move "$ID" ministry-reviewed --expect-version 1
grep -qi 'version' "$DIR/err" || fail "the conflict message does not talk about versions: $(cat "$DIR/err")"
grep -Eq '(^|[^0-9])3([^0-9]|$)' "$DIR/err" ||
    fail "the conflict message does not name the current version 3: $(cat "$DIR/err")"
run 0 show "$ID" --json
[[ $(json_get version) == 3 ]] || fail "a refused move changed the version to $(json_get version)"

# ---- refused by the rules: exit 5 ----------------------------------------
run 5 move "$ID" recognized --expect-version 3
run 5 move "$ID" withdrawn --expect-version 3
run 0 move "$ID" ministry-reviewed --expect-version 3
run 0 move "$ID" recognized --expect-version 4
run 0 history "$ID" --json
json_parses history
[[ $(json_get changes) == 5 ]] || fail "history of a recognized nomination: $(json_get changes) entries, expected 5"
run 0 history "$ID"
[[ $(grep -c . "$DIR/out") -ge 5 ]] || fail "history printed fewer than 5 lines: $(cat "$DIR/out")"

# ---- the same --request-id twice changes once ----------------------------
run 0 register --unit 02 --kind individual --name "Nguyễn Văn Bình" --json
json_parses register
ID2=$(json_get id)
RID=$((0x5eed0000 + RANDOM))
run 0 move "$ID2" fostering --expect-version 1 --request-id "$RID"
run 0 move "$ID2" fostering --expect-version 1 --request-id "$RID"
run 0 show "$ID2" --json
json_parses show
[[ $(json_get version) == 2 ]] || fail "the same --request-id twice moved to version $(json_get version), expected 2"
run 0 history "$ID2" --json
[[ $(json_get changes) == 2 ]] || fail "the same --request-id twice left $(json_get changes) history entries, expected 2"

# ---- unknown id: exit 3 --------------------------------------------------
run 3 show 999999
run 3 history 999999
run 3 move 999999 fostering --expect-version 1

# ---- bad usage: exit 2 ---------------------------------------------------
run 2
run 2 frobnicate
run 2 register --unit 01
run 2 register --unit 01 --kind bogus --name "X"
run 2 move
run 2 move "$ID2"
run 2 move not-a-number fostering --expect-version 2
run 2 move "$ID2" no-such-state --expect-version 2
run 2 show

# ---- --json everywhere parses --------------------------------------------
run 0 list --json
json_parses list
run 0 list --state fostering --unit 02 --json
json_parses list
[[ $(json_get id) == "$ID2" ]] || fail "list --state fostering --unit 02 did not list $ID2: $(cat "$DIR/out")"
run 0 move "$ID2" unit-reviewed --expect-version 2 --json
json_parses move
[[ $(json_get version) == 3 ]] || fail "move --json reports version $(json_get version), expected 3"
run 0 ping --json
json_parses ping
run 4 move "$ID2" withdrawn --expect-version 1 --reason "rút" --json
json_parses "a refused move"

# ---- watch replays the log from a seq, one JSON object per line ---------
run 0 --json watch --from 1 --count 3
[[ $(grep -c . "$DIR/out") -eq 3 ]] || fail "watch --count 3 printed: $(cat "$DIR/out")"
"$PY" -c '
import json, sys
seqs = [json.loads(line)["seq"] for line in open(sys.argv[1]) if line.strip()]
sys.exit(0 if seqs == [1, 2, 3] else "watch --from 1 printed seqs %r, expected [1, 2, 3]" % seqs)
' "$DIR/out" || fail "watch --json --from 1 --count 3: $(cat "$DIR/out")"

# ---- no daemon there: exit 7, quickly with --timeout ---------------------
run 7 --api "ipc://$DIR/nobody-here.sock" --timeout 200 ping

# ---- --api chooses the daemon over EXEMPLAR_API --------------------------
API=$EXEMPLAR_API
EXEMPLAR_API="ipc://$DIR/nobody-here.sock" run 0 --api "$API" show "$ID"

# ---- unit plans: submit, every unit listed, return, show -------
P=(--period 2021-2023 --campaign 2021-2025)
run 2 plan list
run 0 plan submit 01 "${P[@]}" --collective 2 --individual 1 --solutions "Giải pháp, trách nhiệm" \
    --decision 12/KH-UBND --decision-date 2021-09-01
run 0 plan list "${P[@]}"
grep -Eq '^01 +(submitted|late) +[0-9]+/2 +[0-9]+/1 ' "$DIR/out" || fail "plan list, unit 01: $(grep '^01 ' "$DIR/out")"
[[ $(grep -c ' no-plan ' "$DIR/out") -ge 90 ]] || fail "plan list does not show every unit: $(cat "$DIR/out")"
run 0 plan list "${P[@]}" --json
json_parses plan list
[[ $(json_get units) -ge 91 ]] || fail "plan list --json: $(json_get units) units"
run 5 plan return 01 "${P[@]}"
run 0 plan return 01 "${P[@]}" --reason "Bổ sung giải pháp"
run 4 plan submit 01 "${P[@]}" --collective 2 --solutions x --decision 1/KH --decision-date 2021-09-01 \
    --expect-version 1
run 0 plan show 01 "${P[@]}" --json
[[ $(json_get history) == 2 && $(json_get state) == returned ]] || fail "plan show: $(cat "$DIR/out")"

# ---- help moves: the running daemon's table, or that none answers -------
run 0 help moves
"$EXEMPLARD" --print-moves >"$DIR/moves.expected"
grep -qF "The moves exemplard at $EXEMPLAR_API enforces:" "$DIR/out" ||
    fail "help moves does not name the daemon it asked: $(head -3 "$DIR/out")"
grep -vF -e "The moves exemplard at" -e "Any other move is refused" "$DIR/out" | sed '/^$/d' \
    >"$DIR/moves.got"
diff <(sed '/^$/d' "$DIR/moves.expected") "$DIR/moves.got" >&2 ||
    fail "help moves differs from the daemon's exemplard --print-moves"
# no daemon at the endpoint: exit 7 (unavailable), saying so
run 7 --api "ipc://$DIR/nobody-here.sock" --timeout 300 help moves
grep -q "none answers there" "$DIR/err" || fail "help moves without a daemon: $(cat "$DIR/err")"

# ---- SIGTERM: the daemon exits 0 -----------------------------------------
kill -TERM "$PID"
status=0
wait "$PID" || status=$?
PID=
[[ $status -eq 0 ]] || fail "on SIGTERM exemplard exited $status, expected 0"
echo "cli: all checks passed"
