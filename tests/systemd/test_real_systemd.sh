#!/bin/bash
# SPDX-License-Identifier: MIT
#
# test_real_systemd.sh BUILD_DIR
#
# exemplard under a real systemd: a minimal Debian 12 root (test-root.sh,
# built once and cached) booted with systemd-nspawn, the .deb built from
# BUILD_DIR installed with dpkg, and then:
#   1. the package starts exemplard.service and both workers by itself, with no
#      configuration written by hand: active, enabled, its STATUS= line, the exemplard user,
#      the directories and socket modes the units promise, and a security
#      rating of at most 1.0 from the running systemd;
#   2. exemplarctl (inside the container) registers nominations in the demo
#      campaign with their subjects, records the evidence the criteria need
#      and moves them, all with the plan's rules on; a refusal is in
#      Vietnamese;
#   3. `systemctl reload` brackets a reload with RELOADING=1/READY=1;
#   4. SIGSTOP: the watchdog (2 s, from a drop-in) kills exemplard and systemd
#      starts it again; a request sent while it hung is retried and applied
#      once; every acknowledged change is still there;
#   5. exemplard.socket: the service stopped, the first request starts it
#      through the socket, and the socket survives its restarts;
#   6. the journal, read back with `journalctl -o json`, carries the daemon's
#      structured fields (PRIORITY, CODE_FILE, CHANGE_SEQ, NOMINATIONS, ...);
#   7a. [stats] listen: refused with a sentence by the sandbox as shipped,
#      /metrics served with the loopback drop-in of exemplard(8);
#   7. the CURVE network api ([auth] endpoint, with the daemon's key pair and
#      a keys file) works with the drop-in exemplard(8) documents: roles are
#      applied and an unknown key gets no answer; without AF_NETLINK the
#      daemon refuses with a sentence;
#   8. the container powers off cleanly.
#
# Needs root, systemd-nspawn (systemd-container), debootstrap, nsenter, jq and
# cpack; exits 77 (skipped, with the reason) where they are missing, or when
# EXEMPLAR_TEST_NO_NSPAWN is set.  Steps 7a and 7 also need TCP over the
# loopback device of the container's private network namespace, which a host
# that is itself a container without rights over network devices cannot set
# up (systemd-nspawn inside an nspawn container: "Failed to configure
# loopback network device"): the test then runs every other step and exits
# 77 at the end, naming the steps it could not run and why.
# Its files (console, journal, dpkg and cpack logs) are kept in /tmp/exreal.*
# when it fails, or with EXEMPLAR_TEST_KEEP=1.  The first run builds the root
# from the Debian mirror in the apt sources (about 40 s); later runs take
# about 30 s.
# nspawn.sh (shared with test_deb_lifecycle.sh) boots and drives the container.
set -euo pipefail

build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d /tmp/exreal.XXXXXX)
# skip, ct_require, ct_boot, in_ct, until_ok, fail, ct_poweroff; the EXIT trap
# shellcheck source=tests/systemd/nspawn.sh
. "$here/nspawn.sh"
ct_require jq cpack dpkg-deb curl

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
ct_boot "$root" "$work/share"

# What this host lets the container do: TCP to 127.0.0.1 in its private
# network namespace (a closed port must answer "Connection refused").  A host
# that is a container without CAP_NET_ADMIN over it leaves the loopback
# device down ("Network is unreachable") or the address family unavailable.
no_net=""
probe=$(nsenter -t "$leader" -n bash -c 'exec 3<>/dev/tcp/127.0.0.1/9' 2>&1) ||
    case $probe in
    *"Connection refused"*) ;;
    *) no_net="this host cannot give the container a loopback network (TCP to 127.0.0.1 in its network namespace: ${probe##*: }); is it itself a container without rights over network devices?" ;;
    esac
[ -z "$no_net" ] || echo "   $no_net: steps 7a and 7 will be skipped"

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
for unit in exemplar-remind.service exemplar-summary.service; do
    [ "$(in_ct systemctl is-enabled $unit)" = enabled ] || fail "$unit is not enabled"
    in_ct systemctl --quiet is-active $unit || fail "$unit is not active after installation"
done
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
# The rules are on, as the package ships them: each registration names its
# subject and the demo campaign (laid out from the day the daemon first
# loaded it, so its registration window is open today), and the move to
# unit-reviewed needs the evidence the criteria ask for: a collective needs
# "Tập thể Lao động xuất sắc" (TTLDXS) in each year of period demo-1, the
# three years before this one (as clients/demo.sh does).
ids=()
# Official province codes valid today in the built-in registry (03 and 05
# do not exist; 02 and 06 were merged into 08 and 19 on 1 July 2025).
units=(01 04 11 12)
kinds=(collective collective individual individual)
subjects=(01:REAL-1 04:REAL-2 CB-REAL-3 CB-REAL-4)
for i in 0 1 2 3; do
    id=$(ctl register --unit "${units[$i]}" --kind "${kinds[$i]}" --campaign demo \
        --subject "${subjects[$i]}" --name "Nguyễn Văn $((i + 1))") ||
        fail "register $((i + 1)) in the demo campaign"
    ids+=("$id")
done
year=$(in_ct date +%Y)
for y in $((year - 3)) $((year - 2)) $((year - 1)); do
    ctl evidence add 01:REAL-1 "$y" TTLDXS --decision "$((y - 2000))01/QĐ-UBND" \
        --decision-date "$((y + 1))-01-15" --issuer "Chủ tịch UBND" >/dev/null ||
        fail "evidence add for $y"
done
ctl move "${ids[0]}" fostering >/dev/null || fail "move ${ids[0]} fostering"
ctl check "${ids[0]}" >/dev/null || fail "the criteria of ${ids[0]} are not met: $(ctl check "${ids[0]}")"
ctl acclaim "${ids[0]}" --date "$(in_ct date +%F)" --present 9 --in-favour 7 >/dev/null ||
    fail "acclaim ${ids[0]}"
ctl move "${ids[0]}" unit-reviewed >/dev/null || fail "move ${ids[0]} unit-reviewed"
ctl move "${ids[1]}" fostering >/dev/null || fail "move ${ids[1]} fostering"
ctl move "${ids[2]}" withdrawn --reason "the unit withdrew it" >/dev/null || fail "withdraw ${ids[2]}"
# Without its evidence the second collective is refused, in Vietnamese: the
# package's catalogue is found (this root has no build tree to fall back on).
rc=0
refusal=$(LANGUAGE=vi ctl move "${ids[1]}" unit-reviewed 2>&1) || rc=$? # asked in Vietnamese
[ "$rc" -eq 5 ] || fail "unit review without evidence gave exit status $rc: $refusal"
grep -qF "bị từ chối: chưa đạt tiêu chí" <<<"$refusal" ||
    fail "the criteria refusal is not in Vietnamese: $refusal"
# state and version of each nomination as acknowledged
declare -A want=(["${ids[0]}"]="unit-reviewed 3" ["${ids[1]}"]="fostering 2"
    ["${ids[2]}"]="withdrawn 2" ["${ids[3]}"]="registered 1")
acked_seq=$(ctl --json info | jq -r .last_seq)
[ "$acked_seq" = 8 ] || fail "last_seq is $acked_seq after 8 changes"
echo "   4 registered in campaign demo, evidence recorded, criteria met; a refusal in Vietnamese"

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
ctl --timeout 4000 register --unit 08 --kind collective --name "Phòng 8" --campaign demo \
    --subject 08:REAL-8 --request-id 777 >"$work/inflight.out" 2>&1 &
inflight=$!
restarted() {
    [ "$(prop NRestarts)" -ge 1 ] && [ "$(prop ActiveState)" = active ] &&
        [ "$(prop MainPID)" != "$pid_before" ] && [ "$(prop MainPID)" != 0 ]
}
until_ok 30 restarted || fail "exemplard was not restarted by its watchdog"
in_ct journalctl -u exemplard -o cat | grep "Watchdog timeout" >/dev/null ||
    fail "systemd did not log a watchdog timeout"
wait "$inflight" || fail "the request sent during the hang failed: $(cat "$work/inflight.out")"
inflight_id=$(cat "$work/inflight.out")
[ "$(ctl register --unit 08 --kind collective --name "Phòng 8" --campaign demo \
    --subject 08:REAL-8 --request-id 777)" = "$inflight_id" ] ||
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
# The workers the package started are clients too: stopped (step 7b starts
# them again), so that the first request through the socket is this test's.
in_ct systemctl stop exemplar-remind.service exemplar-summary.service exemplard.service
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
# The refused unit review of step 2 is audited in the journal.
audited=$(entries 'select(.MESSAGE | startswith("audit, move of nomination")) | .PRIORITY' |
    head -n 1)
[ "$audited" = '"5"' ] || fail "journal: no audit entry (PRIORITY 5) for the refused move"
fields=$(entries 'select(.NOMINATION_ID != null)' | wc -l)
echo "   fields read back; the refusal audited; $fields entries carry NOMINATION_ID"

# ---------------------------------------------------------------------------
step="7a. the Prometheus endpoint"
log "$step"
if [ -n "$no_net" ]; then
    echo "   skipped: $no_net"
else
# [stats] listen under the unit as shipped cannot make its socket
# (RestrictAddressFamilies=AF_UNIX): the daemon refuses to start with a
# sentence; with the loopback drop-in of exemplard(8) it serves /metrics.
in_ct systemctl disable --now exemplard.socket 2>/dev/null
in_ct sh -c 'printf "\n[stats]\nlisten = 127.0.0.1:9469\n" >>/etc/exemplard/exemplard.conf'
in_ct systemctl restart exemplard.service 2>/dev/null && fail "/metrics started inside the sandbox"
# (journald may take a moment to store the dead process's last line)
until_ok 10 sh -c "nsenter -t $leader -m -u -i -n -p -C -- journalctl -u exemplard -o cat |
    grep -q 'the sandbox must allow AF_INET'" ||
    fail "no sentence about the sandbox in the journal: $(in_ct journalctl -u exemplard -o cat | tail -n 3)"
in_ct sh -c 'cat >/etc/systemd/system/exemplard.service.d/stats.conf' <<'EOF'
[Service]
PrivateNetwork=no
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
IPAddressDeny=any
IPAddressAllow=localhost
EOF
in_ct systemctl daemon-reload
in_ct systemctl reset-failed exemplard.service
in_ct systemctl restart exemplard.service || fail "does not start with [stats] listen and the drop-in"
until_ok 10 sh -c "nsenter -t $leader -n curl -sf http://127.0.0.1:9469/metrics |
    grep -qx 'exemplar_last_change_seq 9'" || fail "no exemplar_last_change_seq 9 at /metrics"
echo "   [stats] listen: refused by the sandbox as shipped, served with the loopback drop-in"
fi

# ---------------------------------------------------------------------------
step="7. the CURVE endpoint"
log "$step"
if [ -n "$no_net" ]; then
    echo "   skipped: $no_net"
else
# What exemplard(8), SECURITY, shows for network clients: the daemon's key
# pair made in /etc/exemplard (the secret key the service user's), the
# clients' public keys in /etc/exemplard/keys, [auth] endpoint set, and the
# drop-in that opens the network.  Without AF_NETLINK the daemon must refuse
# with a sentence, not abort in ZeroMQ.  The clients are this build's
# exemplarctl run in the container's network namespace, with keys made here.
in_ct systemctl disable --now exemplard.socket 2>/dev/null
mkdir "$work/keys"
host_ctl="$build/clients/ctl/exemplarctl"
for who in admin.test reader.test stranger.test; do
    "$host_ctl" keygen "$who" --dir "$work/keys" >/dev/null || fail "keygen $who"
done
in_ct sh -c 'cd /etc/exemplard && exemplarctl keygen server >/dev/null &&
    chown exemplard:exemplard server.key' || fail "keygen server in /etc/exemplard"
in_ct cat /etc/exemplard/server.pub >"$work/keys/server.pub"
pub() { grep -v '^#' "$work/keys/$1.pub"; }
printf 'admin.test admin - %s\nreader.test reader - %s\n' "$(pub admin.test)" \
    "$(pub reader.test)" |
    in_ct sh -c 'umask 027 && cat >/etc/exemplard/keys && chgrp exemplard /etc/exemplard/keys'
in_ct sh -c 'printf "\n[auth]\nendpoint = tcp://127.0.0.1:7410\n" >>/etc/exemplard/exemplard.conf'
in_ct sh -c 'cat >/etc/systemd/system/exemplard.service.d/tcp.conf' <<'EOF'
[Service]
PrivateNetwork=no
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
IPAddressDeny=
IPAddressAllow=127.0.0.0/8
EOF
in_ct systemctl daemon-reload
in_ct systemctl restart exemplard.service 2>/dev/null && fail "started without AF_NETLINK"
# journald may store the failed start's line a little after systemctl returns
netlink_said() {
    in_ct journalctl -u exemplard -o cat | grep "needs AF_NETLINK sockets, which this process may not" >/dev/null
}
until_ok 10 netlink_said || fail "no sentence about AF_NETLINK in the journal"
in_ct sed -i 's/AF_INET6$/AF_INET6 AF_NETLINK/' /etc/systemd/system/exemplard.service.d/tcp.conf
in_ct systemctl daemon-reload
in_ct systemctl reset-failed exemplard.service
in_ct systemctl restart exemplard.service || fail "does not start with [auth] endpoint and the drop-in"
net_ctl() { # net_ctl KEYNAME ARGS...: exemplarctl over CURVE as KEYNAME
    local who=$1
    shift
    nsenter -t "$leader" -n "$host_ctl" --api tcp://127.0.0.1:7410 \
        --server-key "$work/keys/server.pub" --key "$work/keys/$who.key" "$@"
}
[ "$(net_ctl admin.test --json info | jq -r .last_seq)" = 9 ] ||
    fail "the admin key gets no answer on tcp://127.0.0.1:7410"
[ "$(net_ctl reader.test --json show "${ids[0]}" | jq -r .state)" = unit-reviewed ] ||
    fail "the reader key cannot read"
rc=0
out=$(net_ctl reader.test move "${ids[1]}" withdrawn --reason "not mine" 2>&1) || rc=$?
[ "$rc" -eq 6 ] || fail "a reader's move gave exit status $rc (want 6, permission): $out"
rc=0
out=$(net_ctl stranger.test --timeout 500 info 2>&1) || rc=$?
[ "$rc" -eq 7 ] || fail "a key not in the keys file gave exit status $rc (want 7, no answer): $out"
[ "$(ctl --json info | jq -r .last_seq)" = 9 ] || fail "the ipc:// api stopped answering"
echo "   [auth] endpoint: admin and reader keys served with their roles, an unknown key ignored"
fi

# ---------------------------------------------------------------------------
step="7b. the workers"
log "$step"
# Both workers start as shipped, reach the daemon's socket from their own
# sandboxes as the exemplard user, and ask for jobs (the daemon counts them).
in_ct systemctl start exemplar-remind.service exemplar-summary.service ||
    fail "the workers' services did not start"
workers() { [ "$(ctl --json stats | jq -r .workers)" -ge 2 ]; }
until_ok 20 workers || fail "the daemon saw $(ctl --json stats | jq -r .workers) workers, not 2:
$(in_ct systemctl --no-pager status exemplar-remind.service exemplar-summary.service 2>&1 | tail -n 20)"
for unit in exemplar-remind exemplar-summary; do
    [ "$(in_ct systemctl show -p ActiveState --value $unit.service)" = active ] ||
        fail "$unit.service is not active"
done
in_ct test -d /var/lib/exemplard/reports || fail "exemplar-summary's reports directory is missing"
echo "   exemplar-remind and exemplar-summary active and asking for jobs"
# A deadline seconds away, as an administrator would add one: a campaign
# file, [rules] campaign_dir and a short [workers] remind_before, then a
# restart.  The shipped exemplar-remind delivers every reminder from its
# sandbox: on the daemon's topic and to the journal, each once.
due=$(($(date +%s) + 12))
due_day=$(TZ=Asia/Ho_Chi_Minh date -d "@$due" +%F)
due_time=$(TZ=Asia/Ho_Chi_Minh date -d "@$due" +%H:%M:%S)
in_ct mkdir -p /etc/exemplard/campaigns
printf '%s\n' "id: soon" "title: Hạn gần" "periods:" "  - id: p1" \
    "    years: [2023, 2024, 2025]" "    windows:" "      registration: [$due_day, $due_day]" \
    "milestones:" "  - name: Hạn gửi kế hoạch (kiểm thử)" "    from: $due_day" "    to: $due_day" \
    "    deadline: plan" "    period: p1" "    due_time: \"$due_time\"" |
    in_ct sh -c 'cat >/etc/exemplard/campaigns/soon.yaml'
printf '\n[rules]\ncampaign_dir = /etc/exemplard/campaigns\n[workers]\nremind_before = 6s\nremind_after = 0\n' |
    in_ct sh -c 'cat >>/etc/exemplard/exemplard.conf'
in_ct systemctl restart exemplard.service || fail "exemplard did not restart with the campaign file"
reminded() {
    [ "$(ctl --json jobs --prefix remind/soon/ --limit 1000 |
        jq '[.jobs[] | select(.state == "done" and ([.deliveries[].channel] | sort) == ["journal", "topic"])] | length')" -ge 90 ]
}
until_ok 40 reminded || fail "the reminders of a deadline seconds away were not all delivered:
$(ctl jobs --prefix remind/soon/ | head -n 5)"
sent=$(in_ct journalctl -t exemplar-remind -o json |
    jq -s '[.[] | select((.JOB_ID // "") | startswith("remind/soon/"))] | length')
jobs=$(ctl --json jobs --prefix remind/soon/ --limit 1000 | jq '.jobs | length')
[ "$sent" = "$jobs" ] || fail "$jobs reminder jobs but $sent reminders in the journal"
echo "   a deadline 12 s away: $jobs units reminded, each once on the topic and in the journal"

# ---------------------------------------------------------------------------
step="8. power off"
log "$step"
ct_poweroff
[ -z "$no_net" ] || skip "steps 1-6, 7b and 8 passed; 7a and 7 could not run: $no_net"
echo "PASS"
