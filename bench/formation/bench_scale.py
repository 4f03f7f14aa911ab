"""Scale: synthetic employee pools (departments, locations, approaches, experience, tenure,
skills, a management tree, weekly availability), circles of 4-6 with every hard constraint on:
managers kept apart from their reports, added pairs kept apart (1 % of n) and kept together
(0.5 % of n, colleagues who share a weekly slot), circles of one job role (three roles) and a
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

BUDGET = {1_000: 0.7, 10_000: 8.0, 100_000: 20.0}  # engine seconds; targets 1, 10, 30 s


def one(n: int, scale: float = 1.0) -> dict[str, object]:
    # Imported only in the child that forms the pool: the parent just launches children.
    from dataclasses import replace

    import numpy as np

    from roundtable.formation import Request, form_circles
    from roundtable.formation.features import embed
    from roundtable.formation.kernels import warm
    from roundtable.formation.synthetic import employee_pool

    warm()  # loaded from numba's on-disk cache, as in a worker that has formed circles before
    pool = employee_pool(n, seed=7)
    rng = np.random.default_rng(3)
    roles = [("analyst", "specialist", "lead")[i] for i in rng.choice(3, n, p=[0.5, 0.3, 0.2])]
    pool = replace(pool, roles=roles)
    ids = list(pool.ids)
    people = rng.permutation(n)
    apart = [(ids[a], ids[b]) for a, b in people[: 2 * (n // 100)].reshape(-1, 2)]
    together: list[tuple[str, str]] = []
    availability = pool.availability
    rest = people[2 * (n // 100) :]
    used: set[int] = set()
    for a in rest[: n // 50].tolist():
        if a in used or len(together) >= n // 200:
            continue
        same = rest[(np.asarray(roles)[rest] == roles[a]) & (rest != a)][:50]
        if availability is not None:
            same = same[(availability[same] & availability[a]).sum(axis=1) >= 3]
        free = [b for b in same.tolist() if b not in used]
        if free:
            together.append((ids[a], ids[free[0]]))
            used.update((a, free[0]))
    started = time.perf_counter()
    result = form_circles(
        pool,
        Request(
            size_range=(4, 6),
            apart=apart,
            together=together,
            same_role=True,
            time_limit=BUDGET.get(n, n / 1000) * scale,
            seed=1,
        ),
    )
    seconds = time.perf_counter() - started
    x = embed(pool.features, n)
    bound = float(((x - x.mean(axis=0)) ** 2).sum())
    return {
        "n": n,
        "circles": len(result.circles),
        "seconds": round(seconds, 2),
        "budget": BUDGET.get(n, n / 1000) * scale,
        "objective": round(result.objective, 3),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "violations": sum(int(c["violations"]) for c in result.constraints.values()),
        "manager_pairs": result.constraints["managers_apart"]["pairs"],
        "share_of_bound": round(result.objective / bound, 4),
        "mean_deviation": {b.name: round(b.mean_deviation, 4) for b in result.balance},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--scale", type=float, default=1.0, help="x the time budgets")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.scale)))
        return
    print(f"{'N':>7} {'circles':>7} {'seconds':>8} {'budget':>6} {'peak MB':>8} {'violations':>10} "
          f"{'manager pairs':>13} {'share of bound':>14} {'objective':>12}")  # fmt: skip
    rows = []
    for n in (int(v) for v in args.sizes.split(",")):
        output = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, __file__, "--one", str(n), "--scale", str(args.scale)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(output.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"{row['n']:>7} {row['circles']:>7} {row['seconds']:>8} {row['budget']:>6} "
            f"{row['peak_mb']:>8} {row['violations']:>10} {row['manager_pairs']:>13} "
            f"{row['share_of_bound']:>14} {row['objective']:>12}"
        )

    features = list(rows[0]["mean_deviation"]) if rows else []
    print("\nMean deviation of circle means from the program mean (SD units), per feature:")
    print(f"{'feature':<12}" + "".join(f"{row['n']:>10}" for row in rows))
    for name in features:
        print(f"{name:<12}" + "".join(f"{row['mean_deviation'][name]:>10}" for row in rows))


if __name__ == "__main__":
    main()
