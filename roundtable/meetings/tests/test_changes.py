"""Moving, cancelling and restoring one meeting (services/changes.py): the rules, the record kept,
the open agenda carried on, and the notification rows that follow the change."""

from __future__ import annotations

import datetime as dt

import pytest

from roundtable.circles.services import circle_update
from roundtable.core.errors import DomainError
from roundtable.meetings import services
from roundtable.notifications.models import Notification
from roundtable.notifications.services import notifications_plan, notifications_send_due

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


def test_a_move_more_than_three_years_ahead_is_refused(circle):
    meeting = circle.meetings.earliest("starts_at")
    with pytest.raises(DomainError, match="at most 3 years ahead") as far:
        services.meeting_move(
            meeting=meeting, starts_at=dt.datetime(2100, 1, 5, 14, tzinfo=dt.UTC), reason="Typo"
        )
    assert far.value.field == "starts_at"
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_cancelling_carries_open_agenda_items_to_the_next_meeting_that_takes_place(circle):
    first, second, third = circle.meetings.order_by("starts_at")[:3]
    services.meeting_cancel(meeting=second, reason="Holiday")
    services.agenda_item_add(meeting=first, member=circle.lead, title="Open question")
    done = services.agenda_item_add(meeting=first, member=circle.lead, title="Settled")
    services.agenda_item_set_done(item=done, done=True)
    services.meeting_cancel(meeting=first, reason="Offsite day")
    assert not second.agenda_items.exists()  # cancelled too: skipped
    assert list(third.agenda_items.values_list("title", "carried_from__meeting")) == [
        ("Open question", first.pk)
    ]


def test_restore_brings_the_meeting_back_and_tells_those_told_of_the_cancellation(circle):
    first, second = circle.meetings.order_by("starts_at")[:2]
    services.agenda_item_add(meeting=first, member=circle.lead, title="Open question")
    notifications_plan()
    assert notifications_send_due(now=first.starts_at - dt.timedelta(hours=24)) == 2
    services.meeting_cancel(meeting=first, reason="Offsite day")
    assert second.agenda_items.count() == 1
    restored = services.meeting_restore(meeting=first, reason="Offsite moved")
    assert (restored.status, restored.sequence, restored.change_reason) == (
        "scheduled", 2, "Offsite moved",
    )  # fmt: skip
    assert restored.detached  # series changes leave it alone now
    assert not second.agenda_items.exists()  # the carried copy went: the item is back here
    assert list(first.agenda_items.values_list("title", flat=True)) == ["Open question"]
    notices = Notification.objects.filter(meeting=first, kind="change")
    assert sorted(notices.values_list("meeting_sequence", flat=True)) == [1, 1, 2, 2]
    with pytest.raises(DomainError, match="not cancelled"):
        services.meeting_restore(meeting=first)


def test_a_meeting_whose_time_passed_or_clashes_cannot_be_restored(circle, frozen_clock):
    first, second = circle.meetings.order_by("starts_at")[:2]
    services.meeting_cancel(meeting=second, reason="Holiday")
    services.meeting_move(
        meeting=first, starts_at=second.starts_at + dt.timedelta(minutes=30), reason="Clash"
    )
    with pytest.raises(DomainError, match="already meets then"):
        services.meeting_restore(meeting=second)
    frozen_clock.move_to(second.starts_at + dt.timedelta(hours=3))
    with pytest.raises(DomainError, match="time has passed"):
        services.meeting_restore(meeting=second)
    second.refresh_from_db()
    assert second.is_cancelled
