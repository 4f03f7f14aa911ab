"""Helpers the meetings, notifications and meetings API tests share."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.circles.services import circle_add_member
from roundtable.meetings import services
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member
from roundtable.testing.factories import MemberFactory


def newcomer(circle: Circle, *, joined_on: dt.date | None = None) -> Member:
    """A new member of the circle's organisation, put in the circle by the real service."""
    member = MemberFactory.create(organization=circle.program.organization)
    circle_add_member(circle=circle, member=member, on=joined_on)
    return member


def weekly_from_two_weeks_ago(circle: Circle) -> Meeting:
    """The circle meets weekly on today's weekday at 09:00 since two weeks ago: its first meeting
    (held two weeks ago), for pages that need both past and coming meetings."""
    services.schedule_set(
        circle=circle,
        frequency="weekly",
        weekday=timezone.localdate().weekday(),
        start_time=dt.time(9),
        starts_on=timezone.localdate() - dt.timedelta(days=14),
        now=timezone.now() - dt.timedelta(days=14),
    )
    first = circle.meetings.order_by("starts_at").first()
    assert first is not None
    return first
