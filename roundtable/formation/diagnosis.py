"""Why the hard constraints cannot all be met, in sentences a coordinator can act on."""

from __future__ import annotations

import numpy as np

from roundtable.formation.problem import Problem
from roundtable.formation.units import Units, build_units


def diagnose(problem: Problem, units: Units | None = None) -> list[str]:
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
