"""Helpers for the points-of-view, adoption, agenda and voice tests: an idea taken through the
real decision services, meetings of a circle at given days, and a third circle."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.circles.services import circle_create
from roundtable.ideas.models import Idea, Stage
from roundtable.ideas.services.decisions import idea_decide
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member
from roundtable.testing.factories import MemberFactory
from roundtable.testing.personas import Personas


def decide(idea: Idea, by: Member, *stages: str, meeting: Meeting | None = None) -> Idea:
    """Move the idea through `stages` (default: discussing, then adopted), as its lead would."""
    for stage in stages or (Stage.DISCUSSING, Stage.ADOPTED):
        idea_decide(idea=idea, to_stage=stage, rationale=f"The circle chose {stage}.", by=by,
                    meeting=meeting)  # fmt: skip
    idea.refresh_from_db()
    return idea


def meeting_at(circle: Circle, days_from_now: float, *, cancelled: bool = False) -> Meeting:
    """A meeting of the circle `days_from_now` days from the frozen now (negative: past)."""
    return Meeting.objects.create(
        circle=circle,
        starts_at=timezone.now() + dt.timedelta(days=days_from_now),
        duration_minutes=60,
        status=Meeting.Status.CANCELLED if cancelled else Meeting.Status.SCHEDULED,
    )


def third_circle(personas: Personas, name: str = "West") -> tuple[Circle, Member]:
    """A third circle of the personas' program, with its own lead."""
    lead = MemberFactory.create(organization=personas.organization, user__full_name=f"{name} Lead")
    circle = circle_create(program=personas.program, name=name, members=[lead], lead=lead)
    return circle, lead
