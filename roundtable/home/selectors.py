"""The home page's answer to "what do I do next?", computed from what exists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.circles.selectors import my_circles, program_unplaced_counts
from roundtable.core import permissions
from roundtable.insights.selectors.dashboard import ProgramsOverview, programs_overview
from roundtable.meetings.models import Meeting, Schedule
from roundtable.meetings.selectors import upcoming_meetings_for_user
from roundtable.programs.models import Program
from roundtable.programs.selectors import programs_for_user


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str
    action: str


@dataclass(frozen=True)
class CircleGap:
    """A circle of a program the viewer oversees that has no lead, no schedule, or neither."""

    circle: Circle
    missing: tuple[str, ...]  # "lead", "schedule"
    can_manage: bool  # the viewer can fix it (a coordinator or an admin; a sponsor only sees)

    @property
    def label(self) -> str:
        return " and ".join(f"no {what}" for what in self.missing).capitalize()


@dataclass
class HomeSummary:
    circles: list[Circle] = field(default_factory=list)
    meetings: Sequence[Meeting] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    steps: list[NextStep] = field(default_factory=list)
    circles_to_set_up: list[CircleGap] = field(default_factory=list)
    has_membership: bool = False
    # For admins, coordinators and sponsors: their running programs' circles at risk and a
    # summary per program (None for someone who oversees no running program).
    oversight: ProgramsOverview | None = None

    @property
    def other_programs(self) -> list[Program]:
        """The programs the person takes part in without overseeing them."""
        overseen = {s.program.pk for s in self.oversight.programs} if self.oversight else set()
        return [p for p in self.programs if p.pk not in overseen]


def circles_without_lead_or_schedule(*, user: Any, programs: Sequence[Program]) -> list[CircleGap]:
    """Circles of the running programs (draft or active) the user oversees (as an admin,
    coordinator or sponsor) that have no lead or no schedule yet, in one query."""
    overseen = {
        p.pk: p
        for p in programs
        if p.status != Program.Status.ENDED and permissions.can_view_program_overview(user, p)
    }
    if not overseen:
        return []
    circles = (
        Circle.objects.filter(program_id__in=overseen)
        .annotate(has_schedule=Exists(Schedule.objects.filter(circle_id=OuterRef("pk"))))
        .filter(Q(lead__isnull=True) | Q(has_schedule=False))
        .order_by("program__start_date", "program__name", "name")
    )
    gaps = []
    for circle in circles:
        program = overseen[circle.program_id]
        circle.program = program  # already fetched, with the viewer's capacities
        missing = tuple(
            what
            for what, lacking in (
                ("lead", circle.lead_id is None),
                ("schedule", not getattr(circle, "has_schedule", True)),
            )
            if lacking
        )
        gaps.append(
            CircleGap(
                circle=circle,
                missing=missing,
                can_manage=permissions.can_manage_program(user, program),
            )
        )
    return gaps


def home_summary(*, user: Any, today: dt.date | None = None) -> HomeSummary:
    members = list(permissions.memberships(user).values())
    summary = HomeSummary(has_membership=bool(members))
    if not members:
        return summary
    summary.circles = list(my_circles(user=user))
    summary.meetings = upcoming_meetings_for_user(user=user)
    summary.programs = list(programs_for_user(user=user))
    summary.circles_to_set_up = circles_without_lead_or_schedule(
        user=user, programs=summary.programs
    )
    overseen = [
        p
        for p in summary.programs
        if p.status != Program.Status.ENDED and permissions.can_view_program_overview(user, p)
    ]
    if overseen:
        summary.oversight = programs_overview(overseen, today=today or timezone.localdate())
    my_ids = {m.pk for m in members}
    unplaced_counts = program_unplaced_counts(
        programs=[p for p in summary.programs if permissions.can_manage_program(user, p)]
    )
    for member in members:
        if not member.availability.exists():
            summary.steps.append(
                NextStep(
                    text="Add your weekly availability so your circle can find a common time.",
                    url=reverse("orgs:profile"),
                    action="Set availability",
                )
            )
            break
    for circle in summary.circles:
        if circle.lead_id in my_ids:
            summary.steps.append(
                NextStep(
                    text=f"You lead {circle.name}: check who is in it and how it is going.",
                    url=reverse("circles:detail", args=[circle.pk]),
                    action="Open circle",
                )
            )
    for program in summary.programs:
        roles = permissions.program_roles(user, program)
        if permissions.Capacity.SPONSOR in roles and not roles & permissions.MANAGERS:
            # circle_count and enrolled_count are annotations from programs_for_user.
            circles, enrolled = (
                getattr(program, "circle_count", 0),
                getattr(program, "enrolled_count", 0),
            )
            summary.steps.append(
                NextStep(
                    text=f"You sponsor {program.name}: {circles} circles, "
                    f"{enrolled} people enrolled.",
                    url=reverse("programs:detail", args=[program.pk]),
                    action="See the program",
                )
            )
        if not permissions.can_manage_program(user, program):
            continue
        if program.status == Program.Status.DRAFT:
            summary.steps.append(
                NextStep(
                    text=f"{program.name} is still a draft: enrol members, form circles, "
                    "then make it active.",
                    url=reverse("programs:detail", args=[program.pk]),
                    action="Set up program",
                )
            )
        unplaced = unplaced_counts.get(program.pk, 0)
        if unplaced:
            summary.steps.append(
                NextStep(
                    text=f"{unplaced} enrolled member{'s' if unplaced != 1 else ''} of "
                    f"{program.name} {'are' if unplaced != 1 else 'is'} in no circle yet.",
                    url=reverse("programs:detail", args=[program.pk]) + "#unplaced",
                    action="Place them",
                )
            )
    return summary
