#!/bin/bash
# SPDX-License-Identifier: MIT
#
# test_real_systemd.sh BUILD_DIR
#
# exemplard under a real systemd: a minimal Debian 12 root (test-root.sh,
# built once and cached) booted with systemd-nspawn, the .deb built from
# BUILD_DIR installed with dpkg, and then:
#   1. the package starts exemplard.service by itself, with no configuration
#      written by hand: active, enabled, its STATUS= line, the exemplard user,
#      the directories and socket modes the units promise, and a security
#      rating of at most 1.0 from the running systemd;
#   2. exemplarctl (inside the container) registers and moves nominations;
#   3. `systemctl reload` brackets a reload with RELOADING=1/READY=1;
#   4. SIGSTOP: the watchdog (2 s, from a drop-in) kills exemplard and systemd
#      starts it again; a request sent while it hung is retried and applied
#      once; every acknowledged change is still there;
#   5. exemplard.socket: the service stopped, the first request starts it
#      through the socket, and the socket survives its restarts;
#   6. the journal, read back with `journalctl -o json`, carries the daemon's
#      structured fields (PRIORITY, CODE_FILE, CHANGE_SEQ, NOMINATIONS, ...);
#   7. a tcp:// endpoint works with the drop-in exemplard(8) documents, and
#      without AF_NETLINK the daemon refuses with a sentence;
#   8. the container powers off cleanly.
#
# Needs root, systemd-nspawn (systemd-container), debootstrap, nsenter, jq and
# cpack; exits 77 (skipped, with the reason) where they are missing, or when
# EXEMPLAR_TEST_NO_NSPAWN is set.  Its files (console, journal, dpkg and cpack
# logs) are kept in /tmp/exreal.* when it fails, or with EXEMPLAR_TEST_KEEP=1.  The first run builds the root from the
# Debian mirror in the apt sources (about 40 s); later runs take about 30 s.
set -euo pipefail

build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)

skip() {
    echo "SKIP: $*"
    exit 77
}
[ -z "${EXEMPLAR_TEST_NO_NSPAWN:-}" ] || skip "EXEMPLAR_TEST_NO_NSPAWN: $EXEMPLAR_TEST_NO_NSPAWN"
[ "$(id -u)" -eq 0 ] || skip "booting a container with systemd-nspawn needs root"
for tool in systemd-nspawn debootstrap nsenter jq cpack dpkg-deb; do
    command -v "$tool" >/dev/null ||
        skip "$tool is missing (apt-get install systemd-container debootstrap util-linux jq cmake)"
done

work=$(mktemp -d /tmp/exreal.XXXXXX)
nspawn=""
leader=""
step="setting up"

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
    echo "---- systemctl status exemplard.service exemplard.socket"
    in_ct systemctl --no-pager status exemplard.service exemplard.socket 2>&1 | tail -n 30 || true
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

cleanup() {
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
trap cleanup EXIT

ctl() { in_ct exemplarctl --timeout 5000 "$@"; }
show() { ctl --json show "$1" | jq -r "$2"; }
prop() { in_ct systemctl show -p "$1" --value exemplard.service; }

# ---------------------------------------------------------------------------
step="the Debian root"
root=$("$here/test-root.sh") || fail "cannot build the Debian 12 root (see above)"

step="the package"
log "building the .deb with cpack"
cpack -G DEB -B "$work/pkg" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1 ||
    fail "cpack failed: $(tail -n 5 "$work/cpack.log")"
mkdir "$work/share"
cp "$work"/pkg/*.deb "$work/share/exemplar.deb"

step="booting"
log "booting $root"
systemd-nspawn -D "$root" --register=no --keep-unit -q --volatile=overlay --private-network \
    --bind-ro="$work/share:/srv/exemplar" --boot </dev/null >"$work/console.log" 2>&1 &
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

# A short watchdog, so the SIGSTOP below is noticed in 2 s instead of 30.
in_ct mkdir -p /etc/systemd/system/exemplard.service.d
in_ct sh -c 'cat >/etc/systemd/system/exemplard.service.d/test.conf' <<'EOF'
[Service]
WatchdogSec=2s
RestartSec=500ms
EOF

# ---------------------------------------------------------------------------
step="1. installation"
log "$step"
in_ct dpkg -i /srv/exemplar/exemplar.deb >"$work/dpkg.log" 2>&1 ||
    fail "dpkg -i failed: $(tail -n 5 "$work/dpkg.log")"
[ "$(prop ActiveState)" = active ] || fail "exemplard.service is not active after installation"
[ "$(in_ct systemctl is-enabled exemplard.service)" = enabled ] || fail "not enabled"
[ "$(prop StatusText)" = "0 nominations, last change 0" ] ||
    fail "unexpected STATUS=: $(prop StatusText)"
# Nothing written by hand: the package's files are as shipped.
[ -z "$(in_ct dpkg --verify exemplar)" ] || fail "dpkg --verify: $(in_ct dpkg --verify exemplar)"
in_ct getent passwd exemplard >/dev/null || fail "no exemplard user"
[ "$(in_ct stat -c '%U:%G %a' /var/lib/exemplard)" = "exemplard:exemplard 750" ] ||
    fail "/var/lib/exemplard: $(in_ct stat -c '%U:%G %a' /var/lib/exemplard)"
[ "$(in_ct stat -c '%U:%G' /var/lib/exemplard/data.mdb)" = "exemplard:exemplard" ] ||
    fail "the LMDB environment is not the exemplard user's"
sock_mode=$(in_ct stat -c '%G %A' /run/exemplard/api.sock)
[[ $sock_mode == "exemplard srwxrwx---" || $sock_mode == "exemplard srw-rw----" ]] ||
    fail "/run/exemplard/api.sock: $sock_mode (group exemplard only)"
score=$(in_ct systemd-analyze security exemplard.service 2>/dev/null |
    sed -n 's/.*Overall exposure level for exemplard.service: \([0-9.]*\).*/\1/p')
[ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 1.0) }' ||
    fail "systemd-analyze security rates the running unit ${score:-?} (must be <= 1.0)"
echo "   active, enabled, STATUS= '0 nominations, last change 0', security $score"

# ---------------------------------------------------------------------------
step="2. exemplarctl"
log "$step"
ids=()
for i in 1 2 3 4; do
    id=$(ctl register --unit 0$i --kind individual --name "Nguyễn Văn $i") || fail "register $i"
    ids+=("$id")
done
ctl move "${ids[0]}" fostering >/dev/null
ctl move "${ids[0]}" unit-reviewed >/dev/null
ctl move "${ids[1]}" fostering >/dev/null
ctl move "${ids[2]}" withdrawn --reason "the unit withdrew it" >/dev/null
# state and version of each nomination as acknowledged
declare -A want=(["${ids[0]}"]="unit-reviewed 3" ["${ids[1]}"]="fostering 2"
    ["${ids[2]}"]="withdrawn 2" ["${ids[3]}"]="registered 1")
acked_seq=$(ctl --json info | jq -r .last_seq)
[ "$acked_seq" = 8 ] || fail "last_seq is $acked_seq after 8 changes"

# ---------------------------------------------------------------------------
step="3. reload"
log "$step"
in_ct systemctl reload exemplard.service || fail "systemctl reload failed"
[ "$(prop ActiveState)" = active ] || fail "not active after a reload"
until_ok 10 sh -c "nsenter -t $leader -m -u -i -n -p -C -- journalctl -u exemplard -o cat |
    grep -q 'main, configuration reloaded'" || fail "no reload in the journal"

# ---------------------------------------------------------------------------
step="4. watchdog"
log "$step"
pid_before=$(prop MainPID)
in_ct systemctl kill --kill-who=main -s SIGSTOP exemplard.service
# Sent while the daemon hangs: exemplarctl retries with the same request id
# until the restarted daemon answers.
ctl --timeout 4000 register --unit 09 --kind collective --name "Phòng 9" --request-id 777 \
    >"$work/inflight.out" 2>&1 &
inflight=$!
restarted() {
    [ "$(prop NRestarts)" -ge 1 ] && [ "$(prop ActiveState)" = active ] &&
        [ "$(prop MainPID)" != "$pid_before" ] && [ "$(prop MainPID)" != 0 ]
}
until_ok 30 restarted || fail "exemplard was not restarted by its watchdog"
in_ct journalctl -u exemplard -o cat | grep -q "Watchdog timeout" ||
    fail "systemd did not log a watchdog timeout"
wait "$inflight" || fail "the request sent during the hang failed: $(cat "$work/inflight.out")"
inflight_id=$(cat "$work/inflight.out")
[ "$(ctl register --unit 09 --kind collective --name "Phòng 9" --request-id 777)" = "$inflight_id" ] ||
    fail "request id 777 sent again did not get the first answer"
for id in "${!want[@]}"; do
    got="$(show "$id" '.state + " " + (.version | tostring)')"
    [ "$got" = "${want[$id]}" ] || fail "nomination $id is '$got' after the restart, not '${want[$id]}'"
done
[ "$(ctl --json info | jq -r .last_seq)" = 9 ] || fail "last_seq is not 9 after the restart"
echo "   killed by the watchdog and restarted; 8 acknowledged changes kept, the 9th applied once"

# ---------------------------------------------------------------------------
step="5. socket activation"
log "$step"
in_ct systemctl stop exemplard.service
in_ct systemctl enable --now exemplard.socket 2>/dev/null
[ "$(prop ActiveState)" = inactive ] || fail "the service runs before any request"
[ "$(in_ct stat -c '%U:%G %a' /run/exemplard/api.sock)" = "exemplard:exemplard 660" ] ||
    fail "the socket unit's socket: $(in_ct stat -c '%U:%G %a' /run/exemplard/api.sock)"
[ "$(ctl --json info | jq -r .last_seq)" = 9 ] || fail "no answer through the socket"
[ "$(prop ActiveState)" = active ] || fail "the request did not start the service"
in_ct systemctl restart exemplard.service
[ "$(show "${ids[0]}" .state)" = unit-reviewed ] || fail "no answer after a restart"
activated=$(in_ct journalctl -u exemplard -o cat | grep -c "(socket-activated)" || true)
[ "$activated" -ge 2 ] || fail "the daemon did not take the socket ($activated times)"

# ---------------------------------------------------------------------------
step="6. journal"
log "$step"
in_ct journalctl -u exemplard -o json --no-pager >"$work/journal.json"
entries() { jq -c "select(.SYSLOG_IDENTIFIER == \"exemplard\") | $1" "$work/journal.json"; }
# The start that followed the watchdog kill saw every acknowledged change.
ready=$(entries 'select(.MESSAGE | startswith("main, ready:"))' | sed -n 2p)
[ -n "$ready" ] || fail "fewer than two 'main, ready' entries"
check() {
    local got
    got=$(jq -r ".$1" <<<"$ready")
    [ "$got" = "$2" ] || fail "journal: $1=$got in the ready entry after the restart, want $2"
}
check PRIORITY 6
check CODE_FILE daemon/main.c
check CODE_FUNC main
check CHANGE_SEQ 8
check NOMINATIONS 4
check _SYSTEMD_UNIT exemplard.service
reloaded=$(entries 'select(.MESSAGE | startswith("main, configuration reloaded")) | .PRIORITY' |
    head -n 1)
[ "$reloaded" = '"5"' ] || fail "journal: the reload entry has PRIORITY $reloaded, want 5"
fields=$(entries 'select(.NOMINATION_ID != null)' | wc -l)
echo "   fields read back; $fields entries carry NOMINATION_ID"

# ---------------------------------------------------------------------------
step="7. tcp endpoint"
log "$step"
# The drop-in exemplard(8), SECURITY, gives for tcp:// endpoints.  Without
# AF_NETLINK the daemon must refuse with a sentence, not abort in ZeroMQ.
in_ct systemctl disable --now exemplard.socket 2>/dev/null
in_ct sh -c 'cat >/etc/systemd/system/exemplard.service.d/tcp.conf' <<'EOF'
[Service]
PrivateNetwork=no
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
IPAddressDeny=
IPAddressAllow=127.0.0.0/8
EOF
in_ct sh -c 'printf "[api]\nendpoint = tcp://127.0.0.1:5555\n" >>/etc/exemplard/exemplard.conf'
in_ct systemctl daemon-reload
in_ct systemctl restart exemplard.service 2>/dev/null && fail "started without AF_NETLINK"
in_ct journalctl -u exemplard -o cat | grep -q "needs AF_NETLINK sockets, which this process may not" ||
    fail "no sentence about AF_NETLINK in the journal"
in_ct sed -i 's/AF_INET6$/AF_INET6 AF_NETLINK/' /etc/systemd/system/exemplard.service.d/tcp.conf
in_ct systemctl daemon-reload
in_ct systemctl reset-failed exemplard.service
in_ct systemctl restart exemplard.service || fail "does not start with the tcp drop-in"
[ "$(in_ct exemplarctl --api tcp://127.0.0.1:5555 --json info | jq -r .last_seq)" = 9 ] ||
    fail "no answer on tcp://127.0.0.1:5555"

# ---------------------------------------------------------------------------
step="8. power off"
log "$step"
in_ct systemctl poweroff --no-block
timeout 30 tail --pid="$nspawn" -f /dev/null || fail "the container did not power off in 30 s"
rc=0
wait "$nspawn" || rc=$?
[ "$rc" -eq 0 ] || fail "systemd-nspawn exited with status $rc"
nspawn=""
echo "PASS"
