#!/usr/bin/env bash
# The main job on the bundled Corpus: set up (system packages and the sentence-embedding model),
# build in release, ingest, tag, embed, index, search (lexical and hybrid), and build
# personalized rows from a bundled synthetic viewing history.
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

echo
echo "\$ microgenre taxonomy check"
"$bin" taxonomy check

echo
echo "\$ microgenre taxonomy parse-names Corpus/samples/genre-names.txt"
"$bin" taxonomy parse-names Corpus/samples/genre-names.txt

echo
echo "\$ microgenre model train Corpus/films.xml.gz      # the tagger's learned model, about a minute"
"$bin" model train Corpus/films.xml.gz 2>/dev/null

echo
echo "\$ microgenre tag Corpus/films.xml.gz --id Groundhog_Day_\(film\) --id Heat_\(1995_film\)"
"$bin" tag Corpus/films.xml.gz --max-warnings 0 --id "Groundhog_Day_(film)" --id "Heat_(1995_film)"

echo
echo "\$ microgenre tag Corpus/films.xml.gz --audit --phrases 5 | grep -A1 -E '^(dark|royalty|blockbuster) '   # what decides each tag"
"$bin" tag Corpus/films.xml.gz --audit --phrases 5 --max-warnings 0 2>/dev/null | grep -A1 -E '^(dark|royalty|blockbuster) '

echo
echo "\$ microgenre genres Corpus/films.xml.gz --min-titles 20 --limit 25"
"$bin" genres Corpus/films.xml.gz --max-warnings 0 --min-titles 20 --limit 25

echo
echo "\$ microgenre embed \"The weather is lovely today.\" \"It's so sunny outside!\" \"He drove to the stadium.\""
if "$bin" embed "The weather is lovely today." "It's so sunny outside!" "He drove to the stadium." 2>/dev/null; then
    embedded=1
else
    embedded=0
    echo "(no sentence-embedding model: scripts/setup-model.sh installs it; searches below are lexical)"
fi

echo
echo "\$ microgenre index --replace Corpus/films.xml.gz     # with the model: embeds every title, several minutes"
"$bin" index --replace --max-warnings 0 Corpus/films.xml.gz

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
echo "\$ microgenre events import Corpus/events.csv     # a small synthetic viewing history"
"$bin" events import Corpus/events.csv

echo
echo "\$ microgenre search \"dark witty female-led workplace comedy\" --limit 5 --user ava --explain"
"$bin" search "dark witty female-led workplace comedy" --limit 5 --user ava --explain

echo
echo "\$ microgenre rows --user ava --rows 12 --show 4"
"$bin" rows --user ava --rows 12 --show 4

echo
echo "\$ microgenre rows --user newcomer --rows 4 --show 4     # no history: popular, diverse rows"
"$bin" rows --user newcomer --rows 4 --show 4

echo
echo "\$ microgenre rows --all-users --shard 1/2 --out .microgenre/pages"
"$bin" rows --all-users --shard 1/2 --out .microgenre/pages
