#!/bin/bash
# Walks one sample nomination through every state with exemplarctl against a
# daemon on its embedded defaults, and prints its history.
#   clients/demo.sh [BUILD_DIR]     (default: build)
# The daemon keeps its state in ./exemplar-state and is stopped at the end;
# start it again with BUILD_DIR/daemon/exemplard and use exemplarctl freely.
set -euo pipefail

build=${1:-build}
exemplard=$build/daemon/exemplard
ctl=$build/clients/ctl/exemplarctl
export EXEMPLAR_API=ipc://exemplar-state/api.sock

"$exemplard" &
daemon=$!
trap 'kill -TERM $daemon 2>/dev/null; wait $daemon 2>/dev/null || true' EXIT
# Readiness: ping retries until the daemon answers (no fixed sleep).
"$ctl" ping --wait 10 >/dev/null

step() { printf '\n$ exemplarctl %s\n' "$*"; "$ctl" "$@"; }

id=$("$ctl" register --unit 01 --kind collective \
        --name "Phòng Tài nguyên nước, Sở Tài nguyên và Môi trường Hà Nội")
printf '$ exemplarctl register --unit 01 --kind collective --name ...\n%s\n' "$id"
step move "$id" fostering
step move "$id" unit-reviewed
step move "$id" ministry-reviewed
step move "$id" recognized
step show "$id"
step history "$id"
