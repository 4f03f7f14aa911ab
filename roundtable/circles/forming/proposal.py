"""The proposal as a run stores and shows it: the engine's Result turned into plain data (circles
with their names, balance, checks, who would move), and the names new circles get."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from roundtable.formation import Result


def formation_circle_names(*, keys: Iterable[str], existing: dict[str, str]) -> dict[str, str]:
    """Circle names: the current name, or "Circle N" not yet used in the program."""
    taken = {n.lower() for n in existing.values()}
    names, counter = {}, 0
    for key in keys:
        if key in existing:
            names[key] = existing[key]
            continue
        counter += 1
        while f"circle {counter}" in taken:
            counter += 1
        names[key] = f"Circle {counter}"
    return names


def formation_proposal_serialise(
    *, result: Result, names: dict[str, str], current: dict[str, str]
) -> dict[str, Any]:
    """What `FormationRun.proposal` holds; `moved` lists the people in a circle now (`current`)
    whom the result places elsewhere."""
    assignment = result.assignment()
    return {
        "circles": [
            {
                "key": c.key,
                "name": names[c.key],
                "members": list(c.members),
                "why": c.why,
                "slot": c.slot,
                "existing": c.key.startswith("c"),
            }
            for c in result.circles
        ],
        "objective": round(result.objective, 4),
        "balance": [
            {
                "feature": b.name,
                "mean_range": round(b.mean_range, 3),
                "sd_range": round(b.sd_range, 3),
                "worst": b.worst,
            }
            for b in result.balance
        ],
        "constraints": result.constraints,
        "issues": list(result.issues),
        "moved": [p for p, key in current.items() if assignment.get(p, key) != key],
        "seconds": round(result.seconds, 2),
    }
