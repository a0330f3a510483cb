#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Published title facts are never dropped unseen, against the real daemon
# with the rules enforced on the plan's calendar:
#   - the plan's spelling "Chiến sỹ thi đua cấp cơ sở" (a catalogue alias)
#     and a rule set's own name ("Chiến sĩ thi đua cấp bộ, ngành, tỉnh" for
#     a year of ld2003) become evidence at once;
#   - a spelling nothing resolves ("CSTĐ cơ sở"), and a 2022 law's name for a
#     year the old law judges, are kept: counted by stats, listed by
#     `event list --unmatched`, and `check` misses the year;
#   - an administrator maps the spelling (`title alias add`): the kept fact
#     becomes evidence, stats and --unmatched drop it, `check` is met; the
#     alias is listed and exported; a catalogue name or a second meaning of
#     the same spelling is refused (conflict).
#
# usage: test_titles_cli.sh EXEMPLARD EXEMPLARCTL
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
has() { grep -qF -- "$1" "$DIR/$2" || fail "$3 does not show \"$1\": $(cat "$DIR/$2")"; }
hasnt() { grep -qF -- "$1" "$DIR/$2" && fail "$3 shows \"$1\": $(cat "$DIR/$2")"; return 0; }
publish() { # SEQ YEAR TEXT
    run 0 event publish --type title-awarded --subject 01:NVA --publisher tdkt --event-id "QĐ-$1" \
        --seq "$1" --year "$2" --value "$3" --decision "$1/QĐ-TĐKT"
}

start 2021-09-10
run 0 register --unit 01 --kind individual --subject 01:NVA --name "Nguyễn Văn Ánh" \
    --campaign 2021-2025
ID=$(tr -d '[:space:]' <"$DIR/out")

start 2024-05-02
for y in 2021 2022 2023; do
    run 0 evidence add 01:NVA "$y" HTXSNV --decision "$y/XL" --decision-date "$((y + 1))-01-15"
done
run 0 evidence add 01:NVA 2021 CSTDCS --decision 21/QĐ --decision-date 2022-01-20

# The plan's spelling (II.3.2) and ld2003's name of CSTD-BO resolve at once.
publish 1 2023 "Chiến sỹ thi đua cấp cơ sở"
publish 2 2021 "Chiến sĩ thi đua cấp bộ, ngành, tỉnh"
# The 2022 law's name of CSTD-BO does not name a title of 2022 (ld2003's
# year): kept.  So is a spelling no name resolves.
publish 3 2022 "Chiến sĩ thi đua bộ, ban, ngành, tỉnh"
publish 4 2022 "CSTĐ cơ sở"

run 0 --json evidence list 01:NVA
"$PY" - "$DIR/out" <<'PYEOF' || fail "evidence after publishing: $(cat "$DIR/out")"
import json, sys
have = {(e["year"], e["title"]) for e in json.load(open(sys.argv[1]))["evidence"]}
assert (2023, "CSTDCS") in have and (2021, "CSTD-BO") in have, have
assert (2022, "CSTD-BO") not in have and (2022, "CSTDCS") not in have, have
PYEOF
run 0 --json stats
[[ $(json_get unmatched) == 2 ]] || fail "stats does not count 2 unmatched facts: $(cat "$DIR/out")"
run 0 stats
has "title facts kept unmatched: 2" out "stats"
run 0 event list --unmatched
has "CSTĐ cơ sở" out "event list --unmatched"
has "Chiến sĩ thi đua bộ, ban, ngành, tỉnh" out "event list --unmatched"
run 0 --json event list 01:NVA --unmatched
"$PY" - "$DIR/out" <<'PYEOF' || fail "event list --unmatched --json: $(cat "$DIR/out")"
import json, sys
u = json.load(open(sys.argv[1]))["unmatched"]
assert [(e["event_id"], e["year"], e["text"]) for e in u] == [
    ("QĐ-3", 2022, "Chiến sĩ thi đua bộ, ban, ngành, tỉnh"), ("QĐ-4", 2022, "CSTĐ cơ sở")], u
PYEOF
# 2022's CSTDCS is missing: the criteria are not met.
run 5 check "$ID"
has "2022" out "check before the alias"

# Refusals: a catalogue name, an unknown code, an unknown rule set.
run 4 title alias add "chien si thi dua co so" CSTDCS
has "already a name of title CSTDCS" err "alias of a catalogue name"
run 1 title alias add "CSTĐ cơ sở" NOPE
has "is not in the rule book" err "alias of an unknown code"
run 1 title alias add "CSTĐ cơ sở" CSTDCS --ruleset ld1999
has "rule set \"ld1999\" is not in the rule book" err "alias for an unknown rule set"

# The administrator maps the spelling: the kept fact becomes evidence.
run 0 title alias add "CSTĐ cơ sở" CSTDCS
has "kept facts now evidence: 1; still unmatched: 1" out "title alias add"
run 0 --json evidence list 01:NVA
"$PY" - "$DIR/out" <<'PYEOF' || fail "evidence after the alias: $(cat "$DIR/out")"
import json, sys
have = {(e["year"], e["title"]) for e in json.load(open(sys.argv[1]))["evidence"]}
assert (2022, "CSTDCS") in have, have
PYEOF
run 0 --json stats
[[ $(json_get unmatched) == 1 ]] || fail "stats still counts the resolved fact: $(cat "$DIR/out")"
run 0 event list --unmatched
hasnt "CSTĐ cơ sở" out "event list --unmatched after the alias"
run 0 check "$ID"

# Another meaning for the same spelling (folded alike) is refused; the same
# one again changes nothing.
run 4 title alias add "cstđ CƠ SỞ" LDTT
has "already an alias of CSTDCS" err "a second meaning"
run 0 title alias add "CSTĐ cơ sở" CSTDCS
has "kept facts now evidence: 0; still unmatched: 1" out "the same alias again"

# The 2022 law's name is the rule book's for ld2022's years: an alias for
# every year is refused, one for ld2003's years resolves the kept 2022 fact.
run 4 title alias add "Chiến sĩ thi đua bộ, ban, ngành, tỉnh" CSTD-BO
has "rule set ld2022" err "an alias of ld2022's own name"
run 0 title alias add "Chiến sĩ thi đua bộ, ban, ngành, tỉnh" CSTD-BO --ruleset ld2003
has "kept facts now evidence: 1; still unmatched: 0" out "an alias for ld2003"
run 0 --json title alias list
"$PY" - "$DIR/out" <<'PYEOF' || fail "title alias list: $(cat "$DIR/out")"
import json, sys
a = json.load(open(sys.argv[1]))["aliases"]
assert sorted((x["spelling"], x["title"], x["ruleset"]) for x in a) == [
    ("CSTĐ cơ sở", "CSTDCS", ""),
    ("Chiến sĩ thi đua bộ, ban, ngành, tỉnh", "CSTD-BO", "ld2003")], a
assert all(x["added_by"] for x in a), a
PYEOF
run 0 --json event list --unmatched
"$PY" -c 'import json, sys; assert json.load(open(sys.argv[1]))["unmatched"] == []' "$DIR/out" ||
    fail "facts still unmatched: $(cat "$DIR/out")"
# A new fact with an alias's spelling is evidence at once.
publish 5 2020 "cstđ cơ sở"
run 0 --json stats
[[ $(json_get unmatched) == 0 ]] || fail "a fact spelled as an alias was kept: $(cat "$DIR/out")"

# Aliases and kept facts travel with the store.
publish 6 2021 "Giấy khen của Giám đốc Sở"
run 0 export "$DIR/export.jsonl"
grep -q '"type":"title_alias"' "$DIR/export.jsonl" || fail "export has no title_alias record"
grep -q '"type":"unmatched_fact"' "$DIR/export.jsonl" || fail "export has no unmatched_fact record"

kill -TERM "$PID"
wait "$PID" || fail "exemplard did not exit 0 on SIGTERM"
PID=
echo "PASS: test_titles_cli.sh"
