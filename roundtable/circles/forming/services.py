"""The life of a formation run: start (the task is queued on commit), move and pin people,
form the rest again, publish (the only step that changes circles) or discard."""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from roundtable.circles.forming.criteria import formation_settings_clean, formation_time_limit
from roundtable.circles.forming.execution import formation_reassess
from roundtable.circles.forming.selectors import formation_members, formation_placements
from roundtable.circles.forming.tasks import formation_run_task
from roundtable.circles.models import Circle, FormationRun
from roundtable.circles.services import circle_add_member, circle_create, circle_remove_member
from roundtable.core.errors import DomainError
from roundtable.orgs.models import Member
from roundtable.programs.models import Program

Status = FormationRun.Status


def _enqueue(run: FormationRun) -> None:
    run_id = run.pk
    transaction.on_commit(lambda: formation_run_task.enqueue(run_id))


def _require_open(run: FormationRun) -> None:
    if run.status != Status.READY:
        raise DomainError(f"This proposal is {run.get_status_display().lower()}; start a new one.")


@transaction.atomic
def formation_start(
    *, program: Program, by: Member | None, settings: dict[str, Any]
) -> FormationRun:
    """Queue a new proposal; any open proposal of the program is discarded (one at a time)."""
    settings = formation_settings_clean(program=program, settings=settings)
    people = len(formation_members(program=program))
    if people < settings["size_min"]:
        raise DomainError(
            f"{program} has {people} enrolled member(s); a circle needs at least "
            f"{settings['size_min']}."
        )
    settings.setdefault("seed", int(time.time()) % 100_000)
    settings["time_limit"] = formation_time_limit(people=people)
    program.formation_runs.filter(status__in=[Status.QUEUED, Status.RUNNING, Status.READY]).update(
        status=Status.DISCARDED
    )
    run = FormationRun.objects.create(program=program, created_by=by, settings=settings)
    _enqueue(run)
    return run


@transaction.atomic
def formation_rerun(*, run: FormationRun) -> FormationRun:
    """Form the circles again around the coordinator's pinned people."""
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    _require_open(run)
    run.status, run.progress = Status.QUEUED, 0.0
    run.settings = {**run.settings, "seed": int(run.settings.get("seed", 0)) + 1}
    run.save(update_fields=["status", "progress", "settings", "updated_at"])
    _enqueue(run)
    return run


@transaction.atomic
def formation_move(*, run: FormationRun, member_id: int, circle_key: str) -> FormationRun:
    """Move one person to another proposed circle; balance and checks are recomputed."""
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    _require_open(run)
    person = str(member_id)
    if person not in run.assignment:
        raise DomainError("That person is not part of this proposal.")
    keys = {c["key"] for c in run.proposal["circles"]}
    if circle_key not in keys:
        raise DomainError("Choose one of the proposed circles.")
    if int(member_id) in run.pinned:
        raise DomainError("Unpin this person before moving them.")
    run.assignment = {**run.assignment, person: circle_key}
    return formation_reassess(run=run)


@transaction.atomic
def formation_pin(*, run: FormationRun, member_id: int, pinned: bool) -> FormationRun:
    """Pin (or unpin) a person: forming the rest again keeps them where they are."""
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    _require_open(run)
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
    _require_open(run)
    run = formation_reassess(run=run)
    proposal = run.proposal
    if proposal["issues"]:
        raise DomainError("Fix these first: " + " ".join(proposal["issues"]))
    if proposal["moved"] and not confirm_moves:
        raise DomainError(
            f"{len(proposal['moved'])} people already in circles would change circle; "
            "confirm those moves to publish."
        )
    program = run.program
    members = {str(m.pk): m for m in formation_members(program=program)}
    current, _ = formation_placements(program=program)
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
    """Close an open proposal without changing any circle."""
    _require_open(run)
    run.status = Status.DISCARDED
    run.save(update_fields=["status", "updated_at"])
    return run
