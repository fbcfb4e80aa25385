#!/usr/bin/env bash
# The pages against MovieLens viewing (needs ../shared/data/movielens; never commits it):
# ratings joined to the Corpus through links-wikipedia.csv, ratings >= 4 positive, each user's
# last 20% of positives by time held out. Prints popularity, item-kNN, content, the Microgenre
# ranker and page, then implicit's ALS on the same split (pip install implicit).
#   scripts/eval-rows.sh [MOVIELENS_DIR] [INDEX]
# INDEX: the index whose facets the pages use (default: .build/eval/corpus-index, built here
# from the Corpus without embeddings, tagged with the tag model when there is one); pass one
# built with embeddings (and `index --merge` after `model train`) to measure facets from meaning.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/microgenre
swift build -c release --product microgenre >/dev/null
mkdir -p .build/eval
python3 scripts/movielens-events.py "${1:-../shared/data/movielens}" .build/eval/movielens-events.csv
index=${2:-.build/eval/corpus-index}
if [ ! -f "$index/CURRENT" ]; then
    "$bin" index --no-embeddings --index "$index" --replace --max-warnings 0 Corpus/films.xml.gz
fi
"$bin" eval rows --index "$index" --events .build/eval/movielens-events.csv --holdout-last 20% \
    --split-out .build/eval/rows-split
python3 -c "import implicit" 2>/dev/null || pip install -q implicit
echo "== implicit ALS on the same split (16 factors, the best of those tried)"
python3 scripts/eval-als.py .build/eval/rows-split --factors 16 --regularization 0.05 --alpha 10
