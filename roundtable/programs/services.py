"""Writes for programs and enrolment, and the window of dates any plan may name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from roundtable.core.errors import DomainError
from roundtable.core.freshness import figures_changed
from roundtable.core.validation import full_clean_or_raise
from roundtable.orgs.models import Member, Organization
from roundtable.programs.models import Enrolment, Program

# Dates further out than this are slips of the keyboard (2100 for 2010) far more often than plans.
PLANNING_YEARS = 3


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def planning_window_check(
    *, organization: Organization, value: dt.date, field: str, what: str, today: dt.date
) -> None:
    """Refuse a date (of a program, a schedule, a meeting) more than three years ahead of today,
    or more than three years before the organisation joined Roundtable."""
    latest = _years_from(today, PLANNING_YEARS)
    if value > latest:
        raise DomainError(
            f"{what} can be at most {PLANNING_YEARS} years ahead (on or before {latest:%d %B %Y}).",
            field=field,
        )
    earliest = _years_from(timezone.localdate(organization.created_at), -PLANNING_YEARS)
    if value < earliest:
        raise DomainError(
            f"{what} can be at most {PLANNING_YEARS} years before {organization} joined "
            f"Roundtable (on or after {earliest:%d %B %Y}).",
            field=field,
        )


def _check_dates(program: Program) -> None:
    today = timezone.localdate()
    for field, what in (("start_date", "The start date"), ("end_date", "The end date")):
        value = getattr(program, field)
        if value is not None:
            planning_window_check(
                organization=program.organization, value=value, field=field, what=what,
                today=today,
            )  # fmt: skip


def _check_same_org(organization: Organization, members: Iterable[Member], what: str) -> None:
    for member in members:
        if member.organization_id != organization.pk:
            raise DomainError(f"Every {what} must belong to {organization}.")


@transaction.atomic
def program_create(
    *,
    organization: Organization,
    name: str,
    purpose: str,
    sponsor: Member,
    coordinators: Sequence[Member],
    start_date: dt.date,
    kind: str = Program.Kind.TRAINING,
    cadence: str = Program.Cadence.WEEKLY,
    target_circle_size: int = 5,
    end_date: dt.date | None = None,
    status: str = Program.Status.DRAFT,
) -> Program:
    if not coordinators:
        raise DomainError("A program needs at least one coordinator.", field="coordinators")
    _check_same_org(organization, [sponsor, *coordinators], "sponsor and coordinator")
    program = Program(
        organization=organization,
        name=name.strip(),
        purpose=purpose.strip(),
        sponsor=sponsor,
        kind=kind,
        cadence=cadence,
        target_circle_size=target_circle_size,
        start_date=start_date,
        end_date=end_date,
        status=status,
    )
    full_clean_or_raise(program)
    _check_dates(program)
    program.save()
    program.coordinators.set(coordinators)
    return program


@transaction.atomic
def program_update(
    *, program: Program, coordinators: Sequence[Member] | None = None, **fields: object
) -> Program:
    allowed = {
        "name",
        "purpose",
        "kind",
        "sponsor",
        "cadence",
        "target_circle_size",
        "start_date",
        "end_date",
        "status",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(f"Unknown program fields: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(program, name, value.strip() if isinstance(value, str) else value)
    _check_same_org(program.organization, [program.sponsor], "sponsor")
    full_clean_or_raise(program)
    if {"start_date", "end_date"} & set(fields):
        _check_dates(program)
    program.save()
    figures_changed(program.pk)  # its status decides whether its circles are flagged
    if coordinators is not None:
        if not coordinators:
            raise DomainError("A program needs at least one coordinator.", field="coordinators")
        _check_same_org(program.organization, coordinators, "coordinator")
        program.coordinators.set(coordinators)
    return program


@transaction.atomic
def program_enrol(
    *, program: Program, members: Iterable[Member], on: dt.date | None = None
) -> list[Enrolment]:
    """Enrol members; re-enrolling a withdrawn member reopens their enrolment."""
    on = on or timezone.localdate()
    members = list(members)
    _check_same_org(program.organization, members, "enrolled member")
    if program.status == Program.Status.ENDED:
        raise DomainError("This program has ended; nobody can be enrolled any more.")
    existing = {e.member_id: e for e in program.enrolments.filter(member__in=members)}
    result = []
    for member in members:
        enrolment = existing.get(member.pk)
        if enrolment is None:
            enrolment = Enrolment.objects.create(program=program, member=member, enrolled_on=on)
        elif enrolment.withdrawn_on is not None:
            enrolment.withdrawn_on = None
            enrolment.enrolled_on = on
            enrolment.save(update_fields=["withdrawn_on", "enrolled_on", "updated_at"])
        result.append(enrolment)
    return result


@transaction.atomic
def enrolment_end(*, program: Program, member: Member, on: dt.date | None = None) -> Enrolment:
    """End a member's enrolment; history is kept. Withdrawing someone also takes them out of the
    program's circles: that is `circles.services.program_withdraw`, which calls this."""
    on = on or timezone.localdate()
    enrolment = program.enrolments.filter(member=member, withdrawn_on__isnull=True).first()
    if enrolment is None:
        raise DomainError(f"{member} is not enrolled in {program}.")
    enrolment.withdrawn_on = max(on, enrolment.enrolled_on)
    enrolment.save(update_fields=["withdrawn_on", "updated_at"])
    return enrolment
