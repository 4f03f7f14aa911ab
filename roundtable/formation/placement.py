"""Phase one of the search: a grouping that meets every hard constraint. A greedy placement
(hardest units first), then a min-conflicts repair by swaps.
"""

from __future__ import annotations

import time

import numpy as np

from roundtable.formation import kernels
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
    avail = np.zeros((units.count, 0), np.int64)
    if units.avail is not None:
        avail = units.avail.astype(np.int64)
    shared = common if common is not None else np.zeros((k, 0), dtype=np.bool_)
    exempt = units.exempt.astype(np.bool_) if len(units.exempt) == k else np.zeros(k, np.bool_)
    kernels.seed_random(int(rng.integers(2**31)))
    stuck = kernels.place_units(
        order.astype(np.int64), units.size, avail, units.indptr, units.neighbours, exempt,
        room, labels, shared,
    )  # fmt: skip
    if stuck >= 0:
        raise Infeasible(
            [
                "The 'together' groups cannot be packed into circles of sizes "
                f"{min(problem.sizes)}-{max(problem.sizes)}."
            ]
        )
    return labels


def repair(state: SearchState, rng: np.random.Generator, deadline: float) -> bool:
    """Min-conflicts: while some circle breaks a constraint, move one of its units by the swap
    that most reduces the number of broken constraints (ties at random, sideways allowed).
    Single people are swapped by the compiled loop (`kernels.repair_steps`), in batches
    between deadline checks; kept-together groups trade with single people (`bundle_step`)
    when their circle is broken, and now and then anywhere."""
    u = state.u
    movable = (u.pinned_to < 0).astype(np.bool_)
    bad = state.broken_per_circle()
    avail = u.avail.astype(np.int64) if u.avail is not None else np.zeros((u.count, 0), np.int64)
    tally = state.tally if u.avail is not None else np.zeros((state.k, 0), np.int64)
    exempt = u.exempt.astype(np.bool_) if len(u.exempt) == state.k else np.zeros(state.k, bool)
    groups = np.flatnonzero(movable & (u.size > 1))
    batch = 64 if len(groups) else 4096
    steps = 0
    while bad.any():
        if time.perf_counter() > deadline or steps > 500 * u.count + 5000:
            return False
        kernels.seed_random(int(rng.integers(2**31)))
        taken = int(
            kernels.repair_steps(
                batch, u.x, u.size, movable, state.labels, state.sums, state.sq,
                state.unit_count, tally, avail, exempt, u.indptr, u.neighbours, bad,
            )
        )  # fmt: skip
        steps += max(taken, 1)
        if not len(groups):
            if taken < 0:
                return False  # a broken circle holds nobody who may move
            continue
        # Kept-together groups in broken circles (and one elsewhere, at random) trade places.
        broken_groups = groups[bad[state.labels[groups]] > 0]
        picks = broken_groups[:8] if len(broken_groups) else groups[:0]
        if rng.random() < 0.3 or taken < 0:
            picks = np.append(picks, rng.choice(groups))
        for unit in rng.permutation(picks).tolist():
            bundle_step(state, int(unit), movable, rng, bad, repair=True)
            steps += 1
    return True
