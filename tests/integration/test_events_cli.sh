#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# exemplarctl's event commands end to end: event publish from
# options and from a JSON-lines file in batches, duplicates acknowledged and
# ignored, a reused seq refused (exit 4), stats and evidence in --json, and
# watch --topic event. printing a live event.
#
# usage: test_events_cli.sh EXEMPLARD EXEMPLARCTL
set -euo pipefail

EXEMPLARD=$1
CTL=$2
PY=/usr/bin/python3

# shellcheck source=cli_lib.sh
source "$(dirname "$0")/cli_lib.sh"

# ---- start the daemon and wait until it answers (no sleeping) ------------
env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
    "$EXEMPLARD" --state-dir "$DIR" >"$LOG" 2>&1 &
PID=$!
run 0 ping --wait 10

# ---- one event from options; the same again is a duplicate -----------------
run 0 register --unit 01 --kind individual --name "Nguyễn Văn An" --subject CB-0042 --campaign demo
ID=$(tr -d '[:space:]' <"$DIR/out")
run 0 event publish --type title-awarded --subject CB-0042 --publisher moet --event-id QĐ-17 \
    --seq 1 --year 2023 --value "Chiến sĩ thi đua cơ sở" --decision 1234/QĐ-BGDĐT --json
[[ $(json_get accepted) == 1 && $(json_get duplicates) == 0 ]] || fail "first publish: $(cat "$DIR/out")"
run 0 event publish --type title-awarded --subject CB-0042 --publisher moet --event-id QĐ-17 \
    --seq 1 --year 2023 --value "Chiến sĩ thi đua cơ sở" --decision 1234/QĐ-BGDĐT --json
[[ $(json_get accepted) == 0 && $(json_get duplicates) == 1 ]] || fail "repeat: $(cat "$DIR/out")"

# ---- the same seq with another event id: refused, exit 4 ------------------
run 4 event publish --type discipline --subject CB-0042 --publisher moet --event-id other --seq 1
grep -q 'event-conflict' "$DIR/err" || fail "no event-conflict: $(cat "$DIR/err")"

# ---- bad command lines: exit 2 ---------------------------------------------
run 2 event publish --type nonsense --subject CB-0042 --publisher moet --event-id x --seq 2
run 2 event publish --subject CB-0042
run 2 event retract

# ---- a file of JSON lines in batches of 3, with a repeat and a gap ---------
cat >"$DIR/events.jsonl" <<'JSONL'
{"event_id": "KL-1", "seq": 2, "type": "discipline", "subject": "CB-0042", "measure": "reprimand", "year": 2024}
{"event_id": "XL-1", "seq": 3, "type": "performance-rating", "subject": "CB-0042", "rating": "excellent", "year": 2024}

{"event_id": "QĐ-17", "seq": 1, "type": "title-awarded", "subject": "CB-0042", "title": "Chiến sĩ thi đua cơ sở", "year": 2023, "decision": {"number": "1234/QĐ-BGDĐT"}}
{"event_id": "DC-1", "seq": 6, "type": "person-moved", "subject": "CB-0042", "from_unit": "01", "to_unit": "02"}
{"publisher": "gso", "event_id": "G-1", "seq": 1, "type": "unit-renamed", "subject": "U-7", "new_code": "07", "new_name": "Sở mới"}
JSONL
run 0 event publish --file "$DIR/events.jsonl" --publisher moet --batch 3 --json
[[ $(json_get accepted) == 4 && $(json_get duplicates) == 1 && $(json_get batches) == 2 ]] ||
    fail "file publish: $(cat "$DIR/out")"
# The whole file again: everything is a duplicate, nothing changes.
run 0 event publish --file "$DIR/events.jsonl" --publisher moet --json
[[ $(json_get accepted) == 0 && $(json_get duplicates) == 5 ]] || fail "file again: $(cat "$DIR/out")"
echo '{"type": "discipline", "seq": "x"}' >"$DIR/bad.jsonl"
run 2 event publish --file "$DIR/bad.jsonl" --publisher moet

# ---- stats: events, duplicates dropped, the gap 4..5 of moet -----------------
run 0 stats --json
[[ $(json_get events) == 5 && $(json_get duplicates) == 7 && $(json_get gaps) == 1 ]] ||
    fail "stats: $(cat "$DIR/out")"
run 0 stats
grep -q '^moet ' "$DIR/out" || fail "stats table has no moet row: $(cat "$DIR/out")"

# ---- evidence and the nomination's history -----------------------------------
run 0 event list CB-0042 --json
[[ $(json_get events) == 4 ]] || fail "evidence: $(cat "$DIR/out")"
run 0 history "$ID" --json
n=$(grep -o '"verb":"evidence"' "$DIR/out" | wc -l)
[[ $n == 4 ]] || fail "history has $n evidence changes, expected 4: $(cat "$DIR/out")"
run 0 show "$ID" --json
[[ $(json_get subject) == CB-0042 && $(json_get version) == 1 ]] || fail "show: $(cat "$DIR/out")"

# ---- events become the rules' evidence: the title of 2023 is in the ledger,
# under the rule book's code, and a decision-revoked event revokes it --------
run 0 evidence list CB-0042 --json
grep -q '"title":"CSTDCS"' "$DIR/out" || fail "the 2023 title is not evidence: $(cat "$DIR/out")"
grep -q '"revoked":true' "$DIR/out" && fail "evidence revoked too early: $(cat "$DIR/out")"
# The rating "excellent" is the catalogue's alias of HTXSNV ("hoàn thành xuất
# sắc nhiệm vụ", rulesets.yaml): evidence of 2024 too.
"$PY" -c 'import json, sys
ev = json.load(open(sys.argv[1]))["evidence"]
assert any(e["year"] == 2024 and e["title"] == "HTXSNV" for e in ev)' "$DIR/out" ||
    fail "the rating excellent is not HTXSNV evidence: $(cat "$DIR/out")"
run 0 event publish --type decision-revoked --subject CB-0042 --publisher moet --event-id HUY-1 \
    --seq 7 --value QĐ-17 --decision 99/QĐ-HUY
run 0 evidence list CB-0042 --json
grep -q '"revoked":true' "$DIR/out" && fail "revoked by an event id, not a decision number"
cat >"$DIR/revoke.jsonl" <<'JSONL'
{"event_id": "HUY-2", "seq": 8, "type": "decision-revoked", "subject": "CB-0042", "revoked_number": "1234/QĐ-BGDĐT", "decision": {"number": "100/QĐ-HUY", "date": "2024-05-01"}}
JSONL
run 0 event publish --file "$DIR/revoke.jsonl" --publisher moet
run 0 evidence list CB-0042 --json
grep -q '"revoked":true' "$DIR/out" || fail "the revoked decision still counts: $(cat "$DIR/out")"

# ---- watch --topic event.: a live event, as one JSON line ---------------------
"$CTL" --json watch --topic event.discipline. --count 1 >"$DIR/watch" 2>&1 </dev/null &
WPID=$!
# The subscription reaches the daemon a little after watch starts: publish
# new events until one is printed (each a new seq, so never a duplicate).
seq=10
while ! grep -q '"type":"discipline"' "$DIR/watch"; do
    kill -0 "$WPID" 2>/dev/null || fail "watch exited early: $(cat "$DIR/watch")"
    ((seq < 200)) || fail "watch printed no event after 190 publications"
    run 0 event publish --type discipline --subject CB-9 --publisher probe --event-id "p$seq" --seq "$seq"
    seq=$((seq + 1))
done
wait "$WPID" || fail "watch --count 1 did not exit 0"

# ---- a clean stop -------------------------------------------------------------
kill -TERM "$PID"
wait "$PID" || fail "exemplard did not exit 0 on SIGTERM"
PID=
echo "events cli: ok"
