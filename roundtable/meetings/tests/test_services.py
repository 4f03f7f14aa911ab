"""Schedules and meetings: the series, one-off changes, agenda, notes, attendance, feedback."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from roundtable.circles.services import circle_update
from roundtable.core.errors import DomainError
from roundtable.meetings import services
from roundtable.meetings.models import Meeting

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def circle(personas):
    return circle_update(circle=personas.circle, time_zone="America/New_York")


def _weekly(circle, **kwargs):
    args = {
        "circle": circle,
        "frequency": "weekly",
        "weekday": 1,
        "start_time": dt.time(9),
        "starts_on": dt.date(2027, 2, 1),
        "now": NOW,
    }
    return services.schedule_set(**{**args, **kwargs})


def test_schedule_materialises_twelve_weeks_at_nine_new_york_time(circle):
    schedule = _weekly(circle)
    assert schedule.rrule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"
    meetings = list(circle.meetings.order_by("starts_at"))
    assert len(meetings) == 12
    assert {m.starts_at.astimezone(NY).time() for m in meetings} == {dt.time(9)}
    # Across the March change the UTC hour moves, the local hour does not.
    hours = {m.starts_at.date(): m.starts_at.hour for m in meetings}
    assert hours[dt.date(2027, 3, 9)] == 14
    assert hours[dt.date(2027, 3, 16)] == 13


def test_materialising_again_changes_nothing(circle):
    _weekly(circle)
    assert services.meetings_materialise(circle=circle, now=NOW) == []
    assert circle.meetings.count() == 12


def test_series_change_spares_meetings_edited_one_by_one(circle):
    _weekly(circle)
    first, second, third = circle.meetings.order_by("starts_at")[:3]
    services.meeting_move(
        meeting=second, starts_at=second.starts_at + dt.timedelta(days=1), reason="Holiday",
        now=NOW,
    )  # fmt: skip
    services.agenda_item_add(meeting=third, member=circle.lead, title="Handover checklist")
    _weekly(circle, weekday=3)  # move the series to Thursdays
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "scheduled"
    assert second.starts_at.astimezone(NY).weekday() == 2  # still its own Wednesday
    assert third.status == "cancelled"  # it had an agenda, so it is kept and cancelled
    assert "schedule changed" in third.change_reason
    assert not Meeting.objects.filter(pk=first.pk).exists()  # untouched: replaced
    thursdays = circle.meetings.filter(status="scheduled", detached=False)
    assert {m.starts_at.astimezone(NY).weekday() for m in thursdays} == {3}


def test_moving_into_the_past_or_onto_another_meeting_is_refused(circle):
    _weekly(circle)
    first, second = circle.meetings.order_by("starts_at")[:2]
    with pytest.raises(DomainError, match="into the past"):
        services.meeting_move(
            meeting=first, starts_at=NOW - dt.timedelta(days=1), reason="x", now=NOW
        )
    with pytest.raises(DomainError, match="already meets then"):
        services.meeting_move(
            meeting=first, starts_at=second.starts_at + dt.timedelta(minutes=30), reason="x",
            now=NOW,
        )  # fmt: skip
    with pytest.raises(DomainError, match="Say why"):
        services.meeting_move(
            meeting=first, starts_at=first.starts_at + dt.timedelta(hours=2), reason=" ", now=NOW
        )
    moved = services.meeting_move(
        meeting=first, starts_at=first.starts_at + dt.timedelta(hours=2), reason="Clash", now=NOW
    )
    assert moved.sequence == 1
    assert moved.detached


def test_cancel_keeps_the_meeting_on_record(circle):
    _weekly(circle)
    meeting = circle.meetings.order_by("starts_at").first()
    services.meeting_cancel(meeting=meeting, reason="Offsite day", now=NOW)
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    assert meeting.sequence == 1
    with pytest.raises(DomainError, match="already cancelled"):
        services.meeting_cancel(meeting=meeting, reason="again", now=NOW)


def test_unfinished_agenda_items_carry_over(circle):
    _weekly(circle)
    first, second = circle.meetings.order_by("starts_at")[:2]
    done = services.agenda_item_add(meeting=first, member=circle.lead, title="Done thing")
    services.agenda_item_set_done(item=done, done=True)
    services.agenda_item_add(meeting=first, member=circle.lead, title="Open thing")
    services.meetings_roll_forward(now=first.ends_at + dt.timedelta(minutes=1))
    carried = list(second.agenda_items.all())
    assert [i.title for i in carried] == ["Open thing"]
    assert carried[0].carried_from is not None
    # Running the worker again does not carry twice.
    services.meetings_roll_forward(now=first.ends_at + dt.timedelta(minutes=2))
    assert second.agenda_items.count() == 1


def test_notes_are_sanitised():
    from roundtable.meetings.rendering import notes_render

    html = notes_render("**Good** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>Good</strong>" in html
    assert "<script>" not in html
    assert "javascript:" not in html


def test_attendance_and_feedback_rules(circle, personas):
    _weekly(circle)
    meeting = circle.meetings.order_by("starts_at").first()
    member = personas.members["member"]
    with pytest.raises(DomainError, match="opens when the meeting starts"):
        services.feedback_give(meeting=meeting, member=member, rating=4, now=NOW)
    after = meeting.ends_at
    services.feedback_give(meeting=meeting, member=member, rating=2, comment="Slow", now=after)
    services.feedback_give(meeting=meeting, member=member, rating=3, now=after)
    assert meeting.feedback.get().rating == 3  # one per member, updated
    with pytest.raises(DomainError, match="from 1 to 5"):
        services.feedback_give(meeting=meeting, member=member, rating=9, now=after)
    services.attendance_set(
        meeting=meeting, member=member, status="present", reported_by=circle.lead
    )
    with pytest.raises(DomainError, match="is not in"):
        services.attendance_set(
            meeting=meeting,
            member=personas.members["sponsor"],
            status="present",
            reported_by=circle.lead,
        )


def test_invalid_schedules_are_refused(circle):
    with pytest.raises(DomainError, match="which weekday of the month"):
        _weekly(circle, frequency="monthly")
    circle.time_zone = "Mars/Base"
    with pytest.raises(DomainError, match="not a known time zone"):
        _weekly(circle)


def test_roll_forward_task_extends_the_horizon(circle):
    from django.utils import timezone

    from roundtable.meetings.tasks import meetings_roll_forward_task

    _weekly(circle, starts_on=timezone.localdate(), now=timezone.now())
    circle.meetings.all().delete()
    result = meetings_roll_forward_task.enqueue()
    assert (result.return_value or 0) >= 11
    assert circle.meetings.count() >= 11


def test_consistency_figures(circle, personas):
    from roundtable.meetings.history import meetings_consistency

    _weekly(circle)
    meetings = list(circle.meetings.order_by("starts_at")[:4])
    services.meeting_cancel(meeting=meetings[1], reason="Holiday", now=NOW)
    member, lead = personas.members["member"], circle.lead
    for m in (meetings[0], meetings[2], meetings[3]):
        services.attendance_set(meeting=m, member=lead, status="present", reported_by=lead)
    services.attendance_set(meeting=meetings[0], member=member, status="absent", reported_by=lead)
    for m in (meetings[2], meetings[3]):
        services.attendance_set(meeting=m, member=member, status="present", reported_by=lead)
    after = meetings[3].ends_at
    figures = meetings_consistency(circle=circle, now=after)
    assert (figures.scheduled, figures.held, figures.cancelled) == (4, 3, 1)
    assert figures.streak == 2
    assert figures.attendance_percent == 83  # 5 present of 6 recorded
    mine = meetings_consistency(member=member, now=after)
    assert (mine.held, mine.streak, mine.attendance_percent) == (3, 2, 67)
