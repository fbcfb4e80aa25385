#!/usr/bin/env python3
"""The mined micro-genres against Netflix's: how many of the facet sets `microgenre genres` mines
Netflix names too, and how many of Netflix's sets the engine mines.

Netflix's names (../shared/data/netflix-altgenres/altgenres-dev.csv) are parsed by `microgenre
taxonomy parse-names --json`; a name counts when it parses completely and names no person
(starring, directed by). The mined ones come from `microgenre genres --json` over the Corpus
(--min-titles, default 20; any other arguments after `--` go to `genres`). A name's facet set is
compared without the default noun "movies" ("Horror Movies" and "Horror Films" are {horror}).

Prints: the mined sets and the share of them Netflix also names; Netflix's sets and the share of
them mined; both again for the sets holding a tone or mood tag (the adjectives of feeling the
grammar puts first: Dark, Witty, Gritty, Atmospheric), and the shared sets with a tone or mood,
as examples.

Usage (from the repository root, after `swift build -c release`):
    scripts/eval-genres.py [--binary B] [--taxonomy T] [--min-titles 20] [-- --model m.mgtm]
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(args):
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode not in (0, 1) or not result.stdout:
        sys.exit(f"{' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def key(facets):
    return frozenset(f for f in facets if f != "movies")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/microgenre")
    parser.add_argument("--taxonomy", default="Taxonomy")
    parser.add_argument("--corpus", default="Corpus/films.xml.gz")
    parser.add_argument("--netflix", default=os.path.join(HERE, "../../shared/data/netflix-altgenres/altgenres-dev.csv"))
    parser.add_argument("--min-titles", type=int, default=20)
    parser.add_argument("rest", nargs="*", help="arguments for `microgenre genres` (after --)")
    options = parser.parse_args()
    taxonomy = ["--taxonomy", options.taxonomy]
    names = run([options.binary, "taxonomy", "parse-names", "--json", options.netflix] + taxonomy)
    netflix = {}
    for name in names:
        if name.get("complete") and not name.get("person") and name.get("facets"):
            netflix.setdefault(key(name["facets"]), name["name"])
    mined = {}
    for genre in run([options.binary, "genres", "--json", "--max-warnings", "0", "--min-titles",
                      str(options.min_titles), options.corpus] + taxonomy + options.rest):
        mined.setdefault(key(genre["facets"]), (genre["name"], genre["titles"]))
    # Which tags are tones or moods: those in the tone slot (their own `slot:`, else their facet's).
    tones = set()
    for file in sorted(os.listdir(options.taxonomy)):
        if not file.endswith(".taxonomy"):
            continue
        facet_slot, tag, slots = None, None, {}
        for line in open(os.path.join(options.taxonomy, file), encoding="utf-8"):
            words = line.split()
            if line.startswith("facet "):
                facet_slot, tag = None, None
            elif line.startswith("tag "):
                tag = words[1]
                slots[tag] = facet_slot
            elif words[:1] == ["slot:"] and len(words) > 1:
                if tag is None:
                    facet_slot = words[1]
                else:
                    slots[tag] = words[1]
        tones |= {t for t, slot in slots.items() if slot == "tone"}
    shared = set(mined) & set(netflix)
    with_tone = lambda sets: {s for s in sets if s & tones}
    print(f"mined facet sets (at least {options.min_titles} titles): {len(mined)}; "
          f"also named by Netflix: {len(shared)} ({len(shared) / max(1, len(mined)):.1%})")
    print(f"Netflix facet sets (names parsed completely, no person): {len(netflix)}; "
          f"mined: {len(shared)} ({len(shared) / max(1, len(netflix)):.1%})")
    mt, nt, st = with_tone(mined), with_tone(netflix), with_tone(shared)
    print(f"with a tone or mood: mined {len(mt)}, Netflix {len(nt)}, both {len(st)} "
          f"({len(st) / max(1, len(mt)):.1%} of mined, {len(st) / max(1, len(nt)):.1%} of Netflix's)")
    examples = sorted(st, key=lambda s: -mined[s][1])[:12]
    print("shared, with a tone or mood: " + "; ".join(f"{mined[s][0]} ({mined[s][1]})" for s in examples))


if __name__ == "__main__":
    main()
