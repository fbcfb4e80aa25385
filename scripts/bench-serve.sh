#!/usr/bin/env bash
# Load test of `microgenre serve` on loopback with wrk (Debian's), against the index and events
# the demo leaves (.microgenre/): a benchmark, not a timed test. For each scenario (plain search,
# facet search with the flagship query, personalized search, rows) at 1, 16 and 64 connections,
# DURATION seconds each (default 20), it prints requests/s, p50 and p99 latency and errors, the
# server's resident memory before and after, and the ratio of the server's p50 at one connection
# to the same work timed inside one process in the same run (the CLI's own timing line: the
# cost of HTTP, parsing and JSON included on the server side).
#
#   scripts/bench-serve.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
bin=.build/release/microgenre
swift build -c release --product microgenre >/dev/null
command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
if [ ! -f .microgenre/index/CURRENT ] || [ ! -f .microgenre/events.sqlite ]; then
    echo "error: run scripts/demo.sh first (it leaves the index and events this benchmark serves)" >&2
    exit 1
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --port "$port" 2>/tmp/microgenre-bench-serve.log &
server=$!
trap 'kill -TERM $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
rss() { awk '/VmRSS/ {print $2 / 1024}' "/proc/$server/status"; }
rss_before=$(rss)

# In-process timings of the same work, from the CLI's own timing line (median of 5).
inprocess() {
    for _ in 1 2 3 4 5; do "$bin" "$@" 2>&1 >/dev/null | grep -oE 'in [0-9.]+ ms' | grep -oE '[0-9.]+'; done |
        sort -n | sed -n 3p
}
flagship="dark witty female-led workplace comedy"
declare -A url inproc
url[search]="/v1/search?q=heist&limit=10"
url[facet-search]="/v1/search?q=dark%20witty%20female-led%20workplace%20comedy&limit=10"
url[personal-search]="/v1/search?q=dark%20witty%20female-led%20workplace%20comedy&limit=10&user=ava"
url[rows]="/v1/users/ava/rows"
inproc[search]=$(inprocess search heist --limit 10)
inproc[facet-search]=$(inprocess search "$flagship" --limit 10)
inproc[personal-search]=$(inprocess search "$flagship" --limit 10 --user ava)
inproc[rows]=$(inprocess rows --user ava)

printf "%-16s %5s %10s %9s %9s %7s %12s %14s\n" scenario conns "req/s" "p50 ms" "p99 ms" errors "in-proc ms" "p50/in-proc"
for scenario in search facet-search personal-search rows; do
    for connections in 1 16 64; do
        threads=$(( connections < 2 ? 1 : 2 ))
        out=$(wrk -t "$threads" -c "$connections" -d "${duration}s" --latency "http://127.0.0.1:$port${url[$scenario]}")
        rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
        ms() { echo "$out" | awk -v p="$1" '$1 == p {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}'; }
        p50=$(ms 50%)
        p99=$(ms 99%)
        non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
        socket=$(echo "$out" | awk '/Socket errors/ {gsub(/,/,""); print $4+$6+$8+$10}')
        errors=$(( ${non2xx:-0} + ${socket:-0} ))
        ratio="-"
        if [ "$connections" = 1 ]; then ratio=$(python3 -c "print(f'{$p50 / max(${inproc[$scenario]}, 1e-6):.2f}x')"); fi
        printf "%-16s %5s %10s %9.2f %9.2f %7s %12s %14s\n" "$scenario" "$connections" "$rps" "$p50" "$p99" "$errors" \
            "${inproc[$scenario]}" "$ratio"
    done
done
echo "server RSS: $(printf '%.0f' "$rss_before") MB before, $(printf '%.0f' "$(rss)") MB after"
