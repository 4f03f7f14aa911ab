"""Scale: synthetic employee pools (departments, locations, approaches, experience, tenure,
skills, a management tree, weekly availability), circles of 4-6 with managers kept apart and a
shared weekly slot per circle. Each size runs in its own process so its peak memory is its own.

    .venv/bin/python bench/formation/bench_scale.py [--sizes 1000,10000,100000]

Prints, per N: wall time of the whole call (features, constraints, search, balance report),
the engine's time budget, peak resident memory, violations of every hard constraint, and the
objective as a share of its upper bound (the pool's total sum of squares: circles whose means
all equal the pool's mean).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

BUDGET = {1_000: 0.7, 10_000: 8.0, 100_000: 24.0}  # engine seconds; targets 1, 10, 30 s


def one(n: int) -> dict[str, object]:
    # Imported only in the child that forms the pool: the parent just launches children.
    from roundtable.formation import Request, form_circles
    from roundtable.formation.features import embed
    from roundtable.formation.synthetic import employee_pool

    pool = employee_pool(n, seed=7)
    started = time.perf_counter()
    result = form_circles(
        pool, Request(size_range=(4, 6), time_limit=BUDGET.get(n, n / 1000), seed=1)
    )
    seconds = time.perf_counter() - started
    x = embed(pool.features, n)
    bound = float(((x - x.mean(axis=0)) ** 2).sum())
    return {
        "n": n,
        "circles": len(result.circles),
        "seconds": round(seconds, 2),
        "budget": BUDGET.get(n, n / 1000),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "violations": sum(int(c["violations"]) for c in result.constraints.values()),
        "manager_pairs": result.constraints["managers_apart"]["pairs"],
        "share_of_bound": round(result.objective / bound, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    print(f"{'N':>7} {'circles':>7} {'seconds':>8} {'budget':>6} {'peak MB':>8} {'violations':>10} "
          f"{'manager pairs':>13} {'share of bound':>14}")  # fmt: skip
    for n in (int(v) for v in args.sizes.split(",")):
        output = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, __file__, "--one", str(n)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(output.strip().splitlines()[-1])
        print(
            f"{row['n']:>7} {row['circles']:>7} {row['seconds']:>8} {row['budget']:>6} "
            f"{row['peak_mb']:>8} {row['violations']:>10} {row['manager_pairs']:>13} "
            f"{row['share_of_bound']:>14}"
        )


if __name__ == "__main__":
    main()
