#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The dossier's files end to end, exemplarctl against the real daemon (real
# ZeroMQ, real LMDB in a temporary directory) with a rule book requiring
# the submission and the report (rulesets.yaml `dossier.required`) and room
# for 1 MiB files ([api] max_message_bytes, [dossier] max_attachment_mib):
# real PDF, DOCX and PNG bytes made here are taken with their type read
# from the bytes; a text file named .pdf and a file over the limit are
# refused; a second file of a part is version 2, both stay fetchable byte
# for byte; an officer of another unit is refused; the move to
# unit-reviewed is refused naming the parts missing until they are there;
# export -> import keeps the bytes and the hashes, the backup holds the
# blobs; offline fsck passes, then fails once a blob's bytes are damaged.
#
# usage: test_attachments_cli.sh EXEMPLARD EXEMPLARCTL RULESETS_YAML
set -euo pipefail

EXEMPLARD=$1
CTL=$2 # shellcheck disable=SC2034 # read by cli_lib.sh
RULESETS=$3
PY=/usr/bin/python3
[[ -x $PY ]] || { echo "FAIL: $PY (Debian's python3) is needed" >&2; exit 1; }
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

# The shipped rule book, its rule sets requiring two files besides the acclamation.
sed 's/required: \[acclamation\]}/required: [acclamation, submission, report]}/' "$RULESETS" >"$DIR/rulesets.yaml"
grep -q 'required: \[acclamation, submission, report\]' "$DIR/rulesets.yaml" ||
    fail "the shipped rulesets.yaml no longer has 'required: [acclamation]}' to replace"

start() { # STATE_DIR TODAY
    if [[ -n $PID ]]; then
        kill -TERM "$PID"
        wait "$PID" || true
        PID=
    fi
    printf '[rules]\ntoday = %s\nlanguage = en\nrulebook_file = %s\n[api]\nmax_message_bytes = 1200000\n[dossier]\nmax_attachment_mib = 1\n[auth]\nendpoint = tcp://127.0.0.1:%s\nsecret_key_file = %s\nkeys_file = %s\n' \
        "$2" "$DIR/rulesets.yaml" "$PORT" "$DIR/server.key" "$DIR/keys" >"$DIR/exemplard.conf"
    export EXEMPLAR_API="ipc://$1/api.sock"
    env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
        "$EXEMPLARD" --state-dir "$1" --config "$DIR/exemplard.conf" >>"$LOG" 2>&1 &
    PID=$!
    run 0 ping --wait 10
}
stop() {
    kill -TERM "$PID"
    wait "$PID" || true
    PID=
}
as() { # as STATUS NAME ARGS...: exemplarctl over CURVE as that principal
    local want=$1 who=$2
    shift 2
    run "$want" --api "tcp://127.0.0.1:$PORT" --server-key "$DIR/server.pub" --key "$DIR/$who.key" "$@"
}
has() { grep -qF -- "$1" "$DIR/$2" || fail "$3 does not show \"$1\": $(cat "$DIR/$2")"; }

# ---- the files, made here --------------------------------------------------
F=$DIR/files
mkdir -p "$F/docx/_rels" "$F/docx/word"
"$PY" - "$F" <<'PYEOF'
import struct, sys, zlib
d = sys.argv[1]
pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"% to-trinh-marker-7f3a\ntrailer<</Root 1 0 R>>\n%%EOF\n")
open(d + "/to-trinh.pdf", "wb").write(pdf)
# over the 1 MiB limit: a PDF whose comment pads it out
open(d + "/big.pdf", "wb").write(pdf + b"%" + b"x" * (1 << 20) + b"\n")
def chunk(t, b):
    return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xffffffff)
raw = b"".join(b"\x00" + b"".join(bytes([x * 16, y * 16, 128]) for x in range(16)) for y in range(16))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)) +
       chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
open(d + "/scan.png", "wb").write(png)
open(d + "/bao-cao.pdf", "w").write("Báo cáo thành tích: plain text, not a PDF.\n")
PYEOF
printf '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>' >"$F/docx/[Content_Types].xml"
printf '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>' >"$F/docx/_rels/.rels"
printf '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Báo cáo thành tích</w:t></w:r></w:p></w:body></w:document>' >"$F/docx/word/document.xml"
(cd "$F/docx" && "$PY" -m zipfile -c "$F/bao-cao.docx" '[Content_Types].xml' _rels word)

# ---- a collective of unit 01, fostered, acclaimed ---------------------------
start "$DIR" 2021-09-10
run 0 register --unit 01 --kind collective --subject 01:PTN --name "Phòng Tài nguyên nước" \
    --campaign 2021-2025
ID=$(tr -d '[:space:]' <"$DIR/out")
start "$DIR" 2022-02-15
run 0 move "$ID" fostering
run 0 evidence add 01:PTN 2021 TTLDXS --decision 1/QĐ --decision-date 2022-01-20
start "$DIR" 2023-05-15
run 0 evidence add 01:PTN 2022 TTLDXS --decision 2/QĐ --decision-date 2023-01-20
run 0 acclaim "$ID" --date 2023-05-12 --present 4 --in-favour 3

# ---- the guard: the required files -----------------------------------------
run 5 move "$ID" unit-reviewed
has "requires these files in the dossier of nomination $ID, and they are not attached: submission, report" err "review-unit without files"
run 0 check "$ID"
has "[missing] the dossier's required files are not all attached: submission, report" out "check without files"

# ---- what is refused -------------------------------------------------------
run 1 attach "$ID" report "$F/bao-cao.pdf"
has "file bao-cao.pdf is text/plain by its content; a dossier takes PDF, DOCX, JPEG, PNG files only" err "a text file named .pdf"
run 1 attach "$ID" report "$F/big.pdf"
has "too-large" err "a file over the limit"
has "more than the 1024 KiB the daemon takes" err "a file over the limit"
run 1 attach "$ID" photos "$F/scan.png"
has "has no dossier part photos; its parts: submission, report, lower-minutes, other" err "an unknown part"
as 6 can.bo.79 attach "$ID" submission "$F/to-trinh.pdf"
has "can.bo.79" err "attach by another unit's officer"
as 6 can.bo.79 attachment get "$ID" submission
run 0 attachments "$ID"
has "no file attached" out "attachments after refusals only"

# ---- files and versions ----------------------------------------------------
as 0 can.bo.01 attach "$ID" submission "$F/to-trinh.pdf"
has "submission     v1   to-trinh.pdf  application/pdf" out "attach a PDF"
run 5 move "$ID" unit-reviewed
has "and they are not attached: report;" err "review-unit with the submission only"
run 0 attach "$ID" report "$F/bao-cao.docx"
has "v1   bao-cao.docx  application/vnd.openxmlformats-officedocument.wordprocessingml.document" out "attach a DOCX"
run 0 attach "$ID" report "$F/scan.png"
run 0 attachments "$ID"
has " report         v1   bao-cao.docx" out "attachments: version 1 kept"
has "*report         v2   scan.png  image/png" out "attachments: version 2 the latest"
run 0 attachment get "$ID" report 1 -o "$DIR/v1.docx"
cmp "$F/bao-cao.docx" "$DIR/v1.docx" || fail "report version 1 does not come back byte for byte"
run 0 attachment get "$ID" report --output "$DIR/latest.png"
cmp "$F/scan.png" "$DIR/latest.png" || fail "report's latest version does not come back byte for byte"
run 0 attachment get "$ID" submission
cmp "$F/to-trinh.pdf" "$DIR/out" || fail "the submission on stdout differs"
run 3 attachment get "$ID" report 3
has "has versions 1 to 2, not 3" err "a version not there"
run 0 --json attachments "$ID"
cp "$DIR/out" "$DIR/before.json"
run 0 check "$ID"
has "[met] the dossier's required files are attached" out "check with the files"
has "report: scan.png, image/png" out "check names the latest report"

# ---- the draft achievement report ---------------------------------------------
run 0 judge "$ID" LEADS met --reason "dẫn đầu khối thi đua 2022"
run 0 dossier report "$ID" -o "$DIR/bao-cao.html"
for want in "BÁO CÁO" "Thành tích đề nghị công nhận điển hình tiên tiến" "Phòng Tài nguyên nước" \
    "ĐẶC ĐIỂM, TÌNH HÌNH" "CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG" "<td class=\"nw\">2021</td>" \
    "1/QĐ" "2/QĐ" "3/4 thành viên có mặt tán thành" "dẫn đầu khối thi đua 2022" \
    "THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN, ĐỀ NGHỊ" "class=\"blank\""; do
    grep -qF -- "$want" "$DIR/bao-cao.html" || fail "the draft report lacks \"$want\": $(cat "$DIR/bao-cao.html")"
done
run 0 dossier report "$ID" --lang en
has "Achievements proposed for recognition as an exemplar" out "the draft report in English"
has "3 of 4 members present in favour" out "the draft report in English"
as 6 can.bo.79 dossier report "$ID"
# the draft is for the unit to complete and sign; the HTML itself is no dossier file
run 1 attach "$ID" report "$DIR/bao-cao.html"
has "file bao-cao.html is text/" err "attaching the HTML draft itself"

# ---- export -> import, backup ---------------------------------------------
run 0 export "$DIR/all.jsonl"
grep -q '"type":"blob"' "$DIR/all.jsonl" || fail "the export has no blob line"
run 0 backup "$DIR/all.mdb"
grep -qF 'to-trinh-marker-7f3a' "$DIR/all.mdb" || fail "the backup does not hold the submission's bytes"
run 0 import "$DIR/all.jsonl" --state-dir "$DIR/imported"
run 0 restore "$DIR/all.mdb" --state-dir "$DIR/restored"
main=$DIR
for copy in imported restored; do
    start "$DIR/$copy" 2023-05-15
    run 0 --json attachments "$ID"
    cmp "$DIR/before.json" "$DIR/out" || fail "the $copy copy lists other files or hashes: $(cat "$DIR/out")"
    run 0 attachment get "$ID" report 1 -o "$DIR/$copy.docx"
    cmp "$F/bao-cao.docx" "$DIR/$copy.docx" || fail "the $copy copy's report differs"
done
start "$main" 2023-05-15

# ---- the move, then the dossier is closed ---------------------------------
as 0 can.bo.01 move "$ID" unit-reviewed
run 5 attach "$ID" other "$F/scan.png"
has "its unit's review is over" err "attach after the unit's review"

# ---- fsck: clean, then a damaged blob ---------------------------------------
stop
"$EXEMPLARD" --state-dir "$DIR" --config "$DIR/exemplard.conf" --fsck >"$DIR/out" 2>"$DIR/err" ||
    fail "fsck of a clean store failed: $(cat "$DIR/out" "$DIR/err")"
"$PY" - "$DIR/data.mdb" <<'PYEOF' || fail "the submission's bytes are not in data.mdb"
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = b.find(b"to-trinh-marker-7f3a")
assert i >= 0 and b.find(b"to-trinh-marker-7f3a", i + 1) < 0
b[i] ^= 0x20  # one flipped bit, as a bad disk would leave
open(p, "r+b").write(b)
PYEOF
got=0
"$EXEMPLARD" --state-dir "$DIR" --config "$DIR/exemplard.conf" --fsck >"$DIR/out" 2>"$DIR/err" || got=$?
[[ $got -ne 0 ]] || fail "fsck passed a store with a damaged blob: $(cat "$DIR/out")"
grep -qF "its bytes no longer hash to its SHA-256" "$DIR/out" "$DIR/err" ||
    fail "fsck does not name the damaged blob: $(cat "$DIR/out" "$DIR/err")"
echo "PASS"
