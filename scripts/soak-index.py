#!/usr/bin/env python3
"""Kill and soak: the index and the events database under writes, reads and SIGKILL.

A benchmark, not part of the test suite. For --seconds (default 600) it runs,
against one index directory and one events database:

  * one writer at a time, a random stream of operations:
      upsert   `microgenre index FEED` of a batch of titles: new ones from the Corpus
               (Corpus/films.xml.gz) or existing ones with a changed synopsis;
      delete   `microgenre index --delete ID ...` of some indexed titles;
      merge    `microgenre index --merge` (a forced merge of every segment);
      import   `microgenre events import BATCH.csv` of generated events, every row new
               (unique timestamps), so a batch of N rows adds exactly N events;
    and with probability --kill-probability, a SIGKILL of the writer after a random delay drawn
    from 0 to 1.2 times that kind of operation's measured duration, so kills land anywhere in
    the operation, inside merges and imports included;
  * --readers reader threads looping `microgenre search` (varied queries, some re-ranked for a
    user) and `microgenre rows --user U`, each of which must exit 0 with well-formed JSON.

Ground truth is the set of title ids of the last published snapshot. After a writer exits 0 the
index must hold exactly the expected ids; after a killed writer it must hold exactly the ids
before the operation or exactly the ids after it (atomic publish), and the events database must
have grown by 0 or exactly the batch's rows (one transaction per file). The ids are read twice:
by this script from the index files (CURRENT, each segment's ids section, its deletion bitmap;
see Sources/MicrogenreIndex/FORMAT.md) and through the engine (`microgenre search kind:movie
--json` with a limit above the count); the events by `microgenre events info` and by sqlite3.
After a kill the next writer must not be refused or blocked by the dead writer's lock.

At the end it prints the operations by kind, the kills by kind of operation killed, the reader
queries, the checks and the failures, and exits 1 if there was any failure.

    scripts/soak-index.py                       # 10 minutes, .build/release/microgenre
    scripts/soak-index.py --seconds 60 --binary /path/to/microgenre --seed 7 --verbose

Python 3 standard library only. The binary is built (`swift build -c release --product
microgenre`) only when --binary is the default and missing.
"""

import argparse
import csv
import gzip
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "Corpus" / "films.xml.gz"
EVENTS = ROOT / "Corpus" / "events.csv"
FEED_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<catalog xmlns="urn:microgenre:feed:1" version="1">\n'
FEED_TAIL = "</catalog>\n"
WRITER_TIMEOUT = 300  # seconds: a writer running longer is taken as blocked (a failure)

READER_QUERIES = [
    "heist thriller", "romantic comedy", "war drama year:1940..1949", "space adventure",
    "crime -comedy", "horror", "musical", "western year:<1970", "documentary",
    '"silent film"', "family animation", "love", "murder mystery", "kind:movie",
    "science fiction year:>=2000", "biographical drama", "zombie", "teen comedy",
]


def log(*args):
    print(*args, flush=True)


# ---------------------------------------------------------------- the index files, read directly

def read_index_ids(index_dir):
    """The live title ids of the snapshot CURRENT lists, read from the files (FORMAT.md)."""
    current = (Path(index_dir) / "CURRENT").read_text().split("\n")
    ids = []
    for line in current:
        if not line.strip():
            continue
        parts = line.split()
        seg = (Path(index_dir) / parts[0]).read_bytes()
        if seg[:4] != b"MGIX" or seg[-4:] != b"MGIX":
            raise ValueError(f"{parts[0]}: bad magic")
        count = struct.unpack_from("<I", seg, 8)[0]
        table, = struct.unpack_from("<Q", seg, len(seg) - 20)
        sections, = struct.unpack_from("<I", seg, table)
        seg_ids = None
        for i in range(sections):
            kind, offset, _length, _sum = struct.unpack_from("<IQQQ", seg, table + 4 + 28 * i)
            if kind == 1:
                offs = struct.unpack_from(f"<{count + 1}I", seg, offset)
                base = offset + 4 * (count + 1)
                seg_ids = [seg[base + offs[d]:base + offs[d + 1]].decode() for d in range(count)]
        if seg_ids is None:
            raise ValueError(f"{parts[0]}: no ids section")
        deleted = set()
        if len(parts) > 1:
            dl = (Path(index_dir) / parts[1]).read_bytes()
            if dl[:4] != b"MGDL" or struct.unpack_from("<I", dl, 8)[0] != count:
                raise ValueError(f"{parts[1]}: bad deletion file")
            bitmap = dl[12:12 + (count + 7) // 8]
            deleted = {d for d in range(count) if bitmap[d // 8] >> (d % 8) & 1}
        ids.extend(i for d, i in enumerate(seg_ids) if d not in deleted)
    if len(ids) != len(set(ids)):
        dup = [i for i, n in Counter(ids).items() if n > 1]
        raise ValueError(f"a title is live twice: {dup[:5]}")
    return set(ids)


# ---------------------------------------------------------------- the soak

class Soak:
    def __init__(self, args):
        self.args = args
        self.bin = args.binary
        self.env = dict(os.environ, MICROGENRE_TAXONOMY=str(ROOT / "Taxonomy"))
        self.rng = random.Random(args.seed)
        self.work = Path(args.workdir).resolve()
        self.index = self.work / "index"
        self.events = self.work / "events.sqlite"
        self.lock = threading.Lock()
        self.failures = []
        self.ops = Counter()         # finished operations by kind
        self.kills = Counter()       # killed operations by kind
        self.killed_published = Counter()  # killed operations whose effect was published anyway
        self.reader_queries = Counter()
        self.checks = 0
        self.durations = {}          # kind -> exponential moving average of seconds
        self.stop = threading.Event()
        self.timestamp = 2_000_000_000  # events beyond the Corpus's, one new second per row

    def fail(self, what):
        with self.lock:
            self.failures.append(what)
        log(f"FAILURE: {what}")

    def run(self, argv, timeout=None):
        return subprocess.run([self.bin] + argv, capture_output=True, text=True, timeout=timeout,
                              env=self.env)

    # -------------------------------------------------------------- setup

    def load_corpus(self):
        text = gzip.open(CORPUS, "rt", encoding="utf-8").read()
        self.records = {}
        for m in re.finditer(r'  <title id="([^"]*)".*?</title>\n', text, re.S):
            self.records[m.group(1)] = m.group(0)  # a repeated id: the last wins, as in the engine
        self.corpus_ids = list(self.records)
        users = sorted({row["user"] for row in csv.DictReader(open(EVENTS, newline=""))})
        self.users = users

    def setup(self):
        if self.work.exists():
            shutil.rmtree(self.work)
        self.work.mkdir(parents=True)
        self.load_corpus()
        base = self.corpus_ids[: self.args.base]
        feed = self.work / "base.xml"
        feed.write_text(FEED_HEAD + "".join(self.records[i] for i in base) + FEED_TAIL)
        r = self.run(["index", "--no-model", "--no-embeddings", "--index", str(self.index), str(feed)])
        if r.returncode != 0:
            sys.exit(f"setup: index failed: {r.stderr}")
        r = self.run(["events", "import", str(EVENTS), "--events", str(self.events),
                      "--index", str(self.index)])
        if r.returncode != 0:
            sys.exit(f"setup: events import failed: {r.stderr}")
        self.expected = set(base)
        self.expected_events = self.count_events()
        self.revision = 0
        log(f"setup: {len(self.expected)} titles indexed, {self.expected_events} events; "
            f"{len(self.records)} titles in the Corpus")

    # -------------------------------------------------------------- observations

    def count_events(self):
        """Events stored, by the CLI and by sqlite3; a disagreement is a failure."""
        r = self.run(["events", "info", "--events", str(self.events)], timeout=60)
        cli = None
        if r.returncode != 0:
            self.fail(f"events info exited {r.returncode}: {r.stderr.strip()[:300]}")
        else:
            m = re.search(r": (\d+) events", r.stdout)
            cli = int(m.group(1)) if m else None
            if cli is None:
                self.fail(f"events info: unexpected output {r.stdout.strip()[:200]}")
        db = sqlite3.connect(f"file:{self.events}?mode=rw", uri=True, timeout=30)
        try:
            n = db.execute("SELECT count(*) FROM event").fetchone()[0]
        finally:
            db.close()
        if cli is not None and cli != n:
            self.fail(f"events info says {cli} events, sqlite3 counts {n}")
        return n

    def engine_ids(self):
        """The ids the engine lists for a query every title matches."""
        r = self.run(["search", "kind:movie", "--json", "--limit", "1000000", "--no-embeddings",
                      "--index", str(self.index)], timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"search kind:movie exited {r.returncode}: {r.stderr.strip()[:300]}")
        return {json.loads(line)["id"] for line in r.stdout.splitlines() if line.strip()}

    def check_index(self, allowed, context, through_engine):
        """The published ids must be exactly one of `allowed`; returns the one they are."""
        self.checks += 1
        try:
            ids = read_index_ids(self.index)
        except Exception as e:  # noqa: BLE001 - any unreadable index is a finding
            self.fail(f"{context}: the index files do not read: {e!r}")
            return None
        if through_engine:
            try:
                eng = self.engine_ids()
                if eng != ids:
                    self.fail(f"{context}: the engine lists {len(eng)} titles, the files hold "
                              f"{len(ids)} (differ by {sorted(eng ^ ids)[:5]})")
            except Exception as e:  # noqa: BLE001
                self.fail(f"{context}: the index does not open: {e}")
        for i, a in enumerate(allowed):
            if ids == a:
                return i
        desc = ", ".join(f"{len(a)} titles (missing {sorted(a - ids)[:3]}, extra "
                         f"{sorted(ids - a)[:3]})" for a in allowed)
        self.fail(f"{context}: the index holds {len(ids)} titles, none of the allowed: {desc}")
        self.expected = ids  # carry on from what is there
        return None

    # -------------------------------------------------------------- writer operations

    def plan(self):
        """A random operation: (kind, argv, the expected ids after it, events it adds)."""
        kind = self.rng.choices(["upsert", "delete", "merge", "import"], [4, 2, 1, 3])[0]
        idx = ["--index", str(self.index)]
        if kind == "upsert":
            absent = [i for i in self.corpus_ids if i not in self.expected]
            n = self.rng.randint(1, 400)
            new = self.rng.sample(absent, min(len(absent), self.rng.randint(0, n)))
            changed = self.rng.sample(sorted(self.expected), min(len(self.expected), n - len(new)))
            self.revision += 1
            body = [self.records[i] for i in new]
            for i in changed:
                body.append(re.sub(r"</synopsis>", f" Soak revision {self.revision}.</synopsis>",
                                   self.records[i], count=1))
            feed = self.work / "batch.xml"
            feed.write_text(FEED_HEAD + "".join(body) + FEED_TAIL)
            argv = ["index", "--no-model", "--no-embeddings"] + idx + [str(feed)]
            return kind, argv, self.expected | set(new) | set(changed), 0
        if kind == "delete":
            gone = self.rng.sample(sorted(self.expected), min(len(self.expected) - 1000,
                                                               self.rng.randint(1, 60)))
            argv = ["index", "--no-model", "--no-embeddings"] + idx
            for i in gone:
                argv += ["--delete", i]
            return kind, argv, self.expected - set(gone), 0
        if kind == "merge":
            return kind, ["index", "--merge", "--no-model", "--no-embeddings"] + idx, self.expected, 0
        n = self.rng.choice([10, 1000, 5000, 20000, 40000])
        path = self.work / "batch.csv"
        titles = sorted(self.expected)
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["user", "title", "timestamp", "event", "value"])
            for _ in range(n):
                self.timestamp += 1
                ev = self.rng.choice(["play", "complete", "rating", "thumb_up"])
                value = {"play": str(self.rng.randint(60, 7200)), "rating": str(self.rng.randint(0, 5))}
                w.writerow([self.rng.choice(self.users), self.rng.choice(titles), self.timestamp, ev,
                            value.get(ev, "")])
        argv = ["events", "import", str(path), "--events", str(self.events)] + idx
        return kind, argv, self.expected, n

    def writer_step(self):
        kind, argv, after, rows = self.plan()
        before = self.expected
        kill = self.rng.random() < self.args.kill_probability
        key = f"import {rows}" if kind == "import" else kind  # an import's time is its batch's
        typical = self.durations.get(key, self.durations.get(kind, 0.5))
        delay = self.rng.uniform(0, 1.2 * typical) if kill else None
        t0 = time.monotonic()
        proc = subprocess.Popen([self.bin] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True, env=self.env)
        killed = False
        if kill:
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
        try:
            out, err = proc.communicate(timeout=WRITER_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            self.fail(f"{kind} ran over {WRITER_TIMEOUT} s (blocked?): {err.strip()[:300]}")
            killed = True
        elapsed = time.monotonic() - t0
        events_before = self.expected_events
        if killed:
            self.kills[kind] += 1
            ctx = f"kill {sum(self.kills.values())}: {kind} killed at {elapsed:.3f} s " \
                  f"(typical {typical:.3f} s)"
            which = self.check_index([before, after] if after != before else [before], ctx, True)
            if which is not None:
                self.expected = [before, after][which] if after != before else before
                if which == 1:
                    self.killed_published[kind] += 1
            n = self.count_events()
            if n == events_before + rows and rows:
                self.killed_published[kind] += 1
            elif n != events_before:
                self.fail(f"{ctx}: events went from {events_before} to {n}, "
                          f"neither +0 nor +{rows}")
            self.expected_events = n
            if self.args.verbose:
                log(f"{ctx}: index {len(self.expected)} titles "
                    f"({'new' if self.expected == after and after != before else 'old'} snapshot), "
                    f"events {n} ({'+' + str(n - events_before)})")
            return
        self.ops[kind] += 1
        if proc.returncode != 0:
            self.fail(f"{kind} exited {proc.returncode} after {elapsed:.2f} s: {err.strip()[:400]}")
            self.check_index([before, after], f"after failed {kind}", False)
            self.expected_events = self.count_events()
            return
        for k in {kind, key}:
            self.durations[k] = elapsed if k not in self.durations else \
                0.7 * self.durations[k] + 0.3 * elapsed
        self.expected = after
        self.check_index([after], f"after {kind}", False)
        if rows:
            self.expected_events += rows
            n = self.count_events()
            if n != self.expected_events:
                self.fail(f"import of {rows} new rows exited 0 but events went "
                          f"from {events_before} to {n}")
                self.expected_events = n

    # -------------------------------------------------------------- readers

    def reader(self, k):
        rng = random.Random(f"{self.args.seed}-reader-{k}")
        idx = ["--index", str(self.index), "--events", str(self.events), "--no-embeddings"]
        while not self.stop.is_set():
            pick = rng.random()
            if pick < 0.55:
                kind, argv = "search", ["search", rng.choice(READER_QUERIES), "--json",
                                        "--limit", str(rng.choice([10, 50, 500]))] + idx
            elif pick < 0.75:
                kind, argv = "search --user", ["search", rng.choice(READER_QUERIES), "--json",
                                               "--user", rng.choice(self.users)] + idx
            else:
                kind, argv = "rows", ["rows", "--user", rng.choice(self.users), "--json",
                                      "--rows", "10", "--index", str(self.index),
                                      "--events", str(self.events)]
            try:
                r = self.run(argv, timeout=120)
                ok, why = r.returncode == 0, f"exit {r.returncode}: {r.stderr.strip()[:300]}"
                if ok:
                    lines = [l for l in r.stdout.splitlines() if l.strip()]
                    parsed = [json.loads(l) for l in lines]
                    if kind == "rows":
                        ok = len(parsed) == 1 and isinstance(parsed[0], dict)
                    else:
                        ok = all("id" in p for p in parsed)
                        if argv[1] == "kind:movie" and not parsed:
                            ok = False
                    why = f"unexpected output: {r.stdout[:200]!r}"
            except Exception as e:  # noqa: BLE001
                ok, why = False, repr(e)
            with self.lock:
                self.reader_queries[kind] += 1
            if not ok:
                self.fail(f"reader {k}: {' '.join(argv[:4])}: {why}")

    # -------------------------------------------------------------- main

    def main(self):
        self.setup()
        # Measure each kind of operation once before killing any.
        for kind in ["upsert", "delete", "merge", "import"]:
            while kind not in self.durations:
                saved = self.args.kill_probability
                self.args.kill_probability = 0
                self.writer_step()
                self.args.kill_probability = saved
        log("measured: " + ", ".join(f"{k} {v:.3f} s" for k, v in self.durations.items()
                                     if k != "import"))
        readers = [threading.Thread(target=self.reader, args=(k,), daemon=True)
                   for k in range(self.args.readers)]
        t0 = time.monotonic()
        for t in readers:
            t.start()
        while time.monotonic() - t0 < self.args.seconds:
            self.writer_step()
        self.stop.set()
        for t in readers:
            t.join()
        seconds = time.monotonic() - t0
        self.check_index([self.expected], "final", True)
        if self.count_events() != self.expected_events:
            self.fail("final: events count differs from the expected")
        left = sorted(p.name for p in self.index.iterdir()
                      if p.name not in {"CURRENT", "write.lock"} and not p.name.endswith(".cache")
                      and p.name not in (self.index / "CURRENT").read_text().split())
        log(f"\nseconds: {seconds:.0f}")
        log(f"operations: {sum(self.ops.values())} finished "
            f"({', '.join(f'{k} {v}' for k, v in sorted(self.ops.items()))})")
        log(f"kills: {sum(self.kills.values())} "
            f"({', '.join(f'{k} {v}' for k, v in sorted(self.kills.items()))}); "
            f"published before the kill: "
            f"{', '.join(f'{k} {v}' for k, v in sorted(self.killed_published.items())) or 'none'}")
        log(f"reader queries: {sum(self.reader_queries.values())} "
            f"({', '.join(f'{k} {v}' for k, v in sorted(self.reader_queries.items()))})")
        log(f"checks: {self.checks}; final index: {len(self.expected)} titles, "
            f"{len((self.index / 'CURRENT').read_text().split())} files listed; "
            f"events: {self.expected_events}")
        log(f"files in the index directory CURRENT does not list: {len(left)}"
            + (f" ({', '.join(left[:6])}{', ...' if len(left) > 6 else ''})" if left else ""))
        log(f"failures: {len(self.failures)}")
        for f in self.failures[:30]:
            log(f"  {f}")
        return 1 if self.failures else 0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=600)
    p.add_argument("--binary", default=".build/release/microgenre")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", default=".build/soak-index")
    p.add_argument("--readers", type=int, default=2)
    p.add_argument("--base", type=int, default=8000, help="titles indexed at the start")
    p.add_argument("--kill-probability", type=float, default=0.3)
    p.add_argument("--verbose", action="store_true", help="print a line after each kill check")
    args = p.parse_args()
    if args.binary == p.get_default("binary"):
        args.binary = str(ROOT / args.binary)
    if not Path(args.binary).exists():
        if args.binary != str(ROOT / p.get_default("binary")):
            sys.exit(f"{args.binary}: no such binary")
        subprocess.run(["swift", "build", "-c", "release", "--product", "microgenre"],
                       cwd=ROOT, check=True)
    args.binary = str(Path(args.binary).resolve())
    return args


if __name__ == "__main__":
    sys.exit(Soak(parse_args()).main())
