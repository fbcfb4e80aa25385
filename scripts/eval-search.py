#!/usr/bin/env python3
"""Search relevance on two judged query sets: every Microgenre search mode against Tantivy BM25.

One run measures, on the same documents and the same queries, each mode of `microgenre search`
that the binary accepts (lexical today; semantic and hybrid once `--mode` exists) and Tantivy
BM25 (the `tantivy` package from PyPI, installed by the script with pip when it is missing).

Set (a), MovieLens tags: how viewers describe films.
  ../shared/data/movielens/tags-dev.csv (userId,movieId,tag,timestamp) is joined to the Corpus
  through links-wikipedia.csv (movieId -> Wikipedia href = Corpus title id). Tag texts are
  normalized (lowercased, trimmed, inner whitespace collapsed); a text given to at least 5
  distinct Corpus films becomes a query, the text itself, and its relevant titles are the films
  users gave it. The search space is the MovieLens films of the Corpus only: a feed holding just
  those <title> records, copied from Corpus/films.xml.gz unchanged (one record per id, the last,
  as ingestion keeps). The queries are also grouped by kind (mood/tone, genre, theme/plot/setting,
  people/franchise/source, opinion/meta) with a small hand-made table of the dev texts, printed
  with the results; texts it does not list (e.g. the held-out half) fall in "not grouped". The
  grouping only splits the report: nothing is tuned to these words.

Set (b), short synopses: category queries when all a title has is one sentence.
  A copy of the whole Corpus (one record per id) whose synopses are cut to their first sentence
  and whose <genre> elements are removed. The sentence splitter does not end a sentence after
  titles such as "Dr.", "St.", "Mr.", and ends one after an initial ("D. W. Griffith"), a dotted
  acronym ("U.S.") or a company abbreviation ("Bros.", "Inc.") only when the next word is a
  common sentence opener ("The", "It", "He" ...); `--self-test` runs its examples. The queries
  are eval-relevance.py's: a coarse Wikipedia genre ("horror movies") or a pair ("musical
  comedies") with at least 10 titles; relevant = the titles carrying those genres in the
  original Corpus.

Both sets are indexed with `microgenre index --no-model` (rules only), as eval-relevance.py does:
the tag model is trained on the full Corpus genres and would leak set (b)'s answers. If the
binary embeds titles for semantic search, it does so by itself at index time.
Tantivy indexes the same feed files: title, synopsis and people (names joined), each with its
English stemming tokenizer (en_stem), no field boosts, the query's punctuation replaced by spaces
and parsed with its default OR semantics.

Metrics per query, over the top 100 results: nDCG@10 with binary gains (ideal = min(10, relevant)
relevant titles first) and recall@100 = relevant found in the top 100 / all relevant. Recall@100
cannot exceed 100/relevant, which bites set (b)'s large genres; the table prints that ceiling.
Each Microgenre search runs as its own process (`--json --limit 100`), and its wall time is
measured around the process run (start, index open, search, JSON output); the median per mode
is printed. A query that Microgenre's parser rejects (exit 1) is retried once with punctuation
replaced by spaces, and counted.

Reading the numbers: both sets' judgments are incomplete, so compare engines with each other, not
with 1.0. In (a) a user tags a handful of the films that fit ("al pacino": 5 of the dozens of
Pacino films; a top 10 of Pacino films can score 0), and some texts describe no film at all
("in netflix queue", "bad"). In (b) the source's genre lists miss many genres that the first
sentence states ("a 1945 American film noir" labelled Drama only) and hold some wrong ones.

Modes: the script reads `microgenre help search`. Without a `--mode` option it runs the lexical
search as it is; with one, every mode the help names (lexical, semantic, hybrid) that answers a
probe query (a mode whose model or embeddings are missing is reported and skipped).

Writes into OUT (default .build/search-eval): the two feeds, the indexes, and per-query results
OUT/per-query-movielens-tags.csv and OUT/per-query-short-synopsis.csv (query, kind, relevant,
engine, ndcg10, recall100, hits10, hits100, seconds). Prints a markdown table per set. Takes a
few minutes (the whole-Corpus index of set (b) dominates, more when titles are embedded).

Usage (from the repository root, after `swift build -c release`):
  scripts/eval-search.py [--binary .build/release/microgenre] [--out .build/search-eval]
                         [--movielens ../shared/data/movielens] [--corpus Corpus/films.xml.gz]
                         [--modes lexical,semantic,hybrid] [--sets tags,short]
  scripts/eval-search.py --self-test      # the sentence splitter's examples only
MovieLens data is read from ../shared at run time and never written into the repository.
"""
import argparse
import csv
import gzip
import json
import math
import os
import shlex
import re
import shutil
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from xml.sax.saxutils import escape, unescape

XML_ENTITIES = {"&quot;": '"', "&apos;": "'"}
KNOWN_MODES = ("lexical", "semantic", "hybrid")

# Category queries, shared with eval-relevance.py.
from category_queries import PAIRS, SINGLE  # noqa: E402

# A hand-made grouping of the dev tag texts, for the report only.
KINDS = {
    "mood/tone": [
        "atmospheric", "funny", "quirky", "suspense", "dark", "disturbing", "witty", "creepy",
        "philosophical", "beautiful", "sarcasm", "humorous", "psychological"],
    "genre": [
        "action", "crime", "adventure", "romance", "thriller", "screwball", "biopic", "swashbuckler",
        "superhero"],
    "theme/plot/setting": [
        "politics", "psychology", "high school", "religion", "mafia", "heist", "mental illness",
        "divorce", "movie business", "twins", "england", "disability", "corruption", "india",
        "artificial intelligence", "kidnapping", "pregnancy", "men in drag", "civil war",
        "television", "sports", "lawyers", "future", "judaism"],
    "people/franchise/source": [
        "stephen king", "leonardo dicaprio", "coen brothers", "will ferrell", "astaire and rogers",
        "nick and nora charles", "al pacino", "hepburn and tracy", "shakespeare", "comic book",
        "remake"],
    "opinion/meta": ["in netflix queue", "classic", "predictable", "bad", "cult film"],
}
KIND_OF = {text: kind for kind, texts in KINDS.items() for text in texts}
UNGROUPED = "not grouped"

# ---------------------------------------------------------------------------------------------
# The sentence splitter

# Never end a sentence: they stand before a name or a number.
TITLES = {
    "mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "st", "mt", "ft", "gen", "col", "lt", "capt",
    "cpt", "sgt", "maj", "cmdr", "adm", "gov", "sen", "rep", "pres", "prof", "rev", "fr", "hon",
    "vs", "v", "vol", "ca", "c", "approx", "nos", "pp", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "cf", "a.k.a", "aka", "transl", "lit",
    "op", "pt", "feat",
}
# May end a sentence, or not: "Warner Bros. Pictures" / "by Warner Bros. It stars".
MAYBE_FINAL = {"inc", "co", "corp", "ltd", "bros", "jr", "sr", "etc", "al", "esq", "no"}
# Words that open a sentence in these lead paragraphs; after an ambiguous period (an initial, an
# acronym, MAYBE_FINAL) a sentence ends only before one of them.
OPENERS = {
    "the", "it", "its", "he", "she", "they", "his", "her", "their", "this", "that", "these", "those",
    "there", "in", "a", "an", "after", "as", "at", "when", "while", "although", "though", "however",
    "during", "on", "one", "set", "based", "following", "despite", "upon", "with", "released",
    "directed", "produced", "written", "starring", "filming", "principal", "originally", "later",
    "unlike", "its", "both", "each", "some", "many", "several", "following", "we", "i", "you",
    "what", "when", "where", "who", "how", "why", "but", "and", "so", "also", "since", "because",
    "if", "for", "from", "by", "of", "to", "then", "now", "today", "according",
}
BOUNDARY = re.compile(r"([.!?]+)([\"'\u201d\u2019)\]]*)\s+")


def first_sentence(text, protect=()):
    """The text's first sentence (the whole text when it has one). No sentence ends inside an
    occurrence of a phrase in protect (the film's own name: "Tora! Tora! Tora!", "B.S. I Love You")."""
    inside = []
    for phrase in protect:
        if phrase:
            inside += [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), text)]
    for match in BOUNDARY.finditer(text):
        if any(start <= match.start() and match.end(1) < end for start, end in inside):
            continue
        rest = text[match.end():]
        if not rest:
            break
        following = rest.lstrip("\"'\u201c\u2018([")
        if not following or not (following[0].isupper() or following[0].isdigit()):
            continue  # "Airplane! is a film", "a.k.a. the", "c. 1920" stay in the sentence
        next_word = re.match(r"[\w']*", following).group(0).lower()
        if re.match(r"[A-Z]\.", following):
            next_word = ""  # an initial, not "A" or "I" opening a sentence: "directed by E. A. Dupont"
        marks = match.group(1)
        if marks[0] in "!?" or len(marks) > 1:
            # "Oh! Heavenly Dog is", "Liberty! The American Revolution is", "Hype! (1996) is",
            # "Pyro... The Thing Without a Face is": a title's exclamation, not a sentence
            if len(text[:match.start()].split()) < 4 or rest[0] == "(":
                continue
            if marks[0] in "!?":
                return text[:match.end()].rstrip()
        token = re.search(r"(\S*)$", text[:match.start()]).group(1).lstrip("\"'\u201c\u2018([")
        word = token.lower()
        if len(marks) > 1:
            final = next_word in OPENERS  # "..."
        elif not token or token[-1].isdigit() or token[-1] in ")]\"'\u201d\u2019":
            final = True  # "in 1915." "(film)."
        elif word in TITLES:
            final = False
        elif word == "no" and following[0].isdigit():
            final = False  # "No. 5"
        elif (len(token) == 1 and token.isalpha()
              or re.fullmatch(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}", token)
              or word in MAYBE_FINAL):
            final = next_word in OPENERS  # "D. W. Griffith", "the U.S. Navy" / "in the U.S. It"
        else:
            final = True
        if final:
            return text[:match.end()].rstrip()
    return text.strip()


SPLITTER_EXAMPLES = [
    ("The Birth of a Nation is a 1915 film directed by D. W. Griffith. It stars Lillian Gish.",
     "The Birth of a Nation is a 1915 film directed by D. W. Griffith."),
    ("Dr. Strangelove is a 1964 satire by Stanley Kubrick. It stars Peter Sellers.",
     "Dr. Strangelove is a 1964 satire by Stanley Kubrick."),
    ("St. Elmo's Fire is a 1985 drama. It follows friends.", "St. Elmo's Fire is a 1985 drama."),
    ("Mr. Smith Goes to Washington is a 1939 film. Frank Capra directed it.",
     "Mr. Smith Goes to Washington is a 1939 film."),
    ("The U.S. Marshals track a fugitive across the U.S. The film was a hit.",
     "The U.S. Marshals track a fugitive across the U.S."),
    ("U.S. Marshals is a 1998 action film. It is a spin-off.", "U.S. Marshals is a 1998 action film."),
    ("It was released by Warner Bros. Pictures in 1950. It was a hit.",
     "It was released by Warner Bros. Pictures in 1950."),
    ("It was released by Warner Bros. It was a hit.", "It was released by Warner Bros."),
    ("John F. Kennedy Jr. appears as himself. Later he left.", "John F. Kennedy Jr. appears as himself."),
    ("Malcolm X is a 1992 biopic of Malcolm X. The film stars Denzel Washington.",
     "Malcolm X is a 1992 biopic of Malcolm X."),
    ("Airplane! is a 1980 parody film. It stars Robert Hays.", "Airplane! is a 1980 parody film."),
    ("What's Up, Doc? is a 1972 comedy. Barbra Streisand stars.", "What's Up, Doc? is a 1972 comedy."),
    ('He says "Go home." Then he leaves.', 'He says "Go home."'),
    ("It opened on Jan. 5, 1990 in L.A. and New York. Critics liked it.",
     "It opened on Jan. 5, 1990 in L.A. and New York."),
    ("Set in Washington, D.C. during the war, it follows a spy. It was shot in 1942.",
     "Set in Washington, D.C. during the war, it follows a spy."),
    ("Chanel No. 5 appears in it. Nobody noticed.", "Chanel No. 5 appears in it."),
    ("A film (1915). Another sentence.", "A film (1915)."),
    ("One sentence only", "One sentence only"),
    ("Bird of Paradise is a 1932 film directed by King Vidor. The film stars Dolores del Rio.",
     "Bird of Paradise is a 1932 film directed by King Vidor."),
    ("The Bishop Misbehaves is a 1935 comedy directed by E. A. Dupont. It stars Maureen O'Sullivan.",
     "The Bishop Misbehaves is a 1935 comedy directed by E. A. Dupont."),
    ("It was produced by J. R. R. Tolkien Enterprises. The film flopped.",
     "It was produced by J. R. R. Tolkien Enterprises."),
    ("Tora! Tora! Tora! is a 1970 war film. It dramatizes Pearl Harbor.", "Tora! Tora! Tora! is a 1970 war film.",
     "Tora! Tora! Tora!"),
    ("Oh! Heavenly Dog is a 1980 comedy. It stars Chevy Chase.", "Oh! Heavenly Dog is a 1980 comedy."),
    ("Hype! (1996) is a documentary. It covers grunge.", "Hype! (1996) is a documentary."),
    ("Pyro... The Thing Without a Face is a 1964 horror film. It was shot in Spain.",
     "Pyro... The Thing Without a Face is a 1964 horror film."),
    ("Fukrey (transl. Freeloaders) is a 2013 comedy. It was a hit.",
     "Fukrey (transl. Freeloaders) is a 2013 comedy."),
    ("B.S. I Love You is a 1971 comedy. It stars Peter Kastner.", "B.S. I Love You is a 1971 comedy.",
     "B.S. I Love You"),
]


def self_test():
    failures = 0
    for text, expected, *protect in SPLITTER_EXAMPLES:
        got = first_sentence(text, protect)
        if got != expected:
            failures += 1
            print(f"FAIL {text!r}\n  got      {got!r}\n  expected {expected!r}")
    print(f"sentence splitter: {len(SPLITTER_EXAMPLES) - failures} passed, {failures} failed")
    return failures == 0


# ---------------------------------------------------------------------------------------------
# Corpus and feeds

def read_corpus(path):
    """id -> raw <title> element text (the last record with an id wins, as in ingestion)."""
    with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as stream:
        text = stream.read().decode("utf-8")
    records = {}
    for match in re.finditer(r'  <title id="([^"]*)"[^>]*>.*?</title>\n', text, re.S):
        records[unescape(match.group(1), XML_ENTITIES)] = match.group(0)
    return records


def genres_of(record):
    return {unescape(g, XML_ENTITIES) for g in re.findall(r"<genre>([^<]*)</genre>", record)}


def write_feed(path, records):
    with open(path, "w", encoding="utf-8") as feed:
        feed.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        feed.write("<!-- Films from English Wikipedia: lead paragraphs CC BY-SA 4.0, see Corpus/NOTICE -->\n")
        feed.write('<catalog xmlns="urn:microgenre:feed:1" version="1">\n')
        for record in records:
            feed.write(record)
        feed.write("</catalog>\n")


def shorten(record):
    """The record with each synopsis cut to its first sentence and no genre elements."""
    names = [unescape(n, XML_ENTITIES) for n in re.findall(r"<(?:name|subtitle|original-name)[^>]*>([^<]*)<", record)]

    def cut(match):
        sentence = first_sentence(unescape(match.group(2), XML_ENTITIES), names)
        attributes = re.sub(r'length="[^"]*"', 'length="short"', match.group(1))
        return f"<synopsis{attributes}>{escape(sentence)}</synopsis>"
    record = re.sub(r"<synopsis([^>]*)>([^<]*)</synopsis>", cut, record)
    return re.sub(r"    <genre>[^<]*</genre>\n", "", record)


def feed_documents(path):
    """(id, title, synopsis, people) of every title in one of our feeds."""
    documents = []
    for _, element in ET.iterparse(path):
        if element.tag.rsplit("}", 1)[-1] != "title" or element.get("id") is None:
            continue
        fields = {"name": [], "synopsis": [], "person": []}
        for child in element:
            name = child.tag.rsplit("}", 1)[-1]
            if name in fields:
                fields[name].append(child.text or "")
        documents.append((element.get("id"), " ".join(fields["name"]), " ".join(fields["synopsis"]),
                          ". ".join(fields["person"])))
        element.clear()
    return documents


# ---------------------------------------------------------------------------------------------
# Engines

def import_tantivy():
    try:
        import tantivy
    except ImportError:
        print("tantivy is missing: pip install tantivy", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "tantivy"], check=True)
        import tantivy
    return tantivy


class Tantivy:
    FIELDS = ["title", "synopsis", "people"]

    def __init__(self, tantivy, feed, path):
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        for name in self.FIELDS:
            builder.add_text_field(name, tokenizer_name="en_stem")
        self.index = tantivy.Index(builder.build(), path=path)
        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        for ident, title, synopsis, people in feed_documents(feed):
            writer.add_document(tantivy.Document(id=ident, title=title, synopsis=synopsis, people=people))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, query, limit):
        text = re.sub(r"[^\w\s]", " ", query).strip()
        if not text:
            return []
        parsed = self.index.parse_query(text, self.FIELDS)
        return [self.searcher.doc(address)["id"][0] for _, address in self.searcher.search(parsed, limit).hits]


class Microgenre:
    def __init__(self, binary, reuse=False, extra=(), index_extra=()):
        self.binary = binary
        self.retried = defaultdict(list)
        self.reuse = reuse  # keep an index an earlier run built (--reuse-index)
        self.extra = list(extra)  # more search options (--search-args)
        self.index_extra = list(index_extra)  # more index options (--index-args)

    def help(self, command):
        result = subprocess.run([self.binary, "help", command], capture_output=True, text=True)
        return result.stdout + result.stderr

    def modes(self):
        """The search modes the binary accepts: None (no --mode option: plain search) or names."""
        text = self.help("search")
        if not re.search(r"--mode\b(?!-)", text):  # not --model
            return None
        named = [m for m in KNOWN_MODES if re.search(rf"\b{m}\b", text)]
        return named or list(KNOWN_MODES)

    def index(self, feed, path):
        if self.reuse and os.path.exists(os.path.join(path, "CURRENT")):
            print(f"  microgenre: reusing {path}")
            return
        shutil.rmtree(path, ignore_errors=True)
        command = [self.binary, "index", "--no-model", "--index", path, feed] + self.index_extra
        if "--max-warnings" in self.help("index"):
            command[2:2] = ["--max-warnings", "0"]
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"microgenre index failed ({result.returncode}):\n{result.stderr}")
        print(f"  microgenre: {result.stdout.strip().splitlines()[-1] if result.stdout.strip() else 'indexed'} "
              f"[{time.perf_counter() - start:.1f} s]")

    def run(self, path, query, limit, mode):
        command = [self.binary, "search", query, "--index", path, "--limit", str(limit), "--json"] + self.extra
        if mode is not None:
            command += ["--mode", mode]
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        return result, time.perf_counter() - start

    def search(self, path, query, limit, mode):
        """(ids, seconds); a query the parser rejects is retried once without punctuation."""
        result, seconds = self.run(path, query, limit, mode)
        if result.returncode != 0:
            plain = re.sub(r"[^\w\s]", " ", query).strip()
            self.retried[mode].append(query)
            result, seconds = self.run(path, plain, limit, mode)
            if result.returncode != 0:
                sys.exit(f"microgenre search {query!r} failed ({result.returncode}):\n{result.stderr}")
        ids = [json.loads(line)["id"] for line in result.stdout.splitlines() if line.strip()]
        return ids, seconds


# ---------------------------------------------------------------------------------------------
# Metrics and report

def ndcg(found, relevant, k=10):
    gain = sum(1 / math.log2(rank + 2) for rank, ident in enumerate(found[:k]) if ident in relevant)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(k, len(relevant))))
    return gain / ideal if ideal else 0.0


def recall(found, relevant, k=100):
    return len(set(found[:k]) & relevant) / len(relevant) if relevant else 0.0


def mean(values):
    return sum(values) / len(values) if values else float("nan")


def evaluate(name, feed, queries, engines, out):
    """queries: [(text, kind, relevant ids)]; engines: [(label, search(query) -> (ids, seconds))]."""
    rows, by_engine = [], {}
    for label, search in engines:
        results = []
        for text, kind, relevant in queries:
            found, seconds = search(text)
            result = {"query": text, "kind": kind, "relevant": len(relevant), "engine": label,
                      "ndcg10": ndcg(found, relevant), "recall100": recall(found, relevant),
                      "hits10": len(set(found[:10]) & relevant), "hits100": len(set(found[:100]) & relevant),
                      "seconds": seconds, "found": found}
            results.append(result)
            rows.append(result)
        by_engine[label] = results
    path = os.path.join(out, f"per-query-{name}.csv")
    columns = ["query", "kind", "relevant", "engine", "ndcg10", "recall100", "hits10", "hits100", "seconds"]
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([f"{row[c]:.4f}" if isinstance(row[c], float) else row[c] for c in columns])
    return by_engine, path


def print_table(title, by_engine, queries):
    print(f"\n### {title}\n")
    print("| engine | nDCG@10 | recall@100 | queries |")
    print("| --- | ---: | ---: | ---: |")
    for label, results in by_engine.items():
        print(f"| {label} | {mean([r['ndcg10'] for r in results]):.3f} | "
              f"{mean([r['recall100'] for r in results]):.3f} | {len(results)} |")
    ceiling = mean([min(1.0, 100 / len(relevant)) for _, _, relevant in queries])
    print(f"\n(recall@100 ceiling, min(1, 100 / relevant) averaged: {ceiling:.3f})")


def print_kinds(by_engine, queries):
    kinds = [k for k in list(KINDS) + [UNGROUPED] if any(kind == k for _, kind, _ in queries)]
    counts = {k: sum(1 for _, kind, _ in queries if kind == k) for k in kinds}
    print("\nBy kind, nDCG@10 / recall@100 (queries):\n")
    print("| engine | " + " | ".join(f"{k} ({counts[k]})" for k in kinds) + " |")
    print("| --- |" + " ---: |" * len(kinds))
    for label, results in by_engine.items():
        cells = []
        for k in kinds:
            chosen = [r for r in results if r["kind"] == k]
            cells.append(f"{mean([r['ndcg10'] for r in chosen]):.3f} / {mean([r['recall100'] for r in chosen]):.3f}")
        print(f"| {label} | " + " | ".join(cells) + " |")


def print_worst(by_engine, label, count=8):
    results = by_engine.get(label)
    if not results:
        return
    print(f"\nWorst queries for {label} (nDCG@10, then recall@100, per engine):\n")
    order = sorted(range(len(results)), key=lambda i: (results[i]["ndcg10"], results[i]["recall100"]))
    print("| query | relevant | " + " | ".join(by_engine) + " |")
    print("| --- | ---: |" + " ---: |" * len(by_engine))
    for i in order[:count]:
        cells = [f"{by_engine[e][i]['ndcg10']:.2f} / {by_engine[e][i]['recall100']:.2f}" for e in by_engine]
        print(f"| {results[i]['query']} | {results[i]['relevant']} | " + " | ".join(cells) + " |")


# ---------------------------------------------------------------------------------------------

def movielens_queries(movielens, records, min_films):
    links = {}
    with open(os.path.join(movielens, "links-wikipedia.csv"), encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            links[row["movieId"]] = row["href"]
    films = {href for href in links.values() if href in records}
    given = defaultdict(set)
    with open(os.path.join(movielens, "tags-dev.csv"), encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            href = links.get(row["movieId"])
            text = " ".join(row["tag"].lower().split())
            if href in records and text:
                given[text].add(href)
    queries = [(text, KIND_OF.get(text, UNGROUPED), ids) for text, ids in sorted(given.items())
               if len(ids) >= min_films]
    return films, queries, len(given)


def category_queries(records):
    genres = {ident: genres_of(record) for ident, record in records.items()}
    queries = [(q, "single", {i for i, g in genres.items() if genre in g}) for genre, q in SINGLE.items()]
    queries += [(q, "pair", {i for i, g in genres.items() if a in g and b in g}) for (a, b), q in PAIRS.items()]
    return [(q, kind, rel) for q, kind, rel in queries if len(rel) >= 10]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=".build/release/microgenre")
    parser.add_argument("--out", default=".build/search-eval")
    parser.add_argument("--movielens", default="../shared/data/movielens")
    parser.add_argument("--corpus", default="Corpus/films.xml.gz")
    parser.add_argument("--modes", help="comma-separated subset of the supported modes to run")
    parser.add_argument("--sets", default="tags,short", help="tags, short or both (default)")
    parser.add_argument("--min-films", type=int, default=5)
    parser.add_argument("--reuse-index", action="store_true", help="search the indexes an earlier run left in OUT")
    parser.add_argument("--search-args", default="", help="more options for every microgenre search, e.g. '--semantic-weight 0.3'")
    parser.add_argument("--index-args", default="", help="more options for microgenre index, e.g. '--embedding-max-tokens 96'")
    parser.add_argument("--self-test", action="store_true", help="run the sentence splitter's examples")
    args = parser.parse_args()
    # Paths given are read from the current directory, the defaults from the repository root,
    # where the binary is run (it finds ./Taxonomy there).
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for name in ("binary", "out", "movielens", "corpus"):
        value = getattr(args, name)
        given = value != parser.get_default(name)
        setattr(args, name, os.path.abspath(value) if given else os.path.join(root, value))
    os.chdir(root)
    if not self_test():
        sys.exit(1)
    if args.self_test:
        return
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary}: not found; run `swift build -c release` first")
    tantivy = import_tantivy()
    os.makedirs(args.out, exist_ok=True)
    started = time.perf_counter()

    microgenre = Microgenre(args.binary, reuse=args.reuse_index, extra=shlex.split(args.search_args),
                            index_extra=shlex.split(args.index_args))
    supported = microgenre.modes()
    if supported is None:
        print("`microgenre help search` has no --mode option: running the lexical search only")
        candidates = [None]
    else:
        print(f"`microgenre help search` names modes: {', '.join(supported)}")
        candidates = supported
    if args.modes:
        wanted = set(args.modes.split(","))
        candidates = [m for m in candidates if (m or "lexical") in wanted]

    records = read_corpus(args.corpus)
    sets = []
    if "tags" in args.sets:
        films, queries, texts = movielens_queries(args.movielens, records, args.min_films)
        feed = os.path.join(args.out, "movielens-films.xml")
        write_feed(feed, [records[i] for i in records if i in films])
        print(f"\n(a) MovieLens tags: {len(films)} MovieLens films in the Corpus; {texts} tag texts on them, "
              f"{len(queries)} given to at least {args.min_films} films")
        print("Grouping of the tag texts by kind (hand-made, for the report only):")
        for kind in list(KINDS) + [UNGROUPED]:
            chosen = [text for text, k, _ in queries if k == kind]
            if chosen:
                print(f"  {kind} ({len(chosen)}): {', '.join(chosen)}")
        sets.append(("movielens-tags", "(a) MovieLens tag texts over the MovieLens films", feed, queries))
    if "short" in args.sets:
        queries = category_queries(records)
        feed = os.path.join(args.out, "films-first-sentence.xml")
        write_feed(feed, [shorten(record) for record in records.values()])
        print(f"\n(b) short synopses: {len(records)} titles, synopses cut to their first sentence, "
              f"genres removed; {len(queries)} category queries")
        sets.append(("short-synopsis", "(b) category queries over first-sentence synopses, no genres",
                     feed, queries))

    timings = defaultdict(dict)
    for name, title, feed, queries in sets:
        print(f"\nIndexing {feed}")
        index_path = os.path.join(args.out, f"index-{name}")
        microgenre.index(feed, index_path)
        start = time.perf_counter()
        bm25 = Tantivy(tantivy, feed, os.path.join(args.out, f"tantivy-{name}"))
        print(f"  tantivy: indexed [{time.perf_counter() - start:.1f} s]")

        engines = [("tantivy-bm25", lambda q: (bm25.search(q, 100), 0.0))]
        for mode in candidates:
            label = f"microgenre-{mode or 'lexical'}"
            if mode is not None:  # probe: a mode without its model or embeddings is skipped
                probe, _ = microgenre.run(index_path, queries[0][0], 10, mode)
                if probe.returncode != 0:
                    print(f"  {label}: skipped, the probe search failed: {probe.stderr.strip()[:300]}")
                    continue
            engines.append((label, lambda q, mode=mode: microgenre.search(index_path, q, 100, mode)))
        by_engine, path = evaluate(name, feed, queries, engines, args.out)
        print_table(title, by_engine, queries)
        if name == "movielens-tags":
            print_kinds(by_engine, queries)
        print_worst(by_engine, "microgenre-lexical")
        for label, results in by_engine.items():
            if label.startswith("microgenre"):
                timings[label][name] = statistics.median(r["seconds"] for r in results) * 1000
        print(f"\nper-query results: {path}")

    print("\n### Microgenre wall time per query (median ms, whole process: start, open, search, output)\n")
    names = [name for name, _, _, _ in sets]
    print("| mode | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * len(names))
    for label, values in timings.items():
        print(f"| {label} | " + " | ".join(f"{values.get(n, float('nan')):.1f}" for n in names) + " |")
    for mode, texts in microgenre.retried.items():
        print(f"retried without punctuation ({mode or 'lexical'}): {len(texts)}: {', '.join(sorted(set(texts)))}")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
