#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# exemplarctl as an administrator used to knotc, systemctl and pg_dump
# expects it: a missing daemon socket fails at once naming the path tried;
# output directories are made (0750) and a local file that cannot be written
# is not the daemon's "storage"; one error object carries the protocol code
# and the exit status; unit codes in any case; progress only on a terminal.
#
# usage: test_cli_admin.sh EXEMPLARD EXEMPLARCTL EXEMPLAR-REMIND EXEMPLAR-SUMMARY
set -euo pipefail

EXEMPLARD=$1
CTL=$2
REMIND=$3
SUMMARY=$4
PY=/usr/bin/python3
[[ -x $PY ]] || { echo "FAIL: $PY (Debian's python3) is needed to check --json output" >&2; exit 1; }

# shellcheck source=cli_lib.sh
source "$(dirname "$0")/cli_lib.sh"

ms_now() { date +%s%3N; }

# ---- exemplard --check-config reads the file a start reads ---------------
# $CONFIGURATION_DIRECTORY/exemplard.conf (the service's) comes first.
mkdir "$DIR/confdir"
printf '[daemon]\nlog_level = warning\n' >"$DIR/confdir/exemplard.conf"
CONFIGURATION_DIRECTORY=$DIR/confdir "$EXEMPLARD" --check-config >"$DIR/out" 2>"$DIR/err" ||
    fail "check-config with CONFIGURATION_DIRECTORY: $(cat "$DIR/err")"
grep -qx 'log_level = warning' "$DIR/out" || fail "check-config ignored \$CONFIGURATION_DIRECTORY: $(cat "$DIR/out")"
grep -q "$DIR/confdir/exemplard.conf" "$DIR/err" || fail "check-config did not name the file: $(cat "$DIR/err")"
# From a shell (no variable) the packaged /etc/exemplard/exemplard.conf, as
# the service reads it: tried in a private mount namespace with /etc under
# an overlay, so the host's /etc is never written.
mkdir -p "$DIR/etc-up" "$DIR/etc-work"
if unshare -m true 2>/dev/null; then
    env -u CONFIGURATION_DIRECTORY unshare -m bash -c '
        set -e
        mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/etc-up,workdir=$1/etc-work" /etc
        mkdir -p /etc/exemplard
        printf "[daemon]\nlog_level = debug\n[store]\nmap_size_mib = 96\n" >/etc/exemplard/exemplard.conf
        "$2" --check-config >"$1/out" 2>"$1/err"
        "$2" --config /dev/null --check-config >"$1/out2" 2>"$1/err2"
    ' _ "$DIR" "$EXEMPLARD" || fail "check-config under an overlaid /etc: $(cat "$DIR/err" 2>/dev/null)"
    { grep -qx 'log_level = debug' "$DIR/out" && grep -qx 'map_size_mib = 96' "$DIR/out"; } ||
        fail "check-config from a shell showed the embedded defaults, not /etc/exemplard/exemplard.conf: $(cat "$DIR/out")"
    grep -q '/etc/exemplard/exemplard.conf' "$DIR/err" || fail "check-config did not name /etc/exemplard/exemplard.conf: $(cat "$DIR/err")"
    grep -qx 'log_level = info' "$DIR/out2" || fail "--config /dev/null did not give the embedded defaults: $(cat "$DIR/out2")"
else
    echo "note: no private mount namespace here; the /etc/exemplard fallback is not tried" >&2
fi

# ---- no daemon: a missing socket file fails at once, naming the path ----
mkdir "$DIR/empty"
start=$(ms_now)
got=0
(cd "$DIR/empty" && env -u EXEMPLAR_API "$CTL" info) >"$DIR/out" 2>"$DIR/err" || got=$?
took=$(($(ms_now) - start))
[[ $got -eq 7 ]] || fail "info without a daemon exited $got, expected 7: $(cat "$DIR/err")"
if [[ ! -S /run/exemplard/api.sock ]]; then
    grep -q 'exemplar-state/api.sock' "$DIR/err" ||
        fail "the message does not name the socket tried: $(cat "$DIR/err")"
fi
grep -q 'exemplard' "$DIR/err" || fail "the message does not say how to start the daemon: $(cat "$DIR/err")"
((took < 2000)) || fail "info without a daemon took $took ms to fail (3 attempts of 5 s each?)"

start=$(ms_now)
run 7 info --api "ipc://$DIR/nothere.sock" --json
took=$(($(ms_now) - start))
((took < 2000)) || fail "info --api to a missing socket took $took ms"
grep -q "$DIR/nothere.sock" "$DIR/err" || fail "the message does not name $DIR/nothere.sock: $(cat "$DIR/err")"
[[ $(json_get name) == unavailable ]] || fail "error name $(json_get name), expected unavailable"
[[ $(json_get exit) == 7 ]] || fail "--json error.exit is $(json_get exit), the process exited 7"
[[ $(json_get code) == 15 ]] || fail "--json error.code is $(json_get code), the protocol's unavailable is 15"

# ---- start the daemon; ping --wait still waits for a socket to appear ----
printf '[rules]\nenforce = no\n' >"$DIR/exemplard.conf"
env -u NOTIFY_SOCKET -u STATE_DIRECTORY -u RUNTIME_DIRECTORY -u CONFIGURATION_DIRECTORY \
    "$EXEMPLARD" --state-dir "$DIR" --config "$DIR/exemplard.conf" >"$LOG" 2>&1 &
PID=$!
run 0 ping --wait 10

# ---- the offline tools' state directory follows the daemon in use --------
run 0 state-dir --json
[[ $(json_get state_dir) == "$DIR" ]] ||
    fail "beside the daemon of $EXEMPLAR_API the state directory is $(json_get state_dir), not $DIR"
got=0
(cd "$DIR/empty" && env -u EXEMPLAR_API "$CTL" state-dir --api "ipc://$DIR/api.sock" --json) >"$DIR/out" 2>"$DIR/err" || got=$?
[[ $got -eq 0 && $(json_get state_dir) == "$DIR" ]] || fail "state-dir --api ipc://$DIR/api.sock: $(cat "$DIR/out" "$DIR/err")"
(cd "$DIR/empty" && env -u EXEMPLAR_API "$CTL" state-dir --json) >"$DIR/out" 2>"$DIR/err" ||
    fail "state-dir with no daemon: $(cat "$DIR/err")"
if [[ ! -S /run/exemplard/api.sock && ! -e /etc/exemplard/exemplard.conf ]]; then
    [[ $(json_get state_dir) == /var/lib/exemplard ]] ||
        fail "state-dir with no daemon and no configuration: $(json_get state_dir)"
fi
run 0 state-dir --state-dir /srv/x --json
[[ $(json_get state_dir) == /srv/x ]] || fail "--state-dir was not taken: $(json_get state_dir)"
printf '[daemon]\nstate_dir = %s/elsewhere\n' "$DIR" >"$DIR/other.conf"
EXEMPLAR_CONFIG=$DIR/other.conf run 0 state-dir --json
[[ $(json_get state_dir) == "$DIR/elsewhere" ]] || fail "\$EXEMPLAR_CONFIG was not read: $(json_get state_dir)"

# ---- one error object: protocol code and exit status ---------------------
run 3 show 999999 --json
[[ $(json_get exit) == 3 ]] || fail "show of a missing id: error.exit $(json_get exit), exited 3"
[[ $(json_get code) == 4 ]] || fail "show of a missing id: error.code $(json_get code), expected 4"
[[ $(json_get name) == not-found ]] || fail "show of a missing id: error.name $(json_get name)"

# ---- unit codes in any case ----------------------------------------------
run 0 register --unit b.khcn --kind collective --name "Ban Khoa học và Công nghệ" --json
[[ $(json_get unit) == B.KHCN ]] || fail "register --unit b.khcn stored unit $(json_get unit)"
run 0 list --unit b.khcn --json
[[ $(json_get nominations) == 1 ]] || fail "list --unit b.khcn found $(json_get nominations), expected 1"
run 0 list --unit B.KHCN --json
[[ $(json_get nominations) == 1 ]] || fail "list --unit B.KHCN found $(json_get nominations), expected 1"

# ---- progress on a terminal only -------------------------------------------
for i in $(seq 1 29); do
    run 0 register --unit 01 --kind individual --name "Người $i"
done
# stderr a terminal (script(1) gives the command a pty): one line, redrawn
script -qec "$CTL list" /dev/null >"$DIR/tty" </dev/null || fail "list on a terminal failed: $(cat "$DIR/tty")"
grep -q 'list: 30/30 nominations (100%)' "$DIR/tty" ||
    fail "list on a terminal drew no progress line: $(tr '\r' '\n' <"$DIR/tty" | head -5)"
script -qec "$CTL list --limit 10" /dev/null >"$DIR/tty" </dev/null || fail "list --limit 10 on a terminal failed"
grep -q 'list: 10/10 nominations' "$DIR/tty" || fail "list --limit 10: $(tr '\r' '\n' <"$DIR/tty" | head -5)"
script -qec "$CTL fsck" /dev/null >"$DIR/tty" </dev/null || fail "fsck on a terminal failed: $(cat "$DIR/tty")"
grep -q 'fsck: 30 nominations, waiting for the daemon, 0:0' "$DIR/tty" ||
    fail "fsck on a terminal drew no progress line: $(tr '\r' '\n' <"$DIR/tty" | head -5)"
# not a terminal: nothing but the output
run 0 list
grep -q . "$DIR/err" && fail "list wrote on a stderr that is not a terminal: $(cat "$DIR/err")"
run 0 fsck
grep -q . "$DIR/err" && fail "fsck wrote on a stderr that is not a terminal: $(cat "$DIR/err")"
# backup and export: the daemon writing its snapshot, then the bytes
# fetched out of the dump's size; the line erased before the result
script -qec "$CTL backup $DIR/tty.mdb" /dev/null >"$DIR/tty" </dev/null || fail "backup on a terminal failed: $(cat "$DIR/tty")"
grep -q 'backup: writing the snapshot, 0:0' "$DIR/tty" ||
    fail "backup on a terminal did not show the snapshot being written: $(tr '\r' '\n' <"$DIR/tty" | head -5)"
grep -Eq 'backup: [0-9.]+/[0-9.]+ [kMG]B \(100%\)' "$DIR/tty" ||
    fail "backup on a terminal drew no bytes done/total: $(tr '\r' '\n' <"$DIR/tty" | head -5)"
grep -Eq $'\r +\rbackup '"$DIR/tty.mdb"': [0-9]+ bytes' "$DIR/tty" ||
    fail "backup's progress line was not erased before its result: $(cat -A "$DIR/tty" | head -3)"
script -qec "$CTL export $DIR/tty.jsonl" /dev/null >"$DIR/tty" </dev/null || fail "export on a terminal failed: $(cat "$DIR/tty")"
grep -q 'export: writing the snapshot, 0:0' "$DIR/tty" ||
    fail "export on a terminal did not show the snapshot being written: $(tr '\r' '\n' <"$DIR/tty" | head -5)"
grep -Eq 'export: [0-9.]+/[0-9.]+ [kMG]B \(100%\)' "$DIR/tty" ||
    fail "export on a terminal drew no bytes done/total: $(tr '\r' '\n' <"$DIR/tty" | head -5)"
# export on stdout, itself the terminal: no line among the records
script -qec "$CTL export" /dev/null >"$DIR/tty" </dev/null || fail "export to a terminal failed"
grep -q '"type"' "$DIR/tty" || fail "export to a terminal printed no records: $(head -c 300 "$DIR/tty")"
grep -q 'export: writing the snapshot' "$DIR/tty" && fail "export drew its progress line among the records on the terminal"
# import (exemplard --import draws it): bytes of the file and lines
size=$(stat -c %s "$DIR/tty.jsonl")
script -qec "$CTL import $DIR/tty.jsonl --state-dir $DIR/imported" /dev/null >"$DIR/tty" </dev/null ||
    fail "import on a terminal failed: $(cat "$DIR/tty")"
grep -Eq "import: [0-9.]+/$(awk -v n="$size" 'BEGIN { printf "%.1f", n / 1000 }') kB \([0-9]+%\), [0-9]+ lines" "$DIR/tty" ||
    fail "import on a terminal drew no progress of the file's $size bytes: $(tr '\r' '\n' <"$DIR/tty" | head -5)"
grep -q 'imported [0-9]* records' "$DIR/tty" || fail "import on a terminal printed no result: $(tr '\r' '\n' <"$DIR/tty")"
# restore: one line per step
script -qec "$CTL restore $DIR/tty.mdb --state-dir $DIR/restored" /dev/null >"$DIR/tty" </dev/null ||
    fail "restore on a terminal failed: $(cat "$DIR/tty")"
for step in 'checking the backup' 'copying the backup' 'checking the copy' 'installing the copy'; do
    grep -q "restore: $step, 0:0" "$DIR/tty" || fail "restore on a terminal did not say '$step': $(tr '\r' '\n' <"$DIR/tty" | head -8)"
done
# not a terminal: the one-line result and nothing on stderr
rm -rf "$DIR/imported" "$DIR/restored"
run 0 backup "$DIR/plain.mdb"
grep -q . "$DIR/err" && fail "backup wrote on a stderr that is not a terminal: $(cat "$DIR/err")"
[[ $(wc -l <"$DIR/out") -eq 1 ]] || fail "backup printed more than its one-line result: $(cat "$DIR/out")"
run 0 export "$DIR/plain.jsonl"
grep -q . "$DIR/err" && fail "export wrote on a stderr that is not a terminal: $(cat "$DIR/err")"
[[ $(wc -l <"$DIR/out") -eq 1 ]] || fail "export printed more than its one-line result: $(cat "$DIR/out")"
run 0 import "$DIR/plain.jsonl" --state-dir "$DIR/imported"
grep -q . "$DIR/err" && fail "import wrote on a stderr that is not a terminal: $(cat "$DIR/err")"
run 0 restore "$DIR/plain.mdb" --state-dir "$DIR/restored"
grep -q . "$DIR/err" && fail "restore wrote on a stderr that is not a terminal: $(cat "$DIR/err")"

# ---- summary: output directories are made; local errors are not storage --
run 0 summary 2023Q3 --format all --output "$DIR/rep/q3"
for ext in json csv xlsx html; do
    [[ -s $DIR/rep/q3/summary-2023Q3.$ext ]] || fail "summary --format all did not write rep/q3/summary-2023Q3.$ext"
done
mode=$(stat -c %a "$DIR/rep")
[[ $mode == 750 ]] || fail "summary made $DIR/rep with mode $mode, expected 750"
run 0 summary 2023Q3 --format csv --output "$DIR/rep2/one.csv"
[[ -s $DIR/rep2/one.csv ]] || fail "summary --format csv --output rep2/one.csv wrote nothing"
: >"$DIR/plainfile"
run 1 summary 2023Q3 --format all --output "$DIR/plainfile/rep" --json
[[ $(json_get name) == local-io ]] || fail "writing under a file: error $(json_get name), expected local-io"
[[ $(json_get exit) == 1 ]] || fail "writing under a file: error.exit $(json_get exit)"
grep -q "$DIR/plainfile" "$DIR/err" || fail "the message does not name the path: $(cat "$DIR/err")"
grep -q storage "$DIR/err" && fail "a local file error is reported as storage: $(cat "$DIR/err")"

# ---- bash completion of option values --------------------------------------
COMPLETION=$(dirname "$0")/../../systemd/exemplarctl.bash-completion
complete_words() { # complete_words WORD... : what bash completes for the last word
    bash -c 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
             _exemplarctl; printf "%s\n" "${COMPREPLY[@]}"' "$COMPLETION" "$CTL" "$@" | sort
}
bash -c 'source "$0"; complete -p exemplarctl' "$COMPLETION" | grep -q -- '-F _exemplarctl' ||
    fail "the bash completion does not register _exemplarctl"
expect_words() { # expect_words "WANTED WORDS" WORD... : exactly these, in any order
    local want got
    want=$(tr ' ' '\n' <<<"$1" | sort)
    shift
    got=$(complete_words "$@")
    [[ $got == "$want" ]] || fail "completing '$*': got ${got//$'\n'/ }, expected ${want//$'\n'/ }"
}
expect_words "fostering" move 1 fo
expect_words "recognized registered returned revoked" list --state re
expect_words "ready" jobs --state re
expect_words "collective" register --kind co
expect_words "remind-deadline remind-overdue remind-stale" jobs --kind rem
expect_words "csv" summary 2023Q3 --format c
expect_words "vi" summary 2023Q3 --lang v
expect_words "state-dir stats" sta
# unit codes from the daemon that answers (EXEMPLAR_API), any case typed
run 0 units list --json
first=$(sed -n 's/^ *"code": *"\([^"]*\)".*/\1/p' "$DIR/out" | sort -u | head -1)
[[ -n $first ]] || fail "units list --json printed no code: $(head -c 300 "$DIR/out")"
complete_words list --unit "${first,,}" | grep -qx -- "$first" ||
    fail "completing list --unit ${first,,} did not offer $first: $(complete_words list --unit "${first,,}" | head -5)"
complete_words plan submit "" | grep -qx -- "$first" || fail "plan submit UNIT did not offer $first"
EXEMPLAR_API="ipc://$DIR/nothere.sock" complete_words list --unit "" >"$DIR/out"
! grep -q . "$DIR/out" || fail "unit codes completed without a daemon: $(head -3 "$DIR/out")"
mkdir -p "$DIR/compl"
: >"$DIR/compl/report.csv"
complete_words summary 2023Q3 --output "$DIR/compl/rep" | grep -qx -- "$DIR/compl/report.csv" ||
    fail "summary --output did not complete file names"

# ---- zsh completion: the same values ---------------------------------------
command -v zsh >/dev/null || fail "zsh is needed to test systemd/_exemplarctl (.ci/install-deps installs it)"
mkdir -p "$DIR/bin"
ln -s "$CTL" "$DIR/bin/exemplarctl"
zsh_words() { # zsh_words LINE : what zsh completes at the end of LINE
    PATH=$DIR/bin:$PATH zsh -f "$(dirname "$0")/zsh_complete.zsh" "$(dirname "$COMPLETION")" \
        "$DIR/zout" "$1" || fail "zsh did not complete '$1'"
    sort -u "$DIR/zout"
}
zsh_expect() { # zsh_expect "WANTED WORDS" LINE
    local want got
    want=$(tr ' ' '\n' <<<"$1" | sort)
    got=$(zsh_words "$2")
    [[ $got == "$want" ]] || fail "zsh completing '$2': got ${got//$'\n'/ }, expected ${want//$'\n'/ }"
}
zsh_expect "recognized registered returned revoked" "exemplarctl list --state re"
zsh_expect "fostering" "exemplarctl move 1 fo"
zsh_expect "ready" "exemplarctl jobs --state re"
zsh_expect "csv" "exemplarctl summary 2023Q3 --format c"
zsh_expect "en" "exemplarctl summary 2023Q3 --lang e"
zsh_expect "state-dir stats" "exemplarctl sta"
zsh_words "exemplarctl list --unit ${first,,}" | grep -qx -- "$first" ||
    fail "zsh completing list --unit ${first,,} did not offer $first"

# ---- every program: --version, and a one-line result ---------------------
for prog in "$EXEMPLARD" "$CTL" "$REMIND" "$SUMMARY"; do
    out=$("$prog" --version) || fail "$prog --version failed"
    [[ $out =~ ^$(basename "$prog")\ [0-9]+\.[0-9]+ ]] || fail "$prog --version printed '$out'"
done
out=$("$REMIND" --once --idle 10 2>"$DIR/err") || fail "exemplar-remind --once failed: $(cat "$DIR/err")"
[[ $out == "0 reminders delivered (0 topic, 0 journal, 0 mail), 0 failed" ]] ||
    fail "exemplar-remind --once with nothing to do printed '$out'"
mkdir "$DIR/reports"
out=$("$SUMMARY" --once --idle 10 --reports-dir "$DIR/reports" 2>"$DIR/err") ||
    fail "exemplar-summary --once failed: $(cat "$DIR/err")"
[[ $out == "0 summaries written into $DIR/reports, 0 failed" ]] ||
    fail "exemplar-summary --once with nothing to do printed '$out'"

echo "ok"
