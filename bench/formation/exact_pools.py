"""Certified optimum of the engine's own problem on small pools (up to about 20 people), with
its hard constraints, by an exact dynamic program over subsets (numpy).

Every hard constraint is a property of one circle (apart: not both in it; together: both or
neither; availability: a slot all its members share), and so is the size-neutral objective
W = Σ_g W(S_g), with W(S) the within-circle sum of squares. So: list every valid circle
(a subset of a planned size that meets the constraints) with its W(S); then build partitions
circle by circle, each new circle holding the lowest-numbered person not yet placed, keeping per
set of placed people (and number of bigger circles used) only the best total. Exact by
construction: every partition is reached once, in that canonical order.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from roundtable.formation.problem import Problem, objective


def _valid_circles(problem: Problem, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(bit masks, values, lowest member) of every valid circle of `size` people."""
    n = problem.n
    x = problem.x
    together = {i: j for a, b in problem.together for i, j in ((a, b), (b, a))}
    apart = {frozenset(p) for p in problem.apart}
    avail = None if problem.availability is None else np.asarray(problem.availability, bool)
    masks, values, lowest = [], [], []
    for members in combinations(range(n), size):
        chosen = set(members)
        if any(together.get(i, i) not in chosen for i in members):
            continue
        if any(frozenset((i, j)) in apart for i, j in combinations(members, 2)):
            continue
        if avail is not None and not avail[list(members)].all(axis=0).any():
            continue
        part = x[list(members)]
        masks.append(sum(1 << i for i in members))
        values.append(float(((part - part.mean(axis=0)) ** 2).sum()))
        lowest.append(members[0])
    return np.array(masks, dtype=np.int64), np.array(values), np.array(lowest, dtype=np.int64)


def optimum(problem: Problem) -> tuple[float, np.ndarray, bool]:
    """(objective, labels, proven): proven is True (the optimum) unless infeasible (NaN)."""
    n = problem.n
    sizes = sorted(problem.sizes)
    small, big = sizes[0], sizes[-1]
    need_big = sum(1 for s in sizes if s == big) if big != small else 0
    circles = [_valid_circles(problem, small)]
    if big != small:
        circles.append(_valid_circles(problem, big))
    masks = np.concatenate([c[0] for c in circles])
    values = np.concatenate([c[1] for c in circles])
    lowest = np.concatenate([c[2] for c in circles])
    is_big = np.concatenate(
        [np.zeros(len(circles[0][0]), bool)]
        + ([np.ones(len(circles[1][0]), bool)] if big != small else [])
    )
    by_lowest = {i: np.flatnonzero(lowest == i) for i in range(n)}
    full = (1 << n) - 1
    # Layer: placed-mask, bigs used -> best value; with back-pointers for the circles.
    layer: dict[tuple[int, int], float] = {(0, 0): 0.0}
    back: list[dict[tuple[int, int], tuple[tuple[int, int], int]]] = []
    for _ in range(len(sizes)):
        best: dict[tuple[int, int], float] = {}
        pointer: dict[tuple[int, int], tuple[tuple[int, int], int]] = {}
        for (placed, bigs), value in layer.items():
            free = ~placed & full
            first = (free & -free).bit_length() - 1
            options = by_lowest.get(first, np.zeros(0, dtype=np.int64))
            options = options[(masks[options] & placed) == 0]
            if need_big:
                options = options[bigs + is_big[options] <= need_big]
            for option in options.tolist():
                state = (placed | int(masks[option]), bigs + int(is_big[option]))
                total = value + float(values[option])
                if total > best.get(state, -np.inf):
                    best[state] = total
                    pointer[state] = ((placed, bigs), option)
        layer = best
        back.append(pointer)
    goal = (full, need_big)
    if goal not in layer:
        return float("nan"), np.full(n, -1), False
    labels = np.full(n, -1)
    state = goal
    for g in range(len(sizes) - 1, -1, -1):
        previous, option = back[g][state]
        members = [i for i in range(n) if int(masks[option]) >> i & 1]
        labels[members] = g
        state = previous
    return objective(problem.x, labels), labels, True
