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
    circles = [g for g in rng.permutation(state.k)[:25].tolist() if g != a][:24]
    # The chosen circles' single movable units, from one pass over the labels.
    inside = np.flatnonzero(np.isin(state.labels, circles) & singles)
    by_circle = {g: inside[state.labels[inside] == g] for g in circles}
    options: list[tuple[float, np.ndarray]] = []
    tries = [(g, bundle) for g in circles for bundle in _bundles(by_circle[g], m, rng)]
    left = np.array([unit])
    if not repair:
        # Gains from the circle sums first, for every try at once (no exchange needed);
        # constraints only for the exchanges that would raise the objective, best first.
        if not tries:
            return None
        targets = np.array([g for g, _ in tries])
        bundle_x = np.array([u.x[bundle].sum(axis=0) for _, bundle in tries])
        step = bundle_x - u.x[unit]
        new_a = state.sums[a] + step
        new_g = state.sums[targets] - step
        gains = (state.sq[a] - (new_a * new_a).sum(axis=1)) / state.people[a] + (
            state.sq[targets] - (new_g * new_g).sum(axis=1)
        ) / state.people[targets]
        if cost is not None and cost.any():
            for t, (g, bundle) in enumerate(tries):
                moved = np.concatenate([left, bundle])
                home = u.start[moved]
                now = np.where(moved == unit, a, g)
                then = np.where(moved == unit, g, a)
                gains[t] -= float(
                    cost[moved][(home >= 0) & (home != then)].sum()
                    - cost[moved][(home >= 0) & (home != now)].sum()
                )
        for idx in np.argsort(-gains, kind="stable"):
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
    picks = np.argsort(rng.random((12, len(pool))), axis=1)[:, :m]  # 12 random m-subsets
    return list(pool[picks])
