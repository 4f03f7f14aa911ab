"""Reads over past meetings (history.py): the trend, and the one consistency computation that
serves the circle page and the member page."""

from __future__ import annotations

import datetime as dt

import pytest

from roundtable.circles.services import circle_update
from roundtable.meetings import services
from roundtable.meetings.history import (
    circle_trend,
    meetings_consistency,
    member_attendance_trend,
)

NOW = dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def circle(personas):
    circle = circle_update(circle=personas.circle, time_zone="America/New_York")
    personas.circle.memberships.update(joined_on=dt.date(2027, 1, 1))
    services.schedule_set(
        circle=circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9),
        starts_on=dt.date(2027, 2, 1),
    )
    return circle


def _four_meetings(circle, personas):
    """Held, cancelled, held, held; the lead always there, the member absent then present."""
    meetings = list(circle.meetings.order_by("starts_at")[:4])
    services.meeting_cancel(meeting=meetings[1], reason="Holiday")
    member, lead = personas.members["member"], circle.lead
    after = meetings[3].ends_at  # present and absent are recorded once a meeting has started
    for m in (meetings[0], meetings[2], meetings[3]):
        services.attendance_set(
            meeting=m, member=lead, status="present", reported_by=lead, now=after
        )
    services.attendance_set(
        meeting=meetings[0], member=member, status="absent", reported_by=lead, now=after
    )
    for m in (meetings[2], meetings[3]):
        services.attendance_set(
            meeting=m, member=member, status="present", reported_by=lead, now=after
        )
    return meetings


def test_circle_and_member_consistency_from_one_computation(circle, personas):
    meetings = _four_meetings(circle, personas)
    after = meetings[3].ends_at
    figures = meetings_consistency(circle=circle, now=after)
    assert (figures.scheduled, figures.held, figures.cancelled, figures.moved) == (4, 3, 1, 0)
    assert figures.streak == 2  # the cancelled meeting ends the circle's run
    assert figures.attendance_percent == 83  # 5 present of 6 recorded
    assert figures.held_percent == 75
    mine = meetings_consistency(member=personas.members["member"], now=after)
    assert (mine.scheduled, mine.held, mine.cancelled) == (4, 3, 1)
    assert mine.streak == 2  # attended the last two held meetings
    assert mine.attendance_percent == 67
    lead = meetings_consistency(member=circle.lead, now=after)
    assert lead.streak == 3  # a cancelled meeting does not end a person's run
    assert lead.attendance_percent == 100


def test_a_member_counts_only_meetings_since_they_joined(circle, personas):
    meetings = _four_meetings(circle, personas)
    member = personas.members["member"]
    circle.memberships.filter(member=member).update(joined_on=meetings[2].starts_at.date())
    mine = meetings_consistency(member=member, now=meetings[3].ends_at)
    assert (mine.scheduled, mine.held, mine.streak, mine.attendance_percent) == (2, 2, 2, 100)


def test_consistency_needs_exactly_one_subject(circle, personas):
    with pytest.raises(ValueError, match="exactly one"):
        meetings_consistency(circle=circle, member=personas.members["member"])
    with pytest.raises(ValueError, match="exactly one"):
        meetings_consistency()


def test_trend_and_attendance_trend_tell_what_happened(circle, personas):
    meetings = _four_meetings(circle, personas)
    member = personas.members["member"]
    services.feedback_give(  # from the lead: the member was absent, so gives none
        meeting=meetings[0], member=circle.lead, rating=2, now=meetings[0].ends_at
    )
    after = meetings[3].ends_at
    trend = circle_trend(circle=circle, now=after)
    assert [p.status for p in trend] == ["held", "cancelled", "held", "held"]
    assert (trend[0].average_rating, trend[0].ratings, trend[0].present) == (2.0, 1, 1)
    points = member_attendance_trend(member=member, now=after)
    assert [p.status for p in points] == ["absent", "cancelled", "present", "present"]
