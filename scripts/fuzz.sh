#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers with libFuzzer (see docs/fuzzing.md).
#
#   scripts/fuzz.sh TARGET SECONDS [LIBFUZZER-OPTION...]   build, then fuzz TARGET for SECONDS
#   scripts/fuzz.sh --replay                               build, then run every target once over
#                                                          its seeds and regression inputs
#   scripts/fuzz.sh --build                                build only
#
# TARGET is one of: feeds query events taxonomy index. The targets are the package in Fuzz/,
# built with -sanitize=fuzzer,address into .build-fuzz. A run's corpus grows in
# .build-fuzz/corpus/TARGET (seeded from Fuzz/Seeds/TARGET), and a crash, hang (over 1 s for
# one input), leak or out-of-memory input is saved to .build-fuzz/artifacts/TARGET/.
# A finding, once fixed, is kept as a regression input in Tests/FuzzRegressions/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(feeds query events taxonomy index)
scratch=.build-fuzz
export MICROGENRE_TAXONOMY="$PWD/Taxonomy"
# Swift's own crash backtracer runs into ASan; libFuzzer prints the stack instead.
export SWIFT_BACKTRACE=enable=no

binary() {
    case "$1" in
        feeds) echo "$scratch/debug/FuzzFeeds" ;;
        query) echo "$scratch/debug/FuzzQuery" ;;
        events) echo "$scratch/debug/FuzzEvents" ;;
        taxonomy) echo "$scratch/debug/FuzzTaxonomy" ;;
        index) echo "$scratch/debug/FuzzIndex" ;;
        *)
            echo "fuzz.sh: unknown target '$1' (one of: ${targets[*]})" >&2
            exit 2
            ;;
    esac
}

build() {
    local start=$SECONDS target
    # ld.gold warns once per ASan helper symbol; the warnings say nothing about our code.
    swift build --package-path Fuzz --scratch-path "$scratch" -c debug \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library 2>&1 |
        grep -v "Cannot export local symbol" || true
    for target in "${targets[@]}"; do
        [[ -x $(binary "$target") ]] || { echo "fuzz.sh: the build made no $(binary "$target")" >&2; exit 1; }
    done
    echo "fuzz.sh: build took $((SECONDS - start)) s"
}

replay() {
    local start=$SECONDS failed=0 target
    for target in "${targets[@]}"; do
        local inputs=()
        mapfile -t inputs < <(find "Fuzz/Seeds/$target" "Tests/FuzzRegressions/$target" -type f 2>/dev/null | sort)
        if ((${#inputs[@]} == 0)); then continue; fi
        local log
        log=$(mktemp)
        # Files as arguments: each is run once, nothing is fuzzed. The timeout is looser than
        # fuzzing's: one-off process start-up (the taxonomy) counts against the first input.
        if "$(binary "$target")" -timeout=10 -rss_limit_mb=4096 "${inputs[@]}" >"$log" 2>&1; then
            echo "fuzz.sh: $target: ${#inputs[@]} inputs ok"
        else
            echo "fuzz.sh: $target: FAILED" >&2
            tail -n 40 "$log" >&2
            failed=1
        fi
        rm -f "$log"
    done
    echo "fuzz.sh: replay took $((SECONDS - start)) s"
    return $failed
}

case "${1:-}" in
    --build)
        build
        ;;
    --replay)
        build
        replay
        ;;
    "" | -h | --help)
        sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
        ;;
    *)
        target=$1
        seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
        shift 2
        bin=$(binary "$target")
        build
        corpus="$scratch/corpus/$target"
        artifacts="$scratch/artifacts/$target"
        mkdir -p "$corpus" "$artifacts"
        # libFuzzer writes new inputs to the first directory only; the seeds stay untouched.
        exec "$bin" "$corpus" "Fuzz/Seeds/$target" \
            -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -max_len=65536 \
            -dict="Fuzz/Dictionaries/$target.dict" -artifact_prefix="$artifacts/" \
            -print_final_stats=1 "$@"
        ;;
esac
