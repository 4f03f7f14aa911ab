"""The life of a formation run: start (the task is queued on commit), move and pin people,
form the rest again, publish (the only step that changes circles) or discard."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from roundtable.circles.forming.criteria import formation_settings_clean, formation_time_limit
from roundtable.circles.forming.execution import REFORM_FAILED, REFORM_FROM, formation_reassess
from roundtable.circles.forming.selectors import formation_members, formation_placements
from roundtable.circles.forming.tasks import formation_run_task
from roundtable.circles.models import Circle, FormationRun
from roundtable.circles.services import circle_add_member, circle_create, circle_remove_member
from roundtable.core.errors import DomainError
from roundtable.formation import FormationError
from roundtable.formation.proposal import circle_label, size_sentence
from roundtable.formation.relaxations import LARGER, RETRY, SMALLER, UNPIN, Relaxation
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
    """Form the circles again around the coordinator's pinned people. Should that fail, the
    proposal stays as it is, with the reasons beside it (`execution.formation_execute`)."""
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    _require_open(run)
    run.settings = {**run.settings, "seed": int(run.settings.get("seed", 0)) + 1}
    return _reform(run, proposal=_without_reform_failed(run.proposal))


def _reform(run: FormationRun, *, proposal: dict[str, Any]) -> FormationRun:
    """Queue the engine on this run again; its proposal is kept until the engine has a new one."""
    run.status, run.progress, run.proposal = Status.QUEUED, 0.0, proposal
    run.save(update_fields=["status", "progress", "settings", "pinned", "proposal", "updated_at"])
    _enqueue(run)
    return run


def _without_reform_failed(proposal: dict[str, Any]) -> dict[str, Any]:
    """The proposal without the reasons a re-form failed: they were found for the pins and
    places of then, and the relaxations offered were tried for those."""
    return {k: v for k, v in proposal.items() if k not in (REFORM_FAILED, REFORM_FROM)}


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
    run.proposal = _without_reform_failed(run.proposal)
    run.save(update_fields=["pinned", "proposal", "updated_at"])
    return run


@dataclass(frozen=True)
class FormationCheck:
    """One line of the Checks panel: what was checked and how it came out."""

    label: str
    verdict: str
    ok: bool


@dataclass(frozen=True)
class FormationChecks:
    """The checks of a proposal; publishing refuses exactly while `problems` is not empty."""

    lines: list[FormationCheck]
    problems: list[str]


def formation_check(*, run: FormationRun) -> FormationChecks:
    """The one validation of a proposal, shown in the Checks panel and enforced by publishing:
    circles distinct (keys and names), everyone placed once in a proposed circle, each circle's
    size within the range, and every hard constraint the engine's assessment found broken.
    Reads the stored proposal only (no query): publishing re-assesses first, then calls this."""
    proposal = run.proposal or {}
    entries = proposal.get("circles", [])
    low, high = int(run.settings["size_min"]), int(run.settings["size_max"])
    problems: list[str] = []
    keys = Counter(c["key"] for c in entries)
    names = Counter(c["name"] for c in entries)
    problems += [f"{n} circles share the key {k}." for k, n in keys.items() if n > 1]
    problems += [f"{n} circles are named {name}." for name, n in names.items() if n > 1]
    listed = Counter(p for c in entries for p in c["members"])
    twice = sum(1 for n in listed.values() if n > 1)
    if twice:
        problems.append(f"{_people_are(twice)} listed in two circles.")
    strays = sum(1 for key in run.assignment.values() if key not in keys)
    if strays:
        problems.append(f"{_people_are(strays)} placed in no proposed circle.")
    if any(run.assignment.get(p) != c["key"] for c in entries for p in c["members"]) or (
        set(listed) != set(run.assignment)
    ):
        problems.append("The circles listed differ from where people are placed; reload.")
    sizes = Counter(run.assignment.values())
    outside = [c for c in entries if not low <= sizes[c["key"]] <= high]
    problems += [
        size_sentence(circle_label(c["name"]), sizes[c["key"]], low, high) for c in outside
    ]
    problems += proposal.get("issues", [])
    lines = [
        FormationCheck(
            f"{len(entries)} circles of {low}–{high}",
            f"{len(outside)} outside" if outside else "all within",
            not outside,
        ),
        *_constraint_lines(proposal.get("constraints", {})),
    ]
    return FormationChecks(lines=lines, problems=list(dict.fromkeys(problems)))


def _people_are(count: int) -> str:
    return "1 person is" if count == 1 else f"{count} people are"


def _constraint_lines(constraints: dict[str, Any]) -> list[FormationCheck]:
    """The Checks panel's line per hard constraint the engine's assessment counted."""
    lines = []

    def get(name: str) -> dict[str, Any]:
        return constraints.get(name) or {}

    managers, apart, together = get("managers_apart"), get("apart"), get("together")
    if managers.get("checked") and managers.get("pairs"):
        broken = int(managers.get("violations", 0))
        pairs = int(managers["pairs"])
        lines.append(
            FormationCheck(
                f"Managers apart from their {pairs} direct report{'s' if pairs != 1 else ''}",
                f"{broken} together" if broken else "yes",
                not broken,
            )
        )
    for entry, label in ((apart, "Pairs kept apart"), (together, "Pairs kept together")):
        if entry.get("pairs"):
            broken = int(entry.get("violations", 0))
            lines.append(
                FormationCheck(
                    label, f"{broken} broken" if broken else f"all {entry['pairs']}", not broken
                )
            )
    role = get("same_role")
    if role.get("checked"):
        broken = int(role.get("violations", 0))
        lines.append(
            FormationCheck(
                "Same job role in each circle", f"{broken} mixed" if broken else "yes", not broken
            )
        )
    slots = get("availability")
    if slots.get("checked"):
        broken, kept = int(slots.get("violations", 0)), int(slots.get("kept_without_slot", 0))
        if broken:
            verdict = f"{broken} circle{'s' if broken != 1 else ''} without"
        elif kept:
            verdict = (
                f"every circle but {kept} current one{'s' if kept != 1 else ''} whose members "
                f"already had none (kept as {'they are' if kept != 1 else 'it is'}; "
                "re-balance to fix)"
            )
        else:
            verdict = "every circle"
        lines.append(FormationCheck("A weekly slot everyone can make", verdict, not broken))
    return lines


def _refuse_on_problems(run: FormationRun) -> None:
    problems = formation_check(run=run).problems
    if problems:
        raise DomainError("Fix these first: " + " ".join(problems))


@transaction.atomic
def formation_publish(
    *, run: FormationRun, by: Member | None, confirm_moves: bool = False
) -> list[Circle]:
    """Make the proposal real: create the new circles, move people by dated memberships.
    Refused while a hard constraint is broken, and when current members would change circle
    unless the coordinator confirmed those moves."""
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    _require_open(run)
    # The checks the coordinator sees, then the same checks once enrolments since are taken in.
    _refuse_on_problems(run)
    run = formation_reassess(run=run)
    _refuse_on_problems(run)
    proposal = run.proposal
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


@transaction.atomic
def formation_relax(*, run: FormationRun, by: Member | None, choice: int) -> FormationRun:
    """Form the circles again with one of the relaxations the engine found to work for a run
    that could not be formed (its seed kept, so the engine starts where the trial did); the
    new run keeps that run's relaxations too. For a proposal whose "form the rest again"
    failed, the same proposal is formed again with it (its pins kept, bar the people the
    relaxation lets change circle); should that fail too, everything stays as it was."""
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    proposal = run.proposal or {}
    kept = run.status == Status.READY and REFORM_FAILED in proposal
    if run.status != Status.FAILED and not kept:
        raise DomainError("Only a request that could not be formed can be relaxed.")
    offered = proposal.get(REFORM_FAILED if kept else "infeasible", {}).get("relaxations", [])
    if not 0 <= choice < len(offered):
        raise DomainError("Choose one of the offered ways to form the circles.")
    try:
        relaxation = Relaxation.from_dict(offered[choice])
    except FormationError as exc:
        raise DomainError(" ".join(exc.problems)) from None
    # Letting people the coordinator pinned change circle is unpinning them (their pin buttons
    # say so); only people held by their current circle need the relaxation recorded.
    freed = {int(p) for p in relaxation.people} if relaxation.kind == UNPIN and kept else set()
    unpins_only = bool(freed) and freed <= set(run.pinned)
    relaxations = run.settings.get("relaxations", [])
    if relaxation.kind != RETRY and not unpins_only:  # forming again as asked: nothing to record
        relaxations = [*relaxations, relaxation.as_dict()]
    settings = {**run.settings, "relaxations": relaxations}
    # Sizes are settings the checks and the criteria form read too.
    if relaxation.kind == SMALLER:
        settings["size_min"] = relaxation.size
    elif relaxation.kind == LARGER:
        settings["size_max"] = relaxation.size
    if not kept:
        return formation_start(program=run.program, by=by, settings=settings)
    before = {"settings": run.settings, "pinned": run.pinned}
    run.pinned = [p for p in run.pinned if p not in freed]
    run.settings = settings
    return _reform(run, proposal={**_without_reform_failed(proposal), REFORM_FROM: before})


def formation_discard(*, run: FormationRun) -> FormationRun:
    """Close an open proposal without changing any circle."""
    _require_open(run)
    run.status = Status.DISCARDED
    run.save(update_fields=["status", "updated_at"])
    return run
