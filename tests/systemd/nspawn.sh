# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2154 # $work is the caller's
#
# Sourced by the tests that boot the Debian 12 root of test-root.sh with
# systemd-nspawn (test_real_systemd.sh, test_deb_lifecycle.sh):
#
#   ct_require TOOL...      exits 77 (skipped, with the reason) unless this runs
#                           as root, EXEMPLAR_TEST_NO_NSPAWN is unset and every
#                           TOOL is installed
#   ct_boot ROOT SHARE      boots ROOT with --volatile=overlay (ROOT itself is
#                           never written to) and SHARE bound read-only at
#                           /srv/exemplar, and waits until it is running
#   in_ct CMD...            runs CMD inside the container (all its namespaces)
#   until_ok SECONDS CMD... polls CMD every 0.1 s; fails after SECONDS
#   ct_poweroff             powers the container off; fails unless it stops
#                           cleanly within 30 s
#   fail MESSAGE            prints the step ($step), MESSAGE and what the units
#                           and the journal say; exits 1
#
# The caller sets $work (a directory for the console and other logs, removed
# when the test passes, kept when it fails or with EXEMPLAR_TEST_KEEP=1) and
# $step.  An EXIT trap never leaves the container's systemd running.

nspawn=""
leader=""
step=${step:-"setting up"}

skip() {
    echo "SKIP: $*"
    exit 77
}

ct_require() {
    [ -z "${EXEMPLAR_TEST_NO_NSPAWN:-}" ] || skip "EXEMPLAR_TEST_NO_NSPAWN: $EXEMPLAR_TEST_NO_NSPAWN"
    [ "$(id -u)" -eq 0 ] || skip "booting a container with systemd-nspawn needs root"
    local tool
    for tool in systemd-nspawn debootstrap nsenter "$@"; do
        command -v "$tool" >/dev/null ||
            skip "$tool is missing (apt-get install systemd-container debootstrap util-linux jq cmake)"
    done
}

log() { echo "== $*"; }

# Runs a command inside the container: all its namespaces, its own binaries.
in_ct() { nsenter -t "$leader" -m -u -i -n -p -C -- "$@"; }

# until_ok SECONDS CMD...: polls CMD every 0.1 s until it succeeds; fails
# when the deadline passes.
until_ok() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

diagnostics() {
    [ -n "$leader" ] && kill -0 "$leader" 2>/dev/null || return 0
    echo "---- systemctl status 'exemplar*'"
    in_ct systemctl --no-pager status 'exemplar*' 2>&1 | tail -n 40 || true
    echo "---- journalctl -u exemplard (last 40 lines)"
    in_ct journalctl --no-pager -u exemplard -n 40 2>&1 || true
    echo "---- console (last 20 lines)"
    tail -n 20 "$work/console.log" 2>/dev/null || true
}

fail() {
    echo "FAIL ($step): $*" >&2
    diagnostics >&2
    exit 1
}

ct_cleanup() {
    local rc=$?
    if [ -n "$nspawn" ] && kill -0 "$nspawn" 2>/dev/null; then
        # Never leave the container's systemd running without its nspawn.
        [ -n "$leader" ] && in_ct systemctl poweroff --no-block >/dev/null 2>&1 || true
        timeout 20 tail --pid="$nspawn" -f /dev/null || true
        [ -n "$leader" ] && kill -KILL "$leader" 2>/dev/null || true
        kill -KILL "$nspawn" 2>/dev/null || true
        wait "$nspawn" 2>/dev/null || true
    fi
    if [ "$rc" -eq 0 ] && [ -z "${EXEMPLAR_TEST_KEEP:-}" ]; then
        rm -rf "$work"
    else
        echo "logs kept in $work" >&2
    fi
}
trap ct_cleanup EXIT

ct_boot() {
    local root=$1 share=$2 state
    log "booting $root"
    systemd-nspawn -D "$root" --register=no --keep-unit -q --volatile=overlay --private-network \
        --bind-ro="$share:/srv/exemplar" --boot </dev/null >"$work/console.log" 2>&1 &
    nspawn=$!
    find_leader() { leader=$(pgrep -P "$nspawn" -x systemd); }
    until_ok 30 find_leader || fail "no systemd inside the container after 30 s"
    # systemctl needs the manager's private socket, made early in the boot.
    until_ok 30 in_ct test -S /run/systemd/private || fail "systemd inside did not start its manager"
    state=$(timeout 60 nsenter -t "$leader" -m -u -i -n -p -C -- systemctl is-system-running --wait ||
        true)
    case $state in
    running | degraded) ;;
    *) fail "the container did not finish booting (state: ${state:-none})" ;;
    esac
}

ct_poweroff() {
    local rc=0
    in_ct systemctl poweroff --no-block
    timeout 30 tail --pid="$nspawn" -f /dev/null || fail "the container did not power off in 30 s"
    wait "$nspawn" || rc=$?
    [ "$rc" -eq 0 ] || fail "systemd-nspawn exited with status $rc"
    nspawn=""
}
