"""Why the hard constraints cannot all be met, in sentences a coordinator can act on: each
`Conflict` names the people and the smallest set of rules that cannot all hold for them.

The checks are necessary conditions that are cheap to test (no search): someone whose every
weekly slot suits fewer people than the smallest circle, the same once their kept-apart people
are left out, and people pinned to a circle that too few others could join. `relaxations` tries
the engine on loosened requests when none of these explains a failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from roundtable.formation.problem import Problem
from roundtable.formation.units import Units, build_units

# The rules a conflict can involve, as the coordinator's settings name them.
SLOT, SIZE, APART, PINNED = "slot", "size", "apart", "pinned"
MAX_UNITS = 20_000  # above this, the per-unit checks would cost more than a failure is worth


@dataclass(frozen=True)
class Conflict:
    """People (person indices) for whom `rules` cannot all hold, and why, in a sentence;
    `pairs` are the kept-apart pairs involved (with people the sentence names too)."""

    people: tuple[int, ...]
    rules: tuple[str, ...]
    message: str
    pairs: tuple[tuple[int, int], ...] = ()


def diagnose(problem: Problem, units: Units | None = None) -> list[str]:
    """Why the hard constraints cannot all be met, as plainly as the data allows."""
    units = units or build_units(problem)
    found = find_conflicts(problem, units)
    if found:
        return [c.message for c in found]
    smallest = min(problem.sizes)
    if units.avail is not None and (units.avail.T.astype(np.int64) @ units.size).max(
        initial=0
    ) < min(smallest, problem.n):
        return [
            f"No weekly slot suits {smallest} people at once; circles need at least {smallest}."
        ]
    parts = ["kept-apart pairs"] if len(units.neighbours) else []
    if units.avail is not None:
        parts.append("shared weekly slots")
    if (units.pinned_to >= 0).any():
        parts.append("pinned people")
    if (units.size > 1).any():
        parts.append("kept-together groups")
    return [
        "No grouping was found that meets all the "
        + (" and ".join(parts) if parts else "constraints")
        + " at once within the time budget; loosen one of them or allow other circle sizes."
    ]


def find_conflicts(problem: Problem, units: Units) -> list[Conflict]:
    """Every conflict the cheap checks find: people short of slot-mates (grouped when they share
    a slot), people short of slot-mates once kept apart from some, and pinned circles too few
    could join."""
    if units.count > MAX_UNITS or not problem.sizes:
        return []
    smallest = min(problem.sizes)
    found = _short_of_slot_mates(problem, units, smallest)
    short = {p for c in found for p in c.people}
    found += [c for c in _short_once_apart(problem, units, smallest) if not short & set(c.people)]
    found += _pinned_circles(problem, units, smallest)
    return found


def _need(problem: Problem, smallest: int) -> str:
    """ "circles need at least 5 (17 people in 3 circles)": the planned sizes, which are as
    equal as possible, not the range the coordinator allowed."""
    return f"circles need at least {smallest} ({problem.n} people in {len(problem.sizes)} circles)"


def names(problem: Problem, people: Sequence[int]) -> str:
    """ "A", "A and B", "A, B and C"."""
    listed = [problem.name(p) for p in people]
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


def _people(units: Units, chosen: Sequence[int]) -> tuple[int, ...]:
    return tuple(sorted(int(p) for u in chosen for p in units.people[u]))


def _short_of_slot_mates(problem: Problem, units: Units, smallest: int) -> list[Conflict]:
    """Units none of whose weekly slots suits `smallest` people, grouped by the slots they
    share: "A and B share no weekly slot with any 3 others"."""
    if units.avail is None:
        return []
    avail = units.avail
    at_slot = avail.T.astype(np.int64) @ units.size  # people who can make each slot
    best = np.where(avail, at_slot[None, :], 0).max(axis=1, initial=0)
    short = [u for u in np.flatnonzero(best < smallest) if avail[u].any()]
    groups: list[list[int]] = []
    for u in short:  # those sharing a slot are one group
        joined = [g for g in groups if (avail[g].any(axis=0) & avail[u]).any()]
        for g in joined:
            groups.remove(g)
        groups.append([v for g in joined for v in g] + [int(u)])
    conflicts = []
    for group in groups:
        people = _people(units, group)
        most = int(best[group].max()) - 1  # others one of them can meet at one slot, at most
        if len(people) == 1:
            message = (
                f"{problem.name(people[0])} shares a weekly slot with only {most} other "
                f"{'person' if most == 1 else 'people'} at most, and "
                f"{_need(problem, smallest)}."
            )
        else:
            message = (
                f"{names(problem, people)} share no weekly slot with any {smallest - 1} others: "
                f"no slot any of them can make suits more than {most + 1} people, and "
                f"{_need(problem, smallest)}."
            )
        conflicts.append(Conflict(people, (SLOT, SIZE), message))
    return conflicts


def _short_once_apart(problem: Problem, units: Units, smallest: int) -> list[Conflict]:
    """Units who could meet enough people, but not once their kept-apart people are left out
    (at their slots, when slots are used)."""
    conflicts = []
    total = int(units.size.sum())
    at_slot = None
    if units.avail is not None:
        at_slot = units.avail.T.astype(np.int64) @ units.size
    for u in range(units.count):
        apart = units.neighbours[units.indptr[u] : units.indptr[u + 1]]
        if not len(apart):
            continue
        if units.avail is None or at_slot is None:
            left = total - int(units.size[apart].sum())
            if left >= smallest:
                continue
            involved = apart
        else:
            slots = units.avail[u]
            blocked = (units.avail[apart] * units.size[apart, None]).sum(axis=0)
            left = int((at_slot - blocked)[slots].max(initial=0))
            if left >= smallest or int(at_slot[slots].max(initial=0)) < smallest:
                continue
            involved = apart[(units.avail[apart] & slots).any(axis=1)]
        person = _people(units, [u])
        others = _people(units, list(involved))
        pairs = tuple(
            (int(i), int(j))
            for i, j in problem.apart
            if (i in person and j in others) or (j in person and i in others)
        )
        where = " at a weekly slot they can make" if units.avail is not None else ""
        message = (
            f"{names(problem, person)} can meet only {left - len(person)} other "
            f"{'person' if left - len(person) == 1 else 'people'}{where} once kept apart from "
            f"{names(problem, others)}, and {_need(problem, smallest)}."
        )
        rules = (SLOT, SIZE, APART) if units.avail is not None else (SIZE, APART)
        conflicts.append(Conflict(person, rules, message, pairs))
    return conflicts


def _pinned_circles(problem: Problem, units: Units, smallest: int) -> list[Conflict]:
    """Circles whose pinned people are more than a circle holds, or whom too few of the others
    could join (sharing one of their slots, kept apart from none of them)."""
    conflicts = []
    biggest = max(problem.sizes)
    free = units.pinned_to < 0
    for g in np.unique(units.pinned_to[units.pinned_to >= 0]):
        held = np.flatnonzero(units.pinned_to == g)
        people = _people(units, list(held))
        count = int(units.size[held].sum())
        if count > biggest:
            conflicts.append(
                Conflict(
                    people,
                    (PINNED, SIZE),
                    f"{names(problem, people)} are pinned to one circle, {count} people, and "
                    f"circles hold at most {biggest}.",
                )
            )
            continue
        held_set = {int(u) for u in held}
        clashing = [
            (i, j)
            for i, j in problem.apart
            if units.of_person[i] in held_set and units.of_person[j] in held_set
        ]
        if clashing:
            conflicts += [
                Conflict(
                    (int(i), int(j)),
                    (PINNED, APART),
                    f"{problem.name(i)} and {problem.name(j)} stay in one circle (pinned, or "
                    "in it now), but they are kept apart.",
                    ((int(i), int(j)),),
                )
                for i, j in clashing
            ]
            continue
        joinable = free.copy()
        for u in held:
            joinable[units.neighbours[units.indptr[u] : units.indptr[u + 1]]] = False
        rules: tuple[str, ...] = (PINNED, SIZE)
        if units.avail is not None and g < len(units.exempt) and not units.exempt[g]:
            common = units.avail[held].all(axis=0)
            fits = np.where(units.avail[joinable][:, common], units.size[joinable, None], 0)
            could_join = int(fits.sum(axis=0).max(initial=0))
            rules = (PINNED, SLOT, SIZE)
        else:
            could_join = int(units.size[joinable].sum())
        if count + could_join >= smallest:
            continue
        conflicts.append(
            Conflict(
                people,
                rules,
                f"{names(problem, people)} {'is' if len(people) == 1 else 'are'} pinned to a "
                f"circle that only {could_join} other "
                f"{'person' if could_join == 1 else 'people'} could join"
                + (" at a weekly slot they share" if SLOT in rules else "")
                + f", and {_need(problem, smallest)}.",
            )
        )
    return conflicts
