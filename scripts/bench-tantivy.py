#!/usr/bin/env python3
"""Runs the Corpus and the plain-text queries of `MicrogenreBench search` in Tantivy (the
`tantivy` package from PyPI) and prints both engines' figures and their ratio.

Run `.build/release/MicrogenreBench search` first: it writes .build/bench/queries-plain.txt
(title and person lookups) and .build/bench/microgenre-search.json (our figures).

Usage: pip install tantivy; scripts/bench-tantivy.py [Corpus/films.xml.gz]
"""
import gzip
import json
import os
import shutil
import sys
import time
import xml.etree.ElementTree as ET

import tantivy

feed = sys.argv[1] if len(sys.argv) > 1 else "Corpus/films.xml.gz"
ours = json.load(open(".build/bench/microgenre-search.json"))
queries = [q for q in open(".build/bench/queries-plain.txt", encoding="utf-8").read().split("\n") if q]


def local(tag):
    return tag.rsplit("}", 1)[-1]


records = {}
with gzip.open(feed) if feed.endswith(".gz") else open(feed, "rb") as stream:
    for _, element in ET.iterparse(stream):
        if local(element.tag) != "title" or element.get("id") is None:
            continue
        fields = {"title": "", "alternate": [], "synopsis": [], "people": [], "keywords": []}
        for child in element:
            name, text = local(child.tag), (child.text or "")
            if name == "name":
                fields["title"] = text
            elif name in ("subtitle", "original-name"):
                fields["alternate"].append(text)
            elif name == "synopsis":
                fields["synopsis"].append(text)
            elif name == "person":
                fields["people"].append(text)
            elif name in ("genre", "keyword"):
                fields["keywords"].append(text)
        records[element.get("id")] = fields  # last wins, as in Microgenre
        element.clear()

path = ".build/bench/tantivy-index"
shutil.rmtree(path, ignore_errors=True)
os.makedirs(path)
builder = tantivy.SchemaBuilder()
builder.add_text_field("id", stored=True)
for name in ("title", "alternate", "synopsis", "people", "keywords"):
    builder.add_text_field(name, stored=False, tokenizer_name="en_stem")
schema = builder.build()
start = time.perf_counter()
index = tantivy.Index(schema, path=path)
writer = index.writer(heap_size=200_000_000, num_threads=1)
for ident, fields in records.items():
    writer.add_document(tantivy.Document(
        id=ident, title=fields["title"], alternate=" ".join(fields["alternate"]),
        synopsis=" ".join(fields["synopsis"]), people=". ".join(fields["people"]),
        keywords=". ".join(fields["keywords"])))
writer.commit()
writer.wait_merging_threads()
build = time.perf_counter() - start
size = sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))

index.reload()
searcher = index.searcher()
field_names = ["title", "alternate", "synopsis", "people", "keywords"]
boosts = {"title": 3.0, "alternate": 2.0, "synopsis": 1.0, "people": 2.5, "keywords": 1.5}


def escape(text):
    return "".join(" " if not (c.isalnum() or c.isspace()) else c for c in text)


latencies = []
for _ in range(2):  # the first pass warms caches; the second is measured
    latencies = []
    for query in queries:
        start = time.perf_counter()
        parsed = index.parse_query(escape(query), field_names, field_boosts=boosts)
        searcher.search(parsed, 10)
        latencies.append((time.perf_counter() - start) * 1000)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


print(f"{len(records)} titles, {len(queries)} plain-text queries (title and person lookups)")
print(f"{'':26}{'Microgenre':>12}{'Tantivy':>12}{'ratio':>8}")
rows = [
    ("index build (s)", ours["build_seconds"], build),
    ("index size (MB)", ours["index_bytes"] / 1e6, size / 1e6),
    ("query p50 (ms)", ours["plain_p50_ms"], percentile(latencies, 0.5)),
    ("query p95 (ms)", ours["plain_p95_ms"], percentile(latencies, 0.95)),
    ("query p99 (ms)", ours["plain_p99_ms"], percentile(latencies, 0.99)),
]
for name, mine, theirs in rows:
    print(f"{name:26}{mine:>12.3f}{theirs:>12.3f}{mine / theirs:>8.2f}")
print("Microgenre's build also tags every title (rules and model); Tantivy only tokenizes.")
print("Both latencies include query parsing; Tantivy's runs through its Python binding.")
