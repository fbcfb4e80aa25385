#!/usr/bin/env python3
"""Checks the relative links of Markdown files: every linked file exists, and every #anchor names
a heading of its file (anchors made as GitHub makes them). External links (http, mailto) are not
checked. Prints each broken link as FILE:LINE: target and exits 1 when there is one.
    scripts/check-links.py                 # README.md and docs/*.md
    scripts/check-links.py FILE.md ...     # the given files
"""
import glob
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def anchors(path):
    """The heading anchors of a Markdown file, outside code blocks, duplicates numbered."""
    found, seen, fenced = set(), {}, False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("```"):
                fenced = not fenced
            elif not fenced and re.match(r"#{1,6} ", line):
                slug = re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
                n = seen.get(slug, 0)
                seen[slug] = n + 1
                found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def check(path):
    broken, fenced = [], False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.startswith("```"):
                fenced = not fenced
                continue
            if fenced:
                continue
            for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
                if re.match(r"[a-z]+:", target):
                    continue
                file, _, anchor = target.partition("#")
                linked = os.path.normpath(os.path.join(os.path.dirname(path), file)) if file else path
                if not os.path.exists(linked):
                    broken.append(f"{path}:{number}: {target} (no such file)")
                elif anchor and linked.endswith(".md") and anchor not in anchors(linked):
                    broken.append(f"{path}:{number}: {target} (no such heading)")
    return broken


def main():
    files = [os.path.relpath(os.path.abspath(f), ROOT) for f in sys.argv[1:]]
    os.chdir(ROOT)
    files = files or ["README.md"] + sorted(glob.glob("docs/*.md"))
    broken = [b for path in files for b in check(path)]
    print("\n".join(broken) if broken else f"{len(files)} files: every relative link resolves")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
