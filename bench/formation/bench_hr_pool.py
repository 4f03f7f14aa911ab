"""A peer at scale: our engine against anticlust's `fast_anticlustering` on the two HR pools in
`../shared/benchmarks/hr-pool/` (1,000 and 10,000 people, circles of exactly 5, no hard
constraints). Both groupings are scored the same way: our objective (the within-circle sum of
squares of our embedding) and, per column (each numeric feature and each category as 0/1), the
spread of circle means in SD units (their standard deviation) and their mean absolute deviation
from the pool's mean, averaged over the columns.

    .venv/bin/python bench/formation/bench_hr_pool.py [--sizes 1000,10000] [--seeds 1,2,3]

Time limits: 1 s at 1,000 people, 10 s at 10,000 (anticlust took 1.1 s and 36.9 s).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from roundtable.formation import Feature, Pool, Request, form_circles  # noqa: E402
from roundtable.formation.features import embed  # noqa: E402
from roundtable.formation.kernels import warm  # noqa: E402
from roundtable.formation.problem import objective  # noqa: E402

DATA = ROOT.parent / "shared" / "benchmarks" / "hr-pool"
LIMITS = {1000: 0.8, 10000: 9.0}  # engine budgets: the whole call stays within 1 s and 10 s
CATEGORIES = ("job_role", "department", "location", "approach")
NUMBERS = ("experience_years", "tenure_years")


def read_pool(n: int) -> tuple[Pool, list[dict[str, str]]]:
    with open(DATA / f"pool{n}.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    features = [Feature(c, "categorical", tuple(r[c] for r in rows)) for c in CATEGORIES] + [
        Feature(c, "numeric", tuple(float(r[c]) for r in rows)) for c in NUMBERS
    ]
    return Pool(ids=[r["id"] for r in rows], features=features), rows


def columns(rows: list[dict[str, str]]) -> np.ndarray:
    """anticlust's input: one column per numeric feature and one 0/1 column per category."""
    cols = [np.array([float(r[c]) for r in rows]) for c in NUMBERS]
    for c in CATEGORIES:
        for level in sorted({r[c] for r in rows}):
            cols.append(np.array([1.0 if r[c] == level else 0.0 for r in rows]))
    return np.column_stack(cols)


def spread(cols: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(SD of circle means, mean |circle mean - pool mean|), in SD units, averaged over columns."""
    k = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=k)
    sds, mads = [], []
    for col in cols.T:
        means = np.bincount(labels, weights=col, minlength=k) / counts
        sd = col.std()
        sds.append(means.std() / sd)
        mads.append(np.abs(means - col.mean()).mean() / sd)
    return float(np.mean(sds)), float(np.mean(mads))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--scale", type=float, default=1.0, help="x the time limits")
    args = parser.parse_args()
    warm()  # the kernels loaded before the clock, as in a worker that has formed circles before
    print(
        f"{'n':>6} {'who':<22} {'s':>6} {'objective':>11} {'vs anticlust':>12} "
        f"{'means SD':>9} {'means MAD':>9}"
    )
    for n in (int(v) for v in args.sizes.split(",")):
        pool, rows = read_pool(n)
        x = embed(pool.features, n)
        cols = columns(rows)
        index = {pid: i for i, pid in enumerate(pool.ids)}
        theirs = np.zeros(n, dtype=np.int64)
        with open(DATA / f"anticlust_fast_{n}.csv", newline="") as handle:
            for row in csv.DictReader(handle):
                theirs[index[row["id"]]] = int(row["circle"]) - 1
        peer = objective(x, theirs)
        sd, mad = spread(cols, theirs)
        print(
            f"{n:>6} {'anticlust fast':<22} {'':>6} {peer:>11.2f} {'':>12} {sd:>9.4f} {mad:>9.4f}"
        )
        limit = LIMITS.get(n, n / 1000) * args.scale
        for seed in (int(v) for v in args.seeds.split(",")):
            started = time.perf_counter()
            result = form_circles(
                pool,
                Request(groups=n // 5, time_limit=limit, seed=seed, use_availability=False),
            )
            seconds = time.perf_counter() - started
            ours = np.zeros(n, dtype=np.int64)
            for g, circle in enumerate(result.circles):
                for pid in circle.members:
                    ours[index[pid]] = g
            if not np.bincount(ours).min() == 5 == np.bincount(ours).max():
                raise SystemExit(f"seed {seed}: circles not all of 5")
            value = objective(x, ours)
            sd, mad = spread(cols, ours)
            print(
                f"{n:>6} {f'ours seed {seed}':<22} {seconds:>6.2f} {value:>11.2f} "
                f"{100 * (value / peer - 1):>+11.3f}% {sd:>9.4f} {mad:>9.4f}"
            )


if __name__ == "__main__":
    main()
