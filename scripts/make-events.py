#!/usr/bin/env python3
"""Writes Corpus/events.csv: a small synthetic viewing history for the demo.

Nothing here comes from real users. Each synthetic user follows one or two personas (a
taste: genres from the feed, synopsis words, a span of years); a persona's titles are
drawn with a popularity skew, so co-viewing patterns appear. Liked titles are completed,
rated 4-5 or thumbed up; others are sampled, abandoned or rated low. Deterministic (seeded).

    python3 scripts/make-events.py [Corpus/films.xml.gz] [Corpus/events.csv]
"""
import csv
import gzip
import random
import re
import sys
import xml.etree.ElementTree as ET

NS = "{urn:microgenre:feed:1}"
PERSONAS = {
    "workplace-comedy": ({"Comedy"}, r"\b(office|workplace|coworkers?|boss|employees?|job)\b", (1980, 2024)),
    "romcom": ({"Romance", "Comedy"}, r"\b(love|romantic|falls? for|wedding)\b", (1985, 2024)),
    "heist-crime": ({"Crime", "Thriller"}, r"\b(heist|robbery|thie(f|ves)|gangsters?|mob)\b", (1960, 2024)),
    "horror": ({"Horror", "Slasher", "Supernatural"}, r"", (1970, 2024)),
    "sci-fi": ({"Science Fiction"}, r"\b(space|alien|future|robots?|planet)\b", (1950, 2024)),
    "war-history": ({"War", "Historical", "Biography"}, r"", (1940, 2024)),
    "family-animation": ({"Animated", "Family"}, r"", (1980, 2024)),
    "noir-classics": ({"Noir", "Mystery"}, r"", (1930, 1965)),
    "westerns": ({"Western"}, r"", (1939, 1975)),
    "sports-drama": ({"Sports", "Sport"}, r"", (1970, 2024)),
}
NAMED = {  # the demo's users, named so the README can show them
    "ava": ["workplace-comedy", "romcom"],
    "ben": ["heist-crime", "noir-classics"],
    "chen": ["horror", "sci-fi"],
}


def load(path):
    films = []
    with gzip.open(path) as f:
        for _, element in ET.iterparse(f):
            if element.tag != NS + "title":
                continue
            year = element.findtext(NS + "year")
            films.append({
                "id": element.get("id"),
                "year": int(year) if year and year.isdigit() else None,
                "genres": {g.text for g in element.findall(NS + "genre")},
                "text": " ".join((s.text or "") for s in element.findall(NS + "synopsis")).lower(),
                "runtime": int(element.findtext(NS + "runtime") or 0) or 100,
            })
            element.clear()
    return films


def pools(films):
    result = {}
    for name, (genres, words, (low, high)) in PERSONAS.items():
        pattern = re.compile(words) if words else None
        matching = [
            f for f in films
            if f["genres"] & genres and f["year"] and low <= f["year"] <= high
            and (pattern is None or pattern.search(f["text"]) or len(f["genres"] & genres) >= 2)
        ]
        result[name] = matching
    return result


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "Corpus/films.xml.gz"
    target = sys.argv[2] if len(sys.argv) > 2 else "Corpus/events.csv"
    rng = random.Random(20261129)
    films = load(source)
    persona_pools = pools(films)
    # A fixed popularity per title: a few titles are watched by many.
    popularity = {f["id"]: rng.paretovariate(1.2) for f in films}
    for name in persona_pools:
        persona_pools[name].sort(key=lambda f: -popularity[f["id"]])
        persona_pools[name] = persona_pools[name][:400]
    everything = sorted(films, key=lambda f: -popularity[f["id"]])[:3000]
    users = dict(NAMED)
    names = sorted(PERSONAS)
    for number in range(1, 298):
        users[f"u{number:03d}"] = rng.sample(names, rng.choice([1, 1, 2]))
    start = 1735689600  # 2025-01-01
    span = 690 * 86400
    rows = []
    for user, personas in users.items():
        count = rng.randint(25, 70)
        times = sorted(rng.randrange(start, start + span) for _ in range(count))
        seen = set()
        for when in times:
            liked = rng.random() < 0.8
            if liked:
                pool = persona_pools[rng.choice(personas)]
            else:
                pool = everything
            weights = [1 / (rank + 10) for rank in range(len(pool))]
            film = rng.choices(pool, weights)[0]
            if film["id"] in seen:
                continue
            seen.add(film["id"])
            runtime = film["runtime"] * 60
            roll = rng.random()
            if liked:
                if roll < 0.55:
                    rows.append((user, film["id"], when, "complete", ""))
                elif roll < 0.75:
                    rows.append((user, film["id"], when, "complete", ""))
                    rows.append((user, film["id"], when + 60, "rating", rng.choice([4, 4.5, 5])))
                elif roll < 0.85:
                    rows.append((user, film["id"], when, "thumb_up", ""))
                else:
                    rows.append((user, film["id"], when, "play", int(runtime * rng.uniform(0.5, 0.85))))
            else:
                if roll < 0.4:
                    rows.append((user, film["id"], when, "play", int(runtime * rng.uniform(0.02, 0.08))))
                elif roll < 0.7:
                    rows.append((user, film["id"], when, "abandon", ""))
                elif roll < 0.85:
                    rows.append((user, film["id"], when, "rating", rng.choice([1, 1.5, 2, 2.5])))
                else:
                    rows.append((user, film["id"], when, "thumb_down", ""))
    with open(target, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["user", "title", "timestamp", "event", "value"])
        for row in rows:
            writer.writerow(row)
    print(f"{target}: {len(rows)} events from {len(users)} users")


if __name__ == "__main__":
    main()
