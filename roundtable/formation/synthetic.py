"""Synthetic employee pools for tests and benchmarks: departments, locations, approaches, tenure,
experience, skills, a management tree and weekly availability that depends on the office.

Deterministic for a seed. Availability is given directly as a person x slot matrix over a
working week of one-hour slots (5 days x 10 hours), each office working in its own band of
hours, each person free in a random share of their office's hours.
"""

from __future__ import annotations

import numpy as np

from roundtable.formation.features import Feature
from roundtable.formation.pool import Pool

DEPARTMENTS = ("Sales", "Support", "Engineering", "Finance", "Operations", "People", "Legal")
LOCATIONS = ("Lisbon", "Leeds", "Toronto", "Pune")
APPROACHES = ("analytical", "creative", "pragmatic", "relational")
SKILLS = (
    "negotiation",
    "sql",
    "coaching",
    "writing",
    "design",
    "forecasting",
    "facilitation",
    "python",
    "budgeting",
    "hiring",
    "research",
    "presenting",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
HOURS = tuple(range(8, 18))


def slot_labels() -> list[str]:
    return [f"{day} {hour:02d}:00" for day in DAYS for hour in HOURS]


def employee_pool(
    n: int, *, seed: int = 0, availability: bool = True, free_share: float = 0.45
) -> Pool:
    rng = np.random.default_rng(seed)
    ids = [f"p{i:06d}" for i in range(n)]
    department = rng.choice(len(DEPARTMENTS), n, p=[0.25, 0.2, 0.2, 0.1, 0.12, 0.08, 0.05])
    location = rng.choice(len(LOCATIONS), n, p=[0.4, 0.25, 0.2, 0.15])
    approach = rng.integers(0, len(APPROACHES), n)
    experience = np.round(rng.gamma(2.0, 4.0, n), 1)
    tenure = np.round(np.minimum(experience, rng.gamma(1.5, 2.5, n)), 1)
    skill_count = rng.integers(1, 4, n)
    skills = [
        ";".join(sorted(SKILLS[j] for j in rng.choice(len(SKILLS), c, replace=False)))
        for c in skill_count
    ]
    # A management tree: about one manager per eight people, within a department.
    managers: dict[str, str] = {}
    is_manager = rng.random(n) < 0.12
    for d in range(len(DEPARTMENTS)):
        staff = np.flatnonzero(department == d)
        bosses = staff[is_manager[staff]]
        if not len(bosses):
            continue
        for person in staff:
            boss = int(bosses[rng.integers(len(bosses))])
            if boss != person:
                managers[ids[person]] = ids[boss]
    matrix = None
    if availability:
        # Offices keep different hours (time zones): each sees a band of 6 of the 10 hours.
        band_start = np.array([0, 0, 4, 2])[location]
        hours = np.arange(len(HOURS))
        in_band = (hours[None, :] >= band_start[:, None]) & (
            hours[None, :] < band_start[:, None] + 6
        )
        free = rng.random((n, len(DAYS), len(HOURS))) < free_share
        matrix = (free & in_band[:, None, :]).reshape(n, -1)
        # Nobody is without any slot.
        empty = np.flatnonzero(~matrix.any(axis=1))
        for person in empty:
            matrix[person, int(band_start[person])] = True
    features = [
        Feature("department", "categorical", tuple(DEPARTMENTS[d] for d in department)),
        Feature("location", "categorical", tuple(LOCATIONS[v] for v in location)),
        Feature("approach", "categorical", tuple(APPROACHES[a] for a in approach)),
        Feature("experience", "numeric", tuple(float(v) for v in experience)),
        Feature("tenure", "numeric", tuple(float(v) for v in tenure)),
        Feature("skills", "tags", tuple(skills)),
    ]
    return Pool(
        ids=ids,
        features=features,
        managers=managers,
        roles=None,
        availability=matrix,
        slot_labels=slot_labels() if availability else (),
    )
