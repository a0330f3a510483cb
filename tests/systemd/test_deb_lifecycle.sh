#!/bin/bash
# SPDX-License-Identifier: MIT
#
# test_deb_lifecycle.sh BUILD_DIR
#
# The .deb's whole life under a real systemd, as an administrator lives it:
# two packages built from BUILD_DIR with cpack, the release version (the
# changelog's) and a later one (cpack -D CPACK_DEBIAN_PACKAGE_VERSION=...+1),
# each with its -dbgsym package, installed with dpkg in the Debian 12 root of
# test-root.sh booted with --volatile=overlay (nspawn.sh; the cached root is
# never written to):
#   1. install: exemplard and both workers enabled and active, the socket
#      not enabled, the exemplard user there, `dpkg --verify` clean for both
#      packages; two nominations registered;
#   2. upgrade: the administrator has edited exemplard.conf and disabled
#      exemplar-summary; after `dpkg -i` of the later version the daemon and
#      exemplar-remind run again (restarted: new PIDs), the nominations and
#      the edit are kept, and exemplar-summary stays disabled and stopped;
#   3. a start that fails: with a broken exemplard.conf, configuring the
#      package again still succeeds, and says on stderr which unit did not
#      start, the daemon's own sentence from the journal and
#      `journalctl -u exemplard`;
#   4. remove (`dpkg -r`, what `apt remove` runs) with every unit running,
#      the socket included: no exemplar process is left, every unit is
#      inactive and masked, the state, the user and exemplard.conf remain;
#   5. install again: unmasked, enabled and started as they were (the
#      disabled worker stays disabled), with the nominations;
#   6. purge (`dpkg --purge` of the installed package): no process left, and
#      /var/lib/exemplard, /etc/exemplard, the exemplard user and group, the
#      masks and the enablement links are gone;
#   7. the container powers off cleanly.
#
# Needs root, systemd-nspawn, debootstrap, nsenter, jq and cpack; exits 77
# (skipped, with the reason) where they are missing or with
# EXEMPLAR_TEST_NO_NSPAWN set.  Logs stay in /tmp/exdeb.* when it fails.
set -euo pipefail

build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/exdeb.XXXXXX)
# shellcheck source=tests/systemd/nspawn.sh
. "$here/nspawn.sh"
ct_require jq cpack dpkg-deb

ctl() { in_ct exemplarctl --timeout 5000 "$@"; }
UNITS="exemplard.service exemplar-remind.service exemplar-summary.service"
ALL_UNITS="$UNITS exemplard.socket"
active() { in_ct systemctl --quiet is-active "$1"; }
enabled() { in_ct systemctl is-enabled "$1" 2>/dev/null || true; }
main_pid() { in_ct systemctl show -p MainPID --value "$1"; }
# "PID NAME" of each exemplar process in the container (the root has no
# procps: its /proc is read directly)
processes() {
    # shellcheck disable=SC2016 # expanded by the container's sh
    in_ct sh -c 'for f in /proc/[0-9]*/comm; do
        read -r name <"$f" 2>/dev/null || continue
        case $name in exemplar*) pid=${f#/proc/}; echo "${pid%/comm} $name" ;; esac
    done' || fail "cannot list the container's processes"
}
# "VERSION STATUS" of the exemplar package as dpkg knows it (empty: unknown)
# shellcheck disable=SC2016 # dpkg-query's own ${...} fields
package() { in_ct dpkg-query -W -f '${Version} ${Status}' exemplar 2>/dev/null || true; }

# ---------------------------------------------------------------------------
step="the packages"
root=$("$here/test-root.sh") || fail "cannot build the Debian 12 root (see above)"
log "building two versions with cpack"
cpack -G DEB -B "$work/v1" --config "$build/CPackConfig.cmake" >"$work/cpack-v1.log" 2>&1 ||
    fail "cpack failed: $(tail -n 5 "$work/cpack-v1.log")"
v1=$(dpkg-deb -f "$work"/v1/exemplar_*.deb Version)
v2="$v1+1"
cpack -G DEB -B "$work/v2" --config "$build/CPackConfig.cmake" -D CPACK_DEBIAN_PACKAGE_VERSION="$v2" \
    >"$work/cpack-v2.log" 2>&1 || fail "cpack of $v2 failed: $(tail -n 5 "$work/cpack-v2.log")"
[ "$(dpkg-deb -f "$work"/v2/exemplar_*.deb Version)" = "$v2" ] || fail "the second package is not $v2"
dpkg-deb -x "$work"/v2/exemplar_*.deb "$work/v2/root"
entry=$(zcat "$work/v2/root/usr/share/doc/exemplar/changelog.Debian.gz")
[[ $entry == "exemplar ($v2) UNRELEASED;"* ]] ||
    fail "the changelog of $v2 does not start with its entry: ${entry%%$'\n'*}"
mkdir "$work/share"
cp "$work"/v1/exemplar_*.deb "$work/share/v1.deb"
cp "$work"/v1/exemplar-dbgsym_*.ddeb "$work/share/v1-dbgsym.deb"
cp "$work"/v2/exemplar_*.deb "$work/share/v2.deb"
cp "$work"/v2/exemplar-dbgsym_*.ddeb "$work/share/v2-dbgsym.deb"
echo "   $v1 and $v2"

step="booting"
ct_boot "$root" "$work/share"

# ---------------------------------------------------------------------------
step="1. install $v1"
log "$step"
in_ct dpkg -i /srv/exemplar/v1.deb /srv/exemplar/v1-dbgsym.deb >"$work/dpkg-install.log" 2>&1 ||
    fail "dpkg -i failed: $(tail -n 5 "$work/dpkg-install.log")"
for unit in $UNITS; do
    [ "$(enabled "$unit")" = enabled ] || fail "$unit is '$(enabled "$unit")', not enabled"
    active "$unit" || fail "$unit is not active after installation"
done
[ "$(enabled exemplard.socket)" = disabled ] ||
    fail "exemplard.socket is '$(enabled exemplard.socket)': the package must not enable it"
in_ct getent passwd exemplard >/dev/null || fail "no exemplard user"
verify=$(in_ct dpkg --verify exemplar exemplar-dbgsym 2>&1) || true
[ -z "$verify" ] || fail "dpkg --verify: $verify"
ids=()
for i in 1 4; do  # units valid before and after the 2025 merger
    id=$(ctl register --unit 0$i --kind collective --campaign demo --subject "0$i:LIFE-$i" \
        --name "Phòng $i") || fail "register $i"
    ids+=("$id")
done
ctl move "${ids[0]}" fostering >/dev/null || fail "move ${ids[0]} fostering"
seq=$(ctl --json info | jq -r .last_seq)
[ "$seq" = 3 ] || fail "last_seq is $seq after 3 changes"
echo "   3 units enabled and active, the socket not enabled; 3 changes recorded"

# ---------------------------------------------------------------------------
step="2. upgrade to $v2"
log "$step"
in_ct sh -c 'echo "# an administrator was here" >>/etc/exemplard/exemplard.conf'
in_ct systemctl disable --now exemplar-summary.service 2>/dev/null
declare -A pid_before
for unit in exemplard.service exemplar-remind.service; do
    pid_before[$unit]=$(main_pid $unit)
done
in_ct dpkg -i /srv/exemplar/v2.deb /srv/exemplar/v2-dbgsym.deb >"$work/dpkg-upgrade.log" 2>&1 ||
    fail "dpkg -i of $v2 failed: $(tail -n 5 "$work/dpkg-upgrade.log")"
[ "$(package)" = "$v2 install ok installed" ] || fail "after the upgrade: $(package)"
for unit in exemplard.service exemplar-remind.service; do
    active $unit || fail "$unit is not active after the upgrade"
    [ "$(main_pid $unit)" != "${pid_before[$unit]}" ] || fail "$unit was not restarted by the upgrade"
done
[ "$(enabled exemplar-summary.service)" = disabled ] ||
    fail "the upgrade undid 'systemctl disable exemplar-summary': it is $(enabled exemplar-summary.service)"
active exemplar-summary.service && fail "the upgrade started the disabled exemplar-summary"
in_ct grep -q "an administrator was here" /etc/exemplard/exemplard.conf ||
    fail "the upgrade replaced the administrator's exemplard.conf"
[ "$(ctl --json info | jq -r .last_seq)" = 3 ] || fail "the changes did not survive the upgrade"
[ "$(ctl --json show "${ids[0]}" | jq -r .state)" = fostering ] || fail "${ids[0]} lost its state"
verify=$(in_ct dpkg --verify exemplar exemplar-dbgsym 2>&1) || true
# (exemplard.conf is a modified conffile, which --verify lists)
verify=$(grep -v ' c /etc/exemplard/exemplard.conf$' <<<"$verify" || true)
[ -z "$verify" ] || fail "dpkg --verify after the upgrade: $verify"
echo "   restarted with 3 changes kept; the edited conffile and the disabled worker left alone"

# ---------------------------------------------------------------------------
step="3. a start that fails"
log "$step"
in_ct cp /etc/exemplard/exemplard.conf /root/exemplard.conf.good
in_ct sh -c 'printf "\n[daemon]\nlog_level = loud\n" >>/etc/exemplard/exemplard.conf'
rc=0
in_ct dpkg -i /srv/exemplar/v2.deb >"$work/dpkg-failed.log" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "dpkg failed ($rc) because the service did not start: $(tail -n 5 "$work/dpkg-failed.log")"
[ "$(package)" = "$v2 install ok installed" ] || fail "the package is left '$(package)'"
for want in "exemplard.service did not start" "log_level must be one of" "journalctl -u exemplard"; do
    grep -qF "$want" "$work/dpkg-failed.log" || fail "dpkg's output does not say '$want':
$(cat "$work/dpkg-failed.log")"
done
active exemplard.service && fail "exemplard runs with a broken configuration"
in_ct cp /root/exemplard.conf.good /etc/exemplard/exemplard.conf
in_ct systemctl reset-failed exemplard.service
in_ct systemctl start exemplard.service exemplar-summary.service || fail "no start after the fix"
echo "   dpkg succeeded and said:"
sed -n '/did not start/,/systemctl start/p' "$work/dpkg-failed.log" | sed 's/^/     /'

# ---------------------------------------------------------------------------
step="4. remove"
log "$step"
# Socket activation as exemplard(8) sets it up: the socket takes the path
# while the daemon is stopped, and the daemon started then uses it.
in_ct systemctl stop exemplard.service
in_ct systemctl enable --now exemplard.socket 2>/dev/null || fail "exemplard.socket does not start"
in_ct systemctl start exemplard.service || fail "exemplard does not start with its socket"
for unit in $ALL_UNITS; do
    active "$unit" || fail "$unit is not active before the removal"
done
[ "$(processes | wc -l)" -eq 3 ] || fail "not 3 exemplar processes before the removal: $(processes)"
in_ct dpkg -r exemplar-dbgsym exemplar >"$work/dpkg-remove.log" 2>&1 ||
    fail "dpkg -r failed: $(tail -n 5 "$work/dpkg-remove.log")"
[ -z "$(processes)" ] || fail "exemplar processes run after the removal: $(processes)"
for unit in $ALL_UNITS; do
    active "$unit" && fail "$unit is still active after the removal"
    [ "$(enabled "$unit")" = masked ] || fail "$unit is '$(enabled "$unit")' after the removal, not masked"
done
[ "$(package)" = "$v2 deinstall ok config-files" ] || fail "after the removal: $(package)"
in_ct test -s /var/lib/exemplard/data.mdb || fail "the removal deleted the state"
in_ct getent passwd exemplard >/dev/null || fail "the removal deleted the exemplard user"
in_ct test -f /etc/exemplard/exemplard.conf || fail "the removal deleted exemplard.conf"
echo "   no exemplar process, 4 units stopped and masked; state, user and exemplard.conf kept"

# ---------------------------------------------------------------------------
step="5. install again"
log "$step"
# As they were before the removal: exemplar-summary was disabled (step 2)
# and only started by hand, so it stays disabled and is not started.
in_ct dpkg -i /srv/exemplar/v2.deb >"$work/dpkg-reinstall.log" 2>&1 ||
    fail "dpkg -i after the removal failed: $(tail -n 5 "$work/dpkg-reinstall.log")"
for unit in exemplard.service exemplar-remind.service; do
    [ "$(enabled $unit)" = enabled ] || fail "$unit is '$(enabled $unit)' after installing again"
    active $unit || fail "$unit is not active after installing again"
done
[ "$(enabled exemplar-summary.service)" = disabled ] ||
    fail "exemplar-summary is '$(enabled exemplar-summary.service)' after installing again, not disabled"
[ "$(ctl --json info | jq -r .last_seq)" = 3 ] || fail "the changes did not survive remove and install"
echo "   unmasked, enabled and started as before; 3 changes kept"

# ---------------------------------------------------------------------------
step="6. purge"
log "$step"
in_ct dpkg --purge exemplar >"$work/dpkg-purge.log" 2>&1 ||
    fail "dpkg --purge failed: $(tail -n 5 "$work/dpkg-purge.log")"
[ -z "$(processes)" ] || fail "exemplar processes run after the purge: $(processes)"
case $(package) in
"" | *" not-installed") ;;
*) fail "after the purge: $(package)" ;;
esac
for path in /var/lib/exemplard /etc/exemplard /run/exemplard; do
    in_ct test -e $path && fail "$path remains after the purge"
done
in_ct getent passwd exemplard >/dev/null && fail "the exemplard user remains after the purge"
in_ct getent group exemplard >/dev/null && fail "the exemplard group remains after the purge"
left=$(in_ct find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
    /var/lib/systemd/deb-systemd-helper-masked -name 'exemplar*' 2>/dev/null || true)
[ -z "$left" ] || fail "links or state of the units remain after the purge: $left"
echo "   state, configuration, user, group, masks and links gone"

# ---------------------------------------------------------------------------
step="7. power off"
log "$step"
ct_poweroff
echo "PASS"
