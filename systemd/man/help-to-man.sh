#!/bin/sh
# SPDX-License-Identifier: MIT
#
# help-to-man.sh NAME SECTION VERSION SEE_ALSO < HELP > PAGE
#
# Turns a manual printed by a program's --help into a man(7) page, so that
# exemplarctl(1) is built from exemplarctl's own command table and cannot
# drift from it.  The help text has the shape of a manual page already: a
# line at column 0 is a section title (NAME, SYNOPSIS, ...), the body is
# indented by four columns.  The body is kept as printed (no-fill), except
# NAME, which man-db's whatis index needs as one filled "name \- summary" line.
set -eu
name=$1 section=$2 version=$3 see_also=$4
upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')

printf '.\\" SPDX-License-Identifier: MIT\n'
printf '.\\" Generated from `%s --help` by systemd/man/help-to-man.sh; do not edit.\n' "$name"
printf '.TH %s %s "" "Exemplar %s" "Exemplar"\n' "$upper" "$section" "$version"
# ENVIRON, not awk -v: -v would read "\fB" as an escape sequence.
SEE_ALSO=$see_also awk '
    # roff: backslashes, minus signs (so options copy and paste as typed) and
    # control characters at the start of a line.
    function roff(s) {
        gsub(/\\/, "\\e", s)
        gsub(/-/, "\\-", s)
        if (s ~ /^[.'"'"']/) s = "\\&" s
        return s
    }
    /^[A-Z][A-Z ]*$/ {
        if (in_body) { print ".fi"; print ".in" }
        print ".SH " $0
        section = $0; in_body = 0; pending = 0
        next
    }
    section == "NAME" {
        if ($0 ~ /^ *$/) next
        sub(/^ +/, "")
        print roff($0)
        next
    }
    {
        if ($0 ~ /^ *$/) { pending++; next }
        # Printed at a 3-column indent instead of the usual 7, so that help lines
        # (at most 79 columns, 4 of them indent) fit an 80-column terminal.
        if (!in_body) { print ".nf"; print ".in 3n"; in_body = 1 }
        else while (pending-- > 0) print ""
        pending = 0
        line = $0
        sub(/^    /, "", line)
        print roff(line)
    }
    END {
        if (in_body) { print ".fi"; print ".in" }
        if (ENVIRON["SEE_ALSO"] != "") { print ".SH SEE ALSO"; print ENVIRON["SEE_ALSO"] }
    }'
