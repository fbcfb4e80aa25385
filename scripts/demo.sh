#!/usr/bin/env bash
# The main job on the bundled Corpus: set up, build in release, ingest and analyze every feed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product microgenre 2>&1 | grep -v "^\[" || true
bin=.build/release/microgenre
test -x "$bin"

echo
echo "\$ microgenre ingest --analyze Corpus/films.xml.gz"
"$bin" ingest --analyze --max-warnings 3 Corpus/films.xml.gz

echo
echo "\$ microgenre ingest Corpus/samples/*.xml*    # XMLTV, MovieLabs, ADI, TV-Anytime, MRSS"
"$bin" ingest --max-warnings 0 Corpus/samples/*.xml Corpus/samples/*.xml.gz

echo
echo "\$ microgenre analyze \"Dark witty female-led workplace comedies set in 1990s Paris\""
"$bin" analyze "Dark witty female-led workplace comedies set in 1990s Paris"
