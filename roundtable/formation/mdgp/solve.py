"""The MDGP rounds: `solve` runs tabu searches from kicked best groupings, fresh starts and
group-based crossovers of an elite pool, within a time limit or for an exact number of rounds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from roundtable.formation.mdgp.instance import Instance, Solution, within_group_sum
from roundtable.formation.mdgp.search import EPS, TabuSearch

TABU_STEPS = 10  # x n steps of tabu search per round
ELITES = 6  # groupings kept for crossover
CROSSOVER_SHARE = 0.3  # share of rounds that start from a crossover once there are 2 elites
KICK = 1.0  # kick strength: 2 .. KICK * n / G + 1 random swaps and moves
SWAP_ONLY = 0.9  # share of rounds of a `ds` instance that keep their size profile (swaps only)


def solve(
    instance: Instance,
    *,
    seed: int = 0,
    time_limit: float = 1.0,
    max_iterations: int | None = None,
    rounds: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> Solution:
    """Best grouping found within `time_limit` seconds of wall time, or within `max_iterations`
    rounds (then the result depends on the seed alone; the time limit can only stop it
    earlier). With `rounds`, exactly that many rounds run whatever the time limit (what tests
    and reproducible runs use). Each round runs a tabu search of 10 n steps from the best
    grouping kicked by a few random swaps and moves, or from a crossover of two elite
    groupings; with per-group ranges, most rounds keep their group sizes (see the module
    docs). `progress` is called with the share of the time (or of the `rounds`) used, after
    every round."""
    started = time.perf_counter()
    deadline = started + time_limit if rounds is None else math.inf
    if rounds is not None:
        max_iterations = rounds
    rng = np.random.default_rng(seed)
    search = TabuSearch(instance, rng)
    steps = TABU_STEPS * instance.n
    per_group = max(2, int(KICK * instance.n / instance.groups))

    search.load(search.random_labels())
    best_labels, best = search.tabu(steps, deadline)
    found_at = time.perf_counter() - started
    elites: list[tuple[float, np.ndarray]] = [(best, best_labels)]
    iterations = 0
    while time.perf_counter() < deadline and (
        max_iterations is None or iterations < max_iterations
    ):
        iterations += 1
        swaps_only = not search.fixed and rng.random() < SWAP_ONLY
        if len(elites) < ELITES and iterations % 2 == 0:
            search.load(search.random_labels())  # grow the elite pool from fresh starts
        elif len(elites) >= 2 and rng.random() < CROSSOVER_SHARE:
            first, second = rng.choice(len(elites), size=2, replace=False)
            search.load(crossover(search, elites[int(first)][1], elites[int(second)][1]))
        else:
            search.load(best_labels)
            search.kick(int(rng.integers(2, per_group + 2)), moves=not swaps_only)
        found, value = search.tabu(steps, deadline, swaps_only)
        value = _exact_value(search, found)
        if value > best + EPS:
            best_labels, best = found, value
            found_at = time.perf_counter() - started
        _admit(elites, value, found)
        if progress is not None:
            done = iterations / rounds if rounds else (time.perf_counter() - started) / time_limit
            progress(min(1.0, done))
    return Solution(
        best_labels,
        within_group_sum(instance, best_labels),
        time.perf_counter() - started,
        iterations,
        found_at,
    )


def _exact_value(search: TabuSearch, labels: np.ndarray) -> float:
    """Objective of labels from the state's matrix once (the running value drifts by rounding)."""
    d = search.d
    total = 0.0
    for g in range(search.g):
        members = np.flatnonzero(labels == g)
        total += float(d[np.ix_(members, members)].sum()) / 2
    return total


def _admit(elites: list[tuple[float, np.ndarray]], value: float, labels: np.ndarray) -> None:
    """Keep the best distinct groupings (a grouping already in the pool is not added twice)."""
    for known, _ in elites:
        if abs(known - value) <= EPS * max(1.0, abs(value)):
            return
    if len(elites) < ELITES:
        elites.append((value, labels.copy()))
    else:
        worst = min(range(len(elites)), key=lambda k: elites[k][0])
        if value > elites[worst][0]:
            elites[worst] = (value, labels.copy())
    elites.sort(key=lambda item: -item[0])


def crossover(search: TabuSearch, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Group-based crossover: alternately from each parent, the group label whose members
    not yet placed have the largest sum of distances passes on those members; the rest go
    greedily where they add most, first to groups below their lower bound."""
    n, groups, d = search.n, search.g, search.d
    child = np.full(n, -1, dtype=np.int64)
    used = np.zeros(groups, dtype=bool)
    parents = (first, second) if search.rng.random() < 0.5 else (second, first)
    for turn in range(groups):
        parent = parents[turn % 2]
        free = child < 0
        best_g, best_sum = -1, -1.0
        for g in np.flatnonzero(~used).tolist():
            members = np.flatnonzero((parent == g) & free)
            total = float(d[np.ix_(members, members)].sum()) if len(members) else 0.0
            if total > best_sum:
                best_g, best_sum = g, total
        used[best_g] = True
        child[(parent == best_g) & free] = best_g
    sizes = np.bincount(child[child >= 0], minlength=groups).astype(np.int64)
    onehot = np.zeros((n, groups))
    placed = child >= 0
    onehot[np.flatnonzero(placed), child[placed]] = 1.0
    m = d @ onehot
    left = np.flatnonzero(child < 0)
    while len(left):
        short = sizes < search.lower
        room = short if short.any() else sizes < search.upper
        scores = m[np.ix_(left, np.flatnonzero(room))]
        k = int(np.argmax(scores))
        r, c = divmod(k, scores.shape[1])
        i, g = int(left[r]), int(np.flatnonzero(room)[c])
        child[i] = g
        sizes[g] += 1
        m[:, g] += d[:, i]
        left = np.delete(left, r)
    # Elements placed earlier may leave a group short: move the best ones over.
    while (sizes < search.lower).any():
        needy = np.flatnonzero(sizes < search.lower)
        donors = np.flatnonzero(sizes[child] > search.lower[child])
        own = m[donors, child[donors]]
        scores = m[np.ix_(donors, needy)] - own[:, None]
        k = int(np.argmax(scores))
        r, c = divmod(k, scores.shape[1])
        i, g = int(donors[r]), int(needy[c])
        m[:, child[i]] -= d[:, i]
        sizes[child[i]] -= 1
        child[i] = g
        sizes[g] += 1
        m[:, g] += d[:, i]
    return child
