"""The Maximally Diverse Grouping Problem on a distance matrix, as the literature defines it
(MDGPLIB: Gallego, Laguna, Martí and Duarte 2011): put n elements in G groups, each group's
size within its own bounds [a_g, b_g], maximising the sum over groups of the distances of all
pairs inside the group. The app's own problem (features, constraints) is in `engine`; this module
reads and solves the benchmark instances so the search can be compared with published methods.

Search (our own, after the ideas of iterated local search / iterated maxima search):

- state: the labels, the group sizes and M[i, g] = Σ_{j in g} d_ij (n x G), kept up to date
  after every change in O(n) per element moved (never a full recomputation of the objective);
- neighbourhoods: move one element to another group within the bounds (gain M[i,b] - M[i,a])
  and swap two elements of different groups (gain M[i,b] - M[i,a] + M[j,a] - M[j,b] - 2 d_ij);
  all gains of both at once with numpy; best improvement, and in one step every improving
  exchange whose groups no other chosen exchange touches (they do not interact);
- tabu search: each step takes the best exchange whose elements are not tabu, even a worsening
  one (unless it beats the best, aspiration), and keeps the moved elements in place for a
  random tenure; it climbs out of local optima that a plain descent cannot leave;
- iterated: each round kicks the best grouping with a few random swaps and moves and runs the
  tabu search from there, keeping the best; initial group sizes have the most pairs within the
  bounds (for `ds` instances the size profile is most of the objective).

Memory is O(n^2) for the distance matrix the instance gives, plus O(n·G).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

EPS = 1e-9
TABU_STEPS = 10  # x n steps of tabu search per round


@dataclass(frozen=True)
class Instance:
    name: str
    distances: np.ndarray  # n x n, symmetric, zero diagonal
    lower: np.ndarray  # per group
    upper: np.ndarray

    @property
    def n(self) -> int:
        return int(self.distances.shape[0])

    @property
    def groups(self) -> int:
        return len(self.lower)


@dataclass(frozen=True)
class Solution:
    labels: np.ndarray
    objective: float
    seconds: float
    iterations: int
    seconds_to_best: float = 0.0  # when the returned grouping was first found


def read(path: str | Path) -> Instance:
    """Parse an MDGPLIB file; every problem is a ValueError naming the line."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].split():
        raise ValueError(f"{path.name}: line 1 should be 'n G ss|ds a_1 b_1 ... a_G b_G'.")
    head = lines[0].split()
    try:
        n, groups = int(head[0]), int(head[1])
        kind = head[2]
        bounds = [int(v) for v in head[3:]]
    except (ValueError, IndexError):
        raise ValueError(
            f"{path.name}: line 1 should be 'n G ss|ds a_1 b_1 ... a_G b_G'."
        ) from None
    if kind not in {"ss", "ds"}:
        raise ValueError(f"{path.name}: line 1: the kind must be 'ss' or 'ds', not {kind!r}.")
    if n < 2 or groups < 1 or len(bounds) != 2 * groups:
        raise ValueError(f"{path.name}: line 1 needs n >= 2, G >= 1 and two bounds per group.")
    lower, upper = np.array(bounds[0::2]), np.array(bounds[1::2])
    if (lower < 1).any() or (lower > upper).any():
        raise ValueError(f"{path.name}: line 1: every group needs 1 <= a_g <= b_g.")
    if lower.sum() > n or upper.sum() < n:
        raise ValueError(
            f"{path.name}: line 1: {n} elements cannot fill groups of sizes "
            f"{lower.sum()}-{upper.sum()} in all."
        )
    distances = np.full((n, n), np.nan)
    np.fill_diagonal(distances, 0.0)
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split()
        if not parts:
            continue
        try:
            i, j, d = int(parts[0]), int(parts[1]), float(parts[2])
        except (ValueError, IndexError):
            raise ValueError(f"{path.name}: line {number} should be 'i j distance'.") from None
        if not (0 <= i < n and 0 <= j < n) or i == j:
            raise ValueError(f"{path.name}: line {number}: ids must be two different 0..{n - 1}.")
        if not math.isfinite(d):
            raise ValueError(f"{path.name}: line {number}: the distance is not a finite number.")
        distances[i, j] = distances[j, i] = d
    missing = np.argwhere(np.isnan(distances))
    if len(missing):
        i, j = missing[0]
        raise ValueError(f"{path.name}: no distance is given for the pair {i} {j}.")
    return Instance(path.stem, distances, lower, upper)


def evaluate(instance: Instance, labels: np.ndarray) -> float:
    labels = np.asarray(labels)
    if labels.shape != (instance.n,) or labels.min() < 0 or labels.max() >= instance.groups:
        raise ValueError("Every element needs a group number 0..G-1.")
    sizes = np.bincount(labels, minlength=instance.groups)
    bad = np.flatnonzero((sizes < instance.lower) | (sizes > instance.upper))
    if len(bad):
        g = int(bad[0])
        raise ValueError(
            f"Group {g} has {sizes[g]} elements, outside {instance.lower[g]}-{instance.upper[g]}."
        )
    same = labels[:, None] == labels[None, :]
    return float(instance.distances[same].sum() / 2)


class _Search:
    def __init__(self, instance: Instance, rng: np.random.Generator):
        self.d = np.ascontiguousarray(instance.distances, dtype=np.float64)
        self.lower = instance.lower.astype(np.int64)
        self.upper = instance.upper.astype(np.int64)
        self.n, self.g = instance.n, instance.groups
        self.rng = rng
        self.rows = np.arange(self.n)
        self.upper_pairs = np.triu(np.ones((self.n, self.n), dtype=bool), 1)
        self.minus_2d = -2.0 * self.d

    def random_state(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        sizes = self.profile()
        labels = self.rng.permutation(np.repeat(np.arange(self.g), sizes))
        return labels, sizes, self.matrix(labels)

    def profile(self) -> np.ndarray:
        """Group sizes with the most pairs (Σ s_g (s_g - 1) / 2): beyond the lower bounds,
        each element goes to the largest group that has room. With distances of similar
        average, pairs are most of the objective, so the search starts there."""
        sizes = self.lower.copy()
        for _ in range(self.n - int(sizes.sum())):
            room = np.flatnonzero(sizes < self.upper)
            biggest = room[sizes[room] == sizes[room].max()]
            sizes[self.rng.choice(biggest)] += 1
        return sizes

    def matrix(self, labels: np.ndarray) -> np.ndarray:
        onehot = np.zeros((self.n, self.g))
        onehot[self.rows, labels] = 1.0
        return self.d @ onehot

    def value(self, labels: np.ndarray, m: np.ndarray) -> float:
        return float(m[self.rows, labels].sum() / 2)

    def descend(
        self, labels: np.ndarray, sizes: np.ndarray, m: np.ndarray, deadline: float
    ) -> None:
        """Best improvement over moves and swaps; every step applies the best exchange and any
        further improving exchanges on groups untouched so far."""
        d, rows = self.d, self.rows
        while time.perf_counter() < deadline:
            own = m[rows, labels]
            # Swaps: gain[i, j] = M[i, g_j] - M[i, g_i] + M[j, g_i] - M[j, g_j] - 2 d_ij.
            across = m[:, labels] - own[:, None]
            swap = across + across.T - 2 * d
            swap[labels[:, None] == labels[None, :]] = -np.inf
            # Moves within the bounds: out of a group above its lower bound, into one below
            # its upper bound.
            move = m - own[:, None]
            move[:, sizes >= self.upper] = -np.inf
            move[sizes[labels] <= self.lower[labels], :] = -np.inf
            move[rows, labels] = -np.inf
            best_swap = float(swap.max()) if self.n > 1 else -np.inf
            best_move = float(move.max())
            if max(best_swap, best_move) <= EPS:
                return
            used = np.zeros(self.g, dtype=bool)
            if best_move >= best_swap:
                i, b = np.unravel_index(int(np.argmax(move)), move.shape)
                self._move(int(i), int(b), labels, sizes, m)
                continue
            candidates = np.flatnonzero((swap > EPS) & self.upper_pairs)
            order = candidates[np.argsort(-swap.ravel()[candidates], kind="stable")]
            chosen_i, chosen_j = [], []
            for flat in order[: 4 * self.g].tolist():
                i, j = divmod(flat, self.n)
                a, b = labels[i], labels[j]
                if used[a] or used[b]:
                    continue
                used[a] = used[b] = True
                chosen_i.append(i)
                chosen_j.append(j)
            ci, cj = np.array(chosen_i), np.array(chosen_j)
            a, b = labels[ci], labels[cj]
            step = d[:, cj] - d[:, ci]
            m[:, a] += step
            m[:, b] -= step
            labels[ci], labels[cj] = b, a

    def tabu(
        self,
        labels: np.ndarray,
        sizes: np.ndarray,
        m: np.ndarray,
        steps: int,
        deadline: float,
    ) -> tuple[np.ndarray, float]:
        """Tabu search: each step takes the best exchange (move or swap) whose elements are not
        tabu, even a worsening one, unless it beats the best found (aspiration); the elements it
        moves stay put for a random tenure. Returns the best labels seen and their value.

        One step is a handful of in-place passes over n x n buffers allocated once: the swap
        gains, plus a penalty matrix (-inf for pairs in the same group) kept up to date row by
        row as elements change group."""
        rows, n = self.rows, self.n
        value = self.value(labels, m)
        best_labels, best = labels.copy(), value
        until = np.full(n, -1, dtype=np.int64)
        penalty = np.where(labels[:, None] == labels[None, :], -np.inf, 0.0)
        across = np.empty((n, n))
        swap = np.empty((n, n))
        # Tenure: n/20 .. n/8 steps on small instances, at most 6 .. 15 (tuned on MDGPLIB).
        low_tenure, high_tenure = min(6, max(3, n // 20)), min(15, max(7, n // 8))

        def regroup(i: int) -> None:
            row = np.where(labels == labels[i], -np.inf, 0.0)
            penalty[i, :] = row
            penalty[:, i] = row

        for step in range(steps):
            if step % 16 == 0 and time.perf_counter() > deadline:
                break
            own = m[rows, labels]
            np.take(m, labels, axis=1, out=across)
            across -= own[:, None]
            np.add(across, across.T, out=swap)
            swap += self.minus_2d
            swap += penalty
            move = m - own[:, None]
            move[:, sizes >= self.upper] = -np.inf
            move[sizes[labels] <= self.lower[labels], :] = -np.inf
            move[rows, labels] = -np.inf
            tabu = np.flatnonzero(until > step)
            if len(tabu):
                aspire = best - value + EPS
                block = swap[tabu]
                block[block <= aspire] = -np.inf
                swap[tabu] = block
                swap[:, tabu] = block.T
                block = move[tabu]
                block[block <= aspire] = -np.inf
                move[tabu] = block
            s_flat = int(np.argmax(swap))
            m_flat = int(np.argmax(move))
            s_gain = swap.ravel()[s_flat]
            m_gain = move.ravel()[m_flat]
            if not (np.isfinite(s_gain) or np.isfinite(m_gain)):
                break
            tenure = int(self.rng.integers(low_tenure, high_tenure + 1))
            if m_gain >= s_gain:
                i, b = divmod(m_flat, self.g)
                self._move(i, b, labels, sizes, m)
                regroup(i)
                value += m_gain
                until[i] = step + tenure
            else:
                i, j = divmod(s_flat, n)
                a, b = labels[i], labels[j]
                step_vec = self.d[:, j] - self.d[:, i]
                m[:, a] += step_vec
                m[:, b] -= step_vec
                labels[i], labels[j] = b, a
                regroup(i)
                regroup(j)
                value += s_gain
                until[i] = until[j] = step + tenure
            if value > best + EPS:
                best_labels, best = labels.copy(), value
        return best_labels, best

    def _move(self, i: int, b: int, labels: np.ndarray, sizes: np.ndarray, m: np.ndarray) -> None:
        a = labels[i]
        m[:, a] -= self.d[:, i]
        m[:, b] += self.d[:, i]
        sizes[a] -= 1
        sizes[b] += 1
        labels[i] = b

    def kick(self, labels: np.ndarray, sizes: np.ndarray, m: np.ndarray, strength: int) -> None:
        """Random swaps (and, where bounds allow, moves)."""
        for _ in range(strength):
            i, j = (int(v) for v in self.rng.integers(0, self.n, 2))
            a, b = labels[i], labels[j]
            if a == b:
                continue
            if self.rng.random() < 0.3 and sizes[a] > self.lower[a] and sizes[b] < self.upper[b]:
                self._move(i, int(b), labels, sizes, m)
                continue
            step = self.d[:, j] - self.d[:, i]
            m[:, a] += step
            m[:, b] -= step
            labels[i], labels[j] = b, a


def solve(
    instance: Instance,
    *,
    seed: int = 0,
    time_limit: float = 1.0,
    max_iterations: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> Solution:
    """Best grouping found within the time limit (or `max_iterations` rounds, which makes the
    result depend on the seed alone). Each round kicks the best grouping with a few random
    swaps and moves, then runs a tabu search of 10 n steps from there."""
    started = time.perf_counter()
    deadline = started + time_limit
    rng = np.random.default_rng(seed)
    search = _Search(instance, rng)
    labels, sizes, m = search.random_state()
    search.descend(labels, sizes, m, deadline)
    best_labels, best = labels.copy(), search.value(labels, m)
    found_at = time.perf_counter() - started
    iterations = 0
    per_group = max(2, instance.n // instance.groups)
    while time.perf_counter() < deadline and (
        max_iterations is None or iterations < max_iterations
    ):
        iterations += 1
        labels = best_labels.copy()
        sizes = np.bincount(labels, minlength=instance.groups)
        m = search.matrix(labels)
        search.kick(labels, sizes, m, int(rng.integers(2, per_group + 2)))
        found, value = search.tabu(labels, sizes, m, TABU_STEPS * instance.n, deadline)
        if value > best + EPS:
            best_labels, best = found, value
            found_at = time.perf_counter() - started
        if progress and iterations % 10 == 0:
            progress(min(1.0, (time.perf_counter() - started) / time_limit))
    return Solution(
        best_labels,
        evaluate(instance, best_labels),
        time.perf_counter() - started,
        iterations,
        found_at,
    )
