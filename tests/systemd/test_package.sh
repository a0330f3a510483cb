#!/bin/bash
# SPDX-License-Identifier: MIT
#
# test_package.sh BUILD_DIR
#
# What `cpack` and `cmake --install` deliver:
#   - the .deb: Depends names every run-time library (from dpkg-shlibdeps),
#     /etc/exemplard/exemplard.conf is a conffile, the files are all there and
#     nothing else (no build paths), the unit names /usr/sbin/exemplard, the
#     maintainer scripts are valid sh and executable, and the packaged daemon
#     finds its Vietnamese catalogue and built-in campaigns where the package
#     puts them (run from the unpacked tree, no configuration);
#   - Debian's parts: the Maintainer is a real address, the copyright file is
#     DEP-5 with the repository's MIT licence, changelog.Debian.gz names the
#     package's version, the binaries are stripped and the -dbgsym package
#     holds their debug information under their build ids;
#   - `cmake --install` with another prefix: the installed unit names the
#     installed binary, and an administrator's exemplard.conf is kept.
# Exits 77 (skipped) without cpack or dpkg-deb.
set -euo pipefail
build=$(cd "$1" && pwd)

for tool in cpack dpkg-deb; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
done
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d /tmp/expkg.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

echo "== cpack"
cpack -G DEB -B "$tmp/pkg" --config "$build/CPackConfig.cmake" >"$tmp/cpack.log" 2>&1 ||
    fail "cpack failed: $(tail -n 5 "$tmp/cpack.log")"
deb=$(echo "$tmp"/pkg/exemplar_*.deb)
[ -f "$deb" ] || fail "no exemplar_*.deb in $(ls "$tmp/pkg")"
ddeb=$(echo "$tmp"/pkg/exemplar-dbgsym_*.ddeb)
[ -f "$ddeb" ] || fail "no exemplar-dbgsym_*.ddeb in $(ls "$tmp/pkg")"
echo "   $(basename "$deb") $(basename "$ddeb")"

echo "== control"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libzmq5 liblmdb0 libprotobuf-c1 libsystemd0 libinih1 libjson-c5 libutf8proc2 libcsv3 \
    libyaml-0-2 libc6; do
    grep -Eq "(^|, )$lib( |,|$)" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
echo "   Depends: $depends"
dpkg-deb -e "$deb" "$tmp/control"
[ "$(cat "$tmp/control/conffiles")" = /etc/exemplard/exemplard.conf ] ||
    fail "conffiles: $(cat "$tmp/control/conffiles")"
for script in postinst prerm postrm; do
    [ -x "$tmp/control/$script" ] || fail "$script is missing or not executable"
    sh -n "$tmp/control/$script" || fail "$script is not valid sh"
done

echo "== contents"
expected="./etc/exemplard/exemplard.conf
./usr/bin/exemplar-remind
./usr/bin/exemplar-summary
./usr/bin/exemplarctl
./usr/lib/systemd/system/exemplar-remind.service
./usr/lib/systemd/system/exemplar-summary.service
./usr/lib/systemd/system/exemplar-web.service
./usr/lib/systemd/system/exemplard.service
./usr/lib/systemd/system/exemplard.socket
./usr/lib/sysusers.d/exemplard.conf
./usr/lib/tmpfiles.d/exemplard.conf
./usr/sbin/exemplar-web
./usr/sbin/exemplard
./usr/share/bash-completion/completions/exemplarctl
./usr/share/doc/exemplar/changelog.Debian.gz
./usr/share/doc/exemplar/copyright
./usr/share/exemplar/campaigns/2021-2025.yaml
./usr/share/exemplar/campaigns/demo.yaml
./usr/share/exemplar/holidays-vn.yaml
./usr/share/exemplar/rulesets.yaml
./usr/share/exemplar/units/addressees.csv
./usr/share/exemplar/units/ministry-units-2021.csv
./usr/share/exemplar/units/ministry-units-2022-11-01.csv
./usr/share/exemplar/units/ministry-units-2025-03-01.csv
./usr/share/exemplar/units/provinces-2021.csv
./usr/share/exemplar/units/provinces-2025-01-01.csv
./usr/share/exemplar/units/provinces-2025-07-01.csv
./usr/share/lintian/overrides/exemplar
./usr/share/locale/vi/LC_MESSAGES/exemplar.mo
./usr/share/man/man1/exemplarctl.1.gz
./usr/share/man/man5/exemplard.conf.5.gz
./usr/share/man/man8/exemplar-remind.8.gz
./usr/share/man/man8/exemplar-summary.8.gz
./usr/share/man/man8/exemplar-web.8.gz
./usr/share/man/man8/exemplard.8.gz
./usr/share/zsh/vendor-completions/_exemplarctl"
files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort)
[ "$files" = "$expected" ] || fail "the package's files differ:
$(diff <(echo "$expected") <(echo "$files"))"
mkdir "$tmp/root"
dpkg-deb -x "$deb" "$tmp/root"
grep -q '^ExecStart=/usr/sbin/exemplard$' "$tmp/root/usr/lib/systemd/system/exemplard.service" ||
    fail "the packaged unit does not name /usr/sbin/exemplard"
# (grep reads the whole page: with -q it would stop early and, under
# pipefail, zcat's SIGPIPE would fail the check)
zcat "$tmp/root/usr/share/man/man1/exemplarctl.1.gz" | grep '^\.SH COMMANDS' >/dev/null ||
    fail "exemplarctl.1 has no COMMANDS section"
echo "   $(wc -l <<<"$files") files, as listed"

echo "== Debian's parts"
maintainer=$(dpkg-deb -f "$deb" Maintainer)
if ! grep -Eq '^[^<]+ <[^@>]+@[^>]+\.[a-z]+>$' <<<"$maintainer" || grep -q localhost <<<"$maintainer"; then
    fail "Maintainer is not a real address: $maintainer"
fi
version=$(dpkg-deb -f "$deb" Version)
doc="$tmp/root/usr/share/doc/exemplar"
head -n 1 "$doc/copyright" |
    grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
    fail "copyright is not in the machine-readable format: $(head -n 1 "$doc/copyright")"
grep -qx 'License: MIT' "$doc/copyright" || fail "copyright names no MIT licence"
grep -qF "Permission is hereby granted, free of charge" "$doc/copyright" ||
    fail "copyright lacks the licence text"
first=$(zcat "$doc/changelog.Debian.gz" | head -n 1)
[[ $first == "exemplar ($version) "* ]] || fail "changelog.Debian.gz starts '$first', not version $version"
build_ids=" $(dpkg-deb -f "$ddeb" Build-Ids) "
[ "$(dpkg-deb -f "$ddeb" Depends)" = "exemplar (= $version)" ] ||
    fail "the -dbgsym package depends on '$(dpkg-deb -f "$ddeb" Depends)'"
mkdir "$tmp/dbgsym"
dpkg-deb -x "$ddeb" "$tmp/dbgsym"
# (whole outputs captured before grep -q, which would stop reading early and
# fail the pipeline with SIGPIPE under pipefail)
build_sections=$(readelf -SW "$build/daemon/exemplard" 2>/dev/null)
for bin in usr/sbin/exemplard usr/bin/exemplarctl usr/bin/exemplar-remind usr/bin/exemplar-summary; do
    kind=$(file -b "$tmp/root/$bin")
    grep -q ', stripped' <<<"$kind" || fail "$bin is not stripped: $kind"
    id=$(readelf -n "$tmp/root/$bin" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p')
    [[ $build_ids == *" $id "* ]] || fail "the -dbgsym package's Build-Ids lack $bin's $id"
    debug="$tmp/dbgsym/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
    [ -f "$debug" ] || fail "no debug file for $bin (build id $id)"
    sections=$(readelf -SW "$debug" 2>/dev/null)
    grep -q '\.symtab' <<<"$sections" || fail "$debug holds no symbol table"
    # (a Release build has symbols but no DWARF to keep)
    if grep -q '\.debug_info' <<<"$build_sections"; then
        grep -q '\.debug_info' <<<"$sections" || fail "$debug holds no .debug_info"
    fi
done
(cd "$tmp/dbgsym" && dpkg-deb -I "$ddeb" md5sums | md5sum --quiet -c -) ||
    fail "the -dbgsym package's md5sums do not match its files"
echo "   Maintainer: $maintainer; DEP-5 copyright; changelog $version; stripped, debug info by build id"

echo "== the packaged daemon, run from the unpacked tree"
# No configuration: the built-in campaigns (demo registers today) and the
# Vietnamese catalogue the package installs beside the binary (the build's
# configure prefix is another one), so an unknown unit is refused in
# Vietnamese.  The unpacked exemplarctl talks to it.  (Here the build tree's
# catalogue would also do; systemd.real checks the same in a root without it.)
d="$tmp/run"
mkdir "$d"
"$tmp/root/usr/sbin/exemplard" --state-dir "$d/state" 2>"$d/stderr.log" &
daemon=$!
trap 'kill -KILL $daemon 2>/dev/null || true; rm -rf "$tmp"' EXIT
pctl() { "$tmp/root/usr/bin/exemplarctl" --api "ipc://$d/state/api.sock" "$@"; }
pctl ping --wait 10 >/dev/null || fail "the packaged daemon does not answer: $(cat "$d/stderr.log")"
pctl register --unit 01 --kind collective --campaign demo --subject 01:PKG --name "Phòng A" \
    >/dev/null || fail "register in the demo campaign was refused"
rc=0
# asked in Vietnamese (exemplarctl asks in its person's language)
msg=$(LANGUAGE=vi pctl register --unit 99 --kind collective --campaign demo --subject 99:PKG \
    --name "Phòng B" 2>&1) || rc=$?
[ "$rc" -eq 3 ] || fail "an unknown unit gave exit status $rc: $msg"
grep -qF "không có đơn vị nào mang mã 99" <<<"$msg" ||
    fail "the refusal is not in Vietnamese (catalogue not found?): $msg"
kill -TERM "$daemon"
wait "$daemon" || fail "the packaged daemon did not stop cleanly: $(cat "$d/stderr.log")"
echo "   demo campaign registers; refusals in Vietnamese from the packaged catalogue"

echo "== cmake --install --prefix /opt/exemplar"
DESTDIR="$tmp/inst" cmake --install "$build" --prefix /opt/exemplar >"$tmp/install.log" 2>&1 ||
    fail "cmake --install failed: $(tail -n 5 "$tmp/install.log")"
unit="$tmp/inst/opt/exemplar/lib/systemd/system/exemplard.service"
grep -q '^ExecStart=/opt/exemplar/sbin/exemplard$' "$unit" || fail "$unit: $(grep ExecStart "$unit")"
[ -x "$tmp/inst/opt/exemplar/sbin/exemplard" ] || fail "no /opt/exemplar/sbin/exemplard"
conf="$tmp/inst/etc/exemplard/exemplard.conf"
[ -f "$conf" ] || fail "no /etc/exemplard/exemplard.conf"
echo "log_level = debug # an administrator's edit" >>"$conf"
DESTDIR="$tmp/inst" cmake --install "$build" --prefix /opt/exemplar >"$tmp/install.log" 2>&1
grep -q "an administrator's edit" "$conf" || fail "a second install overwrote exemplard.conf"
echo "   unit names /opt/exemplar/sbin/exemplard; exemplard.conf kept on reinstall"
echo "PASS"
