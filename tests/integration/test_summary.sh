#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The quarterly summary against the real daemon, with all rules
# on and `[rules] today` moved through the 2021-2025 calendar by restarts:
# numbers by unit x kind x state, moves, recognitions, overdue units and
# evidence gaps of 2023Q3; the summary computed at the quarter's end equals
# the one computed after later moves and restarts; as-of inside the
# quarter; a unit officer's scope over CURVE; bad quarter strings; fsck of
# the tallies; exemplar-summary's files.
#
#   test_summary.sh EXEMPLARD EXEMPLARCTL EXEMPLAR-SUMMARY
set -euo pipefail

EXEMPLARD=$1
CTL=$2
WORKER=$3
PY=/usr/bin/python3
source "$(dirname "$0")/cli_lib.sh"

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run 0 keygen server --dir "$DIR"
run 0 keygen lan --dir "$DIR"
printf 'lan.hanoi unit-officer 01 %s\n' "$(grep -v '^#' "$DIR/lan.pub")" >"$DIR/keys"
chmod 640 "$DIR/keys" # the daemon refuses a keys file others may write

start() {
    if [[ -n $PID ]]; then
        kill -TERM "$PID"
        wait "$PID" || true
    fi
    printf '[rules]\ntoday = %s\n[auth]\nendpoint = tcp://127.0.0.1:%s\nsecret_key_file = %s\nkeys_file = %s\n' \
        "$1" "$PORT" "$DIR/server.key" "$DIR/keys" >"$DIR/exemplard.conf"
    env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
        "$EXEMPLARD" --state-dir "$DIR" --config "$DIR/exemplard.conf" >>"$LOG" 2>&1 &
    PID=$!
    run 0 ping --wait 10
}

# check EXPR: a Python expression over the summary `s` in $DIR/out.
check() {
    "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
def count(unit, kind, state):
    return sum(r["count"] for r in s["rows"] if r["unit"] == unit and r["kind"] == kind and r["state"] == state)
def moves(unit, frm, to):
    return sum(m["count"] for m in s["moves"] if m["unit"] == unit and m["from"] == frm and m["to"] == to)
overdue = {o["unit"] for o in s["overdue"]}
if not eval(sys.argv[2]):
    print(json.dumps(s, ensure_ascii=False, indent=1)[:3000])
    sys.exit(1)
' "$DIR/out" "$1" || fail "summary check failed: $1"
}

start 2021-08-16
reg() { # UNIT KIND SUBJECT NAME
    run 0 register --unit "$1" --kind "$2" --subject "$3" --name "$4" --campaign 2021-2025
    tr -d '[:space:]' <"$DIR/out"
}
A=$(reg 01 collective 01:TT-A "Phòng Đo đạc <Hà Nội> & \"bản đồ\"")
B=$(reg 01 individual CB-B "Nguyễn Văn Bình")
C=$(reg 01 individual CB-C "Trần Thị Chi")
D=$(reg 79 collective 79:TT-D "Chi cục Biển và Hải đảo")
E=$(reg 79 individual CB-E "Lê Văn Em")
run 0 plan submit 01 --period 2021-2023 --collective 1 --individual 2 --solutions "Phong trào" \
    --decision 1/KH --decision-date 2021-09-01

start 2022-03-01
for id in "$A" "$B" "$C" "$D" "$E"; do run 0 move "$id" fostering; done

start 2023-02-01
ev() { # SUBJECT TITLE...: the titles of 2021 and 2022, each signed in January after
    local s=$1
    shift
    for y in 2021 2022; do
        for t in "$@"; do
            run 0 evidence add "$s" "$y" "$t" --decision "$y/$t" --decision-date "$((y + 1))-01-20"
        done
    done
}
ev 01:TT-A TTLDXS
ev CB-B HTXSNV CSTDCS
ev CB-C HTXSNV CSTDCS
ev 79:TT-D TTLDXS

start 2023-05-15
for id in "$A" "$B" "$C" "$D"; do
    run 0 acclaim "$id" --date 2023-05-15 --present 10 --in-favour 10
    run 0 move "$id" unit-reviewed
done

start 2023-07-20
for id in "$A" "$B" "$D"; do run 0 move "$id" ministry-reviewed; done

start 2023-08-25
run 0 move "$A" recognized --decision 9/QĐ-BTNMT --decision-date 2023-08-25 \
    --issuer "Bộ trưởng Bộ Tài nguyên và Môi trường"
run 0 evidence revoke CB-C 2022 CSTDCS --decision 5/QĐ-TH --decision-date 2023-08-25

start 2023-09-30
run 0 --json summary 2023Q3
cp "$DIR/out" "$DIR/at-the-time.json"
check 's["quarter"] == "2023Q3" and s["as_of"] == "2023-09-30" and s["nominations"] == 5'
check 'count("01","collective","recognized") == 1 and count("01","individual","ministry-reviewed") == 1'
check 'count("01","individual","unit-reviewed") == 1 and count("79","collective","ministry-reviewed") == 1'
check 'count("79","individual","fostering") == 1'
check 'moves("01","unit-reviewed","ministry-reviewed") == 2 and moves("79","unit-reviewed","ministry-reviewed") == 1'
check 'moves("01","ministry-reviewed","recognized") == 1 and len(s["moves"]) == 3'
check 's["recognized_count"] == 1 and s["recognized"][0]["id"] == '"$A"' and s["recognized"][0]["day"] == "2023-08-25"'
check 's["recognized"][0]["decision"] == {"number": "9/QĐ-BTNMT", "date": "2023-08-25", "issuer": "Bộ trưởng Bộ Tài nguyên và Môi trường"}'
check '"79" in overdue and "01" not in overdue and all(o["due"] == "2021-09-15" for o in s["overdue"])'
check 's["gap_count"] == 1 and s["gaps"][0]["unit"] == "01" and s["gaps"][0]["nominations"] == ['"$C"']'
# Evidence gaps name the nominations; moves name the unit as the rows do.
check 's["gaps"][0]["names"] == ["Trần Thị Chi"]'
check 'all(m["unit_name"] == "Thành phố Hà Nội" for m in s["moves"] if m["unit"] == "01")'

# As of a day inside the quarter: before the recognition and the revocation.
run 0 --json summary 2023Q3 --as-of 2023-08-01
check 's["as_of"] == "2023-08-01" and s["recognized_count"] == 0 and s["gap_count"] == 0'
check 'count("01","collective","ministry-reviewed") == 1 and moves("01","ministry-reviewed","recognized") == 0'
check 'moves("01","unit-reviewed","ministry-reviewed") == 2'
# The revocation of 2023-08-25 opens C's evidence gap on that day, not before.
run 0 --json summary 2023Q3 --as-of 2023-08-24
check 's["gap_count"] == 0 and s["recognized_count"] == 0'
run 0 --json summary 2023Q3 --as-of 2023-08-25
check 's["gap_count"] == 1 and s["gaps"][0]["nominations"] == ['"$C"'] and s["recognized_count"] == 1'
# Quarter II: the unit reviews.
run 0 --json summary 2023Q2
check 'moves("01","fostering","unit-reviewed") == 3 and count("01","individual","unit-reviewed") == 2'

# Later moves, restarts and a fresh tally do not change the past quarter.
start 2023-11-10
run 0 move "$B" recognized --decision 10/QĐ-BTNMT --decision-date 2023-11-10 \
    --issuer "Bộ trưởng Bộ Tài nguyên và Môi trường"
run 0 move "$E" withdrawn --reason "Nghỉ hưu"
start 2024-02-01
run 0 --json summary 2023Q3
"$PY" - "$DIR/at-the-time.json" "$DIR/out" <<'PYEOF' || fail "the summary of 2023Q3 changed after later moves"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("generated_at_ms")
sys.exit(0 if a == b else 1)
PYEOF
run 0 --json summary 2023Q4
check 'moves("01","ministry-reviewed","recognized") == 1 and moves("79","fostering","withdrawn") == 1'
run 0 --json fsck
grep -q '"problems": *0' "$DIR/out" || fail "fsck found problems: $(cat "$DIR/out")"
run 0 --json fsck --repair
run 0 --json summary 2023Q3
"$PY" - "$DIR/at-the-time.json" "$DIR/out" <<'PYEOF' || fail "the summary of 2023Q3 changed after fsck --repair"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("generated_at_ms")
sys.exit(0 if a == b else 1)
PYEOF

# Bad quarters and days are refused as invalid, with a sentence.
for q in 2023Q5 23Q1 "" 2023q0 2023-Q3; do
    run 1 summary "$q"
    grep -q "is not a quarter" "$DIR/err" || fail "summary '$q': $(cat "$DIR/err")"
done
run 1 summary 2023Q3 --as-of 2023-10-01
grep -q "must be a day YYYY-MM-DD of quarter 2023Q3" "$DIR/err" || fail "as-of: $(cat "$DIR/err")"
run 2 summary 2023Q3 --format pdf

# A unit officer sees its own unit only.
CURVE=(--api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" --key "$DIR/lan.key")
run 0 "${CURVE[@]}" --json summary 2023Q3
check 's["scope_unit"] == "01" and {r["unit"] for r in s["rows"]} == {"01"} and overdue <= {"01"}'
check 's["nominations"] == 3 and s["gap_count"] == 1'

# The interim review report of 2021-2023 (báo cáo sơ kết), as of the
# period's end: per unit and kind against the unit's plan, the units
# without a plan, every recognition with its decision.
rcheck() { # EXPR over the report `r` in $DIR/out; unit(CODE, KIND) is its row
    "$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
def unit(code, kind):
    return next(u for u in r["units"] if u["unit"] == code and u["kind"] == kind)
def row(code, kind):
    u = unit(code, kind)
    return [u[k] for k in ("expected", "registered", "fostered", "recognized", "revoked", "carried_over")]
if not eval(sys.argv[2]):
    print(json.dumps(r, ensure_ascii=False, indent=1)[:3000])
    sys.exit(1)
' "$DIR/out" "$1" || fail "report check failed: $1"
}
run 0 --json report interim 2021-2023
rcheck 'r["kind"] == "interim" and r["campaign"] == "2021-2025" and r["as_of"] == "2023-12-31"'
rcheck 'row("01", "collective") == [1, 1, 1, 1, 0, 0] and row("01", "individual") == [2, 2, 2, 1, 0, 0]'
rcheck 'row("79", "collective") == [0, 1, 1, 0, 0, 0] and row("79", "individual") == [0, 1, 0, 0, 0, 0]'
rcheck '{p["unit"] for p in r["plans"] if p["submitted_on"] == ""} >= {"79"} and "01" not in {p["unit"] for p in r["plans"]}'
rcheck 'r["recognized_count"] == 2 and [x["decision"]["number"] for x in r["recognized"]] == ["9/QĐ-BTNMT", "10/QĐ-BTNMT"]'
# As of a day inside the period: B was recognized later.
run 0 --json report interim 2021-2023 --as-of 2023-09-30
rcheck 'r["recognized_count"] == 1 and row("01", "individual")[3] == 0'
# The final report of the campaign: the same nominations, the campaign's span.
run 0 --json report final 2021-2025
rcheck 'r["kind"] == "final" and r["period"] == "" and r["to"] == "2025-09-30" and row("01", "collective")[:4] == [1, 1, 1, 1]'
run 3 report interim 2099-2101
grep -q "no campaign has a period 2099-2101" "$DIR/err" || fail "unknown period: $(cat "$DIR/err")"
run 1 report final 2021-2025 --as-of 2030-01-01
grep -q "must be a day YYYY-MM-DD from" "$DIR/err" || fail "as-of outside: $(cat "$DIR/err")"
run 2 report quarterly 2021-2023
# In Vietnamese when the person's language is.
export LANGUAGE=vi
run 3 report interim 2099-2101
unset LANGUAGE
grep -q "không Kế hoạch nào có giai đoạn 2099-2101" "$DIR/err" || fail "vi refusal: $(cat "$DIR/err")"

# Every format on disk, as exemplar-summary writes them.
mkdir "$DIR/reports"
"$WORKER" --quarter 2023Q3 --reports-dir "$DIR/reports" --api "$EXEMPLAR_API" >/dev/null ||
    fail "exemplar-summary failed"
for ext in json csv xlsx html; do
    [[ -s $DIR/reports/summary-2023Q3.$ext ]] || fail "exemplar-summary wrote no $ext"
done
compgen -G "$DIR/reports/review-*" >/dev/null &&
    fail "a review report was written after 2023Q3, before the period ended"
# After 2023Q4 the period 2021-2023 has ended: its interim report comes with the summary.
mkdir "$DIR/due"
"$WORKER" --quarter 2023Q4 --reports-dir "$DIR/due" --api "$EXEMPLAR_API" >"$DIR/due.out" ||
    fail "exemplar-summary --quarter 2023Q4 failed"
for ext in json csv xlsx html; do
    [[ -s $DIR/due/review-interim-2021-2023.$ext ]] || fail "exemplar-summary wrote no interim $ext"
done
grep -qF "$DIR/due/review-interim-2021-2023.html" "$DIR/due.out" || fail "the interim report is not listed"
grep -qF '"Số quyết định","Ngày quyết định","Người ký"' "$DIR/due/review-interim-2021-2023.csv" ||
    fail "the interim CSV has no decision columns"
"$PY" - "$DIR/due/review-interim-2021-2023.xlsx" <<'PYEOF' || fail "the interim XLSX is not the three sheets with the decisions"
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
strings = z.read("xl/sharedStrings.xml").decode()
sys.exit(0 if names == ["Theo đơn vị", "Kế hoạch", "Công nhận"] and "10/QĐ-BTNMT" in strings else 1)
PYEOF

ls -a "$DIR/reports" | grep -q '\.tmp$' && fail "a temporary file was left behind"
head -c 3 "$DIR/reports/summary-2023Q3.csv" | od -An -tx1 | grep -q 'ef bb bf' || fail "the CSV has no BOM"
grep -q 'Phòng Đo đạc &lt;Hà Nội&gt; &amp; &quot;bản đồ&quot;' "$DIR/reports/summary-2023Q3.html" ||
    fail "the HTML does not escape the name"
"$PY" - "$DIR/reports/summary-2023Q3.xlsx" <<'PYEOF' || fail "the XLSX is not a workbook with the five sheets"
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
wb = z.read("xl/workbook.xml").decode()
names = re.findall(r'<sheet name="([^"]+)"', wb)
sys.exit(0 if names == ["Trường hợp đề nghị", "Chuyển trạng thái", "Công nhận", "Quá hạn", "Thiếu minh chứng"] else 1)
PYEOF
"$CTL" summary 2023Q3 --format all --output "$DIR/reports" >/dev/null || fail "summary --format all"
# Each recognition with its decision (number, date, issuer) in HTML, CSV and XLSX.
grep -qF '<td>Số 9/QĐ-BTNMT ngày 25/8/2023 của Bộ trưởng Bộ Tài nguyên và Môi trường</td>' \
    "$DIR/reports/summary-2023Q3.html" || fail "the HTML does not show the recognizing decision"
grep -qF '"Số quyết định","Ngày quyết định","Người ký"' "$DIR/reports/summary-2023Q3.csv" &&
    grep -qF '"9/QĐ-BTNMT","2023-08-25","Bộ trưởng Bộ Tài nguyên và Môi trường"' \
        "$DIR/reports/summary-2023Q3.csv" || fail "the CSV does not show the recognizing decision"
"$PY" - "$DIR/reports/summary-2023Q3.xlsx" <<'PYEOF' || fail "the XLSX does not show the recognizing decision"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
strings = z.read("xl/sharedStrings.xml").decode()
sys.exit(0 if all(w in strings for w in ("Số quyết định", "9/QĐ-BTNMT", "Bộ trưởng Bộ Tài nguyên và Môi trường")) else 1)
PYEOF

# The HTML report's header (Decree 30/2020): values not given are blanks, never guesses.
H=$DIR/reports/summary-2023Q3.html
grep -qF 'Số: <span class="blank">……</span>/BC-<span class="blank">……</span>' "$H" ||
    fail "the number and symbol are not left blank"
grep -qF 'ngày <span class="blank">……</span> tháng' "$H" || fail "the date is not left blank"
for bad in 'Trả lại bồi dưỡng thêm' 'Thu hồi công nhận' 'đề cử' 'Đề cử' '(UTC)'; do
    grep -qF "$bad" "$H" && fail "the report still says $bad"
done
grep -qF '15/9/2021' "$H" || fail "the overdue deadline is not written 15/9/2021"
grep -qF '(giờ Việt Nam)' "$H" || fail "the time does not say it is Vietnam time"
# From a file and the options over it, in exemplar-summary and exemplarctl alike.
cat >"$DIR/doc.ini" <<'INI'
[document]
parent = Bộ Tài nguyên và Môi trường
body = Vụ Thi đua, Khen thưởng và Tuyên truyền
symbol = TĐKTTT
number = 7
place = Hà Nội
authority = KT. Bộ trưởng
title = Thứ trưởng
signer = Nguyễn Thị Phương Hoa
recipient = Bộ trưởng (để báo cáo)
recipient = Các Thứ trưởng
archive = VT, TĐKTTT
INI
mkdir "$DIR/signed"
"$WORKER" --quarter 2023Q3 --reports-dir "$DIR/signed" --api "$EXEMPLAR_API" --document "$DIR/doc.ini" \
    --doc number=12 --doc date=2023-10-05 >/dev/null || fail "exemplar-summary --document failed"
for want in 'Số: 12/BC-TĐKTTT' 'Hà Nội, ngày 05 tháng 10 năm 2023' 'Vụ Thi đua, Khen thưởng và Tuyên truyền' \
    'Nguyễn Thị Phương Hoa' '<li>- Các Thứ trưởng;</li>' '<li>- Lưu: VT, TĐKTTT.</li>' 'KT. Bộ trưởng'; do
    grep -qF "$want" "$DIR/signed/summary-2023Q3.html" || fail "the signed report lacks $want"
done
run 0 summary 2023Q3 --format html --output "$DIR/ctl.html" --document "$DIR/doc.ini" --doc-date 2024-02-03
grep -qF 'Số: 7/BC-TĐKTTT' "$DIR/ctl.html" && grep -qF 'ngày 03 tháng 02 năm 2024' "$DIR/ctl.html" ||
    fail "exemplarctl summary --document: $(grep -o 'Số: [^<]*' "$DIR/ctl.html")"
run 0 summary 2023Q3 --format html --lang en --output "$DIR/en.html" --document "$DIR/doc.ini"
for want in 'SOCIALIST REPUBLIC OF VIET NAM' 'No.: 7/BC-TĐKTTT' 'Recipients:' '15 September 2021' \
    '(Vietnam time, UTC+7)'; do
    grep -qF "$want" "$DIR/en.html" || fail "the English report lacks $want"
done
printf '[document]\nsigner = A\nseal = B\n' >"$DIR/bad.ini"
run 2 summary 2023Q3 --format html --document "$DIR/bad.ini"
grep -q 'line 3: no document key "seal"' "$DIR/err" || fail "bad document key: $(cat "$DIR/err")"
run 2 summary 2023Q3 --format html --doc-date 2023-02-30
grep -q 'is not a day' "$DIR/err" || fail "bad document date: $(cat "$DIR/err")"
"$WORKER" --quarter 2023Q3 --reports-dir "$DIR/signed" --doc number >/dev/null 2>"$DIR/err" &&
    fail "exemplar-summary took --doc without ="
grep -q 'KEY=VALUE' "$DIR/err" || fail "--doc without =: $(cat "$DIR/err")"
echo "ok"
