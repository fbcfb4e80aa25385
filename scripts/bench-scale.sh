#!/usr/bin/env bash
# The scale benchmark: a generated viewing history over the demo index, in PostgreSQL and in
# SQLite, measured in the same run. Not a test.
#
#   scripts/bench-scale.sh [USERS] [EVENTS]     (default 500000 users, 20000000 events)
#
# Needs the demo's index (.microgenre/index: run scripts/demo.sh first) and a release build.
# Prints, each PostgreSQL figure beside SQLite's:
#   - import throughput (events/s) and peak memory;
#   - the co-viewing model build (`events model`): time, its phases, peak memory;
#   - one `rows --user` (the whole command: index, micro-genres, model, the user's events);
#   - batch rows with 1, 2 and 4 workers over the same sample of users (users/s, peak RSS
#     per worker);
#   - what SQL aggregation in PostgreSQL costs against reading the events out.
# SCALE_DIR (default: a temporary folder) holds the generated file and both stores; give
# KEEP=1 to keep it. SAMPLE (default 100) picks the batch's users: shard 1 of SAMPLE.
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-500000}
events=${2:-20000000}
sample=${SAMPLE:-100}
index=.microgenre/index
bin=.build/release/microgenre
bench=.build/release/MicrogenreBench
[ -d "$index" ] || { echo "bench-scale: no index at $index: run scripts/demo.sh first" >&2; exit 1; }
if [ ! -x "$bin" ] || [ ! -x "$bench" ]; then
    swift build -c release --product microgenre
    swift build -c release --product MicrogenreBench
fi
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null

work=${SCALE_DIR:-$(mktemp -d)}
mkdir -p "$work"
cleanup() {
    scripts/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true
    [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
url=$(scripts/postgres.sh start "$work/pg" 2>/dev/null)
export PGPASSFILE="$work/pg/pgpass"
sqlite="$work/events.sqlite"
csv="$work/events.csv"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); PostgreSQL $(psql "$url" -Atc 'show server_version'), SQLite via GRDB"

# Runs a command under /usr/bin/time; sets $seconds and $peak_mb, keeps its output in $work/last.*
timed() {
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/last.out" 2>"$work/last.err"
    read -r seconds kb <"$work/time"
    peak_mb=$((kb / 1024))
}

if [ ! -s "$csv" ]; then
    "$bench" events --index "$index" --users "$users" --events "$events" --out "$csv"
fi
rows=$(($(wc -l <"$csv") - 1))
printf "history: %'d events of %'d users (%s MB of CSV)\n\n" "$rows" "$users" "$(($(stat -c %s "$csv") / 1048576))"

echo "| step | PostgreSQL | SQLite |"
echo "| --- | ---: | ---: |"
# 1. Import. The rate is over the import's own time, as the command reports it (after it the
# command counts the store's events and users, which is not the import).
imported() { sed -n 's/.* in \([0-9.]*\) s$/\1/p' "$work/last.out" | head -n 1; }
rate() { python3 -c "print(f'{$1 / $2:,.0f}')"; }
timed "$bin" events import "$csv" --events "$url" --index "$index"
pg_import=$(imported) pg_import_mb=$peak_mb pg_whole=$seconds
timed "$bin" events import "$csv" --events "$sqlite" --index "$index"
sq_import=$(imported) sq_import_mb=$peak_mb sq_whole=$seconds
echo "| import: events/s | $(rate "$rows" "$pg_import") ($pg_import s; command $pg_whole s) | $(rate "$rows" "$sq_import") ($sq_import s; command $sq_whole s) |"
echo "| import: peak RSS | $pg_import_mb MB | $sq_import_mb MB |"
# Again: every event already there.
timed "$bin" events import "$csv" --events "$url" --index "$index"
pg_again=$(imported)
timed "$bin" events import "$csv" --events "$sqlite" --index "$index"
echo "| re-import (all duplicates): events/s | $(rate "$rows" "$pg_again") ($pg_again s) | $(rate "$rows" "$(imported)") ($(imported) s) |"
echo "| store size | $(psql "$url" -Atc "select pg_size_pretty(pg_database_size(current_database()))") | $(du -h "$sqlite" | cut -f1) |"

# 2. The co-viewing model.
timed "$bin" events model --events "$url" --index "$index"
pg_model=$seconds pg_model_mb=$peak_mb
pg_phases=$(sed -n 's/^  //p' "$work/last.err" | paste -sd ';' -)
timed "$bin" events model --events "$sqlite" --index "$index"
echo "| co-viewing model build | $pg_model s | $seconds s |"
echo "| co-viewing model build: peak RSS | $pg_model_mb MB | $peak_mb MB |"
echo "| model build phases | ${pg_phases//;/; } | $(sed -n 's/^  //p' "$work/last.err" | paste -sd ';' - | sed 's/;/; /g') |"
echo "| model: $(tail -n 1 "$work/last.out" | sed 's/ in [0-9.]* s.*//; s/Computed and stored the co-viewing model [0-9a-f]* //') | | |"

# 3. One user's page, the whole command, best of 3.
user=$(awk -F, 'NR == 2 {print $1}' "$csv")
best() {
    local best_s=999999 best_mb=0
    for _ in 1 2 3; do
        timed "$@"
        if python3 -c "import sys; sys.exit(0 if $seconds < $best_s else 1)"; then best_s=$seconds best_mb=$peak_mb; fi
    done
    seconds=$best_s peak_mb=$best_mb
}
best "$bin" rows --user "$user" --json --events "$url" --index "$index"
pg_user=$seconds pg_user_mb=$peak_mb
cp "$work/last.out" "$work/user-pg.json"
best "$bin" rows --user "$user" --json --events "$sqlite" --index "$index"
cmp -s "$work/last.out" "$work/user-pg.json" && same="the same page" || same="PAGES DIFFER"
echo "| one \`rows --user $user\` (whole command, best of 3; $same) | $pg_user s, $pg_user_mb MB | $seconds s, $peak_mb MB |"

# 4. Batch rows over the users of shard 1/$sample, split among W workers: worker w takes shard
# 1 + sample*w of sample*W, and those W shards together are exactly shard 1 of $sample.
batch() { # store workers -> sets batch_users, batch_seconds, batch_mb
    local store=$1 count=$2 start end pids=() w
    rm -rf "$work/batch"
    start=$(date +%s.%N)
    for ((w = 0; w < count; w++)); do
        /usr/bin/time -f "%M" -o "$work/batch-$w.time" "$bin" rows --all-users \
            --shard "$((1 + sample * w))/$((sample * count))" --out "$work/batch" --events "$store" --index "$index" \
            >"$work/batch-$w.out" 2>&1 &
        pids+=("$!")
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    end=$(date +%s.%N)
    batch_users=$(cat "$work"/batch/*.jsonl | wc -l)
    batch_seconds=$(python3 -c "print(f'{$end - $start:.1f}')")
    batch_mb=$(($(sort -n "$work"/batch-*.time | tail -n 1) / 1024))
    cat "$work"/batch/*.jsonl | sort >"$work/batch-$(basename "$store" | tr -c 'a-z0-9' _)-$count.sorted"
}
for workers in 1 2 4; do
    batch "$url" "$workers"
    pg="$(rate "$batch_users" "$batch_seconds") users/s ($batch_users users in $batch_seconds s), $batch_mb MB"
    pg_sorted="$work/batch-$(basename "$url" | tr -c 'a-z0-9' _)-$workers.sorted"
    batch "$sqlite" "$workers"
    sq="$(rate "$batch_users" "$batch_seconds") users/s ($batch_users users in $batch_seconds s), $batch_mb MB"
    sq_sorted="$work/batch-$(basename "$sqlite" | tr -c 'a-z0-9' _)-$workers.sorted"
    cmp -s "$pg_sorted" "$sq_sorted" && note="" || note=" PAGES DIFFER"
    echo "| batch rows, $workers worker(s): users/s, peak RSS per worker$note | $pg | $sq |"
done
# The single-process baseline for the batch: one worker over every user's events.
echo

# 5. SQL aggregation against reading the events out.
echo "PostgreSQL alone (psql, the same server):"
sql_time() { # label sql
    local start end
    start=$(date +%s.%N)
    psql "$url" -qAt -v ON_ERROR_STOP=1 -c "$2" >/dev/null 2>"$work/psql.err" || { echo "  $1: failed: $(cat "$work/psql.err")"; return; }
    end=$(date +%s.%N)
    echo "  $1: $(python3 -c "print(f'{$end - $start:.1f}')") s"
}
sql_time "every event read out to a client (COPY TO STDOUT)" \
    "COPY (SELECT user_id, title_id, at, kind, value FROM event) TO STDOUT"
liked="SELECT user_id, title_id FROM event GROUP BY user_id, title_id HAVING least(1, greatest(-1, sum(CASE kind
  WHEN 'complete' THEN 1.0 WHEN 'abandon' THEN -0.5 WHEN 'thumb_up' THEN 1.0 WHEN 'thumb_down' THEN -1.0
  WHEN 'rating' THEN greatest(-1, least(1, (value - 3) / 2))
  ELSE CASE WHEN value / 6000 < 0.1 THEN -0.2 ELSE 0.8 * least(1, value / 6000) END END))) >= 0.3"
sql_time "liked (user, title) pairs aggregated in SQL and read out" "COPY ($liked) TO STDOUT"
sql_time "co-liked title pairs counted in SQL (self-join; stopped after 600 s)" \
    "SET statement_timeout = '600s'; CREATE TEMP TABLE liked AS $liked; SELECT count(*) FROM (SELECT a.title_id, b.title_id, count(*) FROM liked a JOIN liked b ON a.user_id = b.user_id AND a.title_id < b.title_id GROUP BY 1, 2) pairs"
echo "  (the model build's own phases for the same work are in the table above)"
