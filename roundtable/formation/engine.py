"""The objective and the search.

Objective (size-neutral): the sum over circles of their within-circle sum of squares,
W = Σ_g Σ_{i∈g} ||x_i - mean_g||² = Σ_g D_g / n_g, where D_g is the sum of squared distances
over the pairs in circle g. Dividing each circle's pair sum by its size makes one person count
the same in a circle of 4 as in a circle of 6 (the "average diversity" of anticlust), so the
search gains nothing by making a circle bigger or smaller. Since the total sum of squares is
fixed, maximising W also minimises the spread between circle means: diverse circles that
resemble each other.

Hard constraints are handled by the search itself, never by penalties in the final answer:

- kept together: people linked by "together" pairs form a *unit* that always moves as one;
  units only swap with units of the same size, so circle sizes never change;
- kept apart: no swap may bring two "apart" units into one circle;
- availability: each unit carries the weekly slots all its members can make (n x S booleans);
  a circle is valid while at least one slot is shared by all its units;
- pinned: a pinned unit never moves.

The search has two phases. Phase one finds a grouping that meets every hard constraint: a
greedy placement (hardest units first), then a min-conflicts repair by swaps. If no such
grouping is found, `diagnose` explains which constraints conflict and why (`Infeasible`).
Phase two maximises W among valid groupings: swap local search whose gains come from
per-circle sums in O(d) per partner (never by recomputing the objective), vectorised over all
partners in numpy, then perturbation (a few random valid swaps) and search again, keeping the
best (iterated local search), within the time budget. Memory is O(N·d + N·S): no N x N matrix.
Above a few thousand units each unit is offered a random sample of partners instead of all.

Incremental re-balancing (`start=`): the search starts from the current circles and charges
`move_cost` for each person it takes away from their current circle, so it only moves people
when the gain is worth it; pinned people never move.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

FULL_PARTNER_LIMIT = 3000  # units; above this, each unit tries a random sample of partners
SAMPLE_PARTNERS = 48
EPS = 1e-9


class FormationError(ValueError):
    """Bad input or constraints that cannot all be met; `problems` lists each, plainly."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


class Infeasible(FormationError):
    pass


@dataclass(frozen=True)
class Problem:
    """Everything the search needs, by person index 0..n-1."""

    x: np.ndarray  # n x d embedded features (see features.embed)
    sizes: Sequence[int]  # planned circle sizes, adding up to n
    apart: Sequence[tuple[int, int]] = ()
    together: Sequence[tuple[int, int]] = ()
    availability: np.ndarray | None = None  # n x S booleans: who can make which weekly slot
    start: np.ndarray | None = None  # current circle per person (-1: newcomer)
    pinned: Sequence[int] = ()  # people who stay in their `start` circle
    names: Sequence[str] | None = None  # for messages; defaults to "person 1", "person 2", ...
    move_cost: float = 0.0  # objective units charged per person moved away from `start`

    @property
    def n(self) -> int:
        return int(self.x.shape[0])

    def name(self, i: int | np.integer) -> str:
        i = int(i)
        return str(self.names[i]) if self.names is not None else f"person {i + 1}"


@dataclass(frozen=True)
class Formation:
    labels: np.ndarray  # circle index per person
    objective: float
    restarts: int
    seconds: float
    moved: int = 0  # people not in their `start` circle (incremental re-balancing)
    slots: tuple[int, ...] = field(default=())  # per circle: a shared slot column, or -1


def plan_sizes(
    n: int, *, groups: int | None = None, size_range: tuple[int, int] | None = None
) -> list[int]:
    """Circle sizes as equal as possible, everyone placed; or a clear reason why not."""
    if n < 1:
        raise FormationError(["There is nobody to place."])
    if groups is not None:
        if not 1 <= groups <= n:
            raise FormationError([f"{groups} circles cannot be made from {n} people."])
        base, extra = divmod(n, groups)
        sizes = [base + 1] * extra + [base] * (groups - extra)
        if size_range and not (size_range[0] <= min(sizes) and max(sizes) <= size_range[1]):
            raise FormationError(
                [
                    f"{n} people in {groups} circles gives sizes {min(sizes)}-{max(sizes)}, "
                    f"outside {size_range[0]}-{size_range[1]}."
                ]
            )
        return sizes
    if size_range is None:
        raise FormationError(["Give a number of circles or a size range."])
    low, high = size_range
    if not 1 <= low <= high:
        raise FormationError([f"The size range {low}-{high} is not valid."])
    for k in range(math.ceil(n / high), n // low + 1):
        base, extra = divmod(n, k)
        if low <= base and base + (1 if extra else 0) <= high:
            return [base + 1] * extra + [base] * (k - extra)
    raise FormationError([f"{n} people cannot be split into circles of {low}-{high}."])


def objective(x: np.ndarray, labels: np.ndarray) -> float:
    total = 0.0
    for g in np.unique(labels):
        members = x[labels == g]
        total += float(((members - members.mean(axis=0)) ** 2).sum())
    return total


def violations(problem: Problem, labels: np.ndarray) -> dict[str, int]:
    """Each hard constraint checked on a finished grouping, by counting (0 everywhere = valid)."""
    sizes = np.bincount(labels, minlength=len(problem.sizes))
    planned = sorted(problem.sizes)
    result = {
        "sizes": int(sum(abs(a - b) for a, b in zip(sorted(sizes.tolist()), planned, strict=False)))
        + abs(len(sizes) - len(planned)),
        "apart": sum(1 for i, j in problem.apart if labels[i] == labels[j]),
        "together": sum(1 for i, j in problem.together if labels[i] != labels[j]),
        "pinned": sum(
            1 for i in problem.pinned if problem.start is not None and labels[i] != problem.start[i]
        ),
        "availability": 0,
    }
    if problem.availability is not None:
        for g in range(len(problem.sizes)):
            members = problem.availability[labels == g]
            if len(members) and not members.all(axis=0).any():
                result["availability"] += 1
    return result


# --- units -------------------------------------------------------------------------------------


@dataclass
class _Units:
    of_person: np.ndarray  # unit index per person
    people: list[np.ndarray]  # person indices per unit
    size: np.ndarray  # people per unit
    x: np.ndarray  # summed feature vectors per unit
    avail: np.ndarray | None  # unit x S: slots every member can make
    pinned_to: np.ndarray  # circle a unit is pinned to, or -1
    start: np.ndarray  # unit's current circle, or -1
    indptr: np.ndarray  # CSR of apart neighbours between units
    neighbours: np.ndarray
    # Circles whose pinned members already share no slot: kept as they are, not held to it.
    exempt: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def count(self) -> int:
        return len(self.people)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def build_units(problem: Problem) -> _Units:
    n = problem.n
    problems: list[str] = []
    for kind, pairs in (("together", problem.together), ("apart", problem.apart)):
        for i, j in pairs:
            if not (0 <= i < n and 0 <= j < n):
                raise FormationError([f"A {kind} pair names someone who is not in the pool."])
            if i == j:
                problems.append(f"{problem.name(i)} cannot be kept {kind} from themselves.")
    parent = list(range(n))
    for i, j in problem.together:
        parent[_find(parent, i)] = _find(parent, j)
    roots = [_find(parent, i) for i in range(n)]
    index: dict[int, int] = {}
    of_person = np.array([index.setdefault(r, len(index)) for r in roots], dtype=np.int64)
    people = [np.flatnonzero(of_person == u) for u in range(len(index))] if n < 2000 else []
    if not people:
        order = np.argsort(of_person, kind="stable")
        bounds = np.searchsorted(of_person[order], np.arange(len(index) + 1))
        people = [order[bounds[u] : bounds[u + 1]] for u in range(len(index))]
    size = np.array([len(p) for p in people], dtype=np.int64)
    x = np.zeros((len(people), problem.x.shape[1]))
    np.add.at(x, of_person, problem.x)

    # Contradictions: apart inside one together group (directly or through a chain).
    for i, j in problem.apart:
        if i != j and of_person[i] == of_person[j]:
            group = ", ".join(problem.name(p) for p in people[of_person[i]])
            problems.append(
                f"{problem.name(i)} and {problem.name(j)} must be kept apart, but they are "
                f"also linked by 'together' pairs ({group})."
            )
    biggest = max(problem.sizes) if problem.sizes else 0
    for members in people:
        if len(members) > biggest:
            names = ", ".join(problem.name(p) for p in members)
            problems.append(
                f"{names} must be together, but that is {len(members)} people and circles "
                f"hold at most {biggest}."
            )

    avail = None
    if problem.availability is not None:
        availability = np.asarray(problem.availability, dtype=bool)
        if availability.shape[0] != n:
            raise FormationError(["The availability has a row count different from the pool."])
        avail = np.ones((len(people), availability.shape[1]), dtype=bool)
        np.logical_and.at(avail, of_person, availability)
        pinned_people = set(problem.pinned)
        for u in np.flatnonzero(~avail.any(axis=1)):
            members = people[u]
            if pinned_people & set(members.tolist()):
                continue  # stays in a current circle, which is then kept as it is
            if len(members) == 1:
                problems.append(f"{problem.name(members[0])} has no available weekly slot.")
            else:
                names = ", ".join(problem.name(p) for p in members)
                problems.append(f"{names} must be together but share no weekly slot.")

    start = np.full(len(people), -1, dtype=np.int64)
    pinned_to = np.full(len(people), -1, dtype=np.int64)
    if problem.start is not None:
        for unit, members in enumerate(people):
            current = {int(problem.start[p]) for p in members if problem.start[p] >= 0}
            if len(current) == 1:
                start[unit] = current.pop()
    for p in problem.pinned:
        if problem.start is None or problem.start[p] < 0:
            problems.append(f"{problem.name(p)} is pinned but has no circle to stay in.")
            continue
        u = of_person[p]
        if pinned_to[u] >= 0 and pinned_to[u] != problem.start[p]:
            problems.append(
                f"{problem.name(p)} is pinned to another circle than someone they must be "
                "kept together with."
            )
        pinned_to[u] = problem.start[p]
        start[u] = problem.start[p]
    if problems:
        raise Infeasible(problems)

    edges = {
        (int(of_person[i]), int(of_person[j]))
        for i, j in problem.apart
        if of_person[i] != of_person[j]
    }
    both_ways = np.array(sorted(edges | {(b, a) for a, b in edges}), dtype=np.int64)
    both_ways = both_ways.reshape(-1, 2)
    indptr = np.searchsorted(both_ways[:, 0], np.arange(len(people) + 1))
    return _Units(
        of_person, people, size, x, avail, pinned_to, start, np.asarray(indptr), both_ways[:, 1]
    )


# --- state -------------------------------------------------------------------------------------


class _State:
    """Unit labels plus per-circle sums, counts and slot tallies, kept up to date by swaps."""

    def __init__(self, units: _Units, labels: np.ndarray, k: int):
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


# --- search ------------------------------------------------------------------------------------


def form(
    x_or_problem: np.ndarray | Problem,
    sizes: Sequence[int] | None = None,
    *,
    seed: int = 0,
    time_limit: float = 1.0,
    max_restarts: int = 50,
    patience: int = 300,
    rounds: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> Formation:
    """Best grouping found; deterministic for a seed and a budget of rounds (`max_restarts`;
    the time limit, or `patience` rounds without improvement, can stop it earlier). With
    `rounds`, exactly that many rounds run and neither the time limit nor `patience` stops the
    search. Raises `Infeasible` with reasons when the hard constraints cannot all be met."""
    if isinstance(x_or_problem, Problem):
        problem = x_or_problem
    else:
        if sizes is None:
            raise FormationError(["Give the circle sizes."])
        problem = Problem(x=np.asarray(x_or_problem, dtype=np.float64), sizes=list(sizes))
    started = time.perf_counter()
    deadline = started + max(time_limit, 0.01) if rounds is None else math.inf
    exact_rounds = max(1, rounds) if rounds is not None else None
    if exact_rounds is not None:
        max_restarts, patience = exact_rounds, exact_rounds + 1
    if sum(problem.sizes) != problem.n:
        raise FormationError([f"The circle sizes add up to {sum(problem.sizes)}, not {problem.n}."])
    if problem.start is not None and len(problem.start) != problem.n:
        raise FormationError(["The current circles do not cover the pool."])
    rng = np.random.default_rng(seed)
    units = build_units(problem)
    k = len(problem.sizes)
    units.exempt = np.zeros(k, dtype=bool)
    if units.avail is not None:
        for g in np.unique(units.pinned_to[units.pinned_to >= 0]):
            units.exempt[g] = not units.avail[units.pinned_to == g].all(axis=0).any()
    total_sq = float((problem.x * problem.x).sum())

    labels = _place(units, problem, rng)
    state = _State(units, labels, k)
    if not _repair(state, problem, rng, started + 0.5 * (deadline - started)):
        raise Infeasible(diagnose(problem, units))

    movable = units.pinned_to < 0
    cost = np.zeros(units.count)
    if problem.move_cost > 0 and problem.start is not None:
        cost = units.size * problem.move_cost

    def score(s: _State) -> float:
        moved = (s.labels != units.start) & (units.start >= 0)
        return s.value(total_sq) - float(cost[moved].sum())

    _descend(state, movable, cost, rng, deadline)
    best_labels, best_score, done_rounds = state.labels.copy(), score(state), 1
    if progress:
        progress(_share_done(started, time_limit, done_rounds, exact_rounds))
    since_better = 0
    # Iterated local search: kick the best grouping with a few random valid swaps (2 to a
    # quarter of the units on small pools) and descend again; now and then start afresh from a
    # new random valid grouping, so tight constraints cannot wall the search in one region.
    strongest = max(2, units.count // 4) if units.count <= 200 else max(2, units.count // 20)
    fresh_every = max(20, patience // 4)
    while done_rounds < max_restarts and since_better < patience and time.perf_counter() < deadline:
        if since_better and since_better % fresh_every == 0 and problem.start is None:
            restart = _State(units, _place(units, problem, rng), k)
            if not _repair(restart, problem, rng, deadline):
                since_better += 1
                done_rounds += 1
                continue
            state = restart
        else:
            _perturb(state, movable, rng, strength=int(rng.integers(2, strongest + 1)))
        _descend(state, movable, cost, rng, deadline)
        done_rounds += 1
        current = score(state)
        if current > best_score + EPS:
            best_labels, best_score = state.labels.copy(), current
            since_better = 0
        else:
            since_better += 1
            state = _State(units, best_labels.copy(), k)
        if progress:
            progress(_share_done(started, time_limit, done_rounds, exact_rounds))

    person_labels = best_labels[units.of_person]
    final = _State(units, best_labels.copy(), k)
    moved = 0
    if problem.start is not None:
        moved = int(((person_labels != problem.start) & (problem.start >= 0)).sum())
    slots: tuple[int, ...] = ()
    if units.avail is not None:
        shared = final.tally == final.unit_count[:, None]
        slots = tuple(int(np.argmax(row)) if row.any() else -1 for row in shared)
    return Formation(
        person_labels,
        objective(problem.x, person_labels),
        done_rounds,
        time.perf_counter() - started,
        moved,
        slots,
    )


def _share_done(
    started: float, time_limit: float, done_rounds: int, exact_rounds: int | None
) -> float:
    """Progress: the share of the exact rounds run, or else of the time limit used."""
    if exact_rounds is not None:
        return min(1.0, done_rounds / exact_rounds)
    return min(1.0, (time.perf_counter() - started) / max(time_limit, 1e-9))


def _place(units: _Units, problem: Problem, rng: np.random.Generator) -> np.ndarray:
    """Greedy start: pinned and current units stay; the rest, biggest and most constrained
    first, go to a circle with room, preferring one that keeps the most shared slots and
    meets nobody they must be kept apart from."""
    k = len(problem.sizes)
    room = np.array(problem.sizes, dtype=np.int64)
    labels = np.full(units.count, -1, dtype=np.int64)
    common = np.ones((k, units.avail.shape[1]), dtype=bool) if units.avail is not None else None
    keep = np.flatnonzero((units.start >= 0) & (units.start < k))
    # Current circles first (pinned before others), as long as they have room.
    for u in sorted(keep.tolist(), key=lambda u: units.pinned_to[u] < 0):
        g = units.start[u]
        if room[g] >= units.size[u] or units.pinned_to[u] >= 0:
            labels[u] = g
            room[g] -= units.size[u]
            if common is not None and units.avail is not None:
                common[g] &= units.avail[u]
    free = np.flatnonzero(labels < 0)
    tightness = units.avail[free].sum(axis=1) if units.avail is not None else np.zeros(len(free))
    degree = np.diff(units.indptr)[free]
    order = free[np.lexsort((rng.random(len(free)), -degree, tightness, -units.size[free]))]
    for u in order:
        open_circles = np.flatnonzero(room >= units.size[u])
        if not len(open_circles):
            raise Infeasible(
                [
                    "The 'together' groups cannot be packed into circles of sizes "
                    f"{min(problem.sizes)}-{max(problem.sizes)}."
                ]
            )
        if len(open_circles) > 64:
            open_circles = rng.choice(open_circles, 64, replace=False)
        score = rng.random(len(open_circles))
        nbrs = units.neighbours[units.indptr[u] : units.indptr[u + 1]]
        if len(nbrs):
            clash = np.isin(open_circles, labels[nbrs])
            score -= clash * 1000.0
        if common is not None and units.avail is not None:
            shared = (common[open_circles] & units.avail[u]).sum(axis=1)
            fits = (shared > 0) | units.exempt[open_circles]
            score += np.where(fits, 10.0 + shared / units.avail.shape[1], -100.0)
        g = int(open_circles[int(np.argmax(score))])
        labels[u] = g
        room[g] -= units.size[u]
        if common is not None and units.avail is not None:
            common[g] &= units.avail[u]
    return labels


def _circle_violations(state: _State) -> np.ndarray:
    """Per circle: apart pairs inside it plus 1 if its members share no slot."""
    u = state.u
    bad = np.zeros(state.k, dtype=np.int64)
    if len(u.neighbours):
        owner = np.repeat(np.arange(u.count), np.diff(u.indptr))
        same = state.labels[owner] == state.labels[u.neighbours]
        np.add.at(bad, state.labels[owner[same]], 1)
    if u.avail is not None:
        bad += ~((state.tally == state.unit_count[:, None]).any(axis=1) | u.exempt)
    return bad


def _repair(state: _State, problem: Problem, rng: np.random.Generator, deadline: float) -> bool:
    """Min-conflicts: while some circle breaks a constraint, move one of its units by the swap
    that most reduces the number of broken constraints (ties at random, sideways allowed)."""
    u = state.u
    movable = u.pinned_to < 0
    bad = _circle_violations(state)
    steps = 0
    while bad.any():
        if time.perf_counter() > deadline or steps > 500 * u.count + 5000:
            return False
        steps += 1
        circle = int(rng.choice(np.flatnonzero(bad)))
        inside = np.flatnonzero((state.labels == circle) & movable)
        if not len(inside):
            return False
        unit = int(rng.choice(inside))
        groups = np.flatnonzero(movable & (u.size > 1))
        if len(groups) and (u.size[unit] > 1 or rng.random() < 0.3):
            # A kept-together group trades with single people; here or from elsewhere.
            if u.size[unit] == 1:
                unit = int(rng.choice(groups))
            _bundle_step(state, unit, movable, rng, bad, repair=True)
            continue
        partners = np.flatnonzero((state.labels != circle) & movable & (u.size == u.size[unit]))
        if len(partners) > 256:
            partners = rng.choice(partners, 256, replace=False)
        if not len(partners):
            continue
        deltas = state.conflict_change(unit, partners)
        # Mostly the best swap (sideways and uphill too, to leave plateaus), sometimes any.
        choices = partners if rng.random() < 0.1 else partners[deltas == deltas.min()]
        partner = int(rng.choice(choices))
        other = state.labels[partner]
        state.swap(unit, partner)
        bad[circle] = _one_circle_violations(state, circle)
        bad[other] = _one_circle_violations(state, other)
    return True


def _bundle_step(
    state: _State,
    unit: int,
    movable: np.ndarray,
    rng: np.random.Generator,
    bad: np.ndarray | None,
    *,
    repair: bool,
    cost: np.ndarray | None = None,
) -> tuple[int, int] | None:
    """A kept-together group trades places with as many single people from another circle
    (sizes stay as planned). Rare, so tried directly: exchange, measure, undo if worse.
    In repair mode the exchange that breaks the fewest constraints is kept; otherwise the
    first valid one that raises the objective."""
    u = state.u
    a = int(state.labels[unit])
    m = int(u.size[unit])
    singles = movable & (u.size == 1)
    circles = [g for g in rng.permutation(state.k) if g != a][:24]
    options: list[tuple[float, np.ndarray]] = []
    tries = [
        (g, bundle)
        for g in circles
        for bundle in _bundles(np.flatnonzero((state.labels == g) & singles), m, rng)
    ]
    left = np.array([unit])
    if not repair:
        # Gains from the circle sums first (no exchange needed); constraints only for the
        # exchanges that would raise the objective, best first.
        gains = []
        for g, bundle in tries:
            step = u.x[bundle].sum(axis=0) - u.x[unit]
            new_a, new_g = state.sums[a] + step, state.sums[g] - step
            gain = (state.sq[a] - new_a @ new_a) / state.people[a] + (
                state.sq[g] - new_g @ new_g
            ) / state.people[g]
            if cost is not None and cost.any():
                moved = np.concatenate([left, bundle])
                home = u.start[moved]
                now = np.where(moved == unit, a, g)
                then = np.where(moved == unit, g, a)
                gain -= float(
                    cost[moved][(home >= 0) & (home != then)].sum()
                    - cost[moved][(home >= 0) & (home != now)].sum()
                )
            gains.append(gain)
        for idx in np.argsort(-np.array(gains), kind="stable") if gains else []:
            if gains[idx] <= EPS:
                break
            g, bundle = tries[idx]
            state.exchange(left, bundle)
            if _one_circle_violations(state, a) + _one_circle_violations(state, g) == 0:
                return a, int(g)
            state.exchange(bundle, left)
        return None
    for g, bundle in tries:
        was = _one_circle_violations(state, a) + _one_circle_violations(state, g)
        state.exchange(left, bundle)
        broken = _one_circle_violations(state, a) + _one_circle_violations(state, g)
        options.append((broken - was, bundle))
        state.exchange(bundle, left)
    if repair and options:
        best = min(score for score, _ in options)
        picks = [b for score, b in options if score == best]
        bundle = picks[int(rng.integers(len(picks)))]
        g = int(state.labels[bundle[0]])
        state.exchange(np.array([unit]), bundle)
        if bad is not None:
            bad[a] = _one_circle_violations(state, a)
            bad[g] = _one_circle_violations(state, g)
        return a, g
    return None


def _bundles(pool: np.ndarray, m: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Sets of m single people from one circle to trade for a group: all of them when there
    are few (small circles), else a random dozen."""
    if len(pool) < m:
        return []
    if math.comb(len(pool), m) <= 12:
        return [np.array(c) for c in itertools.combinations(pool.tolist(), m)]
    return [rng.choice(pool, m, replace=False) for _ in range(12)]


def _one_circle_violations(state: _State, circle: int) -> int:
    u = state.u
    members = np.flatnonzero(state.labels == circle)
    count = int(state._neighbour_counts(members, np.full(len(members), circle), -1).sum())
    if (
        u.avail is not None
        and not u.exempt[circle]
        and not (state.tally[circle] == state.unit_count[circle]).any()
    ):
        count += 1
    return count


def _descend(
    state: _State,
    movable: np.ndarray,
    cost: np.ndarray,
    rng: np.random.Generator,
    deadline: float,
) -> None:
    """Best valid swap per unit, first-improvement over units, until no swap gains. Units whose
    circle did not change since they were last examined are skipped (don't-look bits)."""
    u = state.u
    everyone = np.flatnonzero(movable)
    sample = u.count > FULL_PARTNER_LIMIT
    look = np.ones(u.count, dtype=bool)
    look[~movable] = False
    home = u.start
    while look.any():
        changed = np.zeros(state.k, dtype=bool)
        for unit in rng.permutation(np.flatnonzero(look)):
            if time.perf_counter() > deadline:
                return
            look[unit] = False
            moved_to = _move_step(state, unit, cost, rng)
            if moved_to is not None:
                changed[moved_to[0]] = changed[moved_to[1]] = True
                continue
            if u.size[unit] > 1:
                touched = _bundle_step(state, unit, movable, rng, None, repair=False, cost=cost)
                if touched:
                    changed[list(touched)] = True
                continue
            if sample:
                partners = everyone[rng.integers(0, len(everyone), SAMPLE_PARTNERS)]
            else:
                partners = everyone
            a = state.labels[unit]
            keep = (state.labels[partners] != a) & (u.size[partners] == u.size[unit])
            partners = partners[keep]
            if not len(partners):
                continue
            gains = state.gains(unit, partners)
            if cost.any():
                b = state.labels[partners]
                gains -= _moved_cost(unit, partners, a, b, home, cost)
            candidates = np.flatnonzero(gains > EPS)
            if not len(candidates):
                continue
            candidates = candidates[np.argsort(-gains[candidates], kind="stable")][:32]
            ok = state.apart_ok(unit, partners[candidates]) & state.slots_ok(
                unit, partners[candidates]
            )
            if not ok.any():
                continue
            partner = int(partners[candidates[int(np.argmax(ok))]])
            b = state.labels[partner]
            state.swap(unit, partner)
            changed[a] = changed[b] = True
        look |= changed[state.labels] & movable


def _move_step(
    state: _State, unit: int, cost: np.ndarray, rng: np.random.Generator
) -> tuple[int, int] | None:
    """Move the unit alone to a circle one size smaller when that raises the objective and
    keeps every constraint (circles trade sizes, so the plan of sizes holds). Many circles:
    a random sample of them, as for swap partners."""
    targets = state.move_targets(unit)
    if not len(targets):
        return None
    if len(targets) > SAMPLE_PARTNERS:
        targets = targets[rng.integers(0, len(targets), SAMPLE_PARTNERS)]
    a = int(state.labels[unit])
    gains = state.move_gains(unit, targets)
    if cost.any():
        home = state.u.start[unit]
        if home >= 0:
            gains = gains - cost[unit] * ((home != targets).astype(float) - float(home != a))
    best = np.flatnonzero(gains > EPS)
    if not len(best):
        return None
    best = best[np.argsort(-gains[best], kind="stable")]
    ok = state.move_ok(unit, targets[best])
    if not ok.any():
        return None
    b = int(targets[best[int(np.argmax(ok))]])
    state.move(unit, b)
    return a, b


def _moved_cost(
    unit: int, partners: np.ndarray, a: int, b: np.ndarray, home: np.ndarray, cost: np.ndarray
) -> np.ndarray:
    """Change in the cost of people away from their current circle if unit and partner swap."""
    before = cost[unit] * (home[unit] >= 0) * (home[unit] != a) + cost[partners] * (
        home[partners] >= 0
    ) * (home[partners] != b)
    after = cost[unit] * (home[unit] >= 0) * (home[unit] != b) + cost[partners] * (
        home[partners] >= 0
    ) * (home[partners] != a)
    return np.asarray(after - before, dtype=np.float64)


def _perturb(state: _State, movable: np.ndarray, rng: np.random.Generator, strength: int) -> None:
    """A few random swaps that keep every hard constraint."""
    u = state.u
    candidates = np.flatnonzero(movable)
    if len(candidates) < 2:
        return
    done = tries = 0
    while done < strength and tries < strength * 20:
        tries += 1
        unit, partner = (int(v) for v in rng.choice(candidates, 2, replace=False))
        if state.labels[unit] == state.labels[partner] or u.size[unit] != u.size[partner]:
            continue
        pair = np.array([partner])
        if state.apart_ok(unit, pair)[0] and state.slots_ok(unit, pair)[0]:
            state.swap(unit, partner)
            done += 1


def diagnose(problem: Problem, units: _Units | None = None) -> list[str]:
    """Why the hard constraints cannot all be met, as plainly as the data allows."""
    units = units or build_units(problem)
    reasons: list[str] = []
    smallest = min(problem.sizes)
    if units.avail is not None:
        avail = units.avail.astype(np.float32)
        overlap_people = None
        if units.count <= 20_000:  # people each unit shares a slot with, 512 rows at a time
            overlap_people = np.concatenate(
                [
                    (avail[rows : rows + 512] @ avail.T > 0) @ units.size
                    for rows in range(0, units.count, 512)
                ]
            )
        if overlap_people is not None:
            for unit in np.flatnonzero(overlap_people < smallest):
                names = ", ".join(problem.name(p) for p in units.people[unit])
                others = int(overlap_people[unit] - units.size[unit])
                reasons.append(
                    f"{names} share{'s' if units.size[unit] == 1 else ''} a weekly slot with "
                    f"only {others} other {'person' if others == 1 else 'people'}; circles "
                    f"need at least {smallest}."
                )
        slot_people = units.avail.T.astype(np.int64) @ units.size
        if not reasons and slot_people.max(initial=0) < smallest:
            reasons.append(
                f"No weekly slot suits {smallest} people at once; circles need at least {smallest}."
            )
    if not reasons:
        parts = ["kept-apart pairs"] if len(units.neighbours) else []
        if units.avail is not None:
            parts.append("shared weekly slots")
        if (units.pinned_to >= 0).any():
            parts.append("pinned people")
        if (units.size > 1).any():
            parts.append("kept-together groups")
        reasons.append(
            "No grouping was found that meets all the "
            + (" and ".join(parts) if parts else "constraints")
            + " at once within the time budget; loosen one of them or allow other circle sizes."
        )
    return reasons
