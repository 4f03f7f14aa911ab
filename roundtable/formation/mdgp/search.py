"""The MDGP tabu search on one grouping: the state (labels, group sizes, M = distances summed
per group) kept up to date by every swap and move, the swap and move gains, the tabu search with
moves and its lean swap-only loop, and the random kicks between rounds (see the package docs).
"""

from __future__ import annotations

import time

import numpy as np

from roundtable.formation.mdgp.instance import Instance, best_profile

EPS = 1e-9
NEG = -np.inf
TENURE = 1.0  # scales the tabu tenure of large instances (see tenure_range)


def tenure_range(n: int) -> tuple[int, int]:
    """Tabu tenure bounds (steps an element stays put after it changed group), tuned on MDGPLIB:
    3-7 up to n = 150; beyond, n/30 - n/11 (8-21 at n = 240), times TENURE."""
    if n <= 150:
        return 3, 7
    return max(3, int(TENURE * n / 30)), max(7, int(TENURE * n / 11))


class TabuSearch:
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
