"""Step rates of the compiled kernels against the numpy version of the same step.

    .venv/bin/python bench/formation/bench_steps.py [--sizes 240,480,10000,100000]

Two kinds of step, each from the same random start and the same partners:

- features (the descent): one unit examined, i.e. the swap gains with its partners from the
  circle sums, the best valid one taken if it gains. numpy: `SearchState.gains`, `apart_ok`,
  `slots_ok` and `swap` (the reference the tests hold the kernels to), one unit per Python
  call; compiled: `kernels.descend_units`. Partners: every unit up to 12,000 (the engine's
  full scan), else 32 nearest neighbours and 24 random units.
- pair sums (the tabu search, up to 1,500 people or MDGPLIB): one tabu swap step. numpy: the
  swap gains of every pair from M (n x n, vectorised), the best one taken, M updated;
  compiled: `kernels.tabu_swap_steps`, which updates the gains of the two circles touched.

Prints steps per second for each; the machine should be otherwise idle.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from roundtable.formation.descent import FULL_PARTNER_LIMIT, Kernel
from roundtable.formation.kernels import warm
from roundtable.formation.problem import Problem
from roundtable.formation.state import EPS, SearchState
from roundtable.formation.tabu import PairProblem, PairSearch
from roundtable.formation.units import build_units

SECONDS = 2.0  # per measurement


def _start(n: int, seed: int = 1) -> tuple[SearchState, np.random.Generator]:
    rng = np.random.default_rng(seed)
    k = n // 5
    x = rng.normal(size=(n, 20))
    units = build_units(Problem(x=x, sizes=[5] * k))
    return SearchState(units, rng.permutation(np.repeat(np.arange(k), 5)), k), rng


def features_numpy(n: int) -> float:
    state, rng = _start(n)
    everyone = np.arange(n)
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        for unit in rng.permutation(n)[:256].tolist():
            partners = everyone if n <= FULL_PARTNER_LIMIT else rng.integers(0, n, 56)
            partners = partners[state.labels[partners] != state.labels[unit]]
            gains = state.gains(unit, partners)
            best = np.flatnonzero(gains > EPS)
            if len(best):
                best = best[np.argsort(-gains[best])][:32]
                ok = state.apart_ok(unit, partners[best]) & state.slots_ok(unit, partners[best])
                if ok.any():
                    state.swap(unit, int(partners[best[int(np.argmax(ok))]]))
            done += 1
    return done / (time.perf_counter() - started)


def features_compiled(n: int) -> float:
    state, rng = _start(n)
    movable = np.ones(n, dtype=bool)
    kernel = Kernel(state, movable, np.zeros(n), rng)
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        order = rng.permutation(n).astype(np.int64)[:4096]
        look = np.ones(n, dtype=np.bool_)
        kernel.pass_over(state, order, look, np.zeros(state.k, dtype=np.bool_))
        done += len(order)
    return done / (time.perf_counter() - started)


def _pairs(n: int) -> PairSearch:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(n, 20))
    search = PairSearch(PairProblem.from_features(x, [10] * (n // 10)), rng)
    search.load(search.random_labels())
    return search


def pairs_numpy(n: int) -> float:
    search = _pairs(n)
    d, labels, mt = search.d, search.labels, search.mt
    w = 1.0 / search.sizes
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        own = mt[labels, np.arange(n)]
        # gain(r, c) = w_a (M[c, a] - M[r, a] - d_rc) + w_b (M[r, b] - M[c, b] - d_rc)
        wa = w[labels][:, None]
        wb = w[labels][None, :]
        gains = wa * (mt[labels].T - own[:, None]) + wb * (mt[labels] - own[None, :])
        gains -= (wa + wb) * d
        gains[labels[:, None] == labels[None, :]] = -np.inf
        i, j = divmod(int(np.argmax(gains)), n)
        a, b = labels[i], labels[j]
        delta = d[j] - d[i]
        mt[a] += delta
        mt[b] -= delta
        labels[i], labels[j] = b, a
        done += 1
    return done / (time.perf_counter() - started)


def pairs_compiled(n: int) -> float:
    search = _pairs(n)
    steps = 2000
    started = time.perf_counter()
    done = 0
    while time.perf_counter() - started < SECONDS:
        search.tabu(steps, deadline=float("inf"), swaps_only=True)
        done += steps
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="240,480,10000,100000")
    args = parser.parse_args()
    warm()
    print(f"{'n':>7} {'step':<22} {'numpy /s':>10} {'compiled /s':>12} {'x':>6}")
    for n in (int(v) for v in args.sizes.split(",")):
        rates = [("descent: a unit", features_numpy(n), features_compiled(n))]
        if n <= 1500:
            rates.append(("tabu: a swap", pairs_numpy(n), pairs_compiled(n)))
        for name, slow, fast in rates:
            print(f"{n:>7} {name:<22} {slow:>10.0f} {fast:>12.0f} {fast / slow:>6.1f}")


if __name__ == "__main__":
    main()
