#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The unit's dossier end to end, exemplarctl against the real daemon on the
# plan's rule set ld2003 (rulesets.yaml `acclamation: {required: true,
# min_in_favour: 1/2, of: present}`): the move to unit-reviewed is refused
# until the collective's acclamation is recorded and meets the threshold
# (1 of 4 and 2 of 5 in favour are refused, 2 of 4, exactly half, passes);
# `check` shows the acclamation and the qualitative criteria with the
# unit's judgements; a unit officer of another unit is refused, the
# nomination's own unit officer (over CURVE) records; the dossier is in
# the export and in the backup (read back by daemons started on the
# imported and the restored copies); the dossier closes once the unit has
# reviewed.  Vietnamese: the refusal is given in the request's language.
#
# usage: test_dossier_cli.sh EXEMPLARD EXEMPLARCTL
set -euo pipefail

EXEMPLARD=$1
CTL=$2
PY=/usr/bin/python3
[[ -x $PY ]] || { echo "FAIL: $PY (Debian's python3) is needed to check --json output" >&2; exit 1; }
# shellcheck source=cli_lib.sh
source "$(dirname "$0")/cli_lib.sh"

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run 0 keygen server --dir "$DIR"
: >"$DIR/keys"
for p in "can.bo.01 unit-officer 01" "can.bo.79 unit-officer 79"; do
    read -r name role unit <<<"$p"
    run 0 keygen "$name" --dir "$DIR"
    printf '%s %s %s %s\n' "$name" "$role" "$unit" "$(grep -v '^#' "$DIR/$name.pub")" >>"$DIR/keys"
done
chmod 640 "$DIR/keys"

start() { # STATE_DIR TODAY
    if [[ -n $PID ]]; then
        kill -TERM "$PID"
        wait "$PID" || true
    fi
    printf '[rules]\ntoday = %s\nlanguage = en\n[auth]\nendpoint = tcp://127.0.0.1:%s\nsecret_key_file = %s\nkeys_file = %s\n' \
        "$2" "$PORT" "$DIR/server.key" "$DIR/keys" >"$DIR/exemplard.conf"
    export EXEMPLAR_API="ipc://$1/api.sock"
    env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
        "$EXEMPLARD" --state-dir "$1" --config "$DIR/exemplard.conf" >>"$LOG" 2>&1 &
    PID=$!
    run 0 ping --wait 10
}
as() { # as STATUS NAME ARGS...: exemplarctl over CURVE as that principal
    local want=$1 who=$2
    shift 2
    run "$want" --api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" --key "$DIR/$who.key" "$@"
}
has() { grep -qF -- "$1" "$DIR/$2" || fail "$3 does not show \"$1\": $(cat "$DIR/$2")"; }

# A collective of unit 01 with its titles of 2021 and 2022 (2023 is pending
# on the review day), fostered: the criteria are met, the acclamation not.
start "$DIR" 2021-09-10
run 0 register --unit 01 --kind collective --subject 01:PTN --name "Phòng Tài nguyên nước" \
    --campaign 2021-2025
ID=$(tr -d '[:space:]' <"$DIR/out")
start "$DIR" 2022-02-15
run 0 move "$ID" fostering
run 0 evidence add 01:PTN 2021 TTLDXS --decision 1/QĐ --decision-date 2022-01-20
start "$DIR" 2023-05-15
run 0 evidence add 01:PTN 2022 TTLDXS --decision 2/QĐ --decision-date 2023-01-20

run 0 check "$ID"
has "[missing] acclaimed by the collective: no acclamation recorded" out "check before an acclamation"
has "[not judged] có nhân tố mới, mô hình mới (NEW-MODEL)" out "check before a judgement"
has "[not judged] dẫn đầu trong phong trào thi đua (LEADS)" out "check before a judgement"
grep -qF "INITIATIVE" "$DIR/out" && fail "check shows an individual's criterion for a collective: $(cat "$DIR/out")"

# ---- the guard ------------------------------------------------------------
run 5 move "$ID" unit-reviewed
has "review-unit is refused: rule set ld2003 requires the collective's acclamation and none is recorded for nomination $ID" err "review-unit without an acclamation"
has "criteria" err "review-unit without an acclamation (the error's name)"
LANGUAGE=vi run 5 move "$ID" unit-reviewed
has "bị từ chối: bộ quy định ld2003 yêu cầu trường hợp đề nghị được tập thể thừa nhận, suy tôn" err "the refusal in Vietnamese"

# one fewer than half of 4 present
run 0 acclaim "$ID" --date 2023-05-12 --present 4 --in-favour 1
has "acclaimed at the meeting of 2023-05-12: 1 of 4 present in favour (recorded by " out "acclaim 1 of 4"
run 5 move "$ID" unit-reviewed
has "requires at least 1/2 of those present in favour; the meeting of 2023-05-12 had 1 of 4, 2 needed" err "review-unit at 1 of 4"
# 2 of 5 is below half: 3 are needed (rounded up, never a near miss)
run 0 acclaim "$ID" --date 2023-05-12 --present 5 --in-favour 2
run 5 move "$ID" unit-reviewed
has "had 2 of 5, 3 needed" err "review-unit at 2 of 5"
run 0 check "$ID"
has "[missing] acclaimed by the collective: meeting of 2023-05-12, 2 of 5 present in favour, at least 1/2 needed" out "check at 2 of 5"

# ---- what is refused before anything is stored ----------------------------
run 1 acclaim "$ID" --date 2023-05-12 --present 4 --in-favour 5
has "in favour (5) cannot be more than the members present (4)" err "acclaim 5 of 4"
run 1 acclaim "$ID" --date 2023-05-16 --present 4 --in-favour 4
has "the meeting of 2023-05-16 is after today (2023-05-15)" err "acclaim tomorrow"
run 2 acclaim "$ID" --date 2023-05-12 --present 4
run 1 judge "$ID" INITIATIVE met --reason "sáng kiến"
has "rule set ld2003 has no qualitative criterion INITIATIVE for this nomination; its criteria: NEW-MODEL, LEADS" err "judge an individual's criterion"
run 2 judge "$ID" NEW-MODEL met
run 2 judge "$ID" NEW-MODEL maybe --reason x

# ---- unit scope: another unit's officer is refused, its own records -------
as 6 can.bo.79 acclaim "$ID" --date 2023-05-12 --present 4 --in-favour 4
has "can.bo.79 acts for unit 79" err "acclaim by another unit's officer"
as 6 can.bo.79 judge "$ID" LEADS met --reason "x"
as 0 can.bo.01 judge "$ID" NEW-MODEL met --reason "Mô hình một cửa số hóa hồ sơ đất đai"
# exactly half of 4 present: the threshold, which passes
as 0 can.bo.01 acclaim "$ID" --date 2023-05-12 --present 4 --in-favour 2
as 0 can.bo.01 --json acclaim "$ID" --date 2023-05-12 --present 4 --in-favour 2
"$PY" - "$DIR/out" <<'PYEOF' || fail "acclaim --json: $(cat "$DIR/out")"
import json, sys
d = json.load(open(sys.argv[1]))
a = d["acclamation"]
assert a["present"] == 4 and a["in_favour"] == 2 and a["date"] == "2023-05-12", a
assert a["recorded_by"] == "can.bo.01", a
assert [j["criterion"] for j in d["judgements"]] == ["NEW-MODEL"] and d["judgements"][0]["met"], d
PYEOF
run 0 judge "$ID" LEADS not-met --reason "chưa dẫn đầu khối"
run 0 judge "$ID" LEADS met --reason "dẫn đầu khối thi đua 2022"
run 0 check "$ID"
has "[met] acclaimed by the collective: meeting of 2023-05-12, 2 of 4 present in favour, at least 1/2 needed" out "check at 2 of 4"
has "[met] có nhân tố mới, mô hình mới (NEW-MODEL): Mô hình một cửa số hóa hồ sơ đất đai" out "check after a judgement"
has "[met] dẫn đầu trong phong trào thi đua (LEADS): dẫn đầu khối thi đua 2022" out "check after a second judgement"

# ---- export and backup hold the dossier ------------------------------------
run 0 export "$DIR/all.jsonl"
grep -q '"type":"dossier"' "$DIR/all.jsonl" || fail "the export has no dossier line"
run 0 backup "$DIR/all.mdb"
run 0 import "$DIR/all.jsonl" --state-dir "$DIR/imported"
run 0 restore "$DIR/all.mdb" --state-dir "$DIR/restored"
main=$DIR
for copy in imported restored; do
    start "$DIR/$copy" 2023-05-15
    run 0 check "$ID"
    has "[met] acclaimed by the collective: meeting of 2023-05-12, 2 of 4 present in favour" out "check on the $copy copy"
    has "(LEADS): dẫn đầu khối thi đua 2022" out "check on the $copy copy"
done
start "$main" 2023-05-15

# ---- the move, then the dossier is closed ---------------------------------
as 0 can.bo.01 move "$ID" unit-reviewed
run 5 acclaim "$ID" --date 2023-05-15 --present 4 --in-favour 4
has "its unit's review is over, so its dossier is closed" err "acclaim after the unit's review"
echo "PASS"
