"""Shared set-up for the pulse tests: a program whose pulse runs every four weeks from Monday
4 January 2027 (periods 4-31 Jan, 1-28 Feb, 1-28 Mar, 29 Mar-25 Apr), the North circle filled
up to five members, and quick writers of answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from roundtable.circles.models import Circle
from roundtable.circles.services import circle_add_member
from roundtable.insights.models import PULSE_FIELDS, PulseAnswer, PulseSchedule
from roundtable.insights.services.pulses import pulse_answer, pulse_schedule_set
from roundtable.orgs.models import Member
from roundtable.testing.factories import MemberFactory
from roundtable.testing.personas import Personas

STARTS_ON = dt.date(2027, 1, 4)
JAN, FEB, MAR, APR = (STARTS_ON + dt.timedelta(weeks=4 * i) for i in range(4))
NOW = dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.UTC)  # a Wednesday in the March period
TODAY = NOW.date()


def schedule_on(personas: Personas, every_weeks: int = 4) -> PulseSchedule:
    return pulse_schedule_set(
        personas.program,
        by=personas.members["coordinator"],
        active=True,
        every_weeks=every_weeks,
        today=TODAY,
        starts_on=STARTS_ON,
    )


def peers_add(personas: Personas, count: int, circle: Circle | None = None) -> list[Member]:
    """`count` more members in the circle (North by default), who joined in 2026."""
    circle = circle or personas.circle
    found = []
    for _ in range(count):
        member = MemberFactory.create(organization=personas.organization)
        circle_add_member(circle=circle, member=member, on=dt.date(2026, 12, 1))
        found.append(member)
    return found


def scores(value: int, **overrides: int) -> dict[str, int]:
    return {key: overrides.get(key, value) for key in PULSE_FIELDS}


def answer(
    circle: Circle, member: Member, on: dt.date, value: int = 4, comment: str = "", **kw: int
) -> PulseAnswer:
    return pulse_answer(circle, by=member, today=on, answers=scores(value, **kw), comment=comment)


def rows_add(
    circle: Circle, period_start: dt.date, answers: Sequence[dict[str, int]], comment: str = ""
) -> None:
    """Answer rows straight into the table (the selector tests need no members)."""
    PulseAnswer.objects.bulk_create(
        PulseAnswer(circle=circle, period_start=period_start, comment=comment, **a) for a in answers
    )
