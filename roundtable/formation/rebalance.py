"""Re-balancing circles that already meet: a short plan of moves and swaps, at most `budget`
people moved, chosen greedily by objective gain per person moved, that never breaks a hard
constraint holding now.

The objective is `problem.objective` (W, the within-circle sum of squares); a plan's gains are
read from per-circle feature sums (O(d) per candidate), never by recomputing W. A person counts
once toward the budget however often the plan moves them, so once the budget is spent a short
improvement phase may still move or swap people already moved. The rules kept, each for every
circle or pair where it holds at the time of the step (a rule already broken is never made
worse either):

- sizes stay within `size_range` (a circle outside it may only come nearer), no circle empties;
- kept-apart pairs stay in different circles;
- kept-together pairs that share a circle move as one block (a unit), together;
- a circle whose members share a weekly slot keeps one;
- a circle of one job role stays of one role (when roles are given);
- pinned people (`problem.pinned`, which the caller fills with leads too unless they may move)
  stay where they are.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from roundtable.formation.problem import FormationError, Problem, objective

EPS = 1e-9  # gains below this are rounding, not progress
SWAP_CANDIDATES = 1500  # people considered for swaps per step (the best placed to leave)
CHUNK = 2_000_000  # unit-by-circle cells scored at once (bounds memory at scale)
FIRST_LOOK = 256  # best candidates sorted first; the rest only if none of them is allowed


@dataclass(frozen=True)
class Step:
    """One step of a plan: a unit (one person, or people kept together) moving to another
    circle, or two people swapping circles. `people`, `origin` and `target` run in parallel."""

    kind: str  # "move" or "swap"
    people: tuple[int, ...]
    origin: tuple[int, ...]
    target: tuple[int, ...]
    gain: float  # the objective's increase by this step
    new_people: int  # people this step adds to those moved (what it costs of the budget)


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    labels: np.ndarray  # circle per person after every step
    objective_before: float
    objective_after: float
    imbalance_before: float  # between-circle sum of squares before: total minus W
    budget: int
    moved: tuple[int, ...]  # people moved at least once, in order of their first step
    message: str
    stopped_early: bool = False  # the time limit ended the search

    @property
    def gain(self) -> float:
        return self.objective_after - self.objective_before

    @property
    def share(self) -> float:
        """The part of the imbalance between circles the plan removes (0..1)."""
        return self.gain / self.imbalance_before if self.imbalance_before > EPS else 0.0

    def changed(self, start: np.ndarray) -> list[int]:
        """People whose circle differs at the end (one moved away and back is not)."""
        return np.flatnonzero(self.labels != np.asarray(start)).tolist()


def rebalance(
    problem: Problem,
    *,
    budget: int,
    size_range: tuple[int, int],
    roles: Sequence[str] | None = None,
    time_limit: float = 1.0,
    max_steps: int | None = None,
) -> Plan:
    """The plan for circles `problem.start` (every person in one, 0..k-1), moving at most
    `budget` people; `problem.sizes` is not read (the sizes are the current ones, kept within
    `size_range`). Deterministic: the time limit only cuts a plan short (`stopped_early`),
    after its first step."""
    start = _checked_start(problem, budget, size_range, roles)
    board = _Board(problem, start, size_range, roles)
    before = objective(problem.x, start)
    steps: list[Step] = []
    moved: list[int] = []
    deadline = time.perf_counter() + max(0.0, time_limit)
    limit = max_steps if max_steps is not None else 10 * budget + 50
    stopped = False
    while budget > 0 and len(steps) < limit:
        if steps and time.perf_counter() > deadline:  # the first step is always looked for
            stopped = True
            break
        step = board.best_step(remaining=budget - len(moved))
        if step is None:
            break
        board.apply(step)
        moved += [p for p in step.people if p not in moved]
        steps.append(step)
    after = objective(problem.x, board.labels)
    total = float(((problem.x - problem.x.mean(axis=0)) ** 2).sum()) if problem.n else 0.0
    return Plan(
        steps=tuple(steps),
        labels=board.labels.copy(),
        objective_before=before,
        objective_after=after,
        imbalance_before=max(0.0, total - before),
        budget=budget,
        moved=tuple(moved),
        message=_message(steps, budget, board.movable_people, stopped),
        stopped_early=stopped,
    )


def _message(steps: list[Step], budget: int, movable: int, stopped: bool) -> str:
    if budget == 0:
        return "A budget of 0 moves nobody: nothing changes."
    if movable == 0:
        return "Nobody may move: everyone is pinned, leads or kept in place by a rule."
    if stopped:
        return (
            f"The time limit ended the search after {len(steps)} step(s); they are the best "
            "found until then."
        )
    if not steps:
        return (
            "Nothing to gain: no move or swap within the budget makes the circles more "
            "balanced without breaking a rule that holds now."
        )
    return ""


def _checked_start(
    problem: Problem, budget: int, size_range: tuple[int, int], roles: Sequence[str] | None
) -> np.ndarray:
    problems = []
    if problem.start is None or len(problem.start) != problem.n:
        raise FormationError(["Re-balancing needs the current circle of every person."])
    start = np.asarray(problem.start, dtype=np.int64)
    if problem.n and start.min() < 0:
        problems.append("Everyone must be in a circle to re-balance; place newcomers first.")
    if budget < 0:
        problems.append("The number of people to move must be 0 or more.")
    low, high = size_range
    if not 1 <= low <= high:
        problems.append(f"The size range {low}-{high} is not valid.")
    if roles is not None and len(roles) != problem.n:
        problems.append("Every person needs a role for 'same role only'.")
    if problems:
        raise FormationError(problems)
    return start.copy()


class _Board:
    """The circles as per-circle sums, head counts, slot tallies and role counts, kept up to
    date by each step. Candidate steps are scored from them all at once (numpy); the rules are
    then checked one candidate at a time, best first, until one passes (few are looked at)."""

    def __init__(
        self,
        problem: Problem,
        labels: np.ndarray,
        size_range: tuple[int, int],
        roles: Sequence[str] | None,
    ):
        n = problem.n
        self.x = np.asarray(problem.x, dtype=np.float64)
        self.labels = labels
        self.k = int(labels.max()) + 1 if n else 0
        self.low, self.high = size_range
        self.norms = (self.x * self.x).sum(axis=1)
        self.sums = np.zeros((self.k, self.x.shape[1]))
        np.add.at(self.sums, labels, self.x)
        self.sq = (self.sums * self.sums).sum(axis=1)
        self.count = np.bincount(labels, minlength=self.k).astype(np.int64)
        self.moved = np.zeros(n, dtype=bool)

        self.av: np.ndarray | None = None
        self.tally = np.zeros((self.k, 0), dtype=np.int64)
        if problem.availability is not None:
            self.av = np.asarray(problem.availability, dtype=np.int64)
            self.tally = np.zeros((self.k, self.av.shape[1]), dtype=np.int64)
            np.add.at(self.tally, labels, self.av)

        self.role: np.ndarray | None = None
        if roles is not None:
            codes = {r: i for i, r in enumerate(sorted(set(map(str, roles))))}
            self.role = np.array([codes[str(r)] for r in roles], dtype=np.int64)
            self.role_count = np.zeros((self.k, len(codes)), dtype=np.int64)
            np.add.at(self.role_count, (labels, self.role), 1)

        self.partners: list[set[int]] = [set() for _ in range(n)]
        for i, j in problem.apart:
            if i != j:
                self.partners[int(i)].add(int(j))
                self.partners[int(j)].add(int(i))

        # Units never change: their members, sizes and feature sums are computed once.
        self.units = self._units(problem, labels)
        self.movable_people = int(sum(len(u) for u in self.units))
        self.unit_size = np.array([len(u) for u in self.units], dtype=np.int64)
        self.unit_first = np.array([u[0] for u in self.units], dtype=np.int64)
        self.unit_x = (
            np.stack([self.x[u].sum(axis=0) for u in self.units])
            if self.units
            else np.zeros((0, self.x.shape[1]))
        )
        self.unit_sq = (self.unit_x * self.unit_x).sum(axis=1)
        self.singles = self.unit_first[self.unit_size == 1]
        self.gram: np.ndarray | None = None
        if 1 < len(self.singles) <= SWAP_CANDIDATES:
            xs = self.x[self.singles]
            self.gram = xs @ xs.T

    @staticmethod
    def _units(problem: Problem, labels: np.ndarray) -> list[np.ndarray]:
        """Movable units: people joined by kept-together pairs that share a circle now move
        as one; a unit holding a pinned person does not move."""
        n = problem.n
        parent = list(range(n))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i, j in problem.together:
            if labels[i] == labels[j]:
                parent[root(int(i))] = root(int(j))
        groups: dict[int, list[int]] = {}
        for i in range(n):
            groups.setdefault(root(i), []).append(i)
        pinned = {int(p) for p in problem.pinned}
        return [np.array(g, dtype=np.int64) for g in groups.values() if not pinned.intersection(g)]

    # --- what the rules allow, one candidate at a time ---------------------------------------

    def _distance(self, size: np.ndarray) -> np.ndarray:
        """How far a circle size lies outside the size range (0 inside it)."""
        return np.maximum(np.maximum(self.low - size, size - self.high), 0)

    def _shares_slot(self, g: int) -> bool:
        return bool((self.tally[g] == self.count[g]).any())

    def _one_role(self, g: int) -> int:
        """The circle's one job role, or -1 when it mixes roles (or roles are not kept)."""
        if self.role is None:
            return -1
        present = np.flatnonzero(self.role_count[g])
        return int(present[0]) if len(present) == 1 else -1

    def _partners_in(self, person: int, circle: int, but: int = -1) -> bool:
        return any(self.labels[q] == circle and q != but for q in self.partners[person])

    def _move_allowed(self, unit: int, b: int) -> bool:
        people = self.units[unit]
        if any(self._partners_in(int(p), b) for p in people):
            return False
        if self.role is not None:
            role = self._one_role(b)
            if role >= 0 and not (self.role[people] == role).all():
                return False
        if self.av is not None and self._shares_slot(b):
            # Leaving never costs a circle its shared slot; joining may.
            avail = self.av[people].sum(axis=0)
            if not ((self.tally[b] + avail) == (self.count[b] + len(people))).any():
                return False
        return True

    def _swap_allowed(self, p: int, q: int) -> bool:
        a, b = int(self.labels[p]), int(self.labels[q])
        if self._partners_in(p, b, but=q) or self._partners_in(q, a, but=p):
            return False
        if self.role is not None:
            role_a, role_b = self._one_role(a), self._one_role(b)
            if role_b >= 0 and self.count[b] > 1 and self.role[p] != role_b:
                return False
            if role_a >= 0 and self.count[a] > 1 and self.role[q] != role_a:
                return False
        if self.av is not None:
            change = self.av[q] - self.av[p]
            if self._shares_slot(a) and not ((self.tally[a] + change) == self.count[a]).any():
                return False
            if self._shares_slot(b) and not ((self.tally[b] - change) == self.count[b]).any():
                return False
        return True

    # --- candidate steps ---------------------------------------------------------------------

    def best_step(self, *, remaining: int) -> Step | None:
        """The step with the best gain per newly moved person within the remaining budget; when
        none gains, the best step among people already moved (it costs nothing)."""
        if remaining > 0:
            paid = [c for c in (self._best_move(remaining), self._best_swap(remaining)) if c]
            if paid:
                return max(paid, key=lambda c: (c.gain / c.new_people, c.gain))
        free = [c for c in (self._best_move(0), self._best_swap(0)) if c]
        return max(free, key=lambda c: c.gain) if free else None

    def _best_move(self, remaining: int) -> Step | None:
        """`remaining` > 0: the best move costing 1..remaining people by gain per person;
        0: the best move of people all moved already (by gain)."""
        if not self.units or self.k < 2:
            return None
        cost = np.where(self.moved[self.unit_first], 0, self.unit_size)
        allowed = (cost >= 1) & (cost <= remaining) if remaining > 0 else cost == 0
        chosen = np.flatnonzero(allowed)
        best: tuple[float, float, int, int] | None = None  # score, gain, unit, circle
        rows = max(1, CHUNK // max(1, self.k))
        for lo in range(0, len(chosen), rows):
            part = chosen[lo : lo + rows]
            gain = self._move_gains(part)
            score = gain / np.maximum(cost[part], 1)[:, None] if remaining > 0 else gain
            for flat in _best_first(score):
                u, b = divmod(flat, self.k)
                if best is not None and score[u, b] <= best[0]:
                    break
                if self._move_allowed(int(part[u]), b):
                    best = (float(score[u, b]), float(gain[u, b]), int(part[u]), b)
                    break
        if best is None:
            return None
        _, gain_ub, unit, b = best
        people = tuple(int(p) for p in self.units[unit])
        a = int(self.labels[people[0]])
        return Step(
            "move", people, (a,) * len(people), (b,) * len(people), gain_ub, int(cost[unit])
        )

    def _move_gains(self, part: np.ndarray) -> np.ndarray:
        """Gain of moving each unit in `part` to each circle; -inf where sizes forbid it (a
        circle outside the size range may only come nearer it; none empties, none opens)."""
        size = self.unit_size[part]
        origin = self.labels[self.unit_first[part]]
        block = self.unit_x[part]
        across = block @ self.sums.T  # units x circles: X_u . S_g
        count = self.count.astype(np.float64)
        left = self.count[origin] - size
        grown = self.count[None, :] + size[:, None]
        ok = (left >= 1) & (self._distance(left) <= self._distance(self.count[origin]))
        ok = ok[:, None] & (self._distance(grown) <= self._distance(self.count)[None, :])
        ok &= (self.count > 0)[None, :]
        ok[np.arange(len(part)), origin] = False
        with np.errstate(divide="ignore", invalid="ignore"):
            a_after = (
                self.sq[origin] - 2 * across[np.arange(len(part)), origin] + self.unit_sq[part]
            ) / np.maximum(left, 1)
            b_after = (self.sq[None, :] + 2 * across + self.unit_sq[part][:, None]) / grown
            gain = (
                (self.sq[origin] / count[origin] - a_after)[:, None]
                + (self.sq / np.maximum(count, 1))[None, :]
                - b_after
            )
        return np.where(ok, gain, -np.inf)

    def _best_swap(self, remaining: int) -> Step | None:
        """As `_best_move`, for two people (not kept together with anyone) swapping circles."""
        if len(self.singles) < 2:
            return None
        pool = self.singles if remaining > 0 else self.singles[self.moved[self.singles]]
        if len(pool) < 2:
            return None
        chosen, gram = self._swap_pool(pool)
        origin = self.labels[chosen]
        count = self.count.astype(np.float64)[origin]
        across = self.x[chosen] @ self.sums.T  # c x k: x_i . S_g
        mine = across[np.arange(len(chosen)), origin]
        theirs = across[:, origin]  # [i, j] = x_i . S_(circle of j)
        dd = self.norms[chosen][:, None] + self.norms[chosen][None, :] - 2 * gram
        toward_a = theirs.T - mine[:, None]  # S_a . (x_j - x_i), a the circle of i
        toward_b = mine[None, :] - theirs  # S_b . (x_j - x_i), b the circle of j
        gain = (-2 * toward_a - dd) / count[:, None] + (2 * toward_b - dd) / count[None, :]
        fresh = (~self.moved[chosen]).astype(np.int64)
        cost = fresh[:, None] + fresh[None, :]
        ok = np.triu(origin[:, None] != origin[None, :], 1)
        ok &= ((cost >= 1) & (cost <= remaining)) if remaining > 0 else cost == 0
        gain = np.where(ok, gain, -np.inf)
        score = gain / np.maximum(cost, 1) if remaining > 0 else gain
        for flat in _best_first(score):
            i, j = divmod(flat, len(chosen))
            p, q = int(chosen[i]), int(chosen[j])
            if self._swap_allowed(p, q):
                a, b = int(origin[i]), int(origin[j])
                return Step("swap", (p, q), (a, b), (b, a), float(gain[i, j]), int(cost[i, j]))
        return None

    def _swap_pool(self, pool: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The people considered for swaps and their Gram matrix: everyone in `pool` when few
        enough, else those whose circle gains most by their leaving (the likeliest to swap)."""
        if len(pool) <= SWAP_CANDIDATES:
            if self.gram is not None and len(pool) == len(self.singles):
                return pool, self.gram
            xs = self.x[pool]
            return pool, xs @ xs.T
        origin = self.labels[pool]
        count = self.count[origin].astype(np.float64)
        rest = self.sums[origin] - self.x[pool]
        leaving = self.sq[origin] / count - (rest * rest).sum(axis=1) / np.maximum(count - 1, 1)
        chosen = np.sort(pool[np.argsort(leaving, kind="stable")[:SWAP_CANDIDATES]])
        xs = self.x[chosen]
        return chosen, xs @ xs.T

    # --- applying a step ---------------------------------------------------------------------

    def apply(self, step: Step) -> None:
        for person, a, b in zip(step.people, step.origin, step.target, strict=True):
            xi = self.x[person]
            self.sums[a] -= xi
            self.sums[b] += xi
            self.count[a] -= 1
            self.count[b] += 1
            if self.av is not None:
                self.tally[a] -= self.av[person]
                self.tally[b] += self.av[person]
            if self.role is not None:
                self.role_count[a, self.role[person]] -= 1
                self.role_count[b, self.role[person]] += 1
            self.labels[person] = b
            self.moved[person] = True
        for g in {*step.origin, *step.target}:
            self.sq[g] = self.sums[g] @ self.sums[g]


def _best_first(score: np.ndarray) -> Iterator[int]:
    """Flat indices of the entries above EPS, best first, found a block at a time (most
    searches stop at the first few)."""
    flat = score.ravel()
    positive = np.flatnonzero(flat > EPS)
    values = -flat[positive]
    head = np.arange(len(positive))
    if len(positive) > FIRST_LOOK:
        head = np.argpartition(values, FIRST_LOOK)[:FIRST_LOOK]
    head = head[np.argsort(values[head], kind="stable")]
    yield from (int(i) for i in positive[head])
    if len(head) < len(positive):
        rest = np.ones(len(positive), dtype=bool)
        rest[head] = False
        left = np.flatnonzero(rest)
        yield from (int(i) for i in positive[left[np.argsort(values[left], kind="stable")]])
