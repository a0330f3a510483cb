#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The summary's HTML page in a real browser: clients/sample-data.sh
# walks the 2021-2025 campaign and writes summary-2023Q3.html; headless
# Chromium renders it to a PNG that must not be blank (many distinct
# colours) and dumps the DOM, which must hold both charts as <svg> and the
# Vietnamese labels.  Skipped (77) only when chromium is not installed.
#
#   test_summary_chromium.sh SOURCE_DIR BUILD_DIR
set -euo pipefail

SRC=$1
BUILD=$2
PY=/usr/bin/python3
CHROMIUM=$(command -v chromium || true)
[[ -n $CHROMIUM ]] || { echo "SKIP: chromium is not installed (apt-get install chromium)"; exit 77; }
DIR=$(mktemp -d /tmp/exs.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$SRC/clients/sample-data.sh" "$BUILD" "$DIR/out" 2023Q3 >"$DIR/sample.log" 2>&1 ||
    fail "sample data: $(tail -20 "$DIR/sample.log")"
HTML=$DIR/out/summary-2023Q3.html
[[ -s $HTML ]] || fail "no HTML page was written"
grep -Eqi '<script|<link|src=|@import|url\(' "$HTML" && fail "the page is not self-contained"

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$DIR/profile"
       --no-first-run --disable-extensions)
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

for want in 'id="funnel"' 'id="units"' 'Quý III/2023' 'Phễu trạng thái' 'Theo đơn vị' 'Đăng ký' 'Bồi dưỡng' \
    'Bình xét cấp đơn vị' 'Bộ xem xét' 'Công nhận' 'Thành phố Hà Nội' 'Vụ Khoa học và Công nghệ'; do
    grep -qF "$want" "$DIR/dom.html" || fail "the DOM lacks $want"
done
[[ $(grep -o '<svg' "$DIR/dom.html" | wc -l) -ge 2 ]] || fail "the DOM has fewer than two <svg>"
[[ $(grep -o '<rect' "$DIR/dom.html" | wc -l) -ge 10 ]] || fail "the charts have no bars"
echo "ok"
