#!/usr/bin/env python3
"""Builds Corpus/films.xml.gz, in Microgenre's own feed format, from the Wikipedia film data
in ../shared/data/wikipedia-movies (one JSON file per decade).

Every film with an `extract` (its Wikipedia lead paragraph) becomes one <title>, with the
Wikipedia page name (`href`) as its id. The source lists American films, so each gets
<country>US</country>. Films that share a page keep their shared id: the feed carries
those duplicates on purpose, as real feeds do, and ingestion reports them (last wins).

Usage: scripts/make-corpus.py [SOURCE_DIR] [OUTPUT]
"""
import gzip
import json
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/wikipedia-movies")
output = Path(sys.argv[2] if len(sys.argv) > 2 else "Corpus/films.xml.gz")


def synopsis_length(text):
    size = len(text.encode("utf-8"))
    return "short" if size < 256 else "medium" if size < 1024 else "long"


films = []
for path in sorted(source.glob("movies-*.json")):
    films.extend(json.loads(path.read_text(encoding="utf-8")))
films.sort(key=lambda f: (f.get("year") or 0, f.get("title") or ""))

written = 0
with gzip.GzipFile(output, "wb", mtime=0) as raw:
    out = raw
    out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(b"<!-- Films from English Wikipedia: lead paragraphs CC BY-SA 4.0, see Corpus/NOTICE -->\n")
    out.write(b'<catalog xmlns="urn:microgenre:feed:1" version="1">\n')
    for film in films:
        extract = (film.get("extract") or "").strip()
        href = film.get("href")
        title = (film.get("title") or "").strip()
        if not extract or not href or not title:
            continue
        lines = [f"  <title id={quoteattr(href)} kind=\"movie\">", f"    <name>{escape(title)}</name>"]
        if film.get("year"):
            lines.append(f"    <year>{film['year']}</year>")
        lines.append(f'    <synopsis length="{synopsis_length(extract)}" lang="en">{escape(extract)}</synopsis>')
        for genre in film.get("genres") or []:
            lines.append(f"    <genre>{escape(genre)}</genre>")
        for name in film.get("cast") or []:
            if name and name.strip():
                lines.append(f'    <person role="cast">{escape(name.strip())}</person>')
        lines.append("    <country>US</country>")
        lines.append("  </title>")
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
        written += 1
    out.write(b"</catalog>\n")
print(f"{written} films -> {output}")
