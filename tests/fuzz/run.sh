#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Runs every fuzz target for a bounded time over a copy of its seed corpus
# and prints, per target, the executions and the coverage libFuzzer reached
# (cov: edges, ft: features).  Exits non-zero when a target finds a crash, a
# leak or undefined behaviour; the reproducer is kept in the work directory.
#
# usage: tests/fuzz/run.sh BUILD_FUZZ_DIR [SECONDS]     (default 60 s per target)
set -euo pipefail
build=$(realpath "$1")
seconds=${2:-60}
here=$(dirname "$(realpath "$0")")
work="$build/fuzz-work"
mkdir -p "$work"
# fuzz_api's LMDB environment: on tmpfs when there is one, removed at the end
shm=/dev/shm
[ -w "$shm" ] || shm=${TMPDIR:-/tmp}
EXEMPLAR_FUZZ_DIR=$(mktemp -d "$shm/exfuzz-run.XXXXXX")
export EXEMPLAR_FUZZ_DIR
trap 'rm -rf "$EXEMPLAR_FUZZ_DIR"' EXIT
status=0
summary=""
for target in decode api keys calendar import restore; do
    bin="$build/tests/fuzz/fuzz_$target"
    corpus="$work/corpus-$target"
    rm -rf "$corpus"
    mkdir -p "$corpus"
    cp "$here/corpus/$target"/* "$corpus/"
    log="$work/fuzz_$target.log"
    echo "== fuzz_$target for ${seconds} s (log: $log)"
    rc=0
    (cd "$work" && "$bin" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=4096 \
        "$corpus" >"$log" 2>&1) || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    line="fuzz_$target: ${runs:-?} executions, ${cov:-no coverage line}, exit $rc"
    echo "$line"
    summary="$summary$line"$'\n'
    if [ "$rc" -ne 0 ]; then
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -20 >&2 || true
        status=1
    fi
done
echo "== fuzz summary"
printf '%s' "$summary"
exit "$status"
