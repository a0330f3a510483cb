#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# exemplarctl list --sort, against the real daemon:
#   - name: Vietnamese alphabetical order (a ă â b c d đ e ê ... o ô ơ ...,
#     tones after the base letters: ngang, huyền, hỏi, ngã, sắc, nặng), on
#     names full of diacritics, typed composed or decomposed alike; byte order
#     would differ;
#   - rank: the plan's order (II.3.2, higher titles first): the highest title
#     rank held, not revoked, in a year of the period; then how many years
#     hold it; then the name; a revoked title or one outside the period does
#     not count;
#   - --limit takes the first N of the order; a bad --sort is a usage error.
#
# usage: test_sort_cli.sh EXEMPLARD EXEMPLARCTL
set -euo pipefail

EXEMPLARD=$1
CTL=$2
PY=/usr/bin/python3
[[ -x $PY ]] || { echo "FAIL: $PY (Debian's python3) is needed to check --json output" >&2; exit 1; }

# shellcheck source=cli_lib.sh
source "$(dirname "$0")/cli_lib.sh"

start() { # TODAY
    if [[ -n $PID ]]; then
        kill -TERM "$PID"
        wait "$PID" || true
    fi
    printf '[rules]\ntoday = %s\nlanguage = en\n' "$1" >"$DIR/exemplard.conf"
    env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
        "$EXEMPLARD" --state-dir "$DIR" --config "$DIR/exemplard.conf" >>"$LOG" 2>&1 &
    PID=$!
    run 0 ping --wait 10
}
names_of() { # the names of `list --json` in $DIR/out, one per line
    "$PY" -c 'import json, sys
for n in json.load(open(sys.argv[1]))["nominations"]:
    print(n["name"])' "$DIR/out"
}
expect() { # WHAT, then the expected names, one per argument
    local what=$1
    shift
    local want got
    want=$(printf '%s\n' "$@")
    got=$(names_of)
    [[ $got == "$want" ]] || fail "$what:
expected:
$want
got:
$got"
}

start 2021-09-10
# Registered in an order that is neither of the sorted ones.  "Mãi" is typed
# decomposed (a + combining tilde): NFC makes it one letter.
i=0
for n in "Ơn Văn Giàu" "Mại Thị Hoa" "Đặng Văn Dũng" "Ăn Văn Ba" "Mài Thị Hoa" "Ông Văn Hải" \
    "Anh Văn An" "Mái Thị Hoa" "Em Thị Êm" "Âu Thị Bé" $'Ma\xcc\x83i Thị Hoa' "Dương Văn Chí" \
    "Mải Thị Hoa" "Ánh Văn An" "Oanh Thị Hà" "Mai Thị Hoa"; do
    i=$((i + 1))
    run 0 register --unit 01 --kind individual --subject "S-$i" --name "$n" --campaign 2021-2025
done

run 0 --json list --sort name
expect "list --sort name" "Anh Văn An" "Ánh Văn An" "Ăn Văn Ba" "Âu Thị Bé" "Dương Văn Chí" \
    "Đặng Văn Dũng" "Em Thị Êm" "Mai Thị Hoa" "Mài Thị Hoa" "Mải Thị Hoa" "Mãi Thị Hoa" \
    "Mái Thị Hoa" "Mại Thị Hoa" "Oanh Thị Hà" "Ông Văn Hải" "Ơn Văn Giàu"
# The table prints the same order; --limit takes its head.
run 0 list --sort name --limit 3
"$PY" - "$DIR/out" <<'PYEOF' || fail "list --sort name --limit 3: $(cat "$DIR/out")"
import sys
rows = [l for l in open(sys.argv[1]).read().splitlines()[1:] if l.strip()]
assert len(rows) == 3 and rows[0].endswith("Anh Văn An") and rows[2].endswith("Ăn Văn Ba"), rows
PYEOF

# Titles for the rank: S-4 (Ăn Văn Ba) a national one, S-2 (Mại) and S-3
# (Đặng) the Ministry's in two and one years, S-1 (Ơn) the base one in three,
# S-5 (Mài) a national one revoked and an advanced worker's, S-6 (Ông) a
# national one of 2020, outside the period 2021-2023.
start 2024-05-02
ev() { run 0 evidence add "$1" "$2" "$3" --decision "$2/$3/$1" --decision-date "$(($2 + 1))-02-01"; }
ev S-4 2022 CSTD-TQ
ev S-2 2021 CSTD-BO
ev S-2 2022 CSTD-BO
ev S-3 2022 CSTD-BO
for y in 2021 2022 2023; do ev S-1 "$y" CSTDCS; done
ev S-5 2021 CSTD-TQ
run 0 evidence revoke S-5 2021 CSTD-TQ --decision 9/HUY --decision-date 2023-06-01
ev S-5 2021 LDTT
ev S-6 2020 CSTD-TQ

run 0 --json list --sort rank --limit 7
expect "list --sort rank" "Ăn Văn Ba" "Mại Thị Hoa" "Đặng Văn Dũng" "Ơn Văn Giàu" "Mài Thị Hoa" \
    "Anh Văn An" "Ánh Văn An"

run 2 list --sort size
has_err() { grep -qF -- "$1" "$DIR/err" || fail "$2: $(cat "$DIR/err")"; }
has_err "--sort takes name or rank" "a bad --sort"

kill -TERM "$PID"
wait "$PID" || fail "exemplard did not exit 0 on SIGTERM"
PID=
echo "PASS: test_sort_cli.sh"
