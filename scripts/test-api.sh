#!/usr/bin/env bash
# API-contract test of `microgenre serve`: runs Schemathesis (property-based testing from the
# OpenAPI document) against the live server and fails on any failure it finds.
#
# It builds the small live fixture (scripts/live-fixture.sh: a slice of the Corpus, indexed
# from rules only, and the Corpus's events) under .build/live-api, starts BINARY serve on a
# free loopback port with the fixture's index and events, waits for GET /readyz, and runs
# Schemathesis on the document the server itself serves (/openapi.yaml) with every check:
# no 5xx, every status and content type documented, every body matching its schema, bad
# input refused with a 4xx, good input accepted, other methods on a path refused with 405, no
# answer slower than the limit, and so on. scripts/schemathesis.toml says what the document
# cannot (a schema-valid query the query language cannot read is a 400; an events body with no
# valid row a 422), scripts/schemathesis_hooks.py how to send JSON Lines. Generation is seeded
# and the cases per operation bounded, so runs repeat and take about two minutes even with a
# debug binary on two cores. Only loopback is reached. At the end the server is stopped with
# SIGTERM and must exit 0 (it finishes the requests in flight and returns) within 30 s.
# Schemathesis is pip-installed only when python3 cannot import it.
#
#   scripts/test-api.sh BINARY        e.g. scripts/test-api.sh .build/debug/microgenre
#
# MICROGENRE_API_EXAMPLES (cases per operation, default 60) and MICROGENRE_API_SEED change the
# run. The server's log stays in .build/live-api/server.log (its tail is printed on failure),
# and Schemathesis's JUnit report in .build/live-api/report/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 1 ] || [ ! -f "$1" ] || [ ! -x "$1" ]; then
    echo "usage: scripts/test-api.sh BINARY (an executable microgenre, e.g. .build/debug/microgenre)" >&2
    exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$PWD/.build/live-api
# Settings (what the document cannot say) and hooks (a serializer for JSON Lines) of Schemathesis.
config=$PWD/scripts/schemathesis.toml
export SCHEMATHESIS_HOOKS=$PWD/scripts/schemathesis_hooks.py
# Cases per operation, and the seed: the same run every time.
examples=${MICROGENRE_API_EXAMPLES:-60}
seed=${MICROGENRE_API_SEED:-20260301}

python3 -c 'import schemathesis' 2>/dev/null || python3 -m pip install -q schemathesis

scripts/live-fixture.sh "$bin" "$dir" >/dev/null
log=$dir/server.log
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

# Rules only, as the fixture was indexed, whatever tag or embedding model this machine has.
"$bin" serve --host 127.0.0.1 --port "$port" --no-model --no-embeddings \
    --index "$dir/index" --events "$dir/events.sqlite" 2>"$log" &
server=$!
fail() {
    echo "test-api.sh: error: $*" >&2
    echo "--- the server's log (last 40 lines of $log):" >&2
    tail -n 40 "$log" >&2 || true
    exit 1
}
# Whatever happens, the server does not outlive the script.
trap 'kill -TERM "$server" 2>/dev/null || true' EXIT

ready=no
deadline=$((SECONDS + 120))
while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$server" 2>/dev/null; then
        wait "$server" && code=0 || code=$?
        fail "the server exited (status $code) before it was ready"
    fi
    if python3 - "$base/readyz" <<'PY' 2>/dev/null; then
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
        ready=yes
        break
    fi
    sleep 0.2
done
[ "$ready" = yes ] || fail "the server was not ready within 120 s at $base/readyz"

# Run from the fixture directory so nothing Schemathesis writes lands in the work tree.
status=0
(
    cd "$dir"
    python3 -m schemathesis.cli --config-file "$config" run "$base/openapi.yaml" \
        --checks all \
        --max-examples "$examples" \
        --seed "$seed" \
        --workers 1 \
        --request-timeout 60 \
        --no-color \
        --report junit --report-dir "$dir/report"
) || status=$?

if ! kill -0 "$server" 2>/dev/null; then
    wait "$server" && code=0 || code=$?
    fail "the server died during the run (status $code)"
fi
kill -TERM "$server"
for _ in $(seq 1 300); do
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$server" 2>/dev/null; then
    kill -KILL "$server" 2>/dev/null || true
    fail "the server was still running 30 s after SIGTERM"
fi
wait "$server" && code=0 || code=$?
trap - EXIT
if [ "$status" -ne 0 ]; then
    fail "Schemathesis found failures (exit status $status)"
fi
if [ "$code" -ne 0 ]; then
    fail "the server exited with status $code on SIGTERM, not 0"
fi
echo "test-api.sh: the API passed Schemathesis on $base"
