#!/usr/bin/env python3
"""Matrix factorization on the split `microgenre eval rows --split-out DIR` wrote, with the same
metrics: implicit's ALS (pip install implicit), trained on the liked (user, title) pairs of
train.csv, ranking every catalog title the user has not seen.

    python3 scripts/eval-als.py DIR [--factors 64] [--regularization 0.05] [--iterations 20] [--alpha 10]
"""
import argparse
import csv
import math
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import scipy.sparse as sparse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("split")
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--regularization", type=float, default=0.05)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--alpha", type=float, default=10.0)
    parser.add_argument("--positive", type=float, default=0.3)
    parser.add_argument("--k", default="10,100")
    args = parser.parse_args()
    from implicit.als import AlternatingLeastSquares

    titles = [row["title"] for row in csv.DictReader(open(f"{args.split}/catalog.csv", newline=""))]
    item = {title: index for index, title in enumerate(titles)}
    users = {}
    rows, cols, values = [], [], []
    seen = {}
    for row in csv.DictReader(open(f"{args.split}/train.csv", newline="")):
        u = users.setdefault(row["user"], len(users))
        i = item.get(row["title"])
        if i is None:
            continue
        seen.setdefault(u, set()).add(i)
        if float(row["signal"]) >= args.positive:
            rows.append(u)
            cols.append(i)
            values.append(args.alpha)
    truth = {}
    for row in csv.DictReader(open(f"{args.split}/test.csv", newline="")):
        if row["user"] in users and row["title"] in item:
            truth.setdefault(users[row["user"]], set()).add(item[row["title"]])
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(len(users), len(titles)), dtype=np.float32)
    model = AlternatingLeastSquares(
        factors=args.factors, regularization=args.regularization, iterations=args.iterations, random_state=7)
    model.fit(matrix, show_progress=False)
    cutoffs = [int(k) for k in args.k.split(",")]
    depth = max(cutoffs)
    evaluated = sorted(truth)
    ids, _ = model.recommend(
        np.array(evaluated), matrix[evaluated], N=depth, filter_already_liked_items=True)
    results = {k: [0.0, 0.0] for k in cutoffs}
    recommended = {k: set() for k in cutoffs}
    for row, u in enumerate(evaluated):
        ranked = [i for i in ids[row] if i not in seen.get(u, set())]
        relevant = truth[u]
        for k in cutoffs:
            top = ranked[:k]
            recommended[k].update(top)
            hits = [rank for rank, i in enumerate(top) if i in relevant]
            dcg = sum(1 / math.log2(rank + 2) for rank in hits)
            ideal = sum(1 / math.log2(rank + 2) for rank in range(min(k, len(relevant))))
            results[k][0] += len(hits) / len(relevant)
            results[k][1] += dcg / ideal if ideal else 0
    line = "als (implicit)".ljust(20)
    for k in cutoffs:
        recall, ndcg = (v / len(evaluated) for v in results[k])
        line += f"{recall:9.3f}{ndcg:10.3f}{len(recommended[k]) / len(titles):9.3f}{'':>9}"
    print(f"{len(evaluated)} users, {sum(len(v) for v in truth.values())} held-out titles")
    print(line)


if __name__ == "__main__":
    sys.exit(main())
