"""Certified optimum of small MDGP instances (n <= 12 in a second or so, n <= 16 slowly) by a
dynamic program over subsets of the elements, vectorised with numpy.

Groups are filled in the file's order (they are told apart by their bounds, so no symmetry is
lost and every grouping is reached exactly once): best[mask] is the largest total of groups
0..g-1 over the elements `mask`, -inf where no grouping of `mask` into those groups fits their
bounds. Group g adds, for every subset `sub` whose size lies in [a_g, b_g], best[mask] +
inner[sub] at mask | sub for every mask disjoint from sub; `inner[sub]` is the sum of the
distances inside `sub`. The maximum over all groupings is best[all elements] after the last
group, so the value returned is the optimum, not an estimate.
"""

from __future__ import annotations

import numpy as np

from roundtable.formation.mdgp import Instance

MAX_N = 16


def inner_sums(distances: np.ndarray) -> np.ndarray:
    """Sum of the distances of the pairs inside every subset (bit mask) of the n elements,
    built by doubling: the subsets holding element k are those without it plus k's links."""
    n = distances.shape[0]
    sums = np.zeros(1, dtype=np.float64)
    for k in range(n):
        masks = np.arange(1 << k)
        # Distance from k to the members of each subset of 0..k-1.
        links = np.zeros(1 << k, dtype=np.float64)
        for j in range(k):
            links += ((masks >> j) & 1) * distances[k, j]
        sums = np.concatenate([sums, sums + links])
    return sums


def optimum(instance: Instance) -> tuple[float, np.ndarray]:
    """The certified optimum and one grouping reaching it (labels 0..G-1 per element)."""
    n, groups = instance.n, instance.groups
    if n > MAX_N:
        raise ValueError(f"The exact method is for n <= {MAX_N}; this instance has n = {n}.")
    full = (1 << n) - 1
    everything = np.arange(1 << n, dtype=np.int64)
    inner = inner_sums(np.asarray(instance.distances, dtype=np.float64))
    counts = np.zeros(1 << n, dtype=np.int64)
    for j in range(n):
        counts += (everything >> j) & 1
    best = np.full(1 << n, -np.inf)
    best[0] = 0.0
    choices: list[np.ndarray] = []
    for g in range(groups):
        low, high = int(instance.lower[g]), int(instance.upper[g])
        after = np.full(1 << n, -np.inf)
        chosen = np.zeros(1 << n, dtype=np.int64)
        reachable = everything[np.isfinite(best)]
        for sub in everything[(counts >= low) & (counts <= high)].tolist():
            masks = reachable[(reachable & sub) == 0]
            if not len(masks):
                continue
            target = masks | sub
            total = best[masks] + inner[sub]
            wins = total > after[target]
            after[target[wins]] = total[wins]
            chosen[target[wins]] = sub
        best = after
        choices.append(chosen)
    if not np.isfinite(best[full]):
        raise ValueError("No grouping fits the size bounds.")
    labels = np.full(n, -1, dtype=np.int64)
    mask = full
    for g in range(groups - 1, -1, -1):
        sub = int(choices[g][mask])
        labels[[i for i in range(n) if sub >> i & 1]] = g
        mask &= ~sub
    return float(best[full]), labels
