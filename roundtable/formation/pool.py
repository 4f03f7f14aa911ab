"""The input by people's ids: a `Pool` of people and a `Request` (sizes and constraints), their
validation (every problem named, by id) and their pairs turned into person indices.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from roundtable.formation.features import Feature

Pair = tuple[str, str]
IndexPairs = list[tuple[int, int]]


@dataclass(frozen=True)
class Pool:
    """The people to place, by id, with what describes them."""

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
    """What the coordinator asks for: sizes, constraints and how long to search."""

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


def index_pairs(
    pool: Pool, request: Request, index: Mapping[str, int]
) -> tuple[IndexPairs, IndexPairs, IndexPairs]:
    """The coordinator's kept-apart pairs, the manager-and-report pairs (when kept apart) and
    the kept-together pairs, as person indices; pairs naming someone outside `index` are left
    out."""

    def known(pairs: Sequence[Pair]) -> IndexPairs:
        return [(index[a], index[b]) for a, b in pairs if a in index and b in index]

    managers: IndexPairs = []
    if request.managers_apart:
        managers = known(
            [(person, manager) for person, manager in pool.managers.items() if person != manager]
        )
    return known(request.apart), managers, known(request.together)
