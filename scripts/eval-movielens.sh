#!/usr/bin/env bash
# The tagger against MovieLens genres (needs ../shared/data/movielens; never commits it).
#   1. rules only, and rules + the distant-supervision model trained on the Corpus without the
#      evaluated films;
#   2. rules + a model trained on MovieLens labels by 5-fold cross-validation: each fold's
#      films are tagged by a model that never saw their labels.
# The evaluated copy of each film has its genre elements removed: only synopsis, title and
# credits speak.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/microgenre
swift build -c release --product microgenre >/dev/null
python3 scripts/eval-movielens.py "${1:-../shared/data/movielens}" .build/eval
# The copy's own index: its vectors are embedded from the copy (no genre elements), never read
# from the Corpus index, whose titles' text still names their genres.
"$bin" index --no-model --replace --index .build/eval/films-index --max-warnings 0 .build/eval/films.xml >/dev/null
echo
echo "== rules only"
"$bin" eval tags --no-model --truth .build/eval/truth.csv .build/eval/films.xml | tail -2
"$bin" model train Corpus/films.xml.gz --exclude-ids .build/eval/exclude-ids.txt --out .build/eval/distant.mgtm 2>/dev/null
echo "== rules + distant-supervision model (Corpus, evaluated films left out)"
"$bin" eval tags --model .build/eval/distant.mgtm --index .build/eval/films-index --truth .build/eval/truth.csv .build/eval/films.xml | tail -2
echo "== rules + model trained on MovieLens labels, 5-fold cross-validation (threshold 0.35)"
for k in 0 1 2 3 4; do
    "$bin" model train .build/eval/films.xml --labels .build/eval/fold$k-train.csv --minimum-positives 10 \
        --index .build/eval/films-index --out .build/eval/fold$k.mgtm >/dev/null 2>&1
    "$bin" eval tags --json --threshold 0.35 --model .build/eval/fold$k.mgtm --index .build/eval/films-index \
        --truth .build/eval/fold$k-test.csv .build/eval/films.xml \
        > .build/eval/fold$k.json
done
python3 - <<'PY'
import json
tags = {}
for k in range(5):
    for t in json.load(open(f".build/eval/fold{k}.json"))["tags"]:
        c = tags.setdefault(t["tag"], [0, 0, 0])
        c[0] += t["tp"]; c[1] += t["fp"]; c[2] += t["fn"]
def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0
    r = tp / (tp + fn) if tp + fn else 0
    return p, r, (2 * p * r / (p + r) if p + r else 0)
print(f"{'tag':26}{'support':>8}{'P':>7}{'R':>7}{'F1':>7}")
for tag, (tp, fp, fn) in sorted(tags.items(), key=lambda kv: -(kv[1][0] + kv[1][2])):
    p, r, f = prf(tp, fp, fn)
    print(f"{tag:26}{tp + fn:>8}{p:>7.2f}{r:>7.2f}{f:>7.2f}")
tp, fp, fn = (sum(c[i] for c in tags.values()) for i in range(3))
p, r, f = prf(tp, fp, fn)
print(f"{'micro':26}{tp + fn:>8}{p:>7.2f}{r:>7.2f}{f:>7.2f}")
macro = [prf(*c) for c in tags.values() if c[0] + c[2] > 0]
print(f"{'macro':26}{'':>8}{sum(m[0] for m in macro)/len(macro):>7.2f}{sum(m[1] for m in macro)/len(macro):>7.2f}{sum(m[2] for m in macro)/len(macro):>7.2f}")
PY
