#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The council's documents from a real round over CURVE (the setup of
# test_council_cli.sh): three members, three unit-reviewed nominations (a
# collective and two individuals), one member absent voting in writing; the
# third nomination gets a reject and is not approved.  `meeting decision`
# is refused while the meeting is open, and to anyone but an approver or
# an administrator (the daemon checks the role); once closed, `meeting show --format
# html` writes the minutes and `meeting decision` the draft recognition
# decision.  Both must hold the parts of their Decree 30/2020 form with the
# round's real counts (the decision's annex: the approved nominations only,
# with their kind), and, in headless Chromium, print to PDF on A4 pages
# only, hold their whole text and have no element wider than its box at
# the print width.  The browser part is skipped (77) only when chromium or
# poppler-utils is not installed; the document checks run before it.
#
# usage: test_council_documents.sh EXEMPLARD EXEMPLARCTL
set -euo pipefail

EXEMPLARD=$1
CTL=$2
PY=/usr/bin/python3
[[ -x $PY ]] || { echo "FAIL: $PY (Debian's python3) is needed" >&2; exit 1; }
# shellcheck source=cli_lib.sh
source "$(dirname "$0")/cli_lib.sh"

council_principals
printf '[rules]\nenforce = no\n[auth]\nendpoint = tcp://127.0.0.1:%s\nsecret_key_file = %s\nkeys_file = %s\n' \
    "$PORT" "$DIR/server.key" "$DIR/keys" >"$DIR/exemplard.conf"
env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
    "$EXEMPLARD" --state-dir "$DIR" --config "$DIR/exemplard.conf" >"$LOG" 2>&1 &
PID=$!
run 0 ping --wait 10

as() { # as STATUS NAME ARGS...: exemplarctl over CURVE as that principal
    local want=$1 who=$2
    shift 2
    run "$want" --api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" --key "$DIR/$who.key" "$@"
}

run 0 council set chu.tich:chair thu.ky:secretary uy.vien:member --decision 12/QĐ-BTNMT
ids=()
for n in "collective:Phòng Kế hoạch – Tài chính" "individual:Nguyễn Văn An" "individual:Trần Thị Bình"; do
    run 0 register --unit 01 --kind "${n%%:*}" --name "${n#*:}"
    id=$(tr -d '[:space:]' <"$DIR/out")
    run 0 move "$id" fostering
    run 0 move "$id" unit-reviewed
    ids+=("$id")
done
as 0 thu.ky --json meeting open 05/BB-HĐTĐKT "${ids[@]}"
M=$(json_get id)
[[ $M =~ ^[0-9]+$ ]] || fail "meeting open printed no id: $(cat "$DIR/out")"
as 0 thu.ky meeting attend "$M" chu.tich thu.ky
vote() { # vote NAME CHOICE-OF-THE-THIRD
    printf '%s approve\n%s approve\n%s %s\n' "${ids[0]}" "${ids[1]}" "${ids[2]}" "$2" |
        "$CTL" --api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" --key "$DIR/$1.key" \
            meeting vote "$M" - >"$DIR/out" 2>"$DIR/err" || fail "vote as $1: $(cat "$DIR/err")"
}
vote chu.tich approve
vote thu.ky reject
vote uy.vien approve

# No decision from an open meeting: a conflict, with what to do.
as 4 chu.tich meeting decision "$M" --output "$DIR/early.html"
grep -q "meeting close" "$DIR/err" || fail "the refusal says not what to do: $(cat "$DIR/err")"
[[ ! -e $DIR/early.html ]] || fail "a refused decision left a file"
as 2 chu.tich meeting show "$M" --format pdf
# The minutes of the open meeting show no count (the counts are secret until
# the close): every nomination "not counted yet", its count cells empty.
as 0 chu.tich meeting show "$M" --format html --output "$DIR/open.html"
[[ $(grep -o '<td>Chưa kiểm phiếu</td>' "$DIR/open.html" | wc -l) -eq 3 ]] ||
    fail "the open meeting's minutes give a result"
grep -q '<td class="n">' "$DIR/open.html" && fail "the open meeting's minutes show a count"

as 0 thu.ky meeting close "$M"
# Only an approver or an administrator drafts the decision (the daemon says so).
as 6 uy.vien meeting decision "$M" --output "$DIR/reader.html"
grep -q "approver or an administrator" "$DIR/err" || fail "reader's refusal: $(cat "$DIR/err")"
as 6 thu.ky meeting decision "$M" --output "$DIR/reviewer.html"
[[ ! -e $DIR/reader.html && ! -e $DIR/reviewer.html ]] || fail "a refused decision left a file"
MIN=$DIR/minutes.html
DEC=$DIR/decision.html
as 0 chu.tich meeting show "$M" --format html --output "$MIN"
as 0 chu.tich meeting decision "$M" --output "$DEC"
as 0 chu.tich meeting decision "$M" --lang en --output "$DIR/decision-en.html"
# to standard output without --output, valgrind-clean when it is installed
VG=()
# (not over a sanitizer build: AddressSanitizer checks that one, and valgrind
# cannot run it)
if command -v valgrind >/dev/null && ! ldd "$CTL" | grep libasan >/dev/null; then
    VG=(valgrind -q --error-exitcode=9 --leak-check=full)
fi
"${VG[@]}" "$CTL" --api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" \
    --key "$DIR/chu.tich.key" meeting decision "$M" >"$DIR/stdout.html" 2>"$DIR/err" ||
    fail "meeting decision to stdout: $(cat "$DIR/err")"
cmp -s "$DIR/stdout.html" "$DEC" || fail "the decision on stdout differs from its file"
"${VG[@]}" "$CTL" --api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" \
    --key "$DIR/chu.tich.key" meeting show "$M" --format html --lang en >"$DIR/minutes-en.html" \
    2>"$DIR/err" || fail "meeting show --format html --lang en: $(cat "$DIR/err")"
for want in '<h1 class="doc-type">MINUTES</h1>' '<td>uy.vien</td><td>Member</td><td>Absent, voted in writing</td>' \
    'Quorum: members present at least: 2 (2/3, 3).' '<td>Not recommended</td>'; do
    grep -qF "$want" "$DIR/minutes-en.html" || fail "the English minutes lack $want"
done
for f in "$MIN" "$DEC"; do
    [[ -s $f ]] || fail "$f was not written"
    grep -Eqi '<script|<link|src=|@import|url\(' "$f" && fail "$f is not self-contained"
done

# The minutes: the Decree 30 frame, the attendance with roles, the rules,
# and per nomination the real counts, the number needed and the result.
for want in '<div class="motto1">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>' \
    '<h1 class="doc-type">BIÊN BẢN</h1>' 'Số: 05/BB-HĐTĐKT' 'class="dateline"' \
    'Họp Hội đồng Thi đua – Khen thưởng xét công nhận điển hình tiên tiến' \
    '<td>chu.tich</td><td>Chủ tịch</td><td>Có mặt</td>' \
    '<td>thu.ky</td><td>Ủy viên thư ký</td><td>Có mặt</td>' \
    '<td>uy.vien</td><td>Ủy viên</td><td>Vắng mặt, biểu quyết bằng văn bản</td>' \
    'Túc số: số thành viên có mặt tối thiểu: 2 (2/3, 3).' \
    'Tỷ lệ tán thành để được đề nghị công nhận: 90/100 của tổng số thành viên Hội đồng.' \
    '<td>Nguyễn Văn An</td><td>01</td><td class="n">3</td><td class="n">0</td><td class="n">3</td><td>Đề nghị công nhận</td>' \
    '<td>Trần Thị Bình</td><td>01</td><td class="n">2</td><td class="n">1</td><td class="n">3</td><td>Không đề nghị công nhận</td>' \
    '<div class="office">THƯ KÝ</div>' '<div class="office">CHỦ TỊCH HỘI ĐỒNG</div>'; do
    grep -qF "$want" "$MIN" || fail "the minutes lack $want"
done
# The decision: number blank, bases, articles, the annex of the approved only.
for want in '<h1 class="doc-type">QUYẾT ĐỊNH</h1>' 'Số: <span class="blank">……</span>/QĐ-' \
    'Về việc công nhận điển hình tiên tiến' \
    'Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;' \
    'Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023' 'Căn cứ Kế hoạch số <span class="blank">' \
    'Căn cứ Biên bản họp Hội đồng Thi đua – Khen thưởng số 05/BB-HĐTĐKT ngày' \
    '<b>Điều 1.</b> Công nhận 1 tập thể và 1 cá nhân là điển hình tiên tiến' '<b>Điều 2.</b>' \
    '<b>Điều 3.</b>' '<li>- Như Điều 3;</li>' 'class="signer"' \
    'DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN ĐƯỢC CÔNG NHẬN' \
    '<td>Phòng Kế hoạch – Tài chính</td><td>01</td><td>Tập thể</td>' \
    '<td>Nguyễn Văn An</td><td>01</td><td>Cá nhân</td>'; do
    grep -qF "$want" "$DEC" || fail "the decision lacks $want"
done
grep -qF 'Trần Thị Bình' "$DEC" && fail "the decision recognises a nomination the council did not approve"
grep -qF '<h1 class="doc-type">DECISION</h1>' "$DIR/decision-en.html" || fail "no English decision"
grep -qF 'Article 1.' "$DIR/decision-en.html" || fail "the English decision has no articles"

CHROMIUM=$(command -v chromium || true)
[[ -n $CHROMIUM ]] || { echo "SKIP: chromium is not installed (apt-get install chromium)"; exit 77; }
command -v pdfinfo >/dev/null && command -v pdftotext >/dev/null ||
    { echo "SKIP: pdfinfo/pdftotext are not installed (apt-get install poppler-utils)"; exit 77; }
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$DIR/profile"
       --no-first-run --disable-extensions --disable-quic --disable-background-networking
       --disable-component-update --disable-sync)

# a4_pdf PAGE PDF: PAGE printed to PDF, every page A4 (595 x 842 pt).
a4_pdf() {
    timeout 60 "$CHROMIUM" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$2" \
        "file://$1" >"$DIR/pdf.log" 2>&1 || fail "chromium --print-to-pdf $1: $(tail -5 "$DIR/pdf.log")"
    local n bad
    n=$(pdfinfo "$2" | awk '/^Pages:/ {print $2}')
    [[ $n -ge 1 ]] || fail "$2 has no page"
    bad=$(pdfinfo -f 1 -l "$n" -box "$2" |
        awk '/MediaBox:/ && !($4 == "0.00" && $5 == "0.00" && $6 + 0 > 594.5 && $6 + 0 < 595.5 &&
                               $7 + 0 > 841.5 && $7 + 0 < 842.5)' | head -3)
    [[ -z $bad ]] || fail "pages of $2 that are not A4: $bad"
    [[ $(pdfinfo -f 1 -l "$n" -box "$2" | grep -c 'MediaBox:') -eq $n ]] || fail "no MediaBox per page of $2"
    echo "$n"
}
# The print layout (the screen sheet off) at the width of A4 less the
# decree's margins (165 mm = 624 px): nothing wider than its box.
cat >"$DIR/probe.js" <<'JSEOF'
const bad = [];
const wide = (e, why) =>
  bad.push(why + ": " + (e.textContent || "").replace(/[\s\[\]]+/g, " ").trim().slice(0, 40));
const main = document.querySelector("main");
if (main.scrollWidth > main.clientWidth + 1) wide(main, "page " + main.scrollWidth);
document.querySelectorAll("table").forEach(t => {
  if (t.getBoundingClientRect().right > main.getBoundingClientRect().right + 1) wide(t, "table");
});
document.querySelectorAll("th, td, p, .parent, .issuer, .number, .motto1, .motto2, .dateline, " +
                          ".doc-subject, .signature div, .recipients li")
  .forEach(e => { if (e.scrollWidth > e.clientWidth + 1) wide(e, e.tagName); });
const out = document.createElement("pre");
out.id = "probe";
out.textContent = "OVERFLOW[" + bad.join(" | ") + "]";
document.body.appendChild(out);
JSEOF
probe() {
    "$PY" - "$1" "$DIR/probe.js" "$DIR/probe.html" <<'PYEOF'
import sys
page = open(sys.argv[1], encoding="utf-8").read().replace("@media screen", "@media not all")
script = open(sys.argv[2], encoding="utf-8").read()
open(sys.argv[3], "w", encoding="utf-8").write(page.replace("</body>", "<script>" + script + "</script></body>"))
PYEOF
    timeout 60 "$CHROMIUM" "${flags[@]}" --window-size=624,2000 --dump-dom "file://$DIR/probe.html" \
        >"$DIR/probe-dom.html" 2>"$DIR/probe.log" || fail "chromium probe: $(tail -5 "$DIR/probe.log")"
    local got
    got=$(grep -o '<pre id="probe">OVERFLOW\[[^]]*\]' "$DIR/probe-dom.html" | sed 's/^<pre id="probe">//' || true)
    [[ -n $got ]] || fail "the probe script did not run on $1"
    [[ $got == 'OVERFLOW[]' ]] || fail "text overflows its box in the print layout of $1: $got"
}

mpages=$(a4_pdf "$MIN" "$DIR/minutes.pdf")
pdftotext "$DIR/minutes.pdf" - | tr -d '[:space:]' >"$DIR/minutes.txt"
for want in 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' 'BIÊN BẢN' 'III. KẾT QUẢ BIỂU QUYẾT' 'Trần Thị Bình' \
    'Không đề nghị công nhận' 'THƯ KÝ' 'CHỦ TỊCH HỘI ĐỒNG'; do
    grep -qF "${want//[[:space:]]/}" "$DIR/minutes.txt" || fail "the minutes' PDF lacks $want"
done
probe "$MIN"
dpages=$(a4_pdf "$DEC" "$DIR/decision.pdf")
[[ $dpages -ge 2 ]] || fail "the annex does not start a page of its own ($dpages pages)"
pdftotext "$DIR/decision.pdf" - | tr -d '[:space:]' >"$DIR/decision.txt"
for want in 'QUYẾT ĐỊNH' 'Căn cứ Nghị định số 98/2023/NĐ-CP' 'Điều 3.' 'Nơi nhận:' \
    'DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN ĐƯỢC CÔNG NHẬN' 'Phòng Kế hoạch – Tài chính' 'Nguyễn Văn An'; do
    grep -qF "${want//[[:space:]]/}" "$DIR/decision.txt" || fail "the decision's PDF lacks $want"
done
probe "$DEC"
probe "$DIR/decision-en.html"
probe "$DIR/minutes-en.html"
echo "ok (minutes $mpages A4 pages, decision $dpages)"
