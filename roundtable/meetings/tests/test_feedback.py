"""A member's rating of a meeting (services/feedback.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from roundtable.core.errors import DomainError
from roundtable.meetings import services


def test_feedback_opens_at_the_start_and_is_one_per_member(personas):
    services.schedule_set(
        circle=personas.circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9),
        starts_on=dt.date(2027, 3, 1),
    )
    meeting, cancelled = personas.circle.meetings.order_by("starts_at")[:2]
    member = personas.members["member"]
    with pytest.raises(DomainError, match="opens when the meeting starts"):
        services.feedback_give(meeting=meeting, member=member, rating=4)
    after = meeting.ends_at
    services.feedback_give(meeting=meeting, member=member, rating=2, comment="Slow", now=after)
    services.feedback_give(meeting=meeting, member=member, rating=3, now=after)
    assert list(meeting.feedback.values_list("rating", "comment")) == [(3, "")]
    with pytest.raises(DomainError, match="from 1 to 5"):
        services.feedback_give(meeting=meeting, member=member, rating=9, now=after)
    services.meeting_cancel(meeting=cancelled, reason="Holiday")
    with pytest.raises(DomainError, match="cancelled meeting takes no feedback"):
        services.feedback_give(meeting=cancelled, member=member, rating=4, now=cancelled.ends_at)
