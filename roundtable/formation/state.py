"""The search's incremental state: unit labels plus per-circle feature sums, head counts and
slot tallies, kept up to date by every swap and move, with the gains and the constraint checks
of a candidate step read from them (never by recomputing the objective).
"""

from __future__ import annotations

import numpy as np

from roundtable.formation.units import Units

EPS = 1e-9  # gains below this are rounding, not progress


class SearchState:
    """Unit labels plus per-circle sums, counts and slot tallies, kept up to date by swaps."""

    def __init__(self, units: Units, labels: np.ndarray, k: int):
        self.u = units
        self.k = k
        self.labels = labels
        self.sums = np.zeros((k, units.x.shape[1]))
        np.add.at(self.sums, labels, units.x)
        self.sq = (self.sums * self.sums).sum(axis=1)
        self.people = np.bincount(labels, weights=units.size, minlength=k).astype(np.float64)
        self.unit_count = np.bincount(labels, minlength=k).astype(np.int64)
        if units.avail is not None:
            self.tally = np.zeros((k, units.avail.shape[1]), dtype=np.int64)
            np.add.at(self.tally, labels, units.avail.astype(np.int64))

    def value(self, total_sq: float) -> float:
        return float(total_sq - (self.sq / np.maximum(self.people, 1)).sum())

    def swap(self, a_unit: int, b_unit: int) -> None:
        self.exchange(np.array([a_unit]), np.array([b_unit]))

    def exchange(self, left: np.ndarray, right: np.ndarray) -> None:
        """Units `left` (all in one circle) and `right` (all in another) trade places; they
        hold the same number of people, so sizes stay as planned."""
        a, b = self.labels[left[0]], self.labels[right[0]]
        step = self.u.x[right].sum(axis=0) - self.u.x[left].sum(axis=0)
        self.sums[a] += step
        self.sums[b] -= step
        self.sq[a] = self.sums[a] @ self.sums[a]
        self.sq[b] = self.sums[b] @ self.sums[b]
        if self.u.avail is not None:
            delta = self.u.avail[right].sum(axis=0, dtype=np.int64) - self.u.avail[left].sum(
                axis=0, dtype=np.int64
            )
            self.tally[a] += delta
            self.tally[b] -= delta
        moved = len(right) - len(left)
        self.unit_count[a] += moved
        self.unit_count[b] -= moved
        self.labels[left], self.labels[right] = b, a

    def move_targets(self, unit: int) -> np.ndarray:
        """Circles the unit may move to alone without changing the multiset of sizes: those
        holding exactly its size fewer people than its own circle (they trade sizes)."""
        a = self.labels[unit]
        m = self.u.size[unit]
        return np.flatnonzero(self.people == self.people[a] - m)

    def move_gains(self, unit: int, targets: np.ndarray) -> np.ndarray:
        a = self.labels[unit]
        m = float(self.u.size[unit])
        xu = self.u.x[unit]
        new_a = self.sums[a] - xu
        new_b = self.sums[targets] + xu
        before = self.sq[a] / self.people[a] + self.sq[targets] / self.people[targets]
        after = (new_a @ new_a) / (self.people[a] - m) + (new_b * new_b).sum(axis=1) / (
            self.people[targets] + m
        )
        return np.asarray(before - after)

    def move_ok(self, unit: int, targets: np.ndarray) -> np.ndarray:
        u = self.u
        ok = np.ones(len(targets), dtype=bool)
        mine = u.neighbours[u.indptr[unit] : u.indptr[unit + 1]]
        if len(mine):
            ok &= ~np.isin(targets, self.labels[mine])
        if u.avail is not None:
            a = self.labels[unit]
            left = (self.tally[a] - u.avail[unit] == self.unit_count[a] - 1).any() or u.exempt[a]
            joined = (self.tally[targets] + u.avail[unit][None, :]) == (
                self.unit_count[targets] + 1
            )[:, None]
            ok &= bool(left) & (joined.any(axis=1) | u.exempt[targets])
        return ok

    def move(self, unit: int, b: int) -> None:
        a = self.labels[unit]
        xu = self.u.x[unit]
        self.sums[a] -= xu
        self.sums[b] += xu
        self.sq[a] = self.sums[a] @ self.sums[a]
        self.sq[b] = self.sums[b] @ self.sums[b]
        m = self.u.size[unit]
        self.people[a] -= m
        self.people[b] += m
        self.unit_count[a] -= 1
        self.unit_count[b] += 1
        if self.u.avail is not None:
            self.tally[a] -= self.u.avail[unit]
            self.tally[b] += self.u.avail[unit]
        self.labels[unit] = b

    def gains(self, unit: int, partners: np.ndarray) -> np.ndarray:
        a = self.labels[unit]
        b = self.labels[partners]
        diff = self.u.x[partners] - self.u.x[unit]
        dd = (diff * diff).sum(axis=1)
        across_a = diff @ self.sums[a]
        across_b = np.einsum("ij,ij->i", self.sums[b], diff)
        return -(2 * across_a + dd) / self.people[a] + (2 * across_b - dd) / self.people[b]

    def apart_ok(self, unit: int, partners: np.ndarray) -> np.ndarray:
        """Per partner: the swap keeps every apart pair in different circles."""
        u = self.u
        ok = np.ones(len(partners), dtype=bool)
        if not len(u.neighbours):
            return ok
        a = self.labels[unit]
        mine = u.neighbours[u.indptr[unit] : u.indptr[unit + 1]]
        if len(mine):
            # My neighbours in the partner's circle, other than the partner, would meet me.
            in_b = np.isin(self.labels[partners], self.labels[mine])
            if in_b.any():
                for idx in np.flatnonzero(in_b):
                    b = self.labels[partners[idx]]
                    clash = mine[(self.labels[mine] == b) & (mine != partners[idx])]
                    ok[idx] = len(clash) == 0
        # Partners' neighbours in my circle (other than me) would meet them.
        starts, ends = u.indptr[partners], u.indptr[partners + 1]
        degree = ends - starts
        if degree.sum():
            owner = np.repeat(np.arange(len(partners)), degree)
            flat = u.neighbours[np.repeat(ends - degree.cumsum(), degree) + np.arange(degree.sum())]
            bad = (self.labels[flat] == a) & (flat != unit)
            ok[np.unique(owner[bad])] = False
        return ok

    def _neighbour_counts(self, partners: np.ndarray, circles: np.ndarray, skip: int) -> np.ndarray:
        """Per partner: how many of its apart neighbours (other than `skip`) are in the given
        circle (one circle per partner)."""
        u = self.u
        starts, ends = u.indptr[partners], u.indptr[partners + 1]
        degree = ends - starts
        counts = np.zeros(len(partners), dtype=np.int64)
        if degree.sum():
            owner = np.repeat(np.arange(len(partners)), degree)
            flat = u.neighbours[np.repeat(ends - degree.cumsum(), degree) + np.arange(degree.sum())]
            hit = (self.labels[flat] == circles[owner]) & (flat != skip)
            np.add.at(counts, owner[hit], 1)
        return counts

    def conflict_change(self, unit: int, partners: np.ndarray) -> np.ndarray:
        """Per partner: the change in broken constraints (apart pairs met, circles without a
        shared slot) if unit and partner swap. Only the two circles involved can change."""
        a = self.labels[unit]
        b = self.labels[partners]
        me = np.array([unit])
        delta = np.zeros(len(partners), dtype=np.int64)
        if len(self.u.neighbours):
            mine = self.u.neighbours[self.u.indptr[unit] : self.u.indptr[unit + 1]]
            leave_a = int(self._neighbour_counts(me, np.array([a]), -1)[0])
            meet_b = (self.labels[mine][None, :] == b[:, None]) & (
                mine[None, :] != partners[:, None]
            )
            theirs_now = self._neighbour_counts(partners, b, -1)
            theirs_then = self._neighbour_counts(partners, np.full(len(partners), a), unit)
            delta += meet_b.sum(axis=1) - leave_a + theirs_then - theirs_now
        if self.u.avail is not None:
            shared = (self.tally == self.unit_count[:, None]).any(axis=1) | self.u.exempt
            after = self.slots_ok_each(unit, partners)
            delta += (~after[0]).astype(np.int64) - (not shared[a])
            delta += (~after[1]).astype(np.int64) - (~shared[b]).astype(np.int64)
        return delta

    def slots_ok_each(self, unit: int, partners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per partner: (my circle, the partner's circle) still share a slot after the swap."""
        if self.u.avail is None:
            ones = np.ones(len(partners), dtype=bool)
            return ones, ones
        avail = self.u.avail
        a = self.labels[unit]
        b = self.labels[partners]
        without_me = self.tally[a] - avail[unit]
        a_ok = ((without_me[None, :] + avail[partners]) == self.unit_count[a]).any(axis=1)
        b_tally = self.tally[b] - avail[partners] + avail[unit][None, :]
        b_ok = (b_tally == self.unit_count[b][:, None]).any(axis=1)
        return a_ok | self.u.exempt[a], b_ok | self.u.exempt[b]

    def slots_ok(self, unit: int, partners: np.ndarray) -> np.ndarray:
        """Per partner: both circles still share a slot after the swap."""
        a_ok, b_ok = self.slots_ok_each(unit, partners)
        return a_ok & b_ok

    def broken_per_circle(self) -> np.ndarray:
        """Per circle: kept-apart pairs inside it, plus 1 if its units share no slot (unless
        the circle is exempt)."""
        u = self.u
        bad = np.zeros(self.k, dtype=np.int64)
        if len(u.neighbours):
            owner = np.repeat(np.arange(u.count), np.diff(u.indptr))
            same = self.labels[owner] == self.labels[u.neighbours]
            np.add.at(bad, self.labels[owner[same]], 1)
        if u.avail is not None:
            bad += ~((self.tally == self.unit_count[:, None]).any(axis=1) | u.exempt)
        return bad

    def broken(self, circle: int) -> int:
        """`broken_per_circle` for one circle, from its members alone."""
        u = self.u
        members = np.flatnonzero(self.labels == circle)
        found = int(self._neighbour_counts(members, np.full(len(members), circle), -1).sum())
        if (
            u.avail is not None
            and not u.exempt[circle]
            and not (self.tally[circle] == self.unit_count[circle]).any()
        ):
            found += 1
        return found
