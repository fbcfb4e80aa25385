#!/usr/bin/env bash
# Builds the small live fixture the API-contract and browser tests serve: a slice of the Corpus
# (every film the demo's viewing events name, then the Corpus's first films up to 6,000 titles),
# one title named `<script>alert(1)</script>` (the page must show it as text), indexed from
# rules only, and the Corpus's events imported. Prints nothing on success but the directory.
#
#   scripts/live-fixture.sh BINARY DIRECTORY
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1
dir=$2
rm -rf "$dir"
mkdir -p "$dir"
python3 - "$dir/slice.xml" <<'PY'
import csv, gzip, re, sys
named = {row["title"] for row in csv.DictReader(open("Corpus/events.csv", newline=""))}
text = gzip.open("Corpus/films.xml.gz", "rt", encoding="utf-8").read()
head, _, rest = text.partition("<title ")
blocks = re.findall(r"<title .*?</title>", "<title " + rest, flags=re.S)
ids = [re.match(r'<title id="([^"]*)"', b).group(1) for b in blocks]
from urllib.parse import unquote
keep = [b for b, i in zip(blocks, ids) if i in named or unquote(i) in named]
for b, i in zip(blocks, ids):
    if len(keep) >= 6000:
        break
    if not (i in named or unquote(i) in named):
        keep.append(b)
keep.append('<title id="xss-probe" kind="movie"><name>&lt;script&gt;alert(1)&lt;/script&gt;</name>'
            '<year>2020</year><synopsis length="short" lang="en">A workplace comedy whose title is markup '
            '&lt;img src=x onerror=alert(2)&gt; and must render as text.</synopsis><genre>Comedy</genre></title>')
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write(head + "\n".join(keep) + "\n</catalog>\n")
PY
"$bin" index --no-model --no-embeddings --index "$dir/index" --replace "$dir/slice.xml" >"$dir/index.log" 2>&1
"$bin" events import Corpus/events.csv --events "$dir/events.sqlite" >>"$dir/index.log" 2>&1
echo "$dir"
