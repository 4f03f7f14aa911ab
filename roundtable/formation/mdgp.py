"""The Maximally Diverse Grouping Problem on a distance matrix, as the literature defines it
(MDGPLIB: Gallego, Laguna, Martí and Duarte 2011): put n elements in G groups, each group's
size within its own bounds [a_g, b_g], maximising the sum over groups of the distances of all
pairs inside the group. The app's own problem (features, constraints) is in `engine`; this module
reads and solves the benchmark instances so the search can be compared with published methods.

Search (our own, after the ideas of iterated tabu search, iterated maxima search and memetic
search with group-based crossover from the MDGP literature):

- state: the labels, the group sizes and M[i, g] = Σ_{j in g} d_ij (n x G), kept up to date
  after every change in O(n) per element moved; the objective is never recomputed from scratch
  during the search, only carried along by the gains;
- neighbourhoods: move one element to another group within the bounds (gain M[i,b] - M[i,a])
  and swap two elements of different groups (gain M[i,b] - M[i,a] + M[j,a] - M[j,b] - 2 d_ij);
- the n x n matrix of swap gains is kept too: a swap or move between groups a and b changes
  only the rows and columns of the elements now in a or b (every other gain reads M only in
  columns other than a and b), so a step rewrites about 2n/G rows and columns instead of n^2
  entries; each row's best entry is kept as well, so finding the best swap reads n maxima
  (rows whose best column was rewritten are scanned again);
- tabu search: each step takes the best exchange whose elements are not tabu, even a worsening
  one, unless a tabu one beats the best grouping of the round (aspiration, checked only for
  tabu elements whose bound on their gains could); tabu elements' rows and columns hold -inf
  in the matrix, restored when their random tenure ends (3-7 steps up to n = 150, about
  n/30 - n/11 beyond: tuned on MDGPLIB; twice as long was four times worse at n = 240);
- equal bounds (every `ss` file): only swaps are possible, and a leaner loop runs them, in
  which tabu forbids an element's return to the group it left rather than the element itself,
  with no aspiration (see `_Search.tabu_swaps`);
- iterated: each round starts from the best grouping kicked by a few random swaps and moves,
  or from a group-based crossover of two elite groupings (groups taken alternately from the
  two parents, the richest first; the rest placed greedily within the bounds); the elite pool
  (6 distinct groupings) is first filled from fresh random starts;
- group sizes: for `ds` instances the size profile is most of the objective and single moves
  rarely change it a lot (Σ s_g (s_g - 1) / 2 is convex), so starts use a profile with the
  most pairs, found by a small dynamic program over the groups; and nine rounds in ten keep the
  profile they start from and run the swap-only loop (random starts, crossovers and the other
  rounds, whose tabu search also moves elements, change it). On MDGPLIB's n = 240 `ds` files
  at 20 s this cut the mean gap to best_known_here from about 0.15 % to 0.0-0.05 % (2 seeds),
  and at n = 120 (3 s) from 0.10 % to -0.02 %: the moves mostly visit profiles with fewer
  pairs, at twice the cost of a swap-only step.

Memory: four n x n float64 matrices (distances, -2 d, -2 d with -inf inside groups, swap
gains; 7 MB at n = 480) plus O(n·G). Python overhead is a few dozen numpy calls per step:
measured here (3,000 steps from a random start), a swap-only step costs about 50 us at
n = 120, 85 us at n = 240 and 300 us at n = 480; a step with moves about 160 us at n = 240.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

EPS = 1e-9
NEG = -np.inf
TABU_STEPS = 10  # x n steps of tabu search per round
ELITES = 6  # groupings kept for crossover
CROSSOVER_SHARE = 0.3  # share of rounds that start from a crossover once there are 2 elites
TENURE = 1.0  # scales the tabu tenure of large instances (see tenure_range)
KICK = 1.0  # kick strength: 2 .. KICK * n / G + 1 random swaps and moves
SWAP_ONLY = 0.9  # share of rounds of a `ds` instance that keep their size profile (swaps only)


@dataclass(frozen=True)
class Instance:
    """An MDGP instance: symmetric distances with a zero diagonal and per-group size bounds."""

    name: str
    distances: np.ndarray  # n x n float64, symmetric, zero diagonal
    lower: np.ndarray  # per group, int
    upper: np.ndarray  # per group, int

    @property
    def n(self) -> int:
        """Number of elements."""
        return int(self.distances.shape[0])

    @property
    def groups(self) -> int:
        """Number of groups G."""
        return len(self.lower)


@dataclass(frozen=True)
class Solution:
    """A grouping (labels 0..G-1 per element), its objective and how the search went."""

    labels: np.ndarray
    objective: float
    seconds: float
    iterations: int
    seconds_to_best: float = 0.0  # when the returned grouping was first found


def read(path: str | Path) -> Instance:
    """Parse an MDGPLIB file; every problem is a ValueError naming the line."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    usage = f"{path.name}: line 1 should be 'n G ss|ds a_1 b_1 ... a_G b_G'."
    if not lines or not lines[0].split():
        raise ValueError(usage)
    head = lines[0].split()
    try:
        n, groups = int(head[0]), int(head[1])
        kind = head[2]
        bounds = [int(v) for v in head[3:]]
    except (ValueError, IndexError):
        raise ValueError(usage) from None
    if kind not in {"ss", "ds"}:
        raise ValueError(f"{path.name}: line 1: the kind must be 'ss' or 'ds', not {kind!r}.")
    if n < 2 or groups < 1 or len(bounds) != 2 * groups:
        raise ValueError(f"{path.name}: line 1 needs n >= 2, G >= 1 and two bounds per group.")
    lower = np.array(bounds[0::2], dtype=np.int64)
    upper = np.array(bounds[1::2], dtype=np.int64)
    if (lower < 1).any() or (lower > upper).any():
        raise ValueError(f"{path.name}: line 1: every group needs 1 <= a_g <= b_g.")
    if kind == "ss" and (len(set(bounds)) != 1):
        raise ValueError(f"{path.name}: line 1: 'ss' needs the same bounds for every group.")
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
            if len(parts) != 3:
                raise ValueError
            i, j, d = int(parts[0]), int(parts[1]), float(parts[2])
        except ValueError:
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
    """Sum over groups of the distances inside the group; ValueError if a size is off bounds."""
    labels = np.asarray(labels)
    if (
        labels.shape != (instance.n,)
        or not np.issubdtype(labels.dtype, np.integer)
        or labels.min() < 0
        or labels.max() >= instance.groups
    ):
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


def best_profile(
    lower: np.ndarray, upper: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    """Group sizes within the bounds, summing to n, with the most pairs Σ s (s - 1) / 2; a random
    one among ties. Dynamic program over the groups: most[g][t] = most pairs of groups g.. that
    hold t elements."""
    groups = len(lower)
    most = np.full((groups + 1, n + 1), -1, dtype=np.int64)
    most[groups, 0] = 0
    for g in range(groups - 1, -1, -1):
        for s in range(int(lower[g]), min(int(upper[g]), n) + 1):
            after = most[g + 1, : n + 1 - s]
            shifted = np.where(after >= 0, after + s * (s - 1) // 2, -1)
            most[g, s:] = np.maximum(most[g, s:], shifted)
    sizes = np.zeros(groups, dtype=np.int64)
    left = n
    for g in range(groups):
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


def tenure_range(n: int) -> tuple[int, int]:
    """Tabu tenure bounds (steps an element stays put after it changed group), tuned on MDGPLIB:
    3-7 up to n = 150; beyond, n/30 - n/11 (8-21 at n = 240), times TENURE."""
    if n <= 150:
        return 3, 7
    return max(3, int(TENURE * n / 30)), max(7, int(TENURE * n / 11))


class _Search:
    """Mutable search state (labels, sizes, M) and the operators on it."""

    def __init__(self, instance: Instance, rng: np.random.Generator):
        self.d = np.ascontiguousarray(instance.distances, dtype=np.float64)
        self.minus_2d = -2.0 * self.d
        self.lower = instance.lower.astype(np.int64)
        self.upper = instance.upper.astype(np.int64)
        self.n, self.g = instance.n, instance.groups
        self.fixed = bool((self.lower == self.upper).all())  # no move is ever feasible
        self.rng = rng
        self.all = np.arange(self.n)
        self.labels = np.zeros(self.n, dtype=np.int64)
        self.sizes = np.zeros(self.g, dtype=np.int64)
        self.m = np.zeros((self.n, self.g))
        self.mt = np.zeros((self.g, self.n))
        self.base = np.zeros((self.n, self.n))

    # --- state -----------------------------------------------------------------------------

    def random_labels(self) -> np.ndarray:
        sizes = best_profile(self.lower, self.upper, self.n, self.rng)
        return self.rng.permutation(np.repeat(np.arange(self.g), sizes))

    def load(self, labels: np.ndarray) -> None:
        self.labels = labels.astype(np.int64, copy=True)
        self.sizes = np.bincount(self.labels, minlength=self.g).astype(np.int64)
        onehot = np.zeros((self.n, self.g))
        onehot[self.all, self.labels] = 1.0
        self.m = self.d @ onehot
        self.mt = np.ascontiguousarray(self.m.T)  # G x n copy: rows of M by group
        self.base = np.where(self.labels[:, None] == self.labels[None, :], NEG, self.minus_2d)

    def regroup(self, i: int) -> None:
        """Row and column i of `base` after element i changed group."""
        row = np.where(self.labels == self.labels[i], NEG, self.minus_2d[i])
        self.base[i, :] = row
        self.base[:, i] = row

    def value(self) -> float:
        return float(self.m[self.all, self.labels].sum() / 2)

    def swap(self, i: int, j: int) -> None:
        a, b = int(self.labels[i]), int(self.labels[j])
        delta = self.d[:, j] - self.d[:, i]
        self.m[:, a] += delta
        self.m[:, b] -= delta
        self.mt[a] += delta
        self.mt[b] -= delta
        self.labels[i], self.labels[j] = b, a
        self.regroup(i)
        self.regroup(j)

    def move(self, i: int, b: int) -> None:
        a = int(self.labels[i])
        self.m[:, a] -= self.d[:, i]
        self.m[:, b] += self.d[:, i]
        self.mt[a] -= self.d[i]
        self.mt[b] += self.d[i]
        self.sizes[a] -= 1
        self.sizes[b] += 1
        self.labels[i] = b
        self.regroup(i)

    # --- gains -----------------------------------------------------------------------------

    def swap_rows(self, idx: np.ndarray) -> np.ndarray:
        """Swap gains of the elements idx with every element (|idx| x n); -inf within a group
        (the same-group penalty is folded into `base`, kept up to date by swap and move)."""
        labels, m = self.labels, self.m
        own = m[self.all, labels]
        mine = labels[idx]
        rows = np.take(m[idx], labels, axis=1)  # M[i, g_j]
        rows += self.mt[mine]  # M[j, g_i]
        rows -= own[idx, None]
        rows -= own  # M[j, g_j]
        rows += self.base[idx]
        return rows

    def move_gains(self, gains: np.ndarray) -> np.ndarray:
        """Gains of moving each element to each group (n x G), from `gains` = M[i, b] - M[i, a]
        (overwritten); -inf where a bound forbids the move."""
        gains[:, self.sizes >= self.upper] = NEG
        gains[self.sizes[self.labels] <= self.lower[self.labels], :] = NEG
        gains[self.all, self.labels] = NEG
        return gains

    # --- tabu search -----------------------------------------------------------------------

    def tabu(
        self, steps: int, deadline: float, swaps_only: bool = False
    ) -> tuple[np.ndarray, float]:
        """Tabu search from the loaded state for `steps` steps (or until the deadline). Returns
        the best labels seen and their value; the state is left where the search ended.
        `swaps_only` (implied by equal bounds) keeps the group sizes as they are.

        The swap-gain matrix holds -inf in the rows and columns of tabu elements; besides it,
        each row's best entry and its column are kept, so a step reads n row maxima instead
        of the n^2 matrix, and only rows whose best column changed are scanned again."""
        if self.fixed or swaps_only:
            return self.tabu_swaps(steps, deadline)
        n = self.n
        value = self.value()
        best_labels, best = self.labels.copy(), value
        until = np.full(n, -1, dtype=np.int64)
        is_tabu = np.zeros(n, dtype=bool)
        gains = self.swap_rows(self.all)  # n x n, tabu rows and columns at -inf
        row_arg = gains.argmax(axis=1)
        row_best = gains[self.all, row_arg]
        touched = np.zeros(n, dtype=bool)
        small = n <= 200
        # Upper bound of -2 d_ij, for the aspiration test of tabu elements.
        pair_cap = float(self.minus_2d.max(initial=0.0, where=~np.eye(n, dtype=bool)))
        low_tenure, high_tenure = tenure_range(n)
        tenures = self.rng.integers(low_tenure, high_tenure + 1, size=max(1, steps))

        def refresh(idx: np.ndarray) -> None:
            rows = self.swap_rows(idx)
            rows[:, is_tabu] = NEG
            rows[is_tabu[idx]] = NEG
            gains[idx, :] = rows
            gains[:, idx] = rows.T
            if small:  # a full pass costs less than the bookkeeping below
                row_arg[:] = gains.argmax(axis=1)
                row_best[:] = gains[self.all, row_arg]
                return
            touched[idx] = True
            # Rows outside idx changed in the columns idx only.
            stale = touched[row_arg] & ~touched
            column_arg = rows.argmax(axis=0)
            column_best = rows[column_arg, self.all]
            better = (column_best > row_best) & ~touched
            row_best[better] = column_best[better]
            row_arg[better] = idx[column_arg[better]]
            stale &= ~better
            touched[stale] = True
            again = np.flatnonzero(touched)
            part = gains[again]
            args = part.argmax(axis=1)
            row_arg[again] = args
            row_best[again] = part[np.arange(len(again)), args]
            touched[:] = False

        for step in range(steps):
            if step % 8 == 0 and time.perf_counter() > deadline:
                break
            si = int(np.argmax(row_best))
            s_gain = float(row_best[si])
            sj = int(row_arg[si])
            aspire = best - value + EPS
            tabu_idx = np.flatnonzero(is_tabu)
            own = self.m[self.all, self.labels]
            delta = self.m - own[:, None]  # M[i, b] - M[i, a]: the move gains before bounds
            lift = delta.max(axis=1)  # bounds every swap gain of i (with pair_cap)
            # Only tabu elements whose bound could beat the threshold get their gains computed.
            hopeful = tabu_idx[lift[tabu_idx] + (lift.max() + pair_cap) > max(aspire, s_gain)]
            if len(hopeful):
                rows = self.swap_rows(hopeful)
                k = int(np.argmax(rows))
                if rows.flat[k] > max(aspire, s_gain):
                    s_gain = float(rows.flat[k])
                    r, sj = divmod(k, n)
                    si = int(hopeful[r])
            m_gain = NEG
            if not self.fixed:
                moves = self.move_gains(delta)
                if len(tabu_idx):
                    block = moves[tabu_idx]
                    block[block <= aspire] = NEG
                    moves[tabu_idx] = block
                k = int(np.argmax(moves))
                m_gain = float(moves.flat[k])
                mi, mb = divmod(k, self.g)
            if m_gain == NEG and s_gain == NEG:
                break
            tenure = int(tenures[step])
            if m_gain >= s_gain:
                a = int(self.labels[mi])
                self.move(mi, mb)
                value += m_gain
                until[mi] = step + tenure
                is_tabu[mi] = True
                b = mb
            else:
                a, b = int(self.labels[si]), int(self.labels[sj])
                self.swap(si, sj)
                value += s_gain
                until[si] = until[sj] = step + tenure
                is_tabu[si] = is_tabu[sj] = True
            # Elements whose tenure ends before the next step are freed in the same refresh.
            expired = is_tabu & (until <= step)
            is_tabu &= ~expired
            refresh(np.flatnonzero((self.labels == a) | (self.labels == b) | expired))
            if value > best + EPS:
                best_labels, best = self.labels.copy(), value
        return best_labels, best

    def tabu_swaps(self, steps: int, deadline: float) -> tuple[np.ndarray, float]:
        """The tabu search when every group's size is fixed (lower = upper: only swaps), in as
        few numpy calls per step as the bookkeeping allows, since at these sizes the calls,
        not the arithmetic, cost the time. A swap of i (group a) and j (group b) changes the
        rows M^T[a] and M^T[b] only, and the swap gains only in the rows and columns of the
        elements now in a or b, which are recomputed (with those whose tenure just ended).
        Pairs in the same group are blocked by the same table as tabu returns: nobody may
        join their own group, which saves a mask per step (about 10 % of a step).

        Tabu here forbids a return, not an element: after the swap, i may not rejoin a and j
        may not rejoin b for the tenure, but both may go on to other groups (on MDGPLIB's
        random n = 240 files this cut the mean gap to best_known_here from about 0.30 % to
        0.22 % at 10 s). No aspiration: a forbidden swap is never taken. `m` and `base` are
        brought up to date once at the end."""
        n, d, minus_2d, labels, mt = self.n, self.d, self.minus_2d, self.labels, self.mt
        everyone = self.all
        own = mt[labels, everyone]  # M[i, g_i]
        value = float(own.sum() / 2)
        best_labels, best = labels.copy(), value
        until = np.full(n, -1, dtype=np.int64)
        low_tenure, high_tenure = tenure_range(n)
        tenures = self.rng.integers(low_tenure, high_tenure + 1, size=max(1, steps)).tolist()
        forbid = np.full((n, self.g), -1, dtype=np.int64)  # i may not join g before this step
        never = np.iinfo(np.int64).max
        forbid[everyone, labels] = never

        def rows_of(idx: np.ndarray, step: int) -> np.ndarray:
            mine = labels[idx]
            rows = np.take(mt[:, idx].T, labels, axis=1)  # M[r, g_c]
            rows += mt[mine]  # M[c, g_r]
            rows -= own[idx, None]
            rows -= own
            rows += minus_2d[idx]
            # Pairs in the same group are blocked too: nobody may "join" their own group.
            blocked = np.take(forbid[idx], labels, axis=1) > step  # r may not join g_c
            blocked |= (forbid[:, mine] > step).T  # c may not join g_r
            np.copyto(rows, NEG, where=blocked)
            return rows

        gains = rows_of(everyone, -1)
        row_arg = gains.argmax(axis=1)
        row_best = gains[everyone, row_arg]
        small = n <= 300
        for step in range(steps):
            if step & 7 == 0 and time.perf_counter() > deadline:
                break
            i = int(row_best.argmax())
            gain = float(row_best[i])
            if gain == NEG:
                break
            j = int(row_arg[i])
            a, b = int(labels[i]), int(labels[j])
            delta = d[j] - d[i]
            mt[a] += delta
            mt[b] -= delta
            labels[i], labels[j] = b, a
            value += gain
            until[i] = until[j] = forbid[i, a] = forbid[j, b] = step + tenures[step]
            forbid[i, b] = forbid[j, a] = never
            idx = np.flatnonzero((labels == a) | (labels == b) | (until == step))
            own[idx] = mt[labels[idx], idx]
            rows = rows_of(idx, step)
            gains[idx] = rows
            gains[:, idx] = rows.T
            if small:
                row_arg = gains.argmax(axis=1)
                row_best = gains[everyone, row_arg]
            else:
                # Rows outside idx changed in the columns idx only: they keep their best unless
                # it lay in those columns (then they are scanned again) or a new one beats it.
                touched = np.zeros(n, dtype=bool)
                touched[idx] = True
                column_arg = rows.argmax(axis=0)
                column_best = rows[column_arg, everyone]
                better = (column_best > row_best) & ~touched
                touched |= touched[row_arg] & ~better
                row_best[better] = column_best[better]
                row_arg[better] = idx[column_arg[better]]
                again = np.flatnonzero(touched)
                part = gains[again]
                args = part.argmax(axis=1)
                row_arg[again] = args
                row_best[again] = part[np.arange(len(again)), args]
            if value > best + EPS:
                best_labels, best = labels.copy(), value
        self.load(labels)
        return best_labels, best

    # --- perturbation and crossover --------------------------------------------------------

    def kick(self, strength: int, moves: bool = True) -> None:
        """Random swaps (and, where bounds allow and `moves` is set, moves) on the loaded
        state."""
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

    def crossover(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Group-based crossover: alternately from each parent, the group label whose members
        not yet placed have the largest sum of distances passes on those members; the rest go
        greedily where they add most, first to groups below their lower bound."""
        n, groups, d = self.n, self.g, self.d
        child = np.full(n, -1, dtype=np.int64)
        used = np.zeros(groups, dtype=bool)
        parents = (first, second) if self.rng.random() < 0.5 else (second, first)
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
            short = sizes < self.lower
            room = short if short.any() else sizes < self.upper
            scores = m[np.ix_(left, np.flatnonzero(room))]
            k = int(np.argmax(scores))
            r, c = divmod(k, scores.shape[1])
            i, g = int(left[r]), int(np.flatnonzero(room)[c])
            child[i] = g
            sizes[g] += 1
            m[:, g] += d[:, i]
            left = np.delete(left, r)
        # Elements placed earlier may leave a group short: move the best ones over.
        while (sizes < self.lower).any():
            needy = np.flatnonzero(sizes < self.lower)
            donors = np.flatnonzero(sizes[child] > self.lower[child])
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
    search = _Search(instance, rng)
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
            search.load(search.crossover(elites[int(first)][1], elites[int(second)][1]))
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
        evaluate(instance, best_labels),
        time.perf_counter() - started,
        iterations,
        found_at,
    )


def _exact_value(search: _Search, labels: np.ndarray) -> float:
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
