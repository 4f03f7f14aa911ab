"""What circles may be mixed on, the default settings of a run, and the check of the settings a
coordinator chose."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roundtable.core.errors import DomainError
from roundtable.programs.models import Program


@dataclass(frozen=True)
class Criterion:
    name: str
    label: str
    kind: str  # numeric | categorical | tags
    help: str


CRITERIA = (
    Criterion("department", "Department", "categorical", "Mix people from different departments."),
    Criterion("location", "Location", "categorical", "Mix offices and sites."),
    Criterion("approach", "Approach", "tags", "Mix ways of working (analytical, creative, ...)."),
    Criterion("experience", "Years of experience", "numeric", "Mix novices and veterans."),
    Criterion("tenure", "Tenure", "numeric", "Mix newcomers and long-serving people."),
    Criterion("skills", "Skills", "tags", "Spread skills across circles."),
)
CRITERION_NAMES = tuple(c.name for c in CRITERIA)
DEFAULT_SETTINGS: dict[str, Any] = {
    "weights": {c.name: 1.0 for c in CRITERIA},
    "size_min": 4,
    "size_max": 6,
    "same_role": False,
    "use_availability": True,
    "managers_apart": True,
    "rebalance": False,
    "meeting_minutes": 60,
}


def formation_settings_default(*, program: Program) -> dict[str, Any]:
    """The defaults, with circle sizes around the program's target size."""
    size = program.target_circle_size
    return {**DEFAULT_SETTINGS, "size_min": max(2, size - 1), "size_max": size + 1}


def formation_settings_clean(*, program: Program, settings: dict[str, Any]) -> dict[str, Any]:
    """The chosen settings over the defaults; DomainError when weights or sizes are out of range."""
    merged = {**formation_settings_default(program=program), **settings}
    weights = {name: float(merged["weights"].get(name, 0.0)) for name in CRITERION_NAMES}
    if any(w < 0 or w > 10 for w in weights.values()):
        raise DomainError("Weights go from 0 (not used) to 10.", field="weights")
    if not any(weights.values()):
        raise DomainError("Choose at least one criterion to mix on.", field="weights")
    low, high = int(merged["size_min"]), int(merged["size_max"])
    if not 2 <= low <= high <= 20:
        raise DomainError(
            "Circle sizes go from 2 to 20, the smallest no bigger than the largest.",
            field="size_min",
        )
    merged["weights"] = weights
    merged["size_min"], merged["size_max"] = low, high
    return merged


def formation_time_limit(*, people: int) -> float:
    """Seconds the engine may take: 2 s for a few hundred people, up to 2 minutes."""
    return float(min(120.0, max(2.0, people / 1000 * 2.0)))
