"""The series (services/schedules.py): materialising a schedule's meetings, series changes that
spare meetings edited one by one, the roll forward, and daylight saving in three zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from roundtable.circles.services import circle_update
from roundtable.core.errors import DomainError
from roundtable.meetings import services
from roundtable.meetings.models import Meeting
from roundtable.meetings.tests.daylight_saving import DST_CASES

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


@pytest.mark.parametrize("zone", sorted(DST_CASES))
def test_a_weekly_nine_oclock_stays_nine_local_across_daylight_saving(personas, zone):
    circle = circle_update(circle=personas.circle, time_zone=zone)
    _weekly(circle)
    before, after = DST_CASES[zone]
    starts = list(circle.meetings.order_by("starts_at").values_list("starts_at", flat=True))
    assert before in starts
    assert after in starts
    assert {s.astimezone(ZoneInfo(zone)).time() for s in starts} == {dt.time(9)}
    assert {s.astimezone(ZoneInfo(zone)).weekday() for s in starts} == {1}


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


def test_a_longer_series_lengthens_the_coming_meetings_and_raises_their_sequence(circle):
    _weekly(circle)
    _weekly(circle, duration_minutes=90)
    assert set(circle.meetings.values_list("duration_minutes", "sequence")) == {(90, 1)}


def test_invalid_schedules_are_refused(circle):
    with pytest.raises(DomainError, match="which weekday of the month"):
        _weekly(circle, frequency="monthly")
    circle.time_zone = "Mars/Base"
    with pytest.raises(DomainError, match="not a known time zone"):
        _weekly(circle)


def test_roll_forward_extends_the_horizon_week_by_week(circle):
    _weekly(circle)
    assert services.meetings_roll_forward(now=NOW + dt.timedelta(weeks=2)) == 2
    assert services.meetings_roll_forward(now=NOW + dt.timedelta(weeks=2)) == 0
    assert circle.meetings.count() == 14
