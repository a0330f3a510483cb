# SPDX-License-Identifier: MIT
#
# Shared by the shell tests of exemplarctl (source it after setting EXEMPLARD,
# CTL and PY): a temp dir, cleanup of the daemon it starts, and helpers that
# run exemplarctl and read its --json output.  The caller starts the daemon
# and sets PID.

DIR=$(mktemp -d /tmp/exc.XXXXXX)
LOG=$DIR/exemplard.log
PID=
export EXEMPLAR_API="ipc://$DIR/api.sock"

cleanup() {
    if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
        kill -9 "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    if [[ -n ${EXEMPLAR_TEST_KEEP:-} ]]; then
        echo "kept $DIR" >&2
    else
        rm -rf "$DIR"
    fi
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    echo "---- exemplard log ----" >&2
    cat "$LOG" >&2 2>/dev/null || true
    echo "---- end of exemplard log ----" >&2
    exit 1
}

# run STATUS ARGS...: runs exemplarctl, requires the exit status, leaves
# stdout in $DIR/out and stderr in $DIR/err.
run() {
    local want=$1
    shift
    local got=0
    "$CTL" "$@" >"$DIR/out" 2>"$DIR/err" </dev/null || got=$?
    if [[ $got -ne $want ]]; then
        fail "exemplarctl $* exited $got, expected $want
stdout: $(cat "$DIR/out")
stderr: $(cat "$DIR/err")"
    fi
}

# council_principals: a free TCP port in PORT, the server's CURVE key and a
# keys file in DIR with the council's three principals (chu.tich approver,
# thu.ky ministry-reviewer, uy.vien reader), each with its own key pair;
# more lines may be appended to $DIR/keys before the daemon starts.
council_principals() {
    PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    run 0 keygen server --dir "$DIR"
    : >"$DIR/keys"
    local p name
    for p in "chu.tich approver" "thu.ky ministry-reviewer" "uy.vien reader"; do
        name=${p% *}
        run 0 keygen "$name" --dir "$DIR"
        printf '%s %s - %s\n' "$name" "${p#* }" "$(grep -v '^#' "$DIR/$name.pub")" >>"$DIR/keys"
    done
    chmod 640 "$DIR/keys"
}

# json_get KEY [INDEX]: the first value of KEY anywhere in the JSON document
# in $DIR/out (depth first), printed; fails if the document does not parse.
json_get() {
    "$PY" -c '
import json, sys
def find(d, key):
    if isinstance(d, dict):
        if key in d:
            return d[key]
        for v in d.values():
            r = find(v, key)
            if r is not None:
                return r
    elif isinstance(d, list):
        for v in d:
            r = find(v, key)
            if r is not None:
                return r
    return None
doc = json.load(open(sys.argv[1]))
v = find(doc, sys.argv[2])
if v is None:
    sys.exit("no key %r in %s" % (sys.argv[2], json.dumps(doc)))
print(len(v) if isinstance(v, list) else v)
' "$DIR/out" "$1" || fail "--json output: cannot read $1 from: $(cat "$DIR/out")"
}

# json_parses: stdout is one JSON document.
json_parses() {
    "$PY" -c 'import json,sys; json.load(sys.stdin)' <"$DIR/out" ||
        fail "exemplarctl $* --json printed no valid JSON: $(cat "$DIR/out")"
}

