#!/usr/bin/env bash
# Runs the sharded batch of deploy/rows-job.yaml on this machine and checks it.
#
#   scripts/sharded-rows.sh [WORKERS]        (default 4)
#
# Starts a throwaway PostgreSQL (scripts/postgres.sh), imports the events into it and into an
# SQLite file, stores the co-viewing model once (`events model`), then starts WORKERS processes
# at once, each `rows --all-users --shard I/WORKERS` against PostgreSQL, as the Job's pods would.
# Checks that together they wrote every user's page exactly once, and that each page is byte
# for byte the page a single process writes over the SQLite store of the same events.
#
# Environment: MICROGENRE_BINARY (default .build/release/microgenre), INDEX (default
# .microgenre/index, as scripts/demo.sh builds it), EVENTS (default Corpus/events.csv).
set -euo pipefail
cd "$(dirname "$0")/.."
workers=${1:-4}
binary=${MICROGENRE_BINARY:-.build/release/microgenre}
index=${INDEX:-.microgenre/index}
events=${EVENTS:-Corpus/events.csv}
[ -x "$binary" ] || { echo "sharded-rows: no $binary: build it (swift build -c release)" >&2; exit 1; }
[ -d "$index" ] || { echo "sharded-rows: no index at $index: run scripts/demo.sh first" >&2; exit 1; }

work=$(mktemp -d)
trap 'scripts/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
url=$(scripts/postgres.sh start "$work/pg" 2>/dev/null)
export PGPASSFILE="$work/pg/pgpass"
echo "PostgreSQL: $url"

"$binary" events import "$events" --events "$url" --index "$index"
"$binary" events import "$events" --events "$work/events.sqlite" --index "$index" >/dev/null
"$binary" events model --events "$url" --index "$index" 2>/dev/null

"$binary" rows --all-users --out "$work/single" --events "$work/events.sqlite" --index "$index" >/dev/null 2>&1
pids=()
for i in $(seq 1 "$workers"); do
    "$binary" rows --all-users --shard "$i/$workers" --out "$work/sharded" --events "$url" --index "$index" \
        >"$work/worker-$i.log" 2>&1 &
    pids+=("$!")
done
for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
        echo "sharded-rows: error: worker $((i + 1)) of $workers failed:" >&2
        cat "$work/worker-$((i + 1)).log" >&2
        exit 1
    fi
    echo "worker $((i + 1))/$workers: $(tail -n 1 "$work/worker-$((i + 1)).log")"
done

python3 - "$work/single/rows-1-of-1.jsonl" "$work/sharded" "$workers" <<'PY'
import json, os, sys
single_path, sharded_dir, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
single = {}
for line in open(single_path, "rb").read().splitlines():
    single[json.loads(line)["user"]] = line
seen = {}
for shard in range(1, workers + 1):
    for line in open(os.path.join(sharded_dir, f"rows-{shard}-of-{workers}.jsonl"), "rb").read().splitlines():
        user = json.loads(line)["user"]
        seen.setdefault(user, []).append(line)
twice = [u for u, lines in seen.items() if len(lines) > 1]
missing = sorted(set(single) - set(seen))
extra = sorted(set(seen) - set(single))
different = [u for u, lines in seen.items() if u in single and lines[0] != single[u]]
if twice or missing or extra or different:
    print(f"sharded-rows: FAILED: {len(twice)} users twice, {len(missing)} missing, {len(extra)} extra, "
          f"{len(different)} pages differ (e.g. {(twice + missing + extra + different)[:3]})", file=sys.stderr)
    sys.exit(1)
print(f"{workers} workers wrote {len(seen)} users' pages: every user exactly once, "
      f"each page byte-identical to the single-process run")
PY
