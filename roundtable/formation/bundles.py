"""Kept-together groups trade places with as many single people from another circle, so circle
sizes stay as planned: the step both phases of the search use for units bigger than one.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from roundtable.formation.state import EPS, SearchState


def bundle_step(
    state: SearchState,
    unit: int,
    movable: np.ndarray,
    rng: np.random.Generator,
    bad: np.ndarray | None,
    *,
    repair: bool,
    cost: np.ndarray | None = None,
) -> tuple[int, int] | None:
    """A kept-together group trades places with as many single people from another circle
    (sizes stay as planned). Rare, so tried directly: exchange, measure, undo if worse.
    In repair mode the exchange that breaks the fewest constraints is kept; otherwise the
    first valid one that raises the objective."""
    u = state.u
    a = int(state.labels[unit])
    m = int(u.size[unit])
    singles = movable & (u.size == 1)
    circles = [g for g in rng.permutation(state.k) if g != a][:24]
    options: list[tuple[float, np.ndarray]] = []
    tries = [
        (g, bundle)
        for g in circles
        for bundle in _bundles(np.flatnonzero((state.labels == g) & singles), m, rng)
    ]
    left = np.array([unit])
    if not repair:
        # Gains from the circle sums first (no exchange needed); constraints only for the
        # exchanges that would raise the objective, best first.
        gains = []
        for g, bundle in tries:
            step = u.x[bundle].sum(axis=0) - u.x[unit]
            new_a, new_g = state.sums[a] + step, state.sums[g] - step
            gain = (state.sq[a] - new_a @ new_a) / state.people[a] + (
                state.sq[g] - new_g @ new_g
            ) / state.people[g]
            if cost is not None and cost.any():
                moved = np.concatenate([left, bundle])
                home = u.start[moved]
                now = np.where(moved == unit, a, g)
                then = np.where(moved == unit, g, a)
                gain -= float(
                    cost[moved][(home >= 0) & (home != then)].sum()
                    - cost[moved][(home >= 0) & (home != now)].sum()
                )
            gains.append(gain)
        for idx in np.argsort(-np.array(gains), kind="stable") if gains else []:
            if gains[idx] <= EPS:
                break
            g, bundle = tries[idx]
            state.exchange(left, bundle)
            if state.broken(a) + state.broken(g) == 0:
                return a, int(g)
            state.exchange(bundle, left)
        return None
    for g, bundle in tries:
        was = state.broken(a) + state.broken(g)
        state.exchange(left, bundle)
        broken = state.broken(a) + state.broken(g)
        options.append((broken - was, bundle))
        state.exchange(bundle, left)
    if repair and options:
        best = min(score for score, _ in options)
        picks = [b for score, b in options if score == best]
        bundle = picks[int(rng.integers(len(picks)))]
        g = int(state.labels[bundle[0]])
        state.exchange(np.array([unit]), bundle)
        if bad is not None:
            bad[a] = state.broken(a)
            bad[g] = state.broken(g)
        return a, g
    return None


def _bundles(pool: np.ndarray, m: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Sets of m single people from one circle to trade for a group: all of them when there
    are few (small circles), else a random dozen."""
    if len(pool) < m:
        return []
    if math.comb(len(pool), m) <= 12:
        return [np.array(c) for c in itertools.combinations(pool.tolist(), m)]
    return [rng.choice(pool, m, replace=False) for _ in range(12)]
