#!/usr/bin/env bash
# The main job on the bundled Corpus: set up (system packages and the sentence-embedding model),
# build in release, ingest, embed and index, train the tag model (with heads over the title
# embeddings), import a bundled synthetic viewing history, tag every title again with evidence
# from meaning and co-viewing, mine micro-genres, search (lexical and hybrid), and build
# personalized rows.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# SwiftPM prints one "[done/total] step" line per build step; show one of those per tenth of the
# build (so a release build from scratch reports its progress without flooding), and every other
# line (warnings, errors, "Build complete!") as it comes. awk always succeeds, so with pipefail the
# pipeline's status is the build's: a failed build stops the demo instead of running a stale binary.
echo "Building microgenre in release (a build from scratch takes several minutes)..."
swift build -c release --product microgenre 2>&1 | awk '
    /^\[[0-9]+\/[0-9]+\]/ {
        split(substr($1, 2, length($1) - 2), step, "/")
        percent = int(100 * step[1] / step[2])
        if (percent < shown) shown = percent - percent % 10  # the total grew as steps were planned
        if (percent >= shown + 10 || step[1] == step[2]) {
            print "  " percent "% " $0
            fflush()
            shown = percent - percent % 10
        }
        next
    }
    { print; fflush() }'
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

echo
echo "\$ microgenre taxonomy check"
"$bin" taxonomy check

echo
echo "\$ microgenre taxonomy parse-names Corpus/samples/genre-names.txt"
"$bin" taxonomy parse-names Corpus/samples/genre-names.txt

echo
echo "\$ microgenre embed \"The weather is lovely today.\" \"It's so sunny outside!\" \"He drove to the stadium.\""
if "$bin" embed "The weather is lovely today." "It's so sunny outside!" "He drove to the stadium." 2>/dev/null; then
    embedded=1
else
    embedded=0
    echo "(no sentence-embedding model: scripts/setup-model.sh installs it; searches below are lexical)"
fi

echo
echo "\$ microgenre index --replace Corpus/films.xml.gz     # with the model: embeds every title, about 3 minutes"
"$bin" index --replace --max-warnings 0 Corpus/films.xml.gz

echo
echo "\$ microgenre model train Corpus/films.xml.gz      # terms, and heads over the index's title vectors, about a minute"
"$bin" model train Corpus/films.xml.gz 2>/dev/null

echo
echo "\$ microgenre events import Corpus/events.csv     # a small synthetic viewing history"
"$bin" events import Corpus/events.csv

echo
echo "\$ microgenre index --merge --coviewing     # every title tagged again: the model's heads and co-viewing evidence"
"$bin" index --merge --coviewing

echo
echo "\$ microgenre tag Corpus/films.xml.gz --coviewing --id Heat_\(1995_film\) --id Groundhog_Day_\(film\) --id Bridge_of_Spies_\(film\)"
"$bin" tag Corpus/films.xml.gz --max-warnings 0 --coviewing --id "Heat_(1995_film)" --id "Groundhog_Day_(film)" \
    --id "Bridge_of_Spies_(film)"

echo
echo "\$ microgenre tag Corpus/films.xml.gz --audit --phrases 5 | grep -A1 -E '^(dark|royalty|atmospheric|mental-illness) '   # what decides each tag"
"$bin" tag Corpus/films.xml.gz --audit --phrases 5 --max-warnings 0 2>/dev/null |
    grep -A1 -E '^(dark|royalty|atmospheric|mental-illness) '

echo
echo "\$ microgenre genres Corpus/films.xml.gz --min-titles 20 --limit 25     # the largest"
"$bin" genres Corpus/films.xml.gz --max-warnings 0 --min-titles 20 --limit 25

echo
echo "\$ microgenre genres Corpus/films.xml.gz --coviewing --min-titles 20 --order specific --limit 25     # the most specific"
"$bin" genres Corpus/films.xml.gz --max-warnings 0 --coviewing --min-titles 20 --order specific --limit 25

for mode in lexical hybrid; do
    [ "$mode" = hybrid ] && [ "$embedded" = 0 ] && continue
    echo
    echo "\$ microgenre search \"dark witty female-led workplace comedy\" --mode $mode --limit 8"
    "$bin" search "dark witty female-led workplace comedy" --mode "$mode" --limit 8
done

for query in "dark witty female-led workplace comedy" "heist thrillers from the 1990s" "tom hanks comedies" \
    'westerns -silent year:1950..1959' "atmospheric creepy small town"; do
    echo
    echo "\$ microgenre search \"$query\" --limit 5 --explain"
    "$bin" search "$query" --limit 5 --explain
done

echo
echo "\$ microgenre search \"dark witty female-led workplace comedy\" --limit 5 --user ava --explain"
"$bin" search "dark witty female-led workplace comedy" --limit 5 --user ava --explain

echo
echo "\$ microgenre rows --user ava --rows 12 --show 4"
"$bin" rows --user ava --rows 12 --show 4

echo
echo "\$ microgenre rows --user u259 --rows 12 --show 2"
"$bin" rows --user u259 --rows 12 --show 2

echo
echo "\$ microgenre rows --user newcomer --rows 4 --show 4     # no history: popular, diverse rows"
"$bin" rows --user newcomer --rows 4 --show 4

echo
echo "\$ microgenre rows --all-users --shard 1/2 --out .microgenre/pages"
"$bin" rows --all-users --shard 1/2 --out .microgenre/pages

echo
echo "\$ scripts/sharded-rows.sh 3     # deploy/rows-job.yaml's shards: 3 workers over a throwaway PostgreSQL"
scripts/sharded-rows.sh 3

echo
echo
echo "To serve the demo's data: $bin serve"
echo "  then open http://127.0.0.1:8080/?user=ava in a browser (a viewer's rows, search, title pages),"
echo "  or ask the API: curl 'localhost:8080/v1/search?q=heist%20thrillers' (every route: docs/serving.md)"
