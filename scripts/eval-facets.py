#!/usr/bin/env python3
"""Fine-facet recall on the MovieLens dev tags: do the films viewers describe with a word carry
the facet that word names?

../shared/data/movielens/tags-dev.csv (userId,movieId,tag,timestamp) is joined to the Corpus
through links-wikipedia.csv. Each tag text (lowercased, spaces collapsed) given to at least
--min-films Corpus films is parsed by `microgenre query --json` (with --index, so a person's name
stays a name); a text "maps to facets" when the parse finds one or more facets and nothing else
(no leftover words, no names): "atmospheric" -> mood atmospheric, "heist" -> subject heist,
"al pacino" -> nothing. For each mapped text, recall = the share of its films that carry every
one of its facets at 0.5 or more. The tagger's output comes from `microgenre tag --json` over a
feed of the MovieLens films of the Corpus (their records unchanged), once per configuration
(--config NAME=ARGS, the arguments added to `tag`: "--no-model", "--model m.mgtm", ...).

Per configuration the script prints the mapped texts, macro and micro recall, and how often the
facets fire at all (the mean share of the MovieLens films carrying each mapped text's facets:
recall bought by tagging everything shows there). The texts are split in two halves by a hash of
the text (half A and half B): tune on one, check on the other. --per-text lists each text's
recall in every configuration.

--samples N writes, for each configuration after the first, up to N titles per facet that reach
0.5 in it but not in the configuration before, with the evidence and the synopsis's start, to
OUT/samples-NAME.jsonl: the titles to read when judging what a new source of evidence adds.

MovieLens data is read at run time and never written into the repository.

Usage (from the repository root, after `swift build -c release` and `microgenre index`):
    scripts/eval-facets.py --config rules=--no-model --config model= [--index .microgenre/index]
"""

import argparse
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


# The Corpus reader, the feed writer and the dev-tag join are eval-search.py's.
_spec = importlib.util.spec_from_file_location("eval_search", os.path.join(HERE, "eval-search.py"))
eval_search = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(eval_search)
read_corpus = eval_search.read_corpus
write_feed = eval_search.write_feed


def dev_tags(movielens, records, min_films):
    """The MovieLens films of the Corpus, and each dev tag text on min_films or more of them."""
    films, queries, _ = eval_search.movielens_queries(movielens, records, min_films)
    return films, {text: ids for text, _, ids in queries}


def parse(binary, text, index):
    args = [binary, "query", "--json", text] + (["--index", index] if index else [])
    run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode != 0:
        return None
    parsed = json.loads(run.stdout)
    facets = [facet["tag"] if isinstance(facet, dict) else facet for facet in parsed.get("facets", [])]
    if not facets or parsed.get("terms") or parsed.get("names") or parsed.get("phrases"):
        return None
    return sorted(set(facets))


def tag_all(binary, feed, extra, index):
    args = [binary, "tag", "--json", feed] + (["--index", index] if index else []) + extra
    run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"tag {' '.join(extra)} failed:\n{run.stderr}")
    scores = {}
    for line in run.stdout.splitlines():
        record = json.loads(line)
        scores[record["id"]] = {t["tag"]: (t["score"], t["evidence"]) for t in record["tags"]}
    return scores


def half(text):
    return "A" if zlib.crc32(text.encode()) % 2 == 0 else "B"


def synopsis_start(record, length=320):
    match = re.search(r"<synopsis[^>]*>([^<]*)</synopsis>", record)
    return match.group(1)[:length] if match else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/microgenre")
    parser.add_argument("--corpus", default="Corpus/films.xml.gz")
    parser.add_argument("--movielens", default=os.path.join(HERE, "../../shared/data/movielens"))
    parser.add_argument("--index", default=".microgenre/index", help="index for names and title vectors ('' for none)")
    parser.add_argument("--out", default=".build/facet-eval")
    parser.add_argument("--min-films", type=int, default=5)
    parser.add_argument("--config", action="append", default=[], help="NAME=ARGS added to `microgenre tag`")
    parser.add_argument("--per-text", action="store_true")
    parser.add_argument("--samples", type=int, default=0)
    options = parser.parse_args()
    if not options.config:
        options.config = ["rules=--no-model", "model="]
    os.makedirs(options.out, exist_ok=True)
    records = read_corpus(options.corpus)
    films, texts = dev_tags(options.movielens, records, options.min_films)
    feed = os.path.join(options.out, "movielens-films.xml")
    write_feed(feed, [records[i] for i in sorted(films)])
    mapped = {}
    for text in sorted(texts):
        facets = parse(options.binary, text, options.index)
        if facets:
            mapped[text] = facets
    print(f"{len(films)} MovieLens films in the Corpus; {len(texts)} dev tag texts on {options.min_films}+ films; "
          f"{len(mapped)} map to facets: " + ", ".join(f"{t} -> {'+'.join(f)}" for t, f in mapped.items()))
    results = {}
    previous = None
    for config in options.config:
        name, _, args = config.partition("=")
        scores = tag_all(options.binary, feed, args.split(), options.index)
        results[name] = {}
        for text, facets in mapped.items():
            ids = texts[text]
            carried = sum(all(scores.get(i, {}).get(f, (0, []))[0] >= 0.5 for f in facets) for i in ids)
            firing = sum(all(s.get(f, (0, []))[0] >= 0.5 for f in facets) for s in scores.values())
            results[name][text] = (carried, len(ids), firing / max(1, len(scores)))
        if previous is not None and options.samples:
            rng = random.Random(7)
            path = os.path.join(options.out, f"samples-{name}.jsonl")
            with open(path, "w", encoding="utf-8") as out:
                facets = sorted({f for fs in mapped.values() for f in fs})
                for facet in facets:
                    new = [i for i in sorted(scores) if scores[i].get(facet, (0, []))[0] >= 0.5
                           and previous.get(i, {}).get(facet, (0, []))[0] < 0.5]
                    for ident in rng.sample(new, min(options.samples, len(new))):
                        score, evidence = scores[ident][facet]
                        out.write(json.dumps({"config": name, "facet": facet, "id": ident, "score": score,
                                              "evidence": evidence[:4],
                                              "synopsis": synopsis_start(records[ident])}) + "\n")
            print(f"samples: {path}")
        previous = scores
    header = f"{'configuration':<14} {'texts':>5} {'macro R':>8} {'micro R':>8} {'fires on':>9}   half A R   half B R"
    print(header)
    for name, by_text in results.items():
        macro = sum(c / n for c, n, _ in by_text.values()) / max(1, len(by_text))
        micro = sum(c for c, _, _ in by_text.values()) / max(1, sum(n for _, n, _ in by_text.values()))
        fires = sum(f for _, _, f in by_text.values()) / max(1, len(by_text))
        halves = []
        for h in "AB":
            part = [(c, n) for t, (c, n, _) in by_text.items() if half(t) == h]
            halves.append(sum(c / n for c, n in part) / max(1, len(part)))
        print(f"{name:<14} {len(by_text):>5} {macro:>8.3f} {micro:>8.3f} {fires:>8.1%}   "
              f"{halves[0]:>8.3f}   {halves[1]:>8.3f}")
    if options.per_text:
        names = list(results)
        print(f"{'text':<24} {'facets':<28} {'films':>5} " + " ".join(f"{n[:10]:>10}" for n in names))
        for text, facets in mapped.items():
            cells = " ".join(f"{results[n][text][0] / results[n][text][1]:>10.2f}" for n in names)
            print(f"{text[:24]:<24} {'+'.join(facets)[:28]:<28} {len(texts[text]):>5} {cells}  ({half(text)})")


if __name__ == "__main__":
    main()
