"""Writes for circles and their membership (joins and departures are dated, never deleted)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from roundtable.circles.lead_hooks import lead_changed
from roundtable.circles.models import Circle, CircleMembership
from roundtable.core.errors import DomainError
from roundtable.core.freshness import figures_changed
from roundtable.core.validation import full_clean_or_raise
from roundtable.orgs.models import Member
from roundtable.programs.models import Enrolment, Program
from roundtable.programs.services import enrolment_end, program_enrol


@transaction.atomic
def circle_create(
    *,
    program: Program,
    name: str,
    time_zone: str | None = None,
    feedback_anonymous: bool = True,
    members: Iterable[Member] = (),
    lead: Member | None = None,
    on: dt.date | None = None,
) -> Circle:
    name = name.strip()
    if program.circles.filter(name__iexact=name).exists():
        raise DomainError(f"{program} already has a circle called “{name}”.", field="name")
    circle = Circle(
        program=program,
        name=name,
        time_zone=time_zone or program.organization.time_zone,
        feedback_anonymous=feedback_anonymous,
    )
    full_clean_or_raise(circle)
    circle.save()
    figures_changed(program.pk)
    members = list(members)
    if lead is not None and lead not in members:
        members.append(lead)
    for member in members:
        circle_add_member(circle=circle, member=member, on=on)
    if lead is not None:
        circle_set_lead(circle=circle, lead=lead)
    return circle


@transaction.atomic
def circle_update(
    *,
    circle: Circle,
    name: str | None = None,
    time_zone: str | None = None,
    feedback_anonymous: bool | None = None,
) -> Circle:
    if name is not None:
        name = name.strip()
        clash = circle.program.circles.filter(name__iexact=name).exclude(pk=circle.pk)
        if clash.exists():
            raise DomainError(
                f"{circle.program} already has a circle called “{name}”.", field="name"
            )
        circle.name = name
    if time_zone is not None:
        circle.time_zone = time_zone
    if feedback_anonymous is not None and feedback_anonymous != circle.feedback_anonymous:
        # Only feedback given from now on follows the new setting (each feedback keeps the one
        # it was given under); the circle is told since when.
        circle.feedback_anonymous = feedback_anonymous
        circle.feedback_setting_changed_on = timezone.localdate()
    full_clean_or_raise(circle)
    circle.save()
    figures_changed(circle.program_id)
    return circle


@transaction.atomic
def circle_add_member(
    *, circle: Circle, member: Member, on: dt.date | None = None
) -> CircleMembership:
    """Put a member in a circle (enrolling them in the program when needed)."""
    on = on or timezone.localdate()
    if member.organization_id != circle.program.organization_id:
        raise DomainError(f"{member} is not in {circle.program.organization}.")
    if circle.memberships.filter(member=member, left_on__isnull=True).exists():
        raise DomainError(f"{member} is already in {circle}.")
    program_enrol(program=circle.program, members=[member], on=on)
    figures_changed(circle.program_id)
    return CircleMembership.objects.create(circle=circle, member=member, joined_on=on)


@transaction.atomic
def circle_remove_member(
    *, circle: Circle, member: Member, on: dt.date | None = None
) -> CircleMembership:
    on = on or timezone.localdate()
    membership = circle.memberships.filter(member=member, left_on__isnull=True).first()
    if membership is None:
        raise DomainError(f"{member} is not in {circle}.")
    membership.left_on = max(on, membership.joined_on)
    membership.save(update_fields=["left_on", "updated_at"])
    figures_changed(circle.program_id)
    if circle.lead_id == member.pk:
        circle.lead = None
        circle.save(update_fields=["lead", "updated_at"])
        lead_changed(circle, member.pk)
    return membership


@transaction.atomic
def circle_set_lead(*, circle: Circle, lead: Member | None) -> Circle:
    if (
        lead is not None
        and not circle.memberships.filter(member=lead, left_on__isnull=True).exists()
    ):
        raise DomainError(f"{lead} must be a member of {circle} to lead it.", field="lead")
    previous_lead_id = circle.lead_id
    circle.lead = lead
    circle.save(update_fields=["lead", "updated_at"])
    figures_changed(circle.program_id)
    lead_changed(circle, previous_lead_id)
    return circle


@transaction.atomic
def program_withdraw(*, program: Program, member: Member, on: dt.date | None = None) -> Enrolment:
    """Withdraw a member from the program and from its circles; history is kept. It lives here,
    above programs, because it reaches into circles."""
    on = on or timezone.localdate()
    if not program.enrolments.filter(member=member, withdrawn_on__isnull=True).exists():
        raise DomainError(f"{member} is not enrolled in {program}.")
    for circle in program.circles.filter(
        memberships__member=member, memberships__left_on__isnull=True
    ):
        circle_remove_member(circle=circle, member=member, on=on)
    return enrolment_end(program=program, member=member, on=on)
