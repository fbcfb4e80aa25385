#!/usr/bin/env bash
# Load test of `microgenre serve` on loopback with wrk (Debian's), against the index and events
# the demo leaves (.microgenre/): a benchmark, not a timed test.
#
#   scripts/bench-serve.sh [DURATION]      the tables below, DURATION seconds per run (default 20)
#   scripts/bench-serve.sh --soak SECONDS [SERVE OPTIONS...]
#                                          16 connections of mixed requests; the server's memory
#                                          sampled every 30 s (aim: flat within 10%); options such
#                                          as --cache-mb 0 go to the server
#
# Three tables:
#  1. The default server (answers cached): the issue's four scenarios (plain search, facet search
#     with the flagship query, personalized search, rows) at 1, 16 and 64 connections, each the
#     same request again and again: requests/s, p50 and p99 latency, errors.
#  2. A server started with --cache-mb 0 (nothing cached, not even query vectors), the same runs,
#     and at one connection the ratio of the server's p50 to the same work timed inside one process
#     in the same run (the CLI's own timing line): the cost of HTTP, parsing and JSON.
#  3. The uncached server under varied requests, as real traffic is: 2,000 different facet
#     queries (the taxonomy's adjectives before its genre nouns), the same queries for 300 users,
#     and the rows of 300 users, at 16 connections.
# Then the servers' resident memory before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=20
soak=0
soak_options=()
if [ "${1:-}" = "--soak" ]; then
    soak=${2:?--soak needs seconds}
    soak_options=("${@:3}")
else
    duration=${1:-20}
fi
bin=.build/release/microgenre
swift build -c release --product microgenre >/dev/null
command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
if [ ! -f .microgenre/index/CURRENT ] || [ ! -f .microgenre/events.sqlite ]; then
    echo "error: run scripts/demo.sh first (it leaves the index and events this benchmark serves)" >&2
    exit 1
fi
work=.build/bench-serve
mkdir -p "$work"
servers=()
trap 'for s in "${servers[@]}"; do kill -TERM "$s" 2>/dev/null || true; done' EXIT
# start NAME ARGS...: starts a server, waits until it is ready; sets $port and $pid.
start() {
    local name=$1
    shift
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$bin" serve --port "$port" "$@" 2>"$work/$name.log" &
    pid=$!
    servers+=("$pid")
    for _ in $(seq 1 600); do
        curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || { echo "error: the server exited:" >&2; tail "$work/$name.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "error: the server never got ready" >&2
    exit 1
}
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# The varied requests: paths in Lua files wrk cycles through.
python3 - "$work" <<'PY'
import glob, random, re, sys, urllib.parse
forms, nouns = [], []
for path in sorted(glob.glob("Taxonomy/*.taxonomy")):
    for line in open(path, encoding="utf-8"):
        m = re.match(r"  (form|noun): (.+)", line.rstrip("\n"))
        if m:
            (forms if m.group(1) == "form" else nouns).append(m.group(2))
users = sorted({line.split(",")[0] for line in open("Corpus/events.csv", encoding="utf-8")} - {"user"})[:300]
rng = random.Random(7)
queries = sorted({f"{rng.choice(forms)} {rng.choice(nouns)}" for _ in range(2400)})[:2000]
rng.shuffle(queries)
q = lambda text: urllib.parse.quote(text)
sets = {
    "varied-search": [f"/v1/search?q={q(t)}&limit=10" for t in queries],
    "varied-personal": [f"/v1/search?q={q(t)}&limit=10&user={q(users[k % len(users)])}" for k, t in enumerate(queries)],
    "varied-rows": [f"/v1/users/{q(u)}/rows" for u in users],
}
flagship = q("dark witty female-led workplace comedy")
mixed = []
for k in range(2000):
    mixed += [sets["varied-search"][k], f"/v1/search?q={flagship}&limit=10", sets["varied-personal"][k],
              sets["varied-rows"][k % len(users)]]
sets["mixed"] = mixed
for name, paths in sets.items():
    with open(f"{sys.argv[1]}/{name}.lua", "w") as out:
        out.write("local paths = {\n" + ",\n".join(f'  "{p}"' for p in paths) + "\n}\n")
        out.write("local k = 0\nrequest = function()\n  k = k % #paths + 1\n"
                  "  return wrk.format(\"GET\", paths[k])\nend\n")
PY

# run SCENARIO CONNECTIONS TARGET [LUA]: one wrk run; prints a table line.
run() {
    local scenario=$1 connections=$2 target=$3 script=${4:-}
    local threads=$((connections < 2 ? 1 : 2))
    local out
    if [ -n "$script" ]; then
        out=$(wrk -t "$threads" -c "$connections" -d "${duration}s" --latency -s "$script" "$target")
    else
        out=$(wrk -t "$threads" -c "$connections" -d "${duration}s" --latency "$target")
    fi
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    ms() { echo "$out" | awk -v p="$1" '$1 == p {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}'; }
    p50=$(ms 50%)
    p99=$(ms 99%)
    local non2xx socket
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    socket=$(echo "$out" | awk '/Socket errors/ {gsub(/,/,""); print $4+$6+$8+$10}')
    errors=$((${non2xx:-0} + ${socket:-0}))
}
header() { printf "%-16s %5s %10s %9s %9s %7s %12s %12s\n" scenario conns "req/s" "p50 ms" "p99 ms" errors "in-proc ms" "p50/in-proc"; }
line() { printf "%-16s %5s %10s %9.2f %9.2f %7s %12s %12s\n" "$1" "$2" "$rps" "$p50" "$p99" "$errors" "${3:--}" "${4:--}"; }

flagship="dark witty female-led workplace comedy"
declare -A url inproc
url[search]="/v1/search?q=heist&limit=10"
url[facet-search]="/v1/search?q=dark%20witty%20female-led%20workplace%20comedy&limit=10"
url[personal-search]="/v1/search?q=dark%20witty%20female-led%20workplace%20comedy&limit=10&user=ava"
url[rows]="/v1/users/ava/rows"

if [ "$soak" -gt 0 ]; then
    start soak "${soak_options[@]}"
    echo "soak: $soak s of mixed requests (varied and flagship searches, personal searches, rows) at 16 connections${soak_options[*]:+, serve ${soak_options[*]}}"
    before=$(rss "$pid")
    echo "  t=0 s: RSS $before MB (before any request)"
    wrk -t 2 -c 16 -d 30s -s "$work/mixed.lua" "http://127.0.0.1:$port" >/dev/null
    warm=$(rss "$pid")
    echo "  after a 30 s warm-up: RSS $warm MB"
    duration=$soak
    (run soak 16 "http://127.0.0.1:$port" "$work/mixed.lua"; echo "$rps $p50 $p99 $errors" >"$work/soak.result") &
    load=$!
    samples=()
    for ((t = 30; t <= soak; t += 30)); do
        sleep 30
        samples+=("$(rss "$pid")")
        echo "  t=$t s: RSS ${samples[-1]} MB"
    done
    wait $load
    read -r rps p50 p99 errors <"$work/soak.result"
    min=$(printf '%s\n' "${samples[@]}" | sort -n | head -1)
    max=$(printf '%s\n' "${samples[@]}" | sort -n | tail -1)
    echo "soak: $rps requests/s, p50 $p50 ms, p99 $p99 ms, $errors errors"
    python3 -c "print(f'soak: RSS from $min to $max MB over the run after warm-up ($warm MB): spread {($max - $min) / $min:.1%} (aim within 10%)')"
    exit 0
fi

# In-process timings of the same work, from the CLI's own timing line (median of 5).
inprocess() {
    for _ in 1 2 3 4 5; do "$bin" "$@" 2>&1 >/dev/null | grep -oE 'in [0-9.]+ ms' | grep -oE '[0-9.]+'; done |
        sort -n | sed -n 3p
}
inproc[search]=$(inprocess search heist --limit 10)
inproc[facet-search]=$(inprocess search "$flagship" --limit 10)
inproc[personal-search]=$(inprocess search "$flagship" --limit 10 --user ava)
inproc[rows]=$(inprocess rows --user ava)

start cached
cached=$pid
cached_port=$port
cached_before=$(rss "$pid")
start uncached --cache-mb 0
uncached=$pid
uncached_port=$port
uncached_before=$(rss "$pid")

echo "1. the default server (answers cached), the same request again and again"
header
for scenario in search facet-search personal-search rows; do
    for connections in 1 16 64; do
        run "$scenario" "$connections" "http://127.0.0.1:$cached_port${url[$scenario]}"
        line "$scenario" "$connections"
    done
done
echo
echo "2. --cache-mb 0 (nothing cached), the same requests; p50 at one connection against the same work in one process"
header
for scenario in search facet-search personal-search rows; do
    for connections in 1 16 64; do
        run "$scenario" "$connections" "http://127.0.0.1:$uncached_port${url[$scenario]}"
        ratio="-"
        if [ "$connections" = 1 ]; then ratio=$(python3 -c "print(f'{$p50 / max(${inproc[$scenario]}, 1e-6):.2f}x')"); fi
        line "$scenario" "$connections" "${inproc[$scenario]}" "$ratio"
    done
done
echo
echo "3. --cache-mb 0, varied requests (2,000 facet queries; the same for 300 users; 300 users' rows)"
header
for scenario in varied-search varied-personal varied-rows; do
    run "$scenario" 16 "http://127.0.0.1:$uncached_port" "$work/$scenario.lua"
    line "$scenario" 16
done
echo
echo "server RSS: cached $cached_before MB before, $(rss "$cached") MB after; uncached $uncached_before MB before, $(rss "$uncached") MB after"
