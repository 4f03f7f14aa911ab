"""The adapter to the pure engine: model objects become its Pool (features, manager links, job
roles, availability) and Request (sizes, pair rules, who stays where, search budget)."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.utils import timezone

from roundtable.circles.forming.criteria import CRITERIA
from roundtable.circles.models import FormationRun, PairRule
from roundtable.formation import Feature, Pool, Request
from roundtable.orgs.models import Member
from roundtable.programs.models import Program
from roundtable.timeslots import WEEKDAY_NAMES, WeeklySlot
from roundtable.timeslots.common import MemberAvailability, slot_grid


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def formation_pool_build(
    *, program: Program, members: list[Member], settings: dict[str, Any]
) -> Pool:
    """The engine's view of the members: features, manager links, job roles and availability
    (a slot grid in the organisation's time zone). Missing numbers take the median."""
    weights = settings.get("weights", {})
    ids = [str(m.pk) for m in members]
    experience = [float(m.years_experience) for m in members if m.years_experience is not None]
    tenure = [t for t in (m.tenure_years for m in members) if t is not None]
    fill_experience, fill_tenure = _median(experience), _median(tenure)
    columns: dict[str, tuple[object, ...]] = {
        "department": tuple(m.department or "(none)" for m in members),
        "location": tuple(m.location or "(none)" for m in members),
        "approach": tuple(tuple(t.name for t in m.approaches.all()) for m in members),
        "experience": tuple(
            float(m.years_experience) if m.years_experience is not None else fill_experience
            for m in members
        ),
        "tenure": tuple(t if (t := m.tenure_years) is not None else fill_tenure for m in members),
        "skills": tuple(tuple(t.name for t in m.skills.all()) for m in members),
    }
    features = [
        Feature(c.label, c.kind, columns[c.name], float(weights.get(c.name, 0.0)))
        for c in CRITERIA
        if float(weights.get(c.name, 0.0)) > 0
    ]
    member_ids = set(ids)
    managers = {
        str(m.pk): str(m.manager_id)
        for m in members
        if m.manager_id is not None and str(m.manager_id) in member_ids
    }
    availability: Any = None
    labels: tuple[str, ...] = ()
    if settings.get("use_availability"):
        grid = slot_grid(
            [
                MemberAvailability(
                    str(m.pk),
                    m.time_zone,
                    tuple(
                        WeeklySlot.from_times(s.weekday, s.start_time, s.end_time)
                        for s in m.availability.all()
                    ),
                )
                for m in members
            ],
            time_zone=program.organization.time_zone,
            duration_minutes=int(settings.get("meeting_minutes", 60)),
            start_date=max(program.start_date, timezone.localdate()),
        )
        availability = grid.fits
        labels = tuple(f"{WEEKDAY_NAMES[d]} {t:%H:%M}" for d, t in grid.slots)
    return Pool(
        ids=ids,
        features=features,
        managers=managers,
        roles=[m.job_title or "(no job role)" for m in members],
        availability=availability,
        slot_labels=labels,
        names={str(m.pk): m.name for m in members},
    )


def _is_pinned(run: FormationRun, person: str, current: dict[str, str]) -> bool:
    """Coordinator pins always hold; without re-balancing, so does everyone in a circle now."""
    if person not in current:
        return False
    return person in {str(p) for p in run.pinned} or not run.settings.get("rebalance")


def formation_request_build(
    *, program: Program, run: FormationRun, current: dict[str, str]
) -> Request:
    """What the engine is asked: sizes, pair rules, options, who stays where, and its budget:
    the run's time limit, or exactly `settings.FORMATION_ROUNDS` search rounds when that is set
    (tests set it, so that a proposal does not depend on the machine's speed)."""
    settings = run.settings
    rules = list(program.pair_rules.all())
    rounds: int | None = getattr(django_settings, "FORMATION_ROUNDS", None)
    return Request(
        size_range=(int(settings["size_min"]), int(settings["size_max"])),
        apart=[(str(r.first_id), str(r.second_id)) for r in rules if r.kind == PairRule.Kind.APART],
        together=[
            (str(r.first_id), str(r.second_id)) for r in rules if r.kind == PairRule.Kind.TOGETHER
        ],
        managers_apart=bool(settings.get("managers_apart", True)),
        same_role=bool(settings.get("same_role", False)),
        use_availability=bool(settings.get("use_availability", True)),
        current=current or None,
        pinned=[p for p in (*current, *map(str, run.pinned)) if _is_pinned(run, p, current)],
        seed=int(settings.get("seed", 0)),
        time_limit=float(settings.get("time_limit", 2.0)),
        rounds=rounds,
    )
