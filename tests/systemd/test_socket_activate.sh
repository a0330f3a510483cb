#!/bin/bash
# SPDX-License-Identifier: MIT
#
# test_socket_activate.sh EXEMPLARD EXEMPLARCTL
#
# Socket activation by systemd's own tool: systemd-socket-activate listens on
# the api path and starts exemplard (in its own place, same pid) on the first
# connection, passing the socket as fd 3 named "api".  The first request must
# be answered by the daemon it started, and the socket file must be the one
# systemd-socket-activate made.  Exits 77 (skipped) when the tool is missing
# (it comes with the systemd package).
set -euo pipefail
exemplard=$1 exemplarctl=$2

command -v systemd-socket-activate >/dev/null ||
    { echo "SKIP: systemd-socket-activate is missing (apt-get install systemd)"; exit 77; }
fail() {
    echo "FAIL: $*" >&2
    cat "$dir/stderr.log" >&2 || true
    exit 1
}
dir=$(mktemp -d /tmp/exsa.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

until_ok() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.05
    done
}

systemd-socket-activate -l "$dir/api.sock" --fdname=api \
    "$exemplard" --state-dir "$dir/state" --api "ipc://$dir/api.sock" \
    --events "ipc://$dir/events.sock" 2>"$dir/stderr.log" &
pid=$!
until_ok 10 test -S "$dir/api.sock" || fail "systemd-socket-activate made no socket"
inode=$(stat -c %i "$dir/api.sock")
[ "$(cat "/proc/$pid/comm")" != exemplard ] || fail "exemplard runs before any connection"
[ ! -e "$dir/state" ] || fail "exemplard ran before any connection"

# The daemon runs with the rules on (its defaults, as under systemd): the
# registration names a subject and the demo campaign, whose registration
# window is open from the day the daemon first loads it.
id=$("$exemplarctl" --api "ipc://$dir/api.sock" --timeout 10000 register --unit 01 \
    --kind individual --campaign demo --subject CB-0001 --name "Trần Thị B") ||
    fail "the first request was not answered"
[ "$id" = 1 ] || fail "register printed '$id'"
[ "$(cat "/proc/$pid/comm")" = exemplard ] || fail "the request was not served by exemplard"
[ "$(stat -c %i "$dir/api.sock")" = "$inode" ] || fail "exemplard replaced the socket file"
grep -q "(socket-activated)" "$dir/stderr.log" || fail "exemplard did not say it took the socket"
[ "$("$exemplarctl" --api "ipc://$dir/api.sock" --json show 1 | grep -c '"registered"')" = 1 ] ||
    fail "nomination 1 is not there"

kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" -eq 0 ] || fail "exemplard exited with status $rc"
echo "PASS: started by the first request on the passed socket, served, stopped cleanly"
