"""Phase one of the search: a grouping that meets every hard constraint. A greedy placement
(hardest units first), then a min-conflicts repair by swaps.
"""

from __future__ import annotations

import time

import numpy as np

from roundtable.formation.bundles import bundle_step
from roundtable.formation.problem import Infeasible, Problem
from roundtable.formation.state import SearchState
from roundtable.formation.units import Units


def place(units: Units, problem: Problem, rng: np.random.Generator) -> np.ndarray:
    """Greedy start: pinned and current units stay; the rest, biggest and most constrained
    first, go to a circle with room, preferring one that keeps the most shared slots and
    meets nobody they must be kept apart from."""
    k = len(problem.sizes)
    room = np.array(problem.sizes, dtype=np.int64)
    labels = np.full(units.count, -1, dtype=np.int64)
    common = np.ones((k, units.avail.shape[1]), dtype=bool) if units.avail is not None else None
    keep = np.flatnonzero((units.start >= 0) & (units.start < k))
    # Current circles first (pinned before others), as long as they have room.
    for u in sorted(keep.tolist(), key=lambda u: units.pinned_to[u] < 0):
        g = units.start[u]
        if room[g] >= units.size[u] or units.pinned_to[u] >= 0:
            labels[u] = g
            room[g] -= units.size[u]
            if common is not None and units.avail is not None:
                common[g] &= units.avail[u]
    free = np.flatnonzero(labels < 0)
    tightness = units.avail[free].sum(axis=1) if units.avail is not None else np.zeros(len(free))
    degree = np.diff(units.indptr)[free]
    order = free[np.lexsort((rng.random(len(free)), -degree, tightness, -units.size[free]))]
    for u in order:
        open_circles = np.flatnonzero(room >= units.size[u])
        if not len(open_circles):
            raise Infeasible(
                [
                    "The 'together' groups cannot be packed into circles of sizes "
                    f"{min(problem.sizes)}-{max(problem.sizes)}."
                ]
            )
        if len(open_circles) > 64:
            open_circles = rng.choice(open_circles, 64, replace=False)
        score = rng.random(len(open_circles))
        nbrs = units.neighbours[units.indptr[u] : units.indptr[u + 1]]
        if len(nbrs):
            clash = np.isin(open_circles, labels[nbrs])
            score -= clash * 1000.0
        if common is not None and units.avail is not None:
            shared = (common[open_circles] & units.avail[u]).sum(axis=1)
            fits = (shared > 0) | units.exempt[open_circles]
            score += np.where(fits, 10.0 + shared / units.avail.shape[1], -100.0)
        g = int(open_circles[int(np.argmax(score))])
        labels[u] = g
        room[g] -= units.size[u]
        if common is not None and units.avail is not None:
            common[g] &= units.avail[u]
    return labels


def repair(state: SearchState, rng: np.random.Generator, deadline: float) -> bool:
    """Min-conflicts: while some circle breaks a constraint, move one of its units by the swap
    that most reduces the number of broken constraints (ties at random, sideways allowed)."""
    u = state.u
    movable = u.pinned_to < 0
    bad = state.broken_per_circle()
    steps = 0
    while bad.any():
        if time.perf_counter() > deadline or steps > 500 * u.count + 5000:
            return False
        steps += 1
        circle = int(rng.choice(np.flatnonzero(bad)))
        inside = np.flatnonzero((state.labels == circle) & movable)
        if not len(inside):
            return False
        unit = int(rng.choice(inside))
        groups = np.flatnonzero(movable & (u.size > 1))
        if len(groups) and (u.size[unit] > 1 or rng.random() < 0.3):
            # A kept-together group trades with single people; here or from elsewhere.
            if u.size[unit] == 1:
                unit = int(rng.choice(groups))
            bundle_step(state, unit, movable, rng, bad, repair=True)
            continue
        partners = np.flatnonzero((state.labels != circle) & movable & (u.size == u.size[unit]))
        if len(partners) > 256:
            partners = rng.choice(partners, 256, replace=False)
        if not len(partners):
            continue
        deltas = state.conflict_change(unit, partners)
        # Mostly the best swap (sideways and uphill too, to leave plateaus), sometimes any.
        choices = partners if rng.random() < 0.1 else partners[deltas == deltas.min()]
        partner = int(rng.choice(choices))
        other = state.labels[partner]
        state.swap(unit, partner)
        bad[circle] = state.broken(circle)
        bad[other] = state.broken(other)
    return True
