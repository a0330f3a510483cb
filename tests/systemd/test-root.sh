#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Prints the path of a minimal Debian 12 root for booting with systemd-nspawn,
# building it first with debootstrap when it is not cached yet.
#
# The root is cached outside any build tree, in
# ${EXEMPLAR_TEST_ROOT_CACHE:-/var/cache/exemplar-test-root}/bookworm-KEY, KEY
# being a hash of the suite, mirror, variant and package list, so a change to
# the list builds a new root and never reuses a stale one.  Building takes
# about 40 s and 250 MB; later runs only print the path.  Tests boot it with
# --volatile=overlay, so the cached tree is never written to.
#
# The mirror is the first bookworm URI of the machine's apt sources unless
# EXEMPLAR_TEST_MIRROR is set.  Exit status: 0 with the path on stdout, 1 when
# the root cannot be built (the reason on stderr).
set -euo pipefail

SUITE=bookworm
VARIANT=minbase
# systemd and dbus to boot; the rest are the run-time libraries of the .deb
# (its Depends), so that dpkg -i works without network inside the container.
PACKAGES=systemd,dbus,libzmq5,liblmdb0,libprotobuf-c1,libsystemd0,libinih1,libjson-c5,libutf8proc2,libcsv3,libyaml-0-2,libxlsxwriter4,libsodium23,libmicrohttpd12,libmagic1
CACHE=${EXEMPLAR_TEST_ROOT_CACHE:-/var/cache/exemplar-test-root}

say() { echo "test-root: $*" >&2; }

# The first http(s) URI of a source that serves $SUITE (deb822 or one-line).
find_mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        awk -v suite="$SUITE" '
            /^[ \t]*$/ { if (uri && ok) { print uri; exit } uri = ""; ok = 0; next }
            tolower($1) == "uris:" { uri = $2 }
            tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
            END { if (uri && ok) print uri }' "$f" | head -n 1
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        awk -v suite="$SUITE" '$1 == "deb" && $0 !~ /\[/ && $3 == suite { print $2; exit }' "$f"
    done
}

mirror=${EXEMPLAR_TEST_MIRROR:-$(find_mirror | grep -E '^https?://' | head -n 1 || true)}
if [ -z "$mirror" ]; then
    say "no $SUITE mirror in the apt sources; set EXEMPLAR_TEST_MIRROR"
    exit 1
fi
key=$(printf '%s\n' "$SUITE" "$VARIANT" "$mirror" "$PACKAGES" | sha256sum | cut -c1-16)
root="$CACHE/$SUITE-$key"

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9 # one build at a time; the others wait and then reuse it
if [ ! -x "$root/usr/lib/systemd/systemd" ]; then
    command -v debootstrap >/dev/null || { say "debootstrap is not installed"; exit 1; }
    tmp="$root.tmp"
    rm -rf "$tmp"
    say "building $root from $mirror (once, about 40 s)"
    if ! debootstrap --variant="$VARIANT" --include="$PACKAGES" "$SUITE" "$tmp" "$mirror" \
        >"$CACHE/debootstrap.log" 2>&1; then
        say "debootstrap failed; the end of $CACHE/debootstrap.log:"
        tail -n 20 "$CACHE/debootstrap.log" >&2
        rm -rf "$tmp"
        exit 1
    fi
    # Trim what a test never needs, and give the container a machine id
    # source that systemd accepts on every boot.
    rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*
    : >"$tmp/etc/machine-id"
    mv "$tmp" "$root"
fi
echo "$root"
