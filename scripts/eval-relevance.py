#!/usr/bin/env python3
"""Relevance of category queries: Microgenre against Tantivy BM25 on the same documents.

Builds a judged query set from the Corpus itself: for each coarse Wikipedia genre (and some
pairs) a query as a user types it ("horror movies", "musical comedies"); the relevant titles
are those carrying the genre(s) in the source. Both engines index a copy of the Corpus with the
genre elements removed, so only synopses, titles, credits and (for Microgenre) the tagger can
find them. Microgenre tags from rules only (--no-model): a model trained on the Corpus has seen
these films' genres; and searches lexically (--no-embeddings): scripts/eval-search.py compares
the search modes. Prints nDCG@10 and P@10 per query and on average.

Usage: pip install tantivy; scripts/eval-relevance.py   (after `swift build -c release`)
"""
import gzip
import json
import math
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import tantivy

out = ".build/relevance"
os.makedirs(out, exist_ok=True)
binary = ".build/release/microgenre"

from category_queries import PAIRS, SINGLE

text = gzip.open("Corpus/films.xml.gz").read().decode("utf-8")
genres = {}
for match in re.finditer(r'  <title id="([^"]*)"[^>]*>(.*?)</title>\n', text, re.S):
    ident = match.group(1).replace("&amp;", "&").replace("&quot;", '"').replace("&apos;", "'")
    genres[ident] = set(g.replace("&amp;", "&") for g in re.findall(r"<genre>([^<]*)</genre>", match.group(2)))
stripped = re.sub(r"    <genre>[^<]*</genre>\n", "", text)
feed = f"{out}/films-without-genres.xml"
open(feed, "w", encoding="utf-8").write(stripped)

queries = [(q, {i for i, g in genres.items() if genre in g}) for genre, q in SINGLE.items()]
queries += [(q, {i for i, g in genres.items() if a in g and b in g}) for (a, b), q in PAIRS.items()]
queries = [(q, rel) for q, rel in queries if len(rel) >= 10]

subprocess.run([binary, "index", "--no-model", "--no-embeddings", "--max-warnings", "0", "--index", f"{out}/index", feed],
               check=True, stdout=subprocess.DEVNULL)


def microgenre(query):
    result = subprocess.run([binary, "search", "--no-embeddings", "--index", f"{out}/index", "--json", "--limit", "10", query],
                            check=True, capture_output=True, text=True)
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


path = f"{out}/tantivy-index"
shutil.rmtree(path, ignore_errors=True)
os.makedirs(path)
builder = tantivy.SchemaBuilder()
builder.add_text_field("id", stored=True)
for name in ("title", "synopsis", "people"):
    builder.add_text_field(name, tokenizer_name="en_stem")
schema = builder.build()
index = tantivy.Index(schema, path=path)
writer = index.writer(heap_size=200_000_000, num_threads=1)
for _, element in ET.iterparse(feed):
    if element.tag.endswith("title") and element.get("id") is not None:
        fields = {"title": [], "synopsis": [], "people": []}
        for child in element:
            name = child.tag.rsplit("}", 1)[-1]
            key = {"name": "title", "synopsis": "synopsis", "person": "people"}.get(name)
            if key:
                fields[key].append(child.text or "")
        writer.add_document(tantivy.Document(id=element.get("id"), **{k: " ".join(v) for k, v in fields.items()}))
        element.clear()
writer.commit()
writer.wait_merging_threads()
index.reload()
searcher = index.searcher()


def bm25(query):
    parsed = index.parse_query(re.sub(r"[^\w\s]", " ", query), ["title", "synopsis", "people"])
    return [searcher.doc(address)["id"][0] for _, address in searcher.search(parsed, 10).hits]


def ndcg(found, relevant):
    gain = sum(1 / math.log2(k + 2) for k, ident in enumerate(found[:10]) if ident in relevant)
    ideal = sum(1 / math.log2(k + 2) for k in range(min(10, len(relevant))))
    return gain / ideal if ideal else 0


totals = {"microgenre": [0, 0], "tantivy": [0, 0]}
print(f"{'query':30}{'relevant':>9}  {'Microgenre nDCG  P@10':>22}  {'Tantivy nDCG  P@10':>20}")
for query, relevant in queries:
    row = f"{query:30}{len(relevant):>9}"
    for name, run in (("microgenre", microgenre), ("tantivy", bm25)):
        found = run(query)
        n, p = ndcg(found, relevant), sum(1 for i in found[:10] if i in relevant) / 10
        totals[name][0] += n
        totals[name][1] += p
        row += f"  {n:>12.3f} {p:>6.2f}"
    print(row)
count = len(queries)
m, t = totals["microgenre"], totals["tantivy"]
print(f"{'mean over ' + str(count) + ' queries':39}  {m[0] / count:>12.3f} {m[1] / count:>6.2f}  {t[0] / count:>12.3f} {t[1] / count:>6.2f}")
print(f"ratio nDCG@10 Microgenre / Tantivy: {m[0] / t[0]:.2f}")
