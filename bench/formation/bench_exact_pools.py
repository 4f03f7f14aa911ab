"""Exactness on the engine's own problem: 20 synthetic pools of 8 to 20 people with hard
constraints (managers apart, a kept-apart pair, a kept-together pair, weekly availability),
engine (1 s budget) against the certified optimum of an exact dynamic program
(see exact_pools.py).

    .venv/bin/python bench/formation/bench_exact_pools.py [--pools 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.formation.exact_pools import optimum
from roundtable.formation.features import embed
from roundtable.formation.problem import Infeasible, Problem, plan_sizes, violations
from roundtable.formation.search import form
from roundtable.formation.synthetic import employee_pool


def pool_problem(seed: int) -> Problem:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 21))
    pool = employee_pool(n, seed=seed, free_share=0.7)
    index = {p: i for i, p in enumerate(pool.ids)}
    apart = [(index[p], index[m]) for p, m in pool.managers.items()]
    a, b, c, e = (int(v) for v in rng.choice(n, 4, replace=False))
    apart.append((a, b))
    together = [(c, e)]
    apart = [pair for pair in apart if not ({c, e} & set(pair) and {c, e} <= {*pair, c, e})]
    availability = pool.availability
    if availability is None:
        raise RuntimeError("the synthetic pool has no availability")
    # A narrower grid (the working week's first 12 one-hour slots) keeps it a real constraint.
    availability = availability[:, :12].copy()
    availability[:, 0] |= ~availability.any(axis=1)
    availability[e] = availability[c] = availability[c] | availability[e]
    size_range = (3, 5) if n < 12 else (4, 5)
    try:
        sizes = plan_sizes(n, size_range=size_range)
    except ValueError:
        sizes = plan_sizes(n, size_range=(3, 6))
    return Problem(
        x=embed(pool.features, n),
        sizes=sizes,
        apart=apart,
        together=together,
        availability=availability,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pools", type=int, default=20)
    args = parser.parse_args()
    rows: list[tuple[int, bool, bool, int]] = []
    times: list[float] = []
    infeasible: list[tuple[int, bool]] = []
    print(
        f"{'pool':>4} {'n':>3} {'sizes':<14} {'optimum':>10} {'engine':>10} {'s':>6} {'exact s':>7}"
    )
    seed = 0
    while len(rows) < args.pools:
        problem = pool_problem(seed)
        started = time.perf_counter()
        best, _labels, proven = optimum(problem)
        cp_seconds = time.perf_counter() - started
        if not proven:  # no valid grouping exists: the engine must say so too
            try:
                form(problem, seed=seed, time_limit=1.0)
                infeasible.append((seed, False))
            except Infeasible as exc:
                infeasible.append((seed, True))
                print(f"{seed:>4} {problem.n:>3} infeasible; engine agrees: {exc.problems[0]}")
            seed += 1
            continue
        result = form(problem, seed=seed, time_limit=1.0, max_restarts=10_000)
        broken = sum(violations(problem, result.labels).values())
        match = bool(np.isclose(result.objective, best, rtol=1e-9, atol=1e-6))
        rows.append((seed, match, proven, broken))
        times.append(result.seconds)
        sizes = "-".join(map(str, sorted(set(problem.sizes))))
        flag = "" if match else "  <-- below optimum"
        print(
            f"{seed:>4} {problem.n:>3} {len(problem.sizes)}x{sizes:<12} {best:>10.4f} "
            f"{result.objective:>10.4f} {result.seconds:>6.2f} {cp_seconds:>7.1f}"
            f"{' VIOLATIONS' if broken else ''}{flag}"
        )
        seed += 1
    matched = sum(1 for _, m, _, _ in rows if m)
    certified = sum(1 for _, _, p, _ in rows if p)
    print(
        f"\noptimum reached on {matched}/{len(rows)} pools "
        f"({certified} certified by the exact program); "
        f"median engine time {statistics.median(times):.2f} s; "
        f"violations {sum(b for *_, b in rows)}; infeasible pools {len(infeasible)}, "
        f"engine agreed on {sum(1 for _, ok in infeasible if ok)}"
    )


if __name__ == "__main__":
    main()
