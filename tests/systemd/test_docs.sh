#!/bin/bash
# SPDX-License-Identifier: MIT
#
# test_docs.sh SYSTEMD_SRC_DIR SYSTEMD_BUILD_DIR EXEMPLARD EXEMPLARCTL EXEMPLAR_REMIND EXEMPLAR_SUMMARY
#
# The hand-written documents of systemd/ against the programs, so that they
# cannot drift apart silently:
#   - exemplard(8) names every option of `exemplard --help`, and the workers'
#     manuals every option of their --help;
#   - exemplard.conf(5) and the shipped exemplard.conf name every key of
#     `exemplard --check-config`, and the shipped file, uncommented, is
#     exactly the defaults under systemd;
#   - the bash completion offers exactly the commands and global options of
#     `exemplarctl --help`, and for each command the options of
#     `exemplarctl help COMMAND`;
#   - the three manual pages render without warnings (when man is installed).
set -euo pipefail
src=$1 build=$2 exemplard=$3 exemplarctl=$4 remind=$5 summary=$6
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d /tmp/exdocs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

echo "== exemplard(8) and exemplard --help"
for opt in $("$exemplard" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
    grep -qF -- "${opt//-/\\-}" "$src/man/exemplard.8" || fail "exemplard.8 does not describe $opt"
done

echo "== exemplar-remind(8), exemplar-summary(8) and their --help"
for worker in "$remind" "$summary"; do
    page="$src/man/$(basename "$worker").8"
    for opt in $("$worker" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
        grep -qF -- "${opt//-/\\-}" "$page" || fail "$(basename "$page") does not describe $opt"
    done
done

echo "== exemplard.conf(5), exemplard.conf and exemplard --check-config"
# The defaults under systemd: its three directories.  --config /dev/null, so
# that a /etc/exemplard/exemplard.conf on this machine is not read.
export STATE_DIRECTORY=/var/lib/exemplard RUNTIME_DIRECTORY=/run/exemplard \
    CONFIGURATION_DIRECTORY=/etc/exemplard
defaults=$("$exemplard" --config /dev/null --check-config)
keys=$(sed -n 's/^\([a-z_]*\) = .*/\1/p' <<<"$defaults" | sort -u)
[ -n "$keys" ] || fail "exemplard --check-config printed no keys"
for key in $keys; do
    grep -q "^\.BI ${key}= " "$src/man/exemplard.conf.5" || fail "exemplard.conf.5 lacks $key"
    grep -q "^#${key} = " "$src/exemplard.conf" || fail "exemplard.conf lacks #$key"
done
for section in $(sed -n 's/^\[\([a-z]*\)\]$/\1/p' <<<"$defaults" | sort -u); do
    grep -qx "\.SH \[$section\]" "$src/man/exemplard.conf.5" ||
        fail "exemplard.conf.5 has no section [$section]"
    grep -qx "\[$section\]" "$src/exemplard.conf" || fail "exemplard.conf has no [$section]"
done
# [publisher.NAME] sections have no defaults to print: their keys by hand.
grep -qx '\.SH \[publisher\.NAME\]' "$src/man/exemplard.conf.5" ||
    fail "exemplard.conf.5 has no section [publisher.NAME]"
for key in endpoint topic; do
    sed -n '/^\.SH \[publisher\.NAME\]/,/^\.SH /p' "$src/man/exemplard.conf.5" |
        grep -q "^\.BI ${key}= " || fail "exemplard.conf.5 [publisher.NAME] lacks $key"
done
grep -q '^#   \[publisher\.' "$src/exemplard.conf" || fail "exemplard.conf shows no [publisher.NAME]"
# The example is valid: exemplard.conf(5)'s EXAMPLE is accepted as written.
sed -n '/^\.SH EXAMPLE/,/^\.SH /p' "$src/man/exemplard.conf.5" | sed -n '/^\.nf/,/^\.fi/p' |
    sed '1d;$d; s/\\-/-/g' >"$tmp/example.conf"
"$exemplard" --config "$tmp/example.conf" --check-config >/dev/null ||
    fail "exemplard.conf(5)'s EXAMPLE is refused"
sed 's/^#\([a-z_]* = \)/\1/' "$src/exemplard.conf" >"$tmp/all.conf"
diff <(echo "$defaults") <("$exemplard" --config "$tmp/all.conf" --check-config) ||
    fail "exemplard.conf's commented values are not the defaults under systemd (above)"
unset STATE_DIRECTORY RUNTIME_DIRECTORY CONFIGURATION_DIRECTORY

echo "== exemplard(8), SECURITY: the network api is [auth] endpoint"
security=$(sed -n '/^\.SH SECURITY/,/^\.SH /p' "$src/man/exemplard.8")
for text in '[auth] endpoint' 'exemplarctl keygen server' 'chown exemplard:exemplard server.key' \
    'AF_NETLINK' 'PrivateNetwork=no' '\-\-server\-key'; do
    grep -qF -- "$text" <<<"$security" || fail "exemplard.8 SECURITY does not show $text"
done
! grep -q '^endpoint = tcp://' <<<"$(sed -n '/^\[api\]/,/^\[/p' <<<"$security")" ||
    fail "exemplard.8 SECURITY still sets a tcp:// [api] endpoint"

echo "== bash completion and exemplarctl --help"
complete_words() { # complete_words WORD... : what the completion offers for the last word
    bash -c 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
             _exemplarctl; printf "%s\n" "${COMPREPLY[@]}"' \
        "$src/exemplarctl.bash-completion" exemplarctl "$@" | sort
}
help=$("$exemplarctl" --help)
section() { awk -v s="$1" '/^[A-Z][A-Z ]*$/ { on = ($0 == s); next } on' <<<"$help"; }
commands=$(section COMMANDS | sed -n 's/^    \([a-z][a-z-]*\).*/\1/p' | sort)
[ -n "$commands" ] || fail "no COMMANDS in exemplarctl --help"
[ "$(complete_words "")" = "$commands" ] || fail "completed commands differ:
$(diff <(echo "$commands") <(complete_words ""))"
globals=$(section "GLOBAL OPTIONS" | grep -oE -- '^    (-h, )?--[a-z-]+' | grep -oE -- '--[a-z-]+' |
    sort)
[ "$(complete_words -)" = "$globals" ] || fail "completed global options differ:
$(diff <(echo "$globals") <(complete_words -))"
for cmd in $commands; do
    want=$( (echo "$globals"
        "$exemplarctl" help "$cmd" | awk '/^Options:/ { on = 1; next } /^$/ { on = 0 } on' |
            { grep -oE -- '^    --[a-z-]+' || true; } | tr -d ' ') | sort -u)
    got=$(complete_words "$cmd" -)
    [ "$got" = "$want" ] || fail "completed options of '$cmd' differ:
$(diff <(echo "$want") <(echo "$got"))"
done
echo "   $(wc -w <<<"$commands") commands, their options and the global ones"

if command -v man >/dev/null; then
    echo "== manual pages render cleanly"
    for page in exemplard.8 exemplard.conf.5 exemplarctl.1; do
        warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$build/man/$page" 2>&1 \
            >/dev/null)
        [ -z "$warnings" ] || fail "$page: $warnings"
    done
fi
echo "PASS"
