#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The issued recognition decision end to end over CURVE: a council of three
# approves A and C of three nominations; a reader may not issue the
# decision, a file that is not a PDF, a date after today and a list naming
# B (not approved) are refused; the approver issues it for A and C with its
# PDF; show gives the PDF's SHA-256 and get-file writes the same bytes
# (checked by exemplarctl); recognising B through it is refused with its
# sentence; C is withdrawn, and `decision recognize` recognizes A with the
# stored date and issuer, reports C's refused move and audits it, and a
# second run moves nothing; the decision and its file survive export and
# import into a fresh store, and fsck finds them consistent.
#
# usage: test_decision_cli.sh EXEMPLARD EXEMPLARCTL
set -euo pipefail

EXEMPLARD=$1
CTL=$2
PY=/usr/bin/python3
[[ -x $PY ]] || { echo "FAIL: $PY (Debian's python3) is needed to check --json output" >&2; exit 1; }
# shellcheck source=cli_lib.sh
source "$(dirname "$0")/cli_lib.sh"

council_principals
printf '[rules]\nenforce = no\n[auth]\nendpoint = tcp://127.0.0.1:%s\nsecret_key_file = %s\nkeys_file = %s\n' \
    "$PORT" "$DIR/server.key" "$DIR/keys" >"$DIR/exemplard.conf"
start() { # start STATE-DIR
    env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
        "$EXEMPLARD" --state-dir "$1" --config "$DIR/exemplard.conf" >>"$LOG" 2>&1 &
    PID=$!
    run 0 ping --wait 10
}
start "$DIR"

as() { # as STATUS NAME ARGS...: exemplarctl over CURVE as that principal
    local want=$1 who=$2
    shift 2
    run "$want" --api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" --key "$DIR/$who.key" "$@"
}

# ---- a closed meeting: the first nomination approved, the second not ------
run 0 council set chu.tich:chair thu.ky:secretary uy.vien:member
ids=()
for n in "Nguyễn Văn A" "Trần Thị B" "Lê Văn C"; do
    run 0 register --unit 01 --kind individual --name "$n"
    id=$(tr -d '[:space:]' <"$DIR/out")
    run 0 move "$id" fostering
    run 0 move "$id" unit-reviewed
    ids+=("$id")
done
as 0 thu.ky --json meeting open 05/BB-HĐTĐKT "${ids[@]}"
M=$(json_get id)
DAY=$(json_get day)
as 0 thu.ky meeting attend "$M" chu.tich thu.ky uy.vien
for who in chu.tich thu.ky uy.vien; do
    printf '%s approve\n%s reject\n%s approve\n' "${ids[@]}" | "$CTL" --api "tcp://127.0.0.1:$PORT" \
        --server-key "$DIR/server.pub" --key "$DIR/$who.key" meeting vote "$M" - >/dev/null ||
        fail "vote as $who"
done
as 0 thu.ky meeting close "$M"

# ---- issuing ----------------------------------------------------------------
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%% Quyết định 1234/QĐ-BTNMT\n%%%%EOF\n' >"$DIR/qd.pdf"
printf 'not a pdf\n' >"$DIR/qd.txt"
N=1234/QĐ-BTNMT
issue=(decision issue "$M" "$N" --date "$DAY" --issuer "Bộ trưởng Bộ Tài nguyên và Môi trường"
    --signer "Trần Hồng Hà" --signer-title "BỘ TRƯỞNG")
as 6 uy.vien "${issue[@]}" --file "$DIR/qd.pdf"
as 1 chu.tich "${issue[@]}" --file "$DIR/qd.txt"
grep -q "PDF" "$DIR/err" || fail "a text file as the decision: $(cat "$DIR/err")"
as 1 chu.tich "${issue[@]}" --file "$DIR/qd.pdf" "${ids[1]}"
grep -q "was not approved at meeting" "$DIR/err" || fail "an unapproved nomination listed: $(cat "$DIR/err")"
as 1 chu.tich decision issue "$M" "$N" --date 2999-01-01 --issuer X --signer Y --signer-title Z \
    --file "$DIR/qd.pdf"
grep -q "after today" "$DIR/err" || fail "a decision dated in the future: $(cat "$DIR/err")"
as 0 chu.tich --json "${issue[@]}" --file "$DIR/qd.pdf" "${ids[0]}" "${ids[2]}"
SHA=$(sha256sum "$DIR/qd.pdf" | cut -d' ' -f1)
[[ $(json_get file_sha256) == "$SHA" ]] || fail "the stored hash is not the file's: $(cat "$DIR/out")"
as 4 chu.tich "${issue[@]}" --file "$DIR/qd.pdf"   # issued once

# ---- show, the file's round trip ------------------------------------------------
as 0 uy.vien decision show "$N"
grep -q "Trần Hồng Hà" "$DIR/out" && grep -q "$SHA" "$DIR/out" || fail "decision show: $(cat "$DIR/out")"
as 0 uy.vien decision get-file "$N" --output "$DIR/got.pdf"
cmp -s "$DIR/qd.pdf" "$DIR/got.pdf" || fail "get-file wrote other bytes"
as 3 uy.vien decision show 9999/QĐ-BTNMT

# ---- recognising through it -----------------------------------------------------
as 1 chu.tich recognize "${ids[1]}" --decision-number "$N"
grep -q "does not list nomination ${ids[1]}" "$DIR/err" || fail "an unlisted nomination: $(cat "$DIR/err")"
# C withdrawn after the meeting: its move is refused, reported and audited
run 0 move "${ids[2]}" withdrawn --reason "the unit withdrew it"
as 0 chu.tich --json decision recognize "$N"
"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
m = {x["nomination_id"]: x for x in d["moves"]}
assert m[int(sys.argv[2])].get("moved") is True, d
assert not m[int(sys.argv[3])].get("moved") and "withdrawn" in m[int(sys.argv[3])]["why"], d
' "$DIR/out" "${ids[0]}" "${ids[2]}" || fail "decision recognize: $(cat "$DIR/out")"
run 0 audit
grep -q "chu.tich .*move ${ids[2]} recognized *no-such-move" "$DIR/out" || fail "the refused move is not in the audit list: $(cat "$DIR/out")"
run 0 show "${ids[0]}" --json
"$PY" -c '
import json, sys
n = json.load(open(sys.argv[1]))
assert n["state"] == "recognized", n
assert n["recognition"] == sys.argv[2] and n["recognition_date"] == sys.argv[3], n
assert n["recognition_issuer"] == "Bộ trưởng Bộ Tài nguyên và Môi trường", n
' "$DIR/out" "$N" "$DAY" || fail "the recognition's decision: $(cat "$DIR/out")"
run 0 history "${ids[0]}"
grep -q "decision $N" "$DIR/out" || fail "the history does not name the decision: $(cat "$DIR/out")"
as 0 chu.tich decision recognize "$N"
grep -q "already recognized" "$DIR/out" || fail "a second recognize: $(cat "$DIR/out")"
run 0 fsck
grep -Eq "^problems: +0$" "$DIR/out" || fail "fsck: $(cat "$DIR/out")"

# ---- export and import keep it ----------------------------------------------------
run 0 export "$DIR/dump.jsonl"
grep -q '"type":"decision"' "$DIR/dump.jsonl" || fail "the export has no decision"
kill "$PID"
wait "$PID" || true
run 0 import "$DIR/dump.jsonl" --state-dir "$DIR/imported"
export EXEMPLAR_API="ipc://$DIR/imported/api.sock"
start "$DIR/imported"
as 0 uy.vien decision get-file "$N" --output "$DIR/again.pdf"
cmp -s "$DIR/qd.pdf" "$DIR/again.pdf" || fail "the imported decision's file differs"
run 0 fsck
grep -Eq "^problems: +0$" "$DIR/out" || fail "fsck after import: $(cat "$DIR/out")"
echo "ok"
