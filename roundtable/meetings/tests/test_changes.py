"""Moving and cancelling one meeting (services/changes.py): the rules, the record kept, and the
notification rows that follow the change."""

from __future__ import annotations

import datetime as dt

import pytest

from roundtable.circles.services import circle_update
from roundtable.core.errors import DomainError
from roundtable.meetings import services
from roundtable.notifications.models import Notification
from roundtable.notifications.services import notifications_plan

NOW = dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def circle(personas):
    circle = circle_update(circle=personas.circle, time_zone="America/New_York")
    services.schedule_set(
        circle=circle,
        frequency="weekly",
        weekday=1,
        start_time=dt.time(9),
        starts_on=dt.date(2027, 2, 1),
    )
    return circle


def test_moving_into_the_past_or_onto_another_meeting_is_refused(circle):
    first, second = circle.meetings.order_by("starts_at")[:2]
    with pytest.raises(DomainError, match="into the past"):
        services.meeting_move(meeting=first, starts_at=NOW - dt.timedelta(days=1), reason="x")
    with pytest.raises(DomainError, match="already meets then"):
        services.meeting_move(
            meeting=first, starts_at=second.starts_at + dt.timedelta(minutes=30), reason="x"
        )
    with pytest.raises(DomainError, match="Say why"):
        services.meeting_move(
            meeting=first, starts_at=first.starts_at + dt.timedelta(hours=2), reason=" "
        )
    moved = services.meeting_move(
        meeting=first, starts_at=first.starts_at + dt.timedelta(hours=2), reason="Clash"
    )
    assert moved.sequence == 1
    assert moved.detached
    assert moved.was_moved


def test_a_meeting_that_started_cannot_be_moved(circle, frozen_clock):
    first = circle.meetings.earliest("starts_at")
    frozen_clock.move_to(first.starts_at + dt.timedelta(minutes=5))
    with pytest.raises(DomainError, match="already started"):
        services.meeting_move(
            meeting=first, starts_at=first.starts_at + dt.timedelta(days=2), reason="Late"
        )


def test_cancel_keeps_the_meeting_on_record(circle):
    meeting = circle.meetings.order_by("starts_at").first()
    services.meeting_cancel(meeting=meeting, reason="Offsite day")
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    assert meeting.sequence == 1
    assert meeting.change_reason == "Offsite day"
    with pytest.raises(DomainError, match="already cancelled"):
        services.meeting_cancel(meeting=meeting, reason="again")
    with pytest.raises(DomainError, match="is cancelled; it cannot be moved"):
        services.meeting_move(
            meeting=meeting, starts_at=meeting.starts_at + dt.timedelta(days=1), reason="x"
        )


def test_a_move_takes_the_unsent_reminders_along(circle):
    meeting = circle.meetings.earliest("starts_at")
    notifications_plan()
    later = meeting.starts_at + dt.timedelta(hours=3)
    services.meeting_move(meeting=meeting, starts_at=later, reason="Room taken")
    reminders = Notification.objects.filter(meeting=meeting, kind="reminder")
    assert reminders.count() == 2
    assert {n.due_at for n in reminders} == {later - dt.timedelta(hours=24)}
