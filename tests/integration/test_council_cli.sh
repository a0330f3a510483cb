#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# exemplarctl council and meeting end to end over CURVE: an administrator
# sets a council of three; the secretary opens a meeting over two
# unit-reviewed nominations, records two members present, each member votes
# from stdin (the absent one in writing), the secretary closes and the
# minutes are printed; the results follow the rule set's 90 % of all
# members (3 of 3) and the nominations move.  A ballot on the command line
# is refused before anything is sent.
#
# usage: test_council_cli.sh EXEMPLARD EXEMPLARCTL
set -euo pipefail

EXEMPLARD=$1
CTL=$2
PY=/usr/bin/python3
[[ -x $PY ]] || { echo "FAIL: $PY (Debian's python3) is needed to check --json output" >&2; exit 1; }
# shellcheck source=cli_lib.sh
source "$(dirname "$0")/cli_lib.sh"

council_principals
run 0 keygen thu.ky.01 --dir "$DIR"   # the secretary of unit 01's council, its officer
printf 'thu.ky.01 unit-officer 01 %s\n' "$(grep -v '^#' "$DIR/thu.ky.01.pub")" >>"$DIR/keys"
chmod 640 "$DIR/keys"
printf '[rules]\nenforce = no\n[auth]\nendpoint = tcp://127.0.0.1:%s\nsecret_key_file = %s\nkeys_file = %s\n' \
    "$PORT" "$DIR/server.key" "$DIR/keys" >"$DIR/exemplard.conf"
env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
    "$EXEMPLARD" --state-dir "$DIR" --config "$DIR/exemplard.conf" >"$LOG" 2>&1 &
PID=$!
run 0 ping --wait 10

as() { # as NAME ARGS...: exemplarctl over CURVE as that principal
    local who=$1
    shift
    run 0 --api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" --key "$DIR/$who.key" "$@"
}

# ---- the council ----------------------------------------------------------
run 2 council set chu.tich:president
run 0 council set chu.tich:chair thu.ky:secretary uy.vien:member --decision 12/QĐ-BTNMT
run 0 council show --json
[[ $(json_get version) == 1 ]] || fail "council show: $(cat "$DIR/out")"
run 0 council show
grep -q "thu.ky .*secretary" "$DIR/out" || fail "council show: $(cat "$DIR/out")"

# ---- two unit-reviewed nominations ---------------------------------------
ids=()
for n in "Nguyễn Văn A" "Trần Thị B"; do
    run 0 register --unit 01 --kind individual --name "$n"
    id=$(tr -d '[:space:]' <"$DIR/out")
    run 0 move "$id" fostering
    run 0 move "$id" unit-reviewed
    ids+=("$id")
done

# ---- the round -------------------------------------------------------------
run 0 --api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" --key "$DIR/chu.tich.key" ping
as thu.ky --json meeting open 05/BB-HĐTĐKT "${ids[@]}"
M=$(json_get id)
[[ $M =~ ^[0-9]+$ ]] || fail "meeting open printed no id: $(cat "$DIR/out")"
as thu.ky meeting attend "$M" chu.tich thu.ky

vote() { # vote NAME BALLOT
    local who=$1 got=0
    printf '%s\n' "$2" | "$CTL" --api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" \
        --key "$DIR/$who.key" meeting vote "$M" - >"$DIR/out" 2>"$DIR/err" || got=$?
    [[ $got -eq 0 ]] || fail "meeting vote as $who exited $got: $(cat "$DIR/err")"
}
vote chu.tich "${ids[0]} approve
${ids[1]} approve"
vote thu.ky "${ids[0]} approve
${ids[1]} reject"
vote uy.vien "${ids[0]} approve
${ids[1]} approve"
grep -q "ballot recorded" "$DIR/out" || fail "vote: $(cat "$DIR/out")"
# a ballot on the command line never leaves this process
run 2 meeting vote "$M" "${ids[0]}:approve"
# the count is not shown while the meeting is open
as chu.tich --json meeting show "$M"
"$PY" -c '
import json, sys
m = json.load(open(sys.argv[1]))["meeting"]
assert all(not it.get("approve") and not it.get("reject") for it in m["items"]), m
assert m["in_writing"] == ["uy.vien"], m
' "$DIR/out" || fail "meeting show while open: $(cat "$DIR/out")"

as thu.ky meeting close "$M"
grep -q "05/BB-HĐTĐKT" "$DIR/out" || fail "the minutes lack their reference: $(cat "$DIR/out")"
grep -q "uy.vien" "$DIR/out" || fail "the minutes lack the written vote: $(cat "$DIR/out")"
run 0 show "${ids[0]}" --json
[[ $(json_get state) == ministry-reviewed ]] || fail "approved nomination: $(cat "$DIR/out")"
run 0 show "${ids[1]}" --json
[[ $(json_get state) == returned ]] || fail "2 of 3 approvals, 3 needed: $(cat "$DIR/out")"

# ---- the list of meetings ----------------------------------------------------
as uy.vien meeting list --state closed
grep -q "05/BB-HĐTĐKT" "$DIR/out" || fail "meeting list --state closed: $(cat "$DIR/out")"
as uy.vien meeting list --state open
grep -q "05/BB-HĐTĐKT" "$DIR/out" && fail "meeting list --state open shows a closed one"
as uy.vien --json meeting list --level ministry
"$PY" -c '
import json, sys
l = json.load(open(sys.argv[1]))
assert len(l) == 1 and l[0]["meeting"]["id"] == int(sys.argv[2]), l
assert sorted(l[0]["you_voted"]) == sorted(int(i) for i in sys.argv[3:]), l
' "$DIR/out" "$M" "${ids[@]}" || fail "meeting list --json: $(cat "$DIR/out")"
as uy.vien --json meeting list --level unit --unit 01
[[ $(tr -d '[:space:]' <"$DIR/out") == "[]" ]] || fail "meeting list --level unit: $(cat "$DIR/out")"
run 2 meeting list --state done

# ---- a unit's council ----------------------------------------------------------
run 0 council set --unit 01 chu.tich:chair thu.ky.01:secretary uy.vien:member
run 0 register --unit 01 --kind individual --name "Lê Văn C"
U=$(tr -d '[:space:]' <"$DIR/out")
run 0 move "$U" fostering
"$CTL" --api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" --key "$DIR/thu.ky.key" \
    meeting open 02/BB-HĐTĐKT.01 "$U" --unit 01 >"$DIR/out" 2>"$DIR/err" && fail "a ministry reviewer opened unit 01's meeting"
as thu.ky.01 --json meeting open 02/BB-HĐTĐKT.01 "$U" --unit 01
MU=$(json_get id)
as thu.ky.01 meeting attend "$MU" chu.tich thu.ky.01 uy.vien
for who in chu.tich thu.ky.01 uy.vien; do
    printf '%s approve\n' "$U" | "$CTL" --api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" \
        --key "$DIR/$who.key" meeting vote "$MU" - >/dev/null || fail "unit vote as $who"
done
as thu.ky.01 meeting close "$MU"
grep -q "Council of unit 01" "$DIR/out" || fail "the unit's minutes: $(cat "$DIR/out")"
run 0 show "$U" --json
[[ $(json_get state) == unit-reviewed ]] || fail "approved by unit 01's council: $(cat "$DIR/out")"
UNAME=$(json_get unit_name)
run 0 meeting show "$MU" --format html --output "$DIR/bb-01.html"
grep -q "issuer-name\">${UNAME:-01}<" "$DIR/bb-01.html" || fail "the unit's minutes do not name unit ${UNAME:-01}"
as uy.vien meeting list --level unit --unit 01
grep -q "02/BB-HĐTĐKT.01" "$DIR/out" || fail "meeting list --level unit: $(cat "$DIR/out")"
echo "ok"
