#!/usr/bin/env python3
"""Prepares the MovieLens genre evaluation of the tagger (issue: taxonomy and tagger).

Joins ../shared/data/movielens/movies.csv to the Corpus through links-wikipedia.csv and writes,
into OUT_DIR (default .build/eval):
  truth.csv         title id, tag id, label: every joined film x every MovieLens genre
  films.xml         those films from Corpus/films.xml.gz with their <genre> elements removed,
                    so only the synopsis, title and credits speak
  exclude-ids.txt   their ids, to keep them out of the model's training data
  baseline.txt      micro-F1 of a baseline that looks for the genre word or an obvious synonym

MovieLens data is never copied into the repository: it is read from ../shared at eval time.
"""
import csv
import gzip
import re
import sys
from pathlib import Path

shared = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/movielens")
out = Path(sys.argv[2] if len(sys.argv) > 2 else ".build/eval")
out.mkdir(parents=True, exist_ok=True)

GENRE_TAGS = {
    "Action": "action", "Adventure": "adventures", "Animation": "animation", "Children": "children-family",
    "Comedy": "comedies", "Crime": "crime", "Documentary": "documentaries", "Drama": "dramas",
    "Fantasy": "fantasy", "Film-Noir": "noir", "Horror": "horror", "IMAX": "imax", "Musical": "musicals",
    "Mystery": "mysteries", "Romance": "romantic", "Sci-Fi": "sci-fi", "Thriller": "thrillers",
    "War": "war", "Western": "westerns",
}
# The baseline: the genre word or an obvious synonym anywhere in the synopsis.
BASELINE = {
    "Action": ["action"], "Adventure": ["adventure"], "Animation": ["animated", "animation"],
    "Children": ["children", "family"], "Comedy": ["comedy", "comedic"], "Crime": ["crime"],
    "Documentary": ["documentary"], "Drama": ["drama"], "Fantasy": ["fantasy"], "Film-Noir": ["noir"],
    "Horror": ["horror"], "IMAX": ["imax"], "Musical": ["musical"], "Mystery": ["mystery"],
    "Romance": ["romance", "romantic"], "Sci-Fi": ["science fiction", "sci-fi"], "Thriller": ["thriller"],
    "War": ["war"], "Western": ["western"],
}

genres = {row["movieId"]: [g for g in row["genres"].split("|") if g in GENRE_TAGS]
          for row in csv.DictReader(open(shared / "movies.csv", encoding="utf-8"))}
links = {row["movieId"]: row["href"] for row in csv.DictReader(open(shared / "links-wikipedia.csv", encoding="utf-8"))}

text = gzip.open("Corpus/films.xml.gz").read().decode("utf-8")
records = {}
for match in re.finditer(r'  <title id="([^"]*)"[^>]*>.*?</title>\n', text, re.S):
    ident = match.group(1).replace("&amp;", "&").replace("&quot;", '"').replace("&apos;", "'")
    records[ident] = match.group(0)  # the last record with an id wins, as in ingestion

films = [(movie, links[movie]) for movie in sorted(genres, key=int) if movie in links and links[movie] in records]
films = [(m, h) for (m, h) in films if genres[m]]
tp = fp = fn = 0
with open(out / "truth.csv", "w", encoding="utf-8", newline="") as truth, \
     open(out / "films.xml", "w", encoding="utf-8") as feed, \
     open(out / "exclude-ids.txt", "w", encoding="utf-8") as exclude:
    writer = csv.writer(truth)
    writer.writerow(["title_id", "tag_id", "label"])
    feed.write('<?xml version="1.0" encoding="UTF-8"?>\n<catalog xmlns="urn:microgenre:feed:1" version="1">\n')
    seen = set()
    for movie, href in films:
        if href in seen:
            continue
        seen.add(href)
        record = records[href]
        feed.write(re.sub(r"    <genre>[^<]*</genre>\n", "", record))
        exclude.write(href + "\n")
        synopsis = " ".join(re.findall(r"<synopsis[^>]*>(.*?)</synopsis>", record, re.S)).lower()
        for genre, tag in GENRE_TAGS.items():
            label = genre in genres[movie]
            writer.writerow([href, tag, 1 if label else 0])
            predicted = any(re.search(r"\b" + re.escape(word) + r"\b", synopsis) for word in BASELINE[genre])
            tp += predicted and label
            fp += predicted and not label
            fn += label and not predicted
    feed.write("</catalog>\n")
# Five folds by film for supervised cross-validation: fold k's labels never train its model.
rows = list(csv.reader(open(out / "truth.csv", encoding="utf-8")))[1:]
films_by_fold = {}
for ident in sorted(seen):
    films_by_fold[ident] = sum(ident.encode("utf-8")) * 2654435761 % 2**32 % 5
for k in range(5):
    with open(out / f"fold{k}-train.csv", "w", encoding="utf-8", newline="") as train, \
         open(out / f"fold{k}-test.csv", "w", encoding="utf-8", newline="") as test:
        csv.writer(train).writerows([r for r in rows if films_by_fold[r[0]] != k])
        csv.writer(test).writerows([r for r in rows if films_by_fold[r[0]] == k])
precision = tp / (tp + fp) if tp + fp else 0
recall = tp / (tp + fn) if tp + fn else 0
f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0
summary = f"baseline (genre word or synonym in the synopsis): P {precision:.3f} R {recall:.3f} micro-F1 {f1:.3f}"
(out / "baseline.txt").write_text(summary + "\n")
print(f"{len(seen)} films joined -> {out}/truth.csv, films.xml, exclude-ids.txt")
print(summary)
