"""The objective and the search.

Objective (size-neutral): the sum over circles of their within-circle sum of squares,
W = Σ_g Σ_{i∈g} ||x_i - mean_g||² = Σ_g D_g / n_g, where D_g is the sum of squared distances
over the pairs in circle g. Dividing each circle's pair sum by its size makes one person count
the same in a circle of 4 as in a circle of 6 (the "average diversity" of anticlust), so the
search gains nothing by making a circle bigger or smaller. Since the total sum of squares is
fixed, maximising W also minimises the spread between circle means: diverse circles that
resemble each other.

Search: swaps between circles (sizes stay as planned), each swap's gain computed in O(d) from
per-circle sums, never by recomputing the objective; first-improvement passes until no swap
gains, restarted from new random starts while time and the restart budget allow. Memory is
O(N·d): no N x N matrix.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Formation:
    labels: np.ndarray  # circle index per person
    objective: float
    restarts: int
    seconds: float


def plan_sizes(
    n: int, *, groups: int | None = None, size_range: tuple[int, int] | None = None
) -> list[int]:
    """Circle sizes as equal as possible, everyone placed; or a clear reason why not."""
    if n < 1:
        raise ValueError("There is nobody to place.")
    if groups is not None:
        if not 1 <= groups <= n:
            raise ValueError(f"{groups} circles cannot be made from {n} people.")
        base, extra = divmod(n, groups)
        sizes = [base + 1] * extra + [base] * (groups - extra)
        if size_range and not (size_range[0] <= min(sizes) and max(sizes) <= size_range[1]):
            raise ValueError(
                f"{n} people in {groups} circles gives sizes {min(sizes)}-{max(sizes)}, "
                f"outside {size_range[0]}-{size_range[1]}."
            )
        return sizes
    if size_range is None:
        raise ValueError("Give a number of circles or a size range.")
    low, high = size_range
    if not 1 <= low <= high:
        raise ValueError(f"The size range {low}-{high} is not valid.")
    for k in range(math.ceil(n / high), n // low + 1):
        base, extra = divmod(n, k)
        if low <= base and base + (1 if extra else 0) <= high:
            return [base + 1] * extra + [base] * (k - extra)
    raise ValueError(f"{n} people cannot be split into circles of {low}-{high}.")


def objective(x: np.ndarray, labels: np.ndarray) -> float:
    total = 0.0
    for g in np.unique(labels):
        members = x[labels == g]
        total += float(((members - members.mean(axis=0)) ** 2).sum())
    return total


def form(
    x: np.ndarray,
    sizes: Sequence[int],
    *,
    seed: int = 0,
    time_limit: float = 1.0,
    max_restarts: int = 50,
) -> Formation:
    """Best of several local searches from random starts; deterministic for a seed and budget
    of restarts (the time limit can only stop it earlier)."""
    n = x.shape[0]
    if sum(sizes) != n:
        raise ValueError(f"The circle sizes add up to {sum(sizes)}, not {n}.")
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    best_labels, best_value, runs = None, -math.inf, 0
    template = np.repeat(np.arange(len(sizes)), sizes)
    while runs < max_restarts and (runs == 0 or time.perf_counter() - started < time_limit):
        labels = rng.permutation(template)
        labels, value = _local_search(x, labels, len(sizes), rng, started, time_limit)
        runs += 1
        if value > best_value + 1e-9:
            best_labels, best_value = labels, value
    assert best_labels is not None  # noqa: S101 - the loop runs at least once
    return Formation(best_labels, objective(x, best_labels), runs, time.perf_counter() - started)


def _local_search(
    x: np.ndarray,
    labels: np.ndarray,
    k: int,
    rng: np.random.Generator,
    started: float,
    time_limit: float,
) -> tuple[np.ndarray, float]:
    sq = (x * x).sum(axis=1)
    sums = np.zeros((k, x.shape[1]))
    np.add.at(sums, labels, x)
    counts = np.bincount(labels, minlength=k).astype(np.float64)

    n = len(labels)
    improved = True
    while improved and time.perf_counter() - started < time_limit * 4:
        improved = False
        for i in rng.permutation(n):
            a = labels[i]
            # Gains of swapping i with every j at once, O(N·d): W_g = T_g - ||S_g||²/n_g and
            # the T terms cancel between the two circles of a swap.
            diff = x - x[i]
            sa_new = sums[a] + diff
            sb_new = sums[labels] - diff
            before = (
                sums[a] @ sums[a] / counts[a] + (sums * sums).sum(axis=1)[labels] / counts[labels]
            )
            after = (sa_new * sa_new).sum(axis=1) / counts[a] + (sb_new * sb_new).sum(
                axis=1
            ) / counts[labels]
            gains = np.where(labels != a, before - after, -np.inf)
            j = int(np.argmax(gains))
            if gains[j] > 1e-12:
                b = labels[j]
                step = x[j] - x[i]
                sums[a] += step
                sums[b] -= step
                labels[i], labels[j] = b, a
                improved = True
    value = float(sq.sum() - sum(sums[g] @ sums[g] / counts[g] for g in range(k)))
    return labels, value
