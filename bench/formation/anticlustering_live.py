"""Run inside a throwaway venv holding the PyPI package anti-clustering 0.4.1 (never the
project's): its exchange heuristic on one MDGPLIB file, restarted until the time limit, equal
group sizes only (the package cannot do per-group bounds). Prints one JSON line.

    var/anticlustering-venv/bin/python bench/formation/anticlustering_live.py FILE SECONDS
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from anti_clustering import ExchangeHeuristicAntiClustering


def main() -> None:
    path, limit = sys.argv[1], float(sys.argv[2])
    with open(path, encoding="utf-8") as handle:
        head = handle.readline().split()
        n, groups = int(head[0]), int(head[1])
        d = np.zeros((n, n))
        for line in handle:
            parts = line.split()
            if parts:
                i, j, value = int(parts[0]), int(parts[1]), float(parts[2])
                d[i, j] = d[j, i] = value
    started = time.perf_counter()
    best, restarts = -np.inf, 0
    while time.perf_counter() - started < limit:
        solver = ExchangeHeuristicAntiClustering(random_seed=restarts, restarts=1)
        assignment = solver._solve(distance_matrix=d, num_groups=groups)
        labels = np.argmax(assignment, axis=1)
        value = float(d[labels[:, None] == labels[None, :]].sum() / 2)
        best = max(best, value)
        restarts += 1
    print(json.dumps({"objective": best, "restarts": restarts,
                      "seconds": round(time.perf_counter() - started, 2)}))  # fmt: skip


if __name__ == "__main__":
    main()
