"""A proposal: the circles of a grouping by id (`ProposedCircle`), with its objective, balance,
the check of every hard constraint (counts, and each broken one as a sentence) and the people
it moves; `propose` builds it from circle labels, for a formed and a hand-edited grouping alike.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from roundtable.formation.constraints import Breach, breaches, count, exempt_circles, members_of
from roundtable.formation.pool import IndexPairs, Pool, Request
from roundtable.formation.problem import objective
from roundtable.formation.report import FeatureBalance, MixDescriber, balance


@dataclass(frozen=True)
class ProposedCircle:
    """One circle of a proposal (named apart from the app's Circle model)."""

    key: str  # the current circle's key it continues, or "new-1", "new-2", ...
    members: tuple[str, ...]
    why: str
    slot: str | None  # a weekly slot every member can make, when availability is used


@dataclass(frozen=True)
class Result:
    """A proposal: its circles and how good and how valid the grouping is."""

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


def propose(
    pool: Pool,
    request: Request,
    x: np.ndarray,
    labels: np.ndarray,
    keys: Sequence[str],
    shared_slots: Sequence[int],
    pairs: tuple[IndexPairs, IndexPairs, IndexPairs],
    started: float,
    circle_names: Mapping[str, str] | None = None,
) -> Result:
    """The proposal for `labels` (circle index per person; `keys` name the circles): every
    hard constraint checked once, through `constraints.breaches`."""
    k = len(keys)
    apart, managers, together = pairs
    members = members_of(labels, k)
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
    availability = pool.availability if request.use_availability else None
    start, pinned = _start(pool, request, keys)
    fixed = np.full(len(pool.ids), -1, dtype=np.int64)
    if availability is not None and request.current:
        held = [p for p in pinned if labels[p] == start[p]]
        fixed[held] = start[held]
    exempt = exempt_circles(availability, fixed, k)
    found = breaches(
        labels,
        k,
        size_range=request.size_range,
        apart=apart,
        managers=managers,
        together=together,
        roles=pool.roles if request.same_role else None,
        availability=availability,
        exempt=exempt,
        start=start if request.current else None,
        pinned=pinned,
    )
    tally = count(found)
    constraints: dict[str, dict[str, int | bool]] = {
        "sizes": {"checked": True, "circles": k, "violations": tally["sizes"]},
        "apart": {"checked": True, "pairs": len(request.apart), "violations": tally["apart"]},
        "managers_apart": {
            "checked": request.managers_apart,
            "pairs": len(managers),
            "violations": tally["managers_apart"],
        },
        "together": {"checked": True, "pairs": len(together), "violations": tally["together"]},
        "same_role": {"checked": request.same_role, "violations": tally["same_role"]},
        "availability": {"checked": False, "violations": 0},
        "pinned": {
            "checked": bool(request.pinned),
            "people": len(request.pinned),
            "violations": tally["pinned"],
        },
    }
    if availability is not None:
        constraints["availability"] = {
            "checked": True,
            "violations": tally["availability"],
            "kept_without_slot": int(exempt.sum()),
        }
    moved: tuple[str, ...] = ()
    if request.current:
        assignment = {pool.ids[i]: keys[labels[i]] for i in range(len(labels))}
        moved = tuple(
            p for p, key in request.current.items() if p in assignment and assignment[p] != key
        )
    names = [(circle_names or {}).get(key, key) for key in keys]
    return Result(
        issues=tuple(
            _sentence(pool, request, b, names, members) for b in found if b.kind != "pinned"
        ),
        circles=circles,
        objective=objective(x, labels),
        balance=tuple(balance(pool.features, labels)),
        constraints=constraints,
        seconds=time.perf_counter() - started,
        moved=moved,
    )


def _start(pool: Pool, request: Request, keys: Sequence[str]) -> tuple[np.ndarray, list[int]]:
    """Per person the index of their current circle among `keys` (-1: none, or a circle that
    does not go on), and the pinned people who are in a current circle."""
    position = {key: g for g, key in enumerate(keys)}
    current = request.current or {}
    start = np.array([position.get(current.get(p, ""), -1) for p in pool.ids], dtype=np.int64)
    index = {person: i for i, person in enumerate(pool.ids)}
    pinned = [index[p] for p in request.pinned if p in index and p in current]
    return start, pinned


def _sentence(
    pool: Pool,
    request: Request,
    breach: Breach,
    names: Sequence[str],
    members: Sequence[np.ndarray],
) -> str:
    """A broken hard constraint as a coordinator reads it (the engine breaks none; hand edits
    may)."""
    a, b = ([pool.name(pool.ids[i]) for i in breach.people] + ["", ""])[:2]
    circle = circle_label(names[breach.circle]) if breach.circle >= 0 else ""
    if breach.kind == "sizes" and request.size_range is not None:
        low, high = request.size_range
        return size_sentence(circle, len(members[breach.circle]), low, high)
    sentences = {
        "apart": f"{a} and {b} are in one circle (kept apart).",
        "managers_apart": f"{a} and {b} are in one circle (manager and report).",
        "together": f"{a} and {b} are in different circles (kept together).",
        "same_role": f"{circle} mixes job roles.",
        "availability": f"{circle} has no weekly slot everyone can make.",
    }
    return sentences[breach.kind]


def circle_label(name: str) -> str:
    """A circle as a sentence names it: "Circle Blue", and "Circle 1" (not "Circle Circle 1")."""
    return name if name.lower().startswith("circle") else f"Circle {name}"


def size_sentence(circle: str, people: int, low: int, high: int) -> str:
    """A circle whose size is out of range, in the words every check uses."""
    return f"{circle} has {people} people, outside {low}-{high}."
