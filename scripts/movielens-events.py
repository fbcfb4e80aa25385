#!/usr/bin/env python3
"""Converts MovieLens ratings into Microgenre viewing events (CSV), joined to the Corpus ids
through links-wikipedia.csv. Writes outside the repository's tracked files; MovieLens data is
never committed.

    python3 scripts/movielens-events.py ../shared/data/movielens .build/eval/movielens-events.csv
"""
import csv
import sys


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/movielens"
    target = sys.argv[2] if len(sys.argv) > 2 else ".build/eval/movielens-events.csv"
    ratings = f"{source}/ratings-dev.csv"
    try:
        open(ratings).close()
    except OSError:
        ratings = f"{source}/ratings.csv"
    href = {}
    with open(f"{source}/links-wikipedia.csv", newline="") as f:
        for row in csv.DictReader(f):
            # The Corpus ids are these page names as Wikipedia links them (percent-encoded).
            href[row["movieId"]] = row["href"]
    written = missing = 0
    with open(ratings, newline="") as f, open(target, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["user", "title", "timestamp", "event", "value"])
        for row in csv.DictReader(f):
            title = href.get(row["movieId"])
            if title is None:
                missing += 1
                continue
            writer.writerow([f"ml{row['userId']}", title, row["timestamp"], "rating", row["rating"]])
            written += 1
    print(f"{target}: {written} rating events ({missing} ratings of films without a Wikipedia link)")


if __name__ == "__main__":
    main()
