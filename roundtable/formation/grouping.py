"""Circle formation by people's ids, the entry point the command line and the app share.

`form_circles(pool, request)` validates the input (every problem named, by id), splits the pool
by job role when asked ("same role only"), turns manager links into kept-apart pairs, runs the
search per part and returns a `Result`: the circles with their objective, per-feature balance, a
check of every hard constraint (each with its violation count, 0 by construction), the shared
weekly slot per circle and a "why this mix" line. `assess` checks a given grouping the same way.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from roundtable.formation.features import embed
from roundtable.formation.pool import Pool, Request, index_pairs, validate
from roundtable.formation.problem import FormationError, Infeasible, Problem, plan_sizes
from roundtable.formation.proposal import Result, propose
from roundtable.formation.search import form


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
    pairs = index_pairs(pool, request, index)
    coordinator_apart, managers, together = pairs
    apart = coordinator_apart + managers
    together_set = {frozenset(p) for p in together}
    clashes = [p for p in managers if frozenset(p) in together_set]
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
    # Current keys may look like new ones (an app passes a proposal's "new-2" for people pinned
    # there): a new circle's key must differ from all of them, or two circles would share one.
    taken: set[str] = set((request.current or {}).values())
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
            # A current circle continues in one part only (one that mixes roles is split).
            fresh = iter(_fresh_keys(len(sizes), taken=taken))
            continuing = [key if key not in keys else next(fresh) for key in ranked[: len(sizes)]]
            part_keys = [*continuing, *fresh][: len(sizes)]
        else:
            part_keys = _fresh_keys(len(sizes), taken=taken)
        taken.update(part_keys)
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

    return propose(pool, request, x, labels, keys, shared_slots, pairs, started)


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
    shared: list[int] = []
    if request.use_availability and pool.availability is not None:
        for g in range(len(keys)):
            common = pool.availability[labels == g].all(axis=0)
            shared.append(int(np.argmax(common)) if common.any() else -1)
    return propose(
        pool,
        request,
        x,
        labels,
        list(keys),
        shared,
        index_pairs(pool, request, index),
        started,
        circle_names or {},
    )


def _fresh_keys(count: int, *, taken: set[str]) -> list[str]:
    """`count` keys "new-1", "new-2", ... that are not `taken`."""
    fresh: list[str] = []
    number = 0
    while len(fresh) < count:
        number += 1
        if f"new-{number}" not in taken:
            fresh.append(f"new-{number}")
    return fresh


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
