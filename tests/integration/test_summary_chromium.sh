#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The summary's HTML report in a real browser: clients/sample-data.sh walks
# the 2021-2025 campaign and writes summary-2023Q3.html; headless Chromium
# renders it to a PNG that must not be blank (many distinct colours), dumps
# the DOM, which must hold the parts of a Decree 30/2020/NĐ-CP report
# (motto, issuing body, number and symbol, date line, BÁO CÁO, numbered
# parts, an STT column in every table, recipients, signature) and the
# charts, prints it to PDF, whose every page must be A4 (595 x 842 pt) and
# hold the whole text, and lays it out at the print width with a probe
# script that reports any element whose content is wider than its box.  The
# interim review report of 2021-2023, written from the same data, gets the
# same checks.
# Skipped (77) only when chromium or poppler-utils is not installed.
#
#   test_summary_chromium.sh SOURCE_DIR BUILD_DIR
set -euo pipefail

SRC=$1
BUILD=$2
PY=/usr/bin/python3
CHROMIUM=$(command -v chromium || true)
[[ -n $CHROMIUM ]] || { echo "SKIP: chromium is not installed (apt-get install chromium)"; exit 77; }
command -v pdfinfo >/dev/null && command -v pdftotext >/dev/null ||
    { echo "SKIP: pdfinfo/pdftotext are not installed (apt-get install poppler-utils)"; exit 77; }
DIR=$(mktemp -d /tmp/exs.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$SRC/clients/sample-data.sh" "$BUILD" "$DIR/out" 2023Q3 >"$DIR/sample.log" 2>&1 ||
    fail "sample data: $(tail -20 "$DIR/sample.log")"
HTML=$DIR/out/summary-2023Q3.html
[[ -s $HTML ]] || fail "no HTML page was written"
grep -Eqi '<script|<link|src=|@import|url\(' "$HTML" && fail "the page is not self-contained"

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$DIR/profile"
       --no-first-run --disable-extensions --disable-quic --disable-background-networking
       --disable-component-update --disable-sync)
timeout 60 "$CHROMIUM" "${flags[@]}" --window-size=1200,1600 --screenshot="$DIR/page.png" \
    "file://$HTML" >"$DIR/chromium.log" 2>&1 || fail "chromium --screenshot: $(tail -5 "$DIR/chromium.log")"
timeout 60 "$CHROMIUM" "${flags[@]}" --dump-dom "file://$HTML" >"$DIR/dom.html" 2>"$DIR/dump.log" ||
    fail "chromium --dump-dom: $(tail -5 "$DIR/dump.log")"

# The screenshot: decode the PNG (zlib) and count distinct colours.
"$PY" - "$DIR/page.png" <<'PYEOF' || fail "the screenshot is blank"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours = set()
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    if y % 4 == 0:
        for x in range(0, w, 4):
            colours.add(bytes(line[x * bpp:x * bpp + 3]))
print(f"{w}x{h}, {len(colours)} colours")
sys.exit(0 if len(colours) >= 8 else 1)
PYEOF

dom=$DIR/dom.html
# The overdue count the page states is the one the summary's JSON lists
# (the units of the registry on the as-of day without a plan).
overdue=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["overdue"]))' \
    "$DIR/out/summary-2023Q3.json") || fail "the JSON summary cannot be read"
for want in 'id="funnel"' 'id="units"' 'Quý III/2023' 'Tiến độ theo các bước của quy trình' \
    'Kết quả theo đơn vị' 'Đăng ký' 'Bồi dưỡng' 'Bình xét cấp đơn vị' 'Bộ xem xét' 'Công nhận' \
    'Thành phố Hà Nội' 'Vụ Khoa học và Công nghệ' \
    '<div class="motto1">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>' \
    '<span class="motto2-text">Độc lập - Tự do - Hạnh phúc</span>' 'class="issuer"' 'class="parent"' \
    'Số: <span class="blank">……</span>/BC-' 'class="dateline"' '<h1 class="doc-type">BÁO CÁO</h1>' \
    'class="doc-subject"' '<h2>I. ' '<h2>II. ' '<h2>III. ' '<h2>IV. ' '<h2>V. ' '<h2>VI. ' \
    '<p class="recipients-title">Nơi nhận:</p>' 'class="signature"' 'class="signer"' \
    "Có $overdue đơn vị chưa nộp kế hoạch" '(giờ Việt Nam)'; do
    grep -qF "$want" "$dom" || fail "the DOM lacks $want"
done
tables=$(grep -o '<table' "$dom" | wc -l)
stts=$(grep -o '<th class="stt">STT</th>' "$dom" | wc -l)
[[ $tables -ge 6 && $tables -eq $stts ]] || fail "$tables tables but $stts STT columns"
[[ $(grep -o '<rect' "$dom" | wc -l) -ge 5 ]] || fail "the chart has no bars"
[[ $(grep -o 'class="seg"' "$dom" | wc -l) -ge 12 ]] || fail "the unit bars are missing"
# The evidence gap names the nominee, and the moves table names the unit.
"$PY" - "$dom" <<'PYEOF' || fail "a table shows codes instead of names"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
gaps = re.search(r'<table id="gaps">(.*?)</table>', dom, re.S).group(1)
assert re.search(r'<td class="names">[^<(]*[^\W\d_][^<(]* \(\d+\)', gaps), gaps[:400]
moves = re.search(r'<table id="moves">(.*?)</table>', dom, re.S).group(1)
assert "<td>Thành phố Hà Nội</td><td>01</td>" in moves, moves[:400]
PYEOF

# Print to PDF: every page A4 and the whole text there (the last overdue unit,
# the last part, the signature block).
timeout 60 "$CHROMIUM" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$DIR/page.pdf" \
    "file://$HTML" >"$DIR/pdf.log" 2>&1 || fail "chromium --print-to-pdf: $(tail -5 "$DIR/pdf.log")"
pages=$(pdfinfo "$DIR/page.pdf" | awk '/^Pages:/ {print $2}')
[[ $pages -ge 2 ]] || fail "the PDF has $pages pages"
bad=$(pdfinfo -f 1 -l "$pages" -box "$DIR/page.pdf" |
    awk '/MediaBox:/ && !($4 == "0.00" && $5 == "0.00" && $6 + 0 > 594.5 && $6 + 0 < 595.5 &&
                           $7 + 0 > 841.5 && $7 + 0 < 842.5)' | head -3)
[[ -z $bad ]] || fail "pages that are not A4: $bad"
[[ $(pdfinfo -f 1 -l "$pages" -box "$DIR/page.pdf" | grep -c 'MediaBox:') -eq $pages ]] ||
    fail "pdfinfo listed no MediaBox per page"
# (compared without white space: a cell's text may wrap onto two lines)
pdftotext "$DIR/page.pdf" - | tr -d '[:space:]' >"$DIR/page.txt"
last_overdue=$(grep -o '<td>[^<]*</td><td>[^<]*</td><td class="nw">2021-2023</td>' "$dom" | tail -1 |
    sed 's/^<td>\([^<]*\)<.*/\1/') # the last overdue unit's code
for want in 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' 'BÁO CÁO' 'Nơi nhận:' 'VI. TRƯỜNG HỢP ĐANG XÉT' \
    "$last_overdue"; do
    grep -qF "${want//[[:space:]]/}" "$DIR/page.txt" || fail "the PDF lacks $want"
done

# Nothing wider than its box at the print width: the page's print style
# applied on screen (the screen-only sheet switched off) in a window as wide
# as A4 less the decree's margins (210 - 30 - 15 mm = 165 mm = 624 px), and a
# probe script that lists every cell, header block and chart label whose
# content overflows.
cat >"$DIR/probe.js" <<'JSEOF'
const bad = [];
const wide = (e, why) =>
  bad.push(why + ": " + (e.textContent || "").replace(/[\s\[\]]+/g, " ").trim().slice(0, 40));
const main = document.querySelector("main");
if (main.scrollWidth > main.clientWidth + 1) wide(main, "page " + main.scrollWidth);
document.querySelectorAll("table").forEach(t => {
  if (t.getBoundingClientRect().right > main.getBoundingClientRect().right + 1) wide(t, "table");
});
document.querySelectorAll("th, td, .parent, .issuer, .number, .motto1, .motto2, .dateline, " +
                          ".doc-subject, .bar-name, .legend li, .signature div, .recipients li")
  .forEach(e => { if (e.scrollWidth > e.clientWidth + 1) wide(e, e.tagName); });
document.querySelectorAll("svg").forEach(svg => {
  const vb = svg.viewBox.baseVal;
  svg.querySelectorAll("text").forEach(t => {
    const b = t.getBBox();
    if (b.x < vb.x - 0.5 || b.x + b.width > vb.x + vb.width + 0.5) wide(t, "svg text");
  });
});
const out = document.createElement("pre");
out.id = "probe";
out.textContent = "OVERFLOW[" + bad.join(" | ") + "]";
document.body.appendChild(out);
JSEOF
# probe PAGE: nothing of PAGE wider than its box at the print width.
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
probe "$HTML"

# a4_pdf PAGE PDF: print PAGE to PDF; every page A4.  Prints the page count.
a4_pdf() {
    timeout 60 "$CHROMIUM" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$2" \
        "file://$1" >"$DIR/pdf.log" 2>&1 || fail "chromium --print-to-pdf $1: $(tail -5 "$DIR/pdf.log")"
    local n bad
    n=$(pdfinfo "$2" | awk '/^Pages:/ {print $2}')
    bad=$(pdfinfo -f 1 -l "$n" -box "$2" |
        awk '/MediaBox:/ && !($4 == "0.00" && $5 == "0.00" && $6 + 0 > 594.5 && $6 + 0 < 595.5 &&
                               $7 + 0 > 841.5 && $7 + 0 < 842.5)' | head -3)
    [[ -z $bad ]] || fail "pages of $2 that are not A4: $bad"
    echo "$n"
}

# The interim review report (báo cáo sơ kết 2021-2023) from the same data:
# the same Decree 30 page, its parts, the units against their plans, the
# late or missing plans, every recognition with its decision; A4 in print
# with nothing cut.
REPORT=$DIR/out/review-interim-2021-2023.html
[[ -s $REPORT ]] || fail "no interim report was written"
grep -Eqi '<script|<link|src=|@import|url\(' "$REPORT" && fail "the report is not self-contained"
timeout 60 "$CHROMIUM" "${flags[@]}" --dump-dom "file://$REPORT" >"$DIR/rdom.html" 2>"$DIR/dump.log" ||
    fail "chromium --dump-dom (report): $(tail -5 "$DIR/dump.log")"
for want in '<div class="motto1">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>' \
    '<h1 class="doc-type">BÁO CÁO</h1>' \
    'Sơ kết công tác xây dựng và nhân rộng điển hình tiên tiến giai đoạn 2021-2023' \
    'Số liệu tính đến hết ngày 31/12/2023' '<h2>I. ' '<h2>II. ' '<h2>III. ' '<h2>IV. ' \
    'id="units-collective"' 'id="units-individual"' 'id="plans"' 'id="recognized"' \
    'Chưa có kế hoạch' 'Số 2468/QĐ-BTNMT ngày 25/8/2023 của Bộ trưởng Bộ Tài nguyên và Môi trường' \
    '<p class="recipients-title">Nơi nhận:</p>' 'class="signer"'; do
    grep -qF "$want" "$DIR/rdom.html" || fail "the report's DOM lacks $want"
done
# Its numbers are the JSON's: Hà Nội's collective row against its plan.
"$PY" - "$DIR/rdom.html" "$DIR/out/review-interim-2021-2023.json" <<'PYEOF' || fail "the report's table is not its JSON"
import json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
r = json.load(open(sys.argv[2]))
u = next(x for x in r["units"] if x["unit"] == "01" and x["kind"] == "collective")
t = re.search(r'<table id="units-collective">(.*?)</table>', dom, re.S).group(1)
cells = [u[k] for k in ("expected", "registered", "fostered", "recognized", "revoked", "carried_over")]
row = "<td>Thành phố Hà Nội</td>" + "".join(f'<td class="n">{n}</td>' for n in cells)
assert row in t, (row, t[:600])
assert len(r["recognized"]) == r["recognized_count"] == dom.count("QĐ-BTNMT ngày"), r["recognized_count"]
PYEOF
rpages=$(a4_pdf "$REPORT" "$DIR/report.pdf")
pdftotext "$DIR/report.pdf" - | tr -d '[:space:]' >"$DIR/report.txt"
last_name=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["recognized"][-1]["name"])' \
    "$DIR/out/review-interim-2021-2023.json")
for want in 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' 'BÁO CÁO' 'IV. DANH SÁCH ĐIỂN HÌNH ĐƯỢC CÔNG NHẬN' \
    'Nơi nhận:' "$last_name"; do
    grep -qF "${want//[[:space:]]/}" "$DIR/report.txt" || fail "the report's PDF lacks $want"
done
probe "$REPORT"
echo "ok ($pages A4 pages; the interim report $rpages)"
