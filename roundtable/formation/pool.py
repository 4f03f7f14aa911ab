"""Circle formation by people's ids: the entry point the command line and the app share.

`form_circles(pool, request)` validates the input (every problem named, by id), splits the pool
by job role when asked ("same role only"), turns manager links into kept-apart pairs, runs the
engine per part and returns the circles with their objective, per-feature balance, a check of
every hard constraint (each with its violation count, 0 by construction), the shared weekly slot
per circle and a "why this mix" line.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from roundtable.formation.engine import FormationError, Infeasible, Problem, form, plan_sizes
from roundtable.formation.features import Feature, embed
from roundtable.formation.report import FeatureBalance, MixDescriber, balance

Pair = tuple[str, str]


@dataclass(frozen=True)
class Pool:
    ids: Sequence[str]
    features: Sequence[Feature]
    managers: Mapping[str, str] = field(default_factory=dict)  # person id -> manager id
    roles: Sequence[str] | None = None  # one per person, for "same role only"
    availability: np.ndarray | None = None  # n x S booleans (see timeslots.common.slot_grid)
    slot_labels: Sequence[str] = ()  # S labels, e.g. "Tuesday 10:00"
    names: Mapping[str, str] = field(default_factory=dict)  # id -> name, for messages

    def name(self, person: str) -> str:
        return self.names.get(person, person)


@dataclass(frozen=True)
class Request:
    groups: int | None = None
    size_range: tuple[int, int] | None = None
    apart: Sequence[Pair] = ()
    together: Sequence[Pair] = ()
    managers_apart: bool = True
    same_role: bool = False
    use_availability: bool = True
    current: Mapping[str, str] | None = None  # person id -> current circle key
    pinned: Sequence[str] = ()  # ids who must stay in their current circle
    stickiness: float = 0.25  # with `current`: cost of moving someone, x the average spread
    seed: int = 0
    time_limit: float = 2.0
    max_rounds: int = 1000
    # Exactly this many search rounds per part, whatever the time limit (deterministic for a
    # seed): what tests and reproducible runs use.
    rounds: int | None = None


@dataclass(frozen=True)
class ProposedCircle:
    """One circle of a proposal (named apart from the app's Circle model)."""

    key: str  # the current circle's key it continues, or "new-1", "new-2", ...
    members: tuple[str, ...]
    why: str
    slot: str | None  # a weekly slot every member can make, when availability is used


@dataclass(frozen=True)
class Result:
    circles: tuple[ProposedCircle, ...]
    objective: float
    balance: tuple[FeatureBalance, ...]
    constraints: dict[str, dict[str, int | bool]]
    seconds: float
    moved: tuple[str, ...]  # people whose circle changed (re-balancing)
    issues: tuple[str, ...] = ()  # each broken constraint, in a sentence (after manual moves)

    def assignment(self) -> dict[str, str]:
        return {person: c.key for c in self.circles for person in c.members}

    def summary(self) -> dict[str, object]:
        return {
            "objective": round(self.objective, 6),
            "circles": len(self.circles),
            "balance": {b.name: b.as_dict() for b in self.balance},
            "constraints": self.constraints,
            "moved": len(self.moved),
            "seconds": round(self.seconds, 3),
        }


def validate(pool: Pool, request: Request) -> list[str]:
    """Every problem with the input, by id; empty when the input is usable."""
    problems: list[str] = []
    counts = Counter(pool.ids)
    duplicates = sorted(i for i, c in counts.items() if c > 1)
    if duplicates:
        problems.append(f"Duplicate ids: {', '.join(duplicates[:10])}.")
    known = set(pool.ids)
    for label, pairs in (("apart", request.apart), ("together", request.together)):
        for a, b in pairs:
            unknown = [p for p in (a, b) if p not in known]
            if unknown:
                problems.append(
                    f"The {label} pair {a}–{b} names unknown ids: {', '.join(unknown)}."
                )
    contradictions = {frozenset(p) for p in request.apart} & {
        frozenset(p) for p in request.together
    }
    for pair in sorted(contradictions, key=sorted):
        a, b = sorted(pair)
        problems.append(f"{pool.name(a)} and {pool.name(b)} are both kept together and kept apart.")
    for person in request.pinned:
        if person not in known:
            problems.append(f"Pinned id {person} is not in the pool.")
        elif not request.current or person not in request.current:
            problems.append(f"{person} is pinned but is not in a circle yet.")
    if pool.roles is not None and len(pool.roles) != len(pool.ids):
        problems.append("Every person needs a role for 'same role only'.")
    if request.same_role and pool.roles is None:
        problems.append("'Same role only' needs a role for each person.")
    if pool.availability is not None and pool.availability.shape[0] != len(pool.ids):
        problems.append("The availability does not cover every person.")
    if request.groups is None and request.size_range is None:
        problems.append("Give a number of circles or a size range.")
    return problems


def form_circles(
    pool: Pool, request: Request, progress: Callable[[float], None] | None = None
) -> Result:
    """The circles, or `FormationError` / `Infeasible` with every reason, by id."""
    started = time.perf_counter()
    problems = validate(pool, request)
    if problems:
        raise FormationError(problems)
    n = len(pool.ids)
    index = {person: i for i, person in enumerate(pool.ids)}
    x = embed(pool.features, n)
    apart = [(index[a], index[b]) for a, b in request.apart]
    manager_pairs = 0
    if request.managers_apart:
        for person, manager in pool.managers.items():
            if person in index and manager in index and person != manager:
                apart.append((index[person], index[manager]))
                manager_pairs += 1
    together = [(index[a], index[b]) for a, b in request.together]
    together_set = {frozenset(p) for p in together}
    clashes = [p for p in apart if frozenset(p) in together_set]
    if clashes:
        raise Infeasible(
            [
                f"{pool.name(pool.ids[i])} and {pool.name(pool.ids[j])} must be kept together, "
                "but one manages the "
                "other (manager and report are kept apart)."
                for i, j in clashes
            ]
        )
    availability = pool.availability if request.use_availability else None

    parts = _parts(pool, request, n)
    for role, members in parts:
        if role is not None:
            outside = [
                (pool.ids[i], pool.ids[j]) for i, j in together if (i in members) != (j in members)
            ]
            if outside:
                a, b = (pool.name(p) for p in outside[0])
                raise Infeasible(
                    [
                        f"{a} and {b} must be kept together but have different roles "
                        "('same role only' is on)."
                    ]
                )

    labels = np.full(n, -1, dtype=np.int64)
    keys: list[str] = []
    shared_slots: list[int] = []
    done_share = 0.0
    for role, members in parts:
        member_set = set(members)
        local = {p: i for i, p in enumerate(members)}
        current_keys: list[str] = []
        start = None
        if request.current:
            current_keys = sorted(
                {request.current[pool.ids[p]] for p in members if pool.ids[p] in request.current}
            )
        try:
            sizes = _sizes(len(members), request, len(current_keys), role)
        except FormationError as exc:
            raise FormationError(exc.problems) from None
        if request.current:
            start = np.full(len(members), -1, dtype=np.int64)
            # Bigger planned sizes go to the circles that are bigger now: fewer moves.
            current_size = Counter(
                request.current[pool.ids[p]] for p in members if pool.ids[p] in request.current
            )
            ranked = sorted(current_keys, key=lambda key: (-current_size[key], key))
            position = {key: i for i, key in enumerate(ranked)}
            for p in members:
                key = request.current.get(pool.ids[p])
                if key is not None and position[key] < len(sizes):
                    start[local[p]] = position[key]
            part_keys = ranked[: len(sizes)] + [
                f"new-{len(keys) + i + 1}" for i in range(len(sizes) - len(ranked))
            ]
        else:
            part_keys = [f"new-{len(keys) + i + 1}" for i in range(len(sizes))]
        move_cost = 0.0
        if start is not None and request.stickiness > 0:
            xs = x[members]
            spread = float(((xs - xs.mean(axis=0)) ** 2).sum()) / max(len(members), 1)
            move_cost = request.stickiness * spread
        problem = Problem(
            x=x[members],
            sizes=sizes,
            apart=[(local[i], local[j]) for i, j in apart if i in member_set and j in member_set],
            together=[(local[i], local[j]) for i, j in together if i in member_set],
            availability=availability[members] if availability is not None else None,
            start=start,
            pinned=[local[index[p]] for p in request.pinned if index[p] in member_set],
            names=[pool.name(pool.ids[p]) for p in members],
            move_cost=move_cost,
        )
        share = len(members) / n
        report = None
        if progress is not None:

            def report(f: float, base: float = done_share, s: float = share) -> None:
                progress(min(1.0, base + f * s))

        done_share += share
        result = form(
            problem,
            seed=request.seed,
            time_limit=max(0.05, request.time_limit * share),
            max_restarts=request.max_rounds,
            rounds=request.rounds,
            progress=report,
        )
        offset = len(keys)
        labels[members] = result.labels + offset
        keys.extend(part_keys)
        shared_slots.extend(result.slots or [-1] * len(sizes))

    return _result(
        pool, request, x, labels, keys, shared_slots, apart, together, manager_pairs, started
    )


def assess(
    pool: Pool,
    request: Request,
    assignment: Mapping[str, str],
    keys: Sequence[str],
    circle_names: Mapping[str, str] | None = None,
) -> Result:
    """Objective, balance, constraints and issues of a given grouping (say, after a
    coordinator moved someone by hand): nothing is optimised, everything is checked."""
    started = time.perf_counter()
    missing = [p for p in pool.ids if assignment.get(p) not in keys]
    if missing:
        raise FormationError([f"{', '.join(missing[:5])} not placed in a circle."])
    n = len(pool.ids)
    index = {person: i for i, person in enumerate(pool.ids)}
    position = {key: g for g, key in enumerate(keys)}
    labels = np.array([position[assignment[p]] for p in pool.ids], dtype=np.int64)
    x = embed(pool.features, n)
    apart = [(index[a], index[b]) for a, b in request.apart if a in index and b in index]
    manager_pairs = 0
    if request.managers_apart:
        for person, manager in pool.managers.items():
            if person in index and manager in index and person != manager:
                apart.append((index[person], index[manager]))
                manager_pairs += 1
    together = [(index[a], index[b]) for a, b in request.together if a in index and b in index]
    shared: list[int] = []
    if request.use_availability and pool.availability is not None:
        for g in range(len(keys)):
            common = pool.availability[labels == g].all(axis=0)
            shared.append(int(np.argmax(common)) if common.any() else -1)
    return _result(
        pool,
        request,
        x,
        labels,
        list(keys),
        shared,
        apart,
        together,
        manager_pairs,
        started,
        circle_names or {},
    )


def _parts(pool: Pool, request: Request, n: int) -> list[tuple[str | None, list[int]]]:
    if not request.same_role or pool.roles is None:
        return [(None, list(range(n)))]
    by_role: dict[str, list[int]] = {}
    for i, role in enumerate(pool.roles):
        by_role.setdefault(str(role), []).append(i)
    return sorted(by_role.items())


def _sizes(n: int, request: Request, current: int, role: str | None) -> list[int]:
    where = f"Role {role!r} has {n} people: " if role is not None else ""
    try:
        if request.groups is not None and role is None:
            return plan_sizes(n, groups=request.groups, size_range=request.size_range)
        size_range = request.size_range or (1, n)
        if current:
            low, high = size_range
            fewest, most = -(-n // high), n // low
            if fewest <= current <= most:
                return plan_sizes(n, groups=current, size_range=size_range)
        return plan_sizes(n, size_range=size_range)
    except FormationError as exc:
        raise FormationError([where + p for p in exc.problems]) from None


def _result(
    pool: Pool,
    request: Request,
    x: np.ndarray,
    labels: np.ndarray,
    keys: list[str],
    shared_slots: list[int],
    apart: list[tuple[int, int]],
    together: list[tuple[int, int]],
    manager_pairs: int,
    started: float,
    circle_names: Mapping[str, str] | None = None,
) -> Result:
    k = len(keys)
    members = [np.flatnonzero(labels == g) for g in range(k)] if k < 2000 else _group(labels, k)
    describe = MixDescriber(pool.features)
    circles = tuple(
        ProposedCircle(
            key=keys[g],
            members=tuple(pool.ids[int(i)] for i in members[g]),
            why=describe(members[g].tolist()),
            slot=(
                pool.slot_labels[shared_slots[g]]
                if shared_slots and shared_slots[g] >= 0 and pool.slot_labels
                else None
            ),
        )
        for g in range(k)
    )
    sizes = np.bincount(labels, minlength=k)
    low, high = request.size_range or (int(sizes.min()), int(sizes.max()))
    coordinator_apart = len(request.apart)
    constraints: dict[str, dict[str, int | bool]] = {
        "sizes": {
            "checked": True,
            "circles": k,
            "violations": int(((sizes < low) | (sizes > high)).sum()),
        },
        "apart": {
            "checked": True,
            "pairs": coordinator_apart,
            "violations": sum(1 for i, j in apart[:coordinator_apart] if labels[i] == labels[j]),
        },
        "managers_apart": {
            "checked": request.managers_apart,
            "pairs": manager_pairs,
            "violations": sum(1 for i, j in apart[coordinator_apart:] if labels[i] == labels[j]),
        },
        "together": {
            "checked": True,
            "pairs": len(together),
            "violations": sum(1 for i, j in together if labels[i] != labels[j]),
        },
        "same_role": {
            "checked": request.same_role,
            "violations": (
                sum(1 for m in members if len({pool.roles[int(i)] for i in m}) > 1)
                if request.same_role and pool.roles is not None
                else 0
            ),
        },
        "availability": {"checked": False, "violations": 0},
        "pinned": {"checked": bool(request.pinned), "people": len(request.pinned), "violations": 0},
    }
    exempt = _exempt(pool, request, members, keys)
    if request.use_availability and pool.availability is not None:
        no_slot = sum(
            1
            for g, m in enumerate(members)
            if len(m) and g not in exempt and not pool.availability[m].all(axis=0).any()
        )
        constraints["availability"] = {
            "checked": True,
            "violations": no_slot,
            "kept_without_slot": len(exempt),
        }
    moved: tuple[str, ...] = ()
    if request.current:
        assignment = {pool.ids[i]: keys[labels[i]] for i in range(len(labels))}
        moved = tuple(
            p for p, key in request.current.items() if p in assignment and assignment[p] != key
        )
        constraints["pinned"]["violations"] = sum(1 for p in request.pinned if p in moved)
    names = [(circle_names or {}).get(key, key) for key in keys]
    issues = _issues(pool, request, labels, names, members, apart, together, exempt)
    return Result(
        issues=tuple(issues),
        circles=circles,
        objective=float(sum(((x[m] - x[m].mean(axis=0)) ** 2).sum() for m in members if len(m))),
        balance=tuple(balance(pool.features, labels)),
        constraints=constraints,
        seconds=time.perf_counter() - started,
        moved=moved,
    )


def _exempt(pool: Pool, request: Request, members: list[np.ndarray], keys: list[str]) -> set[int]:
    """Circles whose pinned current members already share no weekly slot: the engine keeps
    them as they are rather than call the whole request impossible."""
    if not (request.use_availability and pool.availability is not None and request.current):
        return set()
    pinned = set(request.pinned)
    exempt = set()
    for g, m in enumerate(members):
        fixed = [
            int(i)
            for i in m
            if pool.ids[int(i)] in pinned and request.current.get(pool.ids[int(i)]) == keys[g]
        ]
        if fixed and not pool.availability[fixed].all(axis=0).any():
            exempt.add(g)
    return exempt


def _issues(
    pool: Pool,
    request: Request,
    labels: np.ndarray,
    keys: list[str],
    members: list[np.ndarray],
    apart: list[tuple[int, int]],
    together: list[tuple[int, int]],
    exempt: set[int],
) -> list[str]:
    """Each broken hard constraint as a sentence (the engine breaks none; hand edits may)."""
    ids = [pool.name(p) for p in pool.ids]
    issues = []
    if request.size_range:
        low, high = request.size_range
        for g, m in enumerate(members):
            if not low <= len(m) <= high:
                issues.append(f"Circle {keys[g]} has {len(m)} people, outside {low}-{high}.")
    coordinator_apart = len(request.apart)
    for number, (i, j) in enumerate(apart):
        if labels[i] == labels[j]:
            why = "kept apart" if number < coordinator_apart else "manager and report"
            issues.append(f"{ids[i]} and {ids[j]} are in one circle ({why}).")
    for i, j in together:
        if labels[i] != labels[j]:
            issues.append(f"{ids[i]} and {ids[j]} are in different circles (kept together).")
    if request.same_role and pool.roles is not None:
        for g, m in enumerate(members):
            if len({pool.roles[int(i)] for i in m}) > 1:
                issues.append(f"Circle {keys[g]} mixes job roles.")
    if request.use_availability and pool.availability is not None:
        for g, m in enumerate(members):
            if len(m) and g not in exempt and not pool.availability[m].all(axis=0).any():
                issues.append(f"Circle {keys[g]} has no weekly slot everyone can make.")
    return issues


def _group(labels: np.ndarray, k: int) -> list[np.ndarray]:
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(k)]


# Former names, kept while the app's importers move to the package root.
Circle = ProposedCircle
evaluate = assess
