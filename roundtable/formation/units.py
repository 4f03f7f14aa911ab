"""Units: the people the search moves as one. People linked by "together" pairs form a unit,
with their summed features, the weekly slots all of them can make, the circle they are pinned
to and their kept-apart neighbours; contradictions in the input are found here, by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from roundtable.formation.constraints import exempt_circles
from roundtable.formation.problem import FormationError, Infeasible, Problem


@dataclass
class Units:
    """The units of a problem, by unit index (see `build_units`)."""

    of_person: np.ndarray  # unit index per person
    people: list[np.ndarray]  # person indices per unit
    size: np.ndarray  # people per unit
    x: np.ndarray  # summed feature vectors per unit
    avail: np.ndarray | None  # unit x S: slots every member can make
    pinned_to: np.ndarray  # circle a unit is pinned to, or -1
    start: np.ndarray  # unit's current circle, or -1
    indptr: np.ndarray  # CSR of apart neighbours between units
    neighbours: np.ndarray
    # Per circle: its pinned members already share no slot, so it is kept as it is.
    exempt: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def count(self) -> int:
        return len(self.people)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def build_units(problem: Problem) -> Units:
    """The units of `problem`, or `FormationError`/`Infeasible` naming every contradiction."""
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
    exempt = exempt_circles(
        None if problem.availability is None else np.asarray(problem.availability, dtype=bool),
        pinned_to[of_person],
        len(problem.sizes),
    )
    return Units(
        of_person,
        people,
        size,
        x,
        avail,
        pinned_to,
        start,
        np.asarray(indptr),
        np.ascontiguousarray(both_ways[:, 1]),
        exempt,
    )
