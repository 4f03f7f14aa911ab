"""Certified optimum of small MDGPLIB instances (n <= 14 or so) by a dynamic program over
subsets: groups are filled in order, each with a subset of the elements left whose size lies in
its bounds; best[g][placed] is the best total of groups 0..g-1 over the set `placed`. Every
grouping is reached, so the maximum is the optimum (the file's groups are labelled by their
bounds, so no symmetry is lost)."""

from __future__ import annotations

import numpy as np

from roundtable.formation.mdgp import Instance


def _pair_sums(instance: Instance) -> np.ndarray:
    """Sum of the distances inside every subset (bit mask) of the n elements."""
    n = instance.n
    d = instance.distances
    sums = np.zeros(1 << n)
    for mask in range(1, 1 << n):
        low = (mask & -mask).bit_length() - 1
        rest = mask & (mask - 1)
        members = [j for j in range(n) if rest >> j & 1]
        sums[mask] = sums[rest] + d[low, members].sum()
    return sums


def optimum(instance: Instance) -> tuple[float, np.ndarray]:
    n, groups = instance.n, instance.groups
    full = (1 << n) - 1
    sums = _pair_sums(instance)
    sizes = np.array([bin(mask).count("1") for mask in range(1 << n)])
    best = {0: 0.0}
    back: list[dict[int, int]] = []
    for g in range(groups):
        low, high = int(instance.lower[g]), int(instance.upper[g])
        after: dict[int, float] = {}
        pointer: dict[int, int] = {}
        for placed, value in best.items():
            free = full & ~placed
            sub = free
            while sub:
                if low <= sizes[sub] <= high:
                    total = value + sums[sub]
                    key = placed | sub
                    if total > after.get(key, -np.inf):
                        after[key] = total
                        pointer[key] = sub
                sub = (sub - 1) & free
        best = after
        back.append(pointer)
    labels = np.full(n, -1)
    placed = full
    for g in range(groups - 1, -1, -1):
        sub = back[g][placed]
        labels[[i for i in range(n) if sub >> i & 1]] = g
        placed &= ~sub
    return float(best[full]), labels
