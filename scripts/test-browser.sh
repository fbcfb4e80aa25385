#!/usr/bin/env bash
# The browser test: serves the live fixture (scripts/live-fixture.sh) with BINARY and drives
# Debian's chromium over its pages with Playwright (Tests/Browser/pages.py), saving screenshots
# under .build/screenshots/. Installs chromium and Playwright when missing (Playwright drives the
# system's chromium; it downloads no browser).
#
#   scripts/test-browser.sh [BINARY]     (default .build/debug/microgenre)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/microgenre}
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
if ! command -v chromium >/dev/null; then
    echo "test-browser: installing chromium"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
python3 -c 'import playwright' 2>/dev/null || python3 -m pip install -q playwright
dir=.build/live-browser
scripts/live-fixture.sh "$bin" "$dir" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --port "$port" --index "$dir/index" --events "$dir/events.sqlite" 2>"$dir/server.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    if ! kill -0 $server 2>/dev/null; then
        echo "test-browser: error: the server exited; its log:" >&2
        tail -20 "$dir/server.log" >&2
        exit 1
    fi
    sleep 0.5
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "test-browser: error: the server never got ready" >&2; exit 1; }
if ! python3 Tests/Browser/pages.py "http://127.0.0.1:$port" .build/screenshots; then
    echo "test-browser: error: the browser test failed; the server's log:" >&2
    tail -20 "$dir/server.log" >&2
    exit 1
fi
kill -TERM $server
wait $server
trap - EXIT
echo "test-browser: passed; screenshots in .build/screenshots/"
