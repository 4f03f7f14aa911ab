"""What would make a failed formation possible. `explain(pool, request)` names the people in
conflict and the rules that clash for them (see `diagnosis`), and offers the relaxations the
engine found a valid grouping with, each tried with a short budget before it is offered:
smaller circles, the slot rule dropped for those people, one more weekly slot for them, their
kept-apart pairs dropped, or (when nothing narrower works) the slot rule dropped for everyone;
or, when nothing is in conflict and a second try finds circles as asked, forming them again.
`relax` applies a relaxation to a pool and request; the app stores `Relaxation.as_dict()`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from roundtable.formation.diagnosis import PINNED, SIZE, SLOT, Conflict, find_conflicts

# The sizes the engine plans for a part, with the current circles counted (`_sizes` is the
# one place that decides; a copy here could drift and make the checks unsound).
from roundtable.formation.grouping import _sizes as planned_sizes
from roundtable.formation.grouping import form_circles
from roundtable.formation.pool import Pool, Request, index_pairs, validate
from roundtable.formation.problem import FormationError, Problem, plan_sizes
from roundtable.formation.units import build_units

SMALLER, LARGER = "smaller", "larger"
SLOT_EXEMPT, SLOT_WIDEN = "slot_exempt", "slot_widen"
APART_DROP, SLOT_OFF, UNPIN, RETRY = "apart_drop", "slot_off", "unpin", "retry"
KINDS = (RETRY, SMALLER, LARGER, SLOT_EXEMPT, SLOT_WIDEN, APART_DROP, UNPIN, SLOT_OFF)
# Narrow relaxations aimed at the people named work most often; a try that fails costs the
# most (the engine searches until its time is up), so those come last.
TRY_FIRST = (SLOT_EXEMPT, APART_DROP, UNPIN, SLOT_WIDEN, SMALLER, LARGER, SLOT_OFF)
BUDGET = 3.0  # seconds for the whole explanation
PER_TRY = 0.8  # seconds the engine gets per relaxation tried (a valid grouping ends it early)
WIDEN_SLOTS = 2  # the most popular slots tried as an extra slot for the people in conflict
SAME_PEOPLE = 0.8  # a slot suiting this share of the people of one already offered is skipped
MOST_NAMED = 8  # more people than this the engine had to excuse explain nothing


@dataclass(frozen=True)
class Relaxation:
    """One way to loosen the request; `label` is what the coordinator chooses, `detail` what
    it changes. Only the fields of its kind are set."""

    kind: str
    label: str
    detail: str
    people: tuple[str, ...] = ()  # ids (slot_exempt, slot_widen, unpin)
    size: int = 0  # the new smallest (smaller) or largest (larger) circle size
    groups: int = 0  # with smaller: this many circles, so that some are that small
    slot: str = ""  # the slot label added for `people` (slot_widen)
    pairs: tuple[tuple[str, str], ...] = ()  # kept-apart pairs dropped (apart_drop)
    seconds: float = 0.0  # how long the engine took to find a valid grouping with it

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "detail": self.detail,
            "people": list(self.people),
            "size": self.size,
            "groups": self.groups,
            "slot": self.slot,
            "pairs": [list(p) for p in self.pairs],
            "seconds": round(self.seconds, 3),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Relaxation:
        """The relaxation stored by `as_dict`; FormationError when it is not one."""
        try:
            relaxation = cls(
                kind=str(data["kind"]),
                label=str(data.get("label", "")),
                detail=str(data.get("detail", "")),
                people=tuple(str(p) for p in data.get("people", ())),
                size=int(data.get("size", 0)),
                groups=int(data.get("groups", 0)),
                slot=str(data.get("slot", "")),
                pairs=tuple((str(a), str(b)) for a, b in data.get("pairs", ())),
                seconds=float(data.get("seconds", 0.0)),
            )
        except (KeyError, TypeError, ValueError):
            raise FormationError(["That relaxation is not one the engine offered."]) from None
        if relaxation.kind not in KINDS:
            raise FormationError([f"Unknown relaxation {relaxation.kind!r}."])
        return relaxation


@dataclass(frozen=True)
class NamedConflict:
    """People (ids) for whom the `rules` (diagnosis.SLOT, SIZE, APART, PINNED) cannot all hold."""

    people: tuple[str, ...]
    rules: tuple[str, ...]
    message: str
    pairs: tuple[tuple[str, str], ...] = ()  # kept-apart pairs involved

    def as_dict(self) -> dict[str, Any]:
        return {
            "people": list(self.people),
            "rules": list(self.rules),
            "message": self.message,
            "pairs": [list(p) for p in self.pairs],
        }


@dataclass(frozen=True)
class Explanation:
    """Why a formation failed and what would work; `seconds` the time it took, `tried` how many
    relaxations the engine tried."""

    conflicts: tuple[NamedConflict, ...]
    relaxations: tuple[Relaxation, ...]
    seconds: float
    tried: int

    @property
    def messages(self) -> list[str]:
        return [c.message for c in self.conflicts]


def relax(pool: Pool, request: Request, relaxation: Relaxation) -> tuple[Pool, Request]:
    """The pool and request with `relaxation` applied; FormationError naming what no longer
    fits (a slot that is gone, say)."""
    kind = relaxation.kind
    if kind == SMALLER:
        high = request.size_range[1] if request.size_range else relaxation.size
        size_range = (relaxation.size, max(high, relaxation.size))
        return pool, replace(request, size_range=size_range, groups=relaxation.groups or None)
    if kind == LARGER:
        low = request.size_range[0] if request.size_range else relaxation.size
        return pool, replace(request, size_range=(min(low, relaxation.size), relaxation.size))
    if kind == RETRY:
        return pool, request
    if kind == SLOT_OFF:
        return pool, replace(request, use_availability=False)
    if kind == UNPIN:
        freed = set(relaxation.people)
        return pool, replace(request, pinned=[p for p in request.pinned if p not in freed])
    if kind == APART_DROP:
        dropped = {frozenset(p) for p in relaxation.pairs}
        managers = {
            person: manager
            for person, manager in pool.managers.items()
            if frozenset((person, manager)) not in dropped
        }
        apart = [p for p in request.apart if frozenset(p) not in dropped]
        return replace(pool, managers=managers), replace(request, apart=apart)
    if pool.availability is None:
        return pool, request
    rows = _rows(pool, relaxation.people)
    availability = np.array(pool.availability, dtype=bool, copy=True)
    if kind == SLOT_EXEMPT:
        availability[rows] = True  # any slot suits them: the rule no longer holds for them
    else:
        if relaxation.slot not in pool.slot_labels:
            raise FormationError(
                [f"{relaxation.slot} is no longer one of the weekly slots; form circles again."]
            )
        availability[rows, list(pool.slot_labels).index(relaxation.slot)] = True
    return replace(pool, availability=availability), request


def relax_all(
    pool: Pool, request: Request, relaxations: Iterable[Relaxation]
) -> tuple[Pool, Request]:
    """Every relaxation in turn (a run relaxed twice keeps both)."""
    for relaxation in relaxations:
        pool, request = relax(pool, request, relaxation)
    return pool, request


def explain(
    pool: Pool, request: Request, *, budget: float | None = None, per_try: float | None = None
) -> Explanation:
    """The conflicts, by id, and the relaxations the engine found a valid grouping with, at
    most `budget` seconds in all (BUDGET), `per_try` each (PER_TRY), with the request's seed.
    The likeliest to work are tried first, so a short budget loses the least; they are offered
    in the order of KINDS."""
    started = time.perf_counter()
    if validate(pool, request):
        return Explanation((), (), 0.0, 0)
    deadline = started + (BUDGET if budget is None else budget)
    trier = _Trier(pool, request, PER_TRY if per_try is None else per_try, deadline)
    conflicts = conflicts_named(pool, request)
    if not conflicts:
        # The cheap checks are necessary conditions: with none failing, the engine may simply
        # have run out of time. Then the request as it is, tried once more, is the answer.
        seconds = trier.works(None)
        if seconds is not None:
            again = Relaxation(
                RETRY,
                "Form the circles again",
                "The engine found valid circles as asked on a second try; the first ran out "
                "of time.",
                seconds=seconds,
            )
            return Explanation((), (again,), time.perf_counter() - started, trier.tried)
        conflicts = _isolate_slot_conflict(pool, request, trier)
    candidates = _candidates(pool, request, conflicts)
    offered: dict[int, Relaxation] = {}
    slot_worked = False
    for position in sorted(
        range(len(candidates)), key=lambda i: TRY_FIRST.index(candidates[i].kind)
    ):
        candidate = candidates[position]
        if candidate.kind == SLOT_OFF and slot_worked:
            continue  # something narrower already works
        seconds = trier.works(candidate)
        if seconds is not None:
            offered[position] = replace(candidate, seconds=seconds)
            slot_worked = slot_worked or candidate.kind in (SLOT_EXEMPT, SLOT_WIDEN)
    return Explanation(
        tuple(conflicts),
        tuple(offered[i] for i in sorted(offered)),
        time.perf_counter() - started,
        trier.tried,
    )


def conflicts_named(pool: Pool, request: Request) -> list[NamedConflict]:
    """The cheap checks of `diagnosis`, per part of the pool (per job role with "same role
    only"), by id; contradictions and impossible sizes as they are worded elsewhere."""
    named: list[NamedConflict] = []
    for members, problem in _problems(pool, request, named):
        try:
            units = build_units(problem)
        except FormationError as exc:
            named += [NamedConflict((), (), message) for message in exc.problems]
            continue
        named += [_by_id(pool, members, c) for c in find_conflicts(problem, units)]
    return named


def is_valid(pool: Pool, request: Request) -> bool:
    """Whether the engine finds a grouping that breaks no hard constraint, with the request's
    own budget."""
    try:
        result = form_circles(pool, request)
    except FormationError:
        return False
    return not result.issues and all(
        int(check.get("violations", 0)) == 0 for check in result.constraints.values()
    )


class _Trier:
    """Runs the engine on relaxed requests, briefly, until the deadline."""

    def __init__(self, pool: Pool, request: Request, per_try: float, deadline: float):
        self.pool, self.request = pool, request
        self.per_try, self.deadline = per_try, deadline
        self.tried = 0

    def works(
        self, relaxation: Relaxation | None, extra: Sequence[Relaxation] = ()
    ) -> float | None:
        """Seconds the engine took to find a valid grouping with the relaxation, or None (not
        found, or no time left)."""
        left = self.deadline - time.perf_counter()
        if left < 0.05:
            return None
        chosen = [r for r in (relaxation, *extra) if r is not None]
        try:
            pool, request = relax_all(self.pool, self.request, chosen)
        except FormationError:
            return None
        # The first valid grouping proves the relaxation works: one round, a short budget.
        request = replace(request, time_limit=min(self.per_try, left), max_rounds=1, rounds=None)
        self.tried += 1
        began = time.perf_counter()
        valid = is_valid(pool, request)
        return time.perf_counter() - began if valid else None


def _problems(
    pool: Pool, request: Request, named: list[NamedConflict]
) -> list[tuple[list[int], Problem]]:
    """The engine's problem per part of the pool, as far as the checks need it (no features);
    a part whose sizes cannot be planned is a conflict of its own."""
    n = len(pool.ids)
    index = {person: i for i, person in enumerate(pool.ids)}
    coordinator_apart, managers, together = index_pairs(pool, request, index)
    apart = coordinator_apart + managers
    parts: dict[str, list[int]] = {"": list(range(n))}
    if request.same_role and pool.roles is not None:
        parts = {}
        for i, role in enumerate(pool.roles):
            parts.setdefault(str(role), []).append(i)
    availability = pool.availability if request.use_availability else None
    current = request.current or {}
    keys = sorted(set(current.values()))
    problems = []
    for role, members in sorted(parts.items()):
        circles_now = len({current[pool.ids[p]] for p in members if pool.ids[p] in current})
        try:
            sizes = planned_sizes(len(members), request, circles_now, role or None)
        except FormationError as exc:
            named += [NamedConflict((), (SIZE,), p) for p in exc.problems]
            continue
        local = {p: i for i, p in enumerate(members)}
        start = np.array(
            [keys.index(current[pool.ids[p]]) if pool.ids[p] in current else -1 for p in members],
            dtype=np.int64,
        )
        pinned = [local[index[p]] for p in request.pinned if p in index and index[p] in local]
        problem = Problem(
            x=np.zeros((len(members), 1)),
            sizes=sizes,
            apart=[(local[i], local[j]) for i, j in apart if i in local and j in local],
            together=[(local[i], local[j]) for i, j in together if i in local and j in local],
            availability=availability[members] if availability is not None else None,
            start=start if current else None,
            pinned=[p for p in pinned if start[p] >= 0] if current else [],
            names=[pool.name(pool.ids[p]) for p in members],
        )
        problems.append((members, problem))
    return problems


def _by_id(pool: Pool, members: Sequence[int], conflict: Conflict) -> NamedConflict:
    return NamedConflict(
        tuple(pool.ids[members[p]] for p in conflict.people),
        conflict.rules,
        conflict.message,
        tuple((pool.ids[members[a]], pool.ids[members[b]]) for a, b in conflict.pairs),
    )


def _rows(pool: Pool, people: Iterable[str]) -> list[int]:
    """Rows of the people still in the pool (someone who left needs no relaxation)."""
    index = {person: i for i, person in enumerate(pool.ids)}
    return [index[p] for p in people if p in index]


def _tightness(pool: Pool) -> list[str]:
    """People, those whose slots suit the fewest others first."""
    availability = np.asarray(pool.availability, dtype=bool)
    at_slot = availability.sum(axis=0)
    best = np.where(availability, at_slot[None, :], 0).max(axis=1, initial=0)
    order = np.lexsort((availability.sum(axis=1), best))
    return [pool.ids[int(i)] for i in order]


def _isolate_slot_conflict(pool: Pool, request: Request, trier: _Trier) -> list[NamedConflict]:
    """When no cheap check explains the failure but the slot rule is on: the fewest people
    (tightest first) whose exemption from it lets the engine succeed, by bisection then by
    leaving each out in turn. Empty when even dropping the rule does not help, or when it
    takes more than MOST_NAMED people."""
    if not request.use_availability or pool.availability is None:
        return []
    ranked = _tightness(pool)
    everyone = Relaxation(SLOT_EXEMPT, "", "", people=tuple(ranked))
    if trier.works(everyone) is None:
        return []
    low, high = 0, len(ranked)  # exempting `low` fails, `high` works
    while high - low > 1:
        middle = (low + high) // 2
        exempt = Relaxation(SLOT_EXEMPT, "", "", people=tuple(ranked[:middle]))
        if trier.works(exempt) is None:
            low = middle
        else:
            high = middle
    people = ranked[:high]
    if len(people) <= 6:
        for person in list(people):
            fewer = [p for p in people if p != person]
            exempt = Relaxation(SLOT_EXEMPT, "", "", people=tuple(fewer))
            if fewer and trier.works(exempt) is not None:
                people = fewer
    if len(people) > MOST_NAMED:
        return []  # the rule against most of the pool: no one to name
    try:
        circles_now = len(set((request.current or {}).values()))
        smallest = min(planned_sizes(len(pool.ids), request, circles_now, None))
    except FormationError:
        smallest = request.size_range[0] if request.size_range else 2
    listed = _names(pool, people)
    if len(people) == 1:
        message = (
            f"{listed} cannot join a circle of at least {smallest} that shares a weekly slot: "
            "the others who can make their slots are all needed in other circles."
        )
    else:
        message = (
            f"{listed} cannot all join circles of at least {smallest} that share a weekly "
            "slot: too few others can make the slots they can."
        )
    return [NamedConflict(tuple(people), (SLOT, SIZE), message)]


def _names(pool: Pool, people: Sequence[str]) -> str:
    listed = [pool.name(p) for p in people]
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


def _candidates(
    pool: Pool, request: Request, conflicts: Sequence[NamedConflict]
) -> list[Relaxation]:
    """The relaxations worth trying for these conflicts, narrowest first within each kind."""
    candidates: list[Relaxation] = []
    if request.size_range is not None:
        low, high = request.size_range
        candidates += _smaller(pool, request, low, high)
        if any(SIZE in c.rules and not c.people for c in conflicts) and high < 20:
            candidates.append(
                Relaxation(
                    LARGER,
                    f"Allow circles of {high + 1}",
                    f"The largest circle becomes {high + 1} people instead of {high}.",
                    size=high + 1,
                )
            )
    slot_people = _unique(p for c in conflicts if SLOT in c.rules for p in c.people)
    if request.use_availability and pool.availability is not None and slot_people:
        listed = _names(pool, slot_people)
        candidates.append(
            Relaxation(
                SLOT_EXEMPT,
                f"Drop the slot rule for {listed}",
                f"{listed} may join a circle whose weekly slot they have not marked as free; "
                "check with them before publishing.",
                people=tuple(slot_people),
            )
        )
        rows = _rows(pool, slot_people)
        availability = np.asarray(pool.availability, dtype=bool)
        for slot in _popular_slots(availability, rows):
            label = pool.slot_labels[slot] if pool.slot_labels else f"slot {slot + 1}"
            lacking = tuple(
                p for p, row in zip(slot_people, rows, strict=True) if not availability[row, slot]
            )
            candidates.append(
                Relaxation(
                    SLOT_WIDEN,
                    f"Ask {_names(pool, lacking)} to make {label} too",
                    f"Forms circles as if {_names(pool, lacking)} could also meet on {label}; "
                    "they add it to their availability.",
                    people=lacking,
                    slot=label,
                )
            )
    pairs = _apart_pairs(conflicts)
    if pairs:
        described = "; ".join(f"{pool.name(a)} and {pool.name(b)}" for a, b in pairs)
        candidates.append(
            Relaxation(
                APART_DROP,
                f"Let {described} share a circle",
                f"Stops keeping apart {described} in this proposal.",
                pairs=tuple(pairs),
            )
        )
    pinned = set(request.pinned)
    held = _unique(p for c in conflicts if PINNED in c.rules for p in c.people if p in pinned)
    if held:
        listed = _names(pool, held)
        candidates.append(
            Relaxation(
                UNPIN,
                f"Let {listed} change circle",
                f"{listed} may move from the circle they are in; you confirm every move "
                "before publishing.",
                people=tuple(held),
            )
        )
    if request.use_availability and pool.availability is not None:
        candidates.append(
            Relaxation(
                SLOT_OFF,
                "Drop the slot rule for everyone",
                "Circles are formed without a weekly slot everyone can make.",
            )
        )
    return candidates


def _smaller(pool: Pool, request: Request, low: int, high: int) -> list[Relaxation]:
    """Smaller circles, as many as it takes for some to be that small (the engine plans sizes
    as equal as possible): first one less than the plan's smallest, if that is still allowed,
    then one less than the smallest allowed. With "same role only", the smaller minimum alone
    (each role's circles are planned apart)."""
    if request.same_role:
        if low <= 2:
            return []
        return [
            Relaxation(
                SMALLER,
                f"Allow circles of {low - 1}",
                f"The smallest circle becomes {low - 1} people instead of {low}.",
                size=low - 1,
            )
        ]
    n = len(pool.ids)
    circles_now = len(set((request.current or {}).values()))
    try:
        planned: list[int] | None = planned_sizes(n, request, circles_now, None)
    except FormationError:
        planned = None
    targets = [min(planned) - 1] if planned and min(planned) - 1 >= low else []
    targets += [low - 1] if low > 2 else []
    found = []
    for target in targets:
        for groups in range(-(-n // high), n // target + 1):
            try:
                sizes = plan_sizes(n, groups=groups, size_range=(min(target, low), high))
            except FormationError:
                continue
            if min(sizes) != target:
                continue
            spread = f"{target}–{max(sizes)}" if max(sizes) > target else f"{target}"
            if target >= low and planned:
                was = f"{min(planned)}–{max(planned)}" if max(planned) > min(planned) else ""
                found.append(
                    Relaxation(
                        SMALLER,
                        f"Form {groups} circles, some of {target}",
                        f"{groups} circles of {spread} people instead of {len(planned)} of "
                        f"{was or min(planned)}; within the sizes allowed ({low}–{high}).",
                        size=low,
                        groups=groups,
                    )
                )
            else:
                found.append(
                    Relaxation(
                        SMALLER,
                        f"Allow circles of {target}",
                        f"{groups} circles of {spread} people; the smallest allowed was {low}.",
                        size=target,
                        groups=groups,
                    )
                )
            break
    return found


def _popular_slots(availability: np.ndarray, rows: Sequence[int]) -> list[int]:
    """Up to WIDEN_SLOTS slots that suit the most people and not yet all of `rows`, each
    suiting other people than those chosen before (Thursday 14:30 after Thursday 14:00 would
    offer the same thing twice)."""
    chosen: list[int] = []
    for slot in np.argsort(-availability.sum(axis=0), kind="stable"):
        if availability[rows, slot].all():
            continue
        column = availability[:, slot]
        if any((column & availability[:, c]).sum() >= SAME_PEOPLE * column.sum() for c in chosen):
            continue
        chosen.append(int(slot))
        if len(chosen) == WIDEN_SLOTS:
            break
    return chosen


def _apart_pairs(conflicts: Sequence[NamedConflict]) -> list[tuple[str, str]]:
    """The kept-apart pairs (the coordinator's, and manager and report) the conflicts involve."""
    return list(dict.fromkeys(p for c in conflicts for p in c.pairs))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
