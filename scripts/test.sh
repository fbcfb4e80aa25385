#!/usr/bin/env bash
# Runs the whole test suite (and the style check) from a clean clone.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift format lint --strict --recursive Sources Tests Package.swift
log=$(mktemp)
# PostgreSQL for the event-store tests: a throwaway cluster in a temporary folder (run as the
# unprivileged postgres user when this runs as root), stopped on exit. When it cannot start,
# the script says why and the test command fails: the PostgreSQL tests never skip.
pgdir=$(mktemp -d)
trap 'scripts/postgres.sh stop "$pgdir/pg" >/dev/null 2>&1 || true; rm -rf "$pgdir" "$log"' EXIT
MICROGENRE_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$pgdir/pg")
export MICROGENRE_TEST_POSTGRES_URL PGPASSFILE="$pgdir/pg/pgpass"
swift test 2>&1 | tee "$log"
# No compiler warning in our own code (a clean clone compiles every file, so CI sees them all;
# locally, only the files a build recompiles print theirs).
if grep -E "^$PWD/(Sources|Tests|Fuzz)/[^:]+:[0-9]+:[0-9]+: warning:" "$log" | sort -u; then
    echo "test.sh: error: compiler warnings in our code (above)" >&2
    exit 1
fi
# Swift Testing exits 0 when it ran nothing: insist that tests ran and passed.
if ! grep -Eq "Test run with [1-9][0-9]* tests? in [0-9]+ suites? passed" "$log"; then
    echo "test.sh: error: no passing Swift Testing run found in the output" >&2
    exit 1
fi
# Every fuzz target (Fuzz/, libFuzzer with AddressSanitizer) over its seeds and every saved
# crash input under Tests/FuzzRegressions: a short replay, not a fuzzing run.
scripts/fuzz.sh --replay
# Against a live server, on the binary the tests built: the API contract (Schemathesis over
# the OpenAPI document) and the pages in a real browser (chromium, driven by Playwright).
swift build --product microgenre
scripts/test-api.sh .build/debug/microgenre
scripts/test-browser.sh .build/debug/microgenre
# The Kubernetes manifest under deploy/, against the API schema (kubernetes-validate from PyPI).
scripts/check-deploy.sh
