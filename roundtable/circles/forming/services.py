"""Circle formation in the app: a coordinator chooses criteria and weights, the engine
(`roundtable.formation`, pure) proposes circles in a background task, the coordinator reviews,
moves and pins people, and publishes. Publishing is the only step that changes circles.

People already in circles stay where they are unless the coordinator lets the engine move them
("re-balance current circles"); even then, everyone who would change circle is listed and the
coordinator confirms by name before anything is published.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from roundtable.circles.models import Circle, CircleMembership, FormationRun, PairRule
from roundtable.circles.services import circle_add_member, circle_create, circle_remove_member
from roundtable.core.errors import DomainError
from roundtable.formation.engine import FormationError
from roundtable.formation.features import Feature
from roundtable.formation.pool import Pool, Request, Result, evaluate, form_circles
from roundtable.orgs.models import AvailabilitySlot, Member
from roundtable.programs.models import Program
from roundtable.timeslots import WeeklySlot
from roundtable.timeslots.common import MemberAvailability, slot_grid

Status = FormationRun.Status


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


def formation_default_settings(program: Program) -> dict[str, Any]:
    size = program.target_circle_size
    return {**DEFAULT_SETTINGS, "size_min": max(2, size - 1), "size_max": size + 1}


# --- reading the program ------------------------------------------------------------------


def formation_members(program: Program) -> list[Member]:
    """The people to place: active members enrolled (not withdrawn) in the program."""
    return list(
        Member.objects.filter(
            enrolments__program=program, enrolments__withdrawn_on__isnull=True, is_active=True
        )
        .select_related("user")
        .prefetch_related(
            "skills",
            "approaches",
            Prefetch("availability", queryset=AvailabilitySlot.objects.order_by("weekday")),
        )
        .order_by("pk")
        .distinct()
    )


def _current(program: Program) -> tuple[dict[str, str], dict[str, str]]:
    """Member id -> circle key ("c<pk>") for everyone now in one of the program's circles,
    and circle key -> name for every circle of the program."""
    names = {f"c{c.pk}": c.name for c in program.circles.all()}
    current = {
        str(m.member_id): f"c{m.circle_id}"
        for m in CircleMembership.objects.filter(circle__program=program, left_on__isnull=True)
    }
    return current, names


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def formation_pool(program: Program, members: list[Member], settings: dict[str, Any]) -> Pool:
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
        days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        availability = grid.fits
        labels = tuple(f"{days[d]} {t:%H:%M}" for d, t in grid.slots)
    return Pool(
        ids=ids,
        features=features,
        managers=managers,
        roles=[m.job_title or "(no job role)" for m in members],
        availability=availability,
        slot_labels=labels,
        names={str(m.pk): m.name for m in members},
    )


def _request(program: Program, run: FormationRun, current: dict[str, str]) -> Request:
    settings = run.settings
    rules = list(program.pair_rules.all())
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
    )


def _is_pinned(run: FormationRun, person: str, current: dict[str, str]) -> bool:
    """Coordinator pins always hold; without re-balancing, so does everyone in a circle now."""
    if person not in current:
        return False
    return person in {str(p) for p in run.pinned} or not run.settings.get("rebalance")


# --- runs ---------------------------------------------------------------------------------


def _clean_settings(program: Program, settings: dict[str, Any]) -> dict[str, Any]:
    merged = {**formation_default_settings(program), **settings}
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


def formation_time_limit(people: int) -> float:
    """Seconds the engine may take: 2 s for a few hundred people, up to 2 minutes."""
    return float(min(120.0, max(2.0, people / 1000 * 2.0)))


@transaction.atomic
def formation_start(
    *, program: Program, by: Member | None, settings: dict[str, Any]
) -> FormationRun:
    """Queue a new proposal; any open proposal of the program is discarded (one at a time)."""
    settings = _clean_settings(program, settings)
    members = formation_members(program)
    if len(members) < settings["size_min"]:
        raise DomainError(
            f"{program} has {len(members)} enrolled member(s); a circle needs at least "
            f"{settings['size_min']}."
        )
    settings.setdefault("seed", int(time.time()) % 100_000)
    settings["time_limit"] = formation_time_limit(len(members))
    program.formation_runs.filter(status__in=[Status.QUEUED, Status.RUNNING, Status.READY]).update(
        status=Status.DISCARDED
    )
    run = FormationRun.objects.create(program=program, created_by=by, settings=settings)
    from roundtable.circles.tasks import formation_run_task

    run_id = run.pk
    transaction.on_commit(lambda: formation_run_task.enqueue(run_id))
    return run


def formation_execute(run: FormationRun) -> FormationRun:
    """The background step: run the engine and store the proposal, or the reasons it cannot."""
    claimed = FormationRun.objects.filter(pk=run.pk, status=Status.QUEUED).update(
        status=Status.RUNNING, progress=0.0
    )
    run.refresh_from_db()
    if not claimed:
        return run
    program = run.program
    members = formation_members(program)
    ids = {str(m.pk) for m in members}
    published, names = _current(program)
    published = {p: c for p, c in published.items() if p in ids}
    # A re-run keeps the coordinator's pinned people where the proposal put them.
    current = dict(published)
    for person in map(str, run.pinned):
        if person in ids and person in run.assignment:
            current[person] = run.assignment[person]
    names.update({c["key"]: c["name"] for c in run.proposal.get("circles", [])})
    last_saved = [0.0]

    def progress(fraction: float) -> None:
        now = time.monotonic()
        if now - last_saved[0] > 0.5:
            last_saved[0] = now
            FormationRun.objects.filter(pk=run.pk).update(progress=round(fraction, 3))

    try:
        pool = formation_pool(program, members, run.settings)
        result = form_circles(pool, _request(program, run, current), progress=progress)
    except FormationError as exc:
        run.status, run.problems, run.progress = Status.FAILED, exc.problems, 1.0
        run.save(update_fields=["status", "problems", "progress", "updated_at"])
        return run
    keys = [c.key for c in result.circles]
    run.assignment = result.assignment()
    run.proposal = _proposal(result, _names(keys, names), published)
    run.problems = []
    run.status, run.progress = Status.READY, 1.0
    run.save(
        update_fields=["assignment", "proposal", "problems", "status", "progress", "updated_at"]
    )
    return run


@transaction.atomic
def formation_rerun(*, run: FormationRun) -> FormationRun:
    """Form the circles again around the coordinator's pinned people."""
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    _open_run(run)
    run.status, run.progress = Status.QUEUED, 0.0
    run.settings = {**run.settings, "seed": int(run.settings.get("seed", 0)) + 1}
    run.save(update_fields=["status", "progress", "settings", "updated_at"])
    from roundtable.circles.tasks import formation_run_task

    run_id = run.pk
    transaction.on_commit(lambda: formation_run_task.enqueue(run_id))
    return run


def _names(keys: Iterable[str], existing: dict[str, str]) -> dict[str, str]:
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


def _proposal(result: Result, names: dict[str, str], current: dict[str, str]) -> dict[str, Any]:
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
        "moved": [p for p, key in current.items() if result.assignment().get(p, key) != key],
        "seconds": round(result.seconds, 2),
    }


def _open_run(run: FormationRun) -> None:
    if run.status != Status.READY:
        raise DomainError(f"This proposal is {run.get_status_display().lower()}; start a new one.")


def formation_reevaluate(run: FormationRun) -> FormationRun:
    """Recompute balance, "why this mix" lines and checks after a hand edit."""
    program = run.program
    members = formation_members(program)
    current, _ = _current(program)
    ids = {str(m.pk) for m in members}
    current = {p: c for p, c in current.items() if p in ids}
    keys = [c["key"] for c in run.proposal["circles"]]
    names = {c["key"]: c["name"] for c in run.proposal["circles"]}
    pool = formation_pool(program, members, run.settings)
    assignment = {p: k for p, k in run.assignment.items() if p in ids}
    for person in ids - set(assignment):  # enrolled since the run: smallest circle
        sizes = {k: sum(1 for v in assignment.values() if v == k) for k in keys}
        assignment[person] = min(keys, key=lambda k: sizes[k])
    result = evaluate(pool, _request(program, run, current), assignment, keys, names)
    engine_seconds = run.proposal.get("seconds", 0)
    run.assignment = assignment
    run.proposal = {**_proposal(result, names, current), "seconds": engine_seconds}
    run.save(update_fields=["assignment", "proposal", "updated_at"])
    return run


@transaction.atomic
def formation_move(*, run: FormationRun, member_id: int, circle_key: str) -> FormationRun:
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    _open_run(run)
    person = str(member_id)
    if person not in run.assignment:
        raise DomainError("That person is not part of this proposal.")
    keys = {c["key"] for c in run.proposal["circles"]}
    if circle_key not in keys:
        raise DomainError("Choose one of the proposed circles.")
    if int(member_id) in run.pinned:
        raise DomainError("Unpin this person before moving them.")
    run.assignment = {**run.assignment, person: circle_key}
    return formation_reevaluate(run)


@transaction.atomic
def formation_pin(*, run: FormationRun, member_id: int, pinned: bool) -> FormationRun:
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    _open_run(run)
    if str(member_id) not in run.assignment:
        raise DomainError("That person is not part of this proposal.")
    others = [p for p in run.pinned if p != int(member_id)]
    run.pinned = [*others, int(member_id)] if pinned else others
    run.save(update_fields=["pinned", "updated_at"])
    return run


@transaction.atomic
def formation_publish(
    *, run: FormationRun, by: Member | None, confirm_moves: bool = False
) -> list[Circle]:
    """Make the proposal real: create the new circles, move people by dated memberships.
    Refused while a hard constraint is broken, and when current members would change circle
    unless the coordinator confirmed those moves."""
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    _open_run(run)
    run = formation_reevaluate(run)
    proposal = run.proposal
    if proposal["issues"]:
        raise DomainError("Fix these first: " + " ".join(proposal["issues"]))
    if proposal["moved"] and not confirm_moves:
        raise DomainError(
            f"{len(proposal['moved'])} people already in circles would change circle; "
            "confirm those moves to publish."
        )
    program = run.program
    members = {str(m.pk): m for m in formation_members(program)}
    current, _ = _current(program)
    today = timezone.localdate()
    circles: dict[str, Circle] = {f"c{c.pk}": c for c in program.circles.all()}
    touched: list[Circle] = []
    for entry in proposal["circles"]:
        key = entry["key"]
        if key not in circles:
            circles[key] = circle_create(program=program, name=entry["name"])
        touched.append(circles[key])
    for person, key in run.assignment.items():
        member = members.get(person)
        if member is None or current.get(person) == key:
            continue
        if person in current:
            circle_remove_member(circle=circles[current[person]], member=member, on=today)
        circle_add_member(circle=circles[key], member=member, on=today)
    run.status, run.published_at = Status.PUBLISHED, timezone.now()
    run.save(update_fields=["status", "published_at", "updated_at"])
    return touched


def formation_discard(*, run: FormationRun) -> FormationRun:
    _open_run(run)
    run.status = Status.DISCARDED
    run.save(update_fields=["status", "updated_at"])
    return run


# --- pair rules ---------------------------------------------------------------------------


@transaction.atomic
def pair_rule_add(
    *, program: Program, first: Member, second: Member, kind: str, note: str = ""
) -> PairRule:
    if first.pk == second.pk:
        raise DomainError("Choose two different people.", field="second")
    for member in (first, second):
        if member.organization_id != program.organization_id:
            raise DomainError(f"{member} is not in {program.organization}.")
    a, b = sorted((first, second), key=lambda m: m.pk)
    existing = PairRule.objects.filter(program=program, first=a, second=b).first()
    if existing is not None:
        raise DomainError(
            f"{a} and {b} already have a rule: {existing.get_kind_display().lower()}."
        )
    if kind == PairRule.Kind.TOGETHER and (a.manager_id == b.pk or b.manager_id == a.pk):
        raise DomainError(
            f"One of {a} and {b} manages the other; managers and their reports are kept apart."
        )
    return PairRule.objects.create(program=program, first=a, second=b, kind=kind, note=note.strip())


def pair_rule_remove(*, rule: PairRule) -> None:
    rule.delete()


def run_progress_label(run: FormationRun) -> str:
    return f"{round(run.progress * 100)}%"
