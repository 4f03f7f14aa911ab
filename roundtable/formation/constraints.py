"""The hard constraints checked on a finished grouping, in one place: the engine's `violations`,
a proposal's constraint report and the issues of a hand-edited grouping all read `breaches`.

People and circles are indices (person 0..n-1, circle 0..k-1). The search keeps the same rules
incrementally while it swaps (see `state`); this module checks a grouping from scratch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

KINDS = ("sizes", "apart", "managers_apart", "together", "same_role", "availability", "pinned")

Pairs = Sequence[tuple[int, int]]


@dataclass(frozen=True)
class Breach:
    """One broken hard constraint: its kind (one of KINDS), the people involved (a pair, or the
    pinned person) and the circle involved (-1 when none is)."""

    kind: str
    people: tuple[int, ...] = ()
    circle: int = -1


def members_of(labels: np.ndarray, k: int) -> list[np.ndarray]:
    """Person indices per circle 0..k-1 (one sort, not k scans, when there are many circles)."""
    labels = np.asarray(labels)
    if k < 2000:
        return [np.flatnonzero(labels == g) for g in range(k)]
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(k)]


def exempt_circles(availability: np.ndarray | None, fixed: np.ndarray, k: int) -> np.ndarray:
    """Per circle: the people held in it (`fixed`: the circle each person may not leave, or -1)
    already share no weekly slot, so the circle is kept as it is rather than the request called
    impossible."""
    exempt = np.zeros(k, dtype=bool)
    if availability is None:
        return exempt
    for g in np.unique(fixed[(fixed >= 0) & (fixed < k)]):
        exempt[g] = not availability[fixed == g].all(axis=0).any()
    return exempt


def breaches(
    labels: np.ndarray,
    k: int,
    *,
    size_range: tuple[int, int] | None = None,
    apart: Pairs = (),
    managers: Pairs = (),
    together: Pairs = (),
    roles: Sequence[str] | None = None,
    availability: np.ndarray | None = None,
    exempt: np.ndarray | None = None,
    start: np.ndarray | None = None,
    pinned: Sequence[int] = (),
) -> list[Breach]:
    """Every hard constraint the grouping `labels` (circle per person, k circles) breaks, in the
    order of KINDS. Only what is given is checked: a size range, kept-apart pairs (the
    coordinator's, then manager and report), kept-together pairs, one role per circle, a weekly
    slot shared by each circle (circles in `exempt` excused) and pinned people in their `start`
    circle."""
    labels = np.asarray(labels)
    members = members_of(labels, k)
    found: list[Breach] = []
    if size_range is not None:
        low, high = size_range
        found += [
            Breach("sizes", circle=g) for g, m in enumerate(members) if not low <= len(m) <= high
        ]
    for kind, pairs in (("apart", apart), ("managers_apart", managers)):
        found += [
            Breach(kind, (int(i), int(j)), int(labels[i]))
            for i, j in pairs
            if labels[i] == labels[j]
        ]
    found += [Breach("together", (int(i), int(j))) for i, j in together if labels[i] != labels[j]]
    if roles is not None:
        found += [
            Breach("same_role", circle=g)
            for g, m in enumerate(members)
            if len({roles[int(i)] for i in m}) > 1
        ]
    if availability is not None:
        excused = exempt if exempt is not None else np.zeros(k, dtype=bool)
        found += [
            Breach("availability", circle=g)
            for g, m in enumerate(members)
            if len(m) and not excused[g] and not availability[m].all(axis=0).any()
        ]
    if start is not None:
        found += [Breach("pinned", (int(p),)) for p in pinned if labels[p] != start[p]]
    return found


def count(found: Sequence[Breach]) -> dict[str, int]:
    """Breaches per kind, every kind present (0 where none)."""
    tally = Counter(b.kind for b in found)
    return {kind: tally[kind] for kind in KINDS}
