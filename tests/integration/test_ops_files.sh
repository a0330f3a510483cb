#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# exemplarctl's operator tools never hurt what they touch:
#   - backup, export and summary --output write a temporary nobody else can
#     have made: a symlink or someone's 0666 file planted at FILE.tmp is
#     neither followed nor reused, a symlink at FILE is replaced, not written
#     through, and the file is mode 0640 whatever the umask;
#   - restore checks a backup before installing it: a truncated one, a
#     bit-flipped meta page and a bit-flipped data page are refused (exit 1,
#     "invalid"), no signal reaches the shell, and the store is untouched;
#   - import parses strictly: invalid UTF-8, trailing commas, text after the
#     object, two objects on a line are refused with the line number, and
#     nothing is imported.
#
# usage: test_ops_files.sh EXEMPLARD EXEMPLARCTL
set -euo pipefail

EXEMPLARD=$1
CTL=$2
PY=/usr/bin/python3
[[ -x $PY ]] || { echo "FAIL: $PY (Debian's python3) is needed" >&2; exit 1; }

# shellcheck source=cli_lib.sh
source "$(dirname "$0")/cli_lib.sh"

STATE=$DIR/state
mkdir -m 0750 "$STATE"
start_daemon() {
    export EXEMPLAR_API="ipc://$1/api.sock"
    env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
        "$EXEMPLARD" --state-dir "$1" --config "$DIR/exemplard.conf" >>"$LOG" 2>&1 &
    PID=$!
    run 0 ping --wait 10
}
stop_daemon() {
    kill -TERM "$PID"
    wait "$PID" || true
    PID=
}
printf '[rules]\nenforce = no\n' >"$DIR/exemplard.conf"
start_daemon "$STATE"
for i in 1 2 3; do
    run 0 register --unit 01 --kind individual --name "Nguyễn Văn Bình $i"
done
ID=$(tr -d '[:space:]' <"$DIR/out")
run 0 move "$ID" fostering --expect-version 1

mode_of() { stat -c %a "$1"; }
inode_of() { stat -c %i "$1"; }

# ---- 1. backup, export, summary --output: no planted temporary is used ----
OUT=$DIR/out.d
mkdir -p "$OUT"
chmod 0777 "$OUT" # a directory others may write to, as a shared one is
echo "precious" >"$DIR/victim"
for cmd in backup export; do
    file=$OUT/$cmd.file
    # a symlink planted at FILE.tmp: neither followed nor made FILE
    ln -s "$DIR/victim" "$file.tmp"
    (umask 0 && "$CTL" "$cmd" "$file" >"$DIR/out" 2>"$DIR/err") ||
        fail "$cmd with a symlink at $file.tmp failed: $(cat "$DIR/err")"
    [[ $(cat "$DIR/victim") == precious ]] || fail "$cmd wrote through the symlink $file.tmp"
    [[ -f $file && ! -L $file ]] || fail "$cmd: $file is not a regular file"
    [[ -L $file.tmp ]] || fail "$cmd removed or replaced the planted $file.tmp"
    [[ $(mode_of "$file") == 640 ]] || fail "$cmd: $file has mode $(mode_of "$file") under umask 0, not 640"
    rm -f "$file" "$file.tmp"
    # someone else's world-writable FILE.tmp: not reused as the backup
    echo "planted" >"$file.tmp"
    chmod 0666 "$file.tmp"
    planted=$(inode_of "$file.tmp")
    run 0 "$cmd" "$file"
    [[ $(inode_of "$file") != "$planted" ]] || fail "$cmd reused the planted $file.tmp as $file"
    [[ $(cat "$file.tmp") == planted ]] || fail "$cmd wrote into the planted $file.tmp"
    [[ $(mode_of "$file") == 640 ]] || fail "$cmd: $file has mode $(mode_of "$file"), not 640"
    # an existing FILE needs --force; with it, a symlink at FILE is replaced
    run 4 "$cmd" "$file"
    rm -f "$file"
    ln -s "$DIR/victim" "$file"
    run 4 "$cmd" "$file"
    run 0 "$cmd" "$file" --force
    [[ $(cat "$DIR/victim") == precious ]] || fail "$cmd --force wrote through the symlink $file"
    [[ -f $file && ! -L $file ]] || fail "$cmd --force: $file is still a symlink"
    # no temporary is left behind
    left=$(find "$OUT" -name ".$cmd.file.*" | wc -l)
    [[ $left -eq 0 ]] || fail "$cmd left temporaries: $(ls -a "$OUT")"
done
# the backup and the export are whole: a restore and an import take them
run 0 backup "$OUT/plain.mdb"
run 0 export "$OUT/plain.jsonl"
# summary --output: a symlink at the output is replaced, never written through
for fmt in csv xlsx; do
    ln -s "$DIR/victim" "$OUT/summary.$fmt"
    run 0 summary 2026Q4 --format "$fmt" --output "$OUT/summary.$fmt"
    [[ $(cat "$DIR/victim") == precious ]] || fail "summary --format $fmt wrote through a symlink"
    [[ -f $OUT/summary.$fmt && ! -L $OUT/summary.$fmt && -s $OUT/summary.$fmt ]] ||
        fail "summary --format $fmt: the output is not a new file"
    [[ $(mode_of "$OUT/summary.$fmt") == 640 ]] || fail "summary --output: mode $(mode_of "$OUT/summary.$fmt")"
done

# ---- 2. restore checks a backup before installing it ----------------------
# A second state directory with a restored store, to see it stay untouched.
STATE2=$DIR/state2
run 0 restore "$OUT/plain.mdb" --state-dir "$STATE2"
run 0 restore "$OUT/plain.mdb" --state-dir "$STATE2" # now with a data.mdb.before-restore
# restore is the daemon's own code: exemplard --restore does the same
"$EXEMPLARD" --restore "$OUT/plain.mdb" --state-dir "$DIR/state3" --json >"$DIR/out" 2>"$DIR/err" ||
    fail "exemplard --restore: $(cat "$DIR/err")"
[[ $(json_get last_seq) == 4 && -f $DIR/state3/data.mdb ]] ||
    fail "exemplard --restore: $(cat "$DIR/out")"
# and so is the offline fsck of a stopped store: clean, as JSON
"$EXEMPLARD" --fsck --state-dir "$DIR/state3" --json >"$DIR/out" 2>"$DIR/err" ||
    fail "exemplard --fsck of the restored store: $(cat "$DIR/out" "$DIR/err")"
[[ $(json_get nominations) == 3 && $(json_get problems) == 0 ]] ||
    fail "exemplard --fsck --json: $(cat "$DIR/out")"
sums() { (cd "$STATE2" && sha256sum data.mdb data.mdb.before-restore && ls -a); }
sums >"$DIR/sums.before"
"$PY" - "$OUT/plain.mdb" "$DIR/damaged" <<'PYEOF'
import os, struct, sys
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
data = bytearray(open(src, 'rb').read())
psize = struct.unpack_from('<I', data, 40)[0]       # meta page 0: the free list's md_pad
main_root = struct.unpack_from('<Q', data, psize + 128)[0]  # meta page 1: the main db's root
def write(tag, b):
    open(os.path.join(out, tag + '.mdb'), 'wb').write(b)
# cut short: the last pages missing (mapping them would SIGBUS)
write('truncated', data[:len(data) - 2 * psize])
# a meta page with a bit flipped: meta 1's last page, far past the end
b = bytearray(data); b[psize + 136 + 1] ^= 0x40; write('meta-flipped', b)
# a data page with a bit flipped: a leaf page (not the main database's)
# loses its P_LEAF flag
leaves = [n for n in range(2, len(data) // psize)
          if n != main_root and struct.unpack_from('<H', data, n * psize + 10)[0] == 0x02]
assert leaves, 'no leaf page to damage'
b = bytearray(data); b[leaves[-1] * psize + 10] ^= 0x02; write('data-flipped', b)
# a record with a bit flipped: the length of a nomination's name (field 7,
# tag 0x3a) grows past the record's end, so the record no longer decodes
name = 'Nguyễn Văn Bình 1'.encode()
b = bytearray(data)
hits = [i for i in range(2, len(b)) if b[i:i + len(name)] == name and b[i - 2] == 0x3a
        and b[i - 1] == len(name)]
assert hits, 'no nomination name to damage'
for i in hits:
    b[i - 1] ^= 0x40
write('record-flipped', b)
PYEOF
for f in "$DIR"/damaged/*.mdb; do
    tag=$(basename "$f" .mdb)
    got=0
    "$CTL" restore "$f" --state-dir "$STATE2" >"$DIR/out" 2>"$DIR/err" </dev/null || got=$?
    [[ $got -eq 1 ]] || fail "restore of a $tag backup exited $got, expected 1 (invalid): $(cat "$DIR/err")"
    grep -q 'is not a backup this exemplard can restore' "$DIR/err" ||
        fail "restore of a $tag backup: $(cat "$DIR/err")"
    grep -q 'nothing was installed' "$DIR/err" || fail "restore of a $tag backup: $(cat "$DIR/err")"
    sums >"$DIR/sums.after"
    cmp -s "$DIR/sums.before" "$DIR/sums.after" ||
        fail "restore of a $tag backup changed $STATE2: $(diff "$DIR/sums.before" "$DIR/sums.after")"
    echo "restore $tag: $(cat "$DIR/err")"
done
# the restored store serves
stop_daemon
start_daemon "$STATE2"
run 0 show "$ID" --json
[[ $(json_get version) == 2 ]] || fail "the restored nomination has version $(json_get version)"
stop_daemon
start_daemon "$STATE"

# ---- 3. import reads strictly, refuses with the line number, imports nothing
LINE=$("$PY" - "$OUT/plain.jsonl" "$DIR/bad" <<'PYEOF'
import sys, os
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
lines = open(src, 'rb').read().split(b'\n')
no = next(i for i, l in enumerate(lines) if l.startswith(b'{"type":"nomination"'))
nom = lines[no]
assert nom.endswith(b'}}'), nom
name = 'Nguyễn Văn Bình'.encode()
assert name in nom, nom
variants = {
    'utf8': nom.replace(name, b'Nguy\xff\xfen V\xc3n'),
    'comma': nom[:-2] + b',}}',
    'after': nom + b' trailing words',
    'two': nom + b' ' + nom,
    'nul': nom.replace(name, b'L\\u00ea V\\u0103n\\u0000 <script>'),
    'control': nom.replace(name, b'L\\u00ea\\u0007'),
    'unit': nom.replace(b'"unit":"01"', b'"unit":"<b>"'),
}
for tag, line in variants.items():
    copy = list(lines)
    copy[no] = line
    open(os.path.join(out, tag + '.jsonl'), 'wb').write(b'\n'.join(copy))
print(no + 1)
PYEOF
)
for f in "$DIR"/bad/*.jsonl; do
    tag=$(basename "$f" .jsonl)
    target=$DIR/import-$tag
    run 1 import "$f" --state-dir "$target"
    grep -q "line $LINE:" "$DIR/err" || fail "import of the $tag variant does not name line $LINE: $(cat "$DIR/err")"
    grep -q "nothing imported" "$DIR/err" || fail "import of the $tag variant: $(cat "$DIR/err")"
    [[ ! -e $target/data.mdb ]] || fail "import of the $tag variant left a store in $target"
    echo "import $tag: $(cat "$DIR/err")"
done
# the untouched export still imports
run 0 import "$OUT/plain.jsonl" --state-dir "$DIR/import-plain"

echo "ok"
