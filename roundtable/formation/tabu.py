"""The iterated tabu search on pair sums: what the engine runs whenever every pair's distance
fits in memory and nothing but circle sizes constrains the grouping, for both representations:

- a distance matrix as given (the literature's Maximally Diverse Grouping Problem, MDGPLIB:
  `mdgp.solve`), objective sum_g D_g, where D_g sums the distances of the pairs in circle g;
- people as feature vectors (`search.form`), with d_ij = ||x_i - x_j||^2 and the size-neutral
  objective sum_g D_g / n_g, which is the within-circle sum of squares W of `problem` (for a
  circle, sum_i ||x_i - mean||^2 = D_g / n_g). With equal sizes s the two objectives coincide
  up to the constant factor 1/s, so the same groupings are best under both.

The two differ only in the per-circle weight w(n_g) (1, or 1/n_g) that the compiled gains
apply (`kernels`); the state, the moves, the tabu rules and the rounds below are shared.

State: labels, sizes and M^T[g, i] = sum of d_ij over j in g (circles x elements), kept up to
date after every step in O(n) per element moved; gains come from it, never from recomputing the
objective. Steps run compiled: a swap-only tabu search whose swap-gain matrix and row maxima are
updated in the rows and columns of the two circles touched (`kernels.tabu_swap_steps`), and a
tabu search with moves within each circle's size bounds and aspiration (`tabu_move_steps`).

Rounds (`solve`): each runs 10 n tabu steps (30 n beyond n = 150) from the best grouping
kicked by a few random swaps and moves, or from a group-based crossover of two elite groupings
(groups taken alternately from the two parents, the richest first; the rest placed greedily
within the bounds); the elite pool (6 distinct groupings) is first filled from fresh random
starts. With per-circle size ranges, starts use the size profile with the most pairs (a small
dynamic program), and nine rounds in ten keep their profile and run the swap-only loop: the
moves mostly visit profiles with fewer pairs. Tabu tenures: 3-7 steps up to n = 150, n/30 -
n/11 beyond (tuned on MDGPLIB).
Memory: the n x n distances and swap gains (3.7 MB at n = 480) plus O(n k).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from roundtable.formation import kernels

EPS = 1e-9
TABU_STEPS = 10  # x n steps of tabu search per round (up to n = 150; then LONG_STEPS)
LONG_STEPS = 30  # compiled steps are cheap: longer walks won on MDGPLIB's n = 240 files
ELITES = 6  # groupings kept for crossover
CROSSOVER_SHARE = 0.3  # share of rounds that start from a crossover once there are 2 elites
KICK = 1.0  # kick strength: 2 .. KICK * n / k + 1 random swaps and moves
SWAP_ONLY = 0.9  # share of rounds with size ranges that keep their size profile (swaps only)
CHUNK = 256  # compiled steps between deadline checks


def tenure_range(n: int) -> tuple[int, int]:
    """Tabu tenure bounds (steps an element stays put after it changed circle), tuned on
    MDGPLIB: 3-7 up to n = 150; beyond, n/30 - n/11 (8-21 at n = 240)."""
    if n <= 150:
        return 3, 7
    return max(3, int(n / 30)), max(7, int(n / 11))


def best_profile(
    lower: np.ndarray, upper: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    """Circle sizes within the bounds, summing to n, with the most pairs sum s (s - 1) / 2; a
    random one among ties. Dynamic program over the circles: most[g][t] = most pairs of
    circles g.. that hold t elements."""
    k = len(lower)
    most = np.full((k + 1, n + 1), -1, dtype=np.int64)
    most[k, 0] = 0
    for g in range(k - 1, -1, -1):
        for s in range(int(lower[g]), min(int(upper[g]), n) + 1):
            after = most[g + 1, : n + 1 - s]
            shifted = np.where(after >= 0, after + s * (s - 1) // 2, -1)
            most[g, s:] = np.maximum(most[g, s:], shifted)
    sizes = np.zeros(k, dtype=np.int64)
    left = n
    for g in range(k):
        options = [
            s
            for s in range(int(lower[g]), min(int(upper[g]), left) + 1)
            if most[g + 1, left - s] >= 0
            and most[g + 1, left - s] + s * (s - 1) // 2 == most[g, left]
        ]
        s = int(options[int(rng.integers(len(options)))])
        sizes[g] = s
        left -= s
    return sizes


@dataclass(frozen=True)
class PairProblem:
    """Distances between every pair, per-circle size bounds and the objective's weight."""

    distances: np.ndarray  # n x n float64, symmetric, zero diagonal
    lower: np.ndarray  # per circle
    upper: np.ndarray
    weighted: bool  # w(n_g) = 1/n_g (features: W) rather than 1 (MDGP)

    @property
    def n(self) -> int:
        return int(self.distances.shape[0])

    @property
    def k(self) -> int:
        return len(self.lower)

    @classmethod
    def from_features(cls, x: np.ndarray, sizes: list[int]) -> PairProblem:
        """People's squared Euclidean distances; circle sizes as planned, or (when the plan
        mixes sizes n and n + 1) any circle n to n + 1, which keeps the plan's multiset since
        everyone is placed."""
        q = (x * x).sum(axis=1)
        d = np.maximum(q[:, None] + q[None, :] - 2.0 * (x @ x.T), 0.0)
        np.fill_diagonal(d, 0.0)
        low, high = min(sizes), max(sizes)
        if high - low == 1:
            lower, upper = np.full(len(sizes), low), np.full(len(sizes), high)
        else:
            lower = upper = np.array(sizes)
        return cls(np.ascontiguousarray(d), lower.astype(np.int64), upper.astype(np.int64), True)

    def value(self, labels: np.ndarray) -> float:
        """sum_g w(n_g) D_g, from scratch."""
        sizes = np.bincount(labels, minlength=self.k).astype(np.int64)
        return float(kernels.pair_value(self.distances, labels, sizes, self.weighted))


@dataclass(frozen=True)
class PairResult:
    labels: np.ndarray
    value: float
    seconds: float
    rounds: int
    seconds_to_best: float


class PairSearch:
    """The mutable state (labels, sizes, M^T) and the operators on it."""

    def __init__(self, problem: PairProblem, rng: np.random.Generator):
        self.p = problem
        self.d = problem.distances
        self.n, self.k = problem.n, problem.k
        self.lower = problem.lower.astype(np.int64)
        self.upper = problem.upper.astype(np.int64)
        self.fixed = bool((self.lower == self.upper).all())  # no move is ever possible
        self.rng = rng
        self.labels = np.zeros(self.n, dtype=np.int64)
        self.sizes = np.zeros(self.k, dtype=np.int64)
        self.mt = np.zeros((self.k, self.n))

    def random_labels(self) -> np.ndarray:
        sizes = best_profile(self.lower, self.upper, self.n, self.rng)
        return self.rng.permutation(np.repeat(np.arange(self.k), sizes))

    def load(self, labels: np.ndarray) -> None:
        self.labels = np.ascontiguousarray(labels, dtype=np.int64).copy()
        self.sizes = np.bincount(self.labels, minlength=self.k).astype(np.int64)
        onehot = np.zeros((self.n, self.k))
        onehot[np.arange(self.n), self.labels] = 1.0
        self.mt = np.ascontiguousarray((self.d @ onehot).T)

    def value(self) -> float:
        w = 1.0 / np.maximum(self.sizes, 1) if self.p.weighted else np.ones(self.k)
        own = self.mt[self.labels, np.arange(self.n)]
        return float((w[self.labels] * own).sum() / 2)

    def swap(self, i: int, j: int) -> None:
        a, b = int(self.labels[i]), int(self.labels[j])
        delta = self.d[j] - self.d[i]
        self.mt[a] += delta
        self.mt[b] -= delta
        self.labels[i], self.labels[j] = b, a

    def move(self, i: int, b: int) -> None:
        a = int(self.labels[i])
        self.mt[a] -= self.d[i]
        self.mt[b] += self.d[i]
        self.sizes[a] -= 1
        self.sizes[b] += 1
        self.labels[i] = b

    def kick(self, strength: int, moves: bool = True) -> None:
        """Random swaps (and, where bounds allow and `moves` is set, moves)."""
        for _ in range(strength):
            i, j = (int(v) for v in self.rng.integers(0, self.n, 2))
            a, b = int(self.labels[i]), int(self.labels[j])
            if a == b:
                continue
            if (
                not self.fixed
                and moves
                and self.rng.random() < 0.3
                and self.sizes[a] > self.lower[a]
                and self.sizes[b] < self.upper[b]
            ):
                self.move(i, b)
            else:
                self.swap(i, j)

    def tabu(
        self, steps: int, deadline: float, swaps_only: bool = False
    ) -> tuple[np.ndarray, float]:
        """Tabu search from the loaded state for `steps` steps or until the deadline (checked
        every `CHUNK` compiled steps). Returns the best labels seen and their value; the state
        is left where the search ended."""
        n = self.n
        low, high = tenure_range(n)
        tenures = self.rng.integers(low, high + 1, size=max(1, steps)).astype(np.int64)
        best_labels = self.labels.copy()
        best = self.value()
        until = np.full(n, -1, dtype=np.int64)
        if self.fixed or swaps_only:
            forbid = np.full((n, self.k), -1, dtype=np.int64)
            gains = np.empty((n, n))
            for first in range(0, steps, CHUNK):
                if first and time.perf_counter() > deadline:
                    break
                _, best = kernels.tabu_swap_steps(
                    self.d, self.p.weighted, self.labels, self.sizes, self.mt,
                    min(CHUNK, steps - first), first, tenures, forbid, until, gains,
                    best_labels, best,
                )  # fmt: skip
        else:
            chunk = max(8, CHUNK * 200 // max(self.n, 1))
            for first in range(0, steps, chunk):
                if first and time.perf_counter() > deadline:
                    break
                _, best = kernels.tabu_move_steps(
                    self.d, self.p.weighted, self.labels, self.sizes, self.mt, self.lower,
                    self.upper, min(chunk, steps - first), first, tenures, until, best_labels,
                    best,
                )  # fmt: skip
        return best_labels, float(best)

    def crossover(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Group-based crossover: alternately from each parent, the circle whose members not
        yet placed have the largest sum of distances passes on those members; the rest go
        greedily where they add most, first to circles below their lower bound."""
        n, k, d = self.n, self.k, self.d
        child = np.full(n, -1, dtype=np.int64)
        used = np.zeros(k, dtype=bool)
        parents = (first, second) if self.rng.random() < 0.5 else (second, first)
        for turn in range(k):
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
        sizes = np.bincount(child[child >= 0], minlength=k).astype(np.int64)
        onehot = np.zeros((n, k))
        placed = child >= 0
        onehot[np.flatnonzero(placed), child[placed]] = 1.0
        m = d @ onehot
        left = np.flatnonzero(child < 0)
        while len(left):
            short = sizes < self.lower
            room = short if short.any() else sizes < self.upper
            scores = m[np.ix_(left, np.flatnonzero(room))]
            pick = int(np.argmax(scores))
            r, c = divmod(pick, scores.shape[1])
            i, g = int(left[r]), int(np.flatnonzero(room)[c])
            child[i] = g
            sizes[g] += 1
            m[:, g] += d[:, i]
            left = np.delete(left, r)
        # Elements placed earlier may leave a circle short: move the best ones over.
        while (sizes < self.lower).any():
            needy = np.flatnonzero(sizes < self.lower)
            donors = np.flatnonzero(sizes[child] > self.lower[child])
            own = m[donors, child[donors]]
            scores = m[np.ix_(donors, needy)] - own[:, None]
            pick = int(np.argmax(scores))
            r, c = divmod(pick, scores.shape[1])
            i, g = int(donors[r]), int(needy[c])
            m[:, child[i]] -= d[:, i]
            sizes[child[i]] -= 1
            child[i] = g
            sizes[g] += 1
            m[:, g] += d[:, i]
        return child


def solve(
    problem: PairProblem,
    *,
    seed: int = 0,
    time_limit: float = 1.0,
    max_rounds: int | None = None,
    rounds: int | None = None,
    start: np.ndarray | None = None,
    progress: Callable[[float], None] | None = None,
) -> PairResult:
    """Best grouping found within `time_limit` seconds, or within `max_rounds` rounds (then the
    result depends on the seed alone; the time limit can only stop it earlier). With `rounds`,
    exactly that many rounds run whatever the time limit. `progress` gets the share of the
    time (or of the rounds) used after every round."""
    kernels.ready()
    started = time.perf_counter()
    deadline = started + time_limit if rounds is None else math.inf
    if rounds is not None:
        max_rounds = rounds
    rng = np.random.default_rng(seed)
    search = PairSearch(problem, rng)
    steps = (TABU_STEPS if problem.n <= 150 else LONG_STEPS) * problem.n
    per_group = max(2, int(KICK * problem.n / problem.k))

    search.load(search.random_labels() if start is None else start)
    best_labels, best = search.tabu(steps, deadline)
    best = problem.value(best_labels)
    found_at = time.perf_counter() - started
    elites: list[tuple[float, np.ndarray]] = [(best, best_labels)]
    done = 0
    while time.perf_counter() < deadline and (max_rounds is None or done < max_rounds):
        done += 1
        swaps_only = not search.fixed and rng.random() < SWAP_ONLY
        if len(elites) < ELITES and done % 2 == 0:
            search.load(search.random_labels())  # grow the elite pool from fresh starts
        elif len(elites) >= 2 and rng.random() < CROSSOVER_SHARE:
            one, two = rng.choice(len(elites), size=2, replace=False)
            search.load(search.crossover(elites[int(one)][1], elites[int(two)][1]))
        else:
            search.load(best_labels)
            search.kick(int(rng.integers(2, per_group + 2)), moves=not swaps_only)
        found, _ = search.tabu(steps, deadline, swaps_only)
        value = problem.value(found)  # exact: the running value drifts by rounding
        if value > best + EPS * max(1.0, abs(best)):
            best_labels, best = found, value
            found_at = time.perf_counter() - started
        _admit(elites, value, found)
        if progress is not None:
            share = done / rounds if rounds else (time.perf_counter() - started) / time_limit
            progress(min(1.0, share))
    return PairResult(best_labels, best, time.perf_counter() - started, done, found_at)


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
