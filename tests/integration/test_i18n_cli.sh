#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# One language per answer, as a user sees it: every command of exemplarctl
# (its help page and a scripted run against a real daemon, usage errors
# included) and the workers' help and result lines, once with
# LANG=vi_VN.UTF-8 and once with LANG=en_US.UTF-8 (neither locale needs to
# be generated).  The Vietnamese transcript must hold none of the English
# words exemplarctl's labels and sentences used to print (outside quoted
# text, option names, codes and example command lines); the English one no
# Vietnamese word that is not a name (a unit's, a person's, a title's, the
# campaign's: the words of the --json answers, and the names the manual
# cites).  Tables line up by display width in Vietnamese; times are in
# Vietnam's time and say so, or in the zone EXEMPLAR_TZ names.
#
# restore and import print exemplard's own messages (exemplard --restore,
# --import, run by exemplarctl with its environment): run in both languages,
# done and refused, as is exemplard --fsck offline, which speaks the
# environment's language and, when none is set, the daemon's [rules]
# language.  `help moves`
# prints the daemon's move table, whose names are the ones typed on the
# command line: only its sentences are scanned.
#
# usage: test_i18n_cli.sh EXEMPLARD EXEMPLARCTL EXEMPLAR_REMIND EXEMPLAR_SUMMARY
set -euo pipefail

EXEMPLARD=$1
export EXEMPLARD # what exemplarctl restore and import run
CTL=$2
REMIND=$3
SUMMARY=$4
PY=/usr/bin/python3
[[ -x $PY ]] || { echo "FAIL: $PY (Debian's python3) is needed" >&2; exit 1; }

# shellcheck source=cli_lib.sh
source "$(dirname "$0")/cli_lib.sh"
unset LANGUAGE LC_ALL LC_MESSAGES

start() { # LANGUAGE-OF-THE-DAEMON
    if [[ -n $PID ]]; then
        kill -TERM "$PID"
        wait "$PID" || true
    fi
    rm -rf "$DIR/state"
    mkdir -p "$DIR/state"
    printf '[rules]\ntoday = 2026-03-10\nlanguage = %s\n' "$1" >"$DIR/exemplard.conf"
    export EXEMPLAR_API="ipc://$DIR/state/api.sock"
    env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
        "$EXEMPLARD" --state-dir "$DIR/state" --config "$DIR/exemplard.conf" >>"$LOG" 2>&1 &
    PID=$!
    run 0 ping --wait 10
}

# t STATUS ARGS...: runs exemplarctl as `run` does and adds what it printed
# (stdout and stderr) to the transcript.
t() {
    run "$@"
    { echo "### exemplarctl ${*:2}"; cat "$DIR/out" "$DIR/err"; } >>"$TRANSCRIPT"
}
# offline STATUS ARGS...: exemplard's offline operation run directly, in the
# environment's language, added to the transcript.
offline() {
    local want=$1 got=0
    shift
    "$EXEMPLARD" "$@" >"$DIR/out" 2>"$DIR/err" </dev/null || got=$?
    [[ $got -eq $want ]] || fail "exemplard $* exited $got, expected $want: $(cat "$DIR/out" "$DIR/err")"
    { echo "### exemplard $*"; cat "$DIR/out" "$DIR/err"; } >>"$TRANSCRIPT"
}
# j ARGS...: the --json answer, for the names it carries (not scanned).
j() {
    run 0 --json "$@"
    cat "$DIR/out" >>"$NAMES_JSON"
}

# The scenario, in the language of LANG.  Names carry diacritics; one is
# typed with combining marks (NFD), as some keyboards send them.
scenario() {
    local lang=$1
    TRANSCRIPT=$DIR/transcript.$lang
    NAMES_JSON=$DIR/names.$lang.json
    : >"$TRANSCRIPT"
    : >"$NAMES_JSON"
    start "$lang"
    t 0 info
    t 0 register --unit 01 --kind individual --campaign demo --subject CB-1 \
        --name "$(printf 'Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Ha\xcc\x86\xcc\x80ng')"
    local id
    id=$(tr -d '[:space:]' <"$DIR/out")
    t 0 register --unit 01 --kind collective --campaign demo --subject 01:PDD \
        --name "Phòng Đo đạc và Bản đồ"
    t 0 register --unit 79 --kind individual --campaign demo --subject CB-2 --name "Lê Văn Tám"
    t 0 move "$id" fostering
    t 0 show "$id"
    t 0 history "$id"
    t 0 list
    t 0 list --state fostering --limit 5
    t 0 watch --from 1 --count 3
    t 0 event publish --type title-awarded --subject CB-1 --publisher moet --event-id e1 --seq 1 \
        --year 2025 --value CSTDCS --decision 5/QĐ-BGDĐT
    t 0 event list CB-1
    t 0 stats
    t 0 units list --code 01
    t 0 campaign show demo
    t 0 evidence add CB-1 2025 HTXSNV --decision 12/QĐ-BTNMT --decision-date 2026-01-15 \
        --issuer "Bộ trưởng Bộ Tài nguyên và Môi trường"
    t 0 evidence list CB-1
    t 5 check "$id"
    t 0 plan submit 01 --campaign demo --period demo-1 --collective 1 --individual 2 \
        --solutions "Bồi dưỡng, nhân rộng" --decision 7/KH-STNMT --decision-date 2026-03-01
    t 0 plan show 01 --campaign demo --period demo-1
    t 0 plan list --campaign demo --period demo-1
    t 0 keygen "alice-$lang" --dir "$DIR"
    t 0 audit
    t 0 jobs
    t 0 jobs --timers --limit 5
    t 0 fsck
    t 0 title alias list
    t 0 title alias add "Chiến sĩ thi đua cơ sở ($lang)" CSTDCS
    t 2 title alias remove x
    t 0 user list
    t 3 council show
    t 2 council set nobody
    t 3 meeting show 99
    t 0 report interim 2021-2023
    t 0 report final 2021-2025
    t 0 summary 2025Q4
    t 0 summary 2026Q1 --as-of 2026-03-10
    grep -q "2026Q1.*10" "$DIR/out" && [[ $(wc -l <"$DIR/out") -ge 4 ]] ||
        fail "the summary of the running quarter has no rows: $(cat "$DIR/out")"
    t 0 state-dir
    t 0 backup "$DIR/backup-$lang.mdb"
    t 4 backup "$DIR/backup-$lang.mdb"
    t 8 backup "$DIR/nowhere/backup-$lang.mdb" # common/safefile.c's refusal
    t 0 export "$DIR/export-$lang.jsonl"
    t 0 ping
    # offline: exemplard's own code, in the person's language
    t 4 restore "$DIR/backup-$lang.mdb" --state-dir "$DIR/state"
    t 1 restore "$DIR/export-$lang.jsonl" --state-dir "$DIR/restored-$lang"
    t 0 restore "$DIR/backup-$lang.mdb" --state-dir "$DIR/restored-$lang"
    t 0 restore "$DIR/backup-$lang.mdb" --state-dir "$DIR/restored-$lang"
    t 4 import "$DIR/export-$lang.jsonl" --state-dir "$DIR/state"
    t 1 import "$DIR/backup-$lang.mdb" --state-dir "$DIR/imported-$lang"
    printf '{"type":"header","format":"exemplar-export"}\n' >"$DIR/header-$lang.jsonl"
    t 1 import "$DIR/header-$lang.jsonl" --state-dir "$DIR/imported-$lang"
    { head -1 "$DIR/export-$lang.jsonl"
        printf '{"type":"unit","key":"MDE=","value":{"code":"01","name":"a\\u0007b"}}\n'; } \
        >"$DIR/bell-$lang.jsonl" # a control character in a name
    t 1 import "$DIR/bell-$lang.jsonl" --state-dir "$DIR/imported-$lang"
    t 0 import "$DIR/export-$lang.jsonl" --state-dir "$DIR/imported-$lang"
    t 4 import "$DIR/export-$lang.jsonl" --state-dir "$DIR/imported-$lang"
    offline 0 --fsck --state-dir "$DIR/imported-$lang"
    # with no language in the environment: the daemon's [rules] language
    # (the configuration start wrote)
    env -u LANG -u LANGUAGE -u LC_ALL -u LC_MESSAGES "$EXEMPLARD" --config "$DIR/exemplard.conf" \
        --fsck --state-dir "$DIR/restored-$lang" >"$DIR/out" 2>&1 ||
        fail "exemplard --fsck without a language: $(cat "$DIR/out")"
    { echo "### exemplard --fsck (no language in the environment)"; cat "$DIR/out"; } >>"$TRANSCRIPT"
    case $lang in
    vi) grep -q '^fsck .*: 3 trường hợp đề nghị, ' "$DIR/out" ;;
    en) grep -q '^fsck .*: 3 nominations, ' "$DIR/out" ;;
    esac || fail "exemplard --fsck without a language does not speak [rules] language = $lang: $(cat "$DIR/out")"
    # usage errors and a refusal
    t 2 move not-a-number fostering
    t 2 list --state nowhere
    t 2 frobnicate
    t 2 register --unit 01
    t 3 show 999999
    # the manual: all of it, every command's page, the move table's sentences
    t 0 help
    local cmd
    for cmd in $(LANG=C "$CTL" help | sed -n '/^COMMANDS$/,/^GLOBAL OPTIONS$/p' |
        grep -E '^    [a-z]' | awk '{print $1}' | sort -u); do
        t 0 help "$cmd"
    done
    run 0 help moves
    { head -1 "$DIR/out"; tail -1 "$DIR/out"; } >>"$TRANSCRIPT"
    # the workers: help and their one-line results
    "$REMIND" --help >>"$TRANSCRIPT"
    "$SUMMARY" --help >>"$TRANSCRIPT"
    "$REMIND" --once --idle 10 >>"$TRANSCRIPT" 2>&1 || fail "exemplar-remind --once"
    mkdir -p "$DIR/reports"
    "$SUMMARY" --once --idle 10 --reports-dir "$DIR/reports" >>"$TRANSCRIPT" 2>&1 ||
        fail "exemplar-summary --once"
    "$REMIND" --lease 0 >>"$TRANSCRIPT" 2>&1 && fail "exemplar-remind --lease 0 was accepted"
    # names as the daemon holds them
    j list
    j units list
    run 5 --json check "$id"
    cat "$DIR/out" >>"$NAMES_JSON"
    j campaign show demo
    j evidence list CB-1
    j plan show 01 --campaign demo --period demo-1
}

LANG=vi_VN.UTF-8 scenario vi
LANG=en_US.UTF-8 scenario en

"$PY" - "$DIR" <<'PYEOF' || fail "see above"
import json, re, sys, unicodedata

d = sys.argv[1]

# English words exemplarctl printed before its messages were translated
# (labels, headers, sentences); a Vietnamese transcript must have none of
# them outside quoted text, option names, codes and example commands.  The
# names typed on the command line (states, kinds, job states, commands and
# their sub-commands) are not in the list: the manual names them, with
# their meaning in Vietnamese beside them.
ENGLISH = set("""
the and of to is are with from for not this that which when only default required must
cannot unknown print prints after before nomination nominations campaign campaigns period
periods version created updated deadline history reason decision state states kind unit units
name head carried late draft behind none open source milestones years today seq time actor
verb error message usage try options commands global environment examples status exit wait
waiting rows imported delivered failed written reminders reminder summaries quarter events
duplicates requests refused job timer pending problems changes entries stale repaired wrote
secret line fill answering missing gaps feed publisher received ingest type year issuer
successor addressee merged code count attempts worker available fires tries solutions
""".split())

def words_vi(line):
    line = re.sub(r"'[^']*'|\"[^\"]*\"", " ", line)  # quoted text: names, commands
    line = re.sub(r"exemplarctl \[[^\]]*\] .*", " ", line)  # a command's synopsis
    for tok in line.split():
        tok = tok.strip(",.;:()[]{}!?")
        if not tok or re.search(r"[-/._:=$<>@|*#%0-9\\]", tok) or tok.isupper():
            continue  # option names, codes, paths, metavariables
        yield tok

COMMANDS = set()

def is_example(line):
    """A command line: an example, or a command's synopsis in the manual."""
    first = line.split()[0] if line.split() else ""
    return (re.match(r"\s*(exemplarctl|exemplard|export|id=|systemctl|--)\b", line) is not None
            or (line.startswith("    ") and first in COMMANDS))

def vietnamese(word):
    for ch in unicodedata.normalize("NFD", word):
        if ord(ch) > 127 and unicodedata.category(ch) in ("Mn", "Ll", "Lu"):
            return True
    return False

def json_words(path):
    text = open(path, encoding="utf-8").read()
    out = set()
    for doc in re.split(r"\n(?=\{)", text):
        if not doc.strip():
            continue
        def walk(v):
            if isinstance(v, dict):
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
            elif isinstance(v, str):
                for w in re.findall(r"\w+", unicodedata.normalize("NFC", v)):
                    out.add(w)
        walk(json.loads(doc))
    return out

# Names the manual cites (titles as the law spells them, an official's
# title, a place, the Decree 30 layout's own words).
MANUAL_NAMES = set(re.findall(r"\w+", """
Tập thể lao động xuất sắc hoàn thành xuất sắc nhiệm vụ Chiến sĩ thi đua cơ sở
Bộ trưởng Bộ Nông nghiệp và Môi trường Hà Nội Nguyễn Văn An QĐ BNNMT BTNMT BGDĐT Số
BỘ TRƯỞNG Nơi nhận Lưu NĐ
"""))

for line in open(f"{d}/transcript.vi", encoding="utf-8"):
    m = re.match(r"### exemplarctl help (\S+)$", line)
    if m:
        COMMANDS.add(m.group(1))

bad = []
for line in open(f"{d}/transcript.vi", encoding="utf-8"):
    if line.startswith("### ") or is_example(line):
        continue
    for w in words_vi(line):
        if w.lower() in ENGLISH and w.isascii():
            bad.append(("vi", w, line.rstrip()))

names = json_words(f"{d}/names.en.json") | MANUAL_NAMES
for line in open(f"{d}/transcript.en", encoding="utf-8"):
    if line.startswith("### "):
        continue
    for w in re.findall(r"\w+", unicodedata.normalize("NFC", line)):
        if vietnamese(w) and w not in names:
            bad.append(("en", w, line.rstrip()))

for lang in ("vi", "en"):
    print(f"{lang}: {sum(1 for b in bad if b[0] == lang)} words of the other language", file=sys.stderr)
for lang, w, line in bad[:60]:
    print(f"FAIL: {lang}: {w!r} in: {line}", file=sys.stderr)
if bad:
    sys.exit(f"{len(bad)} words in the wrong language")
PYEOF

# ---- tables line up by display width, not bytes -----------------------------
# In Vietnamese the state and kind columns hold diacritics (more bytes than
# columns): the last column (the name) starts at the same display column on
# every row, the header's included.
LANG=vi_VN.UTF-8 run 0 list
"$PY" - "$DIR/out" <<'PYEOF' || fail "list is not aligned by display width: $(cat "$DIR/out")"
import re, sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else (2 if unicodedata.east_asian_width(c) in "WF" else 1)
               for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
starts = set()
for line in lines:
    last = re.split(r"  +", line.strip())[-1]
    starts.add(width(line[: line.rindex(last)]))
ok = len(starts) == 1 and len(lines) == 4 and "bồi dưỡng" in lines[1] + lines[2] + lines[3]
sys.exit(0 if ok else "name columns start at display columns %s" % sorted(starts))
PYEOF
# ---- the manual wraps at 79 display columns in Vietnamese too --------------
LANG=vi_VN.UTF-8 run 0 help
"$PY" - "$DIR/out" <<'PYEOF' || fail "the Vietnamese manual is not wrapped by display width"
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
body = lines[lines.index("MÔ TẢ"):lines.index("VÍ DỤ")]  # the wrapped sections
prose = [l for l in body if l.startswith("    ") and not any(c in l for c in ("--", "[", "|"))]
widths = sorted(width(l) for l in prose)
# bytes counted as columns wrap Vietnamese prose near 58 columns (median)
median = widths[len(widths) // 2]
sys.exit(0 if widths[-1] <= 79 and median >= 70 else "prose lines: median %d, widest %d columns"
         % (median, widths[-1]))
PYEOF

# ---- another zone, said so --------------------------------------------------
# EXEMPLAR_TZ shows the same instants in that zone and names it: UTC is seven
# hours behind Vietnam's time.
LANG=en_US.UTF-8 run 0 history 1
grep -q 'TIME (Vietnam time)' "$DIR/out" || fail "history does not say Vietnam time: $(cat "$DIR/out")"
cp "$DIR/out" "$DIR/vn"
LANG=en_US.UTF-8 EXEMPLAR_TZ=UTC run 0 history 1
grep -q 'TIME (UTC time)' "$DIR/out" || fail "EXEMPLAR_TZ=UTC is not said: $(cat "$DIR/out")"
"$PY" - "$DIR/vn" "$DIR/out" <<'PYEOF' || fail "EXEMPLAR_TZ=UTC: $(cat "$DIR/vn" "$DIR/out")"
import datetime, re, sys
def first_time(path):
    m = re.search(r"(\d+) (\w+) (\d{4}) (\d\d):(\d\d):(\d\d)", open(path, encoding="utf-8").read())
    return datetime.datetime.strptime(" ".join(m.groups()), "%d %B %Y %H %M %S")
sys.exit(0 if first_time(sys.argv[1]) - first_time(sys.argv[2]) == datetime.timedelta(hours=7) else 1)
PYEOF
echo "ok"
